"""@mentions in a channel: start or continue the conversation in that message's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.early import deliver_applied
from handlers.places import is_dm_channel, thread_place
from handlers.slack_text import typed_text
from handlers.turns import converse


def handle_mention(deps: Deps, client: WebClient, context: BoltContext, event: dict[str, Any],
                   event_id: str | None = None) -> None:
    if deliver_applied(deps, client, context, event):  # applied before the acknowledgement
        return
    channel = event["channel"]
    if is_dm_channel(channel):  # a DM is answered from its message event
        return
    place = thread_place(channel, event.get("thread_ts") or event["ts"])
    converse(deps, client, place, event["user"], typed_text(event.get("text") or "", context.bot_user_id),
             event.get("files"), context.bot_token or deps.settings.bot_token,
             event_id=event_id, order_key=event.get("ts"))


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(client: WebClient, context: BoltContext, event: dict[str, Any],
                   body: dict[str, Any]) -> None:
        handle_mention(deps, client, context, event, body.get("event_id"))
