"""Nothing a person gave us is dropped without a word: every non-empty cell is placed in the form
or reported (I01–I05) with its position and text."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from app import main
from form_model.checker import check
from form_model.exporter import export_filename, write_form
from form_model.importers import FormReadError, load_bytes, read_text, read_xlsx
from form_model.importers.xlsx_reader import read_sheets
from form_model.models import Form, Indicator, NoteKind
from tests.builders import (
    SEED_FORM,
    Layout,
    form_tsv,
    form_workbook,
    save,
    seed_form,
    sheet_workbook,
)
from tests.test_round_trip import forms

#: Characters of no label, level, number, date or comparator: extra text cannot pose as one.
EXTRA_POOL = "甲乙丙丁戊己庚辛壬癸山川河湖海林木花草鸟鱼虫云雨雪风xyz"
extra_text = st.text(alphabet=EXTRA_POOL, min_size=2, max_size=8).map(lambda s: "◇" + s)


def _accounted_for(form: Form, texts: list[str]) -> list[str]:
    """The texts found neither in the model's fields nor in an I finding."""
    content = form.model_copy(update={"reader_notes": []}).model_dump(mode="json")
    blob = json.dumps(content, ensure_ascii=False)
    said = " ".join(f.message for f in check(form).findings if f.code.startswith("I"))
    return [t for t in texts if t not in blob and t not in said]


def _tsv(rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in '\n\t"') else text

    return "\n".join("\t".join(cell(c) for c in row) for row in rows) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms(), st.lists(st.tuples(st.integers(0, 80), st.integers(1, 9), extra_text), min_size=1, max_size=8))
def test_extra_cells_in_a_workbook_are_placed_or_reported(form: Form, extras: list[tuple[int, int, str]]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_form(form)))
    ws = wb.active
    added: list[str] = []
    for row, col, text in extras:
        cell = ws.cell(row=1 + row % (ws.max_row + 3), column=col)
        if isinstance(cell, MergedCell) or cell.value not in (None, ""):
            continue  # a cell under a merge cannot be written; a filled one is the form's own
        cell.value = text
        added.append(text)
    read = read_xlsx(save(wb))
    assert _accounted_for(read, added) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms(), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 8), extra_text), min_size=1, max_size=8))
def test_extra_cells_in_a_paste_are_placed_or_reported(form: Form, extras: list[tuple[int, int, str]]) -> None:
    [sheet] = read_sheets(write_form(form))
    rows = [list(r) + [""] * (9 - len(r)) for r in sheet.rows] + [[""] * 9 for _ in range(3)]
    added: list[str] = []
    for row, col, text in extras:
        r = row % len(rows)
        if rows[r][col]:
            continue
        rows[r][col] = text
        added.append(text)
    assert _accounted_for(read_text(_tsv(rows)), added) == []


def _i01(form: Form) -> list[str]:
    return [f.message for f in check(form).findings if f.code == "I01"]


def test_an_unplaced_cell_is_named_by_sheet_cell_and_text() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(form_workbook(SEED_FORM)))
    wb["申报表"]["H17"] = "备注：与上年持平"
    form = read_xlsx(save(wb))
    [note] = form.reader_notes
    assert (note.kind, note.sheet, note.row, note.col, note.text) == (
        NoteKind.UNPLACED, "申报表", 17, 8, "备注：与上年持平")
    [finding] = [f for f in check(form).findings if f.code == "I01"]
    assert finding.severity == "warning"
    assert finding.where == "绩效指标 › 工作表「申报表」 H 列"  # row 17: the first indicator
    assert "H17「备注：与上年持平」" in finding.message


def test_an_unplaced_pasted_cell_is_named_by_line_and_column() -> None:
    text = form_tsv(SEED_FORM).replace("部门名称\t广州市协作办公室", "部门名称\t广州市协作办公室\t\t\t\t\t（盖章）")
    [message] = _i01(read_text(text))
    assert "第 2 行第 7 列「（盖章）」" in message  # line 1 is the title


def test_a_column_of_extra_cells_is_one_finding() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(form_workbook(SEED_FORM)))
    ws = wb["申报表"]
    for r in range(22, 33):
        ws.cell(r, 7, f"说明{r}")
    [message] = _i01(read_xlsx(save(wb)))
    assert message.startswith("11 个单元格") and "G22「说明22」" in message and "G32「说明32」" in message


