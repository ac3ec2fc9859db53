"""The orthogonal push: boundkit's Byzantine lower bound for every ``f`` (not from the paper).

Construction (B3), dimension 2, linear loss ``l(theta; z) = <z, theta>`` with ``z`` in the
Euclidean ball of radius ``L``.  The ``h = n - f`` honest workers lie on the ``e1`` axis:
``floor(h/2)`` at ``+L e1`` and the others at ``-L e1``; in ``S'`` one ``-L e1`` worker has
its first sample changed to ``+L e1`` (it then sends ``(-L + 2L/m) e1``).  All ``f``
Byzantine workers send ``(0, +D)`` in the run whose honest ``e1``-mean is larger (``S'``)
and ``(0, -D)`` in the other, where the honest gradients do not vary at all.

Which windows SMEA compares (docs/theory.md, "The orthogonal push").  A window ``W`` of
``h`` vectors holds ``j`` Byzantine copies of ``(0, D)`` and honest vectors with ``e1``
sum ``sigma`` and sum of squares ``Q``.  With ``u = D^2`` its covariance is

.. math:: \\Sigma_W = \\begin{pmatrix} A & -\\sigma j \\sqrt{u}/h^2 \\\\
          -\\sigma j \\sqrt{u}/h^2 & c u \\end{pmatrix},\\quad
          A = \\frac{Q}{h} - \\frac{\\sigma^2}{h^2},\\quad c = \\frac{j (h - j)}{h^2},

so ``lambda_max`` solves ``(x - A)(x - c u) = b u`` with ``b = sigma^2 j^2 / h^4``, i.e.
``u = x (x - A) / (c (x - A) + b)``.  Two windows ``F`` and ``W`` tie where

.. math:: (c_W - c_F)(x - A_F)(x - A_W) + b_W (x - A_F) - b_F (x - A_W) = 0,

a quadratic in ``x``: the supremum ``u*`` of the ``u`` at which SMEA still keeps all ``f``
Byzantine vectors is a tie of the best ``f``-window ``F`` with the best window ``W`` of
fewer Byzantine vectors, in closed form (square roots of rationals).  When ``F``'s
honest part is balanced (``sigma_F = 0``, so ``b_F = 0``) the tie is linear in ``u``:

.. math:: f k u^* = h^2 A_W + \\frac{\\sigma_W^2 j^2}{f k - j (h - j)},\\qquad k = n - 2f,

(``u*`` over ``L^2``; for ``W`` on ``+-L e1`` only, ``h^2 A_W = h (h - j) - sigma_W^2``;
``proofs_check`` re-derives it, check ``orthogonal/balanced-tie``) and the
push is ``f sqrt(u*)/h``: about ``L sqrt(f (k + 1)/(h k))`` per run.  In ``S`` it lies
between ``L sqrt(f/(n - f))`` and ``L sqrt(f/(n - 2f))``; in ``S'`` it can fall up to about
0.4% below ``L sqrt(f/(n - f))`` (odd ``f``, ``m = 1``: the changed worker at ``0`` flattens
the kept window); the two runs together always reach ``e2`` gap ``>= 2 L sqrt(f/(n - f))``
(tests/constructions/test_orthogonal_push.py, ``n in {51, 101, 201}``, every ``f < n/3``).

This module finds ``F`` and ``W`` (all windows enumerated, screened in float64 by
bisection on ``u``), solves their tie exactly with SymPy and returns the supremum; the
construction (:mod:`constructions.b3_orthogonal_push`) checks it against exact SMEA.
The SymPy function :class:`OrthogonalGap` wraps it for the registered (B3) lower bound.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from boundkit.bounds import symbols

Groups = tuple[tuple[Fraction, int], ...]


@dataclass(frozen=True)
class Window:
    """``byzantine`` copies of ``(0, D)`` with ``honest[i]`` vectors of honest group ``i``.

    ``total`` is the honest ``e1`` sum ``sigma``, ``squares`` the sum of squares ``Q``.
    """

    byzantine: int
    honest: tuple[int, ...]
    total: Fraction
    squares: Fraction

    def coefficients(self, h: int) -> tuple[Fraction, Fraction, Fraction]:
        """``(A, c, b)`` of the module docstring: ``Sigma_W = [[A, .], [., c u]]``,
        ``Sigma_12^2 = b u``."""
        j = self.byzantine
        a = self.squares / h - (self.total / h) ** 2
        c = Fraction(j * (h - j), h * h)
        b = self.total**2 * j * j / Fraction(h) ** 4
        return a, c, b


@dataclass(frozen=True)
class OrthogonalSupremum:
    """The supremum of the push along ``e2`` against one honest multiset.

    ``squared`` is ``u* = D*^2`` (exact SymPy, over ``L^2``); ``kept`` the best
    ``f``-window just below it (its honest ``e1`` mean is ``kept.total / h``),
    ``rival`` the window of fewer Byzantine vectors SMEA switches to at ``u*``.
    """

    squared: sp.Expr
    kept: Window
    rival: Window
    h: int

    @property
    def pushed(self) -> sp.Expr:
        """``D*`` over ``L``."""
        return sp.sqrt(self.squared)

    @property
    def output_e2(self) -> sp.Expr:
        """SMEA's ``e2`` output at the supremum, ``f D*/h``, over ``L``."""
        return self.kept.byzantine * self.pushed / self.h


