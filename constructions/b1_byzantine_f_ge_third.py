"""(B1) Byzantine failures, robust distributed GD, convex, ``f >= n/3``.

Paper Theorem 3.2(i), Appendix C.3(i)-(ii); docs/theory.md, section 3 and "Where we differ from the
reconstruction we started from" (the optimised honest split).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from boundkit.config import Number, Setting
from constructions.base import Construction, Instance
from constructions.halves_attack import halves_instance
from constructions.measure import byzantine_report, hypotheses_reason, run_example

UPPER_ID = "thm3.1/convex"
LOWER_ID = "thm3.2/f-ge-n/3"


def applies(setting: Setting) -> str | None:
    """``None`` when (B1) is defined at ``setting`` (``f >= 1``, ``3f >= n``), else why not.

    The registered lower bound carries the hypothesis ``n - f even``; (B1) itself is
    defined for both parities (App. C.3(ii)), so that hypothesis is not required here.
    """
    if setting.f < 1:
        return "needs f >= 1 (Byzantine workers)"
    if 3 * setting.f < setting.n:
        return "needs f >= n/3 (use B2)"
    own = setting.with_(strong_convexity=0)
    return hypotheses_reason(own, UPPER_ID)


def build(setting: Setting) -> Instance:
    """(B1): two honest groups at ``+L`` / ``-L``, the ``+L`` side of the best size ``p``
    (:func:`constructions.halves_attack.halves_attack`); the Byzantines push ``S'`` up
    just below the supremum.

    See :func:`constructions.halves_attack.halves_instance`; the window SMEA selects in
    ``S'`` holds the ``f`` Byzantine copies and the ``n - 2f`` largest honest messages
    (on every ``n <= 41``, ``m in {1, 2, 3, 5}``: ``n - 2f`` workers at ``+L``, or, when
    ``p = n - 2f - 1``, ``n - 2f - 1`` of them and the changed worker).
    """
    return halves_instance(setting, "B1")


CONSTRUCTION = Construction(
    name="B1",
    title="Byzantine failures, GD, convex, f >= n/3",
    reference="Theorem 3.2(i), App. C.3(i)-(ii); docs/theory.md, 'Where we differ'",
    threat="byzantine",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_byzantine_f_ge_third(
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
    """Uniform stability of robust D-GD (SMEA) under the (B1) Byzantine attack, ``f >= n/3``.

    **Setting.** ``n`` workers, ``f >= n/3`` Byzantine, ``h = n - f`` honest with ``m``
    samples each; linear loss ``l(theta; z) = z theta``, ``|z| <= L`` (convex,
    ``L``-Lipschitz, ``beta``-smooth for every ``beta``).  Honest workers in two groups:
    ``p`` with every sample at ``+L``, ``h - p`` at ``-L``; in ``S'`` one ``-L`` worker has
    one sample at ``+L`` and sends ``a = -L + 2L/m``.  ``p`` is the best of the candidates
    ``k - 1``, ``floor(p*)``, ``ceil(p*)`` (``k = n - 2f``; the last two clipped to
    ``[k, h - 1]``), with ``p* = (h - 2/m - sqrt(k (h - 4/m + 4/m^2)))/2``.  The
    reconstruction's balanced halves ``p = h/2`` is never better (and at ``m = 1``,
    ``n in {3f, 3f - 2}`` it reached only ``L (2 - 2/h)``: below eq. (5)).

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``.  Byzantine workers,
    from the view only: if the honest mean exceeds the midpoint of the two runs' honest
    means, all send ``v``; otherwise a value SMEA rejects (the honest window is kept).

    **Derivation.** In ``S'`` the window ``W_f`` of the ``f`` copies of ``v`` and the ``k``
    largest honest messages ``P`` has variance ``(k/h) var_P + f k (v - mu_P)^2/h^2``; it
    is selected while this is below the honest variance ``var_H`` (the lowest-start tie
    rule gives the honest window at equality), so the output tends to
    ``mu_P + sqrt(f (h var_H - k var_P)/(h k))``; ``mu_S = L (2p - h)/h``.  With
    ``p >= k`` (``P = k x L``):

    .. math:: \\varepsilon \\to \\gamma L^2 T \\left(1 - \\frac{2p - h}{h}
              + \\frac{\\sqrt{f (h (h m^2 - 4m + 4) - (m (2p - h) + 2)^2)/k}}{h m}\\right),

    concave in ``p``, equal to ``gamma L^2 T (1 + 2/(m h) + sqrt((h - 4/m + 4/m^2)/k))`` at
    ``p*`` when ``p* >= k`` (``-> gamma L^2 T (1 + sqrt((n - f)/(n - 2f)))`` as ``m``
    grows, where the equal-halves layout gives ``1 + sqrt(f/(n - 2f))``); at ``p = k - 1`` the
    changed worker joins ``P`` (at ``m = 1`` it is at ``+L``: ``P = k x L`` again).
    ``v = v_sup (1 - 10^-45)`` rounded down to a rational (the fixed margin
    :data:`constructions.push_supremum.PUSH_MARGIN`); the reached value is
    ``gamma L T (gap_sup - f delta_v / h)``, strictly below the supremum.

    **Theoretical value.** Registered lower bound ``thm3.2/f-ge-n/3`` =
    ``gamma L^2 T HALVES_GAP`` (the best candidate, same formula); upper bound Theorem
    3.1(i), eq. (2) with ``kappa_SMEA``.

    **Reference.** Theorem 3.2(i), App. C.3(i)-(ii); docs/theory.md, "Where we differ".

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_byzantine_f_ge_third(
        ...     n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        2.93614066163451 2.93614066163451
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
    wc_byzantine_f_ge_third(n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1)
