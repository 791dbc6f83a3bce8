"""Reading a form pasted out of a spreadsheet, starting with the one real form (the seed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from form_model.importers import FormReadError, load_bytes, load_form, read_text
from form_model.importers.text_reader import split_cells
from form_model.models import Form, Indicator
from tests.builders import SEED_FORM, Layout, form_tsv, seed_form

# --- the seed, exactly ------------------------------------------------------------------


def test_seed_imports_to_exactly_its_content(seed_text: str) -> None:
    assert read_text(seed_text) == SEED_FORM


def test_seed_amounts_are_exact_decimals(seed_text: str) -> None:
    budget = read_text(seed_text).budget
    assert {k: str(v) for k, v in budget.amounts().items()} == {
        "basic_expenditure": "4381.54",
        "project_expenditure": "270769.27",
        "fiscal_appropriation": "275150.81",
        "other_funds": "2536.49",
        "special_fiscal_funds": "0.00",
        "other_development_expenditure": "0.00",
        "city_level_funds": "275150.81",
        "transfer_payment_funds": "0.00",
    }


def test_seed_header_goal_and_notes(seed_text: str) -> None:
    form = read_text(seed_text)
    assert form.department == "广州市协作办公室"
    assert form.year is None  # the seed's title carries no year
    assert "<p>" not in form.overall_goal and "</p>" not in form.overall_goal
    assert form.overall_goal.startswith("1. 全面对标对表中央部署要求")
    assert form.overall_goal.endswith("全力将广博会建设成为服务国际国内双循环的重要平台。")
    assert form.other_tasks == ""
    assert form.amount_notes == {}


def test_seed_tasks_keep_sub_rows_and_the_truncated_goal(seed_text: str) -> None:
    tasks = read_text(seed_text).tasks
    assert [t.name for t in tasks] == [
        "推动国内区域合作、深化“双向赋能”行动及“广博会+”战略布局",
        "开展省内帮扶工作",
        "加强省外支援协作",
    ]
    assert [[i.amount for i in t.items] for t in tasks] == [
        [Decimal("10030.00")], [Decimal("234657.50")], [Decimal("21172.00"), Decimal("400.00")],
    ]
    assert tasks[0].items[0].goal.endswith("塑造更受年轻群体青睐的现")
    assert tasks[2].items[1].content == "对口支援新疆疏附县、西藏波密县和重庆三峡库区巫山县"
    assert all(t.stated_total is None for t in tasks)


def test_seed_indicators_in_order_with_the_shifted_row_put_back(seed_text: str) -> None:
    indicators = read_text(seed_text).indicators
    assert len(indicators) == 11
    assert [(i.level1, i.level2) for i in indicators] == (
        [("产出指标", "数量指标")] * 2 + [("产出指标", "时效指标")]
        + [("效益指标", "经济效益指标")] * 2 + [("效益指标", "社会效益指标")] * 5
        + [("满意度指标", "服务对象满意度指标")]
    )
    assert indicators[9] == Indicator(
        level1="效益指标", level2="社会效益指标", name="广州市对口帮扶工作的社会影响力",
        period_value="广州市对口帮扶工作的社会影响力较好", annual_value="影响力较好",
    )
    assert indicators[0].period_value == indicators[0].annual_value == "10次以上优秀；8-10次良好；5-8次合格"


def test_seed_empty_level2_rows_yield_no_indicator(seed_text: str) -> None:
    form = read_text(seed_text)
    assert form.indicators_under("产出指标", "质量指标") == []
    assert form.indicators_under("效益指标", "生态效益指标") == []
    assert form.indicators_under("成本指标") == []
    assert all(i.name for i in form.indicators)


def test_seed_file_loads_by_path(seed_file: Path) -> None:
    assert load_form(seed_file) == SEED_FORM


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_seed_in_other_encodings(seed_text: str, encoding: str) -> None:
    assert load_bytes(seed_text.encode(encoding), "申报表.txt") == SEED_FORM


def test_seed_with_windows_line_ends_and_no_extension(seed_text: str) -> None:
    assert load_bytes(seed_text.replace("\n", "\r\n").encode(), "paste") == SEED_FORM


def test_seed_with_extra_columns_in_front(seed_text: str) -> None:
    shifted = "\n".join("\t\t" + line if line.strip() else line for line in seed_text.split("\n"))
    assert read_text(shifted) == SEED_FORM


# --- other layouts pasted ---------------------------------------------------------------


@pytest.mark.parametrize(
    "layout",
    [
        Layout(),
        Layout(merged=False),
        Layout(title="部门整体预算绩效目标申报表", blank_rows=3, gaps=True),
        Layout(amounts_as_text=True),
    ],
    ids=["official", "labels-repeated", "title-and-gaps", "text-amounts"],
)
def test_pasted_layouts_read_as_the_seed(layout: Layout) -> None:
    assert read_text(form_tsv(SEED_FORM, layout, lead=1)) == SEED_FORM


def test_year_from_the_title() -> None:
    text = form_tsv(SEED_FORM, Layout(title="2025年度部门整体预算绩效目标申报表"))
    assert read_text(text).year == 2025


def test_year_from_a_year_label() -> None:
    text = "预算年度\t2026\n" + form_tsv(SEED_FORM)
    assert read_text(text).year == 2026


def test_multi_line_cells_quoted_as_spreadsheets_copy_them() -> None:
    form = seed_form()
    form.overall_goal = '1. 完成"双向赋能"行动；\n2. 建成产业园。'
    form.tasks[0].items[0].content = "第一行\n第二行"
    form.other_tasks = "做好档案整理\n配合审计"
    text = form_tsv(form)
    assert '"1. 完成""双向赋能""行动；\n2. 建成产业园。"' in text
    assert read_text(text) == form


def test_a_cell_that_merely_starts_with_a_quote_is_kept_as_written() -> None:
    assert split_cells('"双向赋能"行动\t10\n"甲"\t乙') == [['"双向赋能"行动', "10"], ['"甲"', "乙"]]


def test_blank_lines_inside_the_paste_are_not_rows() -> None:
    text = form_tsv(SEED_FORM).replace("\n", "\n\n\n")
    assert read_text(text) == SEED_FORM


@pytest.mark.parametrize("name", ["广州市协作办公室", "广州市人力资源和社会保障局直属机关事务管理服务中心"])
def test_department_written_inline(name: str) -> None:
    text = form_tsv(SEED_FORM).replace("部门名称\t广州市协作办公室", f"部门名称：{name}")
    assert read_text(text).department == name


def test_indicator_table_alone_with_short_and_alias_names() -> None:
    text = (
        "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
        "\t产出\t数量\t培训班次\t≥20次\t≥10次\n"
        "\t产出\t质量\t培训合格率\t≥95%\t≥95%\n"
        "\t效果指标\t环境效益\t节约用纸\t≥10%\t≥5%\n"
        "\t满意度\t社会公众或服务对象满意度指标\t学员满意度\t≥90%\t≥90%\n"
        "注：指标值应可衡量。\n"
    )
    form = read_text(text)
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训班次"),
        ("产出指标", "质量指标", "培训合格率"),
        ("效益指标", "生态效益指标", "节约用纸"),
        ("满意度指标", "服务对象满意度指标", "学员满意度"),
    ]
    assert form.indicators[0].period_value == "≥20次" and form.indicators[0].annual_value == "≥10次"


def test_unknown_level_names_are_kept_as_written() -> None:
    text = (
        "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
        "\t工作成效指标\t办事效率指标\t平均办结天数\t≤5天\t≤5天\n"
    )
    [ind] = read_text(text).indicators
    assert (ind.level1, ind.level2) == ("工作成效指标", "办事效率指标")


def test_legacy_cost_under_output_is_kept_where_it_stands() -> None:
    """The older framework (成本指标 as a 二级 under 产出指标) is read as written; the checker
    explains, once, how to move to the current one (S17)."""
    text = (
        "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
        "\t产出指标\t数量指标\t培训班次\t20次\t20次\n"
        "\t\t成本指标\t人均培训成本\t≤0.25万元\t≤0.25万元\n"
        "\t\t时效指标\t完成时间\t12月底前\t12月底前\n"
    )
    assert [(i.level1, i.level2, i.name) for i in read_text(text).indicators] == [
        ("产出指标", "数量指标", "培训班次"),
        ("产出指标", "成本指标", "人均培训成本"),
        ("产出指标", "时效指标", "完成时间"),
    ]


def test_a_paste_without_tabs_splits_on_wide_gaps() -> None:
    text = (
        "部门名称    广州市示例局\n"
        "绩效指标  一级指标  二级指标  三级指标  实施周期指标值  年度指标值\n"
        "产出指标  数量指标  培训班次  ≥20次  ≥20次\n"
    )
    form = read_text(text)
    assert form.department == "广州市示例局"
    assert [(i.level1, i.name, i.annual_value) for i in form.indicators] == [("产出指标", "培训班次", "≥20次")]


def test_csv_file() -> None:
    data = (
        "部门名称,广州市示例局\n"
        "预算整体情况,部门预算支出,预算金额（万元）,收入来源,预算金额（万元）\n"
        ',基本支出,"4,381.54",财政拨款,"1,000.00"\n'
    ).encode()
    form = load_bytes(data, "form.csv")
    assert form.department == "广州市示例局"
    assert form.budget.basic_expenditure == Decimal("4381.54")
    assert form.budget.fiscal_appropriation == Decimal("1000.00")


# --- amounts that cannot be taken as they stand ------------------------------------------


def _budget_paste(basic: str, project: str = "100.00") -> str:
    return (
        "部门名称\t广州市示例局\n"
        "预算整体情况\t部门预算支出\t预算金额（万元）\t收入来源\t预算金额（万元）\n"
        f"\t基本支出\t{basic}\t财政拨款\t1,000.00\n"
        f"\t项目支出\t{project}\t其他资金\t\n"
        "总体绩效目标\t做好工作\n"
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [("待定", None), ("-50.00", None), ("#VALUE!", None), ("12.3456789", None),
     ("9" * 40, None)],
    ids=["words", "negative", "error-cell", "seven-decimals", "absurdly-large"],
)
def test_budget_amount_kept_aside_with_its_text(raw: str, value: Decimal | None) -> None:
    form = read_text(_budget_paste(raw))
    assert form.budget.basic_expenditure == value
    assert form.amount_notes == {"budget.basic_expenditure": raw}
    assert form.budget.fiscal_appropriation == Decimal("1000.00")
    assert form.budget.other_funds is None  # empty, not noted


def test_amounts_to_the_fen_are_kept() -> None:
    form = read_text(_budget_paste("12.345678", "4,381.5"))
    assert str(form.budget.basic_expenditure) == "12.345678"
    assert str(form.budget.project_expenditure) == "4381.50"
    assert form.amount_notes == {}


def test_amounts_with_units_are_read_in_wan_yuan() -> None:
    form = read_text(_budget_paste("43,815,400元", "2.75亿"))
    assert form.budget.basic_expenditure == Decimal("4381.54")
    assert form.budget.project_expenditure == Decimal("27500.00")
    assert form.amount_notes == {}


def test_task_amount_note_names_its_sub_row() -> None:
    form = seed_form()
    text = form_tsv(form).replace("400.0", "约四百万左右")
    read = read_text(text)
    assert read.tasks[2].items[1].amount is None
    assert read.amount_notes == {"tasks[2].items[1].amount": "约四百万左右"}


def test_a_total_on_the_task_row_above_its_sub_rows() -> None:
    text = (
        "年度重点工作任务\t名称\t主要实施内容\t拟投入的资金（万元）\t期望达到的目标（概述）\n"
        "\t加强省外支援协作\t\t21,572.00\t\n"
        "\t\t对口支援贵州\t21,172.00\t完成协作任务\n"
        "\t\t对口支援新疆\t400.00\t完成支援任务\n"
        "其他需完成的任务（可选填）\t无\n"
    )
    form = read_text(text)
    [task] = form.tasks
    assert task.stated_total == Decimal("21572.00")
    assert [i.amount for i in task.items] == [Decimal("21172.00"), Decimal("400.00")]
    assert form.other_tasks == "无"


# --- robustness --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=6), st.data())
def test_damaged_seed_pastes_read_or_fail_cleanly(cuts: list[int], data: st.DataObject) -> None:
    text = form_tsv(SEED_FORM)
    for cut in cuts:
        at = cut % max(len(text), 1)
        text = text[:at] + data.draw(st.sampled_from(["", "\t", "\n", '"', "指标", "-1", "9" * 40])) + text[at + 1:]
    try:
        assert isinstance(read_text(text), Form)
    except FormReadError as e:
        assert e.message and "\n" not in e.message
