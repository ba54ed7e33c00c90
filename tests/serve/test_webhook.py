"""The webhook endpoint: who gets in, what is refused before it is read, what is processed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

import httpx
import pytest
from conftest import Served
from serve_harness import HOOK_PATH, SECRET, SECRET_HEADERS, metric, post_update

from storage.repo import Store
from tests.support.updates import callback_update, message_update

USER = 5_100_000_001


async def _user_count(store: Store) -> int:
    return (await store.stats())["users"]


async def test_right_secret_is_processed(served: Served) -> None:
    response = await post_update(served.client, message_update(1, text="/start", user_id=USER))

    assert response.status_code == 200
    assert served.api.sent_to(USER), "the bot answered /start"
    assert await _user_count(served.store) == 1


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}])
async def test_wrong_or_missing_secret_is_refused_and_changes_nothing(
    served: Served, headers: dict[str, str]
) -> None:
    update = message_update(1, text="/start", user_id=USER)
    response = await served.client.post(HOOK_PATH, json=update, headers=headers)

    assert response.status_code == 403
    assert served.api.named("sendMessage") == []
    assert await _user_count(served.store) == 0


async def _raw_request(port: int, head: str, body: bytes = b"") -> tuple[int, bool]:
    """Send ``head`` (+ ``body``) and read the answer without sending anything more.

    Returns the status and whether the server then closed the connection.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        rest = await asyncio.wait_for(reader.read(), 10)  # returns once the server closes
        return int(status_line.split()[1]), rest.endswith(b"}")
    finally:
        writer.close()


def _head(port: int, length: int, secret: str | None) -> str:
    lines = [
        f"POST {HOOK_PATH} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if secret is not None:
        lines.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    return "\r\n".join(lines) + "\r\n\r\n"


@pytest.mark.parametrize(
    ("secret", "length", "status"),
    [
        (None, 90 * 1024 * 1024, 403),  # no secret: refused on the headers alone
        ("wrong-secret-0123456789", 90 * 1024 * 1024, 403),
        (SECRET, 2 * 1024 * 1024, 413),  # right secret, declared too large
    ],
)
async def test_refused_before_the_body_is_sent(
    served: Served, secret: str | None, length: int, status: int
) -> None:
    """The client sends only the headers of a huge request: the answer comes anyway, so the
    server decided without waiting for (or reading) the body; then it hangs up."""
    port = int(served.client.base_url.port or 0)
    got, closed = await _raw_request(port, _head(port, length, secret))
    assert got == status
    assert closed
    assert await _user_count(served.store) == 0


async def test_body_without_length_is_cut_at_one_mebibyte(served: Served) -> None:
    """Chunked, never announced: read up to the limit, then 413 and the connection closed.

    The server hangs up while bytes it never read are still arriving, so the kernel may answer
    with a reset that overtakes the 413 on the wire: the client then sees a reset instead of
    the status. Either way the refusal is counted as too large and nothing is processed.
    """
    too_large = 'reason="too_large"'
    before = metric(
        (await served.client.get("/metrics")).text, "ipms_webhook_rejected_total", too_large
    )
    port = int(served.client.base_url.port or 0)
    head = _head(port, 0, SECRET).replace("Content-Length: 0", "Transfer-Encoding: chunked")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)

    async def send() -> None:
        try:
            writer.write(head.encode())
            for _ in range(64):  # 4 MiB offered
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass  # the server hung up: that is the point

    sender = asyncio.create_task(send())
    status: int | None = None
    with contextlib.suppress(ConnectionResetError):  # EOF or reset: the server hung up
        status_line = await asyncio.wait_for(reader.readline(), 10)
        status = int(status_line.split()[1]) if status_line else None
        await asyncio.wait_for(reader.read(), 10)
    await asyncio.wait_for(sender, 10)
    writer.close()
    after = metric(
        (await served.client.get("/metrics")).text, "ipms_webhook_rejected_total", too_large
    )
    assert status in (413, None)
    assert after == before + 1
    assert await _user_count(served.store) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}', b"\xff\xfe"],
)
async def test_malformed_bodies_get_400(served: Served, body: bytes) -> None:
    response = await served.client.post(HOOK_PATH, content=body, headers=SECRET_HEADERS)
    assert response.status_code == 400
    assert served.api.named("sendMessage") == []


