"""Requests nobody should send, against the real ``declbot serve --http`` (gunicorn, a worker of
its own so that its memory can be read): an oversized body is refused with 413 before it is read,
the worker's memory stays where it was, malformed headers get 401 and never a traceback, and no
request body reaches the log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.server import MAX_BODY_BYTES
from tests.fake_slack import FakeSlack
from tests.slack_harness import SECRET, Endpoint, ServeProcess, dm_of, new_user, stream_post, unique

MARKER = b"BODY-MARKER-7f3a"
MB = 1 << 20


@pytest.fixture(scope="module")
def process(fake_api: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    served = ServeProcess.on_sqlite(fake_api, tmp_path_factory.mktemp("hostile"))  # its own worker
    yield served
    served.stop()


@pytest.fixture
def endpoint(process: ServeProcess, slack: FakeSlack) -> Endpoint:
    return Endpoint(process.base, slack)


def worker_pid(master: int) -> int:
    """The gunicorn worker (the master's only child)."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            children.append(int(status.parent.name))
    assert len(children) == 1, children
    return children[0]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the most it ever was) of a process, in kB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def pieces(total: int, size: int = 256 << 10) -> Iterator[bytes]:
    chunk = (MARKER * (size // len(MARKER) + 1))[:size]
    for start in range(0, total, size):
        yield chunk[: min(size, total - start)]


def unsigned(**headers: str) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64, **headers}


def test_a_60_mb_post_gets_413_before_it_is_read_and_memory_stays_put(process: ServeProcess) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc to read a process's memory from")
    worker = worker_pid(process.process.pid)
    before = memory_kb(worker)
    total = 60 * MB
    answer = stream_post(process.base, "/slack/events", unsigned(**{"Content-Length": str(total)}),
                         pieces(total))
    after = memory_kb(worker)
    assert answer.status == 413 and json.loads(answer.body) == {"error": "request too large"}
    assert answer.sent < total  # answered while the body was still on its way
    grown_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    print(f"worker RSS {before['VmRSS'] / 1024:.1f} MB before, {after['VmRSS'] / 1024:.1f} MB after, "
          f"peak {after['VmHWM'] / 1024:.1f} MB; {answer.sent / MB:.1f} of 60 MB sent before the 413")
    assert after["VmRSS"] - before["VmRSS"] < 8 * 1024 and grown_mb < 8, (before, after)
    assert worker_pid(process.process.pid) == worker  # the same worker, alive


def test_a_chunked_body_is_read_to_the_cap_and_no_further(process: ServeProcess) -> None:
    total = 8 * MB
    answer = stream_post(process.base, "/slack/events", unsigned(), pieces(total, 64 << 10))
    assert answer.status == 413 and answer.sent < total
    # At the cap (unsigned, so refused for its signature): a body up to the cap is read.
    at_cap = stream_post(process.base, "/slack/events", unsigned(), pieces(MAX_BODY_BYTES, 64 << 10))
    assert (at_cap.status, at_cap.sent) == (401, MAX_BODY_BYTES)
    over = stream_post(process.base, "/slack/events", unsigned(**{"Content-Length": str(MAX_BODY_BYTES + 1)}),
                       pieces(MAX_BODY_BYTES + 1, 64 << 10))
    assert over.status == 413


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "12.5", "\u00b2", "9" * 5000, "-1", " 12", "0x10"])
def test_a_malformed_timestamp_gets_401(process: ServeProcess, timestamp: str) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": MARKER.decode()}})
    answer = stream_post(process.base, "/slack/events",
                         {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp,
                          "X-Slack-Signature": "v0=abc", "Content-Length": str(len(body))}, [body.encode()])
    assert answer.status == 401 and json.loads(answer.body) == {"error": "invalid request"}


@pytest.mark.parametrize("body", [b"payload=%7Bnot json", b"{not json", b"\xff\xfe not utf-8", b"payload="])
def test_garbage_gets_401_unsigned_and_400_signed(endpoint: Endpoint, process: ServeProcess, body: bytes) -> None:
    headers = unsigned(**{"Content-Length": str(len(body))})
    assert stream_post(process.base, "/slack/events", headers, [body]).status == 401
    if body.startswith(b"\xff"):
        return  # Slack signs UTF-8 text only
    response = endpoint.post(body.decode(), "application/x-www-form-urlencoded")  # correctly signed
    assert response.status in (200, 400)  # read, or refused as unreadable: never a 500


def test_no_request_body_reaches_the_log(process: ServeProcess, endpoint: Endpoint, slack: FakeSlack) -> None:
    # A person's message, correctly signed, logged at INFO: what they typed is not in the log.
    user = new_user()
    endpoint.exchange(dm_of(user), 2, lambda: endpoint.dm(user, "你好 " + MARKER.decode()))
    bad = json.dumps({"type": "event_callback", "event_id": unique("Ev"), "x": MARKER.decode() * 1000})
    assert endpoint.post(bad, "application/json", secret="not-" + SECRET).status == 401
    big = stream_post(process.base, "/slack/events", unsigned(), pieces(2 * MB, 64 << 10))
    assert big.status == 413
    time.sleep(0.3)
    log = process.log()
    assert MARKER.decode() not in log
    assert "Traceback" not in log
    assert len(log.encode()) < 200_000
    assert "request refused: body over 1048576 bytes" in log and "request refused: not signed by Slack" in log


def test_log_records_are_cut_short() -> None:
    import io
    import logging

    from handlers.server import LOG_RECORD_LIMIT, ShortRecords

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ShortRecords())
    logger = logging.getLogger("test.short_records")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("body: %s", "x" * 1_000_000)
        logger.warning("short %s", "y")
    finally:
        logger.removeHandler(handler)
    first, second = out.getvalue().splitlines()
    assert len(first) < LOG_RECORD_LIMIT + 100 and first.endswith("[998006 characters cut]")
    assert second == "short y"
