"""Load benchmark of the Slack app: many people drafting at once through signed HTTP requests.

Run:  .venv/bin/python bench/bench_load.py [--workers 1 2] [--loads 4 8 16] [--rounds N]
          [--retries N] [--quiet-wait S] [--patience S] [--postgres URL] [--max-seconds S]
          [--logs DIR] [--no-pin]

What runs (all on 127.0.0.1):

* a fake Slack Web API in this process (tests/fake_slack.FakeSlack, its listen backlog raised)
  that also records, per channel, when each chat.postMessage and each finished upload
  (files.completeUploadExternal, the last of files_upload_v2's three calls) reached it;
* ``declbot serve --http --workers W`` for each W of --workers (gunicorn, gthread, Bolt's Flask
  adapter) on PostgreSQL, in a schema of its own that is dropped afterwards (URL from
  --postgres, else $BENCH_DATABASE_URL, $TEST_DATABASE_URL, else the local default);
* the bare app (bench/bare_app.py) with the same W: the same gunicorn server, options, Flask
  adapter, Web API client and listener pool, with listeners that only ack and post one reply
  — the floor of this stack.

**Pinning.** On a machine with at least 2 usable cores, this process (the load generator and
the fake Slack) is pinned to the first core (``os.sched_setaffinity``, before any thread
starts) and every server (``declbot serve`` and the bare app, with all their gunicorn workers)
to the others (``taskset -c``), so that the workers' CPU is not shared with the harness.
PostgreSQL is a system service and is not pinned: it runs where the scheduler puts it.
--no-pin turns this off.

All servers are started at once and each is warmed up (2 × W people walk once, untimed: every
worker has loaded the matcher, opened its database connections, …). Then, ``--rounds`` times,
for each load K of --loads, every variant × W runs in turn (the order reversed in odd rounds),
so that a change in machine load hits all of them alike; the servers not under test idle.

A run: K people, each in a DM channel of their own (a fresh user id), at once. Each sends the
turns of the seed form (../shared/seed/*.txt, read with read_text) as a person would: an
opening 「你好」, every step of tests/walk_script.walk_script (text as signed ``message``
event_callback requests with a unique event_id; button choices as signed block_actions
payloads for the button on the bot's message, as tests/slack_harness.py builds them), then
「导出」: 82 turns per person. A person sends a turn only when the previous one is complete.
Requests open a new connection each (as tests/slack_harness.py does), so any worker may take
any request.

* **Reply set of a turn**: the posts the app makes for it. How many is known in advance: the
  same turns are first run through the engine itself on a scratch SQLite file (the "twin",
  tests/slack_harness.Twin), and ``posts_for`` (+ the number of workbooks) turns its replies
  into messages — 2 for the opening (greeting, first question), 1 for each step, and for the
  export the uploaded workbook. A turn is complete when that many posts (uploads) have
  reached the fake in the person's channel; then the next turn is sent. The bare app posts
  exactly 1 per turn.
* **Latency** of a turn: from just before its request is sent to the arrival, at the fake, of
  the first post of its reply set (for the export: the finished upload); ``time.monotonic()``
  on both ends, in this process. "ack" is the HTTP response time of the request itself.
* **Turns per second**: all turns of the run ÷ (last turn complete − first request sent).
* **Lost / applied twice**, checked after each run (after a 1 s settle): every turn got its
  reply set and no more (posts per channel = the twin's count; the bare app's replies, which
  name the event they answer, are all distinct); and for declbot, in the database (read with
  bot.store.Store, conversation key ``handlers.places.dm_key``): exactly one draft per person,
  equal to the seed form; the conversation's turn counter (``conversations.version``) equal to
  the twin's (one per turn taken); the draft's history rows and change sets (``turn_id``)
  equal in number to the twin's. A turn whose reply set does not arrive within
  --turn-timeout ends that person's walk (counted as lost).

CPU is accounted per run from /proc (utime + stime, plus those of exited children, so that
PostgreSQL backends of connections opened and closed during the run count): the server under
test (gunicorn master and workers), PostgreSQL (every process named ``postgres``), this process
(the load generator's threads, measured with ``time.thread_time``, and the rest: the fake
Slack, which answers every Web API call on a thread of its own), interrupts (irq + softirq of
/proc/stat: loopback TCP), and the rest of the machine ("other": /proc/stat busy time minus
all those; other people's work on a shared machine). Percentages are of one core (a 2-core
machine has 200 %). PostgreSQL sessions opened and transactions per turn come from
pg_stat_database (the whole database: another client of it is counted too). PostgreSQL's CPU
is also given for the server's own backends alone ("pg own": the connections the server opens
carry an application_name of their own, found in pg_stat_activity before and after the run),
since other clients of the same PostgreSQL (on a shared machine) are in "every process named
postgres".

Per turn (ms of CPU per turn taken): the workers (gunicorn master and workers), PostgreSQL, the
harness (load generator + fake Slack: this process) and interrupts; other work on the machine
is shown apart and counted in none of them. From them, the scaling the CPU budget allows: one core of workers carries 1000 ÷ (worker CPU
ms per turn) turns/s; 2 workers at the goal's 1.7× the rate of 1 need that many cores for the
workers plus the CPU of PostgreSQL and the harness at that rate; the output says how many
cores that is and why 2 cores cannot show it.

On a shared machine: before each run the script waits up to --quiet-wait seconds for the
machine to be nearly idle, and a run during which other work used more than 20 % of a core is
repeated up to --retries times; the least disturbed attempt is kept (all are printed). All the
waiting and repeating together is bounded by --patience seconds (60), so that the defaults
take about 3 minutes however busy the machine is; once it is spent, runs go ahead and a
disturbed one is kept with its note.

This process runs the engine once (the twin) after ``bot.engine.warm_up()``, as the server
does (matchers built, long-lived objects frozen); the garbage collector is frozen again
afterwards (``gc.freeze()``) so that full collections, which would pause the fake and the load
generator alike, stay short. The bare app freezes its own long-lived objects too.

Goals: p99 within 2× of the bare app at the same load and worker count (issue 11; issue 5
asked 1.5×); 2 workers ≥ 1.7× the turns per second of 1 (issue 5); no turn lost or applied
twice.

Bounded: every request times out after 15 s, every turn after --turn-timeout, and no run is
started (no turn sent) after --max-seconds.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from common import (
    ROOT,
    header,
    ms,
    percentile,
    postgres_base_url,
    postgres_reachable,
    postgres_url,
    postgres_version,
    seed_file,
    table,
    usable_cores,
    versions,
)
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.conversation import split_choice
from bot.engine import warm_up
from bot.store import Store
from form_model.importers import read_text
from form_model.models import Form
from handlers.places import dm_key
from tests.fake_slack import BOT_TOKEN, TEAM, FakeSlack, Message
from tests.slack_harness import (
    SECRET,
    Endpoint,
    Response,
    Twin,
    dm_of,
    free_port,
    new_user,
    posts_for,
    wait_http,
)
from tests.walk_script import walk_script

P99_GOAL = 2.0  # p99(declbot) ÷ p99(bare), at most (issue 11)
SCALE_GOAL = 1.7  # turns/s(2 workers) ÷ turns/s(1 worker), at least
REQUEST_TIMEOUT = 15.0
SETTLE_SECONDS = 1.0
LISTEN_BACKLOG = 1024
BUSY_ELSEWHERE = 20.0  # % of a core used by other work that earns a run a note
QUIET_THRESHOLD = 15.0  # % of a core: a machine busier than this before a run is waited for
GREETING = "你好"
EXPORT = "导出"

# --------------------------------------------------------------------------------------------
# The fake Slack, recording when replies arrive


@dataclass(frozen=True)
class Arrival:
    """A reply that reached the fake: a posted message, or a finished upload."""

    at: float  # time.monotonic() when the call reached the fake
    kind: str  # "post" | "upload"
    text: str
    message: Message | None  # the fake's record of a post (chat.update changes it in place)


class RecordingSlack(FakeSlack):
    """FakeSlack that also keeps, per channel, the arrival time of each post and upload."""

    def __init__(self) -> None:
        self._arrived = threading.Condition()
        self._arrivals: dict[str, list[Arrival]] = {}
        super().__init__()
        # socketserver listens with a backlog of 5: a burst of Web API calls overflows it, the
        # kernel drops the SYNs and the clients retry a second later. Linux takes a new backlog
        # from a second listen().
        self.server.socket.listen(LISTEN_BACKLOG)

    def reset(self) -> None:
        super().reset()
        with self._arrived:
            self._arrivals = {}

    def _api(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        at = time.monotonic()
        result = super()._api(method, p)
        if not result.get("ok"):
            return result
        if method == "chat.postMessage":
            channel = str(result["channel"])
            with self._lock:
                message = next(m for m in reversed(self.messages) if m.ts == result["ts"])
            arrival = Arrival(at, "post", message.text, message)
        elif method == "files.completeUploadExternal":
            channel = str(p.get("channel_id") or str(p.get("channels", "")).split(",")[0])
            arrival = Arrival(at, "upload", str(p.get("initial_comment", "")), None)
        else:
            return result
        with self._arrived:
            self._arrivals.setdefault(channel, []).append(arrival)
            self._arrived.notify_all()
        return result

    def arrivals(self, channel: str) -> list[Arrival]:
        with self._arrived:
            return list(self._arrivals.get(channel, ()))

    def wait_arrivals(self, channel: str, count: int, timeout: float) -> list[Arrival] | None:
        """The channel's arrivals once there are at least ``count``; None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                got = self._arrivals.get(channel, ())
                if len(got) >= count:
                    return list(got)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._arrived.wait(left)


