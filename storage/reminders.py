"""Reminder rows: idempotent planning, claiming with a lease, and the delivery outcome.

Delivery is at-least-once: a dispatcher claims due rows (``claimed_by`` + ``lease_until``;
``FOR UPDATE SKIP LOCKED`` on PostgreSQL so concurrent dispatchers never claim the same row;
SQLite is single-instance and serialises writers), sends each one and marks it sent. A crash
between a send and its mark re-sends that one reminder after the lease ends; nothing is lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.schedule import (
    OVERDUE_LEAD,
    SNOOZE_LEAD,
    PlannedReminder,
    all_events,
    clamp_hour,
    local_instant,
    local_today,
    plan_reminders,
    zone,
)
from flows.state import Company, User
from knowledge.schema import Rules
from storage.db import IMMEDIATE
from storage.models import AppUser, CompanyRecord, UTCDateTime
from storage.reminder_models import Reminder, ReminderStatus
from storage.repo import Store

PLANNED = ReminderStatus.PLANNED.value
SENT = ReminderStatus.SENT.value
FAILED = ReminderStatus.FAILED.value
CANCELLED = ReminderStatus.CANCELLED.value
# ``last_error`` prefix of a row that failed because the user blocked the bot: such rows
# come back to life when the user returns and the company is re-planned.
FORBIDDEN_PREFIX = "forbidden: "
_UNIQUE = ["user_id", "company_id", "dedup_key"]

R = Reminder.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ClaimedReminder:
    """A claimed row: everything the dispatcher needs to render and send it."""

    id: int
    company_id: int
    user_id: int
    channel: str
    event_key: str
    kind: str
    lead_days: int
    event_date: date
    due_at: datetime
    title_zh: str
    title_en: str
    step_id: str | None
    timezone: str
    attempts: int

    @classmethod
    def from_row(cls, row: Row[Any]) -> ClaimedReminder:
        return cls(**{name: getattr(row, name) for name in _CLAIM_FIELDS})


_CLAIM_FIELDS = tuple(ClaimedReminder.__dataclass_fields__)


def relevance(r: ClaimedReminder) -> tuple[int, date, datetime, int]:
    """Most relevant first: overdue alerts, then the nearest event."""
    return (0 if r.lead_days == OVERDUE_LEAD else 1, r.event_date, r.due_at, r.id)


@dataclass
class ReplanStats:
    inserted: int = 0
    updated: int = 0
    revived: int = 0
    cancelled: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.revived + self.cancelled


# --- connections --------------------------------------------------------------------------


@asynccontextmanager
async def _write(store: Store) -> AsyncIterator[AsyncConnection]:
    """One transaction that takes SQLite's write lock up front (reads then writes)."""
    async with store.engine.connect() as conn:
        await conn.execution_options(**{IMMEDIATE: True})
        async with conn.begin():
            yield conn


async def _execute(store: Store, stmt: Any) -> Any:
    async with store.engine.begin() as conn:
        return await conn.execute(stmt)


def _insert(conn: AsyncConnection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(Reminder)


# --- planning -----------------------------------------------------------------------------


def recipients_of(members: Sequence[User]) -> list[User]:
    """Company members who get reminders: opted in and still reachable."""
    return [m for m in members if m.id is not None and m.reminders_opt_in and m.active]


def _row_values(p: PlannedReminder, company_id: int, channel: str, tz: str) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "user_id": p.user_id,
        "channel": channel,
        "event_key": p.event_key,
        "kind": p.kind,
        "lead_days": p.lead_days,
        "event_date": p.event_date,
        "due_at": p.due_at,
        "dedup_key": p.dedup_key,
        "title_zh": p.title_zh,
        "title_en": p.title_en,
        "step_id": p.step_id,
        "timezone": tz,
    }


_MUTABLE = ("due_at", "title_zh", "title_en", "step_id", "timezone", "channel", "kind")


