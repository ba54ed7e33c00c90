"""Round 13: an entry for external documents (asked in every blind set d-l), the full-time
auditor rule found under cb-independence, and look-alike families declined by vocabulary: a
right's statutory term, how or where to pay an official fee, government money per patent,
insurance, and English forms of older families (a business licence's annual inspection,
patenting as an act, royalty rates, trade licences, lab accreditation). Neighbours that share
their words stay in scope. Phrasings differ from the sets and the FAQ on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("法院寄来的判决书和对方的律师函 我们要怎么登记保管", "faq.external-documents"),
        ("外来文件台账一般包含哪些栏目", "faq.external-documents"),
        (
            "where should letters from the patent office and court papers be recorded",
            "faq.external-documents",
        ),
        ("what are external documents in the IP standard", "faq.external-documents"),
        ("认证机构的审核员可以是临时请来的兼职人员吗", "faq.cb-independence"),
        ("may a certification body send part-time auditors to us", "faq.cb-independence"),
    ],
)
def test_round13_entries_found(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert entry_id in shown, (text, match.status, shown)


def test_round13_external_documents_cites_with_catalogue_confidence(kb: Knowledge) -> None:
    entry = kb.faq["faq.external-documents"]
    assert entry.clauses == ["2023:7.5", "2013:4.2.4"]
    assert entry.confidence == "M"
    assert "7.5" in entry.answer.en and "4.2.4" in entry.answer.zh


@pytest.mark.parametrize(
    "text",
    [
        # a right's statutory term
        "发明专利能保护几年",
        "商标注册下来有效期多少年",
        "how long does an invention patent last in China",
        "what is the protection term of a software copyright",
        # how or where to pay an official fee
        "专利年费在哪里交 可以用支付宝吗",
        "what payment methods does CNIPA accept for annual fees",
        # government money per patent
        "深圳对每件发明专利的资助有多少",
        "is there a government subsidy for filing PCT applications",
        # insurance
        "专利保险一年保费多少",
        "should a small company buy patent infringement insurance",
        # English forms of older families
        "where do I do the business license annual inspection this year",
        "is a new chemical formula patentable in China",
        "what royalty rate is normal for licensing a utility patent",
        "how long does it take to get an export licence",
        "how does a testing lab get ISO 17025 accreditation",
    ],
)
def test_round13_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "专利年费的缴费期限怎么在台账里盯住",
        "how do we avoid missing a patent annual fee deadline",
        "放弃一件老专利之前 剩余保护期要评估吗",
        "知识产权管理体系证书有效期几年",
        "收到的专利局通知书要不要作为外来文件归档",
        "政府发的专利资助要不要在知识产权目标里体现",
        "will the auditor look at how we handled patent subsidies in the system",
        "买了知识产权保险 审核时要提供保单吗",
        "does IP insurance count as a risk control in the IPMS",
        "can our patent licence royalties be reviewed under the contract procedure",
    ],
)
def test_round13_neighbours_not_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) is None, text
