"""Templates for reports: Jinja2 with its sandbox, so no template (bundled or user's) can run code."""

from __future__ import annotations

import re
from functools import cache
from typing import Any


@cache
def environment():
    from jinja2 import PackageLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=PackageLoader("boo_cli.reports", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML: values are escaped for their context by the filters below
    )
    env.filters["cell"] = markdown_cell
    env.filters["mermaid"] = mermaid_text
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def markdown_cell(value: Any) -> str:
    """A value safe inside a Markdown table cell: pipes escaped, lines joined."""
    text = "" if value is None else str(value)
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "\\|").strip()


def mermaid_text(value: Any) -> str:
    """A task name safe inside a Mermaid gantt line (its syntax uses : ; # and newlines)."""
    text = "" if value is None else str(value)
    return re.sub(r"[\s:;#]+", " ", text).strip() or "untitled"
