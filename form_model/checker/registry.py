"""Rule registry, the checking context and the helpers rules use to report findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from form_model.findings import Finding, Section, Severity
from form_model.framework import Framework, framework
from form_model.judgement import IndicatorVerdicts, Verdict, judge_indicator
from form_model.models import BUDGET_FIELD_BY_ATTR, Form, Indicator
from form_model.values import IndicatorValue, parse_value

SEP = " › "

INDICATOR_FIELDS = {
    "period_value": ("实施周期指标值", "period value"),
    "annual_value": ("年度指标值", "annual value"),
    "name": ("三级指标", "level-3 name"),
    "level1": ("一级指标", "level-1"),
    "level2": ("二级指标", "level-2"),
}
SINGLE_VALUE = ("指标值", "value")
TASK_FIELDS = {
    "name": ("名称", "name"),
    "content": ("主要实施内容", "main content"),
    "amount": ("拟投入的资金（万元）", "planned funds (10k yuan)"),
    "goal": ("期望达到的目标（概述）", "expected result"),
}


@dataclass(frozen=True)
class Place:
    """Where a finding is, in the form's own words and in English."""

    section: Section
    parts: tuple[str, ...] = ()
    parts_en: tuple[str, ...] = ()
    path: str | None = None

    @property
    def where(self) -> str:
        return SEP.join((self.section.zh, *self.parts))

    @property
    def where_en(self) -> str:
        return SEP.join((self.section.en, *self.parts_en))


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    func: Callable[[Context], Iterable[Finding]]


RULES: list[Rule] = []


def rule(code: str, severity: Severity, title: str):
    """Register a rule function under a stable code and its default severity."""

    def register(func: Callable[[Context], Iterable[Finding]]):
        RULES.append(Rule(code, severity, title, func))
        return func

    return register


@dataclass
class Context:
    form: Form
    fw: Framework = field(default_factory=framework)
    #: Last year's form, when this one was carried forward from it (rules Y01–Y05).
    base: Form | None = None

    @cached_property
    def values(self) -> dict[tuple[int, str], IndicatorValue]:
        out: dict[tuple[int, str], IndicatorValue] = {}
        for i, ind in enumerate(self.form.indicators):
            out[(i, "period_value")] = parse_value(ind.period_value)
            out[(i, "annual_value")] = parse_value(ind.annual_value)
        return out

    def value(self, index: int, attr: str) -> IndicatorValue:
        return self.values[(index, attr)]

    @cached_property
    def judgements(self) -> dict[int, IndicatorVerdicts]:
        """The judgement of every named indicator's values (form_model.judgement), once."""
        return {
            i: judge_indicator(ind.name, ind.level1, ind.level2,
                               self.value(i, "period_value"), self.value(i, "annual_value"))
            for i, ind in self.named_indicators()
        }

    @cached_property
    def expenditure_total(self) -> Decimal | None:
        return self.form.budget.expenditure_total()

    @cached_property
    def income_total(self) -> Decimal | None:
        b = self.form.budget
        if b.fiscal_appropriation is None or b.other_funds is None:
            return None
        return b.fiscal_appropriation + b.other_funds

    @cached_property
    def task_total(self) -> Decimal:
        return sum(
            (i.amount for t in self.form.tasks for i in t.items if i.amount is not None),
            Decimal("0.00"),
        )

    def named_indicators(self) -> list[tuple[int, Indicator]]:
        """(index, indicator) of every indicator with a name (built once per check)."""
        return self._named

    @cached_property
    def _named(self) -> list[tuple[int, Indicator]]:
        return [(i, ind) for i, ind in enumerate(self.form.indicators) if ind.name]


def verdict_finding(v: Verdict, place: Place) -> Finding:
    """A judgement's verdict (form_model.judgement) as a finding at ``place``: its value
    suggestion, else its advice in words."""
    return finding(v.code, v.severity, place, v.message, v.message_en, v.suggestion or v.hint,
                   v.suggestion or (v.hint_en if v.hint_en is not None else v.hint))


def finding(
    code: str,
    severity: Severity,
    place: Place,
    message: str,
    message_en: str,
    suggestion: str | None = None,
    suggestion_en: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        section=place.section,
        where=place.where,
        where_en=place.where_en,
        message=message,
        message_en=message_en,
        suggestion=suggestion,
        suggestion_en=suggestion_en if suggestion_en is not None else suggestion,
        path=place.path,
    )


def indicator_place(ctx: Context, index: int, attr: str | None = None) -> Place:
    ind = ctx.form.indicators[index]
    parts = [ind.level1 or "（未填一级）", ind.level2 or "（未填二级）"]
    parts_en = [ctx.fw.english(ind.level1) or "(no level 1)", ctx.fw.english(ind.level2) or "(no level 2)"]
    label = ind.name or f"第 {index + 1} 行"
    parts.append(label)
    parts_en.append(ind.name or f"row {index + 1}")
    path = f"indicators[{index}]"
    if attr:
        zh, en = INDICATOR_FIELDS[attr]
        if attr == "annual_value" and ctx.form.template_info.value_columns == 1:
            zh, en = SINGLE_VALUE  # a single-value template calls its one column 指标值
        parts.append(zh)
        parts_en.append(en)
        path += f".{attr}"
    return Place(Section.INDICATORS, tuple(parts), tuple(parts_en), path)


def group_place(level1: str, level2: str | None = None) -> Place:
    fw = framework()
    parts = (level1,) if level2 is None else (level1, level2)
    parts_en = tuple(fw.english(p) for p in parts)
    return Place(Section.INDICATORS, parts, parts_en, None)


def task_place(ctx: Context, t: int, item: int | None = None, attr: str | None = None) -> Place:
    task = ctx.form.tasks[t]
    label = task.name or f"第 {t + 1} 项任务"
    parts, parts_en = [label], [task.name or f"task {t + 1}"]
    path = f"tasks[{t}]"
    if item is not None and len(task.items) > 1:
        parts.append(f"第 {item + 1} 行")
        parts_en.append(f"row {item + 1}")
    if item is not None:
        path += f".items[{item}]"
    if attr:
        parts.append(TASK_FIELDS[attr][0])
        parts_en.append(TASK_FIELDS[attr][1])
        path += f".{attr}"
    return Place(Section.TASKS, tuple(parts), tuple(parts_en), path)


def budget_place(attr: str) -> Place:
    f = BUDGET_FIELD_BY_ATTR[attr]
    return Place(
        Section.BUDGET, (f.group_zh, f.label_zh), (f.group_en, f.label_en), f"budget.{attr}"
    )


def both_fields(attrs: list[str]) -> tuple[str, str]:
    zh = "、".join(INDICATOR_FIELDS[a][0] for a in attrs)
    en = " and ".join(INDICATOR_FIELDS[a][1] for a in attrs)
    return zh, en
