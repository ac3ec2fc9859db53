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


def _selection_interval(
    quads: list[_Quadratic], s: int, floor: Fraction, ties_to_fewer: bool = True
) -> tuple[sp.Expr, sp.Expr, bool] | None:
    """Last interval ``(low, high)`` of ``v > floor`` on which ``W_s`` is selected.

    ``ties_to_fewer``: a variance tie goes to the window with fewer Byzantine copies (the
    lowest start for an upward push; for a mirrored downward push it is the reverse).
    """
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
                strict = (j < s) == ties_to_fewer
                if not (value > 0 if strict else value >= 0):
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


def push_supremum(
    honest: Sequence[tuple[Any, int]], f: int, *, direction: int = 1
) -> PushSupremum | None:
    """Exact supremum of SMEA's output when ``f`` Byzantines send one value ``v > max H``.

    Every window ``W_s`` (``s = 1..f`` Byzantine copies) is tried; the largest supremum
    of the output wins.  ``None`` when no window with a Byzantine copy is ever selected.
    Values must be exact rationals.  ``direction = -1``: the downward push (``v < min H``),
    solved on the mirrored messages with the tie rule mirrored too (SMEA's smallest-mean
    rule then favours the window with *more* Byzantine copies); ``value`` and ``output``
    are then those of the mirrored problem: negate them.
    """
    groups = normalise([(as_fraction(v), c) for v, c in honest])
    if direction < 0:
        groups = mirrored(groups)
    h = total(groups)
    parts = [drop_lowest(groups, s) for s in range(f + 1)]
    quads = [_window_quadratic(parts[s], s) for s in range(f + 1)]
    floor = groups[-1][0]
    best: PushSupremum | None = None
    for s in range(1, f + 1):
        found = _selection_interval(quads, s, floor, ties_to_fewer=direction > 0)
        if found is None:
            continue
        low, high, attained = found
        part = parts[s]
        shift = sum(sp.Rational(x.numerator, x.denominator) * c for x, c in part)
        out = sp.radsimp((s * high + shift) / h)
        cand = PushSupremum(s, high, out, part, low, attained, h)
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
    honest = [(sp.sympify(v), sp.sympify(c)) for v, c in honest]
    part = [(sp.sympify(v), sp.sympify(c)) for v, c in part]
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


# --------------------------------------------------------------------------- strategies


