"""Controlled vocabularies of the programme tables, with German and English labels.

Every code that may stand in a categorical column is listed here once; the
schemas, the validation messages and (later) the figures read their labels
from this module.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

# code -> (German label, English label)
Vocabulary = MappingProxyType

LEVELS: Final = MappingProxyType(
    {
        "input": ("Input", "Input"),
        "activity": ("Aktivität", "Activity"),
        "output": ("Output", "Output"),
        "outcome": ("Outcome", "Outcome"),
        "impact": ("Impact", "Impact"),
    }
)
"""Levels of the IOOI chain, in causal order (activities between input and output)."""

LEVEL_RANK: Final = MappingProxyType({code: rank for rank, code in enumerate(LEVELS)})
"""Position of each level in the chain: edges of an impact model point to a higher rank."""

STAGES: Final = MappingProxyType(
    {
        1: ("Aktivitäten finden wie geplant statt", "Activities take place as planned"),
        2: ("Zielgruppen werden erreicht", "Target groups are reached"),
        3: ("Zielgruppen akzeptieren Angebote", "Target groups accept the offers"),
        4: ("Zielgruppen verändern Bewusstsein bzw. Fähigkeiten", "Awareness or skills change"),
        5: ("Zielgruppen ändern ihr Handeln", "Behaviour changes"),
        6: ("Lebenslage der Zielgruppen ändert sich", "The life situation changes"),
        7: ("Gesellschaft verändert sich", "Society changes"),
    }
)
"""The seven stages of the PHINEO Wirkungstreppe (Kursbuch Wirkung)."""

STAGE_LEVEL: Final = MappingProxyType(
    {1: "output", 2: "output", 3: "output", 4: "outcome", 5: "outcome", 6: "outcome", 7: "impact"}
)
"""The IOOI level each Wirkungstreppe stage belongs to."""

MEASURES: Final = MappingProxyType(
    {
        "unit": ("Einheit", "Unit"),
        "percentage": ("Prozent", "Percentage"),
        "count": ("Anzahl", "Count"),
        "ordinal": ("Ordinal", "Ordinal"),
        "qualitative": ("Qualitativ", "Qualitative"),
    }
)
"""Indicator measures (after IATI: unit, percentage, count, ordinal, qualitative)."""

RATED_MEASURES: Final = ("ordinal", "qualitative")
"""Measures rated on a scale: no distances between values (no progress, only a status), and
the only ones that may have ``scale_min``/``scale_max`` in ``indicators.csv``."""

PARTNER_KINDS: Final = MappingProxyType(
    {
        "commune": ("Kommune", "Commune"),
        "communal_institution": ("Kommunale Einrichtung", "Communal institution"),
        "civil_society": ("Zivilgesellschaftliche Organisation", "Civil-society organisation"),
        "hochschule": ("Hochschule", "University of applied sciences"),
        "university": ("Universität", "University"),
        "business": ("Unternehmen", "Business"),
    }
)
"""Kinds of lab partners, as the programme counts them."""

PARTNER_KINDS_SHORT: Final = MappingProxyType(
    {
        "commune": ("Kommune", "commune"),
        "communal_institution": ("kommunale Einrichtung", "communal institution"),
        "civil_society": ("Zivilgesellschaft", "civil society"),
        "hochschule": ("Hochschule", "university of applied sciences"),
        "university": ("Universität", "university"),
        "business": ("Wirtschaft", "business"),
    }
)
"""Short labels of the partner kinds for figure legends, in the order figures stack them."""

PARTNER_NAMING: Final = MappingProxyType(
    {"not_named": ("nicht öffentlich genannt", "not named publicly")}
)
"""Partners whose name and lab are not public (placeholders up to the published totals)."""

ATTAINMENT_STATUS: Final = MappingProxyType(
    {
        "achieved": ("erreicht", "achieved"),
        "on_track": ("im Plan", "on track"),
        "behind": ("im Verzug", "behind"),
        "no_data": ("keine Daten", "no data"),
    }
)
"""Status of an indicator against its target path, from favourable to missing."""

PERIOD_KINDS: Final = MappingProxyType(
    {
        "network_workshop": ("Netzwerk-Workshop", "Network workshop"),
        "status_report": ("Sachstandsbericht", "Status report"),
        "interim_report": ("Zwischenbericht", "Interim report"),
        "project_report": ("Projektbericht", "Project report"),
    }
)
"""Kinds of reporting periods."""

DELIVERY_PERIOD_KINDS: Final = ("status_report", "interim_report", "project_report")
"""Kinds of periods for which every lab delivers a workbook (indicator values, milestones).

