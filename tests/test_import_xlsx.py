"""Reading uploaded workbooks: every layout a department might send reads as the same form."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from form_model.importers import load_bytes, read_text, read_xlsx
from form_model.importers.gate import check_xlsx
from form_model.importers.xlsx_reader import cell_text
from form_model.models import Form, NoteKind, Template
from tests.builders import SEED_FORM, Layout, form_workbook, save, seed_form, sheet_workbook
from tests.forms import clean_form

ALIASES = {
    "产出指标": "产出",
    "数量指标": "数量",
    "质量指标": "质量",
    "时效指标": "时效",
    "效益指标": "效果指标",
    "经济效益指标": "经济效益",
    "社会效益指标": "社会效益",
    "生态效益指标": "环境效益指标",
    "满意度指标": "满意度",
    "服务对象满意度指标": "社会公众或服务对象满意度",
    "成本指标": "成本",
    "经济成本指标": "经济成本",
}

VARIANTS: dict[str, Callable[[], bytes]] = {
    "official-at-A1": lambda: form_workbook(SEED_FORM),
    "title-blank-rows-table-at-C4": lambda: form_workbook(
        SEED_FORM, Layout(top=4, left=3, blank_rows=2, gaps=True, numbered=True)
    ),
    "labels-repeated-unmerged": lambda: form_workbook(SEED_FORM, Layout(merged=False)),
    "amounts-as-text": lambda: form_workbook(SEED_FORM, Layout(amounts_as_text=True)),
    "instructions-sheet-first": lambda: form_workbook(SEED_FORM, instructions_first=True),
    "aliases-and-short-names": lambda: form_workbook(SEED_FORM, Layout(level_names=ALIASES)),
    "everything-at-once": lambda: form_workbook(
        SEED_FORM,
        Layout(top=6, left=4, title=None, merged=False, amounts_as_text=True, numbered=True,
               level_names=ALIASES),
        instructions_first=True,
    ),
}


@pytest.mark.parametrize("build", VARIANTS.values(), ids=VARIANTS.keys())
def test_workbook_layouts_read_as_the_seed(build: Callable[[], bytes]) -> None:
    form = read_xlsx(build())
    # The instructions sheet is not read, and the report says so (I02); nothing else is noted.
    assert [(n.kind, n.sheet, n.text) for n in form.reader_notes] in (
        [], [(NoteKind.OTHER_SHEET, "填报说明", "申报表")]
    )
    assert form.model_copy(update={"reader_notes": []}) == SEED_FORM


def test_the_seed_text_and_the_official_workbook_agree(seed_text: str) -> None:
    assert read_xlsx(form_workbook(SEED_FORM)) == read_text(seed_text)


def test_dispatch_by_extension_and_by_content() -> None:
    data = form_workbook(SEED_FORM)
    assert load_bytes(data, "申报表.xlsx") == SEED_FORM
    assert load_bytes(data, "upload") == SEED_FORM  # no extension: sniffed as a zip
    assert load_bytes(data, "申报表.XLSX") == SEED_FORM
    assert load_bytes(data, "申报表.txt") == SEED_FORM  # a workbook renamed is still a workbook


def test_year_from_the_title_row() -> None:
    form = read_xlsx(form_workbook(SEED_FORM, Layout(title="2025年度部门整体预算绩效目标申报表")))
    assert form.year == 2025
    assert form.model_copy(update={"year": None}) == SEED_FORM


@pytest.mark.parametrize("form", [SEED_FORM, clean_form()], ids=["seed", "clean-form"])
def test_the_exporters_workbook_reads_back_unchanged(form: Form) -> None:
    from form_model.exporter import write_form

    # A draft has no template: it is exported, and read back, as the Guangzhou form.
    assert read_xlsx(write_form(form)) == form.model_copy(update={"template": Template.GUANGZHOU})


def test_exported_unreadable_amounts_read_back_with_their_notes() -> None:
    from form_model.exporter import write_form

    form = seed_form()
    form.year = 2025
    form.budget.other_funds = None
    form.tasks[2].items[1].amount = None
    form.amount_notes = {"budget.other_funds": "待定", "tasks[2].items[1].amount": "约四百"}
    assert read_xlsx(write_form(form)) == form


# --- cell values -------------------------------------------------------------------------


def _cell(value: object, number_format: str = "General") -> Cell:
    ws = Workbook().active
    assert ws is not None
    cell = ws.cell(row=1, column=1, value=value)
    cell.number_format = number_format
    return cell


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (4381.54, "#,##0.00", "4381.54"),
        (4381.5399999999991, "#,##0.00", "4381.54"),  # how Excel often stores 4381.54
        (270769.27, "#,##0.00", "270769.27"),
        (0.0, "0.00", "0"),
        (78, "General", "78"),
        (0.9, "0%", "90%"),
        (1e20, "General", "100000000000000000000"),
        (1, "0%", "100%"),
        (0.955, "0.0%", "95.5%"),
        (12, '0"%"', "12%"),  # a literal percent sign does not scale the number
        (12, "0\\%", "12%"),
        (dt.datetime(2025, 4, 30), "yyyy-mm-dd", "2025年4月30日"),
        (dt.datetime(2025, 4, 30, 9, 30), "yyyy-mm-dd hh:mm", "2025年4月30日 09:30"),
        ("≥90%", "General", "≥90%"),
        (None, "General", ""),
    ],
)
def test_cell_text_shows_what_the_cell_shows(value: object, number_format: str, shown: str) -> None:
    assert cell_text(_cell(value, number_format)) == shown


def test_float_artefacts_never_become_amount_notes() -> None:
    """Excel stores 4381.54 as 4381.5399999999991 (one unit in the last place off)."""
    wb = load_workbook(BytesIO(form_workbook(SEED_FORM)))
    noisy = 0
    for row in wb["申报表"].iter_rows():
        for cell in row:
            if isinstance(cell.value, float) and cell.value:
                cell.value = math.nextafter(cell.value, 0.0)
                noisy += 1
    assert noisy == 6  # the amounts with decimals (whole numbers come back as int)
    read = read_xlsx(save(wb))
    assert read.amount_notes == {}
    assert read == SEED_FORM


def test_amounts_a_person_typed_badly_are_noted_not_fatal() -> None:
    rows: list[list[object]] = [
        ["部门名称", "广州市示例局"],
        ["预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）"],
        [None, "基本支出", "两千万", "财政拨款", -100],
        [None, "项目支出", 1.234, "其他资金", "#VALUE!"],
        ["总体绩效目标", "做好工作"],
    ]
    form = read_xlsx(sheet_workbook(rows))
    assert form.budget.basic_expenditure == Decimal("2000.00")
    assert form.budget.fiscal_appropriation is None
    assert form.budget.project_expenditure == Decimal("1.234")  # to the fen is kept
    assert form.budget.other_funds is None
    assert form.amount_notes == {
        "budget.fiscal_appropriation": "-100",
        "budget.other_funds": "#VALUE!",
    }


def test_the_sheet_with_the_form_wins_over_the_first_sheet() -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "说明"
    first.append(["部门名称", "（填写单位全称）"])
    first.append(["绩效指标", "（按一级、二级、三级填写）"])
    second = wb.create_sheet("Sheet2")
    second.append(["部门名称", "广州市示例局"])
    second.append(["绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"])
    second.append([None, "产出指标", "数量指标", "培训班次", "20次", "20次"])
    form = read_xlsx(save(wb))
    assert form.department == "广州市示例局"
    assert [i.name for i in form.indicators] == ["培训班次"]


def test_the_official_layouts_pass_the_gate() -> None:
    for build in VARIANTS.values():
        check_xlsx(build())  # raises on refusal
