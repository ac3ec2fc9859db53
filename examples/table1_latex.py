"""Evaluate Table 1 at your parameters and export it as LaTeX.

The parameters use the paper's symbols (gamma, L, beta, mu) or boundkit's names
(step_size, lipschitz, smoothness, strong_convexity); a misspelt name is an error.

Run: ``python examples/table1_latex.py [OUT.tex]``.
"""

import sys
from fractions import Fraction

import boundkit
from boundkit.outputs import rate_table

point = dict(n=21, f=3, m=2, T=10, gamma=Fraction(1, 10), L=1, beta=1, mu=Fraction(1, 2))
setting = boundkit.make_setting(point)
for bound_id in ("thm3.1/convex", "thm3.3/convex", "thm3.2/f-lt-n/3", "thm3.3/strongly-convex"):
    print(f"{bound_id:24} {boundkit.evaluate(bound_id, point, dps=20)}")
out = sys.argv[1] if len(sys.argv) > 1 else "table1.tex"
with open(out, "w") as handle:
    handle.write(rate_table.latex(setting.as_dict(), dps=20))
print(f"wrote {out}")
