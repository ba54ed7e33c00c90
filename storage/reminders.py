"""Reminder rows: the storage side of reminders, imported as ``storage.reminders``.

What to plan is decided in ``flows.reconcile`` (pure); this package stores it:
``reminder_plan`` writes a company's plan, ``reminder_dispatch`` claims due rows and records
delivery outcomes, ``reminder_queries`` snoozes and lists. This module gathers their public
names and runs a re-plan in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from flows.reconcile import FORBIDDEN_PREFIX, recipients_of
from flows.state import Company, User
from knowledge.schema import Rules
from storage import workspace
from storage.accounts import load_members
from storage.reminder_dispatch import (
    CANCELLED,
    FAILED,
    PLANNED,
    SENT,
    ClaimedReminder,
    Outcomes,
    Recipient,
    cancel,
    cancel_superseded,
    claim_due,
    defer,
    mark_failed,
    mark_sent,
    outcomes,
    recipient_by_identity,
    recipients,
    relevance,
    stop_user,
)
from storage.reminder_plan import ReplanStats, insert_rows, replan_in
from storage.reminder_queries import (
    COPIED,
    Listed,
    Snoozed,
    Upcoming,
    company_names,
    count_by_status,
    count_due,
    last_sent_keys,
    list_planned,
    snooze,
    snooze_last,
    told_in_conversation,
    upcoming,
)
from storage.repo import Store


async def replan_company(
    target: Store | AsyncSession,
    company: Company,
    members: Sequence[User],
    rules: Rules,
    now: datetime,
) -> ReplanStats:
    """Sync the company's reminder rows with what is planned now (idempotent).

    New reminders are inserted, changed due times/titles updated, reminders that no longer
    apply (date changed, event done, member opted out or blocked the bot) cancelled, and
    cancelled ones that apply again revived. Sent rows are never touched. Pass a session
    to run inside its transaction (the caller commits), or the store for a transaction of
    its own.
    """
    if isinstance(target, AsyncSession):
        return await replan_in(target, company, members, rules, now)
    async with target.session(write=True) as session:
        stats = await replan_in(session, company, members, rules, now)
        await session.commit()
    return stats


async def replan_for_company(
    store: Store, company: Company, rules: Rules, now: datetime
) -> ReplanStats:
    """``replan_company`` with the members looked up, in one transaction."""
    if company.id is None:
        return ReplanStats()
    async with store.session(write=True) as session:
        members = await load_members(session, company.id)
        team = await workspace.members(session, company.id)  # roles: who gets what
        company = company.model_copy(update={"members": team})
        stats = await replan_in(session, company, members, rules, now)
        await session.commit()
    return stats


__all__ = [
    "CANCELLED",
    "COPIED",
    "FAILED",
    "FORBIDDEN_PREFIX",
    "PLANNED",
    "SENT",
    "ClaimedReminder",
    "Listed",
    "Outcomes",
    "Recipient",
    "ReplanStats",
    "Snoozed",
    "Upcoming",
    "cancel",
    "cancel_superseded",
    "claim_due",
    "company_names",
    "count_by_status",
    "count_due",
    "defer",
    "insert_rows",
    "last_sent_keys",
    "list_planned",
    "mark_failed",
    "mark_sent",
    "outcomes",
    "recipient_by_identity",
    "recipients",
    "recipients_of",
    "relevance",
    "replan_company",
    "replan_for_company",
    "snooze",
    "snooze_last",
    "stop_user",
    "told_in_conversation",
    "upcoming",
]  # fmt: skip
