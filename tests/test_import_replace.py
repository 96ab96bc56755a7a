"""``import --replace``: the wave as a number, and a register that says what was replaced.

``responses.csv`` reads its waves as numbers, so ``--replace 1`` and a
mapping's ``@wave;01`` name one wave; the text stays as the mapping wrote it,
because the respondents' pseudonyms are made from it. A ``--replace`` that
would remove the answers of respondents the new export lacks is refused
unless ``--remove-absent`` confirms it, and the earlier import whose answers
were replaced is marked so in ``imports.csv``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.imports import merge as merge_module
from ogl_impact.validate import validate_folder
from tests.test_import_overlap import imp, limesurvey, mapping, secret, table, tree
from tests.test_import_register_items import BOTH, FARBE

__all__ = ["secret"]  # the fixture, shared with tests/test_import_overlap.py

BEFORE = Path(__file__).parent / "fixtures" / "pseudonyms"
"""Files written by the import before waves were compared as numbers (see the README there)."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_of_wave_01_writes_the_pseudonyms_it_wrote_before(tmp_path, secret):
    # the same export, mapping and secret as the reference files were written with
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w01.csv", wave="01")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    assert sha256(out / "responses.csv") == sha256(BEFORE / "wave01_responses.csv")
    taken = BEFORE / "wave01_imported_responses.csv"
    assert sha256(out / "imported_responses.csv") == sha256(taken)


@pytest.mark.parametrize("given", ["01", "1"])
def test_replace_finds_the_wave_a_mapping_writes_as_01(tmp_path, secret, capsys, given):
    # a folder imported with @wave;01 (as before: the test above); its pseudonyms must stay
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w01.csv", wave="01")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    earlier = set(table(out, "responses")["respondent_id"])
    # the cumulative download at the end of the field phase, replacing the first one
    every = limesurvey(tmp_path / "b.csv", range(1, 53))
    capsys.readouterr()
    assert imp("limesurvey", every, m, out, secret, "--replace", given) == 0, capsys.readouterr()
    said = capsys.readouterr()
    assert "40 vorhandene Antworten der Welle 1 ersetzt" in said.out, said
    answers = table(out, "responses")
    assert len(answers) == 52 and answers["respondent_id"].is_unique
    assert set(answers["wave"]) == {"01"}  # as the mapping writes it
    assert earlier < set(answers["respondent_id"])  # the 40 kept their pseudonyms
    assert list(table(out, "imports")["export"]) == ["colors.lss, b.csv"]
    assert validate_folder(out).ok


def test_replace_1_with_a_mapping_now_writing_01_replaces_the_answers_of_wave_1(
    tmp_path, secret, capsys
):
    # first imported with @wave;1, the corrected mapping writes @wave;01: one wave, and the
    # answers of the first import must be replaced, not kept beside the new ones
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "w1.csv", wave="1"), out, secret) == 0
    every = limesurvey(tmp_path / "b.csv", range(1, 53))
    m = mapping(tmp_path / "w01.csv", wave="01")
    capsys.readouterr()
    assert imp("limesurvey", every, m, out, secret, "--replace", "1") == 0, capsys.readouterr()
    answers = table(out, "responses")
    assert len(answers) == 52 and set(answers["wave"]) == {"01"}
    assert table(out, "imported_responses")["response"].is_unique
    assert validate_folder(out).ok


def test_replace_removing_answers_the_export_lacks_needs_a_confirmation(tmp_path, secret, capsys):
    # the researcher downloads responses 21-60 (the first 20 filtered out or deleted in the
    # tool) and replaces wave 1 with them: the answers of 1-20 would be gone
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    later = limesurvey(tmp_path / "b.csv", range(21, 61))
    capsys.readouterr()
    before = tree(out)
    assert imp("limesurvey", later, m, out, secret, "--replace", "1") == 1
    said = capsys.readouterr()
    assert tree(out) == before  # not a byte changed
    assert (
        "--replace 1 würde 20 Antworten von 20 Befragten entfernen, die dieser Export nicht "
        "enthält (responses.csv, Zeilen 3-22)" in said.err
    ), said.err
    assert "erneut mit --replace 1 --remove-absent aufrufen" in said.err
    assert "Import abgelehnt, nichts geschrieben" in said.err and "Traceback" not in said.err

    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr()
    assert "(mit --remove-absent bestätigt)" in said.err, said.err
    assert "imports.csv: Zeile 3 früherer Importe als ersetzt am" in said.out, said.out
    assert len(table(out, "responses")) == 40


