"""Loss families, their constants, and the sets they are stated on (docs/theory.md, section 1).

A :class:`Loss` gives ``value(theta, z)`` and ``gradient(theta, z)`` together with the
constants the bounds are stated in: ``lipschitz`` (``L``: ``||grad l(theta; z)|| <= L``),
``smoothness`` (``beta``) and ``strong_convexity`` (``mu``, 0 when merely convex).  The
constants hold for ``theta`` in :attr:`Loss.domain` and ``z`` in :attr:`Loss.data_domain`;
the latter is the set the sup of uniform stability (Def. 2.4) ranges over.

Parameters ``theta`` are scalars in dimension 1 and tuples of numbers in dimension ``d``.
Arithmetic happens in the number type of the inputs: ``Fraction`` in gives ``Fraction``
out for the rational families (linear, quadratic, linear-quadratic); ``mpf`` in gives
``mpf`` out.  :meth:`Loss.converted` rewrites a loss's own constants into one number type
so that no operation mixes types (the simulator calls it once per run).
The numbers and vector helpers the losses are stated in live in
:mod:`boundkit.dynamics.arithmetic`, the sets in :mod:`boundkit.dynamics.domains`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import mpmath

from boundkit.dynamics.arithmetic import (
    NumberConverter,
    Vector,
    difference,
    divide,
    dot,
    exact_sqrt,
    is_finite_real,
    is_vector,
    less,
    require_dimension,
    require_positive,
    squared_norm,
    to_mpf,
)
from boundkit.dynamics.domains import Ball, Box, LabelledBall
from boundkit.errors import ParameterError


class Loss(ABC):
    """A loss ``l(theta; z)`` with its constants (docs/theory.md, section 1).

    Subclasses provide ``value`` and ``gradient`` and the attributes below (fields or
    properties): ``lipschitz`` (``L``: ``||grad l(theta; z)|| <= L``), ``smoothness``
    (``beta``: ``grad l(.; z)`` is ``beta``-Lipschitz), ``strong_convexity`` (``mu >= 0``;
    0 when merely convex), all valid for ``theta`` in ``domain`` (a :class:`Box`) and ``z``
    in ``data_domain`` (an object with ``contains(z)``; the sup of Def. 2.4 ranges over
    it), and ``dimension`` (``d``; 1 means scalar parameters).  ``rational`` says whether
    value and gradient are rational functions of rational inputs, i.e. whether exact
    ``Fraction`` arithmetic is possible.
    """

    lipschitz: Any
    smoothness: Any
    strong_convexity: Any
    domain: Box
    data_domain: Any
    dimension: int = 1

    #: names of the numeric constructor fields :meth:`converted` rewrites
    numeric_fields: ClassVar[tuple[str, ...]] = ()
    #: exact rational arithmetic is possible (value and gradient are rational functions)
    rational: ClassVar[bool] = True
    #: the gradient does not depend on ``theta`` (the simulator then computes it once)
    constant_gradient: ClassVar[bool] = False

    @abstractmethod
    def value(self, theta: Vector, z: Any) -> Any:
        """``l(theta; z)``."""

    @abstractmethod
    def gradient(self, theta: Vector, z: Any) -> Vector:
        """``grad_theta l(theta; z)`` (same shape as ``theta``)."""

    def converted(self, to_number: NumberConverter) -> Loss:
        """The same loss with its numeric constants in the number type of ``to_number``.

        Rewrites the dataclass fields named in ``numeric_fields``; a loss without any
        (e.g. a user loss) is returned unchanged.
        """
        if not self.numeric_fields:
            return self
        return replace(  # type: ignore[type-var]
            self, **{name: to_number(getattr(self, name)) for name in self.numeric_fields}
        )


@dataclass(frozen=True)
class LinearLoss(Loss):
    """``l(theta; z) = <z, theta>`` with ``||z|| <= bound`` ((P1), (B1), Lemma 4.1).

    Convex, ``L = bound``, smooth for every ``beta`` (reported ``beta = 0``), ``mu = 0``;
    ``theta`` ranges over all of ``R^d``.  In dimension 1 samples are scalars with
    ``|z| <= bound``; in dimension ``d`` tuples in the Euclidean ball of radius ``bound``.
    The gradient ``z`` does not depend on ``theta``.
    """

    bound: Any
    dimension: int = 1

    numeric_fields: ClassVar[tuple[str, ...]] = ("bound",)
    constant_gradient: ClassVar[bool] = True

    def __post_init__(self) -> None:
        require_positive("bound", self.bound)
        require_dimension("dimension", self.dimension)

    def value(self, theta: Vector, z: Any) -> Any:
        return dot(z, theta)

    def gradient(self, theta: Vector, z: Any) -> Vector:
        return z

    @property
    def lipschitz(self) -> Any:
        return self.bound

    @property
    def smoothness(self) -> Any:
        return 0

    @property
    def strong_convexity(self) -> Any:
        return 0

    @property
    def domain(self) -> Box:
        return Box(None, None)

    @property
    def data_domain(self) -> Box | Ball:
        if self.dimension == 1:
            return Box(-self.bound, self.bound)
        return Ball(self.bound, self.dimension)


@dataclass(frozen=True)
class QuadraticLoss(Loss):
    """``l(theta; z) = (mu/2) ||theta - z||^2`` on the box ``[-R, R]^d`` ((P2), App. D.3).

    ``mu = beta = strong_convexity``; ``theta`` and ``z`` range over ``[-R, R]^d``
    (``R = radius``), so ``||grad|| = mu ||theta - z|| <= 2 mu R sqrt(d)``: ``L = 2 mu R``
    in dimension 1 and ``2 mu R sqrt(d)`` in dimension ``d`` (exact when ``d`` is a
    perfect square, an ``mpf`` at the current precision otherwise).
    """

    strong_convexity: Any
    radius: Any
    dimension: int = 1

    numeric_fields: ClassVar[tuple[str, ...]] = ("strong_convexity", "radius")

    def __post_init__(self) -> None:
        require_positive("strong_convexity", self.strong_convexity)
        require_positive("radius", self.radius)
        require_dimension("dimension", self.dimension)

    def value(self, theta: Vector, z: Any) -> Any:
        return divide(self.strong_convexity * squared_norm(difference(theta, z)), 2)

    def gradient(self, theta: Vector, z: Any) -> Vector:
        mu = self.strong_convexity
        if is_vector(theta):
            return tuple(mu * (t - s) for t, s in zip(theta, z, strict=True))
        return mu * (theta - z)

    @property
    def lipschitz(self) -> Any:
        return 2 * self.strong_convexity * self.radius * exact_sqrt(self.dimension)

    @property
    def smoothness(self) -> Any:
        return self.strong_convexity

    @property
    def domain(self) -> Box:
        return Box(-self.radius, self.radius)

    @property
    def data_domain(self) -> Box:
        return Box(-self.radius, self.radius)


@dataclass(frozen=True)
class LinearQuadraticSamples:
    """Samples ``(a, b)`` of :class:`LinearQuadraticLoss`.

    ``|a| <= bound`` and ``0 <= b <= curvature_max``; with ``bounded_gradients`` also
    ``a + b * domain_upper <= bound``, i.e. ``|a + b theta| <= bound`` on the whole
    parameter interval ``[0, domain_upper]``.  The set is a polygon; :meth:`vertices`
    lists its corners (a linear function of ``(a, b)`` peaks at one of them).
    """

    bound: Any
    curvature_max: Any
    domain_upper: Any
    bounded_gradients: bool = False

    def contains(self, z: object) -> bool:
        if not (isinstance(z, tuple) and len(z) == 2 and all(is_finite_real(c) for c in z)):
            return False
        a, b = z
        if less(a, -self.bound) or less(self.bound, a) or less(b, 0):
            return False
        if less(self.curvature_max, b):
            return False
        return not (self.bounded_gradients and less(self.bound, a + b * self.domain_upper))

    def vertices(self) -> tuple[tuple[Any, Any], ...]:
        """Corners of the polygon (exact in the constants' number type)."""
        a_max, c, u = self.bound, self.curvature_max, self.domain_upper
        if not self.bounded_gradients:
            return ((-a_max, 0), (a_max, 0), (-a_max, c), (a_max, c))
        b_full = divide(2 * a_max, u)  # where a = -bound meets the line a + b u = bound
        if c >= b_full:
            return ((-a_max, 0), (a_max, 0), (-a_max, b_full))
        return ((-a_max, 0), (a_max, 0), (-a_max, c), (a_max - c * u, c))


@dataclass(frozen=True)
class LinearQuadraticLoss(Loss):
    """``l(theta; (a, b)) = a theta + (b/2) theta^2`` on ``[0, domain_upper]`` ((P3), App. D.4).

    Samples ``z = (a, b)`` with ``|a| <= bound`` and ``0 <= b <= curvature_max``
    (:class:`LinearQuadraticSamples`).  Convex (``b >= 0``), ``beta = curvature_max``,
    ``mu = 0``; ``L = sup |a + b theta|`` over the two domains, which is
    ``bound + curvature_max * domain_upper`` on the full sample box.  (P3) needs
    ``|grad| <= bound`` on the whole domain ("beyond ``2L/b`` the poisoned gradient exceeds
    ``L``"): ``bounded_gradients=True`` restricts the samples to
    ``a + b * domain_upper <= bound``, which makes ``L = bound``.
    """

    bound: Any
    curvature_max: Any
    domain_upper: Any
    bounded_gradients: bool = False

    numeric_fields: ClassVar[tuple[str, ...]] = ("bound", "curvature_max", "domain_upper")

    def __post_init__(self) -> None:
        require_positive("bound", self.bound)
        require_positive("curvature_max", self.curvature_max)
        require_positive("domain_upper", self.domain_upper)
        if not isinstance(self.bounded_gradients, bool):
            raise ParameterError("bounded_gradients", "a bool", self.bounded_gradients)

    def value(self, theta: Vector, z: Any) -> Any:
        a, b = z
        return a * theta + divide(b * theta * theta, 2)

    def gradient(self, theta: Vector, z: Any) -> Vector:
        a, b = z
        return a + b * theta

    @property
    def lipschitz(self) -> Any:
        # a + b*theta is affine in (a, b) and in theta: |.| peaks at a vertex of the
        # sample polygon with theta at an end of [0, domain_upper].
        return max(
            abs(a + b * theta)
            for a, b in self.data_domain.vertices()
            for theta in (0, self.domain_upper)
        )

    @property
    def smoothness(self) -> Any:
        return self.curvature_max

    @property
    def strong_convexity(self) -> Any:
        return 0

    @property
    def domain(self) -> Box:
        return Box(0, self.domain_upper)

    @property
    def data_domain(self) -> LinearQuadraticSamples:
        return LinearQuadraticSamples(
            self.bound, self.curvature_max, self.domain_upper, self.bounded_gradients
        )


def _uses_float(*values: object) -> bool:
    """True when some leaf is a float (then ``math`` is used instead of ``mpmath``)."""
    return any(_uses_float(*v) if isinstance(v, tuple) else isinstance(v, float) for v in values)


def softplus(u: Any, use_float: bool = False) -> Any:
    """``log(1 + exp(u))``, overflow-free: ``max(u, 0) + log1p(exp(-|u|))``."""
    if use_float:
        u = float(u)
        return max(u, 0.0) + math.log1p(math.exp(-abs(u)))
    u = to_mpf(u)
    return max(u, 0) + mpmath.log1p(mpmath.exp(-abs(u)))


def _sigmoid(u: Any, use_float: bool) -> Any:
    """``1 / (1 + exp(-u))``, overflow-free."""
    if use_float:
        u = float(u)
        e = math.exp(-abs(u))
        return 1.0 / (1.0 + e) if u >= 0 else e / (1.0 + e)
    return 1 / (1 + mpmath.exp(-to_mpf(u)))


@dataclass(frozen=True)
class LogisticLoss(Loss):
    """``l(theta; (x, y)) = log(1 + exp(-y <x, theta>))``, ``||x|| <= B``, ``y = +-1``.

    Convex, ``L = B`` (``|sigmoid| <= 1``), ``beta = B^2/4`` (``sigmoid' <= 1/4``),
    ``mu = 0``.  ``theta`` ranges over the box ``[-r, r]^d`` (``r = parameter_radius``;
    the interval in dimension 1), on which the loss is bounded by ``log(1 + exp(B r
    sqrt(d)))``.  Samples ``z = (x, y)`` with ``x`` a scalar (``d = 1``) or a tuple.

    Numbers: with a float anywhere in the inputs, ``math`` is used and a float returned;
    otherwise (ints, ``Fraction``, ``mpf``) ``mpmath`` at the current ``mpmath.mp.dps``
    and an ``mpf`` is returned -- the loss is transcendental, so there is no exact
    ``Fraction`` result (``rational = False``; the simulator refuses the ``"fraction"``
    arithmetic for it).  Both formulas are overflow-free
    (``softplus(u) = max(u, 0) + log1p(exp(-|u|))``).
    """

    feature_bound: Any
    parameter_radius: Any
    dimension: int = 1

    numeric_fields: ClassVar[tuple[str, ...]] = ("feature_bound", "parameter_radius")
    rational: ClassVar[bool] = False

    def __post_init__(self) -> None:
        require_positive("feature_bound", self.feature_bound)
        require_positive("parameter_radius", self.parameter_radius)
        require_dimension("dimension", self.dimension)

    def value(self, theta: Vector, z: Any) -> Any:
        x, y = z
        margin = y * dot(x, theta)
        return softplus(-margin, _uses_float(theta, x, y))

    def gradient(self, theta: Vector, z: Any) -> Vector:
        x, y = z
        use_float = _uses_float(theta, x, y)
        weight = -y * _sigmoid(-y * dot(x, theta), use_float)  # d/d<x,theta> of the loss
        if is_vector(x):
            return tuple(weight * xi for xi in x)
        return weight * x

    @property
    def lipschitz(self) -> Any:
        return self.feature_bound

    @property
    def smoothness(self) -> Any:
        return divide(self.feature_bound * self.feature_bound, 4)

    @property
    def strong_convexity(self) -> Any:
        return 0

    @property
    def domain(self) -> Box:
        return Box(-self.parameter_radius, self.parameter_radius)

    @property
    def data_domain(self) -> LabelledBall:
        return LabelledBall(self.feature_bound, self.dimension)


__all__ = [
    "LinearLoss",
    "LinearQuadraticLoss",
    "LinearQuadraticSamples",
    "LogisticLoss",
    "Loss",
    "QuadraticLoss",
    "softplus",
]
