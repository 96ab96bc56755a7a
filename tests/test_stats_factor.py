"""Confirmatory factor analysis against lavaan's printed output and simulations."""

import numpy as np
import pandas as pd
import pytest

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.factor import cfa, parse_model
from tests.references import parse as ref

HS_MODEL = """
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"""


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(ref.HERE / "holzinger_swineford_1939.csv")


@pytest.fixture(scope="module")
def hs_fit(hs):
    return cfa(hs, HS_MODEL)


@pytest.fixture(scope="module")
def lavaan():
    return ref.lavaan_summary("lavaan_cfa_hs.txt")


def test_fit_measures_match_lavaan(hs_fit, lavaan):
    printed = lavaan["fit"]
    ours = hs_fit.fit.set_index("term")
    user = printed["Model Test User Model"]
    assert round(ours.at["chisq", "estimate"], 3) == user["Test statistic"]
    assert ours.at["chisq", "df"] == user["Degrees of freedom"]
    base = printed["Model Test Baseline Model"]
    assert round(ours.at["baseline_chisq", "estimate"], 3) == base["Test statistic"]
    assert ours.at["baseline_chisq", "df"] == base["Degrees of freedom"]
    versus = printed["User Model versus Baseline Model"]
    assert round(ours.at["cfi", "estimate"], 3) == versus["Comparative Fit Index (CFI)"]
    assert round(ours.at["tli", "estimate"], 3) == versus["Tucker-Lewis Index (TLI)"]
    info = printed["Loglikelihood and Information Criteria"]
    assert round(ours.at["loglik", "estimate"], 3) == info["Loglikelihood user model (H0)"]
    assert (
        round(ours.at["loglik_h1", "estimate"], 3) == info["Loglikelihood unrestricted model (H1)"]
    )
    assert round(ours.at["aic", "estimate"], 3) == info["Akaike (AIC)"]
    assert round(ours.at["bic", "estimate"], 3) == info["Bayesian (BIC)"]
    rmsea = printed["Root Mean Square Error of Approximation"]
    assert round(ours.at["rmsea", "estimate"], 3) == rmsea["RMSEA"]
    assert round(ours.at["rmsea", "ci_low"], 3) == rmsea["90 Percent confidence interval - lower"]
    assert round(ours.at["rmsea", "ci_high"], 3) == rmsea["90 Percent confidence interval - upper"]
    srmr = printed["Standardized Root Mean Square Residual"]["SRMR"]
    assert round(ours.at["srmr", "estimate"], 3) == srmr
    n_params = printed["lavaan 0.6-19 ended normally after 35 iterations"]
    assert hs_fit.n == n_params["Number of observations"]
    assert hs_fit.parameters["free"].sum() == n_params["Number of model parameters"]


def test_parameters_match_lavaan_to_the_printed_digits(hs_fit, lavaan):
    printed = lavaan["parameters"].set_index(["lhs", "op", "rhs"])
    ours = hs_fit.parameters.set_index(["lhs", "op", "rhs"])
    # lavaan prints factor covariances as "visual ~~ textual": the same pair either way
    assert len(printed) == len(ours)
    for key, row in printed.iterrows():
        mine = ours.loc[key] if key in ours.index else ours.loc[(key[2], key[1], key[0])]
        assert round(mine["estimate"], 3) == row["estimate"], key
        assert round(mine["std_all"], 3) == row["std_all"], key
        if np.isnan(row["se"]):
            assert np.isnan(mine["se"]), key
        else:
            assert round(mine["se"], 3) == row["se"], key
            assert round(mine["statistic"], 3) == row["z"], key


def test_r_square_and_implied_covariance_match_lavaan(hs_fit, lavaan):
    r2 = lavaan["fit"]["R-Square"]
    std = hs_fit.parameters[(hs_fit.parameters["op"] == "~~")].set_index("lhs")
    for item, value in r2.items():
        assert round(1 - std.loc[item, "std_all"], 3) == value, item
    fitted = ref.r_lower_matrix("lavaan_cfa_hs.txt")
    np.testing.assert_allclose(
        hs_fit.implied.loc[fitted.index, fitted.columns], fitted, atol=5e-4 + 1e-12
    )


def test_standardised_views(hs_fit, lavaan):
    printed = lavaan["parameters"]
    load = hs_fit.loadings()
    assert load.shape == (9, 3)
    assert load.loc["x1", "textual"] == 0.0
    for r in printed[printed["op"] == "=~"].itertuples():
        assert round(load.loc[r.rhs, r.lhs], 3) == r.std_all
    corr = hs_fit.factor_correlations()
    between = printed[(printed["op"] == "~~") & (printed["lhs"] != printed["rhs"])]
    assert len(between) == 3
    for r in between.itertuples():
        assert round(corr.loc[r.lhs, r.rhs], 3) == r.std_all == round(corr.loc[r.rhs, r.lhs], 3)
    chisq = lavaan["fit"]["Model Test User Model"]["Test statistic"]
    assert f"chi2 = {chisq:.3f}" in hs_fit.summary()
    assert "<pre>" in hs_fit._repr_html_()


