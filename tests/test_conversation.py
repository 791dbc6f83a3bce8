"""The conversation engine, driven turn by turn as a person would, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.store import Store
from bot.types import Attachment, Reply, Turn
from form_model.exporter import write_form
from form_model.importers import read_text, read_xlsx
from form_model.models import Form
from tests.walk_script import walk_script


class Chat:
    """One person in one conversation."""

    def __init__(self, engine: Engine, user: str = "U1", conversation: str | None = None,
                 shared: bool = False) -> None:
        self.engine = engine
        self.user = user
        self.conversation = conversation or f"dm:{user}"
        self.shared = shared
        self.replies: list[Reply] = []

    def _send(self, **kw: object) -> list[Reply]:
        turn = Turn(self.conversation, self.user, shared=self.shared, **kw)  # type: ignore[arg-type]
        self.replies = self.engine.handle(turn)
        return self.replies

    def say(self, text: str) -> list[Reply]:
        return self._send(text=text)

    def click(self, value: str) -> list[Reply]:
        assert value in self.choices, f"{value!r} not offered; offered {self.choices}"
        return self._send(choice=value)

    def upload(self, name: str, data: bytes) -> list[Reply]:
        return self._send(file=Attachment(name, data))

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def choices(self) -> list[str]:
        return [c.value for r in self.replies for c in r.choices]

    def labels(self) -> list[str]:
        return [c.label for r in self.replies for c in r.choices]

    def form(self) -> Form:
        return current_form(self.engine.store, self.conversation, self.owner)

    @property
    def owner(self) -> str:
        return f"place:{self.conversation}" if self.shared else f"user:{self.user}"


def current_form(store: Store, conversation: str, owner: str) -> Form:
    with store.turn(conversation, owner) as t:
        return t.form()


@pytest.fixture
def engine(store: Store) -> Engine:
    return Engine(store)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    c = Chat(engine)
    c.say("")
    return c


@pytest.fixture(scope="module")
def seed_form_module() -> Form:
    from tests.conftest import DEFAULT_SEED_DIR

    files = sorted(Path(DEFAULT_SEED_DIR).glob("*.txt"))
    if not files:
        pytest.skip("seed not found")
    return read_text(files[0].read_text("utf-8"))


def drive(chat: Chat, form: Form) -> None:
    for step in walk_script(form):
        if step.choice:
            chat.click(step.choice)
        else:
            chat.say(step.text)


def fill_to_budget(chat: Chat) -> None:
    chat.say("广州市协作办公室")
    chat.say("跳过")
    assert "基本支出" in chat.text


# --- the whole walk -----------------------------------------------------------------------

def test_whole_seed_form_drafted_through_the_walk(chat: Chat, seed_form_module: Form) -> None:
    drive(chat, seed_form_module)
    assert "所有部分都走完了" in chat.text
    assert chat.form() == seed_form_module
    chat.say("导出")
    files = [r.file for r in chat.replies if r.file]
    assert len(files) == 1
    assert files[0].name == "部门整体预算绩效目标申报表-广州市协作办公室.xlsx"
    assert read_xlsx(files[0].data) == seed_form_module
    # The seed has warnings only (no quality indicator, graded value, …).
    assert "表格完整：0 个错误" in chat.text


def test_prompts_say_where_the_person_is(chat: Chat) -> None:
    fill_to_budget(chat)
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in chat.text
    assert "万元" in chat.text and "例如" in chat.text
    for amount in ["1", "2", "3", "0", "0", "0", "6", "0"]:
        chat.say(amount)
    chat.say("1. 目标一；2. 目标二")
    chat.say("干部培训")
    assert "年度重点工作任务 › 第 1 项 › 主要实施内容" in chat.text
    chat.say("举办培训班")
    chat.say("10")
    chat.say("完成培训")
    chat.click("task_more:done")
    chat.say("跳过")
    assert "绩效指标 › 产出指标 › 数量指标，第 1 项" in chat.text
    chat.say("组织培训班次")
    chat.say("≥20次")
    chat.click("ind_annual:same")
    chat.click("ind_more:next_pair")
    assert "绩效指标 › 产出指标 › 质量指标，第 1 项" in chat.text
    chat.say("培训合格率")
    chat.say("≥95%")
    chat.click("ind_annual:same")
    chat.click("ind_more:another")
    assert "绩效指标 › 产出指标 › 质量指标，第 2 项" in chat.text


# --- answers understood -------------------------------------------------------------------

def test_several_amounts_in_one_message(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("基本支出 4,381.54，项目支出 270769.27万元")
    f = chat.form()
    assert f.budget.basic_expenditure == Decimal("4381.54")
    assert f.budget.project_expenditure == Decimal("270769.27")
    assert "【预算整体情况 › 收入来源 › 财政拨款】" in chat.text
    chat.say("2.75亿")
    assert chat.form().budget.fiscal_appropriation == Decimal("27500.00")
    chat.say("43,815,400元")
    assert chat.form().budget.other_funds == Decimal("4381.54")


@pytest.mark.parametrize("bad", ["abc", "-5", "1.234", "12%"])
def test_wrong_amount_is_re_asked_and_nothing_is_lost(chat: Chat, bad: str) -> None:
    fill_to_budget(chat)
    chat.say("4381.54")
    before = chat.form()
    chat.say(bad)
    assert "请重新输入项目支出" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in chat.text
    assert chat.form() == before
    chat.say("270769.27")
    assert chat.form().budget.project_expenditure == Decimal("270769.27")
    assert chat.form().budget.basic_expenditure == Decimal("4381.54")


def _to_indicators(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("基本支出 1，项目支出 2，财政拨款 3，其他资金 0，财政专项资金 0，其他事业发展性支出 0，市本级 3，转移支付 0")
    assert "【总体绩效目标】" in chat.text
    chat.say("1. 目标")
    chat.say("任务一")
    chat.say("内容")
    chat.say("2")
    chat.say("目标")
    chat.click("task_more:done")
    chat.say("跳过")


def test_satisfaction_over_100_percent_is_re_asked(chat: Chat) -> None:
    _to_indicators(chat)
    for _ in range(6):  # skip to 满意度指标 › 服务对象满意度指标
        chat.click("ind_name:skip")
    assert "服务对象满意度指标" in chat.text
    chat.say("产业园服务企业满意度")
    chat.say("≥120%")
    assert "不可能超过100%" in chat.text
    assert chat.form().indicators[0].period_value == ""
    chat.say("≥90%")
    assert chat.form().indicators[0].period_value == "≥90%"


def test_ambiguous_indicator_name_offered_and_chosen(chat: Chat) -> None:
    _to_indicators(chat)
    chat.click("ind_name:skip")  # 数量指标
    assert "质量指标" in chat.text
    chat.say("培训合格")
    assert "可能是" in chat.text
    assert "pick:培训合格率" in chat.choices and "pick:培训人员合格率" in chat.choices
    assert "pick:培训合格" in chat.choices  # keep as typed
    chat.click("pick:培训合格率")
    assert "已记录：培训合格率（你输入的是「培训合格」）" in chat.text
    f = chat.form()
    assert [(i.level1, i.level2, i.name) for i in f.indicators] == [("产出指标", "质量指标", "培训合格率")]


def test_certain_match_is_taken_and_echoed(chat: Chat) -> None:
    _to_indicators(chat)
    chat.click("ind_name:skip")
    chat.click("ind_name:skip")
    chat.say("东西部协作资金下达时")  # the library has 东西部协作资金下达时限
    assert chat.form().indicators[0].name == "东西部协作资金下达时限"
    assert "你输入的是「东西部协作资金下达时」" in chat.text


def test_unknown_indicator_name_is_kept_as_typed(chat: Chat) -> None:
    _to_indicators(chat)
    chat.say("档案数字化页数")
    assert chat.form().indicators[0].name == "档案数字化页数"


# --- commands -----------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", ["表格完整吗？", "is my form complete?", "还缺什么", "检查一下", "完整吗"])
def test_completeness_question_gives_the_report(chat: Chat, phrase: str) -> None:
    fill_to_budget(chat)
    chat.say(phrase)
    assert "表格尚不完整" in chat.text
    assert chat.text.index("错误") < chat.text.index("警告")
    assert "【总体绩效目标】" in chat.text and "S02" in chat.text
    goto = [v for v in chat.choices if v.startswith("goto:")]
    assert goto, "offers to go to a problem"
    assert chat.form().department == "广州市协作办公室"  # not taken as an answer


def test_report_offer_goes_there_and_returns(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("4381.54")
    chat.say("表格完整吗")
    chat.click("goto:budget.fiscal_appropriation")
    assert "【预算整体情况 › 收入来源 › 财政拨款】" in chat.text
    chat.say("275150.81")
    assert "回到刚才的位置" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in chat.text


def test_help_status_show(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("帮助")
    assert "撤销" in chat.text and "修改" in chat.text
    chat.say("进度")
    assert "✓ 部门名称：广州市协作办公室" in chat.text
    assert "预算整体情况：0/8" in chat.text
    assert "下一步：预算整体情况 › 部门预算支出 › 基本支出" in chat.text
    chat.say("查看")
    assert "部门名称：广州市协作办公室" in chat.text
    chat.say("hepl")  # a small typo is still the command
    assert "撤销" in chat.text


def test_skip_and_back(chat: Chat) -> None:
    chat.say("部门甲")
    chat.say("跳过")
    assert "基本支出" in chat.text
    chat.say("返回")
    assert "【预算年度】" in chat.text
    chat.say("2026")
    assert chat.form().year == 2026
    chat.say("返回")
    chat.say("返回")
    assert "【部门名称】" in chat.text and "（当前：部门甲）" in chat.text


def test_undo_reverts_the_last_change_exactly(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("基本支出 100，项目支出 200")
    chat.say("300")
    before = chat.form()
    chat.say("基本支出 1，项目支出 2")
    assert chat.form().budget.basic_expenditure == Decimal("1.00")
    chat.say("撤销")
    assert chat.form() == before
    assert "已撤销" in chat.text and "100.00" in chat.text
    chat.say("撤销")
    assert chat.form().budget.fiscal_appropriation is None
    chat.say("撤销")
    chat.say("撤销")
    assert chat.form().budget.basic_expenditure is None
    assert chat.form().department == ""


def test_edit_goes_there_and_returns(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("4381.54")
    chat.say("修改 部门名称")
    assert "【部门名称】" in chat.text and "（当前：广州市协作办公室）" in chat.text
    chat.say("广州市对口支援办公室")
    assert chat.form().department == "广州市对口支援办公室"
    assert "回到刚才的位置" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in chat.text


def test_edit_ambiguous_category_offers_choices(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("修改 生态")
    assert "goto:indicator_group:效益指标/生态效益指标" in chat.choices
    assert "goto:indicator_group:成本指标/生态环境成本指标" in chat.choices
    chat.click("goto:indicator_group:成本指标/生态环境成本指标")
    assert "绩效指标 › 成本指标 › 生态环境成本指标" in chat.text
    chat.say("碳排放量")
    chat.say("≤100吨")
    chat.click("ind_annual:same")
    chat.click("ind_more:next_pair")
    assert "回到刚才的位置" in chat.text and "基本支出" in chat.text
    assert chat.form().indicators[0].level2 == "生态环境成本指标"


def test_edit_text_that_is_an_answer_is_taken_as_the_answer(chat: Chat) -> None:
    chat.say("修改完善制度建设办公室")  # long and not an item of the form
    assert chat.form().department == "修改完善制度建设办公室"


def test_export_with_errors_still_exports(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("导出")
    file = next(r.file for r in chat.replies if r.file)
    assert read_xlsx(file.data).department == "广州市协作办公室"
    assert "仍有 12 个错误" in chat.text and "已照常导出" in chat.text and "B12" in chat.text


def test_new_drafts_switch(chat: Chat) -> None:
    chat.say("部门甲")
    chat.say("新建")
    assert "已新建草稿 2" in chat.text and "【部门名称】" in chat.text
    chat.say("部门乙")
    chat.say("草稿")
    assert "1. 部门甲" in chat.text and "2. 部门乙" in chat.text and "← 当前" in chat.text
    chat.say("切换 1")
    assert "已切换到草稿 1：部门甲" in chat.text
    assert "【预算年度】" in chat.text  # where draft 1 was left
    assert chat.form().department == "部门甲"
    chat.say("切换 9")
    assert "没有编号为「9」的草稿" in chat.text


def test_cancel_and_continue(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("修改 部门名称")
    chat.say("取消")
    assert "已取消" in chat.text
    assert chat.form().department == "广州市协作办公室"
    chat.say("继续")
    assert "基本支出" in chat.text


def test_language_english(chat: Chat, engine: Engine) -> None:
    chat.say("语言 English")
    assert "Language set to English" in chat.text
    chat.say("help")
    assert "Commands" in chat.text
    chat.say("Finance Bureau")
    assert "Saved" in chat.text and "Budget year" in chat.text
    chat.say("lang zh")
    assert "已切换为中文" in chat.text
    # The choice is per person: another person still gets Chinese.
    other = Chat(engine, "U2")
    other.say("")
    assert "你好" in other.text


# --- paste and upload ---------------------------------------------------------------------

def test_paste_seed_into_an_empty_draft(chat: Chat, seed_text: str, seed_form_module: Form) -> None:
    chat.say(seed_text)
    assert "已读取粘贴的表格" in chat.text
    assert "V06" in chat.text and "B02" in chat.text
    assert chat.form() == seed_form_module
    chat.click("cmd:continue")
    assert "质量指标" in chat.text  # the first thing missing in the seed


def test_paste_seed_mid_draft_asks_first(chat: Chat, seed_text: str, seed_form_module: Form) -> None:
    fill_to_budget(chat)
    chat.say("100")
    before = chat.form()
    chat.say(seed_text)
    assert "替换" in chat.text
    assert chat.form() == before  # nothing replaced yet
    chat.click("import:new")
    assert chat.form() == seed_form_module
    chat.say("草稿")
    assert "1. 广州市协作办公室" in chat.text and "2. 广州市协作办公室" in chat.text
    chat.say("切换 1")
    assert chat.form() == before
    chat.say(seed_text)
    chat.click("import:replace")
    assert chat.form() == seed_form_module


def test_upload_workbook_gives_the_report(chat: Chat, seed_form_module: Form) -> None:
    chat.upload("申报表.xlsx", write_form(seed_form_module))
    assert "已读取文件「申报表.xlsx」" in chat.text
    assert "0 个错误，13 个警告" in chat.text and "S09" in chat.text and "V07" in chat.text
    assert chat.form() == seed_form_module


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("x.xlsx", b"not a zip at all", "不是"),
    ("x.xlsm", b"PK\x03\x04", "宏"),
    ("empty.xlsx", b"", "空"),
])
def test_bad_upload_loses_nothing(chat: Chat, name: str, data: bytes, reason: str) -> None:
    fill_to_budget(chat)
    before = chat.form()
    chat.upload(name, data)
    assert "无法读取" in chat.text and reason in chat.text and "草稿未改动" in chat.text
    assert chat.form() == before


# --- storage: restart, concurrency, ownership, sharing -----------------------------------

def test_restart_resumes_exactly(make_store: Callable[..., Store], db_url: str) -> None:
    first = Chat(Engine(make_store()))
    first.say("")
    fill_to_budget(first)
    first.say("4381.54")
    first.engine.store.close()
    again = Chat(Engine(make_store(db_url)))
    again.say("")
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in again.text
    assert "你好" not in again.text
    again.say("返回")
    assert "基本支出" in again.text and "4,381.54" in again.text


def test_two_concurrent_turns_are_both_kept(make_store: Callable[..., Store]) -> None:
    setup = Chat(Engine(make_store()))
    setup.say("")
    fill_to_budget(setup)
    engines = [Engine(make_store()), Engine(make_store())]  # as two server processes
    for round_ in range(5):
        barrier = threading.Barrier(2)

        def send(n: int, text: str, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            engines[n].handle(Turn("dm:U1", "U1", text=text))

        threads = [
            threading.Thread(target=send, args=(0, f"基本支出 {round_ + 1}")),
            threading.Thread(target=send, args=(1, f"项目支出 {round_ + 100}")),
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        f = setup.form()
        assert f.budget.basic_expenditure == Decimal(round_ + 1)
        assert f.budget.project_expenditure == Decimal(round_ + 100)
        setup.say("返回")  # back to the budget step for the next round
        while "基本支出" not in setup.text.split("】")[0]:
            setup.say("返回")


def test_one_person_cannot_reach_another_persons_draft(engine: Engine) -> None:
    alice = Chat(engine, "UA")
    alice.say("")
    alice.say("甲局")
    alice.say("新建")
    alice.say("乙局")
    bob = Chat(engine, "UB")
    bob.say("")
    bob.say("草稿")
    assert "甲局" not in bob.text and "乙局" not in bob.text
    bob.say("切换 2")
    assert "没有编号" in bob.text
    assert bob.form().department == ""
    # Even a turn that claims Alice's DM conversation is refused, not served.
    intruder = Chat(engine, "UB", conversation="dm:UA")
    intruder.say("查看")
    assert "甲局" not in intruder.text and "乙局" not in intruder.text


def test_shared_thread_is_one_draft_with_history(engine: Engine, store: Store) -> None:
    a = Chat(engine, "UA", conversation="thread:C1:111.1", shared=True)
    b = Chat(engine, "UB", conversation="thread:C1:111.1", shared=True)
    a.say("")
    a.say("广州市协作办公室")
    b.say("2025")
    assert a.form().year == 2025 and b.form().department == "广州市协作办公室"
    with store.turn("thread:C1:111.1", "place:thread:C1:111.1") as t:
        actors = {(h.actor, h.path) for h in t.history()}
    assert ("UA", "department") in actors and ("UB", "year") in actors


# --- events applied once, shared messages in order -----------------------------------------

def test_an_event_is_applied_once_even_when_delivered_twice(engine: Engine, store: Store) -> None:
    chat = Chat(engine)
    chat.say("")
    first = engine.handle(Turn("dm:U1", "U1", text="甲局", event_id="Ev1"))
    again = engine.handle(Turn("dm:U1", "U1", text="甲局", event_id="Ev1"))
    assert first and again == []
    assert chat.form().department == "甲局" and chat.form().year is None
    with store.turn("dm:U1", "user:U1") as t:
        assert [h.path for h in t.history()] == ["department"]


def test_a_retry_may_take_over_a_claim_that_was_never_applied(engine: Engine, store: Store) -> None:
    assert store.claim_event("Ev9")  # a process claimed it, then died before applying it
    assert not store.claim_event("Ev9")  # a duplicate delivery is still dropped
    assert store.claim_event("Ev9", retry=True)  # Slack's retry goes through
    engine.handle(Turn("dm:U1", "U1", text="乙局", event_id="Ev9"))
    assert not store.claim_event("Ev9", retry=True)  # applied: later retries are dropped


def test_shared_thread_answers_at_the_same_moment_are_applied_in_message_order(
    make_store: Callable[..., Store],
) -> None:
    setup = Chat(Engine(make_store()), "UA", conversation="thread:C1:9.0", shared=True)
    setup.say("")
    fill_to_budget(setup)
    engines = [Engine(make_store()), Engine(make_store())]
    for round_ in range(3):
        a, b = 10 * round_ + 1, 10 * round_ + 2
        later = threading.Thread(target=engines[1].handle, args=(Turn(
            "thread:C1:9.0", "UB", text=f"基本支出 {b}", shared=True, order_key=f"100{round_}.2"),))
        earlier = threading.Thread(target=engines[0].handle, args=(Turn(
            "thread:C1:9.0", "UA", text=f"基本支出 {a}", shared=True, order_key=f"100{round_}.1"),))
        later.start()  # the later message reaches a process first
        threading.Event().wait(0.03)
        earlier.start()
        later.join()
        earlier.join()
        assert setup.form().budget.basic_expenditure == Decimal(b)
        with engines[0].store.turn("thread:C1:9.0", "place:thread:C1:9.0") as t:
            last_two = [(h.actor, h.new) for h in t.history(2)][::-1]
        assert last_two == [("UA", f"{a}.00"), ("UB", f"{b}.00")]
