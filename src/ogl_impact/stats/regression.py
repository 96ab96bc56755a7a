r"""Least squares with heteroskedasticity- and cluster-robust inference.

* :func:`ols` - coefficients from a formula (``"y ~ x + C(lab)"``, read by
  formulaic as R's ``lm`` reads it) or from a design matrix, with classical,
  HC0-HC3 or CR1 one-/two-way cluster-robust covariance, and the fit
  statistics of R's ``summary.lm``, ``AIC`` and ``BIC``.
* :func:`cluster_vcov` - the CR1 estimator as in Stata and R's
  ``sandwich::vcovCL`` (``type = "HC1"``, ``cadjust = TRUE``),

  .. math:: \hat V = \frac{G}{G-1}\frac{n-1}{n-k}(X'X)^{-1}
            \Bigl(\sum_g X_g'\hat u_g\hat u_g'X_g\Bigr)(X'X)^{-1};

  two-way (Cameron, Gelbach & Miller 2011):
  :math:`\hat V = \hat V_A + \hat V_B - \hat V_{A\cap B}`, each term with
  its own :math:`G/(G-1)`.
* :func:`wild_cluster_bootstrap` - the wild cluster bootstrap-t
  (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017; Roodman et al.
  2019) with Rademacher or Webb weights, with the null imposed (WCR,
  restricted) or not (WCU), symmetric p-values and confidence intervals
  (WCR: by inverting the test; WCU: percentile-t). With Rademacher weights
  and :math:`2^G \le` ``reps`` all sign vectors are enumerated.

The bootstrap never refits the model: with :math:`A=(X'X)^{-1}X'` the
bootstrap coefficient and every cluster score are linear in the bootstrap
weights :math:`v`, so that for coefficient :math:`j` the statistic is
:math:`t^* = m'v / \sqrt{c\,\lVert Mv\rVert^2}` with a vector :math:`m` and a
:math:`G\times G` matrix :math:`M` computed once (Roodman et al. 2019,
section 3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.masking import refuse_masked
from ogl_impact.stats.outputs import statistic_terms
from ogl_impact.stats.words import both, comma, joined

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
COV_TYPES = ("classical", "HC0", "HC1", "HC2", "HC3", "cluster")
WEIGHT_TYPES = ("rademacher", "webb")
FEW_CLUSTERS = 20  # below this many clusters the CR1 t test is known to over-reject
PERFECT_FIT_NOTE = both(
    "nahezu perfekte Anpassung (Residuen praktisch 0): Standardfehler, t, p und "
    "Intervalle nicht verlässlich",
    "essentially perfect fit (residuals practically 0): standard errors, t, p and "
    "intervals unreliable",
)  # R's summary.lm warns "essentially perfect fit: summary may be unreliable"

ClusterArg = str | Sequence[str] | np.ndarray | pd.Series | Sequence[np.ndarray] | None


@dataclass(frozen=True, eq=False)
class Design:
    """Outcome, design matrix and cluster codes after missing rows are dropped."""

    y: np.ndarray
    X: pd.DataFrame
    clusters: list[np.ndarray]
    cluster_names: list[str]
    dropped: int
    formula: str | None = None


def _codes(values: Sequence | np.ndarray | pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(np.asarray(values)), sort=True)
    if (codes < 0).any():
        raise StatsInputError(
            "Die Cluster-Variable hat fehlende Werte (cluster has missing values)."
        )
    return codes


def _check_conf_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise StatsInputError(
            f"conf_level={conf_level!r} muss zwischen 0 und 1 liegen, z. B. 0.95 "
            "(confidence level between 0 and 1)."
        )


def _cluster_columns(data: pd.DataFrame, cluster: ClusterArg) -> list[str]:
    if cluster is None:
        return []
    names = [cluster] if isinstance(cluster, str) else list(cluster)
    if not all(isinstance(c, str) for c in names):
        raise StatsInputError(
            "Mit einer Formel wird cluster als Spaltenname (oder Liste von Spaltennamen) "
            f"angegeben, nicht als {type(cluster).__name__} (cluster must name columns)."
        )
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise StatsInputError(
            f"Cluster-Spalte {missing[0]!r} fehlt in data; vorhandene Spalten: "
            f"{', '.join(map(str, data.columns))} (cluster column not found)."
        )
    if len(names) > 2:
        raise StatsInputError(f"Höchstens zwei Cluster-Dimensionen, nicht {len(names)}: {names}.")
    return names


def _r_powers(formula: str) -> str:
    """Inside ``I(...)`` R's ``^`` is a power; Python (and formulaic) read it as XOR."""
    out, i = [], 0
    while (start := formula.find("I(", i)) >= 0:
        depth, j = 0, start + 1
        for j in range(start + 1, len(formula)):
            depth += {"(": 1, ")": -1}.get(formula[j], 0)
            if depth == 0:
                break
        out.append(formula[i:start] + formula[start : j + 1].replace("^", "**"))
        i = j + 1
    return "".join(out) + formula[i:]