def like(x: Any, reference: Any) -> Any:
    """``x`` in the number type of ``reference`` (``mpf`` or exact), for comparisons."""
    if isinstance(reference, mpmath.mpf) and isinstance(x, Fraction):
        return _mp(x)
    return x


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

    Above ``threshold`` (honest mean) all Byzantine workers send the largest value SMEA
    still selects, below it the smallest; both found by :func:`largest_selected_push`
    on the observed honest messages, at ``dps`` digits (a value SMEA rejects when no
    pushed value is ever selected).  Memoised on the honest messages
    (with the linear loss they are the same at every step).
    """

    threshold: Any
    dps: int = 50
    pusher: Callable[..., Any] = largest_selected_push
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
            if not isinstance(mu, mpmath.mpf):
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


def halves_high_counts(h: int) -> tuple[int, ...]:
    """Candidate sizes of the ``+L`` half: ``h/2`` (even ``h``), ``(h +- 1)/2`` (odd)."""
    return (h // 2,) if h % 2 == 0 else ((h + 1) // 2, (h - 1) // 2)


def halves_gap_closed_form(h: int, f: int, m: int, high_count: int) -> sp.Expr | None:
    """Supremum of ``theta'`` drift minus ``theta`` drift per step, over ``gamma`` (App. C.3).

    Returns ``sup(out_S') - mu_S`` as a SymPy expression in ``n, f, m, L`` for the cases
    derived by hand (``None`` otherwise), ``k = n - 2f``, ``a = L (2 - m)/m``:

    * even ``h``, ``high = h/2`` (THEORY's layout), ``mu_S = 0``:
      ``f >= h/2`` (B1): ``L (1 + sigma_m sqrt(f/k))``,
      ``sigma_m^2 = 1 - 4(m-1)/(m^2 h) - 4/(m^2 h^2)``;
      ``f < h/2`` (B2): ``2L (f m h + n)/(m h k) = 2fL/k + 2nL/(m h k)``;
    * odd ``h``, ``high = (h+1)/2``, ``mu_S = L/h``:
      ``f >= (h-1)/2``: ``L(1 - 1/h) + L sqrt(f (h^2 m^2 - 4hm + 4h - (m+2)^2)/(h^2 m^2 k))``;
      ``f <= (h-3)/2``: ``2L (f m (h+1) + n)/(h m k)``;
    * odd ``h``, ``high = (h-1)/2``, ``mu_S = -L/h``:
      ``f >= (h+1)/2``: ``L(1 + 1/h) + L sqrt(f (h-1)((h+1) m^2 - 4m + 4)/(h^2 m^2 k))``;
      ``f <= (h-1)/2``: ``2L (f m (h-1) + n)/(h m k)``;
    * ``m = 1`` exceptions, where a window holding fewer Byzantine copies ties or beats
      the full one (pairwise identity: ``s (h - s)`` copies-times-honest terms):
      even ``h`` with ``f in {h/2, h/2 + 1}``: ``L (2 - 2/h)`` (window of ``h/2 - 1``
      copies and the ``h/2 + 1`` workers at ``+L``, bound by the honest window at
      ``v = 3L``); odd ``h``, ``high = (h-1)/2``, ``f = (h+1)/2``: ``2L``.
    """
    from boundkit.symbols import L
    from boundkit.symbols import f as f_
    from boundkit.symbols import m as m_
    from boundkit.symbols import n as n_

    hh = n_ - f_
    k = n_ - 2 * f_
    if m == 1 and h % 2 == 0 and f in (h // 2, h // 2 + 1):
        return L * (2 - 2 / hh)
    if m == 1 and h % 2 == 1 and high_count == (h - 1) // 2 and f == (h + 1) // 2:
        return 2 * L
    low = h - high_count
    if h % 2 == 0:
        if f >= low:
            sigma2 = 1 - 4 * (m_ - 1) / (m_**2 * hh) - 4 / (m_**2 * hh**2)
            return L * (1 + sp.sqrt(sigma2) * sp.sqrt(f_ / k))
        return 2 * L * (f_ * m_ * hh + n_) / (m_ * hh * k)
    if high_count == (h + 1) // 2:
        if f >= low:
            rad = f_ * (hh**2 * m_**2 - 4 * hh * m_ + 4 * hh - (m_ + 2) ** 2) / (hh**2 * m_**2 * k)
            return L * (1 - 1 / hh) + L * sp.sqrt(rad)
        return 2 * L * (f_ * m_ * (hh + 1) + n_) / (hh * m_ * k)
    if f >= low:
        rad = f_ * (hh - 1) * ((hh + 1) * m_**2 - 4 * m_ + 4) / (hh**2 * m_**2 * k)
        return L * (1 + 1 / hh) + L * sp.sqrt(rad)
    return 2 * L * (f_ * m_ * (hh - 1) + n_) / (hh * m_ * k)


@dataclass(frozen=True)
class HalvesAttack:
    """Everything (B1)/(B2) needs at one point (App. C.3), exact.

    ``high_count``: size of the ``+L`` half (odd ``h``: the side that gives the larger
    gap); ``honest_s``, ``honest_s_prime``: honest messages; ``threshold``: midpoint of
    the two honest means (the strategy pushes up above it); ``supremum``: the exact
    :class:`PushSupremum` in ``S'`` (None: SMEA never selects a pushed value, the
    Byzantines then send a rejected value in both runs); ``pushed``: the rational value
    sent; ``margin``: ``v_sup - pushed``; ``gap_sup``: ``sup(out_S') - mu_S`` exactly;
    ``gap_formula``: the closed form of :func:`halves_gap_closed_form` (None if no
    hand-derived case applies); ``gap_reached``: ``out_S'(pushed) - mu_S``.
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

    @property
    def selected(self) -> int:
        return 0 if self.supremum is None else self.supremum.selected


def _halves_option(h: int, f: int, m: int, lip: Fraction, high: int, dps: int) -> HalvesAttack:
    s, s_prime = halves_groups(h, m, lip, high)
    mu_s, mu_s_prime = mean(s), mean(s_prime)
    sup = push_supremum(s_prime, f)
    mu_s_sym = sp.Rational(mu_s.numerator, mu_s.denominator)
    if sup is None:
        gap = sp.Rational(mu_s_prime.numerator, mu_s_prime.denominator) - mu_s_sym
        pushed, margin, reached = None, sp.Integer(0), mu_s_prime - mu_s
    else:
        gap = sp.radsimp(sup.output - mu_s_sym)
        pushed = rational_below(sup.value, relative_margin(dps), dps + 10)
        if not _num(sup.interval_low) < _mp(pushed):
            raise ArithmeticError("margin leaves the selection interval")
        margin = sup.value - sp.Rational(pushed.numerator, pushed.denominator)
        reached = sup.output_at(pushed) - mu_s
    return HalvesAttack(
        high_count=high,
        honest_s=s,
        honest_s_prime=s_prime,
        threshold=(mu_s + mu_s_prime) / 2,
        supremum=sup,
        pushed=pushed,
        margin=margin,
        gap_sup=gap,
        gap_formula=halves_gap_closed_form(h, f, m, high),
        gap_reached=reached,
    )


def halves_attack(n: int, f: int, m: int, lipschitz: Any, dps: int = 50) -> HalvesAttack:
    """The (B1)/(B2) attack at ``(n, f, m, L)``; for odd ``h`` the better side (exact)."""
    lip = as_fraction(lipschitz) if not isinstance(lipschitz, float) else Fraction(lipschitz)
    h = n - f
    options = [_halves_option(h, f, m, lip, high, dps) for high in halves_high_counts(h)]
    return max(options, key=lambda o: _num(o.gap_sup))


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
    in two halves at ``+L`` / ``-L`` (:func:`constructions.groups.balanced_halves`, the
    side sizes of :func:`halves_attack`); Byzantine workers run :func:`halves_strategy`.
    Gradients never change, so every step is the same and
    ``eps = L |theta_T - theta'_T| = gamma L T (gap_sup - s delta_v / h)`` with
    ``gap_sup`` the closed form of :func:`halves_gap_closed_form`, ``s`` the Byzantine
    copies in the selected window and ``delta_v = v_sup - v`` the margin.
    """
    from boundkit.losses import LinearLoss
    from boundkit.simulate import Problem
    from boundkit.symbols import L, T, gamma
    from boundkit.symbols import f as f_
    from boundkit.symbols import n as n_
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
            "supremum_value": supremum.subs(subs),
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
            return "\n".join([
                f"*** Construction {instance.name}: {title} ***",
                f"\tsetting: {instance.setting}",
                f"\tempirical stability ({measurement.method}):\t"
                f"{mpmath.nstr(measurement.empirical, 20)}",
                f"\tclosed form:\t\t\t\t{mpmath.nstr(measurement.closed_form, 20)}",
                f"\tbounds not evaluated: {error}",
            ])
