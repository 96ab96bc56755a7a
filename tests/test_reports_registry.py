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
    # the tests read the tables, the gallery and the SVGs: no PNG or PDF needed
    build(ds, out, report_ids=["zb"], reps=99, formats=["svg"])
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
    # the partner table counts every row of the partner list, placeholders as their own bar
    partners = _csv(folder / "partner.csv")
    assert list(partners.columns) == ["lab_label", "kind_label", "n"]  # no ids, no helpers
    assert partners["n"].sum() == len(ds.partners) == 111
    not_named = partners[partners["lab_label"] == "nicht öffentlich genannt"]
    assert not_named["n"].sum() == ds.partners["lab_id"].isna().sum() == 53
    names = dict(zip(ds.labs["lab_id"], ds.labs["name"], strict=True))
    per_lab = ds.partners.dropna(subset=["lab_id"]).groupby("lab_id").size()
    drawn = partners.groupby("lab_label")["n"].sum()
    for lab, count in per_lab.items():
        assert drawn[names[lab].split(" (")[0].split("„")[0].strip()] == count


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
    assert f"„nicht öffentlich genannt“ ({ds.partners['lab_id'].isna().sum()} Partner)" in alt
    assert f"n = {len(ds.partners)}" in alt
    # the same text is the SVG's description
    svg = (folder / "partner.svg").read_text(encoding="utf-8")
    head = svg[: svg.index("<metadata")] if "<metadata" in svg else svg[:2000]
    assert "<title>Partner je Labor nach Art</title>" in head
    import html

    assert f"<desc>{html.escape(html.unescape(alt), quote=False)}</desc>" in head