@dataclass
class Sent(Response):
    """A request's response, and when it was sent (time.monotonic())."""

    sent: float = 0.0


class LoadEndpoint(Endpoint):
    """tests/slack_harness.Endpoint, noting when each signed request leaves."""

    def post(self, raw: str, content_type: str, *, headers: dict[str, str] | None = None,
             secret: str | None = None, timestamp: int | None = None) -> Sent:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=stamp, body=raw)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": signature, **(headers or {})}
        request = urllib.request.Request(self.url, data=raw.encode(), headers=all_headers, method="POST")
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as r:
                body = r.read().decode()
                return Sent(r.status, body, time.monotonic() - sent, sent)
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            return Sent(e.code, body, time.monotonic() - sent, sent)


# --------------------------------------------------------------------------------------------
# The servers


class Served:
    """A server subprocess (``declbot serve --http`` or the bare app), logging to a file."""

    def __init__(self, name: str, command: list[str], workers: int, env: dict[str, str],
                 log_path: Path, cores: Sequence[int] = ()) -> None:
        self.name = name
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        pin = ["taskset", "-c", ",".join(str(c) for c in cores)] if cores else []
        self.process = subprocess.Popen(
            [*pin, *command, "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_http(self.base + "/healthz", 60, lambda: self.process.poll() is None)
        except Exception as e:
            self.stop()
            raise RuntimeError(f"{name} did not start: {e}\n{self.log_tail()}") from e

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)  # gunicorn's graceful timeout is 30 s
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


#: The application_name of the server's PostgreSQL connections: finds its backends.
SERVER_APP_NAME = "declbot-bench-load-server"


def server_database_url(url: str) -> str:
    """The benchmark's database URL, its connections named so that their backends are found."""
    return make_url(url).update_query_dict({"application_name": SERVER_APP_NAME}).render_as_string(
        hide_password=False)


@dataclass(frozen=True)
class Pinning:
    """Which cores the harness (this process) and the servers run on; empty: not pinned."""

    harness: tuple[int, ...] = ()
    servers: tuple[int, ...] = ()
    why_not: str = ""

    @classmethod
    def plan(cls, wanted: bool) -> Pinning:
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        if not wanted:
            return cls(why_not="--no-pin")
        if len(cores) < 2:
            return cls(why_not=f"{len(cores)} usable core(s)")
        if shutil.which("taskset") is None:
            return cls(why_not="taskset not found")
        return cls((cores[0],), tuple(cores[1:]))

    def apply(self) -> None:
        """Pin this process (its threads started from now on inherit it)."""
        if self.harness:
            os.sched_setaffinity(0, self.harness)

    def describe(self) -> str:
        if not self.harness:
            return f"not pinned ({self.why_not}): everything shares every core"
        return (f"load generator + fake Slack (this process) on core {_cores(self.harness)}; "
                f"servers (workers) on core {_cores(self.servers)}; PostgreSQL not pinned")


def _cores(cores: Sequence[int]) -> str:
    return ",".join(str(c) for c in cores)


def server_env(fake: FakeSlack, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k != "DATABASE_URL"}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url,
               PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def declbot_command() -> list[str]:
    declbot = Path(sys.executable).with_name("declbot")
    return [str(declbot), "serve", "--http"] if declbot.exists() else [sys.executable, "-m", "app", "serve", "--http"]


def bare_command() -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("bare_app.py"))]


