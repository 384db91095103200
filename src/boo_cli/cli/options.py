"""Options many commands share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context


def _turn_on_json(_ctx, _param, value: bool) -> bool:
    if value:
        app_context().json = True
    return value


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", help="Print JSON on stdout and nothing else.", callback=_turn_on_json, expose_value=False
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
