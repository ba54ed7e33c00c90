"""Progress told after the gap assessment and before the plan updates the assessment's
answers (read back first): the plan is made from them, so done work never becomes a to-do."""

from __future__ import annotations

import pytest

from flows.types import EventKind
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


def _assessed(kb: Knowledge, lang: str) -> Driver:
    d = Driver(kb, lang)
    d.onboard()
    d.send(EventKind.BUTTON, "2|as.start")
    d.answer_all("n", full=False)
    return d


def _value(d: Driver, qid: str) -> str:
    return d.conv.company.answers[qid].value


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("en", "the policy is signed and the GM appointed himself as management rep", "yes"),
     ("zh", "方针签了，管代也任命了", "对")],
)  # fmt: skip
def test_work_done_before_the_plan_updates_the_assessment(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = _assessed(kb, lang)
    d.text(said)
    assert (_value(d, "B01"), _value(d, "B06")) == ("no", "no")  # read back first
    assert "Issue a signed IP policy" in d.said() or "签发知识产权方针" in d.said()
    d.text(yes)
    assert (_value(d, "B01"), _value(d, "B06")) == ("yes", "yes")
    d.press("2|pl.make")
    d.press("2|pl.target|")
    ids = {a.id for a in d.conv.company.actions}
    assert "gap:B01" not in ids and "gap:B06" not in ids  # no to-do for what is done


def test_half_done_is_partly_and_stays_in_the_plan(zh: Driver) -> None:
    zh.onboard()
    zh.send(EventKind.BUTTON, "2|as.start")
    zh.answer_all("n", full=False)
    zh.text("组织机构图弄了一半")
    zh.text("对")
    assert _value(zh, "B07") == "partly"


def test_already_so_changes_nothing(en: Driver) -> None:
    en.onboard()
    en.send(EventKind.BUTTON, "2|as.start")
    en.answer_all("y", full=False)
    en.text("the policy is signed")
    assert "already says so" in en.said() and en.conv.user.pending is None


def test_with_a_plan_the_action_is_ticked_not_the_assessment(en: Driver) -> None:
    en.onboard()
    en.send(EventKind.BUTTON, "2|as.start")
    en.answer_all("n", full=False)
    en.press("2|pl.make")
    en.press("2|pl.target|")
    en.text("the policy is signed")
    assert "update your gap assessment" not in en.said()
    assert _value(en, "B01") == "no"


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "老板出差了，任命书下周签"),
     ("en", "the boss is away, the appointment gets signed next week")],
)  # fmt: skip
def test_work_still_to_come_changes_no_answer(kb: Knowledge, lang: str, said: str) -> None:
    """ "出差了" says nothing of the appointment; "下周签" says it is not done."""
    d = _assessed(kb, lang)
    d.text(said)
    assert _value(d, "B06") == "no"
    assert not any(b.data.startswith("2|as.told") for b in d.buttons), d.said()
