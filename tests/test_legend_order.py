"""A legend that wraps onto a second row reads in its order, row by row.

matplotlib fills a legend of several columns column by column; a reader
reads it line by line. A five-point scale in four columns then read
"1, 3, 4, 5 / 2". The entries' places are taken from the drawn legend.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Patch

from ogl_impact.plots.style import legend_below


def _reading_order(legend, fig) -> list[str]:
    """The legend's labels as a reader meets them: top row first, left to right."""
    renderer = fig.canvas.get_renderer()
    placed = []
    for label in legend.get_texts():
        box = label.get_window_extent(renderer)
        placed.append((-round(box.y0), box.x0, label.get_text()))
    return [t for _, _, t in sorted(placed)]


@pytest.mark.parametrize(("n", "ncol"), [(5, 4), (7, 4), (5, 3), (6, 4), (4, 4), (2, 4)])
def test_wrapped_legend_reads_row_by_row(n: int, ncol: int):
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot([0, 1], [0, 1])
    labels = [f"Stufe {k + 1}" for k in range(n)]
    legend = legend_below(ax, [Patch(color="grey", label=t) for t in labels], ncol=ncol)
    fig.canvas.draw()
    assert _reading_order(legend, fig) == labels
    rows = {round(t.get_window_extent(fig.canvas.get_renderer()).y0) for t in legend.get_texts()}
    assert len(rows) == -(-n // ncol)  # as many rows as needed, not more
    plt.close(fig)


def test_narrowed_legend_still_reads_row_by_row():
    """Columns taken away to fit the width: the order holds for the columns left."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot([0, 1], [0, 1], label="Zielpfad")
    for name in ("Input", "Aktivität", "Output", "Outcome"):
        ax.plot([0, 1], [1, 0], label=f"{name} mit langem Namen")
    legend = legend_below(ax, ncol=5, align="center")
    fig.canvas.draw()
    assert 1 < legend._ncols < 5  # narrowed, still more than one column
    expected = [
        "Zielpfad",
        *(f"{n} mit langem Namen" for n in ("Input", "Aktivität", "Output", "Outcome")),
    ]
    assert _reading_order(legend, fig) == expected
    plt.close(fig)
