"""The exact supremum of SMEA's output under a one-value Byzantine push, by brute force.

Independent of the registry and of :mod:`constructions`: every sub-multiset of ``h = n - f``
of the messages (``f`` Byzantine copies of one value ``v`` beside the honest pool, docs/theory.md,
s. 1, Def. 2.3) is a candidate window; its variance is a quadratic in ``v`` with rational
coefficients and its mean is linear in ``v``.  Sweeping ``v`` from ``-oo`` to ``+oo``, the
selected window (least variance, ties to the smallest mean: the lowest-start rule) changes
only where two variance parabolas cross, at numbers ``a + b sqrt(d)``
(:class:`proofs_check.surd.Surd`), all compared exactly.  The supremum of the output over
``v`` is the largest of the interval-end limits and of the values at the crossings:
exact, attained or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from proofs_check.surd import Surd

Pool = Sequence[tuple[Fraction, int]]


@dataclass(frozen=True)
class Window:
    """``copies`` Byzantine values beside honest values summing to ``total``."""

    copies: int
    total: Fraction

    def mean(self, v: Surd, size: int) -> Surd:
        return (v * self.copies + self.total) * Fraction(1, size)


@dataclass(frozen=True)
class Parabola:
    """``size^2 Var(window)`` as ``a v^2 + b v + c`` (the same for every window of a class)."""

    a: Fraction
    b: Fraction
    c: Fraction

    def at(self, v: Surd) -> Surd:
        return v * v * self.a + v * self.b + self.c

    def slope(self, v: Surd) -> Surd:
        return v * (2 * self.a) + self.b

    def roots(self) -> list[Surd]:
        """Real roots, exactly (a constant difference has none)."""
        a, b, c = self.a, self.b, self.c
        if a == 0:
            return [] if b == 0 else [Surd.of(-c / b)]
        disc = b * b - 4 * a * c
        if disc < 0:
            return []
        if disc == 0:
            return [Surd.of(-b / (2 * a))]
        half = Fraction(1) / (2 * a)
        return sorted([Surd(-b * half, -abs(half), disc), Surd(-b * half, abs(half), disc)])

    def __sub__(self, other: Parabola) -> Parabola:
        return Parabola(self.a - other.a, self.b - other.b, self.c - other.c)


def windows(honest: Pool, copies_max: int) -> dict[Parabola, list[Window]]:
    """Every window of ``sum(counts)`` messages with ``<= copies_max`` Byzantine copies,
    grouped by variance parabola (windows with the same parabola tie for every ``v``)."""
    size = sum(c for _, c in honest)
    classes: dict[Parabola, list[Window]] = {}
    for copies in range(copies_max + 1):
        for counts in product(*(range(c + 1) for _, c in honest)):
            if sum(counts) != size - copies:
                continue
            total = sum((x * k for (x, _), k in zip(honest, counts, strict=True)), Fraction(0))
            squares = sum(
                (x * x * k for (x, _), k in zip(honest, counts, strict=True)), Fraction(0)
            )
            # size^2 Var = size (copies v^2 + squares) - (copies v + total)^2
            parabola = Parabola(
                Fraction(copies * (size - copies)),
                -2 * copies * total,
                size * squares - total * total,
            )
            classes.setdefault(parabola, []).append(Window(copies, total))
    return classes


def _lowest_mean(members: Iterable[Window], v: Surd, size: int) -> Surd:
    values = [w.mean(v, size) for w in members]
    low = values[0]
    for x in values[1:]:
        if x < low:
            low = x
    return low


def _interval_sup(members: list[Window], left: Surd | None, right: Surd, size: int) -> Surd:
    """Sup over ``(left, right)`` of ``min_w mean_w(v)`` (concave, piecewise linear): at
    ``right`` or where two means cross inside."""
    best = _lowest_mean(members, right, size)
    for w1 in members:
        for w2 in members:
            if w1.copies > w2.copies:
                cross = Surd.of((w2.total - w1.total) / (w1.copies - w2.copies))
                if (left is None or left < cross) and cross < right:
                    value = _lowest_mean(members, cross, size)
                    best = value if best < value else best
    return best


@dataclass(frozen=True)
class Sweep:
    """Result of :func:`push_sweep`: ``supremum`` and ``infimum`` of the output over ``v``
    (the same tie rule for both: a push down is *not* the mirror image of a push up),
    ``at_infinity`` the output for a huge ``v`` (the honest mean), ``events`` the crossings."""

    supremum: Surd
    infimum: Surd
    at_infinity: Surd
    events: int


def push_sweep(honest: Pool, byzantine: int) -> Sweep:
    """Exact ``sup_v`` and ``inf_v`` of SMEA's output over ``honest`` plus ``byzantine``
    copies of ``v``."""
    honest = [(Fraction(x), c) for x, c in honest if c]
    size = sum(c for _, c in honest)
    classes = windows(honest, byzantine)
    honest_class = next(p for p, ws in classes.items() if all(w.copies == 0 for w in ws))
    current, left = honest_class, None
    best: Surd | None = None
    low: Surd | None = None
    events = 0
    while True:
        crossings = [
            r
            for other in classes
            if other != current
            for r in (other - current).roots()
            if left is None or left < r
        ]
        if not crossings:
            break
        point = min(crossings)
        events += 1
        tied = [p for p in classes if p.at(point) == current.at(point)]
        at_point = _lowest_mean((w for p in tied for w in classes[p]), point, size)
        ends = [_lowest_mean(classes[current], point, size), at_point]
        if left is not None:  # out(v) is concave on the interval: its inf is at an end
            ends.append(_lowest_mean(classes[current], left, size))
        candidates = [_interval_sup(classes[current], left, point, size), at_point]
        best = max([*candidates, *([best] if best is not None else [])])
        low = min([*ends, *([low] if low is not None else [])])
        current = min(tied, key=lambda p: _ReverseKey(p, point))
        left = point
    if any(w.copies for w in classes[current]):
        raise ArithmeticError("a window with Byzantine copies selected as v -> oo")
    at_infinity = Surd.of(classes[current][0].total / size)
    best = at_infinity if best is None else max(best, at_infinity)
    low = at_infinity if low is None else min(low, at_infinity)
    if left is not None:
        low = min(low, _lowest_mean(classes[current], left, size))
    return Sweep(best, low, at_infinity, events)


@dataclass(frozen=True)
class _ReverseKey:
    """Order of tied classes just after ``point``: smaller slope, then smaller ``a``."""

    parabola: Parabola
    point: Surd

    def __lt__(self, other: _ReverseKey) -> bool:
        mine, theirs = self.parabola.slope(self.point), other.parabola.slope(other.point)
        if mine != theirs:
            return mine < theirs
        return self.parabola.a < other.parabola.a
