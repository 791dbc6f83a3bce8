"""A whole row in a modal, end to end through ``declbot serve --http`` and the fake Slack (which
refuses views over Slack's limits): opened from a question's 「用表单填写」 and from a finding's
「用表单修改」, a refused field shown on its input and nothing saved, the row saved as one turn
(undone as one), and the conversation going on with its next question."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from bot.row_entry import ITEM_FIELDS, ITEM_ROW, RowForm
from bot.store import Store
from form_model.models import Form, Indicator, Task, TaskItem
from handlers.modal_view import ModalMeta, row_modal, submitted_values
from handlers.places import thread_key
from tests.fake_slack import FakeSlack, Message
from tests.slack_harness import Endpoint, ServeProcess, dm_of, modal_errors, new_user, unique
from tests.slack_limits import view_refusal

BUDGET = ["1000", "200", "1100", "100", "150", "50", "900", "300"]


def draft_of(process: ServeProcess, user: str) -> Form:
    """The person's active DM draft, read from the served app's database."""
    with Store(process.database_url) as store:
        [draft] = store.drafts_of(f"user:{user}")
        return store.snapshot(draft.id, draft.owner).form


def form_button(message: Message) -> dict[str, Any]:
    [button] = [b for b in message.buttons() if b["action_id"].startswith("declbot_form_")]
    return button


def opened(slack: FakeSlack, count: int) -> dict[str, Any]:
    """The count-th modal opened (views.open), as Slack now shows it."""
    slack.wait(lambda: len(slack.modals) >= count, what=f"modal {count}")
    return slack.modals[count - 1]


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"].removeprefix("row_"): b for b in view["blocks"] if b["type"] == "input"}


class Person:
    def __init__(self, served: Endpoint, user: str) -> None:
        self.served, self.user, self.dm = served, user, dm_of(user)

    def say(self, text: str, count: int = 1) -> list[Message]:
        return self.served.exchange(self.dm, count, lambda: self.served.dm(self.user, text))

    def click(self, message: Message, value: str, count: int = 1) -> list[Message]:
        return self.served.exchange(self.dm, count, lambda: self.served.click(self.user, message, value))

    def to_tasks(self) -> Message:
        """Start, and answer everything before the first task's name."""
        self.say("你好", 2)
        for answer in ["广州市协作办公室", "2025", *BUDGET]:
            self.say(answer)
        return self.say("1. 完成东西部协作任务")[0]


@pytest.fixture
def person(served: Endpoint) -> Person:
    return Person(served, new_user())


