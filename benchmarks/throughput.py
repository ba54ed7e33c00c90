"""Cost per update: the full application against a bare python-telegram-bot echo handler.

    python benchmarks/throughput.py [--users 10000] [--onboard 1000] [--updates 5000]
                                    [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                                    [--http]

Seeding: ``--onboard`` users are onboarded through the real application (``/start``, name,
headcount, then the industry, sites and stage buttons they are shown, then "start the
assessment"), on a fresh database; every one of them ends in the quick assessment with its
question on screen. The database is then filled up to ``--users`` users by copying those
users' rows (every table, fresh ids, their own Telegram ids and companies): volume for the
memory and index figures without onboarding 100,000 users one update at a time.

Each measured run gets its own copy of that database and its own process (so peak RSS is the
run's, read when its updates are done, before the checks that follow them): the real
``Application`` around the real ``Assistant``, the recording fake Bot API (no network),
updates fed through PTB's update processor ``--concurrency`` at a time from users drawn at
random. The mix: commands, assessment answers (a press of one of the answer buttons
the user was last shown, bound to their company by ``flows.callbacks``), "what's next" typed,
and free-text FAQ questions. "non-FAQ" runs leave the questions out (the target is about
those); "full" runs keep them. Any handler error, a press answered as stale or refused, or a
press that stored no answer, fails the run loudly. The baseline is a bare PTB ``Application``
whose one handler sends a reply, fed the same way. Figures are printed next to the targets of
issue 11; nothing here asserts a speed.

``--http`` also posts the mix over loopback to one ``ipms serve`` process (and, with ``--pg``,
to two sharing the database).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib
import json
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from array import array
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the shared fake Bot API lives in tests/support

importlib.import_module("bot")  # first, as in `ipms`: httpx without its CLI (bot.http_client)
import yaml  # noqa: E402
from pydantic import SecretStr  # noqa: E402

# benchmarks/ is on sys.path when this runs as a script
from reminders_bench import pg_admin  # type: ignore[import-not-found]  # noqa: E402
from sqlalchemy import String, cast, func, insert, literal, literal_column, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, TypeHandler  # noqa: E402

from bot.assembly import freeze_heap, make_assistant, warm_knowledge  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.telegram_app import PerChatUpdateProcessor, build_application  # noqa: E402
from flows.callbacks import decode, encode, scope  # noqa: E402
from knowledge.texts import load_catalogue  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AnswerRecord, AppUser, CompanyRecord  # noqa: E402
from storage.repo import Store  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402
from tests.support.updates import callback_update, message_update  # noqa: E402

TOKEN = "123456789:BenchmarkToken_abcdefghijklmnop"
BASE_ID = 7_000_000_000  # Telegram id of user n (1-based) is BASE_ID + n
MIXES = {
    "non-FAQ": (("command", 0.35), ("button", 0.40), ("next", 0.25)),
    "full": (("command", 0.30), ("button", 0.30), ("next", 0.20), ("faq", 0.20)),
}
COMMANDS = ("/status", "/next", "/help", "/journey", "/plan")
NEXT = {
    "en": ("what's next", "next step?", "what should I do now"),
    "zh": ("下一步", "接下来做什么"),
}
INDUSTRIES = ("manufacturing", "electronics", "software", "biomed", "chemicals", "services")
TARGETS = (
    "targets (issue 11): non-FAQ updates on SQLite >= 1,000/s in-process with p99 <= 10 ms "
    "(a quarter of the bare-echo rate or better); FAQ p99 within the FAQ issue's budget; "
    "RSS <= 150 MB with 100,000 users and flat in the number of users"
)
Keyboard = tuple[int, list[str]]  # (message id, callback data of its buttons)


# --- the recording Bot API, keeping what each user was last shown ---------------------------


def _buttons(params: dict[str, Any]) -> list[str]:
    raw = params.get("reply_markup")
    if not raw:
        return []
    markup = raw if isinstance(raw, dict) else json.loads(str(raw))
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


class BenchApi(FakeBotApi):
    """The shared fake, counting only; remembers each chat's latest keyboard and its latest
    assessment keyboard, and counts replies that say a press was stale or refused.

    ``compact``: keep only the buttons a measured run presses (the first of the latest
    keyboard, the first three answers of the assessment's), so that what the harness holds
    per user it has seen stays small next to what the bot holds (the memory target is the
    bot's)."""

    def __init__(self, compact: bool = False) -> None:
        super().__init__(record=False)
        self.compact = compact
        self.latest: dict[int, Keyboard] = {}
        self.assess: dict[int, Keyboard] = {}
        texts = load_catalogue()
        self.refusals = {texts.t(lang, key) for lang in ("zh", "en")
                         for key in ("stale_button", "ws_denied")}  # fmt: skip
        self.refused = 0

    def forget(self, chat: int) -> None:
        self.latest.pop(chat, None)
        self.assess.pop(chat, None)

    async def answer(
        self, name: str, params: dict[str, Any], files: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        status, body = await super().answer(name, params, files)
        if name in ("sendMessage", "editMessageText") and status == 200:
            self.refused += params.get("text") in self.refusals
            datas = _buttons(params)
            if datas:
                chat = int(params["chat_id"])
                message_id = int(json.loads(body)["result"]["message_id"])
                answers = [d for d in datas if "|as.answer|" in d]
                if self.compact:
                    datas, answers = datas[:1], answers[:3]
                self.latest[chat] = (message_id, datas)
                if answers:
                    self.assess[chat] = (message_id, answers if self.compact else datas)
        return status, body


# --- feeding updates through the application ----------------------------------------------


@dataclass
class Driver:
    """Feeds updates through PTB's update processor and times each one, per kind."""

    app: Application  # type: ignore[type-arg]
    api: BenchApi
    next_id: int = 1
    errors: list[str] = field(default_factory=list)
    times: dict[str, array[float]] = field(default_factory=lambda: defaultdict(lambda: array("d")))

    def __post_init__(self) -> None:
        if self.app is not None:  # None: updates go over HTTP (``run_http``)
            self.app.add_error_handler(self._failed)

    async def _failed(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(f"{type(context.error).__name__}: {context.error}")

    async def send(self, kind: str, make: Callable[[int], dict[str, Any]]) -> None:
        update_id, self.next_id = self.next_id, self.next_id + 1
        update = Update.de_json(make(update_id), self.app.bot)
        start = time.perf_counter()
        await self.app.update_processor.process_update(update, self.app.process_update(update))
        self.times[kind].append(time.perf_counter() - start)


def _lang(n: int) -> str:
    return "en" if n % 2 else "zh"


def _text(n: int, value: str) -> Callable[[int], dict[str, Any]]:
    code = "en" if _lang(n) == "en" else "zh-hans"
    return lambda uid: message_update(uid, text=value, user_id=BASE_ID + n, lang=code)


def _press(n: int, board: Keyboard, data: str) -> Callable[[int], dict[str, Any]]:
    code = "en" if _lang(n) == "en" else "zh-hans"
    return lambda uid: callback_update(uid, data, board[0], user_id=BASE_ID + n, lang=code)


async def pooled(jobs: list[Callable[[], Awaitable[None]]], concurrency: int) -> float:
    """Run ``jobs`` ``concurrency`` at a time, in order; the wall time."""
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()
            # Each update reaches a server through the event loop: let other tasks run in
            # between (a burst handled without ever yielding would starve them, e.g. the
            # SQLite WAL checkpoints that run beside the updates).
            await asyncio.sleep(0)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


def make_app(url: str, store: Store, api: BenchApi) -> Application:  # type: ignore[type-arg]
    settings = Settings(_env_file=None, telegram_token=SecretStr(TOKEN), database_url=url)  # type: ignore[call-arg]
    kb = warm_knowledge()
    freeze_heap()  # as the serving commands do after warm-up
    assistant = make_assistant(settings, store, kb, telegram=True)
    return build_application(settings, assistant, request=api, updater=None, rate_limiter=None)


def _check(driver: Driver, what: str) -> None:
    if driver.errors or driver.api.refused:
        sample = "\n  ".join(sorted(set(driver.errors))[:5])
        raise SystemExit(
            f"{what}: {len(driver.errors)} handler errors, {driver.api.refused} presses "
            f"refused as stale or foreign\n  {sample}"
        )


# --- seeding: real onboarding, then copies --------------------------------------------------


async def onboard(driver: Driver, n: int) -> None:
    """User ``n`` from /start to the first assessment question, as a user would tap it."""
    api, chat = driver.api, BASE_ID + n

    async def tap(marker: str) -> None:
        board = api.latest.get(chat, (0, []))
        data = next((d for d in board[1] if marker in d), None)
        if data is None:
            raise SystemExit(f"user {n}: no {marker!r} button among {board[1]}")
        await driver.send("onboarding", _press(n, board, data))

    for value in ("/start", f"Bench Co {n}", str(5 + n % 300)):
        await driver.send("onboarding", _text(n, value))
    await tap(f"|ob|industry|{INDUSTRIES[n % len(INDUSTRIES)]}")
    await tap("|ob|sites|1")
    await tap(f"|ob|stage|{'building' if n % 3 else 'not_started'}")
    await tap("|as.start")
    if chat not in api.assess:
        raise SystemExit(f"user {n}: no assessment question after onboarding")


async def seed(url: str, onboarded: int, copies: int, out: Path) -> None:
    """Onboard ``onboarded`` users through the app, then copy them ``copies`` times."""
    await upgrade(url)
    store = Store(create_engine(url))
    api = BenchApi()
    app = make_app(url, store, api)
    driver = Driver(app, api)
    async with app:
        jobs = [lambda n=n: onboard(driver, n) for n in range(1, onboarded + 1)]
        elapsed = await pooled(jobs, 16)
    _check(driver, "onboarding")
    await store.close()
    count = sum(len(t) for t in driver.times.values())
    print(f"seeded: {onboarded:,} users onboarded through the app ({count:,} updates, "
          f"{count / elapsed:,.0f}/s)", file=sys.stderr)  # fmt: skip
    engine = create_engine(url)
    try:
        company_span = await replicate(engine, onboarded, copies)
    finally:
        await engine.dispose()
    boards = {str(chat - BASE_ID): board for chat, board in api.assess.items()}
    out.write_text(json.dumps({"boards": boards, "company_span": company_span}))


_USER_REFS = {"user_id", "assignee_id", "created_by", "used_by"}
_COMPANY_REFS = {"company_id", "current_company_id"}


async def replicate(engine: Any, onboarded: int, copies: int) -> int:
    """Copy every onboarded user with all their rows ``copies`` times; copy g of user n is
    user n + g * onboarded, with ids shifted by g times each table's span. Returns the
    company id span (copy g of company c is c + g * span)."""
    tables = [t for t in SQLModel.metadata.sorted_tables if "id" in t.c]
    async with engine.begin() as conn:
        dialect = conn.dialect.name
        spans = {t.name: int((await conn.execute(select(func.max(t.c.id)))).scalar() or 0)
                 for t in tables}  # fmt: skip
        for g in range(1, copies + 1):
            for table in tables:
                if not spans[table.name]:
                    continue
                exprs = [_shifted(table, c.name, g, spans, onboarded, dialect) for c in table.c]
                rows = select(*exprs).where(table.c.id <= spans[table.name])
                await conn.execute(insert(table).from_select([c.name for c in table.c], rows))
        if conn.dialect.name == "postgresql":  # ids were given explicitly: move sequences on
            for table in tables:
                await conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                ))  # fmt: skip
            await conn.execute(text("ANALYZE"))
    return spans["company"]


def _shifted(
    table: Any, name: str, g: int, spans: dict[str, int], onboarded: int, dialect: str
) -> Any:
    column = table.c[name]
    if name == "id":
        return column + g * spans[table.name]
    if name in _USER_REFS:
        return column + g * spans["app_user"]
    if name in _COMPANY_REFS:
        return column + g * spans["company"]
    if name == "telegram_id":
        return column + g * onboarded
    if table.name == "app_user" and name == "external_id":
        return cast(table.c.telegram_id + g * onboarded, String)
    if table.name == "company" and name == "name":
        return column + literal(f" #{g}")
    if table.name == "app_user" and name == "pending":  # the question's company moves too
        return _pending_shifted(column, g * spans["company"], dialect)
    return column


def _pending_shifted(column: Any, shift: int, dialect: str) -> Any:
    """``pending`` with its ``company_id`` shifted (SQL NULL and JSON null stay so)."""
    if dialect == "sqlite":
        old = "json_extract(pending, '$.company_id')"
        moved = f"json_set(pending, '$.company_id', {old} + {shift})"
        return literal_column(
            f"CASE WHEN json_type(pending, '$.company_id') = 'integer' THEN {moved} "
            "ELSE pending END"
        )
    moved = (
        "jsonb_set(pending::jsonb, '{company_id}', "
        f"to_jsonb((pending->>'company_id')::bigint + {shift}))::json"
    )
    return literal_column(
        f"CASE WHEN pending->>'company_id' IS NOT NULL THEN {moved} ELSE pending END"
    )


def board_of(n: int, seeded: dict[str, Any], onboarded: int) -> Keyboard:
    """The assessment keyboard user ``n`` was left with (copies: rebound to their company)."""
    template = (n - 1) % onboarded + 1
    g = (n - 1) // onboarded
    message_id, datas = seeded["boards"][str(template)]
    if not g:
        return message_id, datas
    rebound = []
    for data in datas:
        cb = decode(data)
        assert cb is not None and cb.company is not None, data
        rebound.append(scope(encode(cb.verb, *cb.args), cb.company + g * seeded["company_span"]))
    return message_id, rebound


# --- the workload -------------------------------------------------------------------------


def faq_questions() -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / "benchmarks/data/dev_part1.yaml").read_text())
    out: dict[str, list[str]] = {"zh": [], "en": []}
    for item in data:
        if item.get("expect"):
            out[item["lang"]].append(item["q"])
    return out


