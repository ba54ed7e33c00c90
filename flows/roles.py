"""The roles owners name in words ("人事", "HR", "老板", "me"), as the plan labels them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str  # kept in a button
    zh: str
    en: str
    said: re.Pattern[str]


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


def roles_in(text: str) -> set[str]:
    """The plan's English role labels the text names ("合同人事还在弄": HR)."""
    return {r.en for r in ROLES if r.said.search(text)}


def without_roles(text: str) -> str:
    for r in ROLES:
        text = r.said.sub(" ", text)
    return text
