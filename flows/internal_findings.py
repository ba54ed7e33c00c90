"""Internal audit findings described in words ("第一个是合同没做知识产权审查，第二个是培训
记录缺签到", "the findings were: no IP clause check in contracts; training records unsigned").

The company corrects its own internal audit findings (the certification body will look at the
records), so each one becomes a corrective action in the plan, due a month after the audit:
reminded like any action and ticked off in /plan. Only right after an internal audit (told
while its date is read back, the list accepts the date first), and only when the message lists
findings.

Right after they are added, "no, there were 3 separate findings" takes them back out (and
splits them again when the count said allows it, else asks for the list again); "the internal
audit findings are all fixed" reads the open ones back to be ticked off, it adds none.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import dated, facts, nonconformity
from flows.basics import AFTER_OFFER, OFFER, told_read_back
from flows.context import Ctx, fmt_date
from flows.findings_text import (
    INTRO,
    MAX_FINDING,
    ORDINALS,
    TRIM,
    clean,
    findings_in,
    marks,
)
from flows.known import timeline_of
from flows.natural import parse_answer, parse_count
from flows.nonconformity import FINDINGS_LIST
from flows.phrasing import clauses, denies, looks_like_question, says_go
from flows.state import FINDING, Action, next_action_id
from flows.types import PROMPT, SHOW_NEXT, Out, Reply
from flows.workdays import previous_working_day

AUDITS = ("internal_audit", "yearly_internal_audit")
PREFIX = FINDING  # the plan action of an internal audit finding the user described
RECENT_DAYS = 60  # findings told this long after the audit still belong to it
CORRECT_DAYS = 30  # a month to correct, find the cause and show it works
MAX_LEN = 300
MAX_BUTTON_DATA = 56  # Telegram's 64 bytes, less the company scope the service adds


def _listed(text: str) -> list[str]:
    """The findings of a list asked for: marked, or one per line, or split by ";" or "；", or
    else by commas ("NDA list outdated, two contracts not reviewed")."""
    if found := findings_in(text):
        return found
    return clean(re.split(r"[；;\n]" if re.search(r"[；;\n]", text) else r"[，,；;\n]", text))


def follow_read_back(ctx: Ctx, text: str) -> bool:
    """Findings listed while the internal audit's date is read back: they follow it (moving on
    accepts the date, then the list is read)."""
    told = told_read_back(ctx)
    audit = told is not None and told[1].name == "fact" and told[2][0].split(":")[0] in AUDITS
    return audit and len(text) <= MAX_LEN and bool(findings_in(text))


def asked_list(ctx: Ctx, text: str) -> list[str]:
    """The findings the audit's read-back asked for, listed plainly ("NDA list outdated, two
    contracts not reviewed"): one per comma, semicolon or line; [] unless they were asked for
    or when it reads as an answer ("ok, thanks") or a question."""
    p = ctx.pending
    awaited = p is not None and p.flow == OFFER and p.data.get("awaits") == FINDINGS_LIST
    if not awaited or len(text) > MAX_LEN or looks_like_question(text):
        return []
    if parse_answer(text) is not None or says_go(text):
        return []
    return _listed(text)


def add_asked(ctx: Ctx, found: list[str], said: str) -> Out:
    """The listed findings added after the audit's date was accepted."""
    return _add(ctx, found, _audit_day(ctx) or ctx.today, said)


