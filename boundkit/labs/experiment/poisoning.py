"""Data poisoning in the real-data experiment: the ``f`` misbehaving workers run the honest
algorithm on datasets chosen by the adversary *before training* (docs/theory.md, section 1), so
their messages are true gradients of the same loss on a fixed dataset, identical in every
coupled run.  The adversary knows the honest data (full knowledge of the honest
distributions, and more).

* ``label-flip``: poisoned worker ``j`` holds honest worker ``j mod h``'s dataset with every
  label negated.
* ``poison-pull``: the dataset whose gradient best follows, along the honest-average
  (clean) trajectory, the vector the rule still selects that is farthest from the honest
  mean along the honest top principal axis, signed against the honest mean (bisection on
  the rule, :func:`boundkit.labs.experiment.byzantine.push_magnitude`): it pulls the
  aggregate the most.
* ``poison-mirror``: the pivot/A/B idea of construction (P1) on real features: group A is
  the ``f`` honest workers farthest out along the top principal axis at ``theta_0``, the
  pivot the other ``n - 2f``; the poisoned dataset follows the mirror image of A across the
  pivot mean, ``2 mean_pivot - mean_A``, so that the rule hesitates between pivot + A and
  pivot + B and the changed sample can tip it.

Both designed datasets are fitted greedily: ``m`` samples (with repetition) drawn from the
real training and pool features with either label, each step adding the sample that
brings the dataset's mean gradient closest (summed squared error over
:data:`CHECKPOINTS` points of the clean trajectory) to the target; all ``f`` poisoned
workers hold that dataset (as group B of (P1)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from boundkit.labs.experiment.byzantine import push_magnitude, top_direction
from boundkit.labs.experiment.data import HonestData, Prepared
from boundkit.labs.experiment.loss import mean_gradients, project, sigmoid

CHECKPOINTS = 6


@dataclass(frozen=True)
class PoisonedData:
    """The poisoned workers' fixed datasets: ``features`` ``(f, m, d)``, ``labels`` ``(f, m)``
    (every row of norm ``<= R``, labels in ``{-1, +1}``)."""

    features: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class PoisonContext:
    """What the adversary uses before training: the data, the rule, ``f`` and the
    training settings (for the clean trajectory)."""

    prepared: Prepared
    honest: HonestData
    f: int
    rule: str
    steps: int
    step_size: float
    l2: float
    theta_radius: float | None
    reference: np.ndarray


def label_flip(ctx: PoisonContext) -> PoisonedData:
    """Worker ``j`` holds honest worker ``j mod h``'s data with the labels negated."""
    rows = np.arange(ctx.f) % ctx.honest.honest_count
    return PoisonedData(ctx.honest.features[rows].copy(), -ctx.honest.labels[rows])


def clean_checkpoints(ctx: PoisonContext) -> np.ndarray:
    """``theta`` at :data:`CHECKPOINTS` evenly spaced steps of honest-average GD from 0,
    ``(CHECKPOINTS, d)``."""
    theta = np.zeros((1, ctx.prepared.dimension))
    wanted = set(np.linspace(0, max(ctx.steps - 1, 0), CHECKPOINTS).round().astype(int))
    out = []
    for t in range(max(ctx.steps, 1)):
        if t in wanted:
            out.append(theta[0].copy())
        grads = mean_gradients(
            theta, ctx.honest.features, ctx.honest.labels, shared=True, l2=ctx.l2
        )
        theta = project(theta - ctx.step_size * grads.mean(axis=1), ctx.theta_radius)
    while len(out) < CHECKPOINTS:
        out.append(out[-1])
    return np.array(out)


def _honest_messages(ctx: PoisonContext, thetas: np.ndarray) -> np.ndarray:
    """Honest messages at each checkpoint, ``(CHECKPOINTS, h, d)``."""
    return mean_gradients(thetas, ctx.honest.features, ctx.honest.labels, shared=True, l2=ctx.l2)


def pull_targets(ctx: PoisonContext, thetas: np.ndarray) -> np.ndarray:
    """Per checkpoint, the selected vector farthest from ``mean_H`` along the top axis,
    signed against ``mean_H``: ``(CHECKPOINTS, d)``."""
    honest = _honest_messages(ctx, thetas)
    mean = honest.mean(axis=1)
    u = top_direction(honest, ctx.reference)
    u = np.where((np.einsum("cd,cd->c", u, mean) > 0)[:, None], -u, u)
    length = push_magnitude(honest, u, np.ones(len(thetas)), ctx.f, ctx.rule)
    return mean + length[:, None] * u


def mirror_targets(ctx: PoisonContext, thetas: np.ndarray) -> np.ndarray:
    """Per checkpoint ``2 mean_pivot - mean_A`` with group A fixed at ``theta_0``."""
    honest = _honest_messages(ctx, thetas)
    u0 = top_direction(honest[:1], ctx.reference)[0]
    centred = honest[0] - honest[0].mean(axis=0)
    group_a = np.argsort(-(centred @ u0), kind="stable")[: ctx.f]
    pivot = np.setdiff1d(np.arange(ctx.honest.honest_count), group_a)
    return 2 * honest[:, pivot].mean(axis=1) - honest[:, group_a].mean(axis=1)


def fit_dataset(ctx: PoisonContext, thetas: np.ndarray, targets: np.ndarray) -> PoisonedData:
    """Greedy choice of ``m`` real samples (either label) whose mean gradient follows
    ``targets`` at the checkpoints ``thetas`` (module docstring)."""
    base = np.vstack([ctx.prepared.train_x, ctx.prepared.pool_x])
    feats = np.vstack([base, base])
    labels = np.concatenate([np.ones(len(base)), -np.ones(len(base))])
    weights = -labels * sigmoid(-labels * (thetas @ feats.T))  # (Tc, C)
    grads = weights[:, :, None] * feats[None, :, :]  # (Tc, C, d)
    if ctx.l2:
        grads = grads + ctx.l2 * thetas[:, None, :]
    m = ctx.honest.samples_per_worker
    total = np.zeros_like(targets)
    picks = []
    for j in range(1, m + 1):
        error = (((total[:, None, :] + grads) / j - targets[:, None, :]) ** 2).sum(axis=(0, 2))
        best = int(np.argmin(error))
        picks.append(best)
        total = total + grads[:, best, :]
    one_x, one_y = feats[picks], labels[picks]
    return PoisonedData(
        np.repeat(one_x[None], ctx.f, axis=0), np.repeat(one_y[None], ctx.f, axis=0)
    )


def poison_pull(ctx: PoisonContext) -> PoisonedData:
    """The dataset that pulls the aggregate the most (module docstring)."""
    thetas = clean_checkpoints(ctx)
    return fit_dataset(ctx, thetas, pull_targets(ctx, thetas))


def poison_mirror(ctx: PoisonContext) -> PoisonedData:
    """The (P1)-style mirror dataset (module docstring)."""
    thetas = clean_checkpoints(ctx)
    return fit_dataset(ctx, thetas, mirror_targets(ctx, thetas))


POISONING: dict[str, Callable[[PoisonContext], PoisonedData]] = {
    "label-flip": label_flip,
    "poison-pull": poison_pull,
    "poison-mirror": poison_mirror,
}
