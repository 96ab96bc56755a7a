"""What a reader of the report figures must not misread (found by reading every figure).

- The trust figure shows a negatively worded statement ("Die Kommune verfolgt vor
  allem eigene Interessen.") with its answers as given: agreement there is
  distrust. Its label and the caption say so, and the alt text does not rank
  its top category ("voll und ganz") among the highest trust.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.dataset import load
from ogl_impact.reports import draw

from .conftest import DEMO, edit, find_line

MARK = "(negativ formuliert)"
NEGATIVE = "Die Kommune verfolgt vor allem eigene Interessen."


def _texts(figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts] + [
        t.get_text() for ax in figure.axes for t in ax.get_yticklabels()
    ]


def test_a_negatively_worded_trust_statement_is_marked_and_not_ranked(demo):
    likert = draw(demo, "pb", "vertrauen_likert", reps=99)[0]
    texts = _texts(likert.figure)
    # the statement is the one reverse-keyed in the codebook
    book = demo.codebook.set_index("item_id")
    assert bool(book.loc["tr_4", "reverse_keyed"]) and book.loc["tr_4", "wording_de"] == NEGATIVE
    # the mark replaces the statement's full stop: "… Interessen (negativ formuliert)"
    assert any(f"{NEGATIVE.rstrip('.')} {MARK}" in t for t in texts)
    # the other three statements carry no mark
    for item in ("tr_1", "tr_2", "tr_3"):
        wording = book.loc[item, "wording_de"]
        assert any(wording in t for t in texts)
        assert not any(wording in t and MARK in t for t in texts)
    assert "Zustimmung bedeutet bei dieser Aussage weniger Vertrauen" in likert.caption
    # its answers are drawn as given (not reversed): the table keeps the codes 1-5 of tr_4
    shown = likert.table[likert.table["item_id"] == "tr_4"]
    assert sorted(shown["value"].unique()) == [1, 2, 3, 4, 5]
    # the alt text ranks the top category of the three positive statements only
    alt = likert.alt_text
    ranked = alt.split("Anteil der höchsten Stufe", 1)[1]
    assert ranked.startswith(" (ohne die negativ formulierte Aussage): ")
    assert "eigene Interessen" not in ranked
    assert "., Welle" not in alt  # a statement's full stop is not doubled before ", Welle"


def test_without_a_reverse_keyed_statement_nothing_is_marked(tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DEMO, folder)
    edit(
        folder, "codebook", find_line(folder, "codebook", item_id="tr_4"), "reverse_keyed", "false"
    )
    likert = draw(load(folder), "pb", "vertrauen_likert", reps=99)[0]
    assert not any(MARK in t for t in _texts(likert.figure))
    assert "weniger Vertrauen" not in likert.caption
    assert "Anteil der höchsten Stufe:" in likert.alt_text


def test_when_every_trust_statement_is_negatively_worded_none_is_ranked(tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DEMO, folder)
    for item in ("tr_1", "tr_2", "tr_3"):
        edit(
            folder, "codebook", find_line(folder, "codebook", item_id=item), "reverse_keyed", "true"
        )
    likert = draw(load(folder), "pb", "vertrauen_likert", reps=99)[0]
    assert "Anteil der höchsten Stufe" not in likert.alt_text  # no sentence left dangling
    assert sum(MARK in t for t in _texts(likert.figure)) == 4


@pytest.mark.parametrize("lang", ["en"])
def test_the_mark_is_english_in_an_english_figure(demo, lang):
    likert = draw(demo, "pb", "vertrauen_likert", reps=99, lang=lang)[0]
    assert any("(negatively worded)" in t for t in _texts(likert.figure))
    assert "agreement means less trust" in likert.caption
    assert MARK not in likert.caption


class _Lang:
    """The two things :func:`extremes` asks of a build context."""

    def __init__(self, lang: str):
        self.lang = lang

    def t(self, de: str, en: str) -> str:
        return de if self.lang == "de" else en


@pytest.mark.parametrize(
    ("values", "decimals", "lang", "sentence"),
    [
        # 5 of 8 labs share the largest value: the alt text named one of them as "the" largest
        (
            [2, 2, 2, 2, 1, 2, 0, 0],
            0,
            "de",
            "Größter Wert: „A“, „B“, „C“ und 2 weitere (je 2); kleinster: „G“ und „H“ (je 0).",
        ),
        ([3.5, 1.5, 2.0], 1, "de", "Größter Wert: A (3,5); kleinster: B (1,5)."),
        # equal as shown (one decimal) is equal
        ([1.04, 1.01, 0.5], 1, "en", "Largest: “A” and “B” (1.0 each); smallest: C (0.5)."),
        ([4, 4, 4, 4], 0, "de", "Alle 4 gleich (4)."),
        (
            [4, 4, 1, 1, 1, 1],
            0,
            "en",
            "Largest: “A” and “B” (4 each); smallest: “C”, “D”, “E” and “F” (1 each).",
        ),
    ],
)
def test_alt_text_extremes_name_every_holder_of_a_tied_value(values, decimals, lang, sentence):
    from ogl_impact.reports.figures.base import extremes

    frame = pd.DataFrame({"label": list("ABCDEFGH"[: len(values)]), "value": values})
    assert extremes(frame, "value", "label", _Lang(lang), decimals) == sentence


def test_the_staircase_does_not_show_stages_passed_over_as_reached(demo):
    from ogl_impact.logic import attainment, stages

    drawn = draw(demo, "pb", "wirkungstreppe", reps=99)[0]
    st = stages(attainment(demo))
    st = st[st["period_id"] == "pb"]
    with_gaps = st[st["skipped"] != ""]
    assert not with_gaps.empty  # the embedded data have labs whose climb passed over a stage
    table = drawn.table.set_index("lab_label")
    assert (table["skipped"] != "").sum() == len(with_gaps)
    assert (
        "Hell: Stufen unter der erreichten ohne bewertbaren Indikator, beim Aufstieg übersprungen: "
        "im Berichtszeitraum nicht belegt, aber auch nicht verfehlt" in drawn.caption
    )
    assert "Ohne bewertbaren Indikator übersprungen:" in drawn.alt_text
    # every passed-over stage is drawn in the light tint (0.5), not as reached (1)
    ax = drawn.figure.axes[0]
    mesh = ax.collections[0]
    grid = mesh.get_array().reshape(len(table), 7)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    for row, label in enumerate(labels):
        skipped = table.loc[label, "skipped"]
        gaps = {int(x) for x in skipped.split(",")} if skipped else set()
        reached = int(table.loc[label, "stage"])
        for stage in range(1, 8):
            want = 0.5 if stage in gaps else (1.0 if stage <= reached else 0.0)
            assert grid[row, stage - 1] == want, (label, stage)


def test_the_staircase_history_marks_the_stages_passed_over(demo):
    drawn = draw(demo, "pb", "wirkungstreppe_verlauf", reps=99)[0]
    table = drawn.table
    gaps = table[table["skipped"] != ""]
    assert not gaps.empty
    assert "Hell: Stufen unter der erreichten ohne bewertbaren Indikator" in drawn.caption
    # one light step per stage passed over, in the panel of its lab
    steps = [
        p.get_gid()
        for ax in drawn.figure.axes
        for p in ax.patches
        if "|skipped|" in str(p.get_gid())
    ]
    expected = sum(len(s.split(",")) for s in gaps["skipped"])
    assert len(steps) == expected


def test_the_partner_caption_says_the_list_has_no_dates(demo):
    for report in ("zb", "pb"):
        drawn = draw(demo, report, "partner", reps=99)[0]
        assert "Die Partnerliste ist nicht datiert" in drawn.caption
        # the placeholders fill each kind up to its published number, not a total: the named
        # partners include kinds the published numbers do not count (business)
        assert "bis zu den veröffentlichten Zahlen je Art" in drawn.caption
        assert "Gesamtzahl" not in drawn.caption
        assert "Bruchzeichen" in drawn.caption


def test_the_effects_caption_says_which_labs_the_comparison_rests_on(demo):
    drawn = draw(demo, "zb", "effekte", reps=99)[0]
    # counted here from the answers: units with answers in wave 1 and in wave 2
    r = demo.responses
    waves = r[r["wave"].isin([1, 2])].groupby("unit_id")["wave"].nunique()
    both = set(waves[waves == 2].index)
    labs = set(demo.labs["lab_id"])
    # (in the embedded data every scale rests on the same units; see test_figures_effects_units)
    said = f"Verglichen werden je Skala {len(both & labs)} Labore und {len(both - labs)} "
    assert said in drawn.caption
    short = demo.labs.set_index("lab_id")["name"].str.split(" \\(|„", regex=True).str[0].str.strip()
    missing = sorted(labs - both)
    assert missing  # in the embedded data three labs have no answers in wave 2
    tail = drawn.caption.split("ohne Antworten in Welle 1 oder 2: ", 1)[1]
    for lab in missing:
        assert short[lab] in tail
    for lab in sorted(labs & both):
        assert short[lab] not in tail


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_no_polygon_of_the_radar_covers_a_ring_number(demo, report):
    # sb1 has no radar; zb and pb draw one panel per lab. A ring number is legible when its
    # glyphs come out the same with and without the lab's filled polygon. The lab's and the
    # network's lines run over the numbers (they lie between the grid and the lines): a data
    # line is never interrupted by a number (test_figures_reader_s30), and no place inside the
    # rings is free of both lines in every panel.
    import numpy as np

    radar = draw(demo, report, "offenheit_radar", reps=99)[0]
    fig = radar.figure
    fig.set_dpi(150)
    panels = [ax for ax in fig.axes if ax.name == "polar" and ax.axison]
    assert len(panels) == len(demo.labs)
    polygons = [a for ax in panels for a in ax.patches[1:]]  # [0]: the frame

    def pixels():
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)

    with_polygons = pixels()
    for artist in polygons:
        artist.set_visible(False)
    without = pixels()
    renderer = fig.canvas.get_renderer()
    height = without.shape[0]
    shown = 0
    for ax in panels:
        rings = [t for t in ax.texts if t.get_gid() == "ring"]
        if not any(line.get_gid() == "lab" for line in ax.lines):
            continue  # an empty (suppressed) panel carries its note instead of the numbers
        assert [t.get_text() for t in rings] == ["2", "3", "4", "5"], ax.get_title()
        for ring in rings:
            box = ring.get_window_extent(renderer)
            rows = slice(height - int(np.ceil(box.y1)), height - int(box.y0))
            cols = slice(int(box.x0), int(np.ceil(box.x1)))
            glyph = without[rows, cols].sum(axis=2) < 3 * 140  # the dark strokes of the number
            assert glyph.sum() > 5, (ax.get_title(), ring.get_text())
            diff = np.abs(with_polygons[rows, cols][glyph] - without[rows, cols][glyph]).max()
            assert diff <= 8, (ax.get_title(), ring.get_text(), diff)
            shown += 1
    assert shown >= 4 * 10  # at least ten panels with data in zb and pb


@pytest.mark.parametrize("name", ["zielerreichung", "wirkungsmodelle"])
def test_the_status_caption_says_indicators_without_data_do_not_count(demo, name):
    """Bad Belzig's Output read 'erreicht' on one indicator while two of its three had no data;
    the caption said 'häufigster Status der Indikatoren', which would have given 'keine Daten'."""
    from ogl_impact import logic

    att = logic.attainment(demo)
    pb = att[(att["period_id"] == "pb") & (att["lab_id"] == "bad_belzig")]
    output = pb[pb["level"] == "output"]["status"].value_counts()
    assert output.get("no_data", 0) > output.drop("no_data", errors="ignore").max()
    drawn = draw(demo, "pb", name, reps=99)[0]
    if name == "zielerreichung":
        cell = drawn.table.query(
            "lab_label == 'Bad Belzig und Wiesenburg/Mark' and column == 'Output'"
        )
        assert cell["status"].tolist() == ["achieved"]
        assert "Häufigster Status der Indikatoren mit Daten" in drawn.caption
    else:
        assert "häufigster Status der Indikatoren eines Knotens, die Daten haben" in drawn.caption
    # the caption defines "keine Daten" only where a cell or box has it (pb's grid has none)
    said = "„keine Daten“, wo kein" in drawn.caption
    assert said == ("no_data" in set(drawn.table["status"]))


def test_progress_alt_text_does_not_round_a_shortfall_up_to_the_target(demo):
    """pb said "Größter Wert: Input (100 %)" for 99.6 %: that reads as the target reached."""
    (drawn,) = draw(demo, "pb", "fortschritt", reps=99)
    table = drawn.table
    last = table[table["period_label"] == table["period_label"].iloc[-1]]
    top = last.loc[last["value"].idxmax()]
    percent = 100 * float(top["value"])
    assert 99.5 <= percent < 100  # the embedded data's case, read from the figure's table
    shown = f"{percent:.1f}".replace(".", ",")
    assert f"Größter Wert: {top['series']} ({shown} %)" in drawn.alt_text, drawn.alt_text
    assert "(100 %)" not in drawn.alt_text


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        # 99.6 % of milestones done, or of the way to a target, is not "100 %"
        ([99.6, 50.0], "Größter Wert: A (99,6 %); kleinster: B (50,0 %)."),
        ([99.96, 50.0], "Größter Wert: A (99,96 %); kleinster: B (50,00 %)."),
        ([100.0, 50.0], "Größter Wert: A (100 %); kleinster: B (50 %)."),
        ([99.4, 50.0], "Größter Wert: A (99 %); kleinster: B (50 %)."),
    ],
)
def test_alt_text_extremes_never_round_a_percentage_up_to_100(values, sentence):
    from ogl_impact.reports.figures.base import extremes

    frame = pd.DataFrame({"label": ["A", "B"], "value": values})
    assert extremes(frame, "value", "label", _Lang("de"), 0, " %") == sentence
