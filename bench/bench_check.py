"""Benchmark of the checker alone, as forms grow: does ``check`` stay linear?

Run:  .venv/bin/python bench/bench_check.py [--runs N] [--warmup N] [--profile]

Three generated forms (bench/common.generated_form, deterministic): 10 tasks / 50 indicators,
50 / 400 and 200 / 2,000 (beyond 400 indicators the generated ones are repeated as further
phases, 「二期…」, so that every name stays distinct). For each, the median of ``runs``
timed runs after ``warmup`` untimed ones, run round-robin, of:

* ``check`` cold: as a one-off process sees it, the shared parse caches emptied before each run
  (parse_value, terms);
* ``check`` warm: the caches kept (a long-lived bot checking a draft again);
* the baseline: a bare ``openpyxl`` load + save of the same form's exported workbook.

The table gives each as milliseconds and as a ratio to the baseline, and the growth of the cold
check from one size to the next against the growth of the indicator count (linear: ≈ 1).
The goal is check ≤ 1 s at 2,000 indicators. With --profile the cold check of the largest form
runs under cProfile, and the time spent in each rule is printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from io import BytesIO

import openpyxl
from common import header, measure_interleaved, ms, ratio, scaled_form, table, versions

from form_model.checker import check
from form_model.checker.registry import RULES, Context
from form_model.checker.text_tools import terms
from form_model.exporter import write_form
from form_model.models import Form
from form_model.values import parse_value

SIZES = ((10, 50), (50, 400), (200, 2000))
GOAL_MS = 1000.0


def cold_check(form: Form) -> None:
    parse_value.cache_clear()
    terms.cache_clear()
    check(form)


def bare_load_save(data: bytes) -> None:
    wb = openpyxl.load_workbook(BytesIO(data))
    wb.save(BytesIO())


def rule_times(form: Form, repeat: int = 3) -> list[tuple[str, float]]:
    """Milliseconds per rule on a cold context (median of ``repeat``), largest first."""
    samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        parse_value.cache_clear()
        terms.cache_clear()
        ctx = Context(form)
        start = time.perf_counter()
        ctx.values  # noqa: B018  (the shared parse, timed on its own)
        ctx.judgements  # noqa: B018
        samples.setdefault("(parse + judge every value, shared)", []).append(
            (time.perf_counter() - start) * 1000)
        for r in RULES:
            start = time.perf_counter()
            list(r.func(ctx))
            samples.setdefault(r.code, []).append((time.perf_counter() - start) * 1000)
    medians = {code: sorted(v)[len(v) // 2] for code, v in samples.items()}
    return sorted(medians.items(), key=lambda kv: -kv[1])


def profile(form: Form, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        cold_check(form)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    body = out.getvalue()
    print(f"\n-- cProfile of 3 cold checks ({len(form.indicators)} indicators), top {top} by tottime")
    print(body[body.find("   ncalls"):].rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per operation")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--profile", action="store_true", help="profile the largest form")
    parser.add_argument("--top", type=int, default=20, help="functions shown by the profile")
    args = parser.parse_args()

    header("bench_check: the checker as forms grow, vs bare openpyxl load + save")
    print("versions:", versions("openpyxl", "pydantic"))
    print(f"{args.runs} timed runs per operation after {args.warmup} warm-up runs; medians in ms")
    rows = []
    previous: tuple[int, float] | None = None
    largest = None
    for tasks, indicators in SIZES:
        form = scaled_form(tasks, indicators)
        data = write_form(form)
        findings = check(form).counts()
        timings = measure_interleaved({
            "cold": lambda form=form: cold_check(form),
            "warm": lambda form=form: check(form),
            "baseline": lambda data=data: bare_load_save(data),
        }, args.runs, args.warmup)
        cold, warm, base = (timings[k].median for k in ("cold", "warm", "baseline"))
        growth = "" if previous is None else \
            f"{(cold / previous[1]) / (indicators / previous[0]):.2f}"
        rows.append([f"{tasks} tasks / {indicators} indicators", ms(cold), ms(warm), ms(base),
                     ratio(cold, base), ratio(warm, base),
                     f"{cold * 1000 / indicators:.0f}", growth,
                     f"{findings['error']}/{findings['warning']}/{findings['info']}"])
        previous = (indicators, cold)
        largest = (form, cold)
    print(table(["form", "check cold", "check warm", "baseline", "cold ÷ base", "warm ÷ base",
                 "µs/indicator", "growth ÷ linear", "E/W/I"], rows))
    assert largest is not None
    form, cold = largest
    verdict = "met" if cold <= GOAL_MS else "MISSED"
    print(f"check of {len(form.indicators)} indicators: {ms(cold)} ms cold "
          f"(goal ≤ {GOAL_MS:.0f} ms: {verdict})")
    print(f"\ntime per rule, {len(form.indicators)} indicators, cold (median of 3), top 8:")
    print(table(["rule", "ms"], [[code, ms(t)] for code, t in rule_times(form)[:8]]))
    if args.profile:
        profile(form, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
