r"""Least squares with cluster-robust inference for few clusters.

* :func:`ols` - coefficients with classical, one-way or two-way
  cluster-robust standard errors. One-way: the CR1 estimator as in Stata and
  R's ``sandwich::vcovCL`` (``type = "HC1"``, ``cadjust = TRUE``),

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
bootstrap coefficient and every cluster score are linear in the weights
:math:`v`, so that for coefficient :math:`j` the statistic is
:math:`t^* = m'v / \sqrt{c\,\lVert Mv\rVert^2}` with a vector :math:`m` and a
:math:`G\times G` matrix :math:`M` computed once (Roodman et al. 2019,
section 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


@dataclass(frozen=True)
class Fit:
    """Result of :func:`ols`: coefficients, covariance and what they came from."""

    names: list[str]
    beta: np.ndarray
    vcov: np.ndarray
    resid: np.ndarray
    n: int
    k: int
    n_clusters: int | None
    vcov_type: str

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy coefficient table (t with G-1 df when clustered, else n-k).

        Parameters
        ----------
        level : float, default 0.95
            Confidence level.

        Returns
        -------
        DataFrame
            term, estimate, se, t, df, p_val, ci_low, ci_high, n, n_clusters, vcov.
        """
        se = np.sqrt(np.diag(self.vcov))
        df = (self.n_clusters - 1) if self.n_clusters else (self.n - self.k)
        t = self.beta / se
        q = stats.t.ppf(1 - (1 - level) / 2, df)
        return pd.DataFrame(
            {
                "term": self.names,
                "estimate": self.beta,
                "se": se,
                "t": t,
                "df": df,
                "p_val": 2 * stats.t.sf(np.abs(t), df),
                "ci_low": self.beta - q * se,
                "ci_high": self.beta + q * se,
                "n": self.n,
                "n_clusters": self.n_clusters if self.n_clusters else np.nan,
                "vcov": self.vcov_type,
            }
        )


def _codes(values: Sequence | np.ndarray | pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(np.asarray(values)), sort=True)
    if (codes < 0).any():
        raise ValueError("cluster variable has missing values")
    return codes


def _meat(xu: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    g = int(codes.max()) + 1
    scores = np.zeros((g, xu.shape[1]))
    np.add.at(scores, codes, xu)
    return scores.T @ scores * (g / (g - 1)), g


def cluster_vcov(
    X: np.ndarray,
    resid: np.ndarray,
    clusters: Sequence[np.ndarray],
    xtx_inv: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """CR1 covariance for one or two cluster dimensions.

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
    vcov : ndarray
        k x k covariance matrix.
    n_clusters : int
        Number of clusters (the smaller dimension for two-way clustering).
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
        raise ValueError("one or two cluster variables")
    return (n - 1) / (n - k) * bread @ meat @ bread, g


def ols(
    y: np.ndarray | pd.Series,
    X: pd.DataFrame,
    *,
    cluster: Sequence[np.ndarray] | np.ndarray | pd.Series | None = None,
) -> Fit:
    """Ordinary least squares with classical or cluster-robust covariance.

    Parameters
    ----------
    y : array-like
        Outcome (length n).
    X : DataFrame
        Regressors including a constant if wanted (column names become terms).
    cluster : array-like or sequence of two array-likes, optional
        Cluster variable(s); ``None`` for the classical covariance.

    Returns
    -------
    Fit
        Coefficients, covariance, residuals; ``.table()`` gives the tidy frame.
    """
    xm = X.to_numpy(dtype=float)
    yv = np.asarray(y, dtype=float)
    n, k = xm.shape
    xtx_inv = np.linalg.inv(xm.T @ xm)
    beta = xtx_inv @ (xm.T @ yv)
    resid = yv - xm @ beta
    if cluster is None:
        vcov = xtx_inv * (resid @ resid) / (n - k)
        return Fit(list(X.columns), beta, vcov, resid, n, k, None, "classical")
    dims = list(cluster) if isinstance(cluster, (list, tuple)) else [cluster]
    vcov, g = cluster_vcov(xm, resid, dims, xtx_inv)
    kind = "CR1 one-way" if len(dims) == 1 else "CR1 two-way"
    return Fit(list(X.columns), beta, vcov, resid, n, k, g, kind)


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


def _weights(kind: str, G: int, reps: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    if kind == "rademacher":
        if 2**G <= reps:
            grid = ((np.arange(2**G)[:, None] >> np.arange(G)) & 1).astype(np.int8)
            return (2 * grid - 1).T.astype(float), True
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=(G, reps)), False
    if kind == "webb":
        return rng.choice(WEBB, size=(G, reps)), False
    raise ValueError("weights must be 'rademacher' or 'webb'")


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
    y: np.ndarray | pd.Series,
    X: pd.DataFrame,
    cluster: np.ndarray | pd.Series,
    *,
    coef: str,
    null: float = 0.0,
    weights: str = "rademacher",
    restricted: bool = True,
    reps: int = 9999,
    level: float = 0.95,
    seed: int = 20200615,
    ci: bool = True,
) -> pd.DataFrame:
    r"""Wild cluster bootstrap-t test and confidence interval for one coefficient.

    Parameters
    ----------
    y : array-like
        Outcome.
    X : DataFrame
        Regressors (with constant and fixed-effect dummies as needed).
    cluster : array-like
        Cluster variable (e.g. the lab or commune).
    coef : str
        Column of ``X`` to test.
    null : float, default 0
        Value under the null hypothesis.
    weights : {"rademacher", "webb"}
        Bootstrap weights; Webb's six-point weights are advised below about
        12 clusters, where Rademacher weights allow too few distinct draws.
    restricted : bool, default True
        Impose the null in the bootstrap data (WCR) or not (WCU).
    reps : int, default 9999
        Bootstrap replications (all :math:`2^G` sign vectors if fewer).
    level : float, default 0.95
        Confidence level.
    seed : int
        Seed of the random weights (results are reproducible).
    ci : bool, default True
        Also compute the confidence interval (WCR inverts the test, which
        costs some dozens of bootstrap evaluations).

    Returns
    -------
    DataFrame
        One row: term, estimate, se (CR1), t, p_val (symmetric bootstrap),
        ci_low, ci_high, n_clusters, reps (draws used), enumerated, weights,
        method.
    """
    names = list(X.columns)
    j = names.index(coef)
    b = _Bootstrap(np.asarray(y, dtype=float), X.to_numpy(dtype=float), _codes(cluster), j)
    rng = np.random.default_rng(seed)
    V, enumerated = _weights(weights, b.G, reps, rng)
    se_cr1 = float(np.sqrt(b.c * ((b.stat(b.y - b.X @ b.beta)[0]) ** 2).sum()))
    est = float(b.beta[j])
    alpha = 1 - level
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
            q = float(np.quantile(np.abs(ts_u), level))
            low, high = est - q * se_cr1, est + q * se_cr1
    return pd.DataFrame(
        [
            {
                "term": coef,
                "estimate": est,
                "se": se_cr1,
                "t": (est - null) / se_cr1,
                "null": null,
                "p_val": p,
                "ci_low": low,
                "ci_high": high,
                "n_clusters": b.G,
                "reps": V.shape[1],
                "enumerated": enumerated,
                "weights": weights,
                "method": "WCR" if restricted else "WCU",
                "level": level,
            }
        ]
    )


def _invert(p_value, est: float, start: float, alpha: float, scale: float) -> float:
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
