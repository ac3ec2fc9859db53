"""(B4) Byzantine failures, robust distributed GD, convex, every ``f``: the two-sided push.

boundkit's own construction, not from the paper (docs/theory.md, "The two-sided push");
closed form :mod:`boundkit.bounds.two_sided_gap`, attack :mod:`constructions.two_sided_attack`.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds.symbols import L, T, gamma
from boundkit.bounds.symbols import f as f_
from boundkit.bounds.symbols import n as n_
from boundkit.bounds.two_sided_gap import TWO_SIDED_GAP
from boundkit.config import Number, Setting
from boundkit.dynamics.losses import LinearLoss
from boundkit.dynamics.problem import Problem
from constructions.base import Construction, Instance
from constructions.measure import byzantine_report, hypotheses_reason, run_example, setting_subs
from constructions.push_supremum import MARGIN, MARGIN_DOWN, PUSH_MARGIN
from constructions.two_sided_attack import (
    TRIGGER,
    two_sided_attack,
    two_sided_gap_closed_form,
    two_sided_layout,
    two_sided_strategy,
)

UPPER_ID = "thm3.1/convex"
LOWER_ID = "byzantine/two-sided-push"


def applies(setting: Setting) -> str | None:
    """``None`` when (B4) is defined at ``setting`` (``f >= 1``, Theorem 3.1's
    hypotheses), else why not."""
    if setting.f < 1:
        return "needs f >= 1 (Byzantine workers)"
    return hypotheses_reason(setting.with_(strong_convexity=0), UPPER_ID)


def build(setting: Setting) -> Instance:
    """(B4): ``p`` honest workers at ``+L``, ``h - p`` at ``-L`` (``p`` the better of
    ``floor(h/2)``, ``ceil(h/2)``, for ``3f < n`` clipped to ``[f, n - 2f - 1]``); ``S`` is the
    run pushed up, ``S'`` the run pushed down.

    Gradients never change (linear loss), so every step is the same and
    ``eps = gamma L T (G(delta) - s_up delta_v / h - s_down delta_v_down / h)``: ``G`` the gap
    of :func:`constructions.two_sided_attack.two_sided_gap_closed_form` at the trigger
    ``delta`` (symbol ``delta_trigger``, over ``L``), ``s_up``, ``s_down`` the Byzantine copies
    SMEA keeps, ``delta_v``, ``delta_v_down`` the margins below the two suprema.
    """
    n, f, m = setting.n, setting.f, setting.m
    lip = Fraction(setting.lipschitz)
    attack = two_sided_attack(n, f, m, lip)
    layout = two_sided_layout(n, f, m, lip, attack.high_count, attack.change)
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=f,
        byzantine=two_sided_strategy(attack),
        start=0,
    )
    h = n_ - f_
    margins = attack.up.selected * MARGIN / h + attack.down.selected * MARGIN_DOWN / h
    closed = gamma * L * T * (two_sided_gap_closed_form(n, f, attack.high_count) - margins)
    own = setting.with_(strong_convexity=0)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[MARGIN] = attack.margin_up
    subs[MARGIN_DOWN] = attack.margin_down
    ratio = attack.change / lip
    subs[TRIGGER] = sp.Rational(ratio.numerator, ratio.denominator)
    supremum = gamma * L**2 * T * TWO_SIDED_GAP
    return Instance(
        name="B4",
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=closed,
        closed_form_subs=subs,
        supremum=supremum.xreplace(subs),
        extras={
            "supremum": supremum,
            "supremum_value": supremum.xreplace(subs),
            "high_count": attack.high_count,
            "trigger": attack.change,
            "pushed_up": attack.pushed_up,
            "pushed_down": attack.pushed_down,
            "pushed_up_supremum": attack.up.value,
            "pushed_down_supremum": -attack.down.value,
            "relative_margin": PUSH_MARGIN,
            "selected_byzantine": (attack.up.selected, attack.down.selected),
            "threshold": attack.threshold,
            "attack": attack,
        },
    )


CONSTRUCTION = Construction(
    name="B4",
    title="Byzantine failures, GD, convex, every f: the two-sided push (boundkit)",
    reference="boundkit construction (B4); docs/theory.md, 'The two-sided push'",
    threat="byzantine",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_two_sided_push(
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
    """Uniform stability of robust D-GD (SMEA) under the (B4) two-sided push, every ``f``.

    **Setting.** ``n`` workers, ``f >= 1`` Byzantine, ``h = n - f`` honest with ``m`` samples
    each; linear loss ``l(theta; z) = z theta``, ``|z| <= L`` (convex, ``L``-Lipschitz,
    ``beta``-smooth for every ``beta``); ``theta_0 = 0``.  Honest workers: ``p`` with every
    sample at ``+L``, ``h - p`` at ``-L``, ``p`` about ``h/2``.  The runs differ in one sample
    of one worker, the *trigger*: for ``3f < n`` a ``-L`` worker holds ``+L`` as its first
    sample in ``S`` (it sends ``-L + 2L/m``); for ``3f >= n`` a ``+L`` worker holds
    ``L - m delta`` as its first sample in ``S'`` (``delta = 10^-45 L``, the push margin).

    **Algorithm.** Robust distributed GD with SMEA.  Byzantine workers, from the view only:
    if the honest mean exceeds the midpoint of the two runs' honest means (run ``S``), all
    send ``v_up``, otherwise all send ``v_down``: each a margin ``10^-45`` (relative)
    inside the end of the interval on which exact SMEA keeps the ``f`` copies and the
    ``n - 2f`` most extreme honest messages on that side (upper in ``S``, lower in ``S'``).
    The changed sample is only what tells the runs apart: the two runs are pushed in
    opposite directions, where (B1)/(B2) push one run and leave the other at its mean.

    **Derivation.** Bound by the honest window, the up-run's output tends to
    ``mu_P + (f/h)(mu_P - mu_R)`` (``P`` the ``k = n - 2f`` largest honest messages, ``R`` the
    ``f`` others, constant), the down-run's to its mirror image; hence
    (:mod:`boundkit.bounds.two_sided_gap`):

    .. math:: \\varepsilon \\to \\gamma L^2 T \\left(\\frac{4f + 2/m}{n - 2f}
              + \\frac{2f}{m (n - f)(n - 2f)}\\right) \\quad (3f < n),
              \\qquad \\gamma L^2 T \\left(2 + 2\\sqrt{\\frac{f}{n - 2f}
              \\left(1 - \\frac{(n - f) \\bmod 2}{(n - f)^2}\\right)}\\right) \\quad (3f \\ge n).

    At ``(n, f, m) = (3, 1, 2)``: ``4 gamma L^2 T`` (the full-flip attack of docs/theory.md,
    "The two-sided push (B4)", gives ``3.5``; the poisoning bound eq. (5) is ``1.5``).

    **Theoretical value.** Registered lower bound ``byzantine/two-sided-push`` =
    ``gamma L^2 T TWO_SIDED_GAP`` (the supremum, approached as the margins and, for
    ``3f >= n``, the trigger shrink); upper bound Theorem 3.1(i), eq. (2).

    **Reference.** boundkit construction (B4); docs/theory.md, "The two-sided push".

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_two_sided_push(
        ...     n=3, f=1, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        4.0 4.0
    """
    setting = Setting(
        n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz, smoothness=smoothness
    )
    return run_example(
        CONSTRUCTION,
        setting,
        build,
        dps=dps,
        verbose=verbose,
        reporter=byzantine_report,
    )


if __name__ == "__main__":
    wc_two_sided_push(n=3, f=1, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1)
