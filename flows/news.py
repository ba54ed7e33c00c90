"""News about the company's people and partners, told in passing: the certification body it
chose ("我们报了中知认证", "we applied with CQC"), a key person who left or changed ("知产负责人
离职了", "our IP manager quit"), a consultant brought in ("我们请了咨询公司").

The body's name is kept (``Company.cb_name``, shown by /status). A change of person and a
consultant are not stored: the owner hears what each means for the system and the certificate,
instead of the FAQ's menu of look-alike questions.
"""

from __future__ import annotations

import re

from flows import roles
from flows.context import Ctx
from flows.phrasing import clean_name, denies, looks_like_question
from flows.types import Out, Reply

MAX_LEN = 120  # a sentence or two of news
CB_NAME_MAX = 40

# --- the certification body named ---------------------------------------------------------

_ZH_VERB = (
    r"(?:报了|报的|报名了|找了|找的|选了|选的|选定了?|定了|定的|用的|用了|申请了|签了|签的|联系了|"
    r"交给了?|委托了?|跟|和|与|向|给)"
)
# "报了中知认证", "找的中知（北京）认证有限公司": a name that ends as a body's name does.
_ZH_NAMED = re.compile(
    _ZH_VERB + r"\s*(?P<name>[\w（）()·&\-]{1,24}?认证(?:有限责任公司|有限公司|中心|集团|公司)?)"
    r"(?:(?![\w（）()])|(?=提交|申请|签了|报了|审核))(?!机构)"
)
# "认证机构是中知", "认证机构选了中规认证"
_ZH_IS = re.compile(
    r"认证(?:机构|公司)(?:是|选了|选的|定了|定的|用的|找的|为|就是)\s*(?P<name>[\w（）()·&\-]{2,24})"
)
# Words that make a "name" the certification itself or no name at all ("报了贯标认证").
_ZH_NOT_A_NAME = re.compile(
    r"贯标|体系|知识产权|管理|这个|那个|哪|一家|家|机构|什么|认证认证|^认证"
)

_EN_NAME = r"(?P<name>[A-Z][\w&.\-]*(?:\s+(?:(?:of|for|and|&)\s+)?[A-Z][\w&.\-]*){0,5})"
_EN_NAMED = re.compile(
    r"\b(?:applied|apply(?:ing)?|signed(?:\s+up)?|booked|went|going|go|chose|chosen|picked|"
    r"selected|using|use|contracted|engaged|(?:sent|submitted)\s+(?:the|our)\s+application)"
    r"\s+(?:(?:with|to|for)\s+)?" + _EN_NAME
)
# "we applied on june 1 with CQC", "signed the contract last week with CQC"
_EN_WITH = re.compile(
    r"(?:\b(?:applied|application|signed|booked)\b[^.;!?]{0,30}?\b(?:with|to|through|via)|\bcontract\s+with)\s+"
    + _EN_NAME
)
_EN_IS = re.compile(
    r"\b(?:cb|certification\s+body|certifier|registrar|certification\s+company)\s+(?:is|will\s+be|"
    r"=|:)\s*(?P<name>[\w&.\-]+(?:\s+[\w&.\-]+){0,5}?)\s*(?:$|[.,;!]|\s+(?:and|but|now|from)\b)",
    re.I,
)
_EN_AS = re.compile(_EN_NAME + r"\s+(?:is|as)\s+(?:our|the)\s+(?:cb|certification\s+body)\b", re.I)
_EN_CONTEXT = re.compile(r"\b(?:appl|cb\b|certif|registrar|audit|contract)", re.I)
_EN_NOT_A_NAME = {
    "i", "we", "the", "our", "a", "an", "it", "ip", "ipms", "iso", "gb", "cnca", "cnas", "cnipa",
    "stage", "internal", "management", "certification", "surveillance", "telegram", "them",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "next", "last", "this", "one", "two", "it's", "that", "him", "her",
}  # fmt: skip


def cb_name_in(text: str) -> str | None:
    """The certification body a sentence names, as said; None when it names none."""
    for pattern in (_ZH_NAMED, _ZH_IS):
        for m in pattern.finditer(text):
            name = clean_name(m.group("name")).strip("的了是")
            if len(name) >= 2 and not _ZH_NOT_A_NAME.search(name) and "咨询" not in name:
                return name[:CB_NAME_MAX]
    if not _EN_CONTEXT.search(text) and not _EN_IS.search(text):
        return None
    for pattern in (_EN_AS, _EN_IS, _EN_NAMED, _EN_WITH):
        for m in pattern.finditer(text):
            name = clean_name(m.group("name")).strip(" .")
            words = name.split()
            if roles.named(name) is not None:  # "give the contract review to HR"
                continue
            if words and words[0].lower() not in _EN_NOT_A_NAME and "consult" not in name.lower():
                return name[:CB_NAME_MAX]
    return None


