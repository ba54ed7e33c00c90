"""Scenarios over years with the clock injected: the timeline tells one story throughout."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.digest import render_digest
from flows.reminders import ReminderView
from flows.schedule import PlannedReminder, all_events, plan_reminders
from flows.timeline import State, state
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import (
    advance_to,
    apply,
    assess_and_plan,
    certificate,
    complete_step,
    external_audit,
    one_next,
    record,
    timeline,
    today,
)


def _no_duplicates(d: Driver) -> None:
    keys = [i.key for i in timeline(d).items]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_from_onboarding_to_recertification(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    d.onboard("华夏精工" if lang == "zh" else "Cathay Precision")
    assess_and_plan(d)
    one_next(d)
    # Preparation done; build the system: the steps' actions are completed with the steps.
    complete_step(d, "impl.establish")
    complete_step(d, "impl.training")
    assert all(a.done_on for a in d.conv.company.actions if a.question_id in ("A03", "C02"))
    one_next(d)
    # The system starts running; three months and more of records.
    start = today(d)
    d.open_step("impl.operate")
    record(d, "operate", start)
    assert timeline(d).get("eligible").on >= start + timedelta(days=89)  # type: ignore[union-attr]
    advance_to(d, start + timedelta(days=75))
    one_next(d)
    complete_step(d, "impl.operate")
    d.open_step("impl.internal_audit")
    record(d, "internal_audit", today(d) - timedelta(days=2))
    advance_to(d, start + timedelta(days=95))
    d.open_step("impl.management_review")
    record(d, "management_review", today(d) - timedelta(days=1))
    complete_step(d, "appl.choose_cb")
    apply(d)
    assert timeline(d).get("apply").done  # type: ignore[union-attr]
    assert all(a.done_on for a in d.conv.company.actions if not a.custom)  # nothing left open
    complete_step(d, "appl.review")
    external_audit(d, "audit.stage1", "stage1", today(d) + timedelta(days=14))
    external_audit(
        d, "audit.stage2", "stage2", today(d) + timedelta(days=21), findings="合同未审查"
    )
    one_next(d)  # the nonconformity's deadline, first, closed by the finding's own name
    close = "✅ 关闭：二阶段审核第 1 项不符合"
    if lang == "en":
        close = "✅ Close: Stage 2 audit, finding 1"
    assert any(b.label == close for b in d.buttons), [b.label for b in d.buttons]
    d.press("2|nc.close|nc:1")
    d.press("2|yes|")  # confirmed: closing ends its reminders
    complete_step(d, "audit.report")
    complete_step(d, "audit.nonconformities")
    advance_to(d, today(d) + timedelta(days=20))
    d.open_step("dec.certificate")
    issued = today(d)
    certificate(d, "165IP27000042", issued)
    assert d.conv.company.phase == "maint"
    _no_duplicates(d)
    # Year one: the yearly audit and review come before the first surveillance audit.
    said = one_next(d)
    assert ("年度内部审核" in said) if lang == "zh" else ("Yearly internal audit" in said)
    tl = timeline(d)
    s1 = tl.get("surveillance:1")
    assert s1 is not None and s1.deadline is not None
    audit, review = tl.get("yearly_internal_audit:s1"), tl.get("yearly_management_review:s1")
    assert audit and review and audit.on < review.on < s1.on
    advance_to(d, audit.on)
    d.press("2|evt.done|yearly_internal_audit:s1")
    advance_to(d, review.on)
    d.press("2|evt.done|yearly_management_review:s1")
    booked = s1.deadline - timedelta(days=20)
    d.open_step("maint.surveillance")
    record(d, "surveillance", booked)
    advance_to(d, booked + timedelta(days=1))
    said = one_next(d)
    assert "How did" in said or "结果如何" in said  # not "overdue"
    d.press("2|tl.passed|surveillance:1")
    # Year two, then recertification: each item is "what's next" on its day.
    for key in ("yearly_internal_audit:s2", "yearly_management_review:s2"):
        _do_on_its_day(d, key)
    s2 = timeline(d).get("surveillance:2")
    assert s2 is not None
    advance_to(d, s2.on - timedelta(days=10))
    assert "surveillance:2" in {b.data.split("|")[-1] for b in _shown(d)}
    record(d, "surveillance:2", s2.on - timedelta(days=3))
    advance_to(d, s2.on)
    one_next(d)
    d.press("2|tl.passed|surveillance:2")
    tl = timeline(d)
    plan_rec, apply_r = tl.get("recert:plan"), tl.get("recert:apply")
    audit_r = tl.get("yearly_internal_audit:recert")
    review_r = tl.get("yearly_management_review:recert")
    assert plan_rec and audit_r and review_r and apply_r
    assert plan_rec.on < audit_r.on < review_r.on < apply_r.on  # both before applying
    for key in ("recert:plan", "yearly_internal_audit:recert", "yearly_management_review:recert"):
        _do_on_its_day(d, key)
    _do_on_its_day(d, "recert:apply")
    assert timeline(d).get("recert:latest").done  # type: ignore[union-attr]
    # The new certificate starts a new cycle.
    advance_to(d, d.conv.company.certificate.expires - timedelta(days=20))  # type: ignore[union-attr]
    d.open_step("maint.recert")
    certificate(d, "165IP30000042", today(d))
    tl = timeline(d)
    assert tl.get("surveillance:1").on > today(d)  # type: ignore[union-attr]
    assert not [i for i in tl.items if state(i, today(d)) is State.MISSED]
    one_next(d)
    _no_duplicates(d)


def _shown(d: Driver) -> list:  # type: ignore[type-arg]
    one_next(d)
    return d.buttons


def _do_on_its_day(d: Driver, key: str) -> None:
    item = timeline(d).get(key)
    assert item is not None and not item.done, key
    advance_to(d, item.on)
    one_next(d)
    d.press(f"2|evt.done|{key}")
    assert timeline(d).get(key).done, key  # type: ignore[union-attr]


def _certified(d: Driver, issued: str, expires: str) -> None:
    d.onboard("华夏精工" if d.conv.user.lang == "zh" else "Acme", "2|ob|stage|certified")
    d.press("GB/T 29490-2023")
    d.text("IP-2025-001")
    d.text(issued)
    d.press(f"2|cert.expires|{expires}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_certified_company_that_missed_its_surveillance_audit(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    advance_to(d, date(2026, 12, 2))  # the first surveillance was due by 2026-09-01: 92 days ago
    _certified(d, "2025-09-01", "2028-08-31")
    said = one_next(d)
    if lang == "zh":
        assert "第1次监督审核已逾期 92 天" in said and "暂停" in said and "认证机构" in said
        assert "IP-2025-001" in said  # what to say, with the certificate number
    else:
        assert "Surveillance audit 1 is 92 days overdue" in said and "suspend" in said
    assert "2|evt.date|surveillance:1" in {b.data for b in d.buttons}
    d.cmd("status")
    assert "⚠️" in d.said()
    # The daily reminders send the risk as a message of its own, the rest as one digest.
    company, rules = d.conv.company, kb.rules
    rows = plan_reminders(company, all_events(company, rules), rules, d.now, [1])
    due = [_view(n, r, company.timezone) for n, r in enumerate(rows, 1) if r.due_at <= d.now]
    messages = render_digest(due, rules, lang, d.now)  # type: ignore[arg-type]
    assert "surveillance:1" in messages[0].buttons[0][0].data or any(
        "surveillance:1" in b.data for row in messages[0].buttons for b in row
    )
    assert len(messages) <= 2
    # Held late on 2026-11-20 after all: recorded, the risk is gone.
    one_next(d)
    d.press("2|evt.date|surveillance:1")
    d.text("2026-11-20")
    said = one_next(d)
    assert "⚠️" not in said.split("\n")[0]
    assert timeline(d).get("surveillance:1").done  # type: ignore[union-attr]


def _view(n: int, r: PlannedReminder, tz: str) -> ReminderView:
    return ReminderView(
        n, r.event_key, r.kind, r.lead_days, r.event_date, r.title_zh, r.title_en, r.step_id,
        tz, r.due_at,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_company_that_applied_too_early_is_warned(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    d.onboard("华夏精工" if lang == "zh" else "Acme", "2|ob|stage|applied")
    d.text((today(d) - timedelta(days=45)).isoformat())  # 1.5 months of operation
    said = d.said()
    if lang == "zh":
        assert "您说已经提交了申请" in said and "约 1.5 个月" in said and "❌" in said
    else:
        assert "You said you have applied" in said and "about 1.5 months" in said
    data = {b.data for b in d.buttons}
    assert "2|pre.ok|no_blacklist" in data and "2|pre.ok|no_penalty" in data
    labels = {b.label for b in d.buttons}
    assert labels != {"是的，已完成"} and labels != {"Yes, it's done"}
    # The warning comes back before applying, however the owner gets there.
    one_next(d)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_company_that_records_everything_late(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    d.onboard("华夏精工" if lang == "zh" else "Acme", "2|ob|stage|building")
    assess_and_plan(d)
    start = today(d)
    advance_to(d, start + timedelta(days=150))  # five months without a word
    said = one_next(d)
    bulk = next(b for b in d.buttons if b.data.startswith("2|tl.alldone|"))
    d.press(bulk.data)  # the actions were done, just not recorded
    one_next(d)
    # Then the dates, all in the past: records, not alarms.
    for key, step, ago in (
        ("operate", "impl.operate", 120),
        ("internal_audit", "impl.internal_audit", 20),
        ("management_review", "impl.management_review", 10),
    ):
        d.open_step(step)
        record(d, key, today(d) - timedelta(days=ago))
        said = d.said().split("👉")[0]  # the record itself, before what's next
        if key == "operate":  # 120 days ago: the 3 months are reached, nothing to remind
            assert ("已满 3 个月" in said) if lang == "zh" else ("reached 3 months" in said)
        else:
            assert ("已完成" in said) if lang == "zh" else ("(done)" in said), said
        assert "提醒您" not in said and "remind you" not in said
    tl = timeline(d)
    assert all(tl.get(k).done for k in ("operate", "internal_audit", "management_review"))  # type: ignore[union-attr]
    company, rules = d.conv.company, kb.rules
    rows = plan_reminders(company, all_events(company, rules), rules, d.now, [1])
    assert not [
        r for r in rows if r.event_key in ("operate", "internal_audit", "management_review")
    ]
    # Applying is what's next now, with its check (3 months of operation are there).
    said = one_next(d)
    assert ("申请" in said) if lang == "zh" else ("appl" in said.lower())
