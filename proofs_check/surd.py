"""Exact numbers ``a + b sqrt(d)`` (``a, b, d`` rational, ``d >= 0``) and their exact order.

The suprema of the Byzantine pushes are ends of intervals bounded by roots of quadratics
with rational coefficients: numbers of this form, with a different ``d`` for each pair of
quadratics.  :func:`sign` decides the sign of ``c + u sqrt(d1) + w sqrt(d2)`` exactly, by
squaring (never by a numerical tolerance), so any two such numbers compare exactly and
equal values compare equal.  :func:`between` finds a simple rational strictly between two
of them (integer square roots, refined until the enclosures separate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

Rational = Fraction | int


def _sgn(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def sign1(c: Fraction, u: Fraction, d: Fraction) -> int:
    """Sign of ``c + u sqrt(d)``, exactly."""
    if u == 0 or d == 0:
        return _sgn(c)
    su = _sgn(u)
    if c == 0 or _sgn(c) == su:
        return su
    return _sgn(c) * _sgn(c * c - u * u * d)


def sign(c: Fraction, u: Fraction, d1: Fraction, w: Fraction, d2: Fraction) -> int:
    """Sign of ``c + u sqrt(d1) + w sqrt(d2)``, exactly (one squaring)."""
    if w == 0 or d2 == 0:
        return sign1(c, u, d1)
    if u == 0 or d1 == 0:
        return sign1(c, w, d2)
    if d1 == d2:
        return sign1(c, u + w, d1)
    first, second = sign1(c, u, d1), _sgn(w)
    if first == 0:
        return second
    if first == second:
        return first
    # opposite signs: compare |c + u sqrt(d1)| with |w sqrt(d2)| through their squares
    return first * sign1(c * c + u * u * d1 - w * w * d2, 2 * c * u, d1)


@dataclass(frozen=True)
class Surd:
    """``a + b sqrt(d)``; ``d = 0`` (or ``b = 0``) for a rational."""

    a: Fraction
    b: Fraction = Fraction(0)
    d: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        """Fold ``sqrt(d)`` into ``a`` when ``d`` is the square of a rational."""
        if self.b and self.d:
            num, den = self.d.numerator, self.d.denominator
            rn, rd = math.isqrt(num), math.isqrt(den)
            if rn * rn == num and rd * rd == den:
                object.__setattr__(self, "a", self.a + self.b * Fraction(rn, rd))
                object.__setattr__(self, "b", Fraction(0))
                object.__setattr__(self, "d", Fraction(0))

    @staticmethod
    def of(x: Rational) -> Surd:
        return Surd(Fraction(x))

    def _field(self, other: Surd) -> Fraction:
        if self.b == 0 or self.d == 0:
            return other.d
        if other.b == 0 or other.d == 0 or other.d == self.d:
            return self.d
        raise ArithmeticError(f"sqrt({self.d}) and sqrt({other.d}) in one product")

    def __add__(self, other: Surd | Rational) -> Surd:
        o = other if isinstance(other, Surd) else Surd.of(other)
        if o.b == 0:
            return Surd(self.a + o.a, self.b, self.d)
        return (
            Surd(self.a + o.a, self.b + o.b, self._field(o))
            if self.b
            else Surd(self.a + o.a, o.b, o.d)
        )

    def __neg__(self) -> Surd:
        return Surd(-self.a, -self.b, self.d)

    def __sub__(self, other: Surd | Rational) -> Surd:
        o = other if isinstance(other, Surd) else Surd.of(other)
        return self + (-o)

    def __mul__(self, other: Surd | Rational) -> Surd:
        if not isinstance(other, Surd):
            return Surd(self.a * other, self.b * other, self.d)
        d = self._field(other)
        return Surd(
            self.a * other.a + self.b * other.b * d,
            self.a * other.b + self.b * other.a,
            d,
        )

    __rmul__ = __mul__

    def reciprocal(self) -> Surd:
        """``1/self`` (``self != 0``): ``(a - b sqrt(d))/(a^2 - b^2 d)``, or ``1/a`` when
        ``a^2 = b^2 d`` (then ``sqrt(d)`` is rational and ``self = 2a`` or ``0``)."""
        norm = self.a * self.a - self.b * self.b * self.d
        if self.b == 0 or self.d == 0:
            return Surd(1 / self.a)
        if norm == 0:  # sqrt(d) = |a/b|: self is the rational a + sign(b) |a|
            return Surd(1 / (self.a + (1 if self.b > 0 else -1) * abs(self.a)))
        return Surd(self.a / norm, -self.b / norm, self.d)

    def __truediv__(self, other: Surd | Rational) -> Surd:
        if not isinstance(other, Surd):
            return Surd(self.a / other, self.b / other, self.d)
        return self * other.reciprocal()

    def compare(self, other: Surd | Rational) -> int:
        """Sign of ``self - other``, exactly."""
        o = other if isinstance(other, Surd) else Surd.of(other)
        return sign(self.a - o.a, self.b, self.d, -o.b, o.d)

    def __lt__(self, other: Surd | Rational) -> bool:
        return self.compare(other) < 0

    def __le__(self, other: Surd | Rational) -> bool:
        return self.compare(other) <= 0

    def __gt__(self, other: Surd | Rational) -> bool:
        return self.compare(other) > 0

    def __ge__(self, other: Surd | Rational) -> bool:
        return self.compare(other) >= 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Surd | Fraction | int):
            return NotImplemented
        return self.compare(other) == 0

    def __hash__(self) -> int:
        return hash((self.a, self.b, self.d))

    def enclosure(self, bits: int) -> tuple[Fraction, Fraction]:
        """Rationals ``lo <= self <= hi`` with ``hi - lo <= |b| 2**-bits``-ish."""
        if self.b == 0 or self.d == 0:
            return self.a, self.a
        num, den = self.d.numerator, self.d.denominator
        root = math.isqrt(num * den << (2 * bits))  # sqrt(d) ~ root / (den 2**bits)
        lo, hi = Fraction(root, den << bits), Fraction(root + 1, den << bits)
        ends = (self.a + self.b * lo, self.a + self.b * hi)
        return min(ends), max(ends)

    def sympy(self) -> sp.Expr:
        """The same number as a SymPy expression."""
        return sp.Rational(self.a) + sp.Rational(self.b) * sp.sqrt(sp.Rational(self.d))

    def __float__(self) -> float:
        return float(self.a) + float(self.b) * math.sqrt(self.d)


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """A rational of small denominator in the open interval ``(lo, hi)``, ``lo < hi``
    (continued fractions: an integer if one fits, else ``floor + 1/y`` recursively)."""
    floor = lo.numerator // lo.denominator
    if floor + 1 < hi:
        return Fraction(floor + 1)
    if lo == floor:
        return floor + Fraction(1, int(1 / (hi - floor)) + 1)
    return floor + 1 / simplest_between(1 / (hi - floor), 1 / (lo - floor))


def between(x: Surd, y: Surd) -> Fraction:
    """A simple rational strictly between ``x < y`` (enclosures refined until they part)."""
    if not x < y:
        raise ValueError("between needs x < y")
    bits = 16
    while True:
        _, x_hi = x.enclosure(bits)
        y_lo, _ = y.enclosure(bits)
        if x_hi < y_lo:
            return simplest_between(x_hi, y_lo)
        bits *= 2
