"""Registered bounds at a verify point, as exact SymPy numbers, fast enough for every case.

:func:`boundkit.bounds.exact_value` substitutes every parameter with ``subs``; at thousands
of grid points that costs milliseconds each (``HalvesGap`` re-evaluated at every ``T``).
:func:`exact_bound` gives the same exact number in two stages: the expression with its
defaults inserted and the integers ``n, f, m`` substituted (cached per ``(expression,
defaults, n, f, m)``: the irrational part, e.g. ``HalvesGap(n, f, m)`` or ``sqrt(kappa)``),
then the rational parameters (``T``, ``gamma``, ``L``, ...) by ``xreplace``.  The cache is
keyed on the expression itself, so a changed registry entry is never served a stale
value.  Hypotheses are checked on every call.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction

import sympy as sp

from boundkit import bounds
from boundkit.bounds.symbols import BY_NAME, EXTRA_NAMES, symbol_for
from boundkit.errors import MissingParameter

#: the integer parameters substituted first (the expensive, T-free part of a bound)
INTEGER_PARAMETERS = ("n", "f", "m")


def exact_number(value: object) -> sp.Expr:
    """A parameter value as an exact SymPy number (floats at their exact binary value)."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, int):
        return sp.Integer(value)
    q = Fraction(value)  # type: ignore[arg-type]
    return sp.Rational(q.numerator, q.denominator)


def exact_bound(result_id: str, params: Mapping[str, object]) -> sp.Expr:
    """The registered result ``result_id`` at ``params``, exactly (hypotheses checked);
    equal to :func:`boundkit.bounds.exact_value` (tests/checks/test_certified.py)."""
    result = bounds.get(result_id)
    bounds.check_hypotheses(result, params)
    given = {k: v for k, v in params.items() if v is not None}
    defaults = tuple(sorted((k, v) for k, v in result.defaults.items() if k not in given))
    integers = tuple((k, int(given[k])) for k in INTEGER_PARAMETERS if k in given)
    staged = _integer_stage(result.expression, defaults, integers)
    free = {str(s) for s in staged.free_symbols}
    rest = {
        symbol_for(k): exact_number(v)
        for k, v in given.items()
        if k not in dict(integers) and _known(k) and str(symbol_for(k)) in free
    }
    value = staged.xreplace(rest)
    if value.free_symbols:
        raise MissingParameter(sorted(str(s) for s in value.free_symbols), result_id)
    if value.has(sp.nan, sp.zoo):  # e.g. 1/mu at mu = 0: SymPy's subs takes the limit
        return bounds.exact_value(result, params)
    return value


def _known(name: str) -> bool:
    return name in BY_NAME or name in EXTRA_NAMES


@functools.lru_cache(maxsize=8192)
def _integer_stage(expression: sp.Expr, defaults: tuple, integers: tuple) -> sp.Expr:
    """``expression`` with the missing parameters replaced by their defaults (repeatedly:
    a default may use another) and ``n, f, m`` by their values."""
    replaced = expression
    for _ in range(len(defaults) + 1):
        step = replaced.xreplace({symbol_for(k): v for k, v in defaults})
        if step == replaced:
            break
        replaced = step
    return replaced.xreplace({symbol_for(k): sp.Integer(v) for k, v in integers})
