r"""Comparison-group designs: labs against communes outside the programme.

* :func:`did_2x2` - the two-by-two table of means (treated/comparison x
  before/after) and the difference in differences
  :math:`(\bar y_{T,1}-\bar y_{T,0})-(\bar y_{C,1}-\bar y_{C,0})`, with the
  standard error of the interaction in :math:`y = a + b\,T + c\,P + \delta\,TP`
  (cluster-robust when a cluster is given).
* :func:`twfe` - fixed-effects regression
  :math:`y_{it} = \alpha_i + \lambda_t + \delta D_{it} + x_{it}'\beta + e_{it}`
  with any set of fixed effects (unit and time, time alone, or more),
  classical, HC or one-/two-way cluster-robust standard errors and,
  optionally, the wild cluster bootstrap.
* :func:`event_study` - leads and lags around the start of each lab,
  :math:`y_{it} = \alpha_i + \lambda_t + \sum_{e\ne -1}\delta_e
  1[t-s_i=e] + e_{it}` (period before the start as reference; endpoints binned).

With few clusters (13 labs) the CR1 t test over-rejects; use the wild
cluster bootstrap (``bootstrap=True``) for p-values and intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.masking import MIN_N_DEFAULT, check_min_n, mask, note, refuse_masked
from ogl_impact.stats.outputs import VOCABULARY
from ogl_impact.stats.regression import (
    OLSResult,
    _normalise_cov,
    ols,
    redundant_columns,
    wild_cluster_bootstrap,
)
from ogl_impact.stats.words import both, joined

COLUMNS = list(VOCABULARY)


def _require(data: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise StatsInputError(
            f"Spalte {missing[0]!r} ({role}) fehlt in data; vorhandene Spalten: "
            f"{', '.join(map(str, data.columns))}."
        )


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def did_2x2(
    data: pd.DataFrame,
    outcome: str,
    *,
    treatment: str,
    post: str,
    cluster: str | None = None,
    conf_level: float = 0.95,
    min_n: int | None = MIN_N_DEFAULT,
) -> pd.DataFrame:
    r"""Two-by-two difference in differences with its table of means.

    Parameters
    ----------
    data : DataFrame
        One row per observation (respondent or commune and period).
    outcome : str
        Outcome column.
    treatment, post : str
        Boolean (or 0/1) columns: in a lab / after the lab started.
    cluster : str, optional
        Cluster column for the standard error of the difference in differences.
    conf_level : float, default 0.95
        Confidence level.
    min_n : int or None, default 5
        Smallest cell (observations of one group in one period) shown. A cell
        below it is masked, and so is every number derived from it that
        would give it away next to the cells shown: both changes and the
        difference in differences (``suppressed`` true, values and n
        missing; ``attrs["note"]`` says so). ``None``: raw values, with a
        :class:`UserWarning`.

    Returns
    -------
    DataFrame
        suppressed, term, estimate, se, statistic, df, p_val, ci_low, ci_high,
        n, method, note: rows for the four cell means (se = sd/sqrt(n)), the
        two changes and the difference in differences (with its test and
        interval).

    Notes
    -----
    :math:`\hat\delta = (\bar y_{T,1}-\bar y_{T,0})-(\bar y_{C,1}-\bar y_{C,0})`
    equals the OLS interaction in :math:`y = a + bT + cP + \delta TP + e`;
    its standard error is classical or CR1 (:func:`~ogl_impact.stats.ols`).

    References
    ----------
    Card & Krueger (1994), AER 84, 772-793, Table 3; Angrist & Pischke
    (2009), Mostly Harmless Econometrics, ch. 5.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 2, 2, 3, 1, 2, 4, 5] * 3, "lab": [0, 0, 1, 1] * 6,
    ...                   "post": ([0] * 4 + [1] * 4) * 3})
    >>> did_2x2(d, "y", treatment="lab", post="post").set_index("term").loc[
    ...     "difference in differences", "estimate"]
    np.float64(2.0)
    >>> small = did_2x2(d.iloc[:8], "y", treatment="lab", post="post")  # cells of 2
    >>> small["estimate"].isna().all(), small.attrs["note"][:40]
    (np.True_, '4 Zellen unterdrückt (n < 5): Gruppen un')
    """
    min_n = check_min_n(min_n)
    table = _did_2x2_raw(
        data, outcome, treatment=treatment, post=post, cluster=cluster, conf_level=conf_level
    )
    return _mask_cells(table, min_n)


CELL_METHOD = both("Mittelwert", "mean")
"""``method`` of the four cell means in :func:`did_2x2`'s table."""


