"""SMEA, the *smallest maximum eigenvalue averaging* rule (paper, Def. 2.3; Allouah et al.
2023b): the mean of the size-``(n - f)`` subset ``S`` whose empirical covariance
``Sigma_S = (1/|S|) sum_{i in S} (x_i - mean_S)(x_i - mean_S)^T`` has the smallest largest
eigenvalue.  It is ``(f, kappa)``-robust (Def. 2.2) with ``kappa* = 4f/(n-2f)`` in every
dimension (registry ``kappa/smea``, derived in ``proofs_check``), below the recalled
``(4f/(n-f)) (1 + f/(n-2f))^2`` (Allouah et al. 2023b, Prop. 5.1).  Inputs and
number kinds: :mod:`boundkit.rules.points`.

Tie rule for SMEA (identical on every path)
    1. smallest ``lambda_max(Sigma_S)``;
    2. among those, the lexicographically smallest mean vector (in 1-D: the smallest mean,
       i.e. the lowest-start window of the sorted values);
    3. among those, the lexicographically smallest sorted index tuple (in 1-D: each value
       contributes its lowest-index copies).
    "Equal" is decided *exactly* on the numbers given, on every path and for every kind:
    every float and every ``mpf`` is a dyadic rational, and float arithmetic only screens
    (see below).  So ``smea``, ``smea_grouped`` and ``smea`` on the expanded multiset
    always select the same subset.

How SMEA is computed
    * Dimension 1 (:mod:`boundkit.rules.smea.window_1d`): the SMEA subset is a contiguous
      window of the sorted values (docs/theory.md, section 1).  The values are grouped into
      distinct values ``u_1 < ... < u_K`` with multiplicities; for a window starting inside
      one group and ending inside another, ``k^2 Var = k Q - S^2`` is a *concave* quadratic
      in the start position, so a minimal window (and the lowest-start one among ties)
      starts at a group start or ends at a group end: at most ``2K + 2`` windows are scored,
      exactly, in integers (all values scaled to a common denominator).  For float64 data
      with mostly distinct values the scoring is vectorised: centred (by the median) and
      rescaled prefix sums in ``numpy.longdouble`` (80-bit on x86) with a rigorous
      per-window rounding-error bound; windows that the bound cannot separate from the best
      are re-scored exactly.  Cost ``O(n log n)``; n = 100,001, f = 50,000 takes under
      0.1 s.
    * Grouped input (:func:`boundkit.rules.smea.grouped.smea_grouped`): the same window
      search over the groups, ``O(K log K)``, with no expansion.
    * Collinear input in any dimension (all points on one line, decided exactly,
      :mod:`boundkit.rules.smea.collinear`): reduced to the 1-D search on the exact line
      coordinates.  Note that a 1-D configuration embedded along a float direction such as
      ``(0.6, 0.8)`` is usually *not* exactly collinear after rounding; embed with exact
      numbers (Fractions, or a coordinate axis) to keep the fast path.
    * Otherwise (``d > 1``, :mod:`boundkit.rules.smea.enumerate`): exact enumeration of the
      ``C(n, n - f)`` subsets (or of the count vectors for grouped input), in chunks of
      20,000, with batched ``numpy.linalg.eigvalsh`` on the ``d x d`` covariance (the
      ``k x k`` Gram matrix when ``k < d``); subsets whose Rayleigh-quotient lower bound
      (three batched power steps) already exceeds the best ``lambda_max`` seen are not
      decomposed.  This float pass only screens: subsets within ``1e-9`` (relative to the
      centred, rescaled data) of the float minimum are re-ranked with ``mpmath.eigsy`` at
      ``max(60, 2 * mp.dps + 20)`` digits on their exact rational covariance, and those
      still within ``1e-(digits - 15)`` are compared *exactly*
      (:mod:`boundkit.rules.linear_algebra`): ``lambda_max`` is the largest root of the
      square-free characteristic polynomial (``sympy``, isolating interval); two are equal
      iff both are roots of the polynomials' gcd, otherwise their intervals are refined
      until disjoint.  Float input thus gets exact tie-breaking for the price of a few
      exact covariances; ``mpf`` input costs one float pass plus a few ``mpmath``
      eigenvalues, not one ``mpmath.eigsy`` per subset (its returned ``lambda_max`` is one
      ``eigsy`` at working precision).  Enumeration beyond
      :data:`boundkit.rules.enumeration.MAX_ENUMERATION` subsets is refused with a
      ``ParameterError``.

Score
    ``Aggregate.score`` is ``lambda_max`` of the chosen subset (a Fraction when it is
    rational, else an exact ``sympy`` algebraic number, for exact input with ``d > 1``).
"""

from __future__ import annotations

from boundkit.rules.aggregate import Aggregate
from boundkit.rules.linear_algebra import _norm2
from boundkit.rules.points import _average, _check_f, _mean_to_kind, _parse, _to_kind
from boundkit.rules.smea.collinear import _collinear, _line_point
from boundkit.rules.smea.enumerate import _smea_enumerate
from boundkit.rules.smea.window_1d import (
    _exact_window,
    _group_sorted,
    _smea_1d_exact,
    _smea_1d_float,
)


def smea(vectors: object, f: int) -> Aggregate:
    """SMEA (paper, Def. 2.3; Allouah et al. 2023b): mean of the ``(n - f)``-subset with the
    smallest ``lambda_max`` of its covariance.

    Ties: smallest ``lambda_max``, then lexicographically smallest mean, then
    lexicographically smallest sorted index tuple (module docstring, with how "equal" is
    decided on each path).  ``score`` is ``lambda_max`` of the chosen subset.
    """
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    k = pts.n - f
    if pts.d == 1:
        if pts.kind == "float":
            selected, value, lam = _smea_1d_float(pts.array[:, 0], f)
        else:
            selected, value, lam = _smea_1d_exact([r[0] for r in pts.rows], f, pts.kind)
        return Aggregate(pts.wrap([value]), selected, pts.scalar(lam))
    line = _collinear(pts.fractions)
    if line is not None:
        distinct, members = _group_sorted(line.t)
        win = _exact_window(distinct, [len(m) for m in members], k)
        selected = tuple(sorted(i for m, t in zip(members, win.taken, strict=True) for i in m[:t]))
        value = [_mean_to_kind(k * c, k, pts.kind) for c in _line_point(line, win.total / k)]
        lam = _to_kind(win.variance * _norm2(line.direction), pts.kind)
        return Aggregate(pts.wrap(value), selected, pts.scalar(lam))
    selected, lam = _smea_enumerate(pts, f)
    return Aggregate(pts.wrap(_average(pts, selected)), selected, pts.scalar(lam))
