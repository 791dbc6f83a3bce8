"""The route of the request being processed (:mod:`handlers.routing_logic`), worked out once —
by the first middleware, before the acknowledgement — and kept in the Bolt context, where the
later middleware and the listeners find it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt import BoltContext

from bot.store import Store, StoreError
from handlers.routing_logic import IsConversation, Route, route_body

log = logging.getLogger(__name__)

#: Context key of the request's route.
ROUTE = "declbot_route"


def conversation_predicate(store: Store) -> IsConversation:
    """Whether a channel thread is a conversation, asked of the store; a thread is not taken
    for one while the store cannot say (nothing is lost: the person is answered when they
    @mention the app, and the engine then says whether the store is down)."""

    def is_conversation(key: str) -> bool:
        try:
            return store.has_conversation(key)
        except StoreError as e:
            log.warning("could not tell whether %s is a conversation: %s", key, e)
            return False

    return is_conversation


def route_of(store: Store, body: Mapping[str, Any], context: BoltContext) -> Route:
    """The request's route (worked out on first use)."""
    route = context.get(ROUTE)
    if route is None:
        route = route_body(body, team=context.team_id or "", bot_user_id=context.bot_user_id,
                           is_conversation=conversation_predicate(store))
        context[ROUTE] = route
    return route
