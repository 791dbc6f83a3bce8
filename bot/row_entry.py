"""A whole row entered at once — a task's sub-row with the task's name, or an indicator — as
front ends with forms offer it (Slack's modal: :mod:`handlers.modals`).

* Which fields a row has (:data:`ITEM_FIELDS`, :data:`INDICATOR_FIELDS`): each is read by the
  reader and length cap its step declares (:mod:`bot.steps`), so a form is judged exactly as
  the chat judges the same answers (:mod:`bot.fields`, hence :mod:`form_model.judgement`).
* Which row a question or a finding is about (:func:`row_target_at`, :func:`parse_target`).
* What a form shows when it opens (:func:`open_form`); reading a submitted row
  (:func:`read_row`: every field's refusal, or the values with their notes); writing it as one
  conversation turn (:func:`save`): one change set (undone as one), the row's ids, and the
  conversation going on with its next question. Nothing is written unless every field is valid.

A target names a row as text: ``item:9`` (a task's sub-row), ``task:7`` (task 7's first sub-row,
or a new one when it has none), ``task:7/new`` (a new sub-row of task 7), ``task:new`` (a new
task and its first sub-row), ``indicator:12``, ``pair:产出指标/数量指标`` (a new indicator of
that pair). A field's path (``item:9.amount``, ``task:7.name``, ``indicator:12.annual_value``, as
a finding's 「去修改」 names it) names its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.fields import Context, Reading, read
from bot.messages import msg
from bot.prompts import SEP, pair_library_names, shorten, where
from bot.state import Pos
from bot.steps import STEP_BY_ID, step_of
from bot.store import INDICATOR, ITEM, TASK, row_path
from bot.types import Choice, Reply
from bot.walk import Nav
from form_model.framework import framework
from form_model.limits import TEXT_LIMITS
from form_model.matching import Column, Decision, match
from form_model.normalize import name_key

if TYPE_CHECKING:
    from bot.conversation import Conversation

ITEM_ROW = "item"
INDICATOR_ROW = "indicator"
#: Library names a form offers for the chosen 一级 › 二级.
OFFERED_LIBRARY_NAMES = 40


@dataclass(frozen=True)
class RowField:
    """One field of a row's form."""

    key: str
    #: The step that asks this field in the chat: its label, reader and length cap (None: the
    #: indicator's 一级 or 二级, chosen from the framework).
    step: str | None = None
    label_zh: str = ""
    label_en: str = ""
    multiline: bool = False
    #: May be left empty: the 年度指标值 is then the 实施周期指标值 (the chat's 「同上」).
    optional: bool = False

    def label(self, lang: str) -> str:
        zh, en = STEP_BY_ID[self.step].label if self.step else (self.label_zh, self.label_en)
        return en if lang == "en" else zh

    @property
    def reader(self) -> str | None:
        target = STEP_BY_ID[self.step].target if self.step else None
        return target.reader if target else None

    @property
    def limit(self) -> str | None:
        """Key of its length cap in :data:`form_model.limits.TEXT_LIMITS`."""
        target = STEP_BY_ID[self.step].target if self.step else None
        return target.limit if target else ("level1" if self.key == "level1" else "level2")

    @property
    def max_chars(self) -> int | None:
        limit = TEXT_LIMITS.get(self.limit or "")
        return limit.max_chars if limit else None


ITEM_FIELDS: tuple[RowField, ...] = (
    RowField("name", "task.name"),
    RowField("content", "item.content", multiline=True),
    RowField("amount", "item.amount"),
    RowField("goal", "item.goal", multiline=True),
)
INDICATOR_FIELDS: tuple[RowField, ...] = (
    RowField("level1", None, "一级指标", "level-1 indicator"),
    RowField("level2", None, "二级指标", "level-2 indicator"),
    RowField("name", "ind.name"),
    RowField("period_value", "ind.period_value"),
    RowField("annual_value", "ind.annual_value", optional=True),
)


