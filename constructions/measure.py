"""Measure a built construction: the uniform stability it reaches, beside its closed form.

Shared by every construction of :mod:`constructions` (poisoning and Byzantine), like
PEPit's examples return the computed worst case beside the theoretical value.  Every
construction has rational data, so it runs in exact rationals and the value it reaches
is an exact number (``empirical_exact``; square roots of rationals in dimension 2):

* **GD** (deterministic): one :func:`boundkit.dynamics.coupled_runs.run_pair` in
  ``"fraction"`` arithmetic, and ``empirical = sup_z |l(theta_T; z) - l(theta'_T; z)|``
  (:func:`exact_stability`, Def. 2.4 for one pair of outputs).
* **SGD**: the expectation over the coupled draws (docs/theory.md, section 1; Def. 2.4).  When
  the loss has a *linear witness* (below) the per-state stability is exactly
  ``L |theta_T - theta'_T|``, so ``E[stability] = L E|gap|`` and the simulator's exact
  dynamic programme :func:`boundkit.dynamics.sgd_expectation.expected_gap_exact` (states
  merged) gives it exactly; otherwise every draw path is enumerated with :func:`run_pair`
  and the per-path stability averaged with exact path probabilities.  When the state
  space is too large, a Monte Carlo estimate is returned instead (``exact=False``): exact
  per-pair values from seeded coupled runs and a rigorous confidence interval
  (:func:`boundkit.dynamics.monte_carlo.rigorous_interval`: Hoeffding / empirical
  Bernstein with the known range :func:`stability_range`, at a stated failure
  probability).

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
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import mpmath
import sympy as sp

from boundkit.bounds import evaluate, get, violated_hypotheses
from boundkit.bounds.symbols import BY_NAME
from boundkit.config import Setting
from boundkit.dynamics.arithmetic import squared_norm, to_mpf
from boundkit.dynamics.coupled_runs import draw_layout, pair_gap, run_pair
from boundkit.dynamics.domains import Box
from boundkit.dynamics.losses import LinearLoss, LinearQuadraticLoss, Loss
from boundkit.dynamics.monte_carlo import (
    RigorousInterval,
    coupled_samples,
    rigorous_interval,
    samples_for,
)
from boundkit.dynamics.problem import Problem
from boundkit.dynamics.sgd_expectation import expected_gap_exact
from boundkit.dynamics.stability import uniform_stability
from boundkit.errors import HypothesisViolation, ParameterError
from constructions.base import Instance

#: family-wise failure probability of the statistical verdicts when none is given
FAILURE_PROBABILITY = Fraction(1, 10**6)


@dataclass(frozen=True)
class Measurement:
    """What :func:`measure` found.

    ``empirical`` is the uniform stability reached, ``sup_z |l(theta_T; z) -
    l(theta'_T; z)|`` (its expectation over the draws for SGD), and ``closed_form`` the
    instance's closed form, both as ``mpf`` at ``dps`` digits for display;
    ``empirical_exact`` and ``closed_form_exact`` are the same numbers exactly (SymPy;
    ``empirical_exact`` is ``None`` for a Monte Carlo estimate).  ``exact`` is ``False``
    only for a Monte Carlo estimate, whose rigorous confidence interval is ``interval``
    (its exact sample mean is ``interval.mean``).  ``final`` and ``final_neighbour`` are
    ``theta_T`` and ``theta'_T`` (``None`` for an SGD expectation); ``gap`` is
    ``|theta_T - theta'_T|`` (``E|gap|`` for SGD).
    """

    empirical: mpmath.mpf
    closed_form: mpmath.mpf
    exact: bool
    interval: RigorousInterval | None
    final: object
    final_neighbour: object
    gap: mpmath.mpf
    method: str = ""
    empirical_exact: sp.Expr | None = None
    closed_form_exact: sp.Expr | None = None


# --------------------------------------------------------------------------- helpers
def exact_number(value: object) -> sp.Rational:
    """An exact SymPy rational (floats at their exact binary value)."""
    if isinstance(value, bool):
        raise ParameterError("number", "a real number", value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise ParameterError("number", "a finite real number", value)
        p, q = mpmath.libmp.to_rational(value._mpf_)  # its exact binary value, signed
        return sp.Rational(int(p), int(q))
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


def _rational(value: Any) -> sp.Rational:
    q = Fraction(value)
    return sp.Rational(q.numerator, q.denominator)


def exact_stability(loss: Loss, theta: object, theta_prime: object) -> sp.Expr:
    """``sup_z |l(theta; z) - l(theta'; z)|`` exactly, for exact (rational) outputs.

    :class:`LinearLoss`: ``B ||theta - theta'||`` with the Euclidean norm as an exact
    square root; the other rational families: :func:`uniform_stability`'s closed form in
    rationals.  Raises :class:`ParameterError` when the value is not exact.
    """
    if isinstance(loss, LinearLoss):
        if isinstance(theta, tuple):
            delta = tuple(a - b for a, b in zip(theta, theta_prime, strict=True))
            return _rational(loss.bound) * sp.sqrt(_rational(squared_norm(delta)))
        return _rational(loss.bound) * abs(_rational(theta) - _rational(theta_prime))
    value = uniform_stability(loss, theta, theta_prime)
    if isinstance(value, int | Fraction):
        return _rational(value)
    raise ParameterError("loss", "a loss whose stability is exact in rationals", loss)


def _arithmetic(problem: Problem) -> str:
    return "fraction" if problem.loss.rational else "mpmath"


# --------------------------------------------------------------------------- GD
def _measure_gd(instance: Instance, dps: int) -> Measurement:
    s, problem = instance.setting, instance.problem
    arithmetic = _arithmetic(problem)
    pair = run_pair(
        problem,
        algorithm="gd",
        steps=s.T,
        step_size=s.step_size,
        arithmetic=arithmetic,
        dps=dps,
    )
    closed = closed_form_exact(instance)
    if arithmetic == "fraction":
        value = exact_stability(problem.loss, pair.final, pair.final_neighbour)
        empirical, how = to_mp(value), "gd: run_pair in exact rationals"
    else:
        value = None
        loss = problem.loss
        empirical = to_mp(uniform_stability(loss, pair.final, pair.final_neighbour, dps=dps))
        how = f"gd: run_pair at {dps} digits (not exact)"
    return Measurement(
        empirical=empirical,
        closed_form=to_mp(closed),
        exact=value is not None,
        interval=None,
        final=pair.final,
        final_neighbour=pair.final_neighbour,
        gap=to_mp(pair.gaps[-1]),
        method=how,
        empirical_exact=value,
        closed_form_exact=closed,
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


def _enumerate_paths(instance: Instance, dps: int, max_states: int) -> sp.Expr:
    """``E[sup_z |l(theta_T; z) - l(theta'_T; z)|]`` over every draw path, exactly."""
    s, problem = instance.setting, instance.problem
    workers = _outcome_classes(problem)
    if len(workers) != len(draw_layout(problem)):  # the order draws[t] expects
        raise ParameterError(
            "problem", "drawing workers as boundkit.dynamics.coupled_runs.draw_layout lists"
        )
    per_step = list(product(*workers))
    if len(per_step) ** s.T > max_states:
        raise ParameterError("max_states", f">= {len(per_step)}**{s.T} draw paths", max_states)
    total = sp.Integer(0)
    for path in product(per_step, repeat=s.T):
        draws = [tuple(j for j, _ in step) for step in path]
        probability = math.prod((p for step in path for _, p in step), start=Fraction(1))
        pair = run_pair(
            problem,
            algorithm="sgd",
            steps=s.T,
            step_size=s.step_size,
            arithmetic=_arithmetic(problem),
            dps=dps,
            draws=draws,
        )
        value = exact_stability(problem.loss, pair.final, pair.final_neighbour)
        total += _rational(probability) * value
    return total


def expected_stability_exact(
    instance: Instance, *, dps: int = 50, max_states: int = 20_000, method: str = "auto"
) -> tuple[sp.Expr, mpmath.mpf, str]:
    """``(E[stability], E|gap|, method)`` exactly for an SGD instance (the expectation as
    an exact SymPy number, ``E|gap|`` as an ``mpf``, ``nan`` when not computed).

    ``method``: ``"witness"`` (``L * expected_gap_exact``, needs :func:`linear_witness`),
    ``"paths"`` (every draw path, per-path :func:`exact_stability`), or ``"auto"``
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
            arithmetic=_arithmetic(problem),
            dps=dps,
            max_states=max_states,
        )
        value = _rational(problem.loss.lipschitz) * _rational(gap)
        return value, to_mp(gap), "sgd: L * exact E|gap| (merged states, rationals)"
    value = _enumerate_paths(instance, dps, max_states)
    return value, mpmath.nan, "sgd: exact sum over draw paths (rationals)"


# --------------------------------------------------------------------------- SGD, Monte Carlo
def stability_range(instance: Instance) -> Fraction:
    """A known ``B`` with ``0 <= sup_z |l(theta_T; z) - l(theta'_T; z)| <= B`` for every
    draw: ``L`` times the width of the projection box (``L``-Lipschitz loss, both runs in
    the box), or ``2 gamma L^2 T`` without projection (no Byzantine worker: every
    aggregated gradient is a mean of gradients of norm ``<= L``).  Raises
    :class:`ParameterError` when neither applies."""
    problem, s = instance.problem, instance.setting
    lip = Fraction(problem.loss.lipschitz)
    box = problem.projection
    if isinstance(box, Box) and box.lower is not None and box.upper is not None:
        lows = box.lower if isinstance(box.lower, tuple) else (box.lower,)
        highs = box.upper if isinstance(box.upper, tuple) else (box.upper,)
        return lip * sum((Fraction(h) - Fraction(low) for low, h in zip(lows, highs, strict=True)))
    if problem.byzantine is None and getattr(problem.loss, "dimension", 1) == 1:
        return 2 * Fraction(s.step_size) * lip * lip * s.T
    raise ParameterError("instance", "a known range of the per-pair stability", instance.name)


def expected_stability_monte_carlo(
    instance: Instance, *, samples: int, seed: int, failure_probability: Any, dps: int = 30
) -> tuple[RigorousInterval, mpmath.mpf]:
    """``(interval, mean gap)``: exact per-pair stabilities of ``samples`` seeded coupled
    pairs (``"fraction"`` arithmetic when the loss is rational) and their rigorous
    confidence interval at ``failure_probability`` with the range :func:`stability_range`."""
    s, problem = instance.setting, instance.problem
    bound = stability_range(instance)
    pairs = coupled_samples(
        problem,
        steps=s.T,
        step_size=s.step_size,
        samples=samples,
        seed=seed,
        arithmetic=_arithmetic(problem),
        dps=dps,
        value=lambda a, b: (exact_stability(problem.loss, a, b), pair_gap(a, b)),
    )
    values = [Fraction(int(v.p), int(v.q)) for v, _ in pairs]
    gap = mpmath.fsum(to_mp(g) for _, g in pairs) / len(pairs)
    return rigorous_interval(values, bound, failure_probability), gap


def _measure_sgd(
    instance: Instance, dps: int, samples: int | None, seed: int, max_states: int, delta: Any
) -> Measurement:
    closed = closed_form_exact(instance)
    try:
        value, gap, method = expected_stability_exact(instance, dps=dps, max_states=max_states)
        return Measurement(
            to_mp(value), to_mp(closed), True, None, None, None, gap, method, value, closed
        )
    except ParameterError as error:
        if error.parameter not in ("steps", "max_states"):
            raise
    count = samples_for(delta) if samples is None else samples
    interval, gap = expected_stability_monte_carlo(
        instance, samples=count, seed=seed, failure_probability=delta, dps=min(dps, 30)
    )
    return Measurement(
        to_mp(_rational(interval.mean)),
        to_mp(closed),
        False,
        interval,
        None,
        None,
        gap,
        f"sgd: Monte Carlo, {count} seeded coupled pairs (seed {seed}), exact values, "
        f"interval at failure probability {delta}",
        None,
        closed,
    )


# --------------------------------------------------------------------------- entry point
def measure(
    instance: Instance,
    *,
    dps: int = 50,
    monte_carlo_samples: int | None = None,
    seed: int = 0,
    max_states: int = 20000,
    failure_probability: Any = FAILURE_PROBABILITY,
) -> Measurement:
    """Simulate ``instance`` and return the stability it reaches beside its closed form.

    GD: exact (rational data).  SGD: exact expectation when at most ``max_states``
    states (or draw paths) are reachable, else Monte Carlo (``exact=False``) with
    ``monte_carlo_samples`` seeded coupled pairs (``None``:
    :func:`boundkit.dynamics.monte_carlo.samples_for` the failure probability) and a
    rigorous interval that fails with probability at most ``failure_probability``.
    ``dps`` is the display precision (and the working precision of a loss that is not
    rational); it never changes an exact value.
    """
    with mpmath.workdps(dps):
        if instance.algorithm == "gd":
            return _measure_gd(instance, dps)
        if instance.algorithm == "sgd":
            return _measure_sgd(
                instance, dps, monte_carlo_samples, seed, max_states, failure_probability
            )
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
            interval = measurement.interval
            low, high = to_mp(interval.low), to_mp(interval.high)
            shown = f"[{mpmath.nstr(low, 12)}, {mpmath.nstr(high, 12)}]"
            lines.append(f"\tconfidence interval (1 - {interval.failure_probability}): {shown}")
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
