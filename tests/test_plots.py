"""Plots are tested by what they drew: bar lengths, absent groups, labels, formats."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.patches import FancyBboxPatch, Rectangle

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
    # item order as asked: b above a
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels.index("b") < labels.index("a")


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


def test_forest_prints_german_numbers_and_skips_suppressed():
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
        ax = plots.forest(data)
    texts = [t.get_text() for t in ax.texts]
    assert "0,32 [0,17; 0,46]   MSMS 3" in texts
    assert not any("9,00" in t for t in texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Vertrauen", "Transparenz"]
    ivs = {ln.get_gid(): ln.get_xdata().tolist() for ln in ax.lines if ln.get_gid()}
    assert ivs["Vertrauen"] == [0.173, 0.46]


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
    arrows = {t.get_gid() for t in ax.texts if t.get_gid()}
    assert arrows == {"in1->ac1", "ac1->op1", "op1->oc1"}
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
