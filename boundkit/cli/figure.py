"""``python -m boundkit figure``: Figure 1, the generalization error against ``f`` under
poisoning and Byzantine attacks."""

from __future__ import annotations

import argparse
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output


def register_figure(sub: argparse._SubParsersAction) -> None:
    from boundkit.outputs.figure import FigureParameters

    d = FigureParameters()
    p = sub.add_parser(
        "figure",
        help="Figure 1: generalization error against f, poisoning vs Byzantine",
        description="Exact generalization error in the Lemma 4.1 setting under worst-case "
        "poisoning and the tailored Byzantine attack, with the scaled theory curves. In this "
        "setting E[gen] = eps/(2(n - f)) for a stability gap eps, so each stability bound is "
        "divided by 2(n - f); the figure plots every value divided by gamma L^2 T (the CSV "
        "keeps the raw values).",
        epilog=limits.epilog(
            ("n", limits.FIGURE_N), ("T", limits.FIGURE_T), ("dps", limits.FIGURE_DPS)
        ),
    )
    p.add_argument(
        "--n",
        type=cli.integer("n", 5, limits.FIGURE_N),
        default=d.n,
        help=f"workers (default {d.n}; {limits.FIGURE_N.help('n')})",
    )
    p.add_argument(
        "--T",
        type=cli.integer("T", 1, limits.FIGURE_T),
        default=d.T,
        help=f"iterations (default {d.T}; {limits.FIGURE_T.help('T')})",
    )
    p.add_argument(
        "--step-size",
        type=cli.exact_number("step_size", positive=True),
        default=d.step_size,
        help=f"step size gamma > 0 (default {d.step_size})",
    )
    p.add_argument(
        "--lipschitz",
        type=cli.exact_number("lipschitz", positive=True),
        default=d.lipschitz,
        help=f"Lipschitz constant L > 0 (default {d.lipschitz})",
    )
    p.add_argument("--log", action="store_true", help="logarithmic y axis")
    p.add_argument(
        "--out", type=cli.path("out"), default="reports/figure1.png", help="PNG path (ends in .png)"
    )
    p.add_argument(
        "--csv",
        type=cli.path("csv"),
        default=None,
        metavar="PATH",
        help="also write the data as CSV",
    )
    cli.dps_argument(p, limits.FIGURE_DPS)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_figure)


def check_figure_paths(out: str, csv_path: str | None) -> None:
    """The figure's output paths, before any work."""
    output.check_output("out", out, suffix=".png")
    if csv_path:
        output.check_output("csv", csv_path)
    output.check_distinct(out=out, csv=csv_path)


def make_figure(params, out: str, csv_path: str | None, log: bool, progress: bool, files):
    """Compute Figure 1 and stage its files on ``files`` (an :class:`output.Outputs`)."""
    from boundkit.outputs import figure

    print(f"figure 1: {params.describe()}", file=sys.stderr)
    points = figure.compute(params, progress=output.progress(progress, "figure"))
    files.render("out", out, lambda path: figure.plot(points, params, path, log=log))
    if csv_path:
        files.text("csv", csv_path, figure.to_csv(points))
    below = [p.f for p in points if not p.byzantine_above]
    if below:
        print(f"Byzantine curve not above poisoning at f = {below}", file=sys.stderr)
    return points


def run_figure(args: argparse.Namespace) -> int:
    from boundkit.config import Setting
    from boundkit.outputs.figure import FigureParameters

    Setting(n=args.n, f=1, T=args.T, step_size=args.step_size, lipschitz=args.lipschitz)
    check_figure_paths(args.out, args.csv)
    params = FigureParameters(
        n=args.n, T=args.T, step_size=args.step_size, lipschitz=args.lipschitz, dps=args.dps
    )
    files = output.Outputs()
    make_figure(params, args.out, args.csv, args.log, not args.no_progress, files)
    files.commit()
    return cli.EXIT_OK
