"""Benchmark of one conversation turn as drafts grow: a turn's cost must not grow with the form.

Run:  .venv/bin/python bench/bench_turn.py [--rounds N] [--form-rounds N] [--warmup N]
          [--postgres URL | --no-postgres] [--profile] [--top N]

Drafts: the seed form (../shared/seed, skipped with a message when missing) and generated
forms (``common.scaled_form``) of 10 tasks / 50 indicators, 50 / 400 and 200 / 2,000. The
generated forms' 预算年度 is left empty, as the seed's is, so that the question after 部门名称
is an empty one at every size and every size walks exactly alike.

Backends: SQLite (a file in a temporary directory) and PostgreSQL (a schema of its own,
dropped afterwards; --postgres, else $BENCH_DATABASE_URL, $TEST_DATABASE_URL, else the local
default; skipped with a message when unreachable). Per backend one ``Store`` and one
``Engine`` hold every draft, each in a conversation (and for a person) of its own, created
through ``Store.turn(…).new_draft(form=…)``. ``bot.engine.warm_up()`` runs first, as in every
long-lived process; the benchmark's own forms are then frozen out of the garbage collector's
way too (the server does not hold them).

Turns (each starts from a fixed position set untimed through the store, so that every size
does the same thing; values alternate so that every writing turn really writes):

* ``answer``: 部门名称 answered where it is asked; the walk moves on to 预算年度 (empty). This
  is the issue's one-field answer.
* ``labelled``: 「基本支出：…」 typed while 预算年度 is asked.
* ``indicator``: 「<三级指标>：<value>」 changing both values of an existing indicator (the last
  产出指标 › 数量指标 row with a count).
* ``help``: 「帮助」 (saves the conversation's state; the draft is not written).
* ``edit``: the answer to 「修改 基本支出」 (the 修改 turn itself untimed); the walk returns to
  预算年度.

Whole-form operations as a person sees them (fewer rounds): the check turn (「表格完整吗」
through ``Engine.handle``: the turn, then its job: the draft read in a transaction of its own,
checked, its summary kept, the offers recorded), the export turn (「导出」: workbook written,
form checked), the App Home (``overview``, the listing from kept summaries, and
``refresh_summaries`` after a turn made the summary stale: it checks the draft again), and
without a database: import (``load_bytes`` of the exported workbook), ``check`` (parse caches
warm, as in the bot) and ``write_form``.

The floor, in the same rounds: a bare one-row read-and-write transaction in the same database
(lock the row: ``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite as the
store does; read a JSON text the size of the conversation's state, change it, write it back,
commit), through SQLAlchemy Core on the store's own engine (statements built once) and through
the raw driver (psycopg 3 / sqlite3).

Per call:

* CPU of this process (``time.process_time``) and wall time (``time.perf_counter``), in ms;
* PostgreSQL server CPU: the CPU time (``/proc/<pid>/schedstat``, ns) of every backend whose
  connection was checked out during the call (its pid from psycopg's ``info.backend_pid`` in
  a pool checkout listener), read before and after the call: needs the server on this machine
  (else n/a). It is the backend's own work; WAL writer, checkpointer and the rest are not in
  it. ``wait`` = wall − client CPU − server CPU (network, fsync, scheduling);
* round trips: statements seen by a ``before_cursor_execute`` listener on the store's engine,
  plus, for every transaction that ran a statement, its COMMIT (or ROLLBACK) and on PostgreSQL
  its BEGIN (psycopg sends it before the first statement; on SQLite the store's BEGIN IMMEDIATE
  is a statement already). On SQLite these are calls into the library, not network trips.

Every call runs with the garbage collector collected before it, never inside it; rounds go
round-robin over backends × drafts × operations (the order rotated each round) so that
machine noise hits all alike; figures are medians. Goals (issue 11): an answer on a
2,000-indicator draft ≤ 1.3× the same answer on the seed; a seed turn ≤ 3 ms of server CPU
on PostgreSQL and ≤ 2× the bare transaction. With --profile (and whenever the 1.3× goal is
missed) turns (--profile-kinds, default the answer) are profiled with cProfile on the seed and on
the largest draft: time by layer, by function, and what the larger draft spends more.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from common import (
    ROOT,
    header,
    ms,
    percentile,
    postgres_chosen,
    postgres_url,
    postgres_version,
    scaled_form,
    seed_file,
    sqlite_url,
    table,
    versions,
)
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    event,
    select,
    update,
)
from sqlalchemy.engine import make_url

from bot.engine import Engine as BotEngine
from bot.engine import overview, refresh_summaries, warm_up
from bot.messages import msg
from bot.state import Pos, load_state
from bot.store import Store
from bot.store.store import _WRITE_OPTION  # the store's "BEGIN IMMEDIATE" on SQLite
from bot.types import Reply, Turn
from form_model.checker import check
from form_model.exporter import write_form
from form_model.importers import FormReadError, load_bytes, read_text
from form_model.models import Form, Indicator

GENERATED = ((10, 50), (50, 400), (200, 2000))
GROWTH_GOAL = 1.3  # answer turn on 2,000 indicators ÷ on the seed, at most
SERVER_GOAL_MS = 3.0  # a seed turn's PostgreSQL server CPU, at most
FLOOR_GOAL = 2.0  # … and ÷ the bare transaction's, at most
FLOORS_PER_ROUND = 3
INTERNAL_ERROR = msg("zh", "internal_error")
NOT_RECORDED = "未记录"  # in every refusal of bot/messages.py (not_taken, item_not_taken, …)
DEPARTMENTS = ("广州市对口支援协作办公室", "广州市东西部协作办公室")
AMOUNTS = (("1234.56", "1,234.56"), ("1234.57", "1,234.57"))
EDIT_AMOUNTS = (("2345.67", "2,345.67"), ("2345.68", "2,345.68"))
COUNT_VALUE = re.compile(r"^(≥|≤|>|<|＞|＜)?(\d+)([^\d%.].*)$")
TURNS = ("answer", "labelled", "indicator", "help", "edit")
FORM_OPS = ("check turn", "export turn", "refresh_summaries", "overview")
PURE_OPS = ("import (load_bytes)", "check", "write_form")

# --------------------------------------------------------------------------------------------
# What one call costs


@dataclass(frozen=True)
class Sample:
    cpu: float  # ms of this process
    wall: float  # ms
    server: float | None  # ms of PostgreSQL backend CPU (None: SQLite, or not readable)
    trips: int  # round trips (statements + BEGIN/COMMIT)


def backend_cpu_ns(pid: int) -> int | None:
    """A process's time on the CPU so far (ns), from /proc/<pid>/schedstat; None if unreadable."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Probe:
    """Round trips and PostgreSQL server CPU of the calls made through one SQLAlchemy engine
    (and of raw connections whose backend is registered with :meth:`add_backend`)."""

    def __init__(self, engine: Engine | None) -> None:
        self.postgres = engine is not None and engine.dialect.name == "postgresql"
        self.trips = 0
        self.new_backends = 0  # connections first checked out during a call (warm-up missed them)
        self._begun: set[int] = set()  # transactions that have not run a statement yet
        self._running: set[int] = set()  # transactions that have
        self._pids: set[int] = set()
        self._before: dict[int, int] | None = None
        self.server_readable = False
        if engine is not None:
            event.listen(engine, "begin", self._on_begin)
            event.listen(engine, "before_cursor_execute", self._on_execute)
            event.listen(engine, "commit", self._on_end)
            event.listen(engine, "rollback", self._on_end)
            if self.postgres:
                event.listen(engine, "checkout", self._on_checkout)

    def _on_begin(self, conn: Any) -> None:
        self._begun.add(id(conn))

    def _on_execute(self, conn: Any, *_args: Any) -> None:
        self.trips += 1
        key = id(conn)
        if key in self._begun:
            self._begun.discard(key)
            self._running.add(key)
            if self.postgres:
                self.trips += 1  # psycopg's BEGIN before the transaction's first statement

    def _on_end(self, conn: Any) -> None:
        key = id(conn)
        self._begun.discard(key)
        if key in self._running:
            self._running.discard(key)
            self.trips += 1

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        self.add_backend(dbapi_connection.info.backend_pid)

    def add_backend(self, pid: int) -> None:
        if pid in self._pids:
            return
        self._pids.add(pid)
        now = backend_cpu_ns(pid)
        self.server_readable = self.server_readable or now is not None
        if self._before is not None and now is not None:
            self._before[pid] = now
            self.new_backends += 1

    def start(self) -> None:
        self.trips = 0
        if self.postgres:
            self._before = {pid: ns for pid in self._pids if (ns := backend_cpu_ns(pid)) is not None}

    def stop(self) -> tuple[int, float | None]:
        """(round trips, server CPU ms) since :meth:`start`."""
        if self._before is None:
            return self.trips, None
        time.sleep(0.0005)  # let the backend finish what it does after its last reply
        used = 0
        for pid, before in self._before.items():
            now = backend_cpu_ns(pid)
            if now is not None:
                used += now - before
        self._before = None
        return self.trips, used / 1e6 if self.server_readable else None


