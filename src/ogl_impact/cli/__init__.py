"""The ``ogl-impact`` command line: a thin layer over the package.

Subcommands import what they need only when they run, so ``ogl-impact
--help`` answers fast (``status`` lives in :mod:`ogl_impact.cli.status`).
Exit status: 0 success, 1 invalid data or failed run, 2 unusable arguments,
141 the reader of the output went away (``| head``), quietly, as tools killed
by SIGPIPE report it; the command still completes its work (writing commands
write all they would have written), only its printing stops. A run refused
(1 or 2) keeps its status when the reader went away: a script reading only
the first lines still sees the refusal.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 141  # 128 + SIGPIPE: the reader closed the pipe, as cat or grep report it


def _listed(choices: str) -> str:
    """``'de', 'en'`` as argparse lists choices, without the quotes: ``de, en``."""
    return re.sub(r"'([^']*)'", r"\1", choices)


_ARGPARSE_DE: tuple[tuple[str, object], ...] = (
    # argparse's own messages (Python 3.11 to 3.13), each with its German; the English follows
    (r"unrecognized arguments: (?P<x>.*)", "überzählig oder unbekannt: {x}"),
    (r"argument (?P<a>\S+): expected one argument", "{a} braucht einen Wert"),
    (r"argument (?P<a>\S+): expected at most one argument", "{a} nimmt höchstens einen Wert"),
    (r"argument (?P<a>\S+): expected at least one argument", "{a} braucht mindestens einen Wert"),
    (r"argument (?P<a>\S+): expected (?P<n>\d+) arguments?", "{a} braucht {n} Werte"),
    (
        r"argument (?P<a>\S+): invalid choice: (?P<v>.*?) \(choose from (?P<c>.*)\)",
        lambda m: f"{m['a']}: „{m['v'].strip(chr(39))}“ gibt es nicht; möglich: {_listed(m['c'])}",
    ),
    (r"argument (?P<a>\S+): invalid int value: '(?P<v>.*)'", "{a}: „{v}“ ist keine ganze Zahl"),
    (r"argument (?P<a>\S+): invalid \S+ value: '(?P<v>.*)'", "{a}: „{v}“ ist ungültig"),
    (
        r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)",
        "{a} und {b} schließen einander aus; bitte nur eines",
    ),
    (r"argument (?P<a>\S+): ignored explicit argument '(?P<v>.*)'", "{a} nimmt keinen Wert"),
    (
        r"the following arguments are required: (?P<x>.*)",
        lambda m: (
            ("es fehlen: " if ", " in m["x"] else "es fehlt: ")
            + " und ".join(m["x"].rsplit(", ", 1))
        ),
    ),
    (
        r"one of the arguments (?P<x>.*) is required",
        lambda m: f"eines davon ist nötig: {m['x'].replace(' ', ' oder ')}",
    ),
    (
        r"ambiguous option: (?P<a>\S+) could match (?P<x>.*)",
        lambda m: f"{m['a']} ist mehrdeutig: {m['x'].replace(', ', ' oder ')}?",
    ),
)


_METAVARS = {
    "data": "ORDNER",
    "feedback": "ORDNER",
    "out": "ORDNER",
    "out_option": "ORDNER",
    "raw": "ORDNER",
    "path": "ORDNER",
    "report_dir": "BERICHTSORDNER",
    "paths": "PFAD",
    "files": "DATEI",
    "mapping": "DATEI",
    "secret_file": "DATEI",
    "programme": "ORDNER",
    "jobs": "ANZAHL",
    "k": "ANZAHL",
    "municipalities": "ANZAHL",
    "respondents": "ANZAHL",
    "seed": "ZAHL",
    "lab": "LABOR",
    "period": "ZEITRAUM",
    "received": "DATUM",
    "report": "BERICHT",
}
"""German names of the values in usage and help (argparse would show ``--data DATA``)."""


class _GermanHelp(argparse.HelpFormatter):
    """argparse's help layout with German headings ("Aufruf:" for "usage:")."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        """Add the usage line, headed "Aufruf: " unless another prefix is given."""
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser in German: help headings, and errors German first, then English.

    Exit status 2 and the usage line as argparse has them (headed
    "Aufruf:"); an option that takes one value refuses to be given twice
    (argparse keeps the last).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        given = kwargs.get("formatter_class", argparse.HelpFormatter)
        if not issubclass(given, _GermanHelp):  # type: ignore[arg-type]
            kwargs["formatter_class"] = type(f"German{given.__name__}", (_GermanHelp, given), {})  # type: ignore[union-attr]
        wants_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)  # type: ignore[misc]
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if wants_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="diese Hilfe zeigen und beenden",
            )
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def _add_action(self, action: argparse.Action) -> argparse.Action:
        # every argument passes here (also those of groups): name its value in German
        if action.metavar is None and not action.choices and action.nargs != 0:
            action.metavar = _METAVARS.get(action.dest)
        return super()._add_action(action)

    def parse_known_args(
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, rest = super().parse_known_args(args, namespace)
        vars(parsed).pop(_StoreOnce.GIVEN, None)
        return parsed, rest

    def error(self, message: str) -> NoReturn:
        """Print the usage and the message in German and English; exit with status 2."""
        german = german_usage_error(message)
        self.print_usage(sys.stderr)
        text = message if german == message else f"{german} / {message}"  # ours: both already
        self.exit(EXIT_USAGE, f"{self.prog}: {text}\n")


def german_usage_error(message: str) -> str:
    """Return the German of one of argparse's error messages (unknown ones unchanged).

    Parameters
    ----------
    message : str
        The English message argparse passes to ``error``.

    Returns
    -------
    str

    Examples
    --------
    >>> german_usage_error("argument --k: expected one argument")
    '--k braucht einen Wert'
    """
    for pattern, german in _ARGPARSE_DE:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return german(match) if callable(german) else german.format(**match.groupdict())
    return message


class _StoreOnce(argparse._StoreAction):
    """argparse's ``store``, refusing an option given a second time (``--out a --out b``)."""

    GIVEN = "_given_once"

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        given = vars(namespace).setdefault(self.GIVEN, {})
        if option_string is not None:
            if self.dest in given:
                first, flag = given[self.dest]
                parser.error(
                    f"{flag} zweimal angegeben ({first} und {values}); bitte nur einmal "
                    f"/ {flag} given twice"
                )
            given[self.dest] = (values, option_string)
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``ogl-impact`` with all subcommands."""
    parser = _Parser(
        prog="ogl-impact",
        description=(
            "Wirkungsorientierung für offene Kommunen: Daten prüfen, aufbereiten, simulieren."
        ),
    )
    parser.add_argument("--version", action="store_true", help="Version ausgeben und beenden")
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")

    p = sub.add_parser(
        "validate",
        help="Tabellen eines Ordners prüfen",
        description="Prüft alle Tabellen eines Ordners (CSV/XLSX) und meldet jedes Problem "
        "mit Datei, Zeile, Spalte, Wert und Regel. Exit 0: fehlerfrei, 1: Fehler gefunden.",
    )
    p.add_argument(
        "path", nargs="?", default="data/raw", help="Ordner mit den Tabellen (Standard: data/raw)"
    )
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.add_argument("--format", choices=("text", "json"), default="text", help="Ausgabeformat")
    p.set_defaults(handler=_validate)

    p = sub.add_parser(
        "process",
        help="Geprüfte Tabellen als Parquet mit datapackage.json schreiben",
        description="Prüft den EINGABEORDNER und schreibt jede Tabelle als Parquet in den "
        "AUSGABEORDNER, dazu datapackage.json. Der Eingabeordner wird nie verändert; der "
        "Ausgabeordner wird als Ganzes ersetzt: ein fehlgeschlagener Lauf lässt die vorherige "
        "Ausgabe unverändert.",
    )
    p.add_argument(
        "raw",
        nargs="?",
        default=None,
        metavar="EINGABEORDNER",
        help="Eingabeordner (Standard: data/raw)",
    )
    p.add_argument(
        "out",
        nargs="?",
        default=None,
        metavar="AUSGABEORDNER",
        help="Ausgabeordner (Standard: data/processed)",
    )
    # the same options as figures, collect and import take
    p.add_argument("--data", default=None, help="Eingabeordner (statt EINGABEORDNER)")
    p.add_argument(
        "--out", dest="out_option", default=None, help="Ausgabeordner (statt AUSGABEORDNER)"
    )
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.set_defaults(handler=_process)

    p = sub.add_parser(
        "demo-data",
        help="Synthetische Demodaten erzeugen",
        description="Simuliert die synthetischen Tabellen (Wirkungsmodelle, Indikatorwerte, "
        "Befragungen, Meilensteine) zu den realen Programmfakten (--raw) und schreibt sie "
        "in den ORDNER, die wahren Effekte nach ORDNER/truth. Mit --scale national entsteht "
        "ein Datensatz in der Größe eines bundesweiten Rollouts für Benchmarks (außerhalb des "
        "Repositoriums).",
    )
    p.add_argument("out", nargs="?", default="data/raw", help="Zielordner (Standard: data/raw)")
    p.add_argument(
        "--raw",
        default=None,
        help="Ordner mit labs.csv und periods.csv (Standard: der ORDNER selbst)",
    )
    p.add_argument("--seed", type=int, default=None, help="Startwert des Zufallsgenerators")
    p.add_argument("--scale", choices=("demo", "national"), default="demo", help="Umfang")
    p.add_argument(
        "--respondents", type=int, default=1_000_000, help="Befragte bei --scale national"
    )
    p.add_argument(
        "--municipalities", type=int, default=10_800, help="Kommunen bei --scale national"
    )
    p.set_defaults(handler=_demo_data)

    p = sub.add_parser(
        "import",
        help="Befragungsexporte (LimeSurvey, SoSci Survey, KoboToolbox) übernehmen",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Liest einen Export (limesurvey: .lsa oder .lss [+ .lsr/.csv]; sosci: Datenexport + R-Skript;
kobo: XLSForm oder Formular-JSON [+ Einreichungen JSON/CSV]), ordnet die Fragen per
Zuordnungstabelle den Items zu, pseudonymisiert die Befragten (HMAC-SHA256, geheimer Schlüssel
aus --secret-file oder OGL_IMPACT_SECRET, mindestens 16 Zeichen empfohlen) und ergänzt
codebook.csv und responses.csv im ORDNER von --out. Vorhandene Antworten werden nie
überschrieben: eine Antwort, die schon da ist, oder ein Item, das vom vorhandenen Codebuch
abweicht, lässt den Import scheitern (nichts wird geschrieben); nur --replace WELLE ersetzt
eine Welle.
Jeder Import steht in ORDNER/imports.csv (Prüfsumme der Antworten, Datei, Welle, Einheit, Gruppe,
Tag), seine Antwortbögen in ORDNER/imported_responses.csv (schlüsselabhängige Prüfwerte,
HMAC, nicht die IDs):
ein Export, der dort steht, wird abgelehnt, auch umbenannt oder mit anderer Welle oder Einheit
(jede Antwort zählte doppelt), ebenso ein späterer Gesamtdownload, der schon importierte
Antwortbögen enthält (nur die neuen exportieren); --replace WELLE derselben Welle und Einheit geht.
--replace WELLE ersetzt die Antworten der Welle zu den Items, Einheiten und Gruppen des Imports
(Welle als Zahl: 01 ist Welle 1, auch wenn die Zuordnung @wave;01 schreibt). Enthält der neue
Export Befragte nicht, deren Antworten dabei entfernt würden (ein auf neue Antworten gefilterter
Download, ein anderer Teil der Welle, im Werkzeug gelöschte Antworten), wird abgelehnt; nur mit
--remove-absent werden sie bewusst entfernt; ihre Antworten zu Items, die die Zuordnung nicht
nennt, bleiben. Ein früherer Import der ersetzten Gruppen nennt in imports.csv (Spalte items)
weiter die Items, deren Antworten bleiben; erst wenn keine bleibt, erhält er das Datum in der
Spalte replaced.
Ein anderer Schlüssel als bei den früheren Importen des Ordners wird abgelehnt (imports.csv
hält einen Prüfwert des Schlüssels, der ihn nicht verrät).

Zuordnungstabelle (CSV/XLSX; Spalten code;item_id;construct[;reverse_keyed]):
  G02Q04;zufriedenheit_1;satisfaction;false   Frage -> Item
  @unit_id;brandis                            alle Antworten: Labor/Vergleichskommune brandis
  @unit_id;Q_ORT;1=brandis,2=bremen           Einheit aus der Antwort auf Frage Q_ORT
  @wave;2                                     (ebenso: @wave;Q_WELLE;1=1,2=2)
  @actor_group;citizens                       (ebenso: @actor_group;Q_ROLLE;1=citizens,...)
  @panel_key;TOKEN                            optional: verknüpft eine Person über Wellen
  @survey_id;panel2024                        optional: Befragungs-Id statt der des Werkzeugs
Pseudonym ohne Panel-Schlüssel: HMAC(Werkzeug, Befragung, Einheit, Welle, Antwort-Id);
mit Panel-Schlüssel: HMAC(Werkzeug, Befragung, normalisierter Schlüssel).

Ausgabe je Frage: gelesen, übernommen, leer, übersprungen (mit Grund). Übersprungene Antworten
sind ein Fehler (Exit 1), außer mit --allow-missing.
Exit 0: geschrieben; 1: abgelehnt, nichts geschrieben; 2: Argumente oder Zielordner unbrauchbar
(auch: ein anderer import oder collect arbeitet gerade im Zielordner).""",
    )
    p.add_argument(
        "tool",
        choices=("limesurvey", "sosci", "kobo"),
        metavar="WERKZEUG",
        help="Befragungswerkzeug: limesurvey, sosci oder kobo",
    )
    p.add_argument("files", nargs="+", help="Exportdateien")
    p.add_argument("--mapping", required=True, help="Zuordnungstabelle (CSV/XLSX)")
    p.add_argument("--out", required=True, help="Datenordner, der ergänzt wird (z. B. data/raw)")
    p.add_argument(
        "--programme",
        default="data/raw",
        help="Ordner mit labs, waves ... für fehlende Programmtabellen (Standard: data/raw)",
    )
    p.add_argument("--secret-file", default=None, help="Datei mit dem geheimen Schlüssel")
    p.add_argument(
        "--replace",
        metavar="WELLE",
        type=int,  # "01" or " 1" is wave 1, as in responses.csv; "eins" is refused
        default=None,
        help=(
            "die vorhandenen Antworten dieser Welle zu den importierten Items (für die "
            "Einheiten und Akteursgruppen des Imports) ersetzen; andere bleiben"
        ),
    )
    p.add_argument(
        "--remove-absent",
        action="store_true",
        help=(
            "mit --replace: bestätigt, dass Antworten von Befragten, die der neue Export nicht "
            "enthält, entfernt werden (ohne diese Bestätigung wird ein solcher Import abgelehnt)"
        ),
    )
    p.add_argument(
        "--allow-missing",
        action="store_true",
        help="übersprungene Antworten (Code ohne Label, Einheit unbekannt ...) bewusst auslassen",
    )
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.set_defaults(handler=_import)

    p = sub.add_parser(
        "figures",
        help="Abbildungen der Berichte erzeugen (PNG, SVG, PDF, Galerie)",
        description="Zeichnet die Abbildungen eines Berichts (--report sb3) oder aller Berichte "
        "(--all) aus den Daten bis zum Datum des Berichts und schreibt PNG (300 dpi), SVG, PDF "
        "(oder die mit --format gewählten) und index.html nach ORDNER/<bericht>/ (--out). "
        "Gruppen unter k Befragten werden unterdrückt. "
        "Ein zweiter Lauf erzeugt byte-gleiche Dateien; ein fehlgeschlagener Lauf lässt die "
        "vorherigen Abbildungen unverändert.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--report", action="append", help="Bericht, z. B. sb3 (mehrfach möglich)")
    which.add_argument("--all", action="store_true", help="alle Berichte")
    p.add_argument(
        "--data", default="data/raw", help="Ordner mit den Tabellen (Standard: data/raw)"
    )
    p.add_argument(
        "--out", default="reports/figures", help="Zielordner (Standard: reports/figures)"
    )
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Abbildungen")
    p.add_argument(
        "--k",
        type=int,
        default=5,
        help="Mindestzahl Befragter je Gruppe (Standard 5; höher immer, 3 oder 4 nur mit "
        "--allow-k-below-5, nie unter 3)",
    )
    p.add_argument(
        "--allow-k-below-5",
        action="store_true",
        help="k = 3 oder 4 zulassen; wird in der Galerie und unter jeder Abbildung genannt",
    )
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        type=str.lower,  # "SVG" as the file dialog writes it
        choices=("png", "svg", "pdf"),
        help="nur dieses Bildformat schreiben (mehrfach möglich; Standard: PNG, SVG und PDF; "
        "PNG oder SVG muss dabei sein, die Galerie zeigt es)",
    )
    p.add_argument("--jobs", type=int, default=2, help="parallele Prozesse (Standard: 2)")
    p.add_argument("--quiet", action="store_true", help="keinen Fortschritt ausgeben")
    p.set_defaults(handler=_figures)

    p = sub.add_parser(
        "status",
        help="Stand der Datenlieferungen der Labore zeigen",
        description="Liest das Register submissions.csv eines Datenordners und zeigt je Labor, "
        "was erwartet, eingegangen, angenommen und fristgerecht ist, dazu Lieferquote und "
        "Pünktlichkeit je Zeitraum (wie DHIS2). Abgabefrist: Spalte deadline in periods.csv, "
        "sonst Ende des Zeitraums + 14 Tage. Exit 0: gezeigt; 1: Daten ungültig; "
        "2: Argumente unbrauchbar.",
    )
    p.add_argument(
        "--data", default="data/raw", help="Ordner mit den Tabellen (Standard: data/raw)"
    )
    p.add_argument("--period", default=None, help="nur diesen Zeitraum zeigen, je Labor")
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Ausgabe")
    p.add_argument(
        "--as-of",
        default=None,
        metavar="DATUM",
        help="Stand an diesem Tag (JJJJ-MM-TT oder TT.MM.JJJJ; Standard: heute; nicht nach heute)",
    )
    p.set_defaults(handler=_status)

    p = sub.add_parser(
        "template",
        help="Excel-Vorlagen für die Datenlieferung der Labore schreiben",
        description="Schreibt je Labor eine Arbeitsmappe <labor>_<zeitraum>.xlsx mit den Blättern "
        "Anleitung, Indikatorwerte, Meilensteine und Partner (gesperrte und offene Spalten, "
        "Auswahllisten, Eingabehilfen) und einem verborgenen Blatt mit Labor, Zeitraum, Version "
        "und Prüfsumme. Gleiche Eingaben ergeben byte-gleiche Dateien. Der ORDNER von --out "
        "wird als Ganzes ersetzt (ein fremder, nicht leerer Ordner nie).",
    )
    p.add_argument("--period", required=True, help="Berichtszeitraum, z. B. sb6")
    p.add_argument("--lab", action="append", help="Labor (mehrfach möglich; Standard: alle)")
    p.add_argument("--data", default="data/raw", help="Datenordner (Standard: data/raw)")
    p.add_argument("--out", required=True, help="Zielordner der Vorlagen")
    p.add_argument("--jobs", type=int, default=2, help="parallele Prozesse (Standard: 2)")
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.set_defaults(handler=_template)

    p = sub.add_parser(
        "collect",
        help="Ausgefüllte Arbeitsmappen prüfen und übernehmen",
        description="Liest zurückgesandte Arbeitsmappen (Dateien oder Ordner), erkennt sie am "
        "verborgenen Blatt, prüft sie mit den Regeln von validate und auf Plausibilität "
        "(kumulierter Wert sinkt, zehnfacher Wert, Datum in der Zukunft). Jede Arbeitsmappe wird "
        "ganz angenommen oder ganz abgelehnt; angenommene werden in den Datenordner (--data) "
        "übernommen (nie überschrieben: geänderte Werte landen in revisions.csv), jede erkannte "
        "Arbeitsmappe kommt in submissions.csv. Eine leere Zelle löscht nie einen gespeicherten "
        "Wert; "
        "zurückgezogen wird nur mit dem Status „Wert zurückziehen“. Exit 0: alle angenommen "
        "(oder ohne Änderung); 1: mindestens eine abgelehnt; 2: Aufruf unbrauchbar, oder ein "
        "anderer Lauf bearbeitet denselben Datenordner, oder eine Tabelle wurde während des "
        "Laufs geändert, oder der Daten- bzw. Rückmeldeordner ist schreibgeschützt (nichts "
        "geschrieben); 130: abgebrochen (Strg+C). Eine Arbeitsmappe, in der gar nichts "
        "eingetragen ist, wird für einen schon eingelesenen Zeitraum übersprungen.",
    )
    p.add_argument("paths", nargs="+", help="Arbeitsmappen oder Ordner")
    p.add_argument("--data", default="data/raw", help="Datenordner (Standard: data/raw)")
    p.add_argument(
        "--feedback",
        default=None,
        help="Ordner für die Rückmeldungen je Labor. Wird derselbe Ordner wieder angegeben, "
        "werden nur die Rückmeldungen der Labore dieses Laufs ersetzt; die der anderen Labore "
        "bleiben erhalten (ein fremder Ordner wird nicht angetastet)",
    )
    p.add_argument(
        "--received",
        default=None,
        help="Eingangsdatum JJJJ-MM-TT oder TT.MM.JJJJ, nicht nach heute (Standard: heute)",
    )
    p.add_argument("--period", default=None, help="nur Arbeitsmappen dieses Zeitraums annehmen")
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.set_defaults(handler=_collect)

    p = sub.add_parser(
        "audit",
        help="Einen gebauten Berichtsordner auf Gruppen unter k prüfen",
        description="Liest nur, was veröffentlicht wird (Datentabellen <name>.csv, index.html "
        "mit Bildunterschriften und Alternativtexten, SVG-Beschreibungen), und sucht Gruppen "
        "mit weniger als k Befragten, die gezeigt werden oder sich als Summe minus gezeigte "
        "Teile errechnen lassen. Exit 0: nichts gefunden, 1: Gruppen gefunden (jede mit "
        "Ausgabe und Gruppe genannt) oder nichts geprüft, 2: Ordner fehlt. Ein Ordner mit "
        "Berichtsordnern (z. B. reports/figures) wird Bericht für Bericht geprüft.",
    )
    p.add_argument(
        "report_dir",
        metavar="BERICHTSORDNER",
        help="Berichtsordner, z. B. reports/figures/zb, oder ein Ordner mit Berichtsordnern",
    )
    p.add_argument("--lang", choices=("de", "en"), default="de", help="Sprache der Meldungen")
    p.set_defaults(handler=_audit)
    return parser


