"""Nonlinear least squares for ``y = c0 + c1 * x**p`` (docs/theory.md, section 5).

Variable projection: for a fixed exponent ``p`` the best ``(c0, c1)`` is a linear least
squares problem with a closed form, so the fit reduces to a one-dimensional minimisation
of the residual over ``p`` (golden-section search on a bracket found by a coarse scan).
All arithmetic is mpmath at the caller's precision.  The confidence interval on ``p`` is
the analytic (Gauss-Newton / delta-method) one: ``p +- z * sqrt(s^2 [(J^T J)^-1]_pp)``
with ``s^2 = RSS / (k - 3)``.  A plain log-log line would be wrong here: the Byzantine
instability carries an ``f``-free term (``1 + sqrt(x)``) that a line through the origin in
log space cannot absorb.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from boundkit.errors import ParameterError


@dataclass(frozen=True)
class PowerFit:
    """Result of fitting ``y = c0 + c1 x^p``."""

    exponent: mpmath.mpf
    offset: mpmath.mpf  # c0
    scale: mpmath.mpf  # c1
    exponent_low: mpmath.mpf
    exponent_high: mpmath.mpf
    residual_sum_squares: mpmath.mpf
    points: int

    def within(self, target: float, tolerance: float) -> bool:
        """``|p - target| <= tolerance``."""
        return abs(self.exponent - target) <= tolerance


def _to_mp(value: object) -> mpmath.mpf:
    """Any real (int, float, Fraction, mpf, numpy scalar) as an mpf at the current precision."""
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def _linear_coefficients(
    xs: Sequence[mpmath.mpf], ys: Sequence[mpmath.mpf], p: mpmath.mpf
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """Best (c0, c1) for fixed p, and the residual sum of squares."""
    us = [x**p for x in xs]
    k = len(xs)
    mean_u = mpmath.fsum(us) / k
    mean_y = mpmath.fsum(ys) / k
    suu = mpmath.fsum((u - mean_u) ** 2 for u in us)
    suy = mpmath.fsum((u - mean_u) * (y - mean_y) for u, y in zip(us, ys, strict=True))
    c1 = suy / suu if suu else mpmath.mpf(0)
    c0 = mean_y - c1 * mean_u
    rss = mpmath.fsum((y - c0 - c1 * u) ** 2 for u, y in zip(us, ys, strict=True))
    return c0, c1, rss


def _golden(func, low: mpmath.mpf, high: mpmath.mpf, iterations: int) -> mpmath.mpf:
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = func(c), func(d)
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = func(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = func(d)
    return (a + b) / 2


def _validate(xs: Sequence, ys: Sequence) -> None:
    if len(xs) != len(ys):
        raise ParameterError("ys", "as many values as xs", f"{len(ys)} vs {len(xs)}")
    if len(xs) < 4:
        raise ParameterError("xs", "at least 4 points for a 3-parameter fit", len(xs))
    for x in xs:
        if not (mpmath.isfinite(x) and x > 0):
            raise ParameterError("xs", "finite positive values", x)
    for y in ys:
        if not mpmath.isfinite(y):
            raise ParameterError("ys", "finite values", y)
    if len({mpmath.mpf(x) for x in xs}) < 3:
        raise ParameterError("xs", "at least 3 distinct values", len(set(xs)))


def fit_power_law(
    xs: Sequence[object],
    ys: Sequence[object],
    *,
    exponent_range: tuple[float, float] = (0.05, 4.0),
    confidence_z: float = 1.959963984540054,
    dps: int = 30,
) -> PowerFit:
    """Fit ``y = c0 + c1 x^p`` by least squares with all three parameters free."""
    with mpmath.workdps(dps):
        xs_m = [_to_mp(x) for x in xs]
        ys_m = [_to_mp(y) for y in ys]
        _validate(xs_m, ys_m)
        low, high = (mpmath.mpf(v) for v in exponent_range)

        def rss(p: mpmath.mpf) -> mpmath.mpf:
            return _linear_coefficients(xs_m, ys_m, p)[2]

        grid = [low + (high - low) * i / 80 for i in range(81)]
        values = [rss(p) for p in grid]
        best = min(range(len(grid)), key=lambda i: values[i])
        a = grid[max(best - 1, 0)]
        b = grid[min(best + 1, len(grid) - 1)]
        p = _golden(rss, a, b, iterations=4 * dps)
        c0, c1, residual = _linear_coefficients(xs_m, ys_m, p)
        half = confidence_z * _exponent_standard_error(xs_m, c1, p, residual)
        return PowerFit(p, c0, c1, p - half, p + half, residual, len(xs_m))


def _exponent_standard_error(
    xs: Sequence[mpmath.mpf], c1: mpmath.mpf, p: mpmath.mpf, rss: mpmath.mpf
) -> mpmath.mpf:
    """Delta-method standard error of p from the Jacobian of (c0, c1, p)."""
    k = len(xs)
    rows = [[mpmath.mpf(1), x**p, c1 * x**p * mpmath.log(x)] for x in xs]
    jtj = mpmath.matrix(3, 3)
    for i in range(3):
        for j in range(3):
            jtj[i, j] = mpmath.fsum(r[i] * r[j] for r in rows)
    try:
        inverse = mpmath.inverse(jtj)
    except ZeroDivisionError:
        return mpmath.inf
    variance = rss / (k - 3) if k > 3 else mpmath.inf
    return mpmath.sqrt(abs(variance * inverse[2, 2]))
