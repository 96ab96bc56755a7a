"""Impact-model arrows cannot be misread: each keeps clear of every other arrow and box.

A figure reader saw "Verwaltung arbeitet mit der Zivilgesellschaft zusammen" lead to
"Vertrauen": the arrow out of "Anliegen der Bürgerschaft werden berücksichtigt" rose
steeply through the head of the arrow arriving next to it (0.27 pt away), and in most labs
one arrow cut the corner or head of another by 0.2-1.3 pt. Measured here on the drawn
geometry of every lab's model in the embedded data, in millimetres at print size.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

CLEAR_MM = 1.5


def _point_segment(p, a, b) -> float:
    d = b - a
    length = float(d @ d)
    t = 0.0 if length == 0 else min(1.0, max(0.0, float((p - a) @ d) / length))
    return float(np.hypot(*(p - a - t * d)))


def _cross(a, b, c, d):
    """Where segments ab and cd cross (None if they do not, or run in parallel)."""
    r, s = b - a, d - c
    den = r[0] * s[1] - r[1] * s[0]
    if abs(den) < 1e-9:
        return None
    t = ((c - a)[0] * s[1] - (c - a)[1] * s[0]) / den
    u = ((c - a)[0] * r[1] - (c - a)[1] * r[0]) / den
    return a + t * r if 0 <= t <= 1 and 0 <= u <= 1 else None


def _segment_distance(a, b, c, d) -> float:
    if _cross(a, b, c, d) is not None:
        return 0.0
    return min(
        _point_segment(a, c, d),
        _point_segment(b, c, d),
        _point_segment(c, a, b),
        _point_segment(d, a, b),
    )


def _inside(p, polygon) -> bool:
    """Ray casting: whether point p lies inside the closed polygon."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(polygon):
        if (y1 > p[1]) != (y2 > p[1]) and p[0] < x1 + (p[1] - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _to_polygon(a, b, polygon) -> float:
    """Distance of segment ab to a closed polygon (0 where it enters it)."""
    if _inside(a, polygon) or _inside(b, polygon):
        return 0.0
    return min(_segment_distance(a, b, c, d) for c, d in itertools.pairwise(polygon))


def _geometry(fig):
    """Arrows as (line in mm, head polygon in mm) by gid; boxes as closed rectangles in mm."""
    fig.canvas.draw()
    ax = fig.axes[0]
    mm = 25.4 / fig.dpi
    renderer = fig.canvas.get_renderer()
    arrows, boxes = {}, {}
    for patch in ax.patches:
        if isinstance(patch, FancyArrowPatch):
            polygons = patch.get_path().to_polygons(closed_only=False)
            assert len(polygons) == 2, patch.get_gid()  # the line and its head
            line, head = (ax.transData.transform(p) * mm for p in polygons)
            assert np.allclose(head[0], head[-1])  # the head is a closed triangle
            arrows[patch.get_gid()] = (line, head)
        elif isinstance(patch, FancyBboxPatch) and patch.get_gid():
            e = patch.get_window_extent(renderer)
            x0, y0, x1, y1 = (v * mm for v in (e.x0, e.y0, e.x1, e.y1))
            boxes[patch.get_gid()] = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    return arrows, boxes


def _too_close(arrows, boxes) -> list[tuple]:
    """Every place an arrow comes nearer than CLEAR_MM to what it must keep clear of."""
    found = []
    for gid, (line, _head) in arrows.items():
        source, target = gid.split("->")
        segments = list(itertools.pairwise(line))
        # it leaves its box with a horizontal piece before it turns
        (xa, ya), (xb, yb) = segments[0]
        if abs(ya - yb) > 1e-6 or (len(segments) > 1 and abs(xb - xa) < CLEAR_MM):
            found.append((gid, "leaves its box without a horizontal piece"))
        for node, box in boxes.items():
            for j, (a, b) in enumerate(segments):
                own = node in (source, target)
                if own and j in (0, len(segments) - 1):
                    continue  # the first and last piece touch the arrow's own boxes
                d = _to_polygon(a, b, box)
                if d < CLEAR_MM:
                    found.append((gid, "box", node, round(d, 2)))
    for (g1, (l1, _h1)), (g2, (l2, h2)) in itertools.permutations(arrows.items(), 2):
        s1, s2 = list(itertools.pairwise(l1)), list(itertools.pairwise(l2))
        for a, b in s1:  # no line through or near another arrow's head
            d = _to_polygon(a, b, h2)
            if d < CLEAR_MM:
                found.append((g1, "head of", g2, round(d, 2)))
        if g1 > g2:
            continue  # the lines of a pair once
        corners = [*l1, *l2]
        for j, (a, b) in enumerate(s1):
            for k, (c, d) in enumerate(s2):
                at = _cross(a, b, c, d)
                if at is None:
                    gap = _segment_distance(a, b, c, d)
                    if gap < CLEAR_MM:
                        found.append((g1, "runs near", g2, round(gap, 2)))
                elif j == len(s1) - 1 or k == len(s2) - 1:
                    found.append((g1, "crosses the final approach of", g2))
                else:  # crossing at a right angle, but not at a bend, start or end
                    near = min(float(np.hypot(*(at - v))) for v in corners)
                    if near < CLEAR_MM:
                        found.append((g1, "crosses near a corner of", g2, round(near, 2)))
    return found


@pytest.fixture(scope="module")
def models():
    import ogl_impact
    from ogl_impact.reports import draw

    drawn = draw(ogl_impact.load_demo(), "pb", "wirkungsmodelle", reps=99)
    out = {d.name.removeprefix("wirkungsmodell_"): _geometry(d.figure) for d in drawn}
    texts = {
        d.name.removeprefix("wirkungsmodell_"): [t.get_text() for t in d.figure.axes[0].texts]
        for d in drawn
    }
    plt.close("all")
    return {lab: (*geometry, texts[lab]) for lab, geometry in out.items()}


def test_every_lab_has_its_model_drawn(models):
    assert len(models) == 13
    for lab, (arrows, boxes, _texts) in models.items():
        assert len(arrows) >= 11 and len(boxes) >= 11, lab


def test_arrows_keep_clear_of_heads_boxes_and_each_other_in_every_lab(models):
    problems = {lab: _too_close(arrows, boxes) for lab, (arrows, boxes, _t) in models.items()}
    assert {lab: found for lab, found in problems.items() if found} == {}


def test_the_clearance_check_sees_an_arrow_through_a_head():
    """The reader's case: a line rising 0.27 pt past another arrow's head, and a corner cut."""
    head = np.array([(10.0, 0.0), (8.94, 0.56), (8.94, -0.56), (10.0, 0.0)])
    arrows = {
        "a->b": (np.array([(0.0, 0.0), (10.0, 0.0)]), head),
        "c->d": (
            np.array([(5.0, -5.0), (9.0, -5.0), (9.0, -0.7), (20.0, -0.7)]),
            head + np.array([10, -0.7]),
        ),
    }
    found = _too_close(arrows, {})
    assert any(f[:3] == ("c->d", "head of", "a->b") and f[3] < 0.3 for f in found), found
    assert any(f[:2] == ("a->b", "runs near") for f in found)
    far = {
        "c->d": (arrows["c->d"][0] + (0, -3), arrows["c->d"][1] + (0, -3)),
        "a->b": arrows["a->b"],
    }
    assert _too_close(far, {}) == []


@pytest.mark.parametrize("lab", ["bensheim", "merseburg"])
def test_the_arrow_into_trust_stays_off_its_neighbours_head(models, lab):
    arrows, _boxes, _texts = models[lab]
    trust = next(g for g in arrows if g.endswith("->im1"))
    line = arrows[trust][0]
    for gid, (_line, head) in arrows.items():
        if gid != trust:
            d = min(_to_polygon(a, b, head) for a, b in itertools.pairwise(line))
            assert d >= CLEAR_MM, (trust, gid, d)


# the words of the embedded models' labels that may be broken, each at its compound's joint
# (or after a hyphen it has): "Beteiligungs-angebote", never "Beteili-gungsangebote"
JOINTS = {"Beteiligungs-", "Kooperations-", "Zivil-", "Open-", "Government-", "Förder-"}
JOINTS |= {"Labor-", "Verwaltungs-", "Kommunal-", "Bürger-"}


def test_labels_break_long_words_only_at_their_joints_in_every_lab(models):
    for lab, (_arrows, _boxes, texts) in models.items():
        lines = [line for t in texts for line in t.split("\n")]
        broken = {line.split()[-1] for line in lines if line.endswith("-")}
        assert broken <= JOINTS, (lab, broken - JOINTS)
        assert not any("…" in line for line in lines), lab  # every label whole
    labels = [t for _a, _b, texts in models.values() for t in texts]
    assert any("Beteiligungs-\nangebote" in t for t in labels)


def test_wrap_can_take_a_line_more_to_break_at_the_joint():
    from ogl_impact.plots.style import syllable_breaks, wrap

    label = "die Beteiligungsangebote"
    assert wrap(label, 14).split("\n") == ["die Beteili-", "gungsangebote"]  # fewest lines
    assert wrap(label, 14, joints_first=True).split("\n") == ["die", "Beteiligungs-", "angebote"]
    assert syllable_breaks(label, 14) == 1
    assert syllable_breaks(label, 14, joints_first=True) == 0
