"""Shared test data for the storage tests: a conversation with every field set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from flows.state import (
    Action,
    Answer,
    Certificate,
    Company,
    Conversation,
    DatedEvent,
    Nonconformity,
    Pending,
    Stage,
)
from storage.repo import Store

BIG_TG_ID = "7000000000"  # above 2**32: needs BIGINT
CST = timezone(timedelta(hours=8))


def full_state(conv: Conversation) -> Conversation:
    """Every field of every collection set to a non-default value."""
    user = conv.user.model_copy(
        update={
            "display_name": "王工",
            "lang": "en",
            "lang_chosen": True,
            "pending": Pending(flow="date", field="internal_audit", data={"k": "v", "n": "2"}),
            "reminders_opt_in": False,
            "is_admin": True,
            "news_opt_in": True,
        }
    )
    company = Company(
        id=conv.company.id,
        name="深圳示例科技有限公司",
        headcount=42,
        industry="electronics",
        sites=2,
        stage=Stage.RUNNING,
        phase="run",
        current_step="internal_audit",
        system_start=date(2026, 3, 1),
        target_date=date(2027, 6, 30),
        timezone="Asia/Urumqi",
        reminder_hour=7,
        answers={
            "A01": Answer(
                question_id="A01",
                value="partly",
                answered_at=datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=CST),
            ),
            "B02": Answer(
                question_id="B02", value="na", answered_at=datetime(2026, 11, 1, tzinfo=UTC)
            ),
        },
        checked={"policy": ["c1", "c3"], "kickoff": []},
        steps_done=["gap_check", "kickoff", "policy"],
        actions=[
            Action(
                id="own:3",
                title_zh="自定义",
                title_en="Own",
                due=date(2027, 1, 15),
                custom=True,
            ),
            Action(
                id="gap:A03",
                title_zh="建立制度",
                title_en="Write the procedure",
                owner_role_zh="IP专员",
                owner_role_en="IP officer",
                question_id="A03",
                clause_ids=["5.2", "7.1"],
                priority=1,
                due=date(2026, 12, 31),
                done_on=date(2026, 11, 20),
                assignee_id=conv.user.id,
            ),
        ],
        certificate=Certificate(
            number="165IP230001R0M",
            edition="2023",
            decision_date=date(2026, 5, 10),
            issued=date(2026, 5, 12),
            expires=date(2029, 5, 11),
        ),
        nonconformities=[
            Nonconformity(
                id="nc:2",
                description="内审记录不完整",
                grade="major",
                raised_on=date(2026, 4, 20),
                correction_due=date(2026, 5, 20),
                evidence_due=date(2026, 6, 20),
                closed_on=date(2026, 5, 30),
            ),
            Nonconformity(
                id="nc:1",
                description="minor one",
                raised_on=date(2026, 4, 20),
                correction_due=date(2026, 5, 1),
                evidence_due=date(2026, 5, 2),
            ),
        ],
        events=[
            DatedEvent(
                key="surveillance:1",
                kind="surveillance",
                on=date(2027, 5, 1),
                title_zh="监督审核",
                title_en="Surveillance audit",
                step_id="surveillance",
                done=True,
            ),
            DatedEvent(key="internal_audit", kind="internal_audit", on=date(2026, 12, 10)),
        ],
        onboarded=True,
        assignees={"policy": conv.user.id or 0, "audit": conv.user.id or 0},
        # Loaded, not saved: what a load gives back (the member's name is the new one).
        members=[
            m.model_copy(update={"name": user.display_name}) if m.user_id == user.id else m
            for m in conv.company.members
        ],
    )
    return Conversation(user=user, company=company)


async def save_full(store: Store, external_id: str = BIG_TG_ID) -> Conversation:
    async with store.conversation("telegram", external_id) as handle:
        conv = full_state(handle.conv)
        await handle.save(conv)
    return conv


async def load(
    store: Store, external_id: str = BIG_TG_ID, channel: str = "telegram"
) -> Conversation:
    async with store.conversation(channel, external_id) as handle:
        return handle.conv
