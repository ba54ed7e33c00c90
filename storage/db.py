"""Database URLs and async engines for SQLite (one instance) and PostgreSQL (several).

SQLite gets WAL, a busy timeout and enforced foreign keys on every connection, and we emit
``BEGIN`` ourselves so callers can ask for ``BEGIN IMMEDIATE`` (see ``IMMEDIATE``): a deferred
transaction that reads first and writes later fails at once with "database is locked" when
another connection committed in between, instead of waiting.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import sqlite_inline

APP_NAME = "ipms-bot"
DATA_DIR_ENV = "IPMS_DATA_DIR"
DB_FILE_NAME = "ipms.db"
SQLITE_BUSY_TIMEOUT_MS = 5000

# Execution option: pass ``{IMMEDIATE: True}`` when a session's first connection is
# procured so its SQLite transaction takes the write lock up front. Ignored on PostgreSQL.
IMMEDIATE = "ipms_sqlite_immediate"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def default_data_dir() -> Path:
    """Per-user data directory (``IPMS_DATA_DIR`` wins), created if missing."""
    configured = os.environ.get(DATA_DIR_ENV)
    path = (
        Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir(APP_NAME))
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    """SQLite file in the per-user data directory."""
    return f"sqlite+aiosqlite:///{default_data_dir() / DB_FILE_NAME}"


def normalize_url(url: str | URL) -> URL:
    """Map sync or shorthand driver names to the async drivers we ship with.

    Hosted PostgreSQL URLs often carry libpq's ``sslmode``; asyncpg calls it ``ssl``.
    """
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    parsed = parsed.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in parsed.query:
        query = dict(parsed.query)
        query["ssl"] = query.pop("sslmode")
        parsed = parsed.set(query=query)
    return parsed


def normalize_database_url(url: str | URL) -> str:
    """String form of ``normalize_url`` (password kept: this is what engines connect with)."""
    return normalize_url(url).render_as_string(hide_password=False)


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str | URL, *, foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """Async engine for ``url`` (normalised first).

    ``foreign_keys=False`` is for migrations only: SQLite's batch mode rebuilds tables, and
    dropping a parent table with enforcement on would cascade-delete its children.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _inline_sqlite_engine(parsed, **kwargs)
        _install_sqlite_hooks(engine, foreign_keys=foreign_keys)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}  # survive server restarts
    if "poolclass" not in kwargs:  # sizing only applies to the default queue pool
        options |= {"pool_size": 5, "max_overflow": 10, "pool_recycle": 1800, "pool_timeout": 30}
    options.update(kwargs)
    return create_async_engine(parsed, **options)


def _inline_sqlite_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    """The aiosqlite dialect over ``storage.sqlite_inline`` connections (no thread hop per
    call), opened with the arguments the dialect derives from the URL."""
    connect_args: list[Any] = []

    async def creator() -> Any:
        cargs, cparams = connect_args
        return await sqlite_inline.connect(*cargs, **cparams)

    engine = create_async_engine(url, async_creator=creator, **kwargs)
    dialect = engine.sync_engine.dialect
    connect_args.extend(dialect.create_connect_args(url))
    _commit_and_rollback_inline(dialect)
    return engine


def _inline_driver(dbapi_connection: Any) -> sqlite_inline.InlineConnection | None:
    """The ``InlineConnection`` under a pooled connection or its adapter, if it is one."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    return driver if isinstance(driver, sqlite_inline.InlineConnection) else None


def _commit_and_rollback_inline(dialect: Any) -> None:
    """COMMIT and ROLLBACK straight on ``sqlite3``, without the adapter's ``await_``.

    Neither ever waits for another connection, and the inline connection ran them
    synchronously anyway; without the ``await_`` hop SQLAlchemy's ``Connection.commit`` /
    ``rollback`` need no greenlet, so ``storage.repo`` can call them directly (a greenlet
    spawn and two switches per call saved; the same calls in every other path).
    """
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        driver = _inline_driver(dbapi_connection)
        if driver is None:
            commit(dbapi_connection)
        else:
            driver.commit_now()

    def do_rollback(dbapi_connection: Any) -> None:
        driver = _inline_driver(dbapi_connection)
        if driver is None:
            rollback(dbapi_connection)
        else:
            driver.rollback_now()

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback


def _install_sqlite_hooks(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver; "begin" below emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        driver = _inline_driver(conn.connection)
        if driver is not None and driver.raw().in_transaction:
            return  # begun on the driver itself (``InlineConnection.begin``): join it
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        # On the driver's cursor, not ``exec_driver_sql``: a statement's execution context
        # and result (SQLAlchemy's per-statement machinery) cost more than BEGIN itself.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        finally:
            cursor.close()
