"""Messages: a person's direct messages to the app, and replies in a channel thread that
already is a declbot conversation (so people answering there need not @mention each time).

Messages that @mention the app in a channel are left to :mod:`handlers.mentions` (Slack sends
both events for them); top-level channel messages without a mention are not for us.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.store import StoreError
from handlers.deps import Deps
from handlers.early import deliver_applied
from handlers.places import Place, dm_place, is_dm_channel, thread_place
from handlers.slack_text import mentions
from handlers.turns import converse_event


def message_place(deps: Deps, event: dict[str, Any], team: str, bot_user_id: str | None) -> Place | None:
    """The conversation a message belongs to, or None when it is not for us."""
    channel = event["channel"]
    if event.get("channel_type") == "im" or is_dm_channel(channel):
        return dm_place(team, event["user"], channel, event.get("thread_ts"))
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts") or mentions(event.get("text") or "", bot_user_id):
        return None
    place = thread_place(channel, thread_ts)
    try:
        return place if deps.store.has_conversation(place.conversation) else None
    except StoreError:
        return None


def handle_message(deps: Deps, client: WebClient, context: BoltContext, event: dict[str, Any],
                   event_id: str | None = None) -> None:
    if deliver_applied(deps, client, context, event):  # applied before the acknowledgement
        return
    place = message_place(deps, event, context.team_id or "", context.bot_user_id)
    if place is None:
        return
    converse_event(deps, client, context, place, event, event_id)


def register(app: App, deps: Deps) -> None:
    @app.event("message")
    def on_message(client: WebClient, context: BoltContext, event: dict[str, Any],
                   body: dict[str, Any]) -> None:
        handle_message(deps, client, context, event, body.get("event_id"))
