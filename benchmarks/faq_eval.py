"""Evaluate the FAQ matcher against the dev sets and a naive rapidfuzz baseline.

Usage:
    python benchmarks/faq_eval.py            # table
    python benchmarks/faq_eval.py --json     # machine-readable
    python benchmarks/faq_eval.py --sweep    # re-derive thresholds from the dev data
    python benchmarks/faq_eval.py --misses   # list every wrong or declined dev question

Definitions (see benchmarks/README.md): top-1 / top-3 = the expected entry is the best /
among the three best ranked candidates, whatever the status; declined = status "unknown".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

from knowledge.loader import Knowledge, load_knowledge
from knowledge.matcher import MARGIN, T_ANSWER, T_SUGGEST, FaqMatcher, decide
from knowledge.schema import FaqEntry
from knowledge.text import Lang

DEV_DIR = Path(__file__).parent / "data"
TARGETS = {"top1": 0.92, "oos_declined": 0.90, "in_scope_declined": 0.05, "median_ms": 1.0}
LANGS: tuple[Lang, ...] = ("zh", "en")
TIMING_ROUNDS = 5


@dataclass(frozen=True)
class DevItem:
    q: str
    lang: Lang
    expect: str | None


@dataclass(frozen=True)
class Outcome:
    item: DevItem
    status: str
    ranked_ids: list[str]
    score: float


def load_dev(paths: Iterable[Path]) -> list[DevItem]:
    items: list[DevItem] = []
    for path in paths:
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            items.append(DevItem(str(row["q"]), row["lang"], row.get("expect")))
    return items


# --- systems ------------------------------------------------------------------------------

Ranked = list[tuple[FaqEntry, float]]


def rank_ours(matcher: FaqMatcher, items: list[DevItem]) -> list[Ranked]:
    # match() applies the intent guard (empty ranking); its ranking is what users get.
    return [matcher.match(item.q).ranked for item in items]


def rank_baseline(entries: list[FaqEntry], items: list[DevItem]) -> list[Ranked]:
    """rapidfuzz WRatio against every raw stored phrasing; an entry scores as its best one."""
    choices: list[str] = []
    owners: list[FaqEntry] = []
    for e in entries:
        for q in (*e.questions.zh, *e.questions.en):
            choices.append(q)
            owners.append(e)
    out: list[Ranked] = []
    for item in items:
        hits = process.extract(
            item.q, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=40
        )
        best: dict[str, tuple[FaqEntry, float]] = {}
        for _, score, idx in hits:
            entry = owners[idx]
            if entry.id not in best or score > best[entry.id][1]:
                best[entry.id] = (entry, float(score))
        out.append(sorted(best.values(), key=lambda es: es[1], reverse=True)[:5])
    return out


def outcomes(
    items: list[DevItem], ranked: list[Ranked], status: Callable[[Ranked], str]
) -> list[Outcome]:
    return [
        Outcome(item, status(r), [e.id for e, _ in r], r[0][1] if r else 0.0)
        for item, r in zip(items, ranked, strict=True)
    ]


def ours_status(t_answer: float, margin: float, t_suggest: float) -> Callable[[Ranked], str]:
    return lambda r: decide(r, t_answer, margin, t_suggest).status


def baseline_status(threshold: float) -> Callable[[Ranked], str]:
    return lambda r: "answered" if r and r[0][1] >= threshold else "unknown"


# --- metrics ------------------------------------------------------------------------------


def metrics(outs: list[Outcome]) -> dict[str, Any]:
    ins = [o for o in outs if o.item.expect is not None]
    oos = [o for o in outs if o.item.expect is None]

    def share(xs: list[Outcome], pred: Callable[[Outcome], bool]) -> float | None:
        return sum(map(pred, xs)) / len(xs) if xs else None

    return {
        "n_in_scope": len(ins),
        "n_out_of_scope": len(oos),
        "top1": share(ins, lambda o: o.ranked_ids[:1] == [o.item.expect]),
        "top3": share(ins, lambda o: o.item.expect in o.ranked_ids[:3]),
        "answered_right": share(
            ins, lambda o: o.status == "answered" and o.ranked_ids[:1] == [o.item.expect]
        ),
        "answered_wrong": share(
            outs, lambda o: o.status == "answered" and o.ranked_ids[:1] != [o.item.expect]
        ),
        "oos_declined": share(oos, lambda o: o.status == "unknown"),
        "in_scope_declined": share(ins, lambda o: o.status == "unknown"),
    }


def by_lang(outs: list[Outcome]) -> dict[str, dict[str, Any]]:
    res: dict[str, dict[str, Any]] = {
        lang: metrics([o for o in outs if o.item.lang == lang]) for lang in LANGS
    }
    res["all"] = metrics(outs)
    return res


# --- threshold choice (the same rule for ours and the baseline) ---------------------------


def decline_objective(items: list[DevItem], ranked: list[Ranked], t: float) -> float:
    """Balanced accuracy of "decline when the best score < t" over in-scope and OOS."""
    ok = {True: [0, 0], False: [0, 0]}  # in scope? -> [right, total]
    for item, r in zip(items, ranked, strict=True):
        declined = not r or r[0][1] < t
        in_scope = item.expect is not None
        ok[in_scope][0] += declined != in_scope
        ok[in_scope][1] += 1
    return sum(right / max(1, total) for right, total in ok.values()) / 2


def best_decline_threshold(
    items: list[DevItem], ranked: list[Ranked], grid: Iterable[float]
) -> float:
    # Ties go to the lowest threshold: declining an answerable question is the worse error.
    return max(grid, key=lambda t: (decline_objective(items, ranked, t), -t))


def answer_objective(
    items: list[DevItem], ranked: list[Ranked], t_answer: float, margin: float
) -> int:
    """Right answers minus 3x wrong answers: a wrong answer costs more than a short menu."""
    gain = 0
    for item, r in zip(items, ranked, strict=True):
        if not r:
            continue
        lead = r[0][1] - (r[1][1] if len(r) > 1 else 0.0)
        if r[0][1] >= t_answer and lead >= margin:
            gain += 1 if r[0][0].id == item.expect else -3
    return gain


def sweep(items: list[DevItem], ranked: list[Ranked]) -> dict[str, float]:
    t_suggest = best_decline_threshold(items, ranked, [x / 2 for x in range(20, 150)])
    t_answer, margin = max(
        ((float(t), float(m)) for t in range(int(t_suggest), 96) for m in range(31)),
        key=lambda tm: (answer_objective(items, ranked, *tm), -tm[0], -tm[1]),
    )
    return {"T_SUGGEST": t_suggest, "T_ANSWER": t_answer, "MARGIN": margin}


# --- timing -------------------------------------------------------------------------------


def scaled_entries(entries: list[FaqEntry], factor: int) -> list[FaqEntry]:
    """``factor`` copies of every entry with perturbed ids (timing only)."""
    out = list(entries)
    for k in range(1, factor):
        out.extend(e.model_copy(update={"id": f"{e.id}~{k}"}) for e in entries)
    return out


def timing(matcher: FaqMatcher, queries: list[str]) -> dict[str, float]:
    matcher.match(queries[0])  # warm caches (typo repair) like a running bot would be
    samples: list[float] = []
    for _ in range(TIMING_ROUNDS):
        for q in queries:
            start = time.perf_counter_ns()
            matcher.match(q)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(0.99 * len(samples)))],
    }


# --- report -------------------------------------------------------------------------------


def evaluate(kb: Knowledge, items: list[DevItem]) -> dict[str, Any]:
    entries = list(kb.faq.values())
    ours = outcomes(items, rank_ours(kb.matcher, items), ours_status(T_ANSWER, MARGIN, T_SUGGEST))
    base_ranked = rank_baseline(entries, items)
    base_t = best_decline_threshold(items, base_ranked, range(30, 101))
    base = outcomes(items, base_ranked, baseline_status(base_t))
    queries = [i.q for i in items]
    big = FaqMatcher(scaled_entries(entries, 10), kb.glossary)
    return {
        "entries": len(entries),
        "phrasings": sum(len(e.questions.zh) + len(e.questions.en) for e in entries),
        "dev_questions": len(items),
        "thresholds": {
            "T_ANSWER": T_ANSWER,
            "MARGIN": MARGIN,
            "T_SUGGEST": T_SUGGEST,
            "baseline": base_t,
        },
        "ours": by_lang(ours),
        "baseline": by_lang(base),
        "timing": {"1x": timing(kb.matcher, queries), "10x": timing(big, queries)},
        "_outcomes": ours,
    }


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def targets_met(res: dict[str, Any]) -> dict[str, bool]:
    ours = res["ours"]
    return {
        "top-1 >= 92% per language": all(
            (ours[lg]["top1"] or 0) >= TARGETS["top1"] for lg in LANGS
        ),
        "out-of-scope declined >= 90%": (ours["all"]["oos_declined"] or 0)
        >= TARGETS["oos_declined"],
        "in-scope declined <= 5%": (ours["all"]["in_scope_declined"] or 0)
        <= TARGETS["in_scope_declined"],
        "median match <= 1 ms": res["timing"]["1x"]["median_ms"] <= TARGETS["median_ms"],
    }


def _row(cells: tuple[str, ...]) -> str:
    return f"{cells[0]:<20}" + "".join(f"{c:>11}" for c in cells[1:])


def _timing_line(n_entries: int, t: dict[str, float]) -> str:
    return (
        f"match time at {n_entries:>5} entries: "
        f"median {t['median_ms']:.3f} ms, p99 {t['p99_ms']:.3f} ms"
    )


def render(res: dict[str, Any]) -> str:
    th = res["thresholds"]
    ours_all = res["ours"]["all"]
    head = ("metric", "ours zh", "ours en", "ours all", "| base zh", "base en", "base all")
    lines = [
        f"FAQ matcher evaluation: {res['entries']} entries, {res['phrasings']} phrasings, "
        f"{res['dev_questions']} dev questions ({ours_all['n_in_scope']} in scope, "
        f"{ours_all['n_out_of_scope']} out of scope)",
        f"ours: T_ANSWER={th['T_ANSWER']} MARGIN={th['MARGIN']} T_SUGGEST={th['T_SUGGEST']}; "
        f"baseline: WRatio >= {th['baseline']}",
        "",
        _row(head),
    ]
    rows = [
        ("top-1", "top1"),
        ("top-3", "top3"),
        ("answered & right", "answered_right"),
        ("answered & wrong", "answered_wrong"),
        ("OOS declined", "oos_declined"),
        ("in-scope declined", "in_scope_declined"),
    ]
    for label, key in rows:
        o = [_pct(res["ours"][lg][key]) for lg in (*LANGS, "all")]
        b = [_pct(res["baseline"][lg][key]) for lg in (*LANGS, "all")]
        lines.append(_row((label, *o, "| " + b[0], *b[1:])))
    t1, t10 = res["timing"]["1x"], res["timing"]["10x"]
    lines += [
        "",
        _timing_line(res["entries"], t1),
        _timing_line(10 * res["entries"], t10),
        "",
        "targets:",
    ]
    lines += [f"  [{'met' if ok else 'NOT met'}] {name}" for name, ok in targets_met(res).items()]
    return "\n".join(lines)


def render_misses(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        right = o.ranked_ids[:1] == [o.item.expect] if o.item.expect else o.status == "unknown"
        declined_wrongly = o.item.expect is not None and o.status == "unknown"
        if not right or declined_wrongly:
            lines.append(
                f"[{o.item.lang}] {o.item.q!r} expect={o.item.expect} "
                f"got={o.ranked_ids[:3]} status={o.status} score={o.score}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--sweep", action="store_true", help="print thresholds chosen on the dev data"
    )
    parser.add_argument("--misses", action="store_true", help="list wrong/declined dev questions")
    parser.add_argument("--data-dir", type=Path, default=None, help="knowledge data directory")
    parser.add_argument("--dev", type=Path, nargs="*", default=None, help="dev YAML files")
    args = parser.parse_args(argv)
    dev_paths = args.dev or sorted(DEV_DIR.glob("dev_*.yaml"))
    if not dev_paths:
        print(f"no dev sets found in {DEV_DIR}", file=sys.stderr)
        return 2
    kb = load_knowledge(args.data_dir)
    items = load_dev(dev_paths)
    if args.sweep:
        print(json.dumps(sweep(items, rank_ours(kb.matcher, items)), indent=2))
        return 0
    res = evaluate(kb, items)
    outcomes = res.pop("_outcomes")
    if args.json:
        res["targets_met"] = targets_met(res)
        print(json.dumps(res, indent=2, ensure_ascii=False))
    else:
        print(render(res))
    if args.misses:
        print("\nmisses:\n" + render_misses(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
