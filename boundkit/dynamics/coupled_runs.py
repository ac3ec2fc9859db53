"""Robust distributed GD and SGD on a pair of neighbouring datasets (docs/theory.md, section 1).

One step of the algorithm is ``theta_{t+1} = Proj(theta_t - gamma * F(g_1, ..., g_n))``:

* an honest worker sends, in GD, the mean gradient of its local dataset
  ``g_i = (1/m) sum_j grad l(theta; z_ij)``; in SGD the gradient of one sample
  ``g_i = grad l(theta; z_{i, j_t})`` with ``j_t`` uniform and independent;
* a *poisoned* worker runs the same rule on a dataset the adversary chose before training;
* a *Byzantine* worker sends any vector, chosen by a
  :class:`boundkit.dynamics.problem.ByzantineStrategy` that sees the current
  :class:`boundkit.dynamics.problem.View` (the parameter and every honest message);
* ``F`` is an aggregation rule of :mod:`boundkit.rules` (SMEA by default).

:func:`run_pair` runs ``S`` and ``S'`` of a :class:`boundkit.dynamics.problem.Problem`
side by side (coupled draws in SGD) and reports ``||theta_t - theta'_t||`` for every
``t``, the quantity uniform stability is bounded by (Def. 2.4: ``eps <= L E||theta_T -
theta'_T||``); :func:`run_single` follows one trajectory.  The expectation of the gap is
in :mod:`boundkit.dynamics.sgd_expectation` (exact) and
:mod:`boundkit.dynamics.monte_carlo` (estimated).  Numbers follow the run's arithmetic
(:mod:`boundkit.dynamics.arithmetic`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import mpmath
import numpy as np

from boundkit.dynamics.arithmetic import (
    Arithmetic,
    Vector,
    convert_nested,
    difference,
    dimension_of,
    euclidean_norm,
    is_int,
    is_vector,
    require_int,
    require_numbers,
)
from boundkit.dynamics.compiled_plan import (
    CompiledGroup,
    Plan,
    compile_group,
    compile_problem,
    drawing_positions,
    mean_gradient,
)
from boundkit.dynamics.problem import Message, PairResult, Problem, SingleResult, View
from boundkit.errors import ParameterError

Algorithm = Literal["gd", "sgd"]

# --------------------------------------------------------------------------- one step


def _group_messages(
    plan: Plan, group: CompiledGroup, run: int, theta: Vector, choice: tuple[int, ...] | None
) -> Iterator[Message]:
    """The messages of one group: GD mean gradient, or SGD gradients of drawn samples.

    ``choice`` (SGD, non-constant group) counts the workers that drew each outcome.
    """
    if choice is None:
        if group.fixed_mean is not None:
            yield group.fixed_mean[run], group.count
        else:
            yield mean_gradient(plan.loss, theta, group.mean_terms[run], group.size), group.count
        return
    for outcome, drawn in zip(group.outcomes, choice, strict=True):
        if drawn:
            yield plan.loss.gradient(theta, outcome[run]), drawn


def _byzantine_messages(plan: Plan, view: View) -> list[Message]:
    raw = plan.byzantine.messages(view)  # type: ignore[union-attr]
    try:
        pairs = [(vector, count) for vector, count in raw]
    except (TypeError, ValueError) as error:
        raise ParameterError("byzantine", "messages(view) returns (vector, count) pairs") from error
    if any(not is_int(c) or c < 1 for _, c in pairs) or sum(c for _, c in pairs) != plan.f:
        raise ParameterError(
            "byzantine", f"positive integer multiplicities summing to f = {plan.f}", pairs
        )
    dimension = plan.loss.dimension
    messages = []
    for vector, count in pairs:
        if is_vector(vector) != (dimension > 1) or dimension_of(vector) != dimension:
            raise ParameterError("byzantine", f"vectors of dimension {dimension}", vector)
        require_numbers("byzantine", vector)
        messages.append((convert_nested(vector, plan.to_number), count))
    return messages


def _advance(
    plan: Plan,
    theta: Vector,
    run: int,
    step: int,
    choices: dict[int, tuple[int, ...]],
    record: bool,
) -> tuple[Vector, tuple[int, ...] | None]:
    """One step of run ``run``: ``Proj(theta - gamma * F(messages))`` (and the selection)."""
    honest_count = len(plan.honest)
    messages: list[tuple[Vector, int, int]] = []
    for sender, group in enumerate(plan.honest):
        for vector, count in _group_messages(plan, group, run, theta, choices.get(sender)):
            messages.append((vector, count, sender))
    senders = len(plan.groups)
    if plan.byzantine is not None:
        view = View(
            step=step,
            parameter=theta,
            honest_messages=tuple((v, c) for v, c, _ in messages),
            run=run,
            misbehaving_count=plan.f,
        )
        byzantine = _byzantine_messages(plan, view)
        senders = honest_count + len(byzantine)
        for i, (vector, count) in enumerate(byzantine):
            messages.append((vector, count, honest_count + i))
    else:
        for offset, group in enumerate(plan.poisoned):
            sender = honest_count + offset
            for vector, count in _group_messages(plan, group, run, theta, choices.get(sender)):
                messages.append((vector, count, sender))
    value, selected = plan.aggregate(messages, senders, record, run)
    gamma = plan.step_size
    if is_vector(theta):
        moved = tuple(t - gamma * v for t, v in zip(theta, value, strict=True))
    else:
        moved = theta - gamma * value
    return plan.projection(moved), selected


def advance_pair(
    plan: Plan,
    thetas: tuple[Vector, Vector],
    step: int,
    choices: dict[int, tuple[int, ...]],
    record: bool = False,
) -> tuple[tuple[Vector, Vector], tuple | None]:
    """One coupled step of ``S`` (run 0) and ``S'`` (run 1): the same draws in both."""
    theta, chosen = _advance(plan, thetas[0], 0, step, choices, record)
    theta_prime, chosen_prime = _advance(plan, thetas[1], 1, step, choices, record)
    return (theta, theta_prime), (chosen, chosen_prime) if record else None