def note_cb(ctx: Ctx, text: str) -> Reply | None:
    """Keep a newly named certification body and say so; None when none is named (or the
    same one again)."""
    if len(text) > MAX_LEN or looks_like_question(text) or denies(text):
        return None
    name = cb_name_in(text)
    if name is None or name == ctx.company.cb_name:
        return None
    before, ctx.company.cb_name = ctx.company.cb_name, name
    if before:
        return ctx.reply("cb_changed", name=name, before=before)
    return ctx.reply("cb_noted", name=name)


# --- people -------------------------------------------------------------------------------

_KEY_PERSON_ZH = (
    r"(?:知产|知识产权|IP|ip)(?:负责人|经理|专员|主管)|管代|管理者代表|总经理|老板|法人|法定代表人|"
    r"体系负责人|贯标负责人|负责人|内审员"
)
_PERSON_GONE = re.compile(
    rf"(?:{_KEY_PERSON_ZH}).{{0,8}}(?:离职|走了|辞职|换了|换人|不干了|调走|退休)"
    rf"|(?:换了|新来了?|来了个新的?|新招了?)[个一位名]{{0,2}}(?:新的?)?(?:{_KEY_PERSON_ZH})"
    r"|\b(?:ip\s+(?:manager|lead|officer|person|head|coordinator)|management\s+rep(?:resentative)?"
    r"|general\s+manager|gm|ceo|md|managing\s+director|owner|boss|internal\s+auditor)\b"
    r".{0,25}\b(?:quit|left|resigned|retired|changed|replaced|gone|moved\s+on|leaving)\b"
    r"|\b(?:new|hired\s+a\s+new|changed\s+(?:our|the)|replaced\s+(?:our|the)|have\s+a\s+new)\s+"
    r"(?:ip\s+(?:manager|lead|officer|person|head)|management\s+rep(?:resentative)?"
    r"|general\s+manager|gm|ceo|managing\s+director)\b",
    re.I,
)
_CONSULTANT = re.compile(
    r"(?:请了|找了|签了|聘了|雇了|用了|有|请的|找的|签的|委托了?)[个一家位]{0,2}"
    r"(?:贯标)?(?:咨询公司|咨询机构|顾问|咨询老师|咨询师)"
    r"|\b(?:hired|engaged|signed\s+(?:up\s+)?with|got|have|working\s+with|brought\s+in|use|"
    r"using|found)\s+(?:a|an|the|our)?\s*(?:\w+\s+)?(?:consultant|consultancy|consulting\s+firm|"
    r"adviser|advisor)s?\b",
    re.I,
)


# How to let someone in ("我们请了个咨询老师，怎么拉他进来", "how do I add my colleague?")
_LET_IN = re.compile(
    r"(?:拉|加|请|邀请).{0,4}(?:进来|进群|进去|加入)|怎么(?:加|邀请|拉)(?:他|她|人|同事|顾问|老师|进来)"
    r"|邀请.{0,6}(?:同事|顾问|老师|他|她)"
    r"|\b(?:invite|add|bring\s+in|give\s+access\s+to)\s+(?:(?:my|our|the|a|an)\s+)?"
    r"(?:colleagues?|coworkers?|co-workers?|consultants?|him|her|them|boss)\b",
    re.I,
)


def person_or_partner(ctx: Ctx, text: str) -> Out | None:
    """ "知产负责人离职了", "we hired a consultant": what it means for the system, or None."""
    if len(text) > MAX_LEN or not ctx.company.onboarded:
        return None
    if _LET_IN.search(text):  # a question, usually: answered with the way in
        button = ctx.button("ws_invite_btn", "ws.invite")
        return [ctx.reply("invite_how", [[button]])]
    if looks_like_question(text):
        return None
    certified = ctx.company.certificate is not None
    if _PERSON_GONE.search(text):
        return [ctx.reply("key_person_certified" if certified else "key_person_changed")]
    if _CONSULTANT.search(text) and not denies(text):
        return [ctx.reply("consultant_noted")]
    return None
