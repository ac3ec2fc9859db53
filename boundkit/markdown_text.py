"""GitHub-flavoured markdown that renders as written: escaped text, code spans, one-line
tables.

Every report under ``reports/`` is read on GitHub, where ``*``, ``_`` and ``<tag>`` in plain
text become emphasis or vanish as HTML, and a table row continued on the next line becomes
a second, almost empty row.  Writers pass free text (SymPy strings, check details, file
names) through :func:`escape`, identifiers through :func:`code`, and tables through
:func:`table`, which refuses multi-line cells instead of wrapping them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: ``*`` always; ``_`` unless between two word characters (``lambda_max`` stays as is);
#: ``|``; ``<`` where it could open an HTML tag; a backslash before punctuation
_SPECIAL = re.compile(r"\*|(?<!\w)_|_(?!\w)|\||<(?=[A-Za-z/!?])|\\(?=[!-/:-@\[-`{-~])")


def escape(text: str) -> str:
    """``text`` shown literally: markdown's emphasis, table and HTML characters escaped."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def sympy_text(text: str) -> str:
    """A line that may hold SymPy's string form (``2*gamma*L**2*T``), as readable text:
    ``**`` becomes ``^`` and a ``*`` between operands ``·``; the rest is :func:`escape`\\ d.
    """
    text = re.sub(r"(?<=[\w)\]])\*\*(?=[\w(\-])", "^", text)
    text = re.sub(r"(?<=[\w)\]])\*(?=[\w(])", "·", text)
    return escape(text)


def code(text: str) -> str:
    """``text`` as an inline code span (longer fences when it holds backticks)."""
    text = " ".join(text.split("\n"))
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: object) -> str:
    value = str(text)
    if "\n" in value:
        raise ValueError(f"a markdown table cell must be one line: {value!r}")
    return re.sub(r"(?<!\\)\|", r"\\|", value).strip()


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None
) -> str:
    """A GitHub table, one line per row (cells are markdown; ``|`` in them is escaped).
    ``align``: one letter per column, ``l`` or ``r`` (default all ``l``)."""
    align = align or "l" * len(headers)
    if len(align) != len(headers) or set(align) - {"l", "r"}:
        raise ValueError(f"align must be l/r for each of {len(headers)} columns: {align!r}")
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the header {len(headers)}: {row!r}")
        cells = [_cell(c) or "-" for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


__all__ = ["code", "escape", "sympy_text", "table"]
