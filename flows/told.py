"""Outcomes told in words: "拿到证书了" starts recording the certificate, "不符合项整改完了"
asks to close the open nonconformity (or shows them when there are several).

Both go through the same confirmations as their buttons; nothing is changed on a guess.
"""

from __future__ import annotations

import re

from flows import certificate, nonconformity
from flows.context import Ctx
from flows.phrasing import looks_like_question
from flows.types import Out, Reply

MAX_LEN = 60
_CERTIFIED = re.compile(
    r"拿到证书|拿到证了|拿证了|证书(?:已经)?(?:下来|发下来|到手|寄到|收到)了?|收到证书|获证了|通过认证了"
    r"|\b(?:got|received|have)\s+(?:the|our)\s+certificate\b|\bcertificate\s+(?:arrived|came)\b"
    r"|\bwe(?:'re|\s+are)\s+(?:now\s+)?certified\b|\bgot\s+certified\b",
    re.I,
)
_NC = r"(?:不符合项?|整改|nonconformit(?:y|ies)|findings?|\bncs?\b)"
_CLOSED = r"(?:整改完|改完|关闭|关掉|处理完|搞定|完成|closed|fixed|resolved|done|sorted)"
# The finding first ("不符合项整改完了"); the other order only in English ("closed the
# nonconformity"): "内审完成了，有3个不符合项" reports new findings, not closed ones.
_NC_CLOSED = re.compile(
    rf"{_NC}.{{0,8}}{_CLOSED}"
    r"|\b(?:closed|fixed|resolved|sorted)\s+(?:\w+\s+){0,3}(?:nonconformit|findings?\b|ncs?\b)",
    re.I,
)


def recognise(ctx: Ctx, text: str) -> Out | None:
    """The flow an outcome told in words starts, or None when the text tells none."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    if _CERTIFIED.search(text) and not _denied(text):
        return [ctx.reply("certificate_told"), *certificate.start(ctx)]
    if _NC_CLOSED.search(text) and not _denied(text):
        return _nc_closed(ctx)
    return None


_DENIED = re.compile(r"没(?!问题)|未|不(?!符合|错)|\bnot\b|n't|\bno\b|\byet\b", re.I)


def _denied(text: str) -> bool:
    """ "还没拿到证书", "not certified yet"; 不符合 and 没问题 deny nothing."""
    return _DENIED.search(text) is not None


def _nc_closed(ctx: Ctx) -> Out | None:
    open_ncs = nonconformity.open_ncs(ctx)
    if not open_ncs:
        return None
    if len(open_ncs) == 1:
        return nonconformity.close(ctx, open_ncs[0].id)
    lines = [ctx.t("which_nc_closed"), *(nonconformity.line(ctx, nc) for nc in open_ncs)]
    return [Reply("\n".join(lines), nonconformity.close_buttons(ctx))]
