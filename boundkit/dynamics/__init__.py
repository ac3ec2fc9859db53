"""dynamics: losses and their domains, the coupled-run D-GD/D-SGD simulator, stability.

Imports only :mod:`boundkit.rules`, :mod:`boundkit.errors` / :mod:`boundkit.config` and itself.
"""

from boundkit.dynamics.coupled_runs import draw_layout, run_pair, run_single
from boundkit.dynamics.domains import Ball, Box, LabelledBall
from boundkit.dynamics.losses import (
    LinearLoss,
    LinearQuadraticLoss,
    LinearQuadraticSamples,
    LogisticLoss,
    Loss,
    QuadraticLoss,
)
from boundkit.dynamics.monte_carlo import MonteCarloEstimate, expected_gap_monte_carlo
from boundkit.dynamics.problem import (
    ByzantineStrategy,
    NoProjection,
    PairResult,
    Problem,
    Projection,
    SingleResult,
    View,
    WorkerGroup,
)
from boundkit.dynamics.sgd_expectation import expected_gap_exact
from boundkit.dynamics.stability import (
    generalization_error_lemma41,
    lipschitz_stability_bound,
    uniform_stability,
)

__all__ = [
    "Ball",
    "Box",
    "ByzantineStrategy",
    "LabelledBall",
    "LinearLoss",
    "LinearQuadraticLoss",
    "LinearQuadraticSamples",
    "LogisticLoss",
    "Loss",
    "MonteCarloEstimate",
    "NoProjection",
    "PairResult",
    "Problem",
    "Projection",
    "QuadraticLoss",
    "SingleResult",
    "View",
    "WorkerGroup",
    "draw_layout",
    "expected_gap_exact",
    "expected_gap_monte_carlo",
    "generalization_error_lemma41",
    "lipschitz_stability_bound",
    "run_pair",
    "run_single",
    "uniform_stability",
]
