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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.clock import Clock
from bot.sending import RateLimiter, Sender, TelegramSender, retry_after_seconds
from flows.callbacks import bind
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
from flows.types import Lang, Reply
from knowledge.loader import Knowledge, load_knowledge
from storage import reminders as rem
from storage.repo import Store

log = logging.getLogger(__name__)

__all__ = [  # TelegramSender and RateLimiter live in bot.sending; importable from here too
    "DispatchStats", "Dispatcher", "RateLimiter", "Sender", "TelegramSender", "pop_due_for_user",
]  # fmt: skip

# Duplicates after a crash (kill -9, power cut) between sending a reminder and recording it:
# reminders go out one at a time, each recorded before the next is sent, so a kill re-sends
# at most 1 reminder on PostgreSQL. SQLite records its "sent" marks in groups of
# SQLITE_MARK_GROUP (one write transaction per group instead of per reminder): a kill
# re-sends at most that many, each once. tests/crash/test_reminder_kill.py holds both bounds.
SQLITE_MARK_GROUP = 25
# Processed Telegram update ids are kept this long (Telegram stops re-delivering after 24 h)
# and pruned at most this often, from the reminder tick.
PROCESSED_UPDATES_KEPT = timedelta(hours=48)
PRUNE_EVERY = timedelta(hours=1)


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    cancelled: int = 0
    lost_lease: int = 0  # sent, but another worker had taken the row over (lease expired)


class _SlowDown(Exception):
    """Telegram's flood control: nothing more may be sent until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


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
        self._running = asyncio.Lock()
        self._stopping = False
        self._pruned_at: datetime | None = None

    def stop(self) -> None:
        """Shutting down: the message being sent finishes, the rest of the batch is released
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
        await self._prune()
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

    async def _prune(self) -> None:
        """Housekeeping: forget processed update ids Telegram can no longer re-deliver."""
        now = self.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        pruned = await self.store.prune_processed_updates(now - PROCESSED_UPDATES_KEPT)
        if pruned:
            log.info("pruned %s processed update ids", pruned)

    async def _send_batch(self, rows: Sequence[rem.ClaimedReminder], stats: DispatchStats) -> bool:
        """Send one claimed batch, one reminder at a time (see ``SQLITE_MARK_GROUP``); False
        when Telegram asked us to slow down (the rest of the batch is then deferred)."""
        people = await rem.recipients(self.store, [r.user_id for r in rows])
        ordered = _interleave(rows)
        halted = False
        async with rem.outcomes(self.store, group=SQLITE_MARK_GROUP) as out:
            for index, row in enumerate(ordered):
                if self._stopping:
                    await self._hold(ordered[index:], self.clock.now(), out, stats, "released")
                    break
                person = people.get(row.user_id)
                if person is None or not await self._deliverable(row, person, out, stats):
                    continue
                try:
                    reachable = await self._deliver(row, person, out, stats)
                except _SlowDown as flood:
                    await self._hold(ordered[index:], flood.until, out, stats)
                    halted = True
                    break
                if not reachable:  # blocked: their other rows in this batch are cancelled
                    people[row.user_id] = replace(person, active=False)
        stats.sent -= out.lost  # grouped marks whose lease had meanwhile gone elsewhere
        stats.lost_lease += out.lost
        return not halted

    async def _deliver(
        self,
        row: rem.ClaimedReminder,
        person: rem.Recipient,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> bool:
        """Send one reminder and record the outcome; False if the user blocked the bot.

        Raises ``_SlowDown`` on a 429 (the reminder stays planned).
        """
        try:
            await self._send(row, person)
        except Forbidden as exc:
            await self._blocked(row, person, exc, out, stats)
            return False
        except RetryAfter as exc:
            raise _SlowDown(self._flood(exc)) from exc
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
        return True

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
        # Its buttons act on the reminder's company (if the user still belongs to it).
        await self.sender.send(person.external_id, reply.text, bind(reply.buttons, row.company_id))

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

    def _flood(self, exc: RetryAfter) -> datetime:
        seconds = retry_after_seconds(exc)
        if self.limiter is not None:
            self.limiter.pause(seconds)
        log.warning("Telegram flood control: %s", exc)
        return self.clock.now() + timedelta(seconds=seconds)

    async def _hold(
        self,
        rows: Sequence[rem.ClaimedReminder],
        until: datetime,
        out: rem.Outcomes,
        stats: DispatchStats,
        why: str = "",
    ) -> None:
        """After a 429 the rest of the batch waits as told (deferred, not failed); at shutdown
        it is released at once for another process."""
        wait = (until - self.clock.now()).total_seconds()
        reason = "released at shutdown" if why else f"retry after {wait:g}s"
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


async def pop_due_for_user(
    store: Store, user: User | Any, now: datetime, kb: Knowledge | None = None
) -> list[Reply]:
    """The terminal's delivery: claim this user's due reminders, mark them sent, return them.

    ``user`` is anything with ``channel`` and ``external_id`` (a ``flows.state.User`` or the
    service's ``Who``). The user is chatting right now, so night-time catch-ups show too.
    Called after every terminal message: when nothing is due it costs one indexed read.
    """
    person = await rem.recipient_by_identity(store, user.channel, user.external_id, due_by=now)
    if person is None or not person.reminders_opt_in:
        return []
    rules = (kb or load_knowledge()).rules
    await rem.cancel_superseded(store, now, user_id=person.id)
    worker = f"chat:{person.channel}:{person.id}"
    rows = await rem.claim_due(store, worker, now, 50, channel=None, user_id=person.id)
    stale = [r for r in rows if is_stale(r, now)]
    shown = [r for r in rows if r not in stale]
    async with rem.outcomes(store) as out:
        await out.cancel([r.id for r in stale], "stale: the date has passed")
        await out.sent_all([r.id for r in shown], worker, now)
    replies = [render_reminder(view_of(r), rules, _lang(person.lang), now) for r in shown]
    for reply, row in zip(replies, shown, strict=True):
        reply.buttons = bind(reply.buttons, row.company_id)
    return replies
