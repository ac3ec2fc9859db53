"""``python -m boundkit table``: Table 1 of the paper (rates by regime and threat model)."""

from __future__ import annotations

import argparse

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError

_SIZES = {"n": limits.TABLE_SIZE, "m": limits.TABLE_SIZE, "T": limits.TABLE_SIZE}


def register_table(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "table",
        help="Table 1: upper and lower rates by regime and threat model",
        description="Print Table 1 of the paper in markdown (mathematics in Unicode) or LaTeX "
        "(a tabularx of width \\linewidth; needs amsmath and tabularx); with --n and --f, add "
        "the registered bounds evaluated there (markdown: two columns; LaTeX: the last lines "
        "of each cell).",
        epilog=limits.epilog(("n, m, T", limits.TABLE_SIZE), ("dps", limits.DPS)),
    )
    p.add_argument("--format", choices=("markdown", "latex"), default="markdown")
    p.add_argument(
        "--output",
        "-o",
        type=cli.path("output"),
        default=None,
        help="write to FILE instead of stdout",
    )
    cli.add_setting_arguments(p, limits=_SIZES)
    cli.dps_argument(p)
    p.set_defaults(handler=run_table)


def run_table(args: argparse.Namespace) -> int:
    from boundkit.outputs import rate_table

    if args.output is not None:
        output.check_output("output", args.output, stdout=True)
    params = None
    if args.n is not None or args.f is not None:
        if args.n is None or args.f is None:
            raise ParameterError("n, f", "both given for numeric columns")
        params = cli.setting_from(args).as_dict()
        _require_step_rule(params)
    elif args.strong_convexity > args.smoothness:
        rule = "strong_convexity <= smoothness (mu <= beta)"
        raise ParameterError("strong_convexity", rule, args.strong_convexity)
    output.write(args.output, rate_table.render(args.format, params, dps=args.dps), "output")
    return cli.EXIT_OK


def _require_step_rule(params: dict) -> None:
    """The convex bounds need gamma <= 2/beta: refuse numbers that break it."""
    from boundkit import bounds

    bounds.check_hypotheses(bounds.get("thm3.3/convex"), params)
