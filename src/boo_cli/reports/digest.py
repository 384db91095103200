"""The newsletter digest as Markdown, plain text and HTML, and as a multipart email."""

from __future__ import annotations

from email.message import EmailMessage

from boo_cli.reports.rendering import render
from boo_cli.services.newsletter import Digest


def to_markdown(digest: Digest) -> str:
    return render("digest.md.j2", d=digest)


def to_text(digest: Digest) -> str:
    """The Markdown without its markup: what a plain-text mail reader shows."""
    import re

    text = to_markdown(digest)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"'\1'", text)
    return re.sub(r"^#+ ", "", text, flags=re.MULTILINE)


def to_html(digest: Digest) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).render(to_markdown(digest))
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>boo digest</title></head>\n'
        '<body style="font-family: sans-serif; max-width: 40em; margin: auto; line-height: 1.5">\n'
        f"{body}</body></html>\n"
    )


RENDERERS = {"md": to_markdown, "text": to_text, "html": to_html}


def to_email(digest: Digest) -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML second (mail readers show the last they can)."""
    message = EmailMessage()
    message["To"] = digest.subscription.email
    message["Subject"] = f"Your {digest.frequency} boo digest, {digest.today.isoformat()}"
    message.set_content(to_text(digest))
    message.add_alternative(to_html(digest), subtype="html")
    return message
