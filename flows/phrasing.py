"""How a typed text reads: a question to answer rather than the input that was asked for."""

from __future__ import annotations

import re
import unicodedata

from flows.natural import AnswerKind, parse_answer
from flows.natural.text import has_cjk
from knowledge.lexicon import fold, load_lexicon

# Text that is a question rather than the requested input (a name, a date...).
_QUESTION = re.compile(
    r"[?？](?=\s|$)|吗|什么|怎么|如何|为什么|多少|是否|哪些|哪个|能不能|可不可以"
    r"|啥时候|干啥|做啥|是啥|有啥|要啥|啥意思|多久|多长时间|几天|几个月|要不要|需不需要|用不用|能否|哪里|哪儿|咋"
    r"|哪条|哪一条|哪章|哪款|哪项|还能用|还有效|还算数|还管用|由谁|谁来|谁负责|谁做|谁管|找谁|是谁(?!都)"
    r"|^(what|whats|what's|how|hows|how's|why|when|which|who|can|could|do|does|is|are|should"
    r"|must|will)\b",
    re.IGNORECASE,
)


# A-not-A: "有没有", "是不是" ask. Said alone ("培训有没有做完", "监督审核是不是做过了"),
# a question; after what checks it ("上市前会看一下有没有侵权", "确认是不是有效"), part of a
# statement; never a denial.
_EITHER_OR = "有没有|是不是|会不会|能不能|要不要|行不行|可不可以|对不对|够不够"
_A_NOT_A = re.compile(rf"(?<!看)(?<!查)(?<!下)(?<!认)(?<!断)(?<!估)(?:{_EITHER_OR})")


def looks_like_question(text: str) -> bool:
    said = text.strip()
    return bool(_QUESTION.search(said) or _A_NOT_A.search(said))


# Control, format (zero-width, bidi overrides), private-use, surrogate and unassigned code points.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}


def clean_name(text: str) -> str:
    """A name as stored: no invisible or control characters (NUL, U+200B, U+202E...), single
    spaces. A name made only of such characters becomes empty and is refused by the caller."""
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(visible.split())


def bare(text: str) -> str:
    """The text folded, without the punctuation around it ("好的！" -> "好的")."""
    return fold(text).strip(" .!?~。！？～、，,")


def says(text: str, group: str, value: str) -> bool:
    """The whole text is one of the lexicon's phrases for ``group``/``value``."""
    return bare(text) in load_lexicon().synonyms(group, value)


def says_go(text: str) -> bool:
    """ "ok", "好的", "继续": go on (the lexicon's words for accepting an offer)."""
    return says(text, "offer", "accept")


def agrees(text: str) -> bool:
    """ "ok", "好的", "yes", "行": agreement to what was just proposed; also said in several
    words ("ok fine", "ok yes plan for that", "行吧，那就按这个来")."""
    said = _PARTICLES.sub("", text.strip()) or text.strip()  # "就按这个日期吧"
    for _ in range(MAX_LEADS + 1):
        if says_go(said) or parse_answer(said) is AnswerKind.YES:
            return True
        rest = _AGREE_LEAD.sub("", said, count=1)
        if rest == said:
            return False
        if not bare(rest):
            return True  # only words of agreement ("ok yes")
        said = rest
    return False


MAX_LEADS = 4
# Words of agreement that may open a longer agreement ("ok, …", "行吧，那就…")
_PARTICLES = re.compile(r"[吧啊呀嘛哈]+[。.!！~～]*$")
_AGREE_LEAD = re.compile(
    r"^(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright|all\s+right|right|good|嗯+|好吧|好的|好|行吧|行|"
    r"可以|那就|就)(?:[\s,，.。!！~～]+|(?=[\u4e00-\u9fff]))",
    re.I,
)


def says_nothing_new(text: str) -> bool:
    """A bare yes/no/not sure or "ok": no name, date or other content in it."""
    return agrees(text) or parse_answer(text) is not None


def asks_to_resume(text: str) -> bool:
    """ "继续评估", "continue the assessment": the question on screen, again."""
    return says(text, "assess", "resume")


