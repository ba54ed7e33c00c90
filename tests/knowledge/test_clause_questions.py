"""Clause questions are answered from the clause catalogue, with its uncertainty."""

from __future__ import annotations

import pytest

from knowledge.answers import confidence_note
from knowledge.ask import format_answer
from knowledge.faq_clauses import parse_clause_question
from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "clause_id"),
    [
        ("9.2条款要求什么", "2023:9.2"),
        ("第7章讲什么", "2023:7"),
        ("GB/T 29490-2023 9.2是什么", "2023:9.2"),
        ("what does clause 7.3 require?", "2023:7.3"),
        ("section 10.2 of the standard", "2023:10.2"),
    ],
)
def test_clause_question_is_answered_from_the_catalogue(
    kb: Knowledge, text: str, clause_id: str
) -> None:
    match = kb.matcher.match(text)
    assert match.status == "answered"
    assert match.entry is not None and match.entry.id == f"clause.{clause_id}"
    clause = kb.clauses[clause_id]
    lang = "zh" if any(ord(c) > 0x3000 for c in text) else "en"
    assert clause.summary.get(lang) in match.entry.answer.get(lang)
    assert match.entry.confidence == clause.confidence


def test_old_edition_question_gives_the_mapping(kb: Knowledge) -> None:
    match = kb.matcher.match("2013版的5.3对应新版哪条")
    assert match.entry is not None and match.entry.id == "clause.2013:5.3"
    answer = match.entry.answer.zh
    for target in kb.clauses["2013:5.3"].maps_to:
        assert f"{kb.clauses[target].number}「{kb.clauses[target].title.zh}」" in answer
    assert "2013版" in answer and "不再作为认证依据" in answer  # the edition's status is said


def test_uncertain_clause_number_says_so(kb: Knowledge) -> None:
    match = kb.matcher.match("8.2条款要求什么")
    assert match.entry is not None and match.entry.confidence == "L"
    assert "编号是按公开资料推断的" in match.entry.answer.zh
    assert confidence_note(match.entry, "zh") is not None
    # The citation line shows only the chapter the catalogue is sure of.
    text = format_answer(kb, match.entry, "en")
    assert "GB/T 29490-2023 8 " in text and "8.2" not in text.split("Clause:")[1]


@pytest.mark.parametrize(
    "text",
    [
        "内审对应9.2条款，一年要做几次",  # mentions a clause, asks something else
        "贯标要3个月吗",
        "2.5万够吗",
        "9.2",
    ],
)
def test_other_texts_are_not_clause_questions(text: str) -> None:
    assert parse_clause_question(text) is None


def test_uncatalogued_clause_falls_back_to_the_faq(kb: Knowledge) -> None:
    match = kb.matcher.match("12.9条款要求什么")
    assert match.entry is None or not match.entry.id.startswith("clause.")


@pytest.mark.parametrize(
    ("text", "edition"),
    [("2013版5.3条对应2023版的什么", "2013"), ("2023版4.5对应2013版哪条", "2023")],
)
def test_with_both_editions_named_the_clause_is_of_the_one_before_its_number(
    text: str, edition: str
) -> None:
    parsed = parse_clause_question(text)
    assert parsed is not None and parsed[0] == edition and parsed[2]  # a mapping is asked
