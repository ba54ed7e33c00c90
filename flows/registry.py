"""What a flow declares: its commands, its button verbs and the inputs it waits for.

Each flow module ends with one ``Flow(...)`` declaration; ``flows.catalog`` lists the flows
and the engine is a lookup over them. Adding a command is one ``Command`` here plus its two
texts (``cmd_<name>`` in each language of the catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from flows.authz import Right
from flows.context import Ctx
from flows.types import Out

T = TypeVar("T")
CommandHandler = Callable[[Ctx, str], Out]
VerbHandler = Callable[..., Out | None]  # (ctx, *args: str) -> replies, or None when stale
AskHandler = Callable[[Ctx], Out]
TakeHandler = Callable[[Ctx, str], Out | None]  # None: the text is not an answer (a question)
BackHandler = Callable[[Ctx], Out]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    menu: bool = True  # listed in Telegram's command menu and in /help
    needs_company: bool = False  # before onboarding it leads back to onboarding instead
    usage: str = ""  # argument hint shown in /help, e.g. "Asia/Shanghai"
    right: Right = "work"  # what the user needs in the company (``flows.authz``)


@dataclass(frozen=True)
class Verb:
    """A button action: ``encode(name, *args)`` on the button, ``handler(ctx, *args)`` on press."""

    name: str
    handler: VerbHandler
    arity: int = 0
    needs_company: bool = True
    right: Right = "work"
    # Records something as done: typed words accept it only when they say it is done
    # ("做完了", "done"), never a mere "ok" that may only acknowledge a message.
    records_done: bool = False
    # Confirms what the user just told us: moving on ("下一步", "what's next") without saying
    # no accepts it, so a stated fact is not lost to a skipped tap.
    moving_on_accepts: bool = False


@dataclass(frozen=True)
class Input:
    """Something the assistant waits for (``Pending.flow == kind``)."""

    kind: str
    ask: AskHandler  # shows the question again (after a restart, /next, a side question)
    take: TakeHandler | None = None  # typed text; None: the input only takes buttons
    back: BackHandler | None = None  # /back inside the input
    # Paused, not dropped, by /cancel: the answers so far stay and /next resumes.
    resumable: bool = False
    # Withdrawn by any other event (a confirmation, an offer): only its own buttons answer it.
    lapses: bool = False
    own_verbs: tuple[str, ...] = ()
    # Reads typed words before the intents do ("继续" accepts an offer rather than re-showing it).
    before_intents: bool = False
    # Set aside when the user tells news instead ("stage 2 is on June 8-9" while a finding's
    # description is awaited): the news is read, not stored as the answer.
    gives_way_to_news: bool = False
    set_aside: str = "entry_set_aside"  # the text saying what was set aside for the news


@dataclass(frozen=True)
class Flow:
    name: str
    commands: tuple[Command, ...] = ()
    verbs: tuple[Verb, ...] = ()
    inputs: tuple[Input, ...] = ()
    # Irreversible actions: run only by a fresh, single-use confirmation (``flows.confirm``),
    # never by button data, so a forged or old button cannot trigger them.
    actions: tuple[Verb, ...] = ()


@dataclass
class Registry:
    """Every declaration by key; duplicates are refused when the registry is built."""

    commands: dict[str, Command] = field(default_factory=dict)
    verbs: dict[str, Verb] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)
    actions: dict[str, Verb] = field(default_factory=dict)
    menu: list[Command] = field(default_factory=list)

    @classmethod
    def of(cls, flows: list[Flow]) -> Registry:
        reg = cls()
        for flow in flows:
            for cmd in flow.commands:
                for name in (cmd.name, *cmd.aliases):
                    _put(reg.commands, name, cmd, f"command /{name}")
                if cmd.menu:
                    reg.menu.append(cmd)
            for verb in flow.verbs:
                _put(reg.verbs, verb.name, verb, f"button verb {verb.name}")
            for inp in flow.inputs:
                _put(reg.inputs, inp.kind, inp, f"input {inp.kind}")
            for action in flow.actions:
                _put(reg.actions, action.name, action, f"confirmed action {action.name}")
        return reg


def _put(table: dict[str, T], key: str, value: T, what: str) -> None:
    if key in table:
        raise ValueError(f"{what} is declared twice")
    table[key] = value
