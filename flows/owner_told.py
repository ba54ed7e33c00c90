"""Who does what, said in words ("把培训交给人事做", "能不能把台账安排给研发", "把所有事情都
安排给我", "give the contract review to HR", "put everything on me"): the owners of those plan
actions, read back first, one "yes"."""

from __future__ import annotations

import re
from dataclasses import replace

from flows import roles
from flows.callbacks import encode
from flows.context import Ctx
from flows.overdue import titled
from flows.registry import Flow, Verb
from flows.steps_told import AND, fit_items, plan_actions
from flows.timeline import Item
from flows.types import SHOW_NEXT, Button, Out, Reply

MAX_LEN = 80
MAX_NAMED = 3  # what one button holds (64 bytes)
EVERY = "*"

_ZH = re.compile(
    r"^(?:能不能|可不可以|可以)?(?:把|将)(?P<what>.+?)(?:都|全部|全)?(?:交给|安排给|分给|给|让|转给)"
    r"(?P<who>[^，,。]{1,8}?)(?:来)?(?:做|负责|弄|搞|管|跟进)?(?:吧|吗|呢)?[？?。!！]*$"
)
# "台账让研发负责吧", "培训交给人事做": the thing first, then who
_ZH_THING_FIRST = re.compile(
    r"^(?P<what>[^，,。]{2,20}?)(?:都|全部)?(?:让|交给|安排给|给)(?P<who>[^，,。]{1,8}?)(?:来)?"
    r"(?:做|负责|弄|搞|管|跟进)(?:吧|吗|呢)?[？?。!！]*$"
    # "培训交给人事小王": with 交给 / 安排给 the doing goes without saying
    r"|^(?P<what2>[^，,。]{2,20}?)(?:都|全部)?(?:交给|安排给|分给)(?P<who2>[^，,。]{1,8}?)"
    r"(?:吧|了)?[？?。!！]*$"
)
_EN = re.compile(
    r"^(?:can\s+(?:we|you)\s+|please\s+|let'?s\s+)?(?:give|assign|hand(?:\s+over)?|put|move)\s+"
    r"(?P<what>.+?)\s+(?:to|on)\s+(?P<who>[\w&\s]{1,20}?)[?.!]*$",
    re.I,
)
_ALL = re.compile(
    r"^(?:所有(?:的)?(?:事情?|行动|事项|任务)?|全部|所有|everything|all(?:\s+of\s+it)?"
    r"|all\s+(?:the\s+)?(?:actions|items|tasks))$",
    re.I,
)


def recognise(ctx: Ctx, text: str) -> Out | None:
    """A read-back of the new owner of the actions named, or None."""
    if not ctx.company.actions:
        return None
    told = said_owner(text)
    if told is None:
        return None
    what, role = told
    open_actions = plan_actions(ctx)
    if _ALL.match(what):
        named, ids = open_actions, EVERY
    else:
        named = fit_items(what, open_actions, ctx.kb)[:MAX_NAMED]
        ids = ",".join(i.key.removeprefix("action:") for i in named)
    if not named:
        return None
    if len(named) == 2 and not AND.search(what):  # "台账": the IP ledger or the NC log?
        return [_which(ctx, named, role)]
    return [_read_back(ctx, named, ids, role)]


def _read_back(ctx: Ctx, named: list[Item], ids: str, role: roles.Role) -> Reply:
    """ "Make HR the owner of …?", one tap (or "对" / "yes") changes them."""
    button = ctx.button("owner_told_yes", "pl.owner", ids, role.key)
    key = "owner_told_confirm_me" if role.code == roles.ME.code else "owner_told_confirm"
    titles = titled(ctx, named, MAX_NAMED)
    reply = ctx.reply(key, [[button]], titles=titles, owner=_label(ctx, role), n=len(named))
    reply.offer = button.data
    return reply


def person_said(ctx: Ctx, ids: str, key: str, text: str) -> Out | None:
    """ "Sarah" typed under "make HR the owner?": her, in that role, read back again."""
    role = roles.from_code(key)
    said = roles.named_with_person(text)
    if (
        role is None
        or said is None
        or not said.person
        or said.code not in (roles.PERSON, role.code)
    ):
        return None
    person = replace(role, person=said.person) if role.code != roles.ME.code else said
    wanted = set(ids.split(","))
    named = [
        i for i in plan_actions(ctx) if ids == EVERY or i.key.removeprefix("action:") in wanted
    ]
    return [_read_back(ctx, named, ids, person)] if named else None


def _which(ctx: Ctx, items: list[Item], role: roles.Role) -> Reply:
    """Two actions fit the words alike: which one goes to ``role`` (or both), as buttons."""
    ids = [i.key.removeprefix("action:") for i in items]
    rows = [
        [Button(i.title(ctx.lang), encode("pl.owner", k, role.key))]
        for i, k in zip(items, ids, strict=True)
    ]
    rows.append([ctx.button("owner_told_both", "pl.owner", ",".join(ids), role.key)])
    return ctx.reply("owner_told_which", rows, owner=_label(ctx, role))


def said_owner(text: str) -> tuple[str, roles.Role] | None:
    """What is handed to whom, when a message says so ("培训交给人事小王"); the person's
    name, when one is said, rides along in the role (``roles.Role.person``)."""
    said = text.strip()
    if len(said) > MAX_LEN:
        return None
    m = _ZH.match(said) or _ZH_THING_FIRST.match(said) or _EN.match(said)
    if m is None:
        return None
    found = {k: v for k, v in m.groupdict().items() if v}
    who, what = found.get("who") or found.get("who2"), found.get("what") or found.get("what2")
    role = roles.named_with_person(who) if who else None
    return (what.strip(), role) if what and role is not None else None


def _label(ctx: Ctx, role: roles.Role) -> str:
    return role.label(ctx.lang, ctx.user.display_name or ctx.t("owner_me"))


def set_owner(ctx: Ctx, ids: str, code: str) -> Out | None:
    role = roles.from_code(code)
    if role is None:
        return None
    listed = {i.key.removeprefix("action:") for i in plan_actions(ctx)}
    wanted = listed if ids == EVERY else set(ids.split(",")) & listed
    changed = [a for a in ctx.company.actions if a.done_on is None and a.id in wanted]
    if not changed:
        return None
    zh = role.label("zh", ctx.user.display_name or ctx.texts.t("zh", "owner_me"))
    en = role.label("en", ctx.user.display_name or ctx.texts.t("en", "owner_me"))
    for action in changed:
        action.owner_role_zh, action.owner_role_en = zh, en
    key = "owner_told_done_me" if role.code == roles.ME.code else "owner_told_done"
    return [ctx.reply(key, n=len(changed), owner=_label(ctx, role)), SHOW_NEXT]


FLOW = Flow("owner_told", verbs=(Verb("pl.owner", set_owner, arity=2, moving_on_accepts=True),))
