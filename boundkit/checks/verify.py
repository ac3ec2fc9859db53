"""``python -m boundkit verify``: upper >= empirical >= lower, one case at a time.

For every registered construction (:mod:`constructions`) and every grid point where it is
defined (:func:`boundkit.checks.grid.plan`), the verifier

1. builds the construction exactly and simulates it (:func:`constructions.measure.measure`),
2. evaluates the registered upper and lower bounds at the constants the construction
   really has (:func:`boundkit.bounds.evaluate`),
3. checks ``upper >= empirical >= lower`` and ``empirical == closed form`` with the relative
   tolerance ``10**-(dps - 10)`` (Monte Carlo values: the closed form must lie in the
   confidence interval and the bounds must not be contradicted by it),

and records each check as a :class:`Record`.  The bound sweep is in
:mod:`boundkit.checks.bound_sweep`, the paper's central claim in
:mod:`boundkit.checks.central_claim`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import mpmath

from boundkit import bounds
from boundkit.checks.grid import SGD_EXACT_MAX_T, SGD_MAX_STATES, SGD_MONTE_CARLO_SAMPLES, Case
from boundkit.config import Setting


@dataclass(frozen=True)
class Record:
    """One check: the JSON record of ``verify --json`` (all numbers as strings)."""

    check: str
    theorem: str
    construction: str
    threat: str
    algorithm: str
    convexity: str
    n: int
    f: int
    m: int
    T: int
    gamma: str
    L: str
    beta: str
    mu: str
    upper: str
    empirical: str
    lower: str
    closed_form: str
    exact: bool
    status: str
    detail: str = ""
    final: str = ""
    final_neighbour: str = ""
    gap: str = ""
    upper_slack: str = ""
    lower_slack: str = ""
    extras: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def tolerance_for(dps: int) -> mpmath.mpf:
    """Default relative tolerance ``10**-(dps - 10)``."""
    return mpmath.mpf(10) ** (-(dps - 10))


def _geq(a: mpmath.mpf, b: mpmath.mpf, tol: mpmath.mpf) -> bool:
    """``a >= b`` up to a relative tolerance."""
    return a >= b - tol * max(abs(a), abs(b))


def _close(a: mpmath.mpf, b: mpmath.mpf, tol: mpmath.mpf) -> bool:
    """``a == b`` up to a relative tolerance (absolute ``tol`` near zero)."""
    return abs(a - b) <= tol * max(abs(a), abs(b), 1)


def number_text(x: object, dps: int) -> str:
    if x is None:
        return ""
    if isinstance(x, Fraction):
        x = mpmath.mpf(x.numerator) / x.denominator
    return mpmath.nstr(x, dps)


def _bound(result_id: str, setting: Setting, dps: int) -> mpmath.mpf:
    return bounds.evaluate(result_id, setting.as_dict(), dps=dps)


def _judge(
    upper: mpmath.mpf, lower: mpmath.mpf | None, measurement: object, tol: mpmath.mpf
) -> tuple[bool, str]:
    """Decide one construction check; returns (passed, reason when failed).

    ``lower is None``: no registered lower bound applies; only the upper bound and the
    closed form are checked.
    """
    empirical = measurement.empirical
    closed = measurement.closed_form
    if measurement.exact:
        problems = []
        if not _geq(upper, empirical, tol):
            problems.append("upper < empirical")
        if lower is not None and not _geq(empirical, lower, tol):
            problems.append("empirical < lower")
        if not _close(empirical, closed, tol):
            problems.append("empirical != closed form")
        return (not problems, "; ".join(problems))
    low, high = measurement.interval
    problems = []
    if not low <= closed <= high:
        problems.append("closed form outside the Monte Carlo interval")
    if upper < low:
        problems.append("upper < Monte Carlo interval")
    if lower is not None and lower > high:
        problems.append("lower > Monte Carlo interval")
    return (not problems, "; ".join(problems))


def run_case(case: Case, dps: int = 50, tolerance: mpmath.mpf | None = None) -> Record:
    """Build, simulate and check one case (module-level so process pools can pickle it).

    A case whose construction raises is recorded as ``ERROR`` (a failure) with the
    exception's one-line message, so one broken case cannot hide the others.
    """
    try:
        return _run_case(case, dps, tolerance)
    except Exception as error:  # noqa: BLE001 - reported as a failed record
        return _error_record(case, f"{type(error).__name__}: {error}")


def _error_record(case: Case, message: str) -> Record:
    s = case.setting
    return Record(
        check="bounds",
        theorem="",
        construction=case.construction,
        threat="",
        algorithm="",
        convexity="",
        n=s.n,
        f=s.f,
        m=s.m,
        T=s.T,
        gamma=str(s.step_size),
        L=str(s.lipschitz),
        beta=str(s.smoothness),
        mu=str(s.strong_convexity),
        upper="",
        empirical="",
        lower="",
        closed_form="",
        exact=False,
        status="ERROR",
        detail=message,
    )


def _max_states(setting: Setting, algorithm: str) -> int:
    """Exact SGD enumeration budget: none where Monte Carlo is planned anyway.

    For ``T >= SGD_EXACT_MAX_T`` with ``m > 1`` the merged state count exceeds
    ``SGD_MAX_STATES`` long before the last step, so counting them first only costs time.
    """
    if algorithm == "sgd" and setting.T >= SGD_EXACT_MAX_T and setting.m > 1:
        return 1
    return SGD_MAX_STATES


def _run_case(case: Case, dps: int, tolerance: mpmath.mpf | None) -> Record:
    from constructions import CONSTRUCTIONS
    from constructions.measure import measure

    construction = CONSTRUCTIONS[case.construction]
    with mpmath.workdps(dps):
        tol = tolerance_for(dps) if tolerance is None else mpmath.mpf(tolerance)
        instance = construction.build(case.setting)
        s = instance.setting
        lower_id = construction.lower_for(case.setting)
        upper = _bound(construction.upper_id, s, dps)
        lower = None if lower_id is None else _bound(lower_id, s, dps)
        measurement = measure(
            instance,
            dps=dps,
            max_states=_max_states(case.setting, construction.algorithm),
            monte_carlo_samples=SGD_MONTE_CARLO_SAMPLES,
            seed=0,
        )
        passed, why = _judge(upper, lower, measurement, tol)
        empirical = measurement.empirical
        return Record(
            check="bounds",
            theorem=f"{construction.upper_id} >= {construction.name} >= {lower_id or '(none)'}",
            construction=construction.name,
            threat=construction.threat,
            algorithm=construction.algorithm,
            convexity=construction.convexity,
            n=s.n,
            f=s.f,
            m=s.m,
            T=s.T,
            gamma=str(s.step_size),
            L=str(s.lipschitz),
            beta=str(s.smoothness),
            mu=str(s.strong_convexity),
            upper=number_text(upper, dps),
            empirical=number_text(empirical, dps),
            lower=number_text(lower, dps),
            closed_form=number_text(measurement.closed_form, dps),
            exact=bool(measurement.exact),
            status="PASS" if passed else "FAIL",
            detail=why,
            final=number_text(measurement.final, dps),
            final_neighbour=number_text(measurement.final_neighbour, dps),
            gap=number_text(measurement.gap, dps),
            upper_slack=number_text((upper - empirical) / upper if upper else None, 6),
            lower_slack=number_text(
                (empirical - lower) / empirical if empirical and lower else None, 6
            ),
            extras={k: str(v) for k, v in dict(instance.extras).items()},
        )


def run_cases(
    cases: Sequence[Case],
    *,
    dps: int = 50,
    workers: int = 1,
    scheduler: str | None = None,
    pool: Executor | None = None,
    progress: Callable[[Iterable[Record], int], Iterable[Record]] | None = None,
) -> list[Record]:
    """Run ``cases`` serially, on a local process pool, or on a Dask cluster.

    Records come back in the order of ``cases`` whatever the executor.
    """
    from boundkit.parallel import map_ordered

    groups = [
        tuple(group)
        for _, group in itertools.groupby(
            cases, key=lambda c: (c.setting.n, c.setting.f, c.setting.m)
        )
    ]
    batches = map_ordered(
        _run_group, groups, dps=dps, workers=workers, scheduler=scheduler, pool=pool
    )
    results: Iterable[Record] = (record for batch in batches for record in batch)
    if progress is not None:
        results = progress(results, len(cases))
    return list(results)


def _run_group(cases: Sequence[Case], dps: int) -> list[Record]:
    """The cases sharing one ``(n, f, m)``, in one worker: what they share (exact
    suprema and attacks, cached per ``(n, f, m)``) is computed once."""
    return [run_case(case, dps=dps) for case in cases]
