"""Uniform stability of one pair of outputs, and the Lemma 4.1 generalization error.

Def. 2.4 (docs/theory.md, section 1): an algorithm ``A`` is ``eps``-uniformly stable when
``sup_z E|l(A(S); z) - l(A(S'); z)| <= eps`` for all neighbouring ``S, S'``.  For one pair
of outputs ``theta = A(S)``, ``theta' = A(S')`` the inner quantity is

    ``sup_{z in data_domain} |l(theta; z) - l(theta'; z)|``,

which :func:`uniform_stability` computes in closed form for the families of
:mod:`boundkit.dynamics.losses` and numerically for any other loss with a compact box data
domain.  Since ``l(.; z)`` is ``L``-Lipschitz it never exceeds
:func:`lipschitz_stability_bound` ``= L ||theta - theta'||`` (the ``eps <= L delta`` link).

:func:`generalization_error_lemma41` evaluates the expected generalization error of the
Lemma 4.1 setting from its definition (docs/theory.md, section 4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import product
from typing import Any

import mpmath

from boundkit.dynamics.arithmetic import (
    Vector,
    difference,
    divide,
    dot,
    euclidean_norm,
    is_finite_real,
    is_vector,
    require_point,
    require_positive,
    to_mpf,
)
from boundkit.dynamics.domains import Box
from boundkit.dynamics.losses import (
    LinearLoss,
    LinearQuadraticLoss,
    LogisticLoss,
    Loss,
    QuadraticLoss,
    softplus,
)
from boundkit.errors import ParameterError

#: points of the dense grid the numeric maximisations start from (per search line)
GRID_POINTS = 2001
#: grid points of the whole box in the generic fallback (split across coordinates)
BOX_GRID_POINTS = 20_000


def lipschitz_stability_bound(loss: Loss, theta: Vector, theta_prime: Vector) -> Any:
    """``L ||theta - theta'||``: an upper bound on :func:`uniform_stability` (Def. 2.4)."""
    require_point("theta", loss.dimension, theta)
    require_point("theta_prime", loss.dimension, theta_prime)
    return loss.lipschitz * euclidean_norm(difference(theta, theta_prime))


def uniform_stability(loss: Loss, theta: Vector, theta_prime: Vector, *, dps: int = 30) -> Any:
    """``sup_{z in loss.data_domain} |l(theta; z) - l(theta'; z)|`` (Def. 2.4, one pair).

    Closed forms (exact in the inputs' number type; ``d = theta - theta'``,
    ``s = theta + theta'``):

    * :class:`LinearLoss`: ``sup_{||z|| <= B} |<z, d>| = B ||d||`` (the Euclidean norm is
      its own dual).
    * :class:`QuadraticLoss`: ``l(theta; z) - l(theta'; z) = (mu/2)(<d, s> - 2<d, z>)``,
      affine in ``z``; over the box ``[-R, R]^d`` its absolute value peaks at
      ``(mu/2)(|<d, s>| + 2R ||d||_1)`` (1-D: ``(mu/2)|d|(|s| + 2R)``).
    * :class:`LinearQuadraticLoss`: ``a d + (b/2)(theta^2 - theta'^2)`` is linear in
      ``(a, b)``, so its absolute value peaks at a vertex of the sample polygon.
    * :class:`LogisticLoss`: numeric, see :func:`_logistic_stability`.

    Any other loss whose ``data_domain`` is a compact :class:`Box` is maximised
    numerically (dense grid, then golden-section refinement; an ``mpf`` at ``dps``
    digits, a lower estimate of the sup that is exact when the maximiser is a grid point).
    """
    require_point("theta", loss.dimension, theta)
    require_point("theta_prime", loss.dimension, theta_prime)
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 15:
        raise ParameterError("dps", "an integer >= 15", dps)
    if isinstance(loss, LinearLoss):
        return loss.bound * euclidean_norm(difference(theta, theta_prime))
    if isinstance(loss, QuadraticLoss):
        return _quadratic_stability(loss, theta, theta_prime)
    if isinstance(loss, LinearQuadraticLoss):
        delta, squares = theta - theta_prime, theta * theta - theta_prime * theta_prime
        return max(abs(a * delta + divide(b * squares, 2)) for a, b in loss.data_domain.vertices())
    with mpmath.workdps(dps):
        if isinstance(loss, LogisticLoss):
            return _logistic_stability(loss, theta, theta_prime)
        return _box_stability(loss, theta, theta_prime)


