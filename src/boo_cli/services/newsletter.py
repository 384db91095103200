"""Resource downloads, newsletter subscriptions, and the digest: new material plus the user's own work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from boo_cli.errors import Conflict, Invalid, NotFound
from boo_cli.models import NewsletterSubscription, ResourceDownload, User
from boo_cli.models.enums import NewsletterFrequency
from boo_cli.services import validation
from boo_cli.services.paging import Page, Paged, fetch
from boo_cli.services.resources import TOPICS, Library, Resource

PERIOD_DAYS = {NewsletterFrequency.DAILY: 1, NewsletterFrequency.WEEKLY: 7, NewsletterFrequency.MONTHLY: 31}


# --- downloads --------------------------------------------------------------------------------


def record_download(session: Session, user: User, resource: Resource, path: Path) -> ResourceDownload:
    """The row that says user took a copy of resource to path (call it once the file is written)."""
    row = ResourceDownload(
        user_id=user.id,
        resource_name=validation.text(
            resource.title, ResourceDownload, "resource_name", field="SLUG", required=True
        ),
        resource_type=resource.type,
        file_path=validation.text(str(path.resolve()), ResourceDownload, "file_path", field="--to"),
    )
    session.add(row)
    session.flush()
    return row


def downloads(session: Session, user: User, page: Page) -> Paged[ResourceDownload]:
    """The user's downloads, newest first, one page (an index on user and time serves it)."""
    query = (
        select(ResourceDownload)
        .where(ResourceDownload.user_id == user.id)
        .order_by(ResourceDownload.downloaded_at.desc(), ResourceDownload.id.desc())
    )
    return fetch(session, query, page)


# --- subscriptions ----------------------------------------------------------------------------


