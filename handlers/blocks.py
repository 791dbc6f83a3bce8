"""Engine replies as Slack messages (Block Kit). Pure functions: no Slack calls.

Slack's limits: a section's text at most 3,000 characters, a button's label 75 and its value
2,000, 25 elements per actions block, 50 blocks per message
(https://docs.slack.dev/reference/block-kit/blocks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.types import Choice, Reply
from handlers.slack_text import escape

SECTION_LIMIT = 3000
LABEL_LIMIT = 75
VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
#: Sections per message; the rest of the 50 blocks is left for the buttons and a later note.
SECTIONS_PER_MESSAGE = 45
#: The top-level text is the notification and screen-reader text, not what is shown.
FALLBACK_LIMIT = 3000

CHOICE_ACTION_PREFIX = "declbot_choice_"
#: Every choice button's action_id matches this (Bolt routes clicks with it).
CHOICE_ACTION_ID = re.compile(rf"^{CHOICE_ACTION_PREFIX}\d+$")
CHOICES_BLOCK_ID = "declbot_choices"

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One chat.postMessage: ``text`` is always set, ``blocks`` is what people see."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def mrkdwn(text: str) -> dict[str, Any]:
    """A text object shown as given (``text`` must already be escaped)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(escaped: str) -> Block:
    return {"type": "section", "text": mrkdwn(escaped)}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_chunks(escaped: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Escaped text in pieces of at most ``limit`` characters, cut between lines where it can
    and never inside an entity such as ``&amp;``."""
    chunks: list[str] = []
    current = ""
    for line in escaped.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            chunks.append(line[:cut])
            line = line[cut:]
        current = line
    if current.strip():
        chunks.append(current)
    return chunks


def _safe_cut(line: str, limit: int) -> int:
    amp = line.rfind("&", max(0, limit - 5), limit)
    if amp != -1 and ";" not in line[amp:limit]:
        return amp or limit
    return limit


def choice_blocks(choices: tuple[Choice, ...] | list[Choice]) -> list[Block]:
    """Buttons, one per choice: the value is the choice's value, action_ids are unique."""
    buttons = []
    for n, choice in enumerate(choices):
        if not choice.value or len(choice.value) > VALUE_LIMIT:
            continue  # cannot be a button; the person can still type the label
        buttons.append({
            "type": "button",
            "action_id": f"{CHOICE_ACTION_PREFIX}{n}",
            "text": {"type": "plain_text", "text": clip(choice.label, LABEL_LIMIT) or "…", "emoji": True},
            "value": choice.value,
        })
    return [
        {"type": "actions", "block_id": f"{CHOICES_BLOCK_ID}_{i // BUTTONS_PER_BLOCK}",
         "elements": buttons[i: i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(buttons), BUTTONS_PER_BLOCK)
    ]


def reply_messages(reply: Reply) -> list[Message]:
    """One engine reply as one message (or several, when the text is very long)."""
    escaped = escape(reply.text)
    chunks = text_chunks(escaped)
    buttons = choice_blocks(reply.choices)
    if not chunks and not buttons:
        return []  # nothing to show
    groups = [chunks[i: i + SECTIONS_PER_MESSAGE] for i in range(0, len(chunks), SECTIONS_PER_MESSAGE)]
    if not groups:
        groups = [[]]
    messages = []
    for n, group in enumerate(groups):
        blocks = [section(chunk) for chunk in group]
        if n == len(groups) - 1:
            blocks += buttons
        shown = "\n".join(group) or "  ".join(escape(c.label) for c in reply.choices) or " "
        messages.append(Message(clip(shown, FALLBACK_LIMIT), blocks))
    return messages


def chosen_blocks(blocks: list[Block], label: str, user_id: str) -> list[Block]:
    """A message's blocks once a choice was made: the buttons give way to who chose what."""
    kept = [b for b in blocks
            if not (b.get("type") == "actions" and str(b.get("block_id", "")).startswith(CHOICES_BLOCK_ID))]
    kept.append({
        "type": "context",
        "elements": [mrkdwn(f"✅ <@{user_id}> → {escape(clip(label, 200))}")],
    })
    return kept
