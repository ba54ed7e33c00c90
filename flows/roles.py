"""The roles owners name in words ("人事", "HR", "老板", "me"), as the plan labels them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Role:
    code: str  # kept in a button
    zh: str
    en: str
    said: re.Pattern[str]
    person: str = ""  # "Sarah" of "Sarah from HR", "小王" of "人事小王"

    @property
    def key(self) -> str:
        """What a button keeps: the code, and the person's name after a colon."""
        return f"{self.code}:{self.person}" if self.person else self.code

    def label(self, lang: str, me: str) -> str:
        """As the plan shows the owner: "Sarah (HR)", "小王（人力资源部）", "Sarah"."""
        if self.code == "me":
            return me
        role = self.zh if lang == "zh" else self.en
        if not self.person:
            return role
        if self.code == PERSON:
            return self.person
        return f"{self.person}（{role}）" if lang == "zh" else f"{self.person} ({role})"


ROLES: tuple[Role, ...] = (
    Role("hr", "人力资源部", "HR", re.compile(r"人事|人力|\bhr\b", re.I)),
    Role("top", "最高管理者", "Top management",
         re.compile(r"老板|总经理|董事长|\b(?:boss|ceo|gm|general\s+manager|owner)\b", re.I)),
    Role("sales", "销售部", "Sales", re.compile(r"销售|\bsales\b", re.I)),
    Role("buy", "采购部", "Purchasing", re.compile(r"采购|\bpurchasing\b", re.I)),
    Role("fin", "财务部", "Finance", re.compile(r"财务|\bfinance\b", re.I)),
    Role("rd", "研发负责人", "R&D lead", re.compile(r"研发|技术部|\b(?:r&d|engineering)\b", re.I)),
    Role("ip", "知识产权管理人员", "IP manager",
         re.compile(r"知产|知识产权(?:专员|经理|负责人)|\bip\s+(?:manager|officer|person)\b",
                    re.I)),
    Role("it", "信息部", "IT", re.compile(r"信息部|(?-i:\bIT\b)", re.I)),
)  # fmt: skip
ME = Role("me", "我", "me", re.compile(r"^(?:我|我自己|我来|me|myself)$", re.I))
BY_CODE = {r.code: r for r in (*ROLES, ME)}


def named(text: str) -> Role | None:
    """The one role the words name ("人事", "me"), or None when none or several."""
    said = text.strip(" 。.!！吧")
    if ME.said.match(said):
        return ME
    found = [r for r in ROLES if r.said.search(said)]
    return found[0] if len(found) == 1 else None


PERSON = "p"  # a person named without a role ("give the training to Sarah")
_NAMED_ONLY = Role(PERSON, "", "", re.compile(r"(?!)"))
# Connecting words between a role and a name: "Sarah from HR", "HR's Sarah", "人事的小王"
_LINKS = re.compile(
    r"\b(?:from|in|of|at|the|our|on|team|dept|department)\b|'s\b|的|部门?|那边|这边|[()（）,，]",
    re.I,
)
# A name as owners write one: "Sarah", "Li Wei", "小王", "老李", "王工", "张总", "李经理"
_NAME = re.compile(
    r"^(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|[小老][\u4e00-\u9fff]"
    r"|[\u4e00-\u9fff]{1,2}(?:工|总|经理|主管|姐|哥|老师))$"
)


def named_with_person(text: str) -> Role | None:
    """The role the words name, with the person's name when one is said beside it ("Sarah
    from HR", "人事小王"), or a person alone ("Sarah", "小王"); None when neither is clear."""
    role = named(text)
    if role is ME:
        return role
    rest = " ".join(_LINKS.sub(" ", without_roles(text)).split()).strip(" 。.!！吧")
    person = rest if _NAME.match(rest) else ""
    if role is not None:
        return replace(role, person=person)
    return replace(_NAMED_ONLY, person=person) if person else None


def from_code(key: str) -> Role | None:
    """The role a button kept (``Role.key``)."""
    code, _, person = key.partition(":")
    role = _NAMED_ONLY if code == PERSON else BY_CODE.get(code)
    if role is None or (code == PERSON and not person):
        return None
    return replace(role, person=person[:24])


def roles_in(text: str) -> set[str]:
    """The plan's English role labels the text names ("合同人事还在弄": HR)."""
    return {r.en for r in ROLES if r.said.search(text)}


def without_roles(text: str) -> str:
    for r in ROLES:
        text = r.said.sub(" ", text)
    return text
