"""An Assistant on a real, migrated SQLite (or PostgreSQL) database with a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.service import Assistant
from flows.context import FlowOptions
from knowledge.loader import load_knowledge
from storage.repo import Store

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
async def assistant(db_url: str) -> AsyncIterator[Assistant]:
    store = await Store.open(db_url, migrate=True)
    try:
        yield Assistant(
            store, load_knowledge(), FakeClock(START), FlowOptions(admin_ids=frozenset({"900"}))
        )
    finally:
        await store.close()
