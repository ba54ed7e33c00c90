"""Round 15: look-alike families declined by vocabulary (studying IP, data-IP registration,
the language of documents or the audit, labour law asked by name, a trademark filed through
the Madrid system) while neighbours sharing their words stay in scope; and phrasings for
aspects owners ask that ended in menus. Phrasings differ from the sets and the FAQ on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    "text",
    [
        # studying IP
        "想读知识产权方向的研究生 哪所大学比较好",
        "which university has a good master's program in intellectual property",
        # data-IP registration, a regime of its own
        "数据知识产权登记证书怎么申请 要交什么材料",
        "how to apply for data intellectual property registration in Zhejiang",
        # the language of documents or the audit (no entry answers it)
        "程序文件必须用中文写吗 总部只看得懂英文",
        "will the auditors interview our staff in English",
        # labour law asked by name
        "按劳动合同法 试用期最长能约定多久",
        "what does Chinese labour law say about overtime pay",
        # a trademark through the Madrid system
        "how can we register our brand in Europe via the Madrid system",
        # filing itself stays out of scope after round 15's ip_filing keep words
        "想申请一个商标 官费多少",
        "专利申请下来要多久",
    ],
)
def test_round15_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "跟大学合作研发 出来的专利归谁",
        "高校知识产权管理规范和企业的标准有什么不一样",
        "能给我们出一份英文版的证书吗",
        "can the CB issue our certificate in English",
        "竞业限制协议要给员工补偿吗",
        "do we have to pay non-compete compensation",
        "before exporting to Europe, should our IP system cover trademark search there",
        # patent or trade secret, evaluating whether to file: managing IP (ip_filing keeps)
        "这个配方是申请专利还是当商业秘密保护",
        "车间提的改进点子 怎么评估值不值得申请专利",
    ],
)
def test_round15_neighbours_kept(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status != "unknown", text


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("员工辞职那天 知识产权这块要交接些什么", "faq.departure"),
        ("被并购之前 知识产权上要先理清哪些东西", "faq.licensing-transfer-due-diligence"),
        ("新版标准不写手册行不行 用成文信息代替", "faq.ip-manual-2023"),
        ("does the certification audit ever end in a fail", "faq.audit-fail"),
        ("plants in two provinces: one certificate covering both?", "faq.multi-site"),
    ],
)
def test_round15_aspects_shown(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert entry_id in shown, (text, match.status, shown)


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("what will the auditor check at stage 2", "faq.stage2-what-happens"),
        ("二阶段审核员一般看什么", "faq.stage2-what-happens"),
        ("what does the auditor look at in stage 1", "faq.stage1-what-happens"),
        ("can we run the internal audit by ourselves", "faq.internal-audit-who-audits"),
        ("内审能自己做吗", "faq.internal-audit-who-audits"),
    ],
)
def test_which_stage_is_asked_about_is_the_one_answered(
    kb: Knowledge, text: str, entry_id: str
) -> None:
    """The stage 1 answer names stage 2 ("ready for stage 2"): "check in stage 2" got it."""
    match = kb.matcher.match(text)
    assert match.status == "answered" and match.entry is not None and match.entry.id == entry_id
