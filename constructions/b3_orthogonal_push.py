"""(B3) Byzantine failures, every ``f``, dimension 2: the orthogonal push (boundkit's own).

Not from the paper: the paper proves its Byzantine lower bound ``sqrt(f/(n-2f))`` only for
``f >= n/3`` (B1) and calls ``f < n/3`` open; its one-dimensional pushes (B2) are only
``Theta(f/n)``.  In dimension 2 the Byzantine workers push along ``e2``, where the honest
gradients do not vary, and reach about ``2 gamma L^2 T sqrt(f/(n-f))`` for every ``f``.
The mathematics is in :mod:`boundkit.bounds.orthogonal_gap`; docs/theory.md, "The orthogonal push".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from boundkit.bounds.orthogonal_gap import (
    OrthogonalPush,
    changed_sample,
    honest_groups,
    orthogonal_push,
)
from boundkit.bounds.symbols import L, T, gamma
from boundkit.bounds.symbols import f as f_
from boundkit.bounds.symbols import n as n_
from boundkit.config import Number, Setting
from boundkit.dynamics.losses import LinearLoss
from boundkit.dynamics.problem import Problem
from constructions.base import Construction, Instance
from constructions.groups import NeighbouringLayout, balanced_halves
from constructions.measure import byzantine_report, hypotheses_reason, run_example, setting_subs
from constructions.push_supremum import PUSH_DIGITS, PUSH_MARGIN, rational_below

UPPER_ID = "thm3.1/convex"
LOWER_ID = "byzantine/orthogonal-push"

#: symbols of the closed form: the pushed values of the two runs and the e1 output gap
PUSH_UP, PUSH_DOWN, GAP_E1 = sp.symbols("D_up D_down Delta_1", real=True)


def applies(setting: Setting) -> str | None:
    """``None`` when (B3) is defined at ``setting``, else why not.

    (B3) needs ``f >= 1`` and, in both runs, a push ``D > 0`` at which SMEA keeps all
    ``f`` Byzantine vectors (fails near ``f = n/3``, where a window of one honest side
    and fewer Byzantine vectors is flatter, and where ``lambda_max`` ties over a whole
    interval, e.g. ``m = 2``: see :func:`boundkit.bounds.orthogonal_gap.orthogonal_push`).
    """
    if setting.f < 1:
        return "needs f >= 1 (Byzantine workers)"
    if orthogonal_push(setting.n, setting.f, setting.m) is None:
        return "SMEA never keeps all f pushed vectors here (no orthogonal push)"
    return hypotheses_reason(setting.with_(strong_convexity=0), UPPER_ID)


@dataclass(frozen=True)
class OrthogonalStrategy:
    """All ``f`` Byzantine workers send ``up`` when the mean of the honest messages'
    coordinate ``axis`` exceeds ``threshold``, else ``down``: a function of the view only,
    like the tailored attack (App. E.2).  (B3) triggers on the ``e1``-mean (``S'`` is the
    larger); the Lemma 4.1 variant on the ``e2``-mean (the pivot's side)."""

    threshold: Fraction
    up: tuple[Fraction, Fraction]
    down: tuple[Fraction, Fraction]
    axis: int = 0

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        honest = view.honest_messages
        count = sum(c for _, c in honest)
        mean = sum(x[self.axis] * c for x, c in honest) / count
        threshold = self.threshold
        if isinstance(mean, mpmath.mpf):
            threshold = mpmath.mpf(threshold.numerator) / threshold.denominator
        return ((self.up if mean > threshold else self.down, view.misbehaving_count),)


def _layout(n: int, f: int, m: int, lip: Fraction) -> NeighbouringLayout:
    """Honest workers of :func:`boundkit.bounds.orthogonal_gap.honest_groups`, as 2-vectors."""
    h = n - f
    sample = (lip * changed_sample(n, f, m), Fraction(0))
    return balanced_halves(
        h, m, high=(lip, Fraction(0)), low=(-lip, Fraction(0)), high_count=h // 2, changed=sample
    )


def _pushed(push: OrthogonalPush, lip: Fraction) -> tuple[Fraction, Fraction]:
    """``(D_up, D_down)``: each supremum times ``L``, just below it (the fixed relative
    margin :data:`constructions.push_supremum.PUSH_MARGIN`)."""
    scale = sp.Rational(lip.numerator, lip.denominator)
    return tuple(
        rational_below(side.pushed * scale, PUSH_MARGIN, PUSH_DIGITS)
        for side in (push.up, push.down)
    )


def build(setting: Setting) -> Instance:
    """(B3) at ``setting``: honest ``floor(h/2)`` at ``+L e1``, the others at ``-L e1``,
    one sample changed in ``S'``; Byzantine ``(0, +D_up)`` in ``S'``, ``(0, -D_down)``
    in ``S``, each just below its supremum (:mod:`boundkit.bounds.orthogonal_gap`).

    Gradients never change, so ``theta_T - theta'_T = gamma T Delta`` with ``Delta`` the
    per-step output difference: ``Delta_2 = f (D_up + D_down)/h`` (all ``f`` vectors
    kept in both runs) and ``Delta_1`` the ``e1`` means of the kept honest parts;
    ``eps = L gamma T |Delta|`` (the sup over the ``L``-ball of ``<z, Delta>``).
    """
    n, f, m = setting.n, setting.f, setting.m
    lip = Fraction(setting.lipschitz)
    push = orthogonal_push(n, f, m)
    if push is None:
        raise ValueError(f"B3 is not defined at n={n}, f={f}, m={m}")
    up, down = _pushed(push, lip)
    layout = _layout(n, f, m, lip)
    means = [sum(x * c for x, c in groups) / (n - f) for groups in _e1_groups(n, f, m)]
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip, dimension=2),
        misbehaving_count=f,
        byzantine=OrthogonalStrategy(
            threshold=lip * (means[0] + means[1]) / 2,
            up=(Fraction(0), up),
            down=(Fraction(0), -down),
        ),
        start=(Fraction(0), Fraction(0)),
    )
    h = n_ - f_
    closed = gamma * L * T * sp.sqrt((L * GAP_E1) ** 2 + (f_ * (PUSH_UP + PUSH_DOWN) / h) ** 2)
    own = setting.with_(strong_convexity=0)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs.update({PUSH_UP: sp.Rational(up), PUSH_DOWN: sp.Rational(down), GAP_E1: push.gap_e1})
    supremum = (gamma * L**2 * T).xreplace(subs) * push.gap
    return Instance(
        name="B3",
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=closed,
        closed_form_subs=subs,
        supremum=supremum,
        extras={
            "supremum_value": supremum,
            "pushed_up": up,
            "pushed_down": down,
            "pushed_up_supremum_squared": push.up.squared,
            "pushed_down_supremum_squared": push.down.squared,
            "kept_up": push.up.kept,
            "kept_down": push.down.kept,
            "rival_up": push.up.rival,
            "rival_down": push.down.rival,
            "relative_margin": PUSH_MARGIN,
        },
    )


