"""Reading a labelled message: whole items of the form typed in one message.

    部门名称：广州市文化广电旅游局；预算年度：2026
    基本支出 4381.54，项目支出 270769.27
    任务：开展省内帮扶工作；主要实施内容：……；资金：234,657.50；目标：……
    任务3 第2行 内容：……；资金：400
    指标：产出指标›数量指标›广州对口帮扶省内镇数量；指标值：≥78个
    帮助转移就业人数：≥1.4万人

A label is a known field name (:file:`bot/data/labels.json`; Chinese or English, full- or
half-width colon) at the start of the message or after a separator (；;，,、 line break or
space). Its value runs to the next label, so a value may itself hold semicolons (「10次以上优秀；
8-10次良好」). The eight amounts need no colon (「基本支出 4381.54」). Text that no label
claims, and labels nobody knows (「备注：…」), come back in :attr:`Parsed.unplaced`: they are
said back to the person, never stored inside another field.

This module only reads; :mod:`bot.placing` decides where the items go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from bot.steps import HEADER, STEPS
from form_model.models import BUDGET_FIELDS
from form_model.normalize import nfkc

#: Header fields are named by the ids of the steps that ask them (bot/steps.py).
HEADER_KEYS = frozenset(s.id for s in STEPS if s.target is not None and s.target.kind == HEADER)
TASK_KEYS = ("task.name", "task.ref", "item.row", "item.content", "item.amount", "item.goal")
INDICATOR_KEYS = (
    "ind.level1", "ind.level2", "ind.name", "ind.path", "ind.value", "ind.period_value",
    "ind.annual_value",
)
#: Keys that start a new task or indicator when the current one already has them.
STARTS = {"task.name": "task", "task.ref": "task", "ind.name": "indicator", "ind.path": "indicator"}

_SEP = "；;，,、。\n\r\t "
_BOUNDARY = rf"(?:^|(?<=[{_SEP}\u3000]))"
_PATH_SEPS = "›>＞»/／|｜"


@dataclass
class Item:
    """One item of the form: the header, the amounts, a task (sub-row) or an indicator."""

    kind: str  # "header" | "budget" | "task" | "indicator"
    fields: dict[str, str] = field(default_factory=dict)
    #: The labels as typed, by field key (to say where a value came from).
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    items: list[Item]
    #: Text no label claimed, or claimed by an unknown label: (label or "", text).
    unplaced: list[tuple[str, str]]

    @property
    def labelled(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    key: str
    label: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Vocabulary:
    labels: dict[str, str]  # normalised label → key
    contextual: dict[str, dict[str, str]]
    budget: dict[str, str]  # normalised label → budget attr
    not_labels: frozenset[str]
    label_re: re.Pattern[str]
    budget_re: re.Pattern[str]


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", nfkc(label).casefold()).strip()


def _alternation(words: list[str]) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        parts.append(r"\s*".join(re.escape(ch) for ch in w.split(" ")) if " " in w else re.escape(w))
    return "|".join(parts)


@cache
def vocabulary() -> _Vocabulary:
    raw: dict[str, Any] = json.loads(
        resources.files("bot").joinpath("data/labels.json").read_text("utf-8"))
    labels = {_norm(w): key for key, words in raw["labels"].items() for w in words}
    contextual = {_norm(w): rule for w, rule in raw["contextual"].items()}
    budget: dict[str, str] = {}
    for f in BUDGET_FIELDS:
        for w in (f.label_zh, f.label_en, *raw["budget_aliases"].get(f.attr, [])):
            budget[_norm(w)] = f.attr
    text_labels = list(labels) + list(contextual) + list(budget)
    label_re = re.compile(
        rf"{_BOUNDARY}(?P<label>{_alternation(text_labels)})\s*[:：]", re.IGNORECASE)
    number_start = r"[-−+¥￥\d一二三四五六七八九十零两壹贰叁肆伍陆柒捌玖]|RMB|CNY|人民币"
    budget_re = re.compile(
        rf"{_BOUNDARY}(?P<label>{_alternation(list(budget))})\s*(?:[:：=]|(?:也|都|还|亦)?(?:是|为|有))?\s*(?=(?:{number_start}))",
        re.IGNORECASE,
    )
    return _Vocabulary(labels, contextual, budget, frozenset(_norm(w) for w in raw["not_labels"]),
                       label_re, budget_re)


_TASK_REF = re.compile(
    rf"{_BOUNDARY}(?P<label>(?:任务|task\s*#?)\s*(?P<n1>\d+)|第\s*(?P<n2>\d+)\s*项(?:任务)?)(?:\s*[:：])?",
    re.IGNORECASE,
)
_ROW_REF = re.compile(rf"{_BOUNDARY}(?P<label>第\s*(?P<n>\d+)\s*行|row\s*(?P<n2>\d+))(?:\s*[:：])?",
                      re.IGNORECASE)
_PATH = re.compile(
    rf"(?:^|(?<=[{_SEP}\u3000:：]))(?P<label>[^{_SEP}\u3000:：{_PATH_SEPS}]{{2,20}}\s*[{_PATH_SEPS}]\s*"
    rf"[^{_SEP}\u3000:：{_PATH_SEPS}]{{2,20}}(?:\s*[{_PATH_SEPS}]\s*[^:：；;\n{_PATH_SEPS}]{{1,200}}?)?)\s*[:：]"
)
_UNKNOWN = re.compile(
    r"(?:^|(?<=[；;\n]))\s*(?P<label>[A-Za-z][A-Za-z ]{1,20}|[\u4e00-\u9fff][\u4e00-\u9fff“”\"（）()、]{1,39})\s*[:：]"
)


#: 「其余都是0」, 「剩下的为0」, 「其他均填0」, "the rest 0": every amount not yet given is 0. Only
#: zero: a person who means another number names the field.
_REST = re.compile(
    rf"{_BOUNDARY}(?P<label>其余(?:的|各项)?|剩下的?|剩余的?|余下的?|其他(?:的|各项)?(?=\s*(?:都|均|全|也))"
    r"|the\s+rest|everything\s+else|all\s+others?|others?|rest)"
    r"\s*(?:都|均|全|全部|也|are|is)?\s*(?:是|为|填|写|填写|=|:|：)?\s*(?=(?:0|零|〇)(?:\.0+)?(?![.\d])(?:万元|万|元)?\s*(?:$|[，,；;。.\s]))",
    re.IGNORECASE,
)
REST = "budget.rest"


def split_path(text: str) -> list[str]:
    """「产出指标›数量指标›名称」 → its parts."""
    return [p.strip() for p in re.split(rf"\s*[{_PATH_SEPS}]\s*", text) if p.strip()]


def _hits(text: str, is_pair: Callable[[str, str], bool] | None) -> list[_Hit]:
    v = vocabulary()
    found: list[_Hit] = []
    for m in v.label_re.finditer(text):
        label = _norm(m.group("label"))
        if label in v.budget:
            key = f"budget.{v.budget[label]}"
        else:
            key = v.labels.get(label) or f"?{label}"
        found.append(_Hit(m.start("label"), m.end(), key, m.group("label")))
    for m in v.budget_re.finditer(text):
        found.append(_Hit(m.start("label"), m.end(), f"budget.{v.budget[_norm(m.group('label'))]}",
                          m.group("label")))
    for m in _REST.finditer(text):
        found.append(_Hit(m.start("label"), m.end(), REST, m.group("label")))
    for m in _TASK_REF.finditer(text):
        found.append(_Hit(m.start("label"), m.end(), "task.ref", m.group("label"),
                          {"n": m.group("n1") or m.group("n2")}))
    for m in _ROW_REF.finditer(text):
        found.append(_Hit(m.start("label"), m.end(), "item.row", m.group("label"),
                          {"n": m.group("n") or m.group("n2")}))
    for m in _PATH.finditer(text):
        parts = split_path(m.group("label"))
        if len(parts) >= 2 and (is_pair is None or is_pair(parts[0], parts[1])):
            found.append(_Hit(m.start("label"), m.end(), "ind.path", m.group("label"),
                              {"path": m.group("label")}))
    for m in _UNKNOWN.finditer(text):
        label = _norm(m.group("label"))
        if label not in v.labels and label not in v.contextual and label not in v.budget \
                and label not in v.not_labels:
            found.append(_Hit(m.start("label"), m.end(), f"?{m.group('label').strip()}",
                              m.group("label").strip()))
    # Longest first at one place, then drop hits inside an earlier one.
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for h in found:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _context(hits: list[_Hit]) -> str:
    keys = {h.key for h in hits}
    if keys & set(INDICATOR_KEYS):
        return "indicator"
    if keys & set(TASK_KEYS):
        return "task"
    return "default"


def _resolve_contextual(hits: list[_Hit]) -> list[_Hit]:
    v = vocabulary()
    plain = [h for h in hits if not h.key.startswith("?") or _norm(h.label) not in v.contextual]
    context = _context(plain)
    out = []
    for h in hits:
        rule = v.contextual.get(_norm(h.label)) if h.key.startswith("?") else None
        if rule is not None:
            h = _Hit(h.start, h.end, rule.get(context, rule["default"]), h.label, h.extra)
        out.append(h)
    return out


def _strip(value: str) -> str:
    """A value without the separators around it (a full stop belongs to the text)."""
    return value.strip(_SEP.replace("。", "") + "\u3000")


def parse(text: str, *, is_pair: Callable[[str, str], bool] | None = None,
          indicator_name: Callable[[str, str], bool] | None = None) -> Parsed:
    """The items a message types out, and what it says that no label claims.

    ``is_pair(level1, level2)`` says whether two names are a 一级 and a 二级 (for labels such
    as 「产出指标›数量指标›…：」); ``indicator_name(label, value)`` whether an unknown label is
    in fact an indicator's name with its value (「帮助转移就业人数：≥1.4万人」).
    """
    hits = _resolve_contextual(_hits(text, is_pair))
    unplaced: list[tuple[str, str]] = []
    if not hits:
        return Parsed([], [("", text.strip())] if text.strip() else [])
    lead = _strip(text[: hits[0].start])
    if lead:
        unplaced.append(("", lead))
    items: list[Item] = []
    header = Item("header")
    budget = Item("budget")
    current: Item | None = None

    def start(kind: str) -> Item:
        nonlocal current
        current = Item(kind)
        items.append(current)
        return current

    for n, h in enumerate(hits):
        end = hits[n + 1].start if n + 1 < len(hits) else len(text)
        value = _strip(text[h.end:end])
        key = h.key
        if key.startswith("?"):
            label = key[1:]
            if indicator_name is not None and value and indicator_name(label, value):
                item = start("indicator")
                item.fields["ind.name"], item.labels["ind.name"] = label, label
                item.fields["ind.value"], item.labels["ind.value"] = value, label
            else:
                unplaced.append((label, value))
            continue
        if key.startswith("budget."):
            budget.fields[key], budget.labels[key] = value, h.label
            continue
        if key in HEADER_KEYS:  # (every header field but the amounts, which go together)
            header.fields[key], header.labels[key] = value, h.label
            continue
        kind = "task" if key in TASK_KEYS else "indicator"
        if current is None or current.kind != kind or (
                STARTS.get(key) == kind and _starts_again(current, key)):
            start(kind)
        assert current is not None
        if key == "task.ref":
            current.fields["task.ref"] = h.extra["n"]
            current.labels["task.ref"] = h.label
            if value:  # 「任务2：名称」
                current.fields["task.name"], current.labels["task.name"] = value, h.label
        elif key == "item.row":
            current.fields["item.row"] = h.extra["n"]
            current.labels["item.row"] = h.label
            if value:
                unplaced.append((h.label, value))
        elif key == "ind.path":
            parts = split_path(h.extra["path"])
            current.fields["ind.level1"], current.fields["ind.level2"] = parts[0], parts[1]
            current.labels["ind.level1"] = current.labels["ind.level2"] = h.label
            if len(parts) > 2:
                current.fields["ind.name"], current.labels["ind.name"] = "›".join(parts[2:]), h.label
                if value:
                    current.fields["ind.value"], current.labels["ind.value"] = value, h.label
            elif value:
                current.fields["ind.name"], current.labels["ind.name"] = value, h.label
        elif key == "ind.name" and value and any(s in value for s in _PATH_SEPS) and (
                parts := split_path(value)) and len(parts) >= 3 and (
                is_pair is None or is_pair(parts[0], parts[1])):
            current.fields["ind.level1"], current.fields["ind.level2"] = parts[0], parts[1]
            current.labels["ind.level1"] = current.labels["ind.level2"] = h.label
            current.fields["ind.name"], current.labels["ind.name"] = "›".join(parts[2:]), h.label
        else:
            if key in current.fields and current.fields[key]:
                unplaced.append((h.label, value))  # the same field twice in one item
                continue
            current.fields[key], current.labels[key] = value, h.label
    for item in (header, budget):
        if item.fields:
            items.insert(0 if item is header else min(1, len(items)), item)
    return Parsed(items, unplaced)


def _starts_again(item: Item, key: str) -> bool:
    """A second 「任务：」 or 「指标：」 in one message starts a second task or indicator."""
    if key in ("task.name", "task.ref"):
        return bool(item.fields.get("task.name") or item.fields.get("task.ref"))
    return bool(item.fields.get("ind.name"))
