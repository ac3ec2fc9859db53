"""Exact linear algebra of the rules: the covariance ``Sigma_S`` (Def. 2.2) of a subset, its
largest eigenvalue at mpmath precision and *exactly* (a Fraction, or the largest root of the
square-free characteristic polynomial with an isolating interval), and the exact choice of the
covariances of minimal ``lambda_max``.  The public entry point for a given subset is
:func:`largest_eigenvalue_of_subset`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import mpmath
import numpy as np
import sympy

from boundkit.errors import ParameterError
from boundkit.rules.points import (
    Kind,
    Number,
    _fraction,
    _mpf_from_fraction,
    _parse,
    _Points,
    is_integer,
)


def _norm2(vec: Sequence[Fraction]) -> Fraction:
    return sum((c * c for c in vec), Fraction(0))


def covariance_exact(rows: Sequence[tuple[Fraction, ...]]) -> tuple[tuple[Fraction, ...], ...]:
    """Exact ``Sigma_S = (1/|S|) sum (x - mean)(x - mean)^T`` of the given points (Def. 2.2)."""
    k = len(rows)
    d = len(rows[0])
    mu = [sum((r[j] for r in rows), Fraction(0)) / k for j in range(d)]
    c = [[r[j] - mu[j] for j in range(d)] for r in rows]
    return tuple(
        tuple(sum((x[a] * x[b] for x in c), Fraction(0)) / k for b in range(d)) for a in range(d)
    )


def _lambda_mp(cov: Sequence[Sequence[Number]]) -> mpmath.mpf:
    """``lambda_max`` of a symmetric matrix at the current mpmath precision."""
    d = len(cov)
    m = [
        [x if isinstance(x, mpmath.mpf) else _mpf_from_fraction(_fraction(x)) for x in r]
        for r in cov
    ]
    if d == 1:
        return m[0][0]
    if d == 2:
        a, b, c = m[0][0], m[0][1], m[1][1]
        return (a + c) / 2 + mpmath.hypot((a - c) / 2, b)
    return max(mpmath.eigsy(mpmath.matrix(m), eigvals_only=True))


_X = sympy.Symbol("x")


def _sym_rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def _frac(r: object) -> Fraction:
    r = sympy.Rational(r)
    return Fraction(int(r.p), int(r.q))


class _ExactLambda:
    """``lambda_max`` of a rational symmetric matrix, exactly.

    Either a Fraction (``rational``) or the largest root of the square-free characteristic
    polynomial ``poly`` together with an isolating interval ``[lo, hi]``.
    """

    def __init__(self, cov: Sequence[Sequence[Fraction]]) -> None:
        d = len(cov)
        self.rational: Fraction | None = None
        if d == 1 or all(cov[i][j] == 0 for i in range(d) for j in range(d) if i != j):
            self.rational = max(cov[i][i] for i in range(d))
            return
        m = sympy.Matrix([[_sym_rational(x) for x in r] for r in cov])
        poly = sympy.Poly(m.charpoly(_X).all_coeffs(), _X, domain=sympy.QQ).sqf_part()
        # the largest root: SymPy's isolating intervals may end on another (rational) root
        # (x^2 - 3x/4 gives (0, 0) and (0, 1)), so order by (hi, lo) and shrink the
        # interval until neither end is a root
        (lo, hi), _ = max(
            poly.intervals(), key=lambda iv: (sympy.Rational(iv[0][1]), sympy.Rational(iv[0][0]))
        )
        self.poly = poly
        self.lo, self.hi = _frac(lo), _frac(hi)
        if self.lo == self.hi:
            self.rational = self.lo
            return
        while poly.eval(_sym_rational(self.lo)) == 0 or poly.eval(_sym_rational(self.hi)) == 0:
            self._refine()
            if self.rational is not None:
                return

    def _refine(self) -> None:
        width = self.hi - self.lo
        lo, hi = self.poly.refine_root(
            _sym_rational(self.lo), _sym_rational(self.hi), eps=_sym_rational(width / 16)
        )
        self.lo, self.hi = _frac(lo), _frac(hi)
        if self.lo == self.hi:
            self.rational = self.lo

    def _bounds(self) -> tuple[Fraction, Fraction]:
        if self.rational is not None:
            return self.rational, self.rational
        return self.lo, self.hi

    def _is_root_of(self, other: _ExactLambda) -> bool:
        """Is this number a root of ``other``'s polynomial (``x - r`` for a rational)?"""
        if self.rational is not None:
            if other.rational is not None:
                return self.rational == other.rational
            return other.poly.eval(_sym_rational(self.rational)) == 0
        if other.rational is not None:
            r = other.rational
            return self.lo <= r <= self.hi and self.poly.eval(_sym_rational(r)) == 0
        g = sympy.gcd(self.poly, other.poly)
        if g.degree() < 1:
            return False
        return g.count_roots(_sym_rational(self.lo), _sym_rational(self.hi)) > 0

    def compare(self, other: _ExactLambda) -> int:
        """-1, 0 or 1 as this number is below, equal to, or above ``other``."""
        if self._is_root_of(other) and other._is_root_of(self):
            return 0
        while True:
            a_lo, a_hi = self._bounds()
            b_lo, b_hi = other._bounds()
            if a_hi < b_lo:
                return -1
            if b_hi < a_lo:
                return 1
            if self.rational is not None and other.rational is not None:
                return (self.rational > other.rational) - (self.rational < other.rational)
            for z in (self, other):
                if z.rational is None:
                    z._refine()

    def value(self) -> Fraction | sympy.Expr:
        """A Fraction when rational, else an exact sympy number (radical or CRootOf)."""
        if self.rational is not None:
            return self.rational
        lo, hi = _sym_rational(self.lo), _sym_rational(self.hi)
        for g, _ in self.poly.factor_list()[1]:
            if g.count_roots(lo, hi) == 0:
                continue
            if g.degree() == 1:
                return _frac(-g.nth(0) / g.nth(1))
            index = g.count_roots(None, lo)
            if g.degree() == 2:
                return _quadratic_root(g, index)
            return sympy.CRootOf(g.as_expr(), index)
        raise AssertionError("lambda_max not found among the factors")  # pragma: no cover


