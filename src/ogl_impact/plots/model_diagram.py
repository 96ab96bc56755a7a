"""The impact-model diagram of one lab: levels as columns, contribution arrows.

Boxes stand in five columns (input to impact) with gaps between them; the
arrows are routed through those gaps so that no arrow crosses a box:
between neighbouring columns an arrow runs straight from the right edge of
one box to the left edge of the other, an arrow skipping columns runs along
a lane under all boxes, and an arrow within one level (a higher stage) bends
out into the gap on the right. Labels are hyphenated at German syllable
boundaries, at a compound's joint where the box allows; text is black or
white, whichever contrasts more with the fill.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path

from ogl_impact.plots.style import (
    STATUS_COLOURS,
    ensure_ax,
    legend_below,
    syllable_breaks,
    text,
    text_colour_on,
    wrap,
)

LEVELS = ["input", "activity", "output", "outcome", "impact"]
LEVEL_NAMES = {
    "de": ["Input", "Aktivität", "Output", "Outcome", "Impact"],
    "en": ["Input", "Activity", "Output", "Outcome", "Impact"],
}
STEP_X = 3.0  # column distance
BOX_W = 2.3  # box width: the gap of 0.7 carries the arrows
BOX_H = 1.1
PAD = 0.04  # rounding pad of the boxes: arrows end on the drawn outline
STEP_Y = 1.45
LANE = 0.22  # distance of the lanes under the boxes
ARROW = "#444444"  # 9.7:1 on white


def _arrow(ax: Axes, points: list[tuple[float, float]], gid: str) -> FancyArrowPatch:
    codes = [Path.MOVETO] + [Path.LINETO] * (len(points) - 1)
    patch = FancyArrowPatch(
        path=Path(points, codes),
        arrowstyle="-|>,head_length=3,head_width=1.6",
        color=ARROW,
        linewidth=0.7,
        shrinkA=0,
        shrinkB=0,
        joinstyle="miter",
        gid=gid,
        zorder=1.5,
    )
    ax.add_patch(patch)
    return patch


def _count_lanes(data: pd.DataFrame, col_of: dict[str, int]) -> int:
    n = 0
    for _, node in data.iterrows():
        targets = str(node["contributes_to"]) if pd.notna(node["contributes_to"]) else ""
        for target in filter(None, targets.split("|")):
            if target in col_of and node["node_id"] in col_of:
                n += abs(col_of[target] - col_of[node["node_id"]]) > 1
    return n


def _fit_label(
    ax: Axes, x: float, y: float, label: str, colour: str, width: int, max_lines: int
) -> None:
    """Write ``label`` into the box at (x, y), rewrapped narrower until it fits the box."""
    fig = ax.figure
    renderer = fig._get_renderer()
    (x0, y0), (x1, y1) = ax.transData.transform(
        [(x - BOX_W / 2 + 0.06, y - BOX_H / 2 + 0.04), (x + BOX_W / 2 - 0.06, y + BOX_H / 2 - 0.04)]
    )
    room_w, room_h = x1 - x0, y1 - y0
    artist = ax.text(
        x, y, "", ha="center", va="center", fontsize=6.5, linespacing=1.1, color=colour
    )
    # the whole label first (6.5 pt, then 6 pt), broken only at compounds' joints where it
    # fits so; cut with "…" only when nothing else fits
    for lines, joints_only in ((None, True), (None, False), (max_lines, False)):
        for size in (6.5, 6.0):
            artist.set_fontsize(size)
            for chars in range(width + 4, 7, -1):
                if joints_only and syllable_breaks(label, chars):
                    continue
                artist.set_text(wrap(label, chars, max_lines=lines))
                box = artist.get_window_extent(renderer)
                if box.width <= room_w and box.height <= room_h:
                    return
    # nothing fits: the narrowest wrapping at 6 pt (the layout check will say so)
    artist.set_text(wrap(label, 8, max_lines=max_lines))


def impact_model(
    data: pd.DataFrame, *, ax: Axes | None = None, width: int = 17, max_lines: int = 4
) -> Axes:
    """Draw nodes by level with arrows along ``contributes_to``, coloured by status.

    Parameters
    ----------
    data : DataFrame
        One row per node: node_id, level, label, contributes_to (``|``-joined
        node ids or empty) and status (achieved, on_track, behind, no_data).
    ax : Axes, optional
        Axes to draw on.
    width : int, default 17
        Widest wrapping tried, in characters; labels are rewrapped narrower
        (and set at 6 instead of 6.5 pt) until they fit their box, words
        hyphenated by syllable.
    max_lines : int, default 4
        Lines per box when the whole label fits in no wrapping at 6 pt; the
        cut label ends with "…".

    Returns
    -------
    Axes
        Node boxes (gid = node_id) and arrows (``FancyArrowPatch``, gid "from->to").
    """
    from ogl_impact.plots.style import lang

    per_level = [int((data["level"] == level).sum()) for level in LEVELS]
    ax = ensure_ax(ax, height_cm=max(8.0, 3.5 + 1.6 * max([*per_level, 1])))
    pos: dict[str, tuple[float, float]] = {}
    col_of: dict[str, int] = {}
    labels: list[tuple[float, float, str, str]] = []
    for col, level in enumerate(LEVELS):
        nodes = data[data["level"] == level]
        for row, (_, node) in enumerate(nodes.iterrows()):
            y = -(row - (len(nodes) - 1) / 2) * STEP_Y
            x = col * STEP_X
            pos[node["node_id"]] = (x, y)
            col_of[node["node_id"]] = col
            status = node["status"] if node["status"] in STATUS_COLOURS else "no_data"
            box = FancyBboxPatch(
                (x - BOX_W / 2, y - BOX_H / 2),
                BOX_W,
                BOX_H,
                boxstyle=f"round,pad={PAD}",
                facecolor=STATUS_COLOURS[status],
                edgecolor="#555555",
                linewidth=0.6,
                gid=str(node["node_id"]),
            )
            ax.add_patch(box)
            labels.append((x, y, str(node["label"]), text_colour_on(STATUS_COLOURS[status])))
    ys = [p[1] for p in pos.values()] or [0.0]
    bottom = min(ys) - BOX_H / 2
    n_lanes = _count_lanes(data, col_of)
    ax.set_xlim(-BOX_W / 2 - 0.4, (len(LEVELS) - 1) * STEP_X + BOX_W / 2 + 0.4)
    ax.set_ylim(bottom - (n_lanes + 1) * LANE - 0.1, max(ys) + BOX_H / 2 + 1.0)
    for x, y, label, colour in labels:
        _fit_label(ax, x, y, label, colour, width, max_lines)
    half_gap = (STEP_X - BOX_W) / 2
    lanes = 0
    in_gap: dict[float, int] = {}

    def gap_x(x: float) -> float:
        # spread several vertical runs within one gap
        k = in_gap.get(round(x, 3), 0)
        in_gap[round(x, 3)] = k + 1
        return x + (k % 3 - 1) * half_gap * 0.4

    for _, node in data.iterrows():
        targets = str(node["contributes_to"]) if pd.notna(node["contributes_to"]) else ""
        for target in filter(None, targets.split("|")):
            source = node["node_id"]
            if target not in pos or source not in pos:
                continue
            (x0, y0), (x1, y1) = pos[source], pos[target]
            gid = f"{source}->{target}"
            right0, left1 = x0 + BOX_W / 2 + PAD, x1 - BOX_W / 2 - PAD
            if col_of[target] == col_of[source]:
                # same level: out to the gap on the right and back
                gx = gap_x(x0 + BOX_W / 2 + half_gap)
                _arrow(ax, [(right0, y0), (gx, y0), (gx, y1), (right0, y1)], gid)
            elif col_of[target] == col_of[source] + 1:
                _arrow(ax, [(right0, y0), (left1, y1)], gid)
            else:
                # skip columns: down the gap, along a lane under all boxes, up the gap
                lanes += 1
                lane_y = bottom - lanes * LANE
                ga = gap_x(right0 + half_gap)
                gb = gap_x(left1 - half_gap)
                forward = x1 > x0
                start = (right0, y0) if forward else (x0 - BOX_W / 2 - PAD, y0)
                end = (left1, y1) if forward else (x1 + BOX_W / 2 + PAD, y1)
                if not forward:
                    ga = gap_x(x0 - BOX_W / 2 - half_gap)
                    gb = gap_x(x1 + BOX_W / 2 + half_gap)
                _arrow(
                    ax,
                    [start, (ga, y0), (ga, lane_y), (gb, lane_y), (gb, y1), end],
                    gid,
                )
    for col, name in enumerate(LEVEL_NAMES[lang()]):
        ax.text(
            col * STEP_X,
            max(ys) + BOX_H / 2 + 0.35,
            name,
            ha="center",
            va="bottom",
            fontweight="bold",
        )
    ax.axis("off")
    legend_below(
        ax,
        [
            Patch(facecolor=STATUS_COLOURS[s], edgecolor="#555555", linewidth=0.6, label=text(s))
            for s in STATUS_COLOURS
        ],
        ncol=4,
        align="center",
        gap_pt=2,
        title=text("status"),
        title_fontsize=7.5,
    )
    return ax