def top_eigenvalue(a11: Any, a22: Any, off_squared: Any, sqrt: Callable[[Any], Any]) -> Any:
    """``lambda_max`` of the symmetric ``[[a11, a12], [a12, a22]]`` with ``a12^2 =
    off_squared``, in the number type of ``sqrt`` (``numpy.sqrt`` on arrays,
    ``mpmath.sqrt``, ``sympy.sqrt``)."""
    half = (a11 - a22) / 2
    return (a11 + a22) / 2 + sqrt(half * half + off_squared)


def count_matrix(caps: Sequence[int], total: int) -> np.ndarray:
    """Every count vector ``(c_i)`` with ``0 <= c_i <= caps[i]`` and ``sum c_i = total``,
    one per row: the two largest groups vectorised, the small ones (the changed worker)
    looped over."""
    order = sorted(range(len(caps)), key=lambda i: -caps[i])
    rows = []
    for combo in itertools.product(*(range(caps[i] + 1) for i in order[2:])):
        rest = total - sum(combo)
        if len(caps) == 1:
            first = np.arange(rest, rest + 1) if 0 <= rest <= caps[0] else np.arange(0)
            second = None
        else:
            first = np.arange(max(0, rest - caps[order[1]]), min(caps[order[0]], rest) + 1)
            second = rest - first
        block = np.zeros((len(first), len(caps)), dtype=np.int64)
        block[:, order[0]] = first
        if second is not None:
            block[:, order[1]] = second
        for i, c in zip(order[2:], combo, strict=True):
            block[:, i] = c
        rows.append(block)
    return np.concatenate(rows) if rows else np.zeros((0, len(caps)), dtype=np.int64)


@dataclass(frozen=True)
class _Screen:
    """Every window of ``h`` vectors (``j <= f`` Byzantine copies, ``h - j`` honest) as
    arrays: ``counts`` of each honest group, and float64 ``A``, ``c``, ``b``."""

    honest: Groups
    j: np.ndarray
    counts: np.ndarray
    a: np.ndarray
    c: np.ndarray
    b: np.ndarray

    def lambdas(self, u: float) -> np.ndarray:
        return top_eigenvalue(self.a, self.c * u, self.b * u, np.sqrt)

    def keeps_all(self, u: float, f: int) -> bool:
        """An ``f``-window is *strictly* flatter than every other (by ``1e-12``
        relative): exact ties, which the aggregator breaks by the mean, count as lost."""
        lam = self.lambdas(u)
        full = self.j == f
        return bool(lam[full].min() < lam[~full].min() * (1 - 1e-12))

    def window(self, index: int) -> Window:
        """Row ``index`` as an exact :class:`Window`."""
        counts = tuple(int(c) for c in self.counts[index])
        pairs = [(x, c) for (x, _), c in zip(self.honest, counts, strict=True)]
        total = sum((x * c for x, c in pairs), Fraction(0))
        squares = sum((x * x * c for x, c in pairs), Fraction(0))
        return Window(int(self.j[index]), counts, total, squares)


