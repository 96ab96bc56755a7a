"""The survey layer on crafted data whose answers are worked out by hand.

Scores: every respondent answers q1 = s, q2 = s and the reverse-keyed q3 =
6 - s on a 1..5 scale, so the trust score is exactly s. Reliability: five
respondents whose keyed answers have the variances and correlations worked
out in the comments. Every expected number below comes from these hand
calculations (or from a formula written out next to it), not from our output.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ogl_impact.stats import (
    StatsInputError,
    change_by_unit,
    lab_comparison,
    reliability_table,
    score_table,
)

BOOK = pd.DataFrame(
    {
        "item_id": ["q1", "q2", "q3"],
        "construct": "trust",
        "scale_min": 1,
        "scale_max": 5,
        "reverse_keyed": [False, False, True],
    }
)
# score s of respondents 0, 1, 2 of each unit in waves 1 and 2 (the same people)
S = {
    "u1": ([2, 3, 4], [3, 5, 4]),  # mean 3 -> 4; paired differences 1, 2, 0
    "u2": ([1, 2, 3], [2, 2, 5]),  # mean 2 -> 3; paired differences 1, 0, 2
    "c1": ([2, 3, 4], [2, 3, 4]),  # no change
    "c2": ([1, 3, 5], [1, 3, 5]),  # no change
}
LABS = ["u1", "u2"]
# the hand-made units have 3 respondents: tests below choose min_n=3 on purpose; the warning
# that goes with a threshold below 5 is checked in
# test_every_group_function_warns_for_a_threshold_of_3_or_4
pytestmark = pytest.mark.filterwarnings(
    "ignore::ogl_impact.stats.masking.ThresholdBelowSafeWarning"
)


def _answers(s: int) -> list[tuple[str, float]]:
    return [("q1", float(s)), ("q2", float(s)), ("q3", float(6 - s))]


def answers_of_s() -> pd.DataFrame:
    """Long answers of the units and waves of ``S``, one respondent per score."""
    rows = [
        (f"{unit}-{i}", unit, wave, "buerger", item, value)
        for unit, waves in S.items()
        for wave, scores in zip((1, 2), waves, strict=True)
        for i, s in enumerate(scores)
        for item, value in _answers(s)
    ]
    columns = ["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture
def responses() -> pd.DataFrame:
    return answers_of_s()


@pytest.fixture
def scores(responses) -> pd.DataFrame:
    # groups of 3: raw scores, as an analyst inside the secure environment takes them
    with pytest.warns(UserWarning, match="min_n=None"):
        return score_table(responses, BOOK, lab_units=LABS, min_n=None)


def test_score_is_the_mean_of_the_keyed_answers(scores):
    assert len(scores) == 4 * 3 * 2
    for unit, waves in S.items():
        for wave, expected in zip((1, 2), waves, strict=True):
            part = scores[(scores["unit_id"] == unit) & (scores["wave"] == wave)]
            assert part.sort_values("respondent_id")["trust"].tolist() == expected
    assert set(scores.loc[scores["is_lab"], "unit_id"]) == set(LABS)


def test_a_missing_answer_and_min_valid(responses):
    gone = responses.drop(index=responses.index[:2])  # u1-0, wave 1: only q3 left (s = 2)
    # default: all items but one must be answered (two of three)
    scores = score_table(gone, BOOK, lab_units=LABS, min_n=3)
    first = scores[(scores["respondent_id"] == "u1-0") & (scores["wave"] == 1)]
    assert first["trust"].isna().all() and not first["suppressed"].any()
    lenient = score_table(gone, BOOK, lab_units=LABS, min_valid=1, min_n=3)
    first = lenient[(lenient["respondent_id"] == "u1-0") & (lenient["wave"] == 1)]
    assert first["trust"].tolist() == [2.0]


def test_change_by_unit_by_hand(scores):
    with pytest.warns(UserWarning, match="min_n=None"):  # units of 3: raw values
        out = change_by_unit(scores, "trust", before=1, after=2, min_n=None)
    out = out.set_index("unit_id")
    assert list(out.index) == ["u1", "u2", "alle"]
    u1 = out.loc["u1"]
    assert (u1["n_before"], u1["n_after"], u1["n_panel"]) == (3, 3, 3)
    assert (u1["mean_before"], u1["mean_after"], u1["change"]) == pytest.approx((3, 4, 1))
    # Welch: both variances 1, n = 3: se = sqrt(1/3 + 1/3), df = 4
    se = np.sqrt(2 / 3)
    assert u1["ci_high"] - u1["change"] == pytest.approx(sps.t.ppf(0.975, 4) * se)
    assert u1["p_val"] == pytest.approx(2 * sps.t.sf(1 / se, 4))
    # Hedges: d = 1 / pooled sd 1 = 1; exact J(4) = Gamma(2) / (sqrt(2) Gamma(3/2)) = sqrt(2/pi)
    assert u1["hedges_g"] == pytest.approx(np.sqrt(2 / np.pi))
    # paired differences 1, 2, 0: mean 1, sd 1
    assert u1["d_z"] == pytest.approx(1.0)
    u2 = out.loc["u2"]
    assert (u2["mean_before"], u2["mean_after"], u2["change"]) == pytest.approx((2, 3, 1))
    # Welch for u2: variances 1 and 3 -> se = sqrt(4/3), df = (4/3)^2 / ((1/3)^2/2 + 1/2) = 3.2
    assert u2["p_val"] == pytest.approx(2 * sps.t.sf(1 / np.sqrt(4 / 3), 3.2))
    everyone = out.loc["alle"]
    assert (everyone["n_before"], everyone["mean_before"], everyone["mean_after"]) == (
        6,
        2.5,
        3.5,
    )
    assert np.isnan(everyone["p_adj"])
    # Holm over two units: the smaller p times 2, the larger p kept (never below the first)
    p = sorted(out.loc[["u1", "u2"], "p_val"])
    assert sorted(out.loc[["u1", "u2"], "p_adj"]) == pytest.approx(
        [min(1, 2 * p[0]), max(min(1, 2 * p[0]), p[1])]
    )


def test_change_for_chosen_units_includes_comparison_communes(scores):
    with pytest.warns(UserWarning):
        out = change_by_unit(scores, "trust", before=1, after=2, units=["c1"], min_n=None)
    assert out["unit_id"].tolist() == ["c1", "alle"]
    assert out["change"].tolist() == [0.0, 0.0]
    # every paired difference is 0: d_z is 0 / 0, reported as missing, not an endless search
    assert out["d_z"].isna().all() and out["dz_ci_low"].isna().all()


def test_reliability_table_by_hand():
    # keyed answers of five respondents
    q1, q2, q3 = [1, 2, 3, 4, 5], [2, 1, 4, 3, 5], [2, 3, 1, 5, 4]
    rows = []
    for i in range(5):
        for item, v in (("q1", q1[i]), ("q2", q2[i]), ("q3", 6 - q3[i])):  # q3 stored raw
            rows.append((f"r{i}", "u1", 1, "buerger", item, float(v)))
    data = pd.DataFrame(
        rows, columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    )
    row = reliability_table(data, BOOK).iloc[0]
    assert (row["construct"], row["n"], row["n_items"]) == ("trust", 5, 3)
    # item variances 2.5 each, variance of the sum (5, 6, 8, 12, 14) = 15:
    # alpha = 3/2 (1 - 7.5 / 15) = 0.75
    assert row["alpha"] == pytest.approx(0.75)
    # correlations r12 = 0.8, r13 = 0.6, r23 = 0.1: average 0.5, std alpha 3*0.5/(1+2*0.5)
    assert row["average_r"] == pytest.approx(0.5)
    assert row["std_alpha"] == pytest.approx(0.75)
    # corrected item-total: q1 14/sqrt(220), q2 9/sqrt(320), q3 7/sqrt(360) (the weakest)
    assert row["weakest_item"] == "q3"
    assert row["min_r_drop"] == pytest.approx(7 / np.sqrt(360))
    assert row["alpha_ci_low"] < 0.75 < row["alpha_ci_high"]


def test_reliability_table_leaves_out_an_item_everyone_answered_alike():
    # the keyed answers of test_reliability_table_by_hand plus q4, answered 3 by everyone:
    # psych::alpha deletes an item without variance, so alpha stays 3/2 (1 - 7.5/15) = 0.75
    q1, q2, q3 = [1, 2, 3, 4, 5], [2, 1, 4, 3, 5], [2, 3, 1, 5, 4]
    rows = []
    for i in range(5):
        for item, v in (("q1", q1[i]), ("q2", q2[i]), ("q3", 6 - q3[i]), ("q4", 3)):
            rows.append((f"r{i}", "u1", 1, "buerger", item, float(v)))
    data = pd.DataFrame(
        rows, columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    )
    book = pd.concat([BOOK, BOOK.iloc[[0]].assign(item_id="q4")], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        row = reliability_table(data, book).iloc[0]
        flat = reliability_table(data.assign(value=3.0), book).iloc[0]
    assert row["n_items"] == 4
    assert row["alpha"] == pytest.approx(0.75) and row["std_alpha"] == pytest.approx(0.75)
    assert row["weakest_item"] == "q3" and row["min_r_drop"] == pytest.approx(7 / np.sqrt(360))
    assert "q4" in row["note"]
    # nobody's answers differ: nothing to estimate, and no weakest item
    assert np.isnan(flat["alpha"]) and np.isnan(flat["omega"]) and pd.isna(flat["weakest_item"])
    assert "keine Streuung" in flat["note"]


def test_lab_comparison_is_the_difference_in_differences(scores):
    res = lab_comparison(scores, "trust", before=1, after=2, reps=199)
    # labs 2.5 -> 3.5, comparison communes 3 -> 3: DiD = 1
    table = res.table.set_index("term")
    assert table.at["difference in differences", "estimate"] == pytest.approx(1.0)
    assert table.at["treated, before", "estimate"] == pytest.approx(2.5)
    assert table.at["comparison, after", "estimate"] == pytest.approx(3.0)
    # balanced cells, every unit in both waves: two-way fixed effects give the same number
    coef = res.coefficients.set_index("term")
    assert coef.at["lab_after", "estimate"] == pytest.approx(1.0)
    assert res.bootstrap["term"].tolist() == ["lab_after"]
    assert (res.table["construct"] == "trust").all()
    assert "lab_after" in res.summary() and "<table" in res._repr_html_()


def test_wrong_input_is_explained_in_german(responses, scores):
    with pytest.raises(StatsInputError, match="Spalte 'value' fehlt in den Antworten"):
        score_table(responses.drop(columns="value"), BOOK)
    with pytest.raises(StatsInputError, match="Spalte 'reverse_keyed' fehlt in codebook"):
        reliability_table(responses, BOOK.drop(columns="reverse_keyed"))
    with pytest.raises(StatsInputError, match="Spalte 'vertrauen' fehlt in den Skalenwerten"):
        change_by_unit(scores, "vertrauen", before=1, after=2)
    with pytest.raises(StatsInputError, match=r"after=3: diese Welle kommt in den Daten nicht vor"):
        change_by_unit(scores, "trust", before=1, after=3)
    with pytest.raises(StatsInputError, match="before und after sind beide Welle 2"):
        lab_comparison(scores, "trust", before=2, after=2)
    with pytest.raises(StatsInputError, match="Einheit 'u9' kommt in data nicht vor"):
        change_by_unit(scores, "trust", before=1, after=2, units=["u9"])
    with pytest.raises(StatsInputError, match="is_lab ist überall falsch"):
        change_by_unit(scores.assign(is_lab=False), "trust", before=1, after=2)
    with pytest.raises(StatsInputError, match="braucht Labore und Vergleichskommunen"):
        lab_comparison(scores.assign(is_lab=True), "trust", before=1, after=2, reps=99)
    with pytest.raises(StatsInputError, match="muss eine Tabelle"):
        score_table(responses.to_dict(), BOOK)


def test_change_by_unit_masks_small_units_and_their_complement(scores):
    # three respondents per lab and wave: both labs are below the default of 5, their
    # total (6) is not
    out = change_by_unit(scores, "trust", before=1, after=2)
    assert out["unit_id"].tolist() == ["u1", "u2", "alle"]
    assert out["suppressed"].tolist() == [True, True, False]
    assert out.loc[:1, ["n_before", "mean_before", "change"]].isna().all().all()
    assert out.loc[2, "n_before"] == 6
    assert "Einheiten" in out.attrs["note"]
    # with k = 3 the units show; the raw values are those of min_n=None
    shown = change_by_unit(scores, "trust", before=1, after=2, min_n=3)
    assert not shown["suppressed"].any()
    with pytest.warns(UserWarning):
        raw = change_by_unit(scores, "trust", before=1, after=2, min_n=None)
    pd.testing.assert_frame_equal(shown.drop(columns="suppressed"), raw.drop(columns="suppressed"))


def test_one_small_unit_takes_a_complement_against_the_total():
    rng = np.random.default_rng(3)
    rows = []
    for unit, size in (("a", 4), ("b", 9), ("c", 12)):
        for wave in (1, 2):
            for i in range(size):
                rows.append((f"{unit}{i}", unit, wave, True, float(rng.integers(1, 6))))
    data = pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])
    out = change_by_unit(data, "trust", before=1, after=2).set_index("unit_id")
    assert out.loc["a", "suppressed"] and out.loc["b", "suppressed"]
    assert not out.loc["c", "suppressed"] and not out.loc["alle", "suppressed"]
    # "alle" minus c now covers a and b together (13 respondents), never a alone
    assert out.loc["alle", "n_before"] - out.loc["c", "n_before"] == 13


def test_reliability_table_masks_a_construct_answered_by_few(responses):
    few = responses[(responses["wave"] == 1) & (responses["unit_id"] == "u1")]  # 3 people
    table = reliability_table(few, BOOK)
    assert table["suppressed"].all() and table[["n", "alpha"]].isna().all().all()
    assert table["construct"].tolist() == ["trust"]
    assert "Konstrukte" in table.attrs["note"]


def _comparison_data(small_cell: int) -> pd.DataFrame:
    """Labs (u0-u3) and comparison units (u4-u7) in waves 1 and 2; lab cell of wave 2 cut."""
    rng = np.random.default_rng(3)
    s = pd.DataFrame(
        {"unit_id": np.repeat([f"u{i}" for i in range(8)], 20), "wave": np.tile([1, 2], 80)}
    )
    s["is_lab"] = s["unit_id"] < "u4"
    s["trust"] = 3 + rng.normal(0, 0.5, len(s))
    lab_after = s.index[s["is_lab"] & (s["wave"] == 2)]
    return s.drop(lab_after[small_cell:])


def test_lab_comparison_masks_a_cell_of_three_and_what_gives_it_away():
    from ogl_impact.stats import lab_comparison

    res = lab_comparison(_comparison_data(3), "trust", before=1, after=2, reps=99)
    t = res.table.set_index("term")
    assert bool(t.loc["treated, after", "suppressed"])
    assert np.isnan(t.loc["treated, after", "estimate"]) and np.isnan(t.loc["treated, after", "n"])
    # the change of the labs and the DiD would give the cell away next to the cells shown
    assert np.isnan(t.loc["treated, change", "estimate"])
    assert np.isnan(t.loc["difference in differences", "estimate"])
    assert not bool(t.loc["treated, before", "suppressed"])
    assert t.loc["treated, before", "n"] == 40
    assert res.bootstrap["estimate"].isna().all() and res.coefficients["estimate"].isna().all()
    assert "1 Zellen" in res.table.attrs["note"]


def test_lab_comparison_raw_values_only_on_request_with_a_warning():
    from ogl_impact.stats import lab_comparison

    with pytest.warns(UserWarning, match="min_n=None"):
        res = lab_comparison(_comparison_data(3), "trust", before=1, after=2, reps=99, min_n=None)
    t = res.table.set_index("term")
    assert t.loc["treated, after", "n"] == 3 and not t["suppressed"].any()


def test_lab_comparison_with_cells_of_five_masks_nothing():
    from ogl_impact.stats import lab_comparison

    res = lab_comparison(_comparison_data(5), "trust", before=1, after=2, reps=99)
    assert not res.table["suppressed"].any()
    assert res.table["estimate"].notna().all()


def test_change_by_unit_hides_a_lab_of_four_behind_labs_without_answers():
    """A lab of 4 in the later wave, next to labs that did not answer then: no subtraction.

    Found by hand: with only the lab of 4 counted as 'one small unit', the units
    without answers in wave 2 made the complement rule skip, and "alle" minus the
    shown units gave the 4 respondents' mean.
    """
    rng = np.random.default_rng(11)
    sizes = {"small": (8, 4), "gone1": (9, 0), "gone2": (7, 0), "big1": (20, 21), "big2": (15, 30)}
    rows = []
    for unit, per_wave in sizes.items():
        for wave, n in zip((1, 2), per_wave, strict=True):
            for i in range(n):
                rows.append((f"{unit}-{wave}-{i}", unit, wave, True, rng.integers(1, 6)))
    data = pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])
    data["trust"] = data["trust"].astype(float)
    out = change_by_unit(data, "trust", before=1, after=2).set_index("unit_id")
    assert bool(out.loc["small", "suppressed"])
    shown = out[~out["suppressed"].astype(bool) & (out.index != "alle")]
    for col in ("n_before", "n_after"):
        if not bool(out.loc["alle", "suppressed"]):
            rest = out.loc["alle", col] - shown[col].sum()
            assert rest == 0 or rest >= 5, (col, rest)


def test_score_table_masks_respondents_of_small_groups(responses):
    # two more respondents of u1 in wave 1 (scores 5 and 1): that group has 5, the others 3
    extra = [
        (f"u1-{i}", "u1", 1, "buerger", item, value)
        for i, s in ((3, 5), (4, 1))
        for item, value in _answers(s)
    ]
    data = pd.concat([responses, pd.DataFrame(extra, columns=responses.columns)])
    out = score_table(data, BOOK, lab_units=LABS)
    shown = out[~out["suppressed"]]
    # only (u1, wave 1) reaches the default of 5; its scores are the hand values 2, 3, 4, 5, 1
    assert set(zip(shown["unit_id"], shown["wave"], strict=True)) == {("u1", 1)}
    assert sorted(shown["trust"]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    hidden = out[out["suppressed"]]
    assert len(hidden) == 3 * 7 and hidden["trust"].isna().all()
    # labels stay, so that the analyst sees who is missing and why
    assert hidden[["respondent_id", "unit_id", "wave", "actor_group"]].notna().all().all()
    assert hidden["is_lab"].tolist() == hidden["unit_id"].isin(LABS).tolist()
    assert out["wave"].dtype.kind == "i"
    assert out.attrs["note"].startswith("7 Gruppen (Einheit und Welle) unterdrückt (n < 5)")
    # min_n=3 masks nothing; the raw values are those of min_n=None, which warns
    three = score_table(data, BOOK, lab_units=LABS, min_n=3)
    assert not three["suppressed"].any()
    with pytest.warns(UserWarning, match="min_n=None"):
        raw = score_table(data, BOOK, lab_units=LABS, min_n=None)
    pd.testing.assert_frame_equal(three, raw)
    assert "Rohwerte" in raw.attrs["note"]
    with pytest.raises(StatsInputError, match="min_n = 2"):
        score_table(data, BOOK, lab_units=LABS, min_n=2)


@pytest.mark.parametrize("function", ["change_by_unit", "lab_comparison"])
def test_estimates_refuse_a_masked_score_table(responses, function):
    masked = score_table(responses, BOOK, lab_units=LABS)  # every group of 3 is masked
    assert masked["suppressed"].all()
    estimate = {"change_by_unit": change_by_unit, "lab_comparison": lab_comparison}[function]
    with pytest.raises(StatsInputError) as err:
        estimate(masked, "trust", before=1, after=2)
    message = str(err.value)
    assert message.startswith(f"{function}: die Skalenwerte enthalten 24 unterdrückte")
    assert "score_table(..., min_n=None)" in message and "gesicherten Umgebung" in message
    # a masked group outside the two waves compared does not stand in the way
    later = masked[masked["wave"] == 1].assign(wave=3)
    with pytest.warns(UserWarning):
        raw = score_table(responses, BOOK, lab_units=LABS, min_n=None)
    mixed = pd.concat([raw, later], ignore_index=True)
    if function == "change_by_unit":
        assert len(change_by_unit(mixed, "trust", before=1, after=2, min_n=3)) == 3


def test_every_estimator_refuses_a_masked_score_table(responses):
    """Models fed a masked score table would drop the masked people without a word."""
    from ogl_impact import stats

    masked = score_table(responses, BOOK, lab_units=LABS).assign(
        post=lambda f: (f["wave"] == 2).astype(float),
        lab=lambda f: f["is_lab"].astype(float),
        start=2,
    )
    calls = {
        "mixed_model": lambda d: stats.mixed_model(d, "trust ~ 1", groups="unit_id"),
        "icc_null_model": lambda d: stats.icc_null_model(d, "trust", groups="unit_id"),
        "ols": lambda d: stats.ols(d, "trust ~ post"),
        "did_2x2": lambda d: stats.did_2x2(d, "trust", treatment="lab", post="post"),
        "twfe": lambda d: stats.twfe(d, "trust", treatment="lab", fe=["unit_id", "wave"]),
        "random_effects": lambda d: stats.random_effects(d, "trust ~ post", unit="unit_id"),
    }
    for name, call in calls.items():
        with pytest.raises(StatsInputError, match=r"score_table\(\.\.\., min_n=None\)") as err:
            call(masked)
        assert str(err.value).startswith(f"{name}: die Skalenwerte enthalten 24 unterdrückte")
    # without the flag (raw scores) the same calls reach the estimation
    with pytest.warns(UserWarning):
        raw = score_table(responses, BOOK, lab_units=LABS, min_n=None)
    raw = raw.assign(post=lambda f: (f["wave"] == 2).astype(float))
    assert (stats.ols(raw, "trust ~ post").fit["n"] == 24).all()


def _panel_data(pairs: dict[str, int], size: int = 12) -> pd.DataFrame:
    """Labs of ``size`` respondents per wave; ``pairs[unit]`` of them answered both waves."""
    rng = np.random.default_rng(5)
    rows = []
    for unit, both in pairs.items():
        for wave in (1, 2):
            for i in range(size):
                rid = f"{unit}-{i}" if i < both else f"{unit}-{wave}-{i}"
                rows.append((rid, unit, wave, True, float(rng.integers(1, 6))))
    return pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])


def _rest(out: pd.DataFrame, col: str) -> float:
    """What "alle" minus the shown units gives away for ``col`` (0 when "alle" is blank)."""
    total = out.loc["alle", col]
    if pd.isna(total):
        return 0.0
    return float(total - out.drop(index="alle")[col].fillna(0).sum())


def test_a_panel_of_three_is_not_the_total_minus_the_panels_shown():
    """Every unit has 12 respondents per wave; one has only 3 of them in both waves.

    Its n_panel and d_z are blanked; before the fix "alle" n_panel minus the shown
    units' n_panel gave 3, and the note said no group was below 5.
    """
    out = change_by_unit(
        _panel_data({"a": 3, "b": 8, "c": 10, "d": 12}), "trust", before=1, after=2
    ).set_index("unit_id")
    assert not out["suppressed"].any()  # every unit has 12 per wave
    assert np.isnan(out.loc["a", "n_panel"]) and np.isnan(out.loc["a", "d_z"])
    assert out.loc["alle", "n_panel"] == 33  # 3 + 8 + 10 + 12 by construction
    for col in ("n_before", "n_after", "n_panel"):
        rest = _rest(out, col)
        assert rest == 0 or rest >= 5, (col, rest)
    # the complement is the smallest other panel (b, 8 pairs): 3 + 8 = 11 together
    assert np.isnan(out.loc["b", "n_panel"]) and np.isnan(out.loc["b", "dz_ci_low"])
    assert out.loc["c", "n_panel"] == 10 and out.loc["d", "n_panel"] == 12
    note_text = out.attrs["note"]
    assert "Keine Gruppe" not in note_text
    # one count for the small panel and its complement, never which is which
    assert note_text.startswith("Die Panelwerte (n_panel, d_z) von 2 Einheiten unterdrückt (n < 5)")
    assert "weitere" not in note_text and "Dazu" not in note_text


def test_a_small_panel_of_the_only_other_lab_blanks_the_panel_of_the_total():
    out = change_by_unit(_panel_data({"a": 3, "b": 9}), "trust", before=1, after=2)
    out = out.set_index("unit_id")
    # a's panel hidden, b's too would leave nothing: either b's or the total's goes
    for col in ("n_before", "n_after", "n_panel"):
        rest = _rest(out, col)
        assert rest == 0 or rest >= 5, (col, rest)
    assert np.isnan(out.loc["a", "n_panel"])


def test_panels_of_five_or_more_are_shown_and_the_note_says_nothing_masked():
    out = change_by_unit(_panel_data({"a": 5, "b": 6}), "trust", before=1, after=2)
    assert out["n_panel"].tolist() == [5, 6, 11]
    assert out.attrs["note"].startswith("Keine Gruppe unter 5")


def test_estimators_refuse_a_masked_score_table_without_its_suppressed_column(responses):
    """People select the columns they need; the masked rows must not slip through."""
    from ogl_impact import stats

    masked = score_table(responses, BOOK, lab_units=LABS)  # every group of 3 is masked
    labs = pd.DataFrame({"unit_id": ["u1", "u2", "c1", "c2"], "land": ["BY", "HE", "BY", "HE"]})
    picked = {
        "columns": masked[["unit_id", "wave", "is_lab", "trust"]],
        "drop": masked.drop(columns="suppressed"),
        "query": masked.drop(columns="suppressed").query("wave in [1, 2]"),
    }
    # a merge keeps the suppressed column but not attrs (pandas drops them when the other
    # frame has none): the column refuses it
    merged = masked.merge(labs, on="unit_id", how="left")
    assert "masked_scores" not in merged.attrs
    with pytest.raises(StatsInputError, match="24 unterdrückte"):
        stats.ols(merged.assign(post=lambda f: f["wave"] == 2), "trust ~ post")
    for how, frame in picked.items():
        frame = frame.assign(
            post=lambda f: (f["wave"] == 2).astype(float),
            lab=lambda f: f["is_lab"].astype(float),
            respondent_id=masked["respondent_id"].to_numpy(),
        )
        assert "suppressed" not in frame.columns and frame.attrs["masked_scores"]
        calls = {
            "ols": lambda d: stats.ols(d, "trust ~ post"),
            "did_2x2": lambda d: stats.did_2x2(d, "trust", treatment="lab", post="post"),
            "icc_null_model": lambda d: stats.icc_null_model(d, "trust", groups="unit_id"),
            "mixed_model": lambda d: stats.mixed_model(d, "trust ~ 1", groups="unit_id"),
            "twfe": lambda d: stats.twfe(d, "trust", treatment="lab", fe=["unit_id", "wave"]),
            "random_effects": lambda d: stats.random_effects(d, "trust ~ post", unit="unit_id"),
            "change_by_unit": lambda d: change_by_unit(d, "trust", before=1, after=2),
            "lab_comparison": lambda d: lab_comparison(d, "trust", before=1, after=2, reps=99),
        }
        for name, call in calls.items():
            with pytest.raises(StatsInputError, match=r"score_table\(\.\.\., min_n=None\)") as e:
                call(frame)
            assert str(e.value).startswith(f"{name}: die Skalenwerte enthalten 24"), (how, name)


def test_a_score_table_with_nothing_masked_carries_no_flag(responses):
    from ogl_impact import stats

    shown = score_table(responses, BOOK, lab_units=LABS, min_n=3)
    assert "masked_scores" not in shown.attrs
    part = shown[["unit_id", "wave", "is_lab", "trust"]].assign(post=lambda f: f["wave"] == 2)
    table = stats.did_2x2(part, "trust", treatment="is_lab", post="post", min_n=3)
    assert len(table) == 7 and table["estimate"].notna().all()


def _did_data(treated_after: int) -> pd.DataFrame:
    """Cells of 8, the treated cell after the start cut to ``treated_after`` rows."""
    rng = np.random.default_rng(7)
    rows = [
        (lab, post, float(rng.integers(1, 6)))
        for lab in (True, False)
        for post in (False, True)
        for _ in range(treated_after if lab and post else 8)
    ]
    return pd.DataFrame(rows, columns=["lab", "post", "y"])


def test_did_2x2_masks_a_cell_of_four_and_the_rows_that_give_it_away():
    from ogl_impact import stats

    data = _did_data(4)
    out = stats.did_2x2(data, "y", treatment="lab", post="post").set_index("term")
    assert out.loc["treated, after", "suppressed"]
    assert out.loc["treated, after", ["estimate", "se", "n"]].isna().all()
    # the treated change next to the treated cell before would give the cell's mean;
    # the DiD next to the other three cells too
    for term in ("treated, change", "comparison, change", "difference in differences"):
        assert out.loc[term, "suppressed"] and np.isnan(out.loc[term, "estimate"]), term
    # the three cells of 8 stay, with their hand-computed means
    for (lab, post), term in {
        (True, False): "treated, before",
        (False, False): "comparison, before",
        (False, True): "comparison, after",
    }.items():
        cell = data.loc[(data["lab"] == lab) & (data["post"] == post), "y"]
        assert out.loc[term, "estimate"] == pytest.approx(cell.mean()) and out.loc[term, "n"] == 8
    assert out.attrs["note"].startswith("1 Zellen unterdrückt (n < 5)")
    # raw values only on request, with a warning
    with pytest.warns(UserWarning, match="min_n=None"):
        raw = stats.did_2x2(data, "y", treatment="lab", post="post", min_n=None)
    assert raw.set_index("term").loc["treated, after", "n"] == 4 and not raw["suppressed"].any()
    with pytest.raises(StatsInputError, match="min_n = 2"):
        stats.did_2x2(data, "y", treatment="lab", post="post", min_n=2)
    # cells of five are shown
    five = stats.did_2x2(_did_data(5), "y", treatment="lab", post="post")
    assert not five["suppressed"].any() and five["estimate"].notna().all()


def test_the_n_of_a_figure_counts_the_respondents_of_the_groups_shown():
    """Waves of 7, 8 and 3 respondents: wave 3 is masked, wave 1 as its complement.

    The n printed is that of wave 2 (8). Notebook 4.0 printed every respondent-wave
    with answers (18 here), and n minus the waves shown gave the masked ones.
    """
    from ogl_impact import privacy, stats

    rows = [
        (f"r{i}", "u1", wave, "buerger", item, value)
        for wave, people in ((1, range(7)), (2, range(8)), (3, range(4, 7)))
        for i in people
        for item, value in _answers(1 + i % 5)
    ]
    answers = pd.DataFrame(rows, columns=list(stats.survey.RESPONSE_COLUMNS))
    answers["item_id"] = answers["item_id"].astype("category")
    book = BOOK.assign(value_labels="1=nein|2=eher nein|3=teils|4=eher ja|5=ja")
    likert = stats.likert_summary(answers, book, items=["q1", "q2", "q3"], by=["wave"])
    protected = privacy.protect(
        likert.categories, groups=["wave", "item_id"], k=5, keep=["value", "label"]
    )
    assert set(protected.loc[~protected["suppressed"], "wave"]) == {2}
    count = stats.masking.shown_respondents
    assert count(answers, protected, groups=["wave", "item_id"]) == 8
    # nothing masked: every respondent-wave counts; everything masked: none
    everything = protected.assign(suppressed=False)
    assert count(answers, everything, groups=["wave", "item_id"]) == 7 + 8 + 3
    assert count(answers, protected.assign(suppressed=True), groups=["wave"]) == 0
    with pytest.raises(StatsInputError, match="Spalte 'suppressed' fehlt in published"):
        count(answers, likert.categories.drop(columns="suppressed"), groups=["wave"])


@pytest.mark.parametrize("seed", range(12))
def test_no_count_of_the_total_minus_the_units_shown_is_small(seed):
    """Random labs (some tiny, some with few panel pairs): every count summed in "alle"."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(int(rng.integers(2, 7))):
        sizes = rng.choice([0, 2, 3, 4, 6, 9, 15], size=2)
        both = int(rng.integers(0, min(sizes) + 1))
        for wave, size in zip((1, 2), sizes, strict=True):
            for i in range(size):
                rid = f"u{u}-{i}" if i < both else f"u{u}-{wave}-{i}"
                rows.append((rid, f"u{u}", wave, True, float(rng.integers(1, 6))))
    data = pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])
    if data["wave"].nunique() < 2:
        pytest.skip("a wave without answers")
    out = change_by_unit(data, "trust", before=1, after=2).set_index("unit_id")
    for col in ("n_before", "n_after", "n_panel"):
        shown = out[col].drop(index="alle").dropna()
        assert (shown == 0).all() or (shown[shown > 0] >= 5).all(), (col, shown)
        rest = _rest(out, col)
        assert rest == 0 or rest >= 5, (seed, col, rest)
    if out["n_panel"].isna().any() and out["n_before"].notna().all():
        assert "Keine Gruppe" not in out.attrs["note"]


