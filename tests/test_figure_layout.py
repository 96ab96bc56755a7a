"""Every figure of every report passes the layout check, and the build enforces it.

The check is judged on the area the build saves (``Drawn.bbox``), at the
print resolution the build lays the figures out at. A broken declaration
(text placed outside the figure) must stop the build with one line naming
report, figure and problem, before anything is swapped in.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from ogl_impact import cli
from ogl_impact.plots.layout import PRINT_WIDTH_CM, check_layout
from ogl_impact.plots.style import house_style
from ogl_impact.reports import FIGURES, build, context, reports
from ogl_impact.reports.build import _tasks
from ogl_impact.reports.estimable import NotEstimable
from ogl_impact.reports.render import LayoutError, draw_spec, shared_text_metrics

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "raw"
REPORTS = ("sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_demo_data_have_the_reports_checked_here(demo):
    assert tuple(r.report_id for r in reports(demo.periods)) == REPORTS


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("report_id", REPORTS)
def test_every_figure_passes_the_layout_check_on_the_saved_area(demo, report_id, lang):
    report = next(r for r in reports(demo.periods) if r.report_id == report_id)
    ctx = context(demo, report, lang=lang, reps=99)
    checked, problems = [], []
    # text sizes shared across renderers, as the build checks them (the same sizes, sooner)
    with house_style(lang), shared_text_metrics():
        for name, lab in _tasks(report, demo):
            try:
                drawn = draw_spec(name, replace(ctx, only_lab=lab))
            except NotEstimable:
                continue
            for d in drawn:
                try:
                    # the saved area is as wide as the printed column, never wider
                    assert d.bbox.width == pytest.approx(d.figure.get_figwidth())
                    assert d.bbox.width * 2.54 <= PRINT_WIDTH_CM + 0.01
                    problems += [f"{d.name}: {p}" for p in check_layout(d.figure, bbox=d.bbox)]
                    checked.append(d.name)
                finally:
                    plt.close(d.figure)
    assert checked, "no figure drawn"
    assert problems == []


def _text_outside(spec):
    def plot(panel, ctx):
        fig = spec.plot(panel, ctx)
        # what a careless edit does: a note that starts near the right edge and runs past it
        fig.text(0.97, 0.5, "Anmerkung zur Abbildung")
        return fig

    return replace(spec, plot=plot)


def test_a_figure_with_a_layout_problem_fails_the_build_before_anything_is_swapped_in(
    demo, tmp_path, monkeypatch
):
    out = tmp_path / "figures"
    build(demo, out, report_ids=["sb1"], reps=99)
    before = _digest(out / "sb1")
    monkeypatch.setitem(FIGURES, "wirkungstreppe", _text_outside(FIGURES["wirkungstreppe"]))
    with pytest.raises(LayoutError) as caught:
        build(demo, out, report_ids=["sb1"], reps=99)
    message = str(caught.value)
    assert message.startswith("Bericht sb1, Abbildung wirkungstreppe: Layout fehlerhaft")
    assert "Text ragt aus der Abbildung: 'Anmerkung zur Abbildung'" in message
    assert _digest(out / "sb1") == before  # the earlier figures are intact
    assert not list(out.glob(".*staging"))


def test_the_layout_error_names_report_and_figure_in_english_too(demo, tmp_path, monkeypatch):
    monkeypatch.setitem(FIGURES, "wirkungstreppe", _text_outside(FIGURES["wirkungstreppe"]))
    with pytest.raises(LayoutError, match=r"^report sb2, figure wirkungstreppe: layout problem"):
        build(demo, tmp_path / "f", report_ids=["sb2"], lang="en", reps=99)
    assert not (tmp_path / "f" / "sb2").exists()


def test_the_command_line_says_which_figure_fails_without_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setitem(FIGURES, "wirkungstreppe", _text_outside(FIGURES["wirkungstreppe"]))
    monkeypatch.delenv("OGL_IMPACT_DEBUG", raising=False)
    err = io.StringIO()
    args = ["figures", "--report", "sb1", "--data", str(DEMO_DIR), "--out", str(tmp_path / "f")]
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main([*args, "--jobs", "1", "--quiet"])
    assert status == 1
    assert "Traceback" not in err.getvalue()
    assert "interner Fehler" not in err.getvalue()
    lines = [line for line in err.getvalue().splitlines() if "wirkungstreppe" in line]
    assert len(lines) == 1
    assert "Bericht sb1" in lines[0] and "Text ragt aus der Abbildung" in lines[0]
    assert not (tmp_path / "f" / "sb1").exists()


def test_the_figures_are_left_open_for_nobody_after_a_layout_failure(demo, tmp_path, monkeypatch):
    monkeypatch.setitem(FIGURES, "wirkungstreppe", _text_outside(FIGURES["wirkungstreppe"]))
    opened = set(plt.get_fignums())
    with pytest.raises(LayoutError):
        build(demo, tmp_path / "f", report_ids=["sb1"], reps=99)
    assert set(plt.get_fignums()) == opened
