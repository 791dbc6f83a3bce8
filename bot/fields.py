"""Reading an answer for one field: what value it is, or why it cannot be taken.

A value is judged in one place, :mod:`form_model.judgement`, which the checker also asks:
an answer is refused exactly when the checker would report an error on it, and taken with a
note when the checker would warn. The chat maps the verdicts to its own words here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot import chitchat
from bot.messages import msg
from bot.steps import (
    AMOUNT_READER,
    COUNT_READER,
    DEPARTMENT_READER,
    INDICATOR_NAME_READER,
    TASK_NAME_READER,
    TEXT_READER,
    VALUE_READER,
    YEAR_READER,
)
from form_model.amounts import format_amount
from form_model.judgement import Verdict, judge_amount, judge_value
from form_model.limits import too_long
from form_model.normalize import clean_cell_text, nfkc
from form_model.values import ValueKind, parse_value

_YEAR = re.compile(r"^(\d{4})\s*(?:年度?|年)?$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_COMPARATOR_START = re.compile(r"^[≥≤=＝<>＜＞≧≦]")


@dataclass
class Reading:
    """What an answer means for a field."""

    value: Any = None
    #: How to echo the value ("4,381.54", "≥78个").
    shown: str = ""
    #: Why the answer cannot be taken (localised); nothing is stored.
    refusal: str | None = None
    #: Warnings the checker would give (localised); the value is stored.
    notes: list[str] = field(default_factory=list)
    #: One-click replacements the person may take: (value, label).
    fixes: list[str] = field(default_factory=list)
    #: The answer may be right but needs a yes first (localised question).
    confirm: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None and self.confirm is None


@dataclass(frozen=True)
class Context:
    """What a reader may need to know about the field besides the answer."""

    lang: str = "zh"
    limit: str | None = None
    name: str = ""  # the indicator's name (values)
    level1: str = ""
    level2: str = ""
    attr: str = "annual_value"
    other: str = ""  # the indicator's other value


def verdict_text(v: Verdict, lang: str) -> str:
    text = v.message_en if lang == "en" else v.message
    return f"[{v.code}] {text}"


def _refuse(key: str, lang: str, **values: object) -> Reading:
    return Reading(refusal=msg(lang, key, **values))


def _text(text: str, ctx: Context) -> tuple[str, Reading | None]:
    value = clean_cell_text(text)
    if not value:
        return value, _refuse("empty_answer", ctx.lang)
    limit = too_long(ctx.limit, value) if ctx.limit else None
    if limit is not None:
        label = limit.label_en if ctx.lang == "en" else limit.label_zh
        return value, _refuse("too_long", ctx.lang, label=label, max=limit.max_chars, n=len(value))
    return value, None


def looks_like_value(text: str) -> bool:
    """「=100%」, 「≥78个」, 「每年4月底前」, 「10次以上优秀；…」: an indicator value, not a name."""
    s = nfkc(text).strip()
    if _COMPARATOR_START.match(s):
        return True
    kind = parse_value(s).kind
    return kind in (ValueKind.QUANTITATIVE, ValueKind.GRADED) and not re.search(r"[\u4e00-\u9fff]{4,}", s)


def looks_like_amount(text: str) -> bool:
    return judge_amount(text).value is not None and not re.search(r"[\u4e00-\u9fff]{3,}", text)


def read_department(text: str, ctx: Context) -> Reading:
    value, problem = _text(text, ctx)
    if problem:
        return problem
    if chitchat.kind(value):
        return _refuse("not_a_department", ctx.lang, text=value)
    if looks_like_amount(value) or looks_like_value(value) or parse_year(value) is not None:
        return _refuse("not_a_department", ctx.lang, text=value)
    if chitchat.is_form_title(value):
        return Reading(value=value, shown=value, confirm=msg(ctx.lang, "department_is_title", text=value))
    if value.endswith(("?", "？", "吗", "么")):
        return Reading(value=value, shown=value, confirm=msg(ctx.lang, "department_is_question", text=value))
    return Reading(value=value, shown=value)


#: Years named relative to today: 「明年」 is this year plus one.
RELATIVE_YEARS = {"今年": 0, "本年": 0, "本年度": 0, "this year": 0, "明年": 1, "下一年": 1,
                  "下年": 1, "下年度": 1, "next year": 1, "后年": 2}


def parse_year(text: str, today: date | None = None) -> int | None:
    s = nfkc(text).strip().translate(_CN_DIGITS)
    offset = RELATIVE_YEARS.get(s.casefold().rstrip("。.!！"))
    if offset is not None:
        return (today or date.today()).year + offset
    m = _YEAR.match(s)
    if not m:
        return None
    year = int(m.group(1))
    return year if 2000 <= year <= 2100 else None


def read_year(text: str, ctx: Context) -> Reading:
    year = parse_year(text)
    if year is None:
        return _refuse("bad_year", ctx.lang, text=text.strip())
    return Reading(value=year, shown=str(year))


_COUNT = re.compile(r"^(\d[\d,]*)\s*(?:人|名|个|家|所|户)?$")


def read_count(text: str, ctx: Context) -> Reading:
    """A count of 基本信息 (财政供养人员数, 下属二级单位数): a whole number, 0 or more."""
    m = _COUNT.match(nfkc(text).strip())
    count = int(m.group(1).replace(",", "")) if m else None
    if count is None or count > 10_000_000:
        return _refuse("bad_count", ctx.lang, text=text.strip())
    return Reading(value=count, shown=str(count))


def read_amount(text: str, ctx: Context) -> Reading:
    judged = judge_amount(text.strip())
    if judged.value is None or judged.errors:
        reasons = "；".join(verdict_text(v, ctx.lang) for v in judged.errors) or msg(
            ctx.lang, "bad_amount_generic", text=text.strip())
        return Reading(refusal=reasons)
    value = Decimal(judged.value)
    return Reading(value=str(value), shown=format_amount(value),
                   notes=[verdict_text(v, ctx.lang) for v in judged.warnings])


def read_long_text(text: str, ctx: Context) -> Reading:
    value, problem = _text(text, ctx)
    if problem:
        return problem
    return Reading(value=value, shown=value)


def _read_name(text: str, ctx: Context, refusal: str) -> Reading:
    """A name (of a task, of an indicator): text that is not an amount or a value."""
    value, problem = _text(text, ctx)
    if problem:
        return problem
    if looks_like_amount(value) or looks_like_value(value):
        return _refuse(refusal, ctx.lang, text=value)
    return Reading(value=value, shown=value)


def read_task_name(text: str, ctx: Context) -> Reading:
    return _read_name(text, ctx, "not_a_task_name")


def read_indicator_name(text: str, ctx: Context) -> Reading:
    return _read_name(text, ctx, "not_an_indicator_name")


def read_value(text: str, ctx: Context) -> Reading:
    raw, problem = _text(text, ctx)
    if problem:
        return problem
    judged = judge_value(raw, name=ctx.name, level1=ctx.level1, level2=ctx.level2,
                         attr=ctx.attr, other=ctx.other)
    if judged.errors:
        return Reading(refusal="；".join(verdict_text(v, ctx.lang) for v in judged.errors))
    fixes = [judged.suggestion] if judged.suggestion and judged.suggestion != judged.normalised else []
    return Reading(value=judged.normalised, shown=judged.normalised,
                   notes=[verdict_text(v, ctx.lang) for v in judged.warnings], fixes=fixes)


READERS = {
    DEPARTMENT_READER: read_department,
    YEAR_READER: read_year,
    COUNT_READER: read_count,
    AMOUNT_READER: read_amount,
    TEXT_READER: read_long_text,
    TASK_NAME_READER: read_task_name,
    INDICATOR_NAME_READER: read_indicator_name,
    VALUE_READER: read_value,
}


def read(reader: str, text: str, ctx: Context) -> Reading:
    return READERS[reader](text, ctx)
