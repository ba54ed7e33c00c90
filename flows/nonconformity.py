"""Nonconformities raised at an audit: recording them, correcting them and closing them.

Each one belongs to the audit that raised it (the certification body's audit held last on or
before the day it was raised) and is shown numbered within it ("Surveillance audit 1, finding
1"); its deadlines run from that audit's day. A deadline the body said ("they said fix within
2 weeks") sets the deadlines of that audit's findings; "nonconformity 2 should be …" (or the
✏️ button) corrects a description.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import confirm, deadlines_said, position
from flows.context import Ctx, fmt_date
from flows.findings_text import findings_in
from flows.known import timeline_of
from flows.natural import parse_answer, parse_count
from flows.phrasing import looks_like_question, says_nothing_new
from flows.reading import find_date
from flows.registry import Flow, Input, Verb
from flows.state import Nonconformity
from flows.timeline import Item
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply
from flows.workdays import previous_working_day

MAX_NC_TEXT = 500
TEXT_INPUT, GRADE_INPUT, EDIT_INPUT = "nc_text", "nc_grade", "nc_edit"
CB_AUDITS = ("stage1", "stage2", "surveillance_audit")  # audits that raise nonconformities
RECENT_DAYS = 60  # findings recorded this long after an audit still run from its day


def open_ncs(ctx: Ctx) -> list[Nonconformity]:
    return [nc for nc in ctx.company.nonconformities if nc.closed_on is None]


def number(nc: Nonconformity) -> str:
    return nc.id.split(":", 1)[-1]


def _audits(ctx: Ctx) -> list[Item]:
    """The certification body's audits on the timeline, earliest first."""
    return sorted(
        (i for i in timeline_of(ctx).items if i.kind in CB_AUDITS), key=lambda i: (i.on, i.key)
    )


def _held_by(audits: list[Item], day: date) -> Item | None:
    """The audit held last on or before ``day``."""
    return next((a for a in reversed(audits) if a.on <= day), None)


def recent_audit(ctx: Ctx) -> Item | None:
    """The audit held within the last weeks: the one whose findings are being recorded."""
    held = _held_by(_audits(ctx), ctx.today)
    return held if held is not None and (ctx.today - held.on).days <= RECENT_DAYS else None


def _groups(ctx: Ctx) -> dict[str, tuple[Item | None, int]]:
    """Each finding's audit and its number within that audit."""
    audits = _audits(ctx)
    seen: dict[str, int] = {}
    out: dict[str, tuple[Item | None, int]] = {}
    for nc in ctx.company.nonconformities:
        audit = _held_by(audits, nc.raised_on)
        key = audit.key if audit is not None else ""
        seen[key] = seen.get(key, 0) + 1
        out[nc.id] = (audit, seen[key])
    return out


def label(
    ctx: Ctx, nc: Nonconformity, groups: dict[str, tuple[Item | None, int]] | None = None
) -> str:
    """How the owner sees a finding: "Stage 1 audit, finding 2" ("nonconformity 2" when the
    audit that raised it is not on the timeline)."""
    audit, n = (groups or _groups(ctx)).get(nc.id, (None, 0))
    if audit is None:
        return ctx.t("nc_label_plain", n=number(nc))
    return ctx.t("nc_label", audit=audit.title(ctx.lang), n=n)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def line(
    ctx: Ctx, nc: Nonconformity, groups: dict[str, tuple[Item | None, int]] | None = None
) -> str:
    return ctx.t(
        "nc_line",
        mark="✅" if nc.closed_on else "⬜",
        label=_capital(label(ctx, nc, groups)),
        grade=ctx.t("nc_major" if nc.grade == "major" else "nc_minor"),
        text=nc.description[:80],
        evidence=fmt_date(nc.evidence_due),
    )


