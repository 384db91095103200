"""`boo audit`: business health checks, their scores and reports."""

from __future__ import annotations

import typer

app = typer.Typer(help="Audit your business: a health check with scores, recommendations and reports.")
