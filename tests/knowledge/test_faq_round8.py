"""Round 8: out-of-scope families that got through on blind-g (now development data) are
declined by the guard — another meaning of a word of ours, a neighbouring scheme that names
IP, applying for a status or filing a right rather than managing IP — while covered
neighbours that share their words stay in scope. Phrasings differ from the sets on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # "IP" as a network address, a camera or an ingress rating
        "办公室的IP地址老是冲突怎么办",
        "what IP68 test do we need for an outdoor lamp",
        "which IP camera is good for a small warehouse",
        # IP *service* certification of agencies, personal licences
        "代理所想做知识产权服务认证 条件是什么",
        "焊工证过期了去哪里复审",
        "how do I renew my forklift licence",
        # a finance audit's subjects, content-platform complaints, suing a person
        "内审查出有人虚报报销单",
        "the internal audit found an expense reimbursement problem in sales",
        "小红书上有人盗用我们的产品图 怎么处理",
        "离职员工偷了客户名单 我们想起诉他",
        # applying for the high-tech status itself, filing or buying a patent, fee amounts
        "高新技术企业申报的时间节点是什么",
        "HTE: which R&D expense ratio is required",
        "如何申请专利 要准备什么",
        "what's the amount of the annual fee for a utility model",
        "we want to purchase a patent, where can we find a seller",
        # another compliance scheme; asking whether the bot is a machine
        "37301合规管理体系审核员怎么考",
        "你是不是机器人",
        "are you a bot?",
    ],
)
def test_round8_lookalike_is_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) in ("other-scheme", "intent")
    assert kb.matcher.match(text).status == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        # a look-alike asked for its effect on our certification
        "环评被罚过款 会影响认证吗",
        # our own compliance system, with an IP word
        "知识产权合规管理体系和37301能一起做吗",
        # a 贯标 certificate read as "certificate" beside another programme
        "专精特新申报时贯标证书有加分吗",
        # HTE relevance of our certificate, publication review, IP of the system itself
        "贯标证书对高企认定有帮助吗",
        "员工对外发表论文前要审批吗",
        "体系里的IP是指知识产权吗",
    ],
)
def test_round8_covered_neighbour_passes_the_guard(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) is None
    assert kb.matcher.match(text).status != "unknown"