async def insert_rows(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert-ignore rows (an existing (user, company, dedup key) is left alone).

    One executemany: SQLAlchemy batches it into multi-row INSERTs with a cached statement.
    Rows must all have the same keys.
    """
    if not rows:
        return 0
    stmt = _insert(conn).on_conflict_do_nothing(index_elements=_UNIQUE).returning(R.id)
    result = await conn.execute(stmt, list(rows))
    return len(result.all())


async def _sync_company(
    conn: AsyncConnection, company: Company, members: Sequence[User], rules: Rules, now: datetime
) -> ReplanStats:
    assert company.id is not None, "replan needs a stored company"
    recipients = recipients_of(members)
    channels = {m.id: m.channel for m in recipients if m.id is not None}
    events = all_events(company, rules)
    planned = plan_reminders(company, events, rules, now, list(channels))
    wanted = {
        (p.user_id, p.dedup_key): _row_values(p, company.id, channels[p.user_id], company.timezone)
        for p in planned
    }
    live_events = {(u, e.key, e.on) for e in events if not e.done for u in channels}
    existing = (
        await conn.execute(
            select(
                R.id,
                R.user_id,
                R.dedup_key,
                R.status,
                R.last_error,
                R.event_key,
                R.event_date,
                R.lead_days,
                *[R[c] for c in _MUTABLE],
            ).where(R.company_id == company.id, R.status != SENT)
        )
    ).all()
    stats = ReplanStats()
    seen: set[tuple[int, str]] = set()
    cancel: list[int] = []
    for row in existing:
        key = (row.user_id, row.dedup_key)
        want = wanted.get(key)
        if want is None:
            if row.status == PLANNED and not (
                row.lead_days == SNOOZE_LEAD
                and (row.user_id, row.event_key, row.event_date) in live_events
            ):
                cancel.append(row.id)
            continue
        seen.add(key)
        changes = {c: want[c] for c in _MUTABLE if getattr(row, c) != want[c]}
        revive = row.status == CANCELLED or (
            row.status == FAILED and (row.last_error or "").startswith(FORBIDDEN_PREFIX)
        )
        if revive:
            changes |= {"status": PLANNED, "claimed_by": None, "lease_until": None}
            stats.revived += 1
        elif row.status == PLANNED and changes:
            stats.updated += 1
        else:
            continue
        await conn.execute(update(Reminder).where(R.id == row.id).values(**changes))
    if cancel:
        await conn.execute(
            update(Reminder)
            .where(R.id.in_(cancel), R.status == PLANNED)
            .values(status=CANCELLED, last_error="no longer planned", lease_until=None)
        )
        stats.cancelled = len(cancel)
    new_rows = [v for k, v in wanted.items() if k not in seen]
    stats.inserted = await insert_rows(conn, new_rows) if new_rows else 0
    return stats


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
    cancelled ones that apply again revived. Sent rows are never touched. Pass the
    conversation's session to run inside its transaction (the caller commits), or the
    store to run in a transaction of its own.
    """
    if isinstance(target, AsyncSession):
        conn = await target.connection()
        return await _sync_company(conn, company, members, rules, now)
    async with _write(target) as conn:
        return await _sync_company(conn, company, members, rules, now)


async def replan_for_company(
    store: Store, company: Company, rules: Rules, now: datetime
) -> ReplanStats:
    """``replan_company`` with the members looked up (for the service, after a save)."""
    if company.id is None:
        return ReplanStats()
    members = await store.company_members(company.id)
    return await replan_company(store, company, members, rules, now)


# --- dispatching --------------------------------------------------------------------------


def _due(now: datetime) -> Any:
    return and_(
        R.status == PLANNED,
        R.due_at <= now,
        or_(R.lease_until.is_(None), R.lease_until < now),
    )


async def claim_due(
    store: Store,
    worker_id: str,
    now: datetime,
    batch: int = 100,
    lease: timedelta = timedelta(minutes=5),
    *,
    channel: str | None = "telegram",
    user_id: int | None = None,
) -> list[ClaimedReminder]:
    """Claim up to ``batch`` due rows for ``worker_id`` until ``now + lease``.

    Concurrent claimers get disjoint rows: PostgreSQL skips rows another transaction has
    locked; SQLite renders no locking clause and serialises the UPDATE itself. Rows are
    taken oldest due first (an index range scan that stops after ``batch`` rows, even with
    a huge backlog) and returned most relevant first (``relevance``).
    """
    conditions = [_due(now)]
    if channel is not None:
        conditions.append(R.channel == channel)
    if user_id is not None:
        conditions.append(R.user_id == user_id)
    ids = (
        select(R.id)
        .where(*conditions)
        .order_by(R.due_at)  # no tie-breaker: PostgreSQL then walks the index, no sort
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Reminder)
        .where(R.id.in_(ids.scalar_subquery()))
        .values(claimed_by=worker_id, lease_until=now + lease, attempts=R.attempts + 1)
        .returning(*[R[name] for name in _CLAIM_FIELDS])
    )
    rows = (await _execute(store, stmt)).all()
    return sorted((ClaimedReminder.from_row(r) for r in rows), key=relevance)


