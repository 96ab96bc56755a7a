"""Problems found in input data, and how they are told to a researcher.

A :class:`Problem` names the file, the line as numbered in the file, the
column, the offending value and the rule it breaks. Messages exist in German
(the default) and English; :func:`format_text` and :func:`format_json` render
a list of problems for people and for machines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Lang = Literal["de", "en"]

# rule id -> (German template, English template); templates use str.format fields
RULES: Mapping[str, tuple[str, str]] = {
    "file_unreadable": (
        "Datei kann nicht gelesen werden ({detail}).",
        "The file cannot be read ({detail}).",
    ),
    "file_empty": ("Die Datei ist leer.", "The file is empty."),
    "folder_half_moved": (
        "Ein abgebrochener Lauf (collect oder import) hat seine Tabellen womöglich nur zum Teil "
        "hineingelegt (teils alt, teils neu). Der nächste collect oder import in diesen Ordner "
        "macht ihn zuerst rückgängig: den Lauf einfach noch einmal starten.",
        "An interrupted run (collect or import) may have moved only part of its tables in "
        "(some old, some new). The next collect or import into this folder undoes it first: "
        "just start the run again.",
    ),
    "file_no_header": ("Die Datei hat keine Kopfzeile.", "The file has no header line."),
    "file_binary": (
        "Die Datei ist keine Texttabelle (sie enthält Binärdaten).",
        "The file is not a text table (it holds binary data).",
    ),
    "file_parse": (
        "Die Zeile lässt sich nicht als Tabellenzeile lesen ({detail}).",
        "The line cannot be read as a table row ({detail}).",
    ),
    "file_unknown": (
        "Unbekannte Tabelle, wird nicht gelesen. Bekannte Tabellen: {known}.",
        "Unknown table, not read. Known tables: {known}.",
    ),
    "file_unknown_similar": (
        "Unbekannte Tabelle, wird nicht gelesen – meinten Sie {suggestion}? "
        "Bitte die Datei umbenennen.",
        "Unknown table, not read – did you mean {suggestion}? Please rename the file.",
    ),
    "file_format_unsupported": (
        "Dieses Dateiformat wird nicht gelesen. Bitte in der Tabellenkalkulation "
        "„Speichern unter“ → „CSV UTF-8 (durch Trennzeichen getrennt)“ oder als .xlsx speichern.",
        "This file format is not read. Please use 'Save as' → 'CSV UTF-8 (comma delimited)' "
        "or save as .xlsx in your spreadsheet program.",
    ),
    "file_utf16": (
        "Die Datei ist UTF-16-kodiert (Excel: „Unicode-Text“). Bitte als „CSV UTF-8 "
        "(durch Trennzeichen getrennt)“ speichern.",
        "The file is UTF-16 encoded (Excel: 'Unicode Text'). Please save it as "
        "'CSV UTF-8 (comma delimited)'.",
    ),
    "file_xlsx_as_csv": (
        "Die Datei ist eine Excel-Arbeitsmappe (XLSX), trägt aber die Endung .csv. Bitte als "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern oder die Endung in .xlsx ändern.",
        "The file is an Excel workbook (XLSX) named .csv. Please save it as "
        "'CSV UTF-8 (comma delimited)' or rename it to .xlsx.",
    ),
    "file_xls_as_csv": (
        "Die Datei ist eine alte Excel-Arbeitsmappe (XLS, Excel 97-2003) mit falscher Endung. "
        "Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ oder als .xlsx speichern.",
        "The file is an old Excel workbook (XLS, Excel 97-2003) with a wrong name. "
        "Please save it as 'CSV UTF-8 (comma delimited)' or as .xlsx.",
    ),
    "file_zip_too_large": (
        "Die Arbeitsmappe wird nicht entpackt: sie wäre entpackt {size} MB groß, erlaubt sind "
        "{limit} MB. Bitte als CSV UTF-8 speichern oder die Datei prüfen (beschädigt oder "
        "eine „Zip-Bombe“).",
        "The workbook is not unpacked: it would take {size} MB unpacked, {limit} MB are "
        "allowed. Please save it as CSV UTF-8 or check the file (damaged or a 'zip bomb').",
    ),
    "file_zip_ratio": (
        "Die Arbeitsmappe wird nicht entpackt: „{member}“ ist {ratio}-fach komprimiert, "
        "erlaubt ist {limit}-fach. Bitte als CSV UTF-8 speichern oder die Datei prüfen "
        "(beschädigt oder eine „Zip-Bombe“).",
        "The workbook is not unpacked: '{member}' is compressed {ratio} to 1, at most {limit} "
        "to 1 is allowed. Please save it as CSV UTF-8 or check the file (damaged or a "
        "'zip bomb').",
    ),
    "file_duplicate": (
        "Die Tabelle liegt mehrfach vor ({others}); gelesen wird nur diese Datei.",
        "The table exists more than once ({others}); only this file is read.",
    ),
    "folder_missing": (
        "Der Ordner existiert nicht oder ist kein Ordner.",
        "The folder does not exist or is not a folder.",
    ),
    "folder_empty": (
        "Der Ordner enthält keine bekannte Tabelle (CSV oder XLSX).",
        "The folder holds no known table (CSV or XLSX).",
    ),
    "table_missing": (
        "Die Tabelle „{table}“ fehlt; sie wird für die Prüfung der Verweise benötigt.",
        "Table '{table}' is missing; it is needed to check the references.",
    ),
    "check_skipped": (
        "Weil die Spalte fehlt, werden diese Prüfungen übersprungen: {checks_de}.",
        "Because the column is missing, these checks are skipped: {checks_en}.",
    ),
    "table_no_rows": (
        "Die Tabelle hat nur eine Kopfzeile und keine Datenzeilen.",
        "The table has a header line but no data rows.",
    ),
    "column_missing": ("Die Pflichtspalte fehlt.", "The required column is missing."),
    "column_extra": (
        "Unbekannte Spalte. Erlaubt sind: {allowed}.",
        "Unknown column. Allowed are: {allowed}.",
    ),
    "column_duplicate": (
        "Die Spalte kommt mehrfach vor.",
        "The column appears more than once.",
    ),
    "type_int": ("Keine ganze Zahl{hint_de}.", "Not a whole number{hint_en}."),
    "type_float": (
        "Keine Zahl{hint_de}.",
        "Not a number{hint_en}.",
    ),
    "type_bool": (
        "Kein Wahrheitswert (erlaubt: ja/nein, wahr/falsch, true/false, 1/0).",
        "Not a boolean (allowed: ja/nein, wahr/falsch, true/false, 1/0).",
    ),
    "type_date": (
        "Kein gültiges Datum (erwartet JJJJ-MM-TT oder TT.MM.JJJJ).",
        "Not a valid date (expected YYYY-MM-DD or DD.MM.YYYY).",
    ),
    "date_in_future": (
        "Das Datum liegt nach heute ({today}): {what} ist schon geschehen und kann nicht in der "
        "Zukunft liegen. Tippfehler im Jahr? Bitte den Tag eintragen, an dem es geschah.",
        "The date lies after today ({today}): {what_en} has already happened and cannot lie in "
        "the future. A typo in the year? Please enter the day it happened.",
    ),
    "type_date_excel": (
        "Kein gültiges Datum: die Zahl sieht aus wie eine Excel-Datumszahl ({date}). "
        "Bitte die Zelle als Datum formatieren bzw. JJJJ-MM-TT schreiben.",
        "Not a valid date: the number looks like an Excel date number ({date}). "
        "Please format the cell as a date or write YYYY-MM-DD.",
    ),
    "number_not_finite": (
        "Keine endliche Zahl (NaN/unendlich). Fehlende Werte bitte als leere Zelle schreiben.",
        "Not a finite number (NaN/infinity). Please leave missing values empty.",
    ),
    "number_too_large": (
        "Der Betrag der Zahl ist unplausibel groß (mehr als {limit}).",
        "The magnitude of the number is implausibly large (more than {limit}).",
    ),
    "number_ambiguous": (
        "Mehrdeutige Zahl in einer Semikolon-Datei (deutsches Format): Tausenderpunkt "
        "({thousands}) oder englischer Dezimalpunkt ({decimal})? Bitte eindeutig schreiben, "
        "z. B. {decimal_de} oder {thousands}.",
        "Ambiguous number in a semicolon (German) file: thousands point ({thousands}) or "
        "English decimal point ({decimal})? Please write it unambiguously, "
        "e.g. {decimal_de} or {thousands}.",
    ),
    "not_nullable": ("Das Feld darf nicht leer sein.", "The field must not be empty."),
    "isin": (
        "Wert nicht erlaubt. Erlaubt sind: {allowed}.",
        "Value not allowed. Allowed: {allowed}.",
    ),
    "str_matches": (
        "Der Wert hat nicht das verlangte Format: {hint}.",
        "The value does not have the required form: {hint_en}.",
    ),
    "ge": ("Der Wert muss mindestens {bound} sein.", "The value must be at least {bound}."),
    "le": ("Der Wert darf höchstens {bound} sein.", "The value must be at most {bound}."),
    "gt": ("Der Wert muss größer als {bound} sein.", "The value must be greater than {bound}."),
    "lt": ("Der Wert muss kleiner als {bound} sein.", "The value must be less than {bound}."),
    "unique": (
        "Der Wert kommt mehrfach vor; er muss eindeutig sein.",
        "The value occurs more than once; it must be unique.",
    ),
    "duplicate_key": (
        "Der Schlüssel ({key}) kommt mehrfach vor: je Schlüssel ist nur eine Zeile erlaubt.",
        "The key ({key}) occurs more than once: one row per key.",
    ),
    "partner_known_fields": (
        "Ein Partner, der kein Platzhalter ist, braucht Labor, Land und Quelle.",
        "A partner that is not a placeholder needs lab, Land and source.",
    ),
    "period_end_after_start": (
        "Das Ende liegt vor dem Beginn.",
        "The end lies before the start.",
    ),
    "deadline_after_start": (
        "Die Abgabefrist liegt vor dem Beginn des Zeitraums.",
        "The deadline lies before the start of the period.",
    ),
    "wave_end_after_start": (
        "Das Feldende liegt vor dem Feldbeginn.",
        "The field end lies before the field start.",
    ),
    "stage_matches_level": (
        "Die Stufe der Wirkungstreppe passt nicht zur Ebene "
        "(Stufen 1-3: output, 4-6: outcome, 7: impact; Input und Aktivität ohne Stufe).",
        "The Wirkungstreppe stage does not fit the level "
        "(stages 1-3: output, 4-6: outcome, 7: impact; input and activity have none).",
    ),
    "target_after_baseline": (
        "Das Zieldatum muss nach dem Ausgangsdatum liegen.",
        "The target date must lie after the baseline date.",
    ),
    "percentage_range": (
        "Prozentwerte müssen zwischen 0 und 100 liegen.",
        "Percentages must lie between 0 and 100.",
    ),
    "count_range": (
        "Anzahlen müssen ganze Zahlen ab 0 sein.",
        "Counts must be whole numbers from 0.",
    ),
    "check_failed": (
        "Die Prüfung „{check}“ ist fehlgeschlagen.",
        "The check '{check}' failed.",
    ),
    "replaced_after_import": (
        "Ein Import kann erst nach seinem Tag ersetzt worden sein („Ersetzt am“ vor "
        "„Importiert am“).",
        "An import cannot have been replaced before the day it was imported.",
    ),
    "answers_without_import": (
        "{count_de} der Welle {wave}, Einheit {unit}, Akteursgruppe {actor} zu Item {item} "
        "{have_de} keine Quelle mehr: jede Zeile von imports.csv, die sie nennt ({lines_de}), ist "
        "als ersetzt markiert („Ersetzt am“), die Antworten stehen aber noch in responses.csv "
        "(erste in dieser Zeile). Wurde der Tag von Hand eingetragen, bitte die Zelle „Ersetzt "
        "am“ wieder leeren; sonst den Export mit ogl-impact import … --replace erneut einlesen "
        "oder die Antworten entfernen.",
        "{count_en} of wave {wave}, unit {unit}, actor group {actor} to item {item} {have_en} no "
        "source any more: every line of imports.csv naming them ({lines_en}) is marked replaced "
        "('replaced'), yet the answers are still in responses.csv (the first on this line). If "
        "the day was typed by hand, please empty that cell; otherwise import the export again "
        "with ogl-impact import … --replace or remove the answers.",
    ),
    "column_missing_pair": (
        "Die Spalte fehlt: die Kopfzeile hat {present}, aber nicht {missing}; beide gehören "
        "zusammen (oder keine von beiden). Bitte die Spalte {missing} ergänzen.",
        "The column is missing: the header has {present} but not {missing}; both belong "
        "together (or neither). Please add the column {missing}.",
    ),
    "indicator_scale": (
        "Die Skala des Indikators fehlt, ist unvollständig oder passt nicht: Skalenminimum und "
        "Skalenmaximum als ganze Zahlen, das Maximum größer (ein ordinaler Indikator braucht "
        "eine Skala, ein qualitativer kann eine haben, andere haben keine: bei Anzahl, Einheit "
        "oder Prozent bitte leer lassen); Ausgangs- und Zielwert liegen als ganze Zahlen auf ihr.",
        "The indicator's scale is missing, incomplete or does not fit: scale minimum and maximum "
        "as whole numbers, the maximum greater (an ordinal indicator needs a scale, a "
        "qualitative one may have one, others have none: leave it empty for a count, unit or "
        "percentage); baseline and target lie on it as whole numbers.",
    ),
    "scale_max_above_min": (
        "Das Skalenmaximum muss größer als das Skalenminimum sein.",
        "The scale maximum must be greater than the scale minimum.",
    ),
    "complete_has_date": (
        "Ein abgeschlossener Meilenstein braucht ein Datum der Erreichung.",
        "A complete milestone needs the date it was achieved.",
    ),
    "key_missing": (
        "Verweis ins Leere: „{ref}“ gibt es in {where_de} nicht.{meant_de}",
        "Dangling reference: '{ref}' does not exist in {where_en}.{meant_en}",
    ),
    "value_outside_scale": (
        "Die Antwort liegt außerhalb der Skala des Items ({low} bis {high}).",
        "The answer lies outside the item's scale ({low} to {high}).",
    ),
    "value_not_on_scale": (
        "Die Antwort ist keine ganze Zahl der Skala.",
        "The answer is not a whole number on the scale.",
    ),
    "value_label_outside_scale": (
        "Das Wertelabel {code} liegt außerhalb der Skala ({low} bis {high}).",
        "Value label {code} lies outside the scale ({low} to {high}).",
    ),
    "indicator_value_range": (
        "Der Wert passt nicht zum Maß des Indikators ({measure_de}: {rule_de}).",
        "The value does not fit the indicator's measure ({measure}: {rule_en}).",
    ),
    "disaggregation_unexpected": (
        "Der Indikator wird nicht aufgeschlüsselt; die Ausprägung muss leer sein.",
        "The indicator is not disaggregated; the disaggregation value must be empty.",
    ),
    "graph_cycle": (
        "Das Wirkungsmodell des Labors enthält einen Kreis: {cycle}.",
        "The lab's impact model contains a cycle: {cycle}.",
    ),
    "row_key_format": (
        "Der Zeilenschlüssel passt nicht zur Tabelle {table}: erwartet wird {shape} "
        "(Kennungen aus Kleinbuchstaben, Ziffern, _ oder -).",
        "The row key does not fit the table {table}: expected {shape} "
        "(identifiers of lower-case letters, digits, _ or -).",
    ),
    "revision_column_unknown": (
        "Diese Spalte gibt es in {table} nicht als Wertspalte; möglich sind: {allowed}.",
        "{table} has no such value column; possible are: {allowed}.",
    ),
    "revision_not_accepted": (
        "Die Arbeitsmappe dieser Korrektur ist im Register nicht als Korrektur angenommen "
        "(Ergebnis dort: {outcome}).",
        "The workbook of this revision is not registered as accepted revision "
        "(outcome there: {outcome}).",
    ),
    "revision_date_differs": (
        "Das Korrekturdatum muss der Eingang der Arbeitsmappe im Register sein ({received}).",
        "The revision date must be the day the register received the workbook ({received}).",
    ),
    "edge_not_upward": (
        "Der Beitrag zu „{target}“ ({target_level}) zeigt nicht auf eine höhere Ebene "
        "als dieser Knoten ({level}).",
        "The contribution to '{target}' ({target_level}) does not point to a higher level "
        "than this node ({level}).",
    ),
    "import_unreadable": (
        "Der Export lässt sich nicht lesen: {detail}.",
        "The export cannot be read: {detail}.",
    ),
    "mapping_setting_missing": (
        "Die Zuordnung braucht eine Zeile „{setting}“ (Wert in der Spalte item_id).",
        "The mapping needs a row '{setting}' (value in column item_id).",
    ),
    "mapping_unknown_code": (
        "Diese Frage gibt es im Export nicht (oder sie ist Freitext).{similar_de}",
        "The export has no such question (or it is free text).{similar_en}",
    ),
    "export_column_missing": (
        "Die Spalte fehlt in dieser Datei{expected}; die Zuordnung "
        "{mapping} braucht sie (Zeile {mapping_line}: {use}). Wurde sie vor dem Speichern "
        "gelöscht oder umbenannt (etwa in Excel)?{renamed} Bitte den Export neu aus dem "
        "Befragungswerkzeug herunterladen und unverändert importieren, oder die Zeile aus der "
        "Zuordnung nehmen.",
        "The column is missing from this file{expected_en}; the mapping "
        "{mapping} needs it (line {mapping_line}: {use}). Was it deleted or renamed before "
        "saving (e.g. in Excel)?{renamed} Please download the export again and import it "
        "unchanged, or remove the line from the mapping.",
    ),
    "export_column_twice": (
        "Die Spalte steht mehrmals in der Kopfzeile dieser Datei; die Zuordnung {mapping} braucht "
        "sie (Zeile {mapping_line}: {use}), gelesen würde nur eine davon. Wurde sie vor dem "
        "Speichern kopiert (etwa in Excel)? Bitte den Export neu aus dem Befragungswerkzeug "
        "herunterladen und unverändert importieren.",
        "The column appears more than once in this file's header; the mapping {mapping} needs "
        "it (line {mapping_line}: {use}), only one of them would be read. Was it copied before "
        "saving (e.g. in Excel)? Please download the export again and import it unchanged.",
    ),
    "unmapped_question": (
        "Die Frage ist keinem Item zugeordnet und wird nicht übernommen.",
        "The question is mapped to no item and is left out.",
    ),
    "code_without_label": (
        "Antwortcode ohne Wertelabel ({count}-mal), als fehlend übernommen.",
        "Answer code without a value label ({count} times), taken as missing.",
    ),
    "respondent_inconsistent": (
        "Die befragte Person gehört in einer Welle zu mehreren Einheiten oder Akteursgruppen.",
        "The respondent belongs to several units or actor groups in one wave.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem in the input, located as precisely as the input allows.

    Attributes
    ----------
    file : str
        File name (as the researcher knows it).
    rule : str
        Rule identifier, a key of :data:`RULES`.
    line : int or None
        Line as numbered in the file (1 is the first line; for XLSX the sheet row).
    column : str or None
        Column name.
    value : str or None
        The offending value as written in the file.
    severity : {"error", "warning"}
        Errors make the data unusable; warnings do not.
    params : tuple of (str, str)
        Values for the message template.
    """

    file: str
    rule: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = "error"
    params: tuple[tuple[str, str], ...] = field(default=())

    def message(self, lang: Lang = "de") -> str:
        """Return the rule's explanation in German or English."""
        de, en = RULES[self.rule]
        template = de if lang == "de" else en
        return template.format_map(_Defaults(dict(self.params)))

    def to_dict(self, lang: Lang = "de") -> dict[str, object]:
        """Return the problem as a JSON-ready dictionary."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message(lang),
        }


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def make_problem(
    file: str,
    rule: str,
    *,
    line: int | None = None,
    column: str | None = None,
    value: object = None,
    severity: Severity = "error",
    **params: object,
) -> Problem:
    """Build a :class:`Problem`, turning the value and parameters into text.

    Parameters
    ----------
    file, rule, line, column, severity
        See :class:`Problem`.
    value : object
        The offending value; ``None`` when there is none.
    **params
        Fields for the rule's message template.

    Returns
    -------
    Problem
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; known rules: {', '.join(sorted(RULES))}")
    return Problem(
        file=file,
        rule=rule,
        line=None if line is None else int(line),
        column=column,
        value=_value_text(value),
        severity=severity,
        params=tuple(sorted((k, str(v)) for k, v in params.items())),
    )


