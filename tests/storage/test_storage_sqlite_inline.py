"""SQLite calls run inline, except waiting for another connection's write lock, which
happens in a worker thread: the event loop keeps running while it waits."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import sqlite_inline
from storage.db import create_engine
from storage.sqlite_inline import InlineConnection


async def test_engines_use_inline_connections(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await engine.dispose()


async def test_waiting_for_another_writer_does_not_block_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    other, engine = create_engine(url), create_engine(url)  # as two processes would
    ticks = 0
    in_thread: list[object] = []
    to_thread = asyncio.to_thread

    async def counted(call: Any, *args: Any) -> Any:
        in_thread.append(call)
        return await to_thread(call, *args)

    monkeypatch.setattr(sqlite_inline.asyncio, "to_thread", counted)

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    try:
        async with other.connect() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.commit()
        holder = await other.connect()
        await holder.execution_options(ipms_sqlite_immediate=True)
        await holder.begin()
        await holder.execute(text("INSERT INTO t VALUES (1)"))
        tick = asyncio.create_task(ticker())

        async def release() -> None:
            await asyncio.sleep(0.3)
            await holder.commit()
            await holder.close()

        releasing = asyncio.create_task(release())
        start = time.perf_counter()
        async with engine.connect() as conn:
            await conn.execution_options(ipms_sqlite_immediate=True)
            await conn.begin()
            await conn.execute(text("INSERT INTO t VALUES (2)"))
            await conn.commit()
        waited = time.perf_counter() - start
        await releasing
        tick.cancel()
        assert len(in_thread) == 1  # BEGIN IMMEDIATE, refused inline, waited in a thread
        assert waited >= 0.25  # it waited for the other writer...
        assert ticks >= 10  # ...while the loop went on
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 2
    finally:
        await other.dispose()
        await engine.dispose()


async def test_errors_other_than_busy_are_raised(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.connect() as conn:
            with pytest.raises(OperationalError, match="no such table"):
                await conn.execute(text("INSERT INTO missing VALUES (1)"))
    finally:
        await engine.dispose()
