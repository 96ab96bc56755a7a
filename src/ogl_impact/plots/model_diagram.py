"""The impact-model diagram of one lab: levels as columns, contribution arrows.

Boxes stand in five columns (input to impact) with gaps between them; the
arrows are routed at right angles through those gaps so that no arrow
crosses a box and none can be misread as leading elsewhere: every arrow
leaves its box with a horizontal piece, turns in the gap onto a vertical
track and enters its target horizontally; an arrow skipping columns runs
along a lane under all boxes, and an arrow within one level (a higher
stage) bends out into the gap on the right. The tracks are searched so that
every arrow keeps 1.6 mm (printed) from other arrows' lines and heads and
from the boxes it does not connect. Labels are hyphenated at German
syllable boundaries, at a compound's joint where the box allows; text is
black or white, whichever contrasts more with the fill.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path

from ogl_impact.plots.layer_order import barycenter_order
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
STEP_X = 3.05  # column distance
BOX_W = 2.1  # box width: the gap of 0.95 (10 mm printed) carries the arrows
BOX_H = 1.3
PAD = 0.04  # rounding pad of the boxes: arrows end on the drawn outline
STEP_Y = 1.65
LANE = 0.22  # distance of the lanes under the boxes
PORT_STEP = 0.2  # distance of two arrow ends on one side of a box (2.5 mm printed)
PORT_SPAN = 0.7  # share of a box's height the arrow ends on one side spread over
RUN_MARGIN = 0.16  # free space between a box and the nearest vertical run of an arrow
TRACK_STEP = 0.16  # least distance of two tracks for vertical runs in one gap
MM_X = 10.4  # printed millimetres per data unit across (16 cm wide figure, 15.1 units)
MM_Y = 12.3  # the least printed millimetres per data unit upwards (12 cm high figure)
# arrowhead length and half width (3 pt, 1.6 pt); drawn with its tip up to 1 pt off the end
HEAD_MM = (4 * 25.4 / 72, 1.6 * 25.4 / 72)
SEARCH_BUDGET = 20_000  # track placements tried per group of arrows sharing gaps
CLEAR_MM = 1.6  # least printed distance of an arrow to another arrow, a head or a foreign box
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


def _edges(data: pd.DataFrame) -> list[tuple[str, str]]:
    """Return the arrows (source, target) along ``contributes_to`` between drawn nodes."""
    ids = set(data["node_id"])
    edges = []
    for _, node in data.iterrows():
        targets = str(node["contributes_to"]) if pd.notna(node["contributes_to"]) else ""
        edges += [(node["node_id"], t) for t in filter(None, targets.split("|")) if t in ids]
    return edges


def ordered_levels(data: pd.DataFrame) -> list[pd.DataFrame]:
    """Return the nodes of each level (input to impact) in drawing order, top to bottom.

    Within a level the nodes are sorted by the barycenter method
    (:func:`ogl_impact.plots.layer_order.barycenter_order`) so that few arrows
    cross; nodes move only among nodes of the same stage, so a level's stages
    keep reading downwards. The given order stands where no order crosses less.

    Parameters
    ----------
    data : DataFrame
        The nodes: node_id, level, contributes_to, optionally stage.

    Returns
    -------
    list of DataFrame
        One frame per level of :data:`LEVELS`, its rows in drawing order.
    """
    frames = [data[data["level"] == level] for level in LEVELS]
    stage = data["stage"] if "stage" in data else pd.Series(pd.NA, index=data.index)
    group = {n: (None if pd.isna(s) else s) for n, s in zip(data["node_id"], stage, strict=True)}
    levels = [list(f["node_id"]) for f in frames]
    order = barycenter_order(levels, _edges(data), group=group)
    return [f.set_index("node_id", drop=False).loc[o] for f, o in zip(frames, order, strict=True)]


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
                if joints_only and syllable_breaks(label, chars, joints_first=True):
                    continue
                artist.set_text(wrap(label, chars, max_lines=lines, joints_first=lines is None))
                box = artist.get_window_extent(renderer)
                if box.width <= room_w and box.height <= room_h:
                    return
    # nothing fits: the narrowest wrapping at 6 pt (the layout check will say so)
    artist.set_text(wrap(label, 8, max_lines=max_lines))


def model_height_cm(data: pd.DataFrame) -> float:
    """Height of a full-width figure for the model of ``data``, in centimetres.

    Tall enough that a data unit upwards prints at least :data:`MM_Y` mm
    with five columns of boxes, the scale the arrows' clearance is planned on.

    Parameters
    ----------
    data : DataFrame
        The nodes, with a ``level`` column.

    Returns
    -------
    float
        3.5 cm and 2.1 cm per node of the fullest level (14 cm for five), at least 8 cm.
    """
    rows = max([int((data["level"] == level).sum()) for level in LEVELS] + [1])
    return max(8.0, 3.5 + 2.1 * rows)


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
        Node boxes (gid = node_id) and arrows (``FancyArrowPatch``, gid "from->to");
        the legend names only the statuses of the boxes drawn.
    """
    from ogl_impact.plots.style import lang

    ax = ensure_ax(ax, height_cm=model_height_cm(data))
    pos: dict[str, tuple[float, float]] = {}
    col_of: dict[str, int] = {}
    labels: list[tuple[float, float, str, str]] = []
    shown: set[str] = set()
    for col, nodes in enumerate(ordered_levels(data)):
        for row, (_, node) in enumerate(nodes.iterrows()):
            y = -(row - (len(nodes) - 1) / 2) * STEP_Y
            x = col * STEP_X
            pos[node["node_id"]] = (x, y)
            col_of[node["node_id"]] = col
            status = node["status"] if node["status"] in STATUS_COLOURS else "no_data"
            shown.add(status)
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
            if s in shown  # only the statuses of boxes drawn: no key without a box
        ],
        ncol=4,
        align="center",
        gap_pt=2,
        title=text("status"),
        title_fontsize=7.5,
    )
    return ax


