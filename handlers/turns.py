"""One engine turn from Slack: a message (text or file) or a choice in, the replies out."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.messages import msg
from bot.types import Applied, Attachment, Job, Reply, Turn
from handlers import files
from handlers.deps import Deps
from handlers.outbox import SLACK_FAILURES, failure_reason, notify, post_reply
from handlers.places import Place
from handlers.routing_logic import Route
from handlers.texts import text as say_text

log = logging.getLogger(__name__)


def deliver(deps: Deps, client: WebClient, place: Place, user: str, replies: Sequence[Reply]) -> bool:
    """Post the replies in order (a workbook as an upload); on a Slack failure that the retry
    handlers could not overcome, stop and tell the person. True when all were delivered."""
    lang = functools.cache(lambda: deps.lang(user))  # a database read most deliveries skip
    for reply in replies:
        try:
            if reply.file is not None:
                files.send_file(client, place, reply, lang())
            else:
                post_reply(client, place, reply, lang, user)
        except SLACK_FAILURES as e:
            log.error("reply to %s not delivered: %s", place.conversation, e)
            notify(client, place, say_text(lang(), "post_failed", error=failure_reason(e)))
            return False
    return True


def take_turn(
    deps: Deps,
    client: WebClient,
    place: Place,
    user: str,
    *,
    text: str = "",
    file: Attachment | None = None,
    choice: str | None = None,
    event_id: str | None = None,
    order_key: str | None = None,
) -> bool:
    """Run one engine turn and deliver its replies, then do its whole-form work (a check, an
    export) and deliver those. An unexpected failure is told to the person and raised again
    (for the app's error handler)."""
    turn = Turn(place.conversation, user, text=text, file=file, choice=choice, shared=place.shared,
                event_id=event_id, order_key=order_key)
    return finish_turn(deps, client, place, user, apply_turn(deps, client, place, turn))


def apply_turn(deps: Deps, client: WebClient, place: Place, turn: Turn) -> Applied:
    """The turn's own work (:meth:`bot.engine.Engine.apply`); its whole-form work is left as
    jobs. An unexpected failure is told to the person and raised again."""
    try:
        return deps.engine.apply(turn)
    except Exception:
        notify(client, place, msg(deps.lang(turn.user), "internal_error"))
        raise


def finish_turn(deps: Deps, client: WebClient, place: Place, user: str, applied: Applied) -> bool:
    """Deliver an applied turn's replies, then run its jobs and deliver theirs."""
    return deliver(deps, client, place, user, applied.replies) and run_jobs(deps, client, place, user, applied.jobs)


def run_jobs(deps: Deps, client: WebClient, place: Place, user: str, jobs: Sequence[Job]) -> bool:
    """Whole-form work left by a turn (checking, exporting), done outside the conversation's
    lock, after Slack's acknowledgement: a large form's check keeps no one waiting."""
    if not jobs:
        return True
    return deliver(deps, client, place, user, deps.engine.run_jobs(list(jobs)))


def share_file(deps: Deps, client: WebClient, context: BoltContext, route: Route,
               event_id: str | None) -> bool:
    """What a person shared in a conversation: its first file, downloaded, then read by the
    engine (typed text was applied before the acknowledgement: :mod:`handlers.early`)."""
    assert route.place is not None and route.files
    place, user = route.place, route.user
    lang = deps.lang(user)
    first = route.files[0]
    if len(route.files) > 1:
        notify(client, place, say_text(lang, "file_one_at_a_time", name=files.file_name(first)))
    try:
        attachment = files.fetch(deps.settings, client, first, context.bot_token or deps.settings.bot_token, lang)
    except files.FileProblem as problem:
        return notify(client, place, problem.message)
    return take_turn(deps, client, place, user, file=attachment, event_id=event_id, order_key=route.ts)
