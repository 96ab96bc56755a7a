"""Chain diagnostics: where an impact model's evidence does not hold together.

Each flag comes with a plain explanation in German and English:

- ``outcome_ahead_of_outputs``: an outcome or impact node is reached (all its
  indicators with data achieved or on track) while an output that feeds it
  has an indicator behind;
- ``outputs_without_outcome_movement``: an output node is achieved (all its
  indicators with data achieved) while no indicator of an outcome it feeds
  has moved from its baseline (progress <= 0, or an ordinal still at its
  baseline);
- ``node_without_indicators``: a node nothing measures;
- ``indicator_without_values``: an indicator that never got a value;
- ``stale_indicator``: an indicator with values, but none in the last two
  reporting periods that have values in the data.
"""

from __future__ import annotations

import pandas as pd

from ogl_impact.dataset import Dataset
from ogl_impact.logic.attainment import attainment
from ogl_impact.logic.outputs import Diagnostics

MESSAGES = {
    "outcome_ahead_of_outputs": (
        "„{node}“ gilt als erreicht oder im Plan, aber der Output „{other}“, der dazu beiträgt, "
        "liegt im Verzug.",
        "'{node}' counts as reached or on track, but output '{other}', which feeds it, is behind.",
    ),
    "outputs_without_outcome_movement": (
        "Der Output „{node}“ ist erreicht, doch das Outcome „{other}“ hat sich nicht vom "
        "Ausgangswert bewegt.",
        "Output '{node}' is achieved, but outcome '{other}' has not moved from its baseline.",
    ),
    "node_without_indicators": (
        "Der Knoten „{node}“ wird von keinem Indikator gemessen.",
        "Node '{node}' is measured by no indicator.",
    ),
    "indicator_without_values": (
        "Der Indikator „{indicator}“ hat in keinem Zeitraum einen Wert.",
        "Indicator '{indicator}' has no value in any period.",
    ),
    "stale_indicator": (
        "Der Indikator „{indicator}“ hat in den letzten beiden Berichtszeiträumen keinen Wert.",
        "Indicator '{indicator}' has no value in the last two reporting periods.",
    ),
}


def diagnostics(data: Dataset, att: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flag breaks in each lab's chain of evidence.

    Parameters
    ----------
    data : Dataset
        Validated tables.
    att : DataFrame, optional
        Output of :func:`ogl_impact.logic.attainment` (computed when not given).

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``period_id``, ``node_id``, ``indicator_id``, ``flag``,
        ``explanation_de``, ``explanation_en`` (missing where a field does not
        apply). The flags are explained in the module docstring.
    """
    att = attainment(data) if att is None else att
    nodes = data["nodes"]
    labels = nodes.set_index(["lab_id", "node_id"])["label"]
    rows: list[dict] = []

    def add(flag: str, lab: str, period=None, node=None, indicator=None, other=None) -> None:
        text = {
            "node": labels.get((lab, node), node),
            "other": labels.get((lab, other), other),
            "indicator": indicator,
        }
        de, en = MESSAGES[flag]
        rows.append(
            {
                "lab_id": lab,
                "period_id": period,
                "node_id": node,
                "indicator_id": indicator,
                "flag": flag,
                "explanation_de": de.format(**text),
                "explanation_en": en.format(**text),
            }
        )

    state = _node_state(att).to_dict("index")
    edges = (
        nodes.dropna(subset=["contributes_to"])
        .assign(target=lambda f: f["contributes_to"].str.split("|"))
        .explode("target")[["lab_id", "node_id", "level", "target"]]
    )
    levels = nodes.set_index(["lab_id", "node_id"])["level"]
    edges["target_level"] = [
        levels.get((lab, t)) for lab, t in zip(edges["lab_id"], edges["target"], strict=True)
    ]
    feeds = edges[(edges["level"] == "output") & edges["target_level"].isin(["outcome", "impact"])]
    periods = list(att["period_id"].unique())
    for row in feeds.itertuples(index=False):
        for period in periods:
            src = state.get((row.lab_id, row.node_id, period))
            dst = state.get((row.lab_id, row.target, period))
            if src is None or dst is None:
                continue
            if dst["reached"] and src["any_behind"]:
                add("outcome_ahead_of_outputs", row.lab_id, period, row.target, other=row.node_id)
            if src["achieved"] and dst["n_data"] > 0 and not dst["moved"]:
                add(
                    "outputs_without_outcome_movement",
                    row.lab_id,
                    period,
                    row.node_id,
                    other=row.target,
                )

    measured = data["indicators"][["lab_id", "node_id"]].drop_duplicates()
    bare = nodes.merge(measured, how="left", indicator=True)
    for row in bare[bare["_merge"] == "left_only"].itertuples(index=False):
        add("node_without_indicators", row.lab_id, node=row.node_id)

    values = data["indicator_values"].dropna(subset=["value"])
    with_values = values[["lab_id", "indicator_id"]].drop_duplicates()
    ind = data["indicators"].merge(with_values, how="left", indicator=True)
    for row in ind[ind["_merge"] == "left_only"].itertuples(index=False):
        add("indicator_without_values", row.lab_id, node=row.node_id, indicator=row.indicator_id)
    periods = data["periods"]
    reported = periods[periods["period_id"].isin(values["period_id"])].sort_values("end")
    last_two = list(reported["period_id"].tail(2))
    recent = values[values["period_id"].isin(last_two)][
        ["lab_id", "indicator_id"]
    ].drop_duplicates()
    active = (
        ind[ind["_merge"] == "both"]
        .drop(columns="_merge")
        .merge(recent, how="left", indicator=True)
    )
    for row in active[active["_merge"] == "left_only"].itertuples(index=False):
        add(
            "stale_indicator",
            row.lab_id,
            last_two[-1] if last_two else None,
            row.node_id,
            row.indicator_id,
        )

    out = pd.DataFrame(rows, columns=list(Diagnostics.to_schema().columns))
    return Diagnostics.validate(
        out.sort_values(
            ["lab_id", "flag", "period_id", "node_id"], na_position="first"
        ).reset_index(drop=True)
    )


def _node_state(att: pd.DataFrame) -> pd.DataFrame:
    """Per lab, node and period: how the node's indicators stand."""
    with_data = att["status"] != "no_data"
    moved = att["progress"].gt(0) | (
        att["progress"].isna() & att["status"].isin(["on_track", "achieved"])
    )
    frame = att.assign(
        _data=with_data,
        _ok=att["status"].isin(["achieved", "on_track"]) | ~with_data,
        _achieved=(att["status"] == "achieved") | ~with_data,
        _behind=att["status"] == "behind",
        _moved=moved & with_data,
    )
    g = frame.groupby(["lab_id", "node_id", "period_id"])
    state = pd.DataFrame(
        {
            "n_data": g["_data"].sum(),
            "reached": g["_ok"].all() & (g["_data"].sum() > 0),
            "achieved": g["_achieved"].all() & (g["_data"].sum() > 0),
            "any_behind": g["_behind"].any(),
            "moved": g["_moved"].any(),
        }
    )
    return state
