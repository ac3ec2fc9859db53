"""The sets losses are stated on: :class:`Box`, :class:`Ball`, :class:`LabelledBall`.

A :class:`Box` is also the Euclidean projection onto itself, which is how a
:class:`boundkit.dynamics.problem.Problem` uses it as its ``projection``
(docs/theory.md, section 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boundkit.dynamics.arithmetic import (
    NumberConverter,
    Vector,
    dimension_of,
    is_vector,
    less,
    require_dimension,
    require_finite_real,
    require_positive,
    squared_norm,
)
from boundkit.errors import ParameterError

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
    ``||P(x) - P(y)|| <= ||x - y||`` (docs/theory.md, section 1), so every upper bound holds for
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


__all__ = [
    "Ball",
    "Box",
    "LabelledBall",
]
