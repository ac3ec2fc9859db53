"""Every figure boundkit writes renders right: each curve labelled and in the legend, the
legend entries exactly the labelled curves, curves distinguishable by colour and by line
style or marker, legends outside the data, fonts of at least 9 pt, every axis labelled
(log scale stated), nothing cut off; and per figure, the curves name their ``n`` (attack
search) and the eq. (5) line is drawn above the P1 markers (Figure 1).

The checker (:func:`problems`) is shown to reject a deliberately broken figure for each
rule it enforces (``test_checker_rejects_*``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import matplotlib
import matplotlib.image
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.colors import to_rgb
from matplotlib.container import Container
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from boundkit.outputs import plot_style

matplotlib.use("Agg")

# --------------------------------------------------------------------------- the checker


def _is_colorbar(ax: Any) -> bool:
    return hasattr(ax, "_colorbar")


def _line_style(line: Line2D) -> tuple[Any, Any]:
    dashes = line._unscaled_dash_pattern[1]  # the actual dash pattern, tuples included
    pattern = (
        line.get_linestyle(),
        None if dashes is None else tuple(dashes),
        str(line.get_marker()),
        line.get_fillstyle(),
    )
    return to_rgb(line.get_color()), pattern


def _collection_style(artist: Collection) -> tuple[Any, Any]:
    if artist.get_array() is not None:
        colour: Any = ("colour map", artist.get_cmap().name)
    else:
        faces, edges = artist.get_facecolor(), artist.get_edgecolor()
        colour = tuple(faces[0][:3]) if len(faces) and faces[0][3] > 0 else None
        colour = (colour, tuple(edges[0][:3]) if len(edges) else None)
    paths = artist.get_paths()
    shape = tuple(map(tuple, paths[0].vertices.round(3))) if paths else ()
    return colour, ("collection", shape)


def _style(artist: Any) -> tuple[Any, Any]:
    if isinstance(artist, Container):
        first = next(a for a in artist.get_children() if a is not None)
        return _style(first)
    if isinstance(artist, Line2D):
        return _line_style(artist)
    return _collection_style(artist)


def data_artists(fig: Figure) -> list[tuple[Any, str, tuple]]:
    """``(artist, label, style)`` for every curve, marker set, scatter and reference line
    drawn in a data axes (an errorbar counts once, as its container)."""
    found = []
    for ax in fig.axes:
        if _is_colorbar(ax):
            continue
        covered: set[int] = set()
        for container in ax.containers:
            covered |= {id(a) for a in container.get_children() if a is not None}
            found.append((container, container.get_label() or "", _style(container)))
        for artist in [*ax.lines, *ax.collections, *ax.patches]:
            if id(artist) not in covered:
                found.append((artist, artist.get_label() or "", _style(artist)))
    return found


def legends(fig: Figure) -> list[Any]:
    out = list(fig.legends)
    out += [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return out


def legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for legend in legends(fig) for t in legend.get_texts()]


def check_labels(fig: Figure) -> list[str]:
    """Every data artist carries a label (one that legends show, no leading underscore)."""
    return [
        f"unlabelled {type(a).__name__}"
        for a, label, _ in data_artists(fig)
        if not label or label.startswith("_")
    ]


def check_legend_matches(fig: Figure) -> list[str]:
    """The legend entries are exactly the labels of the artists drawn, each once."""
    texts = legend_texts(fig)
    labels = {label for _, label, _ in data_artists(fig) if not label.startswith("_")}
    out = [f"legend entry repeated: {t}" for t in sorted(set(texts)) if texts.count(t) > 1]
    out += [f"curve not in the legend: {x}" for x in sorted(labels - set(texts))]
    out += [f"legend entry without a curve: {x}" for x in sorted(set(texts) - labels)]
    return out


def _differ(a: tuple, b: tuple) -> bool:
    """Distinguishable: another colour and another line style, dash pattern or marker."""
    return a[0] != b[0] and a[1] != b[1]


def check_distinguishable(fig: Figure) -> list[str]:
    """One style per label; two labels never share a colour or a line style/marker."""
    styles: dict[str, set] = {}
    for _, label, style in data_artists(fig):
        styles.setdefault(label, set()).add(style)
    out = [f"{label}: {len(s)} styles" for label, s in styles.items() if len(s) > 1]
    labels = sorted(styles)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if not _differ(next(iter(styles[a])), next(iter(styles[b]))):
                out.append(f"not distinguishable: {a!r} and {b!r}")
    return out


def _tick_labels(fig: Figure) -> tuple[set[int], list[Text]]:
    """Every tick label's id, and the tick labels drawn (ticks inside the view)."""
    every: set[int] = set()
    drawn = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.majorTicks + axis.minorTicks:
                every |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():  # what Axis.draw draws
                drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return every, drawn