REPORT_REASON = (
    "Gruppen unter 5 Befragten oder ergänzend unterdrückt, damit sich keine kleine Gruppe "
    "errechnen lässt"
)  # the wording of the reports' captions (reports/figures/base.py, docs/datenschutz.md)


@pytest.mark.parametrize(
    "pairs",
    [
        {"a": 4, "b": 4, "c": 12, "d": 12},  # two small panels
        {"a": 1, "b": 5, "c": 12, "d": 12},  # one small panel and its complement
    ],
)
def test_the_note_of_two_hidden_panels_does_not_say_which_is_small(pairs):
    """Hostile finding F2: "2 unter 5" against "1 unter 5, 1 ergänzend" gave the sizes.

    Both frames hide the panels of a and b, and "alle" minus the shown panels
    leaves 8 and 6. The note used to count small and complementary panels
    apart: with "1 ergänzend" (so at least 5) of 6, the other had 1.
    """
    out = change_by_unit(_panel_data(pairs), "trust", before=1, after=2).set_index("unit_id")
    assert out.loc[["a", "b"], "n_panel"].isna().all()
    assert out.loc[["c", "d"], "n_panel"].tolist() == [12, 12]
    note_text = out.attrs["note"]
    assert note_text.startswith(
        f"Die Panelwerte (n_panel, d_z) von 2 Einheiten unterdrückt (n < 5): {REPORT_REASON}"
    )
    for tell in ("weitere", "weniger als", "Dazu", "ergänzend unterdrückt, aus denen"):
        assert tell not in note_text
    assert out.attrs["min_n"] == 5
    assert sorted(out.attrs["panel_masked"]) == ["a", "b"]


