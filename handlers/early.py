"""A typed message is applied before Slack gets its acknowledgement; its replies are posted
after it, and its whole-form work (a check, an export) is done after them.

Bolt acknowledges an event before its listener runs, so a process that dies in the listener
would lose the message without a word (Slack, answered, does not retry). Applying the turn
here, in middleware that runs before the acknowledgement, closes that gap: either the turn is
committed and then acknowledged, or Slack gets no answer and retries, and the retry — which the
engine applies at most once — is taken by another process. Only the turn's own work is done
before the acknowledgement (:meth:`bot.engine.Engine.apply`, milliseconds at any size of form):
checking or exporting a large form is left as jobs, run in the listener after the replies were
posted, outside the conversation's lock, so the person's next message is acknowledged and
answered meanwhile. Shared files (downloaded, then read before any lock is taken) go through the
listener.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.messages import msg
from bot.store import StoreError
from bot.types import Applied, Reply
from handlers.deps import Deps
from handlers.places import Place
from handlers.routing import route_of
from handlers.routing_logic import Kind, Route, text_turn
from handlers.turns import deliver, run_jobs, share_file

#: Context key: (place, applied turn) of a turn applied before the acknowledgement.
APPLIED = "declbot_applied_turn"
#: Context key: the unexpected error of that turn, raised again once the person was told.
FAILED = "declbot_applied_turn_error"


def applied(context: BoltContext) -> tuple[Place, Applied] | None:
    """The turn this request applied before its acknowledgement, if any."""
    return context.get(APPLIED)


def deliver_applied(deps: Deps, client: WebClient, context: BoltContext, route: Route) -> bool:
    """Post the replies of the turn this request applied before its acknowledgement, then run
    its jobs and post theirs; False when it applied none (the listener then does the work
    itself). A shared conversation's next message may go once the turn's own replies are out:
    it does not wait for the jobs."""
    done = applied(context)
    if done is None:
        return False
    place, turn = done
    try:
        delivered = deliver(deps, client, place, route.user, turn.replies)
    finally:
        replies_posted(deps, place, route.ts)
    raise_if_failed(context)
    if delivered:
        run_jobs(deps, client, place, route.user, turn.jobs)
    return True


def answer(deps: Deps, client: WebClient, context: BoltContext, route: Route, event_id: str | None) -> None:
    """After the acknowledgement, for what a person typed or shared in a conversation: the
    replies of the turn applied before it (the middleware below applies every typed turn that
    has a place), or a shared file's turn now."""
    if route.place is None:
        return
    if route.kind is Kind.TEXT:
        deliver_applied(deps, client, context, route)
    elif route.kind is Kind.FILE:
        share_file(deps, client, context, route, event_id)


def replies_posted(deps: Deps, place: Place, ts: str | None) -> None:
    """The replies of a shared conversation's turn are out: the next message may go."""
    if place.shared and ts:
        with contextlib.suppress(StoreError):
            deps.store.drop_ticket(place.conversation, ts)


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
        route = route_of(deps.store, body, context)
        if route.kind is Kind.TEXT and route.place is not None:
            turn = text_turn(route, body.get("event_id"))
            try:
                context[APPLIED] = (route.place, deps.engine.apply(turn))
            except Exception as error:  # the engine answers its own failures; this is a bug
                context[APPLIED] = (route.place, Applied([Reply(msg(deps.lang(turn.user), "internal_error"))]))
                context[FAILED] = error
        next()
        return None
