"""The audit's longer flows: taking an audit (the questionnaire on a terminal, or every answer from a
file) and turning one into plans after asking.

On a terminal each answer is saved in its own short transaction the moment it is given, so Ctrl-C, a
closed window or a crash loses nothing: `boo audit resume` asks what is still unanswered.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import typer

from boo_cli.cli.context import app_context
from boo_cli.errors import Invalid

BACK, SKIP = "back", "skip"
TEMPLATE_HINT = "Print a file to fill in with `boo audit template > answers.toml`."


def read_source(source: str) -> tuple[str, str]:
    """The text of an answers file ('-' is standard input) and the name to report it by."""
    if source == "-":
        return sys.stdin.read(), "standard input"
    path = Path(source).expanduser()
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise Invalid(f"cannot read {path}: {exc.strerror}", field="--answers") from exc
    except UnicodeDecodeError as exc:
        raise Invalid(f"{path} is not UTF-8 text", field="--answers") from exc


def start_from_file(source: str, section: list[str] | None) -> None:
    """Check every answer first, then write the audit in one transaction: finished, or in progress
    when the file leaves required questions unanswered (named on stderr; still exit 0: it is saved)."""
    from boo_cli.cli.audit import show_audit
    from boo_cli.cli.identity import acting_user, current_business, today_for
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    bank = load_bank()
    sections = audits.choose_sections(section)
    text, name = read_source(source)
    answers = audits.check_answers(bank, audits.read_answers(text, source=name), sections)
    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        profile = current_business(session, user)
        audit = audits.import_audit(
            session, user, profile, bank, answers=answers, sections=sections, today=today_for(user)
        )
        ctx.say(f"Saved the audit of {profile.business_name} ({str(audit.id)[:8]}) from {name}.")
        if not audit.finished:
            say_missing(audits.missing_answers(bank, audit))
        show_audit(session, user, audit, bank)


def start_interactive(section: list[str] | None) -> None:
    from boo_cli.cli.identity import acting_user, current_business, today_for
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    ctx = app_context()
    if not ctx.can_prompt():
        raise Invalid(
            "--answers is required when boo cannot ask (no terminal or --no-input)", hint=TEMPLATE_HINT
        )
    bank = load_bank()
    sections = audits.choose_sections(section)
    with ctx.session() as session:
        user = acting_user(session)
        profile = current_business(session, user)
        audit = audits.start_audit(session, user, profile, bank, sections=sections, today=today_for(user))
        audit_id, business = audit.id, profile.business_name
    count = len(audits.audit_questions(bank, sections))
    ctx.say(
        f"{bank.title} for {business}: {count} questions in {len(sections)} sections, about "
        f"{max(1, round(count * 0.3))} minutes. Every answer is saved as you go; stop any time with "
        "Ctrl-C and continue with `boo audit resume`."
    )
    run(audit_id)


def resume() -> None:
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.errors import NotFound
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        profile = current_business(session, user)
        audit = audits.unfinished_audit(session, user, profile)
        if audit is None:
            raise NotFound(
                f"{profile.business_name} has no unfinished audit", hint="Start one: boo audit start"
            )
        if not ctx.can_prompt():
            raise Invalid(
                "resuming asks the remaining questions, which needs a terminal",
                hint=f"Or discard it: boo audit delete {str(audit.id)[:8]} --yes",
            )
        ctx.say(
            f"Resuming the audit of {profile.business_name} started on {audit.audit_date}: "
            f"{len(audit.answers or {})} questions seen so far, "
            f"{len(audits.missing_answers(load_bank(), audit))} required still without an answer."
        )
        audit_id = audit.id
    run(audit_id)


def run(audit_id: uuid.UUID) -> None:
    """Ask every question not yet seen and every required one skipped before, saving each answer at
    once; then finish the audit, or say which required questions are still unanswered."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import SECTION_IDS, load_bank

    ctx, bank = app_context(), load_bank()
    with ctx.session() as session:
        audit = audits.get_audit_by_id(session, acting_user(session), audit_id)
        audits.require_same_bank(bank, audit)
        answers, sections = dict(audit.answers or {}), list(audit.sections or SECTION_IDS)
        questions = audits.pending_questions(bank, audit)
    index, shown_section = 0, None
    while index < len(questions):
        question = questions[index]
        if question.section != shown_section:
            _announce_section(bank, sections, question.section)
            shown_section = question.section
        choice = _ask(bank, sections, question, answers)
        if choice is None:  # Ctrl-C: everything answered so far is already saved
            ctx.say(f"Stopped after {len(answers)} questions seen; continue with `boo audit resume`.")
            raise typer.Exit(130)
        if choice == BACK:
            if index == 0:
                ctx.say("This is the first question.")
            index = max(index - 1, 0)
            continue
        value = None if choice == SKIP else choice
        _save(audit_id, question.id, value)
        answers[question.id] = value
        index += 1
    _finish(audit_id)


def _announce_section(bank, sections: list[str], section_id: str) -> None:
    section = bank.section(section_id)
    position = sections.index(section_id) + 1
    app_context().say(f"\nSection {position}/{len(sections)}: {section.title}. {section.description}")


