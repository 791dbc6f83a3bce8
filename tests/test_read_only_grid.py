"""openpyxl's read-only mode gives the reader the grid normal mode gives, on every workbook the
tests hold: the official layouts, the template shapes, our own exports, and hostile files the
gate accepts (a stale <dimension>, values under merged cells, rows out of order, rows and cells
without references)."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable

import openpyxl
import pytest

from form_model.exporter import write_form
from form_model.importers import read_xlsx
from form_model.importers.gate import check_xlsx
from form_model.importers.xlsx_reader import read_only_grid, read_sheets, sheet_grid, trimmed
from tests import builders as b
from tests.builders import SEED_FORM, form_workbook, parts_of, sheet_workbook, zip_of
from tests.forms import clean_form
from tests.template_shapes import (
    department_expenditure_workbook,
    guangdong_form,
    guangdong_workbook,
)
from tests.test_import_xlsx import VARIANTS

SHEET = "xl/worksheets/sheet1.xml"


def _edited(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    parts = parts_of(data)
    parts[SHEET] = edit(parts[SHEET])
    return zip_of(parts)


def stale_dimension() -> bytes:
    """<dimension> claims A1 only; the form lies far beyond it."""
    return _edited(form_workbook(SEED_FORM), lambda x: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', x))


def values_under_a_merge() -> bytes:
    """B2 and C2 hold text, yet A2:C2 is merged: Excel shows A2 only, normal mode keeps A2 only."""
    data = sheet_workbook([["部门名称", "广州市示例局"], ["绩效指标", "藏在合并区域下", "也藏着"],
                           ["一级指标", "二级指标", "三级指标", "年度指标值"], ["产出指标", "数量指标", "班次", "≥2次"]])
    return _edited(data, lambda x: x.replace(b"</sheetData>",
                                             b'</sheetData><mergeCells count="1"><mergeCell ref="A2:C2"/></mergeCells>'))


def rows_out_of_order() -> bytes:
    """Row 4 written before row 3 (read-only iteration would skip row 3)."""
    data = sheet_workbook([["部门名称", "广州市示例局"], ["绩效指标"], ["一级指标", "二级指标", "三级指标", "年度指标值"],
                           ["产出指标", "数量指标", "班次", "≥2次"]])

    def swap(x: bytes) -> bytes:
        row3 = re.search(rb'<row r="3".*?</row>', x)
        row4 = re.search(rb'<row r="4".*?</row>', x)
        assert row3 and row4
        return x.replace(row3.group() + row4.group(), row4.group() + row3.group())

    return _edited(data, swap)


def cell_outside_its_row() -> bytes:
    """A cell referenced C9 inside <row r="2">: normal mode puts it at C9."""
    data = sheet_workbook([["部门名称", "广州市示例局"], ["绩效指标", "一级指标", "二级指标", "三级指标"]])
    return _edited(data, lambda x: x.replace(b'<c r="D2"', b'<c r="C9"', 1))


def no_references() -> bytes:
    """Rows and cells without r attributes: positions come from their order."""
    return _edited(form_workbook(SEED_FORM), lambda x: re.sub(rb' r="[A-Z]*\d+"', b"", x))


WORKBOOKS: dict[str, Callable[[], bytes]] = {
    **{f"layout-{k}": v for k, v in VARIANTS.items()},
    "export-seed": lambda: write_form(SEED_FORM),
    "export-clean": lambda: write_form(clean_form()),
    "export-guangdong": lambda: write_form(guangdong_form()),
    "guangdong-shape": guangdong_workbook,
    "department-expenditure-shape": department_expenditure_workbook,
    "small": b.small_workbook,
    "merge-inside-the-limits": lambda: b.merge_bomb_workbook("E1:F2"),
    "many-cells-inside-the-limits": lambda: b.many_cells_workbook(rows=100, cols=50),
    "stale-dimension": stale_dimension,
    "values-under-a-merge": values_under_a_merge,
    "rows-out-of-order": rows_out_of_order,
    "cell-outside-its-row": cell_outside_its_row,
    "no-references": no_references,
}


def normal_grids(data: bytes) -> list[list[list[str]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    return [sheet_grid(ws) for ws in wb.worksheets]


@pytest.mark.parametrize("build", WORKBOOKS.values(), ids=WORKBOOKS.keys())
def test_the_reader_sees_the_grid_normal_mode_sees(build: Callable[[], bytes]) -> None:
    data = build()
    assert [trimmed(s.rows) for s in read_sheets(data)] == normal_grids(data)


@pytest.mark.parametrize("build", WORKBOOKS.values(), ids=WORKBOOKS.keys())
def test_read_only_mode_itself_gives_that_grid_when_the_rows_are_in_order(build: Callable[[], bytes]) -> None:
    data = build()
    scan = check_xlsx(data)
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        grids = [trimmed(read_only_grid(ws, scan.sheet(ws._worksheet_path))) for ws in wb.worksheets]
    finally:
        wb.close()
    if all(s.orderly for s in scan.sheets.values()):
        assert grids == normal_grids(data)
    else:
        # Why the reader falls back to normal mode for such a sheet: read-only differs.
        assert grids != normal_grids(data)


def test_the_hostile_layouts_read_as_normal_mode_reads_them() -> None:
    assert read_xlsx(stale_dimension()) == SEED_FORM
    # Without references every cell moves left over the empty ones before it (in both modes):
    # the amounts leave their columns and are reported, not lost.
    shifted = read_xlsx(no_references())
    assert shifted.department == SEED_FORM.department
    assert "4381.54" in {n.text for n in shifted.reader_notes}
    hidden = read_xlsx(values_under_a_merge())
    assert all("藏" not in n.text for n in hidden.reader_notes)  # Excel does not show them either
    assert [i.name for i in read_xlsx(rows_out_of_order()).indicators] == ["班次"]
