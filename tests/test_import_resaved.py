"""An export opened and saved again in a spreadsheet before the import.

A mapped column copied (the header twice) left pandas reading the first copy
and ignoring the second as ``G02Q04.1``: with the first copy emptied, every
answer was imported as empty, exit 0 (SoSci: refused as a foreign R script).
A Kobo CSV saved by a German Excel (cp1252) or saved empty was refused
naming the form, not the file, with Python's English exception text. Each
is now refused naming the file, the line, the column and what to do, and
nothing is written; a repeated column the mapping does not use still imports.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.imports.export import not_utf8
from tests.test_import_missing_column import KOBO, download, mapping, refused
from tests.test_import_overlap import LSS, SOSCI_DATA, SOSCI_SCRIPT, imp, table, tree
from tests.test_import_overlap import secret as secret


def repeat(source: Path, path: Path, column: str, blank_first: bool = False) -> Path:
    """``source`` with ``column`` again at the end (a column copied in the spreadsheet)."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*rows[0], column])
        for row in rows[1:]:
            first = "" if blank_first else row[at]
            writer.writerow([*row[:at], first, *row[at + 1 :], row[at]])
    return path


@pytest.mark.parametrize("blank_first", [False, True], ids=["same", "first-emptied"])
def test_a_repeated_mapped_column_is_refused(tmp_path, secret, capsys, blank_first):
    [_, whole] = download(tmp_path / "ganz.csv", {})
    twice = repeat(whole, tmp_path / "export.csv", "G02Q04", blank_first)
    m = mapping(tmp_path / "zuordnung.csv")
    err = refused(tmp_path, secret, capsys, [LSS, twice], m)
    assert "export.csv, Zeile 1, Spalte „G02Q04“: Die Spalte steht mehrmals" in err, err
    assert "die Zuordnung zuordnung.csv braucht sie (Zeile 5: G02Q04 → Item bild)" in err, err
    assert "[Regel export_column_twice]" in err, err
    assert "Q00_SQ001“: Die Spalte steht" not in err, err  # not repeated: not named


def test_a_repeated_column_the_mapping_does_not_use_still_imports(tmp_path, secret, capsys):
    [_, whole] = download(tmp_path / "ganz.csv", {})
    twice = repeat(whole, tmp_path / "export.csv", "G01Q03")  # free text, not mapped
    out = tmp_path / "daten"
    assert imp("limesurvey", [LSS, twice], mapping(tmp_path / "z.csv"), out, secret) == 0, (
        capsys.readouterr().err
    )
    assert len(table(out, "responses")) == 80


def test_a_deleted_column_the_mapping_does_not_use_still_imports(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {"G01Q03": None, "G01Q02": None})
    out = tmp_path / "daten"
    assert imp("limesurvey", files, mapping(tmp_path / "z.csv"), out, secret) == 0, (
        capsys.readouterr().err
    )
    assert len(table(out, "responses")) == 80


def kobo_rows() -> list[dict[str, str]]:
    doc = json.loads((KOBO / "sanitation_report_v1.json").read_text(encoding="utf-8"))
    return [{"_uuid": f"uuid-{n}", **sub} for n, sub in enumerate(doc["submissions"] * 20, 1)]


KOBO_MAP = "restaurant_rating;bewertung;rating;false\n"
KOBO_COLUMNS = ["_uuid", "restaurant_name", "restaurant_rating", "report_date"]


def test_a_repeated_kobo_csv_column_is_refused(tmp_path, secret, capsys):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([*KOBO_COLUMNS, "restaurant_rating"])
        for row in kobo_rows():
            writer.writerow([*(row[c] for c in KOBO_COLUMNS), row["restaurant_rating"]])
    form = KOBO / "sanitation_report_v1.json"
    m = mapping(tmp_path / "zuordnung.csv", rows=KOBO_MAP)
    err = refused(tmp_path, secret, capsys, [form, path], m, tool="kobo")
    assert "export.csv, Zeile 1, Spalte „restaurant_rating“: Die Spalte steht mehrmals" in err
    assert "(Zeile 5: restaurant_rating → Item bewertung)" in err, err


