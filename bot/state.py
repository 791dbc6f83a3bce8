"""A conversation's state: a typed model, stored as JSON with a version.

Release 1 stored an untyped dict whose positions named rows by list index (``{"pos": {"step":
"ind_period", "k": 3}}``); :func:`load_state` migrates such a state, given the ids of the
draft's rows in their order (the store's migration keeps that order), so that a conversation
resumes at exactly the question it was at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

STATE_VERSION = 2


class Pos(BaseModel):
    """Where the walk stands: a step and the rows it is about (ids of the draft's rows;
    None where the row is still to be created: a new task, sub-row or indicator)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    step: str
    task: int | None = None
    item: int | None = None
    ind: int | None = None
    l1: str = ""
    l2: str = ""


class Offer(BaseModel):
    """A choice offered with the current question (typing its number picks it)."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: str


class Scope(BaseModel):
    """How far an edit reaches before the walk returns: one field, or a group of them."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["field", "section", "task", "item", "pair", "indicator"]
    pos: Pos


class Pending(BaseModel):
    """A question the engine asked that is not a step of the walk (which of these names,
    replace the draft with this paste, is this really the department's name…)."""

    kind: str
    data: dict[str, Any] = Field(default_factory=dict)


class State(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int = STATE_VERSION
    pos: Pos = Field(default_factory=lambda: Pos(step="department"))
    trail: list[Pos] = Field(default_factory=list)
    scope: Scope | None = None
    return_to: Pos | None = None
    #: The id of the current question; step choices carry it, so an old button is told apart.
    question: int = 0
    offered: list[Offer] = Field(default_factory=list)
    pending: Pending | None = None
    #: Where the walk stood in each draft of the conversation (draft id → position).
    positions: dict[str, Pos] = Field(default_factory=dict)
    #: "walk" (the form, question by question) or "carry" (a draft carried forward from last
    #: year: only what usually changes, see bot.carrying).
    mode: Literal["walk", "carry"] = "walk"
    #: In the carry walk: values passed over for now (asked again next time round).
    carry_skipped: list[str] = Field(default_factory=list)

    def offer(self, choices: Sequence[Any]) -> None:
        """A new question (its id one more than the last): these choices (bot.types.Choice)
        are what a typed number or label picks now (a form choice is not picked by typing)."""
        self.question += 1
        self.offered = [Offer(label=c.label, value=c.value) for c in choices if not c.form]

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=False)


# --- release 1 -----------------------------------------------------------------------------

_V1_STEPS = {
    "department": "department", "year": "year", "overall_goal": "overall_goal",
    "task_name": "task.name", "task_content": "item.content", "task_amount": "item.amount",
    "task_goal": "item.goal", "task_more": "task.more", "other_tasks": "other_tasks",
    "ind_name": "ind.name", "ind_period": "ind.period_value", "ind_annual": "ind.annual_value",
    "ind_more": "ind.more", "done": "done",
}


class RowIds(BaseModel):
    """The ids of a draft's rows in their order, for migrating index-based positions."""

    tasks: list[int] = Field(default_factory=list)
    items: list[list[int]] = Field(default_factory=list)
    indicators: list[int] = Field(default_factory=list)


def _at(seq: list[int], index: Any) -> int | None:
    return seq[index] if isinstance(index, int) and 0 <= index < len(seq) else None


def _v1_pos(data: dict[str, Any] | None, ids: RowIds) -> Pos:
    if not data:
        return Pos(step="department")
    step = data.get("step", "department")
    if step == "budget":
        return Pos(step=f"budget.{data.get('attr') or 'basic_expenditure'}")
    t, i, k = data.get("t", -1), data.get("i", -1), data.get("k", -1)
    task = _at(ids.tasks, t)
    item = _at(ids.items[t], i) if task is not None and t < len(ids.items) else None
    return Pos(
        step=_V1_STEPS.get(step, "department"), task=task, item=item, ind=_at(ids.indicators, k),
        l1=data.get("l1", ""), l2=data.get("l2", ""),
    )


def migrate_v1(data: dict[str, Any], ids: RowIds) -> State:
    """A release-1 state (an untyped dict) as a typed state of this release."""
    state = State(pos=_v1_pos(data.get("pos"), ids))
    state.trail = [_v1_pos(p, ids) for p in data.get("trail", [])][-100:]
    if data.get("return_to"):
        state.return_to = _v1_pos(data["return_to"], ids)
    state.scope = _v1_scope(data.get("scope"), ids)
    # Offered choices keep their labels; their values name release-1 steps, so typing a
    # number still picks the same thing once :func:`upgrade_v1_choice` maps it.
    state.offered = [Offer(label=str(label), value=upgrade_v1_choice(str(value)))
                     for label, value in data.get("offered", []) if isinstance(label, str)]
    pending = data.get("pending") or {}
    if pending.get("kind") == "pick_name":
        state.pending = Pending(kind="pick_name", data={
            "typed": pending.get("typed", ""), "pos": _v1_pos(pending.get("pos"), ids).model_dump()})
    elif pending.get("kind") == "replace":
        state.pending = Pending(kind="replace", data={
            "form": pending.get("form"), "source": pending.get("source", "")})
    return state


def _v1_scope(scope: dict[str, Any] | None, ids: RowIds) -> Scope | None:
    """A release-1 edit scope ({"kind": "pair", "l1": …} and so on) as a typed one."""
    if not scope:
        return None
    kind = scope.get("kind")
    if kind == "field":
        return Scope(kind="field", pos=_v1_pos(scope.get("pos"), ids))
    if kind == "section":
        return Scope(kind="section", pos=Pos(step="budget.basic_expenditure"))
    if kind == "task":
        return Scope(kind="task", pos=Pos(step="task.name", task=_at(ids.tasks, scope.get("t"))))
    if kind == "pair":
        return Scope(kind="pair", pos=Pos(step="ind.more", l1=scope.get("l1", ""), l2=scope.get("l2", "")))
    if kind == "indicator":
        return Scope(kind="indicator", pos=Pos(step="ind.name", ind=_at(ids.indicators, scope.get("k"))))
    return None


def upgrade_v1_choice(value: str) -> str:
    """A release-1 choice value in this release's terms ("task_more:item" → "task.more:item")."""
    head, sep, arg = value.partition(":")
    if sep and head in _V1_STEPS:
        return f"{_V1_STEPS[head]}:{arg}"
    return value


def load_state(data: dict[str, Any], ids: RowIds | None = None) -> State:
    """The typed state of a stored dict, migrating a release-1 state (which has no version)."""
    if data.get("version") == STATE_VERSION:
        try:
            return State.model_validate(data)
        except ValidationError:
            return State()
    if not data:
        return State()
    return migrate_v1(data, ids or RowIds())
