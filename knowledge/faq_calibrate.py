"""Fitting the fusion weights, the decision models and their thresholds (development only).

Training pool (never an evaluation set):
- every FAQ phrasing, scored by 5-fold cross-validation: each fold's phrasings are removed
  from the lexical and the semantic index and asked as questions;
- the development questions (``benchmarks/data/dev_*.yaml``, in and out of scope).

Steps: the fusion weight of each model maximises top-1 over the pool; the two logistic
models (``knowledge.faq_decide``) are fitted fold by fold, so every item gets out-of-fold
probabilities; the thresholds are chosen on those: ``p_answer`` maximises right answers minus
``WRONG_COST`` x wrong answers, ``p_suggest`` the balanced accuracy of declining (in-scope
kept vs out-of-scope declined). The final models are then fitted on the whole pool.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from knowledge.faq_decide import FEATURES, Calibration, features, fuse, sigmoid
from knowledge.faq_intent import IntentProfiles, related_matrix
from knowledge.faq_lexical import LexicalMatcher
from knowledge.faq_normalize import semantic_text
from knowledge.schema import FaqEntry, Glossary, TextList
from knowledge.semantic import SemanticIndex
from knowledge.text import detect_lang, normalize

if TYPE_CHECKING:
    from knowledge.loader import Knowledge

__all__ = ["Pool", "calibrate", "calibrate_files", "dev_pool", "phrasing_pool"]

FOLDS = 5
REPEATS = 10  # fold assignments the thresholds are chosen over
WRONG_COST = 3.0  # a wrong direct answer costs this many right ones (as before 2026-12)
L2 = 1e-2
WEIGHT_GRID = (0.5, 1.0, 1.5, 2.0, 3.0)
INTENT_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)  # weight of the intent fit (round 5)
PLATEAU = 0.005  # p_answer: the middle of the thresholds within 0.5 % of the best objective
SOURCE_WEIGHT = {"phrasing": 0.5, "dev": 1.0, "oos": 2.0}


@dataclass
class Pool:
    """Raw scores of training questions (re-fused for every candidate weight)."""

    lex: list[np.ndarray]
    sems: list[list[np.ndarray]]
    expect: list[frozenset[int]]  # acceptable entry indexes; empty = out of scope
    concept: list[bool]
    length: list[int]
    source: list[str]
    lang: list[str]  # detect_lang of the question (outcomes are reported per language)
    intent: list[np.ndarray]  # intent fit per entry (knowledge.faq_intent)

    @classmethod
    def empty(cls) -> Pool:
        return cls([], [], [], [], [], [], [], [])

    def add(self, other: Pool) -> None:
        for name in ("lex", "sems", "expect", "concept", "length", "source", "lang", "intent"):
            getattr(self, name).extend(getattr(other, name))

    def __len__(self) -> int:
        return len(self.lex)


def _lex_vector(lexical: LexicalMatcher, text: str, n: int) -> np.ndarray:
    out = np.zeros(n)
    for i, s in lexical.scores(text).items():
        out[i] = s
    return out


def dev_pool(
    lexical: LexicalMatcher,
    semantic: Sequence[SemanticIndex],
    questions: Sequence[tuple[str, frozenset[int]]],
) -> Pool:
    """Development questions (text, acceptable entries) scored by the full indexes."""
    pool = Pool.empty()
    n = len(lexical.entries)
    profiles = IntentProfiles(lexical.entries)
    for text, expect in questions:
        pool.intent.append(profiles.scores(text))
        pool.lex.append(_lex_vector(lexical, text, n))
        pool.sems.append([index.entry_scores(semantic_text(text)) for index in semantic])
        pool.expect.append(expect)
        pool.concept.append(bool(lexical.concepts(text)))
        pool.length.append(len(normalize(text)))
        pool.source.append("dev" if expect else "oos")
        pool.lang.append(detect_lang(text))
    return pool


def phrasing_pool(
    entries: Sequence[FaqEntry],
    glossary: Glossary,
    semantic: Sequence[SemanticIndex],
    words: Path | None = None,
) -> Pool:
    """Every phrasing asked against indexes built without its fold."""
    texts: list[tuple[int, str]] = [
        (i, q) for i, e in enumerate(entries) for q in (*e.questions.zh, *e.questions.en)
    ]
    fold = np.arange(len(texts)) % FOLDS
    pool = Pool.empty()
    for f in range(FOLDS):
        held = fold == f
        kept = [
            _without(e, {q for (i, q), h in zip(texts, held, strict=True) if h and i == k})
            for k, e in enumerate(entries)
        ]
        lexical = LexicalMatcher(kept, glossary, words=words)
        profiles = IntentProfiles(kept)
        for row in np.flatnonzero(held):
            i, q = texts[row]
            pool.intent.append(profiles.scores(q))
            pool.lex.append(_lex_vector(lexical, q, len(entries)))
            pool.sems.append([_masked(index, int(row), held) for index in semantic])
            pool.expect.append(frozenset({i}))
            pool.concept.append(bool(lexical.concepts(q)))
            pool.length.append(len(normalize(q)))
            pool.source.append("phrasing")
            pool.lang.append(detect_lang(q))
    return pool


def _without(entry: FaqEntry, removed: set[str]) -> FaqEntry:
    keep = TextList(
        zh=[q for q in entry.questions.zh if q not in removed],
        en=[q for q in entry.questions.en if q not in removed],
    )
    return entry.model_copy(update={"questions": keep})


def _masked(index: SemanticIndex, row: int, held: np.ndarray) -> np.ndarray:
    """Entry scores of stored phrasing ``row`` against the phrasings not held out."""
    sims = index.vectors @ index.vectors[row]
    sims[held] = -1.0
    starts = np.flatnonzero(np.r_[True, index.owners[1:] != index.owners[:-1]])
    out = np.full(index.n_entries, -1.0, dtype=np.float32)
    out[index.owners[starts]] = np.maximum.reduceat(sims, starts)
    return out


# --- fitting -------------------------------------------------------------------------------


def _matrix(
    pool: Pool, weights: Sequence[float], intent_weight: float, related: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and "best candidate is acceptable" per item."""
    rows, right = [], []
    for k in range(len(pool)):
        fused = fuse(pool.lex[k], pool.sems[k], weights, pool.intent[k], intent_weight)
        order, row = features(
            pool.lex[k],
            pool.sems[k],
            fused,
            concept=pool.concept[k],
            length=pool.length[k],
            intent=pool.intent[k],
            related=related,
        )
        rows.append(row)
        right.append(int(order[0]) in pool.expect[k])
    return np.array(rows), np.array(right)


