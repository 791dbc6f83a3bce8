"""Questions and "where am I", derived from the step declarations.

Every question gets the same parameters (label, task, row, l1, l2, name, …); each message
template in :mod:`bot.messages` uses the ones it needs, so a new step needs no code here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.messages import msg
from bot.state import Pos
from bot.steps import HEADER, Step, step_of
from bot.walk import Nav
from form_model.amounts import format_amount
from form_model.library import by_level2
from form_model.models import BUDGET_FIELD_BY_ATTR

SEP = " › "
#: Library names offered as choices for a new indicator.
OFFERED_NAMES = 3


def field_label(step: Step, lang: str, nav: Nav | None = None) -> str:
    zh, en = step.label_for(nav) if nav is not None else step.label
    return en if lang == "en" else zh


def shorten(text: str, n: int) -> str:
    """At most n characters, an ellipsis marking a cut."""
    return text if len(text) <= n else text[:n] + "…"


def task_label(nav: Nav, task_id: int | None, lang: str) -> str:
    n = nav.task_index(task_id) + 1
    return f"task {n}" if lang == "en" else f"第 {n} 项"


def where(nav: Nav, pos: Pos, lang: str) -> str:
    """Where a position is, in the form's own words: 绩效指标 › 产出指标 › 质量指标，第 2 项."""
    step = step_of(pos)
    if step.id == "done":
        return ""
    # The form's own words, in either language: they are what the form prints.
    parts = [step.section.zh]
    if step.target is not None and step.target.kind == HEADER:
        if step.target.name.startswith("budget."):
            f = BUDGET_FIELD_BY_ATTR[step.target.name.split(".", 1)[1]]
            return SEP.join(("预算整体情况", f.group_zh, f.label_zh))
        return step.label[0]
    if step.group in ("task", "item"):
        parts.append(task_label(nav, pos.task, lang))
        if step.group == "item" and pos.task is not None:
            items = nav.items(pos.task)
            if len(items) > 1 or (pos.item is None and items):
                n = nav.item_index(pos.task, pos.item) + 1
                parts.append(f"row {n}" if lang == "en" else f"第 {n} 行")
        if step.target is not None:
            parts.append(step.label[0])
        return SEP.join(parts)
    if step.group == "pair":
        head = SEP.join(("绩效指标", pos.l1, pos.l2))
        if step.id == "ind.more":
            return head
        n = nav.pair_number(pos.l1, pos.l2, pos.ind)
        label = head + (f", item {n}" if lang == "en" else f"，第 {n} 项")
        if step.target is not None and step.id != "ind.name":
            label += SEP + step.label_for(nav)[0]
        return label
    return SEP.join(parts)


def params(nav: Nav, pos: Pos, lang: str) -> dict[str, Any]:
    """Everything a question may mention about its position (only what its group has: a
    budget question reads no task and no indicator)."""
    step = step_of(pos)
    out: dict[str, Any] = {"label": field_label(step, lang, nav), "l1": pos.l1, "l2": pos.l2,
                           "task": "", "n": 1, "rows": 0, "row": "", "name": "", "names": ""}
    if step.target is not None and step.target.name.startswith("budget."):
        out["label"] = BUDGET_FIELD_BY_ATTR[step.target.name.split(".", 1)[1]].label_zh
    out["value_label"] = out["label"] if step.id == "ind.annual_value" else ""
    if step.group in ("task", "item"):
        task = nav.row(pos.task)
        out["task"] = shorten((task.data.get("name") if task else "") or "", 40)
        out["n"] = nav.task_index(pos.task) + 1
        rows_of_task = nav.items(pos.task) if pos.task is not None else []
        out["rows"] = len(rows_of_task)
        if step.group == "item" and (len(rows_of_task) > 1 or (pos.item is None and rows_of_task)):
            out["row"] = msg(lang, "row_n", n=nav.item_index(pos.task, pos.item) + 1)
    if step.group == "pair":
        ind = nav.row(pos.ind)
        out["name"] = shorten((ind.data.get("name") if ind else "") or "", 40)
        if step.id == "ind.more":
            names = [r.data.get("name", "") for r in nav.pair(pos.l1, pos.l2)]
            out["rows"] = len(names)
            out["names"] = "、".join(shorten(n, 20) for n in names[:8]) + ("…" if len(names) > 8 else "")
    if step.examples == "library":
        out["example"] = _library_example(nav, pos, lang)
    return out


#: Library rows taken from the one real form name that department's own work: never shown to
#: another department as an example (they still help matching what is typed).
_OWN_CONTENT = "seed form"


def pair_library_names(level1: str, level2: str, taken: Collection[str] = ()) -> list[str]:
    """The library's names of a pair, but ``taken`` ones, never another department's own
    content (offered in the chat and in Slack's row form alike)."""
    return [x.name for x in by_level2(level1, level2)
            if x.name not in taken and not x.source.startswith(_OWN_CONTENT)]


def library_names(nav: Nav, pos: Pos) -> list[str]:
    """Library names of the position's pair not yet in the pair (offered as choices)."""
    return pair_library_names(pos.l1, pos.l2, {r.data.get("name", "") for r in nav.pair(pos.l1, pos.l2)})


def _library_example(nav: Nav, pos: Pos, lang: str) -> str:
    names = library_names(nav, pos)
    if names:
        return msg(lang, "example_names", names="、".join(names[:2]))
    return msg(lang, "example_none", l2=pos.l2)


def current_value(nav: Nav, pos: Pos, lang: str) -> str:
    step = step_of(pos)
    if step.target is None:
        return ""
    value = nav.value(step.target.path(pos))
    if value in (None, ""):
        return ""
    if step.target.reader == "amount":
        value = format_amount(as_decimal(value))
    return "\n" + msg(lang, "current", value=shorten(str(value), 80))


def as_decimal(value: Any) -> Any:
    from decimal import Decimal

    return Decimal(str(value))
