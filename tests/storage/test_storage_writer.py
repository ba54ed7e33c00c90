"""SQLite's one writer: writers queue in the process instead of failing with "locked"."""

from __future__ import annotations

import asyncio
import time

import pytest

from storage import db
from storage.migrate import upgrade
from storage.repo import Store


@pytest.fixture
async def slow_busy_store(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    """SQLite with a 50 ms busy timeout: any writer left waiting inside SQLite fails fast."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    await upgrade(sqlite_url)
    return await Store.open(sqlite_url)


async def test_writers_wait_their_turn_while_the_event_loop_is_stalled(
    slow_busy_store: Store,
) -> None:
    """The load failure of issue 13: a transaction holds the write lock while the event loop
    is busy (e.g. CPU-bound work in a handler); writers waiting in SQLite's busy handler
    timed out with "database is locked". Queued in the process, they just wait."""
    store = slow_busy_store

    async def save(user: str, stall: float = 0.0) -> None:
        async with store.conversation("terminal", user) as h:
            h.conv.company.name = user
            await h.save(h.conv)
            time.sleep(stall)  # blocks the event loop with the write lock held

    try:
        await asyncio.gather(save("slow", stall=0.3), *(save(f"u{n}") for n in range(30)))
        for user in ("slow", "u0", "u29"):
            async with store.conversation("terminal", user) as h:
                assert h.conv.company.name == user
    finally:
        await store.close()


async def test_a_write_inside_a_conversation_is_an_error_not_a_hang(
    slow_busy_store: Store,
) -> None:
    store = slow_busy_store
    try:
        async with store.conversation("terminal", "alice"):
            with pytest.raises(RuntimeError, match="nested write transaction"):
                async with store.session(write=True):
                    pass
        assert await store.claim_update(1)  # the lock was released
    finally:
        await store.close()
