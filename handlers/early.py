"""A typed message is applied before Slack gets its acknowledgement; only the replies are
posted after it.

Bolt acknowledges an event before its listener runs, so a process that dies in the listener
would lose the message without a word (Slack, answered, does not retry). Applying the turn
here, in middleware that runs before the acknowledgement, closes that gap: either the turn is
committed and then acknowledged, or Slack gets no answer and retries, and the retry — which the
engine applies at most once — is taken by another process. A turn takes milliseconds; shared
files (which must be downloaded first) still go through the listener.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.messages import msg
from bot.store import StoreError
from bot.types import Reply, Turn
from handlers.deps import Deps
from handlers.places import Place
from handlers.slack_text import typed_text

#: Context key: (place, replies) of a turn applied before the acknowledgement.
APPLIED = "declbot_applied_turn"
#: Context key: the unexpected error of that turn, raised again once the person was told.
FAILED = "declbot_applied_turn_error"


def is_typed_message(body: dict[str, Any]) -> bool:
    """A message or mention without files: applied (or ignored) by this module, and applied
    at most once by the engine itself, so it needs no separate claim."""
    event = body.get("event") or {}
    return (
        body.get("type") == "event_callback"
        and event.get("type") in ("message", "app_mention")
        and not event.get("files")
        and bool(event.get("user"))
    )


def text_turn(deps: Deps, body: dict[str, Any], context: BoltContext) -> tuple[Place, Turn] | None:
    """The conversation turn a typed message (no files) is, or None when it is not one."""
    from handlers.mentions import mention_place
    from handlers.messages import message_place

    if body.get("type") != "event_callback":
        return None
    event = body.get("event") or {}
    if event.get("files") or not event.get("user"):
        return None
    if event.get("type") == "message":
        place = message_place(deps, event, context.team_id or "", context.bot_user_id)
    elif event.get("type") == "app_mention":
        place = mention_place(event)
    else:
        return None
    if place is None:
        return None
    text = typed_text(event.get("text") or "", context.bot_user_id)
    return place, Turn(
        place.conversation, event["user"], text=text, shared=place.shared,
        event_id=body.get("event_id"), order_key=event.get("ts"), greeting_if_new=True,
        keep_ticket=place.shared,
    )


def applied(context: BoltContext) -> tuple[Place, list[Reply]] | None:
    """The turn this request applied before its acknowledgement, if any."""
    return context.get(APPLIED)


def deliver_applied(deps: Deps, client: WebClient, context: BoltContext, event: dict[str, Any]) -> bool:
    """Post the replies of the turn this request applied before its acknowledgement; False
    when it applied none (the listener then does the work itself)."""
    from handlers.turns import deliver

    done = applied(context)
    if done is None:
        return False
    place, replies = done
    try:
        deliver(deps, client, place, event["user"], replies)
    finally:
        replies_posted(deps, place, event)
    raise_if_failed(context)
    return True


def replies_posted(deps: Deps, place: Place, event: dict[str, Any]) -> None:
    """The replies of a shared conversation's turn are out: the next message may go."""
    if place.shared and event.get("ts"):
        with contextlib.suppress(StoreError):
            deps.store.drop_ticket(place.conversation, event["ts"])


def raise_if_failed(context: BoltContext) -> None:
    """After the apology was posted: hand the error to the app's error handler (which logs it
    and releases the event's claim so that Slack's retry is processed)."""
    error = context.get(FAILED)
    if error is not None:
        raise error


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def apply_before_ack(body: dict[str, Any], context: BoltContext,
                         next: Callable[[], None]) -> BoltResponse | None:
        found = text_turn(deps, body, context)
        if found is not None:
            place, turn = found
            try:
                context[APPLIED] = (place, deps.engine.handle(turn))
            except Exception as error:  # the engine answers its own failures; this is a bug
                context[APPLIED] = (place, [Reply(msg(deps.lang(turn.user), "internal_error"))])
                context[FAILED] = error
        next()
        return None