def _value_text(value: object) -> str | None:
    """Return a problem's value as text: a missing cell (NaN, NaT, NA) as ``""``.

    An empty cell read from a file is ``""``; the same cell of a table built
    in code holds NaN or NA, which ``str`` would show as ``nan`` or ``<NA>``.
    """
    if value is None:
        return None
    try:
        missing = bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pandas' NA has no truth value; an array has many
        missing = type(value).__name__ == "NAType"
    return "" if missing else str(value)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return problems ordered by file, line and column (file-level ones first)."""
    return sorted(
        problems,
        key=lambda p: (p.file, p.line if p.line is not None else -1, p.column or "", p.rule),
    )


CAUSES = frozenset({"folder_missing", "folder_empty", "table_missing"})
"""Rules that name why other checks could not run: told before every other group."""

GROUP_MIN = 3
"""A root cause that breaks at least this many rows is told once, as a summary."""

MAX_LINES_PER_COLUMN = 20
"""In text output, at most this many single problems per file, column and rule."""

_WORDS = {
    "de": ("Zeile", "Spalte", "Wert", "Regel", "Warnung", "Fehler"),
    "en": ("line", "column", "value", "rule", "warning", "error"),
}
_QUOTES = {"de": ("„", "“"), "en": ("'", "'")}


@dataclass(frozen=True)
class ProblemGroup:
    """Problems with one root cause: the same rule broken by the same value.

    A wrong lab id makes every row that refers to it dangle, in several
    tables; such follow-up problems form one group. For dangling references
    the root is the reference itself (whatever table it points to), for every
    other rule the column, value and rule parameters together.

    Attributes
    ----------
    id : int
        Number of the group (1, 2, ...), largest group first.
    problems : tuple of Problem
        Its problems, sorted by file and line.
    """

    id: int
    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        """The first problem (by file, line and column)."""
        return self.problems[0]

    @property
    def files(self) -> list[str]:
        """The files involved, sorted."""
        return sorted({p.file for p in self.problems})

    def summary(self, lang: Lang = "de") -> str:
        """Return one line telling the root cause, its reach and where it shows first."""
        words = _WORDS[lang]
        q0, q1 = _QUOTES[lang]
        first = self.first
        n = len(self.problems)
        count = f"{n:,}".replace(",", "." if lang == "de" else ",")
        files = self.files
        if lang == "de":
            tables = f"{len(files)} Tabelle" + ("n" if len(files) != 1 else "")
            reach = f"{count} Zeilen in {tables} ({', '.join(files)})"
        else:
            tables = f"{len(files)} table" + ("s" if len(files) != 1 else "")
            reach = f"{count} rows in {tables} ({', '.join(files)})"
        kind = words[4] if first.severity == "warning" else words[5]
        if all(p.line is None and p.column is None for p in self.problems):  # about tables
            concerns = "Betrifft" if lang == "de" else "Concerns"
            return (
                f"{kind}: {first.message(lang)} {concerns} {tables} ({', '.join(files)}) "
                f"[{words[3]} {first.rule}]"
            )
        where = f"{first.file}"
        if first.line is not None:
            where += f" {words[0]} {first.line}"
        if first.column is not None:
            where += f", {words[1]} {q0}{first.column}{q1}"
        if first.rule == "key_missing":
            column, ref = _dangling_root(first)
            target = dict(first.params).get("target", "")
            unknown = "unbekannt" if lang == "de" else "unknown"
            head = f"{column} {q0}{_shorten(ref)}{q1} {unknown}"
            if target:
                head += f" in {target.split('.')[0]}"
            similar = dict(first.params).get("similar")
            if similar:
                meant = "meinten Sie" if lang == "de" else "did you mean"
                head += f" ({meant} {q0}{similar}{q1}?)"
        else:  # the message ends in a full stop: the reach follows as a sentence of its own
            head = f"{words[1]} {q0}{first.column}{q1}" if first.column else first.file
            if first.value:  # an empty cell has no value to show („“ looked like a gap)
                head += f", {words[2]} {q0}{_shorten(first.value)}{q1}"
            concerns = "Betrifft" if lang == "de" else "Concerns"
            head += f": {first.message(lang)} {concerns}"
        firstword = "erste" if lang == "de" else "first"
        sep = ": " if first.rule == "key_missing" else " "
        return f"{kind}: {head}{sep}{reach}; {firstword}: {where} [{words[3]} {first.rule}]"

    def to_dict(self, lang: Lang = "de") -> dict[str, object]:
        """Return the group as a JSON-ready dictionary."""
        first = self.first
        return {
            "group": self.id,
            "rule": first.rule,
            "severity": first.severity,
            "value": _dangling_root(first)[1] if first.rule == "key_missing" else first.value,
            "count": len(self.problems),
            "files": self.files,
            "first": {"file": first.file, "line": first.line, "column": first.column},
            "summary": self.summary(lang),
        }


def _dangling_root(problem: Problem) -> tuple[str, str]:
    """Return the column and value a dangling reference comes down to.

    A reference of several columns (``lab_id/indicator_id``) is reported at
    the first column without a match, so one wrong lab id is one root however
    many indicators it carries; a single reference (also one id of a
    ``a|b`` list) is the reference itself.
    """
    params = dict(problem.params)
    ref = params.get("ref", problem.value or "")
    target = params.get("target", "")
    if "+" in target and problem.column is not None and problem.value is not None:
        return problem.column, problem.value
    column = target.rsplit(".", 1)[-1] if target else (problem.column or "")
    return column, ref


def _root(problem: Problem) -> tuple[object, ...]:
    """Return what problems of one root cause share."""
    if problem.rule == "key_missing":
        return (problem.rule, problem.severity, _dangling_root(problem)[1])
    return (problem.rule, problem.severity, problem.column, problem.value, problem.params)


def group_problems(
    problems: Iterable[Problem], minimum: int = GROUP_MIN
) -> tuple[list[ProblemGroup], list[Problem]]:
    """Split problems into groups of one root cause and the problems that stand alone.

    Parameters
    ----------
    problems : iterable of Problem
    minimum : int
        Smallest number of problems that forms a group.

    Returns
    -------
    groups : list of ProblemGroup
        Causes (:data:`CAUSES`) first, then the largest first.
    single : list of Problem
        Problems in no group, in their original order.

    Examples
    --------
    >>> ps = [make_problem("a.csv", "key_missing", line=i, ref="moer", target="labs.lab_id")
    ...       for i in range(2, 6)]
    >>> groups, single = group_problems(ps + [make_problem("b.csv", "file_empty")])
    >>> len(groups), len(groups[0].problems), [p.file for p in single]
    (1, 4, ['b.csv'])
    """
    problems = list(problems)
    by_root: dict[tuple[object, ...], list[Problem]] = {}
    for p in problems:
        by_root.setdefault(_root(p), []).append(p)
    big = [ps for ps in by_root.values() if len(ps) >= minimum]
    # a cause (a missing table) before what it breaks, then the largest first
    big.sort(key=lambda ps: (ps[0].rule not in CAUSES, -len(ps), sort_problems(ps)[0].file))
    groups = [ProblemGroup(i, tuple(sort_problems(ps))) for i, ps in enumerate(big, start=1)]
    grouped = {id(p) for g in groups for p in g.problems}
    return groups, [p for p in problems if id(p) not in grouped]


def format_text(
    problems: Iterable[Problem],
    lang: Lang = "de",
    summarise: bool = False,
) -> str:
    """Render problems as lines of plain text, one per problem.

    Parameters
    ----------
    problems : iterable of Problem
    lang : {"de", "en"}
    summarise : bool
        Tell each root cause once (see :func:`group_problems`), first, and
        show at most :data:`MAX_LINES_PER_COLUMN` further problems per file,
        column and rule, with a line saying how many were left out.

    Returns
    -------
    str
        One line per problem, e.g.
        ``labs.csv, Zeile 4, Spalte „land“, Wert „DE-XX“: ... [Regel str_matches]``.
    """
    if not summarise:
        return "\n".join(_line(p, lang) for p in problems)
    groups, single = group_problems(problems)
    out = [g.summary(lang) for g in groups]
    shown: dict[tuple[str, str | None, str], int] = {}
    for p in single:
        key = (p.file, p.column, p.rule)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= MAX_LINES_PER_COLUMN:
            out.append(_line(p, lang))
    q0, q1 = _QUOTES[lang]
    for (file, column, rule), n in shown.items():
        if n > MAX_LINES_PER_COLUMN:
            more = n - MAX_LINES_PER_COLUMN
            col = f", {_WORDS[lang][1]} {q0}{column}{q1}" if column else ""
            if lang == "de":
                out.append(
                    f"… {file}{col}: {more} weitere Probleme nach Regel {rule} "
                    "(alle mit --format json)"
                )
            else:
                out.append(
                    f"… {file}{col}: {more} more problems of rule {rule} (all with --format json)"
                )
    return "\n".join(out)


def _line(p: Problem, lang: Lang) -> str:
    words = _WORDS[lang]
    quote = _QUOTES[lang]
    parts = [p.file]
    if p.line is not None:
        parts.append(f"{words[0]} {p.line}")
    if p.column is not None:
        parts.append(f"{words[1]} {quote[0]}{p.column}{quote[1]}")
    if p.value:  # an empty cell has no value to show (the message says it is empty)
        parts.append(f"{words[2]} {quote[0]}{_shorten(p.value)}{quote[1]}")
    kind = words[4] if p.severity == "warning" else words[5]
    return f"{kind}: {', '.join(parts)}: {p.message(lang)} [{words[3]} {p.rule}]"


def format_json(problems: Iterable[Problem], lang: Lang = "de") -> str:
    """Render problems as JSON: every problem, plus the groups of one root cause.

    The document is ``{"problems": [...], "groups": [...], "errors": n,
    "warnings": n}``. Every problem is listed; a problem that belongs to a
    group (see :func:`group_problems`) carries the group's number in
    ``"group"`` (else null), and ``"groups"`` summarises each group (rule,
    value, count, files, first occurrence, summary line).
    """
    problems = list(problems)
    groups, _ = group_problems(problems)
    member = {id(p): g.id for g in groups for p in g.problems}
    items = [{**p.to_dict(lang), "group": member.get(id(p))} for p in problems]
    errors = sum(1 for p in items if p["severity"] == "error")
    doc = {
        "problems": items,
        "groups": [g.to_dict(lang) for g in groups],
        "errors": errors,
        "warnings": len(items) - errors,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _shorten(text: str, limit: int = 80) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"
