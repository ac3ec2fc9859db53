"""Robust distributed GD / SGD on the logistic loss, vectorised over coupled runs.

One step (docs/theory.md, section 1): ``theta_{t+1} = Proj(theta_t - gamma F(g_1, ..., g_n))``
with ``F`` an aggregation rule (:mod:`.aggregation`), ``h = n - f`` honest messages
(GD: the full local gradient; SGD: the gradient of one sample drawn uniformly per worker
and step) and ``f`` misbehaving ones (:mod:`.byzantine`, or true gradients of the fixed
poisoned datasets of :mod:`.poisoning`).  ``Proj`` is the projection onto the ball
``||theta|| <= D`` when the l2 term is on, else the identity.  ``theta_0 = 0``.

The ``B = K + 1`` runs are trained together: run 0 on the honest dataset ``S``, run ``k``
on the neighbour ``S^(k)`` (one honest sample replaced by a pool sample).  Every random
draw (SGD indices, Gaussian attack) is shared by the runs (coupled), and every draw
comes from generators seeded by ``(seed, names)``: a run is a deterministic function of
its settings and seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from boundkit.labs.experiment.aggregation import RULES, SELECTING
from boundkit.labs.experiment.byzantine import BYZANTINE, View
from boundkit.labs.experiment.data import HonestData, Prepared, stream
from boundkit.labs.experiment.loss import mean_gradients, project
from boundkit.labs.experiment.poisoning import POISONING, PoisonContext, PoisonedData

ALGORITHMS = ("gd", "sgd")


def threat_kind(name: str) -> str:
    """``"byzantine"``, ``"poisoning"`` or ``"none"``."""
    if name in BYZANTINE:
        return "byzantine"
    if name in POISONING:
        return "poisoning"
    if name == "none":
        return "none"
    raise KeyError(name)


@dataclass(frozen=True)
class TrainingSettings:
    """``rule`` (F), ``steps`` (T), ``step_size`` (gamma), ``algorithm`` (gd or sgd),
    ``l2`` (lambda) and ``theta_radius`` (D, projection radius; ``None``: none)."""

    rule: str
    steps: int
    step_size: float
    algorithm: str = "gd"
    l2: float = 0.0
    theta_radius: float | None = None


@dataclass(frozen=True)
class Runs:
    """``B`` coupled datasets: ``features`` ``(B, h, m, d)``, ``labels`` ``(B, h, m)``,
    ``trigger`` ``(B,)`` (+1 for a run whose data equals ``S``, -1 otherwise: what the
    Byzantine workers read off the changed worker's message) and the replaced positions
    ``(worker, sample, pool index)`` of runs ``1..K``."""

    features: np.ndarray
    labels: np.ndarray
    trigger: np.ndarray
    replaced: tuple[tuple[int, int, int], ...]


def neighbour_runs(honest: HonestData, prepared: Prepared, count: int, seed: int) -> Runs:
    """Run 0 on ``S`` and ``count`` neighbours, each replacing one uniformly drawn honest
    sample by a uniformly drawn pool sample (draws seeded by ``(seed, h)``)."""
    h, m = honest.honest_count, honest.samples_per_worker
    rng = stream(seed, "neighbours", h)
    features = np.repeat(honest.features[None], count + 1, axis=0)
    labels = np.repeat(honest.labels[None], count + 1, axis=0)
    replaced = []
    for k in range(1, count + 1):
        w, j = int(rng.integers(h)), int(rng.integers(m))
        p = int(rng.integers(len(prepared.pool_y)))
        features[k, w, j] = prepared.pool_x[p]
        labels[k, w, j] = prepared.pool_y[p]
        replaced.append((w, j, p))
    same = [
        np.array_equal(features[k], features[0]) and np.array_equal(labels[k], labels[0])
        for k in range(count + 1)
    ]
    trigger = np.where(same, 1.0, -1.0)
    return Runs(features, labels, trigger, tuple(replaced))


@dataclass
class Trace:
    """Optional record of every step (tests): ``theta``, honest and misbehaving messages,
    aggregate, and the SGD indices drawn."""

    steps: list[dict[str, np.ndarray]] = field(default_factory=list)


def poisoned_datasets(
    threat: str,
    prepared: Prepared,
    honest: HonestData,
    f: int,
    settings: TrainingSettings,
    reference: np.ndarray,
) -> PoisonedData:
    """Build the fixed poisoned datasets of ``threat`` before training."""
    ctx = PoisonContext(
        prepared=prepared,
        honest=honest,
        f=f,
        rule=settings.rule,
        steps=settings.steps,
        step_size=settings.step_size,
        l2=settings.l2,
        theta_radius=settings.theta_radius,
        reference=reference,
    )
    return POISONING[threat](ctx)


def reference_vector(dimension: int, seed: int) -> np.ndarray:
    """The fixed unit vector of the attacks' sign conventions (seeded)."""
    v = stream(seed, "reference").standard_normal(dimension)
    return v / np.linalg.norm(v)


def _local(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    pick: np.ndarray | None,
    *,
    shared: bool,
    l2: float,
) -> np.ndarray:
    """GD: full local gradients; SGD: the gradient of sample ``pick[w]`` of each worker."""
    if pick is not None:
        rows = np.arange(labels.shape[-2])
        features = features[..., rows, pick, :][..., None, :]
        labels = labels[..., rows, pick][..., None]
    return mean_gradients(theta, features, labels, shared=shared, l2=l2)


@dataclass(frozen=True)
class Outcome:
    """Final parameters ``theta_T`` ``(B, d)`` and, for rules that select workers, the
    fraction of (step, run) pairs in which the rule selected at least one misbehaving
    vector (``None`` otherwise, or with ``f = 0``)."""

    theta: np.ndarray
    misbehaving_selected: float | None


def train(
    runs: Runs,
    settings: TrainingSettings,
    f: int,
    threat: str,
    seed: int,
    poisoned: PoisonedData | None = None,
    trace: Trace | None = None,
) -> Outcome:
    """Train the ``B`` coupled runs for ``T`` steps (module docstring)."""
    batch, h, m, d = runs.features.shape
    kind = threat_kind(threat)
    rule: Callable = RULES[settings.rule]
    rng = stream(seed, "train", threat, f)
    reference = reference_vector(d, seed)
    theta = np.zeros((batch, d))
    memory: dict = {}
    selected = 0
    for _ in range(settings.steps):
        pick = rng.integers(m, size=h) if settings.algorithm == "sgd" else None
        honest = _local(theta, runs.features, runs.labels, pick, shared=False, l2=settings.l2)
        bad = _misbehaving(
            kind, threat, honest, theta, runs, f, settings, poisoned, rng, pick, reference, memory
        )
        vectors = np.concatenate([honest, bad], axis=1)
        result = rule(vectors, f)
        aggregate = result.value
        if result.selected is not None:
            selected += int(result.selected[:, h:].any(axis=1).sum())
        if trace is not None:
            trace.steps.append(
                {
                    "theta": theta.copy(),
                    "honest": honest,
                    "misbehaving": bad,
                    "aggregate": aggregate,
                    "pick": pick,
                }
            )
        theta = project(theta - settings.step_size * aggregate, settings.theta_radius)
    counted = f > 0 and settings.rule in SELECTING and settings.steps > 0
    return Outcome(theta, selected / (settings.steps * batch) if counted else None)


def _misbehaving(
    kind: str,
    threat: str,
    honest: np.ndarray,
    theta: np.ndarray,
    runs: Runs,
    f: int,
    settings: TrainingSettings,
    poisoned: PoisonedData | None,
    rng: np.random.Generator,
    pick: np.ndarray | None,
    reference: np.ndarray,
    memory: dict,
) -> np.ndarray:
    """The ``f`` misbehaving messages of every run, ``(B, f, d)``."""
    batch, _, d = honest.shape
    if f == 0:
        return np.zeros((batch, 0, d))
    if kind == "none":
        raise ValueError("threat 'none' is the f = 0 reference")
    if kind == "poisoning":
        assert poisoned is not None
        own = rng.integers(poisoned.labels.shape[1], size=f) if pick is not None else None
        return _local(theta, poisoned.features, poisoned.labels, own, shared=True, l2=settings.l2)
    view = View(honest, runs.trigger, f, settings.rule, reference, rng, memory)
    return BYZANTINE[threat](view)
