"""The gap assessment: answers saved one by one, scored per chapter, gaps ordered."""

from __future__ import annotations

import pytest

from flows.scoring import gaps, readiness
from flows.types import EventKind
from knowledge.loader import Knowledge
from knowledge.schema import Question
from tests.flows.conftest import Driver


def _start(d: Driver) -> None:
    d.onboard()
    d.press("2|as.start")


def quick(d: Driver) -> list[Question]:
    """The quick assessment's questions, in the order they are asked."""
    return [q for q in d.kb.questions if q.quick and not q.requires_running]  # not started yet


def test_questions_cover_every_chapter_with_at_least_fifty(en: Driver) -> None:
    chapters = {q.chapter for q in en.kb.questions}
    assert {"4", "5", "6", "7", "8", "9", "10"} <= chapters
    assert len(en.kb.questions) >= 50


def test_answer_is_recorded_and_the_question_message_shows_it(en: Driver) -> None:
    _start(en)
    first = quick(en)[0]
    assert first.text.en in en.said() and "Question 1/17" in en.said()
    en.press("Yes")
    record, nxt = en.replies
    assert record.edit and "Your answer: Yes" in record.text and record.buttons == []
    assert quick(en)[1].text.en in nxt.text and "Question 2/17" in nxt.text
    assert en.conv.company.answers[first.id].value == "yes"


def test_why_explains_purpose_and_evidence_without_moving_on(en: Driver) -> None:
    _start(en)
    q = quick(en)[0]
    en.press("Why does this matter?")
    assert q.why.en in en.said() and q.evidence.en in en.said()
    assert en.conv.user.pending is not None and en.conv.user.pending.field == q.id


def test_leaving_and_coming_back_resumes_at_the_same_question(en: Driver) -> None:
    _start(en)
    for _ in range(3):
        en.press("Not sure")  # every question has it (a negated one has no "Partly")
    en.advance(5)
    en.cmd("next")
    assert quick(en)[3].text.en in en.said()


def test_free_text_during_assessment_is_answered_then_question_repeated(en: Driver) -> None:
    _start(en)
    q = quick(en)[0]
    en.text("is ISO 56005 certifiable?")
    assert q.text.en in en.replies[-1].text
    assert en.conv.user.pending is not None and en.conv.user.pending.field == q.id
    assert q.id not in en.conv.company.answers


def test_stale_answer_button_does_not_change_answers(en: Driver) -> None:
    _start(en)
    en.press("Yes")  # answers question 1
    old = f"2|as.answer|{en.kb.questions[0].id}|n"
    en.send(EventKind.BUTTON, old)
    assert en.conv.company.answers[en.kb.questions[0].id].value == "yes"
    assert "earlier message" in en.said()


def test_results_score_chapters_and_put_show_stoppers_first(en: Driver) -> None:
    _start(en)
    stopper = next(q for q in en.kb.questions if q.showstopper)
    ordinary = [q for q in en.kb.questions if not q.showstopper][:2]
    en.answer_all("y", {stopper.id: "p", ordinary[0].id: "n", ordinary[1].id: "na"})
    said = en.said()
    assert "Gap assessment complete" in said and "Overall readiness" in said
    found = gaps(en.conv.company.answers, en.kb.questions, en.kb.rules)
    assert found[0][0].id == stopper.id and found[0][1] == 1
    ready = readiness(en.conv.company.answers, en.kb.questions, en.kb.rules)
    asked = [q for q in en.kb.questions if not q.requires_running]  # not started: not asked
    assert all(q.id in en.conv.company.answers for q in asked)
    assert ready.overall is not None and 90 <= ready.overall < 100
    assert "prep.assess" in en.conv.company.steps_done


def test_weak_chapter_gaps_come_before_the_rest(kb) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from flows.state import Answer

    now = datetime(2026, 1, 1, tzinfo=UTC)
    ch10 = [q for q in kb.questions if q.chapter == "10" and not q.showstopper]
    ch4 = [q for q in kb.questions if q.chapter == "4" and not q.showstopper]
    answers = {q.id: Answer(question_id=q.id, value="yes", answered_at=now) for q in kb.questions}
    for q in ch10:  # chapter 10 all "No": 0 %
        answers[q.id] = Answer(question_id=q.id, value="no", answered_at=now)
    answers[ch4[0].id] = Answer(question_id=ch4[0].id, value="partly", answered_at=now)
    order = [(q.id, p) for q, p in gaps(answers, kb.questions, kb.rules)]
    assert order[-1] == (ch4[0].id, 3)
    assert all(p == 2 for _, p in order[:-1])


