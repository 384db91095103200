"""`boo resources …`: the bundled library, a user's own folder, copies, history, newsletter and digest."""

from __future__ import annotations

import email
import json

import pytest
import time_machine

from boo_cli.services.resources import TOPICS, TYPES, bundled_dir, parse
from tests.conftest import add_user, init_user, login


def test_every_bundled_resource_has_valid_front_matter():
    files = sorted(p for p in bundled_dir().iterdir() if p.suffix in {".md", ".csv"})
    resources = [parse(p.read_text(encoding="utf-8"), p, "bundled") for p in files]
    assert len(resources) >= 15
    for kind in TYPES:
        assert sum(r.type == kind for r in resources) >= 4, kind
    for r in resources:
        assert r.slug == r.path.stem and set(r.topics) <= set(TOPICS) and len(r.summary) <= 200
        if r.type == "template":
            assert "{{ business.name }}" in r.body
        else:
            assert "{{" not in r.body and "{%" not in r.body


def test_list_search_show_and_topics_need_no_database(bare_cli, boo_home):
    listed = bare_cli.json("resources", "list", "--type", "checklist")
    assert listed and {r["type"] for r in listed} == {"checklist"}
    finance = bare_cli.json("resources", "list", "--topic", "finance")
    assert all("finance" in r["topics"] for r in finance)
    found = bare_cli.json("resources", "search", "late payments invoice")
    assert found[0]["slug"] == "invoicing-and-late-payments"
    shown = bare_cli.json("resources", "show", "pricing-a-service")
    assert shown["title"] and shown["body"].startswith("#")
    raw = bare_cli("resources", "show", "pricing-a-service", "--raw")
    assert raw.stdout.startswith('+++\nslug = "pricing-a-service"')
    counts = bare_cli.json("resources", "topics")
    assert set(counts) == set(TOPICS) and counts["finance"] >= 4
    assert not (boo_home / "data").exists()  # nothing opened a database


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["resources", "show", "pricng-a-service"], 1, "Did you mean: pricing-a-service"),
        (["resources", "list", "--type", "ebook"], 2, "guide, template, checklist"),
        (["resources", "list", "--topic", "cooking"], 2, "finance, marketing"),
        (["resources", "search", "!!"], 2, "TEXT"),
    ],
)
def test_bad_input_is_named(bare_cli, args, code, words):
    result = bare_cli(*args)
    assert result.exit_code == code
    assert words in result.stderr


def test_a_users_folder_is_read_beside_the_bundled_one_and_bad_files_are_skipped(
    bare_cli, tmp_path, monkeypatch
):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my-checklist.md").write_text(
        '+++\nslug = "my-checklist"\ntitle = "My own checklist"\ntype = "checklist"\n'
        'topics = ["operations"]\n'
        'summary = "Mine."\nversion = 2\nupdated = 2026-11-25\n+++\n\n- [ ] do it\n'
    )
    (folder / "broken.md").write_text("+++\ntitle = 'no slug'\n+++\nbody\n")
    monkeypatch.setenv("BOO_RESOURCES_DIR", str(folder))
    result = bare_cli("--json", "resources", "list")
    slugs = [r["slug"] for r in json.loads(result.stdout)]
    assert "my-checklist" in slugs and "pricing-a-service" in slugs
    assert result.stderr.count("Warning: skipped") == 1 and "broken.md" in result.stderr


@pytest.fixture
def owner(cli):
    init_user(cli, business="Ann's Bakery")
    cli("profile", "edit", "--industry", "baking")
    return cli


def test_get_writes_a_filled_copy_refuses_to_overwrite_and_records_it(owner, tmp_path):
    result = owner("resources", "get", "client-proposal", "--to", str(tmp_path), "--fill")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "client-proposal.md").read_text()
    assert "Ann Lee, Ann's Bakery" in text and "{{" not in text and not text.startswith("+++")
    again = owner("resources", "get", "client-proposal", "--to", str(tmp_path))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert owner("resources", "get", "client-proposal", "--to", str(tmp_path), "--force").exit_code == 0
    assert "{{ business.name }}" in (tmp_path / "client-proposal.md").read_text()  # not filled this time
    history = owner.json("resources", "history")
    assert [h["resource_name"] for h in history] == ["Client proposal", "Client proposal"]
    assert history[0]["file_path"] == str((tmp_path / "client-proposal.md").resolve())


def test_a_missing_folder_writes_and_records_nothing(owner, tmp_path):
    result = owner("resources", "get", "month-end-close", "--to", str(tmp_path / "nope"))
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert owner.json("resources", "history") == []


