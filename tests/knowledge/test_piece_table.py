"""``PieceTable`` answers as the dict it replaces."""

from __future__ import annotations

import math
import random

import pytest

from knowledge.piece_table import PieceTable


def test_piece_table_answers_as_a_dict() -> None:
    rng = random.Random(3)
    alphabet = "ab贯标知识产权é\U0001f600"
    keys = list(
        dict.fromkeys("".join(rng.choices(alphabet, k=rng.randint(1, 6))) for _ in range(3000))
    )
    ints = {k: rng.randint(-5, 1 << 30) for k in keys}
    floats = {k: rng.choice([math.nan, rng.uniform(-30, 0)]) for k in keys}
    table_i = PieceTable(list(ints), list(ints.values()))
    table_d = PieceTable(list(floats), list(floats.values()), "d")
    probes = keys + ["".join(rng.choices(alphabet, k=rng.randint(0, 7))) for _ in range(3000)]
    for probe in probes:
        assert table_i.get(probe) == ints.get(probe)
        assert (probe in table_i) == (probe in ints)
        at = table_d.index(probe)
        if probe in floats:
            assert math.isnan(floats[probe]) == math.isnan(table_d.value(at))
            assert math.isnan(floats[probe]) or table_d.value(at) == floats[probe]
        else:
            assert at == -1
    assert len(table_i) == len(ints)
    assert PieceTable([], []).get("a") is None


def test_piece_table_refuses_duplicate_keys() -> None:
    with pytest.raises(ValueError):
        PieceTable(["a", "a"], [1, 2])
