"""Shared SymPy symbols, spelled as in the paper (docs/theory.md, section 1).

One module owns them so every expression in boundkit uses the same assumptions and the
same objects: ``n`` workers, ``f`` misbehaving, ``m`` samples per honest worker, ``T``
iterations, ``gamma`` step size, ``L`` Lipschitz constant, ``beta`` smoothness, ``mu``
strong convexity, ``kappa`` robustness coefficient; the few symbols of the Section 4 /
Appendix G entries; and the lookups between parameter names and symbols.
"""

from __future__ import annotations

import sympy as sp

from boundkit.errors import ParameterError

n = sp.Symbol("n", positive=True, integer=True)
f = sp.Symbol("f", nonnegative=True, integer=True)
m = sp.Symbol("m", positive=True, integer=True)
T = sp.Symbol("T", positive=True, integer=True)
t = sp.Symbol("t", nonnegative=True, integer=True)
gamma = sp.Symbol("gamma", positive=True)
L = sp.Symbol("L", positive=True)
beta = sp.Symbol("beta", positive=True)
mu = sp.Symbol("mu", positive=True)
kappa = sp.Symbol("kappa", nonnegative=True)
delta = sp.Function("delta")

#: honest workers, h = n - f (the set H)
h = n - f
#: honest samples in all, N = h * m
N = (n - f) * m

#: parameter name (as used in configs and the CLI) -> symbol
BY_NAME: dict[str, sp.Symbol] = {
    "n": n,
    "f": f,
    "m": m,
    "T": T,
    "step_size": gamma,
    "lipschitz": L,
    "smoothness": beta,
    "strong_convexity": mu,
    "kappa": kappa,
}
#: symbol -> parameter name
NAME_OF: dict[sp.Symbol, str] = {v: k for k, v in BY_NAME.items()}

#: symbols used only by the Section 4 / Appendix G entries
epsilon = sp.Symbol("epsilon", nonnegative=True)
z1, z2 = sp.symbols("z1 z2", real=True)
theta1, theta2 = sp.symbols("theta1 theta2", real=True)
confidence_delta = sp.Symbol("delta_conf", positive=True)
loss_bound = sp.Symbol("M", positive=True)
universal_c = sp.Symbol("c", positive=True)

EXTRA_NAMES: dict[str, sp.Symbol] = {
    "epsilon": epsilon,
    "z1": z1,
    "z2": z2,
    "theta1": theta1,
    "theta2": theta2,
    "delta_conf": confidence_delta,
    "loss_bound": loss_bound,
    "c": universal_c,
}


def name_for(symbol: sp.Symbol) -> str:
    """The parameter name of ``symbol`` (its SymPy name when it has none)."""
    if symbol in NAME_OF:
        return NAME_OF[symbol]
    for name, sym in EXTRA_NAMES.items():
        if sym == symbol:
            return name
    return str(symbol)


def symbol_for(name: str) -> sp.Symbol:
    """The symbol of the parameter ``name`` (``ParameterError`` when unknown)."""
    if name in BY_NAME:
        return BY_NAME[name]
    if name in EXTRA_NAMES:
        return EXTRA_NAMES[name]
    raise ParameterError(name, "a known parameter name", name)