class _StderrLines(logging.Handler):
    """Print each logged line to the current ``sys.stderr`` (the message alone)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(record.getMessage(), file=sys.stderr)


_WRITER_LOG = "ogl_impact.write.target"
"""Logger of the safe writer, whose lines (leftovers removed, ...) a command prints to stderr."""


class _NeverRaised(Exception):
    """Stands for ``TargetError`` until the writer is loaded (an import error stays a message)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    out = _PipeGuard(sys.stdout)  # --help, --version and the bare help follow the one rule
    sys.stdout = out
    try:
        args = parser.parse_args(argv)
        if args.version or args.command is None:
            from ogl_impact import __version__

            if args.version:
                print(__version__)
            else:
                parser.print_help()
            sys.stdout.flush()
            return _with_pipe(EXIT_OK if args.version else EXIT_USAGE, out.gone)
    except SystemExit as stop:  # argparse ends: --help (0) or unusable arguments (2)
        sys.stdout.flush()
        if stop.code in (None, EXIT_OK) and out.gone:
            raise SystemExit(EXIT_PIPE) from None
        raise
    finally:
        sys.stdout = out.stream
    TargetError: type[BaseException] = _NeverRaised  # bound before any except clause needs it
    lines = _StderrLines()  # only while the command runs: library use does not print
    writer_log = logging.getLogger(_WRITER_LOG)
    propagate, writer_log.propagate = writer_log.propagate, False  # once, not again via root
    writer_log.addHandler(lines)
    out, err = _PipeGuard(sys.stdout), _PipeGuard(sys.stderr)
    sys.stdout, sys.stderr = out, err  # a reader that goes away stops the printing, not the work
    try:
        _terminate_as_interrupt()
        from ogl_impact.write.target import TargetError  # loads pandas: inside the try

        status = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return _with_pipe(status, out.gone or err.gone)
    except _Terminated:
        return 143
    except BrokenPipeError:  # before OSError, of which it is one
        return _closed_pipe()
    except KeyboardInterrupt:
        return 130
    except TargetError as exc:  # an output folder that writing could destroy
        print(f"ogl-impact {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a full disk, a folder that cannot be written, ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(
            f"ogl-impact {args.command}: {where}{exc.strerror or exc}; nichts geändert, frühere "
            "Ausgaben sind unverändert / nothing changed, earlier output intact",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except Exception as exc:  # last resort: a message, never a traceback
        if os.environ.get("OGL_IMPACT_DEBUG"):
            raise
        print(
            f"ogl-impact: interner Fehler / internal error: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        print("(OGL_IMPACT_DEBUG=1 zeigt Details / shows details)", file=sys.stderr)
        return EXIT_INVALID
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream
        writer_log.removeHandler(lines)
        writer_log.propagate = propagate


def _with_pipe(status: int, gone: bool) -> int:
    """Return the exit status of a run whose reader may have gone (``| head``).

    A refusal (invalid data, unusable arguments) keeps its own status, so that
    a script reading only the first lines still sees it; only a run that
    succeeded reports the closed pipe.

    Examples
    --------
    >>> _with_pipe(EXIT_OK, True), _with_pipe(EXIT_INVALID, True), _with_pipe(EXIT_OK, False)
    (141, 1, 0)
    """
    return EXIT_PIPE if gone and status == EXIT_OK else status


class _PipeGuard:
    """``sys.stdout`` or ``sys.stderr`` that goes quiet once its reader has gone.

    ``ogl-impact figures … | head -1``: ``head`` closes the pipe after one
    line; the next write fails with :class:`BrokenPipeError`. Instead of
    ending the command half-way (a figures folder with nothing in it), the
    stream is pointed at the null device and the command completes.

    One rule for every run (see :func:`_with_pipe`): a run that succeeded and
    found its reader gone ends :data:`EXIT_PIPE` (141) – a command,
    ``--version``, ``<befehl> --help`` and ``--help`` alike (argparse's own
    end, ``SystemExit(0)``, becomes ``SystemExit(141)``); a refusal keeps its
    status (1 invalid data, 2 unusable arguments, also ``ogl-impact`` without
    a command, which prints the help and ends 2). Nothing is printed about
    the closed pipe. Only a write or flush that fails tells that the reader
    has gone: output that fitted into the pipe before ``head`` closed it
    ends 0, as with ``cat``.
    """

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._away()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._away()

    def _away(self) -> None:
        self.gone = True
        try:  # Python's own flush at exit then writes to the null device, silently
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # a stream without a file descriptor (e.g. captured)
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that staging folders and workers are cleaned up."""


def _terminate_as_interrupt() -> None:
    import signal
    import threading

    def handler(signum: int, frame: object) -> None:
        raise _Terminated

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _closed_pipe() -> int:
    """End quietly when the reader of our output has gone (``ogl-impact validate | head``).

    Like ``cat`` or ``grep`` killed by SIGPIPE, the exit status is 141
    (128 + SIGPIPE); stdout is pointed at the null device so that Python's
    final flush does not complain again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (e.g. captured)
        pass
    return EXIT_PIPE


def _count(n: int, one: str, many: str) -> str:
    """Return ``n`` with the noun in singular or plural (``1 Warnung``, ``2 Warnungen``)."""
    return f"{n} {one if n == 1 else many}"


def _validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.problems import format_json, format_text, make_problem
    from ogl_impact.validate import validate_folder

    folder = Path(args.path)
    if not folder.is_dir():
        print(f"ogl-impact validate: kein Ordner / not a folder: {folder}", file=sys.stderr)
        return EXIT_USAGE
    from ogl_impact.write.target import interrupted

    report = validate_folder(folder)
    if interrupted(folder):  # a mixture of old and new tables is never "fehlerfrei"
        report.problems.insert(0, make_problem(str(folder), "folder_half_moved"))
    if args.format == "json":
        print(format_json(report.problems, args.lang))
    else:
        if report.problems:
            print(format_text(report.problems, args.lang, summarise=True))
        for line in report.side_file_lines(args.lang):
            print(("Info: " if args.lang == "de" else "Note: ") + line)
        n_err, n_warn = len(report.errors), len(report.problems) - len(report.errors)
        tables = len(report.raw)
        if args.lang == "de":
            verdict = "fehlerfrei" if report.ok else f"{n_err} Fehler"
            print(
                f"{folder}: {_count(tables, 'Tabelle', 'Tabellen')} geprüft, {verdict}, "
                f"{_count(n_warn, 'Warnung', 'Warnungen')}."
            )
        else:
            verdict = "no errors" if report.ok else _count(n_err, "error", "errors")
            print(
                f"{folder}: {_count(tables, 'table', 'tables')} checked, {verdict}, "
                f"{_count(n_warn, 'warning', 'warnings')}."
            )
    return EXIT_OK if report.ok else EXIT_INVALID


def _process(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.dataset import DataValidationError
    from ogl_impact.problems import format_text
    from ogl_impact.process import ProcessError, process

    if (  # "process --data RAW OUT": the one folder given beside --data is where to write
        args.data is not None
        and args.raw is not None
        and args.out is None
        and args.out_option is None
        and Path(args.raw).resolve() != Path(args.data).resolve()
    ):
        args.raw, args.out = None, args.raw
    chosen = {}
    for what, de, given in (
        ("raw", "Eingabeordner", (args.raw, args.data)),
        ("out", "Ausgabeordner", (args.out, args.out_option)),
    ):
        # one folder said twice (relative and absolute, ./ or a trailing /) is one folder
        named = {Path(g).resolve(): Path(g) for g in given if g is not None}
        if len(named) > 1:
            both = " und ".join(str(g) for g in given)
            print(
                f"ogl-impact process: zwei {de} angegeben: {both}; bitte nur einen "
                f"/ two {what} folders given",
                file=sys.stderr,
            )
            return EXIT_USAGE
        chosen[what] = next(iter(named.values()), None)
    raw = chosen["raw"] or Path("data/raw")
    out = chosen["out"] or Path("data/processed")
    if not raw.is_dir():
        print(f"ogl-impact process: kein Ordner / not a folder: {raw}", file=sys.stderr)
        return EXIT_USAGE
    try:
        written = process(raw, out)
    except DataValidationError as exc:
        print(format_text(exc.problems, args.lang), file=sys.stderr)
        print(f"{raw}: ungültig, nichts geschrieben / invalid, nothing written", file=sys.stderr)
        return EXIT_INVALID
    except ProcessError as exc:
        print(f"ogl-impact process: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{out}: {len(written)} Dateien geschrieben / files written")
    return EXIT_OK


def _demo_data(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.demo import cli as demo_cli

    return demo_cli.run(
        out=Path(args.out),
        raw=Path(args.raw) if args.raw else None,
        seed=args.seed,
        scale=args.scale,
        respondents=args.respondents,
        municipalities=args.municipalities,
    )


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.imports import cli as import_cli

    if args.remove_absent and args.replace is None:  # nothing is replaced, nothing removed
        print(
            "ogl-impact import: --remove-absent gilt nur zusammen mit --replace WELLE (es "
            "bestätigt, dass beim Ersetzen einer Welle Antworten entfernt werden); ohne "
            "--replace wird nichts entfernt. Bitte --remove-absent weglassen oder die Welle "
            "mit --replace angeben / --remove-absent only works with --replace",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.secret_file:
        try:
            secret = Path(args.secret_file).read_bytes().strip()
        except OSError as exc:
            print(
                f"ogl-impact import: Schlüsseldatei {args.secret_file}: {exc.strerror} "
                f"/ secret file cannot be read",
                file=sys.stderr,
            )
            return EXIT_USAGE
        where = f"Schlüsseldatei {args.secret_file}"
    else:
        secret = os.environ.get("OGL_IMPACT_SECRET", "").strip().encode()
        where = "OGL_IMPACT_SECRET"
    if not secret:
        print(
            "ogl-impact import: kein Schlüssel für die Pseudonymisierung (--secret-file oder "
            f"OGL_IMPACT_SECRET; {where} ist leer oder fehlt) / no pseudonymisation secret",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if len(secret.decode("utf-8", errors="replace")) < import_cli.MIN_SECRET:
        print(
            f"Warnung: der Schlüssel ({where}) hat weniger als {import_cli.MIN_SECRET} Zeichen; "
            "Pseudonyme sind dann leichter zu erraten / warning: the secret is short",
            file=sys.stderr,
        )
    return import_cli.run(
        args.tool,
        [Path(f) for f in args.files],
        Path(args.mapping),
        Path(args.out),
        Path(args.programme),
        secret,
        args.lang,
        allow_missing=args.allow_missing,
        replace_wave=None if args.replace is None else str(args.replace),
        remove_absent=args.remove_absent,
    )


def _figures(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.dataset import DataValidationError, load
    from ogl_impact.privacy import PrivacyError, check_k
    from ogl_impact.problems import format_text

    data = Path(args.data)
    if not data.is_dir():
        print(f"ogl-impact figures: kein Ordner / not a folder: {data}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_k(args.k, allow_below_5=args.allow_k_below_5)
    except PrivacyError as exc:
        print(f"ogl-impact figures: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.formats is not None and not {"png", "svg"} & set(args.formats):
        print(
            "ogl-impact figures: --format png oder --format svg fehlt, die Galerie zeigt eines "
            "davon / --format png or --format svg is missing, the gallery shows one of them",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from ogl_impact.write.target import check_target

    check_target(args.out, "figures", [data])  # refused before anything is read
    try:
        ds = load(data)
    except DataValidationError as exc:
        print(format_text(exc.problems, args.lang), file=sys.stderr)
        print(f"{data}: ungültig, keine Abbildungen / invalid, no figures", file=sys.stderr)
        return EXIT_INVALID
    from ogl_impact.reports import build, reports

    known = [r.report_id for r in reports(ds.periods)]
    unknown = [r for r in (args.report or []) if r not in known]
    if unknown:
        print(
            f"ogl-impact figures: unbekannter Bericht / unknown report: {', '.join(unknown)}; "
            f"bekannt / known: {', '.join(known)}",
            file=sys.stderr,
        )
        return EXIT_USAGE

    def show(line: str) -> None:
        if not args.quiet:
            print(line, flush=True)

    from ogl_impact.reports.audit import PrivacyLeakError
    from ogl_impact.reports.render import LayoutError

    try:
        files = build(
            ds,
            Path(args.out),
            report_ids=None if args.all else args.report,
            lang=args.lang,
            k=args.k,
            jobs=max(1, args.jobs),
            progress=show,
            allow_k_below_5=args.allow_k_below_5,
            formats=args.formats,
        )
    except (PrivacyLeakError, LayoutError) as exc:  # nothing swapped in; earlier output kept
        print(f"ogl-impact figures: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.out}: {len(files)} Dateien geschrieben / files written")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.cli import status

    return status.run(Path(args.data), period=args.period, lang=args.lang, as_of=args.as_of)


def _template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.delivery import cli as delivery_cli

    data = Path(args.data)
    if not data.is_dir():
        print(f"ogl-impact template: kein Ordner / not a folder: {data}", file=sys.stderr)
        return EXIT_USAGE
    from ogl_impact.write.target import check_target

    check_target(args.out, "template", [data])
    return delivery_cli.run_template(
        data, args.period, args.lab, Path(args.out), args.lang, max(1, args.jobs)
    )


def _collect(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.cli.status import StatusError, parse_day
    from ogl_impact.delivery import cli as delivery_cli

    try:  # read as status --as-of reads a day
        day = parse_day(args.received) if args.received else None
    except StatusError:
        print(
            f"ogl-impact collect: --received „{args.received}“ ist kein gültiges Datum (erwartet "
            "JJJJ-MM-TT oder TT.MM.JJJJ) / is not a valid date (YYYY-MM-DD or DD.MM.YYYY)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    received = delivery_cli.received_day(day)
    if received is None:
        return EXIT_USAGE
    return delivery_cli.run_collect(
        [Path(p) for p in args.paths],
        Path(args.data),
        Path(args.feedback) if args.feedback else None,
        received,
        args.period,
        args.lang,
    )


def _audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ogl_impact.reports.audit import UNREAD_NOTE, audit, leak_lines, report_folders, unread

    folder = Path(args.report_dir)
    de = args.lang == "de"
    if not folder.is_dir():
        print(
            f"ogl-impact audit: {folder}: kein Berichtsordner (Ordner fehlt) / not a folder",
            file=sys.stderr,
        )
        return EXIT_USAGE
    reports = report_folders(folder)
    if not reports:
        print(
            f"{folder}: nichts geprüft – kein Bericht in {folder} (kein index.html)"
            if de
            else f"{folder}: nothing checked – no report in {folder} (no index.html)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if reports != [folder]:
        names = ", ".join(
            r.relative_to(folder).as_posix()
            if r != folder
            else f"{folder.name} {'selbst' if de else 'itself'}"
            for r in reports
        )
        print(
            f"{folder}: {len(reports)} Berichtsordner geprüft: {names}"
            if de
            else f"{folder}: {len(reports)} report folder(s) checked: {names}"
        )
    count = 0
    for report in reports:
        leaks = audit(report)
        skipped = unread(report)
        if skipped:
            kinds = ", ".join(sorted({p.suffix.lower() or p.name for p in skipped}))
            one = len(skipped) == 1
            files = ("Datei" if one else "Dateien") if de else ("file" if one else "files")
            print(f"{report}: {len(skipped)} {files} ({kinds}) {UNREAD_NOTE[0 if de else 1]}")
        if not leaks:
            print(
                f"{report}: keine Gruppe unter k gezeigt oder errechenbar"
                if de
                else f"{report}: no group below k shown or derivable"
            )
        for line in leak_lines(leaks, args.lang):
            print(f"{report}: {line}")
        count += len(leaks)
    if not count:
        return EXIT_OK
    print(
        f"{folder}: {count} {'Fund' if count == 1 else 'Funde'} - nicht veröffentlichen"
        if de
        else f"{folder}: {count} finding(s) - do not publish",
        file=sys.stderr,
    )
    return EXIT_INVALID