# Inside a short message the core words are enough ("这个是啥意思呀", "I don't get this one").
_MEANING = re.compile(
    r"(?:啥|什么|甚么)意思|看不懂|没看懂|不太懂|不明白|没明白|不理解|解释一?下|是指(?:啥|什么)|指的是"
    r"|\bwhat\s+(?:does|do|is)\s+(?:this|that|it|the)(?:\s+(?:question|one))?\s+mean"
    r"|\b(?:don'?t|do\s+not|didn'?t)\s+(?:understand|get)\b|\bexplain\b|\bwhat\s+is\s+meant\b"
    r"|\b(?:not\s+sure|no\s+idea|(?:don'?t|do\s+not)\s+know)\s+what\s+(?:this|that|it)\s+means\b",
    re.I,
)
# What may stand around them: pointing at the question, particles ("这个是啥意思呀"); anything
# else names a subject of its own ("FTO是什么意思": a question for the FAQ).
_MEANING_REST = re.compile(
    r"这个|这道题|这题|这一题|这条|这里|这句|这|是|呀|啊|吗|呢|的|我|有点|还是|一下|请|能|可以|帮|"
    r"不知道|不清楚|不太清楚|"
    r"\b(?:this|that|one|question|it|i|sorry|please|can|you|could|still|quite|really|the|here)\b"
    r"|[\s?？!！。.,，~～]",
    re.I,
)


def asks_meaning(text: str) -> bool:
    """ "这是啥意思", "看不懂", "what does this mean": explain what is on screen."""
    if says(text, "assess", "explain"):
        return True
    rest = _MEANING.sub("", text)
    left = _MEANING_REST.sub("", rest)
    # two Chinese characters left are a word of their own: "内审是什么意思" asks about 内审
    return _MEANING.search(text) is not None and len(left) <= 2 and sum(map(has_cjk, left)) <= 1


# "你问这个干嘛", "为啥要问这个", "why do you need that": what the question on screen is for.
_WHY_ASKED = re.compile(
    r"(?:问|要)(?:这个|这)?(?:干嘛|干什么|做什么|有啥用|有什么用)|为(?:啥|什么)(?:要)?问"
    r"|(?:这个|这)(?:有啥用|有什么用|跟.{0,6}有关系?吗)"
    r"|\bwhy\s+(?:do|would|does)\s+(?:you|it|that)\s+(?:need|want|ask|matter)"
    r"|\bwhy\s+(?:are\s+you\s+)?ask(?:ing)?\b|\bwhat(?:'s|\s+is)\s+(?:that|this|it)\s+for\b",
    re.I,
)


# Clauses of a statement: after a comma or a semicolon (and its "but"), a sentence's end, "but"
_CLAUSE_BREAK = re.compile(
    r"\s*[，,；;。]\s*(?:but\s+)?|\.(?:\s+|$)|\s+but\s+|但是?|不过|只是", re.I
)


def clauses(text: str) -> list[str]:
    """The clauses of a statement ("范围写过，不太全" -> ["范围写过", "不太全"])."""
    return [c for c in _CLAUSE_BREAK.split(text) if c.strip()]


def asks_why_asked(text: str) -> bool:
    """ "你问这个干嘛", "why do you need that?": the question's purpose, not an answer."""
    return len(text) <= 40 and _WHY_ASKED.search(text) is not None


# "我们没有研发部门", "we don't do R&D": a "no" that may mean "this does not apply to us".
_MISSING_ACTIVITY = re.compile(
    r"(没有|没|不做|不搞|不涉及|不需要|不生产|不销售|不采购)[^，。,.]{0,8}?"
    r"(部门|业务|这块|这一块|这方面|这类|这种|环节|研发|采购|外包|合作|生产|销售|产品|项目)"
    r"|\b(no|don'?t|do not|never|we have no|haven'?t got)\b.{0,30}"
    r"\b(department|team|business|activit(y|ies)|r&d|rd|research|purchasing|procurement"
    r"|sales|production|outsourc\w*|products?|projects?)\b",
    re.IGNORECASE,
)


def may_not_apply(text: str) -> bool:
    """A "no" that names an activity the company may simply not have."""
    return bool(_MISSING_ACTIVITY.search(text))


# Words that carry no choice of their own in "开始评估吧" / "let's start the assessment".
# Generic verbs too: "做计划" names "制定整改计划" as well as "计划" does.
_ZH_FILLER = re.compile(
    r"那就|那么|我们|咱们|现在|直接|可以|一下|好的|请|先|就|来|吧|啊|呀|呢|了|吗|好|行|我|要|想|那"
    r"|做|搞|弄|排|出|列|给|开始|帮我|一个|个"
    r"|[，,。.!！、~～\s]"  # "好的，做计划": the punctuation between agreeing and naming
)
_EN_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "lets",
        "let",
        "us",
        "me",
        "i",
        "we",
        "now",
        "then",
        "please",
        "ok",
        "okay",
        "just",
        "go",
        "ahead",
        "to",
        "want",
        "would",
        "like",
    ]
)