async def cancel_superseded(store: Store, now: datetime, *, user_id: int | None = None) -> int:
    """The catch-up rule on stored rows: of an event's due reminders only the latest is sent.

    After downtime several lead-time reminders (and the overdue alert) of one event may be
    due at once; the older ones are cancelled so a restart sends no burst of stale messages.
    """
    later = Reminder.__table__.alias("later")  # type: ignore[attr-defined]
    newer_due = exists().where(
        later.c.user_id == R.user_id,
        later.c.company_id == R.company_id,
        later.c.event_key == R.event_key,
        later.c.event_date == R.event_date,
        later.c.lead_days >= OVERDUE_LEAD,
        later.c.status.in_((PLANNED, SENT)),
        later.c.due_at > R.due_at,
        later.c.due_at <= now,
    )
    conditions = [_due(now), R.lead_days >= OVERDUE_LEAD, newer_due]
    if user_id is not None:
        conditions.append(R.user_id == user_id)
    ids = select(R.id).where(*conditions).with_for_update(skip_locked=True)
    stmt = (
        update(Reminder)
        .where(R.id.in_(ids.scalar_subquery()))
        .values(status=CANCELLED, last_error="superseded by a later reminder")
    )
    return max((await _execute(store, stmt)).rowcount, 0)


# Built once: the hot path of sending (building the statement each time costs more than
# executing it). ``last_error`` is kept as history of earlier attempts.
_MARK_SENT = (
    update(Reminder)
    .where(R.id == bindparam("rid"), R.claimed_by == bindparam("worker"), R.sent_at.is_(None))
    .values(status=SENT, sent_at=bindparam("now", type_=UTCDateTime()), lease_until=None)
)
_PG_SENT = (
    "UPDATE reminder SET status = 'sent', sent_at = $1, lease_until = NULL "
    "WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL"
)
_SQLITE_SENT = (
    "UPDATE reminder SET status = 'sent', sent_at = ?, lease_until = NULL "
    "WHERE id = ? AND claimed_by = ? AND sent_at IS NULL"
)


