"""Honest labels: "keine Daten" for groups without answers, suppressed waves said so.

Crafted from the embedded tables (see :func:`tests.test_audit.crafted`):
a lab of 4 in the last wave (suppressed) whose respondents answered no
question of the first perspective, and a last wave of 3 respondents only.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ogl_impact import vocab
from ogl_impact.dataset import load
from ogl_impact.privacy import Disclosure
from ogl_impact.reports import context, draw, find
from ogl_impact.reports.audit import audit
from ogl_impact.reports.build import build

from .conftest import DEMO, read_rows, write_rows
from .test_audit import LABS, WAVE, crafted

SUPPRESSED = "unterdrückt (n < 5)"


def _drop_answers(folder: Path, unit: str, wave: str, prefix: str) -> None:
    """Remove every answer of ``unit`` in ``wave`` to the items starting with ``prefix``."""
    rows = read_rows(folder / "responses.csv")
    header = rows[1]
    col = {c: i for i, c in enumerate(header)}
    body = [
        r
        for r in rows[2:]
        if not (
            r[col["unit_id"]] == unit
            and r[col["wave"]] == wave
            and r[col["item_id"]].startswith(prefix)
        )
    ]
    write_rows(folder / "responses.csv", rows[:2] + body)


@pytest.fixture(scope="module")
def silent_perspective(tmp_path_factory: pytest.TempPathFactory):
    """A lab of 4 (suppressed) beside labs of 6 and 6; the lab of 4 never answered p1."""
    sizes = {LABS[0]: 4, LABS[1]: 6, LABS[2]: 6, **dict.fromkeys(LABS[3:], 0)}
    folder = crafted(tmp_path_factory.mktemp("silent"), sizes, 6)
    _drop_answers(folder, LABS[0], WAVE, "p1_")
    return load(folder)


@pytest.fixture(scope="module")
def thin_wave(tmp_path_factory: pytest.TempPathFactory):
    """The last wave holds one lab's 3 respondents and nothing else."""
    return load(crafted(tmp_path_factory.mktemp("thin"), {LABS[0]: 3}, 0))


def test_disclosure_says_keine_daten_for_a_group_of_nobody():
    d = Disclosure()
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b", "b", "c", "c"],
            "perspective": ["p1", "p2"] * 3,
            "n": [0, 4, 0, 9, 8, 7],
            "score": [float("nan"), 3.0, float("nan"), 2.5, 4.0, 3.5],
        }
    )
    out = d.protect(frame, groups=["unit_id"], fixed={"wave": 3}, variables=["perspective"])
    notes = dict(zip(out["unit_id"] + "/" + out["perspective"], out["note"], strict=True))
    # nobody answered p1 in a and b: b (shown) reads no data; a is hidden in p2, so its 0 in
    # p1 is withheld too (a published 0 would leave a's complement alone in p1's rest)
    assert notes["b/p1"] == "keine Daten"
    assert notes["a/p1"] == SUPPRESSED and notes["a/p2"] == SUPPRESSED
    assert not out.loc[out["note"] == "keine Daten", "suppressed"].any()
    assert (out.loc[out["note"] == "keine Daten", "n"] == 0).all()
    # a group of nobody is not counted among the suppressed groups of the report
    # (no total is shown here, so no complement is needed): lab a only, not lab b
    assert d.suppressed_count() == 1
    assert Disclosure(lang="en").no_data == "no data"


