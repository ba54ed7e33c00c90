"""Yes / partly / no / n.a. / not sure typed as people type them (issue #8)."""

from __future__ import annotations

import pytest

from flows.natural import AnswerKind, parse_answer

Y, P, N, NA, U = (AnswerKind.YES, AnswerKind.PARTLY, AnswerKind.NO, AnswerKind.NA,
                  AnswerKind.UNSURE)  # fmt: skip

ZH = [
    ("有", Y), ("有的", Y), ("是", Y), ("是的", Y), ("对", Y), ("已经有了", Y), ("基本有", Y),
    ("有，都有", Y), ("有，去年制定的", Y), ("有吧", Y), ("有呢", Y), ("有啊", Y), ("有的吧", Y),
    ("有！", Y), ("有😊", Y), ("我觉得有", Y), ("有 去年制定的", Y), ("已经建立了", Y),
    ("嗯，有的", Y), ("  是的。 ", Y),
    ("部分", P), ("一部分", P), ("有一些", P), ("还不全", P), ("有的有，有的没有", P),
    ("有，但不全", P), ("有，也没有", P), ("没有，只有一部分", P), ("正在建立", P), ("部分有吧", P),
    ("没有", N), ("还没有", N), ("无", N), ("否", N), ("没", N), ("没有，正在写", N),
    ("没有正在写", N), ("还没呢", N), ("什么都没有", N), ("暂时没有。", N), ("不是", N),
    ("基本没有", N), ("基本上没有吧", N), ("几乎没有", N), ("基本没有，只有几个专利证书", N),
    ("签了一部分", P), ("大部分有", P), ("有是有，但是没记录", P), ("有过一次", P), ("都签了", Y),
    ("签了", Y),
    ("不适用", NA), ("不涉及", NA), ("我们不涉及", NA), ("无此情况", NA),
    ("不清楚", U), ("不确定", U), ("不知道", U), ("跳过", U), ("再说", U), ("先跳过吧", U),
    ("不太清楚", U), ("我问一下", U),
    # A qualified yes is partly.
    ("有，有时候做", P), ("有时候", P), ("偶尔", P), ("有，没记录", P),
    ("有个excel表记着专利，但是不全", P), ("是的，每次都有记录", Y),
    # a yes taken partly back by its next clause; a variant spelling (walk of 2026-12-03)
    ("有，但是没签到表", P), ("是的，不过还没批", P), ("部份", P), ("有一部份", P),
    ("有，但是很全", Y),
]  # fmt: skip

EN = [
    ("yes", Y), ("Yes", Y), ("YES!", Y), ("yep", Y), ("yeah", Y), ("y", Y), ("sure", Y),
    ("of course", Y), ("yes, since 2020", Y), ("Yes we have one.", Y), ("well, yes", Y),
    ("yes, but nobody signed it", P), ("yes but it works fine", Y),
    ("ＹＥＳ", Y), ("👍", Y), ("✅", Y), ("already in place", Y), ("correct", Y),
    ("partly", P), ("somewhat", P), ("kind of", P), ("partially", P), ("sort of", P),
    ("in progress", P), ("yes and no", P), ("yes, but not complete", P), ("more or less", P),
    ("no", N), ("nope", N), ("not yet", N), ("No, we don't", N), ("nah", N), ("n", N),
    ("not really", N), ("👎", N), ("no, not yet.", N), ("none", N), ("basically none", N),
    ("hardly any", N),
    ("n/a", NA), ("N/A", NA), ("na", NA), ("n.a.", NA), ("not applicable", NA),
    ("doesn't apply", NA), ("not relevant", NA),
    ("not sure", U), ("don't know", U), ("I don't know", U), ("skip", U), ("idk", U),
    ("I'm not sure", U), ("no idea", U), ("maybe", U), ("need to check", U), ("later", U),
    ("we do searches sometimes before launching", P), ("sometimes", P), ("not always", P),
    ("we have one, but not documented", P),
]  # fmt: skip

NOT_ANSWERS = [
    "有什么用？", "有什么用", "是吗", "是不是", "有没有", "有？", "yes?", "what does that mean?",
    "why does it matter", "贯标有什么好处", "hello", "", "   ", "？？", "无所谓", "123",
    "如何建立知识产权方针", "我们公司在深圳", "maybe?", "x" * 500,
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind"), ZH)
def test_chinese_answers(text: str, kind: AnswerKind) -> None:
    assert parse_answer(text) is kind


@pytest.mark.parametrize(("text", "kind"), EN)
def test_english_answers(text: str, kind: AnswerKind) -> None:
    assert parse_answer(text) is kind


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_questions_and_other_text_are_not_answers(text: str) -> None:
    assert parse_answer(text) is None


def test_tables_are_large_enough() -> None:
    assert len(ZH) >= 40 and len(EN) >= 40


def test_mixed_answers_are_partly_not_the_first_word() -> None:
    # The first clause alone would say yes / no; the later clause qualifies it.
    assert parse_answer("有") is Y and parse_answer("有，但不全") is P
    assert parse_answer("没有") is N and parse_answer("没有，有一部分") is P
    # An explanation that is not itself an answer leaves the answer as it is.
    assert parse_answer("没有，正在写") is N
