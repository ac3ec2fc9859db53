"""Reproduce Figure 1 of the paper at small parameters (seconds instead of a minute).

Figure 1: the expected generalization error in the Lemma 4.1 setting against f, under
worst-case data poisoning (P1) and the tailored Byzantine attack (App. E.2), with the
scaled theory curves; computed exactly (``python -m boundkit figure`` draws the full one).

Run: ``python examples/figure1.py [OUT.png]``.
"""

import sys
from fractions import Fraction

from boundkit.outputs import figure

params = figure.FigureParameters(n=11, T=10, step_size=Fraction(1, 10), lipschitz=1)
points = figure.compute(params)
out = sys.argv[1] if len(sys.argv) > 1 else "figure1_small.png"
figure.plot(points, params, out)
print(figure.to_csv(points), end="")
print(
    f"wrote {out}; Byzantine above poisoning at every f: {all(p.byzantine_above for p in points)}"
)
