"""Fusing lexical and semantic scores, and deciding answer / did-you-mean / don't-know.

Ranking: an entry's fused score is its lexical score (0..1) plus, per semantic model, a
weight times its best cosine over the entry's phrasings.

Decision: two logistic models read the same few features of the best candidate:
``p_right`` (the best candidate is the right answer) and ``p_scope`` (the question is one the
FAQ covers). Answered when ``p_right`` reaches its threshold; otherwise three suggestions
when ``p_scope`` reaches its own; otherwise "I don't know". Weights, coefficients and
thresholds are data (``faq/index/calibration.json``), fitted by cross-validation over the
FAQ phrasings and the development sets (``benchmarks/faq_eval.py --calibrate``), never on an
evaluation set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FEATURES", "PACKAGED_CALIBRATION", "Calibration", "features", "fuse", "sigmoid"]

PACKAGED_CALIBRATION = Path(__file__).parent / "data" / "faq" / "index" / "calibration.json"
# Features of the best fused candidate (see ``features``).
FEATURES = (
    "fused",
    "lead",
    "lex",
    "lex_best",
    "sem",
    "agree",
    "concept",
    "length",
    "sem_lead",
    "lex_lead",
    "near",
    "sem_gap",
    "runner_gap",
    "sibling",
    "intent_lead",
    "sibling_intent",
)


@dataclass(frozen=True)
class Calibration:
    models: tuple[str, ...]  # semantic models, in fusion order
    weights: tuple[float, ...]  # fused = lex + sum(weight * cosine), one weight per model
    mean: tuple[float, ...]  # feature standardisation
    scale: tuple[float, ...]
    right_coef: tuple[float, ...]  # logistic coefficients, the last one is the intercept
    scope_coef: tuple[float, ...]
    p_answer: float  # answer when p_right >= p_answer
    p_suggest: float  # otherwise suggest when p_scope >= p_suggest
    # fused += intent_weight x the entry's intent score (knowledge.faq_intent; round 5)
    intent_weight: float = 0.0

    @classmethod
    def load(cls, path: Path) -> Calibration:
        raw: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
        return cls(**fields)

    def dump(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(p_right, p_scope) for feature rows ``x`` (n, len(FEATURES))."""
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return _predict(z, self.right_coef), _predict(z, self.scope_coef)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _predict(z: np.ndarray, coef: Sequence[float]) -> np.ndarray:
    c = np.asarray(coef)
    return sigmoid(z @ c[:-1] + c[-1])


def fuse(
    lex: np.ndarray,
    sems: Sequence[np.ndarray],
    weights: Sequence[float],
    intent: np.ndarray | None = None,
    intent_weight: float = 0.0,
) -> np.ndarray:
    """Fused score per entry: lexical (0..1) + weighted best cosines + weighted intent fit."""
    fused = lex.astype(np.float64).copy()
    for sem, w in zip(sems, weights, strict=True):
        fused += w * np.maximum(sem, 0.0)
    if intent is not None and intent_weight:
        fused += intent_weight * intent
    return fused


def features(
    lex: np.ndarray,
    sems: Sequence[np.ndarray],
    fused: np.ndarray,
    *,
    concept: bool,
    length: int,
    intent: np.ndarray | None = None,
    related: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Best-first entry order and the feature row of the best candidate.

    ``lead`` is the gap to the runner-up; ``agree`` the share of the single signals (lexical,
    each model) whose own best entry is the fused best; ``sem`` the mean cosine of the best
    entry; ``concept`` whether the text names a glossary concept; ``length`` log characters;
    ``sem_lead`` / ``lex_lead`` how far the best entry leads the others on each signal alone
    (filler words lower every score of a long question, not these gaps); ``near`` whether it
    is among the two best of both signals; ``sem_gap`` the semantic signal's own lead (its
    best entry over its second, whichever they are); ``runner_gap`` the runner-up's lead over
    the third (a clear pair of candidates, against a crowd); ``sibling`` whether the runner-up
    is a sibling of the best (either lists the other in ``related``: near-duplicate topics);
    ``intent_lead`` how much better the best entry fits what the question asks (when, how
    much, what if...; ``knowledge.faq_intent``) than the runner-up; ``sibling_intent`` the
    two multiplied (a small lead between siblings matters less when the intent picks one).
    """
    order = np.argsort(-fused, kind="stable")
    best = order[0]
    runner_up = fused[order[1]] if len(order) > 1 else 0.0
    tops = ([int(np.argmax(lex))] if lex.max() > 0 else []) + [int(np.argmax(s)) for s in sems]
    sem = np.mean(sems, axis=0) if sems else np.zeros_like(fused)
    second = int(order[1]) if len(order) > 1 else int(best)
    sibling = float(
        related is not None
        and second != best
        and bool(related[best, second] or related[second, best])
    )
    intent_lead = float(intent[best] - intent[second]) if intent is not None else 0.0
    row = np.array(
        [
            fused[best],
            fused[best] - runner_up,
            lex[best],
            lex.max(),
            float(sem[best]),
            np.mean([t == best for t in tops]) if tops else 0.0,
            float(concept),
            np.log1p(length),
            _lead(sem, best),
            _lead(lex, best),
            float(_in_top(lex, best, 2) and _in_top(sem, best, 2)),
            _gap(sem),
            float(fused[order[1]] - fused[order[2]]) if len(order) > 2 else 0.0,
            sibling,
            intent_lead,
            sibling * intent_lead,
        ]
    )
    return order, row


def _lead(scores: np.ndarray, best: int) -> float:
    """How far ``best`` is ahead of the strongest other entry (negative: behind it)."""
    if len(scores) < 2:
        return float(scores[best]) if len(scores) else 0.0
    others = np.delete(scores, best)
    return float(scores[best] - others.max())


def _gap(scores: np.ndarray) -> float:
    """Best minus second-best score."""
    if len(scores) < 2:
        return 0.0
    top2 = np.partition(scores, len(scores) - 2)[-2:]
    return float(top2[1] - top2[0])


def _in_top(scores: np.ndarray, best: int, k: int) -> bool:
    return bool((scores > scores[best]).sum() < k)
