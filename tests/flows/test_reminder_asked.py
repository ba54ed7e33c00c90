"""A reminder asked for ahead of an event: when the automatic ones come, never a date read."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import assess_and_plan


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("en", "remind me 2 weeks before the internal audit", "30, 7 and 1 days before"),
     ("zh", "内审前一周提醒我一下", "提前 30、7、1 天提醒您"),
     ("zh", "提前提醒我管评", "提前 14、7、1 天提醒您")],
)  # fmt: skip
def test_a_reminder_asked_for_says_when_the_automatic_ones_come(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    events = list(d.conv.company.events)
    d.text(said)
    assert reply in d.said(), d.said()
    assert d.conv.company.events == events  # nothing recorded
    assert not any(b.data.startswith("2|fact|") for b in d.buttons)  # no date read back


def test_a_reminder_asked_for_an_event_without_a_date_asks_for_it(en: Driver) -> None:
    en.onboard()
    en.text("remind me before stage 1")
    assert "has no date yet" in en.said(), en.said()


def test_mgmt_is_management(en: Driver) -> None:
    en.onboard()
    assess_and_plan(en)
    en.text("mgmt review done last friday")
    assert "Management review" in en.said() and "contract" not in en.said(), en.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "别每天都发，一周一次就行"), ("zh", "提醒太多了，一周提醒一次就行"),
     ("en", "once a week is enough please")],
)  # fmt: skip
def test_fewer_reminders_asked_for_says_when_they_come_and_pauses_nothing(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    d.text(said)
    assert "/pause" in d.said() and "/resume" in d.said(), d.said()
    assert d.conv.user.reminders_paused_from is None  # nothing paused on a guess
