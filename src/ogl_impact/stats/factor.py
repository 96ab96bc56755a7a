r"""Confirmatory factor analysis by maximum likelihood (the model of lavaan's ``cfa``).

A model names, per factor, the items that load on it (each item on exactly one
factor, factors correlated, no residual covariances):

.. math:: \Sigma(\theta) = \Lambda\Phi\Lambda' + \Theta

The first loading of each factor is fixed to 1 (lavaan's default marker
scaling). The estimates minimise the ML discrepancy to the sample covariance
matrix :math:`S` (divisor :math:`N`, as lavaan):

.. math:: F_{ML} = \log|\Sigma| + \operatorname{tr}(S\Sigma^{-1}) - \log|S| - p

with an analytic gradient (BFGS, :mod:`scipy.optimize`). Standard errors come
from the expected information
:math:`I_{ab} = \tfrac12\operatorname{tr}(\Sigma^{-1}\dot\Sigma_a\Sigma^{-1}\dot\Sigma_b)`,
:math:`\operatorname{Var}(\hat\theta) = I^{-1}/N` (lavaan's ``se = "standard"``,
``information = "expected"``).

References
----------
Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
factor analysis. Psychometrika 34, 183-202.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
J. Statistical Software 48(2). R lavaan ``cfa``, ``fitMeasures``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.outputs import statistic_terms

ModelSpec = Mapping[str, Sequence[str]] | str


def parse_model(model: ModelSpec) -> dict[str, tuple[str, ...]]:
    """Read a factor model from a mapping or from lavaan's ``=~`` syntax.

    Parameters
    ----------
    model : mapping or str
        ``{"visual": ["x1", "x2", "x3"], ...}`` or lavaan lines
        ``"visual =~ x1 + x2 + x3"`` (one factor per line or ``;``).

    Returns
    -------
    dict
        Factor name -> tuple of item names, in the given order.

    Notes
    -----
    Only measurement lines (``=~``) are understood; anything else is an error,
    so that a model copied from lavaan with extra parts is not silently cut.

    References
    ----------
    lavaan model syntax (Rosseel 2012), the ``=~`` operator.

    Examples
    --------
    >>> parse_model("f1 =~ a + b + c; f2 =~ d + e + f")
    {'f1': ('a', 'b', 'c'), 'f2': ('d', 'e', 'f')}
    """
    if isinstance(model, str):
        spec: dict[str, tuple[str, ...]] = {}
        for number, line in enumerate(re.split(r"[\n;]", model), start=1):
            line = line.split("#")[0].strip()
            if not line:
                continue
            if "=~" not in line:
                raise StatsInputError(
                    f"Modellzeile {number} '{line}': nur Messmodelle 'faktor =~ item1 + item2' "
                    "werden verstanden"
                )
            lhs, rhs = line.split("=~", 1)
            items = tuple(i.strip() for i in rhs.split("+") if i.strip())
            spec[lhs.strip()] = spec.get(lhs.strip(), ()) + items
    else:
        spec = {}
        for k, v in model.items():
            # {"f": "x1 + x2 + x3"} is a common slip: read it like lavaan's right-hand side
            items = re.split(r"[+\s,]+", v.strip()) if isinstance(v, str) else [str(i) for i in v]
            spec[str(k)] = tuple(i for i in items if i)
    seen: dict[str, str] = {}
    for factor, items in spec.items():
        if len(items) < 2:
            raise StatsInputError(
                f"Faktor '{factor}' braucht mindestens zwei Items, hat {list(items)}"
            )
        for item in items:
            if item in seen:
                raise StatsInputError(
                    f"Item '{item}' lädt auf '{seen[item]}' und '{factor}': "
                    "jedes Item darf nur auf einem Faktor laden"
                )
            seen[item] = factor
    if not spec:
        raise StatsInputError("Das Modell nennt keinen Faktor")
    return spec


@dataclass(frozen=True)
class CFAResult:
    """A fitted confirmatory factor model.

    Attributes
    ----------
    parameters : DataFrame
        lavaan's parameter table: lhs, op (``=~``, ``~~``), rhs, term,
        estimate, se, statistic (z), p_val, ci_low, ci_high (Wald), std_all
        (completely standardised, lavaan's ``Std.all``), free.
    fit : DataFrame
        Fit measures (term ``chisq``, ``baseline_chisq``, ``cfi``, ``tli``,
        ``rmsea``, ``srmr``, ``loglik``, ``loglik_h1``, ``aic``, ``bic``):
        estimate, df, p_val, ci_low, ci_high (90 % for RMSEA), n, method.
    implied, sample : DataFrame
        Model-implied and sample covariance matrices (divisor N).
    model : dict
        Factor -> items.
    n : int
        Observations used.
    converged : bool
        Whether the optimiser reported convergence.
    """

    parameters: pd.DataFrame
    fit: pd.DataFrame
    implied: pd.DataFrame
    sample: pd.DataFrame
    model: dict[str, tuple[str, ...]]
    n: int
    converged: bool
    message: str = field(default="")

    def loadings(self, *, standardized: bool = True) -> pd.DataFrame:
        r"""Item x factor loading matrix (completely standardised by default).

        Parameters
        ----------
        standardized : bool, default True
            lavaan's ``std.all`` loadings, else the raw estimates.

        Returns
        -------
        DataFrame
            Items in rows (model order), factors in columns; 0 where an item
            does not load.

        Notes
        -----
        :math:`\lambda^{std}_{jf} = \lambda_{jf}\,\sqrt{\phi_{ff}}/\sqrt{\hat\sigma_{jj}}`
        with the factor variance :math:`\phi_{ff}` and the model-implied item
        variance :math:`\hat\sigma_{jj}`.

        References
        ----------
        Bollen, K. A. (1989). Structural equations with latent variables.
        Wiley. R: ``lavaan::standardizedSolution`` / ``inspect(fit, "std")$lambda``.

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> f = rng.normal(size=(400, 1))
        >>> x = pd.DataFrame(f @ [[0.8, 0.7, 0.6]] + rng.normal(size=(400, 3)) * 0.6,
        ...                  columns=["a", "b", "c"])
        >>> cfa(x, {"f": ["a", "b", "c"]}).loadings().shape
        (3, 1)
        """
        rows = self.parameters[self.parameters["op"] == "=~"]
        value = "std_all" if standardized else "estimate"
        wide = rows.pivot(index="rhs", columns="lhs", values=value).fillna(0.0)
        items = [i for f in self.model.values() for i in f]
        return wide.loc[items, list(self.model)]

    def factor_correlations(self) -> pd.DataFrame:
        r"""Correlations of the factors (lavaan's ``Std.all`` of ``~~`` between factors).

        Returns
        -------
        DataFrame
            Factor x factor correlation matrix, ones on the diagonal.

        Notes
        -----
        :math:`r_{fg} = \phi_{fg}/\sqrt{\phi_{ff}\phi_{gg}}` from the
        estimated factor covariance matrix :math:`\Phi`.

        References
        ----------
        Bollen (1989). R: ``lavaan::inspect(fit, "cor.lv")``.

        Examples
        --------
        >>> rng = np.random.default_rng(2)
        >>> f = rng.normal(size=(400, 2))
        >>> x = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(400, 6)),
        ...                  columns=list("abcdef"))
        >>> r = cfa(x, "f =~ a + b + c\ng =~ d + e + f").factor_correlations()
        >>> r.shape, float(r.iloc[0, 0])
        ((2, 2), 1.0)
        """
        names = list(self.model)
        out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        rows = self.parameters[
            (self.parameters["op"] == "~~")
            & self.parameters["lhs"].isin(names)
            & (self.parameters["lhs"] != self.parameters["rhs"])
        ]
        for r in rows.itertuples():
            out.loc[r.lhs, r.rhs] = out.loc[r.rhs, r.lhs] = r.std_all
        return out

    def summary(self) -> str:
        """Plain-text summary: fit line and the standardised parameter table."""
        f = self.fit.set_index("term")
        head = (
            f"CFA (ML), n = {self.n}: chi2 = {f.at['chisq', 'estimate']:.3f}, "
            f"df = {int(f.at['chisq', 'df'])}, p = {f.at['chisq', 'p_val']:.3g}; "
            f"CFI = {f.at['cfi', 'estimate']:.3f}, TLI = {f.at['tli', 'estimate']:.3f}, "
            f"RMSEA = {f.at['rmsea', 'estimate']:.3f}, SRMR = {f.at['srmr', 'estimate']:.3f}"
        )
        if not self.converged:
            head += f"\nWARNUNG: nicht konvergiert ({self.message})"
        cols = ["lhs", "op", "rhs", "estimate", "se", "statistic", "p_val", "std_all"]
        return head + "\n" + self.parameters[cols].round(3).to_string(index=False)

    def _repr_html_(self) -> str:
        return "<pre>" + self.summary().split("\n")[0] + "</pre>" + self.parameters.to_html()


def cfa(
    data: pd.DataFrame,
    model: ModelSpec,
    *,
    missing: str = "listwise",
    conf_level: float = 0.95,
) -> CFAResult:
    r"""Fit a confirmatory factor model by maximum likelihood.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    model : mapping or str
        Factor -> items, or lavaan ``=~`` syntax (see :func:`parse_model`).
    missing : {"listwise", "pairwise"}
        Drop incomplete rows (lavaan's default), or use pairwise-complete
        covariances with n = number of rows (psych's convention).
    conf_level : float, default 0.95
        Level of the Wald intervals of the parameters.

    Returns
    -------
    CFAResult
        Parameter table, fit measures, implied and sample covariances.

    Notes
    -----
    :math:`\chi^2 = N F_{ML}` with :math:`df = p(p+1)/2 - q`; baseline model
    :math:`\operatorname{diag}(S)`. :math:`CFI = 1 - \max(\chi^2-df,0)/
    \max(\chi^2-df, \chi^2_0-df_0, 0)`; :math:`TLI = (\chi^2_0/df_0 -
    \chi^2/df)/(\chi^2_0/df_0 - 1)`; :math:`RMSEA = \sqrt{\max(\chi^2-df,0)/(N\,df)}`
    with the 90 % interval from the noncentral :math:`\chi^2`; SRMR over the
    lower triangle of the correlation residuals. Log-likelihoods as lavaan
    (saturated mean structure, :math:`q` counts covariance parameters).
    Standardised (``Std.all``): :math:`\lambda_{jk}\sqrt{\phi_{kk}}/
    \sqrt{\hat\sigma_{jj}}`, :math:`\theta_j/\hat\sigma_{jj}`,
    :math:`\phi_{kl}/\sqrt{\phi_{kk}\phi_{ll}}`.

    References
    ----------
    Jöreskog (1969); Bentler (1990) CFI; Steiger (1990) RMSEA; R lavaan
    ``cfa(model, data)`` with ``summary(fit, standardized = TRUE,
    fit.measures = TRUE)``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(500, 1))
    >>> x = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(size=(500, 4)) * 0.6,
    ...                  columns=["a", "b", "c", "d"])
    >>> res = cfa(x, {"f": ["a", "b", "c", "d"]})
    >>> int(res.fit.set_index("term").at["chisq", "df"])
    2
    """
    spec = parse_model(model)
    items = [i for f in spec.values() for i in f]
    missing_cols = [i for i in items if i not in data.columns]
    if missing_cols:
        raise StatsInputError(
            f"Items des Modells fehlen in den Daten: {missing_cols}; "
            f"vorhandene Spalten: {list(map(str, data.columns))}"
        )
    values = data[items].apply(pd.to_numeric, errors="coerce")
    bad = data[items].notna() & values.isna()
    if bad.any().any():
        col = bad.any().idxmax()
        row = bad[col].idxmax()
        raise StatsInputError(
            f"Spalte '{col}', Zeile {row}: Wert {data.at[row, col]!r} ist keine Zahl"
        )
    if missing == "listwise":
        values = values.dropna()
        n = len(values)
        s = np.cov(values.to_numpy(dtype=float), rowvar=False) * (n - 1) / n
    elif missing == "pairwise":
        from ogl_impact.stats.reliability import _pairwise_cov

        n = len(values)
        s = _pairwise_cov(values.to_numpy(dtype=float)) * (n - 1) / n
    else:
        raise StatsInputError("missing muss 'listwise' oder 'pairwise' sein")
    if n <= len(items):
        raise StatsInputError(f"zu wenige vollständige Fälle ({n}) für {len(items)} Items")
    if np.any(np.diag(s) <= 0):
        const = [items[j] for j in np.flatnonzero(np.diag(s) <= 0)]
        raise StatsInputError(f"Items ohne Varianz: {const}")
    if np.linalg.eigvalsh(s).min() <= 0:
        raise StatsInputError("Die Kovarianzmatrix der Items ist nicht positiv definit")
    return _fit(s, n, spec, items, conf_level)


class _Layout:
    """Positions of the free parameters in Lambda, Phi and Theta."""

    def __init__(self, spec: dict[str, tuple[str, ...]], items: list[str]):
        self.p, self.m = len(items), len(spec)
        self.item_index = {item: j for j, item in enumerate(items)}
        self.lam_fixed = []  # (j, k) with loading fixed to 1
        self.lam_free = []  # (j, k)
        for k, members in enumerate(spec.values()):
            for pos, item in enumerate(members):
                j = self.item_index[item]
                (self.lam_fixed if pos == 0 else self.lam_free).append((j, k))
        self.phi = [(k, l) for k in range(self.m) for l in range(k + 1)]  # noqa: E741
        self.q = len(self.lam_free) + len(self.phi) + self.p

    def matrices(self, theta: np.ndarray):
        lam = np.zeros((self.p, self.m))
        for j, k in self.lam_fixed:
            lam[j, k] = 1.0
        nl = len(self.lam_free)
        for (j, k), v in zip(self.lam_free, theta[:nl], strict=True):
            lam[j, k] = v
        phi = np.zeros((self.m, self.m))
        for (k, l), v in zip(self.phi, theta[nl : nl + len(self.phi)], strict=True):  # noqa: E741
            phi[k, l] = phi[l, k] = v
        psi = theta[nl + len(self.phi) :]
        return lam, phi, psi

    def derivatives(self, lam: np.ndarray, phi: np.ndarray) -> list[np.ndarray]:
        """D Sigma / d theta_a for every free parameter."""
        out = []
        lp = lam @ phi
        for j, k in self.lam_free:
            d = np.zeros((self.p, self.p))
            d[j, :] += lp[:, k]
            d[:, j] += lp[:, k]
            out.append(d)
        for k, l in self.phi:  # noqa: E741
            d = np.outer(lam[:, k], lam[:, l])
            out.append(d + d.T if k != l else d)
        for j in range(self.p):
            d = np.zeros((self.p, self.p))
            d[j, j] = 1.0
            out.append(d)
        return out


def _fit(s, n, spec, items, conf_level) -> CFAResult:
    lay = _Layout(spec, items)
    p = lay.p
    _, logdet_s = np.linalg.slogdet(s)

    def objective(theta):
        lam, phi, psi = lay.matrices(theta)
        sigma = lam @ phi @ lam.T + np.diag(psi)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return np.inf, np.zeros_like(theta)
        inv = np.linalg.inv(sigma)
        value = logdet + np.trace(s @ inv) - logdet_s - p
        g = inv @ (sigma - s) @ inv
        grad = np.array([np.sum(g * d) for d in lay.derivatives(lam, phi)])
        return value, grad

    theta0 = _start(s, lay)
    res = optimize.minimize(
        objective, theta0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000}
    )
    if not np.isfinite(res.fun):
        raise StatsInputError("Die ML-Schätzung ist gescheitert (keine zulässige Lösung gefunden)")
    lam, phi, psi = lay.matrices(res.x)
    sigma = lam @ phi @ lam.T + np.diag(psi)
    inv = np.linalg.inv(sigma)
    derivs = lay.derivatives(lam, phi)
    info = np.array([[0.5 * np.sum((inv @ a @ inv) * b) for b in derivs] for a in derivs])
    cov = np.linalg.inv(info) / n
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    fmin = max(float(res.fun), 0.0)
    # converged if the gradient is small relative to the scale of the problem
    converged = bool(res.success) or float(np.max(np.abs(res.jac))) < 1e-5
    params = _parameter_table(lay, spec, items, res.x, se, sigma, lam, phi, psi, conf_level)
    fit = _fit_measures(s, sigma, n, lay.q, fmin, p)
    return CFAResult(
        parameters=params,
        fit=fit,
        implied=pd.DataFrame(sigma, index=items, columns=items),
        sample=pd.DataFrame(s, index=items, columns=items),
        model=spec,
        n=n,
        converged=converged,
        message=str(res.message),
    )


def _start(s: np.ndarray, lay: _Layout) -> np.ndarray:
    marker = {k: j for j, k in lay.lam_fixed}
    phi0 = {k: 0.5 * s[j, j] for k, j in marker.items()}
    lam = [s[j, marker[k]] / phi0[k] for j, k in lay.lam_free]
    phi = [phi0[k] if k == l else 0.5 * s[marker[k], marker[l]] for k, l in lay.phi]  # noqa: E741
    psi = list(0.5 * np.diag(s))
    return np.array(lam + phi + psi, dtype=float)


def _parameter_table(lay, spec, items, theta, se, sigma, lam, phi, psi, conf_level):
    names = list(spec)
    sd_item = np.sqrt(np.diag(sigma))
    sd_f = np.sqrt(np.diag(phi))
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    rows = []
    free_index = {("lam", jk): a for a, jk in enumerate(lay.lam_free)}
    nl = len(lay.lam_free)
    for k, members in enumerate(spec.values()):
        for item in members:
            j = lay.item_index[item]
            a = free_index.get(("lam", (j, k)))
            rows.append(
                (
                    names[k],
                    "=~",
                    item,
                    lam[j, k],
                    None if a is None else se[a],
                    lam[j, k] * sd_f[k] / sd_item[j],
                    a is not None,
                )
            )
    for a, (k, l) in enumerate(lay.phi):  # noqa: E741
        if k != l:
            rows.append(
                (
                    names[l],
                    "~~",
                    names[k],
                    phi[k, l],
                    se[nl + a],
                    phi[k, l] / (sd_f[k] * sd_f[l]),
                    True,
                )
            )
    for j, item in enumerate(items):
        rows.append(
            (item, "~~", item, psi[j], se[nl + len(lay.phi) + j], psi[j] / sigma[j, j], True)
        )
    for a, (k, l) in enumerate(lay.phi):  # noqa: E741
        if k == l:
            rows.append((names[k], "~~", names[k], phi[k, k], se[nl + a], 1.0, True))
    out = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "estimate", "se", "std_all", "free"])
    out["se"] = out["se"].astype(float)
    out["statistic"] = out["estimate"] / out["se"]
    out["p_val"] = 2 * stats.norm.sf(out["statistic"].abs())
    out["ci_low"] = out["estimate"] - z * out["se"]
    out["ci_high"] = out["estimate"] + z * out["se"]
    out["term"] = out["lhs"] + out["op"] + out["rhs"]
    cols = [
        "lhs",
        "op",
        "rhs",
        "term",
        "estimate",
        "se",
        "statistic",
        "p_val",
        "ci_low",
        "ci_high",
        "std_all",
        "free",
    ]
    return out[cols]


def _rmsea_interval(chisq: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Steiger's interval: noncentralities with P(chi2_df,lambda <= X2) = 1-a/2 and a/2."""

    def solve(target: float) -> float:
        if stats.chi2.cdf(chisq, df) < target:
            return 0.0
        f = lambda lam: stats.ncx2.cdf(chisq, df, lam) - target  # noqa: E731
        hi = max(chisq, 1.0)
        while f(hi) > 0:
            hi *= 2
        return optimize.brentq(f, 1e-12, hi, xtol=1e-10)

    tail = (1 - level) / 2
    return (
        float(np.sqrt(solve(1 - tail) / (n * df))),
        float(np.sqrt(solve(tail) / (n * df))),
    )


