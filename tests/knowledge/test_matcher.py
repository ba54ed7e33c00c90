"""Matcher behaviour on the real FAQ data (and the tiny fixture for synonym plumbing)."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge
from knowledge.matcher import MAX_SUGGESTIONS, T_ANSWER, T_SUGGEST, detect_lang


def _top(kb: Knowledge, text: str) -> str:
    ranked = kb.matcher.match(text).ranked
    assert ranked, f"no candidate for {text!r}"
    return ranked[0][0].id


@pytest.mark.parametrize(
    ("questions", "entry_id"),
    [
        (  # 内审 / 内部审核 / internal audit / IA are one concept
            [
                "内审多久做一次",
                "内部审核多久做一次",
                "how often must we do an internal audit",
                "IA how often",
            ],
            "faq.internal-audit-frequency",
        ),
        (  # 年审 / 监督审核 / annual audit / surveillance audit
            ["第一次年审什么时候", "首次监督审核什么时候", "when is the first annual audit"],
            "faq.surveillance-first-when",
        ),
        (  # 换证 / 再认证 / certificate renewal / recertification
            [
                "换证什么时候申请",
                "再认证什么时候申请",
                "when should we apply for certificate renewal",
            ],
            "faq.recertification-when-apply",
        ),
    ],
)
def test_synonyms_reach_the_same_entry(kb: Knowledge, questions: list[str], entry_id: str) -> None:
    assert [_top(kb, q) for q in questions] == [entry_id] * len(questions)


def test_typos_are_tolerated(kb: Knowledge) -> None:
    assert _top(kb, "how often must we do an intrenal audti") == "faq.internal-audit-frequency"
    assert _top(kb, "when is the first survelliance audit") == "faq.surveillance-first-when"


def test_full_width_and_punctuation_do_not_matter(kb: Knowledge) -> None:
    plain = kb.matcher.match("内审员要有证书吗")
    noisy = kb.matcher.match("  内审员要有证书吗？？！  ")
    assert noisy.entry == plain.entry and noisy.score == plain.score
    assert _top(kb, "ＩＰＭＳ认证要多久？") == _top(kb, "IPMS认证要多久")


def test_mixed_chinese_english_question(kb: Knowledge) -> None:
    assert _top(kb, "how long does 贯标 take") == "faq.overall-duration"
    assert _top(kb, "IPMS 贯标一般要多长时间") == "faq.overall-duration"


def test_clear_question_is_answered(kb: Knowledge) -> None:
    for text in ("什么是贯标", "what is guanbiao"):
        match = kb.matcher.match(text)
        assert match.status == "answered"
        assert match.entry is not None and match.entry.id == "faq.what-is-guanbiao"
        assert match.score >= T_ANSWER
        assert match.suggestions == []


def test_ambiguous_short_question_gets_distinct_suggestions(kb: Knowledge) -> None:
    match = kb.matcher.match("内审")
    assert match.status == "suggest"
    assert match.entry is None
    ids = [e.id for e in match.suggestions]
    assert 2 <= len(ids) <= MAX_SUGGESTIONS and len(set(ids)) == len(ids)
    assert all("internal-audit" in i or "internal-auditor" in i for i in ids)


@pytest.mark.parametrize(
    "text",
    ["明天天气怎么样", "how do I renew my passport", "ISO 9001证书到期怎么再认证", "给我讲个笑话"],
)
def test_out_of_scope_is_unknown(kb: Knowledge, text: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "unknown"
    assert match.entry is None and match.suggestions == []


def test_other_scheme_with_ip_anchor_is_still_in_scope(kb: Knowledge) -> None:
    match = kb.matcher.match("can the IP management system be audited together with ISO 9001")
    assert match.status != "unknown"
    assert match.ranked[0][0].id == "faq.integrate-other-systems"


def test_intents_are_not_faq(kb: Knowledge) -> None:
    for text in ("你好", "下一步", "what's next", "谢谢", "my progress"):
        assert kb.matcher.match(text).status == "unknown"


def test_thresholds_are_ordered() -> None:
    assert 0 < T_SUGGEST <= T_ANSWER <= 100


def test_detect_lang_is_exported() -> None:
    assert detect_lang("贯标要多久") == "zh"
    assert detect_lang("how long") == "en"


def test_fixture_glossary_variants(mini_kb: Knowledge) -> None:
    matcher = mini_kb.matcher
    assert matcher.prepare("内审") == matcher.prepare("内部审核")
    assert matcher.prepare("annual audit") == matcher.prepare("监督审核")
    assert _top(mini_kb, "internal auditing steps") == "faq.internal-audit-how"
