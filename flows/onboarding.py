"""Getting to know the company: a few questions that place it on the journey."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flows import onboarding_extras as extras
from flows import position, preconditions
from flows.callbacks import encode
from flows.certificate import SAID as CERT_KEPT
from flows.certificate import edition as certificate_edition
from flows.certificate import edition_in as certificate_edition_in
from flows.certificate import issue_told as certificate_issue_told
from flows.certificate import told_in as certificate_told_in
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.natural import (
    Ambiguous,
    AnswerKind,
    DateProblem,
    Option,
    format_date,
    match_choice,
    options_from,
    parse_answer,
    parse_count,
    parse_date,
)
from flows.natural.names import (
    company_name,
    introduces_self,
    names_company,
    split_called,
    tells_certified,
    tells_intent,
    told_trade,
    trade_name,
    without_said_already,
    works_at,
)
from flows.natural.text import has_cjk
from flows.phrasing import (
    agrees,
    asks_meaning,
    asks_why_asked,
    clean_name,
    goal_words_out,
    looks_like_question,
    says_goal,
    says_nothing_new,
)
from flows.reading import Got, date_examples, find_date, read_choice, read_count, read_date
from flows.registry import Command, Flow, Input, Verb
from flows.state import Stage
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply

MAX_NAME = 120
MAX_HEADCOUNT = 1_000_000
MAX_SITES = 1_000
INPUT = "onboarding"
CERT_INPUT = "certificate"  # declared by flows.certificate; asked after a "certified" answer

# Option values per question; labels are texts "opt_<field>_<value>" in the catalogue.
CHOICES: dict[str, tuple[str, ...]] = {
    "headcount": ("10", "50", "200", "500", "1000"),
    "industry": ("manufacturing", "electronics", "software", "biomed", "chemicals", "services",
                 "other"),
    "sites": ("1", "2", "3", "4"),
    "stage": tuple(s.value for s in Stage),
    "since": ("skip",),  # the start date is not always known: never a question with no way on
}  # fmt: skip
ORDER = ("name", "headcount", "industry", "sites", "stage")
FOLLOW_UPS = ("since",)  # asked after the stage when it says the system is running


def option_label(ctx: Ctx, fieldname: str, value: str) -> str:
    return ctx.t(f"opt_{fieldname}_{value}")


# --- asking -------------------------------------------------------------------------------


def ask(ctx: Ctx) -> Out:
    """The pending onboarding question (the first unanswered one when none is set)."""
    p = ctx.pending
    fieldname = p.field if p and p.flow == INPUT and p.field else first_missing(ctx)
    kept = (
        {k: v for k, v in p.data.items() if k in (*_SAID, MISSES)} if p and p.flow == INPUT else {}
    )
    ctx.wait_for(INPUT, fieldname, **kept)  # what was told ahead waits for its question
    buttons: list[list[Button]] = []
    if fieldname in CHOICES:
        opts = CHOICES[fieldname]
        per_row = 1 if fieldname == "stage" else 2 if len(opts) > 4 else len(opts)
        flat = [Button(option_label(ctx, fieldname, v), encode("ob", fieldname, v)) for v in opts]
        buttons = [flat[i : i + per_row] for i in range(0, len(flat), per_row)]
    examples = date_examples(ctx, "past")  # only the date question shows them
    return [ctx.reply(f"ask_{fieldname}", buttons, examples=examples)]


def first_missing(ctx: Ctx) -> str:
    c = ctx.company
    values = {"name": c.name, "headcount": c.headcount, "industry": c.industry,
              "sites": c.sites, "stage": c.stage}  # fmt: skip
    return next((f for f in ORDER if not values[f]), "stage")


def _ask_next(ctx: Ctx, fieldname: str) -> Out:
    p = ctx.pending
    kept = {k: v for k, v in p.data.items() if k in _SAID} if p and p.flow == INPUT else {}
    if p is not None and p.flow == INPUT and p.field == fieldname and MISSES in p.data:
        kept[MISSES] = p.data[MISSES]  # the same question again: its misses still count
    said = kept.get(STAGE_SAID)
    ctx.wait_for(INPUT, fieldname, **kept)
    if fieldname == "stage" and said:  # told earlier: "…，正在搞", "certified under the 2023 …"
        return take(ctx, "stage", said) or [PROMPT]
    return [PROMPT]


STAGE_SAID = "stage_said"  # pending data: the stage told before its question
CERT_SAID = "cert_said"  # pending data: a certificate's number (and issue date) told ahead
EDITION_SAID = "edition_said"  # pending data: the certificate's edition told ahead
MISSES = "misses"  # pending data: answers to this question that answered something else
_SAID = (STAGE_SAID, CERT_SAID, EDITION_SAID)


def _record(ctx: Ctx, fieldname: str, label: str) -> Reply:
    """The question message rewritten with the choice, so the chat reads as a record."""
    question = ctx.t(f"ask_{fieldname}", examples=date_examples(ctx, "past"))
    text = ctx.t("answered", question=question, answer=label)
    return Reply(text, edit=True, record=True)


# --- answers ------------------------------------------------------------------------------

# Counts each headcount/sites button stands for, so "120" typed or tapped means the same.
COUNTS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "headcount": ((1, 10), (11, 50), (51, 200), (201, 500), (501, None)),
    "sites": ((1, 1), (2, 2), (3, 3), (4, None)),
}


def options(ctx: Ctx, fieldname: str) -> tuple[Option, ...]:
    """The choice list as the natural-answer matcher sees it (labels + synonyms)."""
    triples = [
        (v, ctx.texts.t("zh", f"opt_{fieldname}_{v}"), ctx.texts.t("en", f"opt_{fieldname}_{v}"))
        for v in CHOICES[fieldname]
    ]
    group = fieldname if fieldname in ("industry", "stage") else None
    return options_from(triples, group, COUNTS.get(fieldname))


def pressed(ctx: Ctx, fieldname: str, value: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != INPUT or p.field != fieldname or value not in CHOICES[fieldname]:
        return None
    record = _record(ctx, fieldname, option_label(ctx, fieldname, value))
    return [record, *(take(ctx, fieldname, value, pressed=True) or [PROMPT])]


def typed(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    return take(ctx, p.field or first_missing(ctx), text)


def take(ctx: Ctx, fieldname: str, value: str, pressed: bool = False) -> Out | None:
    """Store one onboarding answer (typed or tapped) and ask the next question."""
    handler = _HANDLERS.get(fieldname)
    if handler is None:
        return _ask_next(ctx, "name")
    if not pressed and (asks_meaning(value) or asks_why_asked(value)):  # "你问这个干嘛"
        return [ctx.reply(f"ob_explain_{fieldname}"), PROMPT]
    switched = follow_language(ctx, value) if not pressed else []
    goal: Out = []
    if not pressed and fieldname in ORDER and (told := _goal_told(ctx, value)) is not None:
        goal = [told[0]]  # "明年6月底前拿证" at any question: kept
        value = _without_clause(value, told[1])
        if not value:  # nothing else said: the question stays
            return [*switched, *goal, PROMPT]
    if fieldname == "name" and not pressed:
        value = extras.past_greeting(value)  # "Hi, we're Lumen Design, …": the name
        value = split_called(value)  # "… a small software company called Bytewise, …"
    out = handler(ctx, value.strip(), pressed)
    if out is not None:
        ctx.user.lang_chosen = True  # answering in the language shown accepts it
        introduced = fieldname == "name" and works_at(value) is not None  # "…在云帆科技做知识产权"
        extra = [] if pressed or introduced else _told_ahead(ctx, fieldname, value)
        p = ctx.pending
        if p is not None and p.flow == INPUT and p.field == "stage" and STAGE_SAID in p.data:
            out = _ask_next(ctx, "stage")  # the stage was told too: taken now
        elif extra and not _answered(ctx, fieldname) and not _offers_choices(out):
            out = [PROMPT]  # its own answer unclear: asked again
        return [*switched, *goal, *extra, *out]
    return [*switched, *goal, *out] if goal and out is not None else out


def _offers_choices(out: Out) -> bool:
    """ "人不多" beside the industry: the two small ranges offered, not the question again."""
    return any(isinstance(r, Reply) and r.buttons for r in out)


def _without_clause(text: str, clause: str) -> str:
    """The message without one of its clauses ("…, want to get certified by end of June")."""
    rest = text.replace(clause, " ", 1)
    return re.sub(r"(?:\s*[，,；;]\s*){2,}", "，", rest).strip(" ，,。.；;")


def _answered(ctx: Ctx, fieldname: str) -> bool:
    p = ctx.pending
    return not (p and p.flow == INPUT and p.field == fieldname)


def _told_ahead(ctx: Ctx, fieldname: str, value: str) -> Out:
    """Profile facts said with this answer ("恒通精密，做机械加工的，120来人"): kept, noted in one
    line, and their questions skipped."""
    if fieldname not in ORDER or fieldname == "stage":
        return []
    limits = {"headcount": MAX_HEADCOUNT, "sites": MAX_SITES}

    def industry_of(clause: str) -> str | None:  # an option, else a trade said as one
        trade = told_trade(clause)
        if not trade and fieldname == "name" and _plain_trade(ctx, clause):
            trade = clean_name(clause)  # "Sunrise Optics Ltd, 200 staff, optical lenses"
        return _industry_in(ctx, clause) or (trade[:MAX_INDUSTRY] if trade else None)

    filled = extras.absorb(ctx, value, fieldname, industry_of, limits)
    told = None if ctx.company.stage else _stage_in(ctx, value, fieldname, filled.values())
    stage = told[1] if told else None  # the clause: its date or edition comes with it
    cert = certificate_told_in(value) if fieldname == "name" or stage else ""
    used = [*filled.values(), *([told[1]] if told else []), *extras.clauses(cert)]
    if fieldname == "name" and ctx.company.name and used:  # "Acme Co., Ltd., 120 people"
        ctx.company.name = company_name(clean_name(extras.without(value, used)))
    stage_noted = [option_label(ctx, "stage", told[0])] if told and fieldname != "name" else []
    if not filled:
        _keep_stage(ctx, stage)
        _keep(ctx, CERT_SAID, cert)
        # "we haven't started" at the headcount question: kept for its turn, and said so
        return [ctx.reply("ob_also_noted", what=stage_noted[0])] if stage_noted else []
    p = ctx.pending
    if p and p.flow == INPUT and p.field in filled:  # the next question was just answered
        ctx.wait_for(INPUT, first_missing(ctx), **{k: v for k, v in p.data.items() if k in _SAID})
    _keep_stage(ctx, stage)
    _keep(ctx, CERT_SAID, cert)
    sep = "、" if ctx.lang == "zh" else ", "
    parts = [*(noted(ctx, f) for f in filled), *stage_noted]
    return [ctx.reply("ob_also_noted", what=sep.join(parts))]


def noted(ctx: Ctx, field: str) -> str:
    """A profile field as noted in a line ("120 人", "行业“制造业”")."""
    c = ctx.company
    if field == "headcount":
        return ctx.t("ob_noted_headcount", n=c.headcount)
    if field == "industry":
        return ctx.t("ob_noted_industry", industry=industry_label(ctx))
    if field == "sites":
        return ctx.t("ob_noted_sites", n=c.sites)
    return c.name or ""


def _keep_stage(ctx: Ctx, stage: str | None) -> None:
    """The stage told ahead waits in the pending question until its turn."""
    _keep(ctx, STAGE_SAID, stage)


def _keep(ctx: Ctx, key: str, said: str | None) -> None:
    p = ctx.pending
    if said and p is not None and p.flow == INPUT:
        p.data[key] = said


_BARE_COUNT = re.compile(r"\s*[\d一二两三四五六七八九十百千万几]+\s*[个家处人名位]?\s*")


def _stage_in(ctx: Ctx, text: str, fieldname: str, used: Iterable[str]) -> tuple[str, str] | None:
    """Where the company stands, said in a clause of its own ("…，正在搞", "我们已经拿证了"):
    the stage and the clause."""
    taken = set(used)
    clauses = extras.clauses(text)[1 if fieldname == "name" else 0 :]
    for clause in clauses:
        if clause in taken or looks_like_question(clause) or _BARE_COUNT.fullmatch(clause):
            continue  # "2", "1个" answer the question on screen, never a stage option's number
        if says_goal(clause):  # "争取明年拿证": a wish, not the certified stage
            continue
        if fieldname == "headcount" and _FEW.search(clause):  # "a few": people, not "a few docs"
            continue
        found = match_choice(clause, options(ctx, "stage"))
        if isinstance(found, str):
            return found, clause
    return None


def _mostly_cjk(text: str) -> bool:
    """Written in Chinese, not English with a Chinese word in it ("whats 贯标 exactly?")."""
    letters = [ch for ch in text if ch.isalpha()]
    cjk = sum(1 for ch in letters if has_cjk(ch))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    return cjk > 0 and cjk >= latin_words


def follow_language(ctx: Ctx, value: str) -> Out:
    """A first answer typed in Chinese while we speak English: switch (once, before any
    choice was made). Latin letters prove nothing: many Chinese companies have English names."""
    if ctx.user.lang_chosen or ctx.lang != "en" or not _mostly_cjk(value):
        return []
    ctx.user.lang = "zh"
    return [ctx.reply("lang_followed")]


# Said to us, not a name: "fine, let's try", "ok let's go", "please help", "好吧试试"
_SAID_TO_US = re.compile(
    r"\b(?:let'?s|lets|please|help|try\s+it|go\s+ahead)\b|试试|试一下|开始吧|来吧|帮我", re.I
)


def _name(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    if looks_like_question(v):
        return None  # a question asked on the way: answered, then the question comes back
    if says_nothing_new(v) or not any(ch.isalnum() for ch in v):  # "好的", "有", "...": no name
        return [ctx.reply("name_in_words"), PROMPT]
    v = without_said_already(v) or v  # "Zhongtai Precision Parts, I just told you"
    if (org := works_at(v)) is not None:  # "I'm Li Na, IP manager at Kestrel Robotics"
        v = org
    head = next(iter(extras.clauses(v)), v)
    if introduces_self(head) and not names_company(v):  # "我是公司行政，老板让我了解一下贯标"
        return [ctx.reply("name_after_intent"), PROMPT]
    if tells_intent(v) and (head == v or tells_intent(head)):
        # "我们想搞贯标，不知道从哪开始": why they came, the name is still to come (a name first,
        # "Sunrise Optics, …, certified under the 2023 standard", is a name)
        certified = tells_certified(v)
        if certified:  # "我们去年拿的证，想让你提醒我们年审": the stage, kept for its turn
            _keep_stage(ctx, option_label(ctx, "stage", Stage.CERTIFIED.value))
        key = "name_after_intent_certified" if certified else "name_after_intent"
        return [ctx.reply(key), PROMPT]
    if (agrees(v) or _SAID_TO_US.search(v)) and not names_company(v):  # "fine, let's try"
        return [ctx.reply("name_in_words"), PROMPT]
    if told_trade(head) and not names_company(v):  # "做软件的，大概120人": what, not who
        return [ctx.reply("name_in_words"), PROMPT]
    if extras.names_places(head) and not names_company(v):  # "深圳就一个办公室": the sites
        return [ctx.reply("name_in_words"), PROMPT]
    stage = match_choice(head, options(ctx, "stage"))
    if isinstance(stage, str) and head == v.strip() and not names_company(v):
        # "刚开始了解" where the name was asked: where they stand, kept; the name still asked
        _keep_stage(ctx, head)
        noted = ctx.reply("ob_also_noted", what=option_label(ctx, "stage", stage))
        return [noted, ctx.reply("name_in_words"), PROMPT]
    name = company_name(clean_name(v))
    if len(name) > MAX_NAME:  # a long message that starts with the name: the rest told ahead
        name = company_name(clean_name(extras.name_part(v)))
    if not 1 <= len(name) <= MAX_NAME:
        return [ctx.reply("bad_name", max=MAX_NAME), PROMPT]
    ctx.company.name = name
    return _ask_next(ctx, first_missing(ctx))


def _bucket_or_count(ctx: Ctx, fieldname: str, v: str, maximum: int) -> int | Out | None:
    if v in CHOICES[fieldname]:  # a button: the upper end of its bucket stands for it
        return int(v)
    return read_count(ctx, v, maximum, f"count_examples_{fieldname}")


_NOT_PEOPLE = re.compile(
    r"版|年|月|号|编号|证书|专利|商标|软著|\b(?:edition|version|year|patents?|trademarks?|cert)\b",
    re.I,
)


def _headcount(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    if not pressed and extras.names_places(v) and not extras.counts_people(v):
        return [PROMPT]  # "just one factory": the sites, noted ahead; the headcount still asked
    if not pressed and (people := extras.people_count(v)) is not None:
        v = str(people)  # "恒通精密，80人左右，做机加工的": the clause that counts people
    elif not pressed and _NOT_PEOPLE.search(v):  # "2023版的", "3个专利": no headcount
        return _missed(ctx, "headcount", [ctx.reply("headcount_not_this"), PROMPT])
    n = _bucket_or_count(ctx, "headcount", v, MAX_HEADCOUNT)
    if not pressed and _MANY.search(v) and not re.search(r"\d", v):
        n = [PROMPT]  # "a few dozen" is no dozen
    elif n is None:
        return None
    if not isinstance(n, int):  # "人不多", "没数过": a range to tap, then a default
        return _missed(ctx, "headcount", _no_count(ctx, v) or n, _vague_default(v))
    ctx.company.headcount = n
    return _ask_next(ctx, first_missing(ctx))


# "人不多", "就几个人", "小公司", "not many", "a small team": few, but how few?
_FEW = re.compile(
    r"不多|很少|没几个|几个人|小公司|小团队|小作坊|人少"
    r"|\b(?:not\s+(?:many|a\s+lot)|a\s+few|small\s+(?:team|company|shop|business)|tiny)\b",
    re.I,
)
# Amounts said without a figure, and the ranges (button values) they may mean
# and the count noted if the second answer is no more precise
_DOZENS = re.compile(r"几十|\b(?:dozens|a\s+few\s+dozen|tens)\b", re.I)
_HUNDREDS = re.compile(r"几百|\b(?:a\s+few\s+hundred|hundreds)\b", re.I)
_MANY = re.compile(f"{_DOZENS.pattern}|{_HUNDREDS.pattern}", re.I)
_VAGUE: tuple[tuple[re.Pattern[str], tuple[str, ...], int], ...] = (
    (_DOZENS, ("50", "200"), 50),
    (_HUNDREDS, ("200", "500", "1000"), 300),
    (_FEW, ("10", "50"), 20),  # after the others: "a few dozen" is dozens
)


def _vague_default(v: str) -> int | None:
    return next((n for said, _, n in _VAGUE if said.search(v)), None)


def _no_count(ctx: Ctx, v: str) -> Out | None:
    """No number, but something to go on: an amount in words (the ranges it may mean), or
    not known (a guess will do)."""
    for said, values, _ in _VAGUE:
        if said.search(v):
            row = [Button(option_label(ctx, "headcount", c), encode("ob", "headcount", c))
                   for c in values]  # fmt: skip
            return [ctx.reply("headcount_which_range", [row])]
    if says_nothing_new(v):  # "不清楚", "没数过"? a rough figure is all that is asked
        return [ctx.reply("headcount_guess"), PROMPT]
    return None


def _industry_in(ctx: Ctx, text: str) -> str | None:
    """An industry named in a clause (never an option's number: "1,200" is no "1")."""
    if not any(ch.isalpha() for ch in text):
        return None
    found = match_choice(text, options(ctx, "industry"))
    return found if isinstance(found, str) and found != "other" else None


def industry_label(ctx: Ctx) -> str:
    industry = ctx.company.industry or ""
    return option_label(ctx, "industry", industry) if industry in CHOICES["industry"] else industry


def _industry(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    found = match_choice(v, options(ctx, "industry"))
    if not isinstance(found, str) and not pressed:  # "做机械加工的，120来人": the clause saying it
        found = next(filter(None, (_industry_in(ctx, c) for c in extras.clauses(v))), found)
    if isinstance(found, str):
        ctx.company.industry = found
    elif isinstance(found, Ambiguous) and not pressed:  # "design and assembly": which one?
        asked = read_choice(ctx, v, options(ctx, "industry"))
        if not isinstance(asked, str):
            return asked
        ctx.company.industry = asked
    elif looks_like_question(v):
        return None
    elif not pressed and (people := _late_headcount(v)) is not None:
        ctx.company.headcount = people  # "一百二左右" after "上百人": the headcount, again
        return [ctx.reply("ob_also_noted", what=noted(ctx, "headcount")), PROMPT]
    elif says_nothing_new(v):  # "有", "ok", "不知道": no industry named
        return _missed(ctx, "industry", [ctx.reply("industry_in_words"), PROMPT])
    elif certificate_edition_in(v):  # "2023 edition": the certificate's, kept for its question
        _keep(ctx, EDITION_SAID, v)
        return _missed(ctx, "industry", [ctx.reply("industry_not_edition"), PROMPT])
    elif _not_an_industry(ctx, v):  # "两个厂区…", "明年6月底", "老板亲自管"
        return _missed(ctx, "industry", [ctx.reply("industry_unclear"), PROMPT])
    else:  # any other industry, in the user's own words: read back, since we guessed
        name = trade_name(clean_name(v))[:MAX_NAME]
        if not name:
            return [PROMPT]
        ctx.company.industry = name
        return [
            ctx.reply("ob_industry_own_words", industry=name),
            *_ask_next(ctx, first_missing(ctx)),
        ]
    return _ask_next(ctx, first_missing(ctx))


def _late_headcount(v: str) -> int | None:
    """A headcount typed at the next question ("一百二左右", "about 80 people", "120"): never
    an option's number ("3") nor a trade that reads as one ("五金")."""
    if extras.names_places(v):
        return None
    if (people := extras.people_count(v)) is not None:
        return people if 1 <= people <= MAX_HEADCOUNT else None
    count = parse_count(v)
    if count is None or not 10 < count.value <= MAX_HEADCOUNT:
        return None
    year = re.fullmatch(r"\s*(?:19|20)\d\d\s*", v) is not None  # "2023": the edition, likely
    return count.value if count.approximate or (v.strip().isdigit() and not year) else None


MAX_MISSES = 2  # answers without what was asked; then a default, so no question holds up the rest
# The default each such question falls back on (changeable in words), and what says so: 50
# people and one site, what most SMEs have; the industry "other"
_DEFAULTS: dict[str, tuple[str | int, str]] = {
    "headcount": (50, "headcount_for_now"),
    "industry": ("other", "industry_other_for_now"),
    "sites": (1, "sites_one_for_now"),
}


def _missed(ctx: Ctx, fieldname: str, said: Out, default: int | None = None) -> Out:
    """No answer to ``fieldname`` in the message: ``said`` (asked once more), then the
    default (``default`` when the answer gave one), said so, for an owner who may think they
    answered it already."""
    p = ctx.pending
    kept = dict(p.data) if p is not None and p.flow == INPUT else {}
    misses = int(kept.get(MISSES, "0") or 0) + 1
    if misses >= MAX_MISSES:
        value, note = _DEFAULTS[fieldname]
        setattr(ctx.company, fieldname, default or value)
        return [ctx.reply(note, n=default or value), *_ask_next(ctx, first_missing(ctx))]
    ctx.wait_for(INPUT, fieldname, **{**kept, MISSES: str(misses)})
    return said


_COUNTED = re.compile(
    r"^\s*\d+\s*$|\d+\s*(?:个|家|处|间|栋|座|人|sites?\b|people\b|staff\b|employees\b)"
    r"|[一二两三四五六七八九十几]+\s*[个家处间栋座]|\b(?:one|two|three|four|five)\s+(?:sites?|plants?|offices?)\b",
    re.I,
)
MAX_INDUSTRY = 30
# A sentence to us, not a trade ("ok let's do the assessment", "can you help me"): a trade is
# named, not said to someone.
_NOT_A_TRADE = re.compile(
    r"\b(?:let'?s|lets|i|i'm|we|we're|you|me|my|our|us|please|help|start|assessment|ok|okay)\b"
    r"|评估|开始|你|帮我|请问",
    re.I,
)
# A sentence, or something denied: "劳动合同里有保密条款，竞业没签" is no trade
_NOT_A_NAME_OF_TRADE = re.compile(r"[，,；;。]|没|未|\bnot\b|n't\b|\bno\b", re.I)
# Who runs things, said where the industry was asked ("老板亲自管", "没有专门的人", "I handle it").
_WHO = re.compile(
    r"老板|总经理|董事长|亲自|兼职|兼着|负责|专人|专门的人|没人|有人|我自己|我们自己"
    r"|\b(?:boss|owner|ceo|manager|nobody|no\s+one|myself|in\s+charge|handles?|part[- ]time)\b",
    re.I,
)


def _plain_trade(ctx: Ctx, clause: str) -> bool:
    """A clause after the name that can only be what the company does ("optical lenses",
    "注塑件"): no count, date, stage, wish, certificate or sentence to us in it."""
    said = clause.strip()
    if not said or any(ch.isdigit() for ch in said) or looks_like_question(said):
        return False
    if extras.company_form(said) or len(said) < 3 or names_company(said):  # "Ltd.", "叫…公司"
        return False
    if tells_intent(said) or tells_certified(said) or says_goal(said):
        return False
    if certificate_edition_in(said) or _certified_said(said):
        return False
    return not _not_an_industry(ctx, said)


def _not_an_industry(ctx: Ctx, v: str) -> bool:
    """Free text taken as the industry must read like one: no count, date or stage in it."""
    if len(v) > MAX_INDUSTRY or _COUNTED.search(v) or _NOT_A_NAME_OF_TRADE.search(v):
        return True
    if (_WHO.search(v) or _NOT_A_TRADE.search(v) or agrees(v)) and not told_trade(v):
        return True
    if find_date(v, ctx.today, "any") is not None:
        return True
    return isinstance(match_choice(v, options(ctx, "stage")), str)


# A sentence about something else: a verb or a clause beside the count
_SENTENCE = re.compile(r"[，,；;]|签|做|写|搞|弄|开|说|算|\b(?:signed|did|wrote|is|was)\b", re.I)
# Counts of other things typed at the sites question ("有3个专利吧", "5 patents")
_NOT_SITES = re.compile(
    r"专利|商标|软著|著作权|版权|员工|人|\b(?:patents?|trademarks?|staff|people)\b", re.I
)


def _sites(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    not_sites: Out = [ctx.reply("sites_not_this"), PROMPT]
    dated = find_date(v, ctx.today, "any") is not None and not re.fullmatch(r"\s*\d+\s*", v)
    if not pressed and (_NOT_SITES.search(v) or dated) and not extras.names_places(v):
        return _missed(ctx, "sites", not_sites)  # "有3个专利", "明年6月底": no count of sites
    if not pressed and _SENTENCE.search(v) and not extras.names_places(v):
        return _missed(ctx, "sites", not_sites)  # "老板签过一个，不知道算不算": no site
    n = _bucket_or_count(ctx, "sites", v, MAX_SITES)
    if not isinstance(n, int):
        return n if n is None or pressed else _missed(ctx, "sites", n)
    ctx.company.sites = n
    return _ask_next(ctx, first_missing(ctx))


MAX_GOAL_YEARS = 5  # "about 45 people, want to get certified" names no year 2045


def _goal_told(ctx: Ctx, v: str) -> tuple[Reply, str] | None:
    """ "明年6月底前拿证": when they want the certificate, not an answer to the question. Read
    from the clause that says the goal, never from a count ("45 people"): kept, and said back
    with the clause it came from."""
    for clause in extras.clauses(v):
        if not says_goal(clause) or extras.counts_something(clause):
            continue
        when = find_date(goal_words_out(clause), ctx.today, "future", "end")
        if when is not None and ctx.today < when <= add_months(ctx.today, 12 * MAX_GOAL_YEARS):
            ctx.company.goal_date = when
            return ctx.reply("goal_noted", date=fmt_date(when)), clause
    return None


def _certified_said(v: str) -> bool:
    """ "证书编号165IP…", "2023版的", "我们去年拿的证": where they stand is certified."""
    named = certificate_told_in(v) or tells_certified(v) or certificate_edition_in(v)
    return bool(named) and not says_goal(v)


def _stage(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    told = v
    if not pressed and _certified_said(v):
        _keep(ctx, CERT_SAID, certificate_told_in(v))  # the number, kept for its question
        v = Stage.CERTIFIED.value
    found = v if v in CHOICES["stage"] else read_choice(ctx, v, options(ctx, "stage"))
    if not isinstance(found, str):
        return found
    stage = Stage(found)
    out: Out = [] if pressed else [_record(ctx, "stage", option_label(ctx, "stage", found))]
    ctx.company.stage = stage
    if stage in (Stage.RUNNING, Stage.APPLIED, Stage.AUDITED):
        since = None if pressed else find_date(v, ctx.today, "past")
        if since is not None:  # "running since March": both answers in one message
            ctx.company.system_start = since
            echo = ctx.reply("date_echo", date=format_date(since, ctx.lang))
            return [*out, echo, *finish(ctx)]
        return [*out, *_ask_next(ctx, "since")]
    return [*out, *finish(ctx, "" if pressed else told)]


_SKIPS = (AnswerKind.UNSURE, AnswerKind.NO)


def _since(ctx: Ctx, v: str, pressed: bool) -> Out | None:
    read = parse_date(v, ctx.today, "past")
    not_a_date = isinstance(read, DateProblem) and read.kind == "not_a_date"  # not "next Tuesday"
    if (pressed and v == "skip") or (not_a_date and parse_answer(v) in _SKIPS):
        return [ctx.reply("since_skipped"), *finish(ctx)]  # "不清楚", "skip": ask it later
    got = read_date(ctx, v, "past", "start")
    if not isinstance(got, Got):
        return got
    ctx.company.system_start = got.value
    return [*([got.echo] if got.echo else []), *finish(ctx)]


_HANDLERS: dict[str, Callable[[Ctx, str, bool], Out | None]] = {
    "name": _name,
    "headcount": _headcount,
    "industry": _industry,
    "sites": _sites,
    "stage": _stage,
    "since": _since,
}


def back(ctx: Ctx) -> Out:
    p = ctx.pending
    fieldname = p.field if p else ""
    if fieldname in ORDER:
        i = ORDER.index(fieldname)
        fieldname = ORDER[i - 1] if i else fieldname
    else:
        fieldname = "stage"  # every follow-up question comes after the stage
    return _ask_next(ctx, fieldname)


def finish(ctx: Ctx, told: str = "") -> Out:
    rules = ctx.kb.rules.practice.reminders
    p = ctx.pending
    cert = certificate_told_in(told) or (p.data.get(CERT_SAID, "") if p else "")
    edition_said = p.data.get(EDITION_SAID, "") if p else ""
    ctx.clear_pending()
    ctx.company.onboarded = True
    ctx.company.timezone = ctx.options.default_timezone or rules.default_timezone
    hour = ctx.options.default_reminder_hour
    ctx.company.reminder_hour = hour if hour is not None else rules.default_hour
    stage = ctx.company.stage or Stage.NOT_STARTED
    position.place(ctx, stage)
    out: Out = [ctx.reply("onboarded", company=ctx.company.name, profile=profile_line(ctx))]
    if stage is Stage.CERTIFIED:
        ctx.wait_for(CERT_INPUT, "edition", **({CERT_KEPT: cert} if cert else {}))
        # "certified in 2022 under the 2013 version", or "2023 edition" told at another question
        said = certificate_edition_in(told) or certificate_edition_in(edition_said)
        if said is not None and (taken := certificate_edition(ctx, said)) is not None:
            return [*out, *taken]
        if not cert and told and (dated := certificate_issue_told(ctx, told)) is not None:
            return [*out, *dated]  # "we got certified last November": its issue date, kept
        return [*out, PROMPT]
    phase = ctx.reply("stage_phase", phase=position.current_phase_title(ctx))
    return [*out, phase, *preconditions.at_onboarding(ctx), SHOW_NEXT]


def profile_line(ctx: Ctx) -> str:
    """What was noted, read back in one line: "120 人 · 注塑 · 1 个场所 · 还没开始"."""
    c = ctx.company
    industry = industry_label(ctx)
    stage = option_label(ctx, "stage", c.stage.value) if c.stage else ""
    return ctx.t(
        "profile_line", headcount=c.headcount, industry=industry, sites=c.sites, stage=stage
    )


# --- /start -------------------------------------------------------------------------------


def welcome_back(ctx: Ctx) -> Reply:
    return ctx.reply(
        "welcome_back", company=ctx.company.name, phase=position.current_phase_title(ctx)
    )


def start(ctx: Ctx, _: str) -> Out:
    if ctx.company.onboarded:
        return [welcome_back(ctx), PROMPT]
    out: Out = []
    if not ctx.user.lang_chosen:
        buttons = [[Button("中文", encode("lang", "zh")), Button("English", encode("lang", "en"))]]
        out.append(Reply(f"{ctx.t('welcome')}\n{ctx.t('lang_switch_hint')}", buttons))
    else:
        out.append(ctx.reply("welcome"))
    p = ctx.pending
    if p is None or p.flow != INPUT:
        ctx.wait_for(INPUT, first_missing(ctx))
    return [*out, PROMPT]


FLOW = Flow(
    "onboarding",
    commands=(Command("start", start),),
    verbs=(Verb("ob", pressed, arity=2, needs_company=False),),
    inputs=(Input(INPUT, ask, take=typed, back=back, resumable=True),),
)