def _normalise_cov(cov: str | None) -> str | None:
    if cov is None:
        return None
    by_lower = {c.lower(): c for c in COV_TYPES}
    if not isinstance(cov, str) or cov.lower() not in by_lower:
        raise StatsInputError(f"cov={cov!r} ist nicht bekannt; erlaubt: {', '.join(COV_TYPES)}.")
    return by_lower[cov.lower()]


def model_design(data: pd.DataFrame | np.ndarray | pd.Series, formula, cluster=None) -> Design:
    """Outcome, design matrix and clusters from a formula or from matrices.

    Parameters
    ----------
    data : DataFrame or array-like
        With a formula: the frame holding every variable. Without: the
        outcome vector.
    formula : str or DataFrame
        An R-style formula read by formulaic (``"y ~ x + C(lab)"``; an
        intercept is added unless ``- 1``; ``I(x^2)`` is a power as in R),
        or the design matrix itself (columns become the terms).
    cluster : str, list of str, array-like or list of arrays, optional
        Cluster column name(s) with a formula, cluster values otherwise.

    Returns
    -------
    Design
        y, X (terms as columns, the intercept named ``(Intercept)`` as in R),
        cluster values, their names and the number of rows dropped for
        missing values.

    Notes
    -----
    Rows with a missing value in any variable of the formula or in a
    cluster column are dropped (R's ``na.omit``); factors in ``C()`` are
    dummy-coded against their first level (treatment contrasts).

    References
    ----------
    R ``model.frame``/``model.matrix``; formulaic (``formulaic.model_matrix``).

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 2.0, None, 4.0], "x": [1, 2, 3, 5], "g": list("aabb")})
    >>> des = model_design(d, "y ~ x", cluster="g")
    >>> list(des.X.columns), des.dropped
    (['(Intercept)', 'x'], 1)
    """
    if isinstance(formula, str):
        import formulaic

        if not isinstance(data, pd.DataFrame):
            raise StatsInputError("Mit einer Formel muss data ein DataFrame sein (data: a frame).")
        if "~" not in formula:
            raise StatsInputError(
                f"Formel {formula!r} hat keine Zielgröße: geschrieben wird 'y ~ x' "
                "(formula needs an outcome on the left of '~')."
            )
        names = _cluster_columns(data, cluster)
        frame = data.dropna(subset=names) if names else data
        try:
            mm = formulaic.model_matrix(_r_powers(formula), frame)
        except formulaic.errors.FormulaicError as err:
            first = str(err).splitlines()[0]
            raise StatsInputError(
                f"Formel {formula!r} lässt sich mit data nicht auswerten: {first}"
            ) from None
        lhs, rhs = mm.lhs, mm.rhs
        if lhs.shape[1] != 1:
            raise StatsInputError(
                f"Formel {formula!r}: links von '~' steht genau eine numerische Zielgröße, "
                f"nicht {list(lhs.columns)} (one numeric outcome)."
            )
        X = pd.DataFrame(np.asarray(rhs, dtype=float), columns=list(rhs.columns), index=rhs.index)
        X = X.rename(columns={"Intercept": "(Intercept)"})
        clusters = [frame.loc[X.index, c].to_numpy() for c in names]
        return Design(
            np.asarray(lhs, dtype=float).ravel(), X, clusters, names, len(data) - len(X), formula
        )
    if isinstance(formula, pd.DataFrame):
        y = np.asarray(data, dtype=float).ravel()
        if len(y) != len(formula):
            raise StatsInputError(
                f"y hat {len(y)} Werte, die Designmatrix {len(formula)} Zeilen (lengths differ)."
            )
        if cluster is None:
            dims: list = []
        elif isinstance(cluster, str):
            raise StatsInputError(
                "Ohne Formel wird cluster als Werte (array) angegeben, nicht als Spaltenname "
                f"{cluster!r} (pass cluster values with a design matrix)."
            )
        elif isinstance(cluster, (list, tuple)):
            dims = [np.asarray(c) for c in cluster]
        else:
            dims = [np.asarray(cluster)]
        for c in dims:
            if len(c) != len(y):
                raise StatsInputError(f"Cluster-Variable hat {len(c)} Werte, y hat {len(y)}.")
        X = formula.astype(float).reset_index(drop=True)
        names = [f"cluster{i + 1}" for i in range(len(dims))]
        return Design(y, X, dims, names, 0, None)
    raise StatsInputError(
        "ols erwartet ols(data, 'y ~ x', ...) oder ols(y, X) mit X als DataFrame, nicht "
        f"{type(formula).__name__} (formula string or design frame expected)."
    )


