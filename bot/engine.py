"""The conversation engine: one turn in, replies out. Front ends own no conversation logic.

Each turn runs inside one store transaction that locks the conversation, so two turns of the
same conversation never interleave, and a failure saves nothing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot import commands as C
from bot import walk as W
from bot.answers import (
    budget_pairs,
    check_amount,
    parse_year,
    read_value,
    value_problem,
)
from bot.changes import apply_changes, diff_forms
from bot.commands import Command, normalise, parse_command, parse_lang
from bot.messages import msg
from bot.render import (
    draft_title,
    render_progress,
    render_show,
    shorten,
    where_label,
)
from bot.store import AccessDenied, NotYourDraft, Store, StoreUnavailable
from bot.store import Turn as StoreTurn
from bot.targets import resolve_target, scope_for_path
from bot.types import Choice, OutFile, Reply, Turn
from form_model.amounts import format_amount
from form_model.checker import Report, check
from form_model.exporter import ExportError, export_filename, write_form
from form_model.findings import Severity
from form_model.importers import FormReadError, load_bytes, read_text
from form_model.library import by_level2
from form_model.matching import Column, Decision, match
from form_model.models import BUDGET_FIELD_BY_ATTR, Form, Indicator, Task, TaskItem
from form_model.normalize import clean_cell_text, label_key
from form_model.report_text import finding_line, render_report, summary_line
from form_model.values import format_value, suggest

log = logging.getLogger(__name__)

#: A shared conversation's messages that arrive at the same moment are applied in message
#: order: each waits this long for a sibling to announce itself, then at most
#: ORDER_WAIT_SECONDS for earlier ones (whose tickets older than the max age are stale). The
#: wait happens before Slack's acknowledgement, so it stays well inside Slack's 3 seconds.
ORDER_GRACE_SECONDS = 0.15
ORDER_WAIT_SECONDS = 1.5
ORDER_TICKET_MAX_AGE = timedelta(seconds=30)
FORM_LABELS = ("部门名称", "预算整体情况", "总体绩效目标", "年度重点工作任务", "绩效指标", "一级指标")
TRAIL_MAX = 100
SAME_WORDS = ("同上", "同", "相同", "一样", "same", "同实施周期", "同实施周期指标值", "same as period")
CHOICE_WORDS = {
    W.TASK_MORE: {
        "item": ("再加一行", "加一行", "一行", "another row", "row", "item"),
        "task": ("再加一项任务", "再加一项", "下一项任务", "另一项任务", "加任务", "another task", "task"),
        "done": ("任务填完了", "填完了", "完成", "没有了", "没有", "done", "no", "finished"),
    },
    W.IND_MORE: {
        "another": ("再加一项", "再加", "加一项", "another", "more", "add", "add another"),
        "next_pair": ("下一个", "下一个二级指标", "下一项", "下一个二级", "没有了", "没有", "next", "no"),
    },
}


def looks_like_form(text: str) -> bool:
    """A pasted form, not an answer: several of the form's labels, in a tabular paste."""
    hits = sum(1 for label in FORM_LABELS if label in text)
    return hits >= 2 and ("\t" in text or text.count("\n") >= 4)


def warm_up() -> None:
    """Build what the first turns would otherwise build (the matchers with their pinyin
    indexes, the library, openpyxl), then move these long-lived objects out of the garbage
    collector's way so that full collections stay short in a long-running server."""
    import gc

    from form_model.framework import framework

    match("质量", Column.LEVEL1)
    match("质量", Column.LEVEL2)
    for level1, level2 in framework().printed_pairs():
        match("数量", Column.LEVEL3, level1=level1, level2=level2)
    write_form(Form())
    check(Form())
    gc.collect()
    gc.freeze()


