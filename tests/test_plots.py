"""Plots are tested by what they drew: bar lengths, absent groups, labels, formats."""

import itertools
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ogl_impact import plots
from ogl_impact.plots.style import footer, house_style, number

LABELS = ["gar nicht", "eher nicht", "teils", "eher ja", "voll"]


def _likert_frame():
    rows = []
    for item, pct in (("a", [10, 20, 30, 25, 15]), ("b", [5, 5, 10, 40, 40])):
        for wave, shift in ((1, 0), (2, 5)):
            p = np.array(pct, float)
            p[0] -= shift
            p[-1] += shift
            for v, (lab, x) in enumerate(zip(LABELS, p, strict=True), 1):
                rows.append((item, wave, v, lab, x, False))
    return pd.DataFrame(
        rows, columns=["item_id", "wave", "value", "label", "percent", "suppressed"]
    )


def _bars(ax):
    return {p.get_gid(): p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()}


def test_likert_bar_lengths_are_the_percentages_and_neutral_is_split():
    data = _likert_frame()
    with house_style():
        ax = plots.likert_bars(data, group="wave", item_order=["b", "a"])
    bars = _bars(ax)
    for _, row in data.iterrows():
        bar = bars[f"{row['item_id']}|{row['wave']}|{row['value']}"]
        assert bar.get_width() == pytest.approx(row["percent"])
    # a, wave 1: 10 + 20 + half of 30 left of zero
    neutral = bars["a|1|3"]
    assert neutral.get_x() == pytest.approx(-15)
    assert bars["a|1|1"].get_x() == pytest.approx(-45)
    assert bars["a|1|4"].get_x() == pytest.approx(15)
    # German axis label, category labels from the data (codebook) in the legend
    assert ax.get_xlabel() == "Anteil (%)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == LABELS
    # item order as asked: b above a (the y axis runs downwards); each item heads its bars
    headings = {
        t.get_text(): t.get_position()[1] for t in ax.texts if t.get_gid() == f"item:{t.get_text()}"
    }
    assert set(headings) == {"a", "b"}
    assert ax.yaxis_inverted() and headings["b"] < headings["a"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Welle 1", "Welle 2"] * 2


def test_likert_neutral_apart_and_suppressed_groups_absent():
    data = _likert_frame()
    data.loc[(data["item_id"] == "a") & (data["wave"] == 2), "suppressed"] = True
    with house_style(lang="en"):
        ax = plots.likert_bars(data, group="wave", neutral="apart")
    bars = _bars(ax)
    assert not any(k.startswith("a|2|") for k in bars)
    assert bars["a|1|3"].get_x() >= 100  # drawn apart, right of the agreement side
    assert bars["a|1|4"].get_x() == pytest.approx(0)
    assert ax.get_xlabel() == "Share (%)"
    with pytest.raises(ValueError, match="neutral"):
        plots.likert_bars(data, neutral="middle")


def _openness():
    rows = []
    for lab, base in (("x", 3.0), ("y", 2.0)):
        for i, p in enumerate(["Transparenz", "Beteiligung", "Daten"]):
            rows.append((lab, p, base + i / 4, 40, 2.5 + i / 10, False))
    rows.append(("z", "Transparenz", np.nan, np.nan, 2.5, True))
    return pd.DataFrame(
        rows, columns=["unit_id", "perspective", "score", "n", "network_mean", "suppressed"]
    )


def test_openness_radar_and_dots_draw_lab_and_network():
    data = _openness()
    with house_style():
        _fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
        plots.openness_radar(data, lab="x", ax=ax)
        lines = {ln.get_gid(): ln for ln in ax.lines}
        r = lines["lab"].get_ydata()
        assert list(r[:3]) == [3.0, 3.25, 3.5] and r[-1] == r[0]  # closed polygon
        assert list(lines["network"].get_ydata()[:3]) == [2.5, 2.6, 2.7]
        ax2 = plots.openness_dots(data, lab="x")
        lab_points = next(c for c in ax2.collections if c.get_gid() == "lab")
        assert lab_points.get_offsets()[:, 0].tolist() == [3.0, 3.25, 3.5]
        ticks = [t.get_text() for t in ax2.get_xticklabels()]
        assert any("," in t for t in ticks) and not any("." in t for t in ticks)
        # a suppressed lab is not drawn
        _fig3, ax3 = plt.subplots(subplot_kw={"projection": "polar"})
        plots.openness_radar(data, lab="z", ax=ax3)
        assert "lab" not in {ln.get_gid() for ln in ax3.lines}


def test_openness_isolated_perspective_and_empty_label_are_visible():
    # one perspective shown between two hidden ones: the line has no segment to draw,
    # so the value must carry a marker of its own
    data = _openness()
    data.loc[(data["unit_id"] == "x") & (data["perspective"] != "Beteiligung"), "suppressed"] = True
    with house_style():
        _fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
        plots.openness_radar(data, lab="x", ax=ax)
        line = next(ln for ln in ax.lines if ln.get_gid() == "lab")
        assert line.get_marker() not in (None, "None", "", " ")
        assert line.get_markersize() > 0
        # the label of an empty dot panel sits on a white ground above the network marks
        data["note"] = np.where(data["suppressed"], "unterdrückt (n < 5)", "")
        ax2 = plots.openness_dots(data, lab="z")
        label = next(t for t in ax2.texts if t.get_text() == "unterdrückt (n < 5)")
        network = next(c for c in ax2.collections if c.get_gid() == "network")
        assert label.get_zorder() > network.get_zorder()
        box = label.get_bbox_patch()
        assert box is not None and box.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_staircase_and_overview():
    st = pd.DataFrame(
        {"lab_id": ["x"] * 3, "period_label": ["SB1", "SB2", "SB3"], "stage": [1, 2, pd.NA]}
    )
    with house_style():
        ax = plots.staircase(st, lab="x")
        assert [b.get_height() for b in ax.patches] == [1, 2, 0]
        ov = plots.stage_overview(pd.DataFrame({"lab_label": ["A", "B"], "stage": [3, 7]}))
    mesh = next(c for c in ov.collections if isinstance(c, QuadMesh))
    grid = np.asarray(mesh.get_array()).reshape(2, 7)
    assert grid.sum(axis=1).tolist() == [3, 7]
    assert [t.get_text() for t in ov.get_legend().get_texts()] == ["erreicht", "nicht erreicht"]


def test_staircase_draws_stages_passed_over_as_light_steps():
    data = pd.DataFrame(
        {
            "lab_id": ["x", "x", "x"],
            "period_label": ["SB1", "SB2", "SB3"],
            "stage": [1, 3, 5],
            "skipped": ["", "2", "2, 3"],
        }
    )
    with house_style():
        ax = plots.staircase(data, lab="x")
    steps = {p.get_gid(): p for p in ax.patches if "|skipped|" in str(p.get_gid())}
    assert sorted(steps) == ["SB2|skipped|2", "SB3|skipped|2", "SB3|skipped|3"]
    for gid, step in steps.items():
        stage = int(gid.rsplit("|", 1)[1])
        assert (step.get_y(), step.get_height()) == (stage - 1, 1)  # over that step only
    bars = [p for p in ax.patches if "|" not in str(p.get_gid())]
    assert [b.get_height() for b in bars] == [1, 3, 5]
    assert steps["SB2|skipped|2"].get_facecolor() != bars[1].get_facecolor()
    plt.close("all")


def test_stage_overview_draws_stages_passed_over_apart_from_those_reached():
    data = pd.DataFrame({"lab_label": ["A", "B"], "stage": [5, 2], "skipped": ["2, 3", ""]})
    with house_style():
        ov = plots.stage_overview(data)
    mesh = next(c for c in ov.collections if isinstance(c, QuadMesh))
    grid = np.asarray(mesh.get_array()).reshape(2, 7)
    assert grid.tolist() == [[1, 0.5, 0.5, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0, 0]]
    # three tints, each named in the legend, and the passed-over one unlike the other two
    colours = mesh.cmap(mesh.norm(np.array([0.0, 0.5, 1.0])))
    assert len({tuple(np.round(c, 3)) for c in colours}) == 3
    assert [t.get_text() for t in ov.get_legend().get_texts()] == [
        "erreicht",
        "ohne bewertbaren Indikator übersprungen",
        "nicht erreicht",
    ]
    plt.close("all")


def test_attainment_heatmap_and_progress():
    data = pd.DataFrame(
        {
            "lab_label": ["A", "A", "B", "B"],
            "column": ["Input", "Output", "Input", "Output"],
            "status": ["achieved", "behind", "on_track", "no_data"],
        }
    )
    with house_style():
        ax = plots.attainment_heatmap(data)
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    assert np.asarray(mesh.get_array()).reshape(2, 2).tolist() == [[0, 2], [1, 3]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "erreicht",
        "im Plan",
        "im Verzug",
        "keine Daten",
    ]
    prog = pd.DataFrame(
        {
            "series": ["Output"] * 3,
            "period_label": ["SB1", "SB2", "SB3"],
            "value": [0.1, 0.3, 0.5],
            "expected": [0.2, 0.4, 0.6],
        }
    )
    with house_style():
        ax = plots.indicator_progress(prog)
    lines = {ln.get_gid(): ln for ln in ax.lines}
    assert lines["Output"].get_ydata().tolist() == pytest.approx([10, 30, 50])
    assert lines["target_path"].get_ydata().tolist() == pytest.approx([20, 40, 60])


def test_forest_prints_german_numbers_and_labels_suppressed():
    data = pd.DataFrame(
        {
            "label": ["Vertrauen", "Transparenz", "klein"],
            "estimate": [0.316, -0.05, 9.0],
            "ci_low": [0.173, -0.2, 8.0],
            "ci_high": [0.46, 0.1, 10.0],
            "evidence": ["MSMS 3", "MSMS 3", "MSMS 3"],
            "suppressed": [False, False, True],
        }
    )
    with house_style():
        ax = plots.forest(data, k=5)
    texts = [t.get_text() for t in ax.texts]
    cells = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert cells["estimate:Vertrauen"] == "0,32 [0,17; 0,46]"
    assert cells["evidence:Vertrauen"] == "MSMS 3"
    # the suppressed row keeps its place and label, with the label instead of its numbers
    assert not any("9,00" in t for t in texts)
    assert cells["estimate:klein"] == "unterdrückt (n < 5)" and "evidence:klein" not in cells
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["Vertrauen", "Transparenz", "klein"]
    ivs = {ln.get_gid(): ln.get_xdata().tolist() for ln in ax.lines if ln.get_gid()}
    assert ivs["Vertrauen"] == [0.173, 0.46] and "klein" not in ivs


def test_partner_and_milestone_bars():
    partners = pd.DataFrame(
        {
            "lab_label": ["A", "A", "B"],
            "kind_label": ["Kommune", "Zivilgesellschaft", "Kommune"],
            "n": [2, 5, 3],
        }
    )
    with house_style():
        ax = plots.partner_composition(partners)
    bars = _bars(ax)
    assert bars["A|Zivilgesellschaft"].get_width() == 5
    assert bars["A|Zivilgesellschaft"].get_x() == 2
    assert bars["B|Zivilgesellschaft"].get_width() == 0
    ms = pd.DataFrame(
        {
            "lab_label": ["A", "A"],
            "completion": ["complete", "limited"],
            "completion_label": ["Vollständig", "Begrenzt"],
            "share": [0.75, 0.25],
        }
    )
    with house_style():
        ax = plots.milestone_completion(ms)
    bars = _bars(ax)
    assert bars["A|complete"].get_width() == pytest.approx(75)
    assert bars["A|limited"].get_x() == pytest.approx(75)


def _partner_totals(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for lab, (communes, society) in counts.items():
        rows += [
            {"lab_label": lab, "kind_label": "Kommune", "n": communes},
            {"lab_label": lab, "kind_label": "Zivilgesellschaft", "n": society},
        ]
    return pd.DataFrame(rows)


def test_partner_bars_carry_their_totals_and_a_far_longer_bar_is_cut_with_a_mark():
    # totals 2, 8 and 53: the 53 would squeeze the others into a sixth of the axis
    partners = _partner_totals({"A": (2, 0), "B": (5, 3), "ohne Labor": (1, 52)})
    with house_style():
        ax = plots.partner_composition(partners)
    written = {t.get_text(): t.xy for t in ax.texts}
    assert set(written) == {"2", "8", "53"}
    # the axis ends half as long again as the longest other bar (8 * 1.5 = 12)
    assert ax.get_xlim() == (0.0, 12.0)
    # each total stands at its bar's end; the cut bar's at the axis end
    assert written["2"] == (2, 0) and written["8"] == (8, 1) and written["53"] == (12.0, 2)
    # the bar keeps its true length (the CSV and the SVG say 53) and is marked where it is cut
    bars = _bars(ax)
    assert bars["ohne Labor|Zivilgesellschaft"].get_x() + bars[
        "ohne Labor|Zivilgesellschaft"
    ].get_width() == pytest.approx(53)
    marks = [ln for ln in ax.lines if ln.get_color() == "white"]
    assert len(marks) == 2
    for ln in marks:
        ys = ln.get_ydata()
        assert min(ys) >= 1.5 and max(ys) <= 2.5  # across the cut bar's row only
        assert all(9 < x < 12 for x in ln.get_xdata())
    plt.close("all")


@pytest.mark.parametrize(
    "counts",
    [
        {"A": (2, 0), "B": (5, 3), "C": (20, 4)},  # 24 is 3 times 8: not cut
        {"A": (1, 0)},  # one bar
        {"A": (0, 0), "B": (0, 9)},  # the others empty: nothing to compare with
    ],
)
def test_partner_bars_are_not_cut_without_a_far_longer_one(counts):
    partners = _partner_totals(counts)
    with house_style():
        ax = plots.partner_composition(partners)
    longest = max(a + b for a, b in counts.values())
    assert ax.get_xlim()[1] >= longest
    assert not [ln for ln in ax.lines if ln.get_color() == "white"]
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(a + b) for a, b in counts.values())
    plt.close("all")


def test_impact_model_diagram_boxes_arrows_and_colours():
    data = pd.DataFrame(
        {
            "node_id": ["in1", "ac1", "op1", "oc1"],
            "level": ["input", "activity", "output", "outcome"],
            "label": ["Mittel", "Workshops", "Teilnehmende", "Beteiligung steigt"],
            "contributes_to": ["ac1", "op1", "oc1", None],
            "status": ["achieved", "on_track", "behind", "no_data"],
        }
    )
    with house_style():
        ax = plots.impact_model(data)
    boxes = {p.get_gid(): p for p in ax.patches if isinstance(p, FancyBboxPatch)}
    assert set(boxes) == {"in1", "ac1", "op1", "oc1"}
    from matplotlib.colors import to_rgba

    from ogl_impact.plots.style import STATUS_COLOURS

    assert boxes["op1"].get_facecolor() == to_rgba(STATUS_COLOURS["behind"])
    arrows = {p.get_gid() for p in ax.patches if isinstance(p, FancyArrowPatch)}
    assert arrows == {"in1->ac1", "ac1->op1", "op1->oc1"}
    # text black or white by the fill's luminance: the reader's 3.9:1 is gone
    label = next(t for t in ax.texts if t.get_text() == "Teilnehmende")
    assert label.get_color() == "black"  # on vermilion ("im Verzug")
    assert {"Input", "Aktivität", "Output", "Outcome", "Impact"} <= {t.get_text() for t in ax.texts}


def test_house_style_context_and_decorator_and_footer():
    assert number(1234.5) == "1.234,5"

    @house_style(lang="en")
    def english():
        return number(1234.5)

    assert english() == "1,234.5"
    assert number(0.25, 2) == "0,25"  # back to German after the decorator
    with house_style():
        fig, _ax = plt.subplots()
        line = footer(fig, n=1234, source="Befragung", synthetic=True)
    assert line == "n = 1.234 · Quelle: Befragung · synthetische Demodaten"
    assert any(t.get_gid() == "footer" for t in fig.texts)
    with pytest.raises(ValueError, match="lang"):
        house_style(lang="fr")


def test_german_and_english_dates():
    from datetime import date

    from ogl_impact.plots.style import date_label

    assert date_label(date(2021, 3, 16)) == "März 2021"
    with house_style(lang="en"):
        assert date_label(date(2021, 3, 16)) == "Mar 2021"


# --- figures that stand alone (issue 13) -------------------------------------------------


def _likert_k(k, pct=None):
    pct = pct if pct is not None else [100 / k] * k
    labels = [f"Stufe {v}" for v in range(1, k + 1)]
    return pd.DataFrame(
        {
            "item_id": ["a"] * k,
            "value": range(1, k + 1),
            "label": labels,
            "percent": pct,
        }
    )


@pytest.mark.parametrize("k", range(2, 12))
def test_likert_draws_2_to_11_categories_with_a_neutral_middle_for_odd_counts(k):
    from matplotlib.colors import to_hex

    with house_style():
        ax = plots.likert_bars(_likert_k(k))
    bars = _bars(ax)
    assert len(bars) == k
    colours = [to_hex(bars[f"a|None|{v}"].get_facecolor()) for v in range(1, k + 1)]
    assert len(set(colours)) == k  # every category its own colour
    if k % 2:
        assert colours[k // 2] == "#bdbdbd"  # neutral grey in the middle
    assert "#bdbdbd" not in colours[: k // 2] + colours[k // 2 + k % 2 :]
    assert len(ax.get_legend().get_texts()) == k
    plt.close(ax.figure)


@pytest.mark.parametrize("k", [1, 12])
def test_likert_refuses_scales_it_cannot_draw(k):
    with house_style(), pytest.raises(ValueError, match="Kategorien"):
        plots.likert_bars(_likert_k(k))


def test_likert_axis_is_fitted_to_the_data_not_to_100():
    # widest side: 10 + 20 + 30/2 = 45 left, 15 + 25 + 15 = 55 right -> 60 (next 10 %)
    data = _likert_k(5, [10, 20, 30, 25, 15])
    with house_style():
        ax = plots.likert_bars(data)
    assert ax.get_xlim() == (-60, 60)
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["60", "50"]
    # above 60 %: next 20 %
    with house_style():
        ax = plots.likert_bars(_likert_k(5, [2, 3, 5, 20, 70]))
    assert ax.get_xlim() == (-100, 100)  # 92.5 -> 100
    with house_style():
        ax = plots.likert_bars(_likert_k(4, [5, 5, 20, 50]))
    assert ax.get_xlim() == (-80, 80)  # 70 -> 80
    plt.close("all")


def _layout_ok(ax):
    from ogl_impact.plots.layout import check_layout

    fig = ax.figure
    fig.canvas.draw()
    problems = check_layout(fig)
    plt.close(fig)
    return [str(p) for p in problems]


def test_likert_legend_lies_below_the_axis_label_inside_the_figure():
    with house_style():
        ax = plots.likert_bars(_likert_frame(), group="wave")
        fig = ax.figure
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(r)
        xlabel = ax.xaxis.label.get_window_extent(r)
    assert legend.y1 <= xlabel.y0  # under the axis label, not over it
    assert legend.y0 >= 0 and fig.bbox.contains(legend.x0, legend.y0)
    assert _layout_ok(ax) == []


def test_wrap_breaks_german_words_at_syllables_only():
    from ogl_impact.plots.style import wrap

    # Duden: Be|tei|li|gungs|be|reit|schaft, Ver|wal|tungs|han|deln, Da|ten|ver|öf|fent|li|chung
    syllables = {
        "Beteiligungsbereitschaft": ["Be", "tei", "li", "gungs", "be", "reit", "schaft"],
        "Verwaltungshandeln": ["Ver", "wal", "tungs", "han", "deln"],
        "Datenveröffentlichung": ["Da", "ten", "ver", "öf", "fent", "li", "chung"],
    }
    for word, parts in syllables.items():
        legal = {len("".join(parts[:i])) for i in range(1, len(parts))}
        for width in range(6, len(word)):
            lines = wrap(word, width).split("\n")
            assert "".join(line.removesuffix("-") for line in lines) == word
            cuts = np.cumsum([len(line.removesuffix("-")) for line in lines])[:-1]
            assert set(cuts) <= legal, (word, width, lines)
            assert all(line.endswith("-") for line in lines[:-1])
    # pyphen's de_DE patterns give "Kom-mu-na-l-ver-wal-tung"; "Kommuna-lverwaltung" is wrong
    for width in range(8, 18):
        assert "Kommuna-\n" not in wrap("Kommunalverwaltung", width)
    assert wrap("Kommunalverwaltung", 10) == "Kommunal-\nverwaltung"
    # words that fit are never broken; a slash is a break point
    assert wrap("Zielgruppen werden erreicht", 20) == "Zielgruppen werden\nerreicht"
    assert wrap("Wissen/Fähigkeiten", 10).split("\n")[0] == "Wissen/"


def test_wrap_cuts_long_labels_with_an_ellipsis():
    from ogl_impact.plots.style import wrap

    text = wrap("eins zwei drei vier fünf sechs sieben", 9, max_lines=2)
    assert text.split("\n") == ["eins zwei", "drei vier…"]


def test_model_diagram_arrows_skip_columns_under_the_boxes_and_cross_no_text():
    data = pd.DataFrame(
        {
            "node_id": ["in1", "in2", "ac1", "ac2", "op1", "oc1", "oc2", "im1"],
            "level": [
                "input",
                "input",
                "activity",
                "activity",
                "output",
                "outcome",
                "outcome",
                "impact",
            ],
            "label": [
                "Fördermittel des Bundes",
                "Personal der Kommunalverwaltung",
                "Beteiligungsworkshops",
                "Datenveröffentlichung",
                "Teilnehmende Bürgerinnen und Bürger",
                "Beteiligungsbereitschaft steigt",
                "Verwaltungshandeln wird transparenter",
                "Vertrauen in die Kommunalverwaltung",
            ],
            "contributes_to": ["ac1|ac2", "ac1", "op1", "op1|oc2", "oc1|oc2", "im1", "im1", None],
            "status": ["achieved", "on_track", "behind", "no_data"] * 2,
        }
    )
    with house_style():
        ax = plots.impact_model(data)
    texts = [t.get_text() for t in ax.texts]
    # every label comes back whole: lines end at a word or a syllable hyphen
    for label in data["label"]:
        assert any(re.sub(r"-\n", "", t).replace("\n", " ") == label for t in texts), label
    assert "Beteiligungsworksho\nps" not in texts  # the reader's mid-word break
    assert any(t.startswith("Teilnehmende\nBürgerinnen") for t in texts)  # no needless hyphen
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    skip = next(p for p in ax.patches if p.get_gid() == "ac2->oc2")
    path = skip.get_path()
    lowest = min(b.get_y() for b in boxes)
    assert path.vertices[:, 1].min() < lowest  # runs under every box
    for arrow in (p for p in ax.patches if isinstance(p, FancyArrowPatch)):
        polylines = arrow.get_path().to_polygons(closed_only=False)
        vertices = np.concatenate(polylines)
        for box in boxes:
            inside = (
                (vertices[:, 0] > box.get_x() + 0.01)
                & (vertices[:, 0] < box.get_x() + box.get_width() - 0.01)
                & (vertices[:, 1] > box.get_y() + 0.01)
                & (vertices[:, 1] < box.get_y() + box.get_height() - 0.01)
            )
            assert not inside.any(), (arrow.get_gid(), box.get_gid())
    assert _layout_ok(ax) == []


def test_radar_has_a_legend_and_a_labelled_radial_scale():
    data = _openness()
    with house_style():
        ax = plots.openness_radar(data, lab="x", lab_label="Labor X")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Labor X", "Netzwerk-Mittel"]
    assert ax.get_legend().get_title().get_text() == "Mittelwert, Skala 1 (Mitte) bis 5"
    assert [t.get_text() for t in ax.texts if t.get_gid() == "ring"] == ["2", "3", "4", "5"]
    assert _layout_ok(ax) == []
    with house_style():
        _fig, small = plt.subplots(subplot_kw={"projection": "polar"})
        plots.openness_radar(data, lab="x", legend=False, ax=small)
    assert small.get_legend() is None
    plt.close("all")


def test_forest_explains_msms_and_heads_its_column():
    data = pd.DataFrame(
        {
            "label": ["Vertrauen", "Transparenz"],
            "estimate": [0.3, -0.05],
            "ci_low": [0.1, -0.2],
            "ci_high": [0.5, 0.1],
            "evidence": ["MSMS 3", "MSMS 2"],
        }
    )
    with house_style():
        ax = plots.forest(data)
    texts = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert "MSMS = Maryland Scientific Methods Scale, Stufe 1-5" in texts["note"]
    assert texts["column_heading"] == "Effekt [95-%-KI]"
    assert texts["evidence_heading"] == "Evidenzstufe"
    # the evidence column starts right of the widest estimate
    ax.figure.canvas.draw()
    r = ax.figure._get_renderer()
    right = max(
        t.get_window_extent(r).x1 for t in ax.texts if (t.get_gid() or "").startswith("estimate:")
    )
    lefts = [
        t.get_window_extent(r).x0 for t in ax.texts if (t.get_gid() or "").startswith("evidence")
    ]
    assert min(lefts) > right and max(lefts) - min(lefts) < 0.5
    assert _layout_ok(ax) == []
    # without an MSMS column there is nothing to explain
    with house_style():
        ax = plots.forest(data.drop(columns="evidence"))
    assert "note" not in {t.get_gid() for t in ax.texts}
    plt.close("all")


def test_staircase_and_overview_name_the_seven_stages():
    from ogl_impact.vocab import STAGES

    st = pd.DataFrame({"lab_id": ["x"] * 2, "period_label": ["SB1", "SB2"], "stage": [1, 3]})
    with house_style():
        ax = plots.staircase(st, lab="x")
    ticks = [t.get_text().replace("-\n", "").replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks == [f"{i} {STAGES[i][0]}" for i in range(1, 8)]
    assert _layout_ok(ax) == []
    with house_style(lang="en"):
        ov = plots.stage_overview(pd.DataFrame({"lab_label": ["A"], "stage": [2]}))
    ticks = [t.get_text().replace("-\n", "").replace("\n", " ") for t in ov.get_xticklabels()]
    assert ticks == [f"{i} {STAGES[i][1]}" for i in range(1, 8)]
    plt.close("all")


def test_one_lab_order_everywhere():
    order = ["Labor C", "Labor A", "Labor B"]  # as in labs.csv
    status = pd.DataFrame(
        {
            "lab_label": ["Labor A", "Labor B", "Labor C"],
            "column": ["Input"] * 3,
            "status": ["achieved", "behind", "on_track"],
        }
    )
    partners = pd.DataFrame(
        {
            "lab_label": ["Labor B", "Labor A", "Labor C"],
            "kind_label": ["Kommune"] * 3,
            "n": [1, 2, 3],
        }
    )
    milestones = pd.DataFrame(
        {
            "lab_label": ["Labor A", "Labor B", "Labor C"],
            "completion": ["complete"] * 3,
            "completion_label": ["Vollständig"] * 3,
            "share": [1.0] * 3,
        }
    )
    stages = pd.DataFrame({"lab_label": ["Labor B", "Labor C", "Labor A"], "stage": [1, 2, 3]})
    effects = pd.DataFrame(
        {
            "label": ["Labor A", "Labor B", "Labor C"],
            "estimate": [0.1, 0.2, 0.3],
            "ci_low": [0.0, 0.1, 0.2],
            "ci_high": [0.2, 0.3, 0.4],
        }
    )
    with house_style():
        axes = [
            plots.attainment_heatmap(status, order=order),
            plots.partner_composition(partners, order=order),
            plots.milestone_completion(milestones, order=order),
            plots.stage_overview(stages, order=order),
            plots.forest(effects, order=order),
        ]
    for ax in axes:
        assert [t.get_text() for t in ax.get_yticklabels()] == order
    # the numbers travel with their lab
    ov = axes[3]
    mesh = next(c for c in ov.collections if isinstance(c, QuadMesh))
    assert np.asarray(mesh.get_array()).reshape(3, 7).sum(axis=1).tolist() == [2, 3, 1]
    assert _bars(axes[1])["Labor C|Kommune"].get_width() == 3
    # a lab missing from the order comes last, a lab missing from the data is skipped
    with house_style():
        ax = plots.attainment_heatmap(status, order=["Labor B", "Labor Z"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Labor B", "Labor A", "Labor C"]
    plt.close("all")


def test_single_period_progress_is_points_not_a_trend_line():
    prog = pd.DataFrame(
        {
            "series": ["Output", "Outcome"],
            "period_label": ["SB1", "SB1"],
            "value": [0.3, 0.15],
            "expected": [0.25, 0.25],
        }
    )
    with house_style():
        ax = plots.indicator_progress(prog)
    lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
    for gid in ("Output", "Outcome", "target_path"):
        assert lines[gid].get_linestyle() == "None"
    assert lines["Output"].get_ydata().tolist() == pytest.approx([30])
    assert _layout_ok(ax) == []
    # two periods: lines again
    two = pd.concat([prog, prog.assign(period_label="SB2", value=[0.5, 0.4])])
    with house_style():
        ax = plots.indicator_progress(two)
    lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
    assert lines["Output"].get_linestyle() == "-"
    plt.close("all")


def test_progress_places_periods_at_their_dates():
    from datetime import date

    import matplotlib.dates as mdates

    prog = pd.DataFrame(
        {
            "series": ["Output"] * 3,
            "period_label": ["SB1", "SB2", "SB3"],
            "value": [0.1, 0.3, 0.5],
            "expected": [0.2, 0.4, 0.6],
        }
    )
    dates = {"SB1": date(2021, 3, 31), "SB2": date(2021, 9, 30), "SB3": date(2022, 9, 30)}
    with house_style():
        ax = plots.indicator_progress(prog, period_dates=dates)
    xs = next(ln for ln in ax.lines if ln.get_gid() == "Output").get_xdata()
    assert [mdates.num2date(x).date() for x in xs] == list(dates.values())
    # the second gap (a year) is twice the first (half a year)
    assert (xs[2] - xs[1]) / (xs[1] - xs[0]) == pytest.approx(365 / 183, rel=0.01)
    assert ax.get_xticklabels()[0].get_text() == "SB1\nMärz 2021"
    assert _layout_ok(ax) == []


SMALL_FIGURES = {
    "likert": lambda: plots.likert_bars(_likert_frame(), group="wave"),
    "likert_apart": lambda: plots.likert_bars(_likert_frame(), group="wave", neutral="apart"),
    "likert_9": lambda: plots.likert_bars(_likert_k(9)),
    "dots": lambda: plots.openness_dots(_openness(), lab="x"),
    "heatmap": lambda: plots.attainment_heatmap(
        pd.DataFrame(
            {
                "lab_label": ["A", "A", "B", "B"],
                "column": ["Input", "Output", "Input", "Output"],
                "status": ["achieved", "behind", "on_track", "no_data"],
            }
        )
    ),
    "progress": lambda: plots.indicator_progress(
        pd.DataFrame(
            {
                "series": ["Output"] * 3,
                "period_label": ["SB1", "SB2", "SB3"],
                "value": [0.1, 0.3, 0.5],
                "expected": [0.2, 0.4, 0.6],
            }
        )
    ),
    "partners": lambda: plots.partner_composition(
        pd.DataFrame(
            {
                "lab_label": ["A", "A", "B"],
                "kind_label": ["Kommune", "Zivilgesellschaft", "Kommune"],
                "n": [2, 5, 3],
            }
        )
    ),
    "milestones": lambda: plots.milestone_completion(
        pd.DataFrame(
            {
                "lab_label": ["A", "A", "B"],
                "completion": ["complete", "limited", "not_started"],
                "completion_label": ["Vollständig", "Begrenzt", "Nicht begonnen"],
                "share": [0.75, 0.25, 1.0],
            }
        )
    ),
    "overview": lambda: plots.stage_overview(
        pd.DataFrame({"lab_label": ["A", "B"], "stage": [3, 7]})
    ),
}


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name", sorted(SMALL_FIGURES))
def test_every_figure_passes_the_layout_check(name, lang):
    with house_style(lang=lang):
        ax = SMALL_FIGURES[name]()
        assert _layout_ok(ax) == []


@pytest.mark.parametrize(
    ("label", "width", "expected"),
    [
        # a compound breaks at its joint (Duden: Zi|vil|ge|sell|schaft; Zivil + Gesellschaft)
        ("Zivilgesellschaft", 12, ["Zivil-", "gesellschaft"]),
        ("Zivilgesellschaft", 16, ["Zivil-", "gesellschaft"]),
        ("Verwaltungsmitarbeitende", 14, ["Verwaltungs-", "mitarbeitende"]),
        ("Verwaltungsmitarbeitende", 20, ["Verwaltungs-", "mitarbeitende"]),
        ("Kommunalverwaltung", 15, ["Kommunal-", "verwaltung"]),
        ("Beteiligungsformate", 16, ["Beteiligungs-", "formate"]),
        ("Beteiligungsangebote", 17, ["Beteiligungs-", "angebote"]),
        ("Bürgerbeteiligung", 14, ["Bürger-", "beteiligung"]),
        ("Open-Government-Methoden", 17, ["Open-Government-", "Methoden"]),
        (
            "Werkstätten und Beteiligungsformate durchführen",
            15,
            ["Werkstätten und", "Beteiligungs-", "formate", "durchführen"],
        ),
        # where the joint would cost a line, a syllable break stays (and is counted)
        ("Zivilgesellschaft", 10, ["Zivilge-", "sellschaft"]),
        (
            "Verwaltung arbeitet mit der Zivilgesellschaft zusammen",
            16,
            ["Verwaltung", "arbeitet mit der", "Zivilgesell-", "schaft zusammen"],
        ),
    ],
)
def test_wrap_breaks_compounds_at_their_joint(label, width, expected):
    from ogl_impact.plots.style import syllable_breaks, wrap

    assert wrap(label, width).split("\n") == expected
    off_joint = {"Zivilge-", "Zivilgesell-"}  # breaks above inside a part of the compound
    assert syllable_breaks(label, width) == sum(line in off_joint for line in expected)


def test_model_diagram_breaks_compounds_at_their_joint():
    labels = [
        "Verwaltung arbeitet mit der Zivilgesellschaft zusammen",
        "Werkstätten und Beteiligungsformate durchführen",
        "Verwaltungsmitarbeitende kennen die Kommunalverwaltung",
    ]
    data = pd.DataFrame(
        {
            "node_id": ["a", "b", "c"],
            "level": ["input", "activity", "output"],
            "label": labels,
            "contributes_to": ["b", "c", None],
            "status": ["achieved", "on_track", "behind"],
        }
    )
    with house_style():
        ax = plots.impact_model(data)
    lines = [line for t in ax.texts for line in t.get_text().split("\n")]
    broken = [line.split()[-1] for line in lines if line.endswith("-")]
    assert broken, lines  # the labels do not fit a box whole
    joints = {"Zivil-", "Beteiligungs-", "Verwaltungs-", "Kommunal-"}
    assert set(broken) <= joints, lines
    plt.close(ax.figure)


def test_model_diagram_arrows_of_neighbouring_nodes_never_share_a_line_or_a_head():
    # five outcomes feeding each other (as in the demo labs' models), two outputs feeding back
    data = pd.DataFrame(
        {
            "node_id": ["in1", "op1", "op2", "op3", "oc1", "oc2", "oc3", "oc4", "oc5", "im1"],
            "level": ["input", *["output"] * 3, *["outcome"] * 5, "impact"],
            "label": [f"Knoten {i}" for i in range(10)],
            "contributes_to": [
                "op1",
                "op2",
                "op3|oc1",
                "op2|oc2",
                "oc3",
                "oc4",
                "oc5",
                "oc5",
                "im1",
                None,
            ],
            "status": ["achieved"] * 10,
        }
    )
    with house_style():
        ax = plots.impact_model(data)
    # the arrows' drawn paths hold their route (FancyArrowPatch keeps the path given)
    routes = {
        p.get_gid(): ax.transData.transform(p._path_original.vertices) * 25.4 / ax.figure.dpi
        for p in ax.patches
        if isinstance(p, FancyArrowPatch)
    }
    assert len(routes) == 11
    min_mm = 1.0
    segments = []
    for gid, xy in routes.items():
        for (xa, ya), (xb, yb) in itertools.pairwise(xy):
            if abs(xa - xb) < 1e-6:
                segments.append((gid, "v", xa, sorted([ya, yb])))
            elif abs(ya - yb) < 1e-6:
                segments.append((gid, "h", ya, sorted([xa, xb])))
    for i, (g1, d1, at1, (lo1, hi1)) in enumerate(segments):
        for g2, d2, at2, (lo2, hi2) in segments[i + 1 :]:
            if g1 == g2 or d1 != d2:
                continue
            shared = min(hi1, hi2) - max(lo1, lo2)
            if shared > 0:  # parallel over a stretch: far enough apart to read as two lines
                assert abs(at1 - at2) >= min_mm, (g1, g2, d1, abs(at1 - at2))
    # no two arrows start, or end, on the same point of a box
    for which in (0, -1):
        ends = [(gid, xy[which]) for gid, xy in routes.items()]
        for i, (g1, p1) in enumerate(ends):
            for g2, p2 in ends[i + 1 :]:
                assert np.hypot(*(p1 - p2)) >= min_mm, (g1, g2, which)
    plt.close(ax.figure)


def test_progress_lines_with_the_same_values_stand_side_by_side():
    from datetime import date

    import matplotlib.dates as mdates

    periods = ["SB1", "SB2", "SB3", "SB4"]
    values = [0.2, 0.45, 1.0, 1.0]  # Input and Aktivität move together, as in the demo data
    frame = pd.DataFrame(
        {
            "series": ["Input"] * 4 + ["Aktivität"] * 4,
            "period_label": periods * 2,
            "value": values * 2,
            "expected": [0.25, 0.5, 0.75, 1.0] * 2,
        }
    )
    dates = {p: date(2021, 1 + 3 * i, 28) for i, p in enumerate(periods)}
    with house_style():
        ax = plots.indicator_progress(frame, period_dates=dates)
    fig = ax.figure
    fig.canvas.draw()
    lines = {ln.get_gid(): ln for ln in ax.get_lines() if ln.get_gid() in {"Input", "Aktivität"}}
    mm = 25.4 / fig.dpi
    xy = {
        gid: ax.transData.transform(np.column_stack(ln.get_data())) * mm
        for gid, ln in lines.items()
    }
    # the values drawn are the values given ...
    for ln in lines.values():
        assert np.allclose(ln.get_ydata(), np.array(values) * 100)
    # ... and every period's two markers stand apart (markers 4 pt wide: at least 1 mm)
    apart = np.abs(xy["Input"][:, 0] - xy["Aktivität"][:, 0])
    assert (apart >= 1.0).all(), apart
    # within half the distance to the neighbouring period: a marker still reads as its period
    gaps = np.diff([ax.transData.transform((mdates.date2num(dates[p]), 0))[0] for p in periods])
    assert (apart < gaps.min() * mm / 2).all()
    plt.close(fig)
