"""Byzantine attacks on the experiment's robust D-GD / D-SGD, carried to ``d`` dimensions.

A Byzantine worker sends any vector, seeing everything sent (docs/theory.md, section 1).  Each
attack below maps a :class:`View` (the honest messages of every coupled run, the run's
trigger, the rule) to the ``f`` Byzantine messages of every run, ``(B, f, d)``; the ``f``
workers send the same vector.

boundkit's own adaptive pushes (docs/theory.md, "The two-sided push (B4)": the changed sample is
only the trigger; and "The orthogonal push (B3)"):

* ``trigger-push``: along the direction in which the honest messages vary **most** (top
  principal axis of the honest messages, as the 1-D pushes B1/B2 lie on the honest axis),
  at ``mean_H + s D u``.
* ``orthogonal-push``: along the direction in which they vary **least** (B3): the
  projection of a fixed reference vector onto the null space of the centred honest
  messages when ``h - 1 < d``, else the eigenvector of the smallest eigenvalue.

  Both are *two-sided and switched by the changed sample*: the sign ``s`` is the run's
  ``trigger`` (+1 in the run on the original dataset ``S``, -1 in a run on a neighbour
  ``S'``), which the Byzantine workers observe because they know both candidate datasets
  and see the changed worker's message (with ``S = S'`` they act the same).  ``D`` is the
  largest value at which the rule still selects all ``f`` Byzantine vectors (Krum: selects
  one of them), found by bisection on the rule itself (:func:`push_magnitude`, warm-started
  from the previous step).  For rules that select nobody (CWTM, median, GM) the push is
  non-decreasing in ``D`` (each coordinate's order statistic, or the median's pull, grows
  with it), so ``D`` is the cap :data:`CAP_FACTOR` times the honest spread.

Standard attacks of the literature, with ByzFL's (0.0.11) default parameters:

* ``alie`` (Baruch et al. 2019): ``mean_H + z std_H`` coordinate-wise (population standard
  deviation), ``z = 1.5``.
* ``ipm`` (inner-product manipulation, Xie et al. 2020): ``-tau mean_H``, ``tau = 2``.
* ``sign-flip``: ``-mean_H``.
* ``mimic``: the message of honest worker 0.
* ``gaussian``: ``N(0, sigma^2 I)``, ``sigma = 1``; one draw per step shared by the coupled
  runs (the randomness is coupled, as in the stability proofs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from boundkit.labs.experiment.aggregation import RULES, SELECTING, smea_keeps_copies

ALIE_Z = 1.5
IPM_TAU = 2.0
GAUSSIAN_SIGMA = 1.0
#: Push length for rules that select nobody: this many times the honest spread.
CAP_FACTOR = 100.0
#: Bisection steps after the bracket (relative precision about 2^-BISECTION_STEPS).
BISECTION_STEPS = 7


@dataclass
class View:
    """What the Byzantine workers see at one step of ``B`` coupled runs.

    ``honest`` ``(B, h, d)``: the honest messages; ``trigger`` ``(B,)``: +1 on ``S``, -1 on
    a neighbour; ``reference``: a fixed unit vector (sign conventions); ``memory``: the
    attack's state across steps (warm starts)."""

    honest: np.ndarray
    trigger: np.ndarray
    f: int
    rule: str
    reference: np.ndarray
    rng: np.random.Generator
    memory: dict = field(default_factory=dict)


def _replicate(vector: np.ndarray, f: int) -> np.ndarray:
    return np.repeat(vector[:, None, :], f, axis=1)


def _centred(honest: np.ndarray) -> np.ndarray:
    return honest - honest.mean(axis=1, keepdims=True)


