"""A whole row entered at once (bot.row_entry), through the engine: judged like the chat, one
change set, nothing saved when a field is refused, the conversation going on afterwards; the
terminal (which has no forms) leaves the form choice out."""

from __future__ import annotations

import pytest

from bot.conversation import split_choice
from bot.engine import Engine
from bot.row_entry import RowEntry, RowForm, parse_target, row_target_at
from bot.state import Pos
from bot.store import Store
from bot.terminal import render
from bot.types import Reply, Turn
from tests.chat import Chat

BUDGET = ["1000", "200", "1100", "100", "150", "50", "900", "300"]


@pytest.fixture
def engine(store: Store) -> Engine:
    return Engine(store)


def walk_to_tasks(chat: Chat) -> None:
    chat.open()
    for answer in ["广州市协作办公室", "2025", *BUDGET, "完成协作任务"]:
        chat.say(answer)


def walk_to_quality(chat: Chat) -> None:
    walk_to_tasks(chat)
    chat.say("跳过")  # no task
    chat.say("跳过")  # no other tasks
    chat.click("ind.name:skip")  # nothing for 数量指标
    assert "【绩效指标 › 产出指标 › 质量指标，第 1 项】" in chat.text


def form_choice(chat: Chat) -> tuple[str, int | None]:
    [value] = [c.value for r in chat.replies for c in r.choices if c.form]
    target, question = split_choice(value)
    return target.removeprefix("form:"), question


def opened(engine: Engine, chat: Chat) -> RowForm:
    target, question = form_choice(chat)
    form = engine.row_form(Turn(chat.conversation, chat.user), target, question)
    assert isinstance(form, RowForm), form
    return form


def save(engine: Engine, chat: Chat, form: RowForm, values: dict[str, str], submission: str | None = None):  # type: ignore[no-untyped-def]
    saved = engine.save_row(Turn(chat.conversation, chat.user), RowEntry(form.target, values, form.question, submission))
    chat.replies = saved.applied.replies
    return saved


def test_the_form_choice_is_for_front_ends_with_forms(engine: Engine) -> None:
    chat = Chat(engine)
    walk_to_tasks(chat)
    question = chat.replies[-1]
    assert [(c.label, c.form) for c in question.choices] == [("跳过", False), ("用表单填写", True)]
    assert render(question).endswith("  1) 跳过")  # the terminal lists no form choice
    chat.say("2")  # not the number of an offered choice: read as the task's name (and refused)
    assert chat.text.startswith("未记录：「2」像是金额或指标值，不是任务名称。")


def test_targets_name_the_row_a_question_is_about() -> None:
    assert row_target_at(Pos(step="task.name")) == "task:new"
    assert row_target_at(Pos(step="task.name", task=7)) == "task:7"
    assert row_target_at(Pos(step="item.amount", task=7)) == "task:7/new"
    assert row_target_at(Pos(step="item.goal", task=7, item=9)) == "item:9"
    assert row_target_at(Pos(step="task.more", task=7)) == "task:7/new"
    assert row_target_at(Pos(step="ind.annual_value", ind=12, l1="a", l2="b")) == "indicator:12"
    assert row_target_at(Pos(step="ind.more", ind=12, l1="产出指标", l2="数量指标")) == "pair:产出指标/数量指标"
    assert row_target_at(Pos(step="department")) is None
    assert parse_target("indicator:12.annual_value") == parse_target("indicator:12")
    assert str(parse_target("item:9.amount")) == "item:9" and parse_target("budget.other_funds") is None


def test_a_row_in_english_with_its_notes_and_fixes_then_undone_as_one(engine: Engine) -> None:
    chat = Chat(engine)
    walk_to_quality(chat)
    chat.say("lang en")
    form = opened(engine, chat)
    assert form.where == "绩效指标 › 产出指标 › 质量指标, item 1"
    assert [f.label("en") for f in form.fields] == [
        "level-1 indicator", "level-2 indicator", "level-3 indicator", "period value", "annual value"]
    saved = save(engine, chat, form, {"level1": "产出指标", "level2": "质量指标", "name": "培训人员合格",
                                      "period_value": "95%", "annual_value": "≥95%"})
    assert saved.saved and saved.errors == {}
    text = chat.text
    assert text.startswith("Saved (form): 绩效指标 › 产出指标 › 质量指标, item 1\n• level-1 indicator = 产出指标")
    assert "• level-3 indicator = 培训人员合格率 (you typed '培训人员合格')" in text  # the library's name
    assert "Note: [V02]" in text  # 95% has no comparator: saved, with the chat's warning
    [fix] = [c for c in chat.replies[-1].choices if c.value.startswith("fix:")]
    assert split_choice(fix.value)[0].endswith(".period_value|≥95%")
    chat.click(split_choice(fix.value)[0])
    chat.say("查看")
    assert "培训人员合格率" in chat.text and "≥95%" in chat.text
    chat.say("undo")  # the fix
    chat.say("undo")  # the whole row, in one step
    chat.say("show")
    assert "培训人员合格率" not in chat.text


