"""Table 1 of the paper (docs/theory.md, section 5, "Rates"): rates by regime and threat
model.

Rows are regimes (convex / strongly convex, GD and SGD), columns the two threat models;
each cell holds the upper and the lower rate as SymPy expressions wrapped in ``O``,
``Omega``, ``Theta`` or an exact ``<=`` / ``>=``, a short condition, and optionally a note
printed below the table.  Conditions and notes are phrases: text and SymPy expressions
(relations such as ``f >= n/3`` included), so both outputs print the same mathematics with
:mod:`boundkit.outputs.math_text`: the markdown table in plain Unicode (``2γL²T(1/N + f/(n −
f))``, no ``*`` for a renderer to read as emphasis, one line per row), the LaTeX table as a
``tabularx`` of width ``\\linewidth`` with inline math that TeX can break.  Optional
numeric columns (LaTeX: last lines of the cells) evaluate the registered bounds at one
parameter point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from boundkit import bounds
from boundkit import markdown_text as md
from boundkit.bounds.parameters import evaluate as checked_evaluate
from boundkit.bounds.symbols import L, T, f, gamma, kappa, m, mu, n
from boundkit.errors import ParameterError
from boundkit.outputs import math_text
from boundkit.outputs.math_text import AtLeast, AtMost, BigO, BigOmega, BigTheta, Root

#: display symbol for N = (n - f) m, kept atomic in the printed rates
N_DISPLAY = sp.Symbol("N", positive=True)
_D = sp.Symbol("d", positive=True, integer=True)
_KAPPA_STAR = math_text.display_atom("kappa_star", "κ*", r"\kappa^{*}")
_ODD = math_text.display_atom("iverson_odd", "[n − f odd]", r"[n-f\ \mathrm{odd}]")
_T_LIMIT = math_text.display_atom("T_to_infinity", "T → ∞", r"T \to \infty")
_CONVEX = gamma * L**2 * T
_STRONG = L**2 / mu
_SHARP = Root(f / (n - 2 * f))

#: a phrase: text pieces and SymPy expressions (printed as math), in order
Phrase = tuple[str | sp.Basic, ...]


@dataclass(frozen=True)
class RateCell:
    """One cell: rate expressions, a short condition, an optional note printed below the
    table, and the registry entries the cell summarises."""

    rates: tuple[sp.Expr, ...]
    conditions: Phrase
    result_ids: tuple[str, ...]
    note: Phrase = ()


@dataclass(frozen=True)
class RateRow:
    regime: Phrase
    byzantine: RateCell
    poisoning: RateCell


_AS_ABOVE: Phrase = ("as above",)
_POISONING_SHARP = RateCell(
    rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + f / (n - f))),),
    conditions=_AS_ABOVE,
    result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
)

ROWS: tuple[RateRow, ...] = (
    RateRow(
        regime=("convex, GD/SGD",),
        byzantine=RateCell(
            rates=(
                BigO(_CONVEX * (1 / N_DISPLAY + Root(kappa))),
                BigOmega(_CONVEX * (1 / N_DISPLAY + _SHARP)),
            ),
            conditions=("lower bound for GD, ", f >= n / 3),
            result_ids=("thm3.1/convex", "thm3.2/f-ge-n/3"),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_CONVEX * (1 / N_DISPLAY + f / (n - f))),),
            conditions=("lower bound for GD and SGD",),
            result_ids=("thm3.3/convex", "thm3.4/gd-convex", "thm3.4/sgd-convex"),
        ),
    ),
    RateRow(
        regime=("strongly convex, GD/SGD",),
        byzantine=RateCell(
            rates=(BigO(_STRONG * (1 / N_DISPLAY + Root(kappa))),),
            conditions=("no matching lower bound",),
            result_ids=("thm3.1/strongly-convex",),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_STRONG * (1 / N_DISPLAY + f / (n - f))),),
            conditions=("lower bound shown for GD",),
            result_ids=("thm3.3/strongly-convex", "thm3.4/gd-strongly-convex"),
        ),
    ),
    RateRow(
        regime=("convex, GD/SGD, SMEA, sharp constants (boundkit)",),
        byzantine=RateCell(
            rates=(
                AtMost(2 * _CONVEX * (1 / N_DISPLAY + _SHARP + 2 * f / (n - f))),
                AtLeast(_CONVEX * 4 * f / (n - 2 * f)),
            ),
            conditions=("upper: any ", _D, "; lower: B4, GD, ", sp.Eq(_D, 1), ", ", f < n / 3),
            result_ids=("byzantine/smea-sharp/convex", "byzantine/two-sided-push"),
            note=(
                "Eq. (2) with SMEA's sharp coefficient ",
                sp.Eq(_KAPPA_STAR, 4 * f / (n - 2 * f)),
                " gives ",
                2 * _SHARP,
                " in place of ",
                _SHARP + 2 * f / (n - f),
                ".  For ",
                f >= n / 3,
                " B4 reaches ",
                _CONVEX * (2 + 2 * Root(f * (1 - _ODD / (n - f) ** 2) / (n - 2 * f))),
                ", where ",
                _ODD,
                " is 1 when ",
                n - f,
                " is odd and 0 otherwise.",
            ),
        ),
        poisoning=RateCell(
            rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + f / (n - f))),),
            conditions=("attained by P1 under GD: tight, constant included",),
            result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
        ),
    ),
    RateRow(
        regime=("convex, GD/SGD, SMEA, ", sp.Eq(_D, 1), " (boundkit)"),
        byzantine=RateCell(
            rates=(AtMost(2 * _CONVEX * (1 / N_DISPLAY + 4 * f / (n - f))),),
            conditions=(
                "for ",
                sp.Le(7 * f, 3 * n),
                "; attained by B4 at ",
                sp.Eq(n, 3 * f + 1),
                ", ",
                sp.Eq(m, 1),
            ),
            result_ids=("byzantine/smea-1d/convex", "byzantine/two-sided-push"),
            note=(
                "For ",
                sp.Gt(7 * f, 3 * n),
                " the bound is ",
                AtMost(2 * _CONVEX * (1 / N_DISPLAY + 1 + Root((n - f) / (n - 2 * f)))),
                ".",
            ),
        ),
        poisoning=_POISONING_SHARP,
    ),
    RateRow(
        regime=("strongly convex, GD/SGD, SMEA, sharp constants (boundkit)",),
        byzantine=RateCell(
            rates=(AtMost(4 * _STRONG * (1 / N_DISPLAY + _SHARP + 2 * f / (n - f))),),
            conditions=("limit as ", _T_LIMIT),
            result_ids=(
                "byzantine/smea-sharp/strongly-convex",
                "byzantine/smea-1d/strongly-convex",
            ),
            note=(
                "In ",
                sp.Eq(_D, 1),
                ", ",
                4 * f / (n - f),
                " in place of the last two terms (for ",
                sp.Le(7 * f, 3 * n),
                ").",
            ),
        ),
        poisoning=RateCell(
            rates=(AtMost(4 * _STRONG * (1 / N_DISPLAY + f / (n - f))),),
            conditions=("limit of eq. (6) as ", _T_LIMIT),
            result_ids=("thm3.3/strongly-convex",),
        ),
    ),
    RateRow(
        regime=("convex, GD, ", _D >= 2, " (boundkit's B3, not in the paper)"),
        byzantine=RateCell(
            rates=(BigOmega(_CONVEX * Root(f / (n - f))),),
            conditions=("every ", f < n / 3, " where B3, the orthogonal push, is defined"),
            result_ids=("byzantine/orthogonal-push",),
        ),
        poisoning=RateCell(
            rates=(BigTheta(_CONVEX * (1 / N_DISPLAY + f / (n - f))),),
            conditions=_AS_ABOVE,
            result_ids=("thm3.3/convex", "thm3.4/gd-convex"),
        ),
    ),
)

HEADERS = ("regime", "Byzantine failures", "data poisoning")
NUMERIC_HEADERS = ("Byzantine at params", "poisoning at params")
#: notes below the table, after the numbered ones of the cells
GENERAL_NOTES: tuple[Phrase, ...] = (
    (
        sp.Eq(N_DISPLAY, (n - f) * m),
        " honest samples; ",
        kappa,
        " is the robustness coefficient of the rule (for SMEA the sharp ",
        sp.Eq(_KAPPA_STAR, 4 * f / (n - 2 * f)),
        ", derived and attained; the recalled ",
        bounds.get("kappa/smea-recalled").expression,
        " is registry entry kappa/smea-recalled).",
    ),
    (
        "Rows marked boundkit are exact bounds with their constants, derived in proofs_check; "
        "O, Ω and Θ hide constant factors.",
    ),
)
COMMAND = "python -m boundkit table --format {fmt} --output reports/{name}"


# ------------------------------------------------------------------------------ phrases


def phrase_markdown(phrase: Phrase) -> str:
    """Text escaped, mathematics in Unicode."""
    return "".join(
        md.escape(part) if isinstance(part, str) else md.escape(math_text.unicode(part))
        for part in phrase
    )


_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "Ω": r"$\Omega$",
    "Θ": r"$\Theta$",
}


def latex_text(text: str) -> str:
    """``text`` safe in LaTeX's text mode."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in text)


