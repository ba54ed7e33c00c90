"""Reading what the user typed into an awaited input: dates, counts, choices, yes/no.

Each reader returns the value, or replies that say what is expected (with examples valid
today) and ask the same question again, or ``None`` when the text is really a question for
the FAQ. The parsing itself is ``flows.natural``; this module is the conversation around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flows.callbacks import encode
from flows.context import Ctx
from flows.dates import add_months
from flows.natural import (
    Ambiguous,
    DateProblem,
    Direction,
    Edge,
    Option,
    OutOfRange,
    format_date,
    match_choice,
    parse_count,
    parse_date,
)
from flows.natural.dates import after_new_year
from flows.phrasing import looks_like_question
from flows.types import PROMPT, Button, Out, Reply


@dataclass(frozen=True)
class Got:
    """A value read from the text, and the echo to show when the user gave less than it."""

    value: date
    echo: Reply | None = None


def date_examples(ctx: Ctx, direction: Direction) -> str:
    """Three ways to write a date, all valid today for this question."""
    past = direction == "past"
    full = add_months(ctx.today, -3).replace(day=1) if past else add_months(ctx.today, 6)
    spelled = add_months(ctx.today, -2 if past else 3)
    if ctx.lang == "zh":
        phrases = ("上个月1号", "去年9月") if past else ("下个月15号", "明年6月底")
        return "、".join([full.isoformat(), *(f"“{p}”" for p in phrases)])
    words = f"{spelled.day} {spelled:%B %Y}"
    relative = "last month" if past else "end of June next year"
    return ", ".join([full.isoformat(), f'"{words}"', f'"{relative}"'])


def read_date(
    ctx: Ctx, text: str, direction: Direction, edge: Edge | None = None
) -> Got | Out | None:
    """A date for a question that wants one in the past, the future or either."""
    result = parse_date(text, ctx.today, direction, edge)
    if isinstance(result, DateProblem) and result.kind == "not_a_date" and not _SHIFTS.search(text):
        # "we started running the system on November 1": the date inside the sentence.
        inside = find_date(text, ctx.today, direction)
        if inside is not None:
            return Got(inside, ctx.reply("date_echo", date=format_date(inside, ctx.lang)))
    if isinstance(result, DateProblem):
        return _date_problem(ctx, text, result, direction)
    echo = None
    if not result.complete:
        echo = ctx.reply("date_echo", date=format_date(result.value, ctx.lang))
    return Got(result.value, echo)


def _date_problem(ctx: Ctx, text: str, problem: DateProblem, direction: Direction) -> Out | None:
    if problem.kind == "not_a_date":
        if looks_like_question(text):
            return None
        return [ctx.reply("date_not_understood", examples=date_examples(ctx, direction)), PROMPT]
    if problem.kind == "impossible":
        return [ctx.reply("bad_date_invalid"), PROMPT]
    if problem.kind == "ambiguous":
        choices = [
            Button(format_date(d, ctx.lang), encode("pick", d.isoformat()))
            for d in problem.candidates
        ]
        return [ctx.reply("date_ambiguous", [choices], text=text.strip()[:40])]
    if problem.kind == "wrong_direction" and problem.candidates:
        key = "date_in_past" if direction == "future" else "date_in_future"
        return [ctx.reply(key, date=format_date(problem.candidates[0], ctx.lang)), PROMPT]
    return [ctx.reply("date_not_understood", examples=date_examples(ctx, direction)), PROMPT]


def read_count(ctx: Ctx, text: str, maximum: int, examples_key: str) -> int | Out | None:
    """A whole number such as a headcount: "大概120人吧", "一百二十", "about 60"."""
    count = parse_count(text)
    if (
        count is None
    ):  # "两个厂区，一个在北仑…", "around 45 staff, maybe 50": the first clause says it
        first = re.split(r"[，,；;:：。]", text.strip(), maxsplit=1)[0]
        count = parse_count(first) if first != text.strip() else None
    if count is not None and 1 <= count.value <= maximum:
        return count.value
    if count is None and looks_like_question(text):
        return None
    examples = ctx.t(examples_key)
    return [ctx.reply("count_not_understood", examples=examples, max=f"{maximum:,}"), PROMPT]


def read_choice(ctx: Ctx, text: str, options: tuple[Option, ...]) -> str | Out | None:
    """One of the options shown: typed in full, a clear part of it, a synonym or its number."""
    found = match_choice(text, options)
    if isinstance(found, str):
        return found
    if isinstance(found, OutOfRange):
        return [ctx.reply("choice_out_of_range", n=found.size), PROMPT]
    if found is None and looks_like_question(text):
        return None
    if isinstance(found, Ambiguous):
        sep = "、" if ctx.lang == "zh" else ", "
        names = sep.join(_label(ctx, o) for o in options if o.value in found.values)
        return [ctx.reply("choice_ambiguous", options=names), PROMPT]
    return [ctx.reply("choice_not_understood"), PROMPT]


def _label(ctx: Ctx, option: Option) -> str:
    return option.zh if ctx.lang == "zh" else option.en


_WORD = re.compile(r"[\w/.-]+")
# Words that move a date the run without them would misread ("next Tuesday" is not Tuesday).
_SHIFTS = re.compile(r"\b(?:next|this|coming|following|upcoming|after|before)\b", re.I)
# A run of words worth trying as a date: a digit, a month name ("may" only after "in", "since",
# "from", "of" or before a number: "we may apply" is not a date), or a relative word.
_DATEISH = re.compile(
    r"\d|january|february|march|april|june|july|august|september|october|november|december"
    r"|\b(?:in|since|from|of|to|until|till|by|before|after)\s+may\b|\bmay\s+\d|yesterday|today|\blast\b|\bago\b"
    r"|tomorrow|\bnext\b|\bthis\s+(?:week|month|year)|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|\bin\s+(?:a|an|one|two|three|four|five|six|a\s+few)\s+(?:days?|weeks?|months?)\b",
    re.I,
)


def find_date(
    text: str, today: date, direction: Direction, edge: Edge | None = None
) -> date | None:
    """The date inside a sentence: the whole text, else the longest run of words that is one."""
    found = parse_date(text, today, direction, edge)
    if not isinstance(found, DateProblem):
        return found.value
    if direction != "past" and (back := after_new_year(text, today)) is not None:
        return back  # "合同那个过完年再弄吧"
    words = _WORD.findall(text)
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            run = " ".join(words[max(0, i - 1) : i + size])  # with the word before, for "in May"
            if not _DATEISH.search(run):
                continue
            tried = " ".join(words[i : i + size])
            if _COUNTED.search(tried) and not _MONTH.search(tried):
                continue  # "saturday, one minor nc": a count, not the 1st of January
            found = parse_date(tried, today, direction, edge)
            if not isinstance(found, DateProblem):
                return found.value
    return None


# A number said in words with no unit and no month ("saturday one" is no January 1st)
_COUNTED = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b"
    r"(?!\s+(?:working\s+|business\s+)?(?:days?|weeks?|months?|years?)\b)",
    re.I,
)
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.I)
