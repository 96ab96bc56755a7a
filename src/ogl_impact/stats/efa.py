r"""Exploratory factors, Schmid-Leiman and omega hierarchical, as R's psych computes them.

:func:`omega_hierarchical` follows psych's ``omega()``: a minimum-residual
(minres) factor analysis of the correlation matrix, an oblique oblimin
rotation (GPArotation's ``oblimin``, :math:`\gamma = 0`, no normalisation),
one general factor of the factor correlations, the Schmid-Leiman
transformation, then

.. math::

    \omega_h = \frac{(\sum_j g_j)^2}{\mathbf 1'R\mathbf 1},\qquad
    \omega_t = \frac{\mathbf 1'R\mathbf 1 - \sum_j u_j^2}{\mathbf 1'R\mathbf 1}

with :math:`g_j` the items' loadings on the general factor and
:math:`u^2_j = 1 - h^2_j` their uniquenesses.

References
----------
Schmid, J. & Leiman, J. M. (1957). The development of hierarchical factor
solutions. Psychometrika 22, 53-61.
McDonald, R. P. (1999). Test theory: a unified treatment. Erlbaum.
Zinbarg, R. E., Revelle, W., Yovel, I. & Li, W. (2005). Cronbach's alpha,
Revelle's beta, and McDonald's omega_h. Psychometrika 70, 123-133.
Jennrich, R. I. (2002). A simple general method for oblique rotation.
Psychometrika 67, 7-19 (the gradient projection algorithm of GPArotation).
R psych ``fa(fm = "minres")``, ``schmid``, ``omega``; GPArotation ``oblimin``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.outputs import statistic_terms


def minres(corr: np.ndarray, n_factors: int) -> np.ndarray:
    r"""Unrotated minimum-residual factor loadings (psych ``fa(fm = "minres")``).

    Parameters
    ----------
    corr : ndarray
        Correlation matrix.
    n_factors : int
        Number of factors.

    Returns
    -------
    ndarray
        Items x factors loadings, columns ordered by eigenvalue, each column's
        sum made positive.

    Notes
    -----
    Minimises the sum of squared off-diagonal residuals
    :math:`\sum_{i>j}(r_{ij} - (LL')_{ij})^2` over the uniquenesses
    :math:`\psi` (bounds :math:`[0.005, 1]`, start :math:`1 - SMC`), with
    :math:`L` the first eigenvectors of :math:`R - \operatorname{diag}\psi`
    scaled by the root of their eigenvalues.

    References
    ----------
    Harman, H. H. & Jones, W. H. (1966). Factor analysis by minimizing
    residuals (minres). Psychometrika 31, 351-368. R psych ``fa``.

    Examples
    --------
    >>> lam = np.array([0.8, 0.7, 0.6, 0.5])
    >>> r = np.outer(lam, lam); np.fill_diagonal(r, 1.0)
    >>> minres(r, 1).ravel().round(3)
    array([0.8, 0.7, 0.6, 0.5])
    """
    r = np.asarray(corr, dtype=float)
    p = r.shape[0]
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    low = np.tril_indices(p, -1)

    def loadings(psi: np.ndarray) -> np.ndarray:
        s = r.copy()
        s[np.diag_indices(p)] = 1 - psi
        values, vectors = np.linalg.eigh(s)
        order = np.argsort(values)[::-1][:n_factors]
        values = np.maximum(values[order], 100 * np.finfo(float).eps)
        return vectors[:, order] * np.sqrt(values)

    def objective(psi: np.ndarray) -> float:
        lam = loadings(psi)
        return float(np.sum((r - lam @ lam.T)[low] ** 2))

    res = optimize.minimize(
        objective,
        1 - smc,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000},
    )
    lam = loadings(res.x)
    return lam * np.where(lam.sum(axis=0) < 0, -1.0, 1.0)


def oblimin(loadings: np.ndarray, *, max_iter: int = 1000, eps: float = 1e-5):
    r"""Oblique quartimin (oblimin, :math:`\gamma=0`) rotation by gradient projection.

    Parameters
    ----------
    loadings : ndarray
        Unrotated loadings.
    max_iter : int
        Iterations of the projection algorithm.
    eps : float
        Stop when the projected gradient's norm is below ``eps`` (GPArotation).

    Returns
    -------
    (ndarray, ndarray)
        Rotated pattern loadings and factor correlations :math:`\Phi`.

    Notes
    -----
    Criterion :math:`Q(L) = \tfrac14\sum (L^2) \odot (L^2 N)` with
    :math:`N = \mathbf{11}' - I`; :math:`L = A (T')^{-1}`, :math:`\Phi = T'T`
    (GPArotation ``GPFoblq``, Jennrich 2002).

    References
    ----------
    Jennrich (2002); Bernaards & Jennrich (2005), GPArotation ``oblimin``.

    Examples
    --------
    >>> a = np.array([[0.8, 0.0], [0.7, 0.0], [0.0, 0.6], [0.0, 0.5]])
    >>> lam, phi = oblimin(a)
    >>> np.abs(lam).round(3).tolist()
    [[0.8, 0.0], [0.7, 0.0], [0.0, 0.6], [0.0, 0.5]]
    """
    a = np.asarray(loadings, dtype=float)
    k = a.shape[1]
    off = np.ones((k, k)) - np.eye(k)

    def criterion(lam: np.ndarray):
        x = (lam**2) @ off
        return float(np.sum(lam**2 * x) / 4), lam * x

    t = np.eye(k)
    lam = a @ np.linalg.inv(t).T
    f, gq = criterion(lam)
    g = -(lam.T @ gq @ np.linalg.inv(t)).T
    alpha = 1.0
    for _ in range(max_iter + 1):
        gp = g - t @ np.diag(np.sum(t * g, axis=0))
        s = np.sqrt(np.sum(gp**2))
        if s < eps:
            break
        alpha *= 2
        for _ in range(11):
            x = t - alpha * gp
            t_new = x / np.sqrt(np.sum(x**2, axis=0))
            lam = a @ np.linalg.inv(t_new).T
            f_new, gq = criterion(lam)
            if f - f_new > 0.5 * s**2 * alpha:
                break
            alpha /= 2
        t = t_new
        f = f_new
        g = -(lam.T @ gq @ np.linalg.inv(t)).T
    phi = t.T @ t
    signs = np.where(lam.sum(axis=0) < 0, -1.0, 1.0)
    lam = lam * signs
    phi = phi * np.outer(signs, signs)
    return lam, phi


@dataclass(frozen=True)
class OmegaResult:
    """Schmid-Leiman solution and the omegas of psych's ``omega()``.

    Attributes
    ----------
    coefficients : DataFrame
        term (``omega_h``, ``omega_t``, ``alpha``, ``g6`` (Guttman's
        lambda 6), ``omega_h_asymptotic``), estimate, n, method.
    loadings : DataFrame
        Items (index ``item``) x (g, F1*, ..., h2, u2, p2), psych's ``schmid$sl``:
        ``F1*`` is the first group factor, as psych prints it (a table heads it
        "Gruppenfaktor 1" / "Group factor 1").
    factor_correlations : DataFrame
        Correlations of the oblimin factors ``F1``, ... (index ``factor``).
    general : Series
        Loadings of the oblimin factors on the general factor (psych's
        ``schmid$gloading``).
    """

    coefficients: pd.DataFrame
    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    general: pd.Series

    def summary(self) -> str:
        """Coefficients and Schmid-Leiman loadings as text."""
        c = self.coefficients.set_index("term")["estimate"]
        head = ", ".join(f"{k} = {v:.3f}" for k, v in c.items())
        return head + "\n" + self.loadings.round(2).to_string()

    def _repr_html_(self) -> str:
        return self.coefficients.to_html() + self.loadings.round(3).to_html()


def omega_hierarchical(
    data: pd.DataFrame,
    n_factors: int = 3,
    *,
    is_corr: bool = False,
    missing: str = "pairwise",
    flip: bool = True,
) -> OmegaResult:
    r"""Omega hierarchical and omega total from a Schmid-Leiman solution (psych ``omega``).

    Parameters
    ----------
    data : DataFrame
        Respondent x item matrix (reverse keys applied), or a correlation
        matrix with ``is_corr=True``.
    n_factors : int, default 3
        Number of group factors (psych's ``nfactors``; at least 3, as psych
        needs for an identified general factor without extra assumptions).
    is_corr : bool, default False
        ``data`` is already a correlation matrix.
    missing : {"pairwise", "listwise"}
        How correlations are computed from raw data (psych: pairwise).
    flip : bool, default True
        As psych: items with a negative general loading are reversed after
        the factoring (their loadings and correlations change sign, their
        names get a trailing ``"-"``) before the omegas are computed.

    Returns
    -------
    OmegaResult
        Coefficients, Schmid-Leiman loadings, factor correlations.

    Notes
    -----
    Oblique pattern :math:`P` (minres + oblimin), factor correlations
    :math:`\Phi`; one minres factor of :math:`\Phi` gives loadings :math:`\gamma`.
    Then :math:`g = P\gamma`, group loadings
    :math:`P\operatorname{diag}(\sqrt{1-\gamma^2})`, :math:`h^2` the
    communalities of the factor solution, :math:`u^2 = 1 - h^2`,
    :math:`p^2 = g^2/h^2`. :math:`\omega_h` and :math:`\omega_t` as in the
    module notes; :math:`\omega_{h,\infty} = (\sum g)^2 / (\mathbf 1'R\mathbf 1
    - \sum u^2)` (psych's "Omega H asymptotic"); alpha on the correlations;
    Guttman's :math:`\lambda_6 = (\mathbf 1'R\mathbf 1 + \sum SMC - k)/\mathbf 1'R\mathbf 1`.
    Better than relying on ``flip``: reverse-key items from the codebook first
    (:func:`ogl_impact.stats.reverse_key`), so that the keying is a decision,
    not a by-product of the sample.

    References
    ----------
    Schmid & Leiman (1957); McDonald (1999); Zinbarg et al. (2005);
    Jensen & Weng (1994), What is a good g? Intelligence 18, 231-258.
    R psych ``omega(m, nfactors = 3, fm = "minres", rotate = "oblimin")``.

    Examples
    --------
    >>> g, f = np.array([0.9, 0.8, 0.7]), [0.8, 0.7, 0.6, 0.7, 0.6, 0.5, 0.6, 0.5, 0.4]
    >>> pattern = np.zeros((9, 3))
    >>> for j, v in enumerate(f):
    ...     pattern[j, j // 3] = v
    >>> phi = np.outer(g, g); np.fill_diagonal(phi, 1.0)
    >>> r = pattern @ phi @ pattern.T; np.fill_diagonal(r, 1.0)
    >>> res = omega_hierarchical(pd.DataFrame(r), is_corr=True)
    >>> res.loadings["g"].round(2).tolist()
    [0.72, 0.63, 0.54, 0.56, 0.48, 0.4, 0.42, 0.35, 0.28]
    """
    if n_factors < 3:
        raise StatsInputError(
            "omega_hierarchical braucht mindestens drei Gruppenfaktoren (psych: nfactors >= 3)"
        )
    names = [str(c) for c in data.columns]
    if is_corr:
        r = data.to_numpy(dtype=float)
        if r.shape[0] != r.shape[1] or not np.allclose(r, r.T) or not np.allclose(np.diag(r), 1):
            raise StatsInputError(
                "is_corr=True braucht eine symmetrische Matrix mit Einsen diagonal"
            )
        n = np.nan
    else:
        values = data.dropna() if missing == "listwise" else data
        r = values.corr(min_periods=2).to_numpy()
        n = len(values)
        if np.isnan(r).any():
            raise StatsInputError(
                "Korrelationen nicht berechenbar (Items ohne Varianz oder Überlappung)"
            )
    if r.shape[0] < 2 * n_factors:
        raise StatsInputError(f"{r.shape[0]} Items sind zu wenige für {n_factors} Faktoren")
    unrotated = minres(r, n_factors)
    pattern, phi = oblimin(unrotated)
    # order the factors by the variance they account for, diag(Phi P'P), as psych's fa
    order = np.argsort(-np.diag(phi @ pattern.T @ pattern), kind="stable")
    pattern, phi = pattern[:, order], phi[np.ix_(order, order)]
    gamma = minres(phi, 1).ravel()
    g = pattern @ gamma
    group = pattern * np.sqrt(np.clip(1 - gamma**2, 0, None))
    h2 = np.sum(unrotated**2, axis=1)
    u2 = 1 - h2
    if flip:
        key = np.where(g < 0, -1.0, 1.0)
        r = r * np.outer(key, key)
        g, group = g * key, group * key[:, None]
        names = [n + ("-" if k < 0 else "") for n, k in zip(names, key, strict=True)]
    vt = r.sum()
    k = r.shape[0]
    omega_h = g.sum() ** 2 / vt
    omega_t = (vt - u2.sum()) / vt
    alpha = (vt - np.trace(r)) / vt * k / (k - 1)
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    g6 = (vt + smc.sum() - np.trace(r)) / vt
    groups = [f"F{i + 1}*" for i in range(n_factors)]
    # rows named by the items (and a table shows them: present keeps a named index)
    loadings = pd.DataFrame(group, index=pd.Index(names, name="item"), columns=groups)
    loadings.insert(0, "g", g)
    loadings["h2"] = h2
    loadings["u2"] = u2
    loadings["p2"] = g**2 / h2
    coefficients = pd.DataFrame(
        {
            "term": ["omega_h", "omega_t", "alpha", "g6", "omega_h_asymptotic"],
            "estimate": [omega_h, omega_t, alpha, g6, g.sum() ** 2 / (vt - u2.sum())],
        }
    )
    coefficients["n"] = n
    coefficients["method"] = "minres + oblimin + Schmid-Leiman (psych omega)"
    factor_names = [f"F{i + 1}" for i in range(n_factors)]
    return OmegaResult(
        coefficients=statistic_terms(coefficients),
        loadings=loadings,
        factor_correlations=pd.DataFrame(
            phi, index=pd.Index(factor_names, name="factor"), columns=factor_names
        ),
        general=pd.Series(gamma, index=factor_names, name="g"),
    )
