"""Where everything goes on the sheet.

Six columns: A holds the block labels (部门名称, 预算整体情况 …), B..F the block contents,
in the arrangement of the Guangzhou template (see :mod:`form_model.exporter` for a map).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from form_model.exporter.cells import (
    check_length,
    clean_text,
    needed_height,
    write_amount,
    write_text,
)
from form_model.exporter.styles import (
    COLUMN_WIDTHS,
    MAX_ROW_HEIGHT,
    MIN_ROW_HEIGHT,
    N_COLUMNS,
    NOTE_ROW_HEIGHT,
    PRINTABLE_HEIGHT_PT,
    STYLES,
    TITLE_ROW_HEIGHT,
    Kind,
    font_size,
    text_width,
)
from form_model.framework import framework
from form_model.models import (
    BASIC_INFO_FIELDS,
    BUDGET_FIELDS,
    BudgetField,
    Form,
    Indicator,
    Task,
    TaskItem,
)

# Labels, exactly as the template prints them (the importer finds blocks by these).
TITLE = "部门整体预算绩效目标申报表"
UNIT_NOTE = "单位：万元"
YEAR_LABEL = "预算年度："
DEPARTMENT = "部门名称"
BASIC_INFO = "基本信息"
BUDGET = "预算整体情况"
AMOUNT_HEADER = "预算金额（万元）"
OVERALL_GOAL = "总体绩效目标"
TASKS = "年度重点工作任务"
TASK_HEADERS = ("名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）")
OTHER_TASKS = "其他需完成的任务（可选填）"
INDICATORS = "绩效指标"
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值")
#: The single value column of a one-value template (E:F merged).
SINGLE_VALUE_HEADER = "指标值"

# Column numbers.
A, B, C, D, E, F = range(1, 7)

Value = str | Decimal | int | None


@dataclass(frozen=True)
class _Need:
    """Height a placed text needs, spread over rows top..bottom."""

    top: int
    bottom: int
    height: float


def merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """``ws.merge_cells`` without its two costs that do nothing here (most of the export's time
    on a large form): the check that the range overlaps no other (the layout never overlaps
    merges; tests lint every export) and copying the top-left border onto the edge cells (the
    builder styles every cell of a merge itself). openpyxl's own objects, so the file is the
    same."""
    mcr = MergedCellRange(ws, CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord)
    ws.merged_cells.ranges.add(mcr)
    cells = mcr.cells
    next(cells)  # the top-left cell keeps its value
    for r, c in cells:
        ws._cells[r, c] = MergedCell(ws, r, c)


def _width(col: int, cols: int) -> float:
    return sum(COLUMN_WIDTHS[get_column_letter(c)] for c in range(col, col + cols))


class SheetBuilder:
    """Places cells and merges, styles every cell of a merge, and sizes the rows."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        self._needs: list[_Need] = []
        self._fixed: dict[int, float] = {}
        self._style_cache: dict[Kind, Any] = {}
        #: Header rows that must not end a page (a section's header stays with its first row).
        self.keep_with_next: list[int] = []

    def put(
        self,
        row: int,
        col: int,
        value: Value,
        kind: Kind,
        *,
        rows: int = 1,
        cols: int = 1,
        where: tuple[str, str] | None = None,
    ) -> None:
        """Write value into the range of rows × cols starting at (row, col).

        The range is merged, then every cell of it gets the kind's style (so every edge is
        drawn); text is cleaned and length-checked (``where`` names it in error messages).
        """
        style = STYLES[kind]
        bottom, right = row + rows - 1, col + cols - 1
        if rows > 1 or cols > 1:
            # Merge first: merging replaces the other cells with fresh MergedCells, so any
            # style set on them before would be lost (xlsx-notes §1.1).
            merge(self.ws, row, col, bottom, right)
        for r in range(row, bottom + 1):
            for c in range(col, right + 1):
                self._apply_style(self.ws.cell(row=r, column=c), kind, style)
        top_left = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            text = clean_text(value)
            where_zh, where_en = where or (value[:20], value[:20])
            check_length(text, where_zh, where_en)
            write_text(top_left, text)
            if text:
                need = needed_height(text, text_width(kind, _width(col, cols)), font_size(kind))
                self._needs.append(_Need(row, bottom, need))
        elif isinstance(value, Decimal):
            write_amount(top_left, value)
        elif isinstance(value, int):
            top_left.value = value

    def _apply_style(self, cell: Any, kind: Kind, style: Any) -> None:
        """Style a cell as its kind. The first cell of a kind is styled through the public
        attributes; later ones copy its style indices, which skips openpyxl's per-attribute
        look-up in the workbook's style tables (the exporter's hot spot on large forms)."""
        cached = self._style_cache.get(kind)
        if cached is not None:
            cell._style = copy(cached)
            return
        cell.font = style.font
        cell.alignment = style.alignment
        cell.border = style.border
        cell.number_format = style.number_format
        self._style_cache[kind] = copy(cell._style)

    def fix_height(self, row: int, height: float) -> None:
        self._fixed[row] = height

    def rows_for_text(self, text: str, col: int, cols: int) -> int:
        """Rows a free text needs so no row has to exceed Excel's 409 pt."""
        width = text_width(Kind.TEXT, _width(col, cols))
        need = needed_height(clean_text(text), width, font_size(Kind.TEXT))
        return max(1, math.ceil(need / MAX_ROW_HEIGHT))

    def fit_rows(self) -> None:
        """Set every row's height from the text placed in it (no program auto-fits merges)."""
        heights = {r: MIN_ROW_HEIGHT for r in range(1, self.row)}
        heights.update(self._fixed)
        for n in sorted(self._needs, key=lambda n: n.bottom - n.top):
            span = range(n.top, n.bottom + 1)
            deficit = n.height - sum(heights[r] for r in span)
            if deficit > 0:
                extra = deficit / len(span)
                for r in span:
                    heights[r] += extra
        for r, h in heights.items():
            self.ws.row_dimensions[r].height = round(min(h, MAX_ROW_HEIGHT), 1)


