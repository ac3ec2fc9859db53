"""``python -m boundkit verify``: upper >= empirical >= lower, over a grid.

For every registered construction (:mod:`constructions`) and every grid point where it is
defined, the verifier

1. builds the construction exactly and simulates it (:func:`constructions.measure.measure`),
2. evaluates the registered upper and lower bounds at the constants the construction
   really has (:func:`boundkit.bounds.theorems.evaluate`),
3. checks ``upper >= empirical >= lower`` and ``empirical == closed form`` with the relative
   tolerance ``10**-(dps - 10)`` (Monte Carlo values: the closed form must lie in the
   confidence interval and the bounds must not be contradicted by it),

and, as a check of its own, the paper's central claim (Theorem 3.2 vs eq. 5): for
``f >= n/3`` the Byzantine construction's instability exceeds the poisoning upper bound
at the same parameters, by a ratio that grows as ``f -> n/2``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import mpmath

from boundkit.bounds import theorems
from boundkit.config import Setting


@dataclass(frozen=True)
class Grid:
    """A parameter grid: every ``n`` with every valid ``f >= 1``, every ``m`` and ``T``."""

    ns: tuple[int, ...]
    ms: tuple[int, ...] = (1, 2, 5)
    Ts: tuple[int, ...] = (1, 10, 100)
    step_size: Fraction = Fraction(1, 10)
    lipschitz: Fraction = Fraction(1)
    smoothness: Fraction = Fraction(1)
    strong_convexity: Fraction = Fraction(1, 2)
    f_values: tuple[int, ...] | None = None  # None: every f in 1..floor((n-1)/2)
    #: SGD constructions (exact expectation by enumeration, Monte Carlo beyond
    #: ``SGD_MAX_STATES`` states) run at these n only ...
    sgd_ns: tuple[int, ...] = (3, 4, 5, 6, 7, 10, 11, 20, 21)
    #: ... and, where Monte Carlo is needed (T >= SGD_EXACT_MAX_T), at these n with the
    #: extreme f = 1 and f = floor((n-1)/2) only: about 7 s a case at 150 samples.
    sgd_monte_carlo_ns: tuple[int, ...] = (5, 11)

    def settings(self) -> Iterator[Setting]:
        """Grid points, ``T`` varying fastest: the points sharing ``(n, f, m)`` (and the
        exact suprema and attacks cached for them) are neighbours, so a worker's chunk
        of cases reuses its cache."""
        for n, m in itertools.product(self.ns, self.ms):
            fs = self.f_values or tuple(range(1, (n - 1) // 2 + 1))
            for f, T in itertools.product(fs, self.Ts):
                if 2 * f < n:
                    yield Setting(
                        n=n,
                        f=f,
                        m=m,
                        T=T,
                        step_size=self.step_size,
                        lipschitz=self.lipschitz,
                        smoothness=self.smoothness,
                        strong_convexity=self.strong_convexity,
                    )

    def describe(self) -> str:
        fs = "all 1..floor((n-1)/2)" if self.f_values is None else str(list(self.f_values))
        return (
            f"n in {list(self.ns)}, f in {fs}, m in {list(self.ms)}, T in {list(self.Ts)}, "
            f"step_size={self.step_size}, lipschitz={self.lipschitz}, "
            f"smoothness={self.smoothness}, strong_convexity={self.strong_convexity}; "
            f"SGD at n in {list(self.sgd_ns)}, and for T >= {SGD_EXACT_MAX_T} (Monte Carlo, "
            f"{SGD_MONTE_CARLO_SAMPLES} coupled pairs) at n in {list(self.sgd_monte_carlo_ns)}"
            " with f in {1, floor((n-1)/2)}"
        )

    def includes_sgd(self, setting: Setting) -> bool:
        """Whether an SGD construction runs at ``setting`` (see ``sgd_ns``)."""
        if setting.T < SGD_EXACT_MAX_T or setting.m == 1:
            return setting.n in self.sgd_ns
        extreme = setting.f in (1, (setting.n - 1) // 2)
        return setting.n in self.sgd_monte_carlo_ns and extreme


#: SGD expectations are exact by enumeration up to this many reachable states
SGD_MAX_STATES = 2000
#: the P3 state count grows like T^2/2: from this T on the expectation is Monte Carlo
SGD_EXACT_MAX_T = 63
SGD_MONTE_CARLO_SAMPLES = 150

DEFAULT_GRID = Grid(ns=(3, 4, 5, 6, 7, 10, 11, 20, 21, 51, 101))
QUICK_GRID = Grid(ns=(5, 6, 11), ms=(1, 2), Ts=(1, 10))


@dataclass(frozen=True)
class Case:
    """One construction at one grid point."""

    construction: str
    setting: Setting


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


def _num(x: object, dps: int) -> str:
    if x is None:
        return ""
    if isinstance(x, Fraction):
        x = mpmath.mpf(x.numerator) / x.denominator
    return mpmath.nstr(x, dps)


def _bound(result_id: str, setting: Setting, dps: int) -> mpmath.mpf:
    return theorems.evaluate(result_id, setting.as_dict(), dps=dps)


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
            upper=_num(upper, dps),
            empirical=_num(empirical, dps),
            lower=_num(lower, dps),
            closed_form=_num(measurement.closed_form, dps),
            exact=bool(measurement.exact),
            status="PASS" if passed else "FAIL",
            detail=why,
            final=_num(measurement.final, dps),
            final_neighbour=_num(measurement.final_neighbour, dps),
            gap=_num(measurement.gap, dps),
            upper_slack=_num((upper - empirical) / upper if upper else None, 6),
            lower_slack=_num((empirical - lower) / empirical if empirical and lower else None, 6),
            extras={k: str(v) for k, v in dict(instance.extras).items()},
        )


def plan(grid: Grid, names: Sequence[str] | None = None) -> list[Case]:
    """Every (construction, setting) pair of the grid where the construction is defined."""
    from constructions import CONSTRUCTIONS

    chosen = names or tuple(CONSTRUCTIONS)
    cases = []
    for setting in grid.settings():
        for name in chosen:
            construction = CONSTRUCTIONS[name]
            if construction.algorithm == "sgd" and not grid.includes_sgd(setting):
                continue
            if construction.applies(setting) is None:
                cases.append(Case(name, setting))
    return cases


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


# --------------------------------------------------------------------------- bound sweep
@dataclass(frozen=True)
class SweepResult:
    """Every registered stability bound evaluated on a grid (finite and positive)."""

    evaluated: int
    skipped: int
    problems: tuple[str, ...]


def _sweep_results() -> tuple[theorems.Result, ...]:
    return tuple(r for r in theorems.REGISTRY if r.quantity in ("uniform stability", "kappa"))


_UPPER_PAIRS = (
    ("thm3.1/convex", "thm3.3/convex"),
    ("thm3.1/strongly-convex", "thm3.3/strongly-convex"),
)


def bound_sweep(
    grid: Grid,
    dps: int = 30,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    pool: Executor | None = None,
) -> SweepResult:
    """Evaluate every stability bound where its hypotheses hold; flag non-finite or <= 0.

    Also checks, point by point, that the Byzantine upper bound with ``kappa_SMEA`` is
    never below the poisoning upper bound (Theorem 3.1 vs 3.3).  Grid points are
    independent: ``workers`` / ``scheduler`` spread them like :func:`run_cases`.
    """
    from boundkit.parallel import map_ordered

    parts = list(
        map_ordered(
            _sweep_setting,
            list(grid.settings()),
            dps=dps,
            workers=workers,
            scheduler=scheduler,
            pool=pool,
        )
    )
    return SweepResult(
        sum(p.evaluated for p in parts),
        sum(p.skipped for p in parts),
        tuple(line for p in parts for line in p.problems),
    )


def _sweep_setting(setting: Setting, dps: int) -> SweepResult:
    """:func:`bound_sweep` at one grid point."""
    evaluated = skipped = 0
    problems: list[str] = []
    params = setting.as_dict()
    values: dict[str, mpmath.mpf] = {}
    for result in _sweep_results():
        if theorems.violated_hypotheses(result, params):
            skipped += 1
            continue
        value = theorems.evaluate(result, params, dps=dps)
        values[result.id] = value
        evaluated += 1
        if not (mpmath.isfinite(value) and value > 0):
            problems.append(f"{result.id} at {params}: {value}")
    for byzantine, poisoning in _UPPER_PAIRS:
        both = byzantine in values and poisoning in values
        if both and values[byzantine] < values[poisoning]:
            problems.append(f"{byzantine} < {poisoning} at {params}")
    return SweepResult(evaluated, skipped, tuple(problems))


# --------------------------------------------------------------------------- central claim
def central_claim(records: Sequence[Record], dps: int = 50) -> list[Record]:
    """Theorem 3.2 vs eq. (5): Byzantine instability above the poisoning upper bound.

    For each (B1) record (``f >= n/3``) compare its empirical instability with the
    poisoning upper bound ``thm3.3/convex`` at the same ``(n, f, m, T, gamma, L)``; then, for
    each ``(n, m, T)``, check that the ratio grows with ``f``.
    """
    out: list[Record] = []
    series: dict[tuple[int, int, int, int], list[tuple[int, mpmath.mpf]]] = {}
    with mpmath.workdps(dps):
        for r in records:
            if r.construction != "B1" or r.check != "bounds" or r.status == "ERROR":
                continue
            params = dict(
                n=r.n,
                f=r.f,
                m=r.m,
                T=r.T,
                step_size=Fraction(r.gamma),
                lipschitz=Fraction(r.L),
                smoothness=Fraction(r.beta),
            )
            poison_upper = theorems.evaluate("thm3.3/convex", params, dps=dps)
            ratio = mpmath.mpf(r.empirical) / poison_upper
            series.setdefault((r.n, r.m, r.T, (r.n - r.f) % 2), []).append((r.f, ratio))
            detail = f"ratio {mpmath.nstr(ratio, 8)}"
            out.append(
                _claim_record(
                    r, "byzantine > poisoning upper", poison_upper, ratio > 1, detail, dps
                )
            )
        for key, points in series.items():
            if len(points) > 1:
                out.append(_growth_record(key, sorted(points)))
    return out


def _growth_record(key: tuple[int, int, int, int], points: list[tuple[int, mpmath.mpf]]) -> Record:
    """The ratio grows with ``f`` along one parity class of ``n - f``.

    Even and odd ``n - f`` use different honest layouts (equal or unequal halves), so
    the two classes are separate sequences as ``f -> n/2``.
    """
    n, m, T, parity = key
    ratios = [p[1] for p in points]
    grows = all(b > a for a, b in zip(ratios, ratios[1:], strict=False))
    detail = "ratios " + ", ".join(f"f={f}:{mpmath.nstr(q, 5)}" for f, q in points)
    return Record(
        check="central-claim-growth",
        theorem=f"thm3.2 vs thm3.3 (ratio grows in f, n - f {'odd' if parity else 'even'})",
        construction="B1 / eq.5",
        threat="both",
        algorithm="gd",
        convexity="convex",
        n=n,
        f=points[-1][0],
        m=m,
        T=T,
        gamma="",
        L="",
        beta="",
        mu="",
        upper="",
        empirical=mpmath.nstr(ratios[-1], 12),
        lower="",
        closed_form="",
        exact=True,
        status="PASS" if grows else "FAIL",
        detail=detail,
    )


def _claim_record(
    r: Record, what: str, poison_upper: mpmath.mpf, ok: bool, detail: str, dps: int
) -> Record:
    return Record(
        check="central-claim",
        theorem=f"thm3.2 {what}",
        construction="B1 / eq.5",
        threat="both",
        algorithm=r.algorithm,
        convexity=r.convexity,
        n=r.n,
        f=r.f,
        m=r.m,
        T=r.T,
        gamma=r.gamma,
        L=r.L,
        beta=r.beta,
        mu=r.mu,
        upper=_num(poison_upper, dps),
        empirical=r.empirical,
        lower="",
        closed_form=r.closed_form,
        exact=r.exact,
        status="PASS" if ok else "FAIL",
        detail=detail,
    )