def sample(func: Callable[[], Any], probe: Probe | None, fixed_trips: int = 0) -> tuple[Sample, Any]:
    """One call of ``func``, measured (the garbage collector runs before it, not in it)."""
    gc.collect()
    if probe is not None:
        probe.start()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    out = func()
    wall1, cpu1 = time.perf_counter(), time.process_time()
    trips, server = probe.stop() if probe is not None else (0, None)
    return Sample((cpu1 - cpu0) * 1000, (wall1 - wall0) * 1000, server, trips + fixed_trips), out


@dataclass
class Samples:
    items: list[Sample] = field(default_factory=list)

    def add(self, s: Sample) -> None:
        self.items.append(s)

    def median(self, pick: Callable[[Sample], float | None]) -> float | None:
        values = [v for s in self.items if (v := pick(s)) is not None]
        return statistics.median(values) if values else None

    def p90(self, pick: Callable[[Sample], float | None]) -> float | None:
        values = [v for s in self.items if (v := pick(s)) is not None]
        return percentile(values, 90) if values else None

    @property
    def cpu(self) -> float:
        return self.median(lambda s: s.cpu) or 0.0

    @property
    def wall(self) -> float:
        return self.median(lambda s: s.wall) or 0.0

    @property
    def server(self) -> float | None:
        return self.median(lambda s: s.server)

    @property
    def wait(self) -> float | None:
        """Median of wall − client CPU − server CPU (SQLite: wall − CPU)."""
        return max(0.0, self.median(lambda s: s.wall - s.cpu - (s.server or 0.0)) or 0.0)

    @property
    def trips(self) -> str:
        values = sorted({s.trips for s in self.items})
        if not values:
            return "-"
        if len(values) == 1:
            return str(values[0])
        return f"{statistics.median(s.trips for s in self.items):g} ({values[0]}–{values[-1]})"

    @property
    def trips_median(self) -> float:
        return statistics.median(s.trips for s in self.items) if self.items else 0.0


