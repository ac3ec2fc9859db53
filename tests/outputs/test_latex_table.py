"""The LaTeX Table 1 fits a single-column article page (``\\linewidth`` = 345 pt at 10 pt).

No pdflatex here, so the checks are on the source: the table is a ``tabularx`` of width
``\\linewidth`` whose columns are all ``X`` (``\\hsize`` factors summing to their count) or
``p{...}`` (widths summing to at most ``\\linewidth``), with no nested ``tabular``; the header
comment names the packages, and every command used comes from them or the LaTeX kernel;
and no unbreakable piece of a cell (a word, or the part of a formula between two places
where TeX may break it: after a binary operator or relation outside braces and
``\\left...\\right``) is wider than its column.  Widths are estimated with matplotlib's
mathtext in Computer Modern at the cell's font size (an estimate, so pieces must fit with
a 10% margin).  The old table (``tabular{lll}`` with nested ``l`` columns) fails.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import matplotlib
import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import MathTextParser

from boundkit.cli.main import main
from boundkit.outputs import rate_table

ROOT = Path(__file__).resolve().parents[2]
LINEWIDTH = 345.0  # pt, \textwidth of the 10 pt article class
TABCOLSEP = 6.0  # pt, LaTeX's default
MARGIN = 1.1
#: commands of the LaTeX kernel, amsmath and array/tabularx that the table may use
KNOWN = {
    "begin", "end", "hline", "linewidth", "hsize", "raggedright", "arraybackslash",
    "newline", "footnotesize", "textsuperscript", "par", "smallskip", "usepackage",
    "mathcal", "mathrm", "bigl", "bigr", "frac", "sqrt", "leq", "geq", "to", "infty",
    "gamma", "kappa", "mu", "Omega", "Theta", "_", "&", "%", "textasciitilde",
    "textasciicircum", "textbackslash", "left", "right", " ", "\\",
}  # fmt: skip


def _group(text: str, start: int) -> tuple[str, int]:
    """The brace group opening at ``text[start]``: its content and the index after it."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i], i + 1
    raise ValueError(f"unbalanced braces from {start}")


def columns(spec: str) -> list[tuple[str, str]]:
    """``(kind, argument)`` per column of a tabular spec; ``>{...}`` is the argument of
    an ``X`` column (its ``\\hsize`` factor), ``@{...}`` is dropped."""
    out, i, before = [], 0, ""
    while i < len(spec):
        c = spec[i]
        if c in "@><!":
            arg, i = _group(spec, i + 1)
            before = arg if c == ">" else before
        elif c in "pmb":
            arg, i = _group(spec, i + 1)
            out.append((c, arg))
        else:
            out.append((c, before))
            before, i = "", i + 1
    return out


def _length(text: str) -> float:
    """A ``p{}`` width in pt (``0.3\\linewidth``, ``120pt``)."""
    if text.endswith(r"\linewidth"):
        return float(text.removesuffix(r"\linewidth") or 1) * LINEWIDTH
    if text.endswith("pt"):
        return float(text.removesuffix("pt"))
    raise ValueError(f"unknown width {text!r}")


def column_widths(tex: str) -> list[float]:
    """The width of each column of the (single) tabularx, after the padding."""
    start = tex.index(r"\begin{tabularx}{\linewidth}{") + len(r"\begin{tabularx}{\linewidth}")
    spec, _ = _group(tex, start)
    cols = columns(spec)
    padding = 2 * TABCOLSEP * (len(cols) - 1)  # @{} at both outer edges
    fixed = sum(_length(arg) for kind, arg in cols if kind == "p")
    xs = [c for c in cols if c[0] == "X"]
    free = LINEWIDTH - padding - fixed
    widths = []
    for kind, arg in cols:
        if kind == "p":
            widths.append(_length(arg))
        else:
            factor = re.search(r"\\hsize=([\d.]+)\\hsize", arg)
            widths.append(float(factor.group(1) if factor else 1) * free / len(xs))
    return widths


