"""``python -m boundkit experiment``: robust distributed logistic regression on
scikit-learn's bundled datasets, Byzantine attacks against data poisoning, measured
against the bounds (:mod:`boundkit.labs.experiment`)."""

from __future__ import annotations

import argparse
from dataclasses import replace

from boundkit.cli import arguments as cli
from boundkit.cli import output

_LIMITS = (
    "Limits: 3 <= n <= 30; 0 <= f < n/2 (Krum: n > 2f + 2; SMEA and MDA: C(n, f) <= 10,000, "
    "they enumerate subsets); 1 <= T <= 2000; 1 <= seeds <= 50; 1 <= neighbours <= 50; "
    "0 < step size, radius <= 10^6; 0 <= l2 <= 10^6 (l2 > 0 needs --theta-radius); "
    "dirichlet:ALPHA with 0 < ALPHA <= 1000.  Datasets are scikit-learn's bundled files "
    "(load_*, never a download).  Exit status: 0 no check FAIL (a check whose 95% interval "
    "straddles its bound is UNDECIDED, reported, not a failure), 1 a measurement above its "
    "bound, 2 bad input."
)


def register_experiment(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "experiment",
        help="real data: robust logistic regression, Byzantine vs poisoning, against the bounds",
        description="Train robust D-GD / D-SGD logistic regression on a bundled dataset under "
        "every Byzantine attack and every poisoning, measure uniform stability over "
        "neighbouring datasets and the generalization gap, and compare them with eqs. (2) "
        "and (5) at the dataset's L, beta, gamma, T, N.  Default: breast-cancer, SMEA, n = 10, "
        "f = 1..4, T = 100, gamma = 2, iid, 5 seeds, 5 neighbours; --quick: f = 1, 3, T = 30, "
        "2 seeds, 3 neighbours (explicit flags override it).",
        epilog=_LIMITS,
    )
    p.add_argument(
        "--dataset",
        default=None,
        help=cli.lazy(lambda: _choices("DATASETS", "dataset")),
    )
    p.add_argument("--rule", default=None, help=cli.lazy(lambda: _choices("RULE_NAMES", "rule")))
    p.add_argument("--n", type=cli.integer("n", 3), default=None, help="workers [n] (default 10)")
    p.add_argument(
        "--f",
        type=cli.integer("f", 0),
        nargs="+",
        action="extend",
        default=None,
        help="misbehaving workers [f], several allowed (default 1 2 3 4)",
    )
    p.add_argument("--T", type=cli.integer("T", 1), default=None, help="steps [T] (default 100)")
    p.add_argument(
        "--step-size",
        type=cli.exact_number("step_size"),
        default=None,
        help="step size [gamma], exact (default 2; eq. (2) needs gamma <= 2/beta)",
    )
    p.add_argument("--split", default="iid", help="iid | dirichlet:ALPHA (default iid)")
    p.add_argument(
        "--seeds", type=cli.integer("seeds", 1), default=None, help="number of seeds (default 5)"
    )
    p.add_argument("--seed", type=cli.integer("seed", 0), default=0, help="first seed (0)")
    p.add_argument(
        "--neighbours",
        type=cli.integer("neighbours", 1),
        default=None,
        help="neighbouring datasets per seed [K] (default 5)",
    )
    p.add_argument(
        "--algorithm", default=None, help=cli.lazy(lambda: _choices("ALGORITHMS", "algorithm"))
    )
    p.add_argument(
        "--radius",
        type=cli.exact_number("radius"),
        default=None,
        help="feature radius [R = L] (default 1)",
    )
    p.add_argument(
        "--l2",
        type=cli.exact_number("l2"),
        default=None,
        help="l2 weight [lambda = mu] (default 0: convex)",
    )
    p.add_argument(
        "--theta-radius",
        type=cli.exact_number("theta_radius"),
        default=None,
        help="projection radius [D] when l2 > 0 (then L = R + lambda D)",
    )
    p.add_argument(
        "--threat",
        action="append",
        default=None,
        help=cli.lazy(
            lambda: (
                "restrict to these threats (repeatable; default all): "
                + cli.one_of(_registry("THREATS"))
            )
        ),
    )
    p.add_argument("--quick", action="store_true", help="a small run (about 10-30 s)")
    p.add_argument(
        "--json", type=cli.path("json"), default=None, metavar="PATH", help="everything as JSON"
    )
    p.add_argument(
        "--markdown",
        type=cli.path("markdown"),
        default=None,
        metavar="PATH",
        help="report (default: stdout)",
    )
    p.add_argument("--out", type=cli.path("out"), default=None, metavar="PNG", help="the figure")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_experiment_command)