def _quadratic_stability(loss: QuadraticLoss, theta: Vector, theta_prime: Vector) -> Any:
    delta = difference(theta, theta_prime)
    total = (
        theta + theta_prime
        if not is_vector(theta)
        else tuple(a + b for a, b in zip(theta, theta_prime, strict=True))
    )
    l1 = sum(abs(x) for x in delta) if is_vector(delta) else abs(delta)
    return divide(loss.strong_convexity * (abs(dot(delta, total)) + 2 * loss.radius * l1), 2)


# --------------------------------------------------------------------------- numeric search


def _golden_max(h: Callable[[Any], Any], low: Any, high: Any, iterations: int) -> Any:
    """Golden-section search for a maximum of ``h`` on ``[low, high]``; returns the argmax."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    hc, hd = h(c), h(d)
    for _ in range(iterations):
        if hc >= hd:
            b, d, hd = d, c, hc
            c = b - ratio * (b - a)
            hc = h(c)
        else:
            a, c, hc = c, d, hd
            d = a + ratio * (b - a)
            hd = h(d)
    return c if hc >= hd else d


def _maximise_on_interval(
    h: Callable[[Any], Any], low: Any, high: Any, *, points: int = GRID_POINTS
) -> Any:
    """``max h`` on ``[low, high]``: a dense grid, then golden section around the best
    grid points (the three largest local maxima of the grid)."""
    low, high = to_mpf(low), to_mpf(high)
    step = (high - low) / (points - 1)
    xs = [low + i * step for i in range(points)]
    values = [h(x) for x in xs]
    peaks = [
        i
        for i in range(points)
        if (i == 0 or values[i] >= values[i - 1])
        and (i == points - 1 or values[i] >= values[i + 1])
    ]
    peaks.sort(key=lambda i: values[i], reverse=True)
    best = max(values)
    iterations = int(mpmath.mp.prec * 1.45) + 10  # golden section gains 0.69 bits per step
    for i in peaks[:3]:
        left, right = xs[max(i - 1, 0)], xs[min(i + 1, points - 1)]
        best = max(best, h(_golden_max(h, left, right, iterations)))
    return best


def _logistic_stability(loss: LogisticLoss, theta: Vector, theta_prime: Vector) -> Any:
    """``sup_{||x|| <= B, y = +-1} |softplus(-y<x, theta>) - softplus(-y<x, theta'>)|``.

    The ball is symmetric, so ``y = -1`` at ``x`` is ``y = +1`` at ``-x`` and only
    ``h(x) = softplus(-<x, theta>) - softplus(-<x, theta'>)`` over the ball matters; ``h``
    depends on ``x`` through its projection on ``span(theta, theta')``.  When ``theta``
    and ``theta'`` are parallel (always in 1-D) the search is over the segment
    ``x = s u``, ``|s| <= B``; otherwise ``grad h = -sigmoid(-<x,theta>) theta +
    sigmoid(-<x,theta'>) theta'`` never vanishes, so ``h`` peaks and dips on the boundary
    circle of radius ``B`` in that plane, searched over its angle.  Both searches are a
    dense grid plus golden-section refinement (an ``mpf``; a lower estimate of the sup,
    accurate to the working precision once the grid brackets the maximiser).
    """
    theta = tuple(to_mpf(x) for x in theta) if is_vector(theta) else (to_mpf(theta),)
    theta_prime = (
        tuple(to_mpf(x) for x in theta_prime) if is_vector(theta_prime) else (to_mpf(theta_prime),)
    )
    radius = to_mpf(loss.feature_bound)

    def gap(u: Any, v: Any) -> Any:  # u = <x, theta>, v = <x, theta'>
        return abs(softplus(-u) - softplus(-v))

    first = _unit(theta) or _unit(theta_prime)
    if first is None:
        return mpmath.mpf(0)
    residual = _orthogonal_part(theta_prime, first) or _orthogonal_part(theta, first)
    a1, b1 = dot(theta, first), dot(theta_prime, first)
    if residual is None:  # parallel: x = s * first
        return _maximise_on_interval(lambda s: gap(s * a1, s * b1), -radius, radius)
    second = residual
    a2, b2 = dot(theta, second), dot(theta_prime, second)

    def on_circle(phi: Any) -> Any:
        c, s = radius * mpmath.cos(phi), radius * mpmath.sin(phi)
        return gap(c * a1 + s * a2, c * b1 + s * b2)

    return _maximise_on_interval(on_circle, 0, 2 * mpmath.pi)


def _unit(v: tuple) -> tuple | None:
    norm = mpmath.sqrt(sum(x * x for x in v))
    if norm == 0:
        return None
    return tuple(x / norm for x in v)


def _orthogonal_part(v: tuple, unit: tuple) -> tuple | None:
    """The unit vector along ``v - <v, unit> unit``, or ``None`` when (numerically) zero."""
    projection = dot(v, unit)
    rest = tuple(x - projection * u for x, u in zip(v, unit, strict=True))
    scale = mpmath.sqrt(sum(x * x for x in v))
    norm = mpmath.sqrt(sum(x * x for x in rest))
    if scale == 0 or norm <= scale * mpmath.mpf(2) ** (-mpmath.mp.prec // 2):
        return None
    return tuple(x / norm for x in rest)


def _box_stability(loss: Loss, theta: Vector, theta_prime: Vector) -> Any:
    """Generic fallback: maximise ``|l(theta; z) - l(theta'; z)|`` over a compact box.

    Samples are scalars (a box of dimension 1 or unspecified) or tuples (a box with tuple
    bounds).  A grid of about :data:`BOX_GRID_POINTS` points, then cyclic coordinate-wise
    golden-section refinement from the best grid point.
    """
    box = loss.data_domain
    if not isinstance(box, Box) or not box.is_compact:
        raise ParameterError(
            "loss", "a known loss family, or a data_domain that is a compact Box", loss
        )
    size = box.dimension or 1
    bounds = [(to_mpf(lo), to_mpf(hi)) for lo, hi in box.bounds(size)]
    theta = _to_mpf_point(theta)
    theta_prime = _to_mpf_point(theta_prime)

    def sample(coordinates: Sequence[Any]) -> Any:
        return tuple(coordinates) if box.dimension is not None else coordinates[0]

    def h(coordinates: Sequence[Any]) -> Any:
        z = sample(coordinates)
        return abs(to_mpf(loss.value(theta, z)) - to_mpf(loss.value(theta_prime, z)))

    if size == 1:
        return _maximise_on_interval(lambda x: h([x]), *bounds[0])
    per_axis = max(int(BOX_GRID_POINTS ** (1 / size)), 3)
    axes = [[lo + (hi - lo) * i / (per_axis - 1) for i in range(per_axis)] for lo, hi in bounds]
    best_point, best = None, mpmath.mpf(-1)
    for point in product(*axes):
        value = h(point)
        if value > best:
            best_point, best = list(point), value
    iterations = int(mpmath.mp.prec * 1.45) + 10
    for _ in range(3):  # cyclic coordinate refinement
        for k, (lo, hi) in enumerate(bounds):
            width = (hi - lo) / (per_axis - 1)
            left, right = max(lo, best_point[k] - width), min(hi, best_point[k] + width)

            def along(x: Any, k: int = k) -> Any:
                return h(best_point[:k] + [x] + best_point[k + 1 :])

            candidate = _golden_max(along, left, right, iterations)
            value = along(candidate)
            if value > best:
                best_point[k], best = candidate, value
    return best


def _to_mpf_point(point: Vector) -> Vector:
    return tuple(to_mpf(x) for x in point) if is_vector(point) else to_mpf(point)


# --------------------------------------------------------------------------- Lemma 4.1


def generalization_error_lemma41(
    theta_1: Any,
    theta_2: Any,
    L: Any,
    honest_count: int,
    *,
    dirac_values: Sequence[Any] | None = None,
    dimension: int = 1,
) -> Any:
    """Expected generalization error ``E[R_H(A(S)) - R_S(A(S))]`` of Lemma 4.1.

    In ``dimension`` ``d > 1`` (boundkit's variant of (B3), not in the paper) the loss is
    ``<z, theta>`` on ``R^d``, the pivot draws ``-L`` or ``+L`` times the last basis
    vector, and ``theta_k`` and the Dirac values are ``d``-tuples (default the origin).

    Setting (docs/theory.md, section 4): ``m = 1``, linear loss ``l(theta; z) = z theta``,
    ``h = honest_count`` honest workers; worker ``i >= 2`` has the Dirac distribution at
    ``dirac_values[i-2]`` (default 0), the pivot worker draws ``z1 = -L`` or ``z2 = +L``
    with probability 1/2.  The two possible datasets are ``S1`` (pivot holds ``z1``) and
    ``S2`` (``z2``), with outputs ``theta_1 = A(S1)`` and ``theta_2 = A(S2)``.

    Computed from the definitions: the honest population risk
    ``R_H(theta) = (1/h) sum_i E_{z ~ D_i} l(theta; z)``, the empirical risk
    ``R_S(theta) = (1/h) sum_i l(theta; z_i)``, and the average of
    ``R_H(theta_k) - R_S_k(theta_k)`` over ``k = 1, 2``.  Exact for exact inputs.
    """
    require_positive("L", L)
    if isinstance(honest_count, bool) or not isinstance(honest_count, int) or honest_count < 1:
        raise ParameterError("honest_count", "an integer >= 1", honest_count)
    loss = LinearLoss(L, dimension)
    for name, value in (("theta_1", theta_1), ("theta_2", theta_2)):
        if dimension > 1:
            require_point(name, dimension, value)
        elif not is_finite_real(value):
            raise ParameterError(name, "a finite real number", value)
    origin = 0 if dimension == 1 else (0,) * dimension
    others = tuple(dirac_values) if dirac_values is not None else (origin,) * (honest_count - 1)
    if len(others) != honest_count - 1:
        raise ParameterError("dirac_values", f"{honest_count - 1} values (h - 1)", len(others))
    for value in others:
        if not loss.data_domain.contains(value):
            raise ParameterError("dirac_values", "|value| <= L", value)
    z1, z2 = (-L, L) if dimension == 1 else ((0,) * (dimension - 1) + (s,) for s in (-L, L))
    pivot_law = ((z1, divide(1, 2)), (z2, divide(1, 2)))

    def population_risk(theta: Any) -> Any:
        pivot = sum(p * loss.value(theta, z) for z, p in pivot_law)
        return divide(pivot + sum(loss.value(theta, c) for c in others), honest_count)

    def empirical_risk(theta: Any, pivot_sample: Any) -> Any:
        total = loss.value(theta, pivot_sample) + sum(loss.value(theta, c) for c in others)
        return divide(total, honest_count)

    outcomes = ((theta_1, z1), (theta_2, z2))
    gaps = [population_risk(theta) - empirical_risk(theta, z) for theta, z in outcomes]
    return sum(p * gap for (_, p), gap in zip(pivot_law, gaps, strict=True))


__all__ = [
    "generalization_error_lemma41",
    "lipschitz_stability_bound",
    "uniform_stability",
]
