"""Speed of boundkit's SMEA (paper, Def. 2.3) on its three paths.

Run ``python benchmarks/smea_speed.py``.  Each measurement is a function returning a dict,
so ``benchmarks/run.py`` can import and tabulate them:

* :func:`bench_smea_1d_large` -- 1-D float64, n = 100,001, f = 50,000 (median of 3 runs);
* :func:`bench_smea_batched_vs_loop` -- exact enumeration, d = 10, n = 16, f = 7:
  ``smea`` (batched ``eigvalsh`` in chunks) against a Python loop calling ``eigvalsh``
  once per subset; both must pick the same subset;
* :func:`bench_smea_grouped_mp` -- ``smea_grouped`` at 50 digits, 4 groups, n = 1001.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mpmath
import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boundkit.rules import smea, smea_grouped  # noqa: E402


def _timed(call: Callable[[], object], repeats: int) -> tuple[list[float], object]:
    """Wall times of ``repeats`` calls and the last result."""
    times = []
    result: object = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return times, result


def bench_smea_1d_large(
    n: int = 100_001, f: int = 50_000, repeats: int = 3, seed: int = 0
) -> dict[str, object]:
    """1-D float64 SMEA: ``n - f`` honest N(0, 1) values, ``f`` outliers at N(8, 0.1)."""
    rng = np.random.default_rng(seed)
    x = np.concatenate((rng.normal(size=n - f), rng.normal(8.0, 0.1, size=f)))
    rng.shuffle(x)
    times, result = _timed(lambda: smea(x, f), repeats)
    return {
        "case": f"1-D float64 n={n} f={f}",
        "seconds_median": statistics.median(times),
        "seconds_all": times,
        "selected_size": len(result.selected),  # type: ignore[attr-defined]
    }


def _loop_smea_subset(x: np.ndarray, f: int) -> tuple[int, ...]:
    """Reference: one ``eigvalsh`` per subset in a Python loop (first minimum kept)."""
    n = len(x)
    k = n - f
    best_lam, best = np.inf, ()
    for subset in itertools.combinations(range(n), k):
        rows = x[list(subset)]
        c = rows - rows.mean(axis=0)
        lam = np.linalg.eigvalsh(c.T @ c / k)[-1]
        if lam < best_lam:
            best_lam, best = lam, subset
    return best


def bench_smea_batched_vs_loop(
    n: int = 16, f: int = 7, d: int = 10, repeats: int = 3, seed: int = 0
) -> dict[str, object]:
    """Exact enumeration in d > 1: batched ``smea`` against a per-subset loop."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    x[n - f :] = 0.3 * x[n - f :] + 3.0 / np.sqrt(d)  # a tight, shifted Byzantine cluster
    batched_times, result = _timed(lambda: smea(x, f), repeats)
    loop_times, loop_subset = _timed(lambda: _loop_smea_subset(x, f), repeats)
    selected = result.selected  # type: ignore[attr-defined]
    assert selected == loop_subset, (selected, loop_subset)
    batched = statistics.median(batched_times)
    loop = statistics.median(loop_times)
    return {
        "case": f"d={d} n={n} f={f} ({len(list(itertools.combinations(range(n), n - f)))} subsets)",
        "batched_seconds": batched,
        "loop_seconds": loop,
        "speedup": loop / batched,
        "same_subset": True,
    }


def bench_smea_grouped_mp(
    dps: int = 50, counts: tuple[int, ...] = (300, 200, 250, 251), f: int = 500, calls: int = 200
) -> dict[str, object]:
    """``smea_grouped`` in mpmath at ``dps`` digits: microseconds per call."""
    with mpmath.workdps(dps):
        values = [mpmath.mpf(-1), mpmath.mpf(0), mpmath.mpf(1) / 3, mpmath.mpf(2) + mpmath.pi]
        times, result = _timed(lambda: smea_grouped(values, counts, f), calls)
    return {
        "case": f"grouped mpf dps={dps} groups={len(counts)} n={sum(counts)} f={f}",
        "microseconds_per_call": 1e6 * statistics.median(times),
        "selected_counts": result.selected_counts,  # type: ignore[attr-defined]
    }


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "smea_1d_large": bench_smea_1d_large,
    "smea_batched_vs_loop": bench_smea_batched_vs_loop,
    "smea_grouped_mp": bench_smea_grouped_mp,
}


def main() -> None:
    one = bench_smea_1d_large()
    print(f"{one['case']}: {one['seconds_median']:.3f} s (median of 3)")
    two = bench_smea_batched_vs_loop()
    print(
        f"{two['case']}: batched {two['batched_seconds']:.3f} s, per-subset loop "
        f"{two['loop_seconds']:.3f} s, speedup x{two['speedup']:.1f}, same subset"
    )
    three = bench_smea_grouped_mp()
    print(f"{three['case']}: {three['microseconds_per_call']:.0f} us per call")


if __name__ == "__main__":
    main()
