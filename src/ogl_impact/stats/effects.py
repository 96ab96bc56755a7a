r"""Change between waves: mean differences, standardised effects, rank tests.

Effect sizes follow Cohen (1988) and Hedges & Olkin (1985); their
confidence intervals invert the noncentral t distribution (Steiger & Fouladi
1997; the method of R's effectsize and MBESS):
with observed :math:`t` and degrees of freedom :math:`\nu`, find the
noncentrality parameters :math:`\lambda_L, \lambda_U` with
:math:`P(T_{\nu,\lambda_L} \le t) = 1-p/2` and
:math:`P(T_{\nu,\lambda_U} \le t) = p/2`, then rescale them like :math:`t`.

Rank tests follow R's ``wilcox.test``: exact p-values for fewer than 50
observations without ties or zero differences, otherwise the normal
approximation with continuity correction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ogl_impact.spelling import closest
from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.outputs import VOCABULARY, statistic_terms
from ogl_impact.stats.words import both, comma


def _clean(values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[~np.isnan(arr)]


def _paired_differences(
    x: Sequence[float] | np.ndarray | pd.Series, y: Sequence[float] | np.ndarray | pd.Series
) -> np.ndarray:
    """Differences x - y of aligned pairs; pairs with a missing value are dropped."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise StatsInputError("paired samples must have the same length")
    ok = ~(np.isnan(xa) | np.isnan(ya))
    return xa[ok] - ya[ok]


def _ncp_interval(t: float, df: float, conf_level: float) -> tuple[float, float]:
    """Noncentrality parameters whose t distributions put t at the interval ends."""
    tail = (1 - conf_level) / 2
    if not np.isfinite(t):  # no spread (all differences equal): no interval
        return np.nan, np.nan

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
    """Exact small-sample correction of Hedges (1981); as R's effectsize, J(1) = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(
            np.exp(
                special.gammaln(df / 2) - np.log(np.sqrt(df / 2)) - special.gammaln((df - 1) / 2)
            )
        )


def _sd(a: np.ndarray) -> np.float64:
    """Sample standard deviation (ddof 1); NaN, without a warning, for fewer than 2 values."""
    return a.std(ddof=1) if len(a) > 1 else np.float64(np.nan)


NO_SPREAD = both(
    "keine Streuung: t, p und Intervall nicht bestimmbar (R: data are essentially constant)",
    "no spread: t, p and interval undetermined (R: data are essentially constant)",
)


def _t_row(est: float, se: float, df: float, tail: float, scale: float) -> tuple:
    """estimate, se, t, df, p, ci_low, ci_high and the note; no t without spread.

    R's ``t.test`` stops with "data are essentially constant" when
    ``se < 10 eps * scale`` (``scale`` the largest absolute mean); ``t = d / 0``
    would give p = 0 and an interval of width 0. Then t, p and the interval are
    missing and the note says why. A missing se (a group of one) gives missing
    values as well, with no note.
    """
    if np.isfinite(se) and se <= 10 * np.finfo(float).eps * scale:
        return est, se, np.nan, df, np.nan, np.nan, np.nan, NO_SPREAD
    if not (np.isfinite(se) and np.isfinite(df)):
        return est, se, np.nan, df, np.nan, np.nan, np.nan, ""
    t = est / se
    q = stats.t.ppf(tail, df)
    return est, se, t, df, 2 * stats.t.sf(abs(t), df), est - q * se, est + q * se, ""


def mean_difference(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    conf_level: float = 0.95,
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
    conf_level : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    DataFrame
        One row per test (method ``paired``, or ``student`` and ``welch``):
        n_x, n_y, term, estimate, se, statistic (t), df, p_val (two-sided),
        ci_low, ci_high, n, method, note. Without spread (R's "data are
        essentially constant") statistic, p_val and the interval are missing and
        the note says so; with a group of one the Welch row stays missing (R
        refuses it), the Student row pools the other group's variance as R.

    Notes
    -----
    Student: :math:`s_p^2 = ((n_x-1)s_x^2 + (n_y-1)s_y^2)/(n_x+n_y-2)`,
    :math:`se = s_p\sqrt{1/n_x+1/n_y}`, :math:`\nu = n_x+n_y-2`. Welch:
    :math:`se = \sqrt{s_x^2/n_x + s_y^2/n_y}` with Welch-Satterthwaite
    :math:`\nu`. Paired: one-sample t on the differences, :math:`\nu = n-1`.

    References
    ----------
    Welch, B. L. (1947). The generalization of Student's problem when several
    different population variances are involved. Biometrika 34, 28-35.
    Matches R's ``t.test`` (``var.equal``, ``paired``).

    Examples
    --------
    >>> r = mean_difference([0.7, -1.6, -0.2, -1.2], [1.9, 0.8, 1.1, 0.1])
    >>> r.set_index("method").loc["welch", "estimate"].round(3)
    np.float64(-1.55)
    """
    _check_conf_level(conf_level)
    tail = 1 - (1 - conf_level) / 2
    if paired:
        d = _paired_differences(x, y)
        n = len(d)
        est = d.mean() if n else np.nan
        se = _sd(d) / np.sqrt(n) if n else np.nan
        rows = [(n, n, _t_row(est, se, n - 1, tail, abs(est)), n, "paired")]
    else:
        xa, ya = _clean(x), _clean(y)
        nx, ny = len(xa), len(ya)
        est = xa.mean() - ya.mean() if nx and ny else np.nan
        # as R's t.test: var(x) enters the pooled variance only for n_x > 1
        ssx = (nx - 1) * xa.var(ddof=1) if nx > 1 else 0.0
        ssy = (ny - 1) * ya.var(ddof=1) if ny > 1 else 0.0
        df_s = nx + ny - 2
        se_s = (  # R refuses an empty group: no estimate, no se
            np.sqrt(ssx + ssy) / np.sqrt(df_s) * np.sqrt(1 / nx + 1 / ny)
            if df_s > 0 and nx and ny
            else np.nan
        )
        if nx > 1 and ny > 1:  # Welch needs a variance in both groups (R: "not enough ...")
            vx, vy = ssx / (nx - 1), ssy / (ny - 1)
            se_w = np.sqrt(vx / nx + vy / ny)
            denom = (vx / nx) ** 2 / (nx - 1) + (vy / ny) ** 2 / (ny - 1)
            df_w = se_w**4 / denom if denom > 0 else np.nan
        else:
            se_w = df_w = np.nan
        scale = max(abs(xa.mean()), abs(ya.mean())) if nx and ny else 0.0
        rows = [
            (nx, ny, _t_row(est, se, df, tail, scale), nx + ny, name)
            for name, se, df in (("student", se_s, df_s), ("welch", se_w, df_w))
        ]
    out = pd.DataFrame(
        [(n_x, n_y, *t[:7], n, method, t[7]) for n_x, n_y, t, n, method in rows],
        columns=["n_x", "n_y", *VOCABULARY[1:-1], "note"],
    )
    out.insert(2, "term", "mean_difference")
    return out


