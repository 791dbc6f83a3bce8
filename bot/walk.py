"""The walk through the form, derived from the step declarations (:mod:`bot.steps`).

:class:`Nav` reads what the walk needs from the active draft — one task's sub-rows, one
一级 › 二级 pair's indicators, a field's value — and caches it for the turn. The walk's order
comes from each step's ``next``; :func:`advance` moves on and passes over fields that are
already filled, so that nobody is asked again for what they already gave.
"""

from __future__ import annotations

from typing import Any

from bot.state import Pos
from bot.steps import DONE, HEADER_STEPS, START, STEP_BY_ID, STEPS, Step, step_of
from bot.store import INDICATOR, ITEM, TASK, Draft, Row
from bot.store.paths import parse_row_path
from form_model.framework import framework
from form_model.models import TEMPLATES, Template, TemplateInfo

#: 一级 › 二级 pairs a form is expected to fill (an empty one is "missing"); any 效益 pair
#: counts for 效益.
REQUIRED_PAIRS: tuple[tuple[str, str], ...] = (
    ("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("产出指标", "质量指标"),
    ("产出指标", "时效指标"), ("满意度指标", "服务对象满意度指标"), ("成本指标", "经济成本指标"),
)
_MAX_MOVES = 10_000


class Nav:
    """The active draft as the walk reads it, cached for one turn (writes clear the cache)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self._tasks: list[Row] | None = None
        self._items: dict[int, list[Row]] = {}
        self._pairs: dict[tuple[str, str], list[Row]] = {}
        self._outline: list[tuple[str, str]] | None = None
        self._rows: dict[int, Row | None] = {}
        self._named: dict[tuple[str, str], list[Row]] = {}

    def forget(self) -> None:
        self._tasks = None
        self._items.clear()
        self._pairs.clear()
        self._outline = None
        self._rows.clear()
        self._named.clear()

    # ---- reads

    def _known(self, rows: list[Row]) -> list[Row]:
        """Rows read as a list are also known one by one: a walk over them reads nothing more."""
        for r in rows:
            self._rows.setdefault(r.id, r)
        return rows

    def tasks(self) -> list[Row]:
        if self._tasks is None:
            self._tasks = self._known(self.draft.tasks())
        return self._tasks

    def items(self, task_id: int) -> list[Row]:
        if task_id not in self._items:
            self._items[task_id] = self._known(self.draft.items(task_id))
        return self._items[task_id]

    def pair(self, l1: str, l2: str) -> list[Row]:
        if (l1, l2) not in self._pairs:
            self._pairs[(l1, l2)] = self._known(self.draft.pair(l1, l2))
        return self._pairs[(l1, l2)]

    def named(self, kind: str, name: str) -> list[Row]:
        """The tasks or indicators of this name (as names are compared)."""
        if (kind, name) not in self._named:
            self._named[(kind, name)] = self._known(self.draft.named(kind, name))
        return self._named[(kind, name)]

    def row(self, row_id: int | None) -> Row | None:
        if row_id is None:
            return None
        if row_id not in self._rows:
            self._rows[row_id] = self.draft.row(row_id)
        return self._rows[row_id]

    def walk_pairs(self) -> list[tuple[str, str]]:
        """The 一级/二级 pairs the walk visits: the printed ones, then any others in the draft."""
        if self._outline is None:
            pairs = framework().printed_pairs()
            for p in self.draft.outline():
                pair = (p.level1, p.level2)
                if p.level1 and p.level2 and pair not in pairs:
                    pairs.append(pair)
            self._outline = pairs
        return self._outline

    def template(self) -> TemplateInfo:
        """The draft's template (the Guangdong form has 基本信息 and one value column)."""
        return TEMPLATES.get(Template(self.draft.header.get("template") or Template.GUANGZHOU),
                             TEMPLATES[Template.GUANGZHOU])

    def value(self, path: str | None) -> Any:
        if path is None:
            return None
        rp = parse_row_path(path)
        if rp is None:
            return self.draft.get(path)
        row = self.row(rp.id)
        if row is None or row.kind != rp.kind or rp.field is None:
            return None
        return row.data.get(rp.field)

    def pair_number(self, l1: str, l2: str, ind: int | None) -> int:
        """The 「第 N 项」 of an indicator in its pair (one past the last for a new one), counted
        in the database unless the pair was read anyway."""
        if (l1, l2) in self._pairs or ind is None:
            ids = [r.id for r in self.pair(l1, l2)]
            return ids.index(ind) + 1 if ind in ids else len(ids) + 1
        row = self.row(ind)
        if row is None or row.kind != INDICATOR or (row.data.get("level1"), row.data.get("level2")) != (l1, l2):
            return len(self.pair(l1, l2)) + 1
        return self.draft.rank_in_pair(l1, l2, row.ord, row.id) + 1

    def task_index(self, task_id: int | None) -> int:
        ids = [t.id for t in self.tasks()]
        return ids.index(task_id) if task_id in ids else len(ids)

    def item_index(self, task_id: int | None, item_id: int | None) -> int:
        if task_id is None:
            return 0
        ids = [i.id for i in self.items(task_id)]
        return ids.index(item_id) if item_id in ids else len(ids)

    # ---- entering groups

    def enter_task(self, index: int) -> Pos:
        tasks = self.tasks()
        if index < len(tasks):
            return Pos(step="task.name", task=tasks[index].id)
        if not tasks:
            return Pos(step="task.name")
        return Pos(step="task.more", task=tasks[-1].id)

    def enter_item(self, task_id: int, index: int) -> Pos:
        items = self.items(task_id)
        if index < len(items):
            return Pos(step="item.content", task=task_id, item=items[index].id)
        if not items:
            return Pos(step="item.content", task=task_id)
        t = self.task_index(task_id)
        if t + 1 < len(self.tasks()):  # a following task exists: "another task" is implied
            return self.enter_task(t + 1)
        return Pos(step="task.more", task=task_id)

    def next_item(self, task_id: int, item_id: int | None) -> Pos:
        return self.enter_item(task_id, self.item_index(task_id, item_id) + 1)

    def enter_pair(self, index: int) -> Pos:
        pairs = self.walk_pairs()
        while index < len(pairs):
            l1, l2 = pairs[index]
            rows = self.pair(l1, l2)
            if not rows:
                return Pos(step="ind.name", l1=l1, l2=l2)
            single = self.template().value_columns == 1
            incomplete = [r for r in rows if not _indicator_complete(r, single)]
            if incomplete:
                return Pos(step="ind.name", ind=incomplete[0].id, l1=l1, l2=l2)
            index += 1  # every row of this pair is filled: nothing to ask here
        return Pos(step=DONE)

    def enter_pair_after(self, l1: str, l2: str) -> Pos:
        pairs = self.walk_pairs()
        index = pairs.index((l1, l2)) + 1 if (l1, l2) in pairs else len(pairs)
        return self.enter_pair(index)


def _indicator_complete(row: Row, single: bool = False) -> bool:
    d = row.data
    return bool(d.get("name")) and (single or bool(d.get("period_value"))) and bool(d.get("annual_value"))


def is_filled(nav: Nav, pos: Pos, step: Step | None = None) -> bool:
    """Whether the field a position asks for already has a value."""
    step = step or step_of(pos)
    if step.target is None:
        return False
    value = nav.value(step.target.path(pos))
    return value not in (None, "")


def advance(nav: Nav, pos: Pos, choice: str | None = None) -> Pos:
    """The next position to ask after ``pos`` was answered (with ``choice``, for a choice
    step), passing over fields that already have a value."""
    nxt = step_of(pos).next(nav, pos, choice)
    for _ in range(_MAX_MOVES):
        step = step_of(nxt)
        if step.when(nav) and (step.target is None or not is_filled(nav, nxt, step)):
            return valid(nav, nxt)
        nxt = step.next(nav, nxt, None)
    return Pos(step=DONE)


def resume_at(nav: Nav, pos: Pos) -> Pos:
    """``pos`` if it still asks for something, else the next position that does."""
    pos = valid(nav, pos)
    step = step_of(pos)
    if not step.when(nav) or step.target is not None and is_filled(nav, pos, step):
        return advance(nav, pos)
    return pos


def valid(nav: Nav, pos: Pos) -> Pos:
    """``pos``, or the nearest sensible position if the draft changed under it (undo, paste)."""
    step = step_of(pos)
    if pos.step not in STEP_BY_ID:
        return START
    if step.group in ("task", "item") and pos.task is not None and nav.row(pos.task) is None:
        return nav.enter_task(len(nav.tasks()))
    if step.group == "item" and pos.item is not None and nav.row(pos.item) is None:
        return nav.enter_item(pos.task, len(nav.items(pos.task))) if pos.task is not None else START
    if step.group in ("item",) and pos.task is None:
        return nav.enter_task(len(nav.tasks()))
    if step.group == "pair" and pos.ind is not None:
        row = nav.row(pos.ind)
        if row is None or row.kind != INDICATOR:
            return Pos(step="ind.name", l1=pos.l1, l2=pos.l2) if pos.l1 else nav.enter_pair(0)
        l1, l2 = row.data.get("level1", ""), row.data.get("level2", "")
        if (l1, l2) != (pos.l1, pos.l2):
            return pos.model_copy(update={"l1": l1, "l2": l2})
    if step.group == "pair" and step.id != "ind.name" and pos.ind is None and step.id != "ind.more":
        return Pos(step="ind.name", l1=pos.l1, l2=pos.l2)
    return pos


def first_missing(nav: Nav) -> Pos:
    """The first place a person still has to fill, in the walk's order (reads the draft)."""
    for step in STEPS:
        if step.group is None and step.target is not None and not step.optional and step.when(nav):
            pos = Pos(step=step.id)
            if not is_filled(nav, pos, step):
                return pos
        if step.id == "overall_goal":
            break
    tasks = nav.tasks()
    if not tasks:
        return Pos(step="task.name")
    for task in tasks:
        if not task.data.get("name"):
            return Pos(step="task.name", task=task.id)
        items = nav.items(task.id)
        if not items:
            return Pos(step="item.content", task=task.id)
        for item in items:
            for name in ("content", "amount", "goal"):
                if item.data.get(name) in (None, ""):
                    return Pos(step=f"item.{name}", task=task.id, item=item.id)
    for l1, l2 in nav.walk_pairs():
        for row in nav.pair(l1, l2):
            for name in ("name", "period_value", "annual_value"):
                step = STEP_BY_ID[f"ind.{name}"]
                if row.data.get("name") and not row.data.get(name) and step.when(nav):
                    return Pos(step=step.id, ind=row.id, l1=l1, l2=l2)
    for l1, l2 in REQUIRED_PAIRS:
        if not any(r.data.get("name") for r in nav.pair(l1, l2)):
            if l1 == "效益指标" and any(
                    any(r.data.get("name") for r in nav.pair(a, b)) for a, b in nav.walk_pairs() if a == l1):
                continue
            return Pos(step="ind.name", l1=l1, l2=l2)
    return Pos(step=DONE)


def pos_for_path(nav: Nav, path: str | None) -> Pos | None:
    """The position where the field at a (row) path is asked."""
    if not path:
        return None
    rp = parse_row_path(path)
    if rp is None:
        step = HEADER_STEPS.get(path)
        return Pos(step=step.id) if step is not None else None
    row = nav.row(rp.id)
    if row is None or row.kind != rp.kind:
        return None
    if rp.kind == TASK:
        return Pos(step="task.name", task=row.id)
    if rp.kind == ITEM:
        name = rp.field if rp.field in ("content", "amount", "goal") else "content"
        return Pos(step=f"item.{name}", task=row.parent_id, item=row.id)
    name = rp.field if rp.field in ("name", "period_value", "annual_value") else "name"
    return Pos(step=f"ind.{name}", ind=row.id, l1=row.data.get("level1", ""), l2=row.data.get("level2", ""))


# --- the carry walk ------------------------------------------------------------------------

def carried(nav: Nav) -> list[str]:
    """Paths (row paths) of the values still 「沿用上年」, in the form's order."""
    return list(nav.value("carried") or [])


def carry_pos(nav: Nav, path: str) -> Pos | None:
    """The carry question that asks about a carried value: its amount, its task, its indicator."""
    rp = parse_row_path(path)
    if rp is None:
        return Pos(step=path) if path in STEP_BY_ID else None
    row = nav.row(rp.id)
    if row is None:
        return None
    if rp.kind == ITEM:
        return Pos(step="carry.task", task=row.parent_id)
    if rp.kind == INDICATOR:
        return Pos(step="carry.indicator", ind=row.id, l1=row.data.get("level1", ""), l2=row.data.get("level2", ""))
    return None


def carry_next(nav: Nav, skipped: list[str]) -> Pos:
    """What the carry walk asks next: the first value still carried (and not passed over), then
    whether anything is new."""
    for path in carried(nav):
        if path in skipped:
            continue
        pos = carry_pos(nav, path)
        if pos is not None:
            return pos
    return Pos(step="carry.new")


def carry_paths_of(nav: Nav, pos: Pos) -> list[str]:
    """The carried paths a carry question is about (an amount; a task's rows; an indicator's
    two values)."""
    paths = carried(nav)
    step = step_of(pos)
    if step.target is not None and step.target.kind == "header":
        return [p for p in paths if p == step.target.name]
    if pos.step == "carry.task" and pos.task is not None:
        items = {f"item:{i.id}.amount" for i in nav.items(pos.task)}
        return [p for p in paths if p in items]
    if pos.step == "carry.indicator" and pos.ind is not None:
        return [p for p in paths if p.startswith(f"indicator:{pos.ind}.")]
    return []
