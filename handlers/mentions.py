"""@mentions in a channel, private channel or group DM: start or continue the conversation in
that message's thread (:mod:`handlers.routing_logic` says where)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.early import answer
from handlers.routing import route_of


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(client: WebClient, context: BoltContext, body: dict[str, Any]) -> None:
        answer(deps, client, context, route_of(deps.store, body, context), body.get("event_id"))
