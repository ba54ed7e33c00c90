"""The ``ipms`` command: chat, run, ask, kb, migrate, remind."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot.clock import ShiftedClock, SystemClock
from bot.config import Settings
from bot.logging_setup import configure_logging
from bot.service import Assistant

log = logging.getLogger("ipms")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"IPMS_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise SystemExit(f"Configuration error: {problems}") from None


async def _open_assistant(
    settings: Settings, *, migrate: bool, telegram: bool = False
) -> Assistant:
    from flows.context import FlowOptions
    from knowledge.matcher import warm_up
    from storage.repo import Store

    store = await Store.open(settings.resolved_database_url(), migrate=migrate)
    return Assistant(
        store,
        warm_up(),  # the FAQ models load now, not on the first question
        SystemClock(),
        FlowOptions(
            operator_contact=settings.operator_contact,
            default_timezone=settings.timezone,
            default_reminder_hour=settings.reminder_hour,
            # Forwarding needs a Telegram operator chat; offline there is nobody to ask.
            can_forward=telegram and settings.operator_chat_id is not None,
            admin_ids=frozenset(str(i) for i in settings.admin_ids),
        ),
    )


# --- subcommands ----------------------------------------------------------------------------


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import TerminalChat, stdin_reader

    # The embedded SQLite default is the user's own file: migrate it without asking.
    migrate = settings.auto_migrate or not settings.database_url
    assistant = await _open_assistant(settings, migrate=migrate)
    if args.today is not None:  # the terminal may pretend to be another day; `ipms run` never
        assistant.clock = ShiftedClock(args.today)
    try:
        await TerminalChat(assistant, args.user, args.lang or _locale_lang()).run(stdin_reader())
    finally:
        await assistant.store.close()
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _locale_lang() -> str | None:
    """First-contact language for the terminal: the system locale, like Telegram's hint."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(var):
            return value.split(".")[0].replace("_", "-")
    return None


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram_app import run_polling, run_webhook

    if settings.telegram_token is None:
        print("IPMS_TELEGRAM_TOKEN is not set. Get a token from @BotFather, or try `ipms chat`.")
        return 2
    assistant = await _open_assistant(settings, migrate=settings.auto_migrate, telegram=True)
    hooks = [reminder_tick(settings, assistant), operator_channel(settings, assistant)]
    try:
        if args.webhook or settings.webhook_url:
            await run_webhook(settings, assistant, on_startup=hooks)
        else:
            await run_polling(settings, assistant, on_startup=hooks)
    finally:
        await assistant.store.close()
    return 0


def reminder_tick(settings: Settings, assistant: Assistant) -> Callable[[Any], Awaitable[None]]:
    """Start-up hook: every process runs one repeating dispatch tick (claims are exclusive)."""

    async def hook(app: Any) -> None:
        from bot.dispatcher import Dispatcher, TelegramSender

        dispatcher = Dispatcher(
            assistant.store, assistant.kb, TelegramSender(app.bot), assistant.clock
        )
        dispatcher.schedule(app.job_queue, interval=settings.reminder_interval_seconds)

    return hook


def operator_channel(settings: Settings, assistant: Assistant) -> Callable[[Any], Awaitable[None]]:
    """Start-up hook: forwarded questions go to IPMS_OPERATOR_CHAT_ID through this bot."""

    async def hook(app: Any) -> None:
        if settings.operator_chat_id is not None:
            from bot.telegram_operator import TelegramOperator

            assistant.operator = TelegramOperator(app.bot, settings.operator_chat_id)

    return hook


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import upgrade

    url = settings.resolved_database_url()
    await upgrade(url)
    print("Database is up to date.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipms", description="Guides SMEs through GB/T 29490-2023 IPMS certification."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="chat in the terminal (offline, same flows as Telegram)")
    chat.add_argument("--user", default="me", help="simulated user name (each has own progress)")
    chat.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="chat as if it were that day (try later phases; /today DATE changes it in the chat)",
    )
    chat.add_argument(
        "--lang", choices=["zh", "en"], default=None, help="language on first contact"
    )
    run = sub.add_parser("run", help="run the Telegram bot (polling, or webhook)")
    run.add_argument("--webhook", action="store_true", help="use a webhook (IPMS_WEBHOOK_URL)")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    try:
        from knowledge.ask import add_ask_arguments
        from knowledge.check import add_kb_arguments

        add_ask_arguments(sub)
        add_kb_arguments(sub)
    except ImportError:  # pragma: no cover - knowledge tools missing in a partial install
        pass
    try:
        from bot.reminder_commands import add_remind_arguments

        add_remind_arguments(sub)
    except ImportError:  # pragma: no cover
        pass
    return parser


async def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("ask", "kb"):
        from flows.contract import CONTRACT
        from knowledge.ask import run_ask
        from knowledge.check import run_kb

        return run_ask(args) if args.command == "ask" else run_kb(args, CONTRACT)
    settings = _settings()
    if args.command == "chat" and "log_level" not in settings.model_fields_set:
        settings.log_level = "WARNING"  # keep the conversation readable
    configure_logging(settings)
    if args.command == "remind":
        from bot.reminder_commands import run_remind

        return await run_remind(args, settings)
    handlers = {"chat": _chat, "run": _run, "migrate": _migrate}
    return await handlers[args.command](args, settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_dispatch(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `ipms remind --list | head`: the reader has gone
        sys.stderr.close()
        return 0
    except Exception as exc:  # a clear message, not a traceback, for known start-up problems
        from telegram.error import InvalidToken, TelegramError

        from bot.telegram_logging import redact
        from storage.migrate import DatabaseNotMigrated

        if isinstance(exc, DatabaseNotMigrated):
            print(str(exc), file=sys.stderr)
            return 3
        if isinstance(exc, InvalidToken):
            print("Telegram rejected IPMS_TELEGRAM_TOKEN: check the token.", file=sys.stderr)
            return 4
        if isinstance(exc, TelegramError):
            print(f"Could not talk to the Telegram Bot API: {redact(str(exc))}", file=sys.stderr)
            return 4
        raise


if __name__ == "__main__":
    sys.exit(main())