def _screen(honest: Groups, f: int) -> _Screen:
    h = sum(c for _, c in honest)
    caps = [c for _, c in honest]
    blocks = [(j, count_matrix(caps, h - j)) for j in range(f + 1)]
    counts = np.concatenate([block for _, block in blocks])
    j = np.concatenate([np.full(len(block), jj, dtype=np.int64) for jj, block in blocks])
    scale = math.lcm(*(x.denominator for x, _ in honest))
    xs = np.array([int(x * scale) for x, _ in honest], dtype=np.int64)
    sigma, squares = counts @ xs, counts @ (xs * xs)  # exact integers, times scale, scale^2
    a = (squares * h - sigma * sigma) / float(scale * scale * h * h)
    c = j * (h - j) / float(h * h)
    b = (sigma * j).astype(float) ** 2 / (float(scale * scale) * float(h) ** 4)
    return _Screen(honest, j, counts, a, c, b)


def float_bracket(
    keeps: Callable[[float], bool], first: float = 0.0, limit: float = 1e12
) -> tuple[float, float] | None:
    """``(lo, hi)`` with ``keeps(lo)`` and not ``keeps(hi)``, ``hi - lo < 1e-13 hi``, for
    a predicate true from ``first`` up to one threshold; ``None`` when false at ``first``
    or still true at ``limit``."""
    if not keeps(first):
        return None
    hi = 1.0
    while keeps(hi):
        hi *= 2
        if hi > limit:
            return None
    lo = 0.0
    while hi - lo > 1e-13 * hi:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if keeps(mid) else (lo, mid)
    return lo, hi


def _best(screen: _Screen, u: float, full: bool, f: int) -> Window:
    """The SMEA choice among the ``f``-windows (``full``) or the others at ``u``.

    Exact ties of ``lambda_max`` (same ``(A, c, b)``) go to the smaller ``e1`` mean (the
    aggregator's lexicographic rule: the ``e2`` means are equal when ``j`` is).
    """
    lam = screen.lambdas(u)
    idx = np.flatnonzero((screen.j == f) if full else (screen.j != f))
    low = lam[idx].min()
    near = [screen.window(int(i)) for i in idx[lam[idx] <= low * (1 + 1e-9) + 1e-300]]
    h = sum(near[0].honest) + near[0].byzantine
    if full and len({w.coefficients(h) for w in near}) > 1:
        near = _closest_at(near, h, u)
    return min(near, key=lambda w: (w.total, w.byzantine))


def _closest_at(near: Sequence[Window], h: int, u: float) -> list[Window]:
    """The windows of smallest ``lambda_max`` at ``u``, compared at 60 digits."""
    with mpmath.workdps(60):
        uu = mpmath.mpf(u)

        def lam(w: Window) -> mpmath.mpf:
            a, c, b = (mpmath.mpf(q.numerator) / q.denominator for q in w.coefficients(h))
            return top_eigenvalue(a, c * uu, b * uu, mpmath.sqrt)

        values = [lam(w) for w in near]
        low = min(values)
        closest = [w for w, v in zip(near, values, strict=True) if v - low <= low * 1e-45]
    if len({w.coefficients(h) for w in closest}) > 1:
        raise ArithmeticError(f"cannot separate windows at u={u}: {closest}")
    return closest


def lambda_max(window: Window, h: int, u: sp.Expr) -> sp.Expr:
    """``lambda_max(Sigma_W)`` at ``u = D^2`` (over ``L^2``), exact."""
    a, c, b = (sp.Rational(q) for q in window.coefficients(h))
    return top_eigenvalue(a, c * u, b * u, sp.sqrt)