def build_sheet(ws: Worksheet, form: Form) -> int:
    """Lay the form out on ws; returns the last row used."""
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    b = SheetBuilder(ws)
    _title(b, form)
    _department(b, form)
    if form.template_info.basic_info or not form.basic_info.is_empty():
        _basic_info(b, form)
    _budget(b, form)
    _free_text(b, OVERALL_GOAL, form.overall_goal, "Overall performance goal (总体绩效目标)")
    _tasks(b, form.tasks, form.amount_notes)
    _free_text(b, OTHER_TASKS, form.other_tasks, "Other tasks (其他需完成的任务)")
    _indicators(b, form.indicators, single_value(form))
    b.fit_rows()
    _keep_headers_with_their_rows(ws, b.keep_with_next, b.row - 1)
    return b.row - 1


def _keep_headers_with_their_rows(ws: Worksheet, headers: list[int], last_row: int) -> None:
    """Page breaks before a section's header row that would otherwise end a page alone.

    Follows the pages as Excel lays them out: A4 landscape, the margins of the page setup, rows
    1–3 repeated on every page, the table printed at 100 % (its width fits the page)."""
    usable = PRINTABLE_HEIGHT_PT
    heights = {r: ws.row_dimensions[r].height or MIN_ROW_HEIGHT for r in range(1, last_row + 1)}
    repeated = sum(heights[r] for r in range(1, 4) if r <= last_row)
    used = 0.0
    for r in range(1, last_row + 1):
        h = heights[r]
        if r in headers and r < last_row and used + h + heights[r + 1] > usable and used > repeated:
            ws.row_breaks.append(Break(id=r - 1))
            used = repeated
        elif used + h > usable and used > repeated:
            used = repeated  # Excel starts a new page here by itself
        used += h


def _amount(value: Decimal | None, note: str | None) -> Value:
    """The amount, or, when the importer could not take it, the text that was found there
    (kept visible as text rather than dropped; the checker reports it)."""
    return value if value is not None else note


def single_value(form: Form) -> bool:
    """One 指标值 column: the template has one and no indicator has a period value to lose."""
    return form.template_info.value_columns == 1 and not any(i.period_value for i in form.indicators)


def _title(b: SheetBuilder, form: Form) -> None:
    b.put(1, A, form.template_info.title, Kind.TITLE, cols=N_COLUMNS)
    b.fix_height(1, TITLE_ROW_HEIGHT)
    year = f"{form.year}年" if form.year is not None else ""
    b.put(2, A, YEAR_LABEL + year, Kind.NOTE_LEFT, cols=3)
    b.put(2, D, UNIT_NOTE, Kind.NOTE_RIGHT, cols=N_COLUMNS - 3)
    b.fix_height(2, NOTE_ROW_HEIGHT)
    b.row = 3