def test_a_perspective_without_answers_in_a_suppressed_lab_reads_keine_daten(
    silent_perspective,
):
    ds = silent_perspective
    ctx = context(ds, find(ds.periods, "pb"), reps=99)
    radar = draw(ds, "pb", "offenheit_radar", ctx=ctx)[0]
    table = radar.table
    small = table[table["unit_id"] == LABS[0]].set_index("perspective")
    # the data table: the one perspective nobody answered is withheld like the rest (a 0 beside
    # the hidden perspectives would give the lab's n back through its complement)
    assert small.loc["Transparenz", "note"] == SUPPRESSED
    assert small.loc["Transparenz", "suppressed"]
    others = small.drop(index="Transparenz")
    assert (others["note"] == SUPPRESSED).all() and others["suppressed"].all()
    assert others["n"].isna().all()
    # a cell of nobody needs no complement, but the lab of 6 hidden beside the lab of 4 in
    # the other perspectives stays hidden in Transparenz: shown there with 6, it would give
    # the lab of 4 away (rest of another perspective minus 6; issue 14, finding 1)
    shown = table[(table["perspective"] == "Transparenz") & (table["unit_id"] != LABS[0])]
    assert shown["suppressed"].sum() == 1 and (shown["n"].dropna() == 6).all()
    fate = table[table["unit_id"] != LABS[0]].groupby("unit_id")["suppressed"].agg(set)
    assert sorted(map(sorted, fate)) == [[False], [True]]
    # caption: suppressed values are counted without the cell of nobody, which is named apart
    hidden = int(table["suppressed"].sum())
    assert f"{hidden} Werte sind zum Schutz der Befragten {SUPPRESSED}" in radar.caption
    # the withheld 0 is not named as a cell without answers anywhere
    assert "ohne jede Antwort" not in radar.caption
    name = small["lab_label"].iloc[0]
    assert f"Keine Daten (keine Antworten): {name}" not in radar.alt_text
    # values are shown for one lab of 6; the lab of 4 has none and is not counted as a lab
    # with values
    assert "(Skala 1-5) für 1 Labor," in radar.alt_text
    assert f"; 2 Labore: {SUPPRESSED}." in radar.alt_text
    assert "  " not in radar.alt_text
    # the figure: the suppressed lab's panel reads the suppression label, not "keine Daten"
    first = radar.figure.axes[0]  # the panels follow the labs' order; LABS[0] comes first
    # (under the disc; the ring numbers stand in the empty panel too)
    assert [t.get_text() for t in first.texts if t.get_gid() != "ring"] == [SUPPRESSED]
    plt.close(radar.figure)


