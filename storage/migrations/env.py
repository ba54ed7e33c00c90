"""Alembic environment: async engines, SQLite batch mode, both model modules.

``storage.migrate`` runs this with a ready connection in ``config.attributes["connection"]``
(so it works inside a running event loop and from an installed package); the plain
``alembic`` command line gets its URL from ``config.attributes["database_url"]``, the
``sqlalchemy.url`` option, ``IPMS_DATABASE_URL`` or the per-user default, in that order.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from storage.db import create_engine, default_database_url, normalize_database_url
from storage.migrate import import_all_models
from storage.models import NullableJSON, UTCDateTime

# The reminders tables live in storage.reminder_models; autogenerate needs every table.
import_all_models()

config = context.config
target_metadata = SQLModel.metadata


def _database_url() -> str:
    url = (
        config.attributes.get("database_url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("IPMS_DATABASE_URL")
        or default_database_url()
    )
    return normalize_database_url(url)


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones: migrations must not import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, NullableJSON):
        return "sa.JSON()"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=_render_item,
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    url = _database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(_database_url(), foreign_keys=False, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
