"""Evaluating a registered result at a parameter point: hypotheses, exact value, fast value.

:func:`exact_value` substitutes exact SymPy numbers; :func:`evaluate` compiles each result
once with ``sympy.lambdify`` (cached) and evaluates it with mpmath, deciding hypotheses
exactly on Fractions; :func:`violated_hypotheses` names every broken hypothesis in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds.hypotheses import N_MINUS_F_EVEN
from boundkit.bounds.registry import get
from boundkit.bounds.result import Result
from boundkit.bounds.symbols import BY_NAME, EXTRA_NAMES, name_for, symbol_for
from boundkit.errors import HypothesisViolation, MissingParameter, ParameterError


def _exact(name: str, value: object) -> sp.Expr:
    """Turn a parameter value into an exact SymPy number (floats exactly, NaN rejected)."""
    if isinstance(value, bool):
        raise ParameterError(name, "a number", value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(name, "a finite number (no NaN or infinity)", value)
        return sp.Rational(Fraction(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise ParameterError(name, "a finite number (no NaN or infinity)", value)
        return sp.Rational(Fraction(*value.as_integer_ratio()))
    if isinstance(value, sp.Expr) and value.is_number:
        return value
    raise ParameterError(name, "a number", value)


def substitution(result: Result, params: Mapping[str, object]) -> dict[sp.Symbol, sp.Expr]:
    """Exact substitution for every parameter the result needs (defaults filled in)."""
    given = {k: v for k, v in dict(params).items() if v is not None}
    subs: dict[sp.Symbol, sp.Expr] = {}
    for name, value in given.items():
        if name in BY_NAME or name in EXTRA_NAMES:
            subs[symbol_for(name)] = _exact(name, value)
    for name, default in result.defaults.items():
        if symbol_for(name) not in subs:
            subs[symbol_for(name)] = default.subs(subs)
    missing = [s for s in result.symbols if symbol_for(s) not in subs]
    if missing:
        raise MissingParameter(missing, result.id)
    return subs


def violated_hypotheses(result: Result, params: Mapping[str, object]) -> list[str]:
    """Every hypothesis of ``result`` that ``params`` break, each in words.

    Fast path: when every compiled hypothesis holds on exact Fractions (the common case)
    nothing is substituted; otherwise SymPy names each broken one.
    """
    compiled = _compile(result)
    _, values = _exact_arguments(result, compiled, params)
    if values is not None and all(check(*values) for check in compiled.hypotheses):
        return []
    subs = substitution(result, params)
    broken = []
    for rel in result.hypotheses:
        if not bool(rel.subs(subs)):
            names = sorted(rel.free_symbols, key=str)
            shown = ", ".join(f"{name_for(s)}={subs[s]}" for s in names)
            broken.append(f"{_pretty(rel)} ({shown})")
    return broken


def _pretty(rel: sp.Basic) -> str:
    if rel == N_MINUS_F_EVEN:
        return "n - f even"
    return sp.sstr(rel)


def check_hypotheses(result: Result, params: Mapping[str, object]) -> None:
    """Raise :class:`HypothesisViolation` naming every broken hypothesis."""
    broken = violated_hypotheses(result, params)
    if broken:
        raise HypothesisViolation(result.id, broken)


def exact_value(result: Result, params: Mapping[str, object]) -> sp.Expr:
    """The bound at ``params`` as an exact SymPy number (hypotheses checked)."""
    check_hypotheses(result, params)
    return result.expression.subs(substitution(result, params))


def evaluate(result: Result | str, params: Mapping[str, object], dps: int = 50) -> mpmath.mpf:
    """The bound at ``params`` as an ``mpmath.mpf`` with ``dps`` significant digits.

    Speed path: the expression and hypotheses are compiled once per result with
    ``sympy.lambdify``; hypotheses are decided exactly on ``Fraction`` inputs and the
    expression is evaluated with mpmath at ``dps + 10`` digits, then rounded to ``dps``.
    :func:`exact_value` is the exact path it is tested against.
    """
    if isinstance(result, str):
        result = get(result)
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 15:
        raise ParameterError("dps", "an integer >= 15", dps)
    compiled = _compile(result)
    raw, values = _exact_arguments(result, compiled, params)
    if values is None or not all(check(*values) for check in compiled.hypotheses):
        check_hypotheses(result, params)  # the slow path names every broken hypothesis
    with mpmath.workdps(dps + 10):
        args = [mpmath.mpf(v.numerator) / v.denominator for v in values or raw]
        if values is None:  # a default that is not rational there: evaluate it in mpmath
            given = _given(params)
            defaults = {
                i: fn(*args)
                for i, fn in compiled.defaults.items()
                if compiled.names[i] not in given
            }
            args = [defaults.get(i, a) for i, a in enumerate(args)]
        value = compiled.expression(*args)
    with mpmath.workdps(dps):
        return +mpmath.mpf(value)


@dataclass(frozen=True)
class _Compiled:
    """A result's expression, hypotheses and defaults as plain Python callables."""

    names: tuple[str, ...]
    expression: object
    hypotheses: tuple[object, ...]
    defaults: Mapping[int, object]  # argument index -> callable giving its default
    exact_defaults: Mapping[int, object]  # the same on Fractions (rational defaults)


