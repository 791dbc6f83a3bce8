"""Reading an uploaded .xlsx: the gate, then openpyxl in normal mode within explicit bounds."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal
from io import BytesIO

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from form_model.importers.errors import FormReadError
from form_model.importers.gate import LIMITS, GateLimits, check_xlsx
from form_model.importers.grid import form_label_count, parse_grid
from form_model.models import Form

if not openpyxl.DEFUSEDXML:  # pragma: no cover - guarded by the project's dependencies
    raise ImportError("openpyxl must use defusedxml: install defusedxml, unset OPENPYXL_DEFUSEDXML")


def read_xlsx(data: bytes, limits: GateLimits = LIMITS) -> Form:
    """The form in an uploaded workbook. Raises :class:`FormReadError`."""
    check_xlsx(data, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(BytesIO(data), data_only=True, keep_links=False)
    except Exception as exc:  # the gate passed it, yet openpyxl cannot make sense of it
        raise FormReadError.of("malformed", "无法解析工作簿结构", f"openpyxl: {type(exc).__name__}") from exc
    try:
        grids = [sheet_grid(ws, limits) for ws in workbook.worksheets]
    finally:
        workbook.close()
    best = max(grids, key=form_label_count, default=None)
    if best is None or form_label_count(best) == 0:
        raise FormReadError.of("no_form")
    return parse_grid(best)


def sheet_grid(ws: Worksheet, limits: GateLimits = LIMITS) -> list[list[str]]:
    """The sheet's cells as text, bounded by the gate's limits. A merged range keeps its value
    in the top-left cell only; the grid parser forward-fills what needs it."""
    max_row = min(ws.max_row, limits.max_row)
    max_col = min(ws.max_column, limits.max_col)
    return [
        [cell_text(cell) for cell in row]
        for row in ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col)
    ]


def cell_text(cell: Cell) -> str:
    """What the cell shows, as text: numbers without float artefacts (4381.54, never
    4381.539999999999), percentages as 90%, dates as 2025-04-30."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        number = _decimal(value)
        if "%" in (cell.number_format or ""):
            return f"{_plain(number * 100)}%"
        return _plain(number)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, float):
        # Excel keeps 15 significant digits; files often store 4381.5399999999991.
        return Decimal(format(value, ".15g"))
    return Decimal(value)


def _plain(number: Decimal) -> str:
    """No exponent, no trailing zeros after the point: 4381.54, 0, 1200."""
    if not number.is_finite():
        return str(number)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
