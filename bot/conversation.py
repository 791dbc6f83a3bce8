"""One turn's working context: the state, the active draft, the replies so far.

The jobs of a turn live in their own modules and share this context: :mod:`bot.routing`
(what a message is), :mod:`bot.answering` (answers to the current question),
:mod:`bot.placing` (labelled items, wherever they belong), :mod:`bot.commanding` (commands)
and :mod:`bot.drafting` (drafts: new, switch, paste, upload).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.messages import msg
from bot.prompts import current_value, library_names, params, where
from bot.row_entry import row_target_at
from bot.state import Pending, Pos, RowIds, Scope, State, load_state
from bot.steps import DONE, step_of
from bot.store import INDICATOR, ITEM, TASK, Change, Draft
from bot.store import Turn as StoreTurn
from bot.types import Choice, Job, OutFile, Reply, Turn
from bot.walk import Nav, advance, valid
from form_model.models import Form

TRAIL_MAX = 100
#: Separator of a choice's value and the id of the question that offered it.
QUESTION_MARK = "~"


@dataclass
class Imported:
    """A workbook or paste read before the turn (outside the conversation's lock)."""

    form: Form | None
    error: tuple[str, str] | None  # (zh, en) reason
    source: str  # message key args: how to name it
    name: str = ""


def split_choice(value: str) -> tuple[str, int | None]:
    """A choice's value and the question it belongs to (None: valid at any time)."""
    head, sep, tail = value.rpartition(QUESTION_MARK)
    if sep and tail.isdigit():
        return head, int(tail)
    return value, None


class Conversation:
    def __init__(self, st: StoreTurn, turn: Turn, lang: str, imported: Imported | None = None) -> None:
        self.st = st
        self.turn = turn
        self.lang = lang
        self.new_lang: str | None = None
        self.imported = imported
        self.actor = turn.user
        st.actor = self.actor
        self.draft: Draft = st.active()
        raw = st.state
        ids = self._row_ids() if raw and "version" not in raw else None
        self.state: State = load_state(raw, ids)
        self.nav = Nav(self.draft)
        self.replies: list[Reply] = []
        self.jobs: list[Job] = []

    def _row_ids(self) -> RowIds:
        tasks = self.draft.tasks()
        return RowIds(
            tasks=[t.id for t in tasks],
            items=[[i.id for i in self.draft.items(t.id)] for t in tasks],
            indicators=[r.id for r in self.draft.rows.rows(INDICATOR)],
        )

    # ---- words ---------------------------------------------------------------------------

    def m(self, key: str, **values: object) -> str:
        return msg(self.lang, key, **values)

    # ---- position --------------------------------------------------------------------------

    @property
    def pos(self) -> Pos:
        return self.state.pos

    def set_pos(self, pos: Pos, *, remember: bool = True) -> None:
        if remember and pos != self.state.pos:
            self.state.trail.append(self.state.pos)
            del self.state.trail[:-TRAIL_MAX]
        self.state.pos = pos

    def enter_scope(self, pos: Pos, kind: str) -> None:
        """Go to ``pos`` for an edit reaching ``kind`` (see :func:`in_scope`); the walk comes
        back to where the person was (the first edit's place, when edits nest)."""
        if self.state.scope is None:
            self.state.return_to = self.current_pos()
        self.state.scope = Scope(kind=kind, pos=pos)  # type: ignore[arg-type]
        self.set_pos(pos)

    def current_pos(self) -> Pos:
        """The position, repaired if the draft changed under it."""
        pos = valid(self.nav, self.state.pos)
        self.state.pos = pos
        return pos

    # ---- replies ---------------------------------------------------------------------------

    def say(self, text: str, choices: list[Choice] | None = None, file: OutFile | None = None) -> None:
        """Add a reply. Its choices (when given, even none) become the ones a typed number or
        label may pick next; a reply without them leaves the current ones in place."""
        if choices is not None:
            asked = self.state.question + 1  # the new question: its choices carry its id
            choices = [self._mark(c, asked) for c in choices]
            self.state.offer(choices)
        self.replies.append(Reply(text, tuple(choices or ()), file))

    def _mark(self, choice: Choice, question: int) -> Choice:
        """Step choices carry the id of the question that offers them; commands and "go to"
        choices are valid at any time."""
        head = choice.value.partition(":")[0]
        if head in ("cmd", "goto", "open", "export_draft"):
            return choice
        return Choice(choice.label, f"{choice.value}{QUESTION_MARK}{question}", choice.form)

    def question(self, pos: Pos) -> tuple[str, list[Choice]]:
        """The text and choices of the question at a position."""
        step = step_of(pos)
        if self.state.mode == "carry" and step.carry_ask is not None:
            from bot import carrying

            return carrying.question(self, pos)  # it shows last year's value and today's
        values = params(self.nav, pos, self.lang)
        text = self.m(step.ask_for(self.nav), **values)
        choices: list[Choice] = []
        if step.id == DONE:
            return text, [Choice(self.m("choice_check"), "cmd:check"),
                          Choice(self.m("choice_export"), "cmd:export")]
        if step.id == "ind.name" and pos.ind is None:
            choices += [Choice(n, f"pick:{n}") for n in library_names(self.nav, pos)[:3]]
            choices.append(Choice(self.m("choice_no_indicator"), "ind.name:skip"))
        elif step.id == "ind.annual_value":
            period = self.nav.value(f"indicator:{pos.ind}.period_value") if pos.ind else None
            if period:
                choices.append(Choice(self.m("choice_same"), "ind.annual_value:same"))
        else:
            choices += [Choice(self.m(label), f"{step.id}:{key}") for key, label in step.choices]
        if step.optional and step.target is not None and step.id != "ind.name":
            choices.append(Choice(self.m("choice_skip"), f"{step.id}:skip"))
        row = row_target_at(pos)
        if row is not None:  # the whole row in one form, where the front end has forms
            choices.append(Choice(self.m("choice_form"), f"form:{row}", form=True))
        return text + current_value(self.nav, pos, self.lang), choices

    def enter_draft(self, draft: Draft, pos: Pos) -> None:
        """Make ``draft`` the one being worked on (the current one keeps its place), asked
        from ``pos`` with nothing left open."""
        self.state.positions[str(self.draft.id)] = self.state.pos
        self.draft, self.nav = draft, Nav(draft)
        self.restart_walk(pos)

    def restart_walk(self, pos: Pos) -> None:
        """Ask from ``pos``, with no edit, trail or open question left over."""
        self.state.trail, self.state.pending, self.state.scope, self.state.return_to = [], None, None, None
        self.state.pos = pos

    def take_pending(self, kind: str) -> Pending | None:
        """The open question of ``kind`` this turn answers, cleared; None (and cleared) when the
        open question is another, or there is none."""
        pending, self.state.pending = self.state.pending, None
        return pending if pending is not None and pending.kind == kind else None

    def prompt(self, prefix: str | None = None, extra: list[Choice] | None = None) -> None:
        """Ask the current question (after ``prefix``, e.g. what was just recorded)."""
        pos = self.current_pos()
        text, choices = self.question(pos)
        here = where(self.nav, pos, self.lang)
        body = f"【{here}】\n{text}" if here else text
        if prefix:
            body = f"{prefix}\n\n{body}"
        self.say(body, (extra or []) + choices)

    def move_on(self, prefix: str | None = None, choice: str | None = None,
                extra: list[Choice] | None = None) -> None:
        """The current question was answered: go to the next one (or back, after an edit)."""
        scope = self.state.scope
        if scope is not None and scope.kind == "field" and self.state.return_to is not None:
            nxt = Pos(step=DONE)  # an edit of one field ends with its answer: no walk onwards
        else:
            nxt = advance(self.nav, self.current_pos(), choice)
        if self.state.mode == "carry" and (scope is None or not in_scope(scope.kind, scope.pos, nxt, self.nav)):
            from bot import carrying

            self.state.scope, self.state.return_to = None, None
            carrying.move_on(self, prefix, extra)
            return
        if scope is not None and not in_scope(scope.kind, scope.pos, nxt, self.nav):
            back = self.state.return_to or nxt
            self.state.scope = None
            self.state.return_to = None
            self.set_pos(back)
            from bot.walk import resume_at

            self.state.pos = resume_at(self.nav, back)
            returned = self.m("returned")
            self.prompt(f"{prefix}\n{returned}" if prefix else returned, extra)
            return
        self.set_pos(nxt)
        self.prompt(prefix, extra)

    # ---- changing the draft ----------------------------------------------------------------

    def change(self, path: str, value: Any) -> Change | None:
        """Set a field. A value that was 「沿用上年」 is now the person's: its mark goes."""
        found = self.draft.set(path, value)
        if path != "carried":
            marks = self.draft.header.get("carried") or []
            if path in marks:
                self.draft.set("carried", [p for p in marks if p != path])
        self.nav.forget()
        return found

    def add_task(self, name: str) -> int:
        ord_ = self.draft.rows.ord_after(TASK, None)
        row_id = self.draft.insert(TASK, {"name": name}, ord=ord_)
        self.nav.forget()
        return row_id

    def add_item(self, task_id: int, fields: dict[str, Any]) -> int:
        ord_ = self.draft.rows.ord_after(ITEM, None, parent_id=task_id)
        row_id = self.draft.insert(ITEM, fields, ord=ord_, parent_id=task_id)
        self.nav.forget()
        return row_id

    def add_indicator(self, level1: str, level2: str, name: str, **values: str) -> int:
        """A new indicator at the end of its pair (the pair placed in the walk's order)."""
        ord_ = self._indicator_place(level1, level2)
        row_id = self.draft.insert(INDICATOR, {"level1": level1, "level2": level2, "name": name} | values,
                                   ord=ord_)
        self.nav.forget()
        return row_id

    def _indicator_place(self, level1: str, level2: str) -> float:
        outline = {(p.level1, p.level2): p for p in self.draft.outline()}
        if (level1, level2) in outline:
            return self.draft.rows.ord_after(INDICATOR, outline[(level1, level2)].last_ord)
        pairs = self.nav.walk_pairs()
        order = {p: n for n, p in enumerate(pairs)}
        mine = order.get((level1, level2), len(pairs))
        before = [p.last_ord for key, p in outline.items() if order.get(key, len(pairs)) < mine]
        after = max(before) if before else None
        if after is None:
            firsts = [p.first_ord for p in outline.values()]
            if firsts:
                return min(firsts) / 2
        return self.draft.rows.ord_after(INDICATOR, after)

    # ---- end -------------------------------------------------------------------------------

    def later(self, kind: str, **data: Any) -> None:
        """Work done after the turn, outside the conversation's lock (check, export …)."""
        self.jobs.append(Job(
            kind=kind, conversation=self.turn.conversation, owner=self.turn.owner,
            user=self.turn.user, lang=self.lang, draft_id=self.draft.id,
            question=self.state.question, data=data,
        ))

    def finish(self) -> None:
        self.state.positions[str(self.draft.id)] = self.state.pos
        self.st.state = self.state.dump()


def in_scope(kind: str, anchor: Pos, pos: Pos, nav: Nav) -> bool:
    """Whether an edit that started at ``anchor`` still reaches ``pos``."""
    step, start = step_of(pos), step_of(anchor)
    if kind == "field":
        return pos == anchor
    if kind == "section":
        return step.section == start.section and pos.step != DONE
    if kind == "task":
        return pos.task == anchor.task and step.group in ("task", "item") and pos.step != "task.more"
    if kind == "item":
        return pos.item == anchor.item and step.group == "item"
    if kind == "pair":
        return (pos.l1, pos.l2) == (anchor.l1, anchor.l2) and step.group == "pair"
    if kind == "indicator":
        return pos.ind == anchor.ind and step.group == "pair" and pos.step != "ind.more"
    return False
