"""The openness profile: seven perspectives per lab against the network mean.

:func:`openness_radar` draws the profile on a polar axes;
:func:`openness_dots` shows the same numbers as a dot plot (lab and network
mean per perspective), which reads more precisely. Rows marked
``suppressed`` are not drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes

from ogl_impact.plots.style import (
    PALETTE,
    axis_numbers,
    below_axes,
    ensure_ax,
    number,
    text,
    wrap,
)

NETWORK = "#666666"  # network mean: 5.7:1 on white, also in the legend
RING_NUMBER_INSET_PT = 5.0
"""How far a ring number's centre stands inside its ring, in points (a 6 pt digit is about
3.8 pt wide and 4.4 pt high: it clears the ring, and the frame, by more than 1 pt)."""
NOTE_GAP_PT = 1.5
"""Space between the lowest spoke label and the note of an empty panel, in points."""
RING_NUMBER_ZORDER = 1.8
"""Above the grid and the lab's fill, below the lab's and the network's lines (zorder 2)."""


def _empty_text(data: pd.DataFrame, lab: str) -> str:
    """Say "keine Daten", or the suppression label when the lab's rows are suppressed."""
    rows = data[data["unit_id"] == lab]
    if "suppressed" in rows and "note" in rows and rows["suppressed"].astype(bool).any():
        return str(rows.loc[rows["suppressed"].astype(bool), "note"].iloc[0])
    return text("no_data")


def _rows(data: pd.DataFrame, lab: str) -> pd.DataFrame:
    rows = data[data["unit_id"] == lab]
    if "suppressed" in rows:
        rows = rows[~rows["suppressed"].astype(bool)]
    return rows


def openness_radar(
    data: pd.DataFrame,
    *,
    lab: str,
    title: str | None = None,
    scale: tuple[float, float] = (1, 5),
    legend: bool = True,
    lab_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Radar of one lab's perspective scores against the network mean.

    The radial axis is labelled at every scale point (decimal comma in
    German) and named; the ring numbers stand on the bisector between the
    first two perspectives, each just inside its ring, in the gap between
    rings and spokes. They lie above the grid and the lab's fill but below
    the lab's and the network's lines (the network mean runs between the
    rings 3 and 4 in most panels, so no place is free of the lines): a line
    crossing a number is never interrupted by it. A legend tells the lab's
    line from the network mean.
    In a grid of small radars pass ``legend=False`` to all but one.

    Parameters
    ----------
    data : DataFrame
        Columns unit_id, perspective (label, in drawing order), score,
        network_mean, optionally suppressed.
    lab : str
        Unit to draw.
    title : str, optional
        Axes title (default: the lab id).
    scale : (float, float)
        Ends of the score scale.
    legend : bool, default True
        Draw the legend (lab, network mean) under the radar.
    lab_label : str, optional
        Name of the lab in the legend (default: ``title`` or the lab id).
    ax : Axes, optional
        A polar axes (created when absent).

    Returns
    -------
    Axes
        Lines with gid "lab" and "network"; the ring numbers are texts with gid "ring".
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(
            subplot_kw={"projection": "polar"}, figsize=(8 / 2.54, 9 / 2.54), layout="constrained"
        )
    perspectives = list(dict.fromkeys(data["perspective"]))
    angles = np.linspace(0, 2 * np.pi, len(perspectives), endpoint=False)
    rows = _rows(data, lab).set_index("perspective").reindex(perspectives)
    network = (
        data.drop_duplicates("perspective")
        .set_index("perspective")
        .reindex(perspectives)["network_mean"]
    )
    closed = np.append(angles, angles[0])
    has_data = bool(rows["score"].notna().any())
    if has_data:
        values = rows["score"].to_numpy(dtype=float)
        (line,) = ax.plot(
            closed,
            np.append(values, values[0]),
            color=PALETTE[0],
            linewidth=1.5,
            # a marker on every value: a perspective whose neighbours are hidden still shows
            marker="o",
            markersize=2.5,
            label=lab_label or title or lab,
        )
        line.set_gid("lab")
        ax.fill(closed, np.append(values, values[0]), color=PALETTE[0], alpha=0.15)
    net = network.to_numpy(dtype=float)
    (nline,) = ax.plot(
        closed,
        np.append(net, net[0]),
        color=NETWORK,
        linestyle="--",
        linewidth=1,
        label=text("network_mean"),
    )
    nline.set_gid("network")
    ax.set_xticks(angles, [wrap(p, 14) for p in perspectives])
    ax.tick_params(axis="x", pad=-4)
    for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
        # anchor each label at its outer side so that it never reaches into the rings
        c, s = np.cos(angle), np.sin(angle)
        label.set_horizontalalignment("left" if c > 0.3 else "right" if c < -0.3 else "center")
        label.set_verticalalignment("bottom" if s > 0.3 else "top" if s < -0.3 else "center")
    ax.set_ylim(*scale)
    rings = np.arange(scale[0], scale[1] + 1)
    ax.set_yticks(rings, [""] * len(rings))
    # every panel carries the ring numbers (an empty one still shows the network mean), on
    # the bisector between the first two perspectives: never on a value's marker
    at = angles[1] / 2 if len(angles) > 1 else np.radians(22.5)
    # just inside its ring, towards the centre: the number stands in the gap between two
    # rings and two spokes, on no grid line (the offset is in points, so it holds at any size)
    screen = ax.get_theta_offset() + ax.get_theta_direction() * at
    inward = -RING_NUMBER_INSET_PT * np.array([np.cos(screen), np.sin(screen)])
    for r in rings[1:]:
        ax.annotate(
            number(r, 0),
            xy=(at, r),
            xytext=tuple(inward),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=6,
            color="#444444",
            # between the grid (1.5 with axes.axisbelow "line") and the lines (2): the data
            # lines run over a number uninterrupted; a thin white edge sets the glyphs off
            # the lab's light fill
            zorder=RING_NUMBER_ZORDER,
            gid="ring",
            path_effects=[patheffects.withStroke(linewidth=1.0, foreground="white")],
        )
    ax.set_title(title or lab, fontsize=7.5, pad=16)
    if not has_data:
        # under the spoke labels, outside the disc: the note covers no ring, number or line
        ax.text(
            0.5,
            0,
            _empty_text(data, lab),
            transform=below_axes(ax, gap_pt=NOTE_GAP_PT),
            ha="center",
            va="top",
            fontsize=6,
            color="#555555",
            gid="note",
            clip_on=False,  # a part of the panel: the layout makes room for it
        )
    if legend:
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            bbox_transform=below_axes(ax, gap_pt=2),
            ncol=2,
            frameon=False,
            title=text("radial_scale", lo=number(scale[0], 0), hi=number(scale[1], 0)),
            title_fontsize=6.5,
            fontsize=6.5,
        )
    return ax


