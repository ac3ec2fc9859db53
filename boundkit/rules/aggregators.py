"""Aggregation rules of robust distributed learning, exact where the input is exact.

The rule at the centre is SMEA, the *smallest maximum eigenvalue averaging* rule
(paper, Def. 2.3; Allouah et al. 2023b): the mean of the size-``(n - f)`` subset ``S``
whose empirical covariance ``Sigma_S = (1/|S|) sum_{i in S} (x_i - mean_S)(x_i - mean_S)^T``
has the smallest largest eigenvalue.  It is ``(f, kappa)``-robust (Def. 2.2) with the
recalled ``kappa_SMEA = (4f/(n-f)) (1 + f/(n-2f))^2`` (Allouah et al. 2023b, Prop. 5.1).
The module also has the mean, the coordinate-wise trimmed mean and median, Krum,
MultiKrum, MDA (minimum-diameter averaging) and the geometric median (Weiszfeld).

Inputs ("vectors")
    A sequence of scalars (the 1-D case), a sequence of equal-length sequences, or a numpy
    array of shape ``(n,)`` or ``(n, d)``.  Scalars may be ``int``, ``float``,
    ``fractions.Fraction`` (any ``numbers.Rational``) or ``mpmath.mpf``.  One *kind* is
    chosen for the whole input: ``mp`` if any entry is an ``mpf``, else ``float`` if any
    entry is a float, else ``exact`` (ints become Fractions).  Outputs are in that kind:
    Fractions stay exact, ``mpf`` results are rounded once to the caller's current
    ``mpmath`` precision, floats are float64.  ``value`` is a scalar for a sequence of
    scalars, a tuple for a sequence of sequences, a numpy array of shape ``(d,)`` for an
    ``(n, d)`` array and a ``numpy.float64`` for an ``(n,)`` array.  Integer and other real
    numpy arrays are read as float64; ``object`` arrays keep their entries' kind.

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
    * Dimension 1: the SMEA subset is a contiguous window of the sorted values (THEORY.md,
      section 1).  The values are grouped into distinct values ``u_1 < ... < u_K`` with
      multiplicities; for a window starting inside one group and ending inside another,
      ``k^2 Var = k Q - S^2`` is a *concave* quadratic in the start position, so a minimal
      window (and the lowest-start one among ties) starts at a group start or ends at a
      group end: at most ``2K + 2`` windows are scored, exactly, in integers (all values
      scaled to a common denominator).  For float64 data with mostly distinct values the
      scoring is vectorised: centred (by the median) and rescaled prefix sums in
      ``numpy.longdouble`` (80-bit on x86) with a rigorous per-window rounding-error bound;
      windows that the bound cannot separate from the best are re-scored exactly.  Cost
      ``O(n log n)``; n = 100,001, f = 50,000 takes under 0.1 s.
    * Grouped input (:func:`smea_grouped`): the same window search over the groups,
      ``O(K log K)``, with no expansion.
    * Collinear input in any dimension (all points on one line, decided exactly): reduced
      to the 1-D search on the exact line coordinates.  Note that a 1-D configuration
      embedded along a float direction such as ``(0.6, 0.8)`` is usually *not* exactly
      collinear after rounding; embed with exact numbers (Fractions, or a coordinate axis)
      to keep the fast path.
    * Otherwise (``d > 1``): exact enumeration of the ``C(n, n - f)`` subsets (or of the
      count vectors for grouped input), in chunks of 20,000, with batched
      ``numpy.linalg.eigvalsh`` on the ``d x d`` covariance (the ``k x k`` Gram matrix when
      ``k < d``); subsets whose Rayleigh-quotient lower bound (three batched power steps)
      already exceeds the best ``lambda_max`` seen are not decomposed.  This float pass
      only screens: subsets within ``1e-9`` (relative to the centred, rescaled data) of
      the float minimum are re-ranked with ``mpmath.eigsy`` at ``max(60, 2 * mp.dps + 20)``
      digits on their exact rational covariance, and those still within
      ``1e-(digits - 15)`` are compared *exactly*: ``lambda_max`` is the
      largest root of the square-free characteristic polynomial (``sympy``, isolating
      interval); two are equal iff both are roots of the polynomials' gcd, otherwise their
      intervals are refined until disjoint.  Float input thus gets exact tie-breaking for
      the price of a few exact covariances; ``mpf`` input costs one float pass plus a few
      ``mpmath`` eigenvalues, not one ``mpmath.eigsy`` per subset (its returned
      ``lambda_max`` is one ``eigsy`` at working precision).  Enumeration beyond
      :data:`MAX_ENUMERATION` subsets is refused with a ``ParameterError``.

Scores
    ``Aggregate.score`` is ``lambda_max`` of the chosen subset for SMEA (a Fraction when it
    is rational, else an exact ``sympy`` algebraic number, for exact input with ``d > 1``),
    the diameter for MDA (same convention for the square root), ``None`` otherwise.

Other rules
    Krum and MultiKrum break score ties by the lower index; MDA by the lexicographically
    smallest index tuple.  Their comparisons are exact for exact and ``mpf`` input (and
    MDA's for every kind); Krum scores of float input are compared as float64 sums.
    Trimmed mean, median and mean are exact in the input kind (float means are
    ``math.fsum`` divided by the count).

Every invalid input raises :class:`boundkit.errors.ParameterError`.
"""

from __future__ import annotations

import bisect
import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

import mpmath
import numpy as np
import sympy
from mpmath.libmp import from_rational

from boundkit.errors import ParameterError

__all__ = [
    "Aggregate",
    "GROUPED_RULES",
    "GroupedAggregate",
    "MAX_ENUMERATION",
    "RULES",
    "coordinate_median",
    "covariance_exact",
    "expand_groups",
    "geometric_median",
    "krum",
    "largest_eigenvalue_of_subset",
    "mda",
    "mean",
    "mean_grouped",
    "multi_krum",
    "smea",
    "smea_grouped",
    "trimmed_mean",
]

Number = Any
Kind = Literal["exact", "float", "mp"]

#: Largest number of subsets (or count vectors) enumerated in dimension ``d > 1``.
MAX_ENUMERATION = 5_000_000
#: Subsets per batched ``eigvalsh`` call.
CHUNK = 20_000
#: Float screening tolerance for exact input, relative to the rescaled data.
_SCREEN_TOL = 1e-9
#: Batched power steps giving the Rayleigh-quotient lower bounds that skip ``eigvalsh``.
_POWER_STEPS = 3
#: Rows decomposed first, to set the pruning threshold.
_PROBES = 16
#: Above this size, 1-D float data with mostly distinct values uses the numpy path.
_NUMPY_1D_MIN = 2_000

