"""What owners say with the card of "what's next" on screen: requests and news are read as
such (the card's offer does not swallow them), assignments in words change the owners after a
read-back, and putting the project on hold offers to pause the digest."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to, plan_every_gap

BACK = date(2027, 1, 11)


def _under_a_card(kb: Knowledge, lang: str) -> Driver:
    d = Driver(kb, lang)
    plan_every_gap(d)
    advance_to(d, BACK)
    d.cmd("next")
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "offer"
    return d


def _owners(d: Driver, words: str) -> set[str]:
    return {a.owner_role_en for a in d.conv.company.actions if words in a.title_en}


@pytest.mark.parametrize(
    ("lang", "said", "yes", "words", "owner"),
    [("zh", "能不能把培训交给人事做", "对", "training plan", "HR"),
     ("zh", "知识产权台账让研发负责吧", "对", "ledger", "R&D lead"),
     ("en", "give the contract review to HR", "yes", "contract approval", "HR")],
)  # fmt: skip
def test_an_action_given_to_a_role_in_words(
    kb: Knowledge, lang: str, said: str, yes: str, words: str, owner: str
) -> None:
    d = _under_a_card(kb, lang)
    before = _owners(d, words)
    d.text(said)
    assert _owners(d, words) == before  # read back first
    d.text(yes)
    assert _owners(d, words) == {owner}, d.said()
    assert d.conv.company.cb_name == ""  # "to HR" names no certification body


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("zh", "把所有事情都安排给我", "对"), ("en", "put everything on me", "yes")],
)
def test_everything_put_on_me(kb: Knowledge, lang: str, said: str, yes: str) -> None:
    d = _under_a_card(kb, lang)
    d.text(said)
    d.text(yes)
    open_actions = [
        a for a in d.conv.company.actions if a.done_on is None and a.id.startswith("gap:")
    ]
    assert open_actions and all(a.owner_role_en == "me" for a in open_actions)
    d.cmd("plan")
    assert ("· 我" if lang == "zh" else "· me") in d.said()


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("zh", "老板说先不搞了", "好"), ("en", "we're putting this on hold for now", "yes")],
)
def test_the_project_on_hold_offers_to_pause_the_digest(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = _under_a_card(kb, lang)
    actions = len(d.conv.company.actions)
    d.text(said)
    assert d.conv.user.reminders_paused_from is None  # offered, not done
    d.text(yes)
    assert d.conv.user.reminders_paused_from is not None
    assert len(d.conv.company.actions) == actions  # nothing lost


def test_a_reminder_setting_under_a_card_moves_no_action(zh: Driver) -> None:
    plan_every_gap(zh)
    advance_to(zh, BACK)
    zh.cmd("next")
    dues = {a.id: a.due for a in zh.conv.company.actions}
    zh.text("提醒改到下午3点")
    assert zh.conv.company.reminder_hour == 15
    assert {a.id: a.due for a in zh.conv.company.actions} == dues


@pytest.mark.parametrize(
    ("said", "shown"),
    [("我们进度怎么样", "的进度"), ("还有多少事没做", "的进度"), ("上次说到哪了", "阶段"),
     ("计划太紧了，能不能松一点", "计划可以放慢")],
)  # fmt: skip
def test_questions_about_our_own_progress_are_not_faq_questions(
    zh: Driver, said: str, shown: str
) -> None:
    plan_every_gap(zh)
    advance_to(zh, BACK)
    zh.cmd("next")
    zh.text(said)
    assert shown in zh.said() and "超出" not in zh.said(), zh.said()


def test_a_new_person_in_charge_is_news(zh: Driver) -> None:
    plan_every_gap(zh)
    zh.cmd("next")
    zh.text("我们换了个负责人，小王接手")
    assert "任命书" in zh.said() and "记不下来" not in zh.said()


@pytest.mark.parametrize(
    ("said", "expected", "not_said"),
    [("老板出差了，下个月回来", "", "您提到"),
     ("我们今年效益不好", "", "您提到"),
     ("谢谢，辛苦了", "不客气", "记不下来"),
     ("哈哈", "😄", "超出")],
)  # fmt: skip
def test_small_talk_is_not_read_as_a_date_or_a_question(
    zh: Driver, said: str, expected: str, not_said: str
) -> None:
    plan_every_gap(zh)
    zh.cmd("next")
    zh.text(said)
    assert expected in zh.said() and not_said not in zh.said(), zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "shown"),
    [("en", "how many days left until the internal audit", "Internal audit: 2027-"),
     ("zh", "内审还有几天", "内部审核：2027-"), ("zh", "管评是哪天", "管理评审：2027-")],
)  # fmt: skip
def test_how_far_off_our_own_audit_is(kb: Knowledge, lang: str, said: str, shown: str) -> None:
    d = _under_a_card(kb, lang)
    d.text(said)
    assert d.said().startswith("📅 ") and shown in d.said(), d.said()


@pytest.mark.parametrize(("lang", "said"), [("zh", "明天再提醒我"), ("en", "remind me next week")])
def test_a_reminder_put_off_under_a_card_moves_no_action(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = _under_a_card(kb, lang)
    dues = {a.id: a.due for a in d.conv.company.actions}
    d.text(said)
    assert {a.id: a.due for a in d.conv.company.actions} == dues
    assert [type(e).__name__ for e in d.effects] == ["SnoozeLast"]
