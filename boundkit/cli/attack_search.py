"""``python -m boundkit attack-search``: the worst-case Byzantine attack on SMEA found by
search, with exact certificates, fitted exponents and a figure."""

from __future__ import annotations

import argparse
import json
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import output


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
    from boundkit.labs.attacks.fits import fit_exponents
    from boundkit.labs.attacks.model import SearchSettings
    from boundkit.labs.attacks.sweep import plan, row
    from boundkit.outputs.attack_search_plot import plot
    from boundkit.outputs.attack_search_report import certificates_json, to_csv, to_markdown

    for path in (args.out, args.csv, args.json, args.markdown):
        if path:
            output.check_parent(path)
    settings = SearchSettings(restarts=args.restarts, evaluations=args.evaluations, seed=args.seed)
    problems = plan(args.ns, tuple(args.d or (1, 2)))
    wrap = output.progress(not args.no_progress, "attack-search")
    rows = [row(problem, settings) for problem in wrap(problems, len(problems))]
    fits = fit_exponents(rows)
    plot(rows, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    text = to_markdown(rows, fits, settings, _attack_search_command(args))
    output.write(args.markdown or "-", text)
    if args.csv:
        output.write(args.csv, to_csv(rows))
    if args.json:
        output.write(args.json, json.dumps(certificates_json(rows), indent=1) + "\n")
    return cli.EXIT_OK
