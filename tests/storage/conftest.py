"""Storage fixtures: a migrated ``Store`` on each database (see the root conftest's db_url)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from storage.migrate import upgrade
from storage.repo import Store


@pytest.fixture
async def migrated_url(db_url: str) -> str:
    await upgrade(db_url)
    return db_url


@pytest.fixture
async def store(migrated_url: str) -> AsyncIterator[Store]:
    s = await Store.open(migrated_url)
    yield s
    await s.close()


NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
