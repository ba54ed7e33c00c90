"""Plan scheduled backwards from the target; "what's next" from any phase."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from flows import plan
from flows.dates import add_months
from flows.types import EventKind
from flows.workdays import is_working_day
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import ctx_of, plan_every_gap, timeline


def _assessed(d: Driver, overrides: dict[str, str] | None = None) -> None:
    d.onboard()
    d.press("2|as.start")
    d.answer_all("y", {"A03": "n", "B01": "p", "C06": "n"} if overrides is None else overrides)


def test_plan_honours_the_hard_rules(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-12-31")
    acts = {a.id: a for a in en.conv.company.actions}
    assert {"gap:A03", "gap:B01", "gap:C06"} <= set(acts)
    apply, review, audit, start = (
        acts["rule:apply"].due,
        acts["rule:management_review"].due,
        acts["rule:internal_audit"].due,
        acts["rule:operate"].due,
    )
    assert audit < review < apply <= date(2027, 12, 31)
    assert add_months(start, 3) <= apply  # at least 3 months of operation before applying
    for gap in ("gap:A03", "gap:B01", "gap:C06"):  # documents before the system starts running
        assert en.now.date() <= acts[gap].due <= start
    assert "plan is ready" in en.said()


def test_show_stoppers_are_first_in_the_plan_priority(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-12-31")
    acts = {a.id: a for a in en.conv.company.actions}
    assert acts["gap:A03"].priority == 1 and acts["gap:C06"].priority == 3


def test_too_early_target_gets_the_earliest_date_with_reasons_and_a_choice(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-01-15")
    said = en.said()
    assert "too early" in said and "3 months" in said and "internal audit" in said
    assert en.conv.company.target_date is None  # nothing decided for the user
    assert en.conv.company.actions == []
    choice = en.button("2|pl.target|")
    earliest = date.fromisoformat(choice.data.rsplit("|", 1)[1])
    assert earliest.isoformat() in said and earliest >= en.now.date() + timedelta(days=180)
    en.press(choice.data)
    assert en.conv.company.target_date == earliest and en.conv.company.actions


@pytest.mark.parametrize(
    "typed",
    ["ok", "yes please", "好的", "ok use that", "sounds good", "就按这个", "let's do that",
     "ok fine", "ok yes plan for that", "行吧，那就按这个来"],
)  # fmt: skip
def test_ok_to_the_earliest_date_proposed_plans_for_it(en: Driver, typed: str) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-01-15")  # too early: "Shall I plan for <earliest>?"
    earliest = date.fromisoformat(en.button("2|pl.target|").data.rsplit("|", 1)[1])
    en.text(typed)
    assert en.conv.company.target_date == earliest and en.conv.company.actions
    assert "couldn't read" not in en.said()


def test_ok_to_the_target_question_takes_the_earliest_date_offered(en: Driver) -> None:
    _assessed(en)
    [ask] = en.press("2|pl.make")
    en.text("ok")
    assert en.conv.company.target_date == date.fromisoformat(ask.buttons[0][0].label)


def test_a_word_that_is_no_date_at_the_target_question_asks_for_a_date(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("whenever")
    assert en.conv.company.target_date is None and "couldn't read" in en.said()


def test_the_earliest_date_offered_is_accepted_as_it_is(en: Driver) -> None:
    """The target 2027-06-30 was refused as too early and silently moved to 07-01."""
    _assessed(en)
    en.press("2|pl.make")
    earliest = en.button("2|pl.target|").data.rsplit("|", 1)[1]
    en.text(earliest)
    assert "too early" not in en.said()
    assert en.conv.company.target_date == date.fromisoformat(earliest)
    en.open_step("prep.plan")
    en.press("2|pl.make")
    day_before = date.fromisoformat(earliest) - timedelta(days=1)
    en.text(day_before.isoformat())
    assert "too early" in en.said()


def test_past_target_is_refused(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2020-01-01")
    assert "passed" in en.said()
    assert en.conv.company.target_date is None


def test_actions_can_be_done_redated_and_added(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.press("2|pl.target")  # one of the "in N months" buttons
    first = en.conv.company.actions[0]
    en.cmd("plan")
    en.press(f"2|pl.how|action:{first.id}")  # its number opens the item's card
    en.press(f"2|evt.done|action:{first.id}")
    assert next(a for a in en.conv.company.actions if a.id == first.id).done_on == en.now.date()
    second = next(a for a in en.conv.company.actions if a.done_on is None)
    en.cmd("plan")
    en.press(f"2|pl.how|action:{second.id}")
    en.press(f"2|evt.date|action:{second.id}")
    en.text("2027-03-03")
    assert next(a for a in en.conv.company.actions if a.id == second.id).due == date(2027, 3, 3)
    en.cmd("plan")
    en.press("2|pl.add")
    en.text("Buy a patent database subscription")
    en.text("2027-02-01")
    own = [a for a in en.conv.company.actions if a.custom]
    assert own and own[0].title_en == "Buy a patent database subscription"
    # Re-planning keeps the user's own action and what is done.
    en.press("2|pl.add")
    en.cmd("cancel")
    en.cmd("plan")
    assert "Buy a patent database subscription" in en.said()


def test_whats_next_is_one_action_with_why_how_and_when(en: Driver) -> None:
    en.onboard()
    en.text("what's next")
    said = en.said()
    assert "Next:" in said and "Why:" in said and "How:" in said and "Progress:" in said


def test_chinese_next_phrases_route_to_next(zh: Driver) -> None:
    zh.onboard()
    for phrase in ("下一步", "接下来做什么", "我现在该做什么"):
        zh.text(phrase)
        assert "下一步：" in zh.said(), phrase


def test_next_after_assessment_suggests_the_plan_then_the_top_action(en: Driver) -> None:
    _assessed(en)
    en.cmd("next")
    assert "2|pl.make" in {b.data for b in en.buttons}
    en.press("2|pl.make")
    en.text("2027-12-31")
    en.cmd("next")
    top = min(
        (a for a in en.conv.company.actions if a.done_on is None), key=lambda a: (a.priority, a.due)
    )
    assert top.title_en in en.said()


def test_overdue_action_of_the_current_step_comes_first(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-12-31")
    first = min(en.conv.company.actions, key=lambda a: a.due)
    en.advance((first.due - en.now.date()).days + 3)
    en.cmd("next")
    assert first.title_en in en.said() and "overdue by 3 days" in en.said()


def test_status_shows_phases_readiness_actions(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-12-31")
    en.cmd("status")
    said = en.said()
    assert "Acme Ltd" in said and "▓" in said and "readiness" in said and "open (" in said


def test_status_tells_where_the_assessment_stands_without_a_readiness_from_one_answer(
    en: Driver,
) -> None:
    en.onboard()
    en.cmd("status")
    assert "Gap assessment: not started yet (the quick assessment is 17 questions" in en.said()
    en.send(EventKind.BUTTON, "2|as.start")
    en.text("yes")
    en.cmd("status")
    assert "under way, 16 questions of the quick assessment to go" in en.said()
    assert "readiness 100%" not in en.said()
    en.send(EventKind.BUTTON, "2|as.start")
    en.answer_all("y", {"B01": "p"})
    en.cmd("status")
    assert "readiness" in en.said() and "in the plan below" not in en.said()  # no plan yet


def test_the_plan_has_one_numbered_button_per_listed_item_opening_its_card(en: Driver) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.press("2|pl.target")
    [plan] = en.cmd("plan")
    numbered = [b for row in plan.buttons for b in row if b.label.isdigit()]
    lines = [x for x in plan.text.splitlines() if x and x[0] in "⬜⚠"]
    assert [b.label for b in numbered] == [str(n) for n in range(1, len(lines) + 1)]
    for b, line in zip(numbered, lines, strict=True):  # button n is line n
        assert line.split(" ", 1)[1].startswith(f"{b.label}. ")
    [card] = en.press(numbered[1].data)
    second_title = lines[1].split(" · ")[1]
    assert second_title in card.text
    labels = [b.label for row in card.buttons for b in row]
    assert {"✅ Done", "📅 Change date", "👤 Assign", "Show the plan"} <= set(labels)


def test_plan_before_a_target_offers_to_make_it_not_to_redo_the_assessment(zh: Driver) -> None:
    _assessed(zh)
    [reply] = zh.cmd("plan")
    assert "差距评估" not in reply.text.split("。")[0]
    assert [b.data for row in reply.buttons for b in row] == ["2|pl.make"]


def test_a_date_alone_before_the_plan_is_offered_as_the_target(zh: Driver) -> None:
    _assessed(zh)
    [offer] = zh.text("2028年6月底")
    assert "2028" in offer.text and "超出" not in offer.text
    zh.press("2|pl.use|2028-06-30")
    assert zh.conv.company.target_date == date(2028, 6, 30) and zh.conv.company.actions
    zh.send(EventKind.BUTTON, "2|pl.use|2028-09-30")  # a stale offer: the plan stays as it is
    assert zh.conv.company.target_date == date(2028, 6, 30)


def test_a_date_alone_with_a_plan_asks_what_it_is_and_changes_nothing(zh: Driver) -> None:
    _assessed(zh)
    zh.press("2|pl.make")
    zh.text("2027-12-31")
    before = zh.conv.model_copy(deep=True)
    [reply] = zh.text("3月15号")
    assert "哪件事" in reply.text and not reply.buttons
    assert zh.conv.company == before.company


def test_done_in_words_after_opening_an_item_marks_that_item(zh: Driver) -> None:
    _assessed(zh)
    zh.press("2|pl.make")
    zh.text("2027-12-31")
    [plan] = zh.cmd("plan")
    second = next(b for row in plan.buttons for b in row if b.label == "2")
    zh.press(second.data)
    zh.text("做完了")
    key = second.data.rsplit("|", 1)[1].removeprefix("action:")
    assert next(a for a in zh.conv.company.actions if a.id == key).done_on == zh.now.date()
    assert sum(1 for a in zh.conv.company.actions if a.done_on) == 1


def _planned(d: Driver, overrides: dict[str, str] | None = None) -> None:
    _assessed(d, overrides)
    d.press("2|pl.make")
    d.text("2027-12-31")


def test_a_milestone_card_says_what_the_step_is_not_own_action(zh: Driver) -> None:
    _planned(zh)
    [card] = zh.send(EventKind.BUTTON, "2|pl.how|internal_audit")
    assert "内部审核" in card.text and "您自己添加" not in card.text
    assert "审核员会看：—" not in card.text, "the step's records are what an auditor looks at"


def test_a_milestone_done_months_early_is_confirmed_first(zh: Driver) -> None:
    _planned(zh)
    zh.send(EventKind.BUTTON, "2|pl.how|internal_audit")
    before = zh.conv.company.model_copy(deep=True)
    [ask] = zh.text("做完了")
    assert "确认已经做完了吗" in ask.text
    assert zh.conv.company == before, "nothing recorded before the answer"
    zh.text("不")
    assert zh.conv.company == before
    zh.send(EventKind.BUTTON, "2|pl.how|internal_audit")
    zh.text("做完了")
    zh.text("对")
    assert "已标记完成" in zh.said()
    assert any(e.kind == "internal_audit" and e.done for e in zh.conv.company.events)


def test_next_stays_on_the_earliest_open_item_when_a_later_milestone_is_recorded(
    en: Driver,
) -> None:
    _planned(en)
    [first] = [r for r in en.cmd("next") if "Next" in r.text]
    en.send(EventKind.BUTTON, "2|evt.done|internal_audit")
    en.text("yes")
    [again] = [r for r in en.cmd("next") if "Next" in r.text]
    assert again.text.splitlines()[0] == first.text.splitlines()[0]


def test_moving_on_after_a_fact_read_back_records_it(zh: Driver) -> None:
    """ "体系今天开始运行了", then "下一步" instead of the tap: the fact is not lost."""
    _planned(zh)
    zh.text("体系今天开始运行了")
    assert zh.conv.company.system_start is None, "read back first"
    zh.text("下一步")
    assert zh.conv.company.system_start == zh.now.date()
    assert "下一步" in zh.said()


def test_an_unrelated_message_after_a_fact_read_back_records_nothing(zh: Driver) -> None:
    _planned(zh)
    zh.text("体系今天开始运行了")
    zh.text("贯标要花多少钱")
    zh.text("算了")
    assert zh.conv.company.system_start is None


def test_internal_audit_findings_told_get_the_companys_own_follow_up(zh: Driver) -> None:
    _planned(zh)
    zh.advance(90)
    replies = zh.text("内审昨天做完了，开了2个轻微不符合")
    assert "内部审核" in replies[0].text and replies[0].buttons
    assert "由企业自己整改" in replies[1].text and "管理评审" in replies[1].text
    assert zh.conv.company.nonconformities == [], "internal findings are not the body's"


def test_building_the_system_next_follows_the_plan_not_an_empty_step(zh: Driver) -> None:
    """All 'yes' in the assessment: no training action, so the plan's next date is next."""
    _planned(zh, {})
    [plan] = zh.cmd("plan")
    first = next(x for x in plan.text.splitlines() if x.startswith("⬜ 1."))
    title = first.split(" · ")[1]
    nxt = next(r for r in zh.cmd("next") if "下一步" in r.text)
    assert title in nxt.text.splitlines()[0]


