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
  (:func:`push_supremum`; ``p + sqrt(q)`` end points, compared at high precision and
  returned as SymPy numbers),
* derives the same supremum in closed form when the honest window is the binding
  competitor (:func:`honest_bound_output`: ``mu_P + sqrt(f (h var_H - (h-f) var_P) /
  (h (h-f)))``, ``P`` the honest part of the pushed window, ``H`` all honest messages),
* finds the largest pushed value numerically, by bisection on the grouped SMEA at
  working precision (:func:`largest_selected_push`, the general case of App. E.2),
* and provides the strategies (:class:`ThresholdPush`, :class:`AdaptiveTwoSidedPush`):
  functions of the observed honest messages only, never of the run they are in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
        man, exp = x.man_exp
        return Fraction(man) * Fraction(2) ** exp
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


def _selection_interval(
    quads: list[_Quadratic], s: int, floor: Fraction
) -> tuple[sp.Expr, sp.Expr, bool] | None:
    """Last interval ``(low, high)`` of ``v > floor`` on which ``W_s`` is selected."""
    diffs = [(j, quads[j] - quads[s]) for j in range(len(quads)) if j != s]
    points: list[sp.Expr] = [sp.Rational(floor.numerator, floor.denominator)]
    for _, d in diffs:
        points.extend(r for r in d.roots() if _num(r) > _num(points[0]))
    keyed = sorted(points, key=_num)
    unique: list[sp.Expr] = []
    for p in keyed:
        if not unique or abs(_num(p) - _num(unique[-1])) > mpmath.mpf(10) ** (-_ORDER_DPS + 20):
            unique.append(p)

    tiny = mpmath.mpf(10) ** (-_ORDER_DPS + 30)

    def selected(x: mpmath.mpf, *, at_end: bool = False) -> bool:
        with mpmath.workdps(_ORDER_DPS):
            for j, d in diffs:
                value = d.at(x)
                if at_end and abs(value) < tiny:
                    value = mpmath.mpf(0)  # a root: the tie is decided by the start
                if not (value > 0 if j < s else value >= 0):
                    return False
            return True

    best = None
    for i, low in enumerate(unique):
        if i + 1 == len(unique):
            probe = _num(low) + 1
            if selected(probe):
                return None  # unbounded: cannot happen when s >= 1 and W_0 competes
            continue
        high = unique[i + 1]
        with mpmath.workdps(_ORDER_DPS):
            mid = (_num(low) + _num(high)) / 2
        if selected(mid):
            attained = selected(_num(high), at_end=True)
            best = (low, high, attained)
    return best


def push_supremum(honest: Sequence[tuple[Any, int]], f: int) -> PushSupremum | None:
    """Exact supremum of SMEA's output when ``f`` Byzantines send one value ``v > max H``.

    Every window ``W_s`` (``s = 1..f`` Byzantine copies) is tried; the largest supremum
    of the output wins.  ``None`` when no window with a Byzantine copy is ever selected.
    Values must be exact rationals.
    """
    groups = normalise([(as_fraction(v), c) for v, c in honest])
    h = total(groups)
    parts = [drop_lowest(groups, s) for s in range(f + 1)]
    quads = [_window_quadratic(parts[s], s) for s in range(f + 1)]
    floor = groups[-1][0]
    best: PushSupremum | None = None
    for s in range(1, f + 1):
        found = _selection_interval(quads, s, floor)
        if found is None:
            continue
        low, high, attained = found
        part = parts[s]
        shift = sum(sp.Rational(x.numerator, x.denominator) * c for x, c in part)
        out = sp.nsimplify((s * high + shift) / h) if high.is_rational else (s * high + shift) / h
        cand = PushSupremum(s, high, sp.radsimp(out), part, low, attained, h)
        if best is None or _num(cand.output) > _num(best.output):
            best = cand
    return best


