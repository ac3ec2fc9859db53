"""(P3) Data poisoning, robust distributed SGD, convex, projected on ``[0, 2L/b]``.

THEORY.md section 3 (P3); paper Theorem 3.4(i) for SGD, Appendix D.4.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.config import Number, Setting
from boundkit.losses import Box, LinearLoss, LinearQuadraticLoss
from boundkit.simulate import Problem
from boundkit.symbols import L, T, f, gamma, m, n
from constructions.base import Construction, Instance
from constructions.groups import pivot_a_b
from constructions.measure import exact_number, hypotheses_reason, measure, report, setting_subs

UPPER_ID = "thm3.3/convex"
LOWER_ID = "thm3.4/sgd-convex"

#: curvature of the poisoned samples (the loss is b-smooth, b <= beta)
b = sp.Symbol("b", positive=True)
#: c = 1 - gamma f b/(n - f): contraction of the poisoned-side drift
C = 1 - gamma * f * b / (n - f)
#: r = 1 - 1/m: probability that the special sample is not drawn at one step
RHO = 1 - 1 / m
#: sum_{t<T} c^(T-1-t) r^(t+1) (Piecewise for the removable case r = c)
_MIXED = sp.Piecewise(
    (T * C ** (T - 1) * RHO, sp.Eq(RHO, C)),
    (RHO * (RHO**T - C**T) / (RHO - C), True),
)
#: E|theta_T - theta'_T| of the projected design (m >= 2), exactly
EXPECTED_GAP: sp.Expr = (gamma * L / (n - f)) * ((f + 1 / m) * (1 - C**T) / (1 - C) - f * _MIXED)
#: E eps = L E|gap| (the sample (L, 0) is a linear witness: constructions.measure)
CLOSED_FORM_PROJECTED: sp.Expr = L * EXPECTED_GAP
#: the b -> 0 limit (a supremum, approached as b -> 0, not attained)
SUPREMUM: sp.Expr = gamma * L**2 / (n - f) * ((f + 1 / m) * T - f * (m - 1) * (1 - RHO**T))
#: m = 1: SGD is GD, the (P1) data reach eq. (5) exactly
CLOSED_FORM_M1: sp.Expr = 2 * gamma * L**2 * T * (f + 1 / m) / (n - f)
#: a lower bound the construction provably reaches for every T >= 1 (see build)
PROVEN_LOWER: sp.Expr = gamma * L**2 * (f * (T - m) + T / m) / (n - f)


def design(setting: Setting) -> tuple[Fraction, Fraction]:
    """``(b, e)``: the curvature of B and the gap of A below ``L``, exact rationals.

    With ``h = n - f``:

    * ``b = min(beta, h / (2 gamma (f + 1) T^2))`` -- ``b <= beta`` keeps the loss
      ``beta``-smooth (so ``gamma b <= 2`` under ``gamma <= 2/beta``), and
      ``gamma f b / h <= 1/(2 T^2)`` keeps ``b theta' <= L/8`` at every step before ``T``
      (so the poisoned gradient stays in ``[-L, -7L/8]``) and the drift nearly linear;
    * ``e = min(L/(n - 2f), b gamma (f + 1) L / h) / 2`` -- ``0 < e < L/(n - 2f)``
      (SMEA keeps pivot + A at ``theta = 0`` in both runs, switches ``S'`` to pivot + B
      at the first draw of the special sample, and keeps it there when that sample is
      drawn again, which needs ``e < 2u/(n - 2f)`` for ``u = L - b theta' >= 7L/8``) and
      ``e < b gamma (f + 1) L/h`` (the first kick ``gamma (f + 1) L/h`` clears ``e/b``).
    """
    h = setting.n - setting.f
    lip, step = Fraction(setting.lipschitz), Fraction(setting.step_size)
    beta = Fraction(setting.smoothness)
    cap = Fraction(h) / (2 * step * (setting.f + 1) * setting.T**2) if setting.T else beta
    curvature = min(beta, cap)
    gap = min(lip / (setting.n - 2 * setting.f), curvature * step * (setting.f + 1) * lip / h) / 2
    return curvature, gap


def _own_setting(setting: Setting) -> Setting:
    """The constants (P3) really has: ``L``, ``beta`` kept (``b <= beta``), ``mu = 0``."""
    return setting.with_(strong_convexity=0)


def applies(setting: Setting) -> str | None:
    """``None`` when (P3) is defined at ``setting`` and its bounds apply, else why not."""
    if setting.f < 1:
        return "needs f >= 1 (a poisoned group B)"
    if setting.T < 1:
        return "needs T >= 1"
    return hypotheses_reason(_own_setting(setting), UPPER_ID, LOWER_ID)


def _build_linear(setting: Setting) -> Instance:
    """``m = 1``: SGD draws nothing, so it is GD and the (P1) data are tight (eq. 5)."""
    lip = Fraction(setting.lipschitz)
    layout = pivot_a_b(
        setting.n,
        setting.f,
        setting.m,
        pivot=0,
        special_in_s=-lip,
        special_in_s_prime=lip,
        group_a=lip,
        group_b=-lip,
    )
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=setting.f,
        poisoned=layout.misbehaving,
        start=0,
    )
    own = _own_setting(setting)
    return Instance(
        name="P3",
        setting=own,
        problem=problem,
        algorithm="sgd",
        closed_form=CLOSED_FORM_M1,
        closed_form_subs=setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz"),
        extras={"design": "m = 1: (P1) data, linear loss (SGD = GD)"},
    )


def _build_projected(setting: Setting) -> Instance:
    """``m >= 2``: the linear-quadratic loss projected on ``[0, 2L/b]`` (THEORY.md (P3))."""
    lip = Fraction(setting.lipschitz)
    curvature, e = design(setting)
    upper = 2 * lip / curvature
    layout = pivot_a_b(
        setting.n,
        setting.f,
        setting.m,
        pivot=(0, 0),
        special_in_s=(lip, 0),
        special_in_s_prime=(-lip, 0),
        group_a=(lip - e, 0),
        group_b=(-lip, curvature),
    )
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearQuadraticLoss(lip, curvature, upper, bounded_gradients=True),
        misbehaving_count=setting.f,
        poisoned=layout.misbehaving,
        start=0,
        projection=Box(0, upper),
    )
    own = _own_setting(setting)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[b] = exact_number(curvature)
    return Instance(
        name="P3",
        setting=own,
        problem=problem,
        algorithm="sgd",
        closed_form=CLOSED_FORM_PROJECTED,
        closed_form_subs=subs,
        extras={
            "design": "linear-quadratic, projected on [0, 2L/b]",
            "b": curvature,
            "e": e,
            "domain_upper": upper,
        },
    )


def build(setting: Setting) -> Instance:
    """(P3) at ``setting``: the (P1) data when ``m = 1``, the projected design else.

    Projected design (``m >= 2``): ``l(theta; (a, b')) = a theta + (b'/2) theta^2`` on
    ``[0, 2L/b]``, samples restricted to ``|a + b' theta| <= L`` there; pivot ``(0, 0)``,
    special ``(+L, 0)`` in ``S`` and ``(-L, 0)`` in ``S'``, A (honest) ``(L - e, 0)``,
    B (poisoned) ``(-L, b)``; ``theta_0 = 0``; ``(b, e)`` from :func:`design`.
    """
    return _build_linear(setting) if setting.m == 1 else _build_projected(setting)


CONSTRUCTION = Construction(
    name="P3",
    title="Data poisoning, SGD, convex (projected)",
    reference="Theorem 3.4(i) for SGD, App. D.4; THEORY.md (P3)",
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
    verbose: bool = True,
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Expected uniform stability of robust D-SGD (SMEA) under data poisoning, convex.

    **Setting** (``m >= 2``; for ``m = 1`` SGD is GD and the (P1) data are used).
    ``l(theta; (a, b')) = a theta + (b'/2) theta^2`` on ``theta in [0, 2L/b]`` with samples
    such that ``|a + b' theta| <= L`` there (convex, ``L``-Lipschitz, ``b``-smooth,
    ``b <= beta``).  Pivot ``(0, 0)``; the special sample is ``(+L, 0)`` in ``S`` and
    ``(-L, 0)`` in ``S'``; A (``f`` honest) ``(L - e, 0)``; B (``f`` poisoned) ``(-L, b)``.

    **Algorithm.** Robust D-SGD with SMEA, projected: ``theta_{t+1} = Proj_[0, 2L/b](theta_t
    - gamma SMEA(g_1, ..., g_n))``, each honest worker drawing one of its ``m`` samples
    uniformly (coupled draws in ``S`` and ``S'``), ``theta_0 = 0``.

    **Derivation.** Only the special worker's draw is random.  Until the special sample is
    first drawn (time ``tau``, ``P(tau > t) = r^(t+1)``, ``r = 1 - 1/m``) SMEA keeps
    pivot + A in both runs (variance ``(L - e)^2`` against ``L^2``), whose mean is positive:
    the projection holds both at 0.  ``S`` stays at 0 for ever.  In ``S'`` the draw flips
    the choice to pivot + B (``e < 2L/(n - 2f)``) and, as ``b theta' > e`` afterwards, it
    stays there: ``theta'_{t+1} = c theta'_t + gamma L (f + D_t)/(n - f)`` with
    ``c = 1 - gamma f b/(n - f)`` and ``D_t`` the draw indicator.  Taking expectations
    (``E[(f + D_t) 1{tau <= t}] = f (1 - r^(t+1)) + 1/m``):

    .. math:: E|\\theta_T - \\theta'_T| = \\frac{\\gamma L}{n - f}\\sum_{t=0}^{T-1}
              c^{T-1-t}\\,(f + 1/m - f r^{t+1})
              = \\frac{\\gamma L}{n-f}\\Big[(f + \\tfrac1m)\\frac{1 - c^T}{1 - c}
              - f r \\frac{r^T - c^T}{r - c}\\Big],

    and ``E eps = L E|gap|`` (the sample ``(L, 0)`` reaches ``L |gap|`` in every state).
    As ``b -> 0`` it tends to ``(gamma L^2/(n - f))((f + 1/m) T - f (m - 1)(1 - r^T))``.

    **Theoretical values.** Upper: Theorem 3.3(i), eq. (5), ``2 gamma L^2 T (f + 1/m)/(n -
    f)``; the ratio is below 1/2 and tends to 1/2.  Lower (registry, provisional):
    ``gamma L^2 f (T - m)/(n - f)``; the construction provably reaches
    ``gamma L^2 (f (T - m) + T/m)/(n - f)`` for every ``T >= 1`` (``c^(T-1) >= 1 - 1/(2T)``).

    Returns:
        (measured expected stability, closed form), ``mpmath.mpf``.  Exact when at most
        20,000 states are reachable, else a Monte Carlo mean (see :func:`measure`).

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_poisoning_sgd_convex(
        ...     n=7, f=2, m=3, T=6, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        0.203003160633539 0.203003160633539
    """
    setting = Setting(
        n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz, smoothness=smoothness
    )
    reason = applies(setting)
    if reason is not None:
        raise ValueError(f"P3 is not defined here: {reason}")
    instance = build(setting)
    measurement = measure(instance, dps=dps, monte_carlo_samples=monte_carlo_samples, seed=seed)
    if verbose:
        print(report(CONSTRUCTION.title, instance, measurement, UPPER_ID, LOWER_ID, dps))
    return measurement.empirical, measurement.closed_form


if __name__ == "__main__":
    wc_poisoning_sgd_convex(n=7, f=2, m=3, T=6, step_size=Fraction(1, 10), lipschitz=1)
