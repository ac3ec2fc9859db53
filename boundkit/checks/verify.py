"""``python -m boundkit verify``: upper >= empirical >= lower, one case at a time.

For every registered construction (:mod:`constructions`) and every grid point where it is
defined (:func:`boundkit.checks.grid.plan`), the verifier

1. builds the construction and simulates it in exact rationals
   (:func:`constructions.measure.measure`),
2. evaluates the registered upper and lower bounds exactly at the constants the
   construction really has (:func:`boundkit.checks.exact_bounds.exact_bound`: SymPy
   numbers),
3. decides every comparison with :func:`boundkit.checks.decide.compare` (exact rationals,
   algebraic numbers, or python-flint balls refined until they separate; never a
   tolerance): ``upper >= empirical``, ``empirical == closed form`` and ``empirical >=
   lower``.  A construction that approaches a supremum it does not attain (the Byzantine
   pushes, :attr:`constructions.base.Instance.supremum`) is checked as ``supremum >=
   lower`` and ``upper >= supremum`` exactly, plus the simulation at its rational point
   ``== closed form`` there, ``< supremum`` and within a relative ``10^-40`` of it.  A
   Monte Carlo record (SGD beyond the exact state budget) is checked statistically:
   closed form inside a rigorous confidence interval (Hoeffding / empirical Bernstein,
   :mod:`boundkit.dynamics.monte_carlo`), the bounds not contradicted by it, and the
   closed form between the bounds exactly; the family of statistical records has
   confidence at least ``1 - FAMILY_FAILURE_PROBABILITY`` (Bonferroni over every SGD
   case of the run),

and records each check as a :class:`Record` naming its decision methods.  A comparison
that cannot be settled makes the record ``UNDECIDED`` (a failure of the run, reported as
such).  ``dps`` is the display precision and the starting ball precision only: it never
changes a verdict.  The bound sweep is in :mod:`boundkit.checks.bound_sweep`, the paper's
central claim in :mod:`boundkit.checks.central_claim`.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds import registry
from boundkit.checks.decide import MAX_BITS, METHODS, Decision, Undecided, ball_of, compare
from boundkit.checks.exact_bounds import exact_bound
from boundkit.checks.grid import SGD_EXACT_MAX_T, SGD_MAX_STATES, Case
from boundkit.config import Setting
from boundkit.json_document import rational_text

#: family-wise failure probability of all statistical (Monte Carlo) records of a run
FAMILY_FAILURE_PROBABILITY = Fraction(1, 10**6)


@dataclass(frozen=True)
class Record:
    """One check, as text (the typed JSON record of ``verify --json`` and ``simulate --json``
    is :func:`boundkit.outputs.verify_json.record_json` of it).

    ``status`` is ``PASS``, ``FAIL``, ``UNDECIDED`` or ``ERROR``; ``method`` names how the
    verdict was decided (``exact``, ``algebraic``, ``ball``, ``statistical``, joined by
    ``+``), ``decisions`` every comparison with its outcome and method, ``confidence``
    the failure probability of a statistical record's interval; ``supremum`` the
    supremum a construction approaches (when it does not attain its value).
    ``empirical_exact`` is the exact value reached (``p/q``, or ``sympy.srepr`` of an
    algebraic number; empty for Monte Carlo), read back by
    :func:`boundkit.checks.exact_text.parse_exact`.  ``kappa`` is the robustness
    coefficient given (empty: the registry's default, kappa_SMEA); ``extras`` holds
    JSON-ready values (:func:`extras_values`).
    """

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
    method: str = ""
    decisions: dict = field(default_factory=dict)
    confidence: str = ""
    supremum: str = ""
    empirical_exact: str = ""
    kappa: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def start_bits(dps: int) -> int:
    """The first ball precision tried: ``dps`` decimal digits, in bits."""
    return max(64, math.ceil(dps * math.log2(10)) + 8)


def decision_policy(dps: int) -> str:
    """One line saying how verdicts are decided (printed by ``verify``)."""
    return (
        f"decisions: exact rationals, algebraic numbers (SymPy) or arb balls from "
        f"{start_bits(dps)} bits refined up to {MAX_BITS} (unseparated: UNDECIDED); no "
        f"tolerance; --dps {dps} sets the display precision only; statistical records: "
        f"family-wise confidence >= 1 - {FAMILY_FAILURE_PROBABILITY} (Bonferroni)"
    )


def number_text(x: object, dps: int) -> str:
    """``x`` (SymPy number, Fraction, mpf) with ``dps`` significant digits (display only:
    irrational SymPy numbers through an ``arb`` ball, much faster than ``sp.N``)."""
    if x is None:
        return ""
    if isinstance(x, tuple | list):  # a point of dimension > 1
        return "(" + ", ".join(number_text(c, dps) for c in x) + ")"
    if isinstance(x, int | Fraction):
        x = sp.Rational(x.numerator, x.denominator)
    if isinstance(x, sp.Basic):
        if x.is_Rational:
            with mpmath.workdps(dps):
                return mpmath.nstr(mpmath.mpf(int(x.p)) / int(x.q), dps)
        try:
            return ball_of(x, start_bits(dps) + 32).str(dps, radius=False)
        except Undecided:
            return str(sp.N(x, dps))
    return mpmath.nstr(x, dps)


def extras_values(extras: dict) -> dict[str, object]:
    """A construction's extras as JSON-ready values: text, integers and booleans as they
    are, exact rationals as ``"p/q"``, irrational numbers as their ``sympy.srepr``,
    tuples as arrays.  Symbolic formulas and internal objects (the attack) are left out:
    they are in the construction's docs and cost more to print than the whole check."""
    out = {}
    for key, value in extras.items():
        converted = _extra_value(value)
        if converted is not _OMITTED:
            out[key] = converted
    return out


_OMITTED = object()


def _extra_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Fraction):
        return rational_text(value)
    if isinstance(value, sp.Basic):
        if not value.is_number:
            return _OMITTED  # a formula in the symbols
        return rational_text(value) if value.is_Rational else sp.srepr(value)
    if isinstance(value, tuple | list):
        items = [_extra_value(item) for item in value]
        return _OMITTED if _OMITTED in items else items
    if dataclasses.is_dataclass(value):
        return _OMITTED
    raise TypeError(f"extras: no JSON form for {type(value).__name__}")


