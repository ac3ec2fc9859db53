"""Worst-case Byzantine attack search against SMEA (docs/theory.md, sections 1-3),
one module per concept.  May import checks, constructions, dynamics, rules, bounds, rank 0
and its own modules; its report and plot live in :mod:`boundkit.outputs`.

Model (docs/theory.md, section 1; Def. 2.3, Def. 2.4).  ``n`` workers, ``f`` Byzantine,
``h = n - f`` honest; honest messages lie in the Euclidean ball of radius ``L`` in
``R^d`` (``d = 1`` or ``2``).  Two neighbouring runs differ in one honest worker's
message; with ``m = 1`` sample per worker that message can move anywhere in the ball
(``m > 1`` would restrict the move to ``2L/m`` and is not searched).  The Byzantine
workers see which run they are in and send any vectors ``B`` (run 1) and ``B'`` (run 2).
The *per-step divergence* is ``||SMEA(H u B) - SMEA(H' u B')||``.  With the linear loss
``<z, theta>`` the gradients never change, so after ``T`` GD steps the uniform stability
is ``gamma L T`` times it: in units of ``gamma L^2 T`` with ``L = 1`` it compares directly
with eq. (5) at ``gamma = T = L = 1`` (poisoning,
:func:`~boundkit.labs.attacks.references.poisoning_per_step`), eq. (2) likewise (the
Byzantine upper bound, :func:`~boundkit.labs.attacks.references.byzantine_upper_per_step`),
the (B1)/(B2) push ``halves_gap_supremum`` (App. C.3) and the B3 orthogonal push.

Search space.  Honest run 1: up to three distinct vectors ``u_0, u_1, u_2`` with counts
summing to ``h``; the changed worker is one copy of ``u_0`` and sends ``w`` in run 2.
Byzantine: one or two clusters per run, counts summing to ``f``.  Each candidate is
scored in float64 by a vectorised SMEA on the few distinct values (1-D: the ``f + 1``
contiguous windows, docs/theory.md, section 1; 2-D: every count vector, the closed-form
largest eigenvalue of the 2x2 covariance), *pessimistically*: subsets whose
``lambda_max`` is within ``1e-9`` (relative) of the minimum all count as possible
choices and the smallest divergence among them is kept, so a float optimum sitting on a
selection boundary is not credited with the side it may not get.

Starts: the (B1)/(B2) attack of :mod:`constructions.halves_attack` (exact, one-sided,
and two-sided with the downward push of :func:`~constructions.push_supremum.best_selected_push`),
the B3 family (honest at ``+-L e1``, Byzantine pushed along ``+e2`` in one run and
``-e2`` in the other), and random restarts; each is improved by an adaptive random local
search over the vectors and single-worker moves between groups.  The reported maximum
is re-evaluated *exactly* (:func:`boundkit.rules.smea_grouped` on Fractions; the
float optimum rationalised with ``limit_denominator``) and returned with its
:class:`~boundkit.labs.attacks.certificate.Certificate`, which
:meth:`~boundkit.labs.attacks.certificate.Certificate.from_json` and
:func:`~boundkit.labs.attacks.certificate.evaluate_exact` replay.  The search keeps the best
exact value over all candidates, so it never returns less than its structured starts.

Modules, each importing only the ones above it:

- :mod:`~boundkit.labs.attacks.model`: the problem ``(n, f, d, L)``, search settings, exact vectors;
- :mod:`~boundkit.labs.attacks.certificate`: exact configurations, their JSON form and exact replay;
- :mod:`~boundkit.labs.attacks.references`: the registered bounds and constructed pushes per step;
- :mod:`~boundkit.labs.attacks.scoring`: float SMEA screening of candidate layouts;
- :mod:`~boundkit.labs.attacks.local_search`: the adaptive random climb and count moves;
- :mod:`~boundkit.labs.attacks.starts`: structured, random and exact (B1)/(B2) starts;
- :mod:`~boundkit.labs.attacks.rationalise`: float candidates turned into exact certificates;
- :mod:`~boundkit.labs.attacks.search`: the search itself
  (:func:`~boundkit.labs.attacks.search.search`);
- :mod:`~boundkit.labs.attacks.sweep`: the ``(n, f, d)`` grid and one row per point;
- :mod:`~boundkit.labs.attacks.fits`: fitted exponents per regime;
- :mod:`~boundkit.outputs.attack_search_report`: CSV, JSON certificates and the markdown table;
- :mod:`~boundkit.outputs.attack_search_plot`: the figure (matplotlib imported lazily).
"""
