"""Figures a reader need not question (found by reading the built figures at print size).

- The staircase history drew a stage light at PB after it had been dark from SB1 to SB6
  (the running total of its indicator not reported since SB5): read as "stage lost". The light
  tint now has a key in the figure, and the caption says which stages shown before are light
  now and why.
- The radar's ring numbers stood on their rings, on white, cutting the grid lines.
- Legends named statuses no cell or box of the figure had.
- Wrapped lines of a numbered key started under the number.
- Alt texts listed names holding a comma ("Marburg-Biedenkopf, Bad Endbach und Breidenbach")
  so that the list could not be counted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.patches import Patch, Rectangle

from ogl_impact import plots
from ogl_impact.dataset import lab_names, load
from ogl_impact.reports import draw
from ogl_impact.reports.figures.base import figures_of

from .conftest import DEMO, read_rows, write_rows

# --- 1. a running total not reported after one period -----------------------------------------


def _silent_after(tmp_path: Path, last: str) -> Path:
    """The embedded data with Brandis's participants (i06, stage 2) reported up to ``last`` only.

    i06 is a running total (cumulative) with the target 400 on 2022-11-30 (the end of PB);
    Brandis reported 363 in SB5 and 460 in SB6 and PB.
    """
    folder = tmp_path / "data"
    shutil.copytree(DEMO, folder)
    path = folder / "indicator_values.csv"
    rows = read_rows(path)
    header = rows[1]
    lab, ind, period = (header.index(c) for c in ("lab_id", "indicator_id", "period_id"))
    order = ["sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb"]
    later = set(order[order.index(last) + 1 :])
    kept = [
        r
        for r in rows
        if len(r) == 1 or not (r[lab] == "brandis" and r[ind] == "i06" and r[period] in later)
    ]
    assert len(rows) - len(kept) == 3 * len(later)  # the total and its two target groups
    write_rows(path, kept)
    nodes = pd.read_csv(folder / "indicators.csv", sep=";", comment="#")
    row = nodes[(nodes["lab_id"] == "brandis") & (nodes["indicator_id"] == "i06")].iloc[0]
    assert row["node_id"] == "op2" and bool(row["cumulative"]) and str(row["target_value"]) == "400"
    return folder


def test_a_running_total_at_its_target_before_the_silence_keeps_its_stage(tmp_path: Path):
    # 460 of 400 in SB6, nothing in PB: the running total carried to PB is at least 460, so the
    # target is reached; stage 2 stays reached, not passed over
    from ogl_impact.logic import attainment, stages

    ds = load(_silent_after(tmp_path, "sb6"))
    att = attainment(ds, labs=["brandis"])
    row = att[(att["indicator_id"] == "i06") & (att["period_id"] == "pb")].iloc[0]
    assert bool(row["carried_forward"]) and row["actual"] == 460 and row["status"] == "achieved"
    st = stages(att).set_index("period_id")
    assert st.loc["pb", "stage"] == 7 and st.loc["pb", "skipped"] == ""


def test_a_stage_shown_before_and_light_now_is_keyed_and_explained(tmp_path: Path):
    # 363 of 400 in SB5 (on track), nothing after: in SB6 (before the target date) the carried
    # 363 is still on track, so stage 2 is reached; in PB (the target date) nobody reported
    # whether 400 were reached: no status, stage 2 passed over and drawn light
    from ogl_impact.logic import attainment, stages

    ds = load(_silent_after(tmp_path, "sb5"))
    st = stages(attainment(ds, labs=["brandis"])).set_index("period_id")
    assert st.loc["sb6", "skipped"] == "" and st.loc["sb6", "stage"] >= 2
    assert st.loc["pb", "skipped"] == "2"

    drawn = draw(ds, "pb", "wirkungstreppe_verlauf", reps=99)[0]
    fig = drawn.figure
    (brandis,) = [ax for ax in fig.axes if ax.get_title().startswith("Brandis")]
    light = [p for p in brandis.patches if str(p.get_gid()) == "PB|skipped|2"]
    assert len(light) == 1
    # the figure itself keys the light tint, saying it is no missed stage
    keyed = {
        t.get_text().replace("\n", " "): h.get_facecolor()
        for ax in fig.axes
        if ax.get_legend()
        for h, t in zip(ax.get_legend().legend_handles, ax.get_legend().get_texts(), strict=True)
    }
    light_keys = [t for t, c in keyed.items() if np.allclose(c, light[0].get_facecolor())]
    assert len(light_keys) == 1
    assert "ohne bewertbaren Indikator" in light_keys[0]
    # the key stays short (it said "nicht belegt, aber nicht verfehlt" over five lines); the
    # caption says that a light stage is not missed
    assert "nicht verfehlt" in drawn.caption
    # the caption names the lab, the stage, when it was last shown and why it is light now
    said = "„Brandis und Partheland-Kommunen“ Stufe 2 (zuletzt belegt in SB6; laufende Summe"
    assert said + " zuletzt in SB5 gemeldet)" in drawn.caption
    assert "kein Rückschritt belegt" in drawn.caption
    assert said in drawn.alt_text


def test_the_embedded_history_explains_the_stages_light_at_pb(demo):
    # Bad Berleburg and Oberrhein: stage 2 dark up to SB6, light at PB; their participants
    # (a running total) were last reported in SB5, short of the target dated at PB's end
    drawn = draw(demo, "pb", "wirkungstreppe_verlauf", reps=99)[0]
    for lab in ("Bad Berleburg und Partnerkommunen", "Oberrhein"):
        assert (
            f"„{lab}“ Stufe 2 (zuletzt belegt in SB6; laufende Summe zuletzt in SB5 gemeldet)"
            in drawn.caption
        )
    # Bad Belzig's stage 2 was never shown (its indicator has no value at all): not named
    assert "„Bad Belzig und Wiesenburg/Mark“ Stufe 2" not in drawn.caption


# --- 2. the radar's ring numbers ---------------------------------------------------------------


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_ring_numbers_stand_on_no_grid_line(demo, report):
    # drawn alone, the ring numbers (their ink and a point around it, more than their white
    # edge) share no pixel with the grid drawn alone: the rings, the spokes and the frame
    radar = draw(demo, report, "offenheit_radar", reps=99)[0]
    fig = radar.figure
    fig.set_dpi(150)
    panels = [ax for ax in fig.axes if ax.name == "polar" and ax.axison]
    rings = [t for ax in panels for t in ax.texts if t.get_gid() == "ring"]
    assert len(rings) >= 4 * 10
    grid = [
        *(g for ax in panels for g in (*ax.xaxis.get_gridlines(), *ax.yaxis.get_gridlines())),
        *(ax.spines["polar"] for ax in panels),
    ]
    everything = [a for a in fig.findobj() if a is not fig and a is not fig.patch]
    axes_and_frames = {*panels, *(ax.patch for ax in panels), *(ax.xaxis for ax in panels)}
    axes_and_frames |= {ax.yaxis for ax in panels}

    def dark(shown: list) -> np.ndarray:
        keep = {*shown, *axes_and_frames}
        before = {a: a.get_visible() for a in everything}
        for a in everything:
            if a not in keep:
                a.set_visible(False)
        for a in shown:
            a.set_visible(True)
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
        for a, visible in before.items():
            a.set_visible(visible)
        return pixels.sum(axis=2) < 3 * 235

    lines = dark(grid)
    numbers = dark(rings)
    assert lines.sum() > 1000 and numbers.sum() > 100
    reach = int(np.ceil(fig.dpi / 72))  # one point around the ink
    around = numbers.copy()
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            around |= np.roll(np.roll(numbers, dy, axis=0), dx, axis=1)
    assert not (around & lines).any(), int((around & lines).sum())


# --- 3. legends name only what is drawn ----------------------------------------------------------


def _colours_drawn(fig) -> list:
    """Colours of every mark drawn in the figure's axes (legends and frames left out)."""
    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        for p in ax.patches:
            if not p.get_visible() or (
                isinstance(p, Rectangle) and (p.get_width() == 0 or p.get_height() == 0)
            ):
                continue
            out.append(p.get_facecolor())
        for line in ax.lines:
            if line.get_visible() and len(line.get_xdata()):
                out.extend([line.get_color(), line.get_markerfacecolor()])
        for c in ax.collections:
            if isinstance(c, Collection) and c.get_visible():
                out.extend([*c.get_facecolor(), *c.get_edgecolor()])
    return [c for c in out if to_rgba(c)[3] > 0]


