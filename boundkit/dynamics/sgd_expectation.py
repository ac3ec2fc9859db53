"""The exact expectation ``E||theta_T - theta'_T||`` of coupled D-SGD ((P3), App. D.4).

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
from boundkit.dynamics.coupled_runs import advance_pair, advance_run, pair_gap, run_session
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
    """``E||theta_T - theta'_T||`` of coupled D-SGD, exactly ((P3), App. D.4).

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
        chain = _Chain(plan, joint)
        # integer weights over the common denominator: P(state) = weight / scale**step
        scale = math.lcm(*(p.denominator for _, p in joint))
        numerators = [p.numerator * (scale // p.denominator) for _, p in joint]
        states: dict[int, int] = {chain.state_id((plan.start, plan.start)): 1}
        for step in range(steps):
            following: dict[int, int] = {}
            for state, weight in states.items():
                for index, numerator in enumerate(numerators):
                    key = chain.next_state(state, step, index)
                    following[key] = following.get(key, 0) + weight * numerator
            if len(following) > max_states:
                raise ParameterError(
                    "steps",
                    f"at most max_states = {max_states} reachable states "
                    f"(exceeded at step {step + 1}; use expected_gap_monte_carlo)",
                    steps,
                )
            states = following
        total = Fraction(scale) ** steps
        return sum(
            _weighted(Fraction(w) / total, pair_gap(*chain.states[i]), plan.to_number)
            for i, w in states.items()
        )


class _Chain:
    """The states ``(theta, theta')`` met so far, numbered, and their transitions.

    Without a Byzantine strategy (the only reader of the step index) a step's outcome
    depends on the state and the draws alone, so each transition is computed once and
    the dynamic programme works on state numbers (no hashing of exact numbers per step).
    """

    def __init__(self, plan: Plan, joint: list[tuple[dict, Fraction]]) -> None:
        self.plan = plan
        self.joint = joint
        self.states: list[tuple[Vector, Vector]] = []
        self.ids: dict[tuple[Vector, Vector], int] = {}
        self.homogeneous = plan.byzantine is None
        self.memo: dict[tuple[int, int], int] = {}
        self.runs: dict[tuple[int, Vector, int], Vector] = {}  # (run, theta, draws) -> next

    def state_id(self, thetas: tuple[Vector, Vector]) -> int:
        found = self.ids.get(thetas)
        if found is None:
            found = self.ids[thetas] = len(self.states)
            self.states.append(thetas)
        return found

    def next_state(self, state: int, step: int, index: int) -> int:
        """The state after one step from ``state`` under the ``index``-th draw outcome."""
        if self.homogeneous:
            found = self.memo.get((state, index))
            if found is not None:
                return found
        if self.homogeneous:  # each run on its own: the runs share few parameters
            thetas = tuple(
                self._run(run, theta, index) for run, theta in enumerate(self.states[state])
            )
        else:
            thetas, _ = advance_pair(self.plan, self.states[state], step, self.joint[index][0])
        found = self.state_id(thetas)
        if self.homogeneous:
            self.memo[(state, index)] = found
        return found

    def _run(self, run: int, theta: Vector, index: int) -> Vector:
        key = (run, theta, index)
        found = self.runs.get(key)
        if found is None:
            found = self.runs[key] = advance_run(self.plan, theta, run, 0, self.joint[index][0])
        return found


def _weighted(probability: Fraction, gap: Any, to_number: NumberConverter) -> Any:
    if isinstance(gap, Fraction | int):
        return probability * gap
    return to_number(probability) * gap


__all__ = [
    "expected_gap_exact",
]
