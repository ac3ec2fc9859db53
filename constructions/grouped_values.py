"""Exact helpers on grouped one-dimensional values (docs/theory.md, sections 1 and 3).

The Byzantine constructions (B1), (B2) (Theorem 3.2, App. C.3) and the tailored attack
(App. E.2) are one-dimensional with the linear loss, so every honest message is a number
and identical messages are kept as one group ``(value, count)``.  These helpers merge,
mirror and trim such groups and give their exact mean and population variance (in
dimension 1 the variance is ``lambda_max`` of SMEA, Def. 2.3), plus the exact conversions
between ``Fraction``, SymPy rationals and ``mpf`` the exact push routines rely on
(:mod:`constructions.push_supremum`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

#: honest messages grouped as ``(value, count)``
Groups = tuple[tuple[Any, int], ...]


def as_fraction(x: object) -> Fraction:
    """An exact ``Fraction`` for an int, Fraction, SymPy rational or ``mpf``."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_  # (-1)^sign * man * 2^exp (man_exp drops the sign)
        return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    raise TypeError(f"not an exact rational: {x!r}")


def normalise(groups: Sequence[tuple[Any, int]]) -> Groups:
    """Merge equal values, drop empty groups, sort ascending."""
    merged: dict[Any, int] = {}
    for value, count in groups:
        if count > 0:
            merged[value] = merged.get(value, 0) + count
    return tuple(sorted(merged.items(), key=lambda vc: vc[0]))


def mirrored(groups: Sequence[tuple[Any, int]]) -> Groups:
    """The groups with every value negated (a downward push is a mirrored upward one)."""
    return normalise([(-v, c) for v, c in groups])


def total(groups: Sequence[tuple[Any, int]]) -> int:
    return sum(c for _, c in groups)


def mean(groups: Sequence[tuple[Any, int]]) -> Any:
    return sum(v * c for v, c in groups) / total(groups)


def variance(groups: Sequence[tuple[Any, int]]) -> Any:
    """Population variance ``(1/k) sum (x - mean)^2`` (= lambda_max in dimension 1)."""
    mu = mean(groups)
    return sum(c * (v - mu) ** 2 for v, c in groups) / total(groups)


def drop_lowest(groups: Groups, count: int) -> Groups:
    """The groups without their ``count`` smallest values (``groups`` ascending)."""
    out: list[tuple[Any, int]] = []
    for value, c in groups:
        removed = min(c, count)
        count -= removed
        if c - removed:
            out.append((value, c - removed))
    return tuple(out)


def as_mpf(x: Fraction) -> mpmath.mpf:
    """``x`` as an ``mpf`` at the working precision."""
    return mpmath.mpf(x.numerator) / x.denominator
