"""Fault tests against the real server: ``declbot serve --http --workers 2`` (gunicorn) on a fresh
PostgreSQL schema, the fake Slack Web API, signed requests (see tests.slack_harness).

* a worker killed in the middle of a conversation — idle, with a request in flight (Slack
  retries it), or in the middle of a turn — the person goes on and nothing is lost or doubled;
* PostgreSQL unreachable for a few seconds (between turns and in the middle of one) — the
  person is told to try again, nothing is corrupted, the app recovers by itself;
* the Web API answering 429 or 500 — retried, then a clear message (or, when nothing can be
  posted, a log line and a working next turn);
* the same event delivered to two workers at once — processed once;
* two people in one thread answering at the same moment — both kept, in order.

Faults are made at known points: a lock held from outside the app stops a request where it
needs it (its event claim, its conversation), the database session waiting for it tells which
worker holds the request, and freezing the other worker (SIGSTOP) makes a given worker accept a
connection. Needs TEST_DATABASE_URL (skipped without it; REQUIRE_POSTGRES=1 fails instead).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from handlers.places import dm_key, thread_key
from tests.db import fresh_database_url
from tests.fake_slack import TEAM, FakeSlack, Message
from tests.fault_harness import Database, InFlight, Row, Workers, wait_until
from tests.slack_harness import (
    Endpoint,
    Response,
    ServeProcess,
    dm_of,
    new_user,
    slack_escape,
    unique,
)
from tests.tcp_proxy import TcpProxy

STORE_DOWN = "数据库暂时无法连接，刚才的内容没有保存，请稍后再发一次。"
#: A moment long enough for a reply that should not come to have come.
QUIET = 0.8


@dataclass
class Server:
    endpoint: Endpoint
    process: ServeProcess
    workers: Workers
    db: Database

    def log(self) -> str:
        return self.process.log()


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL schema (TEST_DATABASE_URL), dropped afterwards."""
    with fresh_database_url("postgres", tmp_path) as url:
        yield url


