"""Several bot processes on one PostgreSQL database: every reminder sent exactly once."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import reminders as rem
from storage.migrate import upgrade
from storage.repo import Store

from .conftest import START, make_user

WORKER = Path(__file__).with_name("pg_worker.py")
PROCESSES = 4
REMINDERS = 10_000
USERS = 40


async def _seed(url: str) -> None:
    await upgrade(url)
    store = await Store.open(url)
    try:
        rows = []
        for u in range(USERS):
            conv = await make_user(store, str(9000 + u))
            assert conv.company.id is not None and conv.user.id is not None
            for i in range(u, REMINDERS, USERS):
                rows.append(
                    {
                        "company_id": conv.company.id,
                        "user_id": conv.user.id,
                        "channel": "telegram",
                        "event_key": f"e{i}",
                        "kind": "stage1",
                        "lead_days": 7,
                        "event_date": date(2026, 12, 10),
                        "due_at": START - timedelta(seconds=i),
                        "dedup_key": f"e{i}|7|2026-12-10",
                        "title_en": f"R{i}",
                        "title_zh": f"R{i}",
                        "timezone": "Asia/Shanghai",
                    }
                )
        async with store.session(write=True) as session:
            assert await rem.insert_rows(session, rows) == REMINDERS
            await session.commit()
    finally:
        await store.close()


@pytest.mark.pg
async def test_four_processes_send_ten_thousand_reminders_exactly_once(
    pg_url: str, tmp_path: Path
) -> None:
    await _seed(pg_url)
    go = tmp_path / "go"
    procs = []
    for n in range(PROCESSES):
        args = [
            str(WORKER), pg_url, f"worker-{n}", str(tmp_path / f"out{n}"),
            str(tmp_path / f"ready{n}"), str(go), START.isoformat(),
        ]  # fmt: skip
        procs.append(await asyncio.create_subprocess_exec(sys.executable, *args))
    for _ in range(3000):  # all started (imports done) before anyone sends
        if all((tmp_path / f"ready{n}").exists() for n in range(PROCESSES)):
            break
        await asyncio.sleep(0.02)
    go.touch()
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), timeout=180)
    assert codes == [0] * PROCESSES

    per_worker = [(tmp_path / f"out{n}").read_text().split() for n in range(PROCESSES)]
    delivered = Counter(t for titles in per_worker for t in titles)
    assert len(delivered) == REMINDERS  # none lost
    assert max(delivered.values()) == 1  # none duplicated
    assert set(delivered) == {f"R{i}" for i in range(REMINDERS)}
    assert sum(1 for titles in per_worker if titles) >= 2  # they really ran side by side
    store = await Store.open(pg_url)
    try:
        assert await rem.count_by_status(store) == {rem.SENT: REMINDERS}
    finally:
        await store.close()