def test_a_target_button_still_works_after_cancel_until_there_is_a_plan(zh: Driver) -> None:
    _assessed(zh)
    [ask] = zh.press("2|pl.make")
    date_button = ask.buttons[0][0]
    zh.cmd("cancel")
    zh.send(EventKind.BUTTON, date_button.data)
    assert zh.conv.company.target_date is not None and zh.conv.company.actions
    target = zh.conv.company.target_date
    zh.send(EventKind.BUTTON, ask.buttons[0][1].data)  # a plan exists now: stale
    assert zh.conv.company.target_date == target


@pytest.mark.parametrize(
    ("typed", "index"),
    [("好的", 0), ("最早的那个", 0), ("第二个", 1), ("the last one", 2), ("2", 1)],
)
def test_the_offered_target_dates_can_be_pointed_at_in_words(
    zh: Driver, typed: str, index: int
) -> None:
    _assessed(zh)
    [ask] = zh.press("2|pl.make")
    offered = [b.label for b in ask.buttons[0]]
    zh.text(typed)
    assert zh.conv.company.target_date == date.fromisoformat(offered[index])


def test_a_date_typed_at_the_target_question_is_still_a_date(zh: Driver) -> None:
    _assessed(zh)
    zh.press("2|pl.make")
    zh.text("2028年3月")
    assert zh.conv.company.target_date == date(2028, 3, 31)


