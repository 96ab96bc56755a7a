r"""Change between waves: mean differences, standardised effects, rank tests.

Effect sizes follow Cohen (1988) and Hedges & Olkin (1985); their
confidence intervals invert the noncentral t distribution (Steiger & Fouladi
1997; the method of R's effectsize and MBESS):
with observed :math:`t` and degrees of freedom :math:`\nu`, find the
noncentrality parameters :math:`\lambda_L, \lambda_U` with
:math:`P(T_{\nu,\lambda_L} \le t) = 1-p/2` and
:math:`P(T_{\nu,\lambda_U} \le t) = p/2`, then rescale them like :math:`t`.

Rank tests follow R's ``wilcox.test``: exact p-values for fewer than 50
observations without ties, otherwise the normal approximation with
continuity correction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

ADJUST_METHODS = {
    "holm": "holm",
    "hochberg": "simes-hochberg",
    "bh": "fdr_bh",
    "bky": "fdr_tsbky",
    "bonferroni": "bonferroni",
}


def _clean(values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[~np.isnan(arr)]


def _paired_differences(
    x: Sequence[float] | np.ndarray | pd.Series, y: Sequence[float] | np.ndarray | pd.Series
) -> np.ndarray:
    """Differences x - y of aligned pairs; pairs with a missing value are dropped."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise ValueError("paired samples must have the same length")
    ok = ~(np.isnan(xa) | np.isnan(ya))
    return xa[ok] - ya[ok]


def _ncp_interval(t: float, df: float, level: float) -> tuple[float, float]:
    """Noncentrality parameters whose t distributions put t at the interval ends."""
    tail = (1 - level) / 2

    def solve(target: float) -> float:
        def f(ncp: float) -> float:
            value = stats.nct.cdf(t, df, ncp)
            if np.isnan(value):  # far tails: the cdf is 1 below t and 0 above
                value = 1.0 if ncp < t else 0.0
            return value - target

        width = 4 * np.sqrt(1 + t * t / (2 * df)) + 1
        lo, hi = t - width, t + width
        while f(lo) < 0:
            lo -= width
        while f(hi) > 0:
            hi += width
        return optimize.brentq(f, lo, hi, xtol=1e-12)

    return solve(1 - tail), solve(tail)


def _hedges_j(df: float) -> float:
    """Exact small-sample correction of Hedges (1981)."""
    return float(
        np.exp(special.gammaln(df / 2) - np.log(np.sqrt(df / 2)) - special.gammaln((df - 1) / 2))
    )


