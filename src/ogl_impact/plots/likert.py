"""Diverging stacked bars for Likert items.

Disagreement extends left of zero, agreement right; the middle category of
an odd scale is split across zero (``neutral="split"``) or drawn apart to
the right (``neutral="apart"``). Item order follows ``item_order`` (the
codebook's order), category order and labels follow the frame (which
:func:`ogl_impact.stats.likert_summary` builds from the codebook). Rows
marked ``suppressed`` are not drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ogl_impact.plots.style import (
    diverging,
    ensure_ax,
    legend_below,
    number,
    text,
    text_colour_on,
    wrap,
)


def _limit(extent: float) -> tuple[float, float]:
    """Axis end and tick step: next 10 % up to 60 %, next 20 % above."""
    step = 10.0 if extent <= 60 else 20.0
    lim = max(step, float(np.ceil(extent / step - 1e-9) * step))
    return min(lim, 100.0), step


def likert_bars(
    data: pd.DataFrame,
    *,
    item_order: Sequence[str] | None = None,
    item_labels: Mapping[str, str] | None = None,
    group: str | None = None,
    neutral: str = "split",
    min_label: float = 5.0,
    ax: Axes | None = None,
) -> Axes:
    """Draw diverging stacked Likert bars.

    Parameters
    ----------
    data : DataFrame
        Columns item_id, value, label, percent (one row per item, category
        and group), optionally ``group`` and ``suppressed``.
    item_order : sequence of str, optional
        Items top to bottom (default: order of first appearance).
    item_labels : mapping, optional
        Text for each item (default: the item id).
    group : str, optional
        Column to draw one bar per value within each item (e.g. ``"wave"``).
    neutral : {"split", "apart"}
        Where the middle category of an odd scale goes.
    min_label : float, default 5
        Segments of at least this percentage carry their value as a label.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Bars are ``Rectangle`` patches with ``gid`` "item|group|value".
    """
    if neutral not in {"split", "apart"}:
        raise ValueError(f"neutral must be 'split' or 'apart', not {neutral!r}")
    frame = data
    if "suppressed" in frame:
        frame = frame[~frame["suppressed"].astype(bool)]
    items = list(item_order) if item_order is not None else list(dict.fromkeys(frame["item_id"]))
    items = [i for i in items if i in set(frame["item_id"])]
    groups = list(dict.fromkeys(frame[group])) if group else [None]
    categories = (
        frame[["value", "label"]]
        .drop_duplicates("value")
        .sort_values("value")
        .reset_index(drop=True)
    )
    k = len(categories)
    colours = diverging(k)
    odd = k % 2 == 1
    mid = k // 2
    ax = ensure_ax(
        ax, height_cm=max(5.0, 2.5 + 0.45 * len(items) * (len(groups) + (1 if group else 0)))
    )
    height = 0.8
    slots = len(groups) + 1 if group else 1
    headings: list[tuple[int, str]] = []
    yticks, ylabels = [], []
    # fit the axis to the data: the longest side of any bar, rounded up
    sides: list[float] = []
    pct_mid: list[float] = []
    for _key, part in frame.groupby(["item_id"] + ([group] if group else []), sort=False):
        pct = part.set_index("value")["percent"].reindex(categories["value"]).fillna(0).to_numpy()
        half = pct[mid] / 2 if odd and neutral == "split" else 0.0
        sides += [pct[:mid].sum() + half, pct[mid + odd :].sum() + half]
        pct_mid.append(pct[mid] if odd else 0.0)
    lim, step = _limit(max(sides, default=10.0))
    apart_x = lim + step / 2
    for i, item in enumerate(items):
        for j, g in enumerate(groups):
            rows = frame[frame["item_id"] == item]
            if group:
                rows = rows[rows[group] == g]
            if rows.empty:
                continue
            pct = (
                rows.set_index("value")["percent"].reindex(categories["value"]).fillna(0).to_numpy()
            )
            y = i * slots + (j + 1 if group else 0)
            left_start = -(pct[:mid].sum() + (pct[mid] / 2 if odd and neutral == "split" else 0))
            x = left_start
            for c in range(k):
                w = pct[c]
                if odd and c == mid and neutral == "apart":
                    xs = apart_x
                else:
                    xs = x
                    x += w
                rect = ax.barh(
                    y, w, left=xs, height=height * 0.9, color=colours[c], edgecolor="white"
                )
                rect.patches[0].set_gid(f"{item}|{g}|{categories['value'][c]}")
                if w >= min_label:
                    ax.text(
                        xs + w / 2,
                        y,
                        number(w, 0),
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color=text_colour_on(colours[c]),
                    )
            if group:
                yticks.append(y)
                ylabels.append(f"{text(group)} {g}")
        if group:
            # the item's wording heads its group of bars, from the left edge of the bars
            headings.append((i * slots, wrap((item_labels or {}).get(item, item), 80)))
        else:
            yticks.append(i)
            ylabels.append(wrap((item_labels or {}).get(item, item), 40))
    ax.set_yticks(yticks, ylabels)
    for y, label in headings:
        ax.text(
            0.0,
            y,
            label,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontweight="bold",
            fontsize=7.5,
            gid=f"item:{label}",
        )
    if group:
        ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    if group:  # the zero line runs through the bars, not through the headings
        for y, _label in headings:
            ax.vlines(0, y + 0.5, y + len(groups) + 0.5, color="black", linewidth=0.8, zorder=0.5)
    else:
        ax.axvline(0, color="black", linewidth=0.8, zorder=0.5)  # behind the bars and numbers
    apart_room = (max(pct_mid, default=0.0) + step / 2) if (neutral == "apart" and odd) else 0
    ax.set_xlim(-lim, lim + apart_room)
    ax.set_xlabel(text("percent"))
    ticks = np.arange(-lim, lim + 1e-9, step)
    ax.set_xticks(ticks, [number(abs(t), 0) for t in ticks])
    legend_below(
        ax,
        [Patch(color=colours[c], label=str(categories["label"][c])) for c in range(k)],
        ncol=k if k <= 5 else int(np.ceil(k / 2)),
        align="center",
        handlelength=1.2,
        columnspacing=1.0,
    )
    return ax
