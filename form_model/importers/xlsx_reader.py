"""Reading an uploaded .xlsx: the gate, then openpyxl in read-only mode within the gate's bounds.

Read-only mode streams the sheet without building a styled cell for every merged cell (the
cost of normal mode), but it keeps no merged ranges and trusts the file's ``<dimension>``.
So the dimension is reset and the merged ranges come from the gate, which has already streamed
every ``<mergeCell ref>``; a cell hidden under a merge (not its top-left) reads empty, as in
normal mode. A sheet whose rows are out of order (read-only iteration would skip them) is read
in normal mode. Either way the grid is the one normal mode gives (tests/test_read_only_grid.py).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from form_model.carry import keep_valid_marks, marks_from_properties
from form_model.importers.cells import Grid, NumberText
from form_model.importers.errors import FormReadError
from form_model.importers.gate import LIMITS, GateLimits, SheetScan, WorkbookScan, check_xlsx
from form_model.importers.grid import form_label_count, parse_grid
from form_model.importers.templates import other_template, refuse_other
from form_model.models import Form, NoteKind, ReaderNote

if not openpyxl.DEFUSEDXML:  # pragma: no cover - guarded by the project's dependencies
    raise ImportError("openpyxl must use defusedxml: install defusedxml, unset OPENPYXL_DEFUSEDXML")

#: A sheet with at least this many of the form's labels is a form too (see form_label_count).
FORM_SHEET_LABELS = 3
_QUOTED = re.compile(r'"[^"]*"|\\.')


@dataclass
class SheetGrid:
    title: str
    rows: list[list[str]]


def read_xlsx(data: bytes, limits: GateLimits = LIMITS) -> Form:
    """The form in an uploaded workbook (with the marks declbot kept in it). Raises
    :class:`FormReadError`."""
    form = _read_form(data, limits)
    form.carried, form.explanations = marks_from_properties(custom_properties(data))
    return keep_valid_marks(form)


def custom_properties(data: bytes) -> dict[str, str]:
    """The workbook's custom document properties (name → text), read from docProps/custom.xml
    (the gate has passed ``data``: no DTD, sizes bounded)."""
    import zipfile

    from defusedxml.ElementTree import fromstring

    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            if "docProps/custom.xml" not in z.namelist():
                return {}
            root = fromstring(z.read("docProps/custom.xml"))
    except Exception:  # a damaged optional part: no marks rather than no form
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        texts = [child.text or "" for child in prop]
        if name and texts:
            out[name] = texts[0]
    return out


def _read_form(data: bytes, limits: GateLimits) -> Form:
    scan = check_xlsx(data, limits)
    sheets = read_sheets(data, scan, limits)
    if len(sheets) == 1:  # the usual case: nothing to choose between
        return parse_grid(sheets[0].rows, sheet=sheets[0].title)
    counts = [form_label_count(s.rows) for s in sheets]
    if not sheets or max(counts) == 0:
        for sheet in sheets:
            other = other_template(Grid.of(sheet.rows))
            if other is not None:
                raise refuse_other(*other)
        raise FormReadError.of("no_form")
    best = counts.index(max(counts))
    form = parse_grid(sheets[best].rows, sheet=sheets[best].title)
    others = [
        _other_sheet(s, n, sheets[best].title)
        for i, (s, n) in enumerate(zip(sheets, counts, strict=True)) if i != best
    ]
    form.reader_notes = [*(x for x in others if x is not None), *form.reader_notes]
    return form


def _other_sheet(sheet: SheetGrid, labels: int, read: str) -> ReaderNote | None:
    """A note for a sheet that was not read: ``text`` names the sheet that was, ``value`` the
    kind of form the sheet appears to hold."""
    size = sum(1 for row in sheet.rows for text in row if text.strip())
    if not size:
        return None  # an empty sheet holds nothing to lose
    other = other_template(Grid.of(sheet.rows))
    if other is not None:
        return ReaderNote(kind=NoteKind.OTHER_FORM_SHEET, sheet=sheet.title, text=read,
                          value=other[0].name_zh, size=size)
    kind = NoteKind.OTHER_FORM_SHEET if labels >= FORM_SHEET_LABELS else NoteKind.OTHER_SHEET
    value = "部门整体预算绩效目标申报表" if kind == NoteKind.OTHER_FORM_SHEET else ""
    return ReaderNote(kind=kind, sheet=sheet.title, text=read, value=value, size=size)


def read_sheets(data: bytes, scan: WorkbookScan | None = None, limits: GateLimits = LIMITS) -> list[SheetGrid]:
    """Every worksheet as a grid of cell texts (row 1 first); the gate has passed ``data``."""
    scan = scan if scan is not None else check_xlsx(data, limits)
    read_only = all(s.orderly for s in scan.sheets.values())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                BytesIO(data), read_only=read_only, data_only=True, keep_links=False
            )
    except Exception as exc:  # the gate passed it, yet openpyxl cannot make sense of it
        raise FormReadError.of("malformed", "无法解析工作簿结构", f"openpyxl: {type(exc).__name__}") from exc
    try:
        if read_only:
            return [SheetGrid(ws.title, read_only_grid(ws, _scan_of(ws, scan), limits))
                    for ws in workbook.worksheets]
        return [SheetGrid(ws.title, sheet_grid(ws, limits)) for ws in workbook.worksheets]
    except FormReadError:
        raise
    except Exception as exc:
        raise FormReadError.of("malformed", "无法读取工作表", f"openpyxl: {type(exc).__name__}") from exc
    finally:
        workbook.close()


def _scan_of(ws: Any, scan: WorkbookScan) -> SheetScan:
    part = getattr(ws, "_worksheet_path", None)
    found = scan.sheet(part) if isinstance(part, str) else None
    if found is None:
        raise FormReadError.of("malformed", "工作表与其部件不对应", "a worksheet without its part")
    return found


def read_only_grid(ws: Any, scan: SheetScan, limits: GateLimits = LIMITS) -> list[list[str]]:
    """A read-only sheet's cells as text, with the cells under a merge (not its top-left)
    empty. Bounded by the gate's limits."""
    ws.reset_dimensions()  # a stale <dimension> would hide cells
    texts: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.row <= limits.max_row and cell.column <= limits.max_col:
                texts[(cell.row, cell.column)] = cell_text(cell)
    for c1, r1, c2, r2 in scan.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    texts.pop((r, c), None)
    return _rows(texts)


