"""Fonts, borders, alignments and column widths of the exported form.

Every visual choice lives here so the layout code only says *what* a cell is
(a section label, a user text, an amount …) and not how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from openpyxl.styles import Alignment, Border, Font, Side

#: Chinese body face. 宋体 ships with every Chinese Windows; charset 134 is GB2312,
#: which is what Excel itself writes for Chinese fonts (xlsx-notes §1.4).
BODY_FONT_NAME = "宋体"
BODY_FONT_SIZE = 11
TITLE_FONT_NAME = "宋体"
TITLE_FONT_SIZE = 16
NOTE_FONT_SIZE = 10
GB2312_CHARSET = 134

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"

#: Column letters and widths (Excel "character" units, ~2 per CJK glyph, xlsx-notes §1.2).
#: A holds the block labels; B..F carry the five data columns of the widest block (绩效指标).
#: The total, 140 units, prints at 100 % on landscape A4 with 0.5-inch side margins; wide
#: text columns keep the rows of the long task texts short enough to fit a page.
COLUMN_WIDTHS: dict[str, float] = {
    "A": 16,
    "B": 22,
    "C": 28,
    "D": 28,
    "E": 23,
    "F": 23,
}
N_COLUMNS = len(COLUMN_WIDTHS)

#: Row heights in points.
MIN_ROW_HEIGHT = 22.0
TITLE_ROW_HEIGHT = 36.0
NOTE_ROW_HEIGHT = 20.0
#: Excel's hard limit for one row.
MAX_ROW_HEIGHT = 409.0
#: Height of the printable area of an A4 landscape page with 0.7" top and bottom margins (pt).
PRINTABLE_HEIGHT_PT = 595.3 - 2 * 0.7 * 72

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
NO_BORDER = Border()


def _font(*, bold: bool = False, size: float = BODY_FONT_SIZE, name: str = BODY_FONT_NAME) -> Font:
    return Font(name=name, size=size, bold=bold, charset=GB2312_CHARSET)


@dataclass(frozen=True)
class CellStyle:
    font: Font
    alignment: Alignment
    border: Border
    number_format: str = "General"


class Kind(Enum):
    """What a cell is; each kind maps to exactly one :class:`CellStyle`."""

    TITLE = "title"
    NOTE_LEFT = "note_left"
    NOTE_RIGHT = "note_right"
    #: Block labels in column A and table header cells: bold, centred.
    LABEL = "label"
    #: Row labels such as 基本支出, 一级/二级 names and task 名称: centred, not bold.
    ITEM = "item"
    #: Free user text: left, wrapped.
    TEXT = "text"
    #: Free user text spread over several rows (too tall for one): top-aligned so it reads
    #: from the top when the block crosses a page break.
    LONG_TEXT = "long_text"
    #: An amount in 万元.
    AMOUNT = "amount"
    #: A whole number (基本信息's counts).
    COUNT = "count"


_WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
#: One indent level keeps left- and right-aligned text off the cell border.
_WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_WRAP_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True, indent=1)
#: Width units an indent level takes from the text (both sides counted, with slack).
INDENT_UNITS = 2.5

STYLES: dict[Kind, CellStyle] = {
    Kind.TITLE: CellStyle(
        _font(bold=True, size=TITLE_FONT_SIZE, name=TITLE_FONT_NAME),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
        NO_BORDER,
    ),
    Kind.NOTE_LEFT: CellStyle(
        _font(size=NOTE_FONT_SIZE),
        Alignment(horizontal="left", vertical="center", wrap_text=True),
        NO_BORDER,
    ),
    Kind.NOTE_RIGHT: CellStyle(
        _font(size=NOTE_FONT_SIZE),
        Alignment(horizontal="right", vertical="center", wrap_text=True),
        NO_BORDER,
    ),
    Kind.LABEL: CellStyle(_font(bold=True), _WRAP_CENTER, BORDER),
    Kind.ITEM: CellStyle(_font(), _WRAP_CENTER, BORDER),
    Kind.TEXT: CellStyle(_font(), _WRAP_LEFT, BORDER),
    Kind.LONG_TEXT: CellStyle(
        _font(), Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1), BORDER
    ),
    Kind.AMOUNT: CellStyle(_font(), _WRAP_RIGHT, BORDER, AMOUNT_FORMAT),
    Kind.COUNT: CellStyle(_font(), _WRAP_RIGHT, BORDER, COUNT_FORMAT),
}


def font_size(kind: Kind) -> float:
    return float(STYLES[kind].font.sz or BODY_FONT_SIZE)


def text_width(kind: Kind, width_units: float) -> float:
    """Width left for text in a cell (or merge) width_units wide, after the kind's indent."""
    indent = STYLES[kind].alignment.indent or 0
    return max(width_units - INDENT_UNITS * indent, 1.0)
