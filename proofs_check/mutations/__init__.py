"""The mutation gate: single faults planted in a temporary copy of the repository,
each of which ``proofs_check``, ``verify --quick`` or a test file must catch.

``python -m proofs_check.mutations [--fast] [--only ID ...] [--markdown PATH] [--jobs N]``
runs the catalogue (:data:`CATALOGUE`: data, one :class:`Mutation` per fault with the text
it replaces and its killers) with :func:`run_gate` and writes the report
(``reports/mutations.md``).
"""

from proofs_check.mutations.catalogue import CATALOGUE, select
from proofs_check.mutations.model import Killer, Mutation, proofs, tests, verify
from proofs_check.mutations.runner import GateResult, Outcome, run_gate

__all__ = [
    "CATALOGUE",
    "GateResult",
    "Killer",
    "Mutation",
    "Outcome",
    "proofs",
    "run_gate",
    "select",
    "tests",
    "verify",
]
