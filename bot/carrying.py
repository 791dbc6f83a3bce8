"""Starting from last year's form: carry it forward, then ask only what usually changes.

After a workbook or paste is read, one choice — 「以此为基础起草 2026 年」 — makes a new draft
from it (:func:`form_model.carry.carry_forward`): the same department, tasks and indicators for
the next year, every amount and indicator value kept but marked 「沿用上年」, and last year's
form kept beside the draft as its base (shown, never edited; the checker compares with it).

The carry walk then goes through the eight amounts (each shown with last year's value), each
task (keep it, change its funds or its text, or drop it), each indicator's values (「同上」 keeps
them), and asks whether anything is new. 「本部分不变」 keeps the rest of a section and
「其余都不变」 everything left. Confirming a value, or changing it, removes its mark; the
history says which values came from last year and which were confirmed or changed.
"""

from __future__ import annotations

import re
from typing import Any

from bot.conversation import Conversation
from bot.fields import Context, read
from bot.prompts import as_decimal, shorten, where
from bot.state import Pending, Pos
from bot.steps import DONE, Step, step_of
from bot.store import ITEM, TASK, parse_row_path
from bot.types import Choice
from bot.walk import Nav, carried, carry_next, carry_paths_of
from form_model.amounts import format_amount
from form_model.carry import carry_forward, next_year, years_in_texts
from form_model.models import Form
from form_model.normalize import label_key, name_key

CARRY = "carry"


# --- starting ------------------------------------------------------------------------------

def start(conv: Conversation, year: int | None = None) -> None:
    """A new draft for the next year from the active draft (last year's form)."""
    last, _ = conv.draft.form()
    if last.is_empty():
        conv.say(conv.m("carry_nothing"))
        return
    if year is not None and not 2000 <= year <= 2100:
        conv.say(conv.m("bad_year", text=str(year)))
        return
    form = carry_forward(last, year)
    draft = conv.st.new_draft("", base=last)
    draft.origin = "carry_forward"
    draft.replace(form)
    conv.enter_draft(draft, carry_next(Nav(draft), []))
    conv.state.mode, conv.state.carry_skipped = "carry", []
    text = conv.m("carry_started", year=form.year, n=len(conv.st.list_drafts()), values=len(form.carried),
                  source=last.department or conv.m("untitled"))
    extra = []
    old_year = last.year if last.year is not None else form.year - 1
    mentions = years_in_texts(form, old_year)
    if mentions:
        count = sum(m.count for m in mentions)
        extra.append(Choice(conv.m("choice_carry_years", old=old_year, new=form.year, n=count),
                            f"carry:years:{old_year}>{form.year}"))
    conv.prompt(text, extra)


def offer(form: Form, lang: str) -> Choice:
    """The choice offered after a form is read: start next year's form from it."""
    from bot.messages import msg

    year = next_year(form)
    return Choice(msg(lang, "choice_carry_start", year=year), f"carry:start:{year}")


def replace_years(conv: Conversation, old: int, new: int) -> None:
    """Write the new year wherever the texts name last year's (one change set)."""
    form, positions = conv.draft.form()
    mentions = years_in_texts(form, old)
    replaced = 0
    pattern = re.compile(rf"(?<!\d){old}(?=\s*年)")
    for m in mentions:
        path = positions.to_row_path(m.path)
        value = conv.nav.value(path) if path else None
        if isinstance(value, str):
            new_text, n = pattern.subn(str(new), value)
            conv.change(path, new_text)  # type: ignore[arg-type]
            replaced += n
    conv.prompt(conv.m("carry_years_done", old=old, new=new, n=replaced))


# --- the questions -------------------------------------------------------------------------

def _base(conv: Conversation) -> Form | None:
    return conv.draft.base_form()


def _last_task(base: Form | None, name: str) -> Any:
    if base is None:
        return None
    return next((t for t in base.tasks if label_key(t.name) == label_key(name)), None)


def _last_indicator(base: Form | None, name: str) -> Any:
    if base is None:
        return None
    return next((i for i in base.indicators if name_key(i.name) == name_key(name)), None)


