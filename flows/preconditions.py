"""Before applying for certification: the conditions a certification body checks.

Domain brief §3.2 [H]: at least 3 months of operation with records, a full internal audit and
a management review done, no administrative penalty during operation or in the year before
it, and (the IP certification measures) not on the list of seriously dishonest entities nor
ordered to suspend business. The conditions are the application step's checklist items
marked ``precondition`` in journey.yaml. Each one is met (known from what was recorded, or
confirmed by the user), failed (the saved state says otherwise, with the reason and what to
do) or not known yet (a button confirms it). Shown when completing the application step,
in "what's next" before applying, and at onboarding when the user says they have applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flows import timeline_edit
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.facts import pattern as facts_pattern
from flows.known import item_known, timeline_of
from flows.phrasing import looks_like_question, reports_done
from flows.reading import find_date
from flows.registry import Flow, Verb
from flows.state import Stage
from flows.timeline import Item, Timeline
from flows.types import Button, Out, Reply, ShowNext

STEP = "appl.submit"
CONFIRMABLE = {
    "ia": "internal_audit",
    "mr": "management_review",
    "no_penalty": "",
    "no_blacklist": "",
}


class Status(StrEnum):
    MET = "met"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Condition:
    id: str
    status: Status
    detail: str = ""  # the reason, for a failed or unknown condition


def evaluate(ctx: Ctx, on: date | None = None) -> list[Condition]:
    """Each precondition as of ``on`` (today by default)."""
    on = on or ctx.today
    tl = timeline_of(ctx)
    step = ctx.kb.steps[STEP]
    ticked = set(ctx.company.checked.get(STEP, []))
    out: list[Condition] = []
    for item in (c for c in step.checklist if c.precondition):
        # The months of operation are a fact from the start date, not a box to tick.
        if item.id != "months" and (item.id in ticked or item_known(ctx, item, tl)):
            out.append(Condition(item.id, Status.MET))
        else:
            out.append(_open(ctx, item.id, on, tl))
    return out


def _open(ctx: Ctx, cid: str, on: date, tl: Timeline) -> Condition:
    if cid == "months":
        return _months(ctx, on, tl)
    if cid in ("ia", "mr"):
        planned = tl.get(CONFIRMABLE[cid])
        if planned is not None and not planned.done:
            return Condition(cid, Status.FAILED, ctx.t("pre_planned", date=fmt_date(planned.on)))
        return Condition(cid, Status.UNKNOWN)
    answer = ctx.company.answers.get("F06")
    if cid == "no_penalty" and answer is not None and answer.value == "no":
        return Condition(cid, Status.FAILED, ctx.t("pre_penalty_answered"))
    return Condition(cid, Status.UNKNOWN)


def _months(ctx: Ctx, on: date, tl: Timeline) -> Condition:
    start = ctx.company.system_start
    if start is None:
        return Condition("months", Status.UNKNOWN, ctx.t("pre_no_start"))
    months = ctx.kb.rules.min_operation_months
    mark = tl.get("eligible")  # the same day the plan and the calendar show
    eligible = mark.on if mark is not None else add_months(start, months)
    if eligible <= on:
        return Condition("months", Status.MET)
    ran = max((on - start).days, 0) / 30.4
    detail = ctx.t(
        "pre_months_short",
        start=fmt_date(start),
        ran=f"{ran:.1f}",
        months=months,
        eligible=fmt_date(eligible),
    )
    return Condition("months", Status.FAILED, detail)


def problems(ctx: Ctx) -> list[Condition]:
    return [c for c in evaluate(ctx) if c.status is not Status.MET]


# --- showing --------------------------------------------------------------------------------

_MARK = {Status.MET: "✅", Status.FAILED: "❌", Status.UNKNOWN: "❔"}


def lines(ctx: Ctx, conditions: list[Condition], applied: bool = False) -> list[str]:
    step = ctx.kb.steps[STEP]
    label = {c.id: c.text.get(ctx.lang) for c in step.checklist}
    out: list[str] = []
    for c in conditions:
        out.append(f"{_MARK[c.status]} {label[c.id]}")
        if c.status is Status.MET:
            continue
        if c.detail:
            out.append(f"   {c.detail}")
        todo = f"pre_todo_{c.id}_{c.status.value}"
        if applied and c.id == "months" and c.status is Status.FAILED:
            todo = "pre_todo_months_applied"  # too late to wait: talk to the body
        out.append("   " + ctx.t(todo))
    return out


def buttons(ctx: Ctx, conditions: list[Condition]) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for c in conditions:
        if c.status is Status.MET:
            continue
        if c.id == "months":
            if c.status is Status.UNKNOWN:  # a known start only needs time
                rows.append([ctx.button("pre_btn_start", "evt.date", "operate")])
        elif CONFIRMABLE.get(c.id):
            rows.append(
                [
                    ctx.button(f"pre_btn_{c.id}", "pre.ok", c.id),
                    ctx.button(f"pre_btn_{c.id}_date", "evt.date", CONFIRMABLE[c.id]),
                ]
            )
        else:
            rows.append([ctx.button(f"pre_btn_{c.id}", "pre.ok", c.id)])
    return rows


def check_reply(ctx: Ctx, head: str, applied: bool = False) -> Reply:
    """The whole check: a heading, one line per condition, buttons for what is open."""
    conditions = evaluate(ctx)
    open_ones = [c for c in conditions if c.status is not Status.MET]
    text = "\n".join([head, *lines(ctx, conditions, applied)])
    rows = buttons(ctx, conditions)
    if not open_ones:
        text += "\n\n" + ctx.t("pre_all_met")
        rows = [[ctx.button("pre_btn_applied", "sd", STEP)]]
    elif applied:
        rows.append([ctx.button("pre_btn_submit_anyway", "sd!", STEP)])
    return Reply(text, rows)


def before_applying(ctx: Ctx) -> Reply:
    """Shown when the user marks the application step done with conditions still open."""
    return check_reply(ctx, ctx.t("pre_head", date=fmt_date(ctx.today)), applied=True)


def at_onboarding(ctx: Ctx) -> Out:
    """The user said they have applied (or been audited): what the body will check."""
    if ctx.company.stage not in (Stage.APPLIED, Stage.AUDITED) or not problems(ctx):
        return []
    reply = check_reply(ctx, ctx.t("pre_head_applied"), applied=True)
    reply.buttons = [row for row in reply.buttons if not row[0].data.startswith("2|sd!|")]
    return [reply]


def _tick(ctx: Ctx, cid: str) -> None:
    ticked = ctx.company.checked.setdefault(STEP, [])
    if cid not in ticked:
        ticked.append(cid)
    if (key := CONFIRMABLE[cid]) and (item := timeline_of(ctx).get(key)) and not item.done:
        timeline_edit.complete(ctx, key)


def confirm(ctx: Ctx, cid: str) -> Out | None:
    """The user confirms a condition (the review was held, no penalty, ...)."""
    if cid not in CONFIRMABLE:
        return None
    _tick(ctx, cid)
    reply = check_reply(ctx, ctx.t("pre_head", date=fmt_date(ctx.today)))
    reply.edit = True
    return [reply]


# A precondition confirmed in words ("没有行政处罚", "we've never been fined"): the user's own
# statement, as the button is; negations inside the pattern, not around it.
_TOLD = {
    "no_penalty": re.compile(
        r"处罚(?:记录)?.{0,4}(?:查过|查了|核查过?|查询过?|看过).{0,8}(?:没有|没问题|无|干净|正常|都没)"
        r"|(?:没有|没受过|未受过|没被|未被|从没|从未|无)(?:受到|任何|过)*(?:行政)?处罚"
        r"|\bno\s+(?:administrative\s+)?penalt|\bnever\s+(?:been\s+)?(?:fined|penali[sz]ed)"
        r"|\bnot\s+been\s+(?:fined|penali[sz]ed)",
        re.I,
    ),
    "no_blacklist": re.compile(
        r"(?:没有|没|未|不在)(?:被)?列入?.{0,6}(?:失信|黑名单)|不在.{0,6}(?:失信|黑名单)"
        r"|(?:没有|没|无|未|不是)(?:被)?(?:列入?|上)?(?:过)?(?:任何)?(?:严重)?(?:失信|黑名单)"
        r"|\bnot\s+(?:on|in)\s+(?:any\s+|the\s+|a\s+)?(?:blacklist|dishonest)"
        r"|\bno\s+(?:blacklist|black\s+list|dishonest)|\b(?:not|never)\s+(?:been\s+)?blacklisted",
        re.I,
    ),
}
# Both conditions denied in one word, as the two buttons ask them ("都没有", "neither"). With
# the internal audit or the review also open, "都没有" could be "none of it done": only when
# the text says the records were checked ("查过了，都没有").
_NEITHER = re.compile(
    r"都(?:没|没有|无|不是|不在)|两(?:个|样|项|条)都没|\bneither\b|\bnone\s+of\s+(?:them|those|these|it)\b"
    r"|\bno\s+to\s+both\b|\bboth\s+(?:no|clear|clean|fine)\b",
    re.I,
)
_CHECKED = re.compile(r"查过|查了|查询过|核查|核实过|看过|\b(?:checked|looked)\b", re.I)
_DENIED = ("no_penalty", "no_blacklist")


def _neither(ctx: Ctx, text: str) -> list[str]:
    """ "都没有", "neither": the open conditions that are denials, when nothing else open
    could be what is denied (or the text says they were checked)."""
    if _NEITHER.search(text) is None or len(text) > 40:
        return []
    open_ids = {c.id for c in evaluate(ctx) if c.status is not Status.MET}
    denied = [cid for cid in _DENIED if cid in open_ids]
    held_open = open_ids & set(_HELD)
    return denied if denied and (not held_open or _CHECKED.search(text)) else []


# Held before applying, told without a date ("内审做过了" after onboarding as applied): the
# condition is confirmed; a date would be a fact to record (flows.facts), not today's.
_HELD = {"ia": "internal_audit", "mr": "management_review"}


def _held_told(ctx: Ctx, text: str) -> list[str]:
    applied = STEP in ctx.company.steps_done and ctx.company.certificate is None
    if not applied or reports_done(text) is not True:  # once certified: this year's audit
        return []
    if find_date(text, ctx.today, "past", "start") is not None:
        return []
    return [cid for cid, key in _HELD.items() if facts_pattern(key).search(text)]


def said_open(ctx: Ctx, text: str) -> list[str]:
    """The open conditions the text confirms ("处罚记录查过了，没有处罚"); nothing changes."""
    if not ctx.company.onboarded or len(text) > 120 or looks_like_question(text):
        return []
    said = [cid for cid, pattern in _TOLD.items() if pattern.search(text)]
    said += _held_told(ctx, text)
    said += [cid for cid in _neither(ctx, text) if cid not in said]
    if not said:  # the conditions are evaluated only for a text that names one
        return []
    # Open ones; "no penalty" also over an earlier assessment answer (checked since).
    open_ids = {c.id for c in evaluate(ctx) if c.status is not Status.MET}
    return [cid for cid in said if cid in open_ids]


def told(ctx: Ctx, text: str) -> Out | None:
    """A condition the body checks, confirmed in words while it is still open."""
    said = said_open(ctx, text)
    if not said:
        return None
    for cid in said:
        _tick(ctx, cid)
    if ctx.company.phase in _APPLYING:
        return [check_reply(ctx, ctx.t("pre_head", date=fmt_date(ctx.today)))]
    # Months before applying: the whole check (internal audit "not done") would alarm; say
    # what was noted, and close the plan's own check of it.
    label = {c.id: c.text.get(ctx.lang) for c in ctx.kb.steps[STEP].checklist}
    lines = [ctx.t("pre_noted", condition=label[cid]) for cid in said]
    for cid in said:
        if (action := _checking_action(ctx, cid)) is not None:
            timeline_edit.complete(ctx, action.key)
            lines.append(ctx.t("pre_noted_action", title=action.title(ctx.lang)))
    return [Reply("\n".join(lines)), ShowNext()]


_APPLYING = {"appl", "audit", "dec", "maint"}
# The plan action that checks a condition: the one from its assessment question.
_CHECKED_BY = {"no_penalty": "F06"}


def _checking_action(ctx: Ctx, cid: str) -> Item | None:
    qid = _CHECKED_BY.get(cid)
    return next(
        (
            i
            for i in timeline_of(ctx).items
            if qid is not None
            and i.key.startswith("action:")
            and i.question_id == qid
            and not i.done
        ),
        None,
    )


FLOW = Flow(
    "preconditions",
    verbs=(
        Verb("pre.ok", confirm, arity=1),
        Verb(
            "pre.show", lambda ctx: [check_reply(ctx, ctx.t("pre_head", date=fmt_date(ctx.today)))]
        ),
    ),
)
