"""Commands: help, 进度, check, skip, back, undo, edit, show, export, lang, cancel, continue.
Drafts (new, list, switch) are :mod:`bot.drafting`'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import carrying, drafting
from bot import commands as C
from bot.commands import Command, parse_lang
from bot.conversation import Conversation
from bot.prompts import shorten, where
from bot.steps import DONE, step_of
from bot.store import Change, parse_row_path
from bot.store.paths import ITEM, TASK
from bot.targets import locate, resolve
from bot.types import Choice
from bot.walk import carry_paths_of, first_missing, pos_for_path, resume_at, valid


def run(conv: Conversation, command: Command) -> None:
    handlers: dict[str, Callable[[], None]] = {
        C.HELP: lambda: conv.prompt(conv.m("help")),
        C.STATUS: lambda: status(conv),
        C.CHECK: lambda: conv.later("check"),
        C.SKIP: lambda: skip(conv),
        C.BACK: lambda: back(conv),
        C.UNDO: lambda: undo(conv),
        C.EDIT: lambda: edit(conv, command.arg),
        C.SHOW: lambda: conv.later("show"),
        C.EXPORT: lambda: conv.later("export"),
        C.NEW: lambda: drafting.new(conv),
        C.DRAFTS: lambda: drafting.listing(conv),
        C.SWITCH: lambda: drafting.switch(conv, command.arg),
        C.CANCEL: lambda: cancel(conv),
        C.CONTINUE: lambda: resume(conv),
        C.LANG: lambda: set_lang(conv, command.arg),
        C.CARRY: lambda: carrying.start(conv, int(command.arg) if command.arg.isdigit() else None),
        C.HISTORY: lambda: history(conv),
    }
    handler = handlers.get(command.name)
    if handler is not None:
        handler()


def status(conv: Conversation) -> None:
    pos = conv.current_pos()
    nxt = where(conv.nav, first_missing(conv.nav), conv.lang) if pos.step == DONE else where(conv.nav, pos, conv.lang)
    conv.later("status", next=nxt)


def skip(conv: Conversation) -> None:
    pos = conv.current_pos()
    step = step_of(pos)
    if step.id == DONE:
        conv.say(conv.m("nothing_to_skip"))
        return
    conv.state.pending = None
    if carrying.is_carry_question(conv, step):  # passed over: still 「沿用上年」, asked after the rest
        conv.state.carry_skipped += carry_paths_of(conv.nav, pos)
    default = {"task.more": "done", "ind.more": "next"}.get(step.id)
    conv.move_on(conv.m("skipped"), choice=default)


def back(conv: Conversation) -> None:
    trail = conv.state.trail
    if not trail:
        conv.prompt(conv.m("back_none"))
        return
    conv.state.pos = valid(conv.nav, trail.pop())
    conv.state.pending = None
    conv.prompt()


def go(conv: Conversation, target: str, *, intro: bool = True) -> None:
    """Go to a field or group, then come back to where the person was."""
    found = locate(conv.nav, target)
    if found is None:
        conv.say(conv.m("edit_unknown", target=target))
        return
    pos, kind = found
    pos = valid(conv.nav, pos)
    conv.enter_scope(pos, kind)
    conv.state.pending = None
    conv.prompt(conv.m("edit_go", where=where(conv.nav, pos, conv.lang)) if intro else None)


def edit(conv: Conversation, target: str) -> None:
    if not target:
        conv.say(conv.m("edit_where"))
        return
    found = resolve(conv.nav, target)
    if not found:
        conv.say(conv.m("edit_unknown", target=target))
    elif len(found) == 1:
        go(conv, found[0][1])
    else:
        conv.say(conv.m("edit_pick", target=target), [Choice(label, f"goto:{t}") for label, t in found])


def describe(conv: Conversation, change: Change) -> str:
    rp = parse_row_path(change.path)
    pos = pos_for_path(conv.nav, change.path)
    if change.path == "form":
        place = conv.m("source_paste")
    elif pos is not None:
        place = where(conv.nav, pos, conv.lang)
    else:
        place = conv.m(f"row_kind_{rp.kind}") if rp else change.path

    def shown(value: object) -> str:
        if value in (None, ""):
            return "—"
        if isinstance(value, dict):
            data = value.get("data", value)
            return shorten(str(data.get("name") or data.get("content") or "…"), 20)
        return shorten(str(value), 20)

    if change.path == "form":
        return place
    if rp is not None and rp.field is None:  # a whole row, added or removed
        row = change.new if change.old is None else change.old
        data = row.get("data", {}) if isinstance(row, dict) else {}
        name = shorten(str(data.get("name") or data.get("content") or ""), 20)
        kind = conv.m(f"row_kind_{rp.kind}")
        key = "history_row_added" if change.old is None else "history_row_removed"
        return conv.m(key, kind=kind, name=name or "—")
    arrow = f"（{shown(change.old)} → {shown(change.new)}）" if conv.lang == "zh" else \
        f" ({shown(change.old)} → {shown(change.new)})"
    return place + arrow


def undo(conv: Conversation) -> None:
    change_set = conv.draft.last_change_set()
    if change_set is None:
        conv.prompt(conv.m("undo_none"))
        return
    described = [describe(conv, c) for c in change_set.changes[:6] if c.path != "carried"]
    conv.draft.undo(change_set, conv.st.turn_id)
    if change_set.origin == "carry_forward":  # the draft is empty again: no base, no carry walk
        conv.draft.set_base(None)
        conv.state.mode = "walk"
    conv.nav.forget()
    conv.state.pending = None
    first = change_set.changes[0].path if change_set.changes else None
    target = pos_for_path(conv.nav, first) if first else None
    here = valid(conv.nav, conv.state.pos)
    text = conv.m("undone", items="，".join(described) + ("…" if len(change_set.changes) > 6 else ""))
    if target is not None and valid(conv.nav, target) != here:
        conv.enter_scope(valid(conv.nav, target), "field")
    else:
        conv.state.pos = here
    conv.prompt(text)


def cancel(conv: Conversation) -> None:
    conv.state.pending = None
    conv.state.scope = None
    back = conv.state.return_to
    conv.state.return_to = None
    if back is not None:
        conv.state.pos = valid(conv.nav, back)
    conv.say(conv.m("cancelled"))


def resume(conv: Conversation) -> None:
    pos = conv.current_pos()
    conv.state.pos = first_missing(conv.nav) if pos.step == DONE else resume_at(conv.nav, pos)
    conv.prompt(conv.m("resumed"))


def set_lang(conv: Conversation, arg: str) -> None:
    lang = parse_lang(arg)
    if lang is None:
        conv.say(conv.m("lang_unknown"))
        return
    conv.lang = conv.new_lang = lang
    # The current question again, in the new language.
    note = conv.m("lang_set_thread", user=conv.turn.user) if conv.turn.shared else conv.m("lang_set")
    conv.prompt(note)


def _without_sub_rows(changes: list[Any]) -> list[Any]:
    """A task added or removed brings its own sub-rows along: the history names the task once."""
    whole = {p.id for c in changes
             if (p := parse_row_path(c.path)) and p.kind == TASK and p.field is None}

    def parent_moved(c: Any) -> bool:
        p = parse_row_path(c.path)
        if p is None or p.kind != ITEM or p.field is not None:
            return False
        row = c.new if c.old is None else c.old
        return isinstance(row, dict) and row.get("parent") in whole

    return [c for c in changes if not parent_moved(c)]


def history(conv: Conversation, limit: int = 15) -> None:
    """The draft's recent change sets: who, when, and what — taken over from last year,
    confirmed, changed."""
    from bot.render import draft_title
    from bot.store.paths import WHOLE_FORM

    entries = conv.draft.history(limit=200)
    if not entries:
        conv.say(conv.m("history_none"))
        return
    sets: list[list[Any]] = []
    for e in entries:  # newest first; one set per turn
        if not sets or sets[-1][0].turn_id != e.turn_id:
            sets.append([])
        sets[-1].append(e)
    lines = [conv.m("history_head", draft=draft_title(conv.draft.header, conv.lang))]
    for group in sets[:limit]:
        first = group[0]
        at, who = first.at.strftime("%m-%d %H:%M"), first.actor
        if first.undoes:
            lines.append(conv.m("history_undo", at=at, who=who))
            continue
        if first.origin == "carry_forward" and any(e.path == WHOLE_FORM for e in group):
            lines.append(conv.m("history_carry", at=at, who=who))
            continue
        confirmed = [p for e in group if e.path == "carried" for p in (e.old or []) if p not in (e.new or [])]
        changed = [e for e in reversed(group) if e.path != "carried"]
        changed_paths = {e.path for e in changed}
        kept = [p for p in confirmed if p not in changed_paths and pos_for_path(conv.nav, p) is not None]
        changed = _without_sub_rows(changed)
        if kept:
            places = [where(conv.nav, pos, conv.lang) for p in kept[:4] if (pos := pos_for_path(conv.nav, p))]
            lines.append(conv.m("history_confirm", at=at, who=who, n=len(kept),
                                items="；".join(places) + ("…" if len(kept) > 4 else "")))
        if changed:
            items = "；".join(describe(conv, Change(e.path, e.old, e.new)) for e in changed[:4])
            lines.append(conv.m("history_change", at=at, who=who, items=items + ("…" if len(changed) > 4 else "")))
    conv.say("\n".join(lines))
