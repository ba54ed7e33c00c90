"""Prometheus metrics and the one log line per update.

Each process exposes its own figures at ``GET /metrics`` (``bot.serve``); Prometheus scrapes
every replica. Code elsewhere records with one-line calls: ``observe_dispatch`` (the reminder
tick), ``reminder_blocked`` (a user blocked the bot), ``duplicate_update`` (an update id seen
before), and ``instrument_faq`` wraps the FAQ matcher so its outcomes are counted.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from telegram import Update

log = logging.getLogger("ipms.updates")

REGISTRY = CollectorRegistry()
process_collector.ProcessCollector(registry=REGISTRY)  # RSS, CPU, open files
platform_collector.PlatformCollector(registry=REGISTRY)
gc_collector.GCCollector(registry=REGISTRY)

UPDATES = Counter("ipms_updates", "Updates handled, by kind", ["kind"], registry=REGISTRY)
LATENCY = Histogram(
    "ipms_update_seconds",
    "Time to handle one update (load, flows, save, replies sent), by kind",
    ["kind"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
ERRORS = Counter("ipms_update_errors", "Updates whose handling failed", ["kind"], registry=REGISTRY)
IN_FLIGHT = Gauge("ipms_updates_in_flight", "Updates being handled now", registry=REGISTRY)
DUPLICATES = Counter(
    "ipms_duplicate_updates", "Re-delivered update ids dropped unprocessed", registry=REGISTRY
)
REJECTED = Counter(
    "ipms_webhook_rejected",
    "Webhook calls refused (bad secret, too large, malformed, not ready)",
    ["reason"],
    registry=REGISTRY,
)
REMINDERS = Counter(
    "ipms_reminders",
    "Reminder deliveries by outcome (sent, failed, deferred, cancelled, lost_lease)",
    ["outcome"],
    registry=REGISTRY,
)
REMINDERS_BLOCKED = Counter(
    "ipms_reminders_blocked",
    "Reminders refused because the user blocked the bot (also counted as failed)",
    registry=REGISTRY,
)
FAQ = Counter(
    "ipms_faq_questions",
    "Free-text questions by outcome (answered, suggest, unknown, ...)",
    ["outcome"],
    registry=REGISTRY,
)
READY = Gauge("ipms_ready", "1 when this process accepts updates", registry=REGISTRY)

_user_key = b"ipms"  # replaced by ``set_user_hash_key``: hashes differ per deployment


def set_user_hash_key(secret: str) -> None:
    """Key the user-id hash (e.g. with the bot token) so hashes can't be brute-forced back
    to Telegram ids without it; every replica of one bot logs the same hash for a user."""
    global _user_key
    _user_key = hashlib.sha256(b"ipms-user-hash:" + secret.encode()).digest()


def user_hash(user_id: int | str) -> str:
    digest = hashlib.blake2b(str(user_id).encode(), key=_user_key, digest_size=6)
    return digest.hexdigest()


def update_kind(update: object) -> str:
    """A label for the update: command, text, button, membership, edited or other."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.my_chat_member is not None:
        return "membership"
    if update.edited_message is not None:
        return "edited"
    message = update.message
    if message is None:
        return "other"
    if message.text and message.text.startswith("/"):
        return "command"
    return "text" if message.text else "other"


_BY_KIND: dict[str, tuple[Any, Any]] = {}  # kind -> its UPDATES and LATENCY series


def _series(kind: str) -> tuple[Any, Any]:
    """The kind's counter and histogram series (``labels()`` validates and locks on every
    call; the kinds are a handful of fixed strings)."""
    series = _BY_KIND.get(kind)
    if series is None:
        series = _BY_KIND[kind] = (UPDATES.labels(kind), LATENCY.labels(kind))
    return series


async def observe_update(update: object, handling: Awaitable[Any]) -> None:
    """Await ``handling`` (PTB's processing of ``update``); count, time and log it."""
    kind = update_kind(update)
    IN_FLIGHT.inc()
    start = time.perf_counter()
    try:
        await handling
    finally:
        elapsed = time.perf_counter() - start
        IN_FLIGHT.dec()
        updates, latency = _series(kind)
        updates.inc()
        latency.observe(elapsed)
        _log_update(update, kind, elapsed)


def _log_update(update: object, kind: str, elapsed: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    user = update.effective_user if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else None
    who = user_hash(user.id) if user is not None else "-"
    ms = round(elapsed * 1000, 2)
    extra = {"update_id": update_id, "user": who, "kind": kind, "latency_ms": ms}
    log.info("update %s %s user=%s %.1f ms", update_id, kind, who, ms, extra=extra)


async def count_error(update: object, context: Any) -> None:
    """PTB error handler: counts failed updates (the adapter's own handler apologises)."""
    ERRORS.labels(update_kind(update)).inc()


def duplicate_update() -> None:
    DUPLICATES.inc()


def observe_dispatch(stats: Any) -> None:
    """Counters from one reminder tick's ``DispatchStats``."""
    for outcome in ("sent", "failed", "deferred", "cancelled", "lost_lease"):
        count = int(getattr(stats, outcome, 0))
        if count:
            REMINDERS.labels(outcome).inc(count)


def reminder_blocked() -> None:
    REMINDERS_BLOCKED.inc()


def rejected(reason: str) -> None:
    REJECTED.labels(reason).inc()


class _CountingMatcher:
    """The FAQ matcher with each ``match`` outcome counted; everything else passes through."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def match(self, *args: Any, **kwargs: Any) -> Any:
        result = self._inner.match(*args, **kwargs)
        FAQ.labels(str(getattr(result, "status", "unknown"))).inc()
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def instrument_faq(kb: Any) -> None:
    """Count FAQ outcomes of ``kb``'s matcher (built now if it was not: this is warm-up).

    ``Knowledge.matcher`` is a cached property, so the wrapped matcher replaces the cached
    one on this instance; doing it twice is harmless.
    """
    matcher = kb.matcher
    if not isinstance(matcher, _CountingMatcher):
        kb.__dict__["matcher"] = _CountingMatcher(matcher)


def render() -> tuple[bytes, str]:
    """The Prometheus text exposition of this process's metrics."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
