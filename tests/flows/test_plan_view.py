"""How /plan reads: by month, each month headed once, in date order."""

from __future__ import annotations

import re

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import assess_and_plan


@pytest.mark.parametrize(
    ("lang", "head"), [("en", r"▸ (\w+ \d{4})"), ("zh", r"【(\d{4}年\d+月)】")]
)
def test_the_plan_is_headed_by_month_each_month_once_in_date_order(
    kb: Knowledge, lang: str, head: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)  # actions and milestones interleave in date order
    d.cmd("plan", "all")
    months = re.findall(head, d.said())
    assert len(months) >= 3 and len(months) == len(set(months)), d.said()
    dates = re.findall(r"\d+\. (\d{4}-\d{2}-\d{2})", d.said())
    assert dates == sorted(dates) and len(dates) >= 8, d.said()
    first = re.search(head, d.said())
    assert first is not None
    y, m = dates[0][:4], int(dates[0][5:7])
    assert y in first.group(1) and (str(m) in first.group(1) or lang == "en"), d.said()
