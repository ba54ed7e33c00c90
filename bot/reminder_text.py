"""What a reminder says, in the recipient's language, and its buttons.

A reminder names the event, its date in the company's timezone, how many days are left (or
that it is overdue) and what to prepare (``ReminderKind.prepare`` from the rules). Buttons:
Done and Change date (``evt:*``, handled by the flows), Snooze 1 day / 1 week (``rem:*``,
handled by ``bot.reminder_commands``) and Open the step (``step:*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flows.schedule import OVERDUE_LEAD, local_today, reminder_kind, zone
from flows.types import Button, Lang, Reply
from knowledge.schema import Rules

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
SNOOZE_DAYS = (1, 7)

_WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

_T: dict[str, dict[str, str]] = {
    "zh": {
        "head": "⏰ 提醒：{title}",
        "head_overdue": "⚠️ 已过期：{title}",
        "date": "📅 日期：{date}（{when}）",
        "prepare": "要准备的：{text}",
        "overdue_hint": "已经完成了就点“已完成”；日期变了请点“改日期”。",
        "today": "就是今天",
        "tomorrow": "明天",
        "in_days": "还有 {n} 天",
        "ago": "已过 {n} 天",
        "done": "✅ 已完成",
        "snooze_1": "⏰ 明天再提醒",
        "snooze_7": "⏰ 一周后再提醒",
        "change": "✏️ 改日期",
        "step": "📖 打开这一步",
        "snoozed": "好的，{when} 再提醒你：{title}。",
        "stale": (
            "这条提醒已经不再有效（可能已完成、改了日期或已被处理）。"
            "用 /reminders 查看接下来的安排。"
        ),
    },
    "en": {
        "head": "⏰ Reminder: {title}",
        "head_overdue": "⚠️ Overdue: {title}",
        "date": "📅 Date: {date} ({when})",
        "prepare": "What to prepare: {text}",
        "overdue_hint": "Already done? Tap Done. Has the date moved? Tap Change date.",
        "today": "today",
        "tomorrow": "tomorrow",
        "in_days": "in {n} days",
        "ago": "{n} days ago",
        "done": "✅ Done",
        "snooze_1": "⏰ Snooze 1 day",
        "snooze_7": "⏰ Snooze 1 week",
        "change": "✏️ Change date",
        "step": "📖 Open the step",
        "snoozed": "OK, I will remind you again on {when}: {title}.",
        "stale": (
            "This reminder is no longer active (it may be done, moved or already handled). "
            "See /reminders for what is coming."
        ),
    },
}


def t(lang: str, key: str, **values: object) -> str:
    table = _T["zh" if lang == "zh" else "en"]
    return table[key].format(**values)


@dataclass(frozen=True, slots=True)
class ReminderView:
    """What rendering needs from a reminder row (kept separate so tests need no database)."""

    id: int
    event_key: str
    kind: str
    lead_days: int
    event_date: date
    title_zh: str
    title_en: str
    step_id: str | None
    timezone: str


def format_date(day: date, lang: str) -> str:
    weekday = _WEEKDAYS["zh" if lang == "zh" else "en"][day.weekday()]
    return f"{day.isoformat()} {weekday}"


def relative_days(day: date, today: date, lang: str) -> str:
    delta = (day - today).days
    if delta == 0:
        return t(lang, "today")
    if delta == 1:
        return t(lang, "tomorrow")
    if delta > 1:
        return t(lang, "in_days", n=delta)
    return t(lang, "ago", n=-delta)


def title_of(view: ReminderView, rules: Rules, lang: str) -> str:
    own = view.title_zh if lang == "zh" else view.title_en
    return own or reminder_kind(rules, view.kind).title.get(lang)


def reminder_buttons(view: ReminderView, lang: Lang) -> list[list[Button]]:
    rows = [
        [Button(t(lang, "done"), f"evt:done:{view.event_key}")],
        [Button(t(lang, f"snooze_{d}"), f"rem:snooze:{view.id}:{d}") for d in SNOOZE_DAYS],
        [Button(t(lang, "change"), f"evt:date:{view.event_key}")],
    ]
    if view.step_id:
        rows[-1].append(Button(t(lang, "step"), f"step:{view.step_id}"))
    # A button whose data would exceed Telegram's limit is dropped rather than truncated.
    fitting = [[b for b in row if len(b.data.encode()) <= CALLBACK_LIMIT] for row in rows]
    return [row for row in fitting if row]


def render_reminder(view: ReminderView, rules: Rules, lang: Lang, now: datetime) -> Reply:
    """The message for one reminder, as seen at ``now`` (days left are counted then)."""
    today = local_today(now, zone(view.timezone))
    late = view.lead_days == OVERDUE_LEAD or view.event_date < today
    title = title_of(view, rules, lang)
    lines = [
        t(lang, "head_overdue" if late else "head", title=title),
        t(
            lang,
            "date",
            date=format_date(view.event_date, lang),
            when=relative_days(view.event_date, today, lang),
        ),
        t(lang, "prepare", text=reminder_kind(rules, view.kind).prepare.get(lang)),
    ]
    if late:
        lines.append(t(lang, "overdue_hint"))
    return Reply("\n".join(lines), reminder_buttons(view, lang))


def snoozed_text(title: str, when: datetime, tz_name: str, lang: str) -> str:
    local = when.astimezone(zone(tz_name))
    stamp = f"{format_date(local.date(), lang)} {local:%H:%M}"
    return t(lang, "snoozed", when=stamp, title=title)


def stale_text(lang: str) -> str:
    return t(lang, "stale")
