"""Speed of the real-data experiment, end to end through the command line.

Targets: ``python -m boundkit experiment --dataset breast-cancer --quick`` under 60 s, and
the default run of the three bundled datasets under 10 minutes in all, on this 2-core
machine (wall-clock; other processes may share the CPU, so the load average at the start
is printed too).  Each command runs in a fresh interpreter (imports included), without the
progress bar.  With ``--reports`` the default runs write ``reports/experiment_<dataset>.*``
(the committed reports); otherwise they write to a temporary directory.

    python benchmarks/experiment_speed.py [--reports] [--quick-only] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATASETS = ("breast-cancer", "digits", "wine")


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    status = subprocess.run(command, stdout=subprocess.DEVNULL, check=False).returncode
    return time.perf_counter() - start, status


def experiment(dataset: str, directory: Path, quick: bool) -> list[str]:
    stem = directory / f"experiment_{dataset}"
    command = [sys.executable, "-m", "boundkit", "experiment", "--dataset", dataset]
    command += ["--quick"] if quick else []
    command += ["--json", f"{stem}.json", "--markdown", f"{stem}.md", "--out", f"{stem}.png"]
    return command + ["--no-progress"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", action="store_true", help="write reports/ (default runs)")
    parser.add_argument("--quick-only", action="store_true")
    parser.add_argument("--json", default=None, metavar="PATH")
    args = parser.parse_args()
    record: dict[str, object] = {"load_average_at_start": os.getloadavg(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        seconds, status = timed(experiment("breast-cancer", Path(tmp), quick=True))
        record["quick_breast_cancer_s"] = round(seconds, 1)
        print(f"quick breast-cancer: {seconds:.1f} s (exit {status}; target < 60 s)")
        if not args.quick_only:
            target = Path("reports") if args.reports else Path(tmp)
            total = 0.0
            for dataset in DATASETS:
                seconds, status = timed(experiment(dataset, target, quick=False))
                total += seconds
                record[f"default_{dataset}_s"] = round(seconds, 1)
                print(f"default {dataset}: {seconds:.1f} s (exit {status})")
            record["default_total_s"] = round(total, 1)
            print(f"default, three datasets: {total:.1f} s (target < 600 s)")
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
