"""Walking the journey as an owner would, with the clock moving: helpers for timeline tests.

Each helper presses only buttons the driver was shown (``Driver.press`` checks) and types
dates relative to the driver's clock, so a walk can run on any start day.
"""

from __future__ import annotations

from datetime import date, timedelta

from flows.context import Ctx
from flows.known import timeline_of
from flows.nextstep import compute_next
from flows.timeline import Timeline
from tests.flows.conftest import Driver

NEXT_WORDS = {"zh": "下一步", "en": "what's next"}


def ctx_of(d: Driver) -> Ctx:
    return Ctx(d.conv, d.kb, d.now)


def timeline(d: Driver) -> Timeline:
    return timeline_of(ctx_of(d))


def today(d: Driver) -> date:
    return ctx_of(d).today


def next_reply(d: Driver) -> str:
    d.text(NEXT_WORDS[d.conv.user.lang])
    return d.said()


def assess_and_plan(d: Driver, overrides: dict[str, str] | None = None) -> None:
    d.press("2|as.start")
    d.answer_all("y", overrides or {"A03": "n", "C02": "p", "D03": "n", "E01": "n"})
    next_reply(d)
    d.press("2|pl.make")
    d.press("2|pl.target|")  # the earliest feasible date, as offered


def advance_to(d: Driver, day: date) -> None:
    d.advance((day - today(d)).days)


def record(d: Driver, key: str, day: date) -> None:
    """Press the date button for ``key`` where it is shown and type the date."""
    d.press(f"2|evt.date|{key}")
    d.text(day.isoformat())


def complete_step(d: Driver, step_id: str) -> None:
    """Open the step and mark it done, confirming open actions or checklist items."""
    d.open_step(step_id)
    if step_id in d.conv.company.steps_done:
        return
    d.press(f"2|sd|{step_id}")
    if any(b.data == f"2|sd!|{step_id}" for b in d.buttons):
        d.press(f"2|sd!|{step_id}")


def apply(d: Driver) -> None:
    """The application step: the pre-application check, confirming what only the owner knows."""
    d.open_step("appl.submit")
    d.press("2|sd|appl.submit")
    for cid in ("no_penalty", "no_blacklist", "ia", "mr"):
        if any(b.data == f"2|pre.ok|{cid}" for b in d.buttons):
            d.press(f"2|pre.ok|{cid}")
    d.press("2|sd|appl.submit")


def external_audit(d: Driver, step_id: str, key: str, on: date, findings: str = "") -> None:
    """Book the audit, live until the day after it, answer "how did it go?"."""
    d.open_step(step_id)
    record(d, key, on)
    advance_to(d, on + timedelta(days=1))
    said = next_reply(d)
    assert "How did" in said or "结果如何" in said, said  # asked, not told it is overdue
    assert "overdue" not in said.lower() and "逾期" not in said
    if not findings:
        d.press(f"2|tl.passed|{key}")
        return
    d.press(f"2|tl.findings|{key}")
    d.text(findings)
    d.press("2|nc.grade|minor")


def certificate(d: Driver, number: str, issued: date) -> None:
    d.press("2|cert.add")
    if any(b.data.startswith("2|yes|") for b in d.buttons):  # replacing the one recorded
        d.press("2|yes|")
    d.text(number)
    d.text(issued.isoformat())
    d.press("2|cert.expires|")


def one_next(d: Driver) -> str:
    """What's next, checked to be exactly one thing."""
    said = next_reply(d)
    marker = "👉 下一步" if d.conv.user.lang == "zh" else "👉 Next"
    risk = "⚠️ 证书风险" if d.conv.user.lang == "zh" else "⚠️ Risk to your certificate"
    assert said.count(marker) + said.count(risk) == 1, said
    compute_next(ctx_of(d))  # never raises, never empty
    return said


def plan_every_gap(d: Driver) -> None:
    """Onboarded, the quick assessment answered "no" throughout, the plan made for the earliest
    date: every gap of the quick set is a plan action."""
    d.onboard("Acme")
    d.press("2|as.start")
    d.answer_all("n", full=False)
    next_reply(d)
    d.press("2|pl.make")
    d.press("2|pl.target|")
