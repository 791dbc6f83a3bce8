"""The guided walk through the form: positions, their order, and where each one is.

A position is a small value (:class:`Pos`) stored in the conversation's state; the walk's
order is computed from the position and the form, so a restart resumes exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from form_model.findings import Section
from form_model.framework import framework
from form_model.models import BUDGET_FIELDS, Form

DEPARTMENT = "department"
YEAR = "year"
BUDGET = "budget"
GOAL = "overall_goal"
TASK_NAME = "task_name"
TASK_CONTENT = "task_content"
TASK_AMOUNT = "task_amount"
TASK_GOAL = "task_goal"
TASK_MORE = "task_more"
OTHER = "other_tasks"
IND_NAME = "ind_name"
IND_PERIOD = "ind_period"
IND_ANNUAL = "ind_annual"
IND_MORE = "ind_more"
DONE = "done"

BUDGET_ATTRS = [f.attr for f in BUDGET_FIELDS]

SECTION_OF_STEP = {
    DEPARTMENT: Section.DEPARTMENT,
    YEAR: Section.YEAR,
    BUDGET: Section.BUDGET,
    GOAL: Section.OVERALL_GOAL,
    TASK_NAME: Section.TASKS,
    TASK_CONTENT: Section.TASKS,
    TASK_AMOUNT: Section.TASKS,
    TASK_GOAL: Section.TASKS,
    TASK_MORE: Section.TASKS,
    OTHER: Section.OTHER_TASKS,
    IND_NAME: Section.INDICATORS,
    IND_PERIOD: Section.INDICATORS,
    IND_ANNUAL: Section.INDICATORS,
    IND_MORE: Section.INDICATORS,
}


@dataclass(frozen=True)
class Pos:
    step: str
    t: int = -1  # task index
    i: int = -1  # sub-row index
    k: int = -1  # indicator index (-1: a new one)
    l1: str = ""
    l2: str = ""
    attr: str = ""  # budget field

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (-1, "")} | {"step": self.step}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Pos:
        if not data:
            return START
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def section(self) -> Section | None:
        return SECTION_OF_STEP.get(self.step)


START = Pos(DEPARTMENT)


def walk_pairs(form: Form) -> list[tuple[str, str]]:
    """The 一级/二级 pairs the walk visits: the printed ones, then any others in the form."""
    pairs = framework().printed_pairs()
    for ind in form.indicators:
        pair = (ind.level1, ind.level2)
        if ind.level1 and ind.level2 and pair not in pairs:
            pairs.append(pair)
    return pairs


def rows_of_pair(form: Form, l1: str, l2: str) -> list[int]:
    return [k for k, ind in enumerate(form.indicators) if ind.level1 == l1 and ind.level2 == l2]


def enter_pair(form: Form, index: int) -> Pos:
    pairs = walk_pairs(form)
    if index >= len(pairs):
        return Pos(DONE)
    l1, l2 = pairs[index]
    if rows_of_pair(form, l1, l2):
        return Pos(IND_MORE, l1=l1, l2=l2)
    return Pos(IND_NAME, l1=l1, l2=l2)


def next_pair(form: Form, l1: str, l2: str) -> Pos:
    pairs = walk_pairs(form)
    index = pairs.index((l1, l2)) + 1 if (l1, l2) in pairs else len(pairs)
    return enter_pair(form, index)


def after_tasks_goal(form: Form) -> Pos:
    if not form.tasks:
        return Pos(TASK_NAME, t=0)
    return Pos(TASK_MORE, t=len(form.tasks) - 1)


def next_pos(form: Form, pos: Pos, choice: str | None = None) -> Pos:
    """Where the walk goes after pos was answered (choice: the option picked, if any)."""
    s = pos.step
    if s == DEPARTMENT:
        return Pos(YEAR)
    if s == YEAR:
        return Pos(BUDGET, attr=BUDGET_ATTRS[0])
    if s == BUDGET:
        index = BUDGET_ATTRS.index(pos.attr) if pos.attr in BUDGET_ATTRS else -1
        if index + 1 < len(BUDGET_ATTRS):
            return Pos(BUDGET, attr=BUDGET_ATTRS[index + 1])
        return Pos(GOAL)
    if s == GOAL:
        return after_tasks_goal(form)
    if s == TASK_NAME:
        if pos.t >= len(form.tasks):  # skipped: no task created
            return Pos(OTHER)
        return Pos(TASK_CONTENT, t=pos.t, i=0)
    if s == TASK_CONTENT:
        return replace(pos, step=TASK_AMOUNT)
    if s == TASK_AMOUNT:
        return replace(pos, step=TASK_GOAL)
    if s == TASK_GOAL:
        items = form.tasks[pos.t].items if pos.t < len(form.tasks) else []
        if pos.i + 1 < len(items):
            return Pos(TASK_CONTENT, t=pos.t, i=pos.i + 1)
        return Pos(TASK_MORE, t=pos.t)
    if s == TASK_MORE:
        if choice == "item" and pos.t < len(form.tasks):
            return Pos(TASK_CONTENT, t=pos.t, i=len(form.tasks[pos.t].items))
        if choice == "task":
            return Pos(TASK_NAME, t=len(form.tasks))
        return Pos(OTHER)
    if s == OTHER:
        return enter_pair(form, 0)
    if s == IND_NAME:
        if pos.k < 0:  # skipped or "no indicator here"
            return next_pair(form, pos.l1, pos.l2)
        return Pos(IND_PERIOD, k=pos.k, l1=pos.l1, l2=pos.l2)
    if s == IND_PERIOD:
        return replace(pos, step=IND_ANNUAL)
    if s == IND_ANNUAL:
        return Pos(IND_MORE, l1=pos.l1, l2=pos.l2)
    if s == IND_MORE:
        if choice == "another":
            return Pos(IND_NAME, l1=pos.l1, l2=pos.l2)
        return next_pair(form, pos.l1, pos.l2)
    return Pos(DONE)


def valid(form: Form, pos: Pos) -> Pos:
    """pos, or the nearest sensible position if the form changed under it (undo, paste)."""
    if pos.step in (TASK_CONTENT, TASK_AMOUNT, TASK_GOAL, TASK_MORE):
        if pos.t >= len(form.tasks):
            return after_tasks_goal(form)
        if pos.step != TASK_MORE and pos.i > len(form.tasks[pos.t].items):
            return Pos(TASK_MORE, t=pos.t)
    if pos.step == TASK_NAME and pos.t > len(form.tasks):
        return Pos(TASK_NAME, t=len(form.tasks))
    if pos.step in (IND_PERIOD, IND_ANNUAL) or (pos.step == IND_NAME and pos.k >= 0):
        if pos.k >= len(form.indicators):
            return Pos(IND_NAME, l1=pos.l1, l2=pos.l2) if pos.l1 else enter_pair(form, 0)
        ind = form.indicators[pos.k]
        if (ind.level1, ind.level2) != (pos.l1, pos.l2):
            return replace(pos, l1=ind.level1, l2=ind.level2)
    return pos


def insert_indicator_index(form: Form, l1: str, l2: str) -> int:
    """Where a new indicator of this pair goes so that rows stay in the walk's pair order."""
    rows = rows_of_pair(form, l1, l2)
    if rows:
        return rows[-1] + 1
    pairs = walk_pairs(form)
    order = {p: n for n, p in enumerate(pairs)}
    mine = order.get((l1, l2), len(pairs))
    for k, ind in enumerate(form.indicators):
        if order.get((ind.level1, ind.level2), len(pairs)) > mine:
            return k
    return len(form.indicators)