# --------------------------------------------------------------------------------------------
# The floor: one bare row read and written in one transaction

_floor_meta = MetaData()
floor_table = Table("bench_floor", _floor_meta, Column("id", Integer, primary_key=True),
                    Column("doc", Text, nullable=False))
_FLOOR_READ = select(floor_table.c.doc).where(floor_table.c.id == bindparam("row")).with_for_update()
_FLOOR_WRITE = update(floor_table).where(floor_table.c.id == bindparam("row")).values(
    doc=bindparam("doc"))


def _changed(doc: str) -> str:
    data = json.loads(doc)
    data["question"] = int(data.get("question", 0)) + 1
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class CoreFloor:
    """Through SQLAlchemy Core on the store's own engine (its pool, its SQLite BEGIN IMMEDIATE)."""

    def __init__(self, engine: Engine, doc: str) -> None:
        self.engine = engine
        _floor_meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(floor_table.delete())
            conn.execute(floor_table.insert().values(id=1, doc=doc))

    def __call__(self) -> None:
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                doc = conn.execute(_FLOOR_READ, {"row": 1}).scalar_one()
                conn.execute(_FLOOR_WRITE, {"row": 1, "doc": _changed(doc)})


class RawFloor:
    """Through the driver alone: psycopg 3 or sqlite3, one connection kept open."""

    trips = 4  # BEGIN, SELECT, UPDATE, COMMIT

    def __init__(self, url: str, probe: Probe) -> None:
        u = make_url(url)
        self.postgres = u.get_backend_name() == "postgresql"
        if self.postgres:
            kwargs: dict[str, Any] = {k: v for k, v in u.query.items() if isinstance(v, str)}
            self.pg = psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                                      dbname=u.database, connect_timeout=10, **kwargs)
            probe.add_backend(self.pg.info.backend_pid)
        else:
            self.lite = sqlite3.connect(u.database or "", isolation_level=None, check_same_thread=False)
            for pragma in ("busy_timeout=60000", "foreign_keys=ON", "synchronous=NORMAL"):
                self.lite.execute(f"PRAGMA {pragma}")

    def __call__(self) -> None:
        if self.postgres:
            with self.pg.cursor() as cur:
                cur.execute("SELECT doc FROM bench_floor WHERE id = %s FOR UPDATE", (1,))
                (doc,) = cur.fetchone()  # type: ignore[misc]
                cur.execute("UPDATE bench_floor SET doc = %s WHERE id = %s", (_changed(doc), 1))
            self.pg.commit()
        else:
            cur = self.lite.cursor()
            cur.execute("BEGIN IMMEDIATE")
            (doc,) = cur.execute("SELECT doc FROM bench_floor WHERE id = ?", (1,)).fetchone()
            cur.execute("UPDATE bench_floor SET doc = ? WHERE id = ?", (_changed(doc), 1))
            cur.execute("COMMIT")

    def close(self) -> None:
        if self.postgres:
            self.pg.close()
        else:
            self.lite.close()


# --------------------------------------------------------------------------------------------
# Drafts and conversations


@dataclass
class DraftCase:
    """One draft size: the form, its exported workbook, and the indicator the turns change."""

    label: str
    form: Form
    xlsx: bytes
    indicator: Indicator
    indicator_values: tuple[str, str]
    #: Why load_bytes refuses the exported workbook (None: it reads it back).
    refused: str | None = None

    @property
    def size(self) -> str:
        items = sum(len(t.items) for t in self.form.tasks)
        return f"{len(self.form.tasks)} tasks ({items} sub-rows) / {len(self.form.indicators)} indicators"


def changing_indicator(form: Form) -> tuple[Indicator, tuple[str, str]]:
    """The last 产出指标 › 数量指标 indicator whose value is a count (「78个」, 「≥100人」), and
    two other counts for it."""
    for ind in reversed(form.indicators):
        found = COUNT_VALUE.match(ind.annual_value or "")
        if ind.level2 == "数量指标" and found:
            op, n, unit = found.group(1) or "", int(found.group(2)), found.group(3)
            return ind, (f"{op}{n + 1}{unit}", f"{op}{n + 2}{unit}")
    raise ValueError("no 数量指标 indicator with a count")


def make_draft(label: str, form: Form) -> DraftCase:
    ind, values = changing_indicator(form)
    return DraftCase(label, form, write_form(form), ind, values)


@dataclass
class Backend:
    name: str
    url: str
    store: Store
    engine: BotEngine
    probe: Probe
    core_floor: CoreFloor | None = None
    raw_floor: RawFloor | None = None

    @property
    def postgres(self) -> bool:
        return self.store.backend == "postgresql"


@dataclass
class Subject:
    """One draft in one backend: its conversation, and how many of each turn it has taken."""

    backend: Backend
    case: DraftCase
    user: str
    taken: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def conversation(self) -> str:
        return f"dm:{self.user}"

    @property
    def owner(self) -> str:
        return f"user:{self.user}"

    def send(self, text: str) -> list[Reply]:
        return self.backend.engine.handle(Turn(self.conversation, self.user, text=text))

    def place(self, step: str) -> None:
        """Put the walk at a step (untimed), with no edit in progress."""
        with self.backend.store.turn(self.conversation, self.owner) as st:
            state = load_state(st.state)
            state.pos = Pos(step=step)
            state.scope = state.return_to = state.pending = None
            state.trail = []
            st.state = state.dump()

    def next_of(self, kind: str) -> int:
        n = self.taken.get(kind, 0)
        self.taken[kind] = n + 1
        return n

    def expect(self, kind: str, replies: list[Reply], wanted: str) -> None:
        """The reply says what the turn was meant to do (a value recorded: "<field> = <value>"),
        and nothing was refused."""
        texts = "\n".join(r.text for r in replies)
        if INTERNAL_ERROR in texts or NOT_RECORDED in texts or wanted not in texts:
            problem = f"{kind}: expected {wanted!r} in the reply, got {texts[:200]!r}"
            if len(self.problems) < 5:
                self.problems.append(problem)


