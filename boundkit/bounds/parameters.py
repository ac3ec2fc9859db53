"""Parameter names at the public edge: paper symbols accepted, misspelt keys rejected.

boundkit spells parameters out (``step_size``, ``lipschitz``, ``smoothness``,
``strong_convexity``: :data:`boundkit.bounds.symbols.BY_NAME`); the paper writes
``gamma``, ``L``, ``beta``, ``mu`` (docs/theory.md, section 1).  :func:`canonical_parameters`
accepts both spellings, maps the paper's to boundkit's, and rejects every other key with a
one-line :class:`boundkit.errors.ParameterError` naming it (with the closest known name),
so a typo such as ``kapa`` can no longer be ignored silently while a default is used.

:func:`exact_value` and :func:`evaluate` are the public, validated forms of
:func:`boundkit.bounds.evaluation.exact_value` and :func:`boundkit.bounds.evaluation.evaluate`:
a result id or :class:`boundkit.bounds.result.Result`, parameters as a mapping and/or
keywords, aliases accepted, hypotheses checked (:class:`boundkit.errors.HypothesisViolation`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds import evaluation
from boundkit.bounds.registry import get
from boundkit.bounds.result import Result
from boundkit.bounds.symbols import BY_NAME, EXTRA_NAMES
from boundkit.config import Setting
from boundkit.errors import ParameterError

#: the paper's symbol -> boundkit's parameter name (docs/theory.md, section 1)
PAPER_ALIASES: dict[str, str] = {
    "gamma": "step_size",
    "L": "lipschitz",
    "beta": "smoothness",
    "mu": "strong_convexity",
}
#: every parameter name a registered result can use
KNOWN_NAMES: tuple[str, ...] = (*BY_NAME, *EXTRA_NAMES)
#: the fields of :class:`boundkit.config.Setting`
SETTING_NAMES: tuple[str, ...] = tuple(BY_NAME)


def _listing(allowed: Iterable[str]) -> str:
    alias_of = {name: alias for alias, name in PAPER_ALIASES.items()}
    return ", ".join(f"{k} ({alias_of[k]})" if k in alias_of else k for k in allowed)


def canonical_name(key: object, allowed: Iterable[str] = KNOWN_NAMES) -> str:
    """boundkit's name for ``key`` (a name of ``allowed`` or its paper symbol).

    Raises :class:`ParameterError` naming ``key`` (and the closest allowed name) otherwise.
    """
    allowed = tuple(allowed)
    if not isinstance(key, str):
        raise ParameterError("parameter names", "strings", repr(key))
    name = PAPER_ALIASES.get(key, key)
    if name in allowed:
        return name
    spellings = [*allowed, *(a for a, k in PAPER_ALIASES.items() if k in allowed)]
    close = difflib.get_close_matches(key, spellings, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ParameterError(key, f"a known parameter name ({hint}known: {_listing(allowed)})")


def _canonical(items: Iterable[tuple[object, object]], allowed: tuple[str, ...]) -> dict:
    out: dict[str, object] = {}
    spelled: dict[str, object] = {}
    for key, value in items:
        name = canonical_name(key, allowed)
        if name in out:
            raise ParameterError(f"{spelled[name]}, {key}", f"one value for {name}")
        out[name] = value
        spelled[name] = key
    return out


def canonical_parameters(
    params: Mapping[str, object] | None = None,
    allowed: Iterable[str] = KNOWN_NAMES,
    **keywords: object,
) -> dict[str, object]:
    """``params`` updated with ``keywords``, under boundkit's names.

    Each key must be a name of ``allowed`` or its paper symbol (``gamma`` -> ``step_size``,
    ``L`` -> ``lipschitz``, ``beta`` -> ``smoothness``, ``mu`` -> ``strong_convexity``).
    A keyword replaces the mapping's value of the same parameter (``T=3`` beside a mapping
    with ``T``); one parameter spelled twice in the same place (``gamma`` and
    ``step_size`` in one mapping) is an error.  Values are not checked here (the
    evaluation and :class:`Setting` do it).
    """
    if params is not None and not isinstance(params, Mapping):
        raise ParameterError("params", "a mapping of parameter names to values", type(params))
    allowed = tuple(allowed)
    return _canonical((params or {}).items(), allowed) | _canonical(keywords.items(), allowed)


def make_setting(params: Mapping[str, object] | None = None, /, **keywords: object) -> Setting:
    """A :class:`boundkit.config.Setting` from a mapping and/or keywords, paper symbols
    accepted (``make_setting(n=21, f=3, gamma=Fraction(1, 10), L=1)``); ``n`` and ``f``
    are required, the other fields keep :class:`Setting`'s defaults."""
    values = canonical_parameters(params, SETTING_NAMES, **keywords)
    missing = [name for name in ("n", "f") if name not in values]
    if missing:
        raise ParameterError(", ".join(missing), "given (the numbers of workers n and f)")
    return Setting(**values)  # type: ignore[arg-type]


def _result(result: Result | str) -> Result:
    if isinstance(result, Result):
        return result
    if isinstance(result, str):
        return get(result)
    raise ParameterError("result", "a result id (e.g. 'thm3.3/convex') or a Result", result)


def _check_domain(result: Result, params: Mapping[str, object]) -> None:
    """Each parameter the result uses lies in its symbol's domain (``mu > 0`` for the
    strongly convex bounds: ``strong_convexity = 0``, :class:`Setting`'s "merely convex",
    is outside it); a :class:`ParameterError` naming it, not a division by zero."""
    used = result.expression.free_symbols
    for name, value in params.items():
        symbol = BY_NAME.get(name) or EXTRA_NAMES.get(name)
        if symbol not in used or value is None or isinstance(value, bool):
            continue
        if (
            symbol.is_positive
            and isinstance(value, (int, float, Fraction, mpmath.mpf))
            and not value > 0
        ):
            raise ParameterError(name, f"{name} > 0 in {result.id}", value)


def exact_value(
    result: Result | str, params: Mapping[str, object] | None = None, /, **keywords: object
) -> sp.Expr:
    """The bound ``result`` at the given parameters as an exact SymPy number.

    Example: ``exact_value("thm3.3/convex", n=21, f=3, m=2, T=10, gamma=Fraction(1, 10),
    L=1, beta=1)`` is eq. (5), ``2 gamma L^2 T (f + 1/m)/(n - f)``, there: ``7/18``.
    """
    chosen = _result(result)
    values = canonical_parameters(params, **keywords)
    _check_domain(chosen, values)
    return evaluation.exact_value(chosen, values)


def evaluate(
    result: Result | str,
    params: Mapping[str, object] | None = None,
    /,
    *,
    dps: int = 50,
    **keywords: object,
) -> mpmath.mpf:
    """The bound ``result`` at the given parameters as an ``mpmath.mpf`` of ``dps`` digits
    (the speed path; hypotheses are still decided exactly)."""
    chosen = _result(result)
    values = canonical_parameters(params, **keywords)
    _check_domain(chosen, values)
    return evaluation.evaluate(chosen, values, dps=dps)


__all__ = [
    "KNOWN_NAMES",
    "PAPER_ALIASES",
    "SETTING_NAMES",
    "canonical_name",
    "canonical_parameters",
    "evaluate",
    "exact_value",
    "make_setting",
]
