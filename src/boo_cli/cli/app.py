"""The root `boo` command: global options, the command groups, and the one error boundary."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from boo_cli import __version__
from boo_cli.cli.context import AppContext, OutputClosed, app_context, env_flag, start_context
from boo_cli.cli.metavars import make_readable
from boo_cli.errors import BooError

# Every command group is one module with a Typer app named `app`, joined here and nowhere else. A group
# is imported only when it runs or completes, so a command pays for its own module, not for all of them;
# `boo --help` lists the groups from the one-line summaries here (a test keeps them equal to the
# modules' own help).
GROUPS: dict[str, tuple[str, str]] = {
    "init": (
        "boo_cli.cli.init",
        "Set boo up: create (or upgrade) the database, your account and, optionally, your business.",
    ),
    "user": ("boo_cli.cli.user", "Manage user accounts, passwords and logins."),
    "profile": ("boo_cli.cli.profile", "Add, show and switch between your business profiles."),
    "audit": (
        "boo_cli.cli.audit",
        "Audit your business: a health check with scores, recommendations and reports.",
    ),
    "strategy": ("boo_cli.cli.strategy", "Plan growth: strategies with timelines, milestones and progress."),
    "consult": (
        "boo_cli.cli.consult",
        "Book consultations, keep their notes, and export them to your calendar.",
    ),
    "automate": (
        "boo_cli.cli.automate",
        "Schedule tasks (cron, intervals, one-offs) and run them with cron.",
    ),
    "resources": (
        "boo_cli.cli.resources",
        "Guides, templates and checklists for a business of one, and the newsletter.",
    ),
    "history": (
        "boo_cli.cli.history",
        "What you changed, when, and from what to what: every add, edit and delete.",
    ),
    "run": ("boo_cli.cli.run_due", "Run every due scheduled task once: short for 'boo automate run-due'."),
    "db": ("boo_cli.cli.db", "Create, upgrade and inspect the database schema."),
}


class BooGroup(TyperGroup):
    """Loads command groups on demand, and turns every error into one line on stderr and an exit code
    (1 operational, 2 usage)."""

    listing_only = False  # set while the root's own --help is drawn

    def list_commands(self, ctx) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in GROUPS if name not in self.commands)]

    def get_command(self, ctx, name: str):
        if name in self.commands or name not in GROUPS:
            return super().get_command(ctx, name)
        module_name, summary = GROUPS[name]
        if self.listing_only:
            return TyperGroup(name=name, help=summary)  # a name and a line is all the listing shows
        command = typer.main.get_command(importlib.import_module(module_name).app)
        command.name = name
        make_readable(command, self.context_settings.get("help_option_names"))
        self.commands[name] = command
        return command

    def invoke(self, ctx):
        result = super().invoke(ctx)
        app_context().close_json()  # a command ran to its end (help and --version never get here)
        return result

    def get_help(self, ctx) -> str:
        self.listing_only = ctx.parent is None
        try:
            return super().get_help(ctx)
        finally:
            self.listing_only = False

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = hoist_global_options(list(sys.argv[1:] if args is None else args), self)
        make_readable(self, self.context_settings.get("help_option_names"))  # Typer adds options late
        try:
            from boo_cli.cli.arguments import refuse_unstorable

            refuse_unstorable(argv)
            code = super().main(
                args=argv,
                prog_name=prog_name or "boo",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except OutputClosed:
            _closed_pipe()
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
        except Exception as exc:  # a file, network or database failure no inner layer named
            if _debug_traceback(argv):
                raise
            from boo_cli.db import describe_escaped

            _fail(describe_escaped(exc, app_context().db), 1)
        sys.exit(code or 0)


# Options the root owns that a user may also write after the subcommand (`boo strategy list --json`):
# they are moved in front of it before Click parses anything, so every command takes them.
GLOBAL_FLAGS = frozenset({"--json", "--no-input", "--quiet", "-q", "--debug"})
GLOBAL_VALUED = frozenset({"--profile", "--db"})


def hoist_global_options(argv: list[str], root=None) -> list[str]:
    """argv with every global option moved to the front; nothing after `--` is touched, nor the value
    of the command's own options (`strategy add X -d --json` describes X as '--json'), which root, the
    command tree, tells."""
    valued = _valued_options(argv, root) if root is not None else frozenset()
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        name = arg.split("=", 1)[0]
        if arg in valued and i + 1 < len(argv):
            rest += argv[i : i + 2]
            i += 1
        elif arg in GLOBAL_FLAGS or (name in GLOBAL_VALUED and "=" in arg):
            front.append(arg)
        elif arg in GLOBAL_VALUED and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _valued_options(argv: list[str], root) -> frozenset[str]:
    """The option names that take a value on the command argv runs (found by walking the tree; a
    group is loaded only when it is named)."""
    command, ctx = root, typer.Context(root)
    i = 0
    while i < len(argv) and argv[i] != "--":
        arg = argv[i]
        if arg in GLOBAL_VALUED:
            i += 2
            continue
        if not arg.startswith("-"):
            found = command.get_command(ctx, arg) if hasattr(command, "get_command") else None
            if found is None:
                break  # an argument of the command: its path ends here
            command = found
        i += 1
    names: set[str] = set()
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag and not param.count:
            names.update(param.opts, param.secondary_opts)
    return frozenset(names)


def _debug_traceback(argv: list[str]) -> bool:
    debug = "--debug" in argv or env_flag("BOO_DEBUG") or app_context().debug
    if debug:
        import traceback

        traceback.print_exc()
    return debug


def _closed_pipe() -> None:
    """Whoever read our output left: what was done is committed; say nothing, exit as a Unix tool
    killed by SIGPIPE does (128 + 13), with the streams pointed at /dev/null so that Python's last
    flush at exit cannot complain either."""
    import contextlib
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    sys.exit(141)


def _fail(message: str, code: int) -> None:
    from boo_cli.errors import one_line

    sys.stderr.write(f"boo: {one_line(message)}\n")
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


def command_paths() -> list[tuple[str, object]]:
    """Every runnable command as ('boo group verb', click command), loading every group; a group
    that runs by itself (`boo history`, with its own options) is one too."""
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    found = []

    def walk(prefix: str, command) -> None:
        if hasattr(command, "list_commands"):
            if getattr(command, "invoke_without_command", False):
                found.append((prefix, command))
            sub_ctx = typer.Context(command, parent=ctx)
            for name in command.list_commands(sub_ctx):
                walk(f"{prefix} {name}", command.get_command(sub_ctx, name))
        else:
            found.append((prefix, command))

    for name in root.list_commands(ctx):
        walk(f"boo {name}", root.get_command(ctx, name))
    return found


def main() -> None:
    app()
