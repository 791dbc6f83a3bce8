"""A fake Slack Web API on localhost, the way bolt-python tests itself (plus parsed params).

Point the app at it with SLACK_API_URL=fake.base_url. It records every call, keeps the
messages posted and updated, the Home views published and the files uploaded through the
three steps of files_upload_v2, serves file downloads at /files/<id>/<name> (Slack's HTML login
page when the Bearer token is missing, or on request) and their descriptions through
files.info, takes response_url posts at /respond/…, and can be told to fail a method (HTTP 429
with Retry-After, HTTP 500, or a Slack error).

It refuses what Slack refuses (:mod:`tests.slack_limits`): a message or view over Block Kit's
limits gets Slack's answer (``invalid_blocks``, ``msg_too_long``, ``msg_blocks_too_long``,
``invalid_arguments``) and is not kept; every refusal is also listed in :attr:`FakeSlack.refused`,
which the test fixtures require to be empty at the end of a test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from tests.slack_limits import Refusal, message_refusal, view_refusal

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0TEAM"
BOT_TOKEN = "xoxb-test-token"
#: An HTTP answer: status, body, content type, headers.
Reply = tuple[int, "bytes | dict[str, Any]", str, dict[str, str]]
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"


@dataclass
class Call:
    method: str  # Web API method ("chat.postMessage"), or the path for other requests
    params: dict[str, Any]
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    updates: int = 0

    def shown(self, *, with_context: bool = True) -> str:
        """What a person reads: the sections', headers' (and contexts') text as Slack shows it."""
        parts = []
        for block in self.blocks:
            if block.get("type") in ("section", "header"):
                parts.append(shown_text(block["text"]))
            elif block.get("type") == "context" and with_context:
                parts.append(" ".join(shown_text(e) for e in block.get("elements", [])))
            elif block.get("type") == "rich_text":
                parts.append(rich_text_shown(block))
        return "\n".join(parts) if parts else unescape(self.text)

    def body(self) -> str:
        """The message's text without its context lines (a long reply's "2/7", a note)."""
        return self.shown(with_context=False)

    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    def button(self, value: str, *, action_id: str | None = None) -> dict[str, Any]:
        """The button with this value (a question's own buttons carry its id: "year:skip~2"
        is found as "year:skip"), and this action_id when given."""
        found = [b for b in self.buttons() if (b.get("value") == value
                 or str(b.get("value", "")).rpartition("~")[0] == value)
                 and action_id in (None, b.get("action_id"))]
        assert found, f"no button {value!r}; buttons: {[b.get('value') for b in self.buttons()]}"
        return found[0]


def rich_text_shown(block: dict[str, Any]) -> str:
    """A rich_text block as Slack shows it (a mention as its ``<@U…>`` token)."""
    runs = [e for section in block.get("elements", []) for e in section.get("elements", [])]
    return "".join(e.get("text", "") if e.get("type") == "text" else f"<@{e.get('user_id')}>"
                   if e.get("type") == "user" else "" for e in runs)


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown_text(obj: dict[str, Any]) -> str:
    """A text object as Slack shows it: plain_text as it is, mrkdwn with its entities decoded."""
    if obj.get("type") == "mrkdwn":
        return unescape(obj.get("text", ""))
    return obj.get("text", "")


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    data: bytes = b""
    title: str = ""
    channel: str = ""
    thread_ts: str | None = None
    initial_comment: str = ""
    completed: bool = False


@dataclass
class Failure:
    status: int = 429
    times: int = 1
    retry_after: int = 0
    error: str | None = None  # a Slack error ({"ok": false}) with HTTP 200 instead of a status


@dataclass
class Hosted:
    data: bytes
    content_type: str = "application/octet-stream"
    login_page: bool = False
    redirect: str | None = None
    fetches: list[dict[str, str]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # what files.info describes


class FakeSlack:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._views = 0  # never reset: view ids (and hashes) are unique, as Slack's are
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.origin}/api/"  # the trailing slash matters to the SDK
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    # --- set-up -------------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.calls: list[Call] = []
            self.messages: list[Message] = []
            self.views: dict[str, dict[str, Any]] = {}
            self.uploads: dict[str, Upload] = {}
            self.responses: list[dict[str, Any]] = []
            self.failures: dict[str, Failure] = {}
            self.delays: dict[str, float] = {}
            self.files: dict[str, Hosted] = {}
            self.refused: list[tuple[str, Refusal]] = []
            self.modals: list[dict[str, Any]] = []
            self._ts = 0

    def fail(self, method: str, *, status: int = 429, times: int = 1, retry_after: int = 0,
             error: str | None = None) -> None:
        with self._lock:
            self.failures[method] = Failure(status, times, retry_after, error)

    def delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after a while (a slow Slack)."""
        with self._lock:
            self.delays[method] = seconds

    def host_file(self, name: str, data: bytes, *, login_page: bool = False, redirect: str | None = None,
                  content_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  size: int | None = None, check_file_info: bool = False) -> dict[str, Any]:
        """Serve a file, and return it as Slack describes it in a message's ``files``.

        ``check_file_info``: as a file shared from another organisation (Slack Connect) arrives —
        its id and ``"file_access": "check_file_info"`` only; files.info tells the rest."""
        with self._lock:
            file_id = f"F{len(self.files) + 1:08d}"
            info = {
                "id": file_id, "name": name, "title": name, "mimetype": content_type,
                "filetype": name.rsplit(".", 1)[-1], "size": len(data) if size is None else size,
                "url_private": f"{self.origin}/files-pri/{file_id}/{quote(name)}",
                "url_private_download": f"{self.origin}/files/{file_id}/download/{quote(name)}",
            }
            self.files[file_id] = Hosted(data, content_type, login_page, redirect, info=info)
        if check_file_info:
            return {"id": file_id, "mode": "file_access", "file_access": "check_file_info"}
        return dict(info)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- reading what happened ----------------------------------------------------------------
    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def in_place(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        """Messages posted in a channel (and, given thread_ts, in that thread), in order."""
        with self._lock:
            return [m for m in self.messages if m.channel == channel
                    and (thread_ts is None or m.thread_ts == thread_ts)]

    def modal(self, view_id: str) -> dict[str, Any]:
        """A modal as last opened or updated."""
        with self._lock:
            return next(v for v in self.modals if v["id"] == view_id)

    def uploaded(self, channel: str | None = None) -> list[Upload]:
        with self._lock:
            return [u for u in self.uploads.values() if u.completed and (channel is None or u.channel == channel)]

    def wait(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        """Wait until ``predicate()`` is truthy (listeners finish after the ack); its value."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or predicate}; calls: {self.methods_unlocked()}")
                self._lock.wait(min(left, 0.2))

    def methods_unlocked(self) -> list[str]:
        return [c.method for c in self.calls]

    # --- serving ------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _next_ts(self) -> str:
        self._ts += 1
        return f"1700000000.{self._ts:06d}"

    def _take_failure(self, method: str) -> Failure | None:
        with self._lock:
            failure = self.failures.get(method)
            if failure is None or failure.times <= 0:
                return None
            failure.times -= 1
            return failure

    def _refusal(self, method: str, p: dict[str, Any]) -> Refusal | None:
        """What Slack would refuse in these arguments (its Block Kit and size limits)."""
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            return message_refusal(p.get("text"), _json(p.get("blocks")))
        if method in ("views.publish", "views.open", "views.update", "views.push"):
            return view_refusal(_json(p.get("view")))
        return None

    def _api(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        refusal = self._refusal(method, p)
        if refusal is not None:
            with self._lock:
                self.refused.append((method, refusal))
            return refusal.response()
        with self._lock:
            if method == "auth.test":
                return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "team_id": TEAM,
                        "user": "declbot", "user_id": BOT_USER, "bot_id": BOT_ID}
            if method == "chat.postMessage":
                m = Message(p["channel"], self._next_ts(), p.get("text", ""), _json(p.get("blocks")) or [],
                            p.get("thread_ts"))
                self.messages.append(m)
                return {"ok": True, "channel": m.channel, "ts": m.ts,
                        "message": {"text": m.text, "blocks": m.blocks, "ts": m.ts}}
            if method == "chat.update":
                for m in self.messages:
                    if m.channel == p["channel"] and m.ts == p["ts"]:
                        m.text, m.blocks = p.get("text", m.text), _json(p.get("blocks")) or m.blocks
                        m.updates += 1
                        return {"ok": True, "channel": m.channel, "ts": m.ts}
                return {"ok": False, "error": "message_not_found"}
            if method == "views.publish":
                self._views += 1
                user = p["user_id"]
                view_id = (self.views.get(user) or {}).get("id") or f"VH{self._views:06d}"
                self.views[user] = {**_json(p["view"]), "id": view_id, "hash": f"{self._views}.{view_id}"}
                return {"ok": True, "view": self.views[user]}
            if method in ("views.open", "views.push"):
                if not p.get("trigger_id"):
                    return {"ok": False, "error": "invalid_trigger_id"}
                self._views += 1
                view = {**_json(p["view"]), "id": f"VM{self._views:06d}", "hash": f"{self._views}.m"}
                self.modals.append(view)
                return {"ok": True, "view": view}
            if method == "views.update":
                found = next((n for n, v in enumerate(self.modals) if v["id"] == p.get("view_id")), None)
                if found is None:
                    return {"ok": False, "error": "not_found"}
                if p.get("hash") and p["hash"] != self.modals[found]["hash"]:
                    return {"ok": False, "error": "hash_conflict"}
                self._views += 1
                self.modals[found] = {**_json(p["view"]), "id": p["view_id"], "hash": f"{self._views}.m"}
                return {"ok": True, "view": self.modals[found]}
            if method == "files.info":
                hosted = self.files.get(str(p.get("file", "")))
                if hosted is None:
                    return {"ok": False, "error": "file_not_found"}
                return {"ok": True, "file": dict(hosted.info)}
            if method == "conversations.open":
                user = str(p.get("users", "")).split(",")[0]
                return {"ok": True, "channel": {"id": "D" + user.lstrip("U")}}
            if method == "files.getUploadURLExternal":
                file_id = f"FUP{len(self.uploads) + 1:06d}"
                self.uploads[file_id] = Upload(file_id, p.get("filename", ""), int(p.get("length", 0)))
                return {"ok": True, "file_id": file_id, "upload_url": f"{self.origin}/upload/v1/{file_id}"}
            if method == "files.completeUploadExternal":
                done = []
                for f in _json(p["files"]):
                    upload = self.uploads[f["id"]]
                    upload.title = f.get("title", "")
                    upload.channel = p.get("channel_id") or str(p.get("channels", "")).split(",")[0]
                    upload.thread_ts = p.get("thread_ts")
                    upload.initial_comment = p.get("initial_comment", "")
                    upload.completed = True
                    done.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
                return {"ok": True, "files": done}
            return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes | dict[str, Any], ctype: str = "application/json",
                      headers: dict[str, str] | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._handle(b"")

            def do_POST(self) -> None:
                self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _handle(self, raw: bytes) -> None:
                url = urlsplit(self.path)
                params: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
                ctype = self.headers.get("Content-Type", "")
                if url.path.startswith("/upload/"):
                    pass  # raw file bytes, whatever the content type says
                elif raw and ctype.startswith("application/json"):
                    params.update(json.loads(raw))
                elif raw and ctype.startswith("application/x-www-form-urlencoded"):
                    params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                path = url.path
                method = path.removeprefix("/api/") if path.startswith("/api/") else path
                reply = self._respond(path, method, params, raw)
                # Recorded once its effect is visible, so that waiting on a call is enough.
                fake._record(Call(method, params, dict(self.headers), raw))
                self._send(*reply)

            def _respond(self, path: str, method: str, params: dict[str, Any], raw: bytes) -> Reply:
                if path.startswith("/upload/v1/"):  # files_upload_v2 step 2: raw bytes, no token
                    with fake._lock:
                        fake.uploads[path.rsplit("/", 1)[1]].data = raw
                    return 200, f"OK - {len(raw)}".encode(), "text/plain", {}
                if path.startswith("/respond/"):
                    with fake._lock:
                        fake.responses.append(json.loads(raw or b"{}"))
                    return 200, b"ok", "text/plain", {}
                if path.startswith("/files/"):
                    return self._file(path.split("/")[2])
                if not path.startswith("/api/"):
                    return 404, {"ok": False, "error": "not_found"}, "application/json", {}
                if not self.headers.get("Authorization", "").startswith("Bearer xoxb-"):
                    return 200, {"ok": False, "error": "invalid_auth"}, "application/json", {}
                time.sleep(fake.delays.get(method, 0.0))
                failure = fake._take_failure(method)
                if failure is not None:
                    if failure.error:
                        return 200, {"ok": False, "error": failure.error}, "application/json", {}
                    return (failure.status, {"ok": False, "error": "ratelimited"}, "application/json",
                            {"Retry-After": str(failure.retry_after)})
                return 200, fake._api(method, params), "application/json", {}

            def _file(self, file_id: str) -> Reply:
                hosted = fake.files.get(file_id)
                if hosted is None:
                    return 404, b"not found", "text/plain", {}
                hosted.fetches.append({"authorization": self.headers.get("Authorization", "")})
                if hosted.redirect:
                    return 302, b"", "text/plain", {"Location": hosted.redirect}
                if hosted.login_page or self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                    return 200, LOGIN_PAGE, "text/html; charset=utf-8", {}
                return 200, hosted.data, hosted.content_type, {}

        return Handler


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
