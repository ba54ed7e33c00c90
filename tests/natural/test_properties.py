"""Property tests: every parser is total, and dates always honour the direction."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows.natural import (
    DateProblem,
    ParsedDate,
    match_choice,
    options_from,
    parse_answer,
    parse_count,
    parse_date,
    resolve_timezone,
)

OPTIONS = options_from([("a", "制造业", "Manufacturing"), ("b", "软件", "Software")], "industry")
# Any unicode, plus text built from the pieces the parsers look for, so the search reaches
# deep branches (numerals, date words, separators) and not only random noise.
PIECES = ["有", "没有", "年", "月", "日", "号", "底", "初", "下个", "上个", "周", "前", "后", "两",
          "十", "百", "3", "12", "2027", "/", "-", ".", "之前", "next", "last", "end of", "in",
          "months", "weeks", "March", "Friday", "the", "15th", "ago", "yes", "no", "?", "，", " ",
          "第", "个", "k", "万", "utc", "+", "8", "东", "区", "Asia/"]  # fmt: skip
TEXT = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_text_parsers_never_raise(text: str) -> None:
    parse_answer(text)
    count = parse_count(text)
    assert count is None or count.value >= 0
    match_choice(text, OPTIONS)
    zone = resolve_timezone(text)
    assert zone is not None


@FAST
@given(
    TEXT, DAYS, st.sampled_from(["future", "past", "any"]), st.sampled_from([None, "start", "end"])
)
@example("001年", date(2000, 1, 1), "future", None)  # jionlp wrote year 1 unpadded: it raised
def test_dates_never_raise_and_honour_the_direction(
    text: str, today: date, direction: str, edge: str | None
) -> None:
    got = parse_date(text, today, direction, edge)  # type: ignore[arg-type]
    assert isinstance(got, ParsedDate | DateProblem)
    if isinstance(got, ParsedDate):
        if direction == "future":
            assert got.value >= today
        elif direction == "past":
            assert got.value <= today
        if got.span is not None:
            assert got.span[0] <= got.value <= got.span[1]
    elif got.kind == "wrong_direction":
        (understood,) = got.candidates
        assert (understood < today) if direction == "future" else (understood > today)


def test_a_span_read_backwards_is_the_day_said() -> None:
    """Found by the property above on a fresh machine: "-上周-" on a Saturday."""
    got = parse_date("-上周-", date(2000, 1, 1), "past", None)
    assert isinstance(got, ParsedDate)
    assert got.span is None or got.span[0] <= got.value <= got.span[1]
