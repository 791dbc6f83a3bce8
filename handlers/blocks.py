"""Engine replies as Slack messages (Block Kit). Pure functions: no Slack calls.

Text that comes from people or from the engine (which echoes what people typed) goes into
``plain_text`` objects only, with ``emoji`` off: Slack shows it as typed — ``*``, ``_``, ``~`` and
backticks format nothing, ``<!channel>`` pings no one, ``<https://…|x>`` is no link, ``:tada:`` stays
text. ``mrkdwn`` carries only the app's own markup (a mention of who chose, a date token), and
any text inside it is escaped (``&``, ``<``, ``>``).

Slack's limits (https://docs.slack.dev/reference/block-kit/blocks and the validators in
``slack_sdk.models.blocks``): a text object at most 3,000 characters, a button's label 75, its
value 2,000, an action_id 255, 25 elements per actions block, 10 per context block, 50 blocks per
message; and about 12,000 characters of text in all of a message's blocks together
(``msg_blocks_too_long``). A message here carries at most :data:`MESSAGE_TEXT_BUDGET`, half of that:
a longer reply is a summary, then parts (:mod:`handlers.long_text`), and the whole text as a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.types import Choice, Reply
from handlers.long_text import clip, line_chunks, split_long_text, utf16_len
from handlers.slack_text import escape
from handlers.texts import text as say

SECTION_LIMIT = 3000
LABEL_LIMIT = 75
VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
#: At most this many buttons for one reply (two actions blocks).
MAX_BUTTONS = 2 * BUTTONS_PER_BLOCK
#: Text in one message's blocks, all counted: well under Slack's ~12,000.
MESSAGE_TEXT_BUDGET = 6000
#: A long reply's parts, each one message (the rest of the budget is its "2/7" line).
PART_TEXT_LIMIT = 5000
#: A long reply's summary (its first lines).
SUMMARY_LIMIT = 1500
#: The top-level text is the notification and screen-reader text, not what is shown.
FALLBACK_LIMIT = 3000

CHOICE_ACTION_PREFIX = "declbot_choice_"
#: Every choice button's action_id matches this (Bolt routes clicks with it).
CHOICE_ACTION_ID = re.compile(rf"^{CHOICE_ACTION_PREFIX}\d+$")
FORM_ACTION_PREFIX = "declbot_form_"
#: Every button that opens a row's modal matches this (its value: ``form:<target>[~question]``):
#: a question's 「用表单填写」, and the one added to a finding's 「去修改」 that names a row field.
FORM_ACTION_ID = re.compile(rf"^{FORM_ACTION_PREFIX}\d+$")
_GOTO_ROW = re.compile(r"^goto:((?:item|task|indicator):\d+(?:\.[a-z_0-9]+)?)$")
CHOICES_BLOCK_ID = "declbot_choices"

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One chat.postMessage: ``text`` is always set, ``blocks`` is what people see."""

    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """How one engine reply is posted: its first message; for a long reply, the parts that
    follow it (in the first message's thread, or after it in a thread) and the whole text, to
    attach as a file."""

    first: Message
    parts: tuple[Message, ...] = ()
    attachment: str | None = None
    attachment_name: str = ""


