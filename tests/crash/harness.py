"""Handling updates the way the bot does, in-process or in a worker that may be killed.

``BotProcess`` is the real stack: PTB ``Application`` with the project's adapter
(``bot.telegram_app``), ``Assistant``, ``Store`` on a real database; only the Bot API is a
recorder. ``snapshot`` reads back what a user's updates left behind: their conversation (the
data export), their reminder rows and which of their update ids were processed, without
surrogate keys and timestamps (a killed transaction still consumes sequence numbers).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlmodel import col, select
from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.clock import FakeClock
from bot.service import Assistant
from bot.telegram_app import build_application
from flows.callbacks import decode, encode
from knowledge.loader import load_knowledge
from storage.models import ProcessedUpdate
from storage.reminder_models import Reminder
from storage.reminder_plan import select_columns
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.tg_fakes import callback_update, make_settings, message_update

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai

# An onboarding that ends with a certificate: the expiry date (KILLED) writes the
# certificate, moves the company to maintenance and plans its reminders.
SCENARIO: list[tuple[str, str]] = [
    ("text", "/start"),
    ("text", "Crash Test Co"),
    ("text", "20"),
    ("press", "Software / internet"),
    ("press", "1"),
    ("press", "Certified"),
    ("press", "GB/T 29490-2023"),
    ("text", "IPMS-2026-0001"),
    ("text", "2026-01-15"),
    ("text", "2029-01-14"),
    ("text", "/status"),
]
KILLED = 9


class KillingTelegram(FakeBotApi):
    """``FakeBotApi`` that can die: ``kill="send"`` before Telegram gets the first
    message, ``kill="sent"`` right after Telegram accepted it."""

    def __init__(self, kill: str | None = None) -> None:
        super().__init__()
        self.kill = kill

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        sending = url.endswith(("/sendMessage", "/editMessageText"))
        if sending and self.kill == "send":
            os.kill(os.getpid(), signal.SIGKILL)
        result = await super().do_request(url, method, *args, **kwargs)
        if sending and self.kill == "sent":
            os.kill(os.getpid(), signal.SIGKILL)
        return result


class BotProcess:
    """One bot process: ``async with BotProcess(url) as bot: await bot.handle(update)``."""

    def __init__(self, url: str, kill_on_send: str | None = None) -> None:
        self.url = url
        self.api = KillingTelegram(kill_on_send)
        self.errors: list[str] = []
        self.keyboards: dict[int, dict[str, str]] = {}  # chat -> label -> callback data
        self.texts: list[str] = []

    async def __aenter__(self) -> BotProcess:
        self.store = await Store.open(self.url)
        assistant = Assistant(self.store, load_knowledge(), FakeClock(NOW))
        self.app: Application = build_application(  # type: ignore[type-arg]
            make_settings(), assistant, request=self.api, get_updates_request=self.api,
            updater=None,
        )  # fmt: skip
        self.app.add_error_handler(self._error)
        await self.app.initialize()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.app.shutdown()
        await self.store.close()

    async def _error(self, _: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(repr(context.error))

    async def handle(self, update: dict[str, Any]) -> list[str]:
        """Process one update; the texts the user was sent."""
        seen = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        texts = []
        for call in self.api.calls[seen:]:
            if call.method not in ("sendMessage", "editMessageText"):
                continue
            texts.append(call.params.get("text", ""))
            markup = call.params.get("reply_markup")
            rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
            if rows:
                chat = int(call.params["chat_id"])
                self.keyboards[chat] = {b["text"]: b["callback_data"] for r in rows for b in r}
        self.texts += texts
        return texts


async def deliver(
    url: str, updates: Iterable[dict[str, Any]], *, kill_on_send: str | None = None
) -> BotProcess:
    async with BotProcess(url, kill_on_send) as bot:
        for update in updates:
            await bot.handle(update)
    return bot


def _update(kind: str, value: str, update_id: int, user_id: int) -> dict[str, Any]:
    if kind == "text":
        return message_update(update_id, text=value, user_id=user_id, lang="en")
    return callback_update(update_id, value, message_id=update_id, user_id=user_id)


async def reference_run(
    url: str, user_id: int, first_update_id: int
) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """Run ``SCENARIO`` uninterrupted. Returns it with button labels replaced by the callback
    data of the buttons actually shown (to replay for other users), and each update's
    replies."""
    steps: list[tuple[str, str]] = []
    replies: list[list[str]] = []
    async with BotProcess(url) as bot:
        for n, (kind, value) in enumerate(SCENARIO):
            if kind == "press":
                shown = bot.keyboards.get(user_id, {})
                assert value in shown, f"no button {value!r} among {list(shown)}"
                cb = decode(shown[value])  # replayed for other users: not bound to this
                assert cb is not None  # user's company (their own is the current one)
                value = encode(cb.verb, *cb.args)
            steps.append((kind, value))
            replies.append(await bot.handle(_update(kind, value, first_update_id + n, user_id)))
        assert bot.errors == [], bot.errors
    return steps, replies


def updates_for(steps: list[tuple[str, str]], user_id: int, first_update_id: int) -> list[Any]:
    return [_update(k, v, first_update_id + n, user_id) for n, (k, v) in enumerate(steps)]


_VOLATILE = {"id", "created_at", "updated_at", "company_id", "user_id", "exported_at"}
_VOLATILE |= {"joined", "current_company_id"}  # membership dates, the user's current company


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


async def snapshot(url: str, user_id: int, first_update_id: int) -> dict[str, Any]:
    """The user's stored state, comparable across users and runs."""
    store = await Store.open(url)
    try:
        export = await store.export_user("telegram", str(user_id))
        user = export["user"]
        table = Reminder.__table__  # type: ignore[attr-defined]
        async with store.session() as session:
            stmt = select_columns(table).where(table.c.user_id == user["id"])
            rows = (await session.exec(stmt)).all()
            ids = (await session.exec(select(col(ProcessedUpdate.update_id)))).all()
    finally:
        await store.close()
    for key in ("external_id", "telegram_id", "display_name"):
        user.pop(key)
    reminders = sorted(
        (r.dedup_key, r.status, r.due_at, r.title_zh, r.title_en, r.step_id, r.timezone)
        for r in rows
    )
    span = range(first_update_id, first_update_id + len(SCENARIO))
    return {
        "user": _scrub(user),
        "companies": _scrub(export["companies"]),
        "reminders": reminders,
        "processed": sorted(u - first_update_id for u in ids if u in span),
    }
