"""What a Slack event is, and which conversation it belongs to. Pure: no Slack client, no
store — whether a channel thread is a declbot conversation is asked of the caller's
``is_conversation`` predicate, and only when the answer matters.

The middleware routes every request once, before the acknowledgement (noise is dropped there,
typed turns applied); the listeners act on the same :class:`Route` afterwards. Kinds:

* ``TEXT``: a person typed something in a conversation — an engine turn.
* ``FILE``: a person shared a file there (downloaded and read after the acknowledgement).
* ``EDIT`` / ``DELETION``: a person edited or deleted a message of a conversation (edits are
  not taken: the person is told which value stands).
* ``GREETING``: the person opened the app's Messages tab; ``HOME``: its Home tab.
* ``NOISE``: nothing for us (other bots, our own messages, joins and other subtypes, channel
  chatter, a mention's duplicate message event): acknowledged and dropped. ``reason`` says why.
* ``OTHER``: not an event (commands, buttons, url_verification): not routed here.

Where: a person's DM is their own conversation (:func:`handlers.places.dm_place`); a thread in
a channel, private channel or group DM is one conversation shared by everyone answering in it
(:func:`handlers.places.thread_place`), started by @mentioning the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.types import Turn
from handlers.places import Place, dm_place, is_dm_channel, thread_place
from handlers.slack_text import mentions, typed_text

#: Whether a conversation key (a channel thread's) is a declbot conversation already.
IsConversation = Callable[[str], bool]
#: Message subtypes that are something a person said.
SAID_SUBTYPES = (None, "file_share", "thread_broadcast")
#: Channel types where conversations live in threads (message.channels/groups/mpim).
THREADED_CHANNEL_TYPES = ("channel", "group", "mpim")

Event = Mapping[str, Any]


class Kind(StrEnum):
    TEXT = "text"
    FILE = "file"
    EDIT = "edit"
    DELETION = "deletion"
    GREETING = "greeting"
    HOME = "home"
    NOISE = "noise"
    OTHER = "other"


@dataclass(frozen=True)
class Route:
    """What an event is and where it belongs.

    ``text`` is what the person typed (``TEXT``), or what the message said before it was
    edited or deleted (``EDIT``, ``DELETION``), as typed (Slack's tokens turned back).
    ``ts`` is the message's own ts (for an edit or deletion: the original message's);
    ``edited_ts`` when it was edited; ``files`` what was shared (or had been, for a deletion).
    """

    kind: Kind
    place: Place | None = None
    user: str = ""
    text: str = ""
    ts: str | None = None
    edited_ts: str | None = None
    files: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    reason: str = ""

    @property
    def claim_key(self) -> str | None:
        """The key under which an edit or deletion notice is given once, whoever delivers
        the event (Slack may send it more than once)."""
        if self.place is None:
            return None
        if self.kind is Kind.EDIT:
            return f"edit:{self.place.channel}:{self.ts}:{self.edited_ts or ''}"
        if self.kind is Kind.DELETION:
            return f"deletion:{self.place.channel}:{self.ts}"
        return None


def noise(reason: str) -> Route:
    return Route(Kind.NOISE, reason=reason)


OTHER = Route(Kind.OTHER)


def route_body(body: Mapping[str, Any], *, team: str, bot_user_id: str | None,
               is_conversation: IsConversation) -> Route:
    """The route of a request body (Events API, or anything else: ``OTHER``)."""
    if body.get("type") != "event_callback":
        return OTHER
    event = body.get("event")
    if not isinstance(event, Mapping):
        return noise("no event")
    return route_event(event, team=team, bot_user_id=bot_user_id, is_conversation=is_conversation)


def route_event(event: Event, *, team: str, bot_user_id: str | None,
                is_conversation: IsConversation) -> Route:
    kind = event.get("type")
    if kind == "app_home_opened":
        return _home_opened(event, team)
    if kind == "app_mention":
        return _mention(event, bot_user_id)
    if kind == "message":
        return _message(event, team, bot_user_id, is_conversation)
    return noise(f"event {kind}")


def text_turn(route: Route, event_id: str | None) -> Turn:
    """The engine turn of a ``TEXT`` route (applied at most once per event id; in a shared
    thread in message order, its place in line released by the front end after posting)."""
    assert route.kind is Kind.TEXT and route.place is not None
    return Turn(route.place.conversation, route.user, text=route.text, shared=route.place.shared,
                event_id=event_id, order_key=route.ts, greeting_if_new=True,
                keep_ticket=route.place.shared)


# --- kinds of events ------------------------------------------------------------------------

def _home_opened(event: Event, team: str) -> Route:
    user = event.get("user") or ""
    if not user:
        return noise("no user")
    if event.get("tab") == "home":
        return Route(Kind.HOME, user=user)
    channel = event.get("channel") or ""
    if event.get("tab") == "messages" and channel:
        return Route(Kind.GREETING, dm_place(team, user, channel), user=user)
    return noise("app_home_opened without a tab")


def _from_bot(message: Event, bot_user_id: str | None) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message" or (
        bool(bot_user_id) and message.get("user") == bot_user_id)


def _said(kind: Kind, place: Place, message: Event, bot_user_id: str | None) -> Route:
    files = tuple(message.get("files") or ())
    return Route(Kind.FILE if files else kind, place, user=message["user"],
                 text=typed_text(message.get("text") or "", bot_user_id), ts=message.get("ts"), files=files)


def _mention(event: Event, bot_user_id: str | None) -> Route:
    if _from_bot(event, bot_user_id):
        return noise("from a bot")
    if not event.get("user") or not event.get("ts"):
        return noise("no user")
    channel = event.get("channel") or ""
    if not channel or is_dm_channel(channel):
        return noise("a mention in a DM: answered from its message event")
    return _said(Kind.TEXT, thread_place(channel, event.get("thread_ts") or event["ts"]), event, bot_user_id)


def _message(event: Event, team: str, bot_user_id: str | None, is_conversation: IsConversation) -> Route:
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _changed(event, team, bot_user_id, is_conversation)
    if subtype == "message_deleted":
        return _deleted(event, event.get("previous_message"), event.get("deleted_ts"), team, bot_user_id,
                        is_conversation)
    if _from_bot(event, bot_user_id):
        return noise("from a bot")
    if subtype not in SAID_SUBTYPES:
        return noise(f"subtype {subtype}")
    if not event.get("user") or not event.get("channel"):
        return noise("no user")
    channel = event["channel"]
    if _is_dm(event):
        return _said(Kind.TEXT, dm_place(team, event["user"], channel, event.get("thread_ts")), event, bot_user_id)
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return noise("a channel message outside a thread")
    if mentions(event.get("text") or "", bot_user_id):
        return noise("a mention: answered from its app_mention event")
    place = thread_place(channel, thread_ts)
    if not is_conversation(place.conversation):
        return noise("a thread that is not a conversation")
    return _said(Kind.TEXT, place, event, bot_user_id)


def _is_dm(event: Event) -> bool:
    channel_type = event.get("channel_type")
    if channel_type in THREADED_CHANNEL_TYPES:
        return False
    return channel_type == "im" or is_dm_channel(str(event.get("channel") or ""))


def _place_of(event: Event, message: Event, team: str, user: str,
              is_conversation: IsConversation) -> Place | None:
    """The conversation an existing message (edited or deleted) belongs to, if any."""
    channel = str(event.get("channel") or "")
    if _is_dm(event):
        return dm_place(team, user, channel, message.get("thread_ts"))
    ts = message.get("ts")
    root = message.get("thread_ts") or ts
    if not channel or not root:
        return None
    place = thread_place(channel, root)  # a reply in the thread, or the mention that started it
    return place if is_conversation(place.conversation) else None


def _changed(event: Event, team: str, bot_user_id: str | None, is_conversation: IsConversation) -> Route:
    message, previous = event.get("message"), event.get("previous_message")
    if not isinstance(message, Mapping) or not isinstance(previous, Mapping):
        return noise("an edit without its messages")
    if message.get("subtype") == "tombstone":  # a thread's first message deleted, its replies kept
        return _deleted(event, previous, message.get("ts"), team, bot_user_id, is_conversation)
    if _from_bot(message, bot_user_id) or _from_bot(previous, bot_user_id):
        return noise("a bot's message changed")
    user = message.get("user") or previous.get("user")
    if not user:
        return noise("no user")
    if (message.get("text") or "") == (previous.get("text") or ""):
        return noise("the text is unchanged (an unfurl, a reply count)")
    if previous.get("files"):
        return noise("a file's comment: the file was read, not the text")
    place = _place_of(event, message, team, user, is_conversation)
    if place is None:
        return noise("not a conversation's message")
    edited = message.get("edited") if isinstance(message.get("edited"), Mapping) else {}
    return Route(Kind.EDIT, place, user=user, text=typed_text(previous.get("text") or "", bot_user_id),
                 ts=message.get("ts") or previous.get("ts"), edited_ts=edited.get("ts") or event.get("ts"))


def _deleted(event: Event, previous: Any, deleted_ts: Any, team: str, bot_user_id: str | None,
             is_conversation: IsConversation) -> Route:
    if not isinstance(previous, Mapping):
        return noise("a deletion without the message")
    if _from_bot(previous, bot_user_id):
        return noise("a bot's message deleted")
    user = previous.get("user")
    if not user:
        return noise("no user")
    original = {**previous, "ts": deleted_ts or previous.get("ts")}
    place = _place_of(event, original, team, user, is_conversation)
    if place is None:
        return noise("not a conversation's message")
    return Route(Kind.DELETION, place, user=user, text=typed_text(previous.get("text") or "", bot_user_id),
                 ts=original["ts"], files=tuple(previous.get("files") or ()))
