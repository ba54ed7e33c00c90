"""A whole journey in each language, typed as an owner would (issue 8).

No button is pressed and no option number typed: the "user" below reads what the assistant
is waiting for (a question, a date, an offer such as "start the assessment") and types a
natural answer — 有, 大概120人吧, 明年6月底, 做完了, "内审3月15号做完了" — moving the date
forward as an owner would come back weeks later (`/today`, the terminal's simulated date).
From the first message through the quick assessment, the plan, every phase, the certificate
and one surveillance cycle, ending with the expected state.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.service import Assistant
from bot.terminal import TerminalChat
from flows.callbacks import decode
from flows.context import Ctx
from flows.known import timeline_of
from flows.natural import format_date
from flows.state import Conversation

ONBOARDING = {
    "zh": ["你好", "华光精密模具", "大概120人吧", "我们做注塑模具", "两个", "还没开始"],
    "en": ["hello", "Lotus Precision Ltd", "around 80 staff", "we make plastic parts",
           "two sites", "we have not started yet"],
}  # fmt: skip
ANSWERS = {
    "zh": ["有", "还没有", "一部分", "有的", "不清楚", "有", "没有"],
    "en": ["yes", "not yet", "partly", "yes we do", "not sure", "yes", "no"],
}
GO = {"zh": "好的", "en": "ok"}
DONE = {"zh": "做完了", "en": "done"}
YES = {"zh": "对", "en": "yes"}
NEXT = {"zh": "下一步", "en": "what's next"}
TARGET = {"zh": "2028年6月底", "en": "end of June 2028"}
# How an owner says a milestone happened, by its timeline key.
FACTS = {
    "zh": {
        "operate": "体系{d}开始运行的", "internal_audit": "内审{d}做完了",
        "management_review": "管评{d}开完了", "apply": "{d}提交了认证申请",
        "stage1": "一阶段审核{d}做完了", "stage2": "二阶段审核{d}结束了",
        "surveillance": "监督审核{d}做完了", "yearly_internal_audit": "内审{d}做完了",
        "yearly_management_review": "管评{d}开完了",
    },
    "en": {
        "operate": "the system started running on {d}",
        "internal_audit": "the internal audit was done on {d}",
        "management_review": "the management review was held on {d}",
        "apply": "we applied on {d}", "stage1": "the stage 1 audit was on {d}",
        "stage2": "the stage 2 audit ended on {d}",
        "surveillance": "the surveillance audit was done on {d}",
        "yearly_internal_audit": "the internal audit was done on {d}",
        "yearly_management_review": "the management review was held on {d}",
    },
}  # fmt: skip


def spoken(d: date, lang: str) -> str:
    """A date as typed: 2027年3月15日 / 15 March 2027."""
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%B %Y}"


class Owner:
    def __init__(self, assistant: Assistant, lang: str, tmp: Path) -> None:
        self.assistant, self.lang = assistant, lang
        self.out = io.StringIO()
        self.chat = TerminalChat(assistant, f"owner-{lang}", lang, out=self.out, download_dir=tmp)
        self.typed: list[str] = []
        self.answers = 0

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.assistant.clock, FakeClock)
        return self.assistant.clock

    async def say(self, line: str) -> None:
        assert not line.isdigit(), "the owner never types an option number"
        self.typed.append(line)
        await self.chat.send(line)

    async def conv(self) -> Conversation:
        async with self.assistant.store.conversation("terminal", f"owner-{self.lang}") as h:
            return h.conv

    async def ctx(self) -> Ctx:
        return Ctx(await self.conv(), self.assistant.kb, self.clock.now())

    def wait_until(self, day: date) -> None:
        """Come back on that day (an owner away for weeks), at the same hour."""
        if day > self.clock.now().date():
            self.clock.advance(timedelta(days=(day - self.clock.now().date()).days))

    async def one_step(self) -> None:
        """Read what is awaited and type what an owner would."""
        conv = await self.conv()
        p = conv.user.pending
        if p is None:
            await self.say(NEXT[self.lang])
        elif p.flow == "assess":
            await self.say(ANSWERS[self.lang][self.answers % len(ANSWERS[self.lang])])
            self.answers += 1
        elif p.flow == "plan_target":
            await self.say(TARGET[self.lang])
        elif p.flow == "certificate":
            await self.certificate(p.field, p.data)
        elif p.flow == "offer":
            await self.offer(p.data)
        elif p.flow == "date":  # "when is it?": the certification body gave a day
            await self.say(spoken(await self.planned(p.field), self.lang))
        else:
            raise AssertionError(f"unexpected input {p.flow}:\n{self.out.getvalue()[-3000:]}")

    async def certificate(self, field: str, data: dict[str, str]) -> None:
        today = self.clock.now().date()
        if field == "number":
            await self.say("165IP28000123")
        elif field == "issued":
            await self.say(spoken(today, self.lang))
        else:  # the day before the third anniversary
            expires = date(today.year + 3, today.month, today.day) - timedelta(days=1)
            await self.say(spoken(expires, self.lang))

    async def offer(self, data: dict[str, str]) -> None:
        cb = decode(data.get("data", ""))
        assert cb is not None
        if cb.verb in ("evt.date", "evt.done", "pl.done", "step") and cb.args:
            # A milestone (the audit, the review...) is told when it has happened, on its day.
            arg = cb.args[0].removeprefix("action:").removeprefix("rule:")
            key = await self.milestone_key(arg)
            if key is not None and key.split(":")[0] in FACTS[self.lang]:
                return await self.tell(key)
        if cb.verb in ("pl.done", "evt.done", "step", "tl.alldone", "nc.close"):
            return await self.say(DONE[self.lang])
        await self.say(GO[self.lang])

    async def planned(self, key: str) -> date:
        """The day the certification body offers: the planned day, or in three weeks."""
        item = timeline_of(await self.ctx()).get(key)
        soon = self.clock.now().date() + timedelta(days=21)
        return item.on if item is not None and item.on > self.clock.now().date() else soon

    async def milestone_key(self, arg: str) -> str | None:
        ctx = await self.ctx()
        step = ctx.kb.steps.get(arg)
        key = step.event_kind if step is not None else arg
        if key is None:
            return None
        tl = timeline_of(ctx)
        item = tl.get(key) or next((i for i in tl.open_items() if i.kind == key), None)
        return item.key if item is not None and not item.done else None

    async def tell(self, key: str) -> None:
        """The milestone happens on its planned day; the owner comes back and says so."""
        ctx = await self.ctx()
        item = timeline_of(ctx).get(key)
        assert item is not None
        when = max(item.on, self.clock.now().date())
        self.wait_until(when)
        kind = key.split(":")[0]
        await self.say(FACTS[self.lang][kind].format(d=spoken(when, self.lang)))
        await self.say(YES[self.lang])  # "对": record it


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_whole_journey_typed_in_words(
    assistant: Assistant, lang: str, tmp_path: Path
) -> None:
    owner = Owner(assistant, lang, tmp_path)
    for line in ONBOARDING[lang]:
        await owner.say(line)
    certified_on: date | None = None
    for _ in range(400):
        conv = await owner.conv()
        if conv.company.certificate is not None and certified_on is None:
            certified_on = owner.clock.now().date()
        ctx = await owner.ctx()
        surveillance = timeline_of(ctx).get("surveillance:1")
        if surveillance is not None and surveillance.done:
            break
        await owner.one_step()
    else:
        raise AssertionError(f"the journey did not finish:\n{owner.out.getvalue()[-4000:]}")
    transcript = owner.out.getvalue()
    conv = await owner.conv()
    company = conv.company
    assert company.name and company.headcount and company.sites == 2
    assert company.certificate is not None and certified_on is not None
    assert company.phase == "maint"
    assert len([a for a in company.answers.values() if a.value == "unsure"]) >= 1
    assert "Traceback" not in transcript
    unwanted = ["超出了我掌握", "您是想问", "outside what I know", "Did you mean"]
    assert not any(u in transcript for u in unwanted), "a typed answer was sent to the FAQ"
    assert all(not t.isdigit() for t in owner.typed)
    assert format_date(certified_on, lang)  # the certificate date reads in the user's language
