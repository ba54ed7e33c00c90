"""Recording the certificate: edition, number, issue and expiry dates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from flows import confirm, dated, facts, internal_findings, position, timeline_edit
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.dates import add_months, default_expiry
from flows.known import timeline_of
from flows.natural import (
    AnswerKind,
    Option,
    format_date,
    options_from,
    parse_answer,
    parse_count,
)
from flows.natural.text import has_cjk
from flows.phrasing import agrees, says_nothing_new
from flows.reading import Got, date_examples, find_date, read_choice, read_date
from flows.registry import Flow, Input, Verb
from flows.state import Certificate, Stage
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply
from flows.workdays import previous_working_day
from knowledge.intents import Intent, detect_intent

INPUT = "certificate"
MAX_NUMBER = 64
EDITIONS = ("2023", "2013")
SAID = "said"  # pending data: the number and issue date told before they were asked
NO_DAY = "issued_no_day"  # pending data: the issue date's day is ours ("last November": the 1st)


@cache
def _edition_options() -> tuple[Option, ...]:
    return options_from([(e, f"GB/T 29490-{e}", f"GB/T 29490-{e}") for e in EDITIONS], "edition")


def start(ctx: Ctx, said: str = "") -> Out:
    """From the decision step: the edition is 2023 (2013 is no longer certified). A recorded
    certificate is replaced only after a confirmation: its dates drive every reminder.
    ``said``: the news that started it ("we're certified! cert no. … issued August 25"), whose
    number and issue date are kept."""
    cert = ctx.company.certificate
    if cert is not None:
        return confirm.ask(
            ctx,
            "confirm_replace_certificate",
            "cert.replace",
            said[:MAX_SAID] or NOTHING_SAID,  # the new one's number and date, kept for after
            number=number_shown(ctx, cert),
            expires=fmt_date(cert.expires),
        )
    return _new_certificate(ctx, said)


MAX_SAID = 200
NOTHING_SAID = "-"


def _new_certificate(ctx: Ctx, said: str = "") -> Out:
    asked = _ask_number(ctx)
    if said and said != NOTHING_SAID and _number_and_date(ctx, said) is not None:
        return typed(ctx, said) or asked
    return asked


def number_shown(ctx: Ctx, cert: Certificate) -> str:
    """The certificate's number, or that it is still to be told."""
    return cert.number or ctx.t("cert_number_unknown")


def _ask_number(ctx: Ctx) -> Out:
    ctx.wait_for(INPUT, "number")
    return [PROMPT]


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    fieldname = p.field or "number"
    if fieldname == "edition":
        buttons = [[Button(f"GB/T 29490-{e}", encode("cert.edition", e)) for e in EDITIONS]]
        return [ctx.reply("ask_edition", buttons)]
    if fieldname == "check":
        return [_read_back(ctx)]
    if fieldname == "expires":
        years = ctx.kb.rules.certificate_validity_years
        default = _default_expiry(ctx)
        buttons = [[Button(default, encode("cert.expires", default))]]
        return [ctx.reply("ask_cert_expires", buttons, years=years, default=default)]
    return [ctx.reply(f"ask_cert_{fieldname}", examples=date_examples(ctx, "past"))]


_EDITION_IN = re.compile(
    r"(?:29490\s*[-—]?\s*)(20(?:13|23))\b|(?:20)?(13|23)\s*(?:版|年版|\s+version|\s+edition|\s+standard)"
    r"|\b(?:version|edition)\s+(?:of\s+)?(?:20)?(13|23)\b",
    re.I,
)


def edition_in(text: str) -> str | None:
    """The edition a sentence names ("under the 2013 version", "23版的证"), or None."""
    m = _EDITION_IN.search(text)
    if m is None:
        return None
    said = next(g for g in m.groups() if g)
    return said if len(said) == 4 else f"20{said}"


