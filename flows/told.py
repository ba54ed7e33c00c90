"""Outcomes told in words: "拿到证书了" starts recording the certificate, "不符合项整改完了"
asks to close the open nonconformity (or shows them when there are several).

Both go through the same confirmations as their buttons; nothing is changed on a guess.
"""

from __future__ import annotations

import re
from datetime import date

from flows import certificate, confirm, dated, deadlines_said, facts, nonconformity
from flows.context import Ctx, fmt_date
from flows.facts import pattern as facts_pattern
from flows.findings_text import findings_in
from flows.known import timeline_of
from flows.natural import format_date, parse_count
from flows.phrasing import denies, looks_like_question, says_goal
from flows.reading import find_date
from flows.timeline import Item
from flows.types import PROMPT, SHOW_NEXT, Out, Reply

MAX_LEN = 240  # findings described with their count make long messages
MAX_EDITION_FIX = 240  # "it's 2023, we did the transition audit in 2025. cert no. …, valid until …"
MAX_TOLD_FINDINGS = 20  # "开了2个不符合": asked for one after another up to this many
_CERTIFIED = re.compile(
    r"拿到证书|拿到证了|拿证了|证书?(?:已经|终于|也)?(?:下来|发下来|到手|寄到|收到|拿到|发了|颁发)了?"
    r"|收到证书|获证了|通过认证了|发证了"
    r"|新证书(?:已经|也)?(?:下来|发下来|到手|拿到|发了)|拿到新证"
    r"|\b(?:got|received|have)\s+(?:the|our)\s+(?:new\s+)?certificate\b"
    r"|\bcertificate\s+(?:arrived|came)\b"
    r"|\bwe(?:'re|\s+are)\s+(?:now\s+)?certified\b|\bgot\s+certified\b",
    re.I,
)
# The certificate's edition corrected ("证书版本选错了，应该是2023版", "wrong edition, it's 2023")
_EDITION_FIX = re.compile(
    r"(?:版本|版).{0,6}(?:选错|错了|不对|搞错|弄错)|应该是\s*(?:20)?23\s*版"
    r"|\b(?:wrong|picked\s+the\s+wrong)\s+(?:edition|version)\b"
    r"|\b(?:it'?s|it\s+is|should\s+be|is)\s+(?:the\s+)?2023\b(?!-)|2023\s*,?\s*not\s+2013"
    r"|是\s*2023\s*版|不是\s*2013",
    re.I,
)
_NO_ABBREVIATION = re.compile(r"\bno\.(?=\s*[\w-]*\d)", re.I)  # "cert no. 165IP…" says no "no"
_NC = r"(?:不符合项?|问题|整改|nonconformit(?:y|ies)|findings?|\bncs?\b|issues)"
_CLOSED = r"(?:整改完|改完|关闭|关掉|处理完|搞定|完成|完了|好了|closed|fixed|resolved|done|sorted)"
# The finding first ("不符合项整改完了"); the other order only in English ("closed the
# nonconformity"): "内审完成了，有3个不符合项" reports new findings, not closed ones.
_NC_CLOSED = re.compile(
    rf"{_NC}.{{0,8}}{_CLOSED}|^(?:关闭|关掉)\s*(?:第\s*\d+\s*个)?\s*不符合"
    r"|\b(?:closed|fixed|resolved|sorted)\s+(?:\w+\s+){0,3}(?:nonconformit|findings?\b|ncs?\b)"
    r"|^(?:they(?:'re|\s+are)\s+)?(?:all|both)(?:\s+of\s+them)?\s+(?:are\s+)?(?:fixed|closed|resolved|sorted)"
    r"|都(?:关了|关闭了)",
    re.I,
)


