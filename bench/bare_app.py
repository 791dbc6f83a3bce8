"""A bare Bolt app: the floor of declbot's HTTP stack, for bench/bench_load.py.

Run:  .venv/bin/python bench/bare_app.py --port N [--workers N] [--threads N] [--host H]
      (env SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL as for ``declbot serve``)

The same stack as ``declbot serve --http`` without the conversation: the same gunicorn server
and options (``handlers/server.py``'s ``serve_http``: gthread workers, 8 threads each), the same
Flask adapter and routes (``flask_app``: POST /slack/events, GET /healthz), the same Web API
client (``app.slack_client``: retry handlers, 30 s timeout) and the same listener pool size.
Its listeners only acknowledge and post one reply: a message event gets one chat.postMessage,
a button click gets ``ack()`` and one chat.postMessage. No database, no middleware, no engine.

Each reply names what it answers (the event's ``event_id``, the click's ``action_ts``) so that
the benchmark can tell a lost or doubled reply.

Like declbot's server (``app.build_app`` calls ``bot.engine.warm_up()``), each worker freezes
its long-lived objects once the app is built (``gc.collect(); gc.freeze()``), so that full
garbage collections do not walk them. It does not call ``warm_up()`` itself: that builds the
matchers and the form model, which the bare app does not have.

``handlers/server.py`` is loaded from its file rather than imported as ``handlers.server``:
importing the ``handlers`` package runs its ``__init__``, which imports every listener and
with them the engine and the form model (about 50,000 more objects for the garbage collector
to walk), which a bare app does not have.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from slack_bolt import Ack, App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

#: The listener pool size of declbot's app (``handlers.settings.Settings.listener_threads``).
LISTENER_THREADS = 16
#: Every button click goes to the one action listener.
ANY_ACTION = re.compile(r".*")


def load_server_module() -> ModuleType:
    """``handlers/server.py`` as a module of its own (it imports only Flask, gunicorn, Bolt)."""
    spec = importlib.util.spec_from_file_location("bare_server", ROOT / "handlers" / "server.py")
    if spec is None or spec.loader is None:
        raise ImportError("handlers/server.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_bare_app(bot_token: str, signing_secret: str, api_url: str) -> App:
    """A Bolt app whose listeners post exactly one reply per message or click."""
    from app import slack_client  # app.py imports nothing of the engine at module level

    settings = _ClientSettings(bot_token, api_url)
    app = App(
        name="bare",
        client=slack_client(settings),  # type: ignore[arg-type]
        signing_secret=signing_secret,
        request_verification_enabled=False,  # handlers.server.flask_app verifies each request
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="bare-listener"),
    )

    @app.event("message")
    def on_message(client: WebClient, body: dict[str, Any], event: dict[str, Any]) -> None:
        client.chat_postMessage(channel=event["channel"], text=f"reply to {body.get('event_id')}",
                                unfurl_links=False, unfurl_media=False)

    @app.action(ANY_ACTION)
    def on_click(ack: Ack, client: WebClient, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        client.chat_postMessage(channel=channel, text=f"reply to {action.get('action_ts')}",
                                unfurl_links=False, unfurl_media=False)

    gc.collect()
    gc.freeze()  # as declbot's warm_up(): long-lived objects out of the collector's way
    return app


class _ClientSettings:
    """The two fields of ``handlers.settings.Settings`` that ``app.slack_client`` reads."""

    def __init__(self, bot_token: str, api_url: str) -> None:
        self.bot_token = bot_token
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="request threads per worker (8)")
    args = parser.parse_args()
    token = os.environ.get("SLACK_BOT_TOKEN", "")
    secret = os.environ.get("SLACK_SIGNING_SECRET", "")
    api_url = os.environ.get("SLACK_API_URL", "https://slack.com/api/")
    if not token or not secret:
        print("bare_app: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set", file=sys.stderr)
        return 2
    server = load_server_module()
    return server.serve_http(
        lambda: server.flask_app(build_bare_app(token, secret, api_url), secret),
        host=args.host, port=args.port, workers=args.workers,
        threads=args.threads or server.DEFAULT_THREADS,
    )


if __name__ == "__main__":
    raise SystemExit(main())