def spec_problems(tex: str) -> list[str]:
    """The column layout: a linewidth tabularx with X / p columns only."""
    out = []
    if tex.count(r"\begin{tabularx}{\linewidth}{") != 1 or tex.count(r"\end{tabularx}") != 1:
        return [r"not one tabularx of width \linewidth"]
    if r"\begin{tabular}" in tex:
        out.append("a tabular (nested or not) with columns of their own width")
    start = tex.index(r"\begin{tabularx}{\linewidth}{") + len(r"\begin{tabularx}{\linewidth}")
    cols = columns(_group(tex, start)[0])
    kinds = [kind for kind, _ in cols]
    if set(kinds) - {"X", "p"}:
        out.append(f"columns {kinds}: only X and p{{}} wrap their text")
    factors = [
        Fraction(re.search(r"\\hsize=([\d.]+)\\hsize", arg).group(1))
        if r"\hsize=" in arg
        else Fraction(1)
        for kind, arg in cols
        if kind == "X"
    ]
    if sum(factors) != len(factors):
        out.append(f"X columns' \\hsize factors sum to {sum(factors)}, not {len(factors)}")
    fixed = sum(_length(arg) for kind, arg in cols if kind == "p")
    if fixed > LINEWIDTH:
        out.append(f"p{{}} columns sum to {fixed} pt > \\linewidth")
    return out


def preamble_problems(tex: str) -> list[str]:
    """The header names its packages; every command is known; braces and $ balance."""
    out = []
    header = [line for line in tex.splitlines() if line.startswith("%")]
    packages = re.search(r"\\usepackage\{([^}]*)\}", "\n".join(header))
    if not packages or {"amsmath", "tabularx"} - set(packages.group(1).split(",")):
        out.append("the header comment does not name amsmath and tabularx")
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    unknown = set(re.findall(r"\\([A-Za-z]+|.)", body)) - KNOWN
    if unknown:
        out.append(f"commands outside the kernel and the named packages: {sorted(unknown)}")
    if body.count("{") - body.count(r"\{") != body.count("}") - body.count(r"\}"):
        out.append("unbalanced braces")
    return out


# ---------------------------------------------------------------------- widths

matplotlib.rcParams["mathtext.fontset"] = "cm"
_PARSER = MathTextParser("path")
_BREAK = re.compile(r"\+|-|=|<|>|\\leq|\\geq|\\to")


def _width(math: str, size: float) -> float:
    math = re.sub(r"\\big[lr]|\\left|\\right", "", math).replace(r"\mathcal{O}", "O")
    return _PARSER.parse(f"${math}$", dpi=720, prop=FontProperties(size=size))[0] / 10