class Engine:
    """Conversation logic over a :class:`~bot.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def handle(self, turn: Turn) -> list[Reply]:
        lang = "zh"
        ticket = bool(turn.shared and turn.order_key)
        try:
            if ticket:
                self.wait_for_earlier(turn)
            new_lang = None
            with self.store.turn(turn.conversation, turn.owner) as st:
                lang = st.lang_of(turn.user) or "zh"
                if turn.event_id and st.event_done(turn.event_id):
                    log.info("event %s was already applied: not again", turn.event_id)
                    replies: list[Reply] = []
                else:
                    session = Session(st, turn, lang)
                    replies = session.run()
                    new_lang = session.new_lang
                    if turn.event_id:
                        st.complete_event(turn.event_id)
                if ticket and not turn.keep_ticket:
                    st.drop_ticket(turn.order_key)  # type: ignore[arg-type]
            if new_lang:
                self.store.set_lang(turn.user, new_lang)
            ticket = False
            return replies
        except StoreUnavailable:
            log.warning("store unavailable for %s", turn.conversation)
            return [Reply(msg(lang, "store_unavailable"))]
        except AccessDenied:
            return [Reply(msg(lang, "not_your_draft"))]
        except Exception:
            log.exception("turn failed in %s", turn.conversation)
            return [Reply(msg(lang, "internal_error"))]
        finally:
            if ticket:  # the turn failed: do not hold back later messages
                with contextlib.suppress(StoreUnavailable):
                    self.store.drop_ticket(turn.conversation, turn.order_key)  # type: ignore[arg-type]

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
class DraftOverview:
    """One draft as the App Home lists it."""

    id: int
    title: str
    updated_at: datetime
    complete: bool
    counts: dict[str, int]
    progress: str


def overview(store: Store, user: str, lang: str | None = None) -> list[DraftOverview]:
    """A person's own drafts (newest first) with per-section progress."""
    lang = lang or store.get_lang(user) or "zh"
    out = []
    for record in store.drafts_of(f"user:{user}"):
        report = check(record.form)
        out.append(DraftOverview(
            id=record.id, title=draft_title(record.form, lang), updated_at=record.updated_at,
            complete=report.complete, counts=report.counts(),
            progress=render_progress(record.form, lang),
        ))
    return out


