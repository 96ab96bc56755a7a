"""A mapping naming a question in other capitals or with a typo is told the question meant.

The warning ``mapping_unknown_code`` stood among the warnings about every
unmapped question without saying which code the mapping probably meant.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ogl_impact.imports.convert import meant
from ogl_impact.imports.export import SurveyExport
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


@pytest.mark.parametrize("written", ["G01Q02", "g01q02"])
def test_a_free_text_question_is_told_free_text(tmp_path, secret, capsys, written):
    files = download(tmp_path / "export.csv", {})
    rows = f"G02Q04;bild;satisfaction;false\n{written};anderes;other;false\n"
    imp("limesurvey", files, mapping(tmp_path / "zuordnung.csv", rows=rows), tmp_path / "d", secret)
    said = capsys.readouterr()
    text = said.out + said.err
    assert (
        f"Wert „{written}“: Diese Frage gibt es im Export nicht (oder sie ist Freitext). "
        "„G01Q02“ ist eine Freitextfrage; Freitext wird nicht übernommen. [Regel"
    ) in text, text
    assert "Meinten Sie" not in text, text


def _export(items: list[str], free: list[str]) -> SurveyExport:
    return SurveyExport(
        pd.DataFrame({"tool_code": items, "code": items}),
        pd.DataFrame({"tool_code": free, "code": free}),
        pd.DataFrame(columns=["response_id", "tool_code", "raw", "value"]),
        ("de",),
        "s1",
    )


def test_a_free_text_code_like_an_item_code_is_not_sent_to_the_item():
    # a comment field beside rating items: "bewertung_k" is as like "bewertung_2" as a typo
    export = _export(["bewertung_1", "bewertung_2"], ["bewertung_k"])
    said = meant("bewertung_k", export)
    assert said["similar_de"] == (
        " „bewertung_k“ ist eine Freitextfrage; Freitext wird nicht übernommen."
    ), said
    assert "bewertung_2" not in said["similar_en"], said
    # a typo of an item beside it is still told the item
    assert meant("bewertng_2", export)["similar_de"] == " Meinten Sie „bewertung_2“?"
