"""Writes a company's reminder plan: loads its unsent rows, lets ``flows.reconcile`` decide,
applies the result. Runs in the caller's session (the conversation's transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select as SQLModelSelect

from flows.reconcile import (
    Reconciliation,
    ReminderStatus,
    StoredReminder,
    WantedReminder,
    replan,
)
from flows.state import Company, User
from knowledge.schema import Rules
from storage.mapping import clean_text
from storage.reminder_models import Reminder

TABLE = Reminder.__table__  # type: ignore[attr-defined]
R = TABLE.c
UNIQUE = ["user_id", "company_id", "dedup_key"]
_STORED = tuple(StoredReminder.__dataclass_fields__)
_WANTED = tuple(WantedReminder.__dataclass_fields__)
_TEXT = ("event_key", "dedup_key", "title_zh", "title_en")


@dataclass
class ReplanStats:
    inserted: int = 0
    updated: int = 0
    revived: int = 0
    cancelled: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.revived + self.cancelled


def select_columns(*columns: Any) -> Any:
    """``select(col, col, ...)`` that ``AsyncSession.exec`` accepts (rows of plain values)."""
    return SQLModelSelect(*columns)


def dialect_insert(dialect: str, table: Any) -> Any:
    """``insert(table)`` of a dialect (PostgreSQL's or SQLite's: both have ON CONFLICT).

    The dialect's module is imported here, not with this module: SQLAlchemy's PostgreSQL
    dialect imports the modules of its four drivers (~2 MB resident), which a process on
    SQLite never needs; on PostgreSQL the engine has loaded it before any statement."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


async def insert_dialect(session: AsyncSession) -> Any:
    """``insert(reminder)`` of the session's dialect (both have ON CONFLICT)."""
    return dialect_insert((await session.connection()).dialect.name, TABLE)


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert-ignore rows (an existing (user, company, dedup key) is left alone).

    One executemany: SQLAlchemy batches it into multi-row INSERTs with a cached statement.
    Rows must all have the same keys.
    """
    if not rows:
        return 0
    stmt = (await insert_dialect(session)).on_conflict_do_nothing(index_elements=UNIQUE)
    result = await session.exec(stmt.returning(R.id), params=list(rows))
    return len(result.all())


def _row(w: WantedReminder) -> dict[str, Any]:
    row = {name: getattr(w, name) for name in _WANTED}
    for name in _TEXT:  # titles come from what users typed: no NUL into PostgreSQL
        row[name] = clean_text(row[name])
    return row


async def _stored(session: AsyncSession, company_id: int) -> list[StoredReminder]:
    stmt = select_columns(*[R[name] for name in _STORED]).where(
        R.company_id == company_id, R.status != ReminderStatus.SENT.value
    )
    return [StoredReminder(*row) for row in await session.exec(stmt)]


async def apply(session: AsyncSession, plan: Reconciliation) -> ReplanStats:
    stats = ReplanStats(updated=plan.updated, revived=plan.revived)
    for change in plan.update:
        values = dict(change.changes)
        if change.revive:
            values |= {"status": ReminderStatus.PLANNED.value, "claimed_by": None}
            values["lease_until"] = None
        await session.exec(update(TABLE).where(R.id == change.id).values(**values))
    if plan.cancel:
        await session.exec(
            update(TABLE)
            .where(R.id.in_(plan.cancel), R.status == ReminderStatus.PLANNED.value)
            .values(
                status=ReminderStatus.CANCELLED.value,
                last_error="no longer planned",
                lease_until=None,
            )
        )
        stats.cancelled = len(plan.cancel)
    stats.inserted = await insert_rows(session, [_row(w) for w in plan.insert])
    return stats


async def replan_in(
    session: AsyncSession,
    company: Company,
    members: Sequence[User],
    rules: Rules,
    now: datetime,
    told: bool = False,
) -> ReplanStats:
    """Sync the company's reminder rows with what is planned now (idempotent).

    Sent rows are never touched; the caller commits. ``told``: see ``flows.reconcile.replan``.
    """
    if company.id is None:
        raise ValueError("replan needs a stored company")
    stored = await _stored(session, company.id)
    return await apply(session, replan(company, members, stored, rules, now, told))
