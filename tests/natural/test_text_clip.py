"""Long titles shown in /next and /reminders are cut at a word."""

from __future__ import annotations

from flows.natural.text import clip


def test_a_long_title_is_cut_at_a_word() -> None:
    said = "training attendance records for the production staff were incomplete and unsigned"
    cut = clip(said, 60)
    assert cut.endswith("…") and len(cut) <= 60 and said.startswith(cut[:-1])
    assert said[len(cut) - 1] == " "  # the word before "…" is whole
