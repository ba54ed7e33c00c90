"""Cost per update: the full application against a bare python-telegram-bot echo handler.

    python benchmarks/throughput.py [--users 10000] [--updates 5000] [--pg URL] [--http]

In-process runs build the real ``Application`` around the real ``Assistant`` on a database
seeded with ``--users`` onboarded users (each in the middle of the gap assessment), fed a
realistic mix through PTB's update processor (16 at a time) with the shared recording fake
Bot API (no network): commands, assessment answers (buttons), "what's next" and free-text
FAQ questions, users drawn at random. The baseline is a bare PTB ``Application`` whose one
handler echoes the text, on the same updates. Each run is its own process, so peak RSS is
that run's. ``--http`` also posts the mix over loopback to one and two ``ipms serve``
processes (two need PostgreSQL: ``--pg``). Figures are printed next to the targets of
issue 11; nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the shared fake Bot API lives in tests/support

import yaml  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, TypeHandler  # noqa: E402

from bot.assembly import make_assistant, warm_knowledge  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.telegram_app import PerChatUpdateProcessor, build_application  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AppUser, CompanyRecord, Membership  # noqa: E402
from storage.repo import Store  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402
from tests.support.updates import callback_update, message_update  # noqa: E402

TOKEN = "123456789:BenchmarkToken_abcdefghijklmnop"
BASE_ID = 7_000_000_000
MIX = (("command", 0.30), ("button", 0.30), ("next", 0.20), ("faq", 0.20))
COMMANDS = ("/status", "/next", "/help", "/journey", "/plan")
NEXT = ("what's next", "下一步", "next step?")
CONCURRENCY = int(os.environ.get("IPMS_BENCH_CONCURRENCY", "16"))  # 1: cost of one update
TARGETS = (
    "targets (issue 11): non-FAQ updates on SQLite >= 1,000/s in-process with p99 <= 10 ms "
    "(a quarter of the bare-echo rate or better); FAQ p99 within the FAQ issue's budget; "
    "RSS <= 150 MB with 100,000 users and flat in the number of users"
)


# --- seeding --------------------------------------------------------------------------------


async def seed(url: str, users: int, first_question: str) -> None:
    """``users`` onboarded users, each with a company and the assessment open at its start."""
    await upgrade(url)
    now = datetime.now(UTC)
    pending = {"flow": "assess", "field": first_question, "data": {}}
    engine = create_engine(url)
    try:
        for start in range(0, users, 5000):
            ids = range(start + 1, min(start + 5000, users) + 1)
            async with engine.begin() as conn:
                await conn.execute(insert(AppUser), [_user(i, pending, now) for i in ids])
                await conn.execute(insert(CompanyRecord), [_company(i, now) for i in ids])
                await conn.execute(
                    insert(Membership),
                    [
                        {"user_id": i, "company_id": i, "role": "owner", "created_at": now}
                        for i in ids
                    ],
                )
        if not url.startswith("sqlite"):
            async with engine.begin() as conn:
                await conn.exec_driver_sql("ANALYZE")  # as autovacuum would after a bulk load
    finally:
        await engine.dispose()


def _user(i: int, pending: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": i, "channel": "telegram", "external_id": str(BASE_ID + i),
        "telegram_id": BASE_ID + i, "display_name": f"User {i}", "lang": "en" if i % 2 else "zh",
        "lang_chosen": True, "reminders_opt_in": True, "active": True, "is_admin": False,
        "pending": pending, "created_at": now, "updated_at": now,
    }  # fmt: skip


def _company(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i, "name": f"Company {i}", "headcount": 30, "industry": "manufacturing",
        "sites": 1, "phase": "prep", "current_step": "prep.gap", "timezone": "Asia/Shanghai",
        "reminder_hour": 9, "onboarded": True, "stage": "not_started",
        "created_at": now, "updated_at": now,
    }  # fmt: skip


# --- the workload ---------------------------------------------------------------------------


def faq_questions() -> list[str]:
    data = yaml.safe_load((ROOT / "benchmarks/data/dev_part1.yaml").read_text())
    return [item["q"] for item in data if item.get("expect")]


Item = tuple[str, dict[str, Any]]  # (kind, update)


def workload(n: int, users: int, questions: list[str], *, seed_: int, first_id: int) -> list[Item]:
    """``n`` updates (ids from ``first_id``); a user's assessment presses follow the order."""
    rng = random.Random(seed_)
    faq = faq_questions()
    progress: dict[int, int] = defaultdict(int)
    out: list[Item] = []
    for update_id in range(first_id, first_id + n):
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        i = rng.randint(1, users)
        uid, lang = BASE_ID + i, "en" if i % 2 else "zh-hans"
        if kind == "button":
            qid = questions[progress[i] % len(questions)]
            progress[i] += 1
            data = f"as:{qid}:{rng.choice('ypn')}"
            out.append((kind, callback_update(update_id, data, 1, user_id=uid, lang=lang)))
            continue
        text = {"command": COMMANDS, "next": NEXT, "faq": faq}[kind]
        out.append((kind, message_update(update_id, text=rng.choice(text), user_id=uid, lang=lang)))
    return out


