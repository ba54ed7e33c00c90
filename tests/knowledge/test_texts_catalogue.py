"""The text catalogue's own checks: languages agree, house style, broken files reported."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.texts import TEXTS_DIR, Catalogue, _plain, _Value, load_catalogue, placeholders
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


def _wrapped(text: str, values: dict[str, object]) -> str:
    """How every text was formatted before round 8: each value wrapped in ``_Value``."""
    return text.format_map({k: _Value(v) for k, v in values.items()})


def test_every_text_renders_as_with_every_value_wrapped() -> None:
    """Plain templates go straight to ``str.format_map``: for every text of the catalogue,
    with several representative values per field, the same text as before (or the same
    error)."""
    catalogue = load_catalogue()
    samples: list[object] = [0, 1, 2, 12, 3.5, "ACME 中知", "", date(2026, 12, 3), -1]
    plain = 0
    for lang, texts in catalogue.texts.items():
        for key, text in texts.items():
            plain += _plain(text)
            names = sorted(placeholders(text))
            for k, sample in enumerate(samples):
                values = {n: samples[(k + i) % len(samples)] for i, n in enumerate(names)}
                values["unused"] = sample
                try:
                    expected: object = _wrapped(text, values)
                except (ValueError, TypeError) as exc:
                    expected = type(exc)
                try:
                    got: object = catalogue.t(lang, key, **values)
                except (ValueError, TypeError) as exc:
                    got = type(exc)
                assert got == expected, (lang, key, values)
    assert plain > 0.8 * sum(len(t) for t in catalogue.texts.values())


def test_plural_and_unusual_fields_keep_the_wrapper() -> None:
    assert _plain("{n} {company}")
    assert _plain("{n:>3} {x:.1f}")
    assert not _plain("{n} {n:~day|days}")
    assert not _plain("{n!r}")
    assert not _plain("{user.name}")
    assert not _plain("{n:{width}}")
    assert not _plain("{0}")
    assert not _plain("unclosed {")
    catalogue = Catalogue({"en": {"k": "{n} {n:~day|days}"}, "zh": {}})
    assert catalogue.t("en", "k", n=1) == "1 day"
    assert catalogue.t("en", "k", n=3) == "3 days"
