"""Numbers and vectors for the losses and the simulator (docs/theory.md, section 1).

Parameters ``theta`` are scalars in dimension 1 and tuples of numbers in dimension ``d``
(:data:`Vector`).  This module holds the finite-number checks, the conversions between
number types, the scalar-or-tuple vector helpers (exact whenever the inputs are rational)
and the two arithmetics of a run.

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
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Literal

import mpmath

from boundkit.errors import ParameterError

#: a parameter or gradient: a number (dimension 1) or a tuple of numbers (dimension d)
Vector = Any
#: converts one input number to the arithmetic's number type
NumberConverter = Callable[[object], Any]
#: the number type a run computes in (see the module docstring)
Arithmetic = Literal["mpmath", "fraction"]

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


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_int(name: str, value: object, minimum: int) -> None:
    if not is_int(value) or value < minimum:  # type: ignore[operator]
        raise ParameterError(name, f"an integer >= {minimum}", value)


def require_numbers(name: str, value: object) -> None:
    """Every leaf of a (nested) tuple is a finite real number."""
    if isinstance(value, tuple):
        for item in value:
            require_numbers(name, item)
    elif not is_finite_real(value):
        raise ParameterError(name, "finite real numbers (no NaN, infinity or bool)", value)


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


def number_converter(arithmetic: Arithmetic) -> NumberConverter:
    return _to_fraction if arithmetic == "fraction" else _to_mpf


__all__ = [
    "Arithmetic",
    "NumberConverter",
    "Vector",
    "convert_nested",
    "difference",
    "dimension_of",
    "divide",
    "dot",
    "euclidean_norm",
    "exact_sqrt",
    "is_finite_real",
    "is_int",
    "is_vector",
    "less",
    "number_converter",
    "require_dimension",
    "require_finite_real",
    "require_int",
    "require_numbers",
    "require_point",
    "require_positive",
    "squared_norm",
    "to_mpf",
]
