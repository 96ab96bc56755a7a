r"""Reliability of multi-item scales: alpha, item statistics, omega, ICC.

Conventions follow R's psych package (Revelle), so that results can be put
beside its output: covariances from pairwise-complete observations by
default, ``n`` for the intervals is the number of rows, reverse keys are
applied before (see :func:`ogl_impact.stats.item_matrix`).

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
Psychometrika 16, 297-334.
Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
reliability coefficient twenty. Psychometrika 30, 357-370.
Duhachek, A. & Iacobucci, D. (2004). Alpha's standard error (ASE): an accurate
and precise confidence interval estimate. J. Applied Psychology 89, 792-808.
McDonald, R. P. (1999). Test theory: a unified treatment. Erlbaum.
Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in
assessing rater reliability. Psychological Bulletin 86, 420-428.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.factor import ModelSpec
from ogl_impact.stats.outputs import statistic_terms
from ogl_impact.stats.scales import REVERSED_ITEMS
from ogl_impact.stats.words import both, joined


class ReverseKeyWarning(UserWarning):
    """An item correlates negatively with the rest of its scale."""


def _covariance(items: pd.DataFrame, missing: str) -> tuple[np.ndarray, int]:
    if missing == "listwise":
        complete = items.dropna()
        return np.cov(complete.to_numpy(dtype=float), rowvar=False), len(complete)
    if missing != "pairwise":
        raise StatsInputError("missing must be 'pairwise' or 'listwise'")
    values = items.to_numpy(dtype=float)
    if not np.isnan(values).any():
        return np.cov(values, rowvar=False), len(values)
    return _pairwise_cov(values), len(values)


def _pairwise_cov(values: np.ndarray) -> np.ndarray:
    """Pairwise-complete covariance (as R's ``cov(use = "pairwise")``) by matrix products."""
    valid = (~np.isnan(values)).astype(float)
    x = np.where(valid > 0, values, 0.0)
    n = valid.T @ valid
    sx = x.T @ valid  # sum of x_i over rows where j is also observed
    sxy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sxy - sx * sx.T / n) / (n - 1)


def _wide(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    subject: str | Sequence[str] | None = None,
    item: str | None = None,
    value: str | None = None,
    item_role: str = "item",
) -> pd.DataFrame:
    """Respondent x item matrix from a wide frame or from the long layout.

    Long layout: one row per answer, ``subject`` (one or more columns that
    identify a respondent, e.g. ``["respondent_id", "wave"]``), ``item`` and
    ``value`` name the columns; ``items`` chooses and orders the items.
    """
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(
            f"data muss eine Tabelle (DataFrame) sein, nicht {type(data).__name__} "
            f"/ data must be a DataFrame."
        )
    long_args = {"subject": subject, item_role: item, "value": value}
    given = [k for k, v in long_args.items() if v is not None]
    if given and len(given) < 3:
        missing = [k for k in long_args if k not in given]
        raise StatsInputError(
            f"Für das lange Format braucht es subject=, {item_role}= und value=; es fehlt "
            f"{', '.join(m + '=' for m in missing)} / long layout needs all three column names."
        )
    if given:
        keys = [subject] if isinstance(subject, str) else list(subject)
        absent = [c for c in [*keys, item, value] if c not in data.columns]
        if absent:
            raise StatsInputError(
                f"Spalte {absent[0]!r} fehlt in data; vorhandene Spalten: "
                f"{', '.join(map(str, data.columns))} / column missing."
            )
        long = data if items is None else data[data[item].isin(list(items))]
        twice = long.duplicated([*keys, item], keep=False)
        if twice.any():
            row = long.index[twice.to_numpy()][0]
            who = ", ".join(f"{k}={long.at[row, k]!r}" for k in keys)
            raise StatsInputError(
                f"Zeile {row}: {who} hat {item_role} {long.at[row, item]!r} mehr als einmal "
                f"/ an answer appears twice."
            )
        wide = long.pivot(index=keys, columns=item, values=value)
        order = list(items) if items is not None else list(dict.fromkeys(long[item]))
        data = wide.reindex(columns=[c for c in order if c in wide.columns])
    elif items is not None:
        absent = [c for c in items if c not in data.columns]
        if absent:
            raise StatsInputError(
                f"Item {absent[0]!r} ist keine Spalte von data; vorhandene Spalten: "
                f"{', '.join(map(str, data.columns))} / item is not a column."
            )
        data = data[list(items)]
    for col in data.columns:
        if not pd.api.types.is_numeric_dtype(data[col]) or pd.api.types.is_bool_dtype(data[col]):
            numbers = pd.to_numeric(data[col], errors="coerce")
            bad = numbers.isna() & data[col].notna()
            if bad.any():
                row = bad.idxmax()
                raise StatsInputError(
                    f"Spalte {col!r}, Zeile {row}: Wert {data.at[row, col]!r} ist keine Zahl "
                    f"/ value is not a number."
                )
            data = data.assign(**{str(col): numbers})
    return data.astype(float)


