"""The effects caption counts the labs and comparison communes behind each scale drawn.

A difference in differences with unit fixed effects rests, per scale, on the units with
answers to that scale in both waves. The counts here come straight from
``data/raw/responses.csv`` (and the codebook, labs, waves and periods), not from the package.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pandas as pd
import pytest

from ogl_impact.reports import draw

from .conftest import DEMO


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{name}.csv", sep=";", comment="#", dtype=str)


def _answered(responses: pd.DataFrame, report: str) -> tuple[int, int, pd.DataFrame]:
    """The first and last wave held by the report's end, and the answered items with their scale."""
    periods = _raw("periods").set_index("period_id")
    waves = _raw("waves")
    end = pd.Timestamp(periods.at[report, "end"])
    held = sorted(
        int(w)
        for w, e in zip(waves["wave"], waves["field_end"], strict=True)
        if pd.Timestamp(e) <= end
    )
    scale_of = _raw("codebook").set_index("item_id")["construct"]
    answered = responses[responses["value"].notna() & (responses["value"].astype(str) != "")]
    answered = answered.assign(
        scale=answered["item_id"].map(scale_of), wave=answered["wave"].astype(int)
    )
    return held[0], held[-1], answered


def _units_per_scale(responses: pd.DataFrame, report: str) -> dict[str, tuple[int, int]]:
    """(labs, comparison communes) with an answer to the scale in the first and last wave."""
    before, after, answered = _answered(responses, report)
    labs = set(_raw("labs")["lab_id"])
    out = {}
    for scale, part in answered.groupby("scale"):
        units_before = set(part.loc[part["wave"] == before, "unit_id"])
        units_after = set(part.loc[part["wave"] == after, "unit_id"])
        both = units_before & units_after
        out[scale] = (len(both & labs), len(both - labs))
    return out


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_the_caption_counts_the_units_per_scale(demo, report):
    counts = _units_per_scale(_raw("responses"), report)
    assert len(counts) == 9
    assert len(set(counts.values())) == 1  # in the demo data every scale rests on the same units
    labs, others = next(iter(counts.values()))
    (drawn,) = draw(demo, report, "effekte", reps=99)
    assert (
        f"Verglichen werden je Skala {labs} Labore und {others} Vergleichskommunen mit "
        "Antworten in beiden Wellen"
    ) in drawn.caption
    assert "weniger bei" not in drawn.caption


def test_a_scale_resting_on_fewer_units_is_named_with_its_count(demo):
    # Bremen answers no transparency item (p1) in wave 1: that scale loses one lab
    responses = demo.responses
    p1 = responses["item_id"].astype(str).str.startswith("p1_")
    drop = (responses["unit_id"] == "bremen") & (responses["wave"] == 1) & p1
    edited = replace(demo, tables=MappingProxyType({**demo.tables, "responses": responses[~drop]}))
    raw = _raw("responses")
    raw_drop = (
        (raw["unit_id"] == "bremen") & (raw["wave"] == "1") & raw["item_id"].str.startswith("p1_")
    )
    counts = _units_per_scale(raw[~raw_drop], "pb")
    fewer = counts["p1"]
    most = counts["p2"]
    assert fewer[0] == most[0] - 1 and fewer[1] == most[1]
    (drawn,) = draw(edited, "pb", "effekte", reps=99)
    assert (
        f"je Skala {fewer[0]} bis {most[0]} Labore und {most[1]} Vergleichskommunen"
    ) in drawn.caption
    assert (
        f"(weniger bei Transparenz: {fewer[0]} Labore und {fewer[1]} Vergleichskommunen)"
    ) in drawn.caption
    assert "Bremen" not in drawn.caption  # Bremen answers the other scales in both waves
    (english,) = draw(edited, "pb", "effekte", reps=99, lang="en")
    assert (
        f"rests on {fewer[0]} to {most[0]} labs and {most[1]} comparison communes"
    ) in english.caption
    assert f"(fewer for Transparency: {fewer[0]} labs and {fewer[1]} comparison communes)" in (
        english.caption
    )


def _respondents_per_scale(responses: pd.DataFrame, report: str) -> dict[str, int]:
    """Scores (respondent and wave) of each scale in the first and last wave, of units in both.

    A respondent has a score on a scale of k items with at least k - 1 of them answered
    (the scoring rule documented in ``stats.scale_scores``).
    """
    before, after, answered = _answered(responses, report)
    answered = answered[answered["wave"].isin([before, after])]
    items = _raw("codebook").groupby("construct")["item_id"].nunique()
    per_person = answered.groupby(["scale", "unit_id", "respondent_id", "wave"]).size()
    scored = per_person[
        per_person >= per_person.index.get_level_values("scale").map(lambda c: max(items[c] - 1, 1))
    ].reset_index()
    out = {}
    for scale, part in scored.groupby("scale"):
        both = set(part.loc[part["wave"] == before, "unit_id"]) & set(
            part.loc[part["wave"] == after, "unit_id"]
        )
        kept = part[part["unit_id"].isin(both)]
        out[scale] = len(kept[["respondent_id", "wave"]].drop_duplicates())
    return out


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_n_counts_only_the_respondents_of_the_units_compared(demo, report):
    """zb said n = 3.183 beside "10 Labore": 218 of them answered in labs seen in one wave only."""
    expected = _respondents_per_scale(_raw("responses"), report)
    (drawn,) = draw(demo, report, "effekte", reps=99)
    frame = drawn.table
    persp = _raw("perspectives").set_index("name_de")["perspective_id"]
    construct = {**persp.to_dict(), "Vertrauen": "trust", "Zufriedenheit": "satisfaction"}
    got = {construct[label]: int(n) for label, n in zip(frame["label"], frame["n"], strict=True)}
    assert got == expected
    assert drawn.n == max(expected.values())
