"""Schema migrations (Alembic, configured in code so they work from an installed package).

All functions are async and hand Alembic a ready connection, so they can run inside the
bot's event loop. ``python -m storage.migrate`` offers upgrade / current / check / revision
for developers; users run ``ipms migrate``.

Alembic (with Mako and Pygments, ~13 MB resident) is imported only when a migration runs
or a revision is written: the start-up check of a database already at head
(``ensure_migrated``) and ``head_revisions`` read the revision identifiers of the migration
files and the ``alembic_version`` table directly.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import importlib
import importlib.util
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from storage.db import IMMEDIATE, create_engine, default_database_url, normalize_database_url
from storage.db import safe_url as _safe_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
AUTO_MIGRATE_ENV = "IPMS_AUTO_MIGRATE"
# Any constant works; it only has to be the same for every instance of the bot.
_PG_MIGRATION_LOCK = 0x1B5_29490

T = TypeVar("T")


class DatabaseNotMigrated(RuntimeError):
    """The database schema is not the one this code expects."""


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: configparser would choke on '%' in passwords.
    cfg.attributes["database_url"] = normalize_database_url(url or default_database_url())
    return cfg


@lru_cache(maxsize=1)
def _revision_graph() -> dict[str, tuple[str, ...]]:
    """Each migration file's revision and the revisions it follows (``down_revision``), read
    from the files' module-level assignments as Alembic reads them (tests compare the two)."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found: dict[str, Any] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                found[target.id] = ast.literal_eval(value)
        if "revision" not in found:
            continue
        down = found.get("down_revision")
        graph[str(found["revision"])] = (
            () if down is None else (down,) if isinstance(down, str) else tuple(down)
        )
    return graph


def head_revisions() -> set[str]:
    graph = _revision_graph()
    followed = {down for downs in graph.values() for down in downs}
    return set(graph) - followed


def known_revisions() -> set[str]:
    return set(_revision_graph())


def import_all_models() -> None:
    """Register every table on ``SQLModel.metadata`` (the reminders module is optional)."""
    importlib.import_module("storage.models")
    # find_spec rather than catching ImportError: errors inside the module must surface.
    if importlib.util.find_spec("storage.reminder_models") is not None:
        importlib.import_module("storage.reminder_models")


async def _run(url: str | None, work: Callable[[Connection, Config], T], *, lock: bool) -> T:
    """Run ``work`` on one connection in one transaction; ``lock`` serialises migrators."""
    cfg = alembic_config(url)
    engine = create_engine(cfg.attributes["database_url"], foreign_keys=False, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            if lock:
                conn = await conn.execution_options(**{IMMEDIATE: True})
            async with conn.begin():
                if lock and conn.dialect.name == "postgresql":
                    # Two instances starting with IPMS_AUTO_MIGRATE must not both migrate.
                    await conn.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"
                    )
                return await conn.run_sync(work, cfg)
    finally:
        await engine.dispose()


def _with_connection(cfg: Config, conn: Connection) -> Config:
    cfg.attributes["connection"] = conn
    return cfg


async def upgrade(url: str | None = None, revision: str = "heads") -> None:
    """Migrate the database to ``revision`` (all heads by default)."""

    def work(conn: Connection, cfg: Config) -> None:
        from alembic import command

        command.upgrade(_with_connection(cfg, conn), revision)

    await _run(url, work, lock=True)


async def downgrade(url: str | None, revision: str) -> None:
    def work(conn: Connection, cfg: Config) -> None:
        from alembic import command

        command.downgrade(_with_connection(cfg, conn), revision)

    await _run(url, work, lock=True)


async def current_heads(url: str | None = None) -> set[str]:
    """The revisions recorded in the database (Alembic's version table; empty without one)."""

    def work(conn: Connection) -> set[str]:
        if not inspect(conn).has_table("alembic_version"):
            return set()
        return {str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version"))}

    url = normalize_database_url(url or default_database_url())
    engine = create_engine(url, foreign_keys=False, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()


async def current_revision(url: str | None = None) -> str | None:
    """The database's revision (comma-joined if it has several heads), None when empty."""
    heads = await current_heads(url)
    return ",".join(sorted(heads)) or None


async def is_up_to_date(url: str | None = None) -> bool:
    return await current_heads(url) == head_revisions()


async def ensure_migrated(url: str | None = None) -> None:
    """Raise ``DatabaseNotMigrated`` (with what to do, in both languages) unless at head."""
    heads = await current_heads(url)
    expected = head_revisions()
    if heads == expected:
        return
    where = _safe_url(normalize_database_url(url or default_database_url()))
    unknown = heads - known_revisions()
    if unknown:
        raise DatabaseNotMigrated(
            f"The database {where} is at revision {', '.join(sorted(unknown))}, which this "
            "version of ipms-bot does not know (a newer version migrated it). Upgrade "
            "ipms-bot or restore a backup.\n"
            f"数据库 {where} 的结构版本 {', '.join(sorted(unknown))} 比当前 ipms-bot 更新"
            "（可能已被新版本迁移）。请升级 ipms-bot 或恢复备份。"
        )
    have = ", ".join(sorted(heads)) or "empty"
    need = ", ".join(sorted(expected))
    raise DatabaseNotMigrated(
        f"The database {where} is not migrated (it is at {have}, this version needs {need}). "
        f"Run `ipms migrate`, or set {AUTO_MIGRATE_ENV}=true to migrate on start.\n"
        f"数据库 {where} 尚未迁移到当前结构（现为 {'空库' if not heads else have}，需要 {need}）。"
        f"请运行 `ipms migrate`，或设置 {AUTO_MIGRATE_ENV}=true 以便启动时自动迁移。"
    )


async def pending_changes(url: str | None = None) -> list[Any]:
    """Differences autogenerate finds between the models and the database (empty = agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import_all_models()

    def work(conn: Connection, _cfg: Config) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, SQLModel.metadata))

    return await _run(url, work, lock=False)


async def revision(url: str, message: str, rev_id: str, *, autogenerate: bool = True) -> None:
    """Write a new migration file (compared against ``url``, which must be at head)."""

    def work(conn: Connection, cfg: Config) -> None:
        from alembic import command

        command.revision(
            _with_connection(cfg, conn), message=message, rev_id=rev_id, autogenerate=autogenerate
        )

    await _run(url, work, lock=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m storage.migrate")
    parser.add_argument("--url", default=None, help="database URL (default: per-user SQLite)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("upgrade")
    sub.add_parser("current")
    sub.add_parser("check", help="exit 1 if models and migrations disagree")
    rev = sub.add_parser("revision")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", required=True)
    rev.add_argument("--empty", action="store_true", help="no autogenerate")
    args = parser.parse_args(argv)
    if args.cmd == "upgrade":
        asyncio.run(upgrade(args.url))
    elif args.cmd == "current":
        print(asyncio.run(current_revision(args.url)) or "(empty)")
    elif args.cmd == "check":
        diffs = asyncio.run(pending_changes(args.url))
        for diff in diffs:
            print(diff)
        raise SystemExit(1 if diffs else 0)
    else:
        url = args.url or default_database_url()
        asyncio.run(revision(url, args.message, args.rev_id, autogenerate=not args.empty))


if __name__ == "__main__":
    main()
