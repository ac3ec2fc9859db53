"""Exact configurations of the two neighbouring runs, their JSON form and exact replay.

A certificate read back is untrusted: :meth:`Certificate.from_json` parses it by a strict
schema (:mod:`boundkit.labs.schema`), never by an evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from boundkit.errors import ParameterError
from boundkit.labs import schema
from boundkit.labs.attacks.model import Groups, Problem, Vector, _merge, _norm2

#: Largest ``n`` of a certificate read from JSON (the ``attack-search --ns`` cap).
MAX_N = 1_000
_REQUIRED = (
    "n",
    "f",
    "d",
    "lipschitz",
    "honest_run_1",
    "changed_worker",
    "byzantine_run_1",
    "byzantine_run_2",
)
_OPTIONAL = ("m", "family", "output_run_1", "output_run_2", "divergence_squared", "divergence")
_RUNS = ("run_1", "run_2")


@dataclass(frozen=True)
class Certificate:
    """A configuration of the two neighbouring runs, all numbers exact.

    ``honest``: run 1's honest groups ``(vector, count)``; the changed worker is one copy
    of ``honest[0][0]`` and sends ``changed`` in run 2 (``m = 1``: anywhere in the ball).
    ``byzantine_1`` / ``byzantine_2``: the Byzantine groups of each run (``f`` in all).
    ``family``: which start the search came from.
    """

    problem: Problem
    honest: Groups
    changed: Vector
    byzantine_1: Groups
    byzantine_2: Groups
    family: str = ""

    def __post_init__(self) -> None:
        p = self.problem
        vectors = [v for v, _ in self.honest + self.byzantine_1 + self.byzantine_2]
        if any(len(v) != p.d for v in [*vectors, self.changed]):
            raise ParameterError("certificate", f"vectors of dimension {p.d}")
        if sum(c for _, c in self.honest) != p.h or any(c < 1 for _, c in self.honest):
            raise ParameterError("certificate", f"honest counts >= 1 summing to h = {p.h}")
        for name, groups in (("byzantine_1", self.byzantine_1), ("byzantine_2", self.byzantine_2)):
            if sum(c for _, c in groups) != p.f or any(c < 1 for _, c in groups):
                raise ParameterError("certificate", f"{name} counts >= 1 summing to f = {p.f}")
        bound = p.lipschitz**2
        if any(_norm2(v) > bound for v in [*(v for v, _ in self.honest), self.changed]):
            raise ParameterError("certificate", "honest vectors in the L-ball")

    def run_1(self) -> Groups:
        """Run 1's messages, merged."""
        return _merge(self.honest + self.byzantine_1)

    def run_2(self) -> Groups:
        """Run 2's messages: the changed worker moved to ``changed``, merged."""
        (first, count), rest = self.honest[0], self.honest[1:]
        return _merge(((first, count - 1), (self.changed, 1), *rest, *self.byzantine_2))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record (every number an exact ``"p/q"`` string)."""

        def vec(v: Vector) -> list[str]:
            return [str(x) for x in v]

        def groups(gs: Groups) -> list[dict[str, Any]]:
            return [{"vector": vec(v), "count": c} for v, c in gs]

        p = self.problem
        return {
            "n": p.n,
            "f": p.f,
            "d": p.d,
            "m": 1,
            "lipschitz": str(p.lipschitz),
            "family": self.family,
            "honest_run_1": groups(self.honest),
            "changed_worker": {"run_1": vec(self.honest[0][0]), "run_2": vec(self.changed)},
            "byzantine_run_1": groups(self.byzantine_1),
            "byzantine_run_2": groups(self.byzantine_2),
        }

    @classmethod
    def from_json(cls, record: object) -> Certificate:
        """The certificate :meth:`to_json` (or the report's JSON) wrote, parsed by a strict
        schema (:mod:`boundkit.labs.schema`: JSON integers, exact ``"p/q"`` strings, sizes
        capped, no unknown key) and validated again."""
        fields = schema.record(record, "certificate", _REQUIRED, _OPTIONAL)
        n = schema.integer(fields["n"], "certificate.n", 3, MAX_N)
        problem = Problem(
            n,
            schema.integer(fields["f"], "certificate.f", 1, n),
            schema.integer(fields["d"], "certificate.d", 1, 2),
            schema.rational(fields["lipschitz"], "certificate.lipschitz"),
        )
        schema.integer(fields.get("m", 1), "certificate.m", 1, 1)
        changed = schema.record(fields["changed_worker"], "certificate.changed_worker", _RUNS)
        honest = _groups(fields["honest_run_1"], "honest_run_1", problem)
        if _vector(changed["run_1"], "changed_worker", problem) != honest[0][0]:
            raise ParameterError("certificate", "the changed worker is a copy of honest[0]")
        for key in ("output_run_1", "output_run_2"):
            if key in fields:
                _vector(fields[key], key, problem)
        if "divergence_squared" in fields:
            schema.rational(fields["divergence_squared"], "certificate.divergence_squared")
        if "divergence" in fields:  # a JSON number (a decimal string in unversioned files)
            read = schema.rational if isinstance(fields["divergence"], str) else schema.approximate
            read(fields["divergence"], "certificate.divergence")
        return cls(
            problem,
            honest,
            _vector(changed["run_2"], "changed_worker", problem),
            _groups(fields["byzantine_run_1"], "byzantine_run_1", problem),
            _groups(fields["byzantine_run_2"], "byzantine_run_2", problem),
            schema.text(fields.get("family", ""), "certificate.family", 200),
        )


def _vector(value: object, key: str, problem: Problem) -> Vector:
    name = f"certificate.{key}"
    entries = schema.array(value, name, problem.d, problem.d)
    return tuple(schema.rational(x, name) for x in entries)


def _groups(value: object, key: str, problem: Problem) -> Groups:
    """``[{"vector": [...], "count": c}, ...]`` with at most ``n`` groups."""
    out = []
    for item in schema.array(value, f"certificate.{key}", 1, problem.n):
        group = schema.record(item, f"certificate.{key}", ("vector", "count"))
        count = schema.integer(group["count"], f"certificate.{key}.count", 1, problem.n)
        out.append((_vector(group["vector"], key, problem), count))
    return tuple(out)


# --------------------------------------------------------------------------- exact


@dataclass(frozen=True)
class ExactEvaluation:
    """SMEA's outputs in both runs and the squared divergence, exactly."""

    output_1: Vector
    output_2: Vector
    divergence_squared: Fraction

    def divergence(self, dps: int = 30) -> mpmath.mpf:
        """``||output_1 - output_2||`` at ``dps`` digits."""
        q = self.divergence_squared
        with mpmath.workdps(dps):
            return mpmath.sqrt(mpmath.mpf(q.numerator) / q.denominator)


def _smea_exact(groups: Groups, f: int) -> Vector:
    from boundkit.rules import smea_grouped

    values = [v for v, _ in groups]
    agg = smea_grouped(values, [c for _, c in groups], f)
    return tuple(agg.value)


def evaluate_exact(certificate: Certificate) -> ExactEvaluation:
    """Both runs through the exact grouped SMEA (Def. 2.3, exact tie rule)."""
    f = certificate.problem.f
    one = _smea_exact(certificate.run_1(), f)
    two = _smea_exact(certificate.run_2(), f)
    return ExactEvaluation(one, two, _norm2([a - b for a, b in zip(one, two, strict=True)]))
