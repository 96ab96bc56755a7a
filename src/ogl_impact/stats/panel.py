r"""Random effects for panels and the Hausman test.

* :func:`random_effects` - the one-way (individual) random-effects model
  :math:`y_{it} = \alpha + x_{it}'\beta + u_i + e_{it}` by feasible GLS with
  the Swamy-Arora variance components, for balanced and unbalanced panels,
  as R's ``plm(model = "random", random.method = "swar")`` (Baltagi & Chang
  1994) or Stata's ``xtreg, re`` estimate it (they differ only in unbalanced
  panels; ``variant``).
* :func:`hausman` - the Hausman (1978) test of fixed against random
  effects.

Variance components: the within regression gives
:math:`\hat\sigma_e^2 = \hat e_W'\hat e_W/(n-N-K)`; the between regression on
the unit means (each observation carrying its unit's mean, so units weigh
by their size) gives the quadratic form :math:`q_B`, with
:math:`E q_B = (N-K-1)\sigma_e^2 + (n - \mathrm{tr}[(\bar Z'\bar Z)^{-1}
\textstyle\sum_i T_i^2\bar z_i\bar z_i'])\sigma_u^2`, so
:math:`\hat\sigma_u^2 = \max\{0, (q_B-(N-K-1)\hat\sigma_e^2)/
(n-\mathrm{tr}[\cdot])\}` (in a balanced panel
:math:`\hat\sigma_u^2 = RSS_B/(N-K-1) - \hat\sigma_e^2/T`). GLS is OLS on
:math:`y_{it}-\theta_i\bar y_i` and :math:`z_{it}-\theta_i\bar z_i` with
:math:`\theta_i = 1-\sqrt{\sigma_e^2/(T_i\sigma_u^2+\sigma_e^2)}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.masking import refuse_masked
from ogl_impact.stats.outputs import statistic_terms
from ogl_impact.stats.regression import _check_conf_level, _codes, model_design
from ogl_impact.stats.words import both


@dataclass(frozen=True, eq=False)
class RandomEffectsResult:
    """Result of :func:`random_effects`.

    Attributes
    ----------
    coefficients : DataFrame
        term, estimate, se, statistic (z), df (NaN: normal reference),
        p_val, ci_low, ci_high, n, method, note.
    components : DataFrame
        sigma2_idiosyncratic, sigma2_individual, rho (share of the unit
        variance) and theta (or theta_min/mean/max when units differ in
        size) in ``term`` with the value in ``estimate``.
    fit : DataFrame
        r_squared (of the transformed regression, as ``plm``), n, n_units.
    within : DataFrame
        The fixed-effects (within) slopes with classical standard errors.
    hausman : DataFrame
        The Hausman test (see :func:`hausman`).
    vcov : ndarray
        Covariance of the GLS coefficients.
    """

    coefficients: pd.DataFrame
    components: pd.DataFrame
    fit: pd.DataFrame
    within: pd.DataFrame
    hausman: pd.DataFrame
    vcov: np.ndarray

    def summary(self) -> str:
        """Plain-text summary of all tables."""
        return "\n\n".join(
            t.to_string()
            for t in (self.coefficients, self.components, self.fit, self.within, self.hausman)
        )

    def _repr_html_(self) -> str:
        return "".join(
            t.to_html(index=False)
            for t in (self.coefficients, self.components, self.fit, self.hausman)
        )


def _coef_table(
    names: list[str],
    beta: np.ndarray,
    vcov: np.ndarray,
    df: float,
    n: int,
    method: str,
    conf_level: float,
    note: str = "",
) -> pd.DataFrame:
    se = np.sqrt(np.diag(vcov))
    stat = beta / se
    if np.isfinite(df):
        q = stats.t.ppf(1 - (1 - conf_level) / 2, df)
        p = 2 * stats.t.sf(np.abs(stat), df)
    else:
        q = stats.norm.ppf(1 - (1 - conf_level) / 2)
        p = 2 * stats.norm.sf(np.abs(stat))
    return pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "se": se,
            "statistic": stat,
            "df": df if np.isfinite(df) else np.nan,
            "p_val": p,
            "ci_low": beta - q * se,
            "ci_high": beta + q * se,
            "n": n,
            "method": method,
            "note": note,
        }
    )


VARIANTS = ("plm", "stata")


def random_effects(
    data: pd.DataFrame,
    formula: str,
    *,
    unit: str,
    variant: str = "plm",
    conf_level: float = 0.95,
) -> RandomEffectsResult:
    r"""One-way random-effects model (Swamy-Arora feasible GLS).

    Parameters
    ----------
    data : DataFrame
        One row per unit and period (or respondent within a unit).
    formula : str
        R-style formula with an intercept, e.g. ``"inv ~ value + capital"``.
    unit : str
        Column of the unit whose effect is random.
    variant : {"plm", "stata"}, default "plm"
        How :math:`\sigma_u^2` is estimated in an unbalanced panel (both
        agree when every unit has the same number of rows): ``"plm"`` the
        unbiased Baltagi-Chang form of the module docstring (R ``plm``,
        ``random.method = "swar"``); ``"stata"`` as ``xtreg, re``:
        :math:`RSS_b/(N-K-1) - \hat\sigma_e^2/\bar T_h` with the between
        regression on the unweighted unit means and :math:`\bar T_h` the
        harmonic mean of the unit sizes.
    conf_level : float, default 0.95
        Confidence level (normal quantiles, as ``plm`` and ``xtreg`` use).

    Returns
    -------
    RandomEffectsResult
        ``.coefficients``, ``.components``, ``.fit``, ``.within``,
        ``.hausman``.

    Notes
    -----
    See the module docstring for the variance components. The covariance
    of the GLS coefficients is :math:`s^2(Z^{*\prime}Z^*)^{-1}` with
    :math:`s^2 = RSS^*/(n-K-1)` from the transformed regression (``plm``);
    tests use the normal distribution (z).

    References
    ----------
    Swamy & Arora (1972), Econometrica 40, 261-275; Baltagi & Chang (1994),
    J. Econometrics 62, 67-89; Baltagi (2013), Econometric Analysis of Panel
    Data, 5th ed., Table 2.1; R ``plm::plm(model = "random")``
    (Croissant & Millo 2008, J. Stat. Softw. 27(2)); Stata ``xtreg, re``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> d = pd.DataFrame({"unit": np.repeat(range(20), 5), "x": rng.normal(size=100)})
    >>> d["y"] = 1 + 0.5 * d["x"] + rng.normal(size=20)[d["unit"]] + rng.normal(size=100)
    >>> res = random_effects(d, "y ~ x", unit="unit")
    >>> res.coefficients["term"].tolist()
    ['(Intercept)', 'x']
    """
    _check_conf_level(conf_level)
    if variant not in VARIANTS:
        raise StatsInputError(f"variant={variant!r}; erlaubt: {', '.join(VARIANTS)}.")
    if not isinstance(formula, str):
        raise StatsInputError("random_effects erwartet eine Formel wie 'y ~ x' (formula string).")
    refuse_masked(data, "random_effects")
    des = model_design(data, formula, cluster=unit)
    names = list(des.X.columns)
    if "(Intercept)" not in names:
        raise StatsInputError(
            f"Formel {formula!r} ohne Achsenabschnitt: das Modell mit zufälligen Effekten "
            "braucht ihn (random effects need an intercept)."
        )
    codes = _codes(des.clusters[0])
    y, Z = des.y, des.X.to_numpy(dtype=float)
    n = len(y)
    N = int(codes.max()) + 1
    sizes = np.bincount(codes, minlength=N).astype(float)
    slopes = [i for i, c in enumerate(names) if c != "(Intercept)"]
    K = len(slopes)
    if N <= K + 1:
        raise StatsInputError(f"{N} Einheiten für {K} Steigungen: mindestens K + 2 nötig.")

    def means(a: np.ndarray) -> np.ndarray:
        sums = np.zeros((N, *a.shape[1:]))
        np.add.at(sums, codes, a)
        return (sums / sizes.reshape(-1, *([1] * (a.ndim - 1))))[codes]

    ybar, Zbar = means(y), means(Z)
    # within regression
    Xw = Z[:, slopes] - Zbar[:, slopes]
    flat = [names[i] for i, s in zip(slopes, np.abs(Xw).max(axis=0), strict=True) if s < 1e-12]
    if flat:
        raise StatsInputError(
            f"{', '.join(flat)} ändert sich innerhalb von {unit} nicht: im Within-Modell nicht "
            "schätzbar (time-invariant regressor); Hausman-Test und Varianzzerlegung brauchen es."
        )
    yw = y - ybar
    bw = np.linalg.lstsq(Xw, yw, rcond=None)[0]
    ew = yw - Xw @ bw
    df_w = n - N - K
    s2e = float(ew @ ew) / df_w
    vw = s2e * np.linalg.inv(Xw.T @ Xw)
    first = np.unique(codes, return_index=True)[1]
    zb_units, yb_units = Zbar[first], ybar[first]
    if variant == "plm":
        # between regression on the expanded unit means (units weigh by their size)
        bb = np.linalg.lstsq(Zbar, ybar, rcond=None)[0]
        eb = ybar - Zbar @ bb
        q_b = float(eb @ eb)
        ZbZb = (zb_units.T * sizes) @ zb_units
        ZsZ = (zb_units.T * sizes**2) @ zb_units
        m_eta = n - float(np.trace(np.linalg.solve(ZbZb, ZsZ)))
        s2u = max(0.0, (q_b - (N - K - 1) * s2e) / m_eta)
    else:
        # xtreg, re: one row per unit, harmonic mean of the unit sizes
        bb = np.linalg.lstsq(zb_units, yb_units, rcond=None)[0]
        eb = yb_units - zb_units @ bb
        t_harmonic = N / float((1 / sizes).sum())
        s2u = max(0.0, float(eb @ eb) / (N - K - 1) - s2e / t_harmonic)
    theta_units = 1 - np.sqrt(s2e / (sizes * s2u + s2e))
    theta = theta_units[codes]
    ys = y - theta * ybar
    Zs = Z - theta[:, None] * Zbar
    beta = np.linalg.lstsq(Zs, ys, rcond=None)[0]
    es = ys - Zs @ beta
    s2 = float(es @ es) / (n - K - 1)
    vcov = s2 * np.linalg.inv(Zs.T @ Zs)
    r2 = 1 - float(es @ es) / float(((ys - ys.mean()) ** 2).sum())
    method = both(
        f"zufällige Effekte (Swamy-Arora, wie {variant}), FGLS, z-Test",
        f"random effects (Swamy-Arora, as {variant}), FGLS, z test",
    )
    note = (
        both(
            f"{des.dropped} Zeilen mit fehlenden Werten ausgelassen",
            f"{des.dropped} rows with missing values dropped",
        )
        if des.dropped
        else ""
    )
    coefs = _coef_table(names, beta, vcov, np.inf, n, method, conf_level, note)
    wnames = [names[i] for i in slopes]
    within_method = both(f"feste Effekte (within) nach {unit}", f"fixed effects (within) by {unit}")
    within = _coef_table(wnames, bw, vw, df_w, n, within_method, conf_level, note)
    comp = {"sigma2_idiosyncratic": s2e, "sigma2_individual": s2u, "rho": s2u / (s2u + s2e)}
    if np.ptp(theta_units) < 1e-12:
        comp["theta"] = float(theta_units[0])
    else:
        comp |= {
            "theta_min": float(theta.min()),
            "theta_mean": float(theta.mean()),
            "theta_max": float(theta.max()),
        }
    components = pd.DataFrame(
        {"term": list(comp), "estimate": list(comp.values()), "n": n, "method": method}
    )
    fit = pd.DataFrame(
        {
            "term": ["r_squared", "n_units", "df_within"],
            "estimate": [r2, float(N), float(df_w)],
            "n": n,
            "method": method,
        }
    )
    slope_idx = [names.index(c) for c in wnames]
    haus = _hausman(bw, vw, beta[slope_idx], vcov[np.ix_(slope_idx, slope_idx)], n)
    return RandomEffectsResult(
        coefs, statistic_terms(components), statistic_terms(fit), within, haus, vcov
    )


def _hausman(
    b_fe: np.ndarray, v_fe: np.ndarray, b_re: np.ndarray, v_re: np.ndarray, n: int
) -> pd.DataFrame:
    diff = b_fe - b_re
    vd = v_fe - v_re
    note = ""
    eig = np.linalg.eigvalsh(vd)
    if eig.min() <= 0:
        note = both(
            "Differenz der Kovarianzen nicht positiv definit: verallgemeinerte Inverse, "
            "Test mit Vorsicht lesen",
            "difference of the covariances not positive definite: generalised inverse, "
            "read the test with care",
        )
    stat = float(diff @ np.linalg.pinv(vd) @ diff)
    df = len(diff)
    return pd.DataFrame(
        [
            {
                "term": "feste vs. zufällige Effekte",
                "estimate": np.nan,
                "se": np.nan,
                "statistic": stat,
                "df": df,
                "p_val": float(stats.chi2.sf(stat, df)),
                "ci_low": np.nan,
                "ci_high": np.nan,
                "n": n,
                "method": both(
                    "Hausman-Test (Chi-Quadrat), Swamy-Arora",
                    "Hausman test (chi-square), Swamy-Arora",
                ),
                "note": note,
            }
        ]
    )


def hausman(data: pd.DataFrame, formula: str, *, unit: str, variant: str = "plm") -> pd.DataFrame:
    r"""Hausman test of fixed against random effects.

    Parameters
    ----------
    data : DataFrame
        Panel rows.
    formula : str
        R-style formula with an intercept.
    unit : str
        Unit column.
    variant : {"plm", "stata"}, default "plm"
        Variance components of the random-effects fit (see
        :func:`random_effects`).

    Returns
    -------
    DataFrame
        One row: term, estimate (NaN), se, statistic (chi-square), df
        (number of slopes), p_val, ci_low, ci_high, n, method, note.

    Notes
    -----
    :math:`H = (\hat\beta_{FE}-\hat\beta_{RE})'[\hat V_{FE}-\hat V_{RE}]^{-1}
    (\hat\beta_{FE}-\hat\beta_{RE}) \sim \chi^2_K` under the null that the
    unit effects are uncorrelated with the regressors; slopes only.

    References
    ----------
    Hausman (1978), Econometrica 46, 1251-1271; Baltagi (2013), sec. 4.3;
    R ``plm::phtest(fixed, random)``; Stata ``hausman fe re``.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> d = pd.DataFrame({"unit": np.repeat(range(30), 4), "x": rng.normal(size=120)})
    >>> d["y"] = d["x"] + rng.normal(size=30)[d["unit"]] + rng.normal(size=120)
    >>> int(hausman(d, "y ~ x", unit="unit")["df"].iloc[0])
    1
    """
    return random_effects(data, formula, unit=unit, variant=variant).hausman