def _unmarked(fig) -> list[str]:
    """Legend entries of the figure whose colour no mark in it has."""
    drawn = _colours_drawn(fig)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    missing = []
    for legend in legends:
        for handle, label in zip(legend.legend_handles, legend.get_texts(), strict=True):
            colour = handle.get_facecolor() if isinstance(handle, Patch) else handle.get_color()
            if not any(np.allclose(to_rgba(colour)[:3], to_rgba(c)[:3], atol=1e-3) for c in drawn):
                missing.append(label.get_text())
    return missing


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_every_legend_entry_has_a_mark_in_its_figure(demo, report):
    # zb: the attainment grid has no cell "erreicht" or "keine Daten"; pb: none "im Plan", and
    # most impact models have no box "im Plan" or "keine Daten"
    seen = 0
    for name in figures_of(report):
        for drawn in draw(demo, report, name, reps=99):
            assert _unmarked(drawn.figure) == [], (name, drawn.title)
            seen += bool(drawn.figure.legends or any(ax.get_legend() for ax in drawn.figure.axes))
            plt.close(drawn.figure)
    assert seen >= 8


def test_the_heatmap_and_the_model_key_only_the_statuses_shown():
    grid = pd.DataFrame(
        {
            "lab_label": ["A", "A", "B", "B"],
            "column": ["Input", "Output"] * 2,
            "status": ["achieved", "behind", "behind", "achieved"],
        }
    )
    ax = plots.attainment_heatmap(grid)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["erreicht", "im Verzug"]
    nodes = pd.DataFrame(
        {
            "node_id": ["a", "b"],
            "level": ["activity", "output"],
            "label": ["Workshops", "Teilnehmende"],
            "contributes_to": ["b", None],
            "status": ["on_track", "no_data"],
        }
    )
    ax = plots.impact_model(nodes)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["im Plan", "keine Daten"]


