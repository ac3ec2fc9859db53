"""Table 1 of the paper (THEORY.md section 5): rates by regime and threat model.

Rows are regimes (convex / strongly convex, GD and SGD), columns the two threat models;
each cell holds the upper and the lower rate as SymPy expressions wrapped in ``O``,
``Omega`` or ``Theta``.  Markdown cells use SymPy's string printer, LaTeX cells its LaTeX
printer.  Optional numeric columns evaluate the registered bounds at one parameter point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mpmath
import sympy as sp
from tabulate import tabulate

from boundkit import bounds
from boundkit.bounds.symbols import L, T, f, gamma, kappa, mu

#: display symbol for N = (n - f) m, kept atomic in the printed rates
N_DISPLAY = sp.Symbol("N", positive=True)


class BigO(sp.Function):
    """Display-only ``O(.)``."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\mathcal{O}\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return "O(" + printer._print(self.args[0]) + ")"


class BigOmega(sp.Function):
    """Display-only ``Omega(.)``."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\Omega\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return "Omega(" + printer._print(self.args[0]) + ")"


class BigTheta(sp.Function):
    """Display-only ``Theta(.)``."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\Theta\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return "Theta(" + printer._print(self.args[0]) + ")"


class AtMost(sp.Function):
    """Display-only ``<= (.)``: an exact upper bound, constants included."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\leq " + printer._print(self.args[0])

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return "<= " + printer._print(self.args[0])


class AtLeast(sp.Function):
    """Display-only ``>= (.)``: an exact lower bound, constants included."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\geq " + printer._print(self.args[0])

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return ">= " + printer._print(self.args[0])


