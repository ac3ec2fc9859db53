"""Input parsing and number kinds shared by every aggregation rule of :mod:`boundkit.rules`.

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

Every invalid input raises :class:`boundkit.errors.ParameterError`.  Also here: the exact
means of selected points in the input kind, shared by the rules that average a subset, and
:func:`expand_groups` (a grouped multiset as a flat list).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

import mpmath
import numpy as np
from mpmath.libmp import from_rational

from boundkit.errors import ParameterError

Number = Any
Kind = Literal["exact", "float", "mp"]


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


def is_integer(value: object) -> bool:
    """A Python or numpy integer, not a ``bool`` (``True`` is not a count or an index)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _check_f(f: object, n: int) -> int:
    """``f`` as an int with ``0 <= f < n/2``."""
    if not is_integer(f):
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
        if not is_integer(c):
            raise ParameterError("counts", "integer counts", f"counts[{i}] = {c!r}")
        if c < 1:
            raise ParameterError("counts", "counts >= 1", f"counts[{i}] = {c}")
        out.append(int(c))
    return out


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


def _weighted_total(rows: Sequence[tuple[Fraction, ...]], s: Sequence[int]) -> list[Fraction]:
    d = len(rows[0])
    return [sum((w * r[j] for w, r in zip(s, rows, strict=True)), Fraction(0)) for j in range(d)]


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


def _columns_sorted(pts: _Points) -> list[list[Number]]:
    return [sorted(r[j] for r in pts.rows) for j in range(pts.d)]


def _mean_of(xs: Sequence[Number], kind: Kind) -> Number:
    if kind == "float":
        return math.fsum(xs) / len(xs)
    return _mean_to_kind(sum((_fraction(x) for x in xs), Fraction(0)), len(xs), kind)
