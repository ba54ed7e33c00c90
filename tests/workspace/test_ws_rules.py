"""The pure rules: who a reminder is for, successors, button binding, codes, rights."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from flows.authz import RIGHTS
from flows.callbacks import MAX_BYTES, bind, decode, encode, scope
from flows.catalog import REGISTRY
from flows.reconcile import wanted_reminders
from flows.state import Action, Company, CompanyRef, DatedEvent, Member, User
from flows.team import addressees, fates, successor
from flows.types import Button
from flows.workspace_code import format_code, normalize_code
from knowledge.loader import load_knowledge

KB = load_knowledge()
T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def member(uid: int, role: str, days: int = 0) -> Member:
    return Member(user_id=uid, name=f"u{uid}", role=role, joined=T0 + timedelta(days=days))  # type: ignore[arg-type]


TEAM = [member(1, "owner"), member(2, "member", 1), member(3, "consultant", 2)]
USERS = [User(id=m.user_id, external_id=str(m.user_id)) for m in TEAM]


def company(**kw: object) -> Company:
    return Company(id=7, members=TEAM, onboarded=True, **kw)  # type: ignore[arg-type]


def action(aid: str, assignee: int | None) -> Action:
    return Action(id=aid, title_zh="t", title_en="t", due=date(2027, 3, 1), assignee_id=assignee)


def test_assigned_events_go_to_their_assignee_and_the_rest_to_non_consultants() -> None:
    c = company(actions=[action("own:1", 3), action("own:2", None), action("own:3", 9)])
    c.assignees = {"impl.internal_audit": 2}
    everyone = {1, 2, 3}
    by_key = {
        "action:own:1": {3},  # the consultant gets what is assigned to them
        "action:own:2": {1, 2},  # unassigned: owner and members
        "action:own:3": {1, 2},  # assigned to someone no longer a member: as unassigned
    }
    for key, expected in by_key.items():
        assert (
            addressees(c, DatedEvent(key=key, kind="action", on=date(2027, 3, 1)), everyone)
            == expected
        )
    audit = DatedEvent(key="internal_audit", kind="internal_audit", on=date(2027, 3, 1),
                       step_id="impl.internal_audit")  # fmt: skip
    assert addressees(c, audit, everyone) == {2}
    assert addressees(c, audit, {1, 3}) == {1}  # the assignee opted out: not lost


def test_reminder_rows_follow_the_assignee() -> None:
    c = company(actions=[action("own:1", 2)])
    wanted, _ = wanted_reminders(c, USERS, KB.rules, NOW)
    assert {u for u, _ in wanted} == {2}
    c.actions[0].assignee_id = None
    wanted, _ = wanted_reminders(c, USERS, KB.rules, NOW)
    assert {u for u, _ in wanted} == {1, 2}


def test_successor_is_the_longest_standing_member_then_a_consultant() -> None:
    assert successor(TEAM, 1) == TEAM[1]
    later = member(4, "member", 5)
    assert successor([*TEAM, later], 1) == TEAM[1]
    assert successor([TEAM[0], TEAM[2]], 1) == TEAM[2]
    assert successor([TEAM[0]], 1) is None
    refs = [
        (CompanyRef(id=1, name="Solo", role="owner"), [TEAM[0]]),
        (CompanyRef(id=2, name="Shared", role="owner"), TEAM),
        (CompanyRef(id=3, name="Client", role="member"), [member(9, "owner"), TEAM[0]]),
    ]
    assert [(f.action, f.successor_id) for f in fates(1, refs)] == [
        ("delete", None), ("hand_over", 2), ("leave", None),
    ]  # fmt: skip


def test_binding_a_button_to_its_company() -> None:
    data = encode("pl.done", "gap:A03")
    bound = scope(data, 12345)
    assert bound == "2@9ix|pl.done|gap:A03" and scope(bound, 1) == bound
    cb = decode(bound)
    assert cb is not None and (cb.verb, cb.args, cb.company) == ("pl.done", ("gap:A03",), 12345)
    assert decode(data) is not None and decode(data).company is None  # type: ignore[union-attr]
    for forged in ("2@|x", "2@Z9|x", "2@-1|x", "3@1|x", "2@1x@2|x", "2@" + "z" * 13 + "|x"):
        assert decode(forged) is None, forged
    too_long = encode("x", "y" * 58)
    assert scope(too_long, 10**9) == too_long  # left unbound rather than cut
    [[b]] = bind([[Button("OK", data)]], 7)
    assert decode(b.data).company == 7  # type: ignore[union-attr]


def test_every_verb_fits_when_bound_to_a_large_company_id() -> None:
    """The longest ids the flows put in buttons, bound to company 2**40, stay within 64 bytes."""
    longest_step = max(KB.steps, key=len)
    longest_item = max((c.id for s in KB.steps.values() for c in s.checklist), key=len)
    samples = [
        encode("ck", longest_step, longest_item),
        encode("ws.to", "s", longest_step, 2**40),
        encode("ws.asg", "s", longest_step),
        encode("evt.date", "yearly_management_review:recert"),
        encode("rem.snooze", 2**40, 7),
        encode("ws.role", 2**40, "consultant"),
    ]
    for data in samples:
        bound = scope(data, 2**40)
        assert bound != data and len(bound.encode()) <= MAX_BYTES, data


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"),
        ("abcd efgh jkmn pqrs", "ABCDEFGHJKMNPQRS"),
        ("0OIL-1111-2222-3333", "0011111122223333"),  # O read as 0, I and L as 1
        ("ABCD-EFGH-JKMN-PQR", None),
        ("ABCD-EFGH-JKMN-PQRU", None),  # U is not in the alphabet
        ("", None),
    ],
)
def test_invitation_codes_are_read_forgivingly(typed: str, code: str | None) -> None:
    assert normalize_code(typed) == code


def test_code_is_shown_in_groups() -> None:
    assert format_code("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


def test_rights_table_and_every_declaration_uses_a_known_right() -> None:
    assert "manage" in RIGHTS["owner"] and "manage" not in RIGHTS["member"] | RIGHTS["consultant"]
    declared = [c.right for c in REGISTRY.commands.values()] + [
        v.right for v in REGISTRY.verbs.values()
    ]
    assert set(declared) <= {"user", "work", "manage", "admin"}
    manage = {v.name for v in REGISTRY.verbs.values() if v.right == "manage"}
    assert {"ws.member", "ws.role", "ws.remove", "ws.handover", "ws.inv", "ws.revoke"} <= manage