def _visible_texts(fig: Figure) -> list[Text]:
    """The texts drawn: titles, labels, legends, captions, the tick labels in view."""
    ticks, drawn = _tick_labels(fig)
    texts = [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    return [t for t in texts + drawn if t.get_text().strip()]


def _draw(fig: Figure) -> Any:
    """Lay the figure out and draw it on an Agg canvas (once: the checks do not change
    the figure); the renderer."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
        fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlap(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def check_legend_outside(fig: Figure) -> list[str]:
    """Each legend lies inside the figure and overlaps no axes, no other legend and no
    title or axis label."""
    renderer = _draw(fig)
    out = []
    boxes = [legend.get_window_extent(renderer) for legend in legends(fig)]
    own = {id(t) for legend in legends(fig) for t in legend.findobj(Text)}
    texts = [t for t in _visible_texts(fig) if id(t) not in own]
    for i, box in enumerate(boxes):
        if not fig.bbox.contains(box.x0, box.y0) or not fig.bbox.contains(box.x1, box.y1):
            out.append(f"legend {i} outside the figure")
        out += [
            f"legend {i} covers axes {ax.get_label() or j}"
            for j, ax in enumerate(fig.axes)
            if _overlap(box, ax.bbox)
        ]
        out += [
            f"legend {i} overlaps legend {k}"
            for k, other in enumerate(boxes)
            if k != i and _overlap(box, other)
        ]
        out += [
            f"legend {i} overlaps text {t.get_text()[:30]!r}"
            for t in texts
            if _overlap(box, t.get_window_extent(renderer))
        ]
    return out


def check_fonts(fig: Figure) -> list[str]:
    """Every visible text (ticks, legend, titles, labels) at least 9 pt."""
    _draw(fig)
    return [
        f"{t.get_fontsize():g} pt: {t.get_text()[:30]!r}"
        for t in _visible_texts(fig)
        if t.get_fontsize() < plot_style.MIN_FONT
    ]


def check_axis_labels(fig: Figure) -> list[str]:
    """Both axes of every panel labelled, a colour bar's long axis labelled, a log axis
    says so in its label."""
    out = []
    for i, ax in enumerate(fig.axes):
        axes = [ax.yaxis] if _is_colorbar(ax) else [ax.xaxis, ax.yaxis]
        for axis in axes:
            name = f"axes {i} {axis.axis_name}"
            text = axis.label.get_text()
            if not text.strip():
                out.append(f"{name}: no label")
            elif axis.get_scale() == "log" and "log" not in text:
                out.append(f"{name}: log scale not stated in {text!r}")
    return out


def check_inside(fig: Figure) -> list[str]:
    """No text cut off at the figure's edge."""
    renderer = _draw(fig)
    out = []
    for t in _visible_texts(fig):
        box = t.get_window_extent(renderer)
        inside = fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1
        if not (inside and fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1):
            out.append(f"cut off: {t.get_text()[:30]!r}")
    return out


CHECKS: tuple[Callable[[Figure], list[str]], ...] = (
    check_labels,
    check_legend_matches,
    check_distinguishable,
    check_legend_outside,
    check_fonts,
    check_axis_labels,
    check_inside,
)


def problems(fig: Figure) -> list[str]:
    return [p for check in CHECKS for p in check(fig)]


def per_n_problems(fig: Figure, ns: list[int], references: int) -> list[str]:
    """Where several ``n`` are drawn: every curve but the ``references`` names its ``n``,
    every ``n`` appears, and no two curves of one panel share a label."""
    out = []
    named = set()
    for ax in fig.axes:
        labels = [a.get_label() for a in [*ax.lines, *ax.collections]]
        out += [f"label used twice in a panel: {x}" for x in set(labels) if labels.count(x) > 1]
    unnamed = 0
    for _, label, _ in data_artists(fig):
        match = re.search(r"n = ([0-9]+)$", label)
        if match:
            named.add(int(match.group(1)))
        else:
            unnamed += 1
    if unnamed > references * len([a for a in fig.axes if not _is_colorbar(a)]):
        out.append(f"{unnamed} curves do not name their n")
    if named != set(ns):
        out.append(f"curves name n in {sorted(named)}, drawn for {ns}")
    return out


# --------------------------------------------------------------------------- the figures


def _figure1(log: bool) -> Figure:
    from boundkit.outputs import figure

    params = figure.FigureParameters(n=9, T=3)
    return figure.build(figure.compute(params), params, log=log)


def _zorders(fig: Figure) -> tuple[float, float]:
    ax = fig.axes[0]
    eq5 = next(x for x in ax.lines if x.get_label().startswith("eq. (5)"))
    p1 = next(x for x in ax.lines if "(P1)" in x.get_label())
    return eq5.get_zorder(), p1.get_zorder()


@pytest.mark.parametrize("log", [False, True])
def test_figure1(log: bool) -> None:
    fig = _figure1(log)
    assert problems(fig) == []
    eq5, p1 = _zorders(fig)
    assert eq5 > p1  # the eq. (5) line is drawn over the P1 markers it passes through
    text = " ".join(t.get_text() for t in _visible_texts(fig))
    assert "ε/(2(n − f))" in text and "f = n/3" in text  # the scaling and the line, explained


def test_figure1_command_sizes_and_log(tmp_path) -> None:
    from boundkit.cli.main import main

    png = tmp_path / "f.png"
    argv = ["figure", "--n", "7", "--T", "2", "--log", "--out", str(png), "--no-progress"]
    assert main(argv) == 0
    assert matplotlib.image.imread(png).shape[:2] == (500, 800)


@pytest.fixture(scope="module")
def attack_rows() -> list:
    from boundkit.labs.attacks.model import SearchSettings
    from boundkit.labs.attacks.sweep import plan, row

    settings = SearchSettings(restarts=0, evaluations=1, seed=0)
    return [row(problem, settings) for problem in plan([5, 7], (1, 2))]


def test_attack_search_figure(attack_rows: list) -> None:
    from boundkit.outputs.attack_search_plot import build, points_from_rows

    fig = build(points_from_rows(attack_rows))
    assert problems(fig) == []
    assert per_n_problems(fig, [5, 7], references=1) == []


def test_attack_search_csv_round_trip(attack_rows: list, tmp_path) -> None:
    """The figure redrawn from the sweep's CSV equals the one drawn from the rows."""
    from boundkit.outputs.attack_search_plot import plot_points, points_from_csv, points_from_rows
    from boundkit.outputs.attack_search_report import to_csv

    direct, read = points_from_rows(attack_rows), points_from_csv(to_csv(attack_rows))
    assert [(p.n, p.f, p.d) for p in read] == [(p.n, p.f, p.d) for p in direct]
    for a, b in zip(direct, read, strict=True):
        assert (a.orthogonal is None) == (b.orthogonal is None)
        assert abs(a.found - b.found) <= 1e-9 * a.found
    plot_points(read, str(tmp_path / "a.png"))
    assert (tmp_path / "a.png").stat().st_size > 0


@pytest.mark.parametrize(
    "text",
    [
        "n,f\n5,1\n",  # columns missing
        "n,f,d,max_found,b1_b2_push,b3_push,poisoning_per_step,byzantine_upper_per_step\n"
        "5,1,1,__import__('os'),1,,1,1\n",  # not a number: never evaluated
        "n,f,d,max_found,b1_b2_push,b3_push,poisoning_per_step,byzantine_upper_per_step\n"
        "5,1,1,1e999,1,,1,1\n",  # not finite
        "n,f,d,max_found,b1_b2_push,b3_push,poisoning_per_step,byzantine_upper_per_step\n"
        "5,3,1,1,1,,1,1\n",  # f >= n/2
        "n,f,d,max_found,b1_b2_push,b3_push,poisoning_per_step,byzantine_upper_per_step\n",
    ],
)
def test_attack_search_csv_rejects_bad_input(text: str) -> None:
    from boundkit.errors import ParameterError
    from boundkit.outputs.attack_search_plot import points_from_csv

    with pytest.raises(ParameterError):
        points_from_csv(text)


def test_attack_search_replot_command(attack_rows: list, tmp_path, capsys) -> None:
    """``attack-search --replot CSV``: the figure without searching; bad input exits 2."""
    from boundkit.cli.main import main
    from boundkit.outputs.attack_search_report import to_csv

    table, png = tmp_path / "a.csv", tmp_path / "a.png"
    table.write_text(to_csv(attack_rows))
    assert main(["attack-search", "--replot", str(table), "--out", str(png)]) == 0
    assert matplotlib.image.imread(png).shape[1] > 0
    header, first, *rest = to_csv(attack_rows).splitlines()
    cells = first.split(",")
    cells[header.split(",").index("max_found")] = "1e400"  # overflows to inf
    table.write_text("\n".join([header, ",".join(cells), *rest]) + "\n")
    assert main(["attack-search", "--replot", str(table), "--out", str(png)]) == 2
    assert "max_found: must satisfy a finite non-negative decimal" in capsys.readouterr().err
    argv = ["attack-search", "--replot", str(table), "--out", str(png), "--json", "x.json"]
    assert main(argv) == 2


def test_tightness_figure() -> None:
    from boundkit.labs.tightness import compute
    from boundkit.outputs.tightness_plot import build

    fig = build(compute([5, 6, 7], [1], (1, 2)))
    assert problems(fig) == []


def test_experiment_figure() -> None:
    """The figure of a small run, and of the same run with every generalization gap made
    negative (both kinds then draw the white-centred negative-mean markers)."""
    from dataclasses import replace

    from boundkit.labs.experiment import run_experiment
    from boundkit.labs.experiment.config import ExperimentConfig
    from boundkit.outputs.experiment_plot import build

    config = ExperimentConfig(
        dataset="wine",
        n=5,
        fs=(1, 2),
        steps=5,
        step_size=Fraction(1),
        seeds=2,
        neighbours=1,
        threats=("sign-flip", "label-flip"),
    )
    result = run_experiment(config)
    assert problems(build(result)) == []
    negated = {
        key: {**stats, "generalization_gap": replace(stats["generalization_gap"], mean=-1e-3)}
        for key, stats in result.summaries.items()
    }
    fig = build(replace(result, summaries=negated))
    assert problems(fig) == []
    assert any(t.startswith("negative mean") for t in legend_texts(fig))


# --------------------------------------------------------------- the checker can fail


def _good() -> tuple[Figure, Any]:
    fig, (ax,) = plot_style.new_figure(1, 6, 4)
    ax.plot([1, 2, 3], [1, 2, 3], color="tab:red", marker="o", label="a")
    ax.plot([1, 2, 3], [2, 3, 4], color="tab:blue", linestyle="--", label="b")
    plot_style.label_axes(ax, "x", "y")
    return fig, ax


def test_checker_accepts_a_good_figure() -> None:
    fig, _ = _good()
    plot_style.legend_below(fig, fig.axes, columns=2)
    assert problems(fig) == []


def test_checker_rejects_an_unlabelled_curve() -> None:
    fig, ax = _good()
    ax.plot([1, 2], [3, 1], color="green", linestyle=":")
    plot_style.legend_below(fig, fig.axes, columns=2)
    assert check_labels(fig) == ["unlabelled Line2D"]


def test_checker_rejects_a_legend_entry_without_curve() -> None:
    fig, ax = _good()
    ghost = Line2D([], [], color="k", label="ghost")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend([*handles, ghost], [*labels, "ghost"], loc="outside lower center")
    assert check_legend_matches(fig) == ["legend entry without a curve: ghost"]


def test_checker_rejects_a_curve_missing_from_the_legend() -> None:
    fig, ax = _good()
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles[:1], labels[:1], loc="outside lower center")
    assert check_legend_matches(fig) == ["curve not in the legend: b"]


