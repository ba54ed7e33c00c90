"""Answers owners type at the gap assessment, as the walks of 2026-12-03 heard them."""

from __future__ import annotations

import pytest

from flows.natural import AnswerKind, parse_answer


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("没查过", AnswerKind.NO),
        ("不查", AnswerKind.NO),
        ("没审过吧", AnswerKind.NO),
        ("没写下来，都靠口头", AnswerKind.NO),
        ("not written down, no", AnswerKind.NO),
        ("nothing formal", AnswerKind.PARTLY),
    ],
)
def test_owners_short_answers_are_understood(said: str, kind: AnswerKind) -> None:
    assert parse_answer(said) is kind


def test_a_verb_ending_in_dao_is_no_until() -> None:
    from datetime import date

    from flows.natural import parse_date

    found = parse_date("培训3月底做了，全员都签到了", date(2027, 4, 10), "past", "start")
    assert getattr(found, "value", None) == date(2027, 3, 31)
    span = parse_date("3月1号到3月5号", date(2027, 4, 10), "past", "start")
    assert getattr(span, "value", None) == date(2027, 3, 1)  # a real "until" still reads
