"""The USE dense layers held as int8 codes give the float32 weights and embeddings back."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from knowledge.loader import load_knowledge
from knowledge.semantic import USE_VOCAB
from knowledge.semantic_use import (
    _backend,
    _compact_rows,
    _resources,
    _tokenizer,
    package_version,
    read_vocab,
    table_rows,
    vocab_key,
)
from knowledge.use_int8 import DENSE, DENSE_LISTS, Int8Matrix, code, held_bytes, side_by_side


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint32)


def test_a_quantised_matrix_is_coded_and_given_back_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    n = rng.integers(-127, 128, (40, 24)).astype(np.float32)
    n[0, 0] = 127  # the largest code is used, as in the package's matrices
    w = n * np.float32(0.0123457)
    coded = Int8Matrix.of(w)
    assert coded is not None and coded.codes.dtype == np.int8
    assert np.array_equal(_bits(coded.dense()), _bits(w))


@pytest.mark.parametrize(
    "w",
    [
        np.random.default_rng(3).standard_normal((16, 8)).astype(np.float32),  # no grid
        np.zeros((4, 4), dtype=np.float32),
        np.array([[1.0, np.nan]], dtype=np.float32),
        np.ones((3, 3), dtype=np.float64),
    ],
)
def test_what_does_not_decode_exactly_stays_as_it_was(w: np.ndarray) -> None:
    assert Int8Matrix.of(w) is None
    assert code(w) is w


def test_parts_side_by_side_keep_their_own_scales() -> None:
    rng = np.random.default_rng(5)
    parts = []
    for scale in (0.5, 0.013, 0.0071):
        n = rng.integers(-127, 128, (6, 5)).astype(np.float32)
        n[0, 0] = -127
        parts.append(n * np.float32(scale))
    joined = side_by_side(parts)
    assert isinstance(joined, Int8Matrix)
    assert np.array_equal(_bits(joined.dense()), _bits(np.concatenate(parts, axis=1)))
    parts[1] = rng.standard_normal((6, 5)).astype(np.float32)  # one part off its grid
    plain = side_by_side(parts)
    assert isinstance(plain, np.ndarray)
    assert np.array_equal(_bits(plain), _bits(np.concatenate(parts, axis=1)))


@pytest.fixture(scope="module")
def backends() -> tuple[Any, Any]:
    """The bot's backend and the same one holding the package's float32 matrices."""
    vocab = read_vocab(USE_VOCAB)
    assert vocab is not None
    rows, n = _compact_rows(vocab["ids"].tolist())
    weights = _resources() / "weights.npz"
    table = table_rows(f"{package_version()}-{vocab_key(vocab)}", weights, rows, n)
    tokenizer = _tokenizer(vocab, rows, n)
    return _backend(weights, tokenizer, table), _backend(weights, tokenizer, table, coded=False)


def test_every_dense_matrix_of_the_package_is_held_coded(backends: tuple[Any, Any]) -> None:
    coded, plain = backends
    for name in DENSE:
        assert isinstance(getattr(coded, f"_stored_{name}"), Int8Matrix), name
        assert np.array_equal(_bits(getattr(coded, name)), _bits(getattr(plain, name))), name
    for name in DENSE_LISTS:
        ours, theirs = getattr(coded, name), getattr(plain, name)
        assert len(ours) == len(theirs) == 3
        for i in range(3):
            assert np.array_equal(_bits(ours[i]), _bits(theirs[i])), (name, i)
    assert held_bytes(coded) < 3.5e6  # 13.5 MB as float32


def test_coded_backend_embeds_bit_for_bit_like_float32_weights(
    backends: tuple[Any, Any],
) -> None:
    """Every FAQ phrasing in batches, as ``ipms kb embed`` does, and benchmark questions and
    random strings one at a time, as the matcher does: the same float32 bits."""
    coded, plain = backends
    kb = load_knowledge()
    phrasings = [q.lower() for e in kb.faq.values() for q in (*e.questions.zh, *e.questions.en)]
    for k in range(0, len(phrasings), 64):
        batch = phrasings[k : k + 64]
        assert np.array_equal(_bits(coded.encode(batch)), _bits(plain.encode(batch))), batch
    questions: list[str] = []
    for path in sorted((Path(__file__).parents[2] / "benchmarks" / "data").glob("*.yaml")):
        questions += [str(row["q"]) for row in yaml.safe_load(path.read_text("utf-8")) or []]
    rng = random.Random(9)
    alphabet = "abcdefghijklmnopqrstuvwxyz   0123456789.,'-贯标知识产权认证审核é ДЖ"
    singles = rng.sample(questions, 400)
    singles += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(50)]
    singles.append("审核 " * 200)  # longer than a micro-batch's token budget
    for text in singles:
        lowered = [text.lower()]
        assert np.array_equal(_bits(coded.encode(lowered)), _bits(plain.encode(lowered))), text


def test_encodes_from_several_threads_share_the_buffer_safely(backends: tuple[Any, Any]) -> None:
    """The coded matrices are made in one buffer per backend: passes take turns."""
    from concurrent.futures import ThreadPoolExecutor

    coded, plain = backends
    texts = [t.lower() for t in TEXTS_FOR_THREADS]
    expected = [_bits(plain.encode([t])) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: _bits(coded.encode([t])), texts * 5))
    for i, bits in enumerate(got):
        assert np.array_equal(bits, expected[i % len(texts)])


TEXTS_FOR_THREADS = [
    "贯标认证大概要多久才能拿证",
    "how long does the surveillance audit take",
    "内审员可以审自己部门吗？",
    "Our certificate EXPIRED last month, can we rescue it",
]