def question(conv: Conversation, pos: Pos) -> tuple[str, list[Choice]]:
    """A carry question: what last year's form said, and what may be kept, changed or dropped."""
    step = step_of(pos)
    base = _base(conv)
    nav = conv.nav
    values: dict[str, Any] = {}
    if step.target is not None and step.target.kind == "header":
        attr = step.target.name.split(".", 1)[1]
        last = getattr(base.budget, attr) if base is not None else None
        now = nav.value(step.target.name)
        values = {"label": step.label[0], "last": "—" if last is None else format_amount(last),
                  "now": "—" if now is None else format_amount(as_decimal(now))}
    elif step.id == "carry.task":
        task = nav.row(pos.task)
        name = (task.data.get("name") if task else "") or ""
        items = nav.items(pos.task) if pos.task is not None else []
        last = _last_task(base, name)
        total = last.total() if last is not None else None
        values = {"task": shorten(name, 40), "rows": len(items),
                  "last": "—" if total is None else format_amount(total)}
    elif step.id == "carry.indicator":
        row = nav.row(pos.ind)
        name = (row.data.get("name") if row else "") or ""
        last = _last_indicator(base, name)
        values = {"name": shorten(name, 40),
                  "period": (last.period_value if last else "") or "—",
                  "annual": (last.annual_value if last else "") or "—"}
    text = conv.m(step.carry_ask or step.ask, **values)
    choices = [Choice(conv.m(label), f"{CARRY}:{key}") for key, label in step.carry_choices]
    return text, choices


# --- answers -------------------------------------------------------------------------------

def confirm(conv: Conversation, paths: list[str]) -> int:
    """Keep these values as last year's (their 「沿用上年」 mark removed)."""
    if not paths:
        return 0
    left = [p for p in carried(conv.nav) if p not in paths]
    conv.change("carried", left)
    return len(paths)


def _section_paths(conv: Conversation, pos: Pos) -> list[str]:
    """The carried paths of the section a carry question belongs to."""
    section = step_of(pos).section.value
    prefixes = {"budget": ("budget.",), "tasks": ("item:",), "indicators": ("indicator:",)}.get(section, ())
    return [p for p in carried(conv.nav) if p.startswith(prefixes)]


def on_choice(conv: Conversation, arg: str) -> None:
    """carry:<what> — a choice of a carry question, or start/years."""
    head, _, rest = arg.partition(":")
    if head == "start":
        start(conv, int(rest) if rest.isdigit() else None)
        return
    if head == "years":
        old, _, new = rest.partition(">")
        replace_years(conv, int(old), int(new))
        return
    if head == "explain":  # the reason for a lower target: asked for, kept with the draft
        if conv.state.pending is not None and conv.state.pending.kind == "explain":
            conv.say(conv.m("carry_explain_ask"))
        else:
            conv.prompt()
        return
    pos = conv.current_pos()
    step = step_of(pos)
    if conv.state.mode != CARRY and head in ("same", "section", "all"):
        conv.prompt()
        return
    if head == "same" and step.id != "carry.task":
        n = confirm(conv, carry_paths_of(conv.nav, pos))
        move_on(conv, conv.m("carry_kept", where=where(conv.nav, pos, conv.lang), n=n))
    elif head == "section":
        n = confirm(conv, _section_paths(conv, pos))
        move_on(conv, conv.m("carry_kept_section", section=step.section.zh, n=n))
    elif head == "all":
        n = confirm(conv, carried(conv.nav))
        move_on(conv, conv.m("carry_kept_all", n=n))
    elif step.id == "carry.task":
        _task_choice(conv, pos, "keep" if head == "same" else head)
    elif step.id == "carry.indicator" and head == "drop":
        _drop_indicator(conv, pos)
    elif step.id == "carry.new":
        _new_choice(conv, head)
    else:
        conv.prompt()


def _task_choice(conv: Conversation, pos: Pos, head: str) -> None:
    assert pos.task is not None
    task = conv.nav.row(pos.task)
    name = (task.data.get("name") if task else "") or ""
    if head == "keep":
        confirm(conv, carry_paths_of(conv.nav, pos))
        move_on(conv, conv.m("carry_task_kept", task=shorten(name, 40)))
    elif head == "drop":
        conv.draft.delete(TASK, pos.task)
        conv.nav.forget()
        confirm(conv, [p for p in carried(conv.nav) if p.startswith(ITEM)
                       and conv.nav.row(parse_row_path(p).id) is None])  # type: ignore[union-attr]
        move_on(conv, conv.m("carry_task_dropped", task=shorten(name, 40)))
    elif head == "amount":
        paths = carry_paths_of(conv.nav, pos)
        item_id = parse_row_path(paths[0]).id if paths else conv.nav.items(pos.task)[0].id  # type: ignore[union-attr]
        from bot.state import Scope

        target = Pos(step="item.amount", task=pos.task, item=item_id)
        conv.state.scope = Scope(kind="field", pos=target)
        conv.state.return_to = pos
        conv.set_pos(target)
        conv.prompt(conv.m("edit_go", where=where(conv.nav, target, conv.lang)))
    elif head == "text":
        n = conv.nav.task_index(pos.task) + 1
        conv.prompt(conv.m("carry_task_text", task=shorten(name, 40), n=n))
    else:
        conv.prompt()


