"""Account-level queries run in a caller's session: members, export, deletion, counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import User
from storage.mapping import CompanyRows, user_state
from storage.models import AppUser, CertificateRecord, CompanyRecord, Membership, utcnow
from storage.reminder_models import Reminder, ReminderStatus

EXPORT_FORMAT = "ipms-bot-export/1"


async def load_members(session: AsyncSession, company_id: int) -> list[User]:
    rows = await session.exec(
        select(AppUser)
        .join(Membership, col(Membership.user_id) == col(AppUser.id))
        .where(Membership.company_id == company_id)
        .order_by(col(Membership.id))
    )
    return [user_state(row) for row in rows]


async def counts(session: AsyncSession) -> dict[str, int]:
    """Counts for the admin command: nothing that identifies anyone."""

    async def count(stmt: Any) -> int:
        return int((await session.exec(stmt)).one())

    planned = col(Reminder.status) == ReminderStatus.PLANNED.value
    return {
        "users": await count(select(func.count()).select_from(AppUser)),
        "companies": await count(select(func.count()).select_from(CompanyRecord)),
        "certified": await count(select(func.count()).select_from(CertificateRecord)),
        "reminders": await count(select(func.count()).select_from(Reminder).where(planned)),
    }


async def export_user(session: AsyncSession, channel: str, external_id: str) -> dict[str, Any]:
    """Everything stored about the user and their companies, JSON-ready ({} if unknown).

    Other members of a shared company are not included, only the company's own data.
    """
    stmt = select(AppUser).where(AppUser.channel == channel, AppUser.external_id == external_id)
    user = (await session.exec(stmt)).first()
    if user is None:
        return {}
    memberships = await session.exec(
        select(Membership).where(Membership.user_id == user.id).order_by(col(Membership.id))
    )
    companies = [await _export_company(session, m) for m in memberships.all()]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "user": user.model_dump(mode="json"),
        "companies": companies,
    }


async def _export_company(session: AsyncSession, membership: Membership) -> dict[str, Any]:
    company = await session.get(CompanyRecord, membership.company_id)
    assert company is not None
    rows = await CompanyRows.load(session, membership.company_id)

    def dump(items: Any) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in items]

    return {
        "role": membership.role,
        "company": company.model_dump(mode="json"),
        "answers": dump(rows.answers.values()),
        "step_progress": dump(rows.steps.values()),
        "plan_actions": dump(rows.actions.values()),
        "certificate": rows.certificate.model_dump(mode="json") if rows.certificate else None,
        "nonconformities": dump(rows.ncs.values()),
        "events": dump(rows.events.values()),
    }


async def delete_user(session: AsyncSession, user: AppUser) -> None:
    """Delete the (locked) user; their companies too unless another member remains."""
    memberships = await session.exec(select(Membership).where(Membership.user_id == user.id))
    company_ids = [m.company_id for m in memberships.all()]
    await session.exec(delete(Membership).where(col(Membership.user_id) == user.id))
    for company_id in company_ids:
        await _delete_company_if_orphan(session, company_id)
    await session.exec(delete(AppUser).where(col(AppUser.id) == user.id))


async def _delete_company_if_orphan(session: AsyncSession, company_id: int) -> None:
    # Lock the company first so two members leaving at once can't both see the other.
    await session.exec(
        select(CompanyRecord.id).where(CompanyRecord.id == company_id).with_for_update()
    )
    remaining = await session.exec(
        select(func.count()).select_from(Membership).where(Membership.company_id == company_id)
    )
    if remaining.one() == 0:
        # Child rows (and reminders) go with it: ON DELETE CASCADE.
        await session.exec(delete(CompanyRecord).where(col(CompanyRecord.id) == company_id))