def test_the_register_marks_an_earlier_import_whose_answers_were_replaced(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    later = limesurvey(tmp_path / "b.csv", range(21, 61))
    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    register = table(out, "imports")
    assert list(register["export"]) == ["colors.lss, a.csv", "colors.lss, b.csv"]
    assert list(register["answers"]) == ["40", "40"]  # each the count at its import
    day = pd.Timestamp(register["imported"].iloc[1])
    assert pd.Timestamp(register["replaced"].iloc[0]) == day
    assert register["replaced"].isna().iloc[1] or register["replaced"].iloc[1] == ""
    # responses 21-40 are recorded once, now for the second import; 1-20 stay with the first
    taken = table(out, "imported_responses")
    assert taken["response"].is_unique
    assert taken.groupby("sha256").size().sort_values().tolist() == [20, 40]
    # validate accepts the register, from the command line as well
    assert validate_folder(out).ok
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0, capsys.readouterr()
    # the first export again, as another wave: its responses are still recognised
    before = tree(out)
    a_again = limesurvey(tmp_path / "a2.csv", range(1, 41))
    assert imp("limesurvey", a_again, mapping(tmp_path / "w2.csv", wave="2"), out, secret) == 1
    assert tree(out) == before


def test_a_cumulative_download_of_a_wave_written_01_is_seen_as_imported(tmp_path, secret, capsys):
    # with @survey_id the answers cannot be found by their pseudonyms; only the register's
    # records of the responses tell that 40 of them were imported (as wave 01, read as 1)
    rows = "@survey_id;farben;;\nG02Q04;bild;satisfaction;false\n"
    out = tmp_path / "daten"
    w01 = mapping(tmp_path / "w01.csv", wave="01", rows=rows)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), w01, out, secret) == 0
    every = limesurvey(tmp_path / "b.csv", range(1, 53))
    capsys.readouterr()
    before = tree(out)
    w2 = mapping(tmp_path / "w2.csv", wave="2", rows=rows)
    assert imp("limesurvey", every, w2, out, secret) == 1
    err = capsys.readouterr().err
    assert "40 von 52 Antwortbögen dieses Exports wurden schon importiert" in err, err
    assert "--replace 1 ersetzt er alle Antworten der Welle 1" not in err  # not the same wave
    assert tree(out) == before


def test_validate_names_a_replaced_day_before_the_import(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    path = out / "imports.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[1].split(";")
    cells = lines[2].split(";")
    cells[header.index("replaced")] = "2001-01-01"
    lines[2] = ";".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(out)]) == 1
    said = capsys.readouterr()
    assert (
        "imports.csv, Zeile 3, Spalte „replaced“, Wert „2001-01-01“: Ein Import kann erst nach "
        "seinem Tag ersetzt worden sein" in said.out + said.err
    ), said


def test_a_register_without_the_column_replaced_is_read_and_marked(tmp_path, secret, capsys):
    # imports.csv as the previous version wrote it: no column replaced
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    path = out / "imports.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    cut = rows[1].index("replaced")
    path.write_text(
        "\n".join([rows[0][0], *(";".join(r[:cut] + r[cut + 1 :]) for r in rows[1:])]) + "\n",
        encoding="utf-8",
    )
    assert validate_folder(out).ok
    later = limesurvey(tmp_path / "b.csv", range(21, 61))
    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    register = table(out, "imports")
    assert register["replaced"].fillna("").ne("").tolist() == [True, False]
    assert validate_folder(out).ok


