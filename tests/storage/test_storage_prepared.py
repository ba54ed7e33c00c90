"""``Prepared``: on SQLite's own connection only inside a transaction holding the write
lock, with the values SQLAlchemy would have bound and returned; SQLAlchemy otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import IMMEDIATE, create_engine
from storage.migrate import upgrade
from storage.models import AppUser, CompanyRecord
from storage.prepared import Prepared, locked_sqlite

USER = AppUser.__table__  # type: ignore[attr-defined]
COMPANY = CompanyRecord.__table__  # type: ignore[attr-defined]
BY_ID = select(USER).where(USER.c.id == bindparam("id"))
WHEN = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncEngine:
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    await upgrade(url)
    return create_engine(url)


async def test_rows_match_sqlalchemy_and_writes_are_the_same(engine: AsyncEngine) -> None:
    row = {
        "channel": "telegram", "external_id": "1", "telegram_id": 1, "display_name": "A",
        "lang": "en", "lang_chosen": True, "reminders_opt_in": False, "active": True,
        "is_admin": False, "news_opt_in": False, "created_at": WHEN, "updated_at": WHEN,
    }  # fmt: skip
    prepared_insert = Prepared(insert(USER), by_keys=True)
    set_name = Prepared(update(USER).where(USER.c.id == bindparam("row_id")), by_keys=True)
    try:
        async with engine.execution_options(**{IMMEDIATE: True}).connect() as conn:
            await conn.begin()
            assert locked_sqlite(conn) is not None
            await prepared_insert.run_many(conn, [row, {**row, "external_id": "2"}])
            user_id = (await conn.execute(select(USER.c.id).limit(1))).scalar_one()
            await set_name.run(conn, {"display_name": "B", "active": False, "row_id": user_id})
            fast = await Prepared(BY_ID).run(conn, {"id": user_id})
            slow = (await conn.execute(BY_ID, {"id": user_id})).all()
            await conn.commit()
        assert [tuple(r) for r in slow] == fast
        (got,) = fast
        values = dict(zip([c.name for c in USER.c], got, strict=True))
        assert values["display_name"] == "B" and values["active"] is False
        assert values["created_at"] == WHEN and values["created_at"].tzinfo is not None
        assert values["lang_chosen"] is True
    finally:
        await engine.dispose()


async def test_without_the_write_lock_sqlalchemy_runs_it(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:  # a deferred transaction: no lock yet
            await conn.begin()
            assert locked_sqlite(conn) is None
            assert await Prepared(BY_ID).run(conn, {"id": 1}) == []
            await conn.rollback()
    finally:
        await engine.dispose()


async def test_columns_with_python_defaults_are_left_to_sqlalchemy(engine: AsyncEngine) -> None:
    try:
        async with engine.execution_options(**{IMMEDIATE: True}).connect() as conn:
            await conn.begin()
            await Prepared(insert(COMPANY), by_keys=True).run_many(conn, [{"name": "Acme"}])
            made = (await conn.execute(select(COMPANY))).mappings().one()
            await conn.commit()
        assert made["name"] == "Acme" and made["created_at"] is not None
        assert made["timezone"] == "Asia/Shanghai"
    finally:
        await engine.dispose()
