"""The named hypotheses of the registered results, as SymPy relations.

Each registry entry lists the ones it needs; :mod:`boundkit.bounds.evaluation` decides them
at a parameter point and names every broken one.
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds.symbols import beta, f, gamma, mu, n

HONEST_MAJORITY = sp.StrictLessThan(2 * f, n)  # f < n/2
HAS_MISBEHAVING = sp.GreaterThan(f, 1)
CONVEX_STEP = sp.LessThan(gamma, 2 / beta)  # gamma <= 2/beta (Lemma B.2(ii))
STRONG_STEP = sp.LessThan(gamma, 1 / beta)  # gamma <= 1/beta (Lemma B.2(iii))
MU_BELOW_BETA = sp.LessThan(mu, beta)
F_GE_THIRD = sp.GreaterThan(3 * f, n)  # f >= n/3
F_LT_THIRD = sp.StrictLessThan(3 * f, n)  # f < n/3
N_MINUS_F_EVEN = sp.Eq(sp.Mod(n - f, 2), 0)
