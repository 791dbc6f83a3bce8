"""Where a conversation happens in Slack, and the engine's key for it.

A direct message with the app is the person's own conversation (their own drafts); a channel
thread is one conversation whose draft everyone answering there shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Place:
    """A conversation: the engine's key, and where its replies go."""

    conversation: str
    channel: str
    thread_ts: str | None = None
    shared: bool = False


def dm_key(team: str, user: str) -> str:
    return f"slack:dm:{team}:{user}"


def thread_key(channel: str, thread_ts: str) -> str:
    return f"slack:thread:{channel}:{thread_ts}"


def thread_of(key: str) -> tuple[str, str] | None:
    """(channel, thread_ts) of a thread's conversation key; None for any other key. (Shared
    drafts are owned by ``place:<key>``; that prefix is taken too.)"""
    head, _, rest = key.removeprefix("place:").partition("slack:thread:")
    channel, _, thread_ts = rest.partition(":")
    if head or not channel or not thread_ts:
        return None
    return channel, thread_ts


def dm_place(team: str, user: str, channel: str, thread_ts: str | None = None) -> Place:
    """The person's DM with the app (``channel`` is its D… id)."""
    return Place(dm_key(team, user), channel, thread_ts, shared=False)


def thread_place(channel: str, thread_ts: str) -> Place:
    return Place(thread_key(channel, thread_ts), channel, thread_ts, shared=True)


def is_dm_channel(channel: str) -> bool:
    return channel.startswith("D")


def message_place(team: str, user: str, channel: str, ts: str, thread_ts: str | None) -> Place:
    """The conversation a message (or a button on it) belongs to: in a DM the person's own,
    in a channel the thread's (a top-level message starts a thread under itself)."""
    if is_dm_channel(channel):
        return dm_place(team, user, channel, thread_ts)
    return thread_place(channel, thread_ts or ts)


def team_of(body: dict[str, Any], context_team: str | None) -> str:
    """The workspace of an interaction (Bolt's context, else the payload's own)."""
    return context_team or (body.get("team") or {}).get("id") or ""


@dataclass(frozen=True)
class Click:
    """A button pressed on a message: who, on which message, and in which conversation."""

    user: str
    team: str
    channel: str | None
    ts: str | None
    message: dict[str, Any] = field(default_factory=dict)
    thread_ts: str | None = None

    @classmethod
    def of(cls, body: dict[str, Any], context_team: str | None) -> Click:
        container = body.get("container") or {}
        message = body.get("message") or {}
        return cls(
            user=body["user"]["id"], team=team_of(body, context_team),
            channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            ts=message.get("ts") or container.get("message_ts"), message=message,
            thread_ts=message.get("thread_ts") or container.get("thread_ts"),
        )

    def place(self) -> Place:
        """The conversation of the message (call only when ``channel`` and ``ts`` are known)."""
        assert self.channel and self.ts
        return message_place(self.team, self.user, self.channel, self.ts, self.thread_ts)
