"""Names out of what people type: "我们是做阀门的，叫瑞丰阀门有限公司" -> 瑞丰阀门有限公司."""

from __future__ import annotations

import re

# Endings that mark a Chinese company name; the clause holding one is the name.
_ZH_SUFFIX = re.compile(r"(?:公司|集团|厂|研究院|研究所|事务所|工作室|合作社|中心|商行)$")
# Lead-ins before the name itself (longest first so "我们公司叫" wins over "我们").
_ZH_LEAD = re.compile(
    r"^(?:(?:我们|我司|本公司|公司|我们公司|我们的公司|我公司)(?:的)?(?:名字|名称|全称)?"
    r"|(?:名字|名称|全称))(?:是|叫|叫做|名叫|为)[：:]?\s*"
    r"|^(?:叫做|名叫|叫)[：:]?\s*(?=\S{2})"
    r"|^(?:公司)?(?:名字|名称|全称)[：:]\s*"
)
_EN_LEAD = re.compile(
    r"^(?:(?:we\s*(?:are|'re)|it\s*(?:is|'s)|(?:our\s+|the\s+|my\s+)?company\s+is|"
    r"(?:the\s+|our\s+)?(?:company(?:'s)?\s+)?name\s+is|the\s+name's|this\s+is)\s+)?"
    r"(?:called\s+|named\s+)?",
    re.IGNORECASE,
)
# A clause that describes the company rather than naming it: "..., a small factory in Suzhou".
_EN_DESCRIBES = re.compile(
    r"^(?:a|an|the|based|located|we|and|in|from|making|with|which|who|mainly)\b", re.IGNORECASE
)
_ZH_DESCRIBES = re.compile(r"^(?:是|一家|一个|做|主要|专业|专门)")  # "是一家做注塑的小厂"
# English company-form words; the abbreviated ones keep their full stop ("Co., Ltd.").
_EN_FORMS = ("ltd", "co", "inc", "corp", "pte", "llc", "plc")
_EN_SUFFIX = re.compile(
    rf"\b(?:{'|'.join(_EN_FORMS)}|limited|gmbh|company|group)\.?$", re.IGNORECASE
)
_ABBREVIATED = re.compile(rf"\b(?:{'|'.join(_EN_FORMS)})$", re.IGNORECASE)
# A comma before a company form is inside the name: "Brightline Sensors Co., Ltd."
_CLAUSE_SPLIT = re.compile(
    r"[，,；;。！!]+(?!\s*(?:ltd|limited|inc|llc|plc|gmbh)\b)", re.IGNORECASE
)
_TRAIL = "。.!！~～ 吧啊呀哦"


_CALLED = re.compile(r"\b(?:called|named)\s+(.{2,})$", re.IGNORECASE)
_CALLED_INSIDE = re.compile(r"(?<=\w)\s+(?=(?:called|named)\s+\w)", re.IGNORECASE)


def split_called(text: str) -> str:
    """ "I run a small software company called Bytewise, 25 people": the trade and the name as
    two clauses ("…company, called Bytewise, 25 people"), each read for what it says."""
    return _CALLED_INSIDE.sub(", ", text, count=1)


def company_name(text: str) -> str:
    """The name inside ``text``; the text itself when it holds nothing else."""
    full_stop = text.rstrip().endswith(".")
    text = text.strip().strip(_TRAIL)
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    if len(clauses) > 1:
        led = [c for c in clauses if _has_lead(c) and not told_trade(c)]
        suffixed = [
            c
            for c in clauses
            if (_ZH_SUFFIX.search(c) and not _ZH_DESCRIBES.match(c))
            # an English form names the clause only after a first one that is no name
            # ("we make sensors, …, company is Brightline Sensors Co"; "Smith, Jones & Co" is one)
            or (
                _EN_SUFFIX.search(c)
                and (told_trade(clauses[0]) or _EN_DESCRIBES.match(clauses[0]))
                and not told_trade(c)
                and not _EN_DESCRIBES.match(c)
            )
        ]
        if led or suffixed:
            text = (led or suffixed)[-1]
        elif all(_EN_DESCRIBES.match(c) for c in clauses[1:]):
            text = clauses[0]
    if (called := _CALLED.search(text)) is not None:  # "I run a small software company called X"
        text = called.group(1)
    bare = _ZH_LEAD.sub("", text, count=1)
    bare = _EN_LEAD.sub("", bare, count=1) if bare == text else bare
    bare = bare.strip().strip(_TRAIL).strip("“”\"'「」").strip()
    if _ABBREVIATED.search(bare) and full_stop:
        bare += "."  # "Co., Ltd." keeps the full stop of its abbreviation
    return bare if len(bare) >= 2 else text


