"""SQLModel tables, one module per domain.

Modules load on first use (`from boo_cli.models import User` imports only what User needs, and each
module imports the tables its foreign keys point at), because building a table class is a real part of
a short command's start-up. `metadata` loads them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sqlmodel import SQLModel

# Deterministic constraint names: Alembic batch mode on SQLite and enum CHECKs need them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_MODULE_OF = {
    "User": "accounts",
    "UserSession": "sessions",
    "AuditTrailEntry": "audit_trail",
    "BusinessAudit": "audits",
    "AutomationHost": "automation",
    "AutomationTask": "automation",
    "HostShellUser": "automation",
    "TaskExecution": "automation",
    "TaskRetry": "automation",
    "Consultation": "consultations",
    "ConsultationNote": "consultations",
    "BusinessProfile": "profiles",
    "NewsletterSubscription": "resources",
    "ResourceDownload": "resources",
    "GrowthStrategy": "strategies",
    "StrategyMilestone": "strategies",
}

__all__ = [
    "AuditTrailEntry",
    "AutomationHost",
    "AutomationTask",
    "BusinessAudit",
    "BusinessProfile",
    "Consultation",
    "ConsultationNote",
    "GrowthStrategy",
    "HostShellUser",
    "NewsletterSubscription",
    "ResourceDownload",
    "StrategyMilestone",
    "TaskExecution",
    "TaskRetry",
    "User",
    "UserSession",
    "metadata",
]

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from boo_cli.models.accounts import User
    from boo_cli.models.audit_trail import AuditTrailEntry
    from boo_cli.models.audits import BusinessAudit
    from boo_cli.models.automation import (
        AutomationHost,
        AutomationTask,
        HostShellUser,
        TaskExecution,
        TaskRetry,
    )
    from boo_cli.models.consultations import Consultation, ConsultationNote
    from boo_cli.models.profiles import BusinessProfile
    from boo_cli.models.resources import NewsletterSubscription, ResourceDownload
    from boo_cli.models.sessions import UserSession
    from boo_cli.models.strategies import GrowthStrategy, StrategyMilestone

    metadata: MetaData


def load_all() -> None:
    for module in set(_MODULE_OF.values()):
        importlib.import_module(f"{__name__}.{module}")


def __getattr__(name: str):
    if name == "metadata":
        load_all()
        return SQLModel.metadata
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
