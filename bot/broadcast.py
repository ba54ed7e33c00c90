"""An operator's announcement to the users who opted in (``/broadcast``, admins only).

Sent in the background through the same ``Sender`` and ``RateLimiter`` as reminders
(``bot.sending``: 30 messages/s overall, 1/s per chat). A user who blocked the bot is
flagged inactive (as the reminder dispatcher does); Telegram's 429 pauses the limiter and
the message is tried again; other errors are counted. The administrator gets the figures
when it is done. Not persisted: a restart during a broadcast stops it (the figures are
then not sent either).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.sending import RateLimiter, Sender, retry_after_seconds
from flows.privacy import announcement
from flows.types import Lang
from knowledge.texts import Catalogue
from storage.accounts import NewsRecipient
from storage.repo import Store

log = logging.getLogger(__name__)
MAX_TRIES = 3  # per recipient, when Telegram asks us to slow down


@dataclass
class BroadcastStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0


class Broadcaster:
    def __init__(
        self, store: Store, sender: Sender, texts: Catalogue, limiter: RateLimiter | None = None
    ) -> None:
        self.store = store
        self.sender = sender
        self.texts = texts
        self.limiter = limiter or RateLimiter()
        self._tasks: set[asyncio.Task[BroadcastStats]] = set()

    def start(
        self, text: str, recipients: list[NewsRecipient], report_to: tuple[str, Lang] | None
    ) -> asyncio.Task[BroadcastStats]:
        """Send in the background; the task is kept until it ends."""
        task = asyncio.create_task(self.run(text, recipients, report_to))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def run(
        self, text: str, recipients: list[NewsRecipient], report_to: tuple[str, Lang] | None
    ) -> BroadcastStats:
        stats = BroadcastStats()
        for person in recipients:
            await self._deliver(person, text, stats)
        log.info("broadcast done: %s", stats)
        if report_to is not None:
            chat, lang = report_to
            done = self.texts.t(lang, "broadcast_done", sent=stats.sent,
                                blocked=stats.blocked, failed=stats.failed)  # fmt: skip
            try:
                await self.sender.send(chat, done, [])
            except TelegramError as exc:
                log.warning("could not report the broadcast: %s", type(exc).__name__)
        return stats

    async def _deliver(self, person: NewsRecipient, text: str, stats: BroadcastStats) -> None:
        message = announcement(self.texts, person.lang, text)
        for _ in range(MAX_TRIES):
            await self.limiter.acquire(person.external_id)
            try:
                await self.sender.send(person.external_id, message, [])
            except RetryAfter as exc:
                self.limiter.pause(retry_after_seconds(exc))
                continue
            except Forbidden:
                stats.blocked += 1
                await self.store.set_user_active(person.channel, person.external_id, False)
                return
            except (TelegramError, OSError) as exc:
                log.info("broadcast to user %s failed: %s", person.id, type(exc).__name__)
                stats.failed += 1
                return
            stats.sent += 1
            return
        stats.failed += 1