def first_missing(form: Form) -> Pos:
    """The first place a person still has to fill, in the walk's order."""
    if not form.department.strip():
        return Pos(DEPARTMENT)
    for attr in BUDGET_ATTRS:
        if getattr(form.budget, attr) is None:
            return Pos(BUDGET, attr=attr)
    if not form.overall_goal.strip():
        return Pos(GOAL)
    if not form.tasks:
        return Pos(TASK_NAME, t=0)
    for t, task in enumerate(form.tasks):
        if not task.name.strip():
            return Pos(TASK_NAME, t=t)
        if not task.items:
            return Pos(TASK_CONTENT, t=t, i=0)
        for i, item in enumerate(task.items):
            if not item.content.strip():
                return Pos(TASK_CONTENT, t=t, i=i)
            if item.amount is None:
                return Pos(TASK_AMOUNT, t=t, i=i)
            if not item.goal.strip():
                return Pos(TASK_GOAL, t=t, i=i)
    for k, ind in enumerate(form.indicators):
        if ind.name and not ind.period_value.strip():
            return Pos(IND_PERIOD, k=k, l1=ind.level1, l2=ind.level2)
        if ind.name and not ind.annual_value.strip():
            return Pos(IND_ANNUAL, k=k, l1=ind.level1, l2=ind.level2)
    for l1, l2 in (
        ("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("产出指标", "质量指标"),
        ("产出指标", "时效指标"), ("满意度指标", "服务对象满意度指标"), ("成本指标", "经济成本指标"),
    ):
        if not [k for k in rows_of_pair(form, l1, l2) if form.indicators[k].name]:
            if l1 == "效益指标" and any(i.level1 == l1 and i.name for i in form.indicators):
                continue
            return Pos(IND_NAME, l1=l1, l2=l2)
    return Pos(DONE)


def pos_for_path(form: Form, path: str | None) -> Pos | None:
    """The position where the field at a checker path is asked."""
    import re

    if not path:
        return None
    if path == "department":
        return Pos(DEPARTMENT)
    if path == "year":
        return Pos(YEAR)
    if path.startswith("budget."):
        attr = path.split(".", 1)[1]
        return Pos(BUDGET, attr=attr) if attr in BUDGET_ATTRS else Pos(BUDGET, attr=BUDGET_ATTRS[0])
    if path == "budget":
        return Pos(BUDGET, attr=BUDGET_ATTRS[0])
    if path == "overall_goal":
        return Pos(GOAL)
    if path == "other_tasks":
        return Pos(OTHER)
    if path == "tasks":
        return after_tasks_goal(form)
    m = re.match(r"tasks\[(\d+)\](?:\.items\[(\d+)\])?(?:\.(\w+))?$", path)
    if m:
        t = int(m.group(1))
        i = int(m.group(2)) if m.group(2) is not None else 0
        attr = m.group(3) or "name"
        step = {"name": TASK_NAME, "content": TASK_CONTENT, "amount": TASK_AMOUNT,
                "goal": TASK_GOAL}.get(attr, TASK_NAME)
        return valid(form, Pos(step, t=t, i=i if step != TASK_NAME else -1))
    m = re.match(r"indicators\[(\d+)\](?:\.(\w+))?$", path)
    if m:
        k = int(m.group(1))
        if k >= len(form.indicators):
            return None
        ind = form.indicators[k]
        step = {"period_value": IND_PERIOD, "annual_value": IND_ANNUAL}.get(m.group(2) or "", IND_NAME)
        return Pos(step, k=k, l1=ind.level1, l2=ind.level2)
    m = re.match(r"indicator_group:([^/]+)(?:/(.+))?$", path)
    if m:
        l1, l2 = m.group(1), m.group(2)
        if not l2:
            first = next((p for p in walk_pairs(form) if p[0] == l1), None)
            if not first:
                return None
            l2 = first[1]
        return Pos(IND_NAME, l1=l1, l2=l2)
    return None
