"""One declaration per figure, no backend switch, closed figures, data tables and alt texts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from types import MappingProxyType

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ogl_impact.plots import style
from ogl_impact.reports import FIGURES, build, context, declare, draw, find, reports
from ogl_impact.reports.figures import Panel
from ogl_impact.reports.render import draw_spec

INLINE = "module://matplotlib_inline.backend_inline"


def _python(code: str, **env: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **env},
        check=True,
    )
    return run.stdout.strip()


# --- backend ----------------------------------------------------------------------------------


def test_importing_the_reports_keeps_a_notebook_backend():
    code = (
        "import matplotlib; before = matplotlib.get_backend()\n"
        "import ogl_impact.reports, ogl_impact.reports.build\n"
        "print(before, matplotlib.get_backend(), sep='|')"
    )
    before, after = _python(code, MPLBACKEND=INLINE).split("|")
    assert before == after == INLINE


def test_importing_the_reports_chooses_no_backend():
    code = (
        "import matplotlib, ogl_impact.reports\nprint(matplotlib.rcParams._get_backend_or_none())"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "None"


def test_a_build_in_a_notebook_leaves_the_backend_and_the_open_figures_alone(tmp_path):
    code = (
        "import matplotlib.pyplot as plt, ogl_impact\n"
        "from ogl_impact.reports import build\n"
        "mine = plt.figure()\n"
        f"build(ogl_impact.load_demo(), __import__('pathlib').Path({str(tmp_path)!r}), "
        "report_ids=['sb1'], reps=9)\n"
        "import matplotlib\n"
        "print(matplotlib.get_backend(), plt.get_fignums(), sep='|')"
    )
    backend, open_figures = _python(code, MPLBACKEND=INLINE).split("|")
    assert backend == INLINE
    assert open_figures == "[1]"  # the caller's own figure, nothing else
    assert (tmp_path / "sb1" / "wirkungstreppe.png").exists()


def test_draw_gives_figures_that_a_notebook_shows(demo):
    before = set(plt.get_fignums())
    try:
        (drawn,) = draw(demo, "sb4", "wirkungstreppe")
        # managed by pyplot: the inline backend shows it at the end of the cell
        assert plt.fignum_exists(drawn.figure.number)
        assert set(plt.get_fignums()) - before == {drawn.figure.number}
        png = drawn._repr_png_()
        assert png.startswith(b"\x89PNG")
    finally:
        plt.close("all")


def test_a_figure_that_cannot_be_drawn_leaves_no_figure_open(demo, monkeypatch):
    from ogl_impact.reports import NotEstimable

    def plot_then_refuse(panel, ctx):
        style.figure()
        raise NotEstimable("zu wenige Labore")

    spec = FIGURES["wirkungstreppe"]
    monkeypatch.setitem(FIGURES, "wirkungstreppe", replace(spec, plot=plot_then_refuse))
    before = plt.get_fignums()
    with pytest.raises(NotEstimable, match="zu wenige Labore"):
        draw(demo, "sb4", "wirkungstreppe")
    assert plt.get_fignums() == before


# --- one declaration per figure -----------------------------------------------------------------


@pytest.fixture
def new_figure():
    """A figure declared by a test, removed afterwards."""

    def data(ctx):
        counts = ctx.data.partners.groupby("lab_id").size().rename("n").reset_index()
        return [Panel(counts, int(counts["n"].sum()), {"labs": len(counts)})]

    def plot(panel, ctx):
        fig, ax = style.figure(height_cm=6, layout="constrained")
        ax.barh(panel.frame["lab_id"], panel.frame["n"])  # 13 names side by side would overlap
        return fig

    def alt(panel, ctx):
        return f"Balken: Partner je Labor, {panel.values['labs']} Labore."

    declare(
        "partner_anzahl",
        title=("Zahl der Partner", "Number of partners"),
        data=data,
        plot=plot,
        caption=("Partner je Labor ({labs} Labore).", "Partners per lab ({labs} labs)."),
        alt=alt,
        reports=("sb1",),
        order=15,
        source="partners",
        tables=("partners",),
    )
    yield "partner_anzahl"
    del FIGURES["partner_anzahl"]


def test_one_declaration_adds_a_figure_to_its_reports(demo, new_figure, tmp_path):
    sb1 = find(demo.periods, "sb1")
    assert sb1.figures[:3] == ("wirkungstreppe", new_figure, "zielerreichung")
    assert new_figure not in find(demo.periods, "sb2").figures
    build(demo, tmp_path, report_ids=["sb1"], reps=9)
    folder = tmp_path / "sb1"
    for ext in ("png", "svg", "pdf", "csv"):
        assert (folder / f"{new_figure}.{ext}").exists()
    gallery = (folder / "index.html").read_text(encoding="utf-8")
    labs = demo.partners["lab_id"].nunique()
    assert f"<strong>Abbildung 2:</strong> Partner je Labor ({labs} Labore)." in gallery


def test_a_name_declared_twice_is_refused(new_figure):
    spec = FIGURES[new_figure]
    with pytest.raises(ValueError, match="declared twice"):
        declare(
            new_figure,
            title=spec.title,
            data=spec.data,
            plot=spec.plot,
            caption=spec.caption,
            alt=spec.alt,
            reports=spec.reports,
            order=spec.order,
            source=spec.source,
        )


def test_every_report_figure_is_declared_with_words_and_labels_from_vocab(demo):
    for report in reports(demo.periods):
        for name in report.figures:
            spec = FIGURES[name]
            assert report.report_id in spec.reports
            de, en = spec.title
            assert de and en and de != name  # a title in words, not the file name
    src = (
        __import__("pathlib").Path(__file__).resolve().parents[1] / "src" / "ogl_impact" / "reports"
    )
    text = "\n".join(p.read_text(encoding="utf-8") for p in src.rglob("*.py"))
    assert "KIND_LABELS" not in text and "LEVEL_LABELS" not in text
    assert "matplotlib.use(" not in text


# --- the written build: data tables, alt texts, numbers ----------------------------------------


@pytest.fixture(scope="module")
def zb_thin(demo, tmp_path_factory):
    """Report zb built from the demo data with Bremen's wave-2 answers cut to four people."""
    r = demo.responses
    cut = (r["unit_id"] == "bremen") & (r["wave"] == 2)
    keep = set(r.loc[cut, "respondent_id"].unique()[:4])
    tables = dict(demo.tables)
    tables["responses"] = r[~cut | r["respondent_id"].isin(keep)].reset_index(drop=True)
    ds = replace(demo, tables=MappingProxyType(tables))
    out = tmp_path_factory.mktemp("zb")
    build(ds, out, report_ids=["zb"], reps=99)
    return ds, out / "zb"


