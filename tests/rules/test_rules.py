"""Tests of the rules of boundkit.rules against independent brute force (exact arithmetic)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundkit.errors import ParameterError
from boundkit.rules import (
    GROUPED_RULES,
    RULES,
    Aggregate,
    coordinate_median,
    expand_groups,
    geometric_median,
    krum,
    largest_eigenvalue_of_subset,
    mda,
    mean,
    mean_grouped,
    multi_krum,
    smea,
    smea_grouped,
    trimmed_mean,
)
from boundkit.rules.linear_algebra import _ExactLambda
from boundkit.rules.points import _mpf_from_fraction, _ratio, _scaled_ints
from boundkit.rules.smea.window_1d import _float_window_start, _smea_1d_exact

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Point = tuple[Fraction, ...]


# ----------------------------------------------------------------------------- brute force


def brute_mean(rows: Sequence[Point], subset: Sequence[int]) -> Point:
    d = len(rows[0])
    return tuple(sum((rows[i][j] for i in subset), Fraction(0)) / len(subset) for j in range(d))


def brute_cov(rows: Sequence[Point], subset: Sequence[int]) -> list[list[Fraction]]:
    mu = brute_mean(rows, subset)
    d = len(mu)
    k = len(subset)
    return [
        [
            sum(((rows[i][a] - mu[a]) * (rows[i][b] - mu[b]) for i in subset), Fraction(0)) / k
            for b in range(d)
        ]
        for a in range(d)
    ]


def brute_lambda(cov: list[list[Fraction]]) -> object:
    """Exact in 1-D; 50-digit mpmath otherwise."""
    if len(cov) == 1:
        return cov[0][0]
    with mpmath.workdps(50):
        m = mpmath.matrix([[mpmath.mpf(x.numerator) / x.denominator for x in r] for r in cov])
        return max(mpmath.eigsy(m, eigvals_only=True))


def brute_smea(rows: Sequence[Point], f: int) -> tuple[Point, tuple[int, ...]]:
    """Every (n-f)-subset; min lambda_max, then min mean, then min index tuple."""
    n = len(rows)
    entries = []
    for subset in itertools.combinations(range(n), n - f):
        entries.append((brute_lambda(brute_cov(rows, subset)), brute_mean(rows, subset), subset))
    low = min(e[0] for e in entries)
    if len(rows[0]) == 1:
        tied = [e for e in entries if e[0] == low]
    else:
        with mpmath.workdps(50):
            tied = [e for e in entries if e[0] - low <= mpmath.mpf(10) ** -35]
    _, mu, subset = min(tied, key=lambda e: (e[1], e[2]))
    return mu, subset


def as_rows(points: Sequence[object]) -> list[Point]:
    return [
        tuple(Fraction(x) for x in p) if isinstance(p, (tuple, list)) else (Fraction(p),)
        for p in points
    ]


def kappa_smea(n: int, f: int) -> Fraction:
    """Recalled kappa_SMEA = (4f/(n-f)) (1 + f/(n-2f))^2 (Allouah et al. 2023b, Prop. 5.1)."""
    return Fraction(4 * f, n - f) * (1 + Fraction(f, n - 2 * f)) ** 2


def lambda_at_least(cov: list[list[Fraction]], t: Fraction) -> bool:
    """Exactly: lambda_max(cov) >= t, i.e. t*I - cov is not positive definite (d <= 2)."""
    if len(cov) == 1:
        return cov[0][0] >= t
    a, b, c = cov[0][0], cov[0][1], cov[1][1]
    positive_definite = t - a > 0 and (t - a) * (t - c) - b * b > 0
    return not positive_definite


# ----------------------------------------------------------------------------- strategies

small_int = st.integers(-3, 3)
small_frac = st.fractions(min_value=-3, max_value=3, max_denominator=4)


@st.composite
def inputs(draw: st.DrawFn, d: int, max_n: int, entries: st.SearchStrategy = small_int) -> tuple:
    n = draw(st.integers(1, max_n))
    f = draw(st.integers(0, (n - 1) // 2))
    if d == 1:
        pts = draw(st.lists(entries, min_size=n, max_size=n))
    else:
        pts = draw(st.lists(st.tuples(*[entries] * d), min_size=n, max_size=n))
    return pts, f


@st.composite
def collinear_inputs(draw: st.DrawFn, max_n: int) -> tuple:
    n = draw(st.integers(1, max_n))
    f = draw(st.integers(0, (n - 1) // 2))
    direction = draw(st.sampled_from([(1, 2), (0, 1), (3, -1), (-2, 5)]))
    origin = draw(st.tuples(small_int, small_int))
    ts = draw(st.lists(small_frac, min_size=n, max_size=n))
    return [tuple(o + t * u for o, u in zip(origin, direction, strict=True)) for t in ts], f


@st.composite
def multisets(draw: st.DrawFn, d: int, max_groups: int, max_count: int) -> tuple:
    k = draw(st.integers(1, max_groups))
    if d == 1:
        values = draw(st.lists(small_frac, min_size=k, max_size=k, unique=True))
    else:
        values = draw(st.lists(st.tuples(*[small_int] * d), min_size=k, max_size=k, unique=True))
    counts = draw(st.lists(st.integers(1, max_count), min_size=k, max_size=k))
    f = draw(st.integers(0, (sum(counts) - 1) // 2))
    return values, counts, f


def selected_counts(selected: Sequence[int], counts: Sequence[int]) -> tuple[int, ...]:
    """Map indices of the expanded list back to per-group counts."""
    owner = [g for g, c in enumerate(counts) for _ in range(c)]
    out = [0] * len(counts)
    for i in selected:
        out[owner[i]] += 1
    return tuple(out)


# ----------------------------------------------------------------------------- SMEA vs brute


def check_against_brute(points: list, f: int) -> None:
    rows = as_rows(points)
    mu, subset = brute_smea(rows, f)
    got = smea(points, f)
    assert got.selected == subset
    value = got.value if isinstance(got.value, tuple) else (got.value,)
    assert value == mu


@FAST
@given(inputs(d=1, max_n=10))
def test_smea_1d_matches_brute_force_with_ties(case: tuple) -> None:
    check_against_brute(*case)


@FAST
@given(inputs(d=1, max_n=9, entries=small_frac))
def test_smea_1d_fractions_match_brute_force(case: tuple) -> None:
    check_against_brute(*case)


@FAST
@given(inputs(d=2, max_n=7))
def test_smea_2d_matches_brute_force(case: tuple) -> None:
    check_against_brute(*case)


@settings(max_examples=30, deadline=None)
@given(inputs(d=3, max_n=6, entries=st.integers(-2, 2)))
def test_smea_3d_matches_brute_force(case: tuple) -> None:
    check_against_brute(*case)


@settings(max_examples=40, deadline=None)
@given(collinear_inputs(max_n=8))
def test_smea_collinear_2d_matches_brute_force(case: tuple) -> None:
    check_against_brute(*case)


def test_smea_tie_rule_examples() -> None:
    # windows {0,0,1} and {0,1,1} tie (variance 2/9): smaller mean wins, then lowest copies
    assert smea([3, 1, 1, 0, 0], 2).selected == (1, 3, 4)
    assert smea([3, 1, 1, 0, 0], 2).value == Fraction(1, 3)
    # all equal: the lowest indices
    assert smea([5, 5, 5, 5, 5], 2).selected == (0, 1, 2)
    # four congruent triangles of a cross tie on lambda_max: the smallest mean wins
    cross = [(1, 0), (-1, 0), (0, 1), (0, -1), (5, 5)]
    got = smea(cross, 2)
    assert got.selected == (1, 2, 3)
    assert got.value == (Fraction(-1, 3), 0) and got.score == Fraction(2, 3)
    # four congruent triangles of a square: the mean (1/3, 1/3) is the smallest
    square = [(0, 0), (1, 1), (0, 1), (1, 0)]
    got = smea(square, 1)
    assert got.selected == (0, 2, 3) and got.value == (Fraction(1, 3), Fraction(1, 3))


def test_smea_scores_exact() -> None:
    pts = [(0, 0), (2, 1), (-1, 3), (5, 5), (1, 1)]
    got = smea(pts, 2)
    cov = brute_cov(as_rows(pts), got.selected)
    assert abs(float(got.score) - float(brute_lambda(cov))) < 1e-12
    assert got.score == largest_eigenvalue_of_subset(pts, got.selected)


def test_smea_f_zero_is_mean() -> None:
    for pts in ([1, 5, 2], [(1, 2), (3, 5), (0, 0)], [1.5, 2.25, -3.0]):
        assert smea(pts, 0).value == mean(pts).value
        assert smea(pts, 0).selected == (0, 1, 2)
    mp = [mpmath.mpf(1) / 3, mpmath.mpf(2), mpmath.mpf(7)]
    assert smea(mp, 0).value == mean(mp).value


# ----------------------------------------------------------------------------- exact lambda


def test_exact_lambda_compare_equal_irrational() -> None:
    a = _ExactLambda(((Fraction(1), Fraction(1)), (Fraction(1), Fraction(0))))
    b = _ExactLambda(((Fraction(0), Fraction(1)), (Fraction(1), Fraction(1))))
    c = _ExactLambda(((Fraction(1), Fraction(1)), (Fraction(1), Fraction(1, 10**30))))
    assert a.compare(b) == 0
    assert a.compare(c) == -1 and c.compare(a) == 1
    assert str(a.value()) == "1/2 + sqrt(5)/2"


def test_largest_eigenvalue_types() -> None:
    pts = [(0, 0), (2, 0), (0, 1)]
    lam = largest_eigenvalue_of_subset(pts, [0, 1, 2])
    cov = brute_cov(as_rows(pts), [0, 1, 2])
    assert abs(float(lam) - float(brute_lambda(cov))) < 1e-12
    assert largest_eigenvalue_of_subset([1, 2, 6], [0, 2]) == Fraction(25, 4)
    assert largest_eigenvalue_of_subset([[1], [2], [6]], (1, 2)) == 4
    with mpmath.workdps(40):
        lam_mp = largest_eigenvalue_of_subset([(mpmath.mpf(0), 0), (2, 0), (0, 1)], [0, 1, 2])
        assert isinstance(lam_mp, mpmath.mpf)
        assert abs(lam_mp - brute_lambda(cov)) < mpmath.mpf(10) ** -35
    lam_np = largest_eigenvalue_of_subset(np.array(pts, dtype=float), [0, 1, 2])
    assert isinstance(lam_np, np.floating)


# ----------------------------------------------------------------------------- grouped


def check_grouped(values: list, counts: list[int], f: int) -> None:
    got = smea_grouped(values, counts, f)
    flat = smea(expand_groups(values, counts), f)
    assert got.value == flat.value
    assert got.selected_counts == selected_counts(flat.selected, counts)
    assert sum(got.selected_counts) == sum(counts) - f
    assert got.score == flat.score


@FAST
@given(multisets(d=1, max_groups=5, max_count=8))
def test_smea_grouped_equals_expanded_1d_fraction(case: tuple) -> None:
    check_grouped(*case)


@FAST
@given(multisets(d=1, max_groups=5, max_count=8))
def test_smea_grouped_equals_expanded_1d_mpf(case: tuple) -> None:
    values, counts, f = case
    with mpmath.workdps(30):
        mp_values = [mpmath.mpf(v.numerator) / v.denominator for v in values]
        check_grouped(mp_values, counts, f)


@settings(max_examples=40, deadline=None)
@given(multisets(d=2, max_groups=4, max_count=3))
def test_smea_grouped_equals_expanded_2d(case: tuple) -> None:
    check_grouped(*case)


@settings(max_examples=25, deadline=None)
@given(multisets(d=2, max_groups=3, max_count=3))
def test_smea_grouped_equals_expanded_2d_mpf(case: tuple) -> None:
    values, counts, f = case
    with mpmath.workdps(30):
        mp_values = [tuple(mpmath.mpf(x) / 3 for x in v) for v in values]
        got = smea_grouped(mp_values, counts, f)
        flat = smea(expand_groups(mp_values, counts), f)
        assert got.value == flat.value
        assert got.selected_counts == selected_counts(flat.selected, counts)


def test_smea_grouped_duplicate_values_fill_earlier_groups() -> None:
    got = smea_grouped([1, 0, 1], [2, 1, 2], 2)  # three 1s out of four: the first group's
    flat = smea(expand_groups([1, 0, 1], [2, 1, 2]), 2)
    assert got.selected_counts == selected_counts(flat.selected, [2, 1, 2]) == (2, 0, 1)


def test_smea_grouped_large_mpf_is_exact_window() -> None:
    with mpmath.workdps(50):
        values = [mpmath.mpf(-1), mpmath.mpf(0), mpmath.mpf(1) / 7, mpmath.mpf(3)]
        counts = [250, 300, 200, 251]
        got = smea_grouped(values, counts, 500)
        assert isinstance(got.value, mpmath.mpf)
        # reference: every window start of the sorted expansion, exactly
        flat = sorted(
            Fraction(*_ratio(v)) for v, c in zip(values, counts, strict=True) for _ in range(c)
        )
        k = 501
        s1 = [0, *itertools.accumulate(flat)]
        s2 = [0, *itertools.accumulate(x * x for x in flat)]
        keys = [k * (s2[p + k] - s2[p]) - (s1[p + k] - s1[p]) ** 2 for p in range(501)]
        best = keys.index(min(keys))
        ref = (s1[best + k] - s1[best]) / k
        assert got.value == _mpf_from_fraction(ref)


def test_smea_grouped_collinear_embedding_large() -> None:
    """A 1-D multiset embedded along an exact unit vector: same selection as in 1-D."""
    u = (Fraction(3, 5), Fraction(4, 5))
    values = [Fraction(-1), Fraction(0), Fraction(1, 1000), Fraction(1)]
    counts = [300, 200, 1, 500]
    one = smea_grouped(values, counts, 500)
    two = smea_grouped([(v * u[0], v * u[1]) for v in values], counts, 500)
    assert two.selected_counts == one.selected_counts
    assert two.value == (one.value * u[0], one.value * u[1])
    assert two.score == one.score  # |u| = 1


def test_mean_grouped() -> None:
    got = mean_grouped([1, 4], [3, 1])
    assert got.value == Fraction(7, 4) and got.selected_counts == (3, 1)
    assert mean_grouped([(1, 0), (0, 2)], [1, 3], 1).value == (Fraction(1, 4), Fraction(3, 2))
    assert GROUPED_RULES["mean"] is mean_grouped and GROUPED_RULES["smea"] is smea_grouped


# ----------------------------------------------------------------------------- float paths

floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
float_lists = st.one_of(
    st.lists(floats, min_size=1, max_size=40),
    st.lists(st.sampled_from([0.0, 0.1, 0.3, -0.7, 2.5, 1e-9]), min_size=1, max_size=40),
)


@FAST
@given(float_lists, st.data())
def test_smea_float_1d_agrees_with_fraction_path(xs: list[float], data: st.DataObject) -> None:
    f = data.draw(st.integers(0, (len(xs) - 1) // 2))
    exact = smea([Fraction(x) for x in xs], f)
    for got in (smea(xs, f), smea(np.array(xs), f)):
        assert got.selected == exact.selected
        assert math.isclose(got.value, float(exact.value), rel_tol=1e-12, abs_tol=1e-300)
        assert math.isclose(got.score, float(exact.score), rel_tol=1e-9, abs_tol=1e-12)
    assert isinstance(smea(np.array(xs), f).value, np.float64)


@FAST
@given(float_lists, st.data())
def test_numpy_window_search_is_exact(xs: list[float], data: st.DataObject) -> None:
    """The vectorised search (error bound + exact re-scoring) equals the exact search."""
    n = len(xs)
    k = n - data.draw(st.integers(0, (n - 1) // 2))
    v = np.sort(np.array(xs))
    ints, _ = _scaled_ints(v.tolist())
    keys = [
        k * sum(x * x for x in ints[p : p + k]) - sum(ints[p : p + k]) ** 2
        for p in range(n - k + 1)
    ]
    assert _float_window_start(v, k) == keys.index(min(keys))


def test_numpy_window_search_exact_fallback_on_ties() -> None:
    # equal float keys: the error bound cannot separate them, exact re-scoring decides
    assert _float_window_start(np.array([0.0, 0.0, 1.0, 1.0]), 3) == 0
    assert _float_window_start(np.array([-1.0, 0.0, 0.0, 1.0]), 2) == 1
    v = np.sort(np.concatenate((np.arange(-500.0, 0.0), np.arange(1.0, 501.0))))
    # the gap at 0 costs least at a window's end: starts 0 and 400 tie, the lowest wins
    assert _float_window_start(v, 600) == 0


def test_smea_float_1d_large_matches_fraction_path() -> None:
    rng = np.random.default_rng(7)
    x = np.concatenate((rng.normal(size=4000), rng.normal(loc=30.0, scale=0.01, size=1001)))
    rng.shuffle(x)
    f = 2000
    got = smea(x, f)
    exact = _smea_1d_exact([Fraction(v) for v in x.tolist()], f, "exact")
    assert got.selected == exact[0]
    assert math.isclose(got.value, float(exact[1]), rel_tol=1e-12)
    # heavy duplicates take the grouped route
    y = rng.integers(-3, 4, size=5001).astype(float)
    got = smea(y, 2400)
    exact = smea([Fraction(int(v)) for v in y], 2400)
    assert got.selected == exact.selected and got.value == float(exact.value)


def test_smea_float_nd_batched_matches_loop() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(9, 3))
    x[6:] += 4.0
    got = smea(x, 3)
    lams = []
    for s in itertools.combinations(range(9), 6):
        c = x[list(s)] - x[list(s)].mean(axis=0)
        lams.append((np.linalg.eigvalsh(c.T @ c / 6)[-1], s))
    assert got.selected == min(lams)[1]
    assert isinstance(got.value, np.ndarray) and got.value.shape == (3,)
    assert np.allclose(got.value, x[list(got.selected)].mean(axis=0))
    assert math.isclose(got.score, min(lams)[0], rel_tol=1e-9)


def test_smea_float_nd_ties_are_exact() -> None:
    # mirror-image subsets tie exactly; float rounding must not decide
    pts = [(0.1, 0.0), (-0.1, 0.0), (0.0, 0.3), (0.0, -0.3), (5.0, 5.0)]
    exact = smea([tuple(Fraction(c) for c in p) for p in pts], 2)
    assert smea(pts, 2).selected == exact.selected


def test_smea_mpf_keeps_type_and_precision() -> None:
    with mpmath.workdps(50):
        xs = [mpmath.mpf(1) / 3, mpmath.mpf(2) / 3, mpmath.mpf(5), mpmath.mpf(1)]
        got = smea(xs, 1)
        assert isinstance(got.value, mpmath.mpf)
        assert got.selected == (0, 1, 3)
        assert abs(got.value - mpmath.mpf(2) / 3) < mpmath.mpf(10) ** -49
        got2 = smea([(x, 2 * x) for x in xs], 1)
        assert all(isinstance(c, mpmath.mpf) for c in got2.value)


# ----------------------------------------------------------------------------- robustness


def check_kappa(points: list, f: int) -> None:
    rows = as_rows(points)
    n = len(rows)
    out = smea(points, f).value
    out = out if isinstance(out, tuple) else (out,)
    kappa = kappa_smea(n, f)
    for subset in itertools.combinations(range(n), n - f):
        mu = brute_mean(rows, subset)
        gap = sum(((a - b) ** 2 for a, b in zip(out, mu, strict=True)), Fraction(0))
        if kappa == 0:
            assert gap == 0
        else:
            assert lambda_at_least(brute_cov(rows, subset), gap / kappa), (points, f, subset)


@st.composite
def clustered(draw: st.DrawFn, d: int, max_n: int) -> tuple:
    """Honest-looking cluster plus a far group: where robustness bites."""
    n = draw(st.integers(3, max_n))
    f = draw(st.integers(1, (n - 1) // 2))
    entry = st.fractions(min_value=-1, max_value=1, max_denominator=8)
    far = draw(st.fractions(min_value=-6, max_value=6, max_denominator=4))
    pts = []
    for i in range(n):
        shift = far if i < f else 0
        coords = tuple(draw(entry) + shift for _ in range(d))
        pts.append(coords[0] if d == 1 else coords)
    return pts, f


@FAST
@given(st.one_of(inputs(d=1, max_n=9, entries=small_frac), clustered(d=1, max_n=9)))
def test_smea_kappa_robustness_1d(case: tuple) -> None:
    check_kappa(*case)


@settings(max_examples=50, deadline=None)
@given(st.one_of(inputs(d=2, max_n=7, entries=small_frac), clustered(d=2, max_n=7)))
def test_smea_kappa_robustness_2d(case: tuple) -> None:
    check_kappa(*case)


def test_smea_kappa_on_theory_extremes() -> None:
    """Near-worst 1-D configurations: f copies of v, the rest split in two values."""
    for n, f in [(5, 2), (7, 3), (9, 4), (10, 3)]:
        for v in range(0, 25):
            half = (n - f) // 2
            pts = [Fraction(v, 4)] * f + [Fraction(1)] * half + [Fraction(-1)] * (n - f - half)
            check_kappa(pts, f)


# ----------------------------------------------------------------------------- other rules


def test_mean_trimmed_median_known_values() -> None:
    assert mean([1, 2, 6]).value == 3 and mean([1, 2, 6]).selected == (0, 1, 2)
    assert coordinate_median([1, 2, 100], 1).value == 2
    assert coordinate_median([1, 2, 100, 4], 1).value == 3
    assert coordinate_median([(1, 9), (2, 8), (100, -5)], 1).value == (2, 8)
    assert trimmed_mean([1, 2, 3, 100, -50], 1).value == 2
    assert trimmed_mean([(1, 10), (2, 20), (3, 30), (4, 1000)], 1).value == (
        Fraction(5, 2),
        25,
    )
    assert trimmed_mean(np.array([1.0, 2.0, 3.0, 100.0, -50.0]), 2).value == 2.0
    assert isinstance(coordinate_median(np.array([[1.0], [2.0], [4.0]]), 1).value, np.ndarray)
    with mpmath.workdps(30):
        third = mpmath.mpf(1) / 3
        assert coordinate_median([third, mpmath.mpf(2), mpmath.mpf(9)], 1).value == 2


def test_krum_known_values() -> None:
    pts = [(0, 0), (1, 0), (0, 1), (10, 10), (Fraction(1, 2), Fraction(1, 2))]
    got = krum(pts, 1)
    assert got.selected == (4,) and got.value == (Fraction(1, 2), Fraction(1, 2))
    # scores: 2, 2, 2, 64, 64, 64, 2 (three nearest neighbours): the lowest index wins
    assert krum([0, 0, 1, 9, 9, 9, 1], 2).selected == (0,)
    with pytest.raises(ParameterError, match=re.escape("n > 2f + 2")):
        krum([1, 2, 3, 4], 1)


def brute_krum_scores(rows: list[Point], f: int) -> list[Fraction]:
    n = len(rows)
    out = []
    for i in range(n):
        dists = sorted(
            sum(((a - b) ** 2 for a, b in zip(rows[i], rows[j], strict=True)), Fraction(0))
            for j in range(n)
            if j != i
        )
        out.append(sum(dists[: n - f - 2], Fraction(0)))
    return out


@FAST
@given(inputs(d=2, max_n=9), st.data())
def test_multi_krum_matches_brute_force(case: tuple, data: st.DataObject) -> None:
    pts, f = case
    n = len(pts)
    if n <= 2 * f + 2:
        with pytest.raises(ParameterError):
            multi_krum(pts, f)
        return
    q = data.draw(st.one_of(st.none(), st.integers(1, n)))
    scores = brute_krum_scores(as_rows(pts), f)
    order = sorted(range(n), key=lambda i: (scores[i], i))
    chosen = tuple(sorted(order[: n - f if q is None else q]))
    got = multi_krum(pts, f, q)
    assert got.selected == chosen
    assert got.value == brute_mean(as_rows(pts), chosen)
    assert krum(pts, f).selected == (order[0],)


@FAST
@given(st.one_of(inputs(d=1, max_n=9), inputs(d=2, max_n=8)))
def test_mda_matches_brute_force(case: tuple) -> None:
    pts, f = case
    rows = as_rows(pts)
    n = len(rows)

    def diam2(subset: tuple[int, ...]) -> Fraction:
        return max(
            (
                sum(((a - b) ** 2 for a, b in zip(rows[i], rows[j], strict=True)), Fraction(0))
                for i in subset
                for j in subset
            ),
            default=Fraction(0),
        )

    best = min(itertools.combinations(range(n), n - f), key=lambda s: (diam2(s), s))
    got = mda(pts, f)
    assert got.selected == best
    value = got.value if isinstance(got.value, tuple) else (got.value,)
    assert value == brute_mean(rows, best)
    assert abs(float(got.score) ** 2 - float(diam2(best))) < 1e-9


def test_mda_float_and_score() -> None:
    got = mda([0.0, 0.1, 0.2, 5.0], 1)
    assert got.selected == (0, 1, 2) and math.isclose(got.score, 0.2)
    assert mda([(0, 0), (3, 4), (0, 1), (50, 50)], 1).score == 5


def test_geometric_median_symmetric_configurations() -> None:
    cross = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    assert geometric_median(cross, 1).value == (0, 0)
    got = geometric_median(np.array([(2.0, 1.0), (0.0, 1.0), (1.0, 2.0), (1.0, 0.0)]), 1)
    assert np.allclose(got.value, [1.0, 1.0], atol=1e-10)
    # equilateral triangle: the centroid
    s = math.sqrt(3)
    tri = np.array([(0.0, 0.0), (2.0, 0.0), (1.0, s)])
    assert np.allclose(geometric_median(tri, 1).value, [1.0, s / 3], atol=1e-9)
    # a data point that is optimal (Vardi-Zhang): the heavy centre of a star
    star = [(0.0, 0.0)] * 3 + [(1.0, 0.0), (-1.0, 0.5), (0.0, -2.0)]
    assert np.allclose(geometric_median(star, 2).value, [0.0, 0.0], atol=1e-12)
    with mpmath.workdps(30):
        mp_cross = [
            (mpmath.mpf(c[0]), mpmath.mpf(c[1])) for c in [(3, 1), (1, 3), (-1, 1), (1, -1)]
        ]
        val = geometric_median(mp_cross, 1).value
        assert abs(val[0] - 1) < mpmath.mpf(10) ** -20 and abs(val[1] - 1) < mpmath.mpf(10) ** -20
    assert geometric_median([1, 2, 100], 1).value == 2


def test_rules_registry_and_types() -> None:
    assert set(RULES) == {
        "smea",
        "mean",
        "trimmed_mean",
        "median",
        "krum",
        "multi_krum",
        "mda",
        "geometric_median",
    }
    pts = [(0, 0), (1, 0), (0, 1), (1, 1), (9, 9), (Fraction(1, 2), 0)]
    for name, rule in RULES.items():
        got = rule(pts, 1)
        assert isinstance(got, Aggregate), name
        assert isinstance(got.value, tuple) and all(isinstance(c, Fraction) for c in got.value)
        arr = rule(np.array(pts, dtype=float), 1)
        assert isinstance(arr.value, np.ndarray) and arr.value.dtype == np.float64, name
        assert np.allclose(arr.value, [float(c) for c in got.value], atol=1e-9), name


def test_expand_groups() -> None:
    assert expand_groups([1, 2], [2, 1]) == [1, 1, 2]
    assert expand_groups([(0, 1)], [2]) == [(0, 1), (0, 1)]


def test_object_numpy_arrays_keep_fractions() -> None:
    arr = np.array([Fraction(1, 3), Fraction(1), Fraction(9)], dtype=object)
    got = smea(arr, 1)
    assert got.value == Fraction(2, 3) and isinstance(got.value, Fraction)


def test_enumeration_guard() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ParameterError, match="at most"):
        smea(rng.normal(size=(60, 2)), 25)


# ----------------------------------------------------------------------------- bad inputs

NAN = float("nan")
BAD_CASES = [
    ("f >= n/2", lambda: smea([1, 2, 3, 4], 2), "f < n/2"),
    ("f negative", lambda: smea([1, 2, 3], -1), "f >= 0"),
    ("f float", lambda: smea([1, 2, 3], 1.0), "integer"),
    ("f bool", lambda: smea([1, 2, 3], True), "integer"),
    ("f string", lambda: mean([1, 2, 3], "1"), "integer"),
    ("empty", lambda: smea([], 0), "at least one"),
    ("empty numpy", lambda: smea(np.zeros((0, 2)), 0), "at least one"),
    ("ragged", lambda: smea([(1, 2), (3,)], 0), "vector 1 has dimension 1"),
    ("zero dim", lambda: smea([(), ()], 0), "dimension >= 1"),
    ("nan scalar", lambda: smea([1.0, NAN, 2.0], 1), "vector 1"),
    ("inf vector", lambda: smea([(1.0, 2.0), (0.0, float("inf"))], 0), "vector 1"),
    ("nan numpy", lambda: smea(np.array([[1.0, 2.0], [3.0, 4.0], [NAN, 0.0]]), 1), "vector 2"),
    ("nan mpf", lambda: smea([mpmath.mpf(1), mpmath.nan, mpmath.mpf(2)], 1), "vector 1"),
    ("string entry", lambda: smea([1, "a"], 0), "real numbers"),
    ("complex entry", lambda: smea([1, 2j], 0), "real numbers"),
    ("string input", lambda: smea("abc", 0), "sequence"),
    ("scalar input", lambda: smea(3, 0), "sequence"),
    ("counts zero", lambda: smea_grouped([1, 2], [1, 0], 0), "counts >= 1"),
    ("counts float", lambda: smea_grouped([1, 2], [1, 2.5], 0), "integer counts"),
    ("counts length", lambda: smea_grouped([1, 2], [1], 0), "len(values) == len(counts)"),
    ("grouped f", lambda: smea_grouped([1, 2], [1, 1], 1), "f < n/2"),
    ("grouped nan", lambda: smea_grouped([1.0, NAN], [1, 1], 0), "vector 1"),
    ("mean grouped counts", lambda: mean_grouped([1, 2], [-1, 2]), "counts >= 1"),
    ("expand counts", lambda: expand_groups([1, 2], [1, 1, 1]), "len(values) == len(counts)"),
    ("krum n", lambda: krum([1, 2, 3, 4, 5], 2), "n > 2f + 2"),
    ("multi_krum q", lambda: multi_krum([1, 2, 3, 4, 5, 6], 1, q=0), "1 <= q <= n"),
    ("trimmed f", lambda: trimmed_mean([1, 2], 1), "f < n/2"),
    ("median nan", lambda: coordinate_median([NAN], 0), "vector 0"),
    ("mda f", lambda: mda([(1, 2)] * 4, 2), "f < n/2"),
    ("gm ragged", lambda: geometric_median([(1, 2), (1, 2, 3)], 0), "same dimension"),
    ("subset range", lambda: largest_eigenvalue_of_subset([1, 2], [0, 5]), "indices in"),
    ("subset empty", lambda: largest_eigenvalue_of_subset([1, 2], []), "at least one"),
    ("subset dup", lambda: largest_eigenvalue_of_subset([1, 2], [1, 1]), "distinct"),
    ("bool numpy", lambda: smea(np.array([True, False, True]), 0), "real numeric"),
]


@pytest.mark.parametrize(
    "call, fragment", [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_bad_input_raises_parameter_error(call: object, fragment: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        call()  # type: ignore[operator]


def test_exact_lambda_max_when_an_isolating_interval_ends_on_another_root() -> None:
    """Regression: SymPy's isolating interval of one root may end on another, rational,
    root (``x^2 - 125x/144``: intervals ``(0, 0)`` and ``(0, 1)``); the exact
    ``lambda_max`` must not return the root at the end."""
    from boundkit.rules import largest_eigenvalue_of_subset

    points = [(Fraction(3, 2), Fraction(0))] * 5 + [(Fraction(0), Fraction(2))]
    assert largest_eigenvalue_of_subset(points, range(6)) == Fraction(125, 144)
    floats = [(float(a), float(b)) for a, b in points]
    assert largest_eigenvalue_of_subset(floats, range(6)) == pytest.approx(125 / 144)


def test_exact_lambda_max_picks_the_rational_root_sharing_an_interval_end() -> None:
    """Regression: eigenvalues ``2, sqrt(2), -sqrt(2)``; SymPy isolates ``sqrt(2)`` in
    ``(1, 2)`` and ``2`` in ``(2, 2)``: the largest is ``2``, not ``sqrt(2)``."""
    from boundkit.rules.linear_algebra import _ExactLambda

    one, zero = Fraction(1), Fraction(0)
    cov = ((Fraction(2), zero, zero), (zero, one, one), (zero, one, -one))
    assert _ExactLambda(cov).value() == 2


def test_exact_grouped_smea_with_large_denominators_matches_float() -> None:
    """Regression: exact 2-D grouped SMEA on coordinates with denominators near 10**12
    overflowed inside SymPy's radical for ``lambda_max``; it now returns a ``CRootOf``
    and agrees with the float path."""
    import random

    import sympy

    rng = random.Random(1)
    values = [
        tuple(Fraction(rng.uniform(-1, 1)).limit_denominator(10**12) for _ in range(2))
        for _ in range(4)
    ]
    counts = [12, 12, 10, 6]
    exact = smea_grouped(values, counts, 6)
    floats = smea_grouped([tuple(float(x) for x in v) for v in values], counts, 6)
    assert exact.selected_counts == floats.selected_counts
    assert float(sympy.N(exact.score, 30)) == pytest.approx(floats.score, rel=1e-12)
