r"""Comparison-group designs: labs against communes outside the programme.

* :func:`did_2x2` - the two-by-two table of means (treated/comparison x
  before/after) and the difference in differences
  :math:`(\bar y_{T,1}-\bar y_{T,0})-(\bar y_{C,1}-\bar y_{C,0})`, with the
  standard error of the interaction in :math:`y = a + b\,T + c\,P + \delta\,TP`
  (cluster-robust when a cluster is given).
* :func:`twfe` - two-way fixed effects :math:`y_{it} = \alpha_i + \lambda_t
  + \delta D_{it} + x_{it}'\beta + e_{it}` with one- or two-way cluster-robust
  standard errors and, optionally, the wild cluster bootstrap.
* :func:`event_study` - leads and lags around the start of each lab,
  :math:`y_{it} = \alpha_i + \lambda_t + \sum_{e\ne -1}\delta_e
  1[t-s_i=e] + e_{it}` (period before the start as reference; endpoints binned).

With few clusters (13 labs) the CR1 t test over-rejects; use the wild
cluster bootstrap (``bootstrap=True``) for p-values and intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ogl_impact.stats.regression import ols, wild_cluster_bootstrap


def did_2x2(
    data: pd.DataFrame,
    outcome: str,
    *,
    treated: str,
    post: str,
    cluster: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Two-by-two difference in differences with its table of means.

    Parameters
    ----------
    data : DataFrame
        One row per observation (respondent or commune and period).
    outcome : str
        Outcome column.
    treated, post : str
        Boolean (or 0/1) columns: in a lab / after the lab started.
    cluster : str, optional
        Cluster column for the standard error of the difference in differences.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        Rows for the four cell means (se = sd/sqrt(n)), the two changes and
        the difference in differences: row, estimate, se, n, plus t, p_val,
        ci_low, ci_high for the difference in differences.
    """
    frame = data[[outcome, treated, post] + ([cluster] if cluster else [])].dropna()
    t = frame[treated].astype(bool).to_numpy()
    p = frame[post].astype(bool).to_numpy()
    y = frame[outcome].to_numpy(dtype=float)
    rows = []
    means = {}
    for tv, tname in ((True, "treated"), (False, "comparison")):
        for pv, pname in ((False, "before"), (True, "after")):
            cell = y[(t == tv) & (p == pv)]
            means[(tv, pv)] = cell.mean() if len(cell) else np.nan
            se = cell.std(ddof=1) / np.sqrt(len(cell)) if len(cell) > 1 else np.nan
            rows.append(
                {"row": f"{tname}, {pname}", "estimate": means[(tv, pv)], "se": se, "n": len(cell)}
            )
    for tv, tname in ((True, "treated"), (False, "comparison")):
        rows.append(
            {
                "row": f"{tname}, change",
                "estimate": means[(tv, True)] - means[(tv, False)],
                "se": np.nan,
                "n": int((t == tv).sum()),
            }
        )
    X = pd.DataFrame(
        {"(Intercept)": 1.0, "treated": t * 1.0, "post": p * 1.0, "treated:post": (t & p) * 1.0}
    )
    fit = ols(y, X, cluster=frame[cluster].to_numpy() if cluster else None)
    tab = fit.table(level).set_index("term").loc["treated:post"]
    rows.append(
        {
            "row": "difference in differences",
            "estimate": tab["estimate"],
            "se": tab["se"],
            "n": len(y),
            "t": tab["t"],
            "p_val": tab["p_val"],
            "ci_low": tab["ci_low"],
            "ci_high": tab["ci_high"],
            "vcov": fit.vcov_type,
        }
    )
    return pd.DataFrame(rows)


def _fe_design(frame: pd.DataFrame, unit: str, time: str, regressors: pd.DataFrame) -> pd.DataFrame:
    units = pd.get_dummies(frame[unit].astype(str), prefix="unit", drop_first=True, dtype=float)
    times = pd.get_dummies(frame[time].astype(str), prefix="time", drop_first=True, dtype=float)
    X = pd.concat(
        [pd.DataFrame({"(Intercept)": 1.0}, index=frame.index), regressors, units, times], axis=1
    )
    return X


