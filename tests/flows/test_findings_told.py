"""Findings told in words, as an owner types them: lists of internal audit findings split
whole, a wrong split corrected, closing words close them; an audit's nonconformities run from
its day, take the deadline the body said, can be corrected and are numbered per audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.state import Action
from flows.workdays import previous_working_day
from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import advance_to, plan_every_gap, today


def _internal_audit_held(d: Driver) -> None:
    """Running since June, the internal audit of 19 November recorded (today 27 November)."""
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text("内审11月19号做完了，发现了三个问题")
    d.text("对")


def _findings(d: Driver) -> list[Action]:
    return [a for a in d.conv.company.actions if a.id.startswith("finding:")]


def _words(d: Driver, a: Action) -> str:
    title = a.title_zh if d.conv.user.lang == "zh" else a.title_en
    return title.split("：" if d.conv.user.lang == "zh" else ": ", 1)[1]


@pytest.mark.parametrize(
    ("lang", "said", "expected"),
    [("en", "first one was training records missing for 2 new hires, second the ledger had a "
            "wrong renewal date for one trademark, third no IP clause in 2 supplier contracts",
      ["training records missing for 2 new hires",
       "the ledger had a wrong renewal date for one trademark",
       "no IP clause in 2 supplier contracts"]),
     ("en", "1) training records missing 2) wrong renewal date in the ledger 3) no IP clause",
      ["training records missing", "wrong renewal date in the ledger", "no IP clause"]),
     ("zh", "第一，新员工培训记录缺失；第二，台账上一件商标续展日期错误；"
            "第三，两份供应商合同没有知识产权条款",
      ["新员工培训记录缺失", "台账上一件商标续展日期错误", "两份供应商合同没有知识产权条款"]),
     ("zh", "一是培训记录缺失，二是台账续展日期错误，三是供应商合同没有知识产权条款",
      ["培训记录缺失", "台账续展日期错误", "供应商合同没有知识产权条款"]),
     ("zh", "①培训记录缺失②台账续展日期错误③供应商合同没有知识产权条款",
      ["培训记录缺失", "台账续展日期错误", "供应商合同没有知识产权条款"])],
)  # fmt: skip
def test_a_list_of_internal_audit_findings_is_split_into_whole_findings(
    kb: Knowledge, lang: str, said: str, expected: list[str]
) -> None:
    d = Driver(kb, lang)
    _internal_audit_held(d)
    d.text(said)
    assert [_words(d, a) for a in _findings(d)] == expected, d.said()
    assert "3" in d.said()


def test_a_bare_first_is_no_list_of_findings(en: Driver) -> None:
    _internal_audit_held(en)
    en.text("first, we sent the application to the certification body")
    assert not _findings(en)


@pytest.mark.parametrize(
    ("lang", "said", "wrong", "expected"),
    [("en", "the findings were: training records missing, the ledger had a wrong date and no IP "
            "clause in supplier contracts", "no, there were 3 separate findings",
      ["training records missing", "the ledger had a wrong date",
       "no IP clause in supplier contracts"]),
     ("zh", "发现的问题：培训记录缺失，台账日期错误以及合同没有知识产权条款", "不对，是三个问题",
      ["培训记录缺失", "台账日期错误", "合同没有知识产权条款"])],
)  # fmt: skip
def test_a_wrong_split_corrected_right_after_is_split_as_said(
    kb: Knowledge, lang: str, said: str, wrong: str, expected: list[str]
) -> None:
    d = Driver(kb, lang)
    _internal_audit_held(d)
    d.text(said)
    assert len(_findings(d)) == 2  # "… and …" kept together at first
    d.text(wrong)
    assert [_words(d, a) for a in _findings(d)] == expected, d.said()
    assert all(a.done_on is None for a in _findings(d))


@pytest.mark.parametrize(
    ("lang", "wrong", "again"),
    [("en", "that's wrong", "training records missing; wrong date in the ledger; no IP clause"),
     ("zh", "拆错了", "培训记录缺失；台账日期错误；合同没有知识产权条款")],
)  # fmt: skip
def test_a_wrong_split_is_taken_back_and_the_list_asked_for_again(
    kb: Knowledge, lang: str, wrong: str, again: str
) -> None:
    d = Driver(kb, lang)
    _internal_audit_held(d)
    d.text("the findings were: training records missing, ledger and contracts")
    d.text(wrong)
    assert not _findings(d), d.said()  # taken back out of the plan
    assert ("“；”" if lang == "zh" else "“;”") in d.said()  # asked again, how to split them
    d.text(again)
    assert len(_findings(d)) == 3, d.said()


def test_the_redo_button_takes_the_findings_back(en: Driver) -> None:
    _internal_audit_held(en)
    en.text("the findings were: training records missing; ledger wrong")
    en.press("✏️")
    assert not _findings(en)
    en.text("training records missing\nledger had a wrong date\nno IP clause in contracts")
    assert len(_findings(en)) == 3


def test_a_count_that_matches_what_was_added_changes_nothing(en: Driver) -> None:
    _internal_audit_held(en)
    en.text("first was training records missing, second was ledger wrong, third was no clause")
    ids = [a.id for a in _findings(en)]
    en.text("no, there were 3 separate findings")
    assert [a.id for a in _findings(en)] == ids and len(ids) == 3
    assert "3 separate findings" in en.said()


@pytest.mark.parametrize(
    ("lang", "closed", "yes"),
    [("en", "the 3 internal audit findings are all fixed", "yes"),
     ("en", "we resolved all the internal audit findings", "yes"),
     ("zh", "内审的问题都整改完了", "对"),
     ("zh", "内审问题都关闭了", "对")],
)  # fmt: skip
def test_closing_words_close_the_internal_audit_findings_after_a_read_back(
    kb: Knowledge, lang: str, closed: str, yes: str
) -> None:
    d = Driver(kb, lang)
    _internal_audit_held(d)
    d.text("第一个是合同没做知识产权审查，第二个是培训记录缺签到，第三个是台账没更新")
    d.advance(10)
    d.text(closed)
    assert len(_findings(d)) == 3, d.said()  # no finding made of "all fixed"
    assert all(a.done_on is None for a in _findings(d))  # read back first
    assert "培训记录缺签到" in d.said()
    d.text(yes)
    assert all(a.done_on == d.now.date() for a in _findings(d)), d.said()


def test_closing_words_with_nothing_open_add_nothing(en: Driver) -> None:
    _internal_audit_held(en)
    en.text("the internal audit findings are all fixed")
    assert not _findings(en)
    assert "No internal audit findings are open" in en.said()


def _stage1_held(d: Driver) -> None:
    """Applied; stage 1 held on 20 November (today 27 November), two findings told."""
    zh = d.conv.user.lang == "zh"
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("一阶段审核11月20号做的" if zh else "stage 1 audit was on November 20")
    d.text("对" if zh else "yes")
    d.text("一阶段开了2个不符合" if zh else "stage 1 raised 2 findings")


STAGE1 = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("lang", "deadline", "second"),
    [("en", "they said fix within 2 weeks", "training plan not approved by GM"),
     ("zh", "审核员说两周内整改", "培训计划未经总经理批准")],
)  # fmt: skip
def test_a_deadline_said_between_findings_is_their_due_date_not_a_finding(
    kb: Knowledge, lang: str, deadline: str, second: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text("IP manual refers to the 2013 standard")
    d.press("2|nc.grade|minor")
    d.text(deadline)
    assert len(d.conv.company.nonconformities) == 1, d.said()
    d.text(second)
    d.press("2|nc.grade|minor")
    ncs = d.conv.company.nonconformities
    assert [nc.description for nc in ncs] == ["IP manual refers to the 2013 standard", second]
    due = previous_working_day(STAGE1 + timedelta(days=14))  # two weeks from the audit day
    assert [(nc.correction_due, nc.evidence_due) for nc in ncs] == [(due, due), (due, due)]


@pytest.mark.parametrize(
    ("lang", "deadline", "when"),
    [
        ("zh", "机构给的期限是12月11号", "after"),
        ("en", "deadline is december 11", "after"),
        ("zh", "12月11号前", "between"),  # at the grade question of the first finding
        ("en", "the deadline is december 11", "between"),
    ],
)
def test_a_deadline_said_as_a_date_is_the_findings_due_date(
    kb: Knowledge, lang: str, deadline: str, when: str
) -> None:
    """The assistant asks for the body's deadline ("机构给了期限请告诉我"): said as a date, it
    was "outside what I know"."""
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text("IP manual refers to the 2013 standard")
    if when == "between":
        d.text(deadline)
        assert d.conv.company.nonconformities == [], d.said()
    d.press("2|nc.grade|minor")
    d.text("training plan not approved by GM")
    d.press("2|nc.grade|minor")
    if when == "after":
        d.text(deadline)
    assert "2026-12-11" in d.said(), d.said()
    due = date(2026, 12, 11)
    ncs = d.conv.company.nonconformities
    assert [(nc.correction_due, nc.evidence_due) for nc in ncs] == [(due, due), (due, due)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nonconformity_deadlines_run_from_the_audit_day(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text("IP manual refers to the 2013 standard")
    d.press("2|nc.grade|minor")
    [nc] = d.conv.company.nonconformities
    due = previous_working_day(STAGE1 + timedelta(days=kb.rules.nc_evidence_days))
    assert nc.evidence_due == due and nc.raised_on == STAGE1  # not 30 days from today
    assert due.isoformat() in d.said()


@pytest.mark.parametrize(
    ("lang", "said", "new"),
    [("en", 'oops nonconformity 2 is wrong, it should be "training plan not approved by GM"',
      "training plan not approved by GM"),
     ("en", "change finding 2 to training plan not approved by GM",
      "training plan not approved by GM"),
     ("zh", "不符合项2写错了，应该是“培训计划未经总经理批准”", "培训计划未经总经理批准")],
)  # fmt: skip
def test_a_findings_description_corrected_in_words(
    kb: Knowledge, lang: str, said: str, new: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    for text in ("IP manual refers to the 2013 standard", "the contract thing from before"):
        d.text(text)
        d.press("2|nc.grade|minor")
    d.text(said)
    ncs = d.conv.company.nonconformities
    assert [nc.description for nc in ncs] == ["IP manual refers to the 2013 standard", new]
    assert (
        new in d.said() and "the contract thing from before" in d.said()
    )  # read back, old and new


def test_a_findings_description_corrected_with_its_button(zh: Driver) -> None:
    _stage1_held(zh)
    zh.text("外来文件没有受控")
    zh.press("2|nc.grade|minor")
    zh.press("2|nc.edit|nc:1")  # "✏️ 修改描述" under the finding just recorded
    assert "外来文件没有受控" in zh.said()
    zh.text("外来文件清单没有受控")
    assert zh.conv.company.nonconformities[0].description == "外来文件清单没有受控"
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "nc_text"
    zh.text("培训计划未批准")  # the second finding is still asked for
    zh.press("2|nc.grade|minor")
    assert len(zh.conv.company.nonconformities) == 2


@pytest.mark.parametrize(
    ("lang", "stage2", "found", "label", "not_shown"),
    [("en", "stage 2 audit was on December 10", "stage 2 found 1 minor NC about missing NDAs",
      "Stage 2 audit, finding 1", "nonconformity 3"),
     ("zh", "二阶段审核12月10号做的", "二阶段开了1个一般不符合，说是保密协议没签全",
      "二阶段审核第 1 项不符合", "不符合项 3")],
)  # fmt: skip
def test_findings_are_numbered_within_their_audit(
    kb: Knowledge, lang: str, stage2: str, found: str, label: str, not_shown: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    for text in ("IP manual refers to the 2013 standard", "training plan not approved"):
        d.text(text)
        d.press("2|nc.grade|minor")
    stage1 = "一阶段审核第 2 项不符合" if lang == "zh" else "Stage 1 audit, finding 2"
    assert stage1 in d.said()
    d.advance(20)  # 2026-12-17
    d.text(stage2)
    d.text("对" if lang == "zh" else "yes")
    d.text(found)
    assert len(d.conv.company.nonconformities) == 3, d.said()
    assert label in d.said() and not_shown not in d.said()
    assert any(label in b.label for b in d.buttons)  # "✅ Close: Stage 2 audit, finding 1"


def test_internal_findings_are_due_before_the_application(zh: Driver) -> None:
    from tests.flows.timeline_walk import advance_to, assess_and_plan, timeline

    zh.onboard()
    assess_and_plan(zh)  # internal audit 2027-04-07, application 2027-05-05
    advance_to(zh, date(2027, 4, 8))
    zh.text("内审4月7号做完了，发现了两个问题")
    zh.text("对")
    zh.text("第一个是合同没审，第二个是台账不全")
    apply = timeline(zh).get("apply")
    assert apply is not None and not apply.done and len(_findings(zh)) == 2, zh.said()
    assert all(a.due < apply.on for a in _findings(zh)), ([a.due for a in _findings(zh)], apply.on)


def _running(d: Driver) -> None:
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")


@pytest.mark.parametrize(
    ("lang", "told", "listed", "titles"),
    [
        (
            "en",
            "we did the internal audit on november 19, found 3 problems",
            "NDA list outdated, two contracts not reviewed, training records missing",
            ["NDA list outdated", "two contracts not reviewed", "training records missing"],
        ),
        (
            "zh",
            "内审11月19号做的，发现了2个问题",
            "保密协议清单过期，两份合同没审",
            ["保密协议清单过期", "两份合同没审"],
        ),
    ],
)
@pytest.mark.parametrize("confirm", ["moving on", "typed", "pressed"])
def test_findings_asked_for_at_the_audit_read_back_come_as_a_plain_list(
    kb: Knowledge, lang: str, told: str, listed: str, titles: list[str], confirm: str
) -> None:
    d = Driver(kb, lang)
    _running(d)
    d.text(told)
    if confirm == "typed":
        d.text("对" if lang == "zh" else "yes")
        assert "what were the findings" in d.said().lower() or "哪些问题" in d.said(), d.said()
    elif confirm == "pressed":
        d.press("2|fact|internal_audit|")
        assert "again" not in d.said() and "重新" not in d.said(), d.said()
    d.text(listed)
    audit = next(e for e in d.conv.company.events if e.key == "internal_audit")
    assert audit.on == date(2026, 11, 19) and audit.done, d.said()
    assert [_words(d, a) for a in _findings(d)] == titles, d.said()


@pytest.mark.parametrize(
    ("lang", "yes", "later"), [("zh", "对", "回头再说"), ("en", "yes", "i'll tell you later")]
)
def test_findings_asked_for_can_wait_and_nothing_is_added(
    kb: Knowledge, lang: str, yes: str, later: str
) -> None:
    d = Driver(kb, lang)
    _running(d)
    d.text(
        "内审11月19号做的，发现了2个问题"
        if lang == "zh"
        else "internal audit was on november 19, found 2 issues"
    )
    d.text(yes)
    d.text(later)
    assert _findings(d) == [] and (
        d.conv.user.pending is None or d.conv.user.pending.flow == "offer"
    )
    assert "我再加进整改计划" in d.said() or "add them to the plan" in d.said(), d.said()


@pytest.mark.parametrize(
    ("lang", "listed", "first", "second"),
    [("zh", "一个是范围说明写得不清楚，一个是合规义务清单不全", "范围说明写得不清楚",
      "合规义务清单不全"),
     ("en", "one about the scope statement, the other about the obligation register",
      "the scope statement", "the obligation register")],
)  # fmt: skip
def test_findings_listed_when_one_description_was_asked_are_each_their_own(
    kb: Knowledge, lang: str, listed: str, first: str, second: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text(listed)  # at "describe this finding": both at once
    d.text("一般" if lang == "zh" else "minor")
    d.text("一般" if lang == "zh" else "minor")
    texts = [nc.description for nc in d.conv.company.nonconformities]
    assert texts == [first, second], d.said()


def test_an_audit_said_over_without_a_day_keeps_its_planned_day(zh: Driver) -> None:
    """ "二阶段审核结束了" two days after the day it was booked: held then, not today; and
    "要求30天内整改" is the body's deadline, not the finding's description."""
    zh.onboard("Acme", "2|ob|stage|applied")
    zh.text("2026-06-01")
    zh.text("一阶段11月2号通过了")
    zh.text("对")
    zh.text("二阶段定在12月1号")
    zh.text("对")
    assert {e.key: e.on for e in zh.conv.company.events}["stage2"] == date(2026, 12, 1)
    zh.advance(6)  # 3 December: two days after
    zh.text("二阶段审核结束了，开了1个一般不符合，要求30天内整改")
    assert {e.key: e.on for e in zh.conv.company.events}["stage2"] == date(2026, 12, 1)
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "nc_text"
    zh.text("合同台账没有定期更新")
    [nc] = zh.conv.company.nonconformities
    assert nc.description == "合同台账没有定期更新" and nc.grade == "minor"
    assert nc.evidence_due == previous_working_day(date(2026, 12, 1) + timedelta(days=30))
    assert "认证机构给的期限" in zh.said() and "常见做法" not in zh.said()


def test_a_findings_two_deadlines_on_one_day_are_one_line_in_status_and_reminders(
    zh: Driver,
) -> None:
    _stage1_held(zh)
    zh.text("范围说明不清楚")
    zh.text("一般")
    zh.text("义务清单不全")
    zh.text("一般")
    for view in ("status", "reminders"):
        zh.cmd(view)
        said = zh.said()
        assert said.count("范围说明不清楚") == 1, said
        assert "不符合项纠正及证据提交：范围说明不清楚" in said


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "internal audit was on november 20, 3 findings: ledger missing fee dates, two "
            "contracts not reviewed, training records incomplete"),
     ("zh", "内审11月20号做的，3个问题：台账缺缴费日期，两份合同没审查，培训记录不全")],
)  # fmt: skip
def test_the_audit_day_and_its_counted_findings_in_one_message(
    kb: Knowledge, lang: str, said: str
) -> None:
    """All at once, as an owner back from the audit writes it (it went to the FAQ)."""
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|running")
    d.text("2026-06-01")
    d.text(said)
    audit = {e.key: e for e in d.conv.company.events}.get("internal_audit")
    assert audit is not None and audit.on == date(2026, 11, 20) and audit.done, d.said()
    assert len(_findings(d)) == 3


def test_findings_listed_after_a_colon_with_the_deadline_last_are_both_recorded(
    en: Driver,
) -> None:
    _stage1_held(en)  # "stage 1 raised 2 findings": the first description is asked
    en.conv.user.pending = None
    en.text(
        "stage 1 raised 2 minor NCs: training effectiveness not evaluated; one supplier "
        "contract missing IP clause. we have 30 days"
    )
    texts = [nc.description for nc in en.conv.company.nonconformities]
    assert texts == [
        "training effectiveness not evaluated",
        "one supplier contract missing IP clause",
    ]
    assert all(nc.evidence_due == previous_working_day(STAGE1 + timedelta(days=30))
               for nc in en.conv.company.nonconformities)  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "yes"), ("en", "both NCs are closed, evidence sent"), ("zh", "都整改完了")],
)
def test_no_description_is_taken_from_a_yes_or_from_closing_news(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    _stage1_held(d)
    d.text(said)
    assert not d.conv.company.nonconformities
    assert d.conv.user.pending is not None and d.conv.user.pending.flow == "nc_text", d.said()


def test_a_major_finding_about_the_internal_audit_is_the_bodys_not_an_internal_one(
    zh: Driver,
) -> None:
    """ "内审" inside the finding's description does not make it an internal audit's
    finding (it went to the FAQ)."""
    _stage1_held(zh)
    zh.conv.user.pending = None
    zh.text("一阶段开了一个严重不符合，说我们的内审没覆盖销售部")
    [nc] = zh.conv.company.nonconformities
    assert (nc.description, nc.grade) == ("我们的内审没覆盖销售部", "major")


@pytest.mark.parametrize("said", ["一阶段提了3条意见", "一阶段审核完了，审核老师说文件还要改改"])
def test_an_auditors_comments_are_findings_to_describe(zh: Driver, said: str) -> None:
    zh.onboard("Acme", "2|ob|stage|applied")
    zh.text("2026-06-01")
    zh.text("一阶段定在11月30号")  # 27 November today: booked three days ahead
    zh.text("对")
    zh.advance(4)
    zh.conv.user.pending = None
    zh.text(said)
    assert zh.conv.user.pending is not None and zh.conv.user.pending.flow == "nc_text", zh.said()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "一阶段通过了，不过有两个观察项"),
        ("en", "stage 1 passed, the auditor had 2 observations"),
    ],
)
def test_observations_are_no_findings_and_it_is_said(kb: Knowledge, lang: str, said: str) -> None:
    d = Driver(kb, lang)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("一阶段定在11月30号" if lang == "zh" else "stage 1 is booked for november 30")
    d.text("对" if lang == "zh" else "yes")
    d.advance(4)
    d.conv.user.pending = None
    d.text(said)
    assert (
        "观察项和改进建议不是不符合项" if lang == "zh" else "Observations and suggestions"
    ) in d.said()
    d.text("对" if lang == "zh" else "yes")
    assert not d.conv.company.nonconformities
    assert {e.key: e.done for e in d.conv.company.events}.get("stage1")


def test_internal_findings_are_due_before_the_management_review(en: Driver) -> None:
    """The review reads whether the audit's findings were closed: they are due before it, and
    a list joined by "and" keeps no "and" in its last finding."""
    from tests.flows.timeline_walk import advance_to, assess_and_plan, timeline

    en.onboard()
    assess_and_plan(en)
    audit, review = timeline(en).get("internal_audit"), timeline(en).get("management_review")
    assert audit is not None and review is not None
    advance_to(en, audit.on + timedelta(days=1))
    en.text(
        f"internal audit done on {audit.on:%B} {audit.on.day}, found 2 minor issues: "
        "no training records for sales, and the ledger missed two trademarks"
    )
    found = _findings(en)
    assert [_words(en, a) for a in found] == [
        "no training records for sales",
        "the ledger missed two trademarks",
    ], en.said()
    assert all(a.due < review.on for a in found), ([a.due for a in found], review.on)


@pytest.mark.parametrize(
    ("lang", "said", "yes", "expected"),
    [("zh", "内审做完了，开了3个不符合：1.合同没有知识产权条款 2.培训没签到 "
      "3.台账漏了两个商标", "对",
      ["合同没有知识产权条款", "培训没签到", "台账漏了两个商标"]),
     ("en", "internal audit is done, 2 findings: 1. contracts lack IP clauses 2. no training "
      "sign-in sheets", "yes", ["contracts lack IP clauses", "no training sign-in sheets"]),
     ("en", "internal audit is done, one finding: training records incomplete", "yes",
      ["training records incomplete"])],
)  # fmt: skip
def test_findings_listed_with_the_audit_are_added_after_its_yes(
    kb: Knowledge, lang: str, said: str, yes: str, expected: list[str]
) -> None:
    """The audit's date is read back first; the findings of the same message are not asked
    for again (they were lost when the next message was other news)."""
    from tests.flows.timeline_walk import advance_to, assess_and_plan, timeline

    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    audit = timeline(d).get("internal_audit")
    assert audit is not None
    advance_to(d, audit.on + timedelta(days=2))
    d.text(said)
    assert not _findings(d)  # read back first
    d.text(yes)
    assert [_words(d, a) for a in _findings(d)] == expected, d.said()


# --- an audit's outcome told with the body's deadline; deadlines said; stage 1 before stage 2 --


def _stage2_booked(d: Driver) -> None:
    """Applied; stage 1 held on 20 May 2027, stage 2 booked for 20 July; today 22 July."""
    zh = d.conv.user.lang == "zh"
    d.now = d.now.replace(year=2027, month=6, day=1)
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")
    d.text("一阶段5月20号做的" if zh else "stage 1 audit was on May 20")
    d.text("对" if zh else "yes")
    d.press("2|tl.passed|stage1")
    d.text("二阶段定在7月20号" if zh else "stage 2 is booked for July 20")
    d.text("对" if zh else "yes")
    d.advance(51)  # 2027-07-22


def _events(d: Driver) -> dict[str, tuple[date, bool]]:
    return {e.key: (e.on, e.done) for e in d.conv.company.events}


def test_an_audits_outcome_with_the_bodys_deadline_is_read_back_once(en: Driver) -> None:
    """ "close it by August 20" was read as the audit's day (2026-08-20, a year back), the
    finding filed under stage 1 and its words "about training records" lost."""
    _stage2_booked(en)
    en.text(
        "stage 2 finished yesterday. one minor finding about training records, "
        "we have to close it by August 20"
    )
    said = en.said()
    assert "21 Jul 2027" in said and "training records" in said and "2027-08-20" in said, said
    assert not en.conv.company.nonconformities  # read back first
    assert _events(en)["stage2"] == (date(2027, 7, 20), False)
    en.text("yes")
    assert _events(en)["stage2"] == (date(2027, 7, 21), True), en.said()
    [nc] = en.conv.company.nonconformities
    assert (nc.description, nc.grade) == ("training records", "minor")
    assert nc.correction_due == nc.evidence_due == date(2027, 8, 20)
    assert "Stage 2 audit, finding 1" in en.said() and "Stage 1" not in en.said()


def test_a_surveillance_audits_outcome_with_the_bodys_deadline_is_its_booked_day(
    zh: Driver,
) -> None:
    """ "要求9月8号前交整改" became the audit's day (2027-09-08), the finding went under the 2nd
    surveillance audit and the next cycle was overdue."""
    from tests.flows.test_told_outcomes import _certified
    from tests.flows.timeline_walk import advance_to, timeline

    zh.now = zh.now.replace(year=2027, month=10, day=1)
    _certified(zh, "2027-09-20")
    zh.advance(200)
    zh.text("监督审核定在8月8号")
    zh.text("对")
    advance_to(zh, date(2028, 8, 10))
    zh.text("监督审核过了，开了一个一般不符合，是台账没更新，要求9月8号前交整改")
    said = zh.said()
    assert "2028-08-08" in said and "台账没更新" in said and "2028-09-08" in said, said
    assert "2027" not in said
    zh.text("对")
    assert _events(zh)["surveillance:1"] == (date(2028, 8, 8), True), zh.said()
    [nc] = zh.conv.company.nonconformities
    assert (nc.description, nc.grade) == ("台账没更新", "minor")
    assert nc.correction_due == nc.evidence_due == date(2028, 9, 8)
    assert "第1次监督审核第 1 项不符合" in zh.said()
    tl = timeline(zh)
    assert tl.get("surveillance:2") is not None
    assert all(i.on > zh.now.date() for i in tl.open_items() if i.kind.startswith("yearly_"))


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "the CB gave us until August 20 to close it"),
        ("zh", "认证机构给的期限是8月20号"),
        ("zh", "要求8月20号前整改完"),
    ],
)
def test_the_deadline_asked_for_is_taken(kb: Knowledge, lang: str, said: str) -> None:
    """After "tell me if it gave one", the deadline said as "until August 20" was "a kind of
    note I cannot keep"."""
    d = Driver(kb, lang)
    _stage2_booked(d)
    d.text("二阶段审核结束了，开了1个一般不符合" if lang == "zh" else "stage 2 is over, 1 minor NC")
    d.text("培训记录不全" if lang == "zh" else "training records incomplete")
    if d.conv.user.pending is not None and d.conv.user.pending.flow == "nc_grade":
        d.press("2|nc.grade|minor")
    [nc] = d.conv.company.nonconformities
    assert nc.evidence_due != date(2027, 8, 20)
    d.text(said)
    assert "2027-08-20" in d.said(), d.said()
    [nc] = d.conv.company.nonconformities
    assert nc.correction_due == nc.evidence_due == date(2027, 8, 20)