def _department(b: SheetBuilder, form: Form) -> None:
    r = b.row
    b.put(r, A, DEPARTMENT, Kind.LABEL)
    b.put(r, B, form.department, Kind.TEXT, cols=5, where=("部门名称", "Department name"))
    b.row += 1


def _basic_info(b: SheetBuilder, form: Form) -> None:
    """基本信息: 财政供养人员数 and 下属二级单位数 side by side, as the budget's label/amount pairs."""
    r = b.row
    b.put(r, A, BASIC_INFO, Kind.LABEL)
    (left, right) = BASIC_INFO_FIELDS
    for field, label_col, value_col, cols in ((left, B, C, 1), (right, D, E, 2)):
        value = getattr(form.basic_info, field.attr)
        b.put(r, label_col, field.label_zh, Kind.ITEM)
        b.put(r, value_col, value, Kind.COUNT, cols=cols)
    b.row += 1


def _budget(b: SheetBuilder, form: Form) -> None:
    """Two blocks of three rows: a header row (group, 预算金额, group, 预算金额) and two amounts
    under each group. Groups come from BUDGET_FIELDS in order, two per block."""
    groups: dict[str, list[BudgetField]] = {}
    for f in BUDGET_FIELDS:
        groups.setdefault(f.group_zh, []).append(f)
    names = list(groups)
    top = b.row
    for left_group, right_group in zip(names[0::2], names[1::2], strict=True):
        r = b.row
        b.put(r, B, left_group, Kind.LABEL)
        b.put(r, C, AMOUNT_HEADER, Kind.LABEL)
        b.put(r, D, right_group, Kind.LABEL)
        b.put(r, E, AMOUNT_HEADER, Kind.LABEL, cols=2)
        lefts, rights = groups[left_group], groups[right_group]
        for i in range(max(len(lefts), len(rights))):
            r += 1
            for field, label_col, amount_col, amount_cols in (
                (lefts[i] if i < len(lefts) else None, B, C, 1),
                (rights[i] if i < len(rights) else None, D, E, 2),
            ):
                if field is None:
                    b.put(r, label_col, None, Kind.ITEM)
                    b.put(r, amount_col, None, Kind.AMOUNT, cols=amount_cols)
                    continue
                amount = _amount(getattr(form.budget, field.attr),
                                 form.amount_notes.get(f"budget.{field.attr}"))
                b.put(r, label_col, field.label_zh, Kind.ITEM)
                b.put(r, amount_col, amount, Kind.AMOUNT, cols=amount_cols,
                      where=(f"{BUDGET}「{field.label_zh}」", f"Budget, {field.label_en}"))
        b.row = r + 1
    b.put(top, A, BUDGET, Kind.LABEL, rows=b.row - top)


def _free_text(b: SheetBuilder, label: str, text: str, where_en: str) -> None:
    r = b.row
    rows = b.rows_for_text(text, B, 5)
    b.put(r, A, label, Kind.LABEL, rows=rows)
    kind = Kind.TEXT if rows == 1 else Kind.LONG_TEXT
    b.put(r, B, text, kind, rows=rows, cols=5, where=(label, where_en))
    b.row += rows


