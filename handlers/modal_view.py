"""The modal for a whole row (:mod:`bot.row_entry`) as Block Kit, and reading it back. Pure: no
Slack calls.

One input block per field of the row, its ``block_id`` ``row_<field>`` (so that the engine's
per-field errors land on their block with ``response_action: errors``):

* a task's sub-row: 名称, 主要实施内容 (multiline), 拟投入的资金, 期望达到的目标 (multiline);
* an indicator: 一级 and 二级 as static selects from the framework (二级 grouped by 一级; both
  ``dispatch_action``, so that choosing one redraws the modal with the pair's library names),
  三级 as a plain input whose hint offers the library's names of the chosen pair, 实施周期 and
  年度 values (年度 left empty: the same as 实施周期).

Why a plain input for 三级 and not an ``external_select``: a 三级 name is free text (the library
only suggests), up to 200 characters, and the chat matches it to the library when it is
certain and keeps it as typed otherwise. The modal does the same on submit (the same reader
and matcher), with no option's 75/150-character caps, no suggestion endpoint that must answer
within 3 seconds, and no options URL to configure in the manifest for HTTP mode.

Inputs are capped as their fields are (``max_length``: the field's length cap, at most Slack's
3,000); a value already longer than an input can hold is not put in one (Slack would refuse
the view): the modal says so, and saving keeps that value. ``private_metadata`` carries the
conversation, where its replies go, the row's target and the question (:class:`ModalMeta`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.row_entry import INDICATOR_ROW, RowField, RowForm, fields_of, level_names, library_names
from handlers.blocks import Block, context, plain
from handlers.long_text import clip, utf16_len
from handlers.texts import text

ROW_CALLBACK_ID = "declbot_row"
#: The 一级 and 二级 selects: choosing one redraws the modal.
LEVEL_ACTION_ID = "declbot_row_level"
VALUE_ACTION_ID = "value"
BLOCK_PREFIX = "row_"
#: Slack's own caps: a plain_text_input holds 3,000 characters; a view's title and buttons 24;
#: private_metadata 3,000; an option's text 75.
INPUT_MAX = 3000
TITLE_LIMIT = 24
METADATA_LIMIT = 3000
OPTION_LIMIT = 75
HINT_LIMIT = 2000
#: An error shown under an input.
ERROR_LIMIT = 300


@dataclass(frozen=True)
class ModalMeta:
    """What a row's modal carries in ``private_metadata``: the conversation, where its replies
    go, the row's target, the question it answers, and enough to redraw it."""

    conversation: str
    channel: str
    thread_ts: str | None
    shared: bool
    target: str
    question: int | None
    kind: str
    where: str
    lang: str
    #: Fields whose value is too long for an input (kept as they are).
    omitted: tuple[str, ...] = field(default_factory=tuple)

    def dump(self) -> str:
        raw = json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))
        if utf16_len(raw) > METADATA_LIMIT:  # only ``where`` can grow: it is for show
            raw = json.dumps(asdict(self) | {"where": ""}, ensure_ascii=False, separators=(",", ":"))
        return raw

    @classmethod
    def load(cls, raw: str | None) -> ModalMeta | None:
        try:
            data = json.loads(raw or "")
            return cls(**{**data, "omitted": tuple(data.get("omitted") or ())})
        except (TypeError, ValueError):
            return None


def block_id(key: str) -> str:
    return f"{BLOCK_PREFIX}{key}"


def _option(name: str) -> dict[str, Any]:
    return {"text": plain(name, OPTION_LIMIT), "value": name}


def _select(f: RowField, value: str, lang: str) -> dict[str, Any]:
    """The 一级 select, or the 二级 select grouped by 一级."""
    levels = level_names()
    element: dict[str, Any] = {"type": "static_select", "action_id": LEVEL_ACTION_ID,
                               "placeholder": plain(text(lang, "form_choose"), 150)}
    if f.key == "level1":
        element["options"] = [_option(name) for name, _ in levels]
        names = [name for name, _ in levels]
    else:
        element["option_groups"] = [{"label": plain(l1, OPTION_LIMIT), "options": [_option(n) for n in l2s]}
                                     for l1, l2s in levels]
        names = [n for _, l2s in levels for n in l2s]
    if value in names:
        element["initial_option"] = _option(value)
    return element