def fields_of(kind: str) -> tuple[RowField, ...]:
    return INDICATOR_FIELDS if kind == INDICATOR_ROW else ITEM_FIELDS


# --- targets ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowTarget:
    kind: str  # ITEM_ROW | INDICATOR_ROW
    #: The row edited (a sub-row's or an indicator's id); None: a new row.
    row: int | None = None
    #: A sub-row's task; None (with ``row`` None): a new task.
    task: int | None = None
    #: A new indicator's 一级 › 二级.
    level1: str = ""
    level2: str = ""
    #: ``task:7``: the task's first sub-row, found when the draft is read.
    first_row: bool = False

    def __str__(self) -> str:
        if self.kind == INDICATOR_ROW:
            return f"indicator:{self.row}" if self.row is not None else f"pair:{self.level1}/{self.level2}"
        if self.row is not None:
            return f"item:{self.row}"
        if self.task is None:
            return "task:new"
        return f"task:{self.task}" if self.first_row else f"task:{self.task}/new"


_TARGET = re.compile(
    r"^(?:(?P<kind>item|indicator|task):(?P<id>\d+)(?:\.[a-z_0-9]+)?|task:(?P<new_in>\d+)/new"
    r"|(?P<new_task>task:new)|pair:(?P<l1>[^/]+)/(?P<l2>.+))$"
)


def parse_target(text: str) -> RowTarget | None:
    m = _TARGET.match(text)
    if m is None:
        return None
    if m.group("kind") == "indicator":
        return RowTarget(INDICATOR_ROW, row=int(m.group("id")))
    if m.group("kind") == "item":
        return RowTarget(ITEM_ROW, row=int(m.group("id")))
    if m.group("kind") == "task":
        return RowTarget(ITEM_ROW, task=int(m.group("id")), first_row=True)
    if m.group("new_in"):
        return RowTarget(ITEM_ROW, task=int(m.group("new_in")))
    if m.group("new_task"):
        return RowTarget(ITEM_ROW)
    return RowTarget(INDICATOR_ROW, level1=m.group("l1"), level2=m.group("l2"))


def row_target_at(pos: Pos) -> str | None:
    """The row a question is about, as a target (None: a question not about a row). Reads
    nothing from the draft: ``task:7`` is resolved when the form opens."""
    step = step_of(pos)
    if step.group in ("task", "item"):
        if step.id == "task.more":
            return str(RowTarget(ITEM_ROW, task=pos.task)) if pos.task is not None else None
        if pos.item is not None:
            return str(RowTarget(ITEM_ROW, row=pos.item))
        return str(RowTarget(ITEM_ROW, task=pos.task, first_row=step.id == "task.name"))
    if step.group == "pair":
        if pos.ind is not None and step.id != "ind.more":
            return str(RowTarget(INDICATOR_ROW, row=pos.ind))
        if pos.l1 and pos.l2:
            return str(RowTarget(INDICATOR_ROW, level1=pos.l1, level2=pos.l2))
    return None


def resolve(nav: Nav, target: RowTarget) -> RowTarget | None:
    """The target as the draft now has it (a sub-row's task, an indicator's pair, a task's
    first sub-row); None when its row or task is gone."""
    if target.kind == INDICATOR_ROW:
        if target.row is None:
            return target if target.level1 and target.level2 else None
        row = nav.row(target.row)
        if row is None or row.kind != INDICATOR:
            return None
        return replace(target, level1=row.data.get("level1", ""), level2=row.data.get("level2", ""))
    if target.row is not None:
        row = nav.row(target.row)
        return replace(target, task=row.parent_id) if row is not None and row.kind == ITEM else None
    if target.task is None:
        return target
    task = nav.row(target.task)
    if task is None or task.kind != TASK:
        return None
    if target.first_row:
        items = nav.items(task.id)
        return RowTarget(ITEM_ROW, row=items[0].id if items else None, task=task.id)
    return target