def open_backend(name: str, url: str, drafts: Sequence[DraftCase], stack: ExitStack) -> tuple[Backend, list[Subject]]:
    store = Store(url)
    stack.callback(store.close)
    backend = Backend(name, url, store, BotEngine(store), Probe(store._engine))
    subjects = []
    for n, draft in enumerate(drafts):
        subject = Subject(backend, draft, f"UBENCH{n}")
        with store.turn(subject.conversation, subject.owner, user=subject.user) as st:
            st.new_draft(form=draft.form)
        subject.send("")  # the opening turn: the conversation asks 部门名称
        subjects.append(subject)
    # Statistics, as autovacuum keeps them on a live database: without them the planner guesses
    # on tables just filled, and may scan a draft's rows through the wrong index.
    with store._engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    with store.turn(subjects[0].conversation, subjects[0].owner) as st:
        doc = json.dumps(st.state, ensure_ascii=False, separators=(",", ":"))
    backend.core_floor = CoreFloor(store._engine, doc)
    backend.raw_floor = RawFloor(url, backend.probe)
    stack.callback(backend.raw_floor.close)
    return backend, subjects


# --------------------------------------------------------------------------------------------
# The operations


def prepare(subject: Subject, kind: str) -> tuple[str, str]:
    """Put the conversation where a turn of this kind starts (untimed); the text to send and
    what its reply must contain."""
    n = subject.next_of(kind)
    d = subject.case
    if kind == "answer":
        subject.place("department")
        return DEPARTMENTS[n % 2], f"部门名称 = {DEPARTMENTS[n % 2]}"
    subject.place("year")
    if kind == "labelled":
        typed, echoed = AMOUNTS[n % 2]
        return f"基本支出：{typed}", f"基本支出 = {echoed}"
    if kind == "indicator":
        value = d.indicator_values[n % 2]
        return f"{d.indicator.name}：{value}", f"年度指标值 = {value}"
    if kind == "help":
        return "帮助", "可用命令"
    if kind == "edit":
        subject.expect("edit (修改)", subject.send("修改 基本支出"), "修改「")
        typed, echoed = EDIT_AMOUNTS[n % 2]
        return typed, f"基本支出 = {echoed}"
    raise ValueError(kind)


def turn(subject: Subject, kind: str) -> Sample:
    """One measured turn of a kind, from its fixed position."""
    text, wanted = prepare(subject, kind)
    measured, replies = sample(lambda: subject.send(text), subject.backend.probe)
    subject.expect(kind, replies, wanted)
    return measured


def form_op(subject: Subject, op: str) -> Sample:
    store, probe = subject.backend.store, subject.backend.probe
    if op in ("check turn", "export turn"):
        subject.place("year")
        text, wanted = ("表格完整吗", "个错误") if op == "check turn" else ("导出", "已生成正式表格")
        measured, replies = sample(lambda: subject.send(text), probe)
        subject.expect(op, replies, wanted)
        if op == "export turn" and not any(r.file for r in replies):
            subject.problems.append("export turn: no workbook")
        return measured
    if op == "refresh_summaries":
        turn(subject, "labelled")  # a change: the kept summary is now older than the draft
        measured, refreshed = sample(lambda: refresh_summaries(store, subject.user), probe)
        if refreshed != 1:
            subject.problems.append(f"refresh_summaries refreshed {refreshed} drafts, not 1")
        return measured
    if op == "overview":
        measured, listed = sample(lambda: overview(store, subject.user), probe)
        if len(listed) != 1:
            subject.problems.append(f"overview listed {len(listed)} drafts, not 1")
        return measured
    raise ValueError(op)


def pure_op(draft: DraftCase, op: str) -> Sample:
    func: Callable[[], Any] = {
        "import (load_bytes)": lambda: load_bytes(draft.xlsx, "form.xlsx"),
        "check": lambda: check(draft.form),
        "write_form": lambda: write_form(draft.form),
    }[op]
    return sample(func, None)[0]


def rotated(seq: Sequence[Any], n: int) -> list[Any]:
    k = n % len(seq) if seq else 0
    return list(seq[k:]) + list(seq[:k])


Key = tuple[str, str, str]  # backend, draft label, operation


def run_turns(backends: Sequence[Backend], subjects: Sequence[Subject], rounds: int,
              warmup: int) -> dict[Key, Samples]:
    out: dict[Key, Samples] = {}
    for r in range(warmup + rounds):
        keep = r >= warmup
        for subject in rotated(subjects, r):
            for kind in rotated(TURNS, r):
                s = turn(subject, kind)
                if keep:
                    out.setdefault((subject.backend.name, subject.case.label, kind), Samples()).add(s)
        for backend in rotated(backends, r):
            for name, floor, trips in (("floor: SQLAlchemy Core", backend.core_floor, 0),
                                       ("floor: raw driver", backend.raw_floor, RawFloor.trips)):
                assert floor is not None
                for _ in range(FLOORS_PER_ROUND):
                    s = sample(floor, backend.probe, trips)[0]
                    if keep:
                        out.setdefault((backend.name, "", name), Samples()).add(s)
    return out


