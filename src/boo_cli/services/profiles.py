"""Business profiles: a user's businesses, each owning its audits, strategies and automation tasks."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.errors import Invalid, NotFound
from boo_cli.models import BusinessProfile, User
from boo_cli.models.enums import BusinessStage
from boo_cli.services import validation
from boo_cli.services.lookup import resolve
from boo_cli.services.paging import Page, Paged, fetch

MAX_MONEY = Decimal("9999999999.99")  # DECIMAL(12,2)
_MONEY = re.compile(
    r"^(?P<sign>[-+])?\s*[$€£]?\s*(?P<sign2>[-+])?(?P<number>\d{1,3}(?:,\d{3})+|\d+)?(?P<fraction>\.\d+)?"
    r"\s*(?P<suffix>[kmb])?$",
    re.IGNORECASE,
)
_SCALE = {None: 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_money(text: str | Decimal | int | None, *, field: str) -> Decimal | None:
    """An amount from what people type: 120000, 120k, 1.2m, $1,200.50. Never negative, never more
    than two decimals (a cent is the smallest amount stored: 0.001 is refused, not rounded to 0)."""
    if text is None:
        return None
    if isinstance(text, Decimal | int):
        raw = str(text)
    else:
        raw = text.strip()
        if not raw:
            return None
    compact = raw.replace(" ", "")
    match = _MONEY.match(compact)
    if not match or not (match["number"] or match["fraction"]):
        raise Invalid(f"{raw!r} is not an amount", field=field, hint=_money_hint(compact))
    if "-" in (match["sign"] or "") + (match["sign2"] or ""):
        raise Invalid(f"{raw!r} is negative; amounts start at 0", field=field)
    try:
        number = Decimal((match["number"] or "0").replace(",", "") + (match["fraction"] or ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise Invalid(f"{raw!r} is not an amount", field=field) from exc
    scale = _SCALE[(match["suffix"] or "").lower() or None]
    if number > MAX_MONEY / scale:  # checked before any rounding: 40 digits must not wrap or round
        raise Invalid(f"{raw!r} is too large; the most is {MAX_MONEY:,}", field=field)
    with localcontext() as exact_arithmetic:
        exact_arithmetic.prec = len(compact) + 12  # every digit typed counts: none is rounded away
        exact = number * scale
        amount = exact.quantize(CENT)
    if amount != exact:
        hint = "If the dot separates thousands, leave it out." if _thousands_dot(compact) else None
        raise Invalid(f"{raw!r} has more than two decimals; give it to the cent", field=field, hint=hint)
    return amount


CENT = Decimal("0.01")
_LOCALE_FORM = re.compile(r"\d,\d{1,2}$|\d\.\d{3}(?:\.\d{3})*,")


def _money_hint(compact: str) -> str:
    if _LOCALE_FORM.search(compact):
        return "Write the decimals after a dot and no dot between thousands: 1234.56 (or 1,234.56)."
    return "Try 120000, 120k, 1.2m or $1,200.50."


def _thousands_dot(compact: str) -> bool:
    return bool(re.search(r"^\D*\d{1,3}\.\d{3}$", compact))


def owned_by(user: User) -> list:
    return [BusinessProfile.user_id == user.id]


def add_profile(
    session: Session,
    user: User,
    *,
    name: str,
    industry: str | None = None,
    stage: str | BusinessStage | None = None,
    annual_revenue: str | Decimal | None = None,
    target_revenue: str | Decimal | None = None,
    business_model: str | None = None,
    challenges: list[str] | None = None,
) -> BusinessProfile:
    """A new business for user. Names need not be unique, but a duplicate is easier to name by id."""
    profile = BusinessProfile(
        user_id=user.id,
        business_name=validation.text(name, BusinessProfile, "business_name", field="NAME", required=True),
        industry=validation.text(industry, BusinessProfile, "industry", field="--industry"),
        business_stage=validation.choice(stage, BusinessStage, field="--stage"),
        annual_revenue=parse_money(annual_revenue, field="--annual-revenue"),
        target_revenue=parse_money(target_revenue, field="--target-revenue"),
        business_model=validation.text(business_model, BusinessProfile, "business_model", field="--model"),
        main_challenges=validation.items(challenges, field="--challenge") or [],
    )
    session.add(profile)
    session.flush()
    return profile


def _profiles_query(user: User):
    return (
        select(BusinessProfile)
        .where(*owned_by(user))
        .order_by(BusinessProfile.business_name, BusinessProfile.id)
    )


def list_profiles(session: Session, user: User) -> list[BusinessProfile]:
    """Every business of the user, by name (a person has a few)."""
    return list(session.exec(_profiles_query(user)))


def profiles_page(session: Session, user: User, page: Page) -> Paged[BusinessProfile]:
    """A page of the user's businesses, by name (what `profile list` shows)."""
    return fetch(session, _profiles_query(user), page)


