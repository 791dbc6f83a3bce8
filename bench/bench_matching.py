"""Benchmark of form_model.matching on a synthetic 20,000-name 三级 vocabulary.

Run:  .venv/bin/python bench/bench_matching.py [--size N] [--queries-per-kind N] [--seed N]

The vocabulary is built deterministically from parts of the real names in
form_model/data/indicators.tsv (a head of one name, sometimes a middle piece of another, the
ending of a third).  Queries are vocabulary names with one perturbation each:

* drop:  last character dropped
* wrong: one character replaced by an unrelated character (different pinyin)
* sound: one character replaced by a same-sound character (an IME slip)

A perturbed query that happens to equal another vocabulary name is skipped (it is no longer a
typo).  The script prints timings (median, p90, p99 per query; index build) and the outcome
counts, and checks that the prefiltered matcher agrees with a full scan.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypinyin import lazy_pinyin  # noqa: E402

from form_model.library import library  # noqa: E402
from form_model.matching import Column, Decision, Matcher, MatchResult  # noqa: E402
from form_model.normalize import name_key  # noqa: E402

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
KINDS = ("drop", "wrong", "sound")


def real_keys() -> list[str]:
    """Normalised real names that are Chinese characters only (no digits or Latin)."""
    keys = {name_key(x.name) for x in library()}
    return sorted(k for k in keys if _HAN.match(k) and len(k) >= 4)


def build_vocabulary(size: int, rng: random.Random) -> list[str]:
    keys = real_keys()
    heads = sorted({k[:n] for k in keys for n in range(2, min(6, len(k) - 1) + 1)})
    middles = sorted({k[i : i + n] for k in keys for n in (2, 3) for i in range(1, len(k) - n)})
    tails = sorted({k[-n:] for k in keys for n in (1, 2, 3, 4) if len(k) > n})
    vocab: set[str] = set(keys)
    while len(vocab) < size:
        name = rng.choice(heads)
        if rng.random() < 0.6:
            name += rng.choice(middles)
        name += rng.choice(tails)
        if 5 <= len(name) <= 14:
            vocab.add(name)
    return sorted(vocab)


def homophones() -> dict[str, list[str]]:
    """For each character of the TSV, the other TSV characters with the same toneless pinyin."""
    text = (ROOT / "form_model" / "data" / "indicators.tsv").read_text("utf-8")
    by_sound: dict[str, set[str]] = defaultdict(set)
    for ch in set(_HAN_CHAR.findall(text)):
        by_sound[lazy_pinyin(ch)[0]].add(ch)
    return {
        ch: sorted(group - {ch}) for group in by_sound.values() for ch in group if len(group) > 1
    }


def perturb(
    name: str, kind: str, rng: random.Random, alphabet: list[str], sounds: dict[str, list[str]]
) -> str | None:
    if kind == "drop":
        return name[:-1]
    if kind == "wrong":
        i = rng.randrange(len(name))
        old = lazy_pinyin(name[i])[0]
        for _ in range(20):
            ch = rng.choice(alphabet)
            if ch != name[i] and lazy_pinyin(ch)[0] != old:
                return name[:i] + ch + name[i + 1 :]
        return None
    positions = [i for i, ch in enumerate(name) if ch in sounds]
    if not positions:
        return None
    i = rng.choice(positions)
    return name[:i] + rng.choice(sounds[name[i]]) + name[i + 1 :]


Query = tuple[str, str, str]  # (perturbed text, intended name, kind)


def make_queries(vocab: list[str], per_kind: int, rng: random.Random) -> tuple[list[Query], int]:
    """(query, intended name, kind) triples, and how many perturbations were skipped."""
    known = set(vocab)
    alphabet = sorted({ch for k in vocab for ch in k})
    sounds = homophones()
    queries: list[Query] = []
    skipped = 0
    for kind in KINDS:
        made = 0
        while made < per_kind:
            name = rng.choice(vocab)
            q = perturb(name, kind, rng, alphabet, sounds)
            if q is None:
                continue
            if q in known:
                skipped += 1
                continue
            queries.append((q, name, kind))
            made += 1
    return queries, skipped


def outcome(result: MatchResult, intended: str) -> str:
    if result.decision is Decision.CERTAIN:
        return "certain-right" if result.name == intended else "certain-wrong"
    if result.decision is Decision.AMBIGUOUS:
        return "ambiguous-with-right" if intended in result.names else "ambiguous-without-right"
    return "unknown"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--queries-per-kind", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20240917)
    parser.add_argument("--no-check", action="store_true", help="skip the full-scan comparison")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    started = time.perf_counter()
    vocab = build_vocabulary(args.size, rng)
    queries, skipped = make_queries(vocab, args.queries_per_kind, rng)
    lengths = [len(v) for v in vocab]
    print(f"vocabulary: {len(vocab)} names, length {min(lengths)}-{max(lengths)} "
          f"(mean {statistics.mean(lengths):.1f}); {len(queries)} queries "
          f"({args.queries_per_kind} per kind), {skipped} perturbations skipped as real names")

    t0 = time.perf_counter()
    matcher = Matcher(vocab, column=Column.LEVEL3.value)
    build = time.perf_counter() - t0
    print(f"index build: {build:.2f} s")

    matcher.match(queries[0][0])  # warm-up (first call of the pinyin converter)
    timings: list[float] = []
    results: list[MatchResult] = []
    for q, _, _ in queries:
        t = time.perf_counter()
        results.append(matcher.match(q))
        timings.append((time.perf_counter() - t) * 1000)
    print(f"per query: median {statistics.median(timings):.2f} ms, "
          f"p90 {percentile(timings, 90):.2f} ms, p99 {percentile(timings, 99):.2f} ms, "
          f"max {max(timings):.2f} ms")

    totals: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    wrong: list[tuple[str, str, str | None]] = []
    for (q, intended, kind), result in zip(queries, results, strict=True):
        o = outcome(result, intended)
        totals[o] += 1
        by_kind[kind][o] += 1
        if o == "certain-wrong":
            wrong.append((q, intended, result.name))
    order = ("certain-right", "certain-wrong", "ambiguous-with-right",
             "ambiguous-without-right", "unknown")
    print("outcomes:", ", ".join(f"{o} {totals[o]}" for o in order))
    for kind in KINDS:
        print(f"  {kind:5}:", ", ".join(f"{o} {by_kind[kind][o]}" for o in order))
    for q, intended, got in wrong[:10]:
        print(f"  certain-wrong: {q!r} meant {intended!r}, got {got!r}")

    status = 0 if not wrong else 1
    if not args.no_check:
        full = Matcher(vocab, column=Column.LEVEL3.value, prefilter=False)
        differ = 0
        t = time.perf_counter()
        for (q, _, _), result in zip(queries, results, strict=True):
            other = full.match(q)
            if other != result:
                differ += 1
                if differ <= 5:
                    print(f"  prefilter differs on {q!r}: {result.names} vs full scan {other.names}")
        per = (time.perf_counter() - t) * 1000 / len(queries)
        print(f"full scan (no prefilter): {per:.1f} ms per query; "
              f"results differing from the prefiltered matcher: {differ}/{len(queries)}")
    print(f"total time: {time.perf_counter() - started:.1f} s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