def advance_run(
    plan: Plan, theta: Vector, run: int, step: int, choices: dict[int, tuple[int, ...]]
) -> Vector:
    """One step of run ``run`` alone (0: ``S``, 1: ``S'``) under the draws ``choices``."""
    return _advance(plan, theta, run, step, choices, False)[0]


def pair_gap(theta: Vector, theta_prime: Vector) -> Any:
    return euclidean_norm(difference(theta, theta_prime))


# --------------------------------------------------------------------------- draws


def draw_layout(problem: Problem, algorithm: Algorithm = "sgd") -> tuple[int, ...]:
    """Sample counts of the workers that draw in SGD, in the order ``draws[t]`` lists them.

    Drawing workers are those of groups whose samples are not all equal (jointly in ``S``
    and ``S'``): honest groups first, then poisoned ones, each group's ``count`` workers
    in turn.  ``draws[t][k]`` is the 0-based index of the sample worker ``k`` uses at
    step ``t`` (the same index in both runs).
    """
    if algorithm not in ("gd", "sgd"):
        raise ParameterError("algorithm", "'gd' or 'sgd'", algorithm)
    groups = tuple(
        compile_group(a.samples, b.samples, a.count)
        for a, b in zip(
            problem.honest + problem.poisoned,
            problem.honest_neighbour + problem.poisoned,
            strict=True,
        )
    )
    drawing = drawing_positions(groups, algorithm)
    return tuple(groups[i].size for i in drawing for _ in range(groups[i].count))


def _choices_from_draws(plan: Plan, row: Sequence[int], step: int) -> dict[int, tuple[int, ...]]:
    """Per drawing group, how many of its workers drew each outcome."""
    groups = plan.groups
    expected = sum(groups[i].count for i in plan.drawing)
    if not hasattr(row, "__len__") or len(row) != expected:
        raise ParameterError("draws", f"{expected} indices per step (step {step})", row)
    choices: dict[int, tuple[int, ...]] = {}
    position = 0
    for i in plan.drawing:
        group = groups[i]
        counts = [0] * len(group.outcomes)
        for index in row[position : position + group.count]:
            valid = isinstance(index, numbers.Integral) and not isinstance(index, bool)
            if not valid or not 0 <= index < group.size:
                raise ParameterError(
                    "draws", f"sample indices in 0..{group.size - 1} (step {step})", index
                )
            counts[group.index_outcome[int(index)]] += 1
        position += group.count
        choices[i] = tuple(counts)
    return choices


def random_choices(plan: Plan, rng: np.random.Generator) -> dict[int, tuple[int, ...]]:
    """Independent uniform draws for every drawing worker, as per-outcome counts."""
    choices = {}
    groups = plan.groups
    for i in plan.drawing:
        group = groups[i]
        indices = rng.integers(0, group.size, size=group.count)
        outcome = np.asarray(group.index_outcome)[indices]
        choices[i] = tuple(int(c) for c in np.bincount(outcome, minlength=len(group.outcomes)))
    return choices


