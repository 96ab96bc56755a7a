"""Evidence strength of every outcome and impact claim on the Maryland Scientific Methods Scale.

The level is derived from what data exists for the claim (an outcome or
impact node of a lab):

- **1** monitoring only: the node's indicators have values, but none with a
  baseline and a later value;
- **2** before/after: an indicator has a baseline value and a value after
  the baseline date;
- **3** before/after with a comparison group: the lab was surveyed on a
  construct the node serves (its perspectives of openness) before the
  programme started and afterwards, and comparison communes were surveyed on
  the same items in the same waves;
- **4** and **5** (control for selection, randomisation) cannot be seen in
  the tables: a researcher declares them in ``designs``;
- missing (``msms`` is empty): no data at all for the claim.
"""

from __future__ import annotations

import pandas as pd

from ogl_impact.dataset import Dataset
from ogl_impact.logic.outputs import Evidence

MSMS_DE = {
    1: "Nur Monitoring",
    2: "Vorher-nachher",
    3: "Vorher-nachher mit Vergleichsgruppe",
    4: "Vergleich mit Kontrolle der Selektion",
    5: "Randomisiert",
}


def evidence_strength(data: Dataset, designs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the Maryland level of the evidence behind each outcome and impact node.

    Parameters
    ----------
    data : Dataset
        Validated tables (``nodes``, ``indicators``, ``indicator_values``; for
        level 3 also ``responses``, ``codebook``, ``waves``, ``periods`` and
        ``comparison_communes``).
    designs : DataFrame, optional
        Declared designs with columns ``lab_id``, ``node_id``, ``msms`` (4 or 5)
        and ``design`` (a note); a declared level replaces a lower derived one.

    Returns
    -------
    pandas.DataFrame
        ``lab_id``, ``node_id``, ``level``, ``msms`` (1-5, missing without
        data), ``msms_de``, ``basis`` (what the level rests on, naming the surveyed
        perspectives by their German names).
    """
    nodes = data["nodes"]
    claims = nodes[nodes["level"].isin(["outcome", "impact"])][
        ["lab_id", "node_id", "level", "perspectives"]
    ]
    ind = data["indicators"]
    values = (
        data["indicator_values"]
        .dropna(subset=["value"])
        .merge(data["periods"][["period_id", "end"]])
    )
    values = values.merge(
        ind[["lab_id", "indicator_id", "node_id", "baseline_value", "baseline_date"]]
    )
    values["after"] = values["end"] > values["baseline_date"]
    per_node = values.groupby(["lab_id", "node_id"]).agg(
        any_value=("value", "size"),
        before_after=("after", lambda s: bool(s.any())),
    )
    with_baseline = values[values["baseline_value"].notna() & values["after"]]
    ba_nodes = set(zip(with_baseline["lab_id"], with_baseline["node_id"], strict=True))
    surveyed = _surveyed_with_comparison(data)
    # the basis names the perspectives a reader knows, not their ids (p1 -> "Transparenz")
    names: dict[str, str] = {}
    if "perspectives" in data.tables:
        perspectives = data["perspectives"]
        names = dict(
            zip(
                perspectives["perspective_id"].astype(str),
                perspectives["name_de"].astype(str),
                strict=True,
            )
        )

    rows = []
    for row in claims.itertuples(index=False):
        key = (row.lab_id, row.node_id)
        constructs = (
            set(row.perspectives.split("|")) if isinstance(row.perspectives, str) else set()
        )
        level, basis = None, "keine Daten"
        if key in per_node.index:
            level, basis = 1, "Indikatorwerte ohne Ausgangswert"
        if key in ba_nodes:
            level, basis = 2, "Ausgangswert und spätere Indikatorwerte"
        hit = sorted(constructs & surveyed.get(row.lab_id, set()))
        if hit:
            level, basis = (
                3,
                "Befragung vor und nach Laborbeginn, mit Vergleichskommunen: "
                + ", ".join(names.get(c, c) for c in hit),
            )
        rows.append(
            {
                "lab_id": row.lab_id,
                "node_id": row.node_id,
                "level": row.level,
                "msms": level,
                "basis": basis,
            }
        )
    out = pd.DataFrame(rows, columns=["lab_id", "node_id", "level", "msms", "basis"])
    if designs is not None:
        out = _declared(out, designs)
    out["msms"] = out["msms"].astype("Int64")
    out["msms_de"] = out["msms"].map(MSMS_DE, na_action="ignore").fillna("keine Daten")
    return Evidence.validate(out[list(Evidence.to_schema().columns)])


def _surveyed_with_comparison(data: Dataset) -> dict[str, set[str]]:
    """Return, per lab, the constructs surveyed before and after the start, with comparisons."""
    needed = ("responses", "codebook", "waves", "periods", "comparison_communes")
    if not all(name in data.tables for name in needed):
        return {}
    start = data["periods"]["start"].min()
    waves = data["waves"]
    before = set(waves.loc[waves["field_end"] < start, "wave"])
    after = set(waves.loc[waves["field_start"] >= start, "wave"])
    r = data["responses"].dropna(subset=["value"])
    construct = r["item_id"].map(data["codebook"].set_index("item_id")["construct"]).astype(str)
    seen = pd.DataFrame(
        {"unit": r["unit_id"].astype(str), "wave": r["wave"], "construct": construct}
    ).drop_duplicates()
    comparison = set(data["comparison_communes"]["unit_id"])
    comp = seen[seen["unit"].isin(comparison)]
    comp_waves = comp.groupby("construct")["wave"].agg(set).to_dict()
    out: dict[str, set[str]] = {}
    for (unit, c), waves_seen in seen.groupby(["unit", "construct"])["wave"].agg(set).items():
        if unit in comparison:
            continue
        pre, post = waves_seen & before, waves_seen & after
        cw = comp_waves.get(c, set())
        if pre & cw and post & cw:
            out.setdefault(unit, set()).add(c)
    return out


def _declared(out: pd.DataFrame, designs: pd.DataFrame) -> pd.DataFrame:
    missing = {"lab_id", "node_id", "msms", "design"} - set(designs.columns)
    if missing:
        raise ValueError(
            f"designs needs columns lab_id, node_id, msms, design; missing {sorted(missing)}"
        )
    if not designs["msms"].isin([4, 5]).all():
        raise ValueError(
            "declared designs are for levels 4 and 5; lower levels are derived from the data"
        )
    merged = out.merge(designs, on=["lab_id", "node_id"], how="left", suffixes=("", "_declared"))
    take = merged["msms_declared"].notna() & (
        merged["msms"].isna() | (merged["msms_declared"] > merged["msms"])
    )
    merged.loc[take, "msms"] = merged.loc[take, "msms_declared"]
    merged.loc[take, "basis"] = "erklärtes Design: " + merged.loc[take, "design"].astype(str)
    return merged[["lab_id", "node_id", "level", "msms", "basis"]]
