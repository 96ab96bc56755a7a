"""Programme views: efficiency, milestone completion (OGP IRM) and the OECD DAC matrix."""

from __future__ import annotations

import re

import pandas as pd

from ogl_impact import vocab
from ogl_impact.dataset import Dataset
from ogl_impact.logic.attainment import attainment
from ogl_impact.logic.outputs import DacMatrix, Efficiency, MilestoneCompletion, MilestoneTiming

EFFICIENCY_MEASURES = ("count",)
"""Measures of the output indicators that efficiency is computed for: counted things."""

_MONEY = re.compile(r"(?:\b(Tsd|Mio)\.?\s*)?(?:\bEURO?\b|€)", re.IGNORECASE)
_SCALE = {None: 1.0, "tsd": 1e3, "mio": 1e6}


def euro_factor(name: str) -> float | None:
    """Return the factor that turns an input indicator's values into EUR.

    Parameters
    ----------
    name : str
        Name of the indicator, e.g. ``"Eingesetzte Fördermittel (Tsd. EUR)"``.

    Returns
    -------
    float or None
        1 for "EUR", "Euro" or "€", 1000 for "Tsd. EUR", 1 000 000 for "Mio. EUR";
        None when the name states no amount of money in EUR.

    Examples
    --------
    >>> euro_factor("Eingesetzte Fördermittel (Tsd. EUR)")
    1000.0
    >>> euro_factor("Personal des Labors (Vollzeitäquivalente)") is None
    True
    """
    found = _MONEY.search(name)
    if found is None:
        return None
    scale = found.group(1)
    return _SCALE[scale.lower() if scale else None]


def efficiency(
    data: Dataset,
    att: pd.DataFrame | None = None,
    *,
    input_indicator: str | None = None,
    levels: tuple[str, ...] = ("output", "outcome"),
) -> pd.DataFrame:
    """Input in EUR per unit of output or outcome, where that ratio means something.

    Rule: efficiency (input per output) is computed only for indicators that
    count things produced, where more is better: measure ``count``
    (:data:`EFFICIENCY_MEASURES`) and ``ascending``. Durations and other
    units (days, full-time equivalents, scale means), percentages and rates,
    ordinal and qualitative indicators, and every lower-is-better indicator
    get no efficiency: EUR per day of processing time or per percentage
    point is no cost of a result. The input is money in EUR: the lab's
    grant, or an input indicator whose name states EUR (values in "Tsd. EUR"
    or "Mio. EUR" are converted to EUR).

    Parameters
    ----------
    data : Dataset
        Validated tables.
    att : DataFrame, optional
        Output of :func:`ogl_impact.logic.attainment` (computed when not given).
    input_indicator : str, optional
        Name of an input indicator in EUR whose value in the period is the
        input (e.g. ``"Eingesetzte Fördermittel (Tsd. EUR)"``). Default: the
        lab's grant in EUR from the ``labs`` table (the same for every period).
    levels : tuple of str
        Levels whose counted indicators are set against the input.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``indicator_id``, ``indicator``, ``level``,
        ``input_name``, ``input_value`` (EUR), ``output_value``, ``ratio``
        (EUR per unit; missing when the input or the output is missing or
        the output is 0). Only indicators that pass the rule above.

    Raises
    ------
    ValueError
        For an unknown level, an unknown input indicator or one not in EUR.

    Examples
    --------
    >>> import ogl_impact
    >>> eff = efficiency(ogl_impact.load_demo())
    >>> eff["input_name"].unique().tolist()
    ['Zuwendung (EUR)']
    """
    bad = set(levels) - set(vocab.LEVELS)
    if bad:
        raise ValueError(f"unknown levels {sorted(bad)}; allowed: {list(vocab.LEVELS)}")
    att = attainment(data) if att is None else att
    names = data["indicators"].set_index(["lab_id", "indicator_id"])["name"]
    meaningful = (
        att["level"].isin(levels)
        & att["measure"].isin(EFFICIENCY_MEASURES)
        & att["ascending"].astype(bool)
    )
    out = att[meaningful].copy()
    out["indicator"] = [
        names[(lab, i)] for lab, i in zip(out["lab_id"], out["indicator_id"], strict=True)
    ]
    if input_indicator is None:
        grants = data["labs"].set_index("lab_id")["grant_eur"]
        out["input_name"] = "Zuwendung (EUR)"
        out["input_value"] = out["lab_id"].map(grants).astype(float)
    else:
        out["input_name"] = input_indicator
        out["input_value"] = (
            _input_in_euro(att, names, input_indicator)
            .reindex(pd.MultiIndex.from_frame(out[["lab_id", "period_id"]]))
            .to_numpy()
        )
    out["output_value"] = out["actual"]
    out["ratio"] = out["input_value"] / out["output_value"].where(out["output_value"] > 0)
    cols = list(Efficiency.to_schema().columns)
    return Efficiency.validate(out[cols].reset_index(drop=True))


def _input_in_euro(att: pd.DataFrame, names: pd.Series, input_indicator: str) -> pd.Series:
    """Values of an input indicator in EUR by lab and period."""
    inputs = att[att["level"] == "input"]
    named = [
        names[(lab, i)] for lab, i in zip(inputs["lab_id"], inputs["indicator_id"], strict=True)
    ]
    inputs = inputs.assign(_name=named)
    chosen = inputs[inputs["_name"] == input_indicator]
    if chosen.empty:
        known = sorted(set(named))
        raise ValueError(f"no input indicator named {input_indicator!r}; input indicators: {known}")
    factor = euro_factor(input_indicator)
    if factor is None:
        raise ValueError(
            f"input indicator {input_indicator!r} is no amount of money in EUR (its name states "
            "no EUR); efficiency sets money against results"
        )
    return chosen.set_index(["lab_id", "period_id"])["actual"] * factor


