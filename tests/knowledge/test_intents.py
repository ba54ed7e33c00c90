from __future__ import annotations

import pytest

from knowledge.intents import Intent, detect_intent
from knowledge.loader import Knowledge


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", Intent.GREETING),
        ("Hello!", Intent.GREETING),
        ("你好", Intent.GREETING),
        ("在吗？", Intent.GREETING),
        ("谢谢", Intent.THANKS),
        ("thx", Intent.THANKS),
        ("Thank you so much!", Intent.THANKS),
        ("what's next", Intent.NEXT),
        ("What should I do now?", Intent.NEXT),
        ("next step", Intent.NEXT),
        ("下一步", Intent.NEXT),
        ("接下来做什么", Intent.NEXT),
        ("现在该干嘛", Intent.NEXT),
        ("那我下一步该做什么呢？", Intent.NEXT),
        # "what's next" as people say it, in any state (issue 10)
        ("我现在该干嘛", Intent.NEXT),
        ("我该干嘛", Intent.NEXT),
        ("接下来呢", Intent.NEXT),
        ("然后呢？", Intent.NEXT),
        ("那接下来呢", Intent.NEXT),
        ("我们现在到哪一步了", Intent.WHERE),
        ("what now", Intent.NEXT),
        ("ok what now?", Intent.NEXT),
        ("Where are we?", Intent.WHERE),
        ("where are we at", Intent.WHERE),
        # coming back weeks later
        ("我们之前做到哪了", Intent.WHERE),
        ("上次弄到哪一步了", Intent.WHERE),
        ("where were we?", Intent.WHERE),
        # as returning owners type it (walk of 2026-12-03)
        ("到哪了", Intent.WHERE),
        ("过完年回来了，到哪了", Intent.WHERE),
        ("ok whatever. where were we?", Intent.WHERE),
        ("现在进度怎么样", Intent.STATUS),
        # walk of 2026-12-04
        ("我们进度怎么样", Intent.STATUS),
        ("还有多少事没做", Intent.STATUS),
        ("看看结果", Intent.STATUS),
        ("查一下我们的证书状态", Intent.STATUS),
        ("check our certificate status", Intent.STATUS),
        ("what's overdue?", Intent.OVERDUE),
        ("哪些逾期了", Intent.OVERDUE),
        ("what do we need to do now?", Intent.NEXT),
        ("what's left to do", Intent.PLAN),  # the open items, listed
        ("报告发我一下", Intent.REPORT),
        ("把计划导出来", Intent.REPORT),
        ("给我看一下日历", Intent.CALENDAR),
        ("add it to my calendar", Intent.CALENDAR),
        ("有哪些提醒", Intent.REMINDERS),
        ("my reminders", Intent.REMINDERS),
        ("明天再提醒我", None),
        ("what should we focus on", Intent.NEXT),
        ("下面做什么", Intent.NEXT),
        ("需要我做什么", Intent.NEXT),
        ("what is our status", Intent.STATUS),
        ("hi, back after a busy month", Intent.GREETING),
        ("评估结果怎么样", Intent.STATUS),
        ("show me the results", Intent.STATUS),
        ("how did we do", Intent.STATUS),
        ("上次说到哪了", Intent.WHERE),
        ("谢谢，辛苦了", Intent.THANKS),
        ("哈哈", Intent.LAUGH),
        ("wats next", Intent.NEXT),
        ("下步", Intent.NEXT),
        ("咋办", Intent.NEXT),
        ("ok let's do the assessment", Intent.ASSESS),
        ("开始评估吧", Intent.ASSESS),
        ("can you send me the plan as a file", Intent.REPORT),
        ("delete my data", Intent.DELETE),
        ("导出我的数据", Intent.EXPORT),
        ("hey, been a while. anything we need to do?", Intent.NEXT),
        ("anything we need to do?", Intent.NEXT),
        ("where did we leave off", Intent.WHERE),
        ("and then?", Intent.NEXT),
        # a greeting or "we're back" before it
        ("hey, we're back. where are we?", Intent.WHERE),
        ("hi! what's next?", Intent.NEXT),
        ("你好，我回来了，我们到哪一步了", Intent.WHERE),
        ("在吗？下一步做什么", Intent.NEXT),
        ("你好，好久没来了，现在要干嘛", Intent.NEXT),
        ("I don't understand what to do", Intent.NEXT),
        ("我不知道该干嘛", Intent.NEXT),
        ("I'm lost", Intent.NEXT),
        ("help", Intent.HELP),
        ("你能做什么", Intent.HELP),
        ("进度", Intent.STATUS),
        ("my progress", Intent.STATUS),
        ("我的计划", Intent.PLAN),
        ("show plan", Intent.PLAN),
        ("ＳＨＯＷ　ＭＹ　ＰＬＡＮ", Intent.PLAN),
    ],
)
def test_short_messages_are_intents(text: str, intent: Intent) -> None:
    assert detect_intent(text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "内审完成之后下一步是什么？",  # a domain question that merely contains 下一步
        "下一步要准备哪些认证材料",
        "What is the next step after the stage 1 audit?",
        "你好，请问贯标要多久？",  # greeting + real question: goes to the FAQ
        "hi, how much does certification cost?",
        "we're back, what does the stage 2 audit check?",
        "I don't understand clause 7.3",
        "thanks, but how much does certification cost?",
        "how do I plan the internal audit",
        "监督审核的进度要求是什么",
        "where are we supposed to keep the internal audit records?",
        "然后呢，监督审核要准备什么",
        "",
    ],
)
def test_questions_are_not_intents(text: str) -> None:
    assert detect_intent(text) is None


