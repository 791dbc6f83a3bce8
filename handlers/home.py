"""App Home: the Home tab lists the person's drafts (buttons continue or export one, in the
DM); opening the Messages tab for the first time starts the conversation with a greeting.

A Home button press is taken once per rendering of the tab: a double click (two presses of the
same button on the same view, which Slack sends with different action_ts but the same view
hash), or a press delivered twice, gives one upload or one new draft. The claim is in the
database, so it holds across processes; each press publishes the tab anew (a new hash), so the
next press counts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.engine import overview, refresh_summaries
from bot.messages import msg
from bot.store import StoreError
from handlers.deps import Deps
from handlers.home_view import HOME_ACTION_ID, NEW_DRAFT_VALUE, home_view, notice_view
from handlers.outbox import SLACK_FAILURES, open_dm
from handlers.places import Place, dm_place, team_of
from handlers.routing import route_of
from handlers.routing_logic import Kind, Route
from handlers.turns import take_turn

log = logging.getLogger(__name__)


class Refreshes:
    """Whose drafts are being checked for their Home tab in this process: one refresh per
    person at a time (opening the tab again meanwhile publishes the kept summaries, and the
    refresh under way publishes the new ones)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()

    def start(self, user: str) -> bool:
        with self._lock:
            if user in self._running:
                return False
            self._running.add(user)
            return True

    def done(self, user: str) -> None:
        with self._lock:
            self._running.discard(user)


REFRESHES = Refreshes()


def publish_home(deps: Deps, client: WebClient, user: str) -> None:
    """Publish the Home tab from the summaries kept with the drafts (fast), then check the
    drafts changed since their summary and publish again if any was. The checks run after
    Slack's acknowledgement, under no lock (each draft is read in a short transaction of its
    own), so nothing waits for them: not the person's typed turns, not their buttons."""
    lang = deps.lang(user)
    _publish(deps, client, user, lang)
    if not REFRESHES.start(user):
        return
    try:
        refreshed = refresh_summaries(deps.store, user)
    except StoreError:
        return
    finally:
        REFRESHES.done(user)
    if refreshed:
        _publish(deps, client, user, lang)


def _publish(deps: Deps, client: WebClient, user: str, lang: str) -> None:
    try:
        view = home_view(overview(deps.store, user, lang), lang)
    except StoreError:
        view = notice_view(msg(lang, "store_unavailable"))
    try:
        client.views_publish(user_id=user, view=view)
    except SLACK_FAILURES as e:  # nowhere else to say it: the tab shows its last view
        log.error("home of %s not published: %s", user, e)


def greet_first_time(deps: Deps, client: WebClient, place: Place, user: str) -> None:
    try:
        if deps.store.has_conversation(place.conversation):
            return
    except StoreError:
        return
    take_turn(deps, client, place, user)


def handle_home_opened(deps: Deps, client: WebClient, route: Route) -> None:
    if route.kind is Kind.HOME:
        publish_home(deps, client, route.user)
    elif route.kind is Kind.GREETING and route.place is not None:
        greet_first_time(deps, client, route.place, route.user)


def press_key(user: str, body: dict[str, Any], action: dict[str, Any]) -> str:
    """What makes a Home button press one press: the rendering it was made on (view id and
    hash) and the button; without a view, the press's own action_ts."""
    view = body.get("view") or {}
    rendering = f"{view.get('id')}:{view.get('hash')}" if view.get("hash") else f"ts:{action.get('action_ts')}"
    return f"home:{user}:{rendering}:{action.get('value') or ''}"


def handle_home_action(deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any],
                       action: dict[str, Any]) -> None:
    user = body["user"]["id"]
    if not deps.claim(press_key(user, body, action)):
        log.info("Home button %s of %s pressed again on the same view: taken once", action.get("value"), user)
        return
    try:
        channel = open_dm(client, user)
    except SLACK_FAILURES as e:
        log.error("no DM with %s for a Home button: %s", user, e)
        return
    place = dm_place(team_of(body, context.team_id), user, channel)
    value = action.get("value") or ""
    try:
        if value == NEW_DRAFT_VALUE:
            take_turn(deps, client, place, user, text="new")
        else:
            take_turn(deps, client, place, user, choice=value)
    finally:  # a new rendering (a new hash): the next press counts, whatever became of this one
        publish_home(deps, client, user)


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(client: WebClient, context: BoltContext, body: dict[str, Any]) -> None:
        handle_home_opened(deps, client, route_of(deps.store, body, context))

    @app.action(HOME_ACTION_ID)
    def on_home_action(ack: Ack, client: WebClient, context: BoltContext, body: dict[str, Any],
                       action: dict[str, Any]) -> None:
        ack()
        handle_home_action(deps, client, context, body, action)
