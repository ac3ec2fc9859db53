"""The shape every lower-bound construction shares (docs/theory.md, section 3).

A construction is a plain builder: ``build(setting) -> Instance``.  The instance holds
the two neighbouring honest datasets, the misbehaving workers (poisoned data or a
Byzantine strategy), the loss, the start point and projection (all inside a
:class:`boundkit.dynamics.problem.Problem`), the algorithm to run, and the closed-form value the
construction reaches, as a SymPy expression in :mod:`boundkit.bounds.symbols` derived by hand.

:func:`measure` runs an instance with the simulator and returns the empirical value next
to the closed form and the registered bounds, like PEPit's examples return the measured
worst case beside the theoretical one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from boundkit.config import Setting


@dataclass(frozen=True)
class Instance:
    """A built construction, ready to simulate.

    ``setting`` carries the constants the construction really has (its loss's
    ``lipschitz``, ``smoothness``, ``strong_convexity``), at which the bounds are
    evaluated.  ``closed_form`` is the uniform stability the construction reaches
    (``eps``, or ``E eps`` for SGD) as a SymPy expression; ``closed_form_subs`` maps every
    free symbol of it to an exact value.  ``supremum`` is set when the value reached is
    a rational point just below a supremum the construction's family approaches but does
    not attain (the Byzantine pushes): the exact supremum at the instance's parameters
    (``verify`` compares it with the registered lower bound and checks the simulation
    below it).  ``extras`` holds construction-specific values worth reporting (the pushed
    Byzantine value, ...).
    """

    name: str
    setting: Setting
    problem: object  # boundkit.dynamics.problem.Problem
    algorithm: str  # "gd" | "sgd"
    closed_form: sp.Expr
    closed_form_subs: Mapping[sp.Symbol, sp.Expr]
    extras: Mapping[str, object] = field(default_factory=dict)
    supremum: sp.Expr | None = None

    def closed_form_value(self) -> sp.Expr:
        """The closed form at this instance's parameters, exactly (no float step)."""
        value = self.closed_form.subs(dict(self.closed_form_subs))
        if value.has(sp.Float):
            raise ValueError(f"{self.name}: closed form has a floating-point number: {value}")
        return value


@dataclass(frozen=True)
class Construction:
    """Registry entry: metadata plus the builder.

    ``applies(setting)`` returns ``None`` when the construction is defined at
    ``setting`` and otherwise the reason it is not (e.g. ``"needs f >= n/3"``).
    """

    name: str
    title: str
    reference: str
    threat: str  # "poisoning" | "byzantine"
    algorithm: str  # "gd" | "sgd"
    convexity: str  # "convex" | "strongly-convex"
    upper_id: str
    lower_id: str
    build: Callable[[Setting], Instance]
    applies: Callable[[Setting], str | None]
    lower_selector: Callable[[Setting], str | None] | None = None

    def lower_for(self, setting: Setting) -> str | None:
        """The registered lower bound this construction is checked against at ``setting``.

        ``None`` when no registered lower bound speaks about this construction there
        (the record then says so; the upper bound and closed form are still checked).
        """
        return self.lower_id if self.lower_selector is None else self.lower_selector(setting)
