"""The words that decide how an indicator value is read and judged, from data/value_words.json.

One list per meaning (rate words, 反向 / 正向 names, vague words …). The value grammar
(:mod:`form_model.values`), the judgement (:mod:`form_model.judgement`) and the checker's text
rules read them from here, so a word added to the file changes every side at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Vocabulary:
    #: Comparator words before / after the number, with the comparator they mean.
    prefix_comparators: tuple[tuple[str, str], ...]
    suffix_comparators: tuple[tuple[str, str], ...]
    #: Grade words of a scoring rubric, longest first, with their rank (0 = best).
    grade_words: tuple[tuple[str, int], ...]
    #: Words that make a qualitative value unassessable (V08) …
    vague_words: tuple[str, ...]
    #: … and words that stand for a number nobody wrote (「若干」, 「大量」; V08 too).
    vague_quantity_words: tuple[str, ...]
    #: A name with one of these is 反向 (less is better) …
    reverse_name_words: tuple[str, ...]
    #: … unless it has one of these (「成本节约率」, 「投诉下降率」 are 正向) …
    forward_name_words: tuple[str, ...]
    #: … or it is a rate of something done (「资金下达率」, 「验收合格率」): 正向, at most 100%.
    forward_rate_words: tuple[str, ...]
    #: A name with one of these is a rate (V03, V04).
    rate_words: tuple[str, ...]
    #: Rates that may exceed 100% or be negative (V04 does not apply).
    unbounded_rate_words: tuple[str, ...]
    satisfaction_word: str
    #: A name with one of these (and no rate word) is an amount of money (V03).
    money_name_words: tuple[str, ...]
    #: A name ending in one of these (and no rate word) is a count: a percentage is not (V03).
    count_name_endings: tuple[str, ...]
    #: Units whose values may be negative (temperatures; V16 does not apply).
    signed_units: tuple[str, ...]
    #: Units counted in whole numbers (adjacent integer bands leave no gap).
    count_units: tuple[str, ...]
    #: Units of an output count: a 效益 indicator counted in them is an output (V13).
    output_count_units: tuple[str, ...]
    #: Schedule words that make a value without digits a deadline (按月, 每年 …).
    schedule_words: tuple[str, ...]
    #: Time expressions a 时效 value needs one of (V09).
    time_markers: tuple[str, ...]
    #: Input-type names (V12).
    input_words: tuple[str, ...]
    #: Two-character terms too common in the form to show two texts are about one thing.
    stop_terms: frozenset[str]
    #: Terms that say how a figure is counted, not what it counts (C03).
    figure_stop_terms: frozenset[str]


def _pairs(raw: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple((k, v) for k, v in raw.items() if not k.startswith("_"))


@cache
def vocabulary() -> Vocabulary:
    raw = json.loads(
        resources.files("form_model").joinpath("data/value_words.json").read_text("utf-8")
    )
    figures = raw["figure_stop_terms"]
    shaped: dict[str, Any] = {
        "prefix_comparators": _pairs(raw["prefix_comparators"]),
        "suffix_comparators": _pairs(raw["suffix_comparators"]),
        "grade_words": tuple(sorted(_pairs(raw["grade_words"]), key=lambda kv: -len(kv[0]))),
        "satisfaction_word": raw["satisfaction_word"],
        "stop_terms": frozenset(raw["stop_terms"]),
        # the listed terms, and every two-character term of each measure word (合格率 …)
        "figure_stop_terms": frozenset(figures["terms"]) | frozenset(
            w[i:i + 2] for w in figures["measures"] for i in range(len(w) - 1)
        ),
    }
    lists = {f.name: tuple(raw[f.name]) for f in fields(Vocabulary) if f.name not in shaped}
    return Vocabulary(**shaped, **lists)


VOCAB = vocabulary()
