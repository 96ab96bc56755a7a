"""Output schemas: the documented columns of every result frame of :mod:`ogl_impact.logic`."""

from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ogl_impact import vocab
from ogl_impact.schemas.fields import field

STATUS_VALUES = ["achieved", "on_track", "behind", "no_data"]


class _Output(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class Attainment(_Output):
    """One row per lab, indicator and reporting period."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    indicator_id: Series[str] = field("Indikator", "Indikator", "Indicator")
    node_id: Series[str] = field("Knoten", "Gemessener Knoten", "Node measured")
    level: Series[str] = field("Ebene", "Ebene der Wirkungskette", "IOOI level")
    stage: Series[pd.Int64Dtype] = field("Stufe", "Wirkungstreppe", "Stage", nullable=True)
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    period_end: Series[pd.Timestamp] = field("Stichtag", "Ende des Zeitraums", "Period end")
    measure: Series[str] = field("Maß", "Art des Maßes", "Measure")
    ascending: Series[bool] = field("Aufsteigend", "Höher ist besser", "Higher is better")
    baseline: Series[float] = field("Ausgangswert", "Ausgangswert", "Baseline", nullable=True)
    target: Series[float] = field("Zielwert", "Zielwert", "Target", nullable=True)
    actual: Series[float] = field("Istwert", "Istwert im Zeitraum", "Actual value", nullable=True)
    carried_forward: Series[bool] = field(
        "Fortgeschrieben",
        "Kumulierter Wert aus früherem Zeitraum übernommen",
        "Cumulative value carried forward from an earlier period",
    )
    progress: Series[float] = field(
        "Fortschritt",
        "(Ist - Ausgang) / (Ziel - Ausgang); 1 = Ziel erreicht",
        "(actual - baseline) / (target - baseline); 1 = target reached",
        nullable=True,
    )
    expected: Series[float] = field(
        "Zeitanteil",
        "Anteil der Zeit bis zum Zieldatum, der verstrichen ist",
        "Share of the time to the target date that has passed",
        nullable=True,
    )
    status: Series[str] = field(
        "Status",
        "erreicht, im Plan, im Verzug oder keine Daten",
        "achieved, on track, behind or no data",
        isin=STATUS_VALUES,
    )
    aggregatable: Series[bool] = field(
        "Aggregierbar", "Über Labore zusammenfassbar", "Aggregatable"
    )


class Rollup(_Output):
    """Attainment summarised over groups of indicators (columns ``by`` come first)."""

    n_indicators: Series[int] = field("Indikatoren", "Anzahl Indikatoren", "Indicators", ge=0)
    n_with_data: Series[int] = field(
        "mit Daten", "Indikatoren mit Wert", "Indicators with data", ge=0
    )
    mean_progress: Series[float] = field(
        "Mittlerer Fortschritt",
        "(Gewichteter) Mittelwert des Fortschritts",
        "(Weighted) mean progress",
        nullable=True,
    )
    share_achieved: Series[float] = field(
        "Anteil erreicht", "Anteil erreicht", "Share achieved", nullable=True
    )
    share_on_track: Series[float] = field(
        "Anteil im Plan", "Anteil im Plan", "Share on track", nullable=True
    )
    share_behind: Series[float] = field(
        "Anteil im Verzug", "Anteil im Verzug", "Share behind", nullable=True
    )

    class Config:  # noqa: D106
        strict = False  # the grouping columns come first


class MajorityStatus(_Output):
    """Most frequent attainment status per group of indicators (grouping columns first)."""

    status: Series[str] = field(
        "Status",
        "Häufigster Status der Indikatoren mit Daten; bei Gleichstand der ungünstigere",
        "Most frequent status of the indicators with data; ties: the less favourable",
        isin=STATUS_VALUES,
    )
    n_with_data: Series[int] = field(
        "mit Daten", "Indikatoren mit Wert", "Indicators with data", ge=0
    )

    class Config:  # noqa: D106
        strict = False  # the grouping columns come first


class NetworkProgress(_Output):
    """Mean progress of the network per level and period, and the linear target path."""

    level: Series[str] = field("Ebene", "Ebene der Wirkungskette", "IOOI level")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    period_end: Series[pd.Timestamp] = field("Stichtag", "Ende des Zeitraums", "Period end")
    n_labs: Series[int] = field("Labore", "Labore mit Wert", "Labs with a value", ge=0)
    n_indicators: Series[int] = field(
        "Indikatoren", "Indikatoren mit Fortschrittswert", "Indicators with progress", ge=1
    )
    mean_progress: Series[float] = field(
        "Mittlerer Fortschritt",
        "Mittel des auf 1 begrenzten Fortschritts (nur aggregierbare Indikatoren)",
        "Mean progress capped at 1 (aggregatable indicators only)",
        nullable=True,
    )
    mean_expected: Series[float] = field(
        "Zielpfad",
        "Mittlerer Zeitanteil bis zum Zieldatum (linearer Zielpfad)",
        "Mean share of the time to the target date (linear target path)",
        nullable=True,
    )


class Stages(_Output):
    """The Wirkungstreppe stage each lab has reached per reporting period."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    period_end: Series[pd.Timestamp] = field("Stichtag", "Ende des Zeitraums", "Period end")
    stage: Series[int] = field(
        "Erreichte Stufe",
        "Höchste erreichte Stufe (0 = keine)",
        "Highest stage reached (0 = none)",
        ge=0,
        le=7,
    )
    skipped: Series[str] = field(
        "Übersprungen",
        "Stufen unter der erreichten ohne bewertbaren Indikator (übersprungen, nicht belegt)",
        "Stages below the one reached without an assessable indicator (passed over, not shown)",
    )


class Diagnostics(_Output):
    """One row per flag raised by :func:`ogl_impact.logic.diagnostics`."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field(
        "Zeitraum", "Berichtszeitraum", "Reporting period", nullable=True
    )
    node_id: Series[str] = field("Knoten", "Knoten", "Node", nullable=True)
    indicator_id: Series[str] = field("Indikator", "Indikator", "Indicator", nullable=True)
    flag: Series[str] = field("Befund", "Art des Befunds", "Kind of flag")
    explanation_de: Series[str] = field(
        "Erläuterung", "Erläuterung (deutsch)", "Explanation (German)"
    )
    explanation_en: Series[str] = field(
        "Erläuterung (en)", "Erläuterung (englisch)", "Explanation (English)"
    )


class Efficiency(_Output):
    """Input per unit of output or outcome."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    indicator_id: Series[str] = field("Indikator", "Indikator", "Indicator")
    indicator: Series[str] = field("Bezeichnung", "Bezeichnung des Indikators", "Indicator name")
    level: Series[str] = field("Ebene", "Ebene", "Level")
    input_name: Series[str] = field("Input", "Was als Input zählt", "What counts as input")
    input_value: Series[float] = field("Inputwert", "Input", "Input", nullable=True)
    output_value: Series[float] = field(
        "Ergebnis", "Wert des Indikators", "Indicator value", nullable=True
    )
    ratio: Series[float] = field(
        "Input je Einheit", "Input je Einheit", "Input per unit", nullable=True
    )


class MilestoneCompletion(_Output):
    """Milestones due per lab, period and IRM completion level."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    completion: Series[str] = field("Umsetzungsstand", "OGP-IRM-Stufe", "OGP IRM level")
    completion_de: Series[str] = field("Umsetzungsstand (de)", "Bezeichnung", "German label")
    n: Series[int] = field("Anzahl", "Fällige Meilensteine", "Milestones due", ge=0)
    share: Series[float] = field(
        "Anteil",
        "Anteil der fälligen Meilensteine; leer, wenn keiner fällig ist",
        "Share of the milestones due; empty when none is due",
        ge=0,
        le=1,
        nullable=True,
    )


class MilestoneTiming(_Output):
    """Milestones per lab and period: planned, due, achieved ahead of plan."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    period_end: Series[pd.Timestamp] = field("Stichtag", "Ende des Zeitraums", "Period end")
    planned: Series[int] = field("Geplant", "Meilensteine insgesamt", "Milestones in all", ge=0)
    due: Series[int] = field(
        "Fällig", "Geplant bis zum Ende des Zeitraums", "Planned by the end of the period", ge=0
    )
    ahead_of_plan: Series[int] = field(
        "Vorzeitig erreicht",
        "Noch nicht fällig, aber bis zum Ende des Zeitraums erreicht",
        "Not yet due but achieved by the end of the period",
        ge=0,
    )


class Evidence(_Output):
    """Maryland Scientific Methods Scale level of each outcome and impact claim."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    node_id: Series[str] = field("Knoten", "Outcome- oder Impact-Knoten", "Outcome or impact node")
    level: Series[str] = field("Ebene", "Ebene", "Level", isin=["outcome", "impact"])
    msms: Series[pd.Int64Dtype] = field(
        "Evidenzstufe",
        "Maryland-Skala 1-5; leer ohne Daten",
        "Maryland scale 1-5; empty without data",
        nullable=True,
        ge=1,
        le=5,
    )
    msms_de: Series[str] = field("Evidenz", "Bezeichnung der Stufe", "Level name")
    basis: Series[str] = field("Grundlage", "Worauf die Stufe beruht", "What the level rests on")


class DacMatrix(_Output):
    """Every lab against every OECD DAC criterion."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    criterion: Series[str] = field("Kriterium", "OECD-DAC-Kriterium", "OECD DAC criterion")
    criterion_de: Series[str] = field("Kriterium (de)", "Bezeichnung", "German name")
    rating: Series[pd.Int64Dtype] = field(
        "Bewertung", "1-4; leer, wenn nicht bewertet", "1-4; empty when not rated", nullable=True
    )
    rating_de: Series[str] = field("Bewertung (de)", "Bezeichnung", "German label")
    evidence: Series[str] = field("Belege", "Grundlage", "Evidence", nullable=True)


class DisaggregatedRollup(_Output):
    """Disaggregated values summed by dimension value (grouping columns first)."""

    disaggregation: Series[str] = field("Aufschlüsselung", "Dimension", "Dimension")
    disaggregation_value: Series[str] = field("Ausprägung", "Ausprägung", "Value of the dimension")
    value: Series[float] = field("Summe", "Summe der Werte", "Sum of the values")
    share: Series[float] = field(
        "Anteil", "Anteil an der Summe der Dimension", "Share of the dimension's sum"
    )

    class Config:  # noqa: D106
        strict = False


class Deliveries(_Output):
    """One row per lab and period expected to deliver (:func:`ogl_impact.logic.deliveries`)."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    deadline: Series[pd.Timestamp] = field(
        "Abgabefrist", "Abgabefrist (leer in periods: Ende + 14 Tage)", "Deadline"
    )
    due: Series[bool] = field("Fällig", "Abgabefrist ist verstrichen", "Deadline has passed")
    received: Series[pd.Timestamp] = field(
        "Eingang", "Erste eingegangene Arbeitsmappe", "First workbook received", nullable=True
    )
    workbooks: Series[int] = field(
        "Arbeitsmappen", "Eingegangene Arbeitsmappen", "Workbooks received", ge=0
    )
    refused: Series[int] = field("Abgelehnt", "Abgelehnte Arbeitsmappen", "Workbooks refused", ge=0)
    accepted: Series[pd.Timestamp] = field(
        "Angenommen", "Tag der ersten Annahme", "Day first accepted", nullable=True
    )
    on_time: Series[bool] = field(
        "Fristgerecht", "Bis zur Abgabefrist angenommen", "Accepted by the deadline"
    )
    revised_values: Series[int] = field(
        "Korrigierte Werte", "Nachträglich korrigierte Werte", "Values revised", ge=0
    )
    revised_late: Series[int] = field(
        "Nach Frist korrigiert",
        "Nach der Abgabefrist korrigierte Werte",
        "Values revised after the deadline",
        ge=0,
    )
    revised_status: Series[int] = field(
        "Nur Status korrigiert",
        "Werte, deren Status (gemessen/geschätzt) allein korrigiert ist",
        "Values whose status (measured/estimated) alone was revised",
        ge=0,
    )
    status: Series[str] = field(
        "Stand",
        "fristgerecht, verspätet, abgelehnt, fehlt oder noch nicht fällig",
        "on time, late, refused, missing or not yet due",
        isin=list(vocab.DELIVERY_STATUS),
    )


class RevisedValues(_Output):
    """One row per stored value revisions touched (:func:`ogl_impact.logic.revised_values`)."""

    table: Series[str] = field("Tabelle", "Tabelle des Werts", "Table of the value")
    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    row_key: Series[str] = field("Zeile", "Schlüssel der Zeile", "Key of the row")
    column: Series[str] = field("Spalte", "Spalte des Werts", "Column of the value")
    first_value: Series[object] = field(
        "Erster Wert", "Zuerst angenommener Wert (leer: neu)", "Value first accepted", nullable=True
    )
    value: Series[object] = field(
        "Jetziger Wert",
        "Jetzt gespeicherter Wert (leer: zurückgezogen)",
        "Value now",
        nullable=True,
    )
    revisions: Series[int] = field("Korrekturen", "Zeilen in revisions", "Revision rows", ge=1)
    first_revised: Series[pd.Timestamp] = field(
        "Erste Korrektur", "Tag der ersten Korrektur", "Day first revised"
    )
    last_revised: Series[pd.Timestamp] = field(
        "Letzte Korrektur", "Tag der letzten Korrektur", "Day last revised"
    )
    changed: Series[bool] = field(
        "Korrigiert", "Jetziger Wert weicht vom ersten ab", "Value now differs from the first"
    )
    status_column: Series[bool] = field(
        "Nur Status", "Spalte ist ein Status, kein Wert", "Column is a status, not a value"
    )


class ReportingRates(_Output):
    """Reporting rate and timeliness per period or per lab (DHIS2 definitions)."""

    period_id: Optional[Series[str]] = field(  # noqa: UP045 (pandera reads Optional)
        "Zeitraum", "Berichtszeitraum", "Reporting period"
    )
    lab_id: Optional[Series[str]] = field("Labor", "Labor", "Lab")  # noqa: UP045
    deadline: Series[pd.Timestamp] = field(
        "Abgabefrist", "Abgabefrist (je Zeitraum)", "Deadline (per period)", nullable=True
    )
    due: Series[bool] = field(
        "Fällig", "Alle Abgabefristen sind verstrichen", "Every deadline has passed"
    )
    expected: Series[int] = field("Erwartet", "Erwartete Lieferungen", "Expected reports", ge=0)
    actual: Series[int] = field("Angenommen", "Angenommene Lieferungen", "Actual reports", ge=0)
    actual_on_time: Series[int] = field(
        "Fristgerecht", "Fristgerecht angenommen", "Actual reports on time", ge=0
    )
    late: Series[int] = field("Verspätet", "Nach der Frist angenommen", "Accepted late", ge=0)
    missing: Series[int] = field("Fehlend", "Nicht angenommen", "Not accepted", ge=0)
    reporting_rate: Series[float] = field(
        "Lieferquote", "Angenommen / erwartet x 100", "Actual / expected x 100", ge=0, le=100
    )
    reporting_rate_on_time: Series[float] = field(
        "Lieferquote fristgerecht",
        "Fristgerecht angenommen / erwartet x 100",
        "Actual on time / expected x 100",
        ge=0,
        le=100,
    )
