"""Benchmark of ``declbot check`` and ``declbot export`` as whole processes, against a bare
``python -c "openpyxl load + save"`` process in the same venv, on the same workbook.

Run:  .venv/bin/python bench/bench_cli.py [--runs N] [--indicators N] [--tasks N]

The workbook is our export of bench/common.generated_form (50 tasks, 400 indicators by
default). Each round runs every process once, in turn (so a change in machine load hits them
alike); the table gives the median and p90 wall time of ``runs`` rounds after one warm-up
round, the median CPU time (user + system) of the child, and each median ÷ the bare process's.
Children run without PYTHONDONTWRITEBYTECODE, so that, as in a person's shell, compiled
modules are cached after the warm-up round.

Goal (issue 11): check + export, as whole processes, ≤ 1.3× a bare openpyxl load + save
process. Both commands are compared with it on their own, and their sum with twice its time.
A breakdown of one ``check`` process (start-up, imports, read, check, report) follows, from
``python -X importtime`` and timers inside one process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, generated_form, header, ms, table, versions

from form_model.exporter import write_form

GOAL_RATIO = 1.3
VENV_BIN = Path(sys.executable).parent
DECLBOT = VENV_BIN / "declbot"


def bare_command(path: Path) -> list[str]:
    code = (
        "import io, openpyxl\n"
        f"wb = openpyxl.load_workbook({str(path)!r})\n"
        "wb.save(io.BytesIO())\n"
    )
    return [sys.executable, "-c", code]


#: The children run as a person's shell runs them: compiled modules are cached (a
#: PYTHONDONTWRITEBYTECODE inherited from the caller would make every run recompile ours).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (output discarded; it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=CHILD_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # check exits 1 when the form has errors
        raise SystemExit(f"{' '.join(argv[:3])} failed ({proc.returncode}): {proc.stderr.decode()[:300]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_breakdown(cwd: Path, path: Path) -> list[tuple[str, float]]:
    """Self + children import time (ms) of the heaviest top-level imports of a check."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(DECLBOT), "check", str(path)],
        cwd=cwd, capture_output=True, text=True, env=CHILD_ENV,
    )
    rows: list[tuple[str, float]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        if len(name) - len(name.lstrip()) <= 3:  # top level and the level below it
            rows.append((name.rstrip(), int(cumulative.strip()) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:10]


def phases(path: Path) -> dict[str, float]:
    """Times (ms) of one check inside a fresh process: imports, read, check, report."""
    code = f"""
import time
t0 = time.perf_counter()
from pathlib import Path
from form_model.checker import check
from form_model.importers import load_form
from form_model.report_text import render_report
t1 = time.perf_counter()
form = load_form(Path({str(path)!r}))
t2 = time.perf_counter()
report = check(form)
t3 = time.perf_counter()
render_report(report)
t4 = time.perf_counter()
from form_model.exporter import write_form
t5 = time.perf_counter()
write_form(form)
t6 = time.perf_counter()
print(*(round((b - a) * 1000, 1) for a, b in ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6))))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=CHILD_ENV)
    values = [float(x) for x in out.stdout.split()]
    names = ["imports for check", "read (load_form)", "check", "render report", "exporter import",
             "write_form"]
    return dict(zip(names, values, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed rounds (≥ 11)")
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=400)
    args = parser.parse_args()

    header("bench_cli: declbot check / export as whole processes vs a bare openpyxl process")
    print("versions:", versions("openpyxl", "pydantic", "defusedxml"))
    form = generated_form(args.tasks, args.indicators)
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        path = cwd / "form.xlsx"
        path.write_bytes(write_form(form))
        print(f"workbook: our export of {args.tasks} tasks, {len(form.indicators)} indicators, "
              f"{path.stat().st_size / 1024:.1f} KB; {args.runs} rounds after 1 warm-up; "
              f"python -c pass and the bare process share the venv ({sys.executable})")
        commands = {
            "python -c pass (start-up)": [sys.executable, "-c", "pass"],
            "bare openpyxl load + save (baseline)": bare_command(path),
            "declbot check": [str(DECLBOT), "check", str(path)],
            "declbot export": [str(DECLBOT), "export", str(path), "-o", str(cwd / "out.xlsx")],
        }
        walls: dict[str, list[float]] = {k: [] for k in commands}
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        for round_ in range(args.runs + 1):
            for name, argv in commands.items():
                wall, cpu = run(argv, cwd)
                if round_:  # the first round warms the file cache
                    walls[name].append(wall * 1000)
                    cpus[name].append(cpu * 1000)
        base = statistics.median(walls["bare openpyxl load + save (baseline)"])
        base_cpu = statistics.median(cpus["bare openpyxl load + save (baseline)"])
        rows = []
        for name in commands:
            w = sorted(walls[name])
            p90 = w[min(len(w) - 1, round(0.9 * (len(w) - 1)))]
            med, cpu = statistics.median(w), statistics.median(cpus[name])
            rows.append([name, ms(med), ms(p90), ms(cpu), f"{med / base:.2f}×", f"{cpu / base_cpu:.2f}×"])
        print(table(["process", "median ms", "p90 ms", "CPU ms", "÷ baseline", "CPU ÷ baseline"], rows))
        check_ms = statistics.median(walls["declbot check"])
        export_ms = statistics.median(walls["declbot export"])
        both = (check_ms + export_ms) / (2 * base)
        for label, value in (("check ÷ baseline", check_ms / base), ("export ÷ baseline", export_ms / base),
                             ("(check + export) ÷ (2 × baseline)", both)):
            verdict = "met" if value <= GOAL_RATIO else "MISSED"
            print(f"{label}: {value:.2f}× (goal ≤ {GOAL_RATIO}×: {verdict})")

        print("\nwhere one process's time goes (ms, one run, timers inside the process):")
        print(table(["phase", "ms"], [[k, ms(v)] for k, v in phases(path).items()]))
        print("\nheaviest imports of `declbot check` (python -X importtime, cumulative ms, top level):")
        print(table(["module", "ms"], [[n, ms(v)] for n, v in import_breakdown(cwd, path)]))
        heavy = [m for m in ("sqlalchemy", "slack_bolt", "slack_sdk", "flask", "rapidfuzz", "pypinyin")
                 if m in subprocess.run([sys.executable, "-X", "importtime", str(DECLBOT), "check", str(path)],
                                        cwd=cwd, capture_output=True, text=True, env=CHILD_ENV).stderr]
        print("heavy libraries imported by check:", ", ".join(heavy) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
