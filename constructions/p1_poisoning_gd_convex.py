"""(P1) Data poisoning, robust distributed GD, convex: the tight lower bound.

Paper Theorem 3.4(i), Appendix D.2; layout in docs/theory.md, section 3.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds.symbols import L, T, f, gamma, m, n
from boundkit.config import Number, Setting
from boundkit.dynamics.losses import LinearLoss
from boundkit.dynamics.problem import Problem
from constructions.base import Construction, Instance
from constructions.groups import pivot_a_b
from constructions.measure import hypotheses_reason, run_example, setting_subs

UPPER_ID = "thm3.3/convex"
LOWER_ID = "thm3.4/gd-convex"

#: eps = L |theta_T - theta'_T| = 2 gamma L^2 T (f + 1/m) / (n - f)   (= eq. 5, tight)
CLOSED_FORM: sp.Expr = 2 * gamma * L**2 * T * (f + 1 / m) / (n - f)


def applies(setting: Setting) -> str | None:
    """``None`` when (P1) is defined at ``setting`` and its bounds apply, else why not."""
    if setting.f < 1:
        return "needs f >= 1 (a poisoned group B)"
    return hypotheses_reason(_own_setting(setting), UPPER_ID, LOWER_ID)


def _own_setting(setting: Setting) -> Setting:
    """The constants (P1) really has: ``L``, any ``beta`` (kept), ``mu = 0``."""
    return setting.with_(strong_convexity=0)


def p1_problem(setting: Setting) -> Problem:
    """The (P1) data and workers as a simulator :class:`Problem` (also used by (P3) at m = 1)."""
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
    return Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=setting.f,
        poisoned=layout.misbehaving,
        start=0,
    )


def build(setting: Setting) -> Instance:
    """(P1): linear loss, pivot / A / B layout, ``theta_0 = 0``, no projection.

    ``l(theta; z) = z theta`` with ``|z| <= L``.  Pivot: ``n - 2f`` honest workers with
    samples 0, the special worker holding ``-L`` in ``S`` and ``+L`` in ``S'``; group A
    (``f`` honest) at ``+L``; group B (``f`` poisoned) at ``-L``.
    """
    problem = p1_problem(setting)
    own = _own_setting(setting)
    return Instance(
        name="P1",
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=CLOSED_FORM,
        closed_form_subs=setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz"),
        extras={"selected_in_S": "pivot + B", "selected_in_S_prime": "pivot + A"},
    )


CONSTRUCTION = Construction(
    name="P1",
    title="Data poisoning, GD, convex (tight)",
    reference="Theorem 3.4(i), App. D.2",
    threat="poisoning",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_poisoning_gd_convex(
    n: int,
    f: int,
    m: int,
    T: int,
    step_size: Number,
    lipschitz: Number,
    smoothness: Number = 1,
    dps: int = 50,
    verbose: bool = True,
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Uniform stability of robust D-GD (SMEA) under the worst data poisoning, convex.

    **Setting.** ``n`` workers, ``f`` of them poisoned, ``m`` samples per honest worker,
    the linear loss ``l(theta; z) = z theta`` with ``|z| <= L`` (convex, ``L``-Lipschitz,
    ``beta``-smooth for every ``beta``).  Honest datasets ``S, S'`` differ in one sample of
    the special worker (``-L`` / ``+L``); the pivot holds 0, group A (honest) ``+L``, group
    B (poisoned) ``-L``.

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``:
    ``theta_{t+1} = theta_t - gamma * SMEA(g_1, ..., g_n)``, ``g_i`` the mean local gradient.

    **Derivation.** Gradients do not depend on ``theta``.  By the pairwise variance
    identity SMEA keeps pivot + B in ``S`` (pairs ``f (L - L/m)^2`` against
    ``f (L + L/m)^2``) and pivot + A in ``S'``, with means ``-+ L (f + 1/m)/(n - f)``, so
    ``theta_T = -theta'_T = gamma L T (f + 1/m)/(n - f)`` and, since
    ``sup_{|z| <= L} |z (theta_T - theta'_T)| = L |theta_T - theta'_T|``,

    .. math:: \\varepsilon = 2 \\gamma L^2 T \\frac{f + 1/m}{n - f},

    **Theoretical value.** Equal to the upper bound of Theorem 3.3(i), eq. (5) (docs/theory.md,
    section 2): the construction is tight, constants included.

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_poisoning_gd_convex(
        ...     n=7, f=2, m=3, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        0.933333333333333 0.933333333333333
    """
    setting = Setting(
        n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz, smoothness=smoothness
    )
    return run_example(CONSTRUCTION, setting, build, dps=dps, verbose=verbose)


if __name__ == "__main__":
    wc_poisoning_gd_convex(n=7, f=2, m=3, T=10, step_size=Fraction(1, 10), lipschitz=1)
