"""Test your own aggregation rule against the bounds.

A rule is ``rule(vectors, f)``: ``vectors`` is a float64 array of shape ``(n, d)`` (one row
per worker, ``(n, 1)`` in dimension 1), and it returns one vector of shape ``(d,)`` (a
scalar is also accepted in 1-D).  boundkit searches the rule's robustness coefficient
(Def. 2.2, a lower estimate of its kappa), then runs every Byzantine construction against
it and compares the stability reached with Theorem 3.1, eq. (2), at that coefficient.

Run: ``python examples/own_rule.py`` (a few seconds).
"""

import numpy as np

import boundkit


def mean_around_median(vectors: np.ndarray, f: int) -> np.ndarray:
    """Average of the n - f vectors closest to the coordinate-wise median."""
    distances = np.linalg.norm(vectors - np.median(vectors, axis=0), axis=1)
    closest = np.argsort(distances, kind="stable")[: len(vectors) - f]
    return vectors[closest].mean(axis=0)


for n, f in [(9, 3), (10, 2)]:
    report = boundkit.check_rule(mean_around_median, n, f)
    for d, found in report.coefficients.items():  # boundkit.robustness_coefficient(rule, n, f, d)
        print(f"n={n} f={f} d={d}: coefficient found {float(found.evaluation.value):.4f}")
    for run in report.runs:
        numbers = f"stability {run.stability}  eq. (2) {run.bound}"
        print(f"  {run.construction:>8}: {numbers}  {run.status}")
    print("  above eq. (2) (findings):", [r.construction for r in report.exceeded] or "none")
