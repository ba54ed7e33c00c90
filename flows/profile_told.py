"""Profile corrections told in words after onboarding ("我们其实有150人", "公司名字写错了，应该是
恒达精密", "we have 150 employees now", "我们其实有两个厂区", "行业应该是电子"): read back,
changed with one "yes"."""

from __future__ import annotations

import re

from flows.callbacks import CallbackTooLong
from flows.context import Ctx
from flows.natural import match_choice, parse_count
from flows.natural.names import company_name, trade_name
from flows.onboarding import (
    CHOICES,
    MAX_HEADCOUNT,
    MAX_INDUSTRY,
    MAX_NAME,
    MAX_SITES,
    noted,
    option_label,
    options,
    profile_line,
)
from flows.phrasing import clean_name, looks_like_question
from flows.registry import Flow, Verb
from flows.types import PROMPT, SHOW_NEXT, Out

MAX_LEN = 80
# "我们其实有150人", "员工现在200人了", "we have 150 employees now", "headcount is 150".
_HEADCOUNT = re.compile(
    r"(?:我们(?:公司)?|公司|员工|人数)(?:其实|现在|目前|一共|总共|大概|大约|差不多|已经|有|是|共|总|的|了)*"
    r"\s*(?P<n>\d[\d,]*|[一二两三四五六七八九十百千]+)\s*(?:多|来)?\s*(?:个)?\s*(?:人|名员工|位员工)(?=\s*(?:了|左右|吧|啊|呢|$|[，,。.!！]))"
    r"|\b(?:we\s+(?:now\s+|actually\s+)?have|we\s+are)\s+(?:now\s+|about\s+|around\s+)?"
    r"(?P<n_en>\d[\d,]*)\s*(?:people|staff|employees|persons)\b"
    r"|\bheadcount\s+is\s+(?:now\s+|actually\s+)?(?P<n_hc>\d[\d,]*)\b",
    re.I,
)
# "公司名字写错了，应该是恒达精密", "公司改名了，叫…", "our company name is actually …".
_NAME = re.compile(
    r"(?:公司)?(?:名字|名称|全称|名)(?:写错了|错了|改了|变了)?[，,]?\s*(?:应该是|改成|改为|是|叫|现在叫)[：:]?\s*(?P<name>\S.*)$"
    r"|公司改名(?:了)?[，,]?\s*(?:叫|为|成)[：:]?\s*(?P<name2>\S.*)$"
    r"|\b(?:our\s+)?company(?:'s)?\s+name\s+is\s+(?:actually\s+|now\s+)?(?P<name_en>\S.*)$"
    r"|\brename\s+(?:the\s+|our\s+)?company\s+(?:to\s+)?(?P<name_en2>\S.*)$"
    r"|\b(?:change|update|correct|fix|set)\s+(?:the\s+|our\s+|my\s+)?company(?:'s)?\s+name"
    r"\s+(?:to|as|into)\s+(?P<name_en3>\S.*)$"
    r"|\b(?:the\s+|our\s+)?company(?:'s)?\s+name\s+(?:is\s+wrong|should\s+be)[,.:;]?\s*"
    r"(?:it\s+should\s+be\s+|it'?s\s+|should\s+be\s+)?(?P<name_en4>\S.*)$",
    re.I,
)


# "我们其实有两个厂区", "现在有3个场所了", "we actually have 2 sites", "we have three plants now".
_SITES = re.compile(
    r"(?:我们|公司)(?:其实|现在|目前|一共|总共|实际上|已经)*(?:有|是)\s*"
    r"(?P<n>\d+|[一二两三四五六七八九十])\s*个\s*(?:厂区|工厂|厂|场所|经营场所|办公地点|地址|基地)"
    r"|\bwe\s+(?:actually\s+|now\s+)?have\s+(?:now\s+)?(?P<n_en>\d+|one|two|three|four|five)\s+"
    r"(?:sites|plants|factories|offices|locations)\b",
    re.I,
)
# "行业应该是电子", "行业改成软件", "our industry is actually electronics".
_INDUSTRY = re.compile(
    r"行业(?:其实|应该|实际上)?(?:是|改成|改为|应为)[：:]?\s*(?P<v>\S.{0,20})$"
    r"|\b(?:our\s+)?industry\s+is\s+(?:actually\s+|really\s+)?(?P<v_en>\S.{0,30})$",
    re.I,
)


