"""Outcomes told in words start the flow that records them, through the same confirmations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from flows.natural import format_date
from flows.timeline import State, state
from flows.types import EventKind
from flows.workdays import previous_working_day
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to, assess_and_plan, timeline, today


def _audited(d: Driver) -> None:
    d.onboard("华光精密", "2|ob|stage|audited")
    d.text("2026-06-01")  # running since


def _stage2_held(d: Driver) -> None:
    """Applied, stage 2 booked for 3 December (read back, confirmed) and held a week ago."""
    zh = d.conv.user.lang == "zh"
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("二阶段审核定在12月3号" if zh else "stage 2 on December 3")
    d.text("对" if zh else "yes")
    d.advance(7)


def _certified(d: Driver, issued: str) -> None:
    """Onboarded as certified; a 2023 certificate issued on ``issued``, the usual expiry taken."""
    d.onboard("华光", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("12345IP0001")
    d.text(issued)
    d.text("好的" if d.conv.user.lang == "zh" else "ok")


@pytest.mark.parametrize("said", ["拿到证书了", "证书下来了！", "we got our certificate today"])
def test_the_certificate_told_starts_recording_it(zh: Driver, said: str) -> None:
    _audited(zh)
    zh.text(said)
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "number"
    assert "🎉" in zh.said() and "超出" not in zh.said()


@pytest.mark.parametrize("said", ["还没拿到证书", "证书还没下来", "not certified yet"])
def test_a_certificate_not_yet_received_starts_nothing(zh: Driver, said: str) -> None:
    _audited(zh)
    zh.text(said)
    pending = zh.conv.user.pending
    assert pending is None or pending.field != "number"


def _with_ncs(d: Driver, n: int) -> None:
    _audited(d)
    d.open_step("audit.nonconformities")
    for i in range(n):
        d.press("2|nc.add")
        d.text(f"合同未审查 {i + 1}")
        d.press("2|nc.grade|minor")


def test_one_open_nonconformity_told_closed_asks_to_close_it(zh: Driver) -> None:
    _with_ncs(zh, 1)
    zh.text("不符合项整改完了")
    assert "确定关闭不符合项 1" in zh.said()
    assert zh.conv.company.nonconformities[0].closed_on is None  # only after the yes
    zh.text("对")
    assert zh.conv.company.nonconformities[0].closed_on == zh.now.date()


def test_several_open_nonconformities_told_closed_asks_which(zh: Driver) -> None:
    _with_ncs(zh, 2)
    zh.text("整改搞定了")  # which one? ("都搞定了" closes them all, after a confirmation)
    assert "哪一个" in zh.said()
    closes = [b.data for b in zh.buttons if b.data.startswith("2|nc.close|")]
    assert len(closes) == 2
    assert all(nc.closed_on is None for nc in zh.conv.company.nonconformities)


@pytest.mark.parametrize(
    ("said", "closes_all"),
    [("4个不符合项都整改完了", True), ("all 4 findings are closed", True),
     ("2个不符合都整改完了", False)],
)  # fmt: skip
def test_a_count_of_findings_told_closed_is_not_a_finding_number(
    zh: Driver, said: str, closes_all: bool
) -> None:
    _with_ncs(zh, 4)
    zh.text(said)
    if closes_all:  # every one, after the confirmation: not "close finding 4?"
        assert "不符合项 4（" not in zh.said(), zh.said()
        zh.text("对")
        assert all(nc.closed_on is not None for nc in zh.conv.company.nonconformities)
    else:  # two of four: which ones?
        assert "哪一个" in zh.said(), zh.said()
        assert all(nc.closed_on is None for nc in zh.conv.company.nonconformities)


def test_an_external_audit_told_passed_is_recorded_as_passed_on_one_yes(zh: Driver) -> None:
    _audited(zh)
    zh.text("二阶段审核定在12月10号")
    zh.text("对")
    zh.advance(15)  # 2026-12-12
    zh.text("二阶段审核通过了")
    assert "顺利通过" in zh.said() and "超出" not in zh.said()
    zh.text("对")
    from flows.context import Ctx
    from flows.known import timeline_of

    item = timeline_of(Ctx(zh.conv, zh.kb, zh.now)).get("stage2")
    assert item is not None and item.done and item.on.isoformat() == "2026-12-10"


def test_stage_numbers_are_not_read_as_dates(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 2 on 15 June")
    assert any(b.data == "2|fact|stage2|2027-06-15" for b in en.buttons)


def test_recording_the_certificate_closes_the_certification_plan(zh: Driver) -> None:
    zh.onboard()
    zh.press("2|as.start")
    zh.answer_all("n", {})
    zh.press("2|pl.make")
    zh.text("2027-12-31")
    own = len([a for a in zh.conv.company.actions])
    assert own and all(a.done_on is None for a in zh.conv.company.actions)
    zh.advance(400)
    zh.text("拿到证书了")
    for said in ("ZH-1", "2027-12-20", "2030-12-19"):
        zh.text(said)
    assert zh.conv.company.certificate is not None
    assert all(a.done_on is not None for a in zh.conv.company.actions)
    assert "一并关闭" in zh.said()
    assert "逾期" not in zh.said()  # what's next is no longer a pre-certification action


def test_maintenance_progress_follows_the_certificate_cycle(zh: Driver) -> None:
    _audited(zh)
    zh.text("拿到证书了")
    for said in ("ZH-1", "2026-11-20", "2029-11-19"):
        zh.text(said)

    def maintenance_line() -> str:
        [status] = zh.cmd("status")
        return next(x for x in status.text.splitlines() if "保持：" in x)

    assert maintenance_line().endswith(" 0%")
    zh.advance(300)
    zh.text("内审做完了")
    zh.text("对")
    assert not maintenance_line().endswith(" 0%")


@pytest.mark.parametrize(
    "said", ["内审完成了，有3个不符合项", "we finished the audit and got 2 findings"]
)
def test_new_findings_are_not_taken_for_closed_ones(zh: Driver, said: str) -> None:
    _with_ncs(zh, 1)
    zh.text(said)
    assert "确定关闭" not in zh.said()


def test_closed_in_english_word_order_asks_to_close(en: Driver) -> None:
    _with_ncs(en, 1)
    en.text("we closed the nonconformity")
    pending = en.conv.user.pending
    assert pending is not None and pending.flow == "confirm"  # "Close nonconformity 1 …?"


@pytest.mark.parametrize("said", ["stage 1 went fine, no findings", "一阶段审核很顺利"])
def test_an_audit_held_told_fine_without_a_date_is_recorded_on_its_day(
    en: Driver, said: str
) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 1 is on December 3")
    en.text("yes")
    en.advance(7)
    en.text(said)
    assert any(b.data == "2|fact.passed|stage1|2026-12-03" for b in en.buttons), en.said()


def test_a_stage_1_date_puts_the_application_behind(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-06-01")
    en.text("stage 1 is on December 15")
    en.text("yes")
    assert "appl.review" in en.conv.company.steps_done
    nxt = next(r for r in en.cmd("next") if r.text.startswith("👉"))
    assert "Contract and document review" not in nxt.text


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "二阶段开了2个一般不符合"), ("en", "stage 2 raised two minor findings")],
)
def test_findings_told_in_words_start_recording_them(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    _stage2_held(d)
    d.text(said)
    assert "2" in d.replies[0].text, d.said()
    pending = d.conv.user.pending
    assert pending is not None and pending.flow == "nc_text"
    from flows.context import Ctx
    from flows.known import timeline_of

    stage2 = timeline_of(Ctx(d.conv, d.kb, d.now)).get("stage2")
    assert stage2 is not None and stage2.done


@pytest.mark.parametrize(
    ("lang", "said", "about"),
    [
        ("zh", "二阶段审完了，开了一个一般不符合，保密协议没签全，30天内整改", "保密协议没签全"),
        ("en", "stage 2 done, one minor finding: NDAs not signed by everyone, 30 days", "NDAs"),
    ],
)
def test_a_finding_that_says_what_is_missing_is_recorded_with_its_deadline(
    kb: Knowledge, lang: str, said: str, about: str
) -> None:
    """The finding's own words deny ("没签全"): that is what it is about, not "no findings".
    (It was read back as the audit's date alone, and the finding lost.)"""
    d = Driver(kb, lang)
    _stage2_held(d)
    d.text(said)
    [nc] = d.conv.company.nonconformities
    assert about in nc.description and nc.grade == "minor", d.said()
    assert nc.evidence_due == previous_working_day(date(2027, 1, 2)), nc  # 3 Dec + 30 days


@pytest.mark.parametrize("said", ["二阶段没有不符合", "内审开了2个不符合"])
def test_no_findings_or_internal_findings_start_no_nc_recording(zh: Driver, said: str) -> None:
    _audited(zh)
    zh.text("二阶段审核定在12月3号")
    zh.text("对")
    zh.advance(10)
    zh.text(said)
    pending = zh.conv.user.pending
    assert pending is None or pending.flow != "nc_text"


def test_an_overdue_surveillance_date_without_a_year_is_the_nearer_one(en: Driver) -> None:
    _certified(en, "2026-01-10")  # the usual expiry; the first surveillance is due by 2027-01-08
    en.advance(60)  # 2027-01-26: overdue
    en.text("surveillance audit is on December 20")  # held just before the deadline
    assert any(b.data.endswith("|2026-12-20") for b in en.buttons), en.said()


def test_earlier_surveillance_audits_of_an_older_certificate_in_one_tap(zh: Driver) -> None:
    _certified(zh, "2024-03-01")
    assert "之前已到期 2 次监督审核" in zh.said()
    zh.press("2|cert.held")
    from flows.context import Ctx
    from flows.known import timeline_of

    tl = timeline_of(Ctx(zh.conv, zh.kb, zh.now))
    assert all(tl.get(k).done for k in ("surveillance:1", "surveillance:2"))  # type: ignore[union-attr]
    nxt = next(r for r in zh.replies if r.text.startswith(("👉", "⚠️")))
    assert "监督审核已逾期" not in nxt.text and "再认证" in nxt.text


def test_a_surveillance_audit_held_closes_the_yearly_audit_and_review_before_it(
    en: Driver,
) -> None:
    _certified(en, "2026-01-10")
    en.advance(320)  # 2027-10-13: the yearly audit and review before surveillance 1 are overdue
    en.text("surveillance audit passed on December 20")
    en.text("yes")
    nxt = next(r for r in en.cmd("next") if r.text.startswith(("👉", "⚠️")))
    assert "Yearly internal audit (before surveillance audit 1)" not in nxt.text, nxt.text
    assert "Yearly management review (before surveillance audit 1)" not in nxt.text


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "the management review was actually held on December 5"),
     ("zh", "管评其实12月5号开了")],
)  # fmt: skip
def test_a_past_yearly_review_belongs_to_the_cycle_it_was_held_for(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    _certified(d, "2026-01-10")
    d.advance(320)  # 2027-10-13
    d.text("surveillance audit passed on December 20" if lang == "en" else "监督审核12月20号通过了")
    d.text("yes" if lang == "en" else "对")
    tl = timeline(d)
    next_review = next(
        i for i in tl.open_items() if i.kind == "yearly_management_review"
    )  # before surveillance audit 2
    d.text(said)
    d.text("yes" if lang == "en" else "对")
    tl = timeline(d)
    still = tl.get(next_review.key)
    assert still is not None and not still.done, d.said()  # its reminders stay
    held = [i for i in tl.items if i.kind == "yearly_management_review" and i.done]
    assert any(i.on.isoformat() == "2026-12-05" for i in held), d.said()


def test_findings_told_with_a_count_are_asked_for_one_after_another(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 2 on December 3")
    en.text("yes")
    en.advance(7)
    en.text("we got 2 minor NCs at stage 2")
    en.text("IP ledger has no renewal deadlines")  # "minor" was said: no grade asked
    assert "Recorded Stage 2 audit, finding 1" in en.said() and "Now finding 2" in en.said()
    en.text("Two R&D contracts without IP review")
    ncs = en.conv.company.nonconformities
    assert [nc.description for nc in ncs] == [
        "IP ledger has no renewal deadlines",
        "Two R&D contracts without IP review",
    ]
    assert en.conv.user.pending is None or en.conv.user.pending.flow != "nc_text"


@pytest.mark.parametrize("said", ["都做过了", "对"])
def test_earlier_surveillance_audits_confirmed_in_words(zh: Driver, said: str) -> None:
    _certified(zh, "2024-03-01")
    assert not any(r.text.startswith("⚠️") for r in zh.replies), "asked before the alarm"
    zh.text(said)
    assert "记为已完成" in zh.said()


def test_next_instead_of_confirming_shows_the_missed_surveillance_risk(zh: Driver) -> None:
    _certified(zh, "2024-03-01")
    zh.text("下一步")
    assert "第1次监督审核已逾期" in zh.said()


@pytest.mark.parametrize(
    ("said", "key", "day"),
    [("stage 1 is next Tuesday", "stage1", "2026-12-01"),
     ("internal audit tomorrow", "internal_audit", "2026-11-28")],
)  # fmt: skip
def test_relative_days_inside_a_sentence(en: Driver, said: str, key: str, day: str) -> None:
    en.onboard("Acme", "2|ob|stage|applied")  # today 2026-11-27, a Friday
    en.text("2026-06-01")
    en.text(said)
    assert any(b.data == f"2|fact|{key}|{day}" for b in en.buttons), en.said()


def test_nonconformity_deadlines_fall_on_working_days(en: Driver) -> None:
    from flows.workdays import is_working_day

    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 2 on January 20")
    en.text("yes")
    en.advance(55)  # 2027-01-21: 30 days later is Saturday 2027-02-20
    en.text("stage 2 raised one minor finding")
    en.text("IP ledger lacks renewal dates")  # graded as said
    [nc] = en.conv.company.nonconformities
    assert is_working_day(nc.correction_due) and is_working_day(nc.evidence_due)
    assert nc.evidence_due.isoformat() == "2027-02-19"


@pytest.mark.parametrize(
    ("lang", "said", "cid"),
    [
        ("zh", "内审做过了", "ia"),
        ("zh", "管评也做了", "mr"),
        ("en", "we did the internal audit", "ia"),
    ],
)
def test_after_applying_an_audit_told_held_confirms_the_condition_not_today(
    kb: Knowledge, lang: str, said: str, cid: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)
    assert cid in d.conv.company.checked.get("appl.submit", [])
    assert "2026-11-27" not in d.said() or "✅" in d.said()  # no "dated today" read-back
    assert not any(b.data.startswith("2|fact|") for b in d.buttons)


def test_after_applying_an_audit_told_with_its_date_is_recorded_on_that_date(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|applied")
    zh.text("2026-06-01")
    zh.text("内审是9月10号做的")
    assert any(b.data == "2|fact|internal_audit|2026-09-10" for b in zh.buttons), zh.said()


def test_no_penalty_told_months_before_applying_closes_the_check_quietly(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard("Acme")
    assess_and_plan(zh, {"F06": "n", "A03": "n"})  # the plan holds "check the penalty record"
    check = next(a for a in zh.conv.company.actions if a.question_id == "F06")
    assert check.done_on is None
    zh.text("处罚记录查过了，没有处罚")
    check = next(a for a in zh.conv.company.actions if a.question_id == "F06")
    assert check.done_on == zh.now.date()
    assert "no_penalty" in zh.conv.company.checked.get("appl.submit", [])
    assert "❌" not in zh.said() and "内审" not in zh.said().split("👉")[0]


def test_closing_stage_1_findings_leads_to_stage_2_not_the_certificate(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 1 audit was on November 20")
    en.text("yes")
    en.text("stage 1 raised one minor finding")
    en.text("Objectives not tracked quarterly")  # graded as said
    nc = en.conv.company.nonconformities[0]
    en.send(EventKind.BUTTON, f"2|nc.close|{nc.id}")
    en.text("yes")
    assert en.conv.company.nonconformities[0].closed_on is not None
    assert en.conv.company.current_step == "audit.stage2", en.conv.company.steps_done
    assert "audit.report" not in en.conv.company.steps_done
    assert "Stage 2" in next(r.text for r in en.cmd("next") if r.text.startswith("👉"))


def _stage1_held_stage2_booked(d: Driver, stage2: str) -> None:
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-02-15")
    d.text("一阶段定在12月10号")
    d.text("对")
    d.advance(14)  # 2026-12-11
    d.text(f"二阶段定在{stage2}")
    d.text("对")


def test_stage_1_issues_told_with_stage_2_named_are_stage_1_findings_due_before_it(
    zh: Driver,
) -> None:
    _stage1_held_stage2_booked(zh, "12月28号")
    zh.text("一阶段前天审完了，审核员提了2个问题要二阶段前改好")
    assert "一阶段" in zh.said() and "2 个不符合项" in zh.said()
    zh.text("合规义务清单不全")
    zh.text("一般")  # typed, as the button
    [nc] = zh.conv.company.nonconformities
    assert nc.grade == "minor"
    assert nc.evidence_due.isoformat() == "2026-12-25"  # the working day before stage 2
    stage2 = next(e for e in zh.conv.company.events if e.key == "stage2")
    assert stage2.on.isoformat() == "2026-12-28" and not stage2.done


@pytest.mark.parametrize(
    ("said", "grade"), [("严重", "major"), ("不严重", "minor"), ("minor", "minor")]
)
def test_the_grade_of_a_finding_can_be_typed(zh: Driver, said: str, grade: str) -> None:
    _stage1_held_stage2_booked(zh, "1月20号")
    zh.text("一阶段开了1个不符合")
    zh.text("外来文件没有受控")
    zh.text(said)
    assert [nc.grade for nc in zh.conv.company.nonconformities] == [grade]


def test_the_event_named_first_is_the_one_recorded(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|running")
    zh.text("2026-06-01")
    zh.text("管评是11月20号开的，在内审之后")
    assert any(b.data == "2|fact|management_review|2026-11-20" for b in zh.buttons), zh.said()


@pytest.mark.parametrize(
    ("lang", "told", "correction", "day"),
    [
        ("zh", "内审做完了", "不对，是20号做的", "2026-11-20"),
        ("en", "we did the internal audit", "no, it was on November 20", "2026-11-20"),
    ],
)
def test_a_read_back_corrected_with_a_date_is_read_back_again(
    kb: Knowledge, lang: str, told: str, correction: str, day: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text(told)
    assert any(b.data.startswith("2|fact|internal_audit|") for b in d.buttons)
    d.text(correction)
    assert [b.data for b in d.buttons] == [f"2|fact|internal_audit|{day}"]
    d.text("对" if lang == "zh" else "yes")
    audit = next(e for e in d.conv.company.events if e.key == "internal_audit")
    assert audit.on.isoformat() == day and audit.done


@pytest.mark.parametrize("said", ["valid 3 years", "有效期三年"])
def test_an_expiry_said_as_a_validity_is_counted_from_the_issue_date(en: Driver, said: str) -> None:
    en.onboard("Acme", "2|ob|stage|certified")
    en.press("2|cert.edition|2023")
    en.text("165IP27000123R0S")
    en.text("2026-07-28")
    en.text(said)
    cert = en.conv.company.certificate
    assert cert is not None and cert.expires.isoformat() == "2029-07-27"


@pytest.mark.parametrize(
    "said",
    ["申请6月3号交了", "我们选了中知认证，6月3号交的申请", "our application went in on June 3"],
)
def test_an_application_told_in_other_words_is_read_back(zh: Driver, said: str) -> None:
    zh.onboard("Acme", "2|ob|stage|running")
    zh.text("2026-01-10")
    zh.advance(200)  # 2027-06-15
    zh.text(said)
    assert [b.data for b in zh.buttons] == ["2|fact|apply|2027-06-03"], zh.said()


@pytest.mark.parametrize(
    ("said", "yes", "closed"),
    [
        ("关闭不符合项 2", "是的", [False, True]),
        ("不符合都整改完了", "对", [True, True]),
        ("we closed NC 1", "yes", [True, False]),
    ],
)
def test_findings_closed_by_number_or_all_at_once(
    zh: Driver, said: str, yes: str, closed: list[bool]
) -> None:
    _with_ncs(zh, 2)
    zh.text(said)
    assert all(nc.closed_on is None for nc in zh.conv.company.nonconformities)  # asked first
    zh.text(yes)
    assert [nc.closed_on is not None for nc in zh.conv.company.nonconformities] == closed


def test_an_audit_told_held_last_week_takes_its_planned_day_in_that_week(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan, timeline

    zh.onboard("Acme")
    assess_and_plan(zh)
    planned = timeline(zh).get("internal_audit")
    assert planned is not None
    zh.advance((planned.on - zh.now.date()).days + 6)  # the Tuesday after a Wednesday audit
    zh.text("内审上周做完了，发现3个问题")
    assert any(b.data == f"2|fact|internal_audit|{planned.on}" for b in zh.buttons), zh.said()
    assert "由企业自己整改" in zh.said()  # the findings are the company's own to close


def test_a_surveillance_audit_booked_in_words_is_read_back_as_the_audit_not_its_deadline(
    zh: Driver,
) -> None:
    _certified(zh, "2026-09-06")
    zh.advance(200)
    zh.text("监督审核约在8月22号")
    assert "第1次监督审核，2027-08-22" in zh.said() and "最迟日期" not in zh.said()


@pytest.mark.parametrize(
    "said", ["surveillance audit done, 1 minor finding", "监督审核做完了，1个一般不符合"]
)
def test_a_surveillance_audit_told_with_a_count_of_findings_starts_recording_them(
    zh: Driver, said: str
) -> None:
    _certified(zh, "2026-03-10")
    zh.text("监督审核定在2月3号")
    zh.text("对")
    zh.advance(72)  # 2027-02-07
    zh.text(said)
    assert "开出了 1 个不符合项" in zh.said()
    assert zh.conv.user.pending is not None


@pytest.mark.parametrize(
    ("said", "note"),
    [("internal audit done on 19 November, no findings", False),
     ("内审11月19号做完了，没有发现问题", False),
     ("internal audit done on 19 November, 2 findings", True)],
)  # fmt: skip
def test_the_internal_findings_note_only_when_there_were_findings(
    kb: Knowledge, said: str, note: bool
) -> None:
    d = Driver(kb, "en")
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text(said)
    assert any(b.data.startswith("2|fact|internal_audit|") for b in d.buttons), d.said()
    assert ("yours to close" in d.said() or "由企业自己整改" in d.said()) is note


def test_news_told_instead_of_a_findings_description_is_read_as_news(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 1 on December 3")
    en.text("yes")
    en.advance(7)
    en.text("stage 1 went fine, one finding")
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "nc_text"
    en.text("stage 2 is on January 12-13")  # not the finding's description
    assert not en.conv.company.nonconformities
    assert any(b.data.endswith("|2027-01-12") for b in en.buttons), en.said()


def test_a_description_that_names_an_audit_is_still_the_description(zh: Driver) -> None:
    _audited(zh)
    zh.open_step("audit.nonconformities")
    zh.press("2|nc.add")
    zh.text("内审记录不完整")
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "nc_grade"


def test_a_yes_to_major_or_minor_asks_again(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|audited")
    en.text("2026-06-01")
    en.open_step("audit.nonconformities")
    en.press("2|nc.add")
    en.text("Contracts not reviewed for IP")
    en.text("yes")
    assert "pick one of the options" in en.said() and "outside what I know" not in en.said()
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "nc_grade"


def _audited_with_two_findings(zh: Driver) -> None:
    zh.cmd("start")
    profile = ("宁波恒达塑业", "60人左右", "塑料制品", "1个", "二阶段审核已经做完了", "2026-06-01")
    for said in profile:
        zh.text(said)
    zh.text("开了2个一般不符合")  # stage 2's date was never given: its findings all the same
    for said in ("台账没有年费期限", "研发合同没有审查记录"):  # "一般" said: not asked again
        zh.text(said)


def test_findings_of_an_audit_said_done_at_onboarding_are_recorded(zh: Driver) -> None:
    _audited_with_two_findings(zh)
    assert zh.conv.company.stage is not None and zh.conv.company.stage.value == "audited"
    grades = [(nc.description, nc.grade) for nc in zh.conv.company.nonconformities]
    assert grades == [("台账没有年费期限", "minor"), ("研发合同没有审查记录", "minor")]


def test_findings_closed_by_ordinal_then_the_rest(zh: Driver) -> None:
    _audited_with_two_findings(zh)
    zh.text("第一个不符合整改完了")
    zh.text("对")
    assert [nc.closed_on is not None for nc in zh.conv.company.nonconformities] == [True, False]
    zh.text("两个都整改完了")  # the one left
    zh.text("对")
    assert all(nc.closed_on is not None for nc in zh.conv.company.nonconformities)


def test_the_certificate_closes_findings_left_open_and_an_edition_is_no_number(
    zh: Driver,
) -> None:
    _audited_with_two_findings(zh)
    zh.text("证书下来了")
    zh.text("23版")
    pending = zh.conv.user.pending
    assert pending is not None and pending.field == "number", zh.said()
    for said in ("IPMS-2027-0088", "前天", "好的"):
        zh.text(said)
    assert all(nc.closed_on is not None for nc in zh.conv.company.nonconformities)
    assert "2 个不符合项也随拿证记为关闭" in zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "about"),
    [("en", "stage 2 went fine, one finding about the objectives table", "the objectives table"),
     ("zh", "二阶段开了1个不符合，关于研发合同没审查", "研发合同没审查")],
)  # fmt: skip
def test_one_finding_told_with_what_it_is_about_asks_only_its_grade(
    kb: Knowledge, lang: str, said: str, about: str
) -> None:
    d = Driver(kb, lang)
    _stage2_held(d)
    d.text(said)
    assert about in d.said()
    d.text("minor" if lang == "en" else "一般")
    assert [(nc.description, nc.grade) for nc in d.conv.company.nonconformities] == [
        (about, "minor")
    ]


@pytest.mark.parametrize(
    ("lang", "findings", "titles"),
    [("zh", "第一个是合同没做知识产权审查，第二个是培训记录缺签到",
      ["整改内审问题：合同没做知识产权审查", "整改内审问题：培训记录缺签到"]),
     ("en", "the findings were: no IP check in contracts; training records unsigned",
      ["Correct internal audit finding: no IP check in contracts",
       "Correct internal audit finding: training records unsigned"])],
)  # fmt: skip
@pytest.mark.parametrize("confirmed_first", [True, False])
def test_internal_audit_findings_described_become_plan_actions(
    kb: Knowledge, lang: str, findings: str, titles: list[str], confirmed_first: bool
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text("内审11月19号做完了，发现了两个问题")
    if confirmed_first:
        d.text("对")
    d.text(findings)  # without a "yes", the audit's date is accepted by moving on
    audit = next(e for e in d.conv.company.events if e.key == "internal_audit")
    assert audit.on.isoformat() == "2026-11-19" and audit.done
    added = [a for a in d.conv.company.actions if a.custom]
    assert [getattr(a, f"title_{lang}") for a in added] == titles, d.said()
    assert all(a.due > d.now.date() for a in added)  # a month to correct, a week at least
    assert "2" in d.said()


def test_a_list_with_no_internal_audit_behind_it_adds_nothing(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|running")
    zh.text("2026-06-01")
    zh.text("第一个是合同没做知识产权审查，第二个是培训记录缺签到")
    assert not [a for a in zh.conv.company.actions if a.custom]


@pytest.mark.parametrize(
    ("lang", "booked", "passed"),
    [("zh", "二阶段审核定在12月3号", "二阶段过了，没问题"),
     ("en", "stage 2 on December 3", "stage 2 went fine, no findings")],
)  # fmt: skip
def test_an_audit_said_passed_after_its_unconfirmed_date_keeps_that_date(
    kb: Knowledge, lang: str, booked: str, passed: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(booked)  # read back, never confirmed
    d.advance(7)
    d.text(passed)  # about the same audit, no date: the one read back
    assert [b.data for b in d.buttons if "fact.passed" in b.data] == [
        "2|fact.passed|stage2|2026-12-03"
    ], d.said()


@pytest.mark.parametrize(
    ("lang", "said", "grade", "about"),
    [("zh", "二阶段结束了，开了一个一般不符合，说是保密协议没签全", "minor", "保密协议没签全"),
     ("en", "stage 2 is over, one major finding about missing NDAs", "major", "missing NDAs")],
)  # fmt: skip
def test_one_finding_told_with_its_grade_and_subject_is_recorded_at_once(
    kb: Knowledge, lang: str, said: str, grade: str, about: str
) -> None:
    d = Driver(kb, lang)
    _stage2_held(d)
    d.text(said)
    ncs = d.conv.company.nonconformities
    assert [(nc.grade, nc.description) for nc in ncs] == [(grade, about)], d.said()
    assert d.conv.user.pending is None or d.conv.user.pending.flow != "nc_grade"


def test_internal_audit_findings_stay_open_when_the_application_goes_in(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|running")
    zh.text("2026-06-01")
    zh.text("内审11月19号做完了，发现了两个问题")
    zh.text("第一个是合同没做知识产权审查，第二个是培训记录缺签到")
    zh.text("申请昨天交了")
    zh.text("对")
    assert "提交认证申请" in zh.said()
    findings = [a for a in zh.conv.company.actions if a.custom]
    assert len(findings) == 2 and all(a.done_on is None for a in findings)


def test_internal_audit_findings_close_with_the_certificate(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|running")
    zh.text("2026-06-01")
    zh.text("内审11月19号做完了，发现了两个问题")
    zh.text("第一个是合同没做知识产权审查，第二个是培训记录缺签到")
    zh.cmd("plan")
    zh.press("➕")
    zh.text("给研发部再做一次专利检索培训")
    zh.text("明年3月底")
    zh.advance(120)
    zh.text("证书拿到了")
    zh.text("2027年3月1号发的，证书号 165IP2027000123")
    zh.text("好的")  # the usual expiry
    cert = zh.conv.company.certificate
    assert cert is not None and cert.number == "165IP2027000123", zh.said()
    assert cert.issued.isoformat() == "2027-03-01"
    open_titles = [a.title_zh for a in zh.conv.company.actions if a.done_on is None]
    assert open_titles == ["给研发部再做一次专利检索培训"]  # the user's own action stays


@pytest.mark.parametrize(
    ("lang", "said", "number"),
    [("zh", "2026年10月20号发的，证书号 165IP2026000123", "165IP2026000123"),
     ("en", "issued on 20 October 2026, certificate no. IP-2026-0042", "IP-2026-0042"),
     ("en", "165IP2026000777, issued 20 October 2026", "165IP2026000777")],
)  # fmt: skip
def test_a_certificate_number_said_with_its_issue_date_keeps_both(
    kb: Knowledge, lang: str, said: str, number: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|audited")
    d.text("2026-01-05")
    d.text("证书拿到了" if lang == "zh" else "we got the certificate")
    d.text(said)
    p = d.conv.user.pending
    assert p is not None and p.field == "expires", d.said()
    assert p.data["number"] == number and p.data["issued"] == "2026-10-20"


def test_the_yearly_review_after_the_yearly_audit_counts_from_this_years_audit(
    zh: Driver,
) -> None:
    _certified(zh, "2026-03-02")
    zh.text("年度内审明年1月11号做")
    zh.text("管评放在内审后两周")  # not two weeks after the audit before certification
    assert "2027-01-25" in zh.said(), zh.said()


def test_a_surveillance_audit_said_passed_after_its_unconfirmed_date_is_that_one(
    zh: Driver,
) -> None:
    _certified(zh, "2025-12-20")
    zh.text("监督审核定在12月1号")  # read back, never confirmed
    zh.advance(6)
    zh.text("监督审核通过了")
    assert [b.data for b in zh.buttons if "fact.passed" in b.data] == [
        "2|fact.passed|surveillance:1|2026-12-01"
    ], zh.said()


def test_findings_of_the_surveillance_audit_just_held_belong_to_it(zh: Driver) -> None:
    _certified(zh, "2025-12-20")
    zh.text("监督审核定在12月1号")
    zh.text("对")
    zh.advance(6)
    zh.text("监督审核结束了，开了1个一般不符合，说是台账没更新")
    ncs = zh.conv.company.nonconformities
    assert [(nc.grade, nc.description) for nc in ncs] == [("minor", "台账没更新")], zh.said()
    assert "第1次监督审核" in zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "first"),
    [("en", "internal audit was done on November 19, the findings were: training records "
            "incomplete; no IP review of two purchase contracts", "training records incomplete"),
     ("zh", "内审11月19号做的，发现的问题：培训记录不全，两份采购合同没审", "培训记录不全")],
)  # fmt: skip
def test_the_internal_audit_and_its_findings_told_in_one_message(
    kb: Knowledge, lang: str, said: str, first: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text(said)
    audit = next(e for e in d.conv.company.events if e.key == "internal_audit")
    assert audit.on.isoformat() == "2026-11-19" and audit.done, d.said()
    added = [a for a in d.conv.company.actions if a.id.startswith("finding:")]
    assert len(added) == 2 and first in added[0].title_en + added[0].title_zh


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "stage 2 was November 19-20, two minor NCs"),
     ("zh", "二阶段是11月19到20号，开了两个一般不符合")],
)  # fmt: skip
def test_an_audit_told_with_its_days_and_its_findings_records_both(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)
    stage2 = next(e for e in d.conv.company.events if e.key == "stage2")
    assert stage2.on.isoformat() == "2026-11-19" and stage2.done, d.said()
    p = d.conv.user.pending
    assert p is not None and p.flow == "nc_text"  # the first of the two findings is asked for


def test_certified_with_the_number_and_issue_date_in_one_message(en: Driver) -> None:
    _audited(en)
    en.text("we're certified! cert no. 165IP2026000456 issued November 2")
    p = en.conv.user.pending
    assert p is not None and p.field == "expires", en.said()
    assert (p.data["number"], p.data["issued"]) == ("165IP2026000456", "2026-11-02")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "今年还没做监督审核"), ("en", "we haven't had the surveillance audit yet")],
)
def test_an_audit_said_not_held_is_never_recorded_as_held(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    _certified(d, "2025-11-20")  # the first surveillance audit was due by 2026-11-20
    d.text(said)
    assert not any("|fact" in b.data for b in d.buttons), d.said()
    d.cmd("next")
    assert not any(e.key.startswith("surveillance") and e.done for e in d.conv.company.events)
    assert "逾期" in d.said() or "overdue" in d.said()


def test_an_audit_not_held_yet_but_booked_is_read_back_for_its_day(zh: Driver) -> None:
    _certified(zh, "2025-11-20")
    zh.text("监督审核还没做，约在12月15号")
    assert any(b.data == "2|fact|surveillance:1|2026-12-15" for b in zh.buttons), zh.said()


def test_this_years_audit_and_review_told_together_once_certified(en: Driver) -> None:
    _certified(en, "2026-03-02")
    en.text("we will do the internal audit on January 11 and the management review two weeks later")
    en.text("yes")
    days = {e.key: e.on.isoformat() for e in en.conv.company.events}
    assert days.get("yearly_internal_audit:s1") == "2027-01-11", en.said()
    assert days.get("yearly_management_review:s1") == "2027-01-25"


def test_internal_audit_findings_have_their_own_place_and_how_in_the_plan(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-06-01")
    en.text("internal audit was done on November 19, the findings were: NDA list outdated; "
            "two contracts not reviewed")  # fmt: skip
    en.cmd("plan")
    assert "Correct internal audit finding: NDA list outdated" in en.said()
    en.press("2|pl.how|action:finding:1")
    said = en.said()
    assert "Find the cause" in said and "nonconformity report" in said, said


def test_a_past_surveillance_audit_said_to_have_gone_fine_is_read_back_as_passed(
    en: Driver,
) -> None:
    _certified(en, "2025-06-10")  # the first surveillance audit was due by 2026-06-10
    en.text("we did the first surveillance audit in May, it went fine")
    assert [b.data for b in en.buttons] == ["2|fact.passed|surveillance:1|2026-05-01"], en.said()
    en.text("yes")
    assert any(e.key == "surveillance:1" and e.done for e in en.conv.company.events)
    assert "Passed" not in en.said()  # not asked again whether findings were raised


@pytest.mark.parametrize(
    ("lang", "said", "day"),
    [("zh", "一阶段改到12月20号了", "2026-12-20"), ("en", "stage 1 was moved to December 20",
      "2026-12-20"), ("zh", "内审定在上个月15号做的", "2026-10-15")],
)  # fmt: skip
def test_a_rescheduled_date_is_the_coming_one_and_a_past_one_stays_past(
    kb: Knowledge, lang: str, said: str, day: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)
    assert any(b.data.endswith(f"|{day}") for b in d.buttons), d.said()


@pytest.mark.parametrize(
    ("lang", "said", "n"),
    [("en", "we got the stage 1 report, 3 minor findings", 3),
     ("zh", "一阶段报告出来了，有两个问题", 2)],
)  # fmt: skip
def test_findings_of_a_named_audit_whose_day_is_untold_are_recorded(
    kb: Knowledge, lang: str, said: str, n: int
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)
    p = d.conv.user.pending
    assert p is not None and p.flow == "nc_text", d.said()
    assert str(n) in d.said()


@pytest.mark.parametrize(
    ("lang", "said", "day"),
    [("en", "stage 1 is in two weeks", "2026-12-11"), ("en", "stage 1 in a few days", None)],
)
def test_an_audit_in_a_number_of_weeks_is_read_back_for_that_day(
    kb: Knowledge, lang: str, said: str, day: str | None
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)
    if day is None:  # "a few days" names no day: nothing read back as one
        assert not any(b.data.startswith("2|fact|") for b in d.buttons), d.said()
    else:
        assert any(b.data == f"2|fact|stage1|{day}" for b in d.buttons), d.said()


@pytest.mark.parametrize(
    ("lang", "said", "note"),
    [
        ("zh", "二阶段定在12月5号", "不是工作日"),
        ("en", "stage 2 on December 5", "not a working day"),
    ],
)
def test_a_date_read_back_on_a_day_off_says_so(
    kb: Knowledge, lang: str, said: str, note: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text(said)  # 2026-12-05 is a Saturday
    assert note in d.said() and any(b.data.endswith("|2026-12-05") for b in d.buttons), d.said()
    d.text("stage 2 on December 7" if lang == "en" else "二阶段定在12月7号")  # a Monday
    assert note not in d.said()


def test_status_lists_what_reminders_list_as_overdue(zh: Driver) -> None:
    _certified(zh, "2026-01-10")  # today 2026-11-27: the yearly internal audit's date passed
    zh.cmd("reminders")
    overdue = zh.said()
    assert "已逾期" in overdue and "年度内部审核" in overdue, overdue
    zh.cmd("status")
    assert "日期已过" in zh.said() and "年度内部审核" in zh.said(), zh.said()


def test_several_dated_events_in_one_message_say_the_rest_is_still_to_tell(zh: Driver) -> None:
    _certified(zh, "2025-05-20")
    zh.advance(190)  # 2027-06-05
    zh.text("监督审核4月22号就做完了啊，内审3月10号，管评3月25号，都做了")
    said = zh.said()
    assert "第1次监督审核" in said and "2027-04-22" in said, said
    assert "内部审核、管理评审" in said  # not silently dropped
    zh.text("对")
    zh.text("内审3月10号，管评3月25号")  # the two together, as asked
    assert "2027-03-10" in zh.said() and "2027-03-25" in zh.said(), zh.said()


def _stage1_held(d: Driver) -> None:
    from datetime import date

    from tests.flows.timeline_walk import advance_to

    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("一阶段定在12月10号")
    d.text("对")
    advance_to(d, date(2026, 12, 11))


def test_findings_described_with_their_count_are_only_graded(zh: Driver) -> None:
    _stage1_held(zh)
    zh.text("一阶段昨天审完了，审核员提了2个问题，一个是文件清单不全，一个是风险清单没评级")
    assert "文件清单不全" in zh.said() and "严重还是一般" in zh.said(), zh.said()
    zh.text("一般")
    assert "风险清单没评级" in zh.said()  # the second, described already: its grade asked
    zh.text("一般")
    ncs = zh.conv.company.nonconformities
    assert [nc.description for nc in ncs] == ["文件清单不全", "风险清单没评级"]
    zh.text("一阶段那两个问题都改完了，材料也发给审核员了")  # both, after a confirmation
    zh.text("是的")
    assert all(nc.closed_on is not None for nc in zh.conv.company.nonconformities)


def test_findings_fixed_that_were_never_recorded_start_no_recording(zh: Driver) -> None:
    _stage1_held(zh)
    zh.text("一阶段算通过了")
    zh.text("对")
    zh.text("一阶段那两个问题都改完了")
    assert "没在这里登记过" in zh.said(), zh.said()
    pending = zh.conv.user.pending  # what's next is offered, no finding is being asked for
    assert zh.conv.company.nonconformities == [] and (pending is None or pending.flow == "offer")


@pytest.mark.parametrize(
    ("lang", "said", "description"),
    [("zh", "一阶段审完了，开了1个一般不符合，培训记录缺少效果评价", "培训记录缺少效果评价"),
     ("en", "stage 1 done, 1 minor NC, training records missing", "training records missing")],
)  # fmt: skip
def test_one_finding_described_after_its_count_is_recorded_at_once(
    kb: Knowledge, lang: str, said: str, description: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text(said)
    ncs = d.conv.company.nonconformities
    assert [(nc.description, nc.grade) for nc in ncs] == [(description, "minor")], d.said()


@pytest.mark.parametrize(
    ("lang", "said", "reading"),
    [("zh", "一阶段过了，有几个问题要二阶段前改，二阶段定在8月16号", "2|fact|stage2|2027-08-16"),
     ("zh", "一阶段过了，二阶段8月16号", "2|fact.passed|stage1|2026-12-10"),
     ("en", "stage 1 went ok, no findings. stage 2 is july 8", "2|fact.passed|stage1|2026-12-10")],
)  # fmt: skip
def test_a_stage_1_result_with_the_stage_2_date_never_moves_stage_1(
    kb: Knowledge, lang: str, said: str, reading: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text(said)
    assert any(b.data == reading for b in d.buttons), (d.said(), [b.data for b in d.buttons])


def test_both_stage_1_issues_fixed_is_no_new_finding(en: Driver) -> None:
    _stage1_held(en)
    en.text("both stage 1 issues are fixed and we sent the evidence to the auditor")
    assert "weren't recorded here" in en.said(), en.said()
    assert en.conv.company.nonconformities == []


def test_a_booked_date_is_the_coming_one(zh: Driver) -> None:
    _certified(zh, "2026-01-10")
    zh.advance(280)  # 2027-09-03
    zh.text("监督审核跟中知约好了9月12号")
    assert "2027-09-12" in zh.said(), zh.said()


def test_an_edition_corrected_in_english_with_the_number_keeps_the_number(en: Driver) -> None:
    en.onboard("Huaxin", "2|ob|stage|certified")
    en.press("2|cert.edition|2013")
    en.text(
        "oh wait sorry, I checked the paper. it's 2023, we did the transition audit in 2025. "
        "cert no. 0350IP2200123R1M, valid until 2028-05-15"
    )
    said = en.said()
    assert "GB/T 29490-2023 certificate" in said and "0350IP2200123R1M" in said, said
    p = en.conv.user.pending
    assert p is not None and p.data.get("number") == "0350IP2200123R1M" and "issued" not in p.data


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("zh", "今年的内审和管评都安排在7月", "对"),
     ("en", "both the internal audit and the management review are in July", "yes")],
)  # fmt: skip
def test_this_years_audit_and_review_both_in_one_month(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """ "今年的" says which cycle, not January 1st (it was read back as 2029-01-01 and then
    accepted by the next message); both are planned in July, the review after the audit."""
    d = Driver(kb, "zh")
    advance_to(d, date(2027, 9, 20))
    _certified(d, "2027-09-10")
    d.conv.user.lang = lang
    advance_to(d, date(2028, 9, 1))
    d.text("监督审核8月22号做的，没有问题")
    d.text("对")
    advance_to(d, date(2029, 6, 10))
    d.cmd("next")
    d.text(said)
    d.text(yes)
    days = {e.key: e.on for e in d.conv.company.events}
    audit, review = days["yearly_internal_audit:s2"], days["yearly_management_review:s2"]
    assert audit.month == review.month == 7 and audit.year == 2029 and audit < review


def test_the_same_audit_told_again_with_the_review_corrects_the_read_back(zh: Driver) -> None:
    """ "内审6月10号做的", then "内审7月5号做的，管评7月20号开的": a correction of the audit's
    day with the review's; the first read-back is not taken as accepted (the July audit went
    to the next cycle)."""
    advance_to(zh, date(2027, 9, 20))
    _certified(zh, "2027-09-10")
    advance_to(zh, date(2028, 7, 30))
    zh.text("内审6月10号做的")
    zh.text("内审7月5号做的，管评7月20号开的")
    zh.text("对")
    days = {e.key: e.on for e in zh.conv.company.events}
    assert days == {
        "yearly_internal_audit:s1": date(2028, 7, 5),
        "yearly_management_review:s1": date(2028, 7, 20),
    }


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("en", "stage 1 passed, no findings. stage 2 is booked for january 20-21", "yes"),
     ("zh", "一阶段过了，没有问题。二阶段定在1月20号到21号", "对")],
)  # fmt: skip
def test_a_second_event_in_the_message_is_read_back_after_the_first_yes(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """Not "tell me their dates again": what the message said next is read back in turn."""
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("stage 1 is on December 3" if lang == "en" else "一阶段定在12月3号")
    d.text(yes)
    d.advance(7)
    d.text(said)
    d.text(yes)
    stage1 = timeline(d).get("stage1")
    assert stage1 is not None and stage1.done, d.said()
    assert "2027-01-20" in d.said() or "20 Jan 2027" in d.said(), d.said()
    d.text(yes)
    stage2 = timeline(d).get("stage2")
    assert stage2 is not None and stage2.on == date(2027, 1, 20) and not stage2.done, d.said()


@pytest.mark.parametrize(
    ("lang", "said", "day"),
    [("zh", "还没做，认证机构说11月来", "2026-11-30"),
     ("en", "not yet, the CB is coming in November", "2026-11-30")],
)  # fmt: skip
def test_the_body_coming_in_a_month_is_the_next_audit_read_back_with_its_deadline(
    kb: Knowledge, lang: str, said: str, day: str
) -> None:
    """No audit named: the body's next one. Only a month: its last working day, said so. After
    the surveillance deadline: the risk to the certificate is said before it is recorded."""
    d = Driver(kb, lang)
    _certified(d, "2025-09-15")
    advance_to(d, date(2026, 9, 1))
    d.text(said)
    assert any(b.data == f"2|fact|surveillance:1|{day}" for b in d.buttons), d.said()
    said_back = d.said()
    assert "placeholder" in said_back or "我先填的" in said_back, said_back
    assert "2026-09-15" in said_back and ("suspended" in said_back or "暂停" in said_back)
    assert "before 2026-09-15" in said_back or "提前到 2026-09-15" in said_back  # still ahead


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "认证机构说3月来"), ("en", "the CB is coming in March")],
)
def test_an_audit_booked_after_a_deadline_already_passed_asks_about_the_status(
    kb: Knowledge, lang: str, said: str
) -> None:
    """The deadline is behind us: not "ask them to come before it" (it was "提前到
    2026-09-15之前" in February 2027), but the certificate's status."""
    d = Driver(kb, lang)
    _certified(d, "2025-09-15")
    advance_to(d, date(2027, 2, 1))
    d.text(said)
    said_back = d.said()
    assert "2026-09-15" in said_back and ("status" in said_back or "状态" in said_back), said_back
    assert "before 2026-09-15" not in said_back and "提前到" not in said_back


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "今年的监督审核做了吗？", "还没有记录第1次监督审核"),
     ("en", "have we done the surveillance audit?", "Not on record yet: Surveillance audit 1")],
)  # fmt: skip
def test_asked_whether_an_audit_was_held_the_record_answers(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    """Not the FAQ on a missed surveillance audit: what is on record, and the deadline."""
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("12345IP0001")
    d.text("2025-09-15")
    d.text("ok")
    advance_to(d, date(2026, 9, 1))
    d.text(said)
    assert reply.lower() in d.said().lower() and "2026-09-15" in d.said(), d.said()
    d.text(
        "监督审核8月20号做完了" if lang == "zh" else "the surveillance audit was held on August 20"
    )
    d.text("对" if lang == "zh" else "yes")
    d.text(said)
    assert "2026-08-20" in d.said() and reply not in d.said(), d.said()


def test_a_week_without_its_day_is_a_working_day_placeholder(en: Driver) -> None:
    """ "next week" in the week of the Spring Festival: not the holiday, and said to be ours."""
    en.onboard("Acme", "2|ob|stage|certified")
    en.press("2|cert.edition|2023")
    en.text("165IP25000777R0M, issued 12 March 2025")
    en.text("ok")
    advance_to(en, date(2026, 2, 10))
    en.text("management review next week")
    offered = [b.data for b in en.buttons if b.data.startswith("2|fact|")]
    assert offered and offered[0].endswith("2026-02-24"), (offered, en.said())
    assert "placeholder" in en.said() and "Spring Festival" not in en.said(), en.said()


def test_two_dates_read_back_together_say_when_a_day_is_a_placeholder(kb: Knowledge) -> None:
    d = Driver(kb, "en")
    d.onboard("Lumen", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("LO-1234-XY")
    d.text("2026-05-18")
    d.text("yes")
    d.text("internal audit is planned for February, management review two weeks after that")
    # the last working day of February, so not "overdue" on 2 February; the review after it
    assert "placeholder" in d.said() and "26 Feb 2027" in d.said(), d.said()
    assert "12 Mar 2027" in d.said(), d.said()


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [("zh", "内审定在2月", "对"), ("en", "internal audit planned for February", "yes")],
)
def test_a_month_without_its_day_is_not_late_while_the_month_runs(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """ "in February" is noted on its last working day: not called overdue on 2 February (as
    the 1st was), and late once February is over."""
    d = Driver(kb, lang)
    _certified(d, "2026-05-18")
    d.text(said)
    d.text(yes)
    audit = timeline(d).get("yearly_internal_audit:s1") or timeline(d).get("internal_audit")
    assert audit is not None and audit.on == date(2027, 2, 26), d.said()
    advance_to(d, date(2027, 2, 3))
    assert state(audit, today(d)) is not State.MISSED
    d.cmd("next")
    assert "overdue" not in d.said() and "逾期" not in d.said(), d.said()
    advance_to(d, date(2027, 3, 2))
    assert state(timeline(d).get(audit.key), today(d)) is State.MISSED


@pytest.mark.parametrize(
    ("lang", "said", "yes"), [("zh", "二阶段定在明年8月", "对"), ("en", "stage 2 in August", "yes")]
)
def test_a_stage_2_date_told_before_applying_keeps_the_plan_ahead_of_it(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """Right after the plan, "stage 2 in August" is the owner's aim: the plan's open actions,
    the internal audit, the review and the application still come first (it used to mark
    everything before the audit done: 100 % implemented with the plan untouched)."""
    d = Driver(kb, lang)
    d.onboard("Acme")
    assess_and_plan(d)
    open_before = [a.id for a in d.conv.company.actions if a.done_on is None]
    d.text(said)
    d.text(yes)
    stage2 = timeline(d).get("stage2")
    assert stage2 is not None and stage2.on.month == 8 and not stage2.done, d.said()
    assert [a.id for a in d.conv.company.actions if a.done_on is None] == open_before
    assert d.conv.company.phase == "impl", d.conv.company.phase
    assert not timeline(d).get("apply").done


@pytest.mark.parametrize(
    ("lang", "said", "day", "placeholder"),
    [("zh", "做过了，今年10月中旬做的", "2026-10-15", True),
     ("zh", "10月20号做的", "2026-10-20", False),
     ("en", "yes, we had it in mid October", "2026-10-15", True),
     ("en", "done on Oct 20", "2026-10-20", False)],
)  # fmt: skip
def test_an_earlier_surveillance_audit_said_held_on_a_day_is_recorded_on_that_day(
    kb: Knowledge, lang: str, said: str, day: str, placeholder: bool
) -> None:
    """Asked whether the audit already due took place ("it took place" button), the owner says
    when: held on that day, not on its deadline; a day not said is said to be ours."""
    d = Driver(kb, lang, now=datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    d.onboard("华光" if lang == "zh" else "Acme", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("12345IP0001")
    d.text("2025-11-20")  # the first surveillance audit was due by 2026-11-20
    d.text("好的" if lang == "zh" else "ok")
    assert any(b.data.startswith("2|cert.held") for b in d.buttons), d.said()
    d.text(said)
    held = {e.key: e for e in d.conv.company.events}
    audit = held.get("surveillance:1")
    assert audit is not None and audit.done and audit.on.isoformat() == day, d.said()
    shown = format_date(date.fromisoformat(day), lang)
    assert shown in d.said(), d.said()
    assert (("先填的" if lang == "zh" else "placeholder") in d.said()) is placeholder, d.said()
