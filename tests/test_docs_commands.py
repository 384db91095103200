"""Every `boo …` command line in README.md and docs/*.md parses against the real CLI.

The docs name commands in fenced code blocks and in inline code spans; both drift when a command or
a flag changes. Each line is checked for structure, not values (docs write placeholders such as
`NAME`, `[REV]` or `…`): the command path exists, every option exists on that command (or is a
global option, which may appear anywhere on the line), and the positional arguments fit. In a table
row that starts with a command, the option spans of the other cells must be that command's options.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import typer
from typer import _click as click
from typer._click.exceptions import UsageError

from boo_cli.cli.app import app, command_paths, hoist_global_options

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

DATA_FENCES = {"toml", "json", "yaml", "yml", "ini", "python", "py", "md", "markdown", "mermaid"}
SEPARATORS = {"|", "||", "&&", ";", "&"}
REDIRECTIONS = {">", ">>", "<", "2>", "2>&1", "&>"}
ELLIPSES = {"…", "...", "--…", "--..."}
HELP = {"--help", "-h"}
GLOBAL_OPTIONS = {"--json", "--profile", "--db", "--quiet", "-q", "--no-input", "--debug", "--version", *HELP}


@dataclass(frozen=True)
class DocLine:
    where: str  # file:line
    argv: tuple[str, ...]  # from `boo` on, without the program name
    full: bool  # from a code block: a whole invocation (a span may name just a command)
    table_options: tuple[str, ...] = ()  # option names from the other cells of its table row

    def __str__(self) -> str:
        return f"{self.where}: boo {shlex.join(self.argv)}"


# --- collecting -----------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote: read it as plain words
        return text.split()


def _is_boo(word: str) -> bool:
    return word == "boo" or word.endswith("/boo")


def _command_words(words: list[str]) -> list[list[str]]:
    """The `boo` invocations in a shell line: split at pipes and `&&`, redirections dropped; a
    command may follow environment assignments or a crontab schedule."""
    segments, current = [], []
    for word in [*words, ";"]:
        if word in SEPARATORS or word.endswith(";"):
            if word.endswith(";") and word != ";":
                current.append(word[:-1])
            segments.append(current)
            current = []
        else:
            current.append(word)
    found = []
    for segment in segments:
        cleaned, skip = [], False
        for word in segment:
            if skip:
                skip = False
            elif word in REDIRECTIONS:
                skip = True
            elif not re.match(r"^\d?>", word):
                cleaned.append(word)
        for i, word in enumerate(cleaned):
            if _is_boo(word):
                if all(re.match(r"^([A-Z_][A-Z0-9_]*=.*|[\d*/,-]+)$", w) for w in cleaned[:i]):
                    found.append(cleaned[i + 1 :])
                break
    return found


def _spans(line: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"(?<!`)`([^`]+)`(?!`)", line)]


def _cells(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line.strip().strip("|"))


def _option_names(span: str) -> list[str]:
    first = span.split()[0] if span.split() else ""
    return [part.split("=", 1)[0] for part in first.split("/") if re.match(r"^--?[A-Za-z]", part)]


def collect(path: Path) -> list[DocLine]:
    lines = path.read_text(encoding="utf-8").splitlines()
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found: list[DocLine] = []
    fence: str | None = None
    pending, pending_at = "", 0
    for number, line in enumerate(lines, 1):
        where = f"{name}:{number}"
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else (stripped[3:].strip().lower() or "sh")
            continue
        if fence is not None:
            if fence in DATA_FENCES:
                continue
            text = stripped[2:] if stripped.startswith("$ ") else stripped
            if not pending:
                pending_at = number
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            text, pending = pending + text, ""
            for argv in _command_words(_words(text)):
                found.append(DocLine(f"{name}:{pending_at}", tuple(argv), full=True))
            continue
        cells = _cells(line) if stripped.startswith("|") else [line]
        for index, cell in enumerate(cells):
            for span in _spans(cell.replace("\\|", "|")):
                words = _words(span)
                if not words or words[0] != "boo":
                    continue
                options = ()
                if index == 0 and len(cells) > 1:
                    rest = " ".join(cells[1:]).replace("\\|", "|")
                    options = tuple(name for s in _spans(rest) for name in _option_names(s))
                for argv in _command_words(words):
                    found.append(DocLine(where, tuple(argv), full=False, table_options=options))
    return found


def all_doc_lines() -> list[DocLine]:
    return [line for path in DOC_FILES for line in collect(path)]


# --- checking -------------------------------------------------------------------------------------


def _parse_own_options(command, ctx, args: list[str]) -> tuple[dict, list[str]]:
    """Click's own parser over `args`: unknown options and options without their value raise
    UsageError; nothing is converted and no callback runs."""
    parser = command.make_parser(ctx)
    opts, rest, _order = parser.parse_args(list(args))
    return opts, rest


def _options_of(command) -> set[str]:
    return {o for p in command.params for o in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))}


@cache
def _root():
    return typer.main.get_command(app)  # one tree: its groups load once, when first named


def check(argv: list[str], *, full: bool, table_options: tuple[str, ...] = ()) -> str | None:
    """Why `boo argv` does not fit the CLI, or None when it does."""
    args = [a for a in hoist_global_options(list(argv)) if a not in ELLIPSES]
    if any(a in HELP for a in args):
        args = args[: next(i for i, a in enumerate(args) if a in HELP)]
        full = False  # `boo x --help` names a command; its arguments are not needed
    command = _root()
    ctx = click.Context(command, info_name="boo")
    path = "boo"
    try:
        while isinstance(command, typer.core.TyperGroup):
            _opts, rest = _parse_own_options(command, ctx, args)
            if not rest:
                return None  # a group named on its own: `boo db`
            command.parse_args(ctx, rest)  # the group's own rewriting (`consult note ID`)
            name, command, args = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
            path += f" {name}"
            ctx = click.Context(command, info_name=name, parent=ctx)
        full = full or bool(args)  # a span with arguments or options is a whole invocation too
        opts, rest = _parse_own_options(command, ctx, args)
    except UsageError as exc:
        return f"{path}: {exc.format_message()}"
    if rest:
        return f"{path}: too many arguments: {' '.join(rest)}"
    known = _options_of(command) | GLOBAL_OPTIONS
    unknown = [o for o in table_options if o not in known]
    if unknown:
        return f"{path}: no such option(s) in its table row: {', '.join(unknown)}"
    if full:
        missing = [
            (p.metavar or p.name).strip("[]").upper()
            for p in command.params
            if p.param_type_name == "argument" and p.required and opts.get(p.name) is None
        ]
        if missing:
            return f"{path}: missing argument(s): {', '.join(missing)}"
    return None


def _variants(argv: tuple[str, ...]) -> list[list[str]]:
    """The line with its optional `[X]` placeholders given, and without them."""
    given = [a[1:-1] if re.fullmatch(r"\[[^\[\]]+\]", a) else a for a in argv]
    left_out = [a for a in argv if not re.fullmatch(r"\[[^\[\]]+\]", a)]
    return [given] if given == left_out else [given, left_out]


DOC_LINES = all_doc_lines()


def test_the_docs_name_many_commands():
    assert len(DOC_LINES) > 100
    assert {path.name for path in DOC_FILES} >= {"README.md", "automation.md", "consult.md"}


@pytest.mark.parametrize("line", DOC_LINES, ids=str)
def test_every_documented_command_line_parses(line: DocLine):
    problems = {
        problem
        for argv in _variants(line.argv)
        if (problem := check(argv, full=line.full, table_options=line.table_options))
    }
    assert not problems, f"{line}: {'; '.join(sorted(problems))}"


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["strategy", "list", "--overdue", "--json"], None),
        (["--profile", "Bakery", "strategy", "show", "STRATEGY"], None),
        (["consult", "note", "ID", "--summary", "S"], None),
        (["db", "upgrade", "[REV]"], None),
        (["strategy", "nope"], "No such command"),
        (["strategy", "list", "--overdu"], "No such option"),
        (["strategy", "show"], "missing argument"),
        (["strategy", "show", "A", "B"], "too many arguments"),
        (["automate", "add", "T", "--cron"], "requires an argument"),
    ],
)
def test_the_checker_tells_good_lines_from_bad(argv, problem):
    found = check(argv, full=True)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_shell_lines_are_split_into_boo_commands():
    text = 'echo "$P" | boo init --email a@b.c && .venv/bin/boo db upgrade > log # a comment'
    assert _command_words(_words(text)) == [["init", "--email", "a@b.c"], ["db", "upgrade"]]
    cron = "* * * * * BOO_HOME=/h /h/.venv/bin/boo automate run-due"
    assert _command_words(_words(cron)) == [["automate", "run-due"]]
    assert _command_words(_words("keyring set boo-smtp ann@example.com")) == []


def test_code_blocks_and_table_rows_are_read_like_a_user_reads_them(tmp_path):
    doc = tmp_path / "page.md"
    doc.write_text(
        "Run `boo strategy list` or `boo db upgrade [REV]`; `--json` alone is no command.\n\n"
        "| command | what |\n| --- | --- |\n"
        "| `boo strategy list` | `--sort a\\|b`, `--colour`, `--follow-up/--no-follow-up` |\n\n"
        '```sh\n$ boo strategy add \\\n    "A plan" --timeline 3m  # say why\n```\n'
        "```toml\nboo = 1\n```\n"
    )
    lines = collect(doc)
    assert [(line.where, line.argv, line.full) for line in lines] == [
        ("page.md:1", ("strategy", "list"), False),
        ("page.md:1", ("db", "upgrade", "[REV]"), False),
        ("page.md:5", ("strategy", "list"), False),
        ("page.md:8", ("strategy", "add", "A plan", "--timeline", "3m"), True),
    ]
    assert lines[2].table_options == ("--sort", "--colour", "--follow-up", "--no-follow-up")
    assert "--colour" in check(list(lines[2].argv), full=False, table_options=lines[2].table_options)


def _prose_options(path: Path) -> list[tuple[int, str]]:
    found, fence = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith("```"):
            fence = not fence
        elif not fence:
            spans = _spans(line.replace("\\|", "|"))
            found += [(number, name) for span in spans for name in _option_names(span)]
    return found


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_every_option_named_in_prose_exists_in_the_groups_the_page_is_about(path: Path):
    """A flag named outside a command line (`--tz ZONE`, `--fold 1`) belongs to a command of the
    groups in the page's title (`# Automation: `boo automate``); README.md is about all of them."""
    groups = {span.split()[1] for span in _spans(path.read_text().splitlines()[0]) if span.startswith("boo ")}
    known = set(GLOBAL_OPTIONS) | {"--install-completion", "--show-completion"}
    for command_path, command in command_paths():
        if not groups or command_path.split()[1] in groups:
            known |= _options_of(command)
    assert [f"{path.name}:{n}: {name}" for n, name in _prose_options(path) if name not in known] == []


PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*(\|[A-Z0-9_-]+)*")


def _named_command(argv: tuple[str, ...]):
    """The command a `boo …` span names (its leading words), or None for a group."""
    command, ctx = _root(), click.Context(_root(), info_name="boo")
    for word in argv:
        if not isinstance(command, typer.core.TyperGroup) or word not in command.list_commands(ctx):
            break
        command = command.get_command(ctx, word)
    return None if isinstance(command, typer.core.TyperGroup) else command


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_placeholders_in_docs_are_the_words_help_shows(path: Path):
    """`--at WHEN` in the docs and `--at WHEN` in --help: a placeholder after an option is that
    option's metavar (or one of its `|` parts), on the command of its table row, or else on a command
    of the groups the page is about."""
    lines = path.read_text(encoding="utf-8").splitlines()
    groups = {span.split()[1] for span in _spans(lines[0]) if span.startswith("boo ")}
    page_commands = [c for p, c in command_paths() if not groups or p.split()[1] in groups]
    page_commands.append(_root())
    wrong, fence = [], False
    for number, line in enumerate(lines, 1):
        if line.strip().startswith("```"):
            fence = not fence
            continue
        spans = [] if fence else _spans(line.replace("\\|", "|"))
        row_command = None
        if line.strip().startswith("|") and spans and spans[0].startswith("boo "):
            row_command = _named_command(tuple(_words(spans[0])[1:]))
        commands = [row_command, _root()] if row_command else page_commands
        for span in spans:
            words = _words(span)
            for option, value in itertools.pairwise(words):
                if not option.startswith("-") or not PLACEHOLDER.fullmatch(value):
                    continue
                metavars = {p.metavar for c in commands for p in c.params if option in getattr(p, "opts", ())}
                if not any(value == m or value in m.split("|") for m in metavars if m):
                    wrong.append(
                        f"{path.name}:{number}: {option} {value} (--help: {' or '.join(sorted(metavars))})"
                    )
    assert wrong == []
