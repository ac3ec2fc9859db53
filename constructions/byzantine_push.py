"""Shared pieces of the Byzantine attacks (THEORY.md section 3, App. C.3 and E.2).

All Byzantine constructions are one-dimensional with the linear loss, so every honest
message is a constant number and SMEA (Def. 2.3) picks a contiguous window of the sorted
messages (THEORY.md section 1).  When the ``f`` Byzantine workers all send one value
``v`` above every honest message, the candidate windows are ``W_0, ..., W_f``: ``W_s``
holds ``s`` copies of ``v`` and the ``h - s`` largest honest messages (``h = n - f``).
Each window's variance is a quadratic in ``v``, so the set of ``v`` for which SMEA
selects ``W_s`` (strictly below every lower window, at most every higher one: the
lowest-start tie rule) is a finite union of intervals whose end points are roots of
quadratics with rational coefficients.  This module

* computes exactly the supremum of the output SMEA can be pushed to
  (:func:`push_supremum`: a sweep over the lower envelope of the variance parabolas;
  ``p + sqrt(q)`` end points, compared at high precision and returned as SymPy numbers),
* derives the same supremum in closed form when the honest window is the binding
  competitor (:func:`honest_bound_output`: ``mu_P + sqrt(f (h var_H - (h-f) var_P) /
  (h (h-f)))``, ``P`` the honest part of the pushed window, ``H`` all honest messages),
* gives the value the tailored attack sends (:func:`best_selected_push`: just inside the
  end of the selection interval of the output-maximising window) and, as a numerical
  cross-check, the farthest value SMEA still selects, by bisection on the grouped SMEA
  (:func:`largest_selected_push`),
* builds (B1)/(B2): two honest groups at ``+L`` / ``-L`` whose sizes are chosen exactly
  (:func:`halves_attack`, closed form :func:`halves_gap_closed_form`),
* and provides the strategies (:class:`ThresholdPush`, :class:`AdaptiveTwoSidedPush`):
  functions of the observed honest messages only, never of the run they are in.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

#: honest messages grouped as ``(value, count)``
Groups = tuple[tuple[Any, int], ...]

#: precision (decimal digits) used to order the exact algebraic end points
_ORDER_DPS = 120


# --------------------------------------------------------------------------- helpers


def as_fraction(x: object) -> Fraction:
    """An exact ``Fraction`` for an int, Fraction, SymPy rational or ``mpf``."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_  # (-1)^sign * man * 2^exp (man_exp drops the sign)
        return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    raise TypeError(f"not an exact rational: {x!r}")


def normalise(groups: Sequence[tuple[Any, int]]) -> Groups:
    """Merge equal values, drop empty groups, sort ascending."""
    merged: dict[Any, int] = {}
    for value, count in groups:
        if count > 0:
            merged[value] = merged.get(value, 0) + count
    return tuple(sorted(merged.items(), key=lambda vc: vc[0]))


def mirrored(groups: Sequence[tuple[Any, int]]) -> Groups:
    """The groups with every value negated (a downward push is a mirrored upward one)."""
    return normalise([(-v, c) for v, c in groups])


def total(groups: Sequence[tuple[Any, int]]) -> int:
    return sum(c for _, c in groups)


def mean(groups: Sequence[tuple[Any, int]]) -> Any:
    return sum(v * c for v, c in groups) / total(groups)


def variance(groups: Sequence[tuple[Any, int]]) -> Any:
    """Population variance ``(1/k) sum (x - mean)^2`` (= lambda_max in dimension 1)."""
    mu = mean(groups)
    return sum(c * (v - mu) ** 2 for v, c in groups) / total(groups)


def drop_lowest(groups: Groups, count: int) -> Groups:
    """The groups without their ``count`` smallest values (``groups`` ascending)."""
    out: list[tuple[Any, int]] = []
    for value, c in groups:
        removed = min(c, count)
        count -= removed
        if c - removed:
            out.append((value, c - removed))
    return tuple(out)


# --------------------------------------------------------------------------- exact supremum


