"""The ``ipms`` command: chat, run, serve, set-webhook, ask, kb, migrate, remind."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import ShiftedClock
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from storage.db import default_data_dir

log = logging.getLogger("ipms")


# --- subcommands ----------------------------------------------------------------------------


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.assembly import open_assistant
    from bot.terminal import TerminalChat, stdin_reader

    # The embedded SQLite default is the user's own file: migrate it without asking.
    migrate = settings.auto_migrate or not settings.database_url
    assistant = await open_assistant(settings, migrate=migrate)
    if args.today is not None:  # the terminal may pretend to be another day; `ipms run` never
        assistant.clock = ShiftedClock(args.today)
    files = default_data_dir() / "files"  # exports, calendars, reports: never the working dir
    files.mkdir(exist_ok=True)
    chat = TerminalChat(assistant, args.user, args.lang or _locale_lang(), download_dir=files)
    try:
        await chat.run(stdin_reader())
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
    from bot.assembly import open_assistant, operator_channel, reminder_tick, workspace_hook
    from bot.serve_commands import run_webhook
    from bot.telegram_app import run_polling

    settings.token()
    webhook = args.webhook or bool(settings.webhook_url)
    if webhook and not settings.webhook_url:
        settings.webhook()  # raises the ConfigError saying what to set
    assistant = await open_assistant(settings, migrate=settings.auto_migrate, telegram=True)
    hooks = [reminder_tick(settings, assistant), operator_channel(settings, assistant)]
    hooks.append(workspace_hook(assistant))
    try:
        if webhook:
            await run_webhook(settings, assistant, on_startup=hooks)
        else:
            await run_polling(settings, assistant, on_startup=hooks)
    finally:
        await assistant.store.close()
    return 0


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.health import probe_database
    from storage.migrate import upgrade

    url = settings.resolved_database_url()
    await probe_database(url)
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
    sub.add_parser("serve", help="serve Telegram webhooks, /healthz and /metrics (production)")
    hook = sub.add_parser("set-webhook", help="register IPMS_WEBHOOK_URL with Telegram, once")
    hook.add_argument("--drop-pending", action="store_true", help="discard queued updates")
    hook.add_argument("--delete", action="store_true", help="remove the webhook instead")
    hook.add_argument("--info", action="store_true", help="show what Telegram has registered")
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
    settings = load_settings()
    if args.command == "chat" and "log_level" not in settings.model_fields_set:
        settings.log_level = "WARNING"  # keep the conversation readable
    configure_logging(settings)
    if args.command == "remind":
        from bot.reminder_commands import run_remind

        return await run_remind(args, settings)
    if args.command == "serve":
        from bot.serve_commands import serve

        return await serve(settings)
    if args.command == "set-webhook":
        from bot.serve_commands import set_webhook

        return await set_webhook(args, settings)
    handlers = {"chat": _chat, "run": _run, "migrate": _migrate}
    return await handlers[args.command](args, settings)


def _one_line(exc: BaseException) -> str:
    from bot.telegram_logging import redact

    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip().splitlines()
    return redact(text[0]) if text else type(cause).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_dispatch(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `ipms remind --list | head`: the reader has gone
        sys.stderr.close()
        return 0
    except ConfigError as exc:  # includes an unreachable database
        print(str(exc), file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError) as exc:  # e.g. the database went away mid-command
        print(f"Database or network error: {_one_line(exc)}", file=sys.stderr)
        return 5
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
