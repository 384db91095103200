"""audits: only audits whose required questions are all answered stay finished

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Until now an audit was stored as completed as soon as every question had been seen, or at once from
an answers file, so three answers out of forty made a "finished" audit that scores, compare and trend
used. The rule is now: finished when every required question of its sections has an answer (1..5, or
"na" where the bank allows it). This revision re-reads the audits stored as completed against the
question bank they were given with (bank 2026.1, every question required; its ids are copied below
so that the revision keeps its meaning when the bank changes):

- per business, the newest such audit becomes in_progress, so `boo audit resume` can finish it,
  unless the business already has an audit in progress (one per business, a unique index says so);
- the others become "incomplete", a third status value: kept to read, never scored against.

completed_at is left as it was, which marks the rows this revision changed: downgrade turns them
(and every incomplete one) back into completed, as they were. Audits without answers (rows from before
revision 0005) hold only scores and are left alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import JSONDocument, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CHECK = "ck_business_audits_status_values"
OLD_VALUES = "status IN ('in_progress', 'completed')"
NEW_VALUES = "status IN ('in_progress', 'completed', 'incomplete')"

REQUIRED = {
    "2026.1": {
        "operations": """written-procedures capacity-planning client-onboarding delivery-quality suppliers
            admin-time holiday-cover workload task-tracking project-wrap-up""",
        "marketing": """ideal-client positioning lead-sources referrals content-consistency website
            lead-follow-up measuring-results pricing-communication marketing-plan""",
        "finance": """separate-accounts bookkeeping-cadence cash-flow-forecast pricing-review
            invoicing-speed late-payments emergency-reserve profit-per-offer paying-yourself tax-set-aside""",
        "technology": """backups passwords-and-2fa device-security subscription-review automation
            file-organisation website-uptime email-deliverability disaster-recovery tool-sprawl""",
    }
}

audits = sa.table(
    "business_audits",
    sa.column("id", sa.Uuid()),
    sa.column("business_profile_id", sa.Uuid()),
    sa.column("audit_date", sa.Date()),
    sa.column("created_at", UTCDateTime()),
    sa.column("completed_at", UTCDateTime()),
    sa.column("answers", JSONDocument()),
    sa.column("bank_version", sa.String(20)),
    sa.column("sections", JSONDocument()),
    sa.column("status", sa.String(20)),
)


def _unfinished(bank_version: str | None, sections: list[str] | None, answers: dict) -> bool:
    bank = REQUIRED.get(bank_version or "")
    if bank is None:  # a bank this revision does not know: nothing to judge by
        return False
    for section in sections or list(bank):
        for name in bank.get(section, "").split():
            if answers.get(f"{section}.{name}") is None:
                return True
    return False


def _set_status(conn: sa.Connection, ids: list, status: str) -> None:
    for start in range(0, len(ids), 500):  # chunked: one bind parameter per row stays far below limits
        conn.execute(audits.update().where(audits.c.id.in_(ids[start : start + 500])).values(status=status))


def upgrade() -> None:
    with op.batch_alter_table("business_audits") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), NEW_VALUES)
    conn = op.get_bind()
    busy = set(
        conn.execute(
            sa.select(audits.c.business_profile_id).where(audits.c.status == "in_progress")
        ).scalars()
    )
    rows = conn.execute(
        sa.select(
            audits.c.id,
            audits.c.business_profile_id,
            audits.c.answers,
            audits.c.bank_version,
            audits.c.sections,
        )
        .where(audits.c.status == "completed", audits.c.answers.is_not(None))
        .order_by(
            audits.c.business_profile_id,
            audits.c.audit_date.desc(),
            audits.c.completed_at.desc(),
            audits.c.created_at.desc(),
            audits.c.id,
        )
    )
    resumable, incomplete = [], []
    for row in rows:
        if not _unfinished(row.bank_version, row.sections, row.answers or {}):
            continue
        if row.business_profile_id in busy:
            incomplete.append(row.id)
        else:
            busy.add(row.business_profile_id)  # newest first: the first one found is the newest
            resumable.append(row.id)
    _set_status(conn, resumable, "in_progress")
    _set_status(conn, incomplete, "incomplete")


def downgrade() -> None:
    op.execute(
        audits.update()
        .where(
            sa.or_(
                audits.c.status == "incomplete",
                sa.and_(audits.c.status == "in_progress", audits.c.completed_at.is_not(None)),
            )
        )
        .values(status="completed")
    )
    with op.batch_alter_table("business_audits") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), OLD_VALUES)