def close_buttons(ctx: Ctx) -> list[list[Button]]:
    groups = _groups(ctx)
    rows = [
        [ctx.button("nc_close_label_btn", "nc.close", nc.id, label=label(ctx, nc, groups))]
        for nc in open_ncs(ctx)
    ]
    if len(rows) > 1:  # "都整改完了": one confirmation for all of them
        rows.append([ctx.button("nc_close_all_btn", "nc.closeall")])
    return rows


def buttons(ctx: Ctx) -> list[list[Button]]:
    return [[ctx.button("nc_add_btn", "nc.add")], *close_buttons(ctx)]


def listing(ctx: Ctx) -> list[str]:
    ncs = open_ncs(ctx)
    groups = _groups(ctx)
    return [line(ctx, nc, groups) for nc in ncs] if ncs else [ctx.t("none_open_nc")]


def ask_text(ctx: Ctx, still: int = 0, days: int = 0, grade: str | None = None) -> Out:
    """Ask for a finding's description; ``still``: how many the user said there are, this
    one included ("开了2个不符合": after the first, the second is asked for at once);
    ``days``: the deadline the body gave, when the owner said it; ``grade``: the grade said
    for all of them ("2 minor NCs"), so it is not asked."""
    data = {"still": str(still)} if still > 1 else {}
    if days:
        data["days"] = str(days)
    if grade:
        data["grade"] = grade
    ctx.wait_for(TEXT_INPUT, **data)
    return [PROMPT]


# "both NCs are closed, evidence sent" where a description was asked: news, not a finding
_CLOSING = re.compile(
    r"(?:both|all|they|them|ncs?|findings?|不符合项?|问题|都|已经|全部).{0,24}"
    r"(?:closed|fixed|resolved|sorted|关闭|关了|整改完|改完了|处理完)",
    re.I,
)


def take_text(ctx: Ctx, text: str) -> Out | None:
    if looks_like_question(text):
        return None
    if says_nothing_new(text):  # "yes", "ok": no description
        return [ctx.reply("nc_text_not_answer"), PROMPT]
    if _CLOSING.search(text) and len(text) <= MAX_CLOSING_TEXT:
        return [ctx.reply("nc_text_closing"), PROMPT]
    if (days := days_said(text) or _days_to(ctx, text)) is not None:  # "they said fix
        return [*_deadline_told(ctx, days), PROMPT]  # within 2 weeks", "6月底前": no finding
    kept = {k: v for k, v in (ctx.pending.data if ctx.pending else {}).items() if k in _KEPT}
    listed, days = without_deadline(findings_in(text))
    if len(listed) > 1:  # "一个是范围说明写得不清楚，一个是合规义务清单不全": each its own
        given = days or int(kept.get("days", "0") or 0)
        return described(ctx, listed, int(kept.get("still", "0") or 0), given, kept.get("grade"))
    description = " ".join(text.split())[:MAX_NC_TEXT]
    if not description:
        return [PROMPT]
    ctx.wait_for(GRADE_INPUT, "", text=description, **kept)
    if grade := kept.get("grade"):  # "2 minor NCs": graded as said
        return add(ctx, grade) or [PROMPT]
    return [PROMPT]


_KEPT = ("still", "days", "grade")  # carried from one finding's questions to the next


def described(
    ctx: Ctx, texts: list[str], still: int = 0, days: int = 0, grade: str | None = None
) -> Out:
    """Findings described before they were asked for: the first one's grade is asked, the rest
    wait their turn. A grade said for all ("2 minor NCs") grades each one without asking."""
    first, rest = texts[0][:MAX_NC_TEXT], texts[1:]
    data = {"text": first, "queue": "\n".join(rest)} if rest else {"text": first}
    if still > 1:
        data["still"] = str(still)
    if days:
        data["days"] = str(days)
    if grade:
        data["grade"] = grade
        ctx.wait_for(GRADE_INPUT, "", **data)
        return add(ctx, grade) or []
    ctx.wait_for(GRADE_INPUT, "", **data)
    return [ctx.reply("nc_described", text=first), PROMPT]


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
    if (days := days_said(text) or _days_to(ctx, text)) is not None:  # the deadline, said
        return [*_deadline_told(ctx, days), PROMPT]  # before the grade ("6月底前")
    if parse_answer(text) is not None or says_nothing_new(text):  # "yes" to "major or minor?"
        return [ctx.reply("choice_not_understood"), PROMPT]
    return None


