"""The exact ratio of a certificate read by a grammar (never ``sympify``/``eval``).

A recorded ratio is what :func:`boundkit.labs.kappa.certificate.ratio_text` printed: a
Fraction ``p/q``, ``oo``, or SymPy's text of an algebraic number built from integers with
``+ - * / **``, ``sqrt(...)`` and ``CRootOf(polynomial in x, k)`` (``lambda_max`` of a
non-diagonal ``Sigma_S``, Def. 2.2).  :func:`parse_ratio` accepts exactly that language,
builds the SymPy number node by node from integer literals, and caps every size: the text,
the digits of a literal, the nesting, the exponents, the degree of a polynomial, the number
of radicals/roots and the bits of every intermediate rational.  Anything else is a one-line
:class:`~boundkit.errors.ParameterError`.
"""

from __future__ import annotations

import re

import sympy as sp

from boundkit.errors import ParameterError
from boundkit.labs.schema import MAX_DIGITS, shown

#: Longest ratio text accepted.
MAX_RATIO_TEXT = 20_000
#: Deepest nesting of parentheses and function calls.
MAX_NESTING = 30
#: Largest ``|e|`` in ``a**e``.
MAX_POWER = 32
#: Largest degree of the polynomial in ``CRootOf``.
MAX_DEGREE = 16
#: Most ``sqrt``/``CRootOf`` nodes in one ratio.
MAX_ROOTS = 4
#: Most bits in the numerator or denominator of any intermediate rational.
MAX_BITS = 200_000

_TOKEN = re.compile(r"\s*(?:(\d+)|(\*\*|[-+*/(),])|(CRootOf|sqrt|oo|x))")
_NAME = "replay.ratio"
_X = sp.Symbol("x")


def _fail(rule: str, value: object) -> ParameterError:
    return ParameterError(_NAME, rule, shown(value))


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            if text[at:].strip() == "":
                break
            raise _fail("integers, + - * / **, sqrt, CRootOf, x, oo and parentheses", text[at:])
        number, symbol, name = match.groups()
        if number is not None and len(number) > MAX_DIGITS:
            raise _fail(f"integer literals of at most {MAX_DIGITS} digits", f"{len(number)} digits")
        out.append(("int", number) if number is not None else ("op", symbol or name))
        at = match.end()
    return out


class _Parser:
    """Recursive descent over the tokens (SymPy precedence: ``**`` above unary minus)."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.roots = 0
        self.polynomial = False  # inside the first argument of CRootOf: x allowed

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise _fail("a complete expression", "end of text")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise _fail(f"{expected!r} here", token[1])
        self.at += 1
        return token

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _fail(f"nesting at most {MAX_NESTING} deep", "deeper")

    def expression(self) -> sp.Expr:
        value = self.term()
        while self.peek() in ("+", "-"):
            sign = self.take()[1]
            other = self.term()
            value = _checked(sp.Add(value, other if sign == "+" else -other))
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            other = self.unary()
            if op == "/" and other == 0:
                raise _fail("no division by zero", "/0")
            value = _checked(sp.Mul(value, other if op == "*" else sp.Pow(other, -1)))
        return value

    def unary(self) -> sp.Expr:
        if self.peek() in ("-", "+"):
            sign = self.take()[1]
            self.nested()
            value = self.unary()
            self.depth -= 1
            return -value if sign == "-" else value
        return self.power()

    def power(self) -> sp.Expr:
        base = self.atom()
        if self.peek() != "**":
            return base
        self.take("**")
        exponent = self.exponent()
        if base == 0 and exponent < 0:
            raise _fail("no division by zero", "0**negative")
        if base.is_Rational and _bits(base) * abs(exponent.p) > MAX_BITS:
            raise _fail(f"intermediate rationals of at most {MAX_BITS} bits", "larger")
        return _checked(sp.Pow(base, exponent))

    def exponent(self) -> sp.Rational:
        parenthesised = self.peek() == "("
        if parenthesised:
            self.take("(")
        sign = -1 if self.peek() == "-" and self.take() else 1
        top = int(self.take()[1]) if self.peek() and self.peek().isdigit() else None
        bottom = 1
        if parenthesised and self.peek() == "/":
            self.take("/")
            bottom = int(self.take()[1]) if self.peek() and self.peek().isdigit() else 0
        if parenthesised:
            self.take(")")
        if top is None or not 0 < bottom <= MAX_POWER or top > MAX_POWER:
            raise _fail(f"exponents p or (p/q) with |p|, q <= {MAX_POWER}", "another exponent")
        return sp.Rational(sign * top, bottom)

    def atom(self) -> sp.Expr:
        kind, token = self.take()
        if kind == "int":
            return sp.Integer(int(token))
        if token == "oo":
            return sp.oo
        if token == "x":
            if not self.polynomial:
                raise _fail("x only inside CRootOf", "x")
            return _X
        if token not in ("(", "sqrt", "CRootOf"):
            raise _fail("a number, sqrt(...), CRootOf(...) or (...)", token)
        self.nested()
        if token != "(":
            self.take("(")
        value = self.root(token) if token != "(" else self.expression()
        self.take(")")
        self.depth -= 1
        return value

    def root(self, name: str) -> sp.Expr:
        self.roots += 1
        if self.roots > MAX_ROOTS or self.polynomial:
            raise _fail(f"at most {MAX_ROOTS} sqrt/CRootOf, none inside CRootOf", name)
        if name == "sqrt":
            return _checked(sp.sqrt(self.expression()))
        self.polynomial = True
        polynomial = self.expression()
        self.polynomial = False
        self.take(",")
        index = self.take()[1]
        return _crootof(polynomial, index)


def _crootof(polynomial: sp.Expr, index: str) -> sp.Expr:
    try:
        poly = sp.Poly(polynomial, _X, domain=sp.QQ)
    except (sp.PolynomialError, sp.CoercionFailed, sp.GeneratorsNeeded):
        raise _fail("CRootOf of a polynomial in x with rational coefficients", "other") from None
    degree = poly.degree()
    if not 1 <= degree <= MAX_DEGREE:
        raise _fail(f"CRootOf of degree 1 to {MAX_DEGREE}", degree)
    if not index.isdigit() or not int(index) < degree:
        raise _fail(f"a CRootOf index in 0..{degree - 1}", index)
    return sp.CRootOf(poly, int(index))


def _bits(number: sp.Rational) -> int:
    return max(int(number.p).bit_length(), int(number.q).bit_length())


def _checked(value: sp.Expr) -> sp.Expr:
    """Refuse NaN, complex infinity and rationals of more than :data:`MAX_BITS` bits."""
    if value.has(sp.nan, sp.zoo):
        raise _fail("a finite number", "nan or complex infinity")
    for number in value.atoms(sp.Rational):
        if _bits(number) > MAX_BITS:
            raise _fail(f"intermediate rationals of at most {MAX_BITS} bits", "larger")
    return value


def parse_ratio(text: str) -> sp.Expr:
    """The SymPy number a recorded ratio denotes, by the grammar of this module."""
    if len(text) > MAX_RATIO_TEXT:
        raise _fail(f"at most {MAX_RATIO_TEXT} characters", len(text))
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise _fail("a number", "empty")
    value = parser.expression()
    if parser.at != len(parser.tokens):
        raise _fail("one expression", parser.tokens[parser.at][1])
    if value.free_symbols:
        raise _fail("a number (x only inside CRootOf)", "a symbol")
    return value
