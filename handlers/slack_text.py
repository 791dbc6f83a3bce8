"""Slack's message text format, both ways: what a person typed, and text safe to post.

Slack escapes ``&``, ``<`` and ``>`` in message text and writes mentions, channels and links
as ``<…>`` tokens (https://docs.slack.dev/messaging/formatting-message-text).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Text shown literally: no ``<!channel>`` ping, no link, no mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def typed_text(text: str, bot_user_id: str | None = None) -> str:
    """What a person typed, from Slack's message text: the bot's own mention removed, other
    tokens turned back into what they show (``@name``, ``#channel``, a link's label)."""

    def token(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            if bot_user_id and target[1:] == bot_user_id:
                return ""
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return label or target

    return unescape(_TOKEN.sub(token, text)).strip()


def mentions(text: str, user_id: str | None) -> bool:
    """Whether Slack text mentions ``user_id``."""
    return bool(user_id) and re.search(rf"<@{re.escape(user_id or '')}(\|[^>]*)?>", text) is not None