def test_no_code_in_a_template_ever_runs(owner, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "evil.md").write_text(
        '+++\nslug = "evil"\ntitle = "Evil"\ntype = "template"\ntopics = ["operations"]\nsummary = "x"\n'
        "version = 1\nupdated = 2026-11-25\n+++\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    monkeypatch.setenv("BOO_RESOURCES_DIR", str(folder))
    out = tmp_path / "out"
    out.mkdir()
    result = owner("resources", "get", "evil", "--to", str(out), "--fill")
    assert result.exit_code == 2 and "cannot be filled" in result.stderr
    assert list(out.iterdir()) == [] and owner.json("resources", "history") == []


def test_downloads_and_subscriptions_belong_to_their_user(owner, tmp_path):
    owner("resources", "get", "month-end-close", "--to", str(tmp_path))
    owner("resources", "newsletter", "subscribe")
    add_user(owner, "bob@example.com")
    login(owner, "bob@example.com")
    assert owner.json("resources", "history") == []
    assert owner.json("resources", "newsletter", "status") == []


def test_subscribe_unsubscribe_resubscribe_keeps_one_row(owner):
    first = owner.json("resources", "newsletter", "subscribe", "--frequency", "daily", "--topic", "finance")
    assert (first["email"], first["frequency"], first["topics"]) == ("ann@example.com", "daily", ["finance"])
    assert owner("resources", "newsletter", "subscribe").exit_code == 1  # already active
    gone = owner.json("resources", "newsletter", "unsubscribe")
    assert gone["is_active"] is False and gone["unsubscribed_at"]
    again = owner.json("resources", "newsletter", "subscribe", "--frequency", "monthly")
    assert again["id"] == first["id"] and again["is_active"] and again["unsubscribed_at"] is None
    assert len(owner.json("resources", "newsletter", "status")) == 1
    edited = owner.json("resources", "newsletter", "edit", "--topic", "marketing", "--topic", "sales")
    assert edited["topics"] == ["marketing", "sales"]
    assert owner("resources", "newsletter", "subscribe", "--email", "nope").exit_code == 2
    assert owner("resources", "newsletter", "edit", "--topic", "gardening").exit_code == 2


def test_the_digest_on_a_fixed_clock(owner):
    with time_machine.travel("2026-11-23 09:00:00+00:00", tick=False):
        owner("strategy", "add", "Plan")
        owner("strategy", "milestone", "add", "Plan", "Late step", "--target", "2026-11-20")
        owner("strategy", "milestone", "add", "Plan", "Next step", "--target", "2026-11-27")
        owner("resources", "newsletter", "subscribe", "--topic", "finance")
        text = owner("resources", "newsletter", "digest", "--format", "text").stdout
        html = owner("resources", "newsletter", "digest", "--format", "html").stdout
    assert "Your weekly boo digest" in text and "**" not in text
    assert "Month-end close checklist" in text and "Client proposal" not in text  # finance only
    assert "Late step (Plan), due 2026-11-20" in text and "Next step (Plan), due 2026-11-27" in text
    assert "To unsubscribe: 'boo resources newsletter unsubscribe'" in text
    assert html.startswith("<!doctype html>") and "<h2>Your milestones</h2>" in html


@pytest.fixture
def smtp(boo_home):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from tests.automation.test_run_due import free_port

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    (boo_home / "config").mkdir(parents=True, exist_ok=True)
    (boo_home / "config" / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\n'
        'from = "digest@example.com"\nsecurity = "none"\n'
    )
    yield received
    controller.stop()


def test_send_mails_text_and_html_parts(owner, smtp):
    owner("resources", "newsletter", "subscribe")
    result = owner("resources", "newsletter", "digest", "--send")
    assert result.exit_code == 0, result.stderr
    (message,) = smtp
    parsed = email.message_from_string(message.as_string())
    assert (parsed["To"], parsed["From"]) == ("ann@example.com", "digest@example.com")
    assert parsed["Subject"].startswith("Your weekly boo digest")
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in parsed.get_payload()]
    assert parts == ["text/plain", "text/html"]
    assert "unsubscribe" in parsed.get_payload()[0].get_payload(decode=True).decode()
    assert owner.json("resources", "newsletter", "status")[0]["last_sent_at"]


def test_the_digest_action_sends_once_per_period_however_often_run_due_runs(owner, smtp):
    with time_machine.travel("2026-11-23 07:00:00+00:00", tick=False):  # a Monday
        owner("resources", "newsletter", "subscribe")
        owner("automate", "add", "digest", "--cron", "0 * * * *", "--builtin", "newsletter-digest")
    for hour in (8, 9, 10):
        result = owner("run", "--now", f"2026-11-23T{hour:02d}:00:30+00:00")
        assert result.exit_code == 0, result.stderr
    assert len(smtp) == 1
    owner("run", "--now", "2026-11-30T08:00:30+00:00")  # the next week
    assert len(smtp) == 2
    logs = owner.json("automate", "logs", "digest")
    assert any("already sent this weekly period" in e["log"]["stdout"] for e in logs)
