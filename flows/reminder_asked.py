"""A reminder asked for ahead of an event ("remind me 2 weeks before the internal audit", "内审
前一周提醒我"): the reminders for it are automatic; say when they come, and for which date.

The lead days are the reminder kind's (rules.yaml), the same for everyone: a reminder at other
days is not offered, and the reply says so instead of reading the sentence as a date.
"""

from __future__ import annotations

import re

from flows import dated, facts
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.reminders import relative_days
from flows.timeline import Item
from flows.types import Out

MAX_LEN = 120
THIS_YEAR_DAYS = 300  # a held audit this recent is this year's: "做了吗" is answered by it
_ASKED = re.compile(
    r"\bremind\s+(?:me|us)\b.{0,40}\b(?:before|ahead|prior)\b|\b(?:set|add)\s+(?:a\s+)?reminder"
    r"|提前.{0,8}提醒|(?:之前|以前|前).{0,4}提醒(?:我|我们|一下)|提醒(?:我|我们).{0,12}(?:之前|以前|前)"
    r"|设(?:置)?(?:个|一个)?提醒",
    re.I,
)


def _asks(ctx: Ctx, text: str, asked: re.Pattern[str]) -> bool:
    """A short message of an onboarded company that asks this."""
    return len(text) <= MAX_LEN and ctx.company.onboarded and asked.search(text) is not None


def _kinds(ctx: Ctx, named: str) -> set[str]:
    """The kinds and keys an event named in words goes by ("surveillance": its next open
    occurrence, and "surveillance_audit" once one is held)."""
    said = {named, facts.this_cycle(ctx, named), dated.resolve_key(ctx, named)}
    return said | {f"{k}_audit" for k in said}


def _named_item(ctx: Ctx, text: str) -> tuple[str, Item | None] | None:
    """The event the text names and its next open occurrence (None when it has no date)."""
    named = facts.named_event(text)
    if named is None:
        return None
    kinds = _kinds(ctx, named)
    items = [i for i in timeline_of(ctx).open_items() if i.kind in kinds or i.key in kinds]
    return named, min(items, key=lambda i: (i.on, i.key)) if items else None


def _no_date(ctx: Ctx, named: str) -> Out:
    return [ctx.reply("remind_no_date", title=ctx.kb.reminder_kind(named).title.get(ctx.lang))]


def recognise(ctx: Ctx, text: str) -> Out | None:
    """When the reminders of the event named come, or None when the text asks none."""
    if not _asks(ctx, text, _ASKED):
        return None
    if (found := _named_item(ctx, text)) is None:
        return None
    named, item = found
    if item is None:
        return _no_date(ctx, named)
    leads = sorted((d for d in ctx.kb.reminder_kind(item.kind).lead_days if d > 0), reverse=True)
    said = [str(d) for d in leads]
    joined = "、".join(said) if ctx.lang == "zh" else ", ".join(said[:-1]) + " and " + said[-1]
    return [
        ctx.reply(
            "remind_leads",
            title=item.title(ctx.lang),
            date=fmt_date(item.on),
            when=relative_days(item.on, ctx.today, ctx.lang),
            leads=joined if len(said) > 1 else said[0],
            hour=f"{ctx.company.reminder_hour}:00",
        )
    ]


# "内审还有几天", "内审是哪天", "how many days until the internal audit": our own date
_WHEN = re.compile(
    r"还有(?:几|多少)天|还剩(?:几|多少)天|是哪天|哪一天|几号|\bhow\s+many\s+days\b"
    r"|\bdays\s+(?:left|to\s+go)\b|\bwhen\s+is\s+(?:our|my|the\s+next)\b|\bwhat\s+date\s+is\b",
    re.I,
)


def when_asked(ctx: Ctx, text: str) -> Out | None:
    """The date of the event named and how far off it is, or None."""
    if not _asks(ctx, text, _WHEN):
        return None
    if (found := _named_item(ctx, text)) is None:
        return None
    named, item = found
    if item is None:
        return _no_date(ctx, named)
    when = relative_days(item.on, ctx.today, ctx.lang)
    return [ctx.reply("event_when", title=item.title(ctx.lang), date=fmt_date(item.on), when=when)]


# Fewer reminders asked for ("别每天都发，一周一次就行", "提醒太多了", "once a week is enough"):
# they only come when something is due, which is said, with the way to pause them.
_LESS_OFTEN = re.compile(
    r"一周一次|每周一次|一周提醒一次|每周提醒|一星期一次|提醒太多|太多提醒|少发|发少点|发得太多"
    r"|\b(?:once\s+a\s+week|weekly|less\s+often|too\s+many\s+(?:reminders|messages))\b",
    re.I,
)


def less_often(ctx: Ctx, text: str) -> Out | None:
    """How often reminders come, and how to pause them, or None."""
    if not _asks(ctx, text, _LESS_OFTEN):
        return None
    return [ctx.reply("remind_frequency", hour=f"{ctx.company.reminder_hour}:00")]


# "今年的监督审核做了吗", "have we done the internal audit?": what is on record, not the FAQ's rule
_DONE_ASKED = re.compile(
    r"(?:做|开|审|办|交|提交)(?:了|过|完)(?:了)?(?:吗|没有?|没)[？?]?$|(?:做|开)没做|有没有(?:做|开)"
    r"|是不是(?:已经)?(?:做|开|审|办|交|提交)(?:了|过|完)"  # "监督审核是不是做过了"
    r"|\b(?:have|did)\s+(?:we|i)\s+(?:done|do|had|have|held|hold)\b"
    r"|\bis\s+(?:the|our)\s+.{3,40}\s+(?:done|held)\s*(?:yet|already)?\s*\?",
    re.I,
)


def done_asked(ctx: Ctx, text: str) -> Out | None:
    """Whether the event named is recorded as held: when, or what is known of it, or None."""
    if not _asks(ctx, text, _DONE_ASKED):
        return None
    if (found := _named_item(ctx, text)) is None:
        return None
    named, item = found
    kinds = _kinds(ctx, named) | ({item.kind} if item else set())
    held = [i for i in timeline_of(ctx).items if i.kind in kinds and i.done and i.on <= ctx.today]
    last = max(held, key=lambda i: i.on, default=None)
    if last is not None and (item is None or (ctx.today - last.on).days < THIS_YEAR_DAYS):
        return [ctx.reply("event_held", title=last.title(ctx.lang), date=fmt_date(last.on))]
    if item is None:
        return _no_date(ctx, named)
    key = "event_not_held_deadline" if item.deadline is not None else "event_not_held_planned"
    when = relative_days(item.on, ctx.today, ctx.lang)
    title = dated.event_title(ctx, item.key)
    return [ctx.reply(key, title=title, date=fmt_date(item.on), when=when)]
