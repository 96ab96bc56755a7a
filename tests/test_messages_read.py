"""Messages read as a researcher or lab coordinator reads them, through the real commands.

Each test makes a real mistake (a copy of the embedded tables or a filled
template, spoiled), runs ``validate`` or ``collect`` in German and English and
reads the lines printed: no template field left empty or shown as "?", no
doubled punctuation, no German words in the English text, singular where
there is one of a thing, and advice that fits what happened.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from ogl_impact.cli import main
from ogl_impact.delivery.workbook import COMPLETION_LABELS
from ogl_impact.problems import format_text
from ogl_impact.validate import validate_folder
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import LAB, PERIOD, RECEIVED, filled

from .conftest import edit
from .test_import_cli import FIX, mapping, run_import

original, base, data = loop.original, loop.base, loop.data

SPOILED = re.compile(
    r"„\?“|'\?'|\(\?\)|\?\.|[{}]|\bNone\b|\bnan\b|\.:|(?<!\.)\.\.(?!\.)|,,|„“|''|\(\)"
)
"""What a template field left unfilled or rendered badly leaves in a line."""


def _spoiled(text: str) -> list[str]:
    return [line for line in text.splitlines() if SPOILED.search(line)]


def _validate(capsys, folder: Path, lang: str) -> str:
    main(["validate", str(folder), "--lang", lang])
    return capsys.readouterr().out


def _collect(capsys, *args: object, lang: str = "de") -> tuple[int, str]:
    code = main(["collect", *map(str, args), "--received", RECEIVED, "--lang", lang])
    out = capsys.readouterr()
    return code, out.out + out.err


# ------------------------------------------------------------------------------- validate


def test_a_root_cause_told_once_reads_as_sentences(mini: Path, capsys):
    """The summary of one value in many rows: message, then its reach, no ``.:``."""
    for line in range(3, 7):
        edit(mini, "indicator_values", line, "value", "viel")
        edit(mini, "indicator_values", line, "status", "gemessen")
    de = _validate(capsys, mini, "de")
    en = _validate(capsys, mini, "en")
    assert not _spoiled(de) and not _spoiled(en), _spoiled(de) + _spoiled(en)
    number = next(x for x in de.splitlines() if "„viel“" in x)
    assert "Keine Zahl. Betrifft 4 Zeilen in 1 Tabelle (indicator_values.csv)" in number
    listed = next(x for x in de.splitlines() if "„gemessen“" in x)
    assert "Erlaubt sind: measured, estimated. Betrifft 4 Zeilen" in listed  # no list run-on
    number_en = next(x for x in en.splitlines() if "'viel'" in x)
    assert "Not a number. Concerns 4 rows in 1 table (indicator_values.csv)" in number_en


def test_the_verdict_counts_one_as_one(mini: Path, capsys):
    """„1 Warnungen“ and "1 errors" were printed for one warning and one error."""
    (mini / "notizen.csv").write_text("a;b\n1;2\n", encoding="utf-8")  # an unknown table
    edit(mini, "labs", 3, "land", "Brandenburg")
    de = _validate(capsys, mini, "de").splitlines()[-1]
    en = _validate(capsys, mini, "en").splitlines()[-1]
    assert de.endswith(", 1 Fehler, 1 Warnung."), de
    assert en.endswith(", 1 error, 1 warning."), en
    for path in mini.iterdir():
        if path.name != "sources.csv":
            path.unlink()
    de = _validate(capsys, mini, "de").splitlines()[-1]
    en = _validate(capsys, mini, "en").splitlines()[-1]
    assert de.endswith(": 1 Tabelle geprüft, fehlerfrei, 0 Warnungen."), de
    assert en.endswith(": 1 table checked, no errors, 0 warnings."), en


# (table, line, column, value): one real mistake each, several in four rows (one cause)
MISTAKES = [
    ("indicator_values", 3, "value", "viel"),
    ("indicator_values", 3, "value", "31.7"),
    ("indicator_values", 3, "value", "1.500"),
    ("indicator_values", 3, "value", "NaN"),
    ("indicator_values", 3, "value", "1e300"),
    ("indicator_values", 3, "value", "1 234,5"),
    ("indicator_values", 3, "value", "1\u00a0234,5"),
    ("indicator_values", 3, "value", "31,7 %"),
    ("indicator_values", 3, "value", "\u22123"),
    ("indicator_values", 3, "status", "gemessen"),
    ("indicator_values", 3, "lab_id", "bad_belzigg"),
    ("indicator_values", 3, "disaggregation_value", "frauen"),
    ("codebook", 3, "scale_min", "eins"),
    ("codebook", 3, "scale_min", "\u20131"),
    ("codebook", 3, "reverse_keyed", "vielleicht"),
    ("codebook", 3, "value_labels", "1=a|9=b"),
    ("milestones", 3, "planned_date", "27/09/2020"),
    ("milestones", 3, "planned_date", "44100"),
    ("milestones", 3, "achieved_date", ""),
    ("labs", 3, "land", "Brandenburg"),
    ("labs", 3, "name", ""),
    ("labs", 3, "grant_eur", "-5"),
    ("perspectives", 3, "number", "12"),
    ("periods", 3, "end", "2020-06-01"),
    ("responses", 3, "value", "9"),
    ("responses", 3, "respondent_id", "x y"),
    ("nodes", 3, "contributes_to", "in1"),
    ("nodes", 3, "level", "oben"),
    ("revisions", 3, "column", "wert"),
    ("revisions", 3, "row_key", "I 07"),
    ("revisions", 3, "revised", "2023-01-13"),
]
ENGLISH_IN_GERMAN = re.compile(r"\b(the|must|not a|line|error|warning|please)\b", re.I)
GERMAN_IN_ENGLISH = re.compile(r"„|“|\b(Zeile|Spalte|Wert|Fehler|Warnung|nicht|Bitte)\b")


@pytest.mark.parametrize(
    ("rows", "mistakes"),
    [(1, MISTAKES), (4, [m for m in MISTAKES if m[0] in ("indicator_values", "milestones")])],
    ids=["one row", "one cause in four rows"],
)
def test_every_validate_message_reads_clean(mini: Path, rows: int, mistakes: list):
    """Each mistake alone (one line each) and in four rows (told once), German and English."""
    failures = []
    for table, line, column, value in mistakes:
        folder = mini.parent / f"{table}-{column}"
        shutil.copytree(mini, folder)
        for k in range(rows):
            edit(folder, table, line + k, column, value)
        problems = validate_folder(folder).problems
        shutil.rmtree(folder)
        assert problems, (table, column, value)
        de = format_text(problems, "de", summarise=True)
        en = format_text(problems, "en", summarise=True)
        failures += [(table, column, x) for x in _spoiled(de) + _spoiled(en)]
        # the words around names, values and rule ids
        plain_de = re.sub(r"„[^“]*“|\[[^]]*\]|\S+\.csv|\b[a-z]+_[a-z_]+\b", "", de)
        plain_en = re.sub(r"'[^']*'|\[[^]]*\]|\S+\.csv|\b[a-z]+_[a-z_]+\b", "", en)
        failures += [(table, column, m.group()) for m in ENGLISH_IN_GERMAN.finditer(plain_de)]
        failures += [(table, column, m.group()) for m in GERMAN_IN_ENGLISH.finditer(plain_en)]
    assert not failures, failures


# -------------------------------------------------------------------------------- collect


def _lines_of(text: str, where: str) -> list[str]:
    return [line for line in text.splitlines() if where in line]


def test_a_deleted_sheet_is_named_and_not_to_be_renamed(base, data, original, tmp_path, capsys):
    """„Das Blatt „“ fehlt“: the sheet's name was a field that never reached the text."""

    def delete(book):
        del book["Meilensteine"]

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", delete)
    for lang, named in (("de", "„Meilensteine“"), ("en", "'Meilensteine'")):
        code, text = _collect(capsys, wb, "--data", data, lang=lang)
        assert code == 1, text
        (said,) = _lines_of(text, f"{wb.name}: Meilensteine:")
        assert not _spoiled(said), said
        assert said.count(named) == 2, said  # expected and fix both name it
        # nothing was renamed: restoring "the original name" cannot help
        assert "Namen wiederherstellen" not in said and "original name" not in said
    assert "ohne ein Blatt zu löschen" in _collect(capsys, wb, "--data", data)[1]


