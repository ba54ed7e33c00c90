"""A whole journey, in each language, pressing only buttons the user was shown."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
    today,
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_from_first_contact_to_maintenance(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    d.onboard("华夏精工" if lang == "zh" else "Cathay Precision")
    one_next(d)
    assess_and_plan(d, {"A03": "n", "C02": "p", "D03": "n"})
    assert d.conv.company.actions
    visited = []
    while d.conv.company.phase != "maint" and len(visited) < 40:
        step = d.conv.company.current_step
        assert step is not None
        one_next(d)
        _finish(d, step)
        visited.append(step)
    assert d.conv.company.certificate is not None
    assert {"appl.submit", "audit.stage2", "dec.certificate"} <= set(visited)
    said = one_next(d)
    assert ("年度内部审核" in said) if lang == "zh" else ("Yearly internal audit" in said)
    d.cmd("status")
    assert d.conv.company.certificate.expires.isoformat() in d.said()


def _finish(d: Driver, step: str) -> None:
    """Do the current step the way its kind asks for, the clock moving as it would."""
    kind = d.kb.steps[step].kind
    if step == "impl.operate":
        d.open_step(step)
        record(d, "operate", today(d))
        advance_to(d, today(d) + timedelta(days=80))
        complete_step(d, step)
    elif step in ("impl.internal_audit", "impl.management_review"):
        d.open_step(step)
        record(d, d.kb.steps[step].event_kind or "", today(d))
        advance_to(d, today(d) + timedelta(days=14))
    elif step == "appl.submit":
        apply(d)
    elif step in ("audit.stage1", "audit.stage2"):
        external_audit(d, step, step.split(".")[1], today(d) + timedelta(days=14))
    elif kind == "certificate":
        d.open_step(step)
        certificate(d, "165IP27000042", today(d))
    else:
        complete_step(d, step)