def test_a_numbering_column_is_structure_not_content() -> None:
    form = read_xlsx(form_workbook(SEED_FORM, Layout(left=2, numbered=True)))
    assert form.reader_notes == []


def test_a_goal_written_one_per_row_is_kept_whole() -> None:
    text = form_tsv(SEED_FORM).replace(
        "总体绩效目标\t" + SEED_FORM.overall_goal,
        "总体绩效目标\t1. 完成帮扶项目78个；\n\t2. 带动就业8000人；\n\t3. 服务对象满意度≥90%。",
    )
    form = read_text(text)
    assert form.overall_goal == "1. 完成帮扶项目78个；\n2. 带动就业8000人；\n3. 服务对象满意度≥90%。"
    assert form.reader_notes == []
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["部门名称", "广州市示例局"], ["总体绩效目标", "1. 目标一；"], [None, "2. 目标二；"],
                [None, "3. 目标三。"], ["年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）",
                                          "期望达到的目标（概述）"]):
        ws.append(row)
    assert read_xlsx(save(wb)).overall_goal == "1. 目标一；\n2. 目标二；\n3. 目标三。"


def test_a_level2_of_another_level1_stays_where_it_stands_and_is_flagged() -> None:
    text = (
        "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
        "\t产出指标\t数量指标\t培训班次\t≥20次\t≥20次\n"
        "\t\t经济效益指标\t带动产值\t≥1亿元\t≥1亿元\n"
        "\t\t时效指标\t完成时间\t12月底前\t12月底前\n"
        "部门名称\t广州市示例局\n"
    )
    form = read_text(text)
    names = [(i.level1, i.level2, i.name) for i in form.indicators]
    assert names == [("产出指标", "数量指标", "培训班次"), ("产出指标", "经济效益指标", "带动产值"),
                     ("产出指标", "时效指标", "完成时间")]
    assert read_xlsx(write_form(form)).indicators == form.indicators  # and so in the export
    [s10] = [f for f in check(form).findings if f.code == "S10"]
    assert "「经济效益指标」属于效益指标，不应放在产出指标下" in s10.message


def test_footnotes_signatures_and_totals_are_reported_as_not_part_of_the_form() -> None:
    text = form_tsv(SEED_FORM) + "注：指标值应可衡量。\n填表人：张三\t联系电话：020-12345678\n"
    text = text.replace("其他需完成的任务（可选填）", "\t合计\t\t266259.5\t\n其他需完成的任务（可选填）")
    form = read_text(text)
    assert form.model_copy(update={"reader_notes": []}) == SEED_FORM
    assert {n.kind for n in form.reader_notes} == {NoteKind.FOOTER}
    [i04] = [f for f in check(form).findings if f.code == "I04"]
    assert i04.severity == "info"
    for shown in ("「合计」", "「266259.5」", "「注：指标值应可衡量。」", "「填表人：张三」", "「联系电话：020-12345678」"):
        assert shown in i04.message


def test_an_unreadable_count_is_kept_aside_with_a_warning() -> None:
    rows: list[list[object]] = [["部门名称", "广州市示例局"],
                                ["基本信息", "财政供养人员数", "约120人", "下属二级单位数", "3个"]]
    form = read_xlsx(sheet_workbook(rows))
    assert form.basic_info.fiscal_staff is None and form.basic_info.subordinate_units == 3
    [i05] = [f for f in check(form).findings if f.code == "I05"]
    assert "C2 的「约120人」不是整数" in i05.message and i05.path == "basic_info.fiscal_staff"


# --- values as workbooks hold them ---------------------------------------------------------


