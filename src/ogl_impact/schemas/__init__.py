"""Table schemas: the registry of programme tables and their pandera models.

``TABLES`` maps each table name (which is also its file name without suffix)
to its :class:`TableSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

from ogl_impact.schemas import tables as t


@dataclass(frozen=True)
class TableSpec:
    """A programme table: its name, model and primary key.

    Attributes
    ----------
    name : str
        Table name and file stem (``labs`` is read from ``labs.csv`` or ``labs.xlsx``).
    model : type[pandera.DataFrameModel]
        The pandera model that validates it.
    key : tuple of str
        Columns that identify a row.
    title_de : str
        German title, for messages.
    """

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    title_de: str


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("sources", t.Sources, ("source_id",), "Quellen"),
        TableSpec(
            "perspectives", t.Perspectives, ("perspective_id",), "Perspektiven der Offenheit"
        ),
        TableSpec("labs", t.Labs, ("lab_id",), "Labore"),
        TableSpec("partners", t.Partners, ("partner_id",), "Partner"),
        TableSpec("periods", t.Periods, ("period_id",), "Berichtszeiträume"),
        TableSpec("comparison_communes", t.ComparisonCommunes, ("unit_id",), "Vergleichskommunen"),
        TableSpec("waves", t.Waves, ("wave",), "Befragungswellen"),
        TableSpec("nodes", t.Nodes, ("lab_id", "node_id"), "Wirkungsmodelle"),
        TableSpec("indicators", t.Indicators, ("lab_id", "indicator_id"), "Indikatoren"),
        TableSpec(
            "indicator_values",
            t.IndicatorValues,
            ("lab_id", "indicator_id", "period_id", "disaggregation_value"),
            "Indikatorwerte",
        ),
        TableSpec("codebook", t.Codebook, ("item_id",), "Codebuch"),
        TableSpec(
            "responses", t.Responses, ("respondent_id", "wave", "item_id"), "Befragungsantworten"
        ),
        TableSpec(
            "milestones", t.Milestones, ("lab_id", "milestone_id", "period_id"), "Meilensteine"
        ),
        TableSpec("dac_ratings", t.DacRatings, ("lab_id", "criterion"), "DAC-Bewertungen"),
        TableSpec(
            "submissions",
            t.Submissions,
            ("lab_id", "period_id", "sha256", "outcome"),
            "Datenlieferungen",
        ),
        TableSpec(
            "revisions",
            t.Revisions,
            ("lab_id", "period_id", "table", "row_key", "column", "sha256"),
            "Korrekturen",
        ),
        TableSpec(
            "imports",
            t.Imports,
            ("sha256", "wave", "unit_id", "actor_group"),
            "Importierte Befragungsexporte",
        ),
        TableSpec(
            "imported_responses",
            t.ImportedResponses,
            ("sha256", "response"),
            "Importierte Antwortbögen",
        ),
    )
}
"""All programme tables, in dependency order (referenced tables first)."""

__all__ = ["TABLES", "TableSpec"]
