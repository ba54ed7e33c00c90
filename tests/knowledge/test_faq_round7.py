"""Round 7: out-of-scope families that got through on the blind sets a-f (now development
data) are declined by the guard, their covered neighbours are still answered, and the
phrasings added for often-demoted questions answer them. Phrasings differ from the sets on
purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # drafting fees, paying or reducing annual fees, where to renew, IP financing
        "实用新型专利找人代写要多少钱",
        "how much do agencies charge to draft a patent application",
        "专利年费可以申请减免吗",
        "商标续展在哪办",
        "知识产权质押贷款的利率高吗",
        # opposition, invalidation, squatting, foreign offices
        "竞争对手对我们的商标申请提出异议",
        "我们的实用新型被竞争对手提无效了",
        "someone is squatting on our brand name as a trademark in China",
        "how do I renew a trademark at the USPTO",
        # closing or founding a company, changing the legal representative
        "公司不想干了 要办什么手续",
        "想注册新公司 流程是什么",
        "how can we change the legal representative of our company",
        # who the bot is
        "你是真人客服吗",
        "are you a real person",
        # other schemes: a level glued to the name, customs, several of them together
        "CMMI5级评估要多久",
        "AEO认证需要什么条件",
        "ISO 9001和14001一起认证要多久",
        "工程师职称怎么评",
    ],
)
def test_round7_lookalike_is_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) == "other-scheme"
    assert kb.matcher.match(text).status == "unknown"


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("专利年费什么时候交", "faq.fee-deadlines"),
        ("专利拿去质押之前要做价值评估吗", "faq.licensing-transfer-due-diligence"),
        ("对不符合项有异议怎么办", "faq.nc-disagree"),
        ("竞业协议需要支付补偿吗", "faq.non-compete"),
        ("这个机器人能做什么", "faq.bot-what-can-you-do"),
    ],
)
def test_round7_covered_neighbour_is_answered(kb: Knowledge, text: str, entry_id: str) -> None:
    assert kb.matcher.guard(text) is None
    match = kb.matcher.match(text)
    assert match.entry is not None
    assert match.entry.id == entry_id


def test_round7_ours_run_with_several_other_schemes_is_not_declined(kb: Knowledge) -> None:
    # several other schemes are declined only when ours is not named
    assert kb.matcher.guard("知识产权管理体系能和ISO 9001、ISO 14001一起做吗") is None


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("拿到证书后每年都会被审核吗", "faq.surveillance-interval"),
        ("贯标就是去申请专利吗", "faq.what-is-guanbiao"),
        ("保密资料需要划分密级吗", "faq.trade-secrets"),
        ("do we get audited every year after we are certified", "faq.surveillance-interval"),
    ],
)
def test_round7_often_demoted_question_is_shown(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert entry_id in shown
