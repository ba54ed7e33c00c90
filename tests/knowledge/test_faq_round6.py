"""Round 6: Chinese look-alikes that name 贯标, our standard or an IP right and still are not
ours are declined (an IP transaction's duration or cost, another "贯标" scheme, another
national standard, a comparison with a standard we have no entry for); their covered
neighbours are still answered. Phrasings differ from dev_round6.yaml on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # an IP transaction asked for its duration or cost
        "商标过户一般要等多久",
        "外观专利转让费用大概多少",
        "把专利拿去银行质押 多久能批",
        "我们想买几件发明专利 一件多少钱",
        "注册商标续展一次费用多少",
        "what's the price of assigning a trademark in China",
        "how long does a patent licence recordal take",
        "how much does a patent valuation cost",
        # another scheme also called 贯标
        "两化融合贯标需要准备什么材料",
        "两化融合贯标一般要做几个月",
        "GJB 9001C贯标要多久",
        # another national standard, alone or compared with ours
        "GB/T 19001要多久能认证",
        # (round 10: GB/T 33250 and 33251 got an entry, faq.university-research-standards)
        "GB/T 19580和29490有什么区别",
        "ISO 56004和GB/T 29490有什么关系",
    ],
)
def test_round6_lookalike_is_declined(kb: Knowledge, text: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "unknown"
    assert match.entry is None
    assert match.suggestions == []


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("专利年费什么时候交", "faq.fee-deadlines"),
        ("商标续展期限", "faq.fee-deadlines"),
        ("when are patent annuities due", "faq.fee-deadlines"),
        ("专利转让前要做哪些尽职调查", "faq.licensing-transfer-due-diligence"),
        (
            "What do we need to check before we license in a patent?",
            "faq.licensing-transfer-due-diligence",
        ),
        ("能和ISO 9001一起做吗", "faq.integrate-other-systems"),
        # a comparison with ISO 9001 or 27001 is left to the integration entry
        ("知识产权管理体系和ISO9001质量管理体系有什么关系", "faq.integrate-other-systems"),
        ("知识产权管理体系和ISO 27001是什么关系", "faq.integrate-other-systems"),
        ("ISO 56005和29490是什么关系", "faq.iso-56005-vs-29490"),
        ("贯标要多久", "faq.overall-duration"),
        ("贯标多少钱", "faq.cost-overview"),
        ("how long does guanbiao take", "faq.overall-duration"),
    ],
)
def test_round6_covered_neighbour_is_answered(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.entry is not None
    assert match.entry.id == entry_id


def test_round6_ours_run_with_another_guanbiao_scheme_is_not_declined(kb: Knowledge) -> None:
    # "together" keeps another scheme in scope: the integration entry is offered
    match = kb.matcher.match("知识产权贯标能和两化融合一起做吗")
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert "faq.integrate-other-systems" in shown
