"""LimeSurvey exports written by LimeSurvey 6 itself (see tests/fixtures/README.md)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ogl_impact.imports.limesurvey import LimeSurveyError, plain_text, read_limesurvey

FIX = Path(__file__).parent / "fixtures" / "limesurvey"


@pytest.fixture(scope="module")
def archive():
    return read_limesurvey(FIX / "colors.lsa")


def test_structure_facts(archive):
    # the fixture: Q00 multiple choice with SQ001-SQ011, G01Q02 and G01Q03 free text, G02Q04 list
    assert archive.languages == ("en",)
    items = archive.items.set_index("code")
    assert [c for c in items.index if c.startswith("Q00_")] == [
        f"Q00_SQ{i:03d}" for i in range(1, 12)
    ]
    assert "G02Q04" in items.index and len(items) == 12
    assert set(archive.free_text["code"]) == {"G01Q02", "G01Q03"}
    assert items.loc["Q00_SQ001", "tool_code"] == "841748X3X3SQ001"  # SGQA response column
    assert items.loc["Q00_SQ001", "wording_en"].endswith("– red")
    assert items.loc["G02Q04", "codes"] == {"AO01": 1, "AO02": 2}
    assert (items.loc["G02Q04", "scale_min"], items.loc["G02Q04", "scale_max"]) == (1, 2)
    # the answer options are pictures: their labels fall back to the codes
    assert items.loc["G02Q04", "value_labels"] == "1=AO01|2=AO02"


def test_responses_facts(archive):
    answers = archive.answers
    assert answers["response_id"].nunique() == 2
    assert len(answers) == 2 * 12  # free text never enters the answers
    assert not answers["tool_code"].isin(archive.free_text["tool_code"]).any()
    first = answers[answers["response_id"] == "1"].set_index("tool_code")["value"]
    ticked = {c for c, v in first.items() if c.startswith("841748X3X3") and v == 1}
    assert ticked == {"841748X3X3SQ009", "841748X3X3SQ011"}
    assert first["841748X3X3SQ001"] == 0
    assert first["841748X4X28"] == 1  # AO01
    second = answers[answers["response_id"] == "2"].set_index("tool_code")["value"]
    assert {c for c, v in second.items() if c.startswith("841748X3X3") and v == 1} == {
        "841748X3X3SQ001",
        "841748X3X3SQ002",
    }


def test_structure_alone_matches_archive(archive):
    alone = read_limesurvey(FIX / "colors.lss")
    assert alone.items.drop(columns="codes").equals(archive.items.drop(columns="codes"))
    assert alone.answers.empty


def test_broken_files_are_named(tmp_path):
    bad = tmp_path / "kaputt.lsa"
    bad.write_bytes(b"not a zip")
    with pytest.raises(LimeSurveyError, match=r"kaputt\.lsa"):
        read_limesurvey(bad)
    other = tmp_path / "x.lss"
    other.write_text("<document><LimeSurveyDocType>Responses</LimeSurveyDocType></document>")
    with pytest.raises(LimeSurveyError, match="expected a LimeSurvey Survey"):
        read_limesurvey(other)
    empty = tmp_path / "leer.lsa"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(LimeSurveyError, match=r"no \.lss"):
        read_limesurvey(empty)


def test_plain_text_folds_html():
    assert plain_text('<img alt="" src="x.png" />') == ""
    assert plain_text("Größe <em>und</em>\n  Gewicht") == "Größe und Gewicht"


def test_csv_response_export_gives_the_same_answers(archive):
    from_csv = read_limesurvey(FIX / "colors.lss", FIX / "colors_responses_codes.csv")
    assert from_csv.answers.equals(archive.answers)


def test_csv_without_id_is_refused(tmp_path):
    path = tmp_path / "antworten.csv"
    path.write_text('"Q00[SQ001]"\n"Y"\n', encoding="utf-8")
    with pytest.raises(LimeSurveyError, match="'id'"):
        read_limesurvey(FIX / "colors.lss", path)


def test_tab_separated_structure_matches_lss(archive):
    # the .txt export renders the same survey: same items, wording, codes and SGQA columns
    text = read_limesurvey(FIX / "colors.txt", FIX / "colors_responses_codes.csv")
    assert text.languages == ("en",)
    assert text.items.equals(archive.items)
    assert text.free_text.equals(archive.free_text)
    assert text.answers.equals(archive.answers)


def test_text_file_that_is_not_a_survey(tmp_path):
    path = tmp_path / "notiz.txt"
    path.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(LimeSurveyError, match="tab-separated"):
        read_limesurvey(path)
