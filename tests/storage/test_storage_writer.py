"""SQLite's one writer: writers queue in the process instead of failing with "locked"."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from storage import db, sqlite_inline
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


async def test_the_writer_connection_is_kept_and_replaced_after_an_error(
    sqlite_url: str,
) -> None:
    """Conversations share one connection kept checked out; an error rolls the transaction
    back and the next conversation opens a fresh connection."""
    await upgrade(sqlite_url)
    store = await Store.open(sqlite_url)
    try:
        async with store.conversation("terminal", "alice") as h:
            h.conv.company.name = "A"
            await h.save(h.conv)
        kept = store._kept
        assert kept is not None
        first = kept._conn
        assert first is not None
        async with store.conversation("terminal", "alice") as h:
            assert h.conv.company.name == "A"
        assert kept._conn is first  # the same connection, not back in the pool

        with pytest.raises(ZeroDivisionError):
            async with store.conversation("terminal", "alice") as h:
                h.conv.company.name = "B"
                await h.save(h.conv)
                _ = 1 / 0
        assert kept._conn is None  # closed (rolled back), a fresh one next
        async with store.conversation("terminal", "alice") as h:
            assert h.conv.company.name == "A"  # B was rolled back
        assert kept._conn is not None and kept._conn is not first
    finally:
        await store.close()


async def test_a_cancelled_conversation_rolls_back_and_frees_the_writer(
    sqlite_url: str,
) -> None:
    await upgrade(sqlite_url)
    store = await Store.open(sqlite_url)
    try:
        saved = asyncio.Event()

        async def stuck() -> None:
            async with store.conversation("terminal", "bob") as h:
                h.conv.company.name = "never"
                await h.save(h.conv)
                saved.set()
                await asyncio.sleep(3600)

        task = asyncio.create_task(stuck())
        await saved.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with store.conversation("terminal", "bob") as h:
            assert h.conv.company.name == ""
        assert await store.claim_update(7)  # the write lock is free for other writers too
    finally:
        await store.close()


async def test_the_kept_writer_waits_for_another_process_without_blocking_the_loop(
    sqlite_url: str,
) -> None:
    """BEGIN IMMEDIATE of a conversation while another process holds SQLite's write lock:
    it waits (in a worker thread) and the event loop keeps running."""
    await upgrade(sqlite_url)
    store = await Store.open(sqlite_url)
    other = await Store.open(sqlite_url)  # as ``ipms remind`` would, in its own process
    try:
        async with store.conversation("terminal", "carol"):
            pass  # the kept connection exists and has run a transaction
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        async def hold() -> None:
            async with other.conversation("terminal", "dave") as h:
                h.conv.company.name = "D"
                await h.save(h.conv)
                await asyncio.sleep(0.3)

        tick = asyncio.create_task(ticker())
        holder = asyncio.create_task(hold())
        await asyncio.sleep(0.1)
        start = time.perf_counter()
        async with store.conversation("terminal", "carol") as h:
            h.conv.company.name = "C"
            await h.save(h.conv)
        waited = time.perf_counter() - start
        await holder
        tick.cancel()
        assert waited >= 0.15
        assert ticks >= 10
        async with store.conversation("terminal", "dave") as h:
            assert h.conv.company.name == "D"
    finally:
        await other.close()
        await store.close()


@pytest.mark.parametrize("yields", [True, False])
async def test_the_wal_is_checkpointed_beside_the_writer_and_stays_bounded(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, yields: bool
) -> None:
    """The writer's connection leaves checkpoints to a worker thread (none inside its
    commits); the WAL still starts over regularly, also when a burst of updates never
    lets the event loop run the checkpoint (then the commit makes it, as SQLite would)."""
    monkeypatch.setattr(sqlite_inline, "CHECKPOINT_EVERY", 10)
    monkeypatch.setattr(sqlite_inline, "STARVED_AFTER", 30)
    monkeypatch.setattr(sqlite_inline, "RESTART_FRAMES", 20)
    await upgrade(sqlite_url)
    store = await Store.open(sqlite_url)
    path = sqlite_url.split(":///", 1)[1]
    try:
        peak = 0
        for n in range(300):
            async with store.conversation("terminal", f"u{n % 7}") as h:
                h.conv.company.name = f"name {n}"
                await h.save(h.conv)
            if yields:
                await asyncio.sleep(0.002)  # updates arrive through the event loop
            peak = max(peak, os.path.getsize(path + "-wal"))
        kept = store._kept
        assert kept is not None and kept._conn is not None
        raw = await kept._conn.get_raw_connection()
        writer = raw.driver_connection
        assert isinstance(writer, sqlite_inline.InlineConnection)
        assert writer.raw().execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        async with store.session() as session:  # other connections: SQLite's own
            conn = await session.connection()
            pooled = await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")
            assert pooled.scalar() == 1000
        # ~6 KiB per commit here: ~1.7 MiB of WAL if it never started over (~250-370 KiB
        # with checkpoints every 10 commits, or in the 30th commit when starved)
        assert peak < 700_000, peak
    finally:
        await store.close()
