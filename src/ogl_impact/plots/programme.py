"""Programme views: partner composition per lab, milestone completion (IRM scale)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from ogl_impact.plots.style import (
    PALETTE,
    axis_numbers,
    ensure_ax,
    legend_below,
    number,
    ordered,
    text,
    wrap,
)

LAB_WRAP = 30  # characters per line of a lab's name on the axis

IRM_COLOURS = {
    "complete": "#0072B2",
    "substantial": "#56B4E9",
    "limited": "#E69F00",
    "not_started": "#D55E00",
    "no_evidence": "#BDBDBD",
}


def partner_composition(
    data: pd.DataFrame, *, order: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Partners per lab by kind, as stacked horizontal bars, each with its total at its end.

    A bar more than :data:`CUT_FACTOR` times as long as the longest of the
    others (such as the partners whose lab is not public) would squeeze the
    others to a few millimetres: the axis then ends a little beyond the
    others, and that bar is cut there, marked with a break (two white
    slashes) and its total written at the axis end.

    Parameters
    ----------
    data : DataFrame
        Columns lab_label, kind_label (in legend order), n.
    order : sequence of str, optional
        Labs top to bottom (the reports pass their names in German alphabetical order);
        labs not named follow in order of appearance.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Bars with gid "lab|kind".
    """
    labs = ordered(data["lab_label"], order)
    kinds = list(dict.fromkeys(data["kind_label"]))
    ax = ensure_ax(ax, height_cm=max(6.0, 2.0 + 0.45 * len(labs)))
    table = data.pivot_table(index="lab_label", columns="kind_label", values="n", aggfunc="sum")
    table = table.reindex(index=labs, columns=kinds).fillna(0)
    left = pd.Series(0.0, index=labs)
    for k, kind in enumerate(kinds):
        bars = ax.barh(labs, table[kind], left=left, color=PALETTE[k % len(PALETTE)], label=kind)
        for bar, lab in zip(bars.patches, labs, strict=True):
            bar.set_gid(f"{lab}|{kind}")
        left += table[kind]
    end = cut_at(left)
    for y, total in enumerate(left):
        cut = end is not None and total > end
        ax.annotate(
            number(total, 0),
            xy=(end if cut else total, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            annotation_clip=False,
        )
        if cut:
            _break_mark(ax, end, y)
    if end is not None:
        ax.set_xlim(0, end)
    ax.set_yticks(range(len(labs)), [wrap(str(lab), LAB_WRAP) for lab in labs])
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    ax.set_xlabel(text("partners"))
    axis_numbers(ax, "x", 0)
    legend_below(ax, ncol=3)
    return ax


CUT_FACTOR = 3.0
"""A bar longer than this many times the longest other bar is cut at the axis end."""


def cut_at(totals: Sequence[float]) -> float | None:
    """Return where the axis of :func:`partner_composition` ends when a bar is cut there.

    Parameters
    ----------
    totals : sequence of float
        Length of each bar.

    Returns
    -------
    float or None
        Half as long again as the longest bar but one (rounded up), when the
        longest is more than :data:`CUT_FACTOR` times that one; None: no bar is cut.
    """
    longest = sorted(totals, reverse=True)
    if len(longest) < 2 or longest[1] <= 0 or longest[0] <= CUT_FACTOR * longest[1]:
        return None
    return float(math.ceil(longest[1] * 1.5))


def _break_mark(ax: Axes, end: float, y: float) -> None:
    """Draw two white slashes across a bar cut at ``end`` (row ``y``)."""
    for shift in (0.035, 0.06):
        x = end * (1 - shift)
        ax.plot(
            [x - end * 0.01, x + end * 0.01],
            [y + 0.45, y - 0.45],
            color="white",
            linewidth=2.0,
            solid_capstyle="butt",
        )


def milestone_completion(
    data: pd.DataFrame, *, order: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Share of milestones per completion level (OGP IRM scale), one bar per lab.

    Parameters
    ----------
    data : DataFrame
        Columns lab_label, completion (IRM code), completion_label, share (0-1).
    order : sequence of str, optional
        Labs top to bottom (the reports pass their names in German alphabetical order);
        labs not named follow in order of appearance.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Bars with gid "lab|completion".
    """
    labs = ordered(data["lab_label"], order)
    order = [c for c in IRM_COLOURS if c in set(data["completion"])]
    names = dict(zip(data["completion"], data["completion_label"], strict=False))
    ax = ensure_ax(ax, height_cm=max(6.0, 2.0 + 0.45 * len(labs)))
    table = data.pivot_table(index="lab_label", columns="completion", values="share", aggfunc="sum")
    table = table.reindex(index=labs, columns=order).fillna(0) * 100
    left = pd.Series(0.0, index=labs)
    for c in order:
        bars = ax.barh(labs, table[c], left=left, color=IRM_COLOURS[c], label=names.get(c, c))
        for bar, lab in zip(bars.patches, labs, strict=True):
            bar.set_gid(f"{lab}|{c}")
        left += table[c]
    ax.set_yticks(range(len(labs)), [wrap(str(lab), LAB_WRAP) for lab in labs])
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(text("percent"))
    axis_numbers(ax, "x", 0)
    legend_below(ax, ncol=3)
    return ax
