"""Answers typed as people type them are understood in every awaited input (issue 8).

Each case below was seen in a real try-out; the parsers themselves have their own tables in
tests/natural. These tests go through the flows: what the user types, what is stored, what
the assistant says back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from flows.types import EventKind
from knowledge.loader import Knowledge
from tests.flows.conftest import START, Driver

ASSESSMENT_WORDS = [
    ("有", "yes"), ("有的", "yes"), ("是", "yes"), ("是的", "yes"), ("对", "yes"),
    ("已经有了", "yes"), ("基本有", "yes"), ("部分", "partly"), ("一部分", "partly"),
    ("有一些", "partly"), ("没有", "no"), ("还没有", "no"), ("无", "no"), ("否", "no"),
    ("不适用", "na"), ("不清楚", "unsure"), ("不确定", "unsure"), ("不知道", "unsure"),
    ("跳过", "unsure"), ("N/A", "na"), ("yes", "yes"), ("yep", "yes"), ("partly", "partly"),
    ("somewhat", "partly"), ("no", "no"), ("not yet", "no"), ("n/a", "na"),
    ("not sure", "unsure"), ("skip", "unsure"), ("有，去年制定的", "yes"),
    ("有个草稿", "partly"), ("有，但没签字", "partly"), ("老板口头说过", "partly"),
    ("we have a draft", "partly"), ("we do it informally", "partly"), ("I believe so", "yes"),
]  # fmt: skip


def _in_assessment(d: Driver) -> str:
    d.onboard()
    d.press("2|as.start")
    assert d.conv.user.pending is not None
    return d.conv.user.pending.field


@pytest.mark.parametrize(("typed", "stored"), ASSESSMENT_WORDS)
def test_assessment_answers_in_words(zh: Driver, typed: str, stored: str) -> None:
    qid = _in_assessment(zh)
    zh.text(typed)
    assert zh.conv.company.answers[qid].value == stored
    assert "您是想问" not in zh.said() and "超出了我掌握" not in zh.said()  # never the FAQ
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field != qid  # moved on


def test_not_sure_is_counted_apart_and_offered_for_clarification(en: Driver) -> None:
    _in_assessment(en)
    en.text("not sure")
    en.answer_all("y", full=False)
    said = en.said()
    assert 'Answers marked "not sure": 1.' in said
    clarify = [b for b in en.buttons if b.data == "2|as.set|clarify"]
    assert clarify, "a way to revisit the not-sure answers"
    en.press("2|as.set|clarify")
    unsure = [q for q, a in en.conv.company.answers.items() if a.value == "unsure"]
    assert en.conv.user.pending is not None and en.conv.user.pending.field == unsure[0]
    en.text("yes")
    assert en.conv.company.answers[unsure[0]].value == "yes"


def test_unsure_is_not_scored_as_no(en: Driver) -> None:
    from flows.scoring import readiness

    _in_assessment(en)
    en.answer_all("y", full=False)
    before = readiness(en.conv.company.answers, en.kb.questions, en.kb.rules).overall
    qid = next(iter(en.conv.company.answers))
    en.conv.company.answers[qid] = en.conv.company.answers[qid].model_copy(
        update={"value": "unsure"}
    )
    after = readiness(en.conv.company.answers, en.kb.questions, en.kb.rules).overall
    assert before == after == 100  # a "no" would have lowered it


@pytest.mark.parametrize(
    ("typed", "reply"), [("随便吧", "没看懂这个回答"), ("嗯嗯", "您是想说“有”吗")]
)
def test_unclear_answer_is_asked_again_with_examples(zh: Driver, typed: str, reply: str) -> None:
    qid = _in_assessment(zh)
    zh.text(typed)
    said = zh.said()
    assert reply in said and "还没有" in said  # what is expected, with examples
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == qid
    assert qid not in zh.conv.company.answers


def test_a_real_question_mid_assessment_is_answered_and_the_question_comes_back(
    zh: Driver,
) -> None:
    qid = _in_assessment(zh)
    zh.text("内审员需要证书吗？")
    assert "内审" in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == qid


@pytest.mark.parametrize(
    ("typed", "headcount"),
    [("大概120人吧", 120), ("一百二十人左右", 120), ("50来个", 50), ("about 60", 60),
     ("around 200 people", 200), ("1,200", 1200), ("两百", 200)],
)  # fmt: skip
def test_headcount_as_people_say_it(zh: Driver, typed: str, headcount: int) -> None:
    zh.cmd("start")
    zh.text("华光精密")
    zh.text(typed)
    assert zh.conv.company.headcount == headcount
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "industry"


@pytest.mark.parametrize(
    ("typed", "industry"),
    [("制造", "manufacturing"), ("我们是做注塑的工厂", "manufacturing"), ("软件", "software"),
     ("Pharma", "biomed"), ("半导体", "electronics"), ("2", "electronics")],
)  # fmt: skip
def test_industry_by_word_synonym_or_number(zh: Driver, typed: str, industry: str) -> None:
    zh.cmd("start")
    zh.text("华光精密")
    zh.text("120")
    zh.text(typed)
    assert zh.conv.company.industry == industry


def test_a_number_that_matches_no_option_asks_for_one_in_range(zh: Driver) -> None:
    zh.cmd("start")
    for answer in ("华光精密", "120", "制造", "2"):
        zh.text(answer)
    assert zh.conv.company.sites == 2  # "2" means 2 sites, never a language switch
    zh.text("7")
    assert "1–6" in zh.said() and "成文信息" not in zh.said()
    assert zh.conv.company.stage is None


def test_stage_in_words(zh: Driver) -> None:
    zh.cmd("start")
    for answer in ("华光精密", "120", "制造", "2", "已经拿证了"):
        zh.text(answer)
    assert zh.conv.company.stage == "certified"


@pytest.mark.parametrize(
    ("typed", "start"),
    [("2026年9月", date(2026, 9, 1)), ("上个月1号", date(2026, 10, 1)),
     ("2026-06-01", date(2026, 6, 1)), ("去年9月", date(2025, 9, 1))],
)  # fmt: skip
def test_system_start_in_words_is_echoed(zh: Driver, typed: str, start: date) -> None:
    zh.onboard("华光精密", "2|ob|stage|running")
    zh.text(typed)
    assert zh.conv.company.system_start == start
    if typed.count("-") != 2:
        assert f"我理解为 {start.isoformat()}" in zh.said()


def test_target_date_in_words(zh: Driver) -> None:
    zh.onboard()
    zh.press("2|as.start")
    zh.answer_all("y", full=False)
    zh.press("2|pl.make")
    zh.text("明年6月底")
    assert zh.conv.company.target_date is not None
    assert "我理解为 2027-06-30（周三）" in zh.said()


def test_date_not_understood_gives_examples_valid_today(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("since forever-ish")
    said = en.said()
    assert "couldn't read that date" in said
    examples = [s for s in said.split() if s[:4].isdigit() and len(s) >= 10]
    assert examples and all(date.fromisoformat(e[:10]) <= en.now.date() for e in examples)
    assert en.conv.company.system_start is None


def test_ambiguous_day_and_month_are_offered_as_buttons(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("3/4/2026")
    picks = [b for b in en.buttons if b.data.startswith("2|pick|")]
    assert len(picks) == 2
    en.send(EventKind.BUTTON, picks[1].data)
    assert en.conv.company.system_start in (date(2026, 3, 4), date(2026, 4, 3))


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("北京", "Asia/Shanghai"), ("Beijing", "Asia/Shanghai"), ("上海", "Asia/Shanghai"),
     ("深圳", "Asia/Shanghai"), ("berlin", "Europe/Berlin"), ("Asia/Tokyo", "Asia/Tokyo")],
)  # fmt: skip
def test_timezone_by_place_name(zh: Driver, typed: str, zone: str) -> None:
    zh.onboard()
    zh.cmd("timezone", typed)
    assert zh.conv.company.timezone == zone


@pytest.mark.parametrize("bad", ["Asia", "Europe", "America", "x" * 300, "../../etc/passwd"])
def test_odd_timezones_get_a_clear_answer_and_change_nothing(en: Driver, bad: str) -> None:
    en.onboard()
    before = en.conv.company.timezone
    en.cmd("timezone", bad)
    assert "time zone" in en.said()
    assert en.conv.company.timezone == before


@pytest.mark.parametrize("typed", ["7", "b"])
def test_a_bare_option_mark_with_nothing_to_choose_is_not_sent_to_the_faq(
    zh: Driver, typed: str
) -> None:
    zh.onboard()
    zh.text(typed)
    assert "分不清它对应哪个选项" in zh.said() and "成文信息" not in zh.said()
    assert "超出" not in zh.said()


@pytest.mark.parametrize(("typed", "stored"), [("没有", "yes"), ("从来没有", "yes"), ("有", "no")])
def test_a_question_about_something_to_avoid_takes_no_as_the_good_answer(
    zh: Driver, typed: str, stored: str
) -> None:
    penalty = next(q for q in zh.kb.questions if q.negated)
    qid = _in_assessment(zh)
    while qid != penalty.id:
        zh.text("有")
        assert zh.conv.user.pending is not None
        qid = zh.conv.user.pending.field
    zh.text(typed)
    assert zh.conv.company.answers[penalty.id].value == stored


@pytest.mark.parametrize("word", ["好的", "开始", "继续", "行", "ok", "start", "yes", "let's go"])
def test_what_is_next_is_accepted_in_words(word: str, en: Driver) -> None:
    en.onboard()  # ends with "what's next: the gap assessment" and its button
    en.text(word)
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "assess"
    assert "Question 1/17" in en.said()


def test_what_is_next_can_be_declined_and_anything_else_is_answered_normally(zh: Driver) -> None:
    zh.onboard()
    zh.text("先不用")
    assert "先不做" in zh.said() and zh.conv.user.pending is None
    zh.cmd("next")
    zh.text("内审员需要证书吗？")  # a question, not an answer to the offer: the offer stays
    assert "内审" in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "offer"


def test_yes_or_no_to_nothing_asked_is_not_sent_to_the_faq(en: Driver) -> None:
    en.onboard()
    en.text("hmm")  # the offer lapses
    for word in ("yes", "no"):
        en.text(word)
        assert "I'm here when you need me" in en.said(), word


@pytest.mark.parametrize(
    ("lang", "word", "lead"), [("zh", "不清楚", "我来带路"), ("en", "not sure", "lead the way")]
)
def test_not_sure_with_nothing_asked_is_shown_the_way_on(
    kb: Knowledge, lang: str, word: str, lead: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text("hmm")  # the offer lapses
    d.text(word)
    assert lead in d.said() and "2|as.start" in [b.data for b in d.buttons], d.said()


def test_a_greeting_mid_onboarding_says_hello_and_asks_again(en: Driver) -> None:
    en.cmd("start")
    en.text("Hi there")
    said = en.said()
    assert "Hello!" in said and said.count("I'm the IPMS certification assistant") == 0
    assert "company's name" in said and en.conv.company.name == ""


def test_a_question_in_between_keeps_the_offer(en: Driver) -> None:
    en.onboard()
    en.text("what is IPMS certification?")
    en.text("ok")
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "assess"


def test_a_fairly_sure_answer_offers_the_runners_up_instead_of_related_questions(
    en: Driver,
) -> None:
    en.onboard()
    match = en.kb.matcher.match("how much does certification cost?", "en")
    en.text("how much does certification cost?")
    [reply] = en.replies
    assert match.entry is not None and match.entry.answer.en in reply.text
    if match.score < 90:
        assert "Not what you asked?" in reply.text and "Related questions" not in reply.text
        labels = [b.label for row in reply.buttons for b in row]
        assert labels and match.entry.questions.en[0] not in labels
    else:
        assert "Not what you asked?" not in reply.text


def _with_a_plan(zh: Driver) -> None:
    zh.onboard()
    zh.press("2|as.start")
    zh.answer_all("n", full=False)
    zh.press("2|pl.make")
    zh.text("2028-06-30")
    zh.cmd("next")  # what's next: the first plan action, with its "done" button


def test_ok_does_not_claim_an_action_done_but_done_words_do(zh: Driver) -> None:
    _with_a_plan(zh)
    open_before = [a.id for a in zh.conv.company.actions if a.done_on is None]
    zh.text("好的")  # an acknowledgement, not "I did it"
    assert [a.id for a in zh.conv.company.actions if a.done_on is None] == open_before
    zh.cmd("next")
    zh.text("做完了")
    done = [a.id for a in zh.conv.company.actions if a.done_on is not None]
    assert len(done) == 1 and "已标记完成" in zh.said()


def test_done_with_nothing_on_screen_asks_which_and_shows_the_current_item(zh: Driver) -> None:
    _with_a_plan(zh)
    zh.cmd("plan")
    zh.text("这些都做完了")
    assert "是哪一项做完了" in zh.said() and "下一步" in zh.said()
    assert all(a.done_on is None for a in zh.conv.company.actions)  # nothing ticked by guess


@pytest.mark.parametrize(
    ("said", "key", "day"),
    [("体系是2月15号开始运行的", "operate", date(2027, 2, 15)),
     ("我们上周五做了管理评审", "management_review", date(2027, 2, 26)),
     ("the internal audit was on 15 February", "internal_audit", date(2027, 2, 15)),
     ("内审已经做完了", "internal_audit", date(2027, 3, 1)),  # no date: today, said so
     ("we have submitted our application", "apply", date(2027, 3, 1))],
)  # fmt: skip
def test_a_fact_told_in_passing_is_read_back_and_recorded_on_yes(
    said: str, key: str, day: date
) -> None:
    from datetime import UTC, datetime

    from knowledge.loader import load_knowledge

    d = Driver(load_knowledge(), "zh" if any("\u4e00" <= c <= "\u9fff" for c in said) else "en",
               now=datetime(2027, 3, 1, 2, tzinfo=UTC))  # fmt: skip
    d.onboard("Acme", "2|ob|stage|building")
    d.text(said)
    assert any(b.data == f"2|fact|{key}|{day.isoformat()}" for b in d.buttons)  # read back
    d.text("对" if d.conv.user.lang == "zh" else "yes")
    from flows.context import Ctx
    from flows.known import timeline_of

    item = timeline_of(Ctx(d.conv, d.kb, d.now)).get(key)
    assert item is not None and item.on == day


@pytest.mark.parametrize(
    ("said", "stage", "since"),
    [("we already run the system since March", "running", date(2026, 3, 1)),
     ("we have been running it for a while", "running", None),
     ("我们已经在用了，从今年3月开始", "running", date(2026, 3, 1)),
     ("we are drafting the documents", "building", None),
     ("刚从零开始", "not_started", None),
     ("we're just starting", "not_started", None),
     ("刚起步", "not_started", None)],
)  # fmt: skip
def test_where_the_company_stands_in_a_sentence(
    en: Driver, said: str, stage: str, since: date | None
) -> None:
    en.cmd("start")
    for answer in ("Acme", "80", "software", "1"):
        en.text(answer)
    en.text(said)
    assert en.conv.company.stage == stage
    assert en.conv.company.system_start == since
    if stage == "running" and since is None:
        assert en.conv.user.pending is not None and en.conv.user.pending.field == "since"


def test_known_start_date_answers_the_three_months_question(en: Driver) -> None:
    en.cmd("start")
    for answer in ("Acme", "80", "software", "1", "we already run the system since March"):
        en.text(answer)
    en.text("ok")  # start the quick assessment
    asked = []
    while en.conv.user.pending is not None and en.conv.user.pending.flow == "assess":
        asked.append(en.conv.user.pending.field)
        en.text("yes")
    months = next(q for q in en.kb.questions if q.answered_by == "months")
    assert months.id not in asked
    assert en.conv.company.answers[months.id].value == "yes"  # March 2026 + 3 months < Dec
    en.text("ok")  # results offer the plan
    assert en.conv.user.pending is not None and en.conv.user.pending.flow == "plan_target"


def test_a_first_answer_in_chinese_switches_an_english_start_to_chinese(en: Driver) -> None:
    en.cmd("start")
    en.text("华光精密")
    assert en.conv.user.lang == "zh" and "用中文" in en.said()
    assert en.conv.company.name == "华光精密" and "员工" in en.said()  # next question in Chinese


def test_an_english_name_does_not_switch_a_chinese_start(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("Acme Precision")
    assert zh.conv.user.lang == "zh"


@pytest.mark.parametrize("typed", ["没有证书", "还没拿证", "we are not certified yet"])
def test_a_denied_stage_is_not_taken_for_it(zh: Driver, typed: str) -> None:
    zh.cmd("start")
    for answer in ("华光精密", "120", "制造", "2"):
        zh.text(answer)
    zh.text(typed)
    assert zh.conv.company.stage is None  # asked again, never "certified"
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "stage"


@pytest.mark.parametrize("typed", ["有", "是的", "不知道", "ok"])
def test_a_yes_or_no_is_not_stored_as_the_industry(zh: Driver, typed: str) -> None:
    zh.cmd("start")
    zh.text("华光精密")
    zh.text("120")
    zh.text(typed)
    assert not zh.conv.company.industry
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "industry"
    labels = [b.label for r in zh.replies for row in r.buttons for b in row]
    assert "制造业" in labels  # the options come again


@pytest.mark.parametrize("typed", ["好的", "有"])
def test_a_yes_is_not_taken_for_the_company_name(zh: Driver, typed: str) -> None:
    zh.cmd("start")
    zh.text(typed)
    assert not zh.conv.company.name and "例如" in zh.said()


def test_an_industry_in_own_words_is_kept_without_the_sentence_around_it(zh: Driver) -> None:
    zh.cmd("start")
    zh.text("华光精密")
    zh.text("120")
    zh.text("我们是做阀门的")
    assert zh.conv.company.industry == "阀门"


@pytest.mark.parametrize(
    ("typed", "name"),
    [("我们是做阀门的，叫温州瑞丰阀门有限公司", "温州瑞丰阀门有限公司"),
     ("我们公司叫瑞丰", "瑞丰"), ("公司名称是：瑞丰阀门。", "瑞丰阀门"), ("瑞丰阀门", "瑞丰阀门"),
     ("We're Acme Valves Ltd.", "Acme Valves Ltd."), ("it's called Acme", "Acme"),
     ("Brightway Electronics Co., Ltd.", "Brightway Electronics Co., Ltd."),
     ("Acme Valves", "Acme Valves"),
     ("We're Acme Precision Parts, a small factory in Suzhou", "Acme Precision Parts"),
     ("我们叫恒达，是一家做注塑的小厂", "恒达"), ("Smith, Jones & Co", "Smith, Jones & Co"),
     ("深圳市华光科技有限公司，做芯片的", "深圳市华光科技有限公司")],
)  # fmt: skip
def test_the_company_name_is_taken_out_of_a_sentence(zh: Driver, typed: str, name: str) -> None:
    zh.cmd("start")
    zh.text(typed)
    assert zh.conv.company.name == name


@pytest.mark.parametrize(
    ("typed", "edition"), [("2023版", "2023"), ("新版的", "2023"), ("1", "2023"), ("好的", None)]
)
def test_the_certificate_edition_in_words(zh: Driver, typed: str, edition: str | None) -> None:
    zh.onboard("华光精密", "2|ob|stage|certified")
    zh.text(typed)
    pending = zh.conv.user.pending
    if edition == "2023":
        assert pending is not None and pending.field == "number"
    else:
        assert pending is not None and pending.field == "edition"


def test_not_knowing_the_edition_gets_a_hint_and_the_question_again(zh: Driver) -> None:
    zh.onboard("华光精密", "2|ob|stage|certified")
    zh.text("不清楚")
    assert "标准号" in zh.said() and "超出" not in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "edition"


def test_an_answer_that_is_no_edition_asks_again_instead_of_the_faq(zh: Driver) -> None:
    zh.onboard("华光精密", "2|ob|stage|certified")
    zh.text("明年6月底")
    assert "超出" not in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == "edition"


def test_done_without_a_date_takes_the_planned_day_when_it_has_passed(zh: Driver) -> None:
    zh.onboard("华光精密", "2|ob|stage|applied")
    zh.text("2026-06-01")  # running since
    zh.text("一阶段审核定在3月10号")
    zh.text("对")
    zh.advance(110)  # 2027-03-17 or so: a week after it
    zh.text("一阶段审核做完了")
    assert any(b.data.endswith("|2027-03-10") for b in zh.buttons)
    assert "日期按今天" not in zh.said()


@pytest.mark.parametrize(
    "typed",
    [
        "这是啥意思",
        "看不懂",
        "什么意思？",
        "为什么重要？",
        "为什么",
        "这个是啥意思呀",
        "我没看懂这题",
    ],
)
def test_asking_what_a_question_means_explains_it_and_asks_again(zh: Driver, typed: str) -> None:
    qid = _in_assessment(zh)
    zh.text(typed)
    assert qid not in zh.conv.company.answers
    assert "为什么重要" in zh.said() and "审核员会看" in zh.said()
    assert "没看懂这个回答" not in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == qid


@pytest.mark.parametrize(
    "typed",
    [
        "What does this mean?",
        "why does this matter",
        "what does this question mean?",
        "I don't get it",
    ],
)
def test_what_does_this_mean_in_english(en: Driver, typed: str) -> None:
    qid = _in_assessment(en)
    en.text(typed)
    assert "Why it matters" in en.said() and qid not in en.conv.company.answers


def test_asking_what_a_term_means_goes_to_the_faq_not_the_question(zh: Driver) -> None:
    qid = _in_assessment(zh)
    zh.text("FTO是什么意思")  # a subject of its own: the FAQ answers, the question comes back
    assert "审核员会看" not in zh.said()
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == qid


@pytest.mark.parametrize(
    ("lang", "typed", "pick"),
    [("zh", "我们没有研发部门", "不适用"), ("zh", "我们不做研发", "否"),
     ("en", "we don't do R&D here", "Not applicable"), ("en", "no purchasing department", "No")],
)  # fmt: skip
def test_a_no_that_names_a_missing_activity_is_asked_apart(
    kb: Knowledge, lang: str, typed: str, pick: str
) -> None:
    d = Driver(kb, lang)
    qid = _in_assessment(d)
    d.text(typed)
    assert qid not in d.conv.company.answers, "not stored until the user says which"
    labels = [b.label for b in d.buttons]
    assert labels in (["不适用", "否"], ["Not applicable", "No"])
    d.send(EventKind.BUTTON, d.buttons[labels.index(pick)].data)
    stored = d.conv.company.answers[qid].value
    assert stored == ("na" if pick in ("不适用", "Not applicable") else "no")


def test_a_plain_no_is_still_a_no(zh: Driver) -> None:
    qid = _in_assessment(zh)
    zh.text("还没有")
    assert zh.conv.company.answers[qid].value == "no"


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("zh", "开始评估吧"), ("zh", "那就开始差距评估"), ("en", "ok let's start the assessment")],
)
def test_naming_the_offered_action_runs_it_after_a_question(
    kb: Knowledge, lang: str, typed: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text("贯标要花多少钱" if lang == "zh" else "how much does certification cost?")
    d.text(typed)
    pending = d.conv.user.pending
    assert pending is not None and pending.flow == "assess", d.said()


def _asked_since(d: Driver) -> None:
    d.cmd("start")
    d.text("Acme Ltd")
    d.text("45")
    d.press("Software" if d.conv.user.lang == "en" else "软件")
    d.press("2|ob|sites|1")
    d.press("2|ob|stage|running")
    assert d.conv.user.pending is not None and d.conv.user.pending.field == "since"


@pytest.mark.parametrize("typed", ["not sure", "skip", None])
def test_the_start_date_can_be_left_open(en: Driver, typed: str | None) -> None:
    _asked_since(en)
    if typed is None:
        en.press("Not sure")
    else:
        en.text(typed)
    assert en.conv.company.onboarded and en.conv.company.system_start is None
    assert "leave the start date open" in en.said()


@pytest.mark.parametrize(
    ("lang", "typed", "day"),
    [("en", "we started running the system on November 1", date(2026, 11, 1)),
     ("en", "since September", date(2026, 9, 1)),
     ("zh", "大概三个月前吧", date(2026, 8, 27)),
     ("zh", "我们是去年11月开始运行的", date(2025, 11, 1))],
)  # fmt: skip
def test_the_start_date_inside_a_sentence(kb: Knowledge, lang: str, typed: str, day: date) -> None:
    d = Driver(kb, lang)
    _asked_since(d)
    d.text(typed)
    assert d.conv.company.system_start == day


def _on_screen(d: Driver, qid: str | None) -> str:
    """The assessment started, with question ``qid`` on screen (the first one when None)."""
    first = _in_assessment(d)
    if qid is None:
        return first
    assert d.conv.user.pending is not None
    d.conv.user.pending.field = qid
    return qid


@pytest.mark.parametrize(
    ("qid", "typed", "stored"),
    [("F01", "we did the internal audit last week", "yes"), ("F01", "上周做了内审", "yes"),
     (None, "we didn't do it", "no"), (None, "还没做", "no")],
)  # fmt: skip
def test_an_answer_that_reports_it_done(
    zh: Driver, qid: str | None, typed: str, stored: str
) -> None:
    qid = _on_screen(zh, qid)  # the internal audit, told to the internal-audit question
    zh.text(typed)
    assert zh.conv.company.answers[qid].value == stored


@pytest.mark.parametrize("typed", ["继续评估", "continue the assessment"])
def test_asking_to_continue_mid_assessment_asks_the_question_again(zh: Driver, typed: str) -> None:
    qid = _in_assessment(zh)
    zh.cmd("plan")
    zh.text(typed)
    assert "没看懂" not in zh.said() and qid not in zh.conv.company.answers
    assert zh.conv.user.pending is not None and zh.conv.user.pending.field == qid


def test_the_plan_asked_for_in_words_after_the_results(zh: Driver) -> None:
    zh.onboard()
    zh.press("2|as.start")
    zh.answer_all("y", {"A03": "n"}, full=False)
    zh.text("做计划")
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "plan_target"


@pytest.mark.parametrize(
    ("lang", "typed", "word"),
    [("en", "it was issued on 15 March 2026", "GB/T 29490-2023 certificate"),
     ("zh", "证书是2026年3月15号发的", "GB/T 29490-2023 证书")],
)  # fmt: skip
def test_an_issue_date_after_the_2013_cut_off_settles_the_edition(
    kb: Knowledge, lang: str, typed: str, word: str
) -> None:
    d = Driver(kb, lang, now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    d.onboard("华光精密" if lang == "zh" else "Acme Ltd", "2|ob|stage|certified")
    d.text(typed)
    assert word in d.said()
    d.text("it's IP-2026-0123" if lang == "en" else "证书编号是：IP-2026-0123")
    pending = d.conv.user.pending
    assert pending is not None and pending.field == "expires"  # the issue date is not asked again
    d.text("2029-03-14")
    cert = d.conv.company.certificate
    assert cert is not None and cert.number == "IP-2026-0123"
    assert cert.issued == date(2026, 3, 15) and cert.edition == "2023"


def test_an_issue_date_before_the_cut_off_does_not_settle_the_edition(zh: Driver) -> None:
    zh.onboard("华光精密", "2|ob|stage|certified")
    zh.text("2024年5月发的证")  # a 2023 certificate or a 2013 one: the certificate says which
    pending = zh.conv.user.pending
    assert pending is not None and pending.field == "edition"


@pytest.mark.parametrize(("lang", "typed"), [("zh", "下一步呢"), ("en", "what now")])
def test_whats_next_in_the_middle_of_the_assessment_points_at_the_question(
    kb: Knowledge, lang: str, typed: str
) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme Ltd")
    d.press("2|as.start")
    before = d.conv.user.pending
    d.text(typed)
    word = "下一步就是先回答这个问题" if lang == "zh" else "What comes next is this question"
    assert word in d.said() and d.conv.user.pending == before


@pytest.mark.parametrize("typed", ["2013版的5.3对应新版哪条", "2013版5.3条对应2023版的什么"])
def test_a_clause_mapping_question_is_no_date(zh: Driver, typed: str) -> None:
    zh.onboard("华光精密")
    zh.text(typed)
    assert "GB/T 29490-2013 5.3" in zh.said() and "这是哪件事的日期" not in zh.said(), zh.said()


@pytest.mark.parametrize(
    ("said", "shown"), [("去年10月开始的吧", "2025-10-01"), ("明年3月", "2027-03-31")]
)
def test_a_date_alone_is_asked_about_with_the_day_it_names(
    zh: Driver, said: str, shown: str
) -> None:
    zh.onboard("Acme", "2|ob|stage|building")
    zh.text("hmm")
    zh.text(said)
    assert shown in zh.said(), zh.said()


@pytest.mark.parametrize("said", ["现在要干嘛", "你好，好久没来了，现在要干嘛", "what now?"])
def test_now_is_no_date_to_record(zh: Driver, said: str) -> None:
    zh.onboard("Acme", "2|ob|stage|building")
    zh.text(said)
    assert "这是哪件事的日期" not in zh.said() and "下一步" in zh.said(), zh.said()


@pytest.mark.parametrize(
    ("qid", "said", "answer"),
    [("C03", "我们跟员工签了保密协议的", "yes"), ("C02", "我们每年都培训", "yes"),
     ("D03", "有台账", "yes"), ("C03", "员工入职都签保密协议", "yes"), (None, "写了一半", "partly"),
     (None, "有没有都行", None), ("C03", "all staff sign NDAs when they join", "yes"),
     (None, "we never signed anything", "no")],
)  # fmt: skip
def test_an_answer_told_as_what_was_done_is_read(
    zh: Driver, qid: str | None, said: str, answer: str | None
) -> None:
    qid = _on_screen(zh, qid)  # told to the question about it (to another one: asked back)
    zh.text(said)
    got = zh.conv.company.answers.get(qid)
    assert (got.value if got else None) == answer, zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "reply"),
    [("zh", "审核组长姓李", "记不下来"), ("zh", "比特币价格", "超出")],
)  # fmt: skip
def test_news_we_do_not_keep_is_acknowledged_not_called_a_question(
    kb: Knowledge, lang: str, said: str, reply: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    assert reply in d.said(), d.said()


@pytest.mark.parametrize(
    ("lang", "said", "not_this"),
    [
        ("zh", "老板出差了，下个月回来", None),
        ("en", "the auditor was nice", "faq.complaint-cb"),  # was the complaints answer
    ],
)
def test_news_the_faq_only_guesses_at_is_news_with_the_guesses_as_buttons(
    kb: Knowledge, lang: str, said: str, not_this: str | None
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(said)
    assert ("记不下来" if lang == "zh" else "cannot keep that kind of note") in d.said(), d.said()
    assert d.buttons and all(b.data.startswith("2|faq|") for b in d.buttons)
    if not_this is not None:
        assert kb.faq[not_this].answer.get(lang)[:20] not in d.said()


@pytest.mark.parametrize(
    ("lang", "asked", "entry"),
    [
        ("en", "how do we complain about the auditor?", "faq.complaint-cb"),
        ("zh", "内审员谁来当比较好", "faq.internal-audit-who-audits"),
    ],
)
def test_the_same_subjects_asked_are_answered(
    kb: Knowledge, lang: str, asked: str, entry: str
) -> None:
    d = Driver(kb, lang)
    d.onboard()
    d.text(asked)
    answered = kb.faq[entry].answer.get(lang)[:20] in d.said()
    offered_first = bool(d.buttons) and d.buttons[0].data == f"2|faq|{entry}"
    assert answered or offered_first, d.said()  # a question: the answer, or a menu led by it


def test_partly_to_the_penalty_question_is_asked_again_not_recorded(zh: Driver) -> None:
    _in_assessment(zh)
    while zh.conv.user.pending is not None and zh.conv.user.pending.field != "F06":
        zh.text("有")
    assert zh.conv.user.pending is not None, "the penalty question (F06) is in the quick set"
    zh.text("部分吧")
    assert "F06" not in zh.conv.company.answers and "没看懂" in zh.said(), zh.said()


def test_a_date_at_the_sites_question_is_no_count_of_sites(zh: Driver) -> None:
    zh.cmd("start")
    for said in ("恒达", "120人", "机械", "明年6月底"):
        zh.text(said)
    assert zh.conv.company.sites is None and "经营场所" in zh.said(), zh.said()


@pytest.mark.parametrize(
    ("lang", "reminded", "expected"),
    [
        ("zh", ("action:gap:A03",), "您是说提醒里的"),
        ("en", ("action:gap:A03", "operate"), "which one"),
    ],
)
def test_done_right_after_a_reminder_is_about_its_items(
    kb: Knowledge, lang: str, reminded: tuple[str, ...], expected: str
) -> None:
    """The service hands the last delivery's items in (``Event.reminded``): one item is read
    back for a yes; several are offered as buttons; nothing is ticked by guess."""
    d = Driver(kb, lang)
    _with_a_plan(d)
    d.cmd("plan")  # no card on screen: the last thing that came is a reminder
    d.send(EventKind.TEXT, "做完了" if lang == "zh" else "done", reminded=reminded)
    assert expected in d.said(), d.said()
    assert [b.data for b in d.buttons] == [f"2|evt.done|{k}" for k in reminded]
    assert all(a.done_on is None for a in d.conv.company.actions)
    d.press(f"2|evt.done|{reminded[0]}")
    [manual] = [a for a in d.conv.company.actions if a.id == "gap:A03"]
    assert manual.done_on is not None, d.said()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_answer_shows_the_2013_edition_without_saying_it_is_superseded(
    kb: Knowledge, lang: str
) -> None:
    """The 2013 edition is history: an answer that cites it (e.g. "2013版7.6") says so, in
    its own words or with the note under it."""
    from flows.context import Ctx
    from flows.faq import entry_reply
    from flows.state import Conversation, User

    ctx = Ctx(Conversation(user=User(external_id="x", lang=lang)), kb, START)  # type: ignore[arg-type]
    for entry in kb.faq.values():
        text = entry_reply(ctx, entry).text.split("\n\n")[0]
        if "2013" in text:
            said = (
                ("废止", "失效", "结束", "不能再", "不再作为")
                if lang == "zh"
                else ("superseded", "ended", "no longer", "closed")
            )
            assert any(w in text for w in said), (entry.id, text)


@pytest.mark.parametrize("asked", ["培训有没有做完", "监督审核是不是做过了", "手册有没有弄好"])
def test_a_not_a_questions_are_asked_not_told(kb: Knowledge, asked: str) -> None:
    """ "培训有没有做完" was read back as "training done?"; "监督审核是不是做过了" as the audit
    held today. Asked, they record nothing."""
    d = Driver(kb, "zh")
    _with_a_plan(d)
    before = d.conv.model_copy(deep=True)
    d.text(asked)
    assert not any(b.data.startswith(("2|sd.told", "2|fact|", "2|evt.told")) for b in d.buttons)
    assert d.conv.company.actions == before.company.actions
    assert d.conv.company.events == before.company.events