def twfe(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    treat: str,
    covariates: Sequence[str] = (),
    cluster: str | Sequence[str] | None = None,
    bootstrap: bool = False,
    weights: str = "webb",
    reps: int = 9999,
    level: float = 0.95,
    seed: int = 20200615,
) -> pd.DataFrame:
    """Two-way fixed-effects difference in differences.

    Parameters
    ----------
    data : DataFrame
        One row per observation; ``unit`` may be coarser than the observation
        (respondents within labs: unit = lab).
    outcome : str
        Outcome column.
    unit, time : str
        Columns for the unit and the time fixed effects.
    treat : str
        0/1 column: the unit is a lab and the lab has started.
    covariates : sequence of str
        Further numeric regressors.
    cluster : str or sequence of two str, optional
        Cluster column(s); default the unit.
    bootstrap : bool, default False
        Add wild cluster bootstrap p-value and interval for ``treat``
        (one-way clustering only).
    weights : {"webb", "rademacher"}
        Bootstrap weights.
    reps : int, default 9999
        Bootstrap replications.
    level : float, default 0.95
        Confidence level.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        Rows for ``treat`` and the covariates: term, estimate, se, t, df,
        p_val, ci_low, ci_high, n, n_clusters, vcov; with ``bootstrap=True``
        also p_boot, ci_low_boot, ci_high_boot, boot_method.
    """
    clusters = [cluster] if isinstance(cluster, str) else list(cluster or [unit])
    cols = list(dict.fromkeys([outcome, unit, time, treat, *covariates, *clusters]))
    frame = data[cols].dropna().reset_index(drop=True)
    regs = frame[[treat, *covariates]].astype(float)
    X = _fe_design(frame, unit, time, regs)
    y = frame[outcome].to_numpy(dtype=float)
    cl = [frame[c].to_numpy() for c in clusters]
    fit = ols(y, X, cluster=cl if len(cl) > 1 else cl[0])
    out = fit.table(level)
    out = out[out["term"].isin([treat, *covariates])].reset_index(drop=True)
    if bootstrap:
        if len(cl) != 1:
            raise ValueError("the wild cluster bootstrap here supports one cluster dimension")
        wb = wild_cluster_bootstrap(
            y, X, cl[0], coef=treat, weights=weights, reps=reps, level=level, seed=seed
        ).iloc[0]
        out["p_boot"] = np.where(out["term"] == treat, wb["p_val"], np.nan)
        out["ci_low_boot"] = np.where(out["term"] == treat, wb["ci_low"], np.nan)
        out["ci_high_boot"] = np.where(out["term"] == treat, wb["ci_high"], np.nan)
        out["boot_method"] = f"{wb['method']} {weights}, {int(wb['reps'])} draws"
    return out


def event_study(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    start: str,
    leads: int = 2,
    lags: int = 2,
    cluster: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Event-study leads and lags around the start of each lab.

    Parameters
    ----------
    data : DataFrame
        One row per observation with a whole-number ``time`` (e.g. wave or
        period number).
    outcome : str
        Outcome column.
    unit, time : str
        Fixed-effect columns.
    start : str
        Column with the first treated time of the unit; missing for units
        never treated (comparison communes).
    leads, lags : int, default 2
        Event times ``-leads .. lags``; earlier and later times are binned
        into the end points. Event time -1 is the reference.
    cluster : str, optional
        Cluster column, default the unit.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per event time: event_time, estimate, se, t, df, p_val,
        ci_low, ci_high, n (observations at that event time), identified;
        event time -1 has estimate 0 (reference).
    """
    cluster = cluster or unit
    cols = list(dict.fromkeys([outcome, unit, time, start, cluster]))
    frame = data[cols].dropna(subset=[outcome, unit, time, cluster]).reset_index(drop=True)
    rel = frame[time].astype(float) - frame[start].astype(float)
    rel = rel.clip(lower=-leads, upper=lags)
    events = [e for e in range(-leads, lags + 1) if e != -1]
    dummies = pd.DataFrame(
        {f"event_{e}": ((rel == e) & rel.notna()).astype(float) for e in events}, index=frame.index
    )
    counts = {e: int((rel == e).sum()) for e in [*events, -1]}
    present = [c for c in dummies.columns if dummies[c].sum() > 0]
    X = _fe_design(frame, unit, time, dummies[present])
    # drop columns that are linear combinations of the others (unidentified)
    keep = _independent_columns(X.to_numpy(dtype=float))
    X = X.iloc[:, keep]
    fit = ols(frame[outcome].to_numpy(dtype=float), X, cluster=frame[cluster].to_numpy())
    tab = fit.table(level).set_index("term")
    rows = []
    for e in sorted([*events, -1]):
        name = f"event_{e}"
        if e == -1:
            rows.append({"event_time": -1, "estimate": 0.0, "n": counts[-1], "identified": True})
        elif name in tab.index:
            r = tab.loc[name]
            rows.append(
                {
                    "event_time": e,
                    **{
                        k: r[k] for k in ("estimate", "se", "t", "df", "p_val", "ci_low", "ci_high")
                    },
                    "n": counts[e],
                    "identified": True,
                }
            )
        else:
            rows.append({"event_time": e, "estimate": np.nan, "n": counts[e], "identified": False})
    return pd.DataFrame(rows)


def _independent_columns(X: np.ndarray, tol: float = 1e-9) -> list[int]:
    keep: list[int] = []
    for j in range(X.shape[1]):
        trial = X[:, [*keep, j]]
        if (
            np.linalg.matrix_rank(trial, tol=tol * max(1.0, np.abs(X).max()) * len(X))
            == len(keep) + 1
        ):
            keep.append(j)
    return keep