def _choice_source(
    plan: Plan, steps: int, draws: Sequence[Sequence[int]] | None, seed: int | None
) -> Callable[[int], dict[int, tuple[int, ...]]]:
    if draws is not None:
        if plan.algorithm == "gd":
            raise ParameterError("draws", "only with algorithm='sgd'")
        if not hasattr(draws, "__len__") or len(draws) < steps:
            raise ParameterError("draws", f"a sequence of at least steps = {steps} rows", draws)
        return lambda step: _choices_from_draws(plan, draws[step], step)
    if not plan.drawing:
        return lambda step: {}
    rng = np.random.default_rng(seed)
    return lambda step: random_choices(plan, rng)


# --------------------------------------------------------------------------- public runs


def _validate_run(algorithm: object, steps: object, arithmetic: object, dps: object) -> None:
    if algorithm not in ("gd", "sgd"):
        raise ParameterError("algorithm", "'gd' or 'sgd'", algorithm)
    require_int("steps", steps, 0)
    if arithmetic not in ("mpmath", "fraction"):
        raise ParameterError("arithmetic", "'mpmath' or 'fraction'", arithmetic)
    require_int("dps", dps, 15)


@contextmanager
def run_session(
    problem: Problem,
    algorithm: object,
    steps: object,
    step_size: object,
    arithmetic: object,
    dps: object,
    *,
    grouped: bool = True,
    cache: bool = True,
) -> Iterator[Plan]:
    """Validate the run once, then yield its plan inside ``mpmath.workdps(dps)``."""
    if not isinstance(problem, Problem):
        raise ParameterError("problem", "a boundkit.dynamics.problem.Problem", problem)
    _validate_run(algorithm, steps, arithmetic, dps)
    with mpmath.workdps(dps):  # type: ignore[arg-type]
        yield compile_problem(
            problem,
            algorithm=algorithm,  # type: ignore[arg-type]
            step_size=step_size,
            arithmetic=arithmetic,  # type: ignore[arg-type]
            grouped=grouped,
            cache=cache,
        )


def run_pair(
    problem: Problem,
    *,
    algorithm: Algorithm,
    steps: int,
    step_size: object,
    arithmetic: Arithmetic = "mpmath",
    dps: int = 50,
    record_subsets: bool = False,
    draws: Sequence[Sequence[int]] | None = None,
    seed: int | None = None,
    grouped: bool = True,
    cache: bool = True,
) -> PairResult:
    """Run ``S`` and ``S'`` side by side for ``steps`` steps of robust D-GD / D-SGD.

    ``step_size`` is ``gamma``.  SGD draws are coupled (the same sample index per worker
    and step in both runs): explicit ``draws`` (see :func:`draw_layout`) or, else, a
    ``numpy`` Generator seeded with ``seed``.  ``grouped=False`` forces the expanded
    ``RULES`` path (one vector per worker) and ``cache=False`` disables the aggregate
    cache; both exist for cross-checks and benchmarks.
    """
    session = run_session(
        problem, algorithm, steps, step_size, arithmetic, dps, grouped=grouped, cache=cache
    )
    with session as plan:
        choose = _choice_source(plan, steps, draws, seed)
        thetas = (plan.start, plan.start)
        gaps = [pair_gap(*thetas)]
        subsets = []
        for step in range(steps):
            thetas, chosen = advance_pair(plan, thetas, step, choose(step), record_subsets)
            gaps.append(pair_gap(*thetas))
            subsets.append(chosen)
        return PairResult(
            final=thetas[0],
            final_neighbour=thetas[1],
            gaps=tuple(gaps),
            subsets=tuple(subsets) if record_subsets else None,
        )


def run_single(
    problem: Problem,
    *,
    algorithm: Algorithm,
    steps: int,
    step_size: object,
    run: int = 0,
    arithmetic: Arithmetic = "mpmath",
    dps: int = 50,
    record_subsets: bool = False,
    draws: Sequence[Sequence[int]] | None = None,
    seed: int | None = None,
) -> SingleResult:
    """One trajectory ``theta_0..theta_T`` on ``S`` (``run=0``) or ``S'`` (``run=1``)."""
    if run not in (0, 1):
        raise ParameterError("run", "0 (S) or 1 (S')", run)
    with run_session(problem, algorithm, steps, step_size, arithmetic, dps) as plan:
        choose = _choice_source(plan, steps, draws, seed)
        iterates = [plan.start]
        subsets = [] if record_subsets else None
        for step in range(steps):
            theta, chosen = _advance(plan, iterates[-1], run, step, choose(step), record_subsets)
            iterates.append(theta)
            if subsets is not None:
                subsets.append(chosen)
        return SingleResult(
            final=iterates[-1],
            iterates=tuple(iterates),
            subsets=None if subsets is None else tuple(subsets),
        )


__all__ = [
    "Algorithm",
    "advance_pair",
    "draw_layout",
    "pair_gap",
    "random_choices",
    "run_pair",
    "run_session",
    "run_single",
]
