"""Time zones from IANA names, places, countries and offsets; bad names refused cleanly."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

import pytest

from flows.natural import TimezoneProblem, resolve_timezone

SH = "Asia/Shanghai"
ASIA = ("Asia/Aden", "Asia/Almaty", "Asia/Amman", "Asia/Anadyr", "Asia/Aqtau")
US = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")

ZH = [
    ("北京", SH), ("上海", SH), ("深圳", SH), ("广州", SH), ("杭州", SH), ("成都", SH),
    ("重庆", SH),
    ("苏州", SH), ("中国", SH), ("北京时间", SH), ("东八区", SH), ("大陆", SH),
    ("香港", "Asia/Hong_Kong"),
    ("澳门", "Asia/Macau"), ("台北", "Asia/Taipei"), ("台湾", "Asia/Taipei"),
    ("东京", "Asia/Tokyo"),
    ("日本", "Asia/Tokyo"), ("首尔", "Asia/Seoul"), ("新加坡", "Asia/Singapore"),
    ("柏林", "Europe/Berlin"), ("德国", "Europe/Berlin"), ("慕尼黑", "Europe/Berlin"),
    ("伦敦", "Europe/London"), ("英国", "Europe/London"), ("巴黎", "Europe/Paris"),
    ("纽约", "America/New_York"), ("洛杉矶", "America/Los_Angeles"),
    ("硅谷", "America/Los_Angeles"),
    ("悉尼", "Australia/Sydney"), ("迪拜", "Asia/Dubai"), ("印度", "Asia/Kolkata"),
    ("我们在深圳", SH), ("公司在苏州", SH), ("美国纽约", "America/New_York"),
    ("西五区", "Etc/GMT+5"),
    ("东九区", "Etc/GMT-9"), ("北京 时间", SH), ("柏林时间", "Europe/Berlin"),
    ("美国", TimezoneProblem("ambiguous", US)), ("火星", TimezoneProblem("unknown")),
    ("亚洲", TimezoneProblem("unknown")),
]  # fmt: skip

EN = [
    ("Beijing", SH), ("Shanghai", SH), ("shenzhen", SH), ("China", SH), ("Asia/Shanghai", SH),
    ("asia/shanghai", SH), ("ASIA/SHANGHAI", SH), ("Hong Kong", "Asia/Hong_Kong"),
    ("Asia/Hong_Kong", "Asia/Hong_Kong"), ("Berlin", "Europe/Berlin"), ("Germany", "Europe/Berlin"),
    ("Europe/Berlin", "Europe/Berlin"), ("London", "Europe/London"), ("Tokyo", "Asia/Tokyo"),
    ("Singapore", "Asia/Singapore"), ("New York", "America/New_York"),
    ("America/New York", "America/New_York"), ("los angeles", "America/Los_Angeles"),
    ("Lisbon", "Europe/Lisbon"), ("Nairobi", "Africa/Nairobi"), ("UTC", "UTC"), ("utc", "UTC"),
    ("GMT", "UTC"), ("UTC+8", "Etc/GMT-8"), ("GMT+8", "Etc/GMT-8"), ("utc-5", "Etc/GMT+5"),
    ("+08:00", "Etc/GMT-8"), ("UTC+0", "UTC"), ("UTC+5:30", "Asia/Kolkata"),
    ("+05:45", "Asia/Kathmandu"), ("Berlin time", "Europe/Berlin"),
    ("we are based in Berlin", "Europe/Berlin"), ("Etc/GMT-8", "Etc/GMT-8"),
    ("ＵＴＣ＋８", "Etc/GMT-8"), ("USA", TimezoneProblem("ambiguous", US)),
    ("Asia", TimezoneProblem("region", ASIA)),
    ("GMT+15", TimezoneProblem("unknown")), ("Mars", TimezoneProblem("unknown")),
    ("", TimezoneProblem("empty")), ("   ", TimezoneProblem("empty")),
    ("../../etc/passwd", TimezoneProblem("unknown")), ("/", TimezoneProblem("unknown")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ZH)
def test_chinese_places(text: str, expected: object) -> None:
    assert resolve_timezone(text) == expected


@pytest.mark.parametrize(("text", "expected"), EN)
def test_english_places_and_names(text: str, expected: object) -> None:
    assert resolve_timezone(text) == expected


def test_tables_are_large_enough() -> None:
    assert len(ZH) >= 40 and len(EN) >= 40


@pytest.mark.parametrize("region", ["Asia", "Europe", "America", "africa", "Pacific"])
def test_region_names_are_refused_without_touching_the_file_system(region: str) -> None:
    with pytest.raises(IsADirectoryError):  # what the old /timezone code let escape
        ZoneInfo(region.capitalize())
    got = resolve_timezone(region)
    assert isinstance(got, TimezoneProblem) and got.kind in ("region", "ambiguous")


def test_names_longer_than_255_characters_are_refused() -> None:
    assert resolve_timezone("Asia/" + "x" * 300) == TimezoneProblem("too_long")


def test_every_result_is_a_real_zone() -> None:
    zones = available_timezones()
    for text, _ in ZH + EN:
        got = resolve_timezone(text)
        if isinstance(got, str):
            assert got in zones and ZoneInfo(got) is not None, text
        else:
            assert all(z in zones for z in got.candidates), text
