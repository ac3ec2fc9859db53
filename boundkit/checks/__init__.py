"""Checks of the theory against simulation: the verify grid and its cases, the bound sweep,
the paper's central claim, and the fitted rate exponents.  May import constructions,
dynamics, rules, bounds and the rank-0 modules (errors, config, parallel); never labs,
outputs or cli."""
