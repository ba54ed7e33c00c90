"""Internal audit findings described in words ("第一个是合同没做知识产权审查，第二个是培训
记录缺签到", "the findings were: no IP clause check in contracts; training records unsigned").

The company corrects its own internal audit findings (the certification body will look at the
records), so each one becomes a corrective action in the plan, due a month after the audit:
reminded like any action and ticked off in /plan. Only right after an internal audit (told
while its date is read back, the list accepts the date first), and only when the message lists
findings.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import dated, facts
from flows.basics import told_read_back
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.phrasing import looks_like_question
from flows.state import FINDING, Action, next_action_id
from flows.types import SHOW_NEXT, Out, Reply
from flows.workdays import previous_working_day

AUDITS = ("internal_audit", "yearly_internal_audit")
PREFIX = FINDING  # the plan action of an internal audit finding the user described
RECENT_DAYS = 60  # findings told this long after the audit still belong to it
CORRECT_DAYS = 30  # a month to correct, find the cause and show it works
MAX_FINDINGS = 8
MAX_LEN = 300
MAX_FINDING = 60

# Where one finding starts: "第一个是", "一个是", "另一个是", "1.", "①", "the first was", "one is".
_MARK = re.compile(
    r"第[一二三四五六七八九十\d]+[个条项点]?(?:问题|不符合项?)?\s*(?:是|：|:)"
    r"|另一?个(?:问题)?是|还有一?个(?:问题)?是|一个(?:问题)?是"
    r"|(?:^|(?<=[，,；;。\s]))[1-9][.、)）]|[①②③④⑤⑥⑦⑧]"
    r"|\b(?:the\s+)?(?:first|second|third|fourth|other)(?:\s+(?:one|finding))?\s+(?:was|is)\b:?"
    r"|\bone\s+(?:was|is)\b:?",
    re.I,
)
# A list introduced as findings: "问题是…", "发现的问题有：…", "the findings were: …".
_START = r"(?:^|(?<=[，,；;。.\s]))"
_INTRO = re.compile(
    _START + r"(?:内审)?(?:发现|开)?的?(?:两|三|几|[2-9])?[个条项]?(?:问题|不符合项?)"
    r"(?:是|有|分别是)?\s*[：:]"
    r"|"
    + _START
    + r"(?:内审)?(?:发现|开)?的?(?:两|三|几|[2-9])?[个条项]?(?:问题|不符合项?)分?别?是"
    r"|" + _START + r"(?:the\s+)?(?:internal\s+audit\s+)?(?:findings?|issues|nonconformities)"
    r"\s+(?:were|are)\b:?",
    re.I,
)
_SPLIT = re.compile(r"[；;\n]|(?<=[。.])\s*|\band\b(?=\s+(?:the\s+)?(?:other|second|third))", re.I)
_TRIM = "，,；;。.:： "
_JOINER = re.compile(r"(?:\s+and|\s+&|和|还有|以及|另外)$", re.I)


def findings_in(text: str) -> list[str]:
    """The findings a message lists, in its own words ([] when it lists none)."""
    marks = list(_MARK.finditer(text))
    intro = _INTRO.search(text)
    if len(marks) >= 1:
        starts = [m.end() for m in marks]
        ends = [m.start() for m in marks[1:]] + [len(text)]
        parts = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    elif intro is not None:
        body = text[intro.end() :]
        parts = [p for chunk in _SPLIT.split(body) if chunk for p in re.split(r"[，,]", chunk)]
        parts = parts if len(parts) > 1 else [body]
    else:
        return []
    found = [_JOINER.sub("", " ".join(p.split()).strip(_TRIM)).strip(_TRIM) for p in parts]
    return [f[:MAX_FINDING] for f in found if len(f) >= 2][:MAX_FINDINGS]


def follow_read_back(ctx: Ctx, text: str) -> bool:
    """Findings listed while the internal audit's date is read back: they follow it (moving on
    accepts the date, then the list is read)."""
    told = told_read_back(ctx)
    audit = told is not None and told[1].name == "fact" and told[2][0].split(":")[0] in AUDITS
    return audit and len(text) <= MAX_LEN and bool(findings_in(text))


def _audit_said(ctx: Ctx, text: str) -> tuple[str, date] | None:
    """An internal audit held on a day said before the list ("internal audit was done on
    March 18, the findings were: …"): its key and day."""
    start = min((m.start() for m in (_INTRO.search(text), _MARK.search(text)) if m), default=0)
    head = text[:start].strip(_TRIM)
    said = facts.told_day(ctx, head) if head else None
    return said if said is not None and said[0].split(":")[0] in AUDITS else None


def _audit_day(ctx: Ctx) -> date | None:
    """The day of the internal audit held within the last weeks."""
    tl = timeline_of(ctx)
    held = [
        i.on
        for i in tl.items
        if i.kind in AUDITS and i.done and 0 <= (ctx.today - i.on).days <= RECENT_DAYS
    ]
    return max(held, default=None)


def recognise(ctx: Ctx, text: str) -> Out | None:
    """The findings added to the plan as corrective actions, or None when the text is not a
    list of findings right after an internal audit."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    found = findings_in(text)
    if not found:
        return None
    day = _audit_day(ctx)
    recorded: Out = []
    if day is None and (said := _audit_said(ctx, text)) is not None:
        key, day = said  # "internal audit was on March 18, the findings were: …"
        recorded = [r for r in dated.set_event_date(ctx, key, day) if isinstance(r, Reply)]
    if day is None:
        return None
    due = previous_working_day(
        max(day + timedelta(days=CORRECT_DAYS), ctx.today + timedelta(days=7))
    )
    for finding in found:
        ctx.company.actions.append(
            Action(
                id=next_action_id(ctx.company.actions, PREFIX),
                title_zh=ctx.texts.t("zh", "finding_action", finding=finding),
                title_en=ctx.texts.t("en", "finding_action", finding=finding),
                due=due,
                custom=True,
                priority=2,
            )
        )
    lines = "\n".join(f"• {f}" for f in found)
    added = ctx.reply("findings_added", n=len(found), findings=lines, due=fmt_date(due))
    return [*recorded, added, SHOW_NEXT]