def test_whats_next_is_always_the_first_line_of_the_plan(en: Driver) -> None:
    en.now = en.now.replace(day=2, month=12)  # a schedule with a ★ and a plain action on one day
    en.onboard()
    en.press("2|as.start")
    en.answer_all("p", full=False)
    en.press("2|pl.make")
    en.text("ok")  # the earliest date offered
    for _ in range(8):
        [plan] = en.cmd("plan")
        first = next(x for x in plan.text.splitlines() if x.startswith(("⬜ 1.", "⚠️ 1.")))
        nxt = next(r for r in en.cmd("next") if r.text.startswith("👉"))
        assert first.split(" · ")[1] in nxt.text.splitlines()[0]
        en.press("2|evt.done|")


def test_a_step_date_told_at_the_target_question_is_that_step_not_the_target(
    zh: Driver,
) -> None:
    _assessed(zh)
    zh.press("2|pl.make")
    zh.text("我们下周提交申请")
    assert zh.conv.company.target_date is None
    assert any(b.data.startswith("2|fact|apply|") for b in zh.buttons), zh.said()


def test_a_week_ahead_is_read_as_its_last_working_day_for_a_step(zh: Driver) -> None:
    """Not late on Tuesday for "next week": its Friday, said to be a placeholder."""
    _assessed(zh)
    zh.text("我们下周提交申请")  # 2026-11-27 is a Friday: next week is 11-30 to 12-06
    assert any(b.data == "2|fact|apply|2026-12-04" for b in zh.buttons), zh.said()
    assert "我先填的" in zh.said()