def _e1_groups(n: int, f: int, m: int) -> tuple[tuple[tuple[Fraction, int], ...], ...]:
    """Honest ``e1`` values over ``L`` of ``S'`` and ``S``."""
    return honest_groups(n, f, m, neighbour=True), honest_groups(n, f, m, neighbour=False)


def gap_per_step(n: int, f: int, m: int = 1, lipschitz: Number = 1) -> mpmath.mpf | None:
    """The per-step gap (B3) reaches, over ``gamma L T``: ``L OrthogonalGap(n, f, m)``
    (the supremum, at the current precision); ``None`` where (B3) is not defined."""
    push = orthogonal_push(n, f, m)
    if push is None:
        return None
    lip = Fraction(lipschitz)
    return mpmath.mpf(sp.N(push.gap * sp.Rational(lip.numerator, lip.denominator), mpmath.mp.dps))


CONSTRUCTION = Construction(
    name="B3",
    title="Byzantine failures, GD, convex, every f, dimension 2 (orthogonal push; boundkit)",
    reference="boundkit, not from the paper; docs/theory.md, 'The orthogonal push'",
    threat="byzantine",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_orthogonal_push(
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
    """Uniform stability of robust D-GD (SMEA) under the (B3) orthogonal push.

    **Setting.** ``n`` workers, ``f`` Byzantine, ``h = n - f`` honest with ``m`` samples
    each; linear loss ``l(theta; z) = <z, theta>`` on ``R^2``, ``||z|| <= L``.  Honest:
    ``floor(h/2)`` workers at ``+L e1``, the others at ``-L e1``; in ``S'`` one ``-L e1``
    worker has its first sample moved to ``+L e1`` (to ``0`` when ``m = 1`` and ``h`` is
    even).

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``.  Byzantine workers,
    from the view only: all send ``(0, +D_up)`` when the honest ``e1``-mean is the larger
    one, else ``(0, -D_down)``.

    **Theoretical value.** ``eps -> gamma L^2 T OrthogonalGap(n, f, m)`` (registered
    ``byzantine/orthogonal-push``), about ``2 gamma L^2 T sqrt(f/(n-f))``.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_orthogonal_push(
        ...     n=20, f=3, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 12), mpmath.nstr(theoretical, 12))
        0.859364397432 0.859364397432
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
    wc_orthogonal_push(n=20, f=3, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1)
