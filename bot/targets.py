"""What 「修改 <item>」 / "edit <item>" and 「去修改」 point at, and how far such an edit reaches.

The names of fields come from the step declarations (their labels and ``words``); tasks are
named by number or name, indicators by name, categories by their 一级/二级 names.

A target is a string: a field's path (``department``, ``budget.other_funds``,
``item:9.amount``, ``indicator:12.annual_value``), a row (``task:7``, ``indicator:12``), a pair
(``pair:产出指标/质量指标``), ``section:budget`` or ``newtask``.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.state import Pos
from bot.steps import HEADER, HEADER_STEPS, STEPS, budget_step
from bot.store import INDICATOR, TASK, parse_row_path
from bot.walk import Nav, pos_for_path
from form_model.framework import framework
from form_model.matching import Column, Decision, match
from form_model.models import BUDGET_FIELDS
from form_model.normalize import label_key, name_key

_TASK_N = re.compile(r"^(?:任务|第|task)\s*(\d+)\s*(?:项|个)?(?:任务)?$", re.IGNORECASE)
_INDICATOR_N = re.compile(r"^(?:指标|indicator)\s*(\d+)$", re.IGNORECASE)
SECTION_WORDS = {
    "section:budget": ("预算整体情况", "预算", "预算金额", "金额", "budget", "amounts"),
    "tasks": ("年度重点工作任务", "重点工作任务", "重点任务", "任务", "tasks", "key tasks"),
    "indicators": ("绩效指标", "指标", "indicators"),
}


def _field_words() -> dict[str, str]:
    """Every name of a header field → its path (from the step declarations)."""
    out: dict[str, str] = {}
    for step in STEPS:
        if step.target is None or step.target.kind != HEADER:
            continue
        for word in (*step.label, *step.words):
            if word:
                out.setdefault(label_key(word), step.target.name)
    return out


_FIELDS = _field_words()


def resolve(nav: Nav, text: str) -> list[tuple[str, str]]:
    """(label, target) of what the text names; several when it is ambiguous, none if unknown."""
    key = label_key(text)
    if not key:
        return []
    for target, words in SECTION_WORDS.items():
        if key in {label_key(w) for w in words}:
            if target == "tasks":
                tasks = nav.tasks()
                return [(words[0], f"task:{tasks[0].id}" if tasks else "newtask")]
            if target == "indicators":
                return [(words[0], "pair:产出指标/数量指标")]
            return [(words[0], target)]
    if key in _FIELDS:
        path = _FIELDS[key]
        return [(_label_of(path), path)]
    m = _TASK_N.match(text.strip())
    if m:
        n, tasks = int(m.group(1)), nav.tasks()
        if 1 <= n <= len(tasks):
            return [(tasks[n - 1].data.get("name") or f"任务{n}", f"task:{tasks[n - 1].id}")]
        return [(f"任务{n}", "newtask")] if n == len(tasks) + 1 else []
    rows = [r for l1, l2 in nav.walk_pairs() for r in nav.pair(l1, l2)]
    m = _INDICATOR_N.match(text.strip())
    if m and 1 <= int(m.group(1)) <= len(rows):
        row = rows[int(m.group(1)) - 1]
        return [(row.data.get("name", ""), f"indicator:{row.id}")]
    tasks = [(t.data.get("name", ""), f"task:{t.id}") for t in nav.tasks()
             if t.data.get("name") and len(key) >= 2 and key in label_key(t.data["name"])]
    if tasks:
        return tasks[:4]
    qk = name_key(text)
    hits = [(r.data["name"], f"indicator:{r.id}") for r in rows if r.data.get("name") and name_key(r.data["name"]) == qk]
    if not hits and len(qk) >= 3:
        scored = sorted(((fuzz.WRatio(qk, name_key(r.data["name"])), n) for n, r in enumerate(rows)
                         if r.data.get("name")), reverse=True)
        hits = [(rows[n].data["name"], f"indicator:{rows[n].id}") for s, n in scored[:4] if s >= 85]
    if hits:
        return hits
    level2 = match(text, Column.LEVEL2)
    if level2.decision == Decision.CERTAIN and level2.name:
        l1 = framework().parent_of(level2.name) or ""
        return [(f"{l1} › {level2.name}", f"pair:{l1}/{level2.name}")]
    level1 = match(text, Column.LEVEL1)
    if level1.decision == Decision.CERTAIN and level1.name:
        first = next((p for p in nav.walk_pairs() if p[0] == level1.name), None)
        return [(level1.name, f"pair:{first[0]}/{first[1]}")] if first else []
    if level2.decision == Decision.AMBIGUOUS:
        out = []
        for c in level2.candidates:
            l1 = framework().parent_of(c.name) or ""
            out.append((f"{l1} › {c.name}", f"pair:{l1}/{c.name}"))
        return out
    return []


def _label_of(path: str) -> str:
    step = HEADER_STEPS.get(path)
    return step.label[0] if step is not None else path


def locate(nav: Nav, target: str) -> tuple[Pos, str] | None:
    """The position an edit of ``target`` starts at, and how far it reaches (scope kind)."""
    if target == "section:budget":
        return Pos(step=budget_step(BUDGET_FIELDS[0].attr)), "section"
    if target == "newtask":
        return Pos(step="task.name"), "task"
    if target.startswith("pair:"):
        l1, _, l2 = target[5:].partition("/")
        if nav.pair(l1, l2):
            return Pos(step="ind.more", l1=l1, l2=l2), "pair"
        return Pos(step="ind.name", l1=l1, l2=l2), "pair"
    rp = parse_row_path(target)
    pos = pos_for_path(nav, target)
    if pos is None:
        return None
    if rp is not None and rp.field is None:
        return pos, "task" if rp.kind == TASK else ("indicator" if rp.kind == INDICATOR else "item")
    if rp is not None and rp.kind == TASK and rp.field == "name":
        return pos, "task"
    return pos, "field"
