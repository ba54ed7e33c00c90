"""Nonconformities raised at an audit: recording them and closing them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import confirm, position
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.natural import parse_answer
from flows.phrasing import looks_like_question, says_nothing_new
from flows.registry import Flow, Input, Verb
from flows.state import Nonconformity
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply
from flows.workdays import previous_working_day

MAX_NC_TEXT = 500
TEXT_INPUT, GRADE_INPUT = "nc_text", "nc_grade"


def open_ncs(ctx: Ctx) -> list[Nonconformity]:
    return [nc for nc in ctx.company.nonconformities if nc.closed_on is None]


def number(nc: Nonconformity) -> str:
    return nc.id.split(":", 1)[-1]


def line(ctx: Ctx, nc: Nonconformity) -> str:
    return ctx.t(
        "nc_line",
        mark="✅" if nc.closed_on else "⬜",
        n=number(nc),
        grade=ctx.t("nc_major" if nc.grade == "major" else "nc_minor"),
        text=nc.description[:80],
        evidence=fmt_date(nc.evidence_due),
    )


def close_buttons(ctx: Ctx) -> list[list[Button]]:
    rows = [[ctx.button("nc_close_btn", "nc.close", nc.id, n=number(nc))] for nc in open_ncs(ctx)]
    if len(rows) > 1:  # "都整改完了": one confirmation for all of them
        rows.append([ctx.button("nc_close_all_btn", "nc.closeall")])
    return rows


def buttons(ctx: Ctx) -> list[list[Button]]:
    return [[ctx.button("nc_add_btn", "nc.add")], *close_buttons(ctx)]


def listing(ctx: Ctx) -> list[str]:
    ncs = open_ncs(ctx)
    return [line(ctx, nc) for nc in ncs] if ncs else [ctx.t("none_open_nc")]


def ask_text(ctx: Ctx, still: int = 0) -> Out:
    """Ask for a finding's description; ``still``: how many the user said there are, this
    one included ("开了2个不符合": after the first, the second is asked for at once)."""
    ctx.wait_for(TEXT_INPUT, **({"still": str(still)} if still > 1 else {}))
    return [PROMPT]


def take_text(ctx: Ctx, text: str) -> Out | None:
    if looks_like_question(text):
        return None
    description = " ".join(text.split())[:MAX_NC_TEXT]
    if not description:
        return [PROMPT]
    still = ctx.pending.data.get("still", "") if ctx.pending else ""
    ctx.wait_for(GRADE_INPUT, "", text=description, **({"still": still} if still else {}))
    return [PROMPT]


def ask_grade(ctx: Ctx) -> Out:
    grades = [
        [ctx.button("nc_major", "nc.grade", "major"), ctx.button("nc_minor", "nc.grade", "minor")]
    ]
    return [ctx.reply("ask_nc_grade", grades)]


_GRADES = (
    ("major", re.compile(r"严重|重大|主要|大的|\b(?:major|serious|big|severe)\b", re.I)),
    (
        "minor",
        re.compile(r"一般|轻微|次要|小的|不严重|\b(?:minor|small|light|not\s+major)\b", re.I),
    ),
)


def grade_in(text: str) -> str | None:
    """The grade a text names ("一般", "a minor finding"), or None."""
    # "不严重" names "严重" too: the minor reading is checked first when negated.
    order = _GRADES[::-1] if re.search(r"不严重|not\s+major", text, re.I) else _GRADES
    return next((g for g, p in order if p.search(text)), None)


def take_grade(ctx: Ctx, text: str) -> Out | None:
    """The grade typed ("一般", "minor"): as its button; anything else is left to the others."""
    grade = grade_in(text)
    if grade is not None and len(text) <= 20:
        return add(ctx, grade)
    if parse_answer(text) is not None or says_nothing_new(text):  # "yes" to "major or minor?"
        return [ctx.reply("choice_not_understood"), PROMPT]
    return None


def _due(ctx: Ctx, days: int) -> date:
    """A deadline on a working day (a Saturday is the Friday before); before stage 2 when it is
    booked ahead: stage 1 findings are fixed before it."""
    due = ctx.today + timedelta(days=days)
    stage2 = timeline_of(ctx).get("stage2")
    if stage2 is not None and not stage2.done and ctx.today < stage2.on <= due:
        due = stage2.on - timedelta(days=1)
    return max(previous_working_day(due), ctx.today)


def add(ctx: Ctx, grade: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != GRADE_INPUT or grade not in ("major", "minor"):
        return None
    ctx.clear_pending()
    rules = ctx.kb.rules
    n = 1 + max((int(number(nc)) for nc in ctx.company.nonconformities), default=0)
    nc = Nonconformity(
        id=f"nc:{n}",
        description=p.data.get("text", ""),
        grade="major" if grade == "major" else "minor",
        raised_on=ctx.today,
        correction_due=_due(ctx, rules.nc_correction_days),
        evidence_due=_due(ctx, rules.nc_evidence_days),
    )
    ctx.company.nonconformities.append(nc)
    audit_steps(ctx)
    saved = ctx.t(
        "nc_saved",
        n=n,
        correction=fmt_date(nc.correction_due),
        evidence=fmt_date(nc.evidence_due),
    )
    still = int(p.data.get("still", "0") or 0)
    if still > 1:  # the user said how many: the next one straight away
        return [Reply(saved), ctx.reply("ask_next_nc", n=n + 1), *ask_text(ctx, still - 1)]
    return [Reply("\n\n".join([saved, *listing(ctx)]), buttons(ctx))]


def close(ctx: Ctx, nc_id: str) -> Out | None:
    """Closing a nonconformity ends its deadlines and reminders: asked to confirm first."""
    nc = next((x for x in ctx.company.nonconformities if x.id == nc_id), None)
    if nc is None:
        return None
    if nc.closed_on is not None:
        return [ctx.reply("nc_closed", n=number(nc))]
    return confirm.ask(
        ctx, "confirm_close_nc", "nc.close.do", nc_id, n=str(number(nc)), text=nc.description[:80]
    )


def close_all(ctx: Ctx) -> Out | None:
    """All open findings closed at once, confirmed first (each one's deadlines end)."""
    ncs = open_ncs(ctx)
    if not ncs:
        return [ctx.reply("none_open_nc")]
    return confirm.ask(ctx, "confirm_close_all_nc", "nc.closeall.do", n=str(len(ncs)))


def close_all_confirmed(ctx: Ctx) -> Out | None:
    ncs = open_ncs(ctx)
    for nc in ncs:
        nc.closed_on = ctx.today
    audit_steps(ctx)
    return [ctx.reply("nc_closed_all", n=len(ncs)), SHOW_NEXT]


def close_confirmed(ctx: Ctx, nc_id: str) -> Out | None:
    nc = next((x for x in ctx.company.nonconformities if x.id == nc_id), None)
    if nc is None:
        return None
    if nc.closed_on is None:
        nc.closed_on = ctx.today
    audit_steps(ctx)
    closed = ctx.reply("nc_closed", n=number(nc))
    return [closed, SHOW_NEXT] if not open_ncs(ctx) else [closed]


def audit_steps(ctx: Ctx, passed_clean: bool = False) -> None:
    """Findings recorded: the audit report has been read. All of them closed, or stage 2
    passed without any: the nonconformity step is behind too, the decision is next."""
    ncs = ctx.company.nonconformities
    stage2 = timeline_of(ctx).get("stage2")
    if (
        not passed_clean
        and (stage2 is None or not stage2.done)
        and "audit.stage2" not in (ctx.company.steps_done)
    ):
        return  # findings of stage 1 are fixed before stage 2, which is still to come
    if ncs or passed_clean:
        position.mark_step_done(ctx, "audit.report")
    if passed_clean or (ncs and all(nc.closed_on is not None for nc in ncs)):
        position.mark_step_done(ctx, "audit.nonconformities")
    position.refresh(ctx)


FLOW = Flow(
    "nonconformity",
    verbs=(
        Verb("nc.add", ask_text),
        Verb("nc.grade", add, arity=1),
        Verb("nc.close", close, arity=1, records_done=True),
        Verb("nc.closeall", close_all, records_done=True),
    ),
    inputs=(
        Input(
            TEXT_INPUT,
            lambda ctx: [ctx.reply("ask_nc_text")],
            take=take_text,
            gives_way_to_news=True,
        ),
        Input(GRADE_INPUT, ask_grade, take=take_grade, gives_way_to_news=True),
    ),
    actions=(
        Verb("nc.close.do", close_confirmed, arity=1),
        Verb("nc.closeall.do", close_all_confirmed),
    ),
)
