"""The paper's central claim (Theorem 3.2 vs eq. (5)), checked exactly on the verify records.

*Claim.*  At every grid point ``(n, f, m, T, gamma, L)`` where a Byzantine construction ran,
the largest instability any of them reaches -- (B1), (B2), (B3), the tailored attack, the
two-sided push (B4) -- exceeds the poisoning upper bound eq. (5) (``thm3.3/convex``) at the
same parameters.  The paper proves it for ``f >= n/3``; boundkit checks every ``f``.  The
value compared is the one simulated (the rational point each construction reaches, exactly
its closed form there), not a supremum.  *Growth.*  Along ``f >= n/3`` the ratio of (B1),
the paper's Theorem 3.2 construction, to eq. (5) grows with ``f``, for each ``(n, m, T)``
and parity of ``n - f`` (even and odd ``n - f`` use different honest layouts).

Every comparison is :func:`boundkit.checks.decide.compare` on exact numbers (rationals,
algebraic numbers; balls refined until they separate); one that cannot be settled makes the
record ``UNDECIDED``, never ``PASS``.  A record's exact instability is its
``empirical_exact`` text (the exact simulation, read back by
:func:`boundkit.checks.exact_text.parse_exact`); a record without one counts as undecided.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction

import sympy as sp

from boundkit import bounds
from boundkit.checks.decide import Decision, compare
from boundkit.checks.exact_text import parse_exact
from boundkit.checks.verify import Record, number_text

#: the poisoning upper bound every Byzantine instability is compared with (eq. (5))
POISONING_UPPER = "thm3.3/convex"
#: the construction whose ratio to eq. (5) must grow with f (Theorem 3.2(i))
GROWTH_CONSTRUCTION = "B1"

_Key = tuple[int, int, int, int, str, str, str]
#: a record without an exact value: its comparison is not settled
_UNKNOWN = Decision(None, "undecided", detail="no exact value in the record")


def _start_bits(dps: int) -> int:
    return max(64, math.ceil(dps * math.log2(10)) + 8)


def _key(r: Record) -> _Key:
    return (r.n, r.f, r.m, r.T, r.gamma, r.L, r.beta)


_NUMBER = re.compile(r"-?\d+(/\d+)?")


def _fraction(text: str, name: str) -> Fraction:
    """A record's parameter (``"1/10"``), by a grammar: an integer or ``p/q``."""
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{name}: must be an integer or p/q (got {text!r})")
    return Fraction(text)


def _parameters(key: _Key) -> dict[str, object]:
    n, f, m, T, gamma, lip, beta = key
    return dict(
        n=n,
        f=f,
        m=m,
        T=T,
        step_size=_fraction(gamma, "gamma"),
        lipschitz=_fraction(lip, "L"),
        smoothness=_fraction(beta, "beta"),
    )


def exact_instability(r: Record) -> sp.Expr | None:
    """The instability a Byzantine ``bounds`` record reached, as an exact SymPy number read
    from its ``empirical_exact`` text (``None`` when the record has none)."""
    return parse_exact(r.empirical_exact) if r.empirical_exact else None


def central_claim(records: Sequence[Record], dps: int = 50) -> list[Record]:
    """One ``central-claim`` record per grid point with a Byzantine construction, one
    ``central-claim-growth`` record per ``(n, m, T, parity of n - f)`` series of (B1)."""
    bits = _start_bits(dps)
    points: dict[_Key, list[tuple[Record, sp.Expr | None]]] = {}
    for r in records:
        if r.check == "bounds" and r.threat == "byzantine" and r.status != "ERROR":
            points.setdefault(_key(r), []).append((r, exact_instability(r)))
    out: list[Record] = []
    series: dict[tuple[int, int, int, int], list[tuple[int, sp.Expr]]] = {}
    for key, entries in points.items():
        poisoning = bounds.exact_value(bounds.get(POISONING_UPPER), _parameters(key))
        out.append(_claim_record(key, entries, poisoning, bits, dps))
        for r, value in entries:
            if r.construction == GROWTH_CONSTRUCTION and value is not None:
                series.setdefault((r.n, r.m, r.T, (r.n - r.f) % 2), []).append(
                    (r.f, value / poisoning)
                )
    for key, ratios in series.items():
        if len(ratios) > 1:
            out.append(_growth_record(key, sorted(ratios, key=lambda p: p[0]), bits, dps))
    return out


