"""Several bot processes on one PostgreSQL database: every reminder sent exactly once, each
person's due reminders in one digest (never split between two processes)."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import reminders as rem
from storage.repo import Store

from .conftest import START, seed_due_reminders

WORKER = Path(__file__).with_name("pg_worker.py")
PROCESSES = 4
REMINDERS = 10_000
USERS = 400  # more people than one batch reaches, so the processes share the work


@pytest.mark.pg
async def test_four_processes_send_ten_thousand_reminders_exactly_once(
    pg_url: str, tmp_path: Path
) -> None:
    await seed_due_reminders(pg_url, USERS, REMINDERS)
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
    messages = Counter(chat for chats in per_worker for chat in chats)
    assert len(messages) == USERS and max(messages.values()) == 1  # one digest per person
    assert sum(1 for chats in per_worker if chats) >= 2  # they really ran side by side
    store = await Store.open(pg_url)
    try:
        assert await rem.count_by_status(store) == {rem.SENT: REMINDERS}  # none lost
        async with store.session() as session:
            claimed = (await session.exec(text("SELECT user_id, claimed_by FROM reminder"))).all()
    finally:
        await store.close()
    workers_per_user: dict[int, set[str]] = {}
    for user_id, worker in claimed:
        workers_per_user.setdefault(user_id, set()).add(worker)
    assert all(len(w) == 1 for w in workers_per_user.values())  # each row by one sender
