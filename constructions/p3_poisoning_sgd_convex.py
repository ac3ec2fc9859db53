"""(P3) Data poisoning, robust distributed SGD, convex, projected on ``[0, U]``.

Paper Theorem 3.4(i) for SGD, Appendix D.4; layout in docs/theory.md, section 3; notation and limit
in docs/theory.md, "Where we differ".

Two designs share the pivot / A / B layout, the linear-quadratic loss
``l(theta; (a, b')) = a theta + (b'/2) theta^2`` and the projection onto ``[0, U]``:

* ``"linear-drift"`` (default, this module's): the *honest* group A carries the
  curvature, the poisoned group B is linear.  Once ``S'`` leaves 0 the mean SMEA keeps
  does not depend on ``theta'``, so ``theta'`` drifts linearly (no contraction), the
  expectation is a short closed form, and at most ``T (T + 1)/2 + 1`` states are
  reachable (exact enumeration: about 2 s at ``T = 40``, 100 s at ``T = 100``).
* ``"theory"`` (the reconstruction's design): the poisoned group B carries the curvature ``b``; the
  drift contracts by ``c = 1 - gamma f b/(n - f)`` per step and ``2^T`` states are
  reachable.  Kept, with its exact closed form, for comparison.

With ``m = 1`` SGD draws nothing and is GD: the (P1) data are used and reach eq. (5).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds.symbols import L, T, f, gamma, m, n
from boundkit.config import Number, Setting
from boundkit.dynamics.domains import Box
from boundkit.dynamics.losses import LinearQuadraticLoss
from boundkit.dynamics.problem import Problem
from constructions.base import Construction, Instance
from constructions.groups import pivot_a_b
from constructions.measure import (
    exact_number,
    hypotheses_reason,
    run_example,
    setting_subs,
)
from constructions.p1_poisoning_gd_convex import p1_problem

UPPER_ID = "thm3.3/convex"
LOWER_ID = "thm3.4/sgd-convex"
VARIANTS = ("linear-drift", "theory")

# --------------------------------------------------------------------------- closed forms
#: r = 1 - 1/m: probability that the special sample is not drawn at one step
RHO = 1 - 1 / m
#: E #{t < T : tau <= t} = sum_t (1 - r^(t+1)): steps at or after the first special draw
STEPS_AFTER_FIRST_DRAW: sp.Expr = T - (m - 1) * (1 - RHO**T)
#: the poisoned samples sit at -(L - e_B) (linear-drift design)
e_B = sp.Symbol("e_B", positive=True)
#: E eps = L E theta'_T = (gamma L/(n-f)) (f (L - e_B) E#{t >= tau} + L T/m)
CLOSED_FORM: sp.Expr = gamma * L / (n - f) * (f * (L - e_B) * STEPS_AFTER_FIRST_DRAW + L * T / m)
#: the e_B -> 0 (or b -> 0) limit: a supremum of both designs, approached, not attained
SUPREMUM: sp.Expr = gamma * L**2 / (n - f) * (f * STEPS_AFTER_FIRST_DRAW + T / m)
#: reached by the linear-drift design for every T >= 1 (e_B/L <= 1/(8T))
REACHED_LOWER: sp.Expr = (1 - 1 / (8 * T)) * SUPREMUM
#: a simpler consequence for both designs, proposed as the registered lower bound
PROVEN_LOWER: sp.Expr = gamma * L**2 * (f * (T - m) + T / m) / (n - f)
#: m = 1: SGD is GD, the (P1) data reach eq. (5) exactly
CLOSED_FORM_M1: sp.Expr = 2 * gamma * L**2 * T * (f + 1 / m) / (n - f)

#: the reconstruction's design: curvature b of the poisoned samples, c = 1 - gamma f b/(n - f)
b = sp.Symbol("b", positive=True)
C = 1 - gamma * f * b / (n - f)
#: sum_{t<T} c^(T-1-t) r^(t+1) (Piecewise for the removable case r = c)
_MIXED = sp.Piecewise(
    (T * C ** (T - 1) * RHO, sp.Eq(RHO, C)),
    (RHO * (RHO**T - C**T) / (RHO - C), True),
)
#: E eps = L E|gap| = (gamma L^2/(n-f)) [(f + 1/m)(1 - c^T)/(1 - c) - f r (r^T - c^T)/(r - c)]
CLOSED_FORM_THEORY: sp.Expr = (
    gamma * L**2 / (n - f) * ((f + 1 / m) * (1 - C**T) / (1 - C) - f * _MIXED)
)
#: reached by the reconstruction's design with the b of :func:`theory_design`
#: (c^(T-1) >= 1 - 1/(2T))
REACHED_LOWER_THEORY: sp.Expr = (1 - 1 / (2 * T)) * SUPREMUM


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class LinearDriftDesign:
    """Exact parameters of the linear-drift design (``h = n - f``, ``q = n - 2f``).

    * ``e_b = L/(8 T q)``: B sits at ``-(L - e_b)``; ``e_b <= L/(4q)`` keeps SMEA on
      special + B + pivot whenever ``S'`` draws the special sample, and the rate lost,
      ``f e_b``, is at most ``L/(8T)`` of the supremum's;
    * ``upper = max(2 T gamma (f + 1) L/h, 2 e_b/beta)``: the domain ``[0, U]``;
      ``theta'_T <= U/2``, so the projection never binds in ``S'``;
    * ``first_kick = gamma (f (L - e_b) + L)/h``: ``theta'`` one step after the first draw;
    * ``e = e_b * first_kick / (2 U)``: A sits at ``(L - e_b - e, curvature)``, so at 0
      its gradient ``L - e_b - e`` is below B's magnitude ``L - e_b`` (SMEA keeps pivot
      + A, the projection holds both runs at 0), and beyond ``e/curvature < first_kick``
      it is above (SMEA keeps pivot + B in ``S'``);
    * ``curvature = (e_b + e)/U <= 2 e_b/U <= beta``: A's gradient reaches exactly ``L``
      at ``U``, so every sample is ``L``-Lipschitz on ``[0, U]``, and the loss is
      ``beta``-smooth (the setting's ``beta`` is kept).
    """

    e_b: Fraction
    e: Fraction
    curvature: Fraction
    upper: Fraction
    first_kick: Fraction


def design(setting: Setting) -> LinearDriftDesign:
    """The linear-drift parameters at ``setting`` (see :class:`LinearDriftDesign`)."""
    h, q = setting.n - setting.f, setting.n - 2 * setting.f
    lip, step = Fraction(setting.lipschitz), Fraction(setting.step_size)
    beta = Fraction(setting.smoothness)
    steps = max(setting.T, 1)  # T = 0 is rejected by applies(); keep build total
    e_b = lip / (8 * steps * q)
    upper = max(2 * steps * step * (setting.f + 1) * lip / h, 2 * e_b / beta)
    first_kick = step * (setting.f * (lip - e_b) + lip) / h
    e = e_b * first_kick / (2 * upper)
    return LinearDriftDesign(e_b, e, (e_b + e) / upper, upper, first_kick)


def theory_design(setting: Setting) -> tuple[Fraction, Fraction]:
    """``(b, e)`` for the reconstruction's design, exact rationals (``h = n - f``).

    * ``b = min(beta, h / (2 gamma (f + 1) T^2))``: ``b <= beta`` keeps the loss
      ``beta``-smooth; ``gamma f b/h <= 1/(2 T^2)`` keeps ``b theta' <= L/8`` at every step
      before ``T`` (B's gradient stays in ``[-L, -7L/8]``) and ``c^(T-1) >= 1 - 1/(2T)``;
    * ``e = min(L/(n - 2f), b gamma (f + 1) L/h)/2``: ``e < L/(n - 2f)`` keeps the right
      SMEA windows (``e < 2u/(n - 2f)`` for ``u = L - b theta' >= 7L/8``), and
      ``e < b gamma (f + 1) L/h`` makes the first kick clear ``e/b``.
    """
    h = setting.n - setting.f
    lip, step = Fraction(setting.lipschitz), Fraction(setting.step_size)
    beta = Fraction(setting.smoothness)
    cap = Fraction(h) / (2 * step * (setting.f + 1) * setting.T**2) if setting.T else beta
    curvature = min(beta, cap)
    e = min(lip / (setting.n - 2 * setting.f), curvature * step * (setting.f + 1) * lip / h) / 2
    return curvature, e


def _own_setting(setting: Setting) -> Setting:
    """The constants (P3) really has: ``L``, ``beta`` kept (curvature <= beta), ``mu = 0``."""
    return setting.with_(strong_convexity=0)


def applies(setting: Setting) -> str | None:
    """``None`` when (P3) is defined at ``setting`` and its bounds apply, else why not."""
    if setting.f < 1:
        return "needs f >= 1 (a poisoned group B)"
    if setting.T < 1:
        return "needs T >= 1"
    return hypotheses_reason(_own_setting(setting), UPPER_ID, LOWER_ID)


# --------------------------------------------------------------------------- builders
def _problem(setting: Setting, loss: object, a: object, b_group: object, upper: object):
    """Pivot ``(0, 0)``, special ``(+L, 0)`` / ``(-L, 0)``, A and B, on ``[0, upper]``."""
    lip = Fraction(setting.lipschitz)
    layout = pivot_a_b(
        setting.n,
        setting.f,
        setting.m,
        pivot=(0, 0),
        special_in_s=(lip, 0),
        special_in_s_prime=(-lip, 0),
        group_a=a,
        group_b=b_group,
    )
    return Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=loss,
        misbehaving_count=setting.f,
        poisoned=layout.misbehaving,
        start=0,
        projection=Box(0, upper),
    )


def _build_linear_drift(setting: Setting) -> Instance:
    """A ``(L - e_b - e, curvature)`` honest, B ``(-(L - e_b), 0)`` poisoned, on ``[0, U]``."""
    lip, d = Fraction(setting.lipschitz), design(setting)
    loss = LinearQuadraticLoss(lip, d.curvature, d.upper, bounded_gradients=True)
    problem = _problem(setting, loss, (lip - d.e_b - d.e, d.curvature), (d.e_b - lip, 0), d.upper)
    own = _own_setting(setting)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[e_B] = exact_number(d.e_b)
    extras = {
        "design": "linear-drift: A curved (honest), B linear (poisoned), on [0, U]",
        "e_B": d.e_b,
        "e": d.e,
        "curvature": d.curvature,
        "U": d.upper,
        "supremum": SUPREMUM.subs(subs),
    }
    return Instance("P3", own, problem, "sgd", CLOSED_FORM, subs, extras)


def _build_theory(setting: Setting) -> Instance:
    """The reconstruction's design: A ``(L - e, 0)`` honest, B ``(-L, b)`` poisoned, on
    ``[0, 2L/b]``."""
    lip = Fraction(setting.lipschitz)
    curvature, e = theory_design(setting)
    upper = 2 * lip / curvature
    loss = LinearQuadraticLoss(lip, curvature, upper, bounded_gradients=True)
    problem = _problem(setting, loss, (lip - e, 0), (-lip, curvature), upper)
    own = _own_setting(setting)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[b] = exact_number(curvature)
    extras = {
        "design": "reconstruction: B curved (poisoned), on [0, 2L/b]",
        "b": curvature,
        "e": e,
        "U": upper,
        "supremum": SUPREMUM.subs(subs),
    }
    return Instance("P3", own, problem, "sgd", CLOSED_FORM_THEORY, subs, extras)


def _build_m1(setting: Setting) -> Instance:
    """``m = 1``: SGD draws nothing, so it is GD and the (P1) data are tight (eq. 5)."""
    problem = p1_problem(setting)
    own = _own_setting(setting)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    extras = {"design": "m = 1: (P1) data, linear loss (SGD = GD)"}
    return Instance("P3", own, problem, "sgd", CLOSED_FORM_M1, subs, extras)


def build(setting: Setting, variant: str = "linear-drift") -> Instance:
    """(P3) at ``setting``: the (P1) data when ``m = 1``, else the chosen design.

    Both designs: pivot ``(0, 0)``, special ``(+L, 0)`` in ``S`` and ``(-L, 0)`` in ``S'``,
    ``theta_0 = 0``, samples restricted to ``|a + b' theta| <= L`` on ``[0, U]``.
    ``variant="linear-drift"``: A ``(L - e_B - e, curvature)``, B ``(-(L - e_B), 0)``
    (:func:`design`); ``variant="theory"``: A ``(L - e, 0)``, B ``(-L, b)``
    (:func:`theory_design`).
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant: must be one of {VARIANTS} (got {variant!r})")
    if setting.m == 1:
        return _build_m1(setting)
    return _build_linear_drift(setting) if variant == "linear-drift" else _build_theory(setting)


CONSTRUCTION = Construction(
    name="P3",
    title="Data poisoning, SGD, convex (projected)",
    reference="Theorem 3.4(i) for SGD, App. D.4",
    threat="poisoning",
    algorithm="sgd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_poisoning_sgd_convex(
    n: int,
    f: int,
    m: int,
    T: int,
    step_size: Number,
    lipschitz: Number,
    smoothness: Number = 1,
    dps: int = 50,
    monte_carlo_samples: int = 2000,
    seed: int = 0,
    variant: str = "linear-drift",
    verbose: bool = True,
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Expected uniform stability of robust D-SGD (SMEA) under data poisoning, convex.

    **Setting** (``m >= 2``; for ``m = 1`` SGD is GD and the (P1) data are used).
    ``l(theta; (a, b')) = a theta + (b'/2) theta^2`` on ``theta in [0, U]``, samples with
    ``|a + b' theta| <= L`` there (convex, ``L``-Lipschitz, smooth with the largest
    ``b' <= beta``).  Pivot ``(0, 0)``; special sample ``(+L, 0)`` in ``S``, ``(-L, 0)``
    in ``S'``; A (``f`` honest) at ``(L - e_B - e, b_A)``; B (``f`` poisoned) at
    ``(-(L - e_B), 0)``; ``U``, ``e_B``, ``e``, ``b_A`` from :func:`design`.

    **Algorithm.** Robust D-SGD with SMEA, projected:
    ``theta_{t+1} = Proj_[0, U](theta_t - gamma SMEA(g_1, ..., g_n))``, each honest worker
    drawing one of its ``m`` samples uniformly (coupled draws in ``S`` and ``S'``),
    ``theta_0 = 0``.

    **Derivation.** Only the special worker's draw is random.  At ``theta = 0`` A's
    gradient ``L - e_B - e`` is smaller than B's magnitude ``L - e_B``: SMEA keeps pivot
    + A (with or without the special ``+L``), whose mean is positive, and the projection
    holds the run at 0.  So ``S`` stays at 0, and so does ``S'`` until the special sample
    is first drawn (time ``tau``, ``P(tau > t) = r^(t+1)``, ``r = 1 - 1/m``).  At ``tau``
    SMEA keeps special + B + pivot in ``S'`` (``e_B <= L/(4(n - 2f))``), ``theta'`` jumps
    to ``gamma (f (L - e_B) + L)/(n - f) > e/b_A``, where A's gradient exceeds B's
    magnitude: SMEA keeps pivot + B (+ special when drawn) from then on, so
    ``theta'_{t+1} = theta'_t + gamma (f (L - e_B) + L D_t)/(n - f)`` exactly (``D_t`` the
    draw indicator) and

    .. math:: E\\,\\varepsilon = L\\,E\\,\\theta'_T = \\frac{\\gamma L}{n - f}
              \\Big(f (L - e_B)\\big(T - (m - 1)(1 - (1 - 1/m)^T)\\big) + \\frac{L T}{m}\\Big),

    (``E eps = L E|gap|``: the sample ``(L, 0)`` reaches ``L |gap|`` in every state).

    **Theoretical values.** Upper: Theorem 3.3(i), eq. (5), ``2 gamma L^2 T (f + 1/m)/(n -
    f)``; the ratio is below 1/2 and tends to 1/2 as ``T`` grows.  Lower (registry,
    provisional): ``gamma L^2 f (T - m)/(n - f)``; the construction reaches at least
    ``(1 - 1/(8T))`` times its ``e_B -> 0`` supremum, hence (every ``T >= 1``)
    ``gamma L^2 (f (T - m) + T/m)/(n - f)``, above the registered value.

    Returns:
        (measured expected stability, closed form), ``mpmath.mpf``.  Exact when at most
        20,000 states are reachable, else a Monte Carlo mean (see :func:`measure`).

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_poisoning_sgd_convex(
        ...     n=7, f=2, m=3, T=6, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        0.205863435451913 0.205863435451913
    """
    setting = Setting(
        n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz, smoothness=smoothness
    )
    return run_example(
        CONSTRUCTION,
        setting,
        lambda s: build(s, variant),
        dps=dps,
        verbose=verbose,
        monte_carlo_samples=monte_carlo_samples,
        seed=seed,
    )


if __name__ == "__main__":
    wc_poisoning_sgd_convex(n=7, f=2, m=3, T=6, step_size=Fraction(1, 10), lipschitz=1)
