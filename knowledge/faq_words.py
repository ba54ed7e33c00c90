"""A small jieba dictionary for the FAQ's Chinese words: 0.3 MB resident instead of 73 MB.

jieba's own dictionary (349,000 words) costs ~73 MB once loaded. The lexical matcher only
needs words to be cut the same way in questions and in phrasings, so it segments with
``faq/index/jieba-words.txt``: every dictionary word that occurs in the FAQ (phrasings,
answers) or the glossary, plus the dictionary's frequent words (``MIN_FREQ``). A question's
word outside that list is cut by jieba's HMM as before, so it still counts as a word the FAQ
does not know. Measured on dev + held-out (benchmarks/README.md): the same Chinese lexical
top-1 as the full dictionary.

``ipms kb embed`` writes the file; ``ipms kb check`` reports it when it no longer matches the
FAQ. Without it the matcher falls back to jieba's full dictionary (and logs a warning).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.schema import FaqEntry, Glossary

__all__ = [
    "MIN_FREQ",
    "expected_words",
    "segment",
    "segmenter",
    "words_path",
    "words_problems",
    "write_words",
]

log = logging.getLogger(__name__)
MIN_FREQ = 500  # jieba's frequency count; ~13,000 words with the FAQ's own
MAX_WORD = 12


def words_path(data_dir: Path) -> Path:
    return Path(data_dir) / "faq" / "index" / "jieba-words.txt"


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _substrings(entries: Sequence[FaqEntry], glossary: Glossary) -> set[str]:
    """Every substring (up to ``MAX_WORD`` characters) of the FAQ's and glossary's texts."""
    texts: list[str] = []
    for e in entries:
        texts += [*e.questions.zh, *e.questions.en, e.answer.zh]
    for t in glossary.terms:
        texts += [t.zh, *t.variants]
    out: set[str] = set()
    for text in texts:
        for i in range(len(text)):
            out.update(text[i:j] for j in range(i + 1, min(len(text), i + MAX_WORD) + 1))
    return out


def expected_words(entries: Sequence[FaqEntry], glossary: Glossary) -> list[str]:
    """The dictionary lines (``word freq tag``) the FAQ needs, in jieba's order."""
    jieba = _jieba()
    corpus = _substrings(entries, glossary)
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if int(freq) >= MIN_FREQ or word in corpus:
                lines.append(line.rstrip("\n"))
    return lines


def write_words(entries: Sequence[FaqEntry], glossary: Glossary, data_dir: Path) -> Path:
    path = words_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(expected_words(entries, glossary)) + "\n", encoding="utf-8")
    return path


def words_problems(entries: Sequence[FaqEntry], glossary: Glossary, data_dir: Path) -> list[str]:
    path = words_path(data_dir)
    if not path.is_file():
        return ["faq/index/jieba-words.txt: missing; run `ipms kb embed`"]
    stored = path.read_text("utf-8").splitlines()
    if stored != expected_words(entries, glossary):
        return ["faq/index/jieba-words.txt: stale (FAQ wording changed); run `ipms kb embed`"]
    return []


@lru_cache(maxsize=4)
def segmenter(path: Path | None) -> Any:
    """A jieba tokenizer over the word list at ``path`` (the full dictionary without one)."""
    jieba = _jieba()
    if path is None or not Path(path).is_file():
        log.warning("FAQ word list %s missing: segmenting with jieba's full dictionary", path)
        return jieba.dt
    tokenizer = jieba.Tokenizer(dictionary=str(path))
    tokenizer.initialize()
    return tokenizer


def segment(tokenizer: Any, text: str) -> list[str]:
    return list(tokenizer.lcut(text, HMM=True))
