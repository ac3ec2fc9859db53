"""Test-session set-up: under CI, the tests import the installed package.

``.ci/run`` installs boundkit into a fresh virtual environment (not editable) and sets
``BOUNDKIT_TEST_INSTALLED=1``.  ``python -m pytest`` puts the source tree first on
``sys.path``; here it is moved after site-packages, so ``import boundkit`` (and
``constructions``, ``proofs_check``) load what ``pip install`` installed, while the test
helpers (``tests.strategies``) still resolve from the tree.  ``tests/test_readme.py``
checks that this took effect.  Without the variable (local development) nothing changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _is_root(entry: str) -> bool:
    return Path(entry or os.curdir).resolve() == ROOT


if os.environ.get("BOUNDKIT_TEST_INSTALLED") == "1":
    sys.path[:] = [entry for entry in sys.path if not _is_root(entry)] + [str(ROOT)]
