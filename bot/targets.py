"""What "修改 <item>" / "edit <item>" points at, and how far such an edit reaches."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from bot import walk as W
from form_model.framework import framework
from form_model.matching import Column, Decision, match
from form_model.models import BUDGET_FIELDS, Form
from form_model.normalize import label_key, name_key

FIXED: dict[str, tuple[str, ...]] = {
    "department": ("部门名称", "部门", "单位名称", "department", "dept", "name of department"),
    "year": ("预算年度", "年度", "年份", "year", "budget year"),
    "budget": ("预算整体情况", "预算", "预算金额", "金额", "budget", "amounts"),
    "overall_goal": ("总体绩效目标", "总体目标", "绩效目标", "总目标", "goal", "overall goal", "goals"),
    "tasks": ("年度重点工作任务", "重点工作任务", "重点任务", "任务", "tasks", "key tasks"),
    "other_tasks": ("其他需完成的任务", "其他任务", "其他需完成的任务可选填", "other tasks", "other"),
    "indicator_group:产出指标/数量指标": ("绩效指标", "指标", "indicators"),
}
BUDGET_ALIASES = {
    "special_fiscal_funds": ("专项资金",),
    "city_level_funds": ("市本级",),
    "transfer_payment_funds": ("转移支付", "对下转移支付", "对下转移支付资金"),
    "other_development_expenditure": ("其他事业发展支出",),
}
_TASK_N = re.compile(r"^(?:任务|第|task)\s*(\d+)\s*(?:项|个)?(?:任务)?$", re.IGNORECASE)
_INDICATOR_N = re.compile(r"^(?:指标|indicator)\s*(\d+)$", re.IGNORECASE)


def resolve_target(form: Form, text: str) -> list[tuple[str, str]]:
    """(label, path) of what the text names; several when it is ambiguous, none if unknown."""
    key = label_key(text)
    if not key:
        return []
    for path, words in FIXED.items():
        if key in {label_key(w) for w in words}:
            if path == "tasks" and form.tasks:
                path = "tasks[0].name"
            return [(words[0], path)]
    for f in BUDGET_FIELDS:
        words = (f.label_zh, f.label_en, *BUDGET_ALIASES.get(f.attr, ()))
        if key in {label_key(w) for w in words}:
            return [(f.label_zh, f"budget.{f.attr}")]
    m = _TASK_N.match(text.strip())
    if m:
        n = int(m.group(1))
        if 1 <= n <= len(form.tasks):
            return [(form.tasks[n - 1].name or f"任务{n}", f"tasks[{n - 1}].name")]
        if n == len(form.tasks) + 1:
            return [(f"任务{n}", "tasks")]
        return []
    m = _INDICATOR_N.match(text.strip())
    if m and 1 <= int(m.group(1)) <= len(form.indicators):
        k = int(m.group(1)) - 1
        return [(form.indicators[k].name, f"indicators[{k}].name")]
    # A task by (part of) its name.
    tasks = [(t.name, f"tasks[{n}].name") for n, t in enumerate(form.tasks)
             if t.name and (key in label_key(t.name) and len(key) >= 2)]
    if tasks:
        return tasks[:4]
    # A 三级 indicator of the form by its name.
    qk = name_key(text)
    hits = [(ind.name, f"indicators[{k}].name") for k, ind in enumerate(form.indicators)
            if ind.name and name_key(ind.name) == qk]
    if not hits and len(qk) >= 3:
        scored = [(fuzz.WRatio(qk, name_key(ind.name)), k) for k, ind in enumerate(form.indicators) if ind.name]
        scored = [s for s in scored if s[0] >= 85]
        scored.sort(reverse=True)
        hits = [(form.indicators[k].name, f"indicators[{k}].name") for _, k in scored[:4]]
    if hits:
        return hits
    # A 二级 or 一级 category.
    level2 = match(text, Column.LEVEL2)
    if level2.decision == Decision.CERTAIN and level2.name:
        l1 = framework().parent_of(level2.name) or ""
        return [(f"{l1} › {level2.name}", f"indicator_group:{l1}/{level2.name}")]
    level1 = match(text, Column.LEVEL1)
    if level1.decision == Decision.CERTAIN and level1.name:
        return [(level1.name, f"indicator_group:{level1.name}")]
    if level2.decision == Decision.AMBIGUOUS:
        out = []
        for c in level2.candidates:
            l1 = framework().parent_of(c.name) or ""
            out.append((f"{l1} › {c.name}", f"indicator_group:{l1}/{c.name}"))
        return out
    return []


def scope_for_path(path: str, target: W.Pos) -> dict[str, Any]:
    """How far an edit reaches before returning: one field, a section, a task, a pair…"""
    if path == "budget":
        return {"kind": "section", "section": "budget"}
    if path == "tasks":
        return {"kind": "task", "t": target.t}
    if re.fullmatch(r"tasks\[\d+\]\.name", path):
        return {"kind": "task", "t": target.t}
    if path.startswith("indicator_group:"):
        return {"kind": "pair", "l1": target.l1, "l2": target.l2}
    if re.fullmatch(r"indicators\[\d+\]\.name", path):
        return {"kind": "indicator", "k": target.k}
    return {"kind": "field", "pos": target.to_dict()}
