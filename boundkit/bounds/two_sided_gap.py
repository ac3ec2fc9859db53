"""The two-sided push: boundkit's one-dimensional Byzantine lower bound (not from the paper).

Construction (B4), :mod:`constructions.b4_two_sided_push`; docs/theory.md, "The two-sided
push".  Linear loss ``l(theta; z) = z theta``, ``|z| <= L``; ``h = n - f`` honest workers,
``p`` at ``+L`` and ``q = h - p`` at ``-L`` (``p = floor(h/2)`` or ``ceil(h/2)``), one of them
changed between the two runs (the *trigger*).  The ``f`` Byzantine workers see the honest
messages, so they tell the runs apart: they push the run with the larger honest mean up
and the other down, each just inside the interval of values on which exact SMEA keeps
all ``f`` of them.  Per step of GD the two outputs then differ by ``gamma`` times this gap.

Derivation (all over ``L``; ``k = n - 2f``).  In the run pushed up SMEA keeps the ``f``
copies of ``v`` and the ``k`` largest honest messages ``P``; bound by the honest window,
its output tends to ``mu_P + sqrt(f (h var_H - k var_P)/(h k))``
(:func:`constructions.push_supremum.honest_bound_output`).  With ``R = H \\ P`` the between-
group identity ``h var_H = k var_P + f var_R + (k f/h)(mu_P - mu_R)^2`` gives, when the
``f`` workers of ``R`` share one value, the supremum ``mu_P + (f/h)(mu_P - mu_R)``.  The run
pushed down is the mirror image (``Q`` the ``k`` smallest, ``R`` the ``f`` largest).

* ``3f < n`` (full flip).  The up-run holds one ``-L`` worker with one sample flipped to
  ``+L`` (it sends ``-L + 2L/m``); for ``f <= p <= k - 1`` the ``f`` smallest up-run messages
  and the ``f`` largest down-run messages are constant (``-L``, ``+L``), so the gap is
  ``(1 + f/h)(mu_P - mu_Q) + 2f/h`` with ``k (mu_P - mu_Q) = sum_up + f - (sum_down - f)
  = 2f + 2/m``:

  .. math:: G = \\frac{4f + 2/m}{n - 2f} + \\frac{2f}{m (n - f)(n - 2f)}
            \\quad (\\text{independent of } p).

* ``3f >= n`` (shrinking trigger).  ``k <= p, q`` so ``P = k x (+L)``, ``Q = k x (-L)``
  (``var_P = var_Q = 0``); the up-run is the two-value layout, the down-run the same with
  one ``+L`` worker moved to ``L - delta``.  The gap ``2 + sqrt(f/k) (sqrt(var_up) +
  sqrt(var_down(delta)))`` increases to its supremum as ``delta -> 0``, with
  ``var = 1 - (2p - h)^2/h^2``:

  .. math:: G = 2 + 2 \\sqrt{\\frac{f}{n - 2f}\\left(1 - \\frac{(n - f) \\bmod 2}{(n - f)^2}
            \\right)}.

  At ``(n, f) = (3, 1)`` this is ``4``: the explicit full-flip attack at ``(n, f, m) = (3, 1, 2)``
  (``3.5``; docs/theory.md, "The two-sided push (B4)") approaches it as the change shrinks.

The hypotheses of the window formula (SMEA keeps all ``f`` copies just below the supremum,
the honest window is the binding competitor) are facts of the exact routine
(:func:`constructions.push_supremum.push_supremum`), checked where the construction is
built; the maximum over every two-value layout and both triggers (every ``p`` in
``[0, h]``) equals ``G`` on every ``n <= 51`` and ``n = 101``, ``m`` in ``{1, 2, 3, 5}``
(``tests/constructions/test_two_sided_push.py`` checks a sample of them).
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds.symbols import f, m, n

_H = n - f
_K = n - 2 * f

#: per-step gap over gamma L for f < n/3: a full sample flip triggers the two pushes
TWO_SIDED_GAP_FLIP = (4 * f + 2 / m) / _K + 2 * f / (m * _H * _K)
#: per-step gap over gamma L for f >= n/3: supremum as the trigger shrinks to 0
TWO_SIDED_GAP_SHRINKING = 2 + 2 * sp.sqrt(f * (1 - sp.Mod(_H, 2) / _H**2) / _K)

#: the registered lower bound ``byzantine/two-sided-push`` is gamma L^2 T times this
TWO_SIDED_GAP = sp.Piecewise(
    (TWO_SIDED_GAP_FLIP, sp.StrictLessThan(3 * f, n)),
    (TWO_SIDED_GAP_SHRINKING, True),
)
