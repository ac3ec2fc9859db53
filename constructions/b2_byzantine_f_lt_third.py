"""(B2) Byzantine failures, robust distributed GD, convex, ``f < n/3``.

THEORY.md section 3 (B2); paper Theorem 3.2(ii), Appendix C.3(iii).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from boundkit.config import Number, Setting
from constructions.base import Construction, Instance
from constructions.byzantine_push import byzantine_report, halves_instance
from constructions.measure import hypotheses_reason, measure

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


def build(setting: Setting, dps: int = 50) -> Instance:
    """(B2): balanced halves; in ``S'`` SMEA keeps the ``f`` Byzantine copies, every
    ``+L`` worker, the changed worker and the ``-L`` workers left after dropping ``f``.

    See :func:`constructions.byzantine_push.halves_instance`.
    """
    return halves_instance(setting, "B2", dps)


CONSTRUCTION = Construction(
    name="B2",
    title="Byzantine failures, GD, convex, f < n/3",
    reference="Theorem 3.2(ii), App. C.3(iii); THEORY.md (B2)",
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

    **Setting.** As (B1): linear loss, honest halves at ``+L`` / ``-L`` (odd ``h``: the
    ``+L`` side is the larger one, ``(h+1)/2``, except where the exact comparison prefers
    the other side), ``S'`` changes one sample of one ``-L`` worker to ``+L``.

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``; Byzantine workers push
    ``v`` when the honest mean is above the midpoint of the two runs' means, else send a
    value SMEA rejects.

    **Derivation.** In ``S'`` the pushed window drops the ``f`` lowest honest messages:
    ``P = {(h/2 - 1 - f) x -L, a, h/2 x L}`` (even ``h``), **not** THEORY's symmetric
    ``{(n-3f)/2 x -L, (n-f)/2 x L}``: the changed worker ``a = -L + 2L/m`` stays in the
    window.  Equating its variance with the honest one, the supremum of the pushed value
    is ``v_sup = L (n + 4/m)/(n - 2f)`` and, with ``mu_S = 0``,

    .. math:: \\varepsilon \\to \\gamma L^2 T \\left(\\frac{2f}{n-2f}
              + \\frac{2n}{m (n-f)(n-2f)}\\right)

    (THEORY.md's value, confirmed; the window mean is ``(f (v + L) + 2L/m)/(n - f)``).
    Odd ``h`` with the larger ``+L`` side (``f <= (h-3)/2``, ``mu_S = L/h``):
    ``gamma L^2 T (2 f (h+1)/(h (n-2f)) + 2n/(m h (n-2f)))``.

    **Theoretical value.** Registered lower bound ``thm3.2/f-lt-n/3``; upper bound
    Theorem 3.1(i), eq. (2) with ``kappa_SMEA``.

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_byzantine_f_lt_third(
        ...     n=10, f=2, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        0.875 0.875
    """
    setting = Setting(n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz,
                      smoothness=smoothness)
    reason = applies(setting)
    if reason is not None:
        raise ValueError(f"B2 is not defined here: {reason}")
    instance = build(setting, dps)
    measurement = measure(instance, dps=dps)
    if verbose:
        print(byzantine_report(CONSTRUCTION.title, instance, measurement, UPPER_ID, LOWER_ID,
                               dps))
    return measurement.empirical, measurement.closed_form


if __name__ == "__main__":
    wc_byzantine_f_lt_third(n=10, f=2, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1)
