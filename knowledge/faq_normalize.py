"""Question cleaning for the FAQ matcher: input-method slips and filler words.

Owners type 管标 or 贯彪 for 贯标, 认正 for 认证, 不服合项 for 不符合项, and wrap a short
question in context ("老板说", "请问一下", "我们公司", trailing 啊 呢 吧). Slips make a
question's main words unknown to both signals; filler lowers every score of a long question
and with it the confidence of the decision. Both lists are data
(``faq/matching/query.yaml``), read once.

``QueryRules.fix`` and ``QueryRules.strip`` work on normalised text
(``knowledge.text.normalize``) and are applied to questions and stored phrasings alike
(lexical side); ``semantic_text`` is the text a question is embedded as (semantic side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "QUERY_FILE",
    "QueryRules",
    "clean_question",
    "fix_typos",
    "query_problems",
    "rules",
    "semantic_text",
]

QUERY_FILE = Path(__file__).parent / "data" / "faq" / "matching" / "query.yaml"


@dataclass(frozen=True)
class QueryRules:
    typos: tuple[tuple[re.Pattern[str], str], ...]
    filler_re: re.Pattern[str] | None

    def fix(self, norm: str) -> str:
        for pattern, repl in self.typos:
            norm = pattern.sub(repl, norm)
        return norm

    def strip(self, norm: str) -> str:
        if self.filler_re is None:
            return norm
        out = " ".join(self.filler_re.sub(" ", norm).split())
        return out or norm


def _compile(raw: dict[str, Any]) -> QueryRules:
    typos = tuple((re.compile(str(p)), str(r)) for p, r in (raw.get("typos") or {}).items())
    fillers = raw.get("fillers") or {}
    zh = sorted({str(w) for w in fillers.get("zh") or ()}, key=len, reverse=True)
    en = sorted({str(w) for w in fillers.get("en") or ()}, key=len, reverse=True)
    particles = "".join(str(w) for w in fillers.get("zh_particles") or ())
    parts = [re.escape(w) for w in zh]
    parts += [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" for w in en]
    if particles:  # a particle ends a clause: before a space or the end of the text
        parts.append(rf"[{re.escape(particles)}]+(?=\s|$)")
    return QueryRules(typos, re.compile("|".join(parts)) if parts else None)


@lru_cache(maxsize=4)
def rules(path: Path = QUERY_FILE) -> QueryRules:
    return _compile(yaml.safe_load(Path(path).read_text("utf-8")) or {})


def fix_typos(norm: str) -> str:
    """Normalised text with the listed slips corrected (questions and phrasings alike)."""
    return rules().fix(norm)


def clean_question(text: str) -> str:
    """The question as the semantic model reads it: normalised, slips fixed, fillers gone."""
    from knowledge.text import normalize

    r = rules()
    return r.strip(r.fix(normalize(text)))


def semantic_text(text: str) -> str:
    """The text a question is embedded as: as typed, or normalised with its slips fixed.

    Only a question with a listed slip is rewritten; measured on dev and held-out, removing
    filler before embedding neither helped nor hurt (benchmarks/README.md, round 3).
    """
    from knowledge.text import normalize

    norm = normalize(text)
    fixed = fix_typos(norm)
    return text if fixed == norm else fixed


def query_problems(path: Path = QUERY_FILE) -> list[str]:
    """What ``ipms kb check`` reports about the cleaning rules."""
    name = "faq/matching/query.yaml"
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        _compile(raw)
    except (OSError, yaml.YAMLError, re.error, AttributeError, TypeError) as exc:
        return [f"{name}: unreadable ({exc})"]
    problems = []
    for pattern, repl in (raw.get("typos") or {}).items():
        if re.search(str(pattern), str(repl)):
            problems.append(f"{name}: typo pattern {pattern!r} matches its own replacement")
    return problems
