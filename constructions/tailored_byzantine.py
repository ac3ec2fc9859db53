"""The tailored two-sided Byzantine attack (App. E.2, Algorithm 2), robust D-GD, convex.

Paper Section 4, Appendix E.2, Algorithm 2 (Figure 1); docs/theory.md, section 4.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from boundkit.bounds.symbols import L, T, gamma
from boundkit.bounds.symbols import f as f_
from boundkit.bounds.symbols import n as n_
from boundkit.config import Number, Setting
from boundkit.dynamics.losses import LinearLoss
from boundkit.dynamics.problem import Problem, WorkerGroup
from boundkit.errors import ParameterError
from constructions.base import Construction, Instance
from constructions.grouped_values import Groups, as_fraction, mean, normalise, variance
from constructions.groups import NeighbouringLayout, constant_group, pivot_a_b, special_worker
from constructions.measure import byzantine_report, hypotheses_reason, run_example, setting_subs
from constructions.push_strategies import AdaptiveTwoSidedPush
from constructions.push_supremum import (
    MARGIN,
    MARGIN_DOWN,
    PushSupremum,
    best_selected_push,
    push_supremum,
)

UPPER_ID = "thm3.1/convex"
LOWER_ID = "thm3.2/f-ge-n/3"


@dataclass(frozen=True)
class Identities:
    """How many Byzantine identities are taken from each (P1) group (App. E.2).

    ``pivot`` from the pivot workers other than the special one, ``a`` from group A
    (``+L``), ``b`` from group B (``-L``); the other B workers are honest here.
    """

    pivot: int
    a: int
    b: int


def _honest_values(n: int, f: int, m: int, lip: Fraction, ids: Identities) -> tuple[Groups, Groups]:
    """Honest messages in ``S`` (special sends ``-L/m``) and ``S'`` (``+L/m``)."""
    rest = [(Fraction(0), n - 2 * f - 1 - ids.pivot), (lip, f - ids.a), (-lip, f - ids.b)]
    return normalise([(-lip / m, 1), *rest]), normalise([(lip / m, 1), *rest])


def choose_identities(n: int, f: int, m: int, lip: Fraction) -> Identities:
    """Byzantine identities maximising the smallest honest variance over ``S`` and ``S'``.

    App. E.2: "we choose the identities of the Byzantine workers to maximize the minimal
    variance"; the honest set is the only ``(n - f)``-subset free of Byzantine values, so
    its variance is what a pushed window must beat.  Ties: the larger exact gap of the
    two-sided push (:func:`push_supremum`), then the lexicographically largest.
    """
    candidates = []
    for p in range(0, min(f, n - 2 * f - 1) + 1):
        for a in range(0, min(f, f - p) + 1):
            b = f - p - a
            if b <= f:
                ids = Identities(p, a, b)
                s, s_prime = _honest_values(n, f, m, lip, ids)
                candidates.append((min(variance(s), variance(s_prime)), ids))
    best = max(v for v, _ in candidates)
    tied = [ids for v, ids in candidates if v == best]
    if len(tied) == 1:
        return tied[0]
    return max(tied, key=lambda ids: (_num(_exact_gap(n, f, m, lip, ids)[0]), ids.pivot, ids.a))


def _num(x: sp.Expr) -> mpmath.mpf:
    with mpmath.workdps(80):
        return mpmath.mpf(sp.N(x, 90))


def _exact_gap(
    n: int, f: int, m: int, lip: Fraction, ids: Identities
) -> tuple[sp.Expr, PushSupremum | None, PushSupremum | None]:
    """``sup(out_S') - inf(out_S)``: the up push in ``S'`` plus the down push in ``S``."""
    s, s_prime = _honest_values(n, f, m, lip, ids)
    up = push_supremum(s_prime, f)
    down = push_supremum(s, f, direction=-1)
    top = up.output if up is not None else _rat(mean(s_prime))
    bottom = -down.output if down is not None else _rat(mean(s))
    return sp.radsimp(top - bottom), up, down


