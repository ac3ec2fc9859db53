"""Real data for the experiment: scikit-learn's bundled datasets (no download), binary
tasks, standardised, clipped to the ball ``||x|| <= R``, split into training / test /
neighbour pool, and the training part split across the ``n - f`` honest workers.

Datasets (:data:`DATASETS`; ``sklearn.datasets.load_*`` read files shipped inside the
package, never ``fetch_*``):

* ``breast-cancer``: 569 samples, 30 features; benign (+1) against malignant (-1).
* ``digits``: the pair 3 (+1) against 8 (-1) of the 8x8 digits, 357 samples, 64 features.
* ``wine``: cultivar 1 (+1) against cultivars 0 and 2 (-1), 178 samples, 13 features.
* ``synthetic``: two Gaussian classes in 10 dimensions (means at +-0.5 per coordinate,
  identity covariance), 600 samples, generated from a fixed seed (the same every run).

Preparation, per seed: shuffle; ``test_fraction`` of the samples form the test set and
``pool_fraction`` the pool from which neighbouring datasets draw their replacement
sample; standardise every feature with the training part's mean and standard deviation;
append a constant feature 1 (the intercept); rescale so that the 90th percentile of the
training norms is ``R``; clip every vector to norm ``R`` (a float factor with a margin of
4 ulps, so the float vectors satisfy ``||x|| <= R`` exactly).  Hence the logistic loss is
``L = R`` Lipschitz and ``beta = R^2/4`` smooth (:mod:`.loss`).

Honest split (docs/theory.md, section 1: each honest worker holds ``m`` samples, ``N = (n-f) m``):
``iid`` deals a random permutation, ``m = floor(N_train / (n - f))``; ``dirichlet:ALPHA``
draws each worker's share of positive labels from ``Beta(ALPHA, ALPHA)`` (the two-class
Dirichlet), keeps ``m`` samples per worker and repairs the counts so that each class has
enough samples.  Workers' distributions then differ (heterogeneity); the test loss is
re-weighted to the honest mixture's class proportions (:func:`honest_class_weights`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from boundkit.errors import ParameterError

DATASETS = ("breast-cancer", "digits", "wine", "synthetic")
#: The binary task of each dataset, in words (reports quote it).
TASKS = {
    "breast-cancer": "benign (+1) vs malignant (-1)",
    "digits": "digit 3 (+1) vs digit 8 (-1)",
    "wine": "cultivar 1 (+1) vs cultivars 0 and 2 (-1)",
    "synthetic": "two Gaussian classes, d = 10, means +-0.5 per coordinate (fixed seed)",
}
SYNTHETIC_SEED = 20_261_130
CLIP_QUANTILE = 0.9


def stream(*keys: int | str) -> np.random.Generator:
    """A numpy generator seeded by integers and names (names hashed with CRC-32, stable
    across processes, unlike ``hash``)."""
    entropy = [k if isinstance(k, int) else zlib.crc32(k.encode()) for k in keys]
    return np.random.default_rng(entropy)


def load_raw(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(N, p)`` float64 and labels in ``{-1, +1}`` of a dataset of
    :data:`DATASETS`."""
    if name == "synthetic":
        rng = np.random.default_rng(SYNTHETIC_SEED)
        labels = np.where(rng.random(600) < 0.5, 1.0, -1.0)
        features = rng.standard_normal((600, 10)) + 0.5 * labels[:, None]
        return features, labels
    from sklearn import datasets

    if name == "breast-cancer":
        x, y = datasets.load_breast_cancer(return_X_y=True)
        return x.astype(float), np.where(y == 1, 1.0, -1.0)
    if name == "digits":
        x, y = datasets.load_digits(return_X_y=True)
        keep = (y == 3) | (y == 8)
        return x[keep].astype(float), np.where(y[keep] == 3, 1.0, -1.0)
    if name == "wine":
        x, y = datasets.load_wine(return_X_y=True)
        return x.astype(float), np.where(y == 1, 1.0, -1.0)
    raise ParameterError("dataset", "one of " + ", ".join(DATASETS), name)


@dataclass(frozen=True)
class Prepared:
    """One seed's data: training, test and pool parts, features clipped to ``||x|| <= R``
    (last coordinate: the scaled intercept), labels in ``{-1, +1}``."""

    name: str
    radius: Fraction
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    pool_x: np.ndarray
    pool_y: np.ndarray

    @property
    def dimension(self) -> int:
        return int(self.train_x.shape[1])


def clip_to_ball(features: np.ndarray, radius: float) -> np.ndarray:
    """Scale every row with norm above ``radius`` back onto the ball; the factor carries a
    4-ulp margin so that the float rows have norm ``<= radius`` exactly."""
    norms = np.linalg.norm(features, axis=1)
    target = radius * (1.0 - 4 * np.finfo(float).eps)
    scale = np.where(norms > target, target / np.maximum(norms, np.finfo(float).tiny), 1.0)
    return features * scale[:, None]


