"""`ipms kb check` enforces the house style of texts: 您, full-width, no 贯标 in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.check import check_knowledge
from knowledge.faq_style import en_problems, zh_problems
from knowledge.loader import load_knowledge


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("你先制定计划。", "uses 你"),
        ("先制定计划,再检查。", "ASCII punctuation"),
        ("范围(场所、产品)要写清楚。", "ASCII punctuation"),
        ("更新了体系文件(updated)。", "English word"),
    ],
)
def test_chinese_style_problems(text: str, problem: str) -> None:
    assert any(problem in p for p in zh_problems(text))


@pytest.mark.parametrize(
    "text",
    [
        "请您先制定计划，再检查。",
        "依据GB/T 29490-2023 9.2和ISO/IEC 17021-1，CNAS认可的机构。",
        "自由实施（FTO）分析，详见 grading.imspp.org.cn 。",
    ],
)
def test_clean_chinese_passes(text: str) -> None:
    assert zh_problems(text) == []


def test_english_must_translate_guanbiao() -> None:
    assert en_problems("贯标 takes about a year.")
    assert en_problems("Guanbiao takes about a year.")
    assert en_problems("IPMS certification (贯标) takes about a year.") == []


def test_planted_style_problems_fail_kb_check(mini_copy: Path) -> None:
    faq = mini_copy / "faq" / "part1.yaml"
    _edit(faq, '"先制定计划，再按计划检查并记录。"', '"你先制定计划,再检查。"')
    _edit(faq, '"Usually once a year."', '"贯标 audits come once a year."')
    problems = check_knowledge(mini_copy)
    assert any("faq.internal-audit-how].answer.zh: uses 你" in p for p in problems)
    assert any("faq.internal-audit-how].answer.zh: ASCII punctuation" in p for p in problems)
    assert any("faq.surveillance-when].answer.en: untranslated Chinese" in p for p in problems)


def test_authority_needs_a_footer_to_show_in(mini_copy: Path) -> None:
    faq = mini_copy / "faq" / "part1.yaml"
    _edit(
        faq, "    confidence: M\n", "    confidence: H\n    authority: {zh: 律师, en: a lawyer}\n"
    )
    assert any(
        "authority given for a high-confidence answer" in p for p in check_knowledge(mini_copy)
    )


def test_the_first_phrasing_of_every_answer_reads_as_a_title() -> None:
    """Related questions are labelled with an entry's first phrasing: "internal audit
    procedure and steps" read like a search, not a question."""
    for entry in load_knowledge().faq.values():
        first = entry.questions.en[0]
        assert first[0].isupper() and first.rstrip().endswith("?"), (entry.id, first)