def run_forms(subjects: Sequence[Subject], drafts: Sequence[DraftCase], rounds: int) -> dict[Key, Samples]:
    out: dict[Key, Samples] = {}
    for r in range(1 + rounds):  # the first round is a warm-up
        for subject in rotated(subjects, r):
            for op in FORM_OPS:
                s = form_op(subject, op)
                if r:
                    out.setdefault((subject.backend.name, subject.case.label, op), Samples()).add(s)
        for draft in rotated(drafts, r):
            for op in PURE_OPS:
                if op == "import (load_bytes)" and draft.refused:
                    continue
                s = pure_op(draft, op)
                if r:
                    out.setdefault(("", draft.label, op), Samples()).add(s)
    return out


# --------------------------------------------------------------------------------------------
# Profiles

_LAYERS = (
    ("/sqlalchemy/", "SQLAlchemy"), ("/psycopg/", "psycopg (with its libpq calls)"),
    ("/pydantic/", "pydantic"), ("/bot/store/", "bot/store"), ("/bot/", "bot (other)"),
    ("/form_model/", "form_model"), ("/json/", "json"),
)
_BUILTIN_LAYERS = (("sqlite3", "sqlite3 (C)"), ("psycopg", "psycopg (C)"), ("pydantic_core", "pydantic"),
                   ("_json", "json"), ("json", "json"), ("_pickle", "pickle"))


DATABASE_LAYERS = ("SQLAlchemy", "psycopg (with its libpq calls)", "psycopg (C)", "sqlite3 (C)",
                   "bot/store")
#: psycopg's functions that block until the server answers: wall time, not CPU.
_WAITING = ("wait", "wait_c", "wait_select", "wait_epoll", "wait_poll")
WAITING = "waiting for the server (not CPU)"


def layer(filename: str, func: str) -> str:
    if "/psycopg/" in filename and func in _WAITING:
        return WAITING
    if filename == "~" and ("poll" in func or "select" in func):
        return WAITING
    if filename == "~":
        return next((name for key, name in _BUILTIN_LAYERS if key in func), "builtins (other)")
    return next((name for key, name in _LAYERS if key in filename), "stdlib / other")


@dataclass
class Profile:
    turns: int
    stats: pstats.Stats

    def per_turn(self) -> dict[tuple[str, int, str], tuple[float, float, int]]:
        """Per function: (own ms, inclusive ms, calls) per turn."""
        raw: dict[Any, Any] = self.stats.stats  # type: ignore[attr-defined]
        return {k: (v[2] * 1000 / self.turns, v[3] * 1000 / self.turns, v[1]) for k, v in raw.items()}

    @property
    def total(self) -> float:
        """ms per turn under the profiler (wall clock)."""
        return sum(own for own, _, _ in self.per_turn().values())

    @property
    def waiting(self) -> float:
        return sum(own for (f, _, func), (own, _, _) in self.per_turn().items()
                   if layer(f, func) == WAITING)

    @property
    def busy(self) -> float:
        """ms per turn of this process's own work (the total less the waits for the server)."""
        return self.total - self.waiting


def profile_turns(subject: Subject, kind: str, turns: int) -> Profile:
    profiler = cProfile.Profile()
    for _ in range(turns):
        text, _wanted = prepare(subject, kind)
        gc.collect()
        profiler.enable()
        subject.send(text)
        profiler.disable()
    return Profile(turns, pstats.Stats(profiler))


