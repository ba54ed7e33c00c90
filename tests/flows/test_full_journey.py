"""A whole journey, in each language, pressing only buttons the user was shown."""

from __future__ import annotations

import pytest

from tests.flows.conftest import Driver

CERT_WORDS = {"zh": ("证书已登记", "监督审核"), "en": ("Certificate recorded", "surveillance")}


def _finish_current_step(d: Driver) -> str:
    """From /next: open the current step, mark it done (confirming), return its id."""
    step = d.conv.company.current_step
    assert step is not None
    d.open_step(step)
    kind = d.kb.steps[step].kind
    if kind == "dates":
        d.press(f"2|evt.date|{d.kb.steps[step].event_kind}")
        d.text("2026-11-20")  # the step's date (already happened)
        d.open_step(step)
    if kind == "certificate":
        d.press("2|cert.add")
        d.text("165IP27000042")
        d.text("2026-11-20")
        d.press("2029-11-19")
        return step
    d.press(f"2|sd|{step}")
    if any(b.data == f"2|sd!|{step}" for b in d.buttons):
        d.press(f"2|sd!|{step}")
    return step


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_from_first_contact_to_maintenance(kb, lang: str) -> None:  # type: ignore[no-untyped-def]
    d = Driver(kb, lang)
    d.onboard("华夏精工" if lang == "zh" else "Cathay Precision")
    d.text("下一步" if lang == "zh" else "what's next")
    d.press("2|as.start")
    d.answer_all("y", {"A03": "n", "C02": "p", "D03": "n"})
    d.text("下一步" if lang == "zh" else "what should I do now")
    d.press("2|pl.make")
    d.press("2|pl.target")
    assert d.conv.company.actions
    for action in list(d.conv.company.actions):
        d.cmd("plan", "all")
        d.press(f"2|pl.done|{action.id}")
    visited = []
    while d.conv.company.phase != "maint" and len(visited) < 40:
        visited.append(_finish_current_step(d))
    assert d.conv.company.certificate is not None
    assert {"appl.choose_cb", "audit.stage2", "dec.certificate"} <= set(visited)
    assert d.conv.company.phase == "maint"
    d.cmd("next")
    said = d.said()
    assert ("监督" in said) if lang == "zh" else ("urveillance" in said)
    d.cmd("status")
    assert "2029-11-19" in d.said()
