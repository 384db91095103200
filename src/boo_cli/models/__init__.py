"""SQLModel tables, one module per domain. Importing this package registers every table."""

from sqlmodel import SQLModel

# Deterministic constraint names: Alembic batch mode on SQLite and enum CHECKs need them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from boo_cli.models.accounts import User  # noqa: E402
from boo_cli.models.audit_trail import AuditTrailEntry  # noqa: E402
from boo_cli.models.audits import BusinessAudit  # noqa: E402
from boo_cli.models.automation import AutomationTask, TaskExecution  # noqa: E402
from boo_cli.models.consultations import Consultation, ConsultationNote  # noqa: E402
from boo_cli.models.profiles import BusinessProfile  # noqa: E402
from boo_cli.models.resources import NewsletterSubscription, ResourceDownload  # noqa: E402
from boo_cli.models.strategies import GrowthStrategy, StrategyMilestone  # noqa: E402

metadata = SQLModel.metadata

__all__ = [
    "AuditTrailEntry",
    "AutomationTask",
    "BusinessAudit",
    "BusinessProfile",
    "Consultation",
    "ConsultationNote",
    "GrowthStrategy",
    "NewsletterSubscription",
    "ResourceDownload",
    "StrategyMilestone",
    "TaskExecution",
    "User",
    "metadata",
]
