"""The library of real 三级 indicators (data/indicators.tsv).

The library only suggests names: a 三级 name in a form is free text. Each row keeps the
一级/二级 placement the importer gave it, its unit, a typical value and where it came from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from form_model.normalize import name_key

_COLUMNS = ("level1", "level2", "name", "unit", "typical_value", "source")


@dataclass(frozen=True)
class LibraryIndicator:
    level1: str
    level2: str
    name: str
    unit: str
    typical_value: str
    source: str


@cache
def library() -> tuple[LibraryIndicator, ...]:
    """Every library row, in file order (read once)."""
    text = resources.files("form_model").joinpath("data/indicators.tsv").read_text("utf-8")
    # Names contain “curly” and "straight" quotes, so no quoting at all.
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"indicators.tsv: expected columns {_COLUMNS}, got {reader.fieldnames}")
    rows: list[LibraryIndicator] = []
    for line_no, row in enumerate(reader, start=2):
        values = [(row.get(c) or "").strip() for c in _COLUMNS]
        if not all(values[:3]):
            raise ValueError(f"indicators.tsv line {line_no}: level1, level2 and name are required")
        rows.append(LibraryIndicator(*values))
    return tuple(rows)


def by_level2(level1: str, level2: str) -> tuple[LibraryIndicator, ...]:
    """The library rows filed under one 一级/二级 pair (standard names, e.g. 产出指标/质量指标)."""
    return tuple(x for x in library() if x.level1 == level1 and x.level2 == level2)


def find(name: str) -> LibraryIndicator | None:
    """The library row whose name equals name after normalisation (see name_key), or None."""
    return _by_key().get(name_key(name))


@cache
def _by_key() -> dict[str, LibraryIndicator]:
    index: dict[str, LibraryIndicator] = {}
    for x in library():
        index.setdefault(name_key(x.name), x)
        index.setdefault(name_key(x.name, strip_suffix=False), x)
    return index
