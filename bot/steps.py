"""The steps of the conversation, declared once.

Each :class:`Step` says which section it belongs to, how the form labels it (zh/en), which
message asks it, where its examples come from, which field of the form it writes and how
that field's answers are read (:class:`Target`), which choices it offers, how people name it
in 「修改 …」, and which step comes next. Everything else is derived from this table: the walk
(:mod:`bot.walk`), the prompts and "where am I" (:mod:`bot.prompts`), 进度
(:mod:`bot.render`), edit targets and "go to" (:mod:`bot.targets`).

See ``bot/HOW_TO_ADD_A_STEP.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.state import Pos
from bot.store.paths import INDICATOR, ITEM, TASK, row_path
from form_model.findings import Section
from form_model.models import BASIC_INFO_FIELDS, BUDGET_FIELDS

if TYPE_CHECKING:
    from bot.walk import Nav

HEADER = "header"

#: Readers of answers (see :mod:`bot.fields`): how a typed answer becomes a value.
DEPARTMENT_READER = "department"
YEAR_READER = "year"
AMOUNT_READER = "amount"
TEXT_READER = "text"
COUNT_READER = "count"
TASK_NAME_READER = "task_name"
INDICATOR_NAME_READER = "indicator_name"
VALUE_READER = "value"


@dataclass(frozen=True)
class Target:
    """The field a step writes: a header field (by its model path) or a field of a row."""

    kind: str  # HEADER, TASK, ITEM or INDICATOR
    name: str  # "department", "budget.basic_expenditure", "content", "annual_value" …
    reader: str
    #: Key of its length cap in :data:`form_model.limits.TEXT_LIMITS` (None: not text).
    limit: str | None = None

    def path(self, pos: Pos) -> str | None:
        """The field's path at a position; None while its row does not exist yet."""
        if self.kind == HEADER:
            return self.name
        row_id = {TASK: pos.task, ITEM: pos.item, INDICATOR: pos.ind}[self.kind]
        return row_path(self.kind, row_id, self.name) if row_id is not None else None


NextFn = Callable[["Nav", Pos, "str | None"], Pos]
#: Whether a step is asked for this draft at all (e.g. only in the Guangdong template).
WhenFn = Callable[["Nav"], bool]


def _always(nav: Nav) -> bool:
    return True


def _guangdong_basic_info(nav: Nav) -> bool:
    return nav.template().basic_info


def _two_value_columns(nav: Nav) -> bool:
    return nav.template().value_columns == 2


@dataclass(frozen=True)
class Step:
    id: str
    section: Section
    #: The field's label as the form prints it, and in English.
    label: tuple[str, str]
    #: Message key of the question (bot.messages).
    ask: str
    next: NextFn
    target: Target | None = None
    #: Choice steps: (choice key, message key of its label).
    choices: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    #: Other names people give the field in 「修改 …」 / "edit …".
    words: tuple[str, ...] = ()
    #: Where its examples come from: "message" (written into the question), "library" (the
    #: library's entries of the current 一级 › 二级), or "none".
    examples: str = "message"
    #: The repeated group it belongs to: "task", "item" or "pair" (None: asked once).
    group: str | None = None
    #: Whether the step is asked for a draft (a template without the field skips it).
    when: WhenFn = _always
    #: The label in a template with one value column (its 指标值), when it differs.
    single_label: tuple[str, str] | None = None
    #: The question in such a template, when it differs (message key).
    single_ask: str | None = None
    #: In the carry walk (a draft carried forward from last year): the message key of the
    #: question, which shows last year's value, and the choices it offers.
    carry_ask: str | None = None
    carry_choices: tuple[tuple[str, str], ...] = ()

    def label_for(self, nav: Nav) -> tuple[str, str]:
        if self.single_label is not None and nav.template().value_columns == 1:
            return self.single_label
        return self.label

    def ask_for(self, nav: Nav) -> str:
        if self.single_ask is not None and nav.template().value_columns == 1:
            return self.single_ask
        return self.ask

    @property
    def is_choice(self) -> bool:
        return self.target is None and bool(self.choices)


# --- next steps ------------------------------------------------------------------------------

def _to(step: str) -> NextFn:
    return lambda nav, pos, choice: Pos(step=step)


def _after_budget(attr: str) -> NextFn:
    attrs = [f.attr for f in BUDGET_FIELDS]
    index = attrs.index(attr)
    following = f"budget.{attrs[index + 1]}" if index + 1 < len(attrs) else "overall_goal"
    return _to(following)