def _asked(kb: Knowledge, lang: str, answered: int = 0) -> tuple[Driver, str]:
    """Onboarded, the assessment started and ``answered`` questions answered "yes": the
    driver and the question now asked."""
    d = Driver(kb, lang)
    d.onboard("Acme")
    d.press("2|as.start")
    for _ in range(answered):
        d.press(f"2|as.answer|{d.conv.user.pending.field}|y")  # type: ignore[union-attr]
    return d, d.conv.user.pending.field  # type: ignore[union-attr]


@pytest.mark.parametrize(("lang", "said"), [("zh", "算了"), ("zh", "不做了"), ("en", "forget it")])
def test_giving_up_mid_assessment_pauses_it_and_records_nothing(
    kb: Knowledge, lang: str, said: str
) -> None:
    """ "不做了" was recorded as the answer "no"; "算了" was "not understood", round and round."""
    d, asked = _asked(kb, lang)
    d.text(said)
    assert asked not in d.conv.company.answers, d.said()
    assert d.conv.user.pending is None
    assert "Paused" in d.said() or "已暂停" in d.said(), d.said()


@pytest.mark.parametrize(("lang", "said"), [("zh", "我想从头再来一遍"), ("en", "start over")])
def test_starting_over_mid_journey_says_what_can_start_again(
    kb: Knowledge, lang: str, said: str
) -> None:
    d, _ = _asked(kb, lang, answered=1)
    d.text(said)
    assert "/deletedata" in d.said() and d.conv.company.answers, d.said()
    d.press("2|as.retake")
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "assess"


def test_an_answer_tapped_mid_assessment_asks_the_question_again_last(kb: Knowledge) -> None:
    """A "did you mean" answer tapped mid-assessment ended with its own related questions: the
    owner's "1" (meant for the question) opened another answer."""
    en, asked = _asked(kb, "en")
    en.text("do we need an outside auditor for the internal audit?")
    faq = next(b for b in en.buttons if b.data.startswith("2|faq|"))
    en.press(faq.data)
    last = en.replies[-1]
    assert any(f"as.answer|{asked}|" in b.data for row in last.buttons for b in row), en.said()


def test_who_does_the_internal_audit_mid_assessment_is_answered(kb: Knowledge) -> None:
    zh, asked = _asked(kb, "zh")
    zh.text("内审由谁来做")
    assert "内审" in zh.said() and "没有把它记作本题的回答" not in zh.said(), zh.said()
    assert asked not in zh.conv.company.answers
    assert zh.conv.user.pending.field == asked  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lang", "said", "noted"),
    [("en", "kind of, the boss signed something years ago", "Noted as “Partly”"),
     ("zh", "范围写过，不太全", "记为“部分”")],
)  # fmt: skip
def test_a_sentence_answer_says_how_it_was_read(
    kb: Knowledge, lang: str, said: str, noted: str
) -> None:
    """Sentences were recorded silently: the owner never saw "partly" (or a misread "no")."""
    d, _ = _asked(kb, lang)
    d.text(said)
    assert noted in d.said(), d.said()
    d.text("no" if lang == "en" else "没有")  # a bare answer: nothing to say back
    assert "Noted as" not in d.said() and "记为" not in d.said(), d.said()


def test_a_thumbs_up_to_a_question_where_yes_is_bad_is_asked_again(kb: Knowledge) -> None:
    """ "👍" to "any administrative penalty?" was recorded as a penalty (a show-stopper)."""
    en, penalty = _asked(kb, "en", answered=1)
    assert en.kb.question(penalty).negated
    en.text("👍")
    assert penalty not in en.conv.company.answers, en.said()
    assert en.conv.user.pending.field == penalty  # type: ignore[union-attr]


def test_the_goal_said_mid_assessment_is_kept_and_the_question_asked_again(
    kb: Knowledge,
) -> None:
    """ "明年6月底要拿证" at a question was "I didn't catch that answer"."""
    zh, asked = _asked(kb, "zh")
    zh.text("明年6月底要拿证")
    assert zh.conv.company.goal_date is not None and zh.conv.company.goal_date.month == 6
    assert "没看懂" not in zh.said() and zh.conv.user.pending.field == asked, zh.said()  # type: ignore[union-attr]


def test_starting_over_before_any_assessment_offers_no_assessment_to_redo(en: Driver) -> None:
    en.onboard("Acme")
    en.text("start over")
    assert "/deletedata" in en.said() and "gap assessment" not in en.said(), en.said()
    assert not any(b.data == "2|as.retake" for b in en.buttons)
