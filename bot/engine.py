"""The conversation engine: one turn in, replies out. Front ends own no conversation logic.

The engine keeps the transaction, the ordering and the error mapping; what a message means
is :mod:`bot.routing`'s business. Each turn runs inside one store transaction that locks the
conversation, so two turns of the same conversation never interleave, and a failure saves
nothing. Reading a pasted or uploaded form happens before that transaction, and whole-form
work (check, export) after it (:mod:`bot.jobs`), so neither keeps the conversation locked.

Front ends that can answer before the heavy work is done (Slack, which wants an answer within
3 seconds) call :meth:`Engine.apply`, post its replies, then :meth:`Engine.run_jobs`; the
others call :meth:`Engine.handle`, which does both.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import jobs, row_entry
from bot.conversation import Conversation, Imported
from bot.messages import msg
from bot.render import draft_title, progress_text
from bot.routing import route
from bot.store import AccessDenied, DraftChanged, DraftInfo, Store, StoreUnavailable
from bot.types import Applied, Job, Reply, Turn
from form_model.checker import check
from form_model.importers import FormReadError, load_bytes, read_text

log = logging.getLogger(__name__)

#: A shared conversation's messages that arrive at the same moment are applied in message
#: order: each waits this long for a sibling to announce itself, then at most
#: ORDER_WAIT_SECONDS for earlier ones (whose tickets older than the max age are stale). The
#: wait happens before Slack's acknowledgement, so it stays well inside Slack's 3 seconds.
ORDER_GRACE_SECONDS = 0.15
ORDER_WAIT_SECONDS = 1.5
ORDER_TICKET_MAX_AGE = timedelta(seconds=30)
#: A turn whose draft another conversation changed meanwhile is run again, at most this often.
TURN_ATTEMPTS = 3
FORM_LABELS = ("部门名称", "预算整体情况", "总体绩效目标", "年度重点工作任务", "绩效指标", "一级指标")


def looks_like_form(text: str) -> bool:
    """A pasted form, not an answer: several of the form's labels, in a tabular paste."""
    hits = sum(1 for label in FORM_LABELS if label in text)
    return hits >= 2 and ("\t" in text or text.count("\n") >= 4)


def warm_up() -> None:
    """Build what the first turns would otherwise build (the matchers with their pinyin
    indexes, the library, the label vocabulary, openpyxl), then move these long-lived objects
    out of the garbage collector's way so that full collections stay short in a long-running
    server (and in the benchmarks)."""
    import gc

    from bot.labelled import vocabulary
    from bot.routing import choice_words
    from form_model.exporter import write_form
    from form_model.framework import framework
    from form_model.matching import Column, match
    from form_model.models import Form

    match("质量", Column.LEVEL1)
    match("质量", Column.LEVEL2)
    match("质量", Column.LEVEL3)
    for level1, level2 in framework().printed_pairs():
        match("数量", Column.LEVEL3, level1=level1, level2=level2)
    vocabulary()
    choice_words()
    write_form(Form())
    check(Form())
    gc.collect()
    gc.freeze()


def read_attachment(turn: Turn) -> Imported | None:
    """A file or a pasted form, read before the turn's transaction."""
    if turn.file is not None:
        try:
            return Imported(load_bytes(turn.file.data, turn.file.name), None, "file", turn.file.name)
        except FormReadError as e:
            return Imported(None, (e.message, e.message_en), "file", turn.file.name)
    if turn.text and not turn.choice and looks_like_form(turn.text):
        try:
            return Imported(read_text(turn.text), None, "paste")
        except FormReadError as e:
            return Imported(None, (e.message, e.message_en), "paste")
    return None


