"""Round 12: entries for topics blind-k asked with none (IP information resources,
government-funded projects, how many companies are certified, the 2012 draft's indicators), a
clause number asked with an edition named in words ("in the new edition"), and two more
families of look-alikes in the guard: other government titles for enterprises (专精特新,
little giants) and business software chosen or bought (ERP, CRM), plus a right used as a verb
("trademark my logo"). Neighbours that share their words stay in scope. Phrasings differ
from the sets on purpose."""

from __future__ import annotations

import pytest

from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("专利情报和行业技术信息平时要怎么收集和分析", "faq.ip-information-resources"),
        (
            "how do we set up channels to track IP information in our industry",
            "faq.ip-information-resources",
        ),
        ("省科技厅资助的项目 研发成果的知识产权体系里怎么管", "faq.government-funded-projects"),
        (
            "IP obligations when our R&D project gets public funding",
            "faq.government-funded-projects",
        ),
        ("目前国内一共有多少企业拿到了知识产权管理体系证书", "faq.certified-enterprise-count"),
        (
            "roughly how many Chinese enterprises hold a 29490 certificate today",
            "faq.certified-enterprise-count",
        ),
        ("60个基础指标加23个提升指标是标准的要求吗", "faq.draft-indicators"),
        (
            "are the 60 basic plus 23 advanced indicators in the published standard",
            "faq.draft-indicators",
        ),
    ],
)
def test_round12_new_entries_found(kb: Knowledge, text: str, entry_id: str) -> None:
    match = kb.matcher.match(text)
    shown = [match.entry.id] if match.entry else [e.id for e in match.suggestions]
    assert entry_id in shown, (text, match.status, shown)


@pytest.mark.parametrize(
    ("text", "clause_id"),
    [
        ("what does 9.3 say in the new edition", "clause.2023:9.3"),
        ("新版的9.3讲什么", "clause.2023:9.3"),
        ("旧版7.6要求什么", "clause.2013:7.6"),
    ],
)
def test_round12_clause_with_edition_in_words(kb: Knowledge, text: str, clause_id: str) -> None:
    match = kb.matcher.match(text)
    assert match.entry is not None, text
    assert match.entry.id == clause_id


@pytest.mark.parametrize(
    "text",
    [
        # other government titles for enterprises
        "专精特新中小企业认定门槛是什么",
        "单项冠军企业怎么申报",
        "科技型中小企业评价要准备什么材料",
        "what are the criteria for becoming a little giant enterprise",
        "how does a company qualify as a tech-based SME in China",
        # business software chosen or bought
        "金蝶和用友的财务软件哪个好用",
        "小工厂用什么ERP比较好",
        "which CRM would you recommend for a small sales team",
        "best accounting software for a startup in shanghai",
        # a right used as a verb: obtaining it, not managing it
        "how can I trademark my company name in Europe",
        "is it expensive to trademark our slogan",
        # loan terms against IP; a hyphenated title read as spaced words
        "how much money could we borrow against our patent portfolio",
        "what paperwork is needed for the technology-based SME evaluation",
    ],
)
def test_round12_lookalikes_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.match(text).status == "unknown", text


@pytest.mark.parametrize(
    "text",
    [
        "申报专精特新 贯标证书能加分吗",
        "is the IPMS certificate useful for a little giant application",
        "can we keep the IP ledger inside our ERP",
        "OA系统里的审批记录审核时认可吗",
        "有没有好用的专利管理软件推荐",
        "which of our inventions should we patent first",
        "trademark renewal reminders, how should the ledger track them",
        "should our ledger show which patents are pledged to a bank",
    ],
)
def test_round12_neighbours_not_declined(kb: Knowledge, text: str) -> None:
    assert kb.matcher.guard(text) is None, text


def test_round12_bare_number_of_both_editions_names_the_other(kb: Knowledge) -> None:
    match = kb.matcher.match("please explain clause 7.3")
    assert match.entry is not None
    assert match.entry.id == "clause.2023:7.3"
    assert "2013" in match.entry.answer.en.splitlines()[-1]
    named = kb.matcher.match("2023版7.3条款讲的什么")
    assert named.entry is not None
    assert "2013版的7.3" not in named.entry.answer.zh


def test_round12_bare_number_only_2013_has(kb: Knowledge) -> None:
    match = kb.matcher.match("7.4.1条款是什么内容")
    assert match.entry is not None
    assert match.entry.id == "clause.2013:7.4.1"