_WIDE = np.longdouble if np.finfo(np.longdouble).eps < np.finfo(np.float64).eps else np.float64


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Aggregate:
    """Output of a rule: its value, the averaged workers, and a rule-specific score."""

    value: object
    selected: tuple[int, ...]
    score: object = None


@dataclass(frozen=True)
class GroupedAggregate:
    """Output of a grouped rule: value and how many copies of each input were selected."""

    value: object
    selected_counts: tuple[int, ...]
    score: object = None


# ----------------------------------------------------------------------------- numbers


def _entry_kind(x: object) -> str | None:
    """'int', 'rational', 'float', 'mp' or None (not an accepted real number)."""
    if isinstance(x, (bool, np.bool_)):
        return None
    if isinstance(x, numbers.Integral):
        return "int"
    if isinstance(x, numbers.Rational):
        return "rational"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, mpmath.mpf):
        return "mp"
    return None


def _is_finite(x: object, kind: str) -> bool:
    if kind == "float":
        return math.isfinite(x)
    if kind == "mp":
        return bool(mpmath.isfinite(x))
    return True


def _ratio(x: object) -> tuple[int, int]:
    """Exact ``(numerator, denominator)`` of an int, Fraction, float or mpf."""
    if isinstance(x, Fraction):
        return x.numerator, x.denominator
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_
        m = -int(man) if sign else int(man)
        return (m << exp, 1) if exp >= 0 else (m, 1 << -exp)
    if isinstance(x, numbers.Rational):
        return int(x.numerator), int(x.denominator)
    return float(x).as_integer_ratio()


def _fraction(x: object) -> Fraction:
    p, q = _ratio(x)
    return Fraction(p, q)


