"""The per-step gap of the two-value Byzantine attacks (B1)/(B2), over ``gamma L`` (App. C.3).

The equal-halves layout of the reconstruction (:data:`HALVES_GAP_BALANCED`; docs/theory.md,
"Where we differ from the reconstruction we started from"), the supremum with the size of the ``+L``
side optimised (:data:`HALVES_GAP_FORMULA`) and the SymPy function :class:`HalvesGap` that
the registered Byzantine lower bounds use (:data:`HALVES_GAP`).
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds.symbols import f, h, m, n

#: sigma_m^2 L^2: the honest variance in S' of the (B1)/(B2) datasets, n - f even
#: (derived from the data: the reconstruction wrote N where h = n - f is meant; docs/theory.md,
#: "Where we differ", sigma_m in (B1))
SIGMA_M_SQUARED = 1 - 4 * (m - 1) / (m**2 * h) - 4 / (m**2 * h**2)

_K = n - 2 * f
_EVEN_H = sp.Eq(sp.Mod(h, 2), 0)


def _halves_side(high_is_larger: bool) -> sp.Expr:
    """Per-step gap over gamma L for odd h, the +L half having (h +- 1)/2 workers.

    Derived with the exact push supremum (constructions/push_supremum.py); ``mu_S`` is
    ``+-L/h`` because the halves are unequal.
    """
    if high_is_larger:  # high = (h+1)/2, low = (h-1)/2
        pushed = (1 - 1 / h) + sp.sqrt(
            f * (h**2 * m**2 - 4 * h * m + 4 * h - (m + 2) ** 2) / (h**2 * m**2 * _K)
        )
        return sp.Piecewise(
            (pushed, sp.Ge(2 * f, h - 1)),
            (2 * (f * m * (h + 1) + n) / (h * m * _K), True),
        )
    pushed = (1 + 1 / h) + sp.sqrt(f * (h - 1) * ((h + 1) * m**2 - 4 * m + 4) / (h**2 * m**2 * _K))
    return sp.Piecewise(
        (2, sp.And(sp.Eq(m, 1), sp.Eq(2 * f, h + 1))),
        (pushed, sp.Ge(2 * f, h + 1)),
        (2 * (f * m * (h - 1) + n) / (h * m * _K), True),
    )


#: Per-step gap over gamma L of the reconstruction's equal-halves layout (``+L`` side ``h/2``, odd
#: ``h``: the better of ``(h +- 1)/2``): what (B1)/(B2) reached before the side size was optimised.
#: Kept for checks written against that layout; the registered bounds use HALVES_GAP.
HALVES_GAP_BALANCED = sp.Piecewise(
    (2 - 2 / h, sp.And(_EVEN_H, sp.Eq(m, 1), sp.Or(sp.Eq(n, 3 * f), sp.Eq(n, 3 * f - 2)))),
    (1 + sp.sqrt(SIGMA_M_SQUARED) * sp.sqrt(f / _K), sp.And(_EVEN_H, sp.Ge(2 * f, h))),
    (2 * (f * m * h + n) / (m * h * _K), _EVEN_H),
    (sp.Max(_halves_side(True), _halves_side(False)), True),
)


def _halves_gap_at(p: sp.Expr, changed_in_window: bool) -> sp.Expr:
    """Per-step gap over gamma L of the two-value layout with ``p`` honest workers at ``+L``.

    ``S``: ``p`` at ``+L``, ``h - p`` at ``-L`` (honest window kept: ``mu_S = (2p - h)/h``).
    ``S'``: one ``-L`` worker sends ``a = (2 - m)/m`` (one of its ``m`` samples flipped);
    honest variance ``var_H = (h - 1 + a^2)/h - ((2p - h + 2/m)/h)^2``
    ``= (h (h m^2 - 4m + 4) - (m (2p - h) + 2)^2)/(h m)^2``.  The pushed window holds the
    ``f`` Byzantine copies and the ``k = n - 2f`` largest honest values ``P``: ``k x (+L)``
    (``p >= k``: ``mu_P = 1``, ``var_P = 0``) or ``(k - 1) x (+L)`` and ``a`` (``p = k - 1``,
    ``changed_in_window``: ``mu_P = (k - 1 + a)/k``, ``k var_P = 4 (k - 1)(m - 1)^2/(k m^2)``);
    bound by the honest window, its mean tends to
    ``mu_P + sqrt(f (h var_H - k var_P)/(h k))`` (App. C.3 tie, all over ``L``).
    """
    spread = h * (h * m**2 - 4 * m + 4) - (m * (2 * p - h) + 2) ** 2  # (h m)^2 var_H
    if changed_in_window:
        mu_p = (_K - 2 + 2 / m) / _K
        pushed = sp.sqrt(f * (_K * spread - 4 * h * (_K - 1) * (m - 1) ** 2)) / (h * _K * m)
    else:
        mu_p, pushed = sp.Integer(1), sp.sqrt(f * spread / _K) / (h * m)
    return mu_p + pushed - (2 * p - h) / h


#: Real maximiser over p of the gap with P = k x (+L): concave in p, stationary where the
#: honest mean in S' is -L sqrt(k V/h), V = (h - 4/m + 4/m^2)/h (the gap there is
#: 1 + 2/(m h) + sqrt((h - 4/m + 4/m^2)/(n - 2f))).
HALVES_P_STAR = (h - 2 / m - sp.sqrt(_K * (h - 4 / m + 4 / m**2))) / 2
_P_FLOOR = sp.Max(_K, sp.Min(h - 1, sp.floor(HALVES_P_STAR)))
_P_CEIL = sp.Max(_K, sp.Min(h - 1, sp.ceiling(HALVES_P_STAR)))
_P = sp.Symbol("p", integer=True)
_GAP_CHANGED = _halves_gap_at(_K - 1, changed_in_window=True)
_GAP_AT_P = _halves_gap_at(_P, changed_in_window=False)

#: Supremum of the per-step gap of the two-value attacks (B1)/(B2), over gamma L (App.
#: C.3, with the size p of the +L side optimised).  The best p is k - 1 (the changed
#: worker completes the pushed window) or, for p >= k, floor or ceil of HALVES_P_STAR
#: clipped to [k, h - 1].  Equal to the exact supremum of
#: constructions.halves_attack.halves_attack on every n <= 41, m in {1, 2, 3, 5}, which
#: is the best over every p in [0, h - 1] there.
HALVES_GAP_FORMULA = sp.Max(_GAP_CHANGED, _GAP_AT_P.subs(_P, _P_FLOOR), _GAP_AT_P.subs(_P, _P_CEIL))


class HalvesGap(sp.Function):
    """:data:`HALVES_GAP_FORMULA` as a function of ``(n, f, m)``.

    At integer arguments it is the formula with the integers put in by ``xreplace``, the
    two clipped side sizes first (exact; milliseconds, where ``subs`` rebuilds every
    partially substituted ``Max`` and ``floor`` and takes about a second); otherwise it
    stays unevaluated and ``doit()`` gives the formula in the arguments.
    """

    @classmethod
    def eval(cls, nn: sp.Expr, ff: sp.Expr, mm: sp.Expr) -> sp.Expr | None:
        if not all(isinstance(x, sp.Integer) for x in (nn, ff, mm)):
            return None
        values = {n: nn, f: ff, m: mm}
        sides = {_P_FLOOR.xreplace(values), _P_CEIL.xreplace(values)}
        gaps = [_GAP_AT_P.xreplace({**values, _P: p}) for p in sides]
        return sp.Max(_GAP_CHANGED.xreplace(values), *gaps)

    def doit(self, **hints: object) -> sp.Expr:
        return HALVES_GAP_FORMULA.xreplace(dict(zip((n, f, m), self.args, strict=True)))

    @staticmethod
    def _imp_(nn: object, ff: object, mm: object) -> object:
        """Numeric value for ``sympy.lambdify`` (mpmath, current precision): the formula,
        lambdified.  A ``floor`` or ``ceiling`` of an integer ``p*`` rounded to its
        neighbour only adds a candidate below the maximiser of a concave gap."""
        global _HALVES_GAP_NUMERIC
        if _HALVES_GAP_NUMERIC is None:
            _HALVES_GAP_NUMERIC = sp.lambdify((n, f, m), HALVES_GAP_FORMULA, modules="mpmath")
        return _HALVES_GAP_NUMERIC(nn, ff, mm)


_HALVES_GAP_NUMERIC = None


#: the registered Byzantine lower bounds are gamma L^2 T times this
HALVES_GAP = HalvesGap(n, f, m)