# --- what a form shows -----------------------------------------------------------------------

@dataclass(frozen=True)
class RowForm:
    """A row's form as it opens: its fields and their values now."""

    target: str  # resolved (``task:7`` has become ``item:9`` or ``task:7/new``)
    kind: str
    fields: tuple[RowField, ...]
    values: dict[str, str]
    #: Where the row is, in the form's words (年度重点工作任务 › 第 1 项 › 第 2 行).
    where: str
    #: The question it was opened from, while that question is current (None: from a finding).
    question: int | None
    lang: str


def level_names() -> list[tuple[str, list[str]]]:
    """Every 一级 with its 二级 (for the form's selects)."""
    fw = framework()
    return [(name, fw.get(name).level2_names()) for name in fw.level1_names()]  # type: ignore[union-attr]


def library_names(level1: str, level2: str) -> list[str]:
    """The library's 三级 names of a pair (offered in the form)."""
    return pair_library_names(level1, level2)[:OFFERED_LIBRARY_NAMES]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def current_values(nav: Nav, target: RowTarget) -> dict[str, str]:
    """The row's values now, as text to edit (empty for a new row)."""
    if target.kind == INDICATOR_ROW:
        row = nav.row(target.row)
        data = row.data if row is not None else {}
        return {"level1": data.get("level1") or target.level1, "level2": data.get("level2") or target.level2,
                **{k: _text(data.get(k)) for k in ("name", "period_value", "annual_value")}}
    task = nav.row(target.task)
    item = nav.row(target.row)
    values = {"name": _text(task.data.get("name")) if task is not None else ""}
    return values | {k: _text(item.data.get(k)) if item is not None else "" for k in ("content", "amount", "goal")}


def row_where(nav: Nav, target: RowTarget, lang: str) -> str:
    if target.kind == INDICATOR_ROW:
        return where(nav, Pos(step="ind.name", ind=target.row, l1=target.level1, l2=target.level2), lang)
    head = where(nav, Pos(step="task.more", task=target.task), lang)
    if target.task is None:
        return head
    row = msg(lang, "row_n", n=nav.item_index(target.task, target.row) + 1).strip()
    return f"{head}{SEP}{row}"


def open_form(conv: Conversation, target_text: str, question: int | None) -> RowForm | Reply:
    """The form of a row, or why it does not open: the question it was offered with has been
    answered meanwhile (a ``stale_choice`` reply, as for any old button), or the row is gone."""
    if question is not None and question != conv.state.question:
        here = where(conv.nav, conv.current_pos(), conv.lang)
        return Reply(conv.m("stale_choice") + f" 【{here}】", kind="stale_choice")
    parsed = parse_target(target_text)
    target = resolve(conv.nav, parsed) if parsed is not None else None
    if target is None:
        return Reply(conv.m("row_gone"))
    return RowForm(str(target), target.kind, fields_of(target.kind), current_values(conv.nav, target),
                   row_where(conv.nav, target, conv.lang), question, conv.lang)


# --- reading a submitted row -----------------------------------------------------------------

@dataclass
class RowReading:
    """A submitted row read field by field: the values to store, or why each cannot be."""

    values: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    #: Field key → why its answer cannot be taken (localised); nothing is stored.
    errors: dict[str, str] = field(default_factory=dict)
    #: Warnings the checker would give (localised); the row is stored.
    notes: list[str] = field(default_factory=list)
    #: One-click replacements: (field key, value).
    fixes: list[tuple[str, str]] = field(default_factory=list)


def _take(out: RowReading, key: str, reading: Reading) -> bool:
    problem = reading.refusal or reading.confirm
    if problem is not None:
        out.errors[key] = problem
        return False
    out.values[key], out.shown[key] = reading.value, reading.shown
    out.notes += reading.notes
    out.fixes += [(key, v) for v in reading.fixes]
    return True


