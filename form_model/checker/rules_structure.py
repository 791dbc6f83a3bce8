"""S rules: what must be present and where (domain.md §4.3, S01–S16)."""

from __future__ import annotations

from collections.abc import Iterator

from form_model.amounts import format_amount
from form_model.checker import thresholds as th
from form_model.checker.registry import (
    Context,
    Place,
    finding,
    group_place,
    indicator_place,
    rule,
    task_place,
)
from form_model.checker.text_tools import has_figure, is_numbered
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.normalize import name_key

COMPARATOR_START = tuple("≥≤＝=＞＜><")
GENERIC_NAMES = frozenset(
    name_key(n)
    for n in (
        "工作完成情况", "完成情况", "工作情况", "社会效益", "经济效益", "生态效益", "效益",
        "工作质量", "质量", "数量", "时效", "满意度", "成本", "任务完成", "工作任务", "其他",
    )
)


@rule("S01", S.ERROR, "部门名称 is filled")
def s01(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.department.strip():
        yield finding(
            "S01", S.ERROR, Place(Section.DEPARTMENT, path="department"),
            "部门名称未填写。", "The department name is empty.",
            "填写部门全称，如「广州市协作办公室」。", "Enter the department's full name.",
        )


@rule("S02", S.ERROR, "总体绩效目标 is filled")
def s02(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.overall_goal.strip():
        yield finding(
            "S02", S.ERROR, Place(Section.OVERALL_GOAL, path="overall_goal"),
            "总体绩效目标未填写。", "The overall performance goal is empty.",
            "按「1. … 2. …」分条写明年度总体目标。", "Write the goals as a numbered list: 1. … 2. …",
        )


@rule("S03", S.WARNING, "总体绩效目标 is numbered and measurable")
def s03(ctx: Context) -> Iterator[Finding]:
    text = ctx.form.overall_goal.strip()
    if not text:
        return
    place = Place(Section.OVERALL_GOAL, path="overall_goal")
    if not is_numbered(text):
        yield finding(
            "S03", S.WARNING, place,
            "总体绩效目标没有分条编号。", "The overall goal is not a numbered list.",
            "按「1. … 2. …」分条列出目标。", "Number the goals: 1. … 2. …",
        )
    if not has_figure(text):
        yield finding(
            "S03", S.WARNING, place,
            "总体绩效目标中没有可衡量的数字（如「78个镇」「≥90%」），难以对照考核。",
            "The overall goal has no measurable figure (such as 78 towns or ≥90%).",
            "在目标中写明关键数量或比例，并与绩效指标一致。",
            "State the key quantities and keep them consistent with the indicators.",
        )


@rule("S04", S.ERROR, "at least one key task, each fully filled")
def s04(ctx: Context) -> Iterator[Finding]:
    tasks = ctx.form.tasks
    if not tasks:
        yield finding(
            "S04", S.ERROR, Place(Section.TASKS, path="tasks"),
            "年度重点工作任务未填写，至少需要一项。", "No key task: at least one is required.",
            "填写任务名称、主要实施内容、拟投入的资金和期望达到的目标。",
            "Add a task with its name, content, funds and expected result.",
        )
        return
    for t, task in enumerate(tasks):
        if not task.name.strip():
            yield finding(
                "S04", S.ERROR, task_place(ctx, t, attr="name"),
                "任务名称未填写。", "The task has no name.",
            )
        if not task.items:
            yield finding(
                "S04", S.ERROR, task_place(ctx, t),
                "该任务没有主要实施内容、资金和目标。", "The task has no content, funds or result.",
            )
        for k, item in enumerate(task.items):
            missing = [
                attr for attr, empty in (
                    ("content", not item.content.strip()),
                    ("amount", item.amount is None and f"tasks[{t}].items[{k}].amount" not in ctx.form.amount_notes),
                    ("goal", not item.goal.strip()),
                ) if empty
            ]
            for attr in missing:
                place = task_place(ctx, t, k, attr)
                label = place.parts[-1]
                yield finding(
                    "S04", S.ERROR, place, f"「{label}」未填写。", f"{place.parts_en[-1]} is empty.",
                )


@rule("S05", S.INFO, "其他需完成的任务 is optional")
def s05(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.other_tasks.strip():
        yield finding(
            "S05", S.INFO, Place(Section.OTHER_TASKS, path="other_tasks"),
            "其他需完成的任务为可选填，目前为空。", "Other tasks is optional and is empty.",
            "如有重点任务未覆盖的项目支出，可在此说明。",
            "Use it for project spending the key tasks do not cover.",
        )


def _named(ctx: Context, level1: str, level2: str | None = None) -> list[int]:
    return [
        i for i, ind in ctx.named_indicators()
        if ind.level1 == level1 and (level2 is None or ind.level2 == level2)
    ]


@rule("S06", S.ERROR, "产出指标 and 效益指标 each have a 三级")
def s06(ctx: Context) -> Iterator[Finding]:
    for level1 in ("产出指标", "效益指标"):
        if not _named(ctx, level1):
            yield finding(
                "S06", S.ERROR, group_place(level1),
                f"{level1}下没有任何三级指标，至少需要一项。",
                f"No level-3 indicator under {ctx.fw.english(level1)}: at least one is required.",
            )


@rule("S07", S.WARNING, "满意度指标 has a 三级")
def s07(ctx: Context) -> Iterator[Finding]:
    if not _named(ctx, "满意度指标"):
        yield finding(
            "S07", S.WARNING, group_place("满意度指标", "服务对象满意度指标"),
            "满意度指标下没有三级指标（没有外部服务对象的部门除外）。",
            "No satisfaction indicator (unless the department has no external service users).",
            "如「服务对象满意度 ≥90%」。", "e.g. service recipient satisfaction ≥90%.",
        )


@rule("S08", S.WARNING, "成本指标 has a 三级")
def s08(ctx: Context) -> Iterator[Finding]:
    if not _named(ctx, "成本指标") and not _named(ctx, "产出指标", "成本指标"):  # else S17 says it
        # The example's ceiling is this form's own total expenditure, never another form's.
        total = ctx.expenditure_total
        ceiling = f"≤{format_amount(total)}万元" if total else "≤部门预算支出合计"
        yield finding(
            "S08", S.WARNING, group_place("成本指标", "经济成本指标"),
            "成本指标下没有三级指标；自财预〔2021〕101号起成本指标为一级指标，通常至少填写经济成本指标。",
            "No cost indicator; since 2021 cost is a level-1 block and normally has an economic cost.",
            f"如「项目总成本 {ceiling}」或「“三公经费”变动率 ≤0%」。",
            "e.g. total cost ≤ the budget, or change in 'three public expenses' ≤0%.",
        )


@rule("S09", S.WARNING, "产出 has 质量 and 时效 indicators")
def s09(ctx: Context) -> Iterator[Finding]:
    for level2 in ("质量指标", "时效指标"):
        if not _named(ctx, "产出指标", level2):
            yield finding(
                "S09", S.WARNING, group_place("产出指标", level2),
                f"{level2}下没有三级指标；审核通常要求产出包括数量、质量和时效。",
                f"No {ctx.fw.english(level2)} indicator; reviewers expect quantity, quality and timeliness.",
                "如「验收合格率 ≥95%」「完成及时率 ＝100%」。" if level2 == "质量指标"
                else "如「资金下达时限 每年4月底前」。",
            )


@rule("S16", S.INFO, "optional 二级 left empty")
def s16(ctx: Context) -> Iterator[Finding]:
    pairs = [("效益指标", "生态效益指标")]
    if _named(ctx, "成本指标"):
        pairs += [("成本指标", "社会成本指标"), ("成本指标", "生态环境成本指标")]
    for level1, level2 in pairs:
        if not _named(ctx, level1, level2):
            yield finding(
                "S16", S.INFO, group_place(level1, level2),
                f"{level2}为空；如与本部门职能无关可以不填。",
                f"{ctx.fw.english(level2)} is empty; fine if it does not apply to the department.",
            )


@rule("S10", S.ERROR, "一级/二级 names are standard and correctly nested")
def s10(ctx: Context) -> Iterator[Finding]:
    fw = ctx.fw
    for i, ind in enumerate(ctx.form.indicators):
        if ind.is_empty():
            continue
        if not ind.level1:
            yield finding(
                "S10", S.ERROR, indicator_place(ctx, i, "level1"),
                "该指标没有一级指标。", "The indicator has no level-1 category.",
            )
        elif fw.get(ind.level1) is None:
            yield finding(
                "S10", S.ERROR, indicator_place(ctx, i, "level1"),
                f"「{ind.level1}」不是标准的一级指标（产出/效益/满意度/成本指标）。",
                f"'{ind.level1}' is not a standard level-1 category.",
                fw.canonical_level1(ind.level1),
            )
        if not ind.level2:
            yield finding(
                "S10", S.ERROR, indicator_place(ctx, i, "level2"),
                "该指标没有二级指标。", "The indicator has no level-2 category.",
            )
        elif fw.get(ind.level1) is not None and not fw.is_canonical_pair(ind.level1, ind.level2) \
                and fw.legacy_pair(ind.level1, ind.level2) is None:  # the older framework: S17
            parent = fw.parent_of(ind.level2)
            if parent:
                msg = f"「{ind.level2}」属于{parent}，不应放在{ind.level1}下。"
                msg_en = f"'{ind.level2}' belongs under {parent}, not {ind.level1}."
                hint = f"{parent} › {ind.level2}"
            else:
                msg = f"「{ind.level2}」不是{ind.level1}下的标准二级指标。"
                msg_en = f"'{ind.level2}' is not a standard level-2 under {ind.level1}."
                hint = "、".join(c.name for c in fw.get(ind.level1).level2)  # type: ignore[union-attr]
            yield finding("S10", S.ERROR, indicator_place(ctx, i, "level2"), msg, msg_en, hint)


@rule("S11", S.ERROR, "every 三级 has a 年度指标值 and every value has a 三级")
def s11(ctx: Context) -> Iterator[Finding]:
    for i, ind in enumerate(ctx.form.indicators):
        if ind.name and not ind.annual_value.strip():
            yield finding(
                "S11", S.ERROR, indicator_place(ctx, i, "annual_value"),
                "年度指标值未填写。", "The annual value is empty.",
            )
        if not ind.name and (ind.period_value.strip() or ind.annual_value.strip()):
            yield finding(
                "S11", S.ERROR, indicator_place(ctx, i, "name"),
                "有指标值但没有三级指标名称。", "A value without a level-3 indicator name.",
            )


@rule("S12", S.WARNING, "实施周期指标值 present with 年度指标值")
def s12(ctx: Context) -> Iterator[Finding]:
    if ctx.form.template_info.value_columns == 1:
        return  # a single-value template has no 实施周期指标值 to fill
    for i, ind in ctx.named_indicators():
        if ind.annual_value.strip() and not ind.period_value.strip():
            yield finding(
                "S12", S.WARNING, indicator_place(ctx, i, "period_value"),
                "填写了年度指标值但实施周期指标值为空。",
                "The annual value is filled but the period value is empty.",
                ind.annual_value, ind.annual_value,
            )


@rule("S17", S.WARNING, "the older indicator framework, explained once")
def s17(ctx: Context) -> Iterator[Finding]:
    fw = ctx.fw
    used: dict[tuple[str, str], list[int]] = {}
    for i, ind in ctx.named_indicators():
        if fw.legacy_pair(ind.level1, ind.level2) is not None:
            used.setdefault((ind.level1, ind.level2), []).append(i)
    if not used:
        return
    pairs = [(fw.legacy_pair(*pair), rows) for pair, rows in used.items()]
    named_zh = "、".join(f"「{p.level1} › {p.level2}」（{len(rows)} 条）" for p, rows in pairs if p)
    named_en = ", ".join(f"{p.level1} › {p.level2} ({len(rows)})" for p, rows in pairs if p)
    why_zh = "；".join(p.why_zh for p, _ in pairs if p)
    why_en = "; ".join(p.why_en for p, _ in pairs if p)
    moves_zh = "；".join(f"「{p.level1} › {p.level2}」下的 {len(rows)} 条移到「{p.to_zh}」"
                        for p, rows in pairs if p)
    moves_en = "; ".join(f"move the {len(rows)} under {p.level1} › {p.level2} to {p.to_en}"
                         for p, rows in pairs if p)
    first = min(i for _, rows in pairs for i in rows)
    place = Place(Section.INDICATORS, ("指标体系",), ("indicator framework",), f"indicators[{first}]")
    yield finding(
        "S17", S.WARNING, place,
        f"本表使用 2021 年以前的指标体系：{named_zh}。{why_zh}。",
        f"The form uses the indicator framework of before 2021: {named_en}; {why_en}.",
        f"按现行体系调整：{moves_zh}。", f"Move to the current framework: {moves_en}.",
    )


@rule("S13", S.WARNING, "no duplicate 三级 names")
def s13(ctx: Context) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, ind in ctx.named_indicators():
        key = name_key(ind.name)
        if key in seen:
            first = ctx.form.indicators[seen[key]]
            yield finding(
                "S13", S.WARNING, indicator_place(ctx, i, "name"),
                f"三级指标与第 {seen[key] + 1} 行（{first.level2}）重复。",
                f"Duplicates the level-3 indicator on row {seen[key] + 1}.",
            )
        else:
            seen[key] = i


@rule("S14", S.WARNING, "misaligned row")
def s14(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        reasons: list[tuple[str, str]] = []
        key = name_key(ind.name)
        for attr in ("period_value", "annual_value"):
            value = getattr(ind, attr)
            if len(key) >= 4 and key in name_key(value):
                reasons.append(("指标值中重复了指标名称", "a value repeats the indicator name"))
            elif len(value) > th.VALUE_MAX_CHARS:
                reasons.append((f"指标值超过{th.VALUE_MAX_CHARS}个字", "a value is unusually long"))
        if ind.name.lstrip().startswith(COMPARATOR_START):
            reasons.append(("三级指标名称以比较符开头", "the name starts with a comparator"))
        if reasons:
            zh = "；".join(dict.fromkeys(r[0] for r in reasons))
            en = "; ".join(dict.fromkeys(r[1] for r in reasons))
            yield finding(
                "S14", S.WARNING, indicator_place(ctx, i),
                f"这一行可能错位（{zh}），请核对三级指标、实施周期指标值和年度指标值是否各在其列。",
                f"This row looks misaligned ({en}); check that name and values are in their columns.",
            )


@rule("S15", S.WARNING, "三级 name specific enough")
def s15(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        key = name_key(ind.name)
        if key in GENERIC_NAMES or key in (name_key(ind.level2), name_key(ind.level1)):
            yield finding(
                "S15", S.WARNING, indicator_place(ctx, i, "name"),
                f"三级指标「{ind.name}」过于笼统，无法考核。",
                f"The indicator '{ind.name}' is too generic to assess.",
                "写明对象和口径，如「帮助转移就业人数」。", "Name the object and measure.",
            )


