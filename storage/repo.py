"""``Store``: the only way the bot reads and writes its database.

A conversation is loaded and saved in one transaction per incoming event, together with
the claim of its Telegram update id and the re-plan of its reminders, so a crash at any
point leaves either all of it or none of it. Serialisation per user: an in-process
``asyncio.Lock`` per (channel, external_id), plus ``SELECT … FOR UPDATE`` on the user row on
PostgreSQL (several bot instances).

SQLite has one writer at a time. Every write transaction of a process queues on one
``asyncio.Lock`` before it takes SQLite's lock (``BEGIN IMMEDIATE``): waiting happens in the
event loop, in order, with no timeout, instead of in SQLite's busy handler, which polls and
gives up with "database is locked" after ``SQLITE_BUSY_TIMEOUT_MS`` (seen under load when
the event loop was busy while a transaction held the lock). The busy timeout still covers
other processes (``ipms remind`` from cron next to ``ipms run``).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import User
from flows.team import Fate
from knowledge.schema import Rules
from storage import accounts, faults, workspace
from storage.companies import replan_company_id
from storage.conversation import ConversationHandle, assign, user_columns
from storage.db import IMMEDIATE, create_engine, default_database_url, normalize_database_url
from storage.db import safe_url as _safe_url
from storage.mapping import clean_text
from storage.migrate import ensure_migrated, upgrade
from storage.models import AppUser, ProcessedUpdate, UTCDateTime, row_object, utcnow
from storage.prepared import Prepared
from storage.reminder_plan import dialect_insert
from storage.sqlite_inline import InlineConnection, WalCheckpointer

log = logging.getLogger(__name__)

UserKey = tuple[str, str]
EXPORT_FORMAT = accounts.EXPORT_FORMAT
MAX_UPDATE_ID = 2**63 - 1  # BIGINT; Telegram's ids are far below, larger ones are forged


_USER_FOR_UPDATE = (
    select(AppUser)
    .where(
        col(AppUser.channel) == bindparam("channel"),
        col(AppUser.external_id) == bindparam("external_id"),
    )
    .with_for_update()  # PostgreSQL only; SQLite's BEGIN IMMEDIATE already serialises
)


_USER_TABLE = AppUser.__table__  # type: ignore[attr-defined]
# The same, in Core: the conversation's user becomes a plain object outside the session's
# unit of work (``ConversationHandle`` writes its changed columns itself).
_USER_ROW_FOR_UPDATE = (
    sa_select(_USER_TABLE)
    .where(
        _USER_TABLE.c.channel == bindparam("channel"),
        _USER_TABLE.c.external_id == bindparam("external_id"),
    )
    .with_for_update()
)
_PREPARED_USER_ROW = Prepared(_USER_ROW_FOR_UPDATE)
_USER_KEYS = tuple(c.name for c in _USER_TABLE.c)


def lang_from_hint(hint: str | None) -> str:
    """First-contact language: Chinese unless the client says otherwise."""
    if hint is None:
        return "zh"
    return "zh" if hint.strip().lower().startswith("zh") else "en"


def valid_update_id(update_id: int) -> bool:
    """Whether an update id can be recorded (adapters ignore updates with other ids)."""
    return 0 <= update_id <= MAX_UPDATE_ID


def _telegram_id(channel: str, external_id: str) -> int | None:
    if channel != "telegram":
        return None
    try:
        return int(external_id)
    except ValueError:
        return None


class WriterLock:
    """SQLite's single writer, in-process: waiters are served in order, and a task that
    already holds it gets an error instead of waiting for itself forever (a second write
    transaction inside ``conversation()``: pass the conversation's session instead)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("nested write transaction on SQLite: use the open session")
        await self._lock.acquire()
        self._owner = task

    async def __aexit__(self, *_: object) -> None:
        self._owner = None
        self._lock.release()


class LazySession:
    """The ORM session of a transaction on ``conn``, made when first asked for."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._session: AsyncSession | None = None

    def get(self) -> AsyncSession:
        if self._session is None:
            sync = self._conn.sync_connection
            if sync is not None and not sync.in_transaction():
                # SQLite's kept writer begins on the driver only (``KeptWriter.begin``): the
                # session joins SQLAlchemy's transaction, which joins the driver's.
                sync.begin()
            # "rollback_only": the session never commits the connection's transaction (the
            # owner of the block does); a rollback of the session rolls it back.
            self._session = AsyncSession(
                bind=self._conn, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self._session

    async def flush(self) -> None:
        if self._session is not None:
            await self._session.flush()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class KeptWriter:
    """SQLite: the connection of ``Store.conversation``'s transactions, kept checked out.

    Those transactions already take turns on ``WriterLock``, so one connection serves them
    all; checking it out of the pool and returning it (with the pool's reset ROLLBACK) for
    every update cost more than BEGIN and COMMIT themselves. BEGIN IMMEDIATE is made on the
    driver (inline, or in a worker thread while another process holds the lock). SQLAlchemy's
    transaction is begun only when something asks for it (an ORM session,
    ``LazySession.get``, or a statement run through SQLAlchemy, which autobegins) and then
    joins the driver's; most updates run ``Prepared`` statements only, and COMMIT then goes
    straight to the driver (SQLAlchemy's transaction objects were ~3 % of an update).
    Otherwise SQLAlchemy commits, without a greenlet (``storage.db._commit_and_rollback_inline``).
    After an error or a cancellation the connection is closed (closing rolls back) and the
    next transaction opens a fresh one.
    """

    def __init__(self, engine: AsyncEngine, writer: WriterLock) -> None:
        self._engine = engine
        self._writer = writer
        self._conn: AsyncConnection | None = None
        self._driver: InlineConnection | None = None  # ``_conn``'s, while it is open
        self._checkpoints: WalCheckpointer | None = None
        self._made = False  # whether ``_checkpoints`` was made (None: in-memory database)

    async def begin(self) -> AsyncConnection:
        conn = self._conn
        fresh = conn is None or conn.closed or conn.invalidated
        if fresh:
            conn = self._conn = await self._engine.connect()
        assert conn is not None
        sync = conn.sync_connection
        assert sync is not None
        try:
            driver = sync.connection.driver_connection
            assert isinstance(driver, InlineConnection), driver
            if fresh:  # its WAL checkpoints run in a worker thread, not in its commits
                if not self._made:
                    self._checkpoints = WalCheckpointer.for_connection(driver.raw(), self._writer)
                    self._made = True
                if self._checkpoints is not None:
                    self._checkpoints.attach(driver.raw())
            self._driver = driver
            await driver.begin("BEGIN IMMEDIATE")
            # No ``sync.begin()``: SQLAlchemy's transaction is begun when asked for, and the
            # engine's "begin" hook then sees the driver's open transaction (no BEGIN).
        except BaseException:
            await self.discard()
            raise
        return conn

    def commit(self) -> None:
        """Commit the open transaction: through SQLAlchemy if its transaction was begun
        (``storage.db``: no greenlet needed), else on the driver."""
        assert self._conn is not None and self._conn.sync_connection is not None
        sync = self._conn.sync_connection
        if sync.in_transaction():
            sync.commit()
        else:
            assert self._driver is not None
            self._driver.commit_now()
        if self._checkpoints is not None:
            self._checkpoints.committed()

    async def discard(self) -> None:
        """Close the connection (back to the pool, rolled back, with SQLite's automatic
        checkpoint on again): the next transaction opens a fresh one."""
        conn, self._conn, self._driver = self._conn, None, None
        if conn is None:
            return
        if self._checkpoints is not None:
            self._checkpoints.detach()
        await conn.close()

    async def close(self) -> None:
        await self.discard()
        if self._checkpoints is not None:
            await self._checkpoints.close()


class Store:
    """Database access for the bot. Create with ``await Store.open(url)``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._dialect = engine.dialect.name
        self._locks: weakref.WeakValueDictionary[UserKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self.writer = WriterLock() if self.is_sqlite else None
        # Its connections begin with BEGIN IMMEDIATE on SQLite (``IMMEDIATE``; the same
        # pool: an engine with other default execution options).
        self._immediate = engine.execution_options(**{IMMEDIATE: True})
        # SQLite: the one writer's connection, kept checked out between conversations.
        self._kept = None if self.writer is None else KeptWriter(self._immediate, self.writer)
        # Built once per dialect: statement building was a large share of an update's cost.
        self._claim_stmt = Prepared(
            self._insert(ProcessedUpdate.__table__)  # type: ignore[attr-defined]
            .values(
                update_id=bindparam("update_id", type_=BigInteger()),
                processed_at=bindparam("processed_at", type_=UTCDateTime()),
            )
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(ProcessedUpdate.__table__.c.update_id)  # type: ignore[attr-defined]
        )

    @classmethod
    async def open(cls, url: str | None = None, *, migrate: bool = False) -> Store:
        """Connect; refuse (``DatabaseNotMigrated``) a database not at the current schema."""
        url = normalize_database_url(url or default_database_url())
        if migrate:
            await upgrade(url)
        else:
            await ensure_migrated(url)
        log.info("database ready: %s", _safe_url(url))
        return cls(create_engine(url))

    async def close(self) -> None:
        if self._kept is not None:
            await self._kept.close()
        await self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self._dialect == "sqlite"

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """A session; commit yourself. Don't open a writing one inside ``conversation()``.

        ``write=True`` for any transaction that writes: on SQLite it queues on the process's
        writer lock and takes SQLite's write lock at BEGIN (a deferred transaction that reads
        and then writes fails at once if another connection committed in between). On
        PostgreSQL it changes nothing.
        """
        async with AsyncExitStack() as stack:
            if write and self.writer is not None:
                await stack.enter_async_context(self.writer)
            session = AsyncSession(self.engine, expire_on_commit=False)
            await stack.enter_async_context(session)
            if write:
                await session.connection(execution_options={IMMEDIATE: True})
            yield session

    @asynccontextmanager
    async def _transaction(
        self, key: UserKey
    ) -> AsyncIterator[tuple[LazySession, AsyncConnection]]:
        """Per-user lock + a writing transaction on a connection of its own, and an ORM
        session on that connection made only if something asks for it (most updates run
        Core statements only: an ``AsyncSession`` per update, its connection bookkeeping and
        its commit were ~5 % of one). Commits when the block ends normally (flushing the
        session first, if there is one); rolls back on an exception."""
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            if self._kept is None:  # PostgreSQL: a pooled connection per transaction
                async with self._immediate.connect() as conn:
                    await conn.begin()
                    sessions = LazySession(conn)
                    try:
                        yield sessions, conn
                        await sessions.flush()
                        await conn.commit()
                    finally:
                        await sessions.close()
                return
            assert self.writer is not None
            async with self.writer:
                conn = await self._kept.begin()
                sessions = LazySession(conn)
                try:
                    yield sessions, conn
                    await sessions.flush()
                    self._kept.commit()
                    await sessions.close()
                except BaseException:
                    await sessions.close()
                    await self._kept.discard()  # closing it rolls back; a fresh one next
                    raise

    @asynccontextmanager
    async def pinned_session(self, *, autocommit: bool = False) -> AsyncIterator[AsyncSession]:
        """A session that keeps one connection across its commits (for a run of many small
        writes); ``autocommit`` makes each statement its own transaction. Writers on SQLite
        take ``self.writer`` around each of their transactions themselves."""
        async with self.engine.connect() as conn:
            if autocommit:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=conn, expire_on_commit=False) as session:
                yield session

    def _insert(self, model: Any) -> Any:
        return dialect_insert(self._dialect, model)

    @asynccontextmanager
    async def _write(self, key: UserKey) -> AsyncIterator[AsyncSession]:
        """Per-user lock + a writing session (committed when the block ends normally)."""
        async with self._transaction(key) as (sessions, _):
            yield sessions.get()

    async def _claim(
        self, session: AsyncSession | None, update_id: int, conn: AsyncConnection | None = None
    ) -> bool:
        if not valid_update_id(update_id):
            raise ValueError(f"update id {update_id} out of range: ignore such updates")
        params = {"update_id": update_id, "processed_at": utcnow()}
        if conn is None:  # Core on the session's connection: no ORM bulk-insert machinery
            assert session is not None
            conn = await session.connection()
        claimed = bool(await self._claim_stmt.run(conn, params))
        faults.checkpoint("claim")
        return claimed

    @asynccontextmanager
    async def conversation(
        self,
        channel: str,
        external_id: str,
        display_name: str = "",
        lang_hint: str | None = None,
        *,
        update_id: int | None = None,
        company_id: int | None = None,
    ) -> AsyncIterator[ConversationHandle]:
        """Load the user's conversation, creating user + company on first contact.

        The block runs in one transaction, serialised per user; it commits when the block
        ends normally and rolls back on an exception. With ``update_id`` the update is
        claimed in that transaction: ``handle.claimed`` is False for one already committed
        (drop it), and a crash before the commit leaves it unclaimed for re-delivery.
        With ``company_id`` that company is loaded (and becomes the current one) if the
        user belongs to it; otherwise ``handle.denied`` is True and the current one is.
        """
        external_id, display_name = clean_text(external_id), clean_text(display_name)
        async with self._transaction((channel, external_id)) as (sessions, conn):
            claimed = True if update_id is None else await self._claim(None, update_id, conn)
            loaded = await self._load_user(conn, channel, external_id, company_id)
            if loaded is None:
                await self._create_user(
                    sessions.get(), channel, external_id, display_name, lang_hint
                )
                loaded = await self._load_user(conn, channel, external_id, company_id)
                assert loaded is not None
            user, found = loaded
            snapshot = user_columns(user)
            if display_name and assign(user, {"display_name": display_name}):
                user.updated_at = utcnow()
            if found is not None:
                picked = workspace.picked_now(user, company_id, found)
            else:
                picked = await workspace.pick_company(sessions.get, user, company_id, conn)
            handle = await ConversationHandle.load(
                sessions.get, user, picked, claimed, snapshot, conn
            )
            faults.checkpoint("load")
            yield handle
            await handle.write_rows()  # what changed after (or without) ``save``
        faults.checkpoint("commit")

    async def _lock_user(
        self, session: AsyncSession, channel: str, external_id: str
    ) -> AppUser | None:
        params = {"channel": channel, "external_id": external_id}
        return (await session.exec(_USER_FOR_UPDATE, params=params)).first()

    async def _load_user(
        self, conn: AsyncConnection, channel: str, external_id: str, company_id: int | None
    ) -> tuple[AppUser, workspace.Picked | None] | None:
        """The locked user row and, on SQLite, the company ``pick_company`` would find first,
        read in the same statement (``workspace.user_with_company``). On PostgreSQL the
        company is read by a statement of its own once the lock is granted: a statement's
        snapshot is taken before it waits for the lock, so a company read by the locking
        statement could predate the transaction that held the lock."""
        if self.is_sqlite:
            return await workspace.user_with_company(conn, channel, external_id, company_id)
        user = await self._user_row(conn, channel, external_id)
        return None if user is None else (user, None)

    async def _user_row(
        self, conn: AsyncConnection, channel: str, external_id: str
    ) -> AppUser | None:
        """The locked user row as a plain object outside the session (Core select)."""
        params = {"channel": channel, "external_id": external_id}
        rows = await _PREPARED_USER_ROW.run(conn, params)
        return row_object(AppUser, dict(zip(_USER_KEYS, rows[0], strict=True))) if rows else None

    async def _create_user(
        self,
        session: AsyncSession,
        channel: str,
        external_id: str,
        display_name: str,
        lang_hint: str | None,
    ) -> None:
        """Insert user, company and owner membership; a concurrent creator wins harmlessly."""
        user = AppUser(
            channel=channel,
            external_id=external_id,
            telegram_id=_telegram_id(channel, external_id),
            display_name=display_name,
            lang=lang_from_hint(lang_hint),
        )
        stmt = (
            self._insert(AppUser)
            .values(**user.model_dump(exclude={"id"}))
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(col(AppUser.id))
        )
        user_id = (await session.exec(stmt)).scalar_one_or_none()
        if user_id is not None:
            await workspace.add_company(session, user_id)

    async def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is seen, False for a re-delivery.

        For updates that change nothing stored; state changes claim in their own
        transaction (``conversation(update_id=...)``, ``set_user_active(update_id=...)``).
        """
        async with self.session(write=True) as session:
            claimed = await self._claim(session, update_id)
            await session.commit()
        return claimed

    async def prune_processed_updates(self, before: datetime) -> int:
        """Forget update ids processed before ``before`` (Telegram retries for ~24 h)."""
        async with self.session(write=True) as session:
            result = await session.exec(
                delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < before)
            )
            await session.commit()
        return int(result.rowcount)

    async def set_user_active(
        self, channel: str, external_id: str, active: bool, *, update_id: int | None = None
    ) -> bool:
        """Flag a user (in)active, e.g. after Telegram's 403; False if there is no such user
        (or ``update_id`` was already processed: then nothing changes)."""
        async with self.session(write=True) as session:
            if update_id is not None and not await self._claim(session, update_id):
                return False
            result = await session.exec(
                update(AppUser)
                .where(col(AppUser.channel) == channel, col(AppUser.external_id) == external_id)
                .values(active=active, updated_at=utcnow())
            )
            await session.commit()
        return bool(result.rowcount)

    async def stats(self, now: datetime | None = None) -> dict[str, int]:
        """Counts for the admin command: nothing that identifies anyone."""
        async with self.session() as session:
            return await accounts.counts(session, now)

    async def company_members(self, company_id: int) -> list[User]:
        async with self.session() as session:
            return await accounts.load_members(session, company_id)

    async def export_user(self, channel: str, external_id: str) -> dict[str, Any]:
        """Everything stored about the user and their companies, JSON-ready ({} if unknown)."""
        async with self.session() as session:
            return await accounts.export_user(session, channel, external_id)

    async def news_recipients(self) -> list[accounts.NewsRecipient]:
        async with self.session() as session:
            return await accounts.news_recipients(session)

    async def deletion_plan(self, channel: str, external_id: str) -> list[Fate]:
        """What ``delete_user`` would do to each of the user's companies."""
        async with self.session() as session:
            stmt = select(AppUser.id).where(
                AppUser.channel == channel, AppUser.external_id == external_id
            )
            user_id = (await session.exec(stmt)).first()
            return [] if user_id is None else await accounts.deletion_plan(session, user_id)

    async def delete_user(
        self,
        channel: str,
        external_id: str,
        rules: Rules | None = None,
        now: datetime | None = None,
    ) -> list[Fate] | None:
        """Delete the user and every row about them (None if there is no such user).

        A company is deleted with them if nobody else belongs to it; otherwise they leave it,
        handing ownership over first if it was theirs, and (with ``rules``) its reminders
        are re-planned for the members who remain, in the same transaction.
        """
        async with self._write((channel, external_id)) as session:
            user = await self._lock_user(session, channel, external_id)
            if user is None:
                return None
            done = await accounts.delete_user(session, user)
            if rules is not None:
                for fate in done:
                    if fate.action != "delete":
                        await replan_company_id(session, fate.company_id, rules, now or utcnow())
            await session.commit()
        return done
