"""A real Assistant on a migrated database (SQLite and PostgreSQL) and people using it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.service import Assistant, Who
from flows.context import FlowOptions
from knowledge.loader import load_knowledge
from storage.repo import Store
from tests.workspace.people import Person

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ADMIN_ID = "900"


@pytest.fixture
async def assistant(db_url: str) -> AsyncIterator[Assistant]:
    store = await Store.open(db_url, migrate=True)
    try:
        yield Assistant(
            store, load_knowledge(), FakeClock(START), FlowOptions(admin_ids=frozenset({ADMIN_ID}))
        )
    finally:
        await store.close()


@pytest.fixture
def alice(assistant: Assistant) -> Person:
    return Person(assistant, Who("telegram", "7000000001", "Alice", "en"))


@pytest.fixture
def bob(assistant: Assistant) -> Person:
    return Person(assistant, Who("telegram", "7000000002", "鲍勃", "zh-hans"))


@pytest.fixture
def carol(assistant: Assistant) -> Person:
    """A consultant who follows several companies."""
    return Person(assistant, Who("telegram", "7000000003", "Carol", "en"))


@pytest.fixture
def mallory(assistant: Assistant) -> Person:
    """Owner of another company, trying to reach Alice's."""
    return Person(assistant, Who("telegram", "7000000004", "Mallory", "en"))
