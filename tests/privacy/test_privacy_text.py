"""/privacy in both languages, and the announcements opt-in it offers."""

from __future__ import annotations

from knowledge.texts import t
from tests.workspace.people import Person


async def test_privacy_says_what_why_how_long_and_how_to_export_or_delete(
    alice: Person, bob: Person
) -> None:
    headings = {
        "en": ("What is stored", "Why:", "For how long:", "Who sees it:"),
        "zh": ("保存的内容", "为什么保存", "保存多久", "谁能看到"),
    }
    for person, lang in ((alice, "en"), (bob, "zh")):
        [reply] = await person.say("/privacy")  # before onboarding: it is about the user
        for must in ("/export", "/deletedata", "48", "JSON", *headings[lang]):
            assert must in reply.text, (lang, must)
        assert reply.text.endswith(t(lang, "privacy_news_off"))


async def test_announcements_are_off_until_turned_on(alice: Person) -> None:
    await alice.say("/privacy")
    [on] = await alice.press("Turn announcements on")
    assert on.text == t("en", "news_set_on")
    assert (await alice.export())["user"]["news_opt_in"] is True
    await alice.say("/privacy")
    assert alice.text().endswith(t("en", "privacy_news_on"))
    await alice.press("Turn announcements off")
    assert (await alice.export())["user"]["news_opt_in"] is False
