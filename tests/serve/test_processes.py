"""``ipms serve`` as deployed: separate processes, signals, memory, a shared PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from serve_harness import (
    HOOK_PATH,
    ServeProcess,
    fake_api_over_http,
    free_port,
    post_update,
    serve_process,
    wait_healthy,
)
from sqlalchemy import select
from two_process import run_script_on_one, run_script_on_two

from bot.clock import SystemClock
from bot.service import Assistant
from flows.state import DatedEvent, Stage
from knowledge.loader import load_knowledge
from storage.migrate import upgrade
from storage.reminder_models import Reminder
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi
from tests.support.updates import message_update

REMINDED = [5_300_000_000 + i for i in range(40)]
CHATTING = [5_300_000_100, 5_300_000_101]


def daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is mid-day now, so reminders are not held for the night."""
    for offset in range(-12, 13):
        name = f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"  # POSIX signs are inverted
        if 11 <= now.astimezone(ZoneInfo(name)).hour <= 17:
            return name
    raise AssertionError("unreachable")


async def seed_due_reminders(url: str, users: list[int]) -> None:
    """Each user's company has its internal audit tomorrow: the 1-day reminder is due now."""
    await upgrade(url)
    store = await Store.open(url)
    assistant = Assistant(store, load_knowledge(), SystemClock())
    zone = daytime_zone(datetime.now(UTC))
    tomorrow = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    try:
        for user in users:
            async with store.conversation("telegram", str(user), lang_hint="en") as h:
                conv = h.conv
                conv.company.name, conv.company.onboarded = f"Co {user}", True
                conv.company.stage, conv.company.timezone = Stage.BUILDING, zone
                audit = DatedEvent(key="internal_audit", kind="internal_audit", on=tomorrow)
                conv.company.events.append(audit)
                await h.save(conv)
            await assistant.replan(conv)
    finally:
        await store.close()


async def reminder_rows(url: str) -> list[Reminder]:
    store = await Store.open(url)
    try:
        async with store.session() as session:
            return list((await session.exec(select(Reminder))).scalars())  # type: ignore[call-overload]
    finally:
        await store.close()


async def test_sigterm_lets_updates_in_flight_finish_and_hands_reminders_back(
    sqlite_url: str, tmp_path: Path
) -> None:
    await seed_due_reminders(sqlite_url, REMINDED)
    api = FakeBotApi(delay=0.4)  # every send takes a while: work is in flight when we stop
    async with (
        fake_api_over_http(api) as base,
        serve_process(
            sqlite_url, base, tmp_path / "serve.log", IPMS_REMINDER_INTERVAL_SECONDS="0.2"
        ) as served,
    ):
        while not any(c.method == "sendMessage" for c in api.calls):
            await asyncio.sleep(0.02)  # the reminder tick is sending
        posts = [
            asyncio.create_task(post_update(served.client, _status(i, user)))
            for i, user in enumerate(CHATTING, start=1)
        ]
        while not all(api.sent_to(u) or _pending(api, u) for u in CHATTING):
            await asyncio.sleep(0.02)  # both updates are being answered
        code = await served.terminate()
        responses = await asyncio.gather(*posts)
    assert code == 0, served.output()
    assert [r.status_code for r in responses] == [200, 200]
    assert all(api.sent_to(u) for u in CHATTING), "the answers in flight were delivered"
    assert "Traceback" not in served.output()
    rows = await reminder_rows(sqlite_url)
    now = datetime.now(UTC)
    sent = [r for r in rows if r.status == "sent"]
    handed_back = [r for r in rows if r.status == "planned" and r.attempts >= 1]
    assert sent and handed_back, "the stop came while the tick was sending its batch"
    assert len(sent) == len(_reminders_sent(api))  # each delivery was recorded, none lost
    for row in handed_back:  # no lease left behind: another process may send them at once
        assert row.lease_until is None or _aware(row.lease_until) <= now


def _status(update_id: int, user: int) -> dict[str, object]:
    return message_update(update_id, text="/status", user_id=user, lang="en")


def _pending(api: FakeBotApi, user: int) -> bool:
    return any(c.method == "sendMessage" and int(c.params["chat_id"]) == user for c in api.calls)


