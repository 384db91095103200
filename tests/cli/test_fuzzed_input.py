"""Random text in every profile and account field: boo answers with a message, never a traceback."""

from __future__ import annotations

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