def short(key: tuple[str, int, str]) -> str:
    filename, line, func = key
    if filename == "~":
        return func
    path = filename.split(str(ROOT) + "/", 1)[-1]
    for marker in ("site-packages/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[-1]
    return f"{path}:{line}({func})"


def _project(key: tuple[str, int, str]) -> bool:
    return key[0].startswith(str(ROOT)) and "/bench/" not in key[0]


def print_profile(title: str, prof: Profile, top: int) -> None:
    """Where a turn's time goes: by layer, by project function (inclusive), by function (own).
    Shares are of the process's own work: the waits for the server are taken out."""
    per, busy = prof.per_turn(), prof.busy
    print(f"\n-- cProfile: {title}; {prof.turns} turns; per turn under the profiler "
          f"{ms(prof.total)} ms, of which waiting for the server {ms(prof.waiting)} ms; shares "
          f"below are of the {ms(busy)} ms of this process's own work")
    layers: dict[str, float] = {}
    for (filename, _, func), (own, _, _) in per.items():
        name = layer(filename, func)
        layers[name] = layers.get(name, 0.0) + own
    print(table(["layer (own time)", "ms/turn", "share"],
                [[name, ms(v), "-" if name == WAITING else f"{100 * v / busy:.0f} %"]
                 for name, v in sorted(layers.items(), key=lambda kv: -kv[1])]))
    database = sum(v for name, v in layers.items() if name in DATABASE_LAYERS)
    print(f"database layer (SQLAlchemy, the driver, bot/store): {ms(database)} ms per turn = "
          f"{100 * database / busy:.0f} % of this process's own work")
    rows = sorted(((k, v) for k, v in per.items() if _project(k)), key=lambda kv: -kv[1][1])[:top]
    print(table(["project function (inclusive, waits included)", "ms/turn", "calls/turn"],
                [[short(k), ms(incl), f"{calls / prof.turns:g}"] for k, (_, incl, calls) in rows]))
    rows = sorted(((k, v) for k, v in per.items() if layer(k[0], k[2]) != WAITING),
                  key=lambda kv: -kv[1][0])[:top]
    print(table(["function (own time)", "ms/turn", "share", "calls/turn"],
                [[short(k), ms(own), f"{100 * own / busy:.0f} %", f"{calls / prof.turns:g}"]
                 for k, (own, _, calls) in rows]))


def print_profile_difference(small: Profile, large: Profile, top: int) -> None:
    """What the larger draft's turn spends more than the seed's, per function; shares are of
    the larger turn's own work (waits for the server taken out)."""
    a, b = small.per_turn(), large.per_turn()
    zero = (0.0, 0.0, 0)
    print(f"\n-- the larger draft's turn against the seed's, under the profiler: own work "
          f"{ms(large.busy)} vs {ms(small.busy)} ms per turn; per function, large − seed (share: "
          f"of the larger turn's own work)")

    def share(d: float) -> str:
        return f"{100 * d / large.busy:.0f} %" if large.busy > 0 else "-"

    rows = sorted(((v[1] - a.get(k, zero)[1], k, a.get(k, zero)[2] / small.turns, v[2] / large.turns)
                   for k, v in b.items() if _project(k)), key=lambda r: -r[0])[:top]
    print(table(["project function (inclusive)", "extra ms/turn", "share", "calls/turn seed → large"],
                [[short(k), ms(d), share(d), f"{c0:.0f} → {c1:.0f}"] for d, k, c0, c1 in rows]))
    rows = sorted(((v[0] - a.get(k, zero)[0], k, a.get(k, zero)[2] / small.turns, v[2] / large.turns)
                   for k, v in b.items() if layer(k[0], k[2]) != WAITING), key=lambda r: -r[0])[:top]
    print(table(["function (own time)", "extra ms/turn", "share", "calls/turn seed → large"],
                [[short(k), ms(d), share(d), f"{c0:.0f} → {c1:.0f}"] for d, k, c0, c1 in rows]))


# --------------------------------------------------------------------------------------------
# Output


def fmt(value: float | None) -> str:
    return "n/a" if value is None else ms(value)


def growth(value: float | None, base: float | None) -> str:
    return "" if value is None or not base else f"{value / base:.2f}×"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(turns: dict[Key, Samples], forms: dict[Key, Samples], backends: Sequence[Backend],
           drafts: Sequence[DraftCase]) -> list[tuple[str, bool]]:
    seed = drafts[0].label
    rows = []
    for b in backends:
        raw = turns[(b.name, "", "floor: raw driver")]
        for kind in TURNS:
            base = turns[(b.name, seed, kind)]
            for d in drafts:
                s = turns[(b.name, d.label, kind)]
                rows.append([b.name, d.label, kind, ms(s.cpu), fmt(s.p90(lambda x: x.cpu)), ms(s.wall),
                             fmt(s.p90(lambda x: x.wall)), fmt(s.server), fmt(s.wait), s.trips,
                             growth(s.cpu, base.cpu), growth(s.wall, base.wall),
                             growth(s.cpu, raw.cpu)])
    print()
    print(table(["backend", "draft", "turn", "CPU ms", "CPU p90", "wall ms", "wall p90", "server CPU ms",
                 "wait ms", "round trips", "CPU ÷ seed", "wall ÷ seed", "CPU ÷ raw floor"], rows,
                title="Turns (medians; CPU = this process; server CPU = PostgreSQL backends; "
                      "wait = wall − CPU − server CPU)"))

    rows = []
    for b in backends:
        for name in ("floor: SQLAlchemy Core", "floor: raw driver"):
            s = turns[(b.name, "", name)]
            rows.append([b.name, name, len(s.items), ms(s.cpu), fmt(s.p90(lambda x: x.cpu)), ms(s.wall),
                         fmt(s.server), fmt(s.wait), s.trips])
    print()
    print(table(["backend", "bare transaction", "runs", "CPU ms", "CPU p90", "wall ms", "server CPU ms",
                 "wait ms", "round trips"], rows,
                title="The floor: lock one row, read a JSON text, write it back, commit"))

    rows = []
    for backend, op in [(b.name, op) for b in backends for op in FORM_OPS] + [("", op) for op in PURE_OPS]:
        base = forms[(backend, seed, op)]
        previous: tuple[int, float] | None = None
        for d in drafts:
            if (backend, d.label, op) not in forms:
                rows.append([backend or "-", d.label, op, "refused", "", "", "", "", ""])
                continue
            s = forms[(backend, d.label, op)]
            n = len(d.form.indicators)
            linear = "" if previous is None or d is drafts[1] else \
                f"{(s.wall / previous[1]) / (n / previous[0]):.2f}"
            rows.append([backend or "-", d.label, op, ms(s.wall), ms(s.cpu),
                         fmt(s.server) if backend else "", s.trips if backend else "",
                         growth(s.wall, base.wall), linear])
            previous = (n, s.wall)
    print()
    print(table(["backend", "draft", "operation", "wall ms", "CPU ms", "server CPU ms", "round trips",
                 "wall ÷ seed", "growth ÷ linear"], rows,
                title="Whole-form operations (medians; growth ÷ linear: wall growth from the "
                      "previous generated draft ÷ its growth in indicators, ≈ 1 when linear)"))
    return goals(turns, backends, drafts)


def goals(turns: dict[Key, Samples], backends: Sequence[Backend],
          drafts: Sequence[DraftCase]) -> list[tuple[str, bool]]:
    seed, large = drafts[0].label, drafts[-1].label
    out: list[tuple[str, bool]] = []
    print("\nGoals and ratios (medians of the same run)")
    for b in backends:
        small, big = turns[(b.name, seed, "answer")], turns[(b.name, large, "answer")]
        r_cpu, r_wall = big.cpu / small.cpu, big.wall / small.wall
        line = (f"{b.name}: answer turn on {large} ÷ on the seed: CPU {ms(big.cpu)} ÷ {ms(small.cpu)} "
                f"= {r_cpu:.2f}×, wall {ms(big.wall)} ÷ {ms(small.wall)} = {r_wall:.2f}× "
                f"(goal ≤ {GROWTH_GOAL}×: {verdict(max(r_cpu, r_wall) <= GROWTH_GOAL)})")
        print("  " + line)
        out.append((line, max(r_cpu, r_wall) <= GROWTH_GOAL))
        for kind in TURNS[1:]:
            s0, s1 = turns[(b.name, seed, kind)], turns[(b.name, large, kind)]
            print(f"      {kind}: CPU {s1.cpu / s0.cpu:.2f}×, wall {s1.wall / s0.wall:.2f}×, "
                  f"round trips {s0.trips} → {s1.trips}")
        core, raw = turns[(b.name, "", "floor: SQLAlchemy Core")], turns[(b.name, "", "floor: raw driver")]
        print(f"  {b.name}: seed answer turn ÷ bare transaction: CPU {ms(small.cpu)} ÷ {ms(core.cpu)} "
              f"(Core) = {small.cpu / core.cpu:.1f}×, ÷ {ms(raw.cpu)} (raw) = {small.cpu / raw.cpu:.1f}×; "
              f"wall {small.wall / core.wall:.1f}× (Core), {small.wall / raw.wall:.1f}× (raw); "
              f"round trips {small.trips} vs {core.trips}")
        if b.postgres:
            if small.server is None or raw.server is None:
                print(f"  {b.name}: server CPU not readable (/proc/<backend pid>/schedstat): the "
                      f"server is elsewhere; wall − client CPU = {ms(small.wall - small.cpu)} ms "
                      f"is the server + network share")
                continue
            met = small.server <= SERVER_GOAL_MS
            line = (f"{b.name}: seed answer turn server CPU {ms(small.server)} ms (goal ≤ "
                    f"{SERVER_GOAL_MS:g} ms: {verdict(met)})")
            print("  " + line)
            out.append((line, met))
            r = small.server / raw.server
            line = (f"{b.name}: seed answer turn server CPU ÷ bare transaction's: {ms(small.server)} ÷ "
                    f"{ms(raw.server)} (raw) = {r:.2f}×, ÷ {fmt(core.server)} (Core) = "
                    f"{growth(small.server, core.server)} (goal ≤ {FLOOR_GOAL:g}×: {verdict(r <= FLOOR_GOAL)})")
            print("  " + line)
            out.append((line, r <= FLOOR_GOAL))
            for kind in TURNS[1:]:
                s = turns[(b.name, seed, kind)]
                print(f"      seed {kind}: server CPU {fmt(s.server)} ms = {growth(s.server, raw.server)} "
                      f"the bare transaction's")
    return out


def markdown(turns: dict[Key, Samples], forms: dict[Key, Samples], backends: Sequence[Backend],
             drafts: Sequence[DraftCase]) -> None:
    """README-ready tables: one per backend, rows = drafts."""
    seed = drafts[0].label

    def cell(source: dict[Key, Samples], backend: str, op: str, label: str,
             value: Callable[[Samples], float | None]) -> str:
        if (backend, label, op) not in source:
            return "refused"
        now, base = value(source[(backend, label, op)]), value(source[(backend, seed, op)])
        if now is None:
            return "n/a"
        return f"{ms(now)} ({now / base:.2f}×)" if base else ms(now)

    print("\nREADME-ready tables (medians, ms; in brackets: ÷ the seed's)")
    for b in backends:
        print(f"\n**{b.name}**\n")
        heads = ["draft", "import", "check turn", "export turn", "answer turn CPU", "answer turn wall",
                 "round trips", "help turn CPU", "App Home: overview", "App Home: refresh"]
        if b.postgres:
            heads.insert(7, "answer turn server CPU")
        print("| " + " | ".join(heads) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(heads) - 1)) + "|")
        for d in drafts:
            cells = [
                d.label,
                cell(forms, "", "import (load_bytes)", d.label, lambda s: s.wall),
                cell(forms, b.name, "check turn", d.label, lambda s: s.wall),
                cell(forms, b.name, "export turn", d.label, lambda s: s.wall),
                cell(turns, b.name, "answer", d.label, lambda s: s.cpu),
                cell(turns, b.name, "answer", d.label, lambda s: s.wall),
                turns[(b.name, d.label, "answer")].trips,
                cell(turns, b.name, "help", d.label, lambda s: s.cpu),
                cell(forms, b.name, "overview", d.label, lambda s: s.wall),
                cell(forms, b.name, "refresh_summaries", d.label, lambda s: s.wall),
            ]
            if b.postgres:
                cells.insert(7, cell(turns, b.name, "answer", d.label, lambda s: s.server))
            print("| " + " | ".join(cells) + " |")
        raw, core = turns[(b.name, "", "floor: raw driver")], turns[(b.name, "", "floor: SQLAlchemy Core")]
        print(f"\n| {b.name}, seed draft | CPU ms | ÷ Core floor | ÷ raw floor | wall ms | round trips |"
              + (" server CPU ms | ÷ raw floor |" if b.postgres else ""))
        print("|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if b.postgres else ""))
        for kind in TURNS:
            s = turns[(b.name, seed, kind)]
            extra = f" {fmt(s.server)} | {growth(s.server, raw.server)} |" if b.postgres else ""
            print(f"| {kind} turn | {ms(s.cpu)} | {s.cpu / core.cpu:.1f}× | {s.cpu / raw.cpu:.1f}× | "
                  f"{ms(s.wall)} | {s.trips} |{extra}")
        for name, f in (("bare transaction, SQLAlchemy Core", core), ("bare transaction, raw driver", raw)):
            extra = f" {fmt(f.server)} | {growth(f.server, raw.server)} |" if b.postgres else ""
            print(f"| {name} | {ms(f.cpu)} | {f.cpu / core.cpu:.1f}× | {f.cpu / raw.cpu:.1f}× | "
                  f"{ms(f.wall)} | {f.trips} |{extra}")


# --------------------------------------------------------------------------------------------


@contextmanager
def backends_open(args: argparse.Namespace, drafts: Sequence[DraftCase]) -> Iterator[tuple[list[Backend], list[Subject]]]:
    with ExitStack() as stack:
        urls = [("SQLite", stack.enter_context(sqlite_url()))]
        pg = postgres_chosen(args.postgres, args.no_postgres)
        if pg is not None:
            print(f"PostgreSQL {postgres_version(pg)} at {make_url(pg).host}")
            urls.append(("PostgreSQL", stack.enter_context(postgres_url(pg))))
        backends, subjects = [], []
        for name, url in urls:
            started = time.perf_counter()
            backend, mine = open_backend(name, url, drafts, stack)
            print(f"{name}: {len(mine)} drafts stored in {time.perf_counter() - started:.1f} s")
            backends.append(backend)
            subjects += mine
        yield backends, subjects


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds of the turns (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (3)")
    parser.add_argument("--form-rounds", type=int, default=7,
                        help="timed rounds of the whole-form operations (7), after one untimed")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (a schema is created)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--profile", action="store_true",
                        help="profile turns (--profile-kinds) on the seed and the largest draft")
    parser.add_argument("--profile-kinds", nargs="+", default=["answer"], choices=TURNS,
                        help="turns to profile (answer)")
    parser.add_argument("--profile-turns", type=int, default=60, help="turns per profile (60)")
    parser.add_argument("--top", type=int, default=15, help="functions shown per profile")
    args = parser.parse_args()
    if min(args.rounds, args.form_rounds, args.profile_turns) < 1:
        parser.error("--rounds, --form-rounds and --profile-turns must be at least 1")
    began = time.perf_counter()

    header("bench_turn: one turn's cost as drafts grow, against a bare transaction")
    print("versions:", versions("SQLAlchemy", "psycopg", "pydantic", "openpyxl"))
    warm_up()  # matchers built, long-lived objects frozen: as in the server
    drafts: list[DraftCase] = []
    path = seed_file()
    if path is not None:
        drafts.append(make_draft("seed", read_text(path.read_text("utf-8"))))
    for tasks, indicators in GENERATED:
        form = scaled_form(tasks, indicators).model_copy(update={"year": None})
        drafts.append(make_draft(f"{tasks}/{indicators}", form))
    for d in drafts:
        try:
            back = load_bytes(d.xlsx, "form.xlsx")
            note = "" if back == d.form else "  WARNING: load_bytes(write_form(form)) differs from the form"
        except FormReadError as e:
            d.refused = e.message_en or e.message
            note = f"  NOTE: load_bytes refuses its exported workbook ({d.refused}): import not measured"
        print(f"draft {d.label}: {d.size}; workbook {len(d.xlsx) / 1024:.1f} KB; the indicator "
              f"turn changes 「{d.indicator.name}」{note}")
    print(f"{args.rounds} timed rounds after {args.warmup} untimed: per round every turn of every "
          f"draft and backend once and each floor {FLOORS_PER_ROUND}×; whole-form operations: "
          f"{args.form_rounds} timed rounds after 1 untimed")

    with backends_open(args, drafts) as (backends, subjects):
        gc.collect()
        gc.freeze()  # the drafts above are the benchmark's, not a server's: out of the collector's way
        turns = run_turns(backends, subjects, args.rounds, args.warmup)
        forms = run_forms(subjects, drafts, args.form_rounds)
        for s in subjects:
            for problem in s.problems:
                print(f"WARNING {s.backend.name} {s.case.label}: {problem}")
        for b in backends:
            if b.probe.new_backends:
                print(f"NOTE {b.name}: {b.probe.new_backends} connection(s) opened during measured calls")
        verdicts = report(turns, forms, backends, drafts)
        markdown(turns, forms, backends, drafts)
        missed_growth = any(not met and "answer turn on" in line for line, met in verdicts)
        if args.profile or missed_growth:
            for kind in args.profile_kinds:
                for b in backends:
                    mine = [s for s in subjects if s.backend is b]
                    small = profile_turns(mine[0], kind, args.profile_turns)
                    print_profile(f"{b.name}, {kind} turn, {mine[0].case.label}", small, args.top)
                    large = profile_turns(mine[-1], kind, args.profile_turns)
                    print_profile(f"{b.name}, {kind} turn, {mine[-1].case.label}", large, args.top)
                    print_profile_difference(small, large, args.top)
    print(f"\ntotal {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