# --------------------------------------------------------------------------------------------
# CPU accounting from /proc

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Proc(NamedTuple):
    parent: int
    name: str
    started: int  # clock ticks after boot: tells a process from a later one with the same pid
    cpu: float  # CPU seconds used so far: its own and its exited children's (see processes)


def processes() -> dict[int, Proc]:
    """Every process, from /proc/<pid>/stat. A process's CPU includes that of its children that
    have exited (cutime + cstime): PostgreSQL backends of connections opened and closed during a
    run are thereby charged to the postmaster, not lost."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                data = f.read()
        except OSError:
            continue
        name = data[data.index("(") + 1: data.rindex(")")]
        fields = data[data.rindex(")") + 2:].split()  # fields[0] is field 3 of proc(5)
        out[int(entry)] = Proc(int(fields[1]), name, int(fields[19]),
                               sum(int(v) for v in fields[11:15]) / CLK_TCK)
    return out


def machine_busy() -> tuple[float, float]:
    """CPU seconds the whole machine has spent busy (all cores; /proc/stat), and of those in
    interrupts (irq + softirq: loopback TCP is processed there, charged to no process)."""
    with open("/proc/stat", encoding="utf-8") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    return (total - values[3] - values[4]) / CLK_TCK, (values[5] + values[6]) / CLK_TCK


def listen_overflows() -> int:
    """Connections the kernel dropped because a listen queue was full (TcpExt ListenOverflows;
    the client retries its SYN a second later)."""
    try:
        with open("/proc/net/netstat", encoding="utf-8") as f:
            lines = [line.split() for line in f]
    except OSError:
        return 0
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names and names[0] == "TcpExt:" and "ListenOverflows" in names:
            return int(values[names.index("ListenOverflows")])
    return 0


@dataclass
class CpuSnapshot:
    at: float
    busy: float
    irq: float
    procs: dict[int, Proc]
    overflows: int

    @classmethod
    def take(cls) -> CpuSnapshot:
        return cls(time.monotonic(), *machine_busy(), processes(), listen_overflows())


def descendants(procs: dict[int, Proc], root: int) -> set[int]:
    found = {root}
    grew = True
    while grew:
        more = {pid for pid, p in procs.items() if p.parent in found and pid not in found}
        found |= more
        grew = bool(more)
    return found & procs.keys()


def cpu_used(before: CpuSnapshot, after: CpuSnapshot, pids: set[int]) -> float:
    """CPU seconds used between the snapshots by these processes (one started in between:
    all of its own; one that ended in between is not seen)."""
    used = 0.0
    for pid in pids & after.procs.keys():
        now, then = after.procs[pid], before.procs.get(pid)
        used += now.cpu - (then.cpu if then is not None and then.started == now.started else 0.0)
    return used


@dataclass
class CpuShares:
    """Percent of one core, averaged over a run."""

    machine: float
    server: float
    postgres: float
    generator: float
    fake: float
    other: float
    server_ms_per_turn: float
    overflows: int
    irq: float = 0.0
    others: list[tuple[str, float]] = field(default_factory=list)  # busiest other processes
    #: CPU ms per turn of everything the run needs: server, PostgreSQL, this process (the load
    #: generator and the fake Slack) and interrupts (loopback TCP).
    total_ms_per_turn: float = 0.0
    #: CPU ms per turn by group: PostgreSQL (every postgres process), PostgreSQL backends of the
    #: server's own connections, the harness (this process: load generator + fake Slack),
    #: interrupts (loopback TCP) and other work on the machine (not the run's).
    pg_ms_per_turn: float = 0.0
    pg_own_ms_per_turn: float = 0.0
    harness_ms_per_turn: float = 0.0
    irq_ms_per_turn: float = 0.0
    other_ms_per_turn: float = 0.0
    pg_own: float = 0.0  # % of a core


def cpu_shares(before: CpuSnapshot, after: CpuSnapshot, server: Served, idle: Sequence[Served],
               generator_seconds: float, turns: int,
               pg_own_pids: AbstractSet[int] = frozenset()) -> CpuShares:
    seconds = after.at - before.at
    busy = after.busy - before.busy
    server_pids = descendants(after.procs, server.process.pid)
    pg_pids = {pid for pid, p in after.procs.items() if p.name == "postgres"}
    server_cpu = cpu_used(before, after, server_pids)
    pg = cpu_used(before, after, pg_pids)
    pg_own = cpu_used(before, after, set(pg_own_pids) & pg_pids)
    me = cpu_used(before, after, {os.getpid()})
    fake = max(0.0, me - generator_seconds)
    irq = after.irq - before.irq
    other = max(0.0, busy - server_cpu - pg - me - irq)

    def pct(value: float) -> float:
        return 100 * value / seconds if seconds > 0 else 0.0

    # The rest of the machine's busiest: the idle server of the other variant by that name.
    labels = {pid: f"idle {s.name} ({s.workers}w) server" for s in idle for pid in descendants(after.procs, s.process.pid)}
    rest: dict[str, float] = {}
    for pid in after.procs.keys() - server_pids - pg_pids - {os.getpid()}:
        label = labels.get(pid) or f"{after.procs[pid].name}[{pid}]"
        rest[label] = rest.get(label, 0.0) + cpu_used(before, after, {pid})
    busiest = sorted(((k, pct(v)) for k, v in rest.items() if pct(v) >= 1), key=lambda kv: -kv[1])
    def per_turn(value: float) -> float:
        return 1000 * value / turns if turns else 0.0

    return CpuShares(pct(busy), pct(server_cpu), pct(pg), pct(generator_seconds), pct(fake),
                     pct(other), per_turn(server_cpu), after.overflows - before.overflows, pct(irq),
                     busiest[:4], per_turn(server_cpu + pg + me + irq), per_turn(pg),
                     per_turn(pg_own), per_turn(me), per_turn(irq), per_turn(other), pct(pg_own))


class PgCounters:
    """Sessions opened and transactions committed or rolled back in the whole database
    (pg_stat_database; any other client of the same database is counted too)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)

    def read(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(text(
                "SELECT sessions, xact_commit + xact_rollback FROM pg_stat_database "
                "WHERE datname = current_database()")).one()
        return int(row[0]), int(row[1])

    def server_backends(self) -> set[int]:
        """Pids of the backends of the servers' connections (their application_name)."""
        with self.engine.connect() as conn:
            return set(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                    {"name": SERVER_APP_NAME}).scalars())

    def close(self) -> None:
        self.engine.dispose()


