"""``/reminders``, ``/calendar``, the snooze buttons and the ``ipms remind`` command.

``evt:*`` and ``step:*`` buttons belong to the flows; ``rem:*`` buttons are handled here
because snoozing changes reminder rows, not the conversation.
"""

from __future__ import annotations

import argparse
import os
import socket
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.calendar import build_calendar
from bot.clock import SystemClock
from bot.dispatcher import Dispatcher, TelegramSender
from bot.reminder_text import format_date, relative_days, snoozed_text, stale_text
from flows.schedule import all_events, local_today, reminder_kind, zone
from flows.state import Conversation, DatedEvent, User
from flows.types import Document, Reply
from knowledge.loader import Knowledge, load_knowledge
from knowledge.schema import Rules
from storage import reminders as rem
from storage.repo import Store

MAX_LISTED_EVENTS = 15
SNOOZE_CHOICES = (1, 7)

_T: dict[str, dict[str, str]] = {
    "zh": {
        "head": "📅 接下来的日程",
        "overdue": "⚠️ 已过期",
        "next_reminder": "（下次提醒 {when}）",
        "more": "……还有 {n} 项。用 /calendar 导出全部日期。",
        "off": "你已关闭提醒；其他成员仍会收到公司的提醒。",
        "hint": "每条提醒都可以标记完成、推迟或修改日期。用 /calendar 把日期导入你的日历。",
        "empty": (
            "还没有任何日期。进行到内审、管理评审、审核等步骤时，我会请你填写日期；"
            "登记证书后，监督审核、再认证和到期日会自动算出来。用 /next 看下一步。"
        ),
        "calendar": (
            "📎 这是你的日历文件，共 {n} 个日期（含提前提醒）。用手机或电脑的日历应用打开即可导入。"
        ),
        "calendar_empty": "还没有可以导出的日期。先在相应步骤里填写日期，或登记你的证书。",
    },
    "en": {
        "head": "📅 What is coming",
        "overdue": "⚠️ Overdue",
        "next_reminder": " (next reminder {when})",
        "more": "…and {n} more. Use /calendar to export every date.",
        "off": "Your reminders are off; other members still get the company's reminders.",
        "hint": "Each reminder lets you mark it done, snooze it or change the date. "
        "Use /calendar to put these dates into your own calendar.",
        "empty": (
            "No dates yet. When you reach the internal audit, management review and audit "
            "steps I will ask for their dates; once you enter your certificate, surveillance, "
            "recertification and expiry dates are worked out for you. Try /next."
        ),
        "calendar": "📎 Your calendar file with {n} dates (with advance alarms). Open it with "
        "your phone's or computer's calendar app to import it.",
        "calendar_empty": "There are no dates to export yet. Enter them in the steps, or "
        "record your certificate.",
    },
}


def _t(lang: str, key: str, **values: object) -> str:
    return _T["zh" if lang == "zh" else "en"][key].format(**values)


# --- /reminders ---------------------------------------------------------------------------


def _title(event: DatedEvent, rules: Rules, lang: str) -> str:
    own = event.title_zh if lang == "zh" else event.title_en
    return own or reminder_kind(rules, event.kind).title.get(lang)


async def _next_reminders(store: Store, conv: Conversation, now: datetime) -> dict[str, datetime]:
    if conv.company.id is None or conv.user.id is None:
        return {}
    rows = await rem.upcoming(store, conv.company.id, now, 500, user_id=conv.user.id)
    first: dict[str, datetime] = {}
    for row in rows:
        first.setdefault(row.event_key, row.due_at)
    return first


async def reminders_reply(store: Store, conv: Conversation, kb: Knowledge, now: datetime) -> Reply:
    """What is coming for the company, grouped by date, overdue first."""
    lang, company = conv.user.lang, conv.company
    tz = zone(company.timezone)
    today = local_today(now, tz)
    events = [e for e in all_events(company, kb.rules) if not e.done]
    if not events:
        return Reply(_t(lang, "empty"))
    next_at = await _next_reminders(store, conv, now)
    lines = [_t(lang, "head")]
    overdue = [e for e in events if e.on < today]
    if overdue:
        lines += ["", _t(lang, "overdue")]
        lines += [f"• {e.on.isoformat()} {_title(e, kb.rules, lang)}" for e in overdue]
    by_day: dict[date, list[DatedEvent]] = defaultdict(list)
    coming = [e for e in events if e.on >= today]
    for event in coming[:MAX_LISTED_EVENTS]:
        by_day[event.on].append(event)
    for day, items in by_day.items():
        lines += ["", f"{format_date(day, lang)} · {relative_days(day, today, lang)}"]
        for event in items:
            line = f"• {_title(event, kb.rules, lang)}"
            if event.key in next_at:
                local = next_at[event.key].astimezone(tz)
                line += _t(lang, "next_reminder", when=f"{local:%m-%d %H:%M}")
            lines.append(line)
    if len(coming) > MAX_LISTED_EVENTS:
        lines += ["", _t(lang, "more", n=len(coming) - MAX_LISTED_EVENTS)]
    if not conv.user.reminders_opt_in:
        lines += ["", _t(lang, "off")]
    lines += ["", _t(lang, "hint")]
    return Reply("\n".join(lines))


# --- /calendar ----------------------------------------------------------------------------


def calendar_reply(conv: Conversation, kb: Knowledge, now: datetime) -> Reply:
    """An .ics file of every dated event (stable UIDs, so re-importing updates them)."""
    lang = conv.user.lang
    count = len(all_events(conv.company, kb.rules))
    if count == 0:
        return Reply(_t(lang, "calendar_empty"))
    content = build_calendar(conv.company, kb.rules, lang, now)
    caption = _t(lang, "calendar", n=count)
    return Reply(caption, document=Document("ipms-calendar.ics", content, "text/calendar"))


# --- rem:* buttons ------------------------------------------------------------------------


def _parse_snooze(data: str) -> tuple[int, int] | None:
    parts = data.split(":")
    if len(parts) != 4 or parts[1] != "snooze":
        return None
    try:
        reminder_id, days = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    return (reminder_id, days) if days in SNOOZE_CHOICES else None


async def handle_reminder_button(
    store: Store, user: User, data: str, now: datetime, session: AsyncSession | None = None
) -> list[Reply] | None:
    """Handle ``rem:*`` callback data; None for anything else.

    Pass the conversation's ``session`` when calling inside ``Store.conversation`` on SQLite
    (a second writer would wait for that transaction's lock).
    """
    if not data.startswith("rem:"):
        return None
    parsed = _parse_snooze(data)
    if parsed is None or user.id is None:
        return [Reply(stale_text(user.lang))]
    reminder_id, days = parsed
    done = await rem.snooze(store, reminder_id, user.id, days, now, session=session)
    if done is None:
        return [Reply(stale_text(user.lang))]
    title = done.title_zh if user.lang == "zh" else done.title_en
    return [Reply(snoozed_text(title, done.due_at, done.timezone, user.lang))]


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
