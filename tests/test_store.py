"""Tests of the conversation store, on SQLite and on PostgreSQL (see tests/db.py)."""

from __future__ import annotations

import functools
import multiprocessing
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.store import (
    INDICATOR,
    ITEM,
    TASK,
    Change,
    DraftChanged,
    InvalidChange,
    NotYourConversation,
    NotYourDraft,
    Store,
    StoreUnavailable,
    resolve_url,
)
from bot.store.rows import ORD_STEP
from form_model.models import Budget, Form, Indicator, Task, TaskItem
from tests.tcp_proxy import TcpProxy

StoreFactory = Callable[..., Store]


def sample_form() -> Form:
    return Form(
        department="某市财政局",
        year=2025,
        budget=Budget(
            basic_expenditure=Decimal("1234.5"),
            project_expenditure=Decimal("0.07"),
            fiscal_appropriation=Decimal("1000"),
        ),
        overall_goal="保障机关正常运转，完成年度重点工作。\n第二行",
        tasks=[
            Task(
                name="预算管理改革",
                items=[
                    TaskItem(content="绩效评价", amount=Decimal("12.30"), goal="覆盖全部项目"),
                    TaskItem(content="", amount=None, goal="待定"),
                ],
                stated_total=Decimal("12.3"),
            )
        ],
        other_tasks="无",
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", name="培训人次", annual_value="≥200人次"),
            Indicator(level1="效益指标", level2="社会效益指标", name="满意度", period_value="≥90%"),
        ],
        amount_notes={"tasks[0].items[1].amount": "约 5 万", "budget.other_funds": "-3"},
    )


def form_of(store: Store, key: str = "dm:U1", owner: str = "user:U1") -> Form:
    with store.turn(key, owner) as t:
        return t.active().form()[0]


