"""One pandera DataFrameModel per programme table.

Each model is strict (no column missing, none extra) and coerces types; the
field metadata names every column in German and explains it in German and
English. Rules that involve one row live here as dataframe checks; rules that
involve several tables live in :mod:`ogl_impact.schemas.crosscheck`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ogl_impact import vocab
from ogl_impact.parse import MAX_ABS_NUMBER
from ogl_impact.schemas.fields import (
    DE_LAND_PATTERN,
    ID_LIST_PATTERN,
    ID_PATTERN,
    ISO_3166_2_PATTERN,
    category_isin,
    category_matches,
    check_kwargs,
    field,
)

RESPONDENT_PATTERN = r"^[A-Za-z0-9_-]{6,64}$"
"""Pseudonymous respondent identifiers."""
RESPONSE_KEY_PATTERN = r"^R[A-Z2-7]{19}$"
"""A response in ``imported_responses``: ``R`` and 19 base-32 characters of an HMAC, never an id."""
PSEUDONYM_PATTERN = r"^P[A-Z2-7]{19}$"
"""An imported respondent's pseudonym (:func:`ogl_impact.imports.convert.pseudonym`)."""


def sound_scale(low: pd.Series, high: pd.Series) -> pd.Series:
    """Return where an indicator's scale is sound: both ends given, whole numbers, max above min.

    Parameters
    ----------
    low, high : pandas.Series
        ``scale_min`` and ``scale_max`` as numbers (missing: NaN).

    Returns
    -------
    pandas.Series
        Boolean, False where either end is missing.

    Examples
    --------
    >>> sound_scale(pd.Series([1.0, 5.0, 1.0, None]), pd.Series([5.0, 1.0, 2.5, 5.0])).tolist()
    [True, False, False, False]
    """
    whole = (low == low.round()) & (high == high.round())
    return (low.notna() & high.notna() & whole & (high > low)).fillna(False).astype(bool)


# ruff: noqa: D106


