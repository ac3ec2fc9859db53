"""What one stability experiment is: the data model of the coupled-run simulator.

A :class:`Problem` (PEPit style) holds the two neighbouring honest datasets ``S`` and
``S'`` as :class:`WorkerGroup` values -- ``count`` identical workers share one group, so a
step costs the same for ``n = 11`` and ``n = 100,001`` -- the loss, the misbehaving
workers, the start point, the projection and the rule; it validates itself on
construction.  A :class:`ByzantineStrategy` sees the current :class:`View` (the
parameter and every honest message); :class:`PairResult` and :class:`SingleResult` are
what :mod:`boundkit.dynamics.coupled_runs` returns (docs/theory.md, section 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from boundkit import rules
from boundkit.dynamics.arithmetic import (
    NumberConverter,
    Vector,
    require_int,
    require_numbers,
    require_point,
)
from boundkit.dynamics.losses import Loss
from boundkit.errors import ParameterError

Message = tuple[Vector, int]

# --------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class WorkerGroup:
    """``count`` identical workers, each holding the same local dataset ``samples``.

    Honest workers hold ``m`` samples each (paper: ``z_i1, ..., z_im``); ``label`` names the
    group in reports (``"pivot"``, ``"special"``, ``"A"``, ``"B"``).
    """

    samples: tuple
    count: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.samples, tuple) or not self.samples:
            raise ParameterError("samples", "a non-empty tuple", self.samples)
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ParameterError("count", "an integer >= 1", self.count)
        if not isinstance(self.label, str):
            raise ParameterError("label", "a string", self.label)


@dataclass(frozen=True)
class View:
    """What a Byzantine strategy sees at one step of one run (docs/theory.md, section 1).

    ``step`` is ``t``, ``parameter`` is ``theta_t``, ``honest_messages`` the honest
    vectors with their multiplicities, in honest-group order (GD: one entry per group;
    SGD: one entry per distinct sample drawn in a group), ``run`` is 0 for ``S`` and 1
    for ``S'``, ``misbehaving_count`` is ``f``.  Numbers are in the run's arithmetic.
    """

    step: int
    parameter: Vector
    honest_messages: tuple[Message, ...]
    run: int
    misbehaving_count: int


@runtime_checkable
class ByzantineStrategy(Protocol):
    """A Byzantine attack: ``f`` vectors from the view, as ``(vector, multiplicity)`` pairs.

    The multiplicities are positive integers summing to ``f``.  The strategy must be a
    function of what it observes (so with ``S = S'`` both runs act the same; docs/theory.md,
    "The two-sided push (B4)"): the simulator may call it in any order across runs and, in
    :func:`expected_gap_exact`, once per reachable state.
    """

    def messages(self, view: View) -> Sequence[Message]: ...


@runtime_checkable
class Projection(Protocol):
    """Euclidean projection onto a closed convex set: ``theta -> Proj(theta)``.

    Such projections are non-expansive, ``||Proj(x) - Proj(y)|| <= ||x - y||``, so every
    upper bound holds for the projected algorithms (docs/theory.md, section 1).  ``converted``
    returns the same projection with its constants in another number type.
    """

    def __call__(self, theta: Vector) -> Vector: ...

    def converted(self, to_number: NumberConverter) -> Projection: ...


@dataclass(frozen=True)
class NoProjection:
    """The identity (the unconstrained algorithm); trivially non-expansive."""

    def __call__(self, theta: Vector) -> Vector:
        return theta

    def converted(self, to_number: NumberConverter) -> NoProjection:
        return self


@dataclass(frozen=True)
class Problem:
    """One stability experiment: two neighbouring honest datasets and everything else.

    ``honest`` is ``S`` and ``honest_neighbour`` is ``S'``: the same groups (counts and
    sample counts) with at most one sample of one worker changed (that worker must be a
    group of count 1).  ``misbehaving_count`` is ``f``; ``n = sum(counts) + f`` and
    ``f < n/2``.  With ``f > 0`` exactly one threat model is given: ``poisoned`` groups
    (data poisoning, total count ``f``, samples from the loss's data domain) or a
    ``byzantine`` strategy.  ``start`` is ``theta_0`` (in ``loss.domain``), ``projection``
    ``Proj``, ``aggregator`` a key of :data:`boundkit.rules.RULES` or any callable
    ``(vectors, f) -> Aggregate | vector`` (it receives one vector per worker, in the run's
    arithmetic; a plain vector output records no selected workers).
    """

    honest: tuple[WorkerGroup, ...]
    honest_neighbour: tuple[WorkerGroup, ...]
    loss: Loss
    misbehaving_count: int
    poisoned: tuple[WorkerGroup, ...] = ()
    byzantine: ByzantineStrategy | None = None
    start: Any = 0
    projection: Projection = NoProjection()
    aggregator: str | Callable[..., Any] = "smea"

    def __post_init__(self) -> None:
        _validate_problem(self)

    @property
    def honest_count(self) -> int:
        """``h = n - f``."""
        return sum(g.count for g in self.honest)

    @property
    def worker_count(self) -> int:
        """``n``."""
        return self.honest_count + self.misbehaving_count


@dataclass(frozen=True)
class PairResult:
    """Outcome of :func:`run_pair`.

    ``final`` and ``final_neighbour`` are ``theta_T`` and ``theta'_T``; ``gaps[t] =
    ||theta_t - theta'_t||`` for ``t = 0..T``.  With ``record_subsets``, ``subsets[t][r]``
    is the number of selected workers of each sender at step ``t`` of run ``r``: one
    entry per honest group, then one per poisoned group or per Byzantine message.
    """

    final: Vector
    final_neighbour: Vector
    gaps: tuple
    subsets: tuple | None = None


@dataclass(frozen=True)
class SingleResult:
    """Outcome of :func:`run_single`: ``iterates[t] = theta_t`` for ``t = 0..T``."""

    final: Vector
    iterates: tuple
    subsets: tuple | None = None


# --------------------------------------------------------------------------- validation


def _require_groups(name: str, groups: object) -> None:
    if not isinstance(groups, tuple) or not all(isinstance(g, WorkerGroup) for g in groups):
        raise ParameterError(name, "a tuple of WorkerGroup", groups)
    for g in groups:
        require_numbers(f"{name} samples", g.samples)


def _require_in_data_domain(name: str, loss: Loss, groups: tuple[WorkerGroup, ...]) -> None:
    contains = getattr(loss.data_domain, "contains", None)
    if contains is None:
        return
    for g in groups:
        for z in g.samples:
            if not contains(z):
                raise ParameterError(name, "samples in the loss's data_domain", z)


def _require_neighbours(problem: Problem) -> None:
    s, s_prime = problem.honest, problem.honest_neighbour
    if len(s) != len(s_prime) or any(
        a.count != b.count or len(a.samples) != len(b.samples)
        for a, b in zip(s, s_prime, strict=True)
    ):
        raise ParameterError(
            "honest_neighbour", "the same groups as honest (counts and sample counts)"
        )
    changed = [
        (a.count, j)
        for a, b in zip(s, s_prime, strict=True)
        for j, (x, y) in enumerate(zip(a.samples, b.samples, strict=True))
        if x != y
    ]
    if len(changed) > 1 or any(count != 1 for count, _ in changed):
        raise ParameterError(
            "honest_neighbour",
            "differs from honest in at most one sample of one worker (a group of count 1)",
            f"{len(changed)} changed samples",
        )


def _validate_problem(problem: Problem) -> None:
    if not isinstance(problem.loss, Loss):
        raise ParameterError("loss", "a boundkit.dynamics.losses.Loss", problem.loss)
    _require_groups("honest", problem.honest)
    _require_groups("honest_neighbour", problem.honest_neighbour)
    _require_groups("poisoned", problem.poisoned)
    if not problem.honest:
        raise ParameterError("honest", "at least one worker group")
    _require_neighbours(problem)
    f = problem.misbehaving_count
    require_int("misbehaving_count", f, 0)
    n = problem.honest_count + f
    if not 2 * f < n:
        raise ParameterError("misbehaving_count", "f < n/2", f"n={n}, f={f}")
    poisoned_total = sum(g.count for g in problem.poisoned)
    has_byzantine = problem.byzantine is not None
    if f == 0 and (problem.poisoned or has_byzantine):
        raise ParameterError("poisoned, byzantine", "neither is given when f = 0")
    if f > 0 and bool(problem.poisoned) == has_byzantine:
        raise ParameterError("poisoned, byzantine", "exactly one is given when f > 0")
    if problem.poisoned and poisoned_total != f:
        raise ParameterError("poisoned", "total count == misbehaving_count", poisoned_total)
    if has_byzantine and not callable(getattr(problem.byzantine, "messages", None)):
        raise ParameterError("byzantine", "an object with messages(view)", problem.byzantine)
    for name, groups in (
        ("honest", problem.honest),
        ("honest_neighbour", problem.honest_neighbour),
        ("poisoned", problem.poisoned),
    ):
        _require_in_data_domain(name, problem.loss, groups)
    require_point("start", problem.loss.dimension, problem.start)
    if not problem.loss.domain.contains(problem.start):
        raise ParameterError("start", "in the loss's domain", problem.start)
    if not callable(problem.projection):
        raise ParameterError("projection", "a callable projection", problem.projection)
    if not callable(problem.aggregator) and problem.aggregator not in rules.RULES:
        raise ParameterError("aggregator", f"one of {sorted(rules.RULES)}", problem.aggregator)


__all__ = [
    "ByzantineStrategy",
    "Message",
    "NoProjection",
    "PairResult",
    "Problem",
    "Projection",
    "SingleResult",
    "View",
    "WorkerGroup",
]
