"""The user's side of the Bot API emulator (``emulator/emu_ptb.js``), over HTTP.

``EmuClient`` speaks the emulator's client routes (send a message, press a button, read what
the bot sent) and its test-control routes. ``ChatUser`` adds what a person does in a chat:
it keeps the chat as the user sees it (edited messages replaced in place) and presses
buttons by their label, reading the callback data from the message that carries them.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

Record = dict[str, Any]  # a stored bot message: {messageId, message: {text, reply_markup}, ...}


class EmuClient:
    def __init__(
        self,
        base: str,
        token: str,
        user_id: int,
        first_name: str = "Tester",
        language_code: str | None = None,
        chat_type: str = "private",
    ) -> None:
        self.token = token
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        chat_id = user_id if chat_type == "private" else -1000 - user_id
        self.chat: dict[str, Any] = {"id": chat_id, "type": chat_type, "first_name": first_name}
        self.http = httpx.AsyncClient(base_url=base, timeout=10)

    def _msg(self, **fields: Any) -> dict[str, Any]:
        return {
            "botToken": self.token,
            "date": int(time.time()),
            "from": self.user,
            "chat": self.chat,
            **fields,
        }

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self.http.post(path, json=body)
        response.raise_for_status()
        return response.json().get("result")

    async def send_text(self, text: str) -> None:
        await self._post("/sendMessage", self._msg(text=text))

    async def send_command(self, text: str) -> None:
        length = text.find(" ") if " " in text else len(text)
        entities = [{"offset": 0, "length": length, "type": "bot_command"}]
        await self._post("/sendCommand", self._msg(text=text, entities=entities))

    async def send_content(self, **content: Any) -> None:
        """A non-text message, e.g. ``sticker={...}``."""
        await self._post("/sendMessage", self._msg(**content))

    async def send_update(self, update: dict[str, Any]) -> None:
        """Any other update shape, e.g. ``{"edited_message": {...}}``."""
        await self._post("/sendUpdate", {"botToken": self.token, "update": update})

    def edited_message(self, message_id: int, text: str) -> dict[str, Any]:
        msg = self._msg(text=text, message_id=message_id, edit_date=int(time.time()))
        del msg["botToken"]
        return {"edited_message": msg}

    async def press(self, data: str, message_id: int) -> None:
        body = {
            "botToken": self.token,
            "date": int(time.time()),
            "from": self.user,
            "message": {"message_id": message_id, "chat": self.chat, "date": int(time.time())},
            "data": data,
            "chat_instance": str(self.chat["id"]),
        }
        await self._post("/sendCallback", body)

    async def bot_messages(self) -> list[Record]:
        """Bot messages (and edits) to this chat not read yet, in the order they happened."""
        body = {"token": self.token, "chatId": self.chat["id"]}
        records: list[Record] = await self._post("/getUpdates", body)
        return records

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._post(
            "/control/calls", {"method": method} if method else {}
        )
        return result

    async def commands(self) -> dict[str, list[dict[str, str]]]:
        result: dict[str, list[dict[str, str]]] = await self._post(
            "/control/commands", {"token": self.token}
        )
        return result

    async def file_content(self, file_id: str) -> bytes:
        result = await self._post("/control/file", {"file_id": file_id})
        return base64.b64decode(result["base64"])

    async def fail_next(
        self, method: str, code: int, description: str, retry_after: int | None = None
    ) -> None:
        body = {"method": method, "code": code, "description": description}
        await self._post(
            "/control/failNext", body | ({"retry_after": retry_after} if retry_after else {})
        )

    async def reset(self) -> None:
        await self._post("/control/reset", {})

    async def aclose(self) -> None:
        await self.http.aclose()


class UpdateTracker:
    """Counts updates the Application has finished, per chat: no sleeping, no guessing."""

    def __init__(self) -> None:
        self.done: Counter[int] = Counter()
        self._changed = asyncio.Condition()

    async def finished(self, chat_id: int) -> None:
        async with self._changed:
            self.done[chat_id] += 1
            self._changed.notify_all()

    async def wait(self, chat_id: int, count: int, timeout: float = 15.0) -> None:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self.done[chat_id] >= count), timeout
            )


def text_of(record: Record) -> str:
    message = record["message"]
    return str(message.get("text") or message.get("caption") or "")


def buttons_of(record: Record) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button on a stored bot message."""
    markup = record["message"].get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


class ChatUser:
    """One person in a private chat with the bot."""

    def __init__(self, client: EmuClient, tracker: UpdateTracker) -> None:
        self.client = client
        self.tracker = tracker
        self.chat_id: int = client.chat["id"]
        self.sent = 0
        self.view: dict[int, Record] = {}  # message id -> latest version, in order of sending

    async def settle(self) -> list[Record]:
        """Wait until the bot has handled everything this user sent; return what it sent."""
        await self.tracker.wait(self.chat_id, self.sent)
        records = await self.client.bot_messages()
        for record in records:
            self.view[record["messageId"]] = record
        return records

    async def send_only(self, text: str) -> None:
        """Send without waiting for the answer (to interleave users)."""
        if text.startswith("/"):
            await self.client.send_command(text)
        else:
            await self.client.send_text(text)
        self.sent += 1

    async def say(self, text: str) -> list[Record]:
        await self.send_only(text)
        return await self.settle()

    async def send(self, sender: Callable[[], Any]) -> list[Record]:
        """Send something else (sticker, edit...) with ``sender`` and wait for the answer."""
        await sender()
        self.sent += 1
        return await self.settle()

    def find_button(self, label: str, exact: bool = False) -> tuple[Record, str]:
        """The newest message carrying a button whose label matches, and that button's data."""
        for record in reversed(list(self.view.values())):
            for text, data in buttons_of(record):
                if text == label or (not exact and label in text):
                    return record, data
        raise AssertionError(f"no button {label!r}; buttons now: {self.buttons()}")

    def buttons(self) -> list[str]:
        return [label for record in self.view.values() for label, _ in buttons_of(record)]

    async def press(
        self, label: str, exact: bool = False, on: Record | None = None
    ) -> list[Record]:
        if on is None:
            on, data = self.find_button(label, exact)
        else:
            data = next(d for text, d in buttons_of(on) if label in text)
        await self.client.press(data, on["messageId"])
        self.sent += 1
        return await self.settle()

    def last_text(self) -> str:
        return text_of(list(self.view.values())[-1]) if self.view else ""

    def transcript(self) -> str:
        return "\n---\n".join(text_of(r) for r in self.view.values())
