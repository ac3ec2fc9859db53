"""Measure a built construction: the uniform stability it reaches, beside its closed form.

Shared by every construction of :mod:`constructions` (poisoning and Byzantine), like
PEPit's examples return the computed worst case beside the theoretical value.

* **GD** (deterministic): one :func:`boundkit.dynamics.coupled_runs.run_pair` at ``dps``
  digits, and ``empirical = sup_z |l(theta_T; z) - l(theta'_T; z)|``
  (:func:`boundkit.dynamics.stability.uniform_stability`, Def. 2.4 for one pair of outputs).
* **SGD**: the expectation over the coupled draws (THEORY.md section 1, Def. 2.4).  When
  the loss has a *linear witness* (below) the per-state stability is exactly
  ``L |theta_T - theta'_T|``, so ``E[stability] = L E|gap|`` and the simulator's exact
  dynamic programme :func:`boundkit.dynamics.sgd_expectation.expected_gap_exact` (states
  merged) gives it exactly; otherwise every draw path is enumerated with :func:`run_pair` and the
  per-path stability averaged with exact path probabilities.  When the state space is
  too large, a Monte Carlo estimate with its confidence interval is returned instead
  (``exact=False``).

Linear witness.  For an ``L``-Lipschitz loss (``L = loss.lipschitz`` on its domain)
``|l(theta; z) - l(theta'; z)| <= L |theta - theta'|`` for every ``z`` (mean value
theorem), so ``sup_z <= L |gap|``.  If the data domain also holds a sample ``z*`` with
``l(theta; z*) = +-L theta`` (``LinearLoss`` in dimension 1: ``z* = L``;
``LinearQuadraticLoss`` whose ``lipschitz == bound``: ``z* = (bound, 0)``), then the
same ``z*`` reaches ``L |gap|`` in *every* state, hence
``sup_z E|.| = E sup_z |.| = L E|gap|``: both readings of Def. 2.4 agree.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from boundkit.bounds import evaluate, get, violated_hypotheses
from boundkit.bounds.symbols import BY_NAME
from boundkit.config import Setting
from boundkit.dynamics.arithmetic import to_mpf
from boundkit.dynamics.coupled_runs import draw_layout, run_pair
from boundkit.dynamics.losses import LinearLoss, LinearQuadraticLoss, Loss
from boundkit.dynamics.monte_carlo import expected_gap_monte_carlo
from boundkit.dynamics.problem import Problem
from boundkit.dynamics.sgd_expectation import expected_gap_exact
from boundkit.dynamics.stability import uniform_stability
from boundkit.errors import HypothesisViolation, ParameterError
from constructions.base import Instance


@dataclass(frozen=True)
class Measurement:
    """What :func:`measure` found.

    ``empirical`` is the uniform stability reached, ``sup_z |l(theta_T; z) -
    l(theta'_T; z)|`` (its expectation over the draws for SGD); ``closed_form`` the
    instance's closed form at ``dps`` digits; ``exact`` is ``False`` only for a Monte
    Carlo estimate, whose confidence interval is ``interval``.  ``final`` and
    ``final_neighbour`` are ``theta_T`` and ``theta'_T`` (``None`` for an SGD expectation);
    ``gap`` is ``|theta_T - theta'_T|`` (``E|gap|`` for SGD).
    """

    empirical: mpmath.mpf
    closed_form: mpmath.mpf
    exact: bool
    interval: tuple[mpmath.mpf, mpmath.mpf] | None
    final: object
    final_neighbour: object
    gap: mpmath.mpf
    method: str = ""


# --------------------------------------------------------------------------- helpers
def exact_number(value: object) -> sp.Rational:
    """An exact SymPy rational (floats at their exact binary value)."""
    if isinstance(value, bool):
        raise ParameterError("number", "a real number", value)
    if isinstance(value, mpmath.mpf):
        return sp.Rational(*value.as_integer_ratio())
    if isinstance(value, sp.Rational):
        return value
    if isinstance(value, sp.Basic):
        return sp.Rational(sp.nsimplify(value, rational=True))
    q = Fraction(value)  # type: ignore[arg-type]
    return sp.Rational(q.numerator, q.denominator)


def setting_subs(setting: Setting, *names: str) -> dict[sp.Symbol, sp.Rational]:
    """``{symbol: exact value}`` for the named :class:`Setting` fields (all when empty)."""
    chosen = names or tuple(k for k, v in setting.as_dict().items() if v is not None)
    return {BY_NAME[k]: exact_number(getattr(setting, k)) for k in chosen}


def hypotheses_reason(setting: Setting, *result_ids: str) -> str | None:
    """``None`` when every hypothesis of the registered results holds at ``setting``,
    otherwise one line naming the first result and what it breaks."""
    params = setting.as_dict()
    for result_id in result_ids:
        broken = violated_hypotheses(get(result_id), params)
        if broken:
            return f"{result_id} needs " + "; ".join(broken)
    return None


def to_mp(value: object) -> mpmath.mpf:
    """An ``mpf`` at the current precision (SymPy numbers via ``sp.N``)."""
    if isinstance(value, sp.Basic):
        return +mpmath.mpf(sp.N(value, mpmath.mp.dps + 10))
    return +to_mpf(value)


def closed_form_exact(instance: Instance) -> sp.Expr:
    """The closed form at the instance's parameters, exactly.

    Substitutes ``closed_form_subs`` without :meth:`Instance.closed_form_value`'s
    ``sp.nsimplify``, which can replace an exact rational by a wrong radical
    (``nsimplify(Rational(194579, 4066478))`` is off by ``8e-19``).
    """
    subs = {key: sp.sympify(value) for key, value in dict(instance.closed_form_subs).items()}
    if all(value.is_number for value in subs.values()):
        return sp.sympify(instance.closed_form).xreplace(subs)  # one pass, no re-simplification
    return sp.sympify(instance.closed_form).subs(subs)


def closed_form_mp(instance: Instance) -> mpmath.mpf:
    """:func:`closed_form_exact` at the current precision."""
    return to_mp(closed_form_exact(instance))


def linear_witness(loss: Loss) -> bool:
    """True when the data domain holds a sample on which the loss is ``+-L theta``
    (``L = loss.lipschitz``), so the per-state stability is exactly ``L |gap|``
    (module docstring).  Only dimension 1 is claimed."""
    if getattr(loss, "dimension", 1) != 1:
        return False
    if isinstance(loss, LinearLoss):
        return True
    if isinstance(loss, LinearQuadraticLoss):
        witness = (loss.bound, 0)
        return loss.data_domain.contains(witness) and loss.lipschitz == loss.bound
    return False


def _stability(loss: Loss, theta: object, theta_prime: object, dps: int) -> mpmath.mpf:
    return to_mp(uniform_stability(loss, theta, theta_prime, dps=max(dps, 15)))


# --------------------------------------------------------------------------- GD
def _measure_gd(instance: Instance, dps: int) -> Measurement:
    s = instance.setting
    pair = run_pair(
        instance.problem,
        algorithm="gd",
        steps=s.T,
        step_size=s.step_size,
        arithmetic="mpmath",
        dps=dps,
    )
    loss = instance.problem.loss
    return Measurement(
        empirical=_stability(loss, pair.final, pair.final_neighbour, dps),
        closed_form=closed_form_mp(instance),
        exact=True,
        interval=None,
        final=pair.final,
        final_neighbour=pair.final_neighbour,
        gap=to_mp(pair.gaps[-1]),
        method="gd: run_pair at dps digits",
    )


# --------------------------------------------------------------------------- SGD, exact
def _outcome_classes(problem: Problem) -> list[list[tuple[int, Fraction]]]:
    """Per drawing worker (the order of :func:`boundkit.dynamics.coupled_runs.draw_layout`), one
    representative sample index per distinct joint ``(S, S')`` sample, with its
    probability ``multiplicity / m``."""
    pairs = list(zip(problem.honest, problem.honest_neighbour, strict=True))
    pairs += [(g, g) for g in problem.poisoned]
    workers = []
    for first, second in pairs:
        joint = list(zip(first.samples, second.samples, strict=True))
        if len(set(joint)) == 1:
            continue
        representative: dict[tuple, int] = {}
        weight: dict[int, int] = {}
        for j, pair in enumerate(joint):
            k = representative.setdefault(pair, j)
            weight[k] = weight.get(k, 0) + 1
        classes = [(j, Fraction(c, len(joint))) for j, c in weight.items()]
        workers += [classes] * first.count
    return workers


def _enumerate_paths(instance: Instance, dps: int, max_states: int) -> Fraction | mpmath.mpf:
    """``E[sup_z |l(theta_T; z) - l(theta'_T; z)|]`` over every draw path (generic)."""
    s, problem = instance.setting, instance.problem
    workers = _outcome_classes(problem)
    if len(workers) != len(draw_layout(problem)):  # the order draws[t] expects
        raise ParameterError(
            "problem", "drawing workers as boundkit.dynamics.coupled_runs.draw_layout lists"
        )
    per_step = list(product(*workers))
    if len(per_step) ** s.T > max_states:
        raise ParameterError("max_states", f">= {len(per_step)}**{s.T} draw paths", max_states)
    arithmetic = "fraction" if problem.loss.rational else "mpmath"
    total: Any = Fraction(0) if arithmetic == "fraction" else mpmath.mpf(0)
    for path in product(per_step, repeat=s.T):
        draws = [tuple(j for j, _ in step) for step in path]
        probability = math.prod((p for step in path for _, p in step), start=Fraction(1))
        pair = run_pair(
            problem,
            algorithm="sgd",
            steps=s.T,
            step_size=s.step_size,
            arithmetic=arithmetic,
            dps=dps,
            draws=draws,
        )
        value = uniform_stability(problem.loss, pair.final, pair.final_neighbour, dps=dps)
        total += probability * value if arithmetic == "fraction" else to_mp(probability) * value
    return total


def expected_stability_exact(
    instance: Instance, *, dps: int = 50, max_states: int = 20_000, method: str = "auto"
) -> tuple[mpmath.mpf, mpmath.mpf, str]:
    """``(E[stability], E|gap|, method)`` exactly for an SGD instance.

    ``method``: ``"witness"`` (``L * expected_gap_exact``, needs :func:`linear_witness`),
    ``"paths"`` (every draw path, per-path :func:`uniform_stability`), or ``"auto"``
    (witness when it applies).  Raises :class:`ParameterError` when too many states.
    """
    s, problem = instance.setting, instance.problem
    use_witness = method == "witness" or (method == "auto" and linear_witness(problem.loss))
    if use_witness:
        if not linear_witness(problem.loss):
            raise ParameterError("method", "'witness' only for a loss with a linear witness")
        gap = expected_gap_exact(
            problem,
            steps=s.T,
            step_size=s.step_size,
            arithmetic="fraction" if problem.loss.rational else "mpmath",
            dps=dps,
            max_states=max_states,
        )
        return to_mp(problem.loss.lipschitz) * to_mp(gap), to_mp(gap), "sgd: L * exact E|gap|"
    value = _enumerate_paths(instance, dps, max_states)
    return to_mp(value), mpmath.nan, "sgd: exact sum over draw paths"


# --------------------------------------------------------------------------- SGD, Monte Carlo
def _clt_interval(values: Sequence[float], confidence: float) -> tuple[float, float, float]:
    mean = statistics.fmean(values)
    half = statistics.NormalDist().inv_cdf((1 + confidence) / 2) * statistics.stdev(values)
    half /= math.sqrt(len(values))
    return mean, mean - half, mean + half


def expected_stability_monte_carlo(
    instance: Instance, *, samples: int, seed: int, confidence: float = 0.99, dps: int = 30
) -> tuple[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf], mpmath.mpf]:
    """``(mean, (low, high), mean gap)``: Monte Carlo estimate of ``E[stability]``.

    With a linear witness the simulator's :func:`expected_gap_monte_carlo` is scaled by
    ``L``; otherwise each coupled pair is run with :func:`run_pair` (seed ``seed + k``) and
    its per-pair stability averaged (CLT interval, like the simulator's).
    """
    s, problem = instance.setting, instance.problem
    if linear_witness(problem.loss):
        lip = to_mp(problem.loss.lipschitz)
        est = expected_gap_monte_carlo(
            problem,
            steps=s.T,
            step_size=s.step_size,
            samples=samples,
            seed=seed,
            confidence=confidence,
            dps=dps,
        )
        return lip * est.mean, (lip * est.low, lip * est.high), to_mp(est.mean)
    rng = np.random.default_rng(seed)
    values, gaps = [], []
    for _ in range(samples):
        pair = run_pair(
            problem,
            algorithm="sgd",
            steps=s.T,
            step_size=s.step_size,
            arithmetic="mpmath",
            dps=dps,
            seed=int(rng.integers(2**63 - 1)),
        )
        values.append(float(_stability(problem.loss, pair.final, pair.final_neighbour, dps)))
        gaps.append(float(pair.gaps[-1]))
    mean, low, high = _clt_interval(values, confidence)
    return to_mp(mean), (to_mp(low), to_mp(high)), to_mp(statistics.fmean(gaps))


def _measure_sgd(
    instance: Instance, dps: int, samples: int, seed: int, max_states: int
) -> Measurement:
    closed = closed_form_mp(instance)
    try:
        value, gap, method = expected_stability_exact(instance, dps=dps, max_states=max_states)
        return Measurement(value, closed, True, None, None, None, gap, method)
    except ParameterError as error:
        if error.parameter not in ("steps", "max_states"):
            raise
    mean, interval, gap = expected_stability_monte_carlo(
        instance, samples=samples, seed=seed, dps=min(dps, 30)
    )
    return Measurement(
        mean,
        closed,
        False,
        interval,
        None,
        None,
        gap,
        f"sgd: Monte Carlo, {samples} coupled pairs, seed {seed}",
    )


# --------------------------------------------------------------------------- entry point
def measure(
    instance: Instance,
    *,
    dps: int = 50,
    monte_carlo_samples: int = 2000,
    seed: int = 0,
    max_states: int = 20000,
) -> Measurement:
    """Simulate ``instance`` and return the stability it reaches beside its closed form.

    GD: exact to ``dps`` digits.  SGD: exact expectation when at most ``max_states``
    states (or draw paths) are reachable, else Monte Carlo with ``monte_carlo_samples``
    coupled pairs (``exact=False``, 99% CLT interval).
    """
    with mpmath.workdps(dps):
        if instance.algorithm == "gd":
            return _measure_gd(instance, dps)
        if instance.algorithm == "sgd":
            return _measure_sgd(instance, dps, monte_carlo_samples, seed, max_states)
    raise ParameterError("algorithm", "'gd' or 'sgd'", instance.algorithm)


def bounds(instance: Instance, upper_id: str, lower_id: str, dps: int = 50) -> tuple[Any, Any]:
    """The registered upper and lower bounds at the instance's own constants."""
    params: Mapping[str, object] = instance.setting.as_dict()
    upper = evaluate(upper_id, params, dps=dps)
    return upper, evaluate(lower_id, params, dps=dps)


def report(
    title: str,
    instance: Instance,
    measurement: Measurement,
    upper_id: str,
    lower_id: str,
    dps: int = 50,
) -> str:
    """A short PEPit-style report: empirical, closed form, bounds and ratios."""
    with mpmath.workdps(dps):
        upper, lower = bounds(instance, upper_id, lower_id, dps)
        e = measurement.empirical
        lines = [
            f"*** Construction {instance.name}: {title} ***",
            f"\tsetting: {instance.setting}",
            f"\tempirical stability ({measurement.method}):\t{mpmath.nstr(e, 20)}",
            f"\tclosed form:\t\t\t\t{mpmath.nstr(measurement.closed_form, 20)}",
            f"\tupper {upper_id}:\t{mpmath.nstr(upper, 20)}  (empirical/upper "
            f"{mpmath.nstr(e / upper, 12) if upper else 'n/a'})",
            f"\tlower {lower_id}:\t{mpmath.nstr(lower, 20)}  (empirical/lower "
            f"{mpmath.nstr(e / lower, 12) if lower > 0 else 'n/a'})",
        ]
        if measurement.interval is not None:
            low, high = measurement.interval
            shown = f"[{mpmath.nstr(low, 12)}, {mpmath.nstr(high, 12)}]"
            lines.append(f"\tMonte Carlo interval ({measurement.method}): {shown}")
        return "\n".join(lines)


def byzantine_report(
    title: str, instance: Any, measurement: Any, upper_id: str, lower_id: str, dps: int
) -> str:
    """:func:`report`, or, when a registered bound's hypotheses fail
    at this point (e.g. ``n - f even`` for odd ``h``), the same lines without that bound."""
    try:
        return report(title, instance, measurement, upper_id, lower_id, dps)
    except HypothesisViolation as error:
        with mpmath.workdps(dps):
            return "\n".join(
                [
                    f"*** Construction {instance.name}: {title} ***",
                    f"\tsetting: {instance.setting}",
                    f"\tempirical stability ({measurement.method}):\t"
                    f"{mpmath.nstr(measurement.empirical, 20)}",
                    f"\tclosed form:\t\t\t\t{mpmath.nstr(measurement.closed_form, 20)}",
                    f"\tbounds not evaluated: {error}",
                ]
            )


def run_example(
    construction: Any,
    setting: Setting,
    instance_of: Any,
    *,
    dps: int = 50,
    verbose: bool = True,
    reporter: Any = None,
    **measure_options: Any,
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The body every PEPit-style ``wc_...`` function shares: check that the construction
    is defined at ``setting``, build it with ``instance_of(setting)``, measure it, print
    the report when ``verbose`` (``reporter`` defaults to :func:`report`) and return
    ``(measured stability, closed form)``."""
    reason = construction.applies(setting)
    if reason is not None:
        raise ValueError(f"{construction.name} is not defined here: {reason}")
    instance = instance_of(setting)
    measurement = measure(instance, dps=dps, **measure_options)
    if verbose:
        show = reporter or report
        lower_id = construction.lower_for(setting) or construction.lower_id
        print(show(construction.title, instance, measurement, construction.upper_id, lower_id, dps))
    return measurement.empirical, measurement.closed_form
