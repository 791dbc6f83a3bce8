"""The reader accepts everything the exporter writes, up to the form's caps: a form of 200 tasks
of 10 sub-rows and 2,000 indicators reads back from its own export, as a workbook and as the
text a spreadsheet copies of it; beyond the caps the exporter refuses with a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from form_model.exporter import ExportError, write_form
from form_model.framework import framework
from form_model.importers import read_text, read_xlsx
from form_model.importers.gate import check_xlsx
from form_model.importers.gate_limits import LIMITS
from form_model.importers.xlsx_reader import read_sheets
from form_model.models import CAPS, Budget, Form, Indicator, Task, TaskItem, Template


def form_at_the_caps(*, long_texts: int = 0) -> Form:
    pairs = framework().printed_pairs()
    tasks = [
        Task(name=f"任务{t}", items=[
            TaskItem(content=("内容" * 5000 if t * CAPS.items_per_task + k < long_texts else f"内容{t}-{k}"),
                     amount=Decimal("1.00"), goal=f"目标{t}-{k}。")
            for k in range(CAPS.items_per_task)
        ])
        for t in range(CAPS.tasks)
    ]
    indicators = [
        Indicator(level1=pairs[i % len(pairs)][0], level2=pairs[i % len(pairs)][1], name=f"指标{i}",
                  period_value=f"≥{i}个", annual_value=f"≥{i}个")
        for i in range(CAPS.indicators)
    ]
    indicators.sort(key=lambda x: pairs.index((x.level1, x.level2)))
    return Form(department="广州市示例局", year=2025, template=Template.GUANGZHOU,
                budget=Budget(basic_expenditure=Decimal("100.00")), overall_goal="1. 目标。",
                tasks=tasks, indicators=indicators)


@pytest.fixture(scope="module")
def large() -> tuple[Form, bytes]:
    form = form_at_the_caps()
    return form, write_form(form)


def test_a_2000_indicator_export_reads_back(large: tuple[Form, bytes]) -> None:
    form, data = large
    scan = check_xlsx(data)  # the gate accepts it, in read-only mode's order
    assert all(s.orderly for s in scan.sheets.values())
    assert read_xlsx(data) == form


def test_its_copy_as_text_reads_back(large: tuple[Form, bytes]) -> None:
    form, data = large
    [sheet] = read_sheets(data)
    assert len(sheet.rows) <= LIMITS.max_row
    text = "\n".join("\t".join(row) for row in sheet.rows)
    assert read_text(text) == form


def test_the_sheet_limits_are_the_caps_of_the_export(large: tuple[Form, bytes]) -> None:
    _, data = large
    [sheet] = read_sheets(data)
    assert len(sheet.rows) <= CAPS.sheet_rows() == LIMITS.max_row
    assert LIMITS.max_cells >= len(sheet.rows) * 6


def test_the_exporter_refuses_what_its_reader_would_refuse() -> None:
    with pytest.raises(ExportError, match="超过 4430 行的上限"):
        write_form(form_at_the_caps(long_texts=20))
    over = form_at_the_caps()
    over.tasks.append(Task(name="多出的一项"))
    with pytest.raises(ExportError, match="年度重点工作任务共 201 项，超过 200 项的上限"):
        write_form(over)
