"""Onboarding places the company on the journey; every answer is validated."""

from __future__ import annotations

from datetime import date

import pytest

from flows.state import Stage
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver


def test_new_user_is_welcomed_and_asked_for_the_company_name(en: Driver) -> None:
    en.cmd("start")
    assert "GB/T 29490-2023" in en.said()
    assert "company's name" in en.said()
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "name"


def test_onboarding_records_every_answer_and_starts_preparation(en: Driver) -> None:
    en.onboard("Acme Ltd", "2|ob|stage|not_started")
    c = en.conv.company
    assert (c.name, c.headcount, c.industry, c.sites) == ("Acme Ltd", 45, "software", 1)
    assert c.onboarded and c.stage is Stage.NOT_STARTED
    assert c.phase == "prep" and c.current_step == "prep.learn"
    assert "Next:" in en.said()


@pytest.mark.parametrize(
    ("stage", "phase"),
    [("building", "impl"), ("applied", "appl"), ("audited", "audit")],
)
def test_each_stage_moves_the_company_to_its_phase(en: Driver, stage: str, phase: str) -> None:
    en.onboard("Beta", f"2|ob|stage|{stage}")
    if stage != "building":
        en.text("2026-05-01")  # system running since
    assert en.conv.company.phase == phase
    if stage != "building":
        assert en.conv.company.system_start == date(2026, 5, 1)


def test_certified_company_records_certificate_and_lands_in_maintenance(en: Driver) -> None:
    en.onboard("Gamma", "2|ob|stage|certified")
    en.press("GB/T 29490-2023")
    en.text("165IP250001R0M")
    en.text("2025-12-04")
    assert "2028-12-03" in en.said()  # suggested expiry: 3 years less a day
    en.press("2028-12-03")
    c = en.conv.company
    assert c.certificate is not None and c.certificate.expires == date(2028, 12, 3)
    assert c.phase == "maint"


def test_a_2013_certificate_is_not_treated_as_valid(en: Driver) -> None:
    en.onboard("Delta", "2|ob|stage|certified")
    en.press("GB/T 29490-2013")
    said = en.said()
    assert "2025-12-31" in said and "GB/T 29490-2023" in said
    assert en.conv.company.certificate is None
    # The system has run for years: a 2023 gap assessment comes next, with its running questions.
    assert en.conv.company.stage is Stage.RUNNING
    assert "Gap assessment" in en.said()
    en.press("2|as.start")
    assert "not running yet" not in en.said()


def test_chinese_onboarding_speaks_chinese(zh: Driver) -> None:
    zh.cmd("start")
    assert "公司的名称" in zh.said()
    zh.onboard("华夏科技", "2|ob|stage|not_started")
    assert "下一步" in zh.said()


@pytest.mark.parametrize("bad", ["2025-02-30", "next Tuesday", "31/12/2026", "明天"])
def test_wrong_dates_are_refused_with_a_clear_message(en: Driver, bad: str) -> None:
    en.onboard("Epsilon", "2|ob|stage|running")
    en.text(bad)
    assert "date" in en.said().lower()
    assert en.conv.company.system_start is None
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "since"


def test_future_start_date_is_refused(en: Driver) -> None:
    en.onboard("Zeta", "2|ob|stage|running")
    en.text("2027-01-01")
    assert "still ahead" in en.said() and "Since when" in en.said()  # asked again
    assert en.conv.company.system_start is None