# --- 4. numbered keys: the number stands alone ---------------------------------------------------


@pytest.mark.parametrize(
    ("report", "name", "heading"),
    [
        ("pb", "wirkungstreppe_verlauf", "Stufen der Wirkungstreppe"),
        ("pb", "offenheit_radar", "Perspektiven der Offenheit"),
    ],
)
def test_wrapped_lines_of_a_numbered_key_start_under_the_text(demo, report, name, heading):
    drawn = draw(demo, report, name, reps=99)[0]
    fig = drawn.figure
    fig.set_dpi(300)  # widths in pixels: at 300 dpi a pixel is a quarter of a point
    renderer = fig.canvas.get_renderer()
    (key,) = [t for ax in fig.axes for t in ax.texts if t.get_text().startswith(heading)]
    font = key.get_fontproperties()

    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, font, ismath=False)[0]

    lines = key.get_text().split("\n")[1:]
    wrapped = 0
    number = None
    for line in lines:
        if line[:1].isdigit():
            number = line.split(" ", 1)[0] + " "
            continue
        assert number is not None, line
        indent = line[: len(line) - len(line.lstrip(" "))]
        assert indent, line  # a wrapped line never starts under the number
        # it starts where the text after the number does (within a tenth of the font size)
        size = font.get_size_in_points() * fig.dpi / 72
        assert abs(width(indent) - width(number)) <= 0.1 * size, line
        wrapped += 1
    assert wrapped >= 3


def test_numbered_wraps_with_a_hanging_indent():
    from ogl_impact.plots.style import numbered

    lines = numbered(1, "Aktivitäten finden wie geplant statt", 30).split("\n")
    assert lines[0] == "1 Aktivitäten finden wie"
    assert lines[1].lstrip(" ") == "geplant statt" and lines[1].startswith(" ")
    assert numbered(7, "Gesellschaft verändert sich", 30) == "7 Gesellschaft verändert sich"
    # two digits take a wider indent than one
    one = numbered(1, "eins zwei drei vier fünf sechs", 12).split("\n")[1]
    two = numbered(10, "eins zwei drei vier fünf sechs", 12).split("\n")[1]
    assert len(two) - len(two.lstrip(" ")) > len(one) - len(one.lstrip(" "))


# --- 5. alt texts: names holding a comma ---------------------------------------------------------


def test_alt_texts_quote_every_lab_name_that_holds_a_comma(demo):
    names = [n for n in lab_names(demo).values() if "," in n]
    # the real names: "Marburg-Biedenkopf, Bad Endbach und Breidenbach", "Merseburg, ..."
    assert "Marburg-Biedenkopf, Bad Endbach und Breidenbach" in names and len(names) >= 3
    found = 0
    for report in ("sb1", "zb", "pb"):
        for name in figures_of(report):
            for drawn in draw(demo, report, name, reps=99):
                alt = drawn.alt_text
                for lab in names:
                    start = alt.find(lab)
                    while start >= 0:
                        found += 1
                        before = alt[max(0, start - 1) : start]
                        # quoted, or the subject of a sentence of its own ("... des Labors X:")
                        assert (
                            before == "„" or alt[start + len(lab) : start + len(lab) + 1] == ":"
                        ), (
                            name,
                            alt[max(0, start - 40) : start + len(lab) + 40],
                        )
                        start = alt.find(lab, start + 1)
                plt.close(drawn.figure)
    assert found >= 10


def test_the_radar_alt_text_names_lab_and_perspective_apart(demo):
    # zb: the smallest mean is Marburg-Biedenkopf's in "Co-Produktion und Co-Kreation"
    drawn = draw(demo, "zb", "offenheit_radar", reps=99)[0]
    smallest = drawn.alt_text.split("kleinster: ", 1)[1]
    assert smallest.startswith(
        "„Marburg-Biedenkopf, Bad Endbach und Breidenbach – Co-Produktion und Co-Kreation“ ("
    )
    largest = drawn.alt_text.split("Größter Wert: ", 1)[1].split(";", 1)[0]
    # the holders of the largest value can be counted: each in its own quotes
    assert largest.count("„") == largest.count("“") == 2
    assert "„Bensheim und Partnerkommunen – Offene Themensetzung“" in largest


def test_extremes_quote_a_single_name_holding_a_comma():
    from ogl_impact.reports.figures.base import extremes

    class _De:
        lang = "de"

        def t(self, de: str, en: str) -> str:
            return de

    frame = pd.DataFrame(
        {"label": ["Marburg-Biedenkopf, Bad Endbach und Breidenbach", "Bremen"], "v": [2.0, 3.0]}
    )
    assert extremes(frame, "v", "label", _De(), 0) == (
        "Größter Wert: Bremen (3); "
        "kleinster: „Marburg-Biedenkopf, Bad Endbach und Breidenbach“ (2)."
    )
