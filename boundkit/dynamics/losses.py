"""Loss families, their constants, and the sets they are stated on (THEORY.md section 1).

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

The module also holds the small vocabulary the losses are stated in: finite-number
checks, the scalar-or-tuple vector helpers, and the domains :class:`Box`, :class:`Ball`
and :class:`LabelledBall`.  A :class:`Box` is also the Euclidean projection onto itself,
which is how :mod:`boundkit.dynamics.simulate` uses it.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, ClassVar

import mpmath

from boundkit.errors import ParameterError

#: a parameter or gradient: a number (dimension 1) or a tuple of numbers (dimension d)
Vector = Any
#: converts one input number to the arithmetic's number type
NumberConverter = Callable[[object], Any]

# --------------------------------------------------------------------------- numbers


def is_finite_real(value: object) -> bool:
    """True for a finite real number (int, Fraction, float, mpf, ...); False for bools."""
    if isinstance(value, bool):
        return False
    if isinstance(value, mpmath.mpf):
        return bool(mpmath.isfinite(value))
    if isinstance(value, numbers.Rational):
        return True
    if isinstance(value, numbers.Real):
        try:
            return math.isfinite(float(value))
        except (OverflowError, TypeError, ValueError):
            return False
    return False


def require_finite_real(name: str, value: object) -> None:
    """Raise :class:`ParameterError` unless ``value`` is a finite real number."""
    if not is_finite_real(value):
        raise ParameterError(name, "a finite real number (no NaN, infinity or bool)", value)


def require_positive(name: str, value: object) -> None:
    """Raise :class:`ParameterError` unless ``value`` is a finite real number ``> 0``."""
    require_finite_real(name, value)
    if not value > 0:  # type: ignore[operator]
        raise ParameterError(name, f"{name} > 0", value)


def require_dimension(name: str, value: object) -> None:
    """Raise :class:`ParameterError` unless ``value`` is an integer ``>= 1``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(name, "an integer >= 1", value)


def less(a: Any, b: Any) -> bool:
    """``a < b``, also between an ``mpf`` and a ``Fraction`` (which ``mpmath`` refuses)."""
    try:
        return bool(a < b)
    except TypeError:
        return bool(to_mpf(a) < to_mpf(b))


def to_mpf(u: Any) -> Any:
    """``u`` as an ``mpf`` at the current precision (rationals divided in ``mpf``)."""
    if isinstance(u, mpmath.mpf):
        return u
    if isinstance(u, numbers.Rational):
        return mpmath.mpf(u.numerator) / u.denominator
    return mpmath.mpf(u)


# --------------------------------------------------------------------------- vectors


def require_point(name: str, dimension: int, point: object) -> None:
    """Raise :class:`ParameterError` unless ``point`` is a finite point of ``R^dimension``
    (a number when ``dimension == 1``, a tuple of ``dimension`` numbers otherwise)."""
    shaped = is_vector(point) == (dimension > 1) and dimension_of(point) == dimension
    leaves = point if is_vector(point) else (point,)
    if not shaped or not all(is_finite_real(x) for x in leaves):  # type: ignore[union-attr]
        raise ParameterError(name, f"a finite point of dimension {dimension}", point)


def is_vector(x: Vector) -> bool:
    """True for a d-dimensional point (a tuple); False for a scalar (dimension 1)."""
    return isinstance(x, tuple)


def dot(u: Vector, v: Vector) -> Any:
    """``<u, v>``; the plain product for scalars."""
    if is_vector(u):
        return sum(a * b for a, b in zip(u, v, strict=True))
    return u * v


def difference(theta: Vector, z: Vector) -> Vector:
    """``theta - z`` (coordinate-wise for tuples)."""
    if is_vector(theta):
        return tuple(t - s for t, s in zip(theta, z, strict=True))
    return theta - z


def squared_norm(v: Vector) -> Any:
    """``||v||^2`` in the number type of ``v``."""
    return dot(v, v)


