"""Edited and deleted messages of a conversation.

The engine took the message as it was sent (its value may already have been saved, and the
conversation moved on), so an edit is not taken: the person is told so plainly, with the text
that stands; a deletion withdraws nothing, and they are told how to (「撤销」). Told once per
edit or deletion (claimed in the database: Slack may deliver an event more than once), in the
person's language, where the message was.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.files import file_name
from handlers.long_text import clip
from handlers.outbox import notify
from handlers.routing_logic import Kind, Route
from handlers.texts import text

log = logging.getLogger(__name__)

#: How much of the original message a notice quotes.
QUOTE_LIMIT = 200


def quoted(route: Route, lang: str) -> str:
    """What the message said (or which files it shared), for the notice."""
    if route.text.strip():
        return clip(" ".join(route.text.split()), QUOTE_LIMIT)
    return "、".join(file_name(f) for f in route.files) or text(lang, "edit_no_text")


def notice(route: Route, lang: str) -> str:
    key = "edit_not_taken" if route.kind is Kind.EDIT else "deletion_not_taken"
    return text(lang, key, original=quoted(route, lang))


def acknowledge(deps: Deps, client: WebClient, route: Route) -> None:
    """Tell the person, once, that their edit or deletion changes nothing recorded."""
    if route.place is None or route.claim_key is None:
        return
    if deps.claim(route.claim_key):  # (the store down: better told twice than never)
        notify(client, route.place, notice(route, deps.lang(route.user)))