def plan(n: int, users: int, mix: str, seed_: int) -> list[tuple[str, int, int]]:
    """``n`` (kind, user, random pick) triples."""
    rng = random.Random(seed_)
    kinds = MIXES[mix]
    picks = rng.choices([k for k, _ in kinds], [w for _, w in kinds], k=n)
    return [(kind, rng.randint(1, users), rng.randrange(1 << 30)) for kind in picks]


class Workload:
    """Turns planned (kind, user) pairs into updates; one user's updates never overlap."""

    def __init__(self, driver: Driver, seeded: dict[str, Any], onboarded: int) -> None:
        self.driver = driver
        self.seeded = seeded
        self.onboarded = onboarded
        self.faq = faq_questions()
        self.busy: dict[int, asyncio.Lock] = {}
        self.waiting: dict[int, int] = {}
        self.presses: set[int] = set()  # users who pressed an answer button
        self.left: Counter[int] | None = None

    def expect(self, items: list[tuple[str, int, int]]) -> None:
        """From now on ``items`` are run: a user's keyboards are forgotten after their last
        update of it, so the harness holds them only for users it will see again (the
        memory measured is the bot's)."""
        self.left = Counter(n for _, n, _ in items)

    async def one(self, kind: str, n: int, pick: int) -> None:
        lock = self.busy.setdefault(n, asyncio.Lock())
        self.waiting[n] = self.waiting.get(n, 0) + 1
        try:
            async with lock:
                await self.driver.send(kind, self._make(kind, n, pick))
        finally:
            self.waiting[n] -= 1
            if not self.waiting[n]:  # idle users' locks go: the harness stays small
                del self.waiting[n], self.busy[n]
            if self.left is not None:
                self.left[n] -= 1
                if self.left[n] <= 0:
                    del self.left[n]
                    self.driver.api.forget(BASE_ID + n)

    def _make(self, kind: str, n: int, pick: int) -> Callable[[int], dict[str, Any]]:
        lang = _lang(n)
        if kind == "command":
            return _text(n, COMMANDS[pick % len(COMMANDS)])
        if kind == "next":
            return _text(n, NEXT[lang][pick % len(NEXT[lang])])
        if kind == "faq":
            return _text(n, self.faq[lang][pick % len(self.faq[lang])])
        chat = BASE_ID + n
        board = self.driver.api.assess.get(chat) or board_of(n, self.seeded, self.onboarded)
        answers = [d for d in board[1] if "|as.answer|" in d][:3]  # yes, partly, no
        if not answers:  # done with the quick set: press what is on screen
            board = self.driver.api.latest[chat]
            answers = board[1][:1]
        self.presses.add(n)
        self.driver.api.assess.pop(chat, None)  # pressed: the next question replaces it
        return _press(n, board, answers[pick % len(answers)])


