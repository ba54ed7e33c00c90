"""Test doubles for in-process Telegram tests: a recording Bot API and a scripted assistant.

``FakeTelegram`` is a ``telegram.request.BaseRequest`` (PTB's public extension point): PTB's
real ``Bot`` serialises every call, the fake records it and answers with canned JSON, so the
real ``Application`` runs without any network.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, RequestData

from bot.clock import FakeClock
from bot.config import Settings
from bot.service import Who
from bot.telegram_app import build_application
from flows.types import Button, Document, Event, EventKind, Reply

TOKEN = "123456789:AAFakeTokenForTests_x9Yz-SECRETPART"
BOT_USER = {"id": 666, "is_bot": True, "first_name": "IPMS Bot", "username": "ipms_test_bot"}
USER_ID = 4242


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)


class FakeTelegram(BaseRequest):
    """Records Bot API calls; ``fail_next[method] = (status, description)`` injects an error."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.fail_next: dict[str, tuple[int, str]] = {}
        self._ids = itertools.count(1000)

    def _message(self, p: dict[str, Any]) -> dict[str, Any]:
        mid = int(p["message_id"]) if "message_id" in p else next(self._ids)
        m = {
            "message_id": mid,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(p.get("chat_id", 0)), "type": "private"},
        }
        return m | {k: p[k] for k in ("text", "caption", "reply_markup") if k in p}

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data else {}
        self.calls.append(Call(name, params, files))
        if name in self.fail_next:
            status, description = self.fail_next.pop(name)
            body = {"ok": False, "error_code": status, "description": description}
            return status, json.dumps(body).encode()
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name.startswith(("send", "edit")) and name != "sendChatAction":
            result = self._message(params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def named(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    def outgoing(self) -> list[Call]:
        """What the user would see: messages, edits and documents, in order."""
        return self.named("sendMessage", "editMessageText", "sendDocument")


class MemoryStore:
    def __init__(self) -> None:
        self.claimed: set[int] = set()
        self.active: dict[str, bool] = {}

    async def claim_update(self, update_id: int) -> bool:
        if update_id in self.claimed:
            return False
        self.claimed.add(update_id)
        return True

    async def set_user_active(
        self, channel: str, external_id: str, active: bool, *, update_id: int | None = None
    ) -> None:
        if update_id is None or await self.claim_update(update_id):
            self.active[f"{channel}:{external_id}"] = active


LANG_BUTTONS = [[Button("中文", "lang:zh"), Button("English", "lang:en")]]
SECRET_DETAIL = "internal detail: db password=hunter2"


class StandInAssistant:
    """Scripted replies standing in for ``bot.service.Assistant`` (adapter tests only)."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FakeClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
        self.seen: list[tuple[Who, Event]] = []

    async def handle(self, who: Who, event: Event, update_id: int | None = None) -> list[Reply]:
        if update_id is not None and not await self.store.claim_update(update_id):
            return []  # as the real service: a repeated update is dropped
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
        if data in ("lang:zh", "lang:en"):
            chosen = "中文" if data == "lang:zh" else "English"
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
    u: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Li", "last_name": "Wei"}
    return u | ({"language_code": lang} if lang else {})


def message_update(
    update_id: int,
    *,
    text: str | None = None,
    user_id: int = USER_ID,
    lang: str | None = "zh-hans",
    chat_type: str = "private",
    key: str = "message",
    **content: Any,
) -> dict[str, Any]:
    chat_id = user_id if chat_type == "private" else -100123
    msg: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "from": _user(user_id, lang),
        "chat": {"id": chat_id, "type": chat_type},
        **content,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if key == "edited_message":
        msg["edit_date"] = int(time.time())
    return {"update_id": update_id, key: msg}


def callback_update(
    update_id: int, data: str, message_id: int, *, text: str = "", user_id: int = USER_ID
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": _user(user_id, "zh-hans"),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {"id": user_id, "type": "private"},
                "text": text,
            },
        },
    }


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
    fake: FakeTelegram
    assistant: Any
    errors: list[BaseException]

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one update to the end (handlers and error handlers have finished)."""
        await self.app.process_update(Update.de_json(data, self.app.bot))


async def open_env(assistant: Any) -> AsyncIterator[TgEnv]:
    fake = FakeTelegram()
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
