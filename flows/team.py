"""Rules about a company's members: names, assignees, who a reminder is for, successors.

Pure functions over ``flows.state`` (no texts, no context), shared by the flows, the
reminder planning (``flows.reconcile``) and storage (deleting a user).

Who gets a reminder of an event: the assignee of its plan action or journey step, if they
are a member who receives reminders; otherwise every owner and member who receives them.
Consultants follow many companies from their overview: they get only what is assigned to
them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from flows.state import Company, CompanyRef, DatedEvent, Member


def member_of(company: Company, user_id: int | None) -> Member | None:
    if user_id is None:
        return None
    return next((m for m in company.members if m.user_id == user_id), None)


def assignee_name(company: Company, user_id: int | None) -> str | None:
    """The assignee's name, or None when unassigned or no longer a member."""
    member = member_of(company, user_id)
    return member.name if member is not None else None


def assignee_of(company: Company, event: DatedEvent) -> int | None:
    """The member an event is assigned to: its plan action's assignee, else its step's."""
    if event.key.startswith("action:"):
        action_id = event.key.removeprefix("action:")
        action = next((a for a in company.actions if a.id == action_id), None)
        return action.assignee_id if action is not None else None
    return company.assignees.get(event.step_id) if event.step_id else None


def addressees(company: Company, event: DatedEvent, recipients: Iterable[int]) -> set[int]:
    """Who of ``recipients`` (members who receive reminders) is reminded of ``event``."""
    reachable = set(recipients)
    assignee = assignee_of(company, event)
    if assignee is not None and assignee in reachable:
        return {assignee}
    consultants = {m.user_id for m in company.members if m.role == "consultant"}
    return reachable - consultants


def assignment_fingerprint(company: Company) -> tuple[Any, ...]:
    """What ``addressees`` reads besides the events, comparable with ``==``."""
    actions = tuple((a.id, a.assignee_id) for a in company.actions if a.assignee_id)
    steps = tuple(sorted(company.assignees.items()))
    roles = tuple((m.user_id, m.role) for m in company.members)
    return (actions, steps, roles)


def successor(members: Iterable[Member], leaving: int) -> Member | None:
    """Who becomes owner when the owner leaves without choosing: the longest-standing
    member, else the longest-standing consultant."""
    others = sorted((m for m in members if m.user_id != leaving), key=lambda m: m.joined)
    return next((m for m in others if m.role == "member"), others[0] if others else None)


@dataclass(frozen=True)
class Fate:
    """What deleting a user's data does to one of their companies."""

    company_id: int
    name: str
    action: Literal["delete", "hand_over", "leave"]
    successor_id: int | None = None
    successor_name: str = ""


def fates(user_id: int, companies: Iterable[tuple[CompanyRef, list[Member]]]) -> list[Fate]:
    """Per company: deleted with the user when nobody else belongs to it; else the user
    leaves, handing ownership to ``successor`` first if they own it."""
    out: list[Fate] = []
    for ref, team in companies:
        if not any(m.user_id != user_id for m in team):
            out.append(Fate(ref.id, ref.name, "delete"))
        elif ref.role == "owner" and (heir := successor(team, user_id)) is not None:
            out.append(Fate(ref.id, ref.name, "hand_over", heir.user_id, heir.name))
        else:
            out.append(Fate(ref.id, ref.name, "leave"))
    return out
