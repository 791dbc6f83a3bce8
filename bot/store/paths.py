"""Paths of a draft's fields, as the history and the engine name them.

A path names either a field of the draft's header, by its model name —
``department``, ``year``, ``budget.basic_expenditure``, ``overall_goal``, ``amount_notes`` —
or a row, by its kind and id, optionally with one of its fields:

* ``task:7`` (the row itself: inserted or deleted), ``task:7.name``
* ``item:9.amount`` (a task's sub-row)
* ``indicator:12.annual_value``

and ``form`` names the whole form (a pasted form that replaced a draft). Row ids never change,
so a path recorded in the history still names the same row after rows were added before it.

The checker and the importers speak of list positions instead (``tasks[0].items[1].amount``,
``indicators[3].name``); :class:`PositionMap` translates between the two for one loaded form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TASK = "task"
ITEM = "item"
INDICATOR = "indicator"
WHOLE_FORM = "form"

_ROW = re.compile(r"^(task|item|indicator):(\d+)(?:\.([a-z_0-9]+))?$")
_POSITION = re.compile(
    r"^(?:tasks\[(?P<t>\d+)\](?:\.items\[(?P<i>\d+)\])?|indicators\[(?P<k>\d+)\])(?:\.(?P<f>\w+))?$"
)


@dataclass(frozen=True)
class RowPath:
    kind: str
    id: int
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" + (f".{self.field}" if self.field else "")


def row_path(kind: str, row_id: int, field_name: str | None = None) -> str:
    return str(RowPath(kind, row_id, field_name))


def parse_row_path(path: str) -> RowPath | None:
    """The row a path names, or None for a header path."""
    m = _ROW.match(path)
    if m is None:
        return None
    return RowPath(m.group(1), int(m.group(2)), m.group(3))


@dataclass
class PositionMap:
    """Row ids of one loaded form, by position: ``tasks[t]``, ``tasks[t].items[i]``,
    ``indicators[k]``."""

    tasks: list[int] = field(default_factory=list)
    items: list[list[int]] = field(default_factory=list)
    indicators: list[int] = field(default_factory=list)

    def to_row_path(self, path: str) -> str | None:
        """``indicators[3].name`` → ``indicator:12.name``; header paths unchanged; None when
        the position does not exist."""
        m = _POSITION.match(path)
        if m is None:
            return None if path.startswith(("tasks[", "indicators[")) else path
        f = m.group("f")
        try:
            if m.group("k") is not None:
                return row_path(INDICATOR, self.indicators[int(m.group("k"))], f)
            t = int(m.group("t"))
            if m.group("i") is not None:
                return row_path(ITEM, self.items[t][int(m.group("i"))], f)
            return row_path(TASK, self.tasks[t], f)
        except IndexError:
            return None

    def to_position_path(self, path: str) -> str | None:
        """The inverse of :meth:`to_row_path`; None for a row not in this form."""
        rp = parse_row_path(path)
        if rp is None:
            return path
        suffix = f".{rp.field}" if rp.field else ""
        try:
            if rp.kind == INDICATOR:
                return f"indicators[{self.indicators.index(rp.id)}]{suffix}"
            if rp.kind == TASK:
                return f"tasks[{self.tasks.index(rp.id)}]{suffix}"
            for t, ids in enumerate(self.items):
                if rp.id in ids:
                    return f"tasks[{t}].items[{ids.index(rp.id)}]{suffix}"
        except ValueError:
            return None
        return None
