"""Fault injection for the end-to-end fault tests (tests/test_faults.py).

* :class:`Workers`: the gunicorn workers of a running ``declbot serve --http`` — which are
  alive, which one owns a given TCP port, killing one (SIGKILL), and steering new connections
  to one worker by freezing the others (SIGSTOP … SIGCONT) while a request is sent.
* :class:`Database`: direct SQL on the test's PostgreSQL schema, never through the app or a
  proxy: the draft and its history as stored, and locks held from outside the app (a claimed
  event id, a conversation's row) to stop a request at a known point while a fault is made.
* :class:`InFlight`: a request sent from a thread, whose connection may break (its worker
  killed) instead of being answered.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from tests.slack_harness import Response


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, poll: float = 0.02) -> Any:
    """Poll until ``predicate()`` is truthy; its value (AssertionError naming ``what`` on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


# --- processes ---------------------------------------------------------------------------------


def live_children(pid: int) -> list[int]:
    """The pids of a process's children that are alive (not zombies), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state not in ("Z", "X"):
            found.append(int(entry.name))
    return sorted(found)


def tcp_ports(pid: int) -> set[int]:
    """The local ports of a process's TCP sockets (its database connections among them)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                link = os.readlink(fd)
                if link.startswith("socket:["):
                    inodes.add(link[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                columns = line.split()
                if len(columns) > 9 and columns[9] in inodes:
                    ports.add(int(columns[1].rsplit(":", 1)[1], 16))
    return ports


class Workers:
    """The worker processes of one gunicorn master."""

    def __init__(self, master: int) -> None:
        self.master = master

    def pids(self) -> list[int]:
        return live_children(self.master)

    def wait(self, count: int, *, without: tuple[int, ...] = (), timeout: float = 30.0) -> list[int]:
        """Wait until ``count`` workers are alive, none of them one of ``without`` (killed ones
        replaced); their pids."""
        return wait_until(
            lambda: (lambda p: p if len(p) == count and not set(p) & set(without) else None)(self.pids()),
            timeout, f"{count} workers (not {without})",
        )

    def owner_of(self, port: int) -> int | None:
        """The worker whose socket has this local port (a database session's client_port)."""
        return next((pid for pid in self.pids() if port in tcp_ports(pid)), None)

    def kill(self, pid: int) -> None:
        """SIGKILL: the worker dies at once, in the middle of whatever it was doing."""
        assert pid in self.pids(), f"{pid} is not a worker of {self.master}"
        os.kill(pid, signal.SIGKILL)

    @contextlib.contextmanager
    def only(self, pid: int) -> Iterator[None]:
        """Connections made inside the block are accepted by worker ``pid``: the others are
        frozen (SIGSTOP) meanwhile and thawed (SIGCONT) on the way out, whatever happens."""
        others = [p for p in self.pids() if p != pid]
        assert pid in self.pids(), f"{pid} is not a worker of {self.master}"
        stopped = []
        try:
            for other in others:
                os.kill(other, signal.SIGSTOP)
                stopped.append(other)
            yield
        finally:
            for other in stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(other, signal.SIGCONT)

    def thaw_all(self) -> None:
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


# --- requests ----------------------------------------------------------------------------------


class InFlight:
    """A request sent from its own thread: answered (:attr:`response`) or broken (:attr:`error`,
    e.g. the connection reset when the worker holding it was killed)."""

    def __init__(self, send: Callable[[], Response], *, start: threading.Event | None = None) -> None:
        self.response: Response | None = None
        self.error: BaseException | None = None
        self._send = send
        self._start = start
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._start is not None:
            self._start.wait()
        try:
            self.response = self._send()
        except BaseException as e:  # recorded for the test
            self.error = e

    def join(self, timeout: float = 20.0) -> InFlight:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the request got neither an answer nor an error"
        return self

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None


# --- the database ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One history row: who changed which field to what."""

    actor: str
    path: str
    new: Any


class Hold:
    """A transaction held open from outside the app (see :meth:`Database.hold`)."""

    def __init__(self, db: Database, conn: Connection) -> None:
        self.db = db
        self.conn = conn
        self.backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

    def blocked(self) -> list[int]:
        """The client ports of the sessions waiting for this transaction's locks, directly or
        behind another waiter (PostgreSQL queues a second waiter for a row behind the first)."""
        with self.db.engine.connect() as conn:  # a fresh snapshot of pg_stat_activity each time
            rows = conn.execute(text(
                "SELECT pid, client_port, pg_blocking_pids(pid) FROM pg_stat_activity"
                " WHERE cardinality(pg_blocking_pids(pid)) > 0"
            )).all()
        waiting, found = {self.backend}, True
        while found:
            found = False
            for pid, _port, blockers in rows:
                if pid not in waiting and waiting & set(blockers):
                    waiting.add(pid)
                    found = True
        return sorted(port for pid, port, _ in rows if pid in waiting and port is not None)

    def wait_blocked(self, count: int, timeout: float = 10.0) -> list[int]:
        """Wait until ``count`` sessions wait for this transaction; their client ports."""
        return wait_until(lambda: (lambda b: b if len(b) >= count else None)(self.blocked()),
                          timeout, f"{count} database sessions waiting for the held lock")


class Database:
    """Direct access to the test's schema (``url`` is the real server, not a proxy)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def hold(self, sql: str, **params: Any) -> Iterator[Hold]:
        """Run ``sql`` in a transaction kept open for the block (its locks held), then roll it
        back: a request of the app that needs those locks waits meanwhile."""
        with self.engine.connect() as conn:
            conn.begin()
            try:
                conn.execute(text(sql), params)
                yield Hold(self, conn)
            finally:
                conn.rollback()

    def hold_claim(self, event_id: str) -> contextlib.AbstractContextManager[Hold]:
        """The event id being claimed by someone else, not yet committed: a request claiming it
        waits (before Slack gets its answer)."""
        return self.hold("INSERT INTO processed_events (event_id, at) VALUES (:e, now())", e=event_id)

    def hold_conversation(self, key: str) -> contextlib.AbstractContextManager[Hold]:
        """The conversation's row locked: a turn of it waits (after Slack got its answer)."""
        return self.hold("SELECT key FROM conversations WHERE key = :k FOR UPDATE", k=key)

    def form(self, owner: str) -> dict[str, Any] | None:
        """The header (every field but the task and indicator tables) of the owner's most
        recently changed draft, as stored (JSON)."""
        with self.engine.connect() as conn:
            raw = conn.execute(
                text("SELECT header_json FROM drafts WHERE owner = :o ORDER BY updated_at DESC, id DESC"),
                {"o": owner},
            ).scalar()
        return None if raw is None else json.loads(raw)

    def history(self, owner: str) -> list[Row]:
        """Every history row of the owner's drafts, in the order they were written."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT h.actor, h.path, h.new_json FROM history h JOIN drafts d ON d.id = h.draft_id"
                     " WHERE d.owner = :o ORDER BY h.id"),
                {"o": owner},
            )
            return [Row(actor, path, json.loads(new)) for actor, path, new in rows]
