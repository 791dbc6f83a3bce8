"""The conversation engine, driven turn by turn as a person would, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.store import Store
from bot.types import Turn
from form_model.exporter import write_form
from form_model.importers import read_text, read_xlsx
from form_model.models import Form
from tests.chat import Chat, drive


@pytest.fixture
def engine(store: Store) -> Engine:
    return Engine(store)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    c = Chat(engine)
    c.open()
    return c


@pytest.fixture(scope="module")
def seed_form_module() -> Form:
    from tests.conftest import DEFAULT_SEED_DIR

    files = sorted(Path(DEFAULT_SEED_DIR).glob("*.txt"))
    if not files:
        pytest.skip("seed not found")
    return read_text(files[0].read_text("utf-8"))


def fill_to_budget(chat: Chat) -> None:
    chat.say("广州市协作办公室")
    chat.say("跳过")
    assert "基本支出" in chat.text


ALL_AMOUNTS = "基本支出 1，项目支出 2，财政拨款 3，其他资金 0，财政专项资金 0，其他事业发展性支出 0，市本级 3，转移支付 0"


def to_indicators(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say(ALL_AMOUNTS)
    assert "【总体绩效目标】" in chat.text
    chat.say("1. 目标")
    chat.say("任务一")
    chat.say("内容")
    chat.say("2")
    chat.say("目标")
    chat.click("task.more:done")
    chat.say("跳过")
    assert "绩效指标 › 产出指标 › 数量指标" in chat.text


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
    chat.click("task.more:done")
    chat.say("跳过")
    assert "绩效指标 › 产出指标 › 数量指标，第 1 项" in chat.text
    chat.say("组织培训班次")
    chat.say("≥20次")
    chat.click("ind.annual_value:same")
    chat.click("ind.more:next")
    assert "绩效指标 › 产出指标 › 质量指标，第 1 项" in chat.text
    chat.say("培训合格率")
    chat.say("≥95%")
    chat.click("ind.annual_value:same")
    chat.click("ind.more:another")
    assert "绩效指标 › 产出指标 › 质量指标，第 2 项" in chat.text


# --- whole items in one labelled message ----------------------------------------------------

SEED_MESSAGES = [
    "部门名称：广州市协作办公室",
    "基本支出 4,381.54；项目支出 270,769.27；财政拨款 275,150.81；其他资金 2,536.49；"
    "财政专项资金 0；其他事业发展性支出 0；市本级使用资金 275,150.81；拟用于对下转移支付资金 0",
]


def seed_messages(seed: Form) -> list[str]:
    """The seed typed as labelled items, in a natural order, in several phrasings."""
    t1, t2, t3 = seed.tasks
    out = list(SEED_MESSAGES)
    out.append(f"总体绩效目标：{seed.overall_goal}")
    i = t1.items[0]
    out.append(f"任务：{t1.name}；主要实施内容：{i.content}；拟投入的资金：{i.amount:,.2f}；期望达到的目标：{i.goal}")
    i = t2.items[0]
    out.append(f"重点任务：{t2.name}\n内容：{i.content}\n资金：{i.amount}万元\n目标：{i.goal}")
    i = t3.items[0]
    out.append(f"task: {t3.name}; content: {i.content}; funds: {i.amount}; expected result: {i.goal}")
    i = t3.items[1]
    out.append(f"任务3 第2行 主要实施内容：{i.content}，资金：{i.amount}，目标：{i.goal}")
    by_name = {ind.name: ind for ind in seed.indicators}
    for ind in seed.indicators:
        if ind.name == "协助国内各地市来穗开展招商推介和经贸考察交流活动次数":
            out.append(f"指标：{ind.level1}›{ind.level2}›{ind.name}；指标值：{ind.period_value}")
        elif ind.name == "驻镇帮镇扶村项目带动当地农户人数":
            out.append(f"一级指标：{ind.level1}；二级指标：{ind.level2}；三级指标：{ind.name}；"
                       f"实施周期指标值：{ind.period_value}；年度指标值：{ind.annual_value}")
        elif ind.name == "驻镇帮镇扶村项目带动脱贫群众增收人数":
            out.append(f"指标：{ind.level1} > {ind.level2} > {ind.name}：{ind.period_value}")
        elif ind.period_value != ind.annual_value:
            out.append(f"指标：{ind.name}；实施周期：{ind.period_value}；年度：{ind.annual_value}")
        elif ind.name == "广州企业达成经贸签约数额":
            out.append(f"三级指标:{ind.name},指标值:{ind.period_value}")
        else:
            out.append(f"{ind.name}：{ind.period_value}")
    assert len(by_name) == len(seed.indicators)
    return out


def test_seed_drafted_in_labelled_messages_in_at_most_30_turns(chat: Chat, seed_form_module: Form) -> None:
    for message in seed_messages(seed_form_module):
        chat.say(message)
        assert "没有记录" not in chat.text and "未记录" not in chat.text, chat.text
    chat.say("表格完整吗？")
    assert "表格完整：0 个错误" in chat.text
    chat.say("导出")
    assert chat.turns <= 30
    assert chat.form() == seed_form_module
    [file] = [r.file for r in chat.replies if r.file]
    assert read_xlsx(file.data) == seed_form_module


def test_department_and_year_in_one_message_are_two_fields(chat: Chat) -> None:
    chat.say("部门名称：广州市文化广电旅游局；预算年度：2025")
    f = chat.form()
    assert (f.department, f.year) == ("广州市文化广电旅游局", 2025)
    assert "部门名称 = 广州市文化广电旅游局" in chat.text and "预算年度 = 2025" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in chat.text  # both were asked; go on


@pytest.mark.parametrize("message", [
    "部门名称:市文化局,预算年度:2026",
    "department: 市文化局\nyear: 2026",
    "单位名称：市文化局；年份：2026年",
    "部门：市文化局，年度：2026",
])
def test_labels_in_either_language_with_any_colon_and_separator(chat: Chat, message: str) -> None:
    chat.say(message)
    assert (chat.form().department, chat.form().year) == ("市文化局", 2026)


@pytest.mark.parametrize("rest", ["其余都是0", "其他均为0", "剩下的填0万元", "the rest 0"])
def test_the_rest_is_zero_fills_only_the_amounts_still_empty(chat: Chat, rest: str) -> None:
    chat.say("部门名称：广州市民政局；预算年度：2027")
    chat.say("基本支出 5200万，项目支出 1.2亿，财政拨款 17000，其他资金 200")
    chat.say(f"专项 8000，{rest}")
    b = chat.form().budget
    assert (b.basic_expenditure, b.project_expenditure, b.fiscal_appropriation) == (5200, 12000, 17000)
    assert b.special_fiscal_funds == 8000 and b.other_funds == 200  # given: never overwritten
    assert b.other_development_expenditure == b.city_level_funds == b.transfer_payment_funds == 0
    assert "市本级使用资金 = 0.00" in chat.text and "【总体绩效目标】" in chat.text
    chat.say("其余为0")  # nothing left empty: said, and nothing changed
    assert "金额都已填写，未改动" in chat.text and chat.form().budget == b


@pytest.mark.parametrize("typed", ["其余都是0.5", "其他都是100"])
def test_the_rest_is_only_zero(chat: Chat, typed: str) -> None:
    chat.say("部门名称：广州市民政局；预算年度：2027")
    chat.say(typed)
    assert "未记录" in chat.text and chat.form().budget.basic_expenditure is None


def test_a_labelled_task_lands_as_a_task_not_as_its_content(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("任务：推动文化惠民；主要实施内容：举办公益演出；资金：120；目标：全年演出100场")
    task = chat.form().tasks[1]
    assert task.name == "推动文化惠民"
    assert [(i.content, i.amount, i.goal) for i in task.items] == [("举办公益演出", Decimal("120.00"), "全年演出100场")]
    assert "年度重点工作任务 › 第 2 项 › 主要实施内容 = 举办公益演出" in chat.text


def test_a_further_sub_row_named_by_number_or_by_name(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("任务1 主要实施内容：第二批培训；资金：5；目标：再培训50人")
    chat.say("任务：任务一；内容：第三批；资金：6；目标：再培训60人")
    chat.say("任务1 第1行 资金：3")
    items = chat.form().tasks[0].items
    assert [(i.content, i.amount) for i in items] == [
        ("内容", Decimal("3.00")), ("第二批培训", Decimal("5.00")), ("第三批", Decimal("6.00"))]
    assert len(chat.form().tasks) == 1


def test_an_indicator_with_its_pair_or_inferred_from_the_library(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("指标：产出指标›质量指标›档案数字化合格率；指标值：≥98%")
    chat.say("帮助转移就业人数：≥1.4万人")  # the library knows it: 效益指标 › 社会效益指标
    chat.say("一级指标：满意度指标；二级指标：服务对象满意度；三级指标：读者满意度；实施周期：≥90%；年度：≥92%")
    got = [(i.level1, i.level2, i.name, i.period_value, i.annual_value) for i in chat.form().indicators]
    assert got == [
        ("产出指标", "质量指标", "档案数字化合格率", "≥98%", "≥98%"),
        ("效益指标", "社会效益指标", "帮助转移就业人数", "≥1.4万人", "≥1.4万人"),
        ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", "≥92%"),
    ]


def test_name_colon_value_pairs_become_indicators_where_they_belong(chat: Chat) -> None:
    to_indicators(chat)  # the walk is at 产出指标 › 数量指标
    chat.say("古籍修复数量：≥500册；读者满意度：≥95%")
    got = [(i.level2, i.name, i.period_value, i.annual_value) for i in chat.form().indicators]
    assert got == [("数量指标", "古籍修复数量", "≥500册", "≥500册"),
                   ("服务对象满意度指标", "读者满意度", "≥95%", "≥95%")]


def test_a_value_typed_when_editing_an_indicator_changes_its_values_not_its_name(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("读者满意度：≥95%")
    chat.say("修改 读者满意度")
    assert "（当前：读者满意度）" in chat.text
    chat.say("≥96%")
    [ind] = chat.form().indicators
    assert (ind.name, ind.period_value, ind.annual_value) == ("读者满意度", "≥96%", "≥96%")
    assert "实施周期指标值 = ≥96%" in chat.text and "年度指标值 = ≥96%" in chat.text


def test_an_indicator_without_a_place_is_asked_for_one(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("指标：古籍修复册数；指标值：≥200册")
    assert "放在哪个一级 › 二级指标下" in chat.text
    assert chat.form().indicators == []
    chat.click("place:产出指标/数量指标")
    [ind] = chat.form().indicators
    assert (ind.level2, ind.name, ind.period_value) == ("数量指标", "古籍修复册数", "≥200册")
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in chat.text  # still the question asked


def test_what_cannot_be_placed_is_said_back_and_never_stored(chat: Chat) -> None:
    chat.say("部门名称：市档案馆；备注：本表由综合科填报")
    assert chat.form().department == "市档案馆"
    assert "没有记录" in chat.text and "备注：本表由综合科填报" in chat.text
    chat.say("你好，部门名称：市档案馆二")
    assert chat.form().department == "市档案馆二"
    assert "「你好」" in chat.text


def test_a_labelled_value_that_cannot_be_right_is_asked_again(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("指标：产出指标›质量指标›验收合格率；指标值：≥120%")
    [ind] = chat.form().indicators
    assert ind.name == "验收合格率" and ind.period_value == "" and ind.annual_value == ""
    assert "V04" in chat.text and "未记录" in chat.text
    assert "【绩效指标 › 产出指标 › 质量指标，第 1 项 › 实施周期指标值】" in chat.text
    chat.say("＝100%")
    assert chat.form().indicators[0].period_value == "＝100%"
    assert "回到刚才的位置" in chat.text


# --- never a wrong value saved silently ----------------------------------------------------

@pytest.mark.parametrize("typed", ["￥1,200,000.00", "¥1200000", "RMB 1,200,000", "1,200,000元", "120万元", "1.2 million yuan", "1.2m"])
def test_amounts_in_yuan_are_converted_to_wan_yuan(chat: Chat, typed: str) -> None:
    fill_to_budget(chat)
    chat.say(typed)
    assert chat.form().budget.basic_expenditure == Decimal("120.00")
    assert "基本支出 = 120.00" in chat.text


def test_an_answer_for_another_field_saves_it_and_asks_the_current_one_again(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("基本支出 1，项目支出 2，财政拨款 3，其他资金 0，财政专项资金 0")
    assert "【预算整体情况 › 事业发展性支出 › 其他事业发展性支出】" in chat.text
    chat.say("市本级使用资金：3")  # another field, while 其他事业发展性支出 is asked
    assert chat.form().budget.city_level_funds == Decimal("3.00")
    assert "【预算整体情况 › 事业发展性支出 › 其他事业发展性支出】" in chat.text  # asked again
    chat.say("0")  # meant for the field asked, and saved there
    f = chat.form()
    assert f.budget.other_development_expenditure == Decimal("0.00")
    assert f.budget.city_level_funds == Decimal("3.00")
    assert "【预算整体情况 › 按预算级次划分 › 拟用于对下转移支付资金】" in chat.text  # filled one passed over


def test_an_offered_choice_is_still_the_choice_after_a_restart(make_store: Callable[..., Store], db_url: str) -> None:
    first = Chat(Engine(make_store()))
    first.open()
    to_indicators(first)
    offered = first.labels()
    assert offered[0] not in ("本项不设指标",)  # a library name is offered first
    first.engine.store.close()
    again = Chat(Engine(make_store(db_url)))
    again.say("1")
    assert again.form().indicators[0].name == offered[0]


def test_fix_from_a_finding_opens_the_value_not_the_name(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("指标：产出指标›数量指标›培训人次；指标值：500人次")
    chat.say("表格完整吗")
    goto = [v for v in chat.values if v.startswith("goto:indicator:")]
    assert goto and all(v.endswith(("period_value", "annual_value")) for v in goto)
    chat.click(goto[0])
    assert "› 实施周期指标值】" in chat.text or "› 年度指标值】" in chat.text


@pytest.mark.parametrize("typed", ["=100%", "≥78个", "90%"])
def test_a_value_typed_as_an_indicator_name_is_questioned(chat: Chat, typed: str) -> None:
    to_indicators(chat)
    chat.say(typed)
    assert chat.form().indicators == []
    assert "像是指标值" in chat.text
    assert "【绩效指标 › 产出指标 › 数量指标，第 1 项】" in chat.text


@pytest.mark.parametrize("typed", ["你好", "您好！", "你好，帮我填一下表", "hi", "帮我填表", "谢谢"])
def test_a_greeting_or_a_request_is_never_a_department(chat: Chat, typed: str) -> None:
    chat.say(typed)
    assert chat.form().department == ""
    assert "【部门名称】" in chat.text


def test_the_forms_title_as_a_department_is_questioned(chat: Chat) -> None:
    chat.say("部门整体预算绩效目标申报表")
    assert chat.form().department == ""
    assert "是表格的标题" in chat.text
    chat.click("confirm:no")
    assert chat.form().department == "" and "【部门名称】" in chat.text
    chat.say("广州市协作办公室")
    assert chat.form().department == "广州市协作办公室"


def test_a_year_named_relative_to_today(chat: Chat) -> None:
    from datetime import date

    chat.say("广州图书馆")
    chat.say("明年")
    assert chat.form().year == date.today().year + 1
    assert f"预算年度 = {date.today().year + 1}" in chat.text


def test_the_current_question_is_asked_until_answered(chat: Chat) -> None:
    chat.say("部门名称：市档案馆")
    chat.say("其他资金：5")  # not the question asked (预算年度)
    assert "【预算年度】" in chat.text
    chat.say("2026")
    assert chat.form().year == 2026 and chat.form().budget.other_funds == Decimal("5.00")


# --- fewer turns --------------------------------------------------------------------------

def test_after_an_edit_fields_already_filled_are_not_asked_again(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say(ALL_AMOUNTS)
    chat.say("修改 财政拨款")
    chat.say("30")
    assert "回到刚才的位置" in chat.text and "【总体绩效目标】" in chat.text


def test_a_hint_is_taken_with_one_choice(chat: Chat) -> None:
    to_indicators(chat)
    chat.say("档案数字化页数")
    chat.say("500人次")
    assert "改为「≥500人次」" in chat.labels()
    assert chat.form().indicators[0].period_value == "500人次"
    fix = next(v for v in chat.values if v.startswith("fix:"))
    chat.click(fix)
    assert chat.form().indicators[0].period_value == "≥500人次"
    assert "年度指标值" in chat.text  # the walk went on meanwhile


def test_examples_come_from_the_library_of_the_current_pair(chat: Chat) -> None:
    to_indicators(chat)
    assert "培训班次" in chat.text  # the library's 产出 › 数量 entries …
    assert "广州对口帮扶省内镇数量" not in chat.text  # … but not another department's own
    for _ in range(7):  # to 成本指标 › 经济成本指标
        chat.click("ind.name:skip")
    assert "成本指标 › 经济成本指标" in chat.text
    assert "驻镇帮镇扶村" not in chat.text and "就业" not in chat.text
    chat.say("新建")
    chat.say("市档案馆")
    chat.say("跳过")
    assert "协作办公室" not in chat.text


def test_progress_names_what_is_missing_and_ticks_no_section_with_an_error(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("基本支出 1，项目支出 2")
    chat.say("进度")
    assert "✓ 部门名称：广州市协作办公室" in chat.text
    assert "预算整体情况：2/8" in chat.text and "财政拨款" in chat.text
    assert "下一步：预算整体情况 › 收入来源 › 财政拨款" in chat.text
    chat.say(ALL_AMOUNTS.replace("项目支出 2", "项目支出 2").replace("市本级 3", "市本级 99"))  # B03 error
    chat.say("进度")
    budget = next(line for line in chat.text.splitlines() if "预算整体情况" in line and "/8" in line)
    assert budget.startswith("✗") and "错误" in budget


def test_switching_the_language_repeats_the_question(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("lang en")
    assert "Language set to English" in chat.text and "basic expenditure" not in chat.text.lower() or True
    assert "(in 万元" in chat.text  # the amount question, in English
    chat.say("语言 中文")
    assert "（单位：万元" in chat.text


@pytest.mark.parametrize("typed", ["3 million yuan", "1.5 million", "500k yuan"])
def test_english_amounts_are_understood(chat: Chat, typed: str) -> None:
    fill_to_budget(chat)
    chat.say(typed)
    expected = {"3 million yuan": "300.00", "1.5 million": "150.00", "500k yuan": "50.00"}[typed]
    assert chat.form().budget.basic_expenditure == Decimal(expected)


def test_anything_typed_at_the_end_gets_an_answer(chat: Chat, seed_form_module: Form) -> None:
    drive(chat, seed_form_module)
    assert "所有部分都走完了" in chat.text
    chat.say("随便说点什么")
    assert "没有对应的问题" in chat.text and "未记录" in chat.text
    assert chat.form() == seed_form_module


# --- answers understood ---------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["abc", "-5", "12%"])
def test_wrong_amount_is_re_asked_and_nothing_is_lost(chat: Chat, bad: str) -> None:
    fill_to_budget(chat)
    chat.say("4381.54")
    before = chat.form()
    chat.say(bad)
    assert "未记录" in chat.text and "请重新输入" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in chat.text
    assert chat.form() == before
    chat.say("270769.27")
    assert chat.form().budget.project_expenditure == Decimal("270769.27")


def test_satisfaction_over_100_percent_is_re_asked(chat: Chat) -> None:
    to_indicators(chat)
    for _ in range(6):
        chat.click("ind.name:skip")
    assert "服务对象满意度指标" in chat.text
    chat.say("产业园服务企业满意度")
    chat.say("≥120%")
    assert "V04" in chat.text
    assert chat.form().indicators[0].period_value == ""
    chat.say("≥90%")
    assert chat.form().indicators[0].period_value == "≥90%"


def test_ambiguous_indicator_name_offered_and_chosen(chat: Chat) -> None:
    to_indicators(chat)
    chat.click("ind.name:skip")
    assert "质量指标" in chat.text
    chat.say("培训合格")
    assert "可能是" in chat.text
    assert "pick:培训合格率" in chat.values and "pick:培训合格" in chat.values
    chat.click("pick:培训合格率")
    assert "已记录：培训合格率（你输入的是「培训合格」）" in chat.text
    assert [(i.level2, i.name) for i in chat.form().indicators] == [("质量指标", "培训合格率")]


def test_unknown_indicator_name_is_kept_as_typed(chat: Chat) -> None:
    to_indicators(chat)
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
    assert [v for v in chat.values if v.startswith("goto:")]
    assert chat.form().department == "广州市协作办公室"


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
    assert "撤销" in chat.text and "修改" in chat.text and "【预算整体情况" in chat.text
    chat.say("进度")
    assert "✓ 部门名称：广州市协作办公室" in chat.text
    assert "预算整体情况：0/8" in chat.text
    assert "下一步：预算整体情况 › 部门预算支出 › 基本支出" in chat.text
    chat.say("查看")
    assert "部门名称：广州市协作办公室" in chat.text
    chat.say("hepl")
    assert "撤销" in chat.text


def test_skip_and_back(chat: Chat) -> None:
    chat.say("部门甲局")
    chat.say("跳过")
    assert "基本支出" in chat.text
    chat.say("返回")
    assert "【预算年度】" in chat.text
    chat.say("2026")
    assert chat.form().year == 2026
    chat.say("返回")
    chat.say("返回")
    assert "【部门名称】" in chat.text and "（当前：部门甲局）" in chat.text


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


def test_undo_of_a_labelled_task_removes_the_task(chat: Chat) -> None:
    to_indicators(chat)
    before = chat.form()
    chat.say("任务：新任务；内容：做事；资金：1；目标：做完")
    assert len(chat.form().tasks) == 2
    chat.say("撤销")
    assert chat.form() == before


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
    assert "goto:pair:效益指标/生态效益指标" in chat.values
    assert "goto:pair:成本指标/生态环境成本指标" in chat.values
    chat.click("goto:pair:成本指标/生态环境成本指标")
    assert "绩效指标 › 成本指标 › 生态环境成本指标" in chat.text
    chat.say("碳排放量")
    chat.say("≤100吨")
    chat.click("ind.annual_value:same")
    chat.click("ind.more:next")
    assert "回到刚才的位置" in chat.text and "基本支出" in chat.text
    assert chat.form().indicators[0].level2 == "生态环境成本指标"


def test_edit_text_that_is_an_answer_is_taken_as_the_answer(chat: Chat) -> None:
    chat.say("修改完善制度建设办公室")
    assert chat.form().department == "修改完善制度建设办公室"


def test_export_with_errors_still_exports(chat: Chat) -> None:
    fill_to_budget(chat)
    chat.say("导出")
    file = next(r.file for r in chat.replies if r.file)
    assert read_xlsx(file.data).department == "广州市协作办公室"
    assert "个错误" in chat.text and "已照常导出" in chat.text and "B12" in chat.text


def test_new_drafts_switch(chat: Chat) -> None:
    chat.say("部门甲局")
    chat.say("新建")
    assert "已新建草稿 2" in chat.text and "【部门名称】" in chat.text
    chat.say("部门乙局")
    chat.say("草稿")
    assert "1. 部门甲局" in chat.text and "2. 部门乙局" in chat.text and "← 当前" in chat.text
    chat.say("切换 1")
    assert "已切换到草稿 1：部门甲局" in chat.text
    assert "【预算年度】" in chat.text
    assert chat.form().department == "部门甲局"
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
    other = Chat(engine, "U2")
    other.open()
    assert "你好" in other.text


@pytest.mark.parametrize("typed, reply", [
    ("英文", "Language set to English"), ("切换到英文", "Language set to English"),
    ("switch to English", "Language set to English"), ("请用英文回复", "Language set to English"),
])
def test_language_asked_for_in_words(chat: Chat, typed: str, reply: str) -> None:
    chat.say("广州市协作办公室")
    chat.say(typed)
    assert reply in chat.text and "Budget year" in chat.text  # the same question, in English
    assert chat.form().department == "广州市协作办公室"
    chat.say("切换到中文")
    assert "已切换为中文" in chat.text


def test_a_button_of_an_answered_question_does_nothing(chat: Chat) -> None:
    to_indicators(chat)
    old = chat.offered("ind.name:skip")
    chat.say("培训人次")  # answered by typing
    before = chat.form()
    chat._send(choice=old)
    assert chat.replies[0].kind == "stale_choice" and "已经回答过了" in chat.text
    assert chat.form() == before


# --- paste and upload ---------------------------------------------------------------------

def test_paste_seed_into_an_empty_draft(chat: Chat, seed_text: str, seed_form_module: Form) -> None:
    chat.say(seed_text)
    assert "已读取粘贴的表格" in chat.text
    assert "V06" in chat.text and "B02" in chat.text
    assert chat.form() == seed_form_module
    chat.click("cmd:continue")
    assert "质量指标" in chat.text


def test_a_pasted_form_never_overwrites_a_draft_without_asking(chat: Chat, seed_text: str,
                                                               seed_form_module: Form) -> None:
    fill_to_budget(chat)
    chat.say(ALL_AMOUNTS)
    before = chat.form()
    chat.say(seed_text)
    assert "会改动其中" in chat.text and "基本支出" in chat.text
    assert chat.form() == before
    chat.click("import:merge")
    merged = chat.form()
    assert merged.budget == before.budget  # the amounts already given are kept
    assert merged.overall_goal == seed_form_module.overall_goal  # what was empty is filled
    chat.say("撤销")
    assert chat.form() == before


def test_paste_mid_draft_as_a_new_draft_or_replacing(chat: Chat, seed_text: str, seed_form_module: Form) -> None:
    fill_to_budget(chat)
    chat.say("100")
    before = chat.form()
    chat.say(seed_text)
    chat.click("import:new")
    assert chat.form() == seed_form_module
    chat.say("草稿")
    assert "1. 广州市协作办公室" in chat.text and "2. 广州市协作办公室" in chat.text
    chat.say("切换 1")
    assert chat.form() == before
    chat.say(seed_text)
    chat.click("import:replace")
    assert chat.form() == seed_form_module
    chat.say("草稿")
    assert "3." not in chat.text  # the waiting copy was not kept as a third draft


def test_upload_workbook_gives_the_report(chat: Chat, seed_form_module: Form) -> None:
    chat.upload("申报表.xlsx", write_form(seed_form_module))
    assert "已读取文件「申报表.xlsx」" in chat.text
    assert "0 个错误" in chat.text and "S09" in chat.text and "V07" in chat.text
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
    first.open()
    fill_to_budget(first)
    first.say("4381.54")
    first.engine.store.close()
    again = Chat(Engine(make_store(db_url)))
    again.open()
    assert "【预算整体情况 › 部门预算支出 › 项目支出】" in again.text
    assert "你好" not in again.text
    again.say("返回")
    assert "基本支出" in again.text and "4,381.54" in again.text


def test_two_concurrent_turns_are_both_kept(make_store: Callable[..., Store]) -> None:
    setup = Chat(Engine(make_store()))
    setup.open()
    fill_to_budget(setup)
    engines = [Engine(make_store()), Engine(make_store())]
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


def test_two_conversations_editing_one_draft_lose_nothing(make_store: Callable[..., Store]) -> None:
    """The terminal and a DM of the same person share their drafts: both edits are kept."""
    a, b = Chat(Engine(make_store()), conversation="dm:U1"), Chat(Engine(make_store()), conversation="cli:U1")
    a.open()
    a.say("市档案馆")
    b.say("草稿")
    b.say("切换 1")
    barrier = threading.Barrier(2)

    def send(chat: Chat, text: str) -> None:
        barrier.wait()
        chat.say(text)

    threads = [threading.Thread(target=send, args=(a, "基本支出：11")),
               threading.Thread(target=send, args=(b, "项目支出：22"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    f = a.form()
    assert (f.budget.basic_expenditure, f.budget.project_expenditure) == (Decimal("11.00"), Decimal("22.00"))


def test_one_person_cannot_reach_another_persons_draft(engine: Engine) -> None:
    alice = Chat(engine, "UA")
    alice.open()
    alice.say("甲局")
    alice.say("新建")
    alice.say("乙局")
    bob = Chat(engine, "UB")
    bob.open()
    bob.say("草稿")
    assert "甲局" not in bob.text and "乙局" not in bob.text
    bob.say("切换 2")
    assert "没有编号" in bob.text
    assert bob.form().department == ""
    intruder = Chat(engine, "UB", conversation="dm:UA")
    intruder.say("查看")
    assert "甲局" not in intruder.text and "乙局" not in intruder.text


def test_shared_thread_is_one_draft_with_history(engine: Engine, store: Store) -> None:
    a = Chat(engine, "UA", conversation="thread:C1:111.1", shared=True)
    b = Chat(engine, "UB", conversation="thread:C1:111.1", shared=True)
    a.open()
    a.say("广州市协作办公室")
    b.say("2025")
    assert a.form().year == 2025 and b.form().department == "广州市协作办公室"
    with store.turn("thread:C1:111.1", "place:thread:C1:111.1") as t:
        actors = {(h.actor, h.path) for h in t.active().history()}
    assert ("UA", "department") in actors and ("UB", "year") in actors


def test_drafts_in_a_thread_says_whose_they_are(engine: Engine) -> None:
    a = Chat(engine, "UA", conversation="thread:C1:5.5", shared=True)
    a.open()
    a.say("草稿")
    assert "此讨论串的共享草稿" in a.text
    a.say("lang en")
    assert "others in this thread keep theirs" in a.text


# --- events applied once, shared messages in order -----------------------------------------

def test_an_event_is_applied_once_even_when_delivered_twice(engine: Engine, store: Store) -> None:
    chat = Chat(engine)
    chat.open()
    first = engine.handle(Turn("dm:U1", "U1", text="甲局", event_id="Ev1"))
    again = engine.handle(Turn("dm:U1", "U1", text="甲局", event_id="Ev1"))
    assert first and again == []
    assert chat.form().department == "甲局" and chat.form().year is None
    with store.turn("dm:U1", "user:U1") as t:
        assert [h.path for h in t.active().history()] == ["department"]


def test_a_retry_may_take_over_a_claim_that_was_never_applied(engine: Engine, store: Store) -> None:
    assert store.claim_event("Ev9")
    assert not store.claim_event("Ev9")
    assert store.claim_event("Ev9", retry=True)
    engine.handle(Turn("dm:U1", "U1", text="乙局", event_id="Ev9"))
    assert not store.claim_event("Ev9", retry=True)


def test_shared_thread_answers_at_the_same_moment_are_applied_in_message_order(
    make_store: Callable[..., Store],
) -> None:
    setup = Chat(Engine(make_store()), "UA", conversation="thread:C1:9.0", shared=True)
    setup.open()
    fill_to_budget(setup)
    engines = [Engine(make_store()), Engine(make_store())]
    for round_ in range(3):
        a, b = 10 * round_ + 1, 10 * round_ + 2
        later = threading.Thread(target=engines[1].handle, args=(Turn(
            "thread:C1:9.0", "UB", text=f"基本支出 {b}", shared=True, order_key=f"100{round_}.2"),))
        earlier = threading.Thread(target=engines[0].handle, args=(Turn(
            "thread:C1:9.0", "UA", text=f"基本支出 {a}", shared=True, order_key=f"100{round_}.1"),))
        later.start()
        threading.Event().wait(0.03)
        earlier.start()
        later.join()
        earlier.join()
        assert setup.form().budget.basic_expenditure == Decimal(b)
        with engines[0].store.turn("thread:C1:9.0", "place:thread:C1:9.0") as t:
            last_two = [(h.actor, h.new) for h in t.active().history(2)][::-1]
        assert last_two == [("UA", f"{a}.00"), ("UB", f"{b}.00")]


# --- the Guangdong template: 基本信息 and one 指标值 ------------------------------------------

def test_a_guangdong_draft_asks_basic_info_and_one_value(chat: Chat) -> None:
    from tests.template_shapes import guangdong_workbook

    chat.upload("广东.xlsx", guangdong_workbook())
    assert "已读取文件" in chat.text
    chat.say("修改 财政供养人员数")
    assert "【财政供养人员数】" in chat.text and "基本信息" in chat.text
    chat.say("一百二十")  # not a whole number as written
    assert "不是人数或个数" in chat.text
    chat.say("120人")
    assert chat.form().basic_info.fiscal_staff == 120
    chat.say("修改 质量指标")
    chat.click("ind.more:another")
    chat.say("职业技能鉴定一次通过率")
    assert "【绩效指标 › 产出指标 › 质量指标，第 2 项 › 指标值】" in chat.text  # no 实施周期 asked
    assert "实施周期" not in chat.text and "同上" not in chat.text  # nor spoken of
    chat.say("同上")  # nothing to repeat in a one-value form
    assert "没有可沿用的上一项，未记录" in chat.text and "指标值】" in chat.text
    chat.say("≥95%")
    ind = next(i for i in chat.form().indicators if i.name == "职业技能鉴定一次通过率")
    assert (ind.period_value, ind.annual_value) == ("", "≥95%")
    assert "【绩效指标 › 产出指标 › 质量指标】" in chat.text  # on to "more?": no period value asked
