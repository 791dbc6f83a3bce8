"""Reading a form pasted out of a spreadsheet (tab-separated lines), or a .csv file.

Spreadsheets copy a cell that holds a line break wrapped in double quotes, with its inner
quotes doubled (Excel does so only for such cells, LibreOffice also for cells holding a quote).
The :mod:`csv` module reads that; a record it reads is kept only when writing it back the way a
spreadsheet copies reproduces the source lines, so a cell that merely starts with a quote
(「"双向赋能"行动」, typed or copied from Excel) keeps its quotes.
"""

from __future__ import annotations

import csv
import io
import re

from form_model.importers.grid import parse_grid
from form_model.models import Form

_WIDE_GAP = re.compile(r"(?: |\u3000){2,}")


class _Pasted(csv.Dialect):
    delimiter = "\t"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


def read_text(text: str) -> Form:
    """The form in text copied from a spreadsheet (cells separated by tabs).

    A paste without a single tab is split on runs of two or more spaces. Reader notes name a
    cell by its line and column in the paste.
    """
    lines = split_lines(text)
    return parse_grid([cells for _, cells in lines], [n for n, _ in lines])


def read_csv(text: str) -> Form:
    """The form in a .csv file: comma-separated, or tab-separated as a spreadsheet copies it
    (a file saved from a paste is often named .csv)."""
    text = _normalise(text)
    if _delimiter(text) == "\t":
        return read_text(text)
    rows: list[list[str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text))
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            continue  # an unterminated quote at the end: the rest is one broken record
        rows.append(row)
        numbers.append(start)
    return parse_grid(rows, numbers)


def split_cells(text: str) -> list[list[str]]:
    """Rows of cells from pasted text."""
    return [cells for _, cells in split_lines(text)]


def split_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each record of pasted text; a quoted cell may span lines."""
    text = _normalise(text)
    lines = text.split("\n")
    if "\t" not in text:
        return [(n, _WIDE_GAP.split(line.strip())) for n, line in enumerate(lines, start=1)]
    source = [line + "\n" for line in lines]
    source[-1] = source[-1][:-1]
    reader = csv.reader(iter(source), dialect=_Pasted)
    out: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return out
        except csv.Error:
            record = None
        end = reader.line_num
        consumed = source[start:end]
        if record is not None and "".join(consumed).rstrip("\n") in _as_copied(record):
            out.append((start + 1, record))
        else:  # not a spreadsheet's quoting: quotes are part of the text
            out += [(start + 1 + i, line.rstrip("\n").split("\t")) for i, line in enumerate(consumed)]


def _as_copied(record: list[str]) -> tuple[str, str]:
    """The record as Excel copies it (quotes only around cells with a line break or a tab)
    and as LibreOffice does (also around cells holding a quote)."""
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    excel = "\t".join(quote(c) if "\n" in c or "\t" in c else c for c in record)
    office = "\t".join(quote(c) if any(x in c for x in '\n\t"') else c for c in record)
    return excel, office


def _normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _delimiter(text: str) -> str:
    """Tab when more lines have tabs than commas (a paste saved as .csv), else comma."""
    tabs = commas = 0
    for line in text.split("\n"):
        tabs += "\t" in line
        commas += "," in line
    return "\t" if tabs > commas else ","
