"""A few image baselines: fixed DPI, bundled DejaVu fonts, matplotlib defaults, tolerance.

The baselines in tests/baseline_images were drawn once and checked by eye;
they guard against unintended changes of the house style. To redraw them
after an intended change: ``OGL_IMPACT_NEW_BASELINES=1 pytest tests/test_plot_images.py``.
"""

import os
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images

from ogl_impact import plots
from ogl_impact.plots.style import house_style

BASELINES = Path(__file__).parent / "baseline_images"
LABELS = ["gar nicht", "eher nicht", "teils", "eher ja", "voll"]


def _likert():
    rows = []
    for item, pct in (
        ("Vertrauen Verwaltung", [10, 20, 30, 25, 15]),
        ("Vertrauen Rat", [5, 15, 20, 40, 20]),
    ):
        for v, (lab, x) in enumerate(zip(LABELS, pct, strict=True), 1):
            rows.append((item, v, lab, float(x)))
    data = pd.DataFrame(rows, columns=["item_id", "value", "label", "percent"])
    return plots.likert_bars(data)


def _forest():
    data = pd.DataFrame(
        {
            "label": ["Transparenz", "Beteiligung", "Vertrauen"],
            "estimate": [0.12, 0.31, -0.05],
            "ci_low": [-0.02, 0.15, -0.21],
            "ci_high": [0.26, 0.47, 0.11],
            "evidence": ["MSMS 3"] * 3,
        }
    )
    return plots.forest(data)


def _heatmap():
    data = pd.DataFrame(
        {
            "lab_label": ["Labor A"] * 3 + ["Labor B"] * 3,
            "column": ["Input", "Output", "Outcome"] * 2,
            "status": ["achieved", "on_track", "behind", "achieved", "no_data", "on_track"],
        }
    )
    return plots.attainment_heatmap(data)


def _model():
    data = pd.DataFrame(
        {
            "node_id": ["in1", "ac1", "ac2", "op1", "oc1", "im1"],
            "level": ["input", "activity", "activity", "output", "outcome", "impact"],
            "label": [
                "Fördermittel des Bundes",
                "Beteiligungsworkshops",
                "Datenveröffentlichung",
                "Teilnehmende Bürgerinnen und Bürger",
                "Beteiligungsbereitschaft steigt",
                "Vertrauen in die Kommunalverwaltung",
            ],
            "contributes_to": ["ac1|ac2", "op1", "op1|oc1", "oc1", "im1", None],
            "status": ["achieved", "behind", "on_track", "achieved", "no_data", "no_data"],
        }
    )
    return plots.impact_model(data)


def _radar():
    perspectives = ["Transparenz", "Beteiligung", "Kooperation", "Daten", "Innovation"]
    data = pd.DataFrame(
        {
            "unit_id": ["L1"] * 5,
            "perspective": perspectives,
            "score": [3.8, 3.1, 4.2, 2.6, 3.4],
            "network_mean": [3.4, 3.3, 3.6, 3.0, 3.2],
        }
    )
    return plots.openness_radar(data, lab="L1", title="Labor 1")


def _progress_one_period():
    data = pd.DataFrame(
        {
            "series": ["Output", "Outcome"],
            "period_label": ["SB1", "SB1"],
            "value": [0.35, 0.1],
            "expected": [0.25, 0.25],
        }
    )
    return plots.indicator_progress(data)


@pytest.mark.parametrize(
    "name,draw",
    [
        ("likert", _likert),
        ("forest", _forest),
        ("heatmap", _heatmap),
        ("model", _model),
        ("radar", _radar),
        ("progress_one_period", _progress_one_period),
    ],
)
def test_image_matches_baseline(name, draw, tmp_path):
    mpl.rcdefaults()
    with house_style():
        ax = draw()
        fig = ax.figure
        actual = tmp_path / f"{name}.png"
        fig.savefig(actual, dpi=72, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("OGL_IMPACT_NEW_BASELINES"):
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline {expected}"
    assert compare_images(str(expected), str(actual), tol=3) is None
