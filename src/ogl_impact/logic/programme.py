"""Programme views: efficiency, milestone completion (OGP IRM) and the OECD DAC matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.dataset import Dataset
from ogl_impact.logic.attainment import attainment
from ogl_impact.logic.outputs import DacMatrix, Efficiency, MilestoneCompletion


def efficiency(
    data: Dataset,
    att: pd.DataFrame | None = None,
    *,
    input_indicator: str | None = None,
    levels: tuple[str, ...] = ("output", "outcome"),
) -> pd.DataFrame:
    """Input per unit of output or outcome, per lab, period and indicator.

    Parameters
    ----------
    data : Dataset
        Validated tables.
    att : DataFrame, optional
        Output of :func:`ogl_impact.logic.attainment` (computed when not given).
    input_indicator : str, optional
        Name of an input indicator whose value in the period is the input
        (e.g. ``"Eingesetzte Fördermittel (Tsd. EUR)"``). Default: the lab's
        grant in EUR from the ``labs`` table (the same for every period).
    levels : tuple of str
        Levels whose count and unit indicators are set against the input.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``indicator_id``, ``indicator``, ``level``,
        ``input_name``, ``input_value``, ``output_value``, ``ratio`` (input per
        unit; missing when the output is missing or 0).

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
    out = att[att["level"].isin(levels) & att["measure"].isin(["count", "unit"])].copy()
    out["indicator"] = [
        names[(lab, i)] for lab, i in zip(out["lab_id"], out["indicator_id"], strict=True)
    ]
    if input_indicator is None:
        grants = data["labs"].set_index("lab_id")["grant_eur"]
        out["input_name"] = "Zuwendung (EUR)"
        out["input_value"] = out["lab_id"].map(grants).astype(float)
    else:
        inputs = att.assign(
            _name=[
                names[(lab, i)] for lab, i in zip(att["lab_id"], att["indicator_id"], strict=True)
            ]
        )
        inputs = inputs[(inputs["_name"] == input_indicator) & (inputs["level"] == "input")]
        if inputs.empty:
            known = sorted(
                set(names[att[att["level"] == "input"].set_index(["lab_id", "indicator_id"]).index])
            )
            raise ValueError(
                f"no input indicator named {input_indicator!r}; input indicators: {known}"
            )
        value = inputs.set_index(["lab_id", "period_id"])["actual"]
        out["input_name"] = input_indicator
        out["input_value"] = [
            value.get((lab, p), np.nan)
            for lab, p in zip(out["lab_id"], out["period_id"], strict=True)
        ]
    out["output_value"] = out["actual"]
    out["ratio"] = out["input_value"] / out["output_value"].where(out["output_value"] != 0)
    cols = list(Efficiency.to_schema().columns)
    return Efficiency.validate(out[cols].reset_index(drop=True))


def milestone_completion(data: Dataset) -> pd.DataFrame:
    """Milestones per lab, period and OGP IRM completion level.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``completion`` (in IRM order: no evidence
        available, not started, limited, substantial, complete),
        ``completion_de``, ``n`` and ``share`` of the lab's milestones in that
        period. Every level appears, with n = 0 where no milestone has it.
    """
    ms = data["milestones"]
    order = list(vocab.IRM_COMPLETION)
    counts = ms.groupby(["lab_id", "period_id", "completion"]).size()
    grid = pd.MultiIndex.from_product(
        [sorted(ms["lab_id"].unique()), sorted(ms["period_id"].unique()), order],
        names=["lab_id", "period_id", "completion"],
    )
    # only the lab-period pairs that exist
    pairs = set(zip(ms["lab_id"], ms["period_id"], strict=True))
    grid = grid[[(lab, p) in pairs for lab, p, _ in grid]]
    out = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    out["share"] = out["n"] / out.groupby(["lab_id", "period_id"])["n"].transform("sum")
    out["completion_de"] = out["completion"].map(lambda c: vocab.label(vocab.IRM_COMPLETION, c))
    ends = data["periods"].set_index("period_id")["end"]
    out["_end"] = out["period_id"].map(ends)
    out["_rank"] = out["completion"].map({c: i for i, c in enumerate(order)})
    out = out.sort_values(["lab_id", "_end", "_rank"]).reset_index(drop=True)
    return MilestoneCompletion.validate(out[list(MilestoneCompletion.to_schema().columns)])


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