class Engine:
    """Conversation logic over a :class:`~bot.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def handle(self, turn: Turn) -> list[Reply]:
        """Apply a turn and do its whole-form work: all its replies."""
        applied = self.apply(turn)
        return applied.replies + self.run_jobs(applied.jobs)

    def run_jobs(self, pending: list[Job]) -> list[Reply]:
        replies: list[Reply] = []
        for job in pending:
            try:
                replies += jobs.run(self.store, job)
            except StoreUnavailable:
                replies.append(Reply(msg(job.lang, "store_unavailable")))
            except Exception:
                log.exception("job %s failed in %s", job.kind, job.conversation)
                replies.append(Reply(msg(job.lang, "internal_error")))
        return replies

    def shared_job(self, user: str, kind: str, draft_id: int,
                   lang: str | None = None) -> tuple[str | None, list[Reply]]:
        """Check or export (``kind``) a thread's shared draft the person took part in, from
        outside its thread (Slack's ``/declbot`` in the person's DM): the draft's title and its
        replies, less those that offer choices ("go and fix …": they belong to the thread's
        conversation, not to where these are shown). Any other draft: no title, "not your
        draft"."""
        try:
            lang = lang or self.store.get_lang(user) or "zh"
            found = next(((c, d) for c, d in self.store.shared_drafts_of(user) if d.id == draft_id), None)
        except StoreUnavailable:
            return None, [Reply(msg(lang or "zh", "store_unavailable"))]
        if found is None or kind not in ("check", "export"):
            return None, [Reply(msg(lang, "not_your_draft"))]
        conversation, info = found
        job = Job(kind=kind, conversation=conversation, owner=info.owner, user=user, lang=lang,
                  draft_id=info.id, question=-1)  # no question of the thread's is answered here
        return draft_title(info.header, lang), [r for r in self.run_jobs([job]) if not r.choices]

    def row_form(self, turn: Turn, target: str, question: int | None = None) -> row_entry.RowForm | Reply:
        """The form of a whole row (:mod:`bot.row_entry`) as it opens in the turn's conversation:
        the row's values now; or a reply saying why it does not open (the question it was
        offered with was answered meanwhile: ``kind == "stale_choice"``; the row is gone; the
        store is down). Nothing is recorded."""
        opened: list[row_entry.RowForm | Reply] = []
        applied = self._run(turn, lambda conv: opened.append(row_entry.open_form(conv, target, question)))
        if opened:
            return opened[-1]
        return applied.replies[0] if applied.replies else Reply(msg("zh", "internal_error"))

    def save_row(self, turn: Turn, entry: row_entry.RowEntry) -> RowSaved:
        """A whole row submitted in a form, checked and written as one turn of the turn's
        conversation (history, undo, the row's ids, the next question); nothing is written
        unless every field is valid (then ``errors`` says why, per field)."""
        outcome = row_entry.RowOutcome()
        applied = self._run(turn, lambda conv: row_entry.save(conv, entry, outcome))
        return RowSaved(dict(outcome.errors), outcome.saved, applied)

    def apply(self, turn: Turn) -> Applied:
        """The turn's own work, inside its transaction; whole-form work is left as jobs."""
        return self._run(turn, route)

    def _run(self, turn: Turn, act: Callable[[Conversation], None]) -> Applied:
        """A turn of the conversation in its transaction, ``act`` doing its work."""
        lang = "zh"
        ticket = bool(turn.shared and turn.order_key)
        try:
            imported = read_attachment(turn)
            if ticket:
                self.wait_for_earlier(turn)
            for attempt in range(1, TURN_ATTEMPTS + 1):
                try:
                    applied, lang = self._apply_once(turn, imported, ticket, act)
                    break
                except DraftChanged:
                    if attempt == TURN_ATTEMPTS:
                        raise
                    log.info("draft changed under a turn of %s: running it again", turn.conversation)
            ticket = False
            return applied
        except StoreUnavailable:
            log.warning("store unavailable for %s", turn.conversation)
            return Applied([Reply(msg(lang, "store_unavailable"))])
        except AccessDenied:
            return Applied([Reply(msg(lang, "not_your_draft"))])
        except Exception:
            log.exception("turn failed in %s", turn.conversation)
            return Applied([Reply(msg(lang, "internal_error"))])
        finally:
            if ticket:  # the turn failed: do not hold back later messages
                with contextlib.suppress(StoreUnavailable):
                    self.store.drop_ticket(turn.conversation, turn.order_key)  # type: ignore[arg-type]

    def _apply_once(self, turn: Turn, imported: Imported | None, ticket: bool,
                    act: Callable[[Conversation], None]) -> tuple[Applied, str]:
        new_lang = None
        with self.store.turn(turn.conversation, turn.owner, user=turn.user, event_id=turn.event_id) as st:
            lang = st.lang or "zh"
            if turn.event_id and st.event_done:
                log.info("event %s was already applied: not again", turn.event_id)
                applied = Applied([])
            else:
                conv = Conversation(st, turn, lang, imported)
                act(conv)
                conv.finish()
                new_lang, lang = conv.new_lang, conv.lang
                applied = Applied(conv.replies, conv.jobs)
                if turn.shared:
                    st.join(turn.user)
                if turn.event_id:
                    st.complete_event(turn.event_id)
            if ticket and not turn.keep_ticket:
                st.drop_ticket(turn.order_key)  # type: ignore[arg-type]
        if new_lang:
            self.store.set_lang(turn.user, new_lang)
        return applied, lang

    def wait_for_earlier(self, turn: Turn) -> None:
        """In a shared conversation, let a message that was sent earlier but arrived at the same
        moment go first: take a ticket, give the other a moment to take its own, then wait
        (boundedly) while an earlier one is still waiting."""
        key = turn.order_key or ""
        self.store.take_ticket(turn.conversation, key)
        time.sleep(ORDER_GRACE_SECONDS)
        deadline = time.monotonic() + ORDER_WAIT_SECONDS
        while time.monotonic() < deadline and self.store.earlier_tickets(
            turn.conversation, key, ORDER_TICKET_MAX_AGE
        ):
            time.sleep(0.02)


