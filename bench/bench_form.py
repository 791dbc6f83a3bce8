"""Benchmark of import, check and export of whole forms, against bare openpyxl.

Run:  .venv/bin/python bench/bench_form.py [--runs N] [--warmup N] [--profile]

Two forms:

* the seed form (../shared/seed/*.txt, or $DECLBOT_SEED_DIR; skipped with a message when
  missing), read from its paste;
* a large generated form (bench/common.generated_form: 50 tasks of 2–3 sub-rows, 400
  indicators over every 一级/二级 pair, deterministic).

For each, on the workbook our exporter writes for it (the same bytes throughout), the median,
p90 and max of ``runs`` timed runs after ``warmup`` untimed ones (all operations run
round-robin, so a change in machine load hits them alike) of:

* read_text of the form pasted as text (the seed's own paste; for the large form, its
  exported workbook copied cell by cell with tabs, as a spreadsheet copies it),
* read_xlsx of the workbook bytes,
* check(form), write_form(form),
* the whole pipeline: load_bytes(workbook) + check + write_form,
* the baseline: bare ``openpyxl.load_workbook(BytesIO(data))`` + ``wb.save(BytesIO())`` on the
  same bytes (and each half alone).

The goal is pipeline ÷ baseline ≤ 2×. Peak memory (tracemalloc) of one pipeline run and of one
baseline run is reported too. With --profile (or when the goal is missed) the pipeline of the
large form runs under cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import openpyxl
from common import (
    generated_form,
    header,
    measure_interleaved,
    mib,
    ms,
    ratio,
    seed_file,
    table,
    versions,
)

from form_model.checker import check
from form_model.exporter import write_form
from form_model.importers import load_bytes, read_text, read_xlsx
from form_model.importers.xlsx_reader import sheet_grid
from form_model.models import Form

GOAL_RATIO = 2.0
UPLOAD_NAME = "部门整体预算绩效目标申报表.xlsx"


@dataclass
class Case:
    label: str
    form: Form
    paste: str
    paste_label: str
    workbook: bytes


def pipeline(data: bytes) -> bytes:
    """What the assistant does with an upload: read it, check it, write the official file."""
    form = load_bytes(data, UPLOAD_NAME)
    check(form)
    return write_form(form)


def bare_load_save(data: bytes) -> None:
    wb = openpyxl.load_workbook(BytesIO(data))
    wb.save(BytesIO())


def bare_load(data: bytes) -> None:
    openpyxl.load_workbook(BytesIO(data))


def _tsv_cell(text: str) -> str:
    if any(ch in text for ch in '\n\t"'):
        return '"' + text.replace('"', '""') + '"'  # how spreadsheets copy such a cell
    return text


def pasted(workbook: bytes) -> str:
    """The workbook's sheet as a spreadsheet copies it: tabs between cells, merged cells empty."""
    wb = openpyxl.load_workbook(BytesIO(workbook), data_only=True)
    try:
        grid = sheet_grid(wb.worksheets[0])
    finally:
        wb.close()
    return "\n".join("\t".join(_tsv_cell(c) for c in row) for row in grid) + "\n"


def peak_memory(func: Callable[[], object]) -> int:
    """Peak bytes allocated by Python (tracemalloc) during one call."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cases() -> list[Case]:
    out: list[Case] = []
    path = seed_file()
    if path is not None:
        text = path.read_text("utf-8")
        form = read_text(text)
        out.append(Case("seed form", form, text, "read_text (the seed's paste)", write_form(form)))
    large = generated_form(50, 400)
    data = write_form(large)
    out.append(Case("large form", large, pasted(data), "read_text (its paste)", data))
    return out


def run_case(case: Case, runs: int, warmup: int) -> float:
    """Times one form; prints its table and returns pipeline ÷ baseline."""
    form, data = case.form, case.workbook
    # Sanity: the numbers mean nothing if the round trips do not give the form back.
    if read_xlsx(data) != form:
        print(f"WARNING {case.label}: read_xlsx(write_form(form)) differs from the form")
    if read_text(case.paste) != form:
        print(f"WARNING {case.label}: read_text of the paste differs from the form")
    report = check(form)
    tasks = len(form.tasks)
    items = sum(len(t.items) for t in form.tasks)
    print(f"\n== {case.label}: {tasks} tasks ({items} sub-rows), {len(form.indicators)} indicators; "
          f"workbook {len(data) / 1024:.1f} KB, paste {len(case.paste)} characters; "
          f"check finds {report.counts()}")

    loaded = openpyxl.load_workbook(BytesIO(data))
    timings = measure_interleaved({
        case.paste_label: lambda: read_text(case.paste),
        "read_xlsx": lambda: read_xlsx(data),
        "check": lambda: check(form),
        "write_form": lambda: write_form(form),
        "pipeline: load_bytes + check + write_form": lambda: pipeline(data),
        "bare openpyxl load_workbook": lambda: bare_load(data),
        "bare openpyxl wb.save": lambda: loaded.save(BytesIO()),
        "bare openpyxl load + save (baseline)": lambda: bare_load_save(data),
    }, runs, warmup)
    base = timings["bare openpyxl load + save (baseline)"].median
    rows = [[name, ms(t.median), ms(t.p90), ms(t.max), ratio(t.median, base)]
            for name, t in timings.items()]
    print(table(["operation", "median ms", "p90 ms", "max ms", "÷ baseline"], rows))
    pipe = timings["pipeline: load_bytes + check + write_form"].median
    print(f"read_xlsx ÷ bare load_workbook: "
          f"{ratio(timings['read_xlsx'].median, timings['bare openpyxl load_workbook'].median)}; "
          f"write_form ÷ bare wb.save: "
          f"{ratio(timings['write_form'].median, timings['bare openpyxl wb.save'].median)}")
    verdict = "met" if pipe / base <= GOAL_RATIO else "MISSED"
    print(f"pipeline ÷ baseline: {ratio(pipe, base)} (goal ≤ {GOAL_RATIO:.0f}×: {verdict})")
    print(f"peak memory (tracemalloc, one run): pipeline {mib(peak_memory(lambda: pipeline(data)))}, "
          f"bare load + save {mib(peak_memory(lambda: bare_load_save(data)))}")
    return pipe / base


def profile(case: Case, top: int) -> None:
    data = case.workbook
    pipeline(data)  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        pipeline(data)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        body = out.getvalue()
        start = body.find("   ncalls")
        print(f"\n-- cProfile of 5 pipeline runs ({case.label}), top {top} by {order}")
        print(body[start:].rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per operation (≥ 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument("--profile", action="store_true", help="always profile the large form")
    parser.add_argument("--top", type=int, default=25, help="functions shown by the profile")
    args = parser.parse_args()

    header("bench_form: import, check and export of whole forms vs bare openpyxl")
    print("versions:", versions("openpyxl", "pydantic", "defusedxml"))
    print(f"{args.runs} timed runs per operation after {args.warmup} warm-up runs; times in ms")
    all_cases = cases()
    missed = []
    for case in all_cases:
        if run_case(case, args.runs, args.warmup) > GOAL_RATIO:
            missed.append(case.label)
    if args.profile or missed:
        if missed:
            print(f"\ngoal missed for: {', '.join(missed)}")
        profile(all_cases[-1], args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