def _quadratic_root(g: sympy.Poly, index: int) -> sympy.Expr:
    """Root ``index`` (0: the smaller) of an irreducible quadratic: a radical, or a
    ``CRootOf`` when SymPy cannot build the radical (its ``sqrt`` factors the
    discriminant, and the perfect-power test overflows on integers of a few hundred
    digits, e.g. grouped input with denominators near ``10**12``)."""
    try:
        return sorted(sympy.roots(g.as_expr(), _X), key=lambda r: float(r))[index]
    except OverflowError:
        return sympy.CRootOf(g.as_expr(), index, radicals=False)


def _exact_minimal(covs: list[tuple[tuple[Fraction, ...], ...]]) -> list[int]:
    """Indices of the covariances whose ``lambda_max`` is exactly minimal."""
    if len(covs) == 1:
        return [0]
    dps = max(60, 2 * mpmath.mp.dps + 20)
    with mpmath.workdps(dps):
        approx = [_lambda_mp(c) for c in covs]
        low = min(approx)
        tol = mpmath.mpf(10) ** (15 - dps) * max(max(approx), mpmath.mpf(10) ** (-dps))
        near = [i for i, a in enumerate(approx) if a <= low + tol]
        near.sort(key=lambda i: approx[i])
    if len(near) == 1:
        return near
    exact = {i: _ExactLambda(covs[i]) for i in near}
    winners = [near[0]]
    for i in near[1:]:
        c = exact[i].compare(exact[winners[0]])
        if c < 0:
            winners = [i]
        elif c == 0:
            winners.append(i)
    return winners


def _cov_lambda_in_kind(cov: tuple[tuple[Fraction, ...], ...], kind: Kind) -> Number:
    """``lambda_max`` of an exact covariance in ``kind``."""
    if kind == "exact":
        return _ExactLambda(cov).value()
    if kind == "mp":
        return _lambda_mp(cov)
    return float(np.linalg.eigvalsh(np.array(cov, dtype=np.float64))[-1])


def _lambda_in_kind(pts: _Points, idx: Sequence[int]) -> Number:
    """``lambda_max(Sigma_S)`` in the input kind."""
    if pts.kind == "float":
        sub = pts.array[list(idx)]
        if pts.d == 1:
            return float(np.var(sub[:, 0]))
        c = sub - sub.mean(axis=0)
        return float(np.linalg.eigvalsh(c.T @ c / len(idx))[-1])
    cov = covariance_exact([pts.fractions[i] for i in idx])
    if pts.kind == "exact":
        return _ExactLambda(cov).value()
    if pts.d == 1:
        return _mpf_from_fraction(cov[0][0])
    return _lambda_mp(cov)


def largest_eigenvalue_of_subset(vectors: object, subset: Iterable[int]) -> Number:
    """``lambda_max(Sigma_S)``, ``Sigma_S = (1/|S|) sum_{i in S} (x_i - mean_S)(x_i -
    mean_S)^T`` (Def. 2.2).  Exact input: a Fraction in 1-D (and whenever rational), else
    an exact sympy algebraic number; ``mpf``: at the current precision; float: float64."""
    pts = _parse(vectors)
    try:
        idx = list(subset)
    except TypeError:
        raise ParameterError("subset", "a collection of indices", repr(subset)) from None
    if not idx:
        raise ParameterError("subset", "at least one index", "empty subset")
    for i in idx:
        if not is_integer(i):
            raise ParameterError("subset", "integer indices", repr(i))
        if not 0 <= i < pts.n:
            raise ParameterError("subset", f"indices in 0..{pts.n - 1}", i)
    if len(set(idx)) != len(idx):
        raise ParameterError("subset", "distinct indices", idx)
    return pts.scalar(_lambda_in_kind(pts, [int(i) for i in idx]))
