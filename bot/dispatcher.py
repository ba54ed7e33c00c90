"""Send due reminders: claim rows, render, send, mark; restart- and multi-instance-safe.

Reminders go out as one digest per user per run (at the company's hour, so once a day),
with a separate message only for a risk to the certificate (``flows.digest``): a batch
claims all of each of its users' due rows, and the rows a message carries are marked sent
together right after it went out. Each row is sent exactly once; a crash between a send and
its mark re-sends that one message once.

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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.clock import Clock
from bot.reminder_delivery import (
    Message,
    by_user,
    company_names,
    follow_ups,
    hold_until,
    is_stale,
    lang_of,
    messages_for,
    paused_rows,
    pop_due_for_user,
    quiet_until,
)
from bot.sending import RateLimiter, Sender, TelegramSender, retry_after_seconds
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.repo import Store

log = logging.getLogger(__name__)

__all__ = [  # TelegramSender and RateLimiter live in bot.sending; importable from here too
    "DispatchStats", "Dispatcher", "RateLimiter", "Sender", "TelegramSender", "is_stale",
    "pop_due_for_user", "quiet_until",
]  # fmt: skip

# Duplicates after a crash (kill -9, power cut) between sending a message and recording it:
# messages go out one at a time, the rows each one carries recorded before the next is sent,
# so a kill re-sends at most the one message in flight (one person's digest, or one risk),
# on PostgreSQL and SQLite alike. tests/crash/test_reminder_kill.py holds the bound.
# Processed Telegram update ids are kept this long (Telegram stops re-delivering after 24 h)
# and pruned at most this often, from the reminder tick.
PROCESSED_UPDATES_KEPT = timedelta(hours=48)
PRUNE_EVERY = timedelta(hours=1)


@dataclass
class DispatchStats:
    claimed: int = 0
    messages: int = 0  # messages sent (a digest carries many rows)
    sent: int = 0  # rows delivered
    failed: int = 0
    deferred: int = 0
    cancelled: int = 0
    lost_lease: int = 0  # sent, but another worker had taken the row over (lease expired)


class _SlowDown(Exception):
    """Telegram's flood control: nothing more may be sent until ``until``."""

    def __init__(self, until: datetime, unsent: list[rem.ClaimedReminder]) -> None:
        super().__init__(until)
        self.until = until
        self.unsent = unsent  # the person's rows not sent yet


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
                self.store, self.worker_id, now, self.batch, self.lease,
                channel=self.channel, whole_users=True,
            )  # fmt: skip
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
        """Send one claimed batch, person by person; False when Telegram asked us to slow
        down (what was not sent is then deferred)."""
        people = await rem.recipients(self.store, [r.user_id for r in rows])
        queue = list(by_user(rows).items())
        async with rem.outcomes(self.store) as out:
            for index, (user_id, mine) in enumerate(queue):
                rest = [r for _, later in queue[index + 1 :] for r in later]
                if self._stopping:
                    await self._hold([*mine, *rest], self.clock.now(), out, stats, "released")
                    return True
                person = people.get(user_id)
                if person is None:
                    continue
                deliverable = await self._deliverable(mine, person, out, stats)
                try:
                    await self._deliver(deliverable, person, out, stats)
                except _SlowDown as flood:
                    await self._hold([*flood.unsent, *rest], flood.until, out, stats)
                    return False
        return True

    async def _deliver(
        self,
        rows: Sequence[rem.ClaimedReminder],
        person: rem.Recipient,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        """Send a person's messages, recording the rows of each as it goes out.

        Raises ``_SlowDown`` on a 429 (the rows not sent stay planned).
        """
        if not rows:
            return
        names = await company_names(self.store, rows)  # a consultant's several companies
        now = self.clock.now()
        messages = messages_for(rows, self.kb.rules, lang_of(person.lang), now, names)
        for n, message in enumerate(messages):
            try:
                await self._send(message, person)
            except Forbidden as exc:
                await self._blocked(message.rows, person, exc, out, stats)
                return
            except RetryAfter as exc:
                unsent = [r for m in messages[n:] for r in m.rows]
                raise _SlowDown(self._flood(exc), unsent) from exc
            except BadRequest as exc:
                for row in message.rows:
                    await out.failed(row.id, self.worker_id, f"bad request: {exc}")
                stats.failed += len(message.rows)
            except (NetworkError, TelegramError, OSError) as exc:
                await self._retry_later(message.rows, exc, out, stats)
            except Exception as exc:  # a bug must not stall the rest of the batch
                log.exception("sending reminders %s failed", [r.id for r in message.rows])
                await self._retry_later(message.rows, exc, out, stats)
            else:
                await out.follow(follow_ups(message.rows, self.kb.rules, now))
                ids = [r.id for r in message.rows]
                marked = await out.sent_all(ids, self.worker_id, self.clock.now())
                stats.messages += 1
                stats.sent += marked
                stats.lost_lease += len(ids) - marked

    async def _deliverable(
        self,
        rows: Sequence[rem.ClaimedReminder],
        person: rem.Recipient,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> list[rem.ClaimedReminder]:
        """The rows to send now: none for someone unreachable or asleep, no stale ones, no
        digest on a weekend or public holiday (a risk to the certificate goes out)."""
        now = self.clock.now()
        reason = None
        if not person.active:
            reason = "recipient inactive"
        elif not person.reminders_opt_in:
            reason = "recipient opted out"
        if reason is not None:
            stats.cancelled += await out.cancel([r.id for r in rows], reason)
            return []
        paused = paused_rows(rows, person, self.kb.rules)
        stats.cancelled += await out.cancel([r.id for r in paused], "paused by the user")
        stale = [r for r in rows if is_stale(r, now) and r not in paused]
        stats.cancelled += await out.cancel([r.id for r in stale], "stale: the date has passed")
        live = [r for r in rows if r not in stale and r not in paused]
        # Not at night (the next morning) and no digest on a day off (the next working day).
        held = {r.id: u for r in live if (u := hold_until(r, now, self.kb.rules)) is not None}
        for row in live:
            if row.id in held:
                await out.defer(row.id, held[row.id], None, self.worker_id)
        stats.deferred += len(held)
        return [r for r in live if r.id not in held]

    async def _send(self, message: Message, person: rem.Recipient) -> None:
        if self.limiter is not None:
            await self.limiter.acquire(person.external_id)
        await self.sender.send(person.external_id, message.reply.text, message.reply.buttons)

    async def _blocked(
        self,
        rows: Sequence[rem.ClaimedReminder],
        person: rem.Recipient,
        exc: Exception,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        for row in rows:
            await out.failed(row.id, self.worker_id, f"{rem.FORBIDDEN_PREFIX}{exc}")
        await self.store.set_user_active(person.channel, person.external_id, False)
        stats.cancelled += await out.stop_user(person.id, "recipient blocked the bot")
        stats.failed += len(rows)
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
        rows: Sequence[rem.ClaimedReminder],
        exc: Exception,
        out: rem.Outcomes,
        stats: DispatchStats,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        for row in rows:
            if row.attempts >= self.max_attempts:
                await out.failed(row.id, self.worker_id, f"gave up: {error}")
                stats.failed += 1
                continue
            delay = min(self.backoff * 2 ** max(row.attempts - 1, 0), self.max_backoff)
            await out.defer(row.id, self.clock.now() + delay, error, self.worker_id)
            stats.deferred += 1
