"""The pairwise variance identity and the three-cluster formula (Lemma D.1).

docs/theory.md, section 1, "Pairwise variance identity".

The variance is computed from weighted first and second moments
(:func:`proofs_check.core.weighted_variance`) and compared with the pairwise form
``(1/k^2) sum_{i<j} (x_i - x_j)^2``; for collinear vectors the covariance matrix is built
in 2-D and its eigenvalues are compared with the three-cluster ``lambda_max`` formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

import sympy as sp

from proofs_check.core import CheckResult, is_zero, result, weighted_variance

PairwiseFormula = Callable[[Sequence[sp.Expr]], sp.Expr]
ClusterFormula = Callable[..., sp.Expr]


def pairwise_variance(xs: Sequence[sp.Expr]) -> sp.Expr:
    """docs/theory.md, section 1: ``Var = (1/k^2) sum_{i<j} (x_i - x_j)^2`` for ``k`` values."""
    k = len(xs)
    return sp.Rational(1, k**2) * sum((xi - xj) ** 2 for xi, xj in combinations(xs, 2))


def three_cluster(
    a: sp.Expr, b: sp.Expr, c: sp.Expr, d12: sp.Expr, d13: sp.Expr, d23: sp.Expr
) -> sp.Expr:
    """Lemma D.1: ``lambda_max = (a b d12 + a c d13 + b c d23)/(a+b+c)^2``, ``dij = |xi-xj|^2``."""
    return (a * b * d12 + a * c * d13 + b * c * d23) / (a + b + c) ** 2


def check_pairwise_identity(
    formula: PairwiseFormula = pairwise_variance, sizes: Sequence[int] = (2, 3, 4, 5, 6)
) -> CheckResult:
    """Pairwise identity for symbolic ``x_1..x_k``, ``k = 2..6``, against the moment variance."""
    ok_sizes = []
    for k in sizes:
        xs = sp.symbols(f"x1:{k + 1}", real=True)
        moment = weighted_variance([(x, 1) for x in xs])
        if is_zero(sp.expand(formula(list(xs)) - moment)):
            ok_sizes.append(k)
    return result(
        "variance/pairwise-identity",
        len(ok_sizes) == len(sizes),
        f"(1/k^2) sum_(i<j) (x_i-x_j)^2 vs E[x^2] - E[x]^2 for k in {list(sizes)}: "
        f"equal for {ok_sizes}",
    )


def check_three_cluster(formula: ClusterFormula = three_cluster) -> CheckResult:
    """Lemma D.1 with symbolic counts ``a, b, c`` (scalar case, weighted moments)."""
    a, b, c = sp.symbols("a b c", positive=True)
    x1, x2, x3 = sp.symbols("x1:4", real=True)
    moment = weighted_variance([(x1, a), (x2, b), (x3, c)])
    claim = formula(a, b, c, (x1 - x2) ** 2, (x1 - x3) ** 2, (x2 - x3) ** 2)
    return result(
        "variance/three-cluster-scalar",
        is_zero(moment - claim),
        "weighted variance of a*x1, b*x2, c*x3 vs (ab|x1-x2|^2 + ac|x1-x3|^2 + bc|x2-x3|^2)/"
        "(a+b+c)^2",
        moment=sp.factor(moment),
        formula=claim,
    )


def check_three_cluster_eigen(formula: ClusterFormula = three_cluster) -> CheckResult:
    """Lemma D.1, vector form: ``x_i = s_i u``, ``u = (cos phi, sin phi)``.

    ``u`` is written with ``t = tan(phi/2)``: ``((1-t^2)/(1+t^2), 2t/(1+t^2))`` (every unit
    vector but ``(-1, 0)``, whose case is ``t -> oo``), so all entries are rational and
    SymPy decides equalities by cancellation, fast whether they hold or not.  The 2x2
    covariance ``(1/W) sum_i w_i (x_i - mean)(x_i - mean)^T`` is built from the vectors; its
    eigenvalues must be ``{formula, 0}`` with ``|x_i - x_j|^2`` computed as dot products
    (so ``|u| = 1`` is not assumed), and its characteristic polynomial
    ``lambda (lambda - formula)``.
    """
    a, b, c = sp.symbols("a b c", positive=True)
    s = sp.symbols("s1:4", real=True)
    tt = sp.Symbol("t", real=True)
    u = sp.Matrix([(1 - tt**2) / (1 + tt**2), 2 * tt / (1 + tt**2)])
    xs = [si * u for si in s]
    ws = [a, b, c]
    total = a + b + c
    mean = sum((w * x for w, x in zip(ws, xs, strict=True)), sp.zeros(2, 1)) / total
    cov = (
        sum((w * (x - mean) * (x - mean).T for w, x in zip(ws, xs, strict=True)), sp.zeros(2, 2))
        / total
    )

    def sq(p: sp.Matrix, q: sp.Matrix) -> sp.Expr:
        return ((p - q).T * (p - q))[0]

    claim = formula(a, b, c, sq(xs[0], xs[1]), sq(xs[0], xs[2]), sq(xs[1], xs[2]))
    lam = sp.Symbol("lambda")
    charpoly = sp.Poly(cov.charpoly(lam).as_expr(), lam)
    reduced = sp.Poly([sp.cancel(cf) for cf in charpoly.all_coeffs()], lam)
    eig = [e for e, mult in sp.roots(reduced).items() for _ in range(mult)]
    zeros = [e for e in eig if e == 0]
    others = [e for e in eig if e != 0]
    ok = len(eig) == 2 and len(zeros) == 1 and len(others) == 1 and is_zero(others[0] - claim)
    charpoly_ok = is_zero(reduced.as_expr() - lam * (lam - claim))
    return result(
        "variance/three-cluster-2d-eigenvalues",
        ok and charpoly_ok,
        f"eigenvalues of the 2x2 covariance of collinear clusters vs {{formula, 0}}: {ok}; "
        f"charpoly == lambda(lambda - formula): {charpoly_ok}",
        eigenvalues=eig,
        formula=sp.factor(claim),
    )
