"""A mapping naming a question in other capitals or with a typo is told the question meant.

The warning ``mapping_unknown_code`` stood among the warnings about every
unmapped question without saying which code the mapping probably meant.
"""

from __future__ import annotations

import pytest

from tests.test_import_missing_column import download, mapping
from tests.test_import_overlap import imp
from tests.test_import_overlap import secret as secret


@pytest.mark.parametrize(
    ("written", "meant"),
    [("g02q04", "G02Q04"), ("G02Q4", "G02Q04"), ("Q00SQ001", "Q00_SQ001")],
)
def test_a_mistyped_code_is_told_the_question_meant(tmp_path, secret, capsys, written, meant):
    files = download(tmp_path / "export.csv", {})
    rows = f"{written};bild;satisfaction;false\nG01Q02;anderes;other;false\n"
    imp("limesurvey", files, mapping(tmp_path / "zuordnung.csv", rows=rows), tmp_path / "d", secret)
    said = capsys.readouterr()
    text = said.out + said.err
    assert (
        f"zuordnung.csv, Zeile 5, Spalte „code“, Wert „{written}“: Diese Frage gibt es im Export "
        f"nicht (oder sie ist Freitext). Meinten Sie „{meant}“? [Regel mapping_unknown_code]"
    ) in text, text


def test_a_code_like_no_question_gets_no_guess(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {})
    rows = "XYZ;bild;satisfaction;false\n"
    imp("limesurvey", files, mapping(tmp_path / "zuordnung.csv", rows=rows), tmp_path / "d", secret)
    said = capsys.readouterr()
    text = said.out + said.err
    assert "Wert „XYZ“: Diese Frage gibt es im Export nicht (oder sie ist Freitext). [Regel" in text


def test_a_free_text_question_is_not_told_itself(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {})
    rows = "G02Q04;bild;satisfaction;false\nG01Q02;anderes;other;false\n"
    imp("limesurvey", files, mapping(tmp_path / "zuordnung.csv", rows=rows), tmp_path / "d", secret)
    said = capsys.readouterr()
    text = said.out + said.err
    assert "Wert „G01Q02“: Diese Frage gibt es im Export nicht (oder sie ist Freitext). [Regel" in (
        text
    ), text
