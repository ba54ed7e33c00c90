from __future__ import annotations

import pytest

from knowledge.text import detect_lang, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＧＢ／Ｔ　２９４９０－２０２３？", "gb t 29490 2023"),  # full-width -> half-width
        ("内审怎么做？！", "内审怎么做"),  # Chinese punctuation dropped
        ("《知识产权手册》，要写哪些内容。", "知识产权手册 要写哪些内容"),
        ("  What's   the COST?? ", "whats the cost"),
        ("IPMS贯标,要多久?", "ipms贯标 要多久"),  # mixed zh/en
        ("年审\n（监督审核）…", "年审 监督审核"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("贯标要多久?", "zh"),
        ("How long does certification take?", "en"),
        ("IPMS 贯标要多久", "zh"),
        ("What does 贯标 mean?", "en"),
        ("2023", "en"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang
