"""Round 14: five entries for topics of the domain brief no entry answered (where the standard
came from, its PDCA model, the kinds of IP certification, the MIIT guidance on SME compliance,
software copyright registration), and look-alike families declined by vocabulary: a right
obtained abroad asked for its procedure or cost, the paperwork of bidding, IP *service*
certification asked for itself. Neighbours that share their words stay in scope. Phrasings
differ from the sets and the FAQ on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("江苏那个2009年的企业知识产权地方标准跟国标是什么关系", "faq.standard-history"),
        ("which organisations wrote the 2013 IP management standard", "faq.standard-history"),
        ("PDCA在知识产权管理体系里是怎么转起来的", "faq.pdca-model"),
        ("how does plan do check act show up in the IP standard", "faq.pdca-model"),
        ("知识产权方面的认证是不是只有管理体系这一种", "faq.ip-certification-kinds"),
        (
            "is IP management system certification the only IP certification in China",
            "faq.ip-certification-kinds",
        ),
        ("工信部关于中小企业合规的文件 对知识产权提了哪些要求", "faq.miit-sme-compliance-guidance"),
        (
            "what does MIIT's compliance guidance for small firms ask on IP",
            "faq.miit-sme-compliance-guidance",
        ),
        ("软件著作权登记证书在贯标的时候要不要放进台账", "faq.software-copyright-registration"),
        (
            "is registering our software copyright worth it for the IP management system",
            "faq.software-copyright-registration",
        ),
    ],
)
def test_round14_entries_found(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert entry_id in shown, (text, match.status, shown)


@pytest.mark.parametrize(
    "entry_id",
    [
        "faq.standard-history",
        "faq.pdca-model",
        "faq.ip-certification-kinds",
        "faq.miit-sme-compliance-guidance",
        "faq.software-copyright-registration",
    ],
)
def test_round14_entries_hedged_and_bilingual(kb: Knowledge, entry_id: str) -> None:
    entry = kb.faq[entry_id]
    assert entry.confidence == "M"
    assert entry.clauses == []  # no clause of either edition is their subject
    assert entry.answer.zh and entry.answer.en
    assert entry.questions.zh and entry.questions.en


def test_round14_hedges_follow_the_brief(kb: Knowledge) -> None:
    # one source for the Jiangsu predecessor; the MIIT guidance's year was not confirmed;
    # software copyright facts are background knowledge; service certification has no detail
    assert "medium confidence" in kb.faq["faq.standard-history"].answer.en
    assert "not confirmed" in kb.faq["faq.miit-sme-compliance-guidance"].answer.en
    assert "not checked" in kb.faq["faq.software-copyright-registration"].answer.en
    assert "no detail" in kb.faq["faq.ip-certification-kinds"].answer.en
    # the 2013 edition is never presented as current
    assert "2023 edition only" in kb.faq["faq.standard-history"].answer.en


@pytest.mark.parametrize(
    "text",
    [
        # a right obtained abroad, asked for its procedure or cost
        "在韩国申请发明专利官费要多少",
        "去欧盟注册商标走什么流程",
        "what does it cost to file a design application in Japan",
        "how do we register a trademark in the united states, which agent",
        # the paperwork of bidding
        "履约保证金一般交多少",
        "招标文件里的评标办法怎么看",
        "how do we get our bid bond back after losing a tender",
        # IP service certification asked for itself
        "代理机构怎么申请知识产权服务认证",
    ],
)
def test_round14_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "产品要出口到欧洲 贯标对海外专利布局有什么要求",
        "before exporting to Japan should we search patents there",
        "贯标证书在政府招标里能加分吗",
        "does the IPMS certificate earn points in tenders",
        "知识产权服务认证和我们做的管理体系认证有什么不同",
        "我们在日本有客户 知识产权风险怎么管理",
    ],
)
def test_round14_neighbours_kept(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status != "unknown", text
