"""Running the Bolt app: HTTP (Flask under gunicorn, /slack/events) or Socket Mode.

In HTTP mode each gunicorn worker builds its own Bolt app, store and engine after the fork
(nothing is shared through process memory: drafts, positions and event claims are in the
database), so any worker can take any request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DEFAULT_THREADS = 8
#: Seconds a stopping worker waits for listeners still running after their ack.
GRACEFUL_SECONDS = 30


def flask_app(bolt_app: App) -> Flask:
    """The WSGI app: POST /slack/events (events, interactivity, commands), GET /healthz."""
    web = Flask("declbot")
    handler = SlackRequestHandler(bolt_app)

    @web.post(EVENTS_PATH)
    def slack_events() -> Response:
        return handler.handle(request)

    @web.get(HEALTH_PATH)
    def health() -> tuple[str, int]:
        return "ok", 200

    web.extensions["bolt_app"] = bolt_app
    return web


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