_COMPILED: dict[int, tuple[Result, _Compiled]] = {}


def _compile(result: Result) -> _Compiled:
    cached = _COMPILED.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    free = set(result.expression.free_symbols)
    for rel in result.hypotheses:
        free |= rel.free_symbols
    for name, value in result.defaults.items():
        free |= value.free_symbols | {symbol_for(name)}
    symbols = tuple(sorted(free, key=str))
    names = tuple(name_for(x) for x in symbols)
    exact_modules = [{"Mod": lambda a, b: a % b}, "math"]
    compiled = _Compiled(
        names=names,
        expression=sp.lambdify(symbols, result.expression, modules="mpmath"),
        hypotheses=tuple(
            sp.lambdify(symbols, rel, modules=exact_modules) for rel in result.hypotheses
        ),
        defaults={
            names.index(name): sp.lambdify(symbols, value, modules="mpmath")
            for name, value in result.defaults.items()
        },
        exact_defaults={
            names.index(name): sp.lambdify(symbols, value, modules=exact_modules)
            for name, value in result.defaults.items()
        },
    )
    _COMPILED[id(result)] = (result, compiled)
    return compiled


def _given(params: Mapping[str, object]) -> set[str]:
    return {k for k, v in dict(params).items() if v is not None}


def _exact_arguments(
    result: Result, compiled: _Compiled, params: Mapping[str, object]
) -> tuple[list[Fraction], list[Fraction] | None]:
    """``(raw, values)``: the compiled arguments as Fractions (defaults as a placeholder
    0), and the same with every default not given filled in exactly (``None`` when a
    default is not rational there)."""
    raw = _fraction_arguments(result, compiled, params)
    return raw, _with_exact_defaults(compiled, raw, _given(params))


def _with_exact_defaults(
    compiled: _Compiled, values: list[Fraction], given: set[str]
) -> list[Fraction] | None:
    """``values`` with every parameter not ``given`` replaced by its default, exactly;
    ``None`` when a default is not rational there (then the caller takes the SymPy path)."""
    out = list(values)
    for i, fn in compiled.exact_defaults.items():
        if compiled.names[i] in given:
            continue
        try:
            value = fn(*values)
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if not isinstance(value, (int, Fraction)):
            return None
        out[i] = Fraction(value)
    return out


def _fraction_arguments(
    result: Result, compiled: _Compiled, params: Mapping[str, object]
) -> list[Fraction]:
    """Exact Fraction values for the compiled arguments (defaults: a placeholder 0)."""
    given = {k: v for k, v in dict(params).items() if v is not None}
    default_names = {compiled.names[i] for i in compiled.defaults}
    missing = [x for x in compiled.names if x not in given and x not in default_names]
    if missing:
        raise MissingParameter(missing, result.id)
    out = []
    for name in compiled.names:
        if name in given:
            value = _exact(name, given[name])
            out.append(
                Fraction(int(value.p), int(value.q))
                if value.is_Rational
                else Fraction(str(sp.N(value, 40)))
            )
        else:
            out.append(Fraction(0))
    if "strong_convexity" in given:
        _check_strong_convexity(result, compiled.names, out)
    return out


def _check_strong_convexity(result: Result, names: tuple[str, ...], values: list) -> None:
    """The strongly convex bounds divide by ``mu``: refuse ``mu <= 0`` by name, one line."""
    if "strong_convexity" in names:
        value = values[names.index("strong_convexity")]
        if value <= 0:
            raise ParameterError(
                "strong_convexity", f"mu > 0 for {result.id} (it divides by mu)", value
            )