def edition(ctx: Ctx, value: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != INPUT or p.field != "edition" or value not in EDITIONS:
        return None
    record = Reply(
        ctx.t("answered", question=ctx.t("ask_edition"), answer=f"GB/T 29490-{value}"),
        edit=True,
        record=True,
    )
    if value == "2013":
        # 2013 certificates ended on 2025-12-31: not a valid basis, apply again on 2023. The
        # system itself has been running for years: a 2023 gap assessment, then onwards.
        ctx.clear_pending()
        ctx.company.stage = Stage.RUNNING
        ctx.company.steps_done = []
        position.place(ctx, Stage.RUNNING)
        return [record, ctx.reply("cert_2013"), SHOW_NEXT]
    said = p.data.get(SAID, "")
    ctx.wait_for(INPUT, "number", **{k: v for k, v in p.data.items() if k in ("issued", NO_DAY)})
    if said and (names_number(said) or _number_and_date(ctx, said) is not None):  # told ahead
        out = typed(ctx, said) or [PROMPT]
        kept = ctx.pending.data if ctx.pending else {}
        if ctx.pending is not None and ctx.pending.field == "check":
            return [record, *out]  # the read-back names the number and both dates
        if "issued" in kept:
            echo = ctx.reply("cert_said_kept", number=kept["number"], issued=kept["issued"])
            return [record, echo, *out]
        return [record, ctx.reply("cert_number_kept", number=kept.get("number", "")), *out]
    return [record, PROMPT]


def typed(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    intent = detect_intent(text)
    if p.field == "check":
        return _check_typed(ctx, text, intent)
    if p.field == "expires" and (agrees(text) or intent is Intent.NEXT):
        # "好的" / "下一步" to "usually 3 years from issue (2030-03-09)": that date.
        return expires_pressed(ctx, _default_expiry(ctx))
    if intent is not None:
        return None  # "下一步" asks the same question again (resumable); "谢谢" is thanks
    if facts.names_event(text) and not names_number(text) and not _ISSUE_WORDS.search(text):
        # "今年的监督审核还没做", "管评下周开": the year's audits, asked right after
        return [ctx.reply("cert_finish_first"), PROMPT]
    if p.field == "expires" and (years := _validity_said(text)) is not None:
        issued = date.fromisoformat(p.data["issued"])  # "valid 3 years", "有效期三年"
        return expires_pressed(ctx, fmt_date(default_expiry(issued, years)))
    if p.field == "edition":
        if says_nothing_new(text):  # "ok", "yes", "not sure": the certificate says it
            return [ctx.reply("cert_edition_hint"), PROMPT]
        if edition_in(text) is None and (names_number(text) or _CODE.search(text)):
            # "the number is 165IP…, issued on 10 March 2025": kept for the questions after
            ctx.wait_for(INPUT, "edition", **{**p.data, SAID: text})
            return [ctx.reply("cert_kept_edition_next"), PROMPT]
        found = read_choice(ctx, text, _edition_options())
        if not isinstance(found, str) and (dated := issue_told(ctx, text)) is not None:
            return dated
        return edition(ctx, found) if isinstance(found, str) else found
    if p.field in ("number", "issued", "expires") and (said := _edition_only(text)):
        # "2023版" where the number or a date is asked: the edition, no 1 January 2023
        if said == "2013":
            return [ctx.reply("cert_2013_asked_number"), PROMPT]
        return [ctx.reply("cert_edition_fixed"), PROMPT]
    if p.field in ("issued", "expires") and (both := _both_dates(ctx, text)) is not None:
        # "issued Sept 3, valid until Sept 2 2030": each date from its own clause, read back
        return _check_both(ctx, p.data, both)
    if p.field == "expires" and _ISSUE_WORDS.search(text) and "issued" in p.data:
        # "8月12号发的证" to "when does it expire?": the issue date, corrected; expiry again
        told = _issue_date_corrected(ctx, p.data, text)
        if told is not None and told <= ctx.today:
            ctx.wait_for(INPUT, "expires", **_with_issued(p.data, text, told))
            return [
                ctx.reply("cert_issued_kept", issued=fmt_date(told)),
                *_no_day_note(ctx),
                PROMPT,
            ]
    if p.field == "number":
        if (heard := _number_and_date(ctx, text)) is not None:  # "8月20号发的，证书号 165IP…"
            data = {**p.data, "number": heard.number}
            if heard.issued is not None and "issued" not in data:
                data = _with_issued(data, heard.issue_clause, heard.issued)
            when = data.get("issued")
            if heard.expires and when and heard.expires > date.fromisoformat(when):
                # "…, valid until Sept 2 2030": nothing left to ask, read back for a yes
                return _check(ctx, {**data, "expires": fmt_date(heard.expires)})
            ctx.wait_for(INPUT, "expires" if "issued" in data else "issued", **data)
            return [*(_no_day_note(ctx) if heard.issued is not None else []), PROMPT]
        if _LATER.search(text) or parse_answer(text) is AnswerKind.UNSURE:
            # "证书在老板那，编号我回头查一下": recorded without it, told later in words
            ctx.wait_for(INPUT, "expires" if "issued" in p.data else "issued", **p.data, number="")
            return [ctx.reply("cert_number_later"), PROMPT]
        alone = _issue_date_alone(ctx, text) if "issued" not in p.data else None
        if alone is not None:
            # "issued 20 nov 2025" typed for the number: the issue date; the number still asked
            ctx.wait_for(INPUT, "number", **_with_issued(p.data, text, alone))
            return [
                ctx.reply("cert_issued_kept", issued=fmt_date(alone)),
                *_no_day_note(ctx),
                PROMPT,
            ]
        number = _LEAD_IN.sub("", " ".join(text.split())).strip(" 。.")
        # "we closed the NCs", "内审是10月做的": a number is letters and digits, one digit at least
        no_digit = not any(ch.isdigit() for ch in number) or has_cjk(number)
        edition_said = _EDITION_SAID.fullmatch(number) is not None  # "23版": no number
        if (
            not 1 <= len(number) <= MAX_NUMBER
            or says_nothing_new(number)
            or no_digit
            or edition_said
        ):
            return [ctx.reply("cert_number_needed")]  # "好的" is no certificate number
        ctx.wait_for(INPUT, "expires" if "issued" in p.data else "issued", **p.data, number=number)
        return [PROMPT]
    return _date(ctx, p.field, text)


# The number inside a sentence: after its name ("证书号 165IP2027000123", "cert no. IP-1"),
# or a code of letters and digits standing out ("165IP2027000123").
_NUMBER_NAMED = re.compile(
    r"(?:证书(?:编)?号码?|编号|(?:certificate|cert)\s*(?:number|no\.?|#)|\bnumber|\bno\.)"
    r"\s*(?:是|为|is|:|：)?\s*(?P<num>[A-Za-z0-9][A-Za-z0-9\-/]{2,}[A-Za-z0-9])",
    re.I,
)
_CODE = re.compile(r"(?<![\w-])(?=[\w\-/]*\d)(?=[\w\-/]*[A-Za-z])[A-Za-z0-9][\w\-/]{5,}(?![\w-])")


_ISSUE_WORDS = re.compile(r"发证|颁发|发的|签发|颁的|出证|\b(?:issued|dated|granted)\b", re.I)
# The expiry told with the rest: "valid until Sept 2 2030", "有效期到2030年8月17日", "2030年到期"
_EXPIRY_WORDS = re.compile(
    r"有效期|有效至|有效到|到期|期满|\b(?:valid|expir\w*|good\s+(?:until|till|through))\b", re.I
)
# Clauses of a sentence; a comma before a year ("Sept 3, 2027") stays inside its date
_CLAUSES = re.compile(r"[，；;。！!？?\n]+|,(?!\s*\d{4}\b)|(?<!\bno)\.\s+", re.I)


def told_in(text: str) -> str:
    """What a longer message says of a certificate ("…，证书号165IP…，2024年3月1号发证"): the
    clause with its number and the clauses telling its issue date, kept for the certificate's
    questions; "" when it names no number."""
    parts = [c for c in _CLAUSES.split(text) if c.strip()]
    if not any(_NUMBER_NAMED.search(c) or _CODE.search(c) for c in parts):
        return ""
    told = (_NUMBER_NAMED, _CODE, _ISSUE_WORDS, _EXPIRY_WORDS)
    kept = [c for c in parts if any(pattern.search(c) for pattern in told)]
    return "，".join(c.strip() for c in kept)


# The number not at hand: "回头查一下", "证书在老板那", "skip", "I'll look it up later"
_LATER = re.compile(
    r"回头|以后|稍后|晚点|再查|查一下|查查|在老板那|不记得|记不清|忘了|跳过|先不填|没带"
    r"|\b(?:skip|later|look\s+it\s+up|check\s+(?:it|later)|don'?t\s+(?:know|have\s+it)"
    r"|not\s+(?:sure|at\s+hand|with\s+me)|no\s+idea)\b",
    re.I,
)


# What is done or coming on a day, other than issuing: "认证机构说10月来" is no issue date
_OTHER_DOING = re.compile(
    r"来|审|做|开|交|定|约|\b(?:come|coming|visit|audit|review|held|plan\w*|booked)\b", re.I
)


def _issue_date_alone(ctx: Ctx, text: str) -> date | None:
    """A date typed where the number was asked, with no code that could be the number."""
    if _NUMBER_NAMED.search(text) or _CODE.search(text) or _not_issuing(text):
        return None
    issued = find_date(text, ctx.today, "past")
    return issued if issued is not None and issued <= ctx.today else None


def _not_issuing(text: str) -> bool:
    return _OTHER_DOING.search(text) is not None and _ISSUE_WORDS.search(text) is None


class _Told(NamedTuple):
    number: str
    issued: date | None
    expires: date | None
    issue_clause: str  # where the issue date was read: whether it names a day


def _number_and_date(ctx: Ctx, text: str) -> _Told | None:
    """A certificate number said in a sentence, with the issue date and the expiry when they
    are said too; None when the text is the number alone (or holds none)."""
    m = _NUMBER_NAMED.search(text) or _CODE.search(text)
    if m is None:
        return None
    number = m.group("num") if "num" in m.groupdict() else m.group(0)
    rest = (text[: m.start()] + " " + text[m.end() :]).strip(" ，,。.;；")
    if not rest or rest == text or len(number) > MAX_NUMBER:
        return None
    return _Told(number, *_dates_told(ctx, rest))


def _dates_told(ctx: Ctx, text: str) -> tuple[date | None, date | None, str]:
    """The issue date and the expiry a sentence tells, each read from its own words (read as
    a whole, "issued Sept 3, valid until Sept 2 2030" gave "until Sept 2" as the issue date),
    and the clause the issue date came from."""
    issuing, expiring = _split_expiry(text)
    said = [(c, d) for c in issuing if (d := find_date(c, ctx.today, "past")) is not None]
    clause, issued = said[0] if said else ("", None)
    expires = next((d for c in expiring if (d := find_date(c, ctx.today, "future"))), None)
    if expires is None and issued is not None:  # "有效期三年", "valid for 3 years"
        years = next((y for c in expiring if (y := _validity_said(c)) is not None), None)
        expires = default_expiry(issued, years) if years is not None else None
    return issued, expires, clause


def _split_expiry(text: str) -> tuple[list[str], list[str]]:
    """The clauses that may tell the issue date (those naming the issuing first) and those
    telling the expiry; "issued 3 Sept and valid until …" is cut at "valid"."""
    issuing: list[str] = []
    expiring: list[str] = []
    for clause in (c for c in _CLAUSES.split(text) if c.strip()):
        exp = _EXPIRY_WORDS.search(clause)
        iss = _ISSUE_WORDS.search(clause)
        if exp is None:
            issuing.append(clause)
        elif iss is not None and iss.start() < exp.start():
            issuing.append(clause[: exp.start()])
            expiring.append(clause[exp.start() :])
        else:
            expiring.append(clause)
    issuing.sort(key=lambda c: _ISSUE_WORDS.search(c) is None)  # "…发的" before "拿到证书了"
    return issuing, expiring


def _both_dates(ctx: Ctx, text: str) -> tuple[date, date, str] | None:
    """Both dates told in a sentence naming the expiry, the issue date before it (with the
    clause it came from)."""
    if not _EXPIRY_WORDS.search(text):
        return None
    issued, expires, clause = _dates_told(ctx, text)
    if issued is None or expires is None or issued > ctx.today or expires <= issued:
        return None
    return issued, expires, clause


def _check_both(ctx: Ctx, data: dict[str, str], both: tuple[date, date, str]) -> Out:
    """Both dates told (``_both_dates``): kept with what was asked before, read back."""
    issued, expires, clause = both
    return _check(ctx, {**_with_issued(data, clause, issued), "expires": fmt_date(expires)})


def _with_issued(data: dict[str, str], text: str, issued: date) -> dict[str, str]:
    """The pending data with the issue date told in ``text``, marked when no day was said."""
    kept = {k: v for k, v in data.items() if k != NO_DAY}
    no_day = {NO_DAY: "1"} if facts.no_day_said(text, issued) else {}
    return {**kept, "issued": fmt_date(issued), **no_day}


# A month said ("11月", "Nov", "2025-11"): the text names more than a day of the month
_MONTH_SAID = re.compile(
    r"月|\d\s*[-/.]\s*\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I
)


def _issue_date_corrected(ctx: Ctx, data: dict[str, str], text: str) -> date | None:
    """The issue date told again; "the 18th" / "18号发的" after a month without a day is that
    day of the month kept, not of this one."""
    if data.get(NO_DAY) and "issued" in data and not _MONTH_SAID.search(text):
        kept = date.fromisoformat(data["issued"])
        month_end = add_months(kept, 1) - timedelta(days=1)
        told = find_date(text, min(month_end, ctx.today), "past")
        if told is not None and (told.year, told.month) == (kept.year, kept.month):
            return told
    return find_date(text, ctx.today, "past")


def _no_day_note(ctx: Ctx) -> list[Reply]:
    """ "last November": the 1st read back is ours, and said to be (as other dates are)."""
    p = ctx.pending
    if p is None or not p.data.get(NO_DAY) or "issued" not in p.data:
        return []
    return [ctx.reply("cert_issued_no_day", issued=p.data["issued"])]


def issue_told(ctx: Ctx, text: str) -> Out | None:
    """An issue date told where the edition is asked ("we got certified last November"): it
    settles the edition when late enough (2013 certificates ended on the transition's last
    day), else it is kept and the edition asked."""
    p = ctx.pending
    assert p is not None
    if _NUMBER_NAMED.search(text) or _CODE.search(text) or _not_issuing(text):
        return None
    day = _issue_date_corrected(ctx, p.data, text)  # "18号发的" after "去年11月": that month
    if day is None or day > ctx.today:
        return None
    end = date.fromisoformat(ctx.kb.rules.transition["old_certificates_end"])
    if end < day:
        return _edition_from_issue_date(ctx, day, text)
    # "去年11月20号发的": kept; in the transition years either edition was issued
    ctx.wait_for(INPUT, "edition", **_with_issued(p.data, text, day))
    kept = ctx.reply("cert_issued_kept_edition", issued=fmt_date(day))
    return [kept, *_no_day_note(ctx), PROMPT]


def _edition_from_issue_date(ctx: Ctx, issued: date, text: str) -> Out:
    """The edition follows from the issue date; the date is kept for the question after next."""
    ctx.wait_for(INPUT, "number", **_with_issued({}, text, issued))
    said = ctx.reply(
        "cert_edition_from_issue",
        issued=fmt_date(issued),
        end=fmt_date(date.fromisoformat(ctx.kb.rules.transition["old_certificates_end"])),
    )
    return [said, *_no_day_note(ctx), PROMPT]


def _edition_only(text: str) -> str | None:
    """The edition, when that is all the text says ("2023版", "GB/T 29490-2023", "23版的")."""
    said = " ".join(text.split()).strip(" 。.!！")
    if not _EDITION_SAID.fullmatch(said) or not re.search(r"版|edition|version|29490", said, re.I):
        return None
    return edition_in(said) or ("2013" if "13" in said else "2023")


_EDITION_SAID = re.compile(
    r"(?:gb/?t\s*)?(?:29490\s*[-—]?\s*)?(?:20)?(?:13|23)\s*(?:版|版本|年版|edition|version)?(?:的)?",
    re.I,
)
# "it's 2026-IPMS-00123", "证书编号是：0123…": the number without the words before it.
_LEAD_IN = re.compile(
    r"^(?:(?:it\s*(?:is|'s)|(?:the\s+)?(?:certificate\s+)?(?:number|no\.?)\s*(?:is|:)?|"
    r"(?:our\s+)?cert(?:ificate)?\s+(?:number|no\.?)\s*(?:is|:)?)\s*"
    r"|(?:我们的)?(?:证书)?(?:编号|号码|号)?(?:是|为)?[：:]?\s*)",
    re.IGNORECASE,
)


_VALIDITY = re.compile(
    r"(?P<n>\d+|[一二两三四五六]|one|two|three|four|five|six)\s*(?:个)?\s*(?:年|years?\b)", re.I
)


def _validity_said(text: str) -> int | None:
    """ "valid 3 years", "有效期三年", "3 years": a validity, not a date (no "年" after a year)."""
    m = _VALIDITY.search(text)
    if m is None or re.search(r"\d{4}", text):
        return None
    count = parse_count(m.group(0))  # "两年", "three years": the count with its unit
    return count.value if count is not None and 1 <= count.value <= 6 else None


def _default_expiry(ctx: Ctx) -> str:
    """The usual expiry for the issue date being entered (validity years from the rules)."""
    p = ctx.pending
    assert p is not None and "issued" in p.data
    years = ctx.kb.rules.certificate_validity_years
    return fmt_date(default_expiry(date.fromisoformat(p.data["issued"]), years))


def expires_pressed(ctx: Ctx, value: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != INPUT or p.field != "expires" or "issued" not in p.data:
        return None
    years = ctx.kb.rules.certificate_validity_years
    default = fmt_date(default_expiry(date.fromisoformat(p.data["issued"]), years))
    question = ctx.t("ask_cert_expires", years=years, default=default)
    record = Reply(ctx.t("answered", question=question, answer=value), edit=True, record=True)
    return [record, *(_date(ctx, "expires", value) or [])]


def _date(ctx: Ctx, fieldname: str, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    got = read_date(ctx, text, "past" if fieldname == "issued" else "any")
    if not isinstance(got, Got):
        return got
    echo: Out = [got.echo] if got.echo else []
    d = got.value
    if fieldname == "issued":
        ctx.wait_for(INPUT, "expires", **_with_issued(p.data, text, d))
        return [*echo, *_no_day_note(ctx), PROMPT]
    issued = date.fromisoformat(p.data["issued"])
    if d <= issued:
        return [ctx.reply("expiry_before_issue"), PROMPT]
    return [*echo, *_save(ctx, p.data.get("number", ""), issued, d)]


def _save(ctx: Ctx, number: str, issued: date, expires: date) -> Out:
    ctx.company.certificate = Certificate(
        number=number, edition="2023", decision_date=issued, issued=issued, expires=expires
    )
    ctx.clear_pending()
    saved = recorded(ctx)
    asked = any(r.offer for r in saved if isinstance(r, Reply))  # earlier audits held? first
    return saved if asked else [*saved, SHOW_NEXT]


def _check(ctx: Ctx, data: dict[str, str]) -> Out:
    """Everything told at once: read back for one "yes" before it drives every reminder."""
    ctx.wait_for(INPUT, "check", **data)
    return [PROMPT]


def _read_back(ctx: Ctx) -> Reply:
    p = ctx.pending
    assert p is not None
    buttons = [
        [
            ctx.button("cert_check_yes", "cert.check", "yes"),
            ctx.button("cert_check_fix", "cert.check", "fix"),
        ]
    ]
    told = p.data.get("number")
    number = ctx.t("cert_number_is", number=told) if told else ctx.t("cert_number_not_given")
    said = ctx.reply(
        "cert_check", buttons, number=number, issued=p.data["issued"], expires=p.data["expires"]
    )
    for note in _no_day_note(ctx):  # "issued last November, valid until …": the 1st is ours
        said.text += "\n" + note.text
    return said


def checked(ctx: Ctx, answer: str) -> Out | None:
    """The read-back answered: recorded, or the dates asked one by one (the number kept)."""
    p = ctx.pending
    if p is None or p.flow != INPUT or p.field != "check":
        return None
    label = ctx.t("cert_check_yes" if answer == "yes" else "cert_check_fix")
    record = Reply(ctx.t("answered", question=_read_back(ctx).text, answer=label), edit=True)
    if answer != "yes":
        ctx.wait_for(INPUT, "issued", **{k: v for k, v in p.data.items() if k == "number"})
        return [record, PROMPT]
    issued, expires = date.fromisoformat(p.data["issued"]), date.fromisoformat(p.data["expires"])
    return [record, *_save(ctx, p.data.get("number", ""), issued, expires)]


def _check_typed(ctx: Ctx, text: str, intent: Intent | None) -> Out | None:
    """ "对" / "yes" records; "不对" asks the dates again; both dates told again are read back."""
    if agrees(text) or intent is Intent.NEXT:
        return checked(ctx, "yes")
    if parse_answer(text) is AnswerKind.NO:
        return checked(ctx, "fix")
    p = ctx.pending
    assert p is not None
    if (both := _both_dates(ctx, text)) is not None:
        return _check_both(ctx, p.data, both)
    return None if intent is not None else [ctx.reply("cert_check_hint"), PROMPT]


def recorded(ctx: Ctx) -> Out:
    """After the certificate is saved: the company is certified, the journey moves on."""
    cert = ctx.company.certificate
    if cert is None:
        return []
    ctx.company.stage = Stage.CERTIFIED
    position.mark_done_up_to(ctx, "dec.certificate")
    decision = cert.decision_date or cert.issued
    surv = add_months(decision, ctx.kb.rules.first_surveillance_within_months)
    first = timeline_of(ctx).get("surveillance:1")  # on a working day, as /calendar has it
    if first is not None and first.deadline is not None:
        surv = first.deadline
    saved = ctx.reply(
        "cert_saved",
        number=cert.number or ctx.t("cert_number_not_given"),  # a read-back, no placeholder
        issued=fmt_date(cert.issued),
        expires=fmt_date(cert.expires),
        surv=fmt_date(surv),
    )
    closed, findings = _close_certification_plan(ctx, cert.issued)
    past = _past_surveillance(ctx)
    out: Out = [saved, *([ctx.reply("plan_closed_by_certificate", n=closed)] if closed else [])]
    if findings:
        out.append(ctx.reply("ncs_closed_by_certificate", n=findings))
    if past:  # asked before what's next, which would lead with "642 days overdue"
        button = ctx.button("cert_past_held_btn", "cert.held", n=len(past))
        ask = ctx.reply("cert_past_surveillance_ask", [[button]], n=len(past))
        ask.offer = button.data  # "对", "都做过了" answer it; "下一步" shows the risk instead
        out.append(ask)
    return out


def _past_surveillance(ctx: Ctx) -> list[str]:
    """Surveillance audits whose deadlines had passed when the certificate was recorded."""
    return [
        i.key
        for i in timeline_of(ctx).open_items()
        if i.key.startswith("surveillance:") and i.on < ctx.today
    ]


def past_held(ctx: Ctx) -> Out | None:
    """An older certificate in good standing: the surveillance audits already due were held
    (on their deadlines, with the yearly audit and review before each), one tap instead of
    one date per audit; the risk shown until then goes away."""
    past = _past_surveillance(ctx)
    if ctx.company.certificate is None or not past:
        return None
    for key in past:
        timeline_edit.complete(ctx, key)
    return [ctx.reply("cert_past_surveillance", n=len(past)), SHOW_NEXT]


# A part of a month said instead of a day: "10月中旬", "mid October", "月底".
_PART_OF_MONTH = re.compile(
    r"上旬|中旬|下旬|月初|月中|月底|月末|\b(?:early|mid|middle|late|end|beginning|start)\b", re.I
)


def past_held_said(ctx: Ctx, text: str) -> Out | None:
    """ "做过了，今年10月中旬做的" to "did the audits already due take place?": held, on the
    day said (not on the deadline); a day the owner did not say is ours, and said to be.
    The audit nearest that day is the one dated; any other already due, on its deadline."""
    past = _past_surveillance(ctx)
    if ctx.company.certificate is None or not past or facts.not_held(text):
        return None
    if facts.names_event(text) or facts.says_ahead(text):
        return None  # "监督审核5月做的，没问题", "认证机构说3月来": read back as told
    said = facts.without_names(text, ctx.today)
    when = find_date(said, ctx.today, "past", "start")
    if when is None or when > ctx.today:
        return None
    placeholder = facts.no_day_said(said, when) or _PART_OF_MONTH.search(said) is not None
    end = find_date(said, ctx.today, "past", "end")
    if placeholder and end is not None and end > when:  # "10月中旬": the 15th, not the 11th
        when = min(previous_working_day(when + (end - when) / 2), ctx.today)
    tl = timeline_of(ctx)
    items = [i for key in past if (i := tl.get(key)) is not None]
    if not items:
        return None
    held = min(items, key=lambda i: (abs(((i.deadline or i.on) - when).days), i.on))
    for item in items:
        if item.key != held.key:
            timeline_edit.complete(ctx, item.key)
    title = dated.event_title(ctx, held.key)
    timeline_edit.record(ctx, held.key, when)
    shown = format_date(when, ctx.lang)
    lines = [ctx.t("cert_past_surveillance_on", title=title, date=shown)]
    if len(items) > 1:
        lines.append(ctx.t("cert_past_surveillance_others", n=len(items) - 1))
    if placeholder:
        lines.append(ctx.t("fact_no_day_past"))
    if held.deadline is not None and when > held.deadline:
        deadline = format_date(held.deadline, ctx.lang)
        lines.append(ctx.t("cert_past_surveillance_late", deadline=deadline))
    return [Reply("\n".join(lines)), SHOW_NEXT]


def _close_certification_plan(ctx: Ctx, issued: date) -> tuple[int, int]:
    """The plan that led to the certificate is over: its gap actions and the internal audit's
    findings still open were verified by the audit, so they stop being "overdue". The user's
    own actions stay."""
    closing = [
        a
        for a in ctx.company.actions
        if a.done_on is None and (not a.custom or a.id.startswith(internal_findings.PREFIX))
    ]
    for action in closing:
        action.done_on = issued
    # The body decided to certify: the audit's findings were closed (or their plans accepted).
    findings = [nc for nc in ctx.company.nonconformities if nc.closed_on is None]
    for nc in findings:
        nc.closed_on = issued
    return len(closing), len(findings)


def back(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    previous = {"issued": "number", "expires": "issued", "check": "expires"}.get(p.field, p.field)
    ctx.wait_for(INPUT, previous, **p.data)
    return [PROMPT]


FLOW = Flow(
    "certificate",
    verbs=(
        Verb("cert.add", start),
        Verb("cert.edition", edition, arity=1),
        Verb("cert.expires", expires_pressed, arity=1),
        Verb("cert.held", past_held),
        Verb("cert.check", checked, arity=1),
    ),
    inputs=(Input(INPUT, ask, take=typed, back=back, resumable=True, before_intents=True),),
    actions=(Verb("cert.replace", _new_certificate, arity=1),),
)


def names_number(text: str) -> bool:
    """ "证书编号是 …", "cert no. …": a certificate number named."""
    return _NUMBER_NAMED.search(text) is not None


def number_told(ctx: Ctx, text: str) -> Out | None:
    """ "证书编号是 CNIPC-2025-IP-03321": the number of a certificate recorded without one, or
    the start of recording one (with its issue date when said) when none is recorded."""
    m = _NUMBER_NAMED.search(text)
    if m is None:
        return None
    cert = ctx.company.certificate
    if cert is None:
        if ctx.company.stage is not Stage.CERTIFIED and ctx.company.phase not in ("dec", "maint"):
            return None
        return [ctx.reply("cert_number_told"), *start(ctx, said=text)]
    if cert.number:
        return None
    cert.number = m.group("num")
    return [ctx.reply("cert_number_added", number=cert.number)]
