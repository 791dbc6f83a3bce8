"""What a message is, and which job answers it.

In this order: a file or paste read before the turn → a clicked choice → an empty turn (the
current question) → a typed number of an offered choice → a command → a typed choice word →
the answer to a pending question → small talk → labelled items → the answer to the current
question.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from bot import answering, carrying, chitchat, commanding, drafting, labelled, placing
from bot.commands import Command, normalise, parse_command
from bot.conversation import Conversation, split_choice
from bot.state import Pos
from bot.steps import STEP_BY_ID, TEXT_READER, step_of
from bot.types import Reply
from form_model.normalize import label_key

#: Steps whose answers are free text: a message that starts with text (not a label) is their
#: answer, even when a label-like word appears later in it.
_FREE_TEXT = {s.id for s in STEP_BY_ID.values() if s.target is not None and s.target.reader == TEXT_READER}


@cache
def choice_words() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = json.loads(resources.files("bot").joinpath("data/choice_words.json").read_text("utf-8"))
    return {step: {choice: tuple(normalise(w) for w in words) for choice, words in choices.items()}
            for step, choices in raw.items() if not step.startswith("_")}


def route(conv: Conversation) -> None:
    turn = conv.turn
    if conv.st.created and conv.nav.value("department") in (None, "") and not conv.nav.tasks():
        conv.say(conv.m("welcome"))
    if conv.imported is not None:
        drafting.take_import(conv, conv.imported)
        return
    if turn.choice:
        on_choice(conv, turn.choice)
        return
    text = turn.text.strip()
    if not text:
        conv.prompt()
        return
    if text.isdigit() and conv.state.offered and 1 <= int(text) <= len(conv.state.offered):
        on_choice(conv, conv.state.offered[int(text) - 1].value)
        return
    command = parse_command(text)
    if command is not None and not (command.name == "edit" and edit_is_answer(conv, command, text)):
        conv.state.pending = None if command.name not in ("help", "status", "lang") else conv.state.pending
        commanding.run(conv, command)
        return
    offered = typed_choice(conv, text)
    if offered is not None:
        on_choice(conv, offered)
        return
    if conv.state.pending is not None and conv.state.pending.kind == "explain":
        carrying.explain(conv, text)
        return
    if conv.state.pending is not None and answer_pending(conv, text):
        return
    conv.state.pending = None
    parsed = labelled.parse(text, is_pair=placing.is_pair, indicator_name=placing.known_indicator(conv))
    if turn.greeting_if_new and conv.st.created and not parsed.labelled:
        conv.prompt()
        return
    kind = chitchat.kind(text) if not parsed.labelled else None
    if kind is not None:
        conv.prompt(conv.m("thanks_reply" if kind == "thanks" else "greeting_again"))
        return
    pos = conv.current_pos()
    if conv.state.mode == carrying.CARRY and pos.step == "carry.indicator" and not parsed.labelled:
        carrying.answer_indicator(conv, text, pos)
        return
    starts_with_text = bool(parsed.unplaced) and parsed.unplaced[0][0] == "" and parsed.items and \
        text.startswith(parsed.unplaced[0][1][:10])
    if parsed.labelled and not (pos.step in _FREE_TEXT and starts_with_text):
        placing.place(conv, parsed)
        return
    answering.answer(conv, text)


def edit_is_answer(conv: Conversation, command: Command, text: str) -> bool:
    """「修改完善制度…」 typed as an answer: not an edit of anything we know."""
    from bot.targets import resolve

    arg = command.arg
    if not arg or resolve(conv.nav, arg):
        return False
    stripped = text.strip()
    spaced = stripped[: len(stripped) - len(arg)].endswith((" ", "\u3000", ":", "："))
    return not spaced or len(arg) > 12


def typed_choice(conv: Conversation, text: str) -> str | None:
    """A typed answer that names one of the offered choices (by its label or a word for it)."""
    key = label_key(text)
    for offer in conv.state.offered:
        if key and key == label_key(offer.label):
            return offer.value
    s = normalise(text)
    step = conv.current_pos().step
    if conv.state.mode == carrying.CARRY:  # the carry walk's own words (「同上」, 「删除」 …)
        words = choice_words()
        for table in (words.get(f"carry:{step}", {}), words.get("carry", {})):
            for choice, options in table.items():
                if s in options:
                    return f"carry:{choice}~{conv.state.question}"
    for choice, words in choice_words().get(step, {}).items():
        if s in words:
            return f"{step}:{choice}~{conv.state.question}"
    return None


def answer_pending(conv: Conversation, text: str) -> bool:
    """A typed answer to the pending question (yes/no, import choice); False when the text is
    something else (the pending question is then dropped)."""
    pending = conv.state.pending
    assert pending is not None
    s = normalise(text)
    words = choice_words().get(pending.kind, {})
    for choice, options in words.items():
        if s in options:
            prefix = "confirm" if pending.kind == "confirm" else "import"
            on_choice(conv, f"{prefix}:{choice}~{conv.state.question}")
            return True
    return False


def stale(conv: Conversation) -> None:
    conv.replies.append(Reply(conv.m("stale_choice") + " " + _where_now(conv), kind="stale_choice"))


def _where_now(conv: Conversation) -> str:
    from bot.prompts import where

    return f"【{where(conv.nav, conv.current_pos(), conv.lang)}】"


def on_choice(conv: Conversation, raw: str) -> None:
    value, question = split_choice(raw)
    if question is not None and question != conv.state.question:
        stale(conv)
        return
    head, _, arg = value.partition(":")
    if head == "cmd":
        commanding.run(conv, Command(arg))
    elif head == "goto":
        commanding.go(conv, arg)
    elif head == "open":
        drafting.open_draft(conv, arg)
    elif head == "export_draft":
        drafting.open_draft(conv, arg, export=True)
    elif head == "import":
        drafting.on_import_choice(conv, arg)
    elif head == "carry":
        carrying.on_choice(conv, arg)
    elif head == "place":
        l1, _, l2 = arg.partition("/")
        placing.place_pending_indicator(conv, l1, l2)
    elif head == "fix":
        take_fix(conv, arg)
    elif head == "confirm":
        confirm(conv, arg == "yes")
    elif head == "pick":
        pick(conv, arg)
    else:
        step_choice(conv, value)


def step_choice(conv: Conversation, value: str) -> None:
    step_id, _, key = value.rpartition(":")
    pos = conv.current_pos()
    if step_id != pos.step:
        stale(conv)
        return
    conv.state.pending = None
    if key == "skip":
        commanding.skip(conv)
    elif key == "same":
        answering.answer_same(conv)
    else:
        conv.move_on(choice=key)


def take_fix(conv: Conversation, arg: str) -> None:
    """A one-click fix offered with a note (「改为「≥10次」」)."""
    from bot.prompts import where
    from bot.walk import pos_for_path

    path, _, value = arg.partition("|")
    pos = pos_for_path(conv.nav, path)
    if pos is None:
        conv.prompt()
        return
    conv.change(path, value)
    conv.prompt(conv.m("fixed", where=where(conv.nav, pos, conv.lang), value=value))


def confirm(conv: Conversation, yes: bool) -> None:
    pending = conv.state.pending
    conv.state.pending = None
    if pending is None or pending.kind != "confirm":
        conv.prompt()
        return
    if not yes:
        conv.prompt()
        return
    pos = Pos.model_validate(pending.data["pos"])
    step = step_of(pos)
    conv.state.pos = answering.store(conv, pos, step, pending.data["value"])
    from bot.prompts import field_label

    conv.move_on(conv.m("saved", label=field_label(step, conv.lang, conv.nav),
                        value=pending.data.get("shown", "")))


def pick(conv: Conversation, name: str) -> None:
    pending = conv.state.pending
    conv.state.pending = None
    if pending is not None and pending.kind == "pick_name":
        pos = Pos.model_validate(pending.data["pos"])
        answering.set_indicator_name(conv, pos, name, pending.data.get("typed", name))
        return
    pos = conv.current_pos()
    if pos.step == "ind.name":
        answering.set_indicator_name(conv, pos, name, name)
    else:
        stale(conv)