class _Table(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class Sources(_Table):
    """Sources of the real facts the embedded data carries."""

    source_id: Series[str] = field(
        "Quelle", "Kennung der Quelle", "Source identifier", str_matches=ID_PATTERN, unique=True
    )
    title: Series[str] = field("Titel", "Titel des Dokuments", "Title of the document")
    reference: Series[str] = field(
        "Fundstelle", "Adresse oder bibliografische Angabe", "Address or citation"
    )


class Perspectives(_Table):
    """The seven perspectives of openness (Open-Government-Perspektiven)."""

    perspective_id: Series[str] = field(
        "Perspektive",
        "Kennung der Perspektive",
        "Perspective identifier",
        str_matches=r"^p[1-9]$",
        unique=True,
    )
    number: Series[int] = field("Nr.", "Laufende Nummer", "Number", ge=1, le=9, unique=True)
    name_de: Series[str] = field("Bezeichnung", "Deutsche Bezeichnung", "German name")
    name_en: Series[str] = field("Bezeichnung (en)", "Englische Bezeichnung", "English name")
    source: Series[str] = field(
        "Quelle", "Quellen (Kennungen)", "Sources", str_matches=ID_LIST_PATTERN
    )


class Labs(_Table):
    """The regional Open-Government labs."""

    lab_id: Series[str] = field(
        "Labor", "Kennung des Labors", "Lab identifier", str_matches=ID_PATTERN, unique=True
    )
    name: Series[str] = field("Name", "Name des Labors", "Name of the lab")
    grant_holder: Series[str] = field("Zuwendungsempfänger", "Träger der Zuwendung", "Grant holder")
    land: Series[str] = field(
        "Land", "Bundesland (ISO 3166-2)", "German Land (ISO 3166-2)", str_matches=DE_LAND_PATTERN
    )
    grant_eur: Series[float] = field(
        "Zuwendung (EUR)",
        "Bewilligte Zuwendung in Euro; leer, wenn nicht öffentlich",
        "Grant in EUR; empty where not public",
        nullable=True,
        ge=0,
        le=MAX_ABS_NUMBER,  # the reader refuses larger magnitudes in every number column
    )
    note: Series[str] = field("Anmerkung", "Anmerkung", "Note", nullable=True)
    source: Series[str] = field(
        "Quelle", "Quellen (Kennungen)", "Sources", str_matches=ID_LIST_PATTERN
    )


class Partners(_Table):
    """Partners of the labs; unknown ones are placeholders."""

    partner_id: Series[str] = field(
        "Partner", "Kennung des Partners", "Partner identifier", str_matches=ID_PATTERN, unique=True
    )
    lab_id: Series[str] = field(
        "Labor",
        "Labor des Partners; leer bei Platzhaltern ohne bekannte Zuordnung",
        "Lab of the partner; empty for placeholders without known lab",
        nullable=True,
    )
    name: Series[str] = field("Name", "Name des Partners", "Name of the partner")
    kind: Series[str] = field(
        "Art", "Art des Partners", "Kind of partner", isin=list(vocab.PARTNER_KINDS)
    )
    land: Series[str] = field(
        "Land",
        "Land (ISO 3166-2)",
        "Land (ISO 3166-2)",
        nullable=True,
        str_matches=ISO_3166_2_PATTERN,
    )
    placeholder: Series[bool] = field(
        "Platzhalter", "Name nicht öffentlich: Platzhalter", "Name not public: placeholder"
    )
    source: Series[str] = field(
        "Quelle", "Quellen (Kennungen)", "Sources", nullable=True, str_matches=ID_LIST_PATTERN
    )

    @pa.dataframe_check(name="partner_known_fields")
    def _known_fields(cls, df: pd.DataFrame) -> Series[bool]:
        return df["placeholder"] | (
            df["lab_id"].notna() & df["land"].notna() & df["source"].notna()
        )


class Periods(_Table):
    """Reporting periods: network workshops and reports."""

    period_id: Series[str] = field(
        "Zeitraum",
        "Kennung des Berichtszeitraums",
        "Reporting period identifier",
        str_matches=ID_PATTERN,
        unique=True,
    )
    kind: Series[str] = field("Art", "Art", "Kind", isin=list(vocab.PERIOD_KINDS))
    label_de: Series[str] = field("Bezeichnung", "Bezeichnung", "Label")
    start: Series[pd.Timestamp] = field("Beginn", "Erster Tag", "First day")
    end: Series[pd.Timestamp] = field("Ende", "Letzter Tag", "Last day")
    date_precision: Series[str] = field(
        "Datumsgenauigkeit",
        "Genauigkeit der Quelle (Tag oder Monat)",
        "Precision of the source (day or month)",
        isin=["day", "month"],
    )
    deadline: Series[pd.Timestamp] = field(
        "Abgabefrist",
        "Letzter Tag für die Datenlieferung der Labore; leer: Ende des Zeitraums + 14 Tage",
        "Last day for the labs' data delivery; empty: end of the period + 14 days",
        nullable=True,
    )
    source: Series[str] = field(
        "Quelle", "Quellen (Kennungen)", "Sources", str_matches=ID_LIST_PATTERN
    )

    @pa.dataframe_check(name="period_end_after_start")
    def _end_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["end"] >= df["start"]

    @pa.dataframe_check(name="deadline_after_start")
    def _deadline_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["deadline"].isna() | (df["deadline"] >= df["start"])


class ComparisonCommunes(_Table):
    """Communes outside the labs surveyed on the same items."""

    unit_id: Series[str] = field(
        "Vergleichskommune",
        "Kennung der Vergleichskommune",
        "Comparison commune identifier",
        str_matches=ID_PATTERN,
        unique=True,
    )
    name: Series[str] = field("Name", "Name", "Name")
    land: Series[str] = field(
        "Land", "Bundesland (ISO 3166-2)", "German Land (ISO 3166-2)", str_matches=DE_LAND_PATTERN
    )


class Waves(_Table):
    """Survey waves with their field times."""

    wave: Series[int] = field(
        "Welle", "Nummer der Befragungswelle", "Survey wave", ge=1, unique=True
    )
    label_de: Series[str] = field("Bezeichnung", "Bezeichnung", "Label")
    field_start: Series[pd.Timestamp] = field("Feldbeginn", "Beginn der Feldzeit", "Field start")
    field_end: Series[pd.Timestamp] = field("Feldende", "Ende der Feldzeit", "Field end")

    @pa.dataframe_check(name="wave_end_after_start")
    def _end_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["field_end"] >= df["field_start"]


class Nodes(_Table):
    """Nodes of each lab's impact model (Wirkungslogik)."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    node_id: Series[str] = field(
        "Knoten",
        "Kennung des Knotens im Wirkungsmodell",
        "Node identifier",
        str_matches=ID_PATTERN,
    )
    label: Series[str] = field("Bezeichnung", "Bezeichnung des Knotens", "Label of the node")
    level: Series[str] = field("Ebene", "Ebene der Wirkungskette", "Level", isin=list(vocab.LEVELS))
    stage: Series[pd.Int64Dtype] = field(
        "Stufe",
        "Stufe der Wirkungstreppe (1-7); leer für Input und Aktivität",
        "Wirkungstreppe stage (1-7); empty for input and activity",
        nullable=True,
        ge=1,
        le=7,
    )
    perspectives: Series[str] = field(
        "Perspektiven",
        "Bediente Perspektiven der Offenheit (p1|p3 ...)",
        "Perspectives of openness served",
        nullable=True,
        str_matches=r"^p[1-9](\|p[1-9])*$",
    )
    contributes_to: Series[str] = field(
        "Trägt bei zu",
        "Knoten, zu denen dieser beiträgt (durch | getrennt)",
        "Nodes this one contributes to",
        nullable=True,
        str_matches=ID_LIST_PATTERN,
    )
    target_group: Series[str] = field(
        "Zielgruppe", "Zielgruppe", "Target group", nullable=True, isin=list(vocab.TARGET_GROUPS)
    )

    class Config:
        unique = ["lab_id", "node_id"]

    @pa.dataframe_check(name="stage_matches_level")
    def _stage_matches_level(cls, df: pd.DataFrame) -> Series[bool]:
        expected = df["stage"].map(dict(vocab.STAGE_LEVEL), na_action="ignore")
        return df["stage"].isna() | (expected == df["level"]).fillna(False).astype(bool)


class Indicators(_Table):
    """Indicators that measure the nodes of the impact models."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    indicator_id: Series[str] = field(
        "Indikator", "Kennung des Indikators", "Indicator identifier", str_matches=ID_PATTERN
    )
    node_id: Series[str] = field("Knoten", "Gemessener Knoten", "Node measured")
    name: Series[str] = field("Bezeichnung", "Bezeichnung", "Name")
    measure: Series[str] = field("Maß", "Art des Maßes", "Measure", isin=list(vocab.MEASURES))
    ascending: Series[bool] = field(
        "Aufsteigend", "Höhere Werte sind besser", "Higher values are better"
    )
    cumulative: Series[bool] = field(
        "Kumuliert",
        "Werte summieren sich über die Zeit (sonst Stichtagswert)",
        "Values accumulate over time (else a level at a point in time)",
    )
    baseline_value: Series[float] = field(
        "Ausgangswert", "Ausgangswert", "Baseline value", nullable=True
    )
    baseline_date: Series[pd.Timestamp] = field(
        "Ausgangsdatum", "Datum des Ausgangswerts", "Baseline date", nullable=True
    )
    target_value: Series[float] = field("Zielwert", "Zielwert", "Target value", nullable=True)
    target_date: Series[pd.Timestamp] = field(
        "Zieldatum",
        "Datum, bis zu dem der Zielwert erreicht sein soll",
        "Target date",
        nullable=True,
    )
    source_of_verification: Series[str] = field(
        "Nachweisquelle", "Quelle der Überprüfung", "Source of verification"
    )
    assumptions: Series[str] = field(
        "Annahmen", "Annahmen (Logframe)", "Assumptions (logframe)", nullable=True
    )
    aggregatable: Series[bool] = field(
        "Aggregierbar",
        "Darf über Labore hinweg zusammengefasst werden",
        "May be aggregated across labs",
    )
    disaggregation: Series[str] = field(
        "Aufschlüsselung",
        "Dimension der Aufschlüsselung (z. B. Zielgruppe)",
        "Disaggregation dimension",
        nullable=True,
        str_matches=ID_PATTERN,
    )
    scale_min: Series[float] = field(
        "Skalenminimum",
        "Kleinster Wert der Skala eines ordinalen Indikators (z. B. 1 bei 1-5); leer ohne Skala",
        "Lowest value of an ordinal indicator's scale (e.g. 1 on 1-5); empty without a scale",
        nullable=True,
        required=False,
    )
    scale_max: Series[float] = field(
        "Skalenmaximum",
        "Größter Wert der Skala eines ordinalen Indikators (z. B. 5 bei 1-5); leer ohne Skala",
        "Highest value of an ordinal indicator's scale (e.g. 5 on 1-5); empty without a scale",
        nullable=True,
        required=False,
    )

    class Config:
        unique = ["lab_id", "indicator_id"]

    @pa.dataframe_check(name="target_after_baseline")
    def _target_after_baseline(cls, df: pd.DataFrame) -> Series[bool]:
        both = df["baseline_date"].notna() & df["target_date"].notna()
        return ~both | (df["target_date"] > df["baseline_date"])

    @pa.dataframe_check(name="percentage_range")
    def _percentage_range(cls, df: pd.DataFrame) -> Series[bool]:
        pct = df["measure"] == "percentage"
        inside = (
            df[["baseline_value", "target_value"]]
            .apply(lambda s: s.isna() | s.between(0, 100))
            .all(axis=1)
        )
        return ~pct | inside

    @pa.dataframe_check(name="count_range")
    def _count_range(cls, df: pd.DataFrame) -> Series[bool]:
        count = df["measure"] == "count"
        inside = (
            df[["baseline_value", "target_value"]]
            .apply(lambda s: s.isna() | ((s >= 0) & (s == s.round())))
            .all(axis=1)
        )
        return ~count | inside

    @pa.dataframe_check(name="indicator_scale")
    def _indicator_scale(cls, df: pd.DataFrame) -> Series[bool]:
        if "scale_min" not in df or "scale_max" not in df:
            # neither: a table of an older version; one: the missing column is told once
            # (validate.PAIRED_COLUMNS), not as a broken scale in every row
            return pd.Series(True, index=df.index)
        low, high = df["scale_min"], df["scale_max"]
        given = low.notna() | high.notna()
        scale = sound_scale(low, high)
        on = (
            df[["baseline_value", "target_value"]]
            .apply(lambda s: s.isna() | ((s >= low) & (s <= high) & (s == s.round())))
            .all(axis=1)
        )
        ordinal = df["measure"] == "ordinal"
        # a scale belongs to a rated indicator; on a count, unit or percentage it would make
        # every value a whole number of it (32,46 % refused as "not on the scale 1 to 5")
        rated = df["measure"].isin(vocab.RATED_MEASURES)
        return (~given & ~ordinal) | (scale & on & rated).fillna(False).astype(bool)


