"""Posting to Slack: replies as messages, short notices, the person's DM channel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.types import Reply
from handlers.blocks import Layout, Message, fallback, is_long, needs_lang, reply_layout, section
from handlers.long_text import clip
from handlers.places import Place
from handlers.texts import text as say

log = logging.getLogger(__name__)

#: What a Web API call raises once the client's retry handlers have given up.
SLACK_FAILURES = (SlackClientError, OSError)


def failure_reason(error: BaseException) -> str:
    """A short reason for a person: Slack's error code, else the exception's kind."""
    if isinstance(error, SlackApiError):
        data = getattr(error.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        return f"HTTP {getattr(error.response, 'status_code', '?')}"
    return type(error).__name__


def where(place: Place) -> dict[str, Any]:
    """chat.postMessage arguments for the place (in its thread when it has one)."""
    return {"channel": place.channel, **({"thread_ts": place.thread_ts} if place.thread_ts else {})}


def post_message(client: WebClient, place: Place, message: Message) -> str | None:
    """Post one message; its ts."""
    response = client.chat_postMessage(
        **where(place), text=message.text, blocks=message.blocks,
        unfurl_links=False, unfurl_media=False,
    )
    return response.get("ts")


def post_reply(client: WebClient, place: Place, reply: Reply,
               lang: Callable[[], str] = lambda: "zh", user: str | None = None) -> None:
    """Post a reply: one message, or for a long one its summary, then its parts (in the
    summary's thread, or after it when the conversation is a thread) and the whole text as a
    file. ``lang`` gives the person's language (asked only for a long reply's notes); ``user``
    is the person whose turn it is (mentioned where the reply names them)."""
    language = lang() if is_long(reply) or needs_lang(reply) else "zh"
    layout = reply_layout(reply, language, in_thread=place.thread_ts is not None, mention=user)
    if layout is None:
        return
    ts = post_message(client, place, layout.first)
    if not layout.parts:
        return
    below = place if place.thread_ts or not ts else replace(place, thread_ts=ts)
    for part in layout.parts:
        post_message(client, below, part)
    attach_text(client, below, layout, language)


def attach_text(client: WebClient, place: Place, layout: Layout, lang: str) -> None:
    """A long reply's whole text as a file; if Slack refuses it, the person is told (all of
    the text was posted already)."""
    if not layout.attachment:
        return
    try:
        client.files_upload_v2(channel=place.channel, thread_ts=place.thread_ts,
                               content=layout.attachment, filename=layout.attachment_name,
                               title=clip(layout.attachment.split("\n", 1)[0], 100))
    except SLACK_FAILURES as e:
        log.warning("text file not uploaded to %s: %s", place.channel, e)
        notify(client, place, say(lang, "long_file_failed", error=failure_reason(e)))


def notify(client: WebClient, place: Place, text: str) -> bool:
    """Best effort: tell the person something went wrong (itself may fail; then it is logged)."""
    try:
        post_message(client, place, Message(fallback(text), [section(text)]))
        return True
    except SLACK_FAILURES as e:
        log.error("could not tell %s about a failure: %s", place.channel, e)
        return False


def open_dm(client: WebClient, user: str) -> str:
    """The id (D…) of the person's direct message channel with the app."""
    response = client.conversations_open(users=user)
    return response["channel"]["id"]
