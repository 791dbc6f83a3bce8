"""Reading a form pasted out of a spreadsheet: tab-separated lines, or a .csv file."""

from __future__ import annotations

import csv
import io
import re

from form_model.importers.grid import parse_grid
from form_model.models import Form

_WIDE_GAP = re.compile(r"(?: |\u3000){2,}")


def read_text(text: str) -> Form:
    """The form in text copied from a spreadsheet (cells separated by tabs).

    A cell holding line breaks arrives in double quotes, with inner quotes doubled, the way
    spreadsheets copy it. A paste without a single tab is split on runs of two or more spaces.
    """
    return parse_grid(split_cells(text))


def read_csv(text: str) -> Form:
    """The form in a comma-separated file."""
    return parse_grid(list(csv.reader(io.StringIO(text.lstrip("\ufeff")))))


def split_cells(text: str) -> list[list[str]]:
    """Rows of cells from pasted text."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\t" not in text:
        return [_WIDE_GAP.split(line.strip()) for line in text.split("\n")]
    rows: list[list[str]] = []
    row: list[str] = []
    pos = 0
    while True:
        cell, pos = _read_cell(text, pos)
        row.append(cell)
        if pos >= len(text):
            rows.append(row)
            return rows
        if text[pos] == "\n":
            rows.append(row)
            row = []
        pos += 1


def _read_cell(text: str, pos: int) -> tuple[str, int]:
    """One cell starting at ``pos``; returns it and the position of the separator after it."""
    if text.startswith('"', pos):
        quoted = _read_quoted(text, pos)
        if quoted is not None:
            return quoted
    end = pos
    while end < len(text) and text[end] not in "\t\n":
        end += 1
    return text[pos:end], end


def _read_quoted(text: str, pos: int) -> tuple[str, int] | None:
    """A spreadsheet-quoted cell, or None when the quote is just part of the cell's text.

    Spreadsheets quote a cell only when it holds a line break, a tab or a quote, so a quoted
    reading is accepted only when the closing quote ends the cell and one of those is inside.
    """
    parts: list[str] = []
    start = pos + 1
    while True:
        close = text.find('"', start)
        if close < 0:
            return None
        if text.startswith('""', close):
            parts.append(text[start:close + 1])
            start = close + 2
            continue
        parts.append(text[start:close])
        end = close + 1
        if end < len(text) and text[end] not in "\t\n":
            return None
        value = "".join(parts)
        doubled = len(parts) > 1
        if not doubled and "\n" not in value and "\t" not in value:
            return None
        return value, end