def _mask_cells(table: pd.DataFrame, min_n: int | None) -> pd.DataFrame:
    """Mask the small cells of a :func:`did_2x2` table and every row derived from them.

    Parameters
    ----------
    table : DataFrame
        :func:`_did_2x2_raw` (cell means, changes, difference in differences),
        with any leading descriptive columns.
    min_n : int or None
        Smallest cell shown; ``None`` masks nothing.

    Returns
    -------
    DataFrame
        ``suppressed`` before ``term``; ``attrs["note"]`` says how many cells.

    Notes
    -----
    A change, or the difference in differences, next to the cells shown
    gives a masked cell's mean back; with one cell masked they all go.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    ch. 5 (threshold rule, complementary suppression).

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["a", "b", "d"], "estimate": [1.0, 2.0, 1.0],
    ...                   "n": [3, 9, 12], "method": [CELL_METHOD, CELL_METHOD, "x"]})
    >>> _mask_cells(t, 5)["estimate"].tolist()
    [nan, 2.0, nan]
    """
    cells = (table["method"] == CELL_METHOD).to_numpy()
    small = cells & (table["n"].lt(min_n).to_numpy() if min_n is not None else False)
    count = int(small.sum())
    if not count:
        out = table.assign(suppressed=False)
    else:
        keep = [c for c in table.columns[: list(table.columns).index("term")]]
        out = mask(table, small | ~cells, keep=[*keep, "term", "method"])
    lead = list(table.columns[: list(table.columns).index("term")])
    rest = [c for c in out.columns if c not in lead and c != "suppressed"]
    out = out[[*lead, "suppressed", *rest]]
    out.attrs["note"] = note(count, min_n, "Zellen")
    if count:
        out.attrs["note"] += (
            " Veränderungen, Differenz der Differenzen und Modellschätzung ebenfalls "
            "unterdrückt, da sie die Zelle verraten würden / changes, DiD and model estimate "
            "masked too."
        )
    return out


