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
    Change,
    NotYourConversation,
    NotYourDraft,
    Store,
    StoreUnavailable,
    resolve_url,
)
from form_model.models import Budget, Form, Indicator, Task, TaskItem
from tests.tcp_proxy import TcpProxy

# The fixtures db_url, make_store and store (a conftest importing them makes this redundant).
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


def set_path(form: Form, path: str, value: Any) -> Form:
    """What the engine does with a Change: set a dotted path of the form's JSON to a value."""
    data = form.model_dump(mode="json")
    *parents, leaf = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[leaf] = value
    return Form.model_validate(data)


def apply_changes(form: Form, changes: list[Change]) -> Form:
    for change in changes:
        form = set_path(form, change.path, change.new)
    return form


def edit(
    store: Store, key: str, owner: str, actor: str, changes: list[Change]
) -> tuple[Form, str]:
    """One turn that applies ``changes`` to the active draft; returns the form and turn id."""
    with store.turn(key, owner) as t:
        form = apply_changes(t.form(), changes)
        t.save_form(form, actor, changes)
        return form, t.turn_id


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


# ---- drafts and restarts


def test_draft_round_trip_preserves_form_exactly(store: Store) -> None:
    form = sample_form()
    with store.turn("dm:U1", "user:U1") as t:
        created = t.new_draft("2025 申报", form)
    with store.turn("dm:U1", "user:U1") as t:
        loaded = t.form()
        assert loaded == form
        assert loaded.model_dump(mode="json") == form.model_dump(mode="json")
        assert list(loaded.amount_notes) == list(form.amount_notes)  # key order kept too
        assert loaded.budget.basic_expenditure == Decimal("1234.50")
        loaded.indicators[0].annual_value = "≥300人次"
        t.save_form(loaded, "user:U1", [Change("indicators.0.annual_value", "≥200人次", "≥300人次")])
        t.rename("2025 申报（修改）")
    [listed] = store.drafts_of("user:U1")
    assert listed.id == created.id
    assert listed.title == "2025 申报（修改）"
    assert listed.form == loaded
    assert listed.form != form
    assert listed.version == 3
    assert listed.updated_at > listed.created_at


def test_restart_resumes_state_and_active_draft(db_url: str, make_store: StoreFactory) -> None:
    first = make_store()
    state = {"step": "indicators", "pending": {"field": "year", "tries": 2}, "note": "下一步"}
    with first.turn("dm:U1", "user:U1") as t:
        assert t.created
        one = t.new_draft("第一份", sample_form())
        t.new_draft("第二份")
        t.switch(one.id)
        form = t.form()
        form.department = "改过的单位"
        t.save_form(form, "user:U1", [Change("department", "某市财政局", "改过的单位")])
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
        assert active.form == form
        assert [e.actor for e in t.history()] == ["user:U1"]
        assert [d.title for d in t.list_drafts()] == ["第一份", "第二份"]


def test_lang_is_per_person_and_survives_restart(db_url: str, make_store: StoreFactory) -> None:
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


# ---- concurrency


def test_concurrent_turns_of_one_conversation_lose_nothing(store: Store) -> None:
    key, owner = "thread:C1:1700000000.0001", "thread:C1:1700000000.0001"

    def add_indicator(name: str, actor: str) -> Callable[[], None]:
        def turn() -> None:
            with store.turn(key, owner) as t:
                form = t.form()
                time.sleep(0.01)  # widen the read-modify-write window
                form.indicators.append(Indicator(name=name))
                t.save_form(form, actor, [Change(f"indicators.{len(form.indicators) - 1}", None, name)])
                t.state["turns"] = t.state.get("turns", 0) + 1

        return turn

    expected = []
    for round_no in range(20):
        names = [f"指标{round_no}-a", f"指标{round_no}-b"]
        expected += names
        run_threads([add_indicator(names[0], "user:UA"), add_indicator(names[1], "user:UB")])

    with store.turn(key, owner) as t:
        assert sorted(i.name for i in t.form().indicators) == sorted(expected)
        assert t.state["turns"] == 40
        assert t.version == 40
        assert len(t.history(limit=100)) == 40
        assert len(t.list_drafts()) == 1


def _append_in_process(url: str, label: str, count: int, start: Any) -> None:
    """Worker of the multi-process test: ``count`` turns, each appending one indicator."""
    with Store(url) as worker_store:
        start.wait(30)
        for n in range(count):
            with worker_store.turn("dm:U1", "user:U1") as t:
                form = t.form()
                time.sleep(0.005)
                form.indicators.append(Indicator(name=f"{label}{n}"))
                t.save_form(form, "user:U1", [])


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
    names = sorted(i.name for i in draft.form.indicators)
    assert names == sorted([f"p{n}" for n in range(15)] + [f"q{n}" for n in range(15)])


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_busy_conversation_does_not_block_others(store: Store) -> None:
    entered, release = threading.Event(), threading.Event()
    finished: dict[str, str] = {}

    def slow_turn() -> None:
        with store.turn("dm:UA", "user:UA") as t:
            form = t.form()
            form.department = "A 单位"
            t.save_form(form, "user:UA", [Change("department", "", "A 单位")])
            entered.set()
            release.wait(30)

    def other_conversation() -> None:
        with store.turn("dm:UB", "user:UB") as t:
            form = t.form()
            form.department = "B 单位"
            t.save_form(form, "user:UB", [])
        finished["other"] = "done"

    def same_conversation() -> None:
        with store.turn("dm:UA", "user:UA") as t:
            finished["same"] = t.form().department

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
    assert finished["same"] == "A 单位"  # it ran after the first turn and saw its change


