"""Dates typed as people type them, resolved by direction and span edge (issue #8).

Each row: text, direction, expected. Expected is "YYYY-MM-DD" (a date the user gave in full),
"YYYY-MM-DD~" (a date echoed back because the user gave less), or a problem kind.
"""

from __future__ import annotations

from datetime import date

import pytest

from flows.natural import DateProblem, ParsedDate, format_date, parse_date
from flows.reading import find_date

TODAY = date(2026, 12, 2)  # a Wednesday
NEAR_YEAR_END = date(2027, 11, 28)  # a Sunday

ZH = [
    ("2027年6月底", "future", "2027-06-30~"), ("明年3月", "future", "2027-03-31~"),
    ("下个月15号", "future", "2027-01-15~"), ("12月20日", "future", "2026-12-20~"),
    ("12月20日", "past", "2025-12-20~"), ("3月底", "future", "2027-03-31~"),
    ("3月底", "past", "2026-03-31~"), ("2027-03-15", "future", "2027-03-15"),
    ("2027/3/15", "future", "2027-03-15"), ("20270315", "future", "2027-03-15"),
    ("2027年3月15日", "future", "2027-03-15"), ("2027年3月15号", "any", "2027-03-15"),
    ("下周二", "future", "2026-12-08~"), ("明天", "future", "2026-12-03~"),
    ("后天", "any", "2026-12-04~"), ("今年年底", "future", "2026-12-31~"),
    ("上个月", "past", "2026-11-01~"), ("上个月", "future", "wrong_direction"),
    ("去年9月", "past", "2025-09-01~"), ("去年9月", "future", "wrong_direction"),
    ("2027年3月", "future", "2027-03-31~"), ("2027年3月", "future", "2027-03-31~"),
    ("明年6月底", "future", "2027-06-30~"), ("大概明年6月底吧", "future", "2027-06-30~"),
    ("三个月后", "future", "2027-03-02~"), ("3个月后", "future", "2027-03-02~"),
    ("两周后", "future", "2026-12-16~"), ("10天后", "future", "2026-12-12~"),
    ("半年后", "future", "2027-06-02~"), ("三天前", "past", "2026-11-29~"),
    ("下个月", "future", "2027-01-31~"), ("下个月", "future", "2027-01-31~"),
    ("本月底", "future", "2026-12-31~"), ("月底", "future", "2026-12-31~"),
    ("周一", "future", "2026-12-07~"), ("周一", "past", "2026-11-30~"),
    ("上周五", "past", "2026-11-27~"), ("6月30号之前", "future", "2027-06-30~"),
    ("2025年3月起", "past", "2025-03-01~"), ("2025年9月1日", "past", "2025-09-01"),
    ("2025年9月1日", "future", "wrong_direction"), ("十二月二十日", "future", "2026-12-20~"),
    ("明年六月三十号", "future", "2027-06-30~"), ("三月", "future", "2027-03-31~"),
    ("3月初", "future", "2027-03-01~"), ("15号", "future", "2026-12-15~"),
    ("2月30日", "future", "impossible"), ("2027年2月30日", "future", "impossible"),
    ("13月1日", "any", "impossible"), ("有", "future", "not_a_date"),
    ("不知道", "future", "not_a_date"), ("大概120人吧", "future", "not_a_date"),
    ("2月29日", "future", "2028-02-29~"), ("3月前", "future", "2027-03-31~"),
    ("半个月后", "future", "2026-12-17~"), ("两个星期后", "future", "2026-12-16~"),
    # a time of day names no day; "快一点" is "a bit faster", not one o'clock today
    ("能不能快一点", "future", "not_a_date"), ("下午三点", "future", "not_a_date"),
    ("明天下午三点", "future", "2026-12-03~"), ("12月10日下午2点", "future", "2026-12-10~"),
    # the middle of a month is its 15th; seasons are meteorological; 年中 is June 30
    ("4月中旬", "future", "2027-04-15~"), ("明年夏天", "future", "2027-08-31~"),
    ("明年年中", "future", "2027-06-30~"),
]  # fmt: skip

