"""@mentions in a channel: start or continue the conversation in that message's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.early import deliver_applied
from handlers.places import Place, is_dm_channel, thread_place
from handlers.turns import converse_event


def mention_place(event: dict[str, Any]) -> Place | None:
    """The thread a channel mention starts or continues; None in a DM (answered from its
    message event)."""
    channel = event.get("channel", "")
    if is_dm_channel(channel):
        return None
    return thread_place(channel, event.get("thread_ts") or event["ts"])


def handle_mention(deps: Deps, client: WebClient, context: BoltContext, event: dict[str, Any],
                   event_id: str | None = None) -> None:
    if deliver_applied(deps, client, context, event):  # applied before the acknowledgement
        return
    place = mention_place(event)
    if place is not None:
        converse_event(deps, client, context, place, event, event_id)


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(client: WebClient, context: BoltContext, event: dict[str, Any],
                   body: dict[str, Any]) -> None:
        handle_mention(deps, client, context, event, body.get("event_id"))
