"""``python -m boundkit kappa``: the largest robustness ratio of a rule (Def. 2.2) found by
search, with its certificate; ``--replay`` and ``--table``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError

#: The three modes, shown in the usage line (argparse cannot express "required in one mode").
_USAGE = (
    "%(prog)s --rule RULE --n N --f F [--d D] [--restarts R] [--seed S] [--dps DPS] "
    "[--json PATH]\n"
    "       %(prog)s --replay PATH [--dps DPS]\n"
    "       %(prog)s --table [--output PATH] [--workers K] [--seed S] [--dps DPS] "
    "[--no-progress]"
)


def _rule_help() -> str:
    from boundkit.labs.kappa.rules import RULES

    return "the rule, required for a search: " + cli.one_of(RULES)


def register_kappa(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "kappa",
        usage=_USAGE,
        help="search for the largest robustness ratio of a rule (Def. 2.2), with certificate",
        description="Three modes: a search (--rule, --n and --f required), --replay PATH or "
        "--table. Search inputs and honest sets S for the largest ratio "
        "||F(x) - mean_S||^2 / lambda_max(Sigma_S) of an aggregation rule (structured "
        "families, then random restarts with scipy), evaluate it exactly and compare it with "
        "the claimed coefficient and the universal lower bound f/(n-2f). --replay re-evaluates "
        "a certificate; --table writes reports/kappa.md. Exit 1 when a certificate exceeds "
        "the claimed coefficient or a replay does not reproduce.",
        epilog=limits.epilog(
            ("n", limits.KAPPA_N),
            ("n for krum, multikrum in d = 1", limits.KAPPA_KRUM_N),
            ("n for krum, multikrum in d > 1", limits.KAPPA_KRUM_N_2D),
            ("d", limits.KAPPA_D),
            ("restarts", limits.KAPPA_RESTARTS),
            ("dps", limits.KAPPA_DPS),
            ("workers", limits.WORKERS),
        )
        + f" A certificate (--replay) is read by a strict schema: at most "
        f"{limits.CERTIFICATE_BYTES:,} bytes, n <= {limits.KAPPA_N.maximum}, "
        f"d <= {limits.KAPPA_D.maximum}, numbers as JSON integers or 'p/q' strings.",
    )
    p.add_argument(
        "--rule",
        default=None,
        help=cli.lazy(_rule_help),
    )
    p.add_argument(
        "--n",
        type=cli.integer("n", 1, limits.KAPPA_N),
        default=None,
        help=f"workers [n], required for a search ({limits.KAPPA_N.help('n')})",
    )
    p.add_argument(
        "--f",
        type=cli.integer("f", 0, limits.KAPPA_N),
        default=None,
        help="misbehaving workers [f], 0 <= f < n/2, required for a search",
    )
    p.add_argument(
        "--d",
        type=cli.integer("d", 1, limits.KAPPA_D),
        default=1,
        help=f"dimension (default 1; {limits.KAPPA_D.help('d')})",
    )
    p.add_argument(
        "--restarts",
        type=cli.integer("restarts", 0, limits.KAPPA_RESTARTS),
        default=None,
        help="random restarts (default: the table's budget for this n; "
        f"{limits.KAPPA_RESTARTS.help('restarts')})",
    )
    p.add_argument(
        "--seed",
        type=cli.integer("seed", 0, limits.SEED),
        default=0,
        help=f"seed (default 0; {limits.SEED.help('seed')})",
    )
    cli.dps_argument(p, limits.KAPPA_DPS)
    p.add_argument(
        "--json", type=cli.path("json"), default=None, metavar="PATH", help="write the certificate"
    )
    p.add_argument(
        "--replay",
        type=cli.path("replay"),
        default=None,
        metavar="PATH",
        help="re-evaluate a certificate",
    )
    p.add_argument("--table", action="store_true", help="write the table (reports/kappa.md)")
    p.add_argument(
        "--output",
        type=cli.path("output"),
        default=None,
        help="table path (with --table; reports/kappa.md)",
    )
    p.add_argument(
        "--workers",
        type=cli.integer("workers", 1, limits.WORKERS),
        default=2,
        help=f"table workers (default 2; {limits.WORKERS.help('workers')})",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar (--table)")
    p.set_defaults(handler=run_kappa)


def _kappa_summary(found, dps: int) -> list[str]:
    from boundkit.labs.kappa.claims import claim_for, compare, universal_lower

    cert, ev = found.certificate, found.evaluation
    n, f, d = cert.n, cert.f, cert.d
    claim = claim_for(cert.rule)
    bound = claim.bound(n, f, d)
    lower = universal_lower(n, f)
    lines = [
        f"rule: {cert.rule} (n={n}, f={f}, d={d})",
        f"best ratio: {cert.ratio} = {mpmath_str(ev.value, dps)}"
        + ("" if ev.output_exact else " (rule output not exact: see the module docstring)"),
        f"trace-form ratio: {ev.trace_ratio}",
        f"universal lower bound f/(n-2f): {lower}" if 2 * f < n and f else "",
        f"claim: {_claim_text(claim, n, f, d)} -- {claim.source}",
        f"compared with the claim: {compare(ev.value, bound, dps)}",
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

    command = f"python -m boundkit kappa --table --workers {args.workers} --seed {args.seed}"
    report = kappa_report.generate(
        seed=args.seed,
        dps=args.dps,
        workers=args.workers,
        command=command,
        progress=output.progress(not args.no_progress, "kappa"),
    )
    output.write(args.output, report.text, "output")
    return cli.EXIT_FAILED if report.failed else cli.EXIT_OK


def read_certificate(path_text: str):
    """``--replay PATH``: an existing regular file of bounded size, parsed by the strict
    certificate schema (:meth:`Certificate.from_json`) before any work."""
    from boundkit.labs.kappa.certificate import Certificate
    from boundkit.labs.kappa.rules import resolve_rule

    path = Path(path_text)
    if not path_text or not path.is_file():
        raise ParameterError("replay", "an existing certificate file", path_text)
    size = path.stat().st_size
    if size > limits.CERTIFICATE_BYTES:
        raise ParameterError("replay", f"at most {limits.CERTIFICATE_BYTES:,} bytes", size)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterError("replay", "a readable UTF-8 file", f"{path_text}: {error}") from None
    cert = Certificate.from_json(text)
    resolve_rule(cert.rule)
    return cert


def _run_kappa_replay(args: argparse.Namespace, cert) -> int:
    from boundkit.labs.kappa.certificate import ratio_text, replay

    result = replay(cert, dps=args.dps)
    print(f"rule: {cert.rule} (n={cert.n}, f={cert.f}, d={cert.d})")
    print(f"recorded ratio: {cert.ratio}")
    print(f"replayed ratio: {ratio_text(result.evaluation.ratio)}")
    print(f"            = {mpmath_str(result.evaluation.value, args.dps)}")
    print("reproduced exactly" if result.reproduced else "NOT reproduced")
    return cli.EXIT_OK if result.reproduced else cli.EXIT_FAILED


_SEARCH_ONLY = ("rule", "n", "f", "restarts", "json")


def _check_mode(args: argparse.Namespace) -> str:
    """``table``, ``replay`` or ``search``: the flags of the other modes are refused."""
    given = [name for name in _SEARCH_ONLY if getattr(args, name) is not None]
    if args.d != 1:
        given.append("d")
    if args.table and args.replay:
        raise ParameterError("table, replay", "at most one of --table and --replay")
    if (args.table or args.replay) and given:
        mode = "--table" if args.table else "--replay"
        raise ParameterError(given[0], f"not given with {mode}", getattr(args, given[0]))
    if args.output is not None and not args.table:
        raise ParameterError("output", "only with --table (use --json for a certificate)")
    if args.table:
        args.output = args.output or "reports/kappa.md"
        output.check_output("output", args.output)
        return "table"
    if args.replay:
        return "replay"
    missing = [name for name in ("rule", "n", "f") if getattr(args, name) is None]
    if missing:
        rule = "given for a search (--rule, --n and --f; or --replay PATH, or --table)"
        raise ParameterError(", ".join(missing), rule)
    return "search"


def run_kappa(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from boundkit.labs.kappa.budget import table_budget
    from boundkit.labs.kappa.claims import claim_for, compare
    from boundkit.labs.kappa.rules import check_parameters, resolve_rule
    from boundkit.labs.kappa.search import search

    mode = _check_mode(args)
    if mode == "table":
        return _run_kappa_table(args)
    if mode == "replay":
        return _run_kappa_replay(args, read_certificate(args.replay))
    spec = resolve_rule(args.rule)
    check_parameters(args.n, args.f, args.d)
    reason = spec.undefined_reason(args.n, args.f)
    if reason is not None:
        rule = f"{reason.removeprefix('needs ')} for {spec.name}"
        raise ParameterError("n, f", rule, f"n={args.n}, f={args.f}")
    limits.check_kappa_size(spec.name, args.n, args.d)
    if args.json:
        output.check_output("json", args.json)
    budget = table_budget(args.n)
    if args.restarts is not None:
        budget = replace(budget, restarts=args.restarts)
    found = search(spec, args.n, args.f, args.d, budget=budget, seed=args.seed, dps=args.dps)
    print("\n".join(_kappa_summary(found, args.dps)))
    if args.json:
        output.write(args.json, found.certificate.to_json(), "json")
    else:
        print("certificate:")
        sys.stdout.write(found.certificate.to_json())
    bound = claim_for(spec.name).bound(args.n, args.f, args.d)
    exceeded = compare(found.evaluation.value, bound, args.dps) == "exceeds"
    return cli.EXIT_FAILED if exceeded else cli.EXIT_OK
