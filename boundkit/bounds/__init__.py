"""The theorem registry (rank 1): shared SymPy symbols, named hypotheses, the paper's results
as data, the closed-form lower-bound gaps and their exact and fast evaluation.  Modules here
import only :mod:`boundkit.errors` and each other; this file exposes the public names.
"""

from boundkit.bounds.evaluation import (
    check_hypotheses,
    evaluate,
    exact_value,
    substitution,
    violated_hypotheses,
)
from boundkit.bounds.halves_gap import (
    HALVES_GAP,
    HALVES_GAP_BALANCED,
    HALVES_GAP_FORMULA,
    HALVES_P_STAR,
    SIGMA_M_SQUARED,
    HalvesGap,
)
from boundkit.bounds.kappa import KAPPA_LOWER, KAPPA_SMEA, KAPPA_SMEA_RECALLED
from boundkit.bounds.orthogonal_gap import ORTHOGONAL_GAP, OrthogonalGap
from boundkit.bounds.registry import REGISTRY, get, select
from boundkit.bounds.result import Recursion, Result

__all__ = [
    "HALVES_GAP",
    "HALVES_GAP_BALANCED",
    "HALVES_GAP_FORMULA",
    "HALVES_P_STAR",
    "KAPPA_LOWER",
    "KAPPA_SMEA",
    "KAPPA_SMEA_RECALLED",
    "ORTHOGONAL_GAP",
    "REGISTRY",
    "SIGMA_M_SQUARED",
    "HalvesGap",
    "OrthogonalGap",
    "Recursion",
    "Result",
    "check_hypotheses",
    "evaluate",
    "exact_value",
    "get",
    "select",
    "substitution",
    "violated_hypotheses",
]
