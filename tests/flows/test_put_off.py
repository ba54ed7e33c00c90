"""Putting work off as owners say it: under the card on screen ("下周再弄吧", "push it 2
weeks", "过完年再说"), one action by name ("合同审批那个过完年再弄吧"), or every overdue action
at once ("逾期的这几项都推到2月22号"). Each is read back with its new date; "对" moves it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.types import EventKind
from flows.workdays import after_spring_festival, is_working_day
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to, plan_every_gap

BACK = date(2027, 1, 6)  # a Wednesday, five weeks after the plan was made: several overdue


def _behind(kb: Knowledge, lang: str) -> Driver:
    d = Driver(kb, lang)
    plan_every_gap(d)
    advance_to(d, BACK)
    return d


def _due(d: Driver, key: str) -> date:
    return next(a.due for a in d.conv.company.actions if f"action:{a.id}" == key)


def _card_key(d: Driver) -> str:
    d.cmd("next")
    p = d.conv.user.pending
    assert p is not None and p.flow == "offer"
    return str(p.data["data"]).split("|")[-1]


@pytest.mark.parametrize(
    ("lang", "said", "yes", "expected"),
    [("zh", "下周再弄吧", "对", date(2027, 1, 15)),  # the Friday of next week
     ("en", "push it 2 weeks", "yes", date(2027, 1, 20)),  # overdue: two weeks from today
     ("zh", "往后推两周", "好", date(2027, 1, 20)),
     ("zh", "下周三", "对", date(2027, 1, 13))],
)  # fmt: skip
def test_the_card_on_screen_is_put_off_in_words(
    kb: Knowledge, lang: str, said: str, yes: str, expected: date
) -> None:
    d = _behind(kb, lang)
    key = _card_key(d)
    before = _due(d, key)
    d.text(said)
    assert _due(d, key) == before  # read back first, nothing changed yet
    assert expected.isoformat() in d.said()
    d.text(yes)
    assert _due(d, key) == expected, d.said()


def test_after_the_spring_festival_is_the_first_working_day_after_it(zh: Driver) -> None:
    plan_every_gap(zh)
    advance_to(zh, BACK)
    key = _card_key(zh)
    zh.text("过完年再弄吧")
    zh.text("对")
    due = _due(zh, key)
    assert due == after_spring_festival(BACK)
    # Spring Festival 2027 is on Saturday 6 February: the first working day after its holiday
    assert date(2027, 2, 8) <= due <= date(2027, 2, 19) and is_working_day(due)
    assert not is_working_day(due - timedelta(days=1)) or due.weekday() == 0


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "合同审批那个过完年再弄吧"),
     ("en", "we'll do the contract review after chinese new year")],
)  # fmt: skip
def test_one_action_named_is_put_off_to_after_the_spring_festival(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = _behind(kb, lang)
    d.text(said)
    contract = next(a for a in d.conv.company.actions if "contract approval" in a.title_en)
    assert contract.title_zh in d.said() or contract.title_en in d.said()
    d.text("对" if lang == "zh" else "yes")
    assert _due(d, f"action:{contract.id}") == after_spring_festival(BACK)


def test_still_under_way_and_put_off_in_one_message(en: Driver) -> None:
    plan_every_gap(en)
    advance_to(en, BACK)
    en.text("the IP ledger is still in progress, contract review we'll do after chinese new year")
    assert "still under way" in en.said() or "still in progress" in en.said().lower()
    ledger = next(a for a in en.conv.company.actions if "IP ledger" in a.title_en)
    assert ledger.title_en in en.said()
    en.text("yes")
    contract = next(a for a in en.conv.company.actions if "contract approval" in a.title_en)
    assert contract.due == after_spring_festival(BACK)


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("zh", "逾期的这几项都推到2月22号", "对"),
     ("en", "move all the overdue ones to February 22", "yes")],
)  # fmt: skip
def test_every_overdue_action_moves_to_one_date(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = _behind(kb, lang)
    overdue = [a for a in d.conv.company.actions if a.due < BACK and a.done_on is None]
    others = {a.id: a.due for a in d.conv.company.actions if a.due >= BACK}
    assert len(overdue) > 2
    d.text(said)
    assert all(a.due < BACK for a in overdue)  # read back first
    assert str(len(overdue)) in d.said() and "2027-02-22" in d.said()
    d.text(yes)
    assert all(_due(d, f"action:{a.id}") == date(2027, 2, 22) for a in overdue), d.said()
    assert all(a.due >= others[a.id] for a in d.conv.company.actions if a.id in others)
    d.cmd("plan")
    assert ("逾期 0 项" if lang == "zh" else "0 overdue") in d.said()


def test_a_stale_bulk_move_changes_nothing(zh: Driver) -> None:
    plan_every_gap(zh)
    advance_to(zh, BACK)
    zh.text("逾期的都推到2月22号")
    stale = next(b for b in zh.buttons if "tl.allmove" in b.data)
    first = min((a for a in zh.conv.company.actions if a.due < BACK), key=lambda a: a.due)
    zh.send(EventKind.BUTTON, f"2|evt.done|action:{first.id}")  # the list changes first
    dues = {a.id: a.due for a in zh.conv.company.actions}
    zh.send(EventKind.BUTTON, stale.data)
    assert {a.id: a.due for a in zh.conv.company.actions} == dues
    assert "列表已经变了" in zh.said(), zh.said()


def test_two_actions_said_under_way_are_never_marked_done(zh: Driver) -> None:
    """ "都在做了" holds "做了" (done) but says both are in progress."""
    plan_every_gap(zh)
    advance_to(zh, date(2027, 4, 26))
    zh.cmd("next")
    zh.text("检索报告和上市前审查都在做了")
    said = zh.said()
    assert (
        "还在进行中" in said
        and "立项必须附知识产权检索报告" in said
        and "上市前知识产权审查" in said
    )
    assert not any(a.done_on for a in zh.conv.company.actions)
    assert zh.conv.user.pending is None  # nothing waits for a "yes"


@pytest.mark.parametrize(("lang", "said"), [("zh", "我们还在做"), ("en", "still working on it")])
def test_still_under_way_under_a_card_names_that_item(kb: Knowledge, lang: str, said: str) -> None:
    d = _behind(kb, lang)
    key = _card_key(d)
    before = _due(d, key)
    d.text(said)
    title = next(a for a in d.conv.company.actions if f"action:{a.id}" == key)
    assert (title.title_zh if lang == "zh" else title.title_en) in d.said()
    assert _due(d, key) == before and not any(a.done_on for a in d.conv.company.actions)


def test_a_request_to_push_one_named_action_moves_that_one_from_today(en: Driver) -> None:
    """ "can we push the scope statement by 2 weeks?" is a request, not a FAQ question, and an
    overdue action pushed by two weeks is due two weeks from today, not from its old date."""
    plan_every_gap(en)
    advance_to(en, BACK)
    en.cmd("next")
    en.text("can we push the scope statement by 2 weeks?")
    scope = next(a for a in en.conv.company.actions if "scope statement" in a.title_en)
    assert scope.title_en in en.said() and "2027-01-20" in en.said(), en.said()
    en.text("yes")
    assert _due(en, f"action:{scope.id}") == date(2027, 1, 20)


def test_two_actions_fitting_the_words_are_offered_not_guessed(zh: Driver) -> None:
    plan_every_gap(zh)
    advance_to(zh, BACK)
    key = _card_key(zh)
    before = {a.id: a.due for a in zh.conv.company.actions}
    zh.text("能不能把台账往后推两周？")
    assert {a.id: a.due for a in zh.conv.company.actions} == before
    moves = [b for b in zh.buttons if "|fact|action:" in b.data]
    assert len(moves) == 2 and not any(key in b.data for b in moves), zh.said()
    zh.press(moves[0].data)
    _, _, moved, day = moves[0].data.split("|")
    assert _due(zh, moved) == date.fromisoformat(day)