def test_ok_to_a_date_offered_as_the_target_sets_it(zh: Driver) -> None:
    _assessed(zh)
    zh.text("2028年6月底")
    zh.text("好")
    assert zh.conv.company.target_date == date(2028, 6, 30)


def test_status_counts_the_plan_as_the_plan_does_and_progress_moves_with_actions(
    en: Driver,
) -> None:
    _assessed(en)
    en.press("2|pl.make")
    en.text("2027-12-31")
    before = overall_progress_of(en)
    [plan] = en.cmd("plan")
    head = plan.text.splitlines()[0]
    open_n = int(head.split(":")[1].split("open")[0].strip())
    assert f"Plan: {open_n} open" in en.cmd("status")[0].text
    first = next(a for a in en.conv.company.actions if a.id.startswith("gap:"))
    en.send(EventKind.BUTTON, f"2|evt.done|action:{first.id}")
    assert overall_progress_of(en) > before  # one action of a step done moves the bar


def overall_progress_of(d: Driver) -> int:
    from flows.context import Ctx
    from flows.nextstep import overall_progress

    return overall_progress(Ctx(d.conv, d.kb, d.now))


@pytest.mark.parametrize(("lang", "said"), [("zh", "我们做到哪了"), ("en", "where were we?")])
def test_where_were_we_says_where_we_stand_before_whats_next(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    _assessed(d)
    d.press("2|pl.make")
    d.text("2027-12-31")
    d.text(said)
    head, *rest = d.replies
    assert head.text.startswith("📍") and ("计划已完成" in head.text or "Plan:" in head.text)
    assert any(r.text.startswith("👉") for r in rest)


def test_a_passed_target_is_said_and_a_new_one_can_be_told_in_words(en: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    en.onboard()
    assess_and_plan(en)
    old = en.conv.company.target_date
    assert old is not None
    en.advance((old - en.now.date()).days + 30)
    [plan] = en.cmd("plan")
    assert "has passed" in plan.text
    done = en.conv.company.actions[0]
    en.send(EventKind.BUTTON, f"2|evt.done|action:{done.id}")
    en.text("change the target date to end of 2028")
    assert en.conv.company.target_date == date(2028, 12, 31)
    kept = next(a for a in en.conv.company.actions if a.id == done.id)
    assert kept.done_on is not None  # what is done stays done


def test_choosing_the_body_is_tied_to_the_planned_application(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-06-01")
    en.press("2|as.start")
    en.answer_all("y")
    en.text("next")
    en.press("2|pl.make")
    en.press("2|pl.target|")
    for said in ("we did the internal audit", "yes", "we held the management review", "yes"):
        en.text(said)
    en.text("we are not on any blacklist")
    [card] = [r for r in en.cmd("next") if r.text.startswith("👉")]
    assert "Choose a certification body" in card.text and "application on" in card.text


def test_a_running_company_audits_after_its_last_gap_action_and_lists_no_past_key_date(
    zh: Driver,
) -> None:
    zh.onboard("恒达", "2|ob|stage|running")
    zh.text("今年3月")
    zh.press("2|as.start")
    zh.answer_all("y", {"D01": "n", "B07": "n"})  # a training gap and an org-chart gap
    zh.text("下一步")
    zh.press("2|pl.make")
    zh.press("2|pl.target|")
    made = next(r.text for r in zh.replies if r.text.startswith("📋 计划已生成"))
    assert "体系运行满3个月" not in made  # reached months ago
    audit = next(a.due for a in zh.conv.company.actions if a.id == "rule:internal_audit")
    gap_actions = [a.due for a in zh.conv.company.actions if a.question_id]
    assert gap_actions and max(gap_actions) < audit


def test_a_surveillance_audit_near_its_latest_date_is_pointed_out_until_booked(
    kb: Knowledge,
) -> None:
    d = Driver(kb, "en", now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    d.onboard("Acme Ltd", "2|ob|stage|certified")
    for typed in ("2023", "IP-1", "2025-12-20", "2028-12-19"):
        d.text(typed)
    d.cmd("next")  # the yearly internal audit (overdue) is what's next ...
    assert "Next: Yearly internal audit" in d.said()
    # ... and the surveillance audit, due in 16 days and not booked, is not left unsaid
    assert "Surveillance audit 1 deadline: 2026-12-18 (in 16 days)" in d.said()
    d.press("2|evt.date|surveillance:1")
    d.text("2026-12-15")
    assert "Recorded: Surveillance audit 1 on 2026-12-15" in d.said()
    d.cmd("next")
    assert "Next: Yearly internal audit" in d.said() and "in 16 days" not in d.said()


@pytest.mark.parametrize(
    ("lang", "asked", "yours"),
    [("en", "when is the first surveillance audit?",
      "Yours: Surveillance audit 1 deadline, 2026-12-18 (in 16 days)"),
     ("zh", "证书有效期多久", "贵公司：证书到期，2028-12-19"),
     ("en", "how often do we need an internal audit",
      "Yours: Yearly internal audit (before surveillance audit 1), 2026-10-16 "
      "(overdue by 47 days)")],
)  # fmt: skip
def test_a_general_answer_about_a_date_adds_the_companys_own(
    kb: Knowledge, lang: str, asked: str, yours: str
) -> None:
    d = Driver(kb, lang, now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    d.onboard("Acme Ltd", "2|ob|stage|certified")
    d.cmd("lang", lang)
    for typed in ("2023", "IP-1", "2025-12-20", "2028-12-19"):
        d.text(typed)
    d.text(asked)
    assert yours in d.said()


def test_a_company_without_the_date_gets_the_general_answer_alone(en: Driver) -> None:
    en.onboard("Acme Ltd")
    en.text("when is the first surveillance audit?")
    assert "12 months" in en.said() and "Yours:" not in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "months"),
    [("zh", "目标往后推三个月", 3), ("zh", "推迟两个月", 2),
     ("en", "push the target back 3 months", 3)],
)  # fmt: skip
def test_the_target_pushed_back_by_months_moves_the_plan(
    kb: Knowledge, lang: str, said: str, months: int
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    before = d.conv.company.target_date
    assert before is not None
    d.text(said)
    assert d.conv.company.target_date == add_months(before, months), d.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "老板说预算不够，能不能晚点做"), ("zh", "计划太紧了"), ("en", "we need more time")],
)
def test_wanting_more_time_offers_later_targets(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    before = d.conv.company.target_date
    assert before is not None
    d.text(said)
    offered = [b.data for b in d.buttons if b.data.startswith("2|pl.target|")]
    assert offered == [f"2|pl.target|{add_months(before, n).isoformat()}" for n in (3, 6)]
    assert d.conv.company.target_date == before  # nothing moved yet
    d.press(offered[0])
    assert d.conv.company.target_date == add_months(before, 3)


def test_an_event_pushed_back_is_not_the_target(zh: Driver) -> None:
    plan_every_gap(zh)
    before = zh.conv.company.target_date
    audit = next(i for i in timeline(zh).items if i.key == "internal_audit")
    zh.text("内审推迟两个月")
    assert zh.conv.company.target_date == before
    moved = add_months(audit.on, 2).isoformat()
    assert any(b.data == f"2|fact|internal_audit|{moved}" for b in zh.buttons), zh.said()


@pytest.mark.parametrize(("said", "months"), [("往后推两个月", 2), ("好的", 3)])
def test_after_asking_for_more_time_a_shift_or_ok_moves_the_target(
    zh: Driver, said: str, months: int
) -> None:
    plan_every_gap(zh)
    before = zh.conv.company.target_date
    assert before is not None
    zh.text("计划太紧了")
    zh.text(said)
    assert zh.conv.company.target_date == add_months(before, months), zh.said()


def test_plan_items_told_done_by_their_numbers(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard()
    assess_and_plan(zh)
    zh.cmd("plan")
    listed = plan.plan_items(ctx_of(zh))
    zh.text("2 3都做完了")
    assert listed[1].title_zh in zh.said() and listed[2].title_zh in zh.said(), zh.said()
    zh.text("对")
    done = {a.id for a in zh.conv.company.actions if a.done_on}
    assert {listed[1].action_id, listed[2].action_id} <= done
    zh.text("99号完成了")
    assert "您说的是哪几项" in zh.said()


def test_news_told_while_a_new_action_is_asked_is_read_as_news(en: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    en.onboard()
    assess_and_plan(en)
    en.press("2|pl.add")
    en.text("1")  # an option number is no action
    assert "in words" in en.said()
    en.text("stage 1 is on March 10")
    assert "set the new action aside" in en.said(), en.said()
    assert not any("stage 1" in a.title_en for a in en.conv.company.actions)
    assert any(b.data.startswith("2|fact|stage1|") for b in en.buttons)  # the date read back


@pytest.mark.parametrize("days", [0, 1, 2, 3, 4, 5, 6])  # a start on each weekday
def test_target_dates_offered_are_working_days(kb: Knowledge, days: int) -> None:
    """All three offered targets fell on Saturdays (one on Christmas Day) for some starts."""
    d = Driver(kb, "en")
    d.advance(days)
    _assessed(d, {"A03": "n", "B01": "n", "C06": "n", "D03": "n", "E01": "n"})
    d.press("2|pl.make")
    offered = [b.data.rsplit("|", 1)[1] for b in d.buttons if b.data.startswith("2|pl.target|")]
    assert len(offered) == 3, d.said()
    for day in map(date.fromisoformat, offered):
        assert is_working_day(day), (day, d.said())


def test_the_too_early_warning_dates_the_audit_as_the_plan_then_does(en: Driver) -> None:
    """It said "the internal audit (2027-04-19)", and the plan for the date it offered put
    the audit on 2027-04-21."""
    _assessed(en, {q: "n" for q in ("A01", "A02", "A03", "B01", "B02", "C01", "C02", "D03")})
    en.press("2|pl.make")
    en.text((ctx_of(en).today + timedelta(days=200)).isoformat())
    said = en.said()
    [offer] = [b for b in en.buttons if b.data.startswith("2|pl.target|")]
    en.press(offer.data)
    audit = timeline(en).get("internal_audit")
    review = timeline(en).get("management_review")
    assert audit.on.isoformat() in said and review.on.isoformat() in said, (audit.on, said)


def test_status_says_the_date_everything_is_planned_towards(en: Driver) -> None:
    """/status showed milestones but never the target, nor the goal said before the plan."""
    en.onboard()
    en.text("we want the cert by end of June next year")
    assert "Certificate wanted by: 2027-06-30" in en.cmd("status")[0].text
    en.cmd("next")
    en.press("2|as.start")
    en.answer_all("y", {"A03": "n", "B01": "p", "C06": "n"})
    en.press("2|pl.make")
    en.text("2027-12-31")
    assert "Target certification date: 2027-12-31" in en.cmd("status")[0].text
