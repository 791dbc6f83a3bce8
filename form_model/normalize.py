"""Text normalisation shared by the matcher, the importers and the checker."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
_UNIT_BRACKET = re.compile(r"[（(][^（）()]{0,12}[)）]$")
_TAGS = re.compile(r"</?\s*(p|br|div|span)\b[^>]*>", re.IGNORECASE)
#: Bidi embedding/override/isolate controls (they reorder what a reader sees: a file name
#: 「…局\u202eslx.exe.xlsx」 shows as 「…局xlsx.exe.xls」), C0 controls except tab and line
#: ends, DEL and C1 controls, and the byte-order mark.
_UNSAFE = re.compile(r"[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")


def nfkc(text: str) -> str:
    """NFKC: full-width ASCII and punctuation to half-width, ideographic space to space."""
    return unicodedata.normalize("NFKC", text)


def name_key(text: str, strip_suffix: bool = True) -> str:
    """Key for comparing names: NFKC, casefold, no unit bracket, punctuation or spaces,
    and (by default) no trailing 指标."""
    s = nfkc(text).casefold().strip()
    s = _UNIT_BRACKET.sub("", s)
    s = _NON_WORD.sub("", s)
    if strip_suffix and s.endswith("指标") and len(s) > 2:
        s = s[:-2]
    return s


def label_key(text: str) -> str:
    """Key for comparing form labels such as 「年度重点工作任务」 or 「其他需完成的任务（可选填）」."""
    s = nfkc(text).casefold()
    return _NON_WORD.sub("", s)


def strip_unsafe(text: str) -> str:
    """The text without bidi controls and control characters (tab and line ends kept)."""
    return _UNSAFE.sub("", text)


def clean_cell_text(text: str) -> str:
    """Text of a cell as a person means it: source-system tags such as <p> removed, bidi
    and control characters removed, line ends unified, outer whitespace stripped."""
    s = _TAGS.sub("", strip_unsafe(text))
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s.strip()


