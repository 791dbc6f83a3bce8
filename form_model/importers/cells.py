"""The grid of cell texts a reader parses, with each cell's place in the source and a record
of the cells the parse used, so that whatever it did not use can be reported."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from form_model.importers.errors import FormReadError
from form_model.importers.labels import is_label
from form_model.models import CAPS
from form_model.normalize import clean_cell_text

#: A paste larger than this is not a declaration form (a copy of the largest export fits).
MAX_ROWS = CAPS.sheet_rows()
MAX_COLS = 200


class NumberText(str):
    """The text of a cell that held a number (a workbook's numeric cell), told apart from the
    same digits typed as text: only a number can be an Excel date serial."""

    __slots__ = ()


@dataclass
class Grid:
    """Rows of cell texts without the empty rows; ``numbers`` holds each row's number in the
    source (the sheet's row, or the line of a paste), columns are the source's columns."""

    rows: list[list[str]]
    numbers: list[int]
    width: int
    sheet: str = ""
    used: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def of(
        cls,
        rows: Sequence[Sequence[str | None]],
        numbers: Sequence[int] | None = None,
        sheet: str = "",
    ) -> Grid:
        kept: list[list[str]] = []
        kept_numbers: list[int] = []
        for i, row in enumerate(rows):
            texts = ["" if c is None else c if isinstance(c, str) else str(c) for c in row]
            if any(t.strip() for t in texts):
                kept.append(texts)
                kept_numbers.append(numbers[i] if numbers is not None else i + 1)
        if len(kept) > MAX_ROWS:
            raise FormReadError.of("text_too_big", f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
        width = max((len(r) for r in kept), default=0)
        if width > MAX_COLS:
            raise FormReadError.of("text_too_big", f"超过 {MAX_COLS} 列", f"more than {MAX_COLS} columns")
        return cls([r + [""] * (width - len(r)) for r in kept], kept_numbers, width, sheet)

    def cell(self, r: int, c: int | None) -> str:
        if c is None or not (0 <= r < len(self.rows) and 0 <= c < self.width):
            return ""
        return self.rows[r][c]

    def take(self, r: int, c: int | None) -> str:
        """The cell's text, marked as used."""
        text = self.cell(r, c)
        if text and c is not None:
            self.used.add((r, c))
        return text

    def mark(self, r: int, c: int | None) -> None:
        if c is not None and self.cell(r, c):
            self.used.add((r, c))

    def find(self, wanted: tuple[str, ...]) -> tuple[int, int] | None:
        """The first cell (row by row) labelled with one of ``wanted``."""
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                if is_label(text, wanted):
                    return r, c
        return None

    def right_of(self, r: int, c: int) -> tuple[int, str] | None:
        """The next non-empty cell to the right of (r, c)."""
        for cc in range(c + 1, self.width):
            if self.rows[r][cc].strip():
                return cc, self.rows[r][cc]
        return None

    def unused(self) -> Iterator[tuple[int, int, str]]:
        """(row, column, cleaned text) of every non-empty cell the parse did not use."""
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                if text and (r, c) not in self.used:
                    cleaned = clean_cell_text(text)
                    if cleaned:
                        yield r, c, cleaned

    def source_row(self, r: int) -> int:
        return self.numbers[r]
