"""Lines end where the CSV readers end them: at ``\\n``, ``\\r\\n`` and ``\\r`` only.

Python's ``str.splitlines`` also breaks at form feed, vertical tab, the
information separators ``\\x1c``-``\\x1e``, NEL and the Unicode line and
paragraph separators. Such a character, pasted into a comment or a cell
(from a PDF, a web page, a word processor), is text to pyarrow, pandas and
``csv``. Counting lines with ``splitlines`` put the header one line too far
down: the first data row was silently skipped, validation passed, and the
next collect wrote the table back without it. The expected values below are
the rows and line numbers typed into each file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact import io as io_module
from ogl_impact.imports.merge import _appended
from ogl_impact.io import TableReadError, physical_lines, read_table
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_folder, validate_table
from tests.test_delivery_careless import full, stored
from tests.test_delivery_loop import (
    C_VALUE,
    LAB,
    PERIOD,
    base,
    collect,
    data,
    filled,
    new_partner,
    original,
)
from tests.test_delivery_run import _row_of, _stored

from .conftest import DEMO

__all__ = ["base", "data", "full", "original", "stored"]  # fixtures

BREAKS_ONLY_FOR_SPLITLINES = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", BREAKS_ONLY_FOR_SPLITLINES, ids=ascii)
def test_a_comment_holding_such_a_character_keeps_every_row(tmp_path: Path, char: str):
    path = tmp_path / "sources.csv"
    path.write_text(
        f"# aus dem PDF kopiert:{char}Seite 2\n# zweite Zeile\n"
        "source_id;title;reference\na;Erster;x\nb;Zweiter;y\n",
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.header_line == 3
    assert raw.frame["source_id"].tolist() == ["a", "b"]
    assert raw.lines.tolist() == [4, 5]
    assert raw.comments == (f"aus dem PDF kopiert:{char}Seite 2", "zweite Zeile")
    _, problems = validate_table(raw, TABLES["sources"])
    assert problems == []


@pytest.mark.parametrize("char", BREAKS_ONLY_FOR_SPLITLINES, ids=ascii)
def test_a_cell_holding_such_a_character_keeps_the_line_numbers(tmp_path: Path, char: str):
    # a quoted line break makes the reader count the records' lines one by one
    path = tmp_path / "sources.csv"
    path.write_text(
        f'source_id;title;reference\na;Titel{char}mit Zeichen;x\nb;"zwei\nZeilen";y\nC D;T;z\n',
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.frame["title"].tolist() == [f"Titel{char}mit Zeichen", "zwei\nZeilen", "T"]
    assert raw.lines.tolist() == [2, 3, 5]
    _, problems = validate_table(raw, TABLES["sources"])
    assert [(p.line, p.value) for p in problems] == [(5, "C D")]


@pytest.mark.parametrize("char", ["\f", "\x85", "\u2028"], ids=ascii)
def test_a_row_with_too_many_fields_is_named_after_such_a_character(tmp_path: Path, char: str):
    path = tmp_path / "sources.csv"
    path.write_text(f"source_id;title;reference\na;T{char}U;x\nb;T;y;zuviel\n", encoding="utf-8")
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert (info.value.problem.rule, info.value.problem.line) == ("file_parse", 3)


def test_a_data_folder_with_such_a_comment_validates_with_every_row(tmp_path: Path):
    folder = tmp_path / "daten"
    shutil.copytree(DEMO, folder)
    path = folder / "indicator_values.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    rows = len([x for x in lines[1:] if x]) - 1  # without the header
    lines.insert(1, "# Hinweis der Koordination:\u2028bitte nicht ändern")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert len(read_table(path).frame) == rows
    assert validate_folder(folder).ok


def test_collect_keeps_such_a_comment_and_the_first_row_after_it(full, stored, tmp_path, capsys):
    path = stored / "indicator_values.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(1, "# Hinweis der Koordination:\u2028bitte nicht ändern")
    path.write_text("\n".join(lines), encoding="utf-8")
    before = path.read_text(encoding="utf-8").split("\n")

    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    sheet.cell(_row_of(sheet, "i03"), C_VALUE).value = (
        float(_stored(LAB, "i03").replace(",", ".")) + 2
    )
    wb = tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx"
    wb.parent.mkdir()
    book.save(wb)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text

    after = path.read_text(encoding="utf-8").split("\n")
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1 and before[changed[0]].startswith(f"{LAB};i03;{PERIOD};;")
    assert after[3] == before[3]  # the first data row, right after the header


def _table(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize("char", ["\f", "\u2028"], ids=ascii)
def test_an_import_removes_whole_records_and_nothing_else(tmp_path: Path, char: str):
    # responses of a replaced wave go; one of them holds a quoted line break, the next
    # one a character splitlines breaks at
    path = tmp_path / "responses.csv"
    _table(
        path,
        "# Kommentar\nrespondent_id;wave;item_id;value\n"
        'r1;1;a;"eins\nzwei"\n'
        f"r2;1;a;drei{char}vier\n"
        "r3;2;a;fünf\n",
    )
    old = read_table(path)
    assert old.lines.tolist() == [3, 5, 6]
    empty = pd.DataFrame(columns=["respondent_id", "wave", "item_id", "value"])
    assert _appended(old, empty, {3}) == (
        f"# Kommentar\nrespondent_id;wave;item_id;value\nr2;1;a;drei{char}vier\nr3;2;a;fünf\n"
    )
    assert _appended(old, empty, {5}) == (
        '# Kommentar\nrespondent_id;wave;item_id;value\nr1;1;a;"eins\nzwei"\nr3;2;a;fünf\n'
    )


def test_every_break_only_splitlines_makes_is_known():
    # the readers' own view: a character between two letters that splitlines breaks at
    extra = {
        chr(i)
        for i in range(0x110000)
        if chr(i) not in "\r\n" and len(f"a{chr(i)}b".splitlines()) == 2
    }
    assert extra == set(BREAKS_ONLY_FOR_SPLITLINES) == set(io_module._OTHER_BREAKS)
    for char in extra:  # the fast path (none of them in the text) and the other agree
        text = f"a\r\nb{char}c\rd\n"
        assert physical_lines(text) == ["a", f"b{char}c", "d"]
        assert physical_lines(text.replace(char, "")) == ["a", "bc", "d"]


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        # a lone \r (a line pasted from an old Mac file) and a blank line: as many "\n" as
        # rows, but the rows do not each sit on a line of their own
        ("source_id;title;reference\na;T;x\rb;T;y\n\nc;T;z\nd;T;w\n", [2, 3, 5, 6]),
        ("source_id;title;reference\ra;T;x\rb;T;y\r", [2, 3]),
        ("source_id;title;reference\r\na;T;x\r\n\r\nb;T;y\r\n", [2, 4]),
    ],
)
def test_a_lone_carriage_return_ends_a_line(tmp_path: Path, content: str, lines: list[int]):
    path = tmp_path / "sources.csv"
    path.write_bytes(content.encode("utf-8"))
    raw = read_table(path)
    assert raw.lines.tolist() == lines
    assert len(raw.frame) == len(lines)


def test_a_replace_removes_the_record_after_a_lone_carriage_return(tmp_path: Path):
    path = tmp_path / "responses.csv"
    _table(path, "respondent_id;wave;item_id;value\nr1;1;a;x\rr2;1;a;y\n\nr3;2;a;z\nr4;2;a;w\n")
    old = read_table(path)
    empty = pd.DataFrame(columns=["respondent_id", "wave", "item_id", "value"])
    assert _appended(old, empty, {5}) == (
        "respondent_id;wave;item_id;value\nr1;1;a;x\rr2;1;a;y\n\nr4;2;a;w\n"
    )


@pytest.mark.parametrize("notes", [0, 1])
def test_a_new_partner_typed_over_two_lines_below_two_comments(
    base, data, original, tmp_path, capsys, notes
):
    # a note added above the table by hand, and a partner name typed with Alt+Enter: the
    # stored lines stay, one header, the new partner as typed
    path = data / "partners.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text("# Notiz: Quellen geprüft\n" * notes + text, encoding="utf-8")
    before = path.read_text(encoding="utf-8")

    partner = new_partner("Verein\nBrandis")
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", partner)
    code, said = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, said
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # a new period only adds rows
    assert [line for line in physical_lines(after) if line.startswith("partner_id;")] == [
        physical_lines(text)[1]
    ]
    names = read_table(path, "partners").frame["name"].tolist()
    assert names.count("Verein\nBrandis") == 1
    assert validate_folder(data).ok
