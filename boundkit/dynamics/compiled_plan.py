"""A :class:`boundkit.dynamics.problem.Problem` compiled for one run pair.

:func:`compile_problem` converts every number once into the run's arithmetic and merges
each worker group's samples into the distinct joint outcomes ``(z in S, z' in S')`` the
coupled SGD draws choose between (:class:`CompiledGroup`); the result is a :class:`Plan`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from boundkit.dynamics.arithmetic import (
    Arithmetic,
    NumberConverter,
    Vector,
    convert_nested,
    is_vector,
    number_converter,
    require_positive,
)
from boundkit.dynamics.losses import Loss
from boundkit.dynamics.message_aggregator import MessageAggregator
from boundkit.dynamics.problem import ByzantineStrategy, Problem, Projection, WorkerGroup
from boundkit.errors import ParameterError


@dataclass(frozen=True)
class CompiledGroup:
    """One worker group compiled for a run pair.

    ``outcomes`` are the distinct joint samples ``(z in S, z' in S')`` (the same sample
    index in both runs: coupled draws); ``index_outcome[j]`` is the outcome of sample
    ``j``; ``multiplicities[k]`` counts the indices of outcome ``k``.  ``mean_terms[r]``
    are run ``r``'s distinct samples with their multiplicities (for the GD mean);
    ``fixed_mean[r]`` is that mean when the loss's gradient does not depend on ``theta``.
    """

    count: int
    size: int
    outcomes: tuple[tuple[Any, Any], ...]
    multiplicities: tuple[int, ...]
    index_outcome: tuple[int, ...]
    mean_terms: tuple[tuple[tuple[Any, int], ...], tuple[tuple[Any, int], ...]]
    fixed_mean: tuple[Any, Any] | None = None

    @property
    def constant(self) -> bool:
        """True when every sample is the same in both runs: no draw is needed."""
        return len(self.outcomes) == 1


def compile_group(samples: tuple, samples_neighbour: tuple, count: int) -> CompiledGroup:
    joint = list(zip(samples, samples_neighbour, strict=True))
    order: dict[tuple[Any, Any], int] = {}
    index_outcome = tuple(order.setdefault(pair, len(order)) for pair in joint)
    outcomes = tuple(order)
    multiplicities = tuple(Counter(index_outcome)[k] for k in range(len(outcomes)))

    def terms(run_samples: tuple) -> tuple[tuple[Any, int], ...]:
        return tuple(Counter(run_samples).items())

    return CompiledGroup(
        count=count,
        size=len(samples),
        outcomes=outcomes,
        multiplicities=multiplicities,
        index_outcome=index_outcome,
        mean_terms=(terms(samples), terms(samples_neighbour)),
    )


@dataclass(frozen=True)
class Plan:
    """A :class:`Problem` converted to one arithmetic, ready to step."""

    loss: Loss
    step_size: Any
    projection: Projection
    start: Vector
    honest: tuple[CompiledGroup, ...]
    poisoned: tuple[CompiledGroup, ...]
    byzantine: ByzantineStrategy | None
    f: int
    aggregate: MessageAggregator
    to_number: NumberConverter
    algorithm: str

    @property
    def groups(self) -> tuple[CompiledGroup, ...]:
        return self.honest + self.poisoned

    @property
    def drawing(self) -> tuple[int, ...]:
        """Positions (in :attr:`groups`) of the groups whose workers draw in SGD."""
        return drawing_positions(self.groups, self.algorithm)


def drawing_positions(groups: tuple[CompiledGroup, ...], algorithm: str) -> tuple[int, ...]:
    if algorithm == "gd":
        return ()
    return tuple(i for i, g in enumerate(groups) if not g.constant)


def compile_problem(
    problem: Problem,
    *,
    algorithm: str,
    step_size: object,
    arithmetic: Arithmetic,
    grouped: bool,
    cache: bool,
) -> Plan:
    """Convert every number once (call inside ``mpmath.workdps``)."""
    if arithmetic == "fraction" and not problem.loss.rational:
        raise ParameterError(
            "arithmetic", "'mpmath' for a loss without rational gradients", type(problem.loss)
        )
    require_positive("step_size", step_size)
    to_number = number_converter(arithmetic)

    loss = problem.loss.converted(to_number)
    start = convert_nested(problem.start, to_number)

    def compile_groups(first: tuple[WorkerGroup, ...], second: tuple[WorkerGroup, ...]):
        groups = []
        for a, b in zip(first, second, strict=True):
            group = compile_group(
                convert_nested(a.samples, to_number), convert_nested(b.samples, to_number), a.count
            )
            if loss.constant_gradient:  # the GD message never changes: compute it once
                means = (
                    mean_gradient(loss, start, terms, group.size) for terms in group.mean_terms
                )
                group = replace(group, fixed_mean=tuple(means))
            groups.append(group)
        return tuple(groups)

    projection = problem.projection
    if hasattr(projection, "converted"):
        projection = projection.converted(to_number)
    return Plan(
        loss=loss,
        step_size=to_number(step_size),
        projection=projection,
        start=start,
        honest=compile_groups(problem.honest, problem.honest_neighbour),
        poisoned=compile_groups(problem.poisoned, problem.poisoned),
        byzantine=problem.byzantine,
        f=problem.misbehaving_count,
        aggregate=MessageAggregator(
            problem.aggregator, problem.misbehaving_count, grouped=grouped, cache=cache
        ),
        to_number=to_number,
        algorithm=algorithm,
    )


def mean_gradient(loss: Loss, theta: Vector, terms: tuple[tuple[Any, int], ...], size: int):
    """``(1/m) sum_j grad l(theta; z_j)`` over distinct samples with multiplicities."""
    if len(terms) == 1:
        return loss.gradient(theta, terms[0][0])
    total = None
    for z, k in terms:
        g = loss.gradient(theta, z)
        part = tuple(k * x for x in g) if is_vector(g) else k * g
        total = part if total is None else _add(total, part)
    return tuple(x / size for x in total) if is_vector(total) else total / size


def _add(u: Vector, v: Vector) -> Vector:
    return tuple(a + b for a, b in zip(u, v, strict=True)) if is_vector(u) else u + v


__all__ = [
    "CompiledGroup",
    "Plan",
    "compile_group",
    "compile_problem",
    "drawing_positions",
    "mean_gradient",
]