def exact_text(x: sp.Expr | None) -> str:
    """An exact number as text: ``p/q`` for a rational, else its ``sympy.srepr``."""
    if x is None:
        return ""
    return f"{x.p}/{x.q}" if x.is_Rational else sp.srepr(x)


def _exact_bound(result_id: str, setting: Setting) -> sp.Expr:
    return exact_bound(result_id, setting.as_dict())


#: a simulated point below a supremum must lie within this relative distance of it (the
#: constructions push a fixed relative 10^-45 inside their selection intervals): together
#: with ``empirical == closed form`` this shows the supremum is approached, not just bounded
APPROACH = sp.Rational(1, 10**40)

#: the failure message of each comparison (a record's ``detail``)
FAILURES = {
    "supremum approached": "empirical below (1 - 10^-40) supremum",
    "upper >= empirical": "upper < empirical",
    "empirical >= lower": "empirical < lower",
    "empirical == closed form": "empirical != closed form",
    "upper >= supremum": "upper < supremum",
    "supremum >= lower": "supremum < lower",
    "empirical < supremum": "empirical >= supremum",
    "closed form >= interval low": "closed form outside the Monte Carlo interval",
    "closed form <= interval high": "closed form outside the Monte Carlo interval",
    "upper >= interval low": "upper < Monte Carlo interval",
    "lower <= interval high": "lower > Monte Carlo interval",
    "upper >= closed form": "upper < closed form",
    "closed form >= lower": "closed form < lower",
    "sharp upper >= reached": "above SMEA's sharper bound byzantine/smea-sharp (a bug in its "
    "derivation or in the code)",
    "1-d upper >= reached": "above SMEA's 1-D bound byzantine/smea-1d (a bug in its "
    "derivation or in the code)",
}

#: SMEA's sharper Byzantine upper bounds, by convexity: every Byzantine
#: construction is checked against each one that admits its dimension, exactly (no
#: tolerance: B4 comes within 6e-4 of the sharp bound at (31, 10, 1))
SHARP_UPPER = {
    convexity: (
        ("sharp upper >= reached", f"byzantine/smea-sharp/{convexity}"),
        ("1-d upper >= reached", f"byzantine/smea-1d/{convexity}"),
    )
    for convexity in ("convex", "strongly-convex")
}


