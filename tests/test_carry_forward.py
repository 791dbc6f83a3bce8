"""Starting from last year's form: the whole flow in the conversation (on SQLite and
PostgreSQL), the comparison with last year, the history, undo, and the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.store import Store
from form_model.carry import carry_forward, replace_years, years_in_texts
from form_model.checker import check
from form_model.exporter import write_form
from form_model.importers import read_text, read_xlsx
from form_model.models import Form
from tests.chat import Chat

#: The rules comparing with last year, each tripped (and not) by the tests below.
COMPARISON_RULES = {"Y01", "Y02", "Y03", "Y04", "Y05", "Y06"}


@pytest.fixture(scope="module")
def last_year() -> Form:
    """The seed as last year's form: 2025, with the year written in its goal too."""
    from tests.conftest import DEFAULT_SEED_DIR

    files = sorted(Path(DEFAULT_SEED_DIR).glob("*.txt"))
    if not files:
        pytest.skip("seed not found")
    form = read_text(files[0].read_text("utf-8"))
    form.year = 2025
    form.overall_goal = "2025年：" + form.overall_goal
    return form


def expected_this_year(last: Form) -> Form:
    """What the flow below should export: 2026, the years in the texts moved on, the second task
    dropped, two indicator values changed, nothing left 「沿用上年」."""
    form, _ = replace_years(carry_forward(last, 2026), 2025, 2026)
    del form.tasks[1]
    for ind in form.indicators:
        if ind.name == "广州对口帮扶省内镇数量":
            ind.period_value = ind.annual_value = "≥70个"
        if ind.name == "协助国内各地市来穗开展招商推介和经贸考察交流活动次数":
            ind.period_value = ind.annual_value = "≥12次"
    form.carried = []
    return form


def test_last_years_form_carried_forward_in_at_most_15_turns(store: Store, last_year: Form) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("2025年申报表.xlsx", write_form(last_year))
    assert "carry:start:2026" in chat.values and "以此为基础起草 2026 年" in chat.labels()
    chat.click("carry:start:2026")
    assert "已以上年表格" in chat.text and "沿用上年" in chat.text
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in chat.text and "上年 4,381.54 万元" in chat.text
    chat.click("carry:years:2025>2026")
    assert "「2025年」改为「2026年」：1 处" in chat.text
    chat.say("本部分不变")  # the eight amounts as last year
    assert "「推动国内区域合作" in chat.text and "今年还有吗" in chat.text
    chat.say("保留")
    assert "「开展省内帮扶工作」" in chat.text
    chat.click("carry:drop")
    assert "已删除任务「开展省内帮扶工作」" in chat.text
    chat.say("同上")  # the third task as it was
    assert "上年：实施周期 10次以上优秀" in chat.text  # the first indicator, with last year's values
    chat.say("≥12次")
    chat.say("广州对口帮扶省内镇数量：≥70个")  # a labelled change, wherever the walk is
    assert "目标低于上年" in chat.text or "低于上年" in chat.text
    chat.say("其余都不变")
    assert "还要新增任务或指标吗" in chat.text
    chat.click("carry:none")
    chat.say("表格完整吗？")
    assert "Y01" in chat.text and "上年年度指标值为「78个」" in chat.text
    assert "Y06" not in chat.text  # nothing left 「沿用上年」
    chat.say("导出")
    assert chat.turns <= 15
    [file] = [r.file for r in chat.replies if r.file]
    exported = read_xlsx(file.data)
    assert exported == expected_this_year(last_year)
    assert chat.form() == expected_this_year(last_year)


def test_a_number_picks_the_choice_shown_with_that_number(store: Store, last_year: Form) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(last_year))
    n = chat.labels().index("以此为基础起草 2026 年") + 1
    chat.say(str(n))
    assert "已以上年表格" in chat.text and chat.form().year == 2026


def test_history_says_what_came_from_last_year_and_undo_goes_back(store: Store, last_year: Form) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(last_year))
    chat.click("carry:start:2026")
    chat.say("同上")  # 基本支出 confirmed
    chat.say("270,000")  # 项目支出 changed
    chat.say("历史")
    lines = chat.text.splitlines()
    assert any("以上年表格为基础起草" in line and "U1" in line for line in lines)
    assert any("确认沿用上年 1 项" in line and "基本支出" in line for line in lines)
    assert any("项目支出（270,769.27 → 270000.00）" in line or "项目支出（270769.27 → 270000.00）" in line
               for line in lines), chat.text
    form = chat.form()
    assert "budget.basic_expenditure" not in form.carried and "budget.project_expenditure" not in form.carried
    assert "budget.fiscal_appropriation" in form.carried
    chat.say("撤销")  # the change of 项目支出 …
    chat.say("撤销")  # … the confirmation of 基本支出 …
    assert "budget.basic_expenditure" in chat.form().carried
    chat.say("撤销")  # … and the carry-forward itself: the new draft is empty again
    assert chat.form().is_empty()
    chat.say("草稿")
    assert "1. 广州市协作办公室（2025年）" in chat.text  # last year's form is still there


