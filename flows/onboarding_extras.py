"""Profile facts told ahead of their question during onboarding.

Owners answer as they talk: "恒通精密，做机械加工的，120来人" at the name question, "做机械加工的"
at the headcount question. What a clause of the message says clearly (a count of people, a
count of sites, an industry from the option list) is kept, so that question is not asked
again; anything less clear is left for its own question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flows.context import Ctx
from flows.natural import parse_count
from flows.natural.names import name_clause, told_trade
from flows.phrasing import looks_like_question

# Clauses of one message: "恒通精密，做机械加工的，120来人", "Hengtong, 120 people, one plant".
_CLAUSES = re.compile(  # a comma or point between digits is part of the number ("1,200")
    r"[，；;。!！、\n]+|(?<!\d)[,.]+|[,.]+(?!\d)|\s+and\s+|\s+with\s+", re.I
)
_NUMBER = r"(?:\d[\d,]*|[一二两三四五六七八九十百千几]+)"
# A count of people: "120来人", "一百多号人", "about 120 people", "120 staff".
_PEOPLE = re.compile(
    rf"{_NUMBER}\s*(?:多|来|余)?\s*(?:个|号)?\s*(?:人|名员工|位员工|员工)"
    rf"|\b\d[\d,]*\s*(?:people|staff|employees|persons|workers)\b",
    re.I,
)
# A count of places: "就一个厂", "两个厂区", "one plant", "2 sites".
_PLACES = re.compile(
    rf"{_NUMBER}\s*(?:个|处|家)\s*(?:厂区|工厂|厂|场所|基地|办公地点|办公室|地址|园区|车间|门店|店|仓库)"
    r"|\b(?:\d+|one|two|three|four|a single)\s+"
    r"(?:sites?|plants?|factories|factory|offices?|locations?)\b",
    re.I,
)


HC = "headcount"


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSES.split(text) if c and c.strip()]


def _headcount(ctx: Ctx, clause: str, maximum: int) -> bool:
    count = people_count(clause)
    if count is None or not 1 <= count <= maximum:
        return False
    ctx.company.headcount = count
    return True


def _sites(ctx: Ctx, clause: str, maximum: int) -> bool:
    m = _PLACES.search(clause)
    count = parse_count(m.group(0)) if m else None
    if count is None or not 1 <= count.value <= maximum:
        return False
    ctx.company.sites = count.value
    return True


def absorb(
    ctx: Ctx,
    text: str,
    asked: str,
    industry_of: Callable[[str], str | None],
    limits: dict[str, int],
) -> dict[str, str]:
    """Fill the still-empty profile fields other than ``asked`` from the message's clauses:
    each field filled, in the order asked, with the clause that said it."""
    if looks_like_question(text):
        return {}
    found = clauses(text)
    if asked == "name" and found:
        # the first clause is the name, whatever it contains ("…机械有限公司"), unless it says
        # the trade: then the name is the clause that gives one ("we make sensors, company is X")
        # ("深圳就一个办公室": the sites, no name at all)
        describes = told_trade(found[0]) or names_places(found[0])
        named = name_clause(text) if describes else found[0]
        found = [c for c in found if named is None or named.strip() != c.strip()]
    c = ctx.company
    filled: dict[str, str] = {}
    for clause in found:
        if asked != HC and not c.headcount and _headcount(ctx, clause, limits[HC]):
            filled[HC] = clause
        elif asked != "sites" and not c.sites and _sites(ctx, clause, limits["sites"]):
            filled["sites"] = clause
        elif asked != "industry" and not c.industry and (trade := industry_of(clause)):
            c.industry = trade
            filled["industry"] = clause
    order = (HC, "industry", "sites")
    return {f: filled[f] for f in order if f in filled}


_SEPARATORS = re.compile(r"(?:\s*[，,；;、]\s*){2,}")


# What may follow a name after a comma and still be the name ("Acme Co., Ltd.").
_SUFFIX = re.compile(
    r"^(?:co|co\.|ltd|ltd\.|limited|inc|inc\.|llc|gmbh|corp|corp\.|plc|s\.a\.|有限公司)$", re.I
)


def company_form(text: str) -> bool:
    """ "Ltd.", "Co.", "有限公司": the end of a name, cut off by a comma."""
    return _SUFFIX.match(text.strip()) is not None


def name_part(text: str) -> str:
    """The name at the head of a message ("Sunrise Optics Ltd, optical lenses" → "Sunrise
    Optics Ltd"; "Acme Co., Ltd., 120 people" → "Acme Co., Ltd.")."""
    parts = re.split(r"([，,；;、])", text)
    name = parts[0]
    for k in range(1, len(parts) - 1, 2):
        nxt = parts[k + 1].strip()
        if not _SUFFIX.match(nxt):
            break
        name += parts[k] + " " + nxt
    return name.strip()


def without(text: str, said: Iterable[str]) -> str:
    """The message with the clauses already used taken out, and what is left after the name
    ("Acme Co., Ltd., 120 people, optics" → "Acme Co., Ltd.")."""
    for clause in said:
        text = text.replace(clause, "", 1)
    text = _SEPARATORS.sub(lambda m: m.group(0).strip()[0], text)
    return name_part(text.strip().strip("，,；;、").strip())


_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)|你好|您好|嗨|哈喽|哈啰)"
    r"(?:\s+there)?[\s,，!！.。~～]+(?=\S)",
    re.I,
)


def past_greeting(text: str) -> str:
    """The message after a greeting that opens it ("Hi, we're Lumen Design" → "we're Lumen
    Design"); a greeting alone is left as it is."""
    return _GREETING.sub("", text, count=1)


def people_count(text: str) -> int | None:
    """The people a clause of the text counts ("80人左右" → 80), or None."""
    m = _PEOPLE.search(text)
    count = parse_count(m.group(0).replace(",", "")) if m else None
    return count.value if count is not None else None


def counts_people(text: str) -> bool:
    """ "120来人", "about 45 people": the text counts people."""
    return _PEOPLE.search(text) is not None


def counts_something(text: str) -> bool:
    """People or places counted ("45 people" is no year 2045)."""
    return counts_people(text) or names_places(text)


def names_places(text: str) -> bool:
    """ "两个厂区", "one plant": the text counts places."""
    return _PLACES.search(text) is not None
