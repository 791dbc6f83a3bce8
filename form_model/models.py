"""Pydantic models of the 部门整体预算绩效目标申报表: the single source of truth.

Importers produce a :class:`Form`, the checker reads it, the exporter writes it.
A draft with any field still empty is a valid model; completeness is the checker's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from form_model.amounts import MAX_PLACES, decimal_places

CENT = Decimal("0.01")


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

    def is_empty(self) -> bool:
        return all(v is None for v in self.amounts().values())


class TaskItem(_Model):
    """One sub-row of a key task: 主要实施内容 / 拟投入的资金（万元） / 期望达到的目标（概述）."""

    content: str = ""
    amount: Money | None = None
    goal: str = ""

    def is_empty(self) -> bool:
        return not self.content and self.amount is None and not self.goal


class Task(_Model):
    """年度重点工作任务: a 名称 and one or more sub-rows."""

    name: str = ""
    items: list[TaskItem] = Field(default_factory=list)
    #: A total stated on the task itself (some forms print one above the sub-rows).
    stated_total: Money | None = None

    def total(self) -> Decimal | None:
        amounts = [i.amount for i in self.items if i.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


class Indicator(_Model):
    """One row of 绩效指标."""

    level1: str = ""
    level2: str = ""
    name: str = ""
    period_value: str = ""
    annual_value: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.period_value or self.annual_value)


class Form(_Model):
    """部门整体预算绩效目标申报表."""

    department: str = ""
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    budget: Budget = Field(default_factory=Budget)
    overall_goal: str = ""
    tasks: list[Task] = Field(default_factory=list)
    other_tasks: str = ""
    indicators: list[Indicator] = Field(default_factory=list)
    #: Amounts an importer could not take as they stood: field path → the text found
    #: (unparsable, negative, too large, or more than six decimals). The checker reports them
    #: (B09).
    amount_notes: dict[str, str] = Field(default_factory=dict)

    def indicators_under(self, level1: str, level2: str | None = None) -> list[Indicator]:
        return [
            i for i in self.indicators
            if i.level1 == level1 and (level2 is None or i.level2 == level2)
        ]

    def is_empty(self) -> bool:
        return self == Form()
