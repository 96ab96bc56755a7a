r"""Respondents within labs: linear mixed models and the intraclass correlation.

The model is :math:`y = X\beta + Zb + e` with one grouping factor,
:math:`b_g \sim N(0, \sigma^2\Lambda\Lambda')` per group and
:math:`e \sim N(0, \sigma^2 I)`. As in lme4 (Bates et al. 2015) the
relative covariance factor :math:`\Lambda` is lower triangular with
parameters :math:`\theta` (its column-wise lower triangle, diagonal
:math:`\ge 0`), :math:`\beta` and :math:`\sigma^2` are profiled out, and the
(REML) deviance is minimised over :math:`\theta` alone:

.. math::

   d_{ML}(\theta) = \log|M| + n\,(1 + \log(2\pi r^2/n)), \qquad
   d_{REML}(\theta) = \log|M| + \log|X'WX| + (n-p)\,(1 + \log(2\pi r^2/(n-p)))

with :math:`M_g = I + \Lambda' Z_g' Z_g \Lambda`, :math:`W = (I + Z\Lambda\Lambda'Z')^{-1}`
and the penalised residual sum of squares :math:`r^2 = y'Wy - \hat\beta' X'Wy`
(per group by the Woodbury identity, so the cost is linear in the number
of groups). Start values come from ANOVA moments, a bounded quasi-Newton
search follows, then Newton steps polish the optimum. Convergence is judged
like lme4's ``checkConv``: a boundary estimate (a variance of zero, a
correlation of :math:`\pm 1`) is a *singular* fit, otherwise the gradient
scaled by the Cholesky factor of the Hessian must be below 0.002 and the
Hessian positive definite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.masking import refuse_masked
from ogl_impact.stats.outputs import statistic_terms, wald_frame
from ogl_impact.stats.words import both

GRAD_TOL = 0.002  # lme4 lmerControl(check.conv.grad = .makeCC("warning", tol = 2e-3))
SINGULAR_TOL = 1e-4  # lme4 check.conv.singular tol
HESS_TOL = 1e-6  # lme4 check.conv.hess tol


@dataclass(frozen=True)
class _Design:
    y: np.ndarray
    X: np.ndarray
    Z: np.ndarray
    codes: np.ndarray
    fe_names: list[str]
    re_names: list[str]
    group_labels: list[object]
    ZtZ: np.ndarray = field(repr=False)
    ZtX: np.ndarray = field(repr=False)
    Zty: np.ndarray = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def p(self) -> int:
        return self.X.shape[1]

    @property
    def k(self) -> int:
        return self.Z.shape[1]


@dataclass(frozen=True)
class MixedResult:
    r"""A fitted linear mixed model.

    Attributes
    ----------
    fixed : DataFrame
        term, estimate, se, statistic (Wald z), p_val, ci_low, ci_high, n, method, note.
    random : DataFrame
        group, kind (``variance``, ``sd``, ``correlation``), term, estimate, n, method, note;
        the residual is the row with group ``Residual``.
    fit : DataFrame
        term (n_groups, log_lik, deviance (the REML criterion for REML), aic,
        bic, max_grad (lme4's scaled gradient)), estimate, n, method (says
        REML or ML), note.
    converged : bool
        True when the optimum passed the gradient and Hessian checks, or is a
        boundary (singular) fit.
    singular : bool
        A variance component at zero or a correlation at :math:`\pm 1`.
    note : str
        What the checks found, in German and English.
    vcov : DataFrame
        Covariance matrix of the fixed effects (lme4's ``vcov()``).
    """

    fixed: pd.DataFrame
    random: pd.DataFrame
    fit: pd.DataFrame
    converged: bool
    singular: bool
    note: str
    cov_re: pd.DataFrame = field(repr=False)
    sigma2: float = field(repr=False)
    fitted_fixed: np.ndarray = field(repr=False)
    re_design: np.ndarray = field(repr=False)
    vcov: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """Plain-text summary (fixed part, random part, fit)."""
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            fixed = self.fixed[["term", "estimate", "se", "statistic", "p_val"]]
            return (
                f"{self.fit['method'].iloc[0]}\n{self.note}\n\nFixed effects:\n"
                f"{fixed.to_string(index=False)}"
                f"\n\nRandom effects:\n"
                f"{self.random[['group', 'kind', 'term', 'estimate']].to_string(index=False)}"
                f"\n\nFit:\n{self.fit[['term', 'estimate']].to_string(index=False)}"
            )

    def _repr_html_(self) -> str:
        return (
            f"<p>{self.fit['method'].iloc[0]} &mdash; {self.note}</p>"
            f"<h4>Fixed effects</h4>{self.fixed.to_html(index=False)}"
            f"<h4>Random effects</h4>{self.random.to_html(index=False)}"
            f"<h4>Fit</h4>{self.fit.to_html(index=False)}"
        )

    def icc(self) -> pd.DataFrame:
        r"""Return the adjusted and conditional ICC (Nakagawa, Johnson & Schielzeth 2017).

        Returns
        -------
        DataFrame
            term (``adjusted``, ``conditional``), estimate, n, method, note.

        Notes
        -----
        With :math:`\sigma^2_u` the mean over observations of :math:`z_i'\,D\,z_i`
        (:math:`D` the random-effect covariance), :math:`\sigma^2_f` the variance of
        the fixed-effect predictions :math:`X\hat\beta` and :math:`\sigma^2` the
        residual variance, the adjusted ICC is :math:`\sigma^2_u/(\sigma^2_u+\sigma^2)`
        and the conditional ICC :math:`\sigma^2_u/(\sigma^2_f+\sigma^2_u+\sigma^2)`,
        as ``performance::icc`` reports them.

        References
        ----------
        Nakagawa, S., Johnson, P. C. D. & Schielzeth, H. (2017). The coefficient of
        determination R2 and intra-class correlation coefficient from generalized
        linear mixed-effects models revisited and expanded. J. R. Soc. Interface 14.
        R: ``performance::icc()``.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(1)
        >>> g = np.repeat(np.arange(20), 10)
        >>> x = rng.normal(size=200)
        >>> y = x + rng.normal(size=20)[g] + rng.normal(size=200)
        >>> res = mixed_model(pd.DataFrame({"y": y, "x": x, "g": g}), "y ~ x", groups="g")
        >>> res.icc()["term"].tolist()
        ['adjusted', 'conditional']
        """
        D = self.cov_re.to_numpy()
        Z = self.re_design
        var_u = float(np.mean(np.einsum("ij,jk,ik->i", Z, D, Z)))
        var_f = float(np.var(self.fitted_fixed))
        adjusted = var_u / (var_u + self.sigma2)
        conditional = var_u / (var_f + var_u + self.sigma2)
        n = int(self.fit["n"].iloc[0])
        method = "Nakagawa et al. (2017), performance::icc"
        return pd.DataFrame(
            {
                "term": ["adjusted", "conditional"],
                "estimate": [adjusted, conditional],
                "n": n,
                "method": method,
                "note": self.note,
            }
        )


# ---------------------------------------------------------------- design


def _require_columns(data: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(
            f"Die Daten müssen ein DataFrame sein, nicht {type(data).__name__}. "
            f"/ data must be a DataFrame, not {type(data).__name__}."
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise StatsInputError(
            f"Spalte(n) {missing} fehlen in den Daten (vorhanden: {list(data.columns)}). "
            f"/ column(s) {missing} not in the data."
        )


def _design(data: pd.DataFrame, formula: str, groups: str, re_formula: str | None) -> _Design:
    import patsy

    _require_columns(data, [groups])
    data = data.reset_index(drop=True)  # concatenated waves often repeat index labels
    try:
        y_df, X_df = patsy.dmatrices(formula, data, return_type="dataframe", NA_action="drop")
        Z_df = patsy.dmatrix(
            re_formula or "1", data.loc[X_df.index], return_type="dataframe", NA_action="drop"
        )
    except patsy.PatsyError as err:
        raise StatsInputError(
            f"Die Formel {formula!r} passt nicht zu den Daten: {err}. "
            f"/ the formula does not fit the data."
        ) from None
    if y_df.shape[1] != 1:
        raise StatsInputError(
            f"Die Zielgröße in {formula!r} muss eine Zahlenspalte sein "
            f"(gefunden: {list(y_df.columns)}). / the outcome must be one numeric column."
        )
    index = Z_df.index.intersection(data.index[data[groups].notna()])
    y = y_df.loc[index].to_numpy(float).ravel()
    X = X_df.loc[index].to_numpy(float)
    Z = Z_df.loc[index].to_numpy(float)
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(X)) and np.all(np.isfinite(Z))):
        bad = index[~np.isfinite(y)]
        raise StatsInputError(
            f"Unendliche Werte in der Zielgröße oder den Prädiktoren (Zeilen {list(bad[:5])}). "
            f"/ infinite values in the outcome or predictors."
        )
    codes, labels = pd.factorize(data.loc[index, groups], sort=True)
    if len(labels) < 2:
        raise StatsInputError(
            f"Spalte {groups!r}: mindestens zwei Gruppen nötig, gefunden {len(labels)}. "
            f"/ column {groups!r}: at least two groups are needed."
        )
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise StatsInputError(
            f"Die festen Effekte in {formula!r} sind linear abhängig "
            f"(Spalten {list(X_df.columns)}). "
            f"/ the fixed-effect design is rank deficient."
        )
    G, k = len(labels), Z.shape[1]
    ZtZ = np.zeros((G, k, k))
    np.add.at(ZtZ, codes, Z[:, :, None] * Z[:, None, :])
    ZtX = np.zeros((G, k, X.shape[1]))
    np.add.at(ZtX, codes, Z[:, :, None] * X[:, None, :])
    Zty = np.zeros((G, k))
    np.add.at(Zty, codes, Z * y[:, None])
    return _Design(
        y=y,
        X=X,
        Z=Z,
        codes=codes,
        fe_names=list(X_df.columns),
        re_names=list(Z_df.columns),
        group_labels=list(labels),
        ZtZ=ZtZ,
        ZtX=ZtX,
        Zty=Zty,
    )


# ---------------------------------------------------------------- deviance


def _lambda(theta: np.ndarray, k: int) -> np.ndarray:
    L = np.zeros((k, k))
    rows, cols = [], []
    for j in range(k):  # column-wise lower triangle, as lme4
        for i in range(j, k):
            rows.append(i)
            cols.append(j)
    L[rows, cols] = theta
    return L


def _diag_positions(k: int) -> np.ndarray:
    pos, out = 0, []
    for j in range(k):
        out.append(pos)
        pos += k - j
    return np.array(out)


@dataclass(frozen=True)
class _Profile:
    deviance: float
    beta: np.ndarray
    sigma2: float
    XtWX: np.ndarray


def _profile(theta: np.ndarray, d: _Design, reml: bool) -> _Profile:
    L = _lambda(theta, d.k)
    LtZtZL = np.einsum("ji,gjk,kl->gil", L, d.ZtZ, L)
    M = LtZtZL + np.eye(d.k)
    C = np.linalg.cholesky(M)
    logdet = 2.0 * np.sum(np.log(np.diagonal(C, axis1=1, axis2=2)))
    A = np.einsum("ji,gjp->gip", L, d.ZtX)
    b = np.einsum("ji,gj->gi", L, d.Zty)
    MinvA = np.linalg.solve(M, A)
    Minvb = np.linalg.solve(M, b[:, :, None])[:, :, 0]
    XtWX = d.X.T @ d.X - np.einsum("gip,giq->pq", A, MinvA)
    XtWy = d.X.T @ d.y - np.einsum("gip,gi->p", A, Minvb)
    ytWy = d.y @ d.y - np.einsum("gi,gi->", b, Minvb)
    beta = np.linalg.solve(XtWX, XtWy)
    r2 = float(ytWy - beta @ XtWy)
    n, p = d.n, d.p
    if reml:
        sign, logdet_x = np.linalg.slogdet(XtWX)
        dof = n - p
        dev = logdet + logdet_x + dof * (1 + np.log(2 * np.pi * r2 / dof))
        sigma2 = r2 / dof
        if sign <= 0:
            dev = np.inf
    else:
        dev = logdet + n * (1 + np.log(2 * np.pi * r2 / n))
        sigma2 = r2 / n
    if not np.isfinite(dev) or r2 <= 0:
        dev = np.inf
    return _Profile(float(dev), beta, sigma2, XtWX)


def _deviance(theta: np.ndarray, d: _Design, reml: bool) -> float:
    try:
        return _profile(np.asarray(theta, float), d, reml).deviance
    except np.linalg.LinAlgError:
        return np.inf


# ---------------------------------------------------------------- start values


def _start_theta(d: _Design) -> np.ndarray:
    """Relative covariance factor from ANOVA moments of the OLS residuals."""
    beta = np.linalg.lstsq(d.X, d.y, rcond=None)[0]
    e = d.y - d.X @ beta
    G, k = len(d.group_labels), d.k
    sizes = np.bincount(d.codes, minlength=G).astype(float)
    if k == 1 and np.allclose(d.Z, 1.0):
        # one-way ANOVA: tau2 = (MSB - MSW) / n0
        means = np.bincount(d.codes, weights=e, minlength=G) / sizes
        ssw = float(np.sum((e - means[d.codes]) ** 2))
        msw = ssw / max(d.n - G, 1)
        msb = float(np.sum(sizes * (means - e.mean()) ** 2)) / (G - 1)
        n0 = (d.n - np.sum(sizes**2) / d.n) / (G - 1)
        if msw <= 0:  # no variation within groups: any start will do
            return np.array([1.0])
        tau2 = (msb - msw) / n0
        return np.array([np.sqrt(max(tau2, 0.01 * msw) / msw)])
    # per-group least squares of the residuals on Z: moments of the coefficients
    coefs, sampling, sigma_parts = [], [], []
    Zte = np.zeros((G, k))
    np.add.at(Zte, d.codes, d.Z * e[:, None])
    for g in range(G):
        if sizes[g] <= k or np.linalg.matrix_rank(d.ZtZ[g]) < k:
            continue
        coef = np.linalg.solve(d.ZtZ[g], Zte[g])
        rows = d.codes == g
        res = e[rows] - d.Z[rows] @ coef
        sigma_parts.append((float(res @ res), sizes[g] - k))
        coefs.append(coef)
        sampling.append(np.linalg.inv(d.ZtZ[g]))
    sigma2 = sum(s for s, _ in sigma_parts) / max(sum(f for _, f in sigma_parts), 1)
    if len(coefs) > k and sigma2 > 0:
        D = np.cov(np.array(coefs), rowvar=False).reshape(k, k) - sigma2 * np.mean(sampling, axis=0)
        D = (D + D.T) / 2
        floor = 0.01 * sigma2 * np.diag(np.mean(sampling, axis=0))
        if np.any(np.linalg.eigvalsh(D) <= 0):
            D = np.diag(np.maximum(np.diag(D), floor))
        L = np.linalg.cholesky(D / sigma2)
    else:
        L = np.eye(k) * 0.5
    return _vec(L)


def _vec(L: np.ndarray) -> np.ndarray:
    k = L.shape[0]
    return np.array([L[i, j] for j in range(k) for i in range(j, k)])


# ---------------------------------------------------------------- derivatives


def _derivatives(f, x: np.ndarray, free: np.ndarray, h: float = 1e-3):
    """Gradient (5-point stencil) and Hessian (central differences) of f over free coordinates."""
    idx = np.flatnonzero(free)
    m = len(idx)
    f0 = f(x)
    grad = np.zeros(m)
    hess = np.zeros((m, m))
    steps = h * np.maximum(1.0, np.abs(x[idx]))

    def at(offsets: dict[int, float]) -> float:
        z = x.copy()
        for i, v in offsets.items():
            z[idx[i]] += v
        return f(z)

    for a in range(m):
        s = steps[a]
        fp, fm = at({a: s}), at({a: -s})
        fpp, fmm = at({a: 2 * s}), at({a: -2 * s})
        grad[a] = (-fpp + 8 * fp - 8 * fm + fmm) / (12 * s)
        hess[a, a] = (-fpp + 16 * fp - 30 * f0 + 16 * fm - fmm) / (12 * s * s)
        for b in range(a):
            t = steps[b]
            val = (
                at({a: s, b: t}) - at({a: s, b: -t}) - at({a: -s, b: t}) + at({a: -s, b: -t})
            ) / (4 * s * t)
            hess[a, b] = hess[b, a] = val
    return f0, grad, hess


_RESOLUTION = 1e-11
"""Relative change of the deviance below which its values cannot tell two points apart.

The profiled deviance is a sum of logarithms computed in double precision:
its rounding noise is up to about 1e-13 of its size (dietox REML: 4809.55,
values scattering by 4e-10). Near the optimum it rises as
``c/2 * step**2`` (dietox: c = 70), so a step of 1e-6 in theta changes it
by less than the noise, while the
standard error of the intercept moves in its 8th digit. There the gradient
(a 5-point stencil over steps of 1e-3, noise about 1e-9) still decides.
"""


def _newton_polish(f, x: np.ndarray, lower: np.ndarray, iters: int = 30) -> np.ndarray:
    """Newton steps on the differenced gradient and Hessian, to where the gradient vanishes.

    A step is taken where the deviance falls or, once the fall the quadratic
    model predicts is below :data:`_RESOLUTION` of the deviance (so that its
    values are rounding noise), where the gradient shrinks: the optimum is
    then located by the root of the gradient, not by comparing values that
    cannot differ, and the result does not depend on the machine's rounding.
    """
    x = x.copy()
    for _ in range(iters):
        free = ~((x - lower) < SINGULAR_TOL)
        if not free.any():
            break
        f0, g, H = _derivatives(f, x, free)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if np.any(np.linalg.eigvalsh(H) <= 0):
            break
        improved = False
        if 0.5 * float(g @ step) <= _RESOLUTION * max(1.0, abs(f0)):
            trial = x.copy()
            trial[free] -= step
            trial = np.maximum(trial, lower)
            moved = ~((trial - lower) < SINGULAR_TOL)
            if np.array_equal(moved, free):
                _, g1, _ = _derivatives(f, trial, free)
                improved = bool(np.linalg.norm(g1) < np.linalg.norm(g))
        else:
            for scale in (1.0, 0.5, 0.25, 0.125):
                trial = x.copy()
                trial[free] -= scale * step
                trial = np.maximum(trial, lower)
                if f(trial) <= f0:
                    improved = True
                    break
        if not improved:
            break
        change = np.max(np.abs(trial - x) / np.maximum(1.0, np.abs(x)))
        x = trial
        if change < 1e-12:
            break
    return x


# ---------------------------------------------------------------- fitting


def _optimise(d: _Design, reml: bool) -> tuple[np.ndarray, float]:
    k = d.k
    lower = np.full(k * (k + 1) // 2, -np.inf)
    lower[_diag_positions(k)] = 0.0
    bounds = [(lo if np.isfinite(lo) else None, None) for lo in lower]

    def f(t: np.ndarray) -> float:
        return _deviance(t, d, reml)

    best = None
    for start in (_start_theta(d), _vec(np.eye(k))):
        res = optimize.minimize(
            f,
            start,
            method="L-BFGS-B",
            bounds=bounds,
            options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 5000},
        )
        if best is None or res.fun < best.fun:
            best = res
        if np.isfinite(res.fun):
            break
    theta = _newton_polish(f, np.asarray(best.x, float), lower)
    if f(theta) > best.fun + _RESOLUTION * max(1.0, abs(best.fun)):  # worse beyond the noise
        theta = np.asarray(best.x, float)
    return theta, lower


def _check_convergence(
    d: _Design, reml: bool, theta: np.ndarray, lower: np.ndarray
) -> tuple[bool, bool, float, str]:
    """lme4's checkConv: singular fit, scaled gradient, Hessian."""
    dev = _deviance(theta, d, reml)
    if not np.isfinite(dev):
        return (
            False,
            False,
            np.nan,
            "Die Log-Likelihood ist nicht endlich; das Modell ist nicht schätzbar. "
            "/ The log-likelihood is not finite; the model cannot be estimated.",
        )
    k = d.k
    L = _lambda(theta, k)
    D = L @ L.T
    sd = np.sqrt(np.diag(D))
    corr_one = False
    if k > 1 and np.all(sd > 0):
        corr = D / np.outer(sd, sd)
        corr_one = bool(np.any(np.abs(corr[np.tril_indices(k, -1)]) > 1 - 1e-6))
    singular = bool(np.min(theta - lower) < SINGULAR_TOL) or corr_one
    if singular:
        return (
            True,
            True,
            np.nan,
            "Singuläre Anpassung (Randlösung): eine Varianzkomponente ist null oder eine "
            "Korrelation ±1; die Gruppen unterscheiden sich in diesem Term nicht nachweisbar. "
            "/ Boundary (singular) fit: a variance component is zero or a correlation is ±1.",
        )
    free = np.ones_like(theta, dtype=bool)
    _, g, H = _derivatives(lambda t: _deviance(t, d, reml), theta, free, h=1e-4)
    try:
        R = np.linalg.cholesky(H).T  # H = R'R as R's chol()
        scaled = np.linalg.solve(R, g)
    except np.linalg.LinAlgError:
        return (
            False,
            False,
            np.nan,
            "Die Hesse-Matrix ist nicht positiv definit; das Optimum ist nicht gesichert. "
            "/ The Hessian is not positive definite; the optimum is not established.",
        )
    max_grad = float(np.max(np.minimum(np.abs(scaled), np.abs(g))))
    if max_grad > GRAD_TOL:
        return (
            False,
            False,
            max_grad,
            f"Nicht konvergiert: skalierter Gradient {max_grad:.2g} > {GRAD_TOL}. "
            f"/ Failed to converge: max|scaled grad| = {max_grad:.2g} (tol = {GRAD_TOL}).",
        )
    ev = np.linalg.eigvalsh(H)
    if np.any(np.abs(ev) < HESS_TOL):  # lme4's checkHess: numerically singular
        return (
            False,
            False,
            max_grad,
            "Die Hesse-Matrix ist numerisch singulär: Parameter nicht eindeutig bestimmt. "
            "/ The Hessian is numerically singular.",
        )
    return True, False, max_grad, "konvergiert / converged"


def mixed_model(
    data: pd.DataFrame,
    formula: str,
    *,
    groups: str,
    re_formula: str | None = None,
    reml: bool = True,
    conf_level: float = 0.95,
) -> MixedResult:
    r"""Fit a linear mixed model with one grouping factor (lme4's ``lmer``).

    Parameters
    ----------
    data : DataFrame
        One row per observation (respondent and wave).
    formula : str
        Fixed part in patsy notation, e.g. ``"score ~ C(wave)"``.
    groups : str
        Column with the grouping unit (e.g. ``"unit_id"`` for labs).
    re_formula : str, optional
        Random part for that grouping, e.g. ``"~wave"`` for a random intercept and
        slope with their correlation (lme4: ``(wave | unit_id)``); default ``"1"``,
        a random intercept. ``"0 + a + b"`` gives random effects without intercept.
    reml : bool, default True
        REML (lme4's default) or maximum likelihood.
    conf_level : float, default 0.95
        Level of the Wald intervals of the fixed effects.

    Returns
    -------
    MixedResult
        ``fixed``, ``random`` and ``fit`` frames, ``converged``, ``singular``, ``note``.

    Raises
    ------
    StatsInputError
        Missing columns, a formula that does not fit the data, fewer than two
        groups, infinite values or a rank-deficient fixed-effect design.

    Notes
    -----
    Profiled (REML) deviance of lme4 (see the module docstring), minimised over
    the relative covariance factor :math:`\theta`; then
    :math:`\hat\beta = (X'WX)^{-1}X'Wy`, :math:`\hat\sigma^2 = r^2/(n-p)` (REML) or
    :math:`r^2/n` (ML), :math:`\operatorname{Var}(\hat\beta)=\hat\sigma^2(X'WX)^{-1}`
    (lme4's ``vcov``) and the random-effect covariance
    :math:`\hat\sigma^2\Lambda\Lambda'`. The fixed effects are tested with Wald
    :math:`z = \hat\beta/\mathrm{se}` (lme4 prints these as "t value" without a
    p-value; with few groups they are optimistic). AIC and BIC count
    :math:`p + \dim\theta + 1` parameters, as ``logLik.merMod``.

    References
    ----------
    Bates, D., Mächler, M., Bolker, B. & Walker, S. (2015). Fitting linear
    mixed-effects models using lme4. Journal of Statistical Software 67(1), 1-48.
    R: ``lme4::lmer(y ~ x + (z | g), REML = TRUE)``; convergence checks as
    ``lme4:::checkConv``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> g = np.repeat(np.arange(12), 8)
    >>> y = 2 + rng.normal(0, 1, 12)[g] + rng.normal(0, 1, 96)
    >>> res = mixed_model(pd.DataFrame({"y": y, "g": g}), "y ~ 1", groups="g")
    >>> res.converged, list(res.fixed["term"])
    (True, ['Intercept'])
    >>> list(res.random["kind"])
    ['variance', 'sd', 'variance', 'sd']
    """
    if not 0 < conf_level < 1:
        raise StatsInputError(
            f"conf_level muss zwischen 0 und 1 liegen, nicht {conf_level}. "
            f"/ conf_level must lie between 0 and 1."
        )
    refuse_masked(data, "mixed_model")
    d = _design(data, formula, groups, re_formula)
    if d.n == len(d.group_labels):
        raise StatsInputError(
            f"Jede Gruppe in {groups!r} hat nur eine Beobachtung: Gruppen- und Restvarianz "
            f"sind nicht trennbar. / every group has a single observation."
        )
    if d.n <= d.p + 1:
        raise StatsInputError(
            f"Zu wenige Beobachtungen ({d.n}) für {d.p} feste Effekte. / too few observations."
        )
    resid = d.y - d.X @ np.linalg.lstsq(d.X, d.y, rcond=None)[0]
    if float(resid @ resid) <= 1e-12 * max(float(d.y @ d.y), 1e-300):
        raise StatsInputError(
            f"Die Zielgröße in {formula!r} wird von den festen Effekten exakt erklärt (z. B. "
            f"konstant); es bleibt keine Varianz zu zerlegen, "
            f"die Log-Likelihood ist nicht endlich. "
            f"/ the outcome is fitted exactly by the fixed effects (e.g. constant): the "
            f"log-likelihood is not finite."
        )
    theta, lower = _optimise(d, reml)
    converged, singular, max_grad, note = _check_convergence(d, reml, theta, lower)
    prof = _profile(theta, d, reml)
    n, p, k, G = d.n, d.p, d.k, len(d.group_labels)
    fit_by = "REML" if reml else "ML"
    method = both(
        f"{fit_by} (profilierte Devianz wie lme4), Wald-z-Test",
        f"{fit_by} (lme4 profiled deviance), Wald z",
    )
    if np.isfinite(prof.deviance):
        beta = prof.beta
        cov_beta = prof.sigma2 * np.linalg.inv(prof.XtWX)
        se = np.sqrt(np.diag(cov_beta))
    else:
        beta = np.full(p, np.nan)
        cov_beta = np.full((p, p), np.nan)
        se = np.full(p, np.nan)
    fixed = wald_frame(d.fe_names, beta, se, conf_level=conf_level, n=n, method=method, note=note)
    L = _lambda(theta, k)
    D = prof.sigma2 * (L @ L.T) if np.isfinite(prof.deviance) else np.full((k, k), np.nan)
    names = [_re_name(c) for c in d.re_names]
    rows = []
    for i, a in enumerate(names):
        rows.append((groups, "variance", a, D[i, i]))
        rows.append((groups, "sd", a, np.sqrt(D[i, i])))
    for i in range(k):
        for j in range(i + 1, k):
            denom = np.sqrt(D[i, i] * D[j, j])
            corr = D[i, j] / denom if denom > 0 else np.nan
            rows.append((groups, "correlation", f"{names[i]}, {names[j]}", corr))
    sigma2 = prof.sigma2 if np.isfinite(prof.deviance) else np.nan
    rows.append(("Residual", "variance", "", sigma2))
    rows.append(("Residual", "sd", "", np.sqrt(sigma2)))
    random = pd.DataFrame(rows, columns=["group", "kind", "term", "estimate"])
    random["n"] = n
    random["method"] = method
    random["note"] = note
    n_par = p + len(theta) + 1
    log_lik = -prof.deviance / 2
    fit = pd.DataFrame(
        {
            "term": ["n_groups", "log_lik", "deviance", "aic", "bic", "max_grad"],
            "estimate": [
                float(G),
                log_lik,
                prof.deviance,
                -2 * log_lik + 2 * n_par,
                -2 * log_lik + np.log(n) * n_par,
                max_grad,
            ],
            "n": n,
            "method": method,
            "note": note,
        }
    )
    return MixedResult(
        fixed=fixed,
        random=random,
        fit=statistic_terms(fit),
        converged=converged,
        singular=singular,
        note=note,
        cov_re=pd.DataFrame(D, index=names, columns=names),
        sigma2=float(sigma2),
        fitted_fixed=d.X @ beta,
        re_design=d.Z,
        vcov=pd.DataFrame(cov_beta, index=d.fe_names, columns=d.fe_names),
    )


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
        One row: var_between, var_within, grand_mean, design_effect, n_groups,
        converged, singular, then term (``ICC``), estimate, n, method, note.

    Raises
    ------
    StatsInputError
        Missing columns, a non-numeric outcome or fewer than two groups.

    Notes
    -----
    :math:`y_{ij} = \gamma_0 + u_j + e_{ij}`, ICC :math:`=\tau^2/(\tau^2+\sigma^2)`,
    design effect :math:`1+(\bar m-1)\,\mathrm{ICC}` with the mean group size
    :math:`\bar m`. On balanced data the REML estimate equals the ANOVA estimator
    ICC(1) :math:`(MSB-MSW)/(MSB+(m-1)MSW)` whenever that is positive; when it is
    not, REML gives 0 and the fit is reported as singular.

    References
    ----------
    Raudenbush, S. W. & Bryk, A. S. (2002). Hierarchical Linear Models, 2nd ed., ch. 4.
    Kish, L. (1965). Survey Sampling (design effect).
    R: ``performance::icc(lme4::lmer(y ~ 1 + (1 | g)))``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> g = np.repeat(np.arange(30), 10)
    >>> y = rng.normal(0, 0.5, 30)[g] + rng.normal(0, 1, 300)
    >>> out = icc_null_model(pd.DataFrame({"y": y, "g": g}), "y", groups="g")
    >>> out["term"].iloc[0], int(out["n"].iloc[0]), int(out["n_groups"].iloc[0])
    ('ICC', 300, 30)
    >>> bool(out["converged"].iloc[0]), round(float(out["estimate"].iloc[0]), 2)
    (True, 0.19)
    """
    _require_columns(data, [outcome, groups])
    refuse_masked(data, "icc_null_model")
    if not pd.api.types.is_numeric_dtype(data[outcome]):
        raise StatsInputError(
            f"Spalte {outcome!r} muss Zahlen enthalten (Typ {data[outcome].dtype}). "
            f"/ column {outcome!r} must be numeric."
        )
    frame = data[[outcome, groups]].dropna().rename(columns={outcome: "y_", groups: "g_"})
    res = mixed_model(frame, "y_ ~ 1", groups="g_", reml=reml)
    var = res.random.set_index(["group", "kind"])["estimate"]
    between = float(var.loc[("g_", "variance")])
    within = float(var.loc[("Residual", "variance")])
    icc = between / (between + within)
    n_groups = int(res.fit.set_index("term").at["n_groups", "estimate"])
    m = len(frame) / n_groups
    return statistic_terms(
        pd.DataFrame(
            [
                {
                    "var_between": between,
                    "var_within": within,
                    "grand_mean": float(res.fixed["estimate"].iloc[0]),
                    "design_effect": 1 + (m - 1) * icc,
                    "n_groups": n_groups,
                    "converged": res.converged,
                    "singular": res.singular,
                    "term": "ICC",
                    "estimate": icc,
                    "n": len(frame),
                    "method": res.fit["method"].iloc[0],
                    "note": res.note,
                }
            ]
        )
    )


def _re_name(name: str) -> str:
    return "(Intercept)" if name in {"Intercept", "Group"} else name
