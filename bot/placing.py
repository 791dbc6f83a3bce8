"""Placing labelled items (:mod:`bot.labelled`) wherever they belong in the draft.

Each value is read by the same reader as when it is asked for (:mod:`bot.fields`), so a
labelled amount or indicator value is judged exactly like an answer. The reply says what was
recorded where; what could not be placed, or not taken, is said back and never stored inside
another field. The question being asked is never dropped: it is asked again unless the items
answered it (an optional "new row" or "more?" question follows the person instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answering import reading_context
from bot.conversation import Conversation
from bot.fields import Context, Reading, looks_like_value, read
from bot.labelled import REST, Item, Parsed
from bot.prompts import shorten, where
from bot.state import Pending, Pos
from bot.steps import STEP_BY_ID, step_of
from bot.store import INDICATOR, Row
from bot.types import Choice, Reply
from bot.walk import is_filled
from form_model.framework import framework
from form_model.matching import Column, Decision, match
from form_model.models import BUDGET_FIELDS
from form_model.normalize import label_key, name_key

_ITEM_FIELDS = ("item.content", "item.amount", "item.goal")
_VALUE_FIELDS = {"ind.period_value": "period_value", "ind.annual_value": "annual_value"}


@dataclass
class Outcome:
    recorded: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The first field whose value was not taken: asked next.
    retry: Pos | None = None
    fixes: list[Choice] = field(default_factory=list)
    #: The group (position) of the last task or indicator placed, for following the person.
    last_group: Pos | None = None
    asked: bool = False  # a question of its own was asked (e.g. where an indicator goes)


def place(conv: Conversation, parsed: Parsed) -> None:
    place_items(conv, parsed.items, parsed.unplaced)


def place_items(conv: Conversation, items: list[Item],
                unplaced: list[tuple[str, str]] | None = None) -> None:
    out = Outcome()
    for item in items:
        if item.kind in ("header", "budget"):
            _place_header(conv, item, out)
        elif item.kind == "task":
            _place_task(conv, item, out)
        elif item.kind == "indicator":
            _place_indicator(conv, item, out)
        if out.asked:
            break
    for label, text in unplaced or []:
        shown = f"{label}：{shorten(text, 60)}" if label else shorten(text, 60)
        out.problems.append(conv.m("unplaced", text=shown))
    _settle(conv, out)


def _prefix(conv: Conversation, out: Outcome) -> str:
    lines = []
    if out.recorded:
        lines.append(conv.m("recorded_head"))
        lines += [f"• {r}" for r in out.recorded]
    lines += out.problems
    return "\n".join(lines)


def _settle(conv: Conversation, out: Outcome) -> None:
    """What to ask after the items were placed."""
    prefix = _prefix(conv, out)
    if out.asked:
        if prefix:  # what could not be placed, told before the question already asked
            conv.replies.insert(len(conv.replies) - 1, Reply(prefix))
        return
    if out.retry is not None:
        conv.enter_scope(out.retry, "field")
        conv.prompt(prefix, out.fixes)
        return
    pos = conv.current_pos()
    step = step_of(pos)
    if conv.state.mode == "carry" and step.carry_ask is not None:
        from bot.carrying import move_on
        from bot.walk import carry_paths_of

        if not carry_paths_of(conv.nav, pos) and step.id != "carry.new":
            move_on(conv, prefix, out.fixes)  # what was asked is settled: the carry walk goes on
        else:
            conv.prompt(prefix, out.fixes)
        return
    new_row = (step.id == "task.name" and pos.task is None) or (
        step.group == "item" and pos.item is None) or (step.id == "ind.name" and pos.ind is None)
    if step.target is not None and not new_row:
        if is_filled(conv.nav, pos, step):
            conv.move_on(prefix, extra=out.fixes)
        else:
            conv.prompt(prefix, out.fixes)
        return
    if out.last_group is not None and (step.is_choice or new_row or step.id == "done"):
        conv.set_pos(out.last_group)
    conv.prompt(prefix, out.fixes)


def _record(conv: Conversation, out: Outcome, pos: Pos, shown: str, reading: Reading | None = None) -> None:
    out.recorded.append(f"{where(conv.nav, pos, conv.lang)} = {shorten(shown, 60)}")
    if reading is not None:
        out.recorded += [f"  {conv.m('value_note', note=n)}" for n in reading.notes]


def _row_name(conv: Conversation, pos: Pos) -> str:
    row = conv.nav.row(pos.ind)
    return (row.data.get("name") if row else "") or ""


def _refused(conv: Conversation, out: Outcome, pos: Pos | None, label: str, raw: str, reason: str) -> None:
    out.problems.append(conv.m("item_not_taken", label=label, text=shorten(raw, 40), reason=reason))
    if out.retry is None and pos is not None:
        out.retry = pos


def _take(conv: Conversation, out: Outcome, pos: Pos, raw: str, label: str,
          ctx: Context | None = None) -> Any:
    """Read a labelled value for the field at ``pos``; store it when it can be taken.
    Returns the stored value (None when not taken)."""
    step = step_of(pos)
    assert step.target is not None
    reading = read(step.target.reader, raw, ctx or reading_context(conv, step, pos))
    if reading.refusal is not None or reading.confirm is not None:
        _refused(conv, out, pos, label, raw, reading.refusal or reading.confirm or "")
        return None
    path = step.target.path(pos)
    if path is None:
        return reading
    conv.change(path, reading.value)
    _record(conv, out, pos, reading.shown, reading)
    if step.target.kind == "indicator" and step.target.reader == "value" and conv.draft.base:
        from bot.carrying import lower_than_last

        name = (ctx.name if ctx else "") or _row_name(conv, pos)
        level1 = (ctx.level1 if ctx else "") or pos.l1
        lower = lower_than_last(conv, name, level1, step.target.name, str(reading.value))
        if lower:  # what rule Y01 will say: the target is lower than last year's
            out.recorded.append(f"  {conv.m('carry_lower', last=lower)}")
    out.fixes += [Choice(conv.m("choice_fix", value=shorten(v, 40)), f"fix:{path}|{v}") for v in reading.fixes]
    return reading


# --- header and amounts ------------------------------------------------------------------------

def _place_header(conv: Conversation, item: Item, out: Outcome) -> None:
    """Header fields and amounts: each key is the id of the step that asks it; 「其余都是0」
    fills the amounts still empty (never one the person gave)."""
    for key, raw in item.fields.items():
        if key == REST:
            _place_rest(conv, item, out, raw)
        else:
            _take(conv, out, Pos(step=key), raw, item.labels[key])


def _place_rest(conv: Conversation, item: Item, out: Outcome, raw: str) -> None:
    empty = [pos for f in BUDGET_FIELDS
             if f"budget.{f.attr}" not in item.fields
             and not is_filled(conv.nav, pos := Pos(step=f"budget.{f.attr}"))]
    if not empty:
        out.problems.append(conv.m("rest_none"))
        return
    for pos in empty:
        _take(conv, out, pos, raw, item.labels[REST])


# --- tasks -------------------------------------------------------------------------------------

def _place_task(conv: Conversation, item: Item, out: Outcome) -> None:
    f = item.fields
    tasks = conv.nav.tasks()
    task: Row | None = None
    if "task.ref" in f:
        n = int(f["task.ref"])
        if 1 <= n <= len(tasks):
            task = tasks[n - 1]
        elif n != len(tasks) + 1:
            out.problems.append(conv.m("no_such_task", n=n, count=len(tasks)))
            return
    if task is None and f.get("task.name"):
        key = label_key(f["task.name"])
        task = next((t for t in tasks if label_key(t.data.get("name", "")) == key), None)
    if task is None and "task.ref" not in f and not f.get("task.name"):
        pos = conv.current_pos()
        task = conv.nav.row(pos.task) if step_of(pos).group in ("task", "item") else None
        if task is None:
            shown = "；".join(f"{item.labels[k]}：{shorten(v, 30)}" for k, v in f.items())
            out.problems.append(conv.m("which_task", text=shown))
            return
    if task is None:  # a new task
        name = f.get("task.name", "")
        if name:
            reading = read("task_name", name, Context(lang=conv.lang, limit="task_name"))
            if not reading.ok:
                _refused(conv, out, None, item.labels.get("task.name", "任务"), name, reading.refusal or "")
                return
            name = str(reading.value)
        task_id = conv.add_task(name)
        task = conv.nav.row(task_id)
        assert task is not None
        if name:
            _record(conv, out, Pos(step="task.name", task=task_id), name)
        else:
            out.problems.append(conv.m("task_needs_name"))
            out.retry = out.retry or Pos(step="task.name", task=task_id)
    elif f.get("task.name") and "task.ref" in f and label_key(f["task.name"]) != label_key(task.data.get("name", "")):
        _take(conv, out, Pos(step="task.name", task=task.id), f["task.name"], item.labels["task.name"])
    given = [k for k in _ITEM_FIELDS if f.get(k)]
    out.last_group = Pos(step="task.more", task=task.id)
    if not given:
        return
    row = _target_row(conv, out, task, f, given)
    if row is False:
        return
    item_id = row.id if isinstance(row, Row) else None
    for key in given:
        name = key.split(".", 1)[1]
        pos = Pos(step=key, task=task.id, item=item_id)
        if item_id is None:
            reading = _take(conv, out, pos, f[key], item.labels[key])
            if reading is None:
                continue
            item_id = conv.add_item(task.id, {name: reading.value})
            _record(conv, out, pos.model_copy(update={"item": item_id}), reading.shown, reading)
        else:
            _take(conv, out, pos.model_copy(update={"item": item_id}), f[key], item.labels[key])
    if out.retry is not None and out.retry.task == task.id and out.retry.item is None \
            and item_id is not None:
        # A field refused before the sub-row existed: ask it of the row the others created.
        out.retry = out.retry.model_copy(update={"item": item_id})


def _target_row(conv: Conversation, out: Outcome, task: Row, f: dict[str, str],
                given: list[str]) -> Row | None | bool:
    """The sub-row the fields go to: the named 「第N行」, else the last row when those fields
    are still empty there, else a new one (None). False: no such row."""
    items = conv.nav.items(task.id)
    if "item.row" in f:
        m = int(f["item.row"])
        if 1 <= m <= len(items):
            return items[m - 1]
        if m == len(items) + 1:
            return None
        out.problems.append(conv.m("no_such_row", n=m, count=len(items)))
        return False
    if items and all(items[-1].data.get(k.split(".", 1)[1]) in (None, "") for k in given):
        return items[-1]
    return None


# --- indicators --------------------------------------------------------------------------------

def is_pair(level1: str, level2: str) -> bool:
    """Whether two names are a 一级 and one of its 二级 (for labels 「产出指标›数量指标›…」)."""
    l1 = _level1(level1)
    return l1 is not None and _level2(level2, l1) is not None


def _level1(text: str) -> str | None:
    result = match(text, Column.LEVEL1)
    return result.name if result.decision == Decision.CERTAIN else None


def _level2(text: str, level1: str | None) -> str | None:
    result = match(text, Column.LEVEL2, level1=level1)
    if result.decision == Decision.CERTAIN and result.name:
        return result.name
    return None


def known_indicator(conv: Conversation) -> Any:
    """For :func:`bot.labelled.parse`: whether an unknown label with its value is an indicator —
    one of the draft's, a certain match in the library, or a name followed by what can only be
    an indicator value (「古籍修复数量：≥500册」)."""
    def check(label: str, value: str) -> bool:
        key = name_key(label)
        if len(key) < 4:
            return False
        if conv.nav.named(INDICATOR, label):
            return True
        result = match(label, Column.LEVEL3)
        if result.decision == Decision.CERTAIN and result.candidates and \
                result.candidates[0].via in ("exact", "alias"):
            return True
        return looks_like_value(value)
    return check


def _placement(conv: Conversation, item: Item, out: Outcome, name: str) -> tuple[str, str, str] | None:
    """(一级, 二级, name as stored) of a labelled indicator; None when it cannot be placed
    (said, or asked)."""
    f = item.fields
    fw = framework()
    if f.get("ind.level1") or f.get("ind.level2"):
        l1 = _level1(f["ind.level1"]) if f.get("ind.level1") else None
        if f.get("ind.level1") and l1 is None:
            out.problems.append(conv.m("unknown_level", level="一级指标", text=f["ind.level1"]))
            return None
        l2 = _level2(f["ind.level2"], l1) if f.get("ind.level2") else None
        if f.get("ind.level2") and l2 is None:
            # Keep the 二级 as written when it is a real 二级 of another 一级: the checker
            # flags the nesting (S10); the person said where it goes.
            l2 = _level2(f["ind.level2"], None)
            if l2 is None:
                out.problems.append(conv.m("unknown_level", level="二级指标", text=f["ind.level2"]))
                return None
        if l2 is None:
            found = match(name, Column.LEVEL3, level1=l1)
            if found.decision == Decision.CERTAIN and found.candidates and found.candidates[0].level2:
                l2 = found.candidates[0].level2
            else:
                first = fw.get(l1 or "")
                names = "、".join(first.level2_names(include_optional=False)) if first else ""
                out.problems.append(conv.m("level2_missing", name=name, l1=l1 or "", names=names))
                return None
        l1 = l1 or fw.parent_of(l2) or ""
        return l1, l2, _canonical_name(name, l1, l2)
    same = conv.nav.named(INDICATOR, name)  # one of the draft's: where it already is
    if same:
        return same[0].data.get("level1", ""), same[0].data.get("level2", ""), name
    found = match(name, Column.LEVEL3)
    if found.decision == Decision.CERTAIN and found.name and found.candidates:
        c = found.candidates[0]
        if c.level1 and c.level2:
            return c.level1, c.level2, found.name
    inferred = _pair_by_name(name)
    if inferred is not None:
        return inferred[0], inferred[1], name
    pos = conv.current_pos()
    if step_of(pos).group == "pair" and pos.l1 and pos.l2:
        return pos.l1, pos.l2, _canonical_name(name, pos.l1, pos.l2)
    _ask_pair(conv, item, out, name)
    return None


def _pair_by_name(name: str) -> tuple[str, str] | None:
    """A pair a name alone gives away: a satisfaction is a 满意度指标 (domain.md §2.2: any
    满意度 二级 is 服务对象满意度指标)."""
    if "满意度" in name:
        return "满意度指标", "服务对象满意度指标"
    return None


def _canonical_name(name: str, l1: str, l2: str) -> str:
    try:
        found = match(name, Column.LEVEL3, level1=l1, level2=l2)
    except ValueError:
        return name
    return found.name if found.decision == Decision.CERTAIN and found.name else name


def _ask_pair(conv: Conversation, item: Item, out: Outcome, name: str) -> None:
    conv.state.pending = Pending(kind="place_indicator", data={"fields": item.fields, "labels": item.labels})
    choices = [Choice(f"{l1} › {l2}", f"place:{l1}/{l2}") for l1, l2 in framework().printed_pairs()]
    conv.say(_prefix(conv, out) + ("\n\n" if out.recorded or out.problems else "")
             + conv.m("which_pair", name=name), choices)
    out.recorded, out.problems = [], []
    out.asked = True


def _place_indicator(conv: Conversation, item: Item, out: Outcome, pair: tuple[str, str] | None = None) -> None:
    f = item.fields
    values = {k: v for k, v in f.items() if k in ("ind.value", *_VALUE_FIELDS) and v}
    raw_name = f.get("ind.name", "")
    if not raw_name:
        pos = conv.current_pos()
        row = conv.nav.row(pos.ind) if step_of(pos).group == "pair" else None
        if row is None:
            shown = "；".join(f"{item.labels[k]}：{shorten(v, 30)}" for k, v in f.items())
            out.problems.append(conv.m("which_indicator", text=shown))
            return
        l1, l2, name, row_id = row.data["level1"], row.data["level2"], row.data.get("name", ""), row.id
    else:
        reading = read("indicator_name", raw_name, Context(lang=conv.lang, limit="indicator_name"))
        if not reading.ok:
            _refused(conv, out, None, item.labels.get("ind.name", "指标"), raw_name, reading.refusal or "")
            return
        typed = str(reading.value)
        if pair is not None:
            placed: tuple[str, str, str] | None = (pair[0], pair[1], _canonical_name(typed, *pair))
        else:
            placed = _placement(conv, item, out, typed)
        if placed is None:
            return
        l1, l2, name = placed
        existing = next((r for r in conv.nav.named(INDICATOR, name)
                         if (r.data.get("level1"), r.data.get("level2")) == (l1, l2)), None)
        if existing is not None:
            row_id = existing.id
        else:
            row_id = conv.add_indicator(l1, l2, name)
            shown = name if name == typed else conv.m("name_matched", name=name, typed=typed)
            _record(conv, out, Pos(step="ind.name", ind=row_id, l1=l1, l2=l2), shown)
    out.last_group = Pos(step="ind.more", l1=l1, l2=l2)
    wanted = {}
    if "ind.value" in values:
        wanted = {"period_value": values["ind.value"], "annual_value": values["ind.value"]}
    for key, attr in _VALUE_FIELDS.items():
        if key in values:
            wanted[attr] = values[key]
    for attr, raw in wanted.items():
        other_attr = "annual_value" if attr == "period_value" else "period_value"
        pos = Pos(step=f"ind.{attr}", ind=row_id, l1=l1, l2=l2)
        ctx = Context(lang=conv.lang, limit="value", name=name, level1=l1, level2=l2, attr=attr,
                      other=wanted.get(other_attr) or (conv.nav.value(f"indicator:{row_id}.{other_attr}") or ""))
        label = item.labels.get("ind.value") or item.labels.get(f"ind.{attr}") or STEP_BY_ID[pos.step].label[0]
        _take(conv, out, pos, raw, label, ctx)


def place_pending_indicator(conv: Conversation, l1: str, l2: str) -> None:
    """The person chose the 一级 › 二级 for an indicator typed without one."""
    pending = conv.take_pending("place_indicator")
    if pending is None:
        conv.prompt()
        return
    item = Item("indicator", dict(pending.data["fields"]), dict(pending.data["labels"]))
    out = Outcome()
    _place_indicator(conv, item, out, pair=(l1, l2))
    _settle(conv, out)