def openness_dots(
    data: pd.DataFrame,
    *,
    lab: str,
    scale: tuple[float, float] = (1, 5),
    lab_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Dot plot of one lab's perspective scores and the network mean.

    Parameters
    ----------
    data : DataFrame
        As for :func:`openness_radar`.
    lab : str
        Unit to draw.
    scale : (float, float)
        Ends of the score scale.
    lab_label : str, optional
        Name of the lab in the legend (default: the lab id).
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Two collections, gids "lab" and "network".
    """
    ax = ensure_ax(ax, height_cm=7)
    perspectives = list(dict.fromkeys(data["perspective"]))
    y = np.arange(len(perspectives))
    rows = _rows(data, lab).set_index("perspective").reindex(perspectives)
    network = data.drop_duplicates("perspective").set_index("perspective").reindex(perspectives)
    for p, (a, b) in enumerate(zip(rows["score"], network["network_mean"], strict=True)):
        if not np.isnan(a):
            ax.plot([a, b], [p, p], color="#CCCCCC", linewidth=1, zorder=1)
    ax.scatter(
        network["network_mean"],
        y,
        color=NETWORK,
        marker="|",
        s=120,
        label=text("network_mean"),
        gid="network",
        zorder=2,
    )
    ax.scatter(
        rows["score"], y, color=PALETTE[0], s=30, label=lab_label or lab, gid="lab", zorder=3
    )
    if rows["score"].isna().all():
        mid = (scale[0] + scale[1]) / 2
        ax.text(
            mid,
            (len(perspectives) - 1) / 2,
            _empty_text(data, lab),
            ha="center",
            va="center",
            color="#555555",
            fontsize=7,
            zorder=5,
            # a white ground keeps the words legible over the network marks
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2, "alpha": 0.9},
        )
    ax.set_yticks(y, perspectives)
    ax.invert_yaxis()
    ax.set_xlim(*scale)
    ax.set_xlabel(text("score"))
    axis_numbers(ax, "x")
    ax.legend(
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, 0),
        bbox_transform=below_axes(ax),
        ncol=2,
    )
    return ax