def due_after(ctx: Ctx, base: date, days: int) -> date:
    """A deadline ``days`` after the audit's day ``base``, on a working day (a Saturday is the
    Friday before), never before today; before stage 2 when it is booked ahead: stage 1
    findings are fixed before it."""
    due = base + timedelta(days=days)
    if (stage2 := _stage2_before(ctx, due)) is not None:
        due = stage2 - timedelta(days=1)
    return max(previous_working_day(due), ctx.today)


def _stage2_before(ctx: Ctx, due: date) -> date | None:
    """The day of stage 2 when it is booked ahead and comes by ``due``."""
    stage2 = timeline_of(ctx).get("stage2")
    if stage2 is not None and not stage2.done and ctx.today < stage2.on <= due:
        return stage2.on
    return None


def before_stage2(ctx: Ctx) -> list[str]:
    """Stage 2 booked: the stage 1 findings still open are due before it (the stage 1 card
    says so), said in a line; none to move: no line."""
    stage2 = timeline_of(ctx).get("stage2")
    if stage2 is None or stage2.done or stage2.on <= ctx.today:
        return []
    due = max(previous_working_day(stage2.on - timedelta(days=1)), ctx.today)
    groups = _groups(ctx)
    moved = [
        nc
        for nc in open_ncs(ctx)
        if (held := groups[nc.id][0]) is not None
        and held.kind == "stage1"
        and max(nc.correction_due, nc.evidence_due) > due
    ]
    for nc in moved:
        nc.correction_due, nc.evidence_due = min(nc.correction_due, due), min(nc.evidence_due, due)
    if not moved:
        return []
    labels = ", ".join(label(ctx, nc, groups) for nc in moved)
    return [ctx.t("nc_moved_before_stage2", labels=labels, n=len(moved), due=fmt_date(due))]