def _flat_items(data: pd.DataFrame, missing: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows used and the items without variance in them (psych::alpha deletes these).

    psych (R/alpha.R): ``bad <- which((item.var <= 0) | is.na(item.var))``; an item
    answered fewer than twice has no variance either. Equal values are compared, not
    a computed standard deviation, so that rounding cannot hide a constant item.
    """
    if missing == "listwise":
        data = data.dropna()
    elif missing != "pairwise":
        raise StatsInputError("missing must be 'pairwise' or 'listwise'")
    flat = [str(c) for c in data.columns if data[c].nunique() < 2]
    return data, flat


def _flat_note(flat: list[str], kept: int) -> str:
    if not flat:
        return ""
    names = ", ".join(flat)
    if kept < 2:
        return both(
            f"keine Streuung bei {names}: weniger als zwei Items mit Streuung, "
            "Alpha nicht bestimmbar (psych::alpha bricht ab)",
            f"no spread in {names}: fewer than two items with spread, "
            "alpha undetermined (psych::alpha stops)",
        )
    return both(
        f"ohne {names} berechnet: keine Streuung (wie psych::alpha)",
        f"computed without {names}: no spread (as psych::alpha)",
    )


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def _std_alpha(cov: np.ndarray) -> float:
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    k = corr.shape[0]
    return k / (k - 1) * (1 - k / corr.sum())


def _duhachek_se(cov: np.ndarray, n: int) -> float:
    k = cov.shape[0]
    total = cov.sum()
    tr = np.trace(cov)
    cc = cov @ cov
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (np.trace(cc) + tr**2) - 2 * tr * cc.sum()
    )
    return float(np.sqrt(q / n))


def _feldt(alpha: float, n: int, k: int, conf_level: float) -> tuple[float, float]:
    tail = (1 - conf_level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


def _correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def cronbach_alpha(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    subject: str | Sequence[str] | None = None,
    item: str | None = None,
    value: str | None = None,
    conf_level: float = 0.95,
    missing: str = "pairwise",
) -> pd.DataFrame:
    r"""Cronbach's alpha, standardised alpha and the average inter-item correlation.

    Parameters
    ----------
    data : DataFrame
        Respondent x item matrix, reverse keys applied; or the long layout
        (one row per answer) when ``subject``, ``item`` and ``value`` are given.
    items : sequence of str, optional
        Items to use, in this order (default: all columns, or all items of
        the long layout in order of appearance).
    subject : str or list of str, optional
        Long layout: the column(s) naming a respondent, e.g.
        ``["respondent_id", "wave"]`` for the ``responses`` table.
    item, value : str, optional
        Long layout: the item column and the answer column.
    conf_level : float, default 0.95
        Level of the confidence intervals.
    missing : {"pairwise", "listwise"}
        Pairwise-complete covariances (as psych) or complete rows only.

    Returns
    -------
    DataFrame
        n_items (items used), term, estimate, se, ci_low, ci_high, n (rows
        used), method, note. Terms ``alpha`` and ``std_alpha``, each with
        method ``feldt`` and ``duhachek`` (``se`` is Duhachek's ASE in both
        rows); ``average_r`` and ``median_r`` (psych's
        ``average_r``/``median_r``: mean and median of the off-diagonal
        correlations), without interval.

        Items without variance (everyone gave the same answer, or fewer than
        two answers) are left out as psych's ``alpha`` deletes them; ``note``
        names them. With fewer than two items left every estimate is missing
        and ``note`` says why (psych stops with an error there).

    Notes
    -----
    .. math::

        \alpha = \frac{k}{k-1}\Bigl(1 - \frac{\operatorname{tr} C}{\mathbf 1' C \mathbf 1}\Bigr),
        \qquad
        \alpha_{std} = \frac{k}{k-1}\Bigl(1 - \frac{k}{\mathbf 1' R \mathbf 1}\Bigr)
        = \frac{k\bar r}{1 + (k-1)\bar r}

    Feldt (1965): :math:`1-(1-\alpha)F_{1-p/2}` and :math:`1-(1-\alpha)F_{p/2}` with
    :math:`F(n-1, (n-1)(k-1))`. Duhachek & Iacobucci (2004):
    :math:`\alpha \pm z_{1-p/2}\,\mathrm{ASE}` with

    .. math::

        \mathrm{ASE}^2 = \frac{1}{n}\,\frac{2k^2}{(k-1)^2(\mathbf 1'C\mathbf 1)^3}
        \bigl[\mathbf 1'C\mathbf 1\,(\operatorname{tr}C^2 + (\operatorname{tr}C)^2)
        - 2\operatorname{tr}C\;\mathbf 1'C^2\mathbf 1\bigr].

    For standardised alpha the same formulas run on the correlation matrix.

    References
    ----------
    Cronbach (1951); Feldt (1965); Duhachek & Iacobucci (2004). R psych
    ``alpha`` (raw_alpha, std.alpha, average_r, median_r) and alphaci.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> r = cronbach_alpha(x).set_index(["term", "method"])
    >>> # by hand: tr C = 2.5 + 2.3 + 1.5 = 6.3, 1'C1 = 17.3, 3/2 (1 - 6.3/17.3) = 0.954
    >>> round(r.loc[("alpha", "feldt"), "estimate"], 3)
    np.float64(0.954)

    The same answers in the long layout of the ``responses`` table:

    >>> long = x.reset_index(names="respondent_id").melt(
    ...     "respondent_id", var_name="item_id", value_name="value")
    >>> r = cronbach_alpha(long, subject="respondent_id", item="item_id", value="value")
    >>> round(float(r.set_index(["term", "method"]).loc[("alpha", "feldt"), "estimate"]), 3)
    0.954
    """
    _check_conf_level(conf_level)
    data = _wide(data, items=items, subject=subject, item=item, value=value)
    if data.shape[1] < 2:
        raise StatsInputError("Alpha braucht mindestens zwei Items")
    data, flat = _flat_items(data, missing)
    data = data.drop(columns=[c for c in data.columns if str(c) in flat])
    k = data.shape[1]
    note = _flat_note(flat, k)
    if k < 2:
        n = len(data)
        nan = np.nan
        rows = [
            (term, nan, nan, nan, nan, method)
            for term, method in (
                ("alpha", "feldt"),
                ("alpha", "duhachek"),
                ("std_alpha", "feldt"),
                ("std_alpha", "duhachek"),
                ("average_r", "mean correlation"),
                ("median_r", "median correlation"),
            )
        ]
    else:
        cov, n = _covariance(data, "pairwise")
        z = stats.norm.ppf(1 - (1 - conf_level) / 2)
        rows = []
        with np.errstate(divide="ignore", invalid="ignore"):  # 1'C1 = 0 gives +-inf, as R
            corr = _correlation(cov)
            for term, estimate, matrix in (
                ("alpha", _alpha(cov), cov),
                ("std_alpha", _std_alpha(cov), corr),
            ):
                se = _duhachek_se(matrix, n)
                low, high = _feldt(estimate, n, k, conf_level)
                rows.append((term, estimate, se, low, high, "feldt"))
                rows.append((term, estimate, se, estimate - z * se, estimate + z * se, "duhachek"))
        off = corr[np.tril_indices(k, -1)]
        rows.append(("average_r", float(off.mean()), np.nan, np.nan, np.nan, "mean correlation"))
        rows.append(
            ("median_r", float(np.median(off)), np.nan, np.nan, np.nan, "median correlation")
        )
    out = pd.DataFrame(rows, columns=["term", "estimate", "se", "ci_low", "ci_high", "method"])
    out.insert(0, "n_items", k)
    out.insert(6, "n", n)
    out["note"] = note
    return statistic_terms(out)


def _check_conf_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise StatsInputError(
            f"conf_level muss zwischen 0 und 1 liegen (z. B. 0.95), nicht {conf_level!r}"
        )


def item_statistics(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    subject: str | Sequence[str] | None = None,
    item: str | None = None,
    value: str | None = None,
    missing: str = "pairwise",
) -> pd.DataFrame:
    r"""Item-total correlations and alpha if an item is dropped.

    ``r_total`` is the correlation of the item with the sum of all items
    (psych's ``raw.r``), ``r_drop`` with the sum of the other items (the
    corrected item-total correlation), both from the covariance matrix.
    Warns (:class:`ReverseKeyWarning`) when an item's corrected correlation is
    negative: the item probably needs reverse keying.

    Parameters
    ----------
    data : DataFrame
        Respondent x item matrix, reverse keys applied; or the long layout
        (see :func:`cronbach_alpha`).
    items, subject, item, value
        As in :func:`cronbach_alpha`.
    missing : {"pairwise", "listwise"}
        As in :func:`cronbach_alpha`.

    Returns
    -------
    DataFrame
        One row per item: item_id, n (answers), mean, sd, r_total, r_drop,
        alpha_if_dropped, std_alpha_if_dropped, se_if_dropped (Duhachek ASE),
        average_r_if_dropped (psych's ``average_r`` of the other items), note.
        An item without variance is left out as in psych's ``alpha`` (which
        then has no row for it): its correlations and alphas are missing, and
        the other items' are those of the scale without it; ``note`` says so.
        ``attrs["reversed_items"]`` passes on the reversed items of an
        :func:`~ogl_impact.stats.item_matrix` (tables mark them "umgepolt").

    Notes
    -----
    With covariance matrix :math:`C`, column sums :math:`c_j` and total
    :math:`T = \mathbf 1'C\mathbf 1`: :math:`r_{total} = c_j/\sqrt{C_{jj}T}`,
    :math:`r_{drop} = (c_j - C_{jj})/\sqrt{C_{jj}(T - 2c_j + C_{jj})}`.

    References
    ----------
    R psych ``alpha``: ``item.stats`` (raw.r, r.drop) and ``alpha.drop``.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> item_statistics(x)["item_id"].tolist()
    ['a', 'b', 'c']
    """
    reversed_items = [str(i) for i in data.attrs.get(REVERSED_ITEMS, ())]
    data = _wide(data, items=items, subject=subject, item=item, value=value)
    used, flat = _flat_items(data, missing)
    kept = used.drop(columns=[c for c in used.columns if str(c) in flat])
    k = kept.shape[1]
    names = [str(c) for c in data.columns]
    stat = pd.DataFrame(
        np.nan,
        index=names,
        columns=[
            "r_total",
            "r_drop",
            "alpha_if_dropped",
            "std_alpha_if_dropped",
            "se_if_dropped",
            "average_r_if_dropped",
        ],
    )
    if k >= 2:
        cov, n = _covariance(kept, "pairwise")
        with np.errstate(divide="ignore", invalid="ignore"):  # 1'C1 = 0 gives +-inf, as R
            col = cov.sum(axis=0)
            total = cov.sum()
            var = np.diag(cov)
            r_total = col / np.sqrt(var * total)
            rest_var = total - 2 * col + var
            r_drop = (col - var) / np.sqrt(var * rest_var)
            corr = _correlation(cov)
            drop_alpha, drop_std, drop_se, drop_r = [], [], [], []
            for j in range(k):
                keep = [i for i in range(k) if i != j]
                sub = cov[np.ix_(keep, keep)]
                if len(keep) >= 2:
                    drop_alpha.append(_alpha(sub))
                    drop_std.append(_std_alpha(sub))
                    drop_se.append(_duhachek_se(sub, n))
                    drop_r.append(corr[np.ix_(keep, keep)][np.tril_indices(len(keep), -1)].mean())
                else:
                    drop_alpha.append(np.nan)
                    drop_std.append(np.nan)
                    drop_se.append(np.nan)
                    drop_r.append(np.nan)
        stat.loc[[str(c) for c in kept.columns]] = np.column_stack(
            [r_total, r_drop, drop_alpha, drop_std, drop_se, drop_r]
        )
    notes = pd.Series(_flat_note(flat, k), index=names)
    notes[flat] = both(
        "keine Streuung: wie in psych::alpha ausgelassen", "no spread: left out as in psych::alpha"
    )
    if k < 2:
        notes[:] = _flat_note(flat, k)
    out = pd.DataFrame(
        {
            "item_id": names,
            "n": data.notna().sum().to_numpy(),
            "mean": data.mean().to_numpy(),
            "sd": data.std(ddof=1).to_numpy(),
            **{c: stat[c].to_numpy() for c in stat.columns},
            "note": notes.to_numpy(),
        }
    )
    negative = out.loc[out["r_drop"] < 0, "item_id"].tolist()
    if negative:
        warnings.warn(
            "negative corrected item-total correlation for "
            + ", ".join(negative)
            + ": check whether these items are reverse-keyed in the codebook",
            ReverseKeyWarning,
            stacklevel=2,
        )
    out.attrs[REVERSED_ITEMS] = [i for i in reversed_items if i in names]
    return out


HEYWOOD_NOTE = both(
    "Heywood-Fall: negative Rest- oder Faktorvarianz, Omega nicht interpretierbar "
    "(auch Werte über 1 möglich)",
    "Heywood case: a negative residual or factor variance, omega not interpretable "
    "(values above 1 possible)",
)
"""Note of a factor whose CFA estimates a variance below zero (:func:`omega`)."""


def omega(
    data: pd.DataFrame,
    model: ModelSpec | None = None,
    *,
    missing: str = "pairwise",
) -> pd.DataFrame:
    r"""Composite reliability (omega) of each factor of a CFA, as semTools reports it.

    Parameters
    ----------
    data : DataFrame
        Respondent x item matrix, reverse keys applied.
    model : mapping or str, optional
        Factor -> items (or lavaan ``=~`` syntax, see
        :func:`ogl_impact.stats.factor.parse_model`). Default: one factor over
        all columns.
    missing : {"pairwise", "listwise"}
        As in :func:`cronbach_alpha`; lavaan's default is listwise.

    Returns
    -------
    DataFrame
        One row per factor and coefficient: factor, n_items, term
        (``omega``, ``omega2``, ``omega3``, ``ave``, ``alpha``), estimate, n,
        method. The fitted model is in ``cfa(data, model)``.

    Notes
    -----
    With the ML estimates of a factor's loadings :math:`\lambda_i`, its
    variance :math:`\psi` and residual variances :math:`\theta_{ii}`
    (semTools ``reliability()``/``compRelSEM()``):

    .. math::

        \omega_1 = \frac{(\sum\lambda_i)^2\psi}{(\sum\lambda_i)^2\psi + \sum\theta_{ii}},\quad
        \omega_2 = \frac{(\sum\lambda_i)^2\psi}{\mathbf 1'\hat\Sigma\mathbf 1},\quad
        \omega_3 = \frac{(\sum\lambda_i)^2\psi}{\mathbf 1'S\mathbf 1}

    (``omega``, ``omega2``, ``omega3``; :math:`\hat\Sigma` model-implied,
    :math:`S` observed covariances of the factor's items). Without
    cross-loadings or residual covariances :math:`\omega_1=\omega_2`.
    ``ave``: :math:`\sum\lambda_i^2\psi / \sum(\lambda_i^2\psi+\theta_{ii})`
    (Fornell & Larcker 1981); ``alpha``: Cronbach's alpha of the items.

    References
    ----------
    Bollen (1980); Raykov (2001); McDonald (1999), Test theory. R semTools
    ``reliability(fit)`` rows alpha, omega, omega2, omega3, avevar (Jorgensen
    et al., semTools R/reliability.R).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(400, 1))
    >>> x = pd.DataFrame(f @ [[1.0, 0.8, 0.6]] + rng.normal(size=(400, 3)) * 0.5,
    ...                  columns=["a", "b", "c"])
    >>> # population: 2.4^2 / (2.4^2 + 3 * 0.25) = 0.885
    >>> omega(x).set_index("term").loc["omega", "estimate"].round(2)
    np.float64(0.88)
    """
    from ogl_impact.stats.factor import cfa, parse_model

    if model is None:
        if data.shape[1] < 3:
            raise StatsInputError(
                f"Ein Ein-Faktor-Modell braucht mindestens drei Items, hier {data.shape[1]}"
            )
        model = {"f": [str(c) for c in data.columns]}
        data = data.set_axis([str(c) for c in data.columns], axis=1)
    spec = parse_model(model)
    fit = cfa(data, spec, missing=missing)
    par = fit.parameters
    rows = []
    for factor, items in spec.items():
        lam = par[(par["lhs"] == factor) & (par["op"] == "=~")].set_index("rhs")["estimate"]
        lam = lam.loc[list(items)].to_numpy()
        psi = par[(par["lhs"] == factor) & (par["rhs"] == factor)]["estimate"].iloc[0]
        theta = (
            par[(par["op"] == "~~") & (par["lhs"] == par["rhs"])]
            .set_index("lhs")["estimate"]
            .loc[list(items)]
            .to_numpy()
        )
        common = lam.sum() ** 2 * psi
        implied = fit.implied.loc[list(items), list(items)].to_numpy().sum()
        observed = fit.sample.loc[list(items), list(items)].to_numpy()
        values = {
            "omega": common / (common + theta.sum()),
            "omega2": common / implied,
            "omega3": common / observed.sum(),
            "ave": (lam**2 * psi).sum() / (lam**2 * psi + theta).sum(),
            "alpha": _alpha(observed),
        }
        heywood = bool((theta < 0).any() or psi <= 0)
        for term, value in values.items():
            rows.append((factor, len(items), term, float(value), heywood))
    out = pd.DataFrame(rows, columns=["factor", "n_items", "term", "estimate", "heywood"])
    out["n"] = fit.n
    out["method"] = both("CFA (ML), Konventionen von semTools", "CFA (ML), semTools conventions")
    heywood = out.pop("heywood")
    unconverged = [] if fit.converged else [both("CFA nicht konvergiert", "CFA did not converge")]
    notes = [
        joined(unconverged + ([HEYWOOD_NOTE] if bad else [])) or None for bad in heywood
    ]  # lavaan warns of the same: "some estimated ov variances are negative"
    if any(notes):
        out["note"] = notes
    return statistic_terms(out)


def icc(
    data: pd.DataFrame,
    *,
    subject: str | Sequence[str] | None = None,
    rater: str | None = None,
    value: str | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    r"""Intraclass correlations in the six forms of Shrout & Fleiss (1979).

    From the two-way ANOVA of n targets (rows) by k raters (columns) with
    mean squares :math:`MSR` (targets), :math:`MSC` (raters), :math:`MSE`
    (residual) and :math:`MSW` (within targets):

    ========  ==============================================================
    ICC1      :math:`(MSR-MSW)/(MSR+(k-1)MSW)`
    ICC2      :math:`(MSR-MSE)/(MSR+(k-1)MSE+k(MSC-MSE)/n)`
    ICC3      :math:`(MSR-MSE)/(MSR+(k-1)MSE)`
    ICC1k     :math:`(MSR-MSW)/MSR`
    ICC2k     :math:`(MSR-MSE)/(MSR+(MSC-MSE)/n)`
    ICC3k     :math:`(MSR-MSE)/MSR`
    ========  ==============================================================

    F tests and confidence intervals as in Shrout & Fleiss (1979) and psych's
    ``ICC`` (Satterthwaite degrees of freedom for ICC2). Rows with a missing
    rating are dropped.

    Parameters
    ----------
    data : DataFrame
        Targets in rows, raters (or items) in columns; or the long layout (one
        row per rating) when ``subject``, ``rater`` and ``value`` are given.
    subject : str or list of str, optional
        Long layout: the column(s) naming the target that is rated.
    rater : str, optional
        Long layout: the column naming the rater (or item).
    value : str, optional
        Long layout: the column with the rating.
    conf_level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    DataFrame
        Six rows: k (raters), df1, df2, description, term (ICC1 ... ICC3k),
        estimate, statistic (F), p_val, ci_low, ci_high, n (targets), method,
        note. Without spread the formulas give what R gives (``0/0`` is
        missing, ``x/0`` infinite): all ratings equal makes every value
        missing; no residual variance (each target rated alike) gives ICC 1,
        F infinite and p 0. ``note`` says which case it is.

    Notes
    -----
    Tests: :math:`F = MSR/MSW` on :math:`(n-1, n(k-1))` for ICC1/ICC1k,
    :math:`F = MSR/MSE` on :math:`(n-1, (n-1)(k-1))` otherwise. Interval for
    ICC3: :math:`F_L = F/F_{1-p/2}`, :math:`F_U = F\,F_{1-p/2}(df_2, df_1)`,
    limits :math:`(F_{L,U}-1)/(F_{L,U}+k-1)`; ICC1 likewise with MSW.

    References
    ----------
    Shrout & Fleiss (1979); McGraw & Wong (1996). R psych ``ICC``.

    Examples
    --------
    >>> r = icc(pd.DataFrame({"r1": [9, 6, 8, 7, 10, 6], "r2": [2, 1, 4, 1, 5, 2]}))
    >>> r["term"].tolist()
    ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k']
    >>> long = pd.DataFrame({"target": [1, 1, 2, 2, 3, 3], "judge": ["a", "b"] * 3,
    ...                      "rating": [9, 2, 6, 1, 8, 4]})
    >>> icc(long, subject="target", rater="judge", value="rating")["n"].iloc[0]
    np.int64(3)
    """
    _check_conf_level(conf_level)
    data = _wide(data, subject=subject, item=rater, value=value, item_role="rater")
    x = data.dropna().to_numpy(dtype=float)
    n, k = x.shape
    if n < 2 or k < 2:
        raise StatsInputError("ICC needs at least two targets and two raters")
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_err = max(ss_total - ss_rows - ss_cols, 0.0)
    # a sum of squares that is zero up to rounding is zero: each target rated alike by all
    # raters (or each rater alike for all targets) gives MSE = 0 exactly, as in R/ICC.R
    if np.ptp(x) == 0:
        ss_rows = ss_cols = ss_err = 0.0
    else:
        tiny = 1e-12 * ss_total
        ss_rows, ss_cols, ss_err = (v if v > tiny else 0.0 for v in (ss_rows, ss_cols, ss_err))
    if np.ptp(x) == 0:
        note = both(
            "alle Werte gleich: keine Streuung, ICC nicht bestimmbar (R psych::ICC: NaN)",
            "all values equal: no spread, ICC undetermined (R psych::ICC: NaN)",
        )
    elif ss_err == 0:
        note = both(
            "keine Reststreuung (MSE = 0): F unendlich, p = 0; Grenzen nach den Formeln "
            "von psych::ICC zum Teil nicht bestimmbar",
            "no residual spread (MSE = 0): F infinite, p = 0; some bounds undetermined by "
            "the formulas of psych::ICC",
        )
    elif ss_rows == 0:
        note = both(
            "keine Streuung zwischen den Zielen (MSR = 0)",
            "no spread between the targets (MSR = 0)",
        )
    else:
        note = ""
    with np.errstate(divide="ignore", invalid="ignore"):  # x/0 and 0/0 as R: Inf, NaN
        out = _icc_table(n, k, ss_rows, ss_cols, ss_err, conf_level)
    out["note"] = note
    return out


def _icc_table(
    n: int, k: int, ss_rows: float, ss_cols: float, ss_err: float, conf_level: float
) -> pd.DataFrame:
    """Compute the six ICCs with F tests and intervals from the sums of squares (R/ICC.R)."""
    ss_rows, ss_cols, ss_err = np.float64(ss_rows), np.float64(ss_cols), np.float64(ss_err)
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    tail = (1 - conf_level) / 2

    icc1 = (msr - msw) / (msr + (k - 1) * msw)
    icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    icc3 = (msr - mse) / (msr + (k - 1) * mse)
    icc1k = (msr - msw) / msr
    icc2k = (msr - mse) / (msr + (msc - mse) / n)
    icc3k = (msr - mse) / msr

    f1, d1n, d1d = msr / msw, n - 1, n * (k - 1)
    f3, d3n, d3d = msr / mse, n - 1, (n - 1) * (k - 1)
    fl1 = f1 / stats.f.ppf(1 - tail, d1n, d1d)
    fu1 = f1 * stats.f.ppf(1 - tail, d1d, d1n)
    fl3 = f3 / stats.f.ppf(1 - tail, d3n, d3d)
    fu3 = f3 * stats.f.ppf(1 - tail, d3d, d3n)
    l1, u1 = (fl1 - 1) / (fl1 + k - 1), (fu1 - 1) / (fu1 + k - 1)
    l3, u3 = (fl3 - 1) / (fl3 + k - 1), (fu3 - 1) / (fu3 + k - 1)
    fj = msc / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f_u = stats.f.ppf(1 - tail, n - 1, v)
    f_l = stats.f.ppf(1 - tail, v, n - 1)
    l2 = n * (msr - f_u * mse) / (f_u * (k * msc + (k * n - k - n) * mse) + n * msr)
    u2 = n * (f_l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_l * msr)

    p1 = stats.f.sf(f1, d1n, d1d)
    p3 = stats.f.sf(f3, d3n, d3d)
    rows = [
        ("ICC1", "single rater, absolute (one-way random)", icc1, f1, d1n, d1d, p1, l1, u1),
        ("ICC2", "single rater, random raters", icc2, f3, d3n, d3d, p3, l2, u2),
        ("ICC3", "single rater, fixed raters", icc3, f3, d3n, d3d, p3, l3, u3),
        ("ICC1k", "mean of k raters, absolute", icc1k, f1, d1n, d1d, p1, 1 - 1 / fl1, 1 - 1 / fu1),
        (
            "ICC2k",
            "mean of k raters, random raters",
            icc2k,
            f3,
            d3n,
            d3d,
            p3,
            l2 * k / (1 + l2 * (k - 1)),
            u2 * k / (1 + u2 * (k - 1)),
        ),
        (
            "ICC3k",
            "mean of k raters, fixed raters",
            icc3k,
            f3,
            d3n,
            d3d,
            p3,
            1 - 1 / fl3,
            1 - 1 / fu3,
        ),
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "term",
            "description",
            "estimate",
            "statistic",
            "df1",
            "df2",
            "p_val",
            "ci_low",
            "ci_high",
        ],
    )
    out["n"] = n
    out["method"] = both(
        "zweifaktorielle Varianzanalyse (Shrout & Fleiss 1979)",
        "two-way ANOVA (Shrout & Fleiss 1979)",
    )
    out.insert(0, "k", k)
    return out[
        [
            "k",
            "df1",
            "df2",
            "description",
            "term",
            "estimate",
            "statistic",
            "p_val",
            "ci_low",
            "ci_high",
            "n",
            "method",
        ]
    ]
