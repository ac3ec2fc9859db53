"""Worst-case attack search against SMEA (issue 7, part 3; THEORY.md sections 1-3).

Model (THEORY.md section 1, Def. 2.3, Def. 2.4).  ``n`` workers, ``f`` Byzantine,
``h = n - f`` honest; honest messages lie in the Euclidean ball of radius ``L`` in
``R^d`` (``d = 1`` or ``2``).  Two neighbouring runs differ in one honest worker's
message; with ``m = 1`` sample per worker that message can move anywhere in the ball
(``m > 1`` would restrict the move to ``2L/m`` and is not searched).  The Byzantine
workers see which run they are in and send any vectors ``B`` (run 1) and ``B'`` (run 2).
The *per-step divergence* is ``||SMEA(H u B) - SMEA(H' u B')||``.  With the linear loss
``<z, theta>`` the gradients never change, so after ``T`` GD steps the uniform stability
is ``gamma L T`` times it: in units of ``gamma L^2 T`` with ``L = 1`` it compares directly
with eq. (5) at ``gamma = T = L = 1`` (poisoning, :func:`poisoning_per_step`), eq. (2)
likewise (the Byzantine upper bound, :func:`byzantine_upper_per_step`), the (B1)/(B2)
push ``halves_gap_supremum`` (App. C.3) and the B3 orthogonal push.

Search space.  Honest run 1: up to three distinct vectors ``u_0, u_1, u_2`` with counts
summing to ``h``; the changed worker is one copy of ``u_0`` and sends ``w`` in run 2.
Byzantine: one or two clusters per run, counts summing to ``f``.  Each candidate is
scored in float64 by a vectorised SMEA on the few distinct values (1-D: the ``f + 1``
contiguous windows, THEORY.md section 1; 2-D: every count vector, the closed-form
largest eigenvalue of the 2x2 covariance), *pessimistically*: subsets whose
``lambda_max`` is within ``1e-9`` (relative) of the minimum all count as possible
choices and the smallest divergence among them is kept, so a float optimum sitting on a
selection boundary is not credited with the side it may not get.

Starts: the (B1)/(B2) attack of :mod:`constructions.byzantine_push` (exact, one-sided,
and two-sided with the downward push of :func:`~constructions.byzantine_push.best_selected_push`),
the B3 family (honest at ``+-L e1``, Byzantine pushed along ``+e2`` in one run and
``-e2`` in the other), and random restarts; each is improved by an adaptive random local
search over the vectors and single-worker moves between groups.  The reported maximum
is re-evaluated *exactly* (:func:`boundkit.rules.aggregators.smea_grouped` on Fractions; the
float optimum rationalised with ``limit_denominator``) and returned with its
:class:`Certificate`, which :func:`Certificate.from_json` and :func:`evaluate_exact`
replay.  The search keeps the best exact value over all candidates, so it never returns
less than its structured starts.

The implementation lives in the package :mod:`boundkit.labs.attacks`, one module per concept
(problem model, certificates, float scoring, starts, local search, rationalisation,
search, sweep, fits, report, plot); this module re-exports the names used elsewhere.
"""

from __future__ import annotations

from boundkit.labs.attacks.certificate import Certificate, ExactEvaluation, evaluate_exact
from boundkit.labs.attacks.fits import REGIMES as REGIMES
from boundkit.labs.attacks.fits import ExponentFit as ExponentFit
from boundkit.labs.attacks.fits import Regime as Regime
from boundkit.labs.attacks.fits import fit_exponents as fit_exponents
from boundkit.labs.attacks.model import Groups as Groups
from boundkit.labs.attacks.model import Problem, SearchSettings
from boundkit.labs.attacks.model import Vector as Vector
from boundkit.labs.attacks.rationalise import to_certificate as to_certificate
from boundkit.labs.attacks.references import (
    byzantine_upper_per_step,
    halves_push,
    orthogonal_push,
    poisoning_per_step,
)
from boundkit.labs.attacks.scoring import MAX_COUNT_VECTORS as MAX_COUNT_VECTORS
from boundkit.labs.attacks.scoring import _Candidate as _Candidate
from boundkit.labs.attacks.scoring import _Layout as _Layout
from boundkit.labs.attacks.scoring import count_vector_total as count_vector_total
from boundkit.labs.attacks.scoring import float_divergence as float_divergence
from boundkit.labs.attacks.search import SearchResult, search
from boundkit.labs.attacks.starts import halves_certificates as halves_certificates
from boundkit.labs.attacks.starts import structured_starts
from boundkit.labs.attacks.sweep import Row as Row
from boundkit.labs.attacks.sweep import f_grid as f_grid
from boundkit.labs.attacks.sweep import plan as plan
from boundkit.labs.attacks.sweep import row as row
from boundkit.outputs.attack_search_plot import plot as plot
from boundkit.outputs.attack_search_report import CSV_FIELDS as CSV_FIELDS
from boundkit.outputs.attack_search_report import certificates_json as certificates_json
from boundkit.outputs.attack_search_report import to_csv as to_csv
from boundkit.outputs.attack_search_report import to_markdown as to_markdown

__all__ = [
    "Certificate",
    "ExactEvaluation",
    "Problem",
    "SearchResult",
    "SearchSettings",
    "byzantine_upper_per_step",
    "evaluate_exact",
    "halves_push",
    "orthogonal_push",
    "poisoning_per_step",
    "search",
    "structured_starts",
]
