"""Lower-bound constructions (docs/theory.md, section 3): one file per construction plus their
shared pieces (layouts, grouped values, push supremum, strategies, measurement).  May import
boundkit.dynamics, boundkit.bounds, boundkit.rules and boundkit.config / boundkit.errors.

``CONSTRUCTIONS`` maps a name to its :class:`constructions.base.Construction` entry:

- ``P1`` poisoning, GD, convex (Thm 3.4(i), App. D.2) -- tight against eq. (5);
- ``P2`` poisoning, GD, strongly convex (Thm 3.4(ii), App. D.3);
- ``P3`` poisoning, SGD, convex, projected (Thm 3.4(i) for SGD, App. D.4);
- ``B1`` Byzantine, ``f >= n/3`` (Thm 3.2(i), App. C.3);
- ``B2`` Byzantine, ``f < n/3`` (Thm 3.2(ii), App. C.3(iii));
- ``B3`` Byzantine, every ``f``, dimension 2: the orthogonal push (boundkit's own, not
  from the paper; docs/theory.md);
- ``tailored`` the two-sided Byzantine attack of App. E.2 (Algorithm 2);
- ``B4`` Byzantine, every ``f``, dimension 1: the two-sided push on the best two-value
  layout (boundkit's own; docs/theory.md).
"""

from __future__ import annotations

from constructions import (
    b1_byzantine_f_ge_third,
    b2_byzantine_f_lt_third,
    b3_orthogonal_push,
    b4_two_sided_push,
    p1_poisoning_gd_convex,
    p2_poisoning_gd_strongly_convex,
    p3_poisoning_sgd_convex,
    tailored_byzantine,
)
from constructions.base import Construction

CONSTRUCTIONS: dict[str, Construction] = {
    module.CONSTRUCTION.name: module.CONSTRUCTION
    for module in (
        p1_poisoning_gd_convex,
        p2_poisoning_gd_strongly_convex,
        p3_poisoning_sgd_convex,
        b1_byzantine_f_ge_third,
        b2_byzantine_f_lt_third,
        b3_orthogonal_push,
        tailored_byzantine,
        b4_two_sided_push,
    )
}

__all__ = ["CONSTRUCTIONS", "Construction"]
