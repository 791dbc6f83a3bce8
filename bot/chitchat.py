"""Messages that talk to the assistant instead of answering (「你好」, 「帮我填一下表」, 「谢谢」),
and names that are really the form's title. Vocabulary: :file:`bot/data/chitchat.json`."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from form_model.normalize import label_key

#: A request is only recognised in a message this short (a long one is content).
REQUEST_MAX_CHARS = 30


_key = label_key  # messages compare as form labels do: width, case and punctuation aside


@cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    raw: dict[str, Any] = json.loads(
        resources.files("bot").joinpath("data/chitchat.json").read_text("utf-8"))
    return {k: tuple(_key(w) for w in v) for k, v in raw.items() if not k.startswith("_")}


def kind(text: str) -> str | None:
    """"greeting", "request", "thanks" or None (an answer)."""
    key = _key(text)
    if not key:
        return None
    v = _vocabulary()
    if key in v["thanks"]:
        return "thanks"
    rest = key
    greeted = False
    for g in sorted(v["greetings"], key=len, reverse=True):
        if rest.startswith(g):
            rest, greeted = rest[len(g):], True
            break
    if len(key) <= REQUEST_MAX_CHARS and any(r in rest for r in v["requests"]):
        return "request"
    if greeted and (not rest or rest in ("呀", "啊", "哦", "呢", "吗", "there", "all")):
        return "greeting"
    return None


def is_form_title(text: str) -> bool:
    """The form's title (or a part of it) typed where a name belongs."""
    key = _key(text)
    return any(t in key for t in _vocabulary()["form_titles"])