async def run_app(
    url: str, users: int, onboarded: int, n: int, mix: str, concurrency: int, seeded_file: Path
) -> dict[str, Any]:
    seeded = json.loads(seeded_file.read_text())
    store = Store(create_engine(url))
    api = BenchApi(compact=True)
    app = make_app(url, store, api)
    driver = Driver(app, api, next_id=1_000_000)
    work = Workload(driver, seeded, onboarded)
    async with app:
        warm = plan(min(200, n), users, mix, seed_=1)
        await pooled([lambda t=t: work.one(*t) for t in warm], concurrency)
        driver.times.clear()
        items = plan(n, users, mix, seed_=29490)
        jobs = [lambda t=t: work.one(*t) for t in items]  # made before: not the run's memory
        work.expect(items)
        rss_before, cpu = _rss_now(), time.process_time()
        profile = os.environ.get("IPMS_BENCH_PROFILE")  # a file: cProfile the measured run
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        elapsed = await pooled(jobs, concurrency)
        cpu = time.process_time() - cpu
        peak = _rss_now("VmHWM:")  # the run's: before the checks below, which are not the bot
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{profile}.{mix}.{concurrency}")
    _check(driver, f"{mix} run")
    stored = await _answers_of(store, work.presses)
    await store.close()
    if stored < len(work.presses):
        raise SystemExit(f"{len(work.presses) - stored} users pressed an answer none was stored")
    result = _summary(driver.times, elapsed, api.count, cpu)
    result["peak_rss_with_checks_mb"] = result["peak_rss_mb"]
    result["rss_before_mb"], result["peak_rss_mb"] = rss_before, peak
    return result


