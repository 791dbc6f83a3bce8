"""Matching what a user typed to a standard indicator name, one form column at a time.

Scheme (conversation-notes B.5/B.6):

1. Normalise both sides with :func:`form_model.normalize.name_key` (the vocabulary once).
2. An exact hit that names one name is certain.
3. Then the per-column alias table (English, synonyms, legacy names).  An alias hit is certain
   when it names one name and no other name scores ``HIGH`` or more by fuzzy matching
   (so 经济 in the 二级 column, without a 一级, is not silently 经济效益指标 when 经济成本指标
   also exists).
4. Otherwise fuzzy scores: rapidfuzz ``WRatio`` on the normalised names and aliases
   (``processor=None``), plus a pinyin pass (``fuzz.ratio`` on ``lazy_pinyin`` strings) for
   same-sound typing slips.  Pinyin evidence is scaled by ``PINYIN_SCALE``, so it alone can only
   ever suggest, never decide.  Two refinements: an alias shorter than the input does not count
   (社会 inside 社会公众或服务对象满意度 is no evidence for 社会效益指标), and an input contained
   in a name (or the reverse) scores at least ``CONTAINED`` whatever the length ratio.
5. Certain when the top score is at least ``HIGH`` and ``MARGIN`` ahead of the runner-up, and
   the input has at least ``MIN_CERTAIN_CHARS`` characters; unknown below ``LOW``; otherwise
   ambiguous with the few candidates near the top (shortest names first among equal scores).

A :class:`Matcher` is built once per vocabulary.  Large vocabularies (``PREFILTER_MIN_SIZE``
choices or more) first select, with bit-parallel character counts, the names that could still
reach the cutoff of each pass.  The selection is lossless (see :meth:`Matcher._subset`), so the
results are the same as with a full scan, only faster.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from form_model.framework import framework
from form_model.library import library
from form_model.normalize import name_key

# Decision thresholds on the 0-100 rapidfuzz scale.  These are design choices, not derived
# values: conversation-notes B.6 tuned them (90/8/65) on a small hand-made set, and the
# labelled fixture in tests/test_matching.py guards them.  Change them deliberately.
HIGH = 90.0  # a fuzzy score this high may be certain (WRatio gives exactly 90 for containment)
MARGIN = 8.0  # ... but only this far ahead of the runner-up (never accept a tie)
LOW = 65.0  # below this, unknown; 60 is what one shared character in two 2-character strings gets
WINDOW = 20.0  # ambiguous: offer the candidates within this distance of the top
MAX_CANDIDATES = 4  # ambiguous: offer at most this many
PINYIN_SCALE = 0.85  # pinyin-only evidence tops out at 85 < HIGH, so it can only suggest
PINYIN_CUTOFF = 80.0  # pinyin ratio needed before it counts at all
# WRatio gives a string found inside another 90 only when the lengths differ by half or more
# (below that it is plain ratio: 资金执行 vs 资金执行率 = 88.9, but vs 资金执行度率 = 90).  We give
# containment 90 at closer lengths too, so the closest containing name is never ranked lower.
CONTAINED = 90.0
MIN_CERTAIN_CHARS = 2  # a one-character input is never certain by fuzzy matching
PREFILTER_MIN_SIZE = 2000  # vocabularies at least this large use the prefilter

_BRACKETS = re.compile(r"[()（）\[\]【】]")


class Decision(StrEnum):
    CERTAIN = "certain"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


class Column(StrEnum):
    LEVEL1 = "一级"
    LEVEL2 = "二级"
    LEVEL3 = "三级"


_COLUMN_WORDS: dict[str, Column] = {}
for _column, _words in (
    (Column.LEVEL1, ("一级", "一", "1", "l1", "level1", "lv1", "lvl1", "first")),
    (Column.LEVEL2, ("二级", "二", "2", "l2", "level2", "lv2", "lvl2", "second")),
    (Column.LEVEL3, ("三级", "三", "3", "l3", "level3", "lv3", "lvl3", "third")),
):
    for _word in _words:
        _COLUMN_WORDS[_word] = _column


def parse_column(text: str | Column) -> Column:
    """Column from 一级/二级/三级, 一级指标, level1, L1, 1 and the like; ValueError otherwise."""
    if isinstance(text, Column):
        return text
    key = name_key(text)  # casefold, no spaces or punctuation, no trailing 指标
    column = _COLUMN_WORDS.get(key)
    if column is None:
        raise ValueError(f"unknown column {text!r}; use 一级, 二级 or 三级 (or level1/2/3)")
    return column


@dataclass(frozen=True)
class Candidate:
    name: str
    score: float
    level1: str | None
    level2: str | None
    via: str  # "exact" | "alias" | "fuzzy" | "pinyin"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": round(self.score, 1),
            "level1": self.level1,
            "level2": self.level2,
            "via": self.via,
        }


@dataclass(frozen=True)
class MatchResult:
    query: str
    column: str
    decision: Decision
    name: str | None  # set only when certain
    candidates: tuple[Candidate, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "column": self.column,
            "decision": self.decision.value,
            "name": self.name,
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass(frozen=True)
class VocabEntry:
    """One name a column accepts, where it sits in the framework, and its aliases."""

    name: str
    level1: str | None = None
    level2: str | None = None
    aliases: tuple[str, ...] = ()


def query_key(text: str) -> str:
    """The normalised form of user input (name_key, tolerating a fully bracketed input)."""
    key = name_key(text)
    if not key:
        # name_key drops a trailing bracket as a unit, so 「（质量指标）」 would vanish entirely.
        key = name_key(_BRACKETS.sub(" ", text))
    return key


# -- pinyin -----------------------------------------------------------------------------------


@cache
def _lazy_pinyin() -> Callable[[str], list[str]]:
    from pypinyin import lazy_pinyin  # imported on first use: it takes a few tenths of a second

    return lazy_pinyin


def _syllables(key: str) -> list[str]:
    return _lazy_pinyin()(key)


# -- bit-parallel token counting (prefilter for large vocabularies) ---------------------------


def _mask(positions: Iterable[int], size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for i in positions:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def _add(counter: list[int], mask: int) -> None:
    """Add 1 to every document whose bit is set in mask; counter holds the count's binary
    digits, one bitmask per digit (least significant first)."""
    carry = mask
    for digit, bits in enumerate(counter):
        counter[digit] = bits ^ carry
        carry &= bits
        if not carry:
            return
    counter.append(carry)


def _at_least(counter: list[int], threshold: int, everyone: int) -> int:
    """Mask of documents whose count is at least threshold."""
    if threshold <= 0:
        return everyone
    limit = threshold - 1  # count > limit
    if limit >> len(counter):
        return 0
    greater, equal = 0, everyone
    for digit in range(len(counter) - 1, -1, -1):
        bits = counter[digit]
        if limit >> digit & 1:
            equal &= bits
        else:
            greater |= equal & bits
            equal &= ~bits
    return greater


def _positions(mask: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    text = bin(mask)[:1:-1]  # least significant bit first
    out: list[int] = []
    i = text.find("1")
    while i >= 0:
        out.append(i)
        i = text.find("1", i + 1)
    return out


class _TokenIndex:
    """Bitmasks over a list of documents (strings, or lists of syllables) for counting, per
    document, how many tokens it shares with a query as multisets, i.e. sum over tokens of
    min(count in query, count in document).  That count bounds the longest common
    subsequence from above.  Token t occurring for the j-th time is indexed as (t, j)."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.size = len(docs)
        self.everyone = (1 << self.size) - 1
        postings: dict[tuple[str, int], list[int]] = {}
        for i, doc in enumerate(docs):
            for token in _numbered(doc):
                postings.setdefault(token, []).append(i)
        self._postings = {t: _mask(ix, self.size) for t, ix in postings.items()}
        self.by_length = _length_masks(docs)
        self._needs: dict[tuple[int, float], list[tuple[int, int]]] = {}

    def shared(self, query: Sequence[str]) -> list[int]:
        """Bit-sliced counter (see _add) of the multiset overlap with query, per document."""
        counter: list[int] = []
        for token in _numbered(query):
            mask = self._postings.get(token)
            if mask:
                _add(counter, mask)
        return counter

    def select(
        self, query: Sequence[str], bound: Callable[[int, int, int], float], cutoff: float
    ) -> int:
        """Mask of the documents for which bound(overlap, len(query), len(doc)) >= cutoff."""
        key = (len(query), cutoff)
        needs = self._needs.get(key)
        if needs is None:
            # Per document length, the smallest overlap that can reach the cutoff; lengths
            # needing the same overlap share one mask.
            by_need: dict[int, int] = {}
            n = len(query)
            for length, mask in self.by_length.items():
                need = next((u for u in range(1, n + 1) if bound(u, n, length) >= cutoff - 1e-9), None)
                if need is not None:
                    by_need[need] = by_need.get(need, 0) | mask
            needs = self._needs[key] = sorted(by_need.items())
        counter = self.shared(query)
        selected = 0
        for need, mask in needs:
            selected |= _at_least(counter, need, self.everyone) & mask
        return selected


