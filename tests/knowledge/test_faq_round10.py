"""Round 10: four topics owners ask in every fresh blind set get entries (sibling standards
for universities and research institutes, GJB 9158, local IP advantage / demonstration
enterprise programmes, standard setting and IP alliances), and the out-of-scope families that
got through on blind-i (now development data) are declined by what the question is about:
enforcing an IP right through customs or a marketplace, another function's rulebook, a
governance body's audit, a platform's moderation, other laws' compliance regimes. Covered
neighbours that share their words stay in scope. Phrasings differ from the sets on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("我们学校准备搞知识产权管理 是按哪个国标来", "faq.university-research-standards"),
        ("科研单位不是企业 能用29490认证吗", "faq.university-research-standards"),
        ("do universities certify to GB/T 33251 or 29490", "faq.university-research-standards"),
        ("军品配套企业知识产权要按GJB 9158做吗", "faq.gjb-9158-defence"),
        (
            "we make parts for military equipment, which IP management standard applies",
            "faq.gjb-9158-defence",
        ),
        ("知识产权优势企业申报条件里有没有贯标", "faq.ip-advantage-enterprise"),
        (
            "to be an IP demonstration enterprise in our city must we be 29490 certified first",
            "faq.ip-advantage-enterprise",
        ),
        ("我们要参加国家标准起草 专利要怎么披露", "faq.standard-setting-patent-policy"),
        (
            "our engineer sits on a standards committee, do we need to declare our patents",
            "faq.standard-setting-patent-policy",
        ),
        ("加入专利联盟之前体系上要做哪些评估", "faq.standard-setting-patent-policy"),
    ],
)
def test_round10_new_entry_answers(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.entry is not None, text
    assert match.entry.id == entry_id


@pytest.mark.parametrize(
    "text",
    [
        # enforcing an IP right through customs or a marketplace, asked as a procedure
        "海关备案知识产权需要多少钱",
        "we want to record our trademark with china customs, how do we do it",
        "亚马逊上有人卖仿冒我们的产品 怎么投诉下架",
        "ebay listing copies our design, how to get it removed",
        # another function's rulebook
        "公司员工手册要包含哪些章节",
        "staff handbook for a 50 person factory",
        # a governance body's audit
        "董事会下面的审计委员会怎么运作",
        "what does an audit committee do",
        # a content platform's moderation
        "小红书笔记审核没通过",
        "our weibo post was removed by moderation",
        # other laws' compliance regimes
        "两用物项出口许可怎么办",
        "do we need an export control compliance program for the US",
    ],
)
def test_round10_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "给个知识产权手册模板",
        "员工保密制度怎么写",
        "出口产品要不要做海关知识产权备案",
        "customs recordal as part of our export IP plan",
        "出口到美国的产品 知识产权风险怎么管",
        "内审员可以是审计部门的人吗",
        "can someone from our internal audit department be the IPMS internal auditor",
        "官网和微信上能不能写通过了知识产权管理体系认证",
        "GB/T 33250是什么",
        "what is GJB 9158",
    ],
)
def test_round10_neighbours_not_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status != "unknown", text
