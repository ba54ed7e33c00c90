"""What a question asks about its topic: when, how long, how much, what if, prepare... (round 5).

Sibling entries of the FAQ share their topic words ("第一次年审什么时候" / "年审要准备什么",
"必须奖励发明人吗" / "职务发明奖金最低多少") and differ in what they ask. Each entry gets a
profile, the share of its own phrasings that carry each intent of ``faq/matching/intent.yaml``;
a question's intent score for an entry is the mean profile value over the intents the
question carries (0 when it carries none). The matcher adds a small calibrated multiple of it
to the fused score and reads the best candidate's lead over the runner-up on it as a
decision feature (``knowledge.faq_decide``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from knowledge.faq_normalize import fix_typos
from knowledge.schema import FaqEntry
from knowledge.text import decolloquialize, normalize

__all__ = ["INTENT_FILE", "IntentProfiles", "intents", "load_intents", "related_matrix"]

INTENT_FILE = Path(__file__).parent / "data" / "faq" / "matching" / "intent.yaml"


@cache
def load_intents(path: Path = INTENT_FILE) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(intent name, pattern) per intent, in file order."""
    raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    out = []
    for name, words in raw.items():
        latin = [re.escape(w.lower()) for w in words.get("en") or []]
        zh = [re.escape(w) for w in words.get("zh") or []]
        parts = []
        if latin:
            parts.append(
                r"(?<![a-z0-9])(?:"
                + "|".join(sorted(latin, key=len, reverse=True))
                + r")(?![a-z0-9])"
            )
        if zh:
            parts.append("|".join(sorted(zh, key=len, reverse=True)))
        out.append((str(name), re.compile("|".join(parts))))
    return tuple(out)


def intents(text: str) -> np.ndarray:
    """0/1 per intent: whether the text carries it."""
    norm = fix_typos(decolloquialize(normalize(text)))
    return np.array([1.0 if p.search(norm) else 0.0 for _, p in load_intents()])


class IntentProfiles:
    """Per entry, the share of its phrasings that carry each intent."""

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        rows = []
        for e in entries:
            qs = [*e.questions.zh, *e.questions.en]
            rows.append(np.mean([intents(q) for q in qs], axis=0) if qs else intents(""))
        self.profiles = np.array(rows) if rows else np.zeros((0, len(load_intents())))

    def scores(self, text: str) -> np.ndarray:
        """Per entry, how well its profile fits the question's intents (0..1)."""
        q = intents(text)
        if not q.any() or not len(self.profiles):
            return np.zeros(len(self.profiles))
        return self.profiles @ q / q.sum()


def related_matrix(entries: Sequence[FaqEntry]) -> np.ndarray:
    """n x n booleans: entry i lists entry j in ``related`` (its siblings)."""
    index = {e.id: i for i, e in enumerate(entries)}
    out = np.zeros((len(entries), len(entries)), dtype=bool)
    for i, e in enumerate(entries):
        for r in e.related:
            if r in index:
                out[i, index[r]] = True
    return out