def _csv(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Zahlen der Abbildung")
    from io import StringIO

    return pd.read_csv(StringIO("\n".join(lines[1:])), sep=";", decimal=",")


def test_the_data_table_holds_the_numbers_drawn_and_hides_small_groups(zb_thin):
    ds, folder = zb_thin
    table = _csv(folder / "offenheit_radar.csv")
    assert "n" in table.columns
    bremen = table[table["unit_id"] == "bremen"]
    assert len(bremen) and bremen["suppressed"].all()
    assert bremen["score"].isna().all() and bremen["n"].isna().all()
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 5).all()
    # the partner table counts what the partner list holds
    partners = _csv(folder / "partner.csv")
    with_lab = ds.partners.dropna(subset=["lab_id"])
    assert partners["n"].sum() == len(with_lab)
    per_lab = with_lab.groupby("lab_id").size()
    assert partners.groupby("lab_id")["n"].sum().to_dict() == per_lab.to_dict()


def test_the_caption_says_what_is_suppressed_in_words(zb_thin):
    _, folder = zb_thin
    gallery = (folder / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<figure id="offenheit_radar">.*?</figure>', gallery, re.S).group(0)
    assert re.search(r"\d+ Werte sind zum Schutz der Befragten unterdrückt", card)
    # figure numbers run 1, 2, 3, ... over the drawn figures
    numbers = [int(n) for n in re.findall(r"<strong>Abbildung (\d+):</strong>", gallery)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 9


def test_the_alt_text_is_written_from_the_numbers(zb_thin):
    ds, folder = zb_thin
    gallery = (folder / "index.html").read_text(encoding="utf-8")
    alt = re.search(r'<figure id="partner">.*?alt="([^"]*)"', gallery, re.S).group(1)
    per_lab = ds.partners.dropna(subset=["lab_id"]).groupby("lab_id").size()
    names = dict(zip(ds.labs["lab_id"], ds.labs["name"], strict=True))
    top = per_lab.idxmax()
    assert f"({per_lab.max()})" in alt and names[top].split(" (")[0].split("„")[0].strip() in alt
    assert f"({per_lab.min()})" in alt
    assert f"n = {ds.partners['lab_id'].notna().sum()}" in alt
    # the same text is the SVG's description
    svg = (folder / "partner.svg").read_text(encoding="utf-8")
    head = svg[: svg.index("<metadata")] if "<metadata" in svg else svg[:2000]
    assert "<title>Partner je Labor nach Art</title>" in head
    import html

    assert f"<desc>{html.escape(html.unescape(alt), quote=False)}</desc>" in head


def test_no_figure_is_left_open_after_a_build(zb_thin):
    assert plt.get_fignums() == []


def test_the_effects_alt_text_names_the_largest_estimate(demo):
    ctx = context(demo, find(demo.periods, "sb4"), reps=99)
    try:
        (drawn,) = draw_spec("effekte", ctx)
    finally:
        plt.close("all")
    table = drawn.table.dropna(subset=["estimate"])
    top = table.loc[table["estimate"].idxmax()]
    assert f"Größter Wert: {top['label']} (" in drawn.alt_text
    assert f"für {len(table)} Skalen" in drawn.alt_text


def test_the_example_in_the_architecture_document_works(demo):
    from pathlib import Path

    from matplotlib.figure import Figure

    from ogl_impact import vocab
    from ogl_impact.reports.figures.base import LONG_REPORTS, Context, extremes

    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text("utf-8")
    code = re.search(r"## Adding a figure.*?```python\n(.*?)```", text, re.S).group(1)
    names = {
        "Figure": Figure,
        "vocab": vocab,
        "style": style,
        "LONG_REPORTS": LONG_REPORTS,
        "Context": Context,
        "Panel": Panel,
        "declare": declare,
        "extremes": extremes,
    }
    try:
        exec(code, names)
        assert "partnerarten" in find(demo.periods, "pb").figures
        (drawn,) = draw(demo, "zb", "partnerarten")
        kinds = demo.partners.dropna(subset=["lab_id"])["kind"].nunique()
        assert drawn.caption == f"Partner aller Labore nach Art ({kinds} Arten)."
        assert drawn.table["n"].sum() == demo.partners["lab_id"].notna().sum()
    finally:
        FIGURES.pop("partnerarten", None)
        plt.close("all")
