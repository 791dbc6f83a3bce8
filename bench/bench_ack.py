"""Benchmark of Slack acknowledgements while a large form is being checked (issue 9, item 5).

Run:  .venv/bin/python bench/bench_ack.py [--sizes 1000 1800] [--rounds N] [--baseline N]

What runs (all on 127.0.0.1): the fake Slack Web API in this process (tests/fake_slack.FakeSlack,
recording when each call reached it) and ``declbot serve --http`` (one gunicorn worker, on a
SQLite file of its own), as tests/slack_harness.ServeProcess starts it.

For each size, a person of their own uploads a generated form of that many indicators
(bench_check.scaled_form: bench.common.generated_form with 50 tasks; beyond 400 indicators
the 400 are repeated as further phases, 「二期…」, so that every name stays distinct) and waits for the import's
report. Then, ``--rounds`` times:

* **baseline**: ``--baseline`` typed turns (「帮助」, which needs no check), one after the other,
  with nothing else running: the time from sending each signed ``message`` event to its HTTP
  answer (Slack's acknowledgement);
* **during a check**: 「检查」 is sent; once it is acknowledged, typed turns (「帮助」) are sent one
  after the other until the report reaches the fake; the same time is taken for each. The
  **check** is the time from 「检查」's acknowledgement to the arrival of the report's first
  message (snapshot, check, report rendered, summary kept, posted).

The table gives the medians over all rounds (and the maximum): the ack of typed turns during
the check, as a ratio to the baseline measured in the same run, and the check's duration. The
requirement is the ordering (every typed turn acknowledged, and answered, before the report; see
tests/test_slack_acks.py); Slack's own limit is 3 s per acknowledgement.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import machine, ms, ratio, scaled_form, table, versions

from form_model.exporter import write_form
from tests.fake_slack import Call, FakeSlack
from tests.slack_harness import Endpoint, ServeProcess, dm_of, new_user

#: Up to the largest form the reader accepts (a sheet of at most 2,000 rows: with 50 tasks'
#: sub-rows and the header, about 1,850 indicators).
SIZES = (1000, 1800)


class TimedSlack(FakeSlack):
    """The fake Web API, noting when each call reached it."""

    def __init__(self) -> None:
        self.arrived: list[tuple[float, Call]] = []
        super().__init__()

    def _record(self, call: Call) -> None:
        self.arrived.append((time.monotonic(), call))
        super()._record(call)


def is_report(call: Call, channel: str) -> bool:
    return call.method == "chat.postMessage" and call.params.get("channel") == channel and \
        str(call.params.get("text", "")).startswith(("表格尚不完整", "表格完整"))


def reports_in(fake: TimedSlack, channel: str) -> list[float]:
    """When each report (its first message) reached the fake."""
    return [t for t, c in list(fake.arrived) if is_report(c, channel)]


def ack_ms(endpoint: Endpoint, user: str, text: str) -> float:
    response = endpoint.dm(user, text)
    assert response.status == 200, response
    return response.elapsed * 1000


def run_size(endpoint: Endpoint, fake: TimedSlack, size: int, rounds: int, baseline_turns: int) -> dict[str, list[float]]:
    user = new_user()
    dm = dm_of(user)
    shared = fake.host_file(f"表{size}.xlsx", write_form(scaled_form(50, size)))
    endpoint.dm(user, "你好")
    endpoint.dm(user, "", files=[shared])
    fake.wait(lambda: reports_in(fake, dm), timeout=120, what="the import's report")
    time.sleep(1.0)  # the import's last posts
    out: dict[str, list[float]] = {"baseline": [], "during": [], "check": [], "check_ack": [], "answered": []}
    for _ in range(rounds):
        out["baseline"] += [ack_ms(endpoint, user, "帮助") for _ in range(baseline_turns)]
        time.sleep(0.3)
        before = len(reports_in(fake, dm))
        out["check_ack"].append(ack_ms(endpoint, user, "检查"))
        acked = time.monotonic()
        during: list[float] = []
        while len(reports_in(fake, dm)) == before:
            during.append(ack_ms(endpoint, user, "帮助"))
        report_at = reports_in(fake, dm)[before]
        out["check"].append((report_at - acked) * 1000)
        out["during"] += during
        out["answered"].append(float(len(during)))
        time.sleep(1.0)  # the report's parts and file, the typed turns' replies
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=int, default=15, help="typed turns per round with nothing running")
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"versions: {versions('slack-bolt', 'gunicorn', 'openpyxl')}")
    fake = TimedSlack()
    with tempfile.TemporaryDirectory() as tmp:
        process = ServeProcess.on_sqlite(fake, Path(tmp))
        try:
            endpoint = Endpoint(process.base, fake)
            rows = []
            for size in args.sizes:
                got = run_size(endpoint, fake, size, args.rounds, args.baseline)
                base, during = statistics.median(got["baseline"]), statistics.median(got["during"])
                rows.append([
                    f"{size} indicators", ms(statistics.median(got["check"])),
                    f"{int(sum(got['answered']))}", ms(during), ms(max(got["during"])),
                    ms(base), ms(max(got["baseline"])), ratio(during, base),
                    ms(statistics.median(got["check_ack"])),
                ])
        finally:
            process.stop()
            fake.close()
    print(table(["form", "check ms", "typed turns", "ack ms (median)", "ack ms (max)",
                 "baseline ack", "baseline max", "ack ÷ baseline", "检查 ack ms"], rows,
                title=f"typed turns acknowledged while a check runs ({args.rounds} rounds; medians)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