class Root(sp.Function):
    """Display-only square root that keeps its argument whole."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\sqrt{" + printer._print(self.args[0]) + "}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return "sqrt(" + printer._print(self.args[0]) + ")"


#: display atoms for the worker counts, printed with their parentheses
_H = sp.Symbol("(n-f)", positive=True)
_H2 = sp.Symbol("(n-2f)", positive=True)
_CONVEX = gamma * L**2 * T
_STRONG = L**2 / mu


@dataclass(frozen=True)
class RateCell:
    """One cell: rate expressions and the registry entries they summarise."""

    rates: tuple[sp.Expr, ...]
    conditions: str
    result_ids: tuple[str, ...]


@dataclass(frozen=True)
class RateRow:
    regime: str
    byzantine: RateCell
    poisoning: RateCell


ROWS: tuple[RateRow, ...] = (
    RateRow(
        regime="convex, GD/SGD",
        byzantine=RateCell(
            rates=(
                BigO(_CONVEX * (1 / N_DISPLAY + Root(kappa))),
                BigOmega(_CONVEX * (1 / N_DISPLAY + Root(f / _H2))),
            ),
            conditions="lower bound for f >= n/3 (GD)",
            result_ids=("thm3.1/convex", "thm3.2/f-ge-n/3"),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_CONVEX * (1 / N_DISPLAY + f / _H)),),
            conditions="lower bound for GD and SGD",
            result_ids=("thm3.3/convex", "thm3.4/gd-convex", "thm3.4/sgd-convex"),
        ),
    ),
    RateRow(
        regime="strongly convex, GD/SGD",
        byzantine=RateCell(
            rates=(BigO(_STRONG * (1 / N_DISPLAY + Root(kappa))),),
            conditions="no matching lower bound",
            result_ids=("thm3.1/strongly-convex",),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_STRONG * (1 / N_DISPLAY + f / _H)),),
            conditions="lower bound shown for GD",
            result_ids=("thm3.3/strongly-convex", "thm3.4/gd-strongly-convex"),
        ),
    ),
    RateRow(
        regime="convex, GD/SGD, SMEA, sharp constants (boundkit, issue 13)",
        byzantine=RateCell(
            rates=(
                AtMost(2 * _CONVEX * (1 / N_DISPLAY + Root(f / _H2) + 2 * f / _H)),
                AtLeast(_CONVEX * 4 * f / _H2),
            ),
            conditions="upper: any d (kappa* = 4f/(n-2f) in eq. (2) gives 2 sqrt(f/(n-2f)) "
            "in place of sqrt(f/(n-2f)) + 2f/(n-f)); lower: B4 (GD, d = 1), f < n/3; for "
            "f >= n/3 B4 reaches gamma L^2 T (2 + 2 sqrt(f (1 - [n-f odd]/(n-f)^2)/(n-2f)))",
            result_ids=("byzantine/smea-sharp/convex", "byzantine/two-sided-push"),
        ),
        poisoning=RateCell(
            rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + f / _H)),),
            conditions="attained by P1 (GD): tight, constant included",
            result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
        ),
    ),
    RateRow(
        regime="convex, GD/SGD, SMEA, d = 1 (boundkit, issue 13)",
        byzantine=RateCell(
            rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + 4 * f / _H)),),
            conditions="7f <= 3n; above, 2 gamma L^2 T (1/N + 1 + sqrt((n-f)/(n-2f))); "
            "attained by B4 at n = 3f + 1, m = 1",
            result_ids=("byzantine/smea-1d/convex", "byzantine/two-sided-push"),
        ),
        poisoning=RateCell(
            rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + f / _H)),),
            conditions="as above",
            result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
        ),
    ),
    RateRow(
        regime="strongly convex, GD/SGD, SMEA, sharp constants (boundkit, issue 13)",
        byzantine=RateCell(
            rates=(AtMost(4 * _STRONG * (1 / N_DISPLAY + Root(f / _H2) + 2 * f / _H)),),
            conditions="T -> oo form; d = 1: 4f/(n-f) in place of the last two terms (7f <= 3n)",
            result_ids=(
                "byzantine/smea-sharp/strongly-convex",
                "byzantine/smea-1d/strongly-convex",
            ),
        ),
        poisoning=RateCell(
            rates=(AtMost(4 * _STRONG * (1 / N_DISPLAY + f / _H)),),
            conditions="T -> oo form of eq. (6)",
            result_ids=("thm3.3/strongly-convex",),
        ),
    ),
    RateRow(
        regime="convex, GD, d >= 2 (boundkit's B3, not in the paper)",
        byzantine=RateCell(
            rates=(BigOmega(_CONVEX * Root(f / _H)),),
            conditions="every f < n/3 where B3 is defined (orthogonal push)",
            result_ids=("byzantine/orthogonal-push",),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_CONVEX * (1 / N_DISPLAY + f / _H)),),
            conditions="as above",
            result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
        ),
    ),
)

HEADERS = ("regime", "Byzantine failures", "data poisoning")


def _cell_markdown(cell: RateCell) -> str:
    rates = ", ".join(sp.sstr(r) for r in cell.rates)
    return f"{rates} ({cell.conditions})"


def _cell_latex(cell: RateCell) -> str:
    rates = r" \\ ".join(f"${sp.latex(r)}$" for r in cell.rates)
    conditions = cell.conditions.replace(">=", r"$\geq$").replace(" < ", " $<$ ")
    return (
        r"\begin{tabular}[t]{@{}l@{}}"
        + rates
        + r" \\ {\footnotesize "
        + conditions
        + "}"
        + (r"\end{tabular}")
    )


def _numeric(result_ids: tuple[str, ...], params: Mapping[str, object], dps: int) -> str:
    parts = []
    for rid in result_ids:
        result = bounds.get(rid)
        broken = bounds.violated_hypotheses(result, params)
        if broken:
            parts.append(f"{rid}: n/a")
            continue
        value = bounds.evaluate(result, params, dps=dps)
        parts.append(f"{rid}: {mpmath.nstr(value, 6)}")
    return "; ".join(parts)


def markdown(params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    """Table 1 as a GitHub-flavoured markdown table (numeric columns when ``params``)."""
    headers = list(HEADERS)
    body = []
    for row in ROWS:
        line = [row.regime, _cell_markdown(row.byzantine), _cell_markdown(row.poisoning)]
        if params is not None:
            line += [
                _numeric(row.byzantine.result_ids, params, dps),
                _numeric(row.poisoning.result_ids, params, dps),
            ]
        body.append(line)
    if params is not None:
        headers += ["Byzantine at params", "poisoning at params"]
    notes = (
        "\n\nN = (n - f) m honest samples; kappa is the robustness coefficient of the rule "
        "(for SMEA the sharp kappa* = 4f/(n-2f), derived and attained; the recalled "
        "(4f/(n-f))(1 + f/(n-2f))^2 is registry kappa/smea-recalled).  Rows marked boundkit "
        "are exact bounds with their constants (<=, >=), derived in proofs_check.\n"
    )
    if params is not None:
        shown = ", ".join(f"{k}={v}" for k, v in params.items() if v is not None)
        notes += f"Numeric columns: registered bounds at {shown}.\n"
    return tabulate(body, headers=headers, tablefmt="github") + notes


def latex(params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    """Table 1 as a complete LaTeX ``tabular`` (needs only the base LaTeX kernel)."""
    columns = "lll" + ("ll" if params is not None else "")
    headers = list(HEADERS) + (
        ["Byzantine at params", "poisoning at params"] if params is not None else []
    )
    lines = [r"\begin{tabular}{" + columns + "}", r"\hline"]
    lines += [" & ".join(headers) + r" \\", r"\hline"]
    for row in ROWS:
        regime = row.regime.replace(">=", r"$\geq$")
        cells = [regime, _cell_latex(row.byzantine), _cell_latex(row.poisoning)]
        if params is not None:
            cells += [
                _numeric(row.byzantine.result_ids, params, dps).replace("_", r"\_"),
                _numeric(row.poisoning.result_ids, params, dps).replace("_", r"\_"),
            ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}", ""]
    return "\n".join(lines)


def render(fmt: str, params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    """``fmt`` is ``"markdown"`` or ``"latex"``."""
    if fmt == "markdown":
        return markdown(params, dps)
    if fmt == "latex":
        return latex(params, dps)
    from boundkit.errors import ParameterError

    raise ParameterError("format", "one of markdown, latex", fmt)


__all__ = ["ROWS", "markdown", "latex", "render"]
