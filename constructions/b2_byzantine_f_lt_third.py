"""(B2) Byzantine failures, robust distributed GD, convex, ``f < n/3``.

Paper Theorem 3.2(ii), Appendix C.3(iii); docs/theory.md, section 3 and "Where we differ from the
reconstruction we started from" ((B2) supremum).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from boundkit.config import Number, Setting
from constructions.base import Construction, Instance
from constructions.halves_attack import halves_instance
from constructions.measure import byzantine_report, hypotheses_reason, run_example

UPPER_ID = "thm3.1/convex"
LOWER_ID = "thm3.2/f-lt-n/3"


def applies(setting: Setting) -> str | None:
    """``None`` when (B2) is defined at ``setting`` (``f >= 1``, ``3f < n``), else why not.

    The registered lower bound carries the hypothesis ``n - f even``; (B2) itself is
    defined for both parities, so that hypothesis is not required here.
    """
    if setting.f < 1:
        return "needs f >= 1 (Byzantine workers)"
    if 3 * setting.f >= setting.n:
        return "needs f < n/3 (use B1)"
    own = setting.with_(strong_convexity=0)
    return hypotheses_reason(own, UPPER_ID)


def build(setting: Setting) -> Instance:
    """(B2): two honest groups at ``+L`` / ``-L``, the ``+L`` side of the best size ``p``
    (:func:`constructions.halves_attack.halves_attack`); in ``S'`` SMEA keeps the ``f``
    Byzantine copies and the ``n - 2f`` largest honest messages.

    See :func:`constructions.halves_attack.halves_instance`.
    """
    return halves_instance(setting, "B2")


CONSTRUCTION = Construction(
    name="B2",
    title="Byzantine failures, GD, convex, f < n/3",
    reference="Theorem 3.2(ii), App. C.3(iii); docs/theory.md, 'Where we differ'",
    threat="byzantine",
    algorithm="gd",
    convexity="convex",
    upper_id=UPPER_ID,
    lower_id=LOWER_ID,
    build=build,
    applies=applies,
)


def wc_byzantine_f_lt_third(
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
    """Uniform stability of robust D-GD (SMEA) under the (B2) Byzantine attack, ``f < n/3``.

    **Setting.** As (B1): linear loss, ``p`` honest workers at ``+L`` and ``h - p`` at
    ``-L``, ``S'`` changes one sample of one ``-L`` worker to ``+L`` (it sends
    ``a = -L + 2L/m``).  ``p`` is the best of ``k - 1``, ``floor(p*)``, ``ceil(p*)``
    (``k = n - 2f``, see (B1)); here ``p* < k`` on every ``n <= 41``, so ``p`` is ``k - 1``
    (the pushed window holds the changed worker) or ``k``, far from the equal halves' ``h/2``.

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``; Byzantine workers push
    ``v`` when the honest mean is above the midpoint of the two runs' means, else send a
    value SMEA rejects.

    **Derivation.** In ``S'`` the pushed window ``W_f`` holds the ``f`` copies and the
    ``k`` largest honest messages ``P``, bound by the honest window: the output tends to
    ``mu_P + sqrt(f (h var_H - k var_P)/(h k))``, and ``mu_S = L (2p - h)/h``.  At
    ``p = k - 1`` (``P``: ``k - 1`` workers at ``+L`` and ``a``; ``mu_S = L (k - f - 2)/h``;
    :func:`constructions.halves_attack.halves_gap_closed_form`):

    .. math:: \\varepsilon \\to \\gamma L^2 T \\left(\\frac{k - 2 + 2/m}{k}
              + \\frac{\\sqrt{f (k\\,\\Delta - 4 h (k - 1)(m - 1)^2)}}{h k m}
              + \\frac{f + 2 - k}{h}\\right),
              \\quad \\Delta = h (h m^2 - 4m + 4) - (m (k - 2 - f) + 2)^2,

    about ``gamma L^2 T 4f/(n - f)`` for ``f << n``: still ``Theta(f/n)``, about twice
    the reconstruction's ``2fL/(n-2f) + 2nL/(m (n-f)(n-2f))`` (its ``p = h/2`` layout, kept as
    :data:`boundkit.bounds.halves_gap.HALVES_GAP_BALANCED`).

    **Theoretical value.** Registered lower bound ``thm3.2/f-lt-n/3`` =
    ``gamma L^2 T HALVES_GAP``; upper bound Theorem 3.1(i), eq. (2) with ``kappa_SMEA``.

    **Reference.** Theorem 3.2(ii), App. C.3(iii); docs/theory.md, "Where we differ".

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_byzantine_f_lt_third(
        ...     n=10, f=2, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        1.04166666666667 1.04166666666667
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
    wc_byzantine_f_lt_third(n=10, f=2, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1)