class Outcomes:
    """Writes delivery outcomes on one connection, each committed on its own (SQLite delivery
    marks optionally in groups, see ``group``).

    Every mark commits before the next message goes out, so a crash re-sends at most the one
    reminder in flight (with grouping: the reminders of the unwritten group). On PostgreSQL
    the connection runs in autocommit mode with ``synchronous_commit=off``: a mark is one
    round trip and does not wait for the WAL flush (a *server* crash could lose the last few
    hundred ms of marks, i.e. re-send those reminders once; nothing is ever lost). The hot
    ``sent`` mark goes straight to the driver (asyncpg, or aiosqlite in autocommit mode):
    one call instead of SQLAlchemy's dozen thread hops (SQLite) or its statement overhead
    (PostgreSQL).
    """

    def __init__(
        self, conn: AsyncConnection, autocommit: bool, raw: Any = None, group: int = 1
    ) -> None:
        self.conn = conn
        self.autocommit = autocommit
        # SQLite: marks are committed in groups of ``group`` (one WAL write instead of one
        # per reminder). A crash re-sends at most that many reminders, each once.
        self.group = group
        self._grouped: list[tuple[Any, int, str]] = []
        self.lost = 0  # grouped marks that found their lease taken (known after a flush)
        # asyncpg connection, or aiosqlite's (autocommit: storage.db sets isolation_level)
        self._raw = raw
        self._stamp = UTCDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)

    async def _run(self, stmt: Any) -> int:
        result = await self.conn.execute(stmt)
        if not self.autocommit:
            await self.conn.commit()
        return max(result.rowcount, 0)

    async def sent(self, reminder_id: int, worker_id: str, now: datetime) -> bool:
        """Record a delivery; False when the lease was lost to another worker meanwhile."""
        if self._raw is None:
            params = {"rid": reminder_id, "worker": worker_id, "now": now}
            result = await self.conn.execute(_MARK_SENT, params)
            if not self.autocommit:
                await self.conn.commit()
            return result.rowcount == 1
        if self.conn.dialect.name == "postgresql":  # asyncpg: "UPDATE <count>"
            status = await self._raw.execute(_PG_SENT, now, reminder_id, worker_id)
            return bool(status == "UPDATE 1")
        stamp = self._stamp(now) if self._stamp else now
        if self.group > 1:
            self._grouped.append((stamp, reminder_id, worker_id))
            if len(self._grouped) >= self.group:
                await self.flush()
            return True  # a lost lease is counted in ``lost`` when the group is written
        cursor = await self._raw.execute(_SQLITE_SENT, (stamp, reminder_id, worker_id))
        count = cursor.rowcount
        await cursor.close()
        return bool(count == 1)

    async def flush(self) -> None:
        """Write the grouped marks in one transaction."""
        rows, self._grouped = self._grouped, []
        if not rows:
            return
        await self._raw.execute("BEGIN IMMEDIATE")
        try:
            cursor = await self._raw.executemany(_SQLITE_SENT, rows)
            updated = cursor.rowcount
            await cursor.close()
            await self._raw.execute("COMMIT")
        except BaseException:
            await self._raw.execute("ROLLBACK")
            raise
        self.lost += len(rows) - max(updated, 0)

    async def failed(self, reminder_id: int, worker_id: str, error: str) -> bool:
        """Give up on a reminder (recorded with the error)."""
        stmt = (
            update(Reminder)
            .where(R.id == reminder_id, R.claimed_by == worker_id, R.status == PLANNED)
            .values(status=FAILED, last_error=error[:500], lease_until=None)
        )
        return await self._run(stmt) == 1

    async def defer(
        self, reminder_id: int, until: datetime, error: str | None, worker_id: str | None = None
    ) -> bool:
        """Try again at ``until`` (the row stays planned; its lease hides it until then)."""
        conditions = [R.id == reminder_id, R.status == PLANNED]
        if worker_id is not None:
            conditions.append(R.claimed_by == worker_id)
        values: dict[str, Any] = {"lease_until": until}
        if error is not None:
            values["last_error"] = error[:500]
        return await self._run(update(Reminder).where(*conditions).values(**values)) == 1

    async def cancel(self, reminder_ids: Sequence[int], reason: str) -> int:
        if not reminder_ids:
            return 0
        stmt = (
            update(Reminder)
            .where(R.id.in_(list(reminder_ids)), R.status == PLANNED)
            .values(status=CANCELLED, last_error=reason[:500], lease_until=None)
        )
        return await self._run(stmt)

    async def stop_user(self, user_id: int, reason: str) -> int:
        """Cancel every pending reminder of a user (e.g. they blocked the bot)."""
        stmt = (
            update(Reminder)
            .where(R.user_id == user_id, R.status == PLANNED)
            .values(status=CANCELLED, last_error=reason[:500], lease_until=None)
        )
        return await self._run(stmt)