def _audit_said(ctx: Ctx, text: str) -> tuple[str, date] | None:
    """An internal audit held on a day said before the list ("internal audit was done on
    March 18, the findings were: …"): its key and day."""
    first = marks(text)[:1]
    start = min((m.start() for m in (INTRO.search(text), *first) if m), default=0)
    head = text[:start].strip(TRIM)
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
    list of findings right after an internal audit. Closing words ("the internal audit
    findings are all fixed") read the open ones back instead; a correction of a certification
    body's finding ("nonconformity 2 should be …", "they gave us 2 weeks") goes to it."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    if (closing := _closing(ctx, text)) is not None:
        return closing
    if (changed := nonconformity.told(ctx, text)) is not None:
        return changed
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
    return [*recorded, *_add(ctx, found, day, text)]


def _add(ctx: Ctx, found: list[str], day: date, said: str) -> Out:
    """The findings as corrective actions due a month after the audit (a week at least; before
    the management review and the application when those come sooner), read back with a way
    to take them back when the list was split wrongly."""
    due = previous_working_day(
        max(day + timedelta(days=CORRECT_DAYS), ctx.today + timedelta(days=7))
    )
    tl = timeline_of(ctx)
    for key in ("apply", "management_review"):  # corrected before the review reads them
        then = tl.get(key)
        if then is not None and not then.done and ctx.today + timedelta(days=7) <= then.on <= due:
            due = previous_working_day(then.on - timedelta(days=1))
    ids: list[str] = []
    for finding in found:
        action_id = next_action_id(ctx.company.actions, PREFIX)
        ids.append(action_id)
        ctx.company.actions.append(
            Action(
                id=action_id,
                title_zh=ctx.texts.t("zh", "finding_action", finding=finding),
                title_en=ctx.texts.t("en", "finding_action", finding=finding),
                due=due,
                custom=True,
                priority=2,
            )
        )
    lines = "\n".join(f"• {f}" for f in found)
    numbers = [i.removeprefix(PREFIX) for i in ids]
    redo = ctx.button("findings_redo_btn", "fi.redo", numbers[0], numbers[-1])
    added = ctx.reply("findings_added", [[redo]], n=len(found), findings=lines, due=fmt_date(due))
    ctx.wait_for(
        nonconformity.FINDINGS_ADDED, "", first=numbers[0], last=numbers[-1], text=said[:MAX_LEN]
    )
    return [added, SHOW_NEXT]


# --- right after: "no, there were 3 separate findings" -----------------------------------

_WRONG = re.compile(
    r"不对|错了|搞错|不是这样|分开|拆开|分成|单独|是(?:\d+|[两二三四五六七八])个|有(?:\d+|[两二三四五六七八])个"
    r"|\b(?:wrong|not\s+right|incorrect|separate(?:ly)?|split)\b"
    r"|^\s*no\b.*\b(?:\d+|two|three|four|five|six|findings?|issues)\b",
    re.I,
)
_COUNT = re.compile(r"(\d+|two|three|four|five|six|seven|eight|[两二三四五六七八])", re.I)


def take_after(ctx: Ctx, text: str) -> Out | None:
    """A correction of the findings just added, or None (and the wait ends: the text is read
    as anything else would be)."""
    p = ctx.pending
    data = dict(p.data) if p is not None else {}
    ctx.clear_pending()
    if looks_like_question(text) or not _WRONG.search(text):
        return None
    m = _COUNT.search(text)
    count = parse_count(m.group(1).replace("两", "二")) if m else None
    first, last = data.get("first", ""), data.get("last", "")
    added = _span(ctx, first, last)
    if count is not None and added and count.value == len(added):  # as they are: say so
        titles = "\n".join(f"• {_finding_of(ctx, a)}" for a in added)
        redo = ctx.button("findings_redo_btn", "fi.redo", first, last)
        return [ctx.reply("findings_already", [[redo]], n=len(added), findings=titles)]
    return _taken_back(
        ctx,
        data.get("first", ""),
        data.get("last", ""),
        data.get("text", ""),
        count.value if count is not None else None,
    )


def redo(ctx: Ctx, first: str, last: str) -> Out | None:
    """The button under the findings added: split wrongly, take them back and ask again."""
    return _taken_back(ctx, first, last, "", None)


def _span(ctx: Ctx, first: str, last: str) -> list[Action]:
    """The findings added together, from ``first`` to ``last``, still open."""
    try:
        ids = {f"{PREFIX}{n}" for n in range(int(first), int(last) + 1)}
    except ValueError:
        return []
    return [a for a in ctx.company.actions if a.id in ids and a.done_on is None]


def _finding_of(ctx: Ctx, action: Action) -> str:
    """The finding in the owner's words, from its action's title."""
    title = action.title_zh if ctx.lang == "zh" else action.title_en
    head = ctx.t("finding_action", finding="")
    return title.removeprefix(head)


def _taken_back(ctx: Ctx, first: str, last: str, said: str, count: int | None) -> Out:
    gone = _span(ctx, first, last)
    if not gone:
        return [ctx.reply("event_unknown")]
    ctx.company.actions = [a for a in ctx.company.actions if a not in gone]
    back = ctx.reply("findings_taken_back", n=len(gone))
    day = _audit_day(ctx) or ctx.today
    again = clean(re.split(r"[，,；;、\n]|\band\b|以及|还有", _unmarked(said)))
    if count is not None and count > 1 and len(again) == count:
        return [back, *_add(ctx, again, day, said)]  # "no, there were 3": split as said
    ctx.wait_for(nonconformity.FINDINGS_LIST, "")  # asked again, one per line or split by ";"
    return [back, PROMPT]


def _unmarked(text: str) -> str:
    """The text without its introduction and list marks ("the findings were:", "第二个是")."""
    if (intro := INTRO.search(text)) is not None:
        text = text[intro.end() :]
    for m in sorted(marks(text), key=lambda m: m.start(), reverse=True):
        text = text[: m.start()] + ", " + text[m.end() :]
    return text


def ask_list(ctx: Ctx) -> Out:
    first = ctx.pending is not None and ctx.pending.field == AFTER_OFFER  # not "again"
    return [ctx.reply("findings_ask_first" if first else "findings_ask_list")]


# Not a list: the findings some other time, or none ("回头再说", "等我问问", "later", "no").
_NOT_NOW = re.compile(
    r"回头|稍后|晚点|以后|改天|等我|等等|先不|算了|不用|不记得|记不清"
    r"|\b(?:later|tomorrow|not\s+now|skip|wait|ask\s+(?:him|her|them)|don'?t\s+remember)\b",
    re.I,
)


def take_list(ctx: Ctx, text: str) -> Out | None:
    """The list asked for (again): each line or each part between ";" is a finding."""
    if looks_like_question(text):
        return None
    if len(text) <= MAX_FINDING and (_NOT_NOW.search(text) or parse_answer(text) is not None):
        ctx.clear_pending()  # "回头再说": asked no further; told any time later
        return [ctx.reply("findings_later"), SHOW_NEXT]
    marked = findings_in(text) if marks(text) else []  # "1.… 2.…": a list, whatever it names
    asked_in_passing = ctx.pending is not None and ctx.pending.field == AFTER_OFFER
    if asked_in_passing and not marked and _other_news(ctx, text):
        ctx.clear_pending()  # asked in passing: "we sent the application" is read as itself
        return None
    found = marked or _listed(text)
    if not found or any(re.fullmatch(ORDINALS + r"|第?[一二三四五]个?", f, re.I) for f in found):
        return [PROMPT]  # "first, we sent…": a mark with nothing after it is no finding
    ctx.clear_pending()
    return _add(ctx, found, _audit_day(ctx) or ctx.today, text)


def _other_news(ctx: Ctx, text: str) -> bool:
    """Something else told instead of the list: findings closed, a date, a step done."""
    from flows import steps_told

    told = _closing(ctx, text) or facts.recognise(ctx, text) or steps_told.recognise(ctx, text)
    return told is not None


# --- "the internal audit findings are all fixed" ----------------------------------------

_FINDINGS = r"(?:findings?|issues|problems|nonconformit(?:y|ies)|ncs?|items|points)"
_FIXED = r"(?:fixed|closed|resolved|corrected|sorted(?:\s+out)?|dealt\s+with|all\s+done)"
_CLOSING = re.compile(
    rf"\b{_FINDINGS}\b(?:\s+\w+){{0,4}}?\s+{_FIXED}\b"
    rf"|\b(?:fixed|closed|resolved|corrected)\s+(?:all\s+|both\s+)?(?:of\s+)?(?:the\s+|our\s+)?"
    rf"(?:\w+\s+){{0,3}}{_FINDINGS}\b"
    r"|(?:问题|不符合项?|发现项|整改项).{0,10}?(?:整改完|改完|关闭|关掉|解决了|处理完|改好|整改好|整改了)"
    r"|^(?:内审的?)?(?:都|全部|全都)(?:已经)?(?:整改完|改完|关闭|关掉|解决|处理完|改好|整改好)",
    re.I,
)
_INTERNAL = re.compile(r"内审|内部审核|\binternal\b", re.I)


def _closing(ctx: Ctx, text: str) -> Out | None:
    """Closing words for the internal audit findings: the open ones read back for one "yes"
    (ticked off on that day), or None when the text says no such thing."""
    if not _CLOSING.search(text) or denies(text):
        return None
    open_findings = [
        a for a in ctx.company.actions if a.id.startswith(PREFIX) and a.done_on is None
    ]
    internal = bool(_INTERNAL.search(text))
    if not open_findings and facts.recognise(ctx, text) is not None:
        return None  # "internal audit done on april 21, found 2 issues which we fixed": news
    if not open_findings:
        return [ctx.reply("findings_none_open")] if internal else None
    if not internal and any(nc.closed_on is None for nc in ctx.company.nonconformities):
        return None  # the certification body's findings, not ours
    day = ctx.today.isoformat()
    ids: list[str] = []
    for a in open_findings:  # as many as one button carries
        if len(f"2|evt.told|{'+'.join([*ids, a.id])}|{day}") > MAX_BUTTON_DATA:
            break
        ids.append(a.id)
    titles = "\n".join(
        f"• {a.title_zh if ctx.lang == 'zh' else a.title_en}" for a in open_findings if a.id in ids
    )
    button = ctx.button("step_told_yes", "evt.told", "+".join(ids), day)
    reply = ctx.reply(
        "findings_close_confirm", [[button]], n=len(ids), titles=titles, date=fmt_date(ctx.today)
    )
    reply.offer = button.data  # "yes" / "对" ticks them off
    # "台账也弄好了，两个内审问题都整改完了": the other news, read once these are ticked
    parts = clauses(text)
    rest = [c for c in parts if not _CLOSING.search(c)]
    if rest and len(rest) < len(parts):
        reply.offer_then = "，".join(rest)
    return [reply]
