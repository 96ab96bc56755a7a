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
PORT_STEP = 0.16  # distance of two arrow ends on one side of a box
PORT_SPAN = 0.7  # share of a box's height the arrow ends on one side spread over
RUN_MARGIN = 0.07  # free space between a box and the nearest vertical run of an arrow
RUN_STEP = 0.2  # widest distance of two vertical runs in one gap
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
    for gid, points in _routes(data, pos, col_of, bottom):
        _arrow(ax, points, gid)
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


def _routes(
    data: pd.DataFrame,
    pos: dict[str, tuple[float, float]],
    col_of: dict[str, int],
    bottom: float,
) -> list[tuple[str, list[tuple[float, float]]]]:
    """Route every arrow: its own port on each box side, its own vertical run in a gap.

    Arrows leaving or entering the same side of a box get ports spread over
    that side, ordered by the height of their other end (so that they do not
    cross there); the vertical runs in one gap are spread evenly over the
    gap, the run spanning the shortest height nearest the boxes (nested
    loops do not cross). Arrows between neighbouring nodes therefore never
    share a stretch of line or an arrowhead.
    """
    half_gap = (STEP_X - BOX_W) / 2
    edges: list[tuple[str, str]] = []
    for _, node in data.iterrows():
        targets = str(node["contributes_to"]) if pd.notna(node["contributes_to"]) else ""
        for target in filter(None, targets.split("|")):
            if target in pos and node["node_id"] in pos:
                edges.append((node["node_id"], target))

    def sides(source: str, target: str) -> tuple[str, str]:
        step = col_of[target] - col_of[source]
        if step == 0:
            return "R", "R"
        return ("R", "L") if step > 0 else ("L", "R")

    # ports: every arrow end on a box side, ordered top to bottom by the other end's height
    at_side: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    for k, (source, target) in enumerate(edges):
        a, b = sides(source, target)
        at_side.setdefault((source, a), []).append((pos[target][1], k, 0))
        at_side.setdefault((target, b), []).append((pos[source][1], k, 1))
    port: dict[tuple[int, int], float] = {}
    for (node, _side), ends in at_side.items():
        ends.sort(key=lambda e: (-e[0], e[1]))
        spacing = min(PORT_STEP, PORT_SPAN * BOX_H / max(len(ends) - 1, 1))
        for j, (_y, k, end) in enumerate(ends):
            port[(k, end)] = pos[node][1] - (j - (len(ends) - 1) / 2) * spacing
    # vertical runs: (gap x, span) per arrow, spread evenly over each gap
    runs: dict[float, list[tuple[float, int, int]]] = {}
    lanes = 0
    lane_of: dict[int, float] = {}
    for k, (source, target) in enumerate(edges):
        (x0, _), (x1, _) = pos[source], pos[target]
        y0, y1 = port[(k, 0)], port[(k, 1)]
        if col_of[target] == col_of[source]:
            runs.setdefault(round(x0 + BOX_W / 2 + half_gap, 3), []).append((abs(y1 - y0), k, 0))
        elif abs(col_of[target] - col_of[source]) > 1:
            lanes += 1
            lane_y = bottom - lanes * LANE
            lane_of[k] = lane_y
            forward = x1 > x0
            ga = x0 + (1 if forward else -1) * (BOX_W / 2 + half_gap)
            gb = x1 - (1 if forward else -1) * (BOX_W / 2 + half_gap)
            runs.setdefault(round(ga, 3), []).append((abs(lane_y - y0), k, 0))
            runs.setdefault(round(gb, 3), []).append((abs(lane_y - y1), k, 1))
    run_x: dict[tuple[int, int], float] = {}
    usable = 2 * half_gap - 2 * PAD - 2 * RUN_MARGIN
    for centre, members in runs.items():
        members.sort(key=lambda m: (m[0], m[1]))
        step = min(RUN_STEP, usable / max(len(members) - 1, 1))
        for j, (_span, k, which) in enumerate(members):
            run_x[(k, which)] = centre + (j - (len(members) - 1) / 2) * step
    routes = []
    for k, (source, target) in enumerate(edges):
        (x0, _), (x1, _) = pos[source], pos[target]
        y0, y1 = port[(k, 0)], port[(k, 1)]
        a, b = sides(source, target)
        start = (x0 + (1 if a == "R" else -1) * (BOX_W / 2 + PAD), y0)
        end = (x1 + (1 if b == "R" else -1) * (BOX_W / 2 + PAD), y1)
        gid = f"{source}->{target}"
        if col_of[target] == col_of[source]:
            gx = run_x[(k, 0)]
            routes.append((gid, [start, (gx, y0), (gx, y1), end]))
        elif abs(col_of[target] - col_of[source]) == 1:
            routes.append((gid, [start, end]))
        else:
            # skip columns: down the gap, along a lane under all boxes, up the gap
            ga, gb, lane_y = run_x[(k, 0)], run_x[(k, 1)], lane_of[k]
            routes.append((gid, [start, (ga, y0), (ga, lane_y), (gb, lane_y), (gb, y1), end]))
    return routes
