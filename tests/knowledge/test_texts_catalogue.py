"""The text catalogue's own checks: languages agree, house style, broken files reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.texts import TEXTS_DIR
from knowledge.texts_check import check_texts


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "texts"
    shutil.copytree(TEXTS_DIR, target)
    return target


def test_the_packaged_catalogue_is_clean() -> None:
    assert check_texts() == []


def test_style_and_agreement_problems_are_reported(tmp_path: Path) -> None:
    texts = _copy(tmp_path)
    (texts / "zh" / "zz.yaml").write_text(
        "odd: 你好,世界 {name}\nonly_zh: 中文\n", encoding="utf-8"
    )
    (texts / "en" / "zz.yaml").write_text("odd: Hello world\n", encoding="utf-8")
    problems = "\n".join(check_texts(texts))
    assert "use 您" in problems and "ASCII ','" in problems
    assert "placeholders differ" in problems and "only_zh is missing" in problems


def test_a_broken_file_is_one_clear_problem_not_a_traceback(tmp_path: Path) -> None:
    texts = _copy(tmp_path)
    (texts / "en" / "zz.yaml").write_text("key: 'it's broken'\n", encoding="utf-8")
    problems = check_texts(texts)
    assert any("zz.yaml: not valid YAML" in p for p in problems)


@pytest.mark.parametrize(("n", "said"), [(1, "overdue by 1 day)"), (3, "overdue by 3 days)")])
def test_english_counts_agree_with_their_nouns(n: int, said: str) -> None:
    from knowledge.texts import load_catalogue

    texts = load_catalogue()
    assert said in texts.t("en", "overdue_by", date="2027-01-04", days=n)
    assert "（已逾期" in texts.t("zh", "overdue_by", date="2027-01-04", days=n)