def test_a_dict_model_is_the_same_model(hs, hs_fit):
    spec = {
        "visual": ["x1", "x2", "x3"],
        "textual": ["x4", "x5", "x6"],
        "speed": ["x7", "x8", "x9"],
    }
    again = cfa(hs, spec)
    np.testing.assert_allclose(again.parameters["estimate"], hs_fit.parameters["estimate"])


@pytest.mark.slow
def test_recovers_a_known_two_factor_model():
    rng = np.random.default_rng(42)
    n = 4000
    phi = np.array([[1.0, 0.4], [0.4, 1.0]])
    f = rng.multivariate_normal([0, 0], phi, size=n)
    lam = np.array([[1.0, 0], [0.8, 0], [0.6, 0], [0, 1.0], [0, 0.7], [0, 0.5]])
    theta = np.array([0.5, 0.6, 0.7, 0.4, 0.5, 0.6])
    x = f @ lam.T + rng.normal(size=(n, 6)) * np.sqrt(theta)
    data = pd.DataFrame(x, columns=list("abcdef"))
    res = cfa(data, "f1 =~ a + b + c\nf2 =~ d + e + f")
    p = res.parameters.set_index("term")
    truth = {"f1=~b": 0.8, "f1=~c": 0.6, "f2=~e": 0.7, "f2=~f": 0.5, "f1~~f2": 0.4}
    for term, value in truth.items():
        row = p.loc[term]
        assert row["ci_low"] <= value <= row["ci_high"], term
    assert res.fit.set_index("term").at["chisq", "p_val"] > 0.001


@pytest.mark.slow
def test_chi_square_is_chi_square_distributed_under_the_model():
    rng = np.random.default_rng(7)
    stats_ = []
    for _ in range(200):
        f = rng.normal(size=(300, 1))
        x = f @ [[1.0, 0.8, 0.7, 0.6, 0.5]] + rng.normal(size=(300, 5)) * 0.7
        res = cfa(pd.DataFrame(x, columns=list("abcde")), {"f": list("abcde")})
        stats_.append(res.fit.set_index("term").at["chisq", "estimate"])
    # df = 15 - 10 = 5: mean 5, and about 5 % beyond the 95 % quantile
    assert 4.4 < np.mean(stats_) < 5.8
    assert np.mean(np.array(stats_) > 11.07) < 0.10


def test_model_mistakes_are_explained(hs):
    with pytest.raises(StatsInputError, match="x10"):
        cfa(hs, "visual =~ x1 + x2 + x10")
    with pytest.raises(StatsInputError, match=r"x2.*visual.*textual"):
        parse_model("visual =~ x1 + x2 + x3\ntextual =~ x2 + x4")
    with pytest.raises(StatsInputError, match="mindestens zwei"):
        parse_model({"f": ["x1"]})
    with pytest.raises(StatsInputError, match="Modellzeile 2"):
        parse_model("visual =~ x1 + x2 + x3\nvisual ~ textual")
    broken = hs.copy()
    broken["x3"] = broken["x3"].astype(object)
    broken.loc[4, "x3"] = "k.A."
    with pytest.raises(StatsInputError, match=r"Spalte 'x3', Zeile 4: Wert 'k\.A\.'"):
        cfa(broken, HS_MODEL)


def test_items_written_as_one_string_are_read_like_lavaan():
    assert parse_model({"f": "x1 + x2 + x3"}) == {"f": ("x1", "x2", "x3")}
    assert parse_model({"f": "x1 x2, x3"}) == {"f": ("x1", "x2", "x3")}


def test_pairwise_missing_uses_every_row(hs):
    holes = hs.copy()
    rng = np.random.default_rng(0)
    for col in ["x1", "x5", "x9"]:
        holes.loc[rng.choice(len(holes), 15, replace=False), col] = np.nan
    pairwise = cfa(holes, HS_MODEL, missing="pairwise")
    listwise = cfa(holes, HS_MODEL)
    assert pairwise.n == len(holes)
    assert listwise.n == holes[[f"x{i}" for i in range(1, 10)]].dropna().shape[0] < len(holes)
    # pairwise covariances keep every answer: close to the complete data
    full = cfa(hs, HS_MODEL).parameters["estimate"].to_numpy()
    np.testing.assert_allclose(pairwise.parameters["estimate"], full, atol=0.1)
    # listwise is the model of the complete rows (43 rows fewer moves the speed factor)
    complete = holes.dropna(subset=[f"x{i}" for i in range(1, 10)])
    np.testing.assert_allclose(
        listwise.parameters["estimate"], cfa(complete, HS_MODEL).parameters["estimate"]
    )
    with pytest.raises(ValueError, match="listwise"):
        cfa(hs, HS_MODEL, missing="fiml")
