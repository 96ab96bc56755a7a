"""The embedded data: real facts add up to the published totals; synthetic data as specified."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import ogl_impact
from ogl_impact.demo.simulate import SEED, read_real_tables, simulate
from ogl_impact.io import read_table

from .conftest import DEMO

# Published totals (open-government-kommunen.de, "Netzwerk Regionale Open Government Labore"):
# 42 communes and communal institutions, 59 civil-society organisations,
# six Hochschulen and one university, eight Länder, 13 labs.
PUBLISHED = {"communes": 42, "civil_society": 59, "higher_education": 7, "laender": 8, "labs": 13}
REAL_TABLES = {"sources", "perspectives", "labs", "partners", "periods"}


@pytest.fixture(scope="module")
def demo() -> ogl_impact.Dataset:
    return ogl_impact.load_demo()


def test_labs_and_laender(demo):
    assert len(demo.labs) == PUBLISHED["labs"]
    assert demo.labs["land"].nunique() == PUBLISHED["laender"]
    assert set(demo.labs["land"]) == {
        "DE-BB",
        "DE-NW",
        "DE-SN",
        "DE-HE",
        "DE-HB",
        "DE-BW",
        "DE-ST",
        "DE-BY",
    }
    assert demo.labs.set_index("lab_id").loc["marburg_biedenkopf", "grant_eur"] == 196000


def test_partners_add_up_to_published_totals(demo):
    kinds = demo.partners["kind"].value_counts()
    assert kinds["commune"] + kinds["communal_institution"] == PUBLISHED["communes"]
    assert kinds["civil_society"] == PUBLISHED["civil_society"]
    # published: six Hochschulen and one university; the named partners are five
    # Hochschulen and two universities (see data/raw/README.md): seven in all
    assert kinds["hochschule"] + kinds["university"] == PUBLISHED["higher_education"]
    named_lands = demo.partners.loc[~demo.partners["placeholder"], "land"]
    assert named_lands[named_lands.str.startswith("DE-")].nunique() == PUBLISHED["laender"]


def test_placeholders_say_so(demo):
    placeholders = demo.partners[demo.partners["placeholder"]]
    assert len(placeholders) > 0
    assert placeholders["name"].str.startswith("Platzhalter").all()
    assert placeholders["lab_id"].isna().all()  # their lab is not public either
    real = demo.partners[~demo.partners["placeholder"]]
    assert not real["name"].str.contains("Platzhalter").any()
    unknown_grants = demo.labs[demo.labs["grant_eur"].isna()]
    assert unknown_grants["note"].str.contains("Platzhalter").all()


def test_every_real_fact_has_a_source(demo):
    known = set(demo.sources["source_id"])
    for table in ("labs", "perspectives", "periods"):
        ids = demo[table]["source"].str.split("|").explode()
        assert set(ids) <= known


def test_seven_perspectives(demo):
    assert demo.perspectives["name_de"].tolist() == [
        "Transparenz",
        "Offene Themensetzung",
        "Dialogorientierte Bürgerbeteiligung",
        "Co-Produktion und Co-Kreation",
        "Offenheit für Veränderung und Innovation",
        "Offene digitale Technologien und Daten",
        "Offenheit als Organisationskultur",
    ]


def test_synthetic_files_say_so(demo):
    for name, info in demo.files.items():
        assert info.synthetic == (name not in REAL_TABLES), name
    for path in (DEMO / "truth").glob("*.csv"):
        assert read_table(path).synthetic, path.name
    assert demo.synthetic


def test_committed_demo_data_is_what_the_simulator_writes(tmp_path):
    from ogl_impact.demo.cli import run

    for name in ("labs", "periods"):
        (tmp_path / f"{name}.csv").write_bytes((DEMO / f"{name}.csv").read_bytes())
    assert run(tmp_path) == 0
    for path in sorted(tmp_path.rglob("*.csv")):
        committed = DEMO / path.relative_to(tmp_path)
        assert (
            hashlib.sha256(path.read_bytes()).digest()
            == hashlib.sha256(committed.read_bytes()).digest()
        ), path.name


def test_demo_data_refuses_to_overwrite_real_files(tmp_path):
    from ogl_impact.demo.cli import run

    for name in ("labs", "periods"):
        (tmp_path / f"{name}.csv").write_bytes((DEMO / f"{name}.csv").read_bytes())
    (tmp_path / "codebook.csv").write_text("item_id\nreal\n", encoding="utf-8")
    assert run(tmp_path) == 1
    assert (tmp_path / "codebook.csv").read_text(encoding="utf-8") == "item_id\nreal\n"


def test_other_seed_gives_other_data():
    real = read_real_tables(DEMO)
    a = simulate(real["labs"], real["periods"], seed=SEED + 1)
    b = simulate(real["labs"], real["periods"], seed=SEED + 1)
    c = simulate(real["labs"], real["periods"], seed=SEED)
    pd.testing.assert_frame_equal(a.tables["responses"], b.tables["responses"])
    assert not a.tables["responses"].equals(c.tables["responses"])


def test_impact_models_as_specified(demo):
    per_lab = demo.indicators.groupby("lab_id").size()
    assert per_lab.between(10, 25).all() and len(per_lab) == 13
    levels = (
        demo.indicators.merge(demo.nodes, on=["lab_id", "node_id"])
        .groupby("lab_id")["level"]
        .nunique()
    )
    assert (levels == 5).all()  # every lab measures input, activity, output, outcome and impact
    values = demo.indicator_values.merge(demo.periods, on="period_id")
    assert set(values["kind"]) == {"status_report", "interim_report", "project_report"}


def test_survey_as_specified(demo):
    r = demo.responses
    waves = r.groupby("unit_id")["wave"].nunique()
    lab_waves = waves[waves.index.isin(demo.labs["lab_id"])]
    assert lab_waves.between(2, 3).all() and (lab_waves == 2).any() and (lab_waves == 3).any()
    sizes = r.groupby(["unit_id", "wave"])["respondent_id"].nunique()
    assert sizes.between(40, 120).all()
    assert r["item_id"].nunique() == 35 == len(demo.codebook)
    assert demo.codebook["reverse_keyed"].sum() >= 3
    assert set(demo.codebook["construct"]) == {f"p{i}" for i in range(1, 8)} | {
        "trust",
        "satisfaction",
    }
    assert r["value"].isna().mean() == pytest.approx(0.03, abs=0.01)
    assert (r.groupby("respondent_id")["wave"].nunique() > 1).sum() > 100  # panel respondents
    assert set(r["actor_group"]) == set(ogl_impact.vocab.ACTOR_GROUPS)
    comparison = r[r["unit_id"].isin(demo.comparison_communes["unit_id"])]
    assert comparison["unit_id"].nunique() == len(demo.comparison_communes) >= 5
    assert set(comparison["item_id"]) == set(r["item_id"])


def test_survey_truth_matches_simulated_answers(demo):
    """The exact expected means written to truth/ agree with the simulated answers.

    Observed construct means (reverse-keyed items turned back) are compared with
    the expected means per unit and wave; the standardised differences must look
    like sampling noise (mean near 0, spread near 1 or below, since items of a
    construct share the person effect the standard error here ignores).
    """
    truth = pd.read_csv(DEMO / "truth" / "survey_effects.csv", comment="#")
    book = demo.codebook.set_index("item_id")
    r = demo.responses.dropna(subset=["value"]).copy()
    rev = r["item_id"].map(book["reverse_keyed"]).astype(bool)
    r.loc[rev, "value"] = 6 - r.loc[rev, "value"]
    r["construct"] = r["item_id"].map(book["construct"])
    person = r.groupby(["unit_id", "wave", "construct", "respondent_id"])["value"].mean()
    observed = person.groupby(["unit_id", "wave", "construct"]).agg(["mean", "std", "count"])
    merged = observed.join(truth.set_index(["unit_id", "wave", "construct"]), how="inner")
    assert len(merged) == len(truth)
    z = (merged["mean"] - merged["expected_item_mean"]) / (merged["std"] / np.sqrt(merged["count"]))
    # the actor-group mix of a sample varies around the shares the truth uses, so allow some spread
    assert abs(z.mean()) < 0.25
    assert z.std() < 1.3
    # labs move more than comparison communes between the first and last wave
    last = merged.reset_index().pivot_table(
        index=["unit_id", "construct"], columns="wave", values="mean"
    )
    change = (last[3] - last[1]).groupby(level=0).mean()
    labs = change[change.index.isin(demo.labs["lab_id"])]
    comparison = change[~change.index.isin(demo.labs["lab_id"])]
    assert labs.mean() - comparison.mean() > 0.1


def test_indicator_truth_is_complete(demo):
    progress = pd.read_csv(DEMO / "truth" / "indicator_progress.csv", comment="#")
    stages = pd.read_csv(DEMO / "truth" / "lab_stages.csv", comment="#")
    assert len(progress) == len(demo.indicators) * 8
    assert set(progress["true_status"]) == {"achieved", "on_track", "behind"}
    assert stages.groupby("lab_id")["true_stage"].is_monotonic_increasing.all()
    assert stages["true_stage"].between(1, 7).all()


def test_national_scale_generator_writes_valid_synthetic_tables(tmp_path):
    from ogl_impact.demo.national import write_national
    from ogl_impact.validate import validate_folder

    written = write_national(tmp_path, respondents=100_123, municipalities=30)
    assert {p.name for p in written} >= {"labs.csv", "responses.csv", "indicator_values.csv"}
    report = validate_folder(tmp_path)
    assert report.ok, report.problems[:5]
    assert len(report.tables["labs"]) == 30
    assert len(report.tables["periods"]) == 12
    responses = report.tables["responses"]
    assert responses["respondent_id"].nunique() == 100_123  # across two chunks
    assert len(responses) == 100_123 * 35
    assert all(raw.synthetic for raw in report.raw.values())


def _falling_totals(indicators: pd.DataFrame, values: pd.DataFrame, periods: pd.DataFrame):
    """Rows of a cumulative indicator (or a part of one) below the value reported before."""
    order = {pid: i for i, pid in enumerate(periods.sort_values("end")["period_id"])}
    running = indicators.loc[indicators["cumulative"].astype(bool), ["lab_id", "indicator_id"]]
    rows = values.merge(running, on=["lab_id", "indicator_id"]).dropna(subset=["value"])
    rows = rows.assign(
        order=rows["period_id"].map(order),
        part=rows["disaggregation_value"].fillna("").astype(str),
    ).sort_values(["lab_id", "indicator_id", "part", "order"])
    before = rows.groupby(["lab_id", "indicator_id", "part"])["value"].shift()
    return rows[rows["value"] < before]


def test_running_totals_of_the_demo_data_never_fall(demo):
    # what collect warns a lab about ("der Wert kann nicht sinken") the demo data must not do:
    # neither a total nor one of its parts (administration, citizens) falls from one period
    # to a later one
    falling = _falling_totals(demo.indicators, demo.indicator_values, demo.periods)
    assert falling.empty, falling.head(10).to_string()
    assert len(demo.indicators[demo.indicators["cumulative"].astype(bool)]) > 0


def test_running_totals_of_the_national_data_never_fall(tmp_path):
    from ogl_impact.demo.national import write_national
    from ogl_impact.validate import validate_folder

    write_national(tmp_path, respondents=10, municipalities=40)
    tables = validate_folder(tmp_path).tables
    falling = _falling_totals(tables["indicators"], tables["indicator_values"], tables["periods"])
    assert falling.empty, falling.head(10).to_string()