def _units(sizes: dict[str, int]) -> pd.DataFrame:
    """Labs with ``sizes[unit]`` respondents in each of two waves (no panel)."""
    rows = [
        (f"{unit}-{wave}-{i}", unit, wave, True, float(1 + i % 5))
        for unit, size in sizes.items()
        for wave in (1, 2)
        for i in range(size)
    ]
    return pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])


@pytest.mark.parametrize(
    "sizes",
    [
        {"a": 4, "b": 4, "c": 20, "d": 30},  # two small units
        {"a": 3, "b": 6, "c": 20, "d": 30},  # a small unit and its complement
    ],
)
def test_the_note_of_two_hidden_units_reads_the_same_for_both_reasons(sizes):
    out = change_by_unit(_units(sizes), "trust", before=1, after=2, min_n=5)
    assert out["suppressed"].tolist() == [True, True, False, False, False]
    assert out.attrs["note"].startswith(f"2 Einheiten unterdrückt (n < 5): {REPORT_REASON}")
    assert "weniger als" not in out.attrs["note"] and "weitere" not in out.attrs["note"]
    # with k = 7 the label names 7
    out7 = change_by_unit(_units({**sizes, "c": 6}), "trust", before=1, after=2, min_n=7)
    assert "unterdrückt (n < 7): Gruppen unter 7 Befragten" in out7.attrs["note"]
    assert out7.attrs["min_n"] == 7


