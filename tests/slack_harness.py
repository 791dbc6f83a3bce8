"""End-to-end harness for the Slack app: a real HTTP endpoint, signed requests, the fake API.

* :class:`ServeProcess`: ``declbot serve --http`` in a subprocess (gunicorn), talking to the
  fake Slack Web API through SLACK_API_URL.
* :class:`InProcessServer`: the same Flask app served by werkzeug in a thread, built with
  ``app.build_app`` on a database of the caller's choosing.
* :class:`Endpoint` posts signed event, interactivity and slash-command requests, as Slack does,
  and waits on the fake for replies (listeners finish after the ack).

The fixtures are in ``tests.slack_fixtures``.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from bot.types import Reply
from tests.fake_slack import BOT_ID, BOT_TOKEN, BOT_USER, TEAM, FakeSlack, Message

SECRET = "test-signing-secret"
EVENTS_PATH = "/slack/events"
_ids = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid() % 1000:03d}{next(_ids):05d}"


def new_user() -> str:
    return unique("U")


def dm_of(user: str) -> str:
    """The DM channel id the fake's conversations.open gives for a user."""
    return "D" + user.lstrip("U")


def slack_escape(text: str) -> str:
    """Message text as Slack delivers it in events."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    body: str
    elapsed: float


class Endpoint:
    """A real /slack/events URL and the requests Slack would send to it."""

    def __init__(self, base: str, fake: FakeSlack, secret: str = SECRET) -> None:
        self.base = base
        self.url = base + EVENTS_PATH
        self.fake = fake
        self.secret = secret
        self._ts = itertools.count(1)

    def ts(self) -> str:
        return f"1800000000.{next(self._ts):06d}"

    # --- raw -----------------------------------------------------------------------------
    def post(self, raw: str, content_type: str, *, headers: dict[str, str] | None = None,
             secret: str | None = None, timestamp: int | None = None) -> Response:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=stamp, body=raw)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": signature, **(headers or {})}
        request = urllib.request.Request(self.url, data=raw.encode(), headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=15) as r:
                return Response(r.status, r.read().decode(), time.monotonic() - started)
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode(), time.monotonic() - started)

    # --- Events API ----------------------------------------------------------------------
    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
              **kw: Any) -> Response:
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0DECLBOT", "type": "event_callback",
            "event_id": event_id or unique("Ev"), "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry_num else None
        return self.post(json.dumps(body), "application/json", headers=headers, **kw)

    def dm_message(self, user: str, text: str = "", *, files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A direct message to the app, as the ``message`` event Slack sends."""
        ts = self.ts()
        event = {"type": "message", "channel_type": "im", "channel": dm_of(user), "user": user,
                 "text": slack_escape(text), "ts": ts, "event_ts": ts, "team": TEAM}
        if files:
            event.update(subtype="file_share", files=files)
        return event

    def dm(self, user: str, text: str = "", *, files: list[dict[str, Any]] | None = None,
           **kw: Any) -> Response:
        return self.event(self.dm_message(user, text, files=files), **kw)

    def channel_message(self, user: str, channel: str, text: str, *, thread_ts: str | None = None,
                        mention: bool = False, ts: str | None = None,
                        channel_type: str = "channel") -> tuple[str, dict[str, Any]]:
        """A message in a channel (or a group DM: ``channel_type="mpim"``), as the ``message``
        event Slack sends; (ts, event)."""
        ts = ts or self.ts()
        shown = (f"<@{BOT_USER}> " if mention else "") + slack_escape(text)
        event = {"type": "message", "channel_type": channel_type, "channel": channel, "user": user,
                 "text": shown, "ts": ts, "event_ts": ts, "team": TEAM}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return ts, event

    def mention(self, user: str, channel: str, text: str, *, thread_ts: str | None = None,
                ts: str | None = None, also_message_event: bool = True) -> tuple[str, Response]:
        """@declbot in a channel: Slack sends app_mention and (subscribed) message.channels."""
        ts, message = self.channel_message(user, channel, text, thread_ts=thread_ts, mention=True, ts=ts)
        mention = {k: v for k, v in message.items() if k != "channel_type"} | {"type": "app_mention"}
        response = self.event(mention)
        if also_message_event:
            assert self.event(message).status == 200
        return ts, response

    def edited(self, original: dict[str, Any], new_text: str) -> dict[str, Any]:
        """Slack's ``message_changed`` event for the person editing a message they sent."""
        keep = {k: original[k] for k in ("user", "ts", "thread_ts") if k in original}
        before = {"type": "message", "text": original.get("text", ""), **keep}
        after = {**before, "text": slack_escape(new_text), "edited": {"user": original["user"], "ts": self.ts()}}
        ts = self.ts()
        return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": original["channel"],
                "channel_type": original.get("channel_type", "im"), "ts": ts, "event_ts": ts,
                "message": after, "previous_message": before}

    def deleted(self, original: dict[str, Any]) -> dict[str, Any]:
        """Slack's ``message_deleted`` event for the person deleting a message they sent."""
        keep = {k: original[k] for k in ("user", "ts", "thread_ts", "files") if k in original}
        ts = self.ts()
        return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": original["channel"],
                "channel_type": original.get("channel_type", "im"), "ts": ts, "event_ts": ts,
                "deleted_ts": original["ts"],
                "previous_message": {"type": "message", "text": original.get("text", ""), **keep}}

    def home_opened(self, user: str, tab: str = "home") -> Response:
        return self.event({"type": "app_home_opened", "user": user, "channel": dm_of(user), "tab": tab,
                           "event_ts": self.ts()})

    # --- interactivity and commands ------------------------------------------------------
    def interact(self, payload: dict[str, Any]) -> Response:
        return self.post("payload=" + quote(json.dumps(payload)), "application/x-www-form-urlencoded")

    def click(self, user: str, message: Message, value: str, *, action_id: str | None = None) -> Response:
        """Click the button with this value (and action_id, when given) on a message the app
        posted."""
        button = message.button(value, action_id=action_id)
        thread = {"thread_ts": message.thread_ts} if message.thread_ts else {}
        return self.interact({
            "type": "block_actions", "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": user, "team_id": TEAM}, "api_app_id": "A0DECLBOT", "token": "legacy",
            "trigger_id": unique("trig."),
            "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel,
                          "is_ephemeral": False, **thread},
            "channel": {"id": message.channel},
            "message": {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": message.ts,
                        "text": message.text, "blocks": message.blocks, **thread},
            "response_url": f"{self.fake.origin}/respond/{unique('r')}",
            "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                         "text": button["text"], "value": button["value"], "action_ts": self.ts()}],
        })

    def view_payload(self, kind: str, user: str, view: dict[str, Any], values: dict[str, str] | None,
                     **extra: Any) -> dict[str, Any]:
        """A payload about a modal as Slack sends it: the view with its state — each input
        holding its initial value, unless ``values`` (by field: ``row_<field>`` blocks) says
        otherwise."""
        shown = {**view, "state": {"values": view_state(view, values or {})}}
        return {"type": kind, "team": {"id": TEAM, "domain": "fake"}, "user": {"id": user, "team_id": TEAM},
                "api_app_id": "A0DECLBOT", "token": "legacy", "trigger_id": unique("trig."),
                "view": shown, **extra}

    def submit_view(self, user: str, view: dict[str, Any], values: dict[str, str] | None = None) -> Response:
        """Press a modal's submit button (Slack's view_submission)."""
        return self.interact(self.view_payload("view_submission", user, view, values, response_urls=[]))

    def choose_in_view(self, user: str, view: dict[str, Any], key: str, value: str,
                       values: dict[str, str] | None = None) -> Response:
        """Choose an option of a select (``dispatch_action``) in a modal (block_actions)."""
        block = next(b for b in view["blocks"] if b.get("block_id") == f"row_{key}")
        element = block["element"]
        return self.interact(self.view_payload(
            "block_actions", user, view, {**(values or {}), key: value},
            container={"type": "view", "view_id": view["id"]},
            actions=[{"type": element["type"], "action_id": element["action_id"], "block_id": block["block_id"],
                      "selected_option": option_of(element, value), "action_ts": self.ts()}]))

    def home_click(self, user: str, action_id: str, value: str) -> dict[str, Any]:
        """The payload of a click on the person's Home tab as last published (its view id and
        hash: two clicks on the same rendering carry the same hash)."""
        view = self.fake.views.get(user) or {"id": "VNONE", "hash": "0.none"}
        return {
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0DECLBOT", "token": "legacy", "trigger_id": unique("trig."),
            "container": {"type": "view", "view_id": view["id"]},
            "view": {"id": view["id"], "hash": view["hash"], "type": "home",
                     "blocks": view.get("blocks", [])},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "text": {"type": "plain_text", "text": value}, "action_ts": self.ts()}],
        }

    def click_home(self, user: str, action_id: str, value: str) -> Response:
        return self.interact(self.home_click(user, action_id, value))

    def command(self, user: str, text: str, channel: str = "C0GENERAL") -> Response:
        return self.post(urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "fake", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": "/declbot",
            "text": text, "api_app_id": "A0DECLBOT", "trigger_id": unique("trig."),
            "response_url": f"{self.fake.origin}/respond/{unique('r')}",
        }), "application/x-www-form-urlencoded")

    # --- waiting ---------------------------------------------------------------------------
    def exchange(self, channel: str, count: int, send: Callable[[], Response], *,
                 thread_ts: str | None = None, timeout: float = 15.0) -> list[Message]:
        """Send a request (acknowledged with 200), then wait for ``count`` new messages from the
        app in the channel (thread); the new ones."""
        before = len(self.fake.in_place(channel, thread_ts))
        response = send()
        assert response.status == 200, response
        return self.replies(channel, before + count, thread_ts=thread_ts, timeout=timeout)[before:]

    def replies(self, channel: str, count: int, *, thread_ts: str | None = None,
                timeout: float = 15.0) -> list[Message]:
        """Wait until the channel (thread) holds ``count`` messages from the app; all of them."""
        return self.fake.wait(
            lambda: (lambda ms: ms if len(ms) >= count else None)(self.fake.in_place(channel, thread_ts)),
            timeout, what=f"{count} messages in {channel}",
        )


