"""SMEA (paper, Def. 2.3): the rule on a list of vectors and on a grouped multiset, with its 1-D
window search, collinear reduction and ``d > 1`` enumeration (docs in :mod:`.rule`).
Imports only :mod:`boundkit.errors` and the shared modules of :mod:`boundkit.rules`."""

from boundkit.rules.smea.grouped import smea_grouped
from boundkit.rules.smea.rule import smea

__all__ = ["smea", "smea_grouped"]