@asynccontextmanager
async def outcomes(store: Store, group: int = 1) -> AsyncIterator[Outcomes]:
    async with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            raw = await conn.get_raw_connection()
            out = Outcomes(conn, autocommit=False, raw=raw.driver_connection, group=group)
            try:
                yield out
            finally:
                await out.flush()
            return
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("SET synchronous_commit TO OFF")
        raw = await conn.get_raw_connection()
        try:
            yield Outcomes(conn, autocommit=True, raw=raw.driver_connection)
        finally:
            await conn.exec_driver_sql("RESET synchronous_commit")


async def mark_sent(store: Store, reminder_id: int, worker_id: str, now: datetime) -> bool:
    async with outcomes(store) as out:
        return await out.sent(reminder_id, worker_id, now)


async def mark_failed(store: Store, reminder_id: int, worker_id: str, error: str) -> bool:
    async with outcomes(store) as out:
        return await out.failed(reminder_id, worker_id, error)


async def defer(
    store: Store, reminder_id: int, until: datetime, error: str | None, worker_id: str | None = None
) -> bool:
    async with outcomes(store) as out:
        return await out.defer(reminder_id, until, error, worker_id)


async def cancel(store: Store, reminder_ids: Sequence[int], reason: str) -> int:
    async with outcomes(store) as out:
        return await out.cancel(reminder_ids, reason)


async def stop_user(store: Store, user_id: int, reason: str) -> int:
    async with outcomes(store) as out:
        return await out.stop_user(user_id, reason)


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    channel: str
    external_id: str
    lang: str
    active: bool
    reminders_opt_in: bool