# What someone says before giving a name: why they came ("我们想搞贯标，不知道从哪开始",
# "we want to get certified"). A name holds none of these words.
_ZH_INTENT = re.compile(
    r"想|打算|准备|需要|不知道|不懂|不太懂|了解一下|咨询|请问|帮我|帮忙|怎么|如何|从哪"
    r"|(?:搞|做|办|弄)(?:个|一下)?(?:贯标|认证)|^(?:你好|您好|哈喽|嗨)"
    r"|(?:拿|获|取得|通过)(?:了|的|到|过)?(?:贯标|知识产权|管理|体系){0,3}(?:证|认证)|有证|证书(?:快|要|已|还|到期|过期)"
    r"|监督审核|复审|年审"
)
# A greeting, or a sentence about the certificate or what they need ("hi, we got certified
# last year, need help keeping the cert"): names rarely start so or hold these words.
_EN_INTENT = re.compile(
    r"^(?:hi|hello|hey|good\s+(?:morning|afternoon|evening)|greetings)(?:[\s,!.]|$)"
    r"|^(?:we|i)\s*(?:'d|would|want|need|got|have|had|were|was|just|already|are\s+"
    r"(?:looking|planning|thinking|trying|certified)|'re\s+(?:looking|planning|thinking|trying|"
    r"certified)|have\s+to|must|don'?t\s+know)\b"
    r"|\b(?:get\s+certified|certifi(?:cation|ed)|cert|how\s+(?:do|to|can)|help\s+(?:me|us)|"
    r"need(?:s|ed)?\s+help|surveillance|recertif\w*|expir\w*|renew\w*)\b",
    re.IGNORECASE,
)


# Already certified ("we got certified last year", "我们去年拿证了"): here to keep it alive.
_CERTIFIED = re.compile(
    r"(?:拿|获|取得|通过)(?:了|的|到|过)?(?:贯标|知识产权|管理|体系){0,3}(?:证|认证)|有证|证书|监督审核|复审|年审"
    r"|\b(?:got|are|were|been|already)\s+certified\b|\bour\s+cert(?:ificate)?\b|\bsurveillance\b",
    re.IGNORECASE,
)


def tells_certified(text: str) -> bool:
    return _CERTIFIED.search(text) is not None and not re.search(r"还没|没有|not\s+yet", text, re.I)


# Who is writing, not the company ("我是公司行政", "I'm the office manager"): no name.
_SELF_INTRO = re.compile(
    r"^(?:我是|我叫|本人是|我这边是)(?:[^，,。]{1,10}?的)?(?:公司|我们公司|贵司)?(?:的)?(?:行政|人事|财务|法务|经理|总经理|老板|助理"
    r"|专员|负责人|知产|知识产权|IP|HR|采购|研发|技术|办公室|综合部|总助)"
    r"|^(?:i'?m|i\s+am)\s+(?:the\s+|an?\s+)?(?:office\s+manager|hr|admin\w*|assistant|owner|boss"
    r"|manager|ip\s+manager|ceo|gm|general\s+manager|secretary)\b",
    re.IGNORECASE,
)


# "I'm Li Na, IP manager at Kestrel Robotics", "I work for X", "我是云帆科技的IP经理小李",
# "我叫李娜，在云帆科技做知识产权": the company the writer works at
_WORKS_AT_EN = re.compile(
    r"^(?:(?:hi|hello|hey)[,!.\s]+)?(?:i'?m|i\s+am|this\s+is|my\s+name\s+is|i\s+work)\b.*?"
    r"\b(?:at|for|from|with)\s+(?P<org>[^,.;!?]{2,80}?)\s*[.!]?$",
    re.I,
)
_WORKS_AT_ZH = re.compile(
    r"^(?:我是|我叫|本人是|本人)[^，,。]{0,12}?[，,]?\s*在(?P<org>[^，,。]{2,40}?)(?:做|工作|上班|负责|管|当)"
    r"|^(?:我是|本人是)(?P<org2>[^，,。的]{2,40}?)的[^，,。]{1,12}$"
)
# "…, I just told you", "like I said", "我刚说了": said again, not part of the name
_SAID_ALREADY = re.compile(
    r"[,，;；]?\s*(?:i\s+(?:just\s+|already\s+)?told\s+you|like\s+i\s+(?:just\s+)?said"
    r"|as\s+i\s+said|我(?:刚才?|已经|不是)?(?:说|讲)(?:过|了)(?:啊|呀|嘛|吗)?|刚说了)\W*$",
    re.I,
)