def add(ctx: Ctx, grade: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != GRADE_INPUT or grade not in ("major", "minor"):
        return None
    ctx.clear_pending()
    rules = ctx.kb.rules
    n = 1 + max((int(number(nc)) for nc in ctx.company.nonconformities), default=0)
    audit = recent_audit(ctx)
    base = audit.on if audit is not None else ctx.today  # deadlines run from the audit
    said = int(p.data.get("days", "0") or 0)  # the body's own deadline, when the owner said it
    nc = Nonconformity(
        id=f"nc:{n}",
        description=p.data.get("text", ""),
        grade="major" if grade == "major" else "minor",
        raised_on=base,
        correction_due=due_after(ctx, base, said or rules.nc_correction_days),
        evidence_due=due_after(ctx, base, said or rules.nc_evidence_days),
    )
    ctx.company.nonconformities.append(nc)
    audit_steps(ctx)
    groups = _groups(ctx)
    saved = ctx.t(
        "nc_saved_given" if said else "nc_saved",  # the body's own deadline: no caveat
        label=label(ctx, nc, groups),
        correction=fmt_date(nc.correction_due),
        evidence=fmt_date(nc.evidence_due),
    )
    if stage2 := _stage2_before(ctx, base + timedelta(days=said or rules.nc_evidence_days)):
        saved += " " + ctx.t("nc_due_before_stage2", stage2=fmt_date(stage2))  # why so soon
    edit = [[ctx.button("nc_edit_btn", "nc.edit", nc.id)]]
    still = int(p.data.get("still", "0") or 0)
    queued = [q for q in p.data.get("queue", "").split("\n") if q]
    if queued:  # described in the same message ("一个是…，一个是…"): only the grade is asked
        nxt = ctx.reply("ask_next_nc", n=groups[nc.id][1] + 1)
        if all_graded := p.data.get("grade"):  # "2 minor NCs": the next one graded too
            return [Reply(saved, edit), *described(ctx, queued, 0, said, all_graded)]
        return [Reply(saved, edit), nxt, *described(ctx, queued, max(still - 1, 0), said)]
    if still > 1:  # the user said how many: the next one straight away
        nxt = ctx.reply("ask_next_nc", n=groups[nc.id][1] + 1)
        return [Reply(saved, edit), nxt, *ask_text(ctx, still - 1, said, p.data.get("grade"))]
    return [Reply("\n\n".join([saved, *listing(ctx)]), [*edit, *buttons(ctx)])]


def close(ctx: Ctx, nc_id: str) -> Out | None:
    """Closing a nonconformity ends its deadlines and reminders: asked to confirm first."""
    nc = next((x for x in ctx.company.nonconformities if x.id == nc_id), None)
    if nc is None:
        return None
    if nc.closed_on is not None:
        return [ctx.reply("nc_closed", label=_capital(label(ctx, nc)))]
    return confirm.ask(
        ctx,
        "confirm_close_nc",
        "nc.close.do",
        nc_id,
        label=label(ctx, nc),
        text=nc.description[:80],
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
    closed = ctx.reply("nc_closed", label=_capital(label(ctx, nc)))
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


# --- corrections told in words ------------------------------------------------------------

_UNITS = {"day": 1, "天": 1, "工作日": 1, "week": 7, "周": 7, "星期": 7, "礼拜": 7}
_WITHIN = re.compile(
    r"\b(?:within|in|inside)\s+(?P<n>\d+|an?|one|two|three|four|five|six|ten)\s+"
    r"(?P<unit>day|week|month)s?\b"
    r"|(?P<n_zh>\d+|[一二两三四五六七八九十]+)\s*个?\s*(?P<unit_zh>天|周|星期|礼拜|工作日|月)"
    r"(?:之内|以内|内)",
    re.I,
)
# The days given, said without "within" ("we have 30 days", "they gave us 2 weeks", "给了30天整改")
_GIVEN = re.compile(
    r"\b(?:we\s+have|we'?ve\s+got|we\s+got|they\s+gave\s+us|gave\s+us|given)\s+"
    r"(?P<n>\d+|an?|one|two|three|four|five|six|ten)\s+(?P<unit>day|week|month)s?\b"
    r"|给了?(?:我们)?\s*(?P<n_zh>\d+|[一二两三四五六七八九十]+)\s*个?\s*"
    r"(?P<unit_zh>天|周|星期|礼拜|工作日|月)",
    re.I,
)
# ... or after it ("30 days to close", "2 weeks to fix it", "30天内整改" is _WITHIN's)
_TO_CLOSE = re.compile(
    r"\b(?P<n>\d+|an?|one|two|three|four|five|six|ten)\s+(?P<unit>day|week|month)s?\s+"
    r"(?:to|for)\s+(?:close|fix|correct|respond|submit|send|answer)",
    re.I,
)
_DEADLINE = re.compile(
    r"\b(?:fix|fixed|close|closed|correct|deadline|due|said|told|gave|give|given|respond|"
    r"evidence|submit|send|answer)\b|整改|关闭|期限|要求|提交|说|给了?我们",
    re.I,
)
MAX_DEADLINE_TEXT = 80
MAX_CLOSING_TEXT = 60


def days_said(text: str) -> int | None:
    """The days the certification body gave to fix its findings ("they said fix within 2
    weeks", "要求两周内整改"), or None when the text says no such deadline."""
    m = _WITHIN.search(text)
    if m is None or not _DEADLINE.search(text):
        m = _GIVEN.search(text) or _TO_CLOSE.search(text)
    if m is None or len(text) > MAX_DEADLINE_TEXT:
        return None
    said = (m.group("n") or m.group("n_zh") or "").lower().replace("两", "二")
    unit = (m.group("unit") or m.group("unit_zh") or "").lower()
    count = 1 if said in ("a", "an") else (c.value if (c := parse_count(said)) else 0)
    days = count * (30 if unit in ("month", "月") else _UNITS.get(unit, 1))
    return days if 0 < days <= 180 else None


def without_deadline(listed: list[str]) -> tuple[list[str], int | None]:
    """The findings without the deadline remark said after them ("…, we have 30 days",
    "…，给了30天整改"), and the days it gives."""
    days: int | None = None
    kept: list[str] = []
    for finding in listed:
        clauses = [c.strip() for c in re.split(r"[，,；;]|(?<=[。.])\s+", finding) if c.strip()]
        given = [(c, d) for c in clauses if (d := days_said(c)) is not None]
        if given and len(given) == len(clauses):  # "…; we have 30 days": no finding at all
            days = days or given[0][1]
            continue
        if given and len(given) < len(clauses):
            days = days or given[0][1]
            rest = [c for c in clauses if c not in dict(given)]
            finding = (", " if finding.isascii() else "，").join(rest)
        kept.append(finding)
    return kept, days


def _deadline_told(ctx: Ctx, days: int, as_date: bool = False) -> Out:
    """The deadline the body gave, from its audit's day: set on that audit's open findings
    already recorded, and kept for those still to come when they are being asked for."""
    audit = recent_audit(ctx)
    base = audit.on if audit is not None else ctx.today
    due = due_after(ctx, base, days)
    groups = _groups(ctx)
    mine = [
        nc
        for nc in open_ncs(ctx)
        if audit is not None and (held := groups[nc.id][0]) is not None and held.key == audit.key
    ]
    for nc in mine:
        nc.correction_due = nc.evidence_due = due
    p = ctx.pending
    if p is not None and p.flow in (TEXT_INPUT, GRADE_INPUT):
        ctx.wait_for(p.flow, p.field, **{**p.data, "days": str(days)})  # those still to come
    when = {"due": fmt_date(due), "audit": fmt_date(base)}
    if not mine:
        return [ctx.reply("nc_deadline_next", None, days=days, **when)]
    labels = ", ".join(label(ctx, nc, groups) for nc in mine)
    said = "nc_deadline_date_set" if as_date else "nc_deadline_set"  # "until August 20"
    return [ctx.reply(said, None, days=days, labels=labels, **when)]


_NAMED = (
    r"(?:\b(?:nc|nonconformity|finding|non-conformity)\s*(?:no\.?\s*)?#?\s*(?P<n>\d+)"
    r"|不符合项?\s*(?P<n2>\d+)"
    r"|第\s*(?P<n3>\d+|[一二三四五六七八九十]+)\s*(?:个|项|条)?\s*(?:不符合项?|问题))"
)
_SHOULD = (
    r"(?:should\s+(?:be|read|say)|is\s+actually|was\s+actually|(?:change|correct)\s+it\s+to"
    r"|to\s+read|应该是|应为|改成|改为|其实是|实际是|正确的是|应该写)"
)
_CORRECTED = re.compile(rf"{_NAMED}.{{0,40}}?{_SHOULD}\s*[:：,，]?\s*(?P<new>.+)$", re.I)
_CHANGE = re.compile(rf"\b(?:change|correct|rename)\s+{_NAMED}\s+to\s*[:：]?\s*(?P<new>.+)$", re.I)
_QUOTES = " \"'“”‘’「」『』.。"


def told(ctx: Ctx, text: str) -> Out | None:
    """A correction told in words: a finding's description ("nonconformity 2 is wrong, it
    should be …"), or the deadline the body gave ("they said fix within 2 weeks") for the
    findings of the audit just held; None when the text is neither."""
    if not ctx.company.nonconformities:
        return None
    if (m := _CORRECTED.search(text) or _CHANGE.search(text)) is not None:
        said = parse_count(m.group("n") or m.group("n2") or m.group("n3") or "")
        nc = named(ctx, said.value) if said is not None else None
        new = m.group("new").strip(_QUOTES)[:MAX_NC_TEXT]
        if nc is not None and len(new) >= 2:
            return _describe(ctx, nc, new)
        return None
    if (days := days_said(text)) is not None and recent_audit(ctx) is not None and open_ncs(ctx):
        return _deadline_told(ctx, days)
    if open_ncs(ctx) and (days := _days_to(ctx, text)) is not None:
        return _deadline_told(ctx, days, as_date=True)  # "机构给的期限是6月25号"
    return None


def _days_to(ctx: Ctx, text: str) -> int | None:
    """A deadline said as a date ("6月底前"), as days from the audit just held."""
    audit = recent_audit(ctx)
    due = _due_said(ctx, text) if audit is not None else None
    if audit is None or due is None:
        return None
    days = (due - audit.on).days
    return days if 0 < days <= MAX_DAYS else None


# "机构给的期限是6月25号", "6月底前", "deadline is june 25": the body's deadline as a date
_BY_DATE = re.compile(
    r"期限|截止|之前|以前|前(?:要|得|必须)?(?:完成|整改|关闭|提交|改好|交)?[。.!！]?$"
    r"|\b(?:deadline|due|by|before)\b",
    re.I,
)
MAX_DAYS = 180


def _due_said(ctx: Ctx, text: str) -> date | None:
    """The date a deadline is said to be, when the text says one (and names no audit)."""
    from flows.facts import names_event  # facts reads findings through this module

    if len(text) > MAX_DEADLINE_TEXT or names_event(text):
        return None
    when = deadlines_said.due(text, ctx.today, of_findings=False)  # "until August 20"
    if when is None and _BY_DATE.search(text):
        when = find_date(text, ctx.today, "future", "end")
    return when if when is not None and when > ctx.today else None


def named(ctx: Ctx, n: int) -> Nonconformity | None:
    """The finding the owner calls "nonconformity n": the n-th of the audit that raised the
    latest findings, as shown; else the one with that number."""
    groups = _groups(ctx)
    ncs = ctx.company.nonconformities
    last = groups[ncs[-1].id][0] if ncs else None
    same = [nc for nc in ncs if groups[nc.id][0] == last]
    if last is not None and 1 <= n <= len(same):
        return same[n - 1]
    return next((nc for nc in ncs if number(nc) == str(n)), None)


def _describe(ctx: Ctx, nc: Nonconformity, new: str) -> Out:
    old, nc.description = nc.description, " ".join(new.split())[:MAX_NC_TEXT]
    return [ctx.reply("nc_edited", label=_capital(label(ctx, nc)), text=nc.description, old=old)]


def ask_edit(ctx: Ctx, nc_id: str) -> Out | None:
    """✏️ under a finding: its description typed again."""
    nc = next((x for x in ctx.company.nonconformities if x.id == nc_id), None)
    if nc is None:
        return None
    p = ctx.pending
    resume: dict[str, str] = {}
    if p is not None and p.flow == TEXT_INPUT:  # the next one was being asked for: after this
        resume = {"resume": "1", **{k: v for k, v in p.data.items() if k in _KEPT}}
    ctx.wait_for(EDIT_INPUT, "", id=nc_id, **resume)
    return [PROMPT]


def _edit_prompt(ctx: Ctx) -> Out:
    p = ctx.pending
    nc = next(
        (x for x in ctx.company.nonconformities if p is not None and x.id == p.data.get("id")),
        None,
    )
    if nc is None:
        ctx.clear_pending()
        return [SHOW_NEXT]
    return [ctx.reply("ask_nc_edit", label=label(ctx, nc), text=nc.description)]


def take_edit(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    if p is None or looks_like_question(text):
        return None
    nc = next((x for x in ctx.company.nonconformities if x.id == p.data.get("id")), None)
    ctx.clear_pending()
    if nc is None or len(text.strip()) < 2:
        return [ctx.reply("event_unknown")]
    done = _describe(ctx, nc, text.strip(_QUOTES))
    if p.data.get("resume"):  # the next finding was being asked for: ask again
        return [
            *done,
            *ask_text(ctx, int(p.data.get("still", "0") or 0), int(p.data.get("days", "0") or 0)),
        ]
    return done


# Internal audit findings (``flows.internal_findings``) declare their inputs here, in a flow
# the catalogue lists; called through these, imported when called: that module (through
# ``flows.basics``) imports this one.
FINDINGS_ADDED, FINDINGS_LIST = "findings_added", "findings_list"


def _redo_findings(ctx: Ctx, first: str, last: str) -> Out | None:
    from flows import internal_findings

    return internal_findings.redo(ctx, first, last)


def _take_after_findings(ctx: Ctx, text: str) -> Out | None:
    from flows import internal_findings

    return internal_findings.take_after(ctx, text)


def _ask_findings_list(ctx: Ctx) -> Out:
    from flows import internal_findings

    return internal_findings.ask_list(ctx)


def _take_findings_list(ctx: Ctx, text: str) -> Out | None:
    from flows import internal_findings

    return internal_findings.take_list(ctx, text)


def _after_again(ctx: Ctx) -> Out:
    """Shown again (/next, a restart): the findings stay as added, what's next follows."""
    ctx.clear_pending()
    return [SHOW_NEXT]


FLOW = Flow(
    "nonconformity",
    verbs=(
        Verb("nc.add", ask_text),
        Verb("nc.edit", ask_edit, arity=1),
        # internal audit findings split wrongly: taken back out and asked for again
        Verb("fi.redo", _redo_findings, arity=2),
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
        Input(EDIT_INPUT, _edit_prompt, take=take_edit),
        # internal audit findings (``flows.internal_findings``), right after they are added
        Input(
            FINDINGS_ADDED,
            _after_again,
            take=_take_after_findings,
            lapses=True,
            before_intents=True,
        ),
        Input(FINDINGS_LIST, _ask_findings_list, take=_take_findings_list),
    ),
    actions=(
        Verb("nc.close.do", close_confirmed, arity=1),
        Verb("nc.closeall.do", close_all_confirmed),
    ),
)


def one_line_each(ctx: Ctx, items: list[Item]) -> list[tuple[Item, str]]:
    """Items with the titles to list them by: a finding's correction and evidence due the
    same day are one line ("不符合项纠正及证据提交：…"), as in the reminder digest."""
    due: dict[tuple[str, date], list[Item]] = {}
    for item in items:
        due.setdefault((item.key.rsplit(":", 1)[0], item.on), []).append(item)
    out: list[tuple[Item, str]] = []
    for item in items:
        pair = due[(item.key.rsplit(":", 1)[0], item.on)]
        if not item.key.startswith("nc:") or len(pair) < 2:
            out.append((item, item.title(ctx.lang)))
        elif item is pair[0]:
            title = item.title(ctx.lang)
            label = title.split("：" if ctx.lang == "zh" else ": ", 1)[-1]
            out.append((item, ctx.t("rem_nc_both", label=label)))
    return out


def _by_id(ctx: Ctx, nc_id: str) -> Nonconformity | None:
    return next((x for x in ctx.company.nonconformities if x.id == nc_id), None)


def close_button(ctx: Ctx, nc_id: str) -> Button:
    """ "✅ Close: Stage 2 audit, finding 1": the finding as the owner sees it."""
    nc = _by_id(ctx, nc_id)
    if nc is None:
        return ctx.button("nc_close_btn", "nc.close", nc_id, n=nc_id.split(":")[-1])
    return ctx.button("nc_close_label_btn", "nc.close", nc_id, label=label(ctx, nc))


def shown_label(ctx: Ctx, nc_id: str) -> str:
    nc = _by_id(ctx, nc_id)
    return label(ctx, nc) if nc is not None else ctx.t("nc_label_plain", n=nc_id.split(":")[-1])