# --- one in-process run (in its own process) ------------------------------------------------


async def feed(app: Application, items: list[Item]) -> dict[str, list[float]]:  # type: ignore[type-arg]
    """Feed through PTB's update processor, ``CONCURRENCY`` at a time; latency per kind."""
    times: dict[str, list[float]] = defaultdict(list)
    queue: asyncio.Queue[Item] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def worker() -> None:
        while not queue.empty():
            kind, data = queue.get_nowait()
            update = Update.de_json(data, app.bot)
            start = time.perf_counter()
            await app.update_processor.process_update(update, app.process_update(update))
            times[kind].append(time.perf_counter() - start)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return times


async def run_app(url: str, users: int, n: int) -> dict[str, Any]:
    kb = warm_knowledge()
    questions = [q.id for q in kb.questions]
    store = Store(create_engine(url))
    settings = Settings(_env_file=None, telegram_token=SecretStr(TOKEN), database_url=url)  # type: ignore[call-arg]
    api = FakeBotApi(record=False)
    assistant = make_assistant(settings, store, kb, telegram=True)
    app = build_application(settings, assistant, request=api, updater=None, rate_limiter=None)
    items = workload(n, users, questions, seed_=29490, first_id=1)
    async with app:
        warm = workload(200, users, questions, seed_=1, first_id=5_000_000)
        await feed(app, warm)  # connections, caches
        start = time.perf_counter()
        times = await feed(app, items)
        elapsed = time.perf_counter() - start
    await store.close()
    return _summary(times, elapsed, api.count)


async def run_echo(n: int, users: int) -> dict[str, Any]:
    """The baseline: PTB with one handler that echoes the text (no database, no flows)."""
    api = FakeBotApi(record=False)

    async def echo(update: Update, _: Any) -> None:
        chat = update.effective_chat
        if chat is not None:
            await update.get_bot().send_message(chat.id, "echo")

    app = (
        Application.builder().token(TOKEN).request(api).updater(None)
        .concurrent_updates(PerChatUpdateProcessor()).build()
    )  # fmt: skip
    app.add_handler(TypeHandler(Update, echo))
    items = workload(n, users, ["A01"], seed_=29490, first_id=1)
    async with app:
        start = time.perf_counter()
        times = await feed(app, items)
        elapsed = time.perf_counter() - start
    return _summary(times, elapsed, api.count)


def _summary(times: dict[str, list[float]], elapsed: float, calls: int) -> dict[str, Any]:
    every = [t for ts in times.values() for t in ts]
    non_faq = [t for k, ts in times.items() if k != "faq" for t in ts]
    return {
        "updates": len(every),
        "per_second": len(every) / elapsed,
        "kinds": {k: _percentiles(ts) for k, ts in sorted(times.items())},
        "non_faq": _percentiles(non_faq),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bot_api_calls": calls,
    }


