"""Irreversible actions need a fresh, single-use confirmation bound to its request (issue 13)."""

from __future__ import annotations

from datetime import date

from flows.callbacks import encode
from flows.types import EventKind
from tests.flows.conftest import Driver


def _certified(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|certified")
    en.press("GB/T 29490-2023")
    en.text("IPMS-1")
    en.text("2026-01-15")
    en.text("2029-01-14")
    assert en.conv.company.certificate is not None


def _yes(en: Driver) -> str:
    return next(b.data for b in en.buttons if b.data.startswith("2|yes|"))


def test_replacing_the_certificate_asks_first_and_yes_goes_on(en: Driver) -> None:
    _certified(en)
    en.send(EventKind.BUTTON, encode("cert.add"))  # the decision step's button
    assert "Replace it with a new one?" in en.said() and "IPMS-1" in en.said()
    en.send(EventKind.BUTTON, _yes(en))
    assert en.replies[0].edit and not en.replies[0].buttons  # the question loses its buttons
    assert "certificate number" in en.said()
    en.text("IPMS-2")
    en.text("2026-02-01")
    en.text("2029-01-31")
    assert en.conv.company.certificate is not None
    assert en.conv.company.certificate.number == "IPMS-2"


def test_an_old_or_withdrawn_yes_does_nothing(en: Driver) -> None:
    _certified(en)
    en.send(EventKind.BUTTON, encode("cert.add"))  # the decision step's button
    old_yes = _yes(en)
    en.cmd("status")  # anything else withdraws the confirmation
    en.send(EventKind.BUTTON, old_yes)
    assert "no longer applies" in en.said()
    assert en.conv.user.pending is None or en.conv.user.pending.flow != "certificate"
    en.send(EventKind.BUTTON, encode("cert.add"))  # the decision step's button
    no = next(b.data for b in en.buttons if b.data.startswith("2|no|"))
    en.send(EventKind.BUTTON, no)
    assert "nothing was changed" in en.said()
    en.send(EventKind.BUTTON, _yes_of(no))  # its Yes, after No
    assert "no longer applies" in en.said()
    assert en.conv.company.certificate is not None
    assert en.conv.company.certificate.expires == date(2029, 1, 14)


def _yes_of(no_data: str) -> str:
    return no_data.replace("2|no|", "2|yes|")


def test_a_forged_confirmation_cannot_run_an_action(en: Driver) -> None:
    _certified(en)
    for data in (encode("yes", "0" * 12), encode("cert.replace"), "2|yes|"):
        en.send(EventKind.BUTTON, data)
        assert "no longer applies" in en.said(), data
    assert en.conv.user.pending is None or en.conv.user.pending.flow != "certificate"


def test_changing_the_certificate_expiry_asks_first(en: Driver) -> None:
    _certified(en)
    en.send(EventKind.BUTTON, encode("evt.date", "expiry"))
    assert "Change the certificate's expiry date?" in en.said()
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "confirm"
    en.send(EventKind.BUTTON, _yes(en))
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "date"