Point = tuple[float, float]


def _mm(points: list[Point]) -> list[Point]:
    return [(x * MM_X, y * MM_Y) for x, y in points]


def _seg_dist(a: Point, b: Point, c: Point, d: Point) -> float:
    """Shortest distance of segments ab and cd (0 where they cross)."""
    if _crossing(a, b, c, d) is not None:
        return 0.0
    return min(_pt_dist(a, c, d), _pt_dist(b, c, d), _pt_dist(c, a, b), _pt_dist(d, a, b))


def _pt_dist(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = (
        0.0
        if length == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    )
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _crossing(a: Point, b: Point, c: Point, d: Point) -> Point | None:
    """Return the point where segments ab and cd cross, or None."""
    rx, ry, sx, sy = b[0] - a[0], b[1] - a[1], d[0] - c[0], d[1] - c[1]
    den = rx * sy - ry * sx
    if abs(den) < 1e-12:
        return None
    t = ((c[0] - a[0]) * sy - (c[1] - a[1]) * sx) / den
    u = ((c[0] - a[0]) * ry - (c[1] - a[1]) * rx) / den
    if -1e-9 <= t <= 1 + 1e-9 and -1e-9 <= u <= 1 + 1e-9:
        return (a[0] + t * rx, a[1] + t * ry)
    return None


def _head(points: list[Point]) -> list[Point]:
    """Return the arrowhead's triangle (in mm) at the end of a route given in mm."""
    (xa, ya), (xb, yb) = points[-2], points[-1]
    length = math.hypot(xb - xa, yb - ya) or 1.0
    ux, uy = (xb - xa) / length, (yb - ya) / length
    bx, by = xb - HEAD_MM[0] * ux, yb - HEAD_MM[0] * uy
    w = HEAD_MM[1]
    return [(xb, yb), (bx - w * uy, by + w * ux), (bx + w * uy, by - w * ux)]


def _box_corners(centre: Point) -> list[Point]:
    x, y = centre
    hw, hh = BOX_W / 2 + PAD, BOX_H / 2 + PAD
    return _mm([(x - hw, y - hh), (x + hw, y - hh), (x + hw, y + hh), (x - hw, y + hh)])


def _polygon_dist(a: Point, b: Point, polygon: list[Point]) -> float:
    edges = zip(polygon, polygon[1:] + polygon[:1], strict=True)
    inside = _inside(a, polygon)
    return 0.0 if inside else min(_seg_dist(a, b, c, d) for c, d in edges)


def _inside(p: Point, polygon: list[Point]) -> bool:
    xs = [q[0] for q in polygon]
    ys = [q[1] for q in polygon]
    return min(xs) < p[0] < max(xs) and min(ys) < p[1] < max(ys) and len(polygon) == 4


def _reach(points: list[Point]) -> tuple[float, float, float, float]:
    """Bounding box of ``points`` (in mm), widened by :data:`CLEAR_MM` and a head's length."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    m = CLEAR_MM + HEAD_MM[0]
    return min(xs) - m, min(ys) - m, max(xs) + m, max(ys) + m


def _apart(reach: tuple[float, float, float, float], points: list[Point]) -> bool:
    """Whether ``points`` all lie on one side outside ``reach`` (nothing there can be near)."""
    x0, y0, x1, y1 = reach
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1


def _conflicts(
    gid: str,
    route: list[Point],
    placed: dict[str, list[Point]],
    boxes: dict[str, list[Point]],
) -> int:
    """Count the places where ``route`` (in mm) comes closer than :data:`CLEAR_MM` to others.

    Others are the routes in ``placed`` (their segments and arrowheads) and the
    boxes the arrow does not connect; the arrow's own boxes only touch its first
    and last segment. Two arrows may cross at a right angle, but not within
    :data:`CLEAR_MM` of a bend, a start or an end of either, and never over an
    arrow's final approach into its head.
    """
    source, target = gid.split("->")
    bad = 0
    segments = list(itertools.pairwise(route))
    x0, y0, x1, y1 = _reach(route)
    for node, corners in boxes.items():
        if _apart((x0, y0, x1, y1), corners):
            continue
        own = node in (source, target)
        for j, (a, b) in enumerate(segments):
            if own and (j == 0 or j == len(segments) - 1):
                continue
            if _polygon_dist(a, b, corners) < CLEAR_MM:
                bad += 1
    head = _head(route)
    for other in placed.values():
        if _apart((x0, y0, x1, y1), other):
            continue
        other_head = _head(other)
        other_segments = list(itertools.pairwise(other))
        for a, b in segments:
            if _polygon_dist(a, b, other_head) < CLEAR_MM:
                bad += 1
        for c, d in other_segments:
            if _polygon_dist(c, d, head) < CLEAR_MM:
                bad += 1
        for j, (a, b) in enumerate(segments):
            for k, (c, d) in enumerate(other_segments):
                cross = _crossing(a, b, c, d)
                if cross is None:
                    bad += _seg_dist(a, b, c, d) < CLEAR_MM
                    continue
                final = j == len(segments) - 1 or k == len(other_segments) - 1
                near = min(math.dist(cross, v) for v in (*route, *other)) < CLEAR_MM
                bad += final or near
    return bad


def _search(
    options: list[list[list[Point]]],
    gids: list[str],
    placed: dict[str, list[Point]],
    boxes: dict[str, list[Point]],
) -> list[list[Point]]:
    """Choose one route per arrow from ``options``: depth first, fewest near places.

    Stops at the first choice without any near place, or after
    :data:`SEARCH_BUDGET` routes tried (then the best found so far).
    """
    best: list[list[Point]] = [opts[0] for opts in options]
    best_cost = math.inf
    tried = 0

    def search(i: int, cost: float, path: list[list[Point]]) -> None:
        nonlocal best, best_cost, tried
        if cost >= best_cost or tried > SEARCH_BUDGET:
            return
        if i == len(options):
            best, best_cost = list(path), cost
            return
        for option in options[i]:
            tried += 1
            added = _conflicts(gids[i], _mm(option), placed, boxes)
            placed[gids[i]] = _mm(option)
            path.append(option)
            search(i + 1, cost + added, path)
            path.pop()
            del placed[gids[i]]
            if best_cost == 0:
                return

    search(0, 0, [])
    return best


def _routes(
    data: pd.DataFrame,
    pos: dict[str, tuple[float, float]],
    col_of: dict[str, int],
    bottom: float,
) -> list[tuple[str, list[tuple[float, float]]]]:
    """Route every arrow at right angles, clear of every other arrow and box.

    Arrows leaving or entering the same side of a box get ports spread over
    that side, ordered by the height of their other end. Every arrow leaves
    its box horizontally; one between neighbouring columns whose ends stand
    at different heights turns in the gap into a vertical run, one within a
    level (a higher stage) bends out into the gap on the right, and one
    skipping columns runs along a lane under all boxes. The vertical runs
    are placed on tracks in the gaps, searched so that every arrow keeps
    :data:`CLEAR_MM` from the other arrows' lines and heads and from the
    boxes it does not connect (see :func:`_conflicts`); where no placement
    keeps it, the one with the fewest near places is drawn.
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

    def rank(node: str, end: tuple[float, int, int]) -> tuple[int, float, int]:
        # loops (within a level) nest: of two from above the nearer enters higher, of two
        # going down the farther leaves higher, so that no loop's run crosses another's
        # final approach; arrows to or from the next column go above (up) or below them
        other, k, _which = end
        source, target = edges[k]
        y = pos[node][1]
        if col_of[source] != col_of[target]:
            return (0 if other > y else 2 if other == y else 4), -other, k
        return (1 if other > y else 3), other, k

    for (node, _side), ends in at_side.items():
        ends.sort(key=lambda e, node=node: rank(node, e))
        spacing = min(PORT_STEP, PORT_SPAN * BOX_H / max(len(ends) - 1, 1))
        for j, (_y, k, end) in enumerate(ends):
            port[(k, end)] = pos[node][1] - (j - (len(ends) - 1) / 2) * spacing
    # an arrow's head level with another arrow's start across the same gap: both would run
    # on one line there (two arrows crossing as an X between two pairs of boxes); the head
    # moves a port step up or down, to where no port of the gap or of its side is near
    gap_of: dict[tuple[int, int], float] = {}
    for (node, side), ends in at_side.items():
        for _y, k, end in ends:
            gap_of[(k, end)] = pos[node][0] + (STEP_X if side == "R" else -STEP_X) / 2

    def near(y: float, other: float) -> bool:
        return abs(y - other) * MM_Y < CLEAR_MM + HEAD_MM[1]

    for (node, _side), ends in at_side.items():
        for _y, k, end in ends:
            if end != 1 or abs(port[(k, 0)] - port[(k, 1)]) < 1e-9:
                continue
            starts = [
                port[(j, 0)]
                for j in range(len(edges))
                if j != k and gap_of[(j, 0)] == gap_of[(k, 1)]
            ]
            if not any(near(port[(k, 1)], y) for y in starts):
                continue
            taken = [port[(j, e)] for _y2, j, e in ends if (j, e) != (k, 1)]
            for shift in (-PORT_STEP, PORT_STEP, -2 * PORT_STEP, 2 * PORT_STEP):
                y = port[(k, 1)] + shift
                if abs(y - pos[node][1]) > BOX_H / 2 - 0.1:
                    continue
                if not any(near(y, other) for other in starts + taken):
                    port[(k, 1)] = y
                    break
    # tracks: the x positions a vertical run may take in a gap
    inner = PAD + RUN_MARGIN
    n_tracks = max(int((2 * half_gap - 2 * inner) / TRACK_STEP + 1e-9) + 1, 1)
    offsets = [
        inner + j * (2 * half_gap - 2 * inner) / max(n_tracks - 1, 1) for j in range(n_tracks)
    ]
    lanes = 0
    shapes: list[tuple[int, str, list[float]]] = []  # (edge, gid, gap left edges of its runs)
    for k, (source, target) in enumerate(edges):
        (x0, _), (x1, _) = pos[source], pos[target]
        y0, y1 = port[(k, 0)], port[(k, 1)]
        step = col_of[target] - col_of[source]
        if step == 0:
            shapes.append((k, "loop", [x0 + BOX_W / 2]))
        elif abs(step) == 1:
            left = min(x0, x1) + BOX_W / 2
            shapes.append((k, "straight" if abs(y0 - y1) < 1e-9 else "step", [left]))
        else:
            lanes += 1
            forward = step > 0
            ga = x0 + BOX_W / 2 if forward else x0 - BOX_W / 2 - 2 * half_gap
            gb = x1 - BOX_W / 2 - 2 * half_gap if forward else x1 + BOX_W / 2
            shapes.append((k, f"lane{lanes}", [ga, gb]))

    def route(k: int, kind: str, xs: list[float]) -> list[tuple[float, float]]:
        source, target = edges[k]
        (x0, _), (x1, _) = pos[source], pos[target]
        y0, y1 = port[(k, 0)], port[(k, 1)]
        a, b = sides(source, target)
        start = (x0 + (1 if a == "R" else -1) * (BOX_W / 2 + PAD), y0)
        end = (x1 + (1 if b == "R" else -1) * (BOX_W / 2 + PAD), y1)
        if kind == "straight":
            return [start, end]
        if kind.startswith("lane"):
            lane_y = bottom - int(kind[4:]) * LANE
            return [start, (xs[0], y0), (xs[0], lane_y), (xs[1], lane_y), (xs[1], y1), end]
        return [start, (xs[0], y0), (xs[0], y1), end]

    boxes = {node: _box_corners(p) for node, p in pos.items()}
    placed: dict[str, list[Point]] = {}
    chosen: dict[int, list[Point]] = {}
    options: dict[int, list[list[Point]]] = {}
    for k, kind, gaps in shapes:
        if kind == "straight":
            options[k] = [route(k, kind, [])]
            continue
        # nearest the middle of the gaps first: the tie-break of equally clear placements
        tracks = [
            sorted((g + o for o in offsets), key=lambda x, g=g: abs(x - g - half_gap)) for g in gaps
        ]
        options[k] = [route(k, kind, list(xs)) for xs in itertools.product(*tracks)]
    # arrows whose runs share a gap are placed together (a lane joins two gaps); straight
    # arrows stand fixed. In each group a depth-first search over the tracks, the arrows
    # spanning the most height first (they have the fewest good tracks), keeps the placement
    # with the fewest near places; it stops at the first without any, or after SEARCH_BUDGET
    # placements tried.
    for k, kind, _gaps in shapes:
        if kind == "straight":
            chosen[k] = options[k][0]
            placed[f"{edges[k][0]}->{edges[k][1]}"] = _mm(chosen[k])
    group_of: dict[float, int] = {}
    groups: dict[int, list[int]] = {}
    for k, kind, gaps in shapes:
        if kind == "straight":
            continue
        ids = {group_of[round(g, 6)] for g in gaps if round(g, 6) in group_of}
        into = min(ids, default=k)
        members = [k]
        for other in ids:
            members += groups.pop(other)
        groups[into] = members
        for g, grp in list(group_of.items()):
            if grp in ids:
                group_of[g] = into
        for g in gaps:
            group_of[round(g, 6)] = into
    for members in groups.values():
        members.sort(key=lambda k: (-abs(port[(k, 0)] - port[(k, 1)]), k))
        gids = [f"{edges[k][0]}->{edges[k][1]}" for k in members]
        found = _search([options[k] for k in members], gids, placed, boxes)
        for k, gid, r in zip(members, gids, found, strict=True):
            chosen[k] = r
            placed[gid] = _mm(r)
    return [(f"{s}->{t}", chosen[k]) for k, (s, t) in enumerate(edges)]
