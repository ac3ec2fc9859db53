"""Argument parsing shared by every subcommand: exact numbers, bounded integers, the
setting flags, exit codes.

Every parameter is validated at the edge; a bad one gives a single line
``boundkit: error: <parameter>: must satisfy <rule> (got <value>)`` and exit status 2.
A failed check gives exit status 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from fractions import Fraction

from boundkit.errors import ParameterError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def exact_number(name: str) -> Callable[[str], Fraction]:
    """Parse ``0.1``, ``1/10`` or ``1e-3`` as an exact rational; reject NaN/inf."""

    def parse(text: str) -> Fraction:
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            rule = "a finite number such as 0.1 or 1/10"
            raise argparse.ArgumentTypeError(str(ParameterError(name, rule, text))) from None

    return parse


def integer(name: str, minimum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                str(ParameterError(name, "an integer", text))
            ) from None
        if minimum is not None and value < minimum:
            rule = f"{name} >= {minimum}"
            raise argparse.ArgumentTypeError(str(ParameterError(name, rule, text)))
        return value

    return parse


def add_setting_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The shared parameter flags (paper symbols in the help)."""
    group = parser.add_argument_group("parameters (paper symbol in brackets)")
    group.add_argument("--n", type=integer("n", 1), required=required, help="workers [n]")
    group.add_argument("--f", type=integer("f", 0), required=required, help="misbehaving [f]")
    group.add_argument("--m", type=integer("m", 1), default=1, help="samples per worker [m]")
    group.add_argument("--T", type=integer("T", 0), default=10, help="iterations [T]")
    group.add_argument(
        "--step-size",
        type=exact_number("step_size"),
        default=Fraction(1, 10),
        help="step size [gamma], exact: 0.1 or 1/10 (default 1/10)",
    )
    group.add_argument(
        "--lipschitz",
        type=exact_number("lipschitz"),
        default=Fraction(1),
        help="Lipschitz constant [L] (default 1)",
    )
    group.add_argument(
        "--smoothness",
        type=exact_number("smoothness"),
        default=Fraction(1),
        help="smoothness [beta] (default 1)",
    )
    group.add_argument(
        "--strong-convexity",
        type=exact_number("strong_convexity"),
        default=Fraction(1, 2),
        help="strong convexity [mu] (default 1/2)",
    )
    group.add_argument(
        "--kappa",
        type=exact_number("kappa"),
        default=None,
        help="robustness coefficient [kappa] (default kappa_SMEA)",
    )


def setting_from(args: argparse.Namespace):  # -> Setting
    from boundkit.config import Setting

    return Setting(
        n=args.n,
        f=args.f,
        m=args.m,
        T=args.T,
        step_size=args.step_size,
        lipschitz=args.lipschitz,
        smoothness=args.smoothness,
        strong_convexity=args.strong_convexity,
        kappa=args.kappa,
    )


def dps_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dps",
        type=integer("dps", 15),
        default=50,
        help="working precision in decimal digits (default 50)",
    )


def construction_names(requested: list[str] | None) -> tuple[str, ...] | None:
    """The ``--construction`` names, each checked against the registry (``None``: all)."""
    if not requested:
        return None
    from constructions import CONSTRUCTIONS

    for name in requested:
        if name not in CONSTRUCTIONS:
            raise ParameterError("construction", "one of " + ", ".join(CONSTRUCTIONS), name)
    return tuple(requested)
