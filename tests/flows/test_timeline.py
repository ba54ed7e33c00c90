"""Issue 9, failure by failure: /next, the plan, the calendar and the reminders agree."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from flows.dates import default_expiry
from flows.digest import render_digest
from flows.reminders import ReminderView
from flows.schedule import all_events, plan_reminders, timeline_events
from flows.state import Certificate, Company
from flows.timeline import State, build, state
from flows.types import EventKind
from flows.workdays import is_working_day
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import (
    advance_to,
    assess_and_plan,
    complete_step,
    ctx_of,
    one_next,
    plan_every_gap,
    record,
    timeline,
    today,
)


def _certified(issued: date) -> Company:
    return Company(
        certificate=Certificate(number="A", issued=issued, expires=default_expiry(issued, 3))
    )


def _all_gaps(d: Driver) -> None:
    """A company that has nothing yet: every requirement is a gap (64 actions)."""
    d.press("2|as.start")
    d.answer_all("n")
    d.text("下一步" if d.conv.user.lang == "zh" else "what's next")
    d.press("2|pl.make")
    d.press("2|pl.target|")


def _calendar(d: Driver) -> list[str]:
    d.cmd("calendar")
    doc = d.replies[0].document
    assert doc is not None
    return [str(e["summary"]) for e in Calendar.from_ical(doc.content).walk("VEVENT")]


# --- recorded dates flow into the plan --------------------------------------------------------


def test_a_recorded_start_date_replaces_the_planned_one(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    assess_and_plan(zh)
    planned = timeline(zh).get("operate")
    assert planned is not None and planned.on > today(zh)
    zh.open_step("impl.operate")
    record(zh, "operate", date(2026, 11, 1))
    tl = timeline(zh)
    assert tl.get("operate").on == date(2026, 11, 1) and tl.get("operate").done  # type: ignore[union-attr]
    assert tl.get("eligible").on == date(2027, 2, 1)  # type: ignore[union-attr]
    zh.cmd("plan", "all")
    assert "体系开始有记录地运行" not in zh.said()  # no longer an open plan line
    titles = Counter(t.removeprefix("✅ ") for t in _calendar(zh))
    assert titles["体系运行满3个月"] == 1 and titles["体系开始有记录地运行"] == 1
    advance_to(zh, planned.on + timedelta(days=40))
    assert "体系开始有记录地运行" not in one_next(zh)  # never "已逾期 40 天"


def test_completing_the_application_step_completes_its_plan_item(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-06-01")
    assess_and_plan(en)
    assert not timeline(en).get("apply").done  # type: ignore[union-attr]
    en.send(EventKind.BUTTON, "2|sd!|appl.submit")  # "already submitted - record it anyway"
    assert timeline(en).get("apply").done  # type: ignore[union-attr]
    en.cmd("plan", "all")
    assert "Apply for certification" not in en.said()


def test_the_calendar_lists_each_date_once(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    assess_and_plan(zh)
    zh.open_step("impl.internal_audit")
    record(zh, "internal_audit", date(2027, 5, 10))
    summaries = Counter(_calendar(zh))
    assert summaries["内部审核"] == 1 and summaries["管理评审"] == 1
    assert max(summaries.values()) == 1


# --- "what's next" --------------------------------------------------------------------------


def test_next_is_not_stuck_on_overdue_actions_and_one_press_clears_them(zh: Driver) -> None:
    zh.onboard("华夏精工")
    _all_gaps(zh)
    open_actions = [a for a in zh.conv.company.actions if not a.done_on]
    assert len(open_actions) > 50
    advance_to(zh, today(zh) + timedelta(days=200))  # came back much later, behind on everything
    said = one_next(zh)
    assert said.count("已逾期") <= 2  # the action shown, and one line for all the others
    # Milestones are overdue too (the internal audit...): the one tap covers the actions only.
    assert "这些行动都已完成" in {b.label.removeprefix("✅ ") for b in zh.buttons}
    bulk = next(b for b in zh.buttons if b.data.startswith("2|tl.alldone|"))
    zh.press(bulk.data)
    late = [i for i in timeline(zh).items if state(i, today(zh)) is State.MISSED]
    late_actions = [i for i in late if i.key.startswith("action:")]
    assert len(late_actions) <= 1  # only the one "what's next" was showing
    assert any(i.key in ("internal_audit", "operate") for i in late)  # not ticked on a guess
    assert "已把" in zh.said() and "以及另外" in zh.said()  # a few named, the rest counted
    assert zh.said().count("•") <= 6


def test_a_stale_bulk_button_completes_nothing(en: Driver) -> None:
    en.onboard()
    _all_gaps(en)
    advance_to(en, today(en) + timedelta(days=60))
    one_next(en)
    bulk = next(b for b in en.buttons if b.data.startswith("2|tl.alldone|"))
    advance_to(en, today(en) + timedelta(days=30))  # more fell overdue since
    before = sum(1 for a in en.conv.company.actions if a.done_on)
    en.send(EventKind.BUTTON, bulk.data)
    assert "has changed" in en.said()
    assert sum(1 for a in en.conv.company.actions if a.done_on) == before


def test_one_reply_never_carries_two_next_lines(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    assess_and_plan(zh)
    complete_step(zh, "impl.establish")
    said = zh.said()
    assert said.count("下一步") == 1 and "已完成" in said


def test_how_to_do_it_is_apart_from_the_evidence(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|building")
    assess_and_plan(en)
    said = one_next(en)
    item = timeline(en).get(
        next(b.data.split("|", 2)[2] for b in en.buttons if b.data.startswith("2|evt.done|"))
    )
    assert item is not None and item.question_id
    q = en.kb.question(item.question_id)
    how = said.split("How:")[1].split("What an auditor looks at:")[0]
    assert "1. " in how and q.evidence.en not in how
    assert f"What an auditor looks at: {q.evidence.en}" in said


# --- checklists ------------------------------------------------------------------------------


def test_checklists_tick_themselves_from_what_is_known(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    zh.press("2|as.start")
    zh.answer_all("y", {"A03": "n"})  # the policy (B01) exists
    zh.open_step("impl.establish")
    policy = next(b for b in zh.buttons if "方针已签发" in b.label)
    assert policy.label.startswith("✅")
    zh.open_step("impl.operate")
    assert next(b for b in zh.buttons if "已记录运行开始日期" in b.label).label.startswith("⬜")
    record(zh, "operate", today(zh) - timedelta(days=10))
    zh.open_step("impl.operate")
    assert next(b for b in zh.buttons if "已记录运行开始日期" in b.label).label.startswith("✅")


def test_back_after_a_finished_step_shows_it_done(zh: Driver) -> None:
    zh.onboard("华夏精工")
    complete_step(zh, "prep.learn")
    zh.cmd("back")
    said = zh.said()
    total = len(zh.kb.steps["prep.learn"].checklist)
    assert "本步骤已完成" in said and f"（{total}/{total}" in said


def test_the_start_of_operation_is_asked_as_such_and_may_be_ahead(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    zh.open_step("impl.operate")
    zh.press("2|evt.date|operate")
    assert "哪天开始有记录地运行" in zh.said() and "满3个月" not in zh.said()
    ahead = today(zh) + timedelta(days=20)
    zh.text(ahead.isoformat())
    assert zh.conv.company.system_start == ahead
    assert "开始有记录地运行" in zh.said() and "满 3 个月是" in zh.said()


# --- past and external dates are records ----------------------------------------------------


def test_a_past_date_is_a_record_not_an_alarm(zh: Driver) -> None:
    zh.onboard("华夏精工", "2|ob|stage|building")
    advance_to(zh, date(2027, 3, 20))
    zh.open_step("impl.internal_audit")
    record(zh, "internal_audit", date(2027, 3, 15))
    said = zh.said()
    assert "已完成" in said and "提醒您" not in said and "已过期" not in said
    company = zh.conv.company
    rows = plan_reminders(company, all_events(company, zh.kb.rules), zh.kb.rules, zh.now, [1])
    assert not [r for r in rows if r.event_key == "internal_audit"]


def test_the_certification_bodys_audit_asks_for_its_outcome(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.open_step("audit.stage1")
    record(en, "stage1", today(en) + timedelta(days=5))
    advance_to(en, today(en) + timedelta(days=6))
    said = one_next(en)
    assert "How did the Stage 1 audit" in said and "overdue" not in said.lower()
    assert {"2|tl.passed|stage1", "2|tl.findings|stage1"} <= {b.data for b in en.buttons}
    view = ReminderView(1, "stage1", "stage1", -1, today(en) - timedelta(days=1),
                        "", "", "audit.stage1", "Asia/Shanghai")  # fmt: skip
    [card] = render_digest([view], en.kb.rules, "en", en.now)  # the one item: its card
    assert "how did it go" in card.text and "Overdue" not in card.text
    assert {"2|tl.passed|stage1", "2|tl.findings|stage1"} <= {
        b.data for row in card.buttons for b in row
    }
    other = ReminderView(2, "internal_audit", "internal_audit", 1, today(en) + timedelta(days=1),
                         "", "", None, "Asia/Shanghai")  # fmt: skip
    [digest] = render_digest([view, other], en.kb.rules, "en", en.now)
    assert "Audit outcomes to confirm" in digest.text and "Overdue" not in digest.text
    assert "2|tl.passed|stage1" in {b.data for row in digest.buttons for b in row}


# --- the plan a small company can carry out ---------------------------------------------------


def test_the_plan_keeps_to_a_weekly_pace_in_dependency_order(zh: Driver) -> None:
    zh.onboard("华夏精工")  # 45 people: one person carries every role but top management's
    _all_gaps(zh)
    per_week = zh.kb.rules.practice.planning.capacity[0].per_week
    tl = timeline(zh)
    actions = [i for i in tl.items if i.key.startswith("action:")]
    load = Counter(
        (i.on.isocalendar()[:2], "top" if i.owner_en == "Top management" else "team")
        for i in actions
    )
    assert max(load.values()) <= per_week
    assert all(is_working_day(i.on) for i in tl.items if not i.fixed)
    order = [t.id for t in zh.kb.journey.themes]
    last: dict[str, date] = {}
    first: dict[str, date] = {}
    for i in actions:
        assert i.theme
        last[i.theme] = max(last.get(i.theme, i.on), i.on)
        first[i.theme] = min(first.get(i.theme, i.on), i.on)
    for before, after in itertools.pairwise(order):
        assert last[before] <= first[after], (before, after)
    assert last["records"] <= tl.get("internal_audit").on  # type: ignore[union-attr]
    for theme in order:  # each person's show-stoppers first within a theme
        for lane in ("Top management", "other"):
            mine = [
                i for i in actions
                if i.theme == theme and (i.owner_en == "Top management") == (lane != "other")
            ]  # fmt: skip
            stoppers = [i.on for i in mine if i.priority == 1]
            rest = [i.on for i in mine if i.priority != 1]
            if stoppers and rest:
                assert max(stoppers) <= min(rest), (theme, lane)


def test_no_milestone_on_new_years_day_or_a_weekend(kb: Knowledge) -> None:
    for start in (date(2026, 9, 28), date(2026, 10, 1), date(2026, 12, 28)):
        d = Driver(kb, "en")
        d.now = d.now.replace(year=start.year, month=start.month, day=start.day)
        d.onboard()
        assess_and_plan(d)
        for item in timeline(d).items:
            assert item.fixed or is_working_day(item.on), item


def test_certificate_deadlines_on_a_day_off_move_earlier_and_say_so(en: Driver) -> None:
    # Second surveillance due by Sunday 2028-06-25; recertification application Sunday 2030-02-24.
    surv = Company(
        certificate=Certificate(number="A", issued=date(2026, 6, 25), expires=date(2029, 6, 24))
    )
    tl = build(surv, en.kb.rules)
    s2 = tl.get("surveillance:2")
    assert s2 is not None and s2.on == date(2028, 6, 23) and s2.moved_from == date(2028, 6, 25)
    event = next(e for e in timeline_events(tl) if e.key == "surveillance:2")
    assert (
        "moved earlier from Sun 2028-06-25" in event.title_en
        and "2028-06-25 周日" in event.title_zh
    )
    recert = Company(
        certificate=Certificate(number="B", issued=date(2027, 6, 25), expires=date(2030, 6, 24))
    )
    apply = build(recert, en.kb.rules).get("recert:apply")
    assert (
        apply is not None
        and apply.on == date(2030, 2, 22)
        and apply.moved_from == date(2030, 2, 24)
    )


def test_the_yearly_audit_and_review_come_before_the_recertification_application(
    en: Driver,
) -> None:
    company = Company(
        certificate=Certificate(number="A", issued=date(2026, 3, 2), expires=date(2029, 3, 1))
    )
    tl = build(company, en.kb.rules)
    apply = tl.get("recert:apply")
    audit, review = (
        tl.get("yearly_internal_audit:recert"),
        tl.get("yearly_management_review:recert"),
    )
    assert apply and audit and review and audit.on < review.on < apply.on


# --- reminders people don't mute -----------------------------------------------------------------


def test_making_a_plan_posts_nothing_and_says_when_the_first_digest_comes(zh: Driver) -> None:
    zh.onboard("华夏精工")
    _all_gaps(zh)
    assert "第一条摘要预计在" in zh.said()
    company = zh.conv.company
    rows = plan_reminders(company, all_events(company, zh.kb.rules), zh.kb.rules, zh.now, [1])
    assert rows and all(r.due_at > zh.now for r in rows)  # nothing goes out now


def test_coming_back_two_months_later_gets_one_catch_up_digest(zh: Driver) -> None:
    zh.onboard("华夏精工")
    _all_gaps(zh)
    company, rules = zh.conv.company, zh.kb.rules
    planned = plan_reminders(company, all_events(company, rules), rules, zh.now, [1])
    back = zh.now + timedelta(days=60)
    due = [
        ReminderView(n, r.event_key, r.kind, r.lead_days, r.event_date, r.title_zh, r.title_en,
                     r.step_id, company.timezone, r.due_at)
        for n, r in enumerate(planned, 1) if r.due_at <= back
    ]  # fmt: skip
    assert len(due) > 20
    [digest] = render_digest(due, rules, "zh", back)
    assert "欢迎回来" in digest.text and "另有" in digest.text
    assert len(digest.text.splitlines()) < 25 and len(digest.buttons) <= 6
    assert ctx_of(zh)  # the conversation itself is untouched by rendering


def test_recording_a_past_external_audit_moves_the_journey_and_offers_passed(kb: Knowledge) -> None:
    """Seen in a walk-through: stage 1 and 2 recorded as held, yet "what's next" stayed at
    the contract review, and only "record findings" was offered."""
    from datetime import UTC, datetime

    d = Driver(kb, "zh", now=datetime(2027, 7, 30, 2, tzinfo=UTC))
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2027-03-01")  # running since
    d.text("二阶段7月27号结束了")
    d.text("对")
    assert "audit.stage2" in d.conv.company.steps_done
    assert any(b.data == "2|tl.passed|stage2" for b in d.buttons)
    d.cmd("next")
    assert "合同与文件评审" not in d.said()


def test_the_overdue_list_never_ticks_a_milestone_in_bulk(en: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    en.onboard()
    assess_and_plan(en)
    advance_to(en, today(en) + timedelta(days=270))  # the audit, review and application passed
    en.cmd("next")
    en.press("2|tl.overdue")
    assert "real date" in en.said()
    bulk = next(b for b in en.buttons if b.data.startswith("2|tl.alldone|"))
    assert "actions" in bulk.label
    en.press(bulk.data)
    tl = timeline(en)
    for key in ("internal_audit", "management_review", "apply"):
        item = tl.get(key)
        assert item is not None and not item.done, key  # still to be dated by the user


def test_a_sentence_at_the_date_prompt_leaves_it_instead_of_trapping(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard()
    assess_and_plan(zh)
    zh.cmd("next")
    zh.press(next(b.data for b in zh.buttons if b.data.startswith("2|evt.date|")))
    zh.text("下周三吧?")  # looks like a date: asked again is fine
    zh.text("外来文件没有受控")  # not a date at all: the prompt is dropped
    assert zh.conv.user.pending is None or zh.conv.user.pending.flow != "date"
    assert "没看懂这个日期" not in zh.said()


def test_the_application_recorded_closes_the_open_plan_actions_with_a_word(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard()
    assess_and_plan(zh)
    assert any(a.done_on is None for a in zh.conv.company.actions)
    zh.advance(200)
    zh.text("申请上周交了")
    zh.text("对")
    assert all(a.done_on is not None for a in zh.conv.company.actions)
    assert "一并记为完成" in zh.said()


@pytest.mark.parametrize("said", ["都做完了", "these are all done", "mark them done together"])
def test_all_done_in_words_presses_the_one_tap_button_shown(en: Driver, said: str) -> None:
    plan_every_gap(en)  # every quick-set gap is a plan action
    en.advance(40)  # several actions overdue: one line and a one-tap button under the card
    en.cmd("next")
    assert any(b.data.startswith("2|tl.alldone|") for b in en.buttons)
    en.text(said)
    assert sum(1 for a in en.conv.company.actions if a.done_on) > 1


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("zh", "计划里的都做完了", "对"),
        ("en", "everything in the plan is done", "yes"),
        ("en", "all the overdue stuff is done", "yes"),
    ],
)
def test_all_done_told_with_nothing_on_screen_reads_the_overdue_actions_back(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.advance(40)  # back after weeks: several actions overdue, no card on screen
    d.text("hmm")
    late = [i for i in timeline(d).items if i.key.startswith("action:") and i.on < today(d)]
    d.text(said)
    assert str(len(late)) in d.said() and late[0].title(lang) in d.said()
    assert not any(
        a.done_on for a in d.conv.company.actions if f"action:{a.id}" in {i.key for i in late}
    )  # read back first, nothing ticked yet
    d.text(yes)
    done = {f"action:{a.id}" for a in d.conv.company.actions if a.done_on}
    assert {i.key for i in late} <= done, d.said()


@pytest.mark.parametrize(("lang", "said"), [("en", "both done"), ("zh", "两个都做了")])
def test_milestones_said_done_together_are_asked_for_their_days(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("IP-1")
    d.text("2026-03-02")
    d.text("ok")
    d.text("内审1月11号，管评一周后")  # this year's audit and review, planned
    d.text("对")
    d.advance(70)  # both passed unrecorded
    d.text("hmm")
    d.text(said)
    assert "2027-01-11" in d.said() and "2027-01-18" in d.said(), d.said()
    assert not any(e.done for e in d.conv.company.events)  # nothing recorded on a guess


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "all done except the appointment letter"), ("zh", "除了任命书，其他都做完了")],
)  # fmt: skip
def test_all_done_except_one_is_read_back_without_it(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.onboard()
    _all_gaps(d)
    advance_to(d, today(d) + timedelta(days=60))
    one_next(d)
    before = {a.id for a in d.conv.company.actions if a.done_on}
    d.text(said)
    assert {a.id for a in d.conv.company.actions if a.done_on} == before  # asked first
    titles = d.said()
    left_out = "Appoint the IP system lead" if lang == "en" else "书面任命"
    assert left_out not in titles, titles
    d.text("yes" if lang == "en" else "对")
    appointment = next(a for a in d.conv.company.actions if a.id == "gap:B06")
    assert appointment.done_on is None and len([a for a in d.conv.company.actions if a.done_on]) > 5


def test_a_digest_longer_than_its_buttons_says_where_the_rest_are(en: Driver) -> None:
    day = date(2026, 11, 20)
    views = [
        ReminderView(
            n, f"action:own:{n}", "action", 0, day, "", f"Action {n}", None, "Asia/Shanghai"
        )
        for n in range(1, 9)
    ]
    [digest] = render_digest(views, en.kb.rules, "en", en.now)
    numbered = {
        b.label.split()[-1] for row in digest.buttons for b in row if b.label[:1] in "✅⏰📅"
    }
    assert numbered == {"1", "2", "3", "4", "5"} and "8. Action 8" in digest.text
    assert "Items 6–8 have no buttons here" in digest.text, digest.text
