"""News told in passing: the certification body named, a key person changed, a consultant."""

from __future__ import annotations

import pytest

from flows.news import cb_name_in
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import assess_and_plan


@pytest.mark.parametrize(
    ("said", "name"),
    [("我们报了中知认证", "中知认证"), ("找的中知（北京）认证有限公司", "中知（北京）认证有限公司"),
     ("认证机构是中规认证", "中规认证"), ("认证机构定的华夏认证中心", "华夏认证中心"),
     ("we applied with CQC", "CQC"), ("we chose ZZBC as our certification body", "ZZBC"),
     ("we applied on june 1 with CQC", "CQC"), ("6月1号向中知认证提交了申请", "中知认证"),
     ("我们向认证机构提交了申请", None), ("we applied to the CB on june 1", None),
     ("our CB is China Quality Certification Centre", "China Quality Certification Centre"),
     ("signed the contract, we went with CQC last week", "CQC"),
     # the certification itself, a kind of body, a consultant, a question: no name
     ("我们报了贯标认证", None), ("我们找了一家认证机构", None), ("找的咨询公司", None),
     ("we applied for certification", None), ("we went with a big CB", None),
     ("we applied with the ISO people", None), ("stage 1 is on March 10", None)],
)  # fmt: skip
def test_the_name_of_a_certification_body_is_read(said: str, name: str | None) -> None:
    assert cb_name_in(said) == name


def test_a_named_body_is_kept_shown_and_can_change(zh: Driver) -> None:
    zh.onboard()
    assess_and_plan(zh)
    zh.text("我们报了中知认证")
    assert "认证机构是中知认证" in zh.said()
    assert "下一步" in zh.said()  # and on with what's next, no menu of look-alike questions
    assert zh.conv.company.cb_name == "中知认证"
    zh.cmd("status")
    assert "认证机构：中知认证" in zh.said()
    zh.text("认证机构是中规认证")
    assert "改为中规认证" in zh.said() and "中知认证" in zh.said()
    assert zh.conv.company.cb_name == "中规认证"


def test_naming_the_chosen_body_also_offers_to_finish_that_step(en: Driver) -> None:
    en.onboard()
    assess_and_plan(en)
    en.text("we chose ZZBC as our certification body")
    said = en.said()
    assert "your certification body is ZZBC" in said
    assert "Choose a certification body" in said  # read back: that step is done?
    en.text("yes")
    assert "appl.choose_cb" in en.conv.company.steps_done


def test_a_question_about_a_body_keeps_nothing(en: Driver) -> None:
    en.onboard()
    en.text("should we apply with CQC?")
    assert en.conv.company.cb_name == ""


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "我们的知识产权负责人离职了"), ("zh", "我们换了个知产负责人"),
     ("zh", "管代上个月辞职了"), ("en", "our IP manager quit"),
     ("en", "The IP manager left last week"), ("en", "we have a new management rep")],
)  # fmt: skip
def test_a_key_person_changed_hears_what_to_do(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    out = d.said()
    assert ("任命书" in out) if lang == "zh" else ("appointment letter" in out), out
    assert "您是想问" not in out and "Did you mean" not in out  # not a menu of questions
    assert ("认证机构" not in out) if lang == "zh" else ("certification body" not in out)


def test_a_certified_company_is_told_to_inform_its_body_of_a_new_ip_manager(en: Driver) -> None:
    en.onboard("Gamma", "2|ob|stage|certified")
    en.press("GB/T 29490-2023")
    en.text("165IP250001R0M")
    en.text("2025-12-04")
    en.press("2028-12-03")
    en.text("our IP manager resigned")
    assert "Tell your certification body in writing" in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "我们请了咨询公司", "咨询机构和认证机构必须是两家"),
     ("en", "we hired a consultant", "must be different firms"),
     ("en", "we're working with a consultancy now", "must be different firms"),
     ("zh", "要不要请咨询公司？", "不是必须"), ("en", "do we need a consultant?", "optional")],
)  # fmt: skip
def test_a_consultant_brought_in_is_news_a_question_is_answered(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    d.text(said)
    assert reply in d.said(), d.said()


def test_the_named_body_is_who_the_certificate_risk_says_to_call(zh: Driver) -> None:
    zh.onboard("华光", "2|ob|stage|certified")
    zh.press("2|cert.edition|2023")
    zh.text("12345IP0001")
    zh.text("2024-03-01")
    zh.text("好的")
    zh.text("我们的认证机构是中知认证")
    zh.text("下一步")
    said = zh.said()
    assert "第1次监督审核已逾期" in said and "给中知认证打电话" in said, said


def test_without_a_named_body_the_risk_says_the_certification_body(en: Driver) -> None:
    en.onboard("Gamma", "2|ob|stage|certified")
    en.press("2|cert.edition|2023")
    en.text("12345IP0001")
    en.text("2024-03-01")
    en.text("ok")
    en.text("next")
    assert "Call or email your certification body" in en.said(), en.said()


def test_an_application_sent_to_a_named_body_keeps_both(en: Driver) -> None:
    en.onboard()
    assess_and_plan(en)
    en.text("we sent the application to CQC on may 7")
    assert en.conv.company.cb_name == "CQC"
    assert any(b.data == "2|fact|apply|2026-05-07" for b in en.buttons), en.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "我们请了个咨询老师，怎么拉他进来"), ("en", "how do I add my colleague?"),
     ("en", "can I invite our consultant")],
)  # fmt: skip
def test_how_to_let_a_colleague_or_consultant_in_is_answered(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    assert "/invite" in d.said() and any(b.data.endswith("ws.invite") for b in d.buttons)


def test_speeding_up_is_no_invitation(zh: Driver) -> None:
    zh.onboard()
    zh.text("怎么加快进度")
    assert "/invite" not in zh.said()
