"""Writing one cell safely, and estimating how much room its text needs.

User text is always stored as a string cell: never a formula, never an error value
(xlsx-notes §3.7). Characters that XML 1.0 cannot carry are dropped; nothing else
is changed, and text that does not fit in a cell is refused, never truncated.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from openpyxl.cell.cell import Cell

#: Excel's limit for the text of one cell, counted in UTF-16 code units.
MAX_CELL_CHARS = 32_767

#: C0 controls openpyxl rejects (IllegalCharacterError), plus lone surrogates and the
#: two non-characters that are not allowed in XML 1.0 either.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: OWASP's list of leading characters a spreadsheet may treat as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class ExportError(ValueError):
    """The form cannot be written to xlsx as it stands.

    ``message_zh`` and ``message_en`` say what and where, in the form's words and in English;
    ``str(error)`` holds both.
    """

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


def clean_text(text: str) -> str:
    """The text as it will be stored: illegal characters removed, line ends unified to \\n."""
    text = _ILLEGAL.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_length(text: str, where_zh: str, where_en: str) -> None:
    n = utf16_length(text)
    if n > MAX_CELL_CHARS:
        raise ExportError(
            f"{where_zh}：共 {n:,} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS:,} 个字符，"
            "无法导出；请精简或拆分后再导出。",
            f"{where_en} has {n:,} characters, more than the {MAX_CELL_CHARS:,} Excel allows "
            "in one cell; shorten or split it, then export again.",
        )


def write_text(cell: Cell, text: str) -> None:
    """Store already-cleaned text as a plain string cell (no formula, no error value)."""
    if not text:
        cell.value = None
        return
    # The text is already clean (clean_text), so openpyxl's own scan for illegal characters
    # (its cost on large forms) is skipped: the value is set as a string directly. Going
    # through ``cell.value`` would also turn "=…" into a formula and "#N/A" into an error.
    cell._value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        # The xlsx equivalent of a leading apostrophe: stays text even after F2 + Enter.
        cell.quotePrefix = True


def write_amount(cell: Cell, value: Decimal | None) -> None:
    """An amount in 万元 as a real number (already quantized to 0.01 by the model)."""
    cell.value = None if value is None else float(value)


def text_units(text: str) -> int:
    """Display width in Excel width units: 2 for wide (CJK, full-width, ambiguous) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def line_count(text: str, width_units: float, font_pt: float) -> int:
    """Lines the wrapped text takes in a cell (or merge) ``width_units`` wide.

    The heuristic of xlsx-notes §1.3 (calibrated against LibreOffice). A paragraph that wraps
    is given 15 % slack for Excel/WPS font metrics; one that fits the calibrated line stays
    one line, so short labels don't get a needless second line.
    """
    per_line = max((7 * width_units - 5) * 1.5 / font_pt, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        units = text_units(paragraph)
        lines += 1 if units <= per_line else math.ceil(units / (per_line * 0.85))
    return lines


def height_for_lines(lines: int, font_pt: float) -> float:
    """Points needed for ``lines`` lines of text, uncapped."""
    return lines * font_pt * 1.4 + 6


def needed_height(text: str, width_units: float, font_pt: float) -> float:
    return height_for_lines(line_count(text, width_units, font_pt), font_pt)