def redundant_columns(X: np.ndarray) -> np.ndarray:
    r"""Mask of columns that are linear combinations of the columns before them.

    Parameters
    ----------
    X : ndarray
        Design matrix (n x k).

    Returns
    -------
    ndarray of bool
        True where column j lies in the span of columns 0..j-1 (from the
        diagonal of the QR decomposition without pivoting).

    Notes
    -----
    :math:`|R_{jj}|` of :math:`X = QR` is the length of the part of column j
    orthogonal to the columns before it; it is treated as zero below
    :math:`10^{-12}\,\max(n,k)\sqrt n\,\max|X|`.

    References
    ----------
    R ``lm`` (``qr(X)$rank`` with ``tol = 1e-7``, which drops aliased terms).

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [1.0, 2, 3, 4], [2.0, 4, 6, 8]])
    >>> redundant_columns(X).tolist()
    [False, False, True]
    """
    n, k = X.shape
    r = linalg.qr(X, mode="r")[0]
    diag = np.zeros(k)
    m = min(n, k)
    diag[:m] = np.abs(np.diag(r[:m, :m]))
    scale = max(float(np.abs(X).max(initial=0.0)), 1.0) * np.sqrt(n)
    return diag <= scale * max(n, k) * 1e-12


def _check_design(des: Design) -> None:
    n, k = des.X.shape
    if not np.isfinite(des.y).all() or not np.isfinite(des.X.to_numpy()).all():
        raise StatsInputError("y oder X enthalten fehlende oder unendliche Werte (missing values).")
    if n <= k:
        raise StatsInputError(
            f"{n} Beobachtungen für {k} Koeffizienten: mindestens k + 1 nötig (too few rows)."
        )
    dependent = list(des.X.columns[redundant_columns(des.X.to_numpy(dtype=float))])
    if dependent:
        raise StatsInputError(
            "Die Regressoren sind linear abhängig; nicht schätzbar: "
            f"{', '.join(dependent)} (collinear regressors)."
        )


def _meat(xu: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    g = int(codes.max()) + 1
    scores = np.zeros((g, xu.shape[1]))
    np.add.at(scores, codes, xu)
    return scores.T @ scores * (g / (g - 1)), g


@dataclass(frozen=True, eq=False)
class ClusterCovariance:
    """Result of :func:`cluster_vcov`.

    Attributes
    ----------
    vcov : ndarray
        k x k covariance matrix.
    n_clusters : int
        Number of clusters (the smaller dimension for two-way clustering).
    """

    vcov: np.ndarray
    n_clusters: int


def cluster_vcov(
    X: np.ndarray,
    resid: np.ndarray,
    clusters: Sequence[np.ndarray],
    xtx_inv: np.ndarray | None = None,
) -> ClusterCovariance:
    r"""CR1 covariance for one or two cluster dimensions.

    Parameters
    ----------
    X : ndarray
        Design matrix (n x k).
    resid : ndarray
        OLS residuals.
    clusters : sequence of array-like
        One or two cluster variables (length n each).
    xtx_inv : ndarray, optional
        :math:`(X'X)^{-1}` if already computed.

    Returns
    -------
    ClusterCovariance
        ``.vcov`` (k x k covariance matrix) and ``.n_clusters`` (number of
        clusters, the smaller dimension for two-way clustering).

    Notes
    -----
    :math:`\frac{n-1}{n-k}(X'X)^{-1}\bigl(\sum_{d} \pm \frac{G_d}{G_d-1}
    \sum_g X_g'u_g u_g'X_g\bigr)(X'X)^{-1}` over the dimensions A, B (+) and
    their intersection (-).

    References
    ----------
    Cameron, Gelbach & Miller (2011), J. Bus. Econ. Stat. 29, 238-249;
    R ``sandwich::vcovCL(type = "HC1")``, Stata ``vce(cluster)``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), np.arange(6.0)])
    >>> u = np.array([0.5, -0.2, 0.1, -0.4, 0.3, -0.3])
    >>> res = cluster_vcov(X, u, [np.array([0, 0, 1, 1, 2, 2])])
    >>> res.vcov.shape, res.n_clusters
    ((2, 2), 3)
    """
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X) if xtx_inv is None else xtx_inv
    xu = X * resid[:, None]
    if len(clusters) == 1:
        meat, g = _meat(xu, _codes(clusters[0]))
    elif len(clusters) == 2:
        a, b = _codes(clusters[0]), _codes(clusters[1])
        both = _codes(a.astype(np.int64) * (int(b.max()) + 1) + b)
        ma, ga = _meat(xu, a)
        mb, gb = _meat(xu, b)
        mab, _ = _meat(xu, both)
        meat, g = ma + mb - mab, min(ga, gb)
    else:
        raise StatsInputError("Eine oder zwei Cluster-Variablen (one or two cluster variables).")
    return ClusterCovariance((n - 1) / (n - k) * bread @ meat @ bread, g)


