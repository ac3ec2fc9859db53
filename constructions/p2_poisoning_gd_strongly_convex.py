"""(P2) Data poisoning, robust distributed GD, strongly convex.

Paper Theorem 3.4(ii), Appendix D.3; layout in docs/theory.md, section 3; its ratio to eq. (6) in
docs/theory.md, "Where we differ".
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds.symbols import T, f, gamma, m, mu, n
from boundkit.config import Number, Setting
from boundkit.dynamics.losses import QuadraticLoss
from boundkit.dynamics.problem import Problem
from constructions.base import Construction, Instance
from constructions.groups import pivot_a_b
from constructions.measure import (
    exact_number,
    hypotheses_reason,
    run_example,
    setting_subs,
)

UPPER_ID = "thm3.3/strongly-convex"
LOWER_ID = "thm3.4/gd-strongly-convex"

#: the radius of the parameter and data interval [-R, R]; R = L / (2 mu)
R = sp.Symbol("R", positive=True)
#: D = R (f + 1/m)/(n - f): |group mean| of the selected subsets
D = R * (f + 1 / m) / (n - f)
#: q = 1 - (1 - gamma mu)^T: the fraction of the way to the group mean after T steps
Q = 1 - (1 - gamma * mu) ** T
#: eps = (mu/2) |theta_T - theta'_T| (|theta_T + theta'_T| + 2R) with theta_T = -theta'_T
#:     = 2 mu R^2 ((f + 1/m)/(n - f)) (1 - (1 - gamma mu)^T)
CLOSED_FORM: sp.Expr = 2 * mu * R * D * Q
#: the same with R = L/(2 mu): (L^2/(2 mu)) ((f + 1/m)/(n - f)) (1 - (1 - gamma mu)^T)
RATIO_TO_EQ6: sp.Expr = Q / (8 * (1 - (1 - gamma * mu / 2) ** T))


def radius(setting: Setting) -> Fraction:
    """``R = L / (2 mu)``: then ``|grad| = mu |theta - z| <= 2 mu R = L`` on ``[-R, R]``."""
    return Fraction(setting.lipschitz) / (2 * Fraction(setting.strong_convexity))


def _own_setting(setting: Setting) -> Setting:
    """The constants (P2) really has: ``L``, ``beta = mu``, ``mu``."""
    return setting.with_(smoothness=setting.strong_convexity)


def applies(setting: Setting) -> str | None:
    """``None`` when (P2) is defined at ``setting`` and its bounds apply, else why not."""
    if setting.f < 1:
        return "needs f >= 1 (a poisoned group B)"
    if not setting.strong_convexity > 0:
        return "needs strong_convexity > 0"
    if Fraction(setting.step_size) * Fraction(setting.strong_convexity) > 1:
        return "needs gamma <= 1/mu (the iterates then stay in [-R, R])"
    return hypotheses_reason(_own_setting(setting), UPPER_ID, LOWER_ID)


def build(setting: Setting) -> Instance:
    """(P2): ``l(theta; z) = (mu/2)(theta - z)^2`` on ``[-R, R]``, ``R = L/(2 mu)``.

    Pivot ``n - 2f`` honest workers at 0, the special worker's sample ``-R`` in ``S`` and
    ``+R`` in ``S'``; group A (``f`` honest) at ``+R``; group B (``f`` poisoned) at ``-R``;
    ``theta_0 = 0``; no projection (the iterates stay in ``[-D, D]``, ``D <= R``).
    """
    r = radius(setting)
    layout = pivot_a_b(
        setting.n,
        setting.f,
        setting.m,
        pivot=0,
        special_in_s=-r,
        special_in_s_prime=r,
        group_a=r,
        group_b=-r,
    )
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=QuadraticLoss(Fraction(setting.strong_convexity), r),
        misbehaving_count=setting.f,
        poisoned=layout.misbehaving,
        start=0,
    )
    own = _own_setting(setting)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "strong_convexity")
    subs[R] = exact_number(r)
    return Instance(
        name="P2",
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=CLOSED_FORM,
        closed_form_subs=subs,
        extras={"R": r, "selected_in_S": "pivot + B", "selected_in_S_prime": "pivot + A"},
    )


CONSTRUCTION = Construction(
    name="P2",
    title="Data poisoning, GD, strongly convex",
    reference="Theorem 3.4(ii), App. D.3",
    threat="poisoning",
    algorithm="gd",
    convexity="strongly-convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_poisoning_gd_strongly_convex(
    n: int,
    f: int,
    m: int,
    T: int,
    step_size: Number,
    lipschitz: Number,
    strong_convexity: Number,
    dps: int = 50,
    verbose: bool = True,
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Uniform stability of robust D-GD (SMEA) under data poisoning, strongly convex.

    **Setting.** ``l(theta; z) = (mu/2)(theta - z)^2`` with ``theta, z in [-R, R]``,
    ``R = L/(2 mu)``: ``mu``-strongly convex, ``beta = mu``, ``L``-Lipschitz.  Pivot at 0
    (special sample ``-R`` in ``S``, ``+R`` in ``S'``), A honest at ``+R``, B poisoned at
    ``-R``; ``gamma <= 1/mu``.

    **Algorithm.** Robust D-GD with SMEA from ``theta_0 = 0``.

    **Derivation.** The gradients ``mu (theta - zbar_i)`` have a variance independent of
    ``theta``, so SMEA keeps pivot + B in ``S`` and pivot + A in ``S'`` at every step
    (as in (P1) with ``L`` replaced by ``R``); each run follows
    ``theta_{t+1} - c = (1 - gamma mu)(theta_t - c)`` towards its group mean
    ``c = -+D``, ``D = R (f + 1/m)/(n - f)``, so ``theta_T = -theta'_T = -D q`` with
    ``q = 1 - (1 - gamma mu)^T``.  For the quadratic loss
    ``sup_{|z| <= R} |l(theta; z) - l(theta'; z)| = (mu/2)|theta - theta'|
    (|theta + theta'| + 2R)`` (not ``L |theta - theta'|``), hence

    .. math:: \\varepsilon = 2 \\mu R^2 \\frac{f + 1/m}{n - f}\\,(1 - (1 - \\gamma\\mu)^T)
              = \\frac{L^2}{2\\mu} \\frac{f + 1/m}{n - f}\\,(1 - (1 - \\gamma\\mu)^T).

    **Theoretical value.** Against the upper bound of Theorem 3.3(ii), eq. (6),
    ``(4 L^2/mu)((f + 1/m)/(n - f))(1 - (1 - gamma mu/2)^T)``, the ratio is
    ``(1 - (1 - gamma mu)^T) / (8 (1 - (1 - gamma mu/2)^T))``, in ``[1/8, 1/4]`` for
    ``gamma <= 1/mu`` (``1/4`` at ``T = 1``, ``-> 1/8`` as ``T -> oo``).

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_poisoning_gd_strongly_convex(
        ...     n=7, f=2, m=3, T=10, step_size=Fraction(1, 10), lipschitz=1,
        ...     strong_convexity=Fraction(1, 2), verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        0.18725609502209 0.18725609502209
    """
    setting = Setting(
        n=n,
        f=f,
        m=m,
        T=T,
        step_size=step_size,
        lipschitz=lipschitz,
        smoothness=strong_convexity,
        strong_convexity=strong_convexity,
    )
    return run_example(CONSTRUCTION, setting, build, dps=dps, verbose=verbose)


if __name__ == "__main__":
    wc_poisoning_gd_strongly_convex(
        n=7, f=2, m=3, T=10, step_size=Fraction(1, 10), lipschitz=1, strong_convexity=Fraction(1, 2)
    )
