"""Monte Carlo over coupled D-SGD runs: seeded samples, and rigorous confidence intervals.

:func:`coupled_samples` draws ``samples`` independent coupled pairs ``(theta_T, theta'_T)``
(draws from ``numpy.random.default_rng(seed)``: reproducible) and returns one value per
pair, exact when the run's arithmetic is ``"fraction"``.  Without a Byzantine strategy
(the only reader of the step index) a step depends on the state and the draws alone, so
each transition is computed once and replayed (the sample paths are those of the plain
simulation, draw for draw).

:func:`rigorous_interval` turns i.i.d. values known to lie in ``[0, B]`` into a two-sided
confidence interval that holds with probability at least ``1 - delta`` for *every*
sample size (no normal approximation): the tighter of

* Hoeffding (1963): ``|mean - E| <= B sqrt(ln(4/delta) / (2n))`` with probability
  ``>= 1 - delta/2``;
* the empirical Bernstein bound of Maurer and Pontil (2009, Theorem 4), applied to each
  side at ``delta/4``: ``|mean - E| <= sqrt(2 V ln(8/delta) / n) + 7 B ln(8/delta) /
  (3 (n - 1))`` with probability ``>= 1 - delta/2``, ``V`` the unbiased sample variance;

both hold together with probability ``>= 1 - delta`` (union bound), so their minimum does.
The mean and ``V`` are exact rationals and the half-width an exact SymPy number (square
roots and logarithms), compared rigorously by :mod:`boundkit.checks.decide`.
:func:`samples_for` sizes ``n`` for a target.  :func:`expected_gap_monte_carlo` keeps the
descriptive CLT estimate of ``E||theta_T - theta'_T||`` (asymptotic, not for verdicts).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from boundkit.dynamics.arithmetic import Arithmetic, Vector, is_finite_real, require_int
from boundkit.dynamics.compiled_plan import Plan
from boundkit.dynamics.coupled_runs import advance_pair, pair_gap, random_choices, run_session
from boundkit.dynamics.problem import Problem
from boundkit.errors import ParameterError

#: target of :func:`samples_for`: the range term of the empirical Bernstein half-width
#: at most this fraction of the known range ``B``
RANGE_TERM_FRACTION = Fraction(1, 25)


# --------------------------------------------------------------------------- sampling
def coupled_samples(
    problem: Problem,
    *,
    steps: int,
    step_size: object,
    samples: int,
    seed: int,
    arithmetic: Arithmetic = "fraction",
    dps: int = 30,
    value: Callable[[Vector, Vector], Any] = pair_gap,
) -> list[Any]:
    """``value(theta_T, theta'_T)`` for ``samples`` independent coupled SGD pairs.

    Pair ``k`` uses the ``k``-th block of draws of ``numpy.random.default_rng(seed)``;
    with ``arithmetic="fraction"`` every value is exact.
    """
    require_int("samples", samples, 2)
    require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    with run_session(problem, "sgd", steps, step_size, arithmetic, dps) as plan:
        step = _Stepper(plan)
        out = []
        for _ in range(samples):
            thetas = (plan.start, plan.start)
            for t in range(steps):
                thetas = step(thetas, t, random_choices(plan, rng))
            out.append(value(*thetas))
    return out


class _Stepper:
    """:func:`advance_pair`, memoised on ``(state, draws)`` for step-independent dynamics."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.memo: dict[tuple, tuple[Vector, Vector]] | None = (
            {} if plan.byzantine is None else None
        )

    def __call__(self, thetas: tuple[Vector, Vector], step: int, choices: dict) -> tuple:
        if self.memo is None:
            return advance_pair(self.plan, thetas, step, choices)[0]
        key = (thetas, tuple(sorted(choices.items())))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = advance_pair(self.plan, thetas, step, choices)[0]
        return found


# --------------------------------------------------------------------------- intervals
@dataclass(frozen=True)
class RigorousInterval:
    """``E X`` lies in ``[mean - half_width, mean + half_width]`` with probability at
    least ``1 - failure_probability`` (module docstring), for ``X`` in ``[0, value_range]``.

    ``mean`` and ``variance`` (unbiased) are exact; ``hoeffding`` and ``bernstein`` are the
    two half-widths (exact SymPy numbers) and ``half_width`` their minimum.
    """

    mean: Fraction
    variance: Fraction
    samples: int
    value_range: Fraction
    failure_probability: Fraction
    hoeffding: sp.Expr
    bernstein: sp.Expr

    @property
    def half_width(self) -> sp.Expr:
        return sp.Min(self.hoeffding, self.bernstein)

    @property
    def low(self) -> sp.Expr:
        return _rational(self.mean) - self.half_width

    @property
    def high(self) -> sp.Expr:
        return _rational(self.mean) + self.half_width


