"""Send due reminders: claim rows, render, send, mark; restart- and multi-instance-safe.

Every bot instance runs one ``Dispatcher.tick`` from PTB's JobQueue (nothing about jobs is
persisted: the ``reminder`` table is the source of truth, so a restart simply resumes)::

    app.job_queue.run_repeating(dispatcher.tick, interval=30, first=5,
                                job_kwargs={"max_instances": 1, "coalesce": True})

Telegram errors: 403 (blocked) fails the row, flags the user inactive and stops their other
reminders (re-planning revives them when the user returns); 429 defers the rest of the batch
by ``retry_after``; timeouts and network errors back off exponentially; 400 fails the row.
Sending respects Telegram's limits with a per-process limiter (30/s overall, 1/s per chat).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot import metrics
from bot.clock import Clock
from flows.reminders import ReminderView, render_reminder
from flows.schedule import (
    EARLIEST_HOUR,
    LATEST_HOUR,
    clamp_hour,
    local_instant,
    local_today,
    zone,
)
from flows.state import User
from flows.types import Button, Lang, Reply
from knowledge.loader import Knowledge, load_knowledge
from storage import reminders as rem
from storage.repo import Store

log = logging.getLogger(__name__)

# SQLite: delivery marks are committed in groups (one transaction for this many sends).
# A crash between sending and the group's commit re-sends those reminders once each.
SQLITE_MARK_GROUP = 25


class Sender(Protocol):
    async def send(self, chat_id: str, text: str, buttons: list[list[Button]]) -> None:
        """Deliver one message; raise ``telegram.error`` exceptions on failure."""
        ...


class TelegramSender:
    """``Sender`` over a PTB ``Bot`` (plain text, inline keyboard)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def send(self, chat_id: str, text: str, buttons: list[list[Button]]) -> None:
        rows = [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons
        ]
        markup = InlineKeyboardMarkup(rows) if rows else None
        await self.bot.send_message(chat_id=int(chat_id), text=text, reply_markup=markup)


class RateLimiter:
    """Spaces sends: at most ``per_second`` overall and one per ``per_chat`` seconds per chat.

    Reservation based (each call books the next free overall slot), so it needs no
    background task. Time and sleep are injectable: tests drive it with a fake clock.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat = per_chat
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._next_chat: dict[str, float] = {}

    async def acquire(self, chat_id: str) -> None:
        # Wait for the chat first without holding an overall slot, so one busy chat does
        # not hold up the others; then book the next overall slot (no await in between).
        while True:
            now = self._clock()
            ready = self._next_chat.get(chat_id, 0.0)
            if ready <= now:
                break
            await self._sleep(ready - now)
        start = max(now, self._next)
        self._next = start + self.interval
        self._next_chat[chat_id] = start + self.per_chat
        if len(self._next_chat) > 10_000:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        if start > now:
            await self._sleep(start - now)

    def pause(self, seconds: float) -> None:
        """After a 429 nothing may be sent for ``seconds``."""
        self._next = max(self._next, self._clock() + seconds)


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    cancelled: int = 0
    lost_lease: int = 0  # sent, but another worker had taken the row over (lease expired)


def retry_after_seconds(exc: RetryAfter) -> float:
    """PTB 22 gives an int (deprecated, warns) or a timedelta with PTB_TIMEDELTA=true."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _interleave(rows: Sequence[rem.ClaimedReminder]) -> list[rem.ClaimedReminder]:
    """Round-robin over users, keeping each user's order: one user's three reminders
    don't hold up everyone else behind the 1-per-second-per-chat limit."""
    queues: dict[int, list[rem.ClaimedReminder]] = {}
    for row in rows:
        queues.setdefault(row.user_id, []).append(row)
    out: list[rem.ClaimedReminder] = []
    while queues:
        for user_id in list(queues):
            out.append(queues[user_id].pop(0))
            if not queues[user_id]:
                del queues[user_id]
    return out


def view_of(row: rem.ClaimedReminder) -> ReminderView:
    return ReminderView(
        row.id,
        row.event_key,
        row.kind,
        row.lead_days,
        row.event_date,
        row.title_zh,
        row.title_en,
        row.step_id,
        row.timezone,
    )


def _lang(value: str) -> Lang:
    return "zh" if value == "zh" else "en"


def is_stale(row: rem.ClaimedReminder, now: datetime) -> bool:
    """A lead-time reminder whose date has passed (the overdue alert covers it)."""
    return row.lead_days >= 0 and row.event_date < local_today(now, zone(row.timezone))


def quiet_until(row: rem.ClaimedReminder, now: datetime) -> datetime | None:
    """When a catch-up send would land at night locally: the next morning's usual hour."""
    tz = zone(row.timezone)
    local = now.astimezone(tz)
    if EARLIEST_HOUR <= local.hour <= LATEST_HOUR:
        return None
    hour = clamp_hour(row.due_at.astimezone(tz).hour)
    day = local.date() if local.hour < EARLIEST_HOUR else local.date() + timedelta(days=1)
    return local_instant(day, hour, tz)


