"""What the report says, built from the conversation state (pure flows, no rendering)."""

from __future__ import annotations

from datetime import date

import pytest

from flows.report import LABELS, TEMPLATES
from flows.report_model import PlanLine, ReportModel
from flows.scoring import readiness
from flows.state import Certificate
from flows.types import EventKind, SendReport
from knowledge.loader import Knowledge
from knowledge.texts import load_catalogue, t
from tests.flows.conftest import Driver
from tests.report.conftest import GAP_ORDER, NAMES, TO_CLARIFY, assessed, report_of


def test_report_before_onboarding_leads_to_onboarding(kb: Knowledge) -> None:
    d = Driver(kb, "en")
    d.cmd("report")
    assert d.effects == []
    assert t("en", "need_onboarding") in d.said()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_company_standard_and_phase(models: dict[str, ReportModel], lang: str) -> None:
    m = models[lang]
    assert m.lang == lang and m.company == NAMES[lang]
    assert m.standard.startswith("GB/T 29490-2023")
    rows = dict(m.summary)
    standard = rows["标准" if lang == "zh" else "Standard"]
    assert standard.startswith("GB/T 29490-2023")  # the current edition first, 2013 as replaced
    assert "29490-2013" in standard and (
        "替代" in standard if lang == "zh" else "replaced" in standard
    )
    assert m.phase == ("实施" if lang == "zh" else "Implementation")
    assert m.made_on == date(2026, 11, 27)


def test_readiness_per_chapter_follows_the_answers(
    models: dict[str, ReportModel], kb: Knowledge
) -> None:
    m = models["en"]
    assert [c.chapter for c in m.chapters] == ["4", "5", "6", "7", "8", "9", "10"]
    pct = {c.chapter: c.pct for c in m.chapters}
    assert pct["10"] == 33  # F02 and G01 not met, G02 met: 2 of 6 points
    assert pct["9"] == 100
    assert m.chapters[0].title == "Chapter 4, Context of the enterprise"
    assert m.answered == m.total == len(kb.questions)
    assert [c.pct for c in models["zh"].chapters] == [c.pct for c in m.chapters]
    assert models["zh"].chapters[-1].title == "第10章 改进"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gaps_in_priority_order_with_the_evidence_auditors_expect(
    models: dict[str, ReportModel], kb: Knowledge, lang: str
) -> None:
    gaps = models[lang].gaps
    assert [g.requirement for g in gaps] == [kb.question(q).text.get(lang) for q in GAP_ORDER]
    assert [g.priority for g in gaps] == [1, 1, 2, 2, 3]
    for g, qid in zip(gaps, GAP_ORDER, strict=True):
        assert g.evidence == kb.question(qid).evidence.get(lang)
        assert g.due is not None and g.due.isoformat() in g.todo  # the plan's due date
    assert gaps[1].status == ("部分满足" if lang == "zh" else "Partly met")  # B01 partly
    assert "GB/T 29490-2023 7.5" in gaps[0].clauses  # A03: documented information


def test_plan_lists_open_actions_by_due_date_with_their_owner(
    models: dict[str, ReportModel], kb: Knowledge
) -> None:
    plan = models["en"].plan
    assert plan, "a plan was made"
    assert [a.due for a in plan] == sorted(a.due for a in plan)
    titles = {a.title: a for a in plan}
    audit = titles["Complete a full-scope internal audit"]
    assert audit.owner_role == "Internal auditor" and audit.who == "Internal auditor"
    assert titles[kb.question("A03").action.en].priority == 1
    assert all(a.state == "Open" for a in plan)


def test_an_assignee_is_shown_with_the_role() -> None:
    line = PlanLine("Hold the review", "Top management", date(2027, 1, 5), None, 1, False, "Open")
    assert line.who == "Top management"
    named = PlanLine(
        "Hold the review", "Top management", date(2027, 1, 5), None, 1, False, "Open", "王芳"
    )
    assert named.who == "王芳 (Top management)"


