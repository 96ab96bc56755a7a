"""Thin data: a report is built, and what cannot be estimated is named with its reason.

The datasets are the embedded tables cut the way a small programme or a
poorly answered wave really looks: a wave holding one lab's three
respondents, one lab only, two labs only, items and scales without any
variance. Every report of the registry is built from one of them through the
command line (``ogl_impact.cli.main``); each build must exit 0, print no
"interner Fehler" and list the figures it could not estimate, with the
reason, in the report's gallery.
"""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import ogl_impact.reports as reports_pkg
from ogl_impact import stats
from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.reports import FIGURES, NotEstimable, build, draw
from ogl_impact.reports.estimable import numerical_failures
from ogl_impact.reports.figures import survey as survey_figures

from .conftest import DEMO, read_rows, write_rows

PER_CELL = 6  # respondents kept per unit and wave (above k = 5: figures have data)
FORMATS = ("png", "svg", "pdf")


# --- crafting the thin datasets -------------------------------------------------------------


def _keep(folder: Path, table: str, predicate) -> None:
    rows = read_rows(folder / f"{table}.csv")
    header = rows[1]
    body = [r for r in rows[2:] if predicate(dict(zip(header, r, strict=True)))]
    write_rows(folder / f"{table}.csv", rows[:2] + body)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded tables with the first PER_CELL respondents of every unit and wave."""
    folder = tmp_path_factory.mktemp("thin") / "raw"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("truth"))
    seen: dict[tuple[str, str], set[str]] = {}

    def first(row: dict) -> bool:
        ids = seen.setdefault((row["unit_id"], row["wave"]), set())
        if row["respondent_id"] not in ids and len(ids) >= PER_CELL:
            return False
        ids.add(row["respondent_id"])
        return True

    _keep(folder, "responses", first)
    return folder


@pytest.fixture
def raw(small: Path, tmp_path: Path) -> Path:
    """A private copy of the small tables for one test to cut."""
    return Path(shutil.copytree(small, tmp_path / "raw"))


def thin_wave(folder: Path, wave: str, lab: str, n: int = 3) -> None:
    """Leave in ``wave`` only the first ``n`` respondents of ``lab``."""
    kept: list[str] = []

    def keep(row: dict) -> bool:
        if row["wave"] != wave:
            return True
        if row["unit_id"] != lab:
            return False
        if row["respondent_id"] not in kept:
            if len(kept) >= n:
                return False
            kept.append(row["respondent_id"])
        return True

    _keep(folder, "responses", keep)


def only_labs(folder: Path, labs: set[str]) -> None:
    """Cut every lab table to ``labs``; the survey keeps them and the comparison communes."""
    for table in (
        "labs",
        "partners",
        "nodes",
        "indicators",
        "indicator_values",
        "milestones",
        "dac_ratings",
        "submissions",
        "revisions",
    ):
        _keep(folder, table, lambda row: row["lab_id"] in labs)
    communes = {r[0] for r in read_rows(folder / "comparison_communes.csv")[2:]}
    _keep(folder, "responses", lambda row: row["unit_id"] in labs | communes)


def constant(folder: Path, items: set[str], value: str = "3") -> None:
    """Every answer to ``items`` becomes ``value``."""
    rows = read_rows(folder / "responses.csv")
    header = rows[1]
    item, col = header.index("item_id"), header.index("value")
    for row in rows[2:]:
        if row[item] in items:
            row[col] = value
    write_rows(folder / "responses.csv", rows)


# --- running the command and reading the gallery ------------------------------------------


@pytest.fixture
def figures(monkeypatch, capsys, tmp_path):
    """Run ``ogl-impact figures`` in-process with few bootstrap draws; return rc, out, err."""
    monkeypatch.setattr(reports_pkg, "build", functools.partial(build, reps=99))

    def run(raw: Path, *report_ids: str, lang: str = "de", jobs: int = 1):
        out = tmp_path / "figures"
        args = ["figures", "--data", str(raw), "--out", str(out), "--jobs", str(jobs)]
        for r in report_ids:
            args += ["--report", r]
        rc = main([*args, "--lang", lang])
        printed = capsys.readouterr()
        assert "interner Fehler" not in printed.out + printed.err, printed.err
        assert "Traceback" not in printed.err
        assert rc == 0, printed.err
        return out, printed.out

    return run


def not_estimable(gallery: Path) -> dict[str, str]:
    """Figures the gallery lists as not estimable, with the reason shown."""
    text = gallery.read_text(encoding="utf-8")
    found = re.findall(
        r'<figure id="([^"]+)" class="not-estimable">.*?<p class="reason">(.*?)</p>', text
    )
    return dict(found)


def drawn(folder: Path) -> set[str]:
    """Figures written in every format."""
    names = {p.stem for p in folder.glob("*.png")}
    return {n for n in names if all((folder / f"{n}.{ext}").exists() for ext in FORMATS)}


# --- (a) a wave that holds only one lab's three respondents --------------------------------


@pytest.mark.slow
def test_a_wave_with_three_respondents_of_one_lab(raw, figures):
    thin_wave(raw, wave="3", lab="bremen")
    out, printed = figures(raw, "sb6", "pb")
    sb6 = not_estimable(out / "sb6" / "index.html")
    assert set(sb6) == {"effekte"}
    # the reason names the gap: one lab, no comparison commune, in waves 1 and 3
    assert "nur 1 Labor und 0 Vergleichskommunen" in sb6["effekte"]
    assert "Welle 1 und Welle 3" in sb6["effekte"]
    assert "sb6/effekte: nicht schätzbar – nur 1 Labor" in printed
    # the rest of the report is built
    assert drawn(out / "sb6") == {
        "wirkungstreppe",
        "zielerreichung",
        "fortschritt",
        "vertrauen_likert",
        "meilensteine",
        "datenlieferungen",
    }
    pb = not_estimable(out / "pb" / "index.html")
    assert set(pb) == {"effekte", "offenheit_radar", "offenheit_punkte"}
    assert "weniger als k = 5 Befragte" in pb["offenheit_radar"]
    assert "Welle 3" in pb["offenheit_radar"]
    assert {"wirkungstreppe_verlauf", "partner", "wirkungsmodell_bremen"} <= drawn(out / "pb")
    # "not estimable" is not "no data yet": the note for missing data is absent
    assert "Noch keine Daten" not in (out / "pb" / "index.html").read_text(encoding="utf-8")


# --- (b) one lab only ----------------------------------------------------------------------


@pytest.mark.slow
def test_one_lab_only(raw, figures):
    only_labs(raw, {"kehl"})
    out, printed = figures(raw, "sb1", "sb2", "sb3", "zb", jobs=2)
    for report in ("sb1", "sb2", "sb3"):
        gallery = (out / report / "index.html").read_text(encoding="utf-8")
        # before the second wave the change has no data yet: said so, not "nicht schätzbar"
        assert not_estimable(out / report / "index.html") == {}
        # in words, not the file name
        assert (
            "Noch keine Daten zu diesem Zeitpunkt: Veränderung in den Laboren gegenüber "
            "Vergleichskommunen" in gallery
        )
        # no delivery is due by the date of sb1 (its own deadline is 14 days after it)
        deliveries = set() if report == "sb1" else {"datenlieferungen"}
        assert (
            drawn(out / report)
            == {
                "wirkungstreppe",
                "zielerreichung",
                "fortschritt",
                "vertrauen_likert",
                "meilensteine",
            }
            | deliveries
        )
    zb = not_estimable(out / "zb" / "index.html")
    assert set(zb) == {"effekte"}
    assert zb["effekte"].startswith("nur 1 Labor und 8 Vergleichskommunen")
    assert "zb/effekte: nicht schätzbar" in printed
    assert {"offenheit_radar", "offenheit_punkte", "partner"} <= drawn(out / "zb")


# --- (c) a survey item, and a whole scale, without variance --------------------------------


@pytest.mark.slow
def test_an_item_without_variance_changes_nothing_visible(raw):
    constant(raw, {"tr_1"})
    ds = load(raw)
    # one constant item of four: the trust scale still varies, both figures are drawn
    (likert,) = draw(ds, "sb4", "vertrauen_likert", reps=99)
    (effects,) = draw(ds, "sb4", "effekte", reps=99)
    assert effects.notes == ()
    assert likert.n and effects.n


@pytest.mark.slow
def test_a_scale_without_variance_is_named_in_english(raw, figures):
    constant(raw, {"tr_1", "tr_2", "tr_3", "tr_4"})
    out, printed = figures(raw, "sb4", lang="en")
    gallery = (out / "sb4" / "index.html").read_text(encoding="utf-8")
    # the effect figure is drawn for the other scales and names the one it leaves out
    assert "effekte" in drawn(out / "sb4")
    assert "Not estimable: Trust: the values do not vary" in gallery
    assert "sb4/effekte: ok (not estimable: Trust: the values do not vary" in printed
    assert not_estimable(out / "sb4" / "index.html") == {}
    assert "nicht schätzbar" not in gallery


# --- every value suppressed, or no lab at all in a wave ------------------------------------


def test_a_pilot_survey_below_the_threshold_is_not_drawn(raw):
    kept: dict[str, list[str]] = {}

    def four_per_wave(row: dict) -> bool:
        ids = kept.setdefault(row["wave"], [])
        if row["unit_id"] != "kehl" or (row["respondent_id"] not in ids and len(ids) >= 4):
            return False
        if row["respondent_id"] not in ids:
            ids.append(row["respondent_id"])
        return True

    _keep(raw, "responses", four_per_wave)
    ds = load(raw)
    with pytest.raises(NotEstimable, match="jede Welle hat weniger als k = 5 Befragte"):
        draw(ds, "sb4", "vertrauen_likert")
    with pytest.raises(NotEstimable, match=r"das einzige Labor .* weniger als k = 5"):
        draw(ds, "zb", "offenheit_radar")
    with pytest.raises(NotEstimable, match="only 1 lab and 0 comparison communes"):
        draw(ds, "sb4", "effekte", lang="en", reps=99)


def test_a_wave_without_any_lab(raw):
    _keep(raw, "responses", lambda row: row["wave"] != "2" or row["unit_id"].startswith("vk"))
    with pytest.raises(NotEstimable, match="in Welle 2 hat kein Labor geantwortet"):
        draw(load(raw), "zb", "offenheit_punkte")


# --- (d) two labs only ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_labs_only(raw, figures):
    only_labs(raw, {"bremen", "kehl"})
    out, printed = figures(raw, "sb5")
    # two labs and eight comparison communes in waves 1 and 2: every figure is estimated
    assert not_estimable(out / "sb5" / "index.html") == {}
    assert drawn(out / "sb5") == {
        "wirkungstreppe",
        "zielerreichung",
        "fortschritt",
        "vertrauen_likert",
        "effekte",
        "meilensteine",
        "datenlieferungen",
    }
    assert "nicht schätzbar" not in printed


# --- the translation of numerical failures --------------------------------------------------


def test_a_singular_design_becomes_a_reason():
    with pytest.raises(NotEstimable, match="singulär"):
        with numerical_failures("de"):
            np.linalg.inv(np.ones((2, 2)))
    with pytest.raises(NotEstimable, match="singular"):
        with numerical_failures("en"):
            np.linalg.solve(np.zeros((3, 3)), np.ones(3))


def test_a_refusal_by_stats_becomes_a_reason(demo):
    with pytest.raises(NotEstimable, match="lehnt die Daten ab") as info:
        with numerical_failures("de"):
            stats.scales.item_matrix(demo.responses.head(50), demo.codebook, items=["xx_9"])
    assert isinstance(info.value.__cause__, ValueError)


def test_without_the_data_check_the_singular_model_still_gives_a_reason(raw, monkeypatch):
    # the tester's data: the model itself fails (singular design); the build names it
    thin_wave(raw, wave="3", lab="bremen")
    monkeypatch.setattr(survey_figures, "_did_support", lambda *args: None)
    with pytest.raises(NotEstimable) as info:
        draw(load(raw), "sb6", "effekte", reps=99)
    # singular design (numpy), a refusal by stats, or no finite result: each is a reason
    assert re.search("singulär|lehnt die Daten ab|kein endliches Ergebnis", info.value.reason)


@pytest.mark.parametrize(
    "bug",
    [
        ValueError("a ValueError of the report code itself"),
        ZeroDivisionError("a division in the report code itself"),
        KeyError("column"),
        TypeError("wrong call"),
        RuntimeError("anything else"),
    ],
)
def test_bugs_are_not_turned_into_reasons(bug):
    with pytest.raises(type(bug)):
        with numerical_failures("de"):
            raise bug


def _replace_data(monkeypatch, builders: dict) -> None:
    """Give every figure no data, and the named ones the given data builders."""
    for name, spec in list(FIGURES.items()):
        monkeypatch.setitem(FIGURES, name, replace(spec, data=builders.get(name, lambda ctx: [])))


def test_a_bug_in_a_builder_still_fails_the_build(demo, monkeypatch, tmp_path):
    def buggy(ctx):
        return [][0]

    _replace_data(monkeypatch, {"fortschritt": buggy})
    with pytest.raises(IndexError):
        build(demo, tmp_path / "f", report_ids=["sb1"])
    assert not (tmp_path / "f" / "sb1").exists()


def test_a_builder_failing_numerically_is_listed_not_fatal(demo, monkeypatch, tmp_path):
    def singular(ctx):
        np.linalg.inv(np.zeros((2, 2)))

    def thin(ctx):
        raise NotEstimable("zu wenige Labore")

    _replace_data(monkeypatch, {"fortschritt": singular, "meilensteine": thin})
    lines: list[str] = []
    build(demo, tmp_path / "f", report_ids=["sb1"], progress=lines.append)
    listed = not_estimable(tmp_path / "f" / "sb1" / "index.html")
    assert listed == {
        "fortschritt": "die Designmatrix des Modells ist singulär (z. B. fehlt einer Gruppe "
        "eine Welle)",
        "meilensteine": "zu wenige Labore",
    }
    assert any(
        line.endswith("sb1/meilensteine: nicht schätzbar – zu wenige Labore") for line in lines
    )
    assert any(
        line.endswith("sb1/wirkungstreppe: keine Daten zu diesem Zeitpunkt") for line in lines
    )