def mean_difference(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Difference of means ``mean(x) - mean(y)`` with Student, Welch or paired t.

    Parameters
    ----------
    x, y : array-like
        The two samples (later wave first, if you want change as later - earlier).
        For ``paired=True`` they must be aligned (same respondent per position);
        pairs with a missing value are dropped.
    paired : bool, default False
        Paired t test on the differences instead of independent samples.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per test (``paired``, or ``student`` and ``welch``): estimate,
        se, t, df, p_val (two-sided), ci_low, ci_high, n_x, n_y, method.
    """
    tail = 1 - (1 - level) / 2
    if paired:
        d = _paired_differences(x, y)
        n = len(d)
        est, se = d.mean(), d.std(ddof=1) / np.sqrt(n)
        df = n - 1
        t = est / se
        q = stats.t.ppf(tail, df)
        rows = [
            ("paired", est, se, t, df, 2 * stats.t.sf(abs(t), df), est - q * se, est + q * se, n, n)
        ]
    else:
        xa, ya = _clean(x), _clean(y)
        nx, ny = len(xa), len(ya)
        est = xa.mean() - ya.mean()
        vx, vy = xa.var(ddof=1), ya.var(ddof=1)
        rows = []
        df_s = nx + ny - 2
        sp2 = ((nx - 1) * vx + (ny - 1) * vy) / df_s
        se_s = np.sqrt(sp2 * (1 / nx + 1 / ny))
        se_w = np.sqrt(vx / nx + vy / ny)
        df_w = se_w**4 / ((vx / nx) ** 2 / (nx - 1) + (vy / ny) ** 2 / (ny - 1))
        for name, se, df in (("student", se_s, df_s), ("welch", se_w, df_w)):
            t = est / se
            q = stats.t.ppf(tail, df)
            rows.append(
                (
                    name,
                    est,
                    se,
                    t,
                    df,
                    2 * stats.t.sf(abs(t), df),
                    est - q * se,
                    est + q * se,
                    nx,
                    ny,
                )
            )
    out = pd.DataFrame(
        rows,
        columns=["method", "estimate", "se", "t", "df", "p_val", "ci_low", "ci_high", "n_x", "n_y"],
    )
    out["level"] = level
    return out


def effect_sizes(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Standardised mean differences with noncentral-t confidence intervals.

    Independent samples: Cohen's :math:`d = (\bar x-\bar y)/s_p`, Hedges'
    :math:`g = J(\nu)\,d` with the exact correction
    :math:`J(\nu)=\Gamma(\nu/2)/(\sqrt{\nu/2}\,\Gamma((\nu-1)/2))`, and
    Glass's :math:`\Delta = (\bar x-\bar y)/s_y` (``y`` is the reference
    group, e.g. the earlier wave or the comparison communes). Paired samples:
    :math:`d_z = \bar d / s_d`.

    Intervals: for d and g, :math:`t = d/\sqrt{1/n_x+1/n_y}` with
    :math:`\nu=n_x+n_y-2`; for :math:`\Delta`, the same scaling with
    :math:`\nu=n_y-1` (Algina, Keselman & Penfield 2006, approximate); for
    :math:`d_z`, :math:`t=d_z\sqrt n`, :math:`\nu=n-1`.

    Parameters
    ----------
    x, y : array-like
        The two samples; for ``paired=True`` aligned pairs.
    paired : bool, default False
        Report :math:`d_z` for paired samples.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per effect size: effect, estimate, ci_low, ci_high, df, n_x,
        n_y, level.
    """
    if paired:
        d = _paired_differences(x, y)
        n = len(d)
        dz = d.mean() / d.std(ddof=1)
        lo, hi = _ncp_interval(dz * np.sqrt(n), n - 1, level)
        rows = [("d_z", dz, lo / np.sqrt(n), hi / np.sqrt(n), n - 1, n, n)]
    else:
        xa, ya = _clean(x), _clean(y)
        nx, ny = len(xa), len(ya)
        df = nx + ny - 2
        sp = np.sqrt(((nx - 1) * xa.var(ddof=1) + (ny - 1) * ya.var(ddof=1)) / df)
        diff = xa.mean() - ya.mean()
        d = diff / sp
        scale = np.sqrt(1 / nx + 1 / ny)
        lo, hi = _ncp_interval(d / scale, df, level)
        j = _hedges_j(df)
        delta = diff / ya.std(ddof=1)
        dlo, dhi = _ncp_interval(delta / scale, ny - 1, level)
        rows = [
            ("cohens_d", d, lo * scale, hi * scale, df, nx, ny),
            ("hedges_g", j * d, j * lo * scale, j * hi * scale, df, nx, ny),
            ("glass_delta", delta, dlo * scale, dhi * scale, ny - 1, nx, ny),
        ]
    out = pd.DataFrame(
        rows, columns=["effect", "estimate", "ci_low", "ci_high", "df", "n_x", "n_y"]
    )
    out["level"] = level
    return out


def rank_test(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    alternative: str = "two-sided",
) -> pd.DataFrame:
    """Wilcoxon signed-rank (paired) or Mann-Whitney (independent) test as in R.

    Parameters
    ----------
    x, y : array-like
        The two samples; for ``paired=True`` aligned pairs.
    paired : bool, default False
        Signed-rank test on ``x - y`` (zero differences dropped, as R does).
    alternative : {"two-sided", "greater", "less"}
        Direction of the alternative for ``x`` relative to ``y``.

    Returns
    -------
    DataFrame
        One row: method, statistic (R's V or W), p_val, exact, n_x, n_y.
    """
    if paired:
        d = _paired_differences(x, y)
        n_pairs = len(d)
        d = d[d != 0]
        n = len(d)
        ties = len(np.unique(np.abs(d))) < n
        exact = n < 50 and not ties
        res = stats.wilcoxon(
            d,
            alternative=alternative,
            method="exact" if exact else "approx",
            correction=not exact,
            zero_method="wilcox",
        )
        ranks = stats.rankdata(np.abs(d))
        v = ranks[d > 0].sum()
        return pd.DataFrame(
            [("wilcoxon_signed_rank", v, res.pvalue, exact, n_pairs, n_pairs)],
            columns=["method", "statistic", "p_val", "exact", "n_x", "n_y"],
        )
    xa, ya = _clean(x), _clean(y)
    ties = len(np.unique(np.concatenate([xa, ya]))) < len(xa) + len(ya)
    exact = len(xa) < 50 and len(ya) < 50 and not ties
    res = stats.mannwhitneyu(
        xa,
        ya,
        alternative=alternative,
        method="exact" if exact else "asymptotic",
        use_continuity=not exact,
    )
    return pd.DataFrame(
        [("mann_whitney", res.statistic, res.pvalue, exact, len(xa), len(ya))],
        columns=["method", "statistic", "p_val", "exact", "n_x", "n_y"],
    )


def adjust_pvalues(
    p_values: Sequence[float] | np.ndarray | pd.Series, *, method: str = "holm", alpha: float = 0.05
) -> pd.DataFrame:
    """Correct many p-values for multiple testing.

    Wraps :func:`statsmodels.stats.multitest.multipletests`. Methods: ``holm``
    (Holm 1979), ``hochberg`` (Hochberg 1988), ``bh`` (Benjamini & Hochberg
    1995), ``bky`` (the two-stage procedure of Benjamini, Krieger & Yekutieli
    2006) and ``bonferroni``. Missing p-values stay missing.

    Parameters
    ----------
    p_values : array-like
        Unadjusted p-values.
    method : str, default "holm"
        One of the methods above.
    alpha : float, default 0.05
        Family-wise error rate or false discovery rate for ``reject``
        (the BKY stage-one estimate of true nulls depends on it).

    Returns
    -------
    DataFrame
        p_val, p_adj, reject, method; in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm")["p_adj"].round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    from statsmodels.stats.multitest import multipletests

    if method not in ADJUST_METHODS:
        raise ValueError(f"method must be one of {sorted(ADJUST_METHODS)}")
    p = np.asarray(p_values, dtype=float)
    ok = ~np.isnan(p)
    adj = np.full(len(p), np.nan)
    reject = np.zeros(len(p), dtype=bool)
    if ok.any():
        rej, padj, _, _ = multipletests(p[ok], alpha=alpha, method=ADJUST_METHODS[method])
        adj[ok] = padj
        reject[ok] = rej
    return pd.DataFrame({"p_val": p, "p_adj": adj, "reject": reject, "method": method})
