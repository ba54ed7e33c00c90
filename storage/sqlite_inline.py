"""SQLite for the async engine without a thread hop per call.

aiosqlite runs every call (cursor, execute, fetch, close) in its worker thread: four hops per
statement, ~0.7 ms of CPU on this machine for ``SELECT 1`` against 3 µs for ``sqlite3``
itself, and the hops, not SQLite, were most of the cost of an update. This is the same
``aiosqlite``-shaped connection SQLAlchemy's aiosqlite dialect drives (handed to it through
``async_creator``), but it calls ``sqlite3`` directly in the event loop's thread.

A call that can wait for another connection's write lock (``BEGIN IMMEDIATE``, or a write
outside a transaction that already holds the lock: autocommit writes, a deferred
transaction's first write) is first tried inline with the busy timeout off; only if the
lock is taken does it go to a worker thread to wait, so the busy timeout never freezes the
event loop. In WAL mode reads never wait, and once a transaction holds the write lock
nothing in it waits either. In this process writers already queue on
``storage.repo.WriterLock``, so the thread is for other processes (``ipms remind``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_INLINE = ("SELECT", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")
_LOCKING_BEGIN = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")
_SQLITE_BUSY = 5
CHECKPOINT_EVERY = 100  # commits of a checkpointed writer between two WAL checkpoints
STARVED_AFTER = 3 * CHECKPOINT_EVERY  # commits with one pending: checkpoint in the commit
RESTART_FRAMES = 2000  # WAL frames (pages) from which a checkpoint makes it start over

log = logging.getLogger(__name__)


def _head(sql: str) -> str:
    return sql.lstrip()[:16].upper()


class InlineCursor:
    """The part of ``aiosqlite.Cursor`` SQLAlchemy's adapter uses."""

    def __init__(self, owner: InlineConnection) -> None:
        self._owner = owner
        self._cursor = owner.raw().cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        await self._owner.run(sql, self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> InlineCursor:
        await self._owner.run(sql, self._cursor.executemany, sql, seq)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _RunNow:
    """SQLAlchemy sets ``isolation_level`` by queueing a call on aiosqlite's worker
    (``_tx.put_nowait((future, function))``): here the call simply runs."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


class InlineConnection:
    """The part of ``aiosqlite.Connection`` SQLAlchemy's aiosqlite dialect uses."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._tx = _RunNow()
        self._writer = False  # this connection's transaction holds the write lock
        self._busy_timeout: int | None = None  # as last read; None: read it (again)

    # aiosqlite's names for the sqlite3 connection, read by SQLAlchemy's adapter
    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    def raw(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self.raw().isolation_level

    @property
    def holds_write_lock(self) -> bool:
        """Whether this connection's open transaction holds SQLite's write lock (nothing
        it runs until the commit can wait for another connection)."""
        return self._writer and self.raw().in_transaction

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def run(self, sql: str, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)`` inline, or in a worker thread if it may wait for a lock."""
        head = _head(sql)
        if head.startswith("PRAGMA"):  # may set the busy timeout: read it again when needed
            self._busy_timeout = None
        if self._may_wait(head):
            result = await self._lock_free_first(call, args)
        else:
            result = call(*args)
        self._writer = self.raw().in_transaction and (
            self._writer or head.startswith(_LOCKING_BEGIN) or not head.startswith(_INLINE)
        )
        return result

    async def _lock_free_first(self, call: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """Try at once without waiting; if another connection holds the lock, wait for it
        in a worker thread with the connection's busy timeout (a refused call did nothing,
        so it is simply made again)."""
        conn = self.raw()
        timeout = self._busy_timeout
        if timeout is None:
            (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
            self._busy_timeout = timeout = int(timeout)
        conn.execute("PRAGMA busy_timeout=0")
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF != _SQLITE_BUSY:
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout={timeout}")
        return await asyncio.to_thread(call, *args)

    def _may_wait(self, head: str) -> bool:
        if self._writer:
            return False
        return head.startswith(_LOCKING_BEGIN) or not head.startswith(_INLINE)

    async def begin(self, sql: str = "BEGIN IMMEDIATE") -> None:
        """Begin a transaction on the driver itself (waiting for another process's lock in
        a worker thread, as ``run`` does); SQLAlchemy's ``begin`` then joins it (the
        engine's "begin" hook emits no BEGIN on a connection already in a transaction)."""
        await self.run(sql, self._execute, sql)

    def _execute(self, sql: str) -> None:
        self.raw().execute(sql).close()

    def commit_now(self) -> None:
        """COMMIT, synchronously: it never waits for another connection (only a transaction
        holding the write lock writes, and WAL's automatic checkpoint is passive)."""
        if self._conn is not None:
            self._conn.commit()
        self._writer = False

    def rollback_now(self) -> None:
        if self._conn is not None:
            self._conn.rollback()
        self._writer = False

    async def commit(self) -> None:
        self.raw().commit()
        self._writer = False

    async def rollback(self) -> None:
        self.raw().rollback()
        self._writer = False

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """SQLAlchemy's forced close (``terminate``)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.raw().create_function(*args, **kwargs)


async def connect(*args: Any, **kwargs: Any) -> InlineConnection:
    """``sqlite3.connect`` with the arguments SQLAlchemy's dialect derives from the URL."""
    kwargs["check_same_thread"] = False  # waiting calls run in a worker thread
    return InlineConnection(sqlite3.connect(*args, **kwargs))


class WalCheckpointer:
    """WAL checkpoints of one writer connection, PASSIVE, in a worker thread.

    SQLite's automatic checkpoint runs inside whichever COMMIT takes the WAL past 1,000
    pages, on the event loop: ~7 per 1,000 updates, each 5-150 ms, the button presses' p99.
    ``attach`` turns it off on the writer's connection; ``committed`` (after each of its
    commits) starts a PASSIVE checkpoint (it never waits for readers or writers) every
    ``CHECKPOINT_EVERY`` commits, in a worker thread on a connection of its own, while the
    process goes on writing. Once the WAL holds ``RESTART_FRAMES`` pages, a second pass,
    with ``writers`` (the process's writer lock) held, copies the few pages written
    meanwhile: the WAL is then copied entirely and the next write starts it over from its
    beginning. Without that pass a steady stream of writes kept it from ever being all
    copied, and it grew without bound; with it after every checkpoint, the update that
    waited for it was in the p99 (one in a hundred). Every other connection keeps the
    automatic checkpoint, so a process that never uses this (``ipms remind``, migrations)
    still checkpoints. If a checkpoint fails, the writer's automatic checkpoint is turned
    back on.
    """

    def __init__(self, path: str, writers: contextlib.AbstractAsyncContextManager[Any]) -> None:
        self._path = path
        self._writers = writers
        self._conn: sqlite3.Connection | None = None
        self._commits = 0
        self._started = 0  # ``_commits`` when the last checkpoint started
        self._running: asyncio.Task[None] | None = None
        self._failed = False
        self._writer: sqlite3.Connection | None = None

    @classmethod
    def for_connection(
        cls, raw: sqlite3.Connection, writers: contextlib.AbstractAsyncContextManager[Any]
    ) -> WalCheckpointer | None:
        """One for the database file of ``raw`` (None for an in-memory database)."""
        for _seq, name, path in raw.execute("PRAGMA database_list").fetchall():
            if name == "main":
                return cls(path, writers) if path else None
        return None

    def attach(self, raw: sqlite3.Connection) -> None:
        """Make ``raw`` (the writer's connection) leave its checkpoints to this."""
        self._writer = raw
        if not self._failed:
            raw.execute("PRAGMA wal_autocheckpoint=0").close()

    def detach(self) -> None:
        """The writer's connection goes back to the pool: SQLite's own checkpoints again."""
        writer, self._writer = self._writer, None
        if writer is not None:  # if closed already, there is nothing to reset
            with contextlib.suppress(sqlite3.Error):
                writer.execute("PRAGMA wal_autocheckpoint=1000").close()

    def committed(self) -> None:
        if self._failed:
            if self._writer is not None:  # back to SQLite's own, inside commits
                self._writer.execute("PRAGMA wal_autocheckpoint=1000").close()
                self._writer = None
            return
        self._commits += 1
        if self._running is not None:
            if self._commits - self._started >= STARVED_AFTER and self._writer is not None:
                # The event loop has not let the checkpoint run (a burst of updates that
                # never wait for anything): checkpoint here, as SQLite itself would have.
                self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
                self._started = self._commits
            return
        if self._commits - self._started < CHECKPOINT_EVERY:
            return
        self._started = self._commits
        self._running = asyncio.get_running_loop().create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            frames = await asyncio.to_thread(self._run)  # the bulk, the writer goes on
            if frames >= RESTART_FRAMES:
                async with self._writers:  # the rest, with nothing written meanwhile
                    await asyncio.to_thread(self._run)
        except Exception:
            log.warning("WAL checkpoint failed; SQLite checkpoints in commits again", exc_info=True)
            self._failed = True
        finally:
            self._running = None

    def _run(self) -> int:
        """One PASSIVE checkpoint; the number of frames in the WAL."""
        if self._conn is None:
            self._conn = sqlite3.connect(self._path, check_same_thread=False)
        (_busy, frames, _copied) = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(frames)

    async def close(self) -> None:
        running = self._running
        if running is not None:
            await asyncio.wait([running])
        if self._conn is not None:
            self._conn.close()
            self._conn = None
