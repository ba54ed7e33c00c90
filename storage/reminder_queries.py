"""Reminder rows a user or an operator asks about: snoozing, upcoming, listings, counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.schedule import SNOOZE_LEAD, clamp_hour, local_instant, local_today, zone
from flows.workdays import next_working_day
from storage.models import AppUser, CompanyRecord
from storage.reminder_dispatch import CANCELLED, PLANNED, SENT, due
from storage.reminder_plan import TABLE, UNIQUE, insert_dialect, select_columns
from storage.repo import Store

R = TABLE.c


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
    company_id: int | None = None,
    session: AsyncSession | None = None,
) -> Snoozed | None:
    """Remind the owner again ``days`` later at the usual local hour.

    One snooze row per event and user (snoozing again moves it). A pending original is
    cancelled. None when the reminder is unknown, someone else's, of another company than
    ``company_id`` (when given), or no longer active. Pass ``session`` to run inside that
    (conversation) transaction.
    """
    if session is not None:
        return await _snooze(session, reminder_id, user_id, days, now, company_id)
    async with store.session(write=True) as own:
        snoozed = await _snooze(own, reminder_id, user_id, days, now, company_id)
        await own.commit()
    return snoozed


# The columns a reminder derived from another keeps (a snooze, next week's "still overdue")
COPIED = (
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
_RESET = {
    "status": PLANNED,
    "claimed_by": None,
    "lease_until": None,
    "sent_at": None,
    "attempts": 0,
    "last_error": None,
}


async def _snooze(
    session: AsyncSession,
    reminder_id: int,
    user_id: int,
    days: int,
    now: datetime,
    company_id: int | None = None,
) -> Snoozed | None:
    row = (await session.exec(select_columns(TABLE).where(R.id == reminder_id))).first()
    if row is None or row.user_id != user_id or row.status not in (PLANNED, SENT):
        return None
    if company_id is not None and row.company_id != company_id:
        return None
    tz = zone(row.timezone)
    hour = clamp_hour(row.due_at.astimezone(tz).hour)
    # "tomorrow" on a Friday is Monday: reminders come on working days
    day = next_working_day(local_today(now, tz) + timedelta(days=max(days, 1)))
    due_at = local_instant(day, hour, tz)
    values = {name: getattr(row, name) for name in COPIED}
    values |= {
        "lead_days": SNOOZE_LEAD,
        "dedup_key": f"{row.event_key}|snooze|{row.event_date.isoformat()}",
        "due_at": due_at,
    }
    stmt = (
        (await insert_dialect(session))
        .values(**values)
        .on_conflict_do_update(index_elements=UNIQUE, set_={"due_at": due_at, **_RESET})
        .returning(R.id)
    )
    new_id = (await session.exec(stmt)).scalar_one()
    if row.status == PLANNED and new_id != row.id:
        await session.exec(
            update(TABLE)
            .where(R.id == row.id, R.status == PLANNED)
            .values(status=CANCELLED, last_error="snoozed", lease_until=None)
        )
    return Snoozed(new_id, due_at, row.title_zh, row.title_en, row.timezone)


LAST_SENT_WITHIN = timedelta(days=7)  # "明天再提醒我" a week after the reminder: still that one
_SAME_DELIVERY = timedelta(minutes=5)  # a digest's items are marked sent together


async def _last_delivery(
    session: AsyncSession,
    user_id: int,
    company_id: int | None,
    now: datetime,
    within: timedelta,
) -> tuple[datetime, list[Any]] | None:
    """When the last delivery to this user (one card or one digest) was sent, if within
    ``within`` of ``now``, and the conditions that select its rows; None when none."""
    conditions: list[Any] = [R.user_id == user_id, R.status == SENT, R.sent_at.is_not(None)]
    if company_id is not None:
        conditions.append(R.company_id == company_id)
    latest: Any = select(func.max(R.sent_at)).where(*conditions)
    last = (await session.exec(latest)).scalar()
    if last is None or last < now - within:
        return None
    return last, [*conditions, R.sent_at >= last - _SAME_DELIVERY]


async def snooze_last(
    store: Store, user_id: int, company_id: int | None, days: int, now: datetime
) -> list[Snoozed]:
    """ "Remind me tomorrow" in words: every reminder of the last delivery to this user (one
    card or one digest), sent within the last week, snoozed like its button; [] when none."""
    async with store.session(write=True) as session:
        found = await _last_delivery(session, user_id, company_id, now, LAST_SENT_WITHIN)
        if found is None:
            return []
        batch: Any = select(R.id).where(*found[1])
        done = []
        for reminder_id in (await session.exec(batch)).scalars().all():
            snoozed = await _snooze(session, reminder_id, user_id, days, now, company_id)
            if snoozed is not None:
                done.append(snoozed)
        await session.commit()
    return done


DONE_WITHIN = timedelta(days=3)  # "做完了" days after a reminder is about something else


async def last_sent_keys(
    store: Store, user_id: int, company_id: int | None, now: datetime
) -> tuple[list[str], datetime | None]:
    """The event keys of the last delivery to this user (one card or one digest) sent in the
    last few days, in the order its rows were made (by event date), and when it was sent;
    ([], None) when none."""
    async with store.session() as session:
        found = await _last_delivery(session, user_id, company_id, now, DONE_WITHIN)
        if found is None:
            return [], None
        last, delivered = found
        batch: Any = select(R.event_key).where(*delivered).order_by(R.event_date, R.id)
        return list(dict.fromkeys((await session.exec(batch)).scalars().all())), last


def finding_keys(key: str) -> list[str]:
    """A nonconformity's risk covers the whole finding: its correction and its evidence."""
    if key.startswith("nc:") and key.count(":") >= 2:
        finding = key.rsplit(":", 1)[0]
        return [f"{finding}:correction", f"{finding}:evidence"]
    return [key]