def test_a_task_row_in_a_modal_from_the_question(person: Person, served: Endpoint, slack: FakeSlack,
                                                  served_process: ServeProcess) -> None:
    asked = person.to_tasks()
    assert "【年度重点工作任务 › 第 1 项 › 名称】" in asked.shown()
    button = form_button(asked)
    assert button["text"]["text"] == "用表单填写" and button["value"].startswith("form:task:new~")
    before = copy.deepcopy(asked.blocks)

    # The button opens the modal (the question is left as it is: the person may still type).
    assert served.click(person.user, asked, button["value"]).status == 200
    view = opened(slack, 1)
    assert slack.calls_to("views.open")[0].params["trigger_id"].startswith("trig.")
    assert view["title"]["text"] == "年度重点工作任务" and view["callback_id"] == "declbot_row"
    assert view["blocks"][0]["elements"][0]["text"] == "年度重点工作任务 › 第 1 项"
    fields = inputs(view)
    assert [(k, b["label"]["text"]) for k, b in fields.items()] == [
        ("name", "名称"), ("content", "主要实施内容"), ("amount", "拟投入的资金（万元）"), ("goal", "期望达到的目标（概述）")]
    assert fields["name"]["element"]["max_length"] == 200 and fields["content"]["element"]["multiline"]
    assert asked.blocks == before and asked.updates == 0

    row = {"name": "推动国内区域合作", "content": "组织来穗招商推介和经贸考察", "amount": "abc",
           "goal": "促成经贸签约 2 亿元"}
    # A refused amount: shown on its input, and nothing is saved.
    refused = served.submit_view(person.user, view, row)
    assert modal_errors(refused, view) == {"amount": "[B09] 金额无法识别：「abc」不是金额"}
    assert draft_of(served_process, person.user).tasks == []
    assert len(slack.in_place(person.dm)) == 13  # nothing was said in the chat

    # Saved: the modal closes (an empty answer), the chat says what was recorded and goes on.
    saved = served.exchange(person.dm, 1, lambda: served.submit_view(person.user, view, row | {"amount": "120.5"}))
    assert saved[0].shown() == (
        "已记录（表单）：年度重点工作任务 › 第 1 项 › 第 1 行\n• 名称 = 推动国内区域合作\n"
        "• 主要实施内容 = 组织来穗招商推介和经贸考察\n• 拟投入的资金（万元） = 120.50\n"
        "• 期望达到的目标（概述） = 促成经贸签约 2 亿元\n\n【年度重点工作任务 › 第 1 项】\n"
        "「推动国内区域合作」已记录 1 行。接下来？")
    assert [b["text"]["text"] for b in saved[0].buttons()] == ["再加一行实施内容", "再加一项任务", "任务填完了", "用表单填写"]
    assert form_button(saved[0])["value"].startswith("form:task:")
    assert draft_of(served_process, person.user).tasks == [Task(name="推动国内区域合作", items=[TaskItem(
        content="组织来穗招商推介和经贸考察", amount=Decimal("120.5"), goal="促成经贸签约 2 亿元")])]

    # The same modal submitted again (a retry) saves nothing more.
    again = served.exchange(person.dm, 1, lambda: served.submit_view(person.user, view, row | {"amount": "120.5"}))
    assert again[0].shown() == "这张表单已经保存过了。"
    assert len(draft_of(served_process, person.user).tasks[0].items) == 1

    # The old question's 「用表单填写」 opens nothing now: the question was answered.
    [told] = served.exchange(person.dm, 1, lambda: served.click(person.user, asked, button["value"]))
    assert told.shown().startswith("这个按钮所在的问题已经回答过了，没有再次记录。")
    assert asked.buttons() == [] and asked.shown().endswith("这个问题已经回答过了，按钮不再有效。")
    assert len(slack.modals) == 1

    # The row was one change set: one undo takes all of it back.
    undone = person.say("撤销")[0].shown()
    assert undone.startswith("已撤销：") and draft_of(served_process, person.user).tasks == []


