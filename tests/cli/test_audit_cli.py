"""`boo audit …`: answers files (TOML, JSON, stdin), bad input that writes nothing, reports pinned by golden
files on a fixed clock, compare, trend, plan, isolation, and the questionnaire in a real terminal."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date

import pytest
import time_machine

from tests.conftest import add_user, init_user, login
from tests.golden import assert_golden, stable

JANUARY = "2026-01-05 09:00:00+00:00"
APRIL = "2026-04-06 09:00:00+00:00"
EXPORTED = "2026-04-07 10:00:00+00:00"


def full(answers: dict, sections: tuple[str, ...] | None = None) -> dict:
    """Every question of the sections answered, so the audit is finished: the given answers, and 5 for
    the rest (5 triggers no advice and a section of 5s scores 10)."""
    from boo_cli.services.audit_bank import load_bank

    rest = {q.id: 5 for q in load_bank().questions if sections is None or q.section in sections}
    return {**rest, **answers}


PARTIAL = {
    "operations.written-procedures": 1,
    "operations.capacity-planning": 2,
    "operations.holiday-cover": 2,
    "operations.suppliers": "na",
    "operations.workload": 3,
    "marketing.ideal-client": 4,
    "marketing.referrals": 2,
    "finance.cash-flow-forecast": 1,
    "finance.separate-accounts": 5,
    "finance.tax-set-aside": 3,
    "technology.backups": 2,
    "technology.passwords-and-2fa": 4,
    "technology.website-uptime": "na",
}
FIRST = full(PARTIAL)
SECOND = {
    **FIRST,
    "operations.written-procedures": 3,
    "operations.holiday-cover": 4,
    "finance.cash-flow-forecast": 3,
    "technology.backups": 4,
    "marketing.referrals": 1,
}


@pytest.fixture
def owner_cli(cli):
    with time_machine.travel(JANUARY, tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def take(cli, answers: dict, when: str = JANUARY) -> dict:
    with time_machine.travel(when, tick=False):
        return cli.json("audit", "start", "--answers", "-", input=json.dumps(answers))


def test_template_filled_in_as_toml_runs_the_whole_audit(owner_cli, tmp_path):
    template = owner_cli("audit", "template")
    assert template.exit_code == 0, template.stderr
    assert "#   1 = None of it: it all lives in my head" in template.stdout
    assert 'operations.suppliers = "skip"' in template.stdout
    filled = template.stdout.replace(
        'operations.written-procedures = "skip"', "operations.written-procedures = 5"
    )
    filled = filled.replace('operations.holiday-cover = "skip"', "operations.holiday-cover = 1")
    filled = filled.replace('operations.suppliers = "skip"', 'operations.suppliers = "na"')
    filled = filled.replace(' = "skip"', " = 4")  # every other question answered 4
    path = tmp_path / "answers.toml"
    path.write_text(filled)
    audit = owner_cli.json("audit", "start", "--answers", str(path))
    assert audit["status"] == "completed"
    assert audit["scores"]["finance"] == {"score": "7.50", "band": "fair"}  # all 4s: 10 * 3/4
    assert audit["scores"]["operations"]["score"] not in (None, "7.50")
    assert audit["answers"]["operations.suppliers"] == "na"
    assert audit["progress"] == {"seen": 40, "total": 40, "missing": []}
    assert audit["bank_version"] == owner_cli.json("audit", "list")[0]["bank_version"]


def test_json_template_and_stdin_answers_limited_to_sections(owner_cli):
    template = json.loads(owner_cli("audit", "template", "--format", "json", "--section", "finance").stdout)
    assert set(template) == {k for k in template if k.startswith("finance.")} and len(template) == 10
    template = dict.fromkeys(template, 2)
    audit = owner_cli.json(
        "audit", "start", "--section", "finance", "--answers", "-", input=json.dumps(template)
    )
    assert audit["sections"] == ["finance"]
    assert audit["scores"]["finance"]["score"] == "2.50"
    assert audit["scores"]["overall"]["score"] == "2.50"


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (["--answers", "-"], '{"finance.tax-set-aside": 4, "operations.nope": 3}', 2, "operations.nope"),
        (
            ["--answers", "-"],
            '{"finance.tax-set-aside": 4, "operations.workload": 6}',
            2,
            "operations.workload: 6 is not an answer",
        ),
        (["--answers", "-"], '{"finance.tax-set-aside": 4, "operations.workload": 0}', 2, "use 1 to 5"),
        (
            ["--answers", "-"],
            '{"finance.tax-set-aside": 4, "operations.workload": "na"}',
            2,
            "'na' is not allowed",
        ),
        (["--answers", "-"], '{"operations.workload": 3', 2, "not valid JSON"),
        (["--answers", "-"], "operations.workload = ", 2, "not valid TOML"),
        (["--answers", "-"], '{"operations.workload": "skip"}', 2, "answers no question"),
        (["--answers", "no-such-file.toml"], None, 2, "cannot read"),
        (["--section", "sales", "--answers", "-"], "{}", 2, "--section"),
        (["--section", "finance", "--answers", "-"], '{"operations.workload": 3}', 2, "not in --section"),
        ([], None, 2, "--answers is required"),
    ],
)
def test_bad_answers_are_refused_with_one_line_and_nothing_saved(owner_cli, args, stdin, code, words):
    result = owner_cli("audit", "start", *args, input=stdin)
    assert result.exit_code == code, result.stdout
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert owner_cli.json("audit", "list") == []


def test_a_second_start_while_one_is_unfinished_offers_resume(owner_cli):
    from boo_cli import db
    from boo_cli.services import accounts, audits, profiles
    from boo_cli.services.audit_bank import load_bank

    with db.session_scope(owner_cli.url) as session:  # an audit left unfinished by an interrupted run
        user = accounts.find_by_email(session, "ann@example.com")
        profile = profiles.list_profiles(session, user)[0]
        audits.start_audit(session, user, profile, load_bank(), sections=("finance",), today=date(2026, 1, 5))
    result = owner_cli("audit", "start", "--answers", "-", input='{"finance.tax-set-aside": 3}')
    assert result.exit_code == 1
    assert "unfinished audit" in result.stderr and "boo audit resume" in result.stderr
    listed = owner_cli.json("audit", "list")
    assert [a["status"] for a in listed] == ["in_progress"]
    resumed = owner_cli("audit", "resume")
    assert resumed.exit_code == 2 and "needs a terminal" in resumed.stderr
    assert owner_cli("audit", "export", listed[0]["id"][:8]).exit_code == 1
    assert owner_cli("audit", "delete", listed[0]["id"][:8], "--yes").exit_code == 0
    assert owner_cli("audit", "resume").exit_code == 1


def test_a_partial_answers_file_saves_an_audit_in_progress_that_counts_for_nothing(owner_cli):
    done = take(owner_cli, FIRST, JANUARY)
    with time_machine.travel(APRIL, tick=False):
        result = owner_cli("--json", "audit", "start", "--answers", "-", input=json.dumps(PARTIAL))
    assert result.exit_code == 0, result.stderr  # saved: the answers given are kept
    partial = json.loads(result.stdout)
    assert partial["status"] == "in_progress" and partial["completed_at"] is None
    missing = partial["progress"]["missing"]
    assert len(missing) == 40 - len(PARTIAL) and "finance.pricing-review" in missing
    assert not set(missing) & set(PARTIAL)
    assert "stays in progress: 27 required questions" in result.stderr
    assert "finance.pricing-review" in result.stderr and "boo audit resume" in result.stderr
    assert partial["answers"] == PARTIAL  # what the file left out is not made up as skipped

    listed = owner_cli("audit", "list")
    assert listed.stdout.splitlines()[1].split("\t")[2] == "in progress"
    assert listed.stdout.splitlines()[2].split("\t")[2] == "finished"
    assert [a["status"] for a in owner_cli.json("audit", "list")] == ["in_progress", "completed"]
    assert owner_cli.json("audit", "show", "latest")["id"] == done["id"]
    assert "required unanswered" in owner_cli("audit", "show", partial["id"][:8]).stdout
    trend = owner_cli.json("audit", "trend")
    assert [a["id"] for a in trend["audits"]] == [done["id"]]
    compared = owner_cli("audit", "compare", done["id"], partial["id"])
    assert compared.exit_code == 1 and "not finished" in compared.stderr
    assert owner_cli("audit", "compare").exit_code == 1  # no previous finished audit
    assert owner_cli("audit", "plan", partial["id"], "--yes").exit_code == 1
    assert owner_cli("audit", "export", partial["id"]).exit_code == 1


def test_resume_asks_only_what_a_partial_file_left_out_and_finishes_the_audit(owner_cli):
    pexpect = pytest.importorskip("pexpect")
    answers = full({}, ("finance",))
    del answers["finance.pricing-review"], answers["finance.tax-set-aside"]
    answers["finance.late-payments"] = None  # "skip": seen, but still required
    started = owner_cli.json(
        "audit", "start", "--section", "finance", "--answers", "-", input=json.dumps(answers)
    )
    assert started["status"] == "in_progress"
    assert started["progress"]["missing"] == [
        "finance.pricing-review",
        "finance.late-payments",
        "finance.tax-set-aside",
    ]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "boo_cli", "--db", owner_cli.url, "audit", "resume"],
        env=_pty_env(),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 140),
    )
    child.expect("3 required still without an answer")
    for n in (4, 6, 10):  # the three missing ones, in bank order, and nothing else
        child.expect(re.escape(f"question {n}/10"))
        child.expect(r"\(Use shortcuts or arrow keys\)")
        child.send("2")
        child.send("\r")
    child.expect("Audit finished")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    done = owner_cli.json("audit", "show", "latest")
    assert done["id"] == started["id"] and done["status"] == "completed"
    assert done["progress"]["missing"] == []
    assert [done["answers"][q] for q in started["progress"]["missing"]] == [2, 2, 2]


def _pty_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update(
        BOO_HOME=os.environ["BOO_HOME"],
        BOO_KEYRING="file",
        TERM="xterm",
        NO_COLOR="1",
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    return env


@pytest.mark.parametrize(
    "ref", ["", " ", "nope", "abc", "0000", "----", "2026-13-45", "2026-01-05x", "previous", "ffff-ffff", "é"]
)
def test_a_bad_audit_name_is_one_line_never_a_traceback(owner_cli, ref):
    take(owner_cli, FIRST)
    for command in (["show", ref], ["export", ref], ["compare", ref, "latest"], ["delete", ref, "--yes"]):
        result = owner_cli("audit", *command)
        assert result.exit_code in (1, 2), result.stdout
        assert result.stderr.startswith("boo: ") and len(result.stderr.strip().splitlines()) == 1
    assert len(owner_cli.json("audit", "list")) == 1


def short_ids(text: str, *ids: str) -> str:
    """Golden files see full ids through stable(); the 8-character forms in prose are replaced here."""
    text = stable(text)
    for n, full in enumerate(ids, start=1):
        text = text.replace(full[:8], f"<short-{n}>")
    return text


def test_exports_match_their_golden_files(owner_cli, tmp_path):
    first = take(owner_cli, FIRST, JANUARY)
    second = take(owner_cli, SECOND, APRIL)
    with time_machine.travel(EXPORTED, tick=False):
        exported = {}
        for fmt in ("md", "html", "json"):
            result = owner_cli("audit", "export", "latest", "--format", fmt)
            assert result.exit_code == 0, result.stderr
            exported[fmt] = result.stdout
            assert_golden(f"audit.{fmt}", short_ids(result.stdout, second["id"], first["id"]))
        target = tmp_path / "report.md"
        assert owner_cli("audit", "export", second["id"][:8], "-o", str(target)).exit_code == 0
        assert target.read_text() == exported["md"]
    md = exported["md"]
    assert "| Finance | 8.75 | strong | +0.71 |" in md
    assert "**Compared with:** the audit of 2026-01-05" in md
    assert "## Next steps" in md and "`boo audit plan" in md
    assert "<h2>Recommendations</h2>" in exported["html"]
    assert "<script" not in exported["html"]
    data = json.loads(exported["json"])
    assert data["compared_with"]["id"] == first["id"]
    assert {s["area"]: s["change"] for s in data["scores"]}["finance"] == "0.71"
    assert owner_cli("audit", "export", "latest", "-f", "pdf").exit_code == 2


def test_html_export_escapes_what_users_typed(cli):
    with time_machine.travel(JANUARY, tick=False):
        init_user(cli, business="<script>alert(1)</script> & Co")
    take(cli, FIRST)
    html = cli("audit", "export", "-f", "html").stdout
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_compare_trend_and_naming(owner_cli):
    low_finance = {q: 2 for q in full({}, ("finance",))}  # finance 2.50: critical
    first = take(owner_cli, {**FIRST, **low_finance, "finance.tax-set-aside": 3}, JANUARY)
    take(owner_cli, SECOND, APRIL)
    third = take(owner_cli, {**SECOND, "finance.tax-set-aside": 5}, "2026-07-06 09:00:00+00:00")
    compared = owner_cli.json("audit", "compare", "2026-01-05", third["id"][:8])
    areas = {a["area"]: a for a in compared["areas"]}
    assert (areas["finance"]["previous"], areas["finance"]["score"], areas["finance"]["change"]) == (
        "2.77",
        "9.29",
        "6.52",
    )
    assert areas["finance"]["previous_band"] == "critical" and areas["finance"]["band"] == "strong"
    moved = {c["question"]: (c["before"], c["after"]) for c in compared["changes"]}
    assert moved["marketing.referrals"] == (2, 1)
    default = owner_cli.json("audit", "compare")  # previous → latest
    assert (default["before"]["audit_date"], default["after"]["audit_date"]) == ("2026-04-06", "2026-07-06")
    trend = owner_cli.json("audit", "trend")
    assert [a["audit_date"] for a in trend["audits"]] == ["2026-01-05", "2026-04-06", "2026-07-06"]
    finance = next(a for a in trend["areas"] if a["area"] == "finance")
    assert finance["scores"] == ["2.77", "8.75", "9.29"]
    assert len(finance["sparkline"]) == 3 and finance["sparkline"][0] < finance["sparkline"][-1]
    shown = owner_cli("audit", "trend")
    assert shown.exit_code == 0 and "Finance\t" in shown.stdout
    assert owner_cli.json("audit", "show", "previous")["audit_date"] == "2026-04-06"
    assert owner_cli.json("audit", "show", first["id"])["id"] == first["id"]
    listed = owner_cli("audit", "list")
    assert listed.stdout.splitlines()[0].startswith("id\tdate\tstatus\toverall\tband")
    shown = owner_cli("audit", "show")
    assert "Finance" in shown.stdout and "█" in shown.stdout and "fair" in shown.stdout


def test_plan_needs_consent_then_creates_draft_strategies(owner_cli):
    take(owner_cli, FIRST)
    refused = owner_cli("audit", "plan")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert owner_cli.json("strategy", "list") == []
    with time_machine.travel(EXPORTED, tick=False):
        created = owner_cli.json("audit", "plan", "--top", "2", "--yes")
    assert [s["name"] for s in created] == [
        "Write down the three tasks you repeat most",
        "List what comes in and goes out over the next month",
    ]
    assert {s["status"] for s in created} == {"draft"}
    shown = owner_cli.json("strategy", "show", created[0]["id"])
    assert [m["milestone"] for m in shown["milestones"]] == ["Take the first step", "Check the result"]
    again = owner_cli.json("audit", "plan", "--top", "2", "--yes")
    assert again == []
    assert len(owner_cli.json("strategy", "list")) == 2


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "show"],
        ["audit", "export"],
        ["audit", "delete", "--yes"],
        ["audit", "plan", "--yes"],
        ["audit", "compare", "2026-01-05"],
    ],
    ids=["show", "export", "delete", "plan", "compare"],
)
@pytest.mark.parametrize("short", [False, True], ids=["uuid", "prefix"])
def test_another_user_cannot_reach_the_owners_audit(owner_cli, command, short):
    audit = take(owner_cli, FIRST)
    add_user(owner_cli, "bob@example.com")
    login(owner_cli, "bob@example.com")
    owner_cli("profile", "add", "Bob's Bikes")
    ref = audit["id"][:8] if short else audit["id"]
    result = owner_cli(*command[:2], ref, *command[2:])
    assert result.exit_code == 1, result.stdout
    assert "no audit named" in result.stderr
    assert owner_cli.json("audit", "list") == []
    login(owner_cli, "ann@example.com")
    assert owner_cli.json("audit", "show", audit["id"])["id"] == audit["id"]
    assert owner_cli.json("strategy", "list") == []


# --- the questionnaire in a real terminal -----------------------------------------------------


def test_the_questionnaire_saves_each_answer_and_resume_finishes_it(owner_cli):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update(
        BOO_HOME=os.environ["BOO_HOME"],
        BOO_KEYRING="file",
        TERM="xterm",
        NO_COLOR="1",
        PROMPT_TOOLKIT_NO_CPR="1",
    )

    def spawn(*args: str):
        return pexpect.spawn(
            sys.executable,
            ["-m", "boo_cli", "--db", owner_cli.url, "audit", *args],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 140),
        )

    def answer(child, progress: str, key: str) -> None:
        child.expect(re.escape(progress))
        child.expect(r"\(Use shortcuts or arrow keys\)")
        child.send(key)
        child.send("\r")

    child = spawn("start", "--section", "finance")
    answer(child, "Section 1/1 · Finance · question 1/10", "3")
    answer(child, "question 2/10", "b")  # back to the first question…
    answer(child, "question 1/10", "2")  # …and change the answer
    answer(child, "question 2/10", "s")  # skip
    answer(child, "question 3/10", "4")
    child.expect(re.escape("question 4/10"))
    child.expect(r"\(Use shortcuts or arrow keys\)")
    child.send("\x03")  # Ctrl-C
    child.expect("boo audit resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    unfinished = owner_cli.json("audit", "list")
    assert [a["status"] for a in unfinished] == ["in_progress"]
    assert unfinished[0]["answers"] == {
        "finance.separate-accounts": 2,
        "finance.bookkeeping-cadence": None,
        "finance.cash-flow-forecast": 4,
    }

    child = spawn("resume")
    child.expect("3 questions seen so far, 8 required still without an answer")
    answer(child, "question 2/10", "s")  # the skipped question is asked again; skip it again
    for n in range(4, 11):
        answer(child, f"question {n}/10", "5")
    child.expect("stays in progress: 1 required question without an answer")
    child.expect(re.escape("(finance.bookkeeping-cadence)"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert owner_cli("audit", "show", "latest").exit_code == 1  # no finished audit yet
    assert [a["status"] for a in owner_cli.json("audit", "list")] == ["in_progress"]

    child = spawn("resume")
    answer(child, "question 2/10", "3")  # only the one still missing
    child.expect("Audit finished")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    done = owner_cli.json("audit", "show", "latest")
    assert done["status"] == "completed"
    assert done["answers"]["finance.separate-accounts"] == 2
    assert done["answers"]["finance.bookkeeping-cadence"] == 3
    assert len(done["answers"]) == 10
