"""The exact expectation ``E||theta_T - theta'_T||`` of coupled D-SGD (THEORY.md (P3)).

Every step branches over the joint law of the draws (per worker group, the multinomial law
of how many workers drew each distinct joint sample, enumerated as compositions) and
equal states merge; probabilities are exact ``Fraction`` values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from itertools import product
from typing import Any

from boundkit.dynamics.arithmetic import Arithmetic, NumberConverter, Vector, require_int
from boundkit.dynamics.compiled_plan import CompiledGroup, Plan
from boundkit.dynamics.coupled_runs import advance_pair, pair_gap, run_session
from boundkit.dynamics.problem import Problem
from boundkit.errors import ParameterError


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of ``parts`` non-negative integers summing to ``total``."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total, -1, -1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _group_distribution(group: CompiledGroup) -> list[tuple[tuple[int, ...], Fraction]]:
    """Multinomial law of the per-outcome counts of ``count`` independent uniform draws."""
    probabilities = [Fraction(k, group.size) for k in group.multiplicities]
    law = []
    for counts in _compositions(group.count, len(group.outcomes)):
        weight = Fraction(math.factorial(group.count))
        for c, p in zip(counts, probabilities, strict=True):
            weight = weight / math.factorial(c) * p**c
        if weight:
            law.append((counts, weight))
    return law


def _joint_distribution(plan: Plan, max_states: int) -> list[tuple[dict, Fraction]]:
    """The law of one step's draws over every drawing group (exact probabilities)."""
    positions = plan.drawing
    laws = [_group_distribution(plan.groups[i]) for i in positions]
    size = math.prod(len(law) for law in laws)
    if size > max_states:
        raise ParameterError(
            "max_states",
            f">= {size} draw outcomes per step (use expected_gap_monte_carlo)",
            max_states,
        )
    joint = []
    for combination in product(*laws):
        probability = math.prod((p for _, p in combination), start=Fraction(1))
        joint.append(
            ({i: c for i, (c, _) in zip(positions, combination, strict=True)}, probability)
        )
    return joint


def expected_gap_exact(
    problem: Problem,
    *,
    steps: int,
    step_size: object,
    arithmetic: Arithmetic = "fraction",
    dps: int = 50,
    max_states: int = 100_000,
) -> Any:
    """``E||theta_T - theta'_T||`` of coupled D-SGD, exactly (THEORY.md (P3)).

    Dynamic programming over the joint law of ``(theta_t, theta'_t)``: every state
    branches over the draws of the workers whose datasets are not constant (per group,
    the multinomial law of how many workers drew each distinct joint sample), identical
    states merge (exact keys), and probabilities are ``Fraction`` values.  Raises
    :class:`ParameterError` naming ``steps`` when more than ``max_states`` states are
    reachable (use :func:`expected_gap_monte_carlo` then).
    """
    require_int("max_states", max_states, 1)
    with run_session(problem, "sgd", steps, step_size, arithmetic, dps) as plan:
        joint = _joint_distribution(plan, max_states)
        states: dict[tuple[Vector, Vector], Fraction] = {(plan.start, plan.start): Fraction(1)}
        for step in range(steps):
            following: dict[tuple[Vector, Vector], Fraction] = {}
            for thetas, weight in states.items():
                for choices, probability in joint:
                    key, _ = advance_pair(plan, thetas, step, choices)
                    following[key] = following.get(key, Fraction(0)) + weight * probability
            if len(following) > max_states:
                raise ParameterError(
                    "steps",
                    f"at most max_states = {max_states} reachable states "
                    f"(exceeded at step {step + 1}; use expected_gap_monte_carlo)",
                    steps,
                )
            states = following
        return sum(_weighted(p, pair_gap(*thetas), plan.to_number) for thetas, p in states.items())


def _weighted(probability: Fraction, gap: Any, to_number: NumberConverter) -> Any:
    if isinstance(gap, Fraction | int):
        return probability * gap
    return to_number(probability) * gap


__all__ = [
    "expected_gap_exact",
]
