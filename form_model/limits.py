"""How long a text a person may enter in each field of the form.

No official per-field limit exists (domain.md §7); these caps keep a draft sane (a 200 kB
"department name" is a paste gone wrong, not a name) and every cell well inside Excel's 32,767
characters. The chat, the Slack modal and the importers ask :func:`too_long` in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLimit:
    field: str
    label_zh: str
    label_en: str
    max_chars: int


#: Keyed by the model's field name (``Form``, ``Task``, ``TaskItem``, ``Indicator``).
TEXT_LIMITS: dict[str, TextLimit] = {
    limit.field: limit
    for limit in (
        TextLimit("department", "部门名称", "department name", 100),
        TextLimit("overall_goal", "总体绩效目标", "overall goal", 10_000),
        TextLimit("task_name", "任务名称", "task name", 200),
        TextLimit("content", "主要实施内容", "main content", 10_000),
        TextLimit("goal", "期望达到的目标", "expected result", 10_000),
        TextLimit("other_tasks", "其他需完成的任务", "other tasks", 10_000),
        TextLimit("level1", "一级指标", "level-1 indicator", 50),
        TextLimit("level2", "二级指标", "level-2 indicator", 50),
        TextLimit("indicator_name", "三级指标", "level-3 indicator", 200),
        TextLimit("value", "指标值", "indicator value", 500),
    )
}


def too_long(field: str, text: str) -> TextLimit | None:
    """The limit ``text`` exceeds for ``field``, or None when it fits (or has no limit)."""
    limit = TEXT_LIMITS.get(field)
    if limit is not None and len(text) > limit.max_chars:
        return limit
    return None