def _one_small_group() -> pd.DataFrame:
    """Responses: units of 10 per wave, but lab u2 has only 3 respondents in wave 2."""
    rng = np.random.default_rng(14)
    rows = []
    for unit in ("u1", "u2", "c1", "c2"):
        for wave in (1, 2):
            for i in range(3 if (unit, wave) == ("u2", 2) else 10):
                for item, value in _answers(int(rng.integers(1, 6))):
                    rows.append((f"{unit}-{wave}-{i}", unit, wave, "buerger", item, value))
    columns = ["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    return pd.DataFrame(rows, columns=columns)


def _estimators():
    from ogl_impact import stats

    return {
        "ols": lambda d: stats.ols(d, "trust ~ post"),
        "did_2x2": lambda d: stats.did_2x2(d, "trust", treatment="lab", post="post"),
        "twfe": lambda d: stats.twfe(d, "trust", treatment="lab_post", fe=["unit_id", "wave"]),
        "change_by_unit": lambda d: change_by_unit(d, "trust", before=1, after=2),
    }


def _prepared(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        post=lambda f: (f["wave"] == 2).astype(float),
        lab=lambda f: f["is_lab"].astype(float),
        lab_post=lambda f: (f["is_lab"] & (f["wave"] == 2)).astype(float),
    )


def test_estimators_warn_about_masked_rows_that_lost_every_mark():
    """Hostile finding F4 (merge_est.py): merge/concat drop attrs, then suppressed is dropped.

    u2's 3 respondents of wave 2 are masked; after a merge or a concat with a
    frame without attrs and without the suppressed column, nothing said so and
    the estimators left them out silently. The pattern masking leaves (a unit
    x wave group of 1..4 rows, no score in any) now gives a warning naming
    the group and the fix.
    """
    masked = score_table(_one_small_group(), BOOK, lab_units=LABS)
    assert masked["suppressed"].sum() == 3
    with pytest.warns(UserWarning, match="min_n=None"):
        raw = score_table(_one_small_group(), BOOK, lab_units=LABS, min_n=None)
    labs = pd.DataFrame({"unit_id": ["u1", "u2"], "land": ["BY", "HE"]})
    lost = {
        "merge": masked.merge(labs, on="unit_id", how="left").drop(columns="suppressed"),
        "concat with an empty frame": pd.concat(
            [masked, pd.DataFrame(columns=masked.columns)]
        ).drop(columns="suppressed"),
        "concat with raw waves": pd.concat(
            [raw[raw["wave"] == 1], masked[masked["wave"] == 2]]
        ).drop(columns="suppressed"),
    }
    for how, frame in lost.items():
        assert not frame.attrs, how  # both marks are gone
        frame = _prepared(frame.astype({"trust": float, "is_lab": bool, "wave": int}))
        for name, call in _estimators().items():
            with pytest.warns(UserWarning, match=f"^{name}: 1 Gruppe") as caught:
                try:
                    call(frame)
                except StatsInputError:
                    pass  # change_by_unit also masks its own small unit: only the warning counts
            text = " ".join(str(w.message) for w in caught if f"{name}: 1 Gruppe" in str(w.message))
            assert "unit_id 'u2', wave 2 (3 Zeilen" in text, (how, name)
            assert "score_table(..., min_n=None)" in text, (how, name)


def test_column_selection_and_query_keep_the_mark_and_are_refused():
    masked = score_table(_one_small_group(), BOOK, lab_units=LABS)
    kept = {
        "columns": masked[["unit_id", "wave", "is_lab", "trust"]],
        "query": masked.drop(columns="suppressed").query("wave in [1, 2]"),
        "boolean filter": masked[masked["unit_id"] != "c2"].drop(columns="suppressed"),
    }
    for frame in kept.values():
        frame = _prepared(frame)
        for name, call in _estimators().items():
            with pytest.raises(StatsInputError, match=f"^{name}: die Skalenwerte enthalten 3"):
                call(frame.assign(respondent_id=range(len(frame))))


def test_raw_scores_and_rows_outside_the_estimate_give_no_masking_warning():
    import warnings

    with pytest.warns(UserWarning, match="min_n=None"):
        raw = score_table(_one_small_group(), BOOK, lab_units=LABS, min_n=None)
    masked = score_table(_one_small_group(), BOOK, lab_units=LABS)
    labs = pd.DataFrame({"unit_id": ["u1"], "land": ["BY"]})
    merged = masked.merge(labs, on="unit_id", how="left").drop(columns="suppressed")
    assert not merged.attrs
    first_wave = merged.query("wave == 1")  # u2's masked wave 2 is not in it
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        from ogl_impact import stats

        stats.ols(_prepared(raw.drop(columns="suppressed")), "trust ~ post + lab")
        stats.ols(_prepared(first_wave), "trust ~ lab")
        # the same merged frame over both waves does hold u2's wave 2
        with pytest.warns(UserWarning, match="change_by_unit: 1 Gruppe"):
            change_by_unit(_prepared(merged).astype({"trust": float}), "trust", before=1, after=2)


def test_shown_holm_p_values_do_not_depend_on_a_masked_unit():
    """Holm's step-down gave a masked unit's p back as a shown unit's p_adj.

    b has the smallest p, the masked a (4 per wave) the next, c a slightly
    larger one: of six units, c's Holm p_adj was max(6 p_b, 5 p_a, 4 p_c, ...)
    = 5 p_a, a's p-value (f, 6 per wave, is a's complement).
    The shown p_adj must not move when only a's answers change, and must equal
    Holm over the shown p-values with a's set to 1 (statsmodels' multipletests).
    """
    from statsmodels.stats.multitest import multipletests

    def data(shift_a: float) -> pd.DataFrame:
        rng = np.random.default_rng(8)
        rows = []
        for unit, size, change in (("a", 4, shift_a), ("b", 40, 1.0), ("c", 40, 0.45),
                                   ("d", 40, 0.0), ("e", 40, 0.1), ("f", 6, 0.0)):  # fmt: skip
            for wave in (1, 2):
                values = rng.normal(3 + change * (wave - 1), 1, size)
                rows += [(f"{unit}{wave}{i}", unit, wave, True, v) for i, v in enumerate(values)]
        return pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])

    with pytest.warns(UserWarning, match="min_n=None"):
        raw = change_by_unit(data(2.5), "trust", before=1, after=2, min_n=None).set_index("unit_id")
    # the crafted order: p_b < p_a < p_c, and 3 p_a is c's raw Holm value
    assert raw.loc["b", "p_val"] < raw.loc["a", "p_val"] < raw.loc["c", "p_val"]
    assert raw.drop(index="alle")["p_val"].rank().loc["a"] == 2
    assert raw.loc["c", "p_adj"] == pytest.approx(5 * raw.loc["a", "p_val"])
    outs = [
        change_by_unit(data(shift), "trust", before=1, after=2).set_index("unit_id")
        for shift in (2.5, 1.5, 0.0)
    ]
    shown = ["b", "c", "d", "e"]
    for out in outs:
        assert out.loc[["a", "f"], "suppressed"].all() and not out.loc[shown, "suppressed"].any()
        assert out.loc[shown, "p_adj"].tolist() == outs[0].loc[shown, "p_adj"].tolist()
    p = [*outs[0].loc[shown, "p_val"], 1.0, 1.0]  # a and f masked
    expected = multipletests(p, method="holm")[1][:4]
    assert outs[0].loc[shown, "p_adj"].to_numpy() == pytest.approx(expected)


