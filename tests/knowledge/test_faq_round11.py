"""Round 11: round 10's new entries no longer pull covered questions into menus (their
generic phrasings were made specific), and the guard declines families of look-alikes rather
than one set's words: the company's registration and registry procedures, HR topics of an
employment relation, a court's procedure, two IP right types compared, the high-tech
enterprise application itself, drafting a standard, other schemes' codes (SA8000, AS9100),
tax, work for the bot (poems, summaries, code) and chit-chat. Neighbours that share their
words stay in scope. Phrasings differ from the sets on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # covered questions that round 10's generic phrasings had turned into menus
        ("我们的知识产权专员要离职了 交接要做些什么", "faq.departure"),
        ("搞贯标对评高新技术企业有没有好处", "faq.hte-relevance"),
        (
            "does getting 29490 certified help our high-tech enterprise application score",
            "faq.hte-relevance",
        ),
        ("公司需要培养几个内审员 有证书要求吗", "faq.internal-auditor-certificate"),
        ("how many staff should we train as internal auditors", "faq.internal-auditor-certificate"),
        (
            "co-developing a product with a research institute, what IP terms should the "
            "contract have",
            "faq.joint-rd-ownership",
        ),
    ],
)
def test_round11_covered_questions_answered(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.entry is not None, text
    assert match.entry.id == entry_id


@pytest.mark.parametrize(
    "text",
    [
        # the company's registration
        "营业执照上的经营期限到期了怎么续",
        "公司注册资本想增资 去哪里办",
        "公司要换个新公章 流程是啥",
        "how do we renew the business licence of our WFOE",
        "our articles of association need changing, what is the process",
        # HR topics of an employment relation
        "员工怀孕了产假怎么算",
        "试用期员工可以不交社保吗",
        "how many days of sick leave do employees get in china",
        "what is the notice period for staff who resign",
        # a court's procedure
        "专利侵权案子一审要多久",
        "which court hears trademark disputes in shenzhen",
        "how long is the limitation period for suing over a copyright",
        # two IP right types compared
        "发明专利和实用新型哪个更划算",
        "should we file a utility model or go for an invention patent",
        # the high-tech enterprise application itself
        "高企认定要准备哪些材料",
        "when is the high tech enterprise application deadline this year",
        # drafting a standard
        "团体标准立项要走什么流程",
        "how do we file an enterprise standard with the authorities",
        # work for the bot
        "帮我写一首关于专利的打油诗",
        "give me a tldr of this contract",
        "write a python script that renames files",
        # tax
        "工资里的个税怎么算",
        "what tax do we pay on licence royalties to a foreign parent",
        # other schemes by their codes
        "SA8000审核一般看什么",
        "how much does AS9100 certification cost",
        # chit-chat
        "老板天天骂人 我心情很差",
        "i'm bored, talk to me",
        # IP-office procedures that name no right
        "专利权人变更要什么材料",
        "how do we request priority examination for our invention",
    ],
)
def test_round11_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "营业执照过期了还能申请认证吗",
        "公司注册地址变了 要通知认证机构吗",
        "法定代表人换了 证书要改吗",
        "新员工入职要签知识产权承诺书吗",
        "员工离职后竞业限制补偿怎么给",
        "被告侵权了 体系里要怎么应对",
        "法院判决书算外来文件吗 要不要受控",
        "贯标证书对高企认定有用吗",
        "参与团体标准起草 我们的专利要不要披露",
        "内审员可以由人事部的人兼任吗",
        "can someone from finance be our internal auditor",
        "the auditor was rude, can we complain to the certification body",
        "our registered address changed, do we need to tell the CB",
        "does the HTE review look at our IPMS certificate",
        "we joined a standards committee, what about our patents",
        "can the IPMS be audited together with SA8000",
        # words of the new families in our sense: a fiscal year, a CB's hearing, a judgment
        "fy2025内审计划怎么排",
        "can we have a hearing for our appeal against the CB decision",
        "the auditor used his judgment, can we disagree",
    ],
)
def test_round11_neighbours_not_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) is None, text
    assert kb.matcher.match(text).status != "unknown", text