def recognise(ctx: Ctx, text: str) -> Out | None:
    """A read-back of the corrected name or headcount, or None when the text tells neither."""
    if not ctx.company.onboarded:
        return None
    told = _told(ctx, text)
    return _read_back(ctx, *told) if told else None


def during_onboarding(ctx: Ctx, text: str) -> Out | None:
    """ "行业改成制造业" while the next question is on screen: an answer already given is
    changed at once (nothing else rests on it yet), and the question stays."""
    if ctx.company.onboarded:
        return None
    told = _told(ctx, text)
    if told is None or not getattr(ctx.company, told[0]):
        return None  # a field not answered yet is its own question's to take
    field, value, _ = told
    if set_field(ctx, field, value) is None:
        return None
    return [ctx.reply("profile_fixed_early", what=noted(ctx, field)), PROMPT]


def _told(ctx: Ctx, text: str) -> tuple[str, str, str] | None:
    """The field a correction names, its new value and the line that reads it back."""
    if len(text) > MAX_LEN or looks_like_question(text):
        return None
    if (m := _NAME.search(text)) is not None:
        raw = next(g for g in m.groups() if g)
        name = company_name(clean_name(raw))
        if 2 <= len(name) <= MAX_NAME and name != ctx.company.name:
            return "name", name, ctx.t("profile_name_confirm", name=name)
    if (m := _SITES.search(text)) is not None:
        count = parse_count((m.group("n") or m.group("n_en") or "").replace("两", "二"))
        if count is not None and count.value != ctx.company.sites and 1 <= count.value <= MAX_SITES:
            return "sites", str(count.value), ctx.t("profile_sites_confirm", n=count.value)
    if (m := _INDUSTRY.search(text)) is not None:
        said = (m.group("v") or m.group("v_en") or "").strip(" 。.!！")
        found = match_choice(said, options(ctx, "industry"))
        value = found if isinstance(found, str) else trade_name(clean_name(said))[:MAX_INDUSTRY]
        if value and value != ctx.company.industry:
            shown = option_label(ctx, "industry", value) if value in CHOICES["industry"] else value
            return "industry", value, ctx.t("profile_industry_confirm", industry=shown)
    if (m := _HEADCOUNT.search(text)) is not None:
        said = m.group("n") or m.group("n_en") or m.group("n_hc") or ""
        count = parse_count(said.replace(",", ""))
        changed = count is not None and count.value != ctx.company.headcount
        if count is not None and changed and 1 <= count.value <= MAX_HEADCOUNT:
            return "headcount", str(count.value), ctx.t("profile_headcount_confirm", n=count.value)
    return None


def _read_back(ctx: Ctx, field: str, value: str, text: str) -> Out | None:
    try:
        button = ctx.button("profile_yes", "prof.set", field, value)
    except CallbackTooLong:  # a name too long for a button: not offered rather than cut
        return None
    reply = ctx.reply("profile_confirm", [[button]], what=text)
    reply.offer = button.data  # "对" / "yes" changes it
    return [reply]


def set_field(ctx: Ctx, field: str, value: str) -> Out | None:
    if field == "name" and 2 <= len(value) <= MAX_NAME:
        ctx.company.name = value
    elif field == "headcount" and value.isdigit() and 1 <= int(value) <= MAX_HEADCOUNT:
        ctx.company.headcount = int(value)
    elif field == "sites" and value.isdigit() and 1 <= int(value) <= MAX_SITES:
        ctx.company.sites = int(value)
    elif field == "industry" and 1 <= len(value) <= MAX_INDUSTRY:
        ctx.company.industry = value
    else:
        return None
    if not ctx.company.onboarded:
        return []
    return [ctx.reply("profile_updated", name=ctx.company.name, line=profile_line(ctx)), SHOW_NEXT]


FLOW = Flow(
    "profile",
    verbs=(Verb("prof.set", set_field, arity=2, moving_on_accepts=True),),
)