def test_no_count_of_alle_minus_the_shown_rows_is_small_in_random_tables():
    """n_before, n_after and n_panel jointly: hiding a row for one count changes the others.

    Random per-unit counts (0..11, panel pairs at most the smaller wave);
    after masking, for each count "alle" minus the rows that still show it
    is 0 or at least 5, and no shown count is 1..4.
    """
    from ogl_impact.stats.survey import _mask_units

    rng = np.random.default_rng(20)
    for _ in range(300):
        m = int(rng.integers(1, 6))
        before, after = rng.integers(0, 12, m), rng.integers(0, 12, m)
        panel = np.minimum(np.minimum(before, after), rng.integers(0, 12, m))
        frame = pd.DataFrame(
            {
                "construct": "trust",
                "unit_id": [*(f"u{i}" for i in range(m)), "alle"],
                "n_before": [*before, before.sum()],
                "n_after": [*after, after.sum()],
                "n_panel": [*panel.astype(float), float(panel.sum())],
                "d_z": 0.5,
                "dz_ci_low": 0.1,
                "dz_ci_high": 0.9,
            }
        )
        out = _mask_units(frame, 5).set_index("unit_id")
        for col in ("n_before", "n_after", "n_panel"):
            rest = _rest(out, col)
            assert rest == 0 or rest >= 5, (col, rest, frame.to_dict("list"))
            shown = out[col].dropna()
            assert not shown.between(1, 4).any(), (col, frame.to_dict("list"))