@dataclass(frozen=True)
class _Quadratic:
    """``a v^2 + b v + c`` with rational coefficients."""

    a: Fraction
    b: Fraction
    c: Fraction

    def __sub__(self, other: _Quadratic) -> _Quadratic:
        return _Quadratic(self.a - other.a, self.b - other.b, self.c - other.c)

    def at(self, v: mpmath.mpf) -> mpmath.mpf:
        return (_mp(self.a) * v + _mp(self.b)) * v + _mp(self.c)

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


def _mp(x: Fraction) -> mpmath.mpf:
    return mpmath.mpf(x.numerator) / x.denominator


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


def _num(x: sp.Expr) -> mpmath.mpf:
    with mpmath.workdps(_ORDER_DPS):
        return mpmath.mpf(sp.N(x, _ORDER_DPS + 10))


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
    ``-c/b`` of a linear difference).  ``num``: its value at :data:`_ORDER_DPS` digits,
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
_TIE = mpmath.mpf(10) ** (-_ORDER_DPS + 30)


def _near(x: mpmath.mpf, y: mpmath.mpf) -> bool:
    return abs(x - y) <= _TIE * max(abs(x), abs(y), 1)


def _roots(
    quads: Sequence[_Quadratic], coefficients: Sequence[tuple[mpmath.mpf, ...]], i: int, j: int
) -> list[_Point]:
    """Real roots of ``quads[i] - quads[j]``, ascending (values at ``_ORDER_DPS``; the
    degree and a vanishing discriminant are decided exactly)."""
    (ai, bi, ci), (aj, bj, cj) = coefficients[i], coefficients[j]
    a, b, c = ai - aj, bi - bj, ci - cj
    if quads[i].a == quads[j].a:
        if quads[i].b == quads[j].b:
            return []
        return [_Point(-c / b, pair=(i, j))]
    disc = b * b - 4 * a * c
    if abs(disc) <= _TIE * (b * b + abs(4 * a * c)):
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
        return [j for j in range(count) if _near(values[j], low)]

    def selected_at(x: mpmath.mpf) -> int:
        return min(tied(x), key=rank)

    def selected_after(x: mpmath.mpf) -> int:
        candidates = tied(x)
        slopes = {j: 2 * coefficients[j][0] * x + coefficients[j][1] for j in candidates}
        low = min(slopes.values())
        candidates = [j for j in candidates if _near(slopes[j], low)]
        lead = min(quads[j].a for j in candidates)
        return min((j for j in candidates if quads[j].a == lead), key=rank)

    out: list[tuple[int, _Point, _Point | None, bool]] = []
    with mpmath.workdps(_ORDER_DPS):
        coefficients = [(_mp(q.a), _mp(q.b), _mp(q.c)) for q in quads]
        low = _Point(_mp(floor), rational=floor)
        x = low.num
        current = selected_after(x)
        while True:
            ahead = [
                r
                for j in range(count)
                if j != current
                for r in roots(j, current)
                if r.num > x and not _near(r.num, x)
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
class _PushCore:
    """The numeric part of :func:`push_supremum` (no SymPy): the best window ``selected``
    and its supremum ``output`` at :data:`_ORDER_DPS` digits (``selected = 0``: none)."""

    groups: Groups
    parts: list[Groups]
    quads: list[_Quadratic]
    last: dict[int, tuple[_Point, _Point, bool]]
    selected: int
    output: mpmath.mpf | None


def _push_core(honest: Sequence[tuple[Any, int]], f: int, direction: int) -> _PushCore:
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
    with mpmath.workdps(_ORDER_DPS):
        for s in sorted(last):
            shift = sum(x * c for x, c in parts[s])
            out = (s * last[s][1].num + _mp(shift)) / h
            if best is None or (out > best[0] and not _near(out, best[0])):
                best = (out, s)
    if best is None:
        return _PushCore(groups, parts, quads, last, 0, None)
    return _PushCore(groups, parts, quads, last, best[1], best[0])


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
    negate them.  End points are ordered at :data:`_ORDER_DPS` digits and returned as
    exact SymPy numbers ``p + sqrt(q)``.
    """
    return _exact_supremum(_push_core(honest, f, direction))


def _exact_supremum(core: _PushCore) -> PushSupremum | None:
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
    with mpmath.workdps(digits + 40 + max(0, int(mpmath.log10(abs(_num(value)) + 1)))):
        scaled = mpmath.mpf(sp.N(target * sp.Integer(10) ** digits, mpmath.mp.dps))
        nearest = mpmath.nint(scaled)
        near_integer = abs(scaled - nearest) < mpmath.mpf(10) ** -20
        floor = nearest - 1 if near_integer else mpmath.floor(scaled)
        return Fraction(int(floor), 10**digits)


# --------------------------------------------------------------------------- numeric bisection


def _smea_grouped(values: Sequence[Any], counts: Sequence[int], f: int) -> Any:
    from boundkit.rules.aggregators import smea_grouped

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
    honest: Sequence[tuple[Any, int]], f: int, *, direction: int = 1, dps: int = 50
) -> Fraction:
    """The pushed value of the tailored attack (App. E.2): exact, output-maximising.

    :func:`push_supremum` on the observed messages (``mpf`` read at their exact binary
    value) gives the window ``W_s`` whose output reaches the largest supremum and the end
    ``v_sup`` of its selection interval; the value returned is ``v_sup`` less the
    documented margin (:func:`relative_margin`, :func:`rational_below`), strictly inside
    that interval, with the sign of ``direction``.  Raises ``ValueError`` when no pushed
    value is ever selected.

    Not :func:`largest_selected_push`: the farthest value SMEA still selects can lie in
    the interval of a window with *fewer* Byzantine copies, whose output is smaller.  At
    ``(n, f, m) = (6, 2, 2)`` the downward push in ``S`` keeps both copies up to
    ``v = -5/2`` (output ``-7/4``) but one copy up to ``v = -8/3`` (output ``-31/24``).
    """
    sup = push_supremum(honest, f, direction=direction)
    if sup is None:
        raise ValueError("SMEA selects no Byzantine copy beyond the honest messages")
    pushed = rational_below(sup.value, relative_margin(dps), dps + 10)
    if not _num(sup.interval_low) < _mp(pushed):
        raise ArithmeticError("margin leaves the selection interval")
    return pushed if direction > 0 else -pushed


# --------------------------------------------------------------------------- strategies


def like(x: Any, reference: Any) -> Any:
    """``x`` in the number type of ``reference`` (``mpf`` or exact), for comparisons."""
    if isinstance(reference, mpmath.mpf) and isinstance(x, Fraction):
        return _mp(x)
    return x


def honest_mean(view: Any) -> Any:
    """Mean of the honest messages a :class:`boundkit.dynamics.simulate.View` shows."""
    messages = view.honest_messages
    return sum(x * c for x, c in messages) / sum(c for _, c in messages)


def reject_value(messages: Sequence[tuple[Any, int]]) -> Any:
    """A value SMEA never selects beside these honest messages.

    ``R = max + h * spread + 1``: a window holding ``k >= 1`` copies of ``R`` has
    variance ``>= k (h - k) (R - max)^2 / h^2 >= (h - 1) (R - max)^2 / h^2``, above
    ``spread^2 / 4 >= var_H`` (pairwise identity, THEORY.md section 1).
    """
    values = [x for x, _ in messages]
    h = sum(c for _, c in messages)
    top, spread = max(values), max(values) - min(values)
    return top + h * spread + 1


@dataclass(frozen=True)
class ThresholdPush:
    """One-sided (or two-sided) push triggered by the honest mean (App. C.3).

    If the mean of the observed honest messages exceeds ``threshold`` all ``f`` Byzantine
    workers send ``up`` (None: no pushed value is ever selected, so they reject);
    otherwise they send ``down`` or, when ``down`` is None, a value
    SMEA rejects (:func:`reject_value`), so that the honest window is kept.  A function of
    the view only: identical views give identical messages in both runs.
    """

    threshold: Any
    up: Any
    down: Any = None

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        mu = honest_mean(view)
        if mu > like(self.threshold, mu) and self.up is not None:
            return ((self.up, f),)
        if self.down is not None:
            return ((self.down, f),)
        return ((reject_value(view.honest_messages), f),)


@dataclass
class AdaptiveTwoSidedPush:
    """The tailored two-sided attack (App. E.2, Algorithm 2).

    Above ``threshold`` (honest mean) all Byzantine workers push up, below it down, each
    time just inside the end of the selection interval of the window that moves SMEA's
    output most (:func:`best_selected_push`, exact, on the observed honest messages; a
    value SMEA rejects when no pushed value is ever selected).  Memoised on the honest
    messages (with the linear loss they are the same at every step).  ``pusher`` may be
    replaced, e.g. by the numeric :func:`largest_selected_push` (the farthest selected
    value: not the best push when the selected window shrinks further out).
    """

    threshold: Any
    dps: int = 50
    pusher: Callable[..., Any] = best_selected_push
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        honest = tuple(view.honest_messages)
        mu = honest_mean(view)
        direction = 1 if mu > like(self.threshold, mu) else -1
        key = (type(mu).__name__, direction, f, tuple((x, c) for x, c in honest))
        if key not in self._cache:
            try:
                value = self.pusher(honest, f, direction=direction, dps=self.dps)
            except ValueError:  # no pushed value is ever selected: keep the honest window
                value = reject_value(honest)
            if not isinstance(mu, mpmath.mpf) and isinstance(value, mpmath.mpf):
                # exact runs get the exact binary value (work-around: the simulator's
                # mpf -> Fraction conversion reads ``man_exp``, which drops the sign)
                value = as_fraction(value)
            self._cache[key] = value
        return ((self._cache[key], f),)


# --------------------------------------------------------------------------- (B1), (B2) shared


def relative_margin(dps: int) -> Fraction:
    """The documented margin below a supremum: ``10**-(dps - 5)`` relative.

    The reached value then equals the supremum to within the verification tolerance
    ``10**-(dps - 10)`` relative, while SMEA still strictly selects the pushed window.
    """
    return Fraction(1, 10 ** (dps - 5))


def halves_groups(h: int, m: int, lip: Fraction, high_count: int) -> tuple[Groups, Groups]:
    """Honest messages of the balanced-halves layout in ``S`` and ``S'`` (App. C.3).

    ``high_count`` workers at ``+L``, the others at ``-L``; in ``S'`` one ``-L`` worker has
    one of its ``m`` samples changed to ``+L``, so it sends ``a = -L + 2L/m``.
    """
    a = -lip + 2 * lip / m
    low = h - high_count
    s = normalise([(-lip, low), (lip, high_count)])
    s_prime = normalise([(-lip, low - 1), (a, 1), (lip, high_count)])
    return s, s_prime


def halves_side_optimum(n: int, f: int, m: int) -> tuple[int, int]:
    """``(floor(p*), ceil(p*))``, exactly, for the real maximiser ``p*`` of the gap.

    ``p* = (h - 2/m - sqrt(k (h - 4/m + 4/m^2)))/2`` (``h = n - f``, ``k = n - 2f``; see
    :func:`halves_gap_closed_form`).  With ``D = k (m^2 h - 4m + 4)`` and
    ``R_q = m h - 2 - 2 m q``: ``q <= p*`` iff ``R_q >= 0`` and ``R_q^2 >= D``.
    """
    h, k = n - f, n - 2 * f
    disc = k * (m * m * h - 4 * m + 4)

    def below(q: int) -> bool:  # q <= p*
        r = m * h - 2 - 2 * m * q
        return r >= 0 and r * r >= disc

    q = (m * h - 2 - math.isqrt(disc)) // (2 * m)
    while not below(q):
        q -= 1
    while below(q + 1):
        q += 1
    exact = m * h - 2 - 2 * m * q
    return q, q if exact * exact == disc else q + 1


def halves_high_counts(n: int, f: int, m: int) -> tuple[int, ...]:
    """Candidate sizes ``p`` of the ``+L`` side (App. C.3, generalised; ascending).

    ``k - 1`` (``k = n - 2f``: the pushed window holds the ``k - 1`` workers at ``+L`` and
    the changed worker) and ``floor(p*)``, ``ceil(p*)`` clipped to ``[k, h - 1]`` (the pushed
    window holds ``k`` workers at ``+L``; the gap is concave in ``p`` there, so the best
    integer is one of the two).  On every ``n <= 41``, ``m in {1, 2, 3, 5}`` these reach
    the best exact supremum over every ``p in [0, h - 1]`` (checked with
    :func:`push_supremum`, report); THEORY's ``h/2`` (even ``h``) and ``(h +- 1)/2``,
    ``(h +- 3)/2`` (odd ``h``) never do better.
    """
    h, k = n - f, n - 2 * f
    low, high = halves_side_optimum(n, f, m)
    return tuple(sorted({k - 1} | {max(k, min(h - 1, q)) for q in (low, high)}))


def halves_gap_closed_form(n: int, f: int, m: int, high_count: int) -> sp.Expr | None:
    """Supremum of ``sup(out_S') - mu_S`` (per step, over ``gamma``) at ``p = high_count``.

    A SymPy expression in ``n, f, m, L`` (``p`` enters as a number, or as ``k - 1``);
    ``None`` when ``p < k - 1`` (not derived).  Derivation (``h = n - f``, ``k = n - 2f``,
    ``a = L (2 - m)/m`` the changed worker's gradient):

    * ``S``: ``p`` workers at ``+L``, ``h - p`` at ``-L``; the honest window is kept, so
      ``mu_S = L (2p - h)/h``.
    * ``S'``: ``p`` at ``+L``, the changed worker at ``a``, ``h - p - 1`` at ``-L``; honest
      mean ``L (2p - h + 2/m)/h`` and variance
      ``var_H = L^2 (h - 1)/h + a^2/h - L^2 ((2p - h + 2/m)/h)^2``.
    * The pushed window ``W_f`` holds the ``f`` copies of ``v`` and the ``k`` largest
      honest messages ``P``: ``k x (+L)`` when ``p >= k`` (``mu_P = L``, ``var_P = 0``),
      ``(k - 1) x (+L)`` and ``a`` when ``p = k - 1`` (``mu_P = ((k - 1) L + a)/k``,
      ``var_P = (k - 1)(L - a)^2/k^2``).  Bound by the honest window ``W_0``
      (:func:`honest_bound_output`): ``sup out_S' = mu_P + sqrt(f (h var_H - k var_P)/(h k))``.

    Both the selected window (``s = f``) and the binding competitor (``W_0``) are facts
    of the exact routine, checked where the formula is used (:func:`halves_attack`).  The
    real maximiser over ``p >= k``: with ``w = (2p - h + 2/m)/h`` the gap is
    ``L (1 - w + 2/(m h)) + sqrt(f/k) sqrt(var_H)``, ``var_H = L^2 (V - w^2)``,
    ``V = (h - 4/m + 4/m^2)/h``; it is concave, stationary at ``w = -sqrt(k V/h)``, i.e.
    ``p* = (h - 2/m - sqrt(k (h - 4/m + 4/m^2)))/2``, where it equals
    ``L (1 + 2/(m h) + sqrt((h - 4/m + 4/m^2)/k))`` (reached when ``k <= p*``).
    """
    from boundkit.bounds.symbols import L
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import m as m_
    from boundkit.bounds.symbols import n as n_

    k = n - 2 * f
    if high_count < k - 1:
        return None
    hh, kk = n_ - f_, n_ - 2 * f_
    a = L * (2 - m_) / m_
    p = kk - 1 if high_count == k - 1 else sp.Integer(high_count)
    var_h = L**2 * (hh - 1) / hh + a**2 / hh - (L * (2 * p - hh + 2 / m_) / hh) ** 2
    if high_count >= k:
        mu_p, var_p = L, sp.Integer(0)
    else:
        mu_p, var_p = ((kk - 1) * L + a) / kk, (kk - 1) * (L - a) ** 2 / kk**2
    out = mu_p + sp.sqrt(f_ * (hh * var_h - kk * var_p) / (hh * kk))
    return out - L * (2 * p - hh) / hh


@dataclass(frozen=True)
class HalvesAttack:
    """Everything (B1)/(B2) needs at one point (App. C.3), exact.

    ``high_count``: size ``p`` of the ``+L`` side (the best candidate of
    :func:`halves_high_counts`); ``honest_s``, ``honest_s_prime``: honest messages;
    ``threshold``: midpoint of the two honest means (the strategy pushes up above it);
    ``supremum``: the exact :class:`PushSupremum` in ``S'`` (None: SMEA never selects a
    pushed value, the Byzantines then send a rejected value in both runs); ``pushed``: the
    rational value sent; ``margin``: ``v_sup - pushed``; ``gap_sup``: ``sup(out_S') -
    mu_S`` exactly; ``gap_formula``: the closed form of :func:`halves_gap_closed_form`
    (None where its hypotheses, ``s = f`` and the pushed window of the derivation, are not
    what the exact routine finds); ``gap_reached``: ``out_S'(pushed) - mu_S``;
    ``candidates``: ``{p: gap_sup}`` for every candidate tried.
    """

    high_count: int
    honest_s: Groups
    honest_s_prime: Groups
    threshold: Fraction
    supremum: PushSupremum | None
    pushed: Fraction | None
    margin: sp.Expr
    gap_sup: sp.Expr
    gap_formula: sp.Expr | None
    gap_reached: Any
    candidates: dict[int, Any] = field(default_factory=dict)

    @property
    def selected(self) -> int:
        return 0 if self.supremum is None else self.supremum.selected


def _lipschitz(lipschitz: Any) -> Fraction:
    return as_fraction(lipschitz) if not isinstance(lipschitz, float) else Fraction(lipschitz)


def _halves_gap_value(h: int, f: int, m: int, lip: Fraction, high: int) -> mpmath.mpf:
    """``gap_sup`` at ``p = high`` at :data:`_ORDER_DPS` digits (no SymPy)."""
    s, s_prime = halves_groups(h, m, lip, high)
    core = _push_core(s_prime, f, 1)
    with mpmath.workdps(_ORDER_DPS):
        top = core.output if core.output is not None else _mp(mean(s_prime))
        return top - _mp(mean(s))


def _rat(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _formula_applies(
    n: int, f: int, m: int, lip: Fraction, high: int, sup: PushSupremum | None
) -> bool:
    """The exact routine found what :func:`halves_gap_closed_form` assumes at ``p``."""
    k = n - 2 * f
    if sup is None or sup.selected != f or high < k - 1:
        return False
    a = -lip + 2 * lip / m
    expected = [(lip, k)] if high >= k else [(a, 1), (lip, k - 1)]
    return sup.honest_part == normalise(expected)


def halves_option(
    n: int, f: int, m: int, lipschitz: Any, high_count: int, dps: int = 50
) -> HalvesAttack:
    """The balanced-halves attack at ``(n, f, m, L)`` with ``p = high_count`` (exact)."""
    lip = _lipschitz(lipschitz)
    s, s_prime = halves_groups(n - f, m, lip, high_count)
    sup = push_supremum(s_prime, f)
    mu_s, mu_s_prime = mean(s), mean(s_prime)
    top = sup.output if sup is not None else _rat(mu_s_prime)
    gap = sp.radsimp(top - _rat(mu_s))
    if sup is None:
        pushed, margin, reached = None, sp.Integer(0), mu_s_prime - mu_s
    else:
        pushed = rational_below(sup.value, relative_margin(dps), dps + 10)
        if not _num(sup.interval_low) < _mp(pushed):
            raise ArithmeticError("margin leaves the selection interval")
        margin = sup.value - _rat(pushed)
        reached = sup.output_at(pushed) - mu_s
    formula = None
    if _formula_applies(n, f, m, lip, high_count, sup):
        formula = halves_gap_closed_form(n, f, m, high_count)
        with mpmath.workdps(_ORDER_DPS):
            value = mpmath.mpf(sp.N(formula, _ORDER_DPS + 10, subs=_formula_subs(n, f, m, lip)))
            if not _near(value, _num(gap)):
                raise ArithmeticError(f"closed form {formula} != exact supremum {gap}")
    return HalvesAttack(
        high_count=high_count,
        honest_s=s,
        honest_s_prime=s_prime,
        threshold=(mu_s + mu_s_prime) / 2,
        supremum=sup,
        pushed=pushed,
        margin=margin,
        gap_sup=gap,
        gap_formula=formula,
        gap_reached=reached,
        candidates={high_count: _num(gap)},
    )


def _formula_subs(n: int, f: int, m: int, lip: Fraction) -> dict[sp.Symbol, sp.Expr]:
    from boundkit.bounds.symbols import L
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import m as m_
    from boundkit.bounds.symbols import n as n_

    return {n_: n, f_: f, m_: m, L: _rat(lip)}


@functools.lru_cache(maxsize=4096)
def halves_attack(n: int, f: int, m: int, lipschitz: Any, dps: int = 50) -> HalvesAttack:
    """The (B1)/(B2) attack at ``(n, f, m, L)``: the best side size, exactly.

    Every candidate ``p`` of :func:`halves_high_counts` is solved exactly
    (:func:`push_supremum`); the largest ``gap_sup`` wins (ties: the smaller ``p``), and
    only the winner gets its pushed value, margin and closed form (:func:`halves_option`).
    """
    lip = _lipschitz(lipschitz)
    values = {p: _halves_gap_value(n - f, f, m, lip, p) for p in halves_high_counts(n, f, m)}
    best = halves_best_side(values)
    return replace(halves_option(n, f, m, lip, best, dps), candidates=values)


def halves_gap_value(n: int, f: int, m: int, high_count: int, lipschitz: Any = 1) -> mpmath.mpf:
    """``gap_sup`` at ``p = high_count`` at :data:`_ORDER_DPS` digits, from the exact
    end points of :func:`push_supremum` (no SymPy: for sweeps over ``p``)."""
    return _halves_gap_value(n - f, f, m, _lipschitz(lipschitz), high_count)


def halves_best_side(values: dict[int, mpmath.mpf]) -> int:
    """The candidate with the largest gap (ties, within :data:`_TIE`: the smaller ``p``)."""
    with mpmath.workdps(_ORDER_DPS):
        top = max(values.values())
        return min(p for p, v in values.items() if _near(v, top))


def halves_gap_supremum(n: int, f: int, m: int, lipschitz: Any = 1) -> tuple[int, mpmath.mpf]:
    """``(p, gap_sup)`` of :func:`halves_attack` without building the attack: the best
    side size and its exact supremum at :data:`_ORDER_DPS` digits (for sweeps)."""
    lip = _lipschitz(lipschitz)
    values = {p: _halves_gap_value(n - f, f, m, lip, p) for p in halves_high_counts(n, f, m)}
    best = halves_best_side(values)
    return best, values[best]


def halves_strategy(attack: HalvesAttack) -> ThresholdPush:
    """The view-only strategy of (B1)/(B2): push ``v`` above the threshold, else reject."""
    return ThresholdPush(threshold=attack.threshold, up=attack.pushed)


#: margin ``v_sup - v`` below the supremum of the pushed value (a symbol of the closed forms)
MARGIN = sp.Symbol("delta_v", nonnegative=True)
#: the S-run margin of the two-sided attack (its downward push)
MARGIN_DOWN = sp.Symbol("delta_v_down", nonnegative=True)


def halves_layout(h: int, m: int, lip: Fraction, high_count: int) -> Any:
    """:func:`constructions.groups.balanced_halves` (``+L`` / ``-L``).

    Work-around: ``balanced_halves`` builds a ``WorkerGroup`` of count 0 (rejected by
    the simulator) when the ``-L`` side is the changed worker alone; then the same groups
    are assembled from the helpers of :mod:`constructions.groups`.
    """
    from boundkit.errors import ParameterError
    from constructions.groups import (
        NeighbouringLayout,
        balanced_halves,
        constant_group,
        special_worker,
    )

    try:
        return balanced_halves(h, m, high=lip, low=-lip, high_count=high_count)
    except ParameterError:
        if h - high_count != 1:
            raise
    high = constant_group(lip, m, high_count, "high")
    return NeighbouringLayout(
        honest=(special_worker(-lip, -lip, m), high),
        honest_neighbour=(special_worker(lip, -lip, m), high),
    )


def halves_instance(setting: Any, name: str, dps: int = 50) -> Any:
    """Build (B1) or (B2) at ``setting`` (App. C.3; THEORY.md section 3).

    Linear loss ``l(theta; z) = z theta``, ``|z| <= L``, ``theta_0 = 0``; honest workers
    in two groups at ``+L`` / ``-L`` (:func:`constructions.groups.balanced_halves` with the
    side size ``p`` of :func:`halves_attack`); Byzantine workers run
    :func:`halves_strategy`.  Gradients never change, so every step is the same and
    ``eps = L |theta_T - theta'_T| = gamma L T (gap_sup - s delta_v / h)`` with
    ``gap_sup`` the closed form of :func:`halves_gap_closed_form`, ``s`` the Byzantine
    copies in the selected window and ``delta_v = v_sup - v`` the margin.
    """
    from boundkit.bounds.symbols import L, T, gamma
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import n as n_
    from boundkit.dynamics.losses import LinearLoss
    from boundkit.dynamics.simulate import Problem
    from constructions.base import Instance
    from constructions.measure import setting_subs

    n, f, m = setting.n, setting.f, setting.m
    lip = Fraction(setting.lipschitz)
    attack = halves_attack(n, f, m, lip, dps)
    layout = halves_layout(n - f, m, lip, attack.high_count)
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=f,
        byzantine=halves_strategy(attack),
        start=0,
    )
    if attack.gap_formula is not None:
        gap = attack.gap_formula
    else:  # not met on n <= 41, m <= 5; the exact supremum, scaled by L
        gap = L * attack.gap_sup / sp.Rational(lip.numerator, lip.denominator)
    closed = gamma * L * T * (gap - attack.selected * MARGIN / (n_ - f_))
    own = setting.with_(strong_convexity=0)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[MARGIN] = attack.margin
    supremum = gamma * L * T * gap
    return Instance(
        name=name,
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=closed,
        closed_form_subs=subs,
        extras={
            "supremum": supremum,
            "supremum_value": supremum.xreplace(subs),
            "pushed_value": attack.pushed,
            "pushed_supremum": None if attack.supremum is None else attack.supremum.value,
            "margin": attack.margin,
            "relative_margin": relative_margin(dps),
            "high_count": attack.high_count,
            "selected_byzantine": attack.selected,
            "selected_honest": None if attack.supremum is None else attack.supremum.honest_part,
            "threshold": attack.threshold,
            "closed_form_derived": attack.gap_formula is not None,
            "attack": attack,
        },
    )


def byzantine_report(
    title: str, instance: Any, measurement: Any, upper_id: str, lower_id: str, dps: int
) -> str:
    """:func:`constructions.measure.report`, or, when a registered bound's hypotheses fail
    at this point (e.g. ``n - f even`` for odd ``h``), the same lines without that bound."""
    from boundkit.errors import HypothesisViolation
    from constructions.measure import report

    try:
        return report(title, instance, measurement, upper_id, lower_id, dps)
    except HypothesisViolation as error:
        with mpmath.workdps(dps):
            return "\n".join(
                [
                    f"*** Construction {instance.name}: {title} ***",
                    f"\tsetting: {instance.setting}",
                    f"\tempirical stability ({measurement.method}):\t"
                    f"{mpmath.nstr(measurement.empirical, 20)}",
                    f"\tclosed form:\t\t\t\t{mpmath.nstr(measurement.closed_form, 20)}",
                    f"\tbounds not evaluated: {error}",
                ]
            )
