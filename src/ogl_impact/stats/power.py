r"""Planning the next survey wave: power and minimum detectable effect.

For a comparison of :math:`J` clusters (labs and comparison communes), a
share :math:`P` of them treated, :math:`m` respondents per cluster and an
intraclass correlation :math:`\rho`, the standard error of the standardised
difference of means is (Bloom 2005; Raudenbush 1997)

.. math:: \sigma_\delta = \sqrt{\frac{\rho}{P(1-P)J} + \frac{1-\rho}{P(1-P)Jm}}
          \;\sqrt{1 - R^2}

(:math:`R^2`: share of variance explained by covariates at the cluster
level, e.g. the earlier wave). The test has :math:`J-2-g` degrees of
freedom (:math:`g` cluster-level covariates). Power is computed exactly from
the noncentral t distribution with noncentrality :math:`\delta/\sigma_\delta`;
the minimum detectable effect is the :math:`\delta` at which the power
reaches the target (Bloom's multiplier :math:`t_{1-\alpha/2}+t_{1-\beta}` is
its large-sample approximation).

References
----------
Bloom, H. S. (2005). Randomizing groups to evaluate place-based programs. In
Learning more from social experiments. Russell Sage.
Raudenbush, S. W. (1997). Statistical analysis and optimal design for cluster
randomized trials. Psychological Methods 2, 173-185.
Cohen, J. (1988). Statistical power analysis for the behavioral sciences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.words import both


def _se(n_clusters: int, cluster_size: float, icc: float, treated_share: float, r2: float) -> float:
    pq = treated_share * (1 - treated_share)
    return float(
        np.sqrt((icc / (pq * n_clusters) + (1 - icc) / (pq * n_clusters * cluster_size)) * (1 - r2))
    )


def _power(delta: float, se: float, df: float, alpha: float) -> float:
    crit = stats.t.ppf(1 - alpha / 2, df)
    ncp = delta / se
    return float(stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp))


def power(
    effect: float,
    *,
    n_clusters: int,
    cluster_size: float,
    icc: float,
    treated_share: float = 0.5,
    alpha: float = 0.05,
    r2: float = 0.0,
    covariates: int = 0,
) -> pd.DataFrame:
    r"""Power of a two-sided test of a standardised difference between cluster groups.

    Parameters
    ----------
    effect : float
        Standardised effect (difference in SD units of the respondent-level outcome).
    n_clusters : int
        Number of clusters (labs plus comparison communes).
    cluster_size : float
        Respondents per cluster (mean).
    icc : float
        Intraclass correlation of the outcome.
    treated_share : float, default 0.5
        Share of clusters that are labs.
    alpha : float, default 0.05
        Significance level (two-sided).
    r2 : float, default 0
        Variance share explained by cluster-level covariates.
    covariates : int, default 0
        Number of cluster-level covariates (reduce the degrees of freedom).

    Returns
    -------
    DataFrame
        One row: effect, power, se, df, n_clusters, cluster_size, icc,
        treated_share, alpha, method.

    Notes
    -----
    With :math:`\sigma_\delta` as in the module docstring and
    :math:`\nu = J - 2 - g` degrees of freedom, power
    :math:`= 1 - F_{\nu,\lambda}(t_{1-\alpha/2,\nu}) + F_{\nu,\lambda}(-t_{1-\alpha/2,\nu})`,
    :math:`F_{\nu,\lambda}` the noncentral t distribution with
    :math:`\lambda = \delta/\sigma_\delta`. With one respondent per cluster
    and :math:`\rho = 0` this is the power of the two-sample t test.

    References
    ----------
    Bloom (2005); Raudenbush (1997); Cohen (1988), table 2.3.5 (checked in
    tests/references/cohen1988_power.txt). R: ``pwr::pwr.t.test``,
    ``PowerUpR::power.cra2``; Stata ``power twomeans, cluster``.

    Examples
    --------
    Cohen's d = 0.5 with 64 people per group (Cohen 1988: power .80):

    >>> round(float(power(0.5, n_clusters=128, cluster_size=1, icc=0)["power"].iloc[0]), 3)
    0.801
    """
    se = _se(n_clusters, cluster_size, icc, treated_share, r2)
    df = n_clusters - 2 - covariates
    return pd.DataFrame(
        [
            {
                "effect": effect,
                "power": _power(effect, se, df, alpha),
                "se": se,
                "df": df,
                "n_clusters": n_clusters,
                "cluster_size": cluster_size,
                "icc": icc,
                "treated_share": treated_share,
                "alpha": alpha,
                "method": both(
                    "nichtzentrale t-Verteilung, Vergleich auf Ebene der Cluster",
                    "noncentral t, cluster-level comparison",
                ),
            }
        ]
    )


def minimum_detectable_effect(
    *,
    n_clusters: int,
    cluster_size: float,
    icc: float,
    treated_share: float = 0.5,
    alpha: float = 0.05,
    target_power: float = 0.8,
    r2: float = 0.0,
    covariates: int = 0,
) -> pd.DataFrame:
    r"""Smallest standardised effect detected with the target power.

    Parameters
    ----------
    n_clusters, cluster_size, icc, treated_share, alpha, r2, covariates
        As in :func:`power`.
    target_power : float, default 0.8
        Desired power.

    Returns
    -------
    DataFrame
        One row: mde (SD units), multiplier (mde / se), se, df, power and
        the design parameters.

    Raises
    ------
    StatsInputError
        Fewer clusters than parameters: no degrees of freedom left.

    Notes
    -----
    The root :math:`\delta^*` of :math:`\text{power}(\delta) = 1-\beta`
    (:func:`power`), found by Brent's method; ``multiplier`` is
    :math:`\delta^*/\sigma_\delta`, which Bloom (2005) approximates by
    :math:`t_{1-\alpha/2,\nu} + t_{1-\beta,\nu}`.

    References
    ----------
    Bloom (2005); Raudenbush (1997). R: ``PowerUpR::mdes.cra2``,
    ``pwr::pwr.t.test(power = 0.8)``; Stata ``power twomeans, cluster``.

    Examples
    --------
    About half a standard deviation with 64 people per group and no clustering:

    >>> r = minimum_detectable_effect(n_clusters=128, cluster_size=1, icc=0)
    >>> r[["mde", "multiplier"]].round(3)
         mde  multiplier
    0  0.499       2.823
    """
    se = _se(n_clusters, cluster_size, icc, treated_share, r2)
    df = n_clusters - 2 - covariates
    if df < 1:
        raise StatsInputError("too few clusters: the test has no degrees of freedom")
    # the noncentrality needed never exceeds t_{1-alpha/2} + t_{power} by much
    upper = (stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(target_power, df) + 5) * se
    mde = optimize.brentq(lambda d: _power(d, se, df, alpha) - target_power, 1e-9, upper)
    return pd.DataFrame(
        [
            {
                "mde": mde,
                "multiplier": mde / se,
                "se": se,
                "df": df,
                "power": target_power,
                "n_clusters": n_clusters,
                "cluster_size": cluster_size,
                "icc": icc,
                "treated_share": treated_share,
                "alpha": alpha,
            }
        ]
    )
