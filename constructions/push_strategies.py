"""The Byzantine strategies of the one-dimensional attacks (Theorem 3.2, App. C.3 and E.2).

:class:`ThresholdPush` is the strategy of (B1)/(B2) (App. C.3;
:func:`constructions.halves_attack.halves_strategy`), :class:`AdaptiveTwoSidedPush` that of
the tailored two-sided attack (App. E.2, Algorithm 2; :mod:`constructions.tailored_byzantine`).
Both are functions of the observed honest messages only, never of the run they are in, so
identical views give identical messages in ``S`` and ``S'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from constructions.grouped_values import as_fraction, as_mpf
from constructions.push_supremum import best_selected_push


def like(x: Any, reference: Any) -> Any:
    """``x`` in the number type of ``reference`` (``mpf`` or exact), for comparisons."""
    if isinstance(reference, mpmath.mpf) and isinstance(x, Fraction):
        return as_mpf(x)
    return x


def honest_mean(view: Any) -> Any:
    """Mean of the honest messages a :class:`boundkit.dynamics.problem.View` shows."""
    messages = view.honest_messages
    return sum(x * c for x, c in messages) / sum(c for _, c in messages)


def reject_value(messages: Sequence[tuple[Any, int]]) -> Any:
    """A value SMEA never selects beside these honest messages.

    ``R = max + h * spread + 1``: a window holding ``k >= 1`` copies of ``R`` has
    variance ``>= k (h - k) (R - max)^2 / h^2 >= (h - 1) (R - max)^2 / h^2``, above
    ``spread^2 / 4 >= var_H`` (pairwise identity, docs/theory.md, section 1).
    """
    values = [x for x, _ in messages]
    h = sum(c for _, c in messages)
    top, spread = max(values), max(values) - min(values)
    return top + h * spread + 1


@dataclass(frozen=True)
class ThresholdPush:
    """One-sided (or two-sided) push triggered by the honest mean (App. C.3).

    If the mean of the observed honest messages exceeds ``threshold`` all ``f`` Byzantine
    workers send ``up`` (None: no pushed value is ever selected, so they reject);
    otherwise they send ``down`` or, when ``down`` is None, a value
    SMEA rejects (:func:`reject_value`), so that the honest window is kept.  A function of
    the view only: identical views give identical messages in both runs.
    """

    threshold: Any
    up: Any
    down: Any = None

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        mu = honest_mean(view)
        if mu > like(self.threshold, mu) and self.up is not None:
            return ((self.up, f),)
        if self.down is not None:
            return ((self.down, f),)
        return ((reject_value(view.honest_messages), f),)


@dataclass
class AdaptiveTwoSidedPush:
    """The tailored two-sided attack (App. E.2, Algorithm 2).

    Above ``threshold`` (honest mean) all Byzantine workers push up, below it down, each
    time just inside the end of the selection interval of the window that moves SMEA's
    output most (:func:`best_selected_push`, exact, on the observed honest messages; a
    value SMEA rejects when no pushed value is ever selected).  Memoised on the honest
    messages (with the linear loss they are the same at every step).  ``pusher(honest,
    f, direction=...)`` may be replaced, e.g. by the numeric :func:`largest_selected_push`
    with a ``dps`` bound in (the farthest selected value: not the best push when the
    selected window shrinks further out).
    """

    threshold: Any
    pusher: Callable[..., Any] = best_selected_push
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    def messages(self, view: Any) -> tuple[tuple[Any, int], ...]:
        f = view.misbehaving_count
        honest = tuple(view.honest_messages)
        mu = honest_mean(view)
        direction = 1 if mu > like(self.threshold, mu) else -1
        key = (type(mu).__name__, direction, f, tuple((x, c) for x, c in honest))
        if key not in self._cache:
            try:
                value = self.pusher(honest, f, direction=direction)
            except ValueError:  # no pushed value is ever selected: keep the honest window
                value = reject_value(honest)
            if not isinstance(mu, mpmath.mpf) and isinstance(value, mpmath.mpf):
                # exact runs get the exact binary value (work-around: the simulator's
                # mpf -> Fraction conversion reads ``man_exp``, which drops the sign)
                value = as_fraction(value)
            self._cache[key] = value
        return ((self._cache[key], f),)