def hc_vcov(X: np.ndarray, resid: np.ndarray, kind: str, xtx_inv: np.ndarray) -> np.ndarray:
    r"""Heteroskedasticity-consistent covariance HC0-HC3.

    Parameters
    ----------
    X : ndarray
        Design matrix (n x k).
    resid : ndarray
        OLS residuals.
    kind : {"HC0", "HC1", "HC2", "HC3"}
        Estimator.
    xtx_inv : ndarray
        :math:`(X'X)^{-1}`.

    Returns
    -------
    ndarray
        k x k covariance matrix.

    Notes
    -----
    :math:`(X'X)^{-1}X'\,\mathrm{diag}(\omega_i)\,X(X'X)^{-1}` with
    :math:`\omega_i = u_i^2` (HC0), :math:`\frac{n}{n-k}u_i^2` (HC1),
    :math:`u_i^2/(1-h_{ii})` (HC2), :math:`u_i^2/(1-h_{ii})^2` (HC3), where
    :math:`h_{ii}` is the leverage.

    References
    ----------
    White (1980), Econometrica 48, 817-838; MacKinnon & White (1985),
    J. Econometrics 29, 305-325; R ``sandwich::vcovHC(type = ...)``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(5), np.arange(5.0)])
    >>> u = np.array([0.5, -0.2, 0.1, -0.7, 0.3])
    >>> hc_vcov(X, u, "HC0", np.linalg.inv(X.T @ X)).shape
    (2, 2)
    """
    n, k = X.shape
    omega = resid**2
    if kind in ("HC2", "HC3"):
        h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
        omega = omega / (1 - h) ** (1 if kind == "HC2" else 2)
    elif kind == "HC1":
        omega = omega * n / (n - k)
    elif kind != "HC0":
        raise StatsInputError(f"kind={kind!r}; erlaubt: HC0, HC1, HC2, HC3.")
    return xtx_inv @ (X.T * omega) @ X @ xtx_inv


_COV_LABEL_EN = {"klassisch": "classical"}
_COV_LABEL = {
    "classical": "klassisch",
    "HC0": "HC0",
    "HC1": "HC1",
    "HC2": "HC2",
    "HC3": "HC3",
}


@dataclass(frozen=True, eq=False)
class OLSResult:
    """Result of :func:`ols`: coefficients, covariance and fit statistics.

    Attributes
    ----------
    coefficients : DataFrame
        term, estimate, se, statistic (t), df, p_val, ci_low, ci_high, n,
        method, note (at ``conf_level``).
    fit : DataFrame
        One row per statistic (r_squared, adj_r_squared, sigma, loglik, aic,
        bic, df_resid, n_clusters) in ``term`` with its value in ``estimate``.
    """

    terms: list[str]
    beta: np.ndarray
    vcov: np.ndarray
    resid: np.ndarray
    n: int
    k: int
    n_clusters: int | None
    cov_type: str
    conf_level: float
    r_squared: float
    adj_r_squared: float
    sigma: float
    loglik: float
    aic: float
    bic: float
    formula: str | None = None
    dropped: int = 0
    cluster_names: list[str] = field(default_factory=list)
    perfect_fit: bool = False

    @property
    def df_resid(self) -> int:
        """Degrees of freedom of the t tests: G - 1 when clustered, else n - k."""
        return (self.n_clusters - 1) if self.n_clusters else (self.n - self.k)

    @property
    def method(self) -> str:
        """How the covariance was estimated, in words (German / English)."""
        if self.cov_type == "cluster":
            two = len(self.cluster_names) == 2
            names, g = " + ".join(self.cluster_names), f"G = {self.n_clusters}"
            return both(
                f"OLS, CR1 {'zweifach geclustert' if two else 'geclustert'} nach {names}, {g}",
                f"OLS, CR1 {'two-way clustered' if two else 'clustered'} by {names}, {g}",
            )
        label = _COV_LABEL[self.cov_type]
        return both(f"OLS, Kovarianz {label}", f"OLS, {_COV_LABEL_EN.get(label, label)} covariance")

    def table(self, conf_level: float | None = None) -> pd.DataFrame:
        r"""Coefficient table at a confidence level (default: the fit's).

        Parameters
        ----------
        conf_level : float, optional
            Confidence level of the intervals.

        Returns
        -------
        DataFrame
            term, estimate, se, statistic, df, p_val, ci_low, ci_high, n,
            method, note.

        Notes
        -----
        :math:`t_j = \hat\beta_j/\widehat{se}_j`, interval
        :math:`\hat\beta_j \pm t_{1-p/2,\nu}\,\widehat{se}_j` with
        :math:`\nu = n-k` (or :math:`G-1` with :math:`G` clusters).

        References
        ----------
        R: ``lmtest::coeftest(fit, vcov)``, ``confint(fit, level = )``; Stata
        ``regress, level()``.

        Examples
        --------
        >>> d = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0], "x": [1, 2, 3, 4, 5, 6]})
        >>> t = ols(d, "y ~ x").table(0.9)
        >>> bool((t["ci_high"] - t["ci_low"] < ols(d, "y ~ x").coefficients["ci_high"]
        ...       - ols(d, "y ~ x").coefficients["ci_low"]).all())
        True
        """
        level = self.conf_level if conf_level is None else conf_level
        _check_conf_level(level)
        with np.errstate(divide="ignore", invalid="ignore"):  # a perfect fit: noted below
            se = np.sqrt(np.diag(self.vcov))
            t = self.beta / se
        df = self.df_resid
        q = stats.t.ppf(1 - (1 - level) / 2, df)
        notes = []
        if self.n_clusters and self.n_clusters < FEW_CLUSTERS:
            notes.append(
                both(
                    f"nur {self.n_clusters} Cluster: Wild-Cluster-Bootstrap für p-Werte und "
                    "Intervalle vorziehen",
                    f"only {self.n_clusters} clusters: prefer the wild cluster bootstrap for "
                    "p-values and intervals",
                )
            )
        if self.dropped:
            notes.append(
                both(
                    f"{self.dropped} Zeilen mit fehlenden Werten ausgelassen",
                    f"{self.dropped} rows with missing values dropped",
                )
            )
        if self.perfect_fit:
            notes.append(PERFECT_FIT_NOTE)
        return pd.DataFrame(
            {
                "term": self.terms,
                "estimate": self.beta,
                "se": se,
                "statistic": t,
                "df": df,
                "p_val": 2 * stats.t.sf(np.abs(t), df),
                "ci_low": self.beta - q * se,
                "ci_high": self.beta + q * se,
                "n": self.n,
                "method": self.method,
                "note": joined(notes),
            }
        )

    @property
    def coefficients(self) -> pd.DataFrame:
        """Coefficient table at the fit's confidence level."""
        return self.table()

    @property
    def fit(self) -> pd.DataFrame:
        """Fit statistics as R's ``summary.lm``, ``logLik``, ``AIC``, ``BIC`` give them."""
        rows = {
            "r_squared": self.r_squared,
            "adj_r_squared": self.adj_r_squared,
            "sigma": self.sigma,
            "loglik": self.loglik,
            "aic": self.aic,
            "bic": self.bic,
            "df_resid": float(self.n - self.k),
            "n_clusters": float(self.n_clusters) if self.n_clusters else np.nan,
        }
        frame = pd.DataFrame(
            {
                "term": list(rows),
                "estimate": list(rows.values()),
                "n": self.n,
                "method": both(
                    "OLS; logLik wie R logLik.lm (Varianz als Parameter gezählt)",
                    "OLS; logLik as R's logLik.lm (variance counted as a parameter)",
                ),
            }
        )
        return statistic_terms(frame)

    def summary(self) -> str:
        """Plain-text summary: the coefficient table and the fit statistics."""
        head = f"OLS {self.formula or ''}".strip()
        return "\n\n".join([head, self.coefficients.to_string(), self.fit.to_string()])

    def _repr_html_(self) -> str:
        return (
            f"<h4>{self.method}</h4>"
            + self.coefficients.to_html(index=False)
            + self.fit.to_html(index=False)
        )