def test_the_partner_caption_agrees_with_the_figure(zb_thin):
    ds, folder = zb_thin
    gallery = (folder / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<figure id="partner">.*?</figure>', gallery, re.S).group(0)
    caption = re.search(r"<figcaption><p><strong>.*?</strong>(.*?)</p>", card, re.S).group(1)
    total, named = len(ds.partners), int(ds.partners["lab_id"].notna().sum())
    # read aloud: every number in the caption is one the figure shows
    assert re.findall(r"\d+", caption) == [
        str(total),
        str(named),
        str(total - named),
    ]
    assert f"n = {total} ·" in card  # the footer's n is the bars' sum


def _with(demo, **tables):
    new = dict(demo.tables)
    new.update(tables)
    return replace(demo, tables=MappingProxyType(new))


def test_a_partner_list_without_placeholders_has_no_bar_for_them(demo):
    named = demo.partners.dropna(subset=["lab_id"]).reset_index(drop=True)
    try:
        (drawn,) = draw(_with(demo, partners=named), "zb", "partner")
    finally:
        plt.close("all")
    assert drawn.n == drawn.table["n"].sum() == len(named)
    assert "nicht öffentlich genannt" not in set(drawn.table["lab_label"])
    assert "nicht öffentlich" not in drawn.caption
    assert re.findall(r"\d+", drawn.caption) == [str(len(named))] * 2


def test_progress_without_aggregatable_indicators_says_why(demo):
    from ogl_impact.reports import NotEstimable

    alone = demo.indicators.assign(aggregatable=False)
    with pytest.raises(NotEstimable, match="zusammengefasst"):
        draw(_with(demo, indicators=alone), "sb3", "fortschritt")
    assert plt.get_fignums() == []


def _milestones_by_hand(report_day: str) -> tuple[dict[str, int], dict[str, int]]:
    """Due and ahead-of-plan milestones per lab, read straight from the demo's CSV."""
    import csv

    from .conftest import DEMO

    rows = list(
        csv.DictReader(
            (DEMO / "milestones.csv").open(encoding="utf-8").readlines()[1:], delimiter=";"
        )
    )
    periods = list(
        csv.DictReader((DEMO / "periods.csv").open(encoding="utf-8").readlines()[1:], delimiter=";")
    )
    period = next(p["period_id"] for p in periods if p["end"] == report_day)
    due: dict[str, int] = {}
    ahead: dict[str, int] = {}
    for r in rows:
        if r["period_id"] != period:
            continue
        if r["planned_date"] <= report_day:
            due[r["lab_id"]] = due.get(r["lab_id"], 0) + 1
        elif r["achieved_date"] and r["achieved_date"] <= report_day:
            ahead[r["lab_id"]] = ahead.get(r["lab_id"], 0) + 1
    return due, ahead


def test_the_sb1_milestone_figure_counts_the_ten_due(demo):
    due, ahead = _milestones_by_hand("2020-10-30")
    assert sum(due.values()) == 10 and sum(ahead.values()) == 1
    try:
        (drawn,) = draw(demo, "sb1", "meilensteine")
        table = drawn.table
        assert "lab_id" not in table.columns and "period_id" not in table.columns
        in_bars = table[table["completion"] != "ahead_of_plan"]
        apart = table[table["completion"] == "ahead_of_plan"]
        assert drawn.n == in_bars["n"].sum() == 10
        assert apart["n"].sum() == 1 and apart["share"].isna().all()
        # read aloud: 10 of the 54 due on 30 Oct 2020, 44 planned later, 1 of them achieved,
        # 3 labs without a milestone due (worked out from the CSV above)
        planned = len(demo.milestones[demo.milestones["period_id"] == "sb1"])
        labs_without = len(set(demo.labs["lab_id"]) - set(due))
        assert re.findall(r"\d+", drawn.caption.replace("30.10.2020", "")) == [
            "10",
            str(planned),
            str(planned - 10),
            "1",
            str(labs_without),
        ]
        assert "30.10.2020" in drawn.caption and labs_without == 3
        names = dict(zip(demo.labs["lab_id"], demo.labs["name"], strict=True))
        short = {lab: names[lab].split(" (")[0].split("„")[0].strip() for lab in names}
        per_lab = in_bars.groupby("lab_label")["n"].sum()
        for lab in names:
            assert per_lab.get(short[lab], 0) == due.get(lab, 0)
        texts = [t.get_text() for t in drawn.figure.axes[0].texts]
        assert "keiner fällig; 1 vorzeitig erreicht" in texts
    finally:
        plt.close("all")


def test_the_progress_figure_draws_the_network_rollup_of_logic(demo):
    from ogl_impact import logic, vocab
    from ogl_impact.reports import as_of

    ds = as_of(demo, find(demo.periods, "sb3").until)
    att = logic.attainment(ds)
    net = logic.rollup(att, by=["level", "period_id"], network=True, cap=True)
    try:
        (drawn,) = draw(demo, "sb3", "fortschritt")
    finally:
        plt.close("all")
    levels = {de: code for code, (de, _) in vocab.LEVELS.items()}
    got = drawn.table.assign(level=drawn.table["series"].map(levels))
    got = got.set_index(["level", "period_label"])["value"]
    want = net.dropna(subset=["mean_progress"]).assign(
        period_label=lambda f: f["period_id"].str.upper()
    )
    want = want.set_index(["level", "period_label"])["mean_progress"]
    assert sorted(got.index) == sorted(want.index)
    for key, value in want.items():
        assert got[key] == pytest.approx(value)
    assert (got <= 1).all()  # each indicator counted at most at 100 %


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
    # the largest (with any estimate equal to it as shown) is named first
    largest = drawn.alt_text.split("Größter Wert: ", 1)[1].split("; kleinster:", 1)[0]
    assert top["label"] in largest
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


def test_sb1_milestones_name_the_count_beside_every_lab():
    """Each of the 13 labs gets its note ("1 fällig", "keiner fällig"), wrapped names too."""
    import matplotlib.pyplot as plt

    from ogl_impact.dataset import load_demo
    from ogl_impact.reports.build import draw

    ds = load_demo()
    (drawn,) = draw(ds, "sb1", "meilensteine")
    notes = [t.get_text() for t in drawn.figure.axes[0].texts if "fällig" in t.get_text()]
    plt.close(drawn.figure)
    assert len(notes) == len(ds.labs)
    due = sum(int(t.split()[0]) for t in notes if t[0].isdigit())
    assert due == 10