def wait_for_quiet(limit: float, threshold: float) -> float:
    """Wait (at most ``limit`` seconds) until the machine, our idle servers included, is
    below ``threshold`` % of one core busy over half a second; the last such reading."""
    deadline = time.monotonic() + limit
    while True:
        busy0, at0 = machine_busy()[0], time.monotonic()
        time.sleep(0.5)
        busy = 100 * (machine_busy()[0] - busy0) / (time.monotonic() - at0)
        if busy < threshold or time.monotonic() >= deadline:
            return busy


# --------------------------------------------------------------------------------------------
# The script every person follows, and what the app must do for it


@dataclass(frozen=True)
class Step:
    text: str = ""
    choice: str | None = None
    posts: int = 1  # the reply set: messages posted …
    uploads: int = 0  # … and workbooks uploaded

    @property
    def replies(self) -> int:
        return self.posts + self.uploads


@dataclass(frozen=True)
class Facts:
    """What the database holds for one person's conversation."""

    version: int  # turns taken
    drafts: int
    form: Form | None
    history_rows: int
    change_sets: int


class _ReadOnly(Exception):
    """Raised inside a store turn so that it is rolled back: reading leaves no trace."""


def conversation_facts(store: Store, key: str, owner: str) -> Facts | None:
    if not store.has_conversation(key):
        return None
    drafts = len(store.drafts_of(owner))
    facts: Facts | None = None
    try:
        with store.turn(key, owner) as st:
            draft = st.draft()
            history = draft.history(limit=1_000_000) if draft else []
            facts = Facts(st.version, drafts, draft.form()[0] if draft else None, len(history),
                          len({h.turn_id for h in history}))
            raise _ReadOnly
    except _ReadOnly:
        pass
    return facts


def plan_turns(form: Form, directory: Path) -> tuple[list[Step], Facts]:
    """The person's turns with their reply sets, and the database facts after them, from the
    engine itself on a scratch SQLite file."""
    twin = Twin(directory / "twin.sqlite3")
    user = "UTWIN"
    try:
        steps: list[Step] = []

        def take(sent: Step, engine_text: str | None = None) -> None:
            replies = twin.turn(user, text=sent.text if engine_text is None else engine_text,
                                choice=sent.choice)
            steps.append(Step(sent.text, sent.choice, posts_for(replies),
                              sum(1 for r in replies if r.file is not None)))

        take(Step(GREETING), engine_text="")  # the app takes a first 「你好」 as a greeting
        for step in walk_script(form):
            take(Step(step.text, step.choice))
        take(Step(EXPORT))
        facts = conversation_facts(twin.store, "twin", f"user:{user}")
    finally:
        twin.close()
    if facts is None or facts.form != form or facts.drafts != 1 or steps[-1].uploads != 1:
        raise RuntimeError("the twin engine did not draft the seed form and export it")
    return steps, facts


# --------------------------------------------------------------------------------------------
# One person, one run


@dataclass
class PersonResult:
    user: str
    latencies: list[float] = field(default_factory=list)  # ms, per completed turn
    acks: list[float] = field(default_factory=list)  # ms
    first_sent: float = 0.0
    finished: float = 0.0
    turns: int = 0
    replies_expected: int = 0
    problem: str | None = None
    stopped: bool = False  # the walk was stopped by --max-seconds (nothing lost)
    cpu: float = 0.0  # this thread's CPU seconds


def button_message(variant: str, arrivals: list[Arrival], channel: str, value: str) -> Message:
    """The bot message whose button the person clicks (a step's button carries the id of the
    question that offered it: 「task.more:task~12」). The bare app's replies have no buttons:
    its last reply gets one (the payload has the same shape)."""
    if variant == "declbot":
        for arrival in reversed(arrivals):
            message = arrival.message
            if message is not None and any(split_choice(str(b.get("value", "")))[0] == value
                                           for b in message.buttons()):
                return message
        raise LookupError(f"no message with a {value!r} button in {channel}")
    last = arrivals[-1].message
    assert last is not None
    button = {"type": "button", "action_id": "bare_choice", "value": value,
              "text": {"type": "plain_text", "text": value}}
    return Message(channel, last.ts, last.text,
                   [{"type": "actions", "block_id": "bare", "elements": [button]}])


def walk_person(variant: str, endpoint: LoadEndpoint, fake: RecordingSlack, user: str,
                steps: Sequence[Step], start: threading.Barrier, stop_at: float,
                turn_timeout: float, out: PersonResult) -> None:
    channel = dm_of(user)
    seen = 0
    try:
        start.wait()
        for n, step in enumerate(steps):
            if time.monotonic() > stop_at:
                out.problem = f"stopped at turn {n + 1}: --max-seconds reached"
                out.stopped = True
                return
            expected = step.replies if variant == "declbot" else 1
            if step.choice:
                message = button_message(variant, fake.arrivals(channel), channel, step.choice)
                response = endpoint.click(user, message, step.choice)
            else:
                response = endpoint.dm(user, step.text)
            if n == 0:
                out.first_sent = response.sent
            if response.status != 200:
                out.problem = f"turn {n + 1}: HTTP {response.status} {response.body[:100]!r}"
                return
            out.acks.append(response.elapsed * 1000)
            arrived = fake.wait_arrivals(channel, seen + expected, turn_timeout)
            if arrived is None:
                out.problem = f"turn {n + 1} ({step.choice or step.text[:20]!r}): reply set not " \
                              f"complete after {turn_timeout:.0f} s"
                return
            out.latencies.append((arrived[seen].at - response.sent) * 1000)
            seen += expected
            out.turns += 1
            out.replies_expected = seen
            out.finished = arrived[seen - 1].at
    except Exception as e:  # a failed request ends this person's walk; reported, not raised
        out.problem = f"{type(e).__name__}: {e}"
    finally:
        out.cpu = time.thread_time()


