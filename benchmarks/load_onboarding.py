"""Load: N users onboarding at once through the real Telegram adapter, service and database.

    python benchmarks/load_onboarding.py                      # 150 users at once, flood
    python benchmarks/load_onboarding.py --users 40 --think 1 # typing pace (1 s between taps)
    python benchmarks/load_onboarding.py --terminal 300       # cost per update: terminal chat
    IPMS_TEST_PG_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test python ...  # + PostgreSQL

Every user sends the onboarding (``/start``, company name, headcount, then the first button
of each question: industry, sites, stage), one free-text question and ``/status``: 8
updates, each sent when the previous one was handled (plus ``--think`` seconds). Updates go
into PTB's update queue as a webhook would put them, so the adapter's per-chat concurrency
is the real one; the Bot API is an in-process recorder. A failure is an update whose handler
raised (the user would get the apology); latency is from queueing an update to its handler
finishing. Target: 0 failures.

``--terminal M`` sends M messages as one terminal-chat user (onboarding, then the first option
of whatever is shown, ``/next`` every tenth message) and prints the time per message.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

# benchmarks/ is on sys.path when this runs as a script
from reminders_bench import (  # type: ignore[import-not-found]
    drop_pg_database,
    with_pg_database,
)
from sqlalchemy import func
from sqlmodel import col, select
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.clock import SystemClock
from bot.config import Settings
from bot.service import Assistant
from bot.telegram_app import build_application
from bot.terminal import TerminalChat
from knowledge.loader import Knowledge, load_knowledge
from storage.models import CompanyRecord
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi

TOKEN = "123456:LOADTEST"
FIRST_USER = 7_100_000_000


def _from(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Load", "language_code": "en"}


def text_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "from": _from(user_id),
        "chat": {"id": user_id, "type": "private"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def press_update(update_id: int, user_id: int, api: FakeBotApi) -> dict[str, Any]:
    assert api.keyboards is not None
    message_id, data = api.keyboards.get(user_id, (0, ["?"]))
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}",
            "from": _from(user_id),
            "chat_instance": str(user_id),
            "data": data[0],
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "text": "",
            },
        },
    }


SCRIPT = (
    "/start",
    "name",
    "20",
    "press",
    "press",
    "press",
    "How long is the certificate valid?",
    "/status",
)


class Load:
    """Feeds updates into a running Application; times each until its handlers finished."""

    def __init__(self, app: Application, api: FakeBotApi) -> None:
        self.app = app
        self.api = api
        self.update_ids = itertools.count(1)
        self.done: dict[int, asyncio.Future[None]] = {}
        self.failures: list[str] = []
        self.latencies: list[float] = []
        app.add_handler(TypeHandler(Update, self._finished), group=1)  # runs after group 0
        app.add_error_handler(self._failed)

    async def _finished(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        future = self.done.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    async def _failed(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.failures.append(f"{type(context.error).__name__}: {context.error}")

    async def user(self, user_id: int, think: float) -> None:
        for step in SCRIPT:
            uid = next(self.update_ids)
            if step == "press":
                raw = press_update(uid, user_id, self.api)
            else:
                raw = text_update(uid, user_id, f"Load Co {user_id}" if step == "name" else step)
            future = self.done[uid] = asyncio.get_running_loop().create_future()
            start = time.perf_counter()
            await self.app.update_queue.put(Update.de_json(raw, self.app.bot))
            try:
                await asyncio.wait_for(future, timeout=120)
            except TimeoutError:
                self.failures.append(f"update {uid} not handled within 120 s")
            self.latencies.append(time.perf_counter() - start)
            if think:
                await asyncio.sleep(think)


async def run_load(url: str, kb: Knowledge, users: int, think: float) -> dict[str, Any]:
    store = await Store.open(url, migrate=True)
    api = FakeBotApi(record=False, keyboards=True)
    settings = Settings(telegram_token=SecretStr(TOKEN), _env_file=None)  # type: ignore[call-arg]
    assistant = Assistant(store, kb, SystemClock())
    app = build_application(
        settings, assistant, request=api, get_updates_request=api, updater=None, rate_limiter=None
    )
    load = Load(app, api)
    try:
        async with app:
            await app.start()
            start = time.perf_counter()
            await asyncio.gather(*(load.user(FIRST_USER + n, think) for n in range(users)))
            elapsed = time.perf_counter() - start
            await app.stop()
        onboarded = await count_onboarded(store)
    finally:
        await store.close()
    lat = sorted(load.latencies)
    return {
        "updates": len(lat),
        "failures": load.failures,
        "p50": statistics.median(lat),
        "p95": lat[int(0.95 * (len(lat) - 1))],
        "max": lat[-1],
        "elapsed": elapsed,
        "onboarded": onboarded,
        "users": users,
    }


async def count_onboarded(store: Store) -> int:
    async with store.session() as session:
        stmt = select(func.count()).select_from(CompanyRecord).where(col(CompanyRecord.onboarded))
        return int((await session.exec(stmt)).one())


def report(label: str, r: dict[str, Any]) -> None:
    failures = r["failures"]
    locked = sum("database is locked" in f for f in failures)
    met = "met" if not failures else "NOT met"
    print(
        f"  {label:<11} [{met}] {len(failures)} failures ({locked} 'database is locked'), "
        f"p50 {r['p50'] * 1000:,.0f} ms, p95 {r['p95'] * 1000:,.0f} ms, "
        f"max {r['max'] * 1000:,.0f} ms; {r['updates'] / r['elapsed']:,.0f} updates/s; "
        f"{r['onboarded']}/{r['users']} onboarded"
    )
    for failure in sorted({f.splitlines()[0] for f in failures})[:5]:
        print(f"    e.g. {failure[:150]}")


async def bench_load(args: argparse.Namespace, kb: Knowledge, tmp: Path) -> None:
    n = args.users
    print(f"load: {n} users x {len(SCRIPT)} updates = {n * len(SCRIPT):,} updates at once, "
          f"think {args.think:g} s (target: 0 failures)")  # fmt: skip
    report("SQLite:", await run_load(f"sqlite+aiosqlite:///{tmp / 'load.db'}", kb, n, args.think))
    admin = os.environ.get("IPMS_TEST_PG_URL")
    if not admin:
        print("  PostgreSQL: skipped (set IPMS_TEST_PG_URL)")
        return
    url, name = await with_pg_database(admin)
    try:
        report("PostgreSQL:", await run_load(url, kb, n, args.think))
    finally:
        await drop_pg_database(admin, name)


async def bench_terminal(messages: int, kb: Knowledge, tmp: Path) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp / 'terminal.db'}", migrate=True)
    try:
        chat = TerminalChat(Assistant(store, kb, SystemClock()), "bench", "en", out=io.StringIO())
        lines = ["/start", "Terminal Co", "20", "1", "1", "1"]
        lines += ["/next" if i % 10 == 0 else "1" for i in range(messages - len(lines))]
        start, cpu = time.perf_counter(), time.process_time()
        for line in lines:
            await chat.send(line)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        await store.close()
    print(f"terminal: {len(lines)} messages on SQLite in {elapsed:.1f} s "
          f"({elapsed / len(lines) * 1000:.1f} ms per message; "
          f"CPU {cpu / len(lines) * 1000:.1f} ms per message)")  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    logging.disable(logging.ERROR)  # failures are counted; their tracebacks would drown the figures
    kb = load_knowledge()
    with tempfile.TemporaryDirectory() as tmp:
        if args.terminal:
            await bench_terminal(args.terminal, kb, Path(tmp))
        if args.users:
            await bench_load(args, kb, Path(tmp))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=150, help="users onboarding at once")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between a user's taps")
    parser.add_argument("--terminal", type=int, default=0, help="terminal messages to time")
    asyncio.run(main(parser.parse_args()))
