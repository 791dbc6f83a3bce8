"""Global middleware: drop what is not for us, process each event once, clean up on failure.

* Every request is routed once (:mod:`handlers.routing`). Noise — other bots' messages, our
  own, joins and other subtypes, channel chatter, a mention's duplicate message event — is
  acknowledged with 200 and dropped: never left unmatched, which would answer 404 and make
  Slack retry.
* A typed message is applied by the engine at most once (it records the event as applied in
  the turn's own transaction and checks that under the conversation's lock), so it needs no
  claim here. Every other event_id is claimed in the database before it is processed, so a duplicate delivery is
  processed once, whichever process gets it. A retry (X-Slack-Retry-Num: Slack got no answer,
  so the claiming process died or hung) may take over a claim whose turn was never applied;
  the engine records "applied" in the turn's own transaction, so it is never applied twice.
  A claim is released when processing then fails, so that a retry can succeed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse

from bot.store import Store, StoreError
from handlers.routing import route_of
from handlers.routing_logic import Kind

log = logging.getLogger(__name__)

#: Context key holding the event id this request claimed.
CLAIMED = "declbot_claimed_event"
#: Claims older than this are deleted (Slack retries within minutes).
CLAIM_TTL = timedelta(days=1)
PRUNE_EVERY_SECONDS = 3600.0


def drop_noise(store: Store) -> Callable[..., BoltResponse | None]:
    def drop(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
        route = route_of(store, body, context)
        if route.kind is Kind.NOISE:
            log.debug("dropped: %s", route.reason)
            return BoltResponse(status=200, body="")
        next()
        return None

    return drop


class EventClaims:
    """Claims event ids in the store; prunes old claims now and then."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pruned_at = 0.0

    def dedupe(self, body: dict[str, Any], request: BoltRequest, context: BoltContext,
               next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and route_of(self.store, body, context).kind is not Kind.TEXT:
            retry = request.headers.get("x-slack-retry-num", [None])[0]
            try:
                first = self.store.claim_event(event_id, retry=bool(retry))
            except StoreError as e:  # process anyway: the person is told the store is down
                log.warning("event %s not claimed (%s); processing it", event_id, e)
                first = True
            else:
                if first:
                    context[CLAIMED] = event_id
                self._prune()
            if not first:
                log.info("event %s already processed (retry %s): dropped", event_id, retry)
                return BoltResponse(status=200, body="")
        next()
        return None

    def _prune(self) -> None:
        now = time.monotonic()
        if self._pruned_at and now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        try:
            self.store.prune_events(CLAIM_TTL)
        except StoreError as e:
            log.warning("old event claims not pruned: %s", e)

    def on_error(self, error: Exception, context: BoltContext, body: dict[str, Any]) -> None:
        """The app's error handler: log, and release the failed event's claim."""
        log.error("processing %s failed", body.get("event_id") or body.get("type"), exc_info=error)
        event_id = context.get(CLAIMED)
        if event_id:
            try:
                self.store.release_event(event_id)
            except StoreError as e:
                log.warning("claim on %s not released: %s", event_id, e)


def register(app: App, store: Store) -> None:
    claims = EventClaims(store)
    app.use(drop_noise(store))
    app.use(claims.dedupe)
    app.error(claims.on_error)
