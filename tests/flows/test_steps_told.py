"""Steps told finished in words are read back and completed with one "yes"."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.timeline_walk import plan_every_gap


def _applied(d: Driver) -> None:
    d.onboard("Acme", "2|ob|stage|applied")
    d.text("2026-06-01")  # running since


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("en", "the CB accepted our application", "yes"),
        ("en", "we signed the certification contract", "ok"),
        ("zh", "认证机构受理了", "对"),
        ("zh", "合同签了", "好的"),  # bare: clear only while the review is the current step
        ("zh", "we signed a contract", "是的"),  # English in a Chinese chat
    ],
)
def test_the_application_accepted_completes_the_review_on_yes(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = Driver(kb, lang)
    _applied(d)
    assert d.conv.company.current_step == "appl.review"
    d.text(said)
    assert "appl.review" not in d.conv.company.steps_done  # read back first, nothing changed
    assert any(b.data.startswith("2|sd.told|appl.review") for b in d.buttons), d.said()
    d.text(yes)
    assert "appl.review" in d.conv.company.steps_done, d.said()
    assert d.conv.company.current_step == "audit.stage1"


@pytest.mark.parametrize("said", ["还没受理", "the CB hasn't accepted our application yet"])
def test_a_denial_changes_nothing(zh: Driver, said: str) -> None:
    _applied(zh)
    zh.text(said)
    assert not any(b.data.startswith("2|sd.told|") for b in zh.buttons)
    assert "appl.review" not in zh.conv.company.steps_done


def test_a_bare_contract_before_applying_is_not_the_certification_contract(zh: Driver) -> None:
    zh.onboard("Acme", "2|ob|stage|not_started")
    zh.text("合同签了")  # a consultant's contract as likely as any
    assert not any(b.data.startswith("2|sd.told|") for b in zh.buttons)


def test_training_told_done_asks_about_its_open_plan_actions(zh: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    zh.onboard("Acme")
    assess_and_plan(zh)
    zh.text("培训都做完了")
    assert "培训与意识" in zh.said()
    zh.text("对")
    # Open plan actions of the step are not closed on a guess: asked, with their list.
    assert "impl.training" not in zh.conv.company.steps_done
    assert any(b.data.startswith("2|sd!|impl.training") for b in zh.buttons), zh.said()


def test_a_step_already_done_is_said_so(en: Driver) -> None:
    en.onboard("Acme", "2|ob|stage|running")
    en.text("2026-06-01")
    en.text("all staff have been trained")
    assert "already marked done" in en.said()


def _planned(d: Driver) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    d.onboard("Acme")
    assess_and_plan(d)  # the plan holds the IP ledger, the documents, training, searches


def _action(d: Driver, word: str) -> str:
    return next(a.id for a in d.conv.company.actions if word in a.title_en.lower())


@pytest.mark.parametrize(
    ("lang", "said", "word", "on"),
    [
        ("zh", "台账上周弄好了", "ledger", "2026-11-16"),
        ("en", "we set up the IP ledger yesterday", "ledger", "2026-11-26"),
        ("en", "we finished the documents", "documents", "2026-11-27"),
    ],
)
def test_a_plan_action_told_done_is_read_back_with_its_day(
    kb: Knowledge, lang: str, said: str, word: str, on: str
) -> None:
    d = Driver(kb, lang)
    _planned(d)
    aid = _action(d, word)
    d.text(said)
    assert on in d.said(), d.said()
    action = next(a for a in d.conv.company.actions if a.id == aid)
    assert action.done_on is None  # nothing changed on a guess
    d.text("对" if lang == "zh" else "yes")
    action = next(a for a in d.conv.company.actions if a.id == aid)
    assert action.done_on is not None and action.done_on.isoformat() == on


def test_a_plan_action_said_for_next_week_moves_to_its_last_working_day(zh: Driver) -> None:
    _planned(zh)
    aid = _action(zh, "ledger")
    zh.text("下周要把台账弄好")
    zh.text("好")
    action = next(a for a in zh.conv.company.actions if a.id == aid)
    assert action.done_on is None
    assert action.due is not None and action.due.isoformat() == "2026-12-04"  # Friday


@pytest.mark.parametrize("said", ["台账还没弄好", "文件写了一半了吗？"])
def test_denied_or_asked_progress_changes_nothing(zh: Driver, said: str) -> None:
    _planned(zh)
    zh.text(said)
    assert not any(b.data.startswith(("2|evt.told|", "2|fact|")) for b in zh.buttons)
    assert all(a.done_on is None for a in zh.conv.company.actions)


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("管代任命书签好了", "书面任命体系负责人（管理者代表）"),  # shorthand spelt out
        ("方针也发了，老板签的字", "由最高管理者签发知识产权方针"),  # the first clause names it
        ("FTO做了，请代理所出的报告", "对主要产品做FTO排查并建立专利预警"),
        ("知识产权手册写好了，老板也批了", "编制并批准体系文件"),  # the manual is the documents
        ("任命书发了", "书面任命体系负责人（管理者代表）"),
    ],
)
def test_owners_shorthand_and_sentences_name_their_action(
    zh: Driver, said: str, title: str
) -> None:
    plan_every_gap(zh)  # every quick-set gap is a plan action
    zh.text(said)
    assert f"“{title}”已完成" in zh.said(), zh.said()


def test_two_actions_that_fit_alike_are_not_guessed(zh: Driver) -> None:
    plan_every_gap(zh)  # every quick-set gap is a plan action
    zh.text("台账做好了")  # the IP ledger or the nonconformity ledger? (was: the current card)
    offered = sorted(b.data.split("|")[2] for b in zh.buttons if b.data.startswith("2|evt.told|"))
    assert offered == ["gap:D03", "gap:G01"], zh.said()
    zh.text("对")  # no guess to accept
    assert not any(a.done_on for a in zh.conv.company.actions), zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("zh", "范围说明和组织机构图都弄好了", "对"),
        ("en", "we finished the scope statement and the org chart yesterday", "yes"),
    ],
)
def test_two_actions_told_done_in_one_sentence_are_read_back_together(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)  # every quick-set gap is a plan action
    d.text(said)
    assert any(b.data.startswith("2|evt.told|") and "+" in b.data for b in d.buttons), d.said()
    d.text(yes)
    done = {a.id for a in d.conv.company.actions if a.done_on is not None}
    assert {"gap:A01", "gap:B07"} <= done


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "方针签了，任命书也发了"),
     ("en", "the IP policy is signed and the appointment letter is out"),
     ("en", "the IP manual is written and approved, and the appointment letter is out")],
)  # fmt: skip
def test_the_policy_and_the_appointment_letter_told_together(
    kb: Knowledge, lang: str, said: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(said)
    d.text("对" if lang == "zh" else "yes")
    done = {a.id for a in d.conv.company.actions if a.done_on is not None}
    named = {"gap:B01", "gap:B06"} if "policy" in said or "方针" in said else {"gap:A03", "gap:B06"}
    assert named <= done, d.said()


def test_one_action_named_beside_something_else_is_still_read_back(en: Driver) -> None:
    plan_every_gap(en)
    en.text("the IP policy is signed and the lawyer reviewed stuff")
    assert [b.data for b in en.buttons if "evt.told" in b.data] == [
        f"2|evt.told|gap:B01|{en.now.date().isoformat()}"
    ], en.said()


def test_an_action_told_done_twice_is_said_to_be_done_already(en: Driver) -> None:
    plan_every_gap(en)  # every quick-set gap is a plan action
    en.text("policy signed by our GM today")
    en.text("yes")
    en.text("the IP policy is done")
    assert "already marked done" in en.said()


def _done_titles(d: Driver) -> set[str]:
    return {a.title_zh for a in d.conv.company.actions if a.done_on is not None}


MR_REP = "书面任命体系负责人（管理者代表）"
POLICY = "由最高管理者签发知识产权方针"


@pytest.mark.parametrize(
    ("then", "recorded"),
    [
        ("方针也发了", {MR_REP}),  # the next report: the first one is taken as confirmed
        ("处罚记录查过了，没有处罚", {MR_REP, "核查处罚记录并向认证机构确认资格"}),
        ("/next", {MR_REP}),
        ("不对，还没签", set()),  # an answer to the read-back, not a further report
        ("管代任命书是上周签的", set()),  # the same thing again: read back anew, not recorded twice
        ("内审员要不要考证？", set()),  # a question: the read-back still waits for its yes
    ],
)
def test_telling_the_next_thing_confirms_the_read_back_left_unanswered(
    zh: Driver, then: str, recorded: set[str]
) -> None:
    plan_every_gap(zh)
    zh.text("管代任命书签了")
    if then.startswith("/"):
        zh.cmd(then[1:])
    else:
        zh.text(then)
    assert _done_titles(zh) == recorded, zh.said()


def test_after_a_question_the_read_back_still_takes_its_yes(zh: Driver) -> None:
    plan_every_gap(zh)
    zh.text("管代任命书签了")
    zh.text("内审员要不要考证？")
    zh.text("对")
    assert _done_titles(zh) == {MR_REP}


def test_a_report_of_two_changes_names_both(zh: Driver) -> None:
    plan_every_gap(zh)
    zh.text("劳动合同的知识产权条款加好了，合同审批流程也改了")
    zh.text("对")
    both = {"在劳动合同中补充知识产权和保密条款", "在合同审批流程中加入知识产权审查"}
    assert both <= _done_titles(zh), zh.said()


def test_whats_next_typed_as_a_question_confirms_the_read_back(en: Driver) -> None:
    plan_every_gap(en)
    en.text("training done last Friday")
    en.text("what's next?")  # reads like a question, yet it moves on: the training is done
    assert "Issue and run the annual IP training plan" in _done_titles(en) | {
        a.title_en for a in en.conv.company.actions if a.done_on is not None
    }


@pytest.mark.parametrize(
    ("lang", "audit", "yes", "review", "on"),
    [("zh", "内审定在3月10号", "对", "管评就内审后一周吧", "2027-03-17"),
     ("zh", "内审定在3月10号", "对", "管评放在内审后两周", "2027-03-24"),
     ("en", "internal audit on March 10", "yes",
      "management review two weeks after the internal audit", "24 Mar 2027")],
)  # fmt: skip
def test_a_date_said_relative_to_another_event_counts_from_it(
    kb: Knowledge, lang: str, audit: str, yes: str, review: str, on: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(audit)
    d.text(yes)
    d.text(review)
    assert on in d.said(), d.said()
    assert ("内部审核" if lang == "zh" else "Internal audit") not in d.said()  # not a 2nd event


def test_a_new_target_after_a_read_back_is_no_correction_of_its_date(zh: Driver) -> None:
    plan_every_gap(zh)
    zh.text("管评定在3月17号")
    zh.text("我们的目标改成明年9月底")
    assert zh.conv.company.target_date is not None
    assert zh.conv.company.target_date.isoformat() == "2027-09-30"
    review = next(e for e in zh.conv.company.events if e.key == "management_review")
    assert review.on.isoformat() == "2027-03-17"  # the read-back confirmed, not re-dated


@pytest.mark.parametrize(
    ("lang", "said", "yes", "review"),
    [("zh", "内审3月15号，管评一周后", "对", "2027-03-22"),
     ("zh", "内审定在3月15号，管评定在3月29号", "对", "2027-03-29"),
     ("en", "we'll do the internal audit on March 15 and the management review a week later",
      "yes", "2027-03-22")],
)  # fmt: skip
def test_the_internal_audit_and_the_review_told_together_are_both_recorded(
    kb: Knowledge, lang: str, said: str, yes: str, review: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(said)
    assert not any(e.key == "internal_audit" for e in d.conv.company.events)  # read back first
    d.text(yes)
    days = {e.key: e.on.isoformat() for e in d.conv.company.events}
    assert days.get("internal_audit") == "2027-03-15", d.said()
    assert days.get("management_review") == review


@pytest.mark.parametrize(
    ("said", "title"),
    [("劳动合同补充协议也都签了", "在劳动合同中补充知识产权和保密条款"),
     ("方针老板已经签了", "由最高管理者签发知识产权方针")],
)  # fmt: skip
def test_an_action_told_done_in_other_words_is_read_back(zh: Driver, said: str, title: str) -> None:
    zh.onboard()
    zh.press("2|as.start")
    zh.answer_all("n", {})
    zh.press("2|pl.make")
    zh.press("2|pl.target|")
    zh.text(said)
    assert title in zh.said() and "已完成" in zh.said(), zh.said()


@pytest.mark.parametrize("view", ["plan", "status", "reminders"])
def test_a_read_back_left_for_a_view_command_waits_for_its_yes(en: Driver, view: str) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    en.onboard()
    assess_and_plan(en)
    en.text("the IP ledger is done")
    en.cmd(view)  # a look is no "yes": shown, and the read-back asked again with its button
    ledger = [a for a in en.conv.company.actions if "ledger" in a.title_en.lower()]
    assert "Marked done" not in en.said() and not any(a.done_on for a in ledger), en.said()
    assert "still waits for you" in en.said()
    assert any(b.data.startswith("2|evt.told|") for b in en.buttons), en.said()
    en.text("yes")
    assert "Marked done" in en.said(), en.said()
    assert any(a.done_on for a in en.conv.company.actions if "ledger" in a.title_en.lower())


@pytest.mark.parametrize(
    ("lang", "done", "undo"),
    [("zh", "台账做好了", "不对，台账还没弄完"), ("zh", "台账做好了", "台账那项改回没完成"),
     ("en", "the IP ledger is done", "the ledger is NOT done actually")],
)  # fmt: skip
def test_an_action_marked_done_by_mistake_is_opened_again(
    kb: Knowledge, lang: str, done: str, undo: str
) -> None:
    from tests.flows.timeline_walk import assess_and_plan

    d = Driver(kb, lang)
    d.onboard()
    assess_and_plan(d)
    yes = "对" if lang == "zh" else "yes"
    d.text(done)
    d.text(yes)
    ledger = next(a for a in d.conv.company.actions if a.id == "gap:D03")
    assert ledger.done_on is not None
    d.text(undo)
    assert any(b.data == "2|pl.undo|gap:D03" for b in d.buttons), d.said()
    d.text(yes)
    assert next(a for a in d.conv.company.actions if a.id == "gap:D03").done_on is None


@pytest.mark.parametrize(
    ("lang", "said", "done", "still"),
    [
        (
            "en",
            "scope, policy and org chart are done. HR is still working on the contracts",
            [
                "Write and approve the system scope statement",
                "Issue a signed IP policy",
                "Issue the org chart and IP responsibility matrix",
            ],
            "Add IP and confidentiality terms to employment contracts",
        ),
        (
            "zh",
            "范围、方针和组织架构图都弄好了，合同人事还在弄",
            [
                "编写并批准体系范围说明",
                "由最高管理者签发知识产权方针",
                "发布组织机构图和职能分配表",
            ],
            "在劳动合同中补充知识产权和保密条款",
        ),
    ],
)
def test_a_report_of_done_and_still_open_reads_back_the_done_and_keeps_the_rest(
    kb: Knowledge, lang: str, said: str, done: list[str], still: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(said)
    reply = d.said()
    head, _, tail = reply.partition("\n\n")
    assert all(title in head for title in done), reply  # read back, one button for all
    assert still in tail and still not in head, reply  # noted with its due date, not ticked
    assert not any(a.done_on for a in d.conv.company.actions), reply  # not before "yes"
    d.text("yes" if lang == "en" else "对")
    closed = {
        a.title_en if lang == "en" else a.title_zh for a in d.conv.company.actions if a.done_on
    }
    assert closed == set(done), d.said()


def test_the_policy_named_alone_is_the_ip_policy_not_its_awareness_sessions(en: Driver) -> None:
    plan_every_gap(en)
    en.text("the policy is done")
    assert "“Issue a signed IP policy”" in en.said(), en.said()


def test_still_under_way_alone_is_noted_with_its_due_date(zh: Driver) -> None:
    plan_every_gap(zh)
    zh.text("劳动合同人事还在弄")
    assert "还在进行中" in zh.said() and "在劳动合同中补充知识产权和保密条款" in zh.said()
    assert not any(b.data.startswith("2|evt.told|") for b in zh.buttons)


@pytest.mark.parametrize(
    ("lang", "said", "left"),
    [
        ("zh", "范围说明、目标、台账都弄好了，合同审查也加到OA里了", "您还提到：台账。"),
        ("en", "policy, objectives, scope and the org chart are all done", "org chart"),
    ],
)
def test_a_list_says_what_it_named_beyond_the_read_back(
    kb: Knowledge, lang: str, said: str, left: str
) -> None:
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(said)
    assert any(b.data.startswith("2|evt.told|") for b in d.buttons), d.said()
    assert ("您还提到" in d.said() or "You also mentioned" in d.said()) and left in d.said()


def test_a_remark_beside_what_is_done_is_not_named_back(zh: Driver) -> None:
    from datetime import date

    from tests.flows.timeline_walk import advance_to

    plan_every_gap(zh)
    advance_to(zh, date(2027, 4, 10))
    zh.text("培训3月底做了，全员都签到了")  # "签到" is no "until": the end of March
    assert "2027-03-31" in zh.said() and "您还提到" not in zh.said(), zh.said()


@pytest.mark.parametrize(
    ("lang", "said", "yes"),
    [
        ("en", "we finished the manual last week and the training is scheduled for march 3", "yes"),
        ("zh", "手册上周弄好了，培训定在3月3号", "对"),
    ],
)
def test_one_action_done_and_another_dated_ahead_are_read_back_in_turn(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """Was: the manual moved to March 3 (the training's date), the training lost."""
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.advance(50)
    d.text(said)
    assert "2|evt.told|gap:A03|" in " ".join(b.data for b in d.buttons), d.said()
    d.text(yes)
    manual = next(a for a in d.conv.company.actions if a.id == "gap:A03")
    assert manual.done_on is not None and manual.done_on < d.now.date(), manual
    assert any(b.data.endswith("|2027-03-03") for b in d.buttons), d.said()  # the training next
    d.text(yes)
    training = next(a for a in d.conv.company.actions if a.id == "gap:C02")
    assert training.due == date(2027, 3, 3) and training.done_on is None


@pytest.mark.parametrize(("lang", "said", "yes"), [("en", "the IP policy is signed", "yes"),
                                                   ("zh", "方针老板已经签了", "对")])  # fmt: skip
def test_a_read_back_left_waiting_is_asked_again_after_start(
    kb: Knowledge, lang: str, said: str, yes: str
) -> None:
    """/start (every terminal launch, Telegram's Start button) replaced the waiting read-back
    with the next card; the owner's "yes" then recorded nothing."""
    d = Driver(kb, lang)
    plan_every_gap(d)
    d.text(said)
    [told] = [b.data for b in d.buttons if "evt.told" in b.data]
    d.advance(1)
    d.cmd("start")
    assert told in [b.data for b in d.buttons], d.said()
    assert "Before you left" in d.said() or "上次离开前" in d.said()
    d.text(yes)
    assert any(a.done_on for a in d.conv.company.actions if a.question_id == "B01"), d.said()