def test_bad_headcount_is_asked_again(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("lots of people")
    assert "couldn't read that number" in en.said() and "1,000,000" in en.said()
    assert "about 80" in en.said()  # an example of what works
    assert en.conv.company.headcount is None


def test_second_start_mid_journey_keeps_progress(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|not_started")
    en.press("2|as.start")
    en.press("2|as.answer|A01|y")
    before = en.conv.company.model_copy(deep=True)
    en.cmd("start")
    assert "Welcome back, Acme" in en.said()
    assert en.conv.company.answers == before.answers
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "assess"


def test_back_returns_to_the_previous_onboarding_question(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme")
    en.cmd("back")
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "name"


def test_language_can_be_switched_any_time(en: Driver) -> None:
    en.cmd("start")
    en.press("2|lang|zh")
    assert en.conv.user.lang == "zh"
    assert "公司的名称" in en.said()  # the pending question is asked again, in Chinese


def test_timezone_and_reminder_hour_are_configurable(en: Driver) -> None:
    en.options = en.options.__class__(default_timezone="Europe/Berlin")
    en.onboard()
    assert en.conv.company.timezone == "Europe/Berlin"
    en.cmd("timezone", "Mars/Base")
    assert "don't know the time zone" in en.said() and en.conv.company.timezone == "Europe/Berlin"
    en.cmd("timezone", "America/New_York")
    en.cmd("reminderhour", "3")
    assert "no reminders at night" in en.said() and en.conv.company.reminder_hour == 9
    en.cmd("reminderhour", "10")
    assert en.conv.company.timezone == "America/New_York" and en.conv.company.reminder_hour == 10


@pytest.mark.parametrize(
    ("typed", "hour"), [("8am", 8), ("8:00", 8), ("晚上8点", 20), ("8pm", 20), ("下午三点", 15)]
)
def test_the_reminder_hour_as_people_write_it(en: Driver, typed: str, hour: int) -> None:
    en.onboard()
    en.cmd("reminderhour", typed)
    assert en.conv.company.reminder_hour == hour


@pytest.mark.parametrize("typed", ["3am", "25", "9pm", "noon-ish"])
def test_a_reminder_hour_outside_the_day_changes_nothing(en: Driver, typed: str) -> None:
    en.onboard()
    en.cmd("reminderhour", typed)
    assert en.conv.company.reminder_hour == 9 and "no reminders at night" in en.said()


def test_a_tapped_choice_rewrites_its_question_with_the_answer(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("华夏科技")
    zh.text("45")
    zh.press("2|ob|industry|software")
    record = zh.replies[0]
    assert record.edit and "公司属于哪个行业" in record.text and "软件/互联网" in record.text
    assert record.buttons == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("\u200b\u200c\u200d", None), ("\u202e", None), ("Acme\u0000 Ltd", "Acme Ltd"),
     ("A\u202ecme", "Acme"), ("  华光\u200b精密  ", "华光精密")],
)  # fmt: skip
def test_invisible_and_control_characters_never_reach_a_name(
    en: Driver, typed: str, stored: str | None
) -> None:
    en.cmd("start")
    en.text(typed)
    if stored is None:
        assert en.conv.company.name == "" and "company's name" in en.said(), en.said()
    else:
        assert en.conv.company.name == stored


@pytest.mark.parametrize(
    ("said", "hour", "zone"),
    [("提醒改成下午3点", 15, "Asia/Shanghai"), ("remind me at 10am", 10, "Asia/Shanghai"),
     ("时区改成纽约", 9, "America/New_York"),
     ("change my timezone to Europe/Berlin", 9, "Europe/Berlin")],
)  # fmt: skip
def test_reminder_settings_said_in_words(zh: Driver, said: str, hour: int, zone: str) -> None:
    zh.onboard()
    zh.text(said)
    assert (zh.conv.company.reminder_hour, zh.conv.company.timezone) == (hour, zone)


def test_a_night_hour_said_in_words_is_refused(zh: Driver) -> None:
    zh.onboard()
    zh.text("提醒改成凌晨3点")
    assert zh.conv.company.reminder_hour == 9 and "8 到 20" in zh.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "我们想搞贯标，不知道从哪开始"),
        ("zh", "老板让我来弄贯标"),
        ("en", "Hi, we want to get certified"),
        ("en", "I need help with IPMS certification"),
        ("en", "hi, we got certified last year, need help keeping the cert"),
        ("en", "Good morning"),
        ("zh", "你好，我们去年拿证了，明年要监督审核"),
    ],
)
def test_why_they_came_is_not_taken_for_the_company_name(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    assert d.conv.company.name in ("", None)
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "name"
    d.text("宁波恒达塑业有限公司")
    assert d.conv.company.name == "宁波恒达塑业有限公司"


@pytest.mark.parametrize(
    "name",
    [
        "恒达认证技术有限公司",
        "Certification Partners Ltd",
        "体系通科技",
        "Hi-Tech Precision",
        "证书通科技",
    ],
)
def test_names_with_our_words_are_still_names(en: Driver, name: str) -> None:
    en.cmd("start")
    en.text(name)
    assert en.conv.company.name == name


@pytest.mark.parametrize(
    ("answers", "field", "word"),
    [([], "name", "报告"), (["恒达", "120", "制造业", "1"], "stage", "还没开始：")],
)
def test_what_does_this_mean_during_onboarding_explains_the_question(
    zh: Driver, answers: list[str], field: str, word: str
) -> None:
    zh.cmd("start")
    for a in answers:
        zh.text(a)
    zh.text("这个是啥意思")
    assert word in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == field


def test_what_does_this_mean_under_a_step_card_shows_the_step_explained(en: Driver) -> None:
    en.onboard()
    en.text("what does this mean?")
    assert "Why:" in en.said() and "outside" not in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "now"), [("zh", "can you speak english?", "en"), ("en", "说中文", "zh")]
)
def test_asking_for_the_other_language_switches(
    kb: Knowledge, lang: str, said: str, now: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    assert d.conv.user.lang == now


def test_asking_for_a_human_is_answered_honestly(zh: Driver) -> None:
    zh.onboard()
    zh.text("人工客服")
    assert "没有人工客服" in zh.said()


def test_onboarding_reads_natural_answers_and_reads_the_profile_back(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("宁波恒达塑业有限公司")
    zh.text("around 45 staff, maybe 50")  # the first number said
    zh.text("两个厂区，一个在北仑一个在慈溪")  # not an industry: the sites noted, asked again
    assert not zh.conv.company.industry and "也记下了：2 个经营场所" in zh.said()
    assert "行业" in zh.said()
    zh.text("做注塑的")  # the sites question is not asked again
    assert "哪个阶段" in zh.said()
    zh.text("还没")
    c = zh.conv.company
    assert (c.headcount, c.industry, c.sites, c.stage) == (45, "注塑", 2, Stage.NOT_STARTED)
    assert "45 人 · 注塑 · 2 个经营场所 · 还没开始" in zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "name", "profile", "noted"),
    [("zh", "苏州恒通精密机械有限公司，做精密零件加工的，120来人", "苏州恒通精密机械有限公司",
      (120, "manufacturing", None), "也记下了：120 人、行业“制造业”"),
     ("zh", "恒通精密，大概一百二十人，就一个厂", "恒通精密", (120, "", 1),
      "也记下了：120 人、1 个经营场所"),
     ("zh", "宁波海天精工有限公司，300多人，做机床的，两个厂区", "宁波海天精工有限公司",
      (300, "机床", 2), "也记下了：300 人、行业“机床”、2 个经营场所"),
     ("en", "Hengtong Precision Co., Ltd., about 120 people, two plants",
      "Hengtong Precision Co., Ltd.", (120, "", 2), "Also noted: 120 employees, 2 sites"),
     ("en", "Sunrise Optics Ltd, about 200 staff, optical lenses, 2 plants, certified under the "
            "2023 standard", "Sunrise Optics Ltd", (200, "optical lenses", 2),
      "Also noted: 200 employees, industry “optical lenses”, 2 sites"),
     ("en", "Acme Tools, we make machined parts, 45 staff", "Acme Tools",
      (45, "manufacturing", None), "Also noted: 45 employees, industry “Manufacturing”")],
)  # fmt: skip
def test_facts_told_with_the_name_are_kept_and_not_asked_again(
    kb: Knowledge, lang: str, said: str, name: str, profile: tuple[object, ...], noted: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    c = d.conv.company
    assert (c.name, c.headcount, c.industry, c.sites) == (name, *profile)
    assert noted in d.said()
    pending = d.conv.user.pending
    missing = [f for f in ("industry", "sites") if not getattr(c, f)] or ["stage"]
    # all of it told, the stage and edition too: onboarded, the certificate's number is next
    assert pending is not None and (
        pending.field == missing[0] or (c.onboarded and pending.field == "number")
    )


def test_an_industry_told_at_the_headcount_question_is_kept(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("恒通精密")
    zh.text("做机械加工的，精密零件")  # no number: the industry noted, the headcount asked again
    assert zh.conv.company.industry == "manufacturing" and not zh.conv.company.headcount
    assert "也记下了：行业“制造业”" in zh.said() and "没看懂" not in zh.said()
    assert "多少员工" in zh.said()
    zh.text("大概120人")  # the industry question is skipped
    assert zh.conv.company.headcount == 120 and "几个经营场所" in zh.said()


def test_a_count_told_at_the_industry_question_is_read_from_its_clause(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("45")
    en.text("machining, 2 plants")
    c = en.conv.company
    assert (c.industry, c.sites) == ("manufacturing", 2)
    assert "Where does the company stand" in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "industry", "noted"),
    [("zh", "做软件的，大概120人", "software", "也记下了：120 人、行业“软件/互联网”"),
     ("en", "we make valves, about 120 people", "valves", "Also noted: 120 employees")],
)  # fmt: skip
def test_a_trade_said_at_the_name_question_is_no_name(
    kb: Knowledge, lang: str, said: str, industry: str, noted: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    c = d.conv.company
    assert not c.name and (c.headcount, c.industry) == (120, industry)
    assert noted in d.said()
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "name"
    d.text("瑞丰" if lang == "zh" else "Ruifeng")
    assert d.conv.company.name in ("瑞丰", "Ruifeng")
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "sites"


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "老板亲自管"), ("zh", "没有专门的人"), ("en", "the boss handles it")],
)
def test_who_runs_it_is_no_industry(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text("Acme")
    d.text("45")
    d.text(said)
    assert not d.conv.company.industry
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "industry"


def test_an_industry_in_own_words_is_read_back(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("瑞丰")
    zh.text("45")
    zh.text("做阀门的")
    assert zh.conv.company.industry == "阀门"
    assert "行业记为“阀门”" in zh.said() and "行业改成" in zh.said()
    zh.text("行业改成制造业")  # while the sites question waits: changed, the question stays
    assert zh.conv.company.industry == "manufacturing" and "改好了：行业“制造业”" in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "sites"


@pytest.mark.parametrize("field", ["name", "headcount", "industry", "sites"])
def test_the_goal_date_told_at_any_question_is_kept(zh: Driver, field: str) -> None:
    zh.cmd("start")
    for said in {"name": [], "headcount": ["瑞丰"], "industry": ["瑞丰", "45"],
                 "sites": ["瑞丰", "45", "软件"]}[field]:  # fmt: skip
        zh.text(said)
    zh.text("明年6月底前拿证")
    assert zh.conv.company.goal_date == date(2027, 6, 30)
    assert "2027-06-30" in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == field


@pytest.mark.parametrize("said", ["end of June next year", "actually not started", "120 people"])
def test_a_date_a_stage_or_a_count_is_not_an_industry(en: Driver, said: str) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("45")
    en.text(said)
    assert not en.conv.company.industry


@pytest.mark.parametrize(
    ("lang", "said", "yes", "field", "value"),
    [("zh", "我们其实有150人", "对", "headcount", 150),
     ("en", "we have 150 employees now", "yes", "headcount", 150),
     ("zh", "公司名字写错了，应该是恒达精密", "对", "name", "恒达精密"),
     ("en", "our company name is actually Acme Precision Ltd", "yes", "name",
      "Acme Precision Ltd"),
     ("zh", "我们其实有两个厂区", "对", "sites", 2),
     ("en", "we actually have 3 sites", "yes", "sites", 3),
     ("zh", "行业应该是电子", "对", "industry", "electronics"),
     ("en", "our industry is actually precision valves", "yes", "industry", "precision valves")],
)  # fmt: skip
def test_the_profile_is_corrected_in_words_after_a_read_back(
    kb: Knowledge, lang: str, said: str, yes: str, field: str, value: object
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme Ltd")
    d.text(said)
    assert getattr(d.conv.company, field) != value  # read back first, nothing changed
    d.text(yes)
    assert getattr(d.conv.company, field) == value, d.said()


@pytest.mark.parametrize(
    "said", ["we have 2 minor findings", "我们有两个人负责知识产权", "我们二阶段有两个人来审核"]
)
def test_counts_of_other_things_are_no_headcount(en: Driver, said: str) -> None:
    en.onboard("Acme Ltd")
    before = en.conv.company.headcount
    en.text(said)
    assert not any(b.data.startswith("2|prof.set|") for b in en.buttons)
    assert en.conv.company.headcount == before


@pytest.mark.parametrize(
    ("lang", "said", "word"),
    [("en", "hi, we got certified last year, need help keeping the cert", "keep the certificate"),
     ("zh", "你好，我们去年拿证了，明年要监督审核", "把证书保持住"),
     ("en", "Hi, we want to get certified", "step by step")],
)  # fmt: skip
def test_why_they_came_is_answered_for_what_they_came_for(
    kb: Knowledge, lang: str, said: str, word: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    assert word in d.said()


def test_an_industry_that_reads_two_ways_is_asked_not_guessed(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("45")
    en.text("PCB design services")
    assert not en.conv.company.industry
    assert "Electronics / telecom" in en.said() and "Services" in en.said()
    en.text("electronics")
    assert en.conv.company.industry == "electronics"


@pytest.mark.parametrize(
    ("lang", "said", "asked"),
    [("en", "we got certified in 2022 under the 2013 version", "cert_2013"),
     ("zh", "已获证，23版的", "number")],
)  # fmt: skip
def test_the_edition_said_with_the_stage_is_not_asked_again(
    kb: Knowledge, lang: str, said: str, asked: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text("Acme Valves, 60 people, one factory, we make valves")
    d.text(said)
    p = d.conv.user.pending
    if asked == "number":
        assert p is not None and p.field == "number", d.said()
    else:  # 2013 has ended: straight to the 2023 gap assessment
        assert "2025-12-31" in d.said() and d.conv.company.stage is Stage.RUNNING
    assert "GB/T 29490-2013" not in [b.label for b in d.buttons]


@pytest.mark.parametrize(
    ("lang", "said", "name", "stage"),
    [("zh", "杭州云帆软件有限公司，45个人左右，做SaaS的，就一个办公室，正在搞",
      "杭州云帆软件有限公司", Stage.BUILDING),
     ("en", "Acme Valves, 60 people, one factory, we make valves, not started yet", "Acme Valves",
      Stage.NOT_STARTED)],
)  # fmt: skip
def test_everything_told_at_once_onboards_in_one_message(
    kb: Knowledge, lang: str, said: str, name: str, stage: Stage
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    c = d.conv.company
    assert c.onboarded and c.name == name and c.stage is stage, d.said()


def test_the_stage_told_early_is_taken_when_its_turn_comes(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("恒通精密，120人，还没开始")
    assert zh.conv.company.name == "恒通精密" and not zh.conv.company.onboarded
    zh.text("制造业")
    zh.text("1")  # one site: then the stage said at first, not asked again
    assert zh.conv.company.onboarded and zh.conv.company.stage is Stage.NOT_STARTED


def test_certified_with_its_edition_told_ahead_asks_for_the_number_next(en: Driver) -> None:
    en.cmd("start")
    en.text("Sunrise Optics Ltd, about 200 staff, 2 plants, certified under the 2023 standard")
    en.text("manufacturing")
    p = en.conv.user.pending
    assert en.conv.company.stage is Stage.CERTIFIED and p is not None and p.field == "number"


@pytest.mark.parametrize(
    ("lang", "said", "edition", "name", "number", "issued"),
    [("zh", "我们是华光科技，80人，做软件的，一个办公室，去年拿的证，证书号165IP240001R0M，"
      "2024年3月1号发证", "2023", "华光科技", "165IP240001R0M", "2024-03-01"),
     ("en", "Brightway Tools, 60 staff, we make hand tools, one plant, certified under the 2023 "
      "version, cert no. 165IP250777R0M issued on 15 Dec 2025", None, "Brightway Tools",
      "165IP250777R0M", "2025-12-15")],
)  # fmt: skip
def test_a_certificate_told_with_the_name_is_not_asked_again(
    kb: Knowledge, lang: str, said: str, edition: str | None, name: str, number: str, issued: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    if edition:  # "去年拿的证": the edition is asked (a 2024 certificate may be either)
        d.press(f"2|cert.edition|{edition}")
    assert number in d.said() and issued in d.said()  # read back as kept
    p = d.conv.user.pending
    assert d.conv.company.name == name and d.conv.company.stage is Stage.CERTIFIED
    assert p is not None and p.field == "expires", d.said()  # number and date not asked
    assert p.data["number"] == number and p.data["issued"] == issued


def test_a_question_with_a_chinese_word_keeps_english_and_is_no_name(en: Driver) -> None:
    en.cmd("start")
    en.text("whats 贯标 exactly? my accountant said we should do it")
    assert en.conv.user.lang == "en" and not en.conv.company.name, en.said()
    assert "GB/T 29490" in en.said()  # answered, then the name question again
    en.text("Pixelbloom Design Studio")
    assert en.conv.company.name == "Pixelbloom Design Studio"


@pytest.mark.parametrize(
    ("lang", "said", "name"),
    [("en", "Hi, we're Lumen Design, a small design studio", "Lumen Design"),
     ("zh", "你好，我们是蓝光设计，一个小设计工作室", "蓝光设计")],
)  # fmt: skip
def test_a_greeting_before_the_name_is_no_name(
    kb: Knowledge, lang: str, said: str, name: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    assert d.conv.company.name == name, d.said()


@pytest.mark.parametrize(
    ("lang", "said", "stage"),
    [("en", "we've started writing some documents", Stage.BUILDING),
     ("zh", "文件开始写了", Stage.BUILDING), ("zh", "手册写了一半，有5个发明专利", Stage.BUILDING),
     ("zh", "没搞过", Stage.NOT_STARTED),
     ("zh", "啥都没弄过，老板让我先了解下", Stage.NOT_STARTED)],
)  # fmt: skip
def test_the_stage_in_owners_words(kb: Knowledge, lang: str, said: str, stage: Stage) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    for answer in ("Lumen", "25", "设计" if lang == "zh" else "design", "1", said):
        d.text(answer)
    assert d.conv.company.stage is stage, d.said()


def test_patents_counted_at_the_sites_question_are_no_sites(zh: Driver) -> None:
    zh.cmd("start")
    for answer in ("蓝光", "25", "设计", "有3个专利吧，都是实用新型"):
        zh.text(answer)
    assert zh.conv.company.sites is None and "经营场所" in zh.said()
    zh.text("就一个厂")
    assert zh.conv.company.sites == 1


def test_an_owner_introducing_the_company_in_one_sentence(en: Driver) -> None:
    """ "about 45 people" is no year 2045; "we're a small electronics maker" is what the
    company does, not its name; "just one factory" at the headcount question counts sites."""
    en.cmd("start")
    en.text("we're a small electronics maker, about 45 people, want to get the IP certification")
    c = en.conv.company
    assert c.goal_date is None and not c.name
    assert (c.headcount, c.industry) == (45, "electronics")
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "name"
    en.text("Brightway Electronics")
    en.text("just one factory")
    assert en.conv.company.sites == 1 and en.conv.company.headcount == 45
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "stage"


def test_one_factory_said_at_the_headcount_question_is_no_headcount(en: Driver) -> None:
    en.cmd("start")
    en.text("Brightway")
    en.text("just one factory")
    c = en.conv.company
    assert c.sites == 1 and not c.headcount
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "headcount"


@pytest.mark.parametrize("said", ["ok let's do the assessment", "can you help me"])
def test_a_sentence_to_us_is_no_industry(en: Driver, said: str) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("45")
    en.text(said)
    assert not en.conv.company.industry


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "ok let's do the assessment"), ("zh", "开始评估吧")]
)
def test_asking_for_the_assessment_in_words_starts_it(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.cmd("help")  # the card's offer has lapsed
    d.text(said)
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "assess"


def test_a_certified_owner_onboards_in_their_own_words(zh: Driver) -> None:
    """Here to keep a certificate alive: why they came is no name, "2023版的" is no headcount
    of 2023 and says certified, and news of this year's audits never fills a certificate
    field ("内审是10月做的" was taken as the certificate number)."""
    zh.cmd("start")
    zh.text("你好，我们去年拿的证，想让你提醒我们年审")
    assert not zh.conv.company.name
    zh.text("恒通精密机械有限公司，80人左右，做机加工的，一个厂")
    c = zh.conv.company
    assert (c.name, c.headcount, c.industry, c.sites) == (
        "恒通精密机械有限公司",
        80,
        "manufacturing",
        1,
    )
    assert c.stage is Stage.CERTIFIED  # told with the first message
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "edition"
    zh.text("今年的监督审核还没做")  # news, not the edition nor an issue date
    assert "先把证书登记完" in zh.said()
    zh.text("2023版的")
    zh.text("内审是10月做的")  # no certificate number
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "number"
    zh.text("证书编号165IP24000789R0M")
    zh.text("去年11月20号发的")
    zh.text("管评下周开")  # no expiry date
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "expires"
    zh.text("对")
    cert = zh.conv.company.certificate
    assert cert is not None and cert.number == "165IP24000789R0M"
    assert (cert.issued, cert.expires) == (date(2025, 11, 20), date(2028, 11, 19))


@pytest.mark.parametrize("said", ["2023版的", "3个专利"])
def test_an_edition_or_a_count_of_rights_is_no_headcount(zh: Driver, said: str) -> None:
    zh.cmd("start")
    zh.text("恒通")
    zh.text(said)
    assert not zh.conv.company.headcount
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "headcount"


def test_the_issue_date_said_for_the_edition_is_kept(zh: Driver) -> None:
    zh.onboard("恒通", "2|ob|stage|certified")
    zh.text("去年11月20号发的")
    assert "2025-11-20" in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "edition"
    zh.press("2|cert.edition|2023")
    zh.text("165IP24000789R0M")
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "expires"


def test_the_edition_said_at_the_industry_question_is_kept_for_the_certificate(
    en: Driver,
) -> None:
    en.cmd("start")
    en.text("hello, we got certified last year and need help keeping the cert")
    en.text("Sunrise Optics Ltd, 200 staff, 2 plants")
    en.text("2023 edition")  # at the industry question
    assert not en.conv.company.industry and "Edition noted" in en.said()
    en.text("optical lenses")
    assert en.conv.company.industry == "optical lenses"
    # the stage (told first) and the edition (told ahead) are not asked again
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "number"


def test_the_number_and_date_said_at_the_edition_question_are_kept(en: Driver) -> None:
    en.onboard("Sunrise", "2|ob|stage|certified")
    en.text("the number is 165IP24000321R1M, issued on 10 March 2026")
    en.press("2|cert.edition|2023")
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "expires"
    en.text("ok")
    cert = en.conv.company.certificate
    assert cert is not None and cert.number == "165IP24000321R1M"


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "您好，我是公司行政，老板让我了解一下贯标"),
     ("en", "hi, I'm the office manager, my boss asked me to look into the IP certification")],
)  # fmt: skip
def test_who_is_writing_is_no_company_name(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    assert not d.conv.company.name
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "name"


def test_a_chinese_greeting_as_the_first_words_switches_to_chinese(en: Driver) -> None:
    en.cmd("start")
    en.text("你好")
    assert en.conv.user.lang == "zh" and "贵公司的名称是" in en.said()
    assert not en.conv.company.name


def test_a_goal_said_with_other_facts_keeps_them_all(en: Driver) -> None:
    en.cmd("start")
    en.text("we're a small electronics maker, about 45 people, want to get certified by end of "
            "June next year")  # fmt: skip
    c = en.conv.company
    assert c.goal_date == date(2027, 6, 30) and (c.headcount, c.industry) == (45, "electronics")
    assert "Also noted: 45 employees" in en.said() and not c.name


def test_the_stage_told_at_another_question_is_said_to_be_kept(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme")
    en.text("we haven't started")
    assert "Also noted: Not started yet" in en.said()
    en.text("45")
    en.press("Software")
    en.text("1")
    assert en.conv.company.onboarded and en.conv.company.stage is Stage.NOT_STARTED


@pytest.mark.parametrize(
    "said",
    ["您好，我们去年拿的贯标证书，想让你提醒我们年审", "我们拿了知识产权体系认证，要提醒年审"],
)
def test_news_of_a_certificate_is_no_company_name(zh: Driver, said: str) -> None:
    """ "拿的贯标证书" says why they came; the name was taken to be the whole sentence."""
    zh.cmd("start")
    zh.text(said)
    assert not zh.conv.company.name, zh.conv.company.name
    zh.text("宁波华信塑料制品有限公司")
    assert zh.conv.company.name == "宁波华信塑料制品有限公司"


def test_a_name_introduced_with_called_inside_a_description(en: Driver) -> None:
    """ "I run a small software company called Bytewise, …": the name, the trade and the rest."""
    en.cmd("start")
    en.text(
        "Hi, I run a small software company called Bytewise, 25 people, one office in "
        "Shenzhen. We have not started."
    )
    c = en.conv.company
    assert (c.name, c.headcount, c.industry, c.sites) == ("Bytewise", 25, "software", 1)
    assert c.stage == "not_started", en.said()


def test_who_writes_with_the_company_named_is_no_name(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("我是瑞达的行政，老板让我了解一下贯标")
    assert not zh.conv.company.name
    zh.text("苏州瑞达精密")
    assert zh.conv.company.name == "苏州瑞达精密"


def test_documents_drafted_is_building(en: Driver) -> None:
    en.cmd("start")
    for said in ("Bytewise Ltd", "25", "software", "one office", "we have a few documents drafted"):
        en.text(said)
    assert en.conv.company.stage == "building", en.said()


def test_a_trade_a_place_and_a_stage_where_the_name_was_asked_are_no_name(zh: Driver) -> None:
    """ "我们是做软件的小公司，25个人" became the name "做软件的小公司" (and the trade was lost);
    then "深圳就一个办公室" and "刚开始了解" were each taken as the name."""
    zh.cmd("start")
    zh.text("我们是做软件的小公司，25个人")
    c = zh.conv.company
    assert not c.name and (c.headcount, c.industry) == (25, "software"), (c, zh.said())
    zh.text("深圳就一个办公室")
    assert not zh.conv.company.name and zh.conv.company.sites == 1, zh.said()
    zh.text("刚开始了解")
    assert not zh.conv.company.name, zh.said()
    zh.text("云帆科技")
    c = zh.conv.company
    assert (c.name, c.stage, c.onboarded) == ("云帆科技", "not_started", True), zh.said()


@pytest.mark.parametrize("said", ["老板签过一个，不知道算不算", "劳动合同里有保密条款，竞业没签"])
def test_a_sentence_about_something_else_is_no_site_count_or_trade(zh: Driver, said: str) -> None:
    zh.cmd("start")
    zh.text("云帆科技")
    zh.text("25")
    zh.text(said)  # at the industry question
    assert zh.conv.company.industry == "", zh.said()
    zh.press("2|ob|industry|software")
    zh.text(said)  # at the sites question
    assert zh.conv.company.sites is None, zh.said()


def test_a_trade_said_with_its_own_verb_is_the_industry(en: Driver) -> None:
    """ "we grind optical lenses": the industry question came, and every later answer was
    "that doesn't look like an industry"."""
    en.cmd("start")
    en.text("Lumen Optics Ltd, 60 staff, we grind optical lenses, one plant")
    c = en.conv.company
    assert (c.name, c.headcount, c.industry, c.sites) == (
        "Lumen Optics Ltd",
        60,
        "optical lenses",
        1,
    )


def test_the_industry_question_does_not_hold_up_the_rest(en: Driver) -> None:
    en.cmd("start")
    en.text("Acme Ltd")
    en.text("45")
    en.text("we're certified since last May")  # no industry in it: asked once more
    assert en.conv.user.pending is not None and en.conv.user.pending.field == "industry"
    en.text("2023")  # again none: "other" for now, changeable in words
    assert en.conv.company.industry == "other", en.said()
    assert "change it" in en.said()
    assert en.conv.user.pending is None or en.conv.user.pending.field != "industry"


@pytest.mark.parametrize(
    ("lang", "said", "name"), [("en", "fine, let's try", "Brightline"), ("zh", "好吧试试", "云帆")]
)
def test_agreeing_to_go_on_is_no_company_name(
    kb: Knowledge, lang: str, said: str, name: str
) -> None:
    d = Driver(kb, lang)
    d.cmd("start")
    d.text(said)
    assert not d.conv.company.name, d.conv.company.name
    d.text(name)
    assert d.conv.company.name == name


def test_the_sites_question_does_not_hold_up_the_rest(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("云帆科技，25人，做软件的")
    zh.text("有")  # no count: asked once more
    assert zh.conv.company.sites is None and zh.conv.user.pending.field == "sites"  # type: ignore[union-attr]
    zh.text("老板签过一个，不知道算不算")  # again none: one site for now, changeable in words
    assert zh.conv.company.sites == 1, zh.said()
    assert "先按 1 个记" in zh.said() and zh.conv.user.pending.field == "stage"  # type: ignore[union-attr]


def _started(kb: Knowledge, lang: str, name: str = "") -> Driver:
    """A new user after /start (and the name typed, when given): the question that follows."""
    d = Driver(kb, lang)
    d.cmd("start")
    if name:
        d.text(name)
    return d


@pytest.mark.parametrize(
    ("lang", "first", "second", "noted"),
    [
        ("zh", "不太清楚，没数过", "哎呀", 50),  # a guess asked for, then 50 noted
        ("zh", "人不多", "反正不多", 20),  # the two small ranges, then 20
        ("en", "not sure tbh", "whatever", 50),
        ("en", "not many", "a small team really", 20),
    ],
)
def test_the_headcount_question_does_not_hold_up_the_rest(
    kb: Knowledge, lang: str, first: str, second: str, noted: int
) -> None:
    """It used to answer "not understood" to every such reply, round and round."""
    d = _started(kb, lang, "Acme")
    d.text(first)
    assert d.conv.company.headcount is None and d.conv.user.pending.field == "headcount"  # type: ignore[union-attr]
    assert "not understood" not in d.said() and "没看懂" not in d.said(), d.said()
    d.text(second)
    assert d.conv.company.headcount == noted, d.said()
    assert "change it" in d.said() or "随时可以改" in d.said()
    assert d.conv.user.pending.field == "industry"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lang", "said", "ranges"),
    [
        ("zh", "人不多", ["2|ob|headcount|10", "2|ob|headcount|50"]),
        ("zh", "几十个人吧", ["2|ob|headcount|50", "2|ob|headcount|200"]),
        ("en", "just a small team, we make lenses", ["2|ob|headcount|10", "2|ob|headcount|50"]),
        ("en", "a few dozen", ["2|ob|headcount|50", "2|ob|headcount|200"]),
        ("zh", "好几百人", ["2|ob|headcount|200", "2|ob|headcount|500", "2|ob|headcount|1000"]),
    ],
)
def test_an_amount_in_words_offers_the_ranges_it_may_mean(
    kb: Knowledge, lang: str, said: str, ranges: list[str]
) -> None:
    d = _started(kb, lang, "Acme")
    d.text(said)
    assert [b.data for b in d.buttons] == ranges, d.said()
    d.press(ranges[-1])
    assert d.conv.company.headcount == int(ranges[-1].rsplit("|", 1)[1])
    assert "Building the system" not in d.said()  # "a few" is no "a few docs drafted"


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "你问这个干嘛"), ("en", "why do you need that?")]
)
def test_why_the_headcount_is_asked_is_answered(kb: Knowledge, lang: str, said: str) -> None:
    d = _started(kb, lang, "Acme")
    d.text(said)
    assert "audit days" in d.said() or "审核的人日" in d.said(), d.said()
    assert d.conv.user.pending.field == "headcount"  # type: ignore[union-attr]


def test_a_headcount_typed_at_the_industry_question_corrects_it(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("云帆")
    zh.text("上百人")
    assert zh.conv.company.headcount == 100
    zh.text("一百二左右")  # not the industry "一百二左右"
    assert zh.conv.company.headcount == 120 and not zh.conv.company.industry, zh.said()
    zh.text("五金")  # a trade, not five people
    assert zh.conv.company.headcount == 120 and zh.conv.company.industry


@pytest.mark.parametrize(("said", "n"), [("小公司，一百多人", 100), ("one hundred people", 100)])
def test_a_count_in_words_beside_small_is_the_count(kb: Knowledge, said: str, n: int) -> None:
    d = Driver(kb, "zh" if "公司" in said else "en")
    d.cmd("start")
    d.text("Acme")
    d.text(said)
    assert d.conv.company.headcount == n, d.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "这是干嘛的"), ("zh", "你是谁"), ("en", "what is this?"), ("en", "who are you")],
)
def test_who_we_are_asked_at_the_name_question_is_answered_not_taken_as_the_name(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = _started(kb, lang)
    d.text(said)
    assert not d.conv.company.name, d.conv.company.name
    assert "program" in d.said() or "程序" in d.said(), d.said()
    assert d.conv.user.pending.field == "name"  # type: ignore[union-attr]
    d.text("Acme")
    assert d.conv.company.name == "Acme"


def test_who_we_are_as_the_first_words_starts_with_the_welcome(en: Driver) -> None:
    en.text("who are you")
    assert "IPMS certification assistant" in en.said() and "company's name" in en.said()


@pytest.mark.parametrize(
    ("lang", "first", "again"), [("zh", "算了", "重新开始"), ("en", "never mind", "start over")]
)
def test_giving_up_or_starting_over_at_the_profile_is_no_answer(
    kb: Knowledge, lang: str, first: str, again: str
) -> None:
    d = _started(kb, lang)
    d.text(first)  # at the name question: not the company's name
    assert not d.conv.company.name and d.conv.user.pending is None, d.said()
    d.cmd("start")
    d.text("Acme")
    d.text("45")
    d.text(again)
    assert not d.conv.company.name and d.conv.company.headcount is None
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "name", d.said()


@pytest.mark.parametrize(
    ("lang", "said", "name"),
    [("en", "Hi, I'm Li Na, IP manager at Kestrel Robotics", "Kestrel Robotics"),
     ("en", "I work for Kestrel Robotics", "Kestrel Robotics"),
     ("en", "Zhongtai Precision Parts, I just told you", "Zhongtai Precision Parts"),
     ("zh", "我是云帆科技的IP经理小李", "云帆科技"),
     ("zh", "我叫李娜，在云帆科技做知识产权", "云帆科技"),
     ("zh", "云帆科技，我刚说了", "云帆科技")],
)  # fmt: skip
def test_the_company_is_read_out_of_a_self_introduction(
    kb: Knowledge, lang: str, said: str, name: str
) -> None:
    """The whole sentence became the name and greeted the owner in every "welcome back"."""
    d = _started(kb, lang)
    d.text(said)
    assert d.conv.company.name == name, d.said()


def test_the_company_name_changed_in_english_words(en: Driver) -> None:
    en.onboard("Zhongtai")
    en.text("change the company name to Zhongtai Precision Parts")
    en.text("yes")
    assert en.conv.company.name == "Zhongtai Precision Parts", en.said()


@pytest.mark.parametrize("said", ["...", "。。。", "👍"])
def test_punctuation_or_a_sign_at_the_name_question_asks_for_the_name(
    en: Driver, said: str
) -> None:
    """ "..." got "Please type a company name of 1–120 characters" (it is three characters)."""
    en.cmd("start")
    en.text(said)
    assert not en.conv.company.name and "1–120" not in en.said(), en.said()