def _numbered(tokens: Iterable[str]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    out: list[tuple[str, int]] = []
    for t in tokens:
        seen[t] += 1
        out.append((t, seen[t]))
    return out


def _length_masks(docs: Sequence[Sized]) -> dict[int, int]:
    positions: dict[int, list[int]] = {}
    for i, doc in enumerate(docs):
        positions.setdefault(len(doc), []).append(i)
    return {n: _mask(ix, len(docs)) for n, ix in positions.items()}


def _wratio_bound(shared: int, len_q: int, len_k: int) -> float:
    """Upper bound of fuzz.WRatio for two strings of these lengths without whitespace whose
    longest common subsequence is at most shared.  Without whitespace WRatio is
    max(ratio, 0.95·ratio, scale·partial_ratio, ...), so ratio and partial_ratio decide."""
    if len_q == 0 or len_k == 0:
        return 0.0
    lcs = min(shared, len_q, len_k)
    bound = 200.0 * lcs / (len_q + len_k)
    short, long_ = min(len_q, len_k), max(len_q, len_k)
    len_ratio = long_ / short
    if len_ratio >= 1.5:
        # partial_ratio compares the shorter string with windows of the longer one that are
        # at most as long (shorter ones at the ends): at best 2·lcs / (short + lcs).
        scale = 0.9 if len_ratio <= 8 else 0.6
        bound = max(bound, scale * 200.0 * lcs / (short + lcs))
    return bound


def _ratio_bound(shared: int, len_q: int, len_k: int) -> float:
    """Upper bound of fuzz.ratio for strings of these lengths and at most shared in common."""
    if len_q + len_k == 0:
        return 0.0
    return 200.0 * min(shared, len_q, len_k) / (len_q + len_k)


# -- the matcher ------------------------------------------------------------------------------


class Matcher:
    """Matches input against one fixed vocabulary.  Build once, query many times."""

    def __init__(
        self,
        entries: Iterable[VocabEntry | str],
        *,
        column: str = "",
        prefilter: bool | None = None,
    ) -> None:
        self.column = column
        self.entries: tuple[VocabEntry, ...] = tuple(
            e if isinstance(e, VocabEntry) else VocabEntry(e) for e in entries
        )
        self._name_keys = [name_key(e.name) for e in self.entries]
        self._exact: dict[str, list[int]] = {}
        self._alias: dict[str, list[int]] = {}
        # Fuzzy choices: every distinct name key and alias key, with the entry it belongs to.
        self._keys: list[str] = []
        self._owner: list[int] = []
        self._is_alias: list[bool] = []
        seen: set[tuple[str, int]] = set()

        def add_choice(key: str, owner: int, is_alias: bool) -> None:
            if key and (key, owner) not in seen:
                seen.add((key, owner))
                self._keys.append(key)
                self._owner.append(owner)
                self._is_alias.append(is_alias)

        for i, e in enumerate(self.entries):
            for key in {self._name_keys[i], name_key(e.name, strip_suffix=False)}:
                _append_unique(self._exact.setdefault(key, []), i)
            add_choice(self._name_keys[i], i, False)
        for i, e in enumerate(self.entries):
            for alias in e.aliases:
                key = name_key(alias)
                if key in self._exact:
                    continue  # a name always wins over somebody's alias
                _append_unique(self._alias.setdefault(key, []), i)
                add_choice(key, i, True)

        self._pinyin = [" ".join(_syllables(k)) for k in self._keys]
        if prefilter is None:
            prefilter = len(self._keys) >= PREFILTER_MIN_SIZE
        self._chars = _TokenIndex(self._keys) if prefilter else None
        self._letters = _TokenIndex(self._pinyin) if prefilter else None

    def __len__(self) -> int:
        return len(self.entries)

    # -- public ------------------------------------------------------------------------------

    def match(self, text: str) -> MatchResult:
        q = query_key(text)
        if not q:
            return self._result(text, Decision.UNKNOWN, ())

        exact = self._exact.get(q)
        if exact:
            hits = tuple(self._candidate(i, 100.0, "exact") for i in exact)
            if len(hits) == 1:
                return self._result(text, Decision.CERTAIN, hits)
            return self._result(text, Decision.AMBIGUOUS, hits[:MAX_CANDIDATES])

        scores = self._fuzzy(q)
        alias = self._alias.get(q, [])
        for i in alias:
            scores[i] = (100.0, "alias")
        ranked = sorted(
            scores.items(), key=lambda kv: (-kv[1][0], len(self._name_keys[kv[0]]), kv[0])
        )
        if not ranked or ranked[0][1][0] < LOW:
            return self._result(text, Decision.UNKNOWN, ())
        top = ranked[0][1][0]
        second = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if alias:
            certain = len(alias) == 1 and second < HIGH
        else:
            certain = top >= HIGH and top - second >= MARGIN and len(q) >= MIN_CERTAIN_CHARS
        if certain:
            i, (score, via) = ranked[0]
            return self._result(text, Decision.CERTAIN, (self._candidate(i, score, via),))
        floor = max(LOW, top - WINDOW)
        near = tuple(
            self._candidate(i, score, via) for i, (score, via) in ranked if score >= floor
        )
        return self._result(text, Decision.AMBIGUOUS, near[:MAX_CANDIDATES])

    # -- internals ---------------------------------------------------------------------------

    def _candidate(self, i: int, score: float, via: str) -> Candidate:
        e = self.entries[i]
        return Candidate(e.name, score, e.level1, e.level2, via)

    def _result(
        self, text: str, decision: Decision, candidates: tuple[Candidate, ...]
    ) -> MatchResult:
        name = candidates[0].name if decision is Decision.CERTAIN else None
        return MatchResult(text, self.column, decision, name, candidates)

    def _fuzzy(self, q: str) -> dict[int, tuple[float, str]]:
        """Best score per entry (at least LOW), and whether it came from characters or sound."""
        best: dict[int, tuple[float, str]] = {}
        subset = self._subset(self._chars, q, _wratio_bound, LOW, everything_if=1.0)
        choices = self._keys if subset is None else [self._keys[k] for k in subset]
        for _, score, pos in process.extract(
            q, choices, scorer=fuzz.WRatio, processor=None, score_cutoff=LOW, limit=None
        ):
            k = pos if subset is None else subset[pos]
            if score < CONTAINED and _inside(q, self._keys[k]):
                score = CONTAINED
            if self._counts(k, q) and score > best.get(self._owner[k], (0.0, ""))[0]:
                best[self._owner[k]] = (score, "fuzzy")

        qp = " ".join(_syllables(q))
        # fuzz.ratio is cheap, so past a quarter of the vocabulary a full scan is faster than
        # listing the subset in Python.
        subset = self._subset(self._letters, qp, _ratio_bound, PINYIN_CUTOFF, everything_if=0.25)
        choices = self._pinyin if subset is None else [self._pinyin[k] for k in subset]
        for _, score, pos in process.extract(
            qp, choices, scorer=fuzz.ratio, processor=None, score_cutoff=PINYIN_CUTOFF, limit=None
        ):
            k = pos if subset is None else subset[pos]
            scaled = score * PINYIN_SCALE
            if self._counts(k, q) and scaled > best.get(self._owner[k], (0.0, ""))[0]:
                best[self._owner[k]] = (scaled, "pinyin")
        return best

    @staticmethod
    def _subset(
        index: _TokenIndex | None,
        query: str,
        bound: Callable[[int, int, int], float],
        cutoff: float,
        *,
        everything_if: float,
    ) -> list[int] | None:
        """Positions of the choices that can still score cutoff, or None to scan them all
        (no index, or more than the fraction everything_if of the choices selected).

        Lossless: the multiset overlap of characters bounds the longest common subsequence,
        and bound turns that into the best score a choice of that length could get."""
        if index is None:
            return None
        selected = index.select(query, bound, cutoff)
        if selected.bit_count() > everything_if * index.size:
            return None
        return _positions(selected)

    def _counts(self, k: int, q: str) -> bool:
        """Whether a fuzzy score against choice k is evidence.  An alias counts only when it is
        at least as long as the input: a short, general alias such as 社会 or 进度 found inside
        a longer input (社会公众或服务对象满意度) says little about which name is meant."""
        return not self._is_alias[k] or len(self._keys[k]) >= len(q)


def _inside(a: str, b: str) -> bool:
    """Whether the shorter of a and b occurs in the longer one."""
    return a in b if len(a) <= len(b) else b in a


def _append_unique(items: list[int], value: int) -> None:
    if value not in items:
        items.append(value)


# -- the framework and library vocabularies ---------------------------------------------------


def _canonical_levels(
    column: Column, level1: str | None, level2: str | None
) -> tuple[str | None, str | None]:
    fw = framework()
    l1 = l2 = None
    if column is Column.LEVEL1:
        return None, None
    if level1 is not None:
        l1 = fw.canonical_level1(level1)
        if l1 is None:
            raise ValueError(f"unknown 一级指标 {level1!r}; expected one of {fw.level1_names()}")
    if column is Column.LEVEL3 and level2 is not None:
        l2 = fw.canonical_level2(level2, l1)
        if l2 is None:
            where = f" under {l1}" if l1 else ""
            raise ValueError(f"unknown 二级指标 {level2!r}{where}")
        l1 = l1 or fw.parent_of(l2)
    return l1, l2


def matcher_for(
    column: Column | str, level1: str | None = None, level2: str | None = None
) -> Matcher:
    """The (cached) matcher for a column, restricted to a 一级 (二级, 三级) and 二级 (三级)."""
    col = parse_column(column)
    l1, l2 = _canonical_levels(col, level1, level2)
    return _matcher(col, l1, l2)


@cache
def _matcher(column: Column, level1: str | None, level2: str | None) -> Matcher:
    fw = framework()
    entries: list[VocabEntry] = []
    if column is Column.LEVEL1:
        entries = [VocabEntry(a.name, a.name, None, a.aliases) for a in fw.level1]
    elif column is Column.LEVEL2:
        entries = [
            VocabEntry(c.name, a.name, c.name, c.aliases)
            for a in fw.level1
            if level1 is None or a.name == level1
            for c in a.level2
        ]
    else:
        entries = [
            VocabEntry(x.name, x.level1, x.level2)
            for x in library()
            if (level1 is None or x.level1 == level1) and (level2 is None or x.level2 == level2)
        ]
    return Matcher(entries, column=column.value)


def match(
    text: str, column: Column | str, *, level1: str | None = None, level2: str | None = None
) -> MatchResult:
    """Match text against what column accepts.

    一级: the 4 一级 names.  二级: the 二级 names under level1, or all of them.  三级: the library
    (optionally under level1/level2); a 三级 name is free text, so the library only suggests.
    level1 and level2 may be given by name or alias; an unknown one raises ValueError."""
    return matcher_for(column, level1, level2).match(text)
