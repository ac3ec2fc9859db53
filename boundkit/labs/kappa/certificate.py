"""Replayable certificates: :class:`Certificate`, :func:`certify`, :func:`replay`.

A certificate read from a file is untrusted: :meth:`Certificate.from_json` parses it by a
strict schema (:func:`parse_record`, :mod:`boundkit.labs.schema`): ``n``, ``f``, ``d``,
``dps`` JSON integers within the caps below, vector entries JSON integers or ``"p/q"``
strings read with ``Fraction``, the ratio read by the grammar of
:mod:`boundkit.labs.kappa.ratio_grammar`; nothing in it is ever evaluated as code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.errors import ParameterError
from boundkit.json_document import check_envelope, document, dumps, number
from boundkit.labs import schema
from boundkit.labs.kappa.evaluation import Evaluation, _sym, check_certificate_shape, evaluate
from boundkit.labs.kappa.ratio_grammar import MAX_RATIO_TEXT, parse_ratio
from boundkit.labs.kappa.rules import Rows, RuleFunction, RuleSpec, check_parameters, resolve_rule

#: ``version`` of the ``boundkit.kappa`` documents written (docs/schemas/kappa.schema.json);
#: version-1 certificates (format ``boundkit-kappa-certificate``, the ratio at ``dps``
#: digits as text in ``decimal``) are still read.
_VERSION = 2
_FORMAT_1 = "boundkit-kappa-certificate"
#: Largest ``n`` and ``d`` of a certificate read from a file (the ``kappa`` command's caps).
MAX_N, MAX_D = 1_000, 16
#: Largest working precision a certificate may ask for (the CLI's ``--dps`` cap).
MAX_DPS = 1_000
_REQUIRED = ("format", "version", "rule", "n", "f", "d", "honest", "vectors", "ratio")
_OPTIONAL = ("boundkit_version", "value", "family", "dps")
_OPTIONAL_1 = ("decimal", "family", "dps")
_DECIMAL = r"[+-]?(inf|[0-9]+(\.[0-9]*)?(e[+-]?[0-9]+)?)"


def _fraction_text(q: Fraction) -> str:
    return str(q)


@dataclass(frozen=True)
class Certificate:
    """An input and a designated honest set, with the ratio it reaches (replayable).

    ``vectors`` are exact rationals, ``honest`` the ``n - f`` indices of ``S``, ``ratio``
    the exact ratio as text (a Fraction ``p/q``, a sympy expression, or ``oo``),
    ``decimal`` the ratio at ``dps`` digits (display only, so not part of equality: JSON
    keeps it as a number, the nearest double), ``family`` the search family that found it.
    """

    rule: str
    n: int
    f: int
    d: int
    vectors: Rows
    honest: tuple[int, ...]
    ratio: str
    decimal: str = field(compare=False)
    family: str = ""
    dps: int = 50

    def to_json(self) -> str:
        """The ``boundkit.kappa`` document: vectors as exact ``"p/q"`` strings, the exact
        ratio as SymPy text, ``value`` the ratio as a JSON number (``null`` when infinite)."""
        record = {
            "rule": self.rule,
            "n": self.n,
            "f": self.f,
            "d": self.d,
            "honest": list(self.honest),
            "vectors": [[_fraction_text(x) for x in r] for r in self.vectors],
            "ratio": self.ratio,
            "value": number(self.decimal),
            "family": self.family,
            "dps": self.dps,
        }
        return dumps(document("kappa", _VERSION, record))

    @classmethod
    def from_json(cls, text: str) -> Certificate:
        """Parse and validate a certificate by the strict schema of :func:`parse_record`
        (:class:`ParameterError` naming the field when malformed)."""
        cert = parse_record(schema.load(text, "replay"))
        cert.validate()
        return cert

    def validate(self) -> None:
        """Shape checks: ``n`` vectors of dimension ``d``, ``n - f`` honest indices."""
        check_parameters(self.n, self.f, self.d)
        if len(self.vectors) != self.n or any(len(r) != self.d for r in self.vectors):
            raise ParameterError("vectors", f"{self.n} vectors of dimension {self.d}")
        check_certificate_shape(self.vectors, self.honest, self.f)


def parse_record(value: object) -> Certificate:
    """A :class:`Certificate` from parsed JSON, every field checked by type and size."""
    legacy = isinstance(value, dict) and value.get("format") == _FORMAT_1
    record = schema.record(value, "replay", _REQUIRED, _OPTIONAL_1 if legacy else _OPTIONAL)
    if legacy:
        schema.integer(record["version"], "replay.version", 1, 1)
        decimal = schema.text(record.get("decimal", ""), "replay.decimal", 200, _DECIMAL + "|")
    else:
        check_envelope(record, "kappa", (_VERSION,), "replay")
        shown = record.get("value")
        decimal = "" if shown is None else repr(schema.approximate(shown, "replay.value"))
    n = schema.integer(record["n"], "replay.n", 1, MAX_N)
    f = schema.integer(record["f"], "replay.f", 0, n)
    d = schema.integer(record["d"], "replay.d", 1, MAX_D)
    rows = schema.array(record["vectors"], "replay.vectors", n, n)
    vectors = tuple(_row(r, d) for r in rows)
    honest = schema.array(record["honest"], "replay.honest", 0, n)
    ratio = schema.text(record["ratio"], "replay.ratio", MAX_RATIO_TEXT)
    parse_ratio(ratio)  # the grammar, at the edge: a malformed ratio stops here
    return Certificate(
        rule=schema.text(record["rule"], "replay.rule", 64, pattern=r"[A-Za-z_][\w.-]*"),
        n=n,
        f=f,
        d=d,
        vectors=vectors,
        honest=tuple(schema.integer(i, "replay.honest", 0, n - 1) for i in honest),
        ratio=ratio,
        decimal=decimal,
        family=schema.text(record.get("family", ""), "replay.family", 200),
        dps=schema.integer(record.get("dps", 50), "replay.dps", 15, MAX_DPS),
    )


def _row(value: object, d: int) -> tuple[Fraction, ...]:
    return tuple(
        schema.rational(x, "replay.vectors") for x in schema.array(value, "replay.vectors", d, d)
    )


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
    sympy version prints the same number differently) a zero exact difference; ``text`` is
    read by :func:`~boundkit.labs.kappa.ratio_grammar.parse_ratio`, never evaluated."""
    if ratio is None or text == ratio_text(ratio):
        return ratio is not None
    try:
        recorded = parse_ratio(text)
    except ParameterError:
        return False
    value = _sym(ratio) if isinstance(ratio, Fraction) else ratio
    if recorded.has(sp.oo) or value.has(sp.oo):
        return recorded == value
    return bool(sp.simplify(recorded - value) == 0)
