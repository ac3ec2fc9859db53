"""``python -m boundkit verify``: proof checks, bound sweep and every construction over a grid
(upper >= empirical >= lower), with the central claim; exit 1 if any check fails."""

from __future__ import annotations

import argparse
import re
import socket
from typing import TYPE_CHECKING

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError

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
        "and empirical == closed form, each decided exactly, algebraically, by refined arb "
        "balls or (Monte Carlo) by a rigorous confidence interval; never by a tolerance. "
        "Exit 1 if any check fails or is UNDECIDED.",
        epilog=limits.epilog(("dps", limits.VERIFY_DPS), ("workers", limits.WORKERS))
        + " --scheduler is checked with a connection before any work.",
    )
    p.add_argument("--quick", action="store_true", help="a small grid (seconds)")
    cli.dps_argument(p, limits.VERIFY_DPS)
    p.add_argument(
        "--json",
        type=cli.path("json"),
        default=None,
        metavar="PATH",
        help="one JSON record per check",
    )
    p.add_argument(
        "--markdown",
        type=cli.path("markdown"),
        default=None,
        metavar="PATH",
        help="markdown report",
    )
    p.add_argument(
        "--workers",
        type=cli.integer("workers", 1, limits.WORKERS),
        default=1,
        help=f"local worker processes (default 1; {limits.WORKERS.help('workers')})",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask distributed cluster at tcp://HOST:PORT (needs "
        "boundkit[distributed]; checked with a connection before any work)",
    )
    p.add_argument(
        "--construction",
        action="append",
        default=None,
        metavar="NAME",
        help=cli.lazy(lambda: "only this construction (repeatable): " + cli.construction_help()),
    )
    p.add_argument("--no-proofs", action="store_true", help="skip the symbolic proof checks")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_verify)


_ADDRESS = re.compile(r"(?:tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]{1,253}):([0-9]{1,5})")
#: Seconds allowed for the connection that checks ``--scheduler`` before any work.
SCHEDULER_TIMEOUT = 5


def check_scheduler(address: str) -> None:
    """``--scheduler``: the address grammar, the optional extra, and a TCP connection."""
    match = _ADDRESS.fullmatch(address)
    if match is None or not 1 <= int(match.group(2)) <= 65535:
        raise ParameterError("scheduler", "an address tcp://HOST:PORT", address)
    try:
        import distributed  # noqa: F401
    except ImportError:
        rule = "the 'distributed' extra installed: pip install 'boundkit[distributed]'"
        raise ParameterError("scheduler", rule, address) from None
    host, port = match.group(1).strip("[]"), int(match.group(2))
    try:
        socket.create_connection((host, port), timeout=SCHEDULER_TIMEOUT).close()
    except OSError as error:
        rule = f"a Dask scheduler accepting connections (checked for {SCHEDULER_TIMEOUT} s)"
        reason = error.strerror or type(error).__name__
        raise ParameterError("scheduler", rule, f"{address}: {reason}") from None


def check_verify_arguments(args: argparse.Namespace) -> None:
    """Everything ``verify`` reads, checked before any work."""
    cli.construction_names(args.construction)
    if args.json:
        output.check_output("json", args.json)
    if args.markdown:
        output.check_output("markdown", args.markdown)
    output.check_distinct(json=args.json, markdown=args.markdown)
    if args.scheduler is not None:
        check_scheduler(args.scheduler)


def run_verify(args: argparse.Namespace) -> int:
    check_verify_arguments(args)
    files = output.Outputs()
    status = verify_to(args, files)
    files.commit()
    return status


