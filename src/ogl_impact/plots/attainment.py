"""Attainment: a traffic-light heatmap and indicator progress against the target path."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from ogl_impact.plots.style import GREY, PALETTE, STATUS_COLOURS, axis_numbers, ensure_ax, text

STATUS_ORDER = ["achieved", "on_track", "behind", "no_data"]


def attainment_heatmap(
    data: pd.DataFrame, *, rows: str = "lab_label", columns: str = "column", ax: Axes | None = None
) -> Axes:
    """Labs x indicators (or levels) coloured by attainment status.

    Parameters
    ----------
    data : DataFrame
        One row per cell with ``rows``, ``columns`` and status (achieved,
        on_track, behind, no_data); order of first appearance is kept.
    rows, columns : str
        Columns naming the heatmap's rows and columns.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        A mesh whose array holds the status index (0 achieved ... 3 no data).
    """
    row_labels = list(dict.fromkeys(data[rows]))
    col_labels = list(dict.fromkeys(data[columns]))
    ax = ensure_ax(ax, height_cm=max(6.0, 2.0 + 0.45 * len(row_labels)))
    grid = np.full((len(row_labels), len(col_labels)), STATUS_ORDER.index("no_data"), dtype=float)
    ri = {r: i for i, r in enumerate(row_labels)}
    ci = {c: j for j, c in enumerate(col_labels)}
    for r, c, s in zip(data[rows], data[columns], data["status"], strict=True):
        grid[ri[r], ci[c]] = STATUS_ORDER.index(s if s in STATUS_ORDER else "no_data")
    cmap = ListedColormap([STATUS_COLOURS[s] for s in STATUS_ORDER])
    ax.pcolormesh(
        np.arange(-0.5, len(col_labels), 1),
        np.arange(-0.5, len(row_labels), 1),
        grid,
        cmap=cmap,
        vmin=-0.5,
        vmax=3.5,
        edgecolors="white",
        linewidth=1.5,
    )
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=45, ha="right")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(
        handles=[Patch(color=STATUS_COLOURS[s], label=text(s)) for s in STATUS_ORDER],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.25),
        ncol=4,
        frameon=False,
    )
    return ax


def indicator_progress(
    data: pd.DataFrame, *, period_order: list[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Progress of indicators over the reporting periods against their target path.

    Parameters
    ----------
    data : DataFrame
        Columns series (line label), period_label (in time order), value
        (observed, share of the way to the target: 0 = baseline, 1 = target)
        and expected (the linear target path at that period).
    period_order : list of str, optional
        Periods left to right (default: order of first appearance).
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        One line per series (gid = series) and the target path (gid "target_path").
    """
    ax = ensure_ax(ax, height_cm=7)
    periods = period_order or list(dict.fromkeys(data["period_label"]))
    x = {p: i for i, p in enumerate(periods)}
    path = data.groupby("period_label", sort=False)["expected"].mean().reindex(periods)
    (line,) = ax.plot(
        range(len(periods)),
        path.to_numpy() * 100,
        color=GREY,
        linestyle="--",
        label=text("target_path"),
    )
    line.set_gid("target_path")
    for k, (name, part) in enumerate(data.groupby("series", sort=False)):
        (ln,) = ax.plot(
            [x[p] for p in part["period_label"]],
            part["value"].to_numpy() * 100,
            marker="o",
            markersize=3,
            color=PALETTE[k % len(PALETTE)],
            label=str(name),
        )
        ln.set_gid(str(name))
    ax.axhline(100, color="black", linewidth=0.6)
    ax.text(len(periods) - 1, 101, text("target"), ha="right", va="bottom", fontsize=7)
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
    ax.set_ylabel("%")
    axis_numbers(ax, "y", 0)
    ax.legend(frameon=False, fontsize=7, loc="upper left")
    return ax
