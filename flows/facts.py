"""Facts told in passing: "体系是2月15号开始运行的", "the internal audit was on 15 March".

A short statement that names one of the journey's key events and a date is read back for
confirmation ("记下：体系开始运行 2027-02-15（周一）？"); one tap or "对" records it through the
same path as the date buttons. Anything unclear is left to the FAQ as before.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import dated, deadlines_said, findings_text
from flows.assessment import quick_done
from flows.callbacks import decode, encode
from flows.context import Ctx
from flows.dates import add_months
from flows.known import timeline_of
from flows.natural import Direction, ParsedDate, format_date, parse_count, parse_date
from flows.nonconformity import FINDINGS_LIST
from flows.phrasing import looks_like_question
from flows.reading import find_date
from flows.registry import Flow, Verb
from flows.timeline import Item
from flows.types import SHOW_NEXT, Button, Out, Reply
from flows.workdays import next_working_day, previous_working_day

MAX_LEN = 120
# (timeline key, words naming it): the first that matches wins, most specific first.
EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # recertification first: "applied for recertification" is not the first application
    (
        "recert_audit",
        re.compile(r"(?:再认证|复评|换证|复审)审核|recertification\s+audit|recert\s+audit", re.I),
    ),
    (
        "recert_apply",
        re.compile(
            r"(?:再认证|复评|换证)(?:的)?申请|申请(?:了)?(?:再认证|复评|换证)"
            r"|applied\s+for\s+recertification|recertification\s+application|recert\s+application",
            re.I,
        ),
    ),
    ("surveillance", re.compile(r"监督审核|年审|surveillance(\s+audit)?", re.I)),
    ("stage2", re.compile(r"二阶段|第二阶段|stage\s*(2|two|ii)\b", re.I)),
    ("stage1", re.compile(r"一阶段|第一阶段|stage\s*(1|one|i)\b", re.I)),
    ("internal_audit", re.compile(r"内审|内部审核|internal\s+audit", re.I)),
    ("management_review", re.compile(r"管评|管理评审|(?:management|mgmt\.?)\s+review", re.I)),
    (
        "apply",
        re.compile(
            r"提交.{0,4}申请|申请了|已申请|申请.{0,10}(?:交了|提交了|递交了|交上去|报上去)|交的申请"
            r"|递交的?申请|applied|(?:submitted|sent|filed)\s+(the|our)\s+application"
            r"|application\s+(?:was\s+|went\s+)?(?:in|submitted|sent)\b",
            re.I,
        ),
    ),
    (
        "operate",
        re.compile(
            r"(体系|系统).{0,8}(运行|运转)|开始运行|试运行|went\s+live"
            r"|(system|ipms).{0,20}(running|operat)|started\s+running|running\s+since",
            re.I,
        ),
    ),
)
# Findings told with an internal audit: the company's own to close, not the certification body's.
_FINDINGS = re.compile(
    r"不符合|(?:\d+|[一二两三四五六七八九十几]+)\s*[个项条点]\s*(?:小|大|一般|轻微|严重)?的?问题|nonconformit|findings?\b|\bncs?\b"
    r"|\b(?:issues|problems)\b",
    re.I,
)


# "no findings", "没有不符合", "零不符合": findings named only to say there were none.
_NO_FINDINGS = re.compile(
    r"\bno\s+(?:findings?|issues|problems|nonconformit|ncs?)|\b(?:0|zero)\s+(?:findings?|ncs?)"
    r"|没(?:有)?(?:发现)?(?:什么)?(?:不符合|问题)|零不符合|0\s*个",
    re.I,
)


def pattern(key: str) -> re.Pattern[str]:
    """How an event is named in words ("二阶段", "stage 2")."""
    return dict(EVENTS)[key]


_EVENT_NUMBER = re.compile(
    r"stage\s*(?:[12]|one|two|ii?)\b|第\s*\d+\s*(?:次|阶段)|\b(?:1st|2nd|3rd|\d+th)\b", re.I
)
SCHEDULED = {"stage1", "stage2", "surveillance", "recert_audit"}  # audits the body dates
YEARLY = {
    "internal_audit": "yearly_internal_audit",
    "management_review": "yearly_management_review",
}
_FUTURE = re.compile(
    r"打算|计划|准备|将|要在|下(周|个月)|明年|(?:改|推|推迟|挪|调|换|延|延期|提前|定|放)(?:到|成|为|在)"
    r"|约好|约了|约在|约的|排在|安排在|\b(?:booked|scheduled)\b"
    r"|will|plan|going\s+to|next\s+|(?:moved|rescheduled|postponed|pushed|changed)\s+(?:back\s+)?to"
    r"|\b(?:move|reschedule|postpone|push|bring|shift|delay)\b.{0,40}?\bto\b",
    re.I,
)
_PAST = re.compile(
    r"了|过|做的|开的|以来|已经|was|were|did|held|since|started|ago|last\s+"
    r"|\b(?:have|has|done|finished|completed|submitted|sent|filed|applied|passed|went)\b|通过",
    re.I,
)


# Said of something finished, so it happened by today (the read-back lets the user correct it).
_DONE = re.compile(
    r"已经|已|做完|开完|审完|审核完|完成|结束|提交了|申请了|通过了|做过|做了|开过|开了|搞定|弄完"
    r"|\b(?:done|finished|completed|held|submitted|applied|passed|did|ran|carried\s+out)\b"
    r"|\bwent\s+(?:well|fine|ok|okay|smoothly|alright)\b",
    re.I,
)


# An external audit that went through without findings.
# Said of the event itself: it has not happened ("还没做", "尚未提交", "we haven't had it yet").
_NOT_HELD = re.compile(
    r"还没(?:有)?(?:做|开|审|办|搞|弄|安排|进行|开始|提交|交|约)|(?<!还)没(?:有)?(?:做|开|审|办|搞|弄|进行|提交|交)(?!完)"
    r"|尚未|未(?:做|开|进行|提交|安排)"
    r"|\b(?:not|n't)\s+(?:yet\s+)?(?:done|held|happened|had|did|do|started|submitted|booked)\b"
    r"|\b(?:haven'?t|hasn'?t|didn'?t)\b|\bnot\s+yet\b",
    re.I,
)
_PASSED = re.compile(
    r"\bno\s+(?:issues|problems|findings|ncs?)\b|通过|没问题|顺利|没有不符合|零不符合|审核(?:算)?过了|阶段(?:算)?过了|(?:算|就)过了|\bpassed\b|went\s+(?:well|fine|ok|smoothly)|no\s+findings"
    r"|\bclean\b|all\s+good",
    re.I,
)


def not_held(text: str) -> bool:
    """The text says the event has not happened ("还没做", "we haven't had it yet")."""
    return _NOT_HELD.search(text) is not None


def says_ahead(text: str) -> bool:
    """The text speaks of something to come ("约在…", "认证机构说3月来", "will be held")."""
    return _FUTURE.search(text) is not None or _VISIT.search(text) is not None


def _direction(text: str) -> Direction:
    if _FUTURE.search(text):
        return "future"
    return "past" if _PAST.search(text) else "any"


def this_cycle(ctx: Ctx, named: str) -> str:
    """Once certified, "内审" is this year's internal audit (and "管评" this year's review)."""
    return YEARLY.get(named, named) if ctx.company.certificate is not None else named


def says_passed(text: str) -> bool:
    """ "监督审核通过了", "went fine, no findings": held and passed, nothing raised."""
    return bool(_PASSED.search(text)) and not (
        _FINDINGS.search(text) and not _NO_FINDINGS.search(text)
    )


def passed_read_back(ctx: Ctx, key: str, day: str) -> Out:
    """The audit just read back (its date accepted) said passed: that, read back for a yes."""
    return _passed(ctx, key, date.fromisoformat(day))


# A year alone says which cycle, not which day ("今年的内审…安排在7月" is no January 1st); a
# month after it keeps it ("明年3月").
_VAGUE_YEAR = re.compile(r"(?:明年|去年|next\s+year|last\s+year)(?:'s)?(?:的)?", re.I)
_THIS_YEAR = re.compile(r"今年(?:的)?|\bthis\s+year(?:'s)?", re.I)
_MONTH_OR_DAY = re.compile(
    r"\d|[一二三四五六七八九十]+\s*[月号日]|底|初|上半年|下半年|周|星期|礼拜"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(?:end|start|beginning)\b",
    re.I,
)


def without_names(text: str, today: date) -> str:
    """The text a date is read from: the events' names and numbers taken out ("今年内审9月做了"
    reads as "今年 9月做了"; "stage 2" holds no date)."""
    text = _THIS_YEAR.sub(" ", text)  # "今年的内审…7月": which cycle, not January 1st
    if not _MONTH_OR_DAY.search(text):  # "明年的内审": no day; "明年3月" keeps its year
        text = _VAGUE_YEAR.sub(" ", text)
    text = _EVENT_NUMBER.sub(" ", text)
    for _key, pattern in EVENTS:  # a name that spans a date ("申请6月3号交了") keeps it
        text = pattern.sub(lambda m: m.group(0) if _dates(m.group(0), today) else " ", text)
    return text


def _dates(text: str, today: date) -> bool:
    """The text names a day ("申请昨天交", "申请6月3号交")."""
    return find_date(text, today, "any") is not None


def named_event(text: str) -> str | None:
    """The event the sentence is about: the one named first ("一阶段昨天审完了，…二阶段前改好"
    is about stage 1; "管评就内审后一周吧" about the review); at one place the most specific."""
    found = [(m.start(), i, key) for i, (key, p) in enumerate(EVENTS) if (m := p.search(text))]
    return min(found)[2] if found else None


def tells_on_without_date(ctx: Ctx, key: str, text: str) -> bool:
    """The event being read back, named again without a date of its own ("一阶段过了，没问题",
    "二阶段结束了，开了一个不符合"): news about it, so the date read back stands."""
    named = named_event(text)
    if named is None or len(text) > MAX_LEN or looks_like_question(text):
        return False
    named = this_cycle(ctx, named)
    same = named == key or dated.resolve_key(ctx, named) == key
    return same and find_date(_EVENT_NUMBER.sub(" ", text), ctx.today, "any") is None


EVENTS_BY_KEY = dict(EVENTS)
_CLAUSE = re.compile(r"[，,；;。]|\.(?=\s)|\band\b")


def _own_span(text: str, named: str, today: date) -> tuple[int, int]:
    """With two events named, the clauses that are the named one's: from the clause naming it
    to the one before the next event ("一阶段过了，…，二阶段定在8月16号": stage 1's part;
    "申请7月9号交了，一阶段定在8月3号": stage 1's is the second clause). Its date, and whether
    it is past or booked, are read there."""
    own = EVENTS_BY_KEY[named].search(text)
    if own is None:
        return 0, len(text)
    others = [  # "再认证申请3月8号交了": the application inside it is no other event
        m.start()
        for key, p in EVENTS
        if key != named
        and (m := p.search(text)) is not None
        and not own.start() <= m.start() < own.end()
    ]
    if not others:  # "申请12月4号交给中知了，一阶段定在1月3号": its own clause, when dated
        bounds = [m.end() for m in _CLAUSE.finditer(text, 0, own.start())]
        start = bounds[-1] if bounds else 0
        dated = start and find_date(_EVENT_NUMBER.sub(" ", text[start:]), today, "any")
        return (start, len(text)) if dated else (0, len(text))
    start, end = 0, len(text)
    if before := [at for at in others if at < own.start()]:
        bounds = [m.end() for m in _CLAUSE.finditer(text, max(before), own.start())]
        start = bounds[-1] if bounds else 0
    if later := [at for at in others if at > own.start()]:
        cut = min(later)
        bounds = [m.end() for m in _CLAUSE.finditer(text, own.start(), cut)]
        end = bounds[-1] if bounds else cut
    return start, end


def names_event(text: str) -> bool:
    """The text names one of the journey's key events ("we have submitted our application")."""
    return len(text) <= MAX_LEN and any(p.search(text) for _, p in EVENTS)


# The body's auditors coming, said without naming the audit ("认证机构说11月来", "the CB is
# coming on March 3"): the next audit the body holds.
_VISIT = re.compile(
    r"(?:认证机构|认证公司|审核老师|审核员|审核组|老师们?)\S{0,8}?(?:过来|要来|会来|来|上门|到厂|到公司)"
    r"|\b(?:the\s+)?(?:auditors?|cb|certification\s+body|body)\b.{0,20}"
    r"\b(?:comes?|coming|visits?|visiting|will\s+be\s+here|arrives?)\b",
    re.I,
)


def _visited(ctx: Ctx, text: str) -> str | None:
    """The kind of the next open audit of the body, when the text says its auditors come."""
    if _VISIT.search(text) is None:
        return None
    ahead = [i for i in timeline_of(ctx).open_items() if i.kind in SCHEDULED]
    return min(ahead, key=lambda i: i.on).kind if ahead else None


def recognise(ctx: Ctx, text: str) -> Out | None:
    """A confirmation to record the fact, or None when the text is not one."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    named = named_event(text) or _visited(ctx, text)
    if named is None:
        return None
    # "…, close it by August 20", "要求9月8号前交整改": the findings' deadline, not the day held
    plain = deadlines_said.blanked(text, ctx.today)
    # The event's own words hold numbers that are no date: "stage 2 on 15 June", "第2次监督审核".
    start, end = (0, len(text)) if _AFTER.search(plain) else _own_span(plain, named, ctx.today)
    own = text[start:end]  # "管评就内审后一周吧": all of it
    dated_text = without_names(plain[start:end], ctx.today)
    if own != text and find_date(dated_text, ctx.today, "any") is None and not says_passed(text):
        # "一阶段过了，有几个问题要改，二阶段定在8月16号": the date told is the later event's
        rest = text[end:].lstrip("，,；;。 ")
        return recognise(ctx, rest) if rest and end < len(text) else None
    named = this_cycle(ctx, named)
    key = dated.resolve_key(ctx, named)  # a kind ("surveillance") -> its next open occurrence
    direction = _direction(own)  # "stage 1 done on july 6. stage 2 booked for aug 10": past
    ahead = timeline_of(ctx).get(key)
    # "stage 2 on 15 June": the body's audit dates are set ahead; but for an audit whose
    # deadline has passed, "on August 20" is as likely the one held: the nearer reading.
    upcoming = ahead is None or (not ahead.done and ahead.on >= ctx.today)
    if direction == "any" and named in SCHEDULED and upcoming:
        direction = "future"
    # "我们下周提交申请": a period names when it starts (a deadline would take its end).
    after = _after_another(ctx, plain, named)  # "管评就内审后一周吧": a week after the audit
    when = after or find_date(dated_text, ctx.today, direction, "start")
    if when is None and direction == "future":  # "内审定在上个月15号做的": said past, so past
        when = find_date(dated_text, ctx.today, "any", "start")
    # "11月", "in January", "next week": no day said, the one read back is a placeholder
    no_day = after is None and when is not None and no_day_said(dated_text, when)
    if no_day and when is not None and when > ctx.today:
        when = placeholder_day(dated_text, ctx.today, when, direction)
    held = timeline_of(ctx).get(key)
    if when is not None and held is not None and not held.done:
        # "内审上周做完了" with the audit planned for Wednesday of that week: that Wednesday.
        until = find_date(dated_text, ctx.today, direction, "end")
        if until is not None and when < held.on <= min(until, ctx.today):
            when = held.on
    moved = SHIFT.search(text) if when is None else None
    if moved is not None and held is not None and not held.done:  # "内审推迟两个月"
        when = moved_by(held.on, moved)
    if _NOT_HELD.search(text) and (when is None or when <= ctx.today):
        # "今年还没做监督审核": not a date to record; what to do about it is what's next
        return [ctx.reply("event_not_held", title=dated.event_title(ctx, key)), SHOW_NEXT]
    if when is None and held is not None and _was_held(held, ctx.today) and says_passed(text):
        out = _passed(ctx, key, held.on, text)  # "stage 1 went fine, no findings": its day
        return _with_the_rest(ctx, out, text, (start, end), named)
    assumed = when is None and direction == "past" and bool(_DONE.search(text))
    if assumed:  # "已经提交申请了", "内审做完了": on its planned day if that has come, else today
        planned = timeline_of(ctx).get(key)
        on_plan = planned is not None and planned.on <= ctx.today
        when = planned.on if planned is not None and on_plan else ctx.today
        assumed = not on_plan
    if when is None:
        return None
    if named in YEARLY.values() and when <= ctx.today:
        key = _cycle_held(ctx, key, when)  # "管评其实6月5号开了": the cycle it was held for
    item = timeline_of(ctx).get(key)
    by_cb = _audited_by_cb(item) if item is not None else named in ("stage1", "stage2")
    if by_cb and when <= ctx.today and says_passed(own):
        out = _passed(ctx, key, when, text)  # not "went fine, one minor nc about …"
        return _with_the_rest(ctx, out, text, (start, end), named)
    reply = _confirm(ctx, key, when, assumed, no_day and not assumed)
    findings = _FINDINGS.search(text) and not _NO_FINDINGS.search(text)
    if named in ("internal_audit", "yearly_internal_audit") and findings and _FIXED.search(text):
        # "found 2 minor issues which we fixed": corrected already, nothing to track or ask
        counted = _COUNTED.search(text)
        said = parse_count(counted.group(1).replace("两", "二")) if counted else None
        n = said.value if said is not None else 0
        return [reply, ctx.reply("internal_findings_fixed_note", n=n)]
    if named in ("internal_audit", "yearly_internal_audit") and findings:
        reply.offer_awaits = FINDINGS_LIST  # the list asked for may come before the "yes"
        if listed := findings_text.findings_in(text):  # "…开了3个不符合：1.… 2.… 3.…"
            reply.offer_then = text[findings_text.list_start(text) :]
            return [reply, ctx.reply("internal_findings_listed_note", n=len(listed))]
        return [reply, ctx.reply("internal_findings_note")]  # "内审做完了，开了2个不符合"
    if after is not None:  # "管评就内审后两周吧": the audit is when, not a second event
        return [reply]
    # "监督审核4月22号做完了，内审3月10号，管评3月25号": one read-back at a time
    return _with_the_rest(ctx, [reply], text, (start, end), named)


# Findings said corrected already ("which we fixed", "已经改好了").
_FIXED = re.compile(
    r"\b(?:which|that)\s+(?:we(?:'ve|\s+have)?\s+)?(?:already\s+|all\s+)?"
    r"(?:fixed|corrected|closed|resolved)|\balready\s+(?:been\s+)?(?:fixed|corrected|closed|resolved)"
    r"|\b(?:all|both)\s+(?:fixed|corrected|closed|resolved)|(?:都|已经|已)\s*(?:整改完|改完|改好|整改好|关闭|解决)",
    re.I,
)
_COUNTED = re.compile(
    r"(\d+|[一二两三四五六七八九十]+|two|three|four|five)\s*(?:个|项|条|minor|major|\s)", re.I
)


def _with_the_rest(ctx: Ctx, out: Out, text: str, span: tuple[int, int], named: str) -> Out:
    """The read-back of one event, and what the message says of the others: read back in
    turn after this one's "yes" when they follow it, else to be told again."""
    others = _others_dated(ctx, text, named)
    if not others:
        return out
    rest = text[span[1] :].lstrip("，,；;。. ")
    offers = [r for r in out if isinstance(r, Reply) and r.offer]
    if rest and offers and named_event(rest) is not None:
        offers[-1].offer_then = rest
        return [*out, ctx.reply("facts_then_next", others=others)]
    return [*out, ctx.reply("facts_one_at_a_time", others=others)]


# A day of the month said: "1号", "1日", "初一", "the 1st", "1 March", "March 1".
_DAY_OF_MONTH = re.compile(
    r"(?<!\d)\d{1,2}\s*[日号]|[一二三四五六七八九十]+\s*[日号]|初[一二三四五六七八九十]"
    r"|(?<![0-9A-Za-z])\d{1,2}(?:st|nd|rd|th)?(?![0-9A-Za-z月个天周年])"
    r"(?!\s*(?:days?|weeks?|months?|years?|people|findings?))"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|(?<!\d)\d{1,2}[/.]\d{1,2}(?!\d)",
    re.I,
)


# A week named without its day: "下周", "next week" (a weekday would be a day: "下周三").
_WEEK_ONLY = re.compile(
    r"(?:下|这|本|上)(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7])"
    r"|\b(?:next|this|last)\s+week\b(?!\s*(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun))",
    re.I,
)


def placeholder_day(text: str, today: date, start: date, direction: Direction = "any") -> date:
    """The day noted for "内审定在2月", "review next week": the period's last working day,
    so that nothing is called late while the period the owner named is still running."""
    end = find_date(text, today, direction, "end")
    if end is not None and end > start:
        last = previous_working_day(end)
        if last >= max(start, today):
            return last
    return next_working_day(start)  # "management review next week" is not its holiday


def no_day_said(text: str, when: date) -> bool:
    """The text names a month or a week but no day ("11月", "in January", "next week")."""
    bare = _EVENT_NUMBER.sub(" ", text)
    if _WEEK_ONLY.search(bare) and not re.search(r"(?:周|星期|礼拜)[一二三四五六日天1-7]", bare):
        return True
    return when.day == 1 and _DAY_OF_MONTH.search(bare) is None


def _inside(m: re.Match[str] | None, own: re.Match[str] | None) -> bool:
    return m is not None and own is not None and own.start() <= m.start() and m.end() <= own.end()


def _others_dated(ctx: Ctx, text: str, named: str) -> str:
    """The other events a message dates beside the one read back ("…，二阶段定在8月16号"):
    their titles, to be told again after the read-back."""
    parts = [p for p in _CLAUSE.split(text) if p.strip()]
    own = EVENTS_BY_KEY[named].search(text) if named in EVENTS_BY_KEY else None
    kinds = [
        key
        for key, pattern in EVENTS
        if key != named
        and this_cycle(ctx, key) != named
        and not _inside(pattern.search(text), own)  # "applied" in "applied for recertification"
        and any(
            pattern.search(p) and find_date(_EVENT_NUMBER.sub(" ", p), ctx.today, "any")
            for p in parts
        )
    ]
    sep = "、" if ctx.lang == "zh" else ", "
    # the audit itself, not its deadline ("监督审核", not "监督审核最迟期限")
    named_as = {"surveillance": "surveillance_audit"}
    return sep.join(ctx.kb.reminder_kind(named_as.get(k, k)).title.get(ctx.lang) for k in kinds)


_AFTER = re.compile(
    r"(?:之|以)?后\s*(?:的)?\s*(?P<n>\d+|[一二两三四五六七八九十半]+)?\s*(?:个)?\s*"
    r"(?P<unit>周|星期|礼拜|天|月)"
    r"|\b(?P<n_en>\d+|one|two|three|four|a|an|(?:a\s+)?couple(?:\s+of)?)\s+"
    r"(?P<unit_en>weeks?|days?|months?)\s+after\b",
    re.I,
)
_UNIT_DAYS = {"周": 7, "星期": 7, "礼拜": 7, "天": 1, "week": 7, "day": 1}


def _cycle_held(ctx: Ctx, key: str, when: date) -> str:
    """The yearly audit or review a past date belongs to: the occurrence planned nearest to
    it, not the next open one (that one keeps its own date and reminders)."""
    tl = timeline_of(ctx)
    chosen = tl.get(key)
    if chosen is None:
        return key
    same = [i for i in tl.items if i.kind == chosen.kind]
    return min(same, key=lambda i: (abs((i.on - when).days), i.on)).key if same else key


def _after_another(ctx: Ctx, text: str, named: str) -> date | None:
    """A date said relative to another event of the plan ("管评就内审后一周吧", "the review
    two weeks after the internal audit"): that event's date plus the offset."""
    m = _AFTER.search(text)
    if m is None:
        return None
    others = [this_cycle(ctx, k) for k, p in EVENTS if k != named and p.search(text)]
    anchor = timeline_of(ctx).get(dated.resolve_key(ctx, others[0])) if others else None
    if anchor is None:
        return None
    return moved_by(anchor.on, m)


# "一周后", "两周之后", "a week later", "two weeks afterwards": after the event said before.
LATER = re.compile(
    r"(?P<n>\d+|[一二两三四五六七八九十半]+)\s*(?:个)?\s*(?P<unit>周|星期|礼拜|天|月)\s*(?:之|以)?后"
    r"|\b(?P<n_en>\d+|one|two|three|four|a|an)\s+(?P<unit_en>weeks?|days?|months?)\s+"
    r"(?:later|after(?:wards)?)\b",
    re.I,
)


# "往后推三个月", "推迟两个月", "push it back 3 months", "delay by six weeks".
SHIFT = re.compile(
    r"(?:往后|向后|推迟|延后|延期|推后|晚|推)\s*(?P<n>\d+|[一二两三四五六七八九十半])\s*个?\s*(?P<unit>月|周|星期)"
    r"|\b(?:back|by|later)\s+(?:by\s+)?(?P<n_en>\d+|one|two|three|four|six|a)\s+"
    r"(?P<unit_en>months?|weeks?)\b",
    re.I,
)


def moved_by(anchor: date, m: re.Match[str]) -> date:
    """``anchor`` moved by what an offset pattern (SHIFT, LATER, _AFTER) matched."""
    return shifted(anchor, m.group("n") or m.group("n_en"), m.group("unit") or m.group("unit_en"))


def told_day(ctx: Ctx, text: str) -> tuple[str, date] | None:
    """The event and the past day a sentence tells ("stage 2 was July 6-7, …"): what
    ``recognise`` would read back for one "yes", or None. No day said ("二阶段审核结束了"): None,
    the day planned stands rather than today."""
    if find_date(deadlines_said.blanked(text, ctx.today), ctx.today, "past") is None:
        return None  # "…, close it by August 20": a deadline, no day held
    for reply in recognise(ctx, text) or []:
        cb = decode(reply.offer) if isinstance(reply, Reply) and reply.offer else None
        if cb is not None and cb.verb == "fact":
            day = date.fromisoformat(cb.args[1])
            return (cb.args[0], day) if day <= ctx.today else None
    return None


def shifted(anchor: date, n: str | None, unit: str | None) -> date:
    """``anchor`` moved by a said offset ("两" weeks, "a" month, "半" month)."""
    raw = n or "1"
    if "couple" in raw.lower():  # "a couple of weeks after the audit"
        raw = "2"
    said = parse_count(raw.replace("两", "二"))  # "内审后两周": a bare "两" is no count alone
    count = 0.5 if raw == "半" else (said.value if said is not None else 1)
    unit = (unit or "").lower().rstrip("s")
    if unit in ("月", "month"):
        return add_months(anchor, max(1, round(count)))
    return anchor + timedelta(days=round(count * _UNIT_DAYS.get(unit, 7)))


def _confirm(ctx: Ctx, key: str, when: date, assumed: bool = False, no_day: bool = False) -> Reply:
    """ "Shall I note it down: {title}, {date}?" — one tap, "对" or "yes" records it."""
    reply = ctx.reply(
        "fact_confirm_today" if assumed else "fact_confirm",
        [[Button(ctx.t("fact_yes"), encode("fact", key, when.isoformat()))]],
        title=dated.event_title(ctx, key),
        date=format_date(when, ctx.lang),
    )
    if no_day:  # no day said: the one read back is ours, and said to be
        reply.text += "\n" + ctx.t("fact_no_day" if when > ctx.today else "fact_no_day_past")
    elif note := dated.day_off(ctx, when):  # "7月15号" is a Saturday: said before it is recorded
        reply.text += "\n" + note
    item = timeline_of(ctx).get(key)
    if item is not None and item.deadline is not None and when > item.deadline:
        # "认证机构说11月来" for an audit due by September: the certificate is at stake
        passed = item.deadline < ctx.today  # too late to ask for an earlier date
        reply.text += "\n" + ctx.t(
            "fact_after_passed_deadline" if passed else "fact_after_deadline",
            deadline=format_date(item.deadline, ctx.lang),
        )
    reply.offer = reply.buttons[0][0].data
    return reply


def _names_another(ctx: Ctx, key: str, text: str) -> bool:
    """ "范围说明改到2月22号" under a read-back of the policy's date: news of another item."""
    from flows import steps_told

    if (other := named_event(text)) is not None:
        return dated.resolve_key(ctx, this_cycle(ctx, other)) != key
    action = steps_told.named_action(ctx, text)
    return action is not None and action.key != key


def corrected(ctx: Ctx, key: str, text: str) -> Out | None:
    """ "不对，是20号做的" to a read-back: the same event, read back again with the new date."""
    if len(text) > MAX_LEN or looks_like_question(text) or _names_another(ctx, key, text):
        return None
    planned = timeline_of(ctx).get(key)
    ahead = planned is not None and not planned.done and planned.on > ctx.today
    when = find_date(
        _EVENT_NUMBER.sub(" ", text), ctx.today, _direction(text) if not ahead else "any", "start"
    )
    return [_confirm(ctx, key, when)] if when is not None else None


def _was_held(item: Item, today: date) -> bool:
    """An audit the certification body has held by today."""
    return _audited_by_cb(item) and item.on <= today


def _audited_by_cb(item: Item) -> bool:
    """An audit the certification body holds: stage 1 and 2, and a surveillance audit (whose
    item is its deadline until the day is told)."""
    return item.external or item.kind == "surveillance"


# Observations and suggestions are no nonconformities ("有两个观察项", "a few observations").
_OBSERVATIONS = re.compile(
    r"观察项|改进建议|建议项|\bobservations?\b|\bopportunit(?:y|ies)\s+for\s+improvement\b", re.I
)


def _passed(ctx: Ctx, key: str, when: date, text: str = "") -> Out:
    """ "监督审核通过了": one confirmation records the day and that it passed."""
    data = encode("fact.passed", key, when.isoformat())
    reply = ctx.reply(
        "fact_passed_confirm",
        [[Button(ctx.t("fact_yes"), data)]],
        title=dated.event_title(ctx, key),
        date=format_date(when, ctx.lang),
    )
    if note := dated.day_off(ctx, when):
        reply.text += "\n" + note
    if _OBSERVATIONS.search(text):  # "通过了，不过有两个观察项": said why none is recorded
        reply.text += "\n" + ctx.t("observations_note")
    reply.offer = data
    return [reply]


def record_passed(ctx: Ctx, key: str, day: str) -> Out | None:
    item = timeline_of(ctx).get(key)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None
    if item is None or item.on != when:  # an audit told before the plan knew of it
        dated.set_event_date(ctx, key, when)
    if timeline_of(ctx).get(key) is None:
        return None
    return dated.passed(ctx, key)


_NOW_ONLY = re.compile(r"现在|目前|当前|眼下|\bnow\b|\bright now\b|\bcurrently\b", re.I)
_DAY_SAID = re.compile(
    r"\d|[一二三四五六七八九十]+\s*[月号日]|今天|明天|昨天|today|tomorrow|yesterday", re.I
)


# What a date alone is written with ("明年6月底吧", "by the end of June next year").
_DATE_WORDS = re.compile(
    r"\d+|[零一二三四五六七八九十两]+|年|月|日|号|周|星期|礼拜|天|今|明|后|去|前|上|下|本|这|个|底|初|中旬"
    r"|上旬|下旬|半|季度|之前|以前|左右|前后|吧|呢|啊|大概|大约|差不多|争取|最晚|最迟|截止|到|在|的"
    r"|开始|以来|起|结束|\b(?:since|from|until|started|starting)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:mon|tue|wed|thu|fri"
    r"|sat|sun)[a-z]*\b|\b(?:next|this|last|end|of|the|by|before|around|about|in|on|at|week|month"
    r"|year|early|mid|late|q[1-4]|quarter|st|nd|rd|th|maybe|probably|say|tomorrow|today)\b"
    r"|[\s,，.。!！~～/\-]",
    re.I,
)


def _only_a_date(text: str) -> bool:
    """The text is a date and nothing else (a word or two of hedging at most)."""
    return len(_DATE_WORDS.sub("", text)) <= 1


def lone_date(ctx: Ctx, text: str) -> Out | None:
    """A date and nothing else ("明年6月底") with nothing asked: before there is a plan it is
    most likely the target date, so offer that; otherwise ask what it is the date of."""
    if len(text) > MAX_LEN or not ctx.company.onboarded:
        return None
    if looks_like_question(text) or (_NOW_ONLY.search(text) and not _DAY_SAID.search(text)):
        return None  # "现在要干嘛": "now" is no date to record
    if not _only_a_date(text):  # "老板出差了，下个月回来": a date said about something else
        return None
    parsed = parse_date(text, ctx.today, "any", "end")
    if not isinstance(parsed, ParsedDate):
        return None
    value = parsed.value
    if parsed.span is not None and parsed.span[1] == ctx.today and parsed.span[0] < ctx.today:
        value = parsed.span[0]  # "去年10月开始的": since then until now, so its start
    shown = format_date(value, ctx.lang)
    if ctx.company.target_date is None and value > ctx.today and quick_done(ctx):
        button = Button(ctx.t("use_as_target_btn"), encode("pl.use", value.isoformat()))
        offer = ctx.reply("date_as_target", [[button]], date=shown)
        offer.offer = button.data  # "好" / "ok" sets it
        return [offer]
    return [ctx.reply("date_alone", date=shown)]


def record(ctx: Ctx, key: str, day: str) -> Out | None:
    if timeline_of(ctx).get(key) is None and key not in {k for k, _ in EVENTS}:
        return None
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None
    return dated.set_event_date(ctx, key, when)


FLOW = Flow(
    "facts",
    verbs=(
        Verb("fact", record, arity=2, moving_on_accepts=True),
        Verb("fact.passed", record_passed, arity=2, moving_on_accepts=True),
    ),
)