class IndicatorValues(_Table):
    """Values of the indicators per reporting period."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    indicator_id: Series[str] = field("Indikator", "Indikator", "Indicator")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    disaggregation_value: Series[str] = field(
        "Ausprägung",
        "Ausprägung der Aufschlüsselung; leer für den Gesamtwert",
        "Disaggregation value; empty for the total",
        nullable=True,
    )
    value: Series[float] = field("Wert", "Wert; leer, wenn nicht erhoben", "Value", nullable=True)
    status: Series[str] = field(
        "Status", "Gemessen oder geschätzt", "Measured or estimated", isin=list(vocab.VALUE_STATUS)
    )

    class Config:
        unique = ["lab_id", "indicator_id", "period_id", "disaggregation_value"]


class Codebook(_Table):
    """Survey items: wording, scale and keying."""

    item_id: Series[str] = field(
        "Item", "Kennung des Items", "Item identifier", str_matches=ID_PATTERN, unique=True
    )
    construct: Series[str] = field(
        "Konstrukt",
        "Perspektive (p1-p7) oder anderes Konstrukt (z. B. trust)",
        "Perspective (p1-p7) or another construct (e.g. trust)",
        str_matches=r"^[a-z][a-z0-9_]*$",
    )
    wording_de: Series[str] = field("Wortlaut", "Wortlaut (deutsch)", "Wording (German)")
    wording_en: Series[str] = field("Wortlaut (en)", "Wortlaut (englisch)", "Wording (English)")
    scale_min: Series[int] = field("Skalenminimum", "Kleinster Skalenwert", "Scale minimum")
    scale_max: Series[int] = field("Skalenmaximum", "Größter Skalenwert", "Scale maximum")
    value_labels: Series[str] = field(
        "Wertelabels",
        "Wertelabels als 1=…|2=…",
        "Value labels as 1=…|2=…",
        str_matches=r"^-?\d+=[^|]+(\|-?\d+=[^|]+)*$",
    )
    reverse_keyed: Series[bool] = field("Umgepolt", "Item ist umgepolt", "Item is reverse-keyed")

    @pa.dataframe_check(name="scale_max_above_min")
    def _scale(cls, df: pd.DataFrame) -> Series[bool]:
        return df["scale_max"] > df["scale_min"]


class Responses(_Table):
    """Survey answers in long form: one row per respondent, wave and item.

    The text columns are pandas Categoricals: a survey of a million respondents
    repeats each unit, group and item millions of times. One row per
    respondent, wave and item is checked on the category codes in
    :mod:`ogl_impact.schemas.crosscheck` (far faster than a generic check).
    """

    class Config:
        coerce = (
            False  # the reader already yields these types; coercing a million categories is slow
        )

    respondent_id: Series[pd.CategoricalDtype] = field(
        "Befragte Person",
        "Pseudonyme Kennung der befragten Person",
        "Pseudonymous respondent identifier",
    )
    unit_id: Series[pd.CategoricalDtype] = field(
        "Einheit", "Labor oder Vergleichskommune", "Lab or comparison commune"
    )
    wave: Series[int] = field("Welle", "Befragungswelle", "Survey wave")
    actor_group: Series[pd.CategoricalDtype] = field(
        "Akteursgruppe", "Akteursgruppe", "Actor group"
    )
    item_id: Series[pd.CategoricalDtype] = field("Item", "Item", "Item")
    value: Series[float] = field(
        "Wert", "Antwort; leer, wenn keine Antwort", "Answer", nullable=True
    )

    # the hot rules of the largest table, tested once per category (see docs/architecture.md)
    @pa.check("respondent_id", **check_kwargs("str_matches", pattern=RESPONDENT_PATTERN))
    def _respondent_format(cls, series: pd.Series) -> Series[bool]:
        return category_matches(series, RESPONDENT_PATTERN)

    @pa.check("actor_group", **check_kwargs("isin", allowed_values=list(vocab.ACTOR_GROUPS)))
    def _actor_group_known(cls, series: pd.Series) -> Series[bool]:
        return category_isin(series, vocab.ACTOR_GROUPS)


class Milestones(_Table):
    """Milestones of the labs and their completion per reporting period."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    milestone_id: Series[str] = field(
        "Meilenstein", "Kennung des Meilensteins", "Milestone identifier", str_matches=ID_PATTERN
    )
    name: Series[str] = field("Bezeichnung", "Bezeichnung", "Name")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    planned_date: Series[pd.Timestamp] = field("Geplant", "Geplantes Datum", "Planned date")
    achieved_date: Series[pd.Timestamp] = field(
        "Erreicht", "Datum der Erreichung; leer, wenn offen", "Date achieved", nullable=True
    )
    completion: Series[str] = field(
        "Umsetzungsstand",
        "Umsetzungsstand (OGP-IRM-Skala)",
        "Completion (OGP IRM scale)",
        isin=list(vocab.IRM_COMPLETION),
    )

    class Config:
        unique = ["lab_id", "milestone_id", "period_id"]

    @pa.dataframe_check(name="complete_has_date")
    def _complete_has_date(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["completion"] != "complete") | df["achieved_date"].notna()