def verify_to(args: argparse.Namespace, files: output.Outputs) -> int:
    """Run verify (arguments already checked) and stage its files on ``files``."""
    from boundkit.checks.central_claim import central_claim
    from boundkit.checks.grid import DEFAULT_GRID, QUICK_GRID
    from boundkit.checks.verify import FAMILY_FAILURE_PROBABILITY, decision_policy
    from boundkit.outputs import report, summary
    from boundkit.parallel import process_pool

    grid = QUICK_GRID if args.quick else DEFAULT_GRID
    names = cli.construction_names(args.construction)
    print(f"grid: {grid.describe()}")
    print(decision_policy(args.dps))
    with process_pool(args.workers if args.scheduler is None else 1) as pool:
        proofs, sweep, records = _verify_phases(args, grid, names, pool)
    proof_lines = [] if proofs is None else [_proof_line(r) for r in proofs]
    failed = sum(line.startswith("FAIL") for line in proof_lines)
    failed += len(sweep.problems)
    claim = central_claim(records, dps=args.dps)
    records = records + claim
    rows = summary.summarize(records)
    print(summary.table(rows))
    for line in summary.failures(records):
        print(line)
    print(summary.statistical_line(records, FAMILY_FAILURE_PROBABILITY))
    failed += sum(r.status != "PASS" for r in records)
    if args.json:
        files.text("json", args.json, _verify_json(args, grid, proofs, sweep, records))
    if args.markdown:
        text = report.verification_markdown(grid, args.dps, rows, records, sweep, proof_lines)
        files.text("markdown", args.markdown, text)
    print(f"{len(records)} construction checks, {failed} failures")
    return cli.EXIT_FAILED if failed else cli.EXIT_OK


def _verify_phases(
    args: argparse.Namespace,
    grid: Grid,
    names: tuple[str, ...] | None,
    pool: Executor | None,
) -> tuple[list[CheckResult] | None, SweepResult, list[Record]]:
    """Proof checks (``None`` with ``--no-proofs``), bound sweep and construction cases, all
    on one ``pool`` (so worker caches carry over from one phase to the next); prints as it
    goes."""
    from boundkit.checks.bound_sweep import bound_sweep
    from boundkit.checks.grid import plan
    from boundkit.checks.verify import run_cases

    proofs = None if args.no_proofs else _start_proofs(pool)  # runs beside the sweep
    sweep = bound_sweep(grid, workers=args.workers, scheduler=args.scheduler, pool=pool)
    proof_results = None if proofs is None else proofs()
    if proof_results is not None:
        _report_proofs(proof_results)
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
    return proof_results, sweep, records


def _start_proofs(pool: Executor | None) -> Callable[[], list[CheckResult]]:
    """Start the symbolic checks of :mod:`proofs_check` on ``pool`` (now, in the
    background) or serially; the returned function gives their results in order."""
    from proofs_check.checks import CHECKS, run_check_at

    if pool is None:
        results = [run_check_at(i) for i in range(len(CHECKS))]
        return lambda: results
    futures = [pool.submit(run_check_at, i) for i in range(len(CHECKS))]
    return lambda: [future.result() for future in futures]


def _proof_line(result: CheckResult) -> str:
    """One proof check as a line of the report (a failed one starts with ``FAIL``)."""
    return f"{'PASS' if result.passed else 'FAIL'}  {result.name}: {result.compared}"


def _report_proofs(results: list[CheckResult]) -> None:
    """Print the proof checks' summary and every failure."""
    failures = sum(not r.passed for r in results)
    print(f"proof checks: {len(results) - failures}/{len(results)} passed")
    for r in results:
        if not r.passed:
            print(f"  FAIL {r.name}: {r.compared} {r.detail}")


def _verify_json(
    args: argparse.Namespace,
    grid: Grid,
    proofs: list[CheckResult] | None,
    sweep: SweepResult,
    records: list[Record],
) -> str:
    """The ``boundkit.verify`` document (docs/schemas/verify.schema.json); the same bytes
    whatever ``--workers`` or ``--scheduler`` (they are not recorded)."""
    from boundkit.checks.verify import FAMILY_FAILURE_PROBABILITY
    from boundkit.json_document import dumps, rational_text
    from boundkit.outputs.verify_json import verify_document

    names = cli.construction_names(args.construction)
    parameters = {
        "quick": bool(args.quick),
        "dps": args.dps,
        "construction": None if names is None else list(names),
        "no_proofs": bool(args.no_proofs),
        "grid": grid.describe(),
        "family_failure_probability": rational_text(FAMILY_FAILURE_PROBABILITY),
    }
    return dumps(
        verify_document(parameters=parameters, proofs=proofs, sweep=sweep, records=records)
    )