def ols(
    data: pd.DataFrame | np.ndarray | pd.Series,
    formula: str | pd.DataFrame,
    *,
    cov: str | None = None,
    cluster: ClusterArg = None,
    conf_level: float = 0.95,
) -> OLSResult:
    r"""Ordinary least squares with classical, HC or cluster-robust covariance.

    Parameters
    ----------
    data : DataFrame or array-like
        The frame holding the variables of ``formula``; or, when ``formula``
        is a design matrix, the outcome vector.
    formula : str or DataFrame
        R-style formula, e.g. ``"y ~ x + C(lab)"`` (formulaic; rows with
        missing values are dropped and counted in ``note``), or a design
        matrix with a column per term (add the constant yourself).
    cov : {"classical", "HC0", "HC1", "HC2", "HC3", "cluster"}, optional
        Covariance estimator (case does not matter); default ``"cluster"``
        (CR1) when ``cluster`` is given, else ``"classical"``.
    cluster : str or list of str (formula), array-like or list of two (matrix)
        One or two cluster dimensions (two: Cameron-Gelbach-Miller).
    conf_level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    OLSResult
        ``.coefficients`` (term .. note), ``.fit`` (R², adjusted R², sigma,
        log-likelihood, AIC, BIC), ``.vcov``, ``.summary()``.

    Notes
    -----
    :math:`\hat\beta = (X'X)^{-1}X'y`; t tests with :math:`n-k` degrees of
    freedom, or :math:`G-1` when clustered (:func:`cluster_vcov`); HC types
    as in :func:`hc_vcov`. :math:`R^2 = 1 - RSS/TSS` (TSS about the mean
    when the model has an intercept, else about zero, as R's ``lm``).
    The log-likelihood is R's ``logLik.lm``,
    :math:`\ell = -\frac n2\bigl(\log 2\pi + \log\frac{RSS}{n} + 1\bigr)`,
    and the error variance counts as a parameter: AIC :math:`=-2\ell+2(k+1)`,
    BIC :math:`=-2\ell+\log(n)(k+1)` (R's ``AIC``/``BIC``; Stata's
    ``estat ic`` counts k parameters and is 2, resp. :math:`\log n`, lower).

    References
    ----------
    R ``lm``, ``summary.lm``, ``AIC``, ``BIC``; ``sandwich::vcovHC``,
    ``sandwich::vcovCL`` (Zeileis, Köll & Graham 2020, J. Stat. Softw.
    95(1)); Stata ``regress, vce(robust|hc2|hc3|cluster)``.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0], "x": [1, 2, 3, 4, 5, 6],
    ...                   "lab": list("aabbcc")})
    >>> fit = ols(d, "y ~ x", cov="HC3")
    >>> fit.coefficients[["term", "estimate"]].round(3)
              term  estimate
    0  (Intercept)     0.400
    1            x     0.886
    >>> round(float(fit.fit.set_index("term").loc["r_squared", "estimate"]), 3)
    0.784
    """
    _check_conf_level(conf_level)
    if isinstance(data, pd.DataFrame):
        refuse_masked(data, "ols")
    des = model_design(data, formula, cluster)
    cov = _normalise_cov(cov)
    if cov is None:
        cov = "cluster" if des.clusters else "classical"
    if cov == "cluster" and not des.clusters:
        raise StatsInputError("cov='cluster' braucht cluster= (a cluster column is needed).")
    if cov != "cluster" and des.clusters:
        raise StatsInputError(
            f"cluster= ist angegeben, aber cov={cov!r}: für Cluster-robuste Fehler cov='cluster' "
            "oder cov weglassen."
        )
    _check_design(des)
    xm = des.X.to_numpy(dtype=float)
    y = des.y
    n, k = xm.shape
    xtx_inv = np.linalg.inv(xm.T @ xm)
    beta = xtx_inv @ (xm.T @ y)
    resid = y - xm @ beta
    rss = float(resid @ resid)
    g = None
    if cov == "classical":
        vcov = xtx_inv * rss / (n - k)
    elif cov == "cluster":
        cv = cluster_vcov(xm, resid, des.clusters, xtx_inv)
        vcov, g = cv.vcov, cv.n_clusters
    else:
        vcov = hc_vcov(xm, resid, cov, xtx_inv)
    intercept = bool(np.any(np.all(xm == 1.0, axis=0)))
    tss = float(((y - y.mean()) ** 2).sum()) if intercept else float(y @ y)
    r2 = 1 - rss / tss
    adj = 1 - (1 - r2) * (n - int(intercept)) / (n - k)
    loglik = -n / 2 * (np.log(2 * np.pi) + np.log(rss / n) + 1)
    fitted = xm @ beta
    # R's summary.lm: "essentially perfect fit" when the residual variance is below
    # 1e-30 of the fitted values' square mean plus variance
    spread = fitted.mean() ** 2 + (fitted.var(ddof=1) if n > 1 else 0.0)
    perfect = n > k and rss / (n - k) < spread * 1e-30
    return OLSResult(
        terms=list(des.X.columns),
        beta=beta,
        vcov=vcov,
        resid=resid,
        n=n,
        k=k,
        n_clusters=g,
        cov_type=cov,
        conf_level=conf_level,
        r_squared=r2,
        adj_r_squared=adj,
        sigma=float(np.sqrt(rss / (n - k))),
        loglik=float(loglik),
        aic=float(-2 * loglik + 2 * (k + 1)),
        bic=float(-2 * loglik + np.log(n) * (k + 1)),
        formula=des.formula,
        dropped=des.dropped,
        cluster_names=des.cluster_names if cov == "cluster" else [],
        perfect_fit=bool(perfect),
    )