@dataclass(frozen=True)
class RowSaved:
    """A row submitted in a form: ``errors`` (field key → why; nothing was saved), or
    ``saved``, with the turn's replies (neither: the turn failed, and its reply says why)."""

    errors: dict[str, str]
    saved: bool
    applied: Applied


@dataclass(frozen=True)
class DraftOverview:
    """One draft as the App Home lists it (from its stored summary: nothing is re-checked)."""

    id: int
    title: str
    updated_at: datetime
    #: None: not checked since it last changed.
    complete: bool | None
    counts: dict[str, int]
    progress: str
    #: The shared conversation (a channel thread) it belongs to; None for the person's own.
    place: str | None = None


def _listed(store: Store, user: str) -> list[tuple[str | None, DraftInfo]]:
    return [(None, d) for d in store.drafts_of(f"user:{user}")] + list(store.shared_drafts_of(user))


def overview(store: Store, user: str, lang: str | None = None) -> list[DraftOverview]:
    """A person's own drafts (newest first), then the drafts of threads they took part in,
    each from the summary kept with it (nothing is checked here: :func:`refresh_summaries`)."""
    lang = lang or store.get_lang(user) or "zh"
    out = []
    for place, d in _listed(store, user):
        s = d.summary or {}
        fresh = bool(s) and s.get("version") == d.version
        progress = (s.get("progress") or {}).get(lang) if fresh else None
        out.append(DraftOverview(
            id=d.id, title=draft_title(d.header, lang), updated_at=d.updated_at,
            complete=s.get("complete") if fresh else None,
            counts={"error": s.get("errors", 0), "warning": s.get("warnings", 0), "info": s.get("infos", 0)},
            progress=progress or progress_text(d.summary, d.version, lang), place=place,
        ))
    return out


def refresh_summaries(store: Store, user: str) -> int:
    """Check the person's drafts whose kept summary is missing or older than the draft, and
    keep the new summaries; how many were refreshed (App Home shows the old ones meanwhile)."""
    refreshed = 0
    for _, d in _listed(store, user):
        if d.summary and d.summary.get("version") == d.version:
            continue
        jobs.check_and_keep(store, store.snapshot(d.id, d.owner))  # as the chat's check does
        refreshed += 1
    return refreshed