def get_profile(session: Session, user: User, ref: str) -> BusinessProfile:
    """The user's profile named by id, id prefix or exact name."""
    return resolve(
        session,
        BusinessProfile,
        ref,
        name_column=BusinessProfile.business_name,
        scope=owned_by(user),
        name_scope=[],  # a business is named among all of the user's businesses
        noun="profile",
        plural="profiles",
    )


def get_profile_by_id(session: Session, user: User, profile_id: uuid.UUID) -> BusinessProfile | None:
    return session.exec(
        select(BusinessProfile).where(BusinessProfile.id == profile_id, *owned_by(user))
    ).first()


def edit_profile(
    session: Session,
    user: User,
    profile: BusinessProfile,
    *,
    name: str | None = None,
    industry: str | None = None,
    stage: str | None = None,
    annual_revenue: str | None = None,
    target_revenue: str | None = None,
    business_model: str | None = None,
    challenges: list[str] | None = None,
) -> BusinessProfile:
    """Change the given fields; '' clears an optional one. Only the owner's profiles can change."""
    if profile.user_id != user.id:
        raise NotFound("no such profile")
    if name is not None:
        profile.business_name = validation.text(
            name, BusinessProfile, "business_name", field="--name", required=True
        )
    if industry is not None:
        profile.industry = validation.text(industry, BusinessProfile, "industry", field="--industry")
    if stage is not None:
        profile.business_stage = (
            validation.choice(stage, BusinessStage, field="--stage") if stage.strip() else None
        )
    if annual_revenue is not None:
        profile.annual_revenue = parse_money(annual_revenue, field="--annual-revenue")
    if target_revenue is not None:
        profile.target_revenue = parse_money(target_revenue, field="--target-revenue")
    if business_model is not None:
        profile.business_model = validation.text(
            business_model, BusinessProfile, "business_model", field="--model"
        )
    if challenges is not None:
        profile.main_challenges = validation.items(challenges, field="--challenge")
    session.add(profile)
    session.flush()
    return profile


@dataclass(frozen=True)
class ProfileCounts:
    audits: int
    strategies: int
    milestones: int
    tasks: int
    executions: int


def counts(session: Session, profile: BusinessProfile) -> ProfileCounts:
    """How many records belong to a profile (what a delete would take with it)."""
    from boo_cli.models import AutomationTask, BusinessAudit, GrowthStrategy, StrategyMilestone, TaskExecution

    def count(query) -> int:
        return session.exec(select(sa.func.count()).select_from(query.subquery())).one()

    strategies = select(GrowthStrategy.id).where(GrowthStrategy.business_profile_id == profile.id)
    tasks = select(AutomationTask.id).where(AutomationTask.business_profile_id == profile.id)
    return ProfileCounts(
        audits=count(select(BusinessAudit.id).where(BusinessAudit.business_profile_id == profile.id)),
        strategies=count(strategies),
        milestones=count(
            select(StrategyMilestone.id).where(StrategyMilestone.growth_strategy_id.in_(strategies))
        ),
        tasks=count(tasks),
        executions=count(select(TaskExecution.id).where(TaskExecution.automation_task_id.in_(tasks))),
    )


def revenue_gap(profile: BusinessProfile) -> Decimal | None:
    """Target minus annual revenue, when both are known."""
    if profile.annual_revenue is None or profile.target_revenue is None:
        return None
    return profile.target_revenue - profile.annual_revenue


def delete_profile(session: Session, user: User, profile: BusinessProfile) -> None:
    """Delete a profile and everything it owns (the database cascades to its children)."""
    if profile.user_id != user.id:
        raise NotFound("no such profile")
    session.delete(profile)
    session.flush()


def current_profile(
    session: Session, user: User, ref: str | None, chosen_id: uuid.UUID | None
) -> BusinessProfile:
    """The profile a command works on: the one named, else the one chosen, else the only one."""
    from boo_cli.errors import NotAllowed

    if ref:
        return get_profile(session, user, ref)
    if chosen_id is not None:
        chosen = get_profile_by_id(session, user, chosen_id)
        if chosen is not None:
            return chosen
    first_two = session.exec(select(BusinessProfile).where(*owned_by(user)).limit(2)).all()
    if not first_two:
        raise NotFound("you have no business profile yet", hint="Add one: boo profile add NAME")
    if len(first_two) == 1:
        return first_two[0]
    raise NotAllowed(
        "you have several business profiles and none is current",
        hint="Pick one with 'boo profile use NAME' or pass --profile NAME.",
    )
