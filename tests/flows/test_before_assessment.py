"""What owners tell before the gap assessment, as they type it: the stage in their words,
facts the assessment asks about, and "haven't done that" (no "great, which one is done?")."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from knowledge.texts import t
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to


def _onboarded(kb: Knowledge, lang: str, stage: str) -> Driver:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text("Northwind Optics, about 45 people" if lang == "en" else "恒达精密，大概120人")
    for b in d.buttons:  # the industry, when it was not said
        if b.data.startswith("2|ob|industry|"):
            d.press(b.data)
            break
    if any(b.data == "2|ob|sites|1" for b in d.buttons):
        d.press("2|ob|sites|1")
    d.text(stage)
    return d


@pytest.mark.parametrize(
    ("lang", "said", "stage"),
    [
        ("en", "we've started, have some docs already", "building"),
        ("en", "just started", "not_started"),
        ("zh", "已经开始了，有些文件了", "building"),
        ("zh", "刚开始", "not_started"),
    ],
)
def test_the_stage_in_words(kb: Knowledge, lang: str, said: str, stage: str) -> None:
    d = _onboarded(kb, lang, said)
    assert d.conv.company.onboarded, d.said()
    assert d.conv.company.stage == stage


@pytest.mark.parametrize(
    ("lang", "said", "topic"),
    [
        ("en", "we have an IP person, part time", "the people who handle IP"),
        ("en", "no targets", "IP objectives"),
        ("en", "we did one training in march", "training"),
        ("en", "excel list of patents", "your IP ledger or list"),
        ("zh", "有个兼职的专员管专利", "负责知识产权工作的人员"),
        ("zh", "还没定目标", "知识产权目标"),
    ],
)
def test_what_the_assessment_asks_about_leads_into_it(
    kb: Knowledge, lang: str, said: str, topic: str
) -> None:
    d = _onboarded(kb, lang, "just started" if lang == "en" else "刚开始")
    d.text(said)
    assert topic in d.said(), d.said()
    assert [b.data for b in d.buttons] == ["2|as.start"]
    assert not d.conv.company.answers  # nothing recorded for them
    d.text("ok" if lang == "en" else "好的")  # the offer: the assessment starts
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "assess"


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "haven't done that"), ("en", "not done yet"), ("zh", "还没做完")]
)
def test_a_denied_done_is_not_done(kb: Knowledge, lang: str, said: str) -> None:
    d = _onboarded(kb, lang, "just started" if lang == "en" else "刚开始")
    d.text(said)
    assert t(lang, "done_what")[:8] not in d.said(), d.said()


def test_a_certified_companys_news_is_not_sent_to_the_gap_assessment(kb: Knowledge) -> None:
    """Certified, no assessment answers: "internal audit went ok, 1 minor finding about …" is
    the yearly audit and its finding, not "that is what the gap assessment asks about"."""
    d = Driver(kb, "en")
    d.onboard("Brightline", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")
    d.text("BL-1234-XY")
    d.text("2026-03-17")
    d.text("sounds right")  # the usual expiry offered
    cert = d.conv.company.certificate
    assert cert is not None and cert.expires == date(2029, 3, 16), d.said()
    advance_to(d, date(2026, 9, 1))
    d.text("internal audit probably October")
    d.text("yes")
    d.text("management review a couple of weeks after the internal audit")
    assert "2026-11-13" in d.said() or "13 Nov 2026" in d.said(), d.said()
    d.text("yes")
    advance_to(d, date(2026, 10, 19))
    d.text("internal audit went ok, 1 minor finding about the invention disclosure forms")
    assert "gap assessment" not in d.said(), d.said()
    d.text("yes")
    titles = [a.title_en for a in d.conv.company.actions]
    assert any("invention disclosure forms" in t for t in titles), (titles, d.said())
