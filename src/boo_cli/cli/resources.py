"""`boo resources`: the library of guides, templates and checklists, your downloads, the newsletter.

list, show, search and topics read files only: no database, no SQLAlchemy import.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.library import library
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import Column, emit_rows, emit_table, emit_text, print_json
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption

app = typer.Typer(
    help="Guides, templates and checklists for a business of one, and the newsletter.", no_args_is_help=True
)

SlugArg = Annotated[
    str, typer.Argument(metavar="SLUG", help="The resource's slug (see 'boo resources list').")
]
RESOURCE_COLUMNS = [
    Column("slug", lambda r: r.slug, style="bold"),
    Column("type", lambda r: r.type),
    Column("title", lambda r: r.title),
    Column("topics", lambda r: list(r.topics)),
]


def resource_json(resource, *, body: bool = False) -> dict:
    data = {
        "slug": resource.slug,
        "title": resource.title,
        "type": resource.type,
        "topics": list(resource.topics),
        "summary": resource.summary,
        "version": resource.version,
        "updated": resource.updated,
        "source": resource.source,
    }
    return {**data, "body": resource.body} if body else data


@app.command("list")
def list_(
    type_: Annotated[str | None, typer.Option("--type", help="guide, template or checklist.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="finance, marketing, sales, ...")] = None,
    _json: JsonOption = False,
) -> None:
    """List the resources: slug, type, title, topics."""
    from boo_cli.services.resources import filter_resources

    rows = filter_resources(library(), type_=type_, topic=topic)
    emit_table(
        rows, RESOURCE_COLUMNS, json_data=[resource_json(r) for r in rows], empty="No resource matches."
    )


@app.command()
def show(
    slug: SlugArg,
    raw: Annotated[bool, typer.Option("--raw", help="Print the source file as it is.")] = False,
    _json: JsonOption = False,
) -> None:
    """Read a resource in the terminal (Markdown rendered; --raw for the source)."""
    from boo_cli.services.resources import find

    resource = find(library(), slug)
    if app_context().json:
        print_json(resource_json(resource, body=True))
    elif raw or not sys.stdout.isatty():
        emit_text(resource.path.read_text(encoding="utf-8").rstrip("\n"))
    else:
        from rich.markdown import Markdown

        from boo_cli.cli.output import show

        body = resource.body if resource.suffix == ".md" else f"```csv\n{resource.body}```"
        show(
            Markdown(
                f"*{resource.type} · {', '.join(resource.topics)} · v{resource.version}, "
                f"{resource.updated}*\n\n{body}"
            )
        )


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to look for.")], _json: JsonOption = False
) -> None:
    """Search titles, summaries and bodies; the best match first."""
    from boo_cli.services.resources import search as ranked

    rows = ranked(library(), text)
    emit_table(
        rows, RESOURCE_COLUMNS, json_data=[resource_json(r) for r in rows], empty=f"Nothing matches {text!r}."
    )


@app.command()
def topics(_json: JsonOption = False) -> None:
    """The topic vocabulary, with how many resources each has."""
    from boo_cli.services.resources import topic_counts

    counts = topic_counts(library())
    emit_table(
        list(counts.items()),
        [Column("topic", lambda t: t[0]), Column("resources", lambda t: t[1])],
        json_data=counts,
    )


@app.command()
def get(
    slug: SlugArg,
    to: Annotated[
        Path | None,
        typer.Option("--to", metavar="DIR", help="Folder to write into (default: the current one)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    fill: Annotated[
        bool, typer.Option("--fill", help="Fill the template with your business and name.")
    ] = False,
    _json: JsonOption = False,
) -> None:
    """Write a copy of a resource to a folder (filled in with --fill), and record the download."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.services.downloads import write_copy
    from boo_cli.services.resources import find

    resource = find(library(), slug)
    with app_context().session() as session:
        user = acting_user(session)
        business = current_business(session, user) if fill else None
        row, path = write_copy(session, user, resource, to or Path.cwd(), force=force, business=business)
        app_context().say(f"Wrote {path}.")
        if app_context().json:
            print_json({"slug": resource.slug, "path": str(path), "download_id": row.id, "filled": fill})


@app.command()
def history(
    limit: LimitOption = None, offset: OffsetOption = 0, every: AllOption = False, _json: JsonOption = False
) -> None:
    """Your downloads, newest first."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.services.newsletter import downloads

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        found = downloads(session, acting_user(session), page)
        emit_rows(
            found,
            [
                Column("when", lambda d: d.downloaded_at),
                Column("resource", lambda d: d.resource_name, style="bold"),
                Column("type", lambda d: d.resource_type),
                Column("file", lambda d: d.file_path),
            ],
            record=lambda d: {
                "id": d.id,
                "resource_name": d.resource_name,
                "resource_type": d.resource_type,
                "file_path": d.file_path,
                "downloaded_at": d.downloaded_at,
            },
            empty="No downloads yet: boo resources get SLUG",
        )
        say_rest(found)


def _register() -> None:
    from boo_cli.cli import newsletter

    app.add_typer(newsletter.app, name="newsletter")


_register()
