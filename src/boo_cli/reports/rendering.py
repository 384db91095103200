"""Templates for reports: Jinja2 with its sandbox, so no template (bundled or user's) can run code.

User text is data (issue 14): every value a template prints is escaped for the template's language
unless it says otherwise, so forgetting a filter is safe and only a deliberate `Markdown(...)` in Python
can print markup. The language follows the template's name:

- `*.md.j2`: every `{{ value }}` is inline Markdown text (see `markdown_text`); `block` keeps a value's
  lines and paragraphs, `code` makes a code span, `link` an autolink for http(s)/mailto only.
- `*.html.j2`: Jinja's HTML autoescape.
- `*.toml.j2`: every value is comment text on one line; `toml_key` quotes a dotted key.
- `*.txt.j2`: plain text, printed as typed (a plain-text mail part has no markup to escape).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any


class Markdown(str):
    """Text that is already Markdown: printed as it is, never escaped again."""


# Characters that start inline markup anywhere in a line: escapes, emphasis, code, links and images,
# raw HTML and autolinks, entities, table cells, GFM strikethrough, ATX heading closers, math.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~#$])")
# Block starters that are only markup at the start of a line (the rest are escaped by _INLINE): list
# markers followed by a space, ordered list numbers, thematic breaks and setext underlines, and
# pandoc's definition lists and fenced divs.
_BULLET = re.compile(r"^([-+])(?=[ \t]|$)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_RULE = re.compile(r"^([-=])(?=[-= \t]*$)")
_COLON = re.compile(r"^(:)(?=[: \t]|$)")
# A line of only dashes, colons, pipes and blanks is a GFM table's delimiter row under a line that
# holds a pipe (escaped or not, for some parsers): its first character is escaped.
_DELIMITER = re.compile(r"^([-:|])(?=[-:|\\ \t]*$)")  # (after _INLINE: its pipes are escaped)
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def markdown_text(value: Any) -> str:
    """A value as inline Markdown that renders to exactly its text, on one line, wherever it stands
    (even at the start of a line or of a list item, or in a table cell). Ends are trimmed: Markdown
    drops them anyway. Numbers and dates print as they are."""
    if isinstance(value, Markdown):
        return value
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = _NEWLINES.sub(" ", str(value)).strip()
    text = _INLINE.sub(r"\\\1", text)
    for starter in (_BULLET, _RULE, _COLON, _DELIMITER):
        text = starter.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def markdown_inline(value: Any) -> Markdown:
    return Markdown(markdown_text(value))


def markdown_block(value: Any) -> Markdown:
    """Multi-line text as paragraphs, each line kept (a hard line break); to stand at a line start."""
    text = "" if value is None else str(value)
    paragraphs: list[list[str]] = [[]]
    for line in _NEWLINES.split(text):
        if line.strip():
            paragraphs[-1].append(markdown_text(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    return Markdown("\n\n".join("  \n".join(lines) for lines in paragraphs if lines))


def markdown_code(value: Any) -> Markdown:
    """A code span holding exactly the text: fenced by more backticks than it contains."""
    text = _NEWLINES.sub(" ", "" if value is None else str(value))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    if text.startswith(("`", " ")) or text.endswith(("`", " ")):
        text = f" {text} "
    return Markdown(f"{fence}{text}{fence}")


_LINK = re.compile(r"(?i)^(?:https?|mailto):[^\x00-\x20\x7f<>\\`]+$")


def markdown_link(value: Any) -> Markdown:
    """An autolink for an http, https or mailto address; anything else is shown as plain text."""
    text = "" if value is None else str(value).strip()
    if _LINK.match(text):
        return Markdown(f"<{text}>")
    return markdown_inline(text)


def mermaid_text(value: Any) -> Markdown:
    """A task name safe inside a Mermaid gantt line within a code fence: its syntax uses : ; # % and
    newlines, and backticks or a fence could end the code block."""
    text = "" if value is None else str(value)
    return Markdown(re.sub(r"[\s:;#%`~<>{}\[\]\\\"]+", " ", text).strip() or "untitled")


# --- TOML -----------------------------------------------------------------------------------------

_TOML_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]+")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_comment(value: Any) -> str:
    """Text for the rest of a TOML comment line: one line, no control characters TOML refuses."""
    return _TOML_CONTROL.sub(" ", "" if value is None else str(value))


def toml_string(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        ch = match.group(0)
        return {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04X}")

    return '"' + re.sub(r'["\\\x00-\x1f\x7f]', escape, text) + '"'


def toml_key(value: Any) -> str:
    """A dotted key (section.question) with each part bare when it can be, quoted when not."""
    return ".".join(p if _BARE_KEY.match(p) else toml_string(p) for p in str(value).split("."))


# --- CSV ------------------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: text starting like a formula gets a leading ' (OWASP);
    numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# --- environments -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return "" if value is None else value


@cache
def environment(kind: str = "md"):
    from jinja2 import PackageLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    finalize = {"md": markdown_text, "toml": toml_comment, "html": _plain, "txt": _plain}[kind]
    env = SandboxedEnvironment(
        loader=PackageLoader("boo_cli.reports", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=kind == "html",
        finalize=finalize,
    )
    if kind == "md":
        env.filters.update(
            md=markdown_inline,
            cell=markdown_inline,
            block=markdown_block,
            code=markdown_code,
            link=markdown_link,
            mermaid=mermaid_text,
        )
    if kind == "toml":
        env.filters["toml_key"] = toml_key
    return env


def render(template: str, **context: Any) -> str:
    """Render a bundled template in the language its name ends with (name.md.j2, name.html.j2, …)."""
    kind = template.removesuffix(".j2").rsplit(".", 1)[-1]
    return environment(kind).get_template(template).render(**context)
