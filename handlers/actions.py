"""Choice buttons on the app's messages: a click answers exactly like typing the choice.

The message is updated to show who chose what (its buttons removed), then the replies follow.
A message's question is answered once: the first click claims it in the database, so a double
click, or a click that reaches a second process, is not taken twice. A button of a question
that was answered meanwhile (by typing, or the conversation moved on) records nothing: the
engine says so in one ``stale_choice`` reply, and the message shows that its question was
already answered (its buttons removed), not a choice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.types import Applied, Turn
from handlers.blocks import CHOICE_ACTION_ID, answered_blocks, chosen_blocks
from handlers.deps import Deps
from handlers.outbox import SLACK_FAILURES
from handlers.places import Click
from handlers.texts import text
from handlers.turns import apply_turn, finish_turn

log = logging.getLogger(__name__)


def is_stale(applied: Applied) -> bool:
    """The engine took nothing: the button's question was answered already."""
    return len(applied.replies) == 1 and applied.replies[0].kind == "stale_choice" and not applied.jobs


def handle_choice(deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    click = Click.of(body, context.team_id)
    user, channel, ts, message = click.user, click.channel, click.ts, click.message
    if not channel or not ts or not deps.claim(f"choice:{channel}:{ts}"):
        return
    place = click.place()
    label = (action.get("text") or {}).get("text") or action.get("value", "")
    turn = Turn(place.conversation, user, choice=action["value"], shared=place.shared)
    applied = apply_turn(deps, client, place, turn)
    if is_stale(applied):
        mark_answered(deps, client, channel, ts, message, user)
    else:
        update(client, channel, ts, message.get("text") or label,
               chosen_blocks(message.get("blocks") or [], label, user))
    finish_turn(deps, client, place, user, applied)


def update(client: WebClient, channel: str, ts: str, fallback: str, blocks: list[dict[str, Any]]) -> None:
    try:
        client.chat_update(channel=channel, ts=ts, text=fallback, blocks=blocks)
    except SLACK_FAILURES as e:  # the answer still counts
        log.warning("message %s not updated after a click: %s", ts, e)


def mark_answered(deps: Deps, client: WebClient, channel: str, ts: str, message: dict[str, Any],
                  user: str) -> None:
    """A question's message whose button came too late: its buttons give way to a note that
    the question was already answered."""
    note = text(deps.lang(user), "choice_stale")
    update(client, channel, ts, message.get("text") or note, answered_blocks(message.get("blocks") or [], note))


def register(app: App, deps: Deps) -> None:
    @app.action(CHOICE_ACTION_ID)
    def on_choice(ack: Ack, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
        ack()
        handle_choice(deps, client, context, body, action)