@pytest.mark.parametrize("min_n", [3, 4])
@pytest.mark.parametrize(
    "function",
    ["score_table", "reliability_table", "change_by_unit", "did_2x2", "lab_comparison"],
)
def test_every_group_function_warns_for_a_threshold_of_3_or_4(function, min_n, responses):
    """min_n=3 or 4 showed groups of 3 or 4 without a word, while the reports need
    --allow-k-below-5 for it (third hostile test, N5)."""
    from ogl_impact import stats
    from ogl_impact.stats.masking import ThresholdBelowSafeWarning

    with pytest.warns(UserWarning, match="min_n=None"):
        raw = score_table(responses, BOOK, lab_units=LABS, min_n=None)
    part = raw[["unit_id", "wave", "is_lab", "trust"]].assign(post=lambda f: f["wave"] == 2)
    # answers that vary between items (those of `responses` are collinear): one unit of 4
    keyed = {"q1": [1, 2, 3, 4], "q2": [2, 1, 4, 3], "q3": [4, 3, 5, 1]}
    varied = pd.DataFrame(
        [(f"r{i}", "u1", 1, "buerger", q, float(v[i])) for q, v in keyed.items() for i in range(4)],
        columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"],
    )
    calls = {
        "score_table": lambda: score_table(responses, BOOK, lab_units=LABS, min_n=min_n),
        "reliability_table": lambda: reliability_table(varied, BOOK, min_n=min_n),
        "change_by_unit": lambda: change_by_unit(raw, "trust", before=1, after=2, min_n=min_n),
        "did_2x2": lambda: stats.did_2x2(
            part, "trust", treatment="is_lab", post="post", min_n=min_n
        ),
        "lab_comparison": lambda: lab_comparison(
            raw, "trust", before=1, after=2, reps=99, min_n=min_n
        ),
    }
    with pytest.warns(ThresholdBelowSafeWarning, match=f"min_n = {min_n}:") as caught:
        calls[function]()
    below = [w for w in caught if issubclass(w.category, ThresholdBelowSafeWarning)]
    assert len(below) == 1 and "--allow-k-below-5" in str(below[0].message)
    assert issubclass(below[0].category, UserWarning)