def judge_sharp(
    instance: object, convexity: str, measurement: object, bits: int = 128
) -> dict[str, Decision]:
    """The sharper bounds against the value reached: the supremum when the construction
    approaches one, else the exact simulation (the closed form for a Monte Carlo record)."""
    if instance.supremum is not None:
        reached = instance.supremum
    elif measurement.exact:
        reached = measurement.empirical_exact
    else:
        reached = measurement.closed_form_exact
    dimension = instance.problem.loss.dimension
    return {
        name: compare(_exact_bound(rid, instance.setting), ">=", reached, start_bits=bits)
        for name, rid in SHARP_UPPER[convexity]
        if registry.admits_dimension(registry.get(rid), dimension)
    }


def judge(
    upper: sp.Expr,
    lower: sp.Expr | None,
    measurement: object,
    supremum: sp.Expr | None = None,
    bits: int = 128,
) -> dict[str, Decision]:
    """Every comparison of one construction check, decided (module docstring).

    ``lower is None``: no registered lower bound applies; ``supremum``: the exact
    supremum the construction approaches (its simulated point must lie below it).
    """
    if not measurement.exact:
        return _judge_statistical(upper, lower, measurement, bits)
    empirical = measurement.empirical_exact
    checks = {
        "upper >= empirical": (upper, ">=", empirical),
        "empirical == closed form": (empirical, "==", measurement.closed_form_exact),
    }
    if supremum is None:
        if lower is not None:
            checks["empirical >= lower"] = (empirical, ">=", lower)
    else:
        checks["upper >= supremum"] = (upper, ">=", supremum)
        checks["empirical < supremum"] = (empirical, "<", supremum)
        checks["supremum approached"] = (empirical, ">", supremum * (1 - APPROACH))
        if lower is not None:
            checks["supremum >= lower"] = (supremum, ">=", lower)
    return {name: compare(*args, start_bits=bits) for name, args in checks.items()}


def _judge_statistical(
    upper: sp.Expr, lower: sp.Expr | None, measurement: object, bits: int
) -> dict[str, Decision]:
    """A Monte Carlo record: the interval holds ``E`` with probability ``>= 1 - delta``."""
    interval, closed = measurement.interval, measurement.closed_form_exact
    statistical = {
        "closed form >= interval low": (closed, ">=", interval.low),
        "closed form <= interval high": (closed, "<=", interval.high),
        "upper >= interval low": (upper, ">=", interval.low),
    }
    exact = {"upper >= closed form": (upper, ">=", closed)}
    if lower is not None:
        statistical["lower <= interval high"] = (lower, "<=", interval.high)
        exact["closed form >= lower"] = (closed, ">=", lower)
    out = {}
    for name, args in statistical.items():
        d = compare(*args, start_bits=bits)
        out[name] = Decision(d.holds, "statistical" if d.decided else d.method, d.bits, d.detail)
    out.update({name: compare(*args, start_bits=bits) for name, args in exact.items()})
    return out


def verdict(decisions: dict[str, Decision]) -> tuple[str, str, str]:
    """``(status, detail, method)`` of a record from its decisions."""
    failed = [FAILURES.get(name, name) for name, d in decisions.items() if d.holds is False]
    undecided = [f"undecided: {name}" for name, d in decisions.items() if d.holds is None]
    status = "FAIL" if failed else "UNDECIDED" if undecided else "PASS"
    detail = "; ".join(dict.fromkeys(failed + undecided))
    used = {d.method for d in decisions.values()}
    method = "+".join(m for m in (*METHODS, "undecided") if m in used)
    return status, detail, method


def _decision_text(d: Decision) -> str:
    outcome = {True: "holds", False: "fails", None: "undecided"}[d.holds]
    where = f", {d.bits} bits" if d.method in ("ball", "statistical") and d.bits else ""
    return f"{outcome} ({d.method}{where})"


