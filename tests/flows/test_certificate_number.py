"""The certificate's number as owners give it: later, after a date, or in a sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


def _at_the_number(d: Driver) -> None:
    d.onboard("禾丰" if d.conv.user.lang == "zh" else "Hefeng", "2|ob|stage|certified")
    d.press("2|cert.edition|2023")


def test_the_number_can_follow_later_in_words(zh: Driver) -> None:
    _at_the_number(zh)
    zh.text("证书在老板那，编号我回头查一下")
    assert "以后补" in zh.said()
    zh.text("2025年5月20号")
    zh.text("好的")
    cert = zh.conv.company.certificate
    assert cert is not None and cert.number == "" and cert.issued == date(2025, 5, 20)
    zh.cmd("status")
    assert "编号待补" in zh.said()
    zh.text("查到了，证书编号是 CNIPC-2025-IP-03321")
    assert zh.conv.company.certificate is not None
    assert zh.conv.company.certificate.number == "CNIPC-2025-IP-03321", zh.said()


def test_a_date_typed_for_the_number_is_the_issue_date(en: Driver) -> None:
    _at_the_number(en)
    en.text("issued 20 nov 2025")
    assert "2025-11-20" in en.said() and "certificate number" in en.said()
    p = en.conv.user.pending
    assert p is not None and p.field == "number" and p.data["issued"] == "2025-11-20"
    en.text("165IP250001R0M")
    p = en.conv.user.pending
    assert p is not None and p.field == "expires", en.said()  # the issue date not asked again


def test_a_certificate_told_after_cancelling_is_recorded_without_congratulations(
    zh: Driver,
) -> None:
    _at_the_number(zh)
    zh.cmd("cancel")
    zh.text("查到了，证书编号 CNIPC-2025-IP-03321，2025年5月20号发的")
    said = zh.said()
    assert "恭喜" not in said and "这是哪件事的日期" not in said, said
    p = zh.conv.user.pending
    assert p is not None and p.data.get("number") == "CNIPC-2025-IP-03321"
    assert p.data.get("issued") == "2025-05-20"


def test_an_edition_picked_wrong_is_corrected_in_words(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|certified")
    zh.press("2|cert.edition|2013")
    zh.text("证书版本选错了，应该是2023版")
    said = zh.said()
    assert "这是哪件事的日期" not in said and "2023" in said, said
    p = zh.conv.user.pending
    assert p is not None and p.flow == "certificate" and p.field == "number"


def test_a_2013_certificate_said_valid_until_later_is_answered_not_dated(zh: Driver) -> None:
    zh.onboard()
    zh.text("我们2013版的证书2027年才到期，还能用吧")
    said = zh.said()
    assert "2025-12-31" in said and "这是哪件事的日期" not in said, said


def test_a_certificate_number_is_no_date(zh: Driver) -> None:
    from datetime import date as day

    from flows.reading import find_date

    assert find_date("证书编号是 CNIPA-2025-IP-0888", day(2027, 6, 1), "any") is None
    assert find_date("cert no. 165IP250001R0M issued on 15 Dec 2025", day(2027, 6, 1), "any") == (
        day(2025, 12, 15)
    )


def test_another_events_date_while_a_date_is_asked_is_read_as_that_event(zh: Driver) -> None:
    from flows.types import EventKind
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard()
    assess_and_plan(zh)
    zh.send(EventKind.BUTTON, "2|evt.date|internal_audit")
    zh.text("二阶段定在8月16号")
    assert "二阶段审核，2027-08-16" in zh.said(), zh.said()
    zh.send(EventKind.BUTTON, "2|evt.date|internal_audit")
    zh.text("内审3月15号")  # the asked event's own date: taken as the answer
    assert "已记录：内部审核 定在 2027-03-15" in zh.said(), zh.said()


def test_the_edition_said_for_the_number_is_no_issue_date(zh: Driver) -> None:
    """ "2023版" at the number: it was recorded as issued on 2023-01-01, and with an expiry
    from the next answer the certificate had two missed surveillance audits."""
    _at_the_number(zh)
    zh.text("2023版")
    p = zh.conv.user.pending
    assert p is not None and p.field == "number" and "issued" not in p.data, zh.said()
    assert "2023-01-01" not in zh.said()
    zh.text("2013版")
    assert "2025-12-31" in zh.said() and zh.conv.company.certificate is None


def test_an_issue_date_told_to_the_expiry_question_is_the_issue_date(zh: Driver) -> None:
    _at_the_number(zh)
    zh.text("证书号 ZZ-IPMS-2026-0815")
    zh.text("2025年3月1号")  # the issue date, mistyped or a guess
    zh.text("2025年11月12号发的证")  # to "when does it expire?": the issue date, corrected
    p = zh.conv.user.pending
    assert p is not None and p.field == "expires" and p.data["issued"] == "2025-11-12", zh.said()
    zh.text("好的")  # the usual three years
    cert = zh.conv.company.certificate
    assert cert is not None and cert.issued == date(2025, 11, 12)
    assert cert.expires == date(2028, 11, 11), cert


def test_a_coming_audit_said_at_the_edition_question_is_no_issue_date(zh: Driver) -> None:
    """ "认证机构说10月来" was read as a certificate issued on 1 October."""
    zh.onboard("华光塑料", "2|ob|stage|certified")
    zh.text("证书号 HG-IPMS-2025-1120，去年11月20号发的")
    zh.text("认证机构说10月来")
    p = zh.conv.user.pending
    assert p is not None and p.field == "edition", zh.said()
    assert "10-01" not in zh.said()
    zh.text("应该是2023的吧")
    p = zh.conv.user.pending
    assert p is not None and p.field == "expires" and p.data["issued"] == "2025-11-20"


def _stage2_passed(d: Driver, today: date) -> None:
    """Applied, stage 2 held in July; ``today`` is when the certificate arrives."""
    zh = d.conv.user.lang == "zh"
    d.now = datetime(2027, 6, 1, 2, tzinfo=UTC)
    d.onboard("茶叶" if zh else "JadeLeaf Tea Co.", "2|ob|stage|applied")
    d.text("2027-03-01")
    d.text("二阶段审核定在7月5号" if zh else "stage 2 on July 5")
    d.text("对" if zh else "yes")
    d.now = datetime(today.year, today.month, today.day, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "today", "said", "number", "issued", "expires"),
    [
        (
            "en",
            date(2027, 9, 6),
            "we got the certificate! number 18727IP0456R0M, issued Sept 3, valid until Sept 2 2030",
            "18727IP0456R0M",
            date(2027, 9, 3),
            date(2030, 9, 2),
        ),
        (
            "zh",
            date(2027, 8, 20),
            "拿到证书了，证号 165IP2027Q0123，8月18号发的，有效期到2030年8月17日",
            "165IP2027Q0123",
            date(2027, 8, 18),
            date(2030, 8, 17),
        ),
    ],
)
def test_a_certificate_told_in_one_sentence_is_read_back_once(
    kb: Knowledge, lang: str, today: date, said: str, number: str, issued: date, expires: date
) -> None:
    """The number, issue date and expiry in one sentence: the issue date came out a day early
    (the expiry's "until Sept 2" read as the issue date) and the expiry was asked again."""
    d = Driver(kb, lang)
    _stage2_passed(d, today)
    d.text(said)
    shown = d.said()
    assert issued.isoformat() in shown and expires.isoformat() in shown, shown
    assert number in shown, shown
    assert d.conv.company.certificate is None  # read back first, recorded on the "yes"
    p = d.conv.user.pending
    assert p is not None and p.field == "check", (p, shown)
    d.text("对" if lang == "zh" else "yes")
    cert = d.conv.company.certificate
    assert cert is not None, d.said()
    assert (cert.number, cert.issued, cert.expires) == (number, issued, expires)
    assert "3 年" not in d.said() and "3 years after" not in d.said()  # no expiry question


def test_the_same_certificate_sentence_again_at_the_expiry_question_takes_its_expiry(
    zh: Driver,
) -> None:
    """Sent again where the expiry was asked: it only noted the issue date again."""
    _at_the_number(zh)
    zh.text("证书号 165IP2027Q0123")
    zh.text("2026年8月18号")
    zh.text("证号 165IP2027Q0123，8月18号发的，有效期到2029年8月17日")
    cert = zh.conv.company.certificate
    p = zh.conv.user.pending
    if cert is None:  # read back for a yes
        assert p is not None and p.field == "check", (p, zh.said())
        zh.text("对")
        cert = zh.conv.company.certificate
    assert cert is not None and cert.expires == date(2029, 8, 17), zh.said()
    assert cert.issued == date(2026, 8, 18)


def test_a_certificate_told_at_onboarding_with_its_expiry_is_read_back_after_the_edition(
    en: Driver,
) -> None:
    en.onboard("Hefeng", "2|ob|stage|certified")
    en.text("cert no. HF-IPMS-2025-1120, issued 20 November 2025, expires 20 November 2028")
    if en.conv.user.pending is not None and en.conv.user.pending.field == "edition":
        en.press("2|cert.edition|2023")
    assert "2025-11-20" in en.said() and "2028-11-20" in en.said(), en.said()
    assert "3 years after" not in en.said()  # the expiry said is not asked
    en.text("yes")
    cert = en.conv.company.certificate
    assert cert is not None, en.said()
    assert (cert.number, cert.issued, cert.expires) == (
        "HF-IPMS-2025-1120",
        date(2025, 11, 20),
        date(2028, 11, 20),
    )


def _at_the_stage(d: Driver, today: date) -> None:
    d.now = datetime(today.year, today.month, today.day, 2, tzinfo=UTC)
    d.cmd("start")
    d.text("JadeLeaf Tea Co.")
    d.text("45")
    d.press("Software" if d.conv.user.lang == "en" else "软件")
    d.press("2|ob|sites|1")


def test_certified_last_november_said_in_december_is_last_years(en: Driver) -> None:
    """ "last November" in December 2026 was read as 1 Nov 2026 (last month) and recorded as
    the issue date; the 1st was not said to be a placeholder."""
    _at_the_stage(en, date(2026, 12, 5))
    en.text("we got certified last November")
    assert "2025-11-01" in en.said() and "2026-11-01" not in en.said(), en.said()
    assert "placeholder" in en.said()
    p = en.conv.user.pending
    assert p is not None and p.field == "edition" and p.data["issued"] == "2025-11-01"
    en.press("2|cert.edition|2023")
    en.text("165IP250001R0M")
    en.text("issued on the 18th")  # the day, once found: of that month, not of this one
    p = en.conv.user.pending
    assert p is not None and p.data["issued"] == "2025-11-18", en.said()


def test_a_certificate_issued_in_a_month_without_a_day_says_the_day_is_a_placeholder(
    zh: Driver,
) -> None:
    _at_the_number(zh)
    zh.text("165IP250001R0M")
    zh.text("去年11月")
    assert "2025-11-01" in zh.said() and "先填的" in zh.said(), zh.said()
    zh.text("好的")
    cert = zh.conv.company.certificate
    assert cert is not None and cert.issued == date(2025, 11, 1)


def test_no_placeholder_for_the_number_in_a_script_the_owner_sends(en: Driver, zh: Driver) -> None:
    """The number not given yet: the script to the certification body said "certificate
    number (number to follow)" and the read-back "Certificate recorded: (number to follow)"."""
    for d, later, issued, nxt in (
        (en, "later", "1 December 2024", "next"),
        (zh, "回头查一下", "2024年12月1号", "下一步"),
    ):
        _at_the_number(d)
        d.text(later)
        d.text(issued)
        d.text("yes" if d is en else "好的")
        said = d.said()
        assert "number not given yet" in said or "编号尚未告知" in said, said
        assert "number to follow" not in said and "编号待补" not in said
        d.text(nxt)  # the surveillance audit missed: the risk, with what to say to the body
        said = d.said()
        assert "____" in said, said
        assert "number to follow" not in said and "编号待补" not in said, said
