"""The Wirkungstreppe: stage reached per lab and period, and the lab x stage overview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from ogl_impact.plots.style import (
    PALETTE,
    date_label,
    ensure_ax,
    legend_below,
    ordered,
    text,
    wrap,
)
from ogl_impact.vocab import STAGES

STAGE_NAMES_DE = [de for de, _en in STAGES.values()]
STAGE_NAMES_EN = [en for _de, en in STAGES.values()]


def _stage_names() -> list[str]:
    from ogl_impact.plots.style import lang

    return STAGE_NAMES_DE if lang() == "de" else STAGE_NAMES_EN


def staircase(
    data: pd.DataFrame,
    *,
    lab: str,
    period_dates: Mapping[str, date] | None = None,
    stage_names: bool = True,
    ylabel: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Stage reached by one lab over the reporting periods, drawn as a staircase.

    The y axis names the seven stages of the Wirkungstreppe (see
    :data:`ogl_impact.vocab.STAGES`); each bar is labelled with its stage.

    A stage below the one reached that was passed over for want of an
    assessable indicator (column ``skipped``, as :func:`ogl_impact.logic.stages`
    gives it) is drawn as a light step within the bar, not as reached.

    Parameters
    ----------
    data : DataFrame
        Columns lab_id, period_label (in time order), stage (1-7, missing
        when no stage is reached yet) and, optionally, skipped (``"2, 3"``).
    lab : str
        Lab to draw.
    period_dates : mapping, optional
        End date of each period; the periods are then labelled with their
        dates ("SB1" over "März 2021").
    stage_names : bool, default True
        Name the stages on the y axis (numbers 1-7 otherwise).
    ylabel : bool, default True
        Write the y axis title; in a grid of small staircases sharing the y
        axis, pass False to all but the first column.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        One bar per period (gid "period_label"), height = stage, and a light
        step over each stage passed over (gid "period_label|skipped|stage").
    """
    ax = ensure_ax(ax, height_cm=7)
    rows = data[data["lab_id"] == lab]
    x = np.arange(len(rows))
    stages = pd.to_numeric(rows["stage"], errors="coerce").fillna(0).to_numpy(dtype=float)
    bars = ax.bar(x, stages, width=1.0, color=PALETTE[0], edgecolor="white", align="center")
    for bar, label in zip(bars.patches, rows["period_label"], strict=True):
        bar.set_gid(str(label))
    skipped = rows["skipped"] if "skipped" in rows else pd.Series("", index=rows.index)
    for k, (label, gaps) in enumerate(zip(rows["period_label"], skipped.fillna(""), strict=True)):
        for stage in _stages_in(gaps):
            step = ax.bar(k, 1, bottom=stage - 1, width=1.0, color=SKIPPED_FILL, edgecolor="white")
            step.patches[0].set_gid(f"{label}|skipped|{stage}")
    labels = [str(p) for p in rows["period_label"]]
    if period_dates:
        labels = [f"{p}\n{date_label(period_dates[p])}" if p in period_dates else p for p in labels]
    ax.set_xticks(
        x, labels, rotation=0 if len(x) <= 4 else 45, ha="center" if len(x) <= 4 else "right"
    )
    if stage_names:
        ax.set_yticks(range(1, 8), [wrap(f"{i} {n}", 32) for i, n in enumerate(_stage_names(), 1)])
    else:
        ax.set_yticks(range(1, 8), [str(i) for i in range(1, 8)])
    ax.set_ylim(0, 7.5)
    ax.set_xlim(-0.5, max(len(x), 3) - 0.5)  # one period is one bar, not a full-width block
    ax.set_xlabel(text("period"))
    if ylabel:
        ax.set_ylabel(text("stage"))
    return ax


def stage_overview(
    data: pd.DataFrame, *, order: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Labs x stages: filled up to the stage each lab has reached.

    The columns are named with the stages of the Wirkungstreppe. A stage
    below the one reached that was passed over for want of indicator values
    (column ``skipped``, as :func:`ogl_impact.logic.stages` gives it) is drawn
    in a light tint, not as reached; a legend under the axes names the tints.

    Parameters
    ----------
    data : DataFrame
        Columns lab_label (one row per lab), stage and, optionally, skipped
        (stage numbers as text, ``"2, 3"``).
    order : sequence of str, optional
        Labs top to bottom (the reports pass their names in German alphabetical order);
        labs not named follow in order of appearance.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        A mesh whose array (labs x 7) is 1 where the stage is reached, 0.5
        where it was passed over and 0 above the stage reached; the legend
        names only the tints some cell has.
    """
    labs = ordered(data["lab_label"], order)
    data = data.drop_duplicates("lab_label").set_index("lab_label").reindex(labs).reset_index()
    ax = ensure_ax(ax, height_cm=max(6.0, 3.0 + 0.45 * len(data)))
    stages = pd.to_numeric(data["stage"], errors="coerce").fillna(0).to_numpy(dtype=float)
    grid = (np.arange(1, 8)[None, :] <= stages[:, None]).astype(float)
    skipped = data["skipped"] if "skipped" in data else pd.Series("", index=data.index)
    for row, gaps in enumerate(skipped.fillna("")):
        for stage in _stages_in(gaps):
            grid[row, stage - 1] = 0.5
    colours = [_OPEN, SKIPPED_FILL, PALETTE[0]]
    ax.pcolormesh(
        np.arange(-0.5, 7, 1),
        np.arange(-0.5, len(data), 1),
        grid,
        cmap=ListedColormap(colours),
        vmin=0,
        vmax=1,
        edgecolors="white",
        linewidth=1.5,
    )
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_yticks(range(len(data)), [wrap(str(lab), 30) for lab in data["lab_label"]])
    ax.set_xticks(range(7), [f"{i}\n{wrap(n, 11)}" for i, n in enumerate(_stage_names(), 1)])
    ax.tick_params(axis="x", labelsize=6.5)
    ax.tick_params(length=0)
    ax.set_xlabel(text("stage"))
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    keys = [(PALETTE[0], "stage_reached"), (SKIPPED_FILL, "stage_skipped"), (_OPEN, "stage_open")]
    # only the tints some cell has: a key without a cell would send the reader searching
    keys = [(c, k) for (c, k), v in zip(keys, (1.0, 0.5, 0.0), strict=True) if (grid == v).any()]
    handles = [Patch(facecolor=c, edgecolor="#BDBDBD", label=text(k)) for c, k in keys]
    legend_below(ax, handles, ncol=3)
    return ax


_OPEN = "#F0F0F0"
"""Fill of a stage not reached."""
SKIPPED_FILL = "#A6CEE3"
"""Fill of a stage passed over for want of indicator values (a light tint of the blue)."""


def _stages_in(gaps: object) -> list[int]:
    """Return the stage numbers of a ``skipped`` cell ("2, 3" -> [2, 3]; "" -> [])."""
    return [int(part) for part in str(gaps).split(",") if part.strip()]
