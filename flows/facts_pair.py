"""Two dated events told in one message ("内审5月15号，管评一周后", "we'll do the internal
audit on May 15 and the management review a week later"): both read back for one "yes".

The second date may be said after the first ("一周后", "a week later"). Only the yearly pair an
owner plans together (internal audit, management review) and only when both dates are read.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flows import dated, facts
from flows.callbacks import encode
from flows.context import Ctx
from flows.natural import format_date
from flows.phrasing import looks_like_question
from flows.reading import find_date
from flows.registry import Flow, Verb
from flows.types import Button, Out, Reply
from flows.workdays import next_working_day, previous_working_day

PAIRED = {"internal_audit": "ia", "management_review": "mr",
          "yearly_internal_audit": "yia", "yearly_management_review": "ymr"}  # fmt: skip
_KEYS = {short: key for key, short in PAIRED.items()}
_PARTS = re.compile(r"[，,；;]|\band\b|以及|还有|然后|之后再|再")
MAX_LEN = 120


def _part_event(ctx: Ctx, part: str) -> str | None:
    found = [key for key, pattern in facts.EVENTS if pattern.search(part)]
    return facts.this_cycle(ctx, found[0]) if len(found) == 1 else None


def recognise(ctx: Ctx, text: str) -> Out | None:
    """The two events and their days, read back together; None unless the text says exactly
    that."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    if (both := _both_in(ctx, text)) is not None:
        return both
    parts = [p for p in _PARTS.split(text) if p.strip()]
    named = [(p, k) for p in parts if (k := _part_event(ctx, p)) is not None]
    if len(named) != 2 or named[0][1] == named[1][1] or any(k not in PAIRED for _, k in named):
        return None
    (first, k1), (second, k2) = named
    d1 = find_date(first, ctx.today, "any", "start")
    if d1 is None:
        return None
    # "planned for February": a placeholder day, a working one, and said to be one
    no_day = facts.no_day_said(first, d1)
    if no_day and d1 > ctx.today:
        d1 = facts.placeholder_day(first, ctx.today, d1)
    later = facts.LATER.search(second)
    d2: date | None
    if later is not None:
        d2 = facts.moved_by(d1, later)
    else:
        d2 = find_date(second, ctx.today, "any", "start")
        if d2 is not None and facts.no_day_said(second, d2):
            no_day = True
            d2 = facts.placeholder_day(second, ctx.today, d2) if d2 > ctx.today else d2
    if d2 is None:
        return None
    k1, k2 = dated.resolve_key(ctx, k1), dated.resolve_key(ctx, k2)  # "yearly_…:s1"
    out = _read_back(ctx, k1, d1, k2, d2)
    if out and no_day and isinstance(out[0], Reply):
        ahead = d1 > ctx.today or d2 > ctx.today
        out[0].text += "\n" + ctx.t("fact_no_day" if ahead else "fact_no_day_past")
    return out


# "今年的内审和管评都安排在7月", "both the audit and the review are in July": one period for both
_BOTH = re.compile(r"都|一起|\bboth\b", re.I)


def _both_in(ctx: Ctx, text: str) -> Out | None:
    """The audit and the review said to fall in one period: the audit on its first working day,
    the review the usual two weeks later (within the period)."""
    if not _BOTH.search(text):
        return None
    found = {facts.this_cycle(ctx, key) for key, p in facts.EVENTS if p.search(text)}
    audit = next((k for k in found if k in ("internal_audit", "yearly_internal_audit")), None)
    review = next(
        (k for k in found if k in ("management_review", "yearly_management_review")), None
    )
    if audit is None or review is None or len(found) != 2:
        return None
    said = facts.without_names(text, ctx.today)
    start = find_date(said, ctx.today, "any", "start")
    end = find_date(said, ctx.today, "any", "end")
    if start is None or end is None:
        return None
    d1 = next_working_day(start)
    gap = ctx.kb.rules.practice.planning.audit_before_review_days
    d2 = max(d1, min(next_working_day(d1 + timedelta(days=gap)), previous_working_day(end)))
    k1, k2 = dated.resolve_key(ctx, audit), dated.resolve_key(ctx, review)
    return _read_back(ctx, k1, d1, k2, d2)


def _read_back(ctx: Ctx, k1: str, d1: date, k2: str, d2: date) -> Out | None:
    s1, s2 = _short(k1), _short(k2)
    if s1 is None or s2 is None:
        return None
    data = encode("fact2", s1, d1.strftime("%Y%m%d"), s2, d2.strftime("%Y%m%d"))
    lines = "\n".join(
        f"• {dated.event_title(ctx, k)}：{format_date(d, ctx.lang)}" if ctx.lang == "zh"
        else f"• {dated.event_title(ctx, k)}: {format_date(d, ctx.lang)}"
        for k, d in ((k1, d1), (k2, d2))
    )  # fmt: skip
    reply = ctx.reply("facts_pair_confirm", [[Button(ctx.t("fact_yes"), data)]], lines=lines)
    reply.offer = data
    return [reply]


def _short(key: str) -> str | None:
    """ "yearly_internal_audit:s1" -> "yia:s1" (a button holds 64 bytes)."""
    base, _, cycle = key.partition(":")
    code = PAIRED.get(base)
    return None if code is None else f"{code}:{cycle}" if cycle else code


def long_key(short: str) -> str | None:
    code, _, cycle = short.partition(":")
    base = _KEYS.get(code)
    return None if base is None else f"{base}:{cycle}" if cycle else base


def record(ctx: Ctx, k1: str, d1: str, k2: str, d2: str) -> Out | None:
    key1, key2 = long_key(k1), long_key(k2)
    if key1 is None or key2 is None:
        return None
    try:
        days = [datetime.strptime(d, "%Y%m%d").date() for d in (d1, d2)]
    except ValueError:
        return None
    first = dated.set_event_date(ctx, key1, days[0])
    second = dated.set_event_date(ctx, key2, days[1])
    texts = [r.text for r in (*first, *second) if isinstance(r, Reply) and r.text]
    rest = [r for r in second if not isinstance(r, Reply)]  # what's next, once
    return [Reply("\n".join(texts)), *rest]


FLOW = Flow("facts_pair", verbs=(Verb("fact2", record, arity=4, moving_on_accepts=True),))
