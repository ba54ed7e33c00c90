"""The USE network's dense matrices held as int8 codes: 3.4 MB instead of 13.5 MB.

The package ships its weights dequantised to float32, but every element of each dense
matrix is still ``float32(n) * scale`` for an integer ``n`` in [-127, 127] and one float32
``scale`` per matrix (symmetric 8-bit quantisation). Holding ``n`` as int8 and the scale
gives back the very same float32 matrix (``codes.astype(float32) * scale``: one rounding, as
when the package made it), so the forward pass multiplies by the same numbers and returns
the same bits. The matrix is made when the pass reads it (~0.1 ms per MB on this machine),
in one buffer the size of the largest (2.6 MB) that every matrix takes in turn and whose
pages are given back after the pass. A matrix that does not decode exactly is kept as
float32.
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "DENSE",
    "DENSE_LISTS",
    "Int8Matrix",
    "code",
    "held_bytes",
    "int8_backend_class",
    "side_by_side",
]

# The package backend's attributes that are dense matrices (and lists of them).
DENSE = ("proj_W", "cnn_W", "d0", "d1", "d2", "d3", "p1", "p3")
DENSE_LISTS = ("w1", "w2")


class Int8Matrix:
    """``codes.astype(float32) * scale``; ``scale`` is a float32 scalar or one per column."""

    __slots__ = ("codes", "scale")

    def __init__(self, codes: np.ndarray, scale: np.ndarray | np.float32) -> None:
        self.codes, self.scale = codes, scale

    @classmethod
    def of(cls, w: np.ndarray) -> Int8Matrix | None:
        """``w`` as codes and one scale, or None when no scale gives it back bit for bit."""
        if w.dtype != np.float32 or w.ndim != 2 or not w.size:
            return None
        top = np.float32(max(float(w.max()), -float(w.min())))
        if not np.isfinite(top) or top == 0:
            return None
        guess = np.float32(top / np.float32(127))
        for scale in (guess, np.nextafter(guess, np.float32(0)), np.nextafter(guess, top)):
            codes = _codes(w, np.float32(scale))
            if codes is not None:
                return cls(codes, np.float32(scale))
        return None

    @classmethod
    def side_by_side(cls, parts: Sequence[Int8Matrix]) -> Int8Matrix:
        """The parts concatenated along columns, each column keeping its part's scale."""
        codes = np.concatenate([p.codes for p in parts], axis=1)
        scale = np.concatenate(
            [np.full(p.codes.shape[1], p.scale, dtype=np.float32) for p in parts]
        )
        return cls(codes, scale)

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + np.asarray(self.scale).nbytes)

    def dense(self) -> np.ndarray:
        out = self.codes.astype(np.float32)
        out *= self.scale
        return out


Stored = Int8Matrix | np.ndarray


def code(w: np.ndarray) -> Stored:
    """``w`` as an ``Int8Matrix`` when it decodes to the same bits, else ``w`` itself."""
    coded = Int8Matrix.of(w)
    return w if coded is None else coded


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.shape == b.shape and bool(np.array_equal(a.view(np.uint32), b.view(np.uint32)))


_ROWS = 64  # rows coded at a time: the start-up transient stays small next to the matrix


def _codes(w: np.ndarray, scale: np.float32) -> np.ndarray | None:
    """``n`` with ``float32(n) * scale == w`` bit for bit, or None."""
    codes = np.empty(w.shape, dtype=np.int8)
    for start in range(0, len(w), _ROWS):
        block = w[start : start + _ROWS]
        n = np.rint(block / scale)
        if n.max() > 127 or n.min() < -127:
            return None
        codes[start : start + _ROWS] = n
        back = codes[start : start + _ROWS].astype(np.float32)
        back *= scale
        if not _same_bits(back, block):
            return None
    return codes


def _stored(value: Stored) -> Stored:
    return value if isinstance(value, Int8Matrix) else code(value)


def side_by_side(parts: Sequence[np.ndarray]) -> Stored:
    """``np.concatenate(parts, axis=1)``, coded when every part codes."""
    coded = [Int8Matrix.of(p) for p in parts]
    if all(c is not None for c in coded):
        return Int8Matrix.side_by_side([c for c in coded if c is not None])
    return np.concatenate(parts, axis=1)


