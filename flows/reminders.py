"""Reminders as the user sees them: one reminder's card, /reminders, /calendar, snoozing.

Pure rendering: the dispatcher gives ``ReminderView``s of stored rows and gets ``Reply``s
(one card here, the daily digest in ``flows.digest``). Snoozing changes a stored reminder, so
the flow returns a ``Snooze`` effect for the service.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows import nonconformity, schedule
from flows.calendar import build_calendar
from flows.callbacks import CallbackTooLong, encode
from flows.context import Ctx
from flows.known import timeline_of
from flows.pause import held, is_paused
from flows.registry import Command, Flow, Verb
from flows.schedule import OVERDUE_LEAD, local_today, reminder_kind, zone
from flows.state import DatedEvent
from flows.timeline import Item, State, state
from flows.types import Button, Document, Lang, Out, Reply, Snooze
from knowledge.schema import Rules
from knowledge.texts import Catalogue, load_catalogue

SNOOZE_DAYS = (1, 7)
MAX_LISTED_EVENTS = 15
OVERDUE_LISTED = 3


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
    due_at: datetime | None = None  # when it was due (a digest after downtime says so)


def format_date(day: date, lang: Lang, texts: Catalogue | None = None) -> str:
    weekdays = (texts or load_catalogue()).t(lang, "weekdays").split()
    return f"{day.isoformat()} {weekdays[day.weekday()]}"


def relative_days(day: date, today: date, lang: Lang, texts: Catalogue | None = None) -> str:
    texts = texts or load_catalogue()
    delta = (day - today).days
    if delta == 0:
        return texts.t(lang, "rem_today")
    if delta == 1:
        return texts.t(lang, "rem_tomorrow")
    if delta == -1:
        return texts.t(lang, "rem_yesterday")
    if delta > 1:
        return texts.t(lang, "rem_in_days", n=delta)
    return texts.t(lang, "rem_ago", n=-delta)


def _button(texts: Catalogue, lang: Lang, key: str, verb: str, *args: str | int) -> Button | None:
    try:
        return Button(texts.t(lang, key), encode(verb, *args))
    except CallbackTooLong:  # dropped rather than truncated
        return None


def reminder_buttons(
    view: ReminderView, lang: Lang, texts: Catalogue, point: bool = False
) -> list[list[Button]]:
    if point:  # a point in time: nothing to mark done or to move, the step to read
        step = _button(texts, lang, "rem_step", "step", view.step_id) if view.step_id else None
        return [[step]] if step is not None else []
    done = (  # a surveillance deadline is met by recording the audit's day
        _button(texts, lang, "risk_btn_audit_date", "evt.date", view.event_key)
        if view.kind == "surveillance"
        else _button(texts, lang, "rem_done", "evt.done", view.event_key)
    )
    rows = [
        [done],
        [_button(texts, lang, f"rem_snooze_{d}", "rem.snooze", view.id, d) for d in SNOOZE_DAYS],
        # a surveillance deadline has no date of its own to change: its first button records
        # the audit's
        []
        if view.kind == "surveillance"
        else [_button(texts, lang, "rem_change", "evt.date", view.event_key)],
    ]
    if view.step_id:
        rows[-1].append(_button(texts, lang, "rem_step", "step", view.step_id))
    fitting = [[b for b in row if b is not None] for row in rows]
    return [row for row in fitting if row]


def title_of(view: ReminderView, rules: Rules, lang: Lang) -> str:
    own = view.title_zh if lang == "zh" else view.title_en
    return own or reminder_kind(rules, view.kind).title.get(lang)


def render_reminder(
    view: ReminderView, rules: Rules, lang: Lang, now: datetime, texts: Catalogue | None = None
) -> Reply:
    """The message for one reminder, as seen at ``now`` (days left are counted then)."""
    texts = texts or load_catalogue()
    today = local_today(now, zone(view.timezone))
    late = view.lead_days == OVERDUE_LEAD or view.event_date < today
    kind = reminder_kind(rules, view.kind)
    title = title_of(view, rules, lang)
    date_line = texts.t(
        lang,
        "rem_date",
        date=format_date(view.event_date, lang, texts),
        when=relative_days(view.event_date, today, lang, texts),
    )
    if late and kind.external:
        text = "\n".join([texts.t(lang, "rem_head_outcome", title=title), date_line])
        return Reply(text, outcome_buttons(view, lang, texts))
    if kind.point:  # "system running for 3 months": news on its day, never a task
        news = kind.news.get(lang) if kind.news is not None and view.event_date <= today else ""
        head_line = f"🎉 {news}" if news else texts.t(lang, "rem_head", title=title)
        lines = [head_line, date_line, kind.prepare.get(lang)]
        return Reply("\n".join(lines), reminder_buttons(view, lang, texts, point=True))
    head = "rem_head_overdue" if late else "rem_head"
    if not late and view.event_date == today:
        head = "rem_head_today"
    what = kind.missed if late and kind.missed else kind.prepare
    lines = [
        texts.t(lang, head, title=title),
        date_line,
        texts.t(
            lang, "rem_today_do" if late and kind.missed else "rem_prepare", text=what.get(lang)
        ),
    ]
    if late:  # what the first button is called on this card
        hint = "rem_overdue_hint_audit" if view.kind == "surveillance" else "rem_overdue_hint"
        lines.append(texts.t(lang, hint))
    if view.lead_days == schedule.STILL_LEAD:
        lines.append(texts.t(lang, "digest_hint_weekly"))
    return Reply("\n".join(lines), reminder_buttons(view, lang, texts))


def outcome_buttons(view: ReminderView, lang: Lang, texts: Catalogue) -> list[list[Button]]:
    rows = [
        [_button(texts, lang, "outcome_passed", "tl.passed", view.event_key)],
        [_button(texts, lang, "outcome_findings", "tl.findings", view.event_key)],
        [_button(texts, lang, "outcome_moved", "evt.date", view.event_key)],
    ]
    return [[b for b in row if b is not None] for row in rows if row[0] is not None]


def snoozed_text(title: str, when: datetime, tz_name: str, lang: Lang) -> str:
    local = when.astimezone(zone(tz_name))
    stamp = f"{format_date(local.date(), lang)} {local:%H:%M}"
    return load_catalogue().t(lang, "rem_snoozed", when=stamp, title=title)


# --- /reminders -------------------------------------------------------------------------------


def _next_reminders(ctx: Ctx, events: list[DatedEvent]) -> dict[str, datetime]:
    """When each event is next reminded of, from the same plan the reminder rows come from."""
    planned = schedule.plan_reminders(ctx.company, events, ctx.kb.rules, ctx.now, [0])
    since, until = ctx.user.reminders_paused_from, ctx.user.reminders_paused_until
    first: dict[str, datetime] = {}
    for p in sorted(planned, key=lambda p: p.due_at):
        paused = held(since, until, p.due_at) and not schedule.is_risk(
            ctx.kb.rules, p.kind, p.lead_days
        )
        if p.due_at >= ctx.now and not paused:
            first.setdefault(p.event_key, p.due_at)
    return first


def _pause_line(ctx: Ctx, tz: ZoneInfo) -> str:
    user = ctx.user
    if not is_paused(user.reminders_paused_from, user.reminders_paused_until, ctx.now):
        return ctx.t("remlist_pause_hint")
    if user.reminders_paused_until is None:
        return ctx.t("remlist_paused_open")
    back = user.reminders_paused_until.astimezone(tz).date()
    return ctx.t("remlist_paused", date=format_date(back, ctx.lang, ctx.texts))


def _overdue_lines(ctx: Ctx, late: list[Item]) -> list[str]:
    shown = nonconformity.one_line_each(ctx, late)
    lines = ["", ctx.t("remlist_overdue", n=len(shown))]
    lines += [f"• {i.on.isoformat()} {title}" for i, title in shown[:OVERDUE_LISTED]]
    if len(shown) > OVERDUE_LISTED:
        lines.append(ctx.t("remlist_overdue_more", n=len(shown) - OVERDUE_LISTED))
    return lines


def reminders_view(ctx: Ctx, _: str) -> Out:
    """What is coming for the company, grouped by date; what is overdue, summed up."""
    lang, company = ctx.lang, ctx.company
    tz = zone(company.timezone)
    today = local_today(ctx.now, tz)
    tl = timeline_of(ctx)
    # Not an audit awaiting its outcome, nor a point in time already reached ("3 months of
    # operation" on a past date is a milestone passed, never an overdue task).
    items = [i for i in tl.open_items() if state(i, today) not in (State.AWAITING, State.DONE)]
    if not items:
        return [ctx.reply("remlist_empty")]
    next_at = _next_reminders(ctx, schedule.timeline_events(tl))
    lines = [ctx.t("remlist_head")]
    late = [i for i in items if i.on < today]
    if late:
        lines += _overdue_lines(ctx, late)
    by_day: dict[date, list[Item]] = defaultdict(list)
    coming = [i for i in items if i.on >= today]
    for item in coming[:MAX_LISTED_EVENTS]:
        by_day[item.on].append(item)
    for day, group in by_day.items():
        lines += [
            "",
            f"{format_date(day, lang, ctx.texts)} · {relative_days(day, today, lang, ctx.texts)}",
        ]
        for item, title in nonconformity.one_line_each(ctx, group):
            line = f"• {title}"
            if item.key in next_at:
                local = next_at[item.key].astimezone(tz)
                line += ctx.t("remlist_next_reminder", when=f"{local:%m-%d %H:%M}")
            lines.append(line)
    if len(coming) > MAX_LISTED_EVENTS:
        lines += ["", ctx.t("remlist_more", n=len(coming) - MAX_LISTED_EVENTS)]
    if not ctx.user.reminders_opt_in:
        lines += ["", ctx.t("remlist_off")]
    lines += ["", ctx.t("remlist_hint", hour=f"{schedule.clamp_hour(company.reminder_hour)}:00")]
    lines.append(_pause_line(ctx, tz))
    return [Reply("\n".join(lines))]


def calendar_view(ctx: Ctx, _: str) -> Out:
    """An .ics file of every dated event (stable UIDs, so re-importing updates them)."""
    count = len(timeline_of(ctx).items)
    if count == 0:
        return [ctx.reply("remlist_calendar_empty")]
    content = build_calendar(ctx.company, ctx.kb.rules, ctx.lang, ctx.now, ctx.texts)
    caption = ctx.t("remlist_calendar", n=count)
    return [Reply(caption, document=Document("ipms-calendar.ics", content, "text/calendar"))]


# "明天再提醒我", "下周再提醒", "remind me tomorrow": the ⏰ buttons in words
_REMIND_AGAIN = re.compile(r"再?提醒(?:我|一下)?|\bremind\s+me\b", re.I)
# ... and so is putting off what the last reminder was about, when no card is on screen
# ("这个下周再弄", "明天再说", "I'll do it next week")
_PUT_OFF = re.compile(
    r"再(?:弄|做|搞|说|处理|办|看)|\b(?:i'?ll|we'?ll|will)\s+do\s+(?:it|that|this)\b"
    r"|\bdo\s+(?:it|that|this)\s+(?:tomorrow|next\s+week)\b",
    re.I,
)
_NEXT_WEEK = re.compile(r"下周|下个?礼拜|下个?星期|\bnext\s+week\b", re.I)
_IN_A_WEEK = re.compile(r"一周后|一个?星期后|过一周|\bin\s+a\s+week\b", re.I)
_A_WEEK = re.compile(f"{_NEXT_WEEK.pattern}|{_IN_A_WEEK.pattern}", re.I)
_A_DAY = re.compile(r"明天|明日|\btomorrow\b", re.I)
MAX_LATER = 30


# What may stand around a put-off with nothing named: "这个下周再弄吧", "I'll do it next week"
_AROUND_PUT_OFF = re.compile(
    r"这个|那个|这件事|这事|这|那|吧|了|呢|啊|先|我们|咱们|\b(?:i'?ll|we'?ll|will)\b|[\s,，。.!！]",
    re.I,
)


def _only_put_off(text: str) -> bool:
    """Nothing but the put-off itself: "合同审批那个下周再弄" names an action (its own move)."""
    rest = text
    for said in (_PUT_OFF, _A_WEEK, _A_DAY):
        rest = said.sub("", rest)
    return not _AROUND_PUT_OFF.sub("", rest)


def later_said(text: str, put_off: bool = False, today: date | None = None) -> int | None:
    """The days a short "remind me again" message asks for, or None: 1 for tomorrow, 7 for
    "in a week", and for "next week" the days to its Monday when ``today`` is given (else 7).
    ``put_off``: "下周再弄" counts too (said with no card on screen, it is about the last
    reminder)."""
    asks = _REMIND_AGAIN.search(text) or (put_off and _PUT_OFF.search(text) and _only_put_off(text))
    if len(text) > MAX_LATER or not asks or "?" in text or "？" in text:
        return None
    if _NEXT_WEEK.search(text) and not _IN_A_WEEK.search(text) and today is not None:
        return 7 - today.weekday()  # Friday's "下周再提醒我" is Monday's, not next Friday's
    if _A_WEEK.search(text):
        return 7
    return 1 if _A_DAY.search(text) else None


def snooze(ctx: Ctx, reminder_id: str, days: str) -> Out | None:
    if not (reminder_id.isdigit() and days.isdigit() and int(days) in SNOOZE_DAYS):
        return None
    return [Snooze(int(reminder_id), int(days))]


FLOW = Flow(
    "reminders",
    commands=(
        Command("reminders", reminders_view, needs_company=True),
        Command("calendar", calendar_view, needs_company=True),
    ),
    verbs=(Verb("rem.snooze", snooze, arity=2, needs_company=False),),
)