def test_checker_rejects_curves_told_apart_by_colour_only() -> None:
    fig, ax = _good()
    ax.plot([1, 2], [3, 1], color="green", marker="o", label="c")  # like "a" but green
    plot_style.legend_below(fig, fig.axes, columns=3)
    assert check_distinguishable(fig) == ["not distinguishable: 'a' and 'c'"]


def test_checker_rejects_a_legend_over_the_data() -> None:
    fig, ax = _good()
    ax.legend(loc="upper left", fontsize=9)
    assert any("covers axes" in p for p in check_legend_outside(fig))


def test_checker_rejects_a_legend_over_the_title() -> None:
    fig, _ = _good()
    fig.suptitle("a title", fontsize=12)
    plot_style.legend_below(fig, fig.axes, columns=2, where="upper center")
    assert any("overlaps text 'a title'" in p for p in check_legend_outside(fig))


def test_checker_rejects_small_fonts() -> None:
    fig, ax = _good()
    plot_style.legend_below(fig, fig.axes, columns=2)
    ax.tick_params(labelsize=6)
    assert check_fonts(fig) and all(p.startswith("6 pt") for p in check_fonts(fig))


def test_checker_rejects_missing_axis_labels_and_unstated_log_scale() -> None:
    fig, ax = _good()
    ax.set_ylabel("")
    ax.set_xscale("log")
    assert check_axis_labels(fig) == [
        "axes 0 x: log scale not stated in 'x'",
        "axes 0 y: no label",
    ]