def test_remove_absent_without_replace_is_refused_and_writes_nothing(tmp_path, secret, capsys):
    # the confirmation given to the next wave's import, where nothing is replaced: it was
    # taken silently, so the user believed something had been removed
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    wave2 = limesurvey(tmp_path / "b.csv", range(41, 61))
    code = imp("limesurvey", wave2, mapping(tmp_path / "w2.csv", wave="2"), out, secret,
               "--remove-absent")  # fmt: skip
    said = capsys.readouterr()
    assert code == 2, said
    assert "--remove-absent gilt nur zusammen mit --replace WELLE" in said.err, said.err
    assert "Traceback" not in said.err + said.out
    assert tree(out) == before


def test_replace_of_a_wave_with_no_answers_yet_says_nothing_was_replaced(tmp_path, secret, capsys):
    # --replace 2 given to the first import of wave 2 (a typo of the wave, or habit): it
    # said "0 vorhandene Antworten der Welle 2 ersetzt", as if it had found the wave
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    capsys.readouterr()
    wave2 = limesurvey(tmp_path / "b.csv", range(41, 61))
    m2 = mapping(tmp_path / "w2.csv", wave="2")
    assert imp("limesurvey", wave2, m2, out, secret, "--replace", "2") == 0
    said = capsys.readouterr()
    assert "0 vorhandene Antworten" not in said.out, said.out
    assert (
        "--replace 2: die Welle 2 hatte noch keine Antworten zu den importierten Items, "
        "Einheiten und Gruppen; nichts ersetzt, nur hinzugefügt" in said.out
    ), said.out
    assert len(table(out, "responses")) == 60


def test_an_export_whose_answers_a_replace_removed_is_said_to_be_replaced(tmp_path, secret, capsys):
    # the first download imported again after a --replace --remove-absent took its answers
    # away: the refusal guessed "Von Hand entfernt?", while imports.csv says when they were
    # replaced
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, m, out, secret) == 0
    later = limesurvey(tmp_path / "b.csv", range(21, 61))
    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    day = pd.Timestamp(table(out, "imports")["replaced"].iloc[0])
    capsys.readouterr()
    before = tree(out)
    assert imp("limesurvey", first, m, out, secret) == 1
    said = capsys.readouterr()
    assert tree(out) == before
    assert (
        f"(imports.csv, Zeile 3), am {day:%d.%m.%Y} durch einen späteren Import mit --replace "
        "ersetzt (Spalte replaced)" in said.err
    ), said.err
    assert "Von Hand entfernt" not in said.err, said.err


def test_one_answer_missing_is_said_in_the_singular(tmp_path, secret, capsys):
    # "1 von 40 seiner Antworten ... fehlen" read wrong to a German reader
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, m, out, secret) == 0
    later = limesurvey(tmp_path / "b.csv", range(2, 41))  # response 1 deleted in the tool
    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    capsys.readouterr()
    assert imp("limesurvey", first, m, out, secret) == 1
    err = capsys.readouterr().err
    assert "1 von 40 seiner Antworten zu den Items dieser Zuordnung fehlt aber" in err, err
    assert "1 of its 40 answers to the items of this mapping is not in responses.csv" in err


def test_an_import_reads_the_stored_answers_once(tmp_path, secret, capsys, monkeypatch):
    # the same export again with a mapping of fewer items: the register's checks, the
    # merge and the answers kept for the earlier line all ask for responses.csv
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BOTH)
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, both, out, secret) == 0
    read = []
    real = merge_module.read_table

    def counting(path, name=None, **kwargs):
        read.append(Path(path).name)
        return real(path, name, **kwargs)

    monkeypatch.setattr(merge_module, "read_table", counting)
    farbe = mapping(tmp_path / "farbe.csv", rows=FARBE)
    capsys.readouterr()
    assert imp("limesurvey", first, farbe, out, secret, "--replace", "1") == 0, capsys.readouterr()
    assert read.count("responses.csv") == 1, read
    answers = table(out, "responses")
    assert (answers["item_id"] == "bild").sum() == 40  # the answers to the other item stay
    # outside an import every call reads the file again
    rows = answers.head(3)
    assert merge_module.stored_answers(out, rows) == merge_module.stored_answers(out, rows) == 3
    assert read.count("responses.csv") == 3
