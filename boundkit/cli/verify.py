"""``python -m boundkit verify``: proof checks, bound sweep and every construction over a grid
(upper >= empirical >= lower), with the central claim; exit 1 if any check fails."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from boundkit.cli import arguments as cli
from boundkit.cli import output

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Executor

    from boundkit.checks.bound_sweep import SweepResult
    from boundkit.checks.grid import Grid
    from boundkit.checks.verify import Record
    from proofs_check.core import CheckResult


def register_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check upper >= empirical >= lower for every construction over a grid",
        description="Run the symbolic proof checks, evaluate every registered bound on the "
        "grid, simulate every lower-bound construction and check upper >= empirical >= lower "
        "and empirical == closed form at the working precision. Exit 1 if any check fails.",
    )
    p.add_argument("--quick", action="store_true", help="a small grid (seconds)")
    cli.dps_argument(p)
    p.add_argument("--json", default=None, metavar="PATH", help="one JSON record per check")
    p.add_argument("--markdown", default=None, metavar="PATH", help="markdown report")
    p.add_argument(
        "--workers",
        type=cli.integer("workers", 1),
        default=1,
        help="local worker processes (default 1)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask distributed cluster (needs boundkit[distributed])",
    )
    p.add_argument(
        "--construction",
        action="append",
        default=None,
        metavar="NAME",
        help="only this construction (repeatable)",
    )
    p.add_argument("--no-proofs", action="store_true", help="skip the symbolic proof checks")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from boundkit.checks.central_claim import central_claim
    from boundkit.checks.grid import DEFAULT_GRID, QUICK_GRID
    from boundkit.outputs import report, summary
    from boundkit.parallel import process_pool

    grid = QUICK_GRID if args.quick else DEFAULT_GRID
    names = cli.construction_names(args.construction)
    print(f"grid: {grid.describe()}")
    print(f"precision: {args.dps} digits, relative tolerance 1e-{args.dps - 10}")
    with process_pool(args.workers if args.scheduler is None else 1) as pool:
        proof_lines, sweep, records = _verify_phases(args, grid, names, pool)
    failed = sum(line.startswith("FAIL") for line in proof_lines)
    failed += len(sweep.problems)
    claim = central_claim(records, dps=args.dps)
    records = records + claim
    rows = summary.summarize(records)
    print(summary.table(rows))
    for line in summary.failures(records):
        print(line)
    failed += sum(r.status != "PASS" for r in records)
    if args.json:
        output.write(args.json, json.dumps([r.as_dict() for r in records], indent=1) + "\n")
    if args.markdown:
        text = report.verification_markdown(grid, args.dps, rows, records, sweep, proof_lines)
        output.write(args.markdown, text)
    print(f"{len(records)} construction checks, {failed} failures")
    return cli.EXIT_FAILED if failed else cli.EXIT_OK


def _verify_phases(
    args: argparse.Namespace,
    grid: Grid,
    names: tuple[str, ...] | None,
    pool: Executor | None,
) -> tuple[list[str], SweepResult, list[Record]]:
    """Proof checks, bound sweep and construction cases, all on one ``pool`` (so worker
    caches carry over from one phase to the next); prints as it goes."""
    from boundkit.checks.bound_sweep import bound_sweep
    from boundkit.checks.grid import plan
    from boundkit.checks.verify import run_cases

    proofs = None if args.no_proofs else _start_proofs(pool)  # runs beside the sweep
    sweep = bound_sweep(grid, workers=args.workers, scheduler=args.scheduler, pool=pool)
    proof_lines = [] if proofs is None else _report_proofs(proofs())
    print(
        f"bound sweep: {sweep.evaluated} evaluations finite and positive, "
        f"{len(sweep.problems)} problems, {sweep.skipped} outside hypotheses"
    )
    for line in sweep.problems[:20]:
        print(f"  FAIL {line}")
    records = run_cases(
        plan(grid, names),
        dps=args.dps,
        workers=args.workers,
        scheduler=args.scheduler,
        pool=pool,
        progress=output.progress(not args.no_progress, "verify"),
    )
    return proof_lines, sweep, records


def _start_proofs(pool: Executor | None) -> Callable[[], list[CheckResult]]:
    """Start the symbolic checks of :mod:`proofs_check` on ``pool`` (now, in the
    background) or serially; the returned function gives their results in order."""
    from proofs_check.checks import CHECKS, run_check_at

    if pool is None:
        results = [run_check_at(i) for i in range(len(CHECKS))]
        return lambda: results
    futures = [pool.submit(run_check_at, i) for i in range(len(CHECKS))]
    return lambda: [future.result() for future in futures]


def _report_proofs(results: list[CheckResult]) -> list[str]:
    """Print the proof checks' summary; their lines (a failed one starts with ``FAIL``)."""
    lines = [f"{'PASS' if r.passed else 'FAIL'}  {r.name}: {r.compared}" for r in results]
    failures = sum(not r.passed for r in results)
    print(f"proof checks: {len(results) - failures}/{len(results)} passed")
    for r in results:
        if not r.passed:
            print(f"  FAIL {r.name}: {r.compared} {r.detail}")
    return lines