def _percentiles(ts: list[float]) -> dict[str, float]:
    if len(ts) < 2:
        return {"n": len(ts), "p50_ms": 0.0, "p99_ms": 0.0}
    q = statistics.quantiles(ts, n=100)
    return {"n": len(ts), "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000}


# --- over HTTP: ipms serve processes ------------------------------------------------------


async def run_http(url: str, users: int, n: int, processes: int) -> dict[str, Any]:
    """Post the mix to ``processes`` ``ipms serve`` processes (round robin, 16 at a time)."""
    sys.path.insert(0, str(ROOT / "tests/serve"))
    from serve_harness import SECRET_HEADERS, fake_api_over_http, serve_process

    questions = [q.id for q in warm_knowledge().questions]
    items = workload(n, users, questions, seed_=processes, first_id=10_000_000 * processes)
    api = FakeBotApi(record=False)
    tmp = Path(tempfile.mkdtemp())
    # Without this, Telegram's 30 messages/s (PTB's AIORateLimiter) is what gets measured.
    quiet = {"IPMS_LOG_LEVEL": "WARNING", "IPMS_TELEGRAM_RATE_LIMIT": "false"}
    async with contextlib.AsyncExitStack() as stack:
        base = await stack.enter_async_context(fake_api_over_http(api))
        ps = [
            await stack.enter_async_context(serve_process(url, base, tmp / f"s{i}.log", **quiet))
            for i in range(processes)
        ]
        clients = [p.client for p in ps]
        times: dict[str, list[float]] = defaultdict(list)
        queue: asyncio.Queue[tuple[int, Item]] = asyncio.Queue()
        for i, item in enumerate(items):
            queue.put_nowait((i, item))

        async def worker() -> None:
            while not queue.empty():
                i, (kind, data) = queue.get_nowait()
                start = time.perf_counter()
                r = await clients[i % len(clients)].post(
                    "/telegram", json=data, headers=SECRET_HEADERS
                )
                assert r.status_code == 200, r.text
                times[kind].append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - start
        rss = [_rss_mb(p.proc.pid) for p in ps]
    result = _summary(times, elapsed, api.count)
    result["peak_rss_mb"] = max(rss)
    return result


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- driver ---------------------------------------------------------------------------------


def _child(args: argparse.Namespace) -> None:
    if args.child == "echo":
        result = asyncio.run(run_echo(args.updates, args.users))
    elif args.child == "app":
        result = asyncio.run(run_app(args.url, args.users, args.updates))
    else:
        result = asyncio.run(run_http(args.url, args.users, args.http_updates, int(args.child[4:])))
    print(json.dumps(result))


def _run_child(kind: str, args: argparse.Namespace, url: str = "") -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--url", url, "--users", str(args.users),
           "--updates", str(args.updates), "--http-updates", str(args.http_updates)]  # fmt: skip
    env = {**os.environ, "IPMS_LOG_LEVEL": "WARNING"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _print(name: str, r: dict[str, Any], echo: dict[str, Any] | None = None) -> None:
    ratio = f" = {r['per_second'] / echo['per_second']:.3f} x bare echo" if echo else ""
    print(f"\n{name}: {r['updates']} updates at {r['per_second']:.0f}/s{ratio}; "
          f"peak RSS {r['peak_rss_mb']:.0f} MB")  # fmt: skip
    for kind, p in [("non-FAQ", r["non_faq"]), *r["kinds"].items()]:
        print(f"  {kind:<9} p50 {p['p50_ms']:8.2f} ms  p99 {p['p99_ms']:8.2f} ms  (n={p['n']})")


async def _prepare_db(url: str, users: int) -> None:
    questions = [q.id for q in warm_knowledge().questions]
    await seed(url, users, questions[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=5_000)
    parser.add_argument("--http-updates", type=int, default=2_000)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (it is filled)")
    parser.add_argument("--http", action="store_true", help="also measure over HTTP")
    parser.add_argument("--http-only", action="store_true", help="only the HTTP runs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    print(TARGETS)
    print(f"{args.users:,} users seeded, {CONCURRENCY} updates at a time, mix {dict(MIX)}")
    echo = _run_child("echo", args)
    _print("bare PTB echo handler (baseline)", echo)
    sqlite = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(_prepare_db(sqlite, args.users))
    if args.pg:
        asyncio.run(_prepare_db(args.pg, args.users))
    if not args.http_only:
        _print("full application, SQLite", _run_child("app", args, sqlite), echo)
        if args.pg:
            _print("full application, PostgreSQL", _run_child("app", args, args.pg), echo)
    if args.http or args.http_only:
        http_db = args.pg or sqlite
        _print(f"HTTP, 1 ipms serve ({'PostgreSQL' if args.pg else 'SQLite'})",
               _run_child("http1", args, http_db), echo)  # fmt: skip
        if args.pg:
            _print("HTTP, 2 ipms serve (PostgreSQL)", _run_child("http2", args, args.pg), echo)


if __name__ == "__main__":
    main()