def _words(text: str) -> list[str]:
    return [
        w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z0-9&]+", text)
    ]


def names_label(text: str, label: str) -> bool:
    """Whether a short typed text asks for the button ``label`` ("开始评估吧" for "开始差距评估",
    "start the assessment" for "Start the gap assessment"): every word of it is in the label."""
    said = bare(text)
    shown = fold(label)
    if not said or len(said) > 30:
        return False
    if re.search(r"[\u4e00-\u9fff]", said):
        rest = _ZH_FILLER.sub("", said).replace(" ", "")
        return len(rest) >= 2 and all(ch in shown for ch in rest)
    words = [w for w in _words(said) if w not in _EN_FILLER]
    have = set(_words(shown))
    return bool(words) and all(w in have for w in words)


# "we did the internal audit last week", "上周做了内审": the thing asked about has been done.
_REPORTS_DONE = re.compile(
    r"已经|做完|做过|做了|开过|开了|完成了|搞定|签了|签过|签订了|都签|建了|建立了|定了|制定了|发了|发布了"
    r"|培训过|都有培训|每年都(?:培训|做|搞|开|审)"
    r"|\b(?:did|didn'?t|done|finished|completed|held|ran|signed|sign|issued|trained|train)\b",
    re.I,
)
# A negation anywhere in a short statement; 不符合, 不错 and 没问题 deny nothing.
_DENIED = re.compile(
    r"没(?!问题)|未|不(?!符合|错)|\bnot\b|n't|\bnever\b|\bno\b|\bnope\b|\byet\b", re.I
)


def denies(text: str) -> bool:
    """ "还没拿到证书", "not certified yet", "we didn't do it"."""
    return _DENIED.search(re.sub(_EITHER_OR, " ", text)) is not None


def reports_done(text: str) -> bool | None:
    """Whether a sentence says the thing was done (True), not done ("we didn't do it": False),
    or says neither (None)."""
    if not _REPORTS_DONE.search(text):
        return None
    return not denies(text)


# When the certificate is wanted, said as a wish or an aim ("希望明年6月底之前能拿到证书", "老板要求
# 明年上半年拿证", "we want to be certified by next June"): a goal, not news of a certificate.
_GOAL = re.compile(
    r"(?:希望|想|争取|目标|计划|打算|要求|力争|最好|必须|一定要|准备|预计|期望|规划)[^，,。；;]{0,14}"
    r"(?:拿证|拿到证|获证|通过认证|认证下来|证书|取证)"
    r"|(?:之前|以前|前|底|年内)(?:要|能|得)?(?:拿证|拿到证书?|获证|通过认证|取证)"
    r"|证书.{0,8}(?:一定要|必须|要在|得在|争取|最好).{0,10}(?:拿到|下来|到手)"
    r"|\b(?:want|wants|hope|aim|aiming|plan|planning|need|needs|goal|target|would\s+like)\b"
    r".{0,30}\b(?:certified|certificate|certification|certs?)\b"
    r"|\bcertified\s+by\b"
    # "the boss wants it done by next summer": the whole job, by a date
    r"|\b(?:want|wants|need|needs|hope|expect|expects|aim)\b.{0,20}"
    r"\b(?:done|finished|completed|wrapped\s+up)\s+(?:by|before)\b",
    re.I,
)


def says_goal(text: str) -> bool:
    return _GOAL.search(text) is not None


_GOAL_VERBS = re.compile(r"拿到证书|拿到|拿证|获证|通过认证|取证|证书")


def goal_words_out(text: str) -> str:
    """The wish without its verbs, for reading its date: "明年拿到" is next year, not 1 January."""
    return _GOAL_VERBS.sub("，", text)


# "内审能不能提前到5月", "can we move the internal audit to May?": a date to change, asked.
_MOVE_ASKED = re.compile(
    r"^(?P<a>.*?)(?:能不能|能否|可不可以|可以|可否|行不行)(?P<b>.*?(?:提前|推迟|延后|延迟|推后|改|挪|放|安排)"
    r"(?:到|在).+?)(?:吗|呢|吧|行吗|可以吗)?[?？]*$"
    r"|^(?:can|could|may)\s+(?:we|i|you)\s+(?P<c>(?:move|reschedule|push|bring|shift|change|put)\b.+?)"
    r"\s*\?*$",
    re.I,
)


def move_asked(text: str) -> str | None:
    """The request inside a question asking to move a date, or None."""
    m = _MOVE_ASKED.match(text.strip())
    if m is None:
        return None
    if m.group("c"):
        return m.group("c")
    return f"{m.group('a')}{m.group('b')}"
