"""Posting to Slack: replies as messages, short notices, the person's DM channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.types import Reply
from handlers.blocks import Message, reply_messages, section
from handlers.places import Place
from handlers.slack_text import escape

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


def post_reply(client: WebClient, place: Place, reply: Reply) -> None:
    for message in reply_messages(reply):
        post_message(client, place, message)


def notify(client: WebClient, place: Place, text: str) -> bool:
    """Best effort: tell the person something went wrong (itself may fail; then it is logged)."""
    try:
        post_message(client, place, Message(escape(text), [section(escape(text))]))
        return True
    except SLACK_FAILURES as e:
        log.error("could not tell %s about a failure: %s", place.channel, e)
        return False


def open_dm(client: WebClient, user: str) -> str:
    """The id (D…) of the person's direct message channel with the app."""
    response = client.conversations_open(users=user)
    return response["channel"]["id"]