def test_intents_are_never_matched_as_faq(mini_kb: Knowledge) -> None:
    for text in ("hi", "下一步", "what's next", "谢谢", "进度"):
        assert mini_kb.matcher.match(text).status == "unknown"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can you speak english?", Intent.ENGLISH),
        ("能说英文吗", Intent.ENGLISH),
        ("English please", Intent.ENGLISH),
        ("说中文", Intent.CHINESE),
        ("can you reply in Chinese", Intent.CHINESE),
        ("人工客服", Intent.HUMAN),
        ("有没有人工", Intent.HUMAN),
        ("can I talk to a human?", Intent.HUMAN),
    ],
)
def test_language_and_human_requests(text: str, intent: Intent) -> None:
    assert detect_intent(text) is intent


@pytest.mark.parametrize(
    "text", ["英文版证书怎么申请", "is the certificate issued in english?", "客服电话是多少"]
)
def test_questions_about_english_or_service_are_not_requests(text: str) -> None:
    assert detect_intent(text) is None


@pytest.mark.parametrize(
    "text", ["你是谁", "这是干嘛的", "这个是干什么的", "who are you", "what is this?", "whats this"]
)
def test_who_we_are_is_its_own_intent(text: str) -> None:
    assert detect_intent(text) is Intent.ABOUT


@pytest.mark.parametrize("text", ["这是什么意思", "what is this question for", "谁负责内审"])
def test_about_the_question_is_not_who_we_are(text: str) -> None:
    assert detect_intent(text) is not Intent.ABOUT


@pytest.mark.parametrize(
    ("text", "intent"),
    [("算了", Intent.STOP), ("先不做了", Intent.STOP), ("forget it", Intent.STOP),
     ("never mind", Intent.STOP), ("重新开始", Intent.RESTART),
     ("我想从头再来一遍", Intent.RESTART),
     ("start over", Intent.RESTART), ("I want to start over from scratch", Intent.RESTART)],
)  # fmt: skip
def test_giving_up_and_starting_over(text: str, intent: Intent) -> None:
    assert detect_intent(text) is intent


@pytest.mark.parametrize(
    "text", ["没做", "不做这个", "我们不做研发", "stop sign", "restart the audit?"]
)
def test_answers_are_not_giving_up(text: str) -> None:
    assert detect_intent(text) not in (Intent.STOP, Intent.RESTART)
