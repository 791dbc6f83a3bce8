"""Pydantic models of the 部门整体预算绩效目标申报表: the single source of truth.

Importers produce a :class:`Form`, the checker reads it, the exporter writes it.
A draft with any field still empty is a valid model; completeness is the checker's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from form_model.amounts import MAX_PLACES, decimal_places
from form_model.findings import Section
from form_model.normalize import strip_unsafe


def _money_places(value: Decimal | None) -> Decimal | None:
    """The amount with at least two decimal places (「4381.50」) and its own up to six; more
    than six cannot be held (the judgement refuses them first, rule B09)."""
    if value is None:
        return None
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    try:
        places = decimal_places(value)
        if places > MAX_PLACES:
            raise ValueError(f"amount has more than {MAX_PLACES} decimal places")
        return value.quantize(Decimal(1).scaleb(-max(2, places)))
    except InvalidOperation as e:  # beyond the precision of the context
        raise ValueError("amount is too large") from e


#: An amount in 万元, never negative, kept to the fen (up to six decimal places; two or more
#: are always written: 「4381.50」, 「4381.546789」). Shown with two (format_amount).
Money = Annotated[Decimal, Field(ge=0), AfterValidator(_money_places)]


#: Text as it may be stored: bidi and control characters removed, whatever path it came by
#: (an importer, JSON, the chat, a Slack modal).
Text = Annotated[str, AfterValidator(strip_unsafe)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


@dataclass(frozen=True)
class BudgetField:
    """One of the eight amounts of 预算整体情况, with its place in the form."""

    attr: str
    label_zh: str
    label_en: str
    group_zh: str
    group_en: str


BUDGET_FIELDS: tuple[BudgetField, ...] = (
    BudgetField("basic_expenditure", "基本支出", "basic expenditure", "部门预算支出", "expenditure"),
    BudgetField("project_expenditure", "项目支出", "project expenditure", "部门预算支出", "expenditure"),
    BudgetField("fiscal_appropriation", "财政拨款", "fiscal appropriation", "收入来源", "income"),
    BudgetField("other_funds", "其他资金", "other funds", "收入来源", "income"),
    BudgetField(
        "special_fiscal_funds", "财政专项资金", "special fiscal funds",
        "事业发展性支出", "development expenditure",
    ),
    BudgetField(
        "other_development_expenditure", "其他事业发展性支出", "other development expenditure",
        "事业发展性支出", "development expenditure",
    ),
    BudgetField(
        "city_level_funds", "市本级使用资金", "funds used at city level",
        "按预算级次划分", "by budget level",
    ),
    BudgetField(
        "transfer_payment_funds", "拟用于对下转移支付资金", "funds for transfers to lower levels",
        "按预算级次划分", "by budget level",
    ),
)
BUDGET_FIELD_BY_ATTR = {f.attr: f for f in BUDGET_FIELDS}


class Budget(_Model):
    """预算整体情况: eight amounts in 万元."""

    basic_expenditure: Money | None = None
    project_expenditure: Money | None = None
    fiscal_appropriation: Money | None = None
    other_funds: Money | None = None
    special_fiscal_funds: Money | None = None
    other_development_expenditure: Money | None = None
    city_level_funds: Money | None = None
    transfer_payment_funds: Money | None = None

    def amounts(self) -> dict[str, Decimal | None]:
        return {f.attr: getattr(self, f.attr) for f in BUDGET_FIELDS}

    def expenditure_total(self) -> Decimal | None:
        """部门预算支出合计 (基本支出 + 项目支出), once both are given."""
        if self.basic_expenditure is None or self.project_expenditure is None:
            return None
        return self.basic_expenditure + self.project_expenditure

    def is_empty(self) -> bool:
        return all(v is None for v in self.amounts().values())


class TaskItem(_Model):
    """One sub-row of a key task: 主要实施内容 / 拟投入的资金（万元） / 期望达到的目标（概述）."""

    content: Text = ""
    amount: Money | None = None
    goal: Text = ""

    def is_empty(self) -> bool:
        return not self.content and self.amount is None and not self.goal


class Task(_Model):
    """年度重点工作任务: a 名称 and one or more sub-rows."""

    name: Text = ""
    items: list[TaskItem] = Field(default_factory=list)
    #: A total stated on the task itself (some forms print one above the sub-rows).
    stated_total: Money | None = None

    def total(self) -> Decimal | None:
        amounts = [i.amount for i in self.items if i.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


class Indicator(_Model):
    """One row of 绩效指标."""

    level1: Text = ""
    level2: Text = ""
    name: Text = ""
    period_value: Text = ""
    annual_value: Text = ""

    def is_empty(self) -> bool:
        return not (self.name or self.period_value or self.annual_value)


class Template(StrEnum):
    """The layout a form was read in (and is exported in)."""

    #: 广州市 部门整体预算绩效目标申报表: 实施周期指标值 and 年度指标值 (the seed's template).
    GUANGZHOU = "guangzhou"
    #: 广东省 市级部门整体预算绩效目标表: a 基本信息 row and a single 指标值 column.
    GUANGDONG = "guangdong"


@dataclass(frozen=True)
class TemplateInfo:
    """What a template looks like: its printed title, its name and its value columns."""

    template: Template
    title: str
    name_zh: str
    name_en: str
    #: 2: 实施周期指标值 and 年度指标值; 1: a single 指标值 (kept in ``annual_value``).
    value_columns: int
    #: Whether the template prints the 基本信息 row.
    basic_info: bool


TEMPLATES: dict[Template, TemplateInfo] = {
    t.template: t
    for t in (
        TemplateInfo(
            Template.GUANGZHOU, "部门整体预算绩效目标申报表",
            "广州市部门整体预算绩效目标申报表（实施周期指标值、年度指标值两列）",
            "Guangzhou departmental budget performance target form (period and annual values)",
            2, False,
        ),
        TemplateInfo(
            Template.GUANGDONG, "市级部门整体预算绩效目标表",
            "广东省市级部门整体预算绩效目标表（含基本信息，单列指标值）",
            "Guangdong city-level departmental budget performance target form "
            "(basic information, one value column)",
            1, True,
        ),
    )
}


@dataclass(frozen=True)
class CountField:
    """One count of 基本信息, with its label."""

    attr: str
    label_zh: str
    label_en: str
    unit_zh: str


BASIC_INFO_FIELDS: tuple[CountField, ...] = (
    CountField("fiscal_staff", "财政供养人员数", "fiscally supported staff", "人"),
    CountField("subordinate_units", "下属二级单位数", "subordinate units", "个"),
)
#: A department with more than ten million staff or units is a typing accident.
Count = Annotated[int, Field(ge=0, le=10_000_000)]


class BasicInfo(_Model):
    """基本信息 (Guangdong template): two counts."""

    fiscal_staff: Count | None = None
    subordinate_units: Count | None = None

    def is_empty(self) -> bool:
        return self.fiscal_staff is None and self.subordinate_units is None


class NoteKind(StrEnum):
    """What a reader note says about the source (each kind is one I rule of the checker)."""

    #: A non-empty cell the reader could not place in the form (I01).
    UNPLACED = "unplaced"
    #: Another sheet of the workbook, not read (I02); ``text`` names the sheet that was read.
    OTHER_SHEET = "other_sheet"
    #: Another sheet that looks like a declaration form too (I02).
    OTHER_FORM_SHEET = "other_form_sheet"
    #: A value the reader converted, e.g. an Excel date serial to a date (I03).
    CONVERTED = "converted"
    #: A footnote, signature or total line: not part of the form, not read (I04).
    FOOTER = "footer"
    #: A value of a typed field (a count) that is not one, kept aside here (I05).
    UNREADABLE = "unreadable"


class ReaderNote(_Model):
    """What a reader could not place, or did to a value, with its position in the source."""

    kind: NoteKind
    #: The workbook's sheet ("" for pasted text).
    sheet: Text = ""
    #: 1-based row (the sheet's row, or the line of the paste) and column; None for a sheet.
    row: int | None = None
    col: int | None = None
    #: The cell's text as found (CONVERTED: as found, ``value`` holds what it became).
    text: Text = ""
    value: Text = ""
    #: The block of the form the cell lies in.
    section: Section = Section.DEPARTMENT
    #: The model field concerned (CONVERTED, UNREADABLE), e.g. "basic_info.fiscal_staff".
    path: str | None = None
    #: OTHER_*: how many non-empty cells the sheet holds.
    size: int = 0

    def cell(self, lang: str = "zh") -> str:
        """The cell as a person finds it: 「B17」 in a workbook, 「第 17 行第 2 列」 in a paste."""
        if self.row is None or self.col is None:
            return ""
        if self.sheet:
            return f"{column_letters(self.col)}{self.row}"
        return f"第 {self.row} 行第 {self.col} 列" if lang == "zh" else f"line {self.row}, column {self.col}"

    def sheet_label(self, lang: str = "zh") -> str:
        if not self.sheet:
            return "粘贴的内容" if lang == "zh" else "the paste"
        return f"工作表「{self.sheet}」" if lang == "zh" else f"sheet '{self.sheet}'"


def column_letters(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class FormCaps:
    """How large a form may be. The exporter refuses a larger one, so the upload gate, whose
    sheet limits are derived from these (``form_model.importers.gate``), accepts whatever
    the exporter writes."""

    tasks: int = 200
    items_per_task: int = 10
    indicators: int = 2_000
    #: Rows that long texts may add over the whole sheet by spreading over several rows
    #: (a text taller than Excel's 409 pt row limit).
    spread_rows: int = 400

    def sheet_rows(self) -> int:
        """Rows the exporter writes at most: its fixed rows (title, year, 部门名称, 基本信息,
        six budget rows, 总体绩效目标, the two table headers, 其他需完成的任务), a row per task
        sub-row and per indicator, a blank row per empty 一级/二级 pair (at most 16) and the
        spread rows. The exporter checks its sheet against this number."""
        return 14 + self.tasks * self.items_per_task + self.indicators + 16 + self.spread_rows

    def problem(self, form: Form) -> tuple[str, str] | None:
        """Why ``form`` is over the caps (Chinese, English), or None."""
        if len(form.tasks) > self.tasks:
            return (f"年度重点工作任务共 {len(form.tasks)} 项，超过 {self.tasks} 项的上限",
                    f"{len(form.tasks)} key tasks, more than the {self.tasks} allowed")
        for n, task in enumerate(form.tasks, start=1):
            if len(task.items) > self.items_per_task:
                return (f"第 {n} 项任务有 {len(task.items)} 行，超过每项 {self.items_per_task} 行的上限",
                        f"task {n} has {len(task.items)} rows, more than the "
                        f"{self.items_per_task} allowed")
        if len(form.indicators) > self.indicators:
            return (f"绩效指标共 {len(form.indicators)} 条，超过 {self.indicators} 条的上限",
                    f"{len(form.indicators)} indicators, more than the {self.indicators} allowed")
        return None


CAPS = FormCaps()


class Form(_Model):
    """部门整体预算绩效目标申报表."""

    department: Text = ""
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    #: The template the form was read in (a draft is Guangzhou's); the exporter writes it.
    template: Template = Template.GUANGZHOU
    #: 基本信息 (printed by the Guangdong template).
    basic_info: BasicInfo = Field(default_factory=BasicInfo)
    budget: Budget = Field(default_factory=Budget)
    overall_goal: Text = ""
    tasks: list[Task] = Field(default_factory=list)
    other_tasks: Text = ""
    indicators: list[Indicator] = Field(default_factory=list)
    #: Amounts an importer could not take as they stood: field path → the text found
    #: (unparsable, negative, too large, or more than six decimals). The checker reports them
    #: (B09).
    amount_notes: dict[str, str] = Field(default_factory=dict)
    #: What the importer could not place, or converted, with its position in the source.
    #: The checker reports them (I01–I05).
    reader_notes: list[ReaderNote] = Field(default_factory=list)
    #: Values taken over from last year's form and not confirmed yet (「沿用上年」): paths of
    #: amounts and indicator values ("budget.basic_expenditure", "tasks[0].items[1].amount",
    #: "indicators[3].annual_value"). Rule Y06 reports them; confirming or changing a value
    #: removes its path.
    carried: list[str] = Field(default_factory=list)
    #: Why a value differs from last year's (a lower target, rule Y01): path → the reason.
    explanations: dict[str, str] = Field(default_factory=dict)

    @property
    def template_info(self) -> TemplateInfo:
        return TEMPLATES[self.template]

    def indicators_under(self, level1: str, level2: str | None = None) -> list[Indicator]:
        return [
            i for i in self.indicators
            if i.level1 == level1 and (level2 is None or i.level2 == level2)
        ]

    def is_empty(self) -> bool:
        """Nothing entered: the template read and the reader's notes are not content."""
        return self.model_copy(update={"template": Template.GUANGZHOU, "reader_notes": []}) == _EMPTY


_EMPTY = Form()