def test_a_renamed_sheet_is_named_with_the_name_found(base, data, original, tmp_path, capsys):
    def rename(book):
        book["Indikatorwerte"].title = "Tabelle1"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", rename)
    code, text = _collect(capsys, wb, "--data", data)
    assert code == 1, text
    (said,) = _lines_of(text, f"{wb.name}: Indikatorwerte:")
    assert "Ein Blatt namens „Indikatorwerte“." in said
    assert "Das Blatt „Indikatorwerte“ fehlt (umbenannt? vorhanden: „Tabelle1“)" in said
    assert "Namen wiederherstellen" in said and not _spoiled(said)


def test_english_feedback_holds_no_german_text(base, data, original, tmp_path, capsys):
    """A percent cell and a file that is no workbook: German quotes and words in English."""

    def percent(book):
        sheet = book["Indikatorwerte"]
        sheet["I3"] = 0.5
        sheet["I3"].number_format = "0%"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", percent)
    text_file = tmp_path / "in" / "daten.xlsx"
    text_file.write_text("Wert;12\n", encoding="utf-8")
    code, text = _collect(capsys, wb, text_file, "--data", data, lang="en")
    assert code == 1, text
    (shown,) = _lines_of(text, "Indikatorwerte!I3")
    assert "The cell shows '50 %' but holds" in shown, shown
    (other,) = _lines_of(text, "daten.xlsx: error")
    assert "no ZIP container" in other and "kein" not in other and "evtl." not in other
    assert "„" not in text and not _spoiled(text), text
    code, text = _collect(capsys, text_file, "--data", data)
    assert "(kein ZIP-Container, evtl. altes .xls oder .ods)" in text, text
    # the file the lab sent is the one to save as .xlsx, not the blank template
    assert "Bitte die Datei in Excel oder LibreOffice öffnen" in text, text