def test_a_date_serial_under_timeliness_is_read_as_the_date() -> None:
    rows: list[list[object]] = [
        ["部门名称", "广州市示例局"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"],
        [None, "产出指标", "数量指标", "培训人数", 45777, 45777],  # a count, not a date
        [None, None, "时效指标", "资金下达时间", 45777, dt.datetime(2025, 4, 30)],
    ]
    form = read_xlsx(sheet_workbook(rows))
    count, deadline = form.indicators
    assert count.annual_value == "45777"
    assert deadline.period_value == "2025年4月30日" and deadline.annual_value == "2025年4月30日"
    [i03] = [f for f in check(form).findings if f.code == "I03"]
    assert "E4 的「45777」是 Excel 的日期序列号，已读作「2025年4月30日」" in i03.message


def test_digits_typed_as_text_under_timeliness_stay_as_typed() -> None:
    rows: list[list[object]] = [
        ["部门名称", "广州市示例局"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"],
        [None, "产出指标", "时效指标", "资金下达时间", "45777", "40000"],  # text cells: not serials
    ]
    form = read_xlsx(sheet_workbook(rows))
    [deadline] = form.indicators
    assert (deadline.period_value, deadline.annual_value) == ("45777", "40000")
    assert not [f for f in check(form).findings if f.code == "I03"]
    assert read_xlsx(write_form(form)) == form  # our own export reads back as it was written


def test_a_blank_budget_cell_is_not_zero_through_import_export_and_check() -> None:
    form = seed_form()
    form.budget.other_funds = None
    form.budget.transfer_payment_funds = Decimal("0.00")
    back = read_xlsx(write_form(form))
    assert back.budget.other_funds is None and back.budget.transfer_payment_funds == Decimal("0.00")
    text = form_tsv(form)
    assert read_text(text).budget.other_funds is None
    b12 = [f.path for f in check(back).findings if f.code == "B12"]
    assert b12 == ["budget.other_funds"]  # the blank one is asked for, the zero one is not


# --- inputs that yield nothing -------------------------------------------------------------


def test_a_csv_file_holding_tab_separated_cells_is_read_as_such(seed_text: str) -> None:
    assert load_bytes(seed_text.encode(), "申报表.csv") == SEED_FORM


def test_a_csv_file_with_commas_still_reads() -> None:
    data = "部门名称,广州市示例局\n绩效指标,一级指标,二级指标,三级指标,实施周期指标值,年度指标值\n,产出指标,数量指标,培训班次,≥2次,≥2次\n"
    form = load_bytes(data.encode(), "表.csv")
    assert form.department == "广州市示例局" and form.indicators[0].name == "培训班次"


@pytest.mark.parametrize("command", ["check", "export"])
def test_a_form_with_nothing_filled_in_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    blank = tmp_path / "空白表.csv"
    blank.write_text(form_tsv(Form()), encoding="utf-8")
    out_path = tmp_path / "out.xlsx"
    args = [command, str(blank)] + (["-o", str(out_path)] if command == "export" else [])
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "没有读到任何填写的内容" in err
    assert not out_path.exists()


def test_a_form_over_the_caps_is_refused_with_its_size() -> None:
    form = Form(department="甲", indicators=[Indicator(level1="产出指标", level2="数量指标",
                                                      name=f"指标{i}", annual_value="≥1个")
                                            for i in range(2001)])
    with pytest.raises(FormReadError, match="绩效指标共 2001 条，超过 2000 条的上限"):
        load_bytes(form.model_dump_json().encode(), "表.json")
    with pytest.raises(Exception, match="2001"):
        write_form(form)


# --- text safety -------------------------------------------------------------------------


def test_bidi_and_control_characters_never_reach_the_model_or_the_file_name() -> None:
    text = form_tsv(SEED_FORM).replace("广州市协作办公室", "广州市协作办公室\u202eslx.exe\x07")
    form = read_text(text)
    assert form.department == "广州市协作办公室slx.exe"
    json_form = load_bytes(SEED_FORM.model_copy(update={"department": "甲局\u202eslx.exe"})
                           .model_dump_json().encode(), "f.json")
    assert json_form.department == "甲局slx.exe"
    name = export_filename(Form(department="乙局\u202eslx.exe"))
    assert "\u202e" not in name and name.endswith("乙局slx.exe.xlsx")


def test_an_imported_text_over_its_cap_is_kept_and_reported() -> None:
    long_name = "广州市" + "协作" * 60 + "办公室"
    form = read_text(form_tsv(SEED_FORM).replace("广州市协作办公室", long_name))
    assert form.department == long_name  # never cut
    [l04] = [f for f in check(form).findings if f.code == "L04"]
    assert l04.path == "department" and "超过部门名称的上限 100 字" in l04.message
