"""The note of an empty radar ("unterdrückt (n < 5)", "keine Daten") covers nothing.

The note stood in the middle of the disc on a white box: over the inner ring, the spokes
and the network mean's line, in the place of the ring numbers. It now stands under the
panel's spoke labels. Checked on the text boxes as drawn (window extents): the note's box
lies below the disc (the polar axes' frame) and overlaps no other text of the figure (the
spoke labels, the ring numbers, the titles, the key), in German and English.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ogl_impact import plots
from ogl_impact.dataset import load
from ogl_impact.plots.layout import check_layout
from ogl_impact.plots.style import house_style
from ogl_impact.privacy import suppressed_label
from ogl_impact.reports import context, draw, find

from .test_audit import LABS, crafted

PERSPECTIVES = ["Transparenz", "Themensetzung", "Beteiligung", "Ko-Produktion", "Innovation"]


def _data(note: str) -> pd.DataFrame:
    rows = []
    for lab, suppressed in (("x", False), ("z", True)):
        for i, p in enumerate(PERSPECTIVES):
            score = np.nan if suppressed else 3.0 + i / 4
            rows.append((lab, p, score, 2.5 + i / 10, suppressed, note if suppressed else ""))
    return pd.DataFrame(
        rows, columns=["unit_id", "perspective", "score", "network_mean", "suppressed", "note"]
    )


def _note_of(ax, label: str):
    """The panel's note, found by its words (however it is broken into lines)."""
    found = [t for t in ax.texts if " ".join(t.get_text().split()) == label]
    assert len(found) == 1, [t.get_text() for t in ax.texts]
    return found[0]


def _other_texts(fig, note):
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t is not note]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _covered(fig, ax, note) -> list[str]:
    """What the note's box covers: the disc of its panel, or any other text of the figure."""
    renderer = fig.canvas.get_renderer()
    box = note.get_window_extent(renderer)
    found = []
    disc = ax.get_window_extent(renderer)  # the frame of the polar axes: the disc's square
    if box.y1 > disc.y0 + 0.5 and box.x1 > disc.x0 and box.x0 < disc.x1:
        found.append("disc")
    for t in _other_texts(fig, note):
        other = t.get_window_extent(renderer)
        # overlapping by more than half a pixel either way (touching is not covering)
        if min(box.x1, other.x1) - max(box.x0, other.x0) > 0.5 and (
            min(box.y1, other.y1) - max(box.y0, other.y0) > 0.5
        ):
            found.append(repr(t.get_text()))
    return found


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_note_of_a_suppressed_radar_covers_neither_disc_nor_text(lang):
    label = suppressed_label(5, lang)
    with house_style(lang):
        ax = plots.openness_radar(_data(label), lab="z", title="Labor Z")
        fig = ax.figure
        fig.canvas.draw()
        note = _note_of(ax, label)
        assert _covered(fig, ax, note) == []
        # the radial scale stays readable: the ring numbers are drawn in the empty panel too
        rings = [t.get_text() for t in ax.texts if t.get_gid() == "ring"]
        assert rings == ["2", "3", "4", "5"]
        assert check_layout(fig) == []
    plt.close("all")


@pytest.fixture(scope="module")
def suppressed_labs(tmp_path_factory: pytest.TempPathFactory):
    """Two labs of 4 (suppressed) beside a lab of 6 and labs without answers (keine Daten)."""
    sizes = {LABS[0]: 4, LABS[1]: 4, LABS[2]: 6, **dict.fromkeys(LABS[3:], 0)}
    return load(crafted(tmp_path_factory.mktemp("radar_note"), sizes, 6))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_note_in_the_report_radar_covers_its_disc_or_a_text(suppressed_labs, lang):
    ds = suppressed_labs
    ctx = context(ds, find(ds.periods, "pb"), reps=99, lang=lang)
    drawn = draw(ds, "pb", "offenheit_radar", ctx=ctx)[0]
    fig = drawn.figure
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.name == "polar" and ax.axison]
    assert len(panels) == len(ds.labs)
    notes = {"de": ("unterdrückt (n < 5)", "keine Daten"), "en": ("suppressed (n < 5)", "no data")}
    seen = set()
    for ax in panels:
        if any(line.get_gid() == "lab" for line in ax.lines):
            continue
        (label,) = [
            n for n in notes[lang] if any(" ".join(t.get_text().split()) == n for t in ax.texts)
        ]
        seen.add(label)
        assert _covered(fig, ax, _note_of(ax, label)) == [], (ax.get_title(), label)
    assert seen == set(notes[lang])  # both kinds of empty panel were looked at
    assert check_layout(fig, bbox=drawn.bbox) == []
    plt.close(fig)