async def told_in_conversation(
    store: Store,
    user_id: int,
    company_id: int,
    event_keys: Sequence[str],
    now: datetime,
    is_alert: Callable[[str, int], bool],
) -> int:
    """The user was just shown the certificate risk of ``event_keys`` in a reply: their
    alerts for it (``is_alert(kind, lead_days)``) due by the end of their local day are
    recorded as sent, not sent again a moment later. Returns how many."""
    keys = sorted({k for key in event_keys for k in finding_keys(key)})
    if not keys:
        return 0
    conditions = [
        R.user_id == user_id, R.company_id == company_id, R.event_key.in_(keys),
        R.status == PLANNED, R.sent_at.is_(None),
    ]  # fmt: skip
    async with store.session(write=True) as session:
        rows = (
            await session.exec(
                select_columns(R.id, R.kind, R.lead_days, R.timezone, R.due_at).where(*conditions)
            )
        ).all()
        ids = [
            r.id
            for r in rows
            if is_alert(r.kind, r.lead_days) and r.due_at <= _end_of_day(now, r.timezone)
        ]
        if ids:
            await session.exec(
                update(TABLE)
                .where(R.id.in_(ids), R.status == PLANNED)
                .values(
                    status=SENT,
                    sent_at=now,
                    lease_until=None,
                    last_error="told in the conversation",
                )
            )
        await session.commit()
    return len(ids)


def _end_of_day(now: datetime, tz_name: str) -> datetime:
    tz = zone(tz_name)
    return local_instant(local_today(now, tz) + timedelta(days=1), 0, tz)


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


async def _read(store: Store, stmt: Any) -> list[Any]:
    async with store.session() as session:
        return list((await session.exec(stmt)).all())


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
    return [Upcoming(*r) for r in await _read(store, stmt)]


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


_LISTED_FIELDS = [n for n in Listed.__dataclass_fields__ if n not in ("company", "recipient")]
_LISTED = [R[n] for n in _LISTED_FIELDS]


async def list_planned(
    store: Store, limit: int = 200, *, statuses: Sequence[str] = (PLANNED,)
) -> list[Listed]:
    """Reminders for ``ipms remind --list``: soonest first, with company and recipient."""
    users = AppUser.__table__  # type: ignore[attr-defined]
    companies = CompanyRecord.__table__  # type: ignore[attr-defined]
    u, c = users.c, companies.c
    stmt = (
        select(*_LISTED, c.name, u.display_name, u.external_id)
        .join(users, u.id == R.user_id)
        .join(companies, c.id == R.company_id)
        .where(R.status.in_(list(statuses)))
        .order_by(R.due_at, R.id)
        .limit(limit)
    )
    return [
        Listed(
            **{name: getattr(r, name) for name in _LISTED_FIELDS},
            company=r.name or f"#{r.company_id}",
            recipient=r.display_name or r.external_id,
        )
        for r in await _read(store, stmt)
    ]


async def count_by_status(store: Store, company_id: int | None = None) -> dict[str, int]:
    stmt = select(R.status, func.count()).group_by(R.status)
    if company_id is not None:
        stmt = stmt.where(R.company_id == company_id)
    return {status: n for status, n in await _read(store, stmt)}


async def count_due(store: Store, now: datetime) -> dict[str, int]:
    """Due, unclaimed reminders per channel (``ipms remind`` without a token reports them)."""
    stmt = select(R.channel, func.count()).where(due(now)).group_by(R.channel)
    return {channel: n for channel, n in await _read(store, stmt)}


async def company_names(store: Store, company_ids: set[int]) -> dict[int, str]:
    """Company names for headings of reminders (of companies the recipient belongs to)."""
    companies = CompanyRecord.__table__  # type: ignore[attr-defined]
    stmt = select(companies.c.id, companies.c.name).where(companies.c.id.in_(sorted(company_ids)))
    return {cid: name for cid, name in await _read(store, stmt)}
