"""Formulas for people: SymPy expressions printed as plain Unicode or as inline LaTeX.

SymPy's string printer writes ``L**2*T*gamma``, which markdown renderers turn into bold and
italics; its LaTeX printer writes ``\\left(...\\right)``, which TeX cannot break across
lines.  This printer writes the rates the way docs/theory.md does: ``2γL²T(1/N + f/(n − f))``
in Unicode (markdown, terminal) and ``2 \\gamma L^{2} T \\bigl(\\frac{1}{N} + ...\\bigr)`` in
LaTeX, with the same factor and term order in both.  Factors are ordered numbers, other
symbols, ``gamma L T`` (the rate factor), roots and functions, sums; terms positive before
negative, and among those ``1/N``, numbers, roots, the rest (otherwise as SymPy keeps them).

Display-only pieces (``O``, ``Omega``, ``Theta``, ``<=``, ``>=``, a square root kept whole,
named atoms such as the Iverson bracket ``[n - f odd]``) are the classes and
:func:`display_atom` below; their two forms are given where they are made.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

#: Greek and other names: symbol name -> (Unicode, LaTeX)
_NAMES: dict[str, tuple[str, str]] = {
    "gamma": ("γ", r"\gamma"),
    "kappa": ("κ", r"\kappa"),
    "mu": ("μ", r"\mu"),
    "beta": ("β", r"\beta"),
    "delta": ("δ", r"\delta"),
    "epsilon": ("ε", r"\varepsilon"),
    "lambda": ("λ", r"\lambda"),
    "sigma": ("σ", r"\sigma"),
    "theta": ("θ", r"\theta"),
}
#: display atoms made by :func:`display_atom`: name -> (Unicode, LaTeX)
_ATOMS: dict[str, tuple[str, str]] = {}
#: the rate factor gamma L^2 T (and mu), printed in this order after the other symbols
_RATE_ORDER = {"gamma": 0, "mu": 1, "L": 2, "T": 3}
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
MINUS = "\N{MINUS SIGN}"


def display_atom(name: str, unicode: str, latex: str) -> sp.Symbol:
    """A symbol printed as ``unicode`` / ``latex`` (e.g. the Iverson bracket ``[n - f odd]``)."""
    _ATOMS[name] = (unicode, latex)
    return sp.Symbol(name, positive=True)


class _Display(sp.Function):
    """A display-only wrapper: ``head(arg)`` in Unicode, ``latex_head\\bigl(arg\\bigr)``."""

    head = ""
    latex_head = ""
    relation = False  # True: printed as ``head arg`` (no parentheses), e.g. ``≤ x``


class BigO(_Display):
    """Display-only ``O(.)``."""

    head, latex_head = "O", r"\mathcal{O}"


class BigOmega(_Display):
    """Display-only ``Omega(.)``."""

    head, latex_head = "Ω", r"\Omega"


class BigTheta(_Display):
    """Display-only ``Theta(.)``."""

    head, latex_head = "Θ", r"\Theta"


class AtMost(_Display):
    """Display-only ``<= (.)``: an exact upper bound, constants included."""

    head, latex_head, relation = "≤", r"\leq", True


class AtLeast(_Display):
    """Display-only ``>= (.)``: an exact lower bound, constants included."""

    head, latex_head, relation = "≥", r"\geq", True


class Root(sp.Function):
    """Display-only square root that keeps its argument whole (``√(f/(n − 2f))``)."""


_RELATIONS = {
    sp.GreaterThan: ("≥", r"\geq"),
    sp.LessThan: ("≤", r"\leq"),
    sp.StrictGreaterThan: (">", ">"),
    sp.StrictLessThan: ("<", "<"),
    sp.Equality: ("=", "="),
    sp.Unequality: ("≠", r"\neq"),
}


@dataclass(frozen=True)
class _Printer:
    """One dialect: ``latex`` False prints Unicode."""

    latex: bool

    def pick(self, unicode: str, latex: str) -> str:
        return latex if self.latex else unicode

    def group(self, body: str) -> str:
        """``(body)``; in LaTeX ``\\bigl(...\\bigr)`` around fractions and roots (not
        ``\\left...\\right``, which TeX cannot break across lines)."""
        if self.latex and any(tall in body for tall in (r"\frac", r"\sqrt", r"\bigl")):
            return rf"\bigl({body}\bigr)"
        return f"({body})"

    def __call__(self, expr: sp.Basic) -> str:
        return self.expr(sp.sympify(expr))

    def expr(self, e: sp.Basic) -> str:
        if isinstance(e, sp.core.relational.Relational):
            word = self.pick(*_RELATIONS[type(e)])
            return f"{self.expr(e.lhs)} {word} {self.expr(e.rhs)}"
        if isinstance(e, _Display):
            return self.display(e)
        if isinstance(e, Root):
            return self.root(e.args[0])
        if isinstance(e, sp.Add):
            return self.add(e)
        if isinstance(e, sp.Mul):
            return self.mul(e)
        if isinstance(e, sp.Pow):
            return self.power(e)
        if isinstance(e, sp.Symbol):
            return self.symbol(e)
        if e is sp.oo:
            return self.pick("∞", r"\infty")
        if isinstance(e, sp.Rational):
            return self.rational(e)
        raise TypeError(f"no display form for {type(e).__name__}")

    def display(self, e: _Display) -> str:
        arg = self.expr(e.args[0])
        head = e.latex_head if self.latex else e.head
        if e.relation:
            return f"{head} {arg}"
        return f"{head}{self.group(arg)}" if self.latex else f"{head}({arg})"

    def symbol(self, s: sp.Symbol) -> str:
        if s.name in _ATOMS:
            return self.pick(*_ATOMS[s.name])
        if s.name in _NAMES:
            return self.pick(*_NAMES[s.name])
        if s.name.isalnum() and s.name.isascii():
            return s.name
        raise ValueError(f"no display name for the symbol {s.name!r}")

    def rational(self, r: sp.Rational) -> str:
        sign = MINUS if r < 0 and not self.latex else ("-" if r < 0 else "")
        p, q = abs(r.p), r.q
        if q == 1:
            return f"{sign}{p}"
        return f"{sign}\\frac{{{p}}}{{{q}}}" if self.latex else f"{sign}{p}/{q}"

    def root(self, arg: sp.Basic) -> str:
        body = self.expr(arg)
        if self.latex:
            return rf"\sqrt{{{body}}}"
        atomic = isinstance(arg, sp.Symbol | sp.Integer)
        return f"√{body}" if atomic else f"√({body})"

    def add(self, e: sp.Add) -> str:
        terms = list(enumerate(e.as_ordered_terms()))
        leading = any(_term_kind(term, False) in (0, 2) for _, term in terms)
        terms.sort(key=lambda item: _term_key(item, leading))
        out = ""
        for index, (_, term) in enumerate(terms):
            negative = term.could_extract_minus_sign()
            body = self.expr(-term if negative else term)
            if index == 0:
                out = (self.pick(MINUS, "-") if negative else "") + body
            else:
                out += f" {self.pick(MINUS, '-') if negative else '+'} {body}"
        return out

    def power(self, e: sp.Pow) -> str:
        base, exponent = e.args
        if exponent == sp.Rational(1, 2):
            return self.root(base)
        if exponent.is_Integer and exponent < 0:
            return self.mul(e)
        body = self.factor(base)
        if exponent.is_Integer and not self.latex:
            return body + str(exponent).translate(_SUPERSCRIPTS)
        if self.latex:
            return f"{body}^{{{self.expr(exponent)}}}"
        return f"{body}^({self.expr(exponent)})"

    def factor(self, e: sp.Basic) -> str:
        """``e`` as a factor of a product or the base of a power: sums, products and
        fractions grouped (a power groups its own base)."""
        text = self.expr(e)
        grouped = isinstance(e, sp.Add | sp.Mul) or (isinstance(e, sp.Rational) and e.q != 1)
        return self.group(text) if grouped else text

    def mul(self, e: sp.Basic) -> str:
        coefficient, factors = e.as_coeff_mul()
        if coefficient < 0:
            return self.pick(MINUS, "-") + self.mul(-e)
        top = [x for x in factors if not _is_reciprocal(x)]
        bottom = [1 / x for x in factors if _is_reciprocal(x)]
        if coefficient.p != 1:
            top.insert(0, sp.Integer(coefficient.p))
        if coefficient.q != 1:
            bottom.insert(0, sp.Integer(coefficient.q))
        top.sort(key=_factor_key)
        if not bottom:
            return self.product(top)
        sums = [x for x in top if isinstance(x, sp.Add)]
        plain = [x for x in top if not isinstance(x, sp.Add)]
        if sums and plain and len(bottom) == 1 and isinstance(bottom[0], sp.Symbol):
            # (L²/μ)(1/N + √κ): the constant factor first, then the sum
            fraction = self.fraction(self.product(plain), bottom)
            return (fraction if self.latex else f"({fraction})") + self.product(sums)
        whole = self.latex and len(top) == 1  # \frac{n - f}{...}: no parentheses needed
        numerator = self.expr(top[0]) if whole else (self.product(top) if top else "1")
        return self.fraction(numerator, bottom)

    def fraction(self, numerator: str, bottom: list[sp.Basic]) -> str:
        bottom = sorted(bottom, key=_factor_key)
        if self.latex:
            denominator = self.expr(bottom[0]) if len(bottom) == 1 else self.product(bottom)
            return rf"\frac{{{numerator}}}{{{denominator}}}"
        denominator = self.product(bottom)
        return f"{numerator}/{denominator if len(bottom) == 1 else '(' + denominator + ')'}"

    def product(self, factors: list[sp.Basic]) -> str:
        parts = [self.factor(x) for x in factors]
        if not self.latex:
            return "".join(parts)
        out = parts[0]
        for part in parts[1:]:
            glue = "" if part.startswith((r"\bigl", "(", r"\sqrt")) else " "
            out += glue + part
        return out


def _is_reciprocal(x: sp.Basic) -> bool:
    return isinstance(x, sp.Pow) and x.args[1].is_Integer and x.args[1] < 0


def _factor_key(x: sp.Basic) -> tuple[int, int, str]:
    if isinstance(x, sp.Number):
        return (0, 0, "")
    base = x.args[0] if isinstance(x, sp.Pow) else x
    if isinstance(base, sp.Symbol):
        if base.name in _RATE_ORDER:
            return (2, _RATE_ORDER[base.name], "")
        return (1, 0, base.name)
    if isinstance(x, sp.Add):
        return (4, 0, "")
    return (3, 0, "")


def _term_kind(term: sp.Basic, numbers_lead: bool) -> int:
    """0 ``1/N``, 1 a number (when ``numbers_lead``), 2 a root, 3 the rest, 4 a number."""
    if any(getattr(s, "name", "") == "N" for s in term.free_symbols):
        return 0
    if term.is_Number:
        return 1 if numbers_lead else 4
    if term.has(Root) or any(p.exp == sp.Rational(1, 2) for p in term.atoms(sp.Pow)):
        return 2
    return 3


def _term_key(item: tuple[int, sp.Basic], numbers_lead: bool) -> tuple[bool, int, int]:
    """Positive terms first; among them ``1/N``, roots, the rest, numbers last (``3f + 1``)
    unless the sum has a ``1/N`` or root term (``1/N + 1 + √(...)``, ``2 + 2√(...)``)."""
    index, term = item
    return (term.could_extract_minus_sign(), _term_kind(term, numbers_lead), index)


unicode = _Printer(latex=False)
latex = _Printer(latex=True)

__all__ = [
    "AtLeast",
    "AtMost",
    "BigO",
    "BigOmega",
    "BigTheta",
    "Root",
    "display_atom",
    "latex",
    "unicode",
]
