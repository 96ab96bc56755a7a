"""Roll-ups of attainment by node, level, lab and network, majority status, stage reached."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ogl_impact.dataset import Dataset
from ogl_impact.logic.outputs import (
    DisaggregatedRollup,
    MajorityStatus,
    NetworkProgress,
    Rollup,
    Stages,
)
from ogl_impact.vocab import LEVEL_RANK as _LEVEL_RANK

_GROUPS = ("lab_id", "node_id", "level", "stage", "period_id", "indicator_id", "measure")


def rollup(
    att: pd.DataFrame,
    by: Sequence[str] = ("lab_id", "level", "period_id"),
    *,
    network: bool = False,
    weights: pd.Series | str | None = None,
    cap: bool = True,
) -> pd.DataFrame:
    """Summarise attainment over groups of indicators.

    Parameters
    ----------
    att : DataFrame
        Output of :func:`ogl_impact.logic.attainment`.
    by : sequence of str
        Grouping columns, any of ``lab_id``, ``node_id``, ``level``, ``stage``,
        ``period_id``, ``indicator_id``, ``measure``.
    network : bool
        Across labs: only indicators that may be aggregated across labs are
        used, and ``lab_id`` must not be in ``by``.
    weights : Series or str, optional
        Weight of each indicator in the mean progress: a column of ``att`` or a
        Series indexed by ``(lab_id, indicator_id)``. Default: equal weights.
    cap : bool
        Limit each indicator's progress to 1 before averaging, so that one
        over-fulfilled indicator cannot hide others that are behind.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``n_indicators``, ``n_with_data``,
        ``mean_progress`` (weighted mean over indicators with a progress value),
        ``share_achieved``, ``share_on_track``, ``share_behind`` (shares of
        the indicators with data). Rows in reading order: levels along the
        chain (Input, Aktivität, Output, Outcome, Impact), periods by their end
        date (ZB before SB4), other groups sorted.

    Examples
    --------
    >>> import ogl_impact
    >>> from ogl_impact.logic import attainment
    >>> att = attainment(ogl_impact.load_demo())
    >>> net = rollup(att, by=["period_id"], network=True)
    >>> list(net.columns[:3])
    ['period_id', 'n_indicators', 'n_with_data']
    """
    by = list(by)
    bad = [c for c in by if c not in _GROUPS]
    if bad:
        raise ValueError(f"cannot group by {bad}; allowed: {list(_GROUPS)}")
    if network and "lab_id" in by:
        raise ValueError("network roll-ups run across labs: leave 'lab_id' out of 'by'")
    frame = att[att["aggregatable"]] if network else att
    frame = frame.assign(_w=_weights(frame, weights))
    progress = frame["progress"].clip(upper=1.0) if cap else frame["progress"]
    frame = frame.assign(
        _p=progress,
        _has=frame["status"] != "no_data",
        _wp=progress * frame["_w"],
        _wv=frame["_w"].where(progress.notna(), 0.0),
    )
    for status in ("achieved", "on_track", "behind"):
        frame[f"_{status}"] = frame["status"] == status
    grouped = frame.groupby(by, sort=True, dropna=False, observed=True)
    out = pd.DataFrame(
        {
            "n_indicators": grouped.size(),
            "n_with_data": grouped["_has"].sum(),
            "mean_progress": grouped["_wp"].sum(min_count=1)
            / grouped["_wv"].sum().replace(0, np.nan),
            "share_achieved": grouped["_achieved"].sum() / grouped["_has"].sum().replace(0, np.nan),
            "share_on_track": grouped["_on_track"].sum() / grouped["_has"].sum().replace(0, np.nan),
            "share_behind": grouped["_behind"].sum() / grouped["_has"].sum().replace(0, np.nan),
        }
    ).reset_index()
    return Rollup.validate(_reading_order(out, by, frame))


def _reading_order(out: pd.DataFrame, by: Sequence[str], att: pd.DataFrame) -> pd.DataFrame:
    """Sort grouped rows as they are read: levels by the chain, periods by their end date."""
    if out.empty or not by:
        return out
    ends = att.drop_duplicates("period_id").set_index("period_id")["period_end"]
    keys = {}
    for col in by:
        if col == "level":
            keys[col] = out[col].map(_LEVEL_RANK)
        elif col == "period_id":
            keys[col] = out[col].map(ends)
        else:
            keys[col] = out[col]
    order = pd.DataFrame(keys).sort_values(list(by), kind="stable", na_position="last").index
    return out.loc[order].reset_index(drop=True)


def _weights(frame: pd.DataFrame, weights: pd.Series | str | None) -> pd.Series:
    if weights is None:
        return pd.Series(1.0, index=frame.index)
    if isinstance(weights, str):
        if weights not in frame.columns:
            raise ValueError(f"no column {weights!r} for the weights")
        w = frame[weights].astype(float)
    else:
        key = pd.MultiIndex.from_frame(frame[["lab_id", "indicator_id"]])
        w = pd.Series(weights.reindex(key).to_numpy(dtype=float), index=frame.index)
    if (w < 0).any() or w.isna().any():
        raise ValueError("weights must be given and non-negative for every indicator")
    return w


def stages(att: pd.DataFrame) -> pd.DataFrame:
    """Return the Wirkungstreppe stage each lab has reached in each period.

    Rule: the stages are climbed from 1 upwards. A stage is *confirmed* when
    every indicator of its nodes that has data is achieved or on track (at
    least one with data), and *blocked* when one of them is behind; a stage
    whose indicators have no data at all neither confirms nor blocks and is
    passed over. The climb stops at the first blocked stage; the result is the
    highest confirmed stage below it (0 when none is confirmed).

    Parameters
    ----------
    att : DataFrame
        Output of :func:`ogl_impact.logic.attainment`.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``period_end``, ``stage`` (0-7) and
        ``skipped``: the stages below the one reached that were passed over
        for want of data, as text (``"2, 3"``; empty when none), so that a
        figure need not show them as reached.
    """
    staged = att[att["stage"].notna()]
    with_data = staged[staged["status"] != "no_data"]
    ok = with_data["status"].isin(["achieved", "on_track"])
    per_stage = (
        with_data.assign(_ok=ok)
        .groupby(["lab_id", "period_id", "stage"], observed=True)["_ok"]
        .all()
        .unstack("stage")
        .reindex(columns=range(1, 8))
    )
    confirmed = per_stage.eq(True).to_numpy()
    blocked = per_stage.eq(False).to_numpy()
    open_so_far = np.cumsum(blocked, axis=1) == 0  # no blocked stage up to here
    levels = np.arange(1, 8)
    reached = np.where(confirmed & open_so_far, levels, 0).max(axis=1)
    passed = ~confirmed & ~blocked & (levels[None, :] < reached[:, None])
    out = pd.DataFrame(
        {
            "lab_id": per_stage.index.get_level_values(0),
            "period_id": per_stage.index.get_level_values(1),
            "stage": reached,
            "skipped": [", ".join(str(v) for v in levels[row]) for row in passed],
        }
    )
    ends = att.drop_duplicates("period_id").set_index("period_id")["period_end"]
    out["period_end"] = out["period_id"].map(ends)
    grid = att[["lab_id", "period_id", "period_end"]].drop_duplicates()
    out = grid.merge(
        out[["lab_id", "period_id", "stage", "skipped"]], on=["lab_id", "period_id"], how="left"
    )
    out["stage"] = out["stage"].fillna(0).astype(int)
    out["skipped"] = [v if isinstance(v, str) else "" for v in out["skipped"]]
    out = out.sort_values(["lab_id", "period_end"]).reset_index(drop=True)
    return Stages.validate(out[["lab_id", "period_id", "period_end", "stage", "skipped"]])


def rollup_disaggregated(
    data: Dataset,
    by: Sequence[str] = ("lab_id", "indicator_id", "period_id"),
    *,
    network: bool = False,
) -> pd.DataFrame:
    """Sum disaggregated indicator values by dimension value (e.g. participants by target group).

    Parameters
    ----------
    data : Dataset
        Validated tables.
    by : sequence of str
        Grouping columns, any of ``lab_id``, ``indicator_id``, ``period_id``.
    network : bool
        Across labs: only indicators that may be aggregated, and ``lab_id``
        must not be in ``by`` (``indicator_id`` neither: ids are per lab).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``disaggregation`` (the dimension),
        ``disaggregation_value``, ``value`` (sum) and ``share`` of the sum over
        all values of the dimension in the group.

    Examples
    --------
    >>> import ogl_impact
    >>> net = rollup_disaggregated(ogl_impact.load_demo(), by=["period_id"], network=True)
    >>> sorted(net["disaggregation_value"].unique())
    ['administration', 'citizens']
    """
    by = list(by)
    bad = [c for c in by if c not in ("lab_id", "indicator_id", "period_id")]
    if bad:
        raise ValueError(f"cannot group by {bad}; allowed: lab_id, indicator_id, period_id")
    if network and ({"lab_id", "indicator_id"} & set(by)):
        raise ValueError(
            "network roll-ups run across labs: leave 'lab_id' and 'indicator_id' out of 'by'"
        )
    values = data["indicator_values"].dropna(subset=["disaggregation_value", "value"])
    ind = data["indicators"][["lab_id", "indicator_id", "disaggregation", "aggregatable"]]
    frame = values.merge(ind, on=["lab_id", "indicator_id"])
    if network:
        frame = frame[frame["aggregatable"]]
    keys = [*by, "disaggregation", "disaggregation_value"]
    out = frame.groupby(keys, sort=True)["value"].sum().reset_index()
    group = [*by, "disaggregation"]
    out["share"] = out["value"] / out.groupby(group)["value"].transform("sum")
    return DisaggregatedRollup.validate(out)


MAJORITY_TIE_ORDER = ("behind", "on_track", "achieved")
"""Statuses from least to most favourable: a tie goes to the first of them."""


def majority(statuses: pd.Series) -> str:
    """Return the most frequent status with data; a tie goes to the less favourable one.

    Parameters
    ----------
    statuses : Series
        Attainment statuses (``achieved``, ``on_track``, ``behind``, ``no_data``).

    Returns
    -------
    str
        The status most indicators with data have; ``"no_data"`` when none has data.

    Raises
    ------
    ValueError
        For a value that is no attainment status.

    Examples
    --------
    >>> majority(pd.Series(["achieved", "behind", "no_data", "no_data"]))
    'behind'
    """
    unknown = sorted(set(statuses.dropna()) - {*MAJORITY_TIE_ORDER, "no_data"})
    if unknown:
        raise ValueError(f"unknown statuses {unknown}; allowed: {[*MAJORITY_TIE_ORDER, 'no_data']}")
    counts = statuses[statuses.isin(MAJORITY_TIE_ORDER)].value_counts()
    if counts.empty:
        return "no_data"
    return min(counts.index, key=lambda s: (-counts[s], MAJORITY_TIE_ORDER.index(s)))


def majority_status(
    att: pd.DataFrame, by: Sequence[str] = ("lab_id", "level", "period_id")
) -> pd.DataFrame:
    """Most frequent attainment status per group of indicators (see :func:`majority`).

    Parameters
    ----------
    att : DataFrame
        Output of :func:`ogl_impact.logic.attainment`.
    by : sequence of str
        Grouping columns, any of ``lab_id``, ``node_id``, ``level``, ``stage``,
        ``period_id``, ``indicator_id``, ``measure``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (groups in order of first appearance), ``status``
        (``no_data`` when no indicator of the group has data) and
        ``n_with_data`` (indicators with data the status rests on).

    Examples
    --------
    >>> import ogl_impact
    >>> from ogl_impact.logic import attainment
    >>> att = attainment(ogl_impact.load_demo(), labs=["brandis"])
    >>> list(majority_status(att).columns)
    ['lab_id', 'level', 'period_id', 'status', 'n_with_data']
    """
    by = list(by)
    bad = [c for c in by if c not in _GROUPS]
    if bad:
        raise ValueError(f"cannot group by {bad}; allowed: {list(_GROUPS)}")
    grouped = att.groupby(by, sort=False, observed=True)["status"]
    out = pd.DataFrame(
        {
            "status": grouped.agg(majority),
            "n_with_data": grouped.agg(lambda s: int((s != "no_data").sum())),
        }
    ).reset_index()
    out["n_with_data"] = out["n_with_data"].astype(int)
    return MajorityStatus.validate(out)


def network_progress(att: pd.DataFrame) -> pd.DataFrame:
    """Mean progress of the network per level and period, against the linear target path.

    The mean progress is :func:`rollup` across labs (``network=True``,
    ``cap=True``): only indicators that may be aggregated across labs, each
    indicator's progress limited to 1. The target path is the mean expected
    progress (share of the time to the target date that has passed) of the
    same indicators.

    Parameters
    ----------
    att : DataFrame
        Output of :func:`ogl_impact.logic.attainment`.

    Returns
    -------
    pandas.DataFrame
        ``level`` (in IOOI order), ``period_id``, ``period_end`` (in time
        order within a level), ``n_labs`` (labs with a value),
        ``n_indicators`` (indicators with a progress value),
        ``mean_progress`` and ``mean_expected``; only level-period pairs
        with at least one progress value.

    Examples
    --------
    >>> import ogl_impact
    >>> from ogl_impact.logic import attainment
    >>> net = network_progress(attainment(ogl_impact.load_demo()))
    >>> bool((net["mean_progress"] <= 1).all())
    True
    """
    keys = ["level", "period_id"]
    mean = rollup(att, by=keys, network=True, cap=True)
    used = att[att["aggregatable"] & att["progress"].notna()]
    grouped = used.groupby(keys, sort=False, observed=True)
    path = pd.DataFrame(
        {
            "period_end": grouped["period_end"].first(),
            "n_labs": grouped["lab_id"].nunique(),
            "n_indicators": grouped.size(),
            "mean_expected": grouped["expected"].mean(),
        }
    ).reset_index()
    out = path.merge(mean[[*keys, "mean_progress"]], on=keys, how="left", validate="one_to_one")
    out["_rank"] = out["level"].map(_LEVEL_RANK)
    out = out.sort_values(["_rank", "period_end"]).reset_index(drop=True)
    cols = ["level", "period_id", "period_end", "n_labs", "n_indicators"]
    return NetworkProgress.validate(out[[*cols, "mean_progress", "mean_expected"]])
