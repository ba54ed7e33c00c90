"""The certificate's number as owners give it: later, after a date, or in a sentence."""

from __future__ import annotations

from datetime import date

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