class Dispatcher:
    """Claims due reminders of one channel and sends them through a ``Sender``."""

    def __init__(
        self,
        store: Store,
        kb: Knowledge,
        sender: Sender,
        clock: Clock,
        worker_id: str | None = None,
        *,
        batch: int = 100,
        lease: timedelta = timedelta(minutes=5),
        limiter: RateLimiter | None = None,
        rate_limit: bool = True,
        channel: str = "telegram",
        backoff: timedelta = timedelta(seconds=30),
        max_backoff: timedelta = timedelta(hours=1),
        max_attempts: int = 20,
        max_batches: int | None = None,
        lanes: int = 4,
    ) -> None:
        self.store = store
        self.kb = kb
        self.sender = sender
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.batch = batch
        self.lease = lease
        self.limiter = limiter if limiter is not None else (RateLimiter() if rate_limit else None)
        self.channel = channel
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_attempts = max_attempts
        self.max_batches = max_batches
        self.lanes = max(lanes, 1)
        self._running = asyncio.Lock()
        self._stopping = False

    def stop(self) -> None:
        """Shutting down: messages being sent finish, the rest of the batch is released
        (its lease ends now, so another process sends it at once) and no batch follows."""
        self._stopping = True

    async def tick(self, context: object = None) -> None:
        """PTB job callback: one dispatch run; errors are logged, the job keeps running."""
        if self._running.locked() or self._stopping:
            return
        async with self._running:
            try:
                stats = await self.run_once()
            except Exception:
                log.exception("reminder dispatch failed")
                return
        metrics.observe_dispatch(stats)
        if stats.claimed:
            log.info("reminders: %s", stats)

    def schedule(self, job_queue: Any, interval: float = 30, first: float = 5) -> Any:
        return job_queue.run_repeating(
            self.tick,
            interval=interval,
            first=first,
            name="reminders",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )

    async def run_once(self) -> DispatchStats:
        """Send everything due now (batch after batch); stops early on a 429."""
        stats = DispatchStats()
        stats.cancelled += await rem.cancel_superseded(self.store, self.clock.now())
        batches = 0
        while not self._stopping and (self.max_batches is None or batches < self.max_batches):
            now = self.clock.now()
            rows = await rem.claim_due(
                self.store, self.worker_id, now, self.batch, self.lease, channel=self.channel
            )
            if not rows:
                break
            batches += 1
            stats.claimed += len(rows)
            if not await self._send_batch(rows, stats):
                break
        return stats

    async def _send_batch(self, rows: Sequence[rem.ClaimedReminder], stats: DispatchStats) -> bool:
        """Send one claimed batch; False when Telegram asked us to slow down.

        Rows go out in a few lanes (a user's reminders always share one, in order), so one
        lane's database write overlaps another's send. On PostgreSQL each lane marks a reminder
        before sending its next one; on SQLite marks are committed in groups of
        ``SQLITE_MARK_GROUP``. A crash re-sends at most the unmarked ones, once each.
        """
        people = await rem.recipients(self.store, [r.user_id for r in rows])
        lanes: dict[int, list[rem.ClaimedReminder]] = {}
        for row in _interleave(rows):
            lanes.setdefault(row.user_id % self.lanes, []).append(row)
        halt = _Halt()
        await asyncio.gather(*(self._lane(lane, people, stats, halt) for lane in lanes.values()))
        return halt.until is None

    async def _lane(
        self,
        rows: Sequence[rem.ClaimedReminder],
        people: dict[int, rem.Recipient],
        stats: DispatchStats,
        halt: _Halt,
    ) -> None:
        async with rem.outcomes(self.store, group=SQLITE_MARK_GROUP) as out:
            await self._lane_rows(rows, people, stats, halt, out)
        stats.sent -= out.lost  # grouped marks whose lease had meanwhile gone elsewhere
        stats.lost_lease += out.lost

    async def _lane_rows(
        self,
        rows: Sequence[rem.ClaimedReminder],
        people: dict[int, rem.Recipient],
        stats: DispatchStats,
        halt: _Halt,
        out: rem.Outcomes,
    ) -> None:
        for index, row in enumerate(rows):
            if self._stopping:
                await self._hold(rows[index:], self.clock.now(), "released at shutdown", out, stats)
                return
            if halt.until is not None:  # another lane hit Telegram's flood control
                await self._hold(rows[index:], halt.until, halt.reason, out, stats)
                return
            person = people.get(row.user_id)
            if person is None or not await self._deliverable(row, person, out, stats):
                continue
            try:
                await self._send(row, person)
            except Forbidden as exc:
                await self._blocked(row, person, exc, out, stats)
                people[row.user_id] = _inactive(person)
            except RetryAfter as exc:
                self._flood(exc, halt)
                await self._hold(rows[index:], halt.until, halt.reason, out, stats)
                return
            except BadRequest as exc:
                await out.failed(row.id, self.worker_id, f"bad request: {exc}")
                stats.failed += 1
            except (NetworkError, TelegramError, OSError) as exc:
                await self._retry_later(row, exc, out, stats)
            except Exception as exc:  # a bug must not stall the rest of the batch
                log.exception("sending reminder %s failed", row.id)
                await self._retry_later(row, exc, out, stats)
            else:
                if await out.sent(row.id, self.worker_id, self.clock.now()):
                    stats.sent += 1
                else:
                    stats.lost_lease += 1

    async def _deliverable(
        self,
        row: rem.ClaimedReminder,
        person: rem.Recipient,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> bool:
        now = self.clock.now()
        reason = None
        if not person.active:
            reason = "recipient inactive"
        elif not person.reminders_opt_in:
            reason = "recipient opted out"
        elif is_stale(row, now):
            reason = "stale: the date has passed"
        if reason is not None:
            stats.cancelled += await out.cancel([row.id], reason)
            return False
        until = quiet_until(row, now)
        if until is not None:
            await out.defer(row.id, until, None, self.worker_id)
            stats.deferred += 1
            return False
        return True

    async def _send(self, row: rem.ClaimedReminder, person: rem.Recipient) -> None:
        reply = render_reminder(view_of(row), self.kb.rules, _lang(person.lang), self.clock.now())
        if self.limiter is not None:
            await self.limiter.acquire(person.external_id)
        await self.sender.send(person.external_id, reply.text, reply.buttons)

    async def _blocked(
        self,
        row: rem.ClaimedReminder,
        person: rem.Recipient,
        exc: Exception,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        await out.failed(row.id, self.worker_id, f"{rem.FORBIDDEN_PREFIX}{exc}")
        await self.store.set_user_active(person.channel, person.external_id, False)
        stats.cancelled += await out.stop_user(person.id, "recipient blocked the bot")
        stats.failed += 1
        metrics.reminder_blocked()
        log.info("user %s blocked the bot: reminders stopped", person.id)

    def _flood(self, exc: RetryAfter, halt: _Halt) -> None:
        seconds = retry_after_seconds(exc)
        until = self.clock.now() + timedelta(seconds=seconds)
        if halt.until is None or until > halt.until:
            halt.until, halt.reason = until, f"retry after {seconds:g}s"
        if self.limiter is not None:
            self.limiter.pause(seconds)
        log.warning("Telegram flood control: %s", exc)

    async def _hold(
        self,
        rows: Sequence[rem.ClaimedReminder],
        until: datetime | None,
        reason: str,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        """After a 429 the rest of the batch waits as told (deferred, not failed)."""
        assert until is not None
        for row in rows:
            await out.defer(row.id, until, reason, self.worker_id)
        stats.deferred += len(rows)

    async def _retry_later(
        self,
        row: rem.ClaimedReminder,
        exc: Exception,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if row.attempts >= self.max_attempts:
            await out.failed(row.id, self.worker_id, f"gave up: {error}")
            stats.failed += 1
            return
        delay = min(self.backoff * 2 ** max(row.attempts - 1, 0), self.max_backoff)
        await out.defer(row.id, self.clock.now() + delay, error, self.worker_id)
        stats.deferred += 1


@dataclass
class _Halt:
    """Shared by a batch's lanes: set when Telegram says "retry after"."""

    until: datetime | None = None
    reason: str = ""


def _inactive(person: rem.Recipient) -> rem.Recipient:
    return rem.Recipient(
        person.id, person.channel, person.external_id, person.lang, False, person.reminders_opt_in
    )


async def pop_due_for_user(
    store: Store, user: User | Any, now: datetime, kb: Knowledge | None = None
) -> list[Reply]:
    """The terminal's delivery: claim this user's due reminders, mark them sent, return them.

    ``user`` is anything with ``channel`` and ``external_id`` (a ``flows.state.User`` or the
    service's ``Who``). The user is chatting right now, so night-time catch-ups show too.
    """
    person = await rem.recipient_by_identity(store, user.channel, user.external_id)
    if person is None or not person.reminders_opt_in:
        return []
    rules = (kb or load_knowledge()).rules
    await rem.cancel_superseded(store, now, user_id=person.id)
    worker = f"chat:{person.channel}:{person.id}"
    rows = await rem.claim_due(store, worker, now, 50, channel=None, user_id=person.id)
    stale = [r.id for r in rows if is_stale(r, now)]
    await rem.cancel(store, stale, "stale: the date has passed")
    replies: list[Reply] = []
    for row in rows:
        if row.id in stale:
            continue
        replies.append(render_reminder(view_of(row), rules, _lang(person.lang), now))
        await rem.mark_sent(store, row.id, worker, now)
    return replies