def test_a_built_report_with_a_cell_of_nobody_passes_the_audit(
    silent_perspective, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from ogl_impact.reports import registry

    survey = ("offenheit_radar", "offenheit_punkte")
    monkeypatch.setattr(registry, "figures_of", lambda rid: survey)
    # the audit reads the page, the tables and the SVGs (a PNG's or PDF's text is its SVG's)
    build(silent_perspective, tmp_path, report_ids=["pb"], reps=99, jobs=1, formats=["svg"])
    folder = tmp_path / "pb"
    assert audit(folder) == []
    page = (folder / "index.html").read_text(encoding="utf-8")
    # the 0 of the hidden lab is withheld, not announced as a cell without answers
    assert "ohne jede Antwort" not in page
    assert "ergänzend unterdrückt sind, damit sich keine kleine Gruppe errechnen lässt" in page


def test_likert_alt_text_says_a_fully_masked_wave_is_suppressed(thin_wave):
    ds = thin_wave
    likert = draw(ds, "pb", "vertrauen_likert", reps=99)[0]
    table, alt = likert.table, likert.alt_text
    assert table.loc[table["wave"] == int(WAVE), "suppressed"].all()
    assert f"Welle {WAVE}: {SUPPRESSED}, zum Schutz der Befragten nicht gezeigt." in alt
    assert "in den Wellen 1, 2." in alt
    # no number of the suppressed wave: it appears only in the sentence that hides it
    assert len(re.findall(rf"Welle {WAVE}\b", alt)) == 1
    # the caption explains the one label for primary and complementary suppression
    assert (
        "Gruppen unter 5 Befragten oder ergänzend unterdrückt, damit sich keine kleine Gruppe "
        "errechnen lässt." in likert.caption
    )
    # the figure says it too, where the bars of the wave would be missing without a word
    # (the line under its title)
    assert likert.figure.get_suptitle().split("\n") == [
        "Vertrauen in Verwaltung und Rat",
        f"Welle {WAVE}: {SUPPRESSED}, zum Schutz der Befragten nicht gezeigt.",
    ]
    plt.close(likert.figure)


def test_german_dates_have_two_digit_day_and_month_everywhere(reports_ds_or_demo):
    assert vocab.date_text(date(2021, 6, 30)) == "30.06.2021"
    assert vocab.date_text(pd.Timestamp("2021-04-01"), "en") == "2021-04-01"
    drawn = draw(reports_ds_or_demo, "sb1", "meilensteine", reps=99)[0]
    day = pd.Timestamp(
        reports_ds_or_demo.periods.set_index("period_id").at["sb1", "end"]
    ).to_pydatetime()
    # the caption states the report date as the gallery does: dd.mm.yyyy
    assert f"{day.day:02d}.{day.month:02d}.{day.year}" in drawn.caption
    assert not re.search(r"\b\d{1,2}\.\d\.\d{4}", drawn.caption)
    plt.close(drawn.figure)


@pytest.fixture(scope="module")
def reports_ds_or_demo():
    from .conftest import DEMO

    return load(DEMO)


def test_a_group_masked_upstream_is_counted_as_suppressed_not_as_nobody():
    # a library's min_n already masked item tr_2 of wave 1 (n missing): it had respondents
    # (issue 14, finding 5: the gallery said 0 groups suppressed, the caption 20 values)
    frame = pd.DataFrame(
        {
            "wave": [1, 1, 2, 2],
            "item_id": ["tr_1", "tr_2", "tr_1", "tr_2"],
            "n": [40, np.nan, 0, 35],
            "percent": [50.0, np.nan, np.nan, 20.0],
        }
    )
    d = Disclosure()
    d.protect(frame, groups=["wave"], variables=["item_id"])
    out = d.protect(frame, groups=["wave"], variables=["item_id"]).set_index(["wave", "item_id"])
    assert out.loc[(1, "tr_2"), "note"] == SUPPRESSED and out.loc[(1, "tr_2"), "suppressed"]
    assert out.loc[(2, "tr_1"), "note"] == "keine Daten"
    # wave 1's tr_1 is hidden beside it (same respondents, other item); wave 2 is shown
    assert out.loc[(1, "tr_1"), "suppressed"] and not out.loc[(2, "tr_2"), "suppressed"]
    assert d.suppressed_count() == 1  # one group of respondents: wave 1


@pytest.fixture(scope="module")
def trust_only(tmp_path_factory: pytest.TempPathFactory):
    """Labs of 6 and 6; a third lab's 3 respondents of the last wave answered only trust items."""
    sizes = {LABS[0]: 3, LABS[1]: 6, LABS[2]: 6, **dict.fromkeys(LABS[3:], 0)}
    folder = crafted(tmp_path_factory.mktemp("trust_only"), sizes, 6)
    for prefix in ("p", "sa_"):
        _drop_answers(folder, LABS[0], WAVE, prefix)
    return load(folder)


def test_the_openness_n_counts_only_respondents_in_what_is_drawn(trust_only):
    # issue 14, finding 6: the 3 who answered no perspective are in no drawn number
    ds = trust_only
    ctx = context(ds, find(ds.periods, "pb"), reps=99)
    radar = draw(ds, "pb", "offenheit_radar", ctx=ctx)[0]
    table = radar.table
    assert LABS[0] not in set(table.loc[table["n"] > 0, "unit_id"])
    assert table["network_n"].max() == 12  # the network mean: the two labs of 6
    assert radar.alt_text.endswith("n = 12.")
    plt.close(radar.figure)


def test_the_alt_text_counts_a_partly_shown_lab_once(thin_wave):
    # issue 14, finding 8: a lab with some values shown and some suppressed was counted both
    # among the labs with values and among the suppressed labs
    from ogl_impact.reports.figures.base import Panel
    from ogl_impact.reports.figures.survey import _openness_alt

    ctx = context(thin_wave, find(thin_wave.periods, "pb"), reps=99)
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b", "b", "c", "c"],
            "lab_label": ["Aach", "Aach", "Bach", "Bach", "Cach", "Cach"],
            "perspective": ["P1", "P2"] * 3,
            "score": [3.0, 3.5, 2.0, np.nan, np.nan, np.nan],
            "n": [20, 21, 30, np.nan, np.nan, np.nan],
            "network_mean": [3.0, 3.1] * 3,
            "network_n": [90, 92] * 3,
            "suppressed": [False, False, False, True, True, True],
            "note": ["", "", "", SUPPRESSED, SUPPRESSED, SUPPRESSED],
        }
    )
    alt = _openness_alt(Panel(frame, 92, {"wave": 3}), ctx)
    # a fully shown, b partly, c fully suppressed: 2 labs with values, 1 of them in part, 1 gone
    assert "für 2 Labore," in alt
    assert f"davon 1 Labor nur teilweise (einzelne Werte: {SUPPRESSED})" in alt
    assert f"; 1 Labor: {SUPPRESSED}." in alt