def _scaled_ints(xs: Sequence[object]) -> tuple[list[int], int]:
    """Integers ``X_i`` and a denominator ``D`` with ``x_i = X_i / D`` exactly."""
    pairs = [_ratio(x) for x in xs]
    den = math.lcm(*(q for _, q in pairs)) if pairs else 1
    return [p * (den // q) for p, q in pairs], den


def _mpf_from_fraction(q: Fraction) -> mpmath.mpf:
    """``q`` rounded once to the current mpmath precision."""
    return mpmath.mp.make_mpf(from_rational(q.numerator, q.denominator, mpmath.mp.prec, "n"))


def _to_kind(q: Fraction, kind: Kind) -> Number:
    """An exact rational in the output kind, rounded once."""
    if kind == "exact":
        return q
    if kind == "mp":
        return _mpf_from_fraction(q)
    return q.numerator / q.denominator


def _mean_to_kind(total: Fraction, k: int, kind: Kind) -> Number:
    """Mean of ``k`` numbers whose exact sum is ``total``.

    Floats: ``fl(fl(total) / k)``, what ``math.fsum(xs) / k`` gives; otherwise one rounding.
    """
    if kind == "float":
        return (total.numerator / total.denominator) / k
    return _to_kind(total / k, kind)


# ----------------------------------------------------------------------------- inputs


class _Points:
    """Validated input: ``n`` points of dimension ``d`` in one number kind."""

    def __init__(
        self,
        kind: Kind,
        form: str,
        rows: list[tuple[Number, ...]] | None = None,
        array: np.ndarray | None = None,
    ) -> None:
        self.kind = kind
        self.form = form  # "scalar", "tuple", "numpy1", "numpy2"
        self._rows = rows
        self._array = array
        source = array if array is not None else rows
        assert source is not None
        self.n = len(source)
        self.d = int(array.shape[1]) if array is not None else len(rows[0])  # type: ignore[index]

    @cached_property
    def rows(self) -> list[tuple[Number, ...]]:
        if self._rows is not None:
            return self._rows
        assert self._array is not None
        return [tuple(r) for r in self._array.tolist()]

    @cached_property
    def array(self) -> np.ndarray:
        """float64 array ``(n, d)`` (float kind only)."""
        if self._array is not None:
            return self._array
        return np.array(self.rows, dtype=np.float64).reshape(self.n, self.d)

    @cached_property
    def fractions(self) -> list[tuple[Fraction, ...]]:
        """The points as exact Fractions (floats and mpf are dyadic rationals)."""
        if self.kind == "exact":
            return self.rows
        return [tuple(_fraction(x) for x in r) for r in self.rows]

    def wrap(self, vec: Sequence[Number]) -> object:
        """A point in the caller's form."""
        if self.form == "scalar":
            return vec[0]
        if self.form == "tuple":
            return tuple(vec)
        if self.kind == "float":
            if self.form == "numpy1":
                return np.float64(vec[0])
            return np.array(vec, dtype=np.float64)
        if self.form == "numpy1":
            return vec[0]
        out = np.empty(len(vec), dtype=object)
        out[:] = list(vec)
        return out

    def scalar(self, x: Number) -> Number:
        """A score in the caller's form (numpy float input gives numpy.float64)."""
        if self.kind == "float" and self.form.startswith("numpy") and isinstance(x, float):
            return np.float64(x)
        return x


def _bad_entry(name: str, i: int, x: object) -> ParameterError:
    return ParameterError(
        name, "entries are real numbers (int, float, Fraction, mpmath.mpf)", f"vector {i}: {x!r}"
    )


def _parse_numpy(a: np.ndarray, name: str) -> _Points:
    if a.ndim not in (1, 2):
        raise ParameterError(name, "a numpy array of shape (n,) or (n, d)", f"shape {a.shape}")
    if a.shape[0] == 0:
        raise ParameterError(name, "at least one vector", "empty input")
    if a.ndim == 2 and a.shape[1] == 0:
        raise ParameterError(name, "vectors of dimension >= 1", "dimension 0")
    form = "numpy1" if a.ndim == 1 else "numpy2"
    if a.dtype.kind == "O":
        pts = _parse_sequence(list(a), name)
        return _Points(pts.kind, form, rows=pts.rows)
    if a.dtype.kind not in "iuf":
        raise ParameterError(name, "a real numeric array", f"dtype {a.dtype}")
    arr = np.ascontiguousarray(a, dtype=np.float64).reshape(a.shape[0], -1)
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise ParameterError(
            name, "finite entries (no NaN or infinity)", f"vector {i}: {a[i].tolist()!r}"
        )
    return _Points("float", form, array=arr)


def _parse_sequence(items: list[object], name: str) -> _Points:
    first = items[0]
    scalar_form = isinstance(first, (str, bytes)) or not isinstance(first, (Sequence, np.ndarray))
    kinds: set[str] = set()
    raw_rows: list[tuple[object, ...]] = []
    d: int | None = None
    for i, item in enumerate(items):
        if scalar_form:
            entries: tuple[object, ...] = (item,)
        else:
            if isinstance(item, (str, bytes)) or not isinstance(item, (Sequence, np.ndarray)):
                raise ParameterError(
                    name, "every vector a sequence of numbers", f"vector {i}: {item!r}"
                )
            entries = (
                tuple(np.asarray(item).tolist()) if isinstance(item, np.ndarray) else tuple(item)
            )
            if d is None:
                d = len(entries)
                if d == 0:
                    raise ParameterError(name, "vectors of dimension >= 1", "vector 0 is empty")
            elif len(entries) != d:
                raise ParameterError(
                    name,
                    "all vectors of the same dimension",
                    f"vector {i} has dimension {len(entries)}, vector 0 has {d}",
                )
        for x in entries:
            kind = _entry_kind(x)
            if kind is None:
                raise _bad_entry(name, i, x)
            if not _is_finite(x, kind):
                raise ParameterError(
                    name, "finite entries (no NaN or infinity)", f"vector {i}: {x!r}"
                )
            kinds.add(kind)
        raw_rows.append(entries)
    kind: Kind = "mp" if "mp" in kinds else "float" if "float" in kinds else "exact"
    convert = _converter(kind)
    try:
        rows = [tuple(convert(x) for x in r) for r in raw_rows]
    except OverflowError as exc:
        raise ParameterError(name, "entries representable as float64", str(exc)) from None
    return _Points(kind, "scalar" if scalar_form else "tuple", rows=rows)


def _converter(kind: Kind) -> Callable[[object], Number]:
    if kind == "exact":
        return _fraction
    if kind == "float":
        return lambda x: (
            x.numerator / x.denominator if isinstance(x, numbers.Rational) else float(x)
        )
    return lambda x: x if isinstance(x, mpmath.mpf) else _mpf_from_fraction(_fraction(x))


def _parse(vectors: object, name: str = "vectors") -> _Points:
    """Validate and normalise an input (ParameterError on any problem)."""
    if isinstance(vectors, np.ndarray):
        return _parse_numpy(vectors, name)
    if isinstance(vectors, (str, bytes)) or _entry_kind(vectors) is not None:
        raise ParameterError(
            name, "a sequence of numbers or of equal-length sequences", repr(vectors)
        )
    try:
        items = list(vectors)  # type: ignore[call-overload]
    except TypeError:
        raise ParameterError(
            name, "a sequence of numbers or of equal-length sequences", type(vectors).__name__
        ) from None
    if not items:
        raise ParameterError(name, "at least one vector", "empty input")
    return _parse_sequence(items, name)


def _check_f(f: object, n: int) -> int:
    """``f`` as an int with ``0 <= f < n/2``."""
    if isinstance(f, (bool, np.bool_)) or not isinstance(f, numbers.Integral):
        raise ParameterError("f", "f is an integer", repr(f))
    f = int(f)
    if f < 0:
        raise ParameterError("f", "f >= 0", f)
    if 2 * f >= n:
        raise ParameterError("f", "f < n/2", f"f={f}, n={n}")
    return f


def _check_counts(counts: object, n_values: int) -> list[int]:
    """Multiplicities: integers >= 1, one per value."""
    if isinstance(counts, (str, bytes)):
        raise ParameterError("counts", "a sequence of integers >= 1", repr(counts))
    try:
        items = list(counts)  # type: ignore[call-overload]
    except TypeError:
        raise ParameterError(
            "counts", "a sequence of integers >= 1", type(counts).__name__
        ) from None
    if len(items) != n_values:
        raise ParameterError(
            "values, counts", "len(values) == len(counts)", f"{n_values} != {len(items)}"
        )
    out = []
    for i, c in enumerate(items):
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, numbers.Integral):
            raise ParameterError("counts", "integer counts", f"counts[{i}] = {c!r}")
        if c < 1:
            raise ParameterError("counts", "counts >= 1", f"counts[{i}] = {c}")
        out.append(int(c))
    return out


# ----------------------------------------------------------------------------- 1-D windows


def _offsets(counts: Sequence[int]) -> list[int]:
    return [0, *itertools.accumulate(counts)][:-1]


def _best_window(ints: Sequence[int], counts: Sequence[int], k: int) -> tuple[int, int, int]:
    """Least-variance window of ``k`` in the sorted multiset ``{ints[g] x counts[g]}``.

    ``ints`` strictly increasing.  Returns ``(start, key, total)`` with
    ``key = k * sum(x^2) - (sum x)^2 = k^2 Var`` and ``total = sum x`` over the window;
    among windows with equal ``key`` the lowest start (the smallest mean) wins.  Only group
    boundaries are scored: between them ``key`` is a concave quadratic in the start, so
    the minimum (and the lowest minimiser) sits at a boundary (module docstring).
    """
    offsets = _offsets(counts)
    n = offsets[-1] + counts[-1]
    f = n - k
    s1 = [0, *itertools.accumulate(c * x for c, x in zip(counts, ints, strict=True))]
    s2 = [0, *itertools.accumulate(c * x * x for c, x in zip(counts, ints, strict=True))]

    def prefix(p: int) -> tuple[int, int]:
        g = bisect.bisect_right(offsets, p) - 1
        r = p - offsets[g]
        x = ints[g]
        return s1[g] + r * x, s2[g] + r * x * x

    starts = {0, f}
    for o, c in zip(offsets, counts, strict=True):
        if o <= f:
            starts.add(o)
        if 0 <= o + c - k <= f:
            starts.add(o + c - k)
    best: tuple[int, int, int] | None = None
    for p in sorted(starts):
        a1, a2 = prefix(p)
        b1, b2 = prefix(p + k)
        total = b1 - a1
        key = k * (b2 - a2) - total * total
        if best is None or key < best[1]:
            best = (p, key, total)
    assert best is not None
    return best


def _window_counts(counts: Sequence[int], start: int, k: int) -> list[int]:
    """How many of each group the window ``[start, start + k)`` covers."""
    out = []
    for o, c in zip(_offsets(counts), counts, strict=True):
        out.append(max(0, min(o + c, start + k) - max(o, start)))
    return out


@dataclass(frozen=True)
class _Window1D:
    """A chosen 1-D window: per distinct value, how many copies; exact sum and key."""

    taken: list[int]
    total: Fraction  # exact sum of the window
    variance: Fraction  # exact variance of the window


def _exact_window(values: Sequence[object], counts: Sequence[int], k: int) -> _Window1D:
    """Exact SMEA window over distinct sorted ``values`` (any exact-convertible kind)."""
    ints, den = _scaled_ints(values)
    start, key, total = _best_window(ints, counts, k)
    return _Window1D(
        taken=_window_counts(counts, start, k),
        total=Fraction(total, den),
        variance=Fraction(key, k * k * den * den),
    )


def _group_sorted(values: Sequence[Number]) -> tuple[list[Number], list[list[int]]]:
    """Distinct values ascending and, for each, its indices ascending."""
    order = sorted(range(len(values)), key=values.__getitem__)
    distinct: list[Number] = []
    members: list[list[int]] = []
    for i in order:
        if distinct and values[i] == distinct[-1]:
            members[-1].append(i)
        else:
            distinct.append(values[i])
            members.append([i])
    return distinct, members


def _window_keys_float(v: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``k^2 Var`` of every window of sorted ``v`` and a rigorous error bound.

    Prefix sums of the data centred on its median and scaled by a power of two, in
    ``numpy.longdouble`` where it is wider than float64.  Keys are in the scaled units.
    """
    n = v.size
    f = n - k
    y = v.astype(_WIDE) - _WIDE(v[n // 2])
    amax = np.max(np.abs(y))
    if amax == 0:
        return np.zeros(f + 1, dtype=_WIDE), np.zeros(f + 1, dtype=_WIDE)
    y = np.ldexp(y, -int(np.frexp(amax)[1]))
    zero = np.zeros(1, dtype=_WIDE)
    p1 = np.concatenate((zero, np.cumsum(y)))
    a1 = np.concatenate((zero, np.cumsum(np.abs(y))))
    p2 = np.concatenate((zero, np.cumsum(y * y)))
    s = p1[k:] - p1[: f + 1]
    q = p2[k:] - p2[: f + 1]
    key = k * q - s * s
    u = np.finfo(_WIDE).eps / 2
    e_s = (n + 2) * u * (a1[k:] + a1[: f + 1])
    e_q = (n + 4) * u * (p2[k:] + p2[: f + 1])
    tiny = 4 * n * k * np.finfo(_WIDE).smallest_subnormal
    err = 2 * (k * e_q + 2 * np.abs(s) * e_s + e_s * e_s + 4 * u * (k * q + s * s)) + tiny
    return key, err


def _float_window_start(v: np.ndarray, k: int) -> int:
    """Exact lowest-start least-variance window of sorted float64 ``v`` (numpy path)."""
    key, err = _window_keys_float(v, k)
    candidates = np.flatnonzero(key - err <= np.min(key + err))
    if candidates.size == 1:
        return int(candidates[0])
    lo, hi = int(candidates[0]), int(candidates[-1]) + k
    ints, _ = _scaled_ints(v[lo:hi].tolist())
    s1 = [0, *itertools.accumulate(ints)]
    s2 = [0, *itertools.accumulate(x * x for x in ints)]
    best: tuple[int, int] | None = None
    for p in candidates.tolist():
        a, b = p - lo, p - lo + k
        total = s1[b] - s1[a]
        exact = k * (s2[b] - s2[a]) - total * total
        if best is None or exact < best[0]:
            best = (exact, p)
    assert best is not None
    return best[1]


def _lowest_index_positions(v: np.ndarray, start: int, k: int) -> np.ndarray:
    """Sorted positions holding the window's multiset with each value's lowest copies."""
    end = start + k
    a = v[start]
    first_a = int(np.searchsorted(v, a, side="left"))
    stop_a = min(int(np.searchsorted(v, a, side="right")), end)
    return np.concatenate((np.arange(first_a, first_a + stop_a - start), np.arange(stop_a, end)))


def _smea_1d_float(x: np.ndarray, f: int) -> tuple[tuple[int, ...], float, float]:
    """1-D SMEA of float64 data: (selected, mean, variance)."""
    n = x.size
    k = n - f
    order = np.argsort(x, kind="stable")
    v = x[order]
    distinct = 1 + int(np.count_nonzero(v[1:] != v[:-1]))
    if n < _NUMPY_1D_MIN or 4 * distinct <= n:
        uniq, first, counts = np.unique(v, return_index=True, return_counts=True)
        win = _exact_window(uniq.tolist(), counts.tolist(), k)
        positions = np.concatenate(
            [np.arange(s, s + t) for s, t in zip(first.tolist(), win.taken, strict=True) if t]
        )
        value = _mean_to_kind(win.total, k, "float")
        variance = _to_kind(win.variance, "float")
    else:
        start = _float_window_start(v, k)
        positions = _lowest_index_positions(v, start, k)
        window = v[start : start + k]
        value = math.fsum(window.tolist()) / k
        variance = float(np.var(window))
    selected = tuple(sorted(order[positions].tolist()))
    return selected, value, variance


def _smea_1d_exact(
    values: Sequence[Number], f: int, kind: Kind
) -> tuple[tuple[int, ...], Number, Number]:
    """1-D SMEA of exact or mpf data: (selected, mean, variance) in ``kind``."""
    k = len(values) - f
    distinct, members = _group_sorted(values)
    win = _exact_window(distinct, [len(m) for m in members], k)
    selected = sorted(i for m, t in zip(members, win.taken, strict=True) for i in m[:t])
    return tuple(selected), _mean_to_kind(win.total, k, kind), _to_kind(win.variance, kind)


# ----------------------------------------------------------------------------- collinearity


@dataclass(frozen=True)
class _Line:
    """Exact parametrisation ``x_i = origin + t_i * direction`` (direction's first
    nonzero coordinate positive, so larger ``t`` means a lexicographically larger point)."""

    origin: tuple[Fraction, ...]
    direction: tuple[Fraction, ...]
    t: list[Fraction]


def _collinear(rows: Sequence[tuple[Fraction, ...]]) -> _Line | None:
    """The exact line through all points, or None if they are not collinear."""
    origin = rows[0]
    direction = next((r for r in rows if r != origin), None)
    if direction is None:
        return _Line(origin, tuple(Fraction(0) for _ in origin), [Fraction(0)] * len(rows))
    u = tuple(a - b for a, b in zip(direction, origin, strict=True))
    p = next(j for j, c in enumerate(u) if c != 0)
    if u[p] < 0:
        u = tuple(-c for c in u)
    t = []
    for r in rows:
        w = tuple(a - b for a, b in zip(r, origin, strict=True))
        s = w[p] / u[p]
        if any(wj != s * uj for wj, uj in zip(w, u, strict=True)):
            return None
        t.append(s)
    return _Line(origin, u, t)


def _line_point(line: _Line, t: Fraction) -> list[Fraction]:
    return [o + t * u for o, u in zip(line.origin, line.direction, strict=True)]


def _norm2(vec: Sequence[Fraction]) -> Fraction:
    return sum((c * c for c in vec), Fraction(0))


# ----------------------------------------------------------------------------- eigenvalues


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


# ----------------------------------------------------------------------------- enumeration


def _screen_array(pts: _Points) -> np.ndarray:
    """float64 points centred and scaled to ``|x| <= 1`` (ordering of lambda_max kept)."""
    if pts.kind == "float":
        a = pts.array
        y = a - np.median(a, axis=0)
        m = float(np.max(np.abs(y)))
        return np.ldexp(y, -math.frexp(m)[1]) if m > 0 else y
    rows = pts.fractions
    origin = rows[0]
    scale = max(abs(x - o) for r in rows for x, o in zip(r, origin, strict=True))
    if scale == 0:
        return np.zeros((pts.n, pts.d))
    return np.array(
        [[float((x - o) / scale) for x, o in zip(r, origin, strict=True)] for r in rows],
        dtype=np.float64,
    )


def _subset_matrices(y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``Sigma_S`` for every row ``S`` of ``idx``, or the centred ``k x k`` Gram matrix
    ``C C^T / k`` when ``k < d`` (same nonzero eigenvalues).

    ``Sigma_S = (1/k) sum x x^T - mu mu^T`` through one GEMM of the 0/1 membership matrix
    with the flattened outer products; the Gram matrix is gathered from ``y y^T`` and
    double-centred.  (Float screening only: ``y`` is centred and scaled to ``|y| <= 1``.)
    """
    b, k = idx.shape
    n, d = y.shape
    if k < d:
        g = (y @ y.T)[idx[:, :, None], idx[:, None, :]]
        r = g.mean(axis=2)
        return (g - r[:, :, None] - r[:, None, :] + r.mean(axis=1)[:, None, None]) / k
    member = np.zeros((b, n))
    member[np.arange(b)[:, None], idx] = 1.0
    mu = member @ y / k
    second = member @ (y[:, :, None] * y[:, None, :]).reshape(n, d * d) / k
    return second.reshape(b, d, d) - mu[:, :, None] * mu[:, None, :]


def _lambda_pruned(mats: np.ndarray, threshold: float, tol: float) -> np.ndarray:
    """``lambda_max`` of each symmetric PSD matrix, batched ``eigvalsh``.

    Rows whose Rayleigh-quotient lower bound (a few batched power steps from the column of
    largest diagonal) exceeds ``threshold`` (or ``tol`` plus the least ``lambda_max`` of the
    ``_PROBES`` rows with the smallest bounds) are
    not decomposed: they get that lower bound, which already rules them out.
    """
    b = len(mats)
    v = mats[np.arange(b), :, np.argmax(np.einsum("bii->bi", mats), axis=1)]
    for _ in range(_POWER_STEPS):
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        v = np.matmul(mats, (v / np.where(norm > 0, norm, 1.0))[:, :, None])[:, :, 0]
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    v = v / np.where(norm > 0, norm, 1.0)
    out = np.einsum("bi,bi->b", v, np.matmul(mats, v[:, :, None])[:, :, 0])
    probe = np.argsort(out)[:_PROBES]
    threshold = min(threshold, float(np.linalg.eigvalsh(mats[probe])[:, -1].min()) + tol)
    need = np.flatnonzero(out <= threshold)
    out[need] = np.linalg.eigvalsh(mats[need])[:, -1]
    return out


def _chunks(it: Iterator[tuple[int, ...]], width: int, size: int = CHUNK) -> Iterator[np.ndarray]:
    while True:
        flat = np.fromiter(itertools.chain.from_iterable(itertools.islice(it, size)), dtype=np.intp)
        if not flat.size:
            return
        yield flat.reshape(-1, width)


def _screen(
    blocks: Iterable[np.ndarray], matrices: Callable[[np.ndarray], np.ndarray], tol: float
) -> list[tuple[int, tuple[int, ...]]]:
    """Rows (rank, row) whose ``lambda_max`` is within ``tol`` of the minimum (float)."""
    best = math.inf
    kept: list[tuple[float, int, tuple[int, ...]]] = []
    rank = 0
    for block in blocks:
        lam = _lambda_pruned(matrices(block), best + tol, tol)
        best = min(best, float(lam.min()))
        for j in np.flatnonzero(lam <= best + tol).tolist():
            kept.append((float(lam[j]), rank + j, tuple(block[j].tolist())))
        kept = [c for c in kept if c[0] <= best + tol]
        rank += len(block)
    return [(r, row) for _, r, row in kept]


def _guard(count: int, what: str) -> None:
    if count > MAX_ENUMERATION:
        raise ParameterError(
            "n, f", f"at most {MAX_ENUMERATION} {what} to enumerate in dimension d > 1", count
        )


def _float_mean(a: np.ndarray, idx: Sequence[int]) -> tuple[float, ...]:
    sub = a[list(idx)]
    return tuple(math.fsum(sub[:, j].tolist()) / len(idx) for j in range(a.shape[1]))


def _fraction_mean(
    rows: Sequence[tuple[Fraction, ...]], idx: Sequence[int]
) -> tuple[Fraction, ...]:
    d = len(rows[0])
    return tuple(sum((rows[i][j] for i in idx), Fraction(0)) / len(idx) for j in range(d))


def _average(pts: _Points, idx: Sequence[int]) -> list[Number]:
    """Mean of the points ``idx`` in the input kind (exact sum, then one rounding)."""
    if pts.kind == "float":
        return list(_float_mean(pts.array, idx))
    if pts.kind == "exact":
        return list(_fraction_mean(pts.rows, idx))
    rows = pts.fractions
    return [
        _mean_to_kind(sum((rows[i][j] for i in idx), Fraction(0)), len(idx), "mp")
        for j in range(pts.d)
    ]


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


def _smea_enumerate(pts: _Points, f: int) -> tuple[tuple[int, ...], Number]:
    """SMEA subset by exact enumeration (d > 1): (selected, lambda_max in kind)."""
    n, k = pts.n, pts.n - f
    _guard(math.comb(n, k), "subsets")
    y = _screen_array(pts)
    blocks = _chunks(itertools.combinations(range(n), k), k)
    kept = _screen(blocks, lambda idx: _subset_matrices(y, idx), _SCREEN_TOL * pts.d)
    rows = pts.fractions
    by_cov: dict[tuple[tuple[Fraction, ...], ...], list[tuple[int, tuple[int, ...]]]] = {}
    for r, s in kept:
        by_cov.setdefault(covariance_exact([rows[i] for i in s]), []).append((r, s))
    covs = list(by_cov)
    winners = _exact_minimal(covs)
    tied = [rs for i in winners for rs in by_cov[covs[i]]]
    _, _, best = min((_fraction_mean(rows, s), r, s) for r, s in tied)
    return best, _cov_lambda_in_kind(covs[winners[0]], pts.kind)


# ----------------------------------------------------------------------------- SMEA


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


def _distribute(
    taken: Sequence[int], classes: Sequence[Sequence[int]], counts: Sequence[int], size: int
) -> tuple[int, ...]:
    """Per-input counts: each class's selection filled into its groups in input order."""
    out = [0] * size
    for t, groups in zip(taken, classes, strict=True):
        for g in groups:
            use = min(t, counts[g])
            out[g] = use
            t -= use
    return tuple(out)


def _grouped_window(
    keys: Sequence[Number], counts: Sequence[int], k: int
) -> tuple[tuple[int, ...], _Window1D, list[Number]]:
    """Exact 1-D grouped SMEA on the scalar ``keys`` (equal keys merged)."""
    distinct, classes = _group_sorted(list(keys))
    merged = [sum(counts[g] for g in cl) for cl in classes]
    win = _exact_window(distinct, merged, k)
    return _distribute(win.taken, classes, counts, len(keys)), win, distinct


def _count_vectors(caps: Sequence[int], total: int) -> Iterator[tuple[int, ...]]:
    """Vectors ``0 <= s_i <= caps_i`` with ``sum s = total``, lexicographically descending."""
    tail = [0, *itertools.accumulate(reversed(caps))][::-1]  # tail[i] = sum(caps[i:])

    def rec(i: int, remaining: int, prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if i == len(caps):
            if remaining == 0:
                yield prefix
            return
        for s in range(min(caps[i], remaining), max(0, remaining - tail[i + 1]) - 1, -1):
            yield from rec(i + 1, remaining - s, prefix + (s,))

    return rec(0, total, ())


def _number_of_count_vectors(caps: Sequence[int], total: int) -> int:
    ways = [1] + [0] * total
    for c in caps:
        prefix = [0, *itertools.accumulate(ways)]
        ways = [prefix[t + 1] - prefix[max(0, t - c)] for t in range(total + 1)]
    return ways[total]


def _pair_cov_batch(y: np.ndarray, s: np.ndarray, k: int) -> np.ndarray:
    """``Sigma`` from counts by the pairwise identity (THEORY.md section 1):
    ``k^2 Sigma = sum_{i<j} s_i s_j (y_i - y_j)(y_i - y_j)^T``."""
    kk, d = y.shape
    pairs = list(itertools.combinations(range(kk), 2))
    if not pairs:
        return np.zeros((len(s), d, d))
    i, j = np.array(pairs).T
    diff = y[i] - y[j]
    outer = (diff[:, :, None] * diff[:, None, :]).reshape(len(pairs), d * d)
    return ((s[:, i] * s[:, j]).astype(np.float64) @ outer).reshape(len(s), d, d) / (k * k)


def _pair_cov_exact(
    rows: Sequence[tuple[Fraction, ...]], s: Sequence[int], k: int
) -> tuple[tuple[Fraction, ...], ...]:
    d = len(rows[0])
    acc = [[Fraction(0)] * d for _ in range(d)]
    for i, j in itertools.combinations(range(len(rows)), 2):
        w = s[i] * s[j]
        if w:
            diff = [a - b for a, b in zip(rows[i], rows[j], strict=True)]
            for a in range(d):
                for b in range(d):
                    acc[a][b] += w * diff[a] * diff[b]
    return tuple(tuple(x / (k * k) for x in r) for r in acc)


def _weighted_total(rows: Sequence[tuple[Fraction, ...]], s: Sequence[int]) -> list[Fraction]:
    d = len(rows[0])
    return [sum((w * r[j] for w, r in zip(s, rows, strict=True)), Fraction(0)) for j in range(d)]


def _grouped_enumerate(pts: _Points, counts: list[int], k: int) -> tuple[tuple[int, ...], Number]:
    """Grouped SMEA in d > 1 by enumerating count vectors: (counts selected, lambda)."""
    _guard(_number_of_count_vectors(counts, k), "count vectors")
    y = _screen_array(pts)
    blocks = _chunks(_count_vectors(counts, k), len(counts))
    kept = _screen(blocks, lambda s: _pair_cov_batch(y, s, k), _SCREEN_TOL * pts.d)
    rows = pts.fractions
    by_cov: dict[tuple[tuple[Fraction, ...], ...], list[tuple[int, tuple[int, ...]]]] = {}
    for r, s in kept:
        by_cov.setdefault(_pair_cov_exact(rows, s, k), []).append((r, s))
    covs = list(by_cov)
    winners = _exact_minimal(covs)
    tied = [rs for i in winners for rs in by_cov[covs[i]]]
    _, _, best = min((_weighted_total(rows, s), r, s) for r, s in tied)
    return best, _cov_lambda_in_kind(covs[winners[0]], pts.kind)


def smea_grouped(values: object, counts: Sequence[int], f: int) -> GroupedAggregate:
    """SMEA (Def. 2.3) on the multiset ``{values[i] x counts[i]}``, without expanding it.

    Same result and tie rule as ``smea(expand_groups(values, counts), f)``:
    ``selected_counts[i]`` is how many copies of ``values[i]`` the SMEA subset holds (the
    lowest-index copies of the expanded list).  1-D and collinear input: exact window
    search over the groups, ``O(K log K)`` for ``K`` groups.  Otherwise: enumeration of the
    count vectors ``0 <= s_i <= counts[i]``, ``sum s = n - f`` (``O(f^(K-1))``).
    """
    pts = _parse(values, "values")
    cnt = _check_counts(counts, pts.n)
    n = sum(cnt)
    f = _check_f(f, n)
    k = n - f
    kind = pts.kind
    if pts.d == 1:
        sel, win, _ = _grouped_window([r[0] for r in pts.rows], cnt, k)
        value = [_mean_to_kind(win.total, k, kind)]
        return GroupedAggregate(pts.wrap(value), sel, pts.scalar(_to_kind(win.variance, kind)))
    line = _collinear(pts.fractions)
    if line is not None:
        sel, win, _ = _grouped_window(line.t, cnt, k)
        value = [_mean_to_kind(k * c, k, kind) for c in _line_point(line, win.total / k)]
        lam = _to_kind(win.variance * _norm2(line.direction), kind)
        return GroupedAggregate(pts.wrap(value), sel, pts.scalar(lam))
    sel, lam = _grouped_enumerate(pts, cnt, k)
    totals = _weighted_total(pts.fractions, sel)
    value = [_mean_to_kind(t, k, kind) for t in totals]
    return GroupedAggregate(pts.wrap(value), sel, pts.scalar(lam))


# ----------------------------------------------------------------------------- other rules


def expand_groups(values: Sequence[object], counts: Sequence[int]) -> list:
    """The multiset ``{values[i] x counts[i]}`` as a flat list, in input order."""
    if isinstance(values, np.ndarray):
        values = list(values)
    try:
        size = len(values)
    except TypeError:
        raise ParameterError("values", "a sequence", type(values).__name__) from None
    if size == 0:
        raise ParameterError("values", "at least one vector", "empty input")
    cnt = _check_counts(counts, size)
    return [v for v, c in zip(values, cnt, strict=True) for _ in range(c)]


def mean(vectors: object, f: int = 0) -> Aggregate:
    """Arithmetic mean of all ``n`` vectors (``f`` is only validated)."""
    pts = _parse(vectors)
    _check_f(f, pts.n)
    idx = tuple(range(pts.n))
    return Aggregate(pts.wrap(_average(pts, idx)), idx)


def mean_grouped(values: object, counts: Sequence[int], f: int = 0) -> GroupedAggregate:
    """Mean of the multiset ``{values[i] x counts[i]}``; same value as ``mean`` expanded."""
    pts = _parse(values, "values")
    cnt = _check_counts(counts, pts.n)
    n = sum(cnt)
    _check_f(f, n)
    value = [_mean_to_kind(t, n, pts.kind) for t in _weighted_total(pts.fractions, cnt)]
    return GroupedAggregate(pts.wrap(value), tuple(cnt))


def _columns_sorted(pts: _Points) -> list[list[Number]]:
    return [sorted(r[j] for r in pts.rows) for j in range(pts.d)]


def _mean_of(xs: Sequence[Number], kind: Kind) -> Number:
    if kind == "float":
        return math.fsum(xs) / len(xs)
    return _mean_to_kind(sum((_fraction(x) for x in xs), Fraction(0)), len(xs), kind)


def trimmed_mean(vectors: object, f: int) -> Aggregate:
    """Coordinate-wise trimmed mean: per coordinate drop the ``f`` largest and ``f`` smallest
    values and average the other ``n - 2f``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    if pts.kind == "float":
        kept = np.sort(pts.array, axis=0)[f : pts.n - f]
        value = [math.fsum(kept[:, j].tolist()) / len(kept) for j in range(pts.d)]
    else:
        value = [_mean_of(col[f : pts.n - f], pts.kind) for col in _columns_sorted(pts)]
    return Aggregate(pts.wrap(value), ())


def coordinate_median(vectors: object, f: int) -> Aggregate:
    """Coordinate-wise median (the mean of the two middle values when ``n`` is even)."""
    pts = _parse(vectors)
    _check_f(f, pts.n)
    n = pts.n
    value = []
    for col in _columns_sorted(pts):
        value.append(col[n // 2] if n % 2 else _mean_of(col[n // 2 - 1 : n // 2 + 1], pts.kind))
    return Aggregate(pts.wrap(value), ())


def _pairwise_sq(pts: _Points) -> np.ndarray | list[list[Fraction]]:
    """Squared distances: float64 matrix for float input (Krum ties are then decided on
    float64 values), exact Fractions for exact and mpf input."""
    if pts.kind == "float":
        a = pts.array
        diff = a[:, None, :] - a[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)
    rows = pts.fractions
    return [[_norm2([x - y for x, y in zip(r, s, strict=True)]) for s in rows] for r in rows]


def _krum_scores(pts: _Points, f: int) -> list[Number]:
    n = pts.n
    if n <= 2 * f + 2:
        raise ParameterError("f", "n > 2f + 2 (Krum)", f"f={f}, n={n}")
    m = n - f - 2
    d2 = _pairwise_sq(pts)
    if isinstance(d2, np.ndarray):
        np.fill_diagonal(d2, np.inf)
        return np.sort(d2, axis=1)[:, :m].sum(axis=1).tolist()
    return [sum(sorted(row[:i] + row[i + 1 :])[:m], Fraction(0)) for i, row in enumerate(d2)]


def krum(vectors: object, f: int) -> Aggregate:
    """Krum (Blanchard et al. 2017): the vector with the smallest sum of squared distances
    to its ``n - f - 2`` nearest neighbours (lowest index on ties).  Needs ``n > 2f + 2``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    scores = _krum_scores(pts, f)
    best = min(range(pts.n), key=lambda i: (scores[i], i))
    return Aggregate(pts.wrap(list(pts.rows[best])), (best,))


def multi_krum(vectors: object, f: int, q: int | None = None) -> Aggregate:
    """MultiKrum: the mean of the ``q`` vectors with the lowest Krum scores (lower index
    first on ties); ``q`` defaults to ``n - f``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    if q is None:
        q = pts.n - f
    if isinstance(q, (bool, np.bool_)) or not isinstance(q, numbers.Integral):
        raise ParameterError("q", "q is an integer", repr(q))
    if not 1 <= q <= pts.n:
        raise ParameterError("q", "1 <= q <= n", f"q={q}, n={pts.n}")
    scores = _krum_scores(pts, f)
    chosen = tuple(sorted(sorted(range(pts.n), key=lambda i: (scores[i], i))[: int(q)]))
    return Aggregate(pts.wrap(_average(pts, chosen)), chosen)


def _sqrt_in_kind(x: Number, kind: Kind) -> Number:
    if kind == "float":
        return math.sqrt(x.numerator / x.denominator)
    if kind == "mp":
        return mpmath.sqrt(_mpf_from_fraction(x))
    a, b = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if a * a == x.numerator and b * b == x.denominator:
        return Fraction(a, b)
    return sympy.sqrt(_sym_rational(x))


def _mda_1d(pts: _Points, k: int) -> tuple[tuple[int, ...], Number]:
    """1-D MDA: smallest range r*, then the lexicographically smallest index tuple among
    the k-subsets inside some interval [a, a + r*]."""
    vals = [r[0] for r in pts.fractions]
    order = sorted(range(pts.n), key=vals.__getitem__)
    v = [vals[i] for i in order]
    ranges = [v[p + k - 1] - v[p] for p in range(pts.n - k + 1)]
    r_star = min(ranges)
    best: tuple[int, ...] | None = None
    for a in sorted({v[p] for p, r in enumerate(ranges) if r == r_star}):
        lo = bisect.bisect_left(v, a)
        hi = bisect.bisect_right(v, a + r_star)
        cand = tuple(sorted(order[lo:hi])[:k])
        if best is None or cand < best:
            best = cand
    assert best is not None
    return best, r_star


def _mda_enumerate(pts: _Points, k: int) -> tuple[tuple[int, ...], Number]:
    _guard(math.comb(pts.n, k), "subsets")
    rows = pts.fractions
    flat = [_norm2([x - y for x, y in zip(r, s, strict=True)]) for r in rows for s in rows]
    levels = sorted(set(flat))
    rank_of = {x: i for i, x in enumerate(levels)}
    ranks = np.array([rank_of[x] for x in flat], dtype=np.int64).reshape(pts.n, pts.n)
    best_rank, best = None, None
    for idx in _chunks(itertools.combinations(range(pts.n), k), k):
        diam = ranks[idx[:, :, None], idx[:, None, :]].max(axis=(1, 2))
        j = int(np.argmin(diam))
        if best_rank is None or diam[j] < best_rank:
            best_rank, best = int(diam[j]), tuple(idx[j].tolist())
    assert best is not None and best_rank is not None
    return best, levels[best_rank]


def mda(vectors: object, f: int) -> Aggregate:
    """MDA, minimum-diameter averaging (El Mhamdi et al. 2018): the mean of the
    ``(n - f)``-subset of smallest diameter (lexicographically smallest index tuple on
    ties).  ``score`` is the diameter (exact input: a Fraction or an exact sympy root).
    Diameters are compared exactly for every kind (squared distances in Fractions)."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    k = pts.n - f
    if pts.d == 1:
        best, diameter = _mda_1d(pts, k)
        score = _to_kind(diameter, pts.kind)
    else:
        best, d2 = _mda_enumerate(pts, k)
        score = _sqrt_in_kind(d2, pts.kind)
    return Aggregate(pts.wrap(_average(pts, best)), best, pts.scalar(score))


def _weiszfeld_numpy(a: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    z = a.mean(axis=0)
    scale = float(np.max(np.linalg.norm(a - z, axis=1)))
    if scale == 0:
        return z
    for _ in range(max_iter):
        diff = a - z
        dist = np.linalg.norm(diff, axis=1)
        away = dist > 0
        w = 1.0 / dist[away]
        t = (w[:, None] * a[away]).sum(axis=0) / w.sum()
        eta = int(np.count_nonzero(~away))
        if eta:
            r = float(np.linalg.norm((w[:, None] * diff[away]).sum(axis=0)))
            if r <= eta:
                return z
            t = (1 - eta / r) * t + (eta / r) * z
        step = float(np.linalg.norm(t - z))
        z = t
        if step <= tol * scale:
            break
    return z


def _weiszfeld_mp(rows: list[list[mpmath.mpf]], tol: Number, max_iter: int) -> list[mpmath.mpf]:
    n, d = len(rows), len(rows[0])

    def norm(v: Sequence[mpmath.mpf]) -> mpmath.mpf:
        return mpmath.sqrt(mpmath.fsum(c * c for c in v))

    z = [mpmath.fsum(r[j] for r in rows) / n for j in range(d)]
    scale = max(norm([a - b for a, b in zip(r, z, strict=True)]) for r in rows)
    if scale == 0:
        return z
    for _ in range(max_iter):
        diffs = [[a - b for a, b in zip(r, z, strict=True)] for r in rows]
        dists = [norm(v) for v in diffs]
        away = [i for i in range(n) if dists[i] > 0]
        w = {i: 1 / dists[i] for i in away}
        wsum = mpmath.fsum(w.values())
        t = [mpmath.fsum(w[i] * rows[i][j] for i in away) / wsum for j in range(d)]
        eta = n - len(away)
        if eta:
            r = norm([mpmath.fsum(w[i] * diffs[i][j] for i in away) for j in range(d)])
            if r <= eta:
                return z
            t = [(1 - eta / r) * a + (eta / r) * b for a, b in zip(t, z, strict=True)]
        step = norm([a - b for a, b in zip(t, z, strict=True)])
        z = t
        if step <= tol * scale:
            break
    return z


def geometric_median(
    vectors: object, f: int, tol: float = 1e-12, max_iter: int = 10_000
) -> Aggregate:
    """Geometric median by Weiszfeld's iteration with the Vardi-Zhang step at data points.

    Starts at the mean; stops when an update moves less than ``tol * R``
    (``R = max_i ||x_i - mean||``, so ``tol`` is relative to the data's spread; default
    ``1e-12``) or after ``max_iter`` updates, or when a data point satisfies the optimality
    condition.  Float input runs in float64; ``mpf`` input in mpmath at the current
    precision; exact input in mpmath at the current precision, returned as the Fractions
    equal to the mpf result (an approximation, not the exact median).  In 1-D the result
    is the (exact) coordinate median.  ``f`` is only validated.
    """
    pts = _parse(vectors)
    _check_f(f, pts.n)
    if pts.d == 1:
        return Aggregate(coordinate_median(vectors, f).value, ())
    if pts.kind == "float":
        z = _weiszfeld_numpy(pts.array, tol, max_iter)
        return Aggregate(pts.wrap(z.tolist()), ())
    rows = [
        [x if isinstance(x, mpmath.mpf) else _mpf_from_fraction(x) for x in r] for r in pts.rows
    ]
    zm = _weiszfeld_mp(rows, mpmath.mpf(tol), max_iter)
    value = zm if pts.kind == "mp" else [_fraction(c) for c in zm]
    return Aggregate(pts.wrap(value), ())


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
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral):
            raise ParameterError("subset", "integer indices", repr(i))
        if not 0 <= i < pts.n:
            raise ParameterError("subset", f"indices in 0..{pts.n - 1}", i)
    if len(set(idx)) != len(idx):
        raise ParameterError("subset", "distinct indices", idx)
    return pts.scalar(_lambda_in_kind(pts, [int(i) for i in idx]))


RULES: dict[str, Callable[..., Aggregate]] = {
    "smea": smea,
    "mean": mean,
    "trimmed_mean": trimmed_mean,
    "median": coordinate_median,
    "krum": krum,
    "multi_krum": multi_krum,
    "mda": mda,
    "geometric_median": geometric_median,
}

GROUPED_RULES: dict[str, Callable[..., GroupedAggregate]] = {
    "smea": smea_grouped,
    "mean": mean_grouped,
}
