"""The root `boo` command: global options, the command groups, and the one error boundary."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from boo_cli import __version__
from boo_cli.cli.context import AppContext, app_context, env_flag, start_context
from boo_cli.errors import BooError


class BooGroup(TyperGroup):
    """Turns every error into one line on stderr and an exit code (1 operational, 2 usage)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(
                args=argv,
                prog_name=prog_name or "boo",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except typer.Abort:
            _fail("aborted", 130 if sys.stdin.isatty() else 1)
        except typer.TyperException as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) else ""
            _fail(f"{exc.format_message()}{where}", exc.exit_code)
        except BooError as exc:
            _debug_traceback(argv)
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:
            if _debug_traceback(argv):
                raise
            _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", 1)
        sys.exit(code or 0)


def _debug_traceback(argv: list[str]) -> bool:
    debug = "--debug" in argv or env_flag("BOO_DEBUG") or app_context().debug
    if debug:
        import traceback

        traceback.print_exc()
    return debug


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"boo: {message}\n")
    sys.exit(code)


app = typer.Typer(
    name="boo",
    cls=BooGroup,
    help="boo: run your business of one from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"boo {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL or SQLite file (default: BOO_DATABASE_URL, "
            "then database_url in the config file, then boo.db in your data folder).",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option("--profile", metavar="NAME|ID", envvar="BOO_PROFILE", help="Which business to work on."),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail if a value is missing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Say nothing on stderr but errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show boo's version and exit."),
    ] = None,
) -> None:
    ctx.obj = start_context(
        AppContext(
            db=db,
            json=json_output,
            profile=profile,
            no_input=no_input or env_flag("BOO_NO_INPUT"),
            quiet=quiet,
            debug=debug or env_flag("BOO_DEBUG"),
        )
    )


def _register_groups() -> None:
    """Each group is one module with its own Typer app; they are joined here and nowhere else."""
    from boo_cli.cli import db as db_commands
    from boo_cli.cli import init as init_command
    from boo_cli.cli import profile, strategy, user

    app.command("init")(init_command.init)
    app.add_typer(user.app, name="user")
    app.add_typer(profile.app, name="profile")
    app.add_typer(strategy.app, name="strategy")
    app.add_typer(db_commands.app, name="db")


_register_groups()


def main() -> None:
    app()
