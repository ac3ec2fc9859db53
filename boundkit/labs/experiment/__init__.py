"""Real data: robust distributed logistic regression on scikit-learn's bundled
datasets, Byzantine attacks against data poisoning, measured against the bounds.

Modules, one per concept: :mod:`.data` (datasets, clipping, splits), :mod:`.loss` (the
clipped logistic loss and its constants), :mod:`.aggregation` (vectorised float rules),
:mod:`.byzantine` and :mod:`.poisoning` (the threats), :mod:`.training` (coupled robust
D-GD / D-SGD runs), :mod:`.measurements` (stability, generalization, summaries),
:mod:`.bound_check` (registered bounds at the data's constants, exact checks),
:mod:`.config` (settings and limits) and :mod:`.sweep` (running an experiment).
"""

from boundkit.labs.experiment.config import ExperimentConfig, parse_split
from boundkit.labs.experiment.sweep import ExperimentResult, plan, run_experiment

__all__ = ["ExperimentConfig", "ExperimentResult", "parse_split", "plan", "run_experiment"]
