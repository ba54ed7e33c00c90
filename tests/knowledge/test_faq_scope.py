"""Out-of-scope look-alikes declined, in both languages, and their covered neighbours kept
(round 4: IP prosecution questions, bare standard numbers, questions with no word of ours)."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # obtaining or litigating one IP right, no word about managing it
        "外观专利可以自己申请吗",
        "商标注册下来要多长时间",
        "被人起诉专利侵权了 要请哪个律师",
        "软件著作权怎么登记",
        "how long until our patent is granted",
        "our trademark application was refused, what now",
        # other schemes by their number alone
        "45001要准备什么文件",
        "IATF16949的审核员会看哪些记录",
        "what does 14001 certification cost",
        "how do we get ISO 14001",
        # business admin
        "营业执照副本丢了怎么补办",
        "个体户怎么转成有限公司",
        "how to open a corporate bank account in China",
    ],
)
def test_lookalike_is_declined(kb: Knowledge, text: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "unknown"
    assert match.suggestions == []


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("我们只有注册商标没有专利 能申请认证吗", "faq.no-patents-only-trademarks"),
        ("专利申请这块体系里怎么管", "faq.ip-acquisition-plan"),
        ("贯标能不能跟9001合在一块审", "faq.integrate-other-systems"),
        # another scheme already held, asked what it is worth for ours (2026-12-04 walk)
        ("we already have ISO 9001 and ISO 14001, does that help?", "faq.integrate-other-systems"),
        ("我们已经有ISO 9001了，对贯标有帮助吗", "faq.integrate-other-systems"),
        ("we only have registered trademarks, can we still get certified", None),
        ("how do we plan which patents to file", "faq.ip-acquisition-plan"),
    ],
)
def test_covered_neighbour_is_kept(kb: Knowledge, text: str, entry_id: str | None) -> None:
    match = kb.matcher.match(text)
    assert match.status != "unknown"
    ids = [e.id for e, _ in match.ranked[:3]]
    if entry_id:
        assert entry_id in ids


@pytest.mark.parametrize(
    "text", ["孩子上小学要准备什么材料", "公司法人想换人 去哪里办", "what should I cook tonight"]
)
def test_no_word_of_our_domain_gets_no_menu(kb: Knowledge, text: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "unknown" and match.suggestions == []


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # same-pinyin slips of domain words (round 4)
        ("管理平审多久开一次", "faq.management-review-frequency"),
        ("贯标正书有效期几年", "faq.certificate-validity"),
        ("知识产权台帐怎么建", "faq.ip-ledger"),
        ("专利年废什么时候交", "faq.fee-deadlines"),
        ("证书快到期了 在认证要提前多久申请", "faq.recertification-when-apply"),
        # 在认证 after 现 is no slip
        ("现在认证用哪个版本", "faq.which-edition-now"),
        # English misspellings
        ("how long is our certficate valid", "faq.certificate-validity"),
        ("can we aply for certification without any patents", "faq.patents-needed"),
    ],
)
def test_slip_is_understood(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "answered"
    assert match.entry is not None and match.entry.id == entry_id


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        (
            "我是公司行政 刚接手贯标这摊事 想问管理评审一年要开几次",
            "faq.management-review-frequency",
        ),
        (
            "我们是做机械加工的 老板让我负责贯标 内审员必须有证书吗",
            "faq.internal-auditor-certificate",
        ),
        (
            "my boss asked me to look into this, how often should the management review be held",
            "faq.management-review-frequency",
        ),
    ],
)
def test_question_after_context_is_answered(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.status == "answered"
    assert match.entry is not None and match.entry.id == entry_id


def test_context_reading_drops_the_first_clause_of_long_questions_only() -> None:
    from knowledge.matcher import context_stripped

    assert (
        context_stripped("我是公司行政 刚接手贯标 想问管评一年开几次")
        == "刚接手贯标 想问管评一年开几次"
    )
    assert context_stripped("管评 多久") is None  # short
    assert context_stripped("管理评审一年要开几次") is None  # one clause
    assert context_stripped("what does the certificate show") is None  # words are no clauses
    assert (
        context_stripped("my boss asked me to look into this, how often is the management review")
        == "how often is the management review"
    )
