"""``ipms serve`` in-process: the real server, application and assistant on a real database,
with the shared fake Bot API as PTB's request object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from serve_harness import free_port, running, serve_settings, wait_healthy

from bot.serve import WebhookServer
from bot.serve_commands import build_server
from storage.db import create_engine
from storage.migrate import upgrade
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi


@dataclass
class Served:
    client: httpx.AsyncClient
    api: FakeBotApi
    store: Store
    server: WebhookServer
    db_url: str


@pytest.fixture
async def served(db_url: str) -> AsyncIterator[Served]:
    """A migrated database (SQLite, and PostgreSQL when configured) behind a ready server."""
    await upgrade(db_url)
    async for s in _serve(db_url):
        await wait_healthy(s.client)
        yield s


async def _serve(db_url: str) -> AsyncIterator[Served]:
    api = FakeBotApi()
    store = Store(create_engine(db_url))
    port = free_port()
    server = build_server(
        serve_settings(db_url, port),
        store,
        request=api,
        get_updates_request=api,
        rate_limiter=None,
        schema_poll=0.1,
    )
    try:
        async with running(server, port) as client:
            yield Served(client, api, store, server, db_url)
    finally:
        await store.close()


@pytest.fixture
async def unmigrated(sqlite_url: str) -> AsyncIterator[Served]:
    """The server on an empty database (nobody ran ``ipms migrate`` yet)."""
    async for s in _serve(sqlite_url):
        yield s