def test_a_stage1_findings_deadline_moves_before_stage2_booked_later(zh: Driver) -> None:
    """The stage 1 card says its findings are fixed before stage 2; a finding recorded before
    stage 2 was booked kept its 30 days and fell after it."""
    zh.now = zh.now.replace(year=2027, month=5, day=1)
    zh.onboard("Acme", "2|ob|stage|applied")
    zh.text("2026-06-01")
    zh.text("一阶段定在6月15号")
    zh.text("对")
    zh.advance(46)  # 2027-06-16
    zh.text("一阶段审核完了，开了1个一般不符合，文件清单不全")
    [nc] = zh.conv.company.nonconformities
    assert nc.evidence_due == date(2027, 7, 15)
    zh.text("二阶段定在7月6号")
    zh.text("对")
    [nc] = zh.conv.company.nonconformities
    before = date(2027, 7, 5)  # the last working day before stage 2
    assert nc.correction_due == nc.evidence_due == before, zh.said()
    assert "2027-07-05" in zh.said() and "二阶段" in zh.said()


def test_a_stage1_findings_default_deadline_is_before_stage2_and_said(en: Driver) -> None:
    en.now = en.now.replace(year=2027, month=5, day=1)
    en.onboard("Acme", "2|ob|stage|applied")
    en.text("2026-06-01")
    en.text("stage 1 is booked for June 15")
    en.text("yes")
    en.text("stage 2 is booked for July 6")
    en.text("yes")
    en.advance(46)
    en.text("stage 1 is over, 1 minor finding about the document list")
    [nc] = en.conv.company.nonconformities
    assert nc.correction_due == nc.evidence_due == date(2027, 7, 5), en.said()
    assert "before the stage 2 audit" in en.said()


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("en", "internal audit done on april 21, found 2 minor issues which we fixed", "yes"),
        ("zh", "内审4月21号做完了，发现2个小问题，已经改好了", "对"),
    ],
)
def test_an_internal_audit_with_findings_already_fixed_is_recorded(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """It answered "no internal audit findings are open" and recorded nothing."""
    from tests.flows.timeline_walk import advance_to, assess_and_plan

    d = Driver(kb, lang)
    d.now = d.now.replace(year=2027, month=1, day=4)
    d.onboard()
    assess_and_plan(d)
    advance_to(d, date(2027, 4, 22))
    d.text(said)
    assert "2027-04-21" in d.said() or "21 Apr 2027" in d.said(), d.said()
    assert ("已经改好" if lang == "zh" else "already corrected") in d.said(), d.said()
    d.text(yes)
    assert _events(d)["internal_audit"] == (date(2027, 4, 21), True), d.said()
    assert not [a for a in _findings(d) if a.done_on is None]  # nothing left open to track


def test_other_work_told_with_the_findings_closed_is_read_next(kb: Knowledge) -> None:
    """ "台账也弄好了，两个内审问题都整改完了": the ledger was dropped without a word."""
    d = Driver(kb, "zh")
    plan_every_gap(d)
    advance_to(d, today(d) + timedelta(days=140))
    d.text("内审昨天做完了，开了2个一般不符合：1. 培训记录不全 2. 台账没更新")
    d.text("对")
    d.text("台账也弄好了，两个内审问题都整改完了")
    d.text("对")
    # both the IP ledger and the nonconformity log are in this plan: which one, one tap each
    assert any("gap:D03" in b.data for b in d.buttons), d.said()
    d.press("2|evt.told|gap:D03|")
    ledger = next(a for a in d.conv.company.actions if a.question_id == "D03")
    assert ledger.done_on is not None


def test_a_deadline_on_a_day_off_is_read_back_as_recorded(en: Driver) -> None:
    """ "close it by May 15" (a Saturday) was read back as 05-15 and recorded as 05-14."""
    plan_every_gap(en)
    en.text("we applied today")
    en.text("yes")
    advance_to(en, date(2027, 3, 1))
    en.text("stage 1 is on March 10 and stage 2 on April 14")
    en.text("yes")
    en.text("yes")
    advance_to(en, date(2027, 3, 11))
    en.text("stage 1 went fine yesterday, no findings")
    en.text("yes")
    advance_to(en, date(2027, 4, 16))
    en.text("stage 2 finished yesterday. one minor finding about training records, "
            "we have to close it by May 15")  # fmt: skip
    assert "due 2027-05-14" in en.said() and "2027-05-15" not in en.said(), en.said()
    en.text("yes")
    [nc] = en.conv.company.nonconformities
    assert nc.evidence_due == date(2027, 5, 14)
