"""The operator (IPMS_ADMIN_IDS): usage counts and announcements to users who opted in,
through the rate-limited sender; refused to everyone else, whatever they send."""

from __future__ import annotations

from telegram.error import Forbidden, RetryAfter

from bot.broadcast import Broadcaster
from bot.sending import RateLimiter
from bot.service import Assistant, Who
from knowledge.texts import t
from tests.reminders.conftest import FakeTime, RecordingSender
from tests.workspace.conftest import ADMIN_ID
from tests.workspace.people import Person, invite, join


def _admin(assistant: Assistant) -> Person:
    return Person(assistant, Who("telegram", ADMIN_ID, "Root", "en"))


async def test_admin_commands_are_refused_to_everyone_else(
    assistant: Assistant, alice: Person
) -> None:
    sender = RecordingSender(assistant.clock)
    assistant.broadcaster = Broadcaster(assistant.store, sender, assistant.texts)
    impostor = Person(assistant, Who("terminal", ADMIN_ID, ADMIN_ID, "en"))  # same id, not Telegram
    for person in (alice, impostor):
        for line in ("/admin", "/broadcast Free upgrade!"):
            [refused] = await person.say(line)
            assert refused.text == t("en", "admin_only"), line
        # Forged: a confirmation never asked, the action's own name (it has no button).
        for data in ("2|yes|0123456789ab", "2|bc.send|Free upgrade!"):
            replies = await person.tap(data)
            assert replies[0].text == t("en", "stale_button"), data
    assert sender.sent == []


async def test_admin_sees_counts_that_identify_nobody(
    assistant: Assistant, alice: Person, bob: Person, carol: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    await join(carol, await invite(alice, "consultant"))
    await bob.say("/privacy")
    await bob.press("订阅公告")
    [stats] = await _admin(assistant).say("/admin")
    assert stats.text == t(
        "en", "admin_stats", users=4, active_7d=4, active_30d=4, news=1, companies=2,
        onboarded=1, shared=1, consultants=1, certified=0, reminders=0, sent_7d=0,
    )  # fmt: skip
    assert "Alice" not in stats.text and alice.who.external_id not in stats.text


async def test_broadcast_reaches_only_who_opted_in_within_the_rate_limit(
    assistant: Assistant, alice: Person, bob: Person, carol: Person, mallory: Person
) -> None:
    time = FakeTime()
    sender = RecordingSender(assistant.clock)
    limiter = RateLimiter(clock=time, sleep=time.sleep)
    assistant.broadcaster = Broadcaster(assistant.store, sender, assistant.texts, limiter)
    for person in (alice, bob, carol):
        await person.say("/privacy")
        await person.press("announcements on" if person is not bob else "订阅公告")
    await mallory.say("/start")  # never opted in
    sender.always[carol.who.external_id] = Forbidden("Forbidden: bot was blocked by the user")
    sender.errors[bob.who.external_id] = [RetryAfter(2)]  # flood control once, then fine
    admin = _admin(assistant)
    [confirm] = await admin.say("/broadcast The 2024 rules for surveillance audits changed.")
    assert "The 2024 rules" in confirm.text and admin.labels() == ["Yes, go ahead", "No, cancel"]
    replies = await admin.press("Yes, go ahead")
    assert replies[-1].text == t("en", "broadcast_started", n=3)
    start = time.t
    [task] = list(assistant.broadcaster._tasks)
    stats = await task
    assert (stats.sent, stats.blocked, stats.failed) == (2, 1, 0)
    to = {s.chat_id: s.text for s in sender.sent}
    assert set(to) == {alice.who.external_id, bob.who.external_id, ADMIN_ID}
    assert to[alice.who.external_id].startswith(t("en", "broadcast_head"))
    assert to[alice.who.external_id].endswith(t("en", "broadcast_foot"))
    assert to[bob.who.external_id].startswith(t("zh", "broadcast_head"))
    assert to[ADMIN_ID] == t("en", "broadcast_done", sent=2, blocked=1, failed=0)
    assert time.t - start >= 2  # the 429 paused the limiter before Bob's retry
    # Carol blocked the bot: she is flagged inactive (no more reminders either).
    assert (await carol.export())["user"]["active"] is False
