"""Argument parsing shared by every subcommand: exact numbers, bounded integers, the
setting flags, exit codes.

Every parameter is validated at the edge, before any work; a bad one gives a single line
``boundkit: error: <parameter>: must satisfy <rule> (got <value>)`` and exit status 2.
A failed check gives exit status 1.  Integers and numbers are read by a grammar (digits,
``p/q``, decimals), never evaluated; the largest values each command accepts are in
:mod:`boundkit.cli.limits` and in its ``--help``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from fractions import Fraction

from boundkit.cli.limits import DPS, EXACT_DIGITS, Limit
from boundkit.errors import ParameterError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_RATIONAL = re.compile(r"[+-]?[0-9]+(?:/[0-9]+)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")


_ARGUMENT = re.compile(r"argument (?:-\w/)?--?([\w-]+)(?:/[^:]*)?: (.*)", re.S)
_CHOICE = re.compile(r"invalid choice: (.*) \(choose from (.*)\)", re.S)


def _usage_message(message: str) -> str:
    """argparse's message in the form ``<parameter>: must satisfy <rule> (got <value>)``."""
    argument = _ARGUMENT.fullmatch(message)
    if argument is None:
        unknown = message.partition("unrecognized arguments: ")[2]
        if unknown:
            return str(ParameterError("arguments", "only the documented options", unknown))
        required = message.partition("the following arguments are required: ")[2]
        if required:
            return str(ParameterError(required.replace("--", ""), "given (required)"))
        return message
    name, detail = argument.group(1).replace("-", "_"), argument.group(2)
    if " must satisfy " in detail:
        return detail  # already ParameterError text, from a type function
    if detail.startswith("expected"):
        return str(ParameterError(name, f"a value after --{argument.group(1)}", "nothing"))
    if detail.startswith("ignored explicit argument"):
        return str(ParameterError(name, "no value (a switch)", detail.rpartition(" ")[2]))
    choice = _CHOICE.fullmatch(detail)
    if choice:
        rule = "one of " + choice.group(2).replace("'", "")
        return str(ParameterError(name, rule, choice.group(1).strip("'")))
    return str(ParameterError(name, "a value of the documented form", detail))


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump), exit status 2, no abbreviations."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(_usage_message(message))


def _shown(text: str) -> str:
    text = text.encode("unicode_escape").decode("ascii")
    return repr(text) if text == "" else text if len(text) <= 40 else text[:37] + "..."


