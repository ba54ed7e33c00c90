"""Test doubles for in-process Telegram tests: a scripted assistant and update builders.

The recording Bot API is the project's one fake, ``tests.support.fake_bot_api.FakeBotApi``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.clock import FakeClock
from bot.config import Settings
from bot.service import Who
from bot.telegram_app import build_application
from flows.types import Button, Document, Event, EventKind, Reply
from tests.support import updates
from tests.support.fake_bot_api import BOT_USER, FakeBotApi
from tests.support.updates import tg_user

TOKEN = "123456789:AAFakeTokenForTests_x9Yz-SECRETPART"
USER_ID = 4242


class MemoryStore:
    def __init__(self) -> None:
        self.claimed: set[int] = set()
        self.active: dict[str, bool] = {}

    async def claim_update(self, update_id: int) -> bool:
        if update_id in self.claimed:
            return False
        self.claimed.add(update_id)
        return True

    async def set_user_active(self, channel: str, external_id: str, active: bool) -> None:
        self.active[f"{channel}:{external_id}"] = active


LANG_BUTTONS = [[Button("中文", "2|lang|zh"), Button("English", "2|lang|en")]]
SECRET_DETAIL = "internal detail: db password=hunter2"


class StandInAssistant:
    """Scripted replies standing in for ``bot.service.Assistant`` (adapter tests only)."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FakeClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
        self.seen: list[tuple[Who, Event]] = []

    async def handle(self, who: Who, event: Event) -> list[Reply]:
        self.seen.append((who, event))
        if event.kind is EventKind.UNSUPPORTED:
            return [Reply(f"我只能读文字 / I can only read text ({event.value})")]
        if event.kind is EventKind.BUTTON:
            return self._button(event.value)
        if event.kind is EventKind.COMMAND:
            return self._command(event.value, event.args)
        if event.value == "boom":
            raise RuntimeError(SECRET_DETAIL)
        return [Reply(f"You said: {event.value}")]

    def _button(self, data: str) -> list[Reply]:
        if data in ("2|lang|zh", "2|lang|en"):
            chosen = "中文" if data == "2|lang|zh" else "English"
            return [Reply(f"Choose your language: ✅ {chosen}", edit=True), Reply("Company name?")]
        return [
            Reply("That button is from an earlier message. Where you are:", buttons=LANG_BUTTONS)
        ]

    def _command(self, name: str, args: str) -> list[Reply]:
        if name == "start":
            return [Reply("Welcome! Choose your language:", buttons=LANG_BUTTONS)]
        if name == "long":
            paragraph = "这是一段很长的说明。" * 40
            return [Reply("\n\n".join([paragraph] * 30), buttons=LANG_BUTTONS)]
        if name == "export":
            doc = Document("ipms-export.json", b'{"company": "ACME"}', "application/json", "Data")
            return [Reply("Here is your data.", document=doc)]
        if name == "calendar":
            ics = Document("ipms-calendar.ics", b"BEGIN:VCALENDAR", "text/calendar")
            return [Reply("Your calendar: 3 dates", document=ics)]
        if name == "boom":
            raise RuntimeError(SECRET_DETAIL)
        return [Reply(f"command {name} {args}".strip())]


# --- Telegram-shaped update dicts ---------------------------------------------------------


def _user(user_id: int, lang: str | None) -> dict[str, Any]:
    return tg_user(user_id, lang)


def message_update(update_id: int, *, user_id: int = USER_ID, **kwargs: Any) -> dict[str, Any]:
    return updates.message_update(update_id, user_id=user_id, **kwargs)


def callback_update(
    update_id: int, data: str, message_id: int, *, text: str = "", user_id: int = USER_ID
) -> dict[str, Any]:
    return updates.callback_update(update_id, data, message_id, text=text, user_id=user_id)


def member_update(update_id: int, status: str, user_id: int = USER_ID) -> dict[str, Any]:
    def member(s: str) -> dict[str, Any]:
        return {"status": s, "user": BOT_USER} | ({"until_date": 0} if s == "kicked" else {})

    old = "member" if status == "kicked" else "kicked"
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": {"id": user_id, "type": "private"},
            "from": _user(user_id, None),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(status),
        },
    }


# --- the real Application around a fake Bot API ------------------------------------------


def make_settings(**extra: Any) -> Settings:
    return Settings(_env_file=None, telegram_token=SecretStr(TOKEN), **extra)  # type: ignore[call-arg]


@dataclass
class TgEnv:
    app: Application  # type: ignore[type-arg]
    fake: FakeBotApi
    assistant: Any
    errors: list[BaseException]

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one update to the end (handlers and error handlers have finished)."""
        await self.app.process_update(Update.de_json(data, self.app.bot))


async def open_env(assistant: Any) -> AsyncIterator[TgEnv]:
    fake = FakeBotApi()
    app = build_application(
        make_settings(), assistant, request=fake, get_updates_request=fake, updater=None
    )
    errors: list[BaseException] = []

    async def collect(_: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            errors.append(context.error)

    app.add_error_handler(collect)  # runs after the adapter's own error handler
    async with app:
        yield TgEnv(app, fake, assistant, errors)