def _rational(q: Fraction) -> sp.Rational:
    return sp.Rational(q.numerator, q.denominator)


def rigorous_interval(
    values: Sequence[Any], value_range: Any, failure_probability: Any
) -> RigorousInterval:
    """The confidence interval of the module docstring for exact values in ``[0, B]``.

    Raises :class:`ParameterError` when a value lies outside ``[0, B]`` (the range is
    then not a range) or when ``failure_probability`` is not in ``(0, 1)``.
    """
    exact = [Fraction(v) for v in values]
    bound, delta = Fraction(value_range), Fraction(failure_probability)
    n = len(exact)
    if n < 2:
        raise ParameterError("samples", "at least 2 values", n)
    if not 0 < delta < 1:
        raise ParameterError("failure_probability", "0 < failure_probability < 1", delta)
    if bound <= 0 or any(not 0 <= v <= bound for v in exact):
        raise ParameterError("value_range", "every value in [0, value_range]", value_range)
    mean = sum(exact, Fraction(0)) / n
    variance = sum(((v - mean) ** 2 for v in exact), Fraction(0)) / (n - 1)
    b, d, v = _rational(bound), _rational(delta), _rational(variance)
    hoeffding = b * sp.sqrt(sp.log(4 / d) / (2 * n))
    log_term = sp.log(8 / d)
    bernstein = sp.sqrt(2 * v * log_term / n) + 7 * b * log_term / (3 * (n - 1))
    return RigorousInterval(mean, variance, n, bound, delta, hoeffding, bernstein)


def samples_for(failure_probability: Any, fraction: Fraction = RANGE_TERM_FRACTION) -> int:
    """The smallest ``n`` whose empirical Bernstein range term ``7 B ln(8/delta) /
    (3 (n - 1))`` is at most ``fraction * B`` (the variance term shrinks like
    ``1/sqrt(n)`` on top of it)."""
    delta = Fraction(failure_probability)
    if not 0 < delta < 1:
        raise ParameterError("failure_probability", "0 < failure_probability < 1", delta)
    log_term = math.log(8) - math.log(delta.numerator) + math.log(delta.denominator)
    return 2 + math.ceil(7 * log_term / (3 * float(fraction)))


# --------------------------------------------------------------------------- descriptive
@dataclass(frozen=True)
class MonteCarloEstimate:
    """``mean`` of ``samples`` coupled gaps and a CLT interval ``[low, high]``.

    ``low, high = mean -+ z * s / sqrt(samples)``, ``s`` the sample standard deviation and
    ``z`` the standard normal quantile of ``(1 + confidence) / 2``: an asymptotic,
    descriptive interval (verdicts use :func:`rigorous_interval`).
    """

    mean: float
    low: float
    high: float
    samples: int
    confidence: float


def expected_gap_monte_carlo(
    problem: Problem,
    *,
    steps: int,
    step_size: object,
    samples: int,
    seed: int,
    confidence: float = 0.99,
    arithmetic: Arithmetic = "mpmath",
    dps: int = 30,
) -> MonteCarloEstimate:
    """Monte Carlo estimate of ``E||theta_T - theta'_T||`` for coupled D-SGD.

    ``samples`` independent coupled pairs (:func:`coupled_samples`); the interval is the
    CLT one of :class:`MonteCarloEstimate`.
    """
    require_int("samples", samples, 2)
    require_int("seed", seed, 0)
    if not is_finite_real(confidence) or not 0 < confidence < 1:
        raise ParameterError("confidence", "0 < confidence < 1", confidence)
    gaps = [
        float(g)
        for g in coupled_samples(
            problem,
            steps=steps,
            step_size=step_size,
            samples=samples,
            seed=seed,
            arithmetic=arithmetic,
            dps=dps,
        )
    ]
    mean = statistics.fmean(gaps)
    spread = statistics.stdev(gaps)
    z = statistics.NormalDist().inv_cdf((1 + float(confidence)) / 2)
    half = z * spread / math.sqrt(samples)
    return MonteCarloEstimate(mean, mean - half, mean + half, samples, float(confidence))


__all__ = [
    "MonteCarloEstimate",
    "RigorousInterval",
    "coupled_samples",
    "expected_gap_monte_carlo",
    "rigorous_interval",
    "samples_for",
]
