"""Owners' reports as they type them: what is done, put off, booked or found, in one message."""

from __future__ import annotations

from datetime import date

import pytest

from flows.natural import parse_date
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to, plan_every_gap, timeline


def _planned(kb: Knowledge, lang: str, day: date) -> Driver:
    d = Driver(kb, lang)
    plan_every_gap(d)
    advance_to(d, day)
    return d


def _action(d: Driver, title_en: str) -> str:
    return next(a.id for a in d.conv.company.actions if a.title_en == title_en)


def test_a_training_plan_issued_is_done_not_put_off_to_next_year(kb: Knowledge) -> None:
    d = _planned(kb, "en", date(2027, 2, 20))
    d.text("training plan issued, first session for all staff was on feb 12")
    assert "Issue and run the annual IP training plan" in d.said(), d.said()
    assert any(b.data.startswith("2|evt.told|") and "2027-02-12" in b.data for b in d.buttons)
    assert "2028" not in d.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "the manual is about half written, can we push it 2 weeks"),
        ("zh", "手册写了一半，能不能往后推两周"),
    ],
)
def test_half_written_is_not_done_and_pushed_by_two_weeks_moves_that_action(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = _planned(kb, lang, date(2027, 1, 4))
    key = "action:" + _action(d, "Write and approve the IP system documents")
    item = timeline(d).get(key)
    assert item is not None
    d.text(said)
    assert not any(b.data.startswith("2|evt.told|") for b in d.buttons), d.said()
    moved = [b.data for b in d.buttons if b.data.startswith(f"2|fact|{key}|")]
    assert len(moved) == 1, d.said()
    new = date.fromisoformat(moved[0].rsplit("|", 1)[1])
    assert 14 <= (new - item.on).days <= 16, (item.on, new)  # two weeks, on a working day
    assert d.conv.company.target_date is not None
    target = d.conv.company.target_date
    d.text("对" if lang == "zh" else "yes")
    assert d.conv.company.target_date == target  # the action moved, not the target
    assert timeline(d).get(key).on == new  # type: ignore[union-attr]


def _applied(kb: Knowledge, lang: str) -> Driver:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied" if lang == "en" else "2|ob|stage|running")
    d.text("2026-06-01")
    advance_to(d, date(2026, 12, 8))
    return d


def test_an_audit_done_and_passed_is_past_though_the_next_one_is_booked(kb: Knowledge) -> None:
    d = _applied(kb, "en")
    d.text("stage 1 done on december 6, no issues. stage 2 booked for jan 10")
    assert [b.data for b in d.buttons] == ["2|fact.passed|stage1|2026-12-06"], d.said()
    assert "Stage 2 audit" in d.said()  # named, to be told next
    d.text("yes")  # recorded, though the plan had no stage 1 on it yet
    assert any(e.key == "stage1" and e.done for e in d.conv.company.events), d.said()
    assert d.conv.company.current_step == "audit.stage2", d.said()


def test_each_event_takes_the_date_in_its_own_clause(kb: Knowledge) -> None:
    d = _applied(kb, "zh")
    d.text("申请12月4号交给中知了，一阶段定在1月3号")
    assert any(b.data == "2|fact|stage1|2027-01-03" for b in d.buttons), d.said()


@pytest.mark.parametrize(
    ("lang", "said", "descriptions"),
    [
        (
            "en",
            "stage 2 finished yesterday. they found 2 minor NCs, one about training records, "
            "one about the contract clauses, we have 30 days",
            ["training records", "the contract clauses"],
        ),
        (
            "zh",
            "二阶段审完了，开了2个轻微不符合，一个是培训记录不全，一个是合同条款没更新，给了30天整改",
            ["培训记录不全", "合同条款没更新"],
        ),
    ],
)
def test_findings_counted_graded_and_given_days_are_recorded_without_asking_again(
    kb: Knowledge, lang: str, said: str, descriptions: list[str]
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    zh = lang == "zh"
    d.text(
        "一阶段审核11月20号做的，没问题" if zh else "stage 1 audit was on November 20, it went fine"
    )
    d.text("对" if zh else "yes")
    d.text("二阶段定在12月10号" if zh else "stage 2 is on december 10")
    d.text("对" if zh else "yes")
    advance_to(d, date(2026, 12, 11))
    d.text(said)
    ncs = d.conv.company.nonconformities
    assert [nc.description for nc in ncs] == descriptions, d.said()
    assert all(nc.grade == "minor" for nc in ncs)
    assert all(nc.correction_due == date(2027, 1, 8) for nc in ncs)  # 30 days from Dec 10
    assert d.conv.user.pending is None or d.conv.user.pending.flow == "offer", d.said()
    assert "typical practice" not in d.said() and "常见做法" not in d.said()


@pytest.mark.parametrize("said", ["30 days", "2 weeks", "a week", "we have 30 days"])
def test_a_length_of_time_alone_is_no_date(said: str) -> None:
    assert not hasattr(parse_date(said, date(2026, 12, 11), "past"), "value")


def test_30_days_ago_is_still_a_date() -> None:
    found = parse_date("30 days ago", date(2026, 12, 11), "past")
    assert getattr(found, "value", None) == date(2026, 11, 11)


@pytest.mark.parametrize("lang", ["zh"])  # the shared setup onboards "华光" in Chinese
def test_a_risk_to_the_certificate_is_told_in_full_once_then_named(
    kb: Knowledge, lang: str
) -> None:
    from tests.flows.test_told_outcomes import _certified

    d = Driver(kb, lang)
    _certified(d, "2025-06-10")  # the first surveillance audit was due by 2026-06-10
    d.cmd("next")
    full = d.said()
    say = "可以这样对" if lang == "zh" else "What to tell"
    assert say in full, full
    d.text("管评10月15号开了" if lang == "zh" else "the management review was held on october 15")
    d.text("对" if lang == "zh" else "yes")  # recorded, then what's next after it
    after = d.said()
    assert ("证书风险" in after or "Risk to your certificate" in after) and say not in after, after


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("zh", "范围、方针和组织架构图都弄好了", "好的"),
        ("en", "we already have the policy and the org chart done", "ok"),
    ],
)
def test_progress_told_before_any_plan_points_at_the_assessment(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    assert [b.data for b in d.buttons] == ["2|as.start"], d.said()
    d.text(yes)
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "assess", d.said()


@pytest.mark.parametrize(
    ("lang", "offer", "said", "moved", "day"),
    [
        ("zh", "方针老板下周三签", "范围说明改到2月22号", "gap:A01", "2027-02-22"),
        (
            "en",
            "the policy will be signed next wednesday",
            "move the scope statement to feb 22",
            "gap:A01",
            "2027-02-22",
        ),
    ],
)
def test_another_item_moved_under_a_read_back_is_that_item(
    kb: Knowledge, lang: str, offer: str, said: str, moved: str, day: str
) -> None:
    d = _planned(kb, lang, date(2026, 12, 16))
    d.text(offer)
    assert any(b.data.startswith("2|fact|action:gap:B01|") for b in d.buttons), d.said()
    d.text(said)
    assert [b.data for b in d.buttons] == [f"2|fact|action:{moved}|{day}"], d.said()


def test_postponed_to_a_date_moves_the_action_named(kb: Knowledge) -> None:
    d = _planned(kb, "en", date(2026, 12, 16))
    d.text("postpone the ip system documents to 3 february")
    assert [b.data for b in d.buttons] == ["2|fact|action:gap:A03|2027-02-03"], d.said()


def test_three_events_in_one_message_read_back_the_first_and_name_the_others(
    kb: Knowledge,
) -> None:
    from tests.flows.test_told_outcomes import _certified

    d = Driver(kb, "zh")
    _certified(d, "2025-12-18")
    advance_to(d, date(2026, 12, 3))
    d.text("今年内审9月做了，管评10月做了，监督审核约在12月15号")
    assert [b.data for b in d.buttons] == ["2|fact|yearly_internal_audit:s1|2026-09-01"], d.said()
    assert "管理评审" in d.said() and "监督审核最迟期限" not in d.said(), d.said()


def test_findings_listed_after_a_colon_are_described_not_asked_for(kb: Knowledge) -> None:
    d = _applied(kb, "en")
    d.conv.user.lang = "zh"
    d.text(
        "一阶段12月4号审的，过了，审核员说有两个问题要在二阶段前改：合规义务清单不全，还有目标没有考核数据"
    )
    assert "合规义务清单不全" in d.said() and "请简要描述" not in d.said(), d.said()
    d.text("一般")
    assert "目标没有考核数据" in d.said(), d.said()
    d.text("一般")
    assert [nc.description for nc in d.conv.company.nonconformities] == [
        "合规义务清单不全",
        "目标没有考核数据",
    ]


def test_findings_of_a_later_surveillance_audit_go_to_that_audit(kb: Knowledge) -> None:
    d = Driver(kb, "en")
    d.onboard("Huaxin", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("165IP240001")
    d.text("2024-03-17")
    d.text("ok")
    advance_to(d, date(2025, 2, 20))
    d.text("the first surveillance audit was on feb 10 2025, it went fine")
    d.text("yes")
    advance_to(d, date(2026, 12, 3))
    d.text("surveillance 2 was on 10 feb 2026, they raised 2 minor ncs")
    assert "Surveillance audit 2 raised 2" in d.said(), d.said()
    d.text("ledger fee dates not updated")
    d.text("training records incomplete")  # "minor" said for both: no grade asked
    ncs = d.conv.company.nonconformities
    assert [(nc.description, nc.grade) for nc in ncs] == [
        ("ledger fee dates not updated", "minor"),
        ("training records incomplete", "minor"),
    ], d.said()
    events = {e.key: e.on for e in d.conv.company.events}
    assert events["surveillance:2"] == date(2026, 2, 10) and events["surveillance:1"] == date(
        2025, 2, 10
    )


def test_a_surveillance_result_with_a_counted_finding_keeps_the_booked_day(kb: Knowledge) -> None:
    from tests.flows.test_told_outcomes import _certified

    d = Driver(kb, "en")
    advance_to(d, date(2027, 7, 1))  # the certificate's issue date is in the past
    _certified(d, "2027-06-28")
    assert d.conv.company.certificate is not None
    d.conv.user.lang = "en"
    advance_to(d, date(2028, 5, 2))
    d.text("the surveillance audit is booked for may 19")
    d.text("yes")
    advance_to(d, date(2028, 5, 22))
    d.text(
        "surveillance went fine on friday, one minor nc about the ip ledger fee dates not "
        "updated, 30 days to close"
    )
    [nc] = d.conv.company.nonconformities
    assert nc.raised_on == date(2028, 5, 19), d.said()  # not "saturday one" = January 1st
    assert nc.description == "the ip ledger fee dates not updated" and nc.grade == "minor"
    assert nc.correction_due == date(2028, 6, 16)  # 30 days from the audit, a working day
    d.cmd("plan")
    assert "/reminders" in d.said() and "gap assessment" not in d.said(), d.said()
