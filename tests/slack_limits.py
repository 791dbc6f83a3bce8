"""What Slack's Web API refuses in messages and views, for the fake Web API.

Each limit names where it comes from:

* [bk] Block Kit reference, https://docs.slack.dev/reference/block-kit/ (blocks, block elements,
  composition objects), as written into the validators of ``slack_sdk.models`` (3.48), which this
  module also runs on every block (:func:`sdk_problems`);
* [pm] chat.postMessage reference, https://docs.slack.dev/reference/methods/chat.postMessage
  (``text`` is cut at 40,000 characters, longer is ``msg_too_long``; 50 blocks);
* [sh] ``../shared/slack/README.md``: more than about 12,000 characters of text in a message's
  blocks is ``msg_blocks_too_long`` (slackapi/bolt-js issues 2509 and 2867);
* [vw] views reference, https://docs.slack.dev/reference/views and ``slack_sdk.models.views.View``.

Lengths are counted in UTF-16 code units, as Slack's JavaScript counts them. A refusal is
answered as Slack answers it: HTTP 200, ``{"ok": false, "error": …, "errors": [...],
"response_metadata": {"messages": ["[ERROR] … [json-pointer:/blocks/0/text/text]"]}}``.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

MESSAGE_TEXT = 40_000  # [pm]
MESSAGE_BLOCKS = 50  # [bk] [pm]
MESSAGE_BLOCK_TEXT = 12_000  # [sh]
VIEW_BLOCKS = 100  # [vw]
TEXT_OBJECT = 3000  # [bk] text object: 1 to 3,000 characters
SECTION_TEXT = 3000  # [bk]
SECTION_FIELDS = 10  # [bk]
SECTION_FIELD_TEXT = 2000  # [bk]
HEADER_TEXT = 150  # [bk]
CONTEXT_ELEMENTS = 10  # [bk]
ACTIONS_ELEMENTS = 25  # [bk]
BLOCK_ID = 255  # [bk]
ACTION_ID = 255  # [bk]
BUTTON_TEXT = 75  # [bk]
BUTTON_VALUE = 2000  # [bk]
BUTTON_URL = 3000  # [bk]
OPTION_TEXT = 75  # [bk] option object
OPTION_VALUE = 150  # [bk]
OPTION_DESCRIPTION = 75  # [bk]
SELECT_OPTIONS = 100  # [bk]
PLACEHOLDER = 150  # [bk]
INPUT_LABEL = 2000  # [bk]
INPUT_HINT = 2000  # [bk]
PLAIN_INPUT_MAX_LENGTH = 3000  # [bk] plain_text_input max_length
CONFIRM_TITLE, CONFIRM_TEXT, CONFIRM_BUTTON = 100, 300, 30  # [bk] confirmation dialog
MARKDOWN_BLOCK_TEXT = 12_000  # [bk] markdown block
VIEW_TITLE = 24  # [vw]
VIEW_SUBMIT = 24  # [vw]
VIEW_CLOSE = 24  # [vw]
VIEW_PRIVATE_METADATA = 3000  # [vw]
VIEW_CALLBACK_ID = 255  # [vw]
VIEW_EXTERNAL_ID = 255  # [vw]

TEXT_TYPES = ("plain_text", "mrkdwn")
RICH_TEXT_PARTS = ("rich_text_section", "rich_text_list", "rich_text_quote", "rich_text_preformatted")
RICH_TEXT_RUNS = ("text", "user", "usergroup", "channel", "emoji", "link", "broadcast", "date", "color")
BLOCK_TYPES = ("actions", "context", "divider", "header", "image", "input", "section", "markdown",
               "rich_text", "file", "video")
INTERACTIVE = ("button", "static_select", "multi_static_select", "external_select", "users_select",
               "conversations_select", "channels_select", "overflow", "datepicker", "timepicker",
               "checkboxes", "radio_buttons", "plain_text_input", "number_input", "email_text_input",
               "url_text_input", "image")


def units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class Refusal:
    """Why Slack refuses a call: its error code and its messages."""

    error: str
    messages: list[str] = field(default_factory=list)

    def response(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


class _Checker:
    """Collects problems, each with a JSON pointer into what was sent."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, pointer: str, message: str) -> None:
        self.problems.append(f"{message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and units(value) > limit:
            self.fail(pointer, f"must be less than {limit + 1} characters")

    def identifier(self, value: Any, limit: int, seen: set[str], pointer: str, scope: str) -> None:
        """A block_id or action_id: not too long, and unique where it must be."""
        if value is None:
            return
        self.max_len(value, limit, pointer)
        if value in seen:
            self.fail(pointer, f"must be unique within {scope}")
        seen.add(value)

    def text_object(self, obj: Any, pointer: str, *, limit: int = TEXT_OBJECT,
                    plain_only: bool = False, required: bool = True) -> None:
        if obj is None:
            if required:
                self.fail(pointer, "must provide an object")
            return
        if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES:
            self.fail(pointer, "must be a text object")
            return
        if plain_only and obj["type"] != "plain_text":
            self.fail(f"{pointer}/type", "must be plain_text")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.fail(f"{pointer}/text", "must be more than 0 characters")
            return
        self.max_len(value, limit, f"{pointer}/text")
        if obj["type"] == "mrkdwn" and "emoji" in obj:
            self.fail(f"{pointer}/emoji", "is only allowed with plain_text")
        if obj["type"] == "plain_text" and "verbatim" in obj:
            self.fail(f"{pointer}/verbatim", "is only allowed with mrkdwn")

    def confirm(self, obj: Any, pointer: str) -> None:
        if obj is None:
            return
        self.text_object(obj.get("title"), f"{pointer}/title", limit=CONFIRM_TITLE, plain_only=True)
        self.text_object(obj.get("text"), f"{pointer}/text", limit=CONFIRM_TEXT)
        self.text_object(obj.get("confirm"), f"{pointer}/confirm", limit=CONFIRM_BUTTON, plain_only=True)
        self.text_object(obj.get("deny"), f"{pointer}/deny", limit=CONFIRM_BUTTON, plain_only=True)

    def option(self, obj: Any, pointer: str) -> None:
        if not isinstance(obj, dict):
            self.fail(pointer, "must be an option object")
            return
        self.text_object(obj.get("text"), f"{pointer}/text", limit=OPTION_TEXT)
        value = obj.get("value")
        if not isinstance(value, str) or not value:
            self.fail(f"{pointer}/value", "must be more than 0 characters")
        self.max_len(value, OPTION_VALUE, f"{pointer}/value")
        if "description" in obj:
            self.text_object(obj["description"], f"{pointer}/description", limit=OPTION_DESCRIPTION)

    def element(self, obj: Any, pointer: str, action_ids: set[str]) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in INTERACTIVE:
            self.fail(pointer, "must be a block element")
            return
        kind = obj["type"]
        self.identifier(obj.get("action_id"), ACTION_ID, action_ids, f"{pointer}/action_id", "its block")
        self.confirm(obj.get("confirm"), f"{pointer}/confirm")
        if "placeholder" in obj:
            self.text_object(obj["placeholder"], f"{pointer}/placeholder", limit=PLACEHOLDER, plain_only=True)
        if kind == "button":
            self.text_object(obj.get("text"), f"{pointer}/text", limit=BUTTON_TEXT, plain_only=True)
            self.max_len(obj.get("value"), BUTTON_VALUE, f"{pointer}/value")
            self.max_len(obj.get("url"), BUTTON_URL, f"{pointer}/url")
            if obj.get("style") not in (None, "primary", "danger"):
                self.fail(f"{pointer}/style", "must be primary or danger")
        if kind in ("static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons"):
            options = obj.get("options")
            groups = obj.get("option_groups")
            if options is None and groups is None:
                self.fail(f"{pointer}/options", "must provide options or option_groups")
            for n, option in enumerate(options or []):
                self.option(option, f"{pointer}/options/{n}")
            if options is not None and len(options) > SELECT_OPTIONS:
                self.fail(f"{pointer}/options", f"must provide no more than {SELECT_OPTIONS} items")
            for g, group in enumerate(groups or []):
                for n, option in enumerate(group.get("options") or []):
                    self.option(option, f"{pointer}/option_groups/{g}/options/{n}")
        if kind == "plain_text_input":
            max_length = obj.get("max_length")
            if max_length is not None and not (isinstance(max_length, int) and 0 < max_length <= PLAIN_INPUT_MAX_LENGTH):
                self.fail(f"{pointer}/max_length", f"must be between 1 and {PLAIN_INPUT_MAX_LENGTH}")
            if isinstance(obj.get("initial_value"), str) and isinstance(max_length, int):
                self.max_len(obj["initial_value"], max_length, f"{pointer}/initial_value")

    def block(self, block: Any, pointer: str, block_ids: set[str], *, in_view: bool) -> None:
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            self.fail(pointer, "unsupported block type")
            return
        kind = block["type"]
        self.identifier(block.get("block_id"), BLOCK_ID, block_ids, f"{pointer}/block_id", "the message or view")
        action_ids: set[str] = set()
        if kind == "section":
            if "text" not in block and not block.get("fields"):
                self.fail(pointer, "must provide text or fields")
            if "text" in block:
                self.text_object(block["text"], f"{pointer}/text", limit=SECTION_TEXT)
            fields = block.get("fields") or []
            if len(fields) > SECTION_FIELDS:
                self.fail(f"{pointer}/fields", f"must provide no more than {SECTION_FIELDS} items")
            for n, item in enumerate(fields):
                self.text_object(item, f"{pointer}/fields/{n}", limit=SECTION_FIELD_TEXT)
            if "accessory" in block:
                self.element(block["accessory"], f"{pointer}/accessory", action_ids)
        elif kind == "header":
            self.text_object(block.get("text"), f"{pointer}/text", limit=HEADER_TEXT, plain_only=True)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                self.fail(f"{pointer}/elements", f"must provide between 1 and {CONTEXT_ELEMENTS} items")
            for n, element in enumerate(elements):
                if isinstance(element, dict) and element.get("type") == "image":
                    continue
                self.text_object(element, f"{pointer}/elements/{n}")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > ACTIONS_ELEMENTS:
                self.fail(f"{pointer}/elements", f"must provide between 1 and {ACTIONS_ELEMENTS} items")
            for n, element in enumerate(elements):
                self.element(element, f"{pointer}/elements/{n}", action_ids)
        elif kind == "input":
            if not in_view:
                self.fail(pointer, "input blocks are only allowed in views")
            self.text_object(block.get("label"), f"{pointer}/label", limit=INPUT_LABEL, plain_only=True)
            if "hint" in block:
                self.text_object(block["hint"], f"{pointer}/hint", limit=INPUT_HINT, plain_only=True)
            self.element(block.get("element"), f"{pointer}/element", action_ids)
        elif kind == "rich_text":
            self.rich_text(block, pointer)
        elif kind == "markdown":
            self.max_len(block.get("text"), MARKDOWN_BLOCK_TEXT, f"{pointer}/text")

    def rich_text(self, block: dict[str, Any], pointer: str) -> None:
        """[bk] rich_text: sections (lists, quotes, preformatted) of runs; a text run carries
        some text, a user run a user id."""
        sections = block.get("elements")
        if not isinstance(sections, list) or not sections:
            self.fail(f"{pointer}/elements", "must provide at least 1 item")
            return
        for n, part in enumerate(sections):
            where = f"{pointer}/elements/{n}"
            if not isinstance(part, dict) or part.get("type") not in RICH_TEXT_PARTS:
                self.fail(where, "must be a rich text section, list, quote or preformatted")
                continue
            for m, run in enumerate(part.get("elements") or []):
                kind = run.get("type") if isinstance(run, dict) else None
                if kind not in RICH_TEXT_RUNS:
                    self.fail(f"{where}/elements/{m}", "unsupported rich text element")
                elif kind == "text" and not (isinstance(run.get("text"), str) and run["text"]):
                    self.fail(f"{where}/elements/{m}/text", "must be more than 0 characters")
                elif kind == "user" and not (isinstance(run.get("user_id"), str) and run["user_id"]):
                    self.fail(f"{where}/elements/{m}/user_id", "must be a user id")

    def blocks(self, blocks: Any, pointer: str, limit: int, *, in_view: bool) -> None:
        if not isinstance(blocks, list):
            self.fail(pointer, "must be an array")
            return
        if len(blocks) > limit:
            self.fail(pointer, f"must provide no more than {limit} items")
        block_ids: set[str] = set()
        for n, block in enumerate(blocks):
            self.block(block, f"{pointer}/{n}", block_ids, in_view=in_view)
            for problem in sdk_problems(block):
                self.fail(f"{pointer}/{n}", problem)


def sdk_problems(block: Any) -> list[str]:
    """What slack_sdk's own Block Kit models refuse in a block (their validators)."""
    from slack_sdk.errors import SlackObjectFormationError
    from slack_sdk.models.blocks import Block

    if not isinstance(block, dict):
        return []
    sdk_log = logging.getLogger("slack_sdk.models")
    level = sdk_log.level
    sdk_log.setLevel(logging.ERROR)  # unknown keys are warned about, not refused
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = Block.parse(dict(block))
            if parsed is not None:
                parsed.to_dict()  # runs every validator, nested elements included
    except SlackObjectFormationError as e:
        return [str(e)]
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        return [f"invalid block: {e}"]
    finally:
        sdk_log.setLevel(level)
    return []


def text_in_blocks(blocks: Any) -> int:
    """Characters of text in all the text objects of the blocks (the msg_blocks_too_long count)."""
    total = 0
    stack = [blocks]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("type") in (*TEXT_TYPES, "text") and isinstance(value.get("text"), str):
                total += units(value["text"])  # a rich_text's text runs count too
            else:
                stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return total


def message_refusal(text: Any, blocks: Any) -> Refusal | None:
    """Why chat.postMessage / chat.update would refuse this message, or None."""
    has_text = isinstance(text, str) and text.strip() != ""
    if not has_text and not blocks:
        return Refusal("no_text")
    if isinstance(text, str) and units(text) > MESSAGE_TEXT:
        return Refusal("msg_too_long")
    if blocks:
        check = _Checker()
        check.blocks(blocks, "/blocks", MESSAGE_BLOCKS, in_view=False)
        if check.problems:
            return Refusal("invalid_blocks", check.problems)
        if text_in_blocks(blocks) > MESSAGE_BLOCK_TEXT:
            return Refusal("msg_blocks_too_long")
    return None


def view_refusal(view: Any) -> Refusal | None:
    """Why views.publish / views.open / views.update / views.push would refuse this view."""
    check = _Checker()
    if not isinstance(view, dict) or view.get("type") not in ("home", "modal"):
        check.fail("/view/type", 'must be "home" or "modal"')
        return Refusal("invalid_arguments", check.problems)
    if view["type"] == "modal":
        check.text_object(view.get("title"), "/view/title", limit=VIEW_TITLE, plain_only=True)
        for key, limit in (("submit", VIEW_SUBMIT), ("close", VIEW_CLOSE)):
            if key in view:
                check.text_object(view[key], f"/view/{key}", limit=limit, plain_only=True)
        if any(b.get("type") == "input" for b in view.get("blocks") or [] if isinstance(b, dict)) \
                and "submit" not in view:
            check.fail("/view/submit", "must provide submit when the view has input blocks")
    elif "submit" in view or "close" in view:
        check.fail("/view", "a home view cannot have submit or close")
    check.max_len(view.get("private_metadata"), VIEW_PRIVATE_METADATA, "/view/private_metadata")
    check.max_len(view.get("callback_id"), VIEW_CALLBACK_ID, "/view/callback_id")
    check.max_len(view.get("external_id"), VIEW_EXTERNAL_ID, "/view/external_id")
    check.blocks(view.get("blocks"), "/view/blocks", VIEW_BLOCKS, in_view=True)
    return Refusal("invalid_arguments", check.problems) if check.problems else None