def read_row(kind: str, submitted: dict[str, str], lang: str) -> RowReading:
    """Read every field of a submitted row as the chat reads the same answers."""
    out = RowReading()
    text = {f.key: (submitted.get(f.key) or "").strip() for f in fields_of(kind)}
    if kind != INDICATOR_ROW:
        for f in ITEM_FIELDS:
            assert f.reader is not None
            _take(out, f.key, read(f.reader, text[f.key], Context(lang=lang, limit=f.limit)))
        return out
    level1, level2 = _read_levels(out, text["level1"], text["level2"], lang)
    named = read("indicator_name", text["name"], Context(lang=lang, limit="indicator_name"))
    if not _take(out, "name", named):
        return out
    name = _library_name(out, str(named.value), level1, level2, lang)
    period = text["period_value"]
    annual = text["annual_value"] or period  # left empty: the same as the period value
    for key, raw, other in (("period_value", period, annual), ("annual_value", annual, period)):
        ctx = Context(lang=lang, limit="value", name=name, level1=level1, level2=level2, attr=key, other=other)
        _take(out, key, read("value", raw, ctx))
    return out


def _read_levels(out: RowReading, level1: str, level2: str, lang: str) -> tuple[str, str]:
    fw = framework()
    first = fw.get(level1)
    if first is None:
        out.errors["level1"] = msg(lang, "row_level1_unknown")
        return level1, level2
    out.values["level1"] = out.shown["level1"] = level1
    names = first.level2_names()
    if level2 not in names:
        out.errors["level2"] = msg(lang, "row_level2_not_under", l1=level1, l2=level2 or "—", names="、".join(names))
    else:
        out.values["level2"] = out.shown["level2"] = level2
    return level1, level2


def _library_name(out: RowReading, typed: str, level1: str, level2: str, lang: str) -> str:
    """The name as the library has it when the match is certain (as the chat takes it)."""
    if "level1" in out.errors or "level2" in out.errors:
        return typed
    try:
        found = match(typed, Column.LEVEL3, level1=level1, level2=level2)
    except ValueError:
        return typed
    if found.decision == Decision.CERTAIN and found.name:
        out.values["name"] = found.name
        out.shown["name"] = found.name if found.name == typed else msg(lang, "name_matched", name=found.name,
                                                                         typed=typed)
        return found.name
    if found.decision == Decision.AMBIGUOUS and found.candidates:
        names = "、".join(c.name for c in found.candidates)
        out.notes.append(msg(lang, "row_name_ambiguous", typed=typed, names=names))
    return typed


# --- saving: one conversation turn -----------------------------------------------------------

@dataclass(frozen=True)
class RowEntry:
    """A submitted row."""

    target: str
    #: Field key → the text given. A field left out keeps the row's value.
    values: dict[str, str]
    #: The question the form was opened from (None: from a finding, or nothing to answer).
    question: int | None = None
    #: The front end's id of this submission (a modal's view id): saved at most once.
    submission: str | None = None


@dataclass
class RowOutcome:
    """What saving a row came to: per-field errors (nothing saved), or saved."""

    errors: dict[str, str] = field(default_factory=dict)
    saved: bool = False


