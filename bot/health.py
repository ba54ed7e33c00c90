"""Is the database there, and at the schema this code expects? For start-up and /healthz."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from bot.config import ConfigError
from storage.db import create_engine, safe_url
from storage.migrate import head_revisions

CHECK_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10.0


class DatabaseUnavailable(ConfigError):
    """The database cannot be reached at start-up (one line, password masked)."""


@lru_cache(maxsize=1)
def _expected() -> frozenset[str]:
    return frozenset(head_revisions())


async def _heads(conn: AsyncConnection) -> set[str]:
    """Alembic's version rows (read directly: a MigrationContext logs on every probe)."""
    try:
        rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        return set()  # no version table: never migrated
    return {str(r[0]) for r in rows}


async def schema_problem(engine: AsyncEngine, timeout: float = CHECK_TIMEOUT_SECONDS) -> str | None:
    """None when the database answers and is at the current revision, else what is wrong."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                heads = await _heads(conn)
    except Exception as exc:  # any failure means "not healthy"; the kind is enough to say
        return f"database unreachable ({type(exc).__name__})"
    if heads == _expected():
        return None
    if heads - _expected():
        return "database schema is newer than this version (upgrade ipms-bot)"
    return "database not migrated (run `ipms migrate`)"


def _reason(exc: BaseException, password: str | None) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, TimeoutError):
        reason = f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
    return reason.replace(password, "***") if password else reason


async def probe_database(url: str, timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
    """Connect once and run ``SELECT 1``; ``DatabaseUnavailable`` with one clear line if not."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as exc:
        cause = exc.orig if hasattr(exc, "orig") and exc.orig is not None else exc
        raise DatabaseUnavailable(
            f"Cannot reach the database {safe_url(url)}: "
            f"{_reason(cause, make_url(url).password)}. Check IPMS_DATABASE_URL and that "
            "the database server is running."
        ) from None
    finally:
        await engine.dispose()