EN = [
    ("by next summer", "future", "2027-08-31~"), ("Q2 next year", "future", "2027-06-30~"),
    ("the first half of 2027", "future", "2027-06-30~"),
    ("end of June next year", "future", "2027-06-30~"), ("15 March 2027", "future", "2027-03-15"),
    ("March 15, 2027", "future", "2027-03-15"), ("31/12/2026", "future", "2026-12-31"),
    ("12/31/2026", "future", "2026-12-31"), ("next Friday", "future", "2026-12-04~"),
    ("in 3 months", "future", "2027-03-02~"), ("in two weeks", "future", "2026-12-16~"),
    ("in three months", "future", "2027-03-02~"), ("within a month", "future", "2027-01-02~"),
    ("2 weeks from now", "future", "2026-12-16~"), ("3 days ago", "past", "2026-11-29~"),
    ("a year from now", "future", "2027-12-02~"), ("tomorrow", "future", "2026-12-03~"),
    ("yesterday", "past", "2026-12-01~"), ("today", "any", "2026-12-02~"),
    ("next month", "future", "2027-01-31~"), ("last month", "past", "2026-11-01~"),
    ("last month", "future", "wrong_direction"), ("end of next month", "future", "2027-01-31~"),
    ("end of the year", "future", "2026-12-31~"), ("this year", "past", "2026-01-01~"),
    ("June 2027", "future", "2027-06-30~"), ("June 2027", "past", "wrong_direction"),
    ("Q2 2027", "future", "2027-06-30~"), ("mid 2027", "future", "2027-06-30~"),
    ("early March", "future", "2027-03-01~"), ("end of March", "past", "2026-03-31~"),
    ("March 15", "future", "2027-03-15~"), ("March 15", "past", "2026-03-15~"),
    ("Dec 20", "future", "2026-12-20~"), ("20 December", "past", "2025-12-20~"),
    ("last September", "past", "2025-09-01~"), ("last September", "future", "wrong_direction"),
    ("September last year", "past", "2025-09-01~"), ("next March", "any", "2027-03-31~"),
    ("Friday", "future", "2026-12-04~"), ("Friday", "past", "2026-11-27~"),
    ("the 15th", "future", "2026-12-15~"), ("by 30 June 2027", "future", "2027-06-30"),
    ("2027-06-30", "future", "2027-06-30"), ("15/3/2027", "future", "2027-03-15"),
    ("3/4/2027", "future", "ambiguous"), ("1/2/2027", "any", "ambiguous"),
    ("12/20", "future", "2026-12-20~"), ("February 30", "future", "impossible"),
    ("31 April 2027", "future", "impossible"), ("2027-13-01", "future", "impossible"),
    ("hello", "future", "not_a_date"), ("yes", "future", "not_a_date"),
    ("a", "future", "not_a_date"), ("120", "future", "not_a_date"),
    ("15 March 3027", "future", "out_of_range"),
]  # fmt: skip

# Near a year end (2027-11-28): year-less dates roll into the next year for the future.
NEAR_END = [
    ("3月底", "future", "2028-03-31~"), ("3月底", "past", "2027-03-31~"),
    ("12月20日", "future", "2027-12-20~"), ("12月20日", "past", "2026-12-20~"),
    ("1月5日", "future", "2028-01-05~"), ("1月5日", "any", "2028-01-05~"),
    ("下个月", "future", "2027-12-31~"), ("明年3月", "future", "2028-03-31~"),
    ("今年年底", "future", "2027-12-31~"), ("明天", "future", "2027-11-29~"),
    ("in 3 months", "future", "2028-02-28~"), ("January 10", "future", "2028-01-10~"),
    ("the 15th", "future", "2027-12-15~"), ("next Friday", "future", "2027-12-03~"),
    ("end of next month", "future", "2027-12-31~"), ("2027-03-15", "future", "wrong_direction"),
]  # fmt: skip


def _check(text: str, today: date, direction: str, expected: str) -> None:
    got = parse_date(text, today, direction)  # type: ignore[arg-type]
    if expected[0].isdigit():
        assert isinstance(got, ParsedDate), got
        assert got.value.isoformat() == expected.rstrip("~")
        assert got.complete is not expected.endswith("~")
        assert direction == "any" or (got.value >= today) == (direction == "future")
    else:
        assert isinstance(got, DateProblem) and got.kind == expected, got


@pytest.mark.parametrize(("text", "direction", "expected"), ZH)
def test_chinese_dates(text: str, direction: str, expected: str) -> None:
    _check(text, TODAY, direction, expected)


@pytest.mark.parametrize(("text", "direction", "expected"), EN)
def test_english_dates(text: str, direction: str, expected: str) -> None:
    _check(text, TODAY, direction, expected)


@pytest.mark.parametrize(("text", "direction", "expected"), NEAR_END)
def test_dates_near_a_year_end(text: str, direction: str, expected: str) -> None:
    _check(text, NEAR_YEAR_END, direction, expected)


def test_tables_are_large_enough() -> None:
    assert len(ZH) >= 40 and len(EN) >= 40


def test_span_edge_is_a_parameter() -> None:
    deadline = parse_date("2027年3月", TODAY, "future")
    since = parse_date("2027年3月", TODAY, "any", edge="start")
    assert isinstance(deadline, ParsedDate) and isinstance(since, ParsedDate)
    assert (deadline.value, since.value) == (date(2027, 3, 31), date(2027, 3, 1))
    assert deadline.span == (date(2027, 3, 1), date(2027, 3, 31))
    # "since when" questions default to the start of the span.
    running_since = parse_date("去年9月", TODAY, "past")
    assert isinstance(running_since, ParsedDate) and running_since.value == date(2025, 9, 1)


