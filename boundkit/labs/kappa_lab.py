"""Robustness-coefficient lab (Def. 2.2): the facade of the :mod:`boundkit.labs.kappa` package.

The lab searches for inputs and honest sets whose ratio
``||F(x) - mean_S||^2 / lambda_max(Sigma_S)`` is large, evaluates them exactly, and compares
them with the claimed coefficients; see :mod:`boundkit.labs.kappa` for the overview and its
modules (rules, claims, evaluation, certificate, budget, screen, families, search).  This
module re-exports their public names, so ``from boundkit import kappa_lab`` and
``kappa_lab.search(...)`` keep working; ``__all__`` is unchanged, and the names outside it
(used as ``kappa_lab.NAME`` by other modules) are re-exported with ``# noqa: F401``.
"""

from __future__ import annotations

import mpmath  # noqa: F401  (boundkit.outputs.kappa_report uses kappa_lab.mpmath)

from boundkit.labs.kappa.budget import (
    Budget,
    table_budget,  # noqa: F401
)
from boundkit.labs.kappa.certificate import (
    Certificate,
    Replay,
    certify,
    ratio_text,  # noqa: F401
    replay,
    same_ratio,
)
from boundkit.labs.kappa.claims import (
    CLAIMS,
    Claim,
    claim_for,
    compare,
    universal_lower,
    universal_lower_certificate,
)
from boundkit.labs.kappa.evaluation import (
    GM_MAX_ITER,  # noqa: F401
    GM_TOL,  # noqa: F401
    Evaluation,
    check_certificate_shape,  # noqa: F401
    evaluate,
    to_fraction,  # noqa: F401
)
from boundkit.labs.kappa.families import FREE_HONEST_MAX  # noqa: F401
from boundkit.labs.kappa.rules import (
    RULES,
    Rows,  # noqa: F401
    RuleFunction,  # noqa: F401
    RuleSpec,
    check_parameters,  # noqa: F401
    resolve_rule,
)
from boundkit.labs.kappa.screen import (
    GM_SCREEN,  # noqa: F401
    Candidate,  # noqa: F401
    screen_ratio,  # noqa: F401
)
from boundkit.labs.kappa.search import (
    CONTINUOUS,  # noqa: F401
    SearchResult,
    iter_cells,
    search,
)

__all__ = [
    "Budget",
    "CLAIMS",
    "Certificate",
    "Claim",
    "Evaluation",
    "RULES",
    "Replay",
    "RuleSpec",
    "SearchResult",
    "certify",
    "claim_for",
    "compare",
    "evaluate",
    "iter_cells",
    "replay",
    "resolve_rule",
    "same_ratio",
    "search",
    "universal_lower",
    "universal_lower_certificate",
]