def phrase_latex(phrase: Phrase) -> str:
    """Text escaped, mathematics as inline ``$...$``."""
    return "".join(
        latex_text(part) if isinstance(part, str) else f"${math_text.latex(part)}$"
        for part in phrase
    )


def _notes() -> list[tuple[RateCell, int]]:
    """Each cell with a note and the note's number, in reading order."""
    cells = [cell for row in ROWS for cell in (row.byzantine, row.poisoning) if cell.note]
    return [(cell, k) for k, cell in enumerate(dict.fromkeys(cells), start=1)]


def _note_number(cell: RateCell) -> int | None:
    return next((k for c, k in _notes() if c is cell), None)


# ------------------------------------------------------------------------------ numbers


def _numeric(result_ids: tuple[str, ...], params: Mapping[str, object], dps: int) -> list[str]:
    """``id: value`` for each registered bound of a cell (``n/a`` where a hypothesis fails)."""
    parts = []
    for rid in result_ids:
        result = bounds.get(rid)
        try:  # the domain (mu > 0) first, then the hypotheses, then the value
            value = checked_evaluate(result, params, dps=dps)
        except ParameterError:  # a broken hypothesis, or a strongly convex bound at mu = 0
            parts.append(f"{rid}: n/a")
            continue
        parts.append(f"{rid}: {mpmath.nstr(value, 6)}")
    return parts