def math_pieces(math: str) -> list[str]:
    """``math`` cut where TeX may break an inline formula: after a binary operator or a
    relation at the outer level (not inside braces, nor inside ``\\left...\\right``)."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(math):
        if math.startswith((r"\left", "{"), i):
            depth += 1
        elif math.startswith((r"\right", "}"), i):
            depth -= 1
        elif depth == 0 and i > start and (match := _BREAK.match(math, i)):
            pieces.append(math[start : match.end()])
            start = i = match.end()
            continue
        i += 1
    return [p for p in pieces + [math[start:]] if p.strip()]


def _units(line: str, size: float) -> list[tuple[float, str]]:
    line = re.sub(r"\\textsuperscript\{(\w+)\}", r"$^{\1}$", line)
    out = []
    for k, segment in enumerate(re.split(r"(?<!\\)\$", line)):
        if k % 2:
            out += [(_width(p, size), p) for p in math_pieces(segment)]
            continue
        for word in segment.replace(r"\_", "_").split():
            out += [(_width(r"\mathrm{" + w + "}", size), w) for w in re.split(r"(?<=-)", word)]
    return out


def _cell_units(cell: str) -> list[tuple[float, str]]:
    """Unbreakable pieces of a cell with their widths (lines split at ``\\newline``,
    ``{\\footnotesize ...}`` at 8 pt)."""
    out = []
    for line in cell.split(r"\newline"):
        line = line.strip()
        small = line.startswith(r"{\footnotesize")
        if small:
            line = _group(line, 0)[0].removeprefix(r"\footnotesize")
        out += _units(line, 8.0 if small else 10.0)
    return out


def width_problems(tex: str) -> list[str]:
    """Pieces wider than their column (with the margin)."""
    widths = column_widths(tex)
    start = tex.index(r"\hline", tex.index(r"\hline") + 1) + len(r"\hline")
    body = tex[start : tex.index(r"\hline", start)]
    out = []
    for row in body.strip().split("\\\\\n"):
        cells = row.strip().removesuffix("\\\\").split(" & ")
        for column, cell in enumerate(cells):
            for width, piece in _cell_units(cell):
                if width * MARGIN > widths[column]:
                    out.append(f"{piece!r}: {width:.0f} pt in a {widths[column]:.0f} pt column")
    return out


def problems(tex: str) -> list[str]:
    found = spec_problems(tex) + preamble_problems(tex)
    return found or width_problems(tex)


# ---------------------------------------------------------------------- tests

PARAMS = dict(
    n=21, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, smoothness=1,
    strong_convexity=Fraction(1, 2),
)  # fmt: skip


def test_committed_table_fits() -> None:
    tex = (ROOT / "reports" / "rates.tex").read_text()
    assert problems(tex) == []
    assert tex == rate_table.latex()


def test_table_with_numbers_fits(capsys) -> None:
    argv = ["table", "--format", "latex", "--n", "21", "--f", "3", "--m", "2"]
    assert main([*argv, "--strong-convexity", "1/2", "--dps", "20"]) == 0
    tex = capsys.readouterr().out
    assert problems(tex) == []
    assert "thm3.3/convex: 0.388889" in tex  # eq. (5) = 7/18 at this point
    assert problems(rate_table.latex(PARAMS, dps=20)) == []


def test_every_cell_is_measured() -> None:
    tex = rate_table.latex(PARAMS, dps=20)
    widths = column_widths(tex)
    assert len(widths) == 3 and abs(sum(widths) + 24 - LINEWIDTH) < 1e-9
    start = tex.index(r"\hline", tex.index(r"\hline") + 1) + len(r"\hline")
    rows = tex[start : tex.index(r"\hline", start)].strip().split("\\\\\n")
    assert len(rows) == len(rate_table.ROWS)
    pieces = [u for row in rows for cell in row.split(" & ") for u in _cell_units(cell)]
    widest = max(pieces)
    assert 60 < widest[0] < max(widths), widest  # a formula piece or an id, not nothing


#: the committed reports/rates.tex before this check (header and first row)
OLD = r"""\begin{tabular}{lll}
\hline
regime & Byzantine failures & data poisoning \\
\hline
convex, GD/SGD & \begin{tabular}[t]{@{}l@{}}$\mathcal{O}\left(L^{2} T \gamma \left(\sqrt{\kappa} + \frac{1}{N}\right)\right)$ \\ {\footnotesize lower bound for f $\geq$ n/3 (GD)}\end{tabular} & \begin{tabular}[t]{@{}l@{}}$\Theta\left(L^{2} T \gamma \left(\frac{1}{N} + \frac{f}{(n-f)}\right)\right)$ \\ {\footnotesize lower bound for GD and SGD}\end{tabular} \\
\hline
\end{tabular}
"""  # noqa: E501


def test_old_table_fails() -> None:
    assert problems(OLD)[0] == r"not one tabularx of width \linewidth"


def _new() -> str:
    return rate_table.latex()


@pytest.mark.parametrize(
    "mutate, what",
    [
        (lambda t: t.replace(r"\hsize=0.64\hsize", r"\hsize=0.84\hsize"), "sum to"),
        (lambda t: t.replace("}X@{}}", "}l@{}}", 1), "only X and p"),
        (lambda t: t.replace(r"\newline", r"\\ \begin{tabular}{l}x\end{tabular}", 1), "nested"),
        (lambda t: t.replace("amsmath,", ""), "amsmath"),
        (lambda t: t.replace(r"\Omega", r"\boldsymbol{\Omega}", 1), "boldsymbol"),
        (lambda t: t.replace(r"\bigl(", r"\left(").replace(r"\bigr)", r"\right)"), "pt column"),
        (lambda t: t.replace("(boundkit's", r"(boundkit's\_B3\_orthogonal\_push", 1), "pt"),
    ],
)
def test_each_check_can_fail(mutate, what: str) -> None:
    found = problems(mutate(_new()))
    assert any(what in p for p in found), found


def test_breaks_are_where_tex_breaks() -> None:
    assert math_pieces(r"a + \sqrt{b + c} = d") == ["a +", r" \sqrt{b + c} =", " d"]
    assert math_pieces(r"\left(a + b\right) + c") == [r"\left(a + b\right) +", " c"]
