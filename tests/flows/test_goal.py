"""When the owner wants the certificate, said before there is a plan: a goal, not a certificate."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


@pytest.mark.parametrize(
    ("lang", "said", "goal"),
    [("zh", "希望明年6月底之前能拿到证书", date(2027, 6, 30)),
     ("zh", "老板要求明年上半年拿证", date(2027, 6, 30)),
     ("zh", "老板说证书一定要在明年拿到", date(2027, 12, 31)),
     ("zh", "我们计划明年6月底前通过认证", date(2027, 6, 30)),
     ("en", "we want to be certified by end of june next year", date(2027, 6, 30)),
     ("en", "the boss wants the certificate by the end of next year", date(2027, 12, 31))],
)  # fmt: skip
def test_a_wish_for_the_certificate_is_a_goal_not_a_certificate(
    kb: Knowledge, lang: str, said: str, goal: date
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    pending = d.conv.user.pending
    assert d.conv.company.certificate is None and (pending is None or pending.flow != "certificate")
    assert "恭喜" not in d.said() and "Congratulations" not in d.said()
    assert d.conv.company.goal_date == goal, d.said()


def test_a_goal_said_at_the_stage_question_is_kept_and_the_stage_asked_again(zh: Driver) -> None:
    zh.cmd("start")
    for said in ("恒锐精密", "120人", "机械", "1", "明年6月底前拿证"):
        zh.text(said)
    assert zh.conv.company.stage is None and zh.conv.company.goal_date == date(2027, 6, 30)
    assert "2027-06-30" in zh.said() and "阶段" in zh.said()  # the stage question again
    zh.text("还没开始")
    assert zh.conv.company.onboarded and zh.conv.company.certificate is None


def test_the_plan_is_made_for_the_goal_said_earlier(en: Driver) -> None:
    en.onboard()
    en.text("we want to be certified by end of 2028")
    en.press("2|as.start")
    en.answer_all("y", {"A03": "n", "C02": "p", "D03": "n", "E01": "n"})
    en.press("2|pl.make")
    assert en.conv.company.target_date == date(2028, 12, 31), en.said()
    assert "You said you want the certificate by 2028-12-31" in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "明年6月底能不能搞定", "来不及"), ("zh", "2028年底来得及吗", "来得及"),
     ("en", "can we be certified by end of june next year?", "too early"),
     ("en", "is end of 2028 realistic for the certificate?", "can work")],
)  # fmt: skip
def test_whether_a_date_can_work_is_answered_from_the_assessment(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)  # earliest 2027-08-05 with these gaps
    target = d.conv.company.target_date
    d.text(said)
    assert reply in d.said(), d.said()
    assert d.conv.company.target_date == target  # asked, not changed


def test_whether_a_date_can_work_before_the_assessment_asks_for_it(en: Driver) -> None:
    en.onboard()
    en.text("can we be certified by end of june next year?")
    assert "finish the gap assessment" in en.said(), en.said()


def _at_the_target_question(kb: Knowledge, lang: str) -> Driver:
    """Onboarded with a goal that is too early: the plan asks for another date."""
    d = Driver(kb, lang)
    d.onboard()
    goal = "明年6月底前拿证" if lang == "zh" else "we want the certificate by end of june next year"
    d.text(goal)
    d.press("2|as.start")
    d.answer_all("n", full=False)
    d.press("2|pl.make")
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "plan_target"
    return d


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "来得及吗？", "来不及"), ("zh", "能不能快一点", "最快的排法"),
     ("en", "can we make it?", "too early"), ("en", "can we go faster?", "fastest schedule")],
)  # fmt: skip
def test_at_the_target_question_whether_and_how_fast_are_answered(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    d = _at_the_target_question(kb, lang)
    earliest = d.conv.user.pending.data["suggested"]  # type: ignore[union-attr]
    d.text(said)
    assert reply in d.said() and earliest in d.said(), d.said()
    assert d.conv.company.target_date is None and not d.conv.company.actions  # nothing planned
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "plan_target"


def test_an_owner_named_before_the_plan_is_told_when_it_can_be(zh: Driver, kb: Knowledge) -> None:
    d = _at_the_target_question(kb, "zh")
    d.text("培训交给人事小王")
    assert "计划排好后" in d.said() and "没看懂" not in d.said(), d.said()
    d.text("最早的那个")
    assert d.conv.company.actions
    d.text("培训交给人事小王")  # now there is a plan: read back, then changed
    assert "人力资源部" in d.said(), d.said()
    d.text("对")
    training = [a for a in d.conv.company.actions if "培训" in a.title_zh]
    assert training and all(a.owner_role_zh == "小王（人力资源部）" for a in training[:1]), training


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "是不是太晚了", "没有余量"), ("en", "is that too late?", "no slack")],
)  # fmt: skip
def test_the_plans_own_target_at_the_earliest_date_is_said_to_have_no_slack(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    """ "太晚" is no date (it was read as tonight); the target planned is not "say change the
    target to" itself."""
    from tests.flows.timeline_walk import assess_and_plan

    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)  # planned for the earliest date offered
    d.text(said)
    assert reply in d.said(), d.said()


def test_too_tight_still_offers_more_time(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard()
    assess_and_plan(zh)
    zh.text("计划太紧了")
    assert "往后推" in zh.said() and any("pl.target" in b.data for b in zh.buttons), zh.said()