def run_case(
    case: Case, dps: int = 50, failure_probability: Fraction = FAMILY_FAILURE_PROBABILITY
) -> Record:
    """Build, simulate and check one case (module-level so process pools can pickle it).

    ``failure_probability`` is the one allowed to this case's confidence interval if it
    needs Monte Carlo.  A case whose construction raises is recorded as ``ERROR`` (a
    failure) with the exception's one-line message, so one broken case cannot hide the
    others.
    """
    try:
        return _run_case(case, dps, failure_probability)
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
        kappa="" if s.kappa is None else str(s.kappa),
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


def _slack(top: sp.Expr | None, bottom: sp.Expr | None, scale: sp.Expr | None) -> str:
    """``(top - bottom)/scale`` with 6 digits (display only)."""
    if top is None or bottom is None or scale is None or scale == 0:
        return ""
    return number_text((top - bottom) / scale, 6)


def _run_case(case: Case, dps: int, failure_probability: Fraction) -> Record:
    from constructions import CONSTRUCTIONS
    from constructions.measure import measure

    construction = CONSTRUCTIONS[case.construction]
    with mpmath.workdps(dps):
        instance = construction.build(case.setting)
        s = instance.setting
        lower_id = construction.lower_for(case.setting)
        upper = _exact_bound(construction.upper_id, s)
        lower = None if lower_id is None else _exact_bound(lower_id, s)
        measurement = measure(
            instance,
            dps=dps,
            max_states=_max_states(case.setting, construction.algorithm),
            seed=0,
            failure_probability=failure_probability,
        )
        decisions = judge(upper, lower, measurement, instance.supremum, start_bits(dps))
        if construction.threat == "byzantine":
            decisions |= judge_sharp(instance, construction.convexity, measurement, start_bits(dps))
        status, why, method = verdict(decisions)
        empirical = (
            measurement.empirical_exact
            if measurement.exact
            else sp.Rational(measurement.interval.mean)
        )
        checked = empirical if instance.supremum is None else instance.supremum
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
            closed_form=number_text(measurement.closed_form_exact, dps),
            exact=bool(measurement.exact),
            status=status,
            detail=why,
            final=number_text(measurement.final, dps),
            final_neighbour=number_text(measurement.final_neighbour, dps),
            gap=number_text(measurement.gap, dps),
            upper_slack=_slack(upper, checked, upper),
            lower_slack=_slack(checked, lower, checked),
            extras=extras_values(dict(instance.extras)),
            method=method,
            decisions={name: _decision_text(d) for name, d in decisions.items()},
            confidence=""
            if measurement.exact
            else f"1 - {measurement.interval.failure_probability}",
            supremum=number_text(instance.supremum, dps),
            empirical_exact=exact_text(measurement.empirical_exact),
            kappa="" if s.kappa is None else str(s.kappa),
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

    Records come back in the order of ``cases`` whatever the executor.  Each SGD case
    (each may need Monte Carlo) gets the failure probability
    ``FAMILY_FAILURE_PROBABILITY / (number of SGD cases)``: Bonferroni, so all the
    statistical records of the run hold together with probability ``>= 1 -
    FAMILY_FAILURE_PROBABILITY``.
    """
    from boundkit.parallel import map_ordered

    sgd_cases = sum(_is_sgd(case) for case in cases)
    delta = FAMILY_FAILURE_PROBABILITY / max(sgd_cases, 1)
    groups = [
        tuple(group)
        for _, group in itertools.groupby(
            cases, key=lambda c: (c.setting.n, c.setting.f, c.setting.m)
        )
    ]
    batches = map_ordered(
        _run_group,
        groups,
        dps=dps,
        failure_probability=delta,
        workers=workers,
        scheduler=scheduler,
        pool=pool,
    )
    results: Iterable[Record] = (record for batch in batches for record in batch)
    if progress is not None:
        results = progress(results, len(cases))
    return list(results)


def _is_sgd(case: Case) -> bool:
    from constructions import CONSTRUCTIONS

    return CONSTRUCTIONS[case.construction].algorithm == "sgd"


def _run_group(cases: Sequence[Case], dps: int, failure_probability: Fraction) -> list[Record]:
    """The cases sharing one ``(n, f, m)``, in one worker: what they share (exact
    suprema and attacks, cached per ``(n, f, m)``) is computed once."""
    return [run_case(case, dps, failure_probability) for case in cases]
