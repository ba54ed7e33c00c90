"""Migrations: upgrade/open, refusal of an un-migrated database, models == migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from storage.db import create_engine
from storage.migrate import (
    DatabaseNotMigrated,
    current_revision,
    downgrade,
    head_revisions,
    is_up_to_date,
    known_revisions,
    pending_changes,
    upgrade,
)
from storage.repo import Store

CORE_TABLES = {
    "app_user",
    "company",
    "membership",
    "answer",
    "step_progress",
    "plan_action",
    "certificate",
    "nonconformity",
    "dated_event",
    "processed_update",
}


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrate_then_open(db_url: str) -> None:
    assert await current_revision(db_url) is None
    assert not await is_up_to_date(db_url)
    await upgrade(db_url)
    assert await current_revision(db_url) == ",".join(sorted(head_revisions()))
    assert await is_up_to_date(db_url)
    assert await table_names(db_url) >= CORE_TABLES
    store = await Store.open(db_url)
    try:
        async with store.conversation("terminal", "alice") as handle:
            assert handle.conv.user.external_id == "alice"
    finally:
        await store.close()
    await upgrade(db_url)  # idempotent
    assert await is_up_to_date(db_url)


async def test_unmigrated_database_is_refused_with_instructions(db_url: str) -> None:
    with pytest.raises(DatabaseNotMigrated) as refused:
        await Store.open(db_url)
    message = str(refused.value)
    assert "ipms migrate" in message and "IPMS_AUTO_MIGRATE=true" in message
    assert "数据库" in message  # the operator may read either language
    assert await table_names(db_url) <= {"alembic_version"}  # nothing was created


async def test_partially_migrated_database_is_refused(db_url: str) -> None:
    await upgrade(db_url, "0001_core")
    if head_revisions() == {"0001_core"}:
        assert await is_up_to_date(db_url)
        return
    with pytest.raises(DatabaseNotMigrated, match="0001_core"):
        await Store.open(db_url)


async def test_open_with_migrate_true_migrates(db_url: str) -> None:
    store = await Store.open(db_url, migrate=True)
    await store.close()
    assert await is_up_to_date(db_url)


async def test_database_from_newer_code_is_refused(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(db_url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999_future'")
    await engine.dispose()
    with pytest.raises(DatabaseNotMigrated, match=r"0999_future.*newer version"):
        await Store.open(db_url)


async def test_models_and_migrations_agree(db_url: str) -> None:
    """Autogenerate against a migrated database finds nothing to do."""
    assert await pending_changes(db_url) != []  # the check can fail: empty DB differs
    await upgrade(db_url)
    assert await pending_changes(db_url) == []


async def test_downgrade_to_base_and_back(db_url: str) -> None:
    await upgrade(db_url)
    await downgrade(db_url, "base")
    assert await table_names(db_url) <= {"alembic_version"}
    await upgrade(db_url)
    assert await is_up_to_date(db_url)


def test_core_revision_is_known() -> None:
    assert "0001_core" in known_revisions()


def test_revisions_read_from_the_files_are_alembics() -> None:
    """``head_revisions``/``known_revisions`` read the files without Alembic (kept out of a
    serving process); they must say what Alembic's own script directory says."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revisions() == set(script.get_heads())
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_serving_imports_leave_alembic_out() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.assembly, bot.serve, bot.cli, storage.repo, bot.health; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
