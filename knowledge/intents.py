"""Short conversational intents (greeting, thanks, next, help, status, plan).

Only whole, short messages count: the normalised text must match one of the patterns below
from start to end, give or take polite fillers ("请", "呢", "please", "ok"). A longer
question that merely contains "下一步" (e.g. "内审之后下一步是什么?") is a domain
question for the FAQ, not the "next" intent.
"""

from __future__ import annotations

import re
from enum import StrEnum

from knowledge.text import normalize


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    NEXT = "next"
    WHERE = "where"  # "我们做到哪了", "where were we": where we stand, then what's next
    HELP = "help"
    STATUS = "status"
    PLAN = "plan"
    ENGLISH = "english"  # "can you speak english?": switch the replies
    CHINESE = "chinese"
    HUMAN = "human"  # "人工客服", "can I talk to a person": there is none, say so
    ASSESS = "assess"  # "开始评估吧", "let's do the assessment": the gap assessment, now
    LAUGH = "laugh"  # "哈哈", "lol": nothing asked of us, nothing to look up
    REPORT = "report"  # "send me the plan as a file", "发个报告给我": the PDF report
    EXPORT = "export"  # "export my data", "导出我的数据"
    DELETE = "delete"  # "delete my data", "删除我的数据": asked to confirm by /deletedata
    OVERDUE = "overdue"  # "what's overdue?", "哪些逾期了": the overdue list
    REMINDERS = "reminders"  # "有哪些提醒", "my reminders": the coming dates and reminders
    CALENDAR = "calendar"  # "给我看一下日历", "add it to my calendar": the .ics file
    PLAN_ALL = "plan_all"  # "显示全部计划", "what are the other 5": the whole plan
    STOP = "stop"  # "算了", "先不做了", "forget it": the question on screen set aside
    RESTART = "restart"  # "重新开始", "start over": what can be started again, asked
    ABOUT = "about"  # "你是谁", "这是干嘛的", "who are you", "what is this?": who we are


MAX_LEN = 40  # normalised characters; anything longer is a real question
MAX_LEN_WITH_LEAD = 90  # "hi, sorry was busy with year end. where are we": each part ≤ MAX_LEN

_ZH_PRE = r"(?:(?:请问|请|那么|那|好的|好|嗯|哦|呃|所以|ok|okay)\s*)*"
_ZH_POST = r"(?:\s*(?:呢|吧|啊|呀|了|吗|啦|哈|哦|嘛|谢谢|please|pls))*"
_EN_PRE = r"(?:(?:ok|okay|so|and|um|hey|hi|well|please|bot|right|alright)\s+)*"
_EN_POST = r"(?:\s+(?:please|pls|then|thanks|bot|now))*"

# Chinese building blocks for "what should I do (next/now)".
_WHO = r"(?:我|我们|咱们|咱)?"
_MODAL = r"(?:该|应该|应当|要|需要|得|可以)?"
_DO_WHAT = r"(?:做什么|干什么|干嘛|干啥|做啥|怎么做|怎么办|做些什么|干些什么|是什么|是啥|去做什么)"