# --------------------------------------------------------------------------------------------
# A run: K people at once


@dataclass
class RunResult:
    variant: str
    workers: int
    people: int
    round: int
    turns: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    problems: list[str] = field(default_factory=list)
    cpu: CpuShares | None = None
    quiet_before: float | None = None  # the machine's busy % of a core just before the run
    waited: float = 0.0  # seconds spent waiting for a quiet machine before it
    pg_sessions: float | None = None  # PostgreSQL sessions opened per turn
    pg_transactions: float | None = None  # PostgreSQL transactions per turn

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds > 0 else 0.0


def run_load(variant: str, server: Served, fake: RecordingSlack, steps: Sequence[Step],
             people: int, *, round_no: int, stop_at: float, turn_timeout: float,
             store: Store | None, twin: Facts | None, seed: Form, idle: Sequence[Served] = (),
             quiet: tuple[float, float] | None = None,
             counters: PgCounters | None = None) -> RunResult:
    """K people walk at once; ``quiet``: (seconds, % of a core) to wait for a quiet machine."""
    fake.reset()
    waiting = time.monotonic()
    quiet_before = wait_for_quiet(*quiet) if quiet else None
    waited = time.monotonic() - waiting
    # The server's backends before the run (read before the counters, so that this reading's
    # own session and transaction are not in their difference).
    pg_own = counters.server_backends() if counters and variant == "declbot" else set()
    pg_before = counters.read() if counters else None
    endpoint = LoadEndpoint(server.base, fake)
    users = [new_user() for _ in range(people)]
    results = [PersonResult(u) for u in users]
    start = threading.Barrier(people + 1)
    threads = [threading.Thread(target=walk_person, name=f"person-{u}",
                                args=(variant, endpoint, fake, u, steps, start, stop_at,
                                      turn_timeout, r), daemon=True)
               for u, r in zip(users, results, strict=True)]
    for t in threads:
        t.start()
    before = CpuSnapshot.take()
    start.wait()
    for t in threads:
        t.join(timeout=max(1.0, stop_at - time.monotonic()) + turn_timeout + REQUEST_TIMEOUT + 5)
    after = CpuSnapshot.take()
    run = RunResult(variant, server.workers, people, round_no)
    done = [r for r in results if r.turns]
    run.turns = sum(r.turns for r in results)
    if done:
        run.seconds = max(r.finished for r in done) - min(r.first_sent for r in done)
    run.latencies = [x for r in results for x in r.latencies]
    run.acks = [x for r in results for x in r.acks]
    run.quiet_before = quiet_before
    run.waited = waited
    for r, t in zip(results, threads, strict=True):
        if t.is_alive():
            run.problems.append(f"{r.user}: still walking after the run's time limit")
        if r.problem:
            run.problems.append(f"{r.user}: {r.problem}")
            run.lost += 1 if r.turns < len(steps) and not r.stopped else 0
    time.sleep(SETTLE_SECONDS)  # a late or doubled reply would arrive now
    if counters and pg_before and run.turns:
        sessions, transactions = counters.read()
        # Each reading opens a session of its own: the first one is counted in the second.
        run.pg_sessions = (sessions - pg_before[0] - 1) / run.turns
        run.pg_transactions = (transactions - pg_before[1] - 1) / run.turns
    if counters and variant == "declbot":
        pg_own |= counters.server_backends()
    run.cpu = cpu_shares(before, after, server, idle, sum(r.cpu for r in results), run.turns, pg_own)
    for r in results:
        check_person(run, variant, fake, r, steps, store, twin, seed)
    return run


def check_person(run: RunResult, variant: str, fake: RecordingSlack, person: PersonResult,
                 steps: Sequence[Step], store: Store | None, twin: Facts | None, seed: Form) -> None:
    """Every turn answered once: the replies in the channel, and for declbot the database."""
    user = person.user
    arrivals = fake.arrivals(dm_of(user))
    extra = len(arrivals) - person.replies_expected
    if extra > 0:
        run.doubled += extra
        run.problems.append(f"{user}: {extra} reply(ies) more than its {person.turns} turns call for")
    if variant == "bare":
        texts = [a.text for a in arrivals]
        if len(set(texts)) != len(texts):
            run.doubled += len(texts) - len(set(texts))
            run.problems.append(f"{user}: the bare app answered one request twice")
        return
    assert store is not None and twin is not None
    if person.turns < len(steps):
        return  # its walk was cut short (already counted as lost)
    facts = conversation_facts(store, dm_key(TEAM, user), f"user:{user}")
    if facts is None:
        run.lost += len(steps)
        run.problems.append(f"{user}: no conversation in the database")
        return
    if facts.version != twin.version:
        if facts.version < twin.version:
            run.lost += twin.version - facts.version
        else:
            run.doubled += facts.version - twin.version
        run.problems.append(f"{user}: {facts.version} turns taken in the database, "
                            f"{twin.version} sent")
    if facts.drafts != 1 or facts.form != seed:
        run.problems.append(f"{user}: {facts.drafts} draft(s); the active one "
                            f"{'equals' if facts.form == seed else 'differs from'} the seed")
    if (facts.history_rows, facts.change_sets) != (twin.history_rows, twin.change_sets):
        run.problems.append(f"{user}: history has {facts.history_rows} rows in {facts.change_sets} "
                            f"change sets, expected {twin.history_rows} in {twin.change_sets}")


# --------------------------------------------------------------------------------------------
# Output


