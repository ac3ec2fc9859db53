"""``python -m boundkit rates``: the fitted exponents of the instability in ``f/n`` against
the theory."""

from __future__ import annotations

import argparse
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError
from boundkit.json_document import dumps


def register_rates(sub: argparse._SubParsersAction) -> None:
    from boundkit.checks import rates

    statuses = "; ".join(f"{k}: {v}" for k, v in rates.STATUS_MEANING.items())
    p = sub.add_parser(
        "rates",
        help="fit the exponent of the instability in f/n against the theory",
        description="Fit instability = c0 + c1 x^p on the constructions (x = f/(n-f) for "
        "poisoning, f/(n-2f) for Byzantine) at each n of the series; the verdict is on the "
        f"largest n. Status of a row: {statuses}.",
        epilog=limits.epilog(("n", limits.RATES_N), ("dps", limits.RATES_DPS))
        + f" At most {limits.RATES_COUNT} values of --n.",
    )
    p.add_argument(
        "--format",
        choices=("markdown", "latex"),
        default="markdown",
        help="table format (default markdown; the status legend follows the table)",
    )
    p.add_argument(
        "--json", type=cli.path("json"), default=None, metavar="PATH", help="write the fits as JSON"
    )
    p.add_argument(
        "--n",
        type=_worker_count,
        action="append",
        default=None,
        help=f"a worker count of the series (repeatable; default {_listed(rates.DEFAULT_NS)}; "
        f"{_MIN_N_RULE}; {limits.RATES_N.help('n')})",
    )
    cli.dps_argument(p, limits.RATES_DPS)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_rates)


_MIN_N_RULE = (
    f"n >= {limits.RATES_MIN_N}: from there every regime has at least 4 admissible f, "
    "as a 3-parameter fit needs"
)


def _worker_count(text: str) -> int:
    """``--n``: an integer in ``[RATES_MIN_N, RATES_N]``, the lower end with its reason."""
    value = cli.read_integer("n", text, -(10**30), limits.RATES_N)
    if value < limits.RATES_MIN_N:
        raise argparse.ArgumentTypeError(str(ParameterError("n", _MIN_N_RULE, value)))
    return value


def _listed(values) -> str:
    """``101, 1001 and 3001``."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def status_legend(fmt: str) -> str:
    """What each status means, after the table (LaTeX comments in ``latex``)."""
    from boundkit.checks import rates

    if fmt == "latex":
        return "".join(f"% {line[2:]}\n" for line in rates.legend().splitlines())
    return "\nStatus:\n\n" + rates.legend() + "\n"


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
    fits = compute_rates(tuple(args.n or rates.DEFAULT_NS), args.dps, not args.no_progress)
    sys.stdout.write(rates.render(fits, args.format))
    sys.stdout.write(status_legend(args.format))
    if args.json:
        document = rates.as_document(fits, rates.SeriesParameters(dps=args.dps))
        output.write(args.json, dumps(document), "json")
    failed = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if failed else cli.EXIT_OK