def works_at(text: str) -> str | None:
    """The company a self-introduction names ("IP manager at Kestrel Robotics"), or None."""
    m = _WORKS_AT_EN.match(text.strip()) or _WORKS_AT_ZH.match(text.strip())
    if m is None:
        return None
    org = next(g for g in m.groups() if g).strip()
    return None if org.lower() in ("the company", "a company", "公司", "我们公司") else org


def without_said_already(text: str) -> str:
    """The text without "…, I just told you" at its end."""
    return _SAID_ALREADY.sub("", text).strip()


def introduces_self(text: str) -> bool:
    """ "我是公司行政", "I'm the office manager": who writes, not what the company is called."""
    return _SELF_INTRO.match(text.strip()) is not None


def tells_intent(text: str) -> bool:
    """The text says what the user wants rather than naming a company."""
    text = text.strip().strip(_TRAIL)
    named = any(_has_lead(c) and not told_trade(c) for c in _CLAUSE_SPLIT.split(text) if c)
    if named or _ZH_SUFFIX.search(text) or _EN_SUFFIX.search(text):
        return False  # "我们是做贯标咨询的，叫…公司": a name is in there
    return bool(_ZH_INTENT.search(text) or _EN_INTENT.search(text))


def names_company(text: str) -> bool:
    """Some clause of the text gives a name: a lead-in ("叫…", "we're …") or a company form
    ("…有限公司", "… Ltd")."""
    return name_clause(text) is not None


def name_clause(text: str) -> str | None:
    """The first clause that gives the name ("company is Brightline Sensors Co"), or None."""
    parts = [c.strip() for c in _CLAUSE_SPLIT.split(text.strip().strip(_TRAIL)) if c.strip()]
    return next(
        (
            c
            for c in parts
            if (_has_lead(c) and not told_trade(c))
            or (_ZH_SUFFIX.search(c) and not _ZH_DESCRIBES.match(c) and not told_trade(c))
            or (_EN_SUFFIX.search(c) and not told_trade(c))  # "a small software company"
        ),
        None,
    )


def _has_lead(clause: str) -> bool:
    """A clause that introduces the name: 叫 / 名字是 / "we're" / "our company is" / "… called"."""
    if _ZH_LEAD.match(clause) or _CALLED.search(clause):
        return True
    lead = _EN_LEAD.match(clause)
    return lead is not None and bool(lead.group(0))


_ZH_TRADE = re.compile(
    r"^(?:我们|我司|公司|我们公司)?(?:是|主要)?(?:一家|一个|个)?(?:做|生产|搞|从事|卖|经营)(.{2,}?)"
    # "做软件的小公司": what the company is, after what it does
    r"(?:的)?(?:(?:小|中小|小型|中型|民营|私营)?(?:公司|企业|工厂|厂|单位|团队))?"
    r"(?:行业|生意|这块|这一行)?$"
)
_EN_TRADE = re.compile(
    r"^(?:we\s+(?:make|produce|manufacture|build|sell|do|grind|design|develop|supply|distribute"
    r"|provide|offer|assemble|process|machine|mould|mold|cast|print|package|repair|install"
    r"|import|export|trade|breed|grow)|we're\s+in|we\s+are\s+in)\s+(.{2,})$",
    re.IGNORECASE,
)


# "we're a small electronics maker", "we are a valve manufacturer": what, not who.
_EN_DESCRIBED = re.compile(
    r"^(?:(?:hi|hello|hey)\s+)?(?:we'?re|we\s+are|it'?s|it\s+is|i\s+(?:run|own|manage|have|work\s+(?:at|for)))"
    r"\s+an?\s+(?:(?:small|little|tiny|medium[- ]sized"
    r"|mid[- ]sized|family[- ]owned|local|young)\s+)*(.{2,}?)\s+(?:maker|manufacturer|company"
    r"|firm|factory|plant"
    r"|supplier|producer|shop|business|startup|start-up|studio|agency|consultancy|house|workshop)$",
    re.IGNORECASE,
)


def told_trade(text: str) -> str | None:
    """The trade a sentence says the company is in ("做机床的", "we make valves", "we're a
    small electronics maker"), or None when the sentence does not say it that way."""
    text = text.strip().strip(_TRAIL)
    m = _ZH_TRADE.match(text) or _EN_TRADE.match(text) or _EN_DESCRIBED.match(text)
    return m.group(1).strip() if m else None


def trade_name(text: str) -> str:
    """An industry in the user's own words, without the sentence: "我们是做阀门的" -> 阀门."""
    text = text.strip().strip(_TRAIL)
    m = _ZH_TRADE.match(text) or _EN_TRADE.match(text)
    return m.group(1).strip() if m else text
