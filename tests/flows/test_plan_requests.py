"""Asking for the plan and for dates to move, as owners ask ("好的，做计划", "能不能提前到明年6月
底", "内审能不能提前到5月", "can we move the internal audit to May?"): the plan, the target or
the date read back, never "outside what I know" or a menu of FAQ entries."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import assess_and_plan, timeline

OUT_OF_SCOPE = {"en": "outside what I know", "zh": "超出了我掌握的知识范围"}
MENU = {"en": "Did you mean", "zh": "您是想问"}


def _assessed(kb: Knowledge, lang: str) -> Driver:
    """The quick assessment just finished: its summary and "make a plan" on screen."""
    d = Driver(kb, lang)
    d.onboard()
    d.press("2|as.start")
    d.answer_all("n", full=False)
    assert any(b.data == "2|pl.make" for b in d.buttons)
    return d


def _planned(kb: Knowledge, lang: str) -> Driver:
    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    return d


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "好的，做计划"),
        ("zh", "出个计划吧"),
        ("zh", "好，开始做计划"),
        ("en", "ok, make the plan"),
    ],
)
def test_asking_for_the_plan_in_words_makes_it(kb: Knowledge, lang: str, said: str) -> None:
    d = _assessed(kb, lang)
    d.text(said)
    assert OUT_OF_SCOPE[lang] not in d.said()
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "plan_target", d.said()


@pytest.mark.parametrize(
    ("lang", "said", "target"),
    [
        ("zh", "能不能提前到明年6月底", date(2027, 6, 30)),
        ("en", "can we bring the target forward to next June?", date(2027, 6, 30)),
        ("zh", "能不能推迟到后年3月", date(2028, 3, 31)),
    ],
)
def test_moving_the_target_in_a_question_answers_from_the_plan(
    kb: Knowledge, lang: str, said: str, target: date
) -> None:
    d = _planned(kb, lang)
    earliest = d.conv.company.target_date
    assert earliest is not None
    d.text(said)
    assert OUT_OF_SCOPE[lang] not in d.said() and MENU[lang] not in d.said(), d.said()
    if target < earliest:  # too early: why, and the earliest date offered
        assert target.isoformat() in d.said() and earliest.isoformat() in d.said()
        assert d.conv.company.target_date == earliest
    else:
        assert d.conv.company.target_date == target


def test_a_new_target_re_dates_the_plan_without_introducing_it_again(kb: Knowledge) -> None:
    d = _planned(kb, "zh")
    d.cmd("next")  # the card of the first action is on screen
    first = d.said()
    d.text("目标改到后年3月底")
    assert d.conv.company.target_date == date(2028, 3, 31), d.said()
    assert "已按新目标 2028-03-31 重排计划" in d.said()
    assert "我不会一下子发很多提醒" not in d.said()  # the digest was explained with the plan
    assert "期限改到" not in d.said(), (first, d.said())  # not the action on the card


@pytest.mark.parametrize(
    ("lang", "said", "key", "day"),
    [
        ("zh", "内审能不能提前到5月", "internal_audit", date(2027, 5, 31)),
        ("zh", "能不能把管评放到6月初", "management_review", date(2027, 6, 1)),
        ("en", "can we move the internal audit to May?", "internal_audit", date(2027, 5, 31)),
        ("en", "move the internal audit to May", "internal_audit", date(2027, 5, 31)),
        ("en", "push the management review to June 10", "management_review", date(2027, 6, 10)),
    ],
)
def test_a_date_asked_to_move_is_read_back_ahead(
    kb: Knowledge, lang: str, said: str, key: str, day: date
) -> None:
    d = _planned(kb, lang)
    assert timeline(d).get(key).on != day
    d.text(said)
    assert f"2|fact|{key}|{day.isoformat()}" in {b.data for b in d.buttons}, d.said()
    d.press(f"2|fact|{key}|{day.isoformat()}")
    assert timeline(d).get(key).on == day


def test_hello_after_weeks_away_shows_where_they_are(kb: Knowledge) -> None:
    d = _planned(kb, "zh")
    d.advance(25)
    d.text("你好，好久没来了")
    assert d.said().startswith("您好，Acme Ltd！"), d.said()
    assert "👉" in d.said() and "已逾期" in d.said()  # the card of what's next, with its lateness


@pytest.mark.parametrize("moving_on", ["现在到哪一步了", "下一步"])
def test_asking_where_we_are_accepts_the_work_just_read_back(kb: Knowledge, moving_on: str) -> None:
    """ "体系文件编好了" read back, then "现在到哪一步了": recorded, not dropped (the card of
    the same action came back as if nothing had been said)."""
    d = _planned(kb, "zh")
    d.text("体系文件编好了，也批准发布了")
    assert "2|evt.told|gap:A03|" in " ".join(b.data for b in d.buttons), d.said()
    d.text(moving_on)
    assert "✅ 已标记完成" in d.said(), d.said()
    done = {a.id for a in d.conv.company.actions if a.done_on is not None}
    assert "gap:A03" in done


@pytest.mark.parametrize(
    ("lang", "said", "owner"),
    [
        ("en", "give the training to Sarah from HR", "Sarah (HR)"),
        ("zh", "培训交给人事小王", "小王（人力资源部）"),
        ("en", "give the training to Sarah", "Sarah"),
        ("en", "give the training to HR", "HR"),
    ],
)
def test_a_person_named_with_the_owner_is_kept(
    kb: Knowledge, lang: str, said: str, owner: str
) -> None:
    d = _planned(kb, lang)
    d.text(said)
    assert owner in d.said(), d.said()
    d.text("yes" if lang == "en" else "对")
    [training] = [a for a in d.conv.company.actions if a.id == "gap:C02"]
    assert (training.owner_role_en if lang == "en" else training.owner_role_zh) == owner


def test_a_name_typed_under_the_owner_read_back_is_that_person(kb: Knowledge) -> None:
    d = _planned(kb, "en")
    d.text("give the training to HR")
    d.text("Sarah")  # was "outside what I know"
    assert "Sarah (HR)" in d.said(), d.said()
    d.text("yes")
    [training] = [a for a in d.conv.company.actions if a.id == "gap:C02"]
    assert training.owner_role_en == "Sarah (HR)"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "目标能提前吗"),
        ("zh", "能不能把目标提前"),
        ("en", "can we bring the target forward?"),
    ],
)
def test_can_the_target_move_forward_offers_the_earliest(
    kb: Knowledge, lang: str, said: str
) -> None:
    """Planned for a later date than the earliest: yes, to the earliest at most, one tap. (It
    was re-planned for the same date: "您说过希望…前拿证".)"""
    d = _planned(kb, lang)
    earliest = d.conv.company.target_date
    assert earliest is not None
    d.text("目标改到后年3月底" if lang == "zh" else "change the target to end of March 2028")
    assert d.conv.company.target_date == date(2028, 3, 31)
    d.text(said)
    assert [b.data for b in d.buttons] == [f"2|pl.target|{earliest.isoformat()}"], d.said()
    assert "2028-03-31" in d.said() and earliest.isoformat() in d.said()
    assert d.conv.company.target_date == date(2028, 3, 31)  # nothing moved before the tap
    d.press(f"2|pl.target|{earliest.isoformat()}")
    assert d.conv.company.target_date == earliest


def test_changing_the_target_without_a_date_offers_dates_not_the_old_goal(
    kb: Knowledge,
) -> None:
    d = Driver(kb, "zh")
    d.onboard()
    d.text("希望后年6月底前拿证")  # a goal said before the plan: the plan is made for it
    d.press("2|as.start")
    d.answer_all("n", full=False)
    d.press("2|pl.make")
    assert d.conv.company.target_date == date(2028, 6, 30), d.said()
    d.text("改一下目标日期")
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "plan_target"
    assert sum(b.data.startswith("2|pl.target|") for b in d.buttons) == 3, d.said()


def test_put_off_naming_an_action_moves_that_action_not_the_reminder(kb: Knowledge) -> None:
    """ "合同审批那个下周再弄" with no card on screen: the action named, not the last reminder's
    ⏰ (the words "下周再弄" alone are that)."""
    d = Driver(kb, "zh")
    d.onboard()
    assess_and_plan(d, {"D10": "n", "A03": "n"})
    d.cmd("plan")
    d.text("合同审批那个下周再弄")
    assert any(b.data.startswith("2|fact|action:gap:D10|") for b in d.buttons), d.said()
    assert not d.effects


def test_a_bare_ledger_is_not_guessed_to_be_the_nonconformity_log(kb: Knowledge) -> None:
    """ "台账" is the IP ledger as often as the NC log: with the IP ledger not in the plan, "台账
    也更新了" was read back as "the nonconformity log is done"."""
    d = Driver(kb, "zh")
    d.onboard()
    assess_and_plan(d, {"B05": "n", "G01": "n", "D03": "y"})
    d.cmd("plan")
    d.text("风险清单弄好了，台账也更新了")
    assert "不符合与纠正措施台账" not in d.said(), d.said()
    assert "风险清单" in d.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "honestly we got busy. can you push everything back 2 months?"),
     ("en", "push the plan back 2 months"), ("zh", "全部往后推两个月")],
)  # fmt: skip
def test_the_whole_plan_pushed_back_under_a_card_moves_the_target(
    kb: Knowledge, lang: str, said: str
) -> None:
    """Under the card of one item, "push everything back 2 months" moved only that item."""
    d = _planned(kb, lang)
    target = d.conv.company.target_date
    assert target is not None
    d.advance(10)
    d.cmd("next")
    d.text(said)
    moved = d.conv.company.target_date
    assert moved is not None and moved > target, d.said()
