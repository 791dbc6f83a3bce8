"""The turns a person would type to draft a given form through the guided walk alone.

Used by the conversation tests and by bench/bench_engine.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from form_model.framework import framework
from form_model.models import BUDGET_FIELDS, Form


@dataclass(frozen=True)
class Step:
    text: str = ""
    choice: str | None = None


def walk_script(form: Form) -> list[Step]:
    steps: list[Step] = [Step(form.department)]
    steps.append(Step(str(form.year)) if form.year else Step("跳过"))
    for f in BUDGET_FIELDS:
        steps.append(Step(f"{getattr(form.budget, f.attr):,.2f}"))
    steps.append(Step(form.overall_goal))
    for t, task in enumerate(form.tasks):
        steps.append(Step(task.name))
        for i, item in enumerate(task.items):
            steps += [Step(item.content), Step(f"{item.amount:,.2f}"), Step(item.goal)]
            if i + 1 < len(task.items):
                steps.append(Step(choice="task.more:item"))
        steps.append(Step(choice="task.more:task" if t + 1 < len(form.tasks) else "task.more:done"))
    steps.append(Step(form.other_tasks) if form.other_tasks else Step("跳过"))
    pairs = framework().printed_pairs()
    pairs += [p for p in dict.fromkeys((i.level1, i.level2) for i in form.indicators) if p not in pairs]
    for l1, l2 in pairs:
        rows = [ind for ind in form.indicators if (ind.level1, ind.level2) == (l1, l2)]
        if not rows:
            steps.append(Step(choice="ind.name:skip"))
            continue
        for n, ind in enumerate(rows):
            steps += [Step(ind.name), Step(ind.period_value)]
            if ind.annual_value == ind.period_value:
                steps.append(Step(choice="ind.annual_value:same"))
            else:
                steps.append(Step(ind.annual_value))
            last = n + 1 == len(rows)
            steps.append(Step(choice="ind.more:next" if last else "ind.more:another"))
    return steps
