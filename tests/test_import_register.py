"""The register of imported exports (``imports.csv``): an export's answers are taken in once.

The respondents' pseudonyms hold wave and unit: the same export imported again
as another wave or unit does not clash with its first import, every answer
would count twice. The register refuses it, whatever the file is called.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.io import read_table
from ogl_impact.validate import validate_folder
from tests.conftest import KILL_MID_MOVE

FIX = Path(__file__).parent / "fixtures" / "limesurvey"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
LSA = FIX / "colors.lsa"  # LimeSurvey archive: responses 1 and 2
LSS = FIX / "colors.lss"


def mapping(path: Path, unit: str = "brandis", wave: str = "2", group: str = "citizens") -> Path:
    path.write_text(
        f"code;item_id;construct;reverse_keyed\n@unit_id;{unit};;\n@wave;{wave};;\n"
        f"@actor_group;{group};;\nG02Q04;bild;satisfaction;false\n",
        encoding="utf-8",
    )
    return path


def csv_export(path: Path, ids: tuple[str, str], answers: tuple[str, str]) -> list[Path]:
    """A LimeSurvey export as structure + response CSV, with these response ids and answers."""
    with (FIX / "colors_responses_codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row, rid, answer in zip(rows, ids, answers, strict=True):
        row["id"], row["G02Q04"] = rid, answer
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [LSS, path]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "schluessel.txt"
    path.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    return path


def args(files, mapping_path, out, secret, *extra) -> list[str]:
    return [
        "import", "limesurvey", *map(str, files), "--mapping", str(mapping_path),
        "--out", str(out), "--programme", str(DEMO), "--secret-file", str(secret), *extra,
    ]  # fmt: skip


def imp(files, mapping_path, out, secret, *extra) -> int:
    return main(args(files, mapping_path, out, secret, *extra))


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def register(folder: Path) -> pd.DataFrame:
    return read_table(folder / "imports.csv", "imports").frame


def responses(folder: Path) -> pd.DataFrame:
    return read_table(folder / "responses.csv", "responses").frame


def test_the_same_export_again_as_another_wave_is_refused(tmp_path, secret, capsys):
    # the researcher typed wave 2, meant wave 1, and imports the export "again, right"
    out = tmp_path / "daten"
    assert imp([LSA], mapping(tmp_path / "w2.csv", wave="2"), out, secret) == 0
    day = pd.Timestamp(register(out)["imported"].iloc[0])
    capsys.readouterr()
    before = tree(out)
    assert imp([LSA], mapping(tmp_path / "w1.csv", wave="1"), out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before  # not a byte changed
    assert "colors.lsa: dieser Export wurde schon importiert" in err, err
    assert f"am {day:%d.%m.%Y} als „colors.lsa“" in err, err
    assert "Welle 2, Einheit brandis, Akteursgruppe citizens, 2 Antworten" in err, err
    assert "(imports.csv, Zeile 3)" in err, err
    assert "zuerst den früheren Import entfernen" in err and "--replace" in err, err
    # only the earlier import's rows: the group may hold other answers (not all of Welle 2)
    assert "nur seine 2 Antworten" in err and "Item bild" in err, err
    assert "die übrigen Antworten dieser Gruppen bleiben" in err, err
    assert "Traceback" not in err
    assert len(responses(out)) == 2  # every answer once


def test_a_renamed_copy_as_another_unit_is_refused(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    assert imp([LSA], mapping(tmp_path / "a.csv"), out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    copy = Path(shutil.copyfile(LSA, tmp_path / "bremen_welle2_final.lsa"))
    assert imp([copy], mapping(tmp_path / "b.csv", unit="bremen"), out, secret) == 1
    err = capsys.readouterr().err
    assert "bremen_welle2_final.lsa: dieser Export wurde schon importiert" in err, err
    assert "als „colors.lsa“" in err and "Einheit brandis" in err, err
    assert tree(out) == before
    # the same answers downloaded as structure + CSV instead of the archive: the same export
    again = csv_export(tmp_path / "antworten.csv", ("1", "2"), ("AO01", "AO01"))
    assert imp(again, mapping(tmp_path / "c.csv", unit="kehl"), out, secret) == 1
    assert "colors.lss, antworten.csv: dieser Export wurde schon" in capsys.readouterr().err
    assert tree(out) == before


def test_a_second_different_export_of_the_same_wave_is_imported(tmp_path, secret, capsys):
    # later responses (3 and 4) of the same survey, downloaded on their own
    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp([LSA], m, out, secret) == 0
    later = csv_export(tmp_path / "nachzuegler.csv", ("3", "4"), ("AO02", "AO01"))
    assert imp(later, m, out, secret) == 0, capsys.readouterr().err
    assert len(responses(out)) == 4
    reg = register(out)
    assert list(reg["export"]) == ["colors.lsa", "colors.lss, nachzuegler.csv"]
    assert list(reg["wave"]) == ["2", "2"] and list(reg["answers"]) == ["2", "2"]
    assert reg["sha256"].nunique() == 2
    assert validate_folder(out).ok


def test_replace_of_the_same_wave_works_and_keeps_one_register_line(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp([LSA], m, out, secret) == 0
    first = register(out)
    assert imp([LSA], m, out, secret, "--replace", "2") == 0, capsys.readouterr().err
    assert "2 vorhandene Antworten der Welle 2 ersetzt" in capsys.readouterr().out
    reg = register(out)
    assert len(reg) == 1  # the line brought up to date, not a second one
    taken = read_table(out / "imported_responses.csv", "imported_responses").frame
    assert len(taken) == 2 and set(taken["sha256"]) == set(reg["sha256"])  # and its responses
    same = ["sha256", "export", "tool", "wave", "unit_id", "actor_group", "answers"]
    assert reg.iloc[0][same].to_dict() == first.iloc[0][same].to_dict()
    assert len(responses(out)) == 2
    # "--replace" with the other wave would keep the first import's answers: refused
    before = tree(out)
    assert imp([LSA], mapping(tmp_path / "w1.csv", wave="1"), out, secret, "--replace", "1") == 1
    err = capsys.readouterr().err
    assert "dieser Export wurde schon importiert" in err and "Welle 2" in err, err
    assert tree(out) == before
    report = validate_folder(out)
    assert report.ok and len(report.tables["imports"]) == 1


def test_a_folder_without_register_has_nothing_recorded(tmp_path, secret, capsys):
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    assert not (data / "imports.csv").exists()  # the embedded data have none
    old = len(responses(data))
    assert imp([LSA], mapping(tmp_path / "m.csv"), data, secret) == 0
    reg = register(data)
    assert len(reg) == 1 and reg.iloc[0]["export"] == "colors.lsa"
    assert reg.iloc[0]["unit_id"] == "brandis" and reg.iloc[0]["answers"] == "2"
    assert len(responses(data)) == old + 2
    capsys.readouterr()
    assert main(["validate", str(data)]) == 0, capsys.readouterr().out
    assert "imports.csv" not in capsys.readouterr().out  # no warning about an unknown file
    # a folder an import wrote before there was a register: the next import starts one
    (data / "imports.csv").unlink()
    later = csv_export(tmp_path / "spaet.csv", ("3", "4"), ("AO02", "AO01"))
    assert imp(later, mapping(tmp_path / "m.csv"), data, secret) == 0
    assert list(register(data)["export"]) == ["colors.lss, spaet.csv"]


@pytest.mark.parametrize("moves", [2, 4, 6, 7, "clean-up"])
def test_a_killed_import_leaves_register_and_answers_both_old_or_both_new(
    tmp_path, secret, capsys, moves
):
    from ogl_impact.write.target import recover

    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp([LSA], m, out, secret) == 0  # codebook, imports and responses exist
    old = {n: (out / n).read_bytes() for n in ("imports.csv", "responses.csv")}
    later = csv_export(tmp_path / "spaet.csv", ("3", "4"), ("AO02", "AO01"))
    # moves: codebook aside, in; imported_responses aside, in; imports aside, in (6: the new
    # register, the old answers); responses aside, in
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_MOVE, str(moves), *args(later, m, out, secret)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    if moves == 6:  # the register new, the answers old: until the next run puts it back
        assert (out / "imports.csv").read_bytes() != old["imports.csv"]
        assert (out / "responses.csv").read_bytes() == old["responses.csv"]
    recover(out)  # what the next run does first
    now = {n: (out / n).read_bytes() for n in old}
    if moves == "clean-up":  # every file was in: both new
        assert all(now[n] != old[n] for n in old)
        assert len(register(out)) == 2 and len(responses(out)) == 4
    else:
        assert now == old
    # the researcher runs the import again: taken in once, recorded once
    capsys.readouterr()
    code = imp(later, m, out, secret)
    assert code == (1 if moves == "clean-up" else 0), capsys.readouterr().err
    assert list(register(out)["export"]) == ["colors.lsa", "colors.lss, spaet.csv"]
    assert len(responses(out)) == 4


def test_a_damaged_register_is_named_with_line_and_column(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    assert imp([LSA], mapping(tmp_path / "m.csv"), out, secret) == 0
    text = (out / "imports.csv").read_text(encoding="utf-8")
    header = text.splitlines()[1].split(";")
    after = len(header) - header.index("unit_id") - 1
    cut = text.rstrip("\n").rsplit(";", after)[0]  # the last line cut off after the unit
    (out / "imports.csv").write_text(cut, encoding="utf-8")
    capsys.readouterr()
    before = tree(out)
    later = csv_export(tmp_path / "spaet.csv", ("3", "4"), ("AO02", "AO01"))
    assert imp(later, mapping(tmp_path / "m.csv"), out, secret) == 1
    printed = capsys.readouterr()
    assert "imports.csv, Zeile 3, Spalte „actor_group“" in printed.err, printed.err
    assert "Das Feld darf nicht leer sein" in printed.err
    assert "bitte die Datei reparieren" in printed.err
    assert "Import abgelehnt, nichts geschrieben" in printed.err
    assert "Traceback" not in printed.out + printed.err
    assert tree(out) == before


def test_a_mapping_named_import_csv_beside_the_tables_is_no_misnamed_register(tmp_path):
    # "import.csv" is a researcher's own file (say, the mapping); it is not taken for a
    # misnamed imports.csv, which only the import command writes
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    mapping(data / "import.csv")
    report = validate_folder(data)
    assert report.ok, report.errors[:3]
    assert [p.rule for p in report.problems if p.file == "import.csv"] == ["file_unknown"]


def _imported_then_cut(tmp_path, secret, capsys, keep: slice):
    """Import colors.lsa, keep only ``keep`` of responses.csv's lines, import it again.

    Returns the folder, the mapping and what the refused second import said
    (nothing written by it: checked here).
    """
    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp([LSA], m, out, secret) == 0
    path = out / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[keep]), encoding="utf-8")
    capsys.readouterr()
    before = tree(out)
    assert imp([LSA], m, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    return out, m, err


def test_answers_removed_by_hand_are_not_said_to_be_there(tmp_path, secret, capsys):
    # the researcher deleted the import's answers from responses.csv, the register kept its line
    out, m, err = _imported_then_cut(tmp_path, secret, capsys, slice(None, 2))  # comment, header
    assert "dieser Export wurde schon importiert" in err, err
    assert "schon da" not in err and "doppelt" not in err, err  # neither is true now
    assert "fehlen aber in responses.csv" in err and "--replace 2" in err, err
    # the way the message names brings them back, once
    assert imp([LSA], m, out, secret, "--replace", "2") == 0, capsys.readouterr().err
    assert len(responses(out)) == 2 and len(register(out)) == 1


def test_some_answers_removed_by_hand_are_not_said_to_be_there(tmp_path, secret, capsys):
    # one of the two answers deleted from responses.csv: "schon da; nichts zu tun" is untrue
    out, m, err = _imported_then_cut(tmp_path, secret, capsys, slice(None, -1))  # the last gone
    assert "schon da" not in err and "doppelt" not in err, err
    assert "1 von 2 seiner Antworten zu den Items dieser Zuordnung fehlt aber" in err, err
    assert "--replace 2" in err, err
    assert imp([LSA], m, out, secret, "--replace", "2") == 0, capsys.readouterr().err
    assert "1 vorhandene Antwort der Welle 2 ersetzt (Einheit: brandis;" in capsys.readouterr().out
    assert len(responses(out)) == 2 and len(register(out)) == 1


def test_answers_still_there_are_said_to_be_there(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp([LSA], m, out, secret) == 0
    capsys.readouterr()
    assert imp([LSA], m, out, secret) == 1
    err = capsys.readouterr().err
    assert "Seine Antworten sind schon da" in err and "doppelt" in err, err
    assert "fehlen aber" not in err and "fehlt aber" not in err, err


def test_structure_and_responses_in_either_order(tmp_path: Path, secret: Path):
    """``antworten.csv umfrage.lss`` is the same import as ``umfrage.lss antworten.csv``."""
    responses = FIX / "colors_responses_codes.csv"
    folders = []
    for k, files in enumerate(([LSS, responses], [responses, LSS])):
        out = tmp_path / f"daten{k}"
        shutil.copytree(DEMO, out)
        assert imp(files, mapping(tmp_path / f"m{k}.csv"), out, secret) == 0
        folders.append(out)
    a, b = (f / "responses.csv" for f in folders)
    assert a.read_bytes() == b.read_bytes()


def test_a_renamed_kobo_form_without_id_is_the_same_export(tmp_path, secret, capsys):
    # the form names no id_string or uid: its file name was taken as the survey id, so a
    # renamed copy had other pseudonyms and another checksum and was imported a second time
    form = Path(__file__).parent / "fixtures" / "kobo" / "grouped_translated_v1.json"
    rows = "Do_you_descend_from_unicellular_organism;einzeller;origin;false\n"
    head = "code;item_id;construct;reverse_keyed\n@wave;1;;\n@actor_group;citizens;;\n"
    head += "@survey_id;einzeller;;\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(head + "@unit_id;brandis;;\n" + rows, encoding="utf-8")
    second.write_text(head + "@unit_id;bremen;;\n" + rows, encoding="utf-8")
    out = tmp_path / "daten"

    def kobo(path: Path, mapping_path: Path) -> int:
        argv = args([path], mapping_path, out, secret)
        argv[1] = "kobo"  # the tool after "import"
        return main(argv)

    assert kobo(form, first) == 0, capsys.readouterr().err
    capsys.readouterr()
    before = tree(out)
    renamed = Path(shutil.copyfile(form, tmp_path / "formular (1).json"))
    assert kobo(renamed, second) == 1
    err = capsys.readouterr().err
    assert "formular (1).json: dieser Export wurde schon importiert" in err, err
    assert tree(out) == before
    assert len(responses(out)) == 2
