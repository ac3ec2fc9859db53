"""The central claim (Theorem 3.2 vs eq. (5)) on verify records, decided exactly.

:mod:`boundkit.checks.central_claim` and the record text grammar
:mod:`boundkit.checks.exact_text`.  Records are built two ways: ``bounds`` records carrying
what the constructions really reach (their exact simulation), and records that
carry a chosen exact value as text (``empirical_exact``), to place a value exactly on eq. (5).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from boundkit.bounds import exact_value, get
from boundkit.checks.central_claim import central_claim, exact_instability
from boundkit.checks.exact_text import parse_exact
from boundkit.checks.verify import Record, exact_text
from boundkit.config import Setting
from constructions import CONSTRUCTIONS
from constructions.measure import measure


def _record(construction: str, n: int, f: int, m: int, T: int = 10, exact: str = "") -> Record:
    """A Byzantine ``bounds`` record at ``(n, f, m, T)`` carrying ``exact`` as its exact
    instability, or, when empty, what the construction really reaches there (its exact
    simulation)."""
    if not exact:
        setting = Setting(n=n, f=f, m=m, T=T, step_size=Fraction(1, 10), lipschitz=1)
        exact = exact_text(measure(CONSTRUCTIONS[construction].build(setting)).empirical_exact)
    return Record(
        check="bounds",
        theorem="",
        construction=construction,
        threat="byzantine",
        algorithm="gd",
        convexity="convex",
        n=n,
        f=f,
        m=m,
        T=T,
        gamma="1/10",
        L="1",
        beta="1",
        mu="0",
        upper="",
        empirical="",
        lower="",
        closed_form="",
        exact=True,
        status="PASS",
        empirical_exact=exact,
    )


def _eq5(n: int, f: int, m: int, T: int = 10) -> sp.Expr:
    setting = Setting(n=n, f=f, m=m, T=T, step_size=Fraction(1, 10), lipschitz=1)
    return exact_value(get("thm3.3/convex"), setting.as_dict())


def _claims(records: list[Record]) -> list[Record]:
    return [r for r in central_claim(records) if r.check == "central-claim"]


# ------------------------------------------------------------------ the (3, 1, 2) corner
def test_corner_fails_on_b1_alone_and_holds_with_every_construction() -> None:
    """At ``(3, 1, 2)`` (B1) reaches just below ``1.5 gamma L^2 T`` = eq. (5): on its own
    the claim fails there; with (B4) (and the tailored attack) among the records it holds,
    because the claim is about the largest Byzantine instability."""
    b1 = _record("B1", 3, 1, 2)
    (alone,) = _claims([b1])
    assert alone.status == "FAIL"
    assert exact_instability(b1) < _eq5(3, 1, 2)
    (together,) = _claims([b1, _record("tailored", 3, 1, 2), _record("B4", 3, 1, 2)])
    assert together.status == "PASS"
    assert "largest: B4" in together.detail
    assert together.method  # names how it was decided


def test_a_record_without_an_exact_value_is_undecided() -> None:
    (claim,) = _claims([replace(_record("B4", 3, 1, 2), empirical_exact="")])
    assert claim.status == "UNDECIDED"


def test_every_byzantine_construction_is_read() -> None:
    """Only Byzantine ``bounds`` records count; poisoning and non-bounds records are ignored."""
    poisoning = replace(_record("P1", 3, 1, 2, exact="100"), threat="poisoning")
    other = replace(_record("B4", 3, 1, 2, exact="100"), check="x")
    assert _claims([poisoning, other]) == []
    assert [r.status for r in _claims([poisoning, _record("B1", 3, 1, 2)])] == ["FAIL"]


# ------------------------------------------------------------------ exact, strict comparison
@pytest.mark.parametrize("n, f, m", [(3, 1, 2), (7, 3, 1), (11, 2, 5)])
def test_equal_to_eq5_is_a_failure(n: int, f: int, m: int) -> None:
    """The claim is strict: a value exactly on eq. (5) fails, the next rational above by
    ``10**-60`` passes (no tolerance could tell them apart at 50 digits)."""
    eq5 = _eq5(n, f, m)
    above = eq5 + sp.Rational(1, 10**60)
    (on,) = _claims([_record("B4", n, f, m, exact=str(eq5))])
    (over,) = _claims([_record("B4", n, f, m, exact=sp.srepr(above))])
    assert (on.status, over.status) == ("FAIL", "PASS")
    assert over.method == "exact"


def test_algebraic_values_are_compared_exactly() -> None:
    """An irrational value just above eq. (5) (``eq5 + sqrt(2)/10**40``) passes, one just
    below fails; neither is decided with a tolerance."""
    eq5 = _eq5(5, 2, 2)
    tiny = sp.sqrt(2) / 10**40
    (over,) = _claims([_record("B3", 5, 2, 2, exact=sp.srepr(eq5 + tiny))])
    (under,) = _claims([_record("B3", 5, 2, 2, exact=sp.srepr(eq5 - tiny))])
    assert (over.status, under.status) == ("PASS", "FAIL")
    assert "ball" in over.method or "algebraic" in over.method


def test_an_undecided_comparison_never_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """When no comparison can be settled the record is UNDECIDED, not PASS."""
    from boundkit.checks import central_claim as module
    from boundkit.checks.decide import Decision

    monkeypatch.setattr(module, "compare", lambda *a, **k: Decision(None, "undecided"))
    (claim,) = _claims([_record("B4", 5, 2, 2, exact="100")])
    assert claim.status == "UNDECIDED"
    growth = [r for r in central_claim(_series({6: sp.Integer(3), 8: sp.Integer(4)}))]
    assert {r.status for r in growth} == {"UNDECIDED"}


# ------------------------------------------------------------------ growth with f
def _series(values: dict[int, sp.Expr], n: int = 21, m: int = 2) -> list[Record]:
    return [
        _record("B1", n, f, m, exact=sp.srepr(ratio * _eq5(n, f, m))) for f, ratio in values.items()
    ]


def test_growth_in_f() -> None:
    """(B1)'s ratio to eq. (5) must grow with ``f`` along one parity of ``n - f``."""
    growing = _series({6: sp.Integer(3), 8: 3 + sp.sqrt(2) / 10**30, 10: sp.Integer(4)})
    flat = _series({6: sp.Integer(3), 8: sp.Integer(3), 10: sp.Integer(4)})
    (grows,) = [r for r in central_claim(growing) if r.check == "central-claim-growth"]
    (stalls,) = [r for r in central_claim(flat) if r.check == "central-claim-growth"]
    assert (grows.status, stalls.status) == ("PASS", "FAIL")


def test_growth_on_the_real_b1_series() -> None:
    """The real (B1) records at ``n = 21``, ``m = 2``, ``f >= n/3`` (odd ``n - f``)."""
    records = [_record("B1", 21, f, 2) for f in (8, 10)]
    (growth,) = [r for r in central_claim(records) if r.check == "central-claim-growth"]
    assert growth.status == "PASS"


# ------------------------------------------------------------------ the text grammar
@pytest.mark.parametrize(
    "value",
    [sp.Integer(-3), sp.Rational(7, 3), 2 + sp.sqrt(3), sp.sqrt(sp.Rational(13, 10)) / 7 - 1],
)
def test_exact_text_round_trip(value: sp.Expr) -> None:
    assert parse_exact(sp.srepr(value)) == value
    if value.is_Rational:
        assert parse_exact(str(value)) == value


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os")',
        "Symbol('x')",
        "Pow(Integer(2), Pow(Integer(2), Rational(1, 2)))",
        "Integer(1",
        "Add()",
        "Float('1.5', precision=53)",
        "1.5",
        "Symbol(Integer(1))",
        "Max(Integer(1), Integer(2))",
    ],
)
def test_exact_text_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="exact number"):
        parse_exact(text)