_PATTERNS: dict[Intent, list[str]] = {
    Intent.GREETING: [
        r"你好|您好|你们好|大家好|嗨|哈喽|哈啰|哈罗|在吗|在不在|有人吗|早|早上好|上午好|下午好|晚上好",
        r"hello|hi|hey|hiya|hallo|yo|greetings|good (?:morning|afternoon|evening|day)"
        r"|hello there|hi there|hey there",
    ],
    Intent.THANKS: [
        r"(?:好的|好)?\s*(?:谢谢(?:你|您|啦|了)?|多谢(?:了)?|感谢(?:你|您)?|谢了|谢啦|辛苦了|非常感谢)",
        r"(?:ok |okay |great )?(?:thanks?(?: you)?(?: (?:so|very) much| a lot)?|thx|ty|tks|cheers"
        r"|thank u|many thanks|much appreciated|appreciate it)",
    ],
    Intent.NEXT: [
        r"下一步|下一步" + _MODAL + _DO_WHAT + r"?|" + _WHO + r"下一步" + _MODAL + _DO_WHAT,
        r"接下来" + _WHO + _MODAL + _DO_WHAT + r"?|然后呢|然后" + _WHO + _MODAL + _DO_WHAT,
        _WHO
        + r"(?:现在|目前|接下来)"
        + _MODAL
        + _DO_WHAT
        + r"|"
        + _WHO
        + _MODAL
        + r"做什么"
        + r"|"
        + _WHO
        + r"(?:该|应该|应当|需要)"
        + _DO_WHAT,
        _WHO + r"(?:先|首先|第一步)(?:该|要|应该|需要|得)?(?:做|干|弄|搞)(?:什么|啥|些什么)"
        r"|" + _WHO + r"(?:该|要|应该|需要|得)?从哪(?:里|儿)?(?:开始|入手|下手)"
        r"|第一步(?:是|做|干)?(?:什么|啥)",
        r"下面(?:该|要)?(?:做|干)(?:什么|啥)|还(?:要|得)(?:干嘛|干啥|做啥)|需要我(?:做|干)(?:什么|啥)"
        r"|继续|下一个|下步|往下走|(?:现在|那)?(?:咋办|怎么办)|(?:今年|接下来|最近)?还(?:要|得|需要)做(?:啥|什么|些什么)"
        r"|下次(?:是|要)?(?:啥时候|什么时候)|下一次(?:是|要)?(?:啥时候|什么时候)",
        _WHO + r"(?:现在|接下来)?(?:不知道|不懂|不明白|搞不清楚?|不清楚)(?:该|要|应该|需要)?"
        r"(?:做什么|干什么|干嘛|干啥|做啥|怎么做|怎么办|从哪开始|从哪里开始|从何开始)",
        r"i (?:don'?t|do not) (?:understand|know) what (?:to do|i should do|we should do"
        r"|i need to do|we need to do|comes next)(?: next| now)?|i'?m lost|i am lost|we'?re lost"
        r"|i'?m confused|i am confused|what do i do|what do we do",
        r"(?:whats|what is|what's|wats|wat's|wat is|what'?s) (?:next|nxt)(?: for (?:us|me))?"
        r"|what next|next|nxt|next step|next steps"
        r"|my next step"
        r"|whats my next step|what is my next step|whats the next step|what is the next step"
        r"|what (?:should|do|must|can) (?:i|we) do(?: now| next| first)?|what now|now what|continue"
        r"|where (?:do|should|can) (?:i|we) (?:start|begin)|what comes first|what(?:'?s| is) first"
        r"|how do (?:i|we) (?:start|begin)|what(?:'?s| is) the first step"
        r"|what (?:do|should|must) (?:i|we) (?:need to |have to |got to )?do(?: now| next| today)?"
        r"|what else (?:do (?:i|we) (?:need|have) to do|is there)"
        r"|what should (?:i|we) be doing(?: now)?"
        r"|what to do(?: now| next)?|go on|move on|what should (?:i|we) focus on(?: now| next)?"
        r"|what do you need from (?:me|us)(?: now)?"
        r"|and then|then what|what then"
        r"|(?:is there )?anything (?:(?:we|i) (?:need|have|should|must) to do|to do|due"
        r"|i should know)(?: now| next| today)?",
    ],
    # "where are we" asks what to do from here: where we stand, then the next step.
    Intent.WHERE: [
        _WHO
        + r"(?:现在)?(?:到|在)哪(?:(?:一步|儿|里)了?|了)"
        + r"|"
        + _WHO
        + r"(?:之前|上次|刚才|现在)?(?:进行|做|弄|搞|走|说|聊)到哪(?:一步|儿|里)?了?",
        r"where are we(?: at| now)?|where do we stand|where were we|where did we (?:leave off|stop)"
        r"|where was i|where (?:are|were) we up to",
    ],
    Intent.HELP: [
        r"帮助|求助|帮忙|帮帮我|怎么用|如何使用|使用说明|说明|菜单|指令|命令|功能"
        r"|你能做什么|你会什么|你可以做什么|你能干什么|能做什么",
        r"help|help me|menu|commands|options|what can you do|how does this work"
        r"|how do i use (?:this|you|the bot)|what do you do|usage|instructions",
    ],
    Intent.STATUS: [
        r"进度|我的进度|查看进度|看看进度|当前进度|进展|我的进展|状态|做到哪(?:一步|里)?了"
        r"|(?:我们|咱们|公司)?(?:现在|目前)?(?:的)?(?:进度|进展)(?:怎么样|如何|咋样|怎样)"
        r"|(?:还有|还剩)(?:多少|几)(?:件|项|个)?(?:事|事情|任务|行动)?(?:没做|要做|没完成|没弄)"
        r"|(?:看看|看下|看一下|查看|我的|评估的?)?(?:结果|得分|分数|评估结果)(?:怎么样|如何)?"
        r"|(?:查|看|查看)?(?:一下|下|看)?(?:我们的?|公司的?)?证书(?:的)?(?:状态|情况|信息)(?:怎么样|如何)?",
        r"status|my status|progress|my progress|show (?:my )?progress|where am i"
        r"|how far am i|how am i doing|(?:show (?:me )?|see )?(?:the |my |our )?(?:results?|score)"
        r"|what(?:'?s| is) (?:our|my) (?:status|progress)|where do (?:i|we) stand(?: now)?"
        r"(?: so far)?|how did (?:i|we) do|how are we doing"
        r"|(?:check |show (?:me )?)?(?:our |my |the )?cert(?:ificate)? (?:status|details|info)",
    ],
    Intent.PLAN: [
        r"计划|我的计划|查看计划|看看计划|行动计划|整改计划|我的行动计划|显示计划"
        r"|还剩(?:下)?(?:什么|啥|哪些|多少)(?:没做|没完成|事)?|还有哪些(?:没做|没完成|要做)",
        r"plan|my plan|show (?:me )?(?:my |the )?plan|view (?:my )?plan|action plan|my action plan"
        r"|open (?:my )?plan|whats my plan|what is my plan"
        r"|what(?:'?s| is| are) (?:still )?(?:left|open|outstanding)(?: to do)?"
        r"|what (?:do|have) we (?:still )?(?:got )?left(?: to do)?",  # the open items, listed
    ],
    Intent.ASSESS: [
        r"(?:那就|那|我们|咱们)?(?:开始|做|来做|进行|搞)(?:一下)?(?:差距)?(?:评估|自评|自我评估|问卷)"
        r"|(?:开始|继续)答题|(?:差距)?评估(?:开始|走起)",
        r"(?:let'?s|lets|i want to|we want to|i'?d like to|can we|can i)?\s*(?:do|start|begin|take"
        r"|run|continue)(?: with)? (?:the |a |our |my )?(?:gap )?(?:assessment|self-assessment"
        r"|questionnaire|questions)(?: now| then)?|(?:start|begin) assessing",
    ],
    Intent.REPORT: [
        r"(?:发|给|导出|下载|生成|打印)(?:我|一下|一份|个)*(?:一份|个)?(?:计划|报告|评估报告|pdf|PDF)(?:文件)?"
        r"(?:给我)?|(?:计划|报告)(?:能|可以)?(?:导出|下载|打印)(?:吗|一下)?"
        r"|(?:把)?(?:计划|报告|评估报告)(?:能|可以)?(?:发|导出|下载|打印|发给)(?:给)?(?:我)?"
        r"(?:一下|来|出来|一份)?",  # "报告发我一下", "把计划导出来"
        r"(?:can you |could you |please )?(?:send|give|export|download|print)(?: me)?"
        r" (?:the |my |a )?"
        r"(?:plan|report|readiness report|pdf)(?: as a (?:file|pdf))?",
    ],
    Intent.REMINDERS: [
        r"(?:我的|有哪些|接下来的?|看看|查看)?提醒(?:列表|有哪些|都有哪些)?|有哪些提醒",
        r"(?:my |show (?:me )?(?:my |the )?|upcoming |list (?:my |the )?)reminders",
    ],
    Intent.CALENDAR: [
        r"(?:给我)?(?:看一下|看看|导出|导入|下载)?(?:日历|日程)(?:文件)?|(?:导入|加到|放进)(?:我的)?(?:日历|手机日历)",
        r"(?:my |the |show (?:me )?(?:my |the )?|export (?:to )?(?:my |the )?)?calendar(?: file)?"
        r"|add (?:it|them|the dates) to (?:my )?calendar|ics(?: file)?",
    ],
    Intent.EXPORT: [
        r"导出(?:我的|我们的)?(?:全部)?数据|下载(?:我的)?数据",
        r"(?:export|download) (?:all )?(?:my|our) data",
    ],
    Intent.DELETE: [
        r"(?:删除|删掉|清除)(?:我的|我们的)?(?:全部|所有)?(?:数据|信息|记录|账号)",
        r"(?:delete|remove|erase|wipe) (?:all )?(?:my|our) (?:data|account|information)",
    ],
    Intent.OVERDUE: [
        r"(?:有)?(?:哪些|什么|啥|哪几项|几项)(?:事|事情|任务|行动)?(?:已经)?(?:逾期|过期|超期|拖了|延期)(?:了)?"
        r"|(?:逾期|过期|超期)(?:的)?(?:有哪些|有什么|是哪些|事项|任务|清单|列表)?|看看逾期(?:的)?",
        r"(?:whats|what is|what's|anything|is anything|what) (?:overdue|late|behind)"
        r"|(?:show (?:me )?)?(?:the |my )?overdue(?: items| actions| list| ones| stuff)?"
        r"|what (?:did|have) (?:we|i) miss(?:ed)?|what am i behind on|what are we behind on",
    ],
    Intent.LAUGH: [
        r"(?:哈|呵|嘿|嘻){2,}|哈哈哈*|(?:ha){2,}h?|(?:he){2,}|lol|lmao|😄|😂|🤣|😆|😁|😊|🙂",
    ],
    Intent.ENGLISH: [
        r"(?:能|可以|请)?(?:说|讲|用|换成?|切换(?:到|成)?)英文(?:吗|回复|回答|交流)?|英文版?|英语",
        r"(?:can|could) (?:you|we) (?:speak|use|talk in|reply in|write in) english"
        r"|(?:speak|reply|answer|write|talk) (?:in )?english|in english|english|english please"
        r"|switch to english|do you speak english",
    ],
    Intent.CHINESE: [
        r"(?:能|可以|请)?(?:说|讲|用|换成?|切换(?:到|成)?)中文(?:吗|回复|回答|交流)?|中文版?|汉语|普通话",
        r"(?:can|could) (?:you|we) (?:speak|use|talk in|reply in|write in) chinese"
        r"|(?:speak|reply|answer|write|talk) (?:in )?chinese|in chinese|chinese|chinese please"
        r"|switch to chinese|do you speak chinese",
    ],
    Intent.PLAN_ALL: [
        r"(?:显示|看看?|查看|列出|给我看)(?:一下)?(?:全部|所有|完整|整个)的?(?:计划|行动|事项|项目)?"
        r"|(?:全部|所有|完整|整个)的?计划"
        r"|(?:剩下|其余|其他|另外)的?(?:那)?(?:[0-9一二两三四五六七八九十几]+)?项(?:是什么|是啥|呢)?",
        r"(?:show|list|see|give)(?: me)? (?:the )?(?:whole|full|entire|complete|all of the) plan"
        r"|(?:show|list)(?: me)? (?:them |it )?all|the whole plan|the full plan"
        r"|(?:what are |show me |and )?the (?:other|remaining) (?:\d+|ones|items)"
        r"|(?:what about |show me )the rest(?: of the plan)?",
    ],
    Intent.STOP: [
        r"算了|(?:今天|先|那就|那)?(?:不做了|不弄了|不搞了|不答了|不想做了|不想答了)|先到这(?:里|儿)?(?:吧)?"
        r"|先这样|不玩了|停一下|暂停",
        r"forget it|never ?mind|nvm|stop|let'?s stop|stop (?:it|this|here|for now)"
        r"|enough for (?:now|today)|i'?m done for (?:now|today)|pause|let'?s pause|not now",
    ],
    Intent.RESTART: [
        r"(?:我想|我要|能不能|可以)?(?:重新开始|从头开始|从头再来|重来|重新来|重新来过)(?:一遍|一次)?",
        r"(?:i want to |can we |let'?s |can i )?(?:start (?:over|again|from scratch|afresh)|restart"
        r"|begin again|reset)(?: from scratch| everything| it all)?",
    ],
    Intent.ABOUT: [
        r"你是谁|你是(?:什么|啥|干嘛的|干什么的|做什么的|干啥的)|(?:这|这个)(?:是|是个)(?:干嘛|干什么|做什么|干啥)的"
        r"|(?:这|这个)是(?:什么|啥)(?:东西|机器人|程序|软件)?|你们是(?:谁|干嘛的|什么公司)",
        r"who are you|what are you|who is this|what(?: is|'s|s) this(?: bot| thing| app)?"
        r"|who am i (?:talking|chatting) (?:to|with)|what is this about",
    ],
    Intent.HUMAN: [
        r"(?:找|转|要|联系)?(?:人工客服|人工服务|人工|真人|客服)(?:吗|呢)?"
        r"|有没有(?:人工|真人|客服)|你是机器人吗|你是真人吗",
        r"(?:can i |could i |i want to |i'd like to )?(?:talk|speak|chat) (?:to|with) (?:a )?"
        r"(?:human|person|real person|agent|someone)|human|real person"
        r"|(?:customer )?(?:service|support) agent|are you a (?:bot|robot|human)",
    ],
}

