"""`boo consult`: consultations, their notes, and calendar export."""

from __future__ import annotations

import typer

app = typer.Typer(help="Book consultations, keep their notes, and export them to your calendar.")