def divide(x: Any, y: Any) -> Any:
    """``x / y`` that keeps two integers exact (a ``Fraction``, not a float)."""
    if isinstance(x, int) and isinstance(y, int):
        return Fraction(x, y)
    return x / y


def exact_sqrt(x: Any) -> Any:
    """``sqrt(x)``: exact for perfect squares of integers and fractions, else approximate.

    ``float`` gives ``math.sqrt``; a non-square rational or an ``mpf`` gives
    ``mpmath.sqrt`` at the current ``mpmath.mp.dps`` (an ``mpf``).
    """
    if isinstance(x, numbers.Rational) and not isinstance(x, bool):
        q = Fraction(x.numerator, x.denominator)
        if q >= 0:
            top, bottom = math.isqrt(q.numerator), math.isqrt(q.denominator)
            if top * top == q.numerator and bottom * bottom == q.denominator:
                return Fraction(top, bottom) if bottom != 1 else top
        return mpmath.sqrt(mpmath.mpf(q.numerator) / q.denominator)
    if isinstance(x, float):
        return math.sqrt(x)
    return mpmath.sqrt(x)


def euclidean_norm(v: Vector) -> Any:
    """``||v||_2``: ``abs`` in dimension 1 (exact), :func:`exact_sqrt` of ``||v||^2`` else."""
    if is_vector(v):
        return exact_sqrt(squared_norm(v))
    return abs(v)


def dimension_of(x: Vector) -> int:
    """1 for a scalar, ``len(x)`` for a tuple."""
    return len(x) if is_vector(x) else 1


def convert_nested(value: object, to_number: NumberConverter) -> Any:
    """Apply ``to_number`` to every number of a (nested) tuple; other leaves are kept."""
    if isinstance(value, tuple):
        return tuple(convert_nested(item, to_number) for item in value)
    return to_number(value)


# --------------------------------------------------------------------------- domains

Bound = Any  # a number, None (unbounded), or a tuple of those (one per coordinate)


def _bound_at(bound: Bound, index: int) -> Any:
    return bound[index] if isinstance(bound, tuple) else bound


@dataclass(frozen=True)
class Box:
    """The closed box ``{x : lower_i <= x_i <= upper_i}``; ``None`` means unbounded.

    ``lower`` and ``upper`` are numbers (the same bound on every coordinate), ``None``,
    or tuples with one entry per coordinate.  ``Box(0, None)`` is the half-space
    ``theta >= 0``; ``Box(None, None)`` is the whole space.

    Calling a box projects onto it: the Euclidean projection onto a box clamps each
    coordinate.  Projections onto closed convex sets are non-expansive,
    ``||P(x) - P(y)|| <= ||x - y||`` (THEORY.md section 1), so every upper bound holds for
    the projected algorithms too.  The bounds must be comparable with the points (the
    simulator converts them with :meth:`converted`).
    """

    lower: Bound = None
    upper: Bound = None

    def __post_init__(self) -> None:
        lower_vec, upper_vec = isinstance(self.lower, tuple), isinstance(self.upper, tuple)
        if lower_vec and upper_vec and len(self.lower) != len(self.upper):
            raise ParameterError(
                "lower, upper", "tuples of the same length", (self.lower, self.upper)
            )
        size = self.dimension or 1
        for i in range(size):
            lo, hi = _bound_at(self.lower, i), _bound_at(self.upper, i)
            for name, b in (("lower", lo), ("upper", hi)):
                if b is not None:
                    require_finite_real(name, b)
            if lo is not None and hi is not None and less(hi, lo):
                raise ParameterError("lower, upper", "lower <= upper", (lo, hi))

    @property
    def dimension(self) -> int | None:
        """The number of coordinates fixed by tuple bounds, else ``None`` (any)."""
        for b in (self.lower, self.upper):
            if isinstance(b, tuple):
                return len(b)
        return None

    @property
    def is_compact(self) -> bool:
        """True when every bound is finite (no ``None``)."""
        size = self.dimension or 1
        return all(
            _bound_at(b, i) is not None for b in (self.lower, self.upper) for i in range(size)
        )

    def bounds(self, dimension: int) -> tuple[tuple[Any, Any], ...]:
        """``((lower_1, upper_1), ..., (lower_d, upper_d))`` for ``dimension`` coordinates."""
        if self.dimension is not None and self.dimension != dimension:
            raise ParameterError("dimension", f"== {self.dimension} (the box's)", dimension)
        return tuple((_bound_at(self.lower, i), _bound_at(self.upper, i)) for i in range(dimension))

    def _clamp(self, x: Any, index: int) -> Any:
        lo, hi = _bound_at(self.lower, index), _bound_at(self.upper, index)
        if lo is not None and less(x, lo):
            return lo
        if hi is not None and less(hi, x):
            return hi
        return x

    def __call__(self, theta: Vector) -> Vector:
        """The Euclidean projection of ``theta`` onto the box (non-expansive)."""
        if is_vector(theta):
            return tuple(self._clamp(x, i) for i, x in enumerate(theta))
        return self._clamp(theta, 0)

    def contains(self, x: Vector) -> bool:
        """True when ``x`` lies in the box."""
        if self.dimension is not None and dimension_of(x) != self.dimension:
            return False
        return self(x) == x

    def converted(self, to_number: NumberConverter) -> Box:
        """The same box with its bounds in the number type of ``to_number``."""

        def conv(b: Bound) -> Bound:
            if isinstance(b, tuple):
                return tuple(None if x is None else to_number(x) for x in b)
            return None if b is None else to_number(b)

        return Box(conv(self.lower), conv(self.upper))


