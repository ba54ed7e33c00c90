"""``WordSegmenter`` (jieba's accurate mode with HMM, ported) cuts exactly as jieba does."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.faq_lexical import LexicalMatcher
from knowledge.faq_words import (
    _RE_HAN,
    _RE_HMM_HAN,
    _RE_HMM_SKIP,
    _RE_SKIP,
    WordSegmenter,
    _hmm_model,
    segment,
    segmenter,
    words_path,
)
from knowledge.loader import Knowledge
from knowledge.text import TOKEN_RE

BENCH_DATA = Path(__file__).parents[2] / "benchmarks" / "data"


@pytest.fixture(scope="module")
def both(kb: Knowledge) -> tuple[WordSegmenter, object]:
    import jieba

    path = words_path(kb.data_dir)
    theirs = jieba.Tokenizer(dictionary=str(path))
    theirs.initialize()
    return WordSegmenter(path), theirs


def _texts(kb: Knowledge) -> list[str]:
    texts: list[str] = []
    for e in kb.faq.values():
        texts += [*e.questions.zh, *e.questions.en, e.answer.zh]
    for t in kb.glossary.terms:
        texts += [t.zh, t.en, *t.variants]
    for path in sorted(BENCH_DATA.glob("*.yaml")):
        texts += [str(row["q"]) for row in yaml.safe_load(path.read_text("utf-8")) or []]
    return texts


def test_patterns_and_hmm_tables_are_jiebas() -> None:
    import jieba
    from jieba import finalseg

    assert _RE_HAN.pattern == jieba.re_han_default.pattern
    assert _RE_SKIP.pattern == jieba.re_skip_default.pattern
    assert _RE_HMM_HAN.pattern == finalseg.re_han.pattern
    assert _RE_HMM_SKIP.pattern == finalseg.re_skip.pattern
    start, trans, emit = _hmm_model()
    assert start == finalseg.start_P
    assert trans == finalseg.trans_P
    for s, state in enumerate("BMES"):
        for code in range(0x4E00, 0x9FD6):
            expected = finalseg.emit_P[state].get(chr(code), finalseg.MIN_FLOAT)
            assert emit[4 * (code - 0x4E00) + s] == expected


def test_same_words_as_jieba_on_every_faq_text_and_benchmark_question(
    kb: Knowledge, both: tuple[WordSegmenter, object]
) -> None:
    ours, theirs = both
    lexical = LexicalMatcher(list(kb.faq.values())[:1], kb.glossary, words=words_path(kb.data_dir))
    texts = _texts(kb)
    # What the matcher cuts: the Chinese runs of the prepared text (and the raw texts too).
    runs = [cjk for t in texts for _, cjk, _ in TOKEN_RE.findall(lexical.prepare(t)) if cjk]
    assert len(texts) > 5_000 and len(runs) > 5_000
    for text in (*texts, *runs):
        assert ours.lcut(text) == theirs.lcut(text, HMM=True), text  # type: ignore[attr-defined]


def test_same_words_as_jieba_on_random_strings(
    kb: Knowledge, both: tuple[WordSegmenter, object]
) -> None:
    ours, theirs = both
    rng = random.Random(8)
    han = [chr(c) for c in range(0x4E00, 0x9FD6)]
    mixed = (
        "贯标知识产权管理体系认证审核内部年审证书换证的了吗什么多久"
        + "abXZ09 .-%#&_+\r\n\t，？㐀鿿豈"
    )
    texts = _texts(kb)
    samples = []
    for _ in range(3_000):
        pool = han if rng.random() < 0.5 else mixed
        samples.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 30))))
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        samples.append(text[start : start + rng.randint(1, 40)])
    for text in samples:
        assert ours.lcut(text) == theirs.lcut(text, HMM=True), text  # type: ignore[attr-defined]


def test_the_word_list_segmenter_is_the_port(kb: Knowledge) -> None:
    small = segmenter(words_path(kb.data_dir))
    assert isinstance(small, WordSegmenter)
    assert segment(small, "知识产权管理体系认证证书") == ["知识产权", "管理体系", "认证", "证书"]
    with pytest.raises(ValueError):
        small.lcut("贯标", HMM=False)


def test_bad_word_list_line_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("贯标 10 n\n知识产权\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Line 2"):
        WordSegmenter(path)


def test_the_matcher_does_not_import_jieba() -> None:
    code = (
        "import sys; from knowledge.matcher import warm_up; warm_up(); "
        "print(sorted(m for m in ('jieba', 'pkg_resources') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
