"""What a reader of the built figures still found (s30).

- The radar's ring numbers, with their white edge, were drawn over the lab's line and cut a gap
  into the profile.
"""

from __future__ import annotations

import numpy as np
import pytest

from ogl_impact.reports import draw

# --- 1. the radar's ring numbers lie under the data lines ---------------------------------------


def _render(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_no_ring_number_covers_a_data_line(demo, report):
    # the pixels where a data line (lab or network) drawn alone has its full colour are the
    # same whether the ring numbers are drawn or not: no number, and no white edge of one,
    # lies on a line
    fig = draw(demo, report, "offenheit_radar", reps=99)[0].figure
    fig.set_dpi(150)
    panels = [ax for ax in fig.axes if ax.name == "polar" and ax.axison]
    rings = [t for ax in panels for t in ax.texts if t.get_gid() == "ring"]
    data = [ln for ax in panels for ln in ax.lines if ln.get_gid() in ("lab", "network")]
    assert len(rings) >= 4 * 10 and len(data) >= 2 * 10
    with_rings = _render(fig)
    for t in rings:
        t.set_visible(False)
    without = _render(fig)
    everything = [a for a in fig.findobj() if a is not fig and a is not fig.patch]
    shown = {a: a.get_visible() for a in everything}
    keep = {*data, *panels, *(ax.patch for ax in panels)}
    for a in everything:
        a.set_visible(a in keep)
    alone = _render(fig)
    for a, visible in shown.items():
        a.set_visible(visible)
    # a line's own colour (lab blue, network grey), not its antialiased rim
    colours = [np.array([int(ln.get_color()[i : i + 2], 16) for i in (1, 3, 5)]) for ln in data]
    core = np.zeros(alone.shape[:2], bool)
    for c in colours:
        core |= np.abs(alone - c).sum(axis=2) < 30
    assert core.sum() > 2000
    # the numbers do stand where lines run: a pixel of a number shares a place with a line
    inked = np.abs(with_rings - without).sum(axis=2) > 30
    assert inked.sum() > 100
    covered = core & inked
    assert not covered.any(), int(covered.sum())
