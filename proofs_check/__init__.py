"""Symbolic proof checks of the registered bounds (docs/theory.md; ``python -m proofs_check``).

Every check compares two independently obtained expressions: a registered upper bound
against the solution of the recursion composed from lemma-level facts (:mod:`facts`,
:mod:`derive`), a registered lower bound against the exact brute-force supremum of its
construction (:mod:`sweep`, :mod:`orthogonal_sweep`), a variance formula against weighted
moments, and so on.  ``CHECKS`` is the registry (data); :func:`run_check` runs one;
:func:`main` is the command line.
"""

from collections.abc import Sequence

from proofs_check.checks import CHECKS, run_check, select
from proofs_check.core import Check, CheckResult

__all__ = ["CHECKS", "Check", "CheckResult", "main", "run_check", "select"]


def main(argv: Sequence[str] | None = None, checks: Sequence[Check] | None = None) -> int:
    """Same as ``python -m proofs_check`` (see :func:`proofs_check.__main__.main`)."""
    from proofs_check.__main__ import main as _main

    return _main(argv, checks)