def test_the_data_protection_page_says_what_a_zero_inside_a_suppressed_lab_reads():
    """docs/datenschutz.md said "keine Daten" also inside a suppressed lab (third hostile test,
    N7); the code withholds that 0, and the page must say so, with its own example."""
    page = (Path(__file__).parents[1] / "docs" / "datenschutz.md").read_text(encoding="utf-8")
    paragraphs = re.split(r"\n\s*\n", page)
    rule = next(p for p in paragraphs if p.startswith("**„keine Daten“**"))
    assert "unterdrückten Labors" not in rule
    exception = next(p for p in paragraphs if p.startswith("**Ausnahme: die 0 eines Labors"))
    stated = re.search(r"\*\*„(unterdrückt \(n < \d\))“\*\*", exception).group(1)
    # the page's example: A 3 in perspective 1 and nobody in perspective 2, B 50 beside it
    text = exception.replace("\n", " ")
    a = int(re.search(r"die (\d+) Befragten von A", text).group(1))
    b = int(re.search(r"B mit (\d+) Befragten", text).group(1))
    frame = pd.DataFrame(
        {
            "unit_id": ["A", "B", "C", "D"] * 2,
            "perspective": ["1"] * 4 + ["2"] * 4,
            "n": [a, b, 60, 70, 0, b, 60, 70],
            "score": [3.0, 2.5, 2.7, 3.1, np.nan, 2.4, 2.8, 3.0],
        }
    )
    frame["network_n"] = frame.groupby("perspective")["n"].transform("sum")
    frame["network_mean"] = 2.9
    d = Disclosure()
    options = {"groups": ["unit_id"], "fixed": {"wave": 3}, "variables": ["perspective"]}
    d.protect(frame, **options)
    out = d.protect(frame, **options).set_index(["unit_id", "perspective"])
    assert out.loc[("A", "2"), "note"] == stated == d.label
    assert out.loc[("A", "2"), "suppressed"] and np.isnan(out.loc[("A", "2"), "n"])
    assert out.loc[("B", "2"), "suppressed"]


# --- the forest plot of notebook 4.0 (fourth hostile test, R4-F4) -----------------------------


def test_the_forest_plot_keeps_a_suppressed_row_with_its_label_and_no_interval(tmp_path: Path):
    from ogl_impact import plots

    data = pd.DataFrame(
        {
            "label": ["Bad Belzig und Wiesenburg/Mark", "Kehl", "Bremen", "alle"],
            # the suppressed row still carries numbers, as a careless caller might pass them
            "estimate": [0.3, 0.9, np.nan, 0.15],
            "ci_low": [0.0, 0.5, np.nan, 0.02],
            "ci_high": [0.6, 1.3, np.nan, 0.3],
            "suppressed": [False, True, False, False],
        }
    )
    with plots.house_style("de"):
        ax = plots.forest(data, k=6)
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        words = {
            t.get_gid().split(":", 1)[1]: t.get_text()
            for t in ax.texts
            if (t.get_gid() or "").startswith("estimate:")
        }
        lines = {ln.get_gid() for ln in ax.lines}
        points = ax.collections[0].get_offsets()
        ax.figure.savefig(tmp_path / "forest.png", dpi=300, bbox_inches="tight")
        plt.close(ax.figure)
    assert ticks == ["Bad Belzig und Wiesenburg/Mark", "Kehl", "Bremen", "alle"]
    assert words["Kehl"] == "unterdrückt (n < 6)" and words["Bremen"] == "keine Daten"
    assert "Kehl" not in lines and "Bremen" not in lines
    # no point of the suppressed row: only the two shown estimates, none at 0.9
    assert len(points) == 2 and 0.9 not in points[:, 0]
    # without k, the row's own label (as Disclosure.protect writes it) is used
    with plots.house_style("de"):
        ax = plots.forest(data.assign(note=["", "unterdrückt (n < 7)", "", ""]))
        assert "unterdrückt (n < 7)" in [t.get_text() for t in ax.texts]
        plt.close(ax.figure)
        with pytest.raises(ValueError, match="k="):
            plots.forest(data)


# --- the effects figure (sixth hostile test): a scale with a small cell stays on the axis ------


