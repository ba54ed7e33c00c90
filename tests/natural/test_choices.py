"""Picking an option by label, part of it, synonym, position or count (issue #8)."""

from __future__ import annotations

import pytest

from flows.natural import Ambiguous, Option, OutOfRange, match_choice, options_from

INDUSTRY = options_from(
    [
        ("manufacturing", "制造业", "Manufacturing"),
        ("electronics", "电子/通信", "Electronics / telecom"),
        ("software", "软件/互联网", "Software / internet"),
        ("biomed", "医药/生物", "Pharma / biotech"),
        ("chemicals", "化工/材料", "Chemicals / materials"),
        ("services", "服务业", "Services"),
        ("other", "其他", "Other"),
    ],
    group="industry",
)
HEADCOUNT = options_from(
    [("10", "≤10 人", "≤10"), ("50", "11–50 人", "11–50"), ("200", "51–200 人", "51–200"),
     ("500", "201–500 人", "201–500"), ("1000", "500 人以上", "500+")],
    counts=[(0, 10), (11, 50), (51, 200), (201, 500), (501, None)],
)  # fmt: skip
SITES = options_from(
    [("1", "1", "1"), ("2", "2", "2"), ("3", "3", "3"), ("4", "4+", "4+")],
    counts=[(1, 1), (2, 2), (3, 3), (4, None)],
)

ZH = [
    ("制造业", INDUSTRY, "manufacturing"), ("制造", INDUSTRY, "manufacturing"),
    ("工厂", INDUSTRY, "manufacturing"), ("生产", INDUSTRY, "manufacturing"),
    ("汽车零部件", INDUSTRY, "manufacturing"), ("我们是制造业吧", INDUSTRY, "manufacturing"),
    ("电子", INDUSTRY, "electronics"), ("通信", INDUSTRY, "electronics"),
    ("芯片", INDUSTRY, "electronics"), ("半导体", INDUSTRY, "electronics"),
    ("软件", INDUSTRY, "software"), ("互联网", INDUSTRY, "software"),
    ("我们是做软件的", INDUSTRY, "software"), ("软件/互联网", INDUSTRY, "software"),
    ("医药", INDUSTRY, "biomed"), ("生物医药", INDUSTRY, "biomed"),
    ("医疗器械", INDUSTRY, "biomed"),
    ("化工", INDUSTRY, "chemicals"), ("新材料", INDUSTRY, "chemicals"),
    ("服务", INDUSTRY, "services"), ("咨询", INDUSTRY, "services"), ("其他", INDUSTRY, "other"),
    ("其它", INDUSTRY, "other"), ("第二个", INDUSTRY, "electronics"),
    ("第2个", INDUSTRY, "electronics"),
    ("２", INDUSTRY, "electronics"), ("选3", INDUSTRY, "software"), ("第七项", INDUSTRY, "other"),
    ("最后一个", INDUSTRY, "other"), ("第一个", INDUSTRY, "manufacturing"),
    ("大概120人吧", HEADCOUNT, "200"), ("一百二十人左右", HEADCOUNT, "200"),
    ("五百多人", HEADCOUNT, "500"), ("八个人", HEADCOUNT, "10"), ("两千人", HEADCOUNT, "1000"),
    ("两个", SITES, "2"), ("一个", SITES, "1"), ("3个厂区", SITES, "3"), ("五个", SITES, "4"),
    ("第8个", INDUSTRY, OutOfRange(8, 7)),
    ("电子软件", INDUSTRY, Ambiguous(("electronics", "software"))),
    ("你好", INDUSTRY, None), ("第0个", INDUSTRY, OutOfRange(0, 7)),
]  # fmt: skip

EN = [
    ("Manufacturing", INDUSTRY, "manufacturing"), ("manufacturing", INDUSTRY, "manufacturing"),
    ("MANUFACTURING", INDUSTRY, "manufacturing"),
    ("ｍａｎｕｆａｃｔｕｒｉｎｇ", INDUSTRY, "manufacturing"),
    ("manuf", INDUSTRY, "manufacturing"), ("factory", INDUSTRY, "manufacturing"),
    ("manufactoring", INDUSTRY, "manufacturing"), ("we are a factory", INDUSTRY, "manufacturing"),
    ("electronics", INDUSTRY, "electronics"), ("telecom", INDUSTRY, "electronics"),
    ("semiconductors", INDUSTRY, "electronics"), ("software", INDUSTRY, "software"),
    ("Software / internet", INDUSTRY, "software"), ("internet", INDUSTRY, "software"),
    ("SaaS", INDUSTRY, "software"), ("soft", INDUSTRY, "software"), ("pharma", INDUSTRY, "biomed"),
    ("biotech", INDUSTRY, "biomed"), ("medical devices", INDUSTRY, "biomed"),
    ("chemicals", INDUSTRY, "chemicals"), ("materials", INDUSTRY, "chemicals"),
    ("services", INDUSTRY, "services"), ("consulting", INDUSTRY, "services"),
    ("other", INDUSTRY, "other"), ("none of these", INDUSTRY, "other"),
    ("2", INDUSTRY, "electronics"), ("the second one", INDUSTRY, "electronics"),
    ("second", INDUSTRY, "electronics"), ("option 3", INDUSTRY, "software"),
    ("#4", INDUSTRY, "biomed"), ("the last one", INDUSTRY, "other"),
    ("first", INDUSTRY, "manufacturing"),
    ("7", INDUSTRY, "other"), ("8", INDUSTRY, OutOfRange(8, 7)), ("0", INDUSTRY, OutOfRange(0, 7)),
    ("about 60", HEADCOUNT, "200"), ("120", HEADCOUNT, "200"), ("2", HEADCOUNT, "50"),
    ("1000", HEADCOUNT, "1000"), ("around 300 people", HEADCOUNT, "500"), ("4+", SITES, "4"),
    ("two sites", SITES, "2"), ("5", SITES, "4"), ("hello", INDUSTRY, None),
    ("electronics and software", INDUSTRY, Ambiguous(("electronics", "software"))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "options", "expected"), ZH)
def test_chinese_choices(text: str, options: tuple[Option, ...], expected: object) -> None:
    assert match_choice(text, options) == expected


@pytest.mark.parametrize(("text", "options", "expected"), EN)
def test_english_choices(text: str, options: tuple[Option, ...], expected: object) -> None:
    assert match_choice(text, options) == expected


def test_tables_are_large_enough() -> None:
    assert len(ZH) >= 40 and len(EN) >= 40


def test_a_number_outside_the_list_is_out_of_range_never_text() -> None:
    plain = options_from([("a", "甲", "A"), ("b", "乙", "B"), ("c", "丙", "C")])
    assert match_choice("7", plain) == OutOfRange(7, 3)
    assert match_choice("第7个", plain) == OutOfRange(7, 3)
    assert match_choice("the 7th", plain) == OutOfRange(7, 3)


def test_synonyms_come_from_the_lexicon() -> None:
    bare = options_from([("manufacturing", "制造业", "Manufacturing"), ("other", "其他", "Other")])
    assert match_choice("工厂", bare) is None  # no group: no synonyms
    assert match_choice("工厂", INDUSTRY) == "manufacturing"