def _tasks(b: SheetBuilder, tasks: list[Task], notes: dict[str, str]) -> None:
    top = b.row
    b.keep_with_next.append(top)
    for col, header in zip((B, C, D, E), TASK_HEADERS, strict=True):
        b.put(top, col, header, Kind.LABEL, cols=2 if col == E else 1)
    b.row += 1
    for n, task in enumerate(tasks or [Task()], start=1):
        items = task.items or [TaskItem()]
        start = b.row
        for m, item in enumerate(items, start=1):
            r = b.row
            # A sub-row whose text needs more than 409 pt spans several rows (C, D and E:F
            # merged down), so nothing is cut off on screen or paper.
            rows = max(b.rows_for_text(item.content, C, 1), b.rows_for_text(item.goal, E, 2))
            kind = Kind.TEXT if rows == 1 else Kind.LONG_TEXT
            zh, en = f"{TASKS}第{n}项第{m}行", f"Key task {n}, row {m}"
            b.put(r, C, item.content, kind, rows=rows,
                  where=(f"{zh}「主要实施内容」", f"{en}, content"))
            amount = _amount(item.amount, notes.get(f"tasks[{n - 1}].items[{m - 1}].amount"))
            b.put(r, D, amount, Kind.AMOUNT, rows=rows,
                  where=(f"{zh}「拟投入的资金（万元）」", f"{en}, amount"))
            b.put(r, E, item.goal, kind, rows=rows, cols=2,
                  where=(f"{zh}「期望达到的目标（概述）」", f"{en}, expected goal"))
            b.row += rows
        b.put(start, B, task.name, Kind.ITEM, rows=b.row - start,
              where=(f"{TASKS}第{n}项「名称」", f"Key task {n}, name"))
    b.put(top, A, TASKS, Kind.LABEL, rows=b.row - top)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def indicator_groups(
    indicators: list[Indicator],
) -> list[tuple[str, list[tuple[str, list[Indicator]]]]]:
    """一级 → [(二级, indicators)] in print order.

    The 一级 come in template order, then unknown ones in the order they first appear. Under
    each 一级 the pairs the template pre-prints come in template order; a pair found only in
    the form (a 二级 of another 一级, or of the older framework) stands where it stands in the
    form: right after the pair it follows there (and after any empty pre-printed pairs behind
    that one). Indicators with no name and no values are dropped, except that a pair holding
    only such rows still gets its one blank row.
    """
    fw = framework()
    printed = fw.printed_pairs()
    level1_order = _unique(
        [a for a, _ in printed] + fw.level1_names() + [i.level1 for i in indicators]
    )
    groups = []
    for level1 in level1_order:
        under = [i for i in indicators if i.level1 == level1]
        level2_order = _level2_order([c for a, c in printed if a == level1], under) or [""]
        pairs = []
        for level2 in level2_order:
            rows = [i for i in under if i.level2 == level2 and not i.is_empty()]
            pairs.append((level2, rows))
        groups.append((level1, pairs))
    return groups


def _level2_order(printed: list[str], under: list[Indicator]) -> list[str]:
    order = list(printed)
    filled = {i.level2 for i in under if not i.is_empty()}
    seen = _unique(i.level2 for i in under)
    for n, level2 in enumerate(seen):
        if level2 in order:
            continue
        before = seen[n - 1] if n else None
        at = order.index(before) + 1 if before in order else 0
        while at < len(order) and order[at] in printed and order[at] not in filled \
                and order[at] not in seen[:n]:
            at += 1
        order.insert(at, level2)
    return order


def _indicators(b: SheetBuilder, indicators: list[Indicator], single: bool) -> None:
    top = b.row
    b.keep_with_next.append(top)
    headers = INDICATOR_HEADERS[:3] if single else INDICATOR_HEADERS
    for col, header in zip((B, C, D, E, F), headers, strict=False):
        b.put(top, col, header, Kind.LABEL)
    if single:
        b.put(top, E, SINGLE_VALUE_HEADER, Kind.LABEL, cols=2)
    b.row += 1
    for level1, pairs in indicator_groups(indicators):
        level1_top = b.row
        for level2, rows in pairs:
            level2_top = b.row
            for n, ind in enumerate(rows or [Indicator()], start=1):
                pair = f"{level1[:20]}/{level2[:20]}"
                zh, en = f"{INDICATORS}「{pair}」第{n}条", f"Indicator {n} under {pair}"
                r = b.row
                b.put(r, D, ind.name, Kind.TEXT, where=(f"{zh}「三级指标」", f"{en}, name"))
                if single:
                    b.put(r, E, ind.annual_value, Kind.TEXT, cols=2,
                          where=(f"{zh}「指标值」", f"{en}, value"))
                    b.row += 1
                    continue
                b.put(r, E, ind.period_value, Kind.TEXT,
                      where=(f"{zh}「实施周期指标值」", f"{en}, value for the period"))
                b.put(r, F, ind.annual_value, Kind.TEXT,
                      where=(f"{zh}「年度指标值」", f"{en}, value for the year"))
                b.row += 1
            b.put(level2_top, C, level2, Kind.ITEM, rows=b.row - level2_top,
                  where=(f"{INDICATORS}「二级指标」{level2[:20]}", "Level-2 indicator name"))
        b.put(level1_top, B, level1, Kind.ITEM, rows=b.row - level1_top,
              where=(f"{INDICATORS}「一级指标」{level1[:20]}", "Level-1 indicator name"))
    b.put(top, A, INDICATORS, Kind.LABEL, rows=b.row - top)