def _top1(pool: Pool, weights: Sequence[float], intent_weight: float = 0.0) -> float:
    hits = [
        int(np.argmax(fuse(pool.lex[k], pool.sems[k], weights, pool.intent[k], intent_weight)))
        in pool.expect[k]
        for k in range(len(pool))
        if pool.expect[k]
    ]
    return float(np.mean(hits)) if hits else 0.0


def _fit_logistic(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method; returns coefficients + intercept."""
    x = np.hstack([z, np.ones((len(z), 1))])
    beta = np.zeros(x.shape[1])
    reg = L2 * np.eye(x.shape[1])
    reg[-1, -1] = 0.0
    for _ in range(50):
        p = sigmoid(x @ beta)
        grad = x.T @ (w * (p - y)) + reg @ beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + reg
        step = np.linalg.solve(hess + 1e-9 * np.eye(len(beta)), grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _best_thresholds(
    p_right: np.ndarray, p_scope: np.ndarray, right: np.ndarray, in_scope: np.ndarray, w: np.ndarray
) -> tuple[float, float]:
    grid = np.linspace(0.05, 0.99, 95)
    gain = np.array([np.sum(w * (p_right >= t) * np.where(right, 1.0, -WRONG_COST)) for t in grid])
    # The objective is flat near its best (round 5: 0.72..0.80 within 0.3 %), so its argmax
    # moved with every small change; the middle of the near-best thresholds is steadier.
    near = grid[gain >= gain.max() - PLATEAU * abs(gain.max())]
    p_answer = float(near[len(near) // 2])
    rest = p_right < p_answer
    best, p_suggest = -1.0, 0.0
    for t in grid:
        kept = (p_scope[rest & in_scope] >= t).mean() if (rest & in_scope).any() else 1.0
        declined = (p_scope[rest & ~in_scope] < t).mean() if (rest & ~in_scope).any() else 1.0
        score = (kept + declined) / 2
        if score > best + 1e-12:  # ties keep the lower threshold: declining is the worse error
            best, p_suggest = score, float(t)
    return p_answer, p_suggest


def calibrate(
    pool: Pool, models: Sequence[str], seed: int = 0, related: np.ndarray | None = None
) -> tuple[Calibration, dict[str, float]]:
    """Fit everything on ``pool``; also returns out-of-fold estimates of the outcomes.

    ``related``: the sibling matrix of the entries (``faq_intent.related_matrix``)."""
    weights = max(
        itertools.product(WEIGHT_GRID, repeat=len(models)), key=lambda ws: _top1(pool, ws)
    )
    # Ties keep the smaller intent weight (the first of the grid).
    intent_weight = max(INTENT_GRID, key=lambda iw: (_top1(pool, weights, iw), -iw))
    x, right = _matrix(pool, weights, intent_weight, related)
    in_scope = np.array([bool(e) for e in pool.expect])
    sw = np.array([SOURCE_WEIGHT[s] for s in pool.source])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale
    # Out-of-fold probabilities under REPEATS fold assignments: the thresholds maximise the
    # objective over all of them (one assignment alone moved p_answer by +-0.02, round 4).
    runs = [_out_of_fold(z, right, in_scope, sw, seed + r) for r in range(REPEATS)]
    p_answer, p_suggest = _best_thresholds(
        np.concatenate([r[0] for r in runs]),
        np.concatenate([r[1] for r in runs]),
        np.tile(right & in_scope, REPEATS),
        np.tile(in_scope, REPEATS),
        np.tile(sw, REPEATS),
    )
    p_r, p_s = runs[0]
    right_coef = _fit_logistic(z, (right & in_scope).astype(float), sw)
    scope_coef = _fit_logistic(z, in_scope.astype(float), _balanced(sw, in_scope))
    cal = Calibration(
        models=tuple(models),
        weights=tuple(float(w) for w in weights),
        mean=tuple(map(float, mean)),
        scale=tuple(map(float, scale)),
        right_coef=tuple(map(float, right_coef)),
        scope_coef=tuple(map(float, scope_coef)),
        p_answer=p_answer,
        p_suggest=p_suggest,
        intent_weight=float(intent_weight),
    )
    return cal, _cv_summary(pool, p_r, p_s, right, in_scope, p_answer, p_suggest)


def _out_of_fold(
    z: np.ndarray, right: np.ndarray, in_scope: np.ndarray, sw: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(p_right, p_scope) of every item from models fitted without its fold."""
    folds = np.random.default_rng(seed).permutation(len(z)) % FOLDS
    p_r, p_s = np.zeros(len(z)), np.zeros(len(z))
    for f in range(FOLDS):
        tr, te = folds != f, folds == f
        cr = _fit_logistic(z[tr], (right & in_scope)[tr].astype(float), sw[tr])
        cs = _fit_logistic(z[tr], in_scope[tr].astype(float), _balanced(sw[tr], in_scope[tr]))
        p_r[te] = sigmoid(z[te] @ cr[:-1] + cr[-1])
        p_s[te] = sigmoid(z[te] @ cs[:-1] + cs[-1])
    return p_r, p_s


def _balanced(w: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample weights rescaled so both classes weigh the same in total."""
    out = w.astype(float).copy()
    for cls in (True, False):
        mask = y == cls
        if mask.any():
            out[mask] *= w.sum() / 2 / w[mask].sum()
    return out


def _cv_summary(
    pool: Pool,
    p_r: np.ndarray,
    p_s: np.ndarray,
    right: np.ndarray,
    in_scope: np.ndarray,
    p_answer: float,
    p_suggest: float,
) -> dict[str, float]:
    """Out-of-fold outcome shares per source and language (what the thresholds do on unseen
    items)."""
    answered = p_r >= p_answer
    suggested = ~answered & (p_s >= p_suggest)
    out: dict[str, float] = {}
    src, lang = np.array(pool.source), np.array(pool.lang)
    for name in ("phrasing", "dev"):
        for g in ("", "zh", "en"):
            m = (src == name) & in_scope & ((lang == g) if g else True)
            key = f"{name}_{g}_" if g else f"{name}_"
            if m.any():
                out[f"{key}answered_right"] = float((answered & right)[m].mean())
                out[f"{key}answered_wrong"] = float((answered & ~right)[m].mean())
                out[f"{key}declined"] = float((~answered & ~suggested)[m].mean())
    for g in ("", "zh", "en"):
        m = ~in_scope & ((lang == g) if g else True)
        if m.any():
            out[f"oos_{g}_declined" if g else "oos_declined"] = float(
                (~answered & ~suggested)[m].mean()
            )
    out["features"] = float(len(FEATURES))
    return out


def calibrate_files(kb: Knowledge, dev_paths: Sequence[Path], out: Path) -> dict[str, float]:
    """Fit on the FAQ phrasings and the given development files; write the calibration."""
    entries = list(kb.faq.values())
    index = {e.id: i for i, e in enumerate(entries)}
    questions: list[tuple[str, frozenset[int]]] = []
    for path in dev_paths:
        for row in yaml.safe_load(Path(path).read_text("utf-8")) or []:
            if kb.matcher.guard(str(row["q"])) is not None:
                continue  # declined before any scoring, whatever the calibration
            right = [row.get("expect"), *(row.get("also") or [])]
            if right[0] and not any(r in index for r in right):
                continue  # in scope but no entry fits ("none-fits", blind sets e and f)
            questions.append((str(row["q"]), frozenset(index[r] for r in right if r in index)))
    matcher = kb.matcher
    pool = phrasing_pool(entries, kb.glossary, matcher.semantic, matcher.lexical.words)
    pool.add(dev_pool(matcher.lexical, matcher.semantic, questions))
    cal, cv = calibrate(pool, matcher.calibration.models, related=related_matrix(entries))
    cal.dump(out)
    return {
        "weights": cal.weights[0] if cal.weights else 0.0,
        "intent_weight": cal.intent_weight,
        "p_answer": cal.p_answer,
        "p_suggest": cal.p_suggest,
        **cv,
    }