def _milestones_dated(data: Dataset) -> pd.DataFrame:
    """Milestone rows with the end of their period and whether they were due or ahead of plan."""
    ms = data["milestones"]
    ends = data["periods"].set_index("period_id")["end"]
    out = ms.assign(_end=pd.to_datetime(ms["period_id"].map(ends)))
    due = out["planned_date"] <= out["_end"]
    ahead = ~due & out["achieved_date"].notna() & (out["achieved_date"] <= out["_end"])
    return out.assign(_due=due, _ahead=ahead)


def milestone_completion(data: Dataset) -> pd.DataFrame:
    """Milestones due per lab, period and OGP IRM completion level.

    A milestone is *due* in a reporting period when its planned date lies on
    or before the period's end (the report date). Only due milestones are
    counted; milestones planned later are left out, also when they were
    achieved early (see :func:`milestone_timing` for those).

    Parameters
    ----------
    data : Dataset
        Validated tables (``milestones``, ``periods``).

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``completion`` (in IRM order: no evidence
        available, not started, limited, substantial, complete),
        ``completion_de``, ``n`` (due milestones at that level) and
        ``share`` of the lab's due milestones in that period (missing when
        none is due). Every level appears for every lab and period in the
        table, with n = 0 where no due milestone has it.

    Examples
    --------
    >>> import ogl_impact
    >>> irm = milestone_completion(ogl_impact.load_demo())
    >>> int(irm.loc[irm["period_id"] == "sb1", "n"].sum())
    10
    """
    ms = _milestones_dated(data)
    order = list(vocab.IRM_COMPLETION)
    counts = ms[ms["_due"]].groupby(["lab_id", "period_id", "completion"]).size()
    grid = pd.MultiIndex.from_product(
        [sorted(ms["lab_id"].unique()), sorted(ms["period_id"].unique()), order],
        names=["lab_id", "period_id", "completion"],
    )
    # only the lab-period pairs that exist
    pairs = set(zip(ms["lab_id"], ms["period_id"], strict=True))
    grid = grid[[(lab, p) in pairs for lab, p, _ in grid]]
    out = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    due = out.groupby(["lab_id", "period_id"])["n"].transform("sum")
    out["share"] = out["n"] / due.where(due > 0)
    out["completion_de"] = out["completion"].map(lambda c: vocab.label(vocab.IRM_COMPLETION, c))
    ends = data["periods"].set_index("period_id")["end"]
    out["_end"] = out["period_id"].map(ends)
    out["_rank"] = out["completion"].map({c: i for i, c in enumerate(order)})
    out = out.sort_values(["lab_id", "_end", "_rank"]).reset_index(drop=True)
    return MilestoneCompletion.validate(out[list(MilestoneCompletion.to_schema().columns)])


def milestone_timing(data: Dataset) -> pd.DataFrame:
    """Milestones per lab and period: planned in all, due, and achieved ahead of plan.

    *Due*: planned on or before the end of the period (the report date).
    *Ahead of plan*: not yet due, but achieved on or before the end of the
    period. The two never overlap, so a count of due milestones never holds
    one achieved ahead of plan.

    Parameters
    ----------
    data : Dataset
        Validated tables (``milestones``, ``periods``).

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``period_end``, ``planned`` (milestones
        of the lab in the period's table), ``due``, ``ahead_of_plan``; one
        row per lab and period in the table, in time order per lab.

    Examples
    --------
    >>> import ogl_impact
    >>> t = milestone_timing(ogl_impact.load_demo())
    >>> t[t["period_id"] == "sb1"][["due", "ahead_of_plan"]].sum().tolist()
    [10, 1]
    """
    ms = _milestones_dated(data)
    grouped = ms.groupby(["lab_id", "period_id"], sort=False)
    out = pd.DataFrame(
        {
            "period_end": grouped["_end"].first(),
            "planned": grouped.size(),
            "due": grouped["_due"].sum(),
            "ahead_of_plan": grouped["_ahead"].sum(),
        }
    ).reset_index()
    out = out.sort_values(["lab_id", "period_end"]).reset_index(drop=True)
    return MilestoneTiming.validate(out)


def dac_matrix(data: Dataset) -> pd.DataFrame:
    """Return the OECD DAC criteria matrix: every lab against every criterion.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``criterion`` (relevance, coherence, effectiveness,
        efficiency, impact, sustainability, in this order), ``criterion_de``,
        ``rating`` (1-4, missing where a lab was not rated), ``rating_de``
        ("nicht bewertet" when missing) and ``evidence``. Pivot on
        ``criterion`` for the matrix as a table.
    """
    labs = sorted(data["labs"]["lab_id"])
    grid = pd.MultiIndex.from_product(
        [labs, list(vocab.DAC_CRITERIA)], names=["lab_id", "criterion"]
    )
    ratings = data.tables.get("dac_ratings")
    if ratings is None:
        ratings = pd.DataFrame(columns=["lab_id", "criterion", "rating", "evidence"])
    out = ratings.set_index(["lab_id", "criterion"]).reindex(grid).reset_index()
    out["rating"] = out["rating"].astype("Int64")
    out["criterion_de"] = out["criterion"].map(lambda c: vocab.label(vocab.DAC_CRITERIA, c))
    out["rating_de"] = out["rating"].map(
        lambda r: "nicht bewertet" if pd.isna(r) else vocab.label(vocab.DAC_RATINGS, int(r))
    )
    return DacMatrix.validate(out[list(DacMatrix.to_schema().columns)])