def test_problems_carry_what_was_understood() -> None:
    late = parse_date("2025年3月1日", TODAY, "future")
    assert late == DateProblem("wrong_direction", (date(2025, 3, 1),))
    both = parse_date("3/4/2027", TODAY, "future")
    assert both == DateProblem("ambiguous", (date(2027, 4, 3), date(2027, 3, 4)))
    # Only one reading is a date (no 25th month): it is taken without asking.
    only = parse_date("25/11/2026", TODAY, "past")
    assert isinstance(only, ParsedDate) and only.value == date(2026, 11, 25)
    # Only one reading honours the direction: 2026-12-03 is future, 2026-03-12 past.
    one = parse_date("3/12/2026", TODAY, "future")
    assert isinstance(one, ParsedDate) and one.value == date(2026, 12, 3)


def test_format_date_echoes_the_weekday_in_both_languages() -> None:
    assert format_date(date(2027, 6, 30), "zh") == "2027-06-30（周三）"
    assert format_date(date(2027, 6, 30), "en") == "Wed 30 Jun 2027"
    assert format_date(date(2026, 12, 6), "zh") == "2026-12-06（周日）"


@pytest.mark.parametrize("text", ["June 8-9", "on June 8–9", "June 8 to 9", "8-9 June"])
def test_two_days_of_one_month_are_a_span_not_the_whole_month(text: str) -> None:
    found = parse_date(text, TODAY, "future", edge="start")
    assert isinstance(found, ParsedDate), found
    assert found.value == date(2027, 6, 8)  # not 1 June, the month's start
    assert found.span == (date(2027, 6, 8), date(2027, 6, 9))


@pytest.mark.parametrize(
    "text", ["过完年", "年后", "春节后", "等过完年吧", "after Chinese New Year"]
)
def test_after_the_spring_festival_is_back_at_work(text: str) -> None:
    """Not the festival's own day (jionlp read "春节后" as 2027-02-06): the first working day
    after its holiday, from the maintained calendar."""
    from flows.workdays import after_spring_festival, is_working_day

    got = parse_date(text, TODAY, "future")
    assert isinstance(got, ParsedDate)
    assert got.value == after_spring_festival(TODAY)
    assert got.value > date(2027, 2, 6) and is_working_day(got.value)


@pytest.mark.parametrize(("text", "expected"), [("一年后", "2027-12-02"), ("3年后", "2029-12-02")])
def test_years_from_now_are_not_the_spring_festival(text: str, expected: str) -> None:
    got = parse_date(text, TODAY, "future")
    assert isinstance(got, ParsedDate) and got.value.isoformat() == expected


def test_a_sentence_with_after_new_year_is_no_lone_date() -> None:
    """The whole text is no date: what it is about decides (an action put off)."""
    got = parse_date("合同审批那个过完年再弄吧", TODAY, "future")
    assert isinstance(got, DateProblem)


@pytest.mark.parametrize("text", ["要求30天内整改", "fix within 30 days", "30天内整改完"])
def test_a_length_of_time_in_a_sentence_is_no_date(text: str) -> None:
    """jionlp read "30天内整改" as the span from today: an audit told over with it was
    recorded as held today."""
    assert isinstance(parse_date(text, TODAY, "any"), DateProblem)


@pytest.mark.parametrize(("text", "days"), [("30天内", 30), ("within 30 days", 30)])
def test_a_length_of_time_alone_is_still_a_date_from_today(text: str, days: int) -> None:
    got = parse_date(text, TODAY, "future")
    assert isinstance(got, ParsedDate) and (got.value - TODAY).days == days


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("last November", date(2026, 12, 5), "2025-11-01"),
        ("we got certified last November", date(2026, 12, 5), "2025-11-01"),
        ("去年11月", date(2026, 12, 5), "2025-11-01"),
        ("last November", date(2027, 3, 10), "2026-11-01"),
        ("last month", date(2026, 12, 5), "2026-11-01"),
    ],
)
def test_last_with_a_month_is_last_years(text: str, today: date, expected: str) -> None:
    """ "last November" said in December was November of the same year (the month just
    gone, which is "last month"); as "去年11月" it is last year's."""
    got = find_date(text, today, "past")
    assert got is not None and got.isoformat() == expected


@pytest.mark.parametrize("said", ["春节前", "过年前", "年前", "before Chinese New Year"])
def test_before_the_spring_festival_is_the_coming_one(said: str) -> None:
    """Said in December, "春节前" was the festival ten months ago ("that date has passed")."""
    found = parse_date(said, date(2026, 12, 5), "future")
    assert not isinstance(found, DateProblem), found
    assert date(2027, 1, 25) <= found.value < date(2027, 2, 6), found  # 2027's is on 6 February
    assert found.value.weekday() < 5
