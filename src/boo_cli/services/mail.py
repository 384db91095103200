"""Sending email through the user's SMTP server: settings from the config file's [smtp] table,
the password from the OS keyring (service 'boo-smtp', the SMTP user name) or BOO_SMTP_PASSWORD."""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.message import EmailMessage

from boo_cli.config import load_settings, paths
from boo_cli.errors import ConfigError

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
    with client_class(settings.host, settings.port, timeout=settings.timeout) as client:
        if settings.security == "starttls":
            client.starttls()
        password = smtp_password(settings)
        if settings.username and password:
            client.login(settings.username, password)
        client.send_message(message)