def test_done_and_overdue_actions_are_marked(kb: Knowledge) -> None:
    d = assessed(kb, "en")
    first = d.conv.company.actions[0]
    d.press(f"2|pl.how|action:{first.id}")
    d.press(f"2|evt.done|action:{first.id}")
    d.advance(400)  # past the first due dates
    plan = report_of(d).plan
    assert plan[-1].done_on is not None and plan[-1].state.startswith("Done 2026-11-27")
    assert any(a.overdue and a.state == "Overdue" for a in plan)
    assert not any(a.overdue for a in plan if a.done_on is not None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_items_answered_not_sure_are_to_clarify(
    models: dict[str, ReportModel], kb: Knowledge, lang: str
) -> None:
    clarify = models[lang].clarify
    assert [c.question for c in clarify] == [kb.question(q).text.get(lang) for q in TO_CLARIFY]
    assert all(c.why and c.chapter in c.text for c in clarify)


def test_dates_before_certification_are_the_milestones_and_the_target(
    models: dict[str, ReportModel],
) -> None:
    dates = models["en"].dates
    titles = [d.title for d in dates]
    assert "Internal audit" in titles  # the same names as /next and /calendar
    assert "Apply for certification" in titles
    assert dates[-1].on == date(2027, 12, 31) and dates[-1].title == "Target certification date"
    assert [d.on for d in dates] == sorted(d.on for d in dates)


def test_certificate_dates_once_certified(kb: Knowledge) -> None:
    d = assessed(kb, "en")
    d.conv.company.certificate = Certificate(
        number="0350IP2026001", issued=date(2026, 3, 2), expires=date(2029, 3, 1)
    )
    m = report_of(d)
    titles = [x.title for x in m.dates]
    assert any(t.startswith("Surveillance audit 1 deadline") for t in titles)
    assert not any(x.title == "Target certification date" for x in m.dates)
    cert = dict(m.summary)["Certificate"]
    assert "0350IP2026001" in cert and "GB/T 29490-2023" in cert and "2029-03-01" in cert
    assert "superseded" not in cert


def test_a_2013_certificate_is_never_shown_as_current(kb: Knowledge) -> None:
    d = assessed(kb, "zh")
    d.conv.company.certificate = Certificate(
        number="OLD-1", edition="2013", issued=date(2023, 1, 5), expires=date(2026, 1, 4)
    )
    m = report_of(d)
    assert m.standard.startswith("GB/T 29490-2023")
    cert = dict(m.summary)["证书"]
    assert "GB/T 29490-2013" in cert and "已废止" in cert


def test_status_offers_the_chart_and_the_report(kb: Knowledge) -> None:
    d = Driver(kb, "en")
    d.onboard()
    d.cmd("status")
    d.press("2|rp.chart")  # nothing answered yet: no chart, the way to get one instead
    assert d.effects == [] and "no readiness to chart yet" in d.said()
    assert d.button("2|as.start")
    d.press("2|as.start")
    d.answer_all("p", full=False)
    d.cmd("status")
    d.press("2|rp.chart")
    [sent] = d.effects
    assert isinstance(sent, SendReport) and sent.chart_only
    assert sent.model.overall == 50 and "50%" in sent.model.chart_caption
    d.cmd("status")
    d.press("2|rp.pdf")
    [sent] = d.effects
    assert isinstance(sent, SendReport) and not sent.chart_only


def test_every_label_exists_in_both_languages() -> None:
    catalogue = load_catalogue()
    for key in (*LABELS, *TEMPLATES):
        assert key in catalogue.keys("zh") and key in catalogue.keys("en"), key


def test_readiness_matches_the_scoring(models: dict[str, ReportModel], kb: Knowledge) -> None:
    d = assessed(kb, "en")
    ready = readiness(d.conv.company.answers, kb.questions, kb.rules)
    assert models["en"].overall == ready.overall
    assert {c.chapter: c.pct for c in models["en"].chapters} == ready.chapters


def test_a_gap_whose_action_is_done_reads_fixed_and_a_certificate_ends_the_gap_list(
    kb: Knowledge,
) -> None:
    d = assessed(kb, "en")
    first = next(a for a in d.conv.company.actions if a.question_id and a.done_on is None)
    d.send(EventKind.BUTTON, f"2|evt.done|action:{first.id}")
    gaps = {g.requirement: g.status for g in report_of(d).gaps}
    fixed = kb.question(first.question_id or "").text.get("en")
    assert gaps[fixed].startswith("Fixed")
    d.conv.company.certificate = Certificate(
        number="X1", edition="2023", decision_date=date(2026, 11, 1), issued=date(2026, 11, 1),
        expires=date(2029, 10, 31),
    )  # fmt: skip
    assert report_of(d).gaps == ()
