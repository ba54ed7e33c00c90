"""One fake Telegram Bot API for tests and benchmarks, in-process or over HTTP.

``FakeBotApi`` is a ``telegram.request.BaseRequest`` (PTB's public extension point): PTB's
real ``Bot`` serialises every call, the fake records it and answers with canned JSON, so the
real ``Application`` runs without any network. ``FakeBotApi.asgi()`` serves the same fake over
HTTP (``IPMS_TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot``) for bots in other processes.

Scripting failures: ``fail_next[method] = (status, description)`` fails the next call of a
method; ``script[chat_id] = [429, TimedOut(...), ...]`` fails the next sends to a chat in
order; ``blocked`` chats get 403 on every send. ``delay`` (seconds) slows every send/edit,
to keep updates in flight. ``record=False`` only counts (benchmarks with many updates).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 666, "is_bot": True, "first_name": "IPMS Bot", "username": "ipms_test_bot"}
_NOT_A_MESSAGE = {"sendChatAction"}
# PTB sends strings as they are and everything else as JSON: these are always strings.
_STRING_FIELDS = {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


class FakeBotApi(BaseRequest):
    """Records Bot API calls and answers like Telegram would (see the module docstring)."""

    def __init__(self, *, record: bool = True, delay: float = 0.0) -> None:
        self.record = record
        self.delay = delay
        self.calls: list[Call] = []
        self.fail_next: dict[str, tuple[int, str]] = {}
        self.script: dict[int, list[int | Exception]] = {}
        self.blocked: set[int] = set()
        self.retry_after = 3
        self.count = 0  # every call, recorded or not
        self.sent = 0  # messages delivered (sendMessage answered ok), recorded or not
        self._ids = itertools.count(1000)

    # --- BaseRequest ----------------------------------------------------------------------

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(  # type: ignore[override]  # timeouts are irrelevant here
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data or {}) if request_data else {}
        return await self.answer(url.rsplit("/", 1)[-1], params, files)

    # --- the Bot API ----------------------------------------------------------------------

    async def answer(
        self, name: str, params: dict[str, Any], files: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        """(HTTP status, JSON body) for one call; raises a scripted exception if told to."""
        self.count += 1
        if name == "getMe":
            return 200, _ok(BOT_USER)
        failure = self._failure(name, params)
        if isinstance(failure, Exception):
            raise failure
        if self.record:
            self.calls.append(Call(name, params, files or {}, ok=failure is None))
        if failure is not None:
            return failure
        if self.delay and name.startswith(("send", "edit")):
            await asyncio.sleep(self.delay)
        result: Any = True
        self.sent += name == "sendMessage"
        if name.startswith(("send", "edit")) and name not in _NOT_A_MESSAGE:
            result = self._message(params)
        return 200, _ok(result)

    def _failure(self, name: str, params: dict[str, Any]) -> tuple[int, bytes] | Exception | None:
        if name in self.fail_next:
            status, description = self.fail_next.pop(name)
            return status, _error(status, description)
        if not name.startswith("send"):
            return None
        chat = int(params.get("chat_id", 0) or 0)
        if chat in self.blocked:
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        queue = self.script.get(chat)
        if not queue:
            return None
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            return outcome
        if outcome == 429:
            retry = {"retry_after": self.retry_after}
            return 429, _error(429, f"Too Many Requests: retry after {self.retry_after}", retry)
        return outcome, _error(outcome, "Bad Request: chat not found")

    def _message(self, p: dict[str, Any]) -> dict[str, Any]:
        mid = int(p["message_id"]) if "message_id" in p else next(self._ids)
        m = {
            "message_id": mid,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(p.get("chat_id", 0) or 0), "type": "private"},
        }
        return m | {k: p[k] for k in ("text", "caption", "reply_markup") if k in p}

    # --- what tests read ----------------------------------------------------------------

    def named(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    def outgoing(self) -> list[Call]:
        """What the user would see: messages, edits and documents, in order."""
        return self.named("sendMessage", "editMessageText", "sendDocument")

    def sent_to(self, chat: int) -> list[dict[str, Any]]:
        """Parameters of the messages delivered to ``chat``."""
        return [
            c.params
            for c in self.calls
            if c.method == "sendMessage" and c.ok and int(c.params["chat_id"]) == chat
        ]

    # --- over HTTP ------------------------------------------------------------------------

    def asgi(self) -> Starlette:
        """A Starlette app serving ``POST /bot<token>/<method>`` from this fake."""

        async def endpoint(request: Request) -> Response:
            params = await _http_params(request)
            status, body = await self.answer(request.path_params["method"], params)
            return Response(body, status, media_type="application/json")

        return Starlette(routes=[Route("/{token}/{method}", endpoint, methods=["GET", "POST"])])


async def _http_params(request: Request) -> dict[str, Any]:
    """PTB posts form fields whose non-string values are JSON; files come as multipart."""
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    if kind.startswith("multipart/form-data"):
        head = f"Content-Type: {kind}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
        pairs = [(k, v.decode(errors="replace")) for k, v in fields.items() if k]
    else:
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
    return {k: _json_or_text(k, v) for k, v in pairs}


def _json_or_text(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json.dumps(body).encode()
