"""Benchmark of the conversation engine: time per turn over a whole guided walk.

Run:  .venv/bin/python bench/bench_engine.py [--walks N] [--postgres URL | --no-postgres]

A walk is what a person types to draft a form through the guided walk alone
(tests/walk_script.walk_script), sent turn by turn to ``Engine(Store(url)).handle(Turn(...))``:
an opening empty turn, every step of the script, then 「导出」 (the export turn, which writes
the workbook and checks the form). Forms: the seed form (../shared/seed, skipped with a
message when missing) and a medium generated form (10 tasks, 60 indicators).

Backends: SQLite (a file in a temporary directory) and PostgreSQL (a schema of its own,
dropped afterwards; the URL comes from --postgres, $BENCH_DATABASE_URL, $TEST_DATABASE_URL, or
the local default; skipped with a message when unreachable).

``bot.engine.warm_up()`` runs first, as in the server. One untimed warm-up walk per form and
backend (its total is shown as "warm-up walk s"), then ``--walks`` timed walks, each in a
conversation of its own (distinct conversation key and user). Reported per form and
backend: turns per walk, per-turn median / p90 / p99 / max over every step turn of every timed
walk, the median step turn of the first and last 20 steps (turns grow with the form), the
median walk total, and the export turn separately. Each walk's result is compared with the
form it was meant to draft (a WARNING line if not).
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from common import (
    ROOT,
    generated_form,
    header,
    ms,
    percentile,
    postgres_chosen,
    postgres_url,
    seed_file,
    sqlite_url,
    table,
    versions,
)

from bot.engine import Engine, warm_up
from bot.messages import msg
from bot.store import Store
from bot.types import Reply, Turn
from form_model.importers import read_text, read_xlsx
from form_model.models import Form
from tests.walk_script import Step, walk_script

INTERNAL_ERROR = msg("zh", "internal_error")
EDGE = 20  # steps compared at the start and the end of a walk


@dataclass
class WalkTimes:
    opening: float = 0.0
    steps: list[float] = field(default_factory=list)
    export: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.opening + sum(self.steps) + self.export


def _send(engine: Engine, turn: Turn, times: list[float], problems: list[str]) -> list[Reply]:
    start = time.perf_counter()
    replies = engine.handle(turn)
    times.append((time.perf_counter() - start) * 1000)
    if any(r.text == INTERNAL_ERROR for r in replies):
        problems.append(f"internal error on {turn.text or turn.choice!r}")
    return replies


def walk(engine: Engine, form: Form, steps: list[Step], key: str) -> WalkTimes:
    """One whole walk in a new conversation; returns its timings."""
    user = f"U{key}"
    conversation = f"dm:{user}"
    out = WalkTimes()
    scratch: list[float] = []
    _send(engine, Turn(conversation, user), scratch, out.problems)
    out.opening = scratch[0]
    for step in steps:
        turn = Turn(conversation, user, text=step.text, choice=step.choice)
        _send(engine, turn, out.steps, out.problems)
    scratch = []
    replies = _send(engine, Turn(conversation, user, text="导出"), scratch, out.problems)
    out.export = scratch[0]
    files = [r.file for r in replies if r.file]
    # Checks outside the timed turns: the walk drafted the form, the export carries it.
    with engine.store.turn(conversation, f"user:{user}") as st:
        drafted = st.active().form()[0]
    if drafted != form:
        out.problems.append("the drafted form differs from the intended one")
    if len(files) != 1 or read_xlsx(files[0].data) != form:
        out.problems.append("the export turn did not return the form's workbook")
    return out


def bench(url: str, form: Form, walks: int) -> tuple[list[WalkTimes], float]:
    """A warm-up walk (its total returned), then ``walks`` timed ones."""
    steps = walk_script(form)
    run = uuid.uuid4().hex[:8]
    store = Store(url)
    try:
        engine = Engine(store)
        warm = walk(engine, form, steps, f"{run}-warm")
        for problem in warm.problems[:3]:
            print(f"WARNING warm-up walk: {problem}")
        timed = [walk(engine, form, steps, f"{run}-{n}") for n in range(walks)]
    finally:
        store.close()
    return timed, warm.total


def step_label(step: Step) -> str:
    text = step.choice or step.text
    return text if len(text) <= 16 else text[:16] + "…"


def report_row(
    label: str, backend: str, results: list[WalkTimes], warm: float, script: list[Step]
) -> list[object]:
    slow = sorted(((t, w, i) for w, r in enumerate(results) for i, t in enumerate(r.steps)),
                  reverse=True)[:3]
    print(f"{label} on {backend}, slowest step turns: " + "; ".join(
        f"{ms(t)} ms at step {i + 1} {step_label(script[i])!r} (walk {w + 1})" for t, w, i in slow))
    steps = [t for r in results for t in r.steps]
    first = [t for r in results for t in r.steps[:EDGE]]
    last = [t for r in results for t in r.steps[-EDGE:]]
    exports = [r.export for r in results]
    problems = sorted({p for r in results for p in r.problems})
    for problem in problems:
        print(f"WARNING {label} on {backend}: {problem}")
    return [
        label, backend, len(results[0].steps), len(results),
        ms(statistics.median(steps)), ms(percentile(steps, 90)), ms(percentile(steps, 99)),
        ms(max(steps)),
        f"{ms(statistics.median(first))} → {ms(statistics.median(last))}",
        ms(statistics.median(r.opening for r in results)),
        f"{ms(statistics.median(exports))} / {ms(max(exports))}",
        f"{statistics.median(r.total for r in results) / 1000:.2f}", f"{warm / 1000:.2f}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=5, help="timed walks per form and backend")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (a schema is created)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()

    header("bench_engine: engine time per turn over a whole guided walk")
    print("versions:", versions("SQLAlchemy", "psycopg", "pydantic", "openpyxl"))
    print(f"repository: {ROOT}")
    warm_up()  # as every long-lived process does: matchers built, long-lived objects frozen

    forms: list[tuple[str, Form]] = []
    path = seed_file()
    if path is not None:
        forms.append(("seed form", read_text(path.read_text("utf-8"))))
    forms.append(("medium form", generated_form(10, 60, optional_pairs=False)))
    for label, form in forms:
        print(f"{label}: {len(form.tasks)} tasks "
              f"({sum(len(t.items) for t in form.tasks)} sub-rows), "
              f"{len(form.indicators)} indicators, {len(walk_script(form))} steps in its walk")

    backends: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("SQLite", sqlite_url)
    ]
    pg = postgres_chosen(args.postgres, args.no_postgres)
    if pg is not None:
        backends.append(("PostgreSQL", lambda: postgres_url(pg)))

    rows = []
    for label, form in forms:
        for backend, make in backends:
            with make() as url:
                results, warm = bench(url, form, args.walks)
            rows.append(report_row(label, backend, results, warm, walk_script(form)))
    print()
    print(table(
        ["form", "backend", "turns", "walks", "median ms", "p90 ms", "p99 ms", "max ms",
         f"first→last {EDGE} ms", "opening ms", "export med/max ms", "walk s", "warm-up walk s"],
        rows,
    ))
    print("turns: step turns per walk (the opening and export turns are extra and not in the "
          "per-turn columns); walk s: median total of a timed walk including both")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
