"""Sibling FAQ entries (round 5): the question is answered and its sibling offered as a button."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


@pytest.mark.parametrize(
    ("lang", "question", "answer_word", "sibling_label"),
    [
        ("zh", "发明人奖励最少要发多少钱", "4000", "必须奖励发明人吗"),
        (
            "en",
            "Are we obliged to reward inventors at all?",
            "inventor",
            "How much must we pay as an inventor reward?",
        ),
    ],
)
def test_a_sibling_question_gets_the_answer_and_the_sibling_as_a_button(
    kb: Knowledge, lang: str, question: str, answer_word: str, sibling_label: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(question)
    said = d.replies[-1].text
    assert answer_word in said.lower()
    labels = [b.label for row in d.replies[-1].buttons for b in row]
    assert sibling_label in labels