async def _answers_of(store: Store, users: set[int]) -> int:
    """How many of ``users`` have at least one stored answer."""
    ids = [str(BASE_ID + n) for n in users]
    async with store.session() as session:
        stmt = (
            select(func.count(func.distinct(AppUser.id)))
            .join(CompanyRecord, CompanyRecord.id == AppUser.current_company_id)
            .join(AnswerRecord, AnswerRecord.company_id == CompanyRecord.id)
            .where(AppUser.external_id.in_(ids))  # type: ignore[attr-defined]
        )
        return int((await (await session.connection()).execute(stmt)).scalar() or 0)


async def run_echo(users: int, n: int, mix: str, concurrency: int) -> dict[str, Any]:
    """The baseline: PTB with one handler that sends a reply (no database, no flows)."""
    api = BenchApi()

    async def echo(update: Update, _: Any) -> None:
        chat = update.effective_chat
        if chat is not None:
            await update.get_bot().send_message(chat.id, "echo")

    app = (
        Application.builder().token(TOKEN).request(api).updater(None)
        .concurrent_updates(PerChatUpdateProcessor()).build()
    )  # fmt: skip
    app.add_handler(TypeHandler(Update, echo))
    driver = Driver(app, api)
    board: Keyboard = (1, ["2@1|as.answer|A01|y"])

    def make(kind: str, n: int) -> Callable[[int], dict[str, Any]]:
        return _press(n, board, board[1][0]) if kind == "button" else _text(n, "/status")

    async with app:
        for seed_, count in ((1, min(200, n)), (29490, n)):  # a warm-up, then the measure
            driver.times.clear()
            items = plan(count, users, mix, seed_=seed_)
            jobs = [lambda k=k, u=u: driver.send(k, make(k, u)) for k, u, _ in items]
            cpu = time.process_time()
            elapsed = await pooled(jobs, concurrency)
            cpu = time.process_time() - cpu
    _check(driver, "echo")
    return _summary(driver.times, elapsed, api.count, cpu)


