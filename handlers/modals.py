"""A whole row in a modal: a task's sub-row or an indicator entered or edited at once.

* A 「用表单填写」 button on a task or indicator question, or 「用表单修改」 next to a finding's
  「去修改」, opens the row's modal (``views.open`` with the click's trigger_id, which Slack
  honours for 3 seconds: the row is read in a short turn, then the view is opened). A question's
  button clicked after its question was answered opens nothing: the message says the question
  was answered, and the engine's reply says where the conversation is.
* Choosing another 一级 or 二级 redraws the modal (``views.update``) with that pair's library
  names.
* Submitting it saves the row through the engine in one conversation turn
  (:meth:`bot.engine.Engine.save_row`, before the acknowledgement: a turn takes milliseconds).
  A field the engine refuses is shown on its input (``response_action: errors``) and nothing
  is saved; once saved, the modal closes and the replies (what was recorded, any notes, the
  next question) are posted where the conversation is.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.conversation import split_choice
from bot.row_entry import RowEntry
from bot.types import Reply, Turn
from handlers.actions import mark_answered
from handlers.blocks import FORM_ACTION_ID
from handlers.deps import Deps
from handlers.modal_view import (
    LEVEL_ACTION_ID,
    ROW_CALLBACK_ID,
    ModalMeta,
    modal_errors,
    redrawn,
    row_modal,
    submitted_values,
)
from handlers.outbox import SLACK_FAILURES, failure_reason, notify
from handlers.places import Click, Place
from handlers.texts import text
from handlers.turns import deliver, finish_turn

log = logging.getLogger(__name__)


def open_row_form(deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    click = Click.of(body, context.team_id)
    user, channel, ts, message = click.user, click.channel, click.ts, click.message
    if not channel or not ts:
        return
    place = click.place()
    value, question = split_choice(str(action.get("value") or ""))
    found = deps.engine.row_form(Turn(place.conversation, user, shared=place.shared),
                                 value.removeprefix("form:"), question)
    if isinstance(found, Reply):
        if found.kind == "stale_choice":
            mark_answered(deps, client, channel, ts, message, user)
        deliver(deps, client, place, user, [found])
        return
    meta = ModalMeta(place.conversation, place.channel, place.thread_ts, place.shared, found.target,
                     found.question, found.kind, found.where, found.lang)
    try:
        client.views_open(trigger_id=body.get("trigger_id"), view=row_modal(found, meta))
    except SLACK_FAILURES as e:
        log.warning("row form not opened for %s: %s", user, e)
        notify(client, place, text(found.lang, "form_failed", error=failure_reason(e)))


def redraw(client: WebClient, body: dict[str, Any]) -> None:
    """A select changed in a row's modal: the modal again, with the chosen pair's names."""
    view = body.get("view") or {}
    meta = ModalMeta.load(view.get("private_metadata"))
    if meta is None or not view.get("id"):
        return
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=redrawn(view, meta))
    except SLACK_FAILURES as e:  # an older state of the view, or Slack down: the modal still works
        log.info("row form %s not redrawn: %s", view.get("id"), e)


def submit_row(deps: Deps, ack: Ack, client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    user = body["user"]["id"]
    meta = ModalMeta.load(view.get("private_metadata"))
    if meta is None:
        ack(response_action="errors", errors=modal_errors(view, {"": text(deps.lang(user), "form_expired")}))
        return
    entry = RowEntry(meta.target, submitted_values(view), meta.question, submission=view.get("id"))
    saved = deps.engine.save_row(Turn(meta.conversation, user, shared=meta.shared), entry)
    if saved.errors:
        ack(response_action="errors", errors=modal_errors(view, saved.errors))
        return
    if not saved.saved:  # the turn failed (the store is down…): say so in the modal, keep the input
        reason = saved.applied.replies[0].text if saved.applied.replies else text(meta.lang, "form_expired")
        ack(response_action="errors", errors=modal_errors(view, {"": reason}))
        return
    ack()
    place = Place(meta.conversation, meta.channel, meta.thread_ts, meta.shared)
    finish_turn(deps, client, place, user, saved.applied)


def register(app: App, deps: Deps) -> None:
    @app.action(FORM_ACTION_ID)
    def on_form_button(ack: Ack, client: WebClient, context: BoltContext, body: dict[str, Any],
                       action: dict[str, Any]) -> None:
        ack()
        open_row_form(deps, client, context, body, action)

    @app.action(LEVEL_ACTION_ID)
    def on_level(ack: Ack, client: WebClient, body: dict[str, Any]) -> None:
        ack()
        redraw(client, body)

    @app.view(ROW_CALLBACK_ID)
    def on_submit(ack: Ack, client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_row(deps, ack, client, body, view)