def test_checker_rejects_cut_off_text() -> None:
    fig, _ = _good()
    fig.text(0.9, 0.5, "a caption running off the right edge", fontsize=9)
    assert check_inside(fig) == ["cut off: 'a caption running off the righ'"]


def test_checker_rejects_curves_that_do_not_name_their_n() -> None:
    """The old attack-search figure: one label for a bound drawn at every n."""
    fig, (ax,) = plot_style.new_figure(1, 6, 4)
    for i, n in enumerate((20, 40)):
        ax.plot([1, 2], [n, n + 1], "b--", label="poisoning bound" if i == 0 else None)
        ax.plot([1, 2], [n, n], linestyle="none", marker="os"[i], label=f"max found, n={n}")
    plot_style.label_axes(ax, "x", "y")
    plot_style.legend_below(fig, fig.axes, columns=2)
    assert check_labels(fig) == ["unlabelled Line2D"]
    assert per_n_problems(fig, [20, 40], references=0) == [
        "4 curves do not name their n",
        "curves name n in [], drawn for [20, 40]",
    ]


def test_checker_rejects_eq5_under_the_p1_markers() -> None:
    fig = _figure1(log=False)
    eq5 = next(x for x in fig.axes[0].lines if x.get_label().startswith("eq. (5)"))
    eq5.set_zorder(1)
    low, p1 = _zorders(fig)
    assert not low > p1