def _summary(
    times: Mapping[str, Sequence[float]], elapsed: float, calls: int, cpu: float | None = None
) -> dict[str, Any]:
    """Rates and percentiles; ``cpu``: this process's CPU seconds for the run (the machine
    is shared, so the CPU per update moves less from run to run than the wall clock)."""
    every = [t for ts in times.values() for t in ts]
    non_faq = [t for k, ts in times.items() if k != "faq" for t in ts]
    return {
        "updates": len(every),
        "per_second": len(every) / elapsed,
        "kinds": {k: _percentiles(ts) for k, ts in sorted(times.items())},
        "non_faq": _percentiles(non_faq),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bot_api_calls": calls,
        "cpu_ms": None if cpu is None else cpu / len(every) * 1000,
    }


def _percentiles(ts: Sequence[float]) -> dict[str, float]:
    if len(ts) < 2:
        return {"n": len(ts), "p50_ms": 0.0, "p99_ms": 0.0}
    q = statistics.quantiles(ts, n=100)
    return {"n": len(ts), "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000}


def _rss_now(field: str = "VmRSS:") -> float:
    """This process's resident memory now (``VmHWM:``: its peak so far), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


# --- over HTTP: ipms serve processes ------------------------------------------------------


async def run_http(
    url: str, users: int, onboarded: int, n: int, processes: int, seeded_file: Path
) -> dict[str, Any]:
    """Post the full mix to ``processes`` ``ipms serve`` processes (round robin)."""
    sys.path.insert(0, str(ROOT / "tests/serve"))
    from serve_harness import SECRET_HEADERS, fake_api_over_http, metric, serve_process

    seeded = json.loads(seeded_file.read_text())
    api = BenchApi()
    tmp = Path(tempfile.mkdtemp())
    # Without this, Telegram's 30 messages/s (PTB's AIORateLimiter) is what gets measured.
    quiet = {"IPMS_LOG_LEVEL": "WARNING", "IPMS_TELEGRAM_RATE_LIMIT": "false"}
    async with contextlib.AsyncExitStack() as stack:
        base = await stack.enter_async_context(fake_api_over_http(api))
        ps = [
            await stack.enter_async_context(serve_process(url, base, tmp / f"s{i}.log", **quiet))
            for i in range(processes)
        ]
        turn = iter(range(1 << 62))

        class Poster(Driver):
            async def send(self, kind: str, make: Callable[[int], dict[str, Any]]) -> None:
                update_id, self.next_id = self.next_id, self.next_id + 1
                client = ps[next(turn) % len(ps)].client
                start = time.perf_counter()
                r = await client.post("/telegram", json=make(update_id), headers=SECRET_HEADERS)
                self.times[kind].append(time.perf_counter() - start)
                if r.status_code != 200:
                    self.errors.append(f"HTTP {r.status_code}: {r.text[:200]}")

        driver = Poster(app=None, api=api, next_id=10_000_000 * processes)  # type: ignore[arg-type]
        work = Workload(driver, seeded, onboarded)
        elapsed = await pooled(
            [lambda t=t: work.one(*t) for t in plan(n, users, "full", seed_=processes)], 16
        )
        for p in ps:
            body = (await p.client.get("/metrics")).text
            errors = sum(metric(body, "ipms_update_errors_total", f'kind="{k}"')
                         for k in ("message", "callback_query"))  # fmt: skip
            driver.errors += [f"{p.log.name}: handler error"] * int(errors)
        rss = [_rss_mb(p.proc.pid) for p in ps]
    _check(driver, f"HTTP x{processes}")
    result = _summary(driver.times, elapsed, api.count)
    result["peak_rss_mb"] = max(rss)
    return result


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- fresh databases ----------------------------------------------------------------------


class Databases:
    """A seeded database per engine and a fresh copy of it for every run."""

    def __init__(self, pg_admin: str | None) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ipms-bench-"))
        self.pg_admin = pg_admin
        self.pg_names: list[str] = []

    def new(self, engine: str, template: str | None = None) -> str:
        name = f"ipms_bench_{uuid.uuid4().hex[:10]}"
        if engine == "sqlite":
            path = self.tmp / f"{name}.db"
            if template is not None:
                shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite+aiosqlite:///{path}"
        assert self.pg_admin is not None
        clause = f' TEMPLATE "{make_url(template).database}"' if template else ""
        asyncio.run(pg_admin(self.pg_admin, f'CREATE DATABASE "{name}"{clause}'))
        self.pg_names.append(name)
        return make_url(self.pg_admin).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        for name in self.pg_names:
            assert self.pg_admin is not None
            asyncio.run(pg_admin(self.pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- driver ---------------------------------------------------------------------------------


def _child(args: argparse.Namespace) -> None:
    logging.disable(logging.ERROR)  # errors are counted by the run; tracebacks would drown it
    seeded = Path(args.seeded or os.devnull)
    onboarded, copies = args.onboard, max(0, -(-args.users // args.onboard) - 1)
    users = onboarded * (copies + 1)
    if args.child == "seed":
        asyncio.run(seed(args.url, onboarded, copies, seeded))
        return
    if args.child == "echo":
        result = asyncio.run(run_echo(users, args.updates, args.mix, args.concurrency))
    elif args.child == "app":
        result = asyncio.run(
            run_app(args.url, users, onboarded, args.updates, args.mix, args.concurrency, seeded)
        )
    else:
        result = asyncio.run(
            run_http(args.url, users, onboarded, args.http_updates, int(args.child[4:]), seeded)
        )
    print(json.dumps(result))


def _run_child(kind: str, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--users", str(args.users),
           "--onboard", str(args.onboard), "--updates", str(args.updates),
           "--http-updates", str(args.http_updates)]  # fmt: skip
    for name, value in extra.items():
        cmd += [f"--{name.replace('_', '-')}", str(value)]
    env = {**os.environ, "IPMS_LOG_LEVEL": "ERROR"}
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed (exit {done.returncode})")
    out = done.stdout.strip().splitlines()
    return dict(json.loads(out[-1])) if out else {}


def _print(name: str, r: dict[str, Any], echo: dict[str, Any] | None = None) -> None:
    ratio = f" = {r['per_second'] / echo['per_second']:.3f} x bare echo" if echo else ""
    before = f" (RSS {r['rss_before_mb']:.0f} MB before the run)" if "rss_before_mb" in r else ""
    cpu = f"; CPU {r['cpu_ms']:.2f} ms per update" if r.get("cpu_ms") else ""
    print(f"\n{name}: {r['updates']} updates at {r['per_second']:,.0f}/s{ratio}{cpu}; "
          f"peak RSS {r['peak_rss_mb']:.0f} MB{before}")  # fmt: skip
    rows = (
        [("non-FAQ", r["non_faq"]), *r["kinds"].items()]
        if "faq" in r["kinds"]
        else [*r["kinds"].items()]
    )
    for kind, p in rows:
        print(f"  {kind:<9} p50 {p['p50_ms']:8.2f} ms  p99 {p['p99_ms']:8.2f} ms  (n={p['n']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000, help="users in the database")
    parser.add_argument("--onboard", type=int, default=1_000, help="of them onboarded live")
    parser.add_argument("--updates", type=int, default=5_000, help="updates per measured run")
    parser.add_argument("--http-updates", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--mixes", nargs="+", default=list(MIXES), choices=list(MIXES))
    parser.add_argument("--pg", help="a PostgreSQL URL whose server we may create databases on")
    parser.add_argument("--http", action="store_true", help="also measure over HTTP")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--seeded", default="", help=argparse.SUPPRESS)
    parser.add_argument("--mix", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.concurrency = args.concurrency[0]
        _child(args)
        return
    args.onboard = min(args.onboard, args.users)
    users = args.onboard * -(-args.users // args.onboard)
    print(TARGETS)
    print(f"{users:,} users in the database ({args.onboard:,} onboarded through the app, the "
          f"rest copies of them); {args.updates:,} updates per run")  # fmt: skip
    echo = {}
    for c in args.concurrency:
        echo[c] = _run_child("echo", args, mix="non-FAQ", concurrency=c)
        _print(f"bare PTB echo handler, {c} at a time (baseline)", echo[c])
    dbs = Databases(args.pg)
    try:
        engines = ["sqlite", *(["postgresql"] if args.pg else [])]
        for engine in engines:
            seeded = dbs.tmp / f"{engine}.json"
            template = dbs.new(engine)
            _run_child("seed", args, url=template, seeded=seeded)
            name = "SQLite" if engine == "sqlite" else "PostgreSQL"
            for mix in args.mixes:
                for c in args.concurrency:
                    url = dbs.new(engine, template)
                    r = _run_child("app", args, url=url, seeded=seeded, mix=mix, concurrency=c)
                    _print(f"full application, {name}, {mix} mix, {c} at a time", r, echo[c])
            if args.http:
                for processes in (1, 2) if engine == "postgresql" else (1,):
                    url = dbs.new(engine, template)
                    r = _run_child(f"http{processes}", args, url=url, seeded=seeded)
                    _print(f"HTTP, {processes} ipms serve, {name}, full mix", r)
    finally:
        dbs.close()


if __name__ == "__main__":
    main()
