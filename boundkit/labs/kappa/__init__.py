"""Robustness-coefficient lab: adversarial search for the worst ratio of Def. 2.2, one module
per concept.  May import checks, constructions, dynamics, rules, bounds, rank 0 and its own
modules; its table lives in :mod:`boundkit.outputs.kappa_report`.

A rule ``F`` is ``(f, kappa)``-robust (paper, Def. 2.2; Allouah et al. 2023b) when for every
input ``x_1..x_n`` and every set ``S`` of ``n - f`` indices
``||F(x) - mean_S||^2 <= kappa * lambda_max(Sigma_S)``, with
``Sigma_S = (1/|S|) sum_{i in S} (x_i - mean_S)(x_i - mean_S)^T``.  Every input and every
designated ``S`` is therefore a *certificate*: its ratio
``||F(x) - mean_S||^2 / lambda_max(Sigma_S)`` is a lower bound on the rule's true ``kappa``
(``0/0`` counts as ``0``; a positive numerator over ``lambda_max = 0`` is ``+oo``: no finite
``kappa`` holds).  This package searches for large ratios and evaluates them exactly.

Modules, each layer importing only the ones above it:

:mod:`~boundkit.labs.kappa.rules`
    The rules under test (:data:`~boundkit.labs.kappa.rules.RULES`, ``resolve_rule``) and the
    parameter checks.
:mod:`~boundkit.labs.kappa.claims`
    The claimed coefficients (``CLAIMS``, ``claim_for``), the universal lower bound
    ``f/(n-2f)`` with its certificate, and ``compare`` (a ratio against a claim).
:mod:`~boundkit.labs.kappa.evaluation`
    Exact numbers and the exact ratio of one input and honest set (``evaluate``).
:mod:`~boundkit.labs.kappa.certificate`
    Replayable JSON certificates (``Certificate``, ``certify``, ``replay``, ``same_ratio``).
:mod:`~boundkit.labs.kappa.budget`
    How much to search in one cell (``Budget``, ``table_budget``).
:mod:`~boundkit.labs.kappa.screen`
    The float64 screen (``screen_ratio``) and the per-cell candidate bookkeeping.
:mod:`~boundkit.labs.kappa.families`
    The structured search families and the random restarts.
:mod:`~boundkit.labs.kappa.search`
    The search of one cell (``search``, ``SearchResult``) and ``iter_cells``.

Import the names from these modules (there is no facade).
"""
