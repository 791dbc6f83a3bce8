"""Reading a form pasted out of a spreadsheet (tab-separated lines), or a .csv file.

Spreadsheets copy a cell that holds a line break wrapped in double quotes, with its inner
quotes doubled (Excel does so only for such cells, LibreOffice also for cells holding a quote).
The :mod:`csv` module reads that; a record it reads is kept only when writing it back the way a
spreadsheet copies reproduces the source lines, so a cell that merely starts with a quote
(「"双向赋能"行动」, typed or copied from Excel) keeps its quotes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

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
    lines = _records(text, csv.excel, lambda record, source: True)
    return parse_grid([cells for _, cells in lines], [n for n, _ in lines])


def split_cells(text: str) -> list[list[str]]:
    """Rows of cells from pasted text."""
    return [cells for _, cells in split_lines(text)]


def split_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each record of pasted text; a quoted cell may span lines."""
    text = _normalise(text)
    if "\t" not in text:
        return [(n, _WIDE_GAP.split(line.strip())) for n, line in enumerate(text.split("\n"), start=1)]
    return _records(text, _Pasted, lambda record, source: source in _as_copied(record))


def _records(
    text: str, dialect: type[csv.Dialect], accept: Callable[[list[str], str], bool]
) -> list[tuple[int, list[str]]]:
    """(first line, cells) of each record :mod:`csv` reads. A record it cannot read, or that
    ``accept`` (given the record and its source lines) refuses, is kept line by line, split
    on the delimiter with its quotes as written: nothing is dropped."""
    source = [line + "\n" for line in text.split("\n")]
    source[-1] = source[-1][:-1]
    reader = csv.reader(iter(source), dialect=dialect)
    out: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num
        try:
            record: list[str] | None = next(reader)
        except StopIteration:
            return out
        except csv.Error:
            record = None
        consumed = source[start:reader.line_num]
        if record is not None and accept(record, "".join(consumed).rstrip("\n")):
            out.append((start + 1, record))
        else:
            out += [(start + 1 + i, line.rstrip("\n").split(dialect.delimiter))
                    for i, line in enumerate(consumed)]


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