def _topics(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    chosen = []
    for value in values:
        for topic in (v.strip().lower() for v in value.split(",") if v.strip()):
            if topic not in TOPICS:
                raise Invalid(f"{topic!r} is not one of: {', '.join(TOPICS)}", field="--topic")
            if topic not in chosen:
                chosen.append(topic)
    return chosen


def subscriptions(session: Session, user: User) -> list[NewsletterSubscription]:
    query = select(NewsletterSubscription).where(NewsletterSubscription.user_id == user.id)
    return list(session.exec(query.order_by(NewsletterSubscription.created_at)))


def active_subscription(session: Session, user: User, email: str | None = None) -> NewsletterSubscription:
    rows = [s for s in subscriptions(session, user) if s.is_active and (email is None or s.email == email)]
    if not rows:
        raise NotFound(
            "you have no active newsletter subscription", hint="boo resources newsletter subscribe"
        )
    return rows[0]


def subscribe(
    session: Session,
    user: User,
    *,
    email: str | None = None,
    frequency: str | None = None,
    topics: list[str] | None = None,
    now: datetime,
) -> NewsletterSubscription:
    """Subscribe an address (default: the user's own); subscribing again reactivates the same row."""
    from boo_cli.services.accounts import normalize_email

    address = normalize_email(email or user.email)
    chosen = (
        validation.choice(frequency, NewsletterFrequency, field="--frequency") or NewsletterFrequency.WEEKLY
    )
    existing = session.exec(
        select(NewsletterSubscription).where(
            NewsletterSubscription.user_id == user.id, NewsletterSubscription.email == address
        )
    ).first()
    if existing is not None and existing.is_active:
        raise Conflict(
            f"{address} is already subscribed", hint="Change it with 'boo resources newsletter edit'."
        )
    row = existing or NewsletterSubscription(user_id=user.id, email=address, created_at=now)
    row.is_active, row.unsubscribed_at, row.frequency = True, None, chosen
    row.topics = _topics(topics) if topics is not None else (row.topics or [])
    session.add(row)
    session.flush()
    return row


def edit_subscription(
    session: Session, row: NewsletterSubscription, *, frequency: str | None, topics: list[str] | None
) -> NewsletterSubscription:
    if frequency is not None:
        row.frequency = validation.choice(frequency, NewsletterFrequency, field="--frequency")
    if topics is not None:
        row.topics = _topics(topics)
    session.add(row)
    session.flush()
    return row


def unsubscribe(session: Session, row: NewsletterSubscription, *, now: datetime) -> NewsletterSubscription:
    """Stop the digest; the row stays (inactive, with the time) so a new subscribe reactivates it."""
    row.is_active, row.unsubscribed_at = False, now
    session.add(row)
    session.flush()
    return row


# --- the digest -------------------------------------------------------------------------------


@dataclass
class Digest:
    user: User
    subscription: NewsletterSubscription
    today: date
    since: date
    until: date
    resources: list[Resource] = field(default_factory=list)
    overdue: list[tuple[str, str, date]] = field(default_factory=list)  # milestone, strategy, target
    upcoming: list[tuple[str, str, date]] = field(default_factory=list)
    consultations: list[tuple[datetime, str]] = field(default_factory=list)  # (start, event title)
    audit: dict | None = None

    @property
    def frequency(self) -> str:
        return (self.subscription.frequency or NewsletterFrequency.WEEKLY).value


def period_start(frequency: NewsletterFrequency, today: date) -> date:
    """The first day of the current period: today, this week's Monday, or the 1st of the month."""
    if frequency is NewsletterFrequency.DAILY:
        return today
    if frequency is NewsletterFrequency.WEEKLY:
        return today - timedelta(days=today.weekday())
    return today.replace(day=1)


def build_digest(
    session: Session, user: User, row: NewsletterSubscription, library: Library, *, now: datetime
) -> Digest:
    """The digest for one subscription: resources new or updated since the last one, then the user's
    overdue and upcoming milestones, consultations of the coming period, and the latest audit."""
    from boo_cli.models import BusinessAudit, BusinessProfile, Consultation, GrowthStrategy, StrategyMilestone
    from boo_cli.models.audits import AuditStatus
    from boo_cli.models.enums import ConsultationStatus, MilestoneStatus
    from boo_cli.services.consultations import event_title

    zone = ZoneInfo(user.timezone or "UTC")
    today = now.astimezone(zone).date()
    frequency = row.frequency or NewsletterFrequency.WEEKLY
    since = (
        row.last_sent_at.astimezone(zone).date()
        if row.last_sent_at
        else today - timedelta(PERIOD_DAYS[frequency])
    )
    until = today + timedelta(days=PERIOD_DAYS[frequency])
    wanted = set(row.topics or [])
    digest = Digest(user, row, today, since, until)
    digest.resources = [
        r for r in library.resources if r.updated > since and (not wanted or wanted & set(r.topics))
    ]
    owned = select(BusinessProfile.id).where(BusinessProfile.user_id == user.id)
    milestones = session.exec(
        select(StrategyMilestone, GrowthStrategy)
        .join(GrowthStrategy, GrowthStrategy.id == StrategyMilestone.growth_strategy_id)
        .where(
            GrowthStrategy.business_profile_id.in_(owned),
            StrategyMilestone.target_date <= until,
            StrategyMilestone.status != MilestoneStatus.COMPLETED,
        )
        .order_by(StrategyMilestone.target_date)
    ).all()
    for milestone, strategy in milestones:
        entry = (milestone.milestone_name, strategy.strategy_name, milestone.target_date)
        (digest.overdue if milestone.target_date < today else digest.upcoming).append(entry)
    start = now.astimezone(UTC)
    meetings = session.exec(
        select(Consultation)
        .where(
            Consultation.user_id == user.id,
            Consultation.status == ConsultationStatus.SCHEDULED,
            Consultation.scheduled_at >= start,
            Consultation.scheduled_at < start + timedelta(PERIOD_DAYS[frequency]),
        )
        .order_by(Consultation.scheduled_at)
    ).all()
    digest.consultations = [(c.scheduled_at.astimezone(zone), event_title(c)) for c in meetings]
    audit = session.exec(
        select(BusinessAudit, BusinessProfile.business_name)
        .join(BusinessProfile, BusinessProfile.id == BusinessAudit.business_profile_id)
        .where(
            BusinessAudit.business_profile_id.in_(owned),
            BusinessAudit.overall_score.is_not(None),
            BusinessAudit.status == AuditStatus.COMPLETED,  # an audit in progress is no result yet
        )
        .order_by(BusinessAudit.audit_date.desc(), BusinessAudit.created_at.desc())
        .limit(1)
    ).first()
    if audit is not None:
        record, business = audit
        sections = {
            name: getattr(record, f"{name}_score")
            for name in ("operations", "marketing", "finance", "technology")
        }
        scored = {k: v for k, v in sections.items() if v is not None}
        weakest = min(scored, key=scored.get) if scored else None
        digest.audit = {
            "business": business,
            "date": record.audit_date,
            "overall": record.overall_score,
            "weakest": weakest,
            "weakest_score": scored.get(weakest),
        }
    return digest


def due_for_digest(row: NewsletterSubscription, user: User, now: datetime) -> bool:
    """At most one digest per period: none has gone out since the period began."""
    if not row.is_active:
        return False
    zone = ZoneInfo(user.timezone or "UTC")
    start = period_start(row.frequency or NewsletterFrequency.WEEKLY, now.astimezone(zone).date())
    return row.last_sent_at is None or row.last_sent_at.astimezone(zone).date() < start


def mark_sent(session: Session, row: NewsletterSubscription, now: datetime) -> None:
    row.last_sent_at = now
    session.add(row)
    session.flush()
