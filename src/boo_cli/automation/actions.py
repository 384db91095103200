"""What a task does: a shell command, a webhook, an email, or a built-in action.

Each action is stored as versioned JSON (action_config) and read back through these pydantic models.
An action returns an Outcome; it raises nothing for a failure of the outside world (a non-zero exit,
a 500, a refused connection): those are failed outcomes with a readable error.
"""

from __future__ import annotations

import time
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
    # Hosts this task may reach even at a private, loopback or link-local address (--allow-private-host).
    allow_hosts: list[Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[^\s/]+$")]] = []

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


def run_shell(action: ShellAction, env: dict[str, str], *, token: str | None = None) -> Outcome:
    """Run the command through /bin/sh; when it ends, at the timeout or when boo is stopped, every
    process it started is stopped too (automation/shell.py says how they are found). token: the
    run's id, which marks its processes for a later runner if this one dies."""
    from boo_cli.automation.shell import run_command

    result = run_command(action.command, env, action.timeout_seconds, token=token)
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


EXCERPT_BYTES = 4 * 1024  # of a webhook's answer: enough to see what went wrong, too little to harvest
MAX_REDIRECTS = 5


def run_webhook(
    action: WebhookAction, *, allow_hosts: list[str] | None = None, task_may_allow: bool = True
) -> Outcome:
    """Call the URL, following at most 5 redirects. Every hop must reach only global addresses unless
    its host is allowed (by allow_hosts, by default the config file's, or by the task's own when
    task_may_allow), and goes to the very address that was checked. Only the first 4 KiB of the answer
    are read and kept."""
    import httpcore
    import httpx

    from boo_cli.automation import addresses
    from boo_cli.automation.pinned import PinnedTransport
    from boo_cli.errors import BooError

    try:
        allowed = [
            *(action.allow_hosts if task_may_allow else []),
            *(addresses.configured_allow_hosts() if allow_hosts is None else allow_hosts),
        ]
        addresses.check_literal(action.url, allowed)  # before httpx, which rejects some numeric forms
    except BooError as exc:
        return Outcome(False, str(exc))
    except addresses.Refused as exc:
        return Outcome(False, str(exc) + _untrusted_note(action, task_may_allow))
    deadline = time.monotonic() + action.timeout_seconds
    pins: dict[tuple[str, int], list[str]] = {}
    log: dict[str, Any] = {}
    with httpx.Client(
        transport=PinnedTransport(pins),
        timeout=action.timeout_seconds,
        trust_env=False,
        headers={"Accept-Encoding": "identity"},  # an excerpt of compressed bytes would be unreadable
    ) as client:
        try:
            request = client.build_request(
                action.method, action.url, headers=action.headers, json=action.body
            )
            for hop in range(MAX_REDIRECTS + 1):
                url = request.url
                if url.scheme not in ("http", "https"):
                    return Outcome(False, f"refused: a redirect to {url} (only http and https)", log)
                port = _port(url)
                host = url.raw_host.decode("ascii")
                pins[(host, port)] = addresses.vet(host, port, allowed, redirect=hop > 0)
                response = client.send(request, stream=True)
                try:
                    log["http_status"] = response.status_code
                    if response.next_request is None:
                        log["response"], log["response_truncated"] = _excerpt(response, deadline)
                        break
                    request = _next_hop(response.next_request, action)
                    log.setdefault("redirects", []).append(str(request.url))
                finally:
                    response.close()  # unread: the rest of a body is never fetched
            else:
                return Outcome(
                    False, f"{action.method} {action.url}: more than {MAX_REDIRECTS} redirects", log
                )
        except addresses.Refused as exc:
            return Outcome(False, str(exc) + _untrusted_note(action, task_may_allow), log)
        except (
            httpx.HTTPError,
            httpx.InvalidURL,
            httpcore.NetworkError,
            httpcore.TimeoutException,
            httpcore.ProtocolError,
            OSError,
        ) as exc:
            return Outcome(False, f"{action.method} {action.url} failed: {type(exc).__name__}: {exc}", log)
    if not 200 <= log["http_status"] < 300:
        return Outcome(False, f"{action.method} {action.url} answered {log['http_status']}", log)
    return Outcome(True, None, log)


def _untrusted_note(action: WebhookAction, task_may_allow: bool) -> str:
    if task_may_allow or not action.allow_hosts:
        return ""
    return (
        " (the task's own --allow-private-host counts only for users this machine trusts: "
        "run 'boo automate allow' with the owner's email on this host)"
    )


def _next_hop(request, action: WebhookAction):
    """The redirect's request; the task's own headers (a token, say) go only to the URL's origin."""
    import httpx

    first = httpx.URL(action.url)
    if (request.url.scheme, request.url.host, _port(request.url)) != (first.scheme, first.host, _port(first)):
        for name in action.headers:
            request.headers.pop(name, None)
    return request


def _port(url) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _excerpt(response, deadline: float) -> tuple[str, bool]:
    """The first EXCERPT_BYTES of the body as text, read as a stream, and whether there was more."""
    kept = b""
    for chunk in response.iter_raw():  # httpcore hands out at most 64 KiB at a time
        kept += chunk
        if len(kept) > EXCERPT_BYTES:
            return _text(kept[:EXCERPT_BYTES], response.headers.get("Content-Encoding", "")), True
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took longer than the timeout")
    return _text(kept, response.headers.get("Content-Encoding", "")), False


def _text(raw: bytes, encoding: str) -> str:
    import zlib

    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw.decode("utf-8", "replace")
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompressobj(wbits=47).decompress(raw, EXCERPT_BYTES).decode("utf-8", "replace")
        except zlib.error:
            pass
    return f"({len(raw)} bytes compressed as {encoding}, not shown)"


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
