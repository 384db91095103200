"""Questions on a terminal (questionary), and the rule that boo never asks without one.

Every helper takes the flag that would have answered it: without a terminal, or with --no-input,
boo names that flag and exits 2 instead of waiting for an answer that cannot come.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import typer

from boo_cli.cli.context import app_context
from boo_cli.errors import BooError, Invalid


def _answer(question) -> object:
    answer = question.ask()
    if answer is None:  # Ctrl-C or Ctrl-D
        raise typer.Abort()
    return answer


def _validator(check: Callable[[str], object] | None, required: bool):
    def validate(text: str) -> bool | str:
        if not text.strip():
            return "A value is required." if required else True
        if check is None:
            return True
        try:
            check(text)
        except BooError as exc:
            return exc.message
        return True

    return validate


def ask_text(
    question: str,
    *,
    flag: str,
    default: str | None = None,
    required: bool = True,
    check: Callable[[str], object] | None = None,
) -> str | None:
    """A line of text; check (a service validator) runs on each answer so mistakes are fixed on the spot."""
    app_context().require_input(flag)
    import questionary

    answer = _answer(questionary.text(question, default=default or "", validate=_validator(check, required)))
    return str(answer).strip() or None


def ask_choice(question: str, choices: Sequence[str], *, flag: str, default: str | None = None) -> str | None:
    app_context().require_input(flag)
    import questionary

    answer = _answer(questionary.select(question, choices=list(choices), default=default))
    return None if answer == "(skip)" else str(answer)


def ask_new_password(*, flag: str = "--password-stdin") -> str:
    """A new password, typed twice."""
    app_context().require_input(flag)
    import questionary

    from boo_cli.services.accounts import hash_password

    while True:
        first = str(
            _answer(questionary.password("Password:", validate=_validator(_length_only(hash_password), True)))
        )
        second = str(_answer(questionary.password("Password again:")))
        if first == second:
            return first
        app_context().say("The two passwords differ; try again.")


def _length_only(hasher: Callable[[str], str]) -> Callable[[str], object]:
    from boo_cli.services.accounts import MAX_PASSWORD, MIN_PASSWORD

    def check(text: str) -> None:
        if not MIN_PASSWORD <= len(text) <= MAX_PASSWORD:
            hasher(text)  # raises the service's own message

    return check


def ask_password(question: str = "Password:", *, flag: str = "--password-stdin") -> str:
    app_context().require_input(flag)
    import questionary

    return str(_answer(questionary.password(question)))


def read_stdin_lines(count: int, *, flag: str = "--password-stdin") -> list[str]:
    """Lines from standard input (passwords for scripts); the newline is not part of the value."""
    lines = [sys.stdin.readline() for _ in range(count)]
    values = [line[:-1] if line.endswith("\n") else line for line in lines]
    if any(not value for value in values):
        want = "a line" if count == 1 else f"{count} lines"
        raise Invalid(f"expected {want} on standard input", field=flag)
    return values