def top_direction(honest: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Unit vector of largest honest variance per run, ``(B, d)``, signed so that
    ``<u, reference> >= 0`` (the reference itself when the honest messages coincide)."""
    _, s, vt = np.linalg.svd(_centred(honest), full_matrices=False)
    u = vt[:, 0, :]
    u = np.where((u @ reference < 0)[:, None], -u, u)
    return np.where((s[:, 0] > 0)[:, None], u, reference[None, :])


def least_direction(honest: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Unit vector of least honest variance per run, ``(B, d)``: the reference projected
    onto the null space of the centred honest messages (their rank is at most ``h - 1``)
    when that space is not empty, else the smallest principal axis signed by the
    reference."""
    batch, h, d = honest.shape
    _, s, vt = np.linalg.svd(_centred(honest), full_matrices=True)
    tol = s.max(axis=1, initial=0.0) * max(h, d) * np.finfo(float).eps
    rank = (s > tol[:, None]).sum(axis=1)
    out = np.empty((batch, d))
    for b in range(batch):
        if rank[b] < d:
            basis = vt[b, rank[b] :, :]  # orthonormal rows spanning the null space
            u = basis.T @ (basis @ reference)
            norm = np.linalg.norm(u)
            out[b] = u / norm if norm > 0 else basis[0]
        else:
            u = vt[b, -1, :]
            out[b] = -u if u @ reference < 0 else u
    return out


def kept(rule: str, honest: np.ndarray, point: np.ndarray, f: int) -> np.ndarray:
    """Per run: does the rule select all ``f`` copies of ``point`` (Krum: one of them)?
    SMEA: on the grouped input (:func:`~boundkit.labs.experiment.aggregation.smea_keeps_copies`,
    the same answer, checked in the tests)."""
    if rule == "smea":
        return smea_keeps_copies(honest, point, f)
    result = RULES[rule](np.concatenate([honest, _replicate(point, f)], axis=1), f)
    assert result.selected is not None
    chosen = result.selected[:, honest.shape[1] :]
    return chosen.any(axis=1) if rule == "krum" else chosen.all(axis=1)


def push_magnitude(
    honest: np.ndarray,
    direction: np.ndarray,
    sign: np.ndarray,
    f: int,
    rule: str,
    previous: np.ndarray | None = None,
) -> np.ndarray:
    """The largest ``D`` (per run) at which ``rule`` still selects ``f`` copies of
    ``mean_H + sign D direction`` (the lower end of :func:`push_bracket`).  For a rule
    that selects nobody: :data:`CAP_FACTOR` times the honest spread."""
    if rule not in SELECTING:
        mean = honest.mean(axis=1)
        return CAP_FACTOR * np.linalg.norm(honest - mean[:, None, :], axis=2).max(axis=1)
    return push_bracket(honest, direction, sign, f, rule, previous)[0]


def push_bracket(
    honest: np.ndarray,
    direction: np.ndarray,
    sign: np.ndarray,
    f: int,
    rule: str,
    previous: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` per run, with the copies kept at ``lo`` (or ``lo = 0``) and dropped at
    ``hi``: bisection on the selecting rule itself, the bracket from ``previous`` when
    given (``[2 previous / 4, 2 previous]``), doubled until the rule drops them, then
    :data:`BISECTION_STEPS` halvings.  ``lo = 0`` when even ``D = 0`` is dropped."""
    mean = honest.mean(axis=1)
    spread = np.linalg.norm(honest - mean[:, None, :], axis=2).max(axis=1)

    def keeps(length: np.ndarray) -> np.ndarray:
        return kept(rule, honest, mean + (sign * length)[:, None] * direction, f)

    floor = np.maximum(spread, np.finfo(float).tiny) * 1e-9
    hi = np.maximum(2 * previous, floor) if previous is not None else np.maximum(spread, floor)
    for _ in range(80):
        still = keeps(hi)
        if not still.any():
            break
        hi = np.where(still, 2 * hi, hi)
    lo = hi / 4 if previous is not None else np.zeros_like(hi)
    low_ok = keeps(lo)
    lo = np.where(low_ok, lo, 0.0)
    zero_ok = keeps(np.zeros_like(hi)) if not low_ok.all() else np.ones_like(low_ok)
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        ok = keeps(mid)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return np.where(zero_ok, lo, 0.0), hi


def _push(view: View, direction: np.ndarray, key: str) -> np.ndarray:
    previous = view.memory.get(key)
    length = push_magnitude(view.honest, direction, view.trigger, view.f, view.rule, previous)
    view.memory[key] = np.where(length > 0, length, previous if previous is not None else 0.0)
    point = view.honest.mean(axis=1) + (view.trigger * length)[:, None] * direction
    return _replicate(point, view.f)


def trigger_push(view: View) -> np.ndarray:
    """Two-sided push along the honest messages' top principal axis (module docstring)."""
    return _push(view, top_direction(view.honest, view.reference), "trigger")


def orthogonal_push(view: View) -> np.ndarray:
    """Two-sided push along the direction of least honest variance (module docstring)."""
    return _push(view, least_direction(view.honest, view.reference), "orthogonal")


def alie(view: View, z: float = ALIE_Z) -> np.ndarray:
    """ALIE: ``mean_H + z std_H`` coordinate-wise (Baruch et al. 2019; ByzFL's ``tau``)."""
    return _replicate(view.honest.mean(axis=1) + z * view.honest.std(axis=1), view.f)


def ipm(view: View, tau: float = IPM_TAU) -> np.ndarray:
    """Inner-product manipulation: ``-tau mean_H`` (Xie et al. 2020)."""
    return _replicate(-tau * view.honest.mean(axis=1), view.f)


def sign_flip(view: View) -> np.ndarray:
    """Sign flipping: ``-mean_H``."""
    return _replicate(-view.honest.mean(axis=1), view.f)


def mimic(view: View) -> np.ndarray:
    """Mimic: the message of honest worker 0."""
    return _replicate(view.honest[:, 0, :], view.f)


def gaussian(view: View, sigma: float = GAUSSIAN_SIGMA) -> np.ndarray:
    """``N(0, sigma^2 I)``, one draw per step, the same in every coupled run."""
    batch, _, d = view.honest.shape
    draw = sigma * view.rng.standard_normal(d)
    return _replicate(np.tile(draw, (batch, 1)), view.f)


BYZANTINE: dict[str, Callable[[View], np.ndarray]] = {
    "trigger-push": trigger_push,
    "orthogonal-push": orthogonal_push,
    "alie": alie,
    "ipm": ipm,
    "sign-flip": sign_flip,
    "mimic": mimic,
    "gaussian": gaussian,
}
