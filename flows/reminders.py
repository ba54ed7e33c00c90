"""Reminders as the user sees them: one reminder's card, /reminders, /calendar, snoozing.

Pure rendering: the dispatcher gives a ``ReminderView`` of a stored row and gets a ``Reply``.
Snoozing changes a stored reminder, so the flow returns a ``Snooze`` effect for the service.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flows import schedule
from flows.calendar import build_calendar
from flows.callbacks import CallbackTooLong, encode
from flows.context import Ctx
from flows.registry import Command, Flow, Verb
from flows.schedule import OVERDUE_LEAD, local_today, reminder_kind, zone
from flows.state import DatedEvent
from flows.types import Button, Document, Lang, Out, Reply, Snooze
from knowledge.schema import Rules
from knowledge.texts import Catalogue, load_catalogue

SNOOZE_DAYS = (1, 7)
MAX_LISTED_EVENTS = 15


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
    if delta > 1:
        return texts.t(lang, "rem_in_days", n=delta)
    return texts.t(lang, "rem_ago", n=-delta)


def _button(texts: Catalogue, lang: Lang, key: str, verb: str, *args: str | int) -> Button | None:
    try:
        return Button(texts.t(lang, key), encode(verb, *args))
    except CallbackTooLong:  # dropped rather than truncated
        return None


def reminder_buttons(view: ReminderView, lang: Lang, texts: Catalogue) -> list[list[Button]]:
    rows = [
        [_button(texts, lang, "rem_done", "evt.done", view.event_key)],
        [_button(texts, lang, f"rem_snooze_{d}", "rem.snooze", view.id, d) for d in SNOOZE_DAYS],
        [_button(texts, lang, "rem_change", "evt.date", view.event_key)],
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
    title = title_of(view, rules, lang)
    lines = [
        texts.t(lang, "rem_head_overdue" if late else "rem_head", title=title),
        texts.t(
            lang,
            "rem_date",
            date=format_date(view.event_date, lang, texts),
            when=relative_days(view.event_date, today, lang, texts),
        ),
        texts.t(lang, "rem_prepare", text=reminder_kind(rules, view.kind).prepare.get(lang)),
    ]
    if late:
        lines.append(texts.t(lang, "rem_overdue_hint"))
    return Reply("\n".join(lines), reminder_buttons(view, lang, texts))


def snoozed_text(title: str, when: datetime, tz_name: str, lang: Lang) -> str:
    local = when.astimezone(zone(tz_name))
    stamp = f"{format_date(local.date(), lang)} {local:%H:%M}"
    return load_catalogue().t(lang, "rem_snoozed", when=stamp, title=title)


# --- /reminders -------------------------------------------------------------------------------


def _event_title(event: DatedEvent, rules: Rules, lang: Lang) -> str:
    own = event.title_zh if lang == "zh" else event.title_en
    return own or reminder_kind(rules, event.kind).title.get(lang)


def _next_reminders(ctx: Ctx, events: list[DatedEvent]) -> dict[str, datetime]:
    """When each event is next reminded of, from the same plan the reminder rows come from."""
    planned = schedule.plan_reminders(ctx.company, events, ctx.kb.rules, ctx.now, [0])
    first: dict[str, datetime] = {}
    for p in sorted(planned, key=lambda p: p.due_at):
        if p.due_at >= ctx.now:
            first.setdefault(p.event_key, p.due_at)
    return first


def reminders_view(ctx: Ctx, _: str) -> Out:
    """What is coming for the company, grouped by date, overdue first."""
    lang, company, rules = ctx.lang, ctx.company, ctx.kb.rules
    tz = zone(company.timezone)
    today = local_today(ctx.now, tz)
    events = [e for e in schedule.all_events(company, rules) if not e.done]
    if not events:
        return [ctx.reply("remlist_empty")]
    next_at = _next_reminders(ctx, events)
    lines = [ctx.t("remlist_head")]
    overdue = [e for e in events if e.on < today]
    if overdue:
        lines += ["", ctx.t("remlist_overdue")]
        lines += [f"• {e.on.isoformat()} {_event_title(e, rules, lang)}" for e in overdue]
    by_day: dict[date, list[DatedEvent]] = defaultdict(list)
    coming = [e for e in events if e.on >= today]
    for event in coming[:MAX_LISTED_EVENTS]:
        by_day[event.on].append(event)
    for day, items in by_day.items():
        lines += [
            "",
            f"{format_date(day, lang, ctx.texts)} · {relative_days(day, today, lang, ctx.texts)}",
        ]
        for event in items:
            line = f"• {_event_title(event, rules, lang)}"
            if event.key in next_at:
                local = next_at[event.key].astimezone(tz)
                line += ctx.t("remlist_next_reminder", when=f"{local:%m-%d %H:%M}")
            lines.append(line)
    if len(coming) > MAX_LISTED_EVENTS:
        lines += ["", ctx.t("remlist_more", n=len(coming) - MAX_LISTED_EVENTS)]
    if not ctx.user.reminders_opt_in:
        lines += ["", ctx.t("remlist_off")]
    lines += ["", ctx.t("remlist_hint")]
    return [Reply("\n".join(lines))]


def calendar_view(ctx: Ctx, _: str) -> Out:
    """An .ics file of every dated event (stable UIDs, so re-importing updates them)."""
    count = len(schedule.all_events(ctx.company, ctx.kb.rules))
    if count == 0:
        return [ctx.reply("remlist_calendar_empty")]
    content = build_calendar(ctx.company, ctx.kb.rules, ctx.lang, ctx.now, ctx.texts)
    caption = ctx.t("remlist_calendar", n=count)
    return [Reply(caption, document=Document("ipms-calendar.ics", content, "text/calendar"))]


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
