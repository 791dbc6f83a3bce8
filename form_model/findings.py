"""What the checker reports: findings with a stable code, a severity and a place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Section(StrEnum):
    """The blocks of the form, in the form's order (after the file they were read from)."""

    #: The file or workbook itself (its sheets), not a block of the form.
    SOURCE = "source"
    DEPARTMENT = "department"
    YEAR = "year"
    BASIC_INFO = "basic_info"
    BUDGET = "budget"
    OVERALL_GOAL = "overall_goal"
    TASKS = "tasks"
    OTHER_TASKS = "other_tasks"
    INDICATORS = "indicators"

    @property
    def zh(self) -> str:
        return SECTION_LABELS[self][0]

    @property
    def en(self) -> str:
        return SECTION_LABELS[self][1]

    @property
    def order(self) -> int:
        return list(Section).index(self)


SECTION_LABELS: dict[Section, tuple[str, str]] = {
    Section.SOURCE: ("来源文件", "Source file"),
    Section.DEPARTMENT: ("部门名称", "Department"),
    Section.YEAR: ("预算年度", "Budget year"),
    Section.BASIC_INFO: ("基本信息", "Basic information"),
    Section.BUDGET: ("预算整体情况", "Overall budget"),
    Section.OVERALL_GOAL: ("总体绩效目标", "Overall performance goal"),
    Section.TASKS: ("年度重点工作任务", "Key tasks of the year"),
    Section.OTHER_TASKS: ("其他需完成的任务", "Other tasks"),
    Section.INDICATORS: ("绩效指标", "Performance indicators"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the checker found, in the form's own words and in English. A plain frozen
    dataclass: the checker builds hundreds per check, always from validated parts, and a file
    check should not pay for a pydantic schema it never uses."""

    code: str
    severity: Severity
    section: Section
    #: The place, e.g. "绩效指标 › 产出指标 › 数量指标 › 广州对口帮扶省内镇数量 › 年度指标值".
    where: str
    where_en: str
    message: str
    message_en: str
    #: A concrete fix where one exists, e.g. "≥78个".
    suggestion: str | None = None
    suggestion_en: str | None = None
    #: The model field the finding concerns (e.g. "indicators[3].annual_value"), for "go there".
    path: str | None = None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.severity.rank, self.section.order, self.code)
