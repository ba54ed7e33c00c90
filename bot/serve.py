"""``ipms serve``: the bot as an ASGI service (Starlette on uvicorn) behind a TLS proxy.

Follows python-telegram-bot's custom-webhook example (``Application`` built with
``.updater(None)``, run in our own server), with three routes:

* ``POST <path of IPMS_WEBHOOK_URL>``: one Telegram update. Secret and size are checked on the
  headers before any of the body is read (``bot.webhook_guard``). The update is handled
  before the answer (ack after handling): if the process dies mid-update, Telegram has no 200
  and delivers it again, and the update-id claim makes the second delivery a no-op when the
  first one did commit. Updates of one chat run one at a time in this process
  (``PerChatUpdateProcessor``) and across processes (the Store locks the user's row).
* ``GET /healthz``: 200 when warmed up and the database answers at the current schema; 503
  with ``starting`` / ``stopping`` / the problem otherwise.
* ``GET /metrics``: Prometheus text (``bot.metrics``).

Start-up order: the server listens at once (health says "starting"), then knowledge, the FAQ
index and any model are loaded, the schema is waited for, the Bot API is waited for (``getMe``,
retried with a doubling wait while Telegram or the network is down), the PTB application starts
(and with it the reminder tick); only then are updates accepted. Shutdown (SIGTERM/SIGINT):
uvicorn stops accepting, in-flight updates finish, the reminder tick hands its unsent claims
back, the application stops, the database closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import Application

from bot import metrics
from bot.telegram_logging import redact
from bot.webhook_guard import Refusal, check_headers, parse_update, read_body

log = logging.getLogger(__name__)

Prepare = Callable[[], Awaitable[Application]]  # type: ignore[type-arg]
AfterStart = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]
HealthCheck = Callable[[], Awaitable[str | None]]  # None: healthy, else the problem
SCHEMA_POLL_SECONDS = 5.0
API_RETRY_SECONDS = (1.0, 60.0)  # first wait and cap of the doubling wait for the Bot API


def _retry_after(exc: Exception) -> float:
    wait = getattr(exc, "retry_after", 0)
    return float(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)


async def always_healthy() -> str | None:
    return None


class WebhookServer:
    """The ASGI application (``.asgi``) and the life cycle of the bot inside it."""

    def __init__(
        self,
        prepare: Prepare,
        *,
        path: str,
        secret: str,
        health: HealthCheck = always_healthy,
        after_start: AfterStart | None = None,
        schema_poll: float = SCHEMA_POLL_SECONDS,
        api_retry: tuple[float, float] = API_RETRY_SECONDS,
    ) -> None:
        self._prepare = prepare
        self._secret = secret
        self._health = health
        self._after_start = after_start
        self._schema_poll = schema_poll
        self._api_retry = api_retry
        self.phase = "starting"  # -> ready -> stopping; "failed" if start-up failed
        self.problem: str | None = None  # what start-up waits for, shown by /healthz
        self.fatal: BaseException | None = None  # start-up error: the process should exit
        self.ptb: Application | None = None  # type: ignore[type-arg]
        self.ready = asyncio.Event()
        self.request_exit: Callable[[], None] = lambda: None  # set by ``run_server``
        self._initialized = False
        self._starting: asyncio.Task[None] | None = None
        self.asgi = Starlette(
            routes=[
                Route(path, self.webhook, methods=["POST"]),
                Route("/healthz", self.healthz, methods=["GET"]),
                Route("/metrics", self.metrics, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )

    # --- life cycle ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self._starting = asyncio.create_task(self._start(), name="ipms-start")
        try:
            yield
        finally:
            await self._stop()

    async def _start(self) -> None:
        try:
            ptb = await self._prepare()  # knowledge, FAQ index, models: before any update
            self.ptb = ptb
            await self._wait_for_schema()
            await self._reach_bot_api(ptb)
            await ptb.initialize()
            self._initialized = True
            if ptb.post_init:
                await ptb.post_init(ptb)
            await ptb.start()
            if self._after_start is not None:
                await self._after_start(ptb)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.phase, self.fatal = "failed", exc
            self.request_exit()
            return
        self.phase, self.problem = "ready", None
        metrics.READY.set(1)
        self.ready.set()
        log.info("Ready: accepting updates")

    async def _wait_for_schema(self) -> None:
        warned = False
        while (problem := await self._health()) is not None:
            self.problem = problem
            if not warned:
                log.warning("Waiting before accepting updates: %s", problem)
                warned = True
            await asyncio.sleep(self._schema_poll)
        self.problem = None

    async def _reach_bot_api(self, ptb: Application) -> None:  # type: ignore[type-arg]
        """``getMe`` until the Bot API answers: an outage at start-up (Telegram, the network,
        a proxy not up yet) is waited out with /healthz saying why, not a restart loop. A
        rejected token is not an outage: it ends start-up at once."""
        delay = self._api_retry[0]
        while True:
            try:
                await ptb.bot.initialize()  # getMe; a no-op for ``ptb.initialize`` after it
            except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
                wait = max(delay, _retry_after(exc))
                self.problem = f"Telegram Bot API unreachable ({redact(str(exc))}); retrying"
                log.warning(
                    "Telegram Bot API unreachable: %s; retrying in %.0f s", redact(str(exc)), wait
                )
                await asyncio.sleep(wait)
                delay = min(delay * 2, self._api_retry[1])
                continue
            self.problem = None
            return

    async def _stop(self) -> None:
        self.phase = "stopping"
        metrics.READY.set(0)
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            await asyncio.gather(self._starting, return_exceptions=True)
        ptb = self.ptb
        if ptb is None or not self._initialized:
            return
        dispatcher = ptb.bot_data.get("dispatcher")
        if dispatcher is not None:
            dispatcher.stop()  # the running tick hands unsent claims back, then ends
        if ptb.running:
            await ptb.stop()  # waits for the reminder tick in progress
        await ptb.shutdown()
        if ptb.post_shutdown:
            await ptb.post_shutdown(ptb)
        log.info("Stopped")

    # --- routes -------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        refusal = check_headers(request, self._secret)
        if refusal is not None:
            return _refuse(refusal)
        ptb = self.ptb
        if self.phase != "ready" or ptb is None:
            metrics.rejected("not_ready")
            return JSONResponse({"status": self.phase}, 503, headers={"Retry-After": "5"})
        body = await read_body(request)
        if isinstance(body, Refusal):
            return _refuse(body)
        data = parse_update(body)
        if isinstance(data, Refusal):
            return _refuse(data)
        try:
            update = Update.de_json(data, ptb.bot)
        except Exception:  # structurally wrong: a retry would fail the same way
            return _refuse(Refusal(400, "malformed", "not an update"))
        await ptb.update_processor.process_update(update, ptb.process_update(update))
        return Response(status_code=200)

    async def healthz(self, _request: Request) -> Response:
        if self.phase != "ready":
            body = {"status": self.phase} | ({"problem": self.problem} if self.problem else {})
            return JSONResponse(body, 503)
        problem = await self._health()
        if problem is not None:
            return JSONResponse({"status": "unhealthy", "problem": problem}, 503)
        return JSONResponse({"status": "ok"})

    async def metrics(self, _request: Request) -> Response:
        body, content_type = metrics.render()
        return Response(body, headers={"Content-Type": content_type})


def _refuse(refusal: Refusal) -> Response:
    """Answer without reading what is left of the body, and close the connection so the
    server does not drain it either."""
    metrics.rejected(refusal.reason)
    log.debug("Webhook call refused: %s", refusal.detail)  # never the presented secret
    return JSONResponse({"error": refusal.detail}, refusal.status, headers={"Connection": "close"})


@contextlib.contextmanager
def _sigterm_is_handled() -> Iterator[None]:
    """uvicorn re-raises the signal it shut down on; a SIGTERM handled here ends the process
    normally (exit 0) instead of being killed by the default action."""
    try:
        previous = signal.signal(signal.SIGTERM, lambda *_: None)
    except ValueError:  # not the main thread: uvicorn installs no handlers either
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


async def run_server(
    server: WebhookServer,
    host: str,
    port: int,
    *,
    shutdown_timeout: float = 25.0,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    **uvicorn_options: Any,
) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop``); raises the start-up error, if any."""
    config = uvicorn.Config(
        server.asgi,
        host=host,
        port=port,
        lifespan="on",
        log_config=None,  # keep the process's logging (JSON or text, secrets redacted)
        access_log=False,  # ``bot.metrics`` logs one line per update instead
        server_header=False,
        timeout_graceful_shutdown=max(int(shutdown_timeout), 1),
        **uvicorn_options,
    )
    uv = uvicorn.Server(config)
    server.request_exit = lambda: setattr(uv, "should_exit", True)
    helpers = [asyncio.create_task(_exit_on(stop, uv))] if stop is not None else []
    if ready is not None:
        helpers.append(asyncio.create_task(_relay(server.ready, ready)))
    try:
        with _sigterm_is_handled():
            await uv.serve()
    finally:
        for task in helpers:
            task.cancel()
    if server.fatal is not None:
        raise server.fatal


async def _exit_on(stop: asyncio.Event, uv: uvicorn.Server) -> None:
    await stop.wait()
    uv.should_exit = True


async def _relay(source: asyncio.Event, target: asyncio.Event) -> None:
    await source.wait()
    target.set()
