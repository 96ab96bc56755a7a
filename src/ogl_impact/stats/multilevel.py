r"""Respondents within labs: linear mixed models, the ICC, proportional odds.

Linear mixed models are fitted with :class:`statsmodels.regression.mixed_linear_model.MixedLM`
(REML by default, as lme4's ``lmer``). For the random-intercept null model
:math:`y_{ij} = \gamma_0 + u_j + e_{ij}` the intraclass correlation is
:math:`\tau^2/(\tau^2+\sigma^2)`. Convergence problems are not swallowed:
every result carries ``converged`` and a sentence saying what went wrong.

Proportional-odds models use :class:`statsmodels.miscmodels.ordinal_model.OrderedModel`
with the logit link and the parameterisation of R's ``ordinal::clm``:
:math:`\operatorname{logit} P(Y \le j) = \theta_j - x'\beta`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats


def _convergence_note(caught: list[warnings.WarningMessage], result: object) -> tuple[bool, str]:
    messages = [str(w.message).splitlines()[0] for w in caught]
    converged = bool(getattr(result, "converged", True))
    boundary = [m for m in messages if "boundary" in m.lower() or "singular" in m.lower()]
    if not converged:
        return False, (
            "The optimiser did not converge; the estimates are not reliable. "
            "Try fewer random effects or rescale the predictors."
            + (f" ({'; '.join(messages)})" if messages else "")
        )
    if boundary:
        return True, (
            "A variance component is estimated at (or near) zero: the groups do not "
            "differ detectably in this term; consider dropping it."
        )
    if any("hessian" in m.lower() or "positive definite" in m.lower() for m in messages):
        return True, (
            "The estimates converged but their standard errors may be unreliable "
            "(the curvature of the likelihood is not positive definite)."
        )
    return True, "converged"


def _fit_mixed(model: object, reml: bool) -> object | None:
    """Fit tightly (BFGS to a gradient of 1e-10, as lme4 converges), else fall back.

    Returns the first converged fit, else the last fit that ran, else None.
    """
    attempts = (
        {"method": ["bfgs"], "gtol": 1e-10, "maxiter": 2000},
        {"method": ["lbfgs"]},
        {"method": ["powell"]},
        {"method": ["nm"], "maxiter": 5000},
    )
    last = None
    for kwargs in attempts:
        try:
            result = model.fit(reml=reml, **kwargs)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            continue
        if result.converged and np.all(np.isfinite(result.bse_fe)):
            return result
        last = result
    return last


def mixed_model(
    data: pd.DataFrame,
    formula: str,
    *,
    groups: str,
    re_formula: str | None = None,
    reml: bool = True,
    level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit a linear mixed model and return tidy fixed and random effects.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (and wave).
    formula : str
        Fixed part in patsy notation, e.g. ``"score ~ C(wave)"``.
    groups : str
        Column with the grouping unit (e.g. ``"unit_id"`` for labs).
    re_formula : str, optional
        Random part, e.g. ``"~wave"`` for a random slope; default random intercept.
    reml : bool, default True
        REML (as lme4's default) or maximum likelihood.
    level : float, default 0.95
        Confidence level of the Wald intervals.

    Returns
    -------
    fixed : DataFrame
        term, estimate, se, z, p_val, ci_low, ci_high, n, n_groups, converged, note.
    random : DataFrame
        component (variance/covariance name), estimate (variance or
        covariance), sd (for variances), plus ``Residual``.
    """
    import statsmodels.formula.api as smf

    model = smf.mixedlm(formula, data, groups=data[groups], re_formula=re_formula)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _fit_mixed(model, reml)
    k_fe = model.k_fe
    if result is None:
        note = (
            "The model could not be fitted: the likelihood is singular (typically a group "
            "variance of zero or too few groups). No estimates are reported."
        )
        fixed = pd.DataFrame({"term": list(model.exog_names[:k_fe])})
        for col in ("estimate", "se", "z", "p_val", "ci_low", "ci_high"):
            fixed[col] = np.nan
        fixed["n"] = len(data)
        fixed["n_groups"] = len(model.group_labels)
        fixed["converged"] = False
        fixed["note"] = note
        random = pd.DataFrame(
            {"component": ["Residual"], "estimate": [np.nan], "sd": [np.nan], "reml": [reml]}
        )
        random["log_lik"] = np.nan
        return fixed, random
    converged, note = _convergence_note(caught, result)
    est = np.asarray(result.fe_params)
    se = np.asarray(result.bse_fe)
    z = est / se
    q = stats.norm.ppf(1 - (1 - level) / 2)
    fixed = pd.DataFrame(
        {
            "term": list(model.exog_names[:k_fe]),
            "estimate": est,
            "se": se,
            "z": z,
            "p_val": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": est - q * se,
            "ci_high": est + q * se,
        }
    )
    fixed["n"] = int(result.nobs)
    fixed["n_groups"] = len(model.group_labels)
    fixed["converged"] = converged
    fixed["note"] = note
    cov_re = result.cov_re
    names = list(cov_re.columns)
    rows = []
    for i, a in enumerate(names):
        rows.append(
            (
                f"{groups}: {_re_name(a)}",
                float(cov_re.iloc[i, i]),
                float(np.sqrt(cov_re.iloc[i, i])),
            )
        )
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            c = float(cov_re.loc[a, b])
            denom = np.sqrt(cov_re.loc[a, a] * cov_re.loc[b, b])
            rows.append((f"{groups}: cov({_re_name(a)}, {_re_name(b)})", c, np.nan))
            rows.append(
                (
                    f"{groups}: corr({_re_name(a)}, {_re_name(b)})",
                    c / denom if denom > 0 else np.nan,
                    np.nan,
                )
            )
    rows.append(("Residual", float(result.scale), float(np.sqrt(result.scale))))
    random = pd.DataFrame(rows, columns=["component", "estimate", "sd"])
    random["reml"] = reml
    random["log_lik"] = float(result.llf)
    return fixed, random


