"""High-precision comparisons for the construction tests of *numeric* helpers (bisections,
``m -> oo`` limits; 50 digits, tolerance ``10**-40`` relative).  Verdicts on constructions
use :func:`boundkit.checks.decide.compare` instead (exact, no tolerance)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

DPS = 50
TOL = mpmath.mpf(10) ** -(DPS - 10)


def as_mp(x: object) -> mpmath.mpf:
    """``x`` (SymPy number, Fraction, mpf, int) as an mpf at ``DPS + 20`` digits."""
    with mpmath.workdps(DPS + 20):
        if isinstance(x, sp.Basic):
            return mpmath.mpf(sp.N(x, DPS + 30))
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        return mpmath.mpf(x)


def close(a: object, b: object, tol: mpmath.mpf = TOL) -> bool:
    """``|a - b| <= tol * max(|a|, |b|, 1)``."""
    with mpmath.workdps(DPS + 20):
        a, b = as_mp(a), as_mp(b)
        return abs(a - b) <= tol * max(abs(a), abs(b), mpmath.mpf(1))