def _heywood_items(n: int = 400) -> pd.DataFrame:
    """Three items whose correlations admit no one-factor solution with variances >= 0.

    A one-factor model of three items is just identified: lambda_1^2 = r12 * r13 / r23.
    With r12 = r13 = 0.5 and r23 = -0.2 that is 0.25 / -0.2 < 0 (worked by hand), so ML
    can only fit by a negative variance (a Heywood case).
    """
    rng = np.random.default_rng(1)
    corr = np.array([[1, 0.5, 0.5], [0.5, 1, -0.2], [0.5, -0.2, 1]])
    return pd.DataFrame(rng.multivariate_normal([0, 0, 0], corr, size=n), columns=["a", "b", "c"])


def test_omega_of_a_heywood_case_says_so():
    from ogl_impact.stats import omega

    out = omega(_heywood_items())
    assert (
        out["note"].str.contains("Heywood-Fall").all()
        and out["note"].str.contains("Heywood case").all()
    )
    hs = pd.read_csv(Path(__file__).parent / "references" / "holzinger_swineford_1939.csv")
    assert "note" not in omega(hs[["x1", "x2", "x3"]])  # an admissible fit: no note


def test_reliability_table_shows_no_omega_where_the_cfa_has_a_negative_variance():
    items = _heywood_items()
    # answers on a 1-5 scale keeping the correlations' signs: rank each item into fifths
    values = items.rank().sub(1).floordiv(len(items) / 5).add(1)
    long = values.reset_index(names="rid").melt(
        id_vars="rid", var_name="item_id", value_name="value"
    )
    long = long.assign(
        respondent_id=long["rid"].astype(str), unit_id="u1", wave=1, actor_group="buerger"
    ).drop(columns="rid")
    book = pd.DataFrame(
        {"item_id": ["a", "b", "c"], "construct": "k", "scale_min": 1, "scale_max": 5,
         "reverse_keyed": False}
    )  # fmt: skip
    row = reliability_table(long, book).iloc[0]  # 400 respondents: nothing masked
    assert np.isnan(row["omega"])  # before: a number above 1 without a word
    assert "Heywood" in row["note"]
    assert 0 < row["alpha"] < 1
