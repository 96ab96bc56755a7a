"""Attainment of every indicator in every reporting period, direction-aware.

Rules (each tested against hand-computed cases in ``tests/test_logic.py``):

*Actual value.* The total (no disaggregation) reported for the period. For a
cumulative indicator (a running total) a period without a report takes the
last reported total (``carried_forward``); a level measured at a point in
time is never carried forward.

*Progress* ``= (actual - baseline) / (target - baseline)``. The same formula
serves descending indicators (target below baseline): a fall towards the
target gives positive progress. When the target equals the baseline (a
"hold the level" target), progress is 1 if the actual value is at or beyond
the target in the indicator's good direction and 0 otherwise. Values beyond
the target give progress above 1; ``cap=True`` limits progress to 1.
Ordinal and qualitative indicators get no progress (their scale has no
meaningful distances), only a status.

*Expected progress* is the share of the time from the baseline date to the
target date that has passed at the end of the period, between 0 and 1.

*Status* (in this order):

- ``no_data``: no actual value, or no target to measure against;
- ``achieved``: progress >= 1 (ordinal/qualitative: actual at or beyond the target);
- ``on_track``: progress >= ``tolerance`` x expected progress (default 0.8),
  or, without dates, progress > 0 (ordinal/qualitative: actual strictly
  beyond the baseline in the good direction); only before the target date:
  from a period ending on or after it an indicator either has achieved its
  target or is behind (93 % of the target at the end of the programme is
  not "on track");
- ``behind``: everything else.

*A running total carried forward to a period ending on or after its target
date* (the lab did not report whether the target was reached by then) is a
lower bound of the true total (a running total only grows): at or beyond
the target of a rising indicator it is ``achieved``; above the target of a
falling one (lower is better) it is ``behind``. Otherwise it keeps
``behind`` where its last report was behind, and is ``no_data`` where that
report was on track or achieved (a lower bound cannot show the end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.dataset import Dataset
from ogl_impact.logic.outputs import Attainment

STATUSES = ("achieved", "on_track", "behind", "no_data")
"""Attainment statuses, best first."""

_STATUS_ONLY = vocab.RATED_MEASURES


def attainment(
    data: Dataset,
    *,
    labs: list[str] | None = None,
    cap: bool = False,
    tolerance: float = 0.8,
) -> pd.DataFrame:
    """Return the attainment of every indicator in every reporting period with values.

    Parameters
    ----------
    data : Dataset
        Validated tables (``indicators``, ``indicator_values``, ``nodes``, ``periods``).
    labs : list of str, optional
        Only these labs (default: all). Each lab's numbers depend on its own rows only.
    cap : bool
        Limit progress to 1 (100 %).
    tolerance : float
        Share of the expected progress an indicator needs to be ``on_track``.

    Returns
    -------
    pandas.DataFrame
        Columns of :class:`ogl_impact.logic.outputs.Attainment`: ``lab_id``,
        ``indicator_id``, ``node_id``, ``level``, ``stage``, ``period_id``,
        ``period_end``, ``measure``, ``ascending``, ``baseline``, ``target``,
        ``actual``, ``carried_forward``, ``progress``, ``expected``, ``status``,
        ``aggregatable``. The rules are in the module docstring.

    Examples
    --------
    >>> import ogl_impact
    >>> att = attainment(ogl_impact.load_demo(), labs=["brandis"])
    >>> att.loc[0, ["lab_id", "indicator_id", "period_id"]].tolist()
    ['brandis', 'i01', 'sb1']
    >>> set(att["status"]) <= set(STATUSES)
    True
    """
    if not 0 < tolerance <= 1:
        raise ValueError(f"tolerance must lie in (0, 1]; got {tolerance!r}")
    indicators = data["indicators"]
    if labs is not None:
        unknown = sorted(set(labs) - set(indicators["lab_id"]))
        if unknown:
            raise ValueError(f"unknown labs {unknown}; known: {sorted(set(indicators['lab_id']))}")
        indicators = indicators[indicators["lab_id"].isin(labs)]
    nodes = data["nodes"][["lab_id", "node_id", "level", "stage"]]
    ind = indicators.merge(nodes, on=["lab_id", "node_id"], how="left")

    values = data["indicator_values"]
    totals = values[values["disaggregation_value"].isna()]
    periods = data["periods"]
    reported = periods[periods["period_id"].isin(values["period_id"])].sort_values("end")
    grid = ind.merge(
        reported[["period_id", "end"]].rename(columns={"end": "period_end"}), how="cross"
    )
    grid = grid.merge(
        totals[["lab_id", "indicator_id", "period_id", "value"]],
        on=["lab_id", "indicator_id", "period_id"],
        how="left",
    ).rename(columns={"value": "actual", "baseline_value": "baseline", "target_value": "target"})
    grid = grid.sort_values(["lab_id", "indicator_id", "period_end"], kind="stable")

    carried = grid.groupby(["lab_id", "indicator_id"], sort=False)["actual"].ffill()
    use_carry = grid["cumulative"].astype(bool) & grid["actual"].isna() & carried.notna()
    grid["carried_forward"] = use_carry
    grid["actual"] = grid["actual"].where(~use_carry, carried)

    grid["progress"] = _progress(grid)
    if cap:
        grid["progress"] = grid["progress"].clip(upper=1.0)
    grid["expected"] = _expected(grid)
    grid["status"] = _status(grid, tolerance)
    grid["status"] = _carried_to_the_end(grid)
    out = grid[list(Attainment.to_schema().columns)].reset_index(drop=True)
    return Attainment.validate(out)


def _progress(g: pd.DataFrame) -> pd.Series:
    span = g["target"] - g["baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (g["actual"] - g["baseline"]) / span
    good = np.where(g["ascending"], g["actual"] >= g["target"], g["actual"] <= g["target"])
    flat = (span == 0) & g["actual"].notna()
    progress = ratio.where(~flat, np.where(good, 1.0, 0.0))
    return progress.where(~g["measure"].isin(_STATUS_ONLY))


def _expected(g: pd.DataFrame) -> pd.Series:
    total = (g["target_date"] - g["baseline_date"]).dt.days
    passed = (g["period_end"] - g["baseline_date"]).dt.days
    return (passed / total).clip(0.0, 1.0)


def _status(g: pd.DataFrame, tolerance: float) -> pd.Series:
    asc = g["ascending"].astype(bool)
    actual, base, target = g["actual"], g["baseline"], g["target"]
    at_target = np.where(asc, actual >= target, actual <= target)
    beyond_base = np.where(asc, actual > base, actual < base)
    status_only = g["measure"].isin(_STATUS_ONLY).to_numpy()
    progress, expected = g["progress"], g["expected"]
    numeric_on_track = np.where(expected.notna(), progress >= tolerance * expected, progress > 0)
    achieved = np.where(status_only, at_target, progress >= 1)
    on_track = np.where(status_only, beyond_base, numeric_on_track) & ~_due(g)
    missing = (actual.isna() | target.isna()).to_numpy()
    status = np.select([missing, achieved, on_track], ["no_data", "achieved", "on_track"], "behind")
    return pd.Series(status, index=g.index)


def _due(g: pd.DataFrame) -> np.ndarray:
    """Whether each period ends on or after the indicator's target date (no date: never)."""
    return (g["period_end"] >= g["target_date"]).to_numpy(dtype=bool)


def _carried_to_the_end(g: pd.DataFrame) -> pd.Series:
    """Status of the running totals carried forward to or beyond their target date.

    See the module docstring; ``g`` is sorted by lab, indicator and period end.
    """
    status = g["status"].copy()
    carried = g["carried_forward"].to_numpy(dtype=bool)
    reached = (status == "achieved").to_numpy() & g["ascending"].astype(bool).to_numpy()
    rows = _due(g) & carried & ~reached
    if not rows.any():
        return status
    reported = g["status"].where(~g["carried_forward"].astype(bool))
    last = reported.groupby([g["lab_id"], g["indicator_id"]], sort=False).ffill()
    falling_over = ~g["ascending"].astype(bool) & (g["actual"] > g["target"])
    behind = (last == "behind") | falling_over
    status[rows] = np.where(behind[rows], "behind", "no_data")
    return status
