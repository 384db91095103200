"""Random text in every profile and account field: boo answers with a message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, init_user

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
# Text as a shell can pass it: no NUL bytes (argv cannot carry them).
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)


def assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code:
        assert result.stderr.startswith("boo: ")
        assert len(result.stderr.strip().splitlines()) == 1


@FUZZ
@given(name=text, industry=text, stage=text, annual=text, target=text)
def test_profile_fields(cli, name, industry, stage, annual, target):
    if not getattr(cli, "ready", False):
        init_user(cli)
        cli.ready = True
    before = len(cli.json("profile", "list"))
    result = cli(
        "profile",
        "add",
        f"--industry={industry}",
        f"--stage={stage}",
        f"--annual-revenue={annual}",
        f"--target-revenue={target}",
        "--",
        name,
    )
    assert_clean(result)
    after = len(cli.json("profile", "list"))
    assert after == before + (1 if result.exit_code == 0 else 0)


@FUZZ
@given(email=text, first=text, last=text, zone=text)
def test_account_fields(cli, email, first, last, zone):
    result = cli(
        "user",
        "add",
        f"--email={email}",
        f"--first-name={first}",
        f"--last-name={last}",
        f"--timezone={zone}",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert_clean(result)


# --- every command ---------------------------------------------------------------------------------
#
# The command tree is walked and every option and argument of every command gets hostile text (the
# shared list, numbers and dates at the edges) or random text, beside plausible values that let a
# command get past its first check. Whatever comes back is one of the three exit codes, a failure is
# one line, and a failure changes neither the database nor any file.

HOSTILE = [
    value
    for values in json.loads((Path(__file__).parents[1] / "testdata" / "hostile-text.json").read_text())[
        "cases"
    ].values()
    for value in values
]
EDGES = [
    *("", " ", "-", ".", "..", "/", "0", "-1", "99999999999999999999", "1" * 40, "0.001", "1.234,56"),
    *("1e999", "NaN", "0001-01-01", "9999-12-31", "9999-12-31T23:59-05:00", "0001-01-01T00:00+14:00"),
    *("+99999y", "P9999Y", "* * * * *", "61 25 32 13 8", "1s", "99999999w", "https://", "http://[::1"),
    *("a@", "Etc/GMT+99", "../../etc/passwd"),
]
# Values that pass the first check, so that the hostile one next to them is reached.
PLAUSIBLE = {
    "--format": ["md", "json", "csv", "toml", "html", "ics", "text"],
    "--stage": ["idea"],
    "--limit": ["5"],
    "--offset": ["0"],
    "--top": ["3"],
    "--count": ["3"],
    "--timeline": ["90d"],
    "--at": ["+3d 11:00", "2027-01-05T09:00+01:00"],
    "--every": ["1h"],
    "--cron": ["0 9 * * 1"],
    "--builtin": ["noop", "milestone-digest"],
    "--email": ["new@example.com"],
    "--mail-to": ["new@example.com"],
    "--priority": ["high"],
    "--status": ["active", "draft"],
    "--type": ["guide", "strategy"],
    "--frequency": ["weekly"],
    "--topic": ["marketing"],
    "--section": ["finance"],
    "--tz": ["Europe/Berlin"],
    "--timezone": ["America/New_York"],
    "--target": ["+10d"],
    "--on": ["today"],
    "--since": ["-7d"],
    "--duration": ["60"],
    "--fold": ["0"],
    "--days": ["7"],
    "--retries": ["1"],
    "--timeout": ["5m"],
    "--missed": ["latest"],
    "--method": ["POST"],
    "--webhook": ["https://example.com/hook"],
    "--header": ["X-Token: abc"],
    "--now": ["2026-12-03T10:00:00+00:00"],
    "--user": ["ann@example.com"],
    "--annual-revenue": ["120k"],
    "--target-revenue": ["1.2m"],
    "--output": ["out.txt", "-"],
    "--to": [".", "digest.md"],
    "--ics": ["cal.ics"],
    "--strategy": ["Grow"],
    "--to-strategy": ["Grow"],
}
ARGUMENTS = {  # by the command's group, then by the argument's name
    "strategy milestone": {"ref": "Launch", "strategy": "Grow", "name": "Next step"},
    "strategy": {"ref": "Grow", "name": "Fresh", "query": "Grow"},
    "profile": {"ref": "Shop", "name": "Fresh", "query": "Shop"},
    "automate": {"ref": "tick", "name": "fresh"},
    "resources": {"slug": "client-proposal", "text": "pricing"},
    "user": {"email": "ann@example.com"},
    "db": {"revision": "head"},
}
# Never given: they destroy seed data without asking, overwrite files, send mail or print shell code.
SKIPPED_FLAGS = {"--yes", "--force", "--send", "--install-completion", "--show-completion"}
# Running a task runs its action, and fuzzed tasks have random shell commands: only dry runs.
FORCED = {"boo automate run-due": ["--dry-run"], "boo run": ["--dry-run"]}
SKIPPED_COMMANDS = {"boo automate run"}


def _commands() -> list[tuple[str, object]]:
    from boo_cli.cli.app import command_paths

    return [(path, command) for path, command in command_paths() if path not in SKIPPED_COMMANDS]


COMMANDS = _commands()
hostile = st.one_of(st.sampled_from(HOSTILE + EDGES), text)


# The root's own options, which may come anywhere on the line.
global_options = st.tuples(
    st.sampled_from([[], ["--json"], ["-q"]]),
    st.one_of(st.just([]), st.just(["--profile=Shop"]), hostile.map(lambda v: [f"--profile={v}"])),
).map(lambda parts: parts[0] + parts[1])


def plausible_argument(path: str, name: str, consultation: str) -> str:
    if path.startswith("boo consult"):
        return consultation
    for group, names in ARGUMENTS.items():
        if path.startswith(f"boo {group} ") and name in names:
            return names[name]
    return "Grow"


def option_name(param) -> str:
    return max(param.opts, key=len)


def command_line(path: str, command, consultation: str) -> st.SearchStrategy[list[str]]:
    """Each option absent, plausible or hostile (as --name=value: a value may start with '-'), then
    '--' and the arguments, each plausible or hostile."""
    options, arguments = [], []
    for param in command.params:
        if param.param_type_name == "option":
            opt = option_name(param)
            if opt in SKIPPED_FLAGS:
                continue
            if param.is_flag:
                options.append(st.sampled_from([[], [opt]]))
                continue
            value = st.one_of(st.sampled_from(PLAUSIBLE.get(opt, ["x"])), hostile)
            if param.multiple:
                options.append(st.lists(value, max_size=2).map(lambda vs, o=opt: [f"{o}={v}" for v in vs]))
            else:
                options.append(st.one_of(st.just([]), value.map(lambda v, o=opt: [f"{o}={v}"])))
        else:
            value = st.one_of(st.just(plausible_argument(path, param.name, consultation)), hostile)
            if param.nargs == -1:
                arguments.append(st.lists(value, max_size=2))
            elif param.required:
                arguments.append(value.map(lambda v: [v]))
            else:
                arguments.append(st.one_of(st.just([]), value.map(lambda v: [v])))
    return st.tuples(st.tuples(*options), st.tuples(*arguments)).map(
        lambda parts: [a for o in parts[0] for a in o] + ["--"] + [a for v in parts[1] for a in v]
    )


def one_hostile_each(path: str, command, consultation: str):
    """Command lines with the arguments plausible and one option or argument at a time hostile,
    taking the hostile values in turn."""
    pool = HOSTILE + EDGES
    plausible = [
        plausible_argument(path, p.name, consultation)
        for p in command.params
        if p.param_type_name != "option"
    ]
    slots = [p for p in command.params if p.param_type_name != "option" or not p.is_flag]
    for i, param in enumerate(slots):
        value = pool[(len(path) + i) % len(pool)]
        if param.param_type_name == "option":
            if option_name(param) not in SKIPPED_FLAGS:
                yield [f"{option_name(param)}={value}", "--", *plausible]
        else:
            index = [p for p in command.params if p.param_type_name != "option"].index(param)
            yield ["--", *plausible[:index], value, *plausible[index + 1 :]]


def fingerprint(url: str, *folders: Path) -> tuple:
    """Every row of every table, and every file (name and bytes) under folders."""
    import sqlalchemy as sa

    from boo_cli import db

    with db.get_engine(url).connect() as conn:
        tables = sorted(sa.inspect(conn).get_table_names())
        rows = {t: sorted(map(repr, conn.execute(sa.text(f'SELECT * FROM "{t}"')))) for t in tables}
    files = {
        str(p): p.read_bytes() if p.is_file() else None
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if not p.name.endswith(("-wal", "-shm"))
    }
    return rows, files


class Seeded:
    def __init__(self, cli, folders: list[Path], consultation: str) -> None:
        self.cli, self.folders, self.consultation = cli, folders, consultation

    def run(self, path: str, argv: list[str]) -> None:
        before = fingerprint(self.cli.url, *self.folders)
        words = path.split()[1:]
        result = self.cli("--no-input", *words, *FORCED.get(path, []), *argv, input="")
        assert_clean(result)
        assert "unexpected error" not in result.stderr, (path, argv)
        if result.exit_code:
            assert fingerprint(self.cli.url, *self.folders) == before, (path, argv, result.stderr)


@pytest.fixture
def seeded(cli, tmp_path, boo_home, monkeypatch) -> Seeded:
    """Ann with a business, a strategy with a milestone, a task, a consultation with a note and a
    newsletter subscription; the working folder is an empty one."""
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("VISUAL", "false")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    init_user(cli, business="Shop")
    for args in (
        ["strategy", "add", "Grow"],
        ["strategy", "milestone", "add", "Grow", "Launch"],
        ["automate", "add", "tick", "--every", "1h", "--builtin", "noop"],
        ["consult", "book", "--at", "+2d 10:00"],
        ["resources", "newsletter", "subscribe"],
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    consultation = cli.json("consult", "list")[0]["id"][:8]
    assert cli("consult", "note", "add", consultation, "--summary", "First talk").exit_code == 0
    return Seeded(cli, [work, boo_home], consultation)


def test_every_option_of_every_command_alone_hostile(seeded):
    for path, command in COMMANDS:
        for argv in one_hostile_each(path, command, seeded.consultation):
            seeded.run(path, argv)


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_every_command_with_random_options(seeded, data):
    path, command = data.draw(st.sampled_from(COMMANDS), label="command")
    front = data.draw(global_options, label="global options")
    seeded.run(path, front + data.draw(command_line(path, command, seeded.consultation), label="argv"))
