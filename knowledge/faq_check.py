"""The FAQ's part of ``ipms kb check``: house style, phrasing vectors, calibration, the
question-cleaning rules and the out-of-scope vocabulary."""

from __future__ import annotations

from pathlib import Path

from knowledge.faq_decide import FEATURES, PACKAGED_CALIBRATION, Calibration
from knowledge.faq_guard import guard_problems
from knowledge.faq_normalize import query_problems
from knowledge.faq_style import style_problems
from knowledge.faq_words import words_problems
from knowledge.loader import RawData
from knowledge.semantic import SEMANTIC_MODELS, index_problems


def faq_problems(raw: RawData) -> list[str]:
    entries = [e for faq_file in raw.faq_files.values() for e in faq_file.entries]
    authority = [
        f"{e.id}: authority given for a high-confidence answer (it is never shown)"
        for e in entries
        if e.authority is not None and e.confidence == "H"
    ]
    return (
        style_problems(raw)
        + authority
        + index_problems(entries, raw.data_dir)
        + words_problems(entries, raw.glossary, raw.data_dir)
        + _calibration_problems(raw.data_dir)
        + query_problems()
        + guard_problems(entries, raw.glossary)
    )


def _calibration_problems(data_dir: Path) -> list[str]:
    own = Path(data_dir) / "faq" / "index" / "calibration.json"
    path = own if own.is_file() else PACKAGED_CALIBRATION
    try:
        cal = Calibration.load(path)
    except (OSError, ValueError, TypeError) as exc:
        return [f"faq/index/calibration.json: unreadable ({exc})"]
    if cal.models != SEMANTIC_MODELS:
        return [
            f"faq/index/calibration.json: fitted for {list(cal.models)}, but the matcher uses "
            f"{list(SEMANTIC_MODELS)}; run `python benchmarks/faq_eval.py --calibrate`"
        ]
    if len(cal.mean) != len(FEATURES) or len(cal.right_coef) != len(FEATURES) + 1:
        return [
            f"faq/index/calibration.json: fitted on {len(cal.mean)} features, the matcher "
            f"computes {len(FEATURES)}; run `python benchmarks/faq_eval.py --calibrate`"
        ]
    return []
