"""``python -m boundkit figure``: Figure 1, the generalization error against ``f`` under
poisoning and Byzantine attacks."""

from __future__ import annotations

import argparse
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import output
from boundkit.errors import ParameterError


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

    output.check_parent(out)
    if csv_path:
        output.check_parent(csv_path)
    print(f"figure 1: {params.describe()}", file=sys.stderr)
    points = figure.compute(params, progress=output.progress(progress, "figure"))
    figure.plot(points, params, out, log=log)
    print(f"wrote {out}", file=sys.stderr)
    if csv_path:
        output.write(csv_path, figure.to_csv(points))
    below = [p.f for p in points if not p.byzantine_above]
    if below:
        print(f"Byzantine curve not above poisoning at f = {below}", file=sys.stderr)
    return points


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
