"""Risks to the certificate, found however long ago they began, most serious first.

An expired certificate; a surveillance audit past its latest date (the body may suspend the
certificate); the latest date for the recertification application passed without one; a
nonconformity past its deadline. Each comes with what to do today and what to say to the
certification body, because the answer is almost always "call them now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from flows import nonconformity
from flows.context import Ctx, fmt_date
from flows.next_action import NextAction
from flows.timeline import Item, Timeline
from flows.types import Button

RiskKind = Literal["expired", "surveillance", "recert", "nc"]
_ORDER: tuple[RiskKind, ...] = ("expired", "surveillance", "recert", "nc")


@dataclass(frozen=True)
class Risk:
    kind: RiskKind
    item: Item
    since: date  # the date it became a risk


def find(ctx: Ctx, tl: Timeline) -> list[Risk]:
    today, cert = ctx.today, ctx.company.certificate
    found: list[Risk] = []
    if cert is not None and cert.edition == "2023":
        if today > cert.expires:
            if (expiry := tl.get("expiry")) is not None:
                found.append(Risk("expired", expiry, cert.expires))
        else:
            found += _surveillance(tl, today) + _recertification(tl, today)
    seen: set[str] = set()
    for item in tl.open_items():
        nc_id = ":".join(item.key.split(":")[:2])
        late = item.kind in ("nc_correction", "nc_evidence") and today > item.on
        if late and nc_id not in seen:
            seen.add(nc_id)
            found.append(Risk("nc", item, item.on))
    return sorted(found, key=lambda r: _ORDER.index(r.kind))


def _surveillance(tl: Timeline, today: date) -> list[Risk]:
    """Past the latest date and not done: not booked, or booked for after the deadline."""
    out = []
    for item in tl.open_items():
        deadline = item.deadline
        if item.kind not in ("surveillance", "surveillance_audit") or deadline is None:
            continue
        if today > deadline and (item.kind == "surveillance" or item.on > deadline):
            out.append(Risk("surveillance", item, deadline))
    return out


def _recertification(tl: Timeline, today: date) -> list[Risk]:
    latest, applied = tl.get("recert:latest"), tl.get("recert:apply")
    if latest and applied and not applied.done and today > latest.on:
        return [Risk("recert", latest, latest.on)]
    return []


def as_next(ctx: Ctx, risk: Risk) -> NextAction:
    item, cert = risk.item, ctx.company.certificate
    values = {
        "company": ctx.company.name or "—",
        # a script the owner sends as it is: a blank to fill, not "(number to follow)"
        "number": (cert.number or ctx.t("cert_number_blank")) if cert else "____",
        "date": fmt_date(risk.since),
        "days": (ctx.today - risk.since).days,
        "title": item.title(ctx.lang),
        "n": item.key.split(":")[1] if ":" in item.key else "",
        "label": _nc_label(ctx, item.key) if item.key.startswith("nc:") else "",
    }
    return NextAction(
        what=ctx.t(f"risk_{risk.kind}_what", **values),
        why=ctx.t(f"risk_{risk.kind}_why", **values),
        how=ctx.t(f"risk_{risk.kind}_today", **values),
        say=ctx.t(f"risk_{risk.kind}_say", **values),
        buttons=_buttons(ctx, risk),
        key=item.key,
        risk=True,
    )


def _buttons(ctx: Ctx, risk: Risk) -> list[list[Button]]:
    key = risk.item.key
    if risk.kind == "surveillance":
        return [
            [ctx.button("risk_btn_audit_date", "evt.date", key)],
            [ctx.button("open_step", "step", "maint.surveillance")],
        ]
    if risk.kind == "recert":
        return [
            [ctx.button("risk_btn_applied", "evt.done", "recert:apply")],
            [ctx.button("risk_btn_apply_date", "evt.date", "recert:apply")],
        ]
    if risk.kind == "expired":
        return [
            [ctx.button("risk_btn_new_cert", "cert.add")],
            [ctx.button("open_step", "step", "maint.recert")],
        ]
    nc_id = ":".join(key.split(":")[:2])
    return [
        [nonconformity.close_button(ctx, nc_id)],
        [ctx.button("open_step", "step", "audit.nonconformities")],
    ]


def _nc_label(ctx: Ctx, key: str) -> str:
    """ "Stage 2 audit, finding 1", opening a sentence."""
    said = nonconformity.shown_label(ctx, ":".join(key.split(":")[:2]))
    return said[:1].upper() + said[1:]
