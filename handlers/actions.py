"""Choice buttons on the app's messages: a click answers exactly like typing the choice.

The message is updated to show who chose what (its buttons removed). A message's question is
answered once: the first click claims it in the database, so a double click, or a click that
reaches a second process, is not taken twice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.store import StoreError
from handlers.blocks import CHOICE_ACTION_ID, chosen_blocks
from handlers.deps import Deps
from handlers.outbox import SLACK_FAILURES
from handlers.places import message_place
from handlers.turns import take_turn

log = logging.getLogger(__name__)


def claim_message(deps: Deps, channel: str, ts: str) -> bool:
    try:
        return deps.store.claim_event(f"choice:{channel}:{ts}")
    except StoreError:
        return True  # the engine will tell the person the store is down


def handle_choice(deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    user = body["user"]["id"]
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message = body.get("message") or {}
    ts = message.get("ts") or container.get("message_ts")
    if not channel or not ts or not claim_message(deps, channel, ts):
        return
    team = context.team_id or (body.get("team") or {}).get("id") or ""
    place = message_place(team, user, channel, ts, message.get("thread_ts") or container.get("thread_ts"))
    label = (action.get("text") or {}).get("text") or action.get("value", "")
    try:
        client.chat_update(channel=channel, ts=ts, text=message.get("text") or label,
                           blocks=chosen_blocks(message.get("blocks") or [], label, user))
    except SLACK_FAILURES as e:  # the answer still counts
        log.warning("message %s not updated with the choice: %s", ts, e)
    take_turn(deps, client, place, user, choice=action["value"])


def register(app: App, deps: Deps) -> None:
    @app.action(CHOICE_ACTION_ID)
    def on_choice(ack: Ack, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
        ack()
        handle_choice(deps, client, context, body, action)
