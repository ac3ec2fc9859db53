"""The common look of boundkit's figures: fonts of at least :data:`MIN_FONT` points, one
legend per figure placed below the axes (never over the data), every curve labelled.

Figures are :class:`matplotlib.figure.Figure` objects built without ``pyplot`` (no global
state, no backend switch); :func:`save` writes them as PNG.  matplotlib is imported
lazily, inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: Smallest font size (points) of any text in a figure.
MIN_FONT = 9
TICK_FONT = 9
LABEL_FONT = 10
LEGEND_FONT = 9
TITLE_FONT = 11
SUPTITLE_FONT = 12


def new_figure(columns: int, width: float, height: float, dpi: int = 100) -> tuple[Any, list]:
    """A figure of ``columns`` axes side by side (``width x height`` inches), with a
    constrained layout that keeps room for a legend below (:func:`legend_below`)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    axes = [fig.add_subplot(1, columns, i + 1) for i in range(columns)]
    for ax in axes:
        ax.tick_params(which="both", labelsize=TICK_FONT)
    return fig, axes


def label_axes(ax: Any, xlabel: str, ylabel: str, title: str | None = None) -> None:
    """Axis labels (and a panel title) at the readable sizes."""
    ax.set_xlabel(xlabel, fontsize=LABEL_FONT)
    ax.set_ylabel(ylabel, fontsize=LABEL_FONT)
    if title is not None:
        ax.set_title(title, fontsize=TITLE_FONT)


def legend_below(
    fig: Any,
    axes: Sequence[Any],
    columns: int,
    *,
    title: str | None = None,
    where: str = "lower center",
    select: Callable[[str], bool] | None = None,
    key: Callable[[str], Any] | None = None,
) -> Any:
    """A legend for the whole figure, outside every axes (``where``: below by default):
    each label once (those ``select`` keeps), in drawing order (panels left to right) or
    sorted by ``key``."""
    handles: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if select is None or select(label):
                handles.setdefault(label, handle)
    labels = sorted(handles, key=key) if key else list(handles)
    return fig.legend(
        [handles[label] for label in labels],
        labels,
        loc=f"outside {where}",
        ncol=columns,
        fontsize=LEGEND_FONT,
        title=title,
        title_fontsize=LEGEND_FONT,
        frameon=False,
    )


def save(fig: Any, out: str) -> None:
    """Write ``fig`` as PNG at its own dpi (no software tag: reproducible bytes)."""
    fig.savefig(out, format="png", metadata={"Software": None})
