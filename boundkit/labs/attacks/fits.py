"""Fitted exponents of the maximum found, per ``d`` and regime."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from boundkit.labs.attacks.model import Problem
from boundkit.labs.attacks.sweep import Row


@dataclass(frozen=True)
class Regime:
    """Which rows a fit pools and the ``x`` it fits against."""

    name: str
    keep: Callable[[Problem], bool]
    x_label: str
    x_of: Callable[[Problem], Fraction]


def _x_honest(p: Problem) -> Fraction:
    return Fraction(p.f, p.n - p.f)


def _x_kernel(p: Problem) -> Fraction:
    return Fraction(p.f, p.n - 2 * p.f)


#: ``f <= n/5`` shows the behaviour as ``f/n -> 0`` (sqrt against linear); ``f >= n/3`` is
#: fitted in ``f/(n - 2f)`` like (B1) in :mod:`boundkit.checks.rates` (Table 1; docs/theory.md,
#: section 5).
REGIMES: tuple[Regime, ...] = (
    Regime("f <= n/5", lambda p: 5 * p.f <= p.n, "f/(n-f)", _x_honest),
    Regime("f < n/3", lambda p: 3 * p.f < p.n, "f/(n-f)", _x_honest),
    Regime("f >= n/3", lambda p: 3 * p.f >= p.n, "f/(n-2f)", _x_kernel),
)


@dataclass(frozen=True)
class ExponentFit:
    """``max divergence = c0 + c1 x^p`` over one regime at one ``d``, all ``n`` pooled."""

    d: int
    regime: Regime
    fit: Any  # boundkit.checks.fitting.PowerFit, or None with fewer than 4 points
    points: int


def fit_exponents(rows: Sequence[Row]) -> list[ExponentFit]:
    """Fit the exponent of the maximum found, per ``d`` and regime, pooling every ``n``
    (:func:`boundkit.checks.fitting.fit_power_law`)."""
    from boundkit.checks.fitting import fit_power_law

    out = []
    for d in sorted({r.problem.d for r in rows}):
        for regime in REGIMES:
            chosen = [r for r in rows if r.problem.d == d and regime.keep(r.problem)]
            xs = [regime.x_of(r.problem) for r in chosen]
            fit = None
            if len(chosen) >= 4 and len(set(xs)) >= 3:
                fit = fit_power_law(xs, [r.result.divergence for r in chosen])
            out.append(ExponentFit(d, regime, fit, len(chosen)))
    return out
