"""The company's dates: recording when something happens, marking it done."""

from __future__ import annotations

from datetime import date

from flows import nonconformity, plan, schedule
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.reading import Got, read_date
from flows.registry import Flow, Input, Verb
from flows.state import DatedEvent
from flows.types import PROMPT, SHOW_NEXT, Out

INPUT = "date"
# Dates that lie in the past by nature (the system started running on that day).
PAST_ONLY = {"system_start"}


def event_date(ctx: Ctx, key: str) -> date | None:
    if key == "system_start":
        return ctx.company.system_start
    ev = next((e for e in ctx.company.events if e.key == key), None)
    return ev.on if ev else None


def resolve_key(ctx: Ctx, key: str) -> str:
    """A step asks for a kind ("surveillance"); dates belong to one occurrence of it
    ("surveillance:1"): the first not-done derived event of that kind, if any."""
    if key in ("system_start",) or ":" in key:
        return key
    events = sorted(
        (e for e in schedule.all_events(ctx.company, ctx.kb.rules) if e.kind == key and not e.done),
        key=lambda e: e.on,
    )
    return events[0].key if events else key


def event_title(ctx: Ctx, key: str) -> str:
    for a in ctx.company.actions:
        if key == f"action:{a.id}":
            return plan.title_of(ctx, a)
    for ev in schedule.all_events(ctx.company, ctx.kb.rules):  # explicit, then derived titles
        if ev.key == key and (ev.title_zh or ev.title_en):
            return (ev.title_zh if ctx.lang == "zh" else ev.title_en) or ev.title_zh or ev.title_en
    kind = key.split(":", 1)[0]
    return schedule.reminder_kind(ctx.kb.rules, kind).title.get(ctx.lang)


def ask_for(ctx: Ctx, key: str) -> Out:
    ctx.wait_for(INPUT, key)
    return [PROMPT]


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    return [ctx.reply("ask_event_date", title=event_title(ctx, p.field))]


def take(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    past = p.field in PAST_ONLY
    got = read_date(ctx, text, "past" if past else "any", "start" if past else None)
    if not isinstance(got, Got):
        return got
    ctx.clear_pending()
    return [*([got.echo] if got.echo else []), *set_event_date(ctx, p.field, got.value)]


def set_event_date(ctx: Ctx, key: str, d: date) -> Out:
    if key.startswith("action:"):
        return plan.set_date(ctx, key.removeprefix("action:"), d)
    if key == "system_start":
        ctx.company.system_start = d
        months = ctx.kb.rules.min_operation_months
        eligible = fmt_date(add_months(d, months))
        return [ctx.reply("system_start_saved", date=fmt_date(d), months=months, eligible=eligible)]
    if schedule.find_event(ctx.company, ctx.kb.rules, key) is not None:
        # Known (entered before, or derived from the certificate): keep its kind and titles.
        ctx.conv.company = schedule.set_date(ctx.company, ctx.kb.rules, key, d)
    else:  # a first date for a step; titles come from the reminder kind
        ctx.company.events.append(DatedEvent(key=key, kind=key.split(":", 1)[0], on=d))
    return [ctx.reply("event_saved", title=event_title(ctx, key), date=fmt_date(d))]


def change_date(ctx: Ctx, key: str) -> Out | None:
    return ask_for(ctx, resolve_key(ctx, key))


def mark_done(ctx: Ctx, key: str) -> Out | None:
    """Done from a reminder or "what's next": an action, a nonconformity or a dated event."""
    if key.startswith("action:"):
        return plan.mark_done(ctx, key.removeprefix("action:")) or [ctx.reply("event_unknown")]
    if key.startswith("nc:"):
        nc_id = ":".join(key.split(":")[:2])
        return nonconformity.close(ctx, nc_id) or [ctx.reply("event_unknown")]
    if schedule.find_event(ctx.company, ctx.kb.rules, key) is None:
        return [ctx.reply("event_unknown")]
    ctx.conv.company = schedule.mark_done(ctx.company, ctx.kb.rules, key, ctx.today)
    return [ctx.reply("event_done", title=event_title(ctx, key)), SHOW_NEXT]


FLOW = Flow(
    "dates",
    verbs=(Verb("evt.done", mark_done, arity=1), Verb("evt.date", change_date, arity=1)),
    inputs=(Input(INPUT, ask, take=take),),
)
