"""The clipped logistic loss of the real-data experiment and its constants.

``l(theta; (x, y)) = log(1 + exp(-y <theta, x>)) + (lambda/2) ||theta||^2`` with labels
``y in {-1, +1}`` and features clipped to ``||x|| <= R`` (:mod:`.data`).

Constants (docs/theory.md, section 1: ``L`` Lipschitz, ``beta`` smooth, ``mu`` strongly convex):

* gradient ``-y sigma(-y <theta, x>) x + lambda theta``; with ``lambda = 0`` its norm is
  ``sigma(.) ||x|| < R``, and the supremum over ``theta`` is exactly ``R``: **L = R**
  (the smallest valid constant, approached as ``y <theta, x> -> -infinity`` when
  ``||x|| = R``).  With ``lambda > 0`` the iterates are projected onto the ball
  ``||theta|| <= D`` and ``L = R + lambda D``.
* Hessian ``sigma(1 - sigma) x x^T + lambda I``; ``sigma(1 - sigma) <= 1/4`` with equality
  at ``<theta, x> = 0``: **beta = R^2/4 + lambda**, attained.
* **mu = lambda** (``0``: merely convex).

Everything here is numpy float64 on arrays with a leading batch of runs: the speed path.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class LossConstants:
    """``R`` (feature radius), ``lambda`` (l2 weight, paper: gives ``mu``), ``D`` (radius of
    the parameter ball, ``None``: no projection) and the derived ``L``, ``beta``, ``mu``,
    all exact Fractions (the bounds are evaluated at these)."""

    radius: Fraction
    l2: Fraction = Fraction(0)
    theta_radius: Fraction | None = None

    @property
    def lipschitz(self) -> Fraction:
        """``L = R + lambda D`` (``= R`` when ``lambda = 0``)."""
        if self.l2 == 0:
            return self.radius
        assert self.theta_radius is not None
        return self.radius + self.l2 * self.theta_radius

    @property
    def smoothness(self) -> Fraction:
        """``beta = R^2/4 + lambda``."""
        return self.radius**2 / 4 + self.l2

    @property
    def strong_convexity(self) -> Fraction:
        """``mu = lambda``."""
        return self.l2


def margins(theta: np.ndarray, features: np.ndarray, *, shared: bool) -> np.ndarray:
    """``<theta_b, x>`` for every run ``b``.  ``theta`` is ``(B, d)``; ``features`` is
    ``(B, ..., d)`` (one array per run) or, with ``shared=True``, ``(..., d)`` used by every
    run.  Returns ``(B, ...)``."""
    if shared:
        return np.einsum("...d,bd->b...", features, theta)
    return np.einsum("b...d,bd->b...", features, theta)


def loss_values(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    shared: bool,
    l2: float = 0.0,
) -> np.ndarray:
    """``l(theta_b; z) = log(1 + exp(-y <theta_b, x>)) + (lambda/2)||theta_b||^2`` per run
    and sample (``logaddexp``: no overflow); shapes as in :func:`margins`."""
    values = np.logaddexp(0.0, -labels * margins(theta, features, shared=shared))
    if l2:
        extra = 0.5 * l2 * np.einsum("bd,bd->b", theta, theta)
        values = values + extra.reshape((-1,) + (1,) * (values.ndim - 1))
    return values


def sigmoid(t: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-t))`` without overflow."""
    t = np.asarray(t, dtype=float)
    out = np.empty_like(t)
    pos = t >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-t[pos]))
    e = np.exp(t[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def mean_gradients(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    shared: bool,
    l2: float = 0.0,
) -> np.ndarray:
    """Full local gradients of ``W`` workers with ``m`` samples each: ``features``
    ``(B, W, m, d)`` and ``labels`` ``(B, W, m)`` (``shared=True``: ``(W, m, d)`` and
    ``(W, m)``) -> ``(B, W, d)``, the mean of the sample gradients
    ``-y sigma(-y <theta, x>) x`` (plus ``lambda theta``)."""
    weights = -labels * sigmoid(-labels * margins(theta, features, shared=shared))
    spec = "bwm,wmd->bwd" if shared else "bwm,bwmd->bwd"
    grads = np.einsum(spec, weights, features) / features.shape[-2]
    if l2:
        grads += l2 * theta[:, None, :]
    return grads


def project(theta: np.ndarray, theta_radius: float | None) -> np.ndarray:
    """Euclidean projection of every row onto ``||theta|| <= D`` (identity for ``None``)."""
    if theta_radius is None:
        return theta
    norms = np.linalg.norm(theta, axis=1)
    target = theta_radius * (1.0 - 4 * np.finfo(float).eps)  # rounding stays inside the ball
    scale = np.minimum(1.0, target / np.maximum(norms, np.finfo(float).tiny))
    return theta * scale[:, None]
