"""The robustness coefficient ``kappa`` of an ``(f, kappa)``-robust rule (THEORY.md s.1).

SMEA's coefficient, the default ``kappa`` of the Byzantine upper bounds, and the universal
lower bound no rule can beat, both as SymPy expressions in ``n`` and ``f``.
"""

from __future__ import annotations

from boundkit.bounds.symbols import f, n

#: kappa_SMEA = (4f/(n-f)) (1 + f/(n-2f))^2  (Allouah et al. 2023b, Prop. 5.1; THEORY s.1)
KAPPA_SMEA = (4 * f / (n - f)) * (1 + f / (n - 2 * f)) ** 2
#: universal lower bound on kappa (Allouah et al. 2023a, Prop. 6)
KAPPA_LOWER = f / (n - 2 * f)