def prepare(
    name: str,
    seed: int,
    radius: Fraction = Fraction(1),
    test_fraction: float = 0.3,
    pool_fraction: float = 0.1,
) -> Prepared:
    """Shuffle, split, standardise, add the intercept, rescale and clip (module docstring)."""
    features, labels = load_raw(name)
    order = stream(seed, "split").permutation(len(labels))
    features, labels = features[order], labels[order]
    n_test = int(round(test_fraction * len(labels)))
    n_pool = int(round(pool_fraction * len(labels)))
    train = slice(n_test + n_pool, None)
    mean = features[train].mean(axis=0)
    std = features[train].std(axis=0)
    std[std == 0] = 1.0
    standard = np.hstack([(features - mean) / std, np.ones((len(labels), 1))])
    scale = np.quantile(np.linalg.norm(standard[train], axis=1), CLIP_QUANTILE)
    clipped = clip_to_ball(standard * (float(radius) / scale), float(radius))
    return Prepared(
        name=name,
        radius=Fraction(radius),
        train_x=clipped[train],
        train_y=labels[train],
        test_x=clipped[:n_test],
        test_y=labels[:n_test],
        pool_x=clipped[n_test : n_test + n_pool],
        pool_y=labels[n_test : n_test + n_pool],
    )


@dataclass(frozen=True)
class Split:
    """How the training samples are dealt: ``iid`` or ``dirichlet`` with ``alpha``."""

    kind: str = "iid"
    alpha: float | None = None

    def label(self) -> str:
        return self.kind if self.kind == "iid" else f"dirichlet:{self.alpha:g}"


@dataclass(frozen=True)
class HonestData:
    """The honest workers' datasets: ``features`` ``(h, m, d)``, ``labels`` ``(h, m)``."""

    features: np.ndarray
    labels: np.ndarray

    @property
    def honest_count(self) -> int:
        return int(self.labels.shape[0])

    @property
    def samples_per_worker(self) -> int:
        return int(self.labels.shape[1])


def split_honest(prepared: Prepared, honest_count: int, split: Split, seed: int) -> HonestData:
    """Deal ``m = floor(N_train / h)`` training samples to each of the ``h`` honest workers
    (module docstring)."""
    count = len(prepared.train_y)
    m = count // honest_count
    if m < 1:
        raise ParameterError("n - f", f"at most {count} honest workers for this dataset", m)
    rng = stream(seed, "honest", honest_count, split.label())
    if split.kind == "iid":
        chosen = rng.permutation(count)[: honest_count * m].reshape(honest_count, m)
    else:
        chosen = _dirichlet_indices(prepared.train_y, honest_count, m, split.alpha, rng)
    return HonestData(prepared.train_x[chosen], prepared.train_y[chosen])


def _dirichlet_indices(
    labels: np.ndarray, honest_count: int, m: int, alpha: float | None, rng: np.random.Generator
) -> np.ndarray:
    """``(h, m)`` training indices with each worker's positive share ``~ Beta(alpha, alpha)``."""
    assert alpha is not None
    positives = rng.permutation(np.flatnonzero(labels > 0))
    negatives = rng.permutation(np.flatnonzero(labels < 0))
    want = np.rint(rng.beta(alpha, alpha, size=honest_count) * m).astype(int)
    while want.sum() > len(positives):  # too few positives: give one back, largest first
        want[int(np.argmax(want))] -= 1
    while (m - want).sum() > len(negatives):  # too few negatives
        want[int(np.argmin(want))] += 1
    rows, taken_pos, taken_neg = [], 0, 0
    for k in want:
        rows.append(
            np.concatenate(
                [positives[taken_pos : taken_pos + k], negatives[taken_neg : taken_neg + m - k]]
            )
        )
        taken_pos, taken_neg = taken_pos + k, taken_neg + m - k
    return np.stack(rows)


def honest_class_weights(honest: HonestData, test_y: np.ndarray) -> np.ndarray:
    """Per test sample, the weight that turns the test mean into the honest mixture's risk
    ``R_H = (1/h) sum_i E_{D_i} l``: class ``c`` gets ``pi_c / (share of c in the test set)``
    with ``pi_c`` the mean over workers of their share of ``c`` (1 for an iid split up to
    sampling)."""
    weights = np.zeros_like(test_y)
    for c in (-1.0, 1.0):
        pi = float(np.mean(honest.labels == c))
        share = float(np.mean(test_y == c))
        if share > 0:
            weights[test_y == c] = pi / share
    return weights
