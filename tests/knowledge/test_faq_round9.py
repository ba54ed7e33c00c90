"""Round 9: out-of-scope families that got through on blind-h (now development data) are
declined by what the question is about — work addressed to the bot, an audit of another
domain, an IP office's procedure with nothing of managing IP — while covered neighbours that
share their words stay in scope. Phrasings differ from the sets on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # a task addressed to the bot
        "请把这份保密协议翻译成英文",
        "could you translate our trademark licence into English",
        # an audit of another domain naming no IP
        "内控审计一般查哪些内容",
        "what does a Sarbanes-Oxley audit look at",
        "税务稽核要准备什么资料",
        "how do I set up a financial internal audit team",
        # an IP office's procedure naming nothing of managing IP
        "商标变更地址要去商标局办什么手续",
        "what paperwork does CNIPA want to record a patent assignment",
        # credit repair, certificates of origin
        "被罚款以后失信记录怎么修复 信用修复流程",
        "where do we apply for a certificate of origin",
    ],
)
def test_round9_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "贯标的内审员可以是财务部的人吗",
        "can the finance manager be our internal auditor for the IP system",
        "研发人员离职的时候 知识产权方面有哪些手续",
        "can you draft an IP policy for us",
        "国家知识产权局对贯标认证管什么",
        "专利年费过了截止日还有宽限期吗",
    ],
)
def test_round9_neighbours_not_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status != "unknown", text