def _rows(texts: dict[tuple[int, int], str]) -> list[list[str]]:
    if not texts:
        return []
    height = max(r for r, _ in texts)
    width = max(c for _, c in texts)
    rows = [[""] * width for _ in range(height)]
    for (r, c), text in texts.items():
        rows[r - 1][c - 1] = text
    return rows


def sheet_grid(ws: Worksheet, limits: GateLimits = LIMITS) -> list[list[str]]:
    """A normal-mode sheet's cells as text, bounded by the gate's limits. A merged range keeps
    its value in the top-left cell only; the grid parser forward-fills what needs it."""
    max_row = min(ws.max_row, limits.max_row)
    max_col = min(ws.max_column, limits.max_col)
    return trimmed([
        [cell_text(cell) for cell in row]
        for row in ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col)
    ])


def trimmed(rows: Iterable[list[str]]) -> list[list[str]]:
    """Rows without trailing empty rows and columns (the grid both modes agree on)."""
    rows = list(rows)
    width = max((max((i + 1 for i, t in enumerate(r) if t), default=0) for r in rows), default=0)
    out = [r[:width] + [""] * (width - len(r)) for r in rows]
    while out and not any(out[-1]):
        out.pop()
    return out


def cell_text(cell: Any) -> str:
    """What the cell shows, as text: numbers without float artefacts (4381.54, never
    4381.539999999999), a percentage format as 90% (1 as 100%), dates as 2025年4月30日."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        number = _decimal(value)
        fmt = cell.number_format or ""
        if "%" in _QUOTED.sub("", fmt):
            return f"{_plain(number * 100)}%"  # a percentage format shows the number × 100
        if "%" in fmt:
            return f"{_plain(number)}%"  # a literal 「%」 (0"%" or 0\%) does not scale it
        return NumberText(_plain(number))
    if isinstance(value, dt.datetime):
        date = f"{value.year}年{value.month}月{value.day}日"
        return date if value.time() == dt.time() else f"{date} {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, dt.timedelta):
        return str(value)
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