def recognise(ctx: Ctx, text: str) -> Out | None:
    """The flow an outcome told in words starts, or None when the text tells none."""
    if not ctx.company.onboarded or len(text) > MAX_EDITION_FIX:
        return None
    fixed = _EDITION_FIX.search(text) and "2023" in text and not says_goal(text)
    if ctx.company.certificate is None and fixed:  # "版本选错了，应该是2023版", "it's 2023"
        ctx.wait_for(certificate.INPUT, "edition", **{certificate.SAID: certificate.told_in(text)})
        return [ctx.reply("cert_edition_fixed"), *(certificate.edition(ctx, "2023") or [])]
    if len(text) > MAX_LEN or looks_like_question(text):
        return None
    certified = _CERTIFIED.search(text) and not says_goal(text)  # not "希望明年拿到证书"
    if certified and not denies(_NO_ABBREVIATION.sub(" ", text)):
        return [ctx.reply("certificate_told"), *certificate.start(ctx, said=text)]
    if (numbered := certificate.number_told(ctx, text)) is not None:
        return numbered  # "证书编号是 CNIPC-2025-IP-03321"
    if _NC_CLOSED.search(text) and not denies(text):
        closed = _nc_closed(ctx, text)
        if closed is None and _names_audit(text) and not _INTERNAL.search(text):
            # "一阶段那两个问题都改完了" with none recorded: fixed, nothing to track
            return [ctx.reply("nc_fixed_unrecorded"), SHOW_NEXT]
        return closed
    m = _NEW_FINDINGS.search(text) or (
        _NAMED_AUDIT_FINDINGS.search(text) if _names_audit(text) else None
    )
    head = _before_about(text)  # "…，说我们的内审没覆盖销售部": the finding names the audit
    if m is not None:  # "…开了一个一般不符合，保密协议没签全": the finding itself denies
        head = head[: max(m.end(), len(_before_about(text[: m.end()])))]
    if m and not _INTERNAL.search(head) and not denies(head):
        return _findings_raised(ctx, text, m.group("n") or m.group("n_en"))
    if _names_audit(text) and _TO_CHANGE.search(text) and not _INTERNAL.search(head):
        return _findings_raised(ctx, text, None)  # "审核老师说文件还要改改": some, not counted
    return None


# The auditor asked for changes, without counting them ("审核老师说文件还要改改", "the auditor
# wants some changes to the manual")
_TO_CHANGE = re.compile(
    r"(?:审核员|审核老师|老师|auditors?).{0,12}(?:要改|改改|修改|整改|补充|完善)"
    r"|\b(?:auditors?)\b.{0,30}\b(?:wants?|asked|asks)\b.{0,20}\b(?:changes?|fix|fixes|rework)\b",
    re.I,
)


# A count of findings or issues said with an audit's name, with or without a verb ("一阶段审完了，
# 审核员提了2个问题", "surveillance audit done, 1 minor finding"): that audit's findings.
_NAMED_AUDIT_FINDINGS = re.compile(
    r"(?P<n>\d+|[一二两三四五六七八九十]+)\s*[个项条点]"
    r"\s*(?:(?:严重|一般|轻微)?的?\s*不符合|问题|整改项|需要整改的|意见|整改意见)"
    r"|(?<!stage\s)(?<!stage)\b(?P<n_en>\d+|one|two|three|four|five|six|a\s+few|some)\s+"
    r"(?:major\s+|minor\s+|small\s+|little\s+|big\s+)?"
    r"(?:nonconformit(?:y|ies)|findings?|ncs?|issues?|problems?|points?)\b",
    re.I,
)


# The clause after the one counting a single finding: what it is ("…，开了1个一般不符合，培训记录
# 缺少效果评价", "stage 2 found 1 minor NC, training records missing")
_CLAUSE_AFTER = re.compile(
    r"(?:不符合项?|问题|整改项|\b(?:nonconformity|finding|nc|issue|problem)\b)\s*[，,；;:：]\s*(.{4,})$",
    re.I,
)


def _before_about(text: str) -> str:
    """The text without what a finding is about ("…，关于研发合同没审查": no denial)."""
    about = _ABOUT.search(text)
    return text[: about.start()] if about else text


def counts_findings(text: str) -> bool:
    """A count of findings said with an audit's name ("stage 2 finished, 2 minor NCs")."""
    named = _names_audit(text) and _NAMED_AUDIT_FINDINGS.search(text) is not None
    return named and not _NC_CLOSED.search(text)  # "那两个问题都改完了" closes, raises none


