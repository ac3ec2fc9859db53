"""Symbolic proof checks of boundkit's registered bounds (THEORY.md; ``python -m proofs_check``).

Every check compares two independently obtained expressions: a registered bound against
the solution of its own per-step recursion, a variance formula against weighted moments,
a construction's closed form against a brute-force SMEA, and so on.  ``CHECKS`` is the
registry (data); :func:`run_check` runs one; :func:`main` is the command line.
"""

from collections.abc import Sequence

from proofs_check.checks import CHECKS, run_check, select
from proofs_check.core import Check, CheckResult

__all__ = ["CHECKS", "Check", "CheckResult", "main", "run_check", "select"]


def main(argv: Sequence[str] | None = None, checks: Sequence[Check] | None = None) -> int:
    """Same as ``python -m proofs_check`` (see :func:`proofs_check.__main__.main`)."""
    from proofs_check.__main__ import main as _main

    return _main(argv, checks)