def plain(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    """A text object shown exactly as given (cut to ``limit`` characters)."""
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": False}


def mrkdwn(markup: str) -> dict[str, Any]:
    """A text object for the app's own markup (any text in it already escaped)."""
    return {"type": "mrkdwn", "text": clip(markup, SECTION_LIMIT), "verbatim": True}


def section(text: str) -> Block:
    """A section showing ``text`` as given (cut to fit)."""
    return {"type": "section", "text": plain(text)}


def text_block(text: str, mention: str | None = None) -> Block:
    """A section showing ``text`` as given; where it names ``mention`` (the id of the person
    whose turn it is) as ``<@U…>``, a rich_text block whose text runs are shown as typed too
    and whose mention is a real one (plain_text would show the raw token). Only that person is
    ever mentioned: another id in the text stays text."""
    token = f"<@{mention}>" if mention else ""
    if not token or token not in text:
        return section(text)
    runs: list[dict[str, Any]] = []
    for n, piece in enumerate(clip(text, SECTION_LIMIT).split(token)):
        if n:
            runs.append({"type": "user", "user_id": mention})
        if piece:
            runs.append({"type": "text", "text": piece})
    return {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": runs}]}


def context(*elements: dict[str, Any]) -> Block:
    return {"type": "context", "elements": list(elements[:10])}


def fallback(text: str) -> str:
    """A message's top-level text: what notifications show (escaped, cut to fit)."""
    return escape(clip(text, FALLBACK_LIMIT)) or " "


def text_chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between lines where it can."""
    return line_chunks(text, limit)


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    b: Block = {"type": "button", "action_id": action_id, "value": value,
                "text": plain(label or "…", LABEL_LIMIT)}
    if style:
        b["style"] = style
    return b


def usable_choices(choices: Sequence[Choice]) -> list[tuple[int, Choice]]:
    """The choices that can be buttons (numbered as in the reply): a value Slack accepts."""
    usable = [(n, c) for n, c in enumerate(choices) if c.value and len(c.value) <= VALUE_LIMIT]
    return usable[:MAX_BUTTONS]


def goto_form(choice: Choice, lang: str) -> Choice | None:
    """For a finding's 「去修改」 that names a row field (``goto:indicator:12.annual_value``),
    the choice that opens that row's modal."""
    m = _GOTO_ROW.match(choice.value)
    if m is None:
        return None
    label = choice.label
    for colon in ("：", ": "):
        _, sep, tail = label.partition(colon)
        if sep:
            label = tail
            break
    return Choice(say(lang, "form_edit", where=label), f"form:{m.group(1)}", form=True)


def needs_lang(reply: Reply) -> bool:
    """Whether the reply's buttons include words of the front end's own (a finding's modal)."""
    return any(_GOTO_ROW.match(c.value) for c in reply.choices)


def choice_blocks(choices: Sequence[Choice], lang: str = "zh") -> list[Block]:
    """Buttons, one per choice: the value is the choice's value, action_ids are unique. A
    choice that opens a form is a button that opens the row's modal; a finding's 「去修改」 that
    names a row field is followed by one that opens that row's modal."""
    buttons = []
    for n, c in usable_choices(choices):
        buttons.append(button(c.label, f"{FORM_ACTION_PREFIX if c.form else CHOICE_ACTION_PREFIX}{n}", c.value))
        form = goto_form(c, lang)
        if form is not None:
            buttons.append(button(form.label, f"{FORM_ACTION_PREFIX}{n}", form.value))
    buttons = buttons[:MAX_BUTTONS]
    return [
        {"type": "actions", "block_id": f"{CHOICES_BLOCK_ID}_{i // BUTTONS_PER_BLOCK}",
         "elements": buttons[i: i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(buttons), BUTTONS_PER_BLOCK)
    ]


def block_text_length(blocks: Sequence[Block]) -> int:
    """Characters of text the blocks carry, all text objects counted (Slack's ~12,000 limit)."""
    total = 0

    def walk(value: Any) -> None:
        nonlocal total
        if isinstance(value, dict):
            if value.get("type") in ("plain_text", "mrkdwn", "text") and isinstance(value.get("text"), str):
                total += utf16_len(value["text"])
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(list(blocks))
    return total


def is_long(reply: Reply) -> bool:
    """Whether the reply needs more than one message (then: summary, parts, file)."""
    labels = sum(min(utf16_len(c.label), LABEL_LIMIT) for _, c in usable_choices(reply.choices))
    return utf16_len(reply.text) + labels > MESSAGE_TEXT_BUDGET


def reply_layout(reply: Reply, lang: str = "zh", *, in_thread: bool = False,
                 mention: str | None = None) -> Layout | None:
    """One engine reply as messages; None when there is nothing to show.

    A reply that fits is one message (its text, then its buttons). A long one is a summary
    (its first lines, a note saying where the rest is, the buttons), then parts of at most
    :data:`PART_TEXT_LIMIT` characters, each numbered, and the whole text as a file.
    ``in_thread`` says the conversation already is a thread (the parts follow the summary in
    it); otherwise they go in the summary's own thread. ``mention``: the person whose turn it
    is, mentioned where the text names them (:func:`text_block`).
    """
    buttons = choice_blocks(reply.choices, lang)
    if not is_long(reply):
        chunks = text_chunks(reply.text)
        if not chunks and not buttons:
            return None
        shown = reply.text if chunks else "  ".join(c.label for c in reply.choices)
        return Layout(Message(fallback(shown), [text_block(c, mention) for c in chunks] + buttons))
    summary, parts = split_long_text(reply.text, PART_TEXT_LIMIT, SUMMARY_LIMIT)
    name = say(lang, "long_file")
    note = say(lang, "long_below" if in_thread else "long_in_thread", n=len(parts), file=name)
    first = Message(fallback(summary),
                    [text_block(c, mention) for c in text_chunks(summary)] + [context(mrkdwn(escape(note)))] + buttons)
    numbered = tuple(
        Message(fallback(part), [context(mrkdwn(f"{n}/{len(parts)}"))] + [text_block(c, mention) for c in text_chunks(part)])
        for n, part in enumerate(parts, 1)
    )
    return Layout(first, numbered, reply.text, name)


def reply_messages(reply: Reply, lang: str = "zh", *, in_thread: bool = False) -> list[Message]:
    """Every message a reply is posted as, in order (the file of a long reply aside)."""
    layout = reply_layout(reply, lang, in_thread=in_thread)
    return [] if layout is None else [layout.first, *layout.parts]


def without_choices(blocks: list[Block]) -> list[Block]:
    """A message's blocks without its choice buttons."""
    return [b for b in blocks
            if not (b.get("type") == "actions" and str(b.get("block_id", "")).startswith(CHOICES_BLOCK_ID))]


def chosen_blocks(blocks: list[Block], label: str, user_id: str) -> list[Block]:
    """A message's blocks once a choice was made: the buttons give way to who chose what."""
    return [*without_choices(blocks), context(mrkdwn(f"✅ <@{user_id}> →"), plain(label, 200))]


def answered_blocks(blocks: list[Block], note: str) -> list[Block]:
    """A question's blocks when one of its buttons came too late: the buttons give way to a
    note that the question was already answered (nothing was chosen)."""
    return [*without_choices(blocks), context(plain(note, 200))]
