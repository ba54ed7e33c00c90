"""Working days for due dates: Chinese public holidays, make-up days (调休), weekends."""

from __future__ import annotations

from datetime import date

import pytest

from flows.workdays import (
    Shift,
    add_working_days,
    holiday_name,
    is_announced,
    is_working_day,
    next_working_day,
    previous_working_day,
    shift_to_working_day,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 16), False),  # Spring Festival eve (holiday), Monday
        (date(2026, 2, 17), False),  # Spring Festival
        (date(2026, 2, 20), False),  # Friday, day off swapped from Saturday 02-14
        (date(2026, 2, 23), False),  # Monday, day off swapped from Saturday 02-28
        (date(2026, 2, 14), True),  # Saturday, make-up working day
        (date(2026, 2, 28), True),  # Saturday, make-up working day
        (date(2026, 1, 4), True),  # Sunday, make-up working day
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 12, 5), False),  # an ordinary Saturday
        (date(2026, 12, 6), False),  # an ordinary Sunday
        (date(2026, 12, 2), True),  # an ordinary Wednesday
        (date(2027, 1, 1), False),  # New Year's Day in a year not yet announced
    ],
)
def test_known_2026_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_previous_and_next_are_on_or_before_and_after() -> None:
    assert previous_working_day(date(2026, 12, 2)) == date(2026, 12, 2)
    assert next_working_day(date(2026, 12, 2)) == date(2026, 12, 2)
    assert previous_working_day(date(2026, 12, 6)) == date(2026, 12, 4)
    assert next_working_day(date(2026, 12, 5)) == date(2026, 12, 7)
    # Across the Spring Festival break: the make-up Saturday is the last working day before it.
    assert previous_working_day(date(2026, 2, 17)) == date(2026, 2, 14)
    assert next_working_day(date(2026, 2, 16)) == date(2026, 2, 24)
    assert next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)


def test_add_working_days_skips_holidays_and_counts_make_up_days() -> None:
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # the make-up Saturday
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)  # over the break
    assert add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 12, 7), 5) == date(2026, 12, 14)
    assert add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)


def test_a_deadline_on_a_sunday_moves_earlier_and_says_why() -> None:
    moved = shift_to_working_day(date(2028, 6, 25), "earlier")
    assert moved == Shift(date(2028, 6, 23), True, date(2028, 6, 25), "weekend")
    stays = shift_to_working_day(date(2026, 12, 2), "earlier")
    assert stays == Shift(date(2026, 12, 2), False, date(2026, 12, 2), None)
    festival = shift_to_working_day(date(2026, 2, 17), "earlier")
    assert festival == Shift(date(2026, 2, 14), True, date(2026, 2, 17), "holiday")
    assert shift_to_working_day(date(2026, 10, 1), "later").day == date(2026, 10, 8)


def test_holiday_names_in_both_languages() -> None:
    assert holiday_name(date(2026, 2, 17), "zh") == "春节"
    assert holiday_name(date(2026, 2, 17), "en") == "Chinese New Year (Spring Festival)"
    assert holiday_name(date(2026, 12, 2)) is None


def test_a_year_not_yet_announced_uses_statutory_holidays_without_make_up_days() -> None:
    # 2026 was announced; 2028 is not known to the library: holidays come from the rules.
    assert is_announced(2026) and not is_announced(2028)
    assert not is_working_day(date(2028, 1, 26))  # Spring Festival 2028 (lunar new year)
    assert not is_working_day(date(2028, 10, 2))  # National Day
    # No make-up working days are known for it: every weekend day is a day off.
    weekends = [date(2028, m, d) for m in (1, 2, 9, 10) for d in range(1, 29)
                if date(2028, m, d).weekday() >= 5]  # fmt: skip
    assert not any(is_working_day(d) for d in weekends)


def test_results_do_not_depend_on_the_machine_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    before = [is_working_day(date(2026, 2, d)) for d in range(1, 29)]
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert [is_working_day(date(2026, 2, d)) for d in range(1, 29)] == before
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
