"""Attainment: a traffic-light heatmap and indicator progress against the target path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from ogl_impact.plots.style import (
    PALETTE,
    SERIES_MARKERS,
    STATUS_COLOURS,
    axis_numbers,
    date_label,
    ensure_ax,
    legend_below,
    ordered,
    text,
    wrap,
)

NETWORK_GREY = "#666666"

STATUS_ORDER = ["achieved", "on_track", "behind", "no_data"]


def attainment_heatmap(
    data: pd.DataFrame,
    *,
    rows: str = "lab_label",
    columns: str = "column",
    order: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Labs x indicators (or levels) coloured by attainment status.

    Parameters
    ----------
    data : DataFrame
        One row per cell with ``rows``, ``columns`` and status (achieved,
        on_track, behind, no_data); order of first appearance is kept.
    rows, columns : str
        Columns naming the heatmap's rows and columns.
    order : sequence of str, optional
        Rows top to bottom (the programme's lab order, as in ``labs.csv``);
        rows not named follow in order of appearance.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        A mesh whose array holds the status index (0 achieved ... 3 no data),
        and a legend naming only the statuses some cell has.
    """
    row_labels = ordered(data[rows], order)
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
    ax.set_yticks(range(len(row_labels)), [wrap(str(r), 30) for r in row_labels])
    tilt = len(col_labels) > 5 or max((len(str(c)) for c in col_labels), default=0) > 12
    ax.set_xticks(
        range(len(col_labels)),
        col_labels,
        rotation=45 if tilt else 0,
        ha="right" if tilt else "center",
    )
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    legend_below(
        ax,
        [
            Patch(color=STATUS_COLOURS[s], label=text(s))
            for i, s in enumerate(STATUS_ORDER)
            if (grid == i).any()  # a key without a cell would send the reader searching
        ],
        ncol=4,
        title=text("status"),
        title_fontsize=7.5,
    )
    return ax


DODGE = 0.01
"""Sideways shift between two series of :func:`indicator_progress`, as a share of the time axis."""


def indicator_progress(
    data: pd.DataFrame,
    *,
    period_order: list[str] | None = None,
    period_dates: Mapping[str, date] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Progress of indicators over the reporting periods against their target path.

    With two or more periods each series is a line, dodged sideways by
    :data:`DODGE` of the axis per series (less where periods lie close), so
    that series with the same values show side by side instead of one
    hiding the other; the values are not changed. With a single period the
    values are drawn as points beside each other (no line suggests a
    trend) and the target path as a short mark. With ``period_dates`` the
    x axis is a time axis (periods placed at their dates, labelled with
    month and year).

    Parameters
    ----------
    data : DataFrame
        Columns series (line label), period_label (in time order), value
        (observed, share of the way to the target: 0 = baseline, 1 = target)
        and expected (the linear target path at that period).
    period_order : list of str, optional
        Periods left to right (default: order of first appearance).
    period_dates : mapping, optional
        End date of each period (from ``periods.csv``).
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        One line per series (gid = series) and the target path (gid "target_path").
    """
    ax = ensure_ax(ax, height_cm=7)
    periods = period_order or list(dict.fromkeys(data["period_label"]))
    dated = bool(period_dates) and all(p in period_dates for p in periods)
    if dated:
        assert period_dates is not None
        xs = [mdates.date2num(period_dates[p]) for p in periods]
    else:
        xs = list(range(len(periods)))
    x = dict(zip(periods, xs, strict=True))
    single = len(periods) == 1
    series = list(dict.fromkeys(data["series"]))
    # one period: series side by side around the period, as points; several periods: each
    # level dodged a little sideways, so that lines with the same values show every marker
    if single:
        spread = (30.0 if dated else 0.25) / max(len(series), 1)
    else:
        span = max(xs) - min(xs)
        closest = float(np.min(np.diff(sorted(xs))))
        spread = min(DODGE * span, 0.9 * closest / max(len(series), 1))
    path = data.groupby("period_label", sort=False)["expected"].mean().reindex(periods)
    (line,) = ax.plot(
        xs,
        path.to_numpy() * 100,
        color=NETWORK_GREY,
        linestyle="none" if single else "--",
        marker="_" if single else None,
        markersize=18,
        label=text("target_path"),
    )
    line.set_gid("target_path")
    for k, name in enumerate(series):
        part = data[data["series"] == name]
        offset = (k - (len(series) - 1) / 2) * spread
        (ln,) = ax.plot(
            [x[p] + offset for p in part["period_label"]],
            part["value"].to_numpy() * 100,
            marker=SERIES_MARKERS[k % len(SERIES_MARKERS)],  # told apart where lines overlap
            markersize=5 if single else 4,
            markeredgecolor="white",
            markeredgewidth=0.5,
            linestyle="none" if single else "-",
            color=PALETTE[k % len(PALETTE)],
            label=str(name),
        )
        ln.set_gid(str(name))
    ax.axhline(100, color="black", linewidth=0.6, zorder=1.5)  # under the markers at 100 %
    ax.text(
        1,
        101,
        text("target"),
        ha="right",
        va="bottom",
        fontsize=7,
        transform=ax.get_yaxis_transform(),
    )
    if dated and len(xs) <= 4:
        assert period_dates is not None
        ax.set_xticks(xs, [f"{p}\n{date_label(period_dates[p])}" for p in periods])
    elif dated:  # periods a month apart: one slanted line each
        assert period_dates is not None
        ax.set_xticks(
            xs,
            [f"{p} · {date_label(period_dates[p])}" for p in periods],
            rotation=45,
            ha="right",
            rotation_mode="anchor",
        )
    else:
        ax.set_xticks(
            xs,
            periods,
            rotation=0 if len(xs) <= 4 else 45,
            ha="center" if len(xs) <= 4 else "right",
        )
    if single:
        half = 60.0 if dated else 0.5
        ax.set_xlim(xs[0] - half, xs[0] + half)
    top = max(110.0, float(np.nanmax(data["value"].to_numpy(dtype=float) * 100)) + 10)
    ax.set_ylim(min(0.0, float(np.nanmin(data["value"].to_numpy(dtype=float) * 100)) - 5), top)
    ax.set_ylabel(text("progress_share"))
    ax.set_xlabel(text("period"))
    axis_numbers(ax, "y", 0)
    legend_below(ax, ncol=min(4, len(series) + 1), align="center", fontsize=7)
    return ax