def honest_bound_output(
    honest: Sequence[tuple[Any, int]], part: Sequence[tuple[Any, int]], f: int
) -> Any:
    """Closed form of the supremum when the honest window ``W_0`` is the binding competitor.

    ``W_f`` has variance ``((h-f)/h) var_P + f (h-f)/h^2 (v - mu_P)^2``; equating it with
    ``var_H`` and taking the window mean gives
    ``mu_P + sqrt(f (h var_H - (h-f) var_P) / (h (h-f)))``.  Works on SymPy expressions.
    """
    h = total(honest)
    k = total(part)
    return mean(part) + sp.sqrt(f * (h * variance(honest) - k * variance(part)) / (h * k))


def rational_below(value: sp.Expr, relative_margin: Fraction, digits: int) -> Fraction:
    """A rational ``v`` with ``value (1 - 2 r) < v <= value (1 - r)``, ``r`` the margin.

    ``v`` is ``value (1 - r)`` rounded down to ``digits`` decimals (``digits`` must exceed
    the margin's exponent so the rounding stays inside the band).
    """
    target = sp.Mul(value, 1 - sp.Rational(relative_margin.numerator, relative_margin.denominator))
    scaled = sp.floor(target * sp.Integer(10) ** digits)
    return Fraction(int(scaled), 10**digits)


# --------------------------------------------------------------------------- numeric bisection


def _smea_grouped(values: Sequence[Any], counts: Sequence[int], f: int) -> Any:
    from boundkit.aggregators import smea_grouped

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
    starting just above the honest messages (true for the constructions here; compare
    with :func:`push_supremum` for the exact value).
    """
    with mpmath.workdps(dps):
        groups = normalise([(mpmath.mpf(as_fraction(v).numerator) / as_fraction(v).denominator
                             if not isinstance(v, mpmath.mpf) else v, c) for v, c in honest])
        if direction < 0:
            groups = mirrored(groups)
        tol = mpmath.mpf(10) ** (-(dps - 5)) if relative_tolerance is None else relative_tolerance
        top = groups[-1][0]
        scale = max(abs(groups[-1][0] - groups[0][0]), abs(top), mpmath.mpf(1))
        step = scale * mpmath.mpf(10) ** (-(dps // 2))
        lo = top + step
        if byzantine_selected(groups, f, lo) <= 0:
            raise ValueError("SMEA selects no Byzantine copy just above the honest messages")
        hi = top + scale
        while byzantine_selected(groups, f, hi) > 0:
            lo, hi = hi, top + 2 * (hi - top)
        while hi - lo > tol * abs(hi):
            mid = (lo + hi) / 2
            if byzantine_selected(groups, f, mid) > 0:
                lo = mid
            else:
                hi = mid
        return lo if direction > 0 else -lo


# --------------------------------------------------------------------------- strategies


def honest_mean(view: Any) -> Any:
    """Mean of the honest messages a :class:`boundkit.simulate.View` shows."""
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
    workers send ``up``; otherwise they send ``down`` or, when ``down`` is None, a value
    SMEA rejects (:func:`reject_value`), so that the honest window is kept.  A function of
    the view only: identical views give identical messages in both runs.
    """

    threshold: Any
    up: Any
    down: Any = None

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        if honest_mean(view) > self.threshold:
            return ((self.up, f),)
        if self.down is not None:
            return ((self.down, f),)
        return ((reject_value(view.honest_messages), f),)


@dataclass
class AdaptiveTwoSidedPush:
    """The tailored two-sided attack (App. E.2, Algorithm 2).

    Above ``threshold`` (honest mean) all Byzantine workers send the largest value SMEA
    still selects, below it the smallest; both found by :func:`largest_selected_push`
    on the observed honest messages, at ``dps`` digits.  Memoised on the honest messages
    (with the linear loss they are the same at every step).
    """

    threshold: Any
    dps: int = 50
    pusher: Callable[..., Any] = largest_selected_push
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        honest = tuple(view.honest_messages)
        direction = 1 if honest_mean(view) > self.threshold else -1
        key = (direction, f, tuple((x, c) for x, c in honest))
        if key not in self._cache:
            self._cache[key] = self.pusher(honest, f, direction=direction, dps=self.dps)
        return ((self._cache[key], f),)
