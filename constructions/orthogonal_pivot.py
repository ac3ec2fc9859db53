"""The orthogonal push against a pivot sample on ``e2`` (the Lemma 4.1 variant of (B3)).

Not from the paper: boundkit's extension of :mod:`boundkit.bounds.orthogonal_gap` (which only
handles honest vectors on the ``e1`` axis).  Dimension 2, everything over ``L``.  The
``h = n - f`` honest workers are ``h - 1`` Diracs on the ``e1`` axis, ``floor((h-1)/2)``
at ``+e1`` and the others at ``-e1``, and the pivot (special) worker of Lemma 4.1, whose
one sample is ``s e2`` with ``s = -1`` (``S1``) or ``s = +1`` (``S2``).  The ``f``
Byzantine workers send ``(0, s D)``: the pivot's side, so the Byzantine and the pivot
gradients pull ``theta`` the same way (docs/theory.md, "The orthogonal push (B3)").

Covariance of a window ``W`` of ``h`` vectors with ``j`` copies of ``(0, d)`` and honest
coordinate sums ``Sx, Sy, Sxx, Syy, Sxy`` (plain second moments minus the squared mean):

.. math:: a_{11} = \\frac{S_{xx}}{h} - \\frac{S_x^2}{h^2},\\quad
          a_{22} = \\frac{S_{yy} + j d^2}{h} - \\frac{(S_y + j d)^2}{h^2},\\quad
          a_{12} = \\frac{S_{xy}}{h} - \\frac{S_x (S_y + j d)}{h^2},

``lambda_max = (a11 + a22)/2 + sqrt(((a11 - a22)/2)^2 + a12^2)``.  The supremum ``D*`` of
the ``D`` at which SMEA (Def. 2.3) keeps all ``f`` Byzantine vectors is located like in
:mod:`boundkit.bounds.orthogonal_gap`: every window enumerated, a float64 bisection on ``D``,
the best ``f``-window and the best window of fewer Byzantine vectors at the two ends of
the float bracket, and their tie solved at high precision (mpmath bisection).  It is then
*certified* by the exact aggregator (:func:`boundkit.rules.smea_grouped`, Fractions)
at two rationals ``below < D* < above`` with ``above / below - 1 <= 3 * 10**-digits``:
all ``f`` kept at ``below``, not all at ``above``.  ``D*`` itself is only known to that
precision (it is a square root of a rational, not computed in closed form here).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from boundkit.bounds.orthogonal_gap import count_matrix, float_bracket, top_eigenvalue
from boundkit.rules import GroupedAggregate, smea_grouped

Point = tuple[Fraction, Fraction]
Groups = tuple[tuple[Point, int], ...]


def pivot_groups(n: int, f: int, sign: int) -> Groups:
    """Honest vectors over ``L`` with their counts: ``floor((h-1)/2)`` at ``+e1``, the
    other ``h - 1`` non-pivot workers at ``-e1``, the pivot at ``sign * e2``."""
    h = n - f
    high = (h - 1) // 2
    groups = (
        ((Fraction(1), Fraction(0)), high),
        ((Fraction(-1), Fraction(0)), h - 1 - high),
        ((Fraction(0), Fraction(sign)), 1),
    )
    return tuple(g for g in groups if g[1] > 0)


def smea_with_push(honest: Groups, f: int, push: Fraction) -> GroupedAggregate:
    """Exact SMEA on ``honest`` plus ``f`` copies of ``(0, push)`` (the last group)."""
    values = [v for v, _ in honest] + [(Fraction(0), push)]
    counts = [c for _, c in honest] + [f]
    return smea_grouped(values, counts, f)


def keeps_all(honest: Groups, f: int, push: Fraction) -> bool:
    """Exact: SMEA keeps all ``f`` vectors ``(0, push)`` beside ``honest``."""
    return smea_with_push(honest, f, push).selected_counts[-1] == f


@dataclass(frozen=True)
class _Windows:
    """Float64 honest sums of every window (one row each) and its Byzantine count."""

    sx: np.ndarray
    sy: np.ndarray
    sxx: np.ndarray
    syy: np.ndarray
    sxy: np.ndarray
    j: np.ndarray
    h: int

    def lambdas(self, d: float, rows: np.ndarray | None = None) -> np.ndarray:
        """``lambda_max`` of every window (or of ``rows``) with ``j`` copies of ``(0, d)``."""
        idx = slice(None) if rows is None else rows
        sums = (self.sx[idx], self.sy[idx], self.sxx[idx], self.syy[idx], self.sxy[idx])
        return _window_lambda(self.h, self.j[idx], sums, d, np.sqrt)

    def keeps_all(self, d: float, f: int) -> bool:
        """An ``f``-window is strictly flatter (by ``1e-12`` relative) than all others."""
        lam = self.lambdas(d)
        full = self.j == f
        return bool(lam[full].min() < lam[~full].min() * (1 - 1e-12))


def _windows(honest: Groups, f: int) -> _Windows:
    """Every window (:func:`boundkit.bounds.orthogonal_gap.count_matrix` per Byzantine count)."""
    h = sum(c for _, c in honest)
    blocks = [(j, count_matrix([c for _, c in honest], h - j)) for j in range(f + 1)]
    counts = np.concatenate([block for _, block in blocks]).astype(float)
    j = np.concatenate([np.full(len(block), jj, dtype=float) for jj, block in blocks])
    x = np.array([float(v[0]) for v, _ in honest])
    y = np.array([float(v[1]) for v, _ in honest])
    return _Windows(
        counts @ x, counts @ y, counts @ (x * x), counts @ (y * y), counts @ (x * y), j, h
    )


def _lambda_mp(ws: _Windows, row: int, d: mpmath.mpf) -> mpmath.mpf:
    """``lambda_max`` of one window at high precision (its sums are small integers)."""
    *sums, j = (
        mpmath.mpf(int(round(a[row]))) for a in (ws.sx, ws.sy, ws.sxx, ws.syy, ws.sxy, ws.j)
    )
    return _window_lambda(ws.h, j, sums, d, mpmath.sqrt)


def _window_lambda(h: int, j: Any, sums: Sequence[Any], d: Any, sqrt: Callable[[Any], Any]) -> Any:
    """``lambda_max`` of a window from its honest sums ``(Sx, Sy, Sxx, Syy, Sxy)`` and
    ``j`` copies of ``(0, d)`` (module docstring), in the number type of ``sqrt``."""
    sx, sy, sxx, syy, sxy = sums
    my = sy + j * d
    a11 = sxx / h - (sx / h) ** 2
    a22 = (syy + j * d * d) / h - (my / h) ** 2
    a12 = sxy / h - sx * my / h**2
    return top_eigenvalue(a11, a22, a12 * a12, sqrt)


def _tie(ws: _Windows, f: int, sign: int, lo: float, hi: float, dps: int) -> mpmath.mpf:
    """``D*``: where the best ``f``-window (at ``lo``) ties the best other one (at ``hi``),
    by bisection at ``dps`` digits on ``[lo (1 - 1e-11), hi (1 + 1e-11)]``."""
    full = np.flatnonzero(ws.j == f)
    other = np.flatnonzero(ws.j != f)
    kept = int(full[np.argmin(ws.lambdas(sign * lo, full))])
    rival = int(other[np.argmin(ws.lambdas(sign * hi, other))])
    with mpmath.workdps(dps):
        a, b = mpmath.mpf(lo) * (1 - mpmath.mpf(10) ** -11), mpmath.mpf(hi) * (1 + 1e-11)

        def gap(x: mpmath.mpf) -> mpmath.mpf:
            return _lambda_mp(ws, kept, sign * x) - _lambda_mp(ws, rival, sign * x)

        if not gap(a) < 0 < gap(b):
            raise ArithmeticError(f"no tie of windows {kept}, {rival} in [{lo}, {hi}]")
        for _ in range(int(dps * 3.4) + 10):
            mid = (a + b) / 2
            a, b = (mid, b) if gap(mid) < 0 else (a, mid)
        return (a + b) / 2


def _rational(x: mpmath.mpf, digits: int) -> Fraction:
    """``x`` rounded down to ``digits`` decimals."""
    return Fraction(int(mpmath.floor(x * mpmath.mpf(10) ** digits)), 10**digits)


@dataclass(frozen=True)
class PivotPush:
    """The certified push of one run (over ``L``; ``sign`` is the pivot's ``e2`` side).

    ``below < D* < above`` (``above / below - 1 <= 3 * 10**-digits``); ``selected`` is
    SMEA's choice at ``below`` (counts of ``+e1``, ``-e1``, pivot, Byzantine) and
    ``output`` its output vector there.
    """

    n: int
    f: int
    sign: int
    below: Fraction
    above: Fraction
    selected: tuple[int, ...]
    output: Point

    @property
    def pivot_kept(self) -> bool:
        """Whether SMEA keeps the pivot's sample at ``below``."""
        return self.selected[-2] == 1


@functools.lru_cache(maxsize=256)
def pivot_push(n: int, f: int, sign: int = -1, digits: int = 40) -> PivotPush | None:
    """Certified supremum of the push ``(0, sign D)`` against :func:`pivot_groups`.

    ``None`` when SMEA does not keep all ``f`` vectors even for tiny ``D``.  Raises
    ``ArithmeticError`` if the exact aggregator disagrees with the float/mpmath location.
    """
    honest = pivot_groups(n, f, sign)
    ws = _windows(honest, f)
    bracket = float_bracket(lambda d: ws.keeps_all(sign * d, f), first=1e-9, limit=1e6)
    if bracket is None:
        return None
    star = _tie(ws, f, sign, *bracket, dps=digits + 20)
    with mpmath.workdps(digits + 20):
        below = _rational(star * (1 - mpmath.mpf(10) ** -digits), digits + 5)
        above = _rational(star * (1 + mpmath.mpf(10) ** -digits), digits + 5) + Fraction(
            1, 10 ** (digits + 5)
        )
    kept = smea_with_push(honest, f, sign * below)
    if kept.selected_counts[-1] != f or keeps_all(honest, f, sign * above):
        raise ArithmeticError(f"exact SMEA does not confirm D* ~ {star} at n={n}, f={f}")
    return PivotPush(n, f, sign, below, above, kept.selected_counts, tuple(kept.value))
