"""The slash command ``/declbot new | status | check | export | help``.

It acts in the person's DM conversation with the app: the replies (and an exported workbook)
go to that DM; where the command was typed, the person is told so, privately.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.outbox import SLACK_FAILURES, failure_reason, open_dm
from handlers.places import dm_place
from handlers.texts import text
from handlers.turns import take_turn

COMMAND = "/declbot"
#: Subcommands, passed to the engine as the English commands it understands.
SUBCOMMANDS = ("new", "status", "check", "export", "help")


def subcommand(typed: str) -> str | None:
    word = typed.strip().casefold() or "help"
    return word if word in SUBCOMMANDS else None


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
    take_turn(deps, client, dm_place(team, user, channel), user, text=word)
    if command.get("channel_id") != channel:
        respond(response_type="ephemeral", text=text(deps.lang(user), "command_replied"))


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_command(ack: Ack, respond: Respond, client: WebClient, context: BoltContext,
                   command: dict[str, Any]) -> None:
        handle_command(deps, ack, respond, client, context, command)