def _drop_indicator(conv: Conversation, pos: Pos) -> None:
    assert pos.ind is not None
    row = conv.nav.row(pos.ind)
    name = (row.data.get("name") if row else "") or ""
    paths = carry_paths_of(conv.nav, pos)
    conv.draft.delete("indicator", pos.ind)
    conv.nav.forget()
    confirm(conv, paths)
    move_on(conv, conv.m("carry_indicator_dropped", name=shorten(name, 40)))


def _new_choice(conv: Conversation, head: str) -> None:
    conv.state.mode = "walk"
    conv.state.carry_skipped = []
    if head == "task":
        from bot.commanding import go

        go(conv, "newtask", intro=False)
    elif head == "indicator":
        from bot.commanding import go

        go(conv, "pair:产出指标/数量指标", intro=False)
    else:
        conv.state.pos = Pos(step=DONE)
        conv.prompt(conv.m("carry_done"))


def answer_indicator(conv: Conversation, text: str, pos: Pos) -> None:
    """A carry question about an indicator answered with a value: both columns take it (or the
    one the form has), judged as when asked; lower than last year's gets a word."""
    assert pos.ind is not None
    row = conv.nav.row(pos.ind)
    if row is None:
        move_on(conv)
        return
    d = row.data
    attrs = ["annual_value"] if conv.nav.template().value_columns == 1 else ["period_value", "annual_value"]
    lines, fixes = [], []
    for attr in attrs:
        other = d.get("annual_value" if attr == "period_value" else "period_value", "")
        reading = read("value", text, Context(lang=conv.lang, limit="value", name=d.get("name", ""),
                                              level1=d.get("level1", ""), level2=d.get("level2", ""),
                                              attr=attr, other=other))
        if reading.refusal is not None:
            conv.prompt(conv.m("not_taken", reason=reading.refusal))
            return
        path = f"indicator:{pos.ind}.{attr}"
        conv.change(path, reading.value)
        lines.append(conv.m("saved", label=step_label(conv, attr), value=reading.shown))
        lines += [conv.m("value_note", note=n) for n in reading.notes]
        fixes += [Choice(conv.m("choice_fix", value=shorten(v, 40)), f"fix:{path}|{v}") for v in reading.fixes]
    confirm(conv, carry_paths_of(conv.nav, pos))
    lowered = [(f"indicator:{pos.ind}.{attr}", last) for attr in attrs
               if (last := lower_than_last(conv, d.get("name", ""), d.get("level1", ""), attr, text))]
    if lowered:  # one reason for every column whose target went down (each is a Y01 otherwise)
        conv.state.pending = Pending(kind="explain", data={"paths": [p for p, _ in lowered]})
        lines.append(conv.m("carry_lower", last=lowered[0][1]))
        fixes.append(Choice(conv.m("choice_explain"), "carry:explain"))
    move_on(conv, "\n".join(lines), fixes)


def step_label(conv: Conversation, attr: str) -> str:
    from bot.prompts import field_label
    from bot.steps import STEP_BY_ID

    return field_label(STEP_BY_ID[f"ind.{attr}"], conv.lang, conv.nav)


def lower_than_last(conv: Conversation, name: str, level1: str, attr: str, text: str) -> str | None:
    """Last year's value of the column ``attr``, when ``text`` is a lower target there: what
    rule Y01 will say, by the same comparison."""
    last = _last_indicator(_base(conv), name)
    if last is None:
        return None
    from form_model.checker.rules_compare import lower_than_before
    from form_model.values import parse_value

    old = lower_than_before(name, level1, parse_value(text), getattr(last, attr))
    return old.raw if old is not None else None


def explain(conv: Conversation, text: str) -> None:
    """The reason a value differs from last year's, kept with the draft (rule Y01 is then
    satisfied)."""
    pending = conv.take_pending("explain")
    if pending is None:
        conv.prompt()
        return
    explanations = dict(conv.nav.value("explanations") or {})
    # ("path": a state saved before a reason covered every lowered column)
    for path in pending.data.get("paths") or [pending.data["path"]]:
        explanations[path] = text.strip()
    conv.change("explanations", explanations)
    conv.prompt(conv.m("carry_explained"))


def move_on(conv: Conversation, prefix: str | None = None, extra: list[Choice] | None = None) -> None:
    """The carry walk goes on with the next value still carried."""
    conv.nav.forget()
    nxt = carry_next(conv.nav, conv.state.carry_skipped)
    if nxt.step == "carry.new":  # everything was asked once: what was passed over comes next time
        conv.state.carry_skipped = []
    conv.set_pos(nxt)
    conv.prompt(prefix, extra)


def is_carry_question(conv: Conversation, step: Step) -> bool:
    return conv.state.mode == CARRY and step.carry_ask is not None