class Session:
    """One turn's work: reads the state, changes the form, writes replies."""

    def __init__(self, st: StoreTurn, turn: Turn, lang: str) -> None:
        self.st = st
        self.turn = turn
        self.lang = lang
        self.new_lang: str | None = None
        self.state: dict[str, Any] = st.state
        self.replies: list[Reply] = []
        self.form: Form = st.form()
        self.pos = W.valid(self.form, W.Pos.from_dict(self.state.get("pos")))

    # --- plumbing ------------------------------------------------------------------------
    def m(self, key: str, **values: object) -> str:
        return msg(self.lang, key, **values)

    def say(self, text: str, choices: list[Choice] | None = None, file: OutFile | None = None) -> None:
        """Add a reply. Its choices (when given, even none) become the ones a typed answer may
        name next; a reply without them leaves the current question's choices in place."""
        if choices is not None:
            self.state["offered"] = [[c.label, c.value] for c in choices]
        self.replies.append(Reply(text, tuple(choices or ()), file))

    def save(self, new_form: Form) -> list[Any]:
        changes = diff_forms(self.form, new_form)
        if changes:
            self.st.save_form(new_form, self.turn.user, changes)
            self.form = new_form
        return changes

    def copy(self) -> Form:
        return self.form.model_copy(deep=True)

    def set_pos(self, pos: W.Pos, *, remember: bool = True) -> None:
        if remember and pos != self.pos:
            trail = self.state.setdefault("trail", [])
            trail.append(self.pos.to_dict())
            del trail[:-TRAIL_MAX]
        self.pos = pos

    def finish(self) -> list[Reply]:
        self.state["pos"] = self.pos.to_dict()
        return self.replies

    # --- entry ---------------------------------------------------------------------------
    def run(self) -> list[Reply]:
        t = self.turn
        if self.st.created and not self.form_has_content():
            self.say(self.m("welcome"))
        if t.file is not None:
            self.import_form(lambda: load_bytes(t.file.data, t.file.name),  # type: ignore[union-attr]
                             self.m("source_file", name=t.file.name))
            return self.finish()
        if t.choice:
            self.on_choice(t.choice)
            return self.finish()
        text = t.text.strip()
        if t.greeting_if_new and self.st.created and not parse_command(text) and not looks_like_form(text):
            text = ""
        if not text:
            self.prompt()
            return self.finish()
        if looks_like_form(text):
            self.import_form(lambda: read_text(text), self.m("source_paste"))
            return self.finish()
        command = parse_command(text)
        if command and not (command.name == C.EDIT and self.edit_is_answer(command)):
            self.on_command(command)
            return self.finish()
        offered = self.offered_value(text)
        if offered:
            self.on_choice(offered)
            return self.finish()
        self.state.pop("pending", None)
        self.state.pop("paused", None)
        self.answer(text)
        return self.finish()

    def form_has_content(self) -> bool:
        return not self.form.is_empty()

    def offered_value(self, text: str) -> str | None:
        """A typed answer that names one of the choices offered in the last prompt."""
        key = label_key(text)
        for label, value in self.state.get("offered", []):
            if key and key == label_key(label):
                return value
        words = CHOICE_WORDS.get(self.pos.step, {})
        s = normalise(text)
        for value, phrases in words.items():
            if s in phrases:
                return f"{self.pos.step}:{value}"
        if self.pos.step == W.IND_ANNUAL and s in SAME_WORDS:
            return f"{W.IND_ANNUAL}:same"
        return None

    # --- prompts -------------------------------------------------------------------------
    def prompt(self, prefix: str | None = None) -> None:
        text, choices = self.question(self.pos)
        where = where_label(self.form, self.pos, self.lang)
        body = f"【{where}】\n{text}" if where else text
        if prefix:
            body = f"{prefix}\n\n{body}"
        self.say(body, choices)

    def question(self, pos: W.Pos) -> tuple[str, list[Choice]]:
        f, m = self.form, self.m
        skip = [Choice(m("choice_skip"), f"{pos.step}:skip")]
        s = pos.step
        if s == W.DEPARTMENT:
            return m("ask_department") + self.current(f.department), []
        if s == W.YEAR:
            return m("ask_year") + self.current(f.year), skip
        if s == W.BUDGET:
            value = getattr(f.budget, pos.attr)
            shown = None if value is None else format_amount(value)
            return m("ask_budget", label=BUDGET_FIELD_BY_ATTR[pos.attr].label_zh) + self.current(shown), []
        if s == W.GOAL:
            return m("ask_goal") + self.current(f.overall_goal), []
        if s == W.TASK_NAME:
            name = f.tasks[pos.t].name if pos.t < len(f.tasks) else ""
            return m("ask_task_name", n=pos.t + 1) + self.current(name), skip
        if s in (W.TASK_CONTENT, W.TASK_AMOUNT, W.TASK_GOAL):
            task = f.tasks[pos.t]
            row = m("row_n", n=pos.i + 1) if len(task.items) > 1 or pos.i > 0 else ""
            item = task.items[pos.i] if pos.i < len(task.items) else TaskItem()
            key, current = {
                W.TASK_CONTENT: ("ask_task_content", item.content),
                W.TASK_AMOUNT: ("ask_task_amount", None if item.amount is None else format_amount(item.amount)),
                W.TASK_GOAL: ("ask_task_goal", item.goal),
            }[s]
            return m(key, task=task.name, row=row) + self.current(current), []
        if s == W.TASK_MORE:
            task = f.tasks[pos.t]
            return m("ask_task_more", task=task.name, rows=len(task.items)), [
                Choice(m("choice_item"), f"{s}:item"),
                Choice(m("choice_task"), f"{s}:task"),
                Choice(m("choice_tasks_done"), f"{s}:done"),
            ]
        if s == W.OTHER:
            return m("ask_other") + self.current(f.other_tasks), skip
        if s == W.IND_NAME:
            suggestions = [x.name for x in by_level2(pos.l1, pos.l2)
                           if x.name not in {i.name for i in f.indicators}][:3]
            example = "、".join(suggestions[:2]) or "帮助转移就业人数"
            current = f.indicators[pos.k].name if pos.k >= 0 else None
            choices = [Choice(n, f"pick:{n}") for n in suggestions]
            choices.append(Choice(m("choice_no_indicator"), f"{s}:skip"))
            return m("ask_ind_name", l2=pos.l2, example=example) + self.current(current), choices
        if s == W.IND_PERIOD:
            ind = f.indicators[pos.k]
            return m("ask_ind_period", name=ind.name) + self.current(ind.period_value), []
        if s == W.IND_ANNUAL:
            ind = f.indicators[pos.k]
            choices = [Choice(m("choice_same"), f"{s}:same")] if ind.period_value else []
            return m("ask_ind_annual", name=ind.name) + self.current(ind.annual_value), choices
        if s == W.IND_MORE:
            rows = [f.indicators[k].name for k in W.rows_of_pair(f, pos.l1, pos.l2)]
            return m("ask_ind_more", l2=pos.l2, rows=len(rows), names="、".join(rows)), [
                Choice(m("choice_another"), f"{s}:another"),
                Choice(m("choice_next_pair"), f"{s}:next_pair"),
            ]
        return m("done"), [Choice(m("choice_check"), "cmd:check"), Choice(m("choice_export"), "cmd:export")]

    def current(self, value: object) -> str:
        if value in (None, ""):
            return ""
        return "\n" + self.m("current", value=shorten(str(value), 80))

    # --- moving --------------------------------------------------------------------------
    def advance(self, choice: str | None = None, prefix: str | None = None) -> None:
        nxt = W.next_pos(self.form, self.pos, choice)
        scope = self.state.get("scope")
        if scope and not self.in_scope(scope, nxt):
            back = W.valid(self.form, W.Pos.from_dict(self.state.pop("return_to", None)))
            self.state.pop("scope", None)
            self.set_pos(back)
            returned = self.m("returned")
            self.prompt(f"{prefix}\n{returned}" if prefix else returned)
            return
        self.set_pos(nxt)
        self.prompt(prefix)

    def in_scope(self, scope: dict[str, Any], pos: W.Pos) -> bool:
        kind = scope.get("kind")
        if kind == "field":
            return pos.to_dict() == scope.get("pos")
        if kind == "section":
            return pos.section is not None and pos.section.value == scope.get("section")
        if kind == "task":
            return pos.t == scope.get("t") and pos.step in (
                W.TASK_NAME, W.TASK_CONTENT, W.TASK_AMOUNT, W.TASK_GOAL)
        if kind == "pair":
            return (pos.l1, pos.l2) == (scope.get("l1"), scope.get("l2")) and pos.section is not None \
                and pos.section.value == "indicators"
        if kind == "indicator":
            return pos.k == scope.get("k") and pos.step in (W.IND_NAME, W.IND_PERIOD, W.IND_ANNUAL)
        return False

    def go(self, path: str) -> None:
        """Go to a field or section, then come back to where the person was."""
        target = W.pos_for_path(self.form, path)
        if target is None:
            self.say(self.m("edit_unknown", target=path))
            return
        if "scope" not in self.state:
            self.state["return_to"] = self.pos.to_dict()
        self.state["scope"] = scope_for_path(path, target)
        self.state.pop("pending", None)
        self.set_pos(target)
        self.prompt(self.m("edit_go", where=where_label(self.form, target, self.lang)))

    # --- answers -------------------------------------------------------------------------
    def answer(self, text: str) -> None:
        s = self.pos.step
        pairs = budget_pairs(text)
        at_budget = s == W.BUDGET and (len(pairs) >= 2 or (pairs and pairs[0][1]))
        elsewhere = len(pairs) >= 2 and all(check_amount(raw).value is not None for _, raw in pairs)
        if at_budget or elsewhere:
            self.answer_budget_pairs(pairs)
            return
        handler = {
            W.DEPARTMENT: self.answer_department,
            W.YEAR: self.answer_year,
            W.BUDGET: self.answer_budget,
            W.GOAL: self.answer_goal,
            W.TASK_NAME: self.answer_task_name,
            W.TASK_CONTENT: self.answer_task_text,
            W.TASK_AMOUNT: self.answer_task_amount,
            W.TASK_GOAL: self.answer_task_text,
            W.OTHER: self.answer_other,
            W.IND_NAME: self.answer_indicator_name,
            W.IND_PERIOD: self.answer_value,
            W.IND_ANNUAL: self.answer_value,
        }.get(s)
        if handler is None:  # a choice step or the end: the text is not an answer to anything
            self.prompt()
            return
        handler(text)

    def reason(self, error: tuple[str, str] | None) -> str:
        if not error:
            return ""
        text = error[0 if self.lang == "zh" else 1]
        return text if text.endswith(("。", ".", "！", "!")) else text + ("。" if self.lang == "zh" else ".")

    def saved(self, label: str, value: object) -> str:
        return self.m("saved", label=label, value=value)

    def answer_department(self, text: str) -> None:
        form = self.copy()
        form.department = clean_cell_text(text)
        self.save(form)
        self.advance(prefix=self.saved("部门名称", form.department))

    def answer_year(self, text: str) -> None:
        year = parse_year(text)
        if year is None:
            self.prompt(self.m("bad_year", text=text))
            return
        form = self.copy()
        form.year = year
        self.save(form)
        self.advance(prefix=self.saved("预算年度", year))

    def answer_budget(self, text: str) -> None:
        self.answer_budget_pairs([(self.pos.attr, text)])

    def answer_budget_pairs(self, pairs: list[tuple[str, str]]) -> None:
        form = self.copy()
        saved, errors = [], []
        for attr, raw in pairs:
            result = check_amount(raw)
            label = BUDGET_FIELD_BY_ATTR[attr].label_zh
            if result.value is None:
                reason = self.reason(result.error)
                errors.append(self.m("bad_amount", reason=reason, label=label))
                continue
            setattr(form.budget, attr, result.value)
            saved.append(f"{label} {format_amount(result.value)}")
        if saved:
            self.save(form)
        prefix = self.m("saved_many", items="，".join(saved)) if saved else None
        if errors:
            text = "\n".join(([prefix] if prefix else []) + errors)
            bad_attr = next(a for a, r in pairs if check_amount(r).value is None)
            self.set_pos(W.Pos(W.BUDGET, attr=bad_attr), remember=self.pos.attr != bad_attr)
            self.prompt(text)
            return
        if len(pairs) == 1 and pairs[0][0] == self.pos.attr:
            self.advance(prefix=prefix)
            return
        # Several amounts: go on with the first one still empty, or past the block.
        empty = [a for a in W.BUDGET_ATTRS if getattr(self.form.budget, a) is None]
        if self.state.get("scope"):
            self.advance(prefix=prefix)
        elif self.pos.step != W.BUDGET:
            self.prompt(prefix)
        elif empty:
            self.set_pos(W.Pos(W.BUDGET, attr=empty[0]))
            self.prompt(prefix)
        else:
            self.set_pos(W.Pos(W.GOAL))
            self.prompt(prefix)

    def answer_goal(self, text: str) -> None:
        form = self.copy()
        form.overall_goal = clean_cell_text(text)
        self.save(form)
        self.advance(prefix=self.saved("总体绩效目标", self.short(form.overall_goal)))

    def short(self, text: str, n: int = 40) -> str:
        return shorten(text, n)

    def answer_task_name(self, text: str) -> None:
        form = self.copy()
        name = clean_cell_text(text)
        if self.pos.t < len(form.tasks):
            form.tasks[self.pos.t].name = name
        else:
            form.tasks.append(Task(name=name))
            self.pos = W.Pos(W.TASK_NAME, t=len(form.tasks) - 1)
        self.save(form)
        self.advance(prefix=self.saved("名称", name))

    def answer_task_text(self, text: str) -> None:
        form = self.copy()
        task = form.tasks[self.pos.t]
        while len(task.items) <= self.pos.i:
            task.items.append(TaskItem())
        item = task.items[self.pos.i]
        value = clean_cell_text(text)
        if self.pos.step == W.TASK_CONTENT:
            item.content, label = value, "主要实施内容"
        else:
            item.goal, label = value, "期望达到的目标"
        self.save(form)
        self.advance(prefix=self.saved(label, self.short(value)))

    def answer_task_amount(self, text: str) -> None:
        result = check_amount(text)
        if result.value is None:
            reason = self.reason(result.error)
            self.prompt(self.m("bad_amount", reason=reason, label="拟投入的资金"))
            return
        form = self.copy()
        task = form.tasks[self.pos.t]
        while len(task.items) <= self.pos.i:
            task.items.append(TaskItem())
        task.items[self.pos.i].amount = result.value
        self.save(form)
        self.advance(prefix=self.saved("拟投入的资金（万元）", format_amount(result.value)))

    def answer_other(self, text: str) -> None:
        form = self.copy()
        form.other_tasks = clean_cell_text(text)
        self.save(form)
        self.advance(prefix=self.saved("其他需完成的任务", self.short(form.other_tasks)))

    def answer_indicator_name(self, text: str) -> None:
        typed = clean_cell_text(text)
        if self.pos.k >= 0:  # renaming an existing indicator
            self.set_indicator_name(typed, typed)
            return
        result = match(typed, Column.LEVEL3, level1=self.pos.l1, level2=self.pos.l2)
        if result.decision == Decision.CERTAIN and result.name:
            self.set_indicator_name(result.name, typed)
        elif result.decision == Decision.AMBIGUOUS:
            self.state["pending"] = {"kind": "pick_name", "typed": typed, "pos": self.pos.to_dict()}
            choices = [Choice(c.name, f"pick:{c.name}") for c in result.candidates]
            choices.append(Choice(self.m("keep_typed", typed=typed), f"pick:{typed}"))
            self.say(self.m("ambiguous", typed=typed), choices)
        else:
            self.set_indicator_name(typed, typed)

    def set_indicator_name(self, name: str, typed: str) -> None:
        form = self.copy()
        pos = self.pos
        if pos.k >= 0:
            form.indicators[pos.k].name = name
            k = pos.k
        else:
            k = W.insert_indicator_index(form, pos.l1, pos.l2)
            form.indicators.insert(k, Indicator(level1=pos.l1, level2=pos.l2, name=name))
        self.save(form)
        self.pos = replace(pos, k=k)
        echo = self.m("matched", name=name, typed=typed) if name != typed else self.saved("三级指标", name)
        self.advance(prefix=echo)

    def answer_value(self, text: str, *, same: bool = False) -> None:
        ind = self.form.indicators[self.pos.k]
        raw = ind.period_value if same else text.strip()
        value = read_value(raw)
        problem = value_problem(value, ind.name)
        if problem:
            reason = problem[0 if self.lang == "zh" else 1]
            self.prompt(self.m("bad_value", text=raw, reason=reason))
            return
        form = self.copy()
        normalised = format_value(value) if raw else ""
        attr = "period_value" if self.pos.step == W.IND_PERIOD else "annual_value"
        setattr(form.indicators[self.pos.k], attr, normalised)
        self.save(form)
        label = "实施周期指标值" if attr == "period_value" else "年度指标值"
        prefix = self.saved(label, normalised)
        hint = suggest(value, ind.name)
        if hint and hint != normalised:
            prefix += "\n" + self.m("value_hint", hint=hint)
        self.advance(prefix=prefix)

    # --- choices -------------------------------------------------------------------------
    def on_choice(self, value: str) -> None:
        head, _, arg = value.partition(":")
        if head == "cmd":
            self.on_command(Command(arg))
            return
        if head == "goto" or head == "edit":
            self.go(arg)
            return
        if head == "import":
            self.on_import_choice(arg)
            return
        if head in ("open", "export_draft"):
            self.open_draft(arg, export=head == "export_draft")
            return
        if head == "pick":
            pending = self.state.pop("pending", None)
            if pending and pending.get("kind") == "pick_name":
                self.pos = W.valid(self.form, W.Pos.from_dict(pending["pos"]))
                self.set_indicator_name(arg, pending["typed"])
            elif self.pos.step == W.IND_NAME:
                self.set_indicator_name(arg, arg)
            else:
                self.prompt()
            return
        if head != self.pos.step:  # a button from an earlier question
            self.prompt()
            return
        self.state.pop("pending", None)
        if arg == "skip":
            self.skip()
        elif arg == "same" and self.pos.step == W.IND_ANNUAL:
            self.answer_value("", same=True)
        else:
            self.advance(choice=arg)

    # --- commands ------------------------------------------------------------------------
    def on_command(self, command: Command) -> None:
        name = command.name
        handler = {
            C.HELP: lambda: self.say(self.m("help")),
            C.STATUS: self.status,
            C.CHECK: self.check,
            C.SKIP: self.skip,
            C.BACK: self.back,
            C.UNDO: self.undo,
            C.EDIT: lambda: self.edit(command.arg),
            C.SHOW: lambda: self.say(render_show(self.form, self.lang) or self.m("show_empty")),
            C.EXPORT: self.export,
            C.NEW: self.new,
            C.DRAFTS: self.drafts,
            C.SWITCH: lambda: self.switch(command.arg),
            C.CANCEL: self.cancel,
            C.CONTINUE: self.resume,
            C.LANG: lambda: self.set_lang(command.arg),
        }.get(name)
        if handler:
            handler()

    def skip(self) -> None:
        s = self.pos.step
        if s in (W.TASK_MORE, W.IND_MORE):
            self.advance(choice="done" if s == W.TASK_MORE else "next_pair", prefix=self.m("skipped"))
        elif s == W.DONE:
            self.say(self.m("nothing_to_skip"))
        elif s == W.IND_NAME and self.pos.k < 0:
            self.advance(prefix=self.m("skipped"))
        else:
            self.advance(prefix=self.m("skipped"))

    def back(self) -> None:
        trail = self.state.get("trail", [])
        if not trail:
            self.prompt(self.m("back_none"))
            return
        self.pos = W.valid(self.form, W.Pos.from_dict(trail.pop()))
        self.state.pop("pending", None)
        self.prompt()

    def undo(self) -> None:
        change_set = self.st.last_change_set()
        if change_set is None:
            self.prompt(self.m("undo_none"))
            return
        inverse = change_set.inverse()
        form = apply_changes(self.form, inverse)
        self.st.save_form(form, self.turn.user, inverse, undoes=change_set.turn_id)
        self.form = form
        self.state.pop("pending", None)
        items = "，".join(self.describe_change(c) for c in change_set.changes)
        target = W.pos_for_path(form, change_set.changes[0].path) if change_set.changes else None
        here = W.valid(form, self.pos)
        if target is not None and W.valid(form, target) != here:
            target = W.valid(form, target)
            if "scope" not in self.state:
                self.state["return_to"] = here.to_dict()
            self.state["scope"] = {"kind": "field", "pos": target.to_dict()}
            self.set_pos(target)
        else:
            self.pos = here
        self.prompt(self.m("undone", items=items))

    def describe_change(self, change: Any) -> str:
        where = self.describe_path(change.path)
        if isinstance(change.old, (str, int, float, type(None))) and isinstance(
                change.new, (str, int, float, type(None))):
            old = "—" if change.old in (None, "") else self.short(str(change.old), 20)
            new = "—" if change.new in (None, "") else self.short(str(change.new), 20)
            return f"{where}（{old} → {new}）" if self.lang == "zh" else f"{where} ({old} → {new})"
        return where

    def describe_path(self, path: str) -> str:
        pos = W.pos_for_path(self.form, path)
        if pos is None:
            return {"tasks": "年度重点工作任务", "indicators": "绩效指标"}.get(path, path)
        return where_label(self.form, pos, self.lang)

    def edit_is_answer(self, command: Command) -> bool:
        """「修改完善制度…」 typed as an answer: not an edit of anything we know."""
        arg = command.arg
        if not arg or resolve_target(self.form, arg):
            return False
        text = self.turn.text.strip()
        spaced = text[: len(text) - len(arg)].endswith((" ", "\u3000", ":", "："))
        return not spaced or len(arg) > 12

    def edit(self, target: str) -> None:
        if not target:
            self.say(self.m("edit_where"))
            return
        found = resolve_target(self.form, target)
        if not found:
            self.say(self.m("edit_unknown", target=target))
        elif len(found) == 1:
            self.go(found[0][1])
        else:
            choices = [Choice(label, f"goto:{path}") for label, path in found]
            self.say(self.m("edit_pick", target=target), choices)

    def report(self) -> Report:
        return check(self.form)

    def check(self) -> None:
        report = self.report()
        self.say(render_report(report, self.lang))
        targets = [f for f in report.findings if f.severity != Severity.INFO and f.path]
        choices, seen = [], set()
        for f in targets:
            if f.path in seen or W.pos_for_path(self.form, f.path) is None:
                continue
            seen.add(f.path)
            where = f.where if self.lang == "zh" else f.where_en
            choices.append(Choice(self.m("goto", where=self.short(where, 30)), f"goto:{f.path}"))
            if len(choices) == 3:
                break
        choices.append(Choice(self.m("choice_export"), "cmd:export"))
        self.say(self.m("report_offer"), choices)

    def export(self) -> None:
        try:
            data = write_form(self.form)
        except ExportError as e:
            self.say(self.m("export_failed", reason=e.message_zh if self.lang == "zh" else e.message_en))
            return
        report = self.report()
        name = export_filename(self.form)
        text = self.m("export_ok", name=name, summary=summary_line(report, self.lang))
        if report.errors:
            items = "\n".join(finding_line(f, self.lang).split("\n")[0] for f in report.errors[:8])
            text += "\n" + self.m("export_with_errors", n=len(report.errors), items=items)
        self.say(text, file=OutFile(name, data, title=name.removesuffix(".xlsx")))

    def sorted_drafts(self) -> list[Any]:
        return sorted(self.st.list_drafts(), key=lambda d: d.id)

    def remember_pos(self) -> None:
        draft = self.st.draft()
        if draft is not None:
            self.state.setdefault("positions", {})[str(draft.id)] = self.pos.to_dict()

    def reset_walk(self, pos: W.Pos) -> None:
        for key in ("trail", "pending", "scope", "return_to", "paused"):
            self.state.pop(key, None)
        self.pos = pos

    def new(self) -> None:
        self.remember_pos()
        self.st.new_draft("")
        self.form = self.st.form()
        self.reset_walk(W.START)
        n = len(self.st.list_drafts())
        self.prompt(self.m("new_draft", n=n))

    def drafts(self) -> None:
        drafts = self.sorted_drafts()
        if not drafts:
            self.say(self.m("drafts_none"))
            return
        active = self.st.draft()
        lines = [self.m("drafts_head")]
        for n, d in enumerate(drafts, start=1):
            report = check(d.form)
            progress = summary_line(report, self.lang).split("：")[-1].split(": ")[-1].rstrip("。.")
            lines.append(self.m(
                "drafts_line", n=n, title=draft_title(d.form, self.lang), progress=progress,
                at=d.updated_at.strftime("%Y-%m-%d %H:%M"),
                mark=self.m("drafts_current") if active and d.id == active.id else "",
            ))
        lines.append(self.m("drafts_hint"))
        self.say("\n".join(lines))

    def switch(self, arg: str) -> None:
        drafts = self.sorted_drafts()
        try:
            n = int(arg)
        except ValueError:
            n = 0
        if not 1 <= n <= len(drafts):
            self.say(self.m("switch_bad", n=arg))
            return
        self.remember_pos()
        try:
            draft = self.st.switch(drafts[n - 1].id)
        except NotYourDraft:
            self.say(self.m("not_your_draft"))
            return
        self.form = draft.form
        saved = self.state.get("positions", {}).get(str(draft.id))
        self.reset_walk(W.valid(self.form, W.Pos.from_dict(saved)) if saved else W.first_missing(self.form))
        self.prompt(self.m("switched", n=n, title=draft_title(self.form, self.lang)))

    def open_draft(self, arg: str, *, export: bool = False) -> None:
        """Open a draft by its id (App Home buttons); only the person's own drafts."""
        try:
            draft_id = int(arg)
            active = self.st.draft()
            if active is None or active.id != draft_id:
                self.remember_pos()
                draft = self.st.switch(draft_id)
                self.form = draft.form
                saved = self.state.get("positions", {}).get(str(draft.id))
                self.reset_walk(W.valid(self.form, W.Pos.from_dict(saved)) if saved
                                else W.first_missing(self.form))
        except (ValueError, NotYourDraft):
            self.say(self.m("not_your_draft"))
            return
        if export:
            self.export()
        else:
            self.prompt(self.m("switched", n=draft_id, title=draft_title(self.form, self.lang)))

    def cancel(self) -> None:
        for key in ("pending", "scope"):
            self.state.pop(key, None)
        back = self.state.pop("return_to", None)
        if back:
            self.pos = W.valid(self.form, W.Pos.from_dict(back))
        self.state["paused"] = True
        self.say(self.m("cancelled"))

    def resume(self) -> None:
        self.state.pop("paused", None)
        if self.pos.step == W.DONE:
            self.pos = W.first_missing(self.form)
        self.prompt(self.m("resumed"))

    def set_lang(self, arg: str) -> None:
        lang = parse_lang(arg)
        if lang is None:
            self.say(self.m("lang_unknown"))
            return
        self.lang = self.new_lang = lang
        self.say(self.m("lang_set"))

    def status(self) -> None:
        title = draft_title(self.form, self.lang)
        text = self.m("status_head", draft=title) + "\n" + render_progress(self.form, self.lang)
        if self.pos.step == W.DONE:
            text += "\n" + self.m("status_done_all")
        else:
            text += "\n" + self.m("status_next", where=where_label(self.form, self.pos, self.lang))
        self.say(text)

    # --- paste and upload ----------------------------------------------------------------
    def import_form(self, read: Any, source: str) -> None:
        try:
            form = read()
        except FormReadError as e:
            reason = e.message if self.lang == "zh" else e.message_en
            self.say(self.m("import_failed", source=source, reason=reason))
            return
        if self.form_has_content():
            self.state["pending"] = {
                "kind": "replace", "form": form.model_dump(mode="json"), "source": source,
            }
            choices = [
                Choice(self.m("choice_replace"), "import:replace"),
                Choice(self.m("choice_new_draft"), "import:new"),
                Choice(self.m("choice_cancel"), "import:cancel"),
            ]
            self.say(self.m("replace_ask", source=source), choices)
            return
        self.take_imported(form, source)

    def take_imported(self, form: Form, source: str) -> None:
        self.save(form)
        self.reset_walk(W.first_missing(self.form))
        report = self.report()
        self.say(self.m("import_ok", source=source, summary=summary_line(report, self.lang)))
        self.say(render_report(report, self.lang))
        choices = [
            Choice(self.m("choice_continue"), "cmd:continue"),
            Choice(self.m("choice_export"), "cmd:export"),
        ]
        self.say(self.m("continue_offer"), choices)

    def on_import_choice(self, arg: str) -> None:
        pending = self.state.pop("pending", None)
        if not pending or pending.get("kind") != "replace":
            self.prompt()
            return
        if arg == "cancel":
            self.say(self.m("replace_cancelled"))
            return
        form = Form.model_validate(pending["form"])
        if arg == "new":
            self.remember_pos()
            self.st.new_draft("")
            self.form = self.st.form()
        self.take_imported(form, pending["source"])