def test_an_indicator_in_a_modal_is_judged_like_the_chat(person: Person, served: Endpoint, slack: FakeSlack,
                                                         served_process: ServeProcess) -> None:
    person.to_tasks()
    person.say("跳过")  # no task: the other tasks
    person.say("跳过")
    no_quantity = slack.in_place(person.dm)[-1]
    assert "【绩效指标 › 产出指标 › 数量指标，第 1 项】" in no_quantity.shown()
    quality = person.click(no_quantity, "ind.name:skip")[0]
    assert "【绩效指标 › 产出指标 › 质量指标，第 1 项】" in quality.shown()

    button = form_button(quality)
    assert button["value"].startswith("form:pair:产出指标/质量指标~")
    assert served.click(person.user, quality, button["value"]).status == 200
    view = opened(slack, 1)
    fields = inputs(view)
    assert list(fields) == ["level1", "level2", "name", "period_value", "annual_value"]
    assert fields["level1"]["element"]["initial_option"]["value"] == "产出指标"
    assert fields["level2"]["element"]["initial_option"]["value"] == "质量指标"
    assert [g["label"]["text"] for g in fields["level2"]["element"]["option_groups"]] == [
        "产出指标", "效益指标", "满意度指标", "成本指标"]
    hint = fields["name"]["hint"]["text"]
    assert hint.startswith("指标库中这一类的名称：培训人员合格率、购置设备质量合格率、") and "救助覆盖率" in hint
    assert fields["annual_value"]["optional"] is True

    # Another 二级 chosen: the modal is redrawn with that category's library names.
    assert served.choose_in_view(person.user, view, "level2", "时效指标").status == 200
    slack.wait(lambda: slack.modal(view["id"])["hash"] != view["hash"], what="the redrawn modal")
    redrawn = slack.modal(view["id"])
    redrawn_hint = inputs(redrawn)["name"]["hint"]["text"]
    assert redrawn_hint.startswith("指标库中这一类的名称：培训计划按期完成率、采购计划完成时间、")
    assert "东西部协作资金下达时限" not in redrawn_hint  # the seed department's own, never offered
    assert inputs(redrawn)["level2"]["element"]["initial_option"]["value"] == "时效指标"
    assert [c.params["view_id"] for c in slack.calls_to("views.update")] == [view["id"]]

    # A 二级 of another 一级, and a 覆盖率 over 100 % (the 年度 left empty: the same): each
    # refused on its own input, all at once; nothing is saved.
    row = {"level1": "效益指标", "level2": "质量指标", "name": "培训覆盖率", "period_value": "≥120%"}
    over = "[V04] 「培训覆盖率」不可能超过100%（填写为≥120%）。"
    assert modal_errors(served.submit_view(person.user, redrawn, row), redrawn) == {
        "level2": "「质量指标」不是「效益指标」下的二级指标；效益指标下有：经济效益指标、社会效益指标、生态效益指标、可持续影响指标。",
        "period_value": over, "annual_value": over}
    errors = modal_errors(served.submit_view(person.user, redrawn, row | {"level1": "产出指标"}), redrawn)
    assert errors == {"period_value": over, "annual_value": over}
    assert draft_of(served_process, person.user).indicators == []

    # Saved (年度 left empty: the same as 实施周期), and the conversation goes on in the pair.
    fixed = row | {"level1": "产出指标", "period_value": "≥95%"}
    [saved] = served.exchange(person.dm, 1, lambda: served.submit_view(person.user, redrawn, fixed))
    assert saved.shown().startswith(
        "已记录（表单）：绩效指标 › 产出指标 › 质量指标，第 1 项\n• 一级指标 = 产出指标\n• 二级指标 = 质量指标\n"
        "• 三级指标 = 培训覆盖率\n• 实施周期指标值 = ≥95%\n• 年度指标值 = ≥95%")
    assert "【绩效指标 › 产出指标 › 质量指标】" in saved.shown()
    assert [b["text"]["text"] for b in saved.buttons()][:2] == ["再加一项", "下一个二级指标"]
    assert draft_of(served_process, person.user).indicators == [Indicator(
        level1="产出指标", level2="质量指标", name="培训覆盖率", period_value="≥95%", annual_value="≥95%")]
    # The next answer is the chat's again: the next category.
    goes_on = person.click(saved, "ind.more:next")[0].shown()
    assert "【绩效指标 › 产出指标 › 时效指标，第 1 项】" in goes_on


def test_a_findings_row_opens_in_a_modal(person: Person, served: Endpoint, slack: FakeSlack,
                                         served_process: ServeProcess, seed_text: str) -> None:
    said = person.say(seed_text, 4)
    offer = said[-1]
    goto = next(b for b in offer.buttons() if b["value"].startswith("goto:item:") and b["value"].endswith(".goal"))
    [form] = [b for b in offer.buttons() if b["value"] == "form:" + goto["value"].removeprefix("goto:")]
    assert form["action_id"].startswith("declbot_form_")
    assert form["text"]["text"].startswith("用表单修改：年度重点工作任务 › ")
    before = draft_of(served_process, person.user)

    assert served.click(person.user, offer, form["value"]).status == 200
    view = opened(slack, 1)
    fields = inputs(view)
    named = form["text"]["text"].removeprefix("用表单修改：年度重点工作任务 › ").rstrip("…")
    [index] = [n for n, t in enumerate(before.tasks) if t.name.startswith(named)]
    task = before.tasks[index]
    assert fields["name"]["element"]["initial_value"] == task.name
    assert fields["goal"]["element"]["initial_value"] == task.items[0].goal
    assert Decimal(fields["amount"]["element"]["initial_value"]) == task.items[0].amount

    # Only the goal is changed; the row's other fields stay as they were.
    [saved] = served.exchange(person.dm, 1, lambda: served.submit_view(
        person.user, view, {"goal": "促成国内省市企业经贸签约 2 亿元以上"}))
    assert saved.shown().startswith(f"已记录（表单）：年度重点工作任务 › 第 {index + 1} 项 › 第 1 行")
    assert "• 期望达到的目标（概述） = 促成国内省市企业经贸签约 2 亿元以上\n\n【绩效指标 › 产出指标 › 质量指标，第 1 项】" \
        in saved.shown()  # then the question the conversation is at (the first empty category)
    assert "ind.name:skip" in [b["value"].rpartition("~")[0] for b in saved.buttons()]
    after = draft_of(served_process, person.user)
    changed = task.items[0].model_copy(update={"goal": "促成国内省市企业经贸签约 2 亿元以上"})
    assert after.tasks[index].items == [changed, *task.items[1:]]
    assert after.model_copy(update={"tasks": before.tasks}) == before
    assert [t for n, t in enumerate(after.tasks) if n != index] == [t for n, t in enumerate(before.tasks) if n != index]


