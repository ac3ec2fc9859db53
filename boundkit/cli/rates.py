"""``python -m boundkit rates``: the fitted exponents of the instability in ``f/n`` against
the theory."""

from __future__ import annotations

import argparse
import json
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError


def register_rates(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rates",
        help="fit the exponent of the instability in f/n against the theory",
        description="Fit instability = c0 + c1 x^p on the constructions (x = f/(n-f) for "
        "poisoning, f/(n-2f) for Byzantine) at growing n; PASS when |p - theory| <= 0.05.",
        epilog=limits.epilog(("n", limits.RATES_N), ("dps", limits.RATES_DPS))
        + f" At most {limits.RATES_COUNT} values of --n.",
    )
    p.add_argument("--format", choices=("markdown", "latex"), default="markdown")
    p.add_argument(
        "--json", type=cli.path("json"), default=None, metavar="PATH", help="write the fits as JSON"
    )
    p.add_argument(
        "--n",
        type=cli.integer("n", limits.RATES_MIN_N, limits.RATES_N),
        action="append",
        default=None,
        help=f"worker counts (repeatable; default 101, 1001 and 3001; n >= "
        f"{limits.RATES_MIN_N}: every regime needs 4 admissible f for a 3-parameter fit; "
        f"{limits.RATES_N.help('n')})",
    )
    cli.dps_argument(p, limits.RATES_DPS)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_rates)


def compute_rates(ns: tuple[int, ...], dps: int, progress: bool):
    from boundkit.checks import rates

    params = rates.SeriesParameters(dps=dps)
    return rates.fit_all(ns, params, progress=output.progress(progress, "rates"))


def run_rates(args: argparse.Namespace) -> int:
    from boundkit.checks import rates

    if args.n is not None and len(args.n) > limits.RATES_COUNT:
        rule = f"at most {limits.RATES_COUNT} values (each a full series of fits)"
        raise ParameterError("n", rule, len(args.n))
    if args.json:
        output.check_output("json", args.json)
    fits = compute_rates(tuple(args.n or (101, 1001, 3001)), args.dps, not args.no_progress)
    sys.stdout.write(rates.render(fits, args.format))
    if args.json:
        output.write(args.json, json.dumps(rates.as_records(fits), indent=1) + "\n", "json")
    failed = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if failed else cli.EXIT_OK