async def recipients(store: Store, user_ids: Sequence[int]) -> dict[int, Recipient]:
    u = AppUser.__table__.c  # type: ignore[attr-defined]
    stmt = select(u.id, u.channel, u.external_id, u.lang, u.active, u.reminders_opt_in).where(
        u.id.in_(sorted(set(user_ids)))
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return {r.id: Recipient(*r) for r in rows}


async def recipient_by_identity(store: Store, channel: str, external_id: str) -> Recipient | None:
    u = AppUser.__table__.c  # type: ignore[attr-defined]
    stmt = select(u.id, u.channel, u.external_id, u.lang, u.active, u.reminders_opt_in).where(
        u.channel == channel, u.external_id == external_id
    )
    async with store.engine.connect() as conn:
        row = (await conn.execute(stmt)).first()
    return Recipient(*row) if row is not None else None


# --- snooze and listings ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snoozed:
    reminder_id: int
    due_at: datetime
    title_zh: str
    title_en: str
    timezone: str


async def snooze(
    store: Store,
    reminder_id: int,
    user_id: int,
    days: int,
    now: datetime,
    *,
    session: AsyncSession | None = None,
) -> Snoozed | None:
    """Remind the owner again ``days`` later at the usual local hour.

    One snooze row per event and user (snoozing again moves it). A pending original is
    cancelled. None when the reminder is unknown, someone else's, or no longer active.
    Pass ``session`` to run inside that (conversation) transaction.
    """
    if session is not None:
        return await _snooze(await session.connection(), reminder_id, user_id, days, now)
    async with _write(store) as conn:
        return await _snooze(conn, reminder_id, user_id, days, now)


_COPIED = (
    "company_id",
    "user_id",
    "channel",
    "event_key",
    "kind",
    "event_date",
    "title_zh",
    "title_en",
    "step_id",
    "timezone",
)


async def _snooze(
    conn: AsyncConnection, reminder_id: int, user_id: int, days: int, now: datetime
) -> Snoozed | None:
    table = Reminder.__table__  # type: ignore[attr-defined]
    row = (await conn.execute(select(table).where(R.id == reminder_id))).first()
    if row is None or row.user_id != user_id or row.status not in (PLANNED, SENT):
        return None
    tz = zone(row.timezone)
    hour = clamp_hour(row.due_at.astimezone(tz).hour)
    due = local_instant(local_today(now, tz) + timedelta(days=max(days, 1)), hour, tz)
    values = {name: getattr(row, name) for name in _COPIED}
    values |= {
        "lead_days": SNOOZE_LEAD,
        "dedup_key": f"{row.event_key}|snooze|{row.event_date.isoformat()}",
        "due_at": due,
    }
    reset = {
        "due_at": due,
        "status": PLANNED,
        "claimed_by": None,
        "lease_until": None,
        "sent_at": None,
        "attempts": 0,
        "last_error": None,
    }
    stmt = (
        _insert(conn)
        .values(**values)
        .on_conflict_do_update(index_elements=_UNIQUE, set_=reset)
        .returning(R.id)
    )
    new_id = (await conn.execute(stmt)).scalar_one()
    if row.status == PLANNED and new_id != row.id:
        await conn.execute(
            update(Reminder)
            .where(R.id == row.id, R.status == PLANNED)
            .values(status=CANCELLED, last_error="snoozed", lease_until=None)
        )
    return Snoozed(new_id, due, row.title_zh, row.title_en, row.timezone)


@dataclass(frozen=True, slots=True)
class Upcoming:
    id: int
    user_id: int
    event_key: str
    kind: str
    lead_days: int
    event_date: date
    due_at: datetime
    title_zh: str
    title_en: str
    timezone: str


async def upcoming(
    store: Store, company_id: int, now: datetime, limit: int = 20, *, user_id: int | None = None
) -> list[Upcoming]:
    """Planned reminders of a company (optionally one member), soonest first."""
    conditions = [R.company_id == company_id, R.status == PLANNED, R.due_at >= now]
    if user_id is not None:
        conditions.append(R.user_id == user_id)
    stmt = (
        select(*[R[name] for name in Upcoming.__dataclass_fields__])
        .where(*conditions)
        .order_by(R.due_at, R.id)
        .limit(limit)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [Upcoming(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class Listed:
    id: int
    due_at: datetime
    company_id: int
    company: str
    recipient: str
    channel: str
    kind: str
    event_key: str
    status: str
    attempts: int
    last_error: str | None


async def list_planned(
    store: Store, limit: int = 200, *, statuses: Sequence[str] = (PLANNED,)
) -> list[Listed]:
    """Reminders for ``ipms remind --list``: soonest first, with company and recipient."""
    users = AppUser.__table__  # type: ignore[attr-defined]
    companies = CompanyRecord.__table__  # type: ignore[attr-defined]
    u, c = users.c, companies.c
    stmt = (
        select(
            R.id,
            R.due_at,
            R.company_id,
            c.name,
            u.display_name,
            u.external_id,
            R.channel,
            R.kind,
            R.event_key,
            R.status,
            R.attempts,
            R.last_error,
        )
        .join(users, u.id == R.user_id)
        .join(companies, c.id == R.company_id)
        .where(R.status.in_(list(statuses)))
        .order_by(R.due_at, R.id)
        .limit(limit)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [
        Listed(
            r.id,
            r.due_at,
            r.company_id,
            r.name or f"#{r.company_id}",
            r.display_name or r.external_id,
            r.channel,
            r.kind,
            r.event_key,
            r.status,
            r.attempts,
            r.last_error,
        )
        for r in rows
    ]


async def count_by_status(store: Store, company_id: int | None = None) -> dict[str, int]:
    stmt = select(R.status, func.count()).group_by(R.status)
    if company_id is not None:
        stmt = stmt.where(R.company_id == company_id)
    async with store.engine.connect() as conn:
        return {status: n for status, n in (await conn.execute(stmt)).all()}


async def count_due(store: Store, now: datetime) -> dict[str, int]:
    """Due, unclaimed reminders per channel (``ipms remind`` without a token reports them)."""
    stmt = select(R.channel, func.count()).where(_due(now)).group_by(R.channel)
    async with store.engine.connect() as conn:
        return {channel: n for channel, n in (await conn.execute(stmt)).all()}
