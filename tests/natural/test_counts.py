"""Counts with words around them, Chinese numerals, ranges and approximations (issue #8)."""

from __future__ import annotations

import pytest

from flows.natural import Count, parse_count

ZH = [
    ("大概120人吧", Count(120, True)), ("一百二十人左右", Count(120, True)),
    ("50来个", Count(50, True)), ("两百", Count(200)), ("三十多人", Count(30, True)),
    ("120", Count(120)), ("120人", Count(120)), ("１２０", Count(120)), ("约80", Count(80, True)),
    ("大约三百人", Count(300, True)), ("差不多60个", Count(60, True)),
    ("将近两千人", Count(2000, True)),
    ("一千二百人", Count(1200)), ("一万二", Count(12000)), ("1.2万", Count(12000)),
    ("三千", Count(3000)), ("3 千人", Count(3000)), ("百来人", Count(100, True)),
    ("十几个", Count(10, True)), ("五百多人", Count(500, True)), ("二三十人", Count(30, True, 20)),
    ("一两百人", Count(200, True, 100)), ("120到150人", Count(150, True, 120)),
    ("120-150", Count(150, True, 120)), ("100至200人", Count(200, True, 100)),
    ("我们公司大概有两百来号人", Count(200, True)), ("员工45名", Count(45)),
    ("八十个左右", Count(80, True)), ("两个", Count(2)), ("一个", Count(1)), ("3个厂区", Count(3)),
    ("三个", Count(3)), ("零", Count(0)), ("1,200人", Count(1200)), ("一百零五人", Count(105)),
    ("九十九", Count(99)), ("六十人上下", Count(60, True)), ("200余人", Count(200, True)),
    ("三百出头", Count(300, True)), ("估计有四十个", Count(40, True)),
]  # fmt: skip

EN = [
    ("about 60", Count(60, True)), ("around 200 people", Count(200, True)),
    ("1,200", Count(1200)), ("1.2k", Count(1200)), ("1.2k?", Count(1200)), ("3k", Count(3000)),
    ("2.5k people", Count(2500)), ("120-150", Count(150, True, 120)),
    ("between 120 and 150", Count(150, True, 120)), ("120 to 150 staff", Count(150, True, 120)),
    ("sixty", Count(60)), ("about sixty people", Count(60, True)), ("two hundred", Count(200)),
    ("twelve hundred", Count(1200)), ("one", Count(1)), ("two sites", Count(2)),
    ("a dozen", Count(12)), ("120", Count(120)), ("we have 35", Count(35)),
    ("35 staff", Count(35)), ("roughly 45 employees", Count(45, True)),
    ("80 or so", Count(80, True)), ("nearly 500", Count(500, True)), ("500+", Count(500, True)),
    ("approximately 75", Count(75, True)), ("~40", Count(40, True)), ("≈ 90", Count(90, True)),
    ("forty-ish", Count(40, True)), ("40ish", Count(40, True)), ("English", None),
    ("about 1,500 people", Count(1500, True)), ("three", Count(3)), ("4 sites", Count(4)),
    ("just one", Count(1)), ("over 300", Count(300, True)), ("almost 100", Count(100, True)),
    ("some 250 people", Count(250, True)), ("circa 70", Count(70, True)),
    ("two thousand", Count(2000)), ("fifty five", Count(55)), ("ninety-nine", Count(99)),
    ("ＡＢＯＵＴ　６０", Count(60, True)), ("10", Count(10)),
]  # fmt: skip

REFUSED = [
    "几十个", "很多", "2个厂区120人", "第二个", "50%", "-5", "1.5", "1万2千", "hello", "",
    "有", "lots", "several", "百分之五十", "x" * 500, "12 or 15 or 20",
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ZH)
def test_chinese_counts(text: str, expected: Count) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(("text", "expected"), EN)
def test_english_counts(text: str, expected: Count) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_vague_or_several_numbers_are_refused(text: str) -> None:
    assert parse_count(text) is None


def test_tables_are_large_enough() -> None:
    assert len(ZH) >= 40 and len(EN) >= 40


def test_a_range_reports_its_upper_bound_and_says_so() -> None:
    got = parse_count("120-150")
    assert got is not None and (got.value, got.low, got.approximate) == (150, 120, True)


@pytest.mark.parametrize(
    "said", ["正在搞，文件写了一半", "一直在做", "做精密零件加工的", "稍等一下"]
)
def test_words_with_one_in_them_count_nothing(said: str) -> None:
    assert parse_count(said) is None


def test_a_total_still_counts() -> None:
    count = parse_count("一共120人")
    assert count is not None and count.value == 120
