"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and the CI guard.

PostgreSQL tests read ``IPMS_TEST_PG_URL`` (an admin URL such as
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); each test gets a fresh database
created from it and dropped afterwards. Without it those tests skip with a reason, except
under CI (``CI`` set), where a skipped PostgreSQL or emulator test fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PG_ENV = "IPMS_TEST_PG_URL"
GUARDED_MARKERS = ("pg", "emulator")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Under CI, a skipped PostgreSQL/emulator test is a failure: those must run there."""
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped:
        return
    if any(item.get_closest_marker(m) for m in GUARDED_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"CI is set but {item.nodeid} was skipped: {report.longrepr}"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; under CI a missing service is an error."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but a required service is missing: {reason}")
    pytest.skip(reason)


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


async def _admin_exec(admin_url: str, sql: str) -> None:
    import asyncpg  # local: only needed when PostgreSQL is configured

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    admin = _pg_admin_url()
    if admin is None:
        skip_or_fail(f"PostgreSQL not configured: set {PG_ENV}=postgresql+asyncpg://user@host/db")
    name = f"ipms_t_{uuid.uuid4().hex[:12]}"
    try:
        await _admin_exec(admin, f'CREATE DATABASE "{name}"')
    except OSError as exc:
        skip_or_fail(f"PostgreSQL at {PG_ENV} unreachable: {exc}")
    url = make_url(admin).set(drivername="postgresql+asyncpg", database=name)
    yield url.render_as_string(hide_password=False)
    await _admin_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """URL of a fresh SQLite database file."""
    yield f"sqlite+aiosqlite:///{tmp_path / 'ipms.db'}"


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))
