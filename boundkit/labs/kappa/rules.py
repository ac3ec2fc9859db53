"""Rules under test: the registry :data:`RULES`, :func:`resolve_rule`, parameter checks.

Rules
    :data:`RULES` maps the command-line names to :mod:`boundkit.rules`: ``smea``,
    ``mean``, ``cwtm`` (coordinate-wise trimmed mean), ``median`` (coordinate-wise),
    ``krum``, ``multikrum``, ``mda``, ``gm`` (geometric median).  Any callable
    ``(vectors, f) -> vector`` is accepted too (:func:`resolve_rule`); it receives the
    ``(n, d)`` float64 array of the input and may return a vector or an ``Aggregate``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from boundkit import rules
from boundkit.errors import ParameterError

Rows = tuple[tuple[Fraction, ...], ...]
RuleFunction = Callable[[Any, int], Any]


@dataclass(frozen=True)
class RuleSpec:
    """A rule under test: its name, the function ``(vectors, f) -> Aggregate | vector``,
    the key of :data:`boundkit.rules.RULES` it corresponds to (``None`` for a user
    rule), and whether it is one of boundkit's exact rules."""

    name: str
    func: RuleFunction
    simulate_name: str | None = None
    builtin: bool = False

    def undefined_reason(self, n: int, f: int) -> str | None:
        """Why the rule is not defined at ``(n, f)``, or ``None``."""
        if self.name in ("krum", "multikrum") and not n > 2 * f + 2:
            return "needs n > 2f + 2"
        return None

    @property
    def enumerates(self) -> bool:
        """True when a screen in ``d > 1`` enumerates ``C(n, f)`` subsets."""
        return self.name in ("smea", "mda")


def _builtin(name: str, key: str) -> RuleSpec:
    return RuleSpec(name, rules.RULES[key], key, builtin=True)


#: Command-line name -> rule (keys of :data:`boundkit.rules.RULES` in ``simulate_name``).
RULES: dict[str, RuleSpec] = {
    "smea": _builtin("smea", "smea"),
    "mean": _builtin("mean", "mean"),
    "cwtm": _builtin("cwtm", "trimmed_mean"),
    "median": _builtin("median", "median"),
    "krum": _builtin("krum", "krum"),
    "multikrum": _builtin("multikrum", "multi_krum"),
    "mda": _builtin("mda", "mda"),
    "gm": _builtin("gm", "geometric_median"),
}


def resolve_rule(rule: str | RuleFunction | RuleSpec) -> RuleSpec:
    """A :class:`RuleSpec` from a registry name, a spec, or any callable ``(vectors, f)``."""
    if isinstance(rule, RuleSpec):
        return rule
    if isinstance(rule, str):
        if rule not in RULES:
            raise ParameterError("rule", "one of " + ", ".join(RULES), rule)
        return RULES[rule]
    if callable(rule):
        return RuleSpec(getattr(rule, "__name__", "user-rule"), rule)
    raise ParameterError("rule", "a rule name or a callable (vectors, f) -> vector", rule)


def check_parameters(n: object, f: object, d: object) -> None:
    """``n >= 1``, ``0 <= f < n/2``, ``d >= 1`` (integers), else :class:`ParameterError`."""
    for name, value, low in (("n", n, 1), ("f", f, 0), ("d", d, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ParameterError(name, f"an integer >= {low}", value)
    if not 2 * f < n:  # type: ignore[operator]
        raise ParameterError("f", "f < n/2", f"n={n}, f={f}")
