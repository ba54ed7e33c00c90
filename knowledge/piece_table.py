"""``PieceTable``: a read-only ``{str: number}`` as a few flat arrays, not a dict.

Held for good by the FAQ matcher: the USE tokenizer's ~25,000 pieces (-> table row), the
word segmenter's ~14,000 words and prefixes (-> route score) and the lexical index's ~17,000
features (-> feature number). As dicts they held 3.6, 1.4 and 1.6 MB (tracemalloc): a str
object per key, a number object per value and the dict's own table. Here the keys are one
string end to end, with their end offsets, hashes and values in arrays, and an
open-addressing slot array over the hashes: about a quarter of that. A look-up answers
exactly as the dict did (a hash match is confirmed by comparing the text), at a few hundred
nanoseconds instead of tens: a few dozen microseconds per question.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence


class PieceTable:
    """``{key: value}`` for ``get``, ``[]``, ``in`` and ``len``; keys unique, values of one array
    typecode (``"i"``: ints, ``"d"``: floats)."""

    __slots__ = ("_ends", "_hashes", "_mask", "_slots", "_text", "_values")

    def __init__(self, keys: Sequence[str], values: Sequence[float], typecode: str = "i") -> None:
        if len(keys) != len(values) or len(set(keys)) != len(keys):
            raise ValueError("keys must be unique, one value each")
        self._text = "".join(keys)
        # Key k is _text[_ends[k]:_ends[k + 1]]; its hash and value are at k.
        self._ends = array("I", [0])
        for key in keys:
            self._ends.append(self._ends[-1] + len(key))
        self._hashes = array("q", [hash(k) for k in keys])
        self._values = array(typecode, values)
        size = 1 << max(4, (2 * len(keys)).bit_length())  # at most half full
        self._mask = size - 1
        self._slots = array("i", [-1]) * size
        for k, h in enumerate(self._hashes):
            slot = h & self._mask
            while self._slots[slot] >= 0:
                slot = (slot + 1) & self._mask
            self._slots[slot] = k

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.index(key) >= 0

    def index(self, key: str) -> int:
        """The key's position (``value(k)`` reads its value); -1 when it is not a key."""
        h = hash(key)
        mask, slots, hashes = self._mask, self._slots, self._hashes
        slot = h & mask
        k = slots[slot]
        while k >= 0:
            if hashes[k] == h:
                ends = self._ends
                if self._text[ends[k] : ends[k + 1]] == key:
                    return k
            slot = (slot + 1) & mask
            k = slots[slot]
        return -1

    def __getitem__(self, key: str) -> float:
        k = self.index(key)
        if k < 0:
            raise KeyError(key)
        return self._values[k]

    def value(self, k: int) -> float:
        return self._values[k]

    def get(self, key: str) -> float | None:
        k = self.index(key)
        return None if k < 0 else self._values[k]
