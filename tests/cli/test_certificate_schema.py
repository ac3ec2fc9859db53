"""The strict schema and the ratio grammar certificates are read with (issue 14).

The grammar never evaluates: hypothesis feeds it arbitrary text over an alphabet that
spells Python calls, and it either returns a SymPy number or raises the one-line
:class:`ParameterError`, quickly.  It reads back what the lab prints, and a ratio printed
differently (another SymPy version) still compares exactly.
"""

from __future__ import annotations

import json
import random
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.errors import ParameterError
from boundkit.labs import schema
from boundkit.labs.attacks.certificate import Certificate as AttackCertificate
from boundkit.labs.kappa.certificate import certify, same_ratio
from boundkit.labs.kappa.ratio_grammar import parse_ratio

ALPHABET = "0123456789+-*/(), xsqrtCRootOf_.'[]:=_import_os"


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_grammar_returns_a_number_or_one_line_error(text: str) -> None:
    start = time.perf_counter()
    try:
        value = parse_ratio(text)
    except ParameterError as error:
        assert "\n" not in str(error) and str(error).startswith("replay.ratio: must satisfy")
    else:
        assert isinstance(value, sp.Expr) and not value.free_symbols
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true') or 4/3",
        "x",
        "y",
        "1/0",
        "0**-1",
        "2**64",
        "(((2**32)**32)**32)**32",
        "sqrt(sqrt(sqrt(sqrt(sqrt(2)))))",
        "CRootOf(x**2 - 2, 2)",
        "CRootOf(x**40 - 2, 0)",
        "CRootOf(sqrt(x) - 2, 0)",
        "(" * 40 + "1" + ")" * 40,
        "1" * 1001,
        "oo - oo",
        "1.5",
        "",
    ],
)
def test_grammar_refuses(text: str) -> None:
    with pytest.raises(ParameterError):
        parse_ratio(text)


def _random_rows(rng: random.Random, d: int) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(
        tuple(Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(d)) for _ in range(7)
    )


@pytest.mark.parametrize("rule, d", [("median", 2), ("smea", 2), ("cwtm", 3), ("krum", 5)])
def test_printed_differently_still_compares_exactly(rule: str, d: int) -> None:
    rng = random.Random(f"{rule}{d}")
    for _ in range(3):
        cert, ev = certify(rule, _random_rows(rng, d), tuple(range(5)), 2)
        assert not isinstance(ev.ratio, Fraction)  # an algebraic ratio
        other = str(parse_ratio(cert.ratio))  # SymPy's own form of the parsed number
        assert same_ratio(other, ev.ratio)
        assert not same_ratio(f"{other} + 1/10**40", ev.ratio)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("[1.5]", "a JSON integer"),
        ('{"a": NaN}', "valid JSON"),
        ("[Infinity]", "valid JSON"),
        ("1" * 1001, "valid JSON"),
        ("[" * 9 + "]" * 9, "nested at most"),
    ],
)
def test_load_refuses_floats_constants_huge_and_deep(text: str, rule: str) -> None:
    with pytest.raises(ParameterError) as info:
        schema.integer(schema.load(text, "x")[0], "x.n", 0, 10)
    assert rule in str(info.value)


@pytest.mark.parametrize("value", [True, 5.0, "5", None, [5], 10**6])
def test_integer_field_is_a_json_integer_in_range(value: object) -> None:
    with pytest.raises(ParameterError):
        schema.integer(value, "x.n", 1, 1000)


def test_attack_certificate_schema() -> None:
    record = {
        "n": 5,
        "f": 1,
        "d": 1,
        "m": 1,
        "lipschitz": "1",
        "honest_run_1": [{"vector": ["-1"], "count": 2}, {"vector": ["1"], "count": 2}],
        "changed_worker": {"run_1": ["-1"], "run_2": ["1"]},
        "byzantine_run_1": [{"vector": ["-3/2"], "count": 1}],
        "byzantine_run_2": [{"vector": ["3/2"], "count": 1}],
    }
    assert AttackCertificate.from_json(json.loads(json.dumps(record))).problem.n == 5
    for key, bad in (
        ("n", True),
        ("f", "1"),
        ("lipschitz", 1.0),
        ("byzantine_run_1", [{"vector": ["1e99999"], "count": 1}]),
        ("honest_run_1", [{"vector": ["-1"], "count": 4, "x": 1}]),
        ("extra", 0),
    ):
        with pytest.raises(ParameterError):
            AttackCertificate.from_json({**record, key: bad})
