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

    def format_help(self) -> str:
        """The help, with every :func:`lazy` text computed first (registries are imported
        only when a help is shown, so a plain run does not pay for them)."""
        for owner, attribute in [(self, "description"), (self, "epilog")] + [
            (action, "help") for action in self._actions
        ]:
            text = getattr(owner, attribute)
            if isinstance(text, Lazy):
                setattr(owner, attribute, text.make())
        return super().format_help()


class Lazy(str):
    """A help text computed when a help is shown (from a registry that is costly to import
    at start-up: the constructions, the rules).  An empty ``str`` until then, so argparse's
    own checks of a help string pass."""

    make: Callable[[], str]

    def __new__(cls, make: Callable[[], str]) -> Lazy:
        text = super().__new__(cls, "")
        text.make = make
        return text


def lazy(make: Callable[[], str]) -> str:
    """``make()`` as a help, description or epilog text, computed by
    :meth:`_Parser.format_help`."""
    return Lazy(make)


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


def _exact_default(value: object) -> Fraction | None:
    return None if value is None else Fraction(value)  # type: ignore[arg-type]


def add_setting_arguments(
    parser: argparse.ArgumentParser,
    *,
    required: bool = False,
    limits: dict[str, Limit] | None = None,
) -> None:
    """The shared parameter flags (paper symbols in the help); ``limits`` caps n, m, T.

    Every default is :class:`boundkit.config.Setting`'s field default
    (:func:`boundkit.config.setting_defaults`), shown in the help as it is.
    """
    from boundkit.config import setting_defaults

    caps = limits or {}
    default = setting_defaults()

    def cap(name: str) -> str:
        return f"; {caps[name].help(name)}" if name in caps else ""

    group = parser.add_argument_group("parameters (paper symbol in brackets)")
    group.add_argument(
        "--n", type=integer("n", 1, caps.get("n")), required=required, help="workers [n]" + cap("n")
    )
    group.add_argument(
        "--f",
        type=integer("f", 0, caps.get("n")),
        required=required,
        help="misbehaving workers [f], 0 <= f < n/2",
    )
    group.add_argument(
        "--m",
        type=integer("m", 1, caps.get("m")),
        default=default["m"],
        help=f"samples per honest worker [m] (default {default['m']}{cap('m')})",
    )
    group.add_argument(
        "--T",
        type=integer("T", 0, caps.get("T")),
        default=default["T"],
        help=f"iterations [T] (default {default['T']}{cap('T')})",
    )
    exact = (
        ("step_size", "step size [gamma] > 0, exact: 0.1 or 1/10", True),
        ("lipschitz", "Lipschitz constant [L] > 0", True),
        ("smoothness", "smoothness [beta] > 0", True),
        ("strong_convexity", "strong convexity [mu] >= 0, at most beta", False),
    )
    for name, text, positive in exact:
        value = _exact_default(default[name])
        group.add_argument(
            "--" + name.replace("_", "-"),
            type=exact_number(name, positive=positive, nonnegative=not positive),
            default=value,
            help=f"{text} (default {value}{_MU_ZERO if name == 'strong_convexity' else ''})",
        )
    group.add_argument(
        "--kappa",
        type=exact_number("kappa", nonnegative=True),
        default=_exact_default(default["kappa"]),
        help="robustness coefficient [kappa] >= 0 (default: each bound's own, SMEA's coefficient)",
    )


#: What ``strong_convexity = 0`` (the default) means, in the ``--help``.
_MU_ZERO = ": merely convex; the strongly convex bounds and construction P2 need mu > 0"


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


def one_of(names) -> str:
    """``one of a, b, c``: the rule of a name parameter, from the registry it is checked
    against (so the ``--help`` and the error cannot drift from the code)."""
    return "one of " + ", ".join(names)


def construction_help() -> str:
    """The ``--construction`` help: every registered construction (:data:`CONSTRUCTIONS`)."""
    from constructions import CONSTRUCTIONS

    return one_of(CONSTRUCTIONS)


def construction_catalogue() -> str:
    """``NAME: title`` for every registered construction (an epilog paragraph)."""
    from constructions import CONSTRUCTIONS

    entries = [f"{name}: {entry.title}" for name, entry in CONSTRUCTIONS.items()]
    return "Constructions: " + "; ".join(entries) + "."


def construction_names(requested: list[str] | None) -> tuple[str, ...] | None:
    """The ``--construction`` names, each checked against the registry (``None``: all)."""
    if not requested:
        return None
    from constructions import CONSTRUCTIONS

    for name in requested:
        if name not in CONSTRUCTIONS:
            raise ParameterError("construction", one_of(CONSTRUCTIONS), _shown(name))
    return tuple(requested)