_COMPILED: list[tuple[Intent, re.Pattern[str]]] = [
    (intent, re.compile(rf"(?:{_ZH_PRE}|{_EN_PRE})(?:{body})(?:{_ZH_POST}|{_EN_POST})"))
    for intent, bodies in _PATTERNS.items()
    for body in bodies
]


# Said before the point and adding nothing to it: "hey, we're back. where are we?"
_BACK = re.compile(
    r"(?:(?:(?:we|i)(?:'?re|'?m| are| am) )?back(?: again)?(?: after [a-z ]{1,24})?"
    r"|long time(?: no see)?|its me"
    r"|(?:been )?a while|it'?s been a while|been ages|anyway|ok whatever|whatever|hmm+"
    r"|sorry|sorry (?:for the delay|i was away)"
    r"|(?:sorry )?(?:i |we )?(?:been|was|were) (?:super |very |really )?busy(?: with [a-z ]{1,24})?"
    r"|(?:过完年|放完假|休假|出差|忙完)?(?:我|我们)?回来了|我又来了|又来了|好久不见|好久没来了?|很久没来了?"
    r"|好久没联系了?|是我|忙完了)"
)
_SENTENCES = re.compile(r"[,.!?;，。！？；~～]+")


def detect_intent(text: str) -> Intent | None:
    """The intent of a short message, or None for anything else (including real questions).
    A greeting or "we're back" before it is read past."""
    found = _whole(text)
    if found is not None or len(normalize(text)) > MAX_LEN_WITH_LEAD:
        return found
    parts = [p for p in _SENTENCES.split(text) if normalize(p)]
    if len(parts) < 2 or not all(_lead_in(p) for p in parts[:-1]):
        return None
    if _BACK.fullmatch(normalize(parts[-1])) is not None:
        return Intent.GREETING  # "hi, back after a busy month": hello, nothing asked yet
    return _whole(parts[-1])


def _lead_in(part: str) -> bool:
    """ "hi", "we're back", "谢谢" before the point ("谢谢，辛苦了", "thanks, what's next")."""
    lead = _whole(part) in (Intent.GREETING, Intent.THANKS)
    return lead or _BACK.fullmatch(normalize(part)) is not None


def _whole(text: str) -> Intent | None:
    norm = normalize(text)
    if not norm or len(norm) > MAX_LEN:
        return None
    for intent, pattern in _COMPILED:
        if pattern.fullmatch(norm):
            return intent
    return None
