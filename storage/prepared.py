"""The hot statements of an update, run on SQLite's own connection with SQL compiled once.

Every update runs the same few statements (the update-id claim, the user row, the company
with its team, the user/company UPDATEs). Through SQLAlchemy each one builds an execution
context, a cursor result and its metadata, and switches greenlets twice: ~0.1-0.2 ms of CPU
per statement, more than SQLite's own work. ``Prepared`` compiles a Core statement once for
the engine's dialect and, on SQLite, runs it on the ``sqlite3`` connection of the
transaction with the same bind and result processing SQLAlchemy would apply (the type's own
processors: dates, JSON, booleans). It only does so when that connection's transaction
already holds SQLite's write lock (``BEGIN IMMEDIATE``, as ``Store.conversation`` opens
it): nothing can then wait for a lock inside the event loop. Elsewhere (PostgreSQL, or a
transaction without the lock) the statement goes through ``AsyncConnection.execute``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from storage.sqlite_inline import InlineConnection

Processor = Callable[[Any], Any] | None
Row = Sequence[Any]


class Unsupported(ValueError):
    """A statement form ``Prepared`` leaves to SQLAlchemy."""


class _Compiled:
    """One compiled form: positional SQL, the parameter order and the processors."""

    def __init__(self, stmt: Any, dialect: Dialect, keys: Sequence[str] | None) -> None:
        compiled: Any = stmt.compile(dialect=dialect, column_keys=keys)
        if compiled.positiontup is None or compiled.post_compile_params:
            raise Unsupported("not positional, or expanding parameters")
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise Unsupported("Python-side column defaults (SQLAlchemy computes them)")
        self.sql: str = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup)
        processors = compiled._bind_processors
        binds = [processors.get(n) for n in self.names]
        results = [
            rc.type._cached_result_processor(dialect, None) for rc in compiled._result_columns
        ]
        # Only the positions that have a processor are visited per row or call.
        self.binds = tuple((i, p) for i, p in enumerate(binds) if p is not None)
        self.results = tuple((i, p) for i, p in enumerate(results) if p is not None)

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        values = [params[n] for n in self.names]
        for i, bind in self.binds:
            values[i] = bind(values[i])
        return values

    def run_many(self, raw: sqlite3.Connection, many: Sequence[Mapping[str, Any]]) -> None:
        raw.executemany(self.sql, [self.args(params) for params in many]).close()

    def run(self, raw: sqlite3.Connection, params: Mapping[str, Any]) -> list[Row]:
        cursor = raw.execute(self.sql, self.args(params))
        try:
            rows = cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
        if not rows or not self.results:
            return rows
        out: list[Row] = []
        for row in rows:
            values = list(row)
            for i, process in self.results:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out


class Prepared:
    """A Core statement compiled once per SQL dialect for SQLite's connection, and run on
    it when that is safe (see the module's docstring); otherwise run by SQLAlchemy.

    ``run`` returns the rows as sequences in the statement's column order. For an UPDATE
    without ``.values()`` the SET clause follows the parameters' keys (as SQLAlchemy
    derives it), and so do an INSERT's columns: ``by_keys=True`` compiles one form per set
    of keys. A form that needs more than binding values (Python-side
    column defaults, expanding IN lists) is left to SQLAlchemy.
    """

    def __init__(self, stmt: Executable, *, by_keys: bool = False) -> None:
        self.stmt = stmt
        self._by_keys = by_keys
        self._forms: dict[Any, _Compiled | None] = {}

    def _form(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled | None:
        key: Any = (id(dialect), tuple(params)) if self._by_keys else id(dialect)
        try:
            return self._forms[key]
        except KeyError:
            pass
        keys = list(params) if self._by_keys else None
        try:
            form: _Compiled | None = _Compiled(self.stmt, dialect, keys)
        except (Unsupported, AttributeError, TypeError):
            # AttributeError/TypeError: the compiled-statement internals read above changed in
            # a SQLAlchemy release; SQLAlchemy itself still runs the statement, only slower.
            form = None
        self._forms[key] = form
        return form

    async def run(self, conn: AsyncConnection, params: Mapping[str, Any]) -> list[Row]:
        raw = locked_sqlite(conn)
        form = None if raw is None else self._form(conn.dialect, params)
        if form is not None:
            assert raw is not None
            return form.run(raw, params)
        result = await conn.execute(self.stmt, dict(params))
        return list(result.all()) if result.returns_rows else []

    async def run_many(self, conn: AsyncConnection, many: Sequence[Mapping[str, Any]]) -> None:
        """An executemany of a statement without result rows (every mapping with the same
        keys, as SQLAlchemy requires too)."""
        raw = locked_sqlite(conn)
        form = None if raw is None or not many else self._form(conn.dialect, many[0])
        if form is None or any(tuple(p) != tuple(many[0]) for p in many):
            await conn.execute(self.stmt, [dict(p) for p in many])
            return
        assert raw is not None
        form.run_many(raw, many)


def locked_sqlite(conn: AsyncConnection) -> sqlite3.Connection | None:
    """The ``sqlite3`` connection under ``conn`` if its transaction holds the write lock
    (so no statement of it can wait for a lock); None otherwise (or not SQLite). The
    driver's transaction is what counts: ``storage.repo.KeptWriter`` begins it without
    SQLAlchemy's (which joins it when something asks for it)."""
    sync = conn.sync_connection
    if sync is None or sync.dialect.name != "sqlite" or sync.closed or sync.invalidated:
        return None  # (``sync.connection`` would then reconnect)
    driver = sync.connection.driver_connection
    if not isinstance(driver, InlineConnection) or not driver.holds_write_lock:
        return None
    return driver.raw()
