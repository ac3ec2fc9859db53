"""Errors raised at the edge of boundkit.

Every invalid input becomes a :class:`ParameterError`: a ``ValueError`` whose message
names the parameter and the rule it breaks, in one line.  The CLI prints that line and
exits with status 2; library callers can catch ``ValueError``.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A parameter breaks a stated rule (e.g. ``f < n/2``).

    ``parameter`` is the offending name (or several, comma separated), ``rule`` the
    rule in words or symbols.
    """

    def __init__(self, parameter: str, rule: str, value: object = None) -> None:
        self.parameter = parameter
        self.rule = rule
        self.value = value
        shown = "" if value is None else f" (got {value})"
        super().__init__(f"{parameter}: must satisfy {rule}{shown}")


class HypothesisViolation(ParameterError):
    """Parameters violate one or more hypotheses of a registered result."""

    def __init__(self, result_id: str, violations: list[str]) -> None:
        self.result_id = result_id
        self.violations = violations
        ValueError.__init__(self, f"{result_id}: hypotheses violated: " + "; ".join(violations))
        self.parameter = result_id
        self.rule = "; ".join(violations)
        self.value = None


class MissingParameter(ParameterError):
    """A result needs parameters that were not given."""

    def __init__(self, names: list[str], result_id: str) -> None:
        ValueError.__init__(self, f"{', '.join(names)}: required by {result_id} but not given")
        self.parameter = ", ".join(names)
        self.rule = f"required by {result_id}"
        self.value = None


class UsageError(ParameterError):
    """A command-line usage problem, reported verbatim in one line."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.parameter = "arguments"
        self.rule = message
        self.value = None