def effect_sizes(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    r"""Standardised mean differences with noncentral-t confidence intervals.

    Parameters
    ----------
    x, y : array-like
        The two samples; for ``paired=True`` aligned pairs. ``y`` is the
        reference group (e.g. the earlier wave or the comparison communes).
    paired : bool, default False
        Report :math:`d_z` for paired samples.
    conf_level : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    DataFrame
        One row per effect size (term ``cohens_d``, ``hedges_g``,
        ``glass_delta``, ``glass_delta_adjusted``; or ``d_z``): n_x, n_y, term,
        estimate, statistic (the t whose noncentrality is inverted), df,
        ci_low, ci_high, n, method, note. A size whose standard deviation is
        0 or undefined (no spread, or a group of one) is missing or infinite,
        as R's formulas give it; ``note`` says why.

    Notes
    -----
    Independent samples: Cohen's :math:`d = (\bar x-\bar y)/s_p`, Hedges'
    :math:`g = J(\nu)\,d` with the exact correction
    :math:`J(\nu)=\Gamma(\nu/2)/(\sqrt{\nu/2}\,\Gamma((\nu-1)/2))`;
    :math:`t = d/\sqrt{h}`, :math:`h = 1/n_x+1/n_y`, :math:`\nu=n_x+n_y-2`.

    Glass's :math:`\Delta = (\bar x-\bar y)/s_y` as R's effectsize
    ``glass_delta`` computes it (Algina, Keselman & Penfield 2006):
    :math:`h = 1/n_y + s_x^2/(n_x s_y^2)`, :math:`t = \Delta/\sqrt h`,
    :math:`\nu = n_y-1`; the interval is :math:`[\lambda_L, \lambda_U]\sqrt h`.
    ``glass_delta_adjusted`` multiplies estimate and limits by
    :math:`J(n_y-1)` (effectsize's default ``adjust = TRUE``).

    Paired: :math:`d_z = \bar d / s_d`, :math:`t=d_z\sqrt n`, :math:`\nu=n-1`.

    The noncentrality limits solve :math:`P(T_{\nu,\lambda_L} \le t) = 1-p/2`
    and :math:`P(T_{\nu,\lambda_U} \le t) = p/2` (Steiger & Fouladi 1997).

    References
    ----------
    Cohen, J. (1988). Statistical power analysis for the behavioral sciences.
    Hedges, L. V. & Olkin, I. (1985). Statistical methods for meta-analysis.
    Algina, J., Keselman, H. J. & Penfield, R. D. (2006). Confidence intervals
    for an effect size when variances are not equal. JMASM 5(1), 2.
    R effectsize ``cohens_d``, ``hedges_g``, ``glass_delta`` (Ben-Shachar,
    Luedecke & Makowski 2020).

    Examples
    --------
    >>> # d = 1.5 / sqrt(1.4), delta = 1.5 / 1
    >>> r = effect_sizes([5.0, 6.0, 7.0, 8.0], [4.0, 5.0, 6.0]).set_index("term")
    >>> r.loc["cohens_d", "estimate"].round(3), r.loc["glass_delta", "estimate"].round(3)
    (np.float64(1.268), np.float64(1.5))
    """
    _check_conf_level(conf_level)
    method = both(
        "Intervall der nichtzentralen t-Verteilung (Steiger & Fouladi 1997)",
        "noncentral t interval (Steiger & Fouladi 1997)",
    )
    if paired:
        d = _paired_differences(x, y)
        n = len(d)
        with np.errstate(divide="ignore", invalid="ignore"):
            dz = d.mean() / d.std(ddof=1)
        t = dz * np.sqrt(n)
        lo, hi = _ncp_interval(t, n - 1, conf_level)
        rows = [(n, n, "d_z", dz, t, n - 1, lo / np.sqrt(n), hi / np.sqrt(n), n)]
        notes = [
            _size_note(
                np.array([d.std(ddof=1) if n > 1 else np.nan]),
                ("der Differenzen", "in the differences"),
            )
        ]
    else:
        xa, ya = _clean(x), _clean(y)
        nx, ny = len(xa), len(ya)
        df = nx + ny - 2
        sx, sy = _sd(xa), _sd(ya)
        diff = xa.mean() - ya.mean()
        # a group of one or without spread: the sizes it defines are NaN (or infinite)
        with np.errstate(divide="ignore", invalid="ignore"):
            sp = np.sqrt(((nx - 1) * sx**2 + (ny - 1) * sy**2) / df)
            d = diff / sp
            delta = diff / sy
            h_delta = np.sqrt(1 / ny + sx**2 / (nx * sy**2))
            t_delta = delta / h_delta  # NaN when the comparison group has no spread
            jd_delta = _hedges_j(ny - 1) * delta
        scale = np.sqrt(1 / nx + 1 / ny)
        lo, hi = _ncp_interval(d / scale, df, conf_level)
        j = _hedges_j(df)
        dlo, dhi = _ncp_interval(t_delta, ny - 1, conf_level)
        jd = _hedges_j(ny - 1)
        n = nx + ny
        rows = [
            (nx, ny, "cohens_d", d, d / scale, df, lo * scale, hi * scale, n),
            (nx, ny, "hedges_g", j * d, d / scale, df, j * lo * scale, j * hi * scale, n),
            (
                nx,
                ny,
                "glass_delta",
                delta,
                t_delta,
                ny - 1,
                dlo * h_delta,
                dhi * h_delta,
                n,
            ),
            (
                nx,
                ny,
                "glass_delta_adjusted",
                jd_delta,
                t_delta,
                ny - 1,
                jd * dlo * h_delta,
                jd * dhi * h_delta,
                n,
            ),
        ]
        pooled = _size_note(np.array([sx, sy]), ("in beiden Gruppen", "in either group"))
        glass = _size_note(
            np.array([sy]), ("in der Vergleichsgruppe (y)", "in the comparison group (y)")
        )
        notes = [pooled, pooled, glass, glass]
    out = pd.DataFrame(
        rows,
        columns=["n_x", "n_y", "term", "estimate", "statistic", "df", "ci_low", "ci_high", "n"],
    )
    out["method"] = method
    out["note"] = notes
    return statistic_terms(out)


def _size_note(sds: np.ndarray, where: tuple[str, str]) -> str:
    """Why a standardised size is missing or infinite: a group of one, or no spread."""
    if np.isnan(sds).any():
        return both(
            "Gruppe mit weniger als zwei Werten: Effektstärke nicht bestimmbar (R: NA)",
            "group of fewer than two values: effect size undetermined (R: NA)",
        )
    if (sds == 0).all():
        return both(
            f"keine Streuung {where[0]}: Effektstärke nicht bestimmbar (R: NaN oder Inf)",
            f"no spread {where[1]}: effect size undetermined (R: NaN or Inf)",
        )
    return ""


def rank_test(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    paired: bool = False,
    alternative: str = "two-sided",
) -> pd.DataFrame:
    r"""Wilcoxon signed-rank (paired) or Mann-Whitney (independent) test as in R.

    Parameters
    ----------
    x, y : array-like
        The two samples; for ``paired=True`` aligned pairs.
    paired : bool, default False
        Signed-rank test on ``x - y`` (zero differences dropped, as R does;
        then, as in R, the normal approximation instead of the exact test).
    alternative : {"two-sided", "greater", "less"}
        Direction of the alternative for ``x`` relative to ``y``.

    Returns
    -------
    DataFrame
        One row: n_x, n_y, exact, term, statistic (R's V or W), p_val, n
        (pairs, or both samples), method, note.

    Notes
    -----
    Signed rank: :math:`V = \sum_{d_i>0} \operatorname{rank}(|d_i|)`; Mann-Whitney:
    :math:`W = \sum_i\sum_j [x_i > y_j] + \tfrac12[x_i = y_j]`. Exact null
    distribution below 50 observations without ties (and without zero
    differences), else the normal approximation with continuity correction.
    Where every value (every difference) is the same, the statistic has no
    variance: p_val is missing, as R's NA, and the note says so.

    References
    ----------
    Hollander, M. & Wolfe, D. A. (1973). Nonparametric statistical methods.
    Matches R's ``wilcox.test``.

    Examples
    --------
    >>> rank_test([1.83, 0.50, 1.62, 2.48], [0.88, 0.65, 0.60, 2.05], paired=True)["statistic"]
    0    9.0
    Name: statistic, dtype: float64
    """
    if paired:
        d = _paired_differences(x, y)
        n_pairs = len(d)
        d = d[d != 0]
        n = len(d)
        if n == 0:  # every difference 0: V = 0, its variance 0, R's p-value NA
            return _rank_frame(n_pairs, n_pairs, False, 0.0, np.nan, "wilcoxon_signed_rank")
        ties = len(np.unique(np.abs(d))) < n
        # as R: exact only without ties and without zero differences
        exact = n < 50 and not ties and n == n_pairs
        res = stats.wilcoxon(
            d,
            alternative=alternative,
            method="exact" if exact else "approx",
            correction=not exact,
            zero_method="wilcox",
        )
        ranks = stats.rankdata(np.abs(d))
        v = ranks[d > 0].sum()
        return _rank_frame(n_pairs, n_pairs, exact, v, res.pvalue, "wilcoxon_signed_rank")
    xa, ya = _clean(x), _clean(y)
    pooled = np.concatenate([xa, ya])
    if len(xa) and len(ya) and len(np.unique(pooled)) == 1:
        # one value throughout: W = n_x n_y / 2 with variance 0, R's p-value NA
        w = len(xa) * len(ya) / 2
        return _rank_frame(len(xa), len(ya), False, w, np.nan, "mann_whitney")
    ties = len(np.unique(pooled)) < len(xa) + len(ya)
    exact = len(xa) < 50 and len(ya) < 50 and not ties
    res = stats.mannwhitneyu(
        xa,
        ya,
        alternative=alternative,
        method="exact" if exact else "asymptotic",
        use_continuity=not exact,
    )
    return _rank_frame(len(xa), len(ya), exact, res.statistic, res.pvalue, "mann_whitney")


def _rank_frame(nx: int, ny: int, exact: bool, statistic: float, p: float, method: str):
    n = nx if method == "wilcoxon_signed_rank" else nx + ny
    if np.isnan(p):
        note = both(
            "keine Streuung: p nicht bestimmbar (R: p-value = NA)", "no spread: p undetermined"
        )
    elif exact:
        note = both("exakt", "exact")
    else:
        note = both(
            "Normalapproximation mit Stetigkeitskorrektur",
            "normal approximation with continuity correction",
        )
    return statistic_terms(
        pd.DataFrame(
            [(nx, ny, exact, "location_shift", float(statistic), float(p), n, method, note)],
            columns=["n_x", "n_y", "exact", "term", "statistic", "p_val", "n", "method", "note"],
        )
    )


ADJUST_METHODS = {
    "bonferroni": ("Bonferroni-Korrektur", "Bonferroni correction"),
    "sidak": ("Šidák-Korrektur (einstufig)", "Šidák correction (single step)"),
    "holm-sidak": ("Holm-Šidák (schrittweise absteigend)", "Holm-Šidák (step down)"),
    "holm": ("Holm-Korrektur (1979)", "Holm correction (1979)"),
    "simes-hochberg": ("Hochberg (1988), schrittweise aufsteigend", "Hochberg (1988), step up"),
    "hommel": ("Hommel-Korrektur (1988)", "Hommel correction (1988)"),
    "fdr_bh": ("Benjamini-Hochberg (1995), FDR", "Benjamini-Hochberg (1995), FDR"),
    "fdr_by": ("Benjamini-Yekutieli (2001), FDR", "Benjamini-Yekutieli (2001), FDR"),
    "fdr_tsbh": (
        "zweistufig nach Benjamini-Hochberg (2000), FDR",
        "two-stage Benjamini-Hochberg (2000), FDR",
    ),
    "fdr_tsbky": (
        "zweistufig nach Benjamini-Krieger-Yekutieli (2006), FDR",
        "two-stage Benjamini-Krieger-Yekutieli (2006), FDR",
    ),
}
"""The corrections for multiple testing (statsmodels' codes) and their names (German, English)."""
ADJUST = "adjust"
"""Key of ``attrs`` naming the correction of a frame's ``p_adj`` (``"holm"``, ``"fdr_bh"``)."""
_OLD_NAMES = {
    "bh": "fdr_bh",
    "by": "fdr_by",
    "bky": "fdr_tsbky",
    "hochberg": "simes-hochberg",
    "BH": "fdr_bh",
    "BY": "fdr_by",
    "fdr": "fdr_bh",
}


def adjust_pvalues(
    p_values: Sequence[float] | np.ndarray | pd.Series,
    *,
    method: str = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    r"""Correct many p-values for multiple testing (statsmodels' method names).

    Parameters
    ----------
    p_values : array-like or Series
        Unadjusted p-values; a Series' index names the tests (column ``term``).
        Missing p-values stay missing and are not counted.
    method : str, default "holm"
        ``bonferroni``, ``sidak``, ``holm-sidak``, ``holm``, ``simes-hochberg``,
        ``hommel``, ``fdr_bh``, ``fdr_by``, ``fdr_tsbh``, ``fdr_tsbky`` (the
        names of :func:`statsmodels.stats.multitest.multipletests`).
    alpha : float, default 0.05
        Family-wise error rate or false discovery rate for ``reject``. The
        two-stage procedures' adjusted p-values depend on it.

    Returns
    -------
    DataFrame
        In input order: term, p_val, p_adj, reject, alpha, alpha_adj, method,
        note. ``reject`` is a nullable boolean: missing (``pd.NA``) where the
        p-value is missing, as R's ``p.adjust`` keeps ``NA``; the row's note
        says so. ``alpha_adj`` is the level of the final step-up stage of the
        two-stage procedures (for ``fdr_tsbky``
        :math:`q' m / \hat m_0` with :math:`q'=q/(1+q)`); for the other
        methods it equals ``alpha``.

    Notes
    -----
    With ordered p-values :math:`p_{(1)}\le\dots\le p_{(m)}`: Bonferroni
    :math:`\min(1, m p)`; Šidák :math:`1-(1-p)^m`; Holm
    :math:`\max_{j\le i}\min(1,(m-j+1)p_{(j)})`; Holm-Šidák the same with
    :math:`1-(1-p_{(j)})^{m-j+1}`; Hochberg
    :math:`\min_{j\ge i}(m-j+1)p_{(j)}`; Benjamini-Hochberg
    :math:`\min_{j\ge i}\min(1, m p_{(j)}/j)`; Benjamini-Yekutieli the same times
    :math:`\sum_{k=1}^m 1/k`. BKY (2006, Definition 6): BH at
    :math:`q' = q/(1+q)` rejects :math:`r_1`; if :math:`0<r_1<m`, BH again at
    :math:`q' m/(m-r_1)`. The two-stage BH (2000) uses :math:`q` in the first
    stage.

    References
    ----------
    Holm (1979), Scand. J. Statist. 6, 65-70; Hochberg (1988), Biometrika 75,
    800-802; Hommel (1988), Biometrika 75, 383-386; Benjamini & Hochberg (1995),
    JRSS B 57, 289-300; Benjamini & Yekutieli (2001), Ann. Statist. 29,
    1165-1188; Benjamini, Krieger & Yekutieli (2006), Biometrika 93, 491-507.
    R ``p.adjust`` (``bonferroni``, ``holm``, ``hochberg``, ``hommel``, ``BH``,
    ``BY``), R multtest ``mt.rawp2adjp``.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm")["p_adj"].round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh")["p_adj"].round(2).tolist()
    [0.03, 0.04, 0.04]
    """
    from statsmodels.stats.multitest import fdrcorrection_twostage, multipletests

    if not isinstance(method, str) or method not in ADJUST_METHODS:
        meant = closest(method, [*ADJUST_METHODS, *_OLD_NAMES])
        meant = _OLD_NAMES.get(meant, meant) if meant is not None else None
        hint = f" (meinten Sie {meant!r}?)" if meant is not None else ""
        raise StatsInputError(
            f"Unbekannte Korrekturmethode {method!r}{hint}; erlaubt: " + ", ".join(ADJUST_METHODS)
        )
    if not 0 < alpha < 1:
        raise StatsInputError(f"alpha muss zwischen 0 und 1 liegen, nicht {alpha!r}")
    index = p_values.index if isinstance(p_values, pd.Series) else None
    p = np.asarray(p_values, dtype=float)
    bad = ~np.isnan(p) & ((p < 0) | (p > 1))
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        raise StatsInputError(
            f"p-Wert an Position {where} ist {float(p[where])}: p-Werte liegen zwischen 0 und 1"
        )
    ok = ~np.isnan(p)
    adj = np.full(len(p), np.nan)
    reject = np.zeros(len(p), dtype=bool)
    alpha_adj = alpha
    note = ""
    if ok.any():
        rej, padj, _, _ = multipletests(p[ok], alpha=alpha, method=method)
        adj[ok] = padj
        reject[ok] = rej
        if method in ("fdr_tsbh", "fdr_tsbky"):
            stages = fdrcorrection_twostage(
                p[ok], alpha=alpha, method="bky" if method == "fdr_tsbky" else "bh"
            )[3]
            alpha_adj = float(stages[-1])
            levels = [f"{a:.6g}" for a in stages]
            note = both(
                f"Niveaus je Stufe: {comma('; '.join(levels))}",
                f"levels by stage: {', '.join(levels)}",
            )
    # R's p.adjust keeps NA: without a p-value there is no decision either
    decision = pd.array(reject, dtype="boolean")
    decision[~ok] = pd.NA
    notes = np.where(
        ok,
        note,
        both(
            "p-Wert fehlt: keine Entscheidung, nicht mitgezählt (R: NA)",
            "p-value missing: no decision, not counted (R: NA)",
        ),
    )
    out = pd.DataFrame(
        {
            "term": [str(i) for i in index] if index is not None else np.arange(len(p)),
            "p_val": p,
            "p_adj": adj,
            "reject": decision,
            "alpha": alpha,
            "alpha_adj": alpha_adj,
            "method": method,
            "note": notes,
        }
    )
    return out


def _check_conf_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise StatsInputError(
            f"conf_level muss zwischen 0 und 1 liegen (z. B. 0.95), nicht {conf_level!r}"
        )