def _registry(name: str) -> tuple[str, ...]:
    """A name list the experiment validates against (:mod:`boundkit.labs.experiment.config`)."""
    from boundkit.labs.experiment import config

    return tuple(getattr(config, name))


def _choices(registry: str, field: str) -> str:
    """``one of ... (default ...)``: the registry and :class:`ExperimentConfig`'s default."""
    from boundkit.labs.experiment.config import ExperimentConfig

    default = getattr(ExperimentConfig(), field)
    return f"{cli.one_of(_registry(registry))} (default {default})"


def config_from(args: argparse.Namespace):  # -> ExperimentConfig
    """The validated config: defaults, then ``--quick``, then every explicit flag."""
    from boundkit.labs.experiment import ExperimentConfig, parse_split

    config = ExperimentConfig()
    if args.quick:
        config = config.quick()
    given = {
        "dataset": args.dataset,
        "rule": args.rule,
        "n": args.n,
        "steps": args.T,
        "step_size": args.step_size,
        "seeds": args.seeds,
        "seed": args.seed,
        "neighbours": args.neighbours,
        "algorithm": args.algorithm,
        "radius": args.radius,
        "l2": args.l2,
        "theta_radius": args.theta_radius,
    }
    config = replace(config, **{k: v for k, v in given.items() if v is not None})
    config = replace(config, split=parse_split(args.split))
    if args.f is not None:
        config = replace(config, fs=tuple(dict.fromkeys(args.f)))
    elif args.n is not None:
        quick = (1, 3) if args.quick else (1, 2, 3, 4)
        config = replace(config, fs=tuple(f for f in quick if 2 * f < config.n) or (0,))
    if args.threat:
        config = replace(config, threats=tuple(dict.fromkeys(args.threat)))
    config.validate()
    return config


def _command(args: argparse.Namespace, config) -> str:
    """The command line that reproduces the run (written at the top of the report)."""
    parts = [
        "python -m boundkit experiment",
        f"--dataset {config.dataset}",
        f"--rule {config.rule}",
    ]
    for flag, value in (
        ("--n", args.n),
        ("--T", args.T),
        ("--step-size", args.step_size),
        ("--seeds", args.seeds),
        ("--neighbours", args.neighbours),
        ("--radius", args.radius),
        ("--l2", args.l2),
        ("--theta-radius", args.theta_radius),
    ):
        if value is not None:
            parts.append(f"{flag} {value}")
    if args.f:
        parts.append("--f " + " ".join(map(str, args.f)))
    if args.split != "iid":
        parts.append(f"--split {args.split}")
    if args.seed:
        parts.append(f"--seed {args.seed}")
    if args.algorithm is not None:
        parts.append(f"--algorithm {args.algorithm}")
    parts += [f"--threat {t}" for t in args.threat or ()]
    if args.quick:
        parts.append("--quick")
    parts += [f"--{k} {v}" for k in ("json", "markdown", "out") if (v := getattr(args, k))]
    return " ".join(parts)


def _check_paths(args: argparse.Namespace) -> None:
    """Every output path checked before any work."""
    if args.out:
        output.check_output("out", args.out, suffix=".png")
    if args.json:
        output.check_output("json", args.json)
    if args.markdown:
        output.check_output("markdown", args.markdown, stdout=True)
    output.check_distinct(out=args.out, json=args.json, markdown=args.markdown)


def run_experiment_command(args: argparse.Namespace) -> int:
    from boundkit.labs.experiment import run_experiment
    from boundkit.outputs.experiment_plot import plot
    from boundkit.outputs.experiment_report import to_json, to_markdown

    config = config_from(args)
    _check_paths(args)
    wrap = output.progress(not args.no_progress, f"experiment {config.dataset}")
    result = run_experiment(config, wrap)
    command = _command(args, config)
    files = output.Outputs()
    if args.out:
        files.render("out", args.out, lambda path: plot(result, path))
    figure = _relative(args.out, args.markdown) if args.out else None
    files.text("markdown", args.markdown or output.STDOUT, to_markdown(result, command, figure))
    if args.json:
        files.text("json", args.json, to_json(result, command))
    files.commit()
    return cli.EXIT_FAILED if result.count("FAIL") else cli.EXIT_OK


def _relative(figure: str, markdown: str | None) -> str:
    """The figure's path as the markdown file links it (same directory: the file name)."""
    from pathlib import Path

    if markdown and Path(figure).parent.resolve() == Path(markdown).parent.resolve():
        return Path(figure).name
    return figure