def _names_audit(text: str) -> bool:
    return any(p.search(text) for p in _AUDITS.values()) or bool(_AUDITOR.search(text))


_AUDITOR = re.compile(r"审核员|审核老师|auditors?\b", re.I)


# "二阶段开了2个一般不符合", "stage 2 raised two minor findings": new findings of an audit the
# certification body held (an internal audit's findings are the company's own: flows.facts).
_NEW_FINDINGS = re.compile(
    r"(?:开了|开出了?|有|发现了?|提了|出了)\s*(?P<n>\d+|[一二两三四五六七八九十]+)?\s*[个项条]?"
    r"\s*(?:严重|一般|轻微|主要|次要)?的?\s*不符合"
    r"|(?:raised|found|got|gave\s+us|with|had)\s+(?P<n_en>\d+|one|two|three|four|five|six|a|some)?"
    r"\s*(?:major|minor)?\s*(?:nonconformit|findings?\b|ncs?\b)",
    re.I,
)
_INTERNAL = re.compile(r"内审|内部审核|internal\s+audit", re.I)
_AUDITS = {"stage1": facts_pattern("stage1"), "stage2": facts_pattern("stage2"),
           "surveillance": facts_pattern("surveillance")}  # fmt: skip


def _held_audit(ctx: Ctx, text: str) -> Item | None:
    """The audit the findings are from: the one named, else the latest one held."""
    tl = timeline_of(ctx)
    kinds = [k for k, pattern in _AUDITS.items() if pattern.search(text)]
    named = {dated.resolve_key(ctx, k) for k in kinds}
    held = [i for i in tl.items if i.external and i.on <= ctx.today]
    if kinds:  # "监督审核结束了": the one held of that kind, not the next one still open
        held = [
            i for i in held if i.key in named or i.kind in kinds or i.key.split(":")[0] in kinds
        ]
    return max(held, key=lambda i: i.on) if held else None


def _dated_audit(ctx: Ctx, text: str) -> Out:
    """ "stage 2 was July 6-7, two minor NCs": the audit's day said with its findings is
    recorded first (the findings need the audit they came from)."""
    said = facts.told_day(ctx, text)
    if said is None or said[0].split(":")[0] not in _AUDITS:
        return []
    key, day = said
    dated.set_event_date(ctx, key, day)  # its own "any findings?" question is answered
    title = dated.event_title(ctx, key)
    return [ctx.reply("event_recorded_done", title=title, date=fmt_date(day))]