def _point(params: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if v is not None)


# ------------------------------------------------------------------------------ markdown


def _cell_markdown(cell: RateCell) -> str:
    rates = "; ".join(md.escape(math_text.unicode(r)) for r in cell.rates)
    number = _note_number(cell)
    mark = f"; note {number}" if number else ""
    return f"{rates} ({phrase_markdown(cell.conditions)}{mark})"


def markdown(params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    """Table 1 as a GitHub-flavoured markdown table (numeric columns when ``params``):
    one line per row, mathematics in plain Unicode, long explanations as numbered notes."""
    headers = list(HEADERS) + (list(NUMERIC_HEADERS) if params is not None else [])
    body = []
    for row in ROWS:
        line = [
            phrase_markdown(row.regime),
            _cell_markdown(row.byzantine),
            _cell_markdown(row.poisoning),
        ]
        if params is not None:
            line += [
                md.escape("; ".join(_numeric(cell.result_ids, params, dps)))
                for cell in (row.byzantine, row.poisoning)
            ]
        body.append(line)
    lines = ["# Table 1: uniform stability by regime and threat model", ""]
    if params is None:
        lines += [
            f"Regenerate: `{COMMAND.format(fmt='markdown', name='rates.md')}` (also written by "
            "`python -m boundkit report`).",
            "",
        ]
    lines += [md.table(headers, body), "", "Notes:", ""]
    lines += [f"{k}. {phrase_markdown(cell.note)}" for cell, k in _notes()]
    lines += [""] + [f"- {phrase_markdown(note)}" for note in GENERAL_NOTES]
    if params is not None:
        lines.append(f"- Numeric columns: registered bounds at {md.escape(_point(params))}.")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ LaTeX

#: relative widths of the columns (tabularx ``\hsize`` factors; they sum to the count)
WIDTHS = (0.64, 1.26, 1.10)
LATEX_PACKAGES = ("amsmath", "tabularx")


def column_spec(widths: Sequence[float]) -> str:
    r"""Ragged-right ``X`` columns with ``\hsize`` factors ``widths`` (summing to their
    count, as tabularx requires), no padding at the outer edges."""
    cells = [rf">{{\raggedright\arraybackslash\hsize={w:.2f}\hsize}}X" for w in widths]
    return "@{}" + "".join(cells) + "@{}"


def _cell_latex(cell: RateCell, numbers: list[str]) -> str:
    r"""One line per rate, then the condition and the numeric values in ``\footnotesize``."""
    lines = [f"${math_text.latex(r)}$" for r in cell.rates]
    condition = phrase_latex(cell.conditions)
    number = _note_number(cell)
    if number:
        condition += rf"\textsuperscript{{{number}}}"
    lines.append(r"{\footnotesize " + condition + "}")
    lines += [r"{\footnotesize " + latex_text(value) + "}" for value in numbers]
    return r"\newline ".join(lines)


def latex(params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    r"""Table 1 as a LaTeX ``tabularx`` of width ``\linewidth`` (needs the packages of
    :data:`LATEX_PACKAGES`), followed by its notes in ``\footnotesize``.  With ``params``
    the registered bounds evaluated there are the last lines of each cell: three columns
    either way, so the table fits a single-column page."""
    numeric = params is not None
    packages = ",".join(LATEX_PACKAGES)
    lines = [
        "% Table 1 (boundkit): uniform stability by regime and threat model.",
        f"% Regenerate: {COMMAND.format(fmt='latex', name='rates.tex')}"
        if not numeric
        else f"% With the registered bounds at {_point(params)}.",
        rf"% Needs \usepackage{{{packages}}}; the table is \linewidth wide.",
        r"\begin{tabularx}{\linewidth}{" + column_spec(WIDTHS) + "}",
        r"\hline",
        " & ".join(latex_text(h) for h in HEADERS) + r" \\",
        r"\hline",
    ]
    for row in ROWS:
        cells = [phrase_latex(row.regime)] + [
            _cell_latex(cell, _numeric(cell.result_ids, params, dps) if numeric else [])
            for cell in (row.byzantine, row.poisoning)
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabularx}", r"\par\smallskip", r"{\footnotesize\raggedright"]
    lines += [rf"\textsuperscript{{{k}}}{phrase_latex(cell.note)}\par" for cell, k in _notes()]
    lines += [phrase_latex(note) + r"\par" for note in GENERAL_NOTES]
    if numeric:
        point = latex_text(_point(params))
        lines.append(f"Last lines of the cells: the registered bounds at {point}." + r"\par")
    lines += ["}", ""]
    return "\n".join(lines)


def render(fmt: str, params: Mapping[str, object] | None = None, dps: int = 50) -> str:
    """``fmt`` is ``"markdown"`` or ``"latex"``."""
    if fmt == "markdown":
        return markdown(params, dps)
    if fmt == "latex":
        return latex(params, dps)
    raise ParameterError("format", "one of markdown, latex", fmt)


__all__ = ["ROWS", "markdown", "latex", "render", "column_spec", "LATEX_PACKAGES"]
