"""Worker groups shared by the constructions (docs/theory.md, section 3).

Two layouts cover every construction:

* :func:`pivot_a_b` -- the poisoning layout of (P1), (P2), (P3) and Lemma 4.1: a *pivot*
  group of ``n - 2f`` honest workers (worker 1, the *special* worker, holds the one
  sample that differs between ``S`` and ``S'``), group *A* of ``f`` honest workers and
  group *B* of ``f`` misbehaving workers.
* :func:`balanced_halves` -- the Byzantine layout of (B1), (B2): ``h = n - f`` honest
  workers split between two values, one worker of the second half holding the sample
  that differs.

Groups are :class:`boundkit.dynamics.problem.WorkerGroup` values (identical workers share one
group with a ``count``), so the simulator's per-step cost is independent of ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

from boundkit.dynamics.problem import WorkerGroup


@dataclass(frozen=True)
class NeighbouringLayout:
    """Honest groups for ``S`` and ``S'`` (same structure) and the misbehaving groups."""

    honest: tuple[WorkerGroup, ...]
    honest_neighbour: tuple[WorkerGroup, ...]
    misbehaving: tuple[WorkerGroup, ...] = ()


def constant_group(
    sample: object, samples_per_worker: int, count: int, label: str
) -> WorkerGroup | None:
    """``count`` workers, each holding ``samples_per_worker`` copies of ``sample``.

    ``None`` when ``count == 0`` (e.g. the pivot group is the special worker alone when
    ``n - 2f = 1``); :func:`_nonempty` drops it.
    """
    if count == 0:
        return None
    return WorkerGroup(samples=(sample,) * samples_per_worker, count=count, label=label)


def special_worker(
    special: object, base: object, samples_per_worker: int, label: str = "special"
) -> WorkerGroup:
    """One worker holding ``special`` once and ``base`` for its other ``m - 1`` samples."""
    return WorkerGroup(
        samples=(special,) + (base,) * (samples_per_worker - 1), count=1, label=label
    )


def _nonempty(*groups: WorkerGroup | None) -> tuple[WorkerGroup, ...]:
    return tuple(g for g in groups if g is not None)


def pivot_a_b(
    n: int,
    f: int,
    m: int,
    *,
    pivot: object,
    special_in_s: object,
    special_in_s_prime: object,
    group_a: object,
    group_b: object,
) -> NeighbouringLayout:
    """The pivot / A / B layout ((P1)-(P3), App. D.2-D.4; docs/theory.md, section 3).

    Pivot: ``n - 2f`` honest workers with every sample ``pivot``, except the special
    worker whose first sample is ``special_in_s`` in ``S`` and ``special_in_s_prime`` in
    ``S'``.  A: ``f`` honest workers, every sample ``group_a``.  B: ``f`` misbehaving
    (poisoned) workers, every sample ``group_b``.
    """
    rest = constant_group(pivot, m, n - 2 * f - 1, "pivot")
    a = constant_group(group_a, m, f, "A")
    b = constant_group(group_b, m, f, "B")
    return NeighbouringLayout(
        honest=_nonempty(special_worker(special_in_s, pivot, m), rest, a),
        honest_neighbour=_nonempty(special_worker(special_in_s_prime, pivot, m), rest, a),
        misbehaving=_nonempty(b),
    )


def balanced_halves(
    honest_count: int,
    m: int,
    *,
    high: object,
    low: object,
    high_count: int | None = None,
    changed: object | None = None,
) -> NeighbouringLayout:
    """Two honest halves ((B1), (B2), App. C.3; docs/theory.md, section 3).

    ``high_count`` workers hold every sample at ``high`` (default ``h // 2``), the other
    ``h - high_count`` at ``low``; in ``S'`` one ``low`` worker has its first sample
    changed to ``high`` (or to ``changed``, when given).  For odd ``h`` pass
    ``high_count`` to choose the larger side.
    """
    high_count = honest_count // 2 if high_count is None else high_count
    low_count = honest_count - high_count
    high_group = constant_group(high, m, high_count, "high")
    low_rest = constant_group(low, m, low_count - 1, "low")
    return NeighbouringLayout(
        honest=_nonempty(special_worker(low, low, m), low_rest, high_group),
        honest_neighbour=_nonempty(
            special_worker(high if changed is None else changed, low, m), low_rest, high_group
        ),
    )
