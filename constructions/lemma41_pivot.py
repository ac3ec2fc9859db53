"""Lemma 4.1 / Theorem 4.2: generalization error in the pivot-worker setting (Section 4).

docs/theory.md, section 4; paper Lemma 4.1, Theorem 4.2, App. E.1-E.2.  ``m = 1``, linear loss
``l(theta; z) = z theta``, every honest distribution a Dirac except the pivot (special)
worker's, ``-L`` or ``+L`` with probability 1/2: the two possible honest datasets ``S1``
(pivot ``-L``) and ``S2`` (``+L``) are the neighbours of (P1).  Both threat models:

* poisoning: (P1) with ``m = 1`` (:mod:`constructions.p1_poisoning_gd_convex`);
* Byzantine: the tailored attack (:mod:`constructions.tailored_byzantine`) on the same data.

The expected generalization error is computed from its definition
(:func:`boundkit.dynamics.stability.generalization_error_lemma41`), exactly (``Fraction``
simulation), and checked against ``eps / (2 (n - f))``.  Sign: in both models ``S1``
(pivot ``-L``) drives ``theta`` up and ``S2`` down, so ``theta_1 > theta_2`` and
``E[gen] = (z2 - z1)(theta_1 - theta_2)/(4 (n - f)) = L (theta_1 - theta_2)/(2 (n - f))
= +eps/(2 (n - f))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from boundkit.config import Number, Setting
from boundkit.dynamics.coupled_runs import run_pair
from boundkit.dynamics.losses import LinearLoss
from boundkit.dynamics.problem import Problem
from boundkit.dynamics.stability import generalization_error_lemma41, uniform_stability
from boundkit.errors import ParameterError
from constructions.base import Instance


@dataclass(frozen=True)
class Lemma41Result:
    """One threat model in the Lemma 4.1 setting, exact.

    ``theta_1 = A(S1)``, ``theta_2 = A(S2)``; ``expected_gen`` from the definition;
    ``stability = L |theta_1 - theta_2|``; ``predicted = stability / (2 (n - f))``.
    """

    threat: str
    theta_1: Fraction
    theta_2: Fraction
    expected_gen: Fraction
    stability: Fraction
    predicted: Fraction
    instance: Instance

    @property
    def holds(self) -> bool:
        return self.expected_gen == self.predicted


def _poisoning_instance(setting: Setting) -> tuple[Instance, tuple[Any, ...]]:
    from constructions.p1_poisoning_gd_convex import build
    from constructions.tailored_byzantine import _pivot_a_b

    n, f = setting.n, setting.f
    lip = Fraction(setting.lipschitz)
    diracs = (0,) * (n - 2 * f - 1) + (lip,) * f
    try:
        return build(setting), diracs
    except ParameterError:  # pivot_a_b at n = 2f + 1 (see tailored_byzantine._pivot_a_b)
        layout = _pivot_a_b(n, f, 1, lip)
        problem = Problem(
            honest=layout.honest,
            honest_neighbour=layout.honest_neighbour,
            loss=LinearLoss(lip),
            misbehaving_count=f,
            poisoned=layout.misbehaving,
            start=0,
        )
        return Instance("P1", setting, problem, "gd", sp.Integer(0), {}), diracs


def _byzantine_instance(setting: Setting, dps: int) -> tuple[Instance, tuple[Any, ...]]:
    from constructions.tailored_byzantine import build

    instance = build(setting)
    ids = instance.extras["identities"]
    n, f = setting.n, setting.f
    lip = Fraction(setting.lipschitz)
    diracs = (0,) * (n - 2 * f - 1 - ids.pivot) + (lip,) * (f - ids.a) + (-lip,) * (f - ids.b)
    return instance, diracs


def lemma41(setting: Setting, threat: str, dps: int = 50) -> Lemma41Result:
    """Exact ``E[gen]`` and ``eps`` for one threat model (``setting.m`` is forced to 1)."""
    own = setting.with_(m=1)
    if threat == "poisoning":
        instance, diracs = _poisoning_instance(own)
    elif threat == "byzantine":
        instance, diracs = _byzantine_instance(own, dps)
    else:
        raise ParameterError("threat", "'poisoning' or 'byzantine'", threat)
    pair = run_pair(
        instance.problem,
        algorithm="gd",
        steps=own.T,
        step_size=own.step_size,
        arithmetic="fraction",
        dps=dps,
    )
    lip = Fraction(own.lipschitz)
    h = own.n - own.f
    theta_1, theta_2 = pair.final, pair.final_neighbour
    gen = generalization_error_lemma41(theta_1, theta_2, lip, h, dirac_values=diracs)
    eps = uniform_stability(LinearLoss(lip), theta_1, theta_2)
    return Lemma41Result(threat, theta_1, theta_2, gen, eps, eps / (2 * h), instance)


# --------------------------------------------------------------------------- d = 2 variant
#: the pushed Byzantine value and whether SMEA keeps the pivot (closed-form symbols)
PIVOT_PUSH, PIVOT_KEPT = sp.symbols("D_pivot p_pivot", real=True)


@dataclass(frozen=True)
class Lemma41OrthogonalResult:
    """The orthogonal (d = 2) variant of the Lemma 4.1 setting, exact (Byzantine threat).

    ``theta_1 = A(S1)`` (pivot sample ``-L e2``), ``theta_2 = A(S2)`` (``+L e2``);
    ``expected_gen`` from the definition
    (:func:`boundkit.dynamics.stability.generalization_error_lemma41` with ``dimension=2``);
    ``stability = L ||theta_1 - theta_2||``; ``predicted = stability / (2 (n - f))``.
    ``pushed`` is the Byzantine ``D`` (just below the supremum, ``supremum_above`` just
    above it, both certified by exact SMEA: :func:`constructions.orthogonal_pivot.pivot_push`).
    """

    theta_1: tuple[Fraction, Fraction]
    theta_2: tuple[Fraction, Fraction]
    expected_gen: Fraction
    stability: Fraction
    predicted: Fraction
    pushed: Fraction
    supremum_above: Fraction
    pivot_kept: bool
    instance: Instance

    @property
    def holds(self) -> bool:
        """``E[gen] == eps / (2 (n - f))`` exactly."""
        return self.expected_gen == self.predicted


def _orthogonal_problem(n: int, f: int, lip: Fraction, down: Fraction, up: Fraction) -> Problem:
    """:func:`constructions.orthogonal_pivot.pivot_groups` times ``L``: ``S1`` is ``honest``."""
    from boundkit.dynamics.problem import WorkerGroup
    from constructions.b3_orthogonal_push import OrthogonalStrategy
    from constructions.orthogonal_pivot import pivot_groups

    def groups(sign: int) -> tuple[WorkerGroup, ...]:
        pivot = WorkerGroup(samples=((Fraction(0), sign * lip),), count=1, label="special")
        rest = [
            WorkerGroup(samples=((lip * x, lip * y),), count=c, label="e1")
            for (x, y), c in pivot_groups(n, f, sign)
            if y == 0
        ]
        return (pivot, *rest)

    return Problem(
        honest=groups(-1),
        honest_neighbour=groups(+1),
        loss=LinearLoss(lip, dimension=2),
        misbehaving_count=f,
        byzantine=OrthogonalStrategy(  # the pivot's side: e2-mean below 0 in S1
            threshold=Fraction(0), up=(Fraction(0), up), down=(Fraction(0), -down), axis=1
        ),
        start=(Fraction(0), Fraction(0)),
    )


def lemma41_orthogonal(
    n: int,
    f: int,
    lipschitz: Number = 1,
    T: int = 10,
    step_size: Number = Fraction(1, 10),
    digits: int = 40,
) -> Lemma41OrthogonalResult:
    """The Lemma 4.1 setting with the pivot's sample on ``e2`` and the (B3) push (d = 2).

    Not from the paper (boundkit's variant of the Lemma 4.1 setting in which the pivot worker's
    random sample lies along e2; docs/theory.md, "The orthogonal push (B3)").  ``m = 1``, linear
    loss on ``R^2``, ``||z|| <= L``; honest: ``floor((h-1)/2)`` Diracs at ``+L e1``, the other
    ``h - 1`` non-pivot workers at ``-L e1``, the pivot at ``-L e2`` or ``+L e2`` (probability 1/2).
    The Byzantine workers see the honest messages and send ``(0, -+D)`` on the pivot's side, ``D``
    just below the supremum at which SMEA keeps all ``f`` of them
    (:func:`constructions.orthogonal_pivot.pivot_push`, relative margin ``10**-digits``).

    Derivation.  The pivot's population term is ``0`` and the Diracs cancel, so
    ``E[gen] = (1/2) sum_k -<z_k, theta_k>/h = L (theta_1 - theta_2) . e2 / (2h)``; with
    the mirror symmetry ``e2 -> -e2`` of the two runs the ``e1`` parts agree, hence
    ``E[gen] = eps / (2 (n - f))`` exactly (Lemma 4.1's link), and with GD from ``0``
    ``theta_1 = -theta_2 = gamma T (f D + p L)/h e2`` (``p = 1`` when SMEA keeps the pivot):
    ``eps = 2 gamma L T (f D + p L)/h``.
    """
    from boundkit.bounds.symbols import L as L_
    from boundkit.bounds.symbols import T as T_
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import gamma
    from boundkit.bounds.symbols import n as n_
    from constructions.orthogonal_pivot import pivot_groups, pivot_push

    down, up = pivot_push(n, f, -1, digits), pivot_push(n, f, 1, digits)
    if down is None or up is None:
        raise ParameterError("(n, f)", "a setting where SMEA keeps all f pushed vectors", (n, f))
    lip = Fraction(lipschitz)
    problem = _orthogonal_problem(n, f, lip, lip * down.below, lip * up.below)
    pair = run_pair(problem, algorithm="gd", steps=T, step_size=step_size, arithmetic="fraction")
    theta_1, theta_2 = pair.final, pair.final_neighbour
    diracs = tuple(
        (lip * x, lip * y) for (x, y), c in pivot_groups(n, f, -1) if y == 0 for _ in range(c)
    )
    gen = generalization_error_lemma41(
        theta_1, theta_2, lip, n - f, dirac_values=diracs, dimension=2
    )
    eps = uniform_stability(LinearLoss(lip, dimension=2), theta_1, theta_2)
    setting = Setting(n=n, f=f, m=1, T=T, step_size=step_size, lipschitz=lip)
    closed = 2 * gamma * L_ * T_ * (f_ * PIVOT_PUSH + PIVOT_KEPT * L_) / (n_ - f_)
    subs = {n_: n, f_: f, T_: T, gamma: sp.Rational(Fraction(step_size)), L_: sp.Rational(lip)}
    subs.update({PIVOT_PUSH: sp.Rational(lip * down.below), PIVOT_KEPT: int(down.pivot_kept)})
    instance = Instance("B3-pivot", setting, problem, "gd", closed, subs)
    h = n - f
    return Lemma41OrthogonalResult(
        theta_1,
        theta_2,
        gen,
        eps,
        eps / (2 * h),
        lip * down.below,
        lip * down.above,
        down.pivot_kept,
        instance,
    )


def theorem42_ratio(setting: Setting, dps: int = 50) -> tuple[Fraction, mpmath.mpf]:
    """``(gen_byzantine / gen_poisoning, measured / (sqrt(f/(n-2f)) (n-f)/(f+1)))``."""
    byz = lemma41(setting, "byzantine", dps).expected_gen
    poi = lemma41(setting, "poisoning", dps).expected_gen
    ratio = byz / poi
    n, f = setting.n, setting.f
    with mpmath.workdps(dps):
        order = mpmath.sqrt(mpmath.mpf(f) / (n - 2 * f)) * (n - f) / (f + 1)
        return ratio, (mpmath.mpf(ratio.numerator) / ratio.denominator) / order


def wc_lemma41_pivot(
    n: int,
    f: int,
    T: int,
    step_size: Number,
    lipschitz: Number,
    dps: int = 50,
    verbose: bool = True,
) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
    """Expected generalization error in the Lemma 4.1 setting, both threat models.

    **Setting.** ``m = 1``, linear loss, the (P1) data with the pivot worker's sample
    ``-L`` or ``+L`` (probability 1/2 each); ``f`` poisoned workers (P1's group B) or ``f``
    Byzantine workers running the tailored attack (App. E.2).

    **Algorithm.** Robust D-GD with SMEA, ``theta_0 = 0``, exact rational arithmetic.

    **Theoretical value.** Lemma 4.1, eq. (10): ``E[gen] = eps / (2 (n - f))`` exactly,
    with ``eps = L |theta_1 - theta_2|`` and the sign ``+`` (module docstring).

    Returns:
        ``((gen, eps/(2(n-f))) poisoning, (gen, eps/(2(n-f))) Byzantine)``, exact.

    Example:
        >>> from fractions import Fraction
        >>> (gp, pp), (gb, pb) = wc_lemma41_pivot(
        ...     n=7, f=3, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> gp == pp, gb == pb, gp
        (True, True, Fraction(1, 4))
    """
    setting = Setting(n=n, f=f, m=1, T=T, step_size=step_size, lipschitz=lipschitz)
    results = [lemma41(setting, threat, dps) for threat in ("poisoning", "byzantine")]
    if verbose:
        for r in results:
            print(
                f"{r.threat:>10}: E[gen] = {float(r.expected_gen):.12g}  "
                f"eps/(2(n-f)) = {float(r.predicted):.12g}  equal: {r.holds}"
            )
        ratio, rel = theorem42_ratio(setting, dps)
        print(
            f"Theorem 4.2: gen_byz/gen_pois = {float(ratio):.6g}; "
            f"/ (sqrt(f/(n-2f)) (n-f)/(f+1)) = {mpmath.nstr(rel, 6)}"
        )
    return tuple((r.expected_gen, r.predicted) for r in results)  # type: ignore[return-value]


if __name__ == "__main__":
    wc_lemma41_pivot(n=7, f=3, T=10, step_size=Fraction(1, 10), lipschitz=1)