def test_skip_in_the_carry_walk_passes_a_value_over_and_keeps_its_mark(store: Store, last_year: Form) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(last_year))
    chat.click("carry:start:2026")
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in chat.text
    chat.say("跳过")
    assert "已跳过" in chat.text and "【预算整体情况 › 部门预算支出 › 项目支出】" in chat.text
    assert "budget.basic_expenditure" in chat.form().carried  # still 「沿用上年」: Y06 will say so
    chat.say("跳过")
    assert "【预算整体情况 › 收入来源 › 财政拨款】" in chat.text
    assert {"budget.basic_expenditure", "budget.project_expenditure"} <= set(chat.form().carried)


def test_history_names_a_dropped_task_once(store: Store, last_year: Form) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(last_year))
    chat.click("carry:start:2026")
    chat.click("carry:years:2025>2026")
    chat.say("本部分不变")
    chat.say("保留")
    chat.click("carry:drop")  # 开展省内帮扶工作, with its sub-rows
    chat.say("历史")
    lines = chat.text.splitlines()
    dropped = [line for line in lines if "开展省内帮扶工作" in line]
    assert len(dropped) == 1 and "删除年度重点工作任务「开展省内帮扶工作」" in dropped[0], chat.text
    assert "主要实施内容" not in chat.text  # its sub-rows went with it, not listed one by one
    assert not any(line.rstrip().endswith("项：") for line in lines), chat.text  # no empty list
    chat.say("英文")
    chat.say("history")
    assert "removed key task '开展省内帮扶工作'" in chat.text


BOGUS_MARKS = ["indicators[0].bogus", "indicators[99].annual_value", "tasks[0].items[0].goal", "budget.nope", "x"]


def test_marks_in_a_workbook_that_name_nothing_here_are_ignored(last_year: Form) -> None:
    form = last_year.model_copy(deep=True)
    form.carried = [*BOGUS_MARKS, "indicators[0].annual_value", "budget.basic_expenditure"]
    form.explanations = {"indicators[0].bogus": "?", "indicators[0].period_value": "原因"}
    read = read_xlsx(write_form(form))
    assert read.carried == ["indicators[0].annual_value", "budget.basic_expenditure"]
    assert read.explanations == {"indicators[0].period_value": "原因"}


def test_the_check_takes_any_marks_without_failing(last_year: Form) -> None:
    form = last_year.model_copy(deep=True)
    form.carried = [*BOGUS_MARKS, "indicators[0].annual_value"]
    [y06] = [f for f in check(form).findings if f.code == "Y06"]
    assert y06.message.startswith("1 项沿用上年")


def _small_last_year() -> Form:
    return Form.model_validate({
        "department": "甲局", "year": 2025,
        "budget": {"basic_expenditure": "100", "project_expenditure": "900"},
        "tasks": [{"name": "职业培训", "items": [{"content": "开展培训", "amount": "900", "goal": "培训1万人次"}]}],
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "职业培训人次", "period_value": "≥10000人次",
             "annual_value": "≥10000人次"},
            {"level1": "成本指标", "level2": "经济成本指标", "name": "人均培训经费", "period_value": "≥500元",
             "annual_value": "≥500元"},
        ],
    })


def test_the_chat_says_lower_than_last_year_exactly_when_y01_will(store: Store) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(_small_last_year()))
    chat.click("carry:start:2026")
    chat.say("人均培训经费：≥450元")  # a cost: less is better, so no word (and no Y01)
    assert "低于上年" not in chat.text
    chat.say("职业培训人次：≥9000人次")  # lower in both columns
    assert "目标低于上年（≥10000人次）" in chat.text
    chat.say("其余都不变")
    chat.say("表格完整吗？")
    assert chat.text.count("[Y01") == 2  # 实施周期 and 年度


