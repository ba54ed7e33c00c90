"""Sending to Telegram within its limits: the ``Sender`` seam, a rate limiter, 429s.

Used by the reminder dispatcher (``bot.dispatcher``); tests replace ``Sender`` with recorders.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from flows.types import Button


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


def retry_after_seconds(exc: RetryAfter) -> float:
    """PTB 22 gives an int (deprecated, warns) or a timedelta with PTB_TIMEDELTA=true."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
