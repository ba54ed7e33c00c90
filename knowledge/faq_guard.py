"""Domain vocabulary that marks a question as out of scope before any scoring.

Questions about *other* schemes, documents and business-admin chores (ISO 9001, CE,
passports, 营业执照年审, 公司注销, tax) share our vocabulary (审核, 证书, 年审, renewal) and
would otherwise match well. Such a question is declined unless it also names our domain (an
``ANCHOR_CONCEPTS`` glossary concept): "can the IP system be audited together with ISO 9001"
stays in scope. Questions about prosecuting or litigating one IP right (claims, PCT,
invalidation) are declined unless they name the management system itself.

Every list is data (``faq/matching/guard.yaml``), read once; ``ipms kb check`` fails when a
phrase there would decline one of the FAQ's own phrasings (``guard_problems``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.schema import FaqEntry, Glossary

__all__ = [
    "ANCHOR_CONCEPTS",
    "GUARD_FILE",
    "SYSTEM_CONCEPTS",
    "Guard",
    "guard_problems",
    "guard_rules",
    "in_domain",
    "names_other_scheme",
]

GUARD_FILE = Path(__file__).parent / "data" / "faq" / "matching" / "guard.yaml"


def _regex(latin: list[str], zh: list[str]) -> re.Pattern[str]:
    parts = [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" for w in latin]
    parts += [re.escape(w) for w in zh]
    return re.compile("|".join(parts) if parts else r"(?!x)x")


def _words(raw: dict[str, Any], key: str) -> tuple[list[str], list[str]]:
    part = raw.get(key) or {}
    return [str(w) for w in part.get("latin") or ()], [str(w) for w in part.get("zh") or ()]


def _numbers(raw: dict[str, Any], key: str) -> re.Pattern[str]:
    nums = [re.escape(str(n)) for n in raw.get(key) or ()]
    return re.compile(rf"(?<![0-9])(?:{'|'.join(nums)})(?![0-9])" if nums else r"(?!x)x")


# guard.yaml sections read as subject rules: (section, what it is about, what qualifies it
# (None: the subject alone; "a+b": both lists must be named), what keeps it ours, whether an
# IP word keeps it too).
# "海关知识产权备案" alone asks no procedure: kept.
SUBJECT_RULES: tuple[tuple[str, str, str | None, str | None, bool], ...] = (
    ("other_audit", "audits", "domains", "keep", True),
    ("ip_office", "rights", "office", "keep", False),
    ("enforce_elsewhere", "venues", "asks", "keep", False),
    ("other_rulebook", "books", "functions", "keep", False),
    # round 11: families of look-alikes rather than the words of one set
    ("company_registry", "objects", "changes", "keep", False),
    ("registry_procedure", "objects", "procedures", "keep", False),
    ("employment_admin", "relation", "topics", "keep", False),
    ("court_procedure", "court", None, "keep", False),
    ("right_types", "types", "compare", "keep", False),
    ("hte_application", "status", "asks", "keep", False),
    ("standard_making", "standards", "asks", "keep", True),
    ("chit_chat", "talk", None, "keep", False),
    # round 12
    ("enterprise_titles", "titles", "asks", "keep", True),
    ("business_software", "software", "asks", "keep", True),
    ("ip_finance", "finance", "terms", "keep", False),
    # round 13
    ("right_term", "rights", "term", "keep", False),
    ("fee_payment", "fees", "payment", "keep", False),
    ("ip_subsidy", "money", "rights", "keep", False),
    ("insurance", "products", None, "keep", False),
    # round 14
    ("foreign_filing", "abroad", "asks+rights", "keep", False),
    ("tender_admin", "tender", None, "keep", False),
    ("ip_service_cert", "service", None, "keep", False),
    # round 15
    ("ip_education", "study", None, "keep", False),
    ("data_ip", "data", None, "keep", False),
    ("working_language", "language", "about", "keep", False),
    ("labour_law", "law", None, "keep", False),
)


@dataclass(frozen=True)
class SubjectRule:
    """Declined when the text names ``about`` and ``qualified`` (None: ``about`` suffices) and
    nothing that ``keeps`` it (an IP word too when ``ip_keeps``)."""

    about: re.Pattern[str]
    qualified: re.Pattern[str] | None
    keeps: re.Pattern[str] | None
    ip_keeps: bool = False
    # round 14: a second qualifier every declined text must also name ("qualified+also")
    also: re.Pattern[str] | None = None

    @classmethod
    def parse(
        cls,
        raw: dict[str, Any],
        section: str,
        about: str,
        qualified: str | None,
        keeps: str | None,
        ip_keeps: bool,
    ) -> SubjectRule:
        part = raw.get(section) or {}
        keep = _regex(*_words(part, keeps)) if keeps else None
        qualified, _, also = (qualified or "").partition("+")
        qual = _regex(*_words(part, qualified)) if qualified else None
        second = _regex(*_words(part, also)) if also else None
        return cls(_regex(*_words(part, about)), qual, keep, ip_keeps, second)

    def declines(self, norm: str, ip_word_re: re.Pattern[str]) -> bool:
        if not self.about.search(norm):
            return False
        if self.qualified is not None and not self.qualified.search(norm):
            return False
        if self.also is not None and not self.also.search(norm):
            return False
        if self.keeps is not None and self.keeps.search(norm):
            return False
        return not (self.ip_keeps and ip_word_re.search(norm))


@dataclass(frozen=True)
class Guard:
    other_scheme_re: re.Pattern[str]
    lookalike_re: re.Pattern[str]
    prosecution_re: re.Pattern[str]
    together_re: re.Pattern[str]
    our_iso: frozenset[str]
    anchor_concepts: frozenset[str]
    system_concepts: frozenset[str]
    other_number_re: re.Pattern[str]  # other schemes' standard numbers, with or without "ISO"
    ip_right_re: re.Pattern[str]  # one IP right (专利, 商标, 软著...)
    ip_act_re: re.Pattern[str]  # obtaining or litigating it (申请, 注册, 授权, 起诉...)
    ip_keep_re: re.Pattern[str]  # ... unless the text is about managing it (体系, 认证, 管理)
    domain_re: re.Pattern[str]  # words of our domain that are no glossary concept
    # round 6: an IP transaction (转让, 质押, 续展...) asked for its duration or cost
    deal_right_re: re.Pattern[str] = re.compile(r"(?!x)x")
    deal_re: re.Pattern[str] = re.compile(r"(?!x)x")
    deal_ask_re: re.Pattern[str] = re.compile(r"(?!x)x")
    deal_keep_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 6: other "贯标" schemes and other standards' comparisons, declined even with 贯标
    other_guanbiao_re: re.Pattern[str] = re.compile(r"(?!x)x")
    own_concepts: frozenset[str] = frozenset()
    our_national: frozenset[str] = frozenset()
    compare_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 8: another meaning of a word of ours (IP camera, IP67, 知识产权服务认证, 电工证...)
    # declined even when it names IP, unless it names the management system
    other_meaning_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 8: a look-alike asked for its effect on our certification stays in scope
    effect_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 8: anchors that count only beside an IP word ("37301合规管理体系" is not ours)
    weak_anchors: frozenset[str] = frozenset()
    ip_word_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 8: words that name our domain when the glossary read them into a wider concept
    # ("贯标证书" is read as "certificate")
    anchor_word_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 9: a task addressed to the bot (translate this), declined unless it names the system
    task_re: re.Pattern[str] = re.compile(r"(?!x)x")
    # round 10: sibling standards of ours (GB/T 33250, 33251, GJB 9158) that an entry answers
    sibling_national: frozenset[str] = frozenset()
    # rounds 9-11: what a question is about (SUBJECT_RULES)
    subject_rules: tuple[SubjectRule, ...] = ()
    # round 11: a scheme's code, letters glued to digits (sa8000, as9100), whose letters are
    # none of ours or of the standard families read elsewhere (iso, gb, gjb, ip67...)
    code_prefixes_read_elsewhere: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Guard:
        return cls(
            _regex(*_words(raw, "other_schemes")),
            _regex(*_words(raw, "lookalikes")),
            _regex(*_words(raw, "prosecution")),
            _regex(
                [str(w) for w in raw.get("together") or () if str(w).isascii()],
                [str(w) for w in raw.get("together") or () if not str(w).isascii()],
            ),
            frozenset(str(n) for n in raw.get("our_iso") or ()),
            frozenset(str(c) for c in raw.get("anchor_concepts") or ()),
            frozenset(str(c) for c in raw.get("system_concepts") or ()),
            _numbers(raw, "other_standard_numbers"),
            _regex(*_words(raw.get("ip_filing") or {}, "rights")),
            _regex(*_words(raw.get("ip_filing") or {}, "acts")),
            _regex(*_words(raw.get("ip_filing") or {}, "keep")),
            _regex(*_words(raw, "domain_words")),
            _regex(*_words(raw.get("ip_deal") or {}, "rights")),
            _regex(*_words(raw.get("ip_deal") or {}, "deals")),
            _regex(*_words(raw.get("ip_deal") or {}, "asks")),
            _regex(*_words(raw.get("ip_deal") or {}, "keep")),
            _regex(*_words(raw, "other_guanbiao")),
            frozenset(str(c) for c in raw.get("own_concepts") or ()),
            frozenset(str(n) for n in raw.get("our_national") or ()),
            _regex(*_words(raw, "compare")),
            _regex(*_words(raw, "other_meaning")),
            _regex(*_words(raw, "effect_on_ours")),
            frozenset(str(c) for c in raw.get("weak_anchors") or ()),
            _regex(*_words(raw, "ip_words")),
            _regex(*_words(raw, "anchor_words")),
            _regex(*_words(raw, "tasks_for_bot")),
            frozenset(str(n) for n in raw.get("sibling_national") or ()),
            tuple(SubjectRule.parse(raw, *names) for names in SUBJECT_RULES),
            frozenset(str(p) for p in raw.get("code_prefixes_read_elsewhere") or ()),
        )

    def scheme_code(self, norm: str) -> bool:
        """A scheme's code glued to its number ("sa8000认证", "as9100"): another scheme; a
        year glued to letters ("fy2025") is none."""
        return any(
            prefix not in self.code_prefixes_read_elsewhere and not _YEAR_RE.fullmatch(number)
            for prefix, number in _CODE_RE.findall(norm)
        )

    def other_iso(self, norm: str) -> bool:
        return any(n not in self.our_iso for n in _ISO_RE.findall(norm))

    def unknown_standard(self, norm: str) -> bool:
        """A standard number outside our catalogue: another ISO, a GB, GB/T, GJB... number."""
        if self.other_iso(norm):
            return True
        return any(n not in self.our_national for n in _NATIONAL_RE.findall(norm))

    def uncatalogued_comparison(self, norm: str) -> bool:
        """A comparison with a standard that is neither ours nor a management-system scheme
        the integration entry covers (ISO 9001, 27001, 37301...: ``other_standard_numbers``)."""
        if not self.compare_re.search(norm):
            return False
        numbers = [n for n in _ISO_RE.findall(norm) if n not in self.our_iso]
        numbers += [n for n in _NATIONAL_RE.findall(norm) if n not in self.our_national]
        return any(not self.other_number_re.fullmatch(n) for n in numbers)

    def several_others(self, norm: str) -> bool:
        """Two or more other schemes' numbers ("9001 14001 45001三体系一起认证多少钱"): run
        together with each other, not with ours (round 7)."""
        found = set(self.other_number_re.findall(norm))
        found |= {n for n in _ISO_RE.findall(norm) if n not in self.our_iso}
        return len(found) >= 2

    def ip_deal(self, norm: str, concepts: set[str]) -> bool:
        """How long or how much an IP transaction (transfer, pledge, renewal...) takes."""
        return bool(
            self.deal_right_re.search(norm)
            and self.deal_re.search(norm)
            and self.deal_ask_re.search(norm)
            and not self.deal_keep_re.search(norm)
            and not concepts & self.system_concepts
        )

    def ip_filing(self, norm: str, concepts: set[str]) -> bool:
        """Obtaining or litigating one IP right, with no word of managing it."""
        return bool(
            self.ip_right_re.search(norm)
            and self.ip_act_re.search(norm)
            and not self.ip_keep_re.search(norm)
            and not concepts & self.system_concepts
        )

    def in_domain(self, norm: str, concepts: set[str]) -> bool:
        """Whether a text has any word of our domain (a glossary concept or a domain word)."""
        return bool(concepts) or bool(self.domain_re.search(norm))

    def anchors(self, norm: str, concepts: set[str]) -> set[str]:
        """Concepts that name our domain; a weak one (合规管理体系) only beside an IP word."""
        found = concepts & self.anchor_concepts
        if found & self.weak_anchors and not self.ip_word_re.search(norm):
            found -= self.weak_anchors
        if self.anchor_word_re.search(norm):
            found.add("anchor_word")
        return found

    def names_sibling(self, norm: str) -> bool:
        """A sibling standard of ours (GB/T 33250, GB/T 33251, GJB 9158): the sibling-standards
        entries answer it, so no other-scheme or unknown-number rule declines it (round 10)."""
        return any(n in self.sibling_national for n in _NATIONAL_RE.findall(norm))

    def declines(self, norm: str, concepts: set[str], *, lookalikes: bool = True) -> bool:
        if lookalikes and self.names_sibling(norm):
            return False
        if lookalikes and self._declines_round6(norm, concepts):
            return True
        if lookalikes and self._declines_by_subject(norm, concepts):
            return True
        if (
            lookalikes
            and self.other_meaning_re.search(norm)
            and not concepts & self.system_concepts
        ):
            return True
        hit = bool(self.other_scheme_re.search(norm) or self.other_iso(norm))
        if lookalikes and not hit:
            hit = bool(self.other_number_re.search(norm)) or self.scheme_code(norm)
        if hit and lookalikes and self.together_re.search(norm) and not self.several_others(norm):
            hit = False  # our system run together with the other scheme
        if lookalikes and not hit:
            hit = bool(self.lookalike_re.search(norm))
        if lookalikes and not hit:
            hit = self.unknown_standard(norm) and not self.together_re.search(norm)
        if hit and lookalikes and self.effect_re.search(norm):
            hit = False  # "去年被消防罚过款 会影响认证吗": asks about our certification
        if hit:
            return not self.anchors(norm, concepts)
        return lookalikes and (
            (bool(self.prosecution_re.search(norm)) and not concepts & self.system_concepts)
            or self.ip_filing(norm, concepts)
        )

    def _declines_by_subject(self, norm: str, concepts: set[str]) -> bool:
        """Rounds 9-11: what the question is about rather than which words it shares with us.

        A task addressed to the bot (translate this NDA), or one of SUBJECT_RULES: an audit of
        another domain (SOX, 财务内审) naming no IP word; an IP office's procedure
        (专利转让去国知局办手续), a third party's enforcement (海关知识产权备案怎么弄, an Amazon
        takedown) or another function's rulebook (员工手册) naming nothing of managing IP;
        round 11's families: the company's registration (营业执照 renewed, 股权变更去哪里办),
        an employment relation's HR topic (notice, leave, pay, visas), a court's procedure,
        two IP right types compared, the high-tech-enterprise application itself, drafting a
        standard with no IP word, talk about people and feelings; round 12's: another
        government title for enterprises (专精特新, little giant) and business software
        chosen or bought (which ERP), each naming no IP word; the terms of a loan against IP
        (amount, interest, valuation for the bank) naming nothing of managing it.
        Each stays in scope when it names the management system.
        """
        if concepts & self.system_concepts:
            return False
        if self.task_re.search(norm):
            return True
        return any(rule.declines(norm, self.ip_word_re) for rule in self.subject_rules)

    def _declines_round6(self, norm: str, concepts: set[str]) -> bool:
        """Round 6: look-alikes that name 贯标 or our standard and still are not ours.

        Another "贯标" scheme (两化融合贯标, GJB 9001C) unless the text names IP or our
        standard (``own_concepts``) or runs it together with ours; a comparison with a standard
        outside our catalogue ("GB/T 33250和29490什么关系": no entry, so no nearest comparison
        entry); an IP transaction's duration or cost (商标转让要多久, 专利质押多少钱).
        """
        # the scheme's own name may hold a "together" word (两化融合): read past it
        together = bool(self.together_re.search(self.other_guanbiao_re.sub(" ", norm)))
        if (
            self.other_guanbiao_re.search(norm)
            and not together
            and not concepts & self.own_concepts
        ):
            return True
        if self.uncatalogued_comparison(norm) and not together:
            return True
        return self.ip_deal(norm, concepts)


@lru_cache(maxsize=4)
def guard_rules(path: Path = GUARD_FILE) -> Guard:
    return Guard.parse(yaml.safe_load(Path(path).read_text("utf-8")) or {})


_ISO_RE = re.compile(r"(?<![a-z0-9])iso\s*(?:iec\s*)?(\d{4,5})")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_CODE_RE = re.compile(r"(?<![a-z0-9])([a-z]{2,6})-?(\d{3,5})(?![0-9])")
_NATIONAL_RE = re.compile(
    r"(?<![a-z0-9])(?:gb|gjb|sj|jb|yy|db\d*)\s*(?:[tz]\s*)?(\d{3,5})(?![0-9])"
)
ANCHOR_CONCEPTS = guard_rules().anchor_concepts
SYSTEM_CONCEPTS = guard_rules().system_concepts


def in_domain(norm: str, concepts: set[str]) -> bool:
    """False when normalised text has no word of our domain: such a text gets no menu."""
    return guard_rules().in_domain(norm, concepts)


def names_other_scheme(norm: str, concepts: set[str], *, lookalikes: bool = True) -> bool:
    """True when normalised text names another scheme or chore and no concept of ours.

    ``concepts`` are the glossary concepts found in the text; ``lookalikes=False`` gives the
    guard as it was before the business-admin list (the benchmark's "today's matcher").
    """
    return guard_rules().declines(norm, concepts, lookalikes=lookalikes)


def guard_problems(entries: Sequence[FaqEntry], glossary: Glossary) -> list[str]:
    """What ``ipms kb check`` reports: FAQ phrasings the guard would decline."""
    from knowledge.faq_lexical import _build_concept_regex
    from knowledge.faq_normalize import rules
    from knowledge.text import TOKEN_RE, decolloquialize, normalize

    name = "faq/matching/guard.yaml"
    try:
        guard = Guard.parse(yaml.safe_load(GUARD_FILE.read_text("utf-8")) or {})
    except (OSError, yaml.YAMLError, AttributeError, TypeError) as exc:
        return [f"{name}: unreadable ({exc})"]
    concept_re, concept_of = _build_concept_regex(glossary)
    problems = []
    for entry in entries:
        for q in (*entry.questions.zh, *entry.questions.en):
            norm = rules().fix(decolloquialize(normalize(q)))
            marked = (
                norm
                if concept_re is None
                else concept_re.sub(lambda m: f" §{concept_of[m.group(0)]}§ ", norm)
            )
            concepts = {c for c, _, _ in TOKEN_RE.findall(marked) if c}
            if guard.declines(norm, concepts):
                problems.append(f"{name}: declines {entry.id}'s phrasing {q!r}")
    return problems
