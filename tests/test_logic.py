"""Impact-logic rules against hand-computed cases, invariants, and the simulator's truth."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ogl_impact
from ogl_impact.logic import (
    ImpactModel,
    attainment,
    dac_matrix,
    diagnostics,
    efficiency,
    evidence_strength,
    majority,
    majority_status,
    milestone_completion,
    milestone_timing,
    network_progress,
    rollup,
    rollup_disaggregated,
    stages,
)
from ogl_impact.logic.programme import euro_factor

from .conftest import DEMO

# periods end 2021-01-01, 2022-01-01, 2023-01-01; baseline 2021-01-01, target 2023-01-01:
# expected progress is 0, 365/730 = 0.5 and 1 at the three period ends.
IND_HEADER = [
    "lab_id",
    "indicator_id",
    "node_id",
    "name",
    "measure",
    "ascending",
    "cumulative",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "source_of_verification",
    "assumptions",
    "aggregatable",
    "disaggregation",
]


def ind(lab, iid, node, measure, asc, cum, base, target, agg="true"):
    return [
        lab,
        iid,
        node,
        iid,
        measure,
        asc,
        cum,
        base,
        "2021-01-01",
        target,
        "2023-01-01",
        "x",
        "",
        agg,
        "",
    ]


INDICATORS = [
    ind("a", "asc", "o1", "unit", "true", "false", "10", "30"),
    ind("a", "desc", "o1", "unit", "false", "false", "20", "10"),
    ind("a", "flat", "o2", "unit", "true", "false", "5", "5"),
    ind("a", "cum", "in1", "count", "true", "true", "0", "100"),
    ind("a", "level", "ac1", "percentage", "true", "false", "0", "50", agg="false"),
    ind("a", "ord", "oc1", "ordinal", "true", "false", "2", "4"),
    ind("a", "notarget", "oc1", "unit", "true", "false", "1", ""),
    ind("b", "asc", "o1", "unit", "true", "false", "0", "10"),
]
VALUES = [  # lab, indicator, period, value
    ("a", "asc", "p2", "20"),
    ("a", "asc", "p3", "25"),
    ("a", "desc", "p2", "16"),
    ("a", "desc", "p3", "8"),
    ("a", "flat", "p2", "5"),
    ("a", "flat", "p3", "4"),
    ("a", "cum", "p1", "10"),
    ("a", "cum", "p3", "100"),
    ("a", "level", "p1", "5"),
    ("a", "ord", "p1", "2"),
    ("a", "ord", "p2", "3"),
    ("a", "ord", "p3", "4"),
    ("a", "notarget", "p2", "3"),
    ("b", "asc", "p2", "5"),
]
# (indicator, period) -> (actual, progress, expected, status, carried_forward), worked out by hand
EXPECTED = {
    ("asc", "p1"): (None, None, 0.0, "no_data", False),
    ("asc", "p2"): (20, 0.5, 0.5, "on_track", False),  # 0.5 >= 0.8 * 0.5
    ("asc", "p3"): (25, 0.75, 1.0, "behind", False),  # 0.75 < 0.8
    ("desc", "p2"): (16, 0.4, 0.5, "on_track", False),  # (16-20)/(10-20), exactly 0.8 * 0.5
    ("desc", "p3"): (8, 1.2, 1.0, "achieved", False),  # beyond the target: kept above 1
    ("flat", "p2"): (5, 1.0, 0.5, "achieved", False),  # target = baseline, held
    ("flat", "p3"): (4, 0.0, 1.0, "behind", False),  # target = baseline, missed
    ("cum", "p1"): (10, 0.1, 0.0, "on_track", False),
    ("cum", "p2"): (10, 0.1, 0.5, "behind", True),  # running total carried forward
    ("cum", "p3"): (100, 1.0, 1.0, "achieved", False),
    ("level", "p1"): (5, 0.1, 0.0, "on_track", False),
    ("level", "p2"): (None, None, 0.5, "no_data", False),  # a level is never carried forward
    ("ord", "p1"): (2, None, 0.0, "behind", False),  # status only: not beyond the baseline
    ("ord", "p2"): (3, None, 0.5, "on_track", False),
    ("ord", "p3"): (4, None, 1.0, "achieved", False),
    ("notarget", "p2"): (3, None, 0.5, "no_data", False),  # nothing to measure against
}


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> ogl_impact.Dataset:
    return small_dataset(tmp_path_factory.mktemp("small"), VALUES)


def small_dataset(
    folder: Path, values: list[tuple[str, str, str, str]], indicators: list[list[str]] | None = None
) -> ogl_impact.Dataset:
    """The two labs of ``indicators`` (default INDICATORS) with ``values`` (lab, indicator,
    period, value)."""
    write(folder / "sources.csv", ["source_id", "title", "reference"], [["s", "S", "s"]])
    write(
        folder / "labs.csv",
        ["lab_id", "name", "grant_holder", "land", "grant_eur", "note", "source"],
        [["a", "A", "A", "DE-BY", "100000", "", "s"], ["b", "B", "B", "DE-BY", "", "", "s"]],
    )
    write(
        folder / "periods.csv",
        ["period_id", "kind", "label_de", "start", "end", "date_precision", "deadline", "source"],
        [
            ["p1", "status_report", "P1", "2021-01-01", "2021-01-01", "day", "", "s"],
            ["p2", "status_report", "P2", "2022-01-01", "2022-01-01", "day", "", "s"],
            ["p3", "status_report", "P3", "2023-01-01", "2023-01-01", "day", "", "s"],
        ],
    )
    nodes = []
    for lab in ("a", "b"):
        nodes += [
            [lab, "in1", "In", "input", "", "", "ac1", ""],
            [lab, "ac1", "Ac", "activity", "", "", "o1", ""],
            [lab, "o1", "O1", "output", "1", "", "o2", ""],
            [lab, "o2", "O2", "output", "2", "", "oc1", ""],
            [lab, "oc1", "Oc", "outcome", "4", "", "", ""],
        ]
    write(
        folder / "nodes.csv",
        [
            "lab_id",
            "node_id",
            "label",
            "level",
            "stage",
            "perspectives",
            "contributes_to",
            "target_group",
        ],
        nodes,
    )
    write(folder / "indicators.csv", IND_HEADER, INDICATORS if indicators is None else indicators)
    write(
        folder / "indicator_values.csv",
        ["lab_id", "indicator_id", "period_id", "disaggregation_value", "value", "status"],
        [[lab, i, p, "", v, "measured"] for lab, i, p, v in values],
    )
    return ogl_impact.load(folder)


@pytest.mark.parametrize(("key", "expected"), sorted(EXPECTED.items()))
def test_attainment_hand_computed(small, key, expected):
    att = attainment(small, labs=["a"]).set_index(["indicator_id", "period_id"])
    row = att.loc[key]
    actual, progress, share, status, carried = expected
    assert row["status"] == status
    assert bool(row["carried_forward"]) is carried
    assert row["expected"] == pytest.approx(share)
    for got, want in ((row["actual"], actual), (row["progress"], progress)):
        if want is None:
            assert math.isnan(got)
        else:
            assert got == pytest.approx(want)


@pytest.mark.parametrize(
    ("indicator", "value", "progress"),
    [
        ("asc", "27", 0.85),  # (27 - 10) / (30 - 10): within the tolerance of 0.8 x 1.0
        ("asc", "29,9", 0.995),
        ("desc", "11", 0.9),  # (11 - 20) / (10 - 20)
        ("ord", "3", None),  # beyond the baseline 2, short of the target 4
    ],
)
def test_on_the_target_date_short_of_the_target_is_behind_not_on_track(
    tmp_path, indicator, value, progress
):
    # p3 ends on the target date (2023-01-01): expected progress 1. Before, 85 % of the way
    # at the end of the programme counted as "on track" (0.85 >= 0.8 x 1.0).
    values = [v for v in VALUES if v[:3] != ("a", indicator, "p3")] + [
        ("a", indicator, "p3", value)
    ]
    att = attainment(small_dataset(tmp_path, values), labs=["a"])
    row = att.set_index(["indicator_id", "period_id"]).loc[(indicator, "p3")]
    assert row["expected"] == 1.0
    if progress is not None:
        assert row["progress"] == pytest.approx(progress)
    assert row["status"] == "behind"
    # the same value half-way (p2, expected 0.5) is on track, as before
    values = [v for v in values if v[:3] != ("a", indicator, "p2")] + [
        ("a", indicator, "p2", value)
    ]
    att = attainment(small_dataset(tmp_path, values), labs=["a"])
    assert att.set_index(["indicator_id", "period_id"]).loc[(indicator, "p2"), "status"] == (
        "on_track"
    )


@pytest.mark.parametrize(
    ("at_p2", "status_p2", "status_p3"),
    [
        ("90", "on_track", "no_data"),  # 90 of 100 last reported: reached by the end? not known
        ("100", "achieved", "achieved"),  # a carried total is a lower bound: reached
        # last reported behind and silent since: still behind (silence does not climb a stage)
        ("30", "behind", "behind"),
    ],
)
@pytest.mark.parametrize("dated", [True, False])
def test_a_running_total_carried_to_the_target_date(tmp_path, at_p2, status_p2, status_p3, dated):
    # the running total 'cum' (target 100 on 2023-01-01, the end of p3) is last reported in p2;
    # without a baseline date there is no target path, but the target date still counts
    indicators = [list(row) for row in INDICATORS]
    if not dated:
        row = next(r for r in indicators if r[1] == "cum")
        row[IND_HEADER.index("baseline_date")] = ""
        status_p2 = {"on_track": "on_track", "behind": "on_track"}.get(status_p2, status_p2)
        status_p3 = {"behind": "no_data"}.get(status_p3, status_p3)
    values = [v for v in VALUES if v[1] != "cum"] + [("a", "cum", "p2", at_p2)]
    att = attainment(small_dataset(tmp_path, values, indicators), labs=["a"])
    rows = att.set_index(["indicator_id", "period_id"])
    assert rows.loc[("cum", "p2"), "status"] == status_p2
    p3 = rows.loc[("cum", "p3")]
    assert bool(p3["carried_forward"]) and p3["actual"] == float(at_p2)
    assert p3["status"] == status_p3


@pytest.mark.parametrize(
    ("at_p2", "status_p2", "status_p3"),
    [
        # 40 (target 50 from 80) reached in p2; carried, it is a lower bound of the total at the
        # target date, which cannot show a lower-is-better target still met
        ("40", "achieved", "no_data"),
        # 60, on track in p2 (progress 2/3 >= 0.8 x 0.5); carried, a lower bound above the
        # target: the target was missed
        ("60", "on_track", "behind"),
    ],
)
def test_a_falling_running_total_carried_to_its_target_date(tmp_path, at_p2, status_p2, status_p3):
    # a descending cumulative indicator (the schema allows it), reported in p2 only
    indicators = [list(row) for row in INDICATORS] + [
        ind("a", "fall", "in1", "count", "false", "true", "80", "50")
    ]
    values = [*VALUES, ("a", "fall", "p2", at_p2)]
    att = attainment(small_dataset(tmp_path, values, indicators), labs=["a"])
    rows = att.set_index(["indicator_id", "period_id"])
    assert rows.loc[("fall", "p2"), "status"] == status_p2
    assert bool(rows.loc[("fall", "p3"), "carried_forward"])
    assert rows.loc[("fall", "p3"), "status"] == status_p3


def test_no_baseline_date_still_ends_on_track_at_the_target_date(tmp_path):
    # without a baseline date (no target path) 85 % at the target date is behind, not on track
    indicators = [list(row) for row in INDICATORS]
    row = next(r for r in indicators if r[1] == "asc")
    row[IND_HEADER.index("baseline_date")] = ""
    values = [v for v in VALUES if v[:3] != ("a", "asc", "p3")] + [("a", "asc", "p3", "27")]
    att = attainment(small_dataset(tmp_path, values, indicators), labs=["a"])
    rows = att.set_index(["indicator_id", "period_id"])
    assert math.isnan(rows.loc[("asc", "p3"), "expected"])
    assert rows.loc[("asc", "p2"), "status"] == "on_track"  # progress > 0 without a path
    assert rows.loc[("asc", "p3"), "status"] == "behind"


def test_cap_limits_progress(small):
    capped = attainment(small, labs=["a"], cap=True).set_index(["indicator_id", "period_id"])
    assert capped.loc[("desc", "p3"), "progress"] == 1.0
    assert capped.loc[("desc", "p3"), "status"] == "achieved"


def test_mirrored_direction_gives_same_progress(small, tmp_path):
    """Negating every value and flipping 'ascending' mirrors the indicator: same progress."""
    src = small.folder
    for name in ("sources", "labs", "periods", "nodes"):
        (tmp_path / f"{name}.csv").write_bytes((src / f"{name}.csv").read_bytes())

    def neg(text: str) -> str:
        return "" if text == "" else f"{-float(text):g}"

    rows = [
        [
            *r[:5],
            {"true": "false", "false": "true"}[r[5]],
            r[6],
            neg(r[7]),
            r[8],
            neg(r[9]),
            *r[10:],
        ]
        for r in INDICATORS
        if r[4] not in ("count", "percentage")  # these cannot be negative
    ]
    write(tmp_path / "indicators.csv", IND_HEADER, rows)
    kept = {(r[0], r[1]) for r in rows}
    write(
        tmp_path / "indicator_values.csv",
        ["lab_id", "indicator_id", "period_id", "disaggregation_value", "value", "status"],
        [[lab, i, p, "", neg(v), "measured"] for lab, i, p, v in VALUES if (lab, i) in kept],
    )
    mirrored = attainment(ogl_impact.load(tmp_path))
    original = attainment(small)
    original = original[original.set_index(["lab_id", "indicator_id"]).index.isin(list(kept))]
    key = ["lab_id", "indicator_id", "period_id"]
    a = original.sort_values(key).reset_index(drop=True)
    b = mirrored.sort_values(key).reset_index(drop=True)
    pd.testing.assert_series_equal(a["progress"], b["progress"])
    pd.testing.assert_series_equal(a["status"], b["status"])


def test_other_labs_do_not_change_a_lab(small):
    alone = attainment(small, labs=["a"])
    together = attainment(small)
    pd.testing.assert_frame_equal(alone, together[together["lab_id"] == "a"].reset_index(drop=True))


def test_rollup_hand_computed(small):
    att = attainment(small, labs=["a"])
    by_period = rollup(att, by=["lab_id", "period_id"]).set_index("period_id")
    p2 = by_period.loc["p2"]
    # p2 rows: asc on_track 0.5, desc on_track 0.4, flat achieved 1.0, cum behind 0.1 (carried),
    # level no_data, ord on_track (no progress), notarget no_data -> 7 indicators, 5 with data
    assert p2["n_indicators"] == 7 and p2["n_with_data"] == 5
    assert p2["mean_progress"] == pytest.approx((0.5 + 0.4 + 1.0 + 0.1) / 4)
    assert p2["share_on_track"] == pytest.approx(3 / 5)
    assert p2["share_achieved"] == pytest.approx(1 / 5)
    assert p2["share_behind"] == pytest.approx(1 / 5)
    p3 = by_period.loc["p3"]
    # capped: asc 0.75, desc 1.2 -> 1, flat 0, cum 1 -> mean 2.75 / 4
    assert p3["mean_progress"] == pytest.approx(2.75 / 4)
    uncapped = rollup(att, by=["lab_id", "period_id"], cap=False).set_index("period_id")
    assert uncapped.loc["p3", "mean_progress"] == pytest.approx(2.95 / 4)


def test_rollup_weights_and_network(small):
    att = attainment(small)
    weights = pd.Series(
        {
            ("a", "asc"): 3.0,
            ("a", "desc"): 1.0,
            ("a", "flat"): 0.0,
            ("a", "cum"): 0.0,
            ("a", "level"): 1.0,
            ("a", "ord"): 1.0,
            ("a", "notarget"): 1.0,
            ("b", "asc"): 1.0,
        }
    )
    weighted = rollup(att[att["lab_id"] == "a"], by=["period_id"], weights=weights).set_index(
        "period_id"
    )
    assert weighted.loc["p2", "mean_progress"] == pytest.approx((3 * 0.5 + 1 * 0.4) / 4)
    net = rollup(att, by=["period_id"], network=True).set_index("period_id")
    # 'level' may not be aggregated: 6 of lab a's indicators plus b's one
    assert net.loc["p2", "n_indicators"] == 7
    with pytest.raises(ValueError, match="lab_id"):
        rollup(att, by=["lab_id"], network=True)
    with pytest.raises(ValueError, match="cannot group"):
        rollup(att, by=["colour"])


def _att_for_stages(statuses: dict[int, list[str]]) -> pd.DataFrame:
    rows = []
    for stage, values in statuses.items():
        for i, status in enumerate(values):
            rows.append(
                {
                    "lab_id": "a",
                    "indicator_id": f"s{stage}_{i}",
                    "stage": stage,
                    "period_id": "p",
                    "period_end": pd.Timestamp("2022-01-01"),
                    "status": status,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("statuses", "reached"),
    [
        ({1: ["on_track"], 2: ["achieved", "on_track"], 3: ["behind"], 4: ["achieved"]}, 2),
        (
            {1: ["on_track"], 2: ["no_data"], 3: ["achieved"], 4: ["behind"]},
            3,
        ),  # no data: passed over
        ({1: ["behind"], 2: ["achieved"]}, 0),
        ({1: ["achieved"], 2: ["on_track", "behind"]}, 1),  # one behind blocks the stage
        (
            {
                1: ["achieved"],
                2: ["achieved"],
                3: ["achieved"],
                4: ["on_track"],
                5: ["achieved"],
                6: ["on_track"],
                7: ["achieved"],
            },
            7,
        ),
        ({1: ["no_data"]}, 0),
    ],
)
def test_stage_rule(statuses, reached):
    assert stages(_att_for_stages(statuses))["stage"].tolist() == [reached]


@pytest.mark.parametrize(
    ("statuses", "reached", "skipped"),
    [
        ({1: ["on_track"], 2: ["no_data"], 3: ["achieved"], 4: ["behind"]}, 3, "2"),
        # stage 3 has no indicator at all, stage 5 no data: both passed over below 6
        (
            {
                1: ["achieved"],
                2: ["no_data", "no_data"],
                4: ["on_track"],
                5: ["no_data"],
                6: ["achieved"],
            },
            6,
            "2, 3, 5",
        ),
        # above the stage reached nothing is "passed over": 3 is where the climb stops
        ({1: ["achieved"], 2: ["achieved"], 3: ["behind"], 4: ["no_data"]}, 2, ""),
        ({1: ["no_data"], 2: ["achieved"]}, 2, "1"),
        ({1: ["no_data"]}, 0, ""),
    ],
)
def test_stages_name_the_stages_passed_over_without_data(statuses, reached, skipped):
    row = stages(_att_for_stages(statuses)).iloc[0]
    assert (row["stage"], row["skipped"]) == (reached, skipped)


def test_stages_on_small_data(small):
    st = stages(attainment(small, labs=["a"])).set_index("period_id")["stage"]
    # stage 1 (o1: asc, desc), stage 2 (o2: flat), stage 4 (oc1: ord, notarget without target)
    # p1: o1 no data, o2 no data, oc1 ord behind -> 0
    # p2: o1 on track, o2 achieved, oc1 on track -> 4
    # p3: o1 'asc' behind -> 0
    assert st.to_dict() == {"p1": 0, "p2": 4, "p3": 0}


@pytest.fixture(scope="module")
def demo() -> ogl_impact.Dataset:
    return ogl_impact.load_demo()


def test_attainment_recovers_simulated_status(demo):
    att = attainment(demo)
    truth = pd.read_csv(DEMO / "truth" / "indicator_progress.csv", comment="#")
    merged = att.merge(truth, on=["lab_id", "indicator_id", "period_id"], validate="one_to_one")
    assert len(merged) == len(att) == len(truth)
    has = merged[merged["status"] != "no_data"]
    agree = has["status"] == has["true_status"]
    assert agree.mean() > 0.97
    # every disagreement is explained: a stale running total carried forward, or a
    # count within one unit of the true value (rounding across a status boundary)
    wrong = has[~agree]
    span = wrong["target"] - wrong["baseline"]
    true_value = wrong["baseline"] + wrong["true_progress"] * span
    rounding = (wrong["measure"] == "count") & ((wrong["actual"] - true_value).abs() <= 1)
    assert (wrong["carried_forward"] | rounding).all()


def test_stages_recover_simulated_stages(demo):
    att = attainment(demo)
    found = stages(att)
    truth = pd.read_csv(DEMO / "truth" / "lab_stages.csv", comment="#")
    merged = found.merge(truth, on=["lab_id", "period_id"], validate="one_to_one")
    assert len(merged) == 13 * 8
    agree = merged["stage"] == merged["true_stage"]
    assert agree.mean() > 0.95
    # a disagreement only where a stage up to the true one has no indicator with data
    for row in merged[~agree].itertuples():
        rows = att[(att["lab_id"] == row.lab_id) & (att["period_id"] == row.period_id)]
        per_stage = (
            rows[rows["stage"].notna()]
            .groupby("stage")["status"]
            .apply(lambda s: (s != "no_data").any())
        )
        assert not per_stage.reindex(range(1, row.true_stage + 1), fill_value=False).all()


def test_impact_model_views_and_immutability(demo):
    model = ImpactModel.from_dataset(demo, "brandis")
    chain = model.chain()
    ranks = chain["level"].map({"input": 0, "activity": 1, "output": 2, "outcome": 3, "impact": 4})
    assert ranks.is_monotonic_increasing
    assert chain["n_indicators"].sum() == (demo.indicators["lab_id"] == "brandis").sum()
    stairs = model.staircase()
    assert stairs["stage"].is_monotonic_increasing and stairs["stage"].between(1, 7).all()
    frame = model.logframe("sb3")
    assert {"baseline", "target", "current", "source_of_verification", "assumptions"} <= set(
        frame.columns
    )
    assert (frame["current_period"].dropna() == "sb3").all()
    chain.loc[0, "label"] = "geändert"
    assert model.chain().loc[0, "label"] != "geändert"  # callers get copies
    both = ImpactModel.from_dataset(demo, ["brandis", "moers"])
    one = both.for_labs(["moers"])
    assert both.labs == ("brandis", "moers") and one.labs == ("moers",)
    with pytest.raises(AttributeError):
        both.labs = ("x",)
    assert "Wirkungsmodell" in model._repr_html_()
    with pytest.raises(ValueError, match="no impact model"):
        ImpactModel.from_dataset(demo, "atlantis")


def test_bad_arguments(demo):
    with pytest.raises(ValueError, match="tolerance"):
        attainment(demo, tolerance=0)
    with pytest.raises(ValueError, match="unknown labs"):
        attainment(demo, labs=["atlantis"])
    assert np.isfinite(attainment(demo, labs=["moers"])["expected"]).all()


def _flags(frame: pd.DataFrame) -> set[tuple]:
    return {
        (
            r.lab_id,
            None if pd.isna(r.period_id) else r.period_id,
            None if pd.isna(r.node_id) else r.node_id,
            None if pd.isna(r.indicator_id) else r.indicator_id,
            r.flag,
        )
        for r in frame.itertuples()
    }


def test_diagnostics_hand_computed(small):
    flags = _flags(diagnostics(small))
    assert flags == {
        # p3: outcome oc1 ('ord' achieved) while output o2 ('flat' 4 < 5) is behind
        ("a", "p3", "oc1", None, "outcome_ahead_of_outputs"),
        # 'level' has its only value in p1; the last two periods with values are p2, p3
        ("a", "p3", "ac1", "level", "stale_indicator"),
        # lab b measures only o1
        ("b", None, "in1", None, "node_without_indicators"),
        ("b", None, "ac1", None, "node_without_indicators"),
        ("b", None, "o2", None, "node_without_indicators"),
        ("b", None, "oc1", None, "node_without_indicators"),
    }
    text = diagnostics(small).set_index("flag").loc["outcome_ahead_of_outputs", "explanation_de"]
    assert "„Oc“" in text and "„O2“" in text


def test_diagnostics_output_without_outcome_movement(small, tmp_path):
    for path in small.folder.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    rows = [
        [lab, i, p, "", ("2" if (i, p) == ("ord", "p2") else v), "measured"]
        for lab, i, p, v in VALUES
    ]
    rows = [r for r in rows if (r[1], r[2]) != ("notarget", "p2")]
    rows.append(["a", "never", "p2", "", "", "measured"])  # a row without a value
    write(
        tmp_path / "indicators.csv",
        IND_HEADER,
        [*INDICATORS, ind("a", "never", "oc1", "unit", "true", "false", "0", "1")],
    )
    write(
        tmp_path / "indicator_values.csv",
        ["lab_id", "indicator_id", "period_id", "disaggregation_value", "value", "status"],
        rows,
    )
    flags = _flags(diagnostics(ogl_impact.load(tmp_path)))
    # p2: output o2 achieved ('flat' held), outcome oc1's 'ord' still at its baseline
    assert ("a", "p2", "o2", None, "outputs_without_outcome_movement") in flags
    assert ("a", None, "oc1", "never", "indicator_without_values") in flags


def _copy_base(small: ogl_impact.Dataset, folder: Path) -> None:
    for name in ("sources", "labs", "periods", "nodes"):
        (folder / f"{name}.csv").write_bytes((small.folder / f"{name}.csv").read_bytes())


def _named(lab, iid, node, name, measure, asc, cum, base, target):
    row = ind(lab, iid, node, measure, asc, cum, base, target)
    row[3] = name
    return row


@pytest.fixture(scope="module")
def spending(small, tmp_path_factory) -> ogl_impact.Dataset:
    """Lab a (grant 100 000 EUR) and lab b (grant not public) with results of every kind."""
    folder = tmp_path_factory.mktemp("spending")
    _copy_base(small, folder)
    days = "Bearbeitungszeit (Tage)"
    write(
        folder / "indicators.csv",
        IND_HEADER,
        [
            _named("a", "made", "o1", "Werkstätten", "count", "true", "true", "0", "50"),
            _named("a", "fewer", "o2", "Beschwerden", "count", "false", "true", "10", "2"),
            _named("a", "wait", "oc1", days, "unit", "false", "false", "21", "10"),
            _named(
                "a", "rate", "oc1", "Bekanntheit (%)", "percentage", "true", "false", "10", "50"
            ),
            _named("a", "money", "in1", "Mittel (Tsd. EUR)", "unit", "true", "true", "0", "100"),
            _named("a", "staff", "in1", "Personal (VZÄ)", "unit", "true", "false", "1", "3"),
            _named("b", "made", "o1", "Werkstätten", "count", "true", "true", "0", "50"),
        ],
    )
    values = [
        ("a", "made", "p2", "20"),
        ("a", "made", "p3", "40"),
        ("a", "fewer", "p2", "4"),
        ("a", "wait", "p2", "15"),
        ("a", "rate", "p2", "30"),
        ("a", "money", "p2", "50"),
        ("a", "money", "p3", "90"),
        ("a", "staff", "p2", "2"),
        ("b", "made", "p2", "0"),
    ]
    write(
        folder / "indicator_values.csv",
        ["lab_id", "indicator_id", "period_id", "disaggregation_value", "value", "status"],
        [[lab, i, p, "", v, "measured"] for lab, i, p, v in values],
    )
    return ogl_impact.load(folder)


def test_efficiency_only_for_counted_results_where_more_is_better(spending):
    eff = efficiency(spending)
    # days of processing time, a percentage and a count where fewer is better get no efficiency
    assert set(eff["indicator_id"]) == {"made"}
    got = eff.set_index(["lab_id", "period_id"])["ratio"]
    assert got[("a", "p2")] == pytest.approx(100000 / 20)
    assert got[("a", "p3")] == pytest.approx(100000 / 40)
    assert math.isnan(got[("b", "p2")])  # grant not public, and nothing made yet


def test_efficiency_with_an_input_indicator_in_thousand_euro(spending):
    eff = efficiency(spending, input_indicator="Mittel (Tsd. EUR)")
    got = eff.set_index(["lab_id", "period_id"])
    # 50 and 90 thousand EUR spent by p2 and p3
    assert got.loc[("a", "p2"), "input_value"] == pytest.approx(50000)
    assert got.loc[("a", "p2"), "ratio"] == pytest.approx(50000 / 20)
    assert got.loc[("a", "p3"), "ratio"] == pytest.approx(90000 / 40)
    assert math.isnan(got.loc[("b", "p2"), "ratio"])  # lab b reports no spending


def test_efficiency_refuses_inputs_that_are_no_money(spending):
    with pytest.raises(ValueError, match="no amount of money in EUR"):
        efficiency(spending, input_indicator="Personal (VZÄ)")
    with pytest.raises(ValueError, match="no input indicator named"):
        efficiency(spending, input_indicator="Werkstätten")  # an output, not an input
    with pytest.raises(ValueError, match="unknown levels"):
        efficiency(spending, levels=("outputs",))


@pytest.mark.parametrize(
    ("name", "factor"),
    [
        ("Eingesetzte Fördermittel (Tsd. EUR)", 1e3),
        ("Mittel in EUR", 1.0),
        ("Mittel (Euro)", 1.0),
        ("Budget (Mio. €)", 1e6),
        ("Budget tsd eur", 1e3),
        ("Personal (VZÄ)", None),
        ("Europaprojekte", None),
    ],
)
def test_euro_factor_reads_the_unit_from_the_name(name, factor):
    assert euro_factor(name) == factor


def test_efficiency_of_the_demo_has_no_duration_and_no_lower_is_better(demo):
    eff = efficiency(demo)
    ind = demo.indicators.set_index(["lab_id", "indicator_id"])
    used = ind.loc[list(zip(eff["lab_id"], eff["indicator_id"], strict=True))]
    assert (used["measure"] == "count").all() and used["ascending"].all()
    assert not eff["indicator"].str.contains("Tage").any()


MILESTONES = [  # lab, milestone, period, planned, achieved, completion; p2 ends 2022-01-01
    ("a", "m1", "p1", "2021-06-01", "", "not_started"),  # p1 ends 2021-01-01: not due yet
    ("a", "m1", "p2", "2021-06-01", "2021-05-01", "complete"),  # due, complete
    ("a", "m2", "p2", "2022-01-01", "", "substantial"),  # planned on the report date: due
    ("a", "m3", "p2", "2022-01-02", "2021-12-15", "complete"),  # not due, ahead of plan
    ("a", "m4", "p2", "2022-06-01", "", "not_started"),  # not due
    ("a", "m5", "p2", "2021-12-31", "", "limited"),  # due, limited
    ("a", "m6", "p2", "2022-03-01", "2022-02-01", "complete"),  # achieved after p2: not ahead
    ("b", "m1", "p2", "2022-05-01", "", "not_started"),  # lab b: nothing due
]


@pytest.fixture(scope="module")
def planned(small, tmp_path_factory) -> ogl_impact.Dataset:
    folder = tmp_path_factory.mktemp("planned")
    for path in small.folder.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    write(
        folder / "milestones.csv",
        [
            "lab_id",
            "milestone_id",
            "name",
            "period_id",
            "planned_date",
            "achieved_date",
            "completion",
        ],
        [[lab, m, m.upper(), p, plan, done, c] for lab, m, p, plan, done, c in MILESTONES],
    )
    return ogl_impact.load(folder)


def test_milestone_completion_counts_only_what_is_due(planned):
    irm = milestone_completion(planned).set_index(["lab_id", "period_id", "completion"])
    a2 = irm.loc[("a", "p2")]
    assert a2["n"].to_dict() == {
        "no_evidence": 0,
        "not_started": 0,
        "limited": 1,
        "substantial": 1,
        "complete": 1,  # m1; m3 (ahead of plan) and m6 are not due
    }
    assert a2.loc["complete", "share"] == pytest.approx(1 / 3)
    assert a2["share"].sum() == pytest.approx(1.0)
    # nothing due: every level 0, shares missing rather than 0
    for key in (("a", "p1"), ("b", "p2")):
        assert irm.loc[key, "n"].sum() == 0
        assert irm.loc[key, "share"].isna().all()


def test_milestone_timing_keeps_ahead_of_plan_apart(planned):
    t = milestone_timing(planned).set_index(["lab_id", "period_id"])
    assert t.loc[("a", "p2"), ["planned", "due", "ahead_of_plan"]].tolist() == [6, 3, 1]
    assert t.loc[("a", "p1"), ["planned", "due", "ahead_of_plan"]].tolist() == [1, 0, 0]
    assert t.loc[("b", "p2"), ["planned", "due", "ahead_of_plan"]].tolist() == [1, 0, 0]
    assert list(t.index) == [("a", "p1"), ("a", "p2"), ("b", "p2")]


def test_milestones_due_in_the_demo_by_hand(demo):
    rows = list(
        csv.DictReader(
            (DEMO / "milestones.csv").open(encoding="utf-8").readlines()[1:], delimiter=";"
        )
    )
    # sb1 ends on 30 Oct 2020: milestones planned by then are due
    end = "2020-10-30"
    sb1 = [r for r in rows if r["period_id"] == "sb1"]
    due = [r for r in sb1 if r["planned_date"] <= end]
    ahead = [r for r in sb1 if r["planned_date"] > end and "" < r["achieved_date"] <= end]
    assert len(due) == 10 and len(ahead) == 1
    irm = milestone_completion(demo)
    assert irm.loc[irm["period_id"] == "sb1", "n"].sum() == len(due)
    timing = milestone_timing(demo)
    assert timing.loc[timing["period_id"] == "sb1", "ahead_of_plan"].sum() == len(ahead)
    for r in due:
        got = irm[(irm["lab_id"] == r["lab_id"]) & (irm["period_id"] == "sb1")]
        got = got.set_index("completion")
        assert got.loc[r["completion"], "n"] == 1 and got["n"].sum() == 1  # one due per lab


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["achieved", "achieved", "behind"], "achieved"),
        (["achieved", "behind"], "behind"),  # tie: the less favourable
        (["achieved", "on_track"], "on_track"),
        (["achieved", "on_track", "behind"], "behind"),  # three-way tie
        (["on_track", "on_track", "achieved", "achieved", "behind"], "on_track"),
        (["no_data", "no_data", "no_data", "achieved"], "achieved"),  # no data never wins
        (["no_data", "no_data"], "no_data"),
        ([], "no_data"),
    ],
)
def test_majority_rule(statuses, expected):
    assert majority(pd.Series(statuses, dtype=object)) == expected


def test_majority_refuses_unknown_statuses():
    with pytest.raises(ValueError, match="unknown statuses"):
        majority(pd.Series(["achieved", "done"]))


def test_majority_status_per_lab_and_level(small):
    att = attainment(small, labs=["a"])
    got = majority_status(att[att["period_id"] == "p2"], by=["lab_id", "level"])
    cells = {r.level: (r.status, r.n_with_data) for r in got.itertuples()}
    # p2 from the table above: input cum behind; activity level no data; output asc and desc
    # on track, flat achieved; outcome ord on track, notarget no data
    assert cells == {
        "input": ("behind", 1),
        "activity": ("no_data", 0),
        "output": ("on_track", 3),
        "outcome": ("on_track", 1),
    }
    one = majority_status(att, by=["period_id"]).set_index("period_id")
    # p3: asc behind, desc achieved, flat behind, cum achieved, ord achieved -> achieved (3 of 5)
    assert one.loc["p3", "status"] == "achieved" and one.loc["p3", "n_with_data"] == 5
    with pytest.raises(ValueError, match="cannot group"):
        majority_status(att, by=["colour"])


def test_network_progress_is_the_capped_network_rollup(small):
    att = attainment(small)
    net = network_progress(att)
    assert list(net["level"].drop_duplicates()) == ["input", "output"]  # IOOI order
    # activity: 'level' may not be aggregated; outcome: no progress values (ordinal, no target)
    out = net[net["level"] == "output"].set_index("period_id")
    assert list(out.index) == ["p2", "p3"]  # p1 has no output values
    # p2: a.asc 0.5, a.desc 0.4, a.flat 1.0, b.asc 5/10 = 0.5; all expected 0.5
    assert out.loc["p2", "mean_progress"] == pytest.approx((0.5 + 0.4 + 1.0 + 0.5) / 4)
    assert out.loc["p2", "mean_expected"] == pytest.approx(0.5)
    assert (out.loc["p2", "n_indicators"], out.loc["p2", "n_labs"]) == (4, 2)
    # p3: a.asc 0.75, a.desc 1.2 counted as 1, a.flat 0; lab b has no value
    assert out.loc["p3", "mean_progress"] == pytest.approx((0.75 + 1.0 + 0.0) / 3)
    assert (out.loc["p3", "n_indicators"], out.loc["p3", "n_labs"]) == (3, 1)
    inputs = net[net["level"] == "input"].set_index("period_id")["mean_progress"]
    assert inputs.to_dict() == pytest.approx({"p1": 0.1, "p2": 0.1, "p3": 1.0})
    same = rollup(att, by=["level", "period_id"], network=True).set_index(["level", "period_id"])
    for row in net.itertuples():
        want = same.loc[(row.level, row.period_id), "mean_progress"]
        assert row.mean_progress == pytest.approx(want)


def test_evidence_levels(small, demo):
    ev = evidence_strength(small).set_index(["lab_id", "node_id"])
    assert ev.loc[("a", "oc1"), "msms"] == 2  # baseline and later values, no survey
    assert (
        pd.isna(ev.loc[("b", "oc1"), "msms"]) and ev.loc[("b", "oc1"), "msms_de"] == "keine Daten"
    )
    designs = pd.DataFrame(
        {"lab_id": ["a"], "node_id": ["oc1"], "msms": [4], "design": ["Matching"]}
    )
    declared = evidence_strength(small, designs).set_index(["lab_id", "node_id"])
    assert (
        declared.loc[("a", "oc1"), "msms"] == 4
        and "Matching" in declared.loc[("a", "oc1"), "basis"]
    )
    with pytest.raises(ValueError, match="4 and 5"):
        evidence_strength(small, designs.assign(msms=3))
    demo_ev = evidence_strength(demo)
    # the demo survey has a baseline wave before the labs started and comparison communes
    assert (demo_ev["msms"] == 3).all()
    assert set(demo_ev["level"]) == {"outcome", "impact"}


def test_evidence_basis_names_the_perspectives_not_their_ids(demo):
    """data/raw/nodes.csv: brandis oc1 serves p5|p7; perspectives.csv names them."""
    ev = evidence_strength(demo).set_index(["lab_id", "node_id"])
    assert ev.loc[("brandis", "oc1"), "basis"] == (
        "Befragung vor und nach Laborbeginn, mit Vergleichskommunen: "
        "Offenheit für Veränderung und Innovation, Offenheit als Organisationskultur"
    )
    assert not ev["basis"].str.contains(r"\bp\d\b").any()


def test_dac_matrix(small, demo):
    empty = dac_matrix(small)
    assert len(empty) == 2 * 6 and (empty["rating_de"] == "nicht bewertet").all()
    assert empty["criterion"].tolist()[:6] == [
        "relevance",
        "coherence",
        "effectiveness",
        "efficiency",
        "impact",
        "sustainability",
    ]
    full = dac_matrix(demo).set_index(["lab_id", "criterion"])
    rows = list(
        csv.DictReader(
            (DEMO / "dac_ratings.csv").open(encoding="utf-8").readlines()[1:], delimiter=";"
        )
    )
    assert len(full) == len(rows) == 13 * 6
    for r in rows:
        assert full.loc[(r["lab_id"], r["criterion"]), "rating"] == int(r["rating"])
    assert set(full["rating_de"]) <= {
        "nicht erfüllt",
        "teilweise erfüllt",
        "weitgehend erfüllt",
        "voll erfüllt",
    }


def test_rollup_by_disaggregation(demo):
    lab = rollup_disaggregated(demo, by=["lab_id", "indicator_id", "period_id"])
    rows = list(
        csv.DictReader(
            (DEMO / "indicator_values.csv").open(encoding="utf-8").readlines()[1:], delimiter=";"
        )
    )
    broken = [r for r in rows if r["disaggregation_value"]]
    r = broken[0]
    mine = {
        b["disaggregation_value"]: float(b["value"].replace(",", "."))
        for b in broken
        if (b["lab_id"], b["indicator_id"], b["period_id"])
        == (r["lab_id"], r["indicator_id"], r["period_id"])
    }
    got = lab.set_index(["lab_id", "indicator_id", "period_id", "disaggregation_value"])
    for group, value in mine.items():
        key = (r["lab_id"], r["indicator_id"], r["period_id"], group)
        assert got.loc[key, "value"] == value
        assert got.loc[key, "share"] == pytest.approx(value / sum(mine.values()))
    net = rollup_disaggregated(demo, by=["period_id"], network=True)
    period = r["period_id"]
    expected = sum(
        float(b["value"].replace(",", "."))
        for b in broken
        if b["period_id"] == period and b["disaggregation_value"] == "citizens"
    )
    assert net.set_index(["period_id", "disaggregation_value"]).loc[
        (period, "citizens"), "value"
    ] == pytest.approx(expected)
    with pytest.raises(ValueError, match="across labs"):
        rollup_disaggregated(demo, by=["lab_id"], network=True)


def test_rollup_rows_follow_the_chain_and_the_calendar(demo):
    """Levels in chain order, periods by end date (ZB before SB4, not after SB5)."""
    att = attainment(demo)
    net = rollup(att, by=["level", "period_id"], network=True)
    levels = list(dict.fromkeys(net["level"]))
    assert levels == ["input", "activity", "output", "outcome"]
    # demo periods.csv: zb ends 30.06.2021, sb4 31.07.2021, sb5 30.04.2022
    periods = net.loc[net["level"] == "outcome", "period_id"].tolist()
    assert periods == ["sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb"]
    by_lab = rollup(att, by=["lab_id", "period_id", "level"])
    first = by_lab[(by_lab["lab_id"] == "brandis") & (by_lab["period_id"] == "zb")]
    assert first["level"].tolist() == ["input", "activity", "output", "outcome", "impact"]
    lab_periods = by_lab.loc[by_lab["lab_id"] == "brandis", "period_id"].drop_duplicates()
    assert lab_periods.tolist() == ["sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb"]
