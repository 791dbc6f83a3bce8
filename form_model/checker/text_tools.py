"""Small text helpers for the consistency and structure rules."""

from __future__ import annotations

import re
from functools import lru_cache

from form_model.normalize import nfkc
from form_model.vocabulary import VOCAB

_NUMBERED = re.compile(
    r"(?:^|[\s。；;，,])(?:\(?\d{1,2}[.、．)）]|（\d{1,2}）|[一二三四五六七八九十]{1,2}[、.]|目标\s*\d)"
)
_ITEM_SPLIT = re.compile(
    r"(?:^|(?<=[\s。；;]))(?:\d{1,2}[.、．)）]|（\d{1,2}）|[一二三四五六七八九十]{1,2}、|目标\s*\d[:：、.]?)"
)
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|万|亿|个|人|次|家|项|元|户|场|篇|天|年|月|日|平方|公里|吨|套|批|所|名)"
    r"|[零一二两三四五六七八九十百千万]+(?:个|人|次|家|项|场|篇|批|所|名)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Two-character terms too common in this form to show that two texts are about the same
#: thing (data/value_words.json).
STOP_TERMS = VOCAB.stop_terms


def numbered_items(text: str) -> list[str]:
    """Split an overall goal written as "1. … 2. …" into its items (the whole text if unnumbered)."""
    s = nfkc(text)
    parts = [p.strip(" ；;。") for p in _ITEM_SPLIT.split(s)]
    parts = [p for p in parts if p]
    return parts or ([s.strip()] if s.strip() else [])


def is_numbered(text: str) -> bool:
    return bool(_NUMBERED.search(nfkc(text)))


def has_figure(text: str) -> bool:
    """A figure with a unit ("78个镇", "1.4万人", "90%"), not just item numbering."""
    return bool(_FIGURE.search(nfkc(text)))


@lru_cache(maxsize=16384)
def terms(text: str) -> frozenset[str]:
    """Two-character CJK terms of a text, without the form's stop terms."""
    chars = "".join(_CJK.findall(text))
    return frozenset({chars[i : i + 2] for i in range(len(chars) - 1)} - STOP_TERMS)