def _real_roots(a: sp.Rational, b: sp.Rational, c: sp.Rational) -> list[sp.Expr]:
    """Real roots of ``a x^2 + b x + c`` (rational coefficients), exact."""
    if a == 0:
        return [] if b == 0 else [-c / b]
    discriminant = b * b - 4 * a * c
    if discriminant < 0:
        return []
    root = sp.sqrt(discriminant)
    return [(-b - root) / (2 * a), (-b + root) / (2 * a)]


def _tie_candidates(kept: Window, rival: Window, h: int) -> list[sp.Expr]:
    """Every ``u > 0`` where the two ``lambda_max`` may meet, exactly: the roots of the
    tie quadratic (module docstring) mapped back through ``u = x (x - A)/(c (x - A) + b)``,
    and the kinks ``u = A/c`` of windows whose covariance is diagonal (``b = 0``:
    ``lambda_max = max(A, c u)``; two such windows with equal ``c`` tie from the later
    kink on)."""
    (af, cf, bf), (aw, cw, bw) = (
        tuple(sp.Rational(q) for q in w.coefficients(h)) for w in (kept, rival)
    )
    dc = cw - cf
    quadratic = (dc, -dc * (af + aw) + bw - bf, dc * af * aw - bw * af + bf * aw)
    out = []
    for root in _real_roots(*quadratic):
        for a, c, b in ((af, cf, bf), (aw, cw, bw)):
            denominator = c * (root - a) + b
            if (denominator != 0) if root.is_Rational else (c != 0):
                out.append(sp.radsimp(root * (root - a) / denominator))
                break
    out += [a / c for a, c, b in ((af, cf, bf), (aw, cw, bw)) if b == 0 and c != 0]
    return [u for u in out if u.is_positive]


def _tie(kept: Window, rival: Window, h: int, lo: float, hi: float) -> sp.Expr:
    """The ``u`` in ``[lo, hi]`` (to ``1e-9``) where ``kept`` and ``rival`` tie, exact."""
    found: dict[str, sp.Expr] = {}
    for u in _tie_candidates(kept, rival, h):
        value = float(u)
        if abs(value - lo) > 1e-9 * hi:
            continue
        difference = sp.N(lambda_max(kept, h, u) - lambda_max(rival, h, u), 60)
        if abs(difference) < sp.Float(10) ** -45 * (1 + abs(value)):
            found[str(sp.N(u, 40))] = u
    if len(found) != 1:
        raise ArithmeticError(f"no unique tie of {kept} and {rival} near u={lo}: {found}")
    return next(iter(found.values()))


def orthogonal_supremum(honest: Groups, f: int) -> OrthogonalSupremum | None:
    """The supremum of ``D^2`` (over ``L^2``) at which SMEA keeps all ``f`` vectors
    ``(0, D)`` beside ``honest`` (values on the ``e1`` axis, over ``L``); ``None`` when
    it never keeps them all."""
    h = sum(c for _, c in honest)
    screen = _screen(honest, f)
    bracket = float_bracket(lambda u: screen.keeps_all(u, f))
    if bracket is None:
        return None
    lo, hi = bracket
    kept = _best(screen, lo, True, f)
    rival = _best(screen, hi, False, f)
    return OrthogonalSupremum(_tie(kept, rival, h, lo, hi), kept, rival, h)


def changed_sample(n: int, f: int, m: int) -> Fraction:
    """The ``e1`` value (over ``L``) the changed sample of ``S'`` moves to from ``-1``:
    ``+1``, or ``0`` when ``m = 1`` and ``h`` is even (so that ``S'`` stays within one
    worker of balance, as ``S`` is for odd ``h``)."""
    return Fraction(0) if m == 1 and (n - f) % 2 == 0 else Fraction(1)