# ---- ownership


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
        active = t.draft()
        assert active is not None and active.id == bob_draft.id
        assert t.form().department == ""

    assert [d.title for d in store.drafts_of("user:UB")] == ["Bob 的草稿"]
    assert [d.title for d in store.drafts_of("user:UA")] == ["Alice 的草稿"]
    with pytest.raises(NotYourConversation), store.turn("dm:UA", "user:UB"):
        pass
    with store.turn("dm:UA", "user:UA") as t:
        assert t.form().department == "甲单位"


def test_shared_thread_draft_is_edited_by_everyone_with_history(store: Store) -> None:
    place = "thread:C1:1700000000.0001"
    edit(store, place, place, "user:U1", [Change("department", "", "市教育局")])
    edit(store, place, place, "user:U2", [Change("overall_goal", "", "提高教学质量")])
    with store.turn(place, place) as t:
        form = t.form()
        assert (form.department, form.overall_goal) == ("市教育局", "提高教学质量")
        assert [(e.actor, e.path, e.old, e.new) for e in t.history()] == [
            ("user:U2", "overall_goal", "", "提高教学质量"),
            ("user:U1", "department", "", "市教育局"),
        ]
    assert len(store.drafts_of(place)) == 1
    assert store.drafts_of("user:U1") == []
    assert store.drafts_of("user:U2") == []


# ---- transactions


def test_exception_inside_a_turn_writes_nothing(store: Store) -> None:
    edit(store, "dm:U1", "user:U1", "user:U1", [Change("department", "", "原单位")])
    with store.turn("dm:U1", "user:U1") as t:
        t.state["step"] = 1
        original_id = t.draft().id  # type: ignore[union-attr]

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.turn("dm:U1", "user:U1") as t:
        edit_form = set_path(t.form(), "department", "半途而废")
        t.save_form(edit_form, "user:U1", [Change("department", "原单位", "半途而废")])
        t.state["step"] = 2
        t.new_draft("不该存在")
        assert t.claim_event("Ev-rolled-back")
        raise Boom

    with store.turn("dm:U1", "user:U1") as t:
        assert t.state == {"step": 1}
        assert t.draft().id == original_id  # type: ignore[union-attr]
        assert t.form().department == "原单位"
        assert [e.new for e in t.history()] == ["原单位"]
        assert len(t.list_drafts()) == 1
    assert store.claim_event("Ev-rolled-back")  # the claim went with the failed turn


def test_unsaveable_state_rolls_the_turn_back(store: Store) -> None:
    with pytest.raises(TypeError), store.turn("dm:U1", "user:U1") as t:
        t.save_form(Form(department="新单位"), "user:U1", [Change("department", "", "新单位")])
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


def test_undo_data_reverts_change_sets_exactly(store: Store) -> None:
    key, owner = "thread:C2:1", "thread:C2:1"
    with store.turn(key, owner) as t:
        t.new_draft("草稿", sample_form())
    original = sample_form()
    after_first, first_turn = edit(store, key, owner, "user:U1", [
        Change("department", "某市财政局", "某市教育局"),
        Change("budget.basic_expenditure", "1234.50", "99.90"),
        Change("amount_notes", original.amount_notes, {}),
    ])
    after_second, _ = edit(store, key, owner, "user:U2", [
        Change("year", 2025, 2026),
        Change("indicators", [i.model_dump() for i in original.indicators], []),
        Change("department", "某市教育局", "某市卫健委"),
    ])
    assert after_second.department == "某市卫健委"

    with store.turn(key, owner) as t:
        assert t.last_change_set(actor="user:U1").turn_id == first_turn  # type: ignore[union-attr]
        latest = t.last_change_set()
        assert latest is not None and latest.actor == "user:U2"
        reverted = apply_changes(t.form(), latest.inverse())
        t.save_form(reverted, "user:U2", latest.inverse(), undoes=latest.turn_id)
    with store.turn(key, owner) as t:
        assert t.form() == after_first
        previous = t.last_change_set()
        assert previous is not None and previous.turn_id == first_turn
        reverted = apply_changes(t.form(), previous.inverse())
        t.save_form(reverted, "user:U1", previous.inverse(), undoes=previous.turn_id)
    with store.turn(key, owner) as t:
        assert t.form() == original
        assert t.form().model_dump(mode="json") == original.model_dump(mode="json")
        assert t.last_change_set() is None
        entries = t.history(limit=100)
        assert all(e.undone_by or e.undoes for e in entries)
        with pytest.raises(ValueError):
            t.mark_undone(first_turn)  # already undone


# ---- database outages


def test_unreachable_database_raises_store_unavailable() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        Store("postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_store_reports_outage_and_recovers_by_itself(
    db_url: str, make_store: StoreFactory
) -> None:
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        via_proxy = url.set(host="127.0.0.1", port=proxy.port)
        flaky = make_store(via_proxy.render_as_string(hide_password=False))
        flaky.set_lang("U1", "zh")
        edit(flaky, "dm:U1", "user:U1", "user:U1", [Change("department", "", "原单位")])

        proxy.stop()
        with pytest.raises(StoreUnavailable):
            flaky.get_lang("U1")
        with pytest.raises(StoreUnavailable), flaky.turn("dm:U1", "user:U1"):
            pass

        proxy.start()
        assert flaky.get_lang("U1") == "zh"

        with pytest.raises(StoreUnavailable), flaky.turn("dm:U1", "user:U1") as t:
            t.state["step"] = "lost"
            form = set_path(t.form(), "department", "半途")
            proxy.stop()
            t.save_form(form, "user:U1", [Change("department", "原单位", "半途")])
        proxy.start()
        with flaky.turn("dm:U1", "user:U1") as t:
            assert t.form().department == "原单位"
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
