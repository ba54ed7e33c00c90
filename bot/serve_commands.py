"""``ipms serve``, ``ipms set-webhook`` and ``ipms run --webhook`` over ``bot.serve``.

``ipms serve`` never registers the webhook (N replicas start without racing); an operator
runs ``ipms set-webhook`` once per deployment. ``ipms run --webhook`` is the one-process
form: the same server, registering its own webhook when ready.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
from collections.abc import Sequence
from typing import Any

from telegram import Bot
from telegram.ext import Application

from bot.assembly import (
    Hook,
    freeze_heap,
    make_assistant,
    operator_channel,
    reminder_tick,
    warm_knowledge,
    workspace_hook,
)
from bot.config import Settings
from bot.health import probe_database, schema_problem
from bot.serve import (
    SCHEMA_POLL_SECONDS,
    HealthCheck,
    WebhookServer,
    always_healthy,
    run_server,
)
from bot.telegram_app import ALLOWED_UPDATES, AssistantPort, build_application
from bot.telegram_logging import install_secret_redaction
from storage.db import create_engine
from storage.migrate import upgrade
from storage.repo import Store


def health_of(store: object) -> HealthCheck:
    """The database check when the store has a database (stand-ins in tests don't)."""
    engine = getattr(store, "engine", None)
    if engine is None:
        return always_healthy

    async def check() -> str | None:
        return await schema_problem(engine)

    return check


def build_server(
    settings: Settings,
    store: Store,
    *,
    schema_poll: float = SCHEMA_POLL_SECONDS,
    **builder_overrides: Any,
) -> WebhookServer:
    """The ``ipms serve`` server: warm-up (knowledge, FAQ index) happens in ``prepare``,
    after the port is open and before the first update is accepted."""
    _, path, secret = settings.webhook()
    builder_overrides.setdefault("updater", None)

    async def prepare() -> Application:  # type: ignore[type-arg]
        kb = await asyncio.to_thread(warm_knowledge)
        freeze_heap()
        assistant = make_assistant(settings, store, kb, telegram=True)
        hooks = [reminder_tick(settings, assistant), operator_channel(settings, assistant)]
        hooks.append(workspace_hook(assistant))
        return build_application(settings, assistant, on_startup=hooks, **builder_overrides)

    return WebhookServer(
        prepare, path=path, secret=secret, health=health_of(store), schema_poll=schema_poll
    )


async def serve(settings: Settings) -> int:
    """``ipms serve``: the webhook service until SIGTERM/SIGINT."""
    settings.token()  # ConfigError before anything starts
    settings.webhook()
    url = settings.resolved_database_url()
    await probe_database(url)  # unreachable: one clear line, exit
    if settings.auto_migrate:
        await upgrade(url)
    # The Store is opened without the schema check: /healthz reports an un-migrated
    # database and updates wait for `ipms migrate` instead of the process exiting.
    store = Store(create_engine(url))
    try:
        await run_server(
            build_server(settings, store),
            settings.webhook_listen,
            settings.webhook_port,
            shutdown_timeout=settings.shutdown_timeout_seconds,
        )
    finally:
        await store.close()
    return 0


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or (``ipms run --webhook`` only) a random one for this run."""
    if settings.webhook_secret is None:
        return secrets.token_urlsafe(32)
    return settings.webhook_secret.get_secret_value()


async def run_webhook(
    settings: Settings,
    assistant: AssistantPort,
    *,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    **builder_overrides: Any,
) -> None:
    """One process on a webhook: serve, and register the webhook once ready."""
    if not settings.webhook_url:
        settings.webhook()  # raises the ConfigError that says what to set
    url = str(settings.webhook_url)
    secret = webhook_secret(settings)
    install_secret_redaction(secret)
    builder_overrides.setdefault("updater", None)
    app = build_application(
        settings, assistant, on_startup=on_startup, on_shutdown=on_shutdown, **builder_overrides
    )

    async def prepare() -> Application:  # type: ignore[type-arg]
        return app

    async def register(ptb: Application) -> None:  # type: ignore[type-arg]
        await ptb.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    path = "/" + url.split("://", 1)[1].partition("/")[2].strip("/")
    server = WebhookServer(
        prepare, path=path, secret=secret, health=health_of(assistant.store), after_start=register
    )
    await run_server(
        server,
        settings.webhook_listen,
        settings.webhook_port,
        shutdown_timeout=settings.shutdown_timeout_seconds,
        stop=stop,
        ready=ready,
    )


async def set_webhook(args: argparse.Namespace, settings: Settings) -> int:
    """``ipms set-webhook``: register (or delete, or show) the webhook, once per deployment."""
    token = settings.token()
    url, _, secret = settings.webhook() if not (args.info or args.delete) else ("", "", "")
    base_url = settings.telegram_base_url or "https://api.telegram.org/bot"
    async with Bot(token, base_url=base_url) as bot:
        if args.info:
            info = await bot.get_webhook_info()
            print(f"url: {info.url or '(none)'}; pending updates: {info.pending_update_count}")
            if info.last_error_message:
                print(f"last error: {info.last_error_message}")
            return 0
        if args.delete:
            await bot.delete_webhook(drop_pending_updates=args.drop_pending)
            print("Webhook removed.")
            return 0
        await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=args.drop_pending,
        )
    print(f"Webhook registered: {url}")
    return 0
