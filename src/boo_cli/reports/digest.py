"""The newsletter digest as Markdown, plain text and HTML (each from its own template, each escaping
user text for its language), and as a multipart email."""

from __future__ import annotations

from email.message import EmailMessage

from boo_cli.reports.rendering import render
from boo_cli.services.newsletter import Digest


def to_markdown(digest: Digest) -> str:
    return render("digest.md.j2", d=digest)


def to_text(digest: Digest) -> str:
    """Plain text for a mail reader: no markup, so what users typed is printed as typed."""
    return render("digest.txt.j2", d=digest)


def to_html(digest: Digest) -> str:
    """From its own autoescaped template (user text is never read as Markdown), under a
    Content-Security-Policy that lets it load and run nothing."""
    return render("digest.html.j2", d=digest)


RENDERERS = {"md": to_markdown, "text": to_text, "html": to_html}


def to_email(digest: Digest) -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML second (mail readers show the last they can)."""
    message = EmailMessage()
    message["To"] = digest.subscription.email
    message["Subject"] = f"Your {digest.frequency} boo digest, {digest.today.isoformat()}"
    message.set_content(to_text(digest))
    message.add_alternative(to_html(digest), subtype="html")
    return message
