"""Printing: a section's header row never ends a page alone."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from form_model.exporter import write_form
from form_model.importers import read_text
from tests.forms import clean_form


def _breaks_and_headers(data: bytes) -> tuple[list[int], dict[str, int]]:
    ws = load_workbook(BytesIO(data)).active
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    headers = {}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=6):
        for cell in row:
            if cell.value in ("名称", "一级指标"):
                headers[str(cell.value)] = cell.row
    return breaks, headers


def test_seed_tasks_header_starts_a_page_with_its_first_task(seed_text: str) -> None:
    breaks, headers = _breaks_and_headers(write_form(read_text(seed_text)))
    # The first task is too tall to fit under the header on page 1: the page breaks before
    # the header (break after the row above it), not between the header and its task.
    assert headers["名称"] - 1 in breaks


def test_a_short_form_has_no_manual_breaks() -> None:
    breaks, _ = _breaks_and_headers(write_form(clean_form()))
    assert breaks == []
