"""A Monte Carlo estimate of ``E||theta_T - theta'_T||`` for coupled D-SGD, with a CLT interval."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from boundkit.dynamics.arithmetic import Arithmetic, is_finite_real, require_int
from boundkit.dynamics.coupled_runs import advance_pair, pair_gap, random_choices, run_session
from boundkit.dynamics.problem import Problem
from boundkit.errors import ParameterError


@dataclass(frozen=True)
class MonteCarloEstimate:
    """``mean`` of ``samples`` coupled gaps and a CLT interval ``[low, high]``.

    ``low, high = mean -+ z * s / sqrt(samples)``, ``s`` the sample standard deviation and
    ``z`` the standard normal quantile of ``(1 + confidence) / 2``: an asymptotic interval.
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

    ``samples`` independent coupled pairs from ``numpy.random.default_rng(seed)``; the
    interval is the CLT one of :class:`MonteCarloEstimate`.
    """
    require_int("samples", samples, 2)
    require_int("seed", seed, 0)
    if not is_finite_real(confidence) or not 0 < confidence < 1:
        raise ParameterError("confidence", "0 < confidence < 1", confidence)
    rng = np.random.default_rng(seed)
    with run_session(problem, "sgd", steps, step_size, arithmetic, dps) as plan:
        gaps = []
        for _ in range(samples):
            thetas = (plan.start, plan.start)
            for step in range(steps):
                thetas, _ = advance_pair(plan, thetas, step, random_choices(plan, rng))
            gaps.append(float(pair_gap(*thetas)))
    mean = statistics.fmean(gaps)
    spread = statistics.stdev(gaps)
    z = statistics.NormalDist().inv_cdf((1 + float(confidence)) / 2)
    half = z * spread / math.sqrt(samples)
    return MonteCarloEstimate(mean, mean - half, mean + half, samples, float(confidence))


__all__ = [
    "MonteCarloEstimate",
    "expected_gap_monte_carlo",
]