def _invalid(name: str, rule: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(str(ParameterError(name, rule, _shown(text))))


def read_number(name: str, text: str) -> Fraction:
    """``0.1``, ``1/10``, ``1e-3`` as an exact rational (grammar, at most
    :data:`~boundkit.cli.limits.EXACT_DIGITS` characters, exponent of at most two digits)."""
    rule = f"a finite number such as 0.1, 1/10 or 1e-3 (at most {EXACT_DIGITS} characters)"
    text = text.strip()
    if len(text) > EXACT_DIGITS or not (_RATIONAL.fullmatch(text) or _DECIMAL.fullmatch(text)):
        raise _invalid(name, rule, text)
    try:
        return Fraction(text)
    except ZeroDivisionError:
        raise _invalid(name, "a nonzero denominator", text) from None


def exact_number(name: str, *, positive: bool = False, nonnegative: bool = False):
    """An argparse type: an exact rational (``positive``: ``> 0``; ``nonnegative``: ``>= 0``)."""

    def parse(text: str) -> Fraction:
        value = read_number(name, text)
        if positive and not value > 0:
            raise _invalid(name, f"{name} > 0", text)
        if nonnegative and value < 0:
            raise _invalid(name, f"{name} >= 0", text)
        return value

    return parse


def read_integer(name: str, text: str, minimum: int, limit: Limit | None = None) -> int:
    """A decimal integer in ``[minimum, limit.maximum]`` (the limit's reason in the error)."""
    stripped = text.strip()
    if not _INTEGER.fullmatch(stripped):
        raise _invalid(name, "an integer (digits only, at most 30)", text)
    value = int(stripped)
    if value < minimum:
        raise _invalid(name, f"{name} >= {minimum}", text)
    if limit is not None and value > limit.maximum:
        raise _invalid(name, limit.rule(name), text)
    return value


def integer(name: str, minimum: int, limit: Limit | None = None) -> Callable[[str], int]:
    """An argparse type: :func:`read_integer`."""
    return lambda text: read_integer(name, text, minimum, limit)


def integer_list(name: str, minimum: int, limit: Limit, most: int) -> Callable[[str], list[int]]:
    """An argparse type: ``20,40,100``, at most ``most`` integers each in range."""

    def parse(text: str) -> list[int]:
        parts = text.split(",")
        if len(parts) > most:
            raise _invalid(name, f"at most {most} comma-separated values", text)
        return [read_integer(name, part, minimum, limit) for part in parts]

    return parse


def add_setting_arguments(
    parser: argparse.ArgumentParser,
    *,
    required: bool = False,
    limits: dict[str, Limit] | None = None,
) -> None:
    """The shared parameter flags (paper symbols in the help); ``limits`` caps n, m, T."""
    caps = limits or {}

    def cap(name: str) -> str:
        return f"; {caps[name].help(name)}" if name in caps else ""

    group = parser.add_argument_group("parameters (paper symbol in brackets)")
    group.add_argument(
        "--n", type=integer("n", 1, caps.get("n")), required=required, help="workers [n]" + cap("n")
    )
    group.add_argument(
        "--f", type=integer("f", 0, caps.get("n")), required=required, help="misbehaving [f]"
    )
    group.add_argument(
        "--m",
        type=integer("m", 1, caps.get("m")),
        default=1,
        help="samples per worker [m]" + cap("m"),
    )
    group.add_argument(
        "--T", type=integer("T", 0, caps.get("T")), default=10, help="iterations [T]" + cap("T")
    )
    group.add_argument(
        "--step-size",
        type=exact_number("step_size", positive=True),
        default=Fraction(1, 10),
        help="step size [gamma] > 0, exact: 0.1 or 1/10 (default 1/10)",
    )
    group.add_argument(
        "--lipschitz",
        type=exact_number("lipschitz", positive=True),
        default=Fraction(1),
        help="Lipschitz constant [L] > 0 (default 1)",
    )
    group.add_argument(
        "--smoothness",
        type=exact_number("smoothness", positive=True),
        default=Fraction(1),
        help="smoothness [beta] > 0 (default 1)",
    )
    group.add_argument(
        "--strong-convexity",
        type=exact_number("strong_convexity", nonnegative=True),
        default=Fraction(1, 2),
        help="strong convexity [mu] >= 0 (default 1/2)",
    )
    group.add_argument(
        "--kappa",
        type=exact_number("kappa", nonnegative=True),
        default=None,
        help="robustness coefficient [kappa] >= 0 (default kappa_SMEA)",
    )


def path(name: str) -> Callable[[str], str]:
    """An argparse type for a file path: non-empty, no NUL (the rest is checked by
    :func:`boundkit.cli.output.check_output` before any work)."""

    def parse(text: str) -> str:
        if not text or "\0" in text:
            raise _invalid(name, "a non-empty path without NUL characters", text)
        return text

    return parse


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


def dps_argument(parser: argparse.ArgumentParser, limit: Limit = DPS) -> None:
    parser.add_argument(
        "--dps",
        type=integer("dps", 15, limit),
        default=50,
        help=f"working precision in decimal digits (default 50; {limit.help('dps')})",
    )


def construction_names(requested: list[str] | None) -> tuple[str, ...] | None:
    """The ``--construction`` names, each checked against the registry (``None``: all)."""
    if not requested:
        return None
    from constructions import CONSTRUCTIONS

    for name in requested:
        if name not in CONSTRUCTIONS:
            rule = "one of " + ", ".join(CONSTRUCTIONS)
            raise ParameterError("construction", rule, _shown(name))
    return tuple(requested)