def _rat(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _layout(n: int, f: int, m: int, lip: Fraction, ids: Identities) -> tuple[tuple, tuple]:
    """The (P1) groups (:func:`pivot_a_b`) with the Byzantine identities removed; the B
    workers that are not Byzantine become honest (their data ``-L``)."""
    layout = _pivot_a_b(n, f, m, lip)
    keep = {"pivot": n - 2 * f - 1 - ids.pivot, "A": f - ids.a}
    honest_b = tuple(replace(g, count=f - ids.b) for g in layout.misbehaving if f - ids.b > 0)

    def trimmed(groups: tuple[WorkerGroup, ...]) -> tuple[WorkerGroup, ...]:
        out = []
        for g in groups:
            count = keep.get(g.label, g.count)
            if count > 0:
                out.append(replace(g, count=count))
        return tuple(out) + honest_b

    return trimmed(layout.honest), trimmed(layout.honest_neighbour)


def _pivot_a_b(n: int, f: int, m: int, lip: Fraction) -> NeighbouringLayout:
    """:func:`pivot_a_b` with the (P1) values.

    Work-around: ``pivot_a_b`` builds a ``WorkerGroup`` of count 0 (rejected by the
    simulator) when ``n = 2f + 1`` (no pivot worker besides the special one); then the
    same groups are assembled from the helpers of :mod:`constructions.groups`.
    """
    try:
        return pivot_a_b(
            n, f, m, pivot=0, special_in_s=-lip, special_in_s_prime=lip, group_a=lip, group_b=-lip
        )
    except ParameterError:
        if n - 2 * f - 1 != 0:
            raise
    a = constant_group(lip, m, f, "A")
    return NeighbouringLayout(
        honest=(special_worker(-lip, 0, m), a),
        honest_neighbour=(special_worker(lip, 0, m), a),
        misbehaving=(constant_group(-lip, m, f, "B"),),
    )


@dataclass(frozen=True)
class TailoredAttack:
    """The attack at one point: identities, threshold, exact suprema and pushed values."""

    identities: Identities
    honest_s: Groups
    honest_s_prime: Groups
    threshold: Fraction
    gap_sup: sp.Expr
    up: PushSupremum | None
    down: PushSupremum | None
    pushed_up: Any
    pushed_down: Any


@functools.lru_cache(maxsize=4096)
def tailored_attack(n: int, f: int, m: int, lipschitz: Any) -> TailoredAttack:
    """Identities, exact suprema, and the values the numeric bisection sends (App. E.2)."""
    lip = as_fraction(lipschitz)
    ids = choose_identities(n, f, m, lip)
    s, s_prime = _honest_values(n, f, m, lip, ids)
    gap, up, down = _exact_gap(n, f, m, lip, ids)
    pushed_up = best_selected_push(s_prime, f, direction=1) if up else None
    pushed_down = best_selected_push(s, f, direction=-1) if down else None
    return TailoredAttack(
        ids, s, s_prime, (mean(s) + mean(s_prime)) / 2, gap, up, down, pushed_up, pushed_down
    )


def applies(setting: Setting) -> str | None:
    """``None`` when defined: ``f >= 1`` and the (P1) layout exists (``n - 2f >= 1``)."""
    if setting.f < 1:
        return "needs f >= 1 (Byzantine workers)"
    return hypotheses_reason(setting.with_(strong_convexity=0), UPPER_ID)


def build(setting: Setting) -> Instance:
    """The tailored attack on the (P1) data (App. E.2 (i)-(ii)).

    Closed form: ``eps = gamma L T (G - s_up delta_v / h - s_down delta_v_down / h)`` with
    ``G = sup out_S' - inf out_S`` exact (:func:`push_supremum` on both runs), ``s_up``,
    ``s_down`` the Byzantine copies in the selected windows and ``delta_v``,
    ``delta_v_down`` the gaps between the suprema and the values the strategy sends
    (:func:`constructions.push_supremum.best_selected_push`, the same exact routine on
    the observed messages, so the simulated runs select the windows ``G`` is made of).
    """
    n, f, m = setting.n, setting.f, setting.m
    lip = Fraction(setting.lipschitz)
    attack = tailored_attack(n, f, m, lip)
    honest, honest_neighbour = _layout(n, f, m, lip, attack.identities)
    problem = Problem(
        honest=honest,
        honest_neighbour=honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=f,
        byzantine=AdaptiveTwoSidedPush(threshold=attack.threshold),
        start=0,
    )
    h = n_ - f_
    s_up = attack.up.selected if attack.up else 0
    s_down = attack.down.selected if attack.down else 0
    gap = L * attack.gap_sup / _rat(lip)
    closed = gamma * L * T * (gap - s_up * MARGIN / h - s_down * MARGIN_DOWN / h)
    own = setting.with_(strong_convexity=0)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[MARGIN] = attack.up.value - _rat(as_fraction(attack.pushed_up)) if attack.up else 0
    subs[MARGIN_DOWN] = (
        attack.down.value - _rat(-as_fraction(attack.pushed_down)) if attack.down else 0
    )
    supremum = gamma * L * T * gap
    return Instance(
        name="tailored",
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=closed,
        closed_form_subs=subs,
        supremum=supremum.xreplace(subs) if attack.up or attack.down else None,
        extras={
            "supremum": supremum,
            "supremum_value": supremum.xreplace(subs),
            "identities": attack.identities,
            "pushed_up": attack.pushed_up,
            "pushed_down": attack.pushed_down,
            "threshold": attack.threshold,
            "attack": attack,
        },
    )


CONSTRUCTION = Construction(
    name="tailored",
    title="Tailored two-sided Byzantine attack, GD, convex (App. E.2)",
    reference="Section 4, App. E.2, Algorithm 2",
    threat="byzantine",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
    lower_selector=lambda setting: LOWER_ID if 3 * setting.f >= setting.n else None,
)


def wc_tailored_byzantine(
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
    """Uniform stability of robust D-GD (SMEA) under the tailored two-sided attack.

    **Setting.** The (P1) data (App. D.2): pivot of ``n - 2f`` workers at 0 (the special
    worker holds ``-L`` in ``S`` and ``+L`` in ``S'``), ``f`` workers at ``+L`` (A) and ``f``
    at ``-L`` (B); ``f`` of the ``n`` workers are Byzantine, chosen (fixed per ``f``) to
    maximise the smallest honest variance (:func:`choose_identities`); linear loss.

    **Algorithm.** Robust D-GD with SMEA, ``theta_0 = 0``.  Algorithm 2: above the midpoint
    of the two runs' honest means all Byzantines push up, below it down, each time to
    just inside the end of the selection interval of the window that moves SMEA's
    output most (:func:`constructions.push_supremum.best_selected_push`, exact).  Not
    the farthest value SMEA still selects: further out the selected window can hold
    fewer Byzantine copies and move the output less (at ``(n, f, m) = (6, 2, 2)`` the
    downward push keeps both copies up to ``-5/2``, output ``-7/4``, and one copy up to
    ``-8/3``, output ``-31/24``; sending the latter broke the closed form).

    **Theoretical value.** ``gamma L T (sup out_S' - inf out_S)`` exactly (closed form of
    :func:`build`).  About twice the one-sided (B1) push on balanced halves; against
    the optimised (B1) (:func:`constructions.halves_attack.halves_attack`) the factor is
    between 1 (``n = 3, f = 1, m = 1``) and 2 (median 1.82 over ``f >= n/3``, ``n <= 41``,
    ``m in {1, 2, 5}``), and never below 1 there (registered ``thm3.2/f-ge-n/3``).

    **Reference.** Section 4, App. E.2, Algorithm 2.

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_tailored_byzantine(
        ...     n=7, f=3, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 12) == mpmath.nstr(theoretical, 12))
        True
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
    wc_tailored_byzantine(n=7, f=3, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1)