async def test_update_id_out_of_range_is_acknowledged_but_ignored(served: Served) -> None:
    update = message_update(2**63, text="/start", user_id=USER)
    response = await post_update(served.client, update)
    assert response.status_code == 200
    assert served.api.named("sendMessage") == [] and await _user_count(served.store) == 0


async def test_duplicate_update_id_is_processed_once(served: Served) -> None:
    before = metric((await served.client.get("/metrics")).text, "ipms_duplicate_updates_total")
    update = message_update(7, text="/start", user_id=USER)
    first = await post_update(served.client, update)
    replies = len(served.api.sent_to(USER))
    again = await post_update(served.client, update)  # Telegram re-delivers after a timeout

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(served.api.sent_to(USER)) == replies
    after = metric((await served.client.get("/metrics")).text, "ipms_duplicate_updates_total")
    assert after == before + 1


async def test_metrics_move_as_updates_flow(served: Served) -> None:
    def sample(text: str, name: str, labels: str = "") -> float:
        return metric(text, name, labels)

    before = (await served.client.get("/metrics")).text
    await post_update(served.client, message_update(1, text="/start", user_id=USER))
    await post_update(served.client, message_update(2, text="什么是知识产权管理体系", user_id=USER))
    await post_update(served.client, callback_update(3, "lang:en", 1000, user_id=USER))
    await served.client.post(HOOK_PATH, json={"update_id": 4})  # no secret
    response = await served.client.get("/metrics")
    after = response.text

    assert response.headers["content-type"].startswith("text/plain")
    for kind in ("command", "text", "button"):
        label = f'kind="{kind}"'
        assert sample(after, "ipms_updates_total", label) == (
            sample(before, "ipms_updates_total", label) + 1
        )
        assert sample(after, "ipms_update_seconds_count", label) >= 1
    secret_label = 'reason="secret"'
    assert sample(after, "ipms_webhook_rejected_total", secret_label) == (
        sample(before, "ipms_webhook_rejected_total", secret_label) + 1
    )
    faq_total = sum(
        sample(after, "ipms_faq_questions_total", f'outcome="{o}"')
        for o in ("answered", "suggest", "unknown")
    )
    assert faq_total >= 1  # the free-text question went through the FAQ matcher
    assert sample(after, "ipms_ready") == 1


async def test_health_and_metrics_need_no_secret_but_other_paths_are_404(served: Served) -> None:
    assert (await served.client.get("/healthz")).json() == {"status": "ok"}
    assert (await served.client.get("/nothing-here")).status_code == 404
    assert (await served.client.get(HOOK_PATH)).status_code == 405


async def test_healthz_is_503_until_migrated_and_updates_wait(unmigrated: Served) -> None:
    client = unmigrated.client
    health = await client.get("/healthz")
    assert health.status_code == 503
    update = message_update(1, text="/start", user_id=USER)
    assert (await post_update(client, update)).status_code == 503  # Telegram retries later

    migrate = await asyncio.create_subprocess_exec(
        *_ipms("migrate"),
        env=_env(unmigrated.db_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await migrate.communicate()
    assert migrate.returncode == 0, out.decode()

    await _wait_ok(client)
    assert (await post_update(client, update)).status_code == 200
    assert unmigrated.api.sent_to(USER)


def _ipms(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPMS_")}
    return env | {"IPMS_DATABASE_URL": db_url}


async def _wait_ok(client: httpx.AsyncClient) -> None:
    for _ in range(300):
        if (await client.get("/healthz")).status_code == 200:
            return
        await asyncio.sleep(0.05)
    raise AssertionError((await client.get("/healthz")).text)


async def test_logs_hold_no_wrong_secret_and_bounded_message_texts(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    wrong = "attacker-guess-0123456789abcdef"
    huge = "长" * 300_000  # a large message text (under the 1 MiB body limit in UTF-8)
    await served.client.post(
        HOOK_PATH, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": wrong}
    )
    response = await post_update(served.client, message_update(2, text=huge, user_id=USER))

    assert response.status_code == 200
    assert wrong not in caplog.text and SECRET not in caplog.text
    assert max(len(r.getMessage()) for r in caplog.records) < 2100  # DEBUG records are cut
    above_debug = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any("长长长" in m for m in above_debug)  # message texts only at DEBUG