def test_two_workbooks_for_one_lab_start_a_sentence(base, data, original, tmp_path, capsys):
    """After „erwartet: … pro Lauf.“ the fix began in lower case („zwei Arbeitsmappen“)."""
    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    copy = tmp_path / "in" / f"{LAB}_{PERIOD} (2).xlsx"
    book = openpyxl.load_workbook(wb)
    book["Indikatorwerte"]["I3"] = 7
    book.save(copy)
    for lang, start in (("de", "pro Lauf. Zwei Arbeitsmappen"), ("en", "per run. Two workbooks")):
        code, text = _collect(capsys, wb, copy, "--data", data, lang=lang)
        assert code == 1, text
        assert len(_lines_of(text, start)) == 2, text
        assert not _spoiled(text), text


def test_a_late_correction_of_one_value_says_one_value(base, data, original, tmp_path, capsys):
    """English said "This workbook corrects 1 values": the count had no singular."""
    wb = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    assert _collect(capsys, wb, "--data", data)[0] == 0
    again = tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx"
    again.parent.mkdir()
    shutil.copy(wb, again)
    book = openpyxl.load_workbook(again)
    book["Indikatorwerte"]["I3"] = 7
    book.save(again)
    code, text = _collect(capsys, again, "--data", data, lang="en")
    assert code == 0, text
    (said,) = _lines_of(text, "whose deadline has passed")
    assert f"This workbook corrects 1 value of period {PERIOD}," in said, said
    assert not _spoiled(text), text
    assert "1 workbook, 0 refused" in text and "1 workbooks" not in text


def test_a_dangling_reference_names_table_and_columns_in_words(mini: Path, capsys):
    """„gibt es in indicators.lab_id+indicator_id nicht“ was the code's notation."""
    edit(mini, "indicator_values", 3, "lab_id", "bad_belzigg")
    edit(mini, "nodes", 3, "contributes_to", "zz9")
    de = _validate(capsys, mini, "de")
    en = _validate(capsys, mini, "en")
    assert "„bad_belzigg/i01“ gibt es in indicators (Spalten lab_id/indicator_id) nicht." in de
    assert "'bad_belzigg/i01' does not exist in indicators (columns lab_id/indicator_id)." in en
    lab = next(x for x in de.splitlines() if "„zz9“" in x)
    assert "gibt es in nodes (Spalte node_id) des Labors bad_belzig nicht." in lab, lab
    for text in (de, en):
        assert "+" not in text and ".lab_id" not in text and not _spoiled(text), text


# --------------------------------------------------------------------------------- import


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "schluessel.txt"
    path.write_text("ein-geheimer-schluessel\n", encoding="utf-8")
    return path


