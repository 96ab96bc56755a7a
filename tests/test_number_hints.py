"""A number written as a word processor or a locale writes it: refused, with what to write.

Thousands separators (space, non-breaking space, points or commas), a percent
sign, a typographic minus or a dash: the value is never read silently, and
the message says the number as the file takes it, in German and English,
for semicolon files, comma files and workbooks alike.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ogl_impact.validate import validate_folder

from .conftest import edit, read_rows

NBSP = "\u00a0"


def _messages(folder: Path, file: str, rule: str = "type_float") -> tuple[str, str, str]:
    """Value, German and English message of the first ``rule`` problem in ``file``."""
    report = validate_folder(folder)
    hits = [p for p in report.problems if p.rule == rule and p.file == file]
    assert hits, [(p.file, p.rule, p.value) for p in report.problems][:5]
    assert not report.ok  # refused, never read as a number
    return hits[0].value, hits[0].message("de"), hits[0].message("en")


@pytest.mark.parametrize(
    ("value", "written", "de_why", "en_why"),
    [
        ("1 234,5", "1234,5", "ohne Tausendertrennzeichen", "without thousands separators"),
        (f"1{NBSP}234,5", "1234,5", "geschützte", "non-breaking space"),
        ("1,234.5", "1234,5", "ohne Tausendertrennzeichen", "without thousands separators"),
        ("31,7 %", "31,7", "ohne Prozentzeichen", "without the percent sign"),
        ("31.7%", "31,7", "ohne Prozentzeichen", "without the percent sign"),
        (f"31,7{NBSP}%", "31,7", "geschützte", "non-breaking space"),
        ("\u22123", "-3", "statt „\u2212“", "instead of '\u2212'"),
        ("\u20133,5", "-3,5", "Minus der Tastatur", "keyboard minus"),
        (f"12{NBSP}345", "12345", "geschützte", "non-breaking space"),
    ],
)
def test_semicolon_file(mini: Path, value: str, written: str, de_why: str, en_why: str):
    edit(mini, "indicator_values", 3, "value", value)
    got, de, en = _messages(mini, "indicator_values.csv")
    assert got == value
    assert f"Keine Zahl – bitte {written} schreiben" in de and de_why in de, de
    assert f"Not a number – please write {written}" in en and en_why in en, en


def test_comma_file_says_the_point_form(mini: Path):
    path = mini / "indicator_values.csv"
    rows = [r for r in read_rows(path) if not r[0].startswith("#")]
    col = rows[0].index("value")
    body = [i for i in range(1, len(rows)) if rows[i][col]]
    for i in body:
        rows[i][col] = rows[i][col].replace(",", ".")
    rows[body[0]][col] = "1 234.5 %"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    _, de, en = _messages(mini, "indicator_values.csv")
    assert "bitte 1234.5 schreiben" in de and "ohne Prozentzeichen" in de, de
    assert "Tausendertrennzeichen" in de and "please write 1234.5" in en, en


def test_workbook_text_cell(mini: Path):
    import openpyxl

    path = mini / "indicator_values.csv"
    rows = [r for r in read_rows(path) if not r[0].startswith("#")]
    col = rows[0].index("value")
    book = openpyxl.Workbook()
    sheet = book.active
    for k, row in enumerate(rows):
        out: list[object] = list(row)
        if k and row[col]:
            out[col] = "1.234,5" if k == 1 else float(row[col].replace(",", "."))
        sheet.append(out)
    path.unlink()
    book.save(mini / "indicator_values.xlsx")
    _, de, en = _messages(mini, "indicator_values.xlsx")
    assert "als Text eingetragen; bitte als Zahl eingeben: 1234,5" in de, de
    assert "please enter it as a number: 1234.5" in en, en


def test_whole_number_column(mini: Path):
    edit(mini, "codebook", 3, "scale_min", "\u22122")
    _, de, en = _messages(mini, "codebook.csv", "type_int")
    assert "Keine ganze Zahl – bitte -2 schreiben" in de and "please write -2" in en, de


@pytest.mark.parametrize("value", ["abc", "31,7 Prozent", "1 234,5,6", "--3", "%"])
def test_no_hint_where_no_number_is_meant(mini: Path, value: str):
    """Nothing that would mislead: the message stays "Keine Zahl." without a hint."""
    edit(mini, "indicator_values", 3, "value", value)
    _, de, en = _messages(mini, "indicator_values.csv")
    assert de.startswith("Keine Zahl.") and en.startswith("Not a number."), de


def test_one_thousands_mark_in_a_whole_number_column_stays_open(mini: Path):
    """``1.234`` in a comma file: a thousand or one and a bit; no number is suggested."""
    path = mini / "codebook.csv"
    rows = [r for r in read_rows(path) if not r[0].startswith("#")]
    rows[1][rows[0].index("scale_max")] = "1.234"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    _, de, _ = _messages(mini, "codebook.csv", "type_int")
    assert de.startswith("Keine ganze Zahl.") and "1234" not in de, de
