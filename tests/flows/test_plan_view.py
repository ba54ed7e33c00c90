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


@pytest.mark.parametrize(("headcount", "departments"), [("6", False), ("120", True)])
def test_a_company_too_small_for_departments_gets_no_hr_or_sales_owners(
    kb: Knowledge, headcount: str, departments: bool
) -> None:
    d = Driver(kb, "en")
    d.cmd("start")
    d.text("Studio Six")
    d.text(headcount)
    d.press("Software")
    d.press("2|ob|sites|1")
    d.press("2|ob|stage|not_started")
    assess_and_plan(d, {"C03": "n", "E06": "n", "F01": "n"})  # HR's, Sales', the auditor's
    owners = {a.question_id: a.owner_role_en for a in d.conv.company.actions}
    assert owners["C03"] == ("HR" if departments else "IP manager"), owners
    assert owners["E06"] == ("Sales" if departments else "IP manager"), owners
    d.cmd("plan", "all")
    assert ("· HR" in d.said()) is departments, d.said()


_MANY_GAPS = {q: "n" for q in ("A01", "A02", "A03", "B01", "B02", "C01", "C02", "D01", "D02",
                               "D03", "E01", "E02")}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "asked"),
    [("zh", "/plan all"), ("en", "/plan all"), ("zh", "显示全部计划"),
     ("en", "what are the other 6"), ("zh", "!2|pl.all"), ("en", "!2|pl.all")],
)  # fmt: skip
def test_the_whole_plan_is_shown_when_asked(kb: Knowledge, lang: str, asked: str) -> None:
    """ "/plan all" listed ten items and said "send /plan all to see them all", round and round
    (the view dropped its argument)."""
    d = Driver(kb, lang)
    d.onboard("Acme")
    assess_and_plan(d, _MANY_GAPS)
    [first] = d.cmd("plan")
    assert "/plan all" in first.text and "11." not in first.text
    if asked.startswith("!"):
        d.press(asked[1:])
    elif asked.startswith("/"):
        d.cmd("plan", "all")
    else:
        d.text(asked)
    shown = d.said()
    assert "11." in shown and "/plan all" not in shown, shown


def _plan_numbers(d: Driver) -> list[str]:
    """The plan's items in the order /plan numbers them (its buttons carry their keys)."""
    [shown] = d.cmd("plan")
    return [b.data.rsplit("|", 1)[1] for row in shown.buttons for b in row if "pl.how" in b.data]


def _read_back(d: Driver) -> list[str]:
    told = [b.data for b in d.buttons if "|evt.told|" in b.data]
    assert told, d.said()
    return ["action:" + i for i in told[0].split("|")[-2].split("+")]


@pytest.mark.parametrize(
    ("lang", "said", "picked"),
    [("zh", "1到5项做完了", [1, 2, 3, 4, 5]), ("zh", "前面3项都弄好了", [1, 2, 3]),
     ("en", "items 1 to 4 are done", [1, 2, 3, 4]), ("en", "the first 3 are done", [1, 2, 3]),
     ("en", "1, 2 and 3 are done", [1, 2, 3]), ("zh", "1和2上周都做完了", [1, 2])],
)  # fmt: skip
def test_plan_numbers_told_done_as_a_range(
    kb: Knowledge, lang: str, said: str, picked: list[int]
) -> None:
    """ "1和2上周都做完了" read back all six overdue actions; "1到5项", "the first 3" were not
    understood; "1, 2 and 3" was dated 2 January."""
    d = Driver(kb, lang)
    d.onboard("Acme")
    assess_and_plan(d, _MANY_GAPS)
    d.advance(75)
    numbered = _plan_numbers(d)
    d.text(said)
    assert _read_back(d) == [numbered[n - 1] for n in picked], d.said()
    assert "01-02" not in d.said() and "2 Jan" not in d.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "前面5项都做完了，体系文件还没写"),
     ("en", "items 1 to 5 are done, the documents aren't written yet")],
)  # fmt: skip
def test_a_numbered_item_said_not_done_stays_open(kb: Knowledge, lang: str, said: str) -> None:
    """It used to read back every overdue action, the one said not written among them."""
    d = Driver(kb, lang)
    d.onboard("Acme")
    assess_and_plan(d, _MANY_GAPS)
    d.advance(75)
    numbered = _plan_numbers(d)
    assert "action:gap:A03" in numbered[:5]  # the system documents
    d.text(said)
    told = _read_back(d)
    assert "action:gap:A03" not in told and len(told) == 4, d.said()
    assert "stays open" in d.said() or "先不算完成" in d.said()


def test_all_done_but_one_said_not_written_leaves_that_one(zh: Driver) -> None:
    zh.onboard("Acme")
    assess_and_plan(zh, _MANY_GAPS)
    zh.advance(75)
    zh.cmd("next")
    zh.text("都做完了，体系文件还没写")
    scoped = [b.data for b in zh.buttons if "tl.alltold" in b.data]
    assert scoped and "x:action:gap:A03" in scoped[0], zh.said()
