"""``python -m proofs_check``: run the symbolic proof checks, one line each.

Exit status 0 when every selected check passes, 1 when one fails, 2 on a usage error
(including ``--only`` matching no check).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from proofs_check.checks import CHECKS, run_check, select
from proofs_check.core import Check


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m proofs_check",
        description="Re-derive boundkit's registered bounds symbolically and compare.",
    )
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.add_argument("--only", metavar="SUBSTRING", help="run the checks whose name contains it")
    p.add_argument("--verbose", action="store_true", help="print the compared expressions")
    return p


def main(argv: Sequence[str] | None = None, checks: Sequence[Check] | None = None) -> int:
    """Run ``checks`` (default: :data:`proofs_check.checks.CHECKS`); return the exit status."""
    args = _parser().parse_args(argv)
    chosen = select(CHECKS if checks is None else checks, args.only)
    if not chosen:
        print(f"proofs_check: no check name contains {args.only!r}", file=sys.stderr)
        return 2
    width = max(len(c.name) for c in chosen)
    if args.list:
        for c in chosen:
            print(f"{c.name:<{width}}  {c.reference}")
        return 0
    failed = 0
    start = time.perf_counter()
    for c in chosen:
        res, seconds = run_check(c)
        failed += not res.passed
        status = "PASS" if res.passed else "FAIL"
        print(f"{res.name:<{width}}  {status}  {res.compared}  ({seconds:.2f} s)", flush=True)
        if args.verbose and res.detail:
            for part in res.detail.split("; "):
                print(f"    {part}")
    total = len(chosen)
    print(f"total time {time.perf_counter() - start:.1f} s")
    print(f"{total} checks: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
