"""The envelope and value conventions of every JSON document boundkit writes.

Each document is one JSON object that starts with

- ``format``: ``"boundkit.<command>"`` (``boundkit.verify``, ``boundkit.kappa``, ...),
- ``version``: an integer, raised whenever a field changes name, type or meaning,
- ``boundkit_version``: the package version that wrote it,

and is described by a JSON Schema (draft 2020-12) under ``docs/schemas/`` (the "JSON
outputs" page of the documentation).  Values are typed:

- counts and indices are JSON integers, flags JSON booleans, absent values ``null``;
- approximate real numbers (measurements, the display value of an exact quantity) are
  JSON numbers: the nearest double (:func:`number`); no verdict is ever decided on them;
- exact rationals are strings ``"p"`` or ``"p/q"`` in lowest terms
  (:func:`rational_text`, :data:`RATIONAL_PATTERN`): a JSON number cannot hold ``1/10``;
  the CLI parameters given exactly (``step_size``, ``lipschitz``, ...) are written so;
- exact irrational numbers are SymPy ``srepr`` strings, read back by the grammar of
  :func:`boundkit.checks.exact_text.parse_exact` (never evaluated).

Documents are written by :func:`dumps`: indented, no ``NaN`` or ``Infinity`` (not JSON),
deterministic (equal inputs give equal bytes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from boundkit.errors import ParameterError

#: Every ``format`` value starts with this.
FORMAT_PREFIX = "boundkit."
#: An exact rational as written by :func:`rational_text`.
RATIONAL_PATTERN = r"^-?[0-9]+(/[0-9]+)?$"


def package_version() -> str:
    """The installed boundkit version (``0+unknown`` in an uninstalled tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boundkit")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def document(command: str, version: int, payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` under the envelope ``format``, ``version``, ``boundkit_version``."""
    head = {
        "format": FORMAT_PREFIX + command,
        "version": version,
        "boundkit_version": package_version(),
    }
    clash = set(head) & set(payload)
    if clash:
        raise ValueError(f"payload keys clash with the envelope: {sorted(clash)}")
    return head | dict(payload)


def dumps(value: Any) -> str:
    """A document as JSON text: indented, newline-terminated, never ``NaN``/``Infinity``."""
    return json.dumps(value, indent=1, allow_nan=False) + "\n"


def rational_text(x: object) -> str:
    """An exact rational (int, Fraction, float, SymPy Rational) as ``"p"`` or ``"p/q"``."""
    if isinstance(x, bool):
        raise TypeError(f"not a rational number: {x!r}")
    if hasattr(x, "p") and hasattr(x, "q"):  # a SymPy Rational
        x = Fraction(int(x.p), int(x.q))
    if not isinstance(x, int | Fraction | float):
        raise TypeError(f"not a rational number: {x!r}")
    return str(Fraction(x))


def optional_rational(x: object) -> str | None:
    """:func:`rational_text`, ``None`` (and ``""``) as ``None``."""
    return None if x is None or x == "" else rational_text(x)


def exact_text(x: object) -> str | None:
    """An exact number as text: a rational by :func:`rational_text`, an irrational SymPy
    number by ``sympy.srepr`` (read back by :func:`boundkit.checks.exact_text.parse_exact`);
    ``None`` stays ``None``."""
    if x is None:
        return None
    if isinstance(x, int | Fraction) or getattr(x, "is_Rational", False):
        return rational_text(x)
    if not getattr(x, "is_number", False):
        raise TypeError(f"not an exact number: {x!r}")
    import sympy

    return sympy.srepr(x)


def number(x: object) -> float | int | None:
    """An approximate real as a JSON number: ints stay ints, anything real (Fraction,
    mpmath, SymPy number, decimal text) becomes the nearest double; ``None``, ``""`` and a
    non-finite value become ``None``."""
    if x is None or (isinstance(x, str) and not x):
        return None
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return x
    if hasattr(x, "evalf"):  # a SymPy number: 30 digits first, then the nearest double
        x = x.evalf(30)
    value = float(x) if not isinstance(x, Fraction) else x.numerator / x.denominator
    return value if math.isfinite(value) else None


def check_envelope(
    record: Mapping[str, Any], command: str, versions: tuple[int, ...], name: str
) -> int:
    """The version of a document read back, after checking its ``format`` and ``version``
    (a one-line :class:`ParameterError` naming ``name`` otherwise)."""
    expected = FORMAT_PREFIX + command
    if record.get("format") != expected:
        raise ParameterError(f"{name}.format", f'"{expected}"', _shown(record.get("format")))
    version = record.get("version")
    if isinstance(version, bool) or version not in versions:
        allowed = " or ".join(map(str, versions))
        raise ParameterError(f"{name}.version", allowed, _shown(version))
    return version


def _shown(value: object) -> str:
    text = json.dumps(value) if isinstance(value, str | int | float | type(None)) else "?"
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = [
    "FORMAT_PREFIX",
    "RATIONAL_PATTERN",
    "check_envelope",
    "document",
    "dumps",
    "exact_text",
    "number",
    "optional_rational",
    "package_version",
    "rational_text",
]
