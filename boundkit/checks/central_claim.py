"""The paper's central claim (Theorem 3.2 vs eq. 5), checked on the verify records.

For ``f >= n/3`` the Byzantine construction's instability exceeds the poisoning upper bound
at the same parameters, by a ratio that grows as ``f -> n/2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath

from boundkit import bounds
from boundkit.checks.verify import Record, number_text


def central_claim(records: Sequence[Record], dps: int = 50) -> list[Record]:
    """Theorem 3.2 vs eq. (5): Byzantine instability above the poisoning upper bound.

    For each (B1) record (``f >= n/3``) compare its empirical instability with the
    poisoning upper bound ``thm3.3/convex`` at the same ``(n, f, m, T, gamma, L)``; then, for
    each ``(n, m, T)``, check that the ratio grows with ``f``.
    """
    out: list[Record] = []
    series: dict[tuple[int, int, int, int], list[tuple[int, mpmath.mpf]]] = {}
    with mpmath.workdps(dps):
        for r in records:
            if r.construction != "B1" or r.check != "bounds" or r.status == "ERROR":
                continue
            params = dict(
                n=r.n,
                f=r.f,
                m=r.m,
                T=r.T,
                step_size=Fraction(r.gamma),
                lipschitz=Fraction(r.L),
                smoothness=Fraction(r.beta),
            )
            poison_upper = bounds.evaluate("thm3.3/convex", params, dps=dps)
            ratio = mpmath.mpf(r.empirical) / poison_upper
            series.setdefault((r.n, r.m, r.T, (r.n - r.f) % 2), []).append((r.f, ratio))
            detail = f"ratio {mpmath.nstr(ratio, 8)}"
            out.append(
                _claim_record(
                    r, "byzantine > poisoning upper", poison_upper, ratio > 1, detail, dps
                )
            )
        for key, points in series.items():
            if len(points) > 1:
                out.append(_growth_record(key, sorted(points)))
    return out


def _growth_record(key: tuple[int, int, int, int], points: list[tuple[int, mpmath.mpf]]) -> Record:
    """The ratio grows with ``f`` along one parity class of ``n - f``.

    Even and odd ``n - f`` use different honest layouts (equal or unequal halves), so
    the two classes are separate sequences as ``f -> n/2``.
    """
    n, m, T, parity = key
    ratios = [p[1] for p in points]
    grows = all(b > a for a, b in zip(ratios, ratios[1:], strict=False))
    detail = "ratios " + ", ".join(f"f={f}:{mpmath.nstr(q, 5)}" for f, q in points)
    return Record(
        check="central-claim-growth",
        theorem=f"thm3.2 vs thm3.3 (ratio grows in f, n - f {'odd' if parity else 'even'})",
        construction="B1 / eq.5",
        threat="both",
        algorithm="gd",
        convexity="convex",
        n=n,
        f=points[-1][0],
        m=m,
        T=T,
        gamma="",
        L="",
        beta="",
        mu="",
        upper="",
        empirical=mpmath.nstr(ratios[-1], 12),
        lower="",
        closed_form="",
        exact=True,
        status="PASS" if grows else "FAIL",
        detail=detail,
    )


def _claim_record(
    r: Record, what: str, poison_upper: mpmath.mpf, ok: bool, detail: str, dps: int
) -> Record:
    return Record(
        check="central-claim",
        theorem=f"thm3.2 {what}",
        construction="B1 / eq.5",
        threat="both",
        algorithm=r.algorithm,
        convexity=r.convexity,
        n=r.n,
        f=r.f,
        m=r.m,
        T=r.T,
        gamma=r.gamma,
        L=r.L,
        beta=r.beta,
        mu=r.mu,
        upper=number_text(poison_upper, dps),
        empirical=r.empirical,
        lower="",
        closed_form=r.closed_form,
        exact=r.exact,
        status="PASS" if ok else "FAIL",
        detail=detail,
    )
