"""Answers to the question being asked: read for that field, stored, echoed, moved on."""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversation
from bot.fields import Context, Reading, looks_like_value, read
from bot.prompts import field_label, shorten
from bot.state import Pending, Pos
from bot.steps import DONE, INDICATOR_NAME_READER, Step, step_of
from bot.types import Choice
from form_model.matching import Column, Decision, match


def reading_context(conv: Conversation, step: Step, pos: Pos) -> Context:
    """What a reader needs to know about the field at a position."""
    ctx: dict[str, Any] = {"lang": conv.lang, "limit": step.target.limit if step.target else None}
    if pos.ind is not None:
        row = conv.nav.row(pos.ind)
        if row is not None:
            d = row.data
            attr = step.target.name if step.target else "annual_value"
            other = "annual_value" if attr == "period_value" else "period_value"
            ctx |= {"name": d.get("name", ""), "level1": d.get("level1", ""),
                    "level2": d.get("level2", ""), "attr": attr, "other": d.get(other, "")}
    elif pos.l1:
        ctx |= {"level1": pos.l1, "level2": pos.l2}
    return Context(**ctx)


def echo(conv: Conversation, step: Step, reading: Reading) -> str:
    text = conv.m("saved", label=field_label(step, conv.lang, conv.nav), value=shorten(reading.shown, 60))
    for note in reading.notes:
        text += "\n" + conv.m("value_note", note=note)
    return text


def fix_choices(conv: Conversation, path: str | None, reading: Reading) -> list[Choice]:
    if path is None:
        return []
    return [Choice(conv.m("choice_fix", value=shorten(v, 40)), f"fix:{path}|{v}") for v in reading.fixes]


def store(conv: Conversation, pos: Pos, step: Step, value: Any) -> Pos:
    """Write a value at a position, creating its row when it is a new one; the position
    now naming that row."""
    target = step.target
    assert target is not None
    path = target.path(pos)
    if path is not None:
        conv.change(path, value)
        return pos
    if target.kind == "task":
        return pos.model_copy(update={"task": conv.add_task(value)})
    if target.kind == "item":
        assert pos.task is not None
        return pos.model_copy(update={"item": conv.add_item(pos.task, {target.name: value})})
    return pos.model_copy(update={"ind": conv.add_indicator(pos.l1, pos.l2, value)})


def answer(conv: Conversation, text: str) -> None:
    """The message answers the current question."""
    pos = conv.current_pos()
    step = step_of(pos)
    if step.target is None:
        key = "done_typed" if step.id == DONE else "choose_please"
        conv.prompt(conv.m(key, text=shorten(text.strip(), 40)))
        return
    if step.target.reader == INDICATOR_NAME_READER:
        answer_indicator_name(conv, text, pos, step)
        return
    reading = read(step.target.reader, text, reading_context(conv, step, pos))
    take(conv, pos, step, reading)


def take(conv: Conversation, pos: Pos, step: Step, reading: Reading) -> None:
    """Store a reading for the current question, or say why not (nothing is lost)."""
    if reading.refusal is not None:
        conv.prompt(conv.m("not_taken", reason=reading.refusal))
        return
    if reading.confirm is not None:
        conv.state.pending = Pending(kind="confirm", data={
            "pos": pos.model_dump(), "value": reading.value, "shown": reading.shown})
        conv.say(reading.confirm, [Choice(conv.m("choice_yes_keep"), "confirm:yes"),
                                   Choice(conv.m("choice_no_retype"), "confirm:no")])
        return
    new_pos = store(conv, pos, step, reading.value)
    conv.state.pos = new_pos
    conv.move_on(echo(conv, step, reading), extra=fix_choices(conv, step.target.path(new_pos), reading))


def answer_indicator_name(conv: Conversation, text: str, pos: Pos, step: Step) -> None:
    if pos.ind is not None and looks_like_value(text):
        # Asked for the name of an indicator that exists (an edit), the person typed a value:
        # the values are what they want to change (both columns), the name stays.
        from bot.labelled import Item
        from bot.placing import place_items

        place_items(conv, [Item("indicator", {"ind.value": text.strip()}, {"ind.value": "指标值"})])
        return
    reading = read(INDICATOR_NAME_READER, text, reading_context(conv, step, pos))
    if reading.refusal is not None:
        conv.prompt(conv.m("not_taken", reason=reading.refusal))
        return
    typed = str(reading.value)
    result = match(typed, Column.LEVEL3, level1=pos.l1 or None, level2=pos.l2 or None) \
        if pos.l1 and pos.l2 else None
    if result is not None and result.decision == Decision.AMBIGUOUS:
        conv.state.pending = Pending(kind="pick_name", data={"typed": typed, "pos": pos.model_dump()})
        choices = [Choice(c.name, f"pick:{c.name}") for c in result.candidates]
        choices.append(Choice(conv.m("keep_typed", typed=shorten(typed, 30)), f"pick:{typed}"))
        conv.say(conv.m("ambiguous", typed=typed), choices)
        return
    name = result.name if result is not None and result.decision == Decision.CERTAIN and result.name else typed
    set_indicator_name(conv, pos, name, typed)


def set_indicator_name(conv: Conversation, pos: Pos, name: str, typed: str) -> None:
    step = step_of(Pos(step="ind.name"))
    new_pos = store(conv, pos.model_copy(update={"step": "ind.name"}), step, name)
    conv.state.pos = new_pos
    if name != typed:
        prefix = conv.m("matched", name=name, typed=typed)
    else:
        prefix = conv.m("saved", label=field_label(step, conv.lang, conv.nav), value=name)
    conv.move_on(prefix)


def answer_same(conv: Conversation) -> None:
    """「同上」 at the annual value: the period value again (judged as an annual value)."""
    pos = conv.current_pos()
    step = step_of(pos)
    period = conv.nav.value(f"indicator:{pos.ind}.period_value") if pos.ind is not None else None
    if step.id != "ind.annual_value" or not period:
        conv.prompt(conv.m("same_nothing"))  # nothing above to repeat: said, nothing saved
        return
    take(conv, pos, step, read(step.target.reader, str(period), reading_context(conv, step, pos)))  # type: ignore[union-attr]
