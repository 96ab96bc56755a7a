"""The Wirkungstreppe: stage reached per lab and period, and the lab x stage overview."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from ogl_impact.plots.style import PALETTE, ensure_ax, text

STAGE_NAMES_DE = [
    "Aktivitäten finden statt",
    "Zielgruppen werden erreicht",
    "Zielgruppen akzeptieren",
    "Wissen/Fähigkeiten verändern sich",
    "Handeln verändert sich",
    "Lebenslage verändert sich",
    "Gesellschaft verändert sich",
]
STAGE_NAMES_EN = [
    "Activities take place",
    "Target groups are reached",
    "Target groups accept",
    "Knowledge/skills change",
    "Behaviour changes",
    "Living conditions change",
    "Society changes",
]


def _stage_names() -> list[str]:
    from ogl_impact.plots.style import lang

    return STAGE_NAMES_DE if lang() == "de" else STAGE_NAMES_EN


def staircase(data: pd.DataFrame, *, lab: str, ax: Axes | None = None) -> Axes:
    """Stage reached by one lab over the reporting periods, drawn as a staircase.

    Parameters
    ----------
    data : DataFrame
        Columns lab_id, period_label (in time order), stage (1-7, missing
        when no stage is reached yet).
    lab : str
        Lab to draw.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        One bar per period (gid "period_label"), height = stage.
    """
    ax = ensure_ax(ax, height_cm=7)
    rows = data[data["lab_id"] == lab]
    x = np.arange(len(rows))
    stages = pd.to_numeric(rows["stage"], errors="coerce").fillna(0).to_numpy(dtype=float)
    bars = ax.bar(x, stages, width=1.0, color=PALETTE[0], edgecolor="white", align="center")
    for bar, label in zip(bars.patches, rows["period_label"], strict=True):
        bar.set_gid(str(label))
    ax.set_xticks(x, rows["period_label"], rotation=45, ha="right")
    ax.set_yticks(range(1, 8), [f"{i} {n}" for i, n in enumerate(_stage_names(), 1)])
    ax.set_ylim(0, 7.5)
    ax.set_xlabel(text("period"))
    return ax


def stage_overview(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Labs x stages: filled up to the stage each lab has reached.

    Parameters
    ----------
    data : DataFrame
        Columns lab_label (one row per lab, in drawing order) and stage.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        A mesh whose array (labs x 7) is 1 where the stage is reached.
    """
    ax = ensure_ax(ax, height_cm=max(6.0, 1.5 + 0.45 * len(data)))
    stages = pd.to_numeric(data["stage"], errors="coerce").fillna(0).to_numpy(dtype=float)
    grid = (np.arange(1, 8)[None, :] <= stages[:, None]).astype(float)
    ax.pcolormesh(
        np.arange(-0.5, 7, 1),
        np.arange(-0.5, len(data), 1),
        grid,
        cmap=ListedColormap(["#F0F0F0", PALETTE[0]]),
        vmin=0,
        vmax=1,
        edgecolors="white",
        linewidth=1.5,
    )
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_yticks(range(len(data)), data["lab_label"])
    ax.set_xticks(range(7), [f"{i}" for i in range(1, 8)])
    ax.set_xlabel(text("stage"))
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return ax
