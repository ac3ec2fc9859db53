"""``python -m boundkit attack-search``: the worst-case Byzantine attack on SMEA found by
search, with exact certificates, fitted exponents and a figure."""

from __future__ import annotations

import argparse

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.json_document import dumps


def register_attack_search(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "attack-search",
        help="search the worst-case Byzantine attack on SMEA (per-step divergence)",
        description="Maximise ||SMEA(H u B) - SMEA(H' u B')|| over honest configurations in "
        "the L-ball (up to three distinct vectors, one changed worker, m = 1) and "
        "run-dependent Byzantine vectors, in d = 1 and 2; re-evaluate the best exactly, "
        "fit its exponent in f/(n-f) and plot it beside the B1/B2/B3 pushes and eqs. (2), (5).",
        epilog=limits.epilog(
            ("n", limits.ATTACK_N),
            ("n with --d 2", limits.ATTACK_N_2D),
            ("restarts x evaluations x n", limits.ATTACK_WORK),
            ("restarts", limits.ATTACK_RESTARTS),
            ("evaluations", limits.ATTACK_EVALUATIONS),
        )
        + f" At most {limits.ATTACK_COUNT} values in --ns; a progress bar per (n, f, d).",
    )
    p.add_argument(
        "--d",
        type=_dimension,
        action="append",
        default=None,
        help="dimension 1 or 2 (repeatable; default 1 and 2)",
    )
    p.add_argument(
        "--ns",
        type=cli.integer_list("ns", 5, limits.ATTACK_N, limits.ATTACK_COUNT),
        default=[20, 40, 100],
        help=f"e.g. 20,40,100 (at most {limits.ATTACK_COUNT} values; {limits.ATTACK_N.help('n')})",
    )
    p.add_argument(
        "--seed",
        type=cli.integer("seed", 0, limits.SEED),
        default=0,
        help=f"seed (default 0; {limits.SEED.help('seed')})",
    )
    p.add_argument(
        "--restarts",
        type=cli.integer("restarts", 0, limits.ATTACK_RESTARTS),
        default=10,
        help=f"random restarts per point (default 10; {limits.ATTACK_RESTARTS.help('restarts')})",
    )
    p.add_argument(
        "--evaluations",
        type=cli.integer("evaluations", 1, limits.ATTACK_EVALUATIONS),
        default=500,
        help=f"per climb (default 500; {limits.ATTACK_EVALUATIONS.help('evaluations')})",
    )
    p.add_argument(
        "--out",
        type=cli.path("out"),
        default="reports/attack_search.png",
        help="PNG path (ends in .png)",
    )
    p.add_argument(
        "--csv", type=cli.path("csv"), default=None, metavar="PATH", help="the table as CSV"
    )
    p.add_argument(
        "--json",
        type=cli.path("json"),
        default=None,
        metavar="PATH",
        help="the certificates as JSON",
    )
    p.add_argument(
        "--markdown",
        type=cli.path("markdown"),
        default=None,
        metavar="PATH",
        help="table and fits (default: stdout)",
    )
    p.add_argument(
        "--replot",
        type=cli.path("replot"),
        default=None,
        metavar="CSV",
        help="redraw --out from a CSV written by --csv, without searching (writes only --out)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_attack_search)


def _dimension(text: str) -> int:
    return cli.read_integer("d", text, 1, limits.Limit(2, "the search models d = 1 and 2"))


def _check_paths(args: argparse.Namespace) -> None:
    """Every output path checked before any work."""
    output.check_output("out", args.out, suffix=".png")
    for name in ("csv", "json", "markdown"):
        if getattr(args, name):
            output.check_output(name, getattr(args, name), stdout=name == "markdown")
    output.check_distinct(out=args.out, csv=args.csv, json=args.json, markdown=args.markdown)


def _attack_search_command(args: argparse.Namespace) -> str:
    parts = ["python -m boundkit attack-search"]
    parts += [f"--d {d}" for d in args.d or (1, 2)]
    parts.append("--ns " + ",".join(map(str, args.ns)))
    parts += [f"--seed {args.seed}", f"--restarts {args.restarts}"]
    parts += [f"--evaluations {args.evaluations}", f"--out {args.out}"]
    parts += [f"--{k} {v}" for k in ("csv", "json", "markdown") if (v := getattr(args, k))]
    return " ".join(parts)


def _replot(args: argparse.Namespace) -> int:
    """``--replot CSV``: the figure from the sweep's CSV (read strictly), no search."""
    from pathlib import Path

    from boundkit.errors import ParameterError
    from boundkit.outputs.attack_search_plot import plot_points, points_from_csv

    given = [f"--{k}" for k in ("csv", "json", "markdown") if getattr(args, k)]
    if given:
        raise ParameterError("replot", "only --out beside it (nothing is searched)", given)
    output.check_output("out", args.out, suffix=".png")
    path = Path(args.replot)
    if not path.is_file():
        raise ParameterError("replot", "an existing file", args.replot)
    if path.stat().st_size > limits.CERTIFICATE_BYTES:
        raise ParameterError("replot", f"at most {limits.CERTIFICATE_BYTES:,} bytes", args.replot)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterError("replot", "a readable UTF-8 file", str(error)) from None
    points = points_from_csv(text)
    files = output.Outputs()
    files.render("out", args.out, lambda out: plot_points(points, out))
    files.commit()
    return cli.EXIT_OK


def run_attack_search(args: argparse.Namespace) -> int:
    if args.replot:
        return _replot(args)
    from boundkit.labs.attacks.fits import fit_exponents
    from boundkit.labs.attacks.model import SearchSettings
    from boundkit.labs.attacks.sweep import plan, row
    from boundkit.outputs.attack_search_plot import plot
    from boundkit.outputs.attack_search_report import certificates_json, to_csv, to_markdown

    limits.check_attack_work(args.ns, tuple(args.d or (1, 2)), args.restarts, args.evaluations)
    _check_paths(args)
    settings = SearchSettings(restarts=args.restarts, evaluations=args.evaluations, seed=args.seed)
    problems = plan(args.ns, tuple(args.d or (1, 2)))
    wrap = output.progress(not args.no_progress, "attack-search")
    rows = [row(problem, settings) for problem in wrap(problems, len(problems))]
    fits = fit_exponents(rows)
    files = output.Outputs()
    files.render("out", args.out, lambda path: plot(rows, path))
    text = to_markdown(rows, fits, settings, _attack_search_command(args))
    files.text("markdown", args.markdown or output.STDOUT, text)
    if args.csv:
        files.text("csv", args.csv, to_csv(rows))
    if args.json:
        parameters = {
            "d": list(args.d or (1, 2)),
            "ns": list(args.ns),
            "seed": args.seed,
            "restarts": args.restarts,
            "evaluations": args.evaluations,
        }
        files.text("json", args.json, dumps(certificates_json(rows, parameters)))
    files.commit()
    return cli.EXIT_OK
