"""Robust distributed GD and SGD on a pair of neighbouring datasets (THEORY.md section 1).

One step of the algorithm is ``theta_{t+1} = Proj(theta_t - gamma * F(g_1, ..., g_n))``:

* an honest worker sends, in GD, the mean gradient of its local dataset
  ``g_i = (1/m) sum_j grad l(theta; z_ij)``; in SGD the gradient of one sample
  ``g_i = grad l(theta; z_{i, j_t})`` with ``j_t`` uniform and independent;
* a *poisoned* worker runs the same rule on a dataset the adversary chose before training;
* a *Byzantine* worker sends any vector, chosen by a :class:`ByzantineStrategy` that sees
  the current :class:`View` (the parameter and every honest message);
* ``F`` is an aggregation rule of :mod:`boundkit.rules.aggregators` (SMEA by default).

A :class:`Problem` (PEPit style) holds the two neighbouring honest datasets ``S`` and
``S'`` as :class:`WorkerGroup` values -- ``count`` identical workers share one group, so a
step costs the same for ``n = 11`` and ``n = 100,001`` -- the loss, the misbehaving
workers, the start point, the projection and the rule.  :func:`run_pair` runs ``S`` and
``S'`` side by side (coupled draws in SGD) and reports ``||theta_t - theta'_t||`` for every
``t``, the quantity uniform stability is bounded by (Def. 2.4: ``eps <= L E||theta_T -
theta'_T||``).  :func:`expected_gap_exact` computes ``E||theta_T - theta'_T||`` for SGD
exactly by enumerating the draws; :func:`expected_gap_monte_carlo` estimates it.

Arithmetic.  ``"mpmath"`` converts every input number to ``mpf`` and computes inside
``mpmath.workdps(dps)``; floats are taken at their exact binary value (pass a
``Fraction`` or an ``mpf`` to mean a decimal).  ``"fraction"`` is exact: every number
becomes a ``fractions.Fraction``.  A float is accepted there only when it is exactly the
decimal it prints as (``0.5``, ``3.0``, ``0.125``), because ``0.1`` really is
``3602879701896397/36028797018963968`` and is almost never what was meant; ``mpf``
inputs convert exactly.  Exact arithmetic needs rational gradients (linear, quadratic,
linear-quadratic losses): a loss with ``rational = False`` (logistic) is refused.
Euclidean norms in dimension ``d > 1`` are exact when rational, else ``mpf`` at ``dps``
digits.
"""

from __future__ import annotations

import math
import numbers
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import product
from typing import Any, Literal, Protocol, runtime_checkable

import mpmath
import numpy as np

from boundkit.dynamics.losses import (
    Box,
    Loss,
    NumberConverter,
    Vector,
    convert_nested,
    difference,
    dimension_of,
    euclidean_norm,
    is_finite_real,
    is_vector,
    require_point,
    require_positive,
    to_mpf,
)
from boundkit.errors import ParameterError
from boundkit.rules import aggregators

Message = tuple[Vector, int]
Algorithm = Literal["gd", "sgd"]
Arithmetic = Literal["mpmath", "fraction"]

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
    """What a Byzantine strategy sees at one step of one run (THEORY.md section 1).

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
    function of what it observes (so with ``S = S'`` both runs act the same; THEORY.md
    section 3): the simulator may call it in any order across runs and, in
    :func:`expected_gap_exact`, once per reachable state.
    """

    def messages(self, view: View) -> Sequence[Message]: ...