def _ask(bank, sections: list[str], question, answers: dict) -> object:
    """One question as a menu: the five described points (keys 1-5), then skip (s), not applicable
    (n, where allowed) and back (b). The pointer starts on the earlier answer when going back."""
    import questionary
    from questionary import Choice, Separator

    section = bank.section(question.section)
    k = [q.id for q in section.questions].index(question.id) + 1
    position = sections.index(question.section) + 1
    app_context().say(
        f"Section {position}/{len(sections)} · {section.title} · question {k}/{len(section.questions)}"
    )
    if question.help:
        app_context().say(f"  {question.help}")
    choices: list = [Choice(label, value=n, shortcut_key=str(n)) for n, label in enumerate(question.scale, 1)]
    choices.append(Separator())
    choices.append(Choice("Skip this question", value=SKIP, shortcut_key="s"))
    if question.allow_na:
        choices.append(Choice("Not applicable", value="na", shortcut_key="n"))
    choices.append(Choice("Back to the previous question", value=BACK, shortcut_key="b"))
    default = None
    if question.id in answers:
        default = SKIP if answers[question.id] is None else answers[question.id]
    app_context().release()
    return questionary.select(
        question.text, choices=choices, default=default, use_shortcuts=True, use_jk_keys=False
    ).ask()


def _save(audit_id: uuid.UUID, question_id: str, value: object) -> None:
    """One answer, committed on its own (the session scope commits when the block ends)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    with app_context().session() as session:
        user = acting_user(session)
        audit = audits.get_audit_by_id(session, user, audit_id)
        audits.record_answer(session, user, audit, load_bank(), question_id, value)


def _finish(audit_id: uuid.UUID) -> None:
    from boo_cli.cli.audit import show_audit
    from boo_cli.cli.identity import acting_user, today_for
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    bank, ctx = load_bank(), app_context()
    with ctx.session() as session:
        user = acting_user(session)
        audit = audits.get_audit_by_id(session, user, audit_id)
        missing = audits.missing_answers(bank, audit)
        if missing:
            say_missing(missing)
            return
        audits.complete_audit(session, user, audit, bank, today=today_for(user))
        ctx.say("\nAudit finished.")
        show_audit(session, user, audit, bank)


def say_missing(missing: list[str]) -> None:
    """Why an audit stays in progress, naming the questions (every id: the user has to answer them)."""
    app_context().say(
        f"The audit stays in progress: {len(missing)} required question"
        f"{'' if len(missing) == 1 else 's'} without an answer ({', '.join(missing)}). "
        "Answer them with `boo audit resume`; until then it counts for no score, comparison or trend."
    )


def plan(ref: str, *, top: int, yes: bool) -> None:
    """Show the proposed strategies, ask (or take --yes), then create the new ones."""
    from boo_cli.cli.audit import _find
    from boo_cli.cli.identity import acting_user, today_for
    from boo_cli.cli.output import print_json
    from boo_cli.reports.strategy import strategy_record
    from boo_cli.services import audits
    from boo_cli.services.audit_bank import load_bank

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        audit = _find(session, user, ref)
        proposals = audits.propose_plan(session, user, audit, load_bank(), top=top)
        new = [p for p in proposals if not p.already_planned]
        _show_proposals(proposals)
        if new and not _agree(f"Create {len(new)} draft strateg{'y' if len(new) == 1 else 'ies'}?", yes):
            raise typer.Exit(1)
        profile = audits.business_of(session, user, audit)
        created = audits.create_plan(session, user, profile, proposals, today=today_for(user))
        if ctx.json:
            print_json([strategy_record(s) for s in created])
        elif created:
            ctx.say(f"Created {len(created)} draft strategies for {profile.business_name}: boo strategy list")


def _show_proposals(proposals) -> None:
    from boo_cli.cli.output import Column, emit_table

    ctx = app_context()
    if not proposals:
        ctx.say("Nothing to plan: this audit triggered no recommendations.")
    elif all(p.already_planned for p in proposals):
        ctx.say("Every one of these is planned already (a strategy of the same name exists).")
    if ctx.json or not proposals:
        return
    ctx.say(
        "Each new strategy is a draft with two milestones: the first step within a week, "
        "and a check of the result when it is due."
    )
    emit_table(
        proposals,
        [
            Column("strategy", lambda p: p.name, style="bold"),
            Column("area", lambda p: p.section),
            Column("priority", lambda p: p.priority),
            Column("timeline", lambda p: p.timeline),
            Column("", lambda p: "already planned" if p.already_planned else "new", marker=True),
        ],
    )


def _agree(question: str, yes: bool) -> bool:
    """Creating records needs consent as deleting them does; without a terminal, --yes gives it."""
    ctx = app_context()
    if yes:
        return True
    if not ctx.can_prompt():
        raise Invalid(
            "pass --yes to create them when boo cannot ask (no terminal or --no-input)", field="--yes"
        )
    import questionary

    ctx.release()
    return bool(questionary.confirm(question, default=True).ask())
