"""The named rules: :data:`RULES` (name -> rule on a list of vectors) and
:data:`GROUPED_RULES` (name -> rule on a grouped multiset, where one exists); rules with
options bound (:func:`make_rule`) and ByzFL's conventions (:data:`BYZFL_OPTIONS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boundkit.errors import ParameterError
from boundkit.rules.aggregate import Aggregate, GroupedAggregate
from boundkit.rules.geometric_median import (
    BYZFL_ITERATIONS,
    BYZFL_SMOOTHING,
    check_iterations,
    geometric_median,
)
from boundkit.rules.krum import NEIGHBOUR_CONVENTIONS, krum, multi_krum
from boundkit.rules.mda import mda
from boundkit.rules.mean import mean, mean_grouped
from boundkit.rules.median import coordinate_median
from boundkit.rules.points import is_integer
from boundkit.rules.smea import smea, smea_grouped
from boundkit.rules.trimmed_mean import trimmed_mean

RULES: dict[str, Callable[..., Aggregate]] = {
    "smea": smea,
    "mean": mean,
    "trimmed_mean": trimmed_mean,
    "median": coordinate_median,
    "krum": krum,
    "multi_krum": multi_krum,
    "mda": mda,
    "geometric_median": geometric_median,
}

GROUPED_RULES: dict[str, Callable[..., GroupedAggregate]] = {
    "smea": smea_grouped,
    "mean": mean_grouped,
}

#: The keyword options each rule of :data:`RULES` accepts through :func:`make_rule`.
RULE_OPTIONS: dict[str, tuple[str, ...]] = {
    "smea": (),
    "mean": (),
    "trimmed_mean": (),
    "median": (),
    "krum": ("krum_neighbours",),
    "multi_krum": ("q", "krum_neighbours"),
    "mda": (),
    "geometric_median": ("iterations", "smoothing", "tol", "max_iter"),
}

#: The options under which each rule computes what ByzFL 0.0.11's aggregator of the same
#: name computes (``byzfl.aggregators.aggregators``): ``Average``, ``TrMean``, ``Median``
#: and ``MDA`` already agree with boundkit's definitions (equal up to float64 rounding of
#: the mean; MDA ties go to the first subset in lexicographic order in both); ``Krum`` and
#: ``MultiKrum`` score ``n - f - 1`` neighbours; ``GeometricMedian()`` is 3 smoothed
#: Weiszfeld steps with ``nu = 0.1`` from the origin.  ByzFL's SMEA is not listed: it
#: estimates each ``lambda_max`` with one random power-iteration step.
BYZFL_OPTIONS: dict[str, dict[str, Any]] = {
    "mean": {},
    "trimmed_mean": {},
    "median": {},
    "krum": {"krum_neighbours": "byzfl"},
    "multi_krum": {"krum_neighbours": "byzfl"},
    "mda": {},
    "geometric_median": {"iterations": BYZFL_ITERATIONS, "smoothing": BYZFL_SMOOTHING},
}


def _check_option(key: str, value: object) -> None:
    """Options whose validity does not depend on the input, checked when a rule is made."""
    is_int = is_integer(value)
    if key == "krum_neighbours" and not (
        value in NEIGHBOUR_CONVENTIONS if isinstance(value, str) else is_int and value >= 1
    ):
        raise ParameterError("krum_neighbours", "'blanchard', 'byzfl' or an integer >= 1", value)
    if key == "q" and not (value is None or (is_int and value >= 1)):
        raise ParameterError("q", "None or an integer >= 1", repr(value))


@dataclass(frozen=True)
class ConfiguredRule:
    """A rule of :data:`RULES` with keyword options bound: ``rule(vectors, f)``.

    Made by :func:`make_rule`; ``options`` is a tuple of ``(name, value)`` pairs."""

    name: str
    options: tuple[tuple[str, Any], ...]

    def __call__(self, vectors: object, f: int) -> Aggregate:
        return RULES[self.name](vectors, f, **dict(self.options))

    @property
    def __name__(self) -> str:
        return self.name + "".join(f".{key}-{value}" for key, value in self.options)


def make_rule(name: str, **options: object) -> ConfiguredRule:
    """The rule ``name`` of :data:`RULES` with ``options`` bound (validated now):
    ``make_rule("krum", krum_neighbours="byzfl")``,
    ``make_rule("geometric_median", iterations=3)``.  The accepted options per rule are
    :data:`RULE_OPTIONS`; an unknown rule, an unknown option or a bad value is a
    :class:`~boundkit.errors.ParameterError`."""
    if name not in RULES:
        raise ParameterError("rule", "one of " + ", ".join(RULES), repr(name))
    for key, value in options.items():
        if key not in RULE_OPTIONS[name]:
            allowed = ", ".join(RULE_OPTIONS[name]) or "no options"
            raise ParameterError(key, f"an option of {name} ({allowed})", repr(value))
        _check_option(key, value)
    if name == "geometric_median":
        check_iterations(options.get("iterations"), options.get("smoothing"))
    return ConfiguredRule(name, tuple(options.items()))


def byzfl_rule(name: str) -> ConfiguredRule:
    """The rule ``name`` under ByzFL 0.0.11's conventions (:data:`BYZFL_OPTIONS`)."""
    if name not in BYZFL_OPTIONS:
        raise ParameterError("rule", "one of " + ", ".join(BYZFL_OPTIONS), repr(name))
    return make_rule(name, **BYZFL_OPTIONS[name])