@pytest.fixture
def start_server(slack: FakeSlack, pg_url: str, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``start_server(app_url=None)``: ``declbot serve --http --workers 2`` on the test's schema
    (reached through ``app_url`` when given, e.g. a proxy), both workers up."""
    started: list[Server] = []

    def start(app_url: str | None = None) -> Server:
        process = ServeProcess(slack, app_url or pg_url, tmp_path / f"serve-{len(started)}.log", workers=2)
        server = Server(Endpoint(process.base, slack), process, Workers(process.process.pid), Database(pg_url))
        started.append(server)
        server.workers.wait(2)
        return server

    yield start
    for server in started:
        server.workers.thaw_all()
        server.process.stop()
        server.db.close()
        print(f"--- server log ---\n{server.log()[-6000:]}")  # shown when the test failed


# --- helpers -----------------------------------------------------------------------------------


def dm_event(user: str, text: str, ts: str) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": dm_of(user), "user": user,
            "text": slack_escape(text), "ts": ts, "event_ts": ts, "team": TEAM}


def first_lines(messages: list[Message]) -> list[str]:
    return [m.shown().split("\n")[0] for m in messages]


def saved_lines(messages: list[Message]) -> list[str]:
    """What the app said it recorded ("已记录：…"), in the order it said so."""
    return [line for line in first_lines(messages) if line.startswith("已记录")]


def amount(value: Any) -> Decimal | None:
    """An amount as stored (JSON string or number) or typed, comparable."""
    return None if value is None else Decimal(str(value))


def changes(rows: list[Row]) -> list[tuple[str, Any]]:
    """(field, new value) of history rows, amounts as Decimals."""
    return [(r.path, amount(r.new) if r.path.startswith("budget.") else r.new) for r in rows]


class Person:
    """Someone in their DM with the app."""

    def __init__(self, server: Server, slack: FakeSlack) -> None:
        self.endpoint = server.endpoint
        self.slack = slack
        self.user = new_user()
        self.channel = dm_of(self.user)
        self.key = dm_key(TEAM, self.user)
        self.owner = f"user:{self.user}"

    def says(self, text: str, count: int = 1, timeout: float = 15.0) -> str:
        """Send a message; what the app answers (``count`` messages)."""
        new = self.endpoint.exchange(self.channel, count, lambda: self.endpoint.dm(self.user, text),
                                     timeout=timeout)
        return "\n".join(m.shown() for m in new)

    def messages(self) -> list[Message]:
        return self.slack.in_place(self.channel)

    def hears_nothing_more(self, seen: int) -> None:
        time.sleep(QUIET)
        assert first_lines(self.messages()[seen:]) == [], "the app said something it should not have"


# --- 1. a worker killed --------------------------------------------------------------------------


def test_a_worker_killed_mid_conversation_loses_nothing(start_server: Callable[..., Server],
                                                        slack: FakeSlack) -> None:
    server = start_server()
    endpoint, workers, db = server.endpoint, server.workers, server.db
    person = Person(server, slack)
    assert "【部门名称】" in person.says("你好", 2)
    assert "已记录：部门名称 = 广州市协作办公室" in person.says("广州市协作办公室")
    assert "已记录：预算年度 = 2025" in person.says("2025")
    assert "已记录：基本支出 = 4,381.54" in person.says("4381.54")

    # An idle worker is killed: the person goes on at once, through the other one…
    first, second = workers.pids()
    workers.kill(first)
    assert "已记录：项目支出 = 270,769.27" in person.says("270769.27")
    # …and gunicorn starts another, which knows where the person is.
    [replacement] = [p for p in workers.wait(2, without=(first,)) if p != second]
    with workers.only(replacement):
        assert "已记录：财政拨款 = 1,000.00" in person.says("1000")

    # A request in flight when its worker dies: it waits for its event claim (the same id
    # being claimed, not committed yet); the worker holding it is killed before Slack got an
    # answer; Slack retries the event, and the retry is applied once.
    event_id, event = unique("EvKilled"), dm_event(person.user, "5000", endpoint.ts())
    seen = len(person.messages())
    with db.hold_claim(event_id) as hold:
        flight = InFlight(lambda: endpoint.event(event, event_id=event_id))
        [port] = hold.wait_blocked(1)
        victim = workers.owner_of(port)
        assert victim is not None, "no worker holds the waiting request"
        workers.kill(victim)
        flight.join()
    assert flight.status != 200, "Slack got an answer from a worker that was killed"
    person.hears_nothing_more(seen)
    retried = endpoint.exchange(person.channel, 1, lambda: endpoint.event(event, event_id=event_id, retry_num=1))
    assert "已记录：其他资金 = 5,000.00" in retried[0].shown()

    # A worker killed in the middle of a turn: a typed answer is applied before Slack gets its
    # answer, so the turn (waiting for its conversation, locked from outside) dies with its
    # worker and Slack gets no answer. Nothing of it is saved; Slack's retry is applied once,
    # and later retries are dropped.
    event_id, event = unique("EvKilled"), dm_event(person.user, "6000", endpoint.ts())
    seen = len(person.messages())
    with db.hold_conversation(person.key) as hold:
        flight = InFlight(lambda: endpoint.event(event, event_id=event_id))
        [port] = hold.wait_blocked(1)
        victim = workers.owner_of(port)
        assert victim is not None, "no worker holds the waiting turn"
        workers.kill(victim)
        wait_until(lambda: victim not in workers.pids(), 10, "the worker to die")
        flight.join()
    assert flight.status != 200, "Slack got an answer for a turn that was never applied"
    person.hears_nothing_more(seen)
    assert (db.form(person.owner) or {})["budget"]["special_fiscal_funds"] is None
    retried = endpoint.exchange(person.channel, 1, lambda: endpoint.event(event, event_id=event_id, retry_num=1))
    assert "已记录：财政专项资金 = 6,000.00" in retried[0].shown()
    seen = len(person.messages())
    assert endpoint.event(event, event_id=event_id, retry_num=2).status == 200
    assert endpoint.event(event, event_id=event_id, retry_num=3).status == 200
    person.hears_nothing_more(seen)

    workers.wait(2, without=(first, victim))
    assert "预算整体情况：5/8" in person.says("进度")
    assert "下一步：预算整体情况 › 事业发展性支出 › 其他事业发展性支出" in person.says("进度")

    # Every answer is in the draft once, in its place; the app said so once for each.
    expected = [("department", "广州市协作办公室"), ("year", 2025),
                ("budget.basic_expenditure", "4381.54"), ("budget.project_expenditure", "270769.27"),
                ("budget.fiscal_appropriation", "1000"), ("budget.other_funds", "5000"),
                ("budget.special_fiscal_funds", "6000")]
    history = db.history(person.owner)
    assert changes(history) == [(p, amount(v) if p.startswith("budget.") else v) for p, v in expected]
    assert {r.actor for r in history} == {person.user}
    form = db.form(person.owner) or {}
    assert (form["department"], form["year"]) == ("广州市协作办公室", 2025)
    assert {k: amount(v) for k, v in form["budget"].items() if v is not None} == {
        p.removeprefix("budget."): amount(v) for p, v in expected if p.startswith("budget.")}
    assert saved_lines(person.messages()) == [
        "已记录：部门名称 = 广州市协作办公室", "已记录：预算年度 = 2025", "已记录：基本支出 = 4,381.54",
        "已记录：项目支出 = 270,769.27", "已记录：财政拨款 = 1,000.00", "已记录：其他资金 = 5,000.00",
        "已记录：财政专项资金 = 6,000.00"]


# --- 2. PostgreSQL unreachable -------------------------------------------------------------------


def test_postgres_unreachable_for_a_few_seconds(start_server: Callable[..., Server], slack: FakeSlack,
                                                pg_url: str) -> None:
    url = make_url(pg_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        server = start_server(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        db, workers = server.db, server.workers
        person = Person(server, slack)
        person.says("你好", 2)
        assert "已记录：部门名称 = 广州市协作办公室" in person.says("广州市协作办公室")
        assert "已记录：预算年度 = 2025" in person.says("2025")
        w1, w2 = workers.pids()

        # The database goes away: whichever worker takes the turn tells the person, once.
        proxy.stop()
        for worker in (w1, w2):
            with workers.only(worker):
                assert person.says("4381.54") == STORE_DOWN
        # Nothing was half-saved: the draft, its history and the position are as they were.
        assert db.form(person.owner)["budget"]["basic_expenditure"] is None  # type: ignore[index]
        assert [r.path for r in db.history(person.owner)] == ["department", "year"]

        # It comes back: both workers work again by themselves (nothing restarted), and the
        # answer goes where it would have gone.
        proxy.start()
        with workers.only(w1):
            assert "已记录：基本支出 = 4,381.54" in person.says("4381.54")
        with workers.only(w2):
            assert "已记录：项目支出 = 270,769.27" in person.says("270769.27")
        assert workers.pids() == [w1, w2]

        # It goes away in the middle of a turn (the turn waiting for its conversation): the
        # person is told, the turn's transaction is gone, the next one works.
        seen = len(person.messages())
        with server.db.hold_conversation(person.key) as hold:
            flight = InFlight(lambda: server.endpoint.dm(person.user, "1000"))
            hold.wait_blocked(1)
            proxy.stop()
            told = server.endpoint.replies(person.channel, seen + 1)[seen:]
        assert flight.join().status == 200  # answered: the person was told
        assert first_lines(told) == [STORE_DOWN]
        proxy.start()
        assert db.form(person.owner)["budget"]["fiscal_appropriation"] is None  # type: ignore[index]
        assert "已记录：财政拨款 = 1,000.00" in person.says("1000")
        assert "预算整体情况：3/8" in person.says("进度")

        assert changes(db.history(person.owner)) == [
            ("department", "广州市协作办公室"), ("year", 2025), ("budget.basic_expenditure", Decimal("4381.54")),
            ("budget.project_expenditure", Decimal("270769.27")), ("budget.fiscal_appropriation", Decimal(1000))]
        # What the person saw: an answer or "try again" for every message, never a traceback.
        transcript = first_lines(person.messages())
        assert transcript.count(STORE_DOWN) == 3
        assert not [line for line in transcript if "Traceback" in line or "内部错误" in line or "出错了" in line]
        assert len(transcript) == 2 + 2 + 3 + 2 + 1 + 1  # greeting, 2 answers, 3 × down, 2 + 1 answers, 进度
    finally:
        proxy.stop()


# --- 3. the Web API failing ----------------------------------------------------------------------


def test_the_web_api_answering_429_and_500(start_server: Callable[..., Server], slack: FakeSlack) -> None:
    server = start_server()
    person = Person(server, slack)
    person.says("你好", 2)
    assert "已记录：部门名称 = 广州市协作办公室" in person.says("广州市协作办公室")

    def posts() -> int:
        return len(slack.calls_to("chat.postMessage"))

    # Rate limited twice, Retry-After: 1 — waited for, retried: the reply arrives.
    slack.fail("chat.postMessage", status=429, times=2, retry_after=1)
    calls, started = posts(), time.monotonic()
    assert "已记录：预算年度 = 2025" in person.says("2025")
    assert time.monotonic() - started >= 2.0  # Retry-After was honoured
    assert posts() - calls == 3

    # Server errors, twice: retried, the reply arrives.
    slack.fail("chat.postMessage", status=500, times=2)
    calls = posts()
    assert "已记录：基本支出 = 4,381.54" in person.says("4381.54")
    assert posts() - calls == 3

    # Rate limited beyond the retries: the reply is given up, the person is told clearly —
    # and what they are told is true: the answer was recorded (sending it again would put it
    # into the next field), and 「进度」 shows it.
    slack.fail("chat.postMessage", status=429, times=4, retry_after=0)
    told = person.says("270769.27", timeout=25)
    assert "回复没能完整发出（Slack 出错：ratelimited）" in told
    assert "进度" in told and "请稍后再发一次" not in told
    progress = person.says("进度")
    assert "预算整体情况：2/8" in progress and "下一步：预算整体情况 › 收入来源 › 财政拨款" in progress

    # Slack failing for good (500 on every attempt): nothing can be posted, not even the
    # notice; the failure is logged, and once Slack is back the next turn works.
    slack.fail("chat.postMessage", status=500, times=6)
    seen, calls = len(person.messages()), posts()
    assert server.endpoint.dm(person.user, "1000").status == 200
    wait_until(lambda: "could not tell" in server.log(), 25, "the failure to be logged")
    assert posts() - calls == 6 and len(person.messages()) == seen
    assert "not delivered" in server.log()
    progress = person.says("进度")
    assert "预算整体情况：3/8" in progress and "下一步：预算整体情况 › 收入来源 › 其他资金" in progress


# --- 4. one event, two workers -------------------------------------------------------------------


def test_the_same_event_delivered_to_two_workers_at_once_is_processed_once(
        start_server: Callable[..., Server], slack: FakeSlack) -> None:
    server = start_server()
    endpoint, workers, db = server.endpoint, server.workers, server.db
    person = Person(server, slack)
    person.says("你好", 2)
    assert "已记录：部门名称 = 广州市协作办公室" in person.says("广州市协作办公室")

    # The same event reaches both workers and both get to applying it at the same moment:
    # each copy is steered to its worker (the other one frozen while it connects) and stopped
    # at the conversation (locked from outside); then both go at once.
    w1, w2 = workers.pids()
    event_id, event = unique("EvTwice"), dm_event(person.user, "2025", endpoint.ts())
    seen = len(person.messages())
    flights: list[InFlight] = []
    with db.hold_conversation(person.key) as hold:
        for n, worker in enumerate((w1, w2), start=1):
            with workers.only(worker):
                flights.append(InFlight(lambda: endpoint.event(event, event_id=event_id)))
                ports = hold.wait_blocked(n)
            assert {workers.owner_of(p) for p in ports} == set((w1, w2)[:n])  # one copy in each
    assert [f.join().status for f in flights] == [200, 200]
    replies = endpoint.replies(person.channel, seen + 1)[seen:]
    assert "已记录：预算年度 = 2025" in replies[0].shown()
    person.hears_nothing_more(seen + 1)

    # Several copies at once, wherever they land: one reply, one change.
    event_id, event = unique("EvMany"), dm_event(person.user, "4381.54", endpoint.ts())
    go = threading.Event()
    flights = [InFlight(lambda: endpoint.event(event, event_id=event_id), start=go) for _ in range(4)]
    go.set()
    assert [f.join().status for f in flights] == [200] * 4
    replies = endpoint.replies(person.channel, seen + 2)[seen + 1:]
    assert "已记录：基本支出 = 4,381.54" in replies[0].shown()
    person.hears_nothing_more(seen + 2)

    assert "预算整体情况：1/8" in person.says("进度")
    assert [r.path for r in db.history(person.owner)] == ["department", "year", "budget.basic_expenditure"]
    assert saved_lines(person.messages()) == [
        "已记录：部门名称 = 广州市协作办公室", "已记录：预算年度 = 2025", "已记录：基本支出 = 4,381.54"]


# --- 5. two people, one thread, the same moment ------------------------------------------------


BUDGET = [("basic_expenditure", "基本支出"), ("project_expenditure", "项目支出"),
          ("fiscal_appropriation", "财政拨款"), ("other_funds", "其他资金"),
          ("special_fiscal_funds", "财政专项资金"), ("other_development_expenditure", "其他事业发展性支出"),
          ("city_level_funds", "市本级使用资金"), ("transfer_payment_funds", "拟用于对下转移支付资金")]


def test_two_people_answering_in_one_thread_at_the_same_moment_are_both_kept_in_order(
        start_server: Callable[..., Server], slack: FakeSlack) -> None:
    server = start_server()
    endpoint, db = server.endpoint, server.db
    channel, alice, bob = unique("C"), new_user(), new_user()
    root = endpoint.ts()
    owner = f"place:{thread_key(channel, root)}"

    def in_thread() -> list[Message]:
        return slack.in_place(channel, root)

    def reply(user: str, text: str, ts: str | None = None) -> Response:
        return endpoint.event(endpoint.channel_message(user, channel, text, thread_ts=root, ts=ts)[1])

    endpoint.exchange(channel, 2, lambda: endpoint.mention(alice, channel, "帮我们填一下申报表", ts=root)[1],
                      thread_ts=root)
    said = endpoint.exchange(channel, 1, lambda: reply(alice, "广州市协作办公室"), thread_ts=root)
    assert "已记录：部门名称 = 广州市协作办公室" in said[0].shown()
    said = endpoint.exchange(channel, 1, lambda: reply(bob, "2025"), thread_ts=root)
    assert "已记录：预算年度 = 2025" in said[0].shown()

    # Four rounds through the eight amounts: in each, Alice and Bob answer at the same moment,
    # Alice's message first (its ts earlier). Every other round Bob's request even reaches the
    # server a little before Alice's (Slack does not promise delivery order).
    values = [f"{1000 + 111 * n}" for n in range(len(BUDGET))]
    for round_ in range(len(BUDGET) // 2):
        a, b = 2 * round_, 2 * round_ + 1
        ts_alice, ts_bob = endpoint.ts(), endpoint.ts()
        seen = len(in_thread())
        go = threading.Event()
        skew = 0.02 if round_ % 2 else 0.0

        def alice_sends(v: str = values[a], ts: str = ts_alice, delay: float = skew) -> Response:
            time.sleep(delay)
            return reply(alice, v, ts)

        flights = [InFlight(alice_sends, start=go),
                   InFlight(lambda v=values[b], ts=ts_bob: reply(bob, v, ts), start=go)]
        go.set()
        assert [f.join().status for f in flights] == [200, 200]
        new = endpoint.replies(channel, seen + 2, thread_ts=root)[seen:]
        assert first_lines(new) == [f"已记录：{BUDGET[a][1]} = {Decimal(values[a]):,.2f}",
                                    f"已记录：{BUDGET[b][1]} = {Decimal(values[b]):,.2f}"], f"round {round_}"

    time.sleep(QUIET)
    assert len(in_thread()) == 2 + 2 + len(BUDGET), "an answer was acknowledged twice, or lost"
    form = db.form(owner) or {}
    assert {k: amount(v) for k, v in form["budget"].items()} == {
        attr: Decimal(values[n]) for n, (attr, _) in enumerate(BUDGET)}
    people = [alice, bob] * (len(BUDGET) // 2)
    history = db.history(owner)
    assert [(*change, r.actor) for change, r in zip(changes(history), history, strict=True)] == [
        ("department", "广州市协作办公室", alice), ("year", 2025, bob),
        *[(f"budget.{attr}", Decimal(values[n]), people[n]) for n, (attr, _) in enumerate(BUDGET)]]
