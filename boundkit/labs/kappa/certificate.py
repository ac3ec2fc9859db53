"""Replayable certificates: :class:`Certificate`, :func:`certify`, :func:`replay`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.errors import ParameterError
from boundkit.labs.kappa.evaluation import _X, Evaluation, _sym, check_certificate_shape, evaluate
from boundkit.labs.kappa.rules import Rows, RuleFunction, RuleSpec, check_parameters, resolve_rule

_FORMAT = "boundkit-kappa-certificate"


def _fraction_text(q: Fraction) -> str:
    return str(q)


@dataclass(frozen=True)
class Certificate:
    """An input and a designated honest set, with the ratio it reaches (replayable).

    ``vectors`` are exact rationals, ``honest`` the ``n - f`` indices of ``S``, ``ratio``
    the exact ratio as text (a Fraction ``p/q``, a sympy expression, or ``oo``),
    ``decimal`` the ratio at ``dps`` digits, ``family`` the search family that found it.
    """

    rule: str
    n: int
    f: int
    d: int
    vectors: Rows
    honest: tuple[int, ...]
    ratio: str
    decimal: str
    family: str = ""
    dps: int = 50

    def to_json(self) -> str:
        """The certificate as JSON (numbers as exact ``"p/q"`` strings)."""
        record = {
            "format": _FORMAT,
            "version": 1,
            "rule": self.rule,
            "n": self.n,
            "f": self.f,
            "d": self.d,
            "honest": list(self.honest),
            "vectors": [[_fraction_text(x) for x in r] for r in self.vectors],
            "ratio": self.ratio,
            "decimal": self.decimal,
            "family": self.family,
            "dps": self.dps,
        }
        return json.dumps(record, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Certificate:
        """Parse and validate a certificate (:class:`ParameterError` when malformed)."""
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParameterError("replay", "a JSON certificate", f"invalid JSON: {error}") from None
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            raise ParameterError("replay", f"a JSON object with format {_FORMAT!r}")
        try:
            vectors = tuple(tuple(Fraction(str(x)) for x in r) for r in record["vectors"])
            cert = cls(
                rule=str(record["rule"]),
                n=int(record["n"]),
                f=int(record["f"]),
                d=int(record["d"]),
                vectors=vectors,
                honest=tuple(int(i) for i in record["honest"]),
                ratio=str(record["ratio"]),
                decimal=str(record.get("decimal", "")),
                family=str(record.get("family", "")),
                dps=int(record.get("dps", 50)),
            )
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
            detail = f"{type(error).__name__}: {error}"
            raise ParameterError("replay", "a complete, well-typed certificate", detail) from None
        cert.validate()
        return cert

    def validate(self) -> None:
        """Shape checks: ``n`` vectors of dimension ``d``, ``n - f`` honest indices."""
        check_parameters(self.n, self.f, self.d)
        if len(self.vectors) != self.n or any(len(r) != self.d for r in self.vectors):
            raise ParameterError("vectors", f"{self.n} vectors of dimension {self.d}")
        check_certificate_shape(self.vectors, self.honest, self.f)


def ratio_text(ratio: Fraction | sp.Expr | None) -> str:
    """The exact ratio as text (``str`` of a Fraction, sympy's ``str`` otherwise)."""
    return "" if ratio is None else str(ratio)


def certify(
    rule: str | RuleFunction | RuleSpec,
    rows: Rows,
    honest: Sequence[int],
    f: int,
    *,
    family: str = "",
    dps: int = 50,
) -> tuple[Certificate, Evaluation]:
    """Evaluate exactly and wrap the result as a :class:`Certificate`."""
    spec = resolve_rule(rule)
    ev = evaluate(spec, rows, honest, f, dps=dps)
    cert = Certificate(
        rule=spec.name,
        n=len(rows),
        f=f,
        d=len(rows[0]),
        vectors=tuple(rows),
        honest=tuple(honest),
        ratio=ratio_text(ev.ratio),
        decimal=mpmath.nstr(ev.value, dps),
        family=family,
        dps=dps,
    )
    return cert, ev


@dataclass(frozen=True)
class Replay:
    """A certificate re-evaluated: the new evaluation and whether it matches the record."""

    certificate: Certificate
    evaluation: Evaluation
    reproduced: bool


def replay(
    certificate: Certificate, rule: RuleFunction | None = None, dps: int | None = None
) -> Replay:
    """Re-evaluate ``certificate`` exactly (with ``rule`` for a user rule's certificate)."""
    spec = resolve_rule(rule if rule is not None else certificate.rule)
    ev = evaluate(
        spec, certificate.vectors, certificate.honest, certificate.f, dps=dps or certificate.dps
    )
    return Replay(certificate, ev, same_ratio(certificate.ratio, ev.ratio))


def same_ratio(text: str, ratio: Fraction | sp.Expr | None) -> bool:
    """Is the recorded ratio ``text`` exactly ``ratio``?  Equal text, or (when another
    sympy version prints the same number differently) a zero exact difference."""
    if ratio is None or text == ratio_text(ratio):
        return ratio is not None
    try:
        recorded = sp.sympify(text, locals={"x": _X})
    except (sp.SympifyError, SyntaxError, TypeError):
        return False
    value = _sym(ratio) if isinstance(ratio, Fraction) else ratio
    if recorded.has(sp.oo) or value.has(sp.oo):
        return recorded == value
    return bool(sp.simplify(recorded - value) == 0)
