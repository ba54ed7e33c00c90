"""A scripted multi-user conversation fed to ``ipms serve`` processes, and the final state.

Each user's updates go out one after another (as Telegram sends them), alternating between
the processes; different users run at the same time. Two moments are deliberately
concurrent: one button pressed twice at once (two update ids, one to each process) and one
update delivered to both processes at once (the same update id, as after a timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from serve_harness import ServeProcess, buttons_of, fake_api_over_http, post_update, serve_process
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi
from tests.support.updates import callback_update, message_update

USERS = [5_400_000_000 + i for i in range(4)]
PRESSES = 6  # onboarding answers, then what "next" offers
APOLOGY = "Sorry, something went wrong"
_VOLATILE = {"id", "user_id", "company_id", "telegram_id", "joined", "current_company_id"}


@dataclass
class Outcome:
    states: dict[int, Any]
    apologies: list[str]


class Script:
    def __init__(self, api: FakeBotApi, clients: list[httpx.AsyncClient]) -> None:
        self.api = api
        self.clients = clients
        self._ids = itertools.count(1)
        self._turn = itertools.count()

    def _client(self) -> httpx.AsyncClient:
        return self.clients[next(self._turn) % len(self.clients)]

    async def _send(self, update: dict[str, Any], client: httpx.AsyncClient | None = None) -> None:
        response = await post_update(client or self._client(), update)
        assert response.status_code == 200, response.text

    def _last_buttons(self, user: int) -> list[str]:
        for call in reversed(self.api.calls):
            mine = int(call.params.get("chat_id", 0)) == user
            data = buttons_of(call.params) if mine else []
            if data and call.method in ("sendMessage", "editMessageText"):
                return data
        raise AssertionError(f"no keyboard for {user}")

    async def user(self, user: int) -> None:
        text = lambda t: message_update(next(self._ids), text=t, user_id=user, lang="en")  # noqa: E731
        await self._send(text("/start"))
        await self._send(text(f"Acme {user}"))
        for _ in range(PRESSES):
            await self._press(user)
        await self._double_press(user)
        await self._delivered_twice(text("/status"))
        await self._send(text("/plan"))

    async def _press(self, user: int) -> None:
        data = self._last_buttons(user)[0]
        await self._send(callback_update(next(self._ids), data, 1, user_id=user, lang="en"))

    async def _double_press(self, user: int) -> None:
        data = self._last_buttons(user)[0]
        presses = [
            callback_update(next(self._ids), data, 1, user_id=user, lang="en") for _ in range(2)
        ]
        if len(self.clients) == 1:  # one process: one after the other
            for press in presses:
                await self._send(press, self.clients[0])
            return
        await asyncio.gather(
            *(self._send(p, c) for p, c in zip(presses, self.clients, strict=True))
        )

    async def _delivered_twice(self, update: dict[str, Any]) -> None:
        if len(self.clients) == 1:
            await self._send(update, self.clients[0])
            await self._send(update, self.clients[0])
            return
        await asyncio.gather(*(self._send(update, c) for c in self.clients))

    async def run(self) -> None:
        await asyncio.gather(*(self.user(u) for u in USERS))


async def _final_states(url: str) -> dict[int, Any]:
    store = await Store.open(url)
    try:
        return {u: _stable(await store.export_user("telegram", str(u))) for u in USERS}
    finally:
        await store.close()


def _stable(value: Any) -> Any:
    """The export without row ids and timestamps (they differ between any two runs)."""
    if isinstance(value, dict):
        return {
            k: _stable(v) for k, v in value.items() if k not in _VOLATILE and not k.endswith("_at")
        }
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


async def _play(url: str, tmp: Path, processes: int) -> Outcome:
    api = FakeBotApi()
    async with fake_api_over_http(api) as base:
        async with _processes(url, base, tmp, processes) as served:
            await Script(api, [s.client for s in served]).run()
        for s in served:
            assert "Traceback" not in s.output(), s.output()
    apologies = [str(c.params["text"]) for c in api.named("sendMessage")]
    return Outcome(await _final_states(url), [t for t in apologies if APOLOGY in t])


@contextlib.asynccontextmanager
async def _processes(url: str, base: str, tmp: Path, n: int) -> AsyncIterator[list[ServeProcess]]:
    async with contextlib.AsyncExitStack() as exits:
        yield [
            await exits.enter_async_context(serve_process(url, base, tmp / f"serve{n}-{i}.log"))
            for i in range(n)
        ]


async def run_script_on_two(url: str, tmp: Path) -> Outcome:
    return await _play(url, tmp, 2)


async def run_script_on_one(url: str, tmp: Path) -> Outcome:
    await _reset(url)
    return await _play(url, tmp, 1)


async def _reset(url: str) -> None:
    """Empty the database (same server, same schema) for the one-process reference run."""
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    await upgrade(url)


if __name__ == "__main__":  # a look at what the test compares: python two_process.py URL
    import json
    import sys
    import tempfile

    async def _show(url: str) -> None:
        await _reset(url)
        outcome = await run_script_on_two(url, Path(tempfile.mkdtemp()))
        print(json.dumps(outcome.states[USERS[0]], ensure_ascii=False, default=str, indent=1))

    asyncio.run(_show(sys.argv[1]))