@runtime_checkable
class Projection(Protocol):
    """Euclidean projection onto a closed convex set: ``theta -> Proj(theta)``.

    Such projections are non-expansive, ``||Proj(x) - Proj(y)|| <= ||x - y||``, so every
    upper bound holds for the projected algorithms (THEORY.md section 1).  ``converted``
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
    ``Proj``, ``aggregator`` a key of :data:`boundkit.rules.aggregators.RULES` or any callable
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


# --------------------------------------------------------------------------- validation


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(name: str, value: object, minimum: int) -> None:
    if not _is_int(value) or value < minimum:  # type: ignore[operator]
        raise ParameterError(name, f"an integer >= {minimum}", value)


def _require_numbers(name: str, value: object) -> None:
    """Every leaf of a (nested) tuple is a finite real number."""
    if isinstance(value, tuple):
        for item in value:
            _require_numbers(name, item)
    elif not is_finite_real(value):
        raise ParameterError(name, "finite real numbers (no NaN, infinity or bool)", value)


def _require_groups(name: str, groups: object) -> None:
    if not isinstance(groups, tuple) or not all(isinstance(g, WorkerGroup) for g in groups):
        raise ParameterError(name, "a tuple of WorkerGroup", groups)
    for g in groups:
        _require_numbers(f"{name} samples", g.samples)


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
    _require_int("misbehaving_count", f, 0)
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
    if not callable(problem.aggregator) and problem.aggregator not in aggregators.RULES:
        raise ParameterError(
            "aggregator", f"one of {sorted(aggregators.RULES)}", problem.aggregator
        )


def _validate_run(algorithm: object, steps: object, arithmetic: object, dps: object) -> None:
    if algorithm not in ("gd", "sgd"):
        raise ParameterError("algorithm", "'gd' or 'sgd'", algorithm)
    _require_int("steps", steps, 0)
    if arithmetic not in ("mpmath", "fraction"):
        raise ParameterError("arithmetic", "'mpmath' or 'fraction'", arithmetic)
    _require_int("dps", dps, 15)


# --------------------------------------------------------------------------- numbers


def _to_fraction(value: object) -> Fraction:
    """Exact conversion for the ``"fraction"`` arithmetic (see the module docstring)."""
    if not is_finite_real(value):
        raise ParameterError("number", "a finite real number (no NaN, infinity or bool)", value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Rational):
        return Fraction(value.numerator, value.denominator)
    if isinstance(value, mpmath.mpf):
        sign, mantissa, exponent, _ = value._mpf_  # man_exp drops the sign
        return (-1) ** sign * Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    exact = Fraction(float(value))  # type: ignore[arg-type]
    if exact != Fraction(repr(float(value))):  # type: ignore[arg-type]
        raise ParameterError(
            "number",
            "in 'fraction' arithmetic a float exactly equal to its decimal repr "
            "(pass Fraction(1, 10), not 0.1)",
            value,
        )
    return exact


def _to_mpf(value: object) -> mpmath.mpf:
    """Conversion for the ``"mpmath"`` arithmetic, at the current precision."""
    if not is_finite_real(value):
        raise ParameterError("number", "a finite real number (no NaN, infinity or bool)", value)
    return +to_mpf(value)  # unary plus rounds an mpf to the working precision


def _converter(arithmetic: Arithmetic) -> NumberConverter:
    return _to_fraction if arithmetic == "fraction" else _to_mpf


# --------------------------------------------------------------------------- compiled plan


@dataclass(frozen=True)
class _Group:
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


def _compile_group(samples: tuple, samples_neighbour: tuple, count: int) -> _Group:
    joint = list(zip(samples, samples_neighbour, strict=True))
    order: dict[tuple[Any, Any], int] = {}
    index_outcome = tuple(order.setdefault(pair, len(order)) for pair in joint)
    outcomes = tuple(order)
    multiplicities = tuple(Counter(index_outcome)[k] for k in range(len(outcomes)))

    def terms(run_samples: tuple) -> tuple[tuple[Any, int], ...]:
        return tuple(Counter(run_samples).items())

    return _Group(
        count=count,
        size=len(samples),
        outcomes=outcomes,
        multiplicities=multiplicities,
        index_outcome=index_outcome,
        mean_terms=(terms(samples), terms(samples_neighbour)),
    )


def _as_aggregate(rule: Callable[..., Any]) -> Callable[..., aggregators.Aggregate]:
    """A user rule whose plain-vector outputs are wrapped as ``Aggregate(value, ())``."""

    def call(vectors: list, f: int) -> aggregators.Aggregate:
        out = rule(vectors, f)
        return out if isinstance(out, aggregators.Aggregate) else aggregators.Aggregate(out, ())

    return call


class _Aggregator:
    """``F`` over ``(vector, multiplicity, sender)`` messages, with exact caches.

    The grouped path merges equal vectors (the SMEA and mean outputs depend only on the
    multiset of vectors) and calls ``GROUPED_RULES[name]``, so its cost does not depend on
    ``n``; otherwise the messages are expanded to one vector per worker for
    ``RULES[name]``.  Two caches, both keyed on the exact messages: the previous step's
    messages of each run (compared with ``==``, no hashing), then a dictionary of rule
    outputs.  For a linear loss in GD the messages never change and the rule runs once
    per run.
    """

    _CACHE_LIMIT = 4096

    def __init__(
        self, name: str | Callable[..., Any], f: int, *, grouped: bool, cache: bool
    ) -> None:
        self.f = f
        named = isinstance(name, str)
        self.grouped_rule = aggregators.GROUPED_RULES.get(name) if grouped and named else None
        self.rule = aggregators.RULES[name] if named else _as_aggregate(name)
        self.cache: dict | None = {} if cache else None
        self.previous: dict[int, tuple[tuple, tuple]] = {}

    def __call__(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool, run: int
    ) -> tuple[Vector, tuple[int, ...] | None]:
        """``(F(messages), selected count per sender or None)`` for run ``run``."""
        if self.cache is None:
            return self._compute(messages, senders, record)
        key = (tuple(messages), senders, record)
        previous = self.previous.get(run)
        if previous is not None and previous[0] == key:
            return previous[1]
        output = self._compute(messages, senders, record)
        self.previous[run] = (key, output)
        return output

    def _compute(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        if self.grouped_rule is not None:
            return self._grouped(messages, senders, record)
        return self._expanded(messages, senders, record)

    def _lookup(self, key: object, compute: Callable[[], Any]) -> Any:
        if self.cache is None:
            return compute()
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) >= self._CACHE_LIMIT:
                self.cache.clear()
            hit = self.cache[key] = compute()
        return hit

    def _grouped(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        slot: dict[Vector, int] = {}
        values: list[Vector] = []
        counts: list[int] = []
        for vector, count, _ in messages:
            k = slot.get(vector)
            if k is None:
                slot[vector] = len(values)
                values.append(vector)
                counts.append(count)
            else:
                counts[k] += count
        key = (tuple(values), tuple(counts))
        result = self._lookup(key, lambda: self.grouped_rule(key[0], key[1], self.f))
        if not record:
            return result.value, None
        remaining = list(result.selected_counts)
        per_sender = [0] * senders
        for vector, count, sender in messages:  # equal vectors are interchangeable
            k = slot[vector]
            take = min(count, remaining[k])
            remaining[k] -= take
            per_sender[sender] += take
        return result.value, tuple(per_sender)

    def _expanded(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        key = tuple((vector, count) for vector, count, _ in messages)

        def compute() -> Any:
            vectors = aggregators.expand_groups([v for v, _ in key], [c for _, c in key])
            return self.rule(vectors, self.f)

        result = self._lookup(key, compute)
        if not record:
            return result.value, None
        owner = [sender for _, count, sender in messages for _ in range(count)]
        per_sender = [0] * senders
        for index in result.selected:
            per_sender[owner[index]] += 1
        return result.value, tuple(per_sender)


@dataclass(frozen=True)
class _Plan:
    """A :class:`Problem` converted to one arithmetic, ready to step."""

    loss: Loss
    step_size: Any
    projection: Projection
    start: Vector
    honest: tuple[_Group, ...]
    poisoned: tuple[_Group, ...]
    byzantine: ByzantineStrategy | None
    f: int
    aggregate: _Aggregator
    to_number: NumberConverter
    algorithm: str

    @property
    def groups(self) -> tuple[_Group, ...]:
        return self.honest + self.poisoned

    @property
    def drawing(self) -> tuple[int, ...]:
        """Positions (in :attr:`groups`) of the groups whose workers draw in SGD."""
        return _drawing_positions(self.groups, self.algorithm)


def _drawing_positions(groups: tuple[_Group, ...], algorithm: str) -> tuple[int, ...]:
    if algorithm == "gd":
        return ()
    return tuple(i for i, g in enumerate(groups) if not g.constant)


def _compile(
    problem: Problem,
    *,
    algorithm: str,
    step_size: object,
    arithmetic: Arithmetic,
    grouped: bool,
    cache: bool,
) -> _Plan:
    """Convert every number once (call inside ``mpmath.workdps``)."""
    if arithmetic == "fraction" and not problem.loss.rational:
        raise ParameterError(
            "arithmetic", "'mpmath' for a loss without rational gradients", type(problem.loss)
        )
    require_positive("step_size", step_size)
    to_number = _converter(arithmetic)

    loss = problem.loss.converted(to_number)
    start = convert_nested(problem.start, to_number)

    def compile_groups(first: tuple[WorkerGroup, ...], second: tuple[WorkerGroup, ...]):
        groups = []
        for a, b in zip(first, second, strict=True):
            group = _compile_group(
                convert_nested(a.samples, to_number), convert_nested(b.samples, to_number), a.count
            )
            if loss.constant_gradient:  # the GD message never changes: compute it once
                means = (
                    _mean_gradient(loss, start, terms, group.size) for terms in group.mean_terms
                )
                group = replace(group, fixed_mean=tuple(means))
            groups.append(group)
        return tuple(groups)

    projection = problem.projection
    if hasattr(projection, "converted"):
        projection = projection.converted(to_number)
    return _Plan(
        loss=loss,
        step_size=to_number(step_size),
        projection=projection,
        start=start,
        honest=compile_groups(problem.honest, problem.honest_neighbour),
        poisoned=compile_groups(problem.poisoned, problem.poisoned),
        byzantine=problem.byzantine,
        f=problem.misbehaving_count,
        aggregate=_Aggregator(
            problem.aggregator, problem.misbehaving_count, grouped=grouped, cache=cache
        ),
        to_number=to_number,
        algorithm=algorithm,
    )


# --------------------------------------------------------------------------- one step


def _mean_gradient(loss: Loss, theta: Vector, terms: tuple[tuple[Any, int], ...], size: int):
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


def _group_messages(
    plan: _Plan, group: _Group, run: int, theta: Vector, choice: tuple[int, ...] | None
) -> Iterator[Message]:
    """The messages of one group: GD mean gradient, or SGD gradients of drawn samples.

    ``choice`` (SGD, non-constant group) counts the workers that drew each outcome.
    """
    if choice is None:
        if group.fixed_mean is not None:
            yield group.fixed_mean[run], group.count
        else:
            yield _mean_gradient(plan.loss, theta, group.mean_terms[run], group.size), group.count
        return
    for outcome, drawn in zip(group.outcomes, choice, strict=True):
        if drawn:
            yield plan.loss.gradient(theta, outcome[run]), drawn


def _byzantine_messages(plan: _Plan, view: View) -> list[Message]:
    raw = plan.byzantine.messages(view)  # type: ignore[union-attr]
    try:
        pairs = [(vector, count) for vector, count in raw]
    except (TypeError, ValueError) as error:
        raise ParameterError("byzantine", "messages(view) returns (vector, count) pairs") from error
    if any(not _is_int(c) or c < 1 for _, c in pairs) or sum(c for _, c in pairs) != plan.f:
        raise ParameterError(
            "byzantine", f"positive integer multiplicities summing to f = {plan.f}", pairs
        )
    dimension = plan.loss.dimension
    messages = []
    for vector, count in pairs:
        if is_vector(vector) != (dimension > 1) or dimension_of(vector) != dimension:
            raise ParameterError("byzantine", f"vectors of dimension {dimension}", vector)
        _require_numbers("byzantine", vector)
        messages.append((convert_nested(vector, plan.to_number), count))
    return messages


def _advance(
    plan: _Plan,
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


def _advance_pair(
    plan: _Plan,
    thetas: tuple[Vector, Vector],
    step: int,
    choices: dict[int, tuple[int, ...]],
    record: bool = False,
) -> tuple[tuple[Vector, Vector], tuple | None]:
    """One coupled step of ``S`` (run 0) and ``S'`` (run 1): the same draws in both."""
    theta, chosen = _advance(plan, thetas[0], 0, step, choices, record)
    theta_prime, chosen_prime = _advance(plan, thetas[1], 1, step, choices, record)
    return (theta, theta_prime), (chosen, chosen_prime) if record else None


