"""business_audits (spec §5), plus what an audit in the making needs (revision 0005).

The spec's columns hold the result (scores, recommendations); boo adds the raw answers, the question
bank version they were given against, which sections the audit covers, and whether it is finished, so
an interrupted audit can be resumed and an old one keeps its meaning when the bank changes.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.profiles  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import created_at_field, id_field, instant_field, json_field, owner_field
from boo_cli.models.types import Score

SCORE_COLUMNS = ("overall_score", "operations_score", "marketing_score", "finance_score", "technology_score")


class AuditStatus(enum.StrEnum):
    """Stored as VARCHAR + CHECK on both backends: a native enum type would need its own PostgreSQL
    type for values that only this table uses. incomplete (revision 0010): stored as finished by an
    older boo while required questions had no answer, and not the business's one audit in progress."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"


STATUS_VALUES = ", ".join(f"'{s.value}'" for s in AuditStatus)
UNFINISHED = f"status = '{AuditStatus.IN_PROGRESS.value}'"


def _score_checks() -> tuple[sa.CheckConstraint, ...]:
    return tuple(
        sa.CheckConstraint(f"{name} >= 0 AND {name} <= 10", name=f"{name}_range") for name in SCORE_COLUMNS
    )


class BusinessAudit(SQLModel, table=True):
    __tablename__ = "business_audits"
    __table_args__ = (
        sa.Index("idx_business_audits_profile", "business_profile_id", "audit_date"),
        # `audit list` newest first, read backwards (0015).
        sa.Index(
            "ix_business_audits_profile_newest",
            "business_profile_id",
            "audit_date",
            "completed_at",
            "created_at",
            "id",
        ),
        # At most one unfinished audit per business, even when two `boo audit start` race.
        sa.Index(
            "ux_business_audits_one_unfinished",
            "business_profile_id",
            unique=True,
            sqlite_where=sa.text(UNFINISHED),
            # postgresql_where: given by name_for_postgresql() once that dialect is loaded.
        ),
        sa.CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_values"),
        *_score_checks(),
    )

    id: uuid.UUID = id_field()
    business_profile_id: uuid.UUID = owner_field("business_profiles.id")
    audit_date: date = Field(sa_type=sa.Date, nullable=False)
    overall_score: Decimal | None = Field(default=None, sa_type=Score())
    operations_score: Decimal | None = Field(default=None, sa_type=Score())
    marketing_score: Decimal | None = Field(default=None, sa_type=Score())
    finance_score: Decimal | None = Field(default=None, sa_type=Score())
    technology_score: Decimal | None = Field(default=None, sa_type=Score())
    recommendations: list[Any] | None = json_field()
    created_at: datetime | None = created_at_field()
    # question id -> 1..5, "na" (not applicable) or null (seen and skipped); a missing id is unasked.
    answers: dict[str, Any] | None = json_field()
    bank_version: str | None = Field(default=None, sa_type=sa.String(20), nullable=True)
    sections: list[str] | None = json_field()  # the sections this audit covers, in bank order
    status: str = Field(
        default=AuditStatus.COMPLETED.value,
        sa_type=sa.String(20),
        nullable=False,
        sa_column_kwargs={"server_default": AuditStatus.COMPLETED.value},
    )
    completed_at: datetime | None = instant_field()

    def score_of(self, section: str) -> Decimal | None:
        return getattr(self, f"{section}_score")

    @property
    def finished(self) -> bool:
        return self.status == AuditStatus.COMPLETED


def name_for_postgresql() -> None:
    """The unfinished-audit index's predicate in PostgreSQL's terms. Naming `postgresql_where` in
    __table_args__ would make SQLAlchemy import the PostgreSQL dialect to check the argument, on
    SQLite too (about 35 ms of every audit command); db.py calls this when it opens a PostgreSQL
    engine, where that dialect is loaded anyway."""
    for index in BusinessAudit.__table__.indexes:
        if index.name == "ux_business_audits_one_unfinished":
            index.dialect_options["postgresql"]["where"] = sa.text(UNFINISHED)
