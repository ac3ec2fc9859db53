"""Subcommands of ``python -m boundkit``: argument wiring and thin handlers.

Each ``register_*`` adds one subparser whose ``handler`` returns an exit status.  The
work itself lives in the concept modules (:mod:`boundkit.verify`,
:mod:`boundkit.rate_table`, ...); this module only reads arguments and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from boundkit import cli
from boundkit.errors import ParameterError


def _write(path: str | None, text: str) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise ParameterError("output", "a path in an existing directory", path)
    target.write_text(text)
    print(f"wrote {target}", file=sys.stderr)


def _progress(enabled: bool, description: str):
    """A tqdm wrapper over an iterable of known length (no-op when disabled)."""

    def wrap(iterable, total: int):
        if not enabled:
            return iterable
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=description, unit="case", file=sys.stderr)

    return wrap


# --------------------------------------------------------------------------- table
def register_table(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "table",
        help="Table 1: upper and lower rates by regime and threat model",
        description="Print Table 1 of the paper (rates as SymPy expressions) in markdown or "
        "LaTeX; with --n and --f, add columns with the registered bounds evaluated there.",
    )
    p.add_argument("--format", choices=("markdown", "latex"), default="markdown")
    p.add_argument("--output", "-o", default=None, help="write to FILE instead of stdout")
    cli.add_setting_arguments(p)
    cli.dps_argument(p)
    p.set_defaults(handler=run_table)


def run_table(args: argparse.Namespace) -> int:
    from boundkit import rate_table

    params = None
    if args.n is not None or args.f is not None:
        if args.n is None or args.f is None:
            raise ParameterError("n, f", "both given for numeric columns")
        params = cli.setting_from(args).as_dict()
        _require_step_rule(params)
    _write(args.output, rate_table.render(args.format, params, dps=args.dps))
    return cli.EXIT_OK


def _require_step_rule(params: dict) -> None:
    """The convex bounds need gamma <= 2/beta: refuse numbers that break it."""
    from boundkit import theorems

    theorems.check_hypotheses(theorems.get("thm3.3/convex"), params)


# --------------------------------------------------------------------------- verify
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
    from boundkit import report, summary, verify

    grid = verify.QUICK_GRID if args.quick else verify.DEFAULT_GRID
    names = _construction_names(args.construction)
    print(f"grid: {grid.describe()}")
    print(f"precision: {args.dps} digits, relative tolerance 1e-{args.dps - 10}")
    failed = 0
    proof_lines: list[str] = []
    if not args.no_proofs:
        proof_lines, proof_failures = _run_proofs()
        failed += proof_failures
    sweep = verify.bound_sweep(grid)
    print(
        f"bound sweep: {sweep.evaluated} evaluations finite and positive, "
        f"{len(sweep.problems)} problems, {sweep.skipped} outside hypotheses"
    )
    for line in sweep.problems[:20]:
        print(f"  FAIL {line}")
    failed += len(sweep.problems)
    cases = verify.plan(grid, names)
    records = verify.run_cases(
        cases,
        dps=args.dps,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=_progress(not args.no_progress, "verify"),
    )
    claim = verify.central_claim(records, dps=args.dps)
    records = records + claim
    rows = summary.summarize(records)
    print(summary.table(rows))
    for line in summary.failures(records):
        print(line)
    failed += sum(r.status != "PASS" for r in records)
    if args.json:
        _write(args.json, json.dumps([r.as_dict() for r in records], indent=1) + "\n")
    if args.markdown:
        text = report.verification_markdown(grid, args.dps, rows, records, sweep, proof_lines)
        _write(args.markdown, text)
    print(f"{len(records)} construction checks, {failed} failures")
    return cli.EXIT_FAILED if failed else cli.EXIT_OK


def _construction_names(requested: list[str] | None) -> tuple[str, ...] | None:
    if not requested:
        return None
    from constructions import CONSTRUCTIONS

    for name in requested:
        if name not in CONSTRUCTIONS:
            raise ParameterError("construction", "one of " + ", ".join(CONSTRUCTIONS), name)
    return tuple(requested)


def _run_proofs() -> tuple[list[str], int]:
    """Run the symbolic checks of :mod:`proofs_check`; print and return their lines."""
    from proofs_check import run_checks

    results = run_checks()
    lines = [f"{'PASS' if r.passed else 'FAIL'}  {r.name}: {r.compared}" for r in results]
    failures = sum(not r.passed for r in results)
    print(f"proof checks: {len(results) - failures}/{len(results)} passed")
    for r in results:
        if not r.passed:
            print(f"  FAIL {r.name}: {r.compared} {r.detail}")
    return lines, failures


# --------------------------------------------------------------------------- simulate
def register_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="run one construction at given parameters",
        description="Build one lower-bound construction, simulate both runs and print the "
        "final parameters, the gap, the stability reached, its closed form and the bounds.",
    )
    p.add_argument(
        "--construction", required=True, metavar="NAME", help="P1, P2, P3, B1, B2 or tailored"
    )
    cli.add_setting_arguments(p, required=True)
    cli.dps_argument(p)
    p.add_argument("--json", action="store_true", help="print one JSON record")
    p.set_defaults(handler=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    from boundkit import verify

    (name,) = _construction_names([args.construction])
    from constructions import CONSTRUCTIONS

    setting = cli.setting_from(args)
    reason = CONSTRUCTIONS[name].applies(setting)
    if reason is not None:
        raise ParameterError("construction", f"{name} defined at these parameters: {reason}")
    record = verify.run_case(verify.Case(name, setting), dps=args.dps)
    if args.json:
        print(json.dumps(record.as_dict(), indent=1))
    else:
        for key, value in record.as_dict().items():
            if key == "extras":
                for extra, text in value.items():
                    print(f"{extra:>16}: {text}")
            else:
                print(f"{key:>16}: {value}")
    return cli.EXIT_OK if record.status == "PASS" else cli.EXIT_FAILED


REGISTERED = [register_verify, register_table, register_simulate]
