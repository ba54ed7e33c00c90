"""The user's own settings and data (language, timezone, reminder hour, export, delete) and
the operator's commands (usage counts, announcements)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flows import confirm
from flows.callbacks import encode
from flows.context import Ctx
from flows.natural import TimezoneProblem, resolve_timezone
from flows.natural.hours import parse_hour
from flows.pause import is_paused, parse_days, resume_day
from flows.registry import Command, Flow, Input, Verb
from flows.reminders import format_date
from flows.schedule import clamp_hour, local_instant, local_today, zone
from flows.types import (
    LANGS,
    PROMPT,
    AdminStats,
    Broadcast,
    Button,
    DeleteData,
    ExportData,
    Out,
    PreviewDeletion,
    Reply,
)

CONFIRM_DELETE = "confirm_delete"
CONFIRM_MINUTES = 10  # a confirmation expires after this
MAX_BROADCAST = 3500  # leaves room in a Telegram message for the header and footer


def lang_buttons() -> list[list[Button]]:
    return [[Button("中文", encode("lang", "zh")), Button("English", encode("lang", "en"))]]


def set_lang(ctx: Ctx, lang: str) -> Out | None:
    if lang not in LANGS:
        return None
    ctx.user.lang = "zh" if lang == "zh" else "en"
    ctx.user.lang_chosen = True
    out: Out = [ctx.reply("lang_set")]
    return [*out, PROMPT] if ctx.pending else out


def lang_command(ctx: Ctx, args: str) -> Out:
    choice = args.strip().lower()
    if choice in LANGS:
        return set_lang(ctx, choice) or []
    return [Reply(ctx.texts.both("lang_choose", sep=" / "), lang_buttons())]


def timezone_command(ctx: Ctx, args: str) -> Out:
    name = args.strip()
    company = ctx.company
    if not name:
        return [ctx.reply("timezone_show", tz=company.timezone, hour=company.reminder_hour)]
    found = resolve_timezone(name)
    if isinstance(found, TimezoneProblem):
        key = "timezone_region" if found.kind in ("region", "ambiguous") else "timezone_bad"
        return [ctx.reply(key, tz=name[:60])]
    company.timezone = found
    return [ctx.reply("timezone_set", tz=found, hour=company.reminder_hour)]


MAX_HOUR_TEXT = 20


def reminder_hour_command(ctx: Ctx, args: str) -> Out:
    practice = ctx.kb.rules.practice.reminders
    lo, hi = practice.earliest_hour, practice.latest_hour
    hour = parse_hour(args[:MAX_HOUR_TEXT])  # "8", "8am", "晚上8点"
    if hour is None or not lo <= hour <= hi:
        return [ctx.reply("hour_bad", lo=lo, hi=hi, hour=ctx.company.reminder_hour)]
    ctx.company.reminder_hour = hour
    return [ctx.reply("timezone_set", tz=ctx.company.timezone, hour=hour)]


# "提醒改成下午3点", "remind me at 3pm", "时区改成纽约", "change my timezone to New York": the
# same settings as /reminderhour and /timezone, said in words.
_HOUR_TOLD = re.compile(
    r"^(?:把)?(?:每天的?)?(?:提醒|摘要)(?:时间)?.{0,4}?(?:改|换|设|调|定)(?:成|为|到|在)\s*(?P<zh>.+)$"
    r"|^(?:please\s+)?(?:remind\s+me|send\s+(?:me\s+)?(?:the\s+)?(?:reminders?|digest))"
    r"\s+at\s+(?P<en>.+)$"
    r"|^(?:change|set|move)\s+(?:my\s+|the\s+)?(?:reminder|digest)s?(?:\s+time|\s+hour)?\s+to\s+(?P<en2>.+)$",
    re.I,
)
_ZONE_TOLD = re.compile(
    r"^(?:把)?时区.{0,4}?(?:改|换|设|调)(?:成|为|到)\s*(?P<zh>.+)$"
    r"|^(?:change|set|switch)\s+(?:my\s+|the\s+|our\s+)?time\s*zone\s+to\s+(?P<en>.+)$",
    re.I,
)


# "别每天提醒我了", "不要再发提醒了", "暂停提醒两周", "stop reminding me", "pause reminders for
# two weeks": /pause, with what follows read as its length (nothing else may follow).
_PAUSE_TOLD = re.compile(
    r"^(?:请|那)?(?:先|就)?(?:别|不要|不用|甭)(?:再|老)?(?:每天|天天)?(?:给我)?(?:发|推)?(?:送)?"
    r"(?:提醒|摘要)(?:我)?了?(?P<zh>.*)$"
    r"|^(?:请|那)?(?:先)?(?:暂停|停止|关闭|关掉|停掉)(?:一下)?(?:每天的?)?(?:提醒|摘要)(?:摘要)?(?P<zh2>.*)$"
    r"|^(?:把)?提醒(?:先)?(?:暂停|停一下|停一停|停掉|关掉|关了|停了)(?:吧)?(?P<zh3>.*)$"
    r"|^(?:please\s+)?(?:stop|quit)\s+(?:reminding\s+me|sending\s+(?:me\s+)?"
    r"(?:the\s+)?(?:reminders|digests?))(?P<en>.*)$"
    r"|^(?:please\s+)?(?:pause|mute|silence|turn\s+off|switch\s+off|stop|snooze)\s+"
    r"(?:the\s+|my\s+|all\s+)?(?:daily\s+)?(?:reminders|digests?)(?P<en2>.*)$"
    r"|^(?:no\s+more|don'?t\s+send\s+(?:me\s+)?(?:any\s+)?(?:more\s+)?)(?:\s*)reminders(?P<en3>.*)$",
    re.I,
)
# "恢复提醒", "继续提醒吧", "resume reminders", "turn reminders back on": /resume.
_RESUME_TOLD = re.compile(
    r"^(?:请|那)?(?:恢复|继续|重新开始|重新|开启|打开)(?:发|推)?(?:送)?(?:每天的?)?(?:提醒|摘要)(?:吧|了|我)?$"
    r"|^提醒(?:可以)?(?:恢复|继续|打开)(?:吧|了)?$"
    r"|^(?:please\s+)?(?:resume|unpause|unmute|restart|turn\s+on|switch\s+on)\s+"
    r"(?:the\s+|my\s+)?(?:daily\s+)?(?:reminders|digests?)(?:\s+again)?$"
    r"|^(?:please\s+)?(?:start\s+)?remind(?:ing)?\s+me\s+again$"
    r"|^turn\s+(?:the\s+|my\s+)?reminders\s+back\s+on$",
    re.I,
)
_FILLER = re.compile(
    r"^(?:for|了|吧|啊|先|暂时|一段时间|a\s+while)\s*|\s*(?:吧|了|啊|please)$", re.I
)


def _pause_length(rest: str) -> str | None:
    """What follows "stop reminding me": "" or a length ("两周", "for two weeks"); None for
    anything else ("不要提醒我内审" is not a pause)."""
    rest = rest.strip(" ,，。.!！~")
    for _ in range(3):
        rest = _FILLER.sub("", rest).strip(" ,，。.!！~")
    if not rest:
        return ""
    return rest if parse_days(rest) is not None else None


def setting_said(text: str) -> tuple[str, str] | None:
    """The command and its argument a sentence asks for ("提醒改成下午3点" -> reminderhour,
    "别每天提醒我了" -> pause, "恢复提醒" -> resume)."""
    if len(text) > 60:
        return None
    s = text.strip().rstrip(" 。.!！~")
    if _RESUME_TOLD.match(s):
        return "resume", ""
    if m := _PAUSE_TOLD.match(s):
        length = _pause_length(next((v for v in m.groups() if v is not None), ""))
        if length is not None:
            return "pause", length
    for pattern, name in ((_HOUR_TOLD, "reminderhour"), (_ZONE_TOLD, "timezone")):
        if m := pattern.match(text.strip()):
            return name, next(v for v in m.groups() if v).strip(" 。.!！")
    return None


# --- pausing reminders (``flows.pause``) ----------------------------------------------------


# The project put on hold ("老板说先不搞了", "we're putting this on hold for now"): kept as it
# is, and the digest can stop until they come back.
_ON_HOLD = re.compile(
    r"先不(?:搞|做|弄|贯标|认证)了|暂停(?:一下)?(?:贯标|项目|认证)|先放一放|先放放|先停一停|先缓一缓"
    r"|缓一缓再|搁置|暂时不(?:搞|做)了|不搞了|不做了"
    r"|\b(?:on\s+hold|hold\s+off|pause\s+(?:the\s+)?(?:project|certification|whole\s+thing)"
    r"|stop\s+for\s+now|shelve\s+(?:it|this|the\s+project))\b",
    re.I,
)


def on_hold(ctx: Ctx, text: str) -> Out | None:
    """The certification put off: nothing is lost, and the digest can pause until later."""
    if not ctx.company.onboarded or len(text) > 60 or not _ON_HOLD.search(text):
        return None
    pause = ctx.button("on_hold_pause_btn", "acc.pause")
    reply = ctx.reply("on_hold", [[pause]])
    reply.offer = pause.data  # "好" pauses the digest
    return [reply]


def pause_verb(ctx: Ctx) -> Out:
    return pause_command(ctx, "")


def pause_command(ctx: Ctx, args: str) -> Out:
    """/pause: no digest until /resume; /pause 2周: for that long. Risks still come."""
    user, tz = ctx.user, zone(ctx.company.timezone)
    text = args.strip()[:MAX_HOUR_TEXT]
    if text:
        days = parse_days(text)
        if days is None or days < 1:
            return [ctx.reply("pause_bad")]
        back = resume_day(local_today(ctx.now, tz), days)
        user.reminders_paused_until = local_instant(back, 0, tz)
        said = ctx.t("pause_set_until", date=format_date(back, ctx.lang, ctx.texts))
    else:
        user.reminders_paused_until = None
        said = ctx.t("pause_set")
    user.reminders_paused_from = ctx.now
    return [Reply(f"{said}\n{ctx.t('pause_risks')}")]


def resume_command(ctx: Ctx, _: str) -> Out:
    user = ctx.user
    hour = f"{clamp_hour(ctx.company.reminder_hour)}:00"
    if not is_paused(user.reminders_paused_from, user.reminders_paused_until, ctx.now):
        return [ctx.reply("resume_not_paused", hour=hour)]
    user.reminders_paused_until = ctx.now  # what fell due meanwhile stays unsent
    return [ctx.reply("resume_done", hour=hour)]


# --- data rights ----------------------------------------------------------------------------


def export_command(ctx: Ctx, _: str) -> Out:
    return [ExportData()]


def _token(ctx: Ctx) -> str:
    """Binds a confirmation to the request that showed it (not guessable from the outside)."""
    seed = f"{ctx.user.channel}:{ctx.user.external_id}:{ctx.now.isoformat()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def delete_command(ctx: Ctx, _: str) -> Out:
    """Ask first, showing what happens to each company (``PreviewDeletion``)."""
    token = _token(ctx)
    expires = (ctx.now + timedelta(minutes=CONFIRM_MINUTES)).isoformat()
    ctx.wait_for(CONFIRM_DELETE, "", token=token, expires=expires)
    return [PreviewDeletion()]


def delete_buttons(ctx: Ctx) -> list[list[Button]]:
    p = ctx.pending
    token = p.data.get("token", "") if p is not None and p.flow == CONFIRM_DELETE else ""
    return [[ctx.button("delete_yes", "del.yes", token), ctx.button("delete_no", "del.no", token)]]


def _ask_delete(ctx: Ctx) -> Out:
    return [ctx.reply("delete_confirm", delete_buttons(ctx))]


def _confirmation_open(ctx: Ctx, token: str) -> bool:
    p = ctx.pending
    if p is None or p.flow != CONFIRM_DELETE or p.data.get("token") != token:
        return False
    return ctx.now.isoformat() <= p.data.get("expires", "")


def delete_yes(ctx: Ctx, token: str) -> Out | None:
    if not _confirmation_open(ctx, token):
        return None
    ctx.clear_pending()
    return [Reply(ctx.t("deleting"), edit=True), DeleteData()]


def delete_no(ctx: Ctx, token: str) -> Out | None:
    if not _confirmation_open(ctx, token):
        return None
    ctx.clear_pending()
    return [Reply(ctx.t("delete_cancelled"), edit=True)]


# --- the operator (IPMS_ADMIN_IDS, ``right="admin"``) -------------------------------------------


def admin_command(ctx: Ctx, _: str) -> Out:
    return [AdminStats()]


def broadcast_command(ctx: Ctx, args: str) -> Out:
    text = args.strip()
    if not text:
        return [ctx.reply("broadcast_usage")]
    if len(text) > MAX_BROADCAST:
        return [ctx.reply("broadcast_too_long", limit=MAX_BROADCAST)]
    return confirm.ask(ctx, "broadcast_confirm", "bc.send", text, text=text)


FLOW = Flow(
    "account",
    commands=(
        Command("lang", lang_command, aliases=("language",), right="user"),
        Command("timezone", timezone_command, needs_company=True, usage="Asia/Shanghai"),
        Command("reminderhour", reminder_hour_command, needs_company=True, usage="9"),
        Command("pause", pause_command, needs_company=True, usage="2w"),
        Command("resume", resume_command, needs_company=True),
        Command("export", export_command, right="user"),
        Command("deletedata", delete_command, aliases=("delete",), right="user"),
        Command("admin", admin_command, menu=False, right="admin"),
        Command("broadcast", broadcast_command, menu=False, right="admin", usage="TEXT"),
    ),
    verbs=(
        Verb("lang", set_lang, arity=1, needs_company=False, right="user"),
        Verb("acc.pause", pause_verb, right="user"),
        Verb("del.yes", delete_yes, arity=1, needs_company=False, right="user"),
        Verb("del.no", delete_no, arity=1, needs_company=False, right="user"),
    ),
    # Anything else the user does withdraws the confirmation: an old "Yes" never deletes.
    inputs=(Input(CONFIRM_DELETE, _ask_delete, lapses=True, own_verbs=("del.yes", "del.no")),),
    # Only through a confirmation (``flows.confirm``).
    actions=(Verb("bc.send", lambda ctx, text: [Broadcast(text)], arity=1, right="admin"),),
)
