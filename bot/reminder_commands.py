"""``ipms remind``: send the due reminders once (cron-style), or list what is planned.

What a reminder says and its buttons live in ``flows.reminders``; ``/reminders`` and
``/calendar`` are flows too. This module is only the command-line entry.
"""

from __future__ import annotations

import argparse
import os
import socket
from typing import Any

from bot.clock import SystemClock
from bot.dispatcher import Dispatcher, TelegramSender
from knowledge.loader import load_knowledge
from storage import reminders as rem
from storage.repo import Store

# --- ipms remind --------------------------------------------------------------------------


def add_remind_arguments(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "remind",
        help="send due reminders once and exit (for cron); --list shows what is planned",
    )
    parser.add_argument("--list", action="store_true", help="list planned reminders instead")
    parser.add_argument("--limit", type=int, default=200, help="rows to list (default 200)")
    return parser


def _print_list(rows: list[rem.Listed]) -> None:
    if not rows:
        print("No reminders planned. / 没有待发送的提醒。")
        return
    print(f"{'due (UTC)':<17} {'company':<20} {'recipient':<20} {'kind':<26} status")
    for r in rows:
        due = r.due_at.strftime("%Y-%m-%d %H:%M")
        status = r.status + (f" ({r.attempts} tries: {r.last_error})" if r.last_error else "")
        print(f"{due:<17} {r.company[:20]:<20} {r.recipient[:20]:<20} {r.kind[:26]:<26} {status}")


def _telegram_bot(settings: Any) -> Any:
    from telegram import Bot

    token = settings.telegram_token.get_secret_value()
    if settings.telegram_base_url:
        return Bot(token, base_url=settings.telegram_base_url)
    return Bot(token)


async def run_remind(args: argparse.Namespace, settings: Any) -> int:
    """``ipms remind``: dispatch what is due once (cron-style), or ``--list`` the plan."""
    store = await Store.open(settings.resolved_database_url(), migrate=settings.auto_migrate)
    try:
        if args.list:
            _print_list(await rem.list_planned(store, args.limit))
            return 0
        now = SystemClock().now()
        if settings.telegram_token is None:
            due = await rem.count_due(store, now)
            print(
                f"IPMS_TELEGRAM_TOKEN is not set: {due.get('telegram', 0)} due Telegram "
                f"reminder(s) not sent. {due.get('terminal', 0)} terminal reminder(s) wait for "
                "the user's next `ipms chat`.\n"
                f"未设置 IPMS_TELEGRAM_TOKEN：{due.get('telegram', 0)} 条到期的 Telegram 提醒"
                "未发送；"
                f"{due.get('terminal', 0)} 条终端提醒会在用户下次 `ipms chat` 时显示。"
            )
            return 0
        worker = f"remind:{socket.gethostname()}:{os.getpid()}"
        async with _telegram_bot(settings) as bot:
            dispatcher = Dispatcher(
                store, load_knowledge(), TelegramSender(bot), SystemClock(), worker
            )
            stats = await dispatcher.run_once()
        print(
            f"Reminders: {stats.sent} sent, {stats.deferred} deferred, {stats.failed} failed, "
            f"{stats.cancelled} cancelled. / 提醒：已发送 {stats.sent}，推迟 {stats.deferred}，"
            f"失败 {stats.failed}，取消 {stats.cancelled}。"
        )
        return 0
    finally:
        await store.close()
