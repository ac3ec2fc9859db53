"""Shared SymPy symbols, spelled as in the paper (THEORY.md section 1).

One module owns them so every expression in boundkit uses the same assumptions and the
same objects: ``n`` workers, ``f`` misbehaving, ``m`` samples per honest worker, ``T``
iterations, ``gamma`` step size, ``L`` Lipschitz constant, ``beta`` smoothness, ``mu``
strong convexity, ``kappa`` robustness coefficient.
"""

from __future__ import annotations

import sympy as sp

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
