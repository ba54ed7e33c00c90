"""A company's whole state by id, for work beyond the loaded conversation: re-planning
after its members changed, the views over all of a user's companies, exports."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import Company, CompanyRef
from knowledge.schema import Rules
from storage import workspace
from storage.accounts import load_members
from storage.mapping import CompanyRows, company_state
from storage.models import AppUser, CompanyRecord
from storage.reminder_plan import ReplanStats, replan_in


async def load_company(session: AsyncSession, company_id: int) -> Company | None:
    """The company's state with its members (not checked against any user: callers reach
    a company through the user's memberships, ``storage.workspace``)."""
    record = await session.get(CompanyRecord, company_id)
    if record is None:
        return None
    rows = await CompanyRows.load(session, company_id)
    return company_state(record, rows, await workspace.members(session, company_id))


async def user_timezone(session: AsyncSession, channel: str, external_id: str) -> str | None:
    """The timezone of the company the user is working on, if they have one yet."""
    stmt = (
        select(CompanyRecord.timezone)
        .join(AppUser, AppUser.current_company_id == CompanyRecord.id)  # type: ignore[arg-type]
        .where(AppUser.channel == channel, AppUser.external_id == external_id)
    )
    return (await session.exec(stmt)).first()


async def replan_company_id(
    session: AsyncSession, company_id: int, rules: Rules, now: datetime, told: bool = False
) -> ReplanStats:
    """Re-plan the company's reminders from its stored state, in the caller's transaction
    (``told``: after the user's own update; see ``flows.reconcile.replan``)."""
    company = await load_company(session, company_id)
    if company is None:
        return ReplanStats()
    users = await load_members(session, company_id)
    return await replan_in(session, company, users, rules, now, told)


async def member_companies(session: AsyncSession, user_id: int) -> list[tuple[CompanyRef, Company]]:
    """Every company the user belongs to, reached through their memberships only."""
    out = []
    for ref in await workspace.companies_of(session, user_id):
        company = await load_company(session, ref.id)
        if company is not None:
            out.append((ref, company))
    return out
