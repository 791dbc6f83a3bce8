"""One parser for the form as a grid of cell texts, whatever it came from (a workbook, a paste).

Sections are found by their labels, not by coordinates, so a table that does not start at A1,
has a title or blank rows added, or has extra columns in front still reads. Column positions
come from the header rows of 年度重点工作任务 and 绩效指标. Merged cells arrive empty and are
forward-filled; rows whose cells arrived shifted (a paste of merged cells) are put back by what
their cells contain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from form_model.amounts import MAX_AMOUNT, MAX_PLACES, AmountError, decimal_places, parse_amount
from form_model.framework import framework
from form_model.importers.errors import FormReadError
from form_model.models import BUDGET_FIELDS, Budget, Form, Indicator, Task, TaskItem
from form_model.normalize import clean_cell_text, label_key, name_key, nfkc

#: A paste or sheet larger than this is not a declaration form.
MAX_ROWS = 5000
MAX_COLS = 200


def _keys(*labels: str) -> tuple[str, ...]:
    return tuple(label_key(x) for x in labels)


# Section labels: a cell whose label key starts with one of these (and is not much longer).
DEPARTMENT = _keys("部门名称", "部门（单位）名称", "单位名称", "申报部门", "申报单位")
YEAR = _keys("预算年度", "申报年度", "年度")
BUDGET = _keys("预算整体情况", "部门预算整体情况")
GOAL = _keys("总体绩效目标", "年度总体绩效目标", "年度总体目标", "整体绩效目标", "总体目标")
TASKS = _keys("年度重点工作任务", "重点工作任务", "年度主要任务")
OTHER = _keys("其他需完成的任务", "其他需要完成的任务", "其他任务")
INDICATORS = _keys("绩效指标", "年度绩效指标")
# Header cells.
TASK_NAME = _keys("名称", "任务名称", "工作任务名称", "重点工作任务名称", "项目名称")
TASK_CONTENT = _keys("主要实施内容", "实施内容", "主要内容", "工作内容")
TASK_AMOUNT = _keys("拟投入的资金", "拟投入资金", "投入资金", "资金", "预算金额", "金额")
TASK_GOAL = _keys("期望达到的目标", "期望目标", "预期达到的目标", "预期目标", "目标")
LEVEL1 = _keys("一级指标", "一级")
LEVEL2 = _keys("二级指标", "二级")
LEVEL3 = _keys("三级指标", "三级")
PERIOD_VALUE = _keys("实施周期指标值", "实施周期", "中期指标值", "周期指标值")
ANNUAL_VALUE = _keys("年度指标值", "年度目标值", "年度值")
ANY_VALUE = _keys("指标值")
# Budget cells that are labels, never amounts.
BUDGET_GROUPS = _keys("部门预算支出", "收入来源", "事业发展性支出", "按预算级次划分", "预算金额", "金额")
BUDGET_LABELS = frozenset(name_key(f.label_zh, strip_suffix=False) for f in BUDGET_FIELDS)
TOTAL_ROW = _keys("合计", "小计", "总计")
# Lines under the indicator table that end it (footnotes, signatures).
FOOTNOTE = re.compile(r"^(注|说明|备注|填报说明|填表说明|填表人|填报人|联系人|联系电话|审核人|负责人"
                      r"|单位负责人|财务负责人|填报日期|填表日期)[:：]|^(备注|说明|填报说明|填表说明)$")
YEAR_NUMBER = re.compile(r"(?<!\d)(?:20\d{2}|2100)(?!\d)")
INLINE_VALUE = re.compile(r"^([^:：\n]{1,20})[:：]\s*(\S.*)$", re.S)
LEGACY_COST = ("产出指标", "成本指标")
MODERN_COST = ("成本指标", "经济成本指标")


def parse_grid(rows: Sequence[Sequence[str | None]]) -> Form:
    """The form in ``rows`` (cell texts; ``None`` is an empty cell).

    Raises :class:`FormReadError` when no form can be recognised.
    """
    grid = _Grid.of(rows)
    places = _locate(grid)
    if not places.recognisable():
        raise FormReadError.of("no_form")
    notes: dict[str, str] = {}
    budget = _budget(grid, places, notes)
    tasks = _tasks(grid, places, notes)
    return Form(
        department=_department(grid, places),
        year=_year(grid),
        budget=budget,
        overall_goal=_goal(grid, places),
        tasks=tasks,
        other_tasks=_other_tasks(grid, places),
        indicators=_indicators(grid, places),
        amount_notes=notes,
    )


def form_label_count(rows: Sequence[Sequence[str | None]]) -> int:
    """How many of the form's labels ``rows`` contain: picks the form's sheet in a workbook."""
    places = _locate(_Grid.of(rows))
    return places.count()


# --- the grid ----------------------------------------------------------------------------


@dataclass
class _Grid:
    rows: list[list[str]]
    width: int

    @classmethod
    def of(cls, rows: Sequence[Sequence[str | None]]) -> _Grid:
        kept = [[_text(c) for c in row] for row in rows if any(_text(c).strip() for c in row)]
        if len(kept) > MAX_ROWS:
            raise FormReadError.of("text_too_big", f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
        width = max((len(r) for r in kept), default=0)
        if width > MAX_COLS:
            raise FormReadError.of("text_too_big", f"超过 {MAX_COLS} 列", f"more than {MAX_COLS} columns")
        return cls([r + [""] * (width - len(r)) for r in kept], width)

    def cell(self, r: int, c: int | None) -> str:
        if c is None or not (0 <= r < len(self.rows) and 0 <= c < self.width):
            return ""
        return self.rows[r][c]

    def find(self, keys: tuple[str, ...]) -> tuple[int, int] | None:
        """The first cell (row by row) labelled with one of ``keys``."""
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                if _is_label(text, keys):
                    return r, c
        return None

    def right_of(self, r: int, c: int) -> tuple[int, str] | None:
        """The next non-empty cell to the right of (r, c)."""
        for cc in range(c + 1, self.width):
            if self.rows[r][cc].strip():
                return cc, self.rows[r][cc]
        return None


def _text(value: str | None) -> str:
    return "" if value is None else str(value)


def _is_label(text: str, keys: tuple[str, ...], slack: int = 12) -> bool:
    """A short cell starting with one of the labels; in 「标签：值」 only the part before the
    colon counts."""
    if not text:
        return False
    head = INLINE_VALUE.match(text)
    text = head.group(1) if head else text
    if len(text) > 80:
        return False
    k = label_key(text)
    return any(k.startswith(key) and len(k) <= len(key) + slack for key in keys)


def _is_exact(text: str, keys: tuple[str, ...]) -> bool:
    return bool(text) and len(text) <= 80 and label_key(text) in keys


# --- where the sections are --------------------------------------------------------------


@dataclass
class _Places:
    department: tuple[int, int] | None = None
    budget: tuple[int, int] | None = None
    goal: tuple[int, int] | None = None
    tasks: tuple[int, int] | None = None
    other: tuple[int, int] | None = None
    indicators: tuple[int, int] | None = None
    task_header: _TaskColumns | None = None
    indicator_header: _IndicatorColumns | None = None
    section_rows: list[int] = field(default_factory=list)

    def count(self) -> int:
        labels = (self.department, self.budget, self.goal, self.tasks, self.other, self.indicators)
        return sum(x is not None for x in labels) + 2 * (self.task_header is not None) + 2 * (
            self.indicator_header is not None
        )

    def recognisable(self) -> bool:
        return self.task_header is not None or self.indicator_header is not None or self.count() >= 2

    def next_section(self, after: int, total: int) -> int:
        """The first row of the next section below row ``after``."""
        return min((r for r in self.section_rows if r > after), default=total)


@dataclass(frozen=True)
class _TaskColumns:
    row: int
    name: int
    content: int | None
    amount: int | None
    goal: int | None


@dataclass(frozen=True)
class _IndicatorColumns:
    row: int
    level1: int
    level2: int
    level3: int
    period: int | None
    annual: int | None


def _locate(grid: _Grid) -> _Places:
    p = _Places(
        department=grid.find(DEPARTMENT),
        budget=grid.find(BUDGET),
        goal=grid.find(GOAL),
        tasks=grid.find(TASKS),
        other=grid.find(OTHER),
        indicators=grid.find(INDICATORS),
    )
    p.task_header = _task_header(grid, p.tasks[0] if p.tasks else 0)
    p.indicator_header = _indicator_header(grid)
    rows = [x[0] for x in (p.budget, p.goal, p.tasks, p.other, p.indicators) if x is not None]
    rows += [h.row for h in (p.task_header, p.indicator_header) if h is not None]
    p.section_rows = sorted(set(rows))
    return p


def _columns_in(row: list[str], keys: tuple[str, ...], after: int = -1, exact: bool = False) -> int | None:
    for c, text in enumerate(row):
        if c > after and (_is_exact(text, keys) if exact else _is_label(text, keys, slack=8)):
            return c
    return None


def _task_header(grid: _Grid, start: int) -> _TaskColumns | None:
    for r in range(start, len(grid.rows)):
        row = grid.rows[r]
        name = _columns_in(row, TASK_NAME, exact=True)
        if name is None:
            continue
        content = _columns_in(row, TASK_CONTENT, name)
        amount = _columns_in(row, TASK_AMOUNT, name)
        goal = _columns_in(row, TASK_GOAL, name)
        if sum(x is not None for x in (content, amount, goal)) >= 2:
            return _TaskColumns(r, name, content, amount, goal)
    return None


def _indicator_header(grid: _Grid) -> _IndicatorColumns | None:
    for r, row in enumerate(grid.rows):
        c1 = _columns_in(row, LEVEL1)
        c2 = _columns_in(row, LEVEL2)
        c3 = _columns_in(row, LEVEL3)
        if c1 is None or c2 is None or c3 is None or not c1 < c2 < c3:
            continue
        period = _columns_in(row, PERIOD_VALUE, c3)
        annual = _columns_in(row, ANNUAL_VALUE, c3)
        if annual is None:
            annual = _columns_in(row, ANY_VALUE, c3 if period is None else period)
        return _IndicatorColumns(r, c1, c2, c3, period, annual)
    return None


# --- simple fields -----------------------------------------------------------------------


def _labelled_value(grid: _Grid, at: tuple[int, int]) -> str:
    """The text after 「标签：」 in the label cell itself, else the next cell to the right."""
    r, c = at
    inline = INLINE_VALUE.match(grid.cell(r, c))
    if inline:
        return clean_cell_text(inline.group(2))
    found = grid.right_of(r, c)
    return clean_cell_text(found[1]) if found else ""


def _department(grid: _Grid, p: _Places) -> str:
    return _labelled_value(grid, p.department) if p.department else ""


def _year(grid: _Grid) -> int | None:
    """From a 预算年度 label or from a title such as 「2025年度部门整体预算绩效目标申报表」."""
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if _is_exact(re.split(r"[:：]", text, maxsplit=1)[0], YEAR):
                candidate = _labelled_value(grid, (r, c))
            elif "申报表" in text and len(text) <= 60:
                candidate = text
            else:
                continue
            match = YEAR_NUMBER.search(nfkc(candidate))
            if match and 2000 <= int(match.group()) <= 2100:
                return int(match.group())
    return None


def _following_text(grid: _Grid, start: int, stop: int, skip: tuple[str, ...]) -> str:
    parts = [
        clean_cell_text(text)
        for r in range(start, stop)
        for text in grid.rows[r]
        if text.strip() and not _is_label(text, skip)
    ]
    return "\n".join(x for x in parts if x)


def _goal(grid: _Grid, p: _Places) -> str:
    if p.goal is None:
        return ""
    value = _labelled_value(grid, p.goal)
    if value:
        return value
    r = p.goal[0]
    return _following_text(grid, r + 1, p.next_section(r, len(grid.rows)), GOAL)


def _other_tasks(grid: _Grid, p: _Places) -> str:
    if p.other is None:
        return ""
    r, c = p.other
    same_row = [clean_cell_text(t) for t in grid.rows[r][c + 1:] if t.strip()]
    below = _following_text(grid, r + 1, p.next_section(r, len(grid.rows)), OTHER)
    return "\n".join(x for x in [*same_row, below] if x)


# --- amounts -----------------------------------------------------------------------------


def _amount(raw: str, path: str, notes: dict[str, str]) -> Decimal | None:
    """The amount in 万元, or None; anything not taken as it stood is noted under ``path``."""
    text = raw.strip()
    if not text:
        return None
    try:
        value = parse_amount(text)
    except AmountError:
        notes[path] = text
        return None
    if value < 0 or value >= MAX_AMOUNT or decimal_places(value) > MAX_PLACES:
        notes[path] = text  # kept aside with its text; the checker reports it (B09)
        return None
    return value


def _is_budget_label(text: str) -> bool:
    return name_key(text, strip_suffix=False) in BUDGET_LABELS or _is_label(text, BUDGET_GROUPS)


def _budget(grid: _Grid, p: _Places, notes: dict[str, str]) -> Budget:
    start = p.budget[0] if p.budget else (p.department[0] if p.department else 0)
    stop = p.next_section(start, len(grid.rows))
    where: dict[str, tuple[int, int]] = {}
    for r in range(start, stop):
        for c, text in enumerate(grid.rows[r]):
            key = name_key(text, strip_suffix=False) if text else ""
            if key in BUDGET_LABELS:
                where.setdefault(key, (r, c))
    values: dict[str, Decimal | None] = {}
    for f in BUDGET_FIELDS:
        at = where.get(name_key(f.label_zh, strip_suffix=False))
        found = grid.right_of(*at) if at else None
        if found and not _is_budget_label(found[1]):
            values[f.attr] = _amount(found[1], f"budget.{f.attr}", notes)
    return Budget(**values)


# --- key tasks ---------------------------------------------------------------------------


@dataclass
class _RawTask:
    name: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # content, amount text, goal


def _tasks(grid: _Grid, p: _Places, notes: dict[str, str]) -> list[Task]:
    h = p.task_header
    if h is None:
        return []
    raw: list[_RawTask] = []
    for r in range(h.row + 1, p.next_section(h.row, len(grid.rows))):
        name = clean_cell_text(grid.cell(r, h.name))
        item = (
            clean_cell_text(grid.cell(r, h.content)),
            grid.cell(r, h.amount).strip(),
            clean_cell_text(grid.cell(r, h.goal)),
        )
        if not name and not any(item):
            continue
        if _is_exact(name, TOTAL_ROW):
            continue
        if name and (not raw or name != raw[-1].name):
            raw.append(_RawTask(name))
        elif not raw:
            raw.append(_RawTask(""))
        raw[-1].items.append(item)
    return [_task(t, i, notes) for i, t in enumerate(raw)]


def _task(raw: _RawTask, index: int, notes: dict[str, str]) -> Task:
    items = raw.items
    stated_total: Decimal | None = None
    first_content, first_amount, first_goal = items[0]
    if len(items) > 1 and first_amount and not first_content and not first_goal:
        # A total printed on the task's own row above its sub-rows.
        stated_total = _amount(first_amount, f"tasks[{index}].stated_total", notes)
        items = items[1:]
    return Task(
        name=raw.name,
        stated_total=stated_total,
        items=[
            TaskItem(
                content=content,
                amount=_amount(amount, f"tasks[{index}].items[{j}].amount", notes),
                goal=goal,
            )
            for j, (content, amount, goal) in enumerate(items)
        ],
    )


# --- indicators --------------------------------------------------------------------------


def _level1_of(text: str) -> str | None:
    return framework().canonical_level1(text) if text else None


def _level2_of(text: str, level1: str | None = None) -> str | None:
    return framework().canonical_level2(text, level1) if text else None


def _levelish(text: str) -> bool:
    """A cell that names an indicator level rather than a 三级 name or a value."""
    if not text:
        return False
    return bool(_level1_of(text) or _level2_of(text) or nfkc(text).strip().endswith("指标"))


def _indicators(grid: _Grid, p: _Places) -> list[Indicator]:
    h = p.indicator_header
    if h is None:
        return []
    spill = h.level1 - 1 if h.level1 >= 1 else None
    level1 = level2 = ""
    out: list[Indicator] = []
    for r in range(h.row + 1, len(grid.rows)):
        row = grid.rows[r]
        first = next((t for t in row if t.strip()), "")
        if FOOTNOTE.search(re.sub(r"\s+", "", nfkc(first))):
            break
        cols = (h.level1, h.level2, h.level3, h.period, h.annual)
        slots = [clean_cell_text(grid.cell(r, c)) for c in cols]
        left = clean_cell_text(grid.cell(r, spill))
        if left and not slots[4] and _levelish(left) and not _is_label(left, INDICATORS):
            slots = [left, *slots[:4]]  # the row arrived one column to the left
        l1, l2, name, period, annual = _realign(slots)
        if l1:
            canonical = _level1_of(l1) or l1
            if canonical != level1:
                level1, level2 = canonical, ""
        if l2:
            level2 = _level2_of(l2, level1) or _level2_of(l2) or _level1_of(l2) or l2
        if name or period or annual:
            pair = MODERN_COST if (level1, level2) == LEGACY_COST else (level1, level2)
            out.append(Indicator(level1=pair[0], level2=pair[1], name=name,
                                 period_value=period, annual_value=annual))
    return out


def _realign(slots: list[str]) -> list[str]:
    """Put cells that arrived in the wrong columns back: a 二级 name in the 一级 column, or a
    三级 name and its values in the level columns (merged cells dropped by a paste)."""
    if slots[0] and not slots[4] and not _level1_of(slots[0]) and _level2_of(slots[0]):
        slots = ["", *slots[:4]]
    start = next((i for i in (0, 1) if slots[i] and not _levelish(slots[i])), None)
    if start is None or slots[4]:
        return slots
    if sum(1 for x in slots[start:] if x) < 2:
        return slots  # a lone unknown name in a level column: keep it as written
    trailing = 0
    while trailing < len(slots) and not slots[-1 - trailing]:
        trailing += 1
    shift = min(2 - start, trailing)
    return slots[:start] + [""] * shift + slots[start:len(slots) - shift]
