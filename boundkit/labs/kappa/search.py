"""The adversarial search for the largest ratio of one cell (:func:`search`).

Search (:func:`search`)
    Structured families first, screened in float64 with the same rules: *two-point* honest
    sets (``p`` honest vectors at ``+e_1``, ``n - f - p`` at ``-e_1``) with one Byzantine
    cluster at an optimised position (grid, then bounded Brent), then with two clusters
    (Nelder-Mead); in ``d > 1`` also the best 1-D certificate embedded, *spread* inputs
    (each coordinate a permutation of the best 1-D honest values, permutations chosen to
    decorrelate the coordinates, which multiplies the push of coordinate-wise rules by
    ``d`` at fixed ``lambda_max``) and *orthogonal* clusters (Byzantine vectors off the honest
    axis).  Then random restarts: Gaussian honest vectors with random anisotropy, one or two
    Byzantine clusters, and ``scipy.optimize`` Nelder-Mead on the cluster positions (and on
    every honest coordinate when there are at most
    :data:`~boundkit.labs.kappa.families.FREE_HONEST_MAX` of them).  The best screened
    candidates are re-evaluated exactly, each also with its Byzantine vectors
    pulled slightly toward the honest mean (the supremum of a selection rule is often
    approached, not attained, at a tie), and the exact maximum is kept.  SMEA in ``d > 1``
    with many distinct vectors costs ``C(n, f)`` subsets per evaluation: such screens run
    only when ``C(n, f) <= Budget.enumeration_cap`` (grouped inputs with few distinct
    vectors always run), MDA likewise.  Seeds are fixed: the same arguments give the same
    certificate.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from boundkit.errors import ParameterError
from boundkit.labs.kappa.budget import Budget
from boundkit.labs.kappa.certificate import Certificate, certify
from boundkit.labs.kappa.evaluation import Evaluation, evaluate
from boundkit.labs.kappa.families import (
    _family_orthogonal,
    _family_spread,
    _family_two_point,
    _run_restarts,
)
from boundkit.labs.kappa.rules import (
    RULES,
    Rows,
    RuleFunction,
    RuleSpec,
    check_parameters,
    resolve_rule,
)
from boundkit.labs.kappa.screen import Candidate, _Screen

#: Denominator used to round float positions to exact rationals (2**-24 grid).
_GRID = 2**24
#: Fractions of the way the Byzantine vectors are pulled toward the honest mean (backoff).
_BACKOFF = (Fraction(0), Fraction(1, 2**30), Fraction(1, 2**16), Fraction(1, 2**8))
#: Built-in rules that are continuous functions of their input (no tie to back off from).
CONTINUOUS = frozenset({"mean", "cwtm", "median", "gm"})


def _round_rows(rows: np.ndarray) -> Rows:
    """Float positions rounded to the ``2**-24`` grid, as exact Fractions."""
    return tuple(tuple(Fraction(round(float(x) * _GRID), _GRID) for x in r) for r in rows)


@dataclass(frozen=True)
class SearchResult:
    """The best certificate of one cell and what was searched to find it."""

    certificate: Certificate
    evaluation: Evaluation
    families: tuple[str, ...]
    skipped: tuple[str, ...]
    screens: int
    seconds: float


def _backoff_rows(rows: np.ndarray, h: int, t: Fraction) -> Rows:
    exact = _round_rows(rows)
    if t == 0 or len(exact) == h:
        return exact
    k, d = h, len(exact[0])
    mu = [sum((r[j] for r in exact[:h]), Fraction(0)) / k for j in range(d)]
    moved = [tuple(x + t * (m - x) for x, m in zip(r, mu, strict=True)) for r in exact[h:]]
    return exact[:h] + tuple(moved)


def _exact_best(
    spec: RuleSpec, candidates: Sequence[Candidate], n: int, f: int, dps: int
) -> tuple[Rows, str, mpmath.mpf] | None:
    """Exact value of the screened candidates; the best ``(rows, family, value)``.

    Continuous rules (mean, CWTM, median, GM): the float screen ranks well, so only its
    best candidate is evaluated.  Selection rules (and user rules): every candidate, each
    also with the backoff variants.
    """
    continuous = spec.builtin and spec.name in CONTINUOUS
    variants = (Fraction(0),) if continuous else _BACKOFF
    best: tuple[Rows, str, mpmath.mpf] | None = None
    honest = tuple(range(n - f))
    for cand in candidates[:1] if continuous else candidates:
        for t in variants:
            rows = _backoff_rows(cand.rows, n - f, t)
            try:
                ev = evaluate(spec, rows, honest, f, dps=dps, exact_lambda=False)
            except ParameterError:
                continue
            if best is None or ev.value > best[2]:
                best = (rows, cand.family, ev.value)
    return best


def _embed(cert: Certificate, d: int) -> np.ndarray:
    rows = np.zeros((cert.n, d))
    rows[:, 0] = [float(r[0]) for r in cert.vectors]
    return rows


def _seed_sequence(seed: int, spec: RuleSpec, n: int, f: int, d: int) -> np.random.Generator:
    index = list(RULES).index(spec.name) if spec.name in RULES else len(RULES)
    return np.random.default_rng([seed, index, n, f, d])


def search(
    rule: str | RuleFunction | RuleSpec,
    n: int,
    f: int,
    d: int,
    *,
    budget: Budget | None = None,
    seed: int = 0,
    dps: int = 50,
    prior: SearchResult | None = None,
) -> SearchResult:
    """The largest ratio found for ``rule`` at ``(n, f, d)``, as an exact certificate.

    In ``d > 1`` the 1-D search runs first (or ``prior``, its result, is reused) and its
    certificate, embedded on the first axis, competes with the ``d``-dimensional families.
    """
    spec = resolve_rule(rule)
    check_parameters(n, f, d)
    reason = spec.undefined_reason(n, f)
    if reason is not None:
        raise ParameterError("n, f", f"{spec.name} {reason}", f"n={n}, f={f}")
    budget = budget or Budget()
    started = time.perf_counter()
    if d > 1 and prior is None:
        prior = search(spec, n, f, 1, budget=budget, seed=seed, dps=dps)
    rng = _seed_sequence(seed, spec, n, f, d)
    screen = _Screen(spec, n, f, d, budget)
    skipped: list[str] = []
    if prior is None:
        _family_two_point(screen)
    else:
        base = _embed(prior.certificate, d)
        screen(base, "embedded-1d")
        _family_spread(screen, base, rng)
        _family_orthogonal(screen, base)
    _run_restarts(screen, rng, skipped)
    best = _exact_best(spec, screen.top(budget.candidates, exclude="embedded-1d"), n, f, dps)
    if prior is not None and (best is None or prior.evaluation.value >= best[2]):
        best = (
            tuple(r + (Fraction(0),) * (d - 1) for r in prior.certificate.vectors),
            "embedded-1d",
            prior.evaluation.value,
        )
    if best is None:
        raise ParameterError(
            "rule", "a rule that can be evaluated on some searched input", spec.name
        )
    cert, ev = certify(spec, best[0], tuple(range(n - f)), f, family=best[1], dps=dps)
    families = tuple(sorted(screen.best)) + (() if prior is None else ("1-d search",))
    skipped += [
        f"{name} (SMEA/MDA enumeration outside the budget)"
        for name in sorted(screen.tried - set(screen.best))
    ]
    return SearchResult(
        cert, ev, families, tuple(skipped), screen.count, time.perf_counter() - started
    )


def iter_cells(n_max: int = 30, ds: Sequence[int] = (1, 2, 5)) -> Iterator[tuple[int, int, int]]:
    """Every ``(n, f, d)`` with ``1 <= n <= n_max``, ``0 <= f < n/2``, ``d in ds``."""
    for n, d in itertools.product(range(1, n_max + 1), ds):
        for f in range((n + 1) // 2):
            yield n, f, d