def test_a_kobo_csv_saved_by_a_german_excel_names_the_file_and_line(tmp_path, secret, capsys):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="cp1252", newline="") as handle:  # Excel's "CSV", not UTF-8
        writer = csv.DictWriter(handle, fieldnames=KOBO_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows({**r, "restaurant_name": "Café Müller"} for r in kobo_rows())
    form = KOBO / "sanitation_report_v1.json"
    m = mapping(tmp_path / "zuordnung.csv", rows=KOBO_MAP)
    err = refused(tmp_path, secret, capsys, [form, path], m, tool="kobo")
    assert "Fehler: export.csv: Der Export lässt sich nicht lesen: Zeile 2, Byte 0xe9" in err, err
    assert "nicht UTF-8-kodiert" in err and "„CSV UTF-8“" in err, err
    assert "sanitation_report_v1.json" not in err and "codec" not in err, err


@pytest.mark.parametrize("content", ["", "\n\n"], ids=["empty", "blank-lines"])
def test_an_empty_kobo_csv_names_the_file(tmp_path, secret, capsys, content):
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    form = KOBO / "sanitation_report_v1.json"
    m = mapping(tmp_path / "zuordnung.csv", rows=KOBO_MAP)
    err = refused(tmp_path, secret, capsys, [form, path], m, tool="kobo")
    assert "Fehler: export.csv: Der Export lässt sich nicht lesen: Zeile 1: die Datei ist leer" in (
        err
    )
    assert "EmptyDataError" not in err and "sanitation_report_v1.json" not in err, err


def test_a_limesurvey_csv_saved_by_a_german_excel_names_line_and_remedy(tmp_path, secret, capsys):
    [_, whole] = download(tmp_path / "ganz.csv", {})
    text = whole.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("1980-01-01", "Grüße 1980-01-01", 1)
    saved = tmp_path / "export.csv"
    saved.write_bytes(("\n".join(line.replace(",", ";") for line in text) + "\n").encode("cp1252"))
    before = tree(tmp_path)
    err = refused(tmp_path, secret, capsys, [LSS, saved], mapping(tmp_path / "zuordnung.csv"))
    assert "Fehler: export.csv: Der Export lässt sich nicht lesen: Zeile 4, Byte 0xfc" in err, err
    assert "„CSV UTF-8“" in err, err
    assert {k: v for k, v in tree(tmp_path).items() if k in before} == before


def sosci_repeating(path: Path, column: str) -> Path:
    """SoSci's data export with ``column`` again at the end (a column copied)."""
    frame = pd.read_csv(SOSCI_DATA, sep="\t", dtype=str, keep_default_na=False)
    names = [*frame.columns, column]
    frame = pd.concat([frame, frame[[column]]], axis=1)
    frame.columns = names
    frame.to_csv(path, sep="\t", index=False)
    return path


def test_a_repeated_mapped_sosci_column_is_refused_as_repeated(tmp_path, secret, capsys):
    data = sosci_repeating(tmp_path / "Exp1_data.csv", "TR02_01")
    m = mapping(tmp_path / "zuordnung.csv", rows="TR02_01;platz_1;satisfaction;false\n")
    err = refused(tmp_path, secret, capsys, [data, SOSCI_SCRIPT], m, tool="sosci")
    assert "Exp1_data.csv, Zeile 1, Spalte „TR02_01“: Die Spalte steht mehrmals" in err, err
    assert "(Zeile 5: TR02_01 → Item platz_1)" in err and "gehört nicht zu" not in err, err


def test_a_repeated_sosci_column_the_mapping_does_not_use_still_imports(tmp_path, secret, capsys):
    data = sosci_repeating(tmp_path / "Exp1_data.csv", "TR02_05")
    m = mapping(tmp_path / "zuordnung.csv", rows="TR02_01;platz_1;satisfaction;false\n")
    out = tmp_path / "daten"
    assert imp("sosci", [data, SOSCI_SCRIPT], m, out, secret) == 0, capsys.readouterr().err
    assert set(table(out, "responses")["item_id"]) == {"platz_1"}


@pytest.mark.parametrize("content", ["", "\n\n"], ids=["empty", "blank-lines"])
def test_an_empty_limesurvey_csv_names_the_file(tmp_path, secret, capsys, content):
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    err = refused(tmp_path, secret, capsys, [LSS, path], mapping(tmp_path / "zuordnung.csv"))
    assert "Fehler: export.csv: Der Export lässt sich nicht lesen: Zeile 1: die Datei ist leer" in (
        err
    )
    assert "EmptyDataError" not in err and "colors.lss" not in err, err


def test_a_csv_with_a_byte_order_mark_names_the_line_of_the_byte(tmp_path):
    # the line was counted in the file's bytes up to the offset in the decoded ones: the
    # three bytes of the mark came first, so the line before was named
    for data, line in [(b"\xef\xbb\xbfid;name\n\xfc;x", 2), (b"\xef\xbb\xbfid\n1\n\xfc", 3)]:
        path = tmp_path / "export.csv"
        path.write_bytes(data)
        with pytest.raises(UnicodeDecodeError) as caught:
            path.read_text(encoding="utf-8-sig")
        said = not_utf8(path, caught.value)
        assert said.startswith(f"export.csv: Zeile {line}, Byte 0xfc: "), said


def test_a_limesurvey_csv_with_a_mark_saved_by_excel_names_the_line(tmp_path, secret, capsys):
    [_, whole] = download(tmp_path / "ganz.csv", {})
    text = whole.read_text(encoding="utf-8").splitlines()
    text[3] = "ü" + text[3]  # the first byte of line 4: a count three bytes short says 3
    saved = tmp_path / "export.csv"
    body = ("\n".join(line.replace(",", ";") for line in text) + "\n").encode("cp1252")
    saved.write_bytes(b"\xef\xbb\xbf" + body)
    err = refused(tmp_path, secret, capsys, [LSS, saved], mapping(tmp_path / "zuordnung.csv"))
    assert "Fehler: export.csv: Der Export lässt sich nicht lesen: Zeile 4, Byte 0xfc" in err, err


BLANK_FIRST = "\nid;q1\n1;2\n"
BLANK_LINE_1 = "Zeile 1 ist leer – die Kopfzeile muss in Zeile 1 stehen"


def test_a_kobo_csv_with_a_blank_first_line_is_not_called_empty(tmp_path, secret, capsys):
    path = tmp_path / "export.csv"
    path.write_text(BLANK_FIRST, encoding="utf-8")
    form = KOBO / "sanitation_report_v1.json"
    m = mapping(tmp_path / "zuordnung.csv", rows=KOBO_MAP)
    err = refused(tmp_path, secret, capsys, [form, path], m, tool="kobo")
    assert f"Der Export lässt sich nicht lesen: {BLANK_LINE_1}" in err, err
    assert "die Datei ist leer" not in err, err


def test_a_limesurvey_csv_with_a_blank_first_line_is_not_called_empty(tmp_path, secret, capsys):
    path = tmp_path / "export.csv"
    path.write_text(BLANK_FIRST, encoding="utf-8")
    err = refused(tmp_path, secret, capsys, [LSS, path], mapping(tmp_path / "zuordnung.csv"))
    assert f"Der Export lässt sich nicht lesen: {BLANK_LINE_1}" in err, err
    assert "die Datei ist leer" not in err, err


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_the_line_of_a_byte_not_utf8_is_counted_whatever_ends_the_lines(
    tmp_path, secret, capsys, newline
):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=KOBO_COLUMNS, delimiter=";", lineterminator=newline
        )
        writer.writeheader()
        rows = kobo_rows()
        writer.writerows(rows[:2])
        writer.writerow({**rows[2], "restaurant_name": "Café Müller"})  # line 4
    form = KOBO / "sanitation_report_v1.json"
    m = mapping(tmp_path / "zuordnung.csv", rows=KOBO_MAP)
    err = refused(tmp_path, secret, capsys, [form, path], m, tool="kobo")
    assert "export.csv: Der Export lässt sich nicht lesen: Zeile 4, Byte 0xe9" in err, err
