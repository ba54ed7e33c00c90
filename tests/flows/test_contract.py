"""The code's ids and text keys exist in the data; the contract lists every id the code names."""

from __future__ import annotations

import re
from pathlib import Path

from flows.contract import CONTRACT, QUESTIONS, STEPS
from knowledge.check import check_knowledge
from knowledge.texts import load_catalogue

FLOWS = Path(__file__).resolve().parents[2] / "flows"
STEP_ID = re.compile(r'"((?:prep|impl|appl|audit|dec|maint)\.[a-z_]+)"')
QUESTION_ID = re.compile(r'"([A-G][0-9]{2})"')
_CALL = r"(?:ctx\.t\(|ctx\.reply\(|ctx\.button\(|texts\.t\([a-z_]+,\s*)"
TEXT_KEY = re.compile(_CALL + r'"([a-z0-9_]+)"')
PREFIX_KEY = re.compile(_CALL + r'f"([a-z0-9_]+_)\{')


def _sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in FLOWS.rglob("*.py")}


def test_every_step_and_question_named_in_code_is_in_the_contract() -> None:
    named_steps = {m for src in _sources().values() for m in STEP_ID.findall(src)}
    named_questions = {m for src in _sources().values() for m in QUESTION_ID.findall(src)}
    assert named_steps <= STEPS, named_steps - STEPS
    assert named_questions <= QUESTIONS, named_questions - QUESTIONS


def test_the_packaged_data_meets_the_contract() -> None:
    assert check_knowledge(contract=CONTRACT) == []


def test_a_missing_step_is_reported(tmp_path: Path) -> None:
    from dataclasses import replace

    broken = replace(CONTRACT, steps=CONTRACT.steps | {"impl.vanished"})
    assert "code needs journey step 'impl.vanished'" in check_knowledge(contract=broken)


def test_every_text_key_used_in_code_exists_in_both_languages() -> None:
    catalogue = load_catalogue()
    keys = catalogue.keys("zh") & catalogue.keys("en")
    used = {k for src in _sources().values() for k in TEXT_KEY.findall(src)}
    assert used, "the scan found no keys: the pattern is wrong"
    assert used <= keys, sorted(used - keys)
    prefixes = {p for src in _sources().values() for p in PREFIX_KEY.findall(src)}
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in keys), prefix
