"""Subcommands of ``python -m boundkit``: argument wiring and thin handlers.

Each ``register_*`` adds one subparser whose ``handler`` returns an exit status.  The
work itself lives in the concept modules (:mod:`boundkit.checks.verify`,
:mod:`boundkit.outputs.rate_table`, ...); this module only reads arguments and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from boundkit.cli import arguments as cli
from boundkit.errors import ParameterError

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Executor

    from boundkit.checks.verify import Grid, Record, SweepResult
    from proofs_check.core import CheckResult


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
    from boundkit.outputs import rate_table

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
    from boundkit.bounds import theorems

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
    from boundkit.checks import verify
    from boundkit.outputs import report, summary
    from boundkit.parallel import process_pool

    grid = verify.QUICK_GRID if args.quick else verify.DEFAULT_GRID
    names = _construction_names(args.construction)
    print(f"grid: {grid.describe()}")
    print(f"precision: {args.dps} digits, relative tolerance 1e-{args.dps - 10}")
    with process_pool(args.workers if args.scheduler is None else 1) as pool:
        proof_lines, sweep, records = _verify_phases(args, grid, names, pool)
    failed = sum(line.startswith("FAIL") for line in proof_lines)
    failed += len(sweep.problems)
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


def _verify_phases(
    args: argparse.Namespace,
    grid: Grid,
    names: tuple[str, ...] | None,
    pool: Executor | None,
) -> tuple[list[str], SweepResult, list[Record]]:
    """Proof checks, bound sweep and construction cases, all on one ``pool`` (so worker
    caches carry over from one phase to the next); prints as it goes."""
    from boundkit.checks import verify

    proofs = None if args.no_proofs else _start_proofs(pool)  # runs beside the sweep
    sweep = verify.bound_sweep(grid, workers=args.workers, scheduler=args.scheduler, pool=pool)
    proof_lines = [] if proofs is None else _report_proofs(proofs())
    print(
        f"bound sweep: {sweep.evaluated} evaluations finite and positive, "
        f"{len(sweep.problems)} problems, {sweep.skipped} outside hypotheses"
    )
    for line in sweep.problems[:20]:
        print(f"  FAIL {line}")
    records = verify.run_cases(
        verify.plan(grid, names),
        dps=args.dps,
        workers=args.workers,
        scheduler=args.scheduler,
        pool=pool,
        progress=_progress(not args.no_progress, "verify"),
    )
    return proof_lines, sweep, records


def _construction_names(requested: list[str] | None) -> tuple[str, ...] | None:
    if not requested:
        return None
    from constructions import CONSTRUCTIONS

    for name in requested:
        if name not in CONSTRUCTIONS:
            raise ParameterError("construction", "one of " + ", ".join(CONSTRUCTIONS), name)
    return tuple(requested)


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
    from boundkit.checks import verify

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


# --------------------------------------------------------------------------- rates
def register_rates(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rates",
        help="fit the exponent of the instability in f/n against the theory",
        description="Fit instability = c0 + c1 x^p on the constructions (x = f/(n-f) for "
        "poisoning, f/(n-2f) for Byzantine) at growing n; PASS when |p - theory| <= 0.05.",
    )
    p.add_argument("--format", choices=("markdown", "latex"), default="markdown")
    p.add_argument("--json", default=None, metavar="PATH", help="write the fits as JSON")
    p.add_argument(
        "--n",
        type=cli.integer("n", 7),
        action="append",
        default=None,
        help="worker counts (repeatable; default 101 and 1001)",
    )
    cli.dps_argument(p)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_rates)


def compute_rates(ns: tuple[int, ...], dps: int, progress: bool):
    from boundkit.checks import rates

    params = rates.SeriesParameters(dps=dps)
    return rates.fit_all(ns, params, progress=_progress(progress, "rates"))


def run_rates(args: argparse.Namespace) -> int:
    from boundkit.checks import rates

    fits = compute_rates(tuple(args.n or (101, 1001, 3001)), args.dps, not args.no_progress)
    sys.stdout.write(rates.render(fits, args.format))
    if args.json:
        _write(args.json, json.dumps(rates.as_records(fits), indent=1) + "\n")
    failed = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if failed else cli.EXIT_OK


# --------------------------------------------------------------------------- figure
def register_figure(sub: argparse._SubParsersAction) -> None:
    from boundkit.outputs.figure import FigureParameters

    d = FigureParameters()
    p = sub.add_parser(
        "figure",
        help="Figure 1: generalization error against f, poisoning vs Byzantine",
        description="Exact generalization error in the Lemma 4.1 setting under worst-case "
        "poisoning and the tailored Byzantine attack, with the scaled theory curves.",
    )
    p.add_argument("--n", type=cli.integer("n", 5), default=d.n, help=f"workers (default {d.n})")
    p.add_argument("--T", type=cli.integer("T", 1), default=d.T, help=f"iterations ({d.T})")
    p.add_argument(
        "--step-size",
        type=cli.exact_number("step_size"),
        default=d.step_size,
        help=f"step size gamma (default {d.step_size})",
    )
    p.add_argument(
        "--lipschitz",
        type=cli.exact_number("lipschitz"),
        default=d.lipschitz,
        help=f"Lipschitz constant L (default {d.lipschitz})",
    )
    p.add_argument("--log", action="store_true", help="logarithmic y axis")
    p.add_argument("--out", default="reports/figure1.png", help="PNG path")
    p.add_argument("--csv", default=None, metavar="PATH", help="also write the data as CSV")
    cli.dps_argument(p)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_figure)


def make_figure(params, out: str, csv_path: str | None, log: bool, progress: bool) -> list:
    from boundkit.outputs import figure

    _check_parent(out)
    if csv_path:
        _check_parent(csv_path)
    print(f"figure 1: {params.describe()}", file=sys.stderr)
    points = figure.compute(params, progress=_progress(progress, "figure"))
    figure.plot(points, params, out, log=log)
    print(f"wrote {out}", file=sys.stderr)
    if csv_path:
        _write(csv_path, figure.to_csv(points))
    below = [p.f for p in points if not p.byzantine_above]
    if below:
        print(f"Byzantine curve not above poisoning at f = {below}", file=sys.stderr)
    return points


def _check_parent(path: str) -> None:
    parent = Path(path).parent
    if not parent.exists():
        raise ParameterError("out", "a path in an existing directory", path)


def run_figure(args: argparse.Namespace) -> int:
    from boundkit.config import Setting
    from boundkit.outputs.figure import FigureParameters

    if args.step_size <= 0:
        raise ParameterError("step_size", "step_size > 0", args.step_size)
    if args.lipschitz <= 0:
        raise ParameterError("lipschitz", "lipschitz > 0", args.lipschitz)
    Setting(n=args.n, f=1, T=args.T, step_size=args.step_size, lipschitz=args.lipschitz)
    params = FigureParameters(
        n=args.n, T=args.T, step_size=args.step_size, lipschitz=args.lipschitz, dps=args.dps
    )
    make_figure(params, args.out, args.csv, args.log, not args.no_progress)
    return cli.EXIT_OK


# --------------------------------------------------------------------------- report
def register_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="regenerate Table 1, the fits, the verification report and Figure 1 in reports/",
        description="Regenerate reports/: rates.md and rates.tex (Table 1), fits.md (fitted "
        "exponents), verification.md (default verify grid), figure1.png and figure1.csv.",
    )
    p.add_argument("--directory", default="reports", help="output directory (default reports)")
    p.add_argument("--workers", type=cli.integer("workers", 1), default=1)
    p.add_argument("--quick", action="store_true", help="quick verify grid (for tests)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from boundkit.checks import rates
    from boundkit.outputs import rate_table
    from boundkit.outputs.figure import FigureParameters

    out = Path(args.directory)
    if not out.is_dir():
        raise ParameterError("directory", "an existing directory", args.directory)
    progress = not args.no_progress
    _write(str(out / "rates.md"), rate_table.render("markdown"))
    _write(str(out / "rates.tex"), rate_table.render("latex"))
    fits = compute_rates((101, 1001, 3001), 50, progress)
    _write(str(out / "fits.md"), "# Fitted exponents\n\n" + rates.render(fits, "markdown"))
    make_figure(
        FigureParameters(),
        str(out / "figure1.png"),
        str(out / "figure1.csv"),
        log=False,
        progress=progress,
    )
    verify_args = argparse.Namespace(
        quick=args.quick,
        dps=50,
        json=None,
        markdown=str(out / "verification.md"),
        workers=args.workers,
        scheduler=None,
        construction=None,
        no_proofs=False,
        no_progress=not progress,
    )
    status = run_verify(verify_args)
    failed_fits = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if status or failed_fits else cli.EXIT_OK


# --------------------------------------------------------------------------- attack-search
def _int_list(name: str, minimum: int):
    """Parse ``20,40,100`` as a list of integers ``>= minimum``."""

    def parse(text: str) -> list[int]:
        parse_one = cli.integer(name, minimum)
        return [parse_one(part) for part in text.split(",")]

    return parse


def register_attack_search(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "attack-search",
        help="search the worst-case Byzantine attack on SMEA (per-step divergence)",
        description="Maximise ||SMEA(H u B) - SMEA(H' u B')|| over honest configurations in "
        "the L-ball (up to three distinct vectors, one changed worker, m = 1) and "
        "run-dependent Byzantine vectors, in d = 1 and 2; re-evaluate the best exactly, "
        "fit its exponent in f/(n-f) and plot it beside the B1/B2/B3 pushes and eqs. (2), (5).",
    )
    p.add_argument(
        "--d",
        type=int,
        choices=(1, 2),
        action="append",
        default=None,
        help="dimension (repeatable; default 1 and 2)",
    )
    p.add_argument("--ns", type=_int_list("ns", 5), default=[20, 40, 100], help="e.g. 20,40,100")
    p.add_argument("--seed", type=cli.integer("seed", 0), default=0)
    p.add_argument("--restarts", type=cli.integer("restarts", 0), default=10)
    p.add_argument(
        "--evaluations", type=cli.integer("evaluations", 1), default=500, help="per climb"
    )
    p.add_argument("--out", default="reports/attack_search.png", help="PNG path")
    p.add_argument("--csv", default=None, metavar="PATH", help="the table as CSV")
    p.add_argument("--json", default=None, metavar="PATH", help="the certificates as JSON")
    p.add_argument("--markdown", default=None, metavar="PATH", help="table and fits")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_attack_search)


def _attack_search_command(args: argparse.Namespace) -> str:
    parts = ["python -m boundkit attack-search"]
    parts += [f"--d {d}" for d in args.d or (1, 2)]
    parts.append("--ns " + ",".join(map(str, args.ns)))
    parts += [f"--seed {args.seed}", f"--restarts {args.restarts}"]
    parts += [f"--evaluations {args.evaluations}", f"--out {args.out}"]
    parts += [f"--{k} {v}" for k in ("csv", "json", "markdown") if (v := getattr(args, k))]
    return " ".join(parts)


def run_attack_search(args: argparse.Namespace) -> int:
    from boundkit.labs import attack_search as search

    for path in (args.out, args.csv, args.json, args.markdown):
        if path:
            _check_parent(path)
    settings = search.SearchSettings(
        restarts=args.restarts, evaluations=args.evaluations, seed=args.seed
    )
    problems = search.plan(args.ns, tuple(args.d or (1, 2)))
    wrap = _progress(not args.no_progress, "attack-search")
    rows = [search.row(problem, settings) for problem in wrap(problems, len(problems))]
    fits = search.fit_exponents(rows)
    search.plot(rows, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    text = search.to_markdown(rows, fits, settings, _attack_search_command(args))
    _write(args.markdown or "-", text)
    if args.csv:
        _write(args.csv, search.to_csv(rows))
    if args.json:
        _write(args.json, json.dumps(search.certificates_json(rows), indent=1) + "\n")
    return cli.EXIT_OK


# --------------------------------------------------------------------------- kappa
def register_kappa(sub: argparse._SubParsersAction) -> None:
    from boundkit.labs.kappa_lab import RULES

    p = sub.add_parser(
        "kappa",
        help="search for the largest robustness ratio of a rule (Def. 2.2), with certificate",
        description="Search inputs and honest sets S for the largest ratio "
        "||F(x) - mean_S||^2 / lambda_max(Sigma_S) of an aggregation rule (structured "
        "families, then random restarts with scipy), evaluate it exactly and compare it with "
        "the claimed coefficient and the universal lower bound f/(n-2f). --replay re-evaluates "
        "a certificate; --table writes reports/kappa.md. Exit 1 when a certificate exceeds "
        "the claimed coefficient or a replay does not reproduce.",
    )
    p.add_argument("--rule", default=None, help="one of " + ", ".join(RULES))
    p.add_argument("--n", type=cli.integer("n", 1), default=None, help="workers [n]")
    p.add_argument("--f", type=cli.integer("f", 0), default=None, help="misbehaving [f]")
    p.add_argument("--d", type=cli.integer("d", 1), default=1, help="dimension (default 1)")
    p.add_argument(
        "--restarts",
        type=cli.integer("restarts", 0),
        default=None,
        help="random restarts (default: the table's budget for this n)",
    )
    p.add_argument("--seed", type=cli.integer("seed", 0), default=0, help="seed (default 0)")
    cli.dps_argument(p)
    p.add_argument("--json", default=None, metavar="PATH", help="write the certificate")
    p.add_argument("--replay", default=None, metavar="PATH", help="re-evaluate a certificate")
    p.add_argument("--table", action="store_true", help="write the table (reports/kappa.md)")
    p.add_argument("--output", default="reports/kappa.md", help="table path (with --table)")
    p.add_argument("--workers", type=cli.integer("workers", 1), default=2, help="table workers")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (--table)")
    p.set_defaults(handler=run_kappa)


def _kappa_summary(found, dps: int) -> list[str]:
    from boundkit.labs import kappa_lab

    cert, ev = found.certificate, found.evaluation
    n, f, d = cert.n, cert.f, cert.d
    claim = kappa_lab.claim_for(cert.rule)
    bound = claim.bound(n, f, d)
    lower = kappa_lab.universal_lower(n, f)
    lines = [
        f"rule: {cert.rule} (n={n}, f={f}, d={d})",
        f"best ratio: {cert.ratio} = {mpmath_str(ev.value, dps)}"
        + ("" if ev.output_exact else " (rule output not exact: see the module docstring)"),
        f"trace-form ratio: {ev.trace_ratio}",
        f"universal lower bound f/(n-2f): {lower}" if 2 * f < n and f else "",
        f"claim: {_claim_text(claim, n, f, d)} -- {claim.source}",
        f"compared with the claim: {kappa_lab.compare(ev.value, bound, dps)}",
        f"found by: {cert.family}; searched: {', '.join(found.families)}"
        + (f"; skipped: {'; '.join(found.skipped)}" if found.skipped else ""),
        f"float screens: {found.screens}, {found.seconds:.2f} s",
    ]
    return [line for line in lines if line]


def _claim_text(claim, n: int, f: int, d: int) -> str:
    bound = claim.bound(n, f, d)
    if bound is None:
        return "none"
    if claim.form == "trace":
        return f"{bound} in the lambda_max form (trace-form value {claim.trace_bound(n, f)} x d)"
    return f"{bound} ({claim.form})"


def mpmath_str(value, dps: int) -> str:
    import mpmath

    return mpmath.nstr(value, min(dps, 30))


def _run_kappa_table(args: argparse.Namespace) -> int:
    from boundkit.outputs import kappa_report

    _check_parent(args.output)
    command = f"python -m boundkit kappa --table --workers {args.workers} --seed {args.seed}"
    report = kappa_report.generate(
        seed=args.seed,
        dps=args.dps,
        workers=args.workers,
        command=command,
        progress=_progress(not args.no_progress, "kappa"),
    )
    _write(args.output, report.text)
    return cli.EXIT_FAILED if report.failed else cli.EXIT_OK


def _run_kappa_replay(args: argparse.Namespace) -> int:
    from boundkit.labs import kappa_lab

    path = Path(args.replay)
    if not path.is_file():
        raise ParameterError("replay", "an existing certificate file", args.replay)
    cert = kappa_lab.Certificate.from_json(path.read_text())
    result = kappa_lab.replay(cert, dps=args.dps)
    print(f"rule: {cert.rule} (n={cert.n}, f={cert.f}, d={cert.d})")
    print(f"recorded ratio: {cert.ratio}")
    print(f"replayed ratio: {kappa_lab.ratio_text(result.evaluation.ratio)}")
    print(f"            = {mpmath_str(result.evaluation.value, args.dps)}")
    print("reproduced exactly" if result.reproduced else "NOT reproduced")
    return cli.EXIT_OK if result.reproduced else cli.EXIT_FAILED


def run_kappa(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from boundkit.labs import kappa_lab

    if args.table:
        return _run_kappa_table(args)
    if args.replay:
        return _run_kappa_replay(args)
    if args.rule is None or args.n is None or args.f is None:
        raise ParameterError("rule, n, f", "all given (or --replay PATH, or --table)")
    spec = kappa_lab.resolve_rule(args.rule)
    kappa_lab.check_parameters(args.n, args.f, args.d)
    if args.json:
        _check_parent(args.json)
    budget = kappa_lab.table_budget(args.n)
    if args.restarts is not None:
        budget = replace(budget, restarts=args.restarts)
    found = kappa_lab.search(
        spec, args.n, args.f, args.d, budget=budget, seed=args.seed, dps=args.dps
    )
    print("\n".join(_kappa_summary(found, args.dps)))
    if args.json:
        _write(args.json, found.certificate.to_json())
    else:
        print("certificate:")
        sys.stdout.write(found.certificate.to_json())
    bound = kappa_lab.claim_for(spec.name).bound(args.n, args.f, args.d)
    exceeded = kappa_lab.compare(found.evaluation.value, bound, args.dps) == "exceeds"
    return cli.EXIT_FAILED if exceeded else cli.EXIT_OK


REGISTERED = [
    register_verify,
    register_table,
    register_simulate,
    register_rates,
    register_figure,
    register_report,
    register_kappa,
    register_attack_search,
]
