"""boundkit's ByzFL-convention rules against ByzFL 0.0.11 itself (bench test, needs ByzFL).

Not part of the main suite (``testpaths = ["tests"]``).  Run it with::

    pip install torch==2.13.0 scipy          # the CPU torch wheel
    pip install byzfl==0.0.11 --no-deps      # ByzFL without torchvision
    python -m pytest benchmarks/test_byzfl_conventions.py

ByzFL is loaded by :mod:`byzfl_loader` (its aggregators only).  Without it every test here
fails with the install hint; none is skipped.

What is compared, on ``len(CASES)`` random float64 inputs (normal rows times a scale
``0.01``, ``1`` or ``100``; ``3 <= n <= 12``, ``0 <= f < n/2``, ``1 <= d <= 6``):

- Krum, MultiKrum, MDA: the *selected rows* are equal exactly.  ByzFL's selection is read
  off the index it applies to the input (an ``ndarray`` subclass records it), not inferred
  from its output.  Krum's output row is bit-for-bit ByzFL's.
- Averages (MultiKrum, MDA, mean, trimmed mean, median): equal within the a-priori
  float64 bound ``(k + 3) eps max|x|`` for a mean of ``k`` values (recursive or pairwise
  summation errs by at most ``gamma_{k-1} sum|x_i| <= k u max|x| (1 + O(k u))`` and the
  division by one more rounding; boundkit's ``fsum`` mean by at most ``eps |mean|``).
- Geometric median: ``geometric_median(x, f, iterations=T, smoothing=nu)`` against
  ByzFL's ``GeometricMedian(nu, T)`` for several ``(T, nu)``: boundkit's float64 result and
  ByzFL's are each within ``GM_BOUND * max|x|`` of a 50-digit mpmath evaluation of the same
  steps (boundkit's ``mpf`` path), so within twice that of each other; the defaults
  (``iterations=3`` with the default smoothing, and ``byzfl_rule``) against
  ``GeometricMedian()``.
- The tests can fail: Blanchard's ``n - f - 2`` Krum picks another row than ByzFL on some
  inputs, and the converged geometric median differs from ByzFL's 3 steps by far more than
  the bound.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import byzfl_loader  # noqa: E402

from boundkit.rules import byzfl_rule, geometric_median, krum  # noqa: E402

EPS = float(np.finfo(np.float64).eps)
#: Stated agreement of the float64 smoothed-Weiszfeld results with the 50-digit reference,
#: relative to ``max|x|``.
GM_BOUND = 1e-12
#: ``(T, nu)`` pairs of ``GeometricMedian(nu, T)`` compared (ByzFL's default first).
GM_SETTINGS = ((3, 0.1), (0, 0.1), (1, 0.1), (10, 0.1), (3, 0.5), (25, 1e-3))


@dataclass(frozen=True)
class Case:
    seed: int
    x: np.ndarray
    f: int


def _case(seed: int) -> Case:
    """Normal rows times 0.01, 1 or 100; every fourth input a tight cluster (spread 0.03,
    inside the smoothing radius 0.1) at distance 2 to 5 from the origin plus ``f``
    outliers, so that some distances are clipped to ``nu`` and others are not."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 13))
    f = int(rng.integers(0, (n - 1) // 2 + 1))
    d = int(rng.integers(1, 7))
    if seed % 4 == 3:
        centre = rng.normal(size=d)
        centre *= rng.uniform(2, 5) / np.linalg.norm(centre)
        x = centre + 0.03 * rng.normal(size=(n, d))
        x[:f] += rng.normal(size=(f, d)) * 3
        return Case(seed, x, f)
    scale = (0.01, 1.0, 100.0)[seed % 3]
    return Case(seed, rng.normal(size=(n, d)) * scale, f)


CASES = [_case(seed) for seed in range(60)]


class _Recording(np.ndarray):
    """An input array that records the integer indices it is read at (ByzFL's selection)."""

    log: list[tuple[int, ...]]

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        picked = np.asarray(key) if not isinstance(key, (slice, tuple)) else None
        if picked is not None and picked.dtype.kind in "iu":
            self.log.append(tuple(sorted(int(i) for i in np.atleast_1d(picked))))
        return np.asarray(np.ndarray.__getitem__(np.asarray(self), key))


def _run_recorded(aggregator, x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    rec = x.copy().view(_Recording)
    rec.log = []
    out = np.asarray(aggregator(rec))
    assert len(rec.log) == 1, rec.log
    return out, rec.log[0]


@pytest.fixture(scope="module")
def byzfl():
    module, reason = byzfl_loader.load_aggregators()
    if module is None:
        pytest.fail(reason)
    return module


def _mean_bound(k: int, x: np.ndarray) -> float:
    return (k + 3) * EPS * float(np.max(np.abs(x)))


def test_krum_selects_byzfl_row(byzfl) -> None:
    blanchard_differs = 0
    for case in CASES:
        expected, picked = _run_recorded(byzfl.Krum(case.f), case.x)
        got = byzfl_rule("krum")(case.x, case.f)
        assert got.selected == picked, case.seed
        assert np.array_equal(got.value, expected), case.seed
        if case.x.shape[0] > 2 * case.f + 2:
            blanchard_differs += krum(case.x, case.f).selected != picked
    print(f"Krum: {len(CASES)} inputs equal; Blanchard's choice differs on {blanchard_differs}")
    assert blanchard_differs > 0


@pytest.mark.parametrize("name, cls", [("multi_krum", "MultiKrum"), ("mda", "MDA")])
def test_subset_rules_select_byzfl_rows(byzfl, name: str, cls: str) -> None:
    worst = 0.0
    for case in CASES:
        expected, picked = _run_recorded(getattr(byzfl, cls)(case.f), case.x)
        got = byzfl_rule(name)(case.x, case.f)
        assert got.selected == picked, case.seed
        gap = float(np.max(np.abs(got.value - expected)))
        assert gap <= _mean_bound(len(picked), case.x), (case.seed, gap)
        worst = max(worst, gap / float(np.max(np.abs(case.x))))
    print(f"{cls}: selections equal on {len(CASES)} inputs; worst |diff|/max|x| = {worst:.2e}")


@pytest.mark.parametrize(
    "name, make, kept",
    [
        ("mean", lambda b, f: b.Average(), lambda n, f: n),
        ("trimmed_mean", lambda b, f: b.TrMean(f), lambda n, f: n - 2 * f),
        ("median", lambda b, f: b.Median(), lambda n, f: 2),
    ],
)
def test_coordinatewise_rules_agree_to_rounding(byzfl, name: str, make, kept) -> None:
    worst = 0.0
    for case in CASES:
        n = case.x.shape[0]
        expected = np.asarray(make(byzfl, case.f)(case.x))
        got = byzfl_rule(name)(case.x, case.f).value
        gap = float(np.max(np.abs(got - expected)))
        assert gap <= _mean_bound(kept(n, case.f), case.x), (case.seed, gap)
        worst = max(worst, gap / float(np.max(np.abs(case.x))))
    print(f"{name}: {len(CASES)} inputs; worst |diff|/max|x| = {worst:.2e}")


def _reference(x: np.ndarray, f: int, steps: int, nu: float) -> np.ndarray:
    rows = [[mpmath.mpf(float(v)) for v in row] for row in x]
    with mpmath.workdps(50):
        value = geometric_median(rows, f, iterations=steps, smoothing=nu).value
    return np.array([float(c) for c in value])


@pytest.mark.parametrize("steps, nu", GM_SETTINGS)
def test_geometric_median_matches_byzfl_steps(byzfl, steps: int, nu: float) -> None:
    worst_byzfl, worst_ours, worst_pair = 0.0, 0.0, 0.0
    for case in CASES:
        scale = float(np.max(np.abs(case.x)))
        expected = np.asarray(byzfl.GeometricMedian(nu, steps)(case.x))
        got = geometric_median(case.x, case.f, iterations=steps, smoothing=nu).value
        reference = _reference(case.x, case.f, steps, nu)
        gaps = [
            float(np.max(np.abs(a - b))) / scale
            for a, b in ((expected, reference), (got, reference), (got, expected))
        ]
        assert max(gaps[:2]) <= GM_BOUND, (case.seed, gaps)
        worst_byzfl = max(worst_byzfl, gaps[0])
        worst_ours = max(worst_ours, gaps[1])
        worst_pair = max(worst_pair, gaps[2])
    print(
        f"GeometricMedian(nu={nu}, T={steps}): relative to max|x|, worst ByzFL-reference "
        f"{worst_byzfl:.2e}, boundkit-reference {worst_ours:.2e}, boundkit-ByzFL {worst_pair:.2e}"
    )


def test_geometric_median_defaults_are_byzfls(byzfl) -> None:
    for case in CASES:
        expected = np.asarray(byzfl.GeometricMedian()(case.x))
        got = byzfl_rule("geometric_median")(case.x, case.f).value
        assert np.array_equal(got, geometric_median(case.x, case.f, iterations=3).value)
        bound = 2 * GM_BOUND * float(np.max(np.abs(case.x)))
        assert float(np.max(np.abs(got - expected))) <= bound, case.seed


def test_converged_geometric_median_is_not_byzfls(byzfl) -> None:
    far = 0
    for case in CASES:
        if case.x.shape[1] == 1:
            continue
        expected = np.asarray(byzfl.GeometricMedian()(case.x))
        converged = geometric_median(case.x, case.f).value
        far += float(np.max(np.abs(converged - expected))) > 2 * GM_BOUND * np.max(np.abs(case.x))
    print(f"converged geometric median differs from ByzFL's 3 steps beyond the bound: {far}")
    assert far > 0