def _after_goal(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    return nav.enter_task(0)


def _after_task_name(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    if pos.task is None:  # skipped: no task created
        return Pos(step="other_tasks")
    return nav.enter_item(pos.task, 0)


def _after_item_goal(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    assert pos.task is not None
    return nav.next_item(pos.task, pos.item)


def _after_task_more(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    if choice == "item" and pos.task is not None:
        return Pos(step="item.content", task=pos.task)
    if choice == "task":
        return Pos(step="task.name")
    return Pos(step="other_tasks")


def _after_ind_name(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    if pos.ind is None:  # skipped, or "no indicator here"
        return nav.enter_pair_after(pos.l1, pos.l2)
    return pos.model_copy(update={"step": "ind.period_value"})  # passed over in one-value forms


def _after_ind_more(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    if choice == "another":
        return Pos(step="ind.name", l1=pos.l1, l2=pos.l2)
    return nav.enter_pair_after(pos.l1, pos.l2)


def _same_row(step: str) -> NextFn:
    return lambda nav, pos, choice: pos.model_copy(update={"step": step})


def _ind_more(nav: Nav, pos: Pos, choice: str | None) -> Pos:
    return Pos(step="ind.more", l1=pos.l1, l2=pos.l2)


# --- the table -------------------------------------------------------------------------------

_BUDGET_WORDS: dict[str, tuple[str, ...]] = {
    "special_fiscal_funds": ("专项资金",),
    "other_development_expenditure": ("其他事业发展支出",),
    "city_level_funds": ("市本级资金", "市本级"),
    "transfer_payment_funds": ("对下转移支付资金", "对下转移支付", "转移支付资金", "转移支付"),
}

#: Choices of every carry question: keep this as last year, this whole section, everything left.
_CARRY_KEEP = (("same", "choice_carry_same"), ("section", "choice_carry_section"), ("all", "choice_carry_all"))

STEPS: tuple[Step, ...] = (
    Step("department", Section.DEPARTMENT, ("部门名称", "department"), "ask_department",
         _to("year"), Target(HEADER, "department", DEPARTMENT_READER, "department"),
         words=("部门", "单位名称", "单位", "dept", "department name")),
    Step("year", Section.YEAR, ("预算年度", "budget year"), "ask_year",
         _to(f"basic_info.{BASIC_INFO_FIELDS[0].attr}"), Target(HEADER, "year", YEAR_READER),
         optional=True, words=("年度", "年份", "year")),
    *(
        Step(f"basic_info.{f.attr}", Section.BASIC_INFO, (f.label_zh, f.label_en), "ask_count",
             _to(f"basic_info.{BASIC_INFO_FIELDS[n + 1].attr}") if n + 1 < len(BASIC_INFO_FIELDS)
             else _to(f"budget.{BUDGET_FIELDS[0].attr}"),
             Target(HEADER, f"basic_info.{f.attr}", COUNT_READER), optional=True,
             when=_guangdong_basic_info)
        for n, f in enumerate(BASIC_INFO_FIELDS)
    ),
    *(
        Step(f"budget.{f.attr}", Section.BUDGET, (f.label_zh, f.label_en), "ask_budget",
             _after_budget(f.attr), Target(HEADER, f"budget.{f.attr}", AMOUNT_READER),
             words=_BUDGET_WORDS.get(f.attr, ()), carry_ask="ask_carry_amount",
             carry_choices=_CARRY_KEEP)
        for f in BUDGET_FIELDS
    ),
    Step("overall_goal", Section.OVERALL_GOAL, ("总体绩效目标", "overall goal"), "ask_goal",
         _after_goal, Target(HEADER, "overall_goal", TEXT_READER, "overall_goal"),
         words=("总体目标", "绩效目标", "总目标", "goal", "goals")),
    Step("task.name", Section.TASKS, ("名称", "name"), "ask_task_name", _after_task_name,
         Target(TASK, "name", TASK_NAME_READER, "task_name"), optional=True,
         words=("任务名称", "task name"), group="task"),
    Step("item.content", Section.TASKS, ("主要实施内容", "main content"), "ask_task_content",
         _same_row("item.amount"), Target(ITEM, "content", TEXT_READER, "content"),
         words=("实施内容", "内容", "content"), group="item"),
    Step("item.amount", Section.TASKS, ("拟投入的资金（万元）", "planned funds (万元)"),
         "ask_task_amount", _same_row("item.goal"), Target(ITEM, "amount", AMOUNT_READER),
         words=("拟投入的资金", "资金", "金额", "funds", "amount"), group="item"),
    Step("item.goal", Section.TASKS, ("期望达到的目标（概述）", "expected result"), "ask_task_goal",
         _after_item_goal, Target(ITEM, "goal", TEXT_READER, "goal"),
         words=("期望达到的目标", "目标", "expected result"), group="item"),
    Step("task.more", Section.TASKS, ("年度重点工作任务", "key tasks"), "ask_task_more",
         _after_task_more,
         choices=(("item", "choice_item"), ("task", "choice_task"), ("done", "choice_tasks_done")),
         group="task"),
    Step("other_tasks", Section.OTHER_TASKS, ("其他需完成的任务（可选填）", "other tasks (optional)"),
         "ask_other", lambda nav, pos, choice: nav.enter_pair(0),
         Target(HEADER, "other_tasks", TEXT_READER, "other_tasks"), optional=True,
         words=("其他需完成的任务", "其他任务", "other tasks", "other")),
    Step("ind.name", Section.INDICATORS, ("三级指标", "level-3 indicator"), "ask_ind_name",
         _after_ind_name, Target(INDICATOR, "name", INDICATOR_NAME_READER, "indicator_name"),
         optional=True, words=("三级指标名称", "指标名称"), examples="library", group="pair"),
    Step("ind.period_value", Section.INDICATORS, ("实施周期指标值", "period value"),
         "ask_ind_period", _same_row("ind.annual_value"),
         Target(INDICATOR, "period_value", VALUE_READER, "value"),
         words=("实施周期", "period", "period value"), group="pair", when=_two_value_columns),
    Step("ind.annual_value", Section.INDICATORS, ("年度指标值", "annual value"), "ask_ind_annual",
         _ind_more, Target(INDICATOR, "annual_value", VALUE_READER, "value"),
         choices=(("same", "choice_same"),),
         words=("年度指标", "annual", "annual value"), group="pair",
         single_label=("指标值", "value"), single_ask="ask_ind_single"),
    Step("ind.more", Section.INDICATORS, ("绩效指标", "indicators"), "ask_ind_more", _after_ind_more,
         choices=(("another", "choice_another"), ("next", "choice_next_pair")), group="pair"),
    # --- the carry walk: a draft carried forward from last year (bot/carrying.py) ----------
    Step("carry.task", Section.TASKS, ("年度重点工作任务", "key task"), "ask_carry_task",
         lambda nav, pos, choice: Pos(step="done"), group="task", carry_ask="ask_carry_task",
         carry_choices=(("keep", "choice_carry_keep_task"), ("amount", "choice_carry_amount"),
                        ("text", "choice_carry_text"), ("drop", "choice_carry_drop"),
                        ("section", "choice_carry_section"), ("all", "choice_carry_all"))),
    Step("carry.indicator", Section.INDICATORS, ("绩效指标", "indicator"), "ask_carry_indicator",
         lambda nav, pos, choice: Pos(step="done"), group="pair", carry_ask="ask_carry_indicator",
         carry_choices=(*_CARRY_KEEP[:1], ("drop", "choice_carry_drop_indicator"), *_CARRY_KEEP[1:])),
    Step("carry.new", Section.INDICATORS, ("新增任务或指标", "new tasks or indicators"), "ask_carry_new",
         lambda nav, pos, choice: Pos(step="done"), carry_ask="ask_carry_new",
         carry_choices=(("task", "choice_new_task"), ("indicator", "choice_new_indicator"),
                        ("none", "choice_no_new"))),
    Step("done", Section.INDICATORS, ("", ""), "done", lambda nav, pos, choice: Pos(step="done"),
         choices=(("check", "choice_check"), ("export", "choice_export")), examples="none"),
)

STEP_BY_ID: dict[str, Step] = {s.id: s for s in STEPS}
START = Pos(step=STEPS[0].id)
DONE = "done"


def step_of(pos: Pos) -> Step:
    return STEP_BY_ID.get(pos.step, STEP_BY_ID["department"])


def budget_step(attr: str) -> str:
    return f"budget.{attr}"


#: The step that asks each header field, by the field's path ("department", "budget.…").
HEADER_STEPS: dict[str, Step] = {
    s.target.name: s for s in STEPS if s.target is not None and s.target.kind == HEADER
}