def option_of(element: dict[str, Any], value: str) -> dict[str, Any] | None:
    options = element.get("options") or [o for g in element.get("option_groups") or [] for o in g["options"]]
    found = [o for o in options if o["value"] == value]
    assert found or not value, f"no option {value!r} in {element.get('action_id')}"
    return found[0] if found else None


def view_state(view: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """``view.state.values`` of a modal: each input's initial value, or the one given by field."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element, key = block["element"], block["block_id"].removeprefix("row_")
        if element["type"] == "plain_text_input":
            value = values.get(key, element.get("initial_value"))
            state[block["block_id"]] = {element["action_id"]: {"type": "plain_text_input", "value": value or None}}
        else:
            initial = (element.get("initial_option") or {}).get("value", "")
            state[block["block_id"]] = {element["action_id"]: {
                "type": element["type"], "selected_option": option_of(element, values.get(key, initial))}}
    return state


def modal_errors(response: Response, view: dict[str, Any]) -> dict[str, str]:
    """The errors a view_submission's answer shows on the modal's inputs (as Slack takes them:
    each on an input block of that view)."""
    assert response.status == 200, response
    answer = json.loads(response.body or "{}")
    assert answer.get("response_action") == "errors", answer
    inputs = {b["block_id"] for b in view["blocks"] if b.get("type") == "input"}
    errors = answer["errors"]
    assert errors and set(errors) <= inputs and all(isinstance(v, str) and v for v in errors.values()), errors
    return {k.removeprefix("row_"): v for k, v in errors.items()}


@dataclass
class Streamed:
    """The answer to a request whose body was streamed: status, body, and how much of the body
    had been sent when the answer came."""

    status: int
    body: bytes
    sent: int


def stream_post(base: str, path: str, headers: dict[str, str], chunks: Iterable[bytes],
                timeout: float = 30.0) -> Streamed:
    """POST a body piece by piece over a raw socket, as curl does: stop sending as soon as the
    server answers (a server refusing a body answers before it has read it all, then closes).
    Without a Content-Length in ``headers`` the body is sent chunked."""
    host, port = urlsplit(base).hostname or "127.0.0.1", urlsplit(base).port or 80
    chunked = not any(k.lower() == "content-length" for k in headers)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in {**headers, **({"Transfer-Encoding": "chunked"} if chunked else {})}.items())
    sent = 0
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n")
        try:
            for chunk in chunks:
                if select.select([sock], [], [], 0)[0]:
                    break  # answered already
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent += len(chunk)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed on us: its answer is waiting to be read
        raw = b""
        try:
            while b"\r\n\r\n" not in raw or len(raw) < _answer_length(raw):
                data = sock.recv(65536)
                if not data:
                    break
                raw += data
        except ConnectionResetError:
            pass
    status_line, _, rest = raw.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1."), f"no HTTP answer: {raw[:200]!r}"
    return Streamed(int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2], sent)


def _answer_length(raw: bytes) -> int:
    head, _, _ = raw.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(raw) + 1  # no length: read to the end


class Twin:
    """The same engine on a store of its own: what the app should say, turn by turn."""

    def __init__(self, path: Path) -> None:
        from bot.engine import Engine
        from bot.store import Store

        self.store = Store(f"sqlite:///{path}")
        self.engine = Engine(self.store)

    def turn(self, user: str, *, key: str = "twin", shared: bool = False, **kw: Any) -> list[Reply]:
        from bot.types import Turn

        return self.engine.handle(Turn(key, user, shared=shared, **kw))

    def close(self) -> None:
        self.store.close()


def posts_for(replies: list[Reply]) -> int:
    """How many messages the app posts for these replies (an upload is not a message; its
    reply's text is)."""
    from handlers.blocks import reply_messages

    return sum(len(reply_messages(reply)) for reply in replies)


def wait_http(url: str, timeout: float, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the server exited")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


class ServeProcess:
    """``declbot serve --http`` as a subprocess, logging to a file."""

    def __init__(self, fake: FakeSlack, database_url: str, log_path: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.database_url = database_url
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url,
                   DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
        declbot = Path(sys.executable).with_name("declbot")
        command = [str(declbot)] if declbot.exists() else [sys.executable, "-m", "app"]
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [*command, "serve", "--http", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1],
        )
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_http(self.base + "/healthz", 60, lambda: self.process.poll() is None)
        except Exception as e:
            self.stop()
            raise RuntimeError(f"declbot serve did not start: {e}\n{self.log()}") from e

    @classmethod
    def on_sqlite(cls, fake: FakeSlack, directory: Path) -> ServeProcess:
        """One worker on a SQLite file of its own in ``directory`` (which also gets the log)."""
        return cls(fake, f"sqlite:///{directory / 'declbot.sqlite3'}", directory / "serve.log")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class InProcessServer:
    """The Flask app of ``app.build_app`` on a werkzeug server in a thread."""

    def __init__(self, fake: FakeSlack, database_url: str) -> None:
        from werkzeug.serving import make_server

        from app import build_app
        from bot.store import Store
        from handlers.server import flask_app
        from handlers.settings import Settings

        self.settings = Settings(bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.base_url,
                                 database_url=database_url)
        self.store = Store(database_url)
        self.bolt_app = build_app(self.settings, self.store)
        self.server = make_server("127.0.0.1", 0, flask_app(self.bolt_app, self.settings.signing_secret), threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.bolt_app.listener_runner.listener_executor.shutdown(wait=True)
        self.store.close()
