"""The robustness coefficient ``kappa`` of an ``(f, kappa)``-robust rule.

Definition 2.2; docs/theory.md, section 1.

SMEA's coefficient, the default ``kappa`` of the Byzantine upper bounds, and the universal
lower bound no rule can beat, as SymPy expressions in ``n`` and ``f``.

SMEA's coefficient is the sharp ``kappa* = 4f/(n - 2f)`` (docs/theory.md, "Sharp
constants"; derived step by step in ``proofs_check/kappa_star.py``): with ``W`` the subset
SMEA selects, ``S`` the honest set and ``C = W ∩ S``, the between-group part of the
covariance gives ``||mean_A - mean_C||^2 <= ((a - c)/c) lambda_max(Sigma_A)`` for
``A = W`` and ``A = S`` (``a = n - f``, ``c >= n - 2f``), and ``lambda_max(Sigma_W) <=
lambda_max(Sigma_S)`` because SMEA minimises it; so ``||F - mean_S|| <= 2 sqrt(f/(n - 2f)
lambda_max(Sigma_S))``.  It is attained (``f`` honest at ``e_1``, ``n - 2f`` at 0, ``f``
Byzantine at ``-e_1``), so no smaller coefficient holds for SMEA.  The value recalled
from Allouah et al. 2023b, Prop. 5.1, is kept as :data:`KAPPA_SMEA_RECALLED` (registry
``kappa/smea-recalled``); it is larger by the factor ``(n - f)/(n - 2f) >= 1``.
"""

from __future__ import annotations

from sympy import Piecewise, sqrt

from boundkit.bounds.symbols import f, n

#: kappa* = 4f/(n - 2f): SMEA's sharp coefficient (derived; proofs_check/kappa_star.py)
KAPPA_SMEA = 4 * f / (n - 2 * f)
#: (4f/(n-f)) (1 + f/(n-2f))^2 as recalled from Allouah et al. 2023b, Prop. 5.1
#: (docs/theory.md, section 1)
KAPPA_SMEA_RECALLED = (4 * f / (n - f)) * (1 + f / (n - 2 * f)) ** 2
#: universal lower bound on kappa (Allouah et al. 2023a, Prop. 6)
KAPPA_LOWER = f / (n - 2 * f)

#: per-run ``||F - mean_S|| / L`` of SMEA with honest gradients in the ``L``-ball (boundkit's
#: sharper SMEA bound, docs/theory.md, section 7): ``sqrt(f/(n-2f))`` for ``mean_W - mean_C`` plus
#: ``min(2f/(n-f), sqrt(f/(n-2f)))`` for ``mean_C - mean_S``; the minimum is always ``2f/(n-f)``
#: since ``(n-f)^2 - 4f(n-2f) = (n-3f)^2 >= 0`` (equal at ``n = 3f``).  Derived in
#: ``proofs_check/sharp_bound.py``.
SMEA_SHARP_DEVIATION = sqrt(f / (n - 2 * f)) + 2 * f / (n - f)

#: ``rho = |S|/|C|`` at its largest, ``(n - f)/(n - 2f)``: the variance weight of the dropped
#: honest workers when SMEA's window and the honest set are compared in one dimension
_RHO = (n - f) / (n - 2 * f)
#: per-run ``|F - mean_S| / L`` of SMEA in dimension 1 (docs/theory.md, section 7, "Sharper still in
#: one dimension"): with ``u``, ``v`` the Byzantine and dropped-honest means minus the kept honest
#: mean, ``var_W <= var_S`` gives ``u^2 <= rho var_R + v^2`` and ``var_R <= L^2 - mean_R^2``, so
#: ``|F - mean_S| <= (f/(n-f)) max_t (sqrt(rho t (2 - t) + t^2) + t) L``: ``4f/(n-f)`` when
#: ``7f <= 3n`` (attained), else ``1 + sqrt(rho)``.  Derived in ``proofs_check/sharp_1d.py``.
SMEA_DEVIATION_1D = Piecewise(
    (4 * f / (n - f), 7 * f <= 3 * n),
    (1 + sqrt(_RHO), True),
)
