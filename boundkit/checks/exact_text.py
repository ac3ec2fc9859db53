"""Exact numbers written as text in verify records, read back by a grammar (never evaluated).

Accepted: an integer or ``p/q`` (``"-3/7"``), or the ``sympy.srepr`` of an algebraic number
built from ``Integer``, ``Rational``, ``Add``, ``Mul``, ``Pow`` (rational exponent) and the
named constants ``Zero``, ``One``, ``NegativeOne``, ``Half`` -- e.g.
``"Add(Integer(2), Pow(Integer(3), Rational(1, 2)))"`` for ``2 + sqrt(3)``.  Anything else is
a :class:`ValueError` naming the text; no ``eval``, ``sympify`` or ``parse_expr``.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp

_RATIONAL = re.compile(r"-?\d+(/\d+)?")
_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z]+)|(?P<int>-?\d+)|(?P<punct>[(),]))")
_CONSTANTS = {
    "Zero": sp.Integer(0),
    "One": sp.Integer(1),
    "NegativeOne": sp.Integer(-1),
    "Half": sp.Rational(1, 2),
}
_NODES = ("Integer", "Rational", "Add", "Mul", "Pow")


def parse_exact(text: str) -> sp.Expr:
    """The exact SymPy number ``text`` denotes (module docstring)."""
    if _RATIONAL.fullmatch(text.strip()):
        value = Fraction(text.strip())
        return sp.Rational(value.numerator, value.denominator)
    tokens = _tokens(text)
    value, rest = _node(tokens, text)
    if rest:
        raise ValueError(f"exact number: trailing text in {text!r}")
    return value


def _tokens(text: str) -> list[str]:
    out, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"exact number: unexpected character in {text!r}")
        out.append(match.group(match.lastgroup))
        position = match.end()
    return out


def _node(tokens: list[str], text: str) -> tuple[sp.Expr, list[str]]:
    if not tokens:
        raise ValueError(f"exact number: incomplete {text!r}")
    name, rest = tokens[0], tokens[1:]
    if name not in _CONSTANTS and name not in _NODES:
        raise ValueError(f"exact number: {name!r} is not allowed in {text!r}")
    if not rest or rest[0] != "(":
        raise ValueError(f"exact number: expected '(' after {name} in {text!r}")
    args, rest = _arguments(name, rest[1:], text)
    return _build(name, args, text), rest


def _arguments(name: str, tokens: list[str], text: str) -> tuple[list, list[str]]:
    args: list = []
    while tokens and tokens[0] != ")":
        if name in ("Integer", "Rational"):
            if not re.fullmatch(r"-?\d+", tokens[0]):
                raise ValueError(f"exact number: {name} takes integers in {text!r}")
            args.append(int(tokens[0]))
            tokens = tokens[1:]
        else:
            value, tokens = _node(tokens, text)
            args.append(value)
        if tokens and tokens[0] == ",":
            tokens = tokens[1:]
    if not tokens:
        raise ValueError(f"exact number: missing ')' in {text!r}")
    return args, tokens[1:]


def _build(name: str, args: list, text: str) -> sp.Expr:
    arity = {"Integer": (1,), "Rational": (2,), "Pow": (2,)}.get(name)
    if name in _CONSTANTS:
        arity = (0,)
    if arity is not None and len(args) not in arity:
        raise ValueError(f"exact number: {name} with {len(args)} arguments in {text!r}")
    if name in _CONSTANTS:
        return _CONSTANTS[name]
    if name == "Integer":
        return sp.Integer(args[0])
    if name == "Rational":
        return sp.Rational(args[0], args[1])
    if name == "Pow":
        if not args[1].is_Rational:
            raise ValueError(f"exact number: only rational exponents in {text!r}")
        return sp.Pow(args[0], args[1])
    if not args:
        raise ValueError(f"exact number: empty {name} in {text!r}")
    return sp.Add(*args) if name == "Add" else sp.Mul(*args)
