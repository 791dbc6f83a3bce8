"""Views of a whole draft for chat: its title, 进度 (progress), and the draft itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.messages import msg
from bot.prompts import shorten
from bot.steps import HEADER, STEPS
from form_model.amounts import format_amount
from form_model.checker import Report
from form_model.findings import Section, Severity
from form_model.framework import framework
from form_model.models import BUDGET_FIELDS, Form

OK, ERROR, MISSING, OPTIONAL = "✓", "✗", "…", "·"


def draft_title(header: dict[str, Any] | Form, lang: str) -> str:
    if isinstance(header, Form):
        department, year = header.department, header.year
    else:
        department, year = header.get("department") or "", header.get("year")
    if department:
        return shorten(department, 60) + (f"（{year}年）" if year else "")
    return msg(lang, "untitled")


def _mark(filled: bool, errors: int, optional: bool = False) -> str:
    if errors:
        return ERROR
    if filled:
        return OK
    return OPTIONAL if optional else MISSING


def render_progress(form: Form, report: Report, lang: str) -> str:
    """One line per section: ✓ only when it is filled and has no error; what is missing named."""
    en = lang == "en"
    errors = {s: 0 for s in Section}
    for f in report.findings:
        if f.severity == Severity.ERROR:
            errors[f.section] += 1

    def err(section: Section) -> str:
        n = errors[section]
        return f"（{msg(lang, 'status_errors', n=n)}）" if n and not en else (f" ({n} errors)" if n else "")

    def missing(items: list[str]) -> str:
        return f"（{msg(lang, 'status_missing', items='、'.join(items))}）" if not en else \
            f" ({msg(lang, 'status_missing', items=', '.join(items))})"

    lines = []
    for step in STEPS:
        if step.target is None or step.target.kind != HEADER or step.section == Section.BUDGET:
            continue
        if step.section == Section.BASIC_INFO and not form.template_info.basic_info:
            continue
        value: Any = form
        for part in step.target.name.split("."):
            value = getattr(value, part)
        section = step.section
        filled = value not in (None, "")
        shown = f"：{shorten(str(value), 40)}" if filled and section in (
            Section.DEPARTMENT, Section.YEAR, Section.BASIC_INFO) else ""
        optional = "" if not step.optional or filled or "可选" in step.label[0] else (
            " (optional)" if en else "（可选）")
        line = f"{_mark(filled, errors[section], step.optional)} {step.label[0]}{shown}{optional}{err(section)}"
        if section == Section.OVERALL_GOAL:  # the amounts come before the goal on the form
            lines.append(_budget_line(form, errors[Section.BUDGET], lang, missing, err))
        lines.append(line)
        if section == Section.OVERALL_GOAL:
            lines.append(_tasks_line(form, errors[Section.TASKS], lang, err))
    lines.append(_indicators_line(form, errors[Section.INDICATORS], lang, missing, err))
    return "\n".join(lines)


def _budget_line(form: Form, n_errors: int, lang: str, missing: Any, err: Any) -> str:
    empty = [f.label_zh for f in BUDGET_FIELDS if getattr(form.budget, f.attr) is None]
    filled = len(BUDGET_FIELDS) - len(empty)
    text = f"{_mark(not empty, n_errors)} 预算整体情况：{filled}/{len(BUDGET_FIELDS)}"
    return text + (missing(empty) if empty else "") + err(Section.BUDGET)


def _tasks_line(form: Form, n_errors: int, lang: str, err: Any) -> str:
    en = lang == "en"
    incomplete = [n for n, t in enumerate(form.tasks, start=1)
                  if not t.name or not t.items or any(not i.content or i.amount is None or not i.goal for i in t.items)]
    count = f"{len(form.tasks)} tasks" if en else f"{len(form.tasks)} 项"
    if incomplete:
        which = ", ".join(f"task {n}" for n in incomplete) if en else "、".join(f"第 {n} 项" for n in incomplete)
        count += f" ({which} incomplete)" if en else f"（{which}未填完）"
    done = bool(form.tasks) and not incomplete
    return f"{_mark(done, n_errors)} 年度重点工作任务：{count}{err(Section.TASKS)}"


def _indicators_line(form: Form, n_errors: int, lang: str, missing: Any, err: Any) -> str:
    from bot.walk import REQUIRED_PAIRS

    named = [i for i in form.indicators if i.name]
    groups = "，".join(f"{l1} {sum(1 for i in named if i.level1 == l1)}" for l1 in framework().level1_names())
    absent = []
    for l1, l2 in REQUIRED_PAIRS:
        if l1 == "效益指标" and any(i.level1 == l1 for i in named):
            continue
        if not any((i.level1, i.level2) == (l1, l2) for i in named):
            absent.append(l2)
    no_values = [i.name for i in named if not i.period_value or not i.annual_value]
    items = absent + [f"「{shorten(n, 12)}」的指标值" if lang != "en" else f"values of '{shorten(n, 12)}'"
                      for n in no_values[:3]]
    return f"{_mark(not items and bool(named), n_errors)} 绩效指标：{groups}" + (missing(items) if items else "") + \
        err(Section.INDICATORS)


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else format_amount(value)


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
        lines.append(f"  {n}. {shorten(task.name, 40) or '—'}（{len(task.items)} 行，{_amount(task.total())} 万元）")
    if form.other_tasks:
        lines.append(f"其他需完成的任务：{_cut(form.other_tasks)}")
    lines.append("绩效指标：" + ("—" if not any(i.name for i in form.indicators) else ""))
    for ind in form.indicators:
        if not ind.name and not ind.annual_value:
            continue
        values = ind.period_value if ind.period_value == ind.annual_value else \
            f"{ind.period_value or '—'} / {ind.annual_value or '—'}"
        lines.append(f"  {ind.level1} › {ind.level2} › {shorten(ind.name, 40) or '—'}：{shorten(values, 40) or '—'}")
    return "\n".join(lines)


def summary_of(form: Form, report: Report, version: int) -> dict[str, Any]:
    """What listings keep of a check (App Home shows it without checking again): the counts
    and the per-section progress, in both languages, as of the draft's ``version``."""
    c = report.counts()
    return {"version": version, "complete": report.complete, "errors": c["error"],
            "warnings": c["warning"], "infos": c["info"],
            "progress": {lang: render_progress(form, report, lang) for lang in ("zh", "en")}}


def progress_text(summary: dict[str, Any] | None, version: int, lang: str) -> str:
    if not summary:
        return msg(lang, "progress_unchecked")
    text = msg(lang, "progress_checked", errors=summary.get("errors", 0), warnings=summary.get("warnings", 0))
    if summary.get("version") != version:
        text += msg(lang, "progress_stale")
    return text
