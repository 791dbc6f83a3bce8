"""Run every benchmark script in bench/ (bench_*.py) one after the other, printing their output.

Run:  .venv/bin/python bench/run_all.py [--only NAME ...]      (``make bench`` runs it)

Each script runs in its own process with this interpreter and default arguments; its output is
passed through as it comes. The exit status is 1 when any script failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from common import machine

BENCH = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(BENCH.glob("bench_*.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None,
                        help="script names to run (e.g. bench_form), default: all")
    args = parser.parse_args()

    chosen = [s for s in scripts() if args.only is None or s.stem in args.only]
    if not chosen:
        print(f"no benchmark script matches {args.only}; have {[s.stem for s in scripts()]}")
        return 2
    print(f"machine: {machine()}")
    failed: list[str] = []
    started = time.perf_counter()
    for script in chosen:
        print(f"\n{'=' * 30} {script.name} {'=' * 30}", flush=True)
        t = time.perf_counter()
        status = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent)
        print(f"-- {script.name}: exit status {status}, {time.perf_counter() - t:.0f} s", flush=True)
        if status != 0:
            failed.append(f"{script.name} ({status})")
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
