"""The Slack app's listeners, one module per surface, each thin: Slack payload → engine turn,
engine replies → Block Kit.

* :mod:`handlers.routing_logic` — what an event is and where it belongs (pure; used by all)
* :mod:`handlers.messages` — direct messages; replies in a thread that is a conversation;
  edits and deletions (:mod:`handlers.edits`)
* :mod:`handlers.mentions` — @mentions in channels and group DMs (the conversation lives in
  the thread)
* :mod:`handlers.commands` — ``/declbot``
* :mod:`handlers.actions` — choice buttons
* :mod:`handlers.modals` — a whole row (task sub-row, indicator) in a modal
* :mod:`handlers.home` — the App Home tab
* :mod:`handlers.files` — shared workbooks in, the finished workbook out
* :mod:`handlers.middleware` — routing once, noise filter, event de-duplication, error handler
* :mod:`handlers.early` — typed turns applied before the acknowledgement, replies after
* :mod:`handlers.server` — HTTP (Flask under gunicorn, request limits) and Socket Mode
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, early, home, mentions, messages, middleware, modals
from handlers.deps import Deps

#: Events the app subscribes to (manifest.yml settings.event_subscriptions.bot_events).
BOT_EVENTS = ("app_home_opened", "app_mention", "message.channels", "message.groups", "message.im",
              "message.mpim")

#: Bot scopes, each for what uses it (manifest.yml oauth_config.scopes.bot).
BOT_SCOPES = {
    "app_mentions:read": "app_mention events",
    "channels:history": "message.channels: replies in a conversation's thread, public channels",
    "groups:history": "message.groups: the same in private channels",
    "im:history": "message.im: direct messages",
    "chat:write": "chat.postMessage, chat.update",
    "im:write": "conversations.open: the DM for /declbot and App Home buttons",
    "mpim:history": "message.mpim: replies in a conversation's thread, group direct messages",
    "commands": "/declbot",
    "files:read": "downloading shared workbooks (url_private_download, files.info)",
    "files:write": "files_upload_v2: the finished workbook",
}

__all__ = ["BOT_EVENTS", "BOT_SCOPES", "Deps", "register_all"]


def register_all(app: App, deps: Deps) -> None:
    middleware.register(app, deps.store)
    early.register(app, deps)
    messages.register(app, deps)
    mentions.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    modals.register(app, deps)
    home.register(app, deps)