@dataclass(frozen=True)
class Ball:
    """The closed Euclidean ball ``{x in R^d : ||x|| <= radius}`` (scalars when ``d = 1``)."""

    radius: Any
    dimension: int = 1

    def __post_init__(self) -> None:
        require_positive("radius", self.radius)
        require_dimension("dimension", self.dimension)

    def contains(self, x: Vector) -> bool:
        """True when ``x`` has the right shape and ``||x||^2 <= radius^2`` (exact)."""
        if is_vector(x) != (self.dimension > 1) or dimension_of(x) != self.dimension:
            return False
        return not less(self.radius * self.radius, squared_norm(x))


@dataclass(frozen=True)
class LabelledBall:
    """Labelled features ``z = (x, y)`` with ``x`` in :class:`Ball` and ``y`` in ``{-1, +1}``."""

    radius: Any
    dimension: int = 1

    @property
    def features(self) -> Ball:
        return Ball(self.radius, self.dimension)

    def contains(self, z: object) -> bool:
        if not (isinstance(z, tuple) and len(z) == 2):
            return False
        x, y = z
        return y in (-1, 1) and self.features.contains(x)


# --------------------------------------------------------------------------- losses


class Loss(ABC):
    """A loss ``l(theta; z)`` with its constants (THEORY.md section 1).

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
    """``l(theta; z) = <z, theta>`` with ``||z|| <= bound`` (THEORY.md (P1), (B1), Lemma 4.1).

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
    """``l(theta; z) = (mu/2) ||theta - z||^2`` on the box ``[-R, R]^d`` (THEORY.md (P2)).

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
    """``l(theta; (a, b)) = a theta + (b/2) theta^2`` on ``[0, domain_upper]`` (THEORY.md (P3)).

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
    "Ball",
    "Box",
    "LabelledBall",
    "LinearLoss",
    "LinearQuadraticLoss",
    "LinearQuadraticSamples",
    "LogisticLoss",
    "Loss",
    "QuadraticLoss",
    "convert_nested",
    "difference",
    "dimension_of",
    "dot",
    "divide",
    "euclidean_norm",
    "exact_sqrt",
    "is_finite_real",
    "is_vector",
    "less",
    "require_finite_real",
    "require_point",
    "require_positive",
    "softplus",
    "to_mpf",
    "squared_norm",
]