def run_row(run: RunResult) -> list[object]:
    cpu = run.cpu
    assert cpu is not None
    lat = run.latencies or [0.0]
    acks = run.acks or [0.0]
    return [
        run.variant, run.workers, run.people, run.round + 1, run.turns, f"{run.seconds:.1f}",
        f"{run.rate:.1f}", ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(max(lat)),
        ms(percentile(acks, 99)), f"{run.lost}/{run.doubled}",
        f"{cpu.machine:.0f}", f"{cpu.server:.0f}", f"{cpu.postgres:.0f}",
        f"{cpu.pg_own:.0f}" if run.variant == "declbot" else "-", f"{cpu.generator:.0f}",
        f"{cpu.fake:.0f}", f"{cpu.irq:.0f}", f"{cpu.other:.0f}", f"{cpu.server_ms_per_turn:.1f}",
        f"{cpu.total_ms_per_turn:.1f}", cpu.overflows,
        "-" if run.pg_transactions is None else f"{run.pg_transactions:.1f}",
        "-" if run.pg_sessions is None else f"{run.pg_sessions:.2f}",
    ]


RUN_HEADERS = ["variant", "workers", "K", "round", "turns", "s", "turns/s", "p50 ms", "p99 ms",
               "max ms", "ack p99 ms", "lost/dup", "CPU% all", "server", "postgres", "pg own", "loadgen",
               "fake", "irq", "other", "server CPU ms/turn", "all CPU ms/turn", "SYN drops",
               "PG xacts/turn", "PG sessions/turn"]


@dataclass
class Combined:
    """All rounds of one variant × workers × K."""

    runs: list[RunResult]

    @property
    def rate(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return sum(r.turns for r in self.runs) / seconds if seconds > 0 else 0.0

    @property
    def latencies(self) -> list[float]:
        return [x for r in self.runs for x in r.latencies] or [0.0]

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)

    def mean(self, pick: Callable[[CpuShares], float]) -> float:
        shares = [pick(r.cpu) for r in self.runs if r.cpu is not None]
        return sum(shares) / len(shares) if shares else 0.0


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def summarize(runs: list[RunResult], workers: Sequence[int], loads: Sequence[int],
              pinning: Pinning, cores: int) -> None:
    if not runs:
        print("\nNo run was measured.")
        return
    groups: dict[tuple[str, int, int], Combined] = {}
    for run in runs:
        groups.setdefault((run.variant, run.workers, run.people), Combined([])).runs.append(run)
    order = sorted(groups.items(), key=lambda i: (i[0][1], i[0][2], i[0][0] != "declbot"))
    rows = []
    for (variant, w, k), c in order:
        lat = c.latencies
        lost = sum(r.lost for r in c.runs)
        dup = sum(r.doubled for r in c.runs)
        rows.append([variant, w, k, len(c.runs), sum(r.turns for r in c.runs), f"{c.rate:.1f}",
                     ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(max(lat)),
                     f"{lost}/{dup}", f"{c.mean(lambda u: u.machine):.0f}",
                     f"{c.mean(lambda u: u.server):.0f}", f"{c.mean(lambda u: u.other):.0f}",
                     f"{c.mean(lambda u: u.server_ms_per_turn):.1f}",
                     f"{c.mean(lambda u: u.total_ms_per_turn):.1f}"])
    print()
    print(table(["variant", "workers", "K", "runs", "turns", "turns/s", "p50 ms", "p99 ms",
                 "max ms", "lost/dup", "CPU% all", "CPU% server", "CPU% other",
                 "server CPU ms/turn", "all CPU ms/turn"], rows,
                title="Summary (all rounds pooled: turns/s = turns ÷ seconds, percentiles over all turns)"))
    print()
    print(table(["variant", "workers", "K", "workers ms", "workers' core %", "PostgreSQL ms",
                 "of it the server's backends ms", "harness ms", "interrupts ms", "run's total ms",
                 "other work ms"],
                [[variant, w, k, f"{c.mean(lambda u: u.server_ms_per_turn):.2f}",
                  f"{c.mean(lambda u: u.server) / max(1, len(pinning.servers) or cores) :.0f}",
                  f"{c.mean(lambda u: u.pg_ms_per_turn):.2f}",
                  f"{c.mean(lambda u: u.pg_own_ms_per_turn):.2f}" if variant == "declbot" else "-",
                  f"{c.mean(lambda u: u.harness_ms_per_turn):.2f}",
                  f"{c.mean(lambda u: u.irq_ms_per_turn):.2f}",
                  f"{c.mean(lambda u: u.total_ms_per_turn):.2f}",
                  f"{c.mean(lambda u: u.other_ms_per_turn):.2f}"] for (variant, w, k), c in order],
                title="CPU per turn by process group (ms of CPU per turn taken; workers' core % = "
                      "the servers' CPU ÷ the cores they may use; harness = load generator + fake "
                      "Slack; run's total = workers + PostgreSQL + harness + interrupts; other "
                      "work = the rest of the machine, not the run's)"))

    print(f"\nGoal: p99(declbot) ÷ p99(bare) ≤ {P99_GOAL:g} at the same load")
    for w in workers:
        for k in loads:
            ours, bare = groups.get(("declbot", w, k)), groups.get(("bare", w, k))
            if ours and bare and bare.p99 > 0:
                r = ours.p99 / bare.p99
                print(f"  {w} worker(s), K={k}: {ms(ours.p99)} ÷ {ms(bare.p99)} ms = {r:.2f}×  "
                      f"{verdict(r <= P99_GOAL)}  (server CPU per turn: declbot "
                      f"{ours.mean(lambda u: u.server_ms_per_turn):.1f} ms, bare "
                      f"{bare.mean(lambda u: u.server_ms_per_turn):.1f} ms)")
    if 1 in workers and any(w > 1 for w in workers):
        print(f"Goal: turns/s(2 workers) ÷ turns/s(1 worker) ≥ {SCALE_GOAL:g} (declbot; bare for comparison)")
        for variant in ("declbot", "bare"):
            for w in (w for w in workers if w > 1):
                for k in loads:
                    one, many = groups.get((variant, 1, k)), groups.get((variant, w, k))
                    if one and many and one.rate > 0:
                        r = many.rate / one.rate
                        goal = f"  {verdict(r >= SCALE_GOAL)}" if variant == "declbot" and w == 2 else ""
                        print(f"  {variant}, K={k}: {w} workers {many.rate:.1f} ÷ 1 worker "
                              f"{one.rate:.1f} turns/s = {r:.2f}×{goal}")
    budget(groups, loads, pinning, cores)
    lost = sum(r.lost for r in runs)
    dup = sum(r.doubled for r in runs)
    print(f"Goal: no turn lost or applied twice: {lost} lost, {dup} applied twice  "
          f"{verdict(lost == 0 and dup == 0)}")


