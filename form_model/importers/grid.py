"""One parser for the form as a grid of cell texts, whatever it came from (a workbook, a paste).

Sections are found by their labels, not by coordinates, so a table that does not start at A1,
has a title or blank rows added, or has extra columns in front still reads. Column positions
come from the header rows of 年度重点工作任务 and 绩效指标. Merged cells arrive empty and are
forward-filled; rows whose cells arrived shifted (a paste of merged cells) are put back by what
their cells contain.

Nothing is dropped without a word: every non-empty cell is either used (a label of the form, a
value placed in a field) or reported as a :class:`~form_model.models.ReaderNote` with its
position, which the checker turns into a finding (I01–I05).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from form_model.findings import Section
from form_model.importers.cells import Grid
from form_model.importers.errors import FormReadError
from form_model.importers.indicator_rows import IndicatorColumns, read_indicators
from form_model.importers.labels import (
    ANNUAL_VALUE,
    ANY_VALUE,
    BASIC_INFO,
    BASIC_LABELS,
    BUDGET,
    BUDGET_GROUPS,
    BUDGET_LABELS,
    DEPARTMENT,
    FOOTNOTE,
    GOAL,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    NUMBERING,
    OTHER,
    PERIOD_VALUE,
    TASK_AMOUNT,
    TASK_CONTENT,
    TASK_GOAL,
    TASK_NAME,
    TASKS,
    TOTAL_ROW,
    UNIT_NOTE,
    YEAR,
    YEAR_NUMBER,
    YEAR_ONLY,
    cell_key,
    cell_nfkc,
    inline_value,
    is_exact,
    is_label,
)
from form_model.importers.templates import other_template, refuse_other, title_template
from form_model.judgement import judge_amount
from form_model.models import (
    BUDGET_FIELDS,
    CAPS,
    BasicInfo,
    Budget,
    Form,
    Indicator,
    NoteKind,
    ReaderNote,
    Task,
    TaskItem,
    Template,
)
from form_model.normalize import clean_cell_text, name_key, nfkc

SECTION_LABELS = (DEPARTMENT, BASIC_INFO, BUDGET, GOAL, TASKS, OTHER, INDICATORS)
_COUNT = re.compile(r"^(\d{1,8})\s*(?:人|个|家|名|户)?$")


def parse_grid(
    rows: Sequence[Sequence[str | None]],
    numbers: Sequence[int] | None = None,
    sheet: str = "",
) -> Form:
    """The form in ``rows`` (cell texts; ``None`` is an empty cell). ``numbers`` are the rows'
    numbers in the source (default: 1, 2, …) and ``sheet`` the workbook sheet's name, for the
    positions of reader notes.

    Raises :class:`FormReadError` when no form can be recognised, when the grid holds another
    kind of form, when nothing is filled in, or when the form is larger than the caps.
    """
    grid = Grid.of(rows, numbers, sheet)
    other = other_template(grid)
    if other is not None:
        raise refuse_other(*other)
    places = _locate(grid)
    if not places.recognisable():
        raise FormReadError.of("no_form")
    form = _Reader(grid, places).form()
    if form.is_empty():
        n = sum(1 for x in form.reader_notes if x.kind == NoteKind.UNPLACED)
        detail = (f"（另有 {n} 个单元格无法对应到申报表的栏目）", f" ({n} cells could not be placed)") \
            if n else ("", "")
        raise FormReadError.of("empty_form", *detail)
    problem = CAPS.problem(form)
    if problem is not None:
        raise FormReadError.of("over_caps", *problem)
    return form


def form_label_count(rows: Sequence[Sequence[str | None]]) -> int:
    """How many of the form's labels ``rows`` contain: picks the form's sheet in a workbook."""
    return _locate(Grid.of(rows)).count()


# --- where the sections are --------------------------------------------------------------


@dataclass(frozen=True)
class _TaskColumns:
    row: int
    name: int
    content: int | None
    amount: int | None
    goal: int | None


@dataclass
class _Places:
    department: tuple[int, int] | None = None
    basic_info: tuple[int, int] | None = None
    budget: tuple[int, int] | None = None
    goal: tuple[int, int] | None = None
    tasks: tuple[int, int] | None = None
    other: tuple[int, int] | None = None
    indicators: tuple[int, int] | None = None
    task_header: _TaskColumns | None = None
    indicator_header: IndicatorColumns | None = None
    #: (first row, section) of every section found, by row.
    sections: list[tuple[int, Section]] = field(default_factory=list)

    def count(self) -> int:
        labels = (self.department, self.basic_info, self.budget, self.goal, self.tasks, self.other,
                  self.indicators)
        return sum(x is not None for x in labels) + 2 * (self.task_header is not None) + 2 * (
            self.indicator_header is not None
        )

    def recognisable(self) -> bool:
        return self.task_header is not None or self.indicator_header is not None or self.count() >= 2

    def next_section(self, after: int, total: int) -> int:
        """The first row of the next section below row ``after``."""
        return min((r for r, _ in self.sections if r > after), default=total)

    def section_at(self, row: int) -> Section:
        found = Section.DEPARTMENT
        for r, section in self.sections:
            if r <= row:
                found = section
        return found


def _locate(grid: Grid) -> _Places:
    p = _Places(
        department=grid.find(DEPARTMENT),
        basic_info=grid.find(BASIC_INFO),
        budget=grid.find(BUDGET),
        goal=grid.find(GOAL),
        tasks=grid.find(TASKS),
        other=grid.find(OTHER),
        indicators=grid.find(INDICATORS),
    )
    p.task_header = _task_header(grid, p.tasks[0] if p.tasks else 0)
    p.indicator_header = _indicator_header(grid)
    found = [
        (p.department, Section.DEPARTMENT), (p.basic_info, Section.BASIC_INFO),
        (p.budget, Section.BUDGET), (p.goal, Section.OVERALL_GOAL), (p.tasks, Section.TASKS),
        (p.other, Section.OTHER_TASKS), (p.indicators, Section.INDICATORS),
    ]
    starts = {at[0]: section for at, section in found if at is not None}
    for header, section in ((p.task_header, Section.TASKS), (p.indicator_header, Section.INDICATORS)):
        if header is not None:
            starts.setdefault(header.row, section)
    p.sections = sorted(starts.items())
    return p


def _columns_in(row: list[str], wanted: tuple[str, ...], after: int = -1, exact: bool = False) -> int | None:
    for c, text in enumerate(row):
        if c > after and (is_exact(text, wanted) if exact else is_label(text, wanted, slack=8)):
            return c
    return None


def _task_header(grid: Grid, start: int) -> _TaskColumns | None:
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


def _indicator_header(grid: Grid) -> IndicatorColumns | None:
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
        return IndicatorColumns(r, c1, c2, c3, period, annual)
    return None


# --- the reader --------------------------------------------------------------------------


class _Reader:
    """Reads each block of the form off the grid, marking the cells it uses."""

    def __init__(self, grid: Grid, places: _Places) -> None:
        self.grid = grid
        self.p = places
        self.notes: list[ReaderNote] = []
        self.amount_notes: dict[str, str] = {}

    def form(self) -> Form:
        template, year = self._title_and_year()
        form = Form(
            department=self._department(),
            year=year,
            template=template,
            basic_info=self._basic_info(),
            budget=self._budget(),
            overall_goal=self._block_text(self.p.goal, GOAL),
            tasks=self._tasks(),
            other_tasks=self._block_text(self.p.other, OTHER),
            indicators=self._indicators(),
            amount_notes=self.amount_notes,
        )
        self._numbering()
        self._unplaced()
        form.reader_notes = sorted(self.notes, key=_note_order)
        return form

    # --- helpers ----------------------------------------------------------------------

    def note(self, kind: NoteKind, r: int, c: int, text: str, path: str | None = None) -> None:
        self.notes.append(ReaderNote(
            kind=kind, sheet=self.grid.sheet, row=self.grid.source_row(r), col=c + 1,
            text=text, section=self.p.section_at(r), path=path,
        ))

    def labelled_value(self, at: tuple[int, int]) -> str:
        """The text after 「标签：」 in the label cell itself, else the next cell to the right
        (both marked as used)."""
        r, c = at
        self.grid.mark(r, c)
        inline = inline_value(self.grid.cell(r, c))
        if inline is not None:
            return clean_cell_text(inline)
        found = self.grid.right_of(r, c)
        if found is None:
            return ""
        return clean_cell_text(self.grid.take(r, found[0]))

    # --- template, title and simple fields -----------------------------------------------

    def _title_and_year(self) -> tuple[Template, int | None]:
        """The template: the single-value indicator table decides, else the title, else
        基本信息. The year: from a 预算年度 label, a title such as
        「2025年度部门整体预算绩效目标申报表」 or a cell 「（2025年度）」. Titles, 「单位：万元」,
        the year's label and the cell holding the year are used."""
        titled: Template | None = None
        year: int | None = None
        for r, row in enumerate(self.grid.rows):
            for c, text in enumerate(row):
                if not text or len(text) > 60:
                    continue
                found: int | None = None
                title = title_template(text)
                if title is not None:
                    self.grid.mark(r, c)
                    titled = titled or title
                    found = self._year_in(text)
                elif UNIT_NOTE.match(cell_nfkc(text).strip()):
                    self.grid.mark(r, c)
                elif is_exact(re.split(r"[:：]", text, maxsplit=1)[0], YEAR):
                    self.grid.mark(r, c)
                    found = self._year_in(inline_value(text) or "")
                    if found is None and (right := self.grid.right_of(r, c)) is not None:
                        found = self._year_in(right[1])
                        if found is not None:
                            self.grid.mark(r, right[0])
                elif YEAR_ONLY.match(cell_nfkc(text).strip()):
                    found = self._year_in(text)
                    self.grid.mark(r, c)
                year = year or found
        h = self.p.indicator_header
        if h is not None and h.period is None and h.annual is not None:
            template = Template.GUANGDONG
        elif titled is not None:
            template = titled
        else:
            template = Template.GUANGDONG if self.p.basic_info is not None else Template.GUANGZHOU
        return template, year

    def _department(self) -> str:
        return self.labelled_value(self.p.department) if self.p.department else ""

    @staticmethod
    def _year_in(text: str) -> int | None:
        match = YEAR_NUMBER.search(nfkc(text))
        return int(match.group()) if match and 2000 <= int(match.group()) <= 2100 else None

    def _basic_info(self) -> BasicInfo:
        if self.p.basic_info is not None:
            self.grid.mark(*self.p.basic_info)
        values: dict[str, int] = {}
        for r, row in enumerate(self.grid.rows):
            for c, text in enumerate(row):
                f = BASIC_LABELS.get(cell_key(text)) if text and len(text) <= 20 else None
                if f is None or f.attr in values:
                    continue
                self.grid.mark(r, c)
                found = self.grid.right_of(r, c)
                if found is None or cell_key(found[1]) in BASIC_LABELS:
                    continue
                raw = clean_cell_text(self.grid.take(r, found[0]))
                count = _COUNT.match(nfkc(raw).replace(",", "").strip())
                if count and int(count.group(1)) <= 10_000_000:
                    values[f.attr] = int(count.group(1))
                else:
                    self.note(NoteKind.UNREADABLE, r, found[0], raw, path=f"basic_info.{f.attr}")
        return BasicInfo(**values)

    def _block_text(self, at: tuple[int, int] | None, label: tuple[str, ...]) -> str:
        """总体绩效目标 or 其他需完成的任务: the text after the label in its cell, the cells right
        of it, and every cell of the rows below, up to the next section (one goal per row is
        kept whole)."""
        if at is None:
            return ""
        r, c = at
        self.grid.mark(r, c)
        parts = [inline_value(self.grid.cell(r, c)) or ""]
        stop = self.p.next_section(r, len(self.grid.rows))
        for rr in range(r, stop):
            for cc in range(c + 1 if rr == r else c, self.grid.width):
                text = self.grid.cell(rr, cc)
                if text.strip() and not (cc == c and is_label(text, label)):
                    parts.append(self.grid.take(rr, cc))
                elif text.strip():
                    self.grid.mark(rr, cc)
        return "\n".join(x for x in (clean_cell_text(p) for p in parts) if x)

    # --- amounts -----------------------------------------------------------------------

    def amount(self, raw: str, path: str) -> Decimal | None:
        """The amount in 万元, or None; anything not taken as it stood is noted under ``path``."""
        text = raw.strip()
        if not text:
            return None
        judged = judge_amount(text)
        if judged.verdicts:  # B09: kept aside with its text; the checker reports it
            self.amount_notes[path] = text
            return None
        return judged.value

    def _budget(self) -> Budget:
        p, grid = self.p, self.grid
        start = p.budget[0] if p.budget else (p.department[0] if p.department else 0)
        if p.budget:
            grid.mark(*p.budget)
        stop = p.next_section(start, len(grid.rows))
        where: dict[str, tuple[int, int]] = {}
        for r in range(start, stop):
            for c, text in enumerate(grid.rows[r]):
                key = name_key(text, strip_suffix=False) if text else ""
                if key in BUDGET_LABELS:
                    where.setdefault(key, (r, c))
                    grid.mark(r, c)
                elif text and is_label(text, BUDGET_GROUPS):
                    grid.mark(r, c)
        values: dict[str, Decimal | None] = {}
        for f in BUDGET_FIELDS:
            at = where.get(name_key(f.label_zh, strip_suffix=False))
            if at is None:
                continue
            found = grid.right_of(*at)
            if found and not _is_budget_label(found[1]):
                values[f.attr] = self.amount(grid.take(at[0], found[0]), f"budget.{f.attr}")
        return Budget(**values)

    # --- key tasks ---------------------------------------------------------------------

    def _tasks(self) -> list[Task]:
        h, grid = self.p.task_header, self.grid
        if self.p.tasks:
            grid.mark(*self.p.tasks)
        if h is None:
            return []
        for c in (h.name, h.content, h.amount, h.goal):
            grid.mark(h.row, c)
        raw: list[_RawTask] = []
        for r in range(h.row + 1, self.p.next_section(h.row, len(grid.rows))):
            name = clean_cell_text(grid.cell(r, h.name))
            if is_exact(name, TOTAL_ROW):
                for c, text in enumerate(grid.rows[r]):
                    if clean_cell_text(text):
                        self.note(NoteKind.FOOTER, r, c, clean_cell_text(text))
                        grid.mark(r, c)
                continue
            item = (
                clean_cell_text(grid.take(r, h.content)),
                grid.take(r, h.amount).strip(),
                clean_cell_text(grid.take(r, h.goal)),
            )
            grid.mark(r, h.name)
            if not name and not any(item):
                continue
            if name and (not raw or name != raw[-1].name):
                raw.append(_RawTask(name))
            elif not raw:
                raw.append(_RawTask(""))
            raw[-1].items.append(item)
        return [self._task(t, i) for i, t in enumerate(raw)]

    def _task(self, raw: _RawTask, index: int) -> Task:
        items = raw.items
        stated_total: Decimal | None = None
        first_content, first_amount, first_goal = items[0]
        if len(items) > 1 and first_amount and not first_content and not first_goal:
            # A total printed on the task's own row above its sub-rows.
            stated_total = self.amount(first_amount, f"tasks[{index}].stated_total")
            items = items[1:]
        return Task(
            name=raw.name,
            stated_total=stated_total,
            items=[
                TaskItem(
                    content=content,
                    amount=self.amount(amount, f"tasks[{index}].items[{j}].amount"),
                    goal=goal,
                )
                for j, (content, amount, goal) in enumerate(items)
            ],
        )

    # --- indicators --------------------------------------------------------------------

    def _indicators(self) -> list[Indicator]:
        h, grid = self.p.indicator_header, self.grid
        if self.p.indicators:
            grid.mark(*self.p.indicators)
        if h is None:
            return []
        table = read_indicators(grid, h, self.p.next_section(h.row, len(grid.rows)))
        for note in table.notes:
            note.section = Section.INDICATORS
        self.notes += table.notes
        if table.footer_row is not None:
            self._footer(table.footer_row)
        return table.indicators

    def _footer(self, start: int) -> None:
        """Footnotes and signature lines below the indicator table (and whatever follows them
        up to the next section): not part of the form, each cell noted as such."""
        stop = self.p.next_section(start, len(self.grid.rows))
        for r in range(start, stop):
            first = next((t for t in self.grid.rows[r] if t.strip()), "")
            if not FOOTNOTE.search(re.sub(r"\s+", "", nfkc(first))):
                continue  # an ordinary row: reported as unplaced unless used
            for c, text in enumerate(self.grid.rows[r]):
                cleaned = clean_cell_text(text)
                if cleaned and (r, c) not in self.grid.used:
                    self.note(NoteKind.FOOTER, r, c, cleaned)
                    self.grid.mark(r, c)

    # --- what is left ------------------------------------------------------------------

    def _numbering(self) -> None:
        """A 序号 column (1, 2, 3 … restarting at 1 per table) is the table's structure."""
        by_column: dict[int, list[tuple[int, str]]] = {}
        for r, c, text in self.grid.unused():
            by_column.setdefault(c, []).append((r, text))
        for c, cells in by_column.items():
            numbers = [int(t) for _, t in cells if t.isdigit()]
            headers = [t for _, t in cells if is_exact(t, NUMBERING)]
            if len(numbers) + len(headers) != len(cells) or len(numbers) < 2:
                continue
            if all(n == 1 or n == prev + 1 for prev, n in zip([0, *numbers], numbers, strict=False)):
                for r, _ in cells:
                    self.grid.mark(r, c)

    def _unplaced(self) -> None:
        """Every non-empty cell no block used: reported with its position and text (I01)."""
        for r, c, text in self.grid.unused():
            if any(is_exact(text, keys) or is_label(text, keys, slack=6) for keys in SECTION_LABELS):
                continue  # a section label repeated on every row of its block (no merges)
            self.note(NoteKind.UNPLACED, r, c, text)


@dataclass
class _RawTask:
    name: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # content, amount text, goal


def _is_budget_label(text: str) -> bool:
    return name_key(text, strip_suffix=False) in BUDGET_LABELS or is_label(text, BUDGET_GROUPS)


def _note_order(note: ReaderNote) -> tuple[int, int, int]:
    return (note.section.order, note.row or 0, note.col or 0)


__all__ = ["form_label_count", "parse_grid"]
