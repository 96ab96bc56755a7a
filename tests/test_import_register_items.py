"""The column ``items`` of ``imports.csv`` against the answers the folder holds.

``--replace`` marks an earlier line replaced only when it removed answers to
one of the items the line names. A line edited by hand to name an item the
codebook does not know (a typo) would never be marked: ``validate`` names it.
A ``--replace`` with a mapping of fewer items than an earlier import of the
same respondents keeps a line naming the items whose answers stay in
``responses.csv`` (mistakes of this kind: tests/test_import_register_cover.py).
"""

from __future__ import annotations

import pytest

from ogl_impact.problems import format_text
from ogl_impact.validate import validate_folder
from tests.test_import_overlap import imp, limesurvey, mapping, table
from tests.test_import_overlap import secret as secret

BOTH = "G02Q04;bild;satisfaction;false\nQ00_SQ001;farbe;colours;false\n"
FARBE = "Q00_SQ001;farbe;colours;false\n"


def edit_items(out, old: str, new: str) -> None:
    path = out / "imports.csv"
    text = path.read_text(encoding="utf-8")
    assert f";{old};" in text
    path.write_text(text.replace(f";{old};", f";{new};"), encoding="utf-8")


def test_an_item_of_the_register_the_codebook_lacks_is_an_error(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BOTH)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    edit_items(out, "bild|farbe", "bild|farbee")  # a typo made by hand
    report = validate_folder(out)
    said = format_text([p for p in report.problems if p.file == "imports.csv"]).splitlines()
    assert said == [
        "Fehler: imports.csv, Zeile 3, Spalte „items“, Wert „bild|farbee“: Verweis ins Leere: "
        "„farbee“ gibt es in codebook (Spalte item_id) nicht. Meinten Sie „farbe“? "
        "[Regel key_missing]"
    ], said


def test_the_items_of_the_register_as_imported_are_valid(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BOTH)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    assert validate_folder(out).ok


def _named_items(out) -> set[str]:
    register = table(out, "imports")
    return {i for cell in register["items"].dropna() for i in str(cell).split("|")}


@pytest.mark.parametrize("later", ["same", "cumulative"])
def test_a_replace_of_fewer_items_keeps_a_line_for_the_answers_left(
    tmp_path, secret, capsys, later
):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BOTH)
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, both, out, secret) == 0
    again = first if later == "same" else limesurvey(tmp_path / "alle.csv", range(1, 51))
    farbe = mapping(tmp_path / "farbe.csv", rows=FARBE)
    assert imp("limesurvey", again, farbe, out, secret, "--replace", "1") == 0
    answers = table(out, "responses")
    assert (answers["item_id"] == "bild").sum() == 40  # a's answers to bild stay
    # ... and so does a line of the register naming where they came from
    assert _named_items(out) >= set(answers["item_id"].astype(str)), table(out, "imports")


def test_a_register_of_an_older_version_without_items_is_valid_without_a_warning(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BOTH)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    path = out / "imports.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    at = lines[head].split(";").index("items")
    old = [
        line if i < head else ";".join(c for j, c in enumerate(line.split(";")) if j != at)
        for i, line in enumerate(lines)
    ]
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    assert "items" not in path.read_text(encoding="utf-8").splitlines()[head].split(";")
    report = validate_folder(out)
    assert report.ok, format_text(report.problems)
    assert [p for p in report.problems if p.file == "imports.csv"] == [], format_text(
        report.problems
    )