def _findings_raised(ctx: Ctx, text: str, n: str | None) -> Out | None:
    audit = _held_audit(ctx, text)
    told_on = facts.told_day(ctx, text)
    # "surveillance 2 was on 10 feb 2026, 2 minor ncs": that audit on that day, though an
    # earlier one of its kind is on record
    fresh = told_on is not None and (audit is None or told_on != (audit.key, audit.on))
    if (whole := _told_whole(ctx, text, n, told_on if fresh else None, audit)) is not None:
        return whole
    recorded: Out = []
    if fresh and (recorded := _dated_audit(ctx, text)):
        audit = _held_audit(ctx, text)
    if audit is not None:
        key, title = audit.key, audit.title(ctx.lang)
    elif _audited_undated(ctx):  # "已经审核过" at onboarding, no date given: stage 2's
        key, title = "stage2", ctx.kb.reminder_kind("stage2").title.get(ctx.lang)
    elif named := [k for k, pattern in _AUDITS.items() if pattern.search(text)]:
        # "we got the stage 1 report, 3 minor findings": that audit was held, its day untold
        key = dated.resolve_key(ctx, named[0])
        title = dated.event_title(ctx, key)
    else:
        return None
    count = parse_count(n.replace("两", "二")) if n else None  # a bare "两" counts nothing
    intro = (
        ctx.reply("findings_told_n", title=title, n=count.value)
        if count is not None
        else ctx.reply("findings_told", title=title)
    )
    told = count.value if count is not None and 1 <= count.value <= MAX_TOLD_FINDINGS else 0
    # "…，要求30天内整改": the body's deadline, said with the count; "…, close it by August 20"
    deadline = next(filter(None, map(nonconformity.days_said, re.split(r"[，,；;。]", text))), 0)
    if not deadline and (due := deadlines_said.due(text, ctx.today)) is not None:
        held = timeline_of(ctx).get(key)
        gap = (due - (held.on if held is not None else ctx.today)).days
        deadline = gap if 0 < gap <= nonconformity.MAX_DAYS else 0
    out = dated.findings(ctx, key, told, nonconformity.grade_in(text), deadline) or []
    listed, days = nonconformity.without_deadline(findings_in(text) or _after_colon(text))
    if len(listed) > 1 and (told == 0 or told == len(listed)) and ctx.pending is not None:
        # "审核员提了2个问题，一个是文件清单不全，一个是风险清单没评级": both described; "2 minor
        # NCs …, we have 30 days": graded and given their deadline, nothing asked
        head = text[: text.find(listed[0])] if listed[0] in text else text
        grade = nonconformity.grade_in(head)
        out = nonconformity.described(ctx, listed, len(listed), days or 0, grade)
        return [*recorded, intro, *out]
    about = _ABOUT.search(text) or _CLAUSE_AFTER.search(text) if told == 1 else None
    described = _described(ctx, about.group(1)) if about else ""
    if about is not None and described and find_date(described, ctx.today, "any") is None:
        # "one finding about X", "开了1个一般不符合，培训记录缺少效果评价": only the grade is asked
        [described], within = nonconformity.without_deadline([described])  # "…, 30 days to close"
        described = described[: nonconformity.MAX_NC_TEXT]
        given = {"days": str(within or deadline)} if within or deadline else {}
        ctx.wait_for(nonconformity.GRADE_INPUT, "", text=described, **given)
        said = ctx.reply("nc_described", text=described)
        if (grade := nonconformity.grade_in(text[: about.start()])) is not None:
            return [*recorded, intro, said, *(nonconformity.add(ctx, grade) or [])]  # "一般"
        return [*recorded, intro, said, PROMPT]
    return [*recorded, intro, *out]


def _described(ctx: Ctx, about: str) -> str:
    """What the one finding is, without the deadline said after it ("training records, we have
    to close it by August 20"; "是台账没更新，要求9月8号前交整改"): "" when only a deadline is."""
    clauses = [c.strip() for c in re.split(r"[，,；;]", about) if c.strip()]
    kept = [
        c
        for c in clauses
        if not nonconformity.days_said(c) and not deadlines_said.spans(c, ctx.today, False)
    ]
    if not kept:  # "开了1个一般不符合，要求30天内整改": the deadline, not the finding
        return ""
    said = (", " if about.isascii() else "，").join(kept)
    return re.sub(r"^(?:是|就是)\s*", "", said)  # "…不符合，是台账没更新"


def _told_whole(
    ctx: Ctx, text: str, n: str | None, told_on: tuple[str, date] | None, audit: Item | None
) -> Out | None:
    """One finding told whole with the audit and the body's deadline date ("stage 2 finished
    yesterday. one minor finding about training records, we have to close it by August 20"):
    the audit's day, the finding and its deadline read back for one "yes"; None when any of
    them is missing (then they are asked for one by one)."""
    due = deadlines_said.due(text, ctx.today)
    count = parse_count(n.replace("两", "二")) if n else None
    if due is None or count is None or count.value != 1:
        return None
    key, day = told_on or ((audit.key, audit.on) if audit is not None else ("", ctx.today))
    about = _ABOUT.search(text) or _CLAUSE_AFTER.search(text)
    described = _described(ctx, about.group(1))[: nonconformity.MAX_NC_TEXT] if about else ""
    grade = nonconformity.grade_in(text[: about.start()]) if about else None
    days = (due - day).days
    if not key or not described or grade is None or not 0 < days <= nonconformity.MAX_DAYS:
        return None
    if find_date(described, ctx.today, "any") is not None:
        return None
    return confirm.ask(
        ctx,
        "findings_told_confirm",
        "nc.told.do",
        key,
        day.isoformat(),
        grade,
        due.isoformat(),
        described,
        title=dated.event_title(ctx, key),
        date=format_date(day, ctx.lang),
        grade=ctx.t("nc_major" if grade == "major" else "nc_minor"),
        text=described,
        due=fmt_date(nonconformity.due_after(ctx, day, days)),  # as it will be recorded
    )