def _reminders_sent(api: FakeBotApi) -> list[dict[str, object]]:
    return [p for u in REMINDED for p in api.sent_to(u)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_unauthenticated_huge_bodies_do_not_grow_memory(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Four 90 MB bodies without the secret, sent in full: refused, and the server's
    resident memory stays where it was (it never buffered them)."""
    await upgrade(sqlite_url)
    async with (
        fake_api_over_http(FakeBotApi()) as base,
        serve_process(sqlite_url, base, tmp_path / "serve.log") as served,
    ):
        pid = served.proc.pid
        before = _rss_kib(pid)
        port = int(served.client.base_url.port or 0)
        statuses = await asyncio.gather(*(_flood(port) for _ in range(4)))
        after = _rss_kib(pid)
        peak = _peak_kib(pid)
    assert statuses == [403] * 4
    assert after - before < 20 * 1024, (before, after)
    assert peak - before < 40 * 1024, (before, peak)


async def _flood(port: int, size: int = 90 * 1024 * 1024) -> int:
    """Announce a huge body, read the verdict (given on the headers), then push the body
    anyway: the server must neither wait for it nor keep it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {HOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    )
    block = b"a" * (1024 * 1024)
    writer.write(head.encode() + block)
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), 30)
    try:  # the server closes the connection: a reset while sending is the expected end
        for _ in range(size // len(block) - 1):
            writer.write(block)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
    except ConnectionError:
        pass
    return int(line.split()[1])


def _status_field(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def _rss_kib(pid: int) -> int:
    return _status_field(pid, "VmRSS")


def _peak_kib(pid: int) -> int:
    return _status_field(pid, "VmHWM")


async def test_health_reports_the_processes_own_view(sqlite_url: str, tmp_path: Path) -> None:
    await upgrade(sqlite_url)
    async with (
        fake_api_over_http(FakeBotApi()) as base,
        serve_process(sqlite_url, base, tmp_path / "serve.log", IPMS_LOG_FORMAT="json") as served,
    ):
        assert (await served.client.get("/healthz")).json() == {"status": "ok"}
        metrics = (await served.client.get("/metrics")).text
        await post_update(served.client, _status(1, CHATTING[0]))
        forged = await served.client.post(HOOK_PATH, json={"update_id": 2})
    assert "process_resident_memory_bytes" in metrics and "ipms_ready 1.0" in metrics
    assert forged.status_code == 403
    _check_json_log(served.output())


async def test_bot_api_down_at_start_is_waited_out_not_a_crash(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Telegram (or the proxy to it) is not answering when the process starts: the process
    stays up, says why on /healthz, and serves once the Bot API answers."""
    await upgrade(sqlite_url)
    api_port = free_port()
    base = f"http://127.0.0.1:{api_port}/bot"  # nothing listens there yet
    async with serve_process(sqlite_url, base, tmp_path / "serve.log", healthy=False) as served:
        health = await _when_problem(served, "Telegram Bot API unreachable")
        assert health.status_code == 503 and health.json()["status"] == "starting"
        assert served.proc.returncode is None  # still running: no restart loop
        refused = await post_update(served.client, _status(1, CHATTING[0]))
        assert refused.status_code == 503  # Telegram delivers it again later
        api = FakeBotApi()
        async with fake_api_over_http(api, api_port):
            await wait_healthy(served.client)
            assert (await post_update(served.client, _status(2, CHATTING[0]))).status_code == 200
        assert api.sent_to(CHATTING[0])  # the update was answered
    assert "Traceback" not in served.output()
    assert "AAServeTestToken" not in served.output()  # the URL with the token is redacted


async def _when_problem(served: ServeProcess, words: str) -> Any:
    for _ in range(300):
        with contextlib.suppress(httpx.TransportError):
            health = await served.client.get("/healthz")
            if words in health.json().get("problem", ""):
                return health
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz never said {words!r}: {served.output()}")


def _check_json_log(output: str) -> None:
    import json

    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert records and len(records) == len(output.strip().splitlines()), output
    [update] = [r for r in records if r.get("kind") == "command"]
    assert update["update_id"] == 1 and update["latency_ms"] > 0
    assert str(CHATTING[0]) not in json.dumps(records)  # only a hash of the user id
    assert "serve-test-secret" not in output and "AAServeTestToken" not in output


@pytest.mark.pg
async def test_two_processes_on_postgresql_end_like_one(pg_url: str, tmp_path: Path) -> None:
    await upgrade(pg_url)
    two = await run_script_on_two(pg_url, tmp_path)
    one = await run_script_on_one(pg_url, tmp_path)
    assert two.states == one.states
    assert two.apologies == [] and one.apologies == []
