"""A draft's content in the database: its header document and its rows (see :mod:`.schema`).

:class:`DraftRows` reads and writes one draft's rows through the connection of the turn that
holds the draft's lock. Single rows and one 一级 › 二级 pair are read through indexes; only
whole-form operations (:meth:`DraftRows.load_form`, :meth:`DraftRows.write_form`) touch every
row. Statements are built once, at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from bot.store.paths import INDICATOR, ITEM, TASK, PositionMap
from bot.store.schema import draft_rows
from form_model.models import Form
from form_model.normalize import name_key

#: Longest name key kept (the column's width); longer names are compared on their start.
NAME_KEY_MAX = 300

#: Space between the places of rows appended one after the other.
ORD_STEP = 1024.0

_cols = (draft_rows.c.id, draft_rows.c.kind, draft_rows.c.parent_id, draft_rows.c.ord,
         draft_rows.c.data_json)
_SELECT_KIND = (
    select(*_cols)
    .where(draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.kind == bindparam("kind"))
    .order_by(draft_rows.c.ord, draft_rows.c.id)
)
_SELECT_CHILDREN = (
    select(*_cols)
    .where(draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.parent_id == bindparam("parent"))
    .order_by(draft_rows.c.ord, draft_rows.c.id)
)
_SELECT_ONE = select(*_cols).where(
    draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.id == bindparam("row_id")
)
_SELECT_PAIR = (
    select(*_cols)
    .where(
        draft_rows.c.draft_id == bindparam("draft_id"),
        draft_rows.c.kind == INDICATOR,
        draft_rows.c.level1 == bindparam("l1"),
        draft_rows.c.level2 == bindparam("l2"),
    )
    .order_by(draft_rows.c.ord, draft_rows.c.id)
)
_SELECT_OUTLINE = (
    select(
        draft_rows.c.level1, draft_rows.c.level2, func.count(), func.min(draft_rows.c.ord),
        func.max(draft_rows.c.ord),
    )
    .where(draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.kind == INDICATOR)
    .group_by(draft_rows.c.level1, draft_rows.c.level2)
)
_SELECT_NAMED = (
    select(*_cols)
    .where(
        draft_rows.c.draft_id == bindparam("draft_id"),
        draft_rows.c.kind == bindparam("kind"),
        draft_rows.c.name_key == bindparam("key"),
    )
)  # no ORDER BY: it would steer SQLite to the (draft, kind, ord) index, a scan of the kind
_RANK_IN_PAIR = select(func.count()).where(
    draft_rows.c.draft_id == bindparam("draft_id"),
    draft_rows.c.kind == INDICATOR,
    draft_rows.c.level1 == bindparam("l1"),
    draft_rows.c.level2 == bindparam("l2"),
    or_(draft_rows.c.ord < bindparam("ord"),
        and_(draft_rows.c.ord == bindparam("ord"), draft_rows.c.id < bindparam("row_id"))),
)
_SELECT_ALL = (
    select(*_cols)
    .where(draft_rows.c.draft_id == bindparam("draft_id"))
    .order_by(draft_rows.c.ord, draft_rows.c.id)
)
_COUNT_KIND = select(func.count()).where(
    draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.kind == bindparam("kind")
)
_NEXT_ORD = select(func.min(draft_rows.c.ord)).where(
    draft_rows.c.draft_id == bindparam("draft_id"),
    draft_rows.c.kind == bindparam("kind"),
    draft_rows.c.ord > bindparam("after"),
)
_NEXT_CHILD_ORD = select(func.min(draft_rows.c.ord)).where(
    draft_rows.c.draft_id == bindparam("draft_id"),
    draft_rows.c.parent_id == bindparam("parent"),
    draft_rows.c.ord > bindparam("after"),
)
_MAX_ORD = select(func.max(draft_rows.c.ord)).where(
    draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.kind == bindparam("kind")
)
_MAX_CHILD_ORD = select(func.max(draft_rows.c.ord)).where(
    draft_rows.c.draft_id == bindparam("draft_id"), draft_rows.c.parent_id == bindparam("parent")
)
_UPDATE = (
    update(draft_rows)
    .where(draft_rows.c.draft_id == bindparam("d_id"), draft_rows.c.id == bindparam("r_id"))
    .values(data_json=bindparam("data_json"), level1=bindparam("level1"), level2=bindparam("level2"),
            name_key=bindparam("name_key"))
)
_MOVE = (
    update(draft_rows)
    .where(draft_rows.c.draft_id == bindparam("d_id"), draft_rows.c.id == bindparam("r_id"))
    .values(ord=bindparam("new_ord"))
)
_DELETE = delete(draft_rows).where(
    draft_rows.c.draft_id == bindparam("d_id"), draft_rows.c.id == bindparam("r_id")
)
_DELETE_ALL = delete(draft_rows).where(draft_rows.c.draft_id == bindparam("d_id"))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Row:
    """One stored row: a task (``data`` holds the Task's fields but its items), a task sub-row
    (``parent_id`` is its task) or an indicator."""

    id: int
    kind: str
    parent_id: int | None
    ord: float
    data: dict[str, Any]


@dataclass(frozen=True)
class PairInfo:
    """The indicators of one 一级 › 二级 pair as an outline: how many, and where they lie."""

    level1: str
    level2: str
    count: int
    first_ord: float
    last_ord: float


def _row(r: Any) -> Row:
    return Row(r.id, r.kind, r.parent_id, r.ord, json.loads(r.data_json))


def _levels(kind: str, data: dict[str, Any]) -> tuple[str, str]:
    if kind != INDICATOR:
        return "", ""
    return str(data.get("level1") or ""), str(data.get("level2") or "")


def row_name_key(kind: str, data: dict[str, Any]) -> str:
    """What ``draft_rows.name_key`` holds for a row: its name's key (tasks and indicators)."""
    if kind not in (TASK, INDICATOR):
        return ""
    return name_key(str(data.get("name") or ""))[:NAME_KEY_MAX]


class DraftRows:
    """The rows of one draft, through a connection whose transaction holds the draft's lock."""

    def __init__(self, conn: Connection, draft_id: int) -> None:
        self.conn = conn
        self.draft_id = draft_id

    # ---- reads

    def rows(self, kind: str) -> list[Row]:
        return [_row(r) for r in self.conn.execute(_SELECT_KIND, {"draft_id": self.draft_id, "kind": kind})]

    def children(self, parent_id: int) -> list[Row]:
        return [_row(r) for r in self.conn.execute(
            _SELECT_CHILDREN, {"draft_id": self.draft_id, "parent": parent_id})]

    def row(self, row_id: int) -> Row | None:
        found = self.conn.execute(_SELECT_ONE, {"draft_id": self.draft_id, "row_id": row_id}).first()
        return _row(found) if found is not None else None

    def pair_rows(self, level1: str, level2: str) -> list[Row]:
        return [_row(r) for r in self.conn.execute(
            _SELECT_PAIR, {"draft_id": self.draft_id, "l1": level1, "l2": level2})]

    def rank_in_pair(self, level1: str, level2: str, ord: float, row_id: int) -> int:
        """How many indicators of a pair come before the place (ord, id)."""
        return self.conn.execute(_RANK_IN_PAIR, {"draft_id": self.draft_id, "l1": level1, "l2": level2,
                                                 "ord": ord, "row_id": row_id}).scalar_one()

    def named(self, kind: str, name: str) -> list[Row]:
        """The tasks or indicators whose name is ``name`` (as names are compared), in order."""
        key = name_key(name)[:NAME_KEY_MAX]
        if not key:
            return []
        found = [_row(r) for r in self.conn.execute(
            _SELECT_NAMED, {"draft_id": self.draft_id, "kind": kind, "key": key})]
        return sorted(found, key=lambda r: (r.ord, r.id))

    def outline(self) -> list[PairInfo]:
        """Every pair that has indicators, in the order of their first row."""
        found = [PairInfo(*r) for r in self.conn.execute(_SELECT_OUTLINE, {"draft_id": self.draft_id})]
        return sorted(found, key=lambda p: p.first_ord)

    def count(self, kind: str) -> int:
        return self.conn.execute(_COUNT_KIND, {"draft_id": self.draft_id, "kind": kind}).scalar_one()

    # ---- places

    def ord_after(self, kind: str, after: float | None, parent_id: int | None = None) -> float:
        """A place right after ``after`` (None: at the end) among the rows of ``kind`` (or the
        children of ``parent_id``), renumbering them in the rare case floats run out."""
        params: dict[str, Any] = {"draft_id": self.draft_id, "kind": kind, "parent": parent_id}
        if after is None:
            stmt = _MAX_ORD if parent_id is None else _MAX_CHILD_ORD
            last = self.conn.execute(stmt, params).scalar_one_or_none()
            return (last or 0.0) + ORD_STEP
        stmt = _NEXT_ORD if parent_id is None else _NEXT_CHILD_ORD
        nxt = self.conn.execute(stmt, params | {"after": after}).scalar_one_or_none()
        if nxt is None:
            return after + ORD_STEP
        middle = (after + nxt) / 2
        if after < middle < nxt:
            return middle
        # Floats ran out between two rows: renumber the rows, then take the middle again.
        rows = self.rows(kind) if parent_id is None else self.children(parent_id)
        rank = sum(1 for r in rows if r.ord <= after)
        for n, r in enumerate(rows):
            self.conn.execute(_MOVE, {"d_id": self.draft_id, "r_id": r.id, "new_ord": (n + 1) * ORD_STEP})
        return (rank + 0.5) * ORD_STEP

    # ---- writes

    def insert(self, kind: str, data: dict[str, Any], *, ord: float, parent_id: int | None = None,
               row_id: int | None = None) -> int:
        level1, level2 = _levels(kind, data)
        values: dict[str, Any] = {
            "draft_id": self.draft_id, "kind": kind, "parent_id": parent_id, "ord": ord,
            "level1": level1, "level2": level2, "data_json": dumps(data),
            "name_key": row_name_key(kind, data),
        }
        if row_id is not None:
            values["id"] = row_id
        result = self.conn.execute(insert(draft_rows).values(**values))
        return row_id if row_id is not None else int(result.inserted_primary_key[0])

    def update(self, row: Row) -> None:
        level1, level2 = _levels(row.kind, row.data)
        self.conn.execute(_UPDATE, {
            "d_id": self.draft_id, "r_id": row.id, "data_json": dumps(row.data),
            "level1": level1, "level2": level2, "name_key": row_name_key(row.kind, row.data),
        })

    def delete(self, row_id: int) -> None:
        self.conn.execute(_DELETE, {"d_id": self.draft_id, "r_id": row_id})

    # ---- the whole form

    def load_form(self, header: dict[str, Any]) -> tuple[Form, PositionMap]:
        """The whole form (header and every row) and where each row sits in it."""
        tasks: list[Row] = []
        items: dict[int, list[Row]] = {}
        indicators: list[Row] = []
        for r in self.conn.execute(_SELECT_ALL, {"draft_id": self.draft_id}):
            row = _row(r)
            if row.kind == TASK:
                tasks.append(row)
            elif row.kind == ITEM and row.parent_id is not None:
                items.setdefault(row.parent_id, []).append(row)
            elif row.kind == INDICATOR:
                indicators.append(row)
        positions = PositionMap(
            tasks=[t.id for t in tasks],
            items=[[i.id for i in items.get(t.id, [])] for t in tasks],
            indicators=[i.id for i in indicators],
        )
        data = _header_to_positions(header, positions)
        data["tasks"] = [t.data | {"items": [i.data for i in items.get(t.id, [])]} for t in tasks]
        data["indicators"] = [i.data for i in indicators]
        return Form.model_validate(data), positions

    def write_form(self, form: Form) -> tuple[dict[str, Any], PositionMap]:
        """Replace every row with the form's; returns the header document to store."""
        self.conn.execute(_DELETE_ALL, {"d_id": self.draft_id})
        data = form.model_dump(mode="json")
        positions = PositionMap()
        task_rows = []
        for t, task in enumerate(data.pop("tasks")):
            task_items = task.pop("items")
            task_id = self.insert(TASK, task, ord=(t + 1) * ORD_STEP)
            positions.tasks.append(task_id)
            task_rows.append(task_id)
            ids = [self.insert(ITEM, item, ord=(i + 1) * ORD_STEP, parent_id=task_id)
                   for i, item in enumerate(task_items)]
            positions.items.append(ids)
        for k, ind in enumerate(data.pop("indicators")):
            positions.indicators.append(self.insert(INDICATOR, ind, ord=(k + 1) * ORD_STEP))
        return _header_to_rows(data, positions), positions


#: Header fields that name fields of the form by path: dicts keyed by path, lists of paths.
PATH_KEYED = ("amount_notes", "explanations")
PATH_LISTS = ("carried",)


def _header_to_rows(header: dict[str, Any], positions: PositionMap) -> dict[str, Any]:
    """A header whose paths are positions (as the form and importers write them) with row
    paths instead, so that they keep naming the same field when rows move."""
    data = dict(header)
    for key in PATH_KEYED:
        data[key] = {positions.to_row_path(p) or p: v for p, v in (header.get(key) or {}).items()}
    for key in PATH_LISTS:
        data[key] = [positions.to_row_path(p) or p for p in header.get(key) or []]
    return data


def _header_to_positions(header: dict[str, Any], positions: PositionMap) -> dict[str, Any]:
    """The inverse of :func:`_header_to_rows`; paths of rows that no longer exist are dropped."""
    data = dict(header)
    for key in PATH_KEYED:
        data[key] = {shown: v for p, v in (header.get(key) or {}).items()
                     if (shown := positions.to_position_path(p)) is not None}
    for key in PATH_LISTS:
        data[key] = [shown for p in header.get(key) or [] if (shown := positions.to_position_path(p)) is not None]
    return data


def header_of(form: Form) -> dict[str, Any]:
    """The header document of a form: every field but the task and indicator tables."""
    data = form.model_dump(mode="json")
    del data["tasks"], data["indicators"]
    return data