class _Bootstrap:
    """Precomputed pieces of the wild cluster bootstrap-t for one coefficient."""

    def __init__(self, y: np.ndarray, X: np.ndarray, codes: np.ndarray, j: int):
        self.y, self.X, self.codes, self.j = y, X, codes, j
        self.n, self.k = X.shape
        self.G = int(codes.max()) + 1
        self.xtx_inv = np.linalg.inv(X.T @ X)
        self.c = self.G / (self.G - 1) * (self.n - 1) / (self.n - self.k)
        self.w = self.xtx_inv[:, j]
        # w' X_h'X_h for every cluster h (G x k)
        xw = X @ self.w
        self.P = np.zeros((self.G, self.k))
        np.add.at(self.P, codes, X * xw[:, None])
        self.beta = self.xtx_inv @ (X.T @ y)
        self.others = [i for i in range(self.k) if i != j]

    def stat(self, resid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vector m and matrix M with t* = m'v / sqrt(c |Mv|^2) for dgp residuals."""
        xu = self.X * resid[:, None]
        S = np.zeros((self.G, self.k))
        np.add.at(S, self.codes, xu)  # X_g' u_g
        m = S @ self.w
        B = self.xtx_inv @ S.T  # k x G, b_g
        M = np.diag(m) - self.P @ B
        return m, M

    def restricted_parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Residuals of y and of x_j on the other regressors.

        The restricted residuals under the null value r are ``u_y - r * u_x``,
        so every bootstrap quantity is linear (or quadratic) in r.
        """
        xr = self.X[:, self.others]
        targets = np.column_stack([self.y, self.X[:, self.j]])
        if xr.shape[1] == 0:
            return targets[:, 0], targets[:, 1]
        coef, *_ = np.linalg.lstsq(xr, targets, rcond=None)
        res = targets - xr @ coef
        return res[:, 0], res[:, 1]


def _draws(kind: str, G: int, reps: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    if kind == "rademacher":
        if 2**G <= reps:
            grid = ((np.arange(2**G)[:, None] >> np.arange(G)) & 1).astype(np.int8)
            return (2 * grid - 1).T.astype(float), True
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=(G, reps)), False
    if kind == "webb":
        return rng.choice(WEBB, size=(G, reps)), False
    raise StatsInputError(f"weight_type={kind!r}; erlaubt: {', '.join(WEIGHT_TYPES)}.")


def _dot_draws(m: np.ndarray, V: np.ndarray, chunk: int = 4096) -> np.ndarray:
    return np.concatenate([m @ V[:, s : s + chunk] for s in range(0, V.shape[1], chunk)])


def _quad_draws(
    A: np.ndarray, B: np.ndarray, V: np.ndarray, chunk: int = 4096
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|Av|^2, (Av).(Bv) and |Bv|^2 for every draw v (column of V)."""
    out = np.empty((3, V.shape[1]))
    for s in range(0, V.shape[1], chunk):
        av, bv = A @ V[:, s : s + chunk], B @ V[:, s : s + chunk]
        out[0, s : s + chunk] = (av * av).sum(axis=0)
        out[1, s : s + chunk] = (av * bv).sum(axis=0)
        out[2, s : s + chunk] = (bv * bv).sum(axis=0)
    return out[0], out[1], out[2]


def _t_star(m: np.ndarray, M: np.ndarray, V: np.ndarray, c: float, chunk: int = 4096) -> np.ndarray:
    out = np.empty(V.shape[1])
    for s in range(0, V.shape[1], chunk):
        v = V[:, s : s + chunk]
        num = m @ v
        q = M @ v
        with np.errstate(invalid="ignore", divide="ignore"):
            out[s : s + chunk] = num / np.sqrt(c * (q * q).sum(axis=0))
    return out


def wild_cluster_bootstrap(
    data: pd.DataFrame | np.ndarray | pd.Series,
    formula: str | pd.DataFrame,
    *,
    cluster: ClusterArg,
    coef: str,
    null: float = 0.0,
    weight_type: str = "rademacher",
    restricted: bool = True,
    reps: int = 9999,
    conf_level: float = 0.95,
    seed: int = 20200615,
    ci: bool = True,
) -> pd.DataFrame:
    r"""Wild cluster bootstrap-t test and confidence interval for one coefficient.

    Parameters
    ----------
    data : DataFrame or array-like
        Frame of the formula's variables, or the outcome vector when
        ``formula`` is a design matrix.
    formula : str or DataFrame
        R-style formula or design matrix, as in :func:`ols`.
    cluster : str or array-like
        One cluster dimension: a column name with a formula, else values.
    coef : str
        Term to test (as named in :func:`ols` output).
    null : float, default 0
        Value under the null hypothesis.
    weight_type : {"rademacher", "webb"}
        Distribution of the bootstrap weights; Webb's six-point weights are
        advised below about 12 clusters, where Rademacher weights allow too
        few distinct draws.
    restricted : bool, default True
        Impose the null in the bootstrap data (WCR) or not (WCU).
    reps : int, default 9999
        Bootstrap replications (all :math:`2^G` sign vectors if fewer).
    conf_level : float, default 0.95
        Confidence level.
    seed : int
        Seed of the random weights (results are reproducible).
    ci : bool, default True
        Also compute the confidence interval (WCR inverts the test, which
        costs some dozens of bootstrap evaluations).

    Returns
    -------
    DataFrame
        One row: term, estimate, se (CR1), statistic (t against ``null``),
        df (G - 1), p_val (symmetric bootstrap), ci_low, ci_high, n, method,
        note. ``.attrs`` holds ``n_clusters``, ``reps`` (draws used) and
        ``enumerated``.

    Notes
    -----
    :math:`p = \frac1B\sum_b 1\{|t^*_b| \ge |t|\}` with
    :math:`t = (\hat\beta_j - r)/\mathrm{se}_{CR1}`; bootstrap samples
    :math:`y^* = X\tilde\beta + v_g\tilde u` with the restricted (WCR) or
    unrestricted (WCU) fit.

    References
    ----------
    Cameron, Gelbach & Miller (2008), Rev. Econ. Stat. 90, 414-427;
    MacKinnon & Webb (2017), J. Appl. Econometrics 32, 233-254; Roodman,
    Nielsen, MacKinnon & Webb (2019), Stata J. 19, 4-60 (``boottest``);
    Julia ``WildBootTests.jl``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"g": np.repeat(np.arange(8), 5), "x": rng.normal(size=40)})
    >>> d["y"] = 0.5 * d["x"] + rng.normal(size=40)
    >>> res = wild_cluster_bootstrap(d, "y ~ x", cluster="g", coef="x", reps=999)
    >>> res.attrs["reps"], res.attrs["enumerated"]
    (256, True)
    """
    _check_conf_level(conf_level)
    if weight_type not in WEIGHT_TYPES:
        raise StatsInputError(f"weight_type={weight_type!r}; erlaubt: {', '.join(WEIGHT_TYPES)}.")
    if isinstance(data, pd.DataFrame):
        refuse_masked(data, "wild_cluster_bootstrap")
    des = model_design(data, formula, cluster)
    if len(des.clusters) != 1:
        raise StatsInputError(
            "Der Wild-Cluster-Bootstrap braucht genau eine Cluster-Dimension "
            f"(one cluster dimension), nicht {len(des.clusters)}."
        )
    _check_design(des)
    names = list(des.X.columns)
    if coef not in names:
        raise StatsInputError(
            f"coef={coef!r} ist kein Term des Modells; Terme: {', '.join(names)}."
        )
    j = names.index(coef)
    b = _Bootstrap(des.y, des.X.to_numpy(dtype=float), _codes(des.clusters[0]), j)
    rng = np.random.default_rng(seed)
    V, enumerated = _draws(weight_type, b.G, reps, rng)
    se_cr1 = float(np.sqrt(b.c * ((b.stat(b.y - b.X @ b.beta)[0]) ** 2).sum()))
    est = float(b.beta[j])
    alpha = 1 - conf_level
    low = high = np.nan
    if restricted:
        # t*(r) = (a - r b) / sqrt(c (q0 - 2 r q01 + r^2 q1)), vectors over the draws
        u_y, u_x = b.restricted_parts()
        m_y, M_y = b.stat(u_y)
        m_x, M_x = b.stat(u_x)
        a, bb = _dot_draws(m_y, V), _dot_draws(m_x, V)
        q0, q01, q1 = _quad_draws(M_y, M_x, V)

        def p_value(r: float) -> float:
            t = (est - r) / se_cr1
            with np.errstate(invalid="ignore", divide="ignore"):
                ts = (a - r * bb) / np.sqrt(b.c * (q0 - 2 * r * q01 + r * r * q1))
            return float(np.mean(np.abs(ts) >= abs(t) - 1e-12))

        p = p_value(null)
        if ci:
            low = _invert(p_value, est, est - se_cr1, alpha, se_cr1)
            high = _invert(p_value, est, est + se_cr1, alpha, se_cr1)
    else:
        m, M = b.stat(b.y - b.X @ b.beta)
        ts_u = _t_star(m, M, V, b.c)
        p = float(np.mean(np.abs(ts_u) >= abs((est - null) / se_cr1) - 1e-12))
        if ci:
            q = float(np.quantile(np.abs(ts_u), conf_level))
            low, high = est - q * se_cr1, est + q * se_cr1
    kind = "WCR" if restricted else "WCU"
    reps = V.shape[1]
    draws = (
        (f"alle {reps} Vorzeichenvektoren", f"all {reps} sign vectors")
        if enumerated
        else (f"{reps} Ziehungen", f"{reps} draws")
    )
    head = f"Wild-Cluster-Bootstrap-t {kind}, {weight_type.capitalize()}"
    notes = []
    if null != 0:
        notes.append(
            both(
                f"Nullhypothese: {coef} = {comma(f'{null:g}')}",
                f"null hypothesis: {coef} = {null:g}",
            )
        )
    if p == 0:
        below = f"p < {1 / reps:.2g}"
        notes.append(
            both(
                f"{comma(below)}: keine Ziehung so extrem wie die Schätzung",
                f"{below}: no draw as extreme as the estimate",
            )
        )
    out = pd.DataFrame(
        [
            {
                "term": coef,
                "estimate": est,
                "se": se_cr1,
                "statistic": (est - null) / se_cr1,
                "df": b.G - 1,
                "p_val": p,
                "ci_low": low,
                "ci_high": high,
                "n": b.n,
                "method": both(
                    f"{head}, {draws[0]}, G = {b.G}",
                    f"Wild cluster bootstrap-t {kind}, "
                    f"{weight_type.capitalize()}, {draws[1]}, G = {b.G}",
                ),
                "note": joined(notes),
            }
        ]
    )
    out.attrs.update({"n_clusters": b.G, "reps": int(V.shape[1]), "enumerated": enumerated})
    return out


def _invert(
    p_value: Callable[[float], float], est: float, start: float, alpha: float, scale: float
) -> float:
    """Find where the bootstrap p-value falls to alpha between est and beyond start."""
    inside, outside = est, start
    step = start - est
    while p_value(outside) > alpha:
        inside = outside
        step *= 2
        outside = est + step
        if abs(step) > 1e6 * max(scale, 1e-12):
            return np.inf if step > 0 else -np.inf
    for _ in range(60):
        mid = (inside + outside) / 2
        if p_value(mid) > alpha:
            inside = mid
        else:
            outside = mid
        if abs(outside - inside) < 1e-7 * max(scale, 1e-12):
            break
    return (inside + outside) / 2
