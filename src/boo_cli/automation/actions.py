"""What a task does: a shell command, a webhook, an email, or a built-in action.

Each action is stored as versioned JSON (action_config) and read back through these pydantic models.
An action returns an Outcome; it raises nothing for a failure of the outside world (a non-zero exit,
a 500, a refused connection): those are failed outcomes with a readable error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

TAIL_BYTES = 64 * 1024


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    timeout_seconds: int = Field(default=300, gt=0, le=24 * 3600)
    retries: int = Field(default=0, ge=0, le=10)


class ShellAction(_Action):
    kind: Literal["shell"] = "shell"
    command: str = Field(min_length=1)


class WebhookAction(_Action):
    kind: Literal["webhook"] = "webhook"
    url: str
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    headers: dict[str, str] = {}
    body: Any = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value


class EmailAction(_Action):
    kind: Literal["email"] = "email"
    to: list[str] = Field(min_length=1)
    subject: str = Field(min_length=1, max_length=200)
    body: str = ""


BUILTINS = {
    "milestone-digest": "overdue and upcoming milestones of the business",
    "audit-reminder": "a reminder when the business's last audit is older than --days (default 90)",
    "newsletter-digest": "the owner's newsletter digest, at most once per subscription period",
    "noop": "does nothing (for testing a schedule)",
}


class BuiltinAction(_Action):
    kind: Literal["builtin"] = "builtin"
    name: str
    days: int = Field(default=90, gt=0, le=3650)  # timedelta(days=) overflows far beyond
    mail_to: list[str] = []  # where to send the action's text as well, through SMTP

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in BUILTINS:
            raise ValueError(f"{value!r} is not a built-in action; known: {', '.join(sorted(BUILTINS))}")
        return value


Action = Annotated[ShellAction | WebhookAction | EmailAction | BuiltinAction, Field(discriminator="kind")]
_ADAPTER = TypeAdapter(Action)


def load_action(config: dict) -> ShellAction | WebhookAction | EmailAction | BuiltinAction:
    return _ADAPTER.validate_python(config)


@dataclass
class Outcome:
    ok: bool
    error: str | None = None
    log: dict[str, Any] = field(default_factory=dict)


def tail(data: bytes | str | None) -> str:
    """The last 64 KiB of an output, as text."""
    if data is None:
        return ""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return raw[-TAIL_BYTES:].decode("utf-8", "replace")


def run_shell(action: ShellAction, env: dict[str, str]) -> Outcome:
    """Run the command through /bin/sh; when it ends, at the timeout or when boo is stopped, every
    process it started is stopped too (automation/shell.py says how they are found)."""
    from boo_cli.automation.shell import run_command

    result = run_command(action.command, env, action.timeout_seconds)
    stdout, stderr = result.stdout.text(), result.stderr.text()
    log: dict[str, Any] = {"exit_code": result.exit_code, "stdout": stdout, "stderr": stderr}
    for name, output in (("stdout", result.stdout), ("stderr", result.stderr)):
        if output.dropped:
            log[f"{name}_dropped_bytes"] = output.dropped
    if result.stopped:
        log["processes_stopped"] = result.stopped
    if result.cancelled:
        result.cancelled.log = log  # what it printed before boo was stopped, for the runner to record
        raise result.cancelled
    if result.timed_out:
        log.update(timed_out=True, seconds=result.seconds)
        return Outcome(False, f"timed out after {action.timeout_seconds} s; its processes were stopped", log)
    if result.exit_code != 0:
        last = stderr.strip().splitlines()[-1:] or [""]
        return Outcome(False, f"exit code {result.exit_code}{': ' + last[0][:200] if last[0] else ''}", log)
    return Outcome(True, None, log)


def run_webhook(action: WebhookAction) -> Outcome:
    import httpx

    try:
        response = httpx.request(
            action.method,
            action.url,
            headers=action.headers,
            json=action.body if action.body is not None else None,
            timeout=action.timeout_seconds,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return Outcome(False, f"{action.method} {action.url} failed: {type(exc).__name__}: {exc}")
    log = {"http_status": response.status_code, "response": tail(response.text)}
    if not 200 <= response.status_code < 300:
        return Outcome(False, f"{action.method} {action.url} answered {response.status_code}", log)
    return Outcome(True, None, log)


def run_email(action: EmailAction, sender) -> Outcome:
    """Send through the SMTP settings (sender: a callable that takes an EmailMessage)."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"] = ", ".join(action.to)
    message["Subject"] = action.subject
    message.set_content(action.body or action.subject)
    try:
        sender(message)
    except Exception as exc:  # SMTP, socket and configuration errors all end as a failed run
        return Outcome(False, f"sending to {', '.join(action.to)} failed: {exc}")
    return Outcome(True, None, {"sent_to": action.to})
