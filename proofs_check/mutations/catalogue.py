"""The catalogue of the mutation gate: every mutation, in the order the report lists them.

:data:`CATALOGUE` joins the registry mutations (:mod:`.catalogue_bounds`), those of the
named hypotheses and closed forms (:mod:`.catalogue_gaps`) and those of the verifier
(:mod:`.catalogue_checks`).  :func:`select` picks the fast subset or named ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from proofs_check.mutations.catalogue_bounds import REGISTRY_MUTATIONS
from proofs_check.mutations.catalogue_checks import (
    CENTRAL_MUTATIONS,
    DECIDE_MUTATIONS,
    MONTE_CARLO_MUTATIONS,
    VERIFY_MUTATIONS,
)
from proofs_check.mutations.catalogue_gaps import (
    HALVES_MUTATIONS,
    HYPOTHESIS_MUTATIONS,
    KAPPA_MUTATIONS,
    ORTHOGONAL_MUTATIONS,
    TWO_SIDED_MUTATIONS,
)
from proofs_check.mutations.model import Mutation

CATALOGUE: tuple[Mutation, ...] = (
    *REGISTRY_MUTATIONS,
    *HYPOTHESIS_MUTATIONS,
    *KAPPA_MUTATIONS,
    *HALVES_MUTATIONS,
    *TWO_SIDED_MUTATIONS,
    *ORTHOGONAL_MUTATIONS,
    *VERIFY_MUTATIONS,
    *DECIDE_MUTATIONS,
    *CENTRAL_MUTATIONS,
    *MONTE_CARLO_MUTATIONS,
)

_IDS = [m.id for m in CATALOGUE]
if len(set(_IDS)) != len(_IDS):
    raise ValueError("duplicate mutation ids in the catalogue")


def select(
    ids: Sequence[str] | None = None,
    fast: bool = False,
    catalogue: Sequence[Mutation] = CATALOGUE,
) -> list[Mutation]:
    """The mutations named by ``ids`` (catalogue order), the fast subset, or all.

    Raises ``KeyError`` naming the ids the catalogue does not hold.
    """
    chosen = list(catalogue)
    if ids:
        known = {m.id for m in catalogue}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise KeyError(", ".join(unknown))
        chosen = [m for m in chosen if m.id in set(ids)]
    if fast:
        chosen = [m for m in chosen if m.fast]
    return chosen