def test_a_value_too_long_for_an_input_is_left_out_and_kept() -> None:
    """Slack refuses a view whose input holds more than its max_length: such a value (the chat
    takes 主要实施内容 up to 10,000 characters, an input holds 3,000) is not put in an input,
    the modal says so, and saving keeps it (a field left out keeps the row's value)."""
    long = "组织来穗招商推介和经贸考察。" * 300
    for lang in ("zh", "en"):
        form = RowForm("item:9", ITEM_ROW, ITEM_FIELDS, {"name": "推动区域合作", "content": long, "amount": "120.50",
                                                       "goal": "促成签约"}, "年度重点工作任务 › 第 1 项 › 第 1 行" * 200,
                       3, lang)
        meta = ModalMeta("slack:dm:T:U1", "D1", None, False, form.target, 3, ITEM_ROW, form.where, lang)
        view = row_modal(form, meta)
        assert view_refusal(view) is None  # within every limit, private_metadata's 3,000 too
        assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["row_name", "row_amount", "row_goal"]
        note = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]][1]
        assert note.startswith("「主要实施内容」有 4200 字" if lang == "zh" else "'main content' has 4200 characters")
        assert ModalMeta.load(view["private_metadata"]).omitted == ("content",)  # type: ignore[union-attr]
        assert "content" not in submitted_values({**view, "state": {"values": {}}})
    assert view["title"]["text"] == "Key task" and view["submit"]["text"] == "Save"


def test_in_a_thread_the_modal_saves_the_threads_draft(served: Endpoint, slack: FakeSlack,
                                                       served_process: ServeProcess) -> None:
    channel, alice, bob = unique("C"), new_user(), new_user()
    root = served.ts()
    served.exchange(channel, 2, lambda: served.mention(alice, channel, "你好", ts=root)[1], thread_ts=root)
    asked = None
    for answer in ["广州市协作办公室", "2025", *BUDGET, "完成协作任务"]:
        asked = served.exchange(channel, 1, lambda a=answer: served.event(
            served.channel_message(bob, channel, a, thread_ts=root)[1]), thread_ts=root)[0]
    assert asked is not None and "【年度重点工作任务 › 第 1 项 › 名称】" in asked.shown()

    assert served.click(alice, asked, form_button(asked)["value"]).status == 200
    view = opened(slack, 1)
    row = {"name": "推动国内区域合作", "content": "组织招商推介", "amount": "88", "goal": "促成签约"}
    [saved] = served.exchange(channel, 1, lambda: served.submit_view(alice, view, row), thread_ts=root)
    assert saved.thread_ts == root and saved.shown().startswith("已记录（表单）：年度重点工作任务 › 第 1 项 › 第 1 行")
    with Store(served_process.database_url) as store:
        [draft] = store.drafts_of(f"place:{thread_key(channel, root)}")
        tasks = store.snapshot(draft.id, draft.owner).form.tasks
        assert store.drafts_of(f"user:{alice}") == []  # the thread's draft, not Alice's own
    assert tasks == [Task(name="推动国内区域合作", items=[TaskItem(content="组织招商推介", amount=Decimal("88"),
                                                                   goal="促成签约")])]