class Scratch:
    """The one float32 buffer a backend's coded matrices are made in, each in turn.

    The package's pass reads every dense matrix in one expression and is done with it
    before it reads the next, so one buffer the size of the largest (2.6 MB) serves them
    all. It is an anonymous mapping whose pages go back to the system after every pass
    (``release``; ~640 page faults, a fraction of a millisecond, on the next): a new array
    per matrix would cost the same bits but not the same memory, as glibc keeps freed
    blocks of that size in its heap (its mmap threshold rises to them; the process grew
    ~3.6 MB over the first FAQ questions), and a buffer kept would hold 2.6 MB for good.
    ``lock``: one pass at a time per backend, as the buffer is shared."""

    __slots__ = ("_map", "buffer", "lock")

    def __init__(self) -> None:
        self._map: mmap.mmap | None = None
        self.buffer = np.empty(0, dtype=np.float32)
        self.lock = threading.Lock()

    def dense(self, stored: Stored) -> np.ndarray:
        if not isinstance(stored, Int8Matrix):
            return stored
        codes = stored.codes
        if self.buffer.size < codes.size:
            self.buffer = np.empty(0, dtype=np.float32)  # the old mapping's only view
            self._map = mmap.mmap(-1, 4 * codes.size)
            self.buffer = np.frombuffer(self._map, dtype=np.float32)
        out = self.buffer[: codes.size].reshape(codes.shape)
        out[...] = codes  # int8 -> float32: exact
        out *= stored.scale  # one rounding, as Int8Matrix.dense()
        return out

    def release(self) -> None:
        """The buffer's pages back to the system (Linux; elsewhere they stay)."""
        advice = getattr(mmap, "MADV_DONTNEED", None)
        if self._map is not None and advice is not None:
            self._map.madvise(advice)


def _scratch(backend: Any) -> Scratch:
    scratch: Scratch = backend.__dict__.setdefault("_scratch", Scratch())
    return scratch


class _Matrices:
    """A list of stored matrices read as float32 one at a time (``backend.w1[i]``)."""

    __slots__ = ("_items", "_scratch")

    def __init__(self, items: Sequence[Stored], scratch: Scratch) -> None:
        self._items = tuple(items)
        self._scratch = scratch

    def __getitem__(self, i: int) -> np.ndarray:
        return self._scratch.dense(self._items[i])

    def __len__(self) -> int:
        return len(self._items)

    def stored(self) -> tuple[Stored, ...]:
        return self._items


class _DenseWeight:
    """A backend attribute stored coded: set with float32, read back as the same float32
    (in the backend's scratch buffer, valid until the next matrix is read)."""

    def __init__(self, listed: bool = False) -> None:
        self.listed = listed

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_stored_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        stored = getattr(obj, self.slot)
        return stored if self.listed else _scratch(obj).dense(stored)

    def __set__(self, obj: Any, value: Any) -> None:
        if self.listed:
            setattr(obj, self.slot, _Matrices([_stored(v) for v in value], _scratch(obj)))
        else:
            setattr(obj, self.slot, _stored(value))


@lru_cache(maxsize=2)
def int8_backend_class(base: type) -> type:
    """``base`` (the package's ``NumpyBackend``) whose dense matrices are held coded; its
    forward pass is the package's own, unchanged, one at a time per backend."""

    def encode(self: Any, texts: Sequence[str]) -> Any:
        scratch = _scratch(self)
        with scratch.lock:
            try:
                return base.encode(self, texts)  # type: ignore[attr-defined]
            finally:
                scratch.release()

    namespace: dict[str, Any] = {name: _DenseWeight() for name in DENSE}
    namespace |= {name: _DenseWeight(listed=True) for name in DENSE_LISTS}
    namespace["encode"] = encode
    namespace["__doc__"] = "The package's backend over int8-coded dense matrices."
    return type("Int8Backend", (base,), namespace)


def held_bytes(backend: Any) -> int:
    """Bytes the backend's dense matrices hold (coded or not)."""
    total = 0
    for name in DENSE:
        stored = getattr(backend, f"_stored_{name}")
        total += stored.nbytes
    for name in DENSE_LISTS:
        total += sum(s.nbytes for s in getattr(backend, f"_stored_{name}").stored())
    return total
