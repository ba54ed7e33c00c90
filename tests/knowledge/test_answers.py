"""Footers name who decides, citations do not overstate uncertain clause numbers."""

from __future__ import annotations

import pytest

from knowledge.answers import cite, confidence_note
from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("entry_id", "zh", "en"),
    [
        ("faq.fee-deadlines", "国家知识产权局", "CNIPA"),
        ("faq.subsidy-guanbiao", "当地知识产权局或科技局", "science and technology bureau"),
        ("faq.hte-relevance", "科技", "science and technology bureau"),
        ("faq.audit-preparation", "认证机构", "certification body"),  # default: the CB
    ],
)
def test_medium_confidence_footer_names_the_right_authority(
    kb: Knowledge, entry_id: str, zh: str, en: str
) -> None:
    entry = kb.faq[entry_id]
    assert entry.confidence == "M"
    note_zh, note_en = confidence_note(entry, "zh"), confidence_note(entry, "en")
    assert note_zh is not None and zh in note_zh and "你" not in note_zh
    assert note_en is not None and en in note_en
    if entry.authority is not None:
        assert "认证机构" not in note_zh and "certification body" not in note_en


def test_high_confidence_answer_has_no_footer(kb: Knowledge) -> None:
    assert confidence_note(kb.faq["faq.what-is-guanbiao"], "zh") is None


def test_uncertain_sub_clause_is_cited_as_its_chapter(kb: Knowledge) -> None:
    assert kb.clauses["2023:8.2"].confidence == "L"
    assert cite(kb, ["2023:8.2", "2013:7.2"], "en") == (
        "GB/T 29490-2023 8; GB/T 29490-2013 (superseded) 7.2"
    )
    assert cite(kb, ["2023:8.2", "2023:8.3"], "zh") == "GB/T 29490-2023 8"
    assert cite(kb, ["2023:9.2"], "zh") == "GB/T 29490-2023 9.2"  # sure numbers stay


def test_no_faq_entry_cites_an_uncertain_number(kb: Knowledge) -> None:
    for entry in kb.faq.values():
        for lang in ("zh", "en"):
            text = cite(kb, entry.clauses, lang)  # type: ignore[arg-type]
            for clause_id in entry.clauses:
                clause = kb.clauses[clause_id]
                if clause.confidence == "L" and clause.number != clause.chapter:
                    parts = text.replace("；", "; ").split("; ")
                    part = next(p for p in parts if f"-{clause.edition}" in p)
                    assert clause.number not in part.split(" ", 2)[-1], (entry.id, text)