def _gap(theta: Vector, theta_prime: Vector) -> Any:
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
        _compile_group(a.samples, b.samples, a.count)
        for a, b in zip(
            problem.honest + problem.poisoned,
            problem.honest_neighbour + problem.poisoned,
            strict=True,
        )
    )
    drawing = _drawing_positions(groups, algorithm)
    return tuple(groups[i].size for i in drawing for _ in range(groups[i].count))


def _choices_from_draws(plan: _Plan, row: Sequence[int], step: int) -> dict[int, tuple[int, ...]]:
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


def _random_choices(plan: _Plan, rng: np.random.Generator) -> dict[int, tuple[int, ...]]:
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
    plan: _Plan, steps: int, draws: Sequence[Sequence[int]] | None, seed: int | None
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
    return lambda step: _random_choices(plan, rng)


# --------------------------------------------------------------------------- public runs


@contextmanager
def _session(
    problem: Problem,
    algorithm: object,
    steps: object,
    step_size: object,
    arithmetic: object,
    dps: object,
    *,
    grouped: bool = True,
    cache: bool = True,
) -> Iterator[_Plan]:
    """Validate the run once, then yield its plan inside ``mpmath.workdps(dps)``."""
    if not isinstance(problem, Problem):
        raise ParameterError("problem", "a boundkit.dynamics.simulate.Problem", problem)
    _validate_run(algorithm, steps, arithmetic, dps)
    with mpmath.workdps(dps):  # type: ignore[arg-type]
        yield _compile(
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
    session = _session(
        problem, algorithm, steps, step_size, arithmetic, dps, grouped=grouped, cache=cache
    )
    with session as plan:
        choose = _choice_source(plan, steps, draws, seed)
        thetas = (plan.start, plan.start)
        gaps = [_gap(*thetas)]
        subsets = []
        for step in range(steps):
            thetas, chosen = _advance_pair(plan, thetas, step, choose(step), record_subsets)
            gaps.append(_gap(*thetas))
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
    with _session(problem, algorithm, steps, step_size, arithmetic, dps) as plan:
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


# --------------------------------------------------------------------------- expectations


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of ``parts`` non-negative integers summing to ``total``."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total, -1, -1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _group_distribution(group: _Group) -> list[tuple[tuple[int, ...], Fraction]]:
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


def _joint_distribution(plan: _Plan, max_states: int) -> list[tuple[dict, Fraction]]:
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
    _require_int("max_states", max_states, 1)
    with _session(problem, "sgd", steps, step_size, arithmetic, dps) as plan:
        joint = _joint_distribution(plan, max_states)
        states: dict[tuple[Vector, Vector], Fraction] = {(plan.start, plan.start): Fraction(1)}
        for step in range(steps):
            following: dict[tuple[Vector, Vector], Fraction] = {}
            for thetas, weight in states.items():
                for choices, probability in joint:
                    key, _ = _advance_pair(plan, thetas, step, choices)
                    following[key] = following.get(key, Fraction(0)) + weight * probability
            if len(following) > max_states:
                raise ParameterError(
                    "steps",
                    f"at most max_states = {max_states} reachable states "
                    f"(exceeded at step {step + 1}; use expected_gap_monte_carlo)",
                    steps,
                )
            states = following
        return sum(_weighted(p, _gap(*thetas), plan.to_number) for thetas, p in states.items())


def _weighted(probability: Fraction, gap: Any, to_number: NumberConverter) -> Any:
    if isinstance(gap, Fraction | int):
        return probability * gap
    return to_number(probability) * gap


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
    _require_int("samples", samples, 2)
    _require_int("seed", seed, 0)
    if not is_finite_real(confidence) or not 0 < confidence < 1:
        raise ParameterError("confidence", "0 < confidence < 1", confidence)
    rng = np.random.default_rng(seed)
    with _session(problem, "sgd", steps, step_size, arithmetic, dps) as plan:
        gaps = []
        for _ in range(samples):
            thetas = (plan.start, plan.start)
            for step in range(steps):
                thetas, _ = _advance_pair(plan, thetas, step, _random_choices(plan, rng))
            gaps.append(float(_gap(*thetas)))
    mean = statistics.fmean(gaps)
    spread = statistics.stdev(gaps)
    z = statistics.NormalDist().inv_cdf((1 + float(confidence)) / 2)
    half = z * spread / math.sqrt(samples)
    return MonteCarloEstimate(mean, mean - half, mean + half, samples, float(confidence))


__all__ = [
    "Box",
    "ByzantineStrategy",
    "MonteCarloEstimate",
    "NoProjection",
    "PairResult",
    "Problem",
    "Projection",
    "SingleResult",
    "View",
    "WorkerGroup",
    "draw_layout",
    "expected_gap_exact",
    "expected_gap_monte_carlo",
    "run_pair",
    "run_single",
]
