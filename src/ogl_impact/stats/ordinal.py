r"""Ordinal answers: cumulative link (proportional-odds) models.

The model is R ``ordinal::clm``'s (and Stata ``ologit``/``oprobit``'s):
:math:`P(Y \le j \mid x) = F(\theta_j - x'\beta)` for the categories
:math:`j = 1, \dots, J-1` with the logistic (``link="logit"``) or standard normal
(``link="probit"``) distribution function :math:`F`. The log-likelihood
:math:`\ell = \sum_i \log\{F(\eta_{i1}) - F(\eta_{i2})\}` with
:math:`\eta_{i1} = \theta_{y_i} - x_i'\beta`, :math:`\eta_{i2} = \theta_{y_i - 1} - x_i'\beta`
is maximised by Newton-Raphson with the analytic gradient and Hessian
(:math:`\partial\ell_i/\partial\eta_1 = f_1/p_i`,
:math:`\partial^2\ell_i/\partial\eta_1^2 = f_1'/p_i - (f_1/p_i)^2`,
:math:`\partial^2\ell_i/\partial\eta_2^2 = -f_2'/p_i - (f_2/p_i)^2`,
:math:`\partial^2\ell_i/\partial\eta_1\partial\eta_2 = f_1 f_2/p_i^2`), so the standard
errors come from the exact observed information, as in ``clm`` and Stata.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.masking import refuse_masked
from ogl_impact.stats.outputs import statistic_terms, wald_frame
from ogl_impact.stats.words import both, comma, halves, joined

LINKS = ("logit", "probit")
GRAD_TOL = 1e-6  # ordinal::clm.control(gradTol = 1e-6)
SEP_SE = 1e3  # a standard error this large (per SD of x) means the estimate diverged


@dataclass(frozen=True)
class OrdinalResult:
    """A fitted cumulative link model.

    Attributes
    ----------
    coefficients : DataFrame
        kind (``coefficient``/``threshold``), term, estimate, se, statistic (Wald z),
        p_val, ci_low, ci_high, n, method, note.
    fit : DataFrame
        term (n_categories, log_lik, aic, bic, n_iter, max_grad, cond_h), estimate,
        n, method (names the link), note.
    link : str
        ``"logit"`` or ``"probit"``.
    parallel : DataFrame
        The parallel-lines check: kind (``binary slope`` per cut, ``brant``), cut, term,
        estimate, se, statistic, df, p_val, method, note.
    converged : bool
        Newton-Raphson stopped with max |gradient| below 1e-6 and a positive definite
        information matrix.
    note : str
        What the checks found, German and English.
    """

    coefficients: pd.DataFrame
    fit: pd.DataFrame
    parallel: pd.DataFrame
    converged: bool
    note: str
    link: str = "logit"

    def summary(self) -> str:
        """Plain-text summary (coefficients, thresholds, fit, parallel lines)."""
        cols = ["kind", "term", "estimate", "se", "statistic", "p_val"]
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            brant = self.parallel[self.parallel["kind"] == "brant"]
            return (
                f"{self.fit['method'].iloc[0]}\n{self.note}\n\n"
                f"{self.coefficients[cols].to_string(index=False)}\n\n"
                f"{self.fit[['term', 'estimate']].to_string(index=False)}\n\n"
                f"Parallel lines / Parallelität:\n"
                f"{brant[['term', 'statistic', 'df', 'p_val', 'note']].to_string(index=False)}"
            )

    def odds_ratios(self) -> pd.DataFrame:
        r"""Return the coefficients as odds ratios (logit link only).

        Returns
        -------
        DataFrame
            term, estimate (:math:`e^{\beta}`), ci_low, ci_high (the Wald limits
            transformed), n, method, note.

        Raises
        ------
        StatsInputError
            The model was fitted with the probit link.

        Notes
        -----
        :math:`OR_j = e^{\beta_j}` with interval :math:`e^{\beta_j \pm
        z_{1-p/2}\,se_j}`; under the model the odds of answering in a
        higher category grow by the factor :math:`OR_j` per unit of
        :math:`x_j` (R ordinal's sign convention :math:`\theta_j - x'\beta`).

        References
        ----------
        Agresti, A. (2010). Analysis of ordinal categorical data, 2nd ed.,
        Wiley, ch. 3. R: ``exp(coef(clm))``, ``exp(confint.default(clm))``;
        Stata ``ologit, or``.

        Examples
        --------
        >>> import pandas as pd
        >>> d = pd.DataFrame({"y": [1, 2, 2, 3, 1, 3, 3, 2, 1, 3, 1, 3],
        ...                   "x": [0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0]})
        >>> proportional_odds(d, "y", ["x"]).odds_ratios()["term"].tolist()
        ['x']
        """
        if self.link != "logit":
            raise StatsInputError(
                "Odds Ratios gibt es nur für den Logit-Link. / odds ratios need the logit link."
            )
        coef = self.coefficients[self.coefficients["kind"] == "coefficient"]
        return pd.DataFrame(
            {
                "term": coef["term"].to_numpy(),
                "estimate": np.exp(coef["estimate"].to_numpy()),
                "ci_low": np.exp(coef["ci_low"].to_numpy()),
                "ci_high": np.exp(coef["ci_high"].to_numpy()),
                "n": coef["n"].to_numpy(),
                "method": coef["method"].to_numpy(),
                "note": coef["note"].to_numpy(),
            }
        )

    def _repr_html_(self) -> str:
        return (
            f"<p>{self.fit['method'].iloc[0]} &mdash; {self.note}</p>"
            f"{self.coefficients.to_html(index=False)}"
            f"<h4>Fit</h4>{self.fit.to_html(index=False)}"
            f"<h4>Parallel lines</h4>{self.parallel.to_html(index=False)}"
        )


# ---------------------------------------------------------------- link functions


def _cdf_pdf_dpdf(eta: np.ndarray, link: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F, f and f' at eta (+-inf allowed)."""
    with np.errstate(invalid="ignore", over="ignore"):
        if link == "logit":
            F = special.expit(eta)
            f = F * (1 - F)
            df = f * (1 - 2 * F)
        else:
            F = special.ndtr(eta)
            f = np.exp(-0.5 * eta * eta) / np.sqrt(2 * np.pi)
            df = -eta * f
    inf = ~np.isfinite(eta)
    f = np.where(inf, 0.0, f)
    df = np.where(inf, 0.0, df)
    return F, f, df


def _survival(eta: np.ndarray, link: str) -> np.ndarray:
    return special.expit(-eta) if link == "logit" else special.ndtr(-eta)


@dataclass(frozen=True)
class _Clm:
    y: np.ndarray  # 0..J-1
    X: np.ndarray  # n x k, no intercept
    J: int
    link: str

    def parts(self, params: np.ndarray):
        J, k = self.J, self.X.shape[1]
        theta = np.concatenate([[-np.inf], params[: J - 1], [np.inf]])
        xb = self.X @ params[J - 1 :] if k else np.zeros(len(self.y))
        eta1 = theta[self.y + 1] - xb
        eta2 = theta[self.y] - xb
        F1, f1, d1 = _cdf_pdf_dpdf(eta1, self.link)
        F2, f2, d2 = _cdf_pdf_dpdf(eta2, self.link)
        # upper tail differences are more accurate when both etas are large
        upper = eta2 > 0
        p = np.where(upper, _survival(eta2, self.link) - _survival(eta1, self.link), F1 - F2)
        return p, f1, d1, f2, d2

    def loglik(self, params: np.ndarray) -> float:
        p = self.parts(params)[0]
        if np.any(p <= 0) or not np.all(np.isfinite(p)):
            return -np.inf
        return float(np.sum(np.log(p)))

    def derivatives(self, params: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        J, n = self.J, len(self.y)
        p, f1, d1, f2, d2 = self.parts(params)
        ll = float(np.sum(np.log(p))) if np.all(p > 0) else -np.inf
        g1, g2 = f1 / p, -f2 / p
        h11 = d1 / p - g1**2
        h22 = -d2 / p - g2**2
        h12 = -g1 * g2  # = f1 f2 / p^2
        A1 = np.zeros((n, J - 1))
        A2 = np.zeros((n, J - 1))
        rows = np.arange(n)
        top = self.y < J - 1
        A1[rows[top], self.y[top]] = 1.0
        bottom = self.y > 0
        A2[rows[bottom], self.y[bottom] - 1] = 1.0
        A1 = np.hstack([A1, -self.X])
        A2 = np.hstack([A2, -self.X])
        grad = A1.T @ g1 + A2.T @ g2
        cross = (A1 * h12[:, None]).T @ A2
        hess = (A1 * h11[:, None]).T @ A1 + (A2 * h22[:, None]).T @ A2 + cross + cross.T
        return ll, grad, hess


def _start(y: np.ndarray, J: int, k: int, link: str) -> np.ndarray:
    cum = np.cumsum(np.bincount(y, minlength=J))[:-1] / len(y)
    cum = np.clip(cum, 1e-6, 1 - 1e-6)
    theta = special.logit(cum) if link == "logit" else special.ndtri(cum)
    return np.concatenate([theta, np.zeros(k)])


def _newton(model: _Clm, start: np.ndarray, max_iter: int = 100):
    params = start.copy()
    ll, grad, hess = model.derivatives(params)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007
        if np.max(np.abs(grad)) < 1e-10:
            break
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            break
        for scale in 0.5 ** np.arange(20):
            trial = params + scale * step
            if np.all(np.diff(trial[: model.J - 1]) > 0) or model.J == 2:
                ll_new = model.loglik(trial)
                if ll_new >= ll - 1e-12 * abs(ll):
                    break
        else:
            break
        params = trial
        ll, grad, hess = model.derivatives(params)
        if np.max(np.abs(scale * step)) < 1e-12:
            break
    return params, ll, grad, hess, n_iter


# ---------------------------------------------------------------- inputs


def _outcome_codes(values: pd.Series, outcome: str) -> tuple[np.ndarray, list[object], str]:
    """Codes 0..J-1 in outcome order and the category labels."""
    note = ""
    if isinstance(values.dtype, pd.CategoricalDtype):
        if not values.cat.ordered:
            raise StatsInputError(
                f"Spalte {outcome!r} ist eine ungeordnete Kategorie {list(values.cat.categories)}; "
                f"die Reihenfolge der Antworten ist unklar. Bitte als geordnete Kategorie angeben "
                f"(pd.Categorical(..., ordered=True)). / column {outcome!r} is an unordered "
                f"categorical: give it as an ordered one."
            )
        unused = [c for c in values.cat.categories if c not in set(values.dropna())]
        if unused:
            # listed plainly; a label's own " / " ("weiß nicht / keine Angabe") would read as
            # the separator of the note's two languages
            listed = ", ".join(str(c).replace(" / ", "/") for c in unused)
            note = both(
                f"nicht beobachtete Kategorien ausgelassen: {listed}",
                f"unobserved categories dropped: {listed}",
            )
        values = values.cat.remove_unused_categories()
        return values.cat.codes.to_numpy(), list(values.cat.categories), note
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise StatsInputError(
            f"Spalte {outcome!r} (Typ {values.dtype}) hat keine Reihenfolge: Zahlen oder eine "
            f"geordnete Kategorie angeben. / column {outcome!r} has no order: give numbers or an "
            f"ordered categorical."
        )
    levels = np.sort(values.unique())
    return np.searchsorted(levels, values.to_numpy()), [_label(v) for v in levels], note


def _label(v: object) -> object:
    return int(v) if isinstance(v, float | np.floating) and float(v).is_integer() else v


def _design(data: pd.DataFrame, outcome: str, predictors: list[str]) -> tuple:
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(
            f"Die Daten müssen ein DataFrame sein, nicht {type(data).__name__}. "
            f"/ data must be a DataFrame."
        )
    if isinstance(predictors, str):
        predictors = [predictors]
    missing = [c for c in [outcome, *predictors] if c not in data.columns]
    if missing:
        raise StatsInputError(
            f"Spalte(n) {missing} fehlen in den Daten (vorhanden: {list(data.columns)}). "
            f"/ column(s) {missing} not in the data."
        )
    frame = data[[outcome, *predictors]].dropna()
    if frame.empty:
        raise StatsInputError("Keine vollständigen Zeilen. / no complete rows.")
    exog = pd.get_dummies(frame[predictors], drop_first=True, dtype=float)
    if exog.shape[1] and np.linalg.matrix_rank(exog.to_numpy(float)) < exog.shape[1]:
        raise StatsInputError(
            f"Die Prädiktoren {list(exog.columns)} sind linear abhängig oder konstant. "
            f"/ the predictors are collinear or constant."
        )
    y, labels, note = _outcome_codes(frame[outcome], outcome)
    if len(labels) < 2:
        raise StatsInputError(
            f"Spalte {outcome!r}: nur eine Antwortkategorie ({labels}); nichts zu modellieren. "
            f"/ only one category."
        )
    return frame, exog, y.astype(int), labels, note


# ---------------------------------------------------------------- parallel lines


def _parallel_lines(
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    labels: list[object],
    link: str,
    beta: np.ndarray,
) -> pd.DataFrame:
    """Separate binary models per cut; for the logit link Brant's (1990) Wald test."""
    J, n, k = len(labels), len(y), X.shape[1]
    rows = []
    method = both(
        "getrennte binäre Modelle je Schwelle (Brant 1990)",
        "separate binary models per cut (Brant 1990)",
    )
    if k == 0 or J < 3:
        return pd.DataFrame(
            [
                {
                    "kind": "brant",
                    "cut": "",
                    "term": "omnibus",
                    "estimate": np.nan,
                    "se": np.nan,
                    "statistic": np.nan,
                    "df": np.nan,
                    "p_val": np.nan,
                    "method": method,
                    "note": "Nicht prüfbar (keine Prädiktoren oder nur zwei Kategorien). "
                    "/ Not checkable (no predictors or two categories).",
                }
            ]
        )
    Xc = np.hstack([np.ones((n, 1)), X])
    betas, probs, infos, failed = [], [], [], []
    for j in range(J - 1):
        cut = f"{labels[j]}|{labels[j + 1]}"
        binary = (y > j).astype(int)
        if binary.min() == binary.max():
            failed.append(cut)
            continue
        params, _, grad, hess, _ = _newton(_Clm(binary, X, 2, link), _start(binary, 2, k, link))
        if not np.all(np.isfinite(params)) or np.max(np.abs(grad)) > 1e-4:
            failed.append(cut)
            continue
        slope = params[1:]  # P(Y>j) = F(-theta + x'b): intercept -theta, slope b
        se = np.sqrt(np.diag(np.linalg.inv(-hess)))[1:]
        if np.any(se * X.std(axis=0) >= SEP_SE):  # separation in this binary split
            failed.append(cut)
            continue
        for t, b, s in zip(names, slope, se, strict=True):
            rows.append(
                {
                    "kind": "binary slope",
                    "cut": cut,
                    "term": t,
                    "estimate": b,
                    "se": s,
                    "statistic": b / s,
                    "df": np.nan,
                    "p_val": 2 * stats.norm.sf(abs(b / s)),
                    "method": method,
                    "note": "",
                }
            )
        betas.append(np.concatenate([[-params[0]], slope]))
        probs.append(_survival(params[0] - X @ slope, link))
        infos.append(np.linalg.inv(Xc.T @ (Xc * (probs[-1] * (1 - probs[-1]))[:, None])))
    if failed:
        note = (
            f"Nicht prüfbar: das binäre Teilmodell für {failed} ist nicht schätzbar (leere oder "
            f"vollständig getrennte Kategorie, z. B. kommt die Antwort in einer Gruppe nie vor). "
            f"/ Not checkable: the binary model for {failed} cannot be fitted (separation)."
        )
        stat, df_, p = np.nan, np.nan, np.nan
    else:
        spread = max(
            abs(r["estimate"] - beta[names.index(r["term"])]) / r["se"]
            for r in rows
            if r["kind"] == "binary slope"
        )
        if link == "logit":
            m = J - 1
            V = np.zeros((m * (k + 1), m * (k + 1)))
            for a in range(m):
                for b in range(a, m):
                    w = probs[b] * (1 - probs[a])  # P(Y>b) (1 - P(Y>a)) for a <= b
                    block = infos[a] @ (Xc.T @ (Xc * w[:, None])) @ infos[b]
                    V[a * (k + 1) : (a + 1) * (k + 1), b * (k + 1) : (b + 1) * (k + 1)] = block
                    V[b * (k + 1) : (b + 1) * (k + 1), a * (k + 1) : (a + 1) * (k + 1)] = block.T
            keep = np.concatenate([np.arange(a * (k + 1) + 1, (a + 1) * (k + 1)) for a in range(m)])
            est = np.concatenate([b[1:] for b in betas])
            Vs = V[np.ix_(keep, keep)]
            D = np.zeros(((m - 1) * k, m * k))
            for a in range(1, m):
                D[(a - 1) * k : a * k, :k] = np.eye(k)
                D[(a - 1) * k : a * k, a * k : (a + 1) * k] = -np.eye(k)
            diff = D @ est
            stat = float(diff @ np.linalg.solve(D @ Vs @ D.T, diff))
            df_ = float((m - 1) * k)
            p = float(stats.chi2.sf(stat, df_))
            de = f"chi2 = {stat:.2f}, df = {df_:.0f}, p = {p:.3g}"
            note = (
                f"Brant-Test der Parallelität (Wald, alle Prädiktoren): {comma(de)}; größte "
                f"Abweichung einer binären Steigung vom gemeinsamen Koeffizienten: "
                f"{comma(f'{spread:.1f}')} SE. / Brant test of parallel lines (Wald, all "
                f"predictors): {de}; largest gap between a per-cut slope and the common one: "
                f"{spread:.1f} SE."
            )
        else:
            stat, df_, p = np.nan, np.nan, np.nan
            note = (
                f"Nur beschreibend (Probit): größte Abweichung einer binären Steigung vom "
                f"gemeinsamen Koeffizienten: {comma(f'{spread:.1f}')} SE. / Descriptive only for "
                f"probit: largest gap between a per-cut slope and the common one: {spread:.1f} SE."
            )
    rows.append(
        {
            "kind": "brant",
            "cut": "",
            "term": "omnibus",
            "estimate": np.nan,
            "se": np.nan,
            "statistic": stat,
            "df": df_,
            "p_val": p,
            "method": method,
            "note": note,
        }
    )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- public


def proportional_odds(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    link: str = "logit",
    conf_level: float = 0.95,
) -> OrdinalResult:
    r"""Cumulative link (proportional-odds) model for one ordinal answer.

    Parameters
    ----------
    data : DataFrame
        One row per answer.
    outcome : str
        Ordinal answer column: numbers (order = numeric order) or an ordered
        pandas Categorical (order = its categories; unobserved ones are dropped).
    predictors : list of str
        Predictor columns. Text or category columns are dummy-coded with their
        first level as reference (as R does, named ``column_level``); numbers
        enter as they are.
    link : {"logit", "probit"}, default "logit"
        Distribution function :math:`F`.
    conf_level : float, default 0.95
        Level of the Wald intervals.

    Returns
    -------
    OrdinalResult
        ``coefficients`` (slopes, then thresholds ``a|b``), ``fit`` (log-likelihood,
        AIC, BIC, iterations, max |gradient|, condition number of the Hessian,
        converged) and ``parallel`` (the parallel-lines check).

    Raises
    ------
    StatsInputError
        Missing columns, an outcome without order (text, unordered categorical),
        a single category, collinear predictors or an unknown link.

    Notes
    -----
    :math:`P(Y \le j) = F(\theta_j - x'\beta)`; Newton-Raphson on the analytic
    gradient and Hessian (module docstring); :math:`\operatorname{Var}(\hat\psi)`
    is the inverse observed information. AIC :math:`=-2\ell + 2q`, BIC
    :math:`=-2\ell + q\log n` with :math:`q = J-1+k` parameters.
    Converged means max :math:`|\partial\ell/\partial\psi| < 10^{-6}` (``clm``'s
    ``gradTol``), a positive definite information matrix and no standard error
    above :math:`10^3` per standard deviation of its predictor (which only
    happens when estimates run off to infinity, i.e. under complete or
    quasi-complete separation); otherwise no standard errors are reported.

    The parallel-lines check fits the :math:`J-1` binary models
    :math:`P(Y > j) = F(x'\beta_j - \theta_j)` and compares their slopes with
    :math:`\hat\beta`; for the logit link it also gives Brant's (1990) Wald test of
    :math:`\beta_1 = \dots = \beta_{J-1}` with the covariance of the binary fits
    :math:`(X'W_jX)^{-1}X'W_{jm}X(X'W_mX)^{-1}`,
    :math:`w_{jm,i} = \hat\pi_{im}(1-\hat\pi_{ij})` (:math:`j \le m`). It is a
    note for reading, not a gate: with many answers it flags small departures.

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. JRSS B 42, 109-142.
    Brant, R. (1990). Assessing proportionality in the proportional odds model for
    ordinal logistic regression. Biometrics 46, 1171-1178.
    Christensen, R. H. B. (2019). ordinal: Regression Models for Ordinal Data.
    R: ``ordinal::clm(y ~ x, link = "logit")``, ``MASS::polr``; Stata ``ologit``,
    ``oprobit``; R ``brant::brant``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1, 2, 2, 3, 1, 3, 3, 2, 1, 3, 1, 3],
    ...                   "x": [0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0]})
    >>> res = proportional_odds(d, "y", ["x"])
    >>> res.converged, res.coefficients["term"].tolist()
    (True, ['x', '1|2', '2|3'])
    """
    if link not in LINKS:
        raise StatsInputError(
            f"link muss eines von {LINKS} sein, nicht {link!r}. / link must be one of {LINKS}."
        )
    if not 0 < conf_level < 1:
        raise StatsInputError(
            f"conf_level muss zwischen 0 und 1 liegen, nicht {conf_level}. / conf_level in (0, 1)."
        )
    refuse_masked(data, "proportional_odds")
    _, exog, y, labels, input_note = _design(data, outcome, predictors)
    X = exog.to_numpy(float)
    J, k, n = len(labels), X.shape[1], len(y)
    model = _Clm(y, X, J, link)
    params, ll, grad, hess, n_iter = _newton(model, _start(y, J, k, link))
    info = -hess
    max_grad = float(np.max(np.abs(grad)))
    try:
        ev = np.linalg.eigvalsh(info)
        pos_def = bool(np.all(np.isfinite(ev)) and ev.min() > 0)
    except np.linalg.LinAlgError:
        ev, pos_def = np.array([np.nan]), False
    converged = bool(np.isfinite(ll) and max_grad < GRAD_TOL and pos_def)
    if converged:
        cov = np.linalg.inv(info)
        se = np.sqrt(np.diag(cov))
        # separation: the likelihood keeps rising towards infinite estimates, whose
        # standard errors explode (more than SEP_SE logits/probits per SD of a predictor)
        scale = np.concatenate([np.ones(J - 1), X.std(axis=0)])
        converged = bool(np.all(se * scale < SEP_SE))
    if converged:
        note = "konvergiert / converged"
    else:
        se = np.full(len(params), np.nan)
        note = (
            "Nicht konvergiert (oft vollständige Trennung: eine Kategorie kommt in einer Gruppe "
            f"nicht vor); max |Gradient| = {max_grad:.2g}. Keine Standardfehler. / Did not "
            "converge (often complete separation); no standard errors."
        )
    if input_note:  # one German part, then one English part, the status without its full stop
        note = joined([both(*(h.rstrip(".") for h in halves(note))), input_note])
    order = np.r_[np.arange(J - 1, J - 1 + k), np.arange(J - 1)]
    est, se = params[order], se[order]
    method = both(
        f"kumulatives Link-Modell ({link.capitalize()}), Newton-Raphson, Wald-z-Test",
        f"cumulative link model ({link.capitalize()}), Newton-Raphson, Wald z",
    )
    terms = list(exog.columns) + [f"{labels[j]}|{labels[j + 1]}" for j in range(J - 1)]
    coefficients = wald_frame(terms, est, se, conf_level=conf_level, n=n, method=method, note=note)
    coefficients.insert(0, "kind", ["coefficient"] * k + ["threshold"] * (J - 1))
    n_par = J - 1 + k
    fit = pd.DataFrame(
        {
            "term": ["n_categories", "log_lik", "aic", "bic", "n_iter", "max_grad", "cond_h"],
            "estimate": [
                float(J),
                ll,
                -2 * ll + 2 * n_par,
                -2 * ll + np.log(n) * n_par,
                float(n_iter),
                max_grad,
                float(ev.max() / ev.min()) if pos_def else np.nan,
            ],
            "n": n,
            "method": method,
            "note": note,
        }
    )
    parallel = (
        _parallel_lines(y, X, list(exog.columns), labels, link, params[J - 1 :])
        if converged
        else pd.DataFrame(
            columns=["kind", "cut", "term", "estimate", "se", "statistic", "df", "p_val"]
        )
    )
    return OrdinalResult(
        coefficients=coefficients,
        fit=statistic_terms(fit),
        parallel=parallel,
        converged=converged,
        note=note,
        link=link,
    )
