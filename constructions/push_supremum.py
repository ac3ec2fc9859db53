"""The exact supremum of a one-dimensional Byzantine push against SMEA (Theorem 3.2, App. C.3).

docs/theory.md, section 3.  All Byzantine constructions are one-dimensional with the linear loss,
so every honest message is a constant number and SMEA (Def. 2.3) picks a contiguous window
of the sorted messages (docs/theory.md, section 1).  When the ``f`` Byzantine workers all send
one value ``v`` above every honest message, the candidate windows are ``W_0, ..., W_f``:
``W_s`` holds ``s`` copies of ``v`` and the ``h - s`` largest honest messages
(``h = n - f``).  Each window's variance is a quadratic in ``v``, so the set of ``v`` for
which SMEA selects ``W_s`` (strictly below every lower window, at most every higher one:
the lowest-start tie rule) is a finite union of intervals whose end points are roots of
quadratics with rational coefficients.  This module

* computes exactly the supremum of the output SMEA can be pushed to
  (:func:`push_supremum`: a sweep over the lower envelope of the variance parabolas;
  ``p + sqrt(q)`` end points, compared at high precision and returned as SymPy numbers),
* derives the same supremum in closed form when the honest window is the binding
  competitor (:func:`honest_bound_output`: ``mu_P + sqrt(f (h var_H - (h-f) var_P) /
  (h (h-f)))``, ``P`` the honest part of the pushed window, ``H`` all honest messages),
* gives the value the attacks send (:func:`best_selected_push`: just inside the end of
  the selection interval of the output-maximising window, the fixed relative margin
  :data:`PUSH_MARGIN` below the supremum) and, as a numerical cross-check, the
  farthest value SMEA still selects, by bisection on the grouped SMEA
  (:func:`largest_selected_push`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from constructions.grouped_values import (
    Groups,
    as_fraction,
    as_mpf,
    drop_lowest,
    mean,
    mirrored,
    normalise,
    total,
    variance,
)

#: precision (decimal digits) used to order the exact algebraic end points
ORDER_DPS = 120


@dataclass(frozen=True)
class _Quadratic:
    """``a v^2 + b v + c`` with rational coefficients."""

    a: Fraction
    b: Fraction
    c: Fraction

    def __sub__(self, other: _Quadratic) -> _Quadratic:
        return _Quadratic(self.a - other.a, self.b - other.b, self.c - other.c)

    def at(self, v: mpmath.mpf) -> mpmath.mpf:
        return (as_mpf(self.a) * v + as_mpf(self.b)) * v + as_mpf(self.c)

    def roots(self) -> list[sp.Expr]:
        """Real roots as exact SymPy numbers ``p +- sqrt(q)``."""
        a, b, c = (sp.Rational(x.numerator, x.denominator) for x in (self.a, self.b, self.c))
        if a == 0:
            return [] if b == 0 else [-c / b]
        disc = b * b - 4 * a * c
        if disc < 0:
            return []
        r = sp.sqrt(disc)
        return [(-b - r) / (2 * a), (-b + r) / (2 * a)]


def _window_quadratic(part: Groups, copies: int) -> _Quadratic:
    """Variance of ``part`` plus ``copies`` copies of ``v``, as a quadratic in ``v``."""
    k = total(part) + copies
    s1 = sum(Fraction(v) * c for v, c in part)
    s2 = sum(Fraction(v) ** 2 * c for v, c in part)
    # Var = (s2 + copies v^2)/k - ((s1 + copies v)/k)^2
    return _Quadratic(
        Fraction(copies, k) - Fraction(copies * copies, k * k),
        -2 * s1 * copies / (k * k),
        s2 / k - s1 * s1 / (k * k),
    )


def numeric(x: sp.Expr) -> mpmath.mpf:
    with mpmath.workdps(ORDER_DPS):
        return mpmath.mpf(sp.N(x, ORDER_DPS + 10))


@dataclass(frozen=True)
class PushSupremum:
    """The supremum of an upward push (exact).

    ``selected``: number ``s`` of Byzantine copies in the window SMEA selects just below
    the supremum; ``value``: the supremum ``v_sup`` of the pushed value (not attained when
    ``attained`` is False: at ``v_sup`` a lower window ties and wins); ``output``: the
    window mean at ``v_sup`` (the supremum of SMEA's output); ``honest_part``: the honest
    messages in that window; ``interval_low``: left end of the interval of ``v`` ending at
    ``v_sup`` on which the same window is selected.
    """

    selected: int
    value: sp.Expr
    output: sp.Expr
    honest_part: Groups
    interval_low: sp.Expr
    attained: bool
    honest_count: int

    def output_at(self, v: Any) -> Any:
        """SMEA's output when the Byzantine workers send ``v`` inside the interval."""
        return (self.selected * v + sum(x * c for x, c in self.honest_part)) / self.honest_count


@dataclass(frozen=True)
class _Point:
    """An exact end point: the rational ``rational``, or the root ``(-b + sign sqrt(disc))
    / (2a)`` of ``quads[i] - quads[j]`` for ``pair = (i, j)`` (``sign = 0``: the root
    ``-c/b`` of a linear difference).  ``num``: its value at :data:`ORDER_DPS` digits,
    used to order the points."""

    num: mpmath.mpf
    rational: Fraction | None = None
    pair: tuple[int, int] = (0, 0)
    sign: int = 0

    def expr(self, quads: Sequence[_Quadratic]) -> sp.Expr:
        if self.rational is not None:
            return sp.Rational(self.rational.numerator, self.rational.denominator)
        q = quads[self.pair[0]] - quads[self.pair[1]]
        a, b, c = (sp.Rational(x.numerator, x.denominator) for x in (q.a, q.b, q.c))
        if self.sign == 0:
            return -c / b
        return (-b + self.sign * sp.sqrt(b * b - 4 * a * c)) / (2 * a)


#: values closer than this (relative) are equal: exact ties among the end points
TIE = mpmath.mpf(10) ** (-ORDER_DPS + 30)


def near(x: mpmath.mpf, y: mpmath.mpf) -> bool:
    return abs(x - y) <= TIE * max(abs(x), abs(y), 1)


def _roots(
    quads: Sequence[_Quadratic], coefficients: Sequence[tuple[mpmath.mpf, ...]], i: int, j: int
) -> list[_Point]:
    """Real roots of ``quads[i] - quads[j]``, ascending (values at ``ORDER_DPS``; the
    degree and a vanishing discriminant are decided exactly)."""
    (ai, bi, ci), (aj, bj, cj) = coefficients[i], coefficients[j]
    a, b, c = ai - aj, bi - bj, ci - cj
    if quads[i].a == quads[j].a:
        if quads[i].b == quads[j].b:
            return []
        return [_Point(-c / b, pair=(i, j))]
    disc = b * b - 4 * a * c
    if abs(disc) <= TIE * (b * b + abs(4 * a * c)):
        d = quads[i] - quads[j]
        exact = d.b * d.b - 4 * d.a * d.c
        if exact < 0:
            return []
        if exact == 0:
            return [_Point(-b / (2 * a), pair=(i, j), sign=1)]
    elif disc < 0:
        return []
    r = mpmath.sqrt(disc) if disc > 0 else mpmath.mpf(0)
    points = [_Point((-b + sign * r) / (2 * a), pair=(i, j), sign=sign) for sign in (-1, 1)]
    return sorted(points, key=lambda p: p.num)


def _selection_intervals(
    quads: list[_Quadratic], floor: Fraction, ties_to_fewer: bool = True
) -> list[tuple[int, _Point, _Point | None, bool]]:
    """The windows SMEA selects as ``v`` rises above ``floor``: ``(s, low, high, attained)``.

    ``W_s`` is selected on the open interval ``(low, high)`` (``high = None``: unbounded);
    ``attained``: also at ``v = high``.  Kinetic sweep over the lower envelope of the
    variance parabolas: from the selected window, the next event is the first root of a
    difference with it; just after an event the selected window minimises, in this order,
    the variance, its derivative, its leading coefficient (all exact ties resolved in the
    limit ``v -> event+``), then the tie rule.  ``ties_to_fewer``: a variance tie goes to
    the window with fewer Byzantine copies (the lowest start for an upward push; for a
    mirrored downward push it is the reverse).  ``O(f)`` roots per event.
    """
    count = len(quads)
    rank = (lambda j: j) if ties_to_fewer else (lambda j: -j)
    cache: dict[tuple[int, int], list[_Point]] = {}

    def roots(i: int, j: int) -> list[_Point]:
        key = (min(i, j), max(i, j))
        if key not in cache:
            cache[key] = _roots(quads, coefficients, *key)
        return cache[key]

    def tied(x: mpmath.mpf) -> list[int]:
        values = [(a * x + b) * x + c for a, b, c in coefficients]
        low = min(values)
        return [j for j in range(count) if near(values[j], low)]

    def selected_at(x: mpmath.mpf) -> int:
        return min(tied(x), key=rank)

    def selected_after(x: mpmath.mpf) -> int:
        candidates = tied(x)
        slopes = {j: 2 * coefficients[j][0] * x + coefficients[j][1] for j in candidates}
        low = min(slopes.values())
        candidates = [j for j in candidates if near(slopes[j], low)]
        lead = min(quads[j].a for j in candidates)
        return min((j for j in candidates if quads[j].a == lead), key=rank)

    out: list[tuple[int, _Point, _Point | None, bool]] = []
    with mpmath.workdps(ORDER_DPS):
        coefficients = [(as_mpf(q.a), as_mpf(q.b), as_mpf(q.c)) for q in quads]
        low = _Point(as_mpf(floor), rational=floor)
        x = low.num
        current = selected_after(x)
        while True:
            ahead = [
                r
                for j in range(count)
                if j != current
                for r in roots(j, current)
                if r.num > x and not near(r.num, x)
            ]
            if not ahead:
                out.append((current, low, None, False))
                return out
            event = min(ahead, key=lambda r: r.num)
            x = event.num
            following = selected_after(x)
            if following != current:
                out.append((current, low, event, selected_at(x) == current))
                low, current = event, following


@dataclass(frozen=True)
class PushCore:
    """The numeric part of :func:`push_supremum` (no SymPy): the best window ``selected``
    and its supremum ``output`` at :data:`ORDER_DPS` digits (``selected = 0``: none)."""

    groups: Groups
    parts: list[Groups]
    quads: list[_Quadratic]
    last: dict[int, tuple[_Point, _Point, bool]]
    selected: int
    output: mpmath.mpf | None


def push_core(honest: Sequence[tuple[Any, int]], f: int, direction: int) -> PushCore:
    groups = normalise([(as_fraction(v), c) for v, c in honest])
    if direction < 0:
        groups = mirrored(groups)
    h = total(groups)
    parts = [drop_lowest(groups, s) for s in range(f + 1)]
    quads = [_window_quadratic(parts[s], s) for s in range(f + 1)]
    last: dict[int, tuple[_Point, _Point, bool]] = {}
    for s, low, high, attained in _selection_intervals(quads, groups[-1][0], direction > 0):
        if s >= 1:
            if high is None:
                raise ArithmeticError("a window with Byzantine copies selected for every v")
            last[s] = (low, high, attained)
    best: tuple[mpmath.mpf, int] | None = None
    with mpmath.workdps(ORDER_DPS):
        for s in sorted(last):
            shift = sum(x * c for x, c in parts[s])
            out = (s * last[s][1].num + as_mpf(shift)) / h
            if best is None or (out > best[0] and not near(out, best[0])):
                best = (out, s)
    if best is None:
        return PushCore(groups, parts, quads, last, 0, None)
    return PushCore(groups, parts, quads, last, best[1], best[0])


def push_supremum(
    honest: Sequence[tuple[Any, int]], f: int, *, direction: int = 1
) -> PushSupremum | None:
    """Exact supremum of SMEA's output when ``f`` Byzantines send one value ``v > max H``.

    Every window ``W_s`` (``s = 1..f`` Byzantine copies) is tried: the last interval of
    ``v`` on which SMEA selects it (:func:`_selection_intervals`) and the output at its
    right end; the largest supremum of the output wins (equal ones: the fewest copies).
    ``None`` when no window with a Byzantine copy is ever selected.  Values must be exact
    rationals (``mpf`` are read at their exact binary value).  ``direction = -1``: the
    downward push (``v < min H``), solved on the mirrored messages with the tie rule
    mirrored too (SMEA's smallest-mean rule then favours the window with *more*
    Byzantine copies); ``value`` and ``output`` are then those of the mirrored problem:
    negate them.  End points are ordered at :data:`ORDER_DPS` digits and returned as
    exact SymPy numbers ``p + sqrt(q)``.
    """
    return _exact_supremum(push_core(honest, f, direction))


def _exact_supremum(core: PushCore) -> PushSupremum | None:
    if core.selected == 0:
        return None
    s = core.selected
    low, high, attained = core.last[s]
    part = core.parts[s]
    h = total(core.groups)
    shift = sum(sp.Rational(x.numerator, x.denominator) * c for x, c in part)
    value = high.expr(core.quads)
    return PushSupremum(
        s, value, sp.radsimp((s * value + shift) / h), part, low.expr(core.quads), attained, h
    )


def honest_bound_output(
    honest: Sequence[tuple[Any, int]], part: Sequence[tuple[Any, int]], f: int
) -> Any:
    """Closed form of the supremum when the honest window ``W_0`` is the binding competitor.

    ``W_f`` has variance ``((h-f)/h) var_P + f (h-f)/h^2 (v - mu_P)^2``; equating it with
    ``var_H`` and taking the window mean gives
    ``mu_P + sqrt(f (h var_H - (h-f) var_P) / (h (h-f)))``.  Works on SymPy expressions.
    """
    honest = [(sp.sympify(v), sp.sympify(c)) for v, c in honest]
    part = [(sp.sympify(v), sp.sympify(c)) for v, c in part]
    h = total(honest)
    k = total(part)
    return mean(part) + sp.sqrt(f * (h * variance(honest) - k * variance(part)) / (h * k))


def rational_below(value: sp.Expr, relative_margin: Fraction, digits: int) -> Fraction:
    """A rational ``v`` with ``value - 2 r |value| < v <= value - r |value|``, ``r`` the margin.

    ``v`` is ``value - r |value|`` rounded down to ``digits`` decimals (``digits`` must
    exceed the margin's exponent so the rounding stays inside the band).  For a positive
    ``value`` this is ``value (1 - r)``; the absolute value keeps ``v`` below a negative
    ``value`` too.
    """
    r = sp.Rational(relative_margin.numerator, relative_margin.denominator)
    target = value - r * sp.Abs(value)
    if isinstance(target, sp.Rational):
        return Fraction(int(sp.floor(target * sp.Integer(10) ** digits)), 10**digits)
    # irrational: floor of a value computed with 40 guard digits; a value within 10**-20
    # of an integer is rounded to the integer below, so the result never exceeds target
    with mpmath.workdps(digits + 40 + max(0, int(mpmath.log10(abs(numeric(value)) + 1)))):
        scaled = mpmath.mpf(sp.N(target * sp.Integer(10) ** digits, mpmath.mp.dps))
        nearest = mpmath.nint(scaled)
        near_integer = abs(scaled - nearest) < mpmath.mpf(10) ** -20
        floor = nearest - 1 if near_integer else mpmath.floor(scaled)
        return Fraction(int(floor), 10**digits)


# --------------------------------------------------------------------------- margin

#: the relative margin below a supremum at which the attacks push: fixed, independent of
#: any precision (``verify`` decides exactly, so the margin only has to keep the pushed
#: value inside its selection interval; the reached value is then the closed form at that
#: rational point, strictly below the supremum)
PUSH_MARGIN = Fraction(1, 10**45)
#: decimals of the rational pushed values (more than the margin's exponent)
PUSH_DIGITS = 60


#: margin ``v_sup - v`` below the supremum of the pushed value (a symbol of the closed forms)
MARGIN = sp.Symbol("delta_v", nonnegative=True)
#: the S-run margin of the two-sided attack (its downward push)
MARGIN_DOWN = sp.Symbol("delta_v_down", nonnegative=True)


# --------------------------------------------------------------------------- numeric bisection


def _smea_grouped(values: Sequence[Any], counts: Sequence[int], f: int) -> Any:
    from boundkit.rules import smea_grouped

    return smea_grouped(tuple(values), tuple(counts), f)


def byzantine_selected(honest: Groups, f: int, v: Any) -> int:
    """How many of the ``f`` copies of ``v`` SMEA's (grouped) window holds."""
    values = [x for x, _ in honest] + [v]
    counts = [c for _, c in honest] + [f]
    merged = normalise(list(zip(values, counts, strict=True)))
    if any(x == v for x, _ in honest):
        return -1  # v coincides with an honest value: not a separate group
    agg = _smea_grouped([x for x, _ in merged], [c for _, c in merged], f)
    index = [x for x, _ in merged].index(v)
    return int(agg.selected_counts[index])


def largest_selected_push(
    honest: Sequence[tuple[Any, int]],
    f: int,
    *,
    direction: int = 1,
    dps: int = 50,
    relative_tolerance: Any = None,
) -> mpmath.mpf:
    """Largest ``v`` (``direction = +1``; smallest for ``-1``) that SMEA still selects.

    Numerical, at working precision ``dps``: starting above the largest honest message,
    ``v`` is doubled away from the honest messages until SMEA drops every Byzantine copy,
    then bisected between the last selected and the first rejected value until their gap
    is below ``relative_tolerance`` (default ``10**-(dps - 5)``) relative.  The returned
    ``v`` is on the selected side.  Assumes the selected set of ``v`` is an interval
    starting just above the honest messages.  "Selected" means at least one copy: when
    the window shrinks further out (fewer copies, smaller output) the value found is not
    the best push; :func:`best_selected_push` (exact) is what the attacks send, this
    bisection is a numerical cross-check of :func:`push_supremum`.
    """
    with mpmath.workdps(dps):
        groups = normalise(
            [
                (
                    mpmath.mpf(as_fraction(v).numerator) / as_fraction(v).denominator
                    if not isinstance(v, mpmath.mpf)
                    else v,
                    c,
                )
                for v, c in honest
            ]
        )
        sign = 1 if direction > 0 else -1

        def selected(u: mpmath.mpf) -> bool:  # u: distance pushed, in the mirrored frame
            return byzantine_selected(groups, f, sign * u) > 0

        tol = mpmath.mpf(10) ** (-(dps - 5)) if relative_tolerance is None else relative_tolerance
        top = groups[-1][0] if sign > 0 else -groups[0][0]
        scale = max(abs(groups[-1][0] - groups[0][0]), abs(top), mpmath.mpf(1))
        lo = top + scale * mpmath.mpf(10) ** (-(dps // 2))
        if not selected(lo):
            raise ValueError("SMEA selects no Byzantine copy just beyond the honest messages")
        hi = top + scale
        while selected(hi):
            lo, hi = hi, top + 2 * (hi - top)
        while hi - lo > tol * abs(hi):
            mid = (lo + hi) / 2
            if selected(mid):
                lo = mid
            else:
                hi = mid
        return sign * lo


def best_selected_push(
    honest: Sequence[tuple[Any, int]], f: int, *, direction: int = 1
) -> Fraction:
    """The pushed value of the tailored attack (App. E.2): exact, output-maximising.

    :func:`push_supremum` on the observed messages (``mpf`` read at their exact binary
    value) gives the window ``W_s`` whose output reaches the largest supremum and the end
    ``v_sup`` of its selection interval; the value returned is ``v_sup`` less the
    fixed margin (:data:`PUSH_MARGIN`, :func:`rational_below`), strictly inside that
    interval, with the sign of ``direction``.  Raises ``ValueError`` when no pushed
    value is ever selected.

    Not :func:`largest_selected_push`: the farthest value SMEA still selects can lie in
    the interval of a window with *fewer* Byzantine copies, whose output is smaller.  At
    ``(n, f, m) = (6, 2, 2)`` the downward push in ``S`` keeps both copies up to
    ``v = -5/2`` (output ``-7/4``) but one copy up to ``v = -8/3`` (output ``-31/24``).
    """
    exact = tuple(normalise([(as_fraction(v), int(c)) for v, c in honest]))
    return _best_selected_push(exact, f, 1 if direction > 0 else -1)


@functools.lru_cache(maxsize=4096)
def _best_selected_push(
    honest: tuple[tuple[Fraction, int], ...], f: int, direction: int
) -> Fraction:
    """:func:`best_selected_push` on exact messages (cached: every step and every ``T``
    of an attack sees the same honest messages)."""
    sup = push_supremum(honest, f, direction=direction)
    if sup is None:
        raise ValueError("SMEA selects no Byzantine copy beyond the honest messages")
    pushed = rational_below(sup.value, PUSH_MARGIN, PUSH_DIGITS)
    if not numeric(sup.interval_low) < as_mpf(pushed):
        raise ArithmeticError("margin leaves the selection interval")
    return pushed if direction > 0 else -pushed
