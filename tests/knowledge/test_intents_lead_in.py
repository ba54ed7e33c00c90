"""Intents said after a greeting or an apology, as owners come back (walks of 2026-12-03)."""

from __future__ import annotations

import pytest

from knowledge.intents import Intent, detect_intent


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("hey, whats next for us", Intent.NEXT),
        ("hi, sorry was busy with year end. where are we", Intent.WHERE),
        ("sorry we were busy with the audit, whats next", Intent.NEXT),
    ],
)
def test_a_lead_in_is_read_past(said: str, intent: Intent) -> None:
    assert detect_intent(said) is intent


def test_a_long_question_is_still_no_intent() -> None:
    assert (
        detect_intent("hi, what is next year's fee for the surveillance audit in our city") is None
    )
