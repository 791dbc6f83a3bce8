"""The slash command ``/declbot new | status | drafts | check | export | help``.

It acts in the person's DM conversation with the app: the replies (and an exported workbook)
go to that DM; where the command was typed, the person is told so, privately. ``status``,
``drafts`` (or ``list``), ``check`` and ``export`` also reach the shared drafts of the threads
the person took part in: after the DM's own answer, they are listed apart (from the summaries
kept with them: nothing is re-checked), each with buttons that check or export it into the DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.engine import overview
from bot.store import StoreError
from handlers.deps import Deps
from handlers.outbox import SLACK_FAILURES, failure_reason, notify, open_dm, post_message
from handlers.places import Click, Place, dm_place
from handlers.shared_view import (
    SHARED_ACTION_ID,
    SHARED_ACTION_PREFIX,
    VERBS,
    result_heading,
    shared_listing,
)
from handlers.texts import text
from handlers.turns import deliver, take_turn

log = logging.getLogger(__name__)

COMMAND = "/declbot"
#: Subcommands, passed to the engine as the English commands it understands.
SUBCOMMANDS = ("new", "status", "drafts", "check", "export", "help")
ALIASES = {"list": "drafts"}
#: Subcommands followed by the thread drafts, and the buttons each of those gets.
REACHING = {"status": VERBS, "drafts": VERBS, "check": ("check",), "export": ("export",)}


def subcommand(typed: str) -> str | None:
    word = typed.strip().casefold() or "help"
    word = ALIASES.get(word, word)
    return word if word in SUBCOMMANDS else None


def list_shared(deps: Deps, client: WebClient, place: Place, user: str, word: str) -> None:
    """The thread drafts the person took part in, apart from the DM's (nothing when none)."""
    verbs = REACHING.get(word)
    if verbs is None:
        return
    lang = deps.lang(user)
    try:
        listing = shared_listing(overview(deps.store, user, lang), lang, verbs)
    except StoreError:
        return  # the DM's own answer said the store is unavailable
    if listing is None:
        return
    try:
        post_message(client, place, listing)
    except SLACK_FAILURES as e:
        log.error("thread drafts of %s not listed: %s", user, e)
        notify(client, place, text(lang, "post_failed", error=failure_reason(e)))


def handle_command(deps: Deps, ack: Ack, respond: Respond, client: WebClient, context: BoltContext,
                   command: dict[str, Any]) -> None:
    ack()  # first: Slack wants an answer within 3 seconds; the rest happens after it
    user = command["user_id"]
    lang = deps.lang(user)
    word = subcommand(command.get("text") or "")
    if word is None:
        respond(response_type="ephemeral", text=text(lang, "command_usage"))
        return
    try:
        channel = open_dm(client, user)
    except SLACK_FAILURES as e:
        respond(response_type="ephemeral", text=text(lang, "command_failed", error=failure_reason(e)))
        return
    team = context.team_id or command.get("team_id") or ""
    place = dm_place(team, user, channel)
    if take_turn(deps, client, place, user, text=word):
        list_shared(deps, client, place, user, word)
    if command.get("channel_id") != channel:
        respond(response_type="ephemeral", text=text(deps.lang(user), "command_replied"))


def handle_shared(deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    """A listing's button: check or export that thread draft into the DM (once per button of
    the listing: a double click exports once)."""
    click = Click.of(body, context.team_id)
    user, channel, ts = click.user, click.channel, click.ts
    verb = str(action.get("action_id", "")).removeprefix(SHARED_ACTION_PREFIX)
    value = str(action.get("value") or "")
    if not channel or not value.isdigit() or not deps.claim(f"shared:{channel}:{ts}:{verb}:{value}"):
        return
    place = dm_place(click.team, user, channel)
    lang = deps.lang(user)
    title, replies = deps.engine.shared_job(user, verb, int(value), lang)
    if title is not None:
        notify(client, place, result_heading(title, lang))
    deliver(deps, client, place, user, replies)


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_command(ack: Ack, respond: Respond, client: WebClient, context: BoltContext,
                   command: dict[str, Any]) -> None:
        handle_command(deps, ack, respond, client, context, command)

    @app.action(SHARED_ACTION_ID)
    def on_shared(ack: Ack, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
        ack()
        handle_shared(deps, client, context, body, action)