def test_nothing_is_saved_when_a_field_is_refused(engine: Engine, store: Store) -> None:
    chat = Chat(engine)
    walk_to_tasks(chat)
    form = opened(engine, chat)
    saved = save(engine, chat, form, {"name": "", "content": "x" * 10_001, "amount": "abc", "goal": "完成"})
    assert set(saved.errors) == {"name", "content", "amount"} and not saved.saved
    assert "主要实施内容" in saved.errors["content"] and "10000" in saved.errors["content"].replace(",", "")
    assert chat.replies == []
    [draft] = store.drafts_of("user:U1")
    assert store.snapshot(draft.id, draft.owner).form.tasks == []


def test_a_name_already_in_its_pair_is_refused_and_an_ambiguous_one_kept_with_a_note(engine: Engine) -> None:
    chat = Chat(engine)
    walk_to_quality(chat)
    form = opened(engine, chat)
    row = {"level1": "产出指标", "level2": "质量指标", "name": "培训合格", "period_value": "≥90%"}
    assert save(engine, chat, form, row).saved
    assert "「培训合格」不是指标库里的名称，已按你写的记录；库中相近的有：培训合格率、干部培训班培训合格率、培训人员合格率。" in chat.text
    again = opened(engine, chat)  # at 「再加一项」: a new indicator of the pair
    assert again.target == "pair:产出指标/质量指标"
    refused = save(engine, chat, again, row | {"name": "培训合格 "})
    assert refused.errors == {"name": "「培训合格」已经在 产出指标 › 质量指标 里了（第 1 项）；要修改它，请在那一项上打开表单。"}


def test_a_form_saved_after_its_question_moved_on_keeps_the_conversation_where_it_is(engine: Engine, store: Store) -> None:
    chat = Chat(engine)
    walk_to_tasks(chat)
    form = opened(engine, chat)
    chat.say("跳过")  # the question is answered by typing meanwhile
    assert "【其他需完成的任务（可选填）】" in chat.text
    stale = engine.row_form(Turn(chat.conversation, chat.user), *form_choice_of(form))
    assert isinstance(stale, Reply) and stale.kind == "stale_choice"
    saved = save(engine, chat, form, {"name": "对口帮扶", "content": "培训", "amount": "12", "goal": "完成"})
    assert saved.saved
    assert chat.text.startswith("已记录（表单）：年度重点工作任务 › 第 1 项 › 第 1 行")
    assert "\n\n【其他需完成的任务（可选填）】" in chat.text  # asked again: still the question
    [draft] = store.drafts_of("user:U1")
    [task] = store.snapshot(draft.id, draft.owner).form.tasks
    assert task.name == "对口帮扶" and len(task.items) == 1


def form_choice_of(form: RowForm) -> tuple[str, int | None]:
    return form.target, form.question


def test_a_row_gone_before_its_form_is_saved(engine: Engine, store: Store) -> None:
    chat = Chat(engine)
    walk_to_quality(chat)
    form = opened(engine, chat)
    assert save(engine, chat, form, {"level1": "产出指标", "level2": "质量指标", "name": "培训合格率",
                                     "period_value": "≥90%"}).saved
    chat.say("修改 培训合格率")
    edit = opened(engine, chat)
    assert edit.target.startswith("indicator:") and edit.values["name"] == "培训合格率"
    chat.say("撤销")  # the indicator is gone again
    gone = save(engine, chat, edit, {"period_value": "≥95%"})
    assert gone.errors == {"level1": "这一行已经不在草稿里了（可能被撤销或替换），表单没有保存。"}
    [draft] = store.drafts_of("user:U1")
    assert store.snapshot(draft.id, draft.owner).form.indicators == []


def test_the_row_forms_hint_never_names_another_departments_own_indicators() -> None:
    from bot.row_entry import library_names

    names = library_names("产出指标", "数量指标")
    assert names and "广州对口帮扶省内镇数量" not in names  # the seed's own work, as in the chat
    assert "协助国内各地市来穗开展招商推介和经贸考察交流活动次数" not in names