def honest_groups(n: int, f: int, m: int, neighbour: bool) -> Groups:
    """The (B3) honest ``e1`` values over ``L`` with their counts, for ``S`` or ``S'``.

    ``S``: ``floor(h/2)`` at ``+1``, ``ceil(h/2)`` at ``-1``; in ``S'`` one ``-1`` worker
    has its first sample moved to :func:`changed_sample` (it sends the mean of its
    samples: ``-1 + 2/m`` or ``-1 + 1/m``).
    """
    h = n - f
    high, low = h // 2, h - h // 2
    groups: dict[Fraction, int] = {Fraction(1): high, Fraction(-1): low}
    if neighbour:
        groups[Fraction(-1)] -= 1
        changed = (changed_sample(n, f, m) - (m - 1)) / m
        groups[changed] = groups.get(changed, 0) + 1
    return tuple(sorted((x, c) for x, c in groups.items() if c > 0))


@dataclass(frozen=True)
class OrthogonalPush:
    """Both runs of (B3): ``up`` for ``S'`` (pushed to ``+e2``), ``down`` for ``S``."""

    n: int
    f: int
    m: int
    up: OrthogonalSupremum
    down: OrthogonalSupremum

    @property
    def gap_e1(self) -> sp.Expr:
        """``e1`` part of the per-step output difference ``S'`` minus ``S``, over ``L``."""
        h = self.n - self.f
        return sp.Rational(self.up.kept.total - self.down.kept.total) / h

    @property
    def gap_e2(self) -> sp.Expr:
        """``e2`` part: ``f (D*_up + D*_down)/h``, over ``L``."""
        return self.up.output_e2 + self.down.output_e2

    @property
    def gap(self) -> sp.Expr:
        """Per-step output difference ``|Delta|``, over ``L``: the supremum (B3) reaches,
        ``eps -> gamma L^2 T gap``."""
        return sp.sqrt(self.gap_e1**2 + self.gap_e2**2)


@functools.lru_cache(maxsize=4096)
def orthogonal_push(n: int, f: int, m: int) -> OrthogonalPush | None:
    """(B3) at ``(n, f, m)``, exact; ``None`` when SMEA never keeps the ``f`` pushed
    vectors in one of the runs, or keeps them up to a tie this module does not resolve
    (an exact tie of ``lambda_max`` over a whole interval of ``u``, decided by the
    aggregator's mean rule: e.g. ``m = 2``, where the changed worker sends ``0``)."""
    try:
        up = orthogonal_supremum(honest_groups(n, f, m, neighbour=True), f)
        down = orthogonal_supremum(honest_groups(n, f, m, neighbour=False), f)
    except ArithmeticError:
        return None
    if up is None or down is None:
        return None
    return OrthogonalPush(n, f, m, up, down)


def orthogonal_gap(n: int, f: int, m: int) -> sp.Expr:
    """``gap`` of :func:`orthogonal_push` (``0`` where it is not defined)."""
    push = orthogonal_push(n, f, m)
    return sp.Integer(0) if push is None else push.gap


class OrthogonalGap(sp.Function):
    """Per-step gap of boundkit's construction (B3), over ``gamma L^2 T`` (not from the
    paper): :func:`orthogonal_gap`.

    At integer arguments it is the exact supremum (square roots of rationals: the tie of
    two SMEA windows, closed form in this module), ``0`` where (B3) is not defined;
    otherwise it stays unevaluated.
    """

    @classmethod
    def eval(cls, nn: sp.Expr, ff: sp.Expr, mm: sp.Expr) -> sp.Expr | None:
        if not all(isinstance(x, sp.Integer) for x in (nn, ff, mm)):
            return None
        return orthogonal_gap(int(nn), int(ff), int(mm))

    @staticmethod
    def _imp_(nn: object, ff: object, mm: object) -> object:
        """Numeric value for ``sympy.lambdify``: the exact value at the current precision."""
        exact = orthogonal_gap(int(nn), int(ff), int(mm))
        return mpmath.mpf(sp.N(exact, mpmath.mp.dps + 10))


#: boundkit's own Byzantine lower bound (B3) is gamma L^2 T times this
ORTHOGONAL_GAP = OrthogonalGap(symbols.n, symbols.f, symbols.m)
