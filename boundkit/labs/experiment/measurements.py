"""What the experiment measures on one (threat, f, seed) cell, and the summary over seeds.

Stability (Def. 2.4, measured on ``K`` neighbouring datasets ``S^(k)`` of the honest dataset
``S``, one honest sample replaced by a pool sample):

* ``distance``: ``||theta_T(S) - theta_T(S^(k))||`` (bounded by ``eps / L``),
* ``loss_change``: ``max_z |l(theta_T(S); z) - l(theta_T(S^(k)); z)|`` over the test set
  (bounded by ``eps``, the uniform stability, a sup over every ``z``).

Generalization (Proposition 2.1, ``|E[R_H(A(S)) - R_S(A(S))]| <= eps``), on run 0:

* ``generalization_gap``: honest test loss minus honest training loss, the test loss
  re-weighted to the honest mixture's class proportions
  (:func:`boundkit.labs.experiment.data.honest_class_weights`);
* ``accuracy_gap``: training accuracy minus test accuracy; ``test_accuracy`` (so a reader
  sees whether an attack simply destroyed learning).

Across seeds each quantity is summarised by its mean, a 95% Student-t confidence interval
for the mean (half-width ``t_{0.975, s-1} sd / sqrt(s)``; 0 with one seed) and its maximum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from boundkit.labs.experiment.data import HonestData, Prepared, honest_class_weights
from boundkit.labs.experiment.loss import loss_values, margins
from boundkit.labs.experiment.training import Outcome, Runs

CONFIDENCE = 0.95


@dataclass(frozen=True)
class CellMeasurement:
    """One (threat, f, seed): per-neighbour stability values and run 0's generalization."""

    threat: str
    f: int
    seed: int
    distance: tuple[float, ...]
    loss_change: tuple[float, ...]
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    misbehaving_selected: float | None = None

    @property
    def generalization_gap(self) -> float:
        return self.test_loss - self.train_loss

    @property
    def accuracy_gap(self) -> float:
        return self.train_accuracy - self.test_accuracy


def _accuracy(theta: np.ndarray, features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    predicted = np.where(margins(theta, features, shared=True) >= 0, 1.0, -1.0)
    return predicted == labels


def measure(
    outcome: Outcome,
    runs: Runs,
    honest: HonestData,
    prepared: Prepared,
    threat: str,
    f: int,
    seed: int,
    l2: float = 0.0,
) -> CellMeasurement:
    """The measurements of one cell from the final parameters of its ``K + 1`` runs."""
    thetas = outcome.theta
    distance = np.linalg.norm(thetas[1:] - thetas[0], axis=1)
    test_losses = loss_values(thetas, prepared.test_x, prepared.test_y, shared=True, l2=l2)
    loss_change = np.abs(test_losses[1:] - test_losses[0]).max(axis=1)
    weights = honest_class_weights(honest, prepared.test_y)
    first = thetas[:1]
    train_x = honest.features.reshape(-1, honest.features.shape[-1])
    train_y = honest.labels.reshape(-1)
    train_loss = loss_values(first, train_x, train_y, shared=True, l2=l2)[0].mean()
    test_loss = float(np.sum(weights * test_losses[0]) / np.sum(weights))
    test_hits = _accuracy(first, prepared.test_x, prepared.test_y)[0]
    return CellMeasurement(
        threat=threat,
        f=f,
        seed=seed,
        distance=tuple(float(x) for x in distance),
        loss_change=tuple(float(x) for x in loss_change),
        train_loss=float(train_loss),
        test_loss=test_loss,
        train_accuracy=float(_accuracy(first, train_x, train_y)[0].mean()),
        test_accuracy=float(np.sum(weights * test_hits) / np.sum(weights)),
        misbehaving_selected=outcome.misbehaving_selected,
    )


@dataclass(frozen=True)
class Statistic:
    """Mean over seeds, 95% t half-width, maximum, and the per-seed values."""

    mean: float
    half_width: float
    maximum: float
    values: tuple[float, ...]

    @property
    def upper(self) -> float:
        """Upper end of the confidence interval."""
        return self.mean + self.half_width


def summarise(values: Sequence[float]) -> Statistic:
    """:class:`Statistic` of per-seed values (module docstring)."""
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if len(arr) < 2:
        return Statistic(mean, 0.0, float(arr.max()), tuple(float(x) for x in arr))
    from scipy.stats import t

    half = float(t.ppf(0.5 + CONFIDENCE / 2, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return Statistic(mean, half, float(arr.max()), tuple(float(x) for x in arr))


#: Per-seed quantities summarised for every (threat, f): name -> value of a cell.
QUANTITIES = {
    "distance_mean": lambda c: float(np.mean(c.distance)),
    "distance_max": lambda c: float(np.max(c.distance)),
    "loss_change_mean": lambda c: float(np.mean(c.loss_change)),
    "loss_change_max": lambda c: float(np.max(c.loss_change)),
    "generalization_gap": lambda c: c.generalization_gap,
    "accuracy_gap": lambda c: c.accuracy_gap,
    "test_accuracy": lambda c: c.test_accuracy,
    "misbehaving_selected": lambda c: c.misbehaving_selected,
}


def summarise_cells(cells: Sequence[CellMeasurement]) -> dict[str, Statistic]:
    """Every quantity of :data:`QUANTITIES` over the seeds of one (threat, f) (those a
    cell does not have, e.g. ``misbehaving_selected`` for CWTM, are left out)."""
    out = {}
    for name, get in QUANTITIES.items():
        values = [get(c) for c in cells]
        if all(v is not None for v in values):
            out[name] = summarise(values)
    return out
