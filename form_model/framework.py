"""The indicator framework (一级 → 二级), loaded from data/framework.json.

Exact and alias look-ups only; fuzzy matching lives in :mod:`form_model.matching`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from form_model.normalize import name_key


@dataclass(frozen=True)
class Level2:
    name: str
    en: str
    level1: str
    optional: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level1:
    name: str
    en: str
    aliases: tuple[str, ...] = ()
    level2: tuple[Level2, ...] = field(default_factory=tuple)

    def level2_names(self, include_optional: bool = True) -> list[str]:
        return [c.name for c in self.level2 if include_optional or not c.optional]


@dataclass(frozen=True)
class LegacyPair:
    """A 一级/二级 pair of the older framework, and where its indicators belong now."""

    level1: str
    level2: str
    to_zh: str
    to_en: str
    why_zh: str
    why_en: str


@dataclass(frozen=True)
class Framework:
    level1: tuple[Level1, ...]
    legacy: tuple[LegacyPair, ...] = ()

    def legacy_pair(self, level1: str, level2: str) -> LegacyPair | None:
        """The older framework's pair (产出指标 › 成本指标 …), or None."""
        return next((p for p in self.legacy if (p.level1, p.level2) == (level1, level2)), None)

    def level1_names(self) -> list[str]:
        return [a.name for a in self.level1]

    def get(self, level1: str) -> Level1 | None:
        return next((a for a in self.level1 if a.name == level1), None)

    def parent_of(self, level2: str) -> str | None:
        for a in self.level1:
            if any(c.name == level2 for c in a.level2):
                return a.name
        return None

    def printed_pairs(self) -> list[tuple[str, str]]:
        """Every 一级/二级 pair the template pre-prints, in order."""
        return [(a.name, c.name) for a in self.level1 for c in a.level2 if not c.optional]

    def is_canonical_pair(self, level1: str, level2: str) -> bool:
        a = self.get(level1)
        return a is not None and any(c.name == level2 for c in a.level2)

    def english(self, name: str) -> str:
        for a in self.level1:
            if a.name == name:
                return a.en
            for c in a.level2:
                if c.name == name:
                    return c.en
        return name

    def canonical_level1(self, text: str) -> str | None:
        """The standard 一级 name for text, by exact name or alias; None if not one."""
        return _level1_index(self).get(name_key(text))

    def canonical_level2(self, text: str, level1: str | None = None) -> str | None:
        """The standard 二级 name for text (under level1 when given), by name or alias."""
        hits: list[str] = []
        for parent, name in _level2_index(self).get(name_key(text), ()):
            if (level1 is None or parent == level1) and name not in hits:
                hits.append(name)
        # An alias such as 满意度 is only certain when it names one 二级.
        return hits[0] if len(hits) == 1 else None


@cache
def _level1_index(fw: Framework) -> dict[str, str]:
    index: dict[str, str] = {}
    for a in fw.level1:
        for k in (a.name, *a.aliases):
            index.setdefault(name_key(k), a.name)
        index.setdefault(name_key(a.name, strip_suffix=False), a.name)
    return index


@cache
def _level2_index(fw: Framework) -> dict[str, list[tuple[str, str]]]:
    """name key → the (一级, 二级) it names, by name or alias, in the framework's order."""
    index: dict[str, list[tuple[str, str]]] = {}
    for a in fw.level1:
        for c in a.level2:
            keys = {name_key(c.name), name_key(c.name, strip_suffix=False)} | {name_key(x) for x in c.aliases}
            for k in keys:
                index.setdefault(k, []).append((a.name, c.name))
    return index


@cache
def framework() -> Framework:
    raw = json.loads(resources.files("form_model").joinpath("data/framework.json").read_text("utf-8"))
    level1 = []
    for a in raw["level1"]:
        children = tuple(
            Level2(c["name"], c["en"], a["name"], bool(c.get("optional")), tuple(c.get("aliases", ())))
            for c in a["level2"]
        )
        level1.append(Level1(a["name"], a["en"], tuple(a.get("aliases", ())), children))
    legacy = tuple(
        LegacyPair(x["level1"], x["level2"], x["to_zh"], x["to_en"], x["why_zh"], x["why_en"])
        for x in raw.get("legacy", ())
    )
    return Framework(tuple(level1), legacy)
