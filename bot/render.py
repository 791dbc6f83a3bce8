"""Compact views of a draft for chat: where a position is, progress, the draft itself."""

from __future__ import annotations

from decimal import Decimal

from bot import walk as W
from form_model.amounts import format_amount
from form_model.framework import framework
from form_model.models import BUDGET_FIELDS, Form

SEP = " › "


def draft_title(form: Form, lang: str) -> str:
    if form.department:
        return form.department + (f"（{form.year}年）" if form.year else "")
    return "未命名草稿" if lang == "zh" else "untitled draft"


def where_label(form: Form, pos: W.Pos, lang: str) -> str:
    """Where a position is, in the form's own words: 绩效指标 › 产出指标 › 质量指标，第 2 项."""
    s = pos.step
    en = lang == "en"
    if s == W.DEPARTMENT:
        return "部门名称"
    if s == W.YEAR:
        return "预算年度"
    if s == W.BUDGET:
        f = next(f for f in BUDGET_FIELDS if f.attr == pos.attr)
        return SEP.join(("预算整体情况", f.group_zh, f.label_zh))
    if s == W.GOAL:
        return "总体绩效目标"
    if s in (W.TASK_NAME, W.TASK_CONTENT, W.TASK_AMOUNT, W.TASK_GOAL, W.TASK_MORE):
        n = pos.t + 1
        head = f"年度重点工作任务{SEP}" + (f"task {n}" if en else f"第 {n} 项")
        field = {
            W.TASK_NAME: "名称", W.TASK_CONTENT: "主要实施内容",
            W.TASK_AMOUNT: "拟投入的资金（万元）", W.TASK_GOAL: "期望达到的目标（概述）",
        }.get(s)
        if field and s != W.TASK_NAME and pos.t < len(form.tasks) and len(form.tasks[pos.t].items) > 1:
            head += SEP + (f"row {pos.i + 1}" if en else f"第 {pos.i + 1} 行")
        return head + (SEP + field if field else "")
    if s == W.OTHER:
        return "其他需完成的任务（可选填）"
    if s in (W.IND_NAME, W.IND_PERIOD, W.IND_ANNUAL, W.IND_MORE):
        rows = W.rows_of_pair(form, pos.l1, pos.l2)
        if s == W.IND_MORE:
            return SEP.join(("绩效指标", pos.l1, pos.l2))
        n = rows.index(pos.k) + 1 if pos.k in rows else len(rows) + 1
        label = SEP.join(("绩效指标", pos.l1, pos.l2)) + (f", item {n}" if en else f"，第 {n} 项")
        field = {W.IND_PERIOD: "实施周期指标值", W.IND_ANNUAL: "年度指标值"}.get(s)
        return label + (SEP + field if field else "")
    return ""


def _mark(done: bool) -> str:
    return "✓" if done else "…"


def render_progress(form: Form, lang: str) -> str:
    en = lang == "en"
    lines = []
    lines.append(f"{_mark(bool(form.department))} 部门名称" + (f"：{form.department}" if form.department else ""))
    lines.append(f"{_mark(form.year is not None)} 预算年度" + (f"：{form.year}" if form.year else ("（optional）" if en else "（可选）")))
    filled = sum(1 for f in BUDGET_FIELDS if getattr(form.budget, f.attr) is not None)
    lines.append(f"{_mark(filled == len(BUDGET_FIELDS))} 预算整体情况：{filled}/{len(BUDGET_FIELDS)}")
    lines.append(f"{_mark(bool(form.overall_goal))} 总体绩效目标")
    incomplete = sum(
        1 for t in form.tasks
        if not t.name or not t.items or any(not i.content or i.amount is None or not i.goal for i in t.items)
    )
    task_text = (f"{len(form.tasks)} tasks" if en else f"{len(form.tasks)} 项")
    if incomplete:
        task_text += f"（{incomplete} incomplete）" if en else f"（{incomplete} 项未填完）"
    lines.append(f"{_mark(bool(form.tasks) and not incomplete)} 年度重点工作任务：{task_text}")
    lines.append(f"{_mark(True)} 其他需完成的任务" + ("（optional）" if en else "（可选填）"))
    named = [i for i in form.indicators if i.name]
    fw = framework()
    groups = []
    for l1 in fw.level1_names():
        count = sum(1 for i in named if i.level1 == l1)
        groups.append(f"{l1} {count}")
    lines.append(f"{_mark(bool(named))} 绩效指标：" + "，".join(groups))
    return "\n".join(lines)


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else format_amount(value)


def shorten(text: str, n: int) -> str:
    """At most n characters, an ellipsis marking a cut."""
    return text if len(text) <= n else text[:n] + "…"


def _cut(text: str, n: int = 60) -> str:
    return shorten(text.replace("\n", " "), n)


def render_show(form: Form, lang: str) -> str:
    if form.is_empty():
        return ""
    lines = [f"部门名称：{form.department or '—'}" + (f"　预算年度：{form.year}" if form.year else "")]
    lines.append("预算整体情况（万元）：" + "，".join(
        f"{f.label_zh} {_amount(getattr(form.budget, f.attr))}" for f in BUDGET_FIELDS
    ))
    lines.append(f"总体绩效目标：{_cut(form.overall_goal) or '—'}")
    lines.append("年度重点工作任务：" + ("—" if not form.tasks else ""))
    for n, task in enumerate(form.tasks, start=1):
        total = task.total()
        lines.append(f"  {n}. {task.name or '—'}（{len(task.items)} 行，{_amount(total)} 万元）")
    if form.other_tasks:
        lines.append(f"其他需完成的任务：{_cut(form.other_tasks)}")
    lines.append("绩效指标：" + ("—" if not any(i.name for i in form.indicators) else ""))
    for ind in form.indicators:
        if not ind.name and not ind.annual_value:
            continue
        values = ind.period_value if ind.period_value == ind.annual_value else f"{ind.period_value or '—'} / {ind.annual_value or '—'}"
        lines.append(f"  {ind.level1} › {ind.level2} › {ind.name or '—'}：{values or '—'}")
    return "\n".join(lines)