def icc_null_model(
    data: pd.DataFrame, outcome: str, *, groups: str, reml: bool = True
) -> pd.DataFrame:
    r"""ICC of the random-intercept null model (respondents within groups).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Column with the outcome (e.g. a scale score).
    groups : str
        Grouping column (e.g. ``"unit_id"``).
    reml : bool, default True
        REML or maximum likelihood.

    Returns
    -------
    DataFrame
        One row: estimate (ICC), var_between, var_within, grand_mean,
        design_effect (:math:`1+(\bar m-1)\,ICC` with mean group size
        :math:`\bar m`), n, n_groups, converged, note.
    """
    frame = data[[outcome, groups]].dropna()
    fixed, random = mixed_model(frame, f"{outcome} ~ 1", groups=groups, reml=reml)
    between = float(random["estimate"].iloc[0])
    within = float(random["estimate"].iloc[-1])
    icc = between / (between + within)
    m = len(frame) / frame[groups].nunique()
    return pd.DataFrame(
        [
            {
                "estimate": icc,
                "var_between": between,
                "var_within": within,
                "grand_mean": float(fixed["estimate"].iloc[0]),
                "design_effect": 1 + (m - 1) * icc,
                "n": len(frame),
                "n_groups": int(frame[groups].nunique()),
                "converged": bool(fixed["converged"].iloc[0]),
                "note": fixed["note"].iloc[0],
            }
        ]
    )


def proportional_odds(
    data: pd.DataFrame, outcome: str, predictors: list[str], *, level: float = 0.95
) -> pd.DataFrame:
    r"""Proportional-odds (cumulative logit) model for one Likert item.

    Categorical predictors (text or category columns) are dummy-coded with
    their first level as reference (as R does); numeric ones enter as they
    are. Thresholds are reported as cut points :math:`\theta_j` between
    categories ``j|j+1`` with delta-method standard errors.

    Parameters
    ----------
    data : DataFrame
        One row per answer.
    outcome : str
        Ordinal answer column (whole numbers; order = numeric order).
    predictors : list of str
        Predictor columns.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        term, kind (``coefficient``/``threshold``), estimate, se, z, p_val,
        ci_low, ci_high, odds_ratio (coefficients), n, log_lik, converged, note.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    frame = data[[outcome, *predictors]].dropna()
    exog = pd.get_dummies(frame[predictors], drop_first=True, dtype=float)
    levels = np.sort(frame[outcome].unique())
    endog = pd.Series(
        pd.Categorical(frame[outcome], categories=levels, ordered=True), index=frame.index
    )
    model = OrderedModel(endog, exog, distr="logit")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(method="bfgs", disp=False, maxiter=2000, gtol=1e-10)
    converged = bool(result.mle_retvals.get("converged", True))
    _, note = _convergence_note(caught, result)
    if not converged:
        note = "The optimiser did not converge; the estimates are not reliable."
    params = np.asarray(result.params)
    cov = np.asarray(result.cov_params())
    k = exog.shape[1]
    n_cut = len(levels) - 1
    # cut points: theta_1 = a_1, theta_j = theta_{j-1} + exp(a_j)
    raw = params[k:]
    theta = np.cumsum(np.concatenate([[raw[0]], np.exp(raw[1:])]))
    jac = np.zeros((n_cut, n_cut))
    for j in range(n_cut):
        jac[j, 0] = 1.0
        for i in range(1, j + 1):
            jac[j, i] = np.exp(raw[i])
    cov_theta = jac @ cov[k:, k:] @ jac.T
    est = np.concatenate([params[:k], theta])
    se = np.concatenate([np.sqrt(np.diag(cov)[:k]), np.sqrt(np.diag(cov_theta))])
    z = est / se
    q = stats.norm.ppf(1 - (1 - level) / 2)
    terms = list(exog.columns) + [f"{levels[j]:g}|{levels[j + 1]:g}" for j in range(n_cut)]
    out = pd.DataFrame(
        {
            "term": terms,
            "kind": ["coefficient"] * k + ["threshold"] * n_cut,
            "estimate": est,
            "se": se,
            "z": z,
            "p_val": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": est - q * se,
            "ci_high": est + q * se,
        }
    )
    out["odds_ratio"] = np.where(out["kind"] == "coefficient", np.exp(out["estimate"]), np.nan)
    out["n"] = len(frame)
    out["log_lik"] = float(result.llf)
    out["converged"] = converged
    out["note"] = note
    return out


def _re_name(name: str) -> str:
    return "(Intercept)" if name in {"Group", "Intercept"} else name