def _after_colon(text: str) -> list[str]:
    """Findings listed after a colon, counted before it ("有两个问题要在二阶段前改：合规义务清单
    不全，还有目标没有考核数据", "2 issues: the ledger, the contracts")."""
    head, colon, tail = text.partition("：") if "：" in text else text.partition(":")
    if not colon or not _NAMED_AUDIT_FINDINGS.search(head):
        return []
    parts = re.split(r"[，,；;]\s*(?:还有|另外|以及|and\s+)?|还有|\band\b", tail)
    found = [p.strip(" 。.") for p in parts if len(p.strip(" 。.")) >= 2]
    return found if len(found) >= 2 else []


# What the one finding is about, said with its count ("one finding about the objectives
# table", "开了1个不符合，关于研发合同没审查"): its description, so only the grade is asked.
_ABOUT = re.compile(
    r"(?:\b(?:about|regarding|concerning|saying|that|first|one\s+(?:is|was))\b|关于|内容是|说是"
    r"|(?<=[，,])\s*说"
    r"|问题是|是说|主要是|一个是|一是|第一个?是?|[：:])"
    r"\s*(.{4,})$",
    re.I,
)


def _audited_undated(ctx: Ctx) -> bool:
    """Past stage 2 by the user's word (the stage said at onboarding), its date unknown."""
    return ctx.company.current_step in ("audit.report", "audit.nonconformities") and (
        timeline_of(ctx).get("stage2") is None
    )


_ALL = re.compile(r"都|全部|全都|所有|两个都|\b(?:all|both|every)\b", re.I)
# "4个不符合项都整改完了", "all 3 findings are closed": how many, not which one
_COUNTED_ALL = re.compile(
    r"(?<!第)(?<!第\s)(\d+|[一二两三四五六七八九十]+)\s*个\s*(?:不符合项?|问题).{0,6}(?:都|全部|全)"
    r"|\b(?:all|the)\s+(\d+|two|three|four|five)\s+(?:ncs?|nonconformit\w*|findings?)\b",
    re.I,
)
_NUMBERED = re.compile(
    r"(?:第\s*)?(\d+|[一二三四五六七八九十]+)\s*(?:个|号)?\s*不符合|不符合项?\s*(\d+)"
    r"|\b(?:nc|nonconformity|finding)\s*#?(\d+)",
    re.I,
)


def _nc_closed(ctx: Ctx, text: str = "") -> Out | None:
    open_ncs = nonconformity.open_ncs(ctx)
    if not open_ncs:
        return None
    counted = _COUNTED_ALL.search(text)  # "4个不符合项都整改完了": how many, not which
    if counted is not None:
        said = parse_count(next(g for g in counted.groups() if g).replace("两", "二"))
        if said is not None and said.value == len(open_ncs) and len(open_ncs) > 1:
            return nonconformity.close_all(ctx)
    elif (m := _NUMBERED.search(text)) is not None:  # "不符合项2整改完了", "closed NC 2"
        said = parse_count(next(g for g in m.groups() if g))  # "第一个不符合", "NC 2"
        shown = nonconformity.named(ctx, said.value) if said is not None else None
        if shown is not None and shown in open_ncs:  # as numbered in the owner's messages
            return nonconformity.close(ctx, shown.id)
    if len(open_ncs) > 1 and _ALL.search(text) and counted is None:  # "不符合都整改完了"
        return nonconformity.close_all(ctx)
    if len(open_ncs) == 1:
        return nonconformity.close(ctx, open_ncs[0].id)
    lines = [ctx.t("which_nc_closed"), *(nonconformity.line(ctx, nc) for nc in open_ncs)]
    return [Reply("\n".join(lines), nonconformity.close_buttons(ctx))]
