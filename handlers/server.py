"""Running the Bolt app: HTTP (Flask under gunicorn, /slack/events) or Socket Mode.

In HTTP mode each gunicorn worker builds its own Bolt app, store and engine after the fork
(nothing is shared through process memory: drafts, positions and event claims are in the
database), so any worker can take any request.

Requests are checked before Bolt sees them, since anyone can POST to the URL: a body over
:data:`MAX_BODY_BYTES` is refused with 413 before it is read (Content-Length first; a chunked
body is read to at most one byte more than the cap); a malformed ``X-Slack-Request-Timestamp``,
a body that is not UTF-8 or a bad signature gets 401 (never a 500 with a traceback). Request
bodies are never logged: Bolt logs the whole body of a request whose signature is wrong, at
INFO; here such a request never reaches Bolt, its logger is kept to warnings, and every log
record is cut to :data:`LOG_RECORD_LIMIT` characters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, request
from gunicorn.app.base import BaseApplication
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DEFAULT_THREADS = 8
#: Seconds a stopping worker waits for listeners still running after their ack.
GRACEFUL_SECONDS = 30
#: The largest request body read. Slack's are a few kilobytes (a click on a large view some
#: tens of kilobytes).
MAX_BODY_BYTES = 1 << 20
#: Characters of one log record (a message, its arguments filled in).
LOG_RECORD_LIMIT = 2000
_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only (int() takes others too)
_READ_CHUNK = 64 << 10


def read_capped(req: Request, cap: int) -> bytes | None:
    """The request body, or None when it is longer than ``cap`` bytes — told by its
    Content-Length before anything is read, else found by reading at most ``cap + 1`` bytes."""
    if req.content_length is not None and req.content_length > cap:
        return None
    stream = req.stream
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = stream.read(min(_READ_CHUNK, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return None if total > cap else b"".join(chunks)


def refused(status: int, error: str) -> Response:
    return Response(f'{{"error": "{error}"}}', status=status, mimetype="application/json")


def flask_app(bolt_app: App, signing_secret: str) -> Flask:
    """The WSGI app: POST /slack/events (events, interactivity, commands), GET /healthz."""
    web = Flask("declbot")
    # The one signature check (the Bolt app is built with its own turned off: it would check
    # again, and it logs the whole body of a request it refuses).
    verifier = SignatureVerifier(signing_secret)

    @web.post(EVENTS_PATH)
    def slack_events() -> Response:
        raw = read_capped(request, MAX_BODY_BYTES)
        if raw is None:
            log.warning("request refused: body over %d bytes (Content-Length %s)", MAX_BODY_BYTES,
                        request.content_length)
            return refused(413, "request too large")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = None
        if body is None or not _TIMESTAMP.fullmatch(timestamp) or not verifier.is_valid(body, timestamp, signature):
            log.info("request refused: not signed by Slack (%d bytes)", len(raw))
            return refused(401, "invalid request")
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string.decode("utf-8", "replace"),
                                       headers=dict(request.headers))
        except ValueError as e:  # signed, yet not a payload Bolt can read
            log.warning("signed request not readable (%d bytes): %s", len(raw), type(e).__name__)
            return refused(400, "unreadable request")
        return to_flask_response(bolt_app.dispatch(bolt_request))

    @web.get(HEALTH_PATH)
    def health() -> tuple[str, int]:
        return "ok", 200

    web.extensions["bolt_app"] = bolt_app
    return web


class ShortRecords(logging.Filter):
    """Cuts every log record to :data:`LOG_RECORD_LIMIT` characters: whatever a library logs
    (a request body, a payload), the log never holds more than that of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > LOG_RECORD_LIMIT:
            record.msg = f"{message[:LOG_RECORD_LIMIT]}… [{len(message) - LOG_RECORD_LIMIT} characters cut]"
            record.args = None
        return True


def quiet_logging() -> None:
    """The app's logging: INFO to stderr, records cut short."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(ShortRecords())


def _finish_listeners(_server: Any, worker: Any) -> None:
    """gunicorn worker_exit hook: let listeners that already acked finish their work."""
    web = getattr(worker, "wsgi", None)
    bolt_app = getattr(web, "extensions", {}).get("bolt_app") if web is not None else None
    if bolt_app is not None:
        bolt_app.listener_runner.listener_executor.shutdown(wait=True)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code; ``factory`` runs in each worker after the fork."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings of newer gunicorn versions are optional
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()


def serve_http(factory: Callable[[], Flask], *, host: str, port: int, workers: int = 1,
               threads: int = DEFAULT_THREADS) -> int:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": GRACEFUL_SECONDS,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "declbot",
        "worker_exit": _finish_listeners,
        # gunicorn ≥ 23's control socket is one path per user: several servers would share it.
        "control_socket_disable": True,
    }
    GunicornServer(factory, options).run()
    return 0


def serve_socket_mode(bolt_app: App, app_token: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bolt_app, app_token).start()
    return 0
