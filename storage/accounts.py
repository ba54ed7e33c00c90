"""Account-level queries run in a caller's session: members, export, deletion, counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import User
from flows.team import Fate, fates
from flows.types import Lang
from storage import workspace
from storage.mapping import CompanyRows, user_state
from storage.models import (
    AppUser,
    CertificateRecord,
    CompanyRecord,
    Invitation,
    Membership,
    utcnow,
)
from storage.reminder_models import Reminder, ReminderStatus

EXPORT_FORMAT = "ipms-bot-export/2"
ACTIVE_DAYS = (7, 30)  # "active" users in the admin counts: seen within these many days


async def load_members(session: AsyncSession, company_id: int) -> list[User]:
    rows = await session.exec(
        select(AppUser)
        .join(Membership, col(Membership.user_id) == col(AppUser.id))
        .where(Membership.company_id == company_id)
        .order_by(col(Membership.id))
    )
    return [user_state(row) for row in rows]


async def counts(session: AsyncSession, now: datetime | None = None) -> dict[str, int]:
    """Counts for the admin command: nothing that identifies anyone."""
    now = now or utcnow()

    async def count(stmt: Any) -> int:
        return int((await session.exec(stmt)).one())

    def users(*where: Any) -> Any:
        return select(func.count()).select_from(AppUser).where(*where)

    planned = col(Reminder.status) == ReminderStatus.PLANNED.value
    sent_week = col(Reminder.sent_at) >= now - timedelta(days=7)
    shared = (
        select(Membership.company_id)
        .group_by(col(Membership.company_id))
        .having(func.count() > 1)
        .subquery()
    )
    consultants = select(func.count(func.distinct(Membership.user_id))).where(
        Membership.role == "consultant"
    )
    seen = {
        f"active_{d}d": await count(users(col(AppUser.updated_at) >= now - timedelta(days=d)))
        for d in ACTIVE_DAYS
    }
    return {
        "users": await count(users()),
        **seen,
        "companies": await count(select(func.count()).select_from(CompanyRecord)),
        "onboarded": await count(
            select(func.count()).select_from(CompanyRecord).where(col(CompanyRecord.onboarded))
        ),
        "shared": await count(select(func.count()).select_from(shared)),
        "consultants": await count(consultants),
        "certified": await count(select(func.count()).select_from(CertificateRecord)),
        "reminders": await count(select(func.count()).select_from(Reminder).where(planned)),
        "sent_7d": await count(select(func.count()).select_from(Reminder).where(sent_week)),
        "news": await count(users(col(AppUser.news_opt_in), col(AppUser.active))),
    }


async def export_user(session: AsyncSession, channel: str, external_id: str) -> dict[str, Any]:
    """Everything stored about the user and their companies, JSON-ready ({} if unknown).

    Per company what the user's role lets them see in the chat: the company's data and
    its members' names and roles; invitations only for its owner (never their codes).
    Other members' own data (ids, settings, reminders) is theirs, not exported here.
    """
    stmt = select(AppUser).where(AppUser.channel == channel, AppUser.external_id == external_id)
    user = (await session.exec(stmt)).first()
    if user is None:
        return {}
    memberships = await session.exec(
        select(Membership).where(Membership.user_id == user.id).order_by(col(Membership.id))
    )
    companies = [await _export_company(session, m) for m in memberships.all()]
    reminders = await session.exec(
        select(Reminder).where(Reminder.user_id == user.id).order_by(col(Reminder.id))
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "user": user.model_dump(mode="json"),
        "reminders": [r.model_dump(mode="json") for r in reminders],
        "companies": companies,
    }


async def _export_company(session: AsyncSession, membership: Membership) -> dict[str, Any]:
    company = await session.get(CompanyRecord, membership.company_id)
    assert company is not None
    rows = await CompanyRows.load(session, membership.company_id)
    team = await workspace.members(session, membership.company_id)

    def dump(items: Any) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in items]

    data: dict[str, Any] = {
        "role": membership.role,
        "joined": membership.created_at.isoformat(),
        "company": company.model_dump(mode="json", exclude={"children"}),  # a copy of the rows
        "members": [m.model_dump(mode="json") for m in team],
        "answers": dump(rows.answers.values()),
        "step_progress": dump(rows.steps.values()),
        "plan_actions": dump(rows.actions.values()),
        "certificate": rows.certificate.model_dump(mode="json") if rows.certificate else None,
        "nonconformities": dump(rows.ncs.values()),
        "events": dump(rows.events.values()),
    }
    if membership.role == "owner":
        invitations = await session.exec(
            select(Invitation)
            .where(Invitation.company_id == membership.company_id)
            .order_by(col(Invitation.id))
        )
        data["invitations"] = [workspace.invitation_row(i) for i in invitations]
    return data


async def deletion_plan(session: AsyncSession, user_id: int) -> list[Fate]:
    """What deleting the user would do to each of their companies (``flows.team.fates``)."""
    refs = await workspace.companies_of(session, user_id)
    return fates(user_id, [(ref, await workspace.members(session, ref.id)) for ref in refs])


async def delete_user(session: AsyncSession, user: AppUser) -> list[Fate]:
    """Delete the (locked) user and every row about them; per company, what ``fates`` says.

    Companies nobody else belongs to go with all their rows (ON DELETE CASCADE, reminders
    included); elsewhere the user's assignments are cleared and an owner hands over first.
    The caller re-plans the companies that remain.
    """
    assert user.id is not None
    done: list[Fate] = []
    for ref in await workspace.companies_of(session, user.id):
        await workspace.lock_company(session, ref.id)  # one leaver at a time per company
        [fate] = fates(user.id, [(ref, await workspace.members(session, ref.id))])
        if fate.action == "delete":
            await session.exec(delete(CompanyRecord).where(col(CompanyRecord.id) == ref.id))
        else:
            await workspace.release(session, ref.id, user.id, fate.successor_id)
        done.append(fate)
    await session.exec(delete(Reminder).where(col(Reminder.user_id) == user.id))
    await session.exec(delete(AppUser).where(col(AppUser.id) == user.id))
    return done


@dataclass(frozen=True)
class NewsRecipient:
    id: int
    channel: str
    external_id: str
    lang: Lang


async def news_recipients(session: AsyncSession, channel: str = "telegram") -> list[NewsRecipient]:
    """Users who opted in to announcements and have not blocked the bot."""
    rows = await session.exec(
        select(AppUser)
        .where(col(AppUser.news_opt_in), col(AppUser.active), AppUser.channel == channel)
        .order_by(col(AppUser.id))
    )
    return [
        NewsRecipient(u.id or 0, u.channel, u.external_id, "zh" if u.lang == "zh" else "en")
        for u in rows
    ]
