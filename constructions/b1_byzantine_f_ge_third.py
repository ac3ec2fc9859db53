"""(B1) Byzantine failures, robust distributed GD, convex, ``f >= n/3``.

THEORY.md section 3 (B1); paper Theorem 3.2(i), Appendix C.3(i)-(ii).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from boundkit.config import Number, Setting
from constructions.base import Construction, Instance
from constructions.byzantine_push import byzantine_report, halves_instance
from constructions.measure import hypotheses_reason, measure

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


def build(setting: Setting, dps: int = 50) -> Instance:
    """(B1): balanced halves, the Byzantines push ``S'`` up just below the supremum.

    See :func:`constructions.byzantine_push.halves_instance`; the window SMEA selects in
    ``S'`` holds the ``f`` Byzantine copies and ``n - 2f`` workers at ``+L`` (except at
    ``m = 1`` when ``n in {3f, 3f - 2}`` (even ``h``) or ``n = 3f - 1`` (odd ``h``): there
    a window with fewer copies ties or wins and the value reached is ``L (2 - 2/h)``,
    resp. ``2L``, per step and ``gamma``).
    """
    return halves_instance(setting, "B1", dps)


CONSTRUCTION = Construction(
    name="B1",
    title="Byzantine failures, GD, convex, f >= n/3",
    reference="Theorem 3.2(i), App. C.3(i)-(ii); THEORY.md (B1)",
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
    ``L``-Lipschitz, ``beta``-smooth for every ``beta``).  Honest halves at ``+L`` and
    ``-L`` (odd ``h``: the ``+L`` side has ``(h-1)/2`` workers, the side that helps here);
    in ``S'`` one ``-L`` worker has one sample at ``+L`` and sends ``a = -L + 2L/m``.

    **Algorithm.** Robust distributed GD with SMEA, ``theta_0 = 0``.  Byzantine workers,
    from the view only: if the honest mean exceeds the midpoint of the two runs' honest
    means, all send ``v``; otherwise a value SMEA rejects (the honest window is kept).

    **Derivation.** In ``S'`` the window ``{f x v, (n-2f) x L}`` has variance
    ``f (n-2f)(v-L)^2/h^2``; it is selected while this is below the honest variance
    ``sigma^2 L^2`` (the lowest-start tie rule gives the honest window at equality), so
    ``v < v_sup = L + h sigma L/sqrt(f (n-2f))`` and the output tends to
    ``L (1 + sigma sqrt(f/(n-2f)))``.  ``v = v_sup (1 - 10^-(dps-5))`` rounded down to a
    rational; the reached value is ``gamma L T (gap_sup - f delta_v / h)``.
    Even ``h``: ``sigma^2 = sigma_m^2 = 1 - 4(m-1)/(m^2 h) - 4/(m^2 h^2)``, ``mu_S = 0``:

    .. math:: \\varepsilon \\to \\gamma L^2 T \\left(1 + \\sigma_m \\sqrt{f/(n-2f)}\\right).

    Odd ``h`` (``mu_S = -L/h``): ``gamma L^2 T (1 + 1/h + tau_m sqrt(f/(n-2f)))`` with
    ``tau_m^2 = (h-1)((h+1) m^2 - 4m + 4)/(h^2 m^2)``.

    **Theoretical value.** Registered lower bound ``thm3.2/f-ge-n/3`` (the even-``h``
    supremum); upper bound Theorem 3.1(i), eq. (2) with ``kappa_SMEA``.

    Returns:
        (measured stability, closed form), ``mpmath.mpf`` at ``dps`` digits.

    Example:
        >>> from fractions import Fraction
        >>> measured, theoretical = wc_byzantine_f_ge_third(
        ...     n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, verbose=False)
        >>> print(mpmath.nstr(measured, 15), mpmath.nstr(theoretical, 15))
        2.43614066163451 2.43614066163451
    """
    setting = Setting(n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz,
                      smoothness=smoothness)
    reason = applies(setting)
    if reason is not None:
        raise ValueError(f"B1 is not defined here: {reason}")
    instance = build(setting, dps)
    measurement = measure(instance, dps=dps)
    if verbose:
        print(byzantine_report(CONSTRUCTION.title, instance, measurement, UPPER_ID, LOWER_ID, dps))
    return measurement.empirical, measurement.closed_form


if __name__ == "__main__":
    wc_byzantine_f_ge_third(n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1)