def test_a_second_export_is_refused_as_such(tmp_path, secret, capsys):
    """Two archives at once: the second was read as the responses and called unreadable XML."""
    lsa = FIX / "limesurvey" / "colors.lsa"
    other = tmp_path / "colors_welle2.lsa"
    shutil.copy(lsa, other)
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    out = tmp_path / "out"
    assert run_import("limesurvey", [lsa, other], map_path, out, secret) == 1
    said = capsys.readouterr().err
    assert "colors_welle2.lsa" in said and "eigenen Aufruf von ogl-impact import" in said, said
    assert "XML" not in said, said
    responses = tmp_path / "antworten.csv"
    responses.write_text("id,G02Q04\n1,A1\n", encoding="utf-8")
    # a third file was left out unread, without a word
    assert run_import("limesurvey", [lsa, responses, other], map_path, out, secret) == 1
    said = capsys.readouterr().err
    assert "colors_welle2.lsa" in said and "eigenen Aufruf" in said, said
    assert not out.exists()


def test_an_unreadable_export_is_explained_in_german_too(tmp_path, secret, capsys):
    """„Der Export lässt sich nicht lesen: not a readable LimeSurvey archive …“."""
    broken = tmp_path / "kaputt.lsa"
    broken.write_bytes(b"\x00garbage")
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    assert run_import("limesurvey", [broken], map_path, tmp_path / "out", secret) == 1
    said = capsys.readouterr().err
    assert "Der Export lässt sich nicht lesen: kein lesbares LimeSurvey-Archiv" in said, said


def test_an_import_of_one_item_says_one_item(tmp_path, secret, capsys):
    """„1 Items und 2 Antworten …“ was printed for one question mapped."""
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    out = tmp_path / "out"
    assert run_import("limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, out, secret) == 0
    said = capsys.readouterr().out
    assert f"{out}: 1 Item und 2 Antworten von 2 Befragten hinzugefügt" in said, said


# --------------------------------------------------------------------------------- status


def test_an_unknown_period_for_status_ends_its_sentence(mini: Path, capsys):
    """„unbekannter Zeitraum „xx“ Zeiträume mit Datenlieferung: …“ ran two sentences together."""
    assert main(["status", "--data", str(mini), "--period", "xx"]) == 2
    said = capsys.readouterr().err
    assert "unbekannter Zeitraum „xx“. Zeiträume mit Datenlieferung: sb1," in said, said
    assert main(["status", "--data", str(mini), "--period", "sbb6"]) == 2
    said = capsys.readouterr().err
    assert "„sbb6“ – meinten Sie sb6? Zeiträume mit Datenlieferung" in said, said


def test_the_same_file_twice_asks_for_nothing(base, data, original, tmp_path, capsys):
    """Two copies of one file: „Bitte nur die neueste Datei einlesen“ – there is no newer one."""
    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    copy = tmp_path / "in" / f"{LAB}_{PERIOD} (2).xlsx"
    shutil.copy(wb, copy)
    code, text = _collect(capsys, wb, copy, "--data", data)
    assert code == 0, text
    (said,) = _lines_of(text, f"{copy.name} (")
    assert "übersprungen – dieselbe Datei (gleiche Prüfsumme)" in said, said
    assert f"schon als {wb.name} vor" in said and "nur einmal eingelesen" in said, said
    assert "neueste" not in text and not _spoiled(text), text


def test_an_empty_cell_refused_by_a_rule_asks_to_fill_it(base, data, original, tmp_path, capsys):
    """„Fehler: Wert „“. … Bitte den Wert so ändern“: there is no value to change."""

    def complete_without_date(book):
        sheet = book["Meilensteine"]
        sheet["E2"] = COMPLETION_LABELS["complete"]
        sheet["F2"] = None

    wb = filled(
        base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", complete_without_date
    )
    for lang, fill in (
        ("de", "Bitte die leere Zelle ausfüllen."),
        ("en", "fill in the empty cell"),
    ):
        code, text = _collect(capsys, wb, "--data", data, lang=lang)
        assert code == 1, text
        (said,) = _lines_of(text, "Meilensteine!F2:")
        assert fill in said and not _spoiled(said), said
        assert "so ändern" not in said and "change the value" not in said, said


def test_a_cleared_template_version_is_a_changed_hidden_sheet(
    base, data, original, tmp_path, capsys
):
    """„Die Vorlage hat die Version .“: the version cell of the hidden sheet was emptied."""

    def clear(book):
        book["ogl_meta"]["B4"] = None

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", clear)
    code, text = _collect(capsys, wb, "--data", data)
    assert code == 1, text
    assert "Das verborgene Blatt „ogl_meta“ wurde verändert" in text, text
    assert "Version ." not in text and not _spoiled(text), text
