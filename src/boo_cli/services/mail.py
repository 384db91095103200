"""Sending email through the user's SMTP server: settings from the config file's [smtp] table,
the password from the OS keyring (service 'boo-smtp', the SMTP user name) or BOO_SMTP_PASSWORD."""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.message import EmailMessage

from boo_cli.config import load_settings, paths
from boo_cli.errors import BooError, ConfigError, describe_os_error

KEYRING_SERVICE = "boo-smtp"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    security: str = "starttls"  # starttls | ssl | none
    timeout: int = 30


def smtp_settings() -> SmtpSettings:
    """The [smtp] table of the config file; a missing or wrong one is named with the fix."""
    table = load_settings().get("smtp")
    where = paths().config_file
    if not isinstance(table, dict) or not table.get("host") or not table.get("from"):
        raise ConfigError(
            f"email needs an [smtp] table with host and from in {where}",
            hint='e.g. [smtp] host = "smtp.example.com", port = 587, from = "me@example.com", '
            'username = "me"',
        )
    security = str(table.get("security", "starttls"))
    if security not in {"starttls", "ssl", "none"}:
        raise ConfigError(f"smtp.security in {where} must be starttls, ssl or none")
    try:
        port = int(table.get("port", 465 if security == "ssl" else 587))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"smtp.port in {where} must be a number") from exc
    if not 1 <= port <= 65535:
        raise ConfigError(f"smtp.port in {where} must be from 1 to 65535")
    return SmtpSettings(
        host=str(table["host"]),
        port=port,
        sender=str(table["from"]),
        username=str(table["username"]) if table.get("username") else None,
        security=security,
    )


def smtp_password(settings: SmtpSettings) -> str | None:
    if os.environ.get("BOO_SMTP_PASSWORD"):
        return os.environ["BOO_SMTP_PASSWORD"]
    if not settings.username:
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, settings.username)
    except Exception:  # no usable keyring: the server may not need a password
        return None


def send(message: EmailMessage, settings: SmtpSettings | None = None) -> None:
    """Send one message; raises on any SMTP or network failure (callers record it)."""
    import smtplib

    settings = settings or smtp_settings()
    if "From" not in message:
        message["From"] = settings.sender
    client_class = smtplib.SMTP_SSL if settings.security == "ssl" else smtplib.SMTP
    server = f"the mail server {settings.host}:{settings.port}"
    try:
        with client_class(settings.host, settings.port, timeout=settings.timeout) as client:
            if settings.security == "starttls":
                client.starttls()
            password = smtp_password(settings)
            if settings.username and password:
                client.login(settings.username, password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"{server} refused the user name or password",
            hint=f"Check smtp.username in {paths().config_file} and the password in the keyring "
            f"(service {KEYRING_SERVICE}) or BOO_SMTP_PASSWORD.",
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"{server} refused the recipient {', '.join(exc.recipients)}") from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"{server} did not take the message: {_smtp_reason(exc)}") from exc
    except OSError as exc:  # refused, unreachable, timed out, TLS failure
        raise MailError(describe_os_error(exc, server, doing="reach")) from exc


class MailError(BooError):
    """The mail server could not be reached or would not take the message (exit 1)."""


def _smtp_reason(exc: Exception) -> str:
    error = getattr(exc, "smtp_error", None)
    if isinstance(error, bytes):
        error = error.decode("utf-8", "replace")
    text = " ".join(str(error or exc).split())
    return text[:200] or type(exc).__name__