def budget(groups: dict[tuple[str, int, int], Combined], loads: Sequence[int], pinning: Pinning,
           cores: int) -> None:
    """The scaling the CPU budget allows, from one worker's CPU per turn, and why this machine
    cannot show it."""
    print("\nThe scaling the CPU budget allows (declbot, 1 worker)")
    worst_cores = 0.0
    example: tuple[float, float, float, float, float] | None = None
    for k in loads:
        one = groups.get(("declbot", 1, k))
        if not one or not one.rate:
            continue
        worker = one.mean(lambda u: u.server_ms_per_turn)
        pg = one.mean(lambda u: u.pg_ms_per_turn)
        harness = one.mean(lambda u: u.harness_ms_per_turn)
        rest = one.mean(lambda u: u.irq_ms_per_turn)
        per_core = 1000 / worker if worker else 0.0
        target = SCALE_GOAL * one.rate
        need = target * (worker + pg + harness + rest) / 1000
        need_workers = target * worker / 1000
        worst_cores = max(worst_cores, need, 2 + 2 * per_core * (pg + harness + rest) / 1000)
        print(f"  K={k}: 1 worker {one.rate:.0f} turns/s at {worker:.2f} ms of worker CPU per turn "
              f"(+ PostgreSQL {pg:.2f}, harness {harness:.2f}, interrupts {rest:.2f}): one core of "
              f"workers carries {per_core:.0f} turns/s; 2 workers at {SCALE_GOAL:g}× = {target:.0f} "
              f"turns/s need {need_workers:.2f} cores of workers and {need:.2f} cores in all; 2 "
              f"workers each saturating a core ({2 * per_core:.0f} turns/s) need "
              f"{2 + 2 * per_core * (pg + harness + rest) / 1000:.2f} cores in all")
        example = example or (one.rate, worker, pg, harness, rest)
    if example is None:
        return
    rate, worker, pg, harness, rest = example
    others = pg + harness + rest
    per_core = 1000 / worker if worker else 0.0
    if pinning.servers:
        where = (f"pinned, the workers have {len(pinning.servers)} core(s) of the {cores}: a second "
                 f"worker on the same core only shares it, so 2 workers carry at most one core's "
                 f"{per_core:.0f} turns/s (1000 ÷ {worker:.2f} ms)")
    else:
        where = (f"unpinned, workers, PostgreSQL and the harness share {cores} cores and a turn "
                 f"costs {worker + others:.2f} ms of CPU in all, so the machine carries at most "
                 f"{cores * 1000 / (worker + others):.0f} turns/s")
    print("\nREADME-ready: why 2-worker scaling cannot be shown on this machine\n")
    print(f"A worker is one Python process bound by its GIL: it can use one core. Measured here, "
          f"one worker takes {worker:.2f} ms of CPU per turn, so one core of workers carries about "
          f"{per_core:.0f} turns/s, and two workers {2 * per_core:.0f}. Each turn also costs "
          f"{pg:.2f} ms of PostgreSQL, {harness:.2f} ms of the load generator and fake Slack and "
          f"{rest:.2f} ms of interrupts (loopback TCP): {others:.2f} ms in all outside the workers. "
          f"On {cores} cores, {where}. Showing that 2 workers carry ≥ {SCALE_GOAL:g}× the turns/s of "
          f"one needs 2 cores for the workers alone plus about "
          f"{2 * per_core * others / 1000:.1f} cores for PostgreSQL, the harness and the kernel at "
          f"that rate: at least {worst_cores:.1f} cores, i.e. a {max(4, int(-(-worst_cores // 1)))}-core "
          f"machine with the workers pinned apart.")


# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="gunicorn worker counts to measure (1 2)")
    parser.add_argument("--loads", type=int, nargs="+", default=[4, 8, 16],
                        help="people drafting at once (4 8 16)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each variant × workers × K")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (a schema is created)")
    parser.add_argument("--turn-timeout", type=float, default=30.0,
                        help="seconds a turn's reply set may take before the walk is abandoned")
    parser.add_argument("--max-seconds", type=float, default=540.0,
                        help="no run is started and no turn sent after this (540)")
    parser.add_argument("--patience", type=float, default=60.0,
                        help="seconds in all for waiting for a quiet machine and repeating "
                             "disturbed runs (60)")
    parser.add_argument("--quiet-wait", type=float, default=15.0,
                        help="seconds to wait before each run for other work on the machine to "
                             f"calm down (below {QUIET_THRESHOLD:.0f} %% of a core; 0: no wait)")
    parser.add_argument("--retries", type=int, default=2,
                        help="times a run disturbed by other work on the machine (over "
                             f"{BUSY_ELSEWHERE:.0f} %% of a core) is repeated; the least disturbed "
                             "attempt is kept (2)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="keep the servers' logs in this directory (default: discarded)")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not pin the harness and the servers to cores of their own")
    args = parser.parse_args()
    began = time.monotonic()
    stop_at = began + args.max_seconds

    header("bench_load: many people drafting at once through the Slack app (HTTP, gunicorn)")
    cores = usable_cores()
    pinning = Pinning.plan(not args.no_pin)
    pinning.apply()  # before any thread starts: the fake's and the people's threads inherit it
    print("cores:", pinning.describe())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("versions:", versions("gunicorn", "Flask", "slack_bolt", "slack_sdk", "SQLAlchemy", "psycopg"))

    path = seed_file()
    if path is None:
        return 0
    seed = read_text(path.read_text("utf-8"))
    pg = postgres_base_url(args.postgres)
    if (why := postgres_reachable(pg)) is not None:
        print(f"SKIPPED: PostgreSQL {make_url(pg).render_as_string()} unreachable ({why})")
        return 0
    print("PostgreSQL:", postgres_version(pg), "on", make_url(pg).host)

    runs: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="declbot-load-") as scratch:
        directory = Path(scratch)
        warm_up()  # as the server does: the twin below runs the engine
        steps, twin = plan_turns(seed, directory)
        print(f"each person: {len(steps)} turns ({sum(1 for s in steps if s.choice)} of them button "
              f"clicks), {sum(s.posts for s in steps)} posts + {sum(s.uploads for s in steps)} upload; "
              f"history {twin.history_rows} rows in {twin.change_sets} change sets")
        gc.collect()
        gc.freeze()
        logs = args.logs or directory
        logs.mkdir(parents=True, exist_ok=True)
        fake = RecordingSlack()
        try:
            with postgres_url(pg) as url:
                runs = measure(args, fake, steps, twin, seed, url, logs, stop_at, pinning)
        finally:
            fake.close()

    print()
    print(table(RUN_HEADERS, [run_row(r) for r in runs], title="Runs (the one kept of each attempt)"))
    print("CPU% columns: percent of one core over the run (200 = both cores of a 2-core machine); "
          "pg own = the PostgreSQL backends of the server's own connections, loadgen = the "
          "simulated people's threads, fake = the rest of this process (the fake Slack), irq = "
          "interrupts (loopback TCP), other = the rest of the machine")
    summarize(runs, args.workers, args.loads, pinning, cores)
    print(f"\ntotal {time.monotonic() - began:.0f} s")
    return 0