Network workshops are meetings, not reporting dates: nothing is delivered for them.
"""

DEADLINE_DAYS: Final = 14
"""Days after the end of a period that the delivery is due when ``periods.deadline`` is empty."""

DELIVERY_STATUS: Final = MappingProxyType(
    {
        "on_time": ("fristgerecht angenommen", "accepted on time"),
        "late": ("verspätet angenommen", "accepted late"),
        "refused": ("abgelehnt, keine gültige Lieferung", "refused, no valid delivery"),
        "missing": ("fehlt", "missing"),
        "open": ("noch nicht fällig", "not yet due"),
    }
)
"""State of one expected delivery (a lab's workbook for a period) on a given day."""

DELIVERY_MEASURES: Final = MappingProxyType(
    {
        "reporting_rate": ("Lieferquote", "Reporting rate"),
        "reporting_rate_on_time": ("Lieferquote fristgerecht", "Reporting rate on time"),
    }
)
"""The two rates of the submissions register (as DHIS2 names them)."""

SUBMISSION_OUTCOMES: Final = MappingProxyType(
    {
        "accepted": ("angenommen", "accepted"),
        "revision": ("als Korrektur angenommen", "accepted as a revision"),
        "refused": ("abgelehnt", "refused"),
    }
)
"""What ``collect`` did with a returned workbook."""

ACTOR_GROUPS: Final = MappingProxyType(
    {
        "administration": ("Verwaltung", "Administration"),
        "politics": ("Politik", "Politics"),
        "civil_society": ("Zivilgesellschaft", "Civil society"),
        "citizens": ("Bürgerinnen und Bürger", "Citizens"),
        "science": ("Wissenschaft", "Science"),
        "business": ("Wirtschaft", "Business"),
    }
)
"""Actor groups of survey respondents."""

VALUE_STATUS: Final = MappingProxyType(
    {"measured": ("gemessen", "measured"), "estimated": ("geschätzt", "estimated")}
)
"""Whether an indicator value was measured or estimated."""

IRM_COMPLETION: Final = MappingProxyType(
    {
        "no_evidence": ("Keine Belege verfügbar", "No evidence available"),
        "not_started": ("Nicht begonnen", "Not started"),
        "limited": ("Begrenzt", "Limited"),
        "substantial": ("Wesentlich", "Substantial"),
        "complete": ("Abgeschlossen", "Complete"),
    }
)
"""Completion levels of the OGP Independent Reporting Mechanism, in order."""

MILESTONE_TIMING: Final = MappingProxyType(
    {
        "due": ("fällig", "due"),
        "none_due": ("keiner fällig", "none due"),
        "ahead_of_plan": ("vorzeitig erreicht", "achieved ahead of plan"),
    }
)
"""Whether a milestone was due at a report date (planned by then) or achieved ahead of plan."""

DAC_CRITERIA: Final = MappingProxyType(
    {
        "relevance": ("Relevanz", "Relevance"),
        "coherence": ("Kohärenz", "Coherence"),
        "effectiveness": ("Effektivität", "Effectiveness"),
        "efficiency": ("Effizienz", "Efficiency"),
        "impact": ("Übergeordnete Wirkungen", "Impact"),
        "sustainability": ("Nachhaltigkeit", "Sustainability"),
    }
)
"""OECD DAC evaluation criteria, in their usual order."""

DAC_RATINGS: Final = MappingProxyType(
    {
        1: ("nicht erfüllt", "not met"),
        2: ("teilweise erfüllt", "partly met"),
        3: ("weitgehend erfüllt", "largely met"),
        4: ("voll erfüllt", "fully met"),
    }
)
"""Ratings of a DAC criterion, 1 (not met) to 4 (fully met)."""

TARGET_GROUPS: Final = MappingProxyType(
    {
        "administration": ("Verwaltung", "Administration"),
        "politics": ("Politik", "Politics"),
        "civil_society": ("Zivilgesellschaft", "Civil society"),
        "citizens": ("Bürgerinnen und Bürger", "Citizens"),
        "partners": ("Laborpartner", "Lab partners"),
        "region": ("Region", "Region"),
    }
)
"""Target groups of impact-model nodes (nested staircases: administration, then citizens)."""

TRUE_VALUES: Final = frozenset({"true", "wahr", "ja", "yes", "1", "x"})
FALSE_VALUES: Final = frozenset({"false", "falsch", "nein", "no", "0", ""})
"""Spellings of booleans accepted in tables (compared case-insensitively)."""


def label(vocabulary: MappingProxyType, code: object, lang: str = "de") -> str:
    """Return the German or English label of a code.

    Parameters
    ----------
    vocabulary : mapping
        One of the vocabularies of this module.
    code : object
        The code to look up.
    lang : {"de", "en"}
        Language of the label.

    Returns
    -------
    str
        The label, or ``str(code)`` for an unknown code.

    Examples
    --------
    >>> label(LEVELS, "activity")
    'Aktivität'
    >>> label(LEVELS, "activity", "en")
    'Activity'
    """
    if lang not in ("de", "en"):
        raise ValueError(f"lang must be one of 'de', 'en'; got {lang!r}")
    labels = vocabulary.get(code)
    if labels is None:
        return str(code)
    return labels[0] if lang == "de" else labels[1]


def date_text(day: date, lang: str = "de") -> str:
    """Write a date as every output of the package does: "30.06.2021" in German, ISO in English.

    Parameters
    ----------
    day : date
        The date (a ``datetime.date`` or ``pandas.Timestamp``).
    lang : {"de", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> date_text(date(2021, 6, 30)), date_text(date(2021, 6, 30), "en")
    ('30.06.2021', '2021-06-30')
    """
    return day.strftime("%d.%m.%Y") if lang == "de" else day.strftime("%Y-%m-%d")


REVERSED_MARK: Final = ("(negativ formuliert)", "(negatively worded)")
"""Appended to the wording of a reverse-keyed item shown with its answers as given."""

REVERSED_VALUES_MARK: Final = ("(negativ formuliert, umgepolt)", "(negatively worded, reversed)")
"""Appended to the wording of a reverse-keyed item whose values are reversed."""

FLAG_LABELS = {
    "outcome_ahead_of_outputs": ("Wirkung vor ihren Outputs", "outcome ahead of its outputs"),
    "outputs_without_outcome_movement": (
        "Output erreicht, Outcome unbewegt",
        "output achieved, outcome unmoved",
    ),
    "node_without_indicators": ("Knoten ohne Indikator", "node without indicator"),
    "indicator_without_values": ("Indikator ohne Wert", "indicator without value"),
    "stale_indicator": ("Indikator ohne neue Werte", "indicator without recent values"),
}
"""Short German and English name of each flag of :func:`ogl_impact.logic.diagnostics`, as
tables show it."""
