"""The impact-model diagram of one lab: levels as columns, contribution arrows."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Patch

from ogl_impact.plots.style import STATUS_COLOURS, ensure_ax, text

LEVELS = ["input", "activity", "output", "outcome", "impact"]
LEVEL_NAMES = {
    "de": ["Input", "Aktivität", "Output", "Outcome", "Impact"],
    "en": ["Input", "Activity", "Output", "Outcome", "Impact"],
}


def impact_model(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw nodes by level with arrows along ``contributes_to``, coloured by status.

    Parameters
    ----------
    data : DataFrame
        One row per node: node_id, level, label, contributes_to (``|``-joined
        node ids or empty) and status (achieved, on_track, behind, no_data).
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Node boxes (gid = node_id) and arrows (gid "from->to").
    """
    from ogl_impact.plots.style import lang

    ax = ensure_ax(ax, height_cm=11)
    pos: dict[str, tuple[float, float]] = {}
    for col, level in enumerate(LEVELS):
        nodes = data[data["level"] == level]
        for row, (_, node) in enumerate(nodes.iterrows()):
            y = -(row - (len(nodes) - 1) / 2) * 1.3
            pos[node["node_id"]] = (col * 3.0, y)
            status = node["status"] if node["status"] in STATUS_COLOURS else "no_data"
            box = FancyBboxPatch(
                (col * 3.0 - 1.2, y - 0.5),
                2.4,
                1.0,
                boxstyle="round,pad=0.05",
                facecolor=STATUS_COLOURS[status],
                edgecolor="#555555",
                linewidth=0.6,
                gid=str(node["node_id"]),
            )
            ax.add_patch(box)
            dark = status in {"achieved", "behind"}
            ax.text(
                col * 3.0,
                y,
                "\n".join(textwrap.wrap(str(node["label"]), 19)[:4]),
                ha="center",
                va="center",
                fontsize=5,
                color="white" if dark else "black",
            )
    for _, node in data.iterrows():
        targets = str(node["contributes_to"]) if pd.notna(node["contributes_to"]) else ""
        for target in filter(None, targets.split("|")):
            if target in pos and node["node_id"] in pos:
                (x0, y0), (x1, y1) = pos[node["node_id"]], pos[target]
                if x0 == x1:  # within one level (a higher stage): curve along the right edge
                    start, end = (x0 + 1.25, y0), (x1 + 1.25, y1)
                    style = f"arc3,rad={0.6 if y1 > y0 else -0.6}"
                else:
                    start, end = (x0 + 1.25, y0), (x1 - 1.25, y1)
                    style = "arc3,rad=0"
                arrow = ax.annotate(
                    "",
                    xy=end,
                    xytext=start,
                    arrowprops={
                        "arrowstyle": "->",
                        "color": "#777777",
                        "linewidth": 0.6,
                        "connectionstyle": style,
                    },
                )
                arrow.set_gid(f"{node['node_id']}->{target}")
    ys = [p[1] for p in pos.values()] or [0]
    for col, name in enumerate(LEVEL_NAMES[lang()]):
        ax.text(col * 3.0, max(ys) + 1.1, name, ha="center", va="bottom", fontweight="bold")
    ax.set_xlim(-1.5, 13.5)
    ax.set_ylim(min(ys) - 1.0, max(ys) + 1.7)
    ax.axis("off")
    ax.legend(
        handles=[Patch(color=STATUS_COLOURS[s], label=text(s)) for s in STATUS_COLOURS],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=4,
        frameon=False,
    )
    return ax