def test_app_home_counts_the_comparison_with_last_year_too(store: Store) -> None:
    from bot.engine import overview, refresh_summaries

    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(_small_last_year()))
    chat.click("carry:start:2026")
    chat.say("职业培训人次：≥9000人次")  # two Y01 warnings
    assert refresh_summaries(store, "U1") >= 1
    [mine] = [d for d in overview(store, "U1") if "2026" in d.title]
    chat.say("表格完整吗？")
    warnings = int(re.search(r"(\d+) 个警告", chat.text).group(1))  # type: ignore[union-attr]
    assert mine.counts["warning"] == warnings


def test_one_reason_covers_every_column_whose_target_went_down(store: Store) -> None:
    chat = Chat(Engine(store))
    chat.open()
    chat.upload("last.xlsx", write_form(_small_last_year()))
    chat.click("carry:start:2026")
    chat.say("本部分不变")
    chat.say("保留")
    assert "「职业培训人次」上年" in chat.text
    chat.say("≥9000人次")  # the carry question: both columns take it
    assert "目标低于上年（≥10000人次）" in chat.text
    chat.click("carry:explain")
    chat.say("培训补贴标准调整，人数相应减少")
    assert "已记录原因" in chat.text
    chat.say("其余都不变")
    chat.say("表格完整吗？")
    assert "[Y01" not in chat.text


def test_the_comparison_with_last_year() -> None:
    last = Form.model_validate({
        "department": "甲局", "year": 2025,
        "budget": {"basic_expenditure": "100", "project_expenditure": "900"},
        "tasks": [{"name": "职业培训", "items": [{"content": "开展培训", "amount": "500", "goal": "培训1万人次"}]}],
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "职业培训人次", "period_value": "≥10000人次",
             "annual_value": "≥10000人次"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "困难群众补助标准",
             "period_value": "≥200元每人每月", "annual_value": "≥200元每人每月"},
            {"level1": "产出指标", "level2": "时效指标", "name": "补助发放及时率", "period_value": "＝100%",
             "annual_value": "＝100%"},
        ],
    })
    now = last.model_copy(deep=True)
    now.year = 2026
    now.budget.project_expenditure = now.budget.project_expenditure * 2  # +90% in total
    now.tasks[0].items[0].amount = last.tasks[0].items[0].amount * 2  # +100%
    now.indicators[1].period_value = now.indicators[1].annual_value = "≥190元每人每月"
    del now.indicators[2]  # dropped
    now.indicators.append(now.indicators[0].model_copy(update={"name": "古籍修复册数"}))  # no task for it
    codes = [f.code for f in check(now, base=last).findings if f.code.startswith("Y")]
    assert sorted(set(codes)) == ["Y01", "Y02", "Y03", "Y04", "Y05"]
    y01 = [f for f in check(now, base=last).findings if f.code == "Y01"]
    assert len(y01) == 2 and all("≥200元每人每月" in f.message for f in y01)
    now.explanations = {"indicators[1].period_value": "标准调整", "indicators[1].annual_value": "标准调整"}
    assert not [f for f in check(now, base=last).findings if f.code == "Y01"]  # explained
    assert not [f for f in check(now).findings if f.code in ("Y01", "Y02", "Y03", "Y04", "Y05")]  # no base


def test_years_in_texts_are_found_and_replaced(last_year: Form) -> None:
    form = carry_forward(last_year)
    assert form.year == 2026 and form.department == last_year.department
    assert [m.path for m in years_in_texts(form, 2025)] == ["overall_goal"]
    replaced, n = replace_years(form, 2025, 2026)
    assert n == 1 and replaced.overall_goal.startswith("2026年：")


# --- the CLI -----------------------------------------------------------------------------------

def test_cli_carry_forward_and_check_against_the_base(tmp_path: Path, last_year: Form) -> None:
    repo = Path(__file__).resolve().parents[1]
    last = tmp_path / "last.xlsx"
    last.write_bytes(write_form(last_year))
    out = tmp_path / "draft.xlsx"
    done = subprocess.run([sys.executable, str(repo / "app.py"), "carry-forward", str(last), "--replace-years",
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2026 年草稿" in done.stdout and "沿用上年、待确认：34 项" in done.stdout
    assert "「2025年」已改为「2026年」：1 处" in done.stdout
    draft = read_xlsx(out.read_bytes())
    assert draft.year == 2026 and len(draft.carried) == 34  # the marks travel with the workbook
    checked = subprocess.run([sys.executable, str(repo / "app.py"), "check", str(out), "--base", str(last)],
                             capture_output=True, text=True)
    assert checked.returncode == 0 and "Y06" in checked.stdout and "Y01" not in checked.stdout
    bad = subprocess.run([sys.executable, str(repo / "app.py"), "carry-forward", str(tmp_path / "missing.xlsx")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
