"""The template family: each shape is recognised and read faithfully, its export reads back, the
checker speaks to it once, and other forms are refused by name."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from app import main
from bot.store import Store
from form_model.checker import check
from form_model.exporter import export_filename, write_form
from form_model.importers import FormReadError, load_bytes, read_text, read_xlsx
from form_model.models import NoteKind, Template
from form_model.report_text import render_report
from tests import render
from tests.builders import SEED_FORM, form_workbook, save
from tests.template_shapes import (
    department_expenditure_workbook,
    guangdong_form,
    guangdong_notes,
    guangdong_text,
    guangdong_text_form,
    guangdong_workbook,
    project_text,
    project_workbook,
)

# --- (a) Guangzhou, (b) Guangdong, (c) copied text -----------------------------------------


def test_the_guangzhou_form_reads_as_guangzhou(seed_text: str) -> None:
    form = read_text(seed_text)
    assert form.template == Template.GUANGZHOU
    assert form == SEED_FORM
    assert read_xlsx(form_workbook(SEED_FORM)) == SEED_FORM


def test_the_guangdong_workbook_reads_faithfully() -> None:
    form = read_xlsx(guangdong_workbook())
    # The date serial under 时效指标 became the date, and the reader says so.
    assert form.reader_notes == guangdong_notes()
    assert form.model_copy(update={"reader_notes": []}) == guangdong_form()


def test_guangdong_details_as_a_person_checks_them() -> None:
    form = read_xlsx(guangdong_workbook())
    assert form.template == Template.GUANGDONG
    assert (form.basic_info.fiscal_staff, form.basic_info.subordinate_units) == (128, 3)
    # The older framework stands as written.
    assert [(i.level1, i.level2) for i in form.indicators][4] == ("产出指标", "成本指标")
    assert form.indicators[6].level2 == "可持续影响指标"
    # One value column: kept as the annual value; there is no period value to invent.
    assert all(i.period_value == "" for i in form.indicators)
    rate = next(i for i in form.indicators if i.name == "培训合格率")
    assert rate.annual_value == "100%"  # the number 1 formatted 0%
    # A blank optional amount is not 0.
    assert form.budget.other_funds is None and form.budget.special_fiscal_funds == 0


def test_the_guangdong_form_copied_as_text_reads_the_same() -> None:
    text = guangdong_text()
    assert '"1. 完成全市' in text and '""技能人才驿站""' in text  # quoted as a spreadsheet copies it
    assert read_text(text) == guangdong_text_form()
    assert load_bytes(text.encode("utf-16"), "粘贴.txt") == guangdong_text_form()


def test_a_guangdong_export_keeps_basic_info_and_one_value_column() -> None:
    form = guangdong_form()
    data = write_form(form)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "市级部门整体预算绩效目标表"
    assert [ws.cell(4, c).value for c in range(1, 6)] == ["基本信息", "财政供养人员数", 128, "下属二级单位数", 3]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "一级指标")
    assert [ws.cell(header, c).value for c in range(2, 6)] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert f"E{header}:F{header}" in {str(m) for m in ws.merged_cells.ranges}
    assert read_xlsx(data) == form
    assert export_filename(form) == "市级部门整体预算绩效目标表-某市人力资源和社会保障局-2025年.xlsx"


def test_a_guangdong_form_with_period_values_keeps_both_columns() -> None:
    form = guangdong_form()
    form.indicators[0].period_value = "≥90000人次"
    data = write_form(form)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "一级指标")
    assert [ws.cell(header, c).value for c in (5, 6)] == ["实施周期指标值", "年度指标值"]
    assert read_xlsx(data) == form


def test_basic_info_of_a_guangzhou_form_is_exported_too() -> None:
    form = SEED_FORM.model_copy(deep=True)
    form.basic_info.fiscal_staff = 45
    assert read_xlsx(write_form(form)) == form


# --- the checker speaks to the template once ----------------------------------------------


def test_a_single_value_form_gets_no_period_warnings_and_one_framework_finding() -> None:
    report = check(read_xlsx(guangdong_workbook()))
    assert "S12" not in report.codes()  # no 「实施周期指标值为空」 per row
    s17 = [f for f in report.findings if f.code == "S17"]
    assert len(s17) == 1
    assert "产出指标 › 成本指标" in s17[0].message and "可持续影响指标" in s17[0].message
    assert "成本指标 › 经济成本指标" in (s17[0].suggestion or "")
    assert not [f for f in report.findings if f.code in ("S10", "S08")]  # S17 says it once
    assert all("年度指标值" not in f.where for f in report.findings)  # its column is 指标值


def test_the_guangzhou_form_still_asks_for_its_period_values() -> None:
    form = SEED_FORM.model_copy(deep=True)
    form.indicators[1].period_value = ""
    assert [f.code for f in check(form).findings].count("S12") == 1


def test_the_report_says_which_template_was_read() -> None:
    zh = render_report(check(read_xlsx(guangdong_workbook())))
    assert zh.splitlines()[-1] == "模板：广东省市级部门整体预算绩效目标表（含基本信息，单列指标值）"
    en = render_report(check(SEED_FORM), "en")
    assert en.splitlines()[-1].startswith("Template: Guangzhou")


# --- other forms ---------------------------------------------------------------------------

OTHERS: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    "department-expenditure": (department_expenditure_workbook, "整体支出.xlsx", "部门整体支出绩效目标表",
                               "「年度履职目标」「指标解释」「目标值」"),
    "project": (project_workbook, "项目.xlsx", "项目支出绩效目标表", "「项目名称」「主管部门」"),
    "project-pasted": (lambda: project_text().encode(), "项目.txt", "项目支出绩效目标表", "「项目名称」"),
}


@pytest.mark.parametrize(("build", "name", "form_name", "unused"), OTHERS.values(), ids=OTHERS.keys())
def test_another_form_is_refused_by_name(
    build: Callable[[], bytes], name: str, form_name: str, unused: str
) -> None:
    with pytest.raises(FormReadError) as caught:
        load_bytes(build(), name)
    error = caught.value
    assert error.code == "other_template"
    assert f"看起来是「{form_name}」" in error.message and unused in error.message
    assert "\n" not in error.message and error.message_en.startswith("This looks like a ")


def test_check_and_export_of_another_form_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "项目.xlsx"
    path.write_bytes(project_workbook())
    for argv in (["check", str(path)], ["export", str(path), "-o", str(tmp_path / "o.xlsx")]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1 and "项目支出绩效目标表" in err
    assert not (tmp_path / "o.xlsx").exists()


def test_a_form_next_to_another_form_is_read_and_the_other_named() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(form_workbook(SEED_FORM)))
    project = openpyxl.load_workbook(io.BytesIO(project_workbook())).active
    sheet = wb.create_sheet("项目表")
    for row in project.iter_rows(values_only=True):
        sheet.append(row)
    form = read_xlsx(save(wb))
    assert form.model_copy(update={"reader_notes": []}) == SEED_FORM
    [i02] = [f for f in check(form).findings if f.code == "I02"]
    assert i02.severity == "warning"
    assert "已读取工作表「申报表」" in i02.message and "「项目表」（看起来是另一份项目支出绩效目标表" in i02.message


def test_two_declaration_forms_in_one_workbook() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(form_workbook(SEED_FORM)))
    second = wb.copy_worksheet(wb["申报表"])
    second.title = "2024年"
    form = read_xlsx(save(wb))
    [note] = form.reader_notes
    assert (note.kind, note.sheet, note.text) == (NoteKind.OTHER_FORM_SHEET, "2024年", "申报表")
    [i02] = [f for f in check(form).findings if f.code == "I02"]
    assert "「2024年」（看起来是另一份部门整体预算绩效目标申报表" in i02.message
    assert i02.suggestion and "单独保存" in i02.suggestion


@pytest.mark.parametrize("template", ["guangzhou", "guangdong"])
def test_declbot_check_on_a_workbook_of_each_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: str
) -> None:
    data = form_workbook(SEED_FORM) if template == "guangzhou" else guangdong_workbook()
    path = tmp_path / f"{template}.xlsx"
    path.write_bytes(data)
    code = main(["check", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["template"] == template
    assert code == (0 if report["complete"] else 1)
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("模板：" + ("广州市" if template == "guangzhou" else "广东省"))


@pytest.mark.skipif(not render.available() or not render.pdf_tools_available(),
                    reason="LibreOffice and poppler are not installed")
def test_a_guangdong_export_renders_with_its_basic_info(tmp_path: Path) -> None:
    xlsx = tmp_path / "gd.xlsx"
    xlsx.write_bytes(write_form(read_xlsx(guangdong_workbook())))
    pdf = render.to_pdf(xlsx, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "基本信息 财政供养人员数 128 下属二级单位数 3" in lines
    header = next(line for line in lines if line.startswith("一级指标"))
    assert header == "一级指标 二级指标 三级指标 指标值"
    assert any("成本指标 人均培训成本 ≤0.19万元" in line for line in lines)


def test_a_guangdong_draft_keeps_its_template_basic_info_and_notes_in_the_store(store: Store) -> None:
    """The draft store (header document and rows) keeps what the reader recorded."""
    wb = openpyxl.load_workbook(io.BytesIO(guangdong_workbook()))
    wb.active["H3"] = "（盖章）"
    form = read_xlsx(save(wb))
    assert {n.kind for n in form.reader_notes} == {NoteKind.CONVERTED, NoteKind.UNPLACED}
    with store.turn("dm:U9", "user:U9") as t:
        t.new_draft("广东", form)
    with store.turn("dm:U9", "user:U9") as t:
        loaded, _ = t.active().form()
    assert loaded == form
    assert read_xlsx(write_form(loaded)).template == Template.GUANGDONG
