"""Reminder benchmarks: planning, dispatch throughput, and the rate limiter's pace.

    python benchmarks/reminders_bench.py                      # full size (takes minutes)
    python benchmarks/reminders_bench.py --companies 5000 --reminders 5000 --limited 200

1. Planning for N certified companies (surveillance, recertification, expiry and the yearly
   internal audit / management review each): pure planning time, peak memory of holding
   the whole plan (tracemalloc), and the time to insert the rows into SQLite.
2. Dispatching M due reminders through PTB's real ``Bot`` over an in-process recording
   Bot API (no network) without the rate limiter: reminders per second on SQLite, and on
   PostgreSQL when ``IPMS_TEST_PG_URL`` is set (a temporary database is created).
3. K reminders to K chats with the rate limiter on: achieved rate vs the 30/s ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url
from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/support: the fake Bot API

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, TelegramSender
from flows.dates import add_months
from flows.schedule import all_events, plan_reminders
from flows.state import Certificate, Company
from knowledge.loader import load_knowledge
from knowledge.schema import Rules
from storage import reminders as rem
from storage.migrate import upgrade
from storage.models import AppUser, CompanyRecord, Membership
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York")
TOKEN = "123456:BENCH"


# --- 1. planning --------------------------------------------------------------------------


def company(i: int) -> Company:
    """A certified company; issue dates spread over the last three years."""
    issued = date(2024, 1, 1) + timedelta(days=i % 1060)
    cert = Certificate(
        number=f"C{i}",
        issued=issued,
        decision_date=issued - timedelta(days=5),
        expires=add_months(issued, 36) - timedelta(days=1),
    )
    return Company(id=i + 1, name=f"Co {i}", certificate=cert, timezone=ZONES[i % 3])


def plan_one(i: int, rules: Rules) -> list[Any]:
    c = company(i)
    return plan_reminders(c, all_events(c, rules), rules, NOW, [i + 1])


def bench_planning(n: int, rules: Rules) -> list[Any]:
    start = time.perf_counter()
    count = sum(len(plan_one(i, rules)) for i in range(n))
    elapsed = time.perf_counter() - start
    print(f"planning: {n:,} companies -> {count:,} reminders in {elapsed:.2f} s")
    print(f"  {n / elapsed:,.0f} companies/s, {count / elapsed:,.0f} reminders/s")
    tracemalloc.start()
    chunk = [r for i in range(min(n, 1000)) for r in plan_one(i, rules)]
    _, chunk_peak = tracemalloc.get_traced_memory()
    del chunk
    tracemalloc.reset_peak()
    kept = [r for i in range(n) for r in plan_one(i, rules)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory (tracemalloc): {chunk_peak / 2**20:,.1f} MiB per 1,000-company chunk,")
    per = peak / max(len(kept), 1)
    print(f"  {peak / 2**20:,.0f} MiB holding the whole plan ({per:,.0f} B/reminder)")
    return kept


async def bench_insert(n: int, planned: list[Any], url: str) -> None:
    await upgrade(url)
    store = await Store.open(url)
    try:
        start = time.perf_counter()
        async with store.engine.begin() as conn:
            users = [
                {"id": i + 1, "channel": "telegram", "external_id": str(i + 1)} for i in range(n)
            ]
            await conn.execute(insert(AppUser), [_user(u) for u in users])
            await conn.execute(insert(CompanyRecord), [_company(i) for i in range(n)])
            await conn.execute(
                insert(Membership),
                [
                    {"user_id": i + 1, "company_id": i + 1, "role": "owner", "created_at": NOW}
                    for i in range(n)
                ],
            )
        setup = time.perf_counter() - start
        start = time.perf_counter()
        chunk = 20_000
        for at in range(0, len(planned), chunk):
            rows = [_row(p) for p in planned[at : at + chunk]]
            async with store.engine.begin() as conn:
                await rem.insert_rows(conn, rows)
        elapsed = time.perf_counter() - start
        print(
            f"  insert into SQLite: {len(planned):,} rows in {elapsed:.1f} s "
            f"({len(planned) / elapsed:,.0f} rows/s; users+companies {setup:.1f} s)"
        )
    finally:
        await store.close()


def _user(u: dict[str, Any]) -> dict[str, Any]:
    return u | {
        "display_name": "", "lang": "en", "lang_chosen": True, "reminders_opt_in": True,
        "active": True, "is_admin": False, "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _company(i: int) -> dict[str, Any]:
    return {
        "id": i + 1, "name": f"Co {i}", "industry": "", "phase": "maint",
        "timezone": ZONES[i % 3], "reminder_hour": 9, "onboarded": True,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _row(p: Any) -> dict[str, Any]:
    return {
        "company_id": p.user_id, "user_id": p.user_id, "channel": "telegram",
        "event_key": p.event_key, "kind": p.kind, "lead_days": p.lead_days,
        "event_date": p.event_date, "due_at": p.due_at, "dedup_key": p.dedup_key,
        "title_zh": p.title_zh, "title_en": p.title_en, "step_id": p.step_id,
        "timezone": ZONES[(p.user_id - 1) % 3],
    }  # fmt: skip


# --- 2. and 3. dispatch -------------------------------------------------------------------


def due_rows(m: int, users: int) -> Iterator[dict[str, Any]]:
    for i in range(m):
        u = i % users + 1
        yield {
            "company_id": u, "user_id": u, "channel": "telegram", "event_key": f"e{i}",
            "kind": "surveillance", "lead_days": 30, "event_date": date(2026, 12, 27),
            "due_at": NOW - timedelta(seconds=i % 3600), "dedup_key": f"e{i}|30|2026-12-27",
            "title_zh": f"第{i}次", "title_en": f"Event {i}", "step_id": "maint.surveillance",
            "timezone": "Asia/Shanghai",
        }  # fmt: skip


async def seed(url: str, m: int, users: int) -> Store:
    await upgrade(url)
    store = await Store.open(url)
    async with store.engine.begin() as conn:
        await conn.execute(
            insert(AppUser),
            [
                _user({"id": u, "channel": "telegram", "external_id": str(10_000 + u)})
                for u in range(1, users + 1)
            ],
        )
        await conn.execute(insert(CompanyRecord), [_company(u - 1) for u in range(1, users + 1)])
        rows = list(due_rows(m, users))
        for at in range(0, len(rows), 20_000):
            await rem.insert_rows(conn, rows[at : at + 20_000])
    async with store.engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE reminder")  # as autovacuum would after a bulk load
    return store


async def dispatch(
    url: str, m: int, users: int, *, limited: bool, batch: int
) -> tuple[float, float]:
    """Seed ``m`` due reminders, send them all; reminders per wall second and per CPU second.

    The CPU figure (this process only) shows the cost independent of other load on the box.
    """
    store = await seed(url, m, users)
    try:
        api = FakeBotApi(record=False)
        async with Bot(TOKEN, request=api, get_updates_request=api) as bot:
            d = Dispatcher(
                store, load_knowledge(), TelegramSender(bot), FakeClock(NOW), "bench",
                batch=batch, rate_limit=limited,
            )  # fmt: skip
            start, cpu = time.perf_counter(), time.process_time()
            stats = await d.run_once()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        counts = await rem.count_by_status(store)
        # Every row once; one digest message per chat.
        assert stats.sent == m == counts.get(rem.SENT), (stats, counts)
        assert api.sent == stats.messages == users, (stats, api.sent)
        return m / elapsed, m / cpu
    finally:
        await store.close()


async def pg_admin(admin_url: str, sql: str) -> None:
    """Run one statement (CREATE / DROP DATABASE) on the admin database of ``admin_url``."""
    import asyncpg

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        database=url.database or "postgres",
    )  # fmt: skip
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def with_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"ipms_bench_{uuid.uuid4().hex[:8]}"
    await pg_admin(admin_url, f'CREATE DATABASE "{name}"')
    bench = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
    return bench.render_as_string(hide_password=False), name


async def drop_pg_database(admin_url: str, name: str) -> None:
    await pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def bench_dispatch(args: argparse.Namespace, tmp: Path) -> None:
    m, users = args.reminders, min(args.users, args.reminders)
    rate, cpu = await dispatch(
        f"sqlite+aiosqlite:///{tmp / 'd.db'}", m, users, limited=False, batch=args.batch
    )
    print(f"dispatch, no rate limiter: {m:,} reminders to {users:,} chats, batch {args.batch}")
    print(f"  SQLite:     {rate:,.0f} reminders/s (target >= 2,000/s); {cpu:,.0f} per CPU-second")
    admin = os.environ.get("IPMS_TEST_PG_URL")
    if admin:
        url, name = await with_pg_database(admin)
        try:
            rate, cpu = await dispatch(url, m, users, limited=False, batch=args.batch)
            print(
                f"  PostgreSQL: {rate:,.0f} reminders/s (target >= 2,000/s); "
                f"{cpu:,.0f} per CPU-second"
            )
        finally:
            await drop_pg_database(admin, name)
    else:
        print("  PostgreSQL: skipped (set IPMS_TEST_PG_URL)")
    k = args.limited
    if not k:
        return
    rate, _ = await dispatch(
        f"sqlite+aiosqlite:///{tmp / 'l.db'}", k, k, limited=True, batch=args.batch
    )
    print(f"dispatch, rate limiter on: {k:,} reminders to {k:,} chats")
    print(f"  {rate:.1f} reminders/s = {rate / 30:.0%} of the 30/s ceiling (target >= 90%)")


async def main(args: argparse.Namespace) -> None:
    rules = load_knowledge().rules
    with tempfile.TemporaryDirectory() as tmp:
        if args.companies:
            planned = bench_planning(args.companies, rules)
            await bench_insert(args.companies, planned, f"sqlite+aiosqlite:///{Path(tmp) / 'p.db'}")
            del planned
        if args.reminders:
            await bench_dispatch(args, Path(tmp))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1_000, help="chats the reminders go to")
    parser.add_argument("--limited", type=int, default=1_000, help="reminders with the limiter on")
    parser.add_argument("--batch", type=int, default=500, help="dispatcher batch size")
    asyncio.run(main(parser.parse_args()))
