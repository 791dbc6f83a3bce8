"""Messages: a person's direct messages to the app, and replies in a thread (channel, private
channel, group DM) that already is a declbot conversation, so that people answering there need
not @mention the app each time; edits and deletions of such messages.

Messages that @mention the app in a channel are left to :mod:`handlers.mentions` (Slack sends
both events for them); top-level channel messages without a mention are not for us. What a
message is and where it belongs is decided once, in :mod:`handlers.routing_logic`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers import edits
from handlers.deps import Deps
from handlers.early import answer
from handlers.routing import route_of
from handlers.routing_logic import Kind


def register(app: App, deps: Deps) -> None:
    @app.event("message")
    def on_message(client: WebClient, context: BoltContext, body: dict[str, Any]) -> None:
        route = route_of(deps.store, body, context)
        if route.kind in (Kind.EDIT, Kind.DELETION):
            edits.acknowledge(deps, client, route)
        else:
            answer(deps, client, context, route, body.get("event_id"))
