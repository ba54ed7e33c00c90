"""Sending reminders, storage side: claim due rows with a lease, record each outcome.

Delivery is at-least-once: a dispatcher claims due rows (``claimed_by`` + ``lease_until``;
``FOR UPDATE SKIP LOCKED`` on PostgreSQL so concurrent dispatchers never claim the same row;
SQLite has one writer), sends them and marks them sent. A crash between a send and its mark
re-sends that reminder once, after the lease ends; nothing is lost. How many can be re-sent
per crash is ``Outcomes``' business (see there).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.reconcile import ReminderStatus
from flows.schedule import OVERDUE_LEAD
from storage.models import AppUser, UTCDateTime
from storage.reminder_plan import TABLE, UNIQUE, insert_dialect, select_columns
from storage.repo import Store, WriterLock

R = TABLE.c
PLANNED = ReminderStatus.PLANNED.value
SENT = ReminderStatus.SENT.value
FAILED = ReminderStatus.FAILED.value
CANCELLED = ReminderStatus.CANCELLED.value


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


def due(now: datetime) -> Any:
    return and_(
        R.status == PLANNED,
        R.due_at <= now,
        # A lease ending at ``now`` is over: a row held until 09:00 goes with those due then.
        or_(R.lease_until.is_(None), R.lease_until <= now),
    )


async def _write(store: Store, stmt: Any) -> Any:
    async with store.session(write=True) as session:
        result = await session.exec(stmt)
        await session.commit()
    return result


# Namespace of the transaction-level advisory locks that give one dispatcher a user's rows.
USER_LOCK_NS = 7_421_001


async def claim_due(
    store: Store,
    worker_id: str,
    now: datetime,
    batch: int = 100,
    lease: timedelta = timedelta(minutes=5),
    *,
    channel: str | None = "telegram",
    user_id: int | None = None,
    whole_users: bool = False,
) -> list[ClaimedReminder]:
    """Claim up to ``batch`` due rows for ``worker_id`` until ``now + lease``.

    Concurrent claimers get disjoint rows: PostgreSQL skips rows another transaction has
    locked; SQLite serialises the UPDATE. Rows are taken oldest due first (an index range
    scan that stops after ``batch`` rows, even with a huge backlog) and returned most
    relevant first (``relevance``). ``user_id`` claims one user's rows only.

    ``whole_users`` (the daily digest): every due row of up to ``batch`` users, those whose
    first due row is oldest, so each user's rows go out together (``_whole_users``).
    """
    conditions = [due(now)]
    if channel is not None:
        conditions.append(R.channel == channel)
    if user_id is not None:
        conditions.append(R.user_id == user_id)
    if whole_users:
        ids = _whole_users(store, conditions, batch)
    else:
        ids = (
            select(R.id)
            .where(*conditions)
            .order_by(R.due_at)  # no tie-breaker: PostgreSQL then walks the index, no sort
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    stmt = (
        update(TABLE)
        .where(R.id.in_(ids.scalar_subquery()))
        .values(claimed_by=worker_id, lease_until=now + lease, attempts=R.attempts + 1)
        .returning(*[R[name] for name in _CLAIM_FIELDS])
    )
    async with store.session(write=True) as session:
        rows = (await session.exec(stmt)).all()
        await session.commit()
    return sorted((ClaimedReminder.from_row(r) for r in rows), key=relevance)


def _whole_users(store: Store, conditions: list[Any], users: int) -> Any:
    """Ids of every due row of up to ``users`` users, oldest first due first.

    On PostgreSQL a transaction-level advisory lock per user keeps two dispatchers from
    splitting one user's rows: the users are walked in order (``OFFSET 0`` keeps the sort
    below the filter) and each is taken only if its lock is free, so concurrent dispatchers
    take different people. SQLite has one writer: the statement alone is enough.
    """
    first_due = func.min(R.due_at)
    if store.is_sqlite:
        oldest = select(R.user_id).where(*conditions).group_by(R.user_id)
        chosen = oldest.order_by(first_due).limit(users).scalar_subquery()
    else:
        ordered = (
            select(R.user_id.label("user_id"), first_due.label("first_due"))
            .where(*conditions)
            .group_by(R.user_id)
            .order_by(first_due)
            .offset(0)
            .subquery("candidates")
        )
        free = func.pg_try_advisory_xact_lock(USER_LOCK_NS, ordered.c.user_id)
        locked = select(ordered.c.user_id).where(free).limit(users).cte("locked")
        chosen = select(locked.c.user_id).scalar_subquery()
    return select(R.id).where(*conditions, R.user_id.in_(chosen)).with_for_update(skip_locked=True)


async def cancel_superseded(store: Store, now: datetime, *, user_id: int | None = None) -> int:
    """The catch-up rule on stored rows: of an event's due reminders only the latest is sent.

    After downtime several lead-time reminders (and the overdue alert) of one event may be
    due at once; the older ones are cancelled so a restart sends no burst of stale messages.
    """
    later = TABLE.alias("later")
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
    conditions = [due(now), R.lead_days >= OVERDUE_LEAD, newer_due]
    if user_id is not None:
        conditions.append(R.user_id == user_id)
    ids = select(R.id).where(*conditions).with_for_update(skip_locked=True)
    stmt = (
        update(TABLE)
        .where(R.id.in_(ids.scalar_subquery()))
        .values(status=CANCELLED, last_error="superseded by a later reminder")
    )
    return max((await _write(store, stmt)).rowcount, 0)


# Built once: the hot path of sending. ``last_error`` is kept as history of earlier attempts.
_MARK_SENT = (
    update(TABLE)
    .where(R.id == bindparam("rid"), R.claimed_by == bindparam("worker"), R.sent_at.is_(None))
    .values(status=SENT, sent_at=bindparam("now", type_=UTCDateTime()), lease_until=None)
)


# The same, straight to asyncpg on the session's connection: SQLAlchemy's statement handling
# cost a third of PostgreSQL's dispatch rate (benchmarks/reminders_bench.py, 20,000
# reminders: 2,062 vs 3,250 per CPU-second). On SQLite, where marks are grouped, it did not pay.
_PG_SENT = (
    "UPDATE reminder SET status = 'sent', sent_at = $1, lease_until = NULL "
    "WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL"
)


class Outcomes:
    """Writes delivery outcomes on one session held for a dispatch run.

    Each outcome commits before the next message goes out, so a crash re-sends at most the
    one reminder in flight, except that on SQLite ``sent`` marks may be committed in groups
    of ``group`` (one write transaction instead of one per reminder): a crash then re-sends
    at most the ``group`` reminders sent since the last group was written, each once. On
    PostgreSQL the session's connection runs in autocommit mode with
    ``synchronous_commit=off``: a mark is one round trip and does not wait for the WAL flush
    (a *server* crash could lose the last few hundred ms of marks, i.e. re-send those
    reminders once; nothing is ever lost).
    """

    def __init__(
        self,
        session: AsyncSession,
        writer: WriterLock | None,
        group: int,
        asyncpg: Any = None,
    ) -> None:
        self.session = session
        self.writer = writer  # SQLite: the store's writer lock, taken per write
        self.group = group if writer is not None else 1
        self._grouped: list[dict[str, Any]] = []
        self.lost = 0  # grouped marks that found their lease taken (known after a flush)
        # PostgreSQL: the session's own asyncpg connection, for the one hot statement
        self._asyncpg = asyncpg

    async def _run(self, stmt: Any, params: list[dict[str, Any]] | None = None) -> int:
        async with AsyncExitStack() as stack:
            if self.writer is not None:
                await stack.enter_async_context(self.writer)
            result = await self.session.exec(stmt, params=params)
            await self.session.commit()
        return max(result.rowcount, 0)

    async def sent(self, reminder_id: int, worker_id: str, now: datetime) -> bool:
        """Record a delivery; False when the lease was lost to another worker meanwhile
        (with grouping the loss is only known after the flush: counted in ``lost``)."""
        if self._asyncpg is not None:  # "UPDATE <count>"
            return bool(
                await self._asyncpg.execute(_PG_SENT, now, reminder_id, worker_id) == "UPDATE 1"
            )
        mark = {"rid": reminder_id, "worker": worker_id, "now": now}
        if self.group <= 1:
            return await self._run(_MARK_SENT, [mark]) == 1
        self._grouped.append(mark)
        if len(self._grouped) >= self.group:
            await self.flush()
        return True

    async def sent_all(self, reminder_ids: Sequence[int], worker_id: str, now: datetime) -> int:
        """Record one message that delivered several rows (a digest): one statement, at once,
        never grouped; returns how many rows this worker still held."""
        if not reminder_ids:
            return 0
        stmt = (
            update(TABLE)
            .where(R.id.in_(list(reminder_ids)), R.claimed_by == worker_id, R.sent_at.is_(None))
            .values(status=SENT, sent_at=now, lease_until=None)
        )
        return await self._run(stmt)

    async def follow(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert-ignore the reminders that follow ones about to be marked sent (the next
        week's "still overdue", ``flows.schedule.next_still_overdue``). Written before the
        mark: a crash in between re-sends the message once (as ever) and loses no week; the
        (user, company, dedup key) constraint keeps each week's row one, whoever writes it."""
        if not rows:
            return 0
        stmt = (await insert_dialect(self.session)).on_conflict_do_nothing(index_elements=UNIQUE)
        return await self._run(stmt, list(rows))

    async def flush(self) -> None:
        """Write the grouped marks in one transaction."""
        marks, self._grouped = self._grouped, []
        if marks:
            self.lost += len(marks) - await self._run(_MARK_SENT, marks)

    async def failed(self, reminder_id: int, worker_id: str, error: str) -> bool:
        """Give up on a reminder (recorded with the error)."""
        stmt = (
            update(TABLE)
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
        return await self._run(update(TABLE).where(*conditions).values(**values)) == 1

    async def cancel(self, reminder_ids: Sequence[int], reason: str) -> int:
        if not reminder_ids:
            return 0
        stmt = (
            update(TABLE)
            .where(R.id.in_(list(reminder_ids)), R.status == PLANNED)
            .values(status=CANCELLED, last_error=reason[:500], lease_until=None)
        )
        return await self._run(stmt)

    async def stop_user(self, user_id: int, reason: str) -> int:
        """Cancel every pending reminder of a user (e.g. they blocked the bot)."""
        stmt = (
            update(TABLE)
            .where(R.user_id == user_id, R.status == PLANNED)
            .values(status=CANCELLED, last_error=reason[:500], lease_until=None)
        )
        return await self._run(stmt)


@asynccontextmanager
async def outcomes(store: Store, group: int = 1) -> AsyncIterator[Outcomes]:
    """``Outcomes`` on a connection of its own; grouped marks are flushed at the end."""
    if store.is_sqlite:
        async with store.pinned_session() as session:
            out = Outcomes(session, store.writer, group)
            try:
                yield out
            finally:
                await out.flush()
        return
    async with store.pinned_session(autocommit=True) as session:
        conn = await session.connection()
        await conn.exec_driver_sql("SET synchronous_commit TO OFF")
        raw = await conn.get_raw_connection()
        try:
            yield Outcomes(session, None, 1, asyncpg=raw.driver_connection)
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
    reminders_paused_from: datetime | None = None
    reminders_paused_until: datetime | None = None


_RECIPIENT = tuple(Recipient.__dataclass_fields__)
U = AppUser.__table__.c  # type: ignore[attr-defined]


async def recipients(store: Store, user_ids: Sequence[int]) -> dict[int, Recipient]:
    stmt = select_columns(*[U[n] for n in _RECIPIENT]).where(U.id.in_(sorted(set(user_ids))))
    async with store.session() as session:
        rows = (await session.exec(stmt)).all()
    return {r.id: Recipient(*r) for r in rows}


async def recipient_by_identity(
    store: Store, channel: str, external_id: str, *, due_by: datetime | None = None
) -> Recipient | None:
    """The user as a recipient; with ``due_by``, only if they have a reminder due by then."""
    stmt = select_columns(*[U[n] for n in _RECIPIENT]).where(
        U.channel == channel, U.external_id == external_id
    )
    if due_by is not None:
        stmt = stmt.where(exists().where(R.user_id == U.id, due(due_by)))
    async with store.session() as session:
        row = (await session.exec(stmt)).first()
    return Recipient(*row) if row is not None else None
