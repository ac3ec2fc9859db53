"""What certified verdicts cost: CPU seconds of the default verify grid, per construction.

    python benchmarks/verify_exactness.py [--quick] [--json PATH]

Runs every case of ``boundkit verify``'s default grid (``--quick``: the quick grid) serially
in this process, as ``verify --no-proofs`` does, and reports the CPU seconds
(``time.process_time``: insensitive to other processes on a shared machine) spent per
construction, the bound sweep and the central claim, plus the decision methods the records
used.  Run it on two checkouts (e.g. one extracted with ``git archive``) to see what
exactness cost or saved; ``reports/benchmarks.md`` has ``verify_default_grid_seconds``
(wall time of the real command, target < 120 s serial).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from boundkit.checks import grid, verify  # noqa: E402
from boundkit.checks.bound_sweep import bound_sweep  # noqa: E402


def measure(quick: bool) -> dict[str, object]:
    chosen = grid.QUICK_GRID if quick else grid.DEFAULT_GRID
    start = time.process_time()
    bound_sweep(chosen)
    sweep = time.process_time() - start
    seconds: dict[str, float] = collections.Counter()
    counts: dict[str, int] = collections.Counter()
    methods: dict[str, int] = collections.Counter()
    records = []
    for case in grid.plan(chosen):
        start = time.process_time()
        record = verify.run_case(case)
        seconds[case.construction] += time.process_time() - start
        counts[case.construction] += 1
        methods[getattr(record, "method", "") or "(not recorded)"] += 1
        records.append(record)
    start = time.process_time()
    claim = _central_claim(records)
    claim_seconds = time.process_time() - start
    statuses = collections.Counter(r.status for r in records + claim)
    return {
        "grid": "quick" if quick else "default",
        "cases": sum(counts.values()),
        "cpu_seconds_cases": round(sum(seconds.values()), 2),
        "cpu_seconds_sweep": round(sweep, 2),
        "cpu_seconds_central_claim": round(claim_seconds, 2),
        "per_construction": {k: [counts[k], round(v, 2)] for k, v in seconds.items()},
        "methods": dict(methods),
        "statuses": dict(statuses),
    }


def _central_claim(records: list) -> list:
    from boundkit.checks.central_claim import central_claim

    return central_claim(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = measure(args.quick)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
