"""Worst-case Byzantine attack search against SMEA, one module per concept.

The overview (model, search space, starts, exact re-evaluation) is the docstring of
:mod:`boundkit.attack_search`, the facade that re-exports the names used elsewhere.
Layers, each importing only the ones above it:

- :mod:`~boundkit.attacks.model`: the problem ``(n, f, d, L)``, search settings, exact vectors;
- :mod:`~boundkit.attacks.certificate`: exact configurations, their JSON form and exact replay;
- :mod:`~boundkit.attacks.references`: the registered bounds and constructed pushes per step;
- :mod:`~boundkit.attacks.scoring`: float SMEA screening of candidate layouts;
- :mod:`~boundkit.attacks.local_search`: the adaptive random climb and count moves;
- :mod:`~boundkit.attacks.starts`: structured, random and exact (B1)/(B2) starts;
- :mod:`~boundkit.attacks.rationalise`: float candidates turned into exact certificates;
- :mod:`~boundkit.attacks.search`: the search itself (:func:`~boundkit.attacks.search.search`);
- :mod:`~boundkit.attacks.sweep`: the ``(n, f, d)`` grid and one row per point;
- :mod:`~boundkit.attacks.fits`: fitted exponents per regime;
- :mod:`~boundkit.attacks.report`: CSV, JSON certificates and the markdown table;
- :mod:`~boundkit.attacks.plot`: the figure (matplotlib imported lazily).
"""
