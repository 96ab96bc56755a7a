"""Synthetic survey items of the demo data: seven perspectives, trust and satisfaction.

The wording is written for the demo data; it is not a published instrument.
Each entry is ``(item_id, construct, reverse_keyed, wording_de, wording_en)``.
"""

from __future__ import annotations

import pandas as pd

AGREEMENT_LABELS = (
    "1=stimme überhaupt nicht zu|2=stimme eher nicht zu|3=teils/teils|"
    "4=stimme eher zu|5=stimme voll und ganz zu"
)

ITEMS: tuple[tuple[str, str, bool, str, str], ...] = (
    (
        "p1_1",
        "p1",
        False,
        "Die Verwaltung informiert verständlich über ihre Vorhaben.",
        "The administration explains its plans clearly.",
    ),
    (
        "p1_2",
        "p1",
        False,
        "Informationen über Entscheidungen des Rates sind leicht zu finden.",
        "Information on council decisions is easy to find.",
    ),
    (
        "p1_3",
        "p1",
        False,
        "Ich weiß, wo ich Daten und Dokumente der Kommune finde.",
        "I know where to find the commune's data and documents.",
    ),
    (
        "p1_4",
        "p1",
        True,
        "Wichtige Entscheidungen fallen hinter verschlossenen Türen.",
        "Important decisions are made behind closed doors.",
    ),
    (
        "p2_1",
        "p2",
        False,
        "Anliegen aus der Bürgerschaft werden zu Themen der Kommune.",
        "Citizens' concerns become topics of the commune.",
    ),
    (
        "p2_2",
        "p2",
        False,
        "Vereine und Initiativen können Themen auf die Tagesordnung setzen.",
        "Associations and initiatives can put topics on the agenda.",
    ),
    (
        "p2_3",
        "p2",
        False,
        "Die Kommune fragt aktiv nach Ideen aus der Zivilgesellschaft.",
        "The commune actively asks civil society for ideas.",
    ),
    (
        "p2_4",
        "p2",
        True,
        "Über die Themen entscheidet allein die Verwaltungsspitze.",
        "Only the top of the administration decides on topics.",
    ),
    (
        "p3_1",
        "p3",
        False,
        "Es gibt genug Gelegenheiten, sich an Entscheidungen zu beteiligen.",
        "There are enough opportunities to take part in decisions.",
    ),
    (
        "p3_2",
        "p3",
        False,
        "In Beteiligungsverfahren wird wirklich miteinander gesprochen.",
        "Participation processes are a real dialogue.",
    ),
    (
        "p3_3",
        "p3",
        False,
        "Ergebnisse von Beteiligung fließen in Entscheidungen ein.",
        "Results of participation feed into decisions.",
    ),
    (
        "p3_4",
        "p3",
        True,
        "Beteiligung ist hier meist nur eine Formsache.",
        "Participation here is mostly a formality.",
    ),
    (
        "p4_1",
        "p4",
        False,
        "Verwaltung und Zivilgesellschaft setzen Projekte gemeinsam um.",
        "Administration and civil society carry out projects together.",
    ),
    (
        "p4_2",
        "p4",
        False,
        "Das Wissen von Bürgerinnen und Bürgern wird in Leistungen eingebunden.",
        "Citizens' knowledge is built into public services.",
    ),
    (
        "p4_3",
        "p4",
        False,
        "Engagierte können kommunale Angebote mitgestalten.",
        "Volunteers can help shape public services.",
    ),
    (
        "p4_4",
        "p4",
        False,
        "Gemeinsame Projekte werden verlässlich unterstützt.",
        "Joint projects get reliable support.",
    ),
    (
        "p5_1",
        "p5",
        False,
        "Die Verwaltung probiert neue Lösungen aus.",
        "The administration tries out new solutions.",
    ),
    (
        "p5_2",
        "p5",
        False,
        "Fehler in neuen Vorhaben werden als Lerngelegenheit gesehen.",
        "Mistakes in new projects are seen as a chance to learn.",
    ),
    (
        "p5_3",
        "p5",
        False,
        "Neue Wege der Kommunikation werden genutzt.",
        "New ways of communicating are used.",
    ),
    (
        "p5_4",
        "p5",
        True,
        "Neuerungen scheitern hier an eingefahrenen Abläufen.",
        "Innovations fail here because of fixed routines.",
    ),
    (
        "p6_1",
        "p6",
        False,
        "Die Kommune veröffentlicht Daten in offenen Formaten.",
        "The commune publishes data in open formats.",
    ),
    (
        "p6_2",
        "p6",
        False,
        "Digitale Werkzeuge erleichtern die Zusammenarbeit mit der Kommune.",
        "Digital tools make working with the commune easier.",
    ),
    (
        "p6_3",
        "p6",
        False,
        "Offene Software und Standards werden bevorzugt.",
        "Open software and standards are preferred.",
    ),
    (
        "p6_4",
        "p6",
        False,
        "Ich kann kommunale Daten für eigene Zwecke nutzen.",
        "I can use the commune's data for my own purposes.",
    ),
    (
        "p7_1",
        "p7",
        False,
        "Offenheit gehört zum Selbstverständnis der Verwaltung.",
        "Openness is part of the administration's self-image.",
    ),
    (
        "p7_2",
        "p7",
        False,
        "Führungskräfte fördern den Austausch mit Externen.",
        "Managers encourage exchange with outsiders.",
    ),
    (
        "p7_3",
        "p7",
        False,
        "Beschäftigte dürfen Ideen von außen aufgreifen.",
        "Staff may take up ideas from outside.",
    ),
    (
        "p7_4",
        "p7",
        True,
        "Kritik von außen wird als Störung empfunden.",
        "Criticism from outside is felt as a disturbance.",
    ),
    (
        "tr_1",
        "trust",
        False,
        "Ich vertraue der Kommunalverwaltung.",
        "I trust the local administration.",
    ),
    (
        "tr_2",
        "trust",
        False,
        "Ich vertraue dem Gemeinderat bzw. Kreistag.",
        "I trust the local council.",
    ),
    (
        "tr_3",
        "trust",
        False,
        "Die Kommune handelt im Interesse der Menschen vor Ort.",
        "The commune acts in the interest of local people.",
    ),
    (
        "tr_4",
        "trust",
        True,
        "Die Kommune verfolgt vor allem eigene Interessen.",
        "The commune mainly pursues its own interests.",
    ),
    (
        "sa_1",
        "satisfaction",
        False,
        "Ich bin mit der Zusammenarbeit mit der Kommune zufrieden.",
        "I am satisfied with working with the commune.",
    ),
    (
        "sa_2",
        "satisfaction",
        False,
        "Ich bin mit den Beteiligungsangeboten zufrieden.",
        "I am satisfied with the participation offers.",
    ),
    (
        "sa_3",
        "satisfaction",
        False,
        "Ich würde mich wieder an einem Vorhaben beteiligen.",
        "I would take part in a project again.",
    ),
)
"""The 35 synthetic items."""


def codebook_frame() -> pd.DataFrame:
    """Return the synthetic items as a codebook table (1-5 agreement scale).

    Returns
    -------
    pandas.DataFrame
        Columns of the ``codebook`` table, one row per item.
    """
    return pd.DataFrame(
        [
            {
                "item_id": item_id,
                "construct": construct,
                "wording_de": de,
                "wording_en": en,
                "scale_min": 1,
                "scale_max": 5,
                "value_labels": AGREEMENT_LABELS,
                "reverse_keyed": reverse,
            }
            for item_id, construct, reverse, de, en in ITEMS
        ]
    )