def run_threads(targets: list[Callable[[], None]], timeout: float = 60) -> None:
    """Run callables in threads started together; re-raise the first error any of them hit."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait(timeout)
                target()
            except BaseException as error:  # reported to the main thread below
                errors.append(error)

        return run

    threads = [threading.Thread(target=wrap(target)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


# ---- drafts as rows


def test_draft_round_trip_preserves_form_exactly(store: Store) -> None:
    form = sample_form()
    with store.turn("dm:U1", "user:U1") as t:
        created = t.new_draft("2025 申报", form)
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.active()
        loaded, positions = draft.form()
        assert loaded == form
        assert loaded.model_dump(mode="json") == form.model_dump(mode="json")
        assert list(loaded.amount_notes) == list(form.amount_notes)  # key order kept too
        assert loaded.budget.basic_expenditure == Decimal("1234.50")
        change = draft.set(f"indicator:{positions.indicators[0]}.annual_value", "≥300人次")
        assert change == Change(f"indicator:{positions.indicators[0]}.annual_value", "≥200人次", "≥300人次")
        t.rename("2025 申报（修改）")
    [listed] = store.drafts_of("user:U1")
    assert (listed.id, listed.title, listed.header["department"]) == (created.id, "2025 申报（修改）", "某市财政局")
    assert listed.version == 3
    assert listed.updated_at > listed.created_at
    snapshot = store.snapshot(created.id, "user:U1")
    assert snapshot.form.indicators[0].annual_value == "≥300人次"
    assert snapshot.form.amount_notes == form.amount_notes


def test_a_turn_reads_and_writes_only_the_rows_it_touches(store: Store) -> None:
    """Reading one row or one pair does not load the draft; writing one field writes one row
    and one history entry."""
    form = sample_form()
    form.indicators += [Indicator(level1="产出指标", level2="质量指标", name=f"指标{n}", period_value="≥1次")
                        for n in range(300)]
    with store.turn("dm:U1", "user:U1") as t:
        t.new_draft("大表", form)
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.active()
        [quantity] = draft.pair("产出指标", "数量指标")
        assert quantity.data["name"] == "培训人次"
        assert {(p.level1, p.level2): p.count for p in draft.outline()}[("产出指标", "质量指标")] == 300
        draft.set(f"indicator:{quantity.id}.period_value", "≥150人次")
        assert draft.changes == [Change(f"indicator:{quantity.id}.period_value", "", "≥150人次")]
    with store.turn("dm:U1", "user:U1") as t:
        [entry] = t.active().history()
        assert entry.path == f"indicator:{quantity.id}.period_value"


def test_values_are_validated_by_the_form_model(store: Store) -> None:
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.new_draft("x", sample_form())
        with pytest.raises(InvalidChange):
            draft.set("budget.basic_expenditure", "-5")
        with pytest.raises(InvalidChange):
            draft.set("year", 1800)
        assert draft.set("budget.basic_expenditure", "7.1") == Change("budget.basic_expenditure", "1234.50", "7.10")


def test_rows_go_in_place_and_keep_their_ids(store: Store) -> None:
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.new_draft("x", sample_form())
        first = draft.rows.rows(INDICATOR)[0]
        # Squeeze rows in right after the first one until floats run out: renumbered, in order.
        ids = []
        for n in range(60):
            place = draft.rows.ord_after(INDICATOR, draft.rows.row(ids[-1] if ids else first.id).ord)
            ids.append(draft.insert(INDICATOR, {"level1": "产出指标", "level2": "数量指标", "name": f"新{n}"}, ord=place))
        names = [r.data["name"] for r in draft.rows.rows(INDICATOR)]
        assert names == ["培训人次", *[f"新{n}" for n in range(60)], "满意度"]
        assert [r.id for r in draft.rows.rows(INDICATOR)][1:61] == ids
        assert draft.rows.row(first.id).ord == ORD_STEP  # renumbered from the start


def test_restart_resumes_state_and_active_draft(db_url: str, make_store: StoreFactory) -> None:
    first = make_store()
    state = {"step": "indicators", "pending": {"field": "year", "tries": 2}, "note": "下一步"}
    with first.turn("dm:U1", "user:U1") as t:
        assert t.created
        one = t.new_draft("第一份", sample_form())
        t.new_draft("第二份")
        t.switch(one.id)
        t.actor = "user:U1"
        t.active().set("department", "改过的单位")
        t.state.update(state)
    first.close()

    restarted = make_store(db_url)
    with restarted.turn("dm:U1", "user:U1") as t:
        assert not t.created
        assert t.version == 1
        assert t.state == state
        active = t.draft()
        assert active is not None
        assert (active.id, active.title) == (one.id, "第一份")
        assert active.form()[0].department == "改过的单位"
        assert [e.actor for e in active.history()] == ["user:U1"]
        assert sorted(d.title for d in t.list_drafts()) == ["第一份", "第二份"]


def test_lang_is_per_person_and_read_with_the_turn(db_url: str, make_store: StoreFactory) -> None:
    first = make_store()
    assert first.get_lang("U1") is None
    first.set_lang("U1", "en")
    first.set_lang("U2", "zh")
    first.set_lang("U1", "zh")
    first.close()
    restarted = make_store(db_url)
    assert restarted.get_lang("U1") == "zh"
    assert restarted.get_lang("U2") == "zh"
    assert restarted.get_lang("U3") is None
    restarted.set_lang("U3", "en")
    with restarted.turn("dm:U3", "user:U3", user="U3", event_id="Ev-x") as t:
        assert t.lang == "en" and not t.event_done
        t.complete_event("Ev-x")
    with restarted.turn("dm:U3", "user:U3", user="U3", event_id="Ev-x") as t:
        assert t.event_done


# ---- concurrency


def test_concurrent_turns_of_one_conversation_lose_nothing(store: Store) -> None:
    key, owner = "thread:C1:1700000000.0001", "place:thread:C1:1700000000.0001"

    def add_indicator(name: str) -> Callable[[], None]:
        def turn() -> None:
            with store.turn(key, owner) as t:
                draft = t.active()
                time.sleep(0.01)  # widen the read-modify-write window
                draft.insert(INDICATOR, {"level1": "产出指标", "level2": "数量指标", "name": name},
                             ord=draft.rows.ord_after(INDICATOR, None))
                t.state["turns"] = t.state.get("turns", 0) + 1

        return turn

    expected = []
    for round_no in range(20):
        names = [f"指标{round_no}-a", f"指标{round_no}-b"]
        expected += names
        run_threads([add_indicator(names[0]), add_indicator(names[1])])

    with store.turn(key, owner) as t:
        assert sorted(i.name for i in t.active().form()[0].indicators) == sorted(expected)
        assert t.state["turns"] == 40
        assert t.version == 40
        assert len(t.active().history(limit=100)) == 40
        assert len(t.list_drafts()) == 1


def _append_in_process(url: str, label: str, count: int, start: Any) -> None:
    """Worker of the multi-process test: ``count`` turns, each appending one indicator."""
    with Store(url) as worker_store:
        start.wait(30)
        for n in range(count):
            with worker_store.turn("dm:U1", "user:U1") as t:
                draft = t.active()
                time.sleep(0.005)
                draft.insert(INDICATOR, {"name": f"{label}{n}"}, ord=draft.rows.ord_after(INDICATOR, None))


def test_concurrent_turns_from_two_processes_lose_nothing(store: Store, db_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_append_in_process, args=(db_url, label, 15, start))
        for label in ("p", "q")
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    [draft] = store.drafts_of("user:U1")
    names = sorted(i.name for i in store.snapshot(draft.id, "user:U1").form.indicators)
    assert names == sorted([f"p{n}" for n in range(15)] + [f"q{n}" for n in range(15)])


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite has one writer at a time
def test_two_conversations_of_one_owner_do_not_overwrite_each_other(store: Store) -> None:
    """A turn whose draft another conversation changed after it was read is refused."""
    with store.turn("dm:U1", "user:U1") as t:
        draft_id = t.new_draft("x").id
    with store.turn("cli:U1", "user:U1") as t:
        t.switch(draft_id)
    with pytest.raises(DraftChanged), store.turn("dm:U1", "user:U1") as slow:
        slow.active().set("department", "甲")
        with store.turn("cli:U1", "user:U1") as fast:  # commits in between (SQLite: waits)
            fast.active().set("overall_goal", "乙")
    assert form_of(store).overall_goal == "乙"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_busy_conversation_does_not_block_others(store: Store) -> None:
    entered, release = threading.Event(), threading.Event()
    finished: dict[str, str] = {}

    def slow_turn() -> None:
        with store.turn("dm:UA", "user:UA") as t:
            t.active().set("department", "A 单位")
            entered.set()
            release.wait(30)

    def other_conversation() -> None:
        with store.turn("dm:UB", "user:UB") as t:
            t.active().set("department", "B 单位")
        finished["other"] = "done"

    def same_conversation() -> None:
        with store.turn("dm:UA", "user:UA") as t:
            finished["same"] = t.active().form()[0].department

    holder = threading.Thread(target=slow_turn)
    holder.start()
    try:
        assert entered.wait(10)
        other = threading.Thread(target=other_conversation)
        other.start()
        other.join(5)
        assert not other.is_alive(), "a turn of another conversation waited for the busy one"
        assert finished["other"] == "done"

        same = threading.Thread(target=same_conversation)
        same.start()
        same.join(0.5)
        assert same.is_alive(), "a second turn of the busy conversation did not wait"
    finally:
        release.set()
        holder.join(10)
    same.join(10)
    assert finished["same"] == "A 单位"


# ---- ownership and sharing


def test_owner_only_reaches_own_drafts(store: Store) -> None:
    with store.turn("dm:UA", "user:UA") as t:
        alice_draft = t.new_draft("Alice 的草稿", Form(department="甲单位"))
    with store.turn("dm:UB", "user:UB") as t:
        bob_draft = t.new_draft("Bob 的草稿")

    with store.turn("dm:UB", "user:UB") as t:
        assert [d.id for d in t.list_drafts()] == [bob_draft.id]
        for guess in range(0, alice_draft.id + bob_draft.id + 5):
            if guess == bob_draft.id:
                continue
            with pytest.raises(NotYourDraft):
                t.switch(guess)
        with pytest.raises(NotYourDraft):
            t.switch("not-a-number")  # type: ignore[arg-type]
        assert t.active().id == bob_draft.id
    with pytest.raises(NotYourDraft):
        store.snapshot(alice_draft.id, "user:UB")
    assert [d.title for d in store.drafts_of("user:UB")] == ["Bob 的草稿"]
    with pytest.raises(NotYourConversation), store.turn("dm:UA", "user:UB"):
        pass
    assert form_of(store, "dm:UA", "user:UA").department == "甲单位"


def test_a_shared_thread_draft_is_listed_for_everyone_who_took_part(store: Store) -> None:
    place, owner = "thread:C1:1700000000.0001", "place:thread:C1:1700000000.0001"
    for actor, path, value in (("U1", "department", "市教育局"), ("U2", "overall_goal", "提高教学质量")):
        with store.turn(place, owner, user=actor) as t:
            t.actor = actor
            t.active().set(path, value)
            t.join(actor)
    with store.turn(place, owner) as t:
        draft = t.active()
        assert [(e.actor, e.path, e.new) for e in draft.history()] == [
            ("U2", "overall_goal", "提高教学质量"), ("U1", "department", "市教育局")]
        assert t.participants() == ["U1", "U2"]
    assert store.drafts_of("user:U1") == []
    [(conversation, listed)] = store.shared_drafts_of("U2")
    assert conversation == place and listed.header["department"] == "市教育局"
    assert store.shared_drafts_of("U3") == []


def test_a_summary_is_kept_with_the_draft_without_a_new_version(store: Store) -> None:
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.new_draft("x", sample_form())
    [before] = store.drafts_of("user:U1")
    store.set_summary(draft.id, "user:U1", {"version": before.version, "errors": 2})
    [after] = store.drafts_of("user:U1")
    assert after.summary == {"version": before.version, "errors": 2} and after.version == before.version
    store.set_summary(draft.id, "user:U2", {"errors": 99})  # not theirs: nothing happens
    assert store.drafts_of("user:U1")[0].summary == {"version": before.version, "errors": 2}


# ---- transactions


def test_exception_inside_a_turn_writes_nothing(store: Store) -> None:
    with store.turn("dm:U1", "user:U1") as t:
        t.active().set("department", "原单位")
        t.state["step"] = 1
        original_id = t.active().id

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.turn("dm:U1", "user:U1") as t:
        t.active().set("department", "半途而废")
        t.state["step"] = 2
        t.new_draft("不该存在")
        assert t.claim_event("Ev-rolled-back")
        raise Boom

    with store.turn("dm:U1", "user:U1") as t:
        assert t.state == {"step": 1}
        assert t.active().id == original_id
        assert t.active().form()[0].department == "原单位"
        assert [e.new for e in t.active().history()] == ["原单位"]
        assert len(t.list_drafts()) == 1
    assert store.claim_event("Ev-rolled-back")


def test_unsaveable_state_rolls_the_turn_back(store: Store) -> None:
    with pytest.raises(TypeError), store.turn("dm:U1", "user:U1") as t:
        t.new_draft("x", Form(department="新单位"))
        t.state["bad"] = object()
    assert store.drafts_of("user:U1") == []


# ---- Slack event de-duplication


def test_event_is_claimed_once_across_processes(db_url: str, make_store: StoreFactory) -> None:
    first, second = make_store(), make_store(db_url)
    assert first.claim_event("Ev001")
    assert not second.claim_event("Ev001")
    assert not first.claim_event("Ev001")

    for n in range(5):
        event_id = f"Ev1{n}"
        results: list[bool] = []

        def claim(claimer: Store, event_id: str = event_id, results: list[bool] = results) -> None:
            results.append(claimer.claim_event(event_id))

        run_threads([functools.partial(claim, s) for s in [first, second] * 4])
        assert sorted(results) == [False] * 7 + [True]


def test_pruned_or_released_events_can_be_claimed_again(store: Store) -> None:
    assert store.claim_event("Ev1")
    assert store.claim_event("Ev2")
    assert store.prune_events(timedelta(hours=1)) == 0
    assert not store.claim_event("Ev1")
    assert store.prune_events(datetime.now(UTC) + timedelta(seconds=1)) == 2
    assert store.claim_event("Ev1")
    store.release_event("Ev1")
    assert store.claim_event("Ev1")


# ---- undo


def test_undo_reverts_change_sets_exactly(store: Store) -> None:
    key, owner = "thread:C2:1", "place:thread:C2:1"
    with store.turn(key, owner) as t:
        t.new_draft("草稿", sample_form())
    original = sample_form()
    with store.turn(key, owner) as t:
        t.actor = "U1"
        draft = t.active()
        draft.set("department", "某市教育局")
        draft.set("budget.basic_expenditure", "99.9")
        task = draft.tasks()[0]
        draft.insert(ITEM, {"content": "新增一行", "amount": "3", "goal": "x"},
                     ord=draft.rows.ord_after(ITEM, None, parent_id=task.id), parent_id=task.id)
        first_turn = t.turn_id
    after_first = form_of(store, key, owner)
    with store.turn(key, owner) as t:
        t.actor = "U2"
        draft = t.active()
        draft.set("year", 2026)
        draft.delete(TASK, draft.tasks()[0].id)  # the task and its three rows
        for row in draft.rows.rows(INDICATOR):
            draft.delete(INDICATOR, row.id)
    assert form_of(store, key, owner).tasks == [] and form_of(store, key, owner).indicators == []

    with store.turn(key, owner) as t:
        draft = t.active()
        assert draft.last_change_set(actor="U1").turn_id == first_turn  # type: ignore[union-attr]
        latest = draft.last_change_set()
        assert latest is not None and latest.actor == "U2"
        draft.undo(latest, t.turn_id)
    assert form_of(store, key, owner) == after_first
    with store.turn(key, owner) as t:
        draft = t.active()
        previous = draft.last_change_set()
        assert previous is not None and previous.turn_id == first_turn
        draft.undo(previous, t.turn_id)
    with store.turn(key, owner) as t:
        draft = t.active()
        assert draft.form()[0] == original
        assert draft.last_change_set() is None
        assert all(e.undone_by or e.undoes for e in draft.history(limit=100))
        with pytest.raises(ValueError):
            draft.undo(previous, t.turn_id)  # already undone


def test_replacing_the_whole_form_is_one_change_and_undone_as_one(store: Store) -> None:
    with store.turn("dm:U1", "user:U1") as t:
        t.new_draft("x", sample_form())
    with store.turn("dm:U1", "user:U1") as t:
        t.active().replace(Form(department="全新的表"))
    with store.turn("dm:U1", "user:U1") as t:
        draft = t.active()
        assert draft.form()[0] == Form(department="全新的表")
        change_set = draft.last_change_set()
        assert change_set is not None and [c.path for c in change_set.changes] == ["form"]
        draft.undo(change_set, t.turn_id)
    assert form_of(store) == sample_form()


# ---- database outages


def test_unreachable_database_raises_store_unavailable() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        Store("postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # (SQLite's pool does not queue)
def test_a_pool_with_no_free_connection_is_store_unavailable(db_url: str, make_store: StoreFactory) -> None:
    busy = make_store(pool_size=1)  # one pooled connection and one overflow
    busy._engine.pool._timeout = 0.2  # type: ignore[attr-defined]  # (pool_timeout: 30 s by default)
    held = [busy._engine.connect(), busy._engine.connect()]
    try:
        with pytest.raises(StoreUnavailable), busy.turn("dm:U1", "user:U1"):
            pass  # told "try again shortly", not an internal error
        with pytest.raises(StoreUnavailable):
            busy.get_lang("U1")
    finally:
        for conn in held:
            conn.close()
    with busy.turn("dm:U1", "user:U1") as t:
        assert t.state == {}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_store_reports_outage_and_recovers_by_itself(db_url: str, make_store: StoreFactory) -> None:
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        via_proxy = url.set(host="127.0.0.1", port=proxy.port)
        flaky = make_store(via_proxy.render_as_string(hide_password=False))
        flaky.set_lang("U1", "zh")
        with flaky.turn("dm:U1", "user:U1") as t:
            t.active().set("department", "原单位")

        proxy.stop()
        with pytest.raises(StoreUnavailable):
            flaky.get_lang("U1")
        with pytest.raises(StoreUnavailable), flaky.turn("dm:U1", "user:U1"):
            pass

        proxy.start()
        assert flaky.get_lang("U1") == "zh"  # pooled connections are dead: replaced at once

        with pytest.raises(StoreUnavailable), flaky.turn("dm:U1", "user:U1") as t:
            t.state["step"] = "lost"
            t.active().set("department", "半途")
            proxy.stop()
            t.active().set("overall_goal", "x")
        proxy.start()
        with flaky.turn("dm:U1", "user:U1") as t:
            assert t.active().form()[0].department == "原单位"
            assert t.state == {}
    finally:
        proxy.stop()


# ---- configuration


def test_default_database_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with Store() as default:
        default.set_lang("U1", "en")
    assert (tmp_path / "declbot.sqlite3").exists()

    chosen = tmp_path / "chosen.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{chosen}")
    with Store() as configured:
        assert configured.get_lang("U1") is None
        configured.set_lang("U1", "zh")
    with Store(f"sqlite:///{chosen}") as reopened:
        assert reopened.get_lang("U1") == "zh"


def test_url_resolution() -> None:
    assert resolve_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ValueError):
        resolve_url("sqlite://")
    with pytest.raises(ValueError):
        resolve_url("mysql://u@h/db")


def test_a_check_whose_question_was_answered_meanwhile_writes_nothing(store: Store) -> None:
    from bot.engine import Engine
    from bot.types import Turn

    engine = Engine(store)

    def turns_committed() -> int:
        with store.turn("dm:U1", "user:U1") as t:
            t.leave_unchanged()  # looking counts no turn either
            return t.version

    engine.handle(Turn("dm:U1", "U1", text="市档案馆"))
    checking = engine.apply(Turn("dm:U1", "U1", text="表格完整吗？"))
    assert [j.kind for j in checking.jobs] == ["check"]
    engine.handle(Turn("dm:U1", "U1", text="2026"))  # answered before the report is out
    before = turns_committed()
    replies = engine.run_jobs(checking.jobs)
    assert any(r.kind == "report" for r in replies)
    assert turns_committed() == before  # its offers were not recorded, and nothing was written