def _did_2x2_raw(
    data: pd.DataFrame,
    outcome: str,
    *,
    treatment: str,
    post: str,
    cluster: str | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Compute the table of :func:`did_2x2` without masking (callers mask it themselves).

    Parameters
    ----------
    data, outcome, treatment, post, cluster, conf_level
        As in :func:`did_2x2`.

    Returns
    -------
    DataFrame
        term .. note, nothing masked: never show it as it is.
    """
    _require(data, [outcome, treatment, post, *_as_list(cluster)], "did_2x2")
    refuse_masked(data, "did_2x2")
    frame = data[[outcome, treatment, post] + ([cluster] if cluster else [])].dropna()
    t = frame[treatment].astype(bool).to_numpy()
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
                {
                    "term": f"{tname}, {pname}",
                    "estimate": means[(tv, pv)],
                    "se": se,
                    "n": len(cell),
                    "method": CELL_METHOD,
                }
            )
    for tv, tname in ((True, "treated"), (False, "comparison")):
        rows.append(
            {
                "term": f"{tname}, change",
                "estimate": means[(tv, True)] - means[(tv, False)],
                "n": int((t == tv).sum()),
                "method": both("Differenz der Mittelwerte", "difference of means"),
            }
        )
    X = pd.DataFrame(
        {"(Intercept)": 1.0, "treated": t * 1.0, "post": p * 1.0, "treated:post": (t & p) * 1.0}
    )
    fit = ols(y, X, cluster=frame[cluster].to_numpy() if cluster else None, conf_level=conf_level)
    if cluster:
        fit = replace(fit, cluster_names=[cluster])  # the method names the column, not "cluster1"
    row = fit.coefficients.set_index("term").loc["treated:post"]
    rows.append({"term": "difference in differences", **row.to_dict()})
    out = pd.DataFrame(rows).reindex(columns=COLUMNS)
    out["note"] = out["note"].fillna("")
    return out


@dataclass(frozen=True, eq=False)
class FEDesign:
    """Result of :func:`fe_design`.

    Attributes
    ----------
    X : DataFrame
        Design matrix.
    absorbed : list of str
        Regressors of interest that the fixed effects absorb (not estimable).
    """

    X: pd.DataFrame
    absorbed: list[str]


def fe_design(frame: pd.DataFrame, fe: Sequence[str], regressors: pd.DataFrame) -> FEDesign:
    """Constant, regressors and one dummy per fixed-effect level (first dropped).

    Dummies that are linear combinations of earlier columns (nested fixed
    effects, a level seen with one time only) are dropped.

    Parameters
    ----------
    frame : DataFrame
        Rows of the model (no missing values in ``fe``).
    fe : sequence of str
        Fixed-effect columns.
    regressors : DataFrame
        Regressors of interest (same index as ``frame``).

    Returns
    -------
    FEDesign
        ``.X`` (design matrix) and ``.absorbed`` (regressors of interest that
        the fixed effects absorb, not estimable).

    Notes
    -----
    Least squares on these dummies equals the within estimator (Frisch-Waugh-
    Lovell); redundancy is judged with the fixed effects placed before the
    regressors, so a regressor they absorb is reported, not a dummy dropped.

    References
    ----------
    Frisch & Waugh (1933), Econometrica 1, 387-401; Lovell (1963), JASA 58,
    993-1010; R ``lm(y ~ d + factor(unit) + factor(time))``.

    Examples
    --------
    >>> f = pd.DataFrame({"unit": [1, 1, 2, 2], "time": [0, 1, 0, 1]})
    >>> res = fe_design(f, ["unit", "time"], pd.DataFrame({"d": [0.0, 0, 0, 1]}))
    >>> list(res.X.columns), res.absorbed
    (['(Intercept)', 'd', 'unit_2', 'time_1'], [])
    """
    const = pd.DataFrame({"(Intercept)": 1.0}, index=frame.index)
    dummies = [
        pd.get_dummies(frame[col].astype(str), prefix=col, drop_first=True, dtype=float)
        for col in fe
    ]
    regs = regressors.astype(float)
    # fixed effects before the regressors: a regressor they absorb shows up as redundant
    order = pd.concat([const, *dummies, regs], axis=1)
    redundant = pd.Series(redundant_columns(order.to_numpy(dtype=float)), index=order.columns)
    lost = [c for c in regs.columns if redundant[c]]
    X = pd.concat([const, regs, *dummies], axis=1)
    return FEDesign(X.loc[:, ~redundant[X.columns].to_numpy()], lost)


@dataclass(frozen=True, eq=False)
class TWFEResult:
    """Result of :func:`twfe`.

    Attributes
    ----------
    coefficients : DataFrame
        term .. note for the treatment and the covariates (fixed effects
        left out).
    bootstrap : DataFrame or None
        Wild cluster bootstrap row for the treatment (term .. note), when
        asked for.
    model : OLSResult
        The whole regression (fixed-effect dummies included, fit statistics).
    """

    coefficients: pd.DataFrame
    bootstrap: pd.DataFrame | None
    model: OLSResult

    def summary(self) -> str:
        """Plain-text summary of the coefficients and the bootstrap."""
        parts = [self.model.method, self.coefficients.to_string()]
        if self.bootstrap is not None:
            parts.append(self.bootstrap.to_string())
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        html = self.coefficients.to_html(index=False)
        if self.bootstrap is not None:
            html += self.bootstrap.to_html(index=False)
        return html


def twfe(
    data: pd.DataFrame,
    outcome: str,
    *,
    treatment: str,
    fe: Sequence[str],
    covariates: Sequence[str] = (),
    cov: str | None = None,
    cluster: str | Sequence[str] | None = None,
    bootstrap: bool = False,
    weight_type: str = "webb",
    reps: int = 9999,
    conf_level: float = 0.95,
    seed: int = 20200615,
) -> TWFEResult:
    r"""Fixed-effects (two-way or any other set) difference in differences.

    Parameters
    ----------
    data : DataFrame
        One row per observation; a fixed-effect column may be coarser than
        the observation (respondents within labs: unit = lab).
    outcome : str
        Outcome column.
    treatment : str
        0/1 column: the unit is a lab and the lab has started.
    fe : sequence of str
        Fixed-effect columns, e.g. ``["unit_id", "wave"]``, ``["wave"]``
        (time effects alone) or more; ``[]`` for none.
    covariates : sequence of str
        Further numeric regressors.
    cov : {"cluster", "classical", "HC0", "HC1", "HC2", "HC3"}, optional
        Covariance; default ``"cluster"``.
    cluster : str or sequence of two str, optional
        Cluster column(s) for ``cov="cluster"``; default the first
        fixed-effect column.
    bootstrap : bool, default False
        Add the wild cluster bootstrap (WCR) for ``treatment`` (one cluster
        dimension).
    weight_type : {"webb", "rademacher"}
        Bootstrap weight distribution.
    reps : int, default 9999
        Bootstrap replications.
    conf_level : float, default 0.95
        Confidence level.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    TWFEResult
        ``.coefficients`` (term .. note), ``.bootstrap`` (or None),
        ``.model`` (the :class:`~ogl_impact.stats.regression.OLSResult`).

    Notes
    -----
    Least squares with one dummy per level of each fixed effect (the first
    level dropped, dummies absorbed by earlier columns dropped), which
    equals the within estimator. With staggered starts and effects that
    change over time the two-way estimate is a weighted average with
    possibly negative weights (Goodman-Bacon 2021); use
    :func:`event_study` to look at the dynamics.

    References
    ----------
    Angrist & Pischke (2009), ch. 5; Cameron & Miller (2015), J. Human
    Resources 50, 317-372; R ``fixest::feols(y ~ d | unit + time)``, Stata
    ``reghdfe``/``xtreg, fe``.

    Examples
    --------
    >>> d = pd.DataFrame({"unit": np.repeat(range(4), 2), "time": [0, 1] * 4,
    ...                   "y": [1.0, 2.0, 2.0, 3.1, 1.5, 3.4, 0.5, 2.6],
    ...                   "d": [0, 0, 0, 0, 0, 1, 0, 1]})
    >>> res = twfe(d, "y", treatment="d", fe=["unit", "time"], cov="classical")
    >>> round(float(res.coefficients["estimate"].iloc[0]), 2)
    0.95
    """
    fe = _as_list(fe)
    covariates = list(covariates)
    cov = _normalise_cov(cov) or "cluster"
    clusters = _as_list(cluster) if cov == "cluster" else []
    if cov == "cluster" and not clusters:
        if not fe:
            raise StatsInputError("cov='cluster' ohne fe braucht cluster= (name a cluster column).")
        clusters = [fe[0]]
    if cluster is not None and cov != "cluster":
        raise StatsInputError(f"cluster= ist angegeben, aber cov={cov!r}: cov='cluster' verwenden.")
    _require(data, [outcome, treatment], "Zielgröße/Behandlung")
    refuse_masked(data, "twfe")
    _require(data, fe, "feste Effekte")
    _require(data, covariates, "Kovariate")
    _require(data, clusters, "Cluster")
    cols = list(dict.fromkeys([outcome, treatment, *covariates, *fe, *clusters]))
    frame = data[cols].dropna().reset_index(drop=True)
    regs = frame[[treatment, *covariates]].astype(float)
    design = fe_design(frame, fe, regs)
    X, lost = design.X, design.absorbed
    if lost:
        raise StatsInputError(
            f"{', '.join(lost)} ist durch die festen Effekte {', '.join(fe)} vollständig "
            "erklärt und nicht schätzbar (absorbed by the fixed effects)."
        )
    y = frame[outcome].to_numpy(dtype=float)
    cl = [frame[c].to_numpy() for c in clusters]
    fit = ols(
        y,
        X,
        cov=cov,
        cluster=(cl if len(cl) > 1 else cl[0]) if cl else None,
        conf_level=conf_level,
    )
    if cov == "cluster":
        fit = replace(fit, cluster_names=clusters)
    table = fit.coefficients
    table = table[table["term"].isin([treatment, *covariates])].reset_index(drop=True)
    dropped = len(data) - len(frame)
    fe_text = " + ".join(fe)
    fixed = both(f"feste Effekte: {fe_text or 'keine'}", f"fixed effects: {fe_text or 'none'}")
    table["method"] = [joined([m, fixed]) for m in table["method"]]
    if dropped:
        extra = both(
            f"{dropped} Zeilen mit fehlenden Werten ausgelassen",
            f"{dropped} rows with missing values dropped",
        )
        table["note"] = [joined([n, extra]) for n in table["note"]]
    boot = None
    if bootstrap:
        if len(cl) != 1:
            raise StatsInputError(
                "Der Wild-Cluster-Bootstrap braucht cov='cluster' mit genau einer Cluster-Spalte."
            )
        boot = wild_cluster_bootstrap(
            y,
            X,
            cluster=cl[0],
            coef=treatment,
            weight_type=weight_type,
            reps=reps,
            conf_level=conf_level,
            seed=seed,
        )
        boot["method"] = [
            joined([joined([m, f"Cluster: {clusters[0]}"], ", "), fixed]) for m in boot["method"]
        ]
    return TWFEResult(table, boot, fit)


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
    conf_level: float = 0.95,
) -> pd.DataFrame:
    r"""Event-study leads and lags around the start of each lab.

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
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        event_time, then term .. note (CR1 by ``cluster``); ``n`` counts the
        observations at that event time; event time -1 has estimate 0
        (reference), event times without identification have no estimate
        and say so in ``note``.

    Notes
    -----
    :math:`y_{it} = \alpha_i + \lambda_t + \sum_{e\ne -1}\delta_e
    1[\min(\max(t-s_i, -L), K) = e] + e_{it}`.

    References
    ----------
    Freyaldenhoven, Hansen, Pérez & Shapiro (2021), NBER WP 29170; Stata
    ``eventdd``, R ``fixest::i()``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"unit": np.repeat(range(6), 4), "time": np.tile(range(4), 6)})
    >>> d["start"] = np.where(d["unit"] < 3, 2.0, np.nan)
    >>> d["y"] = (d["time"] >= d["start"]) * 1.0 + rng.normal(0, 0.1, 24)
    >>> es = event_study(d, "y", unit="unit", time="time", start="start", leads=1, lags=1)
    >>> es["event_time"].tolist()
    [-1, 0, 1]
    """
    cluster = cluster or unit
    _require(data, [outcome, unit, time, start, cluster], "event_study")
    refuse_masked(data, "event_study")
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
    X = fe_design(frame, [unit, time], dummies[present]).X
    fit = ols(
        frame[outcome].to_numpy(dtype=float),
        X,
        cluster=frame[cluster].to_numpy(),
        conf_level=conf_level,
    )
    fit = replace(fit, cluster_names=[cluster])  # the method names the column, not "cluster1"
    tab = fit.coefficients.set_index("term")
    rows = []
    for e in sorted([*events, -1]):
        name = f"event_{e}"
        base = {"event_time": e, "term": name, "n": counts[e], "method": fit.method}
        if e == -1:
            rows.append(
                {
                    **base,
                    "estimate": 0.0,
                    "note": both("Referenz (auf 0 gesetzt)", "reference (set to 0)"),
                }
            )
        elif name in tab.index:
            rows.append({**base, **tab.loc[name].drop(["n", "method"]).to_dict()})
        else:
            rows.append(
                {**base, "estimate": np.nan, "note": both("nicht identifiziert", "not identified")}
            )
    return pd.DataFrame(rows).reindex(columns=["event_time", *COLUMNS]).fillna({"note": ""})
