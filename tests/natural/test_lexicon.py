"""The lexicon file is validated with readable errors, and `knowledge` stays independent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.lexicon import LEXICON_FILE, load_lexicon
from knowledge.loader import PACKAGED_DATA_DIR, KnowledgeError


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    shutil.copy(PACKAGED_DATA_DIR / LEXICON_FILE, tmp_path / LEXICON_FILE)
    return tmp_path


def _edit(d: Path, old: str, new: str) -> None:
    path = d / LEXICON_FILE
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_packaged_lexicon_loads_folded() -> None:
    lex = load_lexicon()
    assert "n/a" in lex.answers.kinds["na"].en
    assert "软件" in lex.synonyms("industry", "software")
    assert lex.synonyms("industry", "nope") == ()


def test_a_phrase_under_two_answer_kinds_is_refused(lexicon_copy: Path) -> None:
    _edit(lexicon_copy, "zh: [没有, 没,", "zh: [有, 没有, 没,")
    with pytest.raises(KnowledgeError, match="'有' is listed under both yes and no"):
        load_lexicon(lexicon_copy)


def test_an_unquoted_yes_is_refused_with_a_hint(lexicon_copy: Path) -> None:
    _edit(lexicon_copy, 'en: ["yes", yep', "en: [yes, yep")
    with pytest.raises(KnowledgeError, match="quote it in the YAML file"):
        load_lexicon(lexicon_copy)


def test_an_unknown_time_zone_is_refused(lexicon_copy: Path) -> None:
    _edit(lexicon_copy, "zone: Asia/Tokyo", "zone: Asia/Tokio")
    with pytest.raises(KnowledgeError, match="unknown time zone 'Asia/Tokio'") as exc:
        load_lexicon(lexicon_copy)
    assert "timezones.places" in str(exc.value)


def test_a_synonym_of_two_options_is_refused(lexicon_copy: Path) -> None:
    _edit(lexicon_copy, "electronics: [电子,", "electronics: [制造, 电子,")
    with pytest.raises(
        KnowledgeError, match="'制造' is a synonym of manufacturing and electronics"
    ):
        load_lexicon(lexicon_copy)


def test_knowledge_does_not_import_flows() -> None:
    code = "import sys, knowledge.lexicon; print(any(m.startswith('flows') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
