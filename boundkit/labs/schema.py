"""Strict parsing of untrusted JSON (certificates): a grammar, never an evaluator.

A certificate is untrusted input.  :func:`load` reads JSON with every size capped (file
length, nesting depth, digits of an integer) and refuses JSON floats, ``NaN`` and
``Infinity``; the typed readers (:func:`integer`, :func:`rational`, :func:`text`,
:func:`array`, :func:`record`) check one field each.  Numbers are JSON integers or strings
matching the rational grammar ``[+-]digits[/digits]`` (or a decimal ``1.25``, ``1e-3``),
converted with :class:`fractions.Fraction`.  Every violation is a one-line
:class:`~boundkit.errors.ParameterError` naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from boundkit.errors import ParameterError

#: Largest certificate file read, in characters.
MAX_TEXT = 4_000_000
#: Deepest nesting of JSON arrays and objects.
MAX_DEPTH = 8
#: Most digits in one JSON integer or one numerator/denominator of a rational string.
MAX_DIGITS = 1_000
#: Largest power of ten in a decimal string such as ``1e-300``.
MAX_EXPONENT = 400

_INTEGER = re.compile(r"[+-]?[0-9]+")
_RATIONAL = re.compile(r"([+-]?[0-9]+)/([0-9]+)")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")


def shown(value: object, limit: int = 60) -> str:
    """``value`` for an error message: one line, at most ``limit`` characters."""
    if isinstance(value, (bool, type(None))):
        value = json.dumps(value)
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _JsonFloat:
    """A JSON number with a fraction or exponent, kept as text so it can be refused."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def json_shown(value: object) -> str:
    """``value`` as the JSON it came from (strings quoted), shortened by :func:`shown`."""
    return shown(json.dumps(value) if isinstance(value, (str, bool, type(None))) else value)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits (at most {MAX_DIGITS})")
    return int(text)


def _refuse_constant(text: str) -> None:
    raise ValueError(f"{text} is not a JSON number boundkit accepts")


def _depth(value: Any) -> int:
    """Nesting depth of arrays/objects, iteratively (no recursion on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def load(text: str, name: str) -> Any:
    """Parse ``text`` as JSON under the caps of this module (``name`` names the input)."""
    if len(text) > MAX_TEXT:
        raise ParameterError(name, f"at most {MAX_TEXT} characters", len(text))
    try:
        value = json.loads(
            text, parse_int=_parse_int, parse_float=_JsonFloat, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise ParameterError(name, f"JSON nested at most {MAX_DEPTH} deep", "deeper") from None
    except ValueError as error:
        raise ParameterError(name, "valid JSON", shown(str(error), 100)) from None
    if _depth(value) > MAX_DEPTH:
        raise ParameterError(name, f"JSON nested at most {MAX_DEPTH} deep", "deeper")
    return value


def record(
    value: Any, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """A JSON object with every ``required`` key and no key outside ``required + optional``."""
    if not isinstance(value, dict):
        raise ParameterError(name, "a JSON object", type(value).__name__)
    missing = [key for key in required if key not in value]
    if missing:
        raise ParameterError(name, "an object with the key(s) " + ", ".join(missing), "missing")
    unknown = [key for key in value if key not in required and key not in optional]
    if unknown:
        allowed = ", ".join(required + optional)
        raise ParameterError(name, "only the keys " + allowed, shown(unknown))
    return value


def integer(value: Any, name: str, low: int, high: int) -> int:
    """A JSON integer (not ``true``/``false``, not ``5.0``, not ``"5"``) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, "a JSON integer", json_shown(value))
    if not low <= value <= high:
        field = name.rpartition(".")[2]
        raise ParameterError(name, f"{low} <= {field} <= {high}", shown(value))
    return value


def rational(value: Any, name: str) -> Fraction:
    """An exact number: a JSON integer, or a string ``p``, ``p/q``, ``1.25`` or ``1e-3``."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ParameterError(name, "a JSON integer or a string 'p/q'", json_shown(value))
    if isinstance(value, int):
        return Fraction(value)
    return parse_rational(value, name)


def parse_rational(text: str, name: str, max_digits: int = MAX_DIGITS) -> Fraction:
    """``text`` by the rational/decimal grammar of this module, with its digits capped."""
    rule = (
        f"a number 'p', 'p/q' or a decimal (at most {max_digits} digits, "
        f"exponent at most {MAX_EXPONENT})"
    )
    if _INTEGER.fullmatch(text) and len(text.lstrip("+-")) <= max_digits:
        return Fraction(int(text))
    fraction = _RATIONAL.fullmatch(text)
    if fraction:
        top, bottom = fraction.groups()
        if len(top.lstrip("+-")) > max_digits or len(bottom) > max_digits:
            raise ParameterError(name, rule, shown(text))
        if int(bottom) == 0:
            raise ParameterError(name, "a nonzero denominator", shown(text))
        return Fraction(int(top), int(bottom))
    decimal = _DECIMAL.fullmatch(text)
    if decimal and len(text) <= max_digits + 8:
        exponent = decimal.group(1)
        if exponent is None or (len(exponent) <= 4 and abs(int(exponent)) <= MAX_EXPONENT):
            return Fraction(text)
    raise ParameterError(name, rule, shown(text))


def approximate(value: Any, name: str) -> float:
    """A display value: a JSON number (integer or decimal, finite); never an exact input."""
    if isinstance(value, bool) or not isinstance(value, (int, float, _JsonFloat)):
        raise ParameterError(name, "a JSON number", json_shown(value))
    text = value.text if isinstance(value, _JsonFloat) else repr(value)
    decimal = _DECIMAL.fullmatch(text)
    exponent = None if decimal is None else decimal.group(1)
    if decimal is None or len(text) > 40 or (exponent is not None and len(exponent) > 4):
        raise ParameterError(name, "a JSON number of at most 40 characters", shown(text))
    return float(text)


def text(value: Any, name: str, max_length: int, pattern: str | None = None) -> str:
    """A JSON string of at most ``max_length`` characters (matching ``pattern`` if given)."""
    if not isinstance(value, str):
        raise ParameterError(name, "a JSON string", json_shown(value))
    if len(value) > max_length:
        raise ParameterError(name, f"at most {max_length} characters", len(value))
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ParameterError(name, f"a string matching {pattern}", shown(value))
    return value


def array(value: Any, name: str, low: int, high: int) -> list[Any]:
    """A JSON array of ``low`` to ``high`` items."""
    if not isinstance(value, list):
        raise ParameterError(name, "a JSON array", json_shown(value))
    if not low <= len(value) <= high:
        raise ParameterError(name, f"an array of {low} to {high} items", len(value))
    return value
