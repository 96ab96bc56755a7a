"""Which figures each research report holds, and the date its data stop.

The reports are the research assistance's status reports (Sachstandsberichte
1-6), the interim report (June 2021) and the project report (November 2022);
their dates come from the ``periods`` table (kinds ``status_report``,
``interim_report``, ``project_report``), so a report is drawn only from data
available up to the end of its period.

``REPORT_FIGURES`` is derived from the figure declarations
(:func:`ogl_impact.reports.figures.declare`, argument ``reports``): the
status reports hold the network view (stage, attainment, progress, trust,
effects, milestones); the interim and project reports add the openness
profiles, the stage history per lab and the partner composition, and the
project report the impact-model diagram of every lab. A figure whose data do
not exist yet at a report's date (e.g. the change between two survey waves
before the second wave) is left out of that report, and the gallery says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ogl_impact.reports.figures import figures_of
from ogl_impact.reports.figures.base import ALL_REPORTS

REPORT_KINDS = ("status_report", "interim_report", "project_report")

REPORT_FIGURES: dict[str, tuple[str, ...]] = {rid: figures_of(rid) for rid in ALL_REPORTS}
"""Figures per report, in report order, as declared when this module was imported."""


@dataclass(frozen=True)
class Report:
    """One research report: id, title, the last day of its data, its figures."""

    report_id: str
    title: str
    until: date
    figures: tuple[str, ...]


def reports(periods: pd.DataFrame) -> list[Report]:
    """List the reports of the registry with their dates from the periods table.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.

    Returns
    -------
    list of Report
        In time order; only reports that are in the table and hold at
        least one declared figure.
    """
    rows = periods[periods["kind"].isin(REPORT_KINDS)].sort_values("end")
    out = []
    for _, row in rows.iterrows():
        rid = str(row["period_id"])
        figures = figures_of(rid)
        if figures:
            end = pd.Timestamp(row["end"]).date()
            out.append(Report(rid, str(row["label_de"]), end, figures))
    return out


def find(periods: pd.DataFrame, report_id: str) -> Report:
    """Return one report by id.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.
    report_id : str
        E.g. ``"sb3"``.

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        Naming the known report ids.
    """
    known = reports(periods)
    for report in known:
        if report.report_id == report_id:
            return report
    raise ValueError(
        f"unknown report {report_id!r}; known: {', '.join(r.report_id for r in known)}"
    )
