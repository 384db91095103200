"""Actions boo provides itself. Each returns the text it produced ('' when there is nothing to say)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from boo_cli.automation.actions import BuiltinAction
from boo_cli.models import BusinessAudit, BusinessProfile, User
from boo_cli.models.audits import AuditStatus


def run(action: BuiltinAction, session: Session, owner: User, profile: BusinessProfile, now: datetime) -> str:
    if action.name == "milestone-digest":
        return milestone_digest(session, owner, profile, now)
    if action.name == "audit-reminder":
        return audit_reminder(session, profile, now, action.days)
    if action.name == "newsletter-digest":
        from boo_cli.services.digest_mail import send_due_digests

        return send_due_digests(session, owner, now=now)
    return ""


def milestone_digest(session: Session, owner: User, profile: BusinessProfile, now: datetime) -> str:
    """Overdue milestones, then those due in the next 14 days, of one business."""
    from zoneinfo import ZoneInfo

    from boo_cli.services.strategies import find_milestones

    today = now.astimezone(ZoneInfo(owner.timezone or "UTC")).date()
    overdue = find_milestones(session, owner, profile=profile, overdue_on=today)
    upcoming = [
        m
        for m in find_milestones(session, owner, profile=profile)
        if m.target_date and today <= m.target_date <= today + timedelta(days=14) and m.status != "completed"
    ]
    if not overdue and not upcoming:
        return f"{profile.business_name}: no overdue or upcoming milestones."
    lines = [f"Milestones of {profile.business_name}, {today.isoformat()}"]
    if overdue:
        lines += ["", "Overdue:"] + [f"- {m.milestone_name} (due {m.target_date})" for m in overdue]
    if upcoming:
        lines += ["", "Next 14 days:"] + [f"- {m.milestone_name} (due {m.target_date})" for m in upcoming]
    return "\n".join(lines)


def audit_reminder(session: Session, profile: BusinessProfile, now: datetime, days: int) -> str:
    """A reminder when the business's last audit is older than `days` (or there is none)."""
    last = session.exec(
        select(BusinessAudit.audit_date)
        .where(BusinessAudit.business_profile_id == profile.id, BusinessAudit.status == AuditStatus.COMPLETED)
        .order_by(BusinessAudit.audit_date.desc())
        .limit(1)
    ).first()
    if last is None:
        return f"{profile.business_name} has never been audited: run 'boo audit start'."
    age = (now.date() - last).days
    if age > days:
        return (
            f"The last audit of {profile.business_name} was {age} days ago ({last}): "
            "time for 'boo audit start'."
        )
    return ""
