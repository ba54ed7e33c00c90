"""Work reported as owners say it, in a sentence with people and days in it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to


def _planned(kb: Knowledge, lang: str, met: tuple[str, ...] = ()) -> Driver:
    """A plan for every gap of the quick assessment but those answered ``met``."""
    d = Driver(kb, lang)
    d.onboard()
    d.press("2|as.start")
    d.answer_all("n", dict.fromkeys(met, "y"), full=False)
    d.press("2|pl.make")
    if d.conv.user.pending is not None:  # a target date is asked: the earliest offered
        d.press(d.buttons[0].data)
    assert d.conv.company.actions
    return d


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "we appointed Li as management rep last week"),
     ("zh", "上周任命了李工当管代")],
)  # fmt: skip
def test_an_appointment_told_with_the_persons_name_is_read_back(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = _planned(kb, lang)
    d.text(said)
    appoint = next(a for a in d.conv.company.actions if a.question_id == "B06")
    assert (appoint.title_en if lang == "en" else appoint.title_zh) in d.said(), d.said()
    assert appoint.done_on is None  # read back first
    d.text("yes" if lang == "en" else "对")
    appoint = next(a for a in d.conv.company.actions if a.question_id == "B06")
    assert appoint.done_on is not None, d.said()


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("en", "the boss signed the IP policy yesterday", "already counted this as in place"),
     ("zh", "老板昨天把方针签了", "已经算作具备")],
)  # fmt: skip
def test_work_the_assessment_counted_in_place_is_acknowledged_not_looked_up(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    d = _planned(kb, lang, met=("B01",))
    before = d.conv.model_copy(deep=True)
    d.text(said)
    assert reply in d.said(), d.said()
    assert d.conv.company.actions == before.company.actions
    assert d.conv.company.answers == before.company.answers


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "what's overdue?"), ("zh", "哪些逾期了"), ("en", "anything overdue?")]
)
def test_asking_what_is_overdue_lists_it(kb: Knowledge, lang: str, said: str) -> None:
    d = _planned(kb, lang)
    late = min(d.conv.company.actions, key=lambda a: a.due)
    advance_to(d, late.due + timedelta(days=10))
    d.cmd("next")  # the card of what's next on screen, its offer waiting
    d.text(said)
    assert (late.title_en if lang == "en" else late.title_zh) in d.said(), d.said()
    assert "1. " in d.said() and "?" not in d.said().splitlines()[0]
    assert "👉" not in d.said(), d.said()  # the card is not shown a second time


def test_handing_over_words_that_fit_two_actions_asks_which(kb: Knowledge) -> None:
    """ "台账" is the IP ledger and the nonconformity log alike: which one, or both."""
    d = _planned(kb, "zh")
    d.text("把台账交给人事")
    choices = [b for b in d.buttons if b.data.startswith("2|pl.owner|")]
    assert len(choices) == 3, d.said()  # each of the two, and both
    ledgers = [a.id for a in d.conv.company.actions if "台账" in a.title_zh]
    d.press(choices[0].data)
    owners = [a.owner_role_zh for a in d.conv.company.actions if a.id in ledgers]
    assert len(ledgers) == 2 and owners.count("人力资源部") == 1, owners