def save(conv: Conversation, entry: RowEntry, outcome: RowOutcome) -> None:
    """Check the whole row and write it as this turn's one change set, then go on: to the
    question after the row when the form answered the current question, else (a finding's
    form, or the conversation moved on meanwhile) the current question again."""
    outcome.errors, outcome.saved = {}, False
    parsed = parse_target(entry.target)
    target = resolve(conv.nav, parsed) if parsed is not None else None
    if target is None:
        kind = parsed.kind if parsed is not None else ITEM_ROW
        outcome.errors = {fields_of(kind)[0].key: conv.m("row_gone")}
        return
    keys = {f.key for f in fields_of(target.kind)}
    submitted = current_values(conv.nav, target) | {k: v for k, v in entry.values.items() if k in keys}
    reading = read_row(target.kind, submitted, conv.lang)
    if target.kind == INDICATOR_ROW and not reading.errors:
        taken = _name_taken(conv, target, reading)
        if taken:
            reading.errors["name"] = taken
    if reading.errors:
        outcome.errors = reading.errors
        return
    if entry.submission and not conv.st.claim_event(f"row:{entry.submission}"):
        outcome.saved = True
        conv.say(conv.m("row_already_saved"))
        return
    if target.kind == INDICATOR_ROW:
        pos, written = _write_indicator(conv, target, reading.values)
    else:
        pos, written = _write_item(conv, target, reading.values)
    outcome.saved = True
    lines = [conv.m("row_saved", where=row_where(conv.nav, written, conv.lang))]
    lines += [f"• {f.label(conv.lang)} = {shorten(reading.shown[f.key], 60)}" for f in fields_of(target.kind)]
    lines += [conv.m("value_note", note=n) for n in reading.notes]
    paths = _paths(written)
    fixes = [Choice(conv.m("choice_fix", value=shorten(v, 40)), f"fix:{paths[k]}|{v}") for k, v in reading.fixes]
    prefix = "\n".join(lines)
    if entry.question is not None and entry.question == conv.state.question:
        conv.state.pending = None
        conv.state.pos = pos
        conv.move_on(prefix, extra=fixes)
    else:
        conv.prompt(prefix, fixes)


def _name_taken(conv: Conversation, target: RowTarget, reading: RowReading) -> str | None:
    """A new (or renamed) indicator whose name its pair already has: refused, not doubled."""
    l1, l2, key = reading.values["level1"], reading.values["level2"], name_key(str(reading.values["name"]))
    for n, row in enumerate(conv.nav.pair(l1, l2), start=1):
        if row.id != target.row and name_key(row.data.get("name", "")) == key:
            return conv.m("row_name_taken", name=row.data.get("name", ""), l1=l1, l2=l2, n=n)
    return None


def _write_item(conv: Conversation, target: RowTarget, values: dict[str, Any]) -> tuple[Pos, RowTarget]:
    task_id = target.task
    if task_id is None:
        task_id = conv.add_task(values["name"])
    else:
        conv.change(row_path(TASK, task_id, "name"), values["name"])
    fields = {k: values[k] for k in ("content", "amount", "goal")}
    if target.row is None:
        item_id = conv.add_item(task_id, fields)
    else:
        item_id = target.row
        for key, value in fields.items():
            conv.change(row_path(ITEM, item_id, key), value)
    return Pos(step="item.goal", task=task_id, item=item_id), RowTarget(ITEM_ROW, row=item_id, task=task_id)


def _write_indicator(conv: Conversation, target: RowTarget, values: dict[str, Any]) -> tuple[Pos, RowTarget]:
    l1, l2 = values["level1"], values["level2"]
    data = {k: values[k] for k in ("name", "period_value", "annual_value")}
    if target.row is None:
        row_id = conv.add_indicator(l1, l2, data.pop("name"), **data)
    else:
        row_id = target.row
        for key, value in ({"level1": l1, "level2": l2} | data).items():
            conv.change(row_path(INDICATOR, row_id, key), value)
    return (Pos(step="ind.annual_value", ind=row_id, l1=l1, l2=l2),
            RowTarget(INDICATOR_ROW, row=row_id, level1=l1, level2=l2))


def _paths(target: RowTarget) -> dict[str, str]:
    """Each field's path in the written row (for one-click fixes)."""
    if target.kind == INDICATOR_ROW:
        assert target.row is not None
        return {k: row_path(INDICATOR, target.row, k) for k in ("name", "period_value", "annual_value")}
    assert target.row is not None and target.task is not None
    return {"name": row_path(TASK, target.task, "name"),
            **{k: row_path(ITEM, target.row, k) for k in ("content", "amount", "goal")}}