@dataclass
class Patience:
    """Seconds left for waiting for a quiet machine and for running disturbed runs again."""

    left: float

    @property
    def spent(self) -> bool:
        return self.left <= 0

    def take(self, seconds: float) -> None:
        self.left = max(0.0, self.left - seconds)


def measure(args: argparse.Namespace, fake: RecordingSlack, steps: list[Step], twin: Facts,
            seed: Form, url: str, logs: Path, stop_at: float, pinning: Pinning) -> list[RunResult]:
    """Start every server, warm each up, then run every variant × workers × K, interleaved."""
    runs: list[RunResult] = []
    servers: dict[tuple[str, int], Served] = {}
    store = Store(url)
    counters = PgCounters(url)
    patience = Patience(args.patience)
    try:
        for w in args.workers:
            servers["declbot", w] = Served("declbot", declbot_command(), w,
                                           server_env(fake, server_database_url(url)),
                                           logs / f"declbot-{w}.log", pinning.servers)
            servers["bare", w] = Served("bare", bare_command(), w, server_env(fake, None),
                                        logs / f"bare-{w}.log", pinning.servers)
        for (variant, w), server in servers.items():
            warm = run_load(variant, server, fake, steps, 2 * w, round_no=-1, stop_at=stop_at,
                            turn_timeout=args.turn_timeout, store=store, twin=twin, seed=seed)
            print(f"warm-up {variant}, {w} worker(s): {warm.turns} turns in {warm.seconds:.1f} s"
                  + (f"; PROBLEMS: {warm.problems[:3]}" if warm.problems else ""), flush=True)
        print("  ".join(RUN_HEADERS))
        for round_no in range(args.rounds):
            for k in args.loads:
                order = [(v, w) for w in args.workers for v in ("declbot", "bare")]
                for variant, w in order if round_no % 2 == 0 else order[::-1]:
                    if time.monotonic() > stop_at:
                        print(f"SKIPPED {variant} {w} worker(s) K={k}: --max-seconds reached")
                        continue
                    server = servers[variant, w]
                    idle = [s for s in servers.values() if s is not server]
                    kept: RunResult | None = None
                    for attempt in range(1 + args.retries):
                        if attempt and (time.monotonic() > stop_at or patience.spent):
                            if patience.spent:
                                print("  (--patience spent: not run again)")
                            break
                        started = time.monotonic()
                        run = run_load(variant, server, fake, steps, k, round_no=round_no,
                                       stop_at=stop_at, turn_timeout=args.turn_timeout,
                                       store=store, twin=twin, seed=seed, idle=idle,
                                       quiet=(min(args.quiet_wait, patience.left), QUIET_THRESHOLD),
                                       counters=counters)
                        # A first attempt spends patience on waiting beyond the one reading of
                        # the machine (0.5 s); a repeated one, all of its time.
                        patience.take(max(0.0, run.waited - 0.5) if not attempt
                                      else time.monotonic() - started)
                        report_run(run, server)
                        assert run.cpu is not None
                        if kept is None or kept.cpu is None or run.cpu.other < kept.cpu.other:
                            kept = run
                        if run.cpu.other <= BUSY_ELSEWHERE or run.problems:
                            break
                        print("  (disturbed by other work: run again)")
                    if kept is not None:
                        runs.append(kept)
                        if kept.cpu and kept.cpu.other > BUSY_ELSEWHERE:
                            print(f"  kept the least disturbed attempt ({kept.cpu.other:.0f} % other)")
        print(f"waiting for a quiet machine and repeating disturbed runs: "
              f"{args.patience - patience.left:.0f} s of --patience {args.patience:.0f} s")
    finally:
        for server in servers.values():
            server.stop()
        store.close()
        counters.close()
    return runs


def report_run(run: RunResult, server: Served) -> None:
    print("  ".join(str(c) for c in run_row(run)), flush=True)
    if run.cpu and run.cpu.other > BUSY_ELSEWHERE:
        busiest = ", ".join(f"{name} {p:.0f} %" for name, p in run.cpu.others)
        print(f"  NOTE: the rest of the machine used {run.cpu.other:.0f} % of a core during this "
              f"run (busiest still running at its end: {busiest or 'none'}); busy just before "
              f"it: {run.quiet_before or 0:.0f} %")
    for problem in run.problems[:5]:
        print(f"  PROBLEM: {problem}")
    if run.problems:
        print(f"  log tail of {server.name} ({server.workers} worker(s)):\n{server.log_tail(15)}")


if __name__ == "__main__":
    raise SystemExit(main())
