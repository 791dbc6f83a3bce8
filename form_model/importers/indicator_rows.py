"""The 绩效指标 table: one :class:`Indicator` per row, 一级 and 二级 forward-filled.

Rows are kept as written: a 二级 under another 一级 (产出指标 › 经济效益指标) or a pair of the
older framework (产出指标 › 成本指标) stays where it stands; the checker says what is wrong
with it (S10, S17). Cells that arrived in the wrong columns (a paste of merged cells) are put
back by what they contain.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from form_model.framework import framework
from form_model.importers.cells import Grid, NumberText
from form_model.importers.labels import FOOTNOTE, INDICATORS, is_label
from form_model.models import Indicator, NoteKind, ReaderNote
from form_model.normalize import clean_cell_text, nfkc

#: Excel date serials of 2000-01-01 … 2100-12-31 (a 时效 value that is one is a date).
SERIAL_RANGE = (36526, 73415)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
DEADLINE_LEVEL2 = "时效指标"


@dataclass(frozen=True)
class IndicatorColumns:
    row: int
    level1: int
    level2: int
    level3: int
    period: int | None
    annual: int | None


@dataclass
class IndicatorTable:
    indicators: list[Indicator]
    notes: list[ReaderNote]
    #: The first row below the table (a footnote or signature line), or None.
    footer_row: int | None


def _level1_of(text: str) -> str | None:
    return framework().canonical_level1(text) if text else None


def _level2_of(text: str, level1: str | None = None) -> str | None:
    return framework().canonical_level2(text, level1) if text else None


def levelish(text: str) -> bool:
    """A cell that names an indicator level rather than a 三级 name or a value."""
    if not text:
        return False
    return bool(_level1_of(text) or _level2_of(text) or nfkc(text).strip().endswith("指标"))


def serial_date(text: str) -> str | None:
    """「45777」 → 「2025年4月30日」 for an Excel date serial of 2000–2100, else None."""
    if not _SERIAL.match(text):
        return None
    serial = int(float(text))
    if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
        return None
    day = _EXCEL_EPOCH + dt.timedelta(days=serial)
    return f"{day.year}年{day.month}月{day.day}日"


Slot = tuple[str, int | None]  # cleaned text, source column


def read_indicators(grid: Grid, h: IndicatorColumns, stop: int) -> IndicatorTable:
    """The indicators of rows h.row+1 … stop-1; marks the cells it used on ``grid``."""
    for c in (h.level1, h.level2, h.level3, h.period, h.annual):
        grid.mark(h.row, c)
    spill = h.level1 - 1 if h.level1 >= 1 else None
    level1 = level2 = ""
    # The cells that set the current 一级 and 二级: used once an indicator stands under them.
    level1_cells: list[tuple[int, int | None]] = []
    level2_cells: list[tuple[int, int | None]] = []
    out: list[Indicator] = []
    notes: list[ReaderNote] = []
    for r in range(h.row + 1, stop):
        first = next((t for t in grid.rows[r] if t.strip()), "")
        if FOOTNOTE.search(re.sub(r"\s+", "", nfkc(first))):
            return IndicatorTable(out, notes, r)
        cols = (h.level1, h.level2, h.level3, h.period, h.annual)
        slots: list[Slot] = [(clean_cell_text(grid.cell(r, c)), c) for c in cols]
        left = clean_cell_text(grid.cell(r, spill))
        if left and not slots[4][0] and levelish(left) and not is_label(left, INDICATORS):
            slots = [(left, spill), *slots[:4]]  # the row arrived one column to the left
        (l1, c1), (l2, c2), (name, c3), (period, c4), (annual, c5) = _realign(slots)
        if l1:
            canonical = _level1_of(l1) or l1
            if canonical != level1:
                level1, level2 = canonical, ""
                level1_cells, level2_cells = [], []
            level1_cells.append((r, c1))
            if _level1_of(l1):
                grid.mark(r, c1)  # a standard name is the table's structure
        if l2:
            canonical = _level2_of(l2, level1) or _level2_of(l2) or _level1_of(l2) or l2
            if canonical != level2:
                level2, level2_cells = canonical, []
            level2_cells.append((r, c2))
            if _level2_of(l2) or _level1_of(l2):
                grid.mark(r, c2)
        if not (name or period or annual):
            continue
        for cell in (*level1_cells, *level2_cells):
            grid.mark(*cell)
        for c in (c3, c4, c5):
            grid.mark(r, c)
        index = len(out)
        if level2 == DEADLINE_LEVEL2:
            period, annual = (
                _dated(value, grid, r, col, f"indicators[{index}].{attr}", notes)
                for value, col, attr in ((period, c4, "period_value"), (annual, c5, "annual_value"))
            )
        out.append(Indicator(level1=level1, level2=level2, name=name,
                             period_value=period, annual_value=annual))
    return IndicatorTable(out, notes, None)


def _dated(value: str, grid: Grid, r: int, c: int | None, path: str, notes: list[ReaderNote]) -> str:
    """A 时效 value that is an Excel date serial (a number in its cell, not digits typed as
    text), as the date (with a note saying so)."""
    date = serial_date(value) if isinstance(grid.cell(r, c), NumberText) else None
    if date is None:
        return value
    notes.append(ReaderNote(
        kind=NoteKind.CONVERTED, sheet=grid.sheet, row=grid.source_row(r),
        col=None if c is None else c + 1, text=value, value=date, path=path,
    ))
    return date


def _realign(slots: list[Slot]) -> list[Slot]:
    """Put cells that arrived in the wrong columns back: a 二级 name in the 一级 column, or a
    三级 name and its values in the level columns (merged cells dropped by a paste)."""
    texts = [t for t, _ in slots]
    if texts[0] and not texts[4] and not _level1_of(texts[0]) and _level2_of(texts[0]):
        return [("", None), *slots[:4]]
    start = next((i for i in (0, 1) if texts[i] and not levelish(texts[i])), None)
    if start is None or texts[4]:
        return slots
    if sum(1 for x in texts[start:] if x) < 2:
        return slots  # a lone unknown name in a level column: keep it as written
    trailing = 0
    while trailing < len(texts) and not texts[-1 - trailing]:
        trailing += 1
    shift = min(2 - start, trailing)
    return slots[:start] + [("", None)] * shift + slots[start:len(slots) - shift]
