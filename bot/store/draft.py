"""The active draft as one turn sees it: reads what it needs, writes changes by path.

Every write goes through :meth:`Draft.apply` with :class:`Change` records (path, old, new),
which are also what the history keeps and what undo inverts; nothing else changes a draft.
A value is validated by the form model of its row (``Task``, ``TaskItem``, ``Indicator``) or
of the header before it is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, select, update

from bot.store.ending import DRAFT, DRAFT_HEADER, HISTORY, Write
from bot.store.paths import INDICATOR, ITEM, TASK, WHOLE_FORM, PositionMap, RowPath, parse_row_path
from bot.store.rows import DraftRows, PairInfo, Row, dumps, header_of
from bot.store.schema import drafts, history
from form_model.models import Form, Indicator, Task, TaskItem

ROW_MODELS: dict[str, type[Task] | type[TaskItem] | type[Indicator]] = {
    TASK: Task, ITEM: TaskItem, INDICATOR: Indicator,
}
#: Header fields validated as part of the form (everything except the two tables).
_EMPTY_TABLES = {"tasks": [], "indicators": []}


class InvalidChange(ValueError):
    """A change the form model refuses (the engine checks values before; this is a bug)."""


@dataclass(frozen=True)
class Change:
    """One change: ``path`` names a header field, a row field, a row or the whole form
    (:mod:`bot.store.paths`); ``old`` and ``new`` are JSON values (a row as
    ``{"parent": …, "ord": …, "data": {…}}``; None where a row does not exist)."""

    path: str
    old: Any
    new: Any

    def inverse(self) -> Change:
        return Change(self.path, self.new, self.old)


@dataclass(frozen=True)
class ChangeSet:
    """The changes one turn made to one draft, in the order they were recorded."""

    turn_id: str
    draft_id: int
    actor: str
    at: datetime
    changes: tuple[Change, ...]
    origin: str | None = None

    def inverse(self) -> list[Change]:
        """The changes that revert this set, to be applied in the order given."""
        return [c.inverse() for c in reversed(self.changes)]


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    draft_id: int
    actor: str
    at: datetime
    path: str
    old: Any
    new: Any
    turn_id: str
    undoes: str | None
    undone_by: str | None
    legacy: bool
    origin: str | None


def jsonable(value: Any) -> Any:
    return to_jsonable_python(value)


@dataclass
class Draft:
    """One draft within a turn (its changes are written when the turn ends)."""

    conn: Connection
    id: int
    owner: str
    title: str
    version: int
    created_at: datetime
    updated_at: datetime
    header: dict[str, Any]
    #: Last year's form (see :meth:`set_base`) as stored: parsed only by a turn that uses it.
    base_json: str | None = None
    rows: DraftRows = field(init=False)
    changes: list[Change] = field(default_factory=list)
    #: Why this turn's changes were made, when not typed (e.g. "undo", "carry_forward").
    origin: str | None = None
    undoes: str | None = None
    header_dirty: bool = False
    _base: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _base_form: Form | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rows = DraftRows(self.conn, self.id)

    # ---- reads ---------------------------------------------------------------------------

    def form(self) -> tuple[Form, PositionMap]:
        """The whole form and where each row sits in it (reads every row)."""
        return self.rows.load_form(self.header)

    @property
    def base(self) -> dict[str, Any] | None:
        """Last year's form as a document (None: not carried forward)."""
        if self._base is None and self.base_json:
            self._base = json.loads(self.base_json)
        return self._base

    def base_form(self) -> Form | None:
        """Last year's form, validated once per turn."""
        if self._base_form is None and self.base is not None:
            self._base_form = Form.model_validate(self.base)
        return self._base_form

    def row(self, row_id: int) -> Row | None:
        return self.rows.row(row_id)

    def tasks(self) -> list[Row]:
        return self.rows.rows(TASK)

    def items(self, task_id: int) -> list[Row]:
        return self.rows.children(task_id)

    def pair(self, level1: str, level2: str) -> list[Row]:
        return self.rows.pair_rows(level1, level2)

    def outline(self) -> list[PairInfo]:
        return self.rows.outline()

    def named(self, kind: str, name: str) -> list[Row]:
        return self.rows.named(kind, name)

    def rank_in_pair(self, level1: str, level2: str, ord: float, row_id: int) -> int:
        return self.rows.rank_in_pair(level1, level2, ord, row_id)

    def count(self, kind: str) -> int:
        return self.rows.count(kind)

    def get(self, path: str) -> Any:
        """The JSON value at a path (None where there is none)."""
        rp = parse_row_path(path)
        if rp is None:
            node: Any = self.header
            for part in path.split("."):
                if not isinstance(node, dict):
                    return None
                node = node.get(part)
            return node
        row = self.rows.row(rp.id)
        if row is None or row.kind != rp.kind:
            return None
        if rp.field is None:
            return {"parent": row.parent_id, "ord": row.ord, "data": row.data}
        return row.data.get(rp.field)

    # ---- writes --------------------------------------------------------------------------

    def set(self, path: str, value: Any) -> Change | None:
        """Set a field (header or row) to a value; None when it already had it."""
        new = jsonable(value)
        rp = parse_row_path(path)
        if rp is not None and rp.field is not None:
            return self._set_row_field(path, rp, new)
        old = self.get(path)
        if old == new:
            return None
        self._apply_one(Change(path, old, new))
        stored = self.get(path)  # as the model keeps it (e.g. an amount to two places)
        if stored == old:
            return None
        change = Change(path, old, stored)
        self._record(change)
        return change

    def _set_row_field(self, path: str, rp: RowPath, new: Any) -> Change | None:
        """One field of a row: the row read once, validated with the new value, written."""
        row = self.rows.row(rp.id)
        if row is None or row.kind != rp.kind:
            if new is None:
                return None
            raise InvalidChange(f"no row {path}")
        old = row.data.get(rp.field)  # type: ignore[arg-type]
        if old == new:
            return None
        data = _validated(ROW_MODELS[rp.kind], row.data | {rp.field: new}, exclude_items=rp.kind == TASK)
        stored = data.get(rp.field)  # type: ignore[arg-type]  # as the model keeps it
        if stored == old:
            return None
        row.data = data
        self.rows.update(row)
        change = Change(path, old, stored)
        self._record(change)
        return change

    def insert(self, kind: str, data: dict[str, Any], *, ord: float, parent_id: int | None = None) -> int:
        """Add a row (validated by its model); returns its id."""
        model = ROW_MODELS[kind]
        clean = _validated(model, data, exclude_items=kind == TASK)
        row_id = self.rows.insert(kind, clean, ord=ord, parent_id=parent_id)
        self._record(Change(f"{kind}:{row_id}", None, {"parent": parent_id, "ord": ord, "data": clean}))
        return row_id

    def delete(self, kind: str, row_id: int) -> None:
        """Remove a row (a task with its sub-rows)."""
        if kind == TASK:
            for item in self.rows.children(row_id):
                self.delete(ITEM, item.id)
        row = self.rows.row(row_id)
        if row is None:
            return
        self.rows.delete(row_id)
        self._record(Change(f"{kind}:{row_id}", {"parent": row.parent_id, "ord": row.ord, "data": row.data}, None))

    def replace(self, form: Form) -> PositionMap:
        """Make the draft this form (a paste or upload that replaces it), in one change."""
        old_form, _ = self.form()
        positions = self._write_whole(form)
        self._record(Change(WHOLE_FORM, old_form.model_dump(mode="json"), form.model_dump(mode="json")))
        return positions

    def apply(self, changes: Sequence[Change]) -> None:
        """Apply changes in order (also the inverse of a change set, for undo)."""
        for change in changes:
            self._apply_one(change)
            self._record(change)

    def _record(self, change: Change) -> None:
        self.changes.append(change)

    def _write_whole(self, form: Form) -> PositionMap:
        header, positions = self.rows.write_form(form)
        self.header = header
        self.header_dirty = True
        return positions

    def _apply_one(self, change: Change) -> None:
        path, new = change.path, change.new
        if path == WHOLE_FORM:
            self._write_whole(Form.model_validate(new))
            return
        rp = parse_row_path(path)
        if rp is None:
            self._set_header(path, new)
            return
        model = ROW_MODELS[rp.kind]
        if rp.field is None:  # the row itself: (re)inserted or deleted
            if new is None:
                self.rows.delete(rp.id)
            else:
                data = _validated(model, new["data"], exclude_items=rp.kind == TASK)
                self.rows.insert(rp.kind, data, ord=new["ord"], parent_id=new["parent"], row_id=rp.id)
            return
        row = self.rows.row(rp.id)
        if row is None or row.kind != rp.kind:
            raise InvalidChange(f"no row {path}")
        row.data = _validated(model, row.data | {rp.field: new}, exclude_items=rp.kind == TASK)
        self.rows.update(row)

    def _set_header(self, path: str, value: Any) -> None:
        # Copy only the dicts along the path; the rest of the header is shared, not copied.
        header = dict(self.header)
        node = header
        *parents, leaf = path.split(".")
        for part in parents:
            node[part] = dict(node.get(part) or {})
            node = node[part]
        node[leaf] = value
        try:
            checked = Form.model_validate(header | _EMPTY_TABLES)
        except ValidationError as e:
            raise InvalidChange(f"{path}: {e.errors()[0]['msg']}") from e
        self.header = header_of(checked)
        self.header_dirty = True

    def set_base(self, base: dict[str, Any] | None) -> None:
        """Keep (or forget) last year's form beside this draft: shown and compared, never edited."""
        self.base_json = dumps(base) if base is not None else None
        self.conn.execute(update(drafts).where(drafts.c.id == self.id).values(base_json=self.base_json))
        self._base, self._base_form = base, None

    # ---- history -------------------------------------------------------------------------

    def history(self, limit: int = 20) -> list[HistoryEntry]:
        rows = self.conn.execute(
            select(history).where(history.c.draft_id == self.id).order_by(history.c.id.desc()).limit(limit)
        )
        return [_entry(r) for r in rows]

    def last_change_set(self, actor: str | None = None) -> ChangeSet | None:
        """The most recent change set that is neither undone nor an undo (nor from release 1)."""
        live = (
            history.c.draft_id == self.id, history.c.undoes.is_(None),
            history.c.undone_by.is_(None), history.c.legacy == 0,
        )
        by_actor = (history.c.actor == actor,) if actor is not None else ()
        turn_id = self.conn.execute(
            select(history.c.turn_id).where(*live, *by_actor).order_by(history.c.id.desc()).limit(1)
        ).scalar_one_or_none()
        if turn_id is None:
            return None
        rows = list(self.conn.execute(
            select(history).where(*live, history.c.turn_id == turn_id).order_by(history.c.id)
        ))
        return ChangeSet(
            turn_id=turn_id, draft_id=self.id, actor=rows[-1].actor, at=rows[-1].at,
            changes=tuple(Change(r.path, json.loads(r.old_json), json.loads(r.new_json)) for r in rows),
            origin=rows[-1].origin,
        )

    def undo(self, change_set: ChangeSet, turn_id: str) -> list[Change]:
        """Revert a change set: its inverse is applied and recorded as its undo."""
        inverse = change_set.inverse()
        self.apply(inverse)
        self.undoes = change_set.turn_id
        self.origin = "undo"
        marked = self.conn.execute(
            update(history)
            .where(history.c.draft_id == self.id, history.c.turn_id == change_set.turn_id,
                   history.c.undoes.is_(None), history.c.undone_by.is_(None))
            .values(undone_by=turn_id)
        )
        if marked.rowcount == 0:
            raise ValueError(f"no change set {change_set.turn_id!r} to undo")
        return inverse

    # ---- end of turn ---------------------------------------------------------------------

    def end_writes(self, actor: str, turn_id: str, now: datetime) -> list[Write]:
        """What ends this turn for the draft (:mod:`bot.store.ending`): its next version —
        only if nobody changed it since it was read — and its history rows."""
        if not self.changes and not self.header_dirty:
            return []
        bump = {"id": self.id, "old": self.version, "new": self.version + 1, "at": now}
        writes = [Write(DRAFT_HEADER, bump | {"header": dumps(self.header)}) if self.header_dirty
                  else Write(DRAFT, bump)]
        if self.changes:
            writes.append(Write(HISTORY, {}, tuple({
                "draft_id": self.id, "actor": actor, "at": now, "path": c.path, "old_json": dumps(c.old),
                "new_json": dumps(c.new), "turn_id": turn_id, "undoes": self.undoes, "legacy": 0,
                "origin": self.origin,
            } for c in self.changes)))
        return writes

    def flushed(self, now: datetime) -> None:
        """The turn's writes were made: the draft is at its next version."""
        if self.changes or self.header_dirty:
            self.version += 1
            self.updated_at = now
        self.changes = []
        self.header_dirty = False


def _validated(model: type[Any], data: dict[str, Any], *, exclude_items: bool) -> dict[str, Any]:
    payload = dict(data)
    if exclude_items:
        payload.pop("items", None)
    try:
        obj = model.model_validate(payload)
    except ValidationError as e:
        raise InvalidChange(e.errors()[0]["msg"]) from e
    dumped = obj.model_dump(mode="json")
    if exclude_items:
        dumped.pop("items", None)
    return dumped


def _entry(r: Any) -> HistoryEntry:
    return HistoryEntry(
        id=r.id, draft_id=r.draft_id, actor=r.actor, at=r.at, path=r.path,
        old=json.loads(r.old_json), new=json.loads(r.new_json), turn_id=r.turn_id,
        undoes=r.undoes, undone_by=r.undone_by, legacy=bool(r.legacy), origin=r.origin,
    )
