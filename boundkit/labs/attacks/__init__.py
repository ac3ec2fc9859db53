"""Worst-case Byzantine attack search against SMEA, one module per concept.

The overview (model, search space, starts, exact re-evaluation) is the docstring of
:mod:`boundkit.labs.attack_search`, the facade that re-exports the names used elsewhere.
Layers, each importing only the ones above it:

- :mod:`~boundkit.labs.attacks.model`: the problem ``(n, f, d, L)``, search settings, exact vectors;
- :mod:`~boundkit.labs.attacks.certificate`: exact configurations, their JSON form and exact replay;
- :mod:`~boundkit.labs.attacks.references`: the registered bounds and constructed pushes per step;
- :mod:`~boundkit.labs.attacks.scoring`: float SMEA screening of candidate layouts;
- :mod:`~boundkit.labs.attacks.local_search`: the adaptive random climb and count moves;
- :mod:`~boundkit.labs.attacks.starts`: structured, random and exact (B1)/(B2) starts;
- :mod:`~boundkit.labs.attacks.rationalise`: float candidates turned into exact certificates;
- :mod:`~boundkit.labs.attacks.search`: the search itself (:func:`~boundkit.labs.attacks.search.search`);
- :mod:`~boundkit.labs.attacks.sweep`: the ``(n, f, d)`` grid and one row per point;
- :mod:`~boundkit.labs.attacks.fits`: fitted exponents per regime;
- :mod:`~boundkit.outputs.attack_search_report`: CSV, JSON certificates and the markdown table;
- :mod:`~boundkit.outputs.attack_search_plot`: the figure (matplotlib imported lazily).
"""