def _fit_measures(s, sigma, n, q, fmin, p) -> pd.DataFrame:
    df = p * (p + 1) // 2 - q
    chisq = n * fmin
    _, logdet_s = np.linalg.slogdet(s)
    chisq0 = n * (np.sum(np.log(np.diag(s))) - logdet_s)
    df0 = p * (p - 1) // 2
    cfi_den = max(chisq - df, chisq0 - df0, 0.0)
    cfi = 1.0 - max(chisq - df, 0.0) / cfi_den if cfi_den > 0 else 1.0
    tli = (chisq0 / df0 - chisq / df) / (chisq0 / df0 - 1) if df > 0 else np.nan
    rmsea = np.sqrt(max(chisq - df, 0.0) / (n * df)) if df > 0 else 0.0
    r_lo, r_hi = _rmsea_interval(chisq, df, n) if df > 0 else (np.nan, np.nan)
    sd_s = np.sqrt(np.diag(s))
    sd_m = np.sqrt(np.diag(sigma))
    resid = s / np.outer(sd_s, sd_s) - sigma / np.outer(sd_m, sd_m)
    low = np.tril_indices(p)
    srmr = float(np.sqrt(np.mean(resid[low] ** 2)))
    _, logdet = np.linalg.slogdet(sigma)
    const = p * np.log(2 * np.pi)
    ll = -n / 2 * (const + logdet + np.trace(s @ np.linalg.inv(sigma)))
    ll1 = -n / 2 * (const + logdet_s + p)
    rows = [
        ("chisq", chisq, df, stats.chi2.sf(chisq, df) if df > 0 else np.nan, np.nan, np.nan),
        ("baseline_chisq", chisq0, df0, stats.chi2.sf(chisq0, df0), np.nan, np.nan),
        ("cfi", cfi, np.nan, np.nan, np.nan, np.nan),
        ("tli", tli, np.nan, np.nan, np.nan, np.nan),
        ("rmsea", rmsea, np.nan, np.nan, r_lo, r_hi),
        ("srmr", srmr, np.nan, np.nan, np.nan, np.nan),
        ("loglik", ll, np.nan, np.nan, np.nan, np.nan),
        ("loglik_h1", ll1, np.nan, np.nan, np.nan, np.nan),
        ("aic", -2 * ll + 2 * q, np.nan, np.nan, np.nan, np.nan),
        ("bic", -2 * ll + q * np.log(n), np.nan, np.nan, np.nan, np.nan),
    ]
    out = pd.DataFrame(rows, columns=["term", "estimate", "df", "p_val", "ci_low", "ci_high"])
    out["n"] = n
    out["method"] = "ML"
    return statistic_terms(out)