def _input(f: RowField, value: str, lang: str, hint: str = "") -> Block:
    if f.key in ("level1", "level2"):
        element = _select(f, value, lang)
    else:
        element = {"type": "plain_text_input", "action_id": VALUE_ACTION_ID,
                   "multiline": f.multiline, "max_length": min(f.max_chars or INPUT_MAX, INPUT_MAX)}
        if value:
            element["initial_value"] = value
    block: Block = {"type": "input", "block_id": block_id(f.key), "label": plain(f.label(lang), 2000),
                    "element": element, "optional": f.optional}
    if f.key in ("level1", "level2"):
        block["dispatch_action"] = True
    if hint:
        block["hint"] = plain(hint, HINT_LIMIT)
    return block


def fits(f: RowField, value: str) -> bool:
    """Whether a value can be shown in the field's input."""
    return f.key in ("level1", "level2") or utf16_len(value) <= min(f.max_chars or INPUT_MAX, INPUT_MAX)


def _hint(f: RowField, values: Mapping[str, str], lang: str) -> str:
    if f.key == "name" and "level1" in values:
        names = library_names(values.get("level1", ""), values.get("level2", ""))
        if not values.get("level2"):
            return text(lang, "form_library_pick")
        return text(lang, "form_library", names="、".join(names)) if names else text(lang, "form_library_none")
    if f.key == "annual_value":
        return text(lang, "form_annual_hint")
    if f.key == "amount":
        return text(lang, "form_amount_hint")
    return ""


def row_modal(form: RowForm, meta: ModalMeta) -> dict[str, Any]:
    """The modal of a row, its inputs holding the row's values now."""
    lang = form.lang
    title = text(lang, "form_title_indicator" if form.kind == INDICATOR_ROW else "form_title_item")
    blocks: list[Block] = [context(plain(form.where or title))]
    omitted = []
    for f in form.fields:
        value = form.values.get(f.key, "")
        if f.key in meta.omitted or not fits(f, value):
            omitted.append(f.key)
            blocks.append(context(plain(text(lang, "form_too_long", label=f.label(lang),
                                             n=len(value), max=min(f.max_chars or INPUT_MAX, INPUT_MAX)))))
            continue
        blocks.append(_input(f, value, lang, _hint(f, form.values, lang)))
    kept = ModalMeta(**{**asdict(meta), "omitted": tuple(omitted)})
    return {
        "type": "modal", "callback_id": ROW_CALLBACK_ID, "private_metadata": kept.dump(),
        "title": plain(title, TITLE_LIMIT), "submit": plain(text(lang, "form_submit"), TITLE_LIMIT),
        "close": plain(text(lang, "form_close"), TITLE_LIMIT), "blocks": blocks,
    }


def redrawn(view: Mapping[str, Any], meta: ModalMeta) -> dict[str, Any]:
    """The modal again with what is typed and chosen in it now (after a select changed)."""
    form = RowForm(meta.target, meta.kind, fields_of(meta.kind), submitted_values(view), meta.where,
                   meta.question, meta.lang)
    return row_modal(form, meta)


def submitted_values(view: Mapping[str, Any]) -> dict[str, str]:
    """Field key → what the modal holds (a select's chosen value, an input's text)."""
    out: dict[str, str] = {}
    values = ((view.get("state") or {}).get("values") or {})
    for bid, actions in values.items():
        if not str(bid).startswith(BLOCK_PREFIX) or not isinstance(actions, Mapping):
            continue
        for state in actions.values():
            option = state.get("selected_option") if isinstance(state, Mapping) else None
            value = option.get("value") if isinstance(option, Mapping) else state.get("value")
            out[str(bid)[len(BLOCK_PREFIX):]] = value if isinstance(value, str) else ""
    return out


def modal_errors(view: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
    """The engine's per-field errors as ``response_action: errors`` wants them: by block_id,
    each on its field's input (on the first input when its field has none in the view)."""
    inputs = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"]
    out: dict[str, str] = {}
    for key, message in errors.items():
        bid = block_id(key) if block_id(key) in inputs else (inputs[0] if inputs else block_id(key))
        out[bid] = clip(f"{out[bid]}；{message}" if bid in out else message, ERROR_LIMIT)
    return out