@pytest.fixture(scope="module")
def thin_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded tables where only 4 lab respondents of the last wave answered p7.

    Two respondents in each of two labs keep their p7 answers; every other
    lab respondent of the wave skipped the scale (its rows are gone). The
    lab cell of wave 3 in the model of p7 then holds 4 respondents (< k = 5);
    every other scale keeps all its answers.
    """
    folder = tmp_path_factory.mktemp("thin_scale") / "raw"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("truth"))
    rows = read_rows(folder / "responses.csv")
    col = {c: i for i, c in enumerate(rows[1])}
    keep: set[str] = set()
    for lab in LABS[:2]:
        ids = [
            r[col["respondent_id"]]
            for r in rows[2:]
            if (r[col["unit_id"]], r[col["wave"]]) == (lab, WAVE)
        ]
        keep |= set(list(dict.fromkeys(ids))[:2])
    body = [
        r
        for r in rows[2:]
        if not (
            r[col["wave"]] == WAVE
            and r[col["unit_id"]] in LABS
            and r[col["item_id"]].startswith("p7_")
            and r[col["respondent_id"]] not in keep
        )
    ]
    write_rows(folder / "responses.csv", rows[:2] + body)
    return folder


def _scale_name(ds, lang: str) -> str:
    names = ds.perspectives.set_index("perspective_id")
    return str(names.at["p7", "name_de" if lang == "de" else "name_en"])


@pytest.mark.parametrize(
    ("lang", "label", "said"),
    [
        ("de", SUPPRESSED, "für 8 Skalen (Skalenpunkte); 1 Skala: unterdrückt (n < 5)."),
        ("en", "suppressed (n < 5)", "for 8 scales (scale points); 1 scale: suppressed (n < 5)."),
    ],
)
def test_a_suppressed_scale_keeps_its_row_in_the_effects_figure(
    thin_scale: Path, lang: str, label: str, said: str
):
    ds = load(thin_scale)
    name = _scale_name(ds, lang)
    drawn = draw(ds, "pb", "effekte", lang=lang, reps=99)[0]
    table = drawn.table.set_index("label")
    # the table: the scale's row is kept, marked, with its label and not one number
    assert name in table.index and len(table) == 9
    row = table.loc[name]
    assert bool(row["suppressed"]) and row["note"] == label
    for column in ("estimate", "ci_low", "ci_high", "n", "evidence"):
        assert pd.isna(row[column]), column
    # the other eight scales are shown as before, with their numbers
    others = table.drop(index=name)
    assert not others["suppressed"].any() and others["estimate"].notna().all()
    # the figure: the scale stays on the axis, reads the label, has no interval and no point
    ax = drawn.figure.axes[0]
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert name in ticks and len(ticks) == 9
    words = {
        (t.get_gid() or "").split(":", 1)[-1]: t.get_text()
        for t in ax.texts
        if (t.get_gid() or "").startswith("estimate:")
    }
    assert words[name] == label
    assert name not in {ln.get_gid() for ln in ax.lines}
    points = ax.collections[0].get_offsets()
    assert len(points) == 8 and ticks.index(name) not in set(points[:, 1])
    # the alt text counts it, the caption says why a value is missing
    assert said in drawn.alt_text
    assert ("1 Wert ist zum Schutz" if lang == "de" else "1 value is") in drawn.caption
    plt.close(drawn.figure)


def test_a_report_with_a_suppressed_scale_in_the_effects_passes_the_audit(
    thin_scale: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from ogl_impact.reports import registry

    monkeypatch.setattr(registry, "figures_of", lambda rid: ("effekte",))
    ds = load(thin_scale)
    build(ds, tmp_path, report_ids=["pb"], reps=99, jobs=1, formats=["svg"])  # texts only
    folder = tmp_path / "pb"
    assert audit(folder) == []
    # the published CSV keeps the row: suppressed, every number empty (never the n)
    rows = read_rows(folder / "effekte.csv")
    start = next(i for i, r in enumerate(rows) if r and r[0] == "label")
    header, body = rows[start], rows[start + 1 :]
    row = dict(zip(header, next(r for r in body if r[0] == _scale_name(ds, "de")), strict=True))
    assert row["suppressed"].lower() == "true" and row["note"] == SUPPRESSED
    assert all(row[c] == "" for c in ("estimate", "ci_low", "ci_high", "n", "evidence"))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "für 8 Skalen (Skalenpunkte); 1 Skala: unterdrückt (n &lt; 5)." in page