def _status(decisions: Sequence[Decision], need_all: bool) -> str:
    """PASS when every (``need_all``) or some decision holds; UNDECIDED when that turns
    on an undecided one; FAIL otherwise."""
    holds = [d.holds for d in decisions]
    if need_all:
        return "FAIL" if False in holds else "UNDECIDED" if None in holds else "PASS"
    return "PASS" if True in holds else "UNDECIDED" if None in holds else "FAIL"


def _method(decisions: Sequence[Decision]) -> str:
    used = {d.method for d in decisions}
    order = ("exact", "algebraic", "ball", "undecided")
    return "+".join(m for m in order if m in used)


def _largest(entries: Sequence[tuple[Record, sp.Expr]], bits: int) -> tuple[Record, sp.Expr]:
    """The entry with the largest instability, ordered exactly (an undecided order keeps
    the earlier entry; the verdict does not depend on it)."""
    best = entries[0]
    for entry in entries[1:]:
        if compare(entry[1], ">", best[1], start_bits=bits).holds:
            best = entry
    return best


def _claim_record(
    key: _Key,
    entries: Sequence[tuple[Record, sp.Expr | None]],
    poisoning: sp.Expr,
    bits: int,
    dps: int,
) -> Record:
    decisions = {
        r.construction: _UNKNOWN if v is None else compare(v, ">", poisoning, start_bits=bits)
        for r, v in entries
    }
    status = _status(list(decisions.values()), need_all=False)
    known = [(r, v) for r, v in entries if v is not None]
    best, value = _largest(known, bits) if known else (entries[0][0], None)
    ratios = ", ".join(
        f"{r.construction} {'?' if v is None else number_text(v / poisoning, 6)}"
        for r, v in entries
    )
    detail = f"largest: {best.construction}; instability / eq. (5): {ratios}"
    n, f, m, T, gamma, lip, beta = key
    return Record(
        check="central-claim",
        theorem="largest Byzantine instability > eq. (5) (thm3.2 vs thm3.3)",
        construction="largest Byzantine / eq.5",
        threat="both",
        algorithm="gd",
        convexity="convex",
        n=n,
        f=f,
        m=m,
        T=T,
        gamma=gamma,
        L=lip,
        beta=beta,
        mu="",
        upper=number_text(poisoning, dps),
        empirical=number_text(value, dps),
        lower="",
        closed_form=best.closed_form,
        exact=True,
        status=status,
        detail=detail,
        method=_method(list(decisions.values())),
        decisions={name: _decision_text(d) for name, d in decisions.items()},
    )


def _growth_record(
    key: tuple[int, int, int, int], points: list[tuple[int, sp.Expr]], bits: int, dps: int
) -> Record:
    """The (B1) / eq. (5) ratio grows with ``f`` along one parity class of ``n - f``."""
    n, m, T, parity = key
    decisions = {
        f"f={f1} -> f={f2}": compare(q2, ">", q1, start_bits=bits)
        for (f1, q1), (f2, q2) in zip(points, points[1:], strict=False)
    }
    detail = "ratios " + ", ".join(f"f={f}:{number_text(q, 5)}" for f, q in points)
    return Record(
        check="central-claim-growth",
        theorem=f"thm3.2 vs thm3.3 (ratio grows in f, n - f {'odd' if parity else 'even'})",
        construction=f"{GROWTH_CONSTRUCTION} / eq.5",
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
        empirical=number_text(points[-1][1], dps),
        lower="",
        closed_form="",
        exact=True,
        status=_status(list(decisions.values()), need_all=True),
        detail=detail,
        method=_method(list(decisions.values())),
        decisions={name: _decision_text(d) for name, d in decisions.items()},
    )


def _decision_text(d: Decision) -> str:
    outcome = {True: "holds", False: "fails", None: "undecided"}[d.holds]
    return f"{outcome} ({d.method})"
