"""Starting this year's form from last year's: carry it forward, and name what still needs a look.

:func:`carry_forward` copies the department, the tasks and the indicators; the year becomes
last year's plus one (or the year asked for); every amount and indicator value is kept but
marked 「沿用上年」 (:attr:`Form.carried`) until someone confirms or changes it. Years written
in the texts (「2025年」) are found by :func:`years_in_texts` and replaced, all at once, by
:func:`replace_years`. The comparison with last year is the checker's (rules Y01–Y06, given
the base form).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from form_model.models import BUDGET_FIELDS, Form


def next_year(last: Form, today: date | None = None) -> int:
    """The year a form carried forward from ``last`` is for: last year's plus one, or (when
    the form names no year) next year."""
    if last.year is not None:
        return last.year + 1
    return (today or date.today()).year + 1


def carried_paths(form: Form) -> list[str]:
    """Every amount and indicator value the form holds, as paths (in the form's order)."""
    out = [f"budget.{f.attr}" for f in BUDGET_FIELDS if getattr(form.budget, f.attr) is not None]
    for t, task in enumerate(form.tasks):
        out += [f"tasks[{t}].items[{i}].amount" for i, item in enumerate(task.items) if item.amount is not None]
    for k, ind in enumerate(form.indicators):
        out += [f"indicators[{k}].{attr}" for attr in ("period_value", "annual_value") if getattr(ind, attr)]
    return out


def carry_forward(last: Form, year: int | None = None, today: date | None = None) -> Form:
    """This year's draft from last year's form: the same content for a new year, every amount
    and value marked 「沿用上年」. What the reader noted about last year's file is not carried."""
    form = last.model_copy(deep=True)
    form.year = year if year is not None else next_year(last, today)
    form.reader_notes = []
    form.amount_notes = {}
    form.explanations = {}
    form.carried = carried_paths(form)
    return form


@dataclass(frozen=True)
class YearMention:
    path: str
    count: int


def _texts(form: Form) -> Iterator[tuple[str, str]]:
    """(path, text) of every free text of the form: goals, tasks, indicators' names and values."""
    yield "overall_goal", form.overall_goal
    yield "other_tasks", form.other_tasks
    for t, task in enumerate(form.tasks):
        yield f"tasks[{t}].name", task.name
        for i, item in enumerate(task.items):
            yield f"tasks[{t}].items[{i}].content", item.content
            yield f"tasks[{t}].items[{i}].goal", item.goal
    for k, ind in enumerate(form.indicators):
        for attr in ("name", "period_value", "annual_value"):
            yield f"indicators[{k}].{attr}", getattr(ind, attr)


def _year_pattern(year: int) -> re.Pattern[str]:
    # 「2025年」, 「2025 年度」: the year as a year, not part of a longer number.
    return re.compile(rf"(?<!\d){year}(?=\s*年)")


def years_in_texts(form: Form, year: int) -> list[YearMention]:
    """Where the texts name ``year`` as a year, and how often."""
    pattern = _year_pattern(year)
    return [YearMention(path, n) for path, text in _texts(form) if (n := len(pattern.findall(text)))]


def replace_years(form: Form, old: int, new: int) -> tuple[Form, int]:
    """The form with every 「old年」 of its texts written 「new年」; how many were replaced."""
    pattern = _year_pattern(old)
    data = form.model_copy(deep=True)
    total = 0

    def swap(text: str) -> str:
        nonlocal total
        replaced, n = pattern.subn(str(new), text)
        total += n
        return replaced

    data.overall_goal = swap(data.overall_goal)
    data.other_tasks = swap(data.other_tasks)
    for task in data.tasks:
        task.name = swap(task.name)
        for item in task.items:
            item.content, item.goal = swap(item.content), swap(item.goal)
    for ind in data.indicators:
        ind.name, ind.period_value, ind.annual_value = swap(ind.name), swap(ind.period_value), swap(ind.annual_value)
    return data, total


# --- marks kept in the workbook -------------------------------------------------------------

#: Custom document properties holding the marks (each value at most 255 characters, as Excel
#: allows): 「沿用上年」 paths and the explanations, as one JSON text cut into parts.
MARKS_PROPERTY = "declbot_marks"
_PART = 250


def marks_properties(form: Form) -> list[tuple[str, str]]:
    """(name, value) of the properties that keep a form's marks in its workbook."""
    if not form.carried and not form.explanations:
        return []
    text = json.dumps({"carried": form.carried, "explanations": form.explanations},
                      ensure_ascii=False, separators=(",", ":"))
    parts = [text[n:n + _PART] for n in range(0, len(text), _PART)]
    return [(f"{MARKS_PROPERTY}_{n + 1:03d}", part) for n, part in enumerate(parts)]


def keep_valid_marks(form: Form) -> Form:
    """``form`` with only the marks that name one of its own values: marks come from files
    (a workbook's properties, a JSON form), and a damaged or foreign one names nothing here."""
    values = set(carried_paths(form))
    form.carried = [p for p in form.carried if p in values]
    form.explanations = {p: why for p, why in form.explanations.items() if p in values}
    return form


def marks_from_properties(props: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The marks kept by :func:`marks_properties` (nothing when absent or damaged)."""
    names = sorted(k for k in props if k.startswith(f"{MARKS_PROPERTY}_"))
    if not names:
        return [], {}
    try:
        data = json.loads("".join(props[k] for k in names))
        carried = [str(p) for p in data.get("carried", [])]
        explanations = {str(k): str(v) for k, v in (data.get("explanations") or {}).items()}
    except (ValueError, AttributeError, TypeError):
        return [], {}
    return carried, explanations