class DacRatings(_Table):
    """Ratings of each lab on the OECD DAC criteria, with the evidence behind them."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    criterion: Series[str] = field(
        "Kriterium", "OECD-DAC-Kriterium", "OECD DAC criterion", isin=list(vocab.DAC_CRITERIA)
    )
    rating: Series[int] = field(
        "Bewertung", "1 nicht erfüllt bis 4 voll erfüllt", "1 not met to 4 fully met", ge=1, le=4
    )
    evidence: Series[str] = field(
        "Belege", "Worauf die Bewertung beruht", "What the rating rests on"
    )

    class Config:
        unique = ["lab_id", "criterion"]


SUBMISSION_OUTCOMES = ("accepted", "revision", "refused")
"""What ``collect`` did with a returned workbook."""

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Submissions(_Table):
    """Register of the workbooks the labs returned: one row per workbook and outcome.

    The same bytes refused once and accepted later (say, after the lab was
    added to ``labs.csv``) keep both rows: the register says what became of
    them and when.

    A file that cannot be assigned to a lab and period (not a workbook, no
    or broken hidden sheet, unknown lab or period) is registered as refused
    with ``lab_id`` and ``period_id`` empty; it counts for no lab.
    """

    lab_id: Series[str] = field(
        "Labor",
        "Labor; leer, wenn nicht zuordenbar",
        "Lab; empty when not assignable",
        nullable=True,
    )
    period_id: Series[str] = field(
        "Zeitraum",
        "Berichtszeitraum; leer, wenn nicht zuordenbar",
        "Reporting period; empty when not assignable",
        nullable=True,
    )
    received: Series[pd.Timestamp] = field(
        "Eingang", "Tag, an dem die Arbeitsmappe einging", "Day the workbook was received"
    )
    workbook: Series[str] = field(
        "Arbeitsmappe", "Dateiname der Arbeitsmappe beim Eingang", "File name as received"
    )
    sha256: Series[str] = field(
        "Prüfsumme", "SHA-256 der Datei", "SHA-256 of the file", str_matches=SHA256_PATTERN
    )
    template_version: Series[str] = field(
        "Vorlagenversion", "Version der Vorlage", "Template version"
    )
    outcome: Series[str] = field(
        "Ergebnis",
        "angenommen, als Korrektur angenommen oder abgelehnt",
        "accepted, accepted as a revision, or refused",
        isin=list(SUBMISSION_OUTCOMES),
    )
    problems: Series[int] = field(
        "Probleme", "Zahl der gefundenen Probleme", "Number of problems found", ge=0
    )

    class Config:
        unique = ["lab_id", "period_id", "sha256", "outcome"]


class Revisions(_Table):
    """Values replaced by a later workbook of the same lab and period (nothing is lost)."""

    lab_id: Series[str] = field("Labor", "Labor", "Lab")
    period_id: Series[str] = field("Zeitraum", "Berichtszeitraum", "Reporting period")
    table: Series[str] = field(
        "Tabelle",
        "Tabelle des geänderten Werts",
        "Table of the changed value",
        isin=["indicator_values", "milestones", "partners"],
    )
    row_key: Series[str] = field(
        "Zeile",
        "Schlüssel der Zeile ohne Labor und Zeitraum, Teile mit '|' getrennt",
        "Key of the row without lab and period, parts joined by '|'",
    )
    column: Series[str] = field("Spalte", "Geänderte Spalte", "Changed column")
    old_value: Series[str] = field(
        "Alter Wert", "Wert vor der Korrektur; leer, wenn neu", "Value before", nullable=True
    )
    new_value: Series[str] = field(
        "Neuer Wert", "Wert nach der Korrektur; leer, wenn entfernt", "Value after", nullable=True
    )
    revised: Series[pd.Timestamp] = field(
        "Korrigiert am", "Eingang der korrigierenden Arbeitsmappe", "Day the revision arrived"
    )
    sha256: Series[str] = field(
        "Prüfsumme",
        "SHA-256 der korrigierenden Arbeitsmappe",
        "SHA-256 of the revising workbook",
        str_matches=SHA256_PATTERN,
    )

    class Config:
        unique = ["lab_id", "period_id", "table", "row_key", "column", "sha256"]


IMPORT_TOOLS = ("limesurvey", "sosci", "kobo")
"""The survey tools ``import`` reads."""


class Imports(_Table):
    """Register of the survey exports taken in by ``import``: one row per export and group.

    A group is a wave, unit and actor group of the export's answers (an
    export whose unit or wave is read from a question has several). The
    checksum is taken over the answers as read (tool, survey, response ids,
    questions, answer codes), not over the file's bytes: a renamed copy, a
    new download of the same answers (a LimeSurvey archive holds the time of
    its download) and the same answers as another file type are one export.
    ``import`` refuses an export whose checksum stands here, whatever wave or
    unit it is given: its answers would be counted twice.
    """

    sha256: Series[str] = field(
        "Prüfsumme",
        "SHA-256 der Antworten des Exports, wie gelesen",
        "SHA-256 of the export's answers as read",
        str_matches=SHA256_PATTERN,
    )
    export: Series[str] = field(
        "Export", "Dateiname(n) des Exports, wie beim Import angegeben", "File name(s) as given"
    )
    tool: Series[str] = field(
        "Befragungswerkzeug", "Befragungswerkzeug", "Survey tool", isin=list(IMPORT_TOOLS)
    )
    wave: Series[int] = field("Welle", "Befragungswelle", "Survey wave")
    unit_id: Series[str] = field(
        "Einheit", "Labor oder Vergleichskommune", "Lab or comparison commune"
    )
    actor_group: Series[str] = field(
        "Akteursgruppe", "Akteursgruppe", "Actor group", isin=list(vocab.ACTOR_GROUPS)
    )
    answers: Series[int] = field(
        "Antworten",
        "Zahl der übernommenen Antworten (Zeilen in responses.csv)",
        "Number of answers taken in (rows of responses.csv)",
        ge=0,
    )
    items: Series[str] = field(
        "Items",
        "Items, zu denen der Import Antworten dieser Welle, Einheit und Akteursgruppe übernahm "
        "und die kein späterer Import mit --replace ersetzte, mit | getrennt (ersetzte ein "
        "solcher alle, die Items, die er zuletzt nannte); fehlt bei Importen älterer Versionen",
        "Items the import took answers of this wave, unit and actor group for that no later "
        "import with --replace replaced, separated by '|' (if one replaced them all, those it "
        "named last); missing for imports of older versions",
        nullable=True,
        required=False,
        str_matches=ID_LIST_PATTERN,
    )
    imported: Series[pd.Timestamp] = field("Importiert am", "Tag des Imports", "Day of the import")
    replaced: Series[pd.Timestamp] = field(
        "Ersetzt am",
        "Tag, an dem ein späterer Import mit --replace die letzten Antworten dieses Imports "
        "ersetzte (zu allen Items, die er noch nannte); leer, solange Antworten zu einem seiner "
        "Items bleiben. „Antworten“ nennt weiter die Zahl beim Import",
        "Day a later import with --replace replaced the last answers of this import (to every "
        "item it still named); empty while answers to one of its items stay. 'answers' keeps "
        "the count at the import",
        nullable=True,
        required=False,
    )
    secret_check: Series[str] = field(
        "Prüfwert des Geheimnisses",
        "Prüfwert des Geheimnisses der Pseudonyme (HMAC, verrät es nicht); fehlt bei Importen "
        "älterer Versionen",
        "Check value of the pseudonyms' secret (HMAC, does not reveal it); missing for imports "
        "of older versions",
        nullable=True,
        required=False,
        str_matches=r"^S[A-Z2-7]{19}$",
    )

    class Config:
        unique = ["sha256", "wave", "unit_id", "actor_group"]

    @pa.dataframe_check(name="replaced_after_import")
    def _replaced_after_import(cls, df: pd.DataFrame) -> Series[bool]:
        if "replaced" not in df:  # a register of an older version
            return pd.Series(True, index=df.index)
        return (df["replaced"].isna() | (df["replaced"] >= df["imported"])).astype(bool)


class ImportedResponses(_Table):
    """The responses each import of ``imports`` took in: one row per response.

    A response stands here as a keyed hash of the tool, the tool's survey id,
    the mapping's ``@survey_id`` and its response id (HMAC-SHA256 with the
    secret of the pseudonyms),
    never as the id itself: a later, cumulative download of the same survey
    gives its responses the same hashes, so an export that only partly
    overlaps an earlier import is seen, whatever wave or unit it is given.
    Imports recorded before this table existed have no rows here; they are
    recognised by their checksum (and their answers in ``responses.csv`` by the
    responses' pseudonyms, see ``import``).
    """

    sha256: Series[str] = field(
        "Prüfsumme",
        "Prüfsumme des Exports, wie in imports.csv",
        "Checksum of the export, as in imports.csv",
        str_matches=SHA256_PATTERN,
    )
    wave: Series[int] = field("Welle", "Befragungswelle", "Survey wave")
    unit_id: Series[str] = field(
        "Einheit", "Labor oder Vergleichskommune", "Lab or comparison commune"
    )
    actor_group: Series[str] = field(
        "Akteursgruppe", "Akteursgruppe", "Actor group", isin=list(vocab.ACTOR_GROUPS)
    )
    response: Series[str] = field(
        "Antwortbogen",
        "Schlüsselabhängiger Prüfwert der Kennung des Antwortbogens (HMAC, nicht umkehrbar)",
        "Keyed hash of the tool's response id (HMAC, not reversible)",
        str_matches=RESPONSE_KEY_PATTERN,
    )

    class Config:
        unique = ["sha256", "response"]
