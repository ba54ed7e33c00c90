"""The whole certification journey over Telegram: real Application, real Assistant, emulator.

The user is played through the emulator's HTTP client: it reads the bot's messages and
presses the buttons they carry, by label (never by callback data it has not been shown).
Time passes through the assistant's ``FakeClock``, so months go by without waiting.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from e2e_harness import RunningBot, bot_settings, free_port, new_token, start_bot
from emu_client import ChatUser, Record, buttons_of, text_of
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.serve_commands import run_webhook
from bot.service import Assistant
from bot.telegram_app import run_polling
from flows.types import Lang
from knowledge.loader import load_knowledge
from knowledge.texts import t
from storage.repo import Store

pytestmark = pytest.mark.emulator

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
NEXT_PHRASE = {"zh": "下一步", "en": "what's next"}
MAX_MOVES = 200  # a runaway loop fails instead of hanging


# What a negated question shows instead of a plain yes / no.
NEGATED = {"answer_yes": "answer_no_negated", "answer_no": "answer_yes_negated"}


class Journey:
    """A person working through the journey in one language, via labels only."""

    def __init__(self, user: ChatUser, clock: FakeClock, lang: Lang) -> None:
        self.user, self.clock, self.lang = user, clock, lang
        self.moves = 0
        self.certificate_number = "165IP27000123"

    def label(self, key: str, **values: str) -> str:
        return t(self.lang, key, **values)

    @property
    def today(self) -> date:
        return self.clock.now().date()

    def _count(self) -> None:
        self.moves += 1
        if self.moves > MAX_MOVES:
            raise AssertionError(f"journey did not finish; chat so far:\n{self.user.transcript()}")

    async def say(self, text: str) -> list[Record]:
        self._count()
        return await self.user.say(text)

    async def press(self, label: str, exact: bool = False) -> list[Record]:
        self._count()
        return await self.user.press(label, exact=exact)

    async def next(self) -> Record:
        """Ask "what's next?" in words; the answer is one message."""
        [answer] = await self.say(NEXT_PHRASE[self.lang])
        return answer

    async def onboard(self, name: str, industry: str, stage: str) -> list[Record]:
        await self.say(name)
        await self.press("11–50")
        await self.press(industry)
        await self.press(self.label("opt_sites_1"), exact=True)
        return await self.press(stage, exact=True)

    async def assess(self, answer_for: dict[int, str]) -> list[Record]:
        """Answer every question (question number -> answer key, default yes)."""
        asked = 0
        while True:
            try:  # every question carries "why does this matter?"
                self.user.find_button(self.label("why"), exact=True)
            except AssertionError:
                break
            asked += 1
            key = answer_for.get(asked, "answer_yes")
            try:
                self.user.find_button(self.label(key), exact=True)
            except AssertionError:  # a negated question ("any penalty?"): "No, none" meets it
                key = NEGATED.get(key, "answer_unsure")
            replies = await self.press(self.label(key), exact=True)
            record = replies[0]
            assert record.get("edited") and self.label(key) in text_of(record)  # chat as record
            assert buttons_of(record) == []
        quick = [q for q in load_knowledge().questions if q.quick and not q.requires_running]
        assert asked == len(quick)  # the quick set, without what follows from "not started"
        return replies

    async def finish_current_step(self, step_view: Record) -> None:
        """Do what the open step asks (date, certificate, nonconformity), tick, mark done."""
        labels = [label for label, _ in buttons_of(step_view)]
        if self.label("enter_date_btn") in labels and "📅 2" not in text_of(step_view):
            await self.press(self.label("enter_date_btn"))
            saved, *_ = await self.say(self.today.isoformat())  # then "what's next"
            assert self.today.isoformat() in text_of(saved)
        if self.label("cert_btn") in labels:
            await self.record_certificate()
            return  # recording the certificate completes the decision step
        if self.label("nc_add_btn") in labels:
            await self.record_and_close_nonconformity()
            step_view, _ = self.user.find_button(self.label("step_done_btn"), exact=True)
            labels = [label for label, _ in buttons_of(step_view)]  # the step was shown again
        first_box = next((label for label in labels if label.startswith("⬜")), None)
        if first_box:  # ticking edits the step message in place
            [ticked] = await self.press(first_box, exact=True)
            assert ticked.get("edited") and ticked["messageId"] == step_view["messageId"]
            assert "✅ " + first_box.removeprefix("⬜ ") in [b for b, _ in buttons_of(ticked)]
        replies = await self.press(self.label("step_done_btn"), exact=True)
        if self.label("step_force_done") in [b for r in replies for b, _ in buttons_of(r)]:
            replies = await self.press(self.label("step_force_done"), exact=True)
        assert any("✅" in text_of(r) for r in replies)

    async def record_certificate(self) -> None:
        await self.press(self.label("cert_btn"))
        await self.say(self.certificate_number)
        [expiry_question] = await self.say(self.today.isoformat())
        [(default_expiry, _)] = buttons_of(expiry_question)
        replies = await self.press(default_expiry, exact=True)
        record, saved = replies[0], replies[1]
        assert record.get("edited") and default_expiry in text_of(record)  # question keeps answer
        assert self.certificate_number in text_of(saved)

    async def record_and_close_nonconformity(self) -> None:
        await self.press(self.label("nc_add_btn"))
        description = {
            "zh": "两份研发合同未经知识产权审查",
            "en": "Two R&D contracts lacked IP review",
        }
        await self.say(description[self.lang])
        saved = await self.press(self.label("nc_minor"), exact=True)
        assert description[self.lang] in text_of(saved[0])
        assert "nc:" not in text_of(saved[0])  # no internal ids in what the user reads
        # numbered within the audit that raised it: "Stage 2 audit, finding 1"
        # ("nonconformity 1" when the audit's day was never given)
        audit = {"zh": "二阶段审核", "en": "Stage 2 audit"}[self.lang]
        finding = self.label("nc_label", audit=audit, n="1")
        if finding not in text_of(saved[0]):
            finding = self.label("nc_label_plain", n="1")
        assert finding in text_of(saved[0])
        [question] = await self.press(self.label("nc_close_label_btn", label=finding), exact=True)
        assert description[self.lang] in text_of(question)  # asks before closing
        replies = await self.press(self.label("confirm_yes"), exact=True)
        closed = self.label("nc_closed", label=finding[:1].upper() + finding[1:])
        assert closed in [text_of(r) for r in replies]

    async def until_certified(self) -> None:
        """Follow "what's next?" until the certificate is recorded."""
        while self.certificate_recorded() is False:
            answer = await self.next()
            assert text_of(answer).startswith("👉")
            labels = [label for label, _ in buttons_of(answer)]
            if self.label("mark_done_btn") in labels:  # a plan action: the user did it
                replies = await self.press(self.label("mark_done_btn"), exact=True)
                asked = [b for r in replies for b, _ in buttons_of(r)]
                if self.label("confirm_yes") in asked:  # a milestone weeks ahead of its date
                    await self.press(self.label("confirm_yes"), exact=True)
            elif self.label("pre_show_btn") in labels:  # the pre-application check
                for key in (
                    "pre_btn_no_penalty",
                    "pre_btn_no_blacklist",
                    "pre_btn_ia",
                    "pre_btn_mr",
                ):
                    if self.label(key) in labels:
                        await self.press(self.label(key), exact=True)
                self.clock.advance(timedelta(days=14))  # 3 months of operation take time
            elif self.label("open_step") in labels:
                [view] = await self.press(self.label("open_step"))
                await self.finish_current_step(view)
                self.clock.advance(timedelta(days=14))
            else:
                raise AssertionError(f"nothing to do in: {text_of(answer)}")

    def certificate_recorded(self) -> bool:
        return self.certificate_number in self.user.transcript()


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[Store]:
    store = await Store.open(sqlite_url, migrate=True)
    yield store
    await store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def real_bot(
    fresh_emulator: str, store: Store, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    assistant = Assistant(store, load_knowledge(), clock)
    settings = bot_settings(fresh_emulator, new_token())
    bot, stop = await start_bot(run_polling, settings, assistant, poll_timeout=5)
    yield bot
    await stop()


async def test_full_journey_in_chinese(real_bot: RunningBot, clock: FakeClock) -> None:
    user = real_bot.user(2001, "王经理", "zh-hans")
    me = Journey(user, clock, "zh")

    welcome, first_question = await me.say("/start")
    assert "GB/T 29490-2023" in text_of(welcome)
    assert text_of(first_question) == t("zh", "ask_name")
    assert [label for label, _ in buttons_of(welcome)] == ["中文", "English"]
    lang_set, _ = await me.press("中文")
    assert text_of(lang_set) == t("zh", "lang_set")

    placed = await me.onboard("华信科技有限公司", "软件/互联网", "还没开始")
    assert any("华信科技有限公司" in text_of(m) for m in placed)
    assert text_of(placed[-1]).startswith("👉 下一步")

    await me.press(t("zh", "start_assess"))
    results = await me.assess({3: "answer_no", 10: "answer_partly", 20: "answer_no"})
    assert any("快速评估完成" in text_of(r) and "准备度" in text_of(r) for r in results)
    assert "★" in user.transcript()  # show-stoppers are marked

    await me.press(t("zh", "make_plan"))
    plan = await me.say("2027-12-31")
    assert "2027-12-31" in text_of(plan[0])
    answer = await me.next()
    assert text_of(answer).startswith("👉 下一步") and "期限" in text_of(answer)

    await me.until_certified()
    status = await me.say("/status")
    final = await me.next()
    assert "· 阶段 保持" in text_of(final)  # maintenance: yearly audits and surveillance ahead
    assert "证书：165IP27000123" in text_of(status[0])
    for phase in load_knowledge().journey.phases:  # the user went through all six phases
        assert f"· 阶段 {phase.title.zh}" in user.transcript(), phase.id
    assert "出了点问题" not in user.transcript()  # no handler error on the way


async def test_shorter_journey_in_english(real_bot: RunningBot, clock: FakeClock) -> None:
    user = real_bot.user(2002, "Ann", "en")
    me = Journey(user, clock, "en")

    welcome, _ = await me.say("/start")
    assert "GB/T 29490-2023" in text_of(welcome)
    await me.onboard("Acme Robotics", "Software", "Audit done, awaiting decision")
    placed = await me.say("2026-03-01")  # the system has been running since then
    assert any("Acme Robotics" in text_of(m) for m in placed)
    assert text_of(placed[-1]).startswith("👉 Next:")  # placed at the audit, not at the start

    await me.until_certified()
    final = await me.next()
    assert f"· phase {load_knowledge().journey.phases[-1].title.en}" in text_of(final)
    [status] = await me.say("/status")
    assert "Certificate: 165IP27000123" in text_of(status)
    assert "Sorry, something went wrong" not in user.transcript()


async def test_two_users_interleave_with_their_own_progress(real_bot: RunningBot) -> None:
    li = real_bot.user(2003, "李", "zh-hans")
    bob = real_bot.user(2004, "Bob", "en")
    await li.send_only("/start")
    await bob.send_only("/start")
    await li.send_only("李氏五金")
    await bob.send_only("Bob's Bakery Tech")
    li_records, bob_records = await li.settle(), await bob.settle()
    assert "公司大约有多少员工" in text_of(li_records[-1])
    assert "employees" in text_of(bob_records[-1]).lower()

    await li.press("≤10")
    await bob.press("201–500")
    # A second /start mid-onboarding keeps what was saved and asks the open question again.
    again = await bob.say("/start")
    assert "industry" in text_of(again[-1]).lower()
    await li.say("/status")
    assert "Bob" not in li.transcript() and "李氏五金" not in bob.transcript()


async def test_progress_survives_a_restart(
    fresh_emulator: str, store: Store, clock: FakeClock
) -> None:
    settings = bot_settings(fresh_emulator, new_token())
    bot, stop = await start_bot(run_polling, settings, Assistant(store, load_knowledge(), clock))
    me = Journey(bot.user(2005, "Zhou", "zh-hans"), clock, "zh")
    await me.say("/start")
    await me.onboard("周氏电子", "电子/通信", "还没开始")
    await me.press(t("zh", "start_assess"))
    for _ in range(3):
        await me.press(t("zh", "answer_unsure"), exact=True)  # on every question
    await stop()

    clock.advance(timedelta(days=5))  # days later, on a freshly started bot
    bot, stop = await start_bot(run_polling, settings, Assistant(store, load_knowledge(), clock))
    try:
        again = bot.user(2005, "Zhou", "zh-hans")
        [question] = await again.say("下一步")
        assert "第 4/17 题" in text_of(question)
    finally:
        await stop()


async def test_webhook_serves_the_real_assistant(
    fresh_emulator: str, store: Store, clock: FakeClock
) -> None:
    port = free_port()
    settings = bot_settings(
        fresh_emulator,
        new_token(),
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=SecretStr("journey-webhook-secret"),
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    bot, stop = await start_bot(run_webhook, settings, Assistant(store, load_knowledge(), clock))
    try:
        user = bot.user(2006, "Hook", "en")
        welcome, question = await user.say("/start")
        assert "GB/T 29490-2023" in text_of(welcome)
        lang_set, _ = await user.press("中文")
        assert text_of(lang_set) == t("zh", "lang_set")
        deliveries = await user.client.calls("#webhook")
        assert [d["params"]["status"] for d in deliveries] == [200, 200]
        assert question
    finally:
        await stop()
