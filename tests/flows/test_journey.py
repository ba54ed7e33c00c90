"""Steps, checklists, dates, nonconformities and the certificate, through to maintenance."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from flows.types import EventKind, Forward
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


def test_step_view_has_what_todo_records_and_checklist(en: Driver) -> None:
    en.onboard()
    en.open_step("prep.learn")
    step = en.kb.steps["prep.learn"]
    said = en.said()
    assert step.what.en in said and "Records an auditor will ask for" in said
    assert len([b for b in en.buttons if b.data.startswith("2|ck|prep.learn|")]) == len(
        step.checklist
    )


def test_ticking_edits_the_step_message_and_is_saved(en: Driver) -> None:
    en.onboard()
    en.open_step("prep.learn")
    item = en.kb.steps["prep.learn"].checklist[0]
    en.press(f"2|ck|prep.learn|{item.id}")
    view = en.replies[0]
    assert view.edit and "Checklist (1/" in view.text
    labels = [b.label for row in view.buttons for b in row]
    assert f"✅ {item.text.en}" in labels  # shown once: as the button, not again as text
    assert item.text.en not in view.text
    assert en.conv.company.checked["prep.learn"] == [item.id]


def test_step_done_asks_for_confirmation_when_checklist_incomplete(en: Driver) -> None:
    en.onboard()
    en.open_step("prep.learn")
    en.press("2|sd|prep.learn")
    assert "not ticked" in en.said()
    assert "prep.learn" not in en.conv.company.steps_done
    en.press("2|sd!|prep.learn")
    assert "prep.learn" in en.conv.company.steps_done


def test_dated_step_records_the_date(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|building")
    en.open_step("impl.internal_audit")
    en.press("2|evt.date|internal_audit")
    en.text("2027-02-20")
    ev = next(e for e in en.conv.company.events if e.key == "internal_audit")
    assert ev.on == date(2027, 2, 20) and ev.kind == "internal_audit"
    en.cmd("status")
    assert "2027-02-20" in en.said()


def test_nonconformity_recorded_with_deadlines_and_closed(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|audited")
    en.text("2026-04-01")
    en.open_step("audit.nonconformities")
    en.press("2|nc.add")
    en.text("Two R&D contracts without IP clause review")
    en.press("Minor")
    nc = en.conv.company.nonconformities[0]
    assert nc.grade == "minor" and nc.evidence_due > en.now.date()
    en.cmd("next")
    assert nc.description in en.said()  # an open NC is the most urgent thing
    en.press(f"2|nc.close|{nc.id}")
    assert "Close nonconformity 1" in en.said()  # asked first: it ends its reminders
    assert en.conv.company.nonconformities[0].closed_on is None
    en.press("2|yes|")
    assert en.conv.company.nonconformities[0].closed_on == en.now.date()


def test_certificate_at_decision_moves_to_maintenance_and_next_is_surveillance(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|audited")
    en.text("2026-04-01")
    en.open_step("dec.certificate")
    en.press("2|cert.add")
    en.text("165IP26000123")
    en.text("2026-11-20")
    en.press("2029-11-19")
    c = en.conv.company
    assert c.certificate is not None and c.phase == "maint"
    # First surveillance within 12 months: 2027-11-20 is a Saturday, so by Friday the 19th.
    assert "2027-11-19" in en.said()
    for step in ("maint.improve", "maint.yearly", "maint.surveillance", "maint.recert"):
        en.send(EventKind.BUTTON, f"2|sd!|{step}")
    en.cmd("next")
    assert "Next:" in en.said()


def test_unknown_and_malformed_buttons_reshow_the_current_step(en: Driver) -> None:
    en.onboard()
    for data in (
        "zzz",
        "2|step|nope",
        "2|pl.done|gap:Z99",
        "2|ck|prep.learn",
        "2|as.answer|A01|maybe",
        "",
        "2|ob|name|x",
    ):
        en.send(EventKind.BUTTON, data)
        assert "earlier message" in en.said(), data
    assert en.conv.company.answers == {}


def test_unsupported_inputs_get_a_hint_and_change_nothing(en: Driver) -> None:
    en.onboard()
    before = en.conv.model_copy(deep=True)
    for what in ("sticker", "photo", "voice", "edited"):
        en.send(EventKind.UNSUPPORTED, what)
        assert en.replies and en.replies[0].text
    en.text("x" * 5000)
    assert "too long" in en.said()
    assert en.conv == before


def test_unknown_question_is_declined_honestly(en: Driver) -> None:
    en.onboard()
    en.text("what's the weather in Paris tomorrow?")
    assert "outside what I know" in en.said()


def test_pending_date_question_answered_with_a_question_gets_faq_then_prompt(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|building")
    en.open_step("impl.internal_audit")
    en.press("2|evt.date|internal_audit")
    en.text("how often must we do an internal audit?")
    assert "internal audit" in en.replies[-1].text.lower()
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "date"


def test_applying_before_the_preconditions_is_flagged(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-10-01")  # running for under 2 months
    en.open_step("appl.submit")
    en.press("2|sd|appl.submit")
    said = en.said()
    # 3 months from 2026-10-01 is New Year's Day: the first working day after, 2027-01-04.
    assert "Pre-application check" in said and "2027-01-04" in said
    assert "internal audit" in said and "management review" in said
    assert "appl.submit" not in en.conv.company.steps_done
    # Each open condition has its own way forward, not one "yes, done" button.
    data = {b.data for b in en.buttons}
    assert {"2|pre.ok|ia", "2|pre.ok|mr", "2|pre.ok|no_blacklist"} <= data


def test_certified_company_is_asked_about_a_missed_yearly_audit_first(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|certified")
    en.press("GB/T 29490-2023")
    en.text("IP-7")
    en.text("2025-12-04")
    en.press("2028-12-03")
    en.cmd("next")
    said = en.said()
    # Yearly internal audit: 2 months before the first surveillance is Sunday 2026-10-04, in
    # the National Day holiday: due on the last working day before it, 2026-09-30.
    assert "Yearly internal audit" in said and "overdue by 58 days" in said
    done = next(b for b in en.buttons if b.data.startswith("2|evt.done"))
    en.press(done.data)  # the reply goes straight on to what's next
    assert "Marked done: Yearly internal audit" in en.said()
    assert "Yearly management review" in en.said()
    en.press(next(b for b in en.buttons if b.data.startswith("2|evt.done")).data)
    en.cmd("next")
    assert "Surveillance audit 1 deadline" in en.said() and "2026-12-04" in en.said()


def test_unknown_question_can_go_to_a_human_when_an_operator_is_configured(en: Driver) -> None:
    en.options = en.options.__class__(can_forward=True)
    en.onboard()
    en.text("can you draft our franchise agreement?")
    assert "outside what I know" in en.said()
    en.press("2|fwd")
    [ack] = en.replies
    assert "adviser" in ack.text
    assert en.effects == [Forward("can you draft our franchise agreement?")]
    assert en.conv.user.pending is None


def test_forward_offer_lapses_when_the_user_moves_on(en: Driver) -> None:
    en.options = en.options.__class__(can_forward=True)
    en.onboard()
    en.text("can you draft our franchise agreement?")
    en.text("what's next")
    assert en.conv.user.pending is None or en.conv.user.pending.flow != "forward"
    en.send(EventKind.BUTTON, "2|fwd")  # the old button
    assert not any(isinstance(e, Forward) for e in en.effects)
    assert "no longer applies" in en.said()


def test_uncertain_answers_say_so_in_chat_as_in_ipms_ask(en: Driver) -> None:
    from flows.faq import entry_reply
    from knowledge.answers import confidence_note
    from knowledge.ask import format_answer

    en.onboard()
    for level in ("M", "L"):
        entry = next(e for e in en.kb.faq.values() if e.confidence == level)
        note = confidence_note(entry, "en")
        assert note is not None
        from flows.context import Ctx

        chat = entry_reply(Ctx(en.conv, en.kb, en.now), entry).text
        assert note in chat and note in format_answer(en.kb, entry, "en")
    sure = next(e for e in en.kb.faq.values() if e.confidence == "H")
    assert confidence_note(sure, "en") is None


def test_moving_a_derived_date_keeps_what_it_is(en: Driver) -> None:
    from flows.schedule import all_events

    en.onboard("Acme", "2|ob|stage|certified")
    en.press("GB/T 29490-2023")
    en.text("IP-8")
    en.text("2025-12-04")
    en.press("2028-12-03")
    en.send(EventKind.BUTTON, "2|evt.date|recert:apply")  # "Change date" on a reminder
    en.text("2028-07-15")
    [moved] = [e for e in all_events(en.conv.company, en.kb.rules) if e.key == "recert:apply"]
    assert (moved.kind, moved.on) == ("recert_apply", date(2028, 7, 15))
    assert "Recertification" in en.said() and "2028-07-15" in en.said()


def test_closing_the_last_nonconformity_leads_to_the_certificate(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|audited")
    zh.text("2026-04-01")
    zh.open_step("audit.nonconformities")
    zh.press("2|nc.add")
    zh.text("台账缺少缴费期限")
    zh.press("一般")
    zh.text("不符合项整改完了")
    zh.text("对")
    assert zh.conv.company.nonconformities[0].closed_on == zh.now.date()
    nxt = next(r for r in zh.replies if r.text.startswith("👉"))
    assert "证书" in nxt.text.splitlines()[0], nxt.text
    assert any(b.data == "2|cert.add" for row in nxt.buttons for b in row)


def _at_expiry_question(d: Driver) -> None:
    d.onboard("华光", "2|ob|stage|audited")
    d.text("2026-04-01")
    d.open_step("dec.certificate")
    d.press("2|cert.add")
    d.text("好的")  # no certificate number: asked for it, nothing stored
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "number"
    d.text("165IP26000123")
    d.text("2026-11-20")
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "expires"


@pytest.mark.parametrize("typed", ["下一步", "好的", "对"])
def test_moving_on_at_the_expiry_question_takes_the_usual_date(zh: Driver, typed: str) -> None:
    _at_expiry_question(zh)
    zh.text(typed)
    cert = zh.conv.company.certificate
    assert cert is not None and cert.number == "165IP26000123"
    assert cert.expires.isoformat() == "2029-11-19"


def test_thanks_mid_certificate_keeps_the_question(zh: Driver) -> None:
    _at_expiry_question(zh)
    zh.text("谢谢")
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "expires"


@pytest.mark.parametrize("typed", ["？？？", "...", "!!"])
def test_symbols_alone_get_a_plain_answer_not_the_faq(zh: Driver, typed: str) -> None:
    zh.onboard()
    [reply] = zh.text(typed)
    assert "符号" in reply.text and "超出" not in reply.text


def test_conditions_the_body_checks_can_be_confirmed_in_words(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|applied")
    zh.text("今年5月")
    zh.text("没有行政处罚")
    assert "no_penalty" in zh.conv.company.checked.get("appl.submit", [])
    assert "先不做" not in zh.said(), "not taken for declining the offer on screen"
    zh.text("也没被列入失信名单")
    assert "no_blacklist" in zh.conv.company.checked["appl.submit"]


def test_internal_audit_done_in_words_is_read_back(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|running")
    zh.text("今年5月")
    zh.text("内审做过了")
    assert any(b.data.startswith("2|fact|internal_audit|") for b in zh.buttons), zh.said()


def test_internal_audit_done_in_words_after_applying_confirms_the_condition(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|applied")
    zh.text("今年5月")
    zh.text("内审做过了")  # held before applying: not "dated today"
    assert "ia" in zh.conv.company.checked.get("appl.submit", []), zh.said()


def test_a_sentence_is_not_taken_for_the_certificate_number(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|audited")
    en.text("2026-04-01")
    en.open_step("dec.certificate")
    en.press("2|cert.add")
    en.text("we closed the nonconformities")
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "number"
    assert "certificate number printed" in en.said()


def test_three_months_of_operation_reached_is_never_listed_as_overdue(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|applied")
    zh.text("去年10月")  # running since 2025-10: 3 months reached in January 2026
    [listing] = zh.cmd("reminders")
    assert "运行满3个月" not in listing.text, listing.text


def _applied_check(kb: Knowledge, lang: str, only_the_two: bool) -> Driver:
    """Applied on 2027-05-18, running since October: the check the body makes is on screen;
    ``only_the_two``: the audit and the review confirmed, no penalty and no blacklist left."""
    d = Driver(kb, lang, now=datetime(2027, 5, 18, 2, 0, tzinfo=UTC))
    d.onboard("华光", "2|ob|stage|applied")
    d.text("2026-10-01")
    if only_the_two:
        d.press("2|pre.ok|ia")
        d.press("2|pre.ok|mr")
    assert {"2|pre.ok|no_penalty", "2|pre.ok|no_blacklist"} <= {b.data for b in d.buttons}
    return d


@pytest.mark.parametrize(
    ("lang", "said", "only_the_two"),
    [("zh", "查过了，都没有", False), ("zh", "都没有，查过了", False), ("zh", "都没有", True),
     ("en", "neither", True), ("en", "none of them", True),
     ("en", "we checked, neither", False)],
)  # fmt: skip
def test_both_conditions_confirmed_in_one_word(
    kb: Knowledge, lang: str, said: str, only_the_two: bool
) -> None:
    d = _applied_check(kb, lang, only_the_two)
    d.text(said)
    ticked = d.conv.company.checked.get("appl.submit", [])
    assert {"no_penalty", "no_blacklist"} <= set(ticked), d.said()
    if not only_the_two:  # the audit and the review are no "neither"
        assert "ia" not in ticked and "mr" not in ticked


def test_neither_is_not_taken_for_the_audit_and_review_too(kb: Knowledge) -> None:
    """ "都没有" with the internal audit and review also open could be "none of it done": the
    conditions stay open rather than being guessed."""
    d = _applied_check(kb, "zh", False)
    d.text("都没有")
    assert not {"ia", "mr"} & set(d.conv.company.checked.get("appl.submit", [])), d.said()


@pytest.mark.parametrize(
    ("lang", "first", "then"),
    [("zh", "没有行政处罚", "也没有失信"), ("en", "no penalties", "no blacklist either")],
)
def test_the_second_condition_confirmed_with_also(
    kb: Knowledge, lang: str, first: str, then: str
) -> None:
    d = _applied_check(kb, lang, True)
    d.text(first)
    assert "no_penalty" in d.conv.company.checked.get("appl.submit", []), d.said()
    d.text(then)
    assert "no_blacklist" in d.conv.company.checked["appl.submit"], d.said()
